package bot

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/slack-go/slack"

	"github.com/untangle-rca/untangle/tree"
	"github.com/untangle-rca/untangle/workflow"
)

// Ids of the challenge pass: card buttons (value rcaValue(rca, link) or
// rcaValue(rca, link, reservation)).
const (
	actCardHolds   = "card_holds"
	actCardRaise   = "card_raise"
	actCardResolve = "card_resolve"
	actCardAccept  = "card_accept"
	actCardRemove  = "card_remove_link"

	// maxCardReservations is how many open reservations a card lists with
	// their own "Resolve…" button.
	maxCardReservations = 20
)

// challengeRoutes registers the challenge pass.
func (b *Bot) challengeRoutes(rt *routes) {
	rt.actions[actStartChallenge] = b.clickStartChallenge
	rt.actions[actCardHolds] = b.clickHolds
	rt.actions[actCardAccept] = b.clickDecide(true)
	rt.actions[actCardRemove] = b.clickDecide(false)
	b.reservationRoutes(rt)
}

// clickStartChallenge is the dashboard's "Start challenge pass": the
// facilitator moves the RCA to the challenging phase and the bot posts the
// header and one card per link after the ack.
func (b *Bot) clickStartChallenge(ctx context.Context, r *reply, cb *slack.InteractionCallback, act *slack.BlockAction) {
	rca, _, err := b.rcaForAction(ctx, cb, act.Value)
	if err != nil {
		b.fail(ctx, r, cb, err)
		return
	}
	actor := workflow.Actor{UserID: cb.User.ID}
	if !b.challengeMayStart(ctx, r, cb, actor, rca) {
		return
	}
	if _, err := b.svc.Advance(r.key(ctx, "advance"), actor, rca.ID); err != nil {
		b.fail(ctx, r, cb, err)
		return
	}
	b.changed(actor, rca.ID, change{}) // a pass started again redraws its old cards too
}

// challengeMayStart reports whether the presser may start the challenge
// pass of rca now; otherwise it tells them why (and redraws the pass when
// it already runs).
func (b *Bot) challengeMayStart(ctx context.Context, r *reply, cb *slack.InteractionCallback, actor workflow.Actor, rca *workflow.RCA) bool {
	switch {
	case !rca.IsFacilitator(actor.UserID):
		b.tell(ctx, r, cb, fmt.Sprintf(":wave: Only <@%s>, the facilitator of *%s*, can start the challenge pass. Let them know when the tree looks complete to you.", rca.Facilitator, Escape(rca.Title)))
		return false
	case rca.Phase == workflow.PhaseChallenging:
		b.tell(ctx, r, cb, ":crossed_swords: The challenge pass is already running: the cards are in the thread of the *Challenge pass* message.")
		b.changed(actor, rca.ID, change{})
		return false
	case rca.Phase != workflow.PhaseWiring:
		b.tell(ctx, r, cb, fmt.Sprintf(":information_source: This RCA is %s, so the challenge pass cannot start now.", phaseName(rca.Phase)))
		return false
	}
	return true
}

// challengeHeader is the message that opens the pass; the cards are its
// thread, shown of links at a time (see card_window.go).
func challengeHeader(rca *workflow.RCA, links, shown int) []slack.Block {
	need := acceptNeed(rca)
	rule := "A link is *accepted* when two participants (all of them, if fewer) say it holds and no reservation on it is open; the facilitator can also accept or remove a disputed link."
	if need < 2 {
		rule = "A link is *accepted* when every participant says it holds and no reservation on it is open; the facilitator can also accept or remove a disputed link."
	}
	return []slack.Block{
		header(":crossed_swords: Challenge pass"),
		section(cardsIntro(links, shown) + " Read each one aloud as *IF … THEN …*. " +
			"If it holds, click *Holds*. If not, click *Raise a reservation…* and pick one of the eight Categories of Legitimate Reservation: the bot then helps you repair the tree."),
		section(rule),
		contextBlock(":dove_of_peace: Attack the logic, not people. The pass is done when every link is accepted or removed."),
	}
}

// cardsIntro says which links have their card in the thread.
func cardsIntro(links, shown int) string {
	if shown >= links {
		return "Every causal link of the tree is a card in this thread (" + plural(links, "link") + ")."
	}
	return fmt.Sprintf("Every causal link of the tree (%s) gets a card in this thread, in link order and %d links not yet accepted at a time: "+
		"as links are accepted, the next cards appear.", plural(links, "link"), cardWindow)
}

