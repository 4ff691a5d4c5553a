package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/untangle-rca/untangle/bot/slacktest"
	"github.com/untangle-rca/untangle/storage"
	"github.com/untangle-rca/untangle/storage/storagetest"
	"github.com/untangle-rca/untangle/workflow"
	"github.com/untangle-rca/untangle/workflow/tracker/trackertest"
)

// ticketSync is the test's UNTANGLE_TRACKER_SYNC: the shortest allowed.
const ticketSync = "5s"

// ticketKills is how often the ticket crash test kills the binary.
const ticketKills = 5

// The RCA the ticket tests run: two symptoms with one root.
const (
	ticketTitle   = "Payment outage"
	ticketRoot    = "A slow SQL query exhausts the DB pool"
	ticketFix     = "Every query runs with a timeout"
	ticketFix2    = "The pool grows under load"
	ticketFix3    = "Slow queries page the on-call engineer"
	ticketSymptom = "Checkout requests fail"
)

// ticketWorld is the real binary with a fake Slack and a fake tracker.
type ticketWorld struct {
	rig        *crashRig
	fake       *slacktest.Server
	tracker    *trackertest.Server
	alice, bob slacktest.User
	general    slacktest.Channel
	ch         slacktest.Channel
	dash       slacktest.Message
}

// newTicketWorld starts the binary bin against a new fake Slack and the
// tracker's fake, and starts the RCA through Slack.
func newTicketWorld(t *testing.T, ctx context.Context, bin, kind string) *ticketWorld {
	t.Helper()
	tr, err := trackertest.Start(kind)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(tr.Close)
	fake := slacktest.New(t)
	w := &ticketWorld{fake: fake, tracker: tr, alice: fake.AddUser("alice"), bob: fake.AddUser("bob")}
	tr.AddUser("bob@example.com") // the fix's owner is known in the tracker: the ticket is assigned to them
	w.general = fake.AddChannel("incidents", slacktest.ChannelOptions{Members: []slacktest.User{w.alice, w.bob}, BotMember: true})
	dir := t.TempDir()
	w.rig = &crashRig{t: t, bin: bin, dir: dir, db: storagetest.New(t), fake: fake, addr: freeAddr(t),
		env: append(tr.Env(), "UNTANGLE_TRACKER_SYNC="+ticketSync)}
	w.rig.start(ctx)
	t.Cleanup(func() {
		if w.rig.cmd.ProcessState == nil {
			w.rig.stop()
		}
		if t.Failed() {
			for _, f := range w.rig.logs {
				if data, err := os.ReadFile(f.Name()); err == nil {
					t.Logf("%s:\n%s", filepath.Base(f.Name()), data)
				}
			}
		}
	})
	if ok, err := startRCA(ctx, w.alice, w.general.ID, ticketTitle); !ok {
		t.Fatalf("start the RCA: %v", err)
	}
	eventually(ctx, t, "the dashboard", func() bool { return dashboardFor(fake, ticketTitle) })
	w.dash = dashboardMessage(fake, ticketTitle)
	w.ch, _ = fake.Channel(w.dash.Channel)
	return w
}

// ticketStatements is the RCA's tree, pasted through Slack.
const ticketStatements = "UDE [" + ticketSymptom + "]\n" +
	"UDE [Refund jobs pile up]\n" +
	"IF [The payment API times out] THEN [" + ticketSymptom + "]\n" +
	"IF [" + ticketRoot + "] THEN [The payment API times out]\n" +
	"IF [" + ticketRoot + "] THEN [Refund jobs pile up]"

