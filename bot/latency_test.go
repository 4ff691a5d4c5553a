package bot_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"

	"github.com/untangle-rca/untangle/bot"
	"github.com/untangle-rca/untangle/bot/slacktest"
	"github.com/untangle-rca/untangle/storage"
	"github.com/untangle-rca/untangle/workflow"
)

// Issue #4 "Performance": 1,000 Add symptom submissions from 20 people at once.
const (
	latencyUsers       = 20
	latencySubmissions = 1000
)

// latencyScenario is one side-by-side case: the app that acks, and how many
// RCAs the people are split over (untangle only).
type latencyScenario struct {
	minimal string // "" for untangle; the kind of minimal program otherwise
	rcas    int
}

// The minimal programs. "minimal" is the issue's: the people's side opens
// its one-input modal, and it acks each submission at once. "minimal-click"
// is the same flow as untangle's without untangle's work: people click "Add
// symptom" on its message, it acks and opens untangle's Add symptom modal,
// and it acks each submission at once.
const (
	minimalOpened  = "minimal"
	minimalClicked = "minimal-click"
)

func (sc latencyScenario) String() string {
	if sc.minimal != "" {
		return sc.minimal
	}
	return fmt.Sprintf("untangle-%drca", sc.rcas)
}

// parseLatencyScenario reads what String wrote.
func parseLatencyScenario(s string) (latencyScenario, error) {
	if s == minimalOpened || s == minimalClicked {
		return latencyScenario{minimal: s}, nil
	}
	n, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(s, "untangle-"), "rca"))
	if err != nil || n < 1 {
		return latencyScenario{}, fmt.Errorf("unknown latency scenario %q", s)
	}
	return latencyScenario{rcas: n}, nil
}

// latencyConn is how an app reaches the fake Slack.
type latencyConn struct {
	APIURL   string `json:"api_url"`
	BotToken string `json:"bot_token"`
	AppToken string `json:"app_token"`
	Channel  string `json:"channel"` // where the people are
}

// BenchmarkAddSymptomAck measures the ack latency of "Add symptom"
// submissions through the fake Slack on loopback: the real bot (SQLite file,
// Socket Mode) next to a minimal slack-go Socket Mode program that acks at
// once, in the same run. Each iteration sends all 1,000 submissions; run it
// with -benchtime=1x. It reports p50 and p99 in milliseconds.
//
// "apart" runs Slack and the 20 people in a process of their own, as in
// production, where Slack is not inside the app's process; "shared" runs
// them in the app's process, so the app's goroutines queue behind theirs.
//
//	go test ./bot -run '^$' -bench AddSymptomAck -benchtime=1x
//
// bench/ack-ratio.sh runs it several times, a fresh process each time, and
// prints untangle's p99 over minimal-click's within each run.
func BenchmarkAddSymptomAck(b *testing.B) {
	scenarios := []latencyScenario{{minimal: minimalOpened}, {minimal: minimalClicked}, {rcas: 1}, {rcas: 5}}
	for _, place := range []string{"apart", "shared"} {
		// One RCA that grows to 1,000 symptoms (the scenario), and the
		// same load spread over five RCAs of up to 200 symptoms each, which
		// shows how much of the latency the size of the tree costs.
		for _, sc := range scenarios {
			b.Run(place+"/"+sc.String(), func(b *testing.B) {
				for range b.N {
					if place == "apart" {
						ds, cpu := latencyApart(b, sc)
						latencyReport(b, ds)
						// The app's CPU time per submission (with its click).
						b.ReportMetric(float64(cpu.Microseconds())/float64(len(ds)), "app-cpu-µs/sub")
					} else {
						latencyReport(b, latencyShared(b, sc))
					}
				}
			})
		}
	}
}

// latencyReport reports the median and 99th percentile of ds.
func latencyReport(b *testing.B, ds []time.Duration) {
	slices.Sort(ds)
	ms := func(q float64) float64 {
		return float64(ds[min(len(ds)-1, int(q*float64(len(ds))))].Microseconds()) / 1000
	}
	b.ReportMetric(ms(0.50), "p50-ms")
	b.ReportMetric(ms(0.99), "p99-ms")
	b.ReportMetric(0, "ns/op")
}

// latencyShared runs the app, the fake Slack and the people in this process.
func latencyShared(b *testing.B, sc latencyScenario) []time.Duration {
	fake := slacktest.New(b, latencyLimits)
	users, general := latencyPeople(fake)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stop := latencyStartApp(b, ctx, sc, latencyConn{fake.APIURL(), fake.BotToken(), fake.AppToken(), general.ID})
	defer stop()
	ds, err := latencyLoad(b, ctx, sc, fake, users, general, b.ResetTimer)
	if err != nil {
		b.Fatal(err)
	}
	return ds
}

