package bot_test

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/untangle-rca/untangle/bot"
	"github.com/untangle-rca/untangle/bot/slacktest"
	"github.com/untangle-rca/untangle/storage"
	"github.com/untangle-rca/untangle/tree"
	"github.com/untangle-rca/untangle/workflow"
)

// challengeStatements is the small tree of the challenge tests: two links.
const challengeStatements = `UDE [Checkout requests time out]
IF [The payment API answers slowly] THEN [Checkout requests time out]
IF [The database connection pool is exhausted] THEN [The payment API answers slowly]
`

// challengeWorld is an RCA with a pasted tree, three participants (alice
// facilitates) and dave, who is in the channel but not in the RCA.
type challengeWorld struct {
	fake                    *slacktest.Server
	alice, bob, carol, dave slacktest.User
	ch                      slacktest.Channel
	dash                    slacktest.Message
	svc                     *workflow.Service // test set-up and read-back only
	rcaID                   int64
}

// challengeSetUp starts the bot and a public RCA through the fake, then
// pastes statements through the workflow (set-up only) and starts wiring by click.
func challengeSetUp(t *testing.T, ctx context.Context, statements string) *challengeWorld {
	t.Helper()
	return challengeSetUpVisibility(t, ctx, statements, false)
}

// challengeSetUpVisibility is challengeSetUp for a public or private RCA.
func challengeSetUpVisibility(t *testing.T, ctx context.Context, statements string, private bool) *challengeWorld {
	t.Helper()
	fake := slacktest.New(t)
	w := &challengeWorld{fake: fake, alice: fake.AddUser("alice"), bob: fake.AddUser("bob"), carol: fake.AddUser("carol"), dave: fake.AddUser("dave")}
	general := fake.AddChannel("incidents", slacktest.ChannelOptions{Members: []slacktest.User{w.alice, w.bob, w.carol, w.dave}, BotMember: true})
	a := startApp(t, fake, "")
	if private {
		w.ch, w.dash = challengeStartPrivate(t, ctx, fake, w.alice, general.ID, "Checkout outage", w.bob, w.carol)
	} else {
		w.ch, w.dash = startRCA(t, ctx, fake, w.alice, general.ID, "Checkout outage", w.bob, w.carol)
	}
	// The dashboard's ts is stored before it is pinned.
	eventually(t, ctx, "dashboard pinned", func() bool {
		c, _ := fake.Channel(w.ch.ID)
		return slices.Contains(c.Pinned, w.dash.TS)
	})
	if err := fake.AddMember(w.ch.ID, w.dave); err != nil {
		t.Fatal(err)
	}
	db, err := storage.Open(ctx, a.dbPath)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	w.svc = workflow.New(db, nil)
	rca, err := w.svc.RCAForChannel(ctx, workflow.Actor{UserID: w.alice.ID}, w.ch.ID)
	if err != nil {
		t.Fatal(err)
	}
	w.rcaID = rca.ID
	if _, err := w.svc.PasteStatements(ctx, workflow.Actor{UserID: w.alice.ID}, rca.ID, statements); err != nil {
		t.Fatalf("paste: %v", err)
	}
	w.click(t, ctx, w.alice, w.dash, ":link: Start wiring")
	w.dash = w.waitEdited(t, ctx, w.dash, ":crossed_swords: Start challenge pass")
	return w
}

// challengeStartPrivate starts a private RCA through the Start modal and
// returns its channel and dashboard.
func challengeStartPrivate(t *testing.T, ctx context.Context, fake *slacktest.Server, u slacktest.User, channel, title string, others ...slacktest.User) (slacktest.Channel, slacktest.Message) {
	t.Helper()
	if _, err := u.SlashCommand(ctx, channel, "/rca", "start "+title); err != nil {
		t.Fatal(err)
	}
	view, err := u.WaitForViewWhere(ctx, func(v slacktest.View) bool { return v.Title == "Start an RCA" })
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range others {
		if err := u.Select(ctx, view, "Participants", o.Name); err != nil {
			t.Fatal(err)
		}
	}
	if err := u.Select(ctx, view, "Visibility", "Private channel"); err != nil {
		t.Fatal(err)
	}
	if ack, err := u.SubmitView(ctx); err != nil || len(ack.Errors()) > 0 {
		t.Fatalf("start: %v %v", err, ack.Errors())
	}
	var ch slacktest.Channel
	dash, err := waitForMessage(ctx, fake, func(m slacktest.Message) bool {
		c, ok := fake.Channel(m.Channel)
		if ok && c.Private && strings.Contains(m.PlainText(), "RCA: "+title) {
			ch = c
			return true
		}
		return false
	})
	if err != nil {
		t.Fatalf("no dashboard: %v", err)
	}
	return ch, dash
}

