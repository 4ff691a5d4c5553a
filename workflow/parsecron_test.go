package workflow_test

import (
	"strings"
	"testing"

	"github.com/untangle-rca/untangle/workflow"
)

// The cron library panics on a time zone prefix with nothing after it;
// /rca remind must answer such input with a field error instead.
func TestSetReminderSpecMalformed(t *testing.T) {
	tests := []struct {
		name, spec string
		ok         bool
	}{
		{name: "standard line", spec: "0 10 * * 1-5", ok: true},
		{name: "time zone and line", spec: "CRON_TZ=Europe/Berlin 0 9 * * *", ok: true},
		{name: "bare TZ prefix", spec: "TZ="},
		{name: "bare CRON_TZ with zone", spec: "CRON_TZ=UTC"},
		{name: "six fields", spec: "0 0 10 * * 1-5"},
		{name: "descriptor", spec: "@weekly", ok: true},
		{name: "every whole minutes", spec: "@every 45m", ok: true},
		{name: "every seconds", spec: "@every 3s"},
		{name: "every part of a minute", spec: "@every 1m30s"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			id := e.start(false)
			_, err := e.svc.SetReminderSpec(e.ctx, fac, id, tc.spec)
			if tc.ok != (err == nil) {
				t.Fatalf("SetReminderSpec(%q) = %v, want ok %v", tc.spec, err, tc.ok)
			}
			if !tc.ok && (workflow.ErrorCode(err) != workflow.EInvalid || workflow.ErrorField(err) != "schedule") {
				t.Errorf("SetReminderSpec(%q) = %v, want invalid on schedule", tc.spec, err)
			}
		})
	}
}

// TestParseCronSaysWhy: a schedule finer than the once-a-minute check is
// refused with a reason, not run at a coarser pace.
func TestParseCronSaysWhy(t *testing.T) {
	tests := []struct{ spec, want string }{
		{spec: "0 0 10 * * 1-5", want: "seconds field is not supported"},
		{spec: "TZ=UTC */5 * * * * *", want: "seconds field is not supported"},
		{spec: "@every 3s", want: "whole number of minutes"},
		{spec: "@every 59s", want: "whole number of minutes"},
		{spec: "TZ=", want: "time zone prefix"},
	}
	for _, tc := range tests {
		t.Run(tc.spec, func(t *testing.T) {
			if _, err := workflow.ParseCron(tc.spec); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("ParseCron(%q) = %v, want an error saying %q", tc.spec, err, tc.want)
			}
			e := newEnv(t)
			id := e.start(false)
			_, err := e.svc.SetReminderSpec(e.ctx, fac, id, tc.spec)
			if !strings.Contains(workflow.ErrorMessage(err), tc.want) {
				t.Fatalf("SetReminderSpec(%q) says %q, want the reason %q", tc.spec, workflow.ErrorMessage(err), tc.want)
			}
		})
	}
}
