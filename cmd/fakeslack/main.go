// Command fakeslack runs the strict fake Slack of bot/slacktest on a fixed
// loopback address, so `untangle serve` can be tried from the command line
// without a Slack workspace:
//
//	go run ./cmd/fakeslack -demo   # prints SLACK_API_URL and the two tokens
//	# in another shell, with those three variables exported:
//	go run ./cmd/untangle serve
//
// docs/serve-against-fake.md walks through it.
//
// It adds a few people and a channel, prints SLACK_API_URL, SLACK_BOT_TOKEN
// and SLACK_APP_TOKEN, and with -demo acts as the first person once the bot
// connects: /rca help, /rca start, one symptom through the Add symptom modal,
// printing what the bot answered. With -tracker github|jira|linear it also
// runs that tracker's fake and prints its UNTANGLE_* settings. It runs
// until interrupted.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/untangle-rca/untangle/bot/slacktest"
	"github.com/untangle-rca/untangle/workflow/tracker/trackertest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr, nil))
}

// options are the command's flags.
type options struct {
	addr    string
	people  string
	channel string
	demo    bool
	tracker string
}

// run starts the fake and serves until ctx is done. ready, when not nil,
// receives the API URL once the fake listens (for tests).
func run(ctx context.Context, args []string, stdout, stderr io.Writer, ready chan<- string) int {
	fs := flag.NewFlagSet("fakeslack", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o options
	fs.StringVar(&o.addr, "addr", "127.0.0.1:3993", "loopback address of the Web API (host:port; port 0 picks one)")
	fs.StringVar(&o.people, "people", "alice,bob", "comma-separated names of the people in the workspace")
	fs.StringVar(&o.channel, "channel", "incidents", "a public channel with everyone and the bot in it")
	fs.BoolVar(&o.demo, "demo", false, "once the bot connects, act as the first person and print the bot's answers")
	fs.StringVar(&o.tracker, "tracker", "", "also run a fake tracker (github, jira or linear) and print its UNTANGLE_* settings")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if err := serve(ctx, o, stdout, ready); err != nil {
		fmt.Fprintln(stderr, "fakeslack:", err)
		return 1
	}
	return 0
}

// serve runs the fake behind a reverse proxy on o.addr until ctx is done.
func serve(ctx context.Context, o options, stdout io.Writer, ready chan<- string) error {
	host, _, err := net.SplitHostPort(o.addr)
	if err != nil {
		return fmt.Errorf("-addr %q: %w", o.addr, err)
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return fmt.Errorf("-addr %q: the fake only listens on loopback", o.addr)
	}
	fake, err := slacktest.NewServer()
	if err != nil {
		return err
	}
	defer fake.Close()
	people, ch := populate(fake, o)

	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", o.addr, err)
	}
	target, err := url.Parse(strings.TrimSuffix(fake.APIURL(), "api/"))
	if err != nil {
		return fmt.Errorf("fake URL: %w", err)
	}
	srv := &http.Server{Handler: httputil.NewSingleHostReverseProxy(target), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()

	apiURL := "http://" + ln.Addr().String() + "/api/"
	fmt.Fprintf(stdout, "SLACK_API_URL=%s\nSLACK_BOT_TOKEN=%s\nSLACK_APP_TOKEN=%s\n", apiURL, fake.BotToken(), fake.AppToken())
	if o.tracker != "" {
		tr, err := trackertest.Start(o.tracker)
		if err != nil {
			return fmt.Errorf("-tracker: %w", err)
		}
		defer tr.Close()
		fmt.Fprintln(stdout, strings.Join(tr.Env(), "\n"))
		go reportTickets(ctx, tr, stdout)
	}
	fmt.Fprintf(stdout, "# people: %s; channel #%s (%s). Waiting for `untangle serve`… (Ctrl-C stops)\n", o.people, o.channel, ch.ID)
	if ready != nil {
		ready <- apiURL
	}
	if err := fake.WaitForConnection(ctx); err != nil {
		return nil // interrupted before the bot came
	}
	fmt.Fprintln(stdout, "# the bot connected over Socket Mode")
	if o.demo {
		if err := demo(ctx, fake, people[0], ch, stdout); err != nil {
			return fmt.Errorf("demo: %w", err)
		}
	}
	<-ctx.Done()
	return nil
}

// reportTickets prints each ticket filed in the fake tracker.
func reportTickets(ctx context.Context, tr *trackertest.Server, out io.Writer) {
	seen := 0
	for {
		select {
		case <-ctx.Done():
			return
		case <-time.After(500 * time.Millisecond):
		}
		for _, t := range tr.Tickets()[seen:] {
			fmt.Fprintf(out, "# ticket filed in the fake %s tracker: %s %q\n", tr.Kind, t.Key, t.Title)
			seen++
		}
	}
}

// populate adds the people and the channel.
func populate(fake *slacktest.Server, o options) ([]slacktest.User, slacktest.Channel) {
	var people []slacktest.User
	for _, name := range strings.Split(o.people, ",") {
		if name = strings.TrimSpace(name); name != "" {
			people = append(people, fake.AddUser(name))
		}
	}
	if len(people) == 0 {
		people = append(people, fake.AddUser("alice"))
	}
	ch := fake.AddChannel(o.channel, slacktest.ChannelOptions{Members: people, BotMember: true})
	return people, ch
}

// demo acts as u: /rca help, /rca start with the modal, one symptom, and
// prints what the bot showed.
func demo(ctx context.Context, fake *slacktest.Server, u slacktest.User, ch slacktest.Channel, out io.Writer) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	ack, err := u.SlashCommand(ctx, ch.ID, "/rca", "help")
	if err != nil {
		return fmt.Errorf("/rca help: %w", err)
	}
	fmt.Fprintf(out, "\n## /rca help\n%s\n", ack.Text())
	if _, err := u.SlashCommand(ctx, ch.ID, "/rca", "start Demo outage"); err != nil {
		return fmt.Errorf("/rca start: %w", err)
	}
	if _, err := u.WaitForViewWhere(ctx, func(v slacktest.View) bool { return v.Title == "Start an RCA" }); err != nil {
		return fmt.Errorf("start modal: %w", err)
	}
	if _, err := u.SubmitView(ctx); err != nil {
		return fmt.Errorf("submit the start modal: %w", err)
	}
	dash, err := waitFor(ctx, fake, func(m slacktest.Message) bool { return strings.Contains(m.PlainText(), "RCA: Demo outage") })
	if err != nil {
		return fmt.Errorf("dashboard: %w", err)
	}
	fmt.Fprintf(out, "\n## dashboard in the new channel\n%s\n", dash.PlainText())
	if _, err := u.ClickButton(ctx, dash, ":heavy_plus_sign: Add symptom"); err != nil {
		return fmt.Errorf("click Add symptom: %w", err)
	}
	v, err := u.WaitForViewWhere(ctx, func(v slacktest.View) bool { return v.Title == "Add symptom" })
	if err != nil {
		return fmt.Errorf("symptom modal: %w", err)
	}
	if err := u.FillInput(v, "Symptom", "Checkout returns HTTP 502 for 8% of requests"); err != nil {
		return err
	}
	if _, err := u.SubmitView(ctx); err != nil {
		return fmt.Errorf("submit the symptom: %w", err)
	}
	outline, err := waitFor(ctx, fake, func(m slacktest.Message) bool { return strings.HasPrefix(m.Text, "Outline:") })
	if err != nil {
		return fmt.Errorf("outline: %w", err)
	}
	fmt.Fprintf(out, "\n## outline\n%s\n\n# demo done; the fake keeps running (Ctrl-C stops)\n", outline.PlainText())
	return nil
}

// waitFor polls every channel for a message that matches.
func waitFor(ctx context.Context, fake *slacktest.Server, match func(slacktest.Message) bool) (slacktest.Message, error) {
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
		case <-time.After(50 * time.Millisecond):
		}
	}
}