// click clicks a button and fails the test when the bot did not ack.
func (w *challengeWorld) click(t *testing.T, ctx context.Context, u slacktest.User, msg slacktest.Message, text string) {
	t.Helper()
	if _, err := u.ClickButton(ctx, msg, text); err != nil {
		t.Fatalf("%s clicks %q: %v", u.Name, text, err)
	}
}

// waitEdited waits until a message contains want and returns it.
func (w *challengeWorld) waitEdited(t *testing.T, ctx context.Context, msg slacktest.Message, want string) slacktest.Message {
	t.Helper()
	var got slacktest.Message
	eventually(t, ctx, fmt.Sprintf("message %s to say %q", msg.TS, want), func() bool {
		got, _ = w.fake.Message(msg.Channel, msg.TS)
		return strings.Contains(got.PlainText(), want)
	})
	return got
}

// waitEphemeral waits for an ephemeral message to u that contains want.
func challengeEphemeral(t *testing.T, ctx context.Context, u slacktest.User, want string) {
	t.Helper()
	if _, err := u.WaitForEphemeral(ctx, func(m slacktest.Message) bool { return strings.Contains(m.PlainText(), want) }); err != nil {
		var seen []string
		for _, m := range u.Ephemerals() {
			seen = append(seen, m.PlainText())
		}
		t.Fatalf("%s got no ephemeral saying %q; got %q", u.Name, want, seen)
	}
}

// startPass has alice start the challenge pass and returns the header and
// its thread once it holds n cards.
func (w *challengeWorld) startPass(t *testing.T, ctx context.Context, n int) (slacktest.Message, []slacktest.Message) {
	t.Helper()
	w.click(t, ctx, w.alice, w.dash, ":crossed_swords: Start challenge pass")
	header, err := w.fake.WaitForMessage(ctx, w.ch.ID, func(m slacktest.Message) bool {
		return !m.IsReply() && strings.Contains(m.PlainText(), "Challenge pass")
	})
	if err != nil {
		t.Fatalf("no challenge header: %v", err)
	}
	return header, w.cards(t, ctx, header, n)
}

// cards waits until the header's thread holds n cards and returns them.
func (w *challengeWorld) cards(t *testing.T, ctx context.Context, header slacktest.Message, n int) []slacktest.Message {
	t.Helper()
	var thread []slacktest.Message
	eventually(t, ctx, fmt.Sprintf("%d cards", n), func() bool {
		thread = nil
		for _, m := range w.fake.Thread(w.ch.ID, header.TS) {
			if m.TS != header.TS {
				thread = append(thread, m)
			}
		}
		return len(thread) >= n
	})
	return thread
}

// cardOf returns the card of the link whose text contains words.
func cardOf(t *testing.T, cards []slacktest.Message, words string) slacktest.Message {
	t.Helper()
	for _, c := range cards {
		if strings.Contains(c.PlainText(), words) {
			return c
		}
	}
	t.Fatalf("no card mentions %q", words)
	return slacktest.Message{}
}