// buildTree pastes the tree through the dashboard's Paste statements
// modal and its preview, then starts wiring and the challenge pass.
func (w *ticketWorld) buildTree(t *testing.T, ctx context.Context) {
	t.Helper()
	if _, err := w.alice.ClickButton(ctx, w.dashboard(), ":clipboard: Paste statements"); err != nil {
		t.Fatal(err)
	}
	view, err := w.alice.WaitForViewWhere(ctx, func(v slacktest.View) bool { return v.CallbackID == "paste_statements" })
	if err != nil {
		t.Fatal(err)
	}
	if err := w.alice.FillInput(view, "Statements", ticketStatements); err != nil {
		t.Fatal(err)
	}
	if ack, err := w.alice.SubmitView(ctx); err != nil || len(ack.Errors()) > 0 {
		t.Fatalf("paste: %v %v", err, ack)
	}
	if _, err := w.alice.WaitForViewWhere(ctx, func(v slacktest.View) bool { return v.CallbackID == "paste_preview" }); err != nil {
		t.Fatal(err)
	}
	if ack, err := w.alice.SubmitView(ctx); err != nil || ack.ResponseAction() != "" {
		t.Fatalf("apply the paste: %v %v", err, ack)
	}
	for _, step := range []string{":link: Start wiring", ":crossed_swords: Start challenge pass"} {
		eventually(ctx, t, step+" on the dashboard", func() bool { return strings.Contains(w.dashboard().PlainText(), step) })
		if _, err := w.alice.ClickButton(ctx, w.dashboard(), step); err != nil {
			t.Fatal(err)
		}
	}
	// The facilitator, the only participant, says each of the three links holds.
	var cards []slacktest.Message
	eventually(ctx, t, "a card per link", func() bool {
		cards = cards[:0]
		for _, m := range w.fake.Messages(w.ch.ID) {
			if m.User == slacktest.BotUserID && strings.Contains(string(m.Blocks), `"text":"Holds"`) {
				cards = append(cards, m)
			}
		}
		return len(cards) == 3
	})
	for _, c := range cards {
		if _, err := w.alice.ClickButton(ctx, c, "Holds"); err != nil {
			t.Fatal(err)
		}
	}
}

// dashboard is the dashboard as it is now.
func (w *ticketWorld) dashboard() slacktest.Message {
	m, _ := w.fake.Message(w.dash.Channel, w.dash.TS)
	return m
}

// botMessage returns the newest message of the bot in the RCA channel
// containing text.
func (w *ticketWorld) botMessage(text string) (slacktest.Message, bool) {
	ms := w.fake.Messages(w.ch.ID)
	for i := len(ms) - 1; i >= 0; i-- {
		if ms[i].User == slacktest.BotUserID && strings.Contains(ms[i].PlainText(), text) {
			return ms[i], true
		}
	}
	return slacktest.Message{}, false
}

func (w *ticketWorld) waitBotMessage(t *testing.T, ctx context.Context, text string) slacktest.Message {
	t.Helper()
	var m slacktest.Message
	eventually(ctx, t, "a message with "+text, func() bool { var ok bool; m, ok = w.botMessage(text); return ok })
	return m
}

// planFixes moves on to planning fixes through Slack and returns the
// message with the Propose fix buttons.
func (w *ticketWorld) planFixes(t *testing.T, ctx context.Context) slacktest.Message {
	t.Helper()
	eventually(ctx, t, "Plan fixes on the dashboard", func() bool { return strings.Contains(w.dashboard().PlainText(), "Plan fixes") })
	if _, err := w.alice.ClickButton(ctx, w.dashboard(), ":hammer_and_wrench: Plan fixes"); err != nil {
		t.Fatal(err)
	}
	return w.waitBotMessage(t, ctx, "Propose fix")
}

// proposeFix proposes a fix against the root, owned by bob, through Slack;
// it returns the fix's message.
func (w *ticketWorld) proposeFix(t *testing.T, ctx context.Context, core slacktest.Message, injection string) slacktest.Message {
	t.Helper()
	if _, err := w.alice.ClickButton(ctx, core, "Propose fix"); err != nil {
		t.Fatal(err)
	}
	view, err := w.alice.WaitForViewWhere(ctx, func(v slacktest.View) bool { return v.Title == "Propose fix" })
	if err != nil {
		t.Fatal(err)
	}
	if err := w.alice.FillInput(view, "Injection", injection); err != nil {
		t.Fatal(err)
	}
	if err := w.alice.Select(ctx, view, "Owner", "bob"); err != nil {
		t.Fatal(err)
	}
	if ack, err := w.alice.SubmitView(ctx); err != nil || len(ack.Errors()) > 0 {
		t.Fatalf("propose the fix: %v %v", err, ack)
	}
	return w.waitBotMessage(t, ctx, injection)
}

// ticketText is everything a fake ticket says, its description in ADF included.
func ticketText(tk trackertest.Ticket) string {
	var b strings.Builder
	b.WriteString(tk.Title + "\n" + tk.Body + "\n")
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if s, ok := x["text"].(string); ok {
				b.WriteString(s)
			}
			for _, c := range x {
				walk(c)
			}
		case []any:
			for _, c := range x {
				walk(c)
			}
		}
	}
	var adf any
	if len(tk.Description) > 0 && json.Unmarshal(tk.Description, &adf) == nil {
		walk(adf)
	}
	return b.String()
}

