package workflow_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/untangle-rca/untangle/tree"
	"github.com/untangle-rca/untangle/workflow"
)

// limitEnv is a seeded RCA (5 nodes, participants fac, alice, bob, carol)
// on a Service with limits l.
func limitEnv(t *testing.T, l workflow.Limits) (*env, int64) {
	t.Helper()
	e := newEnv(t)
	e.svc = workflow.New(e.db, e.clock, workflow.WithLimits(l))
	id := e.start(false)
	e.seed(id)
	return e, id
}

// chain returns n statement lines IF [Step i] THEN [Step i-1], the first
// effect being the seeded symptom #1.
func chain(n int) string {
	var b strings.Builder
	b.WriteString("IF [Step 1] THEN #1\n")
	for i := 2; i <= n; i++ {
		fmt.Fprintf(&b, "IF [Step %d] THEN [Step %d]\n", i, i-1)
	}
	return b.String()
}

func TestLimitsRefuseWholeCommand(t *testing.T) {
	tests := []struct {
		name      string
		limits    workflow.Limits
		run       func(e *env, id int64) error
		field     string
		mentions  string // the limit, as the message must name it
		nodesLeft int
	}{
		{name: "symptom over the node limit", limits: workflow.Limits{MaxNodes: 5},
			run: func(e *env, id int64) error {
				_, err := e.svc.AddSymptom(e.ctx, alice, id, workflow.SymptomInput{Text: "Emails are late"})
				return err
			}, field: "text", mentions: "limit is 5 nodes", nodesLeft: 5},
		{name: "cause over the node limit", limits: workflow.Limits{MaxNodes: 6},
			run: func(e *env, id int64) error {
				_, err := e.svc.AddCauses(e.ctx, alice, id, workflow.AddCausesInput{Effect: 1,
					NewTexts: []string{"The queue is full", "The worker crashed"}})
				return err
			}, field: "new_texts", mentions: "limit is 6 nodes", nodesLeft: 5},
		{name: "paste over the node limit applies nothing", limits: workflow.Limits{MaxNodes: 10},
			run: func(e *env, id int64) error {
				_, err := e.svc.PasteStatements(e.ctx, alice, id, chain(6))
				return err
			}, field: "statements", mentions: "limit is 10 nodes", nodesLeft: 5},
		{name: "preview over the node limit", limits: workflow.Limits{MaxNodes: 10},
			run: func(e *env, id int64) error {
				_, err := e.svc.PreviewStatements(e.ctx, alice, id, chain(6))
				return err
			}, field: "statements", mentions: "limit is 10 nodes", nodesLeft: 5},
		{name: "paste over the byte limit", limits: workflow.Limits{MaxPasteBytes: 1024},
			run: func(e *env, id int64) error {
				_, err := e.svc.PasteStatements(e.ctx, alice, id, chain(60))
				return err
			}, field: "statements", mentions: "limit is 1 KiB", nodesLeft: 5},
		{name: "preview over the line limit", limits: workflow.Limits{MaxPasteLines: 10},
			run: func(e *env, id int64) error {
				_, err := e.svc.PreviewStatements(e.ctx, alice, id, chain(11))
				return err
			}, field: "statements", mentions: "limit is 10 lines", nodesLeft: 5},
		{name: "default limits refuse a 2,000-line paste of 2,000 new nodes", limits: workflow.Limits{},
			run: func(e *env, id int64) error {
				_, err := e.svc.PasteStatements(e.ctx, alice, id, chain(2000))
				return err
			}, field: "statements", mentions: "limit is 2000 nodes", nodesLeft: 5},
		{name: "default limits refuse a 2,001-line paste", limits: workflow.Limits{},
			run: func(e *env, id int64) error {
				_, err := e.svc.PasteStatements(e.ctx, alice, id, chain(2001))
				return err
			}, field: "statements", mentions: "limit is 2000 lines", nodesLeft: 5},
		{name: "text over a lowered text limit", limits: workflow.Limits{MaxTextRunes: 40},
			run: func(e *env, id int64) error {
				_, err := e.svc.AddSymptom(e.ctx, alice, id, workflow.SymptomInput{Text: "Emails arrive two hours late at every customer"})
				return err
			}, field: "text", mentions: "limit is 40 characters", nodesLeft: 5},
		{name: "invite over the participant limit", limits: workflow.Limits{MaxParticipants: 4},
			run: func(e *env, id int64) error {
				_, err := e.svc.AddParticipants(e.ctx, fac, id, []string{eve.UserID})
				return err
			}, field: "participants", mentions: "limit is 4 participants", nodesLeft: 5},
		{name: "join over the participant limit", limits: workflow.Limits{MaxParticipants: 4},
			run: func(e *env, id int64) error {
				_, err := e.svc.Join(e.ctx, eve, id)
				return err
			}, field: "participants", mentions: "limit is 4 participants", nodesLeft: 5},
		{name: "start over the participant limit", limits: workflow.Limits{MaxParticipants: 4},
			run: func(e *env, _ int64) error {
				_, err := e.svc.Start(e.ctx, fac, workflow.StartInput{Title: "Another outage",
					Participants: []string{alice.UserID, bob.UserID, carol.UserID, eve.UserID}})
				return err
			}, field: "participants", mentions: "limit is 4 participants", nodesLeft: 5},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e, id := limitEnv(t, tc.limits)
			audits := e.auditCount(id)
			err := tc.run(e, id)
			if workflow.ErrorCode(err) != workflow.EInvalid || workflow.ErrorField(err) != tc.field {
				t.Fatalf("error = %v, want invalid on %q", err, tc.field)
			}
			if msg := workflow.ErrorMessage(err); !strings.Contains(msg, tc.mentions) {
				t.Errorf("message %q does not name the limit %q", msg, tc.mentions)
			}
			if n := e.tree(id).NumNodes(); n != tc.nodesLeft {
				t.Errorf("nodes after refusal = %d, want %d", n, tc.nodesLeft)
			}
			if got := e.auditCount(id); got != audits {
				t.Errorf("audit entries %d → %d: a refused command changed something", audits, got)
			}
		})
	}
}