func TestChallengePassEndToEnd(t *testing.T) {
	ctx := testCtx(t)
	w := challengeSetUp(t, ctx, challengeStatements)

	// Only the facilitator starts the pass; bob is told kindly and nothing moves.
	w.click(t, ctx, w.bob, w.dash, ":crossed_swords: Start challenge pass")
	challengeEphemeral(t, ctx, w.bob, ", the facilitator of *")
	if rca, _ := w.svc.RCA(ctx, workflow.Actor{UserID: w.alice.ID}, w.rcaID); rca.Phase != workflow.PhaseWiring {
		t.Fatalf("a non-facilitator's click moved the phase to %s", rca.Phase)
	}

	header, cards := w.startPass(t, ctx, 2)
	if text := header.PlainText(); !strings.Contains(text, "two participants") || !strings.Contains(text, "no reservation") {
		t.Errorf("header does not state the acceptance rule:\n%s", text)
	}
	w.dash = w.waitEdited(t, ctx, w.dash, "0/2 accepted")
	slow := cardOf(t, cards, "#2 The payment API answers slowly] THEN [#1 Checkout")
	pool := cardOf(t, cards, "IF [#3 The database connection pool is exhausted]")
	for _, c := range cards {
		for _, want := range []string{"Holds", "Raise a reservation…", "Unreviewed"} {
			if !strings.Contains(c.PlainText(), want) {
				t.Errorf("card lacks %q:\n%s", want, c.PlainText())
			}
		}
	}

	// Two people say the first link holds: it is accepted. Dave is in the
	// channel of this public RCA but was not invited: his click makes him a
	// participant.
	w.click(t, ctx, w.bob, slow, "Holds")
	slow = w.waitEdited(t, ctx, slow, "holds for <@"+w.bob.ID+">")
	if !strings.Contains(slow.PlainText(), "Unreviewed") {
		t.Errorf("one holds must not accept the link:\n%s", slow.PlainText())
	}
	w.click(t, ctx, w.dave, slow, "Holds")
	slow = w.waitEdited(t, ctx, slow, "Accepted")
	if !strings.Contains(slow.PlainText(), "<@"+w.dave.ID+">") {
		t.Errorf("the card does not name dave:\n%s", slow.PlainText())
	}
	if rca, _ := w.svc.RCA(ctx, workflow.Actor{UserID: w.alice.ID}, w.rcaID); !rca.IsParticipant(w.dave.ID) {
		t.Errorf("dave did not join: %v", rca.Participants)
	}
	w.waitEdited(t, ctx, w.dash, "1/2 accepted")

	// Bob doubts the pool link is enough on its own: cause insufficiency.
	w.click(t, ctx, w.bob, pool, "Raise a reservation…")
	view, err := w.bob.WaitForViewWhere(ctx, func(v slacktest.View) bool { return v.Title == "Raise a reservation" })
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []string{"Clarity", "Entity existence", "Causality existence", "Cause insufficiency", "Additional cause", "Cause-effect reversal", "Predicted effect existence", "Tautology"} {
		if !strings.Contains(string(view.Blocks), c) {
			t.Errorf("raise modal lacks the category %q", c)
		}
	}
	if err := w.bob.Select(ctx, view, "Category", "Cause insufficiency"); err != nil {
		t.Fatal(err)
	}
	if err := w.bob.FillInput(view, "Note", "A full pool alone does not slow the API; something must wait on it."); err != nil {
		t.Fatal(err)
	}
	if ack, err := w.bob.SubmitView(ctx); err != nil || len(ack.Errors()) > 0 {
		t.Fatalf("raise: %v %v", err, ack.Errors())
	}
	pool = w.waitEdited(t, ctx, pool, "Resolve…")
	for _, want := range []string{"Disputed", "Cause insufficiency", "raised by <@" + w.bob.ID + ">", "Accept", "Remove link"} {
		if !strings.Contains(pool.PlainText(), want) {
			t.Errorf("disputed card lacks %q:\n%s", want, pool.PlainText())
		}
	}

	// Carol resolves it by adding the missing premise into the AND group.
	w.click(t, ctx, w.carol, pool, "Resolve…")
	view, err = w.carol.WaitForViewWhere(ctx, func(v slacktest.View) bool { return v.Title == "Resolve reservation" })
	if err != nil {
		t.Fatal(err)
	}
	if err := w.carol.FillInput(view, "Missing premise", "Requests wait for a connection without a timeout"); err != nil {
		t.Fatal(err)
	}
	if ack, err := w.carol.SubmitView(ctx); err != nil || len(ack.Errors()) > 0 {
		t.Fatalf("resolve: %v %v", err, ack.Errors())
	}
	pool = w.waitEdited(t, ctx, pool, "AND [#4 Requests wait for a connection without a timeout]")
	if text := pool.PlainText(); !strings.Contains(text, "Unreviewed") || strings.Contains(text, "Resolve…") {
		t.Errorf("a repaired link goes back to unreviewed with no open reservation:\n%s", text)
	}
	tr, _ := w.svc.Tree(ctx, workflow.Actor{UserID: w.alice.ID}, w.rcaID)
	if g, ok := tr.Group(2); !ok || len(g.Causes) != 2 || g.Status != tree.StatusUnreviewed {
		t.Fatalf("link 2 after the repair: %+v", g)
	}

	// Both links accepted: the dashboard says so.
	w.click(t, ctx, w.bob, pool, "Holds")
	w.click(t, ctx, w.carol, pool, "Holds")
	w.waitEdited(t, ctx, pool, "Accepted")
	w.waitEdited(t, ctx, w.dash, "2/2 accepted")
	if f := w.fake.Failures(); len(f) > 0 {
		t.Errorf("Slack saw failures: %+v", f)
	}
}

