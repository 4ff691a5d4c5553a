package bot_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
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

// opsApp is a running bot with its operations endpoints served over HTTP.
type opsApp struct {
	bot  *bot.Bot
	db   *storage.DB
	logs *syncBuffer
	url  string // base URL of /healthz and /metrics
}

// opsStartApp runs the real bot against fake like startApp, with a Socket
// Mode ping timeout of ping (0 keeps the default) and its /healthz and
// /metrics served by an httptest server.
func opsStartApp(t *testing.T, fake *slacktest.Server, ping time.Duration) *opsApp {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	db, err := storage.Open(ctx, filepath.Join(t.TempDir(), "untangle.db"))
	if err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	b, err := bot.New(bot.Config{
		Refs: db, BotToken: fake.BotToken(), AppToken: fake.AppToken(), APIURL: fake.APIURL(), PingInterval: ping,
		Logger: slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}, workflow.New(db, nil))
	if err != nil {
		t.Fatal(err)
	}
	h, err := b.Handler(bot.Probes{
		Database: func(ctx context.Context) error { _, err := db.SchemaVersion(ctx); return err },
		OpenRCAs: func(ctx context.Context) (int, error) { return openCount(ctx, db) },
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	before := fake.Connects()
	done := make(chan error, 1)
	go func() { done <- b.Run(ctx) }()
	wctx, wcancel := context.WithTimeout(context.Background(), testTimeout)
	defer wcancel()
	if err := fake.WaitForConnectsAtLeast(wctx, before+1); err != nil {
		t.Fatalf("bot did not connect: %v\nlogs:\n%s", err, logs.String())
	}
	t.Cleanup(func() {
		srv.Close()
		cancel()
		if err := <-done; err != nil {
			t.Errorf("bot Run returned %v", err)
		}
		db.Close()
		if t.Failed() {
			t.Logf("bot logs:\n%s", logs.String())
		}
	})
	return &opsApp{bot: b, db: db, logs: logs, url: srv.URL}
}

// openCount counts the RCAs that are not closed.
func openCount(ctx context.Context, db *storage.DB) (int, error) {
	var n int
	err := db.View(ctx, func(tx workflow.Tx) error {
		open, err := tx.OpenRCAs()
		n = len(open)
		return err
	})
	return n, err
}

// get fetches path from the operations server.
func (a *opsApp) get(t *testing.T, path string) (int, string) {
	t.Helper()
	resp, err := http.Get(a.url + path)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	return resp.StatusCode, string(body)
}

// metric returns the value of the sample line starting with series ("" when absent).
func metric(body, series string) string {
	for _, line := range strings.Split(body, "\n") {
		if rest, ok := strings.CutPrefix(line, series+" "); ok {
			return rest
		}
	}
	return ""
}

// rcaChannels returns the channels the bot created for RCAs.
func rcaChannels(fake *slacktest.Server) []slacktest.Channel {
	var out []slacktest.Channel
	for _, c := range fake.Channels() {
		if strings.HasPrefix(c.Name, "rca-") {
			out = append(out, c)
		}
	}
	return out
}

// dashboards counts the dashboard messages of an RCA channel.
func dashboards(fake *slacktest.Server, channel string) int {
	n := 0
	for _, m := range fake.Messages(channel) {
		if strings.Contains(m.PlainText(), "Add symptom") {
			n++
		}
	}
	return n
}

func TestFaultsHealthAndMetrics(t *testing.T) {
	fake := slacktest.New(t)
	alice := fake.AddUser("alice")
	general := fake.AddChannel("incidents", slacktest.ChannelOptions{Members: []slacktest.User{alice}, BotMember: true})
	a := opsStartApp(t, fake, 0)
	ctx := testCtx(t)

	eventually(t, ctx, "healthy", func() bool { code, _ := a.get(t, "/healthz"); return code == http.StatusOK })
	_, body := a.get(t, "/healthz")
	var h bot.Health
	if err := json.Unmarshal([]byte(body), &h); err != nil || !h.OK || h.SocketMode != "connected" || h.Database != "ok" {
		t.Fatalf("/healthz = %s (%v)", body, err)
	}
	startRCA(t, ctx, fake, alice, general.ID, "Metrics outage")

	_, body = a.get(t, "/metrics")
	checks := []struct {
		name, series string
		want         func(v string) bool
	}{
		{name: "one open RCA", series: "untangle_open_rcas", want: func(v string) bool { return v == "1" }},
		{name: "slash commands counted", series: `untangle_envelopes_total{type="slash_commands"}`, want: func(v string) bool { return v == "1" }},
		{name: "interactions counted", series: `untangle_envelopes_total{type="interactive"}`, want: func(v string) bool { return v != "" && v != "0" }},
		{name: "ack latency observed", series: `untangle_ack_seconds_count{type="slash_commands"}`, want: func(v string) bool { return v == "1" }},
		{name: "dashboard post counted", series: `untangle_slack_api_calls_total{method="chat.postMessage"}`, want: func(v string) bool { return v != "" && v != "0" }},
		{name: "connected", series: "untangle_socket_mode_connected", want: func(v string) bool { return v == "1" }},
	}
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			if v := metric(body, c.series); !c.want(v) {
				t.Errorf("%s = %q", c.series, v)
			}
		})
	}
	if strings.Contains(body, fake.BotToken()) || strings.Contains(body, fake.AppToken()) {
		t.Error("/metrics shows a token")
	}
}

