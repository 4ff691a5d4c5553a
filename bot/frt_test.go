package bot_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/untangle-rca/untangle/bot"
	"github.com/untangle-rca/untangle/bot/slacktest"
	"github.com/untangle-rca/untangle/tree"
	"github.com/untangle-rca/untangle/workflow"
)

// Texts of the Future Reality Tree flow.
const (
	frtFix       = "Engineering quality KPIs are reviewed next to delivery speed"
	frtStep      = "Feature work slows down for a quarter"
	frtHarm      = "Sales miss the Q3 launch"
	frtTrim      = "The KPI change is phased in after the launch"
	frtDesirable = "Teams plan load tests without asking for permission"
	frtOutcome   = "Payments route without a minute of downtime"
)

// openModal clicks a button of msg as u and waits for the modal titled title.
func openModal(t *testing.T, ctx context.Context, u slacktest.User, msg slacktest.Message, button, title string) slacktest.View {
	t.Helper()
	if _, err := u.ClickButton(ctx, msg, button); err != nil {
		t.Fatalf("click %q: %v", button, err)
	}
	view, err := u.WaitForViewWhere(ctx, func(v slacktest.View) bool { return v.Title == title })
	if err != nil {
		t.Fatalf("modal %q: %v", title, err)
	}
	return view
}

// submitFilled fills the inputs of view (label → text) as u and submits it.
func submitFilled(t *testing.T, ctx context.Context, u slacktest.User, view slacktest.View, inputs map[string]string) {
	t.Helper()
	for label, text := range inputs {
		if err := u.FillInput(view, label, text); err != nil {
			t.Fatalf("fill %q: %v", label, err)
		}
	}
	if ack, err := u.SubmitView(ctx); err != nil || len(ack.Errors()) > 0 {
		t.Fatalf("submit %q: %v %v", view.Title, err, ack)
	}
}

// growFuture runs the Future Reality Tree flow on the fix of outcome: carol
// raises a negative branch with one step, bob trims it at its step, alice
// adds a desirable effect and carol words the good outcome of the first
// removed symptom. Each change posts a new Future Reality Tree picture.
func (w *renderWorld) growFuture(t *testing.T, ctx context.Context, outcome slacktest.Message) {
	t.Helper()
	pictures := len(w.waitFiles(t, ctx, "frt.png", 1))
	view := openModal(t, ctx, w.carol, outcome, ":warning: Negative branch…", "Negative branch")
	submitFilled(t, ctx, w.carol, view, map[string]string{"Steps on the way": frtStep, "New undesirable effect": frtHarm})
	branch := w.waitMessages(t, ctx, "raised a *negative branch*", 1)
	if text := branch.PlainText(); !strings.Contains(text, "*IF* “"+frtFix+"” *THEN* “"+frtStep+"” *THEN* “"+frtHarm+"”") {
		t.Errorf("negative branch message:\n%s", text)
	}
	w.waitFiles(t, ctx, "frt.png", pictures+1)
	sum := w.summary(t, ctx)
	if u := sum.Untrimmed(); len(u) != 1 {
		t.Fatalf("untrimmed branches after raising one: %+v", u)
	}
	// The picture is drawn before the outline is redrawn, so the outline
	// may still show the previous state when the picture arrives.
	eventually(t, ctx, "the outline marks the negative effect", func() bool {
		return strings.Contains(w.outline(t), ":warning: _negative:_ "+frtHarm)
	})

	view = openModal(t, ctx, w.bob, branch, ":scissors: Trim it…", "Trim negative branch")
	step := sum.Untrimmed()[0].Steps[0]
	if err := w.bob.Select(ctx, view, "Step", step.String()+" "+frtStep); err != nil {
		t.Fatal(err)
	}
	submitFilled(t, ctx, w.bob, view, map[string]string{"Injection": frtTrim})
	w.waitMessages(t, ctx, "trimmed a negative branch", 1)
	w.waitFiles(t, ctx, "frt.png", pictures+2)

	view = openModal(t, ctx, w.alice, outcome, ":large_green_circle: Desirable effect…", "Desirable effect")
	submitFilled(t, ctx, w.alice, view, map[string]string{"Desirable effect": frtDesirable})
	w.waitMessages(t, ctx, "added a *desirable effect*", 1)
	w.waitFiles(t, ctx, "frt.png", pictures+3)

	sum = w.summary(t, ctx)
	ude := sum.Combined.Removed[0]
	n, _ := sum.Tree.Node(ude)
	view = openModal(t, ctx, w.carol, outcome, "Word the good outcomes…", "Good outcomes")
	if !strings.Contains(string(view.Blocks), tree.DesirableWording(n.Text)) {
		t.Errorf("the good outcomes modal does not suggest a wording:\n%s", view.Blocks)
	}
	submitFilled(t, ctx, w.carol, view, map[string]string{ude.String() + " " + n.Text: frtOutcome})
	w.waitMessages(t, ctx, "worded the good outcomes", 1)
	w.waitFiles(t, ctx, "frt.png", pictures+4)

	sum = w.summary(t, ctx)
	if len(sum.Negative) != 1 || !sum.Negative[0].Trimmed {
		t.Errorf("negative branches after the trim: %+v", sum.Negative)
	}
	frt, err := sum.FutureTree()
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	for _, n := range frt.Nodes() {
		texts = append(texts, n.Text)
	}
	for _, want := range []string{frtFix, frtStep, frtHarm, frtTrim, frtDesirable, frtOutcome} {
		if !slices.Contains(texts, want) {
			t.Errorf("the Future Reality Tree lacks %q", want)
		}
	}
}