// TestTicketsThroughTheBinary runs an RCA through Slack with each tracker:
// one fix gets its ticket from the Create ticket button (a double click
// files it once), one when its owner agrees to it, and finishing files the
// third's and no second one of the others; the ticket says what the fix
// removes and why, and closing it in the tracker marks the fix done in
// Slack within a sync interval.
func TestTicketsThroughTheBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := buildBinary(t, t.TempDir())
	for _, kind := range []string{"github", "jira", "linear"} {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			w := newTicketWorld(t, ctx, bin, kind)
			w.buildTree(t, ctx)
			core := w.planFixes(t, ctx)
			fixMsg := w.proposeFix(t, ctx, core, ticketFix)
			agreed := w.proposeFix(t, ctx, core, ticketFix2)
			last := w.proposeFix(t, ctx, core, ticketFix3)

			for range 2 { // a double click
				if _, err := w.bob.ClickButton(ctx, fixMsg, ":ticket: Create ticket"); err != nil {
					t.Fatal(err)
				}
			}
			filed := w.waitBotMessage(t, ctx, ":ticket: Filed ")
			if filed.ThreadTS != fixMsg.TS {
				t.Errorf("the filed ticket is announced outside the fix's thread: %+v", filed)
			}
			eventually(ctx, t, "the fix's message links its ticket", func() bool {
				m, _ := w.fake.Message(fixMsg.Channel, fixMsg.TS)
				return !strings.Contains(string(m.Blocks), "Create ticket") && strings.Contains(string(m.Blocks), `"url":"http`)
			})
			eventually(ctx, t, "the dashboard lists the ticket", func() bool {
				return strings.Contains(w.dashboard().PlainText(), ":ticket: Tickets: <http")
			})

			if _, err := w.bob.SelectInMessage(ctx, agreed, "Status: proposed", "Mark agreed"); err != nil {
				t.Fatal(err)
			}
			eventually(ctx, t, "the agreed fix's ticket", func() bool { return len(w.tracker.Tickets()) == 2 })
			eventually(ctx, t, "the agreed fix's message links its ticket", func() bool {
				m, _ := w.fake.Message(agreed.Channel, agreed.TS)
				return strings.Contains(string(m.Blocks), "Status: agreed") && !strings.Contains(string(m.Blocks), "Create ticket")
			})

			eventually(ctx, t, "Finish RCA on the dashboard", func() bool { return strings.Contains(w.dashboard().PlainText(), "Finish RCA") })
			if _, err := w.alice.ClickButton(ctx, w.dashboard(), ":checkered_flag: Finish RCA"); err != nil {
				t.Fatal(err)
			}
			summary := w.waitBotMessage(t, ctx, "RCA closed")
			eventually(ctx, t, "a ticket for the last fix", func() bool { return len(w.tracker.Tickets()) >= 3 })
			titles := map[string]int{}
			for _, tk := range w.tracker.Tickets() {
				titles[tk.Title]++
			}
			if len(titles) != 3 || titles[ticketFix] != 1 || titles[ticketFix2] != 1 || titles[ticketFix3] != 1 {
				t.Fatalf("tickets by title %v, want one per fix", titles)
			}
			eventually(ctx, t, "the message of the fix filed at finish links its ticket", func() bool {
				m, _ := w.fake.Message(last.Channel, last.TS)
				return !strings.Contains(string(m.Blocks), "Create ticket") && strings.Contains(string(m.Blocks), `"url":"http`)
			})
			tk := w.tracker.Tickets()[0]
			text := ticketText(tk)
			for _, want := range []string{ticketFix, ticketTitle, ticketRoot, ticketSymptom, "IF", "THEN", "untangle-fix-"} {
				if !strings.Contains(text, want) {
					t.Errorf("the ticket lacks %q:\n%s", want, text)
				}
			}
			if labels := strings.Join(tk.Labels, ","); tk.Title != ticketFix || !strings.Contains(labels, "rca") || !strings.Contains(labels, w.ch.Name) {
				t.Errorf("ticket %q, labels %v (channel %s)", tk.Title, tk.Labels, w.ch.Name)
			}
			// GitHub cannot find an account by e-mail: the body names the owner.
			if kind == "github" && !strings.Contains(text, "bob") || kind != "github" && tk.Assignee == "" {
				t.Errorf("the owner is neither assigned (%q) nor named:\n%s", tk.Assignee, text)
			}
			if !strings.Contains(summary.PlainText(), tk.Key) {
				t.Errorf("the closing summary lacks the ticket %s:\n%s", tk.Key, summary.PlainText())
			}
			eventually(ctx, t, "the report canvas links the ticket", func() bool {
				canvas, _ := w.fake.ChannelCanvas(w.ch.ID)
				return strings.Contains(canvas, "("+tk.URL+")")
			})

			closed := time.Now()
			if err := w.tracker.SetState(tk.Key, trackertest.StateDone); err != nil {
				t.Fatal(err)
			}
			w.waitBotMessage(t, ctx, fmt.Sprintf("so the fix “%s” is now *done*", ticketFix))
			t.Logf("%s: the fix was marked done %v after its ticket closed (sync every %s)", kind, time.Since(closed).Round(time.Millisecond), ticketSync)
			eventually(ctx, t, "the fix's message shows it done", func() bool {
				m, _ := w.fake.Message(fixMsg.Channel, fixMsg.TS)
				return strings.Contains(string(m.Blocks), "Status: done")
			})
			eventually(ctx, t, "the dashboard shows the fix done", func() bool {
				return strings.Contains(w.dashboard().PlainText(), "1 of 3 fixes done")
			})
			if n := len(w.tracker.Tickets()); n != 3 {
				t.Errorf("%d tickets at the end, want 3", n)
			}
			w.rig.stop()
		})
	}
}

