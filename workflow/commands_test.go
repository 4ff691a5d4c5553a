package workflow_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/untangle-rca/untangle/tree"
	"github.com/untangle-rca/untangle/workflow"
)

func TestStart(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		name  string
		in    workflow.StartInput
		code  string
		field string
	}{
		{name: "ok", in: workflow.StartInput{Title: "  DB   outage ", IncidentLink: "https://status.example.com/1"}},
		{name: "empty title", in: workflow.StartInput{Title: "  "}, code: workflow.EInvalid, field: "title"},
		{name: "long title", in: workflow.StartInput{Title: strings.Repeat("x", 151)}, code: workflow.EInvalid, field: "title"},
		{name: "bad link", in: workflow.StartInput{Title: "x", IncidentLink: "javascript:alert(1)"}, code: workflow.EInvalid, field: "incident_link"},
		{name: "past due", in: workflow.StartInput{Title: "x", Due: e.clock.Now().AddDate(0, 0, -2)}, code: workflow.EInvalid, field: "due"},
		{name: "long severity", in: workflow.StartInput{Title: "x", Severity: strings.Repeat("S", 21)}, code: workflow.EInvalid, field: "severity"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := e.svc.Start(e.ctx, alice, tc.in)
			if workflow.ErrorCode(err) != tc.code || workflow.ErrorField(err) != tc.field {
				t.Fatalf("Start err = %v, want code %q field %q", err, tc.code, tc.field)
			}
			if err != nil {
				return
			}
			if r.Title != "DB outage" || r.Phase != workflow.PhaseCollecting || r.Facilitator != alice.UserID ||
				!r.IsParticipant(alice.UserID) || r.CreatedAt.IsZero() {
				t.Fatalf("Start = %+v", r)
			}
		})
	}
}

func TestChannelBindingAndList(t *testing.T) {
	e := newEnv(t)
	pub := e.start(false)
	priv := e.start(true)
	e.must(e.svc.BindChannel(e.ctx, fac, pub, "C1"))
	if _, err := e.svc.BindChannel(e.ctx, fac, priv, "C1"); workflow.ErrorCode(err) != workflow.EConflict {
		t.Fatalf("binding a taken channel: %v, want conflict", err)
	}
	if _, err := e.svc.BindChannel(e.ctx, alice, priv, "C2"); workflow.ErrorCode(err) != workflow.EForbidden {
		t.Fatalf("participant binding: %v, want forbidden", err)
	}
	r, err := e.svc.RCAForChannel(e.ctx, alice, "C1")
	if err != nil || r.ID != pub {
		t.Fatalf("RCAForChannel = %v, %v; want %d", r, err, pub)
	}
	list, err := e.svc.List(e.ctx, eve)
	if err != nil || len(list) != 1 || list[0].ID != pub {
		t.Fatalf("List(outsider) = %v, %v; want only the public RCA", list, err)
	}
	_, joinErr := e.svc.Join(e.ctx, eve, priv)
	_, missingErr := e.svc.Join(e.ctx, eve, priv+100)
	if workflow.ErrorCode(joinErr) != workflow.ENotFound || workflow.ErrorMessage(joinErr) != workflow.ErrorMessage(missingErr) {
		t.Fatalf("join private: %v, want the same not_found as a missing RCA (%v)", joinErr, missingErr)
	}
	if msg := workflow.ErrorMessage(joinErr); strings.Contains(msg, "Payment") || strings.Contains(msg, fmt.Sprint(priv)) {
		t.Fatalf("the refusal names the private RCA: %q", msg)
	}
	e.must(e.svc.Join(e.ctx, eve, pub))
	e.must(e.svc.AddSymptom(e.ctx, eve, pub, workflow.SymptomInput{Text: "Search is slow"}))
}

