package bot_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/untangle-rca/untangle/bot"
	"github.com/untangle-rca/untangle/bot/slacktest"
	"github.com/untangle-rca/untangle/storage"
	"github.com/untangle-rca/untangle/tree"
	"github.com/untangle-rca/untangle/tree/treetest"
	"github.com/untangle-rca/untangle/workflow"
)

// kpiCause is the core cause of the payment-outage example.
const kpiCause = "The organizational KPIs measure delivery speed and ignore engineering quality"

// renderWorld is an RCA started through the fake Slack, for the render, fix
// and finish tests. setup is a second workflow handle on the bot's own
// database: the tests use it only to build the tree they start from, never
// to act in place of a click.
type renderWorld struct {
	fake              *slacktest.Server
	app               *app
	alice, bob, carol slacktest.User
	ch                slacktest.Channel
	dash              slacktest.Message
	setup             *workflow.Service
	rcaID             int64
}

// newRenderWorld starts the bot and an RCA "Payment outage" led by alice
// with bob and carol.
func newRenderWorld(t *testing.T, ctx context.Context, configure ...func(*bot.Config)) *renderWorld {
	t.Helper()
	return newRenderWorldOn(t, ctx, nil, configure...)
}

// newRenderWorldOn is newRenderWorld on a fake Slack built with options.
func newRenderWorldOn(t *testing.T, ctx context.Context, fakeOpts []slacktest.Option, configure ...func(*bot.Config)) *renderWorld {
	t.Helper()
	fake := slacktest.New(t, fakeOpts...)
	w := &renderWorld{fake: fake, alice: fake.AddUser("alice"), bob: fake.AddUser("bob"), carol: fake.AddUser("carol")}
	general := fake.AddChannel("incidents", slacktest.ChannelOptions{Members: []slacktest.User{w.alice, w.bob, w.carol}, BotMember: true})
	dbPath := filepath.Join(t.TempDir(), "untangle.db")
	w.app = startApp(t, fake, dbPath, configure...)
	w.ch, w.dash = startRCA(t, ctx, fake, w.alice, general.ID, "Payment outage", w.bob, w.carol)
	db, err := storage.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	w.setup = workflow.New(db, nil)
	rca, err := w.setup.RCAForChannel(ctx, w.actor(w.alice), w.ch.ID)
	if err != nil {
		t.Fatal(err)
	}
	w.rcaID = rca.ID
	return w
}

func (w *renderWorld) actor(u slacktest.User) workflow.Actor { return workflow.Actor{UserID: u.ID} }

// pasteExample sets up the payment-outage tree (test set-up only).
func (w *renderWorld) pasteExample(t *testing.T, ctx context.Context) {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("testdata", "payment-outage.cst"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.setup.PasteStatements(ctx, w.actor(w.alice), w.rcaID, string(src)); err != nil {
		t.Fatalf("set up the example tree: %v", err)
	}
}

// advanceTo moves the RCA forward to phase as its facilitator (set-up only).
func (w *renderWorld) advanceTo(t *testing.T, ctx context.Context, phase workflow.Phase) {
	t.Helper()
	for {
		rca, err := w.setup.RCA(ctx, w.actor(w.alice), w.rcaID)
		if err != nil {
			t.Fatal(err)
		}
		if rca.Phase == phase {
			return
		}
		if _, err := w.setup.Advance(ctx, w.actor(w.alice), w.rcaID); err != nil {
			t.Fatalf("advance from %s: %v", rca.Phase, err)
		}
	}
}

// acceptAll has alice and bob say every link holds (set-up only).
func (w *renderWorld) acceptAll(t *testing.T, ctx context.Context) {
	t.Helper()
	tr, err := w.setup.Tree(ctx, w.actor(w.alice), w.rcaID)
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range tr.Groups() {
		for _, u := range []slacktest.User{w.alice, w.bob} {
			if _, err := w.setup.Review(ctx, w.actor(u), w.rcaID, g.ID, true); err != nil {
				t.Fatalf("review link %d: %v", g.ID, err)
			}
		}
	}
}

// files returns the completed uploads named name in the RCA channel.
func (w *renderWorld) files(name string) []slacktest.File {
	var out []slacktest.File
	for _, f := range w.fake.Files() {
		if f.Name == name && f.Channel == w.ch.ID {
			out = append(out, f)
		}
	}
	return out
}

// waitFiles waits until n files named name are in the RCA channel.
func (w *renderWorld) waitFiles(t *testing.T, ctx context.Context, name string, n int) []slacktest.File {
	t.Helper()
	eventually(t, ctx, "file "+name, func() bool { return len(w.files(name)) >= n })
	return w.files(name)
}

// messages returns the bot's messages in the RCA channel that contain text.
func (w *renderWorld) messages(text string) []slacktest.Message {
	var out []slacktest.Message
	for _, m := range w.fake.Messages(w.ch.ID) {
		if m.User == slacktest.BotUserID && strings.Contains(m.PlainText(), text) {
			out = append(out, m)
		}
	}
	return out
}

// waitMessages waits until n bot messages in the RCA channel contain text
// and returns the newest.
func (w *renderWorld) waitMessages(t *testing.T, ctx context.Context, text string, n int) slacktest.Message {
	t.Helper()
	eventually(t, ctx, "message with "+text, func() bool { return len(w.messages(text)) >= n })
	ms := w.messages(text)
	return ms[len(ms)-1]
}

// dashboard returns the pinned dashboard as it is now.
func (w *renderWorld) dashboard() slacktest.Message {
	m, _ := w.fake.Message(w.ch.ID, w.dash.TS)
	return m
}

// waitEphemeral waits for an ephemeral message to u containing text.
func waitEphemeral(t *testing.T, ctx context.Context, u slacktest.User, text string) slacktest.Message {
	t.Helper()
	m, err := u.WaitForEphemeral(ctx, func(m slacktest.Message) bool { return strings.Contains(m.PlainText(), text) })
	if err != nil {
		t.Fatalf("%s never saw %q: %v; ephemerals: %v", u.Name, text, err, plainTexts(u.Ephemerals()))
	}
	return m
}

func plainTexts(ms []slacktest.Message) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.PlainText()
	}
	return out
}