// acceptNeed is how many "holds" accept a link: two, or all participants if fewer.
func acceptNeed(rca *workflow.RCA) int { return min(2, max(1, len(rca.Participants))) }

// challengeState is what the cards of one RCA show.
type challengeState struct {
	rca     *workflow.RCA
	t       *tree.Tree
	open    []workflow.Reservation    // open reservations, oldest first
	holders map[tree.GroupID][]string // who said each link holds, sorted
}

// holdersOf returns, per link, the users who said it holds, sorted.
func holdersOf(reviews []workflow.Review) map[tree.GroupID][]string {
	out := map[tree.GroupID][]string{}
	for _, v := range reviews {
		if v.Holds {
			out[v.Group] = append(out[v.Group], v.User)
		}
	}
	for _, users := range out {
		slices.Sort(users)
	}
	return out
}

// reservationsOn returns the open reservations a link's card shows: those
// on the link and those on its nodes.
func (st *challengeState) reservationsOn(g *tree.Group) []workflow.Reservation {
	var out []workflow.Reservation
	for _, rv := range st.open {
		if rv.Group == g.ID || (rv.Group == 0 && (rv.Node == g.Effect || slices.Contains(g.Causes, rv.Node))) {
			out = append(out, rv)
		}
	}
	return out
}

// cardModel is everything one card shows; cardBlocks turns it into blocks.
type cardModel struct {
	RCAID     int64
	Link      tree.GroupID
	Statement string // IF [#3 …] AND [#5 …] THEN [#8 …], raw user text
	Status    tree.LinkStatus
	Gone      bool // the link no longer exists
	Closed    bool // the challenge pass is over
	Holders   []string
	Need      int
	Open      []cardReservation
}

// cardReservation is one open reservation as a card lists it.
type cardReservation struct {
	ID       int64
	Category workflow.Category
	Node     string // "#7" when raised on a node
	Note     string
	RaisedBy string
}

// cardFor builds the model of link id's card from the state.
func (st *challengeState) cardFor(id tree.GroupID, lastStatement string) cardModel {
	m := cardModel{RCAID: st.rca.ID, Link: id, Need: acceptNeed(st.rca), Closed: st.rca.Phase != workflow.PhaseChallenging}
	g, ok := st.t.Group(id)
	if !ok {
		m.Gone, m.Statement = true, lastStatement
		return m
	}
	m.Statement, m.Status = tree.FormatGroupNumbered(st.t, g), g.Status
	m.Holders = st.holders[id]
	for _, rv := range st.reservationsOn(g) {
		cr := cardReservation{ID: rv.ID, Category: rv.Category, Note: rv.Note, RaisedBy: rv.RaisedBy}
		if rv.Node != 0 {
			cr.Node = rv.Node.String()
		}
		m.Open = append(m.Open, cr)
	}
	return m
}

// statusLine says where a card's link stands.
func (m cardModel) statusLine() string {
	var parts []string
	switch {
	case m.Gone:
		return ":wastebasket: This link is no longer in the tree."
	case m.Status == tree.StatusAccepted:
		parts = append(parts, ":white_check_mark: *Accepted*")
	case m.Status == tree.StatusDisputed || len(m.Open) > 0:
		parts = append(parts, ":warning: *Disputed*")
	default:
		parts = append(parts, fmt.Sprintf(":hourglass_flowing_sand: *Unreviewed* · %d of %d needed say it holds", min(len(m.Holders), m.Need), m.Need))
	}
	if len(m.Holders) > 0 {
		names := make([]string, len(m.Holders))
		for i, u := range m.Holders {
			names[i] = fmt.Sprintf("<@%s>", u)
		}
		parts = append(parts, "holds for "+strings.Join(names, ", "))
	}
	if len(m.Open) > 0 {
		parts = append(parts, plural(len(m.Open), "open reservation"))
	}
	return strings.Join(parts, " · ")
}