func TestAddSymptom(t *testing.T) {
	e := newEnv(t)
	id := e.start(false)
	tests := []struct {
		name  string
		actor workflow.Actor
		in    workflow.SymptomInput
		code  string
		field string
	}{
		{name: "ok", actor: alice, in: workflow.SymptomInput{Text: "Payment routing was down for 45 minutes", Weight: 3,
			Evidence: "https://grafana/d/1", SourceLink: "https://x.slack.com/archives/C1/p1"}},
		{name: "duplicate text", actor: bob, in: workflow.SymptomInput{Text: "Payment routing was down for 45 minutes"}, code: workflow.EConflict, field: "text"},
		{name: "empty", actor: alice, in: workflow.SymptomInput{Text: "   "}, code: workflow.EInvalid, field: "text"},
		{name: "too long", actor: alice, in: workflow.SymptomInput{Text: strings.Repeat("a", tree.MaxTextRunes+1)}, code: workflow.EInvalid, field: "text"},
		{name: "bad weight", actor: alice, in: workflow.SymptomInput{Text: "x", Weight: 4}, code: workflow.EInvalid, field: "weight"},
		{name: "outsider", actor: eve, in: workflow.SymptomInput{Text: "y"}, code: workflow.EForbidden},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.svc.AddSymptom(e.ctx, tc.actor, id, tc.in)
			if workflow.ErrorCode(err) != tc.code || workflow.ErrorField(err) != tc.field {
				t.Fatalf("err = %v, want code %q field %q", err, tc.code, tc.field)
			}
		})
	}
	n, ok := e.tree(id).Node(1)
	if !ok || n.Kind != tree.KindUDE || n.Weight != 3 || n.Evidence != "https://grafana/d/1" {
		t.Fatalf("node #1 = %+v", n)
	}
	if link, err := e.svc.SourceLink(e.ctx, bob, id, 1); err != nil || link != "https://x.slack.com/archives/C1/p1" {
		t.Fatalf("SourceLink = %q, %v", link, err)
	}
	if _, err := e.svc.AddSymptom(e.ctx, alice, 999, workflow.SymptomInput{Text: "z"}); workflow.ErrorCode(err) != workflow.ENotFound {
		t.Fatalf("unknown rca: %v, want not_found", err)
	}
}

func TestSymptomHintsAndBlame(t *testing.T) {
	e := newEnv(t)
	id := e.start(false)
	res := e.must(e.svc.AddSymptom(e.ctx, alice, id, workflow.SymptomInput{Text: "Engineer A forgot to renew the certificate"}))
	if len(res.Blame) != 1 || res.Blame[0].Node != 1 || res.Blame[0].Finding.Suggestion == "" {
		t.Fatalf("blame = %+v, want one finding with a suggestion", res.Blame)
	}
	if n, _ := e.tree(id).Node(1); !n.BlameWorded {
		t.Fatalf("node #1 not marked blame-worded")
	}
	res = e.must(e.svc.AddSymptom(e.ctx, alice, id, workflow.SymptomInput{Text: "Why is there no alerting?"}))
	if len(res.Hints) == 0 || len(res.Blame) != 0 {
		t.Fatalf("question symptom: hints %+v blame %+v; want hints and no blame", res.Hints, res.Blame)
	}
}