func TestChallengeResolveWithExistingNode(t *testing.T) {
	ctx := testCtx(t)
	w := challengeSetUp(t, ctx, challengeStatements+"IF [Retries are not capped] THEN [Checkout requests time out]\n")
	_, cards := w.startPass(t, ctx, 3)
	retries := cardOf(t, cards, "IF [#4 Retries are not capped]")

	w.click(t, ctx, w.bob, retries, "Raise a reservation…")
	view, err := w.bob.WaitForViewWhere(ctx, func(v slacktest.View) bool { return v.Title == "Raise a reservation" })
	if err != nil {
		t.Fatal(err)
	}
	if err := w.bob.Select(ctx, view, "Category", "Cause insufficiency"); err != nil {
		t.Fatal(err)
	}
	// Cause insufficiency is about a link, not a node: a field error says so.
	if err := w.bob.Select(ctx, view, "About", "#4 Retries are not capped"); err != nil {
		t.Fatal(err)
	}
	if ack, err := w.bob.SubmitView(ctx); err != nil || ack.Errors()["category"] == "" {
		t.Fatalf("want a field error on category, got %v %v", err, ack.Errors())
	}
	view, _ = w.bob.CurrentView()
	if err := w.bob.Select(ctx, view, "About", "The whole link 3"); err != nil {
		t.Fatal(err)
	}
	if ack, err := w.bob.SubmitView(ctx); err != nil || len(ack.Errors()) > 0 {
		t.Fatalf("raise: %v %v", err, ack.Errors())
	}
	retries = w.waitEdited(t, ctx, retries, "Resolve…")

	w.click(t, ctx, w.carol, retries, "Resolve…")
	view, err = w.carol.WaitForViewWhere(ctx, func(v slacktest.View) bool { return v.Title == "Resolve reservation" })
	if err != nil {
		t.Fatal(err)
	}
	// Both a new text and an existing node is a field error, not a guess.
	if err := w.carol.FillInput(view, "Missing premise", "Something new"); err != nil {
		t.Fatal(err)
	}
	if err := w.carol.Select(ctx, view, "…or an existing node", "#3 The database connection pool is exhausted"); err != nil {
		t.Fatal(err)
	}
	ack, err := w.carol.SubmitView(ctx)
	if err != nil || ack.Errors()["text"] == "" {
		t.Fatalf("want a field error on text, got %v %v", err, ack.Errors())
	}
	view, _ = w.carol.CurrentView()
	if err := w.carol.FillInput(view, "Missing premise", ""); err != nil {
		t.Fatal(err)
	}
	if ack, err := w.carol.SubmitView(ctx); err != nil || len(ack.Errors()) > 0 {
		t.Fatalf("resolve: %v %v", err, ack.Errors())
	}
	retries = w.waitEdited(t, ctx, retries, "IF [#4 Retries are not capped] AND [#3 The database connection pool is exhausted]")
	if strings.Contains(retries.PlainText(), "Resolve…") {
		t.Errorf("the reservation is still open:\n%s", retries.PlainText())
	}
}

func TestChallengeStaleCards(t *testing.T) {
	ctx := testCtx(t)
	w := challengeSetUp(t, ctx, challengeStatements)
	_, cards := w.startPass(t, ctx, 2)
	slow := cardOf(t, cards, "#2 The payment API answers slowly] THEN")
	pool := cardOf(t, cards, "IF [#3 The database")
	alice := workflow.Actor{UserID: w.alice.ID}

	// Set-up: the link goes away elsewhere (the outline), leaving its card behind.
	if _, err := w.svc.DeleteLink(ctx, alice, w.rcaID, 2); err != nil {
		t.Fatal(err)
	}
	w.click(t, ctx, w.bob, pool, "Holds")
	challengeEphemeral(t, ctx, w.bob, "Link 2 is no longer in the tree")
	pool = w.waitEdited(t, ctx, pool, "no longer in the tree")
	if strings.Contains(pool.PlainText(), "Holds") {
		t.Errorf("the card of a removed link still offers buttons:\n%s", pool.PlainText())
	}

	// Set-up: the facilitator moves on to fixes; the remaining card answers so.
	if _, err := w.svc.Advance(ctx, alice, w.rcaID); err != nil {
		t.Fatal(err)
	}
	w.click(t, ctx, w.carol, slow, "Raise a reservation…")
	challengeEphemeral(t, ctx, w.carol, "The challenge pass is over")
	w.waitEdited(t, ctx, slow, "no longer takes reviews")
	if _, open := w.carol.CurrentView(); open {
		t.Errorf("a stale card opened a modal")
	}
}