// cardBlocks is a challenge card: the link as IF/THEN, its status, its open
// reservations with "Resolve…", and the buttons that fit its state.
func cardBlocks(m cardModel) []slack.Block {
	stmt := truncateEscaped(m.Statement, maxText-100)
	if m.Gone {
		return []slack.Block{section(fmt.Sprintf("*Link %d* · ~%s~", m.Link, stmt)), contextBlock(m.statusLine())}
	}
	blocks := []slack.Block{section(fmt.Sprintf("*Link %d* · %s", m.Link, stmt)), contextBlock(m.statusLine())}
	for i, rv := range m.Open {
		if i == maxCardReservations {
			blocks = append(blocks, contextBlock(fmt.Sprintf("…and %d more open reservations.", len(m.Open)-i)))
			break
		}
		text := reservationText(rv)
		if m.Closed {
			blocks = append(blocks, section(text))
			continue
		}
		blocks = append(blocks, sectionWithButton(text, button("Resolve…", actCardResolve, rcaValue(m.RCAID, int64(m.Link), rv.ID), "")))
	}
	if m.Closed {
		return clipMessage(append(blocks, contextBlock(":lock: The challenge pass is over; this card no longer takes reviews.")))
	}
	btns := []slack.BlockElement{
		button("Holds", actCardHolds, rcaValue(m.RCAID, int64(m.Link)), slack.StylePrimary),
		button("Raise a reservation…", actCardRaise, rcaValue(m.RCAID, int64(m.Link)), ""),
	}
	if len(m.Open) > 0 {
		remove := button("Remove link", actCardRemove, rcaValue(m.RCAID, int64(m.Link)), slack.StyleDanger)
		remove.Confirm = slack.NewConfirmationBlockObject(plain("Remove this link?", 100),
			plain("The link leaves the tree and its reservations close. Undo can bring it back.", 300),
			plain("Remove", 30), plain("Keep it", 30))
		btns = append(btns, button("Accept", actCardAccept, rcaValue(m.RCAID, int64(m.Link)), ""), remove)
	}
	blocks = append(blocks, actions(fmt.Sprintf("card_%d", m.Link), btns...))
	if len(m.Open) > 0 {
		blocks = append(blocks, contextBlock("Only the facilitator can *Accept* or *Remove* a disputed link."))
	}
	return clipMessage(blocks)
}

// reservationText describes one open reservation on a card.
func reservationText(rv cardReservation) string {
	on := "on the link"
	if rv.Node != "" {
		on = "on node " + rv.Node
	}
	text := fmt.Sprintf(":triangular_flag_on_post: *%s* %s, raised by <@%s>", categoryLabel(rv.Category), on, rv.RaisedBy)
	if rv.Note != "" {
		text += "\n> " + truncateEscaped(strings.ReplaceAll(rv.Note, "\n", " "), 600)
	}
	return text
}

// cardFallback is a card's notification text, escaped like the blocks.
func cardFallback(m cardModel) string {
	return fmt.Sprintf("Link %d: %s", m.Link, truncateEscaped(m.Statement, 300))
}

// cardTarget loads the RCA and link of a card button and answers the
// clicker politely when the card is stale (the pass is over or the link is
// gone); then it redraws the card after the ack and returns ok=false.
func (b *Bot) cardTarget(ctx context.Context, r *reply, cb *slack.InteractionCallback, value string) (*workflow.RCA, []int64, bool) {
	rca, items, err := b.rcaForAction(ctx, cb, value)
	if err == nil && len(items) == 0 {
		err = workflow.Errorf(workflow.ENotFound, "this button is out of date.")
	}
	if err != nil {
		b.fail(ctx, r, cb, err)
		return nil, nil, false
	}
	link := tree.GroupID(items[0])
	actor := workflow.Actor{UserID: cb.User.ID}
	if rca.Phase != workflow.PhaseChallenging {
		b.tell(ctx, r, cb, fmt.Sprintf(":information_source: The challenge pass is over: this RCA is now %s, so this card no longer takes reviews or reservations.", phaseLabel(rca.Phase)))
		b.redrawStale(actor, rca.ID, link, cb)
		return nil, nil, false
	}
	t, err := b.svc.Tree(ctx, actor, rca.ID)
	if err != nil {
		b.fail(ctx, r, cb, err)
		return nil, nil, false
	}
	if _, ok := t.Group(link); !ok {
		b.tell(ctx, r, cb, fmt.Sprintf(":information_source: Link %d is no longer in the tree (it was removed or changed by a repair), so there is nothing to review here. The other cards in this thread are current.", link))
		b.redrawStale(actor, rca.ID, link, cb)
		return nil, nil, false
	}
	return rca, items, true
}