func TestFaultsHealthzFailsWhenTheDatabaseIsGone(t *testing.T) {
	fake := slacktest.New(t)
	a := opsStartApp(t, fake, 0)
	ctx := testCtx(t)
	eventually(t, ctx, "healthy", func() bool { code, _ := a.get(t, "/healthz"); return code == http.StatusOK })
	if err := a.db.Close(); err != nil {
		t.Fatal(err)
	}
	code, body := a.get(t, "/healthz")
	if code != http.StatusServiceUnavailable || !strings.Contains(body, `"ok":false`) {
		t.Fatalf("/healthz with a closed database = %d %s", code, body)
	}
}

func TestFaultsWebAPIErrorsAreRetried(t *testing.T) {
	// The methods of the start flow: the modal, the channel, the dashboard.
	cases := []struct {
		name, method string
		inject       func(fake *slacktest.Server, method string)
	}{
		{name: "views.open rate limited", method: "views.open", inject: func(f *slacktest.Server, m string) { f.InjectRateLimit(m, 1, 1) }},
		{name: "views.open unavailable", method: "views.open", inject: func(f *slacktest.Server, m string) { f.InjectServerError(m, 2) }},
		{name: "conversations.create rate limited", method: "conversations.create", inject: func(f *slacktest.Server, m string) { f.InjectRateLimit(m, 2, 0) }},
		{name: "conversations.create unavailable", method: "conversations.create", inject: func(f *slacktest.Server, m string) { f.InjectServerError(m, 2) }},
		{name: "conversations.invite unavailable", method: "conversations.invite", inject: func(f *slacktest.Server, m string) { f.InjectServerError(m, 1) }},
		{name: "chat.postMessage rate limited", method: "chat.postMessage", inject: func(f *slacktest.Server, m string) { f.InjectRateLimit(m, 1, 1) }},
		{name: "chat.postMessage unavailable", method: "chat.postMessage", inject: func(f *slacktest.Server, m string) { f.InjectServerError(m, 3) }},
		{name: "pins.add rate limited", method: "pins.add", inject: func(f *slacktest.Server, m string) { f.InjectRateLimit(m, 1, 0) }},
		{name: "conversations.setTopic unavailable", method: "conversations.setTopic", inject: func(f *slacktest.Server, m string) { f.InjectServerError(m, 1) }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			fake := slacktest.New(t)
			alice, bob := fake.AddUser("alice"), fake.AddUser("bob")
			general := fake.AddChannel("incidents", slacktest.ChannelOptions{Members: []slacktest.User{alice, bob}, BotMember: true})
			a := opsStartApp(t, fake, 0)
			ctx := testCtx(t)
			c.inject(fake, c.method)

			ch, dash := startRCA(t, ctx, fake, alice, general.ID, "Retry outage", bob)
			eventually(t, ctx, "dashboard pinned and topic set", func() bool {
				got, _ := fake.Channel(ch.ID)
				return len(got.Pinned) == 1 && got.Pinned[0] == dash.TS && strings.Contains(got.Topic, "Retry outage")
			})
			var failed, ok int
			for _, call := range fake.CallsTo(c.method) {
				if call.Status == http.StatusOK && call.Error == "" {
					ok++
				} else {
					failed++
				}
			}
			if failed == 0 || ok == 0 {
				t.Errorf("%s: %d failed and %d good calls; want the fault and a retry", c.method, failed, ok)
			}
			if n := len(rcaChannels(fake)); n != 1 {
				t.Errorf("%d RCA channels, want 1", n)
			}
			if n := dashboards(fake, ch.ID); n != 1 {
				t.Errorf("%d dashboards, want 1", n)
			}
			if fs := fake.Failures(); len(fs) > 0 {
				t.Errorf("Slack would have shown errors: %+v", fs)
			}
			_, body := a.get(t, "/metrics")
			if !strings.Contains(body, `untangle_slack_api_retries_total{method="`+c.method+`"`) {
				t.Errorf("no retry of %s in /metrics", c.method)
			}
		})
	}
}

