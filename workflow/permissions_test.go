package workflow_test

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/untangle-rca/untangle/workflow"
)

func TestCheckTable(t *testing.T) {
	rca := func(phase workflow.Phase, private bool) *workflow.RCA {
		return &workflow.RCA{ID: 7, Creator: "UC", Facilitator: "UF", Participants: []string{"UC", "UF", "UP"},
			Phase: phase, Private: private}
	}
	const (
		ok        = ""
		forbidden = workflow.EForbidden
		hidden    = workflow.ENotFound // a private RCA reads as missing to outsiders
		wrong     = workflow.EWrongPhase
	)
	tests := []struct {
		name    string
		user    string
		phase   workflow.Phase
		private bool
		cmd     workflow.Command
		want    string
	}{
		{name: "participant adds symptom while collecting", user: "UP", phase: workflow.PhaseCollecting, cmd: workflow.CmdAddSymptom, want: ok},
		{name: "participant adds cause while wiring", user: "UP", phase: workflow.PhaseWiring, cmd: workflow.CmdAddCauses, want: ok},
		{name: "participant cannot add symptom while challenging", user: "UP", phase: workflow.PhaseChallenging, cmd: workflow.CmdAddSymptom, want: wrong},
		{name: "outsider cannot add symptom", user: "UX", phase: workflow.PhaseCollecting, cmd: workflow.CmdAddSymptom, want: forbidden},
		{name: "outsider may view public", user: "UX", phase: workflow.PhaseWiring, cmd: workflow.CmdView, want: ok},
		{name: "outsider may not view private", user: "UX", phase: workflow.PhaseWiring, private: true, cmd: workflow.CmdView, want: hidden},
		{name: "outsider may join public", user: "UX", phase: workflow.PhaseWiring, cmd: workflow.CmdJoin, want: ok},
		{name: "outsider may not join private", user: "UX", phase: workflow.PhaseWiring, private: true, cmd: workflow.CmdJoin, want: hidden},
		{name: "nobody joins a closed rca", user: "UX", phase: workflow.PhaseClosed, cmd: workflow.CmdJoin, want: wrong},
		{name: "participant cannot advance", user: "UP", phase: workflow.PhaseCollecting, cmd: workflow.CmdAdvance, want: forbidden},
		{name: "facilitator advances", user: "UF", phase: workflow.PhaseCollecting, cmd: workflow.CmdAdvance, want: ok},
		{name: "creator advances", user: "UC", phase: workflow.PhaseWiring, cmd: workflow.CmdAdvance, want: ok},
		{name: "facilitator cannot advance from fixing (finish instead)", user: "UF", phase: workflow.PhaseFixing, cmd: workflow.CmdAdvance, want: wrong},
		{name: "facilitator cannot step back from collecting", user: "UF", phase: workflow.PhaseCollecting, cmd: workflow.CmdStepBack, want: wrong},
		{name: "facilitator steps back from fixing", user: "UF", phase: workflow.PhaseFixing, cmd: workflow.CmdStepBack, want: ok},
		{name: "mark root only while wiring", user: "UP", phase: workflow.PhaseCollecting, cmd: workflow.CmdMarkRoot, want: wrong},
		{name: "skip while wiring", user: "UP", phase: workflow.PhaseWiring, cmd: workflow.CmdSkip, want: ok},
		{name: "dig under a new premise during the challenge pass", user: "UP", phase: workflow.PhaseChallenging, cmd: workflow.CmdAddCauses, want: ok},
		{name: "no causes once fixing", user: "UP", phase: workflow.PhaseFixing, cmd: workflow.CmdAddCauses, want: wrong},
		{name: "review while challenging", user: "UP", phase: workflow.PhaseChallenging, cmd: workflow.CmdReview, want: ok},
		{name: "review not while wiring", user: "UP", phase: workflow.PhaseWiring, cmd: workflow.CmdReview, want: wrong},
		{name: "raise while challenging", user: "UP", phase: workflow.PhaseChallenging, cmd: workflow.CmdRaise, want: ok},
		{name: "participant cannot decide", user: "UP", phase: workflow.PhaseChallenging, cmd: workflow.CmdDecide, want: forbidden},
		{name: "facilitator decides", user: "UF", phase: workflow.PhaseChallenging, cmd: workflow.CmdDecide, want: ok},
		{name: "propose fix while fixing", user: "UP", phase: workflow.PhaseFixing, cmd: workflow.CmdProposeFix, want: ok},
		{name: "propose fix not while challenging", user: "UP", phase: workflow.PhaseChallenging, cmd: workflow.CmdProposeFix, want: wrong},
		{name: "participant cannot finish", user: "UP", phase: workflow.PhaseFixing, cmd: workflow.CmdFinish, want: forbidden},
		{name: "facilitator finishes", user: "UF", phase: workflow.PhaseFixing, cmd: workflow.CmdFinish, want: ok},
		{name: "finish only from fixing", user: "UF", phase: workflow.PhaseWiring, cmd: workflow.CmdFinish, want: wrong},
		{name: "facilitator reopens closed", user: "UF", phase: workflow.PhaseClosed, cmd: workflow.CmdReopen, want: ok},
		{name: "participant cannot reopen", user: "UP", phase: workflow.PhaseClosed, cmd: workflow.CmdReopen, want: forbidden},
		{name: "reopen needs closed", user: "UF", phase: workflow.PhaseFixing, cmd: workflow.CmdReopen, want: wrong},
		{name: "edit in closed is wrong phase", user: "UF", phase: workflow.PhaseClosed, cmd: workflow.CmdEdit, want: wrong},
		{name: "participant cannot invite", user: "UP", phase: workflow.PhaseWiring, cmd: workflow.CmdAddParticipants, want: forbidden},
		{name: "undo while challenging", user: "UP", phase: workflow.PhaseChallenging, cmd: workflow.CmdUndo, want: ok},
		{name: "view closed", user: "UP", phase: workflow.PhaseClosed, cmd: workflow.CmdView, want: ok},
		{name: "unknown command", user: "UF", phase: workflow.PhaseWiring, cmd: "nope", want: workflow.EInternal},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := workflow.Check(rca(tc.phase, tc.private), tc.user, tc.cmd)
			if got := workflow.ErrorCode(err); got != tc.want {
				t.Fatalf("Check(%s, %s, %s) = %q (%v), want %q", tc.user, tc.phase, tc.cmd, got, err, tc.want)
			}
			if err != nil && workflow.ErrorMessage(err) == "" {
				t.Fatalf("error without a message: %v", err)
			}
		})
	}
}

