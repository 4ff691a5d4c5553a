package workflow_test

import (
	"slices"
	"testing"

	"github.com/untangle-rca/untangle/tree"
	"github.com/untangle-rca/untangle/workflow"
)

func TestWalkOrder(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []tree.NodeID
	}{
		{name: "udes first then breadth-first", src: "UDE [U1]\nUDE [U2]\nIF [A] THEN [U2]\nIF [B] AND [C] THEN [U1]\nIF [D] THEN [B]\n",
			want: []tree.NodeID{1, 2, 4, 5, 3, 6}},
		{name: "dangling last", src: "UDE [U]\nCAUSE [X]\nIF [A] THEN [U]\n", want: []tree.NodeID{1, 3, 2}},
		{name: "loop visited once", src: "UDE [U]\nIF [A] THEN [U]\nIF [B] THEN [A]\nIF [A] THEN [B]\n", want: []tree.NodeID{1, 2, 3}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tr, err := tree.Parse([]byte(tc.src))
			if err != nil {
				t.Fatal(err)
			}
			if got := workflow.WalkOrder(tr); !slices.Equal(got, tc.want) {
				t.Fatalf("WalkOrder = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestWalkAndSkip(t *testing.T) {
	e := newEnv(t)
	id := e.start(false)
	e.seed(id) // unexplained: #3, #4 (causes of the AND group)
	if _, err := e.svc.Skip(e.ctx, alice, id, 3); workflow.ErrorCode(err) != workflow.EWrongPhase {
		t.Fatalf("skip while collecting: %v", err)
	}
	e.phase(id, workflow.PhaseWiring)
	step, err := e.svc.Walk(e.ctx, alice, id)
	if err != nil || step.Node == nil || step.Node.ID != 3 || step.Remaining != 2 {
		t.Fatalf("walk = %+v, %v; want #3 with 2 remaining", step, err)
	}
	if len(step.Prompts) == 0 {
		t.Fatal("no sufficiency prompt for #1 ⇐ #2")
	}
	e.must(e.svc.Skip(e.ctx, alice, id, 3))
	e.reopen()
	step, _ = e.svc.Walk(e.ctx, bob, id)
	if step.Node == nil || step.Node.ID != 4 || !slices.Equal(step.Skipped, []tree.NodeID{3}) {
		t.Fatalf("after skip walk = %+v; want #4, #3 skipped", step)
	}
	e.must(e.svc.MarkRoot(e.ctx, bob, id, 4, true))
	step, _ = e.svc.Walk(e.ctx, bob, id)
	if step.Node != nil || step.Remaining != 0 {
		t.Fatalf("walk = %+v; want done (only skipped left)", step)
	}
	e.must(e.svc.Unskip(e.ctx, bob, id, 3))
	step, _ = e.svc.Walk(e.ctx, bob, id)
	if step.Node == nil || step.Node.ID != 3 {
		t.Fatalf("after unskip walk = %+v; want #3", step)
	}
	e.must(e.svc.Skip(e.ctx, alice, id, 3))
	e.must(e.svc.AddCauses(e.ctx, alice, id, workflow.AddCausesInput{Effect: 3, NewTexts: []string{"Query has no index"}}))
	step, _ = e.svc.Walk(e.ctx, bob, id)
	if step.Node == nil || step.Node.ID != 6 || len(step.Skipped) != 0 {
		t.Fatalf("adding a cause clears the skip; walk = %+v, want #6", step)
	}
	if _, err := e.svc.Skip(e.ctx, alice, id, 99); workflow.ErrorCode(err) != workflow.ENotFound {
		t.Fatalf("skip unknown: %v", err)
	}
}