// summary is the RCA's summary as alice sees it.
func (w *renderWorld) summary(t *testing.T, ctx context.Context) *workflow.Summary {
	t.Helper()
	sum, err := w.setup.Summary(ctx, w.actor(w.alice), w.rcaID)
	if err != nil {
		t.Fatal(err)
	}
	return sum
}

// outline is the text of the RCA's outline message.
func (w *renderWorld) outline(t *testing.T) string {
	t.Helper()
	for _, m := range w.fake.Messages(w.ch.ID) {
		if strings.HasPrefix(m.Text, "Outline:") {
			return m.PlainText()
		}
	}
	return ""
}

// e2eClock is a settable clock for the bot and its workflow.
type e2eClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *e2eClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }

func (c *e2eClock) Set(t time.Time) { c.mu.Lock(); c.now = t; c.mu.Unlock() }

// dmsWith returns u's DMs from the bot that contain text.
func dmsWith(u slacktest.User, text string) []slacktest.Message {
	var out []slacktest.Message
	for _, m := range u.DMs() {
		if strings.Contains(m.PlainText(), text) {
			out = append(out, m)
		}
	}
	return out
}

// proposeDue proposes a fix from the "Propose fix" click already made,
// with an owner and, when due is set, a due date (YYYY-MM-DD).
func proposeDue(t *testing.T, ctx context.Context, u slacktest.User, injection, owner, due string) {
	t.Helper()
	view, err := u.WaitForViewWhere(ctx, func(v slacktest.View) bool { return v.Title == "Propose fix" })
	if err != nil {
		t.Fatal(err)
	}
	if err := u.Select(ctx, view, "Owner", owner); err != nil {
		t.Fatal(err)
	}
	if due != "" {
		if err := u.Select(ctx, view, "Due date", due); err != nil {
			t.Fatal(err)
		}
	}
	submitFilled(t, ctx, u, view, map[string]string{"Injection": injection})
}