func TestFaultsConnectionLossReconnects(t *testing.T) {
	cases := []struct {
		name  string
		fault func(fake *slacktest.Server)
	}{
		{name: "disconnect refresh_requested", fault: func(f *slacktest.Server) { f.SendDisconnect("refresh_requested") }},
		{name: "dropped TCP connection", fault: func(f *slacktest.Server) { f.DropConnections() }},
		{name: "no pings", fault: func(f *slacktest.Server) { f.PausePings(2 * time.Second) }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			fake := slacktest.New(t, slacktest.WithPingInterval(100*time.Millisecond))
			alice := fake.AddUser("alice")
			general := fake.AddChannel("incidents", slacktest.ChannelOptions{Members: []slacktest.User{alice}, BotMember: true})
			a := opsStartApp(t, fake, 500*time.Millisecond)
			ctx := testCtx(t)
			startRCA(t, ctx, fake, alice, general.ID, "Before the fault")

			before := fake.Connects()
			c.fault(fake)
			// Act at once: the envelope waits for the new connection.
			ch, _ := startRCA(t, ctx, fake, alice, general.ID, "After the fault")
			if err := fake.WaitForConnectsAtLeast(ctx, before+1); err != nil {
				t.Fatalf("bot did not reconnect: %v", err)
			}
			eventually(t, ctx, "healthy again", func() bool { code, _ := a.get(t, "/healthz"); return code == http.StatusOK })
			ack, err := alice.SlashCommand(ctx, ch.ID, "/rca", "list")
			if err != nil {
				t.Fatal(err)
			}
			for _, title := range []string{"Before the fault", "After the fault"} {
				if !strings.Contains(ack.Text(), title) {
					t.Errorf("/rca list lacks %q:\n%s", title, ack.Text())
				}
			}
			if n := len(rcaChannels(fake)); n != 2 {
				t.Errorf("%d RCA channels, want 2", n)
			}
			if fs := fake.Failures(); len(fs) > 0 {
				t.Errorf("Slack would have shown errors: %+v", fs)
			}
		})
	}
}

// TestFaultsEventRedeliveryIsAckedOnce sends an event the bot has no use for
// while its connection is being replaced: Slack redelivers unacked events,
// and each delivery must be acknowledged exactly once.
func TestFaultsEventRedeliveryIsAckedOnce(t *testing.T) {
	fake := slacktest.New(t, slacktest.WithRedelivery(100*time.Millisecond, 3))
	alice := fake.AddUser("alice")
	opsStartApp(t, fake, 0)
	ctx := testCtx(t)
	var ids []string
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range 5 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			id, err := fake.SendEvent(ctx, map[string]any{"type": "member_joined_channel", "user": alice.ID, "channel": "C0NONE"})
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			ids = append(ids, id)
			mu.Unlock()
		}()
	}
	wg.Wait()
	for _, id := range ids {
		eventually(t, ctx, "event acked", func() bool { return fake.Acked(id) })
		if n := fake.Deliveries(id); n != 1 {
			t.Errorf("event %s delivered %d times; an acked event is not redelivered", id, n)
		}
	}
}