func TestEveryCommandHasARule(t *testing.T) {
	seen := map[workflow.Command]bool{}
	for _, r := range workflow.Rules() {
		if seen[r.Command] {
			t.Errorf("command %s has two rules", r.Command)
		}
		seen[r.Command] = true
		if len(r.Phases) == 0 {
			t.Errorf("command %s is allowed in no phase", r.Command)
		}
	}
}

func TestErrorHelpers(t *testing.T) {
	tests := []struct {
		name       string
		err        error
		code       string
		field      string
		wantGenMsg bool
	}{
		{name: "nil", err: nil, code: ""},
		{name: "plain error is internal", err: errTest, code: workflow.EInternal, wantGenMsg: true},
		{name: "invalid with field", err: workflow.Invalidf("title", "Too long."), code: workflow.EInvalid, field: "title"},
		{name: "wrapped", err: wrap(workflow.Errorf(workflow.ENotFound, "No RCA.")), code: workflow.ENotFound},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := workflow.ErrorCode(tc.err); got != tc.code {
				t.Errorf("ErrorCode = %q, want %q", got, tc.code)
			}
			if got := workflow.ErrorField(tc.err); got != tc.field {
				t.Errorf("ErrorField = %q, want %q", got, tc.field)
			}
			msg := workflow.ErrorMessage(tc.err)
			if tc.wantGenMsg && (msg == "" || msg == tc.err.Error()) {
				t.Errorf("ErrorMessage of internal error = %q, want a generic sentence", msg)
			}
		})
	}
}