// TestFixesToDoneEndToEnd is the Future Reality Tree and fix tracking
// through the fake Slack, from the fix's message to done: two fixes get
// owners (one brought into the channel) and dates, a negative branch is raised and trimmed and another
// left open, a desirable effect and a good outcome are added; the RCA
// finishes; a fix goes overdue (injected clock) and its owner gets exactly
// one DM for the day across a restart; marking one fix done and dropping
// the other update the dashboard, the report canvas (read back from the
// fake, whose canvases.edit limit forces a 429 that is retried) and the
// Future Reality Tree's picture and title.
func TestFixesToDoneEndToEnd(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	start := time.Now().UTC()
	clock := &e2eClock{now: start}
	configure := func(c *bot.Config) { c.Now, c.RemindCron = clock.Now, "0 0 10 * * 1-5" }
	limits := slacktest.WithLimits(map[string]slacktest.Limit{"canvases.edit": {Burst: 1, Every: 3 * time.Second}})
	w := newRenderWorldOn(t, ctx, []slacktest.Option{limits}, configure)
	// Set-up: the example tree, accepted, planning fixes (the challenge
	// pass through Slack is another test's).
	w.pasteExample(t, ctx)
	w.advanceTo(t, ctx, workflow.PhaseChallenging)
	w.acceptAll(t, ctx)
	w.advanceTo(t, ctx, workflow.PhaseFixing)
	if _, err := w.alice.SlashCommand(ctx, w.ch.ID, "/rca", "render"); err != nil {
		t.Fatal(err)
	}
	core := w.waitMessages(t, ctx, "Propose fix", 1)
	dueDay := start.AddDate(0, 0, 1)

	// Fix A against the core cause: bob owns it, due tomorrow; he is told.
	if _, err := w.carol.ClickButton(ctx, core, "Propose fix"); err != nil {
		t.Fatal(err)
	}
	proposeDue(t, ctx, w.carol, frtFix, "bob", dueDay.Format("2006-01-02"))
	outcomeA := w.waitMessages(t, ctx, "proposed a fix", 1)
	eventually(t, ctx, "the owner is told", func() bool { return len(dmsWith(w.bob, "made you the owner of a fix")) == 1 })
	w.growFuture(t, ctx, outcomeA)
	view := openModal(t, ctx, w.carol, outcomeA, ":warning: Negative branch…", "Negative branch")
	const risk = "Support gets more tickets about slow reports"
	submitFilled(t, ctx, w.carol, view, map[string]string{"New undesirable effect": risk})
	w.waitMessages(t, ctx, "raised a *negative branch*", 2)

	// Fix B against the other root, owned by dave, who is not in the RCA's
	// channel yet, with no date yet. The
	// fake clicks the first button of a text, so the second root's
	// "Propose fix" is clicked with its own value.
	tr, err := w.setup.Tree(ctx, w.actor(w.alice), w.rcaID)
	if err != nil {
		t.Fatal(err)
	}
	staging, ok := tr.NodeByText("Production data is too sensitive to copy into staging")
	if !ok || !strings.Contains(string(core.Blocks), fmt.Sprintf(`"value":"%d:%d"`, w.rcaID, staging.ID)) {
		t.Fatalf("the core-cause message has no Propose fix for the staging cause:\n%s", core.Blocks)
	}
	if _, err := w.carol.ForgeButton(ctx, core, "Propose fix", fmt.Sprintf("%d:%d", w.rcaID, staging.ID)); err != nil {
		t.Fatal(err)
	}
	const fixB = "Staging gets a masked copy of production data"
	dave := w.fake.AddUser("dave")
	proposeDue(t, ctx, w.carol, fixB, "dave", "")
	outcomeB := w.waitMessages(t, ctx, "proposed a fix", 2)
	eventually(t, ctx, "the new owner is brought in and told", func() bool { return len(dmsWith(dave, "I added you to")) == 1 })
	if ch, _ := w.fake.Channel(w.ch.ID); !slices.Contains(ch.Members, dave.ID) {
		t.Errorf("dave owns a fix but is not in the RCA channel: %v", ch.Members)
	}

	// Finish: the summary and the canvas list the untrimmed branch as a risk.
	if _, err := w.alice.ClickButton(ctx, w.dashboard(), ":checkered_flag: Finish RCA"); err != nil {
		t.Fatal(err)
	}
	if text := w.waitMessages(t, ctx, "RCA closed", 1).PlainText(); !strings.Contains(text, "Negative branch not trimmed:* *IF* “"+frtFix+"” *THEN* “"+risk+"”") {
		t.Errorf("the summary does not list the untrimmed branch:\n%s", text)
	}
	canvasHas := func(what string, want ...string) string {
		t.Helper()
		var md string
		eventually(t, ctx, "the canvas shows "+what, func() bool {
			md, _ = w.fake.ChannelCanvas(w.ch.ID)
			for _, s := range want {
				if !strings.Contains(md, s) {
					return false
				}
			}
			return true
		})
		return md
	}
	canvasHas("the risk", "## Remaining risks", "negative branch of the fixes, not trimmed: IF", risk,
		"**"+frtFix+"** against #14: proposed", "due "+dueDay.Format("2006-01-02"))

	// The next day fix A is overdue: bob gets one DM. After a restart dave
	// gives fix B today's date from his DM; the tick that tells him it is
	// due does not nudge bob again.
	clock.Set(time.Date(dueDay.Year(), dueDay.Month(), dueDay.Day()+1, 10, 0, 0, 0, time.UTC))
	eventually(t, ctx, "the overdue DM", func() bool { return len(dmsWith(w.bob, "is overdue by 1 day")) == 1 })
	w.app.stop()
	w.app = startApp(t, w.fake, w.app.dbPath, configure)
	told := dmsWith(dave, "made you the owner of a fix")[0]
	if _, err := dave.SelectInMessage(ctx, told, "Status: proposed", "Edit owner, date, links…"); err != nil {
		t.Fatal(err)
	}
	view, err = dave.WaitForViewWhere(ctx, func(v slacktest.View) bool { return v.Title == "Fix details" })
	if err != nil {
		t.Fatal(err)
	}
	if err := dave.Select(ctx, view, "Due date", clock.Now().Format("2006-01-02")); err != nil {
		t.Fatal(err)
	}
	submitFilled(t, ctx, dave, view, nil)
	eventually(t, ctx, "dave's due-day DM", func() bool { return len(dmsWith(dave, "is due today")) == 1 })
	if n := len(dmsWith(w.bob, "The fix you own")); n != 1 {
		t.Errorf("bob got %d fix reminders across the restart, want 1", n)
	}

	// Done and dropped: the dashboard, the canvas and the Future Reality Tree follow.
	frts := len(w.files("frt.png"))
	if _, err := w.bob.SelectInMessage(ctx, outcomeA, "Status: proposed", "Mark done"); err != nil {
		t.Fatal(err)
	}
	w.waitMessages(t, ctx, "set a fix to *done*", 1)
	eventually(t, ctx, "the dashboard shows fix A done", func() bool {
		return strings.Contains(w.dashboard().PlainText(), "1 of 2 fixes done; every symptom removed")
	})
	if f := w.waitFiles(t, ctx, "frt.png", frts+1)[frts]; !strings.Contains(f.Title, "(1 of 2 fixes done)") {
		t.Errorf("the Future Reality Tree after a fix is done is titled %q", f.Title)
	}
	if _, err := w.alice.SelectInMessage(ctx, outcomeB, "Status: proposed", "Drop it…"); err != nil {
		t.Fatal(err)
	}
	view, err = w.alice.WaitForViewWhere(ctx, func(v slacktest.View) bool { return v.Title == "Drop fix" })
	if err != nil {
		t.Fatal(err)
	}
	submitFilled(t, ctx, w.alice, view, map[string]string{"Reason": "Fix A removes every symptom"})
	eventually(t, ctx, "fix B's message shows it dropped", func() bool {
		m, _ := w.fake.Message(w.ch.ID, outcomeB.TS)
		return strings.Contains(string(m.Blocks), `"text":"Status: dropped"`)
	})
	eventually(t, ctx, "the dashboard shows fix B dropped", func() bool {
		return strings.Contains(w.dashboard().PlainText(), "1 of 1 fixes done (1 dropped)")
	})
	canvasHas("both fixes moved", "**"+frtFix+"** against #14: done", "**"+fixB+"**", "dropped because: Fix A removes every symptom")
	last := w.waitFiles(t, ctx, "frt.png", frts+2)[frts+1]
	if !strings.Contains(last.Title, "(1 of 1 fixes done)") {
		t.Errorf("the Future Reality Tree after the drop is titled %q", last.Title)
	}
	sum := w.summary(t, ctx)
	frt, err := sum.FutureTree()
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := frt.NodeByText(fixB); ok {
		t.Error("the dropped fix is still an injection of the Future Reality Tree")
	}
	if u := tree.Untrimmed(frt); len(u) == 0 {
		t.Error("the untrimmed branch is no longer drawn as a risk")
	}
	if n := len(dmsWith(w.bob, "The fix you own")); n != 1 {
		t.Errorf("bob got %d fix reminders in all, want 1", n)
	}
}