// bigStatements is a 150-node tree: 10 UDEs, long texts, one AND group in
// every five effects.
func bigStatements(nodes int) string {
	text := func(i int) string {
		return fmt.Sprintf("Condition %d: %s", i, strings.Repeat("the service & its <dependencies> degrade under load, ", 4))
	}
	var b strings.Builder
	for i := 1; i <= 10; i++ {
		fmt.Fprintf(&b, "UDE [%s]\n", text(i))
	}
	for i := 11; i <= nodes; i++ {
		if i%5 == 0 && i < nodes {
			fmt.Fprintf(&b, "IF [%s] AND [%s] THEN [%s]\n", text(i), text(i+1), text(i-10))
			continue
		}
		fmt.Fprintf(&b, "IF [%s] THEN [%s]\n", text(i), text(i-10))
	}
	return b.String()
}

func TestChallengeCardsFor150Nodes(t *testing.T) {
	// The cards of a big tree come a window at a time (bot.CardWindow links
	// not yet accepted): Slack takes about one message a second into a
	// channel, so all 140 at once would take over two minutes.
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	w := challengeSetUp(t, ctx, bigStatements(150))
	tr, err := w.svc.Tree(ctx, workflow.Actor{UserID: w.alice.ID}, w.rcaID)
	if err != nil || tr.NumNodes() != 150 {
		t.Fatalf("set-up tree: %v, %d nodes", err, tr.NumNodes())
	}
	w.fake.InjectRateLimit("chat.postMessage", 2, 1)
	header, _ := w.startPass(t, ctx, bot.CardWindow)
	for _, want := range []string{fmt.Sprintf("(%d links)", tr.NumGroups()), fmt.Sprintf("%d links not yet accepted at a time", bot.CardWindow)} {
		if !strings.Contains(header.PlainText(), want) {
			t.Errorf("the header does not say %q:\n%s", want, header.PlainText())
		}
	}
	// The first link accepted brings the next card, and no other.
	first := w.linkCard(t, ctx, header, 1)
	w.click(t, ctx, w.bob, first, "Holds")
	w.click(t, ctx, w.carol, first, "Holds")
	w.waitEdited(t, ctx, first, "Accepted")
	w.linkCard(t, ctx, header, bot.CardWindow+1)
	cards := w.cards(t, ctx, header, bot.CardWindow+1)
	if len(cards) != bot.CardWindow+1 {
		t.Errorf("%d cards after one link was accepted, want %d", len(cards), bot.CardWindow+1)
	}
	limited := 0
	for _, c := range w.fake.CallsTo("chat.postMessage") {
		switch c.Error {
		case "":
		case "ratelimited":
			limited++
		default:
			t.Errorf("chat.postMessage failed: %s", c.Error)
		}
	}
	if limited != 2 {
		t.Errorf("%d rate-limited posts, want the 2 injected ones waited out", limited)
	}
	for _, c := range w.fake.CallsTo("chat.update") {
		if c.Error != "" {
			t.Errorf("chat.update failed: %s", c.Error)
		}
	}
	if f := w.fake.Failures(); len(f) > 0 {
		t.Errorf("Slack saw failures: %+v", f)
	}
	// The text is escaped: no card can ping or fake a link.
	if strings.Contains(string(cards[0].Blocks), "<dependencies>") || strings.Contains(cards[0].Text, "<dependencies>") {
		t.Errorf("card text is not escaped: %s", cards[0].Blocks)
	}
}

// linkCard waits for the card of link n in the header's thread.
func (w *challengeWorld) linkCard(t *testing.T, ctx context.Context, header slacktest.Message, n int) slacktest.Message {
	t.Helper()
	want := fmt.Sprintf("*Link %d* ·", n)
	var card slacktest.Message
	eventually(t, ctx, "the card of link "+fmt.Sprint(n), func() bool {
		for _, m := range w.fake.Thread(w.ch.ID, header.TS) {
			if strings.Contains(m.PlainText(), want) {
				card = m
				return true
			}
		}
		return false
	})
	return card
}