func TestAddCauses(t *testing.T) {
	e := newEnv(t)
	id := e.start(false)
	e.seed(id)
	tr := e.tree(id)
	if tr.NumNodes() != 5 || tr.NumGroups() != 3 {
		t.Fatalf("seeded %d nodes, %d links; want 5, 3", tr.NumNodes(), tr.NumGroups())
	}
	g, _ := tr.Group(2)
	if g.Effect != 2 || !slices.Equal(g.Causes, []tree.NodeID{3, 4}) {
		t.Fatalf("AND group = %+v", g)
	}
	tests := []struct {
		name  string
		in    workflow.AddCausesInput
		code  string
		field string
	}{
		{name: "no causes", in: workflow.AddCausesInput{Effect: 1}, code: workflow.EInvalid, field: "causes"},
		{name: "bad logic", in: workflow.AddCausesInput{Effect: 1, NewTexts: []string{"x"}, Logic: "xor"}, code: workflow.EInvalid, field: "logic"},
		{name: "bad kind", in: workflow.AddCausesInput{Effect: 1, NewTexts: []string{"x"}, Kind: tree.KindUDE}, code: workflow.EInvalid, field: "kind"},
		{name: "unknown effect", in: workflow.AddCausesInput{Effect: 99, NewTexts: []string{"x"}}, code: workflow.ENotFound, field: "effect"},
		{name: "unknown existing", in: workflow.AddCausesInput{Effect: 1, Existing: []tree.NodeID{42}}, code: workflow.ENotFound, field: "existing"},
		{name: "self link", in: workflow.AddCausesInput{Effect: 1, Existing: []tree.NodeID{1}}, code: workflow.EInvalid, field: "causes"},
		{name: "duplicate link", in: workflow.AddCausesInput{Effect: 1, Existing: []tree.NodeID{2}}, code: workflow.EConflict, field: "causes"},
		{name: "empty new text", in: workflow.AddCausesInput{Effect: 1, NewTexts: []string{" "}}, code: workflow.EInvalid, field: "new_texts"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.svc.AddCauses(e.ctx, alice, id, tc.in)
			if workflow.ErrorCode(err) != tc.code || workflow.ErrorField(err) != tc.field {
				t.Fatalf("err = %v, want code %q field %q", err, tc.code, tc.field)
			}
		})
	}
	if got := e.tree(id); got.NumNodes() != 5 || got.NumGroups() != 3 {
		t.Fatalf("failed commands changed the tree: %d nodes, %d links", got.NumNodes(), got.NumGroups())
	}
	// The same cause named twice (by text and by number) is one cause.
	res := e.must(e.svc.AddCauses(e.ctx, carol, id, workflow.AddCausesInput{Effect: 4, Logic: workflow.LogicAnd,
		NewTexts: []string{"Breaker library was removed", "Breaker library was removed"}, Existing: []tree.NodeID{}}))
	if len(res.NewNodes) != 1 || len(res.Groups) != 1 {
		t.Fatalf("duplicate cause = %+v, want one node and one link", res)
	}
	if g, _ := e.tree(id).Group(res.Groups[0]); len(g.Causes) != 1 {
		t.Fatalf("link = %+v, want a single cause", g)
	}
	// OR with an existing text reuses the node.
	res = e.must(e.svc.AddCauses(e.ctx, carol, id, workflow.AddCausesInput{Effect: 5,
		NewTexts: []string{"Payment API times out", "Refund worker has one replica"}}))
	if !slices.Equal(res.Existing, []tree.NodeID{2}) || !slices.Equal(res.NewNodes, []tree.NodeID{7}) || len(res.Groups) != 2 {
		t.Fatalf("OR add = %+v", res)
	}
}

func TestSufficiencyPrompt(t *testing.T) {
	e := newEnv(t)
	id := e.start(false)
	e.must(e.svc.AddSymptom(e.ctx, alice, id, workflow.SymptomInput{Text: "Checkout fails"}))
	res := e.must(e.svc.AddCauses(e.ctx, alice, id, workflow.AddCausesInput{Effect: 1, NewTexts: []string{"Pool exhausted"}}))
	if !strings.Contains(res.Prompt, "Is [Pool exhausted] always enough to produce [Checkout fails]?") {
		t.Fatalf("prompt = %q", res.Prompt)
	}
	res = e.must(e.svc.AddCauses(e.ctx, alice, id, workflow.AddCausesInput{Effect: 1, NewTexts: []string{"DNS fails"}}))
	if res.Prompt != "" {
		t.Fatalf("prompt with two groups = %q, want none", res.Prompt)
	}
}