// submitTwice submits u's open modal from two goroutines at once, like a
// double click on Submit, and returns the acks of the submissions that
// reached the bot.
func submitTwice(ctx context.Context, u slacktest.User) []*slacktest.Ack {
	var mu sync.Mutex
	var acks []*slacktest.Ack
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if ack, err := u.SubmitView(ctx); err == nil {
				mu.Lock()
				acks = append(acks, ack)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return acks
}

func TestFaultsTwiceSubmittedModalAppliesOnce(t *testing.T) {
	fake := slacktest.New(t)
	alice := fake.AddUser("alice")
	general := fake.AddChannel("incidents", slacktest.ChannelOptions{Members: []slacktest.User{alice}, BotMember: true})
	startApp(t, fake, "")
	ctx := testCtx(t)

	// The start modal: one RCA, one channel, one dashboard.
	if _, err := alice.SlashCommand(ctx, general.ID, "/rca", "start Submitted twice"); err != nil {
		t.Fatal(err)
	}
	if _, err := alice.WaitForViewWhere(ctx, func(v slacktest.View) bool { return v.Title == "Start an RCA" }); err != nil {
		t.Fatal(err)
	}
	if acks := submitTwice(ctx, alice); len(acks) != 2 {
		t.Skipf("the fake delivered %d submissions; no double submission to test", len(acks))
	}
	dash, err := waitForMessage(ctx, fake, func(m slacktest.Message) bool { return strings.Contains(m.PlainText(), "RCA: Submitted twice") })
	if err != nil {
		t.Fatal(err)
	}
	settle(ctx)
	if n := len(rcaChannels(fake)); n != 1 {
		t.Errorf("a start modal submitted twice made %d RCA channels", n)
	}
	ack, err := alice.SlashCommand(ctx, general.ID, "/rca", "list")
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(ack.Text(), "Submitted twice"); n != 1 {
		t.Errorf("/rca list shows the RCA %d times:\n%s", n, ack.Text())
	}

	// The Add symptom modal: one node, no error shown for the second click,
	// and one private note (its wording hint) for its author.
	v := symptomOpenModal(t, ctx, alice, dash)
	if err := alice.FillInput(v, "Symptom", "The API returned 500s because of a deploy"); err != nil {
		t.Fatal(err)
	}
	acks := submitTwice(ctx, alice)
	for _, a := range acks {
		if errs := a.Errors(); len(errs) > 0 {
			t.Errorf("a second submission of the same modal showed errors: %v", errs)
		}
	}
	outline := symptomOutline(t, ctx, fake, dash.Channel, func(s string) bool { return strings.Contains(s, "The API returned 500s") })
	settle(ctx)
	outline, _ = fake.Message(outline.Channel, outline.TS)
	if strings.Contains(outline.PlainText(), "#2") || strings.Count(outline.PlainText(), "The API returned 500s") != 1 {
		t.Errorf("a symptom modal submitted twice added two nodes:\n%s", outline.PlainText())
	}
	feedback := 0
	for _, m := range alice.Ephemerals() {
		if strings.Contains(m.PlainText(), "Added symptom") {
			feedback++
		}
	}
	if feedback != 1 {
		t.Errorf("%d confirmations for one symptom", feedback)
	}
}

// settle gives after-ack work that would wrongly run twice time to show.
func settle(ctx context.Context) {
	select {
	case <-ctx.Done():
	case <-time.After(300 * time.Millisecond):
	}
}

// TestFaultsEveryMethodIsRetried makes the next calls of every Web API
// method the bot uses after the start fail with 503 or 429, then adds a
// symptom, opens the Home tab and renders the tree: everything arrives once.
func TestFaultsEveryMethodIsRetried(t *testing.T) {
	t.Parallel()
	fake := slacktest.New(t)
	alice, bob := fake.AddUser("alice"), fake.AddUser("bob")
	general := fake.AddChannel("incidents", slacktest.ChannelOptions{Members: []slacktest.User{alice, bob}, BotMember: true})
	a := opsStartApp(t, fake, 0)
	ctx := testCtx(t)
	ch, dash := startRCA(t, ctx, fake, alice, general.ID, "Every method", bob)
	eventually(t, ctx, "dashboard pinned", func() bool { c, _ := fake.Channel(ch.ID); return len(c.Pinned) == 1 })

	faults := map[string]func(m string){
		"views.open":                   func(m string) { fake.InjectServerError(m, 2) },
		"chat.update":                  func(m string) { fake.InjectServerError(m, 2) },
		"chat.postEphemeral":           func(m string) { fake.InjectRateLimit(m, 1, 0) },
		"chat.postMessage":             func(m string) { fake.InjectServerError(m, 1) },
		"chat.getPermalink":            func(m string) { fake.InjectServerError(m, 1) },
		"views.publish":                func(m string) { fake.InjectRateLimit(m, 2, 0) },
		"files.getUploadURLExternal":   func(m string) { fake.InjectServerError(m, 2) },
		"files.completeUploadExternal": func(m string) { fake.InjectRateLimit(m, 1, 1) },
	}
	for m, inject := range faults {
		inject(m)
	}
	symptomAdd(t, ctx, bob, dash, "Checkout answers 502 for EU cards because of a deploy", "High")
	waitEphemeral(t, ctx, bob, "Added symptom")
	symptomOutline(t, ctx, fake, ch.ID, func(s string) bool { return strings.Contains(s, "Checkout answers 502") })
	eventually(t, ctx, "dashboard counts the symptom", func() bool {
		m, _ := fake.Message(ch.ID, dash.TS)
		return strings.Contains(m.PlainText(), "1 symptom")
	})
	msg, err := bob.Post(ch.ID, "Refunds are stuck")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := bob.MessageShortcut(ctx, msg, bot.ShortcutAddSymptom); err != nil {
		t.Fatal(err)
	}
	if _, err := bob.WaitForViewWhere(ctx, func(v slacktest.View) bool { return v.CallbackID == "add_symptom" }); err != nil {
		t.Fatal(err)
	}
	if err := bob.CloseView(ctx); err != nil {
		t.Fatal(err)
	}
	home, err := alice.OpenHome(ctx)
	if err != nil || !strings.Contains(home.PlainText(), "Every method") {
		t.Fatalf("Home tab: %v\n%s", err, home.PlainText())
	}
	if _, err := alice.SlashCommand(ctx, ch.ID, "/rca", "render"); err != nil {
		t.Fatal(err)
	}
	eventually(t, ctx, "the tree picture", func() bool {
		for _, f := range fake.Files() {
			if f.Channel == ch.ID && strings.HasSuffix(f.Name, ".png") {
				return true
			}
		}
		return false
	})
	settle(ctx)

	for m := range faults {
		var failed, ok int
		for _, call := range fake.CallsTo(m) {
			if call.Status == http.StatusOK && call.Error == "" {
				ok++
			} else if call.Status >= 429 {
				failed++
			}
		}
		if failed == 0 || ok == 0 {
			t.Errorf("%s: %d failed and %d good calls; want the fault and a retry", m, failed, ok)
		}
	}
	pictures := 0
	for _, f := range fake.Files() {
		if f.Channel == ch.ID && strings.HasSuffix(f.Name, ".png") {
			pictures++
		}
	}
	if pictures != 1 {
		t.Errorf("%d tree pictures, want 1", pictures)
	}
	confirmations := 0
	for _, m := range bob.Ephemerals() {
		if strings.Contains(m.PlainText(), "Added symptom") {
			confirmations++
		}
	}
	if confirmations != 1 {
		t.Errorf("%d confirmations of one symptom", confirmations)
	}
	if fs := fake.Failures(); len(fs) > 0 {
		t.Errorf("Slack would have shown errors: %+v", fs)
	}
	_, body := a.get(t, "/metrics")
	if !strings.Contains(body, `untangle_slack_api_errors_total{error="http_503",method="chat.update"}`) {
		t.Errorf("/metrics lacks the 503 errors of chat.update")
	}
	if v := metric(body, `untangle_renders_total{result="ok"}`); v != "1" {
		t.Errorf(`untangle_renders_total{result="ok"} = %q, want 1`, v)
	}
}

// TestFaultsRedeliveredEventActsOnce makes the fake redeliver an event
// faster than any bot acks it, so the bot gets the same envelope again with
// retry_attempt > 0: the Home tab is published once.
func TestFaultsRedeliveredEventActsOnce(t *testing.T) {
	fake := slacktest.New(t, slacktest.WithRedelivery(time.Millisecond, 3))
	alice := fake.AddUser("alice")
	a := startApp(t, fake, "")
	ctx := testCtx(t)
	redelivered := false
	for try := 0; try < 20 && !redelivered; try++ {
		before := len(fake.CallsTo("views.publish"))
		id, err := fake.SendEvent(ctx, map[string]any{"type": "app_home_opened", "user": alice.ID, "tab": "home", "channel": "D0FAKE"})
		if err != nil {
			t.Fatal(err)
		}
		eventually(t, ctx, "event acked", func() bool { return fake.Acked(id) })
		eventually(t, ctx, "Home published", func() bool { return len(fake.CallsTo("views.publish")) > before })
		settle(ctx)
		if fake.Deliveries(id) < 2 {
			continue
		}
		redelivered = true
		if n := len(fake.CallsTo("views.publish")) - before; n != 1 {
			t.Errorf("an event delivered %d times published the Home tab %d times", fake.Deliveries(id), n)
		}
	}
	if !redelivered {
		t.Skip("the fake never redelivered an event before the ack")
	}
	if !strings.Contains(a.logs.String(), `"retry_attempt":1`) {
		t.Error("the redelivery is not in the logs")
	}
}

// clickTwice clicks a button of msg from two goroutines at once, like a
// double click, and returns how many clicks reached the bot.
func clickTwice(ctx context.Context, u slacktest.User, msg slacktest.Message, text string) int {
	var mu sync.Mutex
	var wg sync.WaitGroup
	n := 0
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := u.ClickButton(ctx, msg, text); err == nil {
				mu.Lock()
				n++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return n
}

// TestFaultsDoubleClickedPhaseButtonMovesOnePhase double-clicks "Start
// wiring" on an RCA whose tree already has links: the RCA must move one
// phase, not two.
func TestFaultsDoubleClickedPhaseButtonMovesOnePhase(t *testing.T) {
	ctx := testCtx(t)
	w := newRenderWorld(t, ctx)
	w.pasteExample(t, ctx)
	eventually(t, ctx, "Start wiring on the dashboard", func() bool { return strings.Contains(w.dashboard().PlainText(), "Start wiring") })
	if n := clickTwice(ctx, w.alice, w.dashboard(), ":link: Start wiring"); n != 2 {
		t.Fatalf("%d clicks reached the bot", n)
	}
	settle(ctx)
	rca, err := w.setup.RCA(ctx, w.actor(w.alice), w.rcaID)
	if err != nil {
		t.Fatal(err)
	}
	if rca.Phase != workflow.PhaseWiring {
		t.Errorf("a double click on Start wiring moved the RCA to %s", rca.Phase)
	}
}

// TestFaultsHealthzNeedsSocketMode checks /healthz of a bot that has not
// connected yet: the database is fine, Socket Mode is not, so it is 503.
func TestFaultsHealthzNeedsSocketMode(t *testing.T) {
	fake := slacktest.New(t)
	db, err := storage.Open(context.Background(), filepath.Join(t.TempDir(), "untangle.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	b, err := bot.New(bot.Config{Refs: db, BotToken: fake.BotToken(), AppToken: fake.AppToken(), APIURL: fake.APIURL(),
		Logger: slog.New(slog.NewJSONHandler(io.Discard, nil))}, workflow.New(db, nil))
	if err != nil {
		t.Fatal(err)
	}
	h, err := b.Handler(bot.Probes{Database: func(ctx context.Context) error { _, err := db.SchemaVersion(ctx); return err }})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var got bot.Health
	if err := json.NewDecoder(resp.Body).Decode(&got); err != nil {
		t.Fatal(err)
	}
	want := bot.Health{OK: false, SocketMode: "disconnected", Database: "ok"}
	if resp.StatusCode != http.StatusServiceUnavailable || got != want {
		t.Errorf("/healthz = %d %+v, want 503 %+v", resp.StatusCode, got, want)
	}
}