// Lines the people's process writes to its standard output.
const (
	latencyEnv       = "UNTANGLE_LATENCY_PEOPLE" // the scenario, in the people's process
	latencyConnLine  = "latency-conn "
	latencyGoLine    = "latency-go" // set-up done, the load begins
	latencyTimesLine = "latency-us "
	latencyErrLine   = "latency-error "
)

// latencyApart runs the fake Slack and the people in a child process (this
// test binary, running TestLatencyPeopleProcess) and the app in this one.
// It returns the latencies and the CPU time this process spent meanwhile.
func latencyApart(b *testing.B, sc latencyScenario) ([]time.Duration, time.Duration) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestLatencyPeopleProcess$")
	cmd.Env = append(os.Environ(), latencyEnv+"="+sc.String())
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	defer func() { _ = cmd.Wait() }()
	lines := bufio.NewScanner(out)
	lines.Buffer(make([]byte, 0, 64<<10), 1<<20)
	var stop func()
	var cpuStart time.Duration
	defer func() {
		if stop != nil {
			stop()
		}
	}()
	for lines.Scan() {
		line := lines.Text()
		switch {
		case strings.HasPrefix(line, latencyConnLine):
			var conn latencyConn
			if err := json.Unmarshal([]byte(strings.TrimPrefix(line, latencyConnLine)), &conn); err != nil {
				b.Fatal(err)
			}
			stop = latencyStartApp(b, ctx, sc, conn)
		case line == latencyGoLine:
			b.ResetTimer()
			cpuStart = processCPU()
		case strings.HasPrefix(line, latencyTimesLine):
			var us []int64
			if err := json.Unmarshal([]byte(strings.TrimPrefix(line, latencyTimesLine)), &us); err != nil {
				b.Fatal(err)
			}
			ds := make([]time.Duration, len(us))
			for i, u := range us {
				ds[i] = time.Duration(u) * time.Microsecond
			}
			return ds, processCPU() - cpuStart
		case strings.HasPrefix(line, latencyErrLine):
			b.Fatal("people's process: " + strings.TrimPrefix(line, latencyErrLine))
		}
	}
	b.Fatalf("people's process ended without results (%v)", lines.Err())
	return nil, 0
}

// processCPU is the user and system CPU time this process has used.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// TestLatencyPeopleProcess is the people's side of latencyApart: it runs
// only when BenchmarkAddSymptomAck starts this binary with the scenario in
// the environment. It prints how the app reaches the fake Slack, waits for
// the app to connect, runs the load and prints the latencies.
func TestLatencyPeopleProcess(t *testing.T) {
	name := os.Getenv(latencyEnv)
	if name == "" {
		t.Skip("the people's side of BenchmarkAddSymptomAck")
	}
	sc, err := parseLatencyScenario(name)
	if err != nil {
		t.Fatal(err)
	}
	fake := slacktest.New(t, latencyLimits)
	users, general := latencyPeople(fake)
	conn, _ := json.Marshal(latencyConn{fake.APIURL(), fake.BotToken(), fake.AppToken(), general.ID})
	fmt.Println(latencyConnLine + string(conn))
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	ds, err := latencyLoad(t, ctx, sc, fake, users, general, func() { fmt.Println(latencyGoLine) })
	if err != nil {
		fmt.Println(latencyErrLine + strings.ReplaceAll(err.Error(), "\n", " "))
		return
	}
	us := make([]int64, len(ds))
	for i, d := range ds {
		us[i] = d.Microseconds()
	}
	data, _ := json.Marshal(us)
	fmt.Println(latencyTimesLine + string(data))
}

// latencyLimits lifts the tiers of the views methods in the benchmark's
// fake Slack. Its burst, 1,000 modals opened and submitted by 20 people at
// once, is ten times what one workspace may open in a minute (views.open is
// Tier 4); the benchmark measures the acknowledgement path, so the modals
// open at any pace. The bot's own follow-up calls (the redraws) keep their
// tiers and its pacing.
var latencyLimits = slacktest.WithLimits(map[string]slacktest.Limit{
	"views.open": {}, "views.push": {}, "views.update": {},
})