func TestPasteStatements(t *testing.T) {
	e := newEnv(t)
	id := e.start(false)
	e.must(e.svc.AddSymptom(e.ctx, alice, id, workflow.SymptomInput{Text: "Checkout fails"}))
	src := "IF [Pool exhausted] AND [No breaker] THEN [API times out]\nIF [API times out] THEN [#1]\n"
	p, err := e.svc.PreviewStatements(e.ctx, alice, id, src)
	if err != nil || len(p.Errors) != 0 || len(p.NewNodes) != 3 || len(p.NewLinks) != 2 {
		t.Fatalf("preview = %+v, %v", p, err)
	}
	if e.tree(id).NumNodes() != 1 {
		t.Fatal("preview saved nodes")
	}
	bad := "IF [A] THEN\nIF [B] THEN [C]\n"
	p, err = e.svc.PreviewStatements(e.ctx, alice, id, bad)
	if err != nil || len(p.Errors) == 0 || p.Errors[0].Line != 1 {
		t.Fatalf("bad preview = %+v, %v; want an error on line 1", p, err)
	}
	if _, err := e.svc.PasteStatements(e.ctx, alice, id, bad); workflow.ErrorCode(err) != workflow.EInvalid ||
		workflow.ErrorField(err) != "statements" || !strings.Contains(workflow.ErrorMessage(err), "Line 1") {
		t.Fatalf("bad paste: %v", err)
	}
	if e.tree(id).NumNodes() != 1 {
		t.Fatal("failed paste saved nodes")
	}
	res := e.must(e.svc.PasteStatements(e.ctx, bob, id, src))
	if len(res.NewNodes) != 3 || len(res.Groups) != 2 {
		t.Fatalf("paste = %+v", res)
	}
	tr := e.tree(id)
	if tr.NumNodes() != 4 || tr.NumGroups() != 2 || tr.Title != "Payment routing outage" {
		t.Fatalf("after paste %d nodes %d links title %q", tr.NumNodes(), tr.NumGroups(), tr.Title)
	}
	res = e.must(e.svc.PasteStatements(e.ctx, bob, id, src))
	if len(res.NewNodes) != 0 || len(res.Skipped) != 2 {
		t.Fatalf("repeat paste = %+v, want everything skipped", res)
	}
}

func TestEditAndHistory(t *testing.T) {
	e := newEnv(t)
	id := e.start(false)
	e.seed(id)
	text, weight, ev := "Checkout requests fail for all cards", 2, "https://grafana/x"
	e.must(e.svc.Edit(e.ctx, bob, id, workflow.EditInput{Node: 1, Text: &text, Weight: &weight, Evidence: &ev}))
	n, _ := e.tree(id).Node(1)
	if n.Text != text || n.Weight != 2 || n.Evidence != ev {
		t.Fatalf("edited node = %+v", n)
	}
	hist, err := e.svc.History(e.ctx, alice, id, 1)
	if err != nil || len(hist) != 2 || hist[0].Node.Text != "Checkout requests fail" || hist[1].Node.Text != text {
		t.Fatalf("history = %+v, %v", hist, err)
	}
	dup := "Payment API times out"
	if _, err := e.svc.Edit(e.ctx, bob, id, workflow.EditInput{Node: 1, Text: &dup}); workflow.ErrorCode(err) != workflow.EConflict {
		t.Fatalf("duplicate edit: %v, want conflict", err)
	}
	if _, err := e.svc.Edit(e.ctx, bob, id, workflow.EditInput{Node: 2, Weight: &weight}); workflow.ErrorField(err) != "weight" {
		t.Fatalf("weight on a cause: %v, want invalid weight", err)
	}
	if _, err := e.svc.Edit(e.ctx, bob, id, workflow.EditInput{Node: 77, Text: &text}); workflow.ErrorCode(err) != workflow.ENotFound {
		t.Fatalf("edit unknown: %v, want not_found", err)
	}
}

