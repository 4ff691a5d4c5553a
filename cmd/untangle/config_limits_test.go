package main

import (
	"flag"
	"io"
	"strings"
	"testing"

	"github.com/untangle-rca/untangle/workflow"
)

func TestServeConfigLimits(t *testing.T) {
	base := map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1"}
	tests := []struct {
		name    string
		env     map[string]string
		args    []string
		want    func(l *workflow.Limits)
		wantErr string
	}{
		{name: "defaults", want: func(*workflow.Limits) {}},
		{name: "from the environment", env: map[string]string{"UNTANGLE_MAX_NODES": "50", "UNTANGLE_MAX_PASTE_LINES": "100"},
			want: func(l *workflow.Limits) { l.MaxNodes, l.MaxPasteLines = 50, 100 }},
		{name: "flag wins over the environment", env: map[string]string{"UNTANGLE_MAX_PARTICIPANTS": "9"},
			args: []string{"--max-participants", "12", "--max-text", "200"},
			want: func(l *workflow.Limits) { l.MaxParticipants, l.MaxTextRunes = 12, 200 }},
		{name: "not a number", env: map[string]string{"UNTANGLE_MAX_PASTE_BYTES": "64k"}, wantErr: `UNTANGLE_MAX_PASTE_BYTES "64k"`},
		{name: "zero", env: map[string]string{"UNTANGLE_MAX_NODES": "0"}, wantErr: `UNTANGLE_MAX_NODES "0"`},
		{name: "text above the model", env: map[string]string{"UNTANGLE_MAX_TEXT": "301"}, wantErr: "UNTANGLE_MAX_TEXT"},
		{name: "threshold NaN", env: map[string]string{"UNTANGLE_CORE_THRESHOLD": "NaN"}, wantErr: `UNTANGLE_CORE_THRESHOLD "NaN" must be a number above 0 and at most 1`},
		{name: "threshold infinite", env: map[string]string{"UNTANGLE_CORE_THRESHOLD": "+Inf"}, wantErr: `UNTANGLE_CORE_THRESHOLD "+Inf"`},
		{name: "threshold zero", args: []string{"--core-threshold", "0"}, wantErr: `UNTANGLE_CORE_THRESHOLD "0"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			getenv := func(k string) string {
				if v, ok := tc.env[k]; ok {
					return v
				}
				return base[k]
			}
			fs := flag.NewFlagSet("serve", flag.ContinueOnError)
			fs.SetOutput(io.Discard)
			cfg, err := loadServeConfig(tc.args, getenv, func(string) ([]byte, error) { return nil, nil }, fs)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error = %v, want one naming %s", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want := workflow.DefaultLimits()
			tc.want(&want)
			if cfg.Limits != want {
				t.Errorf("limits = %+v, want %+v", cfg.Limits, want)
			}
		})
	}
}
