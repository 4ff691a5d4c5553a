package bot_test

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/untangle-rca/untangle/bot/slacktest"
	"github.com/untangle-rca/untangle/tree"
	"github.com/untangle-rca/untangle/tree/treetest"
	"github.com/untangle-rca/untangle/workflow"
)

// TestRenderLatency measures, through the fake Slack, the time from a
// "Render tree" click to the picture being complete in the fake and to the
// core-cause message (median of 10, each on a new tree version), and the ack
// latency of "Render tree" clicks while renders run (p99 of 40). It takes
// about a minute, so it runs only with UNTANGLE_RENDER_LATENCY=1:
//
//	UNTANGLE_RENDER_LATENCY=1 go test -run TestRenderLatency -v ./bot/
func TestRenderLatency(t *testing.T) {
	if os.Getenv("UNTANGLE_RENDER_LATENCY") == "" {
		t.Skip("set UNTANGLE_RENDER_LATENCY=1 to measure render latency")
	}
	tests := []struct {
		name  string
		nodes int
	}{
		{name: "30 nodes", nodes: 30},
		{name: "150 nodes", nodes: 150},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { measureRender(t, tt.nodes) })
	}
}

func measureRender(t *testing.T, nodes int) {
	ctx := testCtx(t)
	w := newRenderWorld(t, ctx)
	gen := treetest.Generate(1, nodes)
	if _, err := w.setup.PasteStatements(ctx, w.actor(w.alice), w.rcaID, string(tree.Format(gen))); err != nil {
		t.Fatalf("paste %d nodes: %v", nodes, err)
	}
	w.advanceTo(t, ctx, workflow.PhaseWiring)
	if _, err := w.alice.SlashCommand(ctx, w.ch.ID, "/rca", "render"); err != nil {
		t.Fatal(err)
	}
	w.waitMessages(t, ctx, coreHeader, 1)
	const renderButton = ":frame_with_picture: Render tree"
	eventually(t, ctx, "Render tree on the dashboard", func() bool { return strings.Contains(w.dashboard().PlainText(), "Render tree") })

	var toFile, toMessage []time.Duration
	perRender := 0
	for i := range 10 {
		w.newVersion(t, ctx, i)
		files, msgs := len(w.fake.Files()), len(w.messages(coreHeader))
		start := time.Now()
		if _, err := w.bob.ClickButton(ctx, w.dashboard(), renderButton); err != nil {
			t.Fatal(err)
		}
		eventually(t, ctx, "picture", func() bool { return len(w.fake.Files()) > files })
		toFile = append(toFile, time.Since(start))
		eventually(t, ctx, "core causes", func() bool { return len(w.messages(coreHeader)) > msgs })
		toMessage = append(toMessage, time.Since(start))
		perRender = len(w.fake.Files()) - files
	}
	t.Logf("%d nodes: click → first file complete: median %v; click → core-cause message: median %v; images per render: %d",
		nodes, median(toFile), median(toMessage), perRender)

	// Clicks while renders run: each click is a new version, so every one renders.
	var acks []time.Duration
	for i := range 40 {
		w.newVersion(t, ctx, 100+i)
		u := []slacktest.User{w.alice, w.bob, w.carol}[i%3]
		start := time.Now()
		if _, err := u.ClickButton(ctx, w.dashboard(), renderButton); err != nil {
			t.Fatal(err)
		}
		acks = append(acks, time.Since(start))
		time.Sleep(30 * time.Millisecond)
	}
	w.waitQuiet(t, ctx)
	slices.Sort(acks)
	t.Logf("%d nodes: ack of Render tree while renders run: median %v, p99 %v (n=%d)", nodes, median(acks), acks[len(acks)*99/100], len(acks))
}

// newVersion rewords a node so the next render is of a new tree version (set-up only).
func (w *renderWorld) newVersion(t *testing.T, ctx context.Context, i int) {
	t.Helper()
	text := fmt.Sprintf("Version marker %d", i)
	if i == 0 {
		if _, err := w.setup.AddSymptom(ctx, w.actor(w.carol), w.rcaID, workflow.SymptomInput{Text: text}); err != nil {
			t.Fatal(err)
		}
		return
	}
	tr, err := w.setup.Tree(ctx, w.actor(w.carol), w.rcaID)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range tr.Nodes() {
		if strings.HasPrefix(n.Text, "Version marker") {
			if _, err := w.setup.Edit(ctx, w.actor(w.carol), w.rcaID, workflow.EditInput{Node: n.ID, Text: &text}); err != nil {
				t.Fatal(err)
			}
			return
		}
	}
	t.Fatal("no version marker node")
}

// waitQuiet waits until no core-cause message has been posted for two seconds.
func (w *renderWorld) waitQuiet(t *testing.T, ctx context.Context) {
	t.Helper()
	n, since := len(w.messages(coreHeader)), time.Now()
	eventually(t, ctx, "renders to finish", func() bool {
		if m := len(w.messages(coreHeader)); m != n {
			n, since = m, time.Now()
		}
		return time.Since(since) > 2*time.Second
	})
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}
