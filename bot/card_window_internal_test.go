package bot

import (
	"fmt"
	"testing"

	"github.com/untangle-rca/untangle/tree"
	"github.com/untangle-rca/untangle/workflow"
)

// chainTree is a chain of links+1 nodes whose links numbered in accepted
// are accepted.
func chainTree(t *testing.T, links int, accepted ...tree.GroupID) *tree.Tree {
	t.Helper()
	tr := tree.New("chain")
	for i := 0; i <= links; i++ {
		if _, err := tr.AddNode(tree.Node{Text: fmt.Sprintf("Condition %d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	ok := map[tree.GroupID]bool{}
	for _, id := range accepted {
		ok[id] = true
	}
	for i := 1; i <= links; i++ {
		g := tree.Group{Effect: tree.NodeID(i), Causes: []tree.NodeID{tree.NodeID(i + 1)}}
		if ok[tree.GroupID(i)] {
			g.Status = tree.StatusAccepted
		}
		if _, err := tr.AddGroup(g); err != nil {
			t.Fatal(err)
		}
	}
	return tr
}

func TestCardWindow(t *testing.T) {
	tests := []struct {
		name     string
		links    int
		accepted []tree.GroupID
		last     tree.GroupID
		shown    int
	}{
		{"no link", 0, nil, 0, 0},
		{"fewer links than the window", 5, nil, 5, 5},
		{"exactly the window", cardWindow, nil, cardWindow, cardWindow},
		{"a big tree, nothing accepted", 150, nil, cardWindow, cardWindow},
		{"accepted links widen it", 150, []tree.GroupID{1, 2, 7}, cardWindow + 3, cardWindow + 3},
		{"accepted links past the window do not", 150, []tree.GroupID{1, 100}, cardWindow + 1, cardWindow + 1},
		{"all but the last accepted", 30, []tree.GroupID{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29}, 30, 30},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr := chainTree(t, tt.links, tt.accepted...)
			if got := lastCardShown(tr); got != tt.last {
				t.Errorf("lastCardShown = %d, want %d", got, tt.last)
			}
			if got := cardsShown(tr); got != tt.shown {
				t.Errorf("cardsShown = %d, want %d", got, tt.shown)
			}
		})
	}
}

// TestChallengeHeaderWindowGolden is the header of a pass whose cards come
// a window at a time.
func TestChallengeHeaderWindowGolden(t *testing.T) {
	s := &workflow.Snapshot{RCA: workflow.RCA{ID: 7, Title: "Checkout outage", Phase: workflow.PhaseChallenging,
		Participants: []string{"UALICE", "UBOB", "UCAROL"}}, Tree: chainTree(t, 150)}
	checkKeptGolden(t, "challenging-challenge_header_ts-window", projectChallengeHeader(s))
}
