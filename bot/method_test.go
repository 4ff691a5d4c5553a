package bot_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/untangle-rca/untangle/bot/slacktest"
	"github.com/untangle-rca/untangle/tree"
)

// The nodes of the payment-outage example (testdata/payment-outage.cst).
const (
	mUDEDown      = "The core payment routing service was down for 45 minutes"
	mUDEAlert     = "The monitoring system took 15 minutes to fire an alert"
	mUDERunbooks  = "The on-call engineer had to read 3 outdated runbooks to find the rollback script"
	mCascade      = "Microservices cascade fail and the payment API times out"
	mRollback     = "Rolling back takes a long time"
	mSlowSQL      = "A slow SQL query exhausts the database connection pool"
	mNoBreaker    = "The business layer has no circuit breaker configured"
	mNotDetected  = "The slow SQL query was not detected before release"
	mResilience   = "Resilience work never wins against feature work in planning"
	mThresholds   = "Alert thresholds have not been reviewed since launch"
	mNobodyOwns   = "Nobody owns runbook upkeep"
	mLoadTesting  = "The load testing phase was skipped to meet a product deadline"
	mStaging      = "The staging environment has only 1% of production data volume"
	mSensitive    = "Production data is too sensitive to copy into staging"
	mInjection    = "Engineering quality KPIs weigh as much as delivery speed in every planning review"
	mWalkQuestion = "why did this happen?"
)

// methodStep is what the team answers when the walk asks about a node.
type methodStep struct {
	existing string // words typed into the existing-node type-ahead
	newTexts string // new causes, one per line
	logic    string // "" keeps the default (each is enough on its own)
	root     bool   // "Root — stop here"
}

// methodWalk is the walk of the example: every answer the team gives, by
// the node the walk asks about. The staging-data premise is left out on
// purpose: the challenge pass adds it (cause insufficiency), and the team
// then digs under it with the walk (methodDig).
var methodWalk = map[string]methodStep{
	mUDEDown:     {newTexts: mCascade + "\n" + mRollback, logic: "only together (AND)"},
	mUDEAlert:    {newTexts: mThresholds},
	mUDERunbooks: {newTexts: mNobodyOwns},
	mCascade:     {newTexts: mSlowSQL + "\n" + mNoBreaker, logic: "only together (AND)"},
	mRollback:    {existing: "outdated runbooks"},
	mThresholds:  {newTexts: kpiCause},
	mNobodyOwns:  {existing: "organizational KPIs"},
	mSlowSQL:     {newTexts: mNotDetected},
	mNoBreaker:   {newTexts: mResilience},
	kpiCause:     {root: true},
	mNotDetected: {newTexts: mLoadTesting},
	mResilience:  {existing: "organizational KPIs"},
	mLoadTesting: {existing: "organizational KPIs"},
}

// methodDig is the walk under the premise the challenge pass added.
var methodDig = map[string]methodStep{
	mStaging:   {newTexts: mSensitive},
	mSensitive: {root: true},
}

// methodWalkNode returns the text of the node a walk message asks about.
func methodWalkNode(m slacktest.Message) (string, bool) {
	pt := strings.ReplaceAll(m.PlainText(), "*", "")
	i := strings.Index(pt, mWalkQuestion)
	if i < 0 {
		return "", false
	}
	line, _, _ := strings.Cut(strings.TrimSpace(pt[i+len(mWalkQuestion):]), "\n")
	_, text, ok := strings.Cut(line, " ")
	return strings.TrimSpace(text), ok
}