// latencyPeople adds the simulated users and a channel with all of them.
func latencyPeople(fake *slacktest.Server) ([]slacktest.User, slacktest.Channel) {
	users := make([]slacktest.User, latencyUsers)
	for i := range users {
		users[i] = fake.AddUser(fmt.Sprintf("user%02d", i))
	}
	return users, fake.AddChannel("incidents", slacktest.ChannelOptions{Members: users, BotMember: true})
}

// latencyStartApp starts the app of sc against the fake Slack at conn and
// returns how to stop it.
func latencyStartApp(tb testing.TB, ctx context.Context, sc latencyScenario, conn latencyConn) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	if sc.minimal != "" {
		return latencyMinimalApp(ctx, cancel, conn, sc.minimal == minimalClicked)
	}
	db, err := storage.Open(ctx, filepath.Join(tb.TempDir(), "untangle.db"))
	if err != nil {
		tb.Fatal(err)
	}
	bt, err := bot.New(bot.Config{Refs: db, BotToken: conn.BotToken, AppToken: conn.AppToken, APIURL: conn.APIURL,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}, workflow.New(db, nil))
	if err != nil {
		tb.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- bt.Run(ctx) }()
	return func() {
		cancel()
		<-done
		db.Close()
	}
}

// latencyMinimalApp runs a slack-go Socket Mode program that acks every
// envelope at once. With clicks, it first posts a message with an "Add
// symptom" button, and opens untangle's Add symptom modal after acking a
// click on it.
func latencyMinimalApp(ctx context.Context, cancel func(), conn latencyConn, clicks bool) (stop func()) {
	api := slack.New(conn.BotToken, slack.OptionAppLevelToken(conn.AppToken), slack.OptionAPIURL(conn.APIURL))
	client := socketmode.New(api)
	done := make(chan struct{})
	go func() { _ = client.RunContext(ctx) }()
	modal := bot.SymptomModalForTest("Latency run 0")
	if clicks {
		btn := slack.NewButtonBlockElement("add", "1", slack.NewTextBlockObject(slack.PlainTextType, latencyButtonText, true, false))
		_, _, _ = api.PostMessageContext(ctx, conn.Channel, slack.MsgOptionText("Add symptoms", false),
			slack.MsgOptionBlocks(slack.NewActionBlock("add", btn)))
	}
	go func() {
		defer close(done)
		for {
			select {
			case <-ctx.Done():
				return
			case evt := <-client.Events:
				if evt.Request == nil {
					continue
				}
				_ = client.Ack(*evt.Request)
				if cb, ok := evt.Data.(slack.InteractionCallback); ok && clicks && cb.Type == slack.InteractionTypeBlockActions {
					go func() { _, _ = api.OpenViewContext(ctx, cb.TriggerID, modal) }()
				}
			}
		}
	}()
	return func() { cancel(); <-done }
}

// latencyButtonText is the button people click to add a symptom.
const latencyButtonText = ":heavy_plus_sign: Add symptom"

// latencyLoad waits for the app, sets up the scenario (the RCAs, for
// untangle), calls ready, and has the people send the 1,000 submissions.
func latencyLoad(tb testing.TB, ctx context.Context, sc latencyScenario, fake *slacktest.Server,
	users []slacktest.User, general slacktest.Channel, ready func()) ([]time.Duration, error) {
	wctx, cancel := context.WithTimeout(ctx, testTimeout)
	err := fake.WaitForConnection(wctx)
	cancel()
	if err != nil {
		return nil, fmt.Errorf("the app did not connect: %w", err)
	}
	switch sc.minimal {
	case minimalOpened:
		ready()
		return latencyRunMinimal(ctx, fake, users)
	case minimalClicked:
		wctx, cancel := context.WithTimeout(ctx, testTimeout)
		defer cancel()
		m, err := waitForMessage(wctx, fake, func(m slacktest.Message) bool { return strings.Contains(m.PlainText(), latencyButtonText) })
		if err != nil {
			return nil, fmt.Errorf("the minimal program's button: %w", err)
		}
		ready()
		return latencyRunClicks(ctx, users, func(slacktest.User) slacktest.Message { return m })
	}
	dash := map[string]slacktest.Message{}
	for k := range sc.rcas {
		var group []slacktest.User
		for i := k; i < len(users); i += sc.rcas {
			group = append(group, users[i])
		}
		m, err := latencyStartRCA(ctx, fake, group, general, fmt.Sprintf("Latency run %d", k))
		if err != nil {
			return nil, err
		}
		for _, u := range group {
			dash[u.ID] = m
		}
	}
	ready()
	return latencyRunClicks(ctx, users, func(u slacktest.User) slacktest.Message { return dash[u.ID] })
}

