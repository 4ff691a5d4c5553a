package main

import (
	"bytes"
	"context"
	"io"
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

// lockedBuffer is an io.Writer safe for the command and the test at once.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// TestDemoAgainstTheRealBot runs the command with -demo and the real bot
// against it through the printed URL and tokens, as `untangle serve` would.
func TestDemoAgainstTheRealBot(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out := &lockedBuffer{}
	ready := make(chan string, 1)
	exit := make(chan int, 1)
	go func() {
		exit <- run(ctx, []string{"-addr", "127.0.0.1:0", "-demo", "-people", "ana,ben"}, out, io.Discard, ready)
	}()
	var apiURL string
	select {
	case apiURL = <-ready:
	case code := <-exit:
		t.Fatalf("fakeslack exited with %d:\n%s", code, out.String())
	}
	for _, want := range []string{"SLACK_API_URL=" + apiURL, "SLACK_BOT_TOKEN=" + slacktest.DefaultBotToken, "SLACK_APP_TOKEN=" + slacktest.DefaultAppToken} {
		if !strings.Contains(out.String(), want) {
			t.Fatalf("output lacks %q:\n%s", want, out.String())
		}
	}

	db, err := storage.Open(ctx, filepath.Join(t.TempDir(), "untangle.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	b, err := bot.New(bot.Config{Refs: db, BotToken: slacktest.DefaultBotToken, AppToken: slacktest.DefaultAppToken, APIURL: apiURL,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}, workflow.New(db, nil))
	if err != nil {
		t.Fatal(err)
	}
	botCtx, stopBot := context.WithCancel(ctx)
	botDone := make(chan error, 1)
	go func() { botDone <- b.Run(botCtx) }()

	for !strings.Contains(out.String(), "demo done") {
		select {
		case <-ctx.Done():
			t.Fatalf("demo did not finish:\n%s", out.String())
		case code := <-exit:
			t.Fatalf("fakeslack exited with %d:\n%s", code, out.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	for _, want := range []string{"/rca start", "RCA: Demo outage", "collecting symptoms", "Checkout returns HTTP 502"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("demo output lacks %q:\n%s", want, out.String())
		}
	}
	stopBot()
	if err := <-botDone; err != nil {
		t.Errorf("bot: %v", err)
	}
	cancel()
	if code := <-exit; code != 0 {
		t.Errorf("exit code %d", code)
	}
}

func TestRefusesNonLoopback(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
	}{
		{name: "public address", args: []string{"-addr", "0.0.0.0:0"}, code: 1},
		{name: "no port", args: []string{"-addr", "127.0.0.1"}, code: 1},
		{name: "unknown flag", args: []string{"-nope"}, code: 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := run(context.Background(), tc.args, io.Discard, io.Discard, nil); got != tc.code {
				t.Errorf("exit code %d, want %d", got, tc.code)
			}
		})
	}
}
