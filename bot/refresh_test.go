package bot_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/untangle-rca/untangle/bot/slacktest"
)

// A burst of symptoms from several people is drawn as one state: the
// dashboard ends on the last count, the outline is posted once, fewer
// updates are sent than changes were made, and no update repeats what the
// message already showed.
func TestRefreshBurstDrawsTheLastStateOnce(t *testing.T) {
	fake := slacktest.New(t)
	people := []slacktest.User{fake.AddUser("alice"), fake.AddUser("bob"), fake.AddUser("carol"), fake.AddUser("dave")}
	general := fake.AddChannel("incidents", slacktest.ChannelOptions{Members: people, BotMember: true})
	startApp(t, fake, "")
	ctx := testCtx(t)
	ch, dash := startRCA(t, ctx, fake, people[0], general.ID, "Burst", people[1:]...)

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
	updates := 0
	for _, c := range fake.CallsTo("chat.update") {
		if c.Error != "" {
			t.Errorf("chat.update failed: %s", c.Error)
			continue
		}
		key := c.Params["ts"]
		if key == dash.TS {
			updates++
		}
		if last[key] == c.Params["blocks"] {
			t.Errorf("an update of %s repeats what it already showed", key)
		}
		last[key] = c.Params["blocks"]
	}
	if updates >= len(people)*each {
		t.Errorf("%d dashboard updates for %d symptoms: the burst was not gathered", updates, len(people)*each)
	}
	if n := len(people[0].Ephemerals()); n != 0 {
		t.Errorf("%d private confirmations for symptoms the dashboard shows", n)
	}
}

// Stopping the bot (SIGTERM) right after a change draws the pending redraw
// once, within the shutdown budget.
func TestRefreshFlushedOnShutdown(t *testing.T) {
	fake := slacktest.New(t)
	alice := fake.AddUser("alice")
	general := fake.AddChannel("incidents", slacktest.ChannelOptions{Members: []slacktest.User{alice}, BotMember: true})
	a := startApp(t, fake, "")
	ctx := testCtx(t)
	ch, dash := startRCA(t, ctx, fake, alice, general.ID, "Flush")
	symptomAdd(t, ctx, alice, dash, "Checkout returns HTTP 502 for 8% of requests", "")
	start := time.Now()
	a.stop()
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("the bot took %v to stop", d)
	}
	if m, _ := fake.Message(ch.ID, dash.TS); !strings.Contains(m.PlainText(), "1 symptom") {
		t.Errorf("the pending redraw was lost at shutdown:\n%s", m.PlainText())
	}
}

// A 429 on one kept message holds back only that message: the others are
// redrawn meanwhile, and it follows once Slack's Retry-After has passed.
func TestRefreshRateLimitDelaysOnlyItsMessage(t *testing.T) {
	fake := slacktest.New(t)
	alice := fake.AddUser("alice")
	general := fake.AddChannel("incidents", slacktest.ChannelOptions{Members: []slacktest.User{alice}, BotMember: true})
	startApp(t, fake, "")
	ctx := testCtx(t)
	ch, dash := startRCA(t, ctx, fake, alice, general.ID, "Slow down")
	symptomAdd(t, ctx, alice, dash, "Checkout returns HTTP 502 for 8% of requests", "")
	outline := symptomOutline(t, ctx, fake, ch.ID, func(s string) bool { return strings.Contains(s, "#1") })
	eventually(t, ctx, "the dashboard counts the first symptom", func() bool {
		m, _ := fake.Message(ch.ID, dash.TS)
		return strings.Contains(m.PlainText(), "1 symptom")
	})

	// The dashboard's update (drawn first) is answered 429, Retry-After 3 s;
	// a symptom added meanwhile still reaches the outline at once.
	fake.InjectRateLimit("chat.update", 1, 3)
	symptomAdd(t, ctx, alice, dash, "Refunds take three days instead of one", "")
	symptomOutline(t, ctx, fake, ch.ID, func(s string) bool { return strings.Contains(s, "#2") })
	symptomAdd(t, ctx, alice, dash, "Invoices show the wrong currency", "")
	eventually(t, ctx, "the dashboard counts every symptom", func() bool {
		m, _ := fake.Message(ch.ID, dash.TS)
		return strings.Contains(m.PlainText(), "3 symptoms")
	})
	var order []string
	for _, c := range fake.CallsTo("chat.update") {
		switch {
		case c.Params["ts"] == dash.TS && c.Status == 429:
			order = append(order, "dashboard 429")
		case c.Params["ts"] == dash.TS && c.Error == "" && !strings.Contains(c.Params["blocks"], "1 symptom"):
			order = append(order, "dashboard")
		case c.Params["ts"] == outline.TS && strings.Contains(c.Params["blocks"], "#3"):
			order = append(order, "outline #3")
		}
	}
	if strings.Join(order, ", ") != "dashboard 429, outline #3, dashboard" {
		t.Errorf("updates went %v; want the outline drawn while the dashboard waits", order)
	}
}
