package bot_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/untangle-rca/untangle/bot/slacktest"
	"github.com/untangle-rca/untangle/tree"
	"github.com/untangle-rca/untangle/workflow"
)

func TestFinishPostsSummaryFilesAndClosesTheRCA(t *testing.T) {
	ctx := testCtx(t)
	w := newRenderWorld(t, ctx)
	w.pasteExample(t, ctx)
	w.advanceTo(t, ctx, workflow.PhaseChallenging)
	w.acceptAll(t, ctx)
	w.advanceTo(t, ctx, workflow.PhaseFixing)
	tr, err := w.setup.Tree(ctx, w.actor(w.alice), w.rcaID)
	if err != nil {
		t.Fatal(err)
	}
	kpi, ok := tr.NodeByText(kpiCause)
	if !ok {
		t.Fatal("the example has no KPI node")
	}
	if _, err := w.setup.ProposeFix(ctx, w.actor(w.bob), w.rcaID, workflow.FixInput{Node: kpi.ID, Injection: "Quality KPIs weigh as much as delivery speed", Owner: w.carol.ID}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.alice.SlashCommand(ctx, w.ch.ID, "/rca", "render"); err != nil {
		t.Fatal(err)
	}
	const finishButton = ":checkered_flag: Finish RCA"
	eventually(t, ctx, "Finish RCA on the dashboard", func() bool { return strings.Contains(w.dashboard().PlainText(), "Finish RCA") })

	// Only the facilitator may finish: the button and the command say so kindly.
	if _, err := w.bob.ClickButton(ctx, w.dashboard(), finishButton); err != nil {
		t.Fatal(err)
	}
	waitEphemeral(t, ctx, w.bob, ", the facilitator of *")
	ack, err := w.bob.SlashCommand(ctx, w.ch.ID, "/rca", "finish")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(ack.Text(), ", the facilitator of *") {
		t.Errorf("/rca finish by a participant: %q", ack.Text())
	}

	// The dashboard's button carries Slack's confirmation dialog, the one
	// confirmation finishing needs; then the RCA closes.
	if !strings.Contains(string(w.dashboard().Blocks), `"confirm"`) {
		t.Errorf("the finish button has no confirmation dialog: %s", w.dashboard().Blocks)
	}
	if _, err := w.alice.ClickButton(ctx, w.dashboard(), finishButton); err != nil {
		t.Fatal(err)
	}
	summary := w.waitMessages(t, ctx, "RCA closed", 1).PlainText()
	for _, want := range []string{
		"Payment outage", "*Symptoms*", "The core payment routing service was down for 45 minutes",
		kpiCause + " — explains 3/3 (100% of impact) · fixing it alone removes 3/3",
		"IF ", "THEN ", "Quality KPIs weigh as much as delivery speed", "Owner: <@" + w.carol.ID + ">",
		"Together they remove 3/3 symptoms", "*Open items:* none",
	} {
		if !strings.Contains(summary, want) {
			t.Errorf("summary lacks %q:\n%s", want, summary)
		}
	}
	w.waitFiles(t, ctx, "frt.png", 1)
	// The report is the channel canvas, not a Markdown file.
	var report string
	eventually(t, ctx, "the report canvas", func() bool { report, _ = w.fake.ChannelCanvas(w.ch.ID); return report != "" })
	// The tree did not change since /rca render posted its picture: the
	// summary refers to it instead of uploading it again.
	if n := len(w.waitFiles(t, ctx, "cst.png", 1)); n != 1 {
		t.Errorf("the unchanged tree picture was uploaded %d times", n)
	}
	for _, want := range []string{"## Fixes", "Quality KPIs weigh as much as delivery speed", "proposed", "owner: carol", "## Remaining risks", "## Summary", "rca-tree.json"} {
		if !strings.Contains(report, want) {
			t.Errorf("report canvas lacks %q:\n%s", want, report)
		}
	}
	if n := len(w.files("rca-report.md")); n != 0 {
		t.Errorf("the Markdown report was posted %d times beside the canvas", n)
	}
	export := w.waitFiles(t, ctx, "rca-tree.json", 1)[0]
	back := tree.New("")
	if err := json.Unmarshal(export.Bytes, back); err != nil || back.NumNodes() != tr.NumNodes() {
		t.Errorf("the JSON export does not read back (%v): %d nodes, want %d", err, back.NumNodes(), tr.NumNodes())
	}
	eventually(t, ctx, "topic says closed", func() bool {
		c, _ := w.fake.Channel(w.ch.ID)
		return strings.Contains(c.Topic, "closed")
	})

	// Read-only: a stale button answers kindly.
	core := w.waitMessages(t, ctx, "Propose fix", 1)
	if _, err := w.bob.ClickButton(ctx, core, "Propose fix"); err != nil {
		t.Fatal(err)
	}
	waitEphemeral(t, ctx, w.bob, "This RCA is closed. The facilitator can reopen it.")

	// Reopening is the facilitator's.
	ack, _ = w.bob.SlashCommand(ctx, w.ch.ID, "/rca", "reopen")
	if !strings.Contains(ack.Text(), ", the facilitator of *") {
		t.Errorf("/rca reopen by a participant: %q", ack.Text())
	}
	ack, _ = w.alice.SlashCommand(ctx, w.ch.ID, "/rca", "reopen")
	if !strings.Contains(ack.Text(), "Reopened") {
		t.Errorf("/rca reopen: %q", ack.Text())
	}
	eventually(t, ctx, "topic back in planning fixes", func() bool {
		c, _ := w.fake.Channel(w.ch.ID)
		return strings.Contains(c.Topic, "planning fixes")
	})
}

// TestCanvasFollowsFixes finishes an RCA with a fix proposed through the
// bot, then the fix's owner marks it done: the channel canvas shows it.
func TestCanvasFollowsFixes(t *testing.T) {
	ctx := testCtx(t)
	w := newRenderWorld(t, ctx)
	w.toPlanFixes(t, ctx)
	if _, err := w.alice.ClickButton(ctx, w.dashboard(), planFixesButton); err != nil {
		t.Fatal(err)
	}
	core := w.waitMessages(t, ctx, "Propose fix", 1)
	const injection = "Engineering quality KPIs are reviewed next to delivery speed"
	outcome := proposeFixVia(t, ctx, w, w.carol, core, injection, "bob")
	eventually(t, ctx, "Finish RCA on the dashboard", func() bool { return strings.Contains(w.dashboard().PlainText(), "Finish RCA") })
	if _, err := w.alice.ClickButton(ctx, w.dashboard(), ":checkered_flag: Finish RCA"); err != nil {
		t.Fatal(err)
	}
	w.waitMessages(t, ctx, "RCA closed", 1)
	canvas := func() string { md, _ := w.fake.ChannelCanvas(w.ch.ID); return md }
	eventually(t, ctx, "the canvas with the proposed fix", func() bool {
		return strings.Contains(canvas(), injection+"** against") && strings.Contains(canvas(), ": proposed; removes 3/3; owner: bob")
	})
	if !strings.Contains(canvas(), "- Fixes done: 0/1") {
		t.Errorf("canvas before the fix is done:\n%s", canvas())
	}

	if _, err := w.bob.SelectInMessage(ctx, outcome, "Status: proposed", "Mark done"); err != nil {
		t.Fatal(err)
	}
	eventually(t, ctx, "the canvas shows the fix done", func() bool {
		return strings.Contains(canvas(), ": done; removes 3/3; owner: bob") && strings.Contains(canvas(), "- Fixes done: 1/1; symptoms removed by them: 3/3")
	})
	if strings.Contains(canvas(), "still there") {
		t.Errorf("every symptom is removed, yet the canvas keeps one:\n%s", canvas())
	}
	if n := len(w.messages("instead of the channel canvas")); n != 0 {
		t.Errorf("%d explanations of a missing canvas, though it works", n)
	}
}

// fixProposed sets up the example tree, accepted, planning fixes with one
// fix proposed against the core cause, and renders it, which redraws the
// dashboard (test set-up only).
func (w *renderWorld) fixProposed(t *testing.T, ctx context.Context) {
	t.Helper()
	w.pasteExample(t, ctx)
	w.advanceTo(t, ctx, workflow.PhaseChallenging)
	w.acceptAll(t, ctx)
	w.advanceTo(t, ctx, workflow.PhaseFixing)
	tr, err := w.setup.Tree(ctx, w.actor(w.alice), w.rcaID)
	if err != nil {
		t.Fatal(err)
	}
	kpi, _ := tr.NodeByText(kpiCause)
	if _, err := w.setup.ProposeFix(ctx, w.actor(w.bob), w.rcaID, workflow.FixInput{Node: kpi.ID, Injection: "Quality KPIs weigh as much as delivery speed", Owner: w.carol.ID}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.alice.SlashCommand(ctx, w.ch.ID, "/rca", "render"); err != nil {
		t.Fatal(err)
	}
}

// TestReportFileWhereNoCanvas finishes an RCA twice on a free plan: the
// report is a Markdown file each time and the channel is told why once.
func TestReportFileWhereNoCanvas(t *testing.T) {
	ctx := testCtx(t)
	w := newRenderWorldOn(t, ctx, []slacktest.Option{slacktest.WithFreePlan()})
	w.fixProposed(t, ctx)
	for round := 1; round <= 2; round++ {
		if round == 2 {
			if ack, _ := w.alice.SlashCommand(ctx, w.ch.ID, "/rca", "reopen"); !strings.Contains(ack.Text(), "Reopened") {
				t.Fatalf("/rca reopen: %q", ack.Text())
			}
		}
		eventually(t, ctx, "Finish RCA on the dashboard", func() bool { return strings.Contains(w.dashboard().PlainText(), "Finish RCA") })
		if _, err := w.alice.ClickButton(ctx, w.dashboard(), ":checkered_flag: Finish RCA"); err != nil {
			t.Fatal(err)
		}
		report := w.waitFiles(t, ctx, "rca-report.md", round)[round-1]
		if !bytes.Contains(report.Bytes, []byte("Quality KPIs weigh as much as delivery speed")) {
			t.Errorf("round %d: the report file lacks the fix:\n%s", round, report.Bytes)
		}
		w.waitFiles(t, ctx, "rca-tree.json", round)
	}
	why := w.waitMessages(t, ctx, "instead of the channel canvas", 1)
	if !strings.Contains(why.Text, "Slack plan has no channel canvases") {
		t.Errorf("explanation: %q", why.Text)
	}
	if n := len(w.messages("instead of the channel canvas")); n != 1 {
		t.Errorf("the missing canvas was explained %d times, want once", n)
	}
	if _, ok := w.fake.ChannelCanvas(w.ch.ID); ok {
		t.Error("a canvas was made on a free plan")
	}
}

// TestCanvasWaitsOutACreationRateLimit finishes an RCA while Slack answers
// the canvas's creation with a 429 whose Retry-After is longer than the
// transport waits: the report is not given up for a file; the refresher
// creates the canvas on a later run (it holds a canvas back for a 429's
// Retry-After, as TestFixesToDoneEndToEnd shows for its edits).
func TestCanvasWaitsOutACreationRateLimit(t *testing.T) {
	ctx := testCtx(t)
	w := newRenderWorld(t, ctx)
	// One second more than the 20 s the bot's Web API transport waits.
	w.fake.InjectRateLimit("conversations.canvases.create", 1, 21)
	w.fixProposed(t, ctx)
	eventually(t, ctx, "Finish RCA on the dashboard", func() bool { return strings.Contains(w.dashboard().PlainText(), "Finish RCA") })
	if _, err := w.alice.ClickButton(ctx, w.dashboard(), ":checkered_flag: Finish RCA"); err != nil {
		t.Fatal(err)
	}
	w.waitMessages(t, ctx, "RCA closed", 1)
	eventually(t, ctx, "the canvas, after the rate limit", func() bool {
		md, _ := w.fake.ChannelCanvas(w.ch.ID)
		return strings.Contains(md, kpiCause)
	})
	if n := len(w.messages("instead of the channel canvas")); n != 0 {
		t.Errorf("%d explanations of a missing canvas, though it only waited", n)
	}
	if files := w.files("rca-report.md"); len(files) != 0 {
		t.Errorf("the report was also posted as a file")
	}
	if calls := w.fake.CallsTo("conversations.canvases.create"); len(calls) != 2 || calls[0].Error != "ratelimited" {
		t.Errorf("the bot's first creation of the canvas was not rate limited (%+v); the test tests nothing", calls)
	}
}
