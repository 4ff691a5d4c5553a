package bot

// The projection of the kept messages: the messages the bot keeps one of
// per RCA and redraws in place (the pinned dashboard, the wiring walk, the
// outline, the challenge header and one card per link). Each is a pure
// function of one snapshot of the RCA, read in one transaction, plus the
// little Slack-side state the bot keeps (who could not be invited, the
// outline page, the words of cards whose link is gone). Nothing here does
// I/O; refresh.go decides when to draw and sends what changed.

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/slack-go/slack"

	"github.com/untangle-rca/untangle/tree"
	"github.com/untangle-rca/untangle/workflow"
)

// Slack refs of the kept messages (the refs hold each message's ts).
const (
	refWalk            = "walk_ts"
	refOutline         = "outline_ts"
	refOutlinePage     = "outline_page" // the page the outline shows, 1-based
	refChallengeHeader = "challenge_header_ts"
	refCardPrefix      = "card:" // + link number: the card's message ts
)

// keptMsg is one kept message as the projection draws it.
type keptMsg struct {
	ref    string // the Slack ref holding its ts, which also names it
	text   string // the notification text, escaped like the blocks
	blocks []slack.Block
}

// keptExtra is the Slack-side state the projection needs besides the snapshot.
type keptExtra struct {
	uninvited   []string                // people the bot could not invite into the channel
	outlinePage int                     // the outline page shown, 1-based; 0 means the first
	statements  map[tree.GroupID]string // the last words of cards whose link may be gone
}

// projectDashboard is the pinned dashboard.
func projectDashboard(s *workflow.Snapshot, x keptExtra) keptMsg {
	return keptMsg{ref: refDashboard, text: "RCA dashboard: " + Escape(s.RCA.Title),
		blocks: dashboardBlocks(&s.RCA, s.Progress, dashboardFixLine(s), x.uninvited)}
}

// dashboardFixLine is how far the fixes are, once there is one: "2 of 3
// fixes done; symptoms #1, #3 removed, #2 still open".
func dashboardFixLine(s *workflow.Snapshot) string {
	if len(s.Fixes) == 0 {
		return ""
	}
	line := fixProgressText(s.FixProgress)
	var links []string
	for i := range s.Fixes {
		if f := &s.Fixes[i]; f.TicketKey != "" {
			links = append(links, ticketLink(f.TicketKey, f.Ticket))
		}
	}
	if len(links) > 0 {
		line += "\n:ticket: Tickets: " + strings.Join(links, ", ")
	}
	return line
}

// walkFallback is the notification text of the walk message.
const walkFallback = "Wiring walk"

// projectWalk is the wiring walk: the node to explain while the walk takes
// causes, or a note that it is paused or closed.
func projectWalk(s *workflow.Snapshot) keptMsg {
	m := keptMsg{ref: refWalk, text: walkFallback}
	if !walkActive(s.RCA.Phase) {
		m.blocks = walkClosedBlocks(s.RCA.Phase)
		return m
	}
	m.blocks = walkBlocks(s.RCA.ID, s.RCA.Phase, &s.Walk, s.Tree)
	return m
}

// projectOutline is one page of the outline.
func projectOutline(s *workflow.Snapshot, x keptExtra) keptMsg {
	blocks := outlineBlocks(&s.RCA, outlineLines(s.Tree), x.outlinePage)
	return keptMsg{ref: refOutline, text: "Outline: " + Escape(s.RCA.Title),
		blocks: withOutlineAddCause(blocks, &s.RCA, s.Tree, x.outlinePage)}
}

// projectChallengeHeader is the message that opens the challenge pass.
func projectChallengeHeader(s *workflow.Snapshot) keptMsg {
	return keptMsg{ref: refChallengeHeader, text: "Challenge pass: review every link in this thread",
		blocks: challengeHeader(&s.RCA, cstLinks(s.Tree), cardsShown(s.Tree))}
}

// projectCard is the challenge card of one link; a link that is gone keeps
// its last words (x.statements), struck through.
func projectCard(s *workflow.Snapshot, st *challengeState, link tree.GroupID, x keptExtra) keptMsg {
	m := st.cardFor(link, x.statements[link])
	if m.Gone && m.Statement == "" {
		m.Statement = fmt.Sprintf("link %d", link)
	}
	return keptMsg{ref: cardRef(link), text: cardFallback(m), blocks: cardBlocks(m)}
}

// challengeOf is what the cards show, from the snapshot.
func challengeOf(s *workflow.Snapshot) *challengeState {
	st := &challengeState{rca: &s.RCA, t: s.Tree, holders: holdersOf(s.Reviews)}
	for _, rv := range s.Reservations {
		if rv.Status == workflow.ResOpen {
			st.open = append(st.open, rv)
		}
	}
	return st
}

// cardLinks are the links whose cards a snapshot draws: every link of the
// tree during the challenge pass, plus the asked ones (a stale card someone
// clicked, or a link a repair removed), by number.
func cardLinks(s *workflow.Snapshot, asked []tree.GroupID) []tree.GroupID {
	var out []tree.GroupID
	if s.RCA.Phase == workflow.PhaseChallenging {
		for _, g := range s.Tree.Groups() {
			if e, ok := s.Tree.Node(g.Effect); ok && e.Kind.Future() {
				continue // a Future Reality Tree link is no card (see cstLinks)
			}
			out = append(out, g.ID)
		}
	}
	out = append(out, asked...)
	slices.Sort(out)
	return slices.Compact(out)
}

// cstLinks counts the links of the Current State Tree: those into a node of
// the Future Reality Tree part are no cards of the challenge pass.
func cstLinks(t *tree.Tree) int {
	n := 0
	for _, g := range t.Groups() {
		if e, ok := t.Node(g.Effect); ok && !e.Kind.Future() {
			n++
		}
	}
	return n
}

// cardRef is the Slack ref of a link's card.
func cardRef(id tree.GroupID) string { return refCardPrefix + strconv.Itoa(int(id)) }

// mrkdwnUnescaper reverses Escape.
var mrkdwnUnescaper = strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&")
