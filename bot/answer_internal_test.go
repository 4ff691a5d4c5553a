package bot

import (
	"encoding/json"
	"reflect"
	"testing"
)

func TestInspectAnswer(t *testing.T) {
	tests := []struct {
		name, echo, in, want, err string
	}{
		{"view echo", "view",
			`{"ok":true,"view":{"id":"V1","blocks":[{"type":"section","text":{"text":"a ] } \" [ {"}}],"hash":"h"}}`,
			`{"ok":true,"view":{"id":"V1","blocks":[],"hash":"h"}}`, ""},
		{"message echo with spaces", "message",
			"{ \"ok\" : true , \"channel\":\"C1\", \"message\" : { \"blocks\" : [ {\"type\":\"divider\"} ] , \"text\":\"x\" } }",
			"{ \"ok\" : true , \"channel\":\"C1\", \"message\" : { \"blocks\" : [] , \"text\":\"x\" } }", ""},
		{"blocks elsewhere are kept", "view",
			`{"ok":true,"blocks":[1],"view":{"state":{"blocks":[2]}}}`,
			`{"ok":true,"blocks":[1],"view":{"state":{"blocks":[2]}}}`, ""},
		{"no echo for other methods", "",
			`{"ok":true,"view":{"blocks":[{"type":"divider"}]}}`,
			`{"ok":true,"view":{"blocks":[{"type":"divider"}]}}`, ""},
		{"slack error", "view", `{"ok":false,"error":"expired_trigger_id"}`, `{"ok":false,"error":"expired_trigger_id"}`, "expired_trigger_id"},
		{"escaped error", "", `{"error":"bad\u005fthing","ok":false}`, `{"error":"bad\u005fthing","ok":false}`, "bad_thing"},
		{"error without a name", "", `{"ok":false}`, `{"ok":false}`, "unknown"},
		{"not an object", "view", `[{"view":{"blocks":[1]}}]`, `[{"view":{"blocks":[1]}}]`, ""},
		{"truncated", "view", `{"ok":false,"view":{"blocks":[1,2`, `{"ok":false,"view":{"blocks":[1,2`, ""},
		{"empty blocks stay", "view", `{"ok":true,"view":{"blocks":[]}}`, `{"ok":true,"view":{"blocks":[]}}`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := inspectAnswer([]byte(tt.in), tt.echo)
			if string(got.body) != tt.want || got.slackError != tt.err {
				t.Errorf("inspectAnswer(%s) = %s, %q; want %s, %q", tt.in, got.body, got.slackError, tt.want, tt.err)
			}
		})
	}
}

// FuzzInspectAnswer checks inspectAnswer against encoding/json: a valid
// answer stays valid, differs only in the echoed blocks, and the error name
// is the one encoding/json finds.
func FuzzInspectAnswer(f *testing.F) {
	for _, s := range []string{
		`{"ok":true,"view":{"id":"V1","blocks":[{"type":"section","text":{"text":"a ] } \" [ {"}}]}}`,
		`{"ok":false,"error":"invalid_blocks","response_metadata":{"messages":["[ERROR] bad"]}}`,
		`{"ok":true,"message":{"blocks":[{"type":"divider"}],"ts":"1.2"},"channel":"C1"}`,
		`{"view":{"blocks":[1,{"a":[true,null,-1.5e3]}]} , "ok" : true}`,
		`[]`, `{}`, `{"ok":"false"}`, `{"view":{"blocks":"x"}}`,
	} {
		f.Add([]byte(s), true)
		f.Add([]byte(s), false)
	}
	f.Fuzz(func(t *testing.T, data []byte, message bool) {
		echo := "view"
		if message {
			echo = "message"
		}
		got := inspectAnswer(data, echo)
		var in map[string]any
		if json.Unmarshal(data, &in) != nil {
			return // not a JSON object: nothing is promised but no panic
		}
		var out map[string]any
		if err := json.Unmarshal(got.body, &out); err != nil {
			t.Fatalf("answer %s became invalid JSON %s: %v", data, got.body, err)
		}
		if obj, ok := in[echo].(map[string]any); ok {
			if _, ok := obj["blocks"].([]any); ok {
				obj["blocks"] = []any{}
			}
		}
		if !reflect.DeepEqual(in, out) {
			t.Fatalf("answer %s became %s", data, got.body)
		}
		var want string
		if okv, isBool := in["ok"].(bool); isBool && !okv {
			want, _ = in["error"].(string)
			if want == "" {
				want = "unknown"
			}
		}
		if got.slackError != want {
			t.Fatalf("error of %s = %q, want %q", data, got.slackError, want)
		}
	})
}
