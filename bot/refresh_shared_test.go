package bot_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/untangle-rca/untangle/bot"
	"github.com/untangle-rca/untangle/bot/slacktest"
	"github.com/untangle-rca/untangle/storage"
	"github.com/untangle-rca/untangle/workflow"
)

// shareKept makes a replica take turns with the others at the redraws.
func shareKept(cfg *bot.Config) { cfg.Kept = cfg.Refs.(bot.KeptStore) }

// Two replicas on one database, each envelope handed to one of them at
// random: the kept messages end on the last state, the outline is posted
// once, and no update repeats what a message already showed, whichever
// replica drew it.
func TestRefreshReplicasTakeTurns(t *testing.T) {
	fake := slacktest.New(t, slacktest.WithSpread(11))
	people := []slacktest.User{fake.AddUser("alice"), fake.AddUser("bob"), fake.AddUser("carol"), fake.AddUser("dave")}
	general := fake.AddChannel("incidents", slacktest.ChannelOptions{Members: people, BotMember: true})
	dbPath := filepath.Join(t.TempDir(), "untangle.db")
	startApp(t, fake, dbPath, shareKept)
	startApp(t, fake, dbPath, shareKept)
	ctx := testCtx(t)
	ch, dash := startRCA(t, ctx, fake, people[0], general.ID, "Replicas", people[1:]...)

	const each = 3
	var wg sync.WaitGroup
	for i, u := range people {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range each {
				symptomAdd(t, ctx, u, dash, fmt.Sprintf("Shard %d returns errors to region %d", i, j), "")
			}
		}()
	}
	wg.Wait()
	if per := fake.EnvelopesPerConnection(); len(per) != 2 || per[0] == 0 || per[1] == 0 {
		t.Fatalf("envelopes per connection = %v; want both replicas to get some", per)
	}
	want := fmt.Sprintf("%d symptoms", len(people)*each)
	eventually(t, ctx, "the dashboard counts every symptom", func() bool {
		m, _ := fake.Message(ch.ID, dash.TS)
		return strings.Contains(m.PlainText(), want)
	})
	symptomOutline(t, ctx, fake, ch.ID, func(s string) bool { return strings.Contains(s, "#12") })
	outlines := 0
	for _, m := range fake.Messages(ch.ID) {
		if strings.HasPrefix(m.Text, "Outline:") {
			outlines++
		}
	}
	if outlines != 1 {
		t.Errorf("%d outline messages, want 1", outlines)
	}
	last := map[string]string{}
	for _, c := range fake.CallsTo("chat.update") {
		if c.Error != "" {
			t.Errorf("chat.update failed: %s", c.Error)
			continue
		}
		if last[c.Params["ts"]] == c.Params["blocks"] {
			t.Errorf("an update of %s repeats what it already showed", c.Params["ts"])
		}
		last[c.Params["ts"]] = c.Params["blocks"]
	}
}