// redrawStale redraws the clicked card from the current state, keeping the
// statement it showed when its link is gone.
func (b *Bot) redrawStale(actor workflow.Actor, rcaID int64, link tree.GroupID, cb *slack.InteractionCallback) {
	b.changed(actor, rcaID, change{cards: []tree.GroupID{link}, statements: map[tree.GroupID]string{link: statementOf(cb)}})
}

// statementOf recovers the IF/THEN text a clicked card showed, from its
// notification text.
func statementOf(cb *slack.InteractionCallback) string {
	text := cb.Message.Text
	if _, after, ok := strings.Cut(text, ": "); ok {
		text = after
	}
	return mrkdwnUnescaper.Replace(text)
}

// clickHolds records that the clicker thinks the link holds.
func (b *Bot) clickHolds(ctx context.Context, r *reply, cb *slack.InteractionCallback, act *slack.BlockAction) {
	rca, items, ok := b.cardTarget(ctx, r, cb, act.Value)
	if !ok {
		return
	}
	actor := workflow.Actor{UserID: cb.User.ID}
	link := tree.GroupID(items[0])
	_, err := b.ensureParticipant(ctx, r, actor, rca)
	if err == nil {
		_, err = b.svc.Review(r.key(ctx, "review"), actor, rca.ID, link, true)
	}
	if err != nil {
		b.fail(ctx, r, cb, err)
		return
	}
	b.changedCard(actor, rca.ID, cb, link, change{})
}

// ensureParticipant lets someone who is not a participant of a public RCA
// join it before reviewing or raising a reservation, and makes sure that
// everyone who does so is in the RCA's channel (see joinRCA): nobody counts
// towards "two participants say it holds" from outside it, so the channel's
// member list is read afresh. It returns the RCA as it is then. Outsiders of
// a private RCA are left to the workflow's refusal.
func (b *Bot) ensureParticipant(ctx context.Context, r *reply, actor workflow.Actor, rca *workflow.RCA) (*workflow.RCA, error) {
	return b.joinRCA(ctx, r, actor, rca, 0)
}

// participantFor is ensureParticipant followed by the permission check of
// cmd: the RCA as it stands for actor, who may now run cmd on it.
func (b *Bot) participantFor(ctx context.Context, r *reply, actor workflow.Actor, rca *workflow.RCA, cmd workflow.Command) (*workflow.RCA, error) {
	rca, err := b.ensureParticipant(ctx, r, actor, rca)
	if err != nil {
		return nil, err
	}
	if err := workflow.Check(rca, actor.UserID, cmd); err != nil {
		return nil, err
	}
	return rca, nil
}

// clickDecide returns the handler of the facilitator's "Accept" (accept)
// or "Remove link" on a disputed card.
func (b *Bot) clickDecide(accept bool) actionHandler {
	return func(ctx context.Context, r *reply, cb *slack.InteractionCallback, act *slack.BlockAction) {
		rca, items, ok := b.cardTarget(ctx, r, cb, act.Value)
		if !ok {
			return
		}
		actor := workflow.Actor{UserID: cb.User.ID}
		if !b.facilitatorDecides(ctx, r, cb, actor, rca) {
			return
		}
		link, stmt := tree.GroupID(items[0]), statementOf(cb)
		if _, err := b.svc.Decide(r.key(ctx, "decide"), actor, rca.ID, link, accept); err != nil {
			b.fail(ctx, r, cb, err)
			return
		}
		b.changedCard(actor, rca.ID, cb, link, change{cards: []tree.GroupID{link}, statements: map[tree.GroupID]string{link: stmt}})
	}
}

// facilitatorDecides reports whether the presser is the facilitator, who
// alone accepts or removes a disputed link; anyone else is told so.
func (b *Bot) facilitatorDecides(ctx context.Context, r *reply, cb *slack.InteractionCallback, actor workflow.Actor, rca *workflow.RCA) bool {
	if rca.IsFacilitator(actor.UserID) {
		return true
	}
	b.tell(ctx, r, cb, fmt.Sprintf(":wave: Only <@%s>, the facilitator of *%s*, can accept or remove a disputed link. Resolve the reservation instead, or ask them.", rca.Facilitator, Escape(rca.Title)))
	return false
}