func TestLimitsAllowUpToTheLimit(t *testing.T) {
	tests := []struct {
		name   string
		limits workflow.Limits
		run    func(e *env, id int64) error
		nodes  int
	}{
		{name: "symptom reaching the node limit", limits: workflow.Limits{MaxNodes: 6},
			run: func(e *env, id int64) error {
				_, err := e.svc.AddSymptom(e.ctx, alice, id, workflow.SymptomInput{Text: "Emails are late"})
				return err
			}, nodes: 6},
		{name: "paste reaching the node limit", limits: workflow.Limits{MaxNodes: 10},
			run: func(e *env, id int64) error {
				_, err := e.svc.PasteStatements(e.ctx, alice, id, chain(5))
				return err
			}, nodes: 10},
		{name: "a 2,000-line paste within the default limits", limits: workflow.Limits{},
			run: func(e *env, id int64) error {
				_, err := e.svc.PasteStatements(e.ctx, alice, id, strings.Repeat("# comment\n", 5)+chain(1995))
				return err
			}, nodes: 2000},
		{name: "invite up to the participant limit, counting people once", limits: workflow.Limits{MaxParticipants: 5},
			run: func(e *env, id int64) error {
				_, err := e.svc.AddParticipants(e.ctx, fac, id, []string{eve.UserID, eve.UserID, alice.UserID})
				return err
			}, nodes: 5},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e, id := limitEnv(t, tc.limits)
			if err := tc.run(e, id); err != nil {
				t.Fatalf("refused: %v", err)
			}
			if n := e.tree(id).NumNodes(); n != tc.nodes {
				t.Errorf("nodes = %d, want %d", n, tc.nodes)
			}
		})
	}
}

func TestLimitsDefaultsAndValidate(t *testing.T) {
	tests := []struct {
		name    string
		in      workflow.Limits
		want    workflow.Limits
		invalid bool
	}{
		{name: "zero means defaults", in: workflow.Limits{}, want: workflow.DefaultLimits()},
		{name: "set fields are kept", in: workflow.Limits{MaxNodes: 50, MaxTextRunes: 120},
			want: func() workflow.Limits {
				l := workflow.DefaultLimits()
				l.MaxNodes, l.MaxTextRunes = 50, 120
				return l
			}()},
		{name: "negative is invalid", in: workflow.Limits{MaxPasteLines: -1}, want: workflow.DefaultLimits(), invalid: true},
		{name: "text above the model's limit is invalid", in: workflow.Limits{MaxTextRunes: tree.MaxTextRunes + 1},
			want: workflow.DefaultLimits(), invalid: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.in.Validate(); (err != nil) != tc.invalid {
				t.Fatalf("Validate() = %v, want invalid %v", err, tc.invalid)
			}
			svc := workflow.New(nil, nil, workflow.WithLimits(tc.in))
			if got := svc.Limits(); got != tc.want {
				t.Errorf("Limits() = %+v, want %+v", got, tc.want)
			}
		})
	}
}