const coreHeader = "Where the arrows converge"

func TestRenderPostsPictureAndCoreCauses(t *testing.T) {
	ctx := testCtx(t)
	w := newRenderWorld(t, ctx)
	w.pasteExample(t, ctx)
	w.advanceTo(t, ctx, workflow.PhaseWiring)

	ack, err := w.bob.SlashCommand(ctx, w.ch.ID, "/rca", "render")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(ack.Text(), "Drawing the tree") {
		t.Errorf("/rca render ack: %q", ack.Text())
	}
	png := w.waitFiles(t, ctx, "cst.png", 1)[0]
	if !bytes.HasPrefix(png.Bytes, []byte("\x89PNG\r\n\x1a\n")) {
		t.Errorf("cst.png is not a PNG: % x", png.Bytes[:min(8, len(png.Bytes))])
	}
	for _, want := range []string{"Core cause", kpiCause, "explains 3/3"} {
		if !strings.Contains(png.AltText, want) {
			t.Errorf("alt text lacks %q: %q", want, png.AltText)
		}
	}
	msg := w.waitMessages(t, ctx, coreHeader, 1)
	text := msg.PlainText()
	for _, want := range []string{
		kpiCause, "explains 3/3 (100% of impact) · fixing it alone removes 3/3",
		"Other root causes", "Production data is too sensitive to copy into staging",
		"Smallest fix set", "Unexplained symptoms:* none", "13 links still unreviewed",
		"Plan fixes",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("core-cause message lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "Propose fix") {
		t.Errorf("fixes offered before the fixing phase:\n%s", text)
	}
	eventually(t, ctx, "dashboard refreshed", func() bool {
		return strings.Contains(w.dashboard().PlainText(), "15 nodes")
	})

	outsider := w.fake.AddUser("mallory")
	other := w.fake.AddChannel("random", slacktest.ChannelOptions{Members: []slacktest.User{outsider}, BotMember: true})
	ack, err = outsider.SlashCommand(ctx, other.ID, "/rca", "render")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(ack.Text(), "this channel has no RCA") {
		t.Errorf("/rca render outside an RCA channel: %q", ack.Text())
	}
}

func TestRenderSharesOneUploadAndCachesVersions(t *testing.T) {
	ctx := testCtx(t)
	w := newRenderWorld(t, ctx)
	w.pasteExample(t, ctx)
	w.advanceTo(t, ctx, workflow.PhaseWiring)
	if _, err := w.alice.SlashCommand(ctx, w.ch.ID, "/rca", "render"); err != nil {
		t.Fatal(err)
	}
	w.waitFiles(t, ctx, "cst.png", 1)
	w.waitMessages(t, ctx, coreHeader, 1)
	const renderButton = ":frame_with_picture: Render tree"
	eventually(t, ctx, "Render tree on the dashboard", func() bool { return strings.Contains(w.dashboard().PlainText(), "Render tree") })

	// A new version of the tree, then two clicks at once: one render, one upload.
	if _, err := w.setup.PasteStatements(ctx, w.actor(w.carol), w.rcaID, "IF [Query plans are not reviewed] THEN [A slow SQL query exhausts the database connection pool]"); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for _, u := range []slacktest.User{w.alice, w.bob} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := u.ClickButton(ctx, w.dashboard(), renderButton); err != nil {
				t.Errorf("%s clicks Render tree: %v", u.Name, err)
			}
		}()
	}
	wg.Wait()
	w.waitMessages(t, ctx, coreHeader, 2)
	eventually(t, ctx, "the second click told where to look", func() bool {
		for _, u := range []slacktest.User{w.alice, w.bob} {
			for _, m := range u.Ephemerals() {
				if strings.Contains(m.Text, "has not changed since it was drawn") {
					return true
				}
			}
		}
		return false
	})
	if got := len(w.files("cst.png")); got != 2 {
		t.Fatalf("two clicks at once made %d uploads in all, want 2 (one per version)", got)
	}
	if got := len(w.messages(coreHeader)); got != 2 {
		t.Fatalf("%d core-cause messages, want 2", got)
	}

	// The same version again: no upload, the presser is told privately
	// where the picture is.
	if _, err := w.carol.ClickButton(ctx, w.dashboard(), renderButton); err != nil {
		t.Fatal(err)
	}
	pointer := waitEphemeral(t, ctx, w.carol, "has not changed since it was drawn")
	if !strings.Contains(pointer.Text, "|see its picture and core causes>") {
		t.Errorf("the answer has no link to the picture: %q", pointer.Text)
	}
	if got, msgs := len(w.files("cst.png")), len(w.messages(coreHeader)); got != 2 || msgs != 2 {
		t.Errorf("an unchanged tree made %d uploads and %d core-cause messages, want 2 and 2", got, msgs)
	}

	// Back to the first version (undo): its picture comes from the cache.
	if _, err := w.setup.Undo(ctx, w.actor(w.carol), w.rcaID); err != nil {
		t.Fatal(err)
	}
	if _, err := w.carol.ClickButton(ctx, w.dashboard(), renderButton); err != nil {
		t.Fatal(err)
	}
	files := w.waitFiles(t, ctx, "cst.png", 3)
	w.waitMessages(t, ctx, coreHeader, 3)
	if !bytes.Equal(files[0].Bytes, files[2].Bytes) {
		t.Error("a render of the first version again uploaded different bytes")
	}
	if bytes.Equal(files[0].Bytes, files[1].Bytes) {
		t.Error("a new version uploaded the old picture")
	}
	if !strings.Contains(w.app.logs.String(), "render cache hit") {
		t.Error("the same version was rendered again instead of coming from the cache")
	}
}

