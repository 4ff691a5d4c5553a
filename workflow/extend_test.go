package workflow_test

import (
	"slices"
	"testing"

	"github.com/untangle-rca/untangle/tree"
	"github.com/untangle-rca/untangle/workflow"
)

// The seed tree: link 1 is #1 ⇐ #2, link 2 is #2 ⇐ (#3 AND #4), link 3 is #5 ⇐ #3.

func TestAddCausesExtendGrowsTheLink(t *testing.T) {
	tests := []struct {
		name      string
		in        workflow.AddCausesInput
		wantLink  tree.GroupID
		want      []tree.NodeID // the link's causes afterwards
		wantNew   int
		otherLink tree.GroupID // a link that must stay as it was
	}{
		{name: "a new premise joins a one-cause link",
			in:       workflow.AddCausesInput{Effect: 1, Extend: 1, NewTexts: []string{"Retries are unbounded"}, Kind: tree.KindPremise},
			wantLink: 1, want: []tree.NodeID{2, 6}, wantNew: 1, otherLink: 3},
		{name: "an existing node joins, logic AND given",
			in:       workflow.AddCausesInput{Effect: 5, Extend: 3, Existing: []tree.NodeID{4}, Logic: workflow.LogicAnd},
			wantLink: 3, want: []tree.NodeID{3, 4}, otherLink: 2},
		{name: "a text equal to an existing node refers to it",
			in:       workflow.AddCausesInput{Effect: 1, Extend: 1, NewTexts: []string{"  No circuit breaker   is configured"}},
			wantLink: 1, want: []tree.NodeID{2, 4}, otherLink: 2},
		{name: "several causes join an AND link at once",
			in:       workflow.AddCausesInput{Effect: 2, Extend: 2, NewTexts: []string{"Traffic doubled"}, Existing: []tree.NodeID{5}},
			wantLink: 2, want: []tree.NodeID{3, 4, 5, 6}, wantNew: 1, otherLink: 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			id := e.start(false)
			e.seed(id)
			other, _ := e.tree(id).Group(tc.otherLink)
			otherBefore := slices.Clone(other.Causes)
			links := e.tree(id).NumGroups()

			res := e.must(e.svc.AddCauses(e.ctx, alice, id, tc.in))
			if !slices.Equal(res.Groups, []tree.GroupID{tc.wantLink}) {
				t.Errorf("result links = %v, want [%d]", res.Groups, tc.wantLink)
			}
			if len(res.NewNodes) != tc.wantNew {
				t.Errorf("new nodes = %v, want %d", res.NewNodes, tc.wantNew)
			}
			if res.Prompt != "" {
				t.Errorf("prompt %q after the link has several causes", res.Prompt)
			}
			tr := e.tree(id)
			g, ok := tr.Group(tc.wantLink)
			if !ok {
				t.Fatalf("link %d is gone", tc.wantLink)
			}
			got := slices.Clone(g.Causes)
			slices.Sort(got)
			if !slices.Equal(got, tc.want) || g.Effect != tc.in.Effect {
				t.Errorf("link %d = %v ⇒ %s, want %v ⇒ %s", g.ID, got, g.Effect, tc.want, tc.in.Effect)
			}
			if tr.NumGroups() != links {
				t.Errorf("links = %d, want %d (no new link)", tr.NumGroups(), links)
			}
			o, _ := tr.Group(tc.otherLink)
			if !slices.Equal(o.Causes, otherBefore) {
				t.Errorf("link %d changed: %v, was %v", tc.otherLink, o.Causes, otherBefore)
			}
			log, err := e.svc.AuditLog(e.ctx, fac, id)
			if err != nil {
				t.Fatal(err)
			}
			if last := log[len(log)-1]; last.Action != "extend_group" || last.Actor != alice.UserID {
				t.Errorf("last audit entry = %s by %s, want extend_group by %s", last.Action, last.Actor, alice.UserID)
			}
		})
	}
}

