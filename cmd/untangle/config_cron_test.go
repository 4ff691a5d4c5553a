package main

import (
	"flag"
	"io"
	"strings"
	"testing"
)

// TestServeConfigRemindCron: every schedule UNTANGLE_REMIND_CRON accepts is
// one the reminder scheduler honours (it checks once a minute); finer ones
// are refused with a message that says why.
func TestServeConfigRemindCron(t *testing.T) {
	tests := []struct {
		spec    string
		wantErr string // a phrase of the refusal; "" when accepted
	}{
		{spec: "0 10 * * 1-5"},
		{spec: "CRON_TZ=Europe/Berlin 30 9 * * 1,3"},
		{spec: "@daily"},
		{spec: "@every 30m"},
		{spec: "@every 2h"},
		{spec: "@every 3s", wantErr: "whole number of minutes"},
		{spec: "@every 90s", wantErr: "whole number of minutes"},
		{spec: "0 0 10 * * 1-5", wantErr: "seconds field is not supported"},
		{spec: "CRON_TZ=UTC 0 0 10 * * *", wantErr: "seconds field is not supported"},
		{spec: "every morning", wantErr: "UNTANGLE_REMIND_CRON"},
	}
	for _, tc := range tests {
		t.Run(tc.spec, func(t *testing.T) {
			env := map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1", "UNTANGLE_REMIND_CRON": tc.spec}
			fs := flag.NewFlagSet("serve", flag.ContinueOnError)
			fs.SetOutput(io.Discard)
			cfg, err := loadServeConfig(nil, func(k string) string { return env[k] }, func(string) ([]byte, error) { return nil, nil }, fs)
			if tc.wantErr == "" {
				if err != nil || cfg.RemindCron != tc.spec {
					t.Fatalf("refused %q: %v", tc.spec, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) || !strings.Contains(err.Error(), "UNTANGLE_REMIND_CRON") {
				t.Fatalf("error = %v, want one naming UNTANGLE_REMIND_CRON and saying %q", err, tc.wantErr)
			}
		})
	}
}