// TestRenderSharesASplitTreeInOneMessage checks that a tree too big for one
// readable picture arrives as its parts in one message, shared with one
// files.completeUploadExternal call.
func TestRenderSharesASplitTreeInOneMessage(t *testing.T) {
	ctx := testCtx(t)
	w := newRenderWorld(t, ctx)
	big := treetest.Generate(1, 300)
	if _, err := w.setup.PasteStatements(ctx, w.actor(w.alice), w.rcaID, string(tree.Format(big))); err != nil {
		t.Fatal(err)
	}
	w.advanceTo(t, ctx, workflow.PhaseWiring)
	if _, err := w.alice.SlashCommand(ctx, w.ch.ID, "/rca", "render"); err != nil {
		t.Fatal(err)
	}
	w.waitMessages(t, ctx, coreHeader, 1)
	var parts []string
	for _, f := range w.fake.Files() {
		if f.Channel == w.ch.ID && strings.HasPrefix(f.Name, "cst-") {
			parts = append(parts, f.ID)
		}
	}
	if len(parts) < 2 {
		t.Fatalf("%d parts of the split tree were shared, want at least 2", len(parts))
	}
	var shared []slacktest.Message
	for _, m := range w.fake.Messages(w.ch.ID) {
		if len(m.Files) > 0 {
			shared = append(shared, m)
		}
	}
	if len(shared) != 1 || !slices.Equal(shared[0].Files, parts) {
		t.Errorf("the %d parts came in %d messages, want one holding them all in order", len(parts), len(shared))
	}
	if n := len(w.fake.CallsTo("files.completeUploadExternal")); n != 1 {
		t.Errorf("%d files.completeUploadExternal calls, want 1", n)
	}
}
