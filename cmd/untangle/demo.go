package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/untangle-rca/untangle/bot"
	"github.com/untangle-rca/untangle/bot/slacktest"
	"github.com/untangle-rca/untangle/cmd/untangle/internal/demo"
	"github.com/untangle-rca/untangle/cmd/untangle/internal/transcript"
	"github.com/untangle-rca/untangle/storage"
	"github.com/untangle-rca/untangle/workflow"
)

// demoStart is when every demo happens, so two runs write the same page.
var demoStart = time.Date(2026, time.March, 3, 9, 0, 0, 0, time.UTC)

// demoSpeed is how much faster than real time the bot paces its calls
// and the fake Slack meters them during a demo.
const demoSpeed = 100

// demoBudget bounds a whole demo run.
const demoBudget = 3 * time.Minute

func runDemo(ctx context.Context, args []string, io stdio) int {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(io.err)
	out := fs.String("out", "./untangle-demo", "the directory to write index.html into")
	example := fs.String("example", filepath.Join("examples", "payment-outage.cst"), "the tree to play the RCA of")
	fs.Usage = func() {
		fmt.Fprintln(io.err, "Usage: untangle demo [--out DIR] [--example FILE]\n\n"+
			"Runs the bot against the project's fake Slack, in this process and without a workspace, plays a whole\n"+
			"RCA of the example as a team of three would, and writes what they saw as one self-contained page, DIR/index.html.\n\nFlags:")
		fs.PrintDefaults()
	}
	if code, ok := parseNoArgs(fs, args, io.err); !ok {
		return code
	}
	src, err := os.ReadFile(*example)
	if err != nil {
		fmt.Fprintf(io.err, "untangle demo: %v\n(run it from the repository's root, or give --example FILE)\n", err)
		return exitInput
	}
	if err := demo.Check(src); err != nil {
		fmt.Fprintf(io.err, "untangle demo: %s: %v\n", *example, err)
		return exitInput
	}
	page, logs, err := playDemo(ctx, src, exampleTitle(src, *example), filepath.Base(*example))
	if err != nil {
		fmt.Fprintf(io.err, "untangle demo: %v\nthe end of the bot's log:\n%s", err, lastLines(logs, 40))
		return exitInput
	}
	path := filepath.Join(*out, "index.html")
	err = os.MkdirAll(*out, 0o755)
	if err == nil {
		err = os.WriteFile(path, page, 0o644)
	}
	if err != nil {
		fmt.Fprintln(io.err, "untangle demo:", err)
		return exitInput
	}
	fmt.Fprintln(io.out, path)
	return exitOK
}

// exampleTitle is the RCA's title: the example's first comment up to a
// colon, or the file's name.
func exampleTitle(src []byte, path string) string {
	first, _, _ := strings.Cut(string(src), "\n")
	if t, ok := strings.CutPrefix(strings.TrimSpace(first), "#"); ok {
		t, _, _ = strings.Cut(t, ":")
		if t = strings.TrimSpace(t); t != "" && len(t) <= 60 {
			return t
		}
	}
	return strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
}

// playDemo runs the bot (wired as serve wires it) against a fake Slack on
// loopback, plays the RCA and returns the transcript page and the bot's log.
func playDemo(ctx context.Context, src []byte, title, name string) ([]byte, string, error) {
	ctx, cancel := context.WithTimeout(ctx, demoBudget)
	defer cancel()
	logs := &lockedBuffer{}
	log := slog.New(slog.NewTextHandler(logs, nil)).With("service", "untangle")
	dir, err := os.MkdirTemp("", "untangle-demo-*")
	if err != nil {
		return nil, "", err
	}
	defer os.RemoveAll(dir)

	clock, fast := demo.NewClock(demoStart), demo.NewFast(demoSpeed)
	fake, err := slacktest.NewServer(slacktest.WithClock(clock.Now), slacktest.WithLimitClock(fast.Now))
	if err != nil {
		return nil, "", err
	}
	defer fake.Close()
	team := demo.NewTeam(fake)
	db, err := storage.Open(ctx, filepath.Join(dir, "untangle.db"), storage.WithClock(clock.Now))
	if err != nil {
		return nil, "", fmt.Errorf("open the database: %w", err)
	}
	defer db.Close()
	svc := workflow.New(db, workflow.ClockFunc(clock.Now), workflow.WithLocation(time.UTC))
	b, err := bot.New(bot.Config{
		BotToken: fake.BotToken(), AppToken: fake.AppToken(), APIURL: fake.APIURL(),
		Location: time.UTC, Logger: log, Refs: db, Now: clock.Now,
		PaceClock: bot.PaceClock{Now: fast.Now, Sleep: fast.Sleep},
	}, svc)
	if err != nil {
		return nil, "", err
	}
	if err := b.Check(ctx); err != nil {
		return nil, logs.String(), err
	}
	runCtx, stopBot := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- b.Run(runCtx) }()
	defer func() { stopBot(); <-done }()
	if err := fake.WaitForConnection(ctx); err != nil {
		return nil, logs.String(), fmt.Errorf("the bot did not connect: %w", err)
	}
	doc, err := demo.Play(ctx, demo.Options{
		Fake: fake, Team: team, Clock: clock, Example: src, Title: title, Busy: b.Busy,
		Intro: "Recorded by untangle demo from " + name + ": alice, bob and carol run a whole RCA against the project's fake Slack. " +
			"The bot is the real one; the times and ids are fixed, so every run writes this same page.",
	})
	if err != nil {
		return nil, logs.String(), err
	}
	page, err := transcript.Render(doc)
	return page, logs.String(), err
}

// lastLines is the last n lines of s.
func lastLines(s string, n int) string {
	lines := strings.SplitAfter(s, "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "")
}

// lockedBuffer is a log sink safe for the bot's goroutines.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
