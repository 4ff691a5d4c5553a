package bot

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/untangle-rca/untangle/tree"
	"github.com/untangle-rca/untangle/workflow"
)

// updatingGoldens reports whether -update was given (the flag is declared
// by the package's external tests, which share this test binary).
func updatingGoldens() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

// goldenSnapshot builds the snapshot of the example RCA in a phase: only
// its symptoms while collecting, half of it while wiring, all of it later,
// with reviews and an open reservation during the challenge pass.
func goldenSnapshot(t *testing.T, phase workflow.Phase) *workflow.Snapshot {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("testdata", "payment-outage.cst"))
	if err != nil {
		t.Fatal(err)
	}
	lines := bytes.Split(src, []byte("\n"))
	switch phase {
	case workflow.PhaseCollecting:
		lines = lines[:7]
	case workflow.PhaseWiring:
		lines = lines[:14]
	}
	tr, err := tree.Parse(bytes.Join(lines, []byte("\n")))
	if err != nil {
		t.Fatal(err)
	}
	if phase == workflow.PhaseClosed {
		addFuture(t, tr)
	}
	rca := workflow.RCA{ID: 7, Title: "Payment <routing> outage & rollback", Severity: "SEV-1", Facilitator: "UALICE",
		Participants: []string{"UALICE", "UBOB", "UCAROL"}, Phase: phase, ChannelID: "CRCA",
		Due: time.Date(2026, 12, 18, 0, 0, 0, 0, time.UTC)}
	in := workflow.ReminderInput{RCA: rca, Tree: tr}
	if phase == workflow.PhaseChallenging || phase == workflow.PhaseFixing {
		in.Reviews = []workflow.Review{{RCAID: 7, Group: 1, User: "UBOB", Holds: true}, {RCAID: 7, Group: 2, User: "UBOB", Holds: true}, {RCAID: 7, Group: 2, User: "UCAROL", Holds: true}}
		if g, ok := tr.Group(2); ok {
			g.Status = tree.StatusAccepted
		}
	}
	if phase == workflow.PhaseChallenging {
		in.Reservations = []workflow.Reservation{{ID: 3, RCAID: 7, Group: 3, Category: workflow.CatCauseInsufficient,
			Note: "A pool alone is <not> enough", RaisedBy: "UCAROL", Status: workflow.ResOpen}}
	}
	return &workflow.Snapshot{RCA: rca, Tree: tr, Analysis: tree.Analyze(tr, tree.Options{}), Reviews: in.Reviews,
		Reservations: in.Reservations, Progress: workflow.ComputeProgress(in), Walk: workflow.NextStep(tr, nil)}
}

// addFuture adds the Future Reality Tree a team grows while planning fixes:
// a fix against #14 with a negative branch and a desirable effect.
func addFuture(t *testing.T, tr *tree.Tree) {
	t.Helper()
	var ids []tree.NodeID
	for _, n := range []tree.Node{
		{Kind: tree.KindInjection, Text: "Quality KPIs count as much as delivery speed", Against: 14},
		{Kind: tree.KindNegativeEffect, Text: "Feature work slows <down> & stalls"},
		{Kind: tree.KindDesiredEffect, Text: "Teams plan load tests"},
	} {
		added, err := tr.AddNode(n)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, added.ID)
	}
	for _, effect := range ids[1:] {
		if _, err := tr.AddGroup(tree.Group{Effect: effect, Causes: ids[:1], Status: tree.StatusAccepted}); err != nil {
			t.Fatal(err)
		}
	}
}

// TestKeptMessagesGolden draws every kept message of every phase from a
// snapshot and compares it with testdata/kept/<phase>-<message>.golden.
func TestKeptMessagesGolden(t *testing.T) {
	x := keptExtra{uninvited: []string{"UDAVE"}, statements: map[tree.GroupID]string{99: "IF [#1 gone] THEN [#2 too]"}}
	for _, phase := range []workflow.Phase{workflow.PhaseCollecting, workflow.PhaseWiring, workflow.PhaseChallenging, workflow.PhaseFixing, workflow.PhaseClosed} {
		s := goldenSnapshot(t, phase)
		msgs := []keptMsg{projectDashboard(s, x), projectWalk(s), projectOutline(s, x)}
		if phase != workflow.PhaseCollecting && phase != workflow.PhaseWiring {
			st := challengeOf(s)
			msgs = append(msgs, projectChallengeHeader(s), projectCard(s, st, 1, x), projectCard(s, st, 2, x),
				projectCard(s, st, 3, x), projectCard(s, st, 99, x))
		}
		for _, m := range msgs {
			name := fmt.Sprintf("%s-%s", phase, m.ref)
			t.Run(name, func(t *testing.T) { checkKeptGolden(t, name, m) })
		}
	}
}

// checkKeptGolden compares a drawn message with its golden file.
func checkKeptGolden(t *testing.T, name string, m keptMsg) {
	got, err := json.MarshalIndent(struct {
		Text   string `json:"text"`
		Blocks any    `json:"blocks"`
	}{m.text, m.blocks}, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	path := filepath.Join("testdata", "kept", sanitizeGolden(name)+".golden")
	if updatingGoldens() {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./bot -run TestKeptMessagesGolden -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from %s:\n%s", name, path, got)
	}
}

// sanitizeGolden makes a message's ref usable in a file name.
func sanitizeGolden(s string) string {
	return string(bytes.Map(func(r rune) rune {
		if r == ':' {
			return '-'
		}
		return r
	}, []byte(s)))
}