func TestChallengeRepairsOfEachCategory(t *testing.T) {
	ctx := testCtx(t)
	w := challengeSetUp(t, ctx, challengeStatements)
	header, _ := w.startPass(t, ctx, 2)
	alice := workflow.Actor{UserID: w.alice.ID}
	tests := []struct {
		name     string
		link     int
		category string
		target   string            // option of "About"; "" is the whole link
		repair   string            // repair option to pick
		fill     map[string]string // input label → value
		selects  map[string]string // select label → option
		absent   string            // a repair the resolve modal must not offer
		initial  string            // the text input's prefilled value
		check    func(t *testing.T, tr *tree.Tree)
	}{
		{name: "clarity rewords a node of the link", link: 1, category: "Clarity", repair: "Reword a node",
			fill:    map[string]string{"New wording": "The payment API answers in more than 5 seconds"},
			selects: map[string]string{"Node to reword": "#2 The payment API answers slowly"},
			check: func(t *testing.T, tr *tree.Tree) {
				if n, _ := tr.Node(2); n.Text != "The payment API answers in more than 5 seconds" {
					t.Errorf("node 2 says %q", n.Text)
				}
			}},
		{name: "entity existence on a node takes evidence", link: 2, category: "Entity existence", target: "#3 The database connection pool is exhausted",
			repair: "Attach evidence", fill: map[string]string{"Evidence": "https://grafana.example/pool"}, absent: "Remove the link",
			check: func(t *testing.T, tr *tree.Tree) {
				if n, _ := tr.Node(3); n.Evidence != "https://grafana.example/pool" || n.Unverified {
					t.Errorf("node 3 after evidence: %+v", n)
				}
			}},
		{name: "clarity on a node rewords it from its text", link: 2, category: "Clarity", target: "#3 The database connection pool is exhausted",
			repair: "Reword a node", fill: map[string]string{"New wording": "Every connection of the database pool is in use"},
			initial: "The database connection pool is exhausted",
			check: func(t *testing.T, tr *tree.Tree) {
				if n, _ := tr.Node(3); n.Text != "Every connection of the database pool is in use" {
					t.Errorf("node 3 says %q", n.Text)
				}
			}},
		{name: "additional cause adds an OR link with its own card", link: 1, category: "Additional cause", repair: "Add another cause (OR)",
			fill: map[string]string{"Other cause": "A deploy doubled the traffic"},
			check: func(t *testing.T, tr *tree.Tree) {
				if g, ok := tr.Group(3); !ok || g.Effect != 1 || len(g.Causes) != 1 || g.Causes[0] != 4 {
					t.Errorf("link 3: %+v", g)
				}
			}},
		{name: "reversal flips the link", link: 3, category: "Cause-effect reversal", repair: "Flip the arrow",
			check: func(t *testing.T, tr *tree.Tree) {
				if g, _ := tr.Group(3); g.Effect != 4 || g.Causes[0] != 1 {
					t.Errorf("link 3 after the flip: %+v", g)
				}
			}},
		{name: "predicted effect adds the effect with evidence", link: 2, category: "Predicted effect existence", repair: "Add the predicted effect",
			fill: map[string]string{"Predicted effect": "Queries wait in the pool queue", "Evidence": "pool_wait_seconds graph"},
			check: func(t *testing.T, tr *tree.Tree) {
				if g, ok := tr.Group(4); !ok || g.Effect != 5 || g.Causes[0] != 3 {
					t.Errorf("link 4: %+v", g)
				}
			}},
		{name: "causality existence is dismissed by its raiser", link: 2, category: "Causality existence", repair: "Dismiss",
			check: func(t *testing.T, tr *tree.Tree) {
				if _, ok := tr.Group(2); !ok {
					t.Errorf("dismissing removed link 2")
				}
			}},
		{name: "tautology removes the link", link: 4, category: "Tautology", repair: "Remove the link",
			check: func(t *testing.T, tr *tree.Tree) {
				if _, ok := tr.Group(4); ok {
					t.Errorf("link 4 is still there")
				}
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			card := w.linkCard(t, ctx, header, tc.link)
			w.click(t, ctx, w.bob, card, "Raise a reservation…")
			view, err := w.bob.WaitForViewWhere(ctx, func(v slacktest.View) bool { return v.Title == "Raise a reservation" })
			if err != nil {
				t.Fatal(err)
			}
			if err := w.bob.Select(ctx, view, "Category", tc.category); err != nil {
				t.Fatal(err)
			}
			if tc.target != "" {
				if err := w.bob.Select(ctx, view, "About", tc.target); err != nil {
					t.Fatal(err)
				}
			}
			if ack, err := w.bob.SubmitView(ctx); err != nil || len(ack.Errors()) > 0 {
				t.Fatalf("raise: %v %v", err, ack.Errors())
			}
			card = w.waitEdited(t, ctx, card, "Resolve…")
			w.click(t, ctx, w.bob, card, "Resolve…")
			view, err = w.bob.WaitForViewWhere(ctx, func(v slacktest.View) bool { return v.Title == "Resolve reservation" })
			if err != nil {
				t.Fatal(err)
			}
			if tc.initial != "" && !strings.Contains(string(view.Blocks), `"initial_value":"`+tc.initial+`"`) {
				t.Errorf("the rewording is not prefilled with %q", tc.initial)
			}
			if tc.absent != "" && strings.Contains(string(view.Blocks), tc.absent) {
				t.Errorf("the resolve modal offers %q", tc.absent)
			}
			if err := w.bob.Select(ctx, view, "Repair", tc.repair); err != nil {
				t.Fatal(err)
			}
			for label, value := range tc.fill {
				if err := w.bob.FillInput(view, label, value); err != nil {
					t.Fatal(err)
				}
			}
			for label, opt := range tc.selects {
				if err := w.bob.Select(ctx, view, label, opt); err != nil {
					t.Fatal(err)
				}
			}
			if ack, err := w.bob.SubmitView(ctx); err != nil || len(ack.Errors()) > 0 {
				t.Fatalf("resolve: %v %v", err, ack.Errors())
			}
			eventually(t, ctx, "the card to drop its reservation", func() bool {
				m, _ := w.fake.Message(card.Channel, card.TS)
				return !strings.Contains(m.PlainText(), "Resolve…")
			})
			tr, err := w.svc.Tree(ctx, alice, w.rcaID)
			if err != nil {
				t.Fatal(err)
			}
			tc.check(t, tr)
			for _, g := range tr.Groups() {
				w.linkCard(t, ctx, header, int(g.ID))
			}
		})
	}
	if f := w.fake.Failures(); len(f) > 0 {
		t.Errorf("Slack saw failures: %+v", f)
	}
}

