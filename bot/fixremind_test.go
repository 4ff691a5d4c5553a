package bot

import (
	"strings"
	"testing"
	"time"

	"github.com/untangle-rca/untangle/bot/slacktest"
	"github.com/untangle-rca/untangle/workflow"
)

// TestFixRemindersAfterClose runs the scheduler with an injected clock
// against the fake Slack: after the RCA closes, a fix goes due and overdue,
// and its owner gets exactly one DM per day, restarts included; the weekly
// digest comes once per week while the fix is open, and stops once it is done.
func TestFixRemindersAfterClose(t *testing.T) {
	at := func(d, hh, mm int) time.Time { return remindAt(remindBerlin, 2026, 3, d, hh, mm, 1) }
	e := newRemindEnv(t, remindBerlin, at(23, 9, 0)) // Monday
	id := e.startRCA(time.Time{})
	e.toChallenge(id)
	fac := e.actor(e.fac)
	if _, err := e.svc.Advance(e.ctx, fac, id); err != nil {
		t.Fatal(err)
	}
	res, err := e.svc.ProposeFix(e.ctx, fac, id, workflow.FixInput{Node: 2, Injection: "The gateway client retries with backoff",
		Owner: e.alice.ID, Due: time.Date(2026, 3, 25, 23, 59, 59, 0, remindBerlin)}) // due Wednesday
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Finish(e.ctx, fac, id); err != nil {
		t.Fatal(err)
	}
	digests := func() []slacktest.Message {
		var out []slacktest.Message
		for _, m := range e.fake.Messages(e.channel.ID) {
			if strings.HasPrefix(m.Text, "Weekly fix digest") {
				out = append(out, m)
			}
		}
		return out
	}
	steps := []struct {
		name          string
		at            time.Time
		restart       bool
		dms, digestsN int
	}{
		{"Tuesday: not due yet", at(24, 10, 0), false, 0, 0},
		{"Wednesday: due", at(25, 0, 30), false, 1, 0},
		{"Wednesday after a restart", at(25, 10, 1), true, 1, 0},
		{"Wednesday night", at(25, 23, 59), false, 1, 0},
		{"Thursday just after midnight in Berlin: overdue", at(26, 0, 1), false, 2, 0},
		{"Thursday again", at(26, 9, 0), false, 2, 0},
		{"Monday: nudge and digest", at(30, 9, 0), false, 3, 1},
		{"Monday after a restart", at(30, 9, 5), true, 3, 1},
	}
	for _, s := range steps {
		if s.restart {
			e.restart()
		}
		e.tickAt(s.at)
		if got := len(e.alice.DMs()); got != s.dms {
			t.Fatalf("%s: %d DMs to the owner, want %d", s.name, got, s.dms)
		}
		if got := len(digests()); got != s.digestsN {
			t.Fatalf("%s: %d digests, want %d", s.name, got, s.digestsN)
		}
	}
	dms := e.alice.DMs()
	if text := dms[0].PlainText(); !strings.Contains(text, "is due today") || !strings.Contains(string(dms[0].Blocks), `"action_id":"`+actFixStatus+`"`) {
		t.Errorf("first nudge:\n%s", text)
	}
	if text := dms[1].PlainText(); !strings.Contains(text, "is overdue by 1 day") {
		t.Errorf("second nudge:\n%s", text)
	}
	digest := digests()[0].PlainText()
	for _, want := range []string{"Weekly fix digest — Payment outage", "0 of 1 fixes done", "retries with backoff", "Reopen the RCA"} {
		if !strings.Contains(digest, want) {
			t.Errorf("digest lacks %q:\n%s", want, digest)
		}
	}
	done := workflow.FixDone
	if _, err := e.svc.UpdateFix(e.ctx, e.actor(e.alice), id, res.Fix, workflow.FixEdit{Status: &done}); err != nil {
		t.Fatal(err)
	}
	e.tickAt(at(31, 9, 0))
	e.clock.Set(time.Date(2026, 4, 6, 9, 0, 0, 0, remindBerlin))
	e.sched.tick(e.ctx)
	if len(e.alice.DMs()) != 3 || len(digests()) != 1 {
		t.Fatalf("after the fix is done: %d DMs, %d digests; want 3, 1", len(e.alice.DMs()), len(digests()))
	}
}

// TestNoDueDayDMForADoneFix: while the RCA is still planning fixes, a fix
// already marked done gets no due-day DM, and a dropped one does not count
// as a fix without an owner.
func TestNoDueDayDMForADoneFix(t *testing.T) {
	at := func(d, hh, mm int) time.Time { return remindAt(time.UTC, 2026, 3, d, hh, mm, 1) }
	e := newRemindEnv(t, time.UTC, at(23, 9, 0)) // Monday
	id := e.startRCA(time.Time{})
	e.toChallenge(id)
	fac := e.actor(e.fac)
	if _, err := e.svc.Advance(e.ctx, fac, id); err != nil {
		t.Fatal(err)
	}
	propose := func(owner string) int64 {
		res, err := e.svc.ProposeFix(e.ctx, fac, id, workflow.FixInput{Node: 2, Injection: "The gateway client retries with backoff " + owner,
			Owner: owner, Due: time.Date(2026, 3, 24, 23, 59, 59, 0, time.UTC)})
		if err != nil {
			t.Fatal(err)
		}
		return res.Fix
	}
	done, dropped := workflow.FixDone, workflow.FixDropped
	if _, err := e.svc.UpdateFix(e.ctx, e.actor(e.alice), id, propose(e.alice.ID), workflow.FixEdit{Status: &done}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.UpdateFix(e.ctx, fac, id, propose(""), workflow.FixEdit{Status: &dropped, Reason: "Not needed"}); err != nil {
		t.Fatal(err)
	}
	e.tickAt(at(24, 10, 0))
	if dms := e.alice.DMs(); len(dms) != 0 {
		t.Fatalf("a done fix's owner got %d due-day DMs", len(dms))
	}
	for _, m := range e.reminders() {
		if strings.Contains(m.PlainText(), "without an owner") {
			t.Fatalf("a dropped fix counted as unowned:\n%s", m.PlainText())
		}
	}
}