func TestMarkRoot(t *testing.T) {
	e := newEnv(t)
	id := e.start(false)
	e.seed(id)
	if _, err := e.svc.MarkRoot(e.ctx, alice, id, 3, true); workflow.ErrorCode(err) != workflow.EWrongPhase {
		t.Fatalf("mark root while collecting: %v, want wrong_phase", err)
	}
	e.phase(id, workflow.PhaseWiring)
	e.must(e.svc.MarkRoot(e.ctx, alice, id, 3, true))
	if n, _ := e.tree(id).Node(3); !n.RootMarked {
		t.Fatal("node #3 not root-marked")
	}
	if _, err := e.svc.MarkRoot(e.ctx, alice, id, 30, true); workflow.ErrorCode(err) != workflow.ENotFound {
		t.Fatalf("mark unknown: %v", err)
	}
}

func TestDeleteAndUndo(t *testing.T) {
	e := newEnv(t)
	id := e.start(false)
	e.seed(id)
	if _, err := e.svc.Delete(e.ctx, alice, id, 3); workflow.ErrorCode(err) != workflow.EForbidden {
		t.Fatalf("alice deleting bob's node: %v, want forbidden", err)
	}
	e.must(e.svc.Delete(e.ctx, bob, id, 3))
	tr := e.tree(id)
	if _, ok := tr.Node(3); ok {
		t.Fatal("#3 still there")
	}
	if g, _ := tr.Group(2); !slices.Equal(g.Causes, []tree.NodeID{4}) {
		t.Fatalf("AND group after delete = %+v", g)
	}
	if _, ok := tr.Group(3); ok {
		t.Fatal("link #3 ⇒ #5 should be gone with #3")
	}
	e.reopen()
	// Alice's last change added #2, which bob has since wired into: refused.
	if _, err := e.svc.Undo(e.ctx, alice, id); workflow.ErrorCode(err) != workflow.EConflict {
		t.Fatalf("alice undo of a node others built on: %v, want conflict", err)
	}
	e.must(e.svc.Undo(e.ctx, bob, id)) // undoes bob's delete of #3
	tr = e.tree(id)
	if n, ok := tr.Node(3); !ok || n.Text != "A slow SQL query exhausts the DB pool" {
		t.Fatalf("#3 not restored: %+v", n)
	}
	if g, _ := tr.Group(3); g == nil || g.Effect != 5 {
		t.Fatal("link 3 not restored")
	}
	if g, _ := tr.Group(2); !slices.Equal(g.Causes, []tree.NodeID{3, 4}) {
		t.Fatalf("AND group after undo = %+v, want #3 back in it", g)
	}
	// Bob's next undo reverses his previous change: the link #3 ⇒ #5.
	e.must(e.svc.Undo(e.ctx, bob, id))
	if _, ok := e.tree(id).Group(3); ok {
		t.Fatal("link 3 should be undone")
	}
	fresh := e.must(e.svc.AddSymptom(e.ctx, carol, id, workflow.SymptomInput{Text: "Fresh"}))
	if fresh.NewNodes[0] != 6 {
		t.Fatalf("new node after deletes got %s, want #6 (numbers are never reused)", fresh.NewNodes[0])
	}
	e.must(e.svc.Delete(e.ctx, fac, id, 6)) // facilitator may delete anyone's node
	if _, err := e.svc.Undo(e.ctx, eve, id); workflow.ErrorCode(err) != workflow.EForbidden {
		t.Fatalf("outsider undo: %v", err)
	}
}

