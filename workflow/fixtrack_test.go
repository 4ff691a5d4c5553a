package workflow_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/untangle-rca/untangle/workflow"
)

// TestMayMoveFix checks every role × from × to against a literal table:
// "fo" means the facilitator and the fix's owner may, "f" the facilitator
// only, "=" is no move at all (conflict for everyone who may act).
func TestMayMoveFix(t *testing.T) {
	p, a, i, d, x := workflow.FixProposed, workflow.FixAgreed, workflow.FixInProgress, workflow.FixDone, workflow.FixDropped
	spec := map[workflow.FixStatus]map[workflow.FixStatus]string{
		p: {p: "=", a: "fo", i: "fo", d: "fo", x: "fo"},
		a: {p: "f", a: "=", i: "fo", d: "fo", x: "fo"},
		i: {p: "f", a: "f", i: "=", d: "fo", x: "fo"},
		d: {p: "f", a: "f", i: "f", d: "=", x: "f"},
		x: {p: "f", a: "f", i: "f", d: "f", x: "="},
	}
	r := &workflow.RCA{Title: "T", Creator: "UF", Facilitator: "UF", Participants: []string{"UF", "UO", "UP"}}
	roles := []struct{ name, user, letter string }{
		{"facilitator", "UF", "f"}, {"owner", "UO", "o"}, {"participant", "UP", ""}, {"outsider", "UX", ""},
	}
	for from, row := range spec {
		for to, who := range row {
			for _, role := range roles {
				f := &workflow.Fix{Owner: "UO", Status: from}
				err := workflow.MayMoveFix(r, f, role.user, to)
				var want string
				switch {
				case role.letter != "" && strings.Contains(who, role.letter):
					want = ""
				case who == "=" && role.letter != "":
					want = workflow.EConflict
				default:
					want = workflow.EForbidden
				}
				if got := workflow.ErrorCode(err); got != want {
					t.Errorf("%s moving %s → %s: %q (%v), want %q", role.name, from, to, got, err, want)
				}
			}
		}
	}
	if err := workflow.MayMoveFix(r, &workflow.Fix{}, "UF", "finished"); workflow.ErrorCode(err) != workflow.EInvalid {
		t.Errorf("unknown status: %v", err)
	}
	if err := workflow.MayMoveFix(r, &workflow.Fix{}, "UF", workflow.FixAgreed); err != nil {
		t.Errorf("a fix without a status is proposed and may be agreed: %v", err)
	}
}

func status(s workflow.FixStatus) *workflow.FixStatus { return &s }