// latencyRunClicks has each person click "Add symptom" on their message,
// fill the modal that opens and submit it.
func latencyRunClicks(ctx context.Context, users []slacktest.User, msg func(slacktest.User) slacktest.Message) ([]time.Duration, error) {
	return latencyRun(ctx, users, func(ctx context.Context, u slacktest.User, i int) (time.Duration, error) {
		if _, err := u.ClickButton(ctx, msg(u), latencyButtonText); err != nil {
			return 0, err
		}
		return latencySubmit(ctx, u, i)
	})
}

// latencyRun runs submit for every user concurrently, 1,000 times in all,
// and returns how long each acknowledged submission took.
func latencyRun(ctx context.Context, users []slacktest.User, submit func(ctx context.Context, u slacktest.User, i int) (time.Duration, error)) ([]time.Duration, error) {
	per := latencySubmissions / len(users)
	out := make([]time.Duration, 0, latencySubmissions)
	var mu sync.Mutex
	var wg sync.WaitGroup
	errs := make(chan error, len(users))
	for ui, u := range users {
		wg.Go(func() {
			for i := range per {
				d, err := submit(ctx, u, ui*per+i)
				if err != nil {
					errs <- fmt.Errorf("%s submission %d: %w", u.Name, i, err)
					return
				}
				mu.Lock()
				out = append(out, d)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	close(errs)
	var all []error
	for err := range errs {
		all = append(all, err)
	}
	return out, errors.Join(all...)
}

// latencyRunMinimal has the people submit a modal that the minimal program
// "opened" (the fake opens it with the program's token).
func latencyRunMinimal(ctx context.Context, fake *slacktest.Server, users []slacktest.User) ([]time.Duration, error) {
	api := slack.New(fake.BotToken(), slack.OptionAPIURL(fake.APIURL()))
	in := slack.NewInputBlock("text", slack.NewTextBlockObject(slack.PlainTextType, "Symptom", false, false), nil,
		slack.NewPlainTextInputBlockElement(nil, "text"))
	view := slack.ModalViewRequest{Type: slack.VTModal, CallbackID: "add_symptom",
		Title:  slack.NewTextBlockObject(slack.PlainTextType, "Add symptom", false, false),
		Submit: slack.NewTextBlockObject(slack.PlainTextType, "Add", false, false),
		Blocks: slack.Blocks{BlockSet: []slack.Block{in}}}
	return latencyRun(ctx, users, func(ctx context.Context, u slacktest.User, i int) (time.Duration, error) {
		if _, err := api.OpenViewContext(ctx, u.NewTriggerID(), view); err != nil {
			return 0, err
		}
		return latencySubmit(ctx, u, i)
	})
}

// latencySubmit fills the open Add symptom modal and times its submission.
func latencySubmit(ctx context.Context, u slacktest.User, i int) (time.Duration, error) {
	v, err := u.WaitForViewWhere(ctx, func(v slacktest.View) bool { return v.CallbackID == "add_symptom" })
	if err != nil {
		return 0, err
	}
	if err := u.FillInput(v, "Symptom", fmt.Sprintf("Shard %d returns errors to %s", i, u.Name)); err != nil {
		return 0, err
	}
	start := time.Now()
	ack, err := u.SubmitView(ctx)
	d := time.Since(start)
	if err == nil && len(ack.Errors()) > 0 {
		err = fmt.Errorf("field errors %v", ack.Errors())
	}
	return d, err
}

// latencyStartRCA starts an RCA with users as participants and returns its dashboard.
func latencyStartRCA(ctx context.Context, fake *slacktest.Server, users []slacktest.User, general slacktest.Channel, title string) (slacktest.Message, error) {
	wctx, cancel := context.WithTimeout(ctx, testTimeout)
	defer cancel()
	owner := users[0]
	if _, err := owner.SlashCommand(wctx, general.ID, "/rca", "start "+title); err != nil {
		return slacktest.Message{}, err
	}
	v, err := owner.WaitForViewWhere(wctx, func(v slacktest.View) bool { return v.Title == "Start an RCA" })
	if err != nil {
		return slacktest.Message{}, err
	}
	for _, u := range users[1:] {
		if err := owner.Select(wctx, v, "Participants", u.Name); err != nil {
			return slacktest.Message{}, err
		}
	}
	if _, err := owner.SubmitView(wctx); err != nil {
		return slacktest.Message{}, err
	}
	return waitForMessage(wctx, fake, func(m slacktest.Message) bool { return strings.Contains(m.PlainText(), "RCA: "+title+"\n") })
}