func TestAddCausesExtendRefuses(t *testing.T) {
	tests := []struct {
		name      string
		setup     func(e *env, id int64)
		in        workflow.AddCausesInput
		wantCode  string
		wantField string
	}{
		{name: "a link that does not exist",
			in: workflow.AddCausesInput{Effect: 1, Extend: 99, NewTexts: []string{"Retries are unbounded"}}, wantCode: workflow.ENotFound, wantField: "extend"},
		{name: "a link of another effect",
			in: workflow.AddCausesInput{Effect: 5, Extend: 1, NewTexts: []string{"Retries are unbounded"}}, wantCode: workflow.EConflict, wantField: "extend"},
		{name: "a cause already in the link",
			in: workflow.AddCausesInput{Effect: 2, Extend: 2, Existing: []tree.NodeID{3}}, wantCode: workflow.EConflict, wantField: "existing"},
		{name: "a cause already in the link, named by its text",
			in: workflow.AddCausesInput{Effect: 1, Extend: 1, NewTexts: []string{"Payment API times out"}}, wantCode: workflow.EConflict, wantField: "new_texts"},
		{name: "the effect as its own cause",
			in: workflow.AddCausesInput{Effect: 1, Extend: 1, Existing: []tree.NodeID{1}}, wantCode: workflow.EInvalid, wantField: "existing"},
		{name: "OR logic",
			in: workflow.AddCausesInput{Effect: 1, Extend: 1, NewTexts: []string{"Retries are unbounded"}, Logic: workflow.LogicOr}, wantCode: workflow.EInvalid, wantField: "logic"},
		{name: "the grown link equals another link of the effect",
			setup: func(e *env, id int64) {
				e.must(e.svc.AddCauses(e.ctx, bob, id, workflow.AddCausesInput{Effect: 5, Existing: []tree.NodeID{3, 4}, Logic: workflow.LogicAnd}))
			},
			in: workflow.AddCausesInput{Effect: 5, Extend: 3, Existing: []tree.NodeID{4}}, wantCode: workflow.EConflict, wantField: "causes"},
		{name: "nothing to add",
			in: workflow.AddCausesInput{Effect: 1, Extend: 1}, wantCode: workflow.EInvalid, wantField: "causes"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			id := e.start(false)
			e.seed(id)
			if tc.setup != nil {
				tc.setup(e, id)
			}
			before, audits := string(tree.Format(e.tree(id))), e.auditCount(id)
			_, err := e.svc.AddCauses(e.ctx, alice, id, tc.in)
			if code, field := workflow.ErrorCode(err), workflow.ErrorField(err); code != tc.wantCode || field != tc.wantField {
				t.Fatalf("err = %v (code %q, field %q), want code %q field %q", err, code, field, tc.wantCode, tc.wantField)
			}
			if after := string(tree.Format(e.tree(id))); after != before {
				t.Errorf("a refused command changed the tree:\n%s\nwas:\n%s", after, before)
			}
			if a := e.auditCount(id); a != audits {
				t.Errorf("audit entries = %d, want %d", a, audits)
			}
		})
	}
}

func TestAddCausesExtendInChallengeClearsReviews(t *testing.T) {
	e := newEnv(t)
	id := e.start(false)
	e.seed(id)
	e.phase(id, workflow.PhaseChallenging)
	for _, u := range []workflow.Actor{alice, bob} {
		if res := e.must(e.svc.Review(e.ctx, u, id, 1, true)); u == bob && res.Status != tree.StatusAccepted {
			t.Fatalf("link 1 is %s after two holds, want accepted", res.Status)
		}
	}
	e.must(e.svc.Review(e.ctx, carol, id, 3, true))
	e.must(e.svc.AddCauses(e.ctx, carol, id, workflow.AddCausesInput{Effect: 1, Extend: 1,
		NewTexts: []string{"Retries are unbounded"}, Kind: tree.KindPremise}))

	g, _ := e.tree(id).Group(1)
	if g.Status != tree.StatusUnreviewed {
		t.Errorf("grown link 1 is %s, want unreviewed", g.Status)
	}
	reviews, err := e.svc.Reviews(e.ctx, fac, id)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range reviews {
		if r.Group == 1 {
			t.Errorf("review of the grown link kept: %+v", r)
		}
	}
	if len(reviews) != 1 || reviews[0].Group != 3 || reviews[0].User != carol.UserID {
		t.Errorf("reviews = %+v, want carol's on link 3 only", reviews)
	}
}