func TestUpdateFix(t *testing.T) {
	e, id := challengeEnv(t)
	e.acceptAll(id)
	e.phase(id, workflow.PhaseFixing)
	fix := e.must(e.svc.ProposeFix(e.ctx, alice, id, workflow.FixInput{Node: 3, Injection: "Add a query timeout", Owner: bob.UserID})).Fix
	free := e.must(e.svc.ProposeFix(e.ctx, alice, id, workflow.FixInput{Node: 4, Injection: "Configure a circuit breaker"})).Fix
	ticket, bad, dave := "https://tracker.example/PAY-12", "javascript:alert(1)", "UDAVE"
	past := e.clock.Now().AddDate(0, 0, -2)
	steps := []struct {
		name  string
		actor workflow.Actor
		fix   int64
		edit  workflow.FixEdit
		code  string
		field string
	}{
		{"participant may not agree someone's fix", carol, fix, workflow.FixEdit{Status: status(workflow.FixAgreed)}, workflow.EForbidden, ""},
		{"outsider cannot see", eve, fix, workflow.FixEdit{Status: status(workflow.FixAgreed)}, workflow.EForbidden, ""},
		{"owner agrees", bob, fix, workflow.FixEdit{Status: status(workflow.FixAgreed)}, "", ""},
		{"owner adds the ticket", bob, fix, workflow.FixEdit{Ticket: &ticket}, "", ""},
		{"a link must be a web address", bob, fix, workflow.FixEdit{PullReq: &bad}, workflow.EInvalid, "pull_request"},
		{"due date not in the past", bob, fix, workflow.FixEdit{Due: &past}, workflow.EInvalid, "due"},
		{"participant may not re-own someone's fix", carol, fix, workflow.FixEdit{Owner: &dave}, workflow.EForbidden, ""},
		{"dropping needs a reason", fac, fix, workflow.FixEdit{Status: status(workflow.FixDropped)}, workflow.EInvalid, "reason"},
		{"a participant takes an ownerless fix", carol, free, workflow.FixEdit{Owner: &carol.UserID}, "", ""},
		{"the facilitator hands it to someone new", fac, free, workflow.FixEdit{Owner: &dave}, "", ""},
		{"no such fix", fac, 99, workflow.FixEdit{Status: status(workflow.FixDone)}, workflow.ENotFound, "fix"},
		{"owner marks done", bob, fix, workflow.FixEdit{Status: status(workflow.FixDone)}, "", ""},
		{"owner may not reopen a done fix", bob, fix, workflow.FixEdit{Status: status(workflow.FixInProgress)}, workflow.EForbidden, ""},
	}
	for _, s := range steps {
		_, err := e.svc.UpdateFix(e.ctx, s.actor, id, s.fix, s.edit)
		if workflow.ErrorCode(err) != s.code || workflow.ErrorField(err) != s.field {
			t.Fatalf("%s: %v, want %q/%q", s.name, err, s.code, s.field)
		}
	}
	sum, err := e.svc.Summary(e.ctx, fac, id)
	if err != nil {
		t.Fatal(err)
	}
	got := sum.Fixes[0].Fix
	if got.Status != workflow.FixDone || got.Ticket != ticket || !got.StatusAt.Equal(e.clock.Now()) || sum.Fixes[1].Fix.Owner != dave {
		t.Fatalf("fixes after the steps: %+v / %+v", got, sum.Fixes[1].Fix)
	}
	if !sum.RCA.IsParticipant(dave) {
		t.Fatalf("the new owner %s did not join the RCA: %v", dave, sum.RCA.Participants)
	}
	log, err := e.svc.AuditLog(e.ctx, fac, id)
	if err != nil {
		t.Fatal(err)
	}
	last := log[len(log)-1]
	var after workflow.Fix
	if last.Action != string(workflow.CmdFixStatus) || last.Actor != bob.UserID || json.Unmarshal(last.After, &after) != nil ||
		after.Status != workflow.FixDone {
		t.Fatalf("last audit entry = %+v", last)
	}
	// After the RCA closes the fix can still move, and dropping keeps its reason.
	if _, err := e.svc.Finish(e.ctx, fac, id); err != nil {
		t.Fatal(err)
	}
	e.clock.Add(time.Hour)
	e.must(e.svc.UpdateFix(e.ctx, fac, id, free, workflow.FixEdit{Status: status(workflow.FixDropped), Reason: "  The breaker library is retired  "}))
	sum, _ = e.svc.Summary(e.ctx, fac, id)
	if f := sum.Fixes[1].Fix; f.Status != workflow.FixDropped || f.Reason != "The breaker library is retired" {
		t.Fatalf("dropped fix = %+v", f)
	}
}

// TestDroppedFixRemovesNothing: the symptoms all fixes remove together, which
// the summary, the good-outcome modal and tickets show, leave dropped fixes out.
func TestDroppedFixRemovesNothing(t *testing.T) {
	e, id := challengeEnv(t)
	e.acceptAll(id)
	e.phase(id, workflow.PhaseFixing)
	fix := e.must(e.svc.ProposeFix(e.ctx, alice, id, workflow.FixInput{Node: 3, Injection: "Add a query timeout"})).Fix
	sum, _ := e.svc.Summary(e.ctx, fac, id)
	if len(sum.Combined.Removed) == 0 {
		t.Fatalf("the fix removes nothing before it is dropped: %+v", sum.Combined)
	}
	e.must(e.svc.UpdateFix(e.ctx, fac, id, fix, workflow.FixEdit{Status: status(workflow.FixDropped), Reason: "Not ours"}))
	sum, _ = e.svc.Summary(e.ctx, fac, id)
	if len(sum.Combined.Removed) != 0 {
		t.Fatalf("removed by the only fix, dropped: %v, want none", sum.Combined.Removed)
	}
}

func TestUpdateFixBeforeFixingIsWrongPhase(t *testing.T) {
	e, id := challengeEnv(t)
	_, err := e.svc.UpdateFix(e.ctx, fac, id, 1, workflow.FixEdit{Status: status(workflow.FixDone)})
	if workflow.ErrorCode(err) != workflow.EWrongPhase {
		t.Fatalf("UpdateFix while challenging: %v", err)
	}
}