func TestUndoConflictAndNothing(t *testing.T) {
	e := newEnv(t)
	id := e.start(false)
	if _, err := e.svc.Undo(e.ctx, alice, id); workflow.ErrorCode(err) != workflow.ENotFound {
		t.Fatalf("undo with no history: %v, want not_found", err)
	}
	e.must(e.svc.AddSymptom(e.ctx, alice, id, workflow.SymptomInput{Text: "A"}))
	text := "A changed"
	e.must(e.svc.Edit(e.ctx, bob, id, workflow.EditInput{Node: 1, Text: &text}))
	if _, err := e.svc.Undo(e.ctx, alice, id); workflow.ErrorCode(err) != workflow.EConflict {
		t.Fatalf("undo after someone edited: %v, want conflict", err)
	}
}

func TestPhases(t *testing.T) {
	e := newEnv(t)
	id := e.start(false)
	if _, err := e.svc.Advance(e.ctx, fac, id); workflow.ErrorCode(err) != workflow.EConflict {
		t.Fatalf("advance with no symptom: %v, want conflict", err)
	}
	e.must(e.svc.AddSymptom(e.ctx, alice, id, workflow.SymptomInput{Text: "A"}))
	e.must(e.svc.Advance(e.ctx, fac, id))
	if _, err := e.svc.Advance(e.ctx, fac, id); workflow.ErrorCode(err) != workflow.EConflict {
		t.Fatalf("advance with no link: %v, want conflict", err)
	}
	e.must(e.svc.AddCauses(e.ctx, alice, id, workflow.AddCausesInput{Effect: 1, NewTexts: []string{"B"}}))
	res := e.must(e.svc.Advance(e.ctx, fac, id))
	if res.Phase != workflow.PhaseChallenging {
		t.Fatalf("phase = %s", res.Phase)
	}
	res = e.must(e.svc.StepBack(e.ctx, fac, id))
	if res.Phase != workflow.PhaseWiring {
		t.Fatalf("step back = %s", res.Phase)
	}
	e.phase(id, workflow.PhaseFixing)
	e.clock.Add(48 * time.Hour)
	sum, err := e.svc.Finish(e.ctx, fac, id)
	if err != nil || sum.RCA.Phase != workflow.PhaseClosed || sum.Duration != 48*time.Hour {
		t.Fatalf("Finish = %+v, %v", sum, err)
	}
	if _, err := e.svc.AddSymptom(e.ctx, alice, id, workflow.SymptomInput{Text: "late"}); workflow.ErrorCode(err) != workflow.EWrongPhase {
		t.Fatalf("add after close: %v, want wrong_phase", err)
	}
	res = e.must(e.svc.Reopen(e.ctx, fac, id))
	if r, _ := e.svc.RCA(e.ctx, fac, id); res.Phase != workflow.PhaseFixing || !r.ClosedAt.IsZero() {
		t.Fatalf("reopen: %+v %+v", res, r)
	}
}

func TestIdempotencyKey(t *testing.T) {
	e := newEnv(t)
	id := e.start(false)
	ctx := workflow.WithKey(e.ctx, "Ev-1")
	first := e.must(e.svc.AddSymptom(ctx, alice, id, workflow.SymptomInput{Text: "A"}))
	before := e.auditCount(id)
	e.reopen()
	second := e.must(e.svc.AddSymptom(ctx, alice, id, workflow.SymptomInput{Text: "A"}))
	if first.Replayed || !second.Replayed || !slices.Equal(first.NewNodes, second.NewNodes) {
		t.Fatalf("first %+v second %+v; want the same nodes, second replayed", first, second)
	}
	if e.auditCount(id) != before || e.tree(id).NumNodes() != 1 {
		t.Fatal("replayed command changed something")
	}
	// A different key with the same text is a real second command (and a conflict).
	if _, err := e.svc.AddSymptom(workflow.WithKey(e.ctx, "Ev-2"), alice, id, workflow.SymptomInput{Text: "A"}); workflow.ErrorCode(err) != workflow.EConflict {
		t.Fatalf("second key: %v, want conflict", err)
	}
}

