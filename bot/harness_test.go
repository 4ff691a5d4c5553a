package bot_test

import (
	"bytes"
	"context"
	"log/slog"
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

// testTimeout bounds every wait of an end-to-end test.
const testTimeout = 20 * time.Second

// syncBuffer is a goroutine-safe log sink, scanned by tests.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.String()
}

// app is a running bot process (real SQLite file, real Socket Mode client)
// connected to a fake Slack.
type app struct {
	fake   *slacktest.Server
	dbPath string
	logs   *syncBuffer
	stop   func()
}

// startApp runs the bot against fake on the database at dbPath ("" makes a
// new one in a temporary directory) until the test ends or stop is called;
// configure changes the bot's configuration first.
func startApp(t *testing.T, fake *slacktest.Server, dbPath string, configure ...func(*bot.Config)) *app {
	t.Helper()
	if dbPath == "" {
		dbPath = filepath.Join(t.TempDir(), "untangle.db")
	}
	ctx, cancel := context.WithCancel(context.Background())
	db, err := storage.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	cfg := bot.Config{
		Refs: db, BotToken: fake.BotToken(), AppToken: fake.AppToken(), APIURL: fake.APIURL(),
		Logger: slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}
	for _, c := range configure {
		c(&cfg)
	}
	var clock workflow.Clock // the bot's clock, when a test injects one, is the workflow's too
	if cfg.Now != nil {
		clock = workflow.ClockFunc(cfg.Now)
	}
	b, err := bot.New(cfg, workflow.New(db, clock))
	if err != nil {
		t.Fatal(err)
	}
	before := fake.Connects()
	done := make(chan error, 1)
	go func() { done <- b.Run(ctx) }()
	wctx, wcancel := context.WithTimeout(context.Background(), testTimeout)
	defer wcancel()
	if err := fake.WaitForConnectsAtLeast(wctx, before+1); err != nil {
		t.Fatalf("bot did not connect: %v\nlogs:\n%s", err, logs.String())
	}
	a := &app{fake: fake, dbPath: dbPath, logs: logs}
	var once sync.Once
	a.stop = func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("bot Run returned %v", err)
			}
			db.Close()
		})
	}
	t.Cleanup(func() {
		a.stop()
		if t.Failed() {
			t.Logf("bot logs:\n%s", logs.String())
		}
	})
	return a
}

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	t.Cleanup(cancel)
	return ctx
}

// startRCA runs /rca start in channel as u, fills the modal with the title
// and participants and submits it; it returns the new RCA channel and its
// dashboard message.
func startRCA(t *testing.T, ctx context.Context, fake *slacktest.Server, u slacktest.User, channel, title string, others ...slacktest.User) (slacktest.Channel, slacktest.Message) {
	t.Helper()
	known := map[string]bool{}
	for _, c := range fake.Channels() {
		known[c.ID] = true
	}
	if _, err := u.SlashCommand(ctx, channel, "/rca", "start "+title); err != nil {
		t.Fatalf("/rca start: %v", err)
	}
	view, err := u.WaitForViewWhere(ctx, func(v slacktest.View) bool { return v.Title == "Start an RCA" })
	if err != nil {
		t.Fatalf("start modal: %v", err)
	}
	for _, o := range others {
		if err := u.Select(ctx, view, "Participants", o.Name); err != nil {
			t.Fatalf("select participant %s: %v", o.Name, err)
		}
	}
	ack, err := u.SubmitView(ctx)
	if err != nil {
		t.Fatalf("submit start modal: %v", err)
	}
	if errs := ack.Errors(); len(errs) > 0 {
		t.Fatalf("start modal refused: %v", errs)
	}
	var ch slacktest.Channel
	dash, err := waitForMessage(ctx, fake, func(m slacktest.Message) bool {
		c, ok := fake.Channel(m.Channel)
		if ok && !known[c.ID] && strings.HasPrefix(c.Name, "rca-") && strings.Contains(m.PlainText(), "RCA: "+title) {
			ch = c
			return true
		}
		return false
	})
	if err != nil {
		t.Fatalf("no dashboard for %q: %v", title, err)
	}
	return ch, dash
}

// waitForMessage waits for a message in any channel.
func waitForMessage(ctx context.Context, fake *slacktest.Server, match func(slacktest.Message) bool) (slacktest.Message, error) {
	for {
		for _, c := range fake.Channels() {
			for _, m := range fake.Messages(c.ID) {
				if match(m) {
					return m, nil
				}
			}
		}
		select {
		case <-ctx.Done():
			return slacktest.Message{}, ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// eventually polls cond until it holds or the test times out.
func eventually(t *testing.T, ctx context.Context, what string, cond func() bool) {
	t.Helper()
	for !cond() {
		select {
		case <-ctx.Done():
			t.Fatalf("timed out waiting for %s", what)
		case <-time.After(20 * time.Millisecond):
		}
	}
}
