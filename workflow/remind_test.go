package workflow_test

import (
	"slices"
	"testing"
	"time"

	"github.com/untangle-rca/untangle/tree"
	"github.com/untangle-rca/untangle/workflow"
)

func TestPlanReminder(t *testing.T) {
	now := time.Date(2026, 3, 10, 10, 0, 5, 0, time.UTC)
	slot := time.Date(2026, 3, 10, 10, 0, 0, 0, time.UTC)
	tr, err := tree.Parse([]byte("UDE [U]\nIF [A] THEN [U]\nIF [B] THEN [A]\n"))
	if err != nil {
		t.Fatal(err)
	}
	base := func(phase workflow.Phase) workflow.ReminderInput {
		return workflow.ReminderInput{RCA: workflow.RCA{ID: 1, Phase: phase, Facilitator: "UF",
			Participants: []string{"UA", "UB", "UF"}}, Tree: tr}
	}
	tests := []struct {
		name    string
		in      func() workflow.ReminderInput
		slot    time.Time
		post    bool
		pending int
		mention []string
		nudge   bool
	}{
		{name: "challenging with unreviewed links mentions non-reviewers", slot: slot, post: true, pending: 1,
			mention: []string{"UB", "UF"}, in: func() workflow.ReminderInput {
				in := base(workflow.PhaseChallenging)
				in.Reviews = []workflow.Review{{Group: 1, User: "UA", Holds: true}}
				return in
			}},
		{name: "slot already reminded is not posted again", slot: slot, post: false, pending: 1,
			mention: []string{"UA", "UB", "UF"}, in: func() workflow.ReminderInput {
				in := base(workflow.PhaseChallenging)
				in.State.LastReminded = slot
				return in
			}},
		{name: "future slot is not posted", slot: slot.Add(time.Hour), post: false, pending: 1,
			mention: []string{"UA", "UB", "UF"}, in: func() workflow.ReminderInput { return base(workflow.PhaseChallenging) }},
		{name: "wiring with an unexplained node", slot: slot, post: true, pending: 1,
			in: func() workflow.ReminderInput { return base(workflow.PhaseWiring) }},
		{name: "wiring with the only unexplained node skipped", slot: slot, post: false, pending: 0,
			in: func() workflow.ReminderInput {
				in := base(workflow.PhaseWiring)
				in.Skips = []tree.NodeID{3}
				return in
			}},
		{name: "closed never reminds", slot: slot, in: func() workflow.ReminderInput {
			in := base(workflow.PhaseClosed)
			in.RCA.Due = now.AddDate(0, 0, -5)
			return in
		}},
		{name: "overdue nudges facilitator", slot: slot, post: true, pending: 1, nudge: true, in: func() workflow.ReminderInput {
			in := base(workflow.PhaseWiring)
			in.RCA.Due = now.Add(-time.Hour)
			return in
		}},
		{name: "overdue nudged recently", slot: slot, post: true, pending: 1, in: func() workflow.ReminderInput {
			in := base(workflow.PhaseWiring)
			in.RCA.Due = now.AddDate(0, 0, -2)
			in.State.LastDueNudge = now.Add(-2 * time.Hour)
			return in
		}},
		{name: "fixing with no fix", slot: slot, post: true, pending: 1, in: func() workflow.ReminderInput { return base(workflow.PhaseFixing) }},
		{name: "fixing with a fix", slot: slot, in: func() workflow.ReminderInput {
			in := base(workflow.PhaseFixing)
			in.Fixes = []workflow.Fix{{Node: 3}}
			return in
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := workflow.PlanReminder(tc.in(), tc.slot, now)
			if got.Post != tc.post || len(got.Pending) != tc.pending || !slices.Equal(got.Mention, tc.mention) || got.Nudge != tc.nudge {
				t.Fatalf("PlanReminder = %+v; want post %v, %d pending, mention %v, nudge %v", got, tc.post, tc.pending, tc.mention, tc.nudge)
			}
		})
	}
}

func TestRemindersAcrossRestart(t *testing.T) {
	e := newEnv(t)
	id := e.start(false)
	e.seed(id)
	e.phase(id, workflow.PhaseWiring)
	slot := e.clock.Now()
	e.clock.Add(time.Minute)
	rems, err := e.svc.Reminders(e.ctx, slot)
	if err != nil || len(rems) != 1 || rems[0].RCAID != id || !rems[0].Post {
		t.Fatalf("reminders = %+v, %v", rems, err)
	}
	if err := e.svc.MarkReminded(e.ctx, id, slot, rems[0].Nudge); err != nil {
		t.Fatal(err)
	}
	e.reopen()
	if rems, _ := e.svc.Reminders(e.ctx, slot); len(rems) != 0 {
		t.Fatalf("after restart the same slot reminds again: %+v", rems)
	}
	if _, err := e.svc.SetReminderSpec(e.ctx, fac, id, "every day"); workflow.ErrorField(err) != "schedule" {
		t.Fatalf("bad spec: %v", err)
	}
	e.must(e.svc.SetReminderSpec(e.ctx, fac, id, "0 9 * * 1-5"))
	st, err := e.svc.ReminderState(e.ctx, alice, id)
	if err != nil || st.Spec != "0 9 * * 1-5" || !st.LastReminded.Equal(slot) {
		t.Fatalf("state = %+v, %v", st, err)
	}
}