func TestReopenDatabaseKeepsEverything(t *testing.T) {
	e := newEnv(t)
	id := e.start(true)
	e.seed(id)
	e.must(e.svc.BindChannel(e.ctx, fac, id, "C77"))
	if err := e.db.PutRef(e.ctx, id, "dashboard_ts", "1700000000.000100"); err != nil {
		t.Fatal(err)
	}
	want := string(tree.Format(e.tree(id)))
	n := e.auditCount(id)
	e.reopen()
	if got := string(tree.Format(e.tree(id))); got != want {
		t.Fatalf("tree after reopen:\n%s\nwant:\n%s", got, want)
	}
	if e.auditCount(id) != n {
		t.Fatal("audit log changed across reopen")
	}
	ts, err := e.db.Ref(e.ctx, id, "dashboard_ts")
	if err != nil || ts != "1700000000.000100" {
		t.Fatalf("slack ref = %q, %v", ts, err)
	}
	r, err := e.svc.RCAForChannel(e.ctx, alice, "C77")
	if err != nil || r.ID != id || !r.Private {
		t.Fatalf("RCAForChannel = %+v, %v", r, err)
	}
	if _, err := e.svc.RCAForChannel(e.ctx, eve, "C77"); workflow.ErrorCode(err) != workflow.ENotFound {
		t.Fatalf("outsider reading a private rca: %v", err)
	}
}

// TestIDsBelongToRCA uses node, link and reservation ids of one RCA in another.
func TestIDsBelongToRCA(t *testing.T) {
	e := newEnv(t)
	big := e.start(false)
	e.seed(big)
	e.phase(big, workflow.PhaseChallenging)
	raised := e.must(e.svc.Raise(e.ctx, alice, big, workflow.RaiseInput{Group: 3, Category: workflow.CatClarity}))
	small := e.start(false)
	e.must(e.svc.AddSymptom(e.ctx, alice, small, workflow.SymptomInput{Text: "Only node"}))
	tests := []struct {
		name string
		run  func() error
	}{
		{name: "cause id of another rca", run: func() error {
			_, err := e.svc.AddCauses(e.ctx, alice, small, workflow.AddCausesInput{Effect: 1, Existing: []tree.NodeID{4}})
			return err
		}},
		{name: "effect id of another rca", run: func() error {
			_, err := e.svc.AddCauses(e.ctx, alice, small, workflow.AddCausesInput{Effect: 5, NewTexts: []string{"x"}})
			return err
		}},
		{name: "delete node of another rca", run: func() error { _, err := e.svc.Delete(e.ctx, bob, small, 4); return err }},
		{name: "edit node of another rca", run: func() error {
			s := "y"
			_, err := e.svc.Edit(e.ctx, bob, small, workflow.EditInput{Node: 3, Text: &s})
			return err
		}},
		{name: "delete link of another rca", run: func() error { _, err := e.svc.DeleteLink(e.ctx, fac, small, 2); return err }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.run(); workflow.ErrorCode(err) != workflow.ENotFound {
				t.Fatalf("err = %v, want not_found", err)
			}
		})
	}
	other := e.start(false)
	e.must(e.svc.AddSymptom(e.ctx, alice, other, workflow.SymptomInput{Text: "U"}))
	e.must(e.svc.AddCauses(e.ctx, alice, other, workflow.AddCausesInput{Effect: 1, NewTexts: []string{"C"}}))
	e.phase(other, workflow.PhaseChallenging)
	_, err := e.svc.Repair(e.ctx, alice, other, workflow.RepairInput{Reservation: raised.Reservation, Action: workflow.RepairDismiss})
	if workflow.ErrorCode(err) != workflow.ENotFound {
		t.Fatalf("repairing another rca's reservation: %v, want not_found", err)
	}
	if _, err := e.svc.Review(e.ctx, alice, other, 3, true); workflow.ErrorCode(err) != workflow.ENotFound {
		t.Fatalf("reviewing another rca's link: %v, want not_found", err)
	}
}