func TestChallengeFacilitatorDecides(t *testing.T) {
	ctx := testCtx(t)
	w := challengeSetUp(t, ctx, challengeStatements)
	header, _ := w.startPass(t, ctx, 2)
	raise := func(link int, category string) slacktest.Message {
		t.Helper()
		card := w.linkCard(t, ctx, header, link)
		w.click(t, ctx, w.bob, card, "Raise a reservation…")
		view, err := w.bob.WaitForViewWhere(ctx, func(v slacktest.View) bool { return v.Title == "Raise a reservation" })
		if err != nil {
			t.Fatal(err)
		}
		if err := w.bob.Select(ctx, view, "Category", category); err != nil {
			t.Fatal(err)
		}
		if ack, err := w.bob.SubmitView(ctx); err != nil || len(ack.Errors()) > 0 {
			t.Fatalf("raise: %v %v", err, ack.Errors())
		}
		return w.waitEdited(t, ctx, card, "Disputed")
	}

	first := raise(1, "Causality existence")
	w.click(t, ctx, w.carol, first, "Accept")
	challengeEphemeral(t, ctx, w.carol, ", the facilitator of *")
	w.click(t, ctx, w.alice, first, "Accept")
	first = w.waitEdited(t, ctx, first, "Accepted")
	if strings.Contains(first.PlainText(), "Resolve…") {
		t.Errorf("accepting must dismiss the open reservation:\n%s", first.PlainText())
	}

	second := raise(2, "Tautology")
	w.click(t, ctx, w.alice, second, "Remove link")
	second = w.waitEdited(t, ctx, second, "no longer in the tree")
	if strings.Contains(second.PlainText(), "Holds") {
		t.Errorf("a removed link's card still has buttons:\n%s", second.PlainText())
	}
	w.waitEdited(t, ctx, w.dash, "1/1 accepted")
}

func TestChallengePrivateRCARefusesOutsiders(t *testing.T) {
	ctx := testCtx(t)
	w := challengeSetUpVisibility(t, ctx, challengeStatements, true)
	_, cards := w.startPass(t, ctx, 2)
	slow := cardOf(t, cards, "#2 The payment API answers slowly] THEN")

	// Dave was added to the private channel by hand but is not a participant.
	w.click(t, ctx, w.dave, slow, "Holds")
	challengeEphemeral(t, ctx, w.dave, "not shared with you")
	w.click(t, ctx, w.dave, slow, "Raise a reservation…")
	eventually(t, ctx, "a second refusal", func() bool { return len(w.dave.Ephemerals()) >= 2 })
	if _, open := w.dave.CurrentView(); open {
		t.Errorf("an outsider got the raise modal")
	}
	p, err := w.svc.Progress(ctx, workflow.Actor{UserID: w.alice.ID}, w.rcaID)
	if err != nil || p.ReviewsPerLink[1] != 0 || p.OpenReservations != 0 {
		t.Fatalf("an outsider's clicks were recorded: %v %+v", err, p)
	}
	// A participant's click on the same card works.
	w.click(t, ctx, w.bob, slow, "Holds")
	w.waitEdited(t, ctx, slow, "holds for <@"+w.bob.ID+">")
}