// methodAnswer gives the walk's answer for one node as u.
func methodAnswer(t *testing.T, ctx context.Context, u slacktest.User, walk slacktest.Message, step methodStep) {
	t.Helper()
	if step.root {
		if _, err := u.ClickButton(ctx, walk, "Root — stop here"); err != nil {
			t.Fatal(err)
		}
		return
	}
	if _, err := u.ClickButton(ctx, walk, "Add cause…"); err != nil {
		t.Fatal(err)
	}
	view, err := u.WaitForViewWhere(ctx, func(v slacktest.View) bool { return v.Title == "Add cause" })
	if err != nil {
		t.Fatal(err)
	}
	if step.existing != "" {
		if err := u.Select(ctx, view, "Existing node", step.existing); err != nil {
			t.Fatalf("type-ahead %q: %v", step.existing, err)
		}
	}
	if step.newTexts != "" {
		if err := u.FillInput(view, "New causes", step.newTexts); err != nil {
			t.Fatal(err)
		}
	}
	if step.logic != "" {
		if err := u.Select(ctx, view, "How do they produce it?", step.logic); err != nil {
			t.Fatal(err)
		}
	}
	ack, err := u.SubmitView(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if errs := ack.Errors(); len(errs) > 0 {
		t.Fatalf("Add cause refused: %v", errs)
	}
}

// methodWalkAll answers the walk until it says wiring is done, bob and
// carol taking turns.
func methodWalkAll(t *testing.T, ctx context.Context, w *renderWorld, steps map[string]methodStep) {
	t.Helper()
	walk, err := w.fake.WaitForMessage(ctx, w.ch.ID, func(m slacktest.Message) bool { return strings.Contains(m.PlainText(), mWalkQuestion) })
	if err != nil {
		t.Fatalf("no walk message: %v", err)
	}
	last, asked := "", map[string]bool{}
	for turn := 0; ; turn++ {
		var cur string
		done := false
		eventually(t, ctx, "the walk to move on from "+last, func() bool {
			walk, _ = w.fake.Message(w.ch.ID, walk.TS)
			if strings.Contains(walk.PlainText(), "Wiring done") {
				done = true
				return true
			}
			var ok bool
			cur, ok = methodWalkNode(walk)
			return ok && cur != last
		})
		if done {
			break
		}
		step, ok := steps[cur]
		if !ok || asked[cur] {
			t.Fatalf("the walk asks about %q (asked before: %v)\n%s", cur, asked[cur], walk.PlainText())
		}
		asked[cur] = true
		methodAnswer(t, ctx, []slacktest.User{w.bob, w.carol}[turn%2], walk, step)
		last = cur
	}
	if len(asked) != len(steps) {
		t.Fatalf("the walk asked about %d nodes, want %d", len(asked), len(steps))
	}
}

// methodCards waits for the challenge header and n cards in its thread.
func methodCards(t *testing.T, ctx context.Context, w *renderWorld, n int) []slacktest.Message {
	t.Helper()
	header, err := w.fake.WaitForMessage(ctx, w.ch.ID, func(m slacktest.Message) bool {
		return !m.IsReply() && strings.Contains(m.PlainText(), "Challenge pass")
	})
	if err != nil {
		t.Fatalf("no challenge header: %v", err)
	}
	var cards []slacktest.Message
	eventually(t, ctx, "the link cards", func() bool {
		cards = nil
		for _, m := range w.fake.Thread(w.ch.ID, header.TS) {
			if m.TS != header.TS {
				cards = append(cards, m)
			}
		}
		return len(cards) >= n
	})
	return cards
}

// methodWaitCard waits until a card says want and returns it.
func methodWaitCard(t *testing.T, ctx context.Context, w *renderWorld, card slacktest.Message, want string) slacktest.Message {
	t.Helper()
	eventually(t, ctx, "card to say "+want, func() bool {
		card, _ = w.fake.Message(w.ch.ID, card.TS)
		return strings.Contains(card.PlainText(), want)
	})
	return card
}

func methodClick(t *testing.T, ctx context.Context, u slacktest.User, msg slacktest.Message, text string) {
	t.Helper()
	if _, err := u.ClickButton(ctx, msg, text); err != nil {
		t.Fatalf("%s clicks %q: %v", u.Name, text, err)
	}
}

// TestFullMethodEndToEnd runs the whole method on the payment-outage example
// by clicks, modal fills and slash commands only: three people list the
// symptoms and wire the tree with the walk, challenge every link (a cause
// insufficiency reservation adds a premise), render, see the KPI node as the
// core cause explaining 3/3, propose a fix that removes all three symptoms
// and finish with the summary, the pictures and the report.
func TestFullMethodEndToEnd(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	w := newRenderWorld(t, testCtx(t))
	alice, bob, carol := w.alice, w.bob, w.carol

	// 1. Symptoms, through the dashboard's "Add symptom".
	for _, ude := range []string{mUDEDown, mUDEAlert, mUDERunbooks} {
		methodClick(t, ctx, alice, w.dashboard(), ":heavy_plus_sign: Add symptom")
		view, err := alice.WaitForViewWhere(ctx, func(v slacktest.View) bool { return v.Title == "Add symptom" })
		if err != nil {
			t.Fatal(err)
		}
		if err := alice.FillInput(view, "Symptom", ude); err != nil {
			t.Fatal(err)
		}
		if ack, err := alice.SubmitView(ctx); err != nil || len(ack.Errors()) > 0 {
			t.Fatalf("add symptom %q: %v %v", ude, err, ack.Errors())
		}
	}
	eventually(t, ctx, "three symptoms on the dashboard", func() bool { return strings.Contains(w.dashboard().PlainText(), "3 symptoms") })

	// 2. The wiring walk.
	methodClick(t, ctx, alice, w.dashboard(), ":link: Start wiring")
	methodWalkAll(t, ctx, w, methodWalk)

	// 3. The challenge pass: a cause insufficiency adds the staging premise,
	// then bob and carol say every link holds.
	eventually(t, ctx, "Start challenge pass on the dashboard", func() bool {
		return strings.Contains(w.dashboard().PlainText(), "Start challenge pass")
	})
	methodClick(t, ctx, alice, w.dashboard(), ":crossed_swords: Start challenge pass")
	cards := methodCards(t, ctx, w, 12)
	var loadCard slacktest.Message
	for _, c := range cards {
		if strings.Contains(c.PlainText(), mLoadTesting+"] THEN [") {
			loadCard = c
		}
	}
	if loadCard.TS == "" {
		t.Fatalf("no card for the load-testing link")
	}
	methodClick(t, ctx, bob, loadCard, "Raise a reservation…")
	view, err := bob.WaitForViewWhere(ctx, func(v slacktest.View) bool { return v.Title == "Raise a reservation" })
	if err != nil {
		t.Fatal(err)
	}
	if err := bob.Select(ctx, view, "Category", "Cause insufficiency"); err != nil {
		t.Fatal(err)
	}
	if err := bob.FillInput(view, "Note", "Skipping load tests alone would not hide a slow query if staging had production-sized data."); err != nil {
		t.Fatal(err)
	}
	if ack, err := bob.SubmitView(ctx); err != nil || len(ack.Errors()) > 0 {
		t.Fatalf("raise: %v %v", err, ack.Errors())
	}
	loadCard = methodWaitCard(t, ctx, w, loadCard, "Resolve…")
	methodClick(t, ctx, carol, loadCard, "Resolve…")
	view, err = carol.WaitForViewWhere(ctx, func(v slacktest.View) bool { return v.Title == "Resolve reservation" })
	if err != nil {
		t.Fatal(err)
	}
	if err := carol.FillInput(view, "Missing premise", mStaging); err != nil {
		t.Fatal(err)
	}
	if ack, err := carol.SubmitView(ctx); err != nil || len(ack.Errors()) > 0 {
		t.Fatalf("resolve: %v %v", err, ack.Errors())
	}
	methodWaitCard(t, ctx, w, loadCard, mStaging)
	// The new premise is a node to dig under: the walk asks about it again,
	// and the link wired under it gets its own card.
	methodWalkAll(t, ctx, w, methodDig)
	cards = methodCards(t, ctx, w, 13)
	for _, c := range cards {
		methodClick(t, ctx, bob, c, "Holds")
		methodClick(t, ctx, carol, c, "Holds")
	}
	eventually(t, ctx, "every link accepted", func() bool { return strings.Contains(w.dashboard().PlainText(), "13/13 accepted") })

	// 4. Render: the KPI node is the core cause and explains 3/3.
	methodClick(t, ctx, alice, w.dashboard(), ":frame_with_picture: Render tree")
	core := w.waitMessages(t, ctx, coreHeader, 1).PlainText()
	coreLine := "Core cause* (explaining 70% or more of the impact and removing as much when fixed alone):\n*#10* " + kpiCause + "\nexplains 3/3 (100% of impact) · fixing it alone removes 3/3"
	if !strings.Contains(core, coreLine) || !strings.Contains(core, "Every link counted here was accepted") {
		t.Errorf("core-cause message does not name the KPI node explaining 3/3:\n%s", core)
	}
	cst := w.waitFiles(t, ctx, "cst.png", 1)[0]
	if !strings.Contains(cst.AltText, "Core cause: #10 "+kpiCause) {
		t.Errorf("tree picture alt text: %q", cst.AltText)
	}

	// 5. Plan fixes and propose one against the core cause.
	methodClick(t, ctx, alice, w.dashboard(), ":hammer_and_wrench: Plan fixes")
	plan := w.waitMessages(t, ctx, "Propose fix", 1)
	methodClick(t, ctx, carol, plan, "Propose fix")
	view, err = carol.WaitForViewWhere(ctx, func(v slacktest.View) bool { return v.Title == "Propose fix" })
	if err != nil {
		t.Fatal(err)
	}
	if err := carol.FillInput(view, "Injection", mInjection); err != nil {
		t.Fatal(err)
	}
	if err := carol.Select(ctx, view, "Owner", "alice"); err != nil {
		t.Fatal(err)
	}
	if err := carol.Select(ctx, view, "Due date", time.Now().AddDate(0, 1, 0).Format("2006-01-02")); err != nil {
		t.Fatal(err)
	}
	if ack, err := carol.SubmitView(ctx); err != nil || len(ack.Errors()) > 0 {
		t.Fatalf("propose fix: %v %v", err, ack.Errors())
	}
	outcome := w.waitMessages(t, ctx, "proposed a fix", 1).PlainText()
	if !strings.Contains(outcome, "This fix alone removes 3/3 symptoms") || !strings.Contains(outcome, "every symptom disappears") {
		t.Errorf("fix outcome:\n%s", outcome)
	}
	w.waitFiles(t, ctx, "frt.png", 1)

	// 6. Finish (Slack's confirmation dialog on the button), then the
	// summary and the report; the pictures are already in the channel.
	eventually(t, ctx, "Finish RCA on the dashboard", func() bool { return strings.Contains(w.dashboard().PlainText(), "Finish RCA") })
	methodClick(t, ctx, alice, w.dashboard(), ":checkered_flag: Finish RCA")
	summary := w.waitMessages(t, ctx, "RCA closed", 1).PlainText()
	for _, want := range []string{
		"*#10* " + kpiCause + " — explains 3/3 (100% of impact) · fixing it alone removes 3/3",
		"IF ", mInjection, "Owner: <@" + alice.ID + ">", "Together they remove 3/3 symptoms", "*Open items:* none",
	} {
		if !strings.Contains(summary, want) {
			t.Errorf("summary lacks %q:\n%s", want, summary)
		}
	}
	var report string
	eventually(t, ctx, "the report canvas", func() bool { report, _ = w.fake.ChannelCanvas(w.ch.ID); return report != "" })
	for _, name := range []string{"cst.png", "frt.png"} {
		if n := len(w.files(name)); n != 1 {
			t.Errorf("%s uploaded %d times; the picture did not change", name, n)
		}
	}
	for _, want := range []string{kpiCause, mStaging, mInjection, "owner: alice"} {
		if !strings.Contains(report, want) {
			t.Errorf("report canvas lacks %q", want)
		}
	}
	methodSameAsExample(t, w.waitFiles(t, ctx, "rca-tree.json", 1)[0].Bytes)
	for _, f := range w.fake.Failures() {
		t.Errorf("Slack saw a failure: %+v", f)
	}
	for _, c := range w.fake.Calls() {
		if c.Error == "invalid_blocks" || c.Error == "invalid_arguments" {
			t.Errorf("%s answered %s", c.Method, c.Error)
		}
	}

	methodQuiet(t, w, alice, bob, carol)

}

// methodSameAsExample checks that the tree the team built in Slack is the
// example's tree: the same statements, whatever the node numbers.
func methodSameAsExample(t *testing.T, exported []byte) {
	t.Helper()
	var got tree.Tree
	if err := json.Unmarshal(exported, &got); err != nil {
		t.Fatalf("rca-tree.json: %v", err)
	}
	src, err := os.ReadFile(filepath.Join("testdata", "payment-outage.cst"))
	if err != nil {
		t.Fatal(err)
	}
	want, err := tree.Parse(src)
	if err != nil {
		t.Fatal(err)
	}
	if g, w := methodStatements(&got), methodStatements(want); !slices.Equal(g, w) {
		t.Errorf("the tree built in Slack differs from the example:\n got %q\nwant %q", g, w)
	}
}

// methodStatements lists a tree's UDEs and links as sorted text lines.
func methodStatements(tr *tree.Tree) []string {
	var out []string
	text := func(id tree.NodeID) string { n, _ := tr.Node(id); return n.Text }
	for _, n := range tr.Nodes() {
		if n.Kind == tree.KindUDE {
			out = append(out, "UDE "+n.Text)
		}
	}
	for _, g := range tr.Groups() {
		causes := make([]string, len(g.Causes))
		for i, c := range g.Causes {
			causes[i] = text(c)
		}
		slices.Sort(causes)
		out = append(out, strings.Join(causes, " AND ")+" => "+text(g.Effect))
	}
	slices.Sort(out)
	return out
}

// methodQuiet checks that the whole run stayed quiet and within Slack's
// rate limits: at most 4 ephemeral messages to a team that words its
// statements well, no picture uploaded twice unchanged, and not one 429
// under the fake's enforced tiers. It logs what the run cost in Slack calls.
func methodQuiet(t *testing.T, w *renderWorld, team ...slacktest.User) {
	t.Helper()
	ephemerals := 0
	for _, u := range team {
		for _, m := range u.Ephemerals() {
			ephemerals++
			t.Logf("ephemeral to %s: %.80q", u.Name, m.Text)
		}
	}
	if ephemerals > 4 {
		t.Errorf("%d ephemeral messages to a well-behaved team, want at most 4", ephemerals)
	}
	seen := map[string]bool{}
	for _, f := range w.fake.Files() {
		key := f.Name + "\x00" + string(f.Bytes)
		if seen[key] {
			t.Errorf("%s was uploaded again unchanged", f.Name)
		}
		seen[key] = true
	}
	limited := 0
	for _, c := range w.fake.Calls() {
		if c.Status == 429 {
			limited++
		}
	}
	if limited > 0 || w.fake.RateLimited() > 0 {
		t.Errorf("Slack answered 429 %d times", limited)
	}
	byText := map[string]int{}
	for _, c := range w.fake.CallsTo("chat.update") {
		text := c.Params["text"]
		if strings.HasPrefix(text, "Link ") {
			text = "card"
		}
		byText[text]++
	}
	t.Logf("chat.update by message: %v", byText)
	t.Logf("full RCA: %d ephemerals, %d files, %d chat.update, %d chat.postMessage, %d 429s",
		ephemerals, len(w.fake.Files()), len(w.fake.CallsTo("chat.update")), len(w.fake.CallsTo("chat.postMessage")), limited)
}
