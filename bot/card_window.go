package bot

// The window of challenge cards. A big tree has hundreds of links, and
// Slack takes about one message a second into a channel: posting every
// card at once would keep a channel busy for minutes and bury the thread.
// So the pass posts the cards in link order, a window at a time: every
// link up to and including the cardWindow-th link not yet accepted has its
// card, and the next card appears as a link is accepted. A link is accepted
// only through its card, so every link gets a card before the pass is done.

import "github.com/untangle-rca/untangle/tree"

// cardWindow is how many links not yet accepted have their cards shown at once.
const cardWindow = 20

// lastCardShown is the last link, in link order, whose card the pass shows
// (0 when the tree has no link).
func lastCardShown(t *tree.Tree) tree.GroupID {
	open, last := 0, tree.GroupID(0)
	for _, g := range t.Groups() {
		last = g.ID
		if g.Status != tree.StatusAccepted {
			if open++; open == cardWindow {
				break
			}
		}
	}
	return last
}

// cardsShown is how many links of the Current State Tree have their card
// shown (the Future Reality Tree's links get none).
func cardsShown(t *tree.Tree) int {
	last, n := lastCardShown(t), 0
	for _, g := range t.Groups() {
		if e, ok := t.Node(g.Effect); ok && g.ID <= last && !e.Kind.Future() {
			n++
		}
	}
	return n
}