// TestTicketsCrashSafety kills the binary at random points while it files
// tickets from a slow tracker (each answer comes well after the ticket is
// filed), restarts it each time, and then finishes the RCA: every fix ends
// with exactly one ticket.
func TestTicketsCrashSafety(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and kills it")
	}
	rng := crashRand(t, 1)
	bin := buildBinary(t, t.TempDir()) // before the clock starts: a cold build under load takes minutes
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	w := newTicketWorld(t, ctx, bin, "github")
	w.buildTree(t, ctx)
	core := w.planFixes(t, ctx)
	injections := []string{ticketFix, ticketFix2, ticketFix3}
	var msgs []slacktest.Message
	for _, inj := range injections {
		msgs = append(msgs, w.proposeFix(t, ctx, core, inj))
	}
	const latency = 400 * time.Millisecond
	w.tracker.SetLatency(latency)
	for kill := range ticketKills {
		if kill > 0 {
			w.rig.start(ctx)
		}
		m := msgs[rng.IntN(len(msgs))]
		go func() { // the click's ack may never come: the process dies
			cctx, ccancel := context.WithTimeout(ctx, 2*time.Second)
			defer ccancel()
			_, _ = w.bob.ClickButton(cctx, m, ":ticket: Create ticket")
		}()
		time.Sleep(time.Duration(rng.IntN(int(3 * latency))))
		w.rig.kill()
	}
	w.tracker.SetLatency(0)
	before := len(w.tracker.Tickets())
	w.rig.start(ctx)
	eventually(ctx, t, "Finish RCA on the dashboard", func() bool { return strings.Contains(w.dashboard().PlainText(), "Finish RCA") })
	if _, err := w.alice.ClickButton(ctx, w.dashboard(), ":checkered_flag: Finish RCA"); err != nil {
		t.Fatal(err)
	}
	// Filings the kills cut short wait for their claims to run out, then
	// the ticket job finishes them by looking the tickets up first.
	eventually(ctx, t, "a ticket for every fix", func() bool { return len(w.tracker.Tickets()) >= len(injections) })
	db, err := storage.Open(ctx, w.rig.db)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	svc := workflow.New(db, nil)
	eventually(ctx, t, "every filing recorded", func() bool {
		due, err := svc.TicketsToFile(ctx)
		filed, err2 := svc.FiledTickets(ctx)
		return err == nil && err2 == nil && len(due) == 0 && len(filed) == len(injections)
	})
	w.rig.stop()
	filed, err := svc.FiledTickets(ctx)
	if err != nil {
		t.Fatal(err)
	}
	attempts := make([]int, len(filed))
	for i, f := range filed {
		attempts[i] = f.Attempts
	}
	t.Logf("%d kills; %d tickets filed before the last start; attempts per fix %v", ticketKills, before, attempts)
	titles := map[string]int{}
	for _, tk := range w.tracker.Tickets() {
		titles[tk.Title]++
	}
	for _, inj := range injections {
		if titles[inj] != 1 {
			t.Errorf("%q has %d tickets, want 1 (all: %v)", inj, titles[inj], titles)
		}
	}
	checkLogs(t, w.rig.logs, w.fake.BotToken(), w.fake.AppToken(), trackertest.GitHubToken)
}
