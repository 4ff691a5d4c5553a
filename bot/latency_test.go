package bot_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"sync"
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

// BenchmarkAddSymptomAck measures the ack latency of "Add symptom"
// submissions through the fake Slack on loopback: the real bot (SQLite file,
// Socket Mode) next to a minimal slack-go Socket Mode program that acks at
// once, in the same run. Each iteration sends all 1,000 submissions; run it
// with -benchtime=1x. It reports p50 and p99 in milliseconds.
//
//	go test ./bot -run '^$' -bench AddSymptomAck -benchtime=1x
func BenchmarkAddSymptomAck(b *testing.B) {
	b.Run("minimal", func(b *testing.B) {
		for range b.N {
			latencyReport(b, latencyMinimal(b))
		}
	})
	// One RCA that grows to 1,000 symptoms (the scenario), and the
	// same load spread over five RCAs of up to 200 symptoms each, which shows
	// how much of the latency the size of the tree costs.
	for _, rcas := range []int{1, 5} {
		b.Run(fmt.Sprintf("untangle-%drca", rcas), func(b *testing.B) {
			for range b.N {
				latencyReport(b, latencyUntangle(b, rcas))
			}
		})
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

// latencyPeople adds the simulated users and a channel with all of them.
func latencyPeople(fake *slacktest.Server) ([]slacktest.User, slacktest.Channel) {
	users := make([]slacktest.User, latencyUsers)
	for i := range users {
		users[i] = fake.AddUser(fmt.Sprintf("user%02d", i))
	}
	return users, fake.AddChannel("incidents", slacktest.ChannelOptions{Members: users, BotMember: true})
}

// latencyRun runs submit for every user concurrently, 1,000 times in all,
// and returns how long each acknowledged submission took.
func latencyRun(b *testing.B, users []slacktest.User, submit func(ctx context.Context, u slacktest.User, i int) (time.Duration, error)) []time.Duration {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	per := latencySubmissions / len(users)
	out := make([]time.Duration, 0, latencySubmissions)
	var mu sync.Mutex
	var wg sync.WaitGroup
	errs := make(chan error, len(users))
	for ui, u := range users {
		wg.Add(1)
		go func() {
			defer wg.Done()
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
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		b.Fatal(err)
	}
	return out
}

// latencyMinimal runs a slack-go Socket Mode program that acks every
// envelope at once; the people submit a modal it opened.
func latencyMinimal(b *testing.B) []time.Duration {
	fake := slacktest.New(b)
	users, _ := latencyPeople(fake)
	api := slack.New(fake.BotToken(), slack.OptionAppLevelToken(fake.AppToken()), slack.OptionAPIURL(fake.APIURL()))
	client := socketmode.New(api)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { _ = client.RunContext(ctx) }()
	go func() {
		for evt := range client.Events {
			if evt.Request != nil {
				_ = client.Ack(*evt.Request)
			}
		}
	}()
	if err := fake.WaitForConnection(ctx); err != nil {
		b.Fatal(err)
	}
	in := slack.NewInputBlock("text", slack.NewTextBlockObject(slack.PlainTextType, "Symptom", false, false), nil,
		slack.NewPlainTextInputBlockElement(nil, "text"))
	view := slack.ModalViewRequest{Type: slack.VTModal, CallbackID: "add_symptom",
		Title:  slack.NewTextBlockObject(slack.PlainTextType, "Add symptom", false, false),
		Submit: slack.NewTextBlockObject(slack.PlainTextType, "Add", false, false),
		Blocks: slack.Blocks{BlockSet: []slack.Block{in}}}
	b.ResetTimer()
	return latencyRun(b, users, func(ctx context.Context, u slacktest.User, i int) (time.Duration, error) {
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

// latencyUntangle runs the real bot on a SQLite file with the people split
// over rcas RCAs; they click "Add symptom" on their RCA's dashboard, fill the
// modal and submit it.
func latencyUntangle(b *testing.B, rcas int) []time.Duration {
	fake := slacktest.New(b)
	users, general := latencyPeople(fake)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	db, err := storage.Open(ctx, filepath.Join(b.TempDir(), "untangle.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	bt, err := bot.New(bot.Config{BotToken: fake.BotToken(), AppToken: fake.AppToken(), APIURL: fake.APIURL(),
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}, workflow.New(db, nil))
	if err != nil {
		b.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- bt.Run(ctx) }()
	defer func() { cancel(); <-done }()
	if err := fake.WaitForConnection(ctx); err != nil {
		b.Fatal(err)
	}
	dash := map[string]slacktest.Message{}
	for k := range rcas {
		var group []slacktest.User
		for i := k; i < len(users); i += rcas {
			group = append(group, users[i])
		}
		m := latencyStartRCA(b, ctx, fake, group, general, fmt.Sprintf("Latency run %d", k))
		for _, u := range group {
			dash[u.ID] = m
		}
	}
	b.ResetTimer()
	return latencyRun(b, users, func(ctx context.Context, u slacktest.User, i int) (time.Duration, error) {
		if _, err := u.ClickButton(ctx, dash[u.ID], ":heavy_plus_sign: Add symptom"); err != nil {
			return 0, err
		}
		return latencySubmit(ctx, u, i)
	})
}

// latencyStartRCA starts an RCA with users as participants and returns its dashboard.
func latencyStartRCA(b *testing.B, ctx context.Context, fake *slacktest.Server, users []slacktest.User, general slacktest.Channel, title string) slacktest.Message {
	wctx, cancel := context.WithTimeout(ctx, testTimeout)
	defer cancel()
	owner := users[0]
	if _, err := owner.SlashCommand(wctx, general.ID, "/rca", "start "+title); err != nil {
		b.Fatal(err)
	}
	v, err := owner.WaitForViewWhere(wctx, func(v slacktest.View) bool { return v.Title == "Start an RCA" })
	if err != nil {
		b.Fatal(err)
	}
	for _, u := range users[1:] {
		if err := owner.Select(wctx, v, "Participants", u.Name); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := owner.SubmitView(wctx); err != nil {
		b.Fatal(err)
	}
	dash, err := waitForMessage(wctx, fake, func(m slacktest.Message) bool { return strings.Contains(m.PlainText(), "RCA: "+title+"\n") })
	if err != nil {
		b.Fatal(err)
	}
	return dash
}