// A change whose redraw no replica did (its replica died after the commit)
// is found by the sweep of a live replica and drawn.
func TestRefreshSweepDrawsWhatADeadReplicaLeft(t *testing.T) {
	fake := slacktest.New(t)
	alice := fake.AddUser("alice")
	general := fake.AddChannel("incidents", slacktest.ChannelOptions{Members: []slacktest.User{alice}, BotMember: true})
	dbPath := filepath.Join(t.TempDir(), "untangle.db")
	startApp(t, fake, dbPath, shareKept)
	ctx := testCtx(t)
	ch, dash := startRCA(t, ctx, fake, alice, general.ID, "Sweep")

	// The dead replica: it committed a symptom, recorded the change and
	// took the redraw lease, then died.
	db, err := storage.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	svc := workflow.New(db, nil)
	rca, err := svc.RCAForChannel(ctx, workflow.Actor{UserID: alice.ID}, ch.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.AddSymptom(context.Background(), workflow.Actor{UserID: alice.ID}, rca.ID,
		workflow.SymptomInput{Text: "Checkout fails for every card payment", Weight: 2}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.BumpKept(ctx, rca.ID, alice.ID); err != nil {
		t.Fatal(err)
	}
	if ok, err := db.AcquireLease(ctx, fmt.Sprintf("kept:%d", rca.ID), "dead-replica", 3*time.Second); err != nil || !ok {
		t.Fatalf("take the redraw lease as the dead replica: %v, %v", ok, err)
	}
	eventually(t, ctx, "the live replica draws the symptom once the lease expired", func() bool {
		m, _ := fake.Message(ch.ID, dash.TS)
		return strings.Contains(m.PlainText(), "1 symptom")
	})
	eventually(t, ctx, "the run to record its version drawn", func() bool {
		v, drawn, err := db.KeptVersion(ctx, rca.ID)
		return err == nil && drawn == v
	})
}

// Two replicas starting together on a database with an RCA whose channel
// set-up was interrupted: one of them finishes it, with one channel and
// one dashboard.
func TestReplicasResumeASetUpOnce(t *testing.T) {
	fake := slacktest.New(t, slacktest.WithSpread(5))
	alice := fake.AddUser("alice")
	dbPath := filepath.Join(t.TempDir(), "untangle.db")
	ctx := testCtx(t)
	db, err := storage.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := workflow.New(db, nil).Start(ctx, workflow.Actor{UserID: alice.ID}, workflow.StartInput{Title: "Interrupted"}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	count := func() (channels, dashboards int) {
		for _, c := range fake.Channels() {
			if strings.HasPrefix(c.Name, "rca-") {
				channels++
				for _, m := range fake.Messages(c.ID) {
					if strings.Contains(m.PlainText(), "RCA: Interrupted") {
						dashboards++
					}
				}
			}
		}
		return channels, dashboards
	}
	a := startApp(t, fake, dbPath, shareKept)
	b := startApp(t, fake, dbPath, shareKept)
	eventually(t, ctx, "the interrupted set-up finished", func() bool { _, d := count(); return d > 0 })
	a.stop() // each waits for its start-up work
	b.stop()
	if channels, dashboards := count(); channels != 1 || dashboards != 1 {
		t.Fatalf("%d RCA channels and %d dashboards, want one each", channels, dashboards)
	}
}

// A change on a replica while another holds the RCA's redraw lease is left
// to the holder: this replica draws nothing, and once the holder is gone
// (here: releases the lease without drawing) the sweep draws it.
func TestRefreshLeavesTheRedrawToTheHolder(t *testing.T) {
	fake := slacktest.New(t)
	alice := fake.AddUser("alice")
	general := fake.AddChannel("incidents", slacktest.ChannelOptions{Members: []slacktest.User{alice}, BotMember: true})
	dbPath := filepath.Join(t.TempDir(), "untangle.db")
	a := startApp(t, fake, dbPath, shareKept)
	ctx := testCtx(t)
	ch, dash := startRCA(t, ctx, fake, alice, general.ID, "Holder")
	db, err := storage.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rca, err := workflow.New(db, nil).RCAForChannel(ctx, workflow.Actor{UserID: alice.ID}, ch.ID)
	if err != nil {
		t.Fatal(err)
	}
	lease := fmt.Sprintf("kept:%d", rca.ID)
	if ok, err := db.AcquireLease(ctx, lease, "other-replica", time.Hour); err != nil || !ok {
		t.Fatalf("take the redraw lease as another replica: %v, %v", ok, err)
	}
	const left = "another replica holds the redraw lease"
	before := strings.Count(a.logs.String(), left)
	symptomAdd(t, ctx, alice, dash, "Checkout fails for every card payment", "")
	eventually(t, ctx, "the replica to leave the redraw to the holder", func() bool {
		return strings.Count(a.logs.String(), left) > before
	})
	if m, _ := fake.Message(ch.ID, dash.TS); strings.Contains(m.PlainText(), "1 symptom") {
		t.Fatalf("the dashboard was redrawn while another replica held the lease:\n%s", m.PlainText())
	}
	if err := db.ReleaseLease(ctx, lease, "other-replica"); err != nil {
		t.Fatal(err)
	}
	eventually(t, ctx, "the sweep to draw the symptom", func() bool {
		m, _ := fake.Message(ch.ID, dash.TS)
		return strings.Contains(m.PlainText(), "1 symptom")
	})
}

// An interrupted channel set-up whose lease a dead replica still holds is
// finished by a replica that starts meanwhile, once that lease expired.
func TestReplicasResumeASetUpADeadReplicaHeld(t *testing.T) {
	fake := slacktest.New(t)
	alice := fake.AddUser("alice")
	dbPath := filepath.Join(t.TempDir(), "untangle.db")
	ctx := testCtx(t)
	db, err := storage.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rca, err := workflow.New(db, nil).Start(ctx, workflow.Actor{UserID: alice.ID}, workflow.StartInput{Title: "Held"})
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := db.AcquireLease(ctx, fmt.Sprintf("setup:%d", rca.ID), "dead-replica", 2*time.Second); err != nil || !ok {
		t.Fatalf("take the set-up lease as the dead replica: %v, %v", ok, err)
	}
	startApp(t, fake, dbPath, shareKept)
	if _, err := waitForMessage(ctx, fake, func(m slacktest.Message) bool { return strings.Contains(m.PlainText(), "RCA: Held") }); err != nil {
		t.Fatalf("the set-up was not resumed: %v", err)
	}
}