// TestPermissionMatrix checks every role × phase × command against a literal
// specification: the phases letters are c(ollecting) w(iring) h (challenging)
// f(ixing) x (closed); who is anyone, member or lead.
func TestPermissionMatrix(t *testing.T) {
	spec := map[workflow.Command]struct{ phases, who string }{
		workflow.CmdView: {"cwhfx", "anyone"}, workflow.CmdJoin: {"cwhf", "anyone"},
		workflow.CmdAddParticipants: {"cwhf", "lead"}, workflow.CmdBindChannel: {"cwhfx", "lead"},
		workflow.CmdSetReminder: {"cwhfx", "lead"}, workflow.CmdAddSymptom: {"cw", "member"},
		workflow.CmdAddCauses: {"cwh", "member"}, workflow.CmdPaste: {"cw", "member"},
		workflow.CmdMarkRoot: {"wh", "member"}, workflow.CmdSkip: {"wh", "member"},
		workflow.CmdEdit: {"cwh", "member"}, workflow.CmdDelete: {"cwh", "member"}, workflow.CmdUndo: {"cwh", "member"},
		workflow.CmdReview: {"h", "member"}, workflow.CmdRaise: {"h", "member"}, workflow.CmdRepair: {"h", "member"},
		workflow.CmdDecide: {"h", "lead"}, workflow.CmdProposeFix: {"f", "member"}, workflow.CmdFuture: {"f", "member"},
		workflow.CmdFixStatus: {"fx", "member"}, workflow.CmdEditFix: {"fx", "member"},
		workflow.CmdAdvance: {"cwh", "lead"}, workflow.CmdStepBack: {"whf", "lead"},
		workflow.CmdFinish: {"f", "lead"}, workflow.CmdReopen: {"x", "lead"},
		workflow.CmdRevokeLinks: {"cwhfx", "lead"},
	}
	letters := map[workflow.Phase]string{workflow.PhaseCollecting: "c", workflow.PhaseWiring: "w",
		workflow.PhaseChallenging: "h", workflow.PhaseFixing: "f", workflow.PhaseClosed: "x"}
	roles := []struct {
		name    string
		user    string
		private bool
		rank    int // 0 outsider, 1 member, 2 lead
	}{
		{name: "facilitator", user: "UF", rank: 2},
		{name: "creator", user: "UC", rank: 2},
		{name: "participant", user: "UP", rank: 1},
		{name: "outsider of public", user: "UX", rank: 0},
		{name: "outsider of private", user: "UX", private: true, rank: -1},
		{name: "participant of private", user: "UP", private: true, rank: 1},
	}
	if len(spec) != len(workflow.Rules()) {
		t.Fatalf("spec has %d commands, Rules() %d", len(spec), len(workflow.Rules()))
	}
	for _, role := range roles {
		for _, phase := range workflow.Phases {
			for cmd, s := range spec {
				want := ""
				switch {
				case role.rank < 0:
					want = workflow.ENotFound
				case role.rank == 0 && s.who != "anyone", role.rank == 1 && s.who == "lead":
					want = workflow.EForbidden
				case !strings.Contains(s.phases, letters[phase]):
					want = workflow.EWrongPhase
				}
				r := &workflow.RCA{ID: 1, Creator: "UC", Facilitator: "UF", Participants: []string{"UC", "UF", "UP"},
					Phase: phase, Private: role.private}
				if got := workflow.ErrorCode(workflow.Check(r, role.user, cmd)); got != want {
					t.Errorf("%s × %s × %s = %q, want %q", role.name, phase, cmd, got, want)
				}
			}
		}
	}
}

// TestDocsListEveryRule keeps docs/workflow.md's permission table in sync with Rules().
func TestDocsListEveryRule(t *testing.T) {
	doc, err := os.ReadFile("../docs/workflow.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range workflow.Rules() {
		phases := make([]string, len(r.Phases))
		for i, p := range r.Phases {
			phases[i] = string(p)
		}
		who := "participant"
		switch {
		case r.Facilitator:
			who = "facilitator"
		case r.Command == workflow.CmdView || r.Command == workflow.CmdJoin:
			who = "anyone"
		}
		row := fmt.Sprintf("| `%s` | %s | %s |", r.Command, strings.Join(phases, ", "), who)
		if !strings.Contains(string(doc), row) {
			t.Errorf("docs/workflow.md lacks the row %s", row)
		}
	}
}

// TestFacilitatorRefusalsNameThem: every refusal of what only the
// facilitator may do carries their id, the RCA's title and the action, and
// never the RCA's internal number.
func TestFacilitatorRefusalsNameThem(t *testing.T) {
	e := newEnv(t)
	id := e.start(false)
	e.seed(id)
	_, deleteErr := e.svc.Delete(e.ctx, bob, id, 2)
	_, finishErr := e.svc.Finish(e.ctx, alice, id)
	for name, err := range map[string]error{"delete another's node": deleteErr, "finish": finishErr} {
		d := workflow.ErrorDetail(err)
		if d == nil || d.Code != workflow.EForbidden || d.Facilitator != fac.UserID || d.Title != "Payment routing outage" || d.Action == "" {
			t.Errorf("%s: %+v, want a forbidden refusal naming the facilitator, title and action", name, d)
			continue
		}
		if strings.Contains(d.Message, "#") || !strings.Contains(d.Message, d.Title) {
			t.Errorf("%s: message %q", name, d.Message)
		}
	}
}
