package bot

import (
	"testing"
)

func TestWithoutVolatile(t *testing.T) {
	first := `{"type":"block_actions","trigger_id":"111.222.aaa","response_url":"https:\/\/hooks.slack.com\/actions\/T1\/1\/x","message":{"blocks":[{"type":"section","text":{"text":"say \"trigger_id\":\"keep\" here"}}]},"actions":[{"action_id":"a","value":"1","action_ts":"1.1"}]}`
	tests := []struct {
		name  string
		other string
		same  bool
	}{
		{"the double click", `{"type":"block_actions","trigger_id":"333.444.bbb","response_url":"https:\/\/hooks.slack.com\/actions\/T1\/2\/y","message":{"blocks":[{"type":"section","text":{"text":"say \"trigger_id\":\"keep\" here"}}]},"actions":[{"action_id":"a","value":"1","action_ts":"2.2"}]}`, true},
		{"another value", `{"type":"block_actions","trigger_id":"111.222.aaa","response_url":"https:\/\/hooks.slack.com\/actions\/T1\/1\/x","message":{"blocks":[{"type":"section","text":{"text":"say \"trigger_id\":\"keep\" here"}}]},"actions":[{"action_id":"a","value":"2","action_ts":"1.1"}]}`, false},
		{"text quoting a field changed", `{"type":"block_actions","trigger_id":"111.222.aaa","response_url":"https:\/\/hooks.slack.com\/actions\/T1\/1\/x","message":{"blocks":[{"type":"section","text":{"text":"say \"trigger_id\":\"KEEP\" here"}}]},"actions":[{"action_id":"a","value":"1","action_ts":"1.1"}]}`, false},
		{"message updated", `{"type":"block_actions","trigger_id":"111.222.aaa","response_url":"https:\/\/hooks.slack.com\/actions\/T1\/1\/x","message":{"blocks":[{"type":"section","text":{"text":"another state"}}]},"actions":[{"action_id":"a","value":"1","action_ts":"1.1"}]}`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b := digest(withoutVolatile([]byte(first))), digest(withoutVolatile([]byte(tt.other)))
			if (a == b) != tt.same {
				t.Errorf("same key = %v, want %v\n%s\n%s", a == b, tt.same, withoutVolatile([]byte(first)), withoutVolatile([]byte(tt.other)))
			}
		})
	}
}

func TestWithoutVolatileUnterminated(t *testing.T) {
	if got := string(withoutVolatile([]byte(`{"trigger_id":"abc`))); got != `{"trigger_id":"` {
		t.Errorf("got %q", got)
	}
}
