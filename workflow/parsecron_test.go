package workflow_test

import (
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
