package workflow_test

import (
	"slices"
	"testing"
	"time"

	"github.com/untangle-rca/untangle/workflow"
)

func TestPlanFixReminders(t *testing.T) {
	closed := time.Date(2026, 3, 4, 15, 0, 0, 0, time.UTC) // a Wednesday
	r := workflow.RCA{ID: 1, Phase: workflow.PhaseClosed, ChannelID: "C1", ClosedAt: closed}
	due := time.Date(2026, 3, 6, 0, 0, 0, 0, time.UTC) // Friday
	fixes := []workflow.Fix{
		{ID: 1, Owner: "UA", Due: due, Status: workflow.FixAgreed},
		{ID: 2, Owner: "UB", Due: due.AddDate(0, 0, 7), Status: workflow.FixInProgress},
		{ID: 3, Owner: "UC", Due: due, Status: workflow.FixDone},
		{ID: 4, Due: due, Status: workflow.FixProposed}, // no owner to nudge
	}
	at := func(d, h int) time.Time { return time.Date(2026, 3, d, h, 0, 0, 0, time.UTC) }
	nudgedFri := slices.Clone(fixes)
	nudgedFri[0].LastNudge = due
	tests := []struct {
		name   string
		rca    workflow.RCA
		fixes  []workflow.Fix
		st     workflow.ReminderState
		now    time.Time
		nudges []int64
		digest bool
	}{
		{"thursday: nothing due, no week started since close", r, fixes, workflow.ReminderState{}, at(5, 9), nil, false},
		{"friday: the due fix is nudged", r, fixes, workflow.ReminderState{}, at(6, 9), []int64{1}, false},
		{"friday again: already nudged for the day", r, nudgedFri, workflow.ReminderState{}, at(6, 18), nil, false},
		{"saturday: overdue, nudged for the new day", r, nudgedFri, workflow.ReminderState{}, at(7, 9), []int64{1}, false},
		{"monday: the digest and the overdue nudge", r, nudgedFri, workflow.ReminderState{}, at(9, 9), []int64{1}, true},
		{"monday, digest posted", r, nudgedFri, workflow.ReminderState{LastDigest: at(9, 0)}, at(9, 10), []int64{1}, false},
		{"an RCA still fixing gets nothing here", workflow.RCA{ID: 1, Phase: workflow.PhaseFixing, ChannelID: "C1"}, fixes,
			workflow.ReminderState{}, at(9, 9), nil, false},
		{"every fix done or dropped: no digest", r, []workflow.Fix{fixes[2], {ID: 5, Status: workflow.FixDropped, Due: due, Owner: "UA"}},
			workflow.ReminderState{}, at(16, 9), nil, false},
		{"reminders off: no nudge and no digest", r, nudgedFri, workflow.ReminderState{Spec: workflow.ReminderOff}, at(9, 9), nil, false},
		{"no channel: no digest", workflow.RCA{ID: 1, Phase: workflow.PhaseClosed, ClosedAt: closed}, fixes,
			workflow.ReminderState{}, at(16, 9), []int64{1, 2}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rem := workflow.PlanFixReminders(tc.rca, tc.fixes, tc.st, tc.now, nil)
			var got []int64
			for _, f := range rem.Nudges {
				got = append(got, f.ID)
			}
			if !slices.Equal(got, tc.nudges) || rem.Digest != tc.digest {
				t.Fatalf("nudges %v digest %v, want %v %v", got, rem.Digest, tc.nudges, tc.digest)
			}
			if rem.Digest && (rem.DigestSlot.Weekday() != time.Monday || !rem.DigestSlot.Equal(rem.DigestSlot.Truncate(24*time.Hour))) {
				t.Fatalf("digest slot %v is not a Monday midnight", rem.DigestSlot)
			}
		})
	}
}

// TestFixRemindersAcrossRestarts runs the service with an injected clock: a
// fix comes due after the RCA closed, its owner is nudged once for the day,
// also after the store is reopened, again the next day, and the weekly
// digest comes once per week until the fix is done.
func TestFixRemindersAcrossRestarts(t *testing.T) {
	e, id := challengeEnv(t)
	e.acceptAll(id)
	e.phase(id, workflow.PhaseFixing)
	e.must(e.svc.BindChannel(e.ctx, fac, id, "CRCA"))
	fix := e.must(e.svc.ProposeFix(e.ctx, alice, id, workflow.FixInput{Node: 3, Injection: "Add a query timeout",
		Owner: bob.UserID, Due: e.clock.Now().AddDate(0, 0, 2)})).Fix // due Wednesday
	if _, err := e.svc.Finish(e.ctx, fac, id); err != nil {
		t.Fatal(err)
	}
	check := func(step string, nudges int, digest bool) {
		t.Helper()
		rems, err := e.svc.FixReminders(e.ctx)
		if err != nil {
			t.Fatal(err)
		}
		var n int
		var d bool
		for _, rem := range rems {
			for _, f := range rem.Nudges {
				if f.ID != fix || f.Owner != bob.UserID {
					t.Fatalf("%s: nudge for %+v", step, f)
				}
				n++
				if err := e.svc.MarkFixNudged(e.ctx, id, f.ID, rem.NudgeSlot); err != nil {
					t.Fatal(err)
				}
			}
			if rem.Digest {
				d = true
				if len(rem.Open) != 1 || rem.Progress.Text() != "0 of 1 fixes done; every symptom still open" {
					t.Fatalf("%s: digest %+v / %q", step, rem.Open, rem.Progress.Text())
				}
				if err := e.svc.MarkFixDigest(e.ctx, id, rem.DigestSlot); err != nil {
					t.Fatal(err)
				}
			}
		}
		if n != nudges || d != digest {
			t.Fatalf("%s: %d nudges, digest %v; want %d, %v", step, n, d, nudges, digest)
		}
	}
	check("Monday, not due yet", 0, false)
	e.clock.Add(2 * 24 * time.Hour)
	check("Wednesday, due", 1, false)
	e.reopen()
	check("Wednesday after a restart", 0, false)
	e.clock.Add(12 * time.Hour)
	check("Wednesday night", 0, false)
	e.clock.Add(12 * time.Hour)
	check("Thursday, overdue", 1, false)
	e.clock.Add(4 * 24 * time.Hour)
	check("next Monday: nudge and digest", 1, true)
	e.reopen()
	check("next Monday after a restart", 0, false)
	e.must(e.svc.UpdateFix(e.ctx, bob, id, fix, workflow.FixEdit{Status: status(workflow.FixDone)}))
	e.clock.Add(7 * 24 * time.Hour)
	check("a week after the fix is done", 0, false)
	log, err := e.svc.AuditLog(e.ctx, fac, id)
	if err != nil {
		t.Fatal(err)
	}
	var nudged, digests int
	for _, l := range log {
		switch l.Action {
		case "fix_nudged":
			nudged++
		case "fix_digest":
			digests++
		}
	}
	if nudged != 3 || digests != 1 {
		t.Fatalf("audit: %d nudges, %d digests; want 3, 1", nudged, digests)
	}
}