// TestChallengeLatency measures, through the fake Slack, the time from the
// "Start challenge pass" click to the last card of the thread (median of 5
// passes per size), and on a 150-node tree the time from a "Holds" click to
// its acknowledgement and to the card updated in place (medians of 20). It
// only logs the figures, so it runs only with UNTANGLE_CHALLENGE_LATENCY=1:
//
//	UNTANGLE_CHALLENGE_LATENCY=1 go test -run TestChallengeLatency -v ./bot/
func TestChallengeLatency(t *testing.T) {
	if os.Getenv("UNTANGLE_CHALLENGE_LATENCY") == "" {
		t.Skip("set UNTANGLE_CHALLENGE_LATENCY=1 to measure challenge-pass latency")
	}
	tests := []struct {
		name  string
		nodes int
	}{
		{name: "30 nodes", nodes: 30},
		{name: "150 nodes", nodes: 150},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var toCards []time.Duration
			var w *challengeWorld
			var header slacktest.Message
			var cards []slacktest.Message
			for range 5 {
				ctx := testCtx(t)
				w = challengeSetUp(t, ctx, bigStatements(tt.nodes))
				tr, _ := w.svc.Tree(ctx, workflow.Actor{UserID: w.alice.ID}, w.rcaID)
				start := time.Now()
				header, cards = w.startPass(t, ctx, min(tr.NumGroups(), bot.CardWindow))
				toCards = append(toCards, time.Since(start))
			}
			t.Logf("%s, %d cards: click → last card posted: median %v", tt.name, len(cards), median(toCards))
			if tt.nodes < 150 {
				return
			}
			ctx := testCtx(t)
			var acks, updates []time.Duration
			for i := range 20 {
				u := []slacktest.User{w.bob, w.carol}[i%2]
				card := w.linkCard(t, ctx, header, i/2+1)
				start := time.Now()
				w.click(t, ctx, u, card, "Holds")
				acks = append(acks, time.Since(start))
				w.waitEdited(t, ctx, card, "<@"+u.ID+">")
				updates = append(updates, time.Since(start))
			}
			t.Logf("%s: Holds click → ack: median %v; → card updated: median %v", tt.name, median(acks), median(updates))
		})
	}
}

func TestChallengeNodeReservationOnEveryCard(t *testing.T) {
	ctx := testCtx(t)
	w := challengeSetUp(t, ctx, challengeStatements)
	header, _ := w.startPass(t, ctx, 2)
	first, second := w.linkCard(t, ctx, header, 1), w.linkCard(t, ctx, header, 2)

	// Node #2 is the cause of link 1 and the effect of link 2.
	w.click(t, ctx, w.bob, first, "Raise a reservation…")
	view, err := w.bob.WaitForViewWhere(ctx, func(v slacktest.View) bool { return v.Title == "Raise a reservation" })
	if err != nil {
		t.Fatal(err)
	}
	if err := w.bob.Select(ctx, view, "Category", "Clarity"); err != nil {
		t.Fatal(err)
	}
	if err := w.bob.Select(ctx, view, "About", "#2 The payment API answers slowly"); err != nil {
		t.Fatal(err)
	}
	if ack, err := w.bob.SubmitView(ctx); err != nil || len(ack.Errors()) > 0 {
		t.Fatalf("raise: %v %v", err, ack.Errors())
	}
	first = w.waitEdited(t, ctx, first, "on node #2")
	w.waitEdited(t, ctx, second, "on node #2")

	// Its raiser dismisses it from one card; both cards drop it.
	w.click(t, ctx, w.bob, first, "Resolve…")
	view, err = w.bob.WaitForViewWhere(ctx, func(v slacktest.View) bool { return v.Title == "Resolve reservation" })
	if err != nil {
		t.Fatal(err)
	}
	if err := w.bob.Select(ctx, view, "Repair", "Dismiss"); err != nil {
		t.Fatal(err)
	}
	if ack, err := w.bob.SubmitView(ctx); err != nil || len(ack.Errors()) > 0 {
		t.Fatalf("dismiss: %v %v", err, ack.Errors())
	}
	for _, c := range []slacktest.Message{first, second} {
		eventually(t, ctx, "card "+c.TS+" to drop the reservation", func() bool {
			m, _ := w.fake.Message(c.Channel, c.TS)
			return !strings.Contains(m.PlainText(), "on node #2")
		})
	}
}
