package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/untangle-rca/untangle/bot/slacktest"
	"github.com/untangle-rca/untangle/storage"
	"github.com/untangle-rca/untangle/storage/storagetest"
	"github.com/untangle-rca/untangle/workflow"
)

var (
	crashSeed  = flag.Uint64("crash.seed", 0, "seed of the crash test's kill points (0: from the clock)")
	crashKills = flag.Int("crash.kills", 22, "how many times the crash test kills the bot")
)

// crashRig runs the real untangle binary against a fake Slack, killing and
// restarting it on the same database.
type crashRig struct {
	t        *testing.T
	bin, dir string
	db       string // UNTANGLE_DB: a SQLite file, or a PostgreSQL database (UNTANGLE_TEST_BACKEND)
	fake     *slacktest.Server
	addr     string
	cmd      *exec.Cmd
	logs     []*os.File
	env      []string // more settings, NAME=value
}

// buildBinary compiles untangle into dir, as the Dockerfile does (CGO,
// -trimpath), with the build tags given.
func buildBinary(t *testing.T, dir string, tags ...string) string {
	t.Helper()
	bin := filepath.Join(dir, "untangle")
	cmd := exec.Command("go", "build", "-trimpath", "-tags="+strings.Join(tags, ","), "-o", bin, ".")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=1")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// freeAddr returns a loopback address with a port that was free a moment ago.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// start runs `untangle serve` and waits until its /healthz answers 200.
func (r *crashRig) start(ctx context.Context) {
	r.t.Helper()
	logf, err := os.Create(filepath.Join(r.dir, fmt.Sprintf("serve-%02d.log", len(r.logs))))
	if err != nil {
		r.t.Fatal(err)
	}
	r.logs = append(r.logs, logf)
	cmd := exec.Command(r.bin, "serve")
	cmd.Env = append(os.Environ(),
		"SLACK_BOT_TOKEN="+r.fake.BotToken(), "SLACK_APP_TOKEN="+r.fake.AppToken(), "SLACK_API_URL="+r.fake.APIURL(),
		"UNTANGLE_DB="+r.db, "UNTANGLE_HTTP_ADDR="+r.addr)
	cmd.Env = append(cmd.Env, r.env...)
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		r.t.Fatal(err)
	}
	r.cmd = cmd
	check := exec.Command(r.bin, "healthcheck", "--addr", r.addr, "--timeout", "500ms")
	for {
		if out, err := exec.CommandContext(ctx, check.Path, check.Args[1:]...).CombinedOutput(); err == nil {
			if !strings.Contains(string(out), `"socket_mode":"connected"`) {
				r.t.Fatalf("healthy without Socket Mode: %s", out)
			}
			if !strings.Contains(string(out), `"replica":"`) || !strings.Contains(string(out), `"scheduler_lease":"`) {
				r.t.Fatalf("/healthz does not name the replica and its scheduler lease: %s", out)
			}
			return
		}
		select {
		case <-ctx.Done():
			log, _ := os.ReadFile(logf.Name())
			r.t.Fatalf("untangle serve never became healthy; the end of its log:\n%s", log[max(0, len(log)-4096):])
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// kill sends SIGKILL and reaps the process.
func (r *crashRig) kill() {
	_ = r.cmd.Process.Signal(syscall.SIGKILL)
	_ = r.cmd.Wait()
}

// stop ends the process gracefully with SIGTERM and checks its exit code.
func (r *crashRig) stop() {
	r.t.Helper()
	_ = r.cmd.Process.Signal(syscall.SIGTERM)
	if err := r.cmd.Wait(); err != nil {
		r.t.Errorf("untangle serve after SIGTERM: %v", err)
	}
}

// startRCA runs the start flow as u; it reports whether the submission was
// acknowledged without field errors.
func startRCA(ctx context.Context, u slacktest.User, channel, title string) (bool, error) {
	if _, err := u.SlashCommand(ctx, channel, "/rca", "start "+title); err != nil {
		return false, err
	}
	if _, err := u.WaitForViewWhere(ctx, func(v slacktest.View) bool { return v.Title == "Start an RCA" }); err != nil {
		return false, err
	}
	ack, err := u.SubmitView(ctx)
	if err != nil {
		return false, err
	}
	if errs := ack.Errors(); len(errs) > 0 {
		return false, fmt.Errorf("refused: %v", errs)
	}
	return true, nil
}

// addSymptom adds a symptom through the dashboard's Add symptom modal; it
// reports whether the submission was acknowledged without field errors.
func addSymptom(ctx context.Context, fake *slacktest.Server, u slacktest.User, dash slacktest.Message, text string) (bool, error) {
	cur, ok := fake.Message(dash.Channel, dash.TS)
	if !ok {
		return false, fmt.Errorf("dashboard %s: %w", dash.TS, slacktest.ErrNotFound)
	}
	if _, err := u.ClickButton(ctx, cur, ":heavy_plus_sign: Add symptom"); err != nil {
		return false, err
	}
	v, err := u.WaitForViewWhere(ctx, func(v slacktest.View) bool { return v.CallbackID == "add_symptom" })
	if err != nil {
		return false, err
	}
	if err := u.FillInput(v, "Symptom", text); err != nil {
		return false, err
	}
	ack, err := u.SubmitView(ctx)
	if err != nil {
		return false, err
	}
	if errs := ack.Errors(); len(errs) > 0 {
		return false, fmt.Errorf("refused: %v", errs)
	}
	return true, nil
}

// crashRand is the random source of a crash test's kill points, from
// -crash.seed or the clock; it logs the seed to rerun the same points.
func crashRand(t *testing.T, stream uint64) *rand.Rand {
	seed := *crashSeed
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	t.Logf("crash seed %d (rerun with -crash.seed=%d)", seed, seed)
	return rand.New(rand.NewPCG(seed, stream))
}

// crashStep is one scripted action, done until the process is killed.
type crashStep func(ctx context.Context, name string) (bool, error)

func TestCrashSafetyUnderSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and kills it 20+ times")
	}
	rng := crashRand(t, 0)
	dir := t.TempDir()
	// The script starts RCAs as fast as it can, hundreds a minute, each with
	// a channel of its own: far beyond what Slack lets one workspace create
	// (Tier 2, about 20 a minute). The test is about crash safety, so the
	// tiers of the channel set-up are lifted.
	fake := slacktest.New(t, slacktest.WithAckTimeout(time.Second), slacktest.WithLimits(map[string]slacktest.Limit{
		"conversations.create": {}, "conversations.setTopic": {}, "conversations.setPurpose": {},
		"conversations.invite": {}, "pins.add": {}, "bookmarks.add": {},
	}))
	alice := fake.AddUser("alice")
	general := fake.AddChannel("incidents", slacktest.ChannelOptions{Members: []slacktest.User{alice}, BotMember: true})
	r := &crashRig{t: t, bin: buildBinary(t, dir), dir: dir, db: storagetest.New(t), fake: fake, addr: freeAddr(t)}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()

	// The RCA whose symptoms the script adds, made before the first kill.
	r.start(ctx)
	const base = "Crash base"
	if ok, err := startRCA(ctx, alice, general.ID, base); !ok {
		t.Fatalf("start the base RCA: %v", err)
	}
	eventually(ctx, t, "the base dashboard", func() bool { return dashboardFor(fake, base) })
	dash := dashboardMessage(fake, base)
	r.kill()

	steps := map[string]crashStep{
		"start": func(ctx context.Context, name string) (bool, error) { return startRCA(ctx, alice, general.ID, name) },
		"symptom": func(ctx context.Context, name string) (bool, error) {
			return addSymptom(ctx, fake, alice, dash, "Symptom "+name+" was observed")
		},
	}
	acked := map[string]bool{base: true}
	ackedSymptoms := map[string]bool{}
	tried := 0
	for kill := range *crashKills {
		r.start(ctx)
		deadline := time.Now().Add(time.Duration(rng.IntN(700)) * time.Millisecond)
		killed := make(chan struct{})
		go func() {
			time.Sleep(time.Until(deadline))
			r.kill()
			close(killed)
		}()
		for time.Now().Before(deadline) {
			tried++
			title := fmt.Sprintf("Crash %d-%d", kill, tried)
			kind := "start"
			if rng.IntN(2) == 0 {
				kind = "symptom"
			}
			actx, acancel := context.WithTimeout(ctx, 3*time.Second)
			ok, err := steps[kind](actx, title)
			acancel()
			switch {
			case ok && kind == "start":
				acked[title] = true
			case ok:
				ackedSymptoms["Symptom "+title+" was observed"] = true
			}
			if ok {
				continue
			} else if err != nil && !errors.Is(err, slacktest.ErrNoAck) && !strings.Contains(err.Error(), "connection") &&
				!errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, slacktest.ErrNotFound) {
				t.Logf("kill %d: %s: %v", kill, title, err)
			}
		}
		<-killed
	}
	r.start(ctx)
	final := "After the crashes"
	if ok, err := startRCA(ctx, alice, general.ID, final); !ok {
		t.Fatalf("the flow does not complete after the crashes: %v", err)
	}
	acked[final] = true
	eventually(ctx, t, "the last dashboard", func() bool { return dashboardFor(fake, final) })
	if ok, err := addSymptom(ctx, fake, alice, dash, "The last symptom was observed"); !ok {
		t.Fatalf("adding a symptom does not work after the crashes: %v", err)
	}
	ackedSymptoms["The last symptom was observed"] = true
	metrics := r.metrics(t)
	r.stop()
	t.Logf("%d kills, %d actions tried, %d starts and %d symptoms acknowledged", *crashKills, tried, len(acked), len(ackedSymptoms))
	checkLogs(t, r.logs, fake.BotToken(), fake.AppToken())
	symptoms := checkSymptomsOnce(t, r.db, alice.ID, dash.Channel, ackedSymptoms)
	counts := func() bool {
		final, _ := fake.Message(dash.Channel, dash.TS)
		return strings.Contains(final.PlainText(), fmt.Sprintf("%d symptoms", symptoms))
	}
	if !counts() {
		// A stop flushes pending redraws only within its budget; what it
		// drops, the next start redraws (at Slack's pace, after every other
		// open RCA's kept messages the kills left behind).
		r.start(ctx)
		eventually(ctx, t, fmt.Sprintf("the dashboard to count the %d symptoms after a restart", symptoms), counts)
		r.stop()
	}
	open := checkExactlyOnce(t, r.db, alice.ID, acked, fake)
	if want := fmt.Sprintf("untangle_open_rcas %d\n", open); !strings.Contains(metrics, want) {
		t.Errorf("/metrics of the real binary lacks %q", want)
	}
	for _, want := range []string{`untangle_replica_info{replica="`, "untangle_scheduler_lease_held "} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics of the real binary lacks %q", want)
		}
	}
}

// checkLogs checks that every line the processes wrote is a JSON log record
// (a SIGKILL may cut the last line short) and that no token appears.
func checkLogs(t *testing.T, files []*os.File, tokens ...string) {
	t.Helper()
	records := 0
	for _, f := range files {
		data, err := os.ReadFile(f.Name())
		if err != nil {
			t.Fatal(err)
		}
		for _, tok := range tokens {
			if strings.Contains(string(data), tok) {
				t.Errorf("%s contains a token", filepath.Base(f.Name()))
			}
		}
		lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
		for i, line := range lines[:max(len(lines)-1, 0)] {
			var rec map[string]any
			if err := json.Unmarshal([]byte(line), &rec); err != nil || rec["msg"] == nil {
				t.Errorf("%s line %d is not a JSON log record: %q", filepath.Base(f.Name()), i+1, line)
				break
			}
			records++
		}
		f.Close()
	}
	if records == 0 {
		t.Error("the processes logged nothing")
	}
}

// metrics fetches /metrics from the running binary.
func (r *crashRig) metrics(t *testing.T) string {
	t.Helper()
	resp, err := http.Get("http://" + r.addr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(body)
}

// dashboardMessage returns the dashboard of the RCA titled title.
func dashboardMessage(fake *slacktest.Server, title string) slacktest.Message {
	for _, c := range fake.Channels() {
		for _, m := range fake.Messages(c.ID) {
			if strings.HasPrefix(c.Name, "rca-") && strings.Contains(m.PlainText(), "RCA: "+title) {
				return m
			}
		}
	}
	return slacktest.Message{}
}

// checkSymptomsOnce checks that the RCA of channel has every acknowledged
// symptom once and no symptom twice; it returns the number of symptoms.
func checkSymptomsOnce(t *testing.T, dbPath, user, channel string, acked map[string]bool) int {
	t.Helper()
	ctx := context.Background()
	db, err := storage.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	svc := workflow.New(db, nil)
	actor := workflow.Actor{UserID: user}
	rca, err := svc.RCAForChannel(ctx, actor, channel)
	if err != nil {
		t.Fatal(err)
	}
	tr, err := svc.Tree(ctx, actor, rca.ID)
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	for _, n := range tr.Nodes() {
		count[n.Text]++
	}
	for text, n := range count {
		if n > 1 {
			t.Errorf("symptom %q stored %d times", text, n)
		}
	}
	for text := range acked {
		if count[text] != 1 {
			t.Errorf("acknowledged symptom %q stored %d times, want 1", text, count[text])
		}
	}
	return len(tr.Nodes())
}

// dashboardFor reports whether an RCA channel shows the dashboard of title.
func dashboardFor(fake *slacktest.Server, title string) bool {
	for _, c := range fake.Channels() {
		for _, m := range fake.Messages(c.ID) {
			if strings.HasPrefix(c.Name, "rca-") && strings.Contains(m.PlainText(), "RCA: "+title) {
				return true
			}
		}
	}
	return false
}

// checkExactlyOnce opens the database the killed processes wrote and checks
// that every acknowledged start is there once and nothing is there twice.
// It returns the number of RCAs.
func checkExactlyOnce(t *testing.T, dbPath, user string, acked map[string]bool, fake *slacktest.Server) int {
	t.Helper()
	ctx := context.Background()
	db, err := storage.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	list, err := workflow.New(db, nil).List(ctx, workflow.Actor{UserID: user})
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	for _, rca := range list {
		count[rca.Title]++
	}
	for title, n := range count {
		if n > 1 {
			t.Errorf("%q stored %d times", title, n)
		}
	}
	for title := range acked {
		if count[title] != 1 {
			t.Errorf("acknowledged %q stored %d times, want 1", title, count[title])
		}
	}
	for _, rca := range list {
		if rca.ChannelID == "" {
			// The next start resumes such set-ups; the last process may not have.
			t.Logf("RCA %q has no channel: the process died between saving it and creating the channel", rca.Title)
			continue
		}
		dashboards := 0
		for _, m := range fake.Messages(rca.ChannelID) {
			if strings.Contains(m.PlainText(), "RCA: "+rca.Title) {
				dashboards++
			}
		}
		if dashboards > 1 {
			t.Errorf("RCA %q has %d dashboards", rca.Title, dashboards)
		}
	}
	return len(list)
}

// eventually polls cond until it holds or ctx ends.
func eventually(ctx context.Context, t *testing.T, what string, cond func() bool) {
	t.Helper()
	for !cond() {
		select {
		case <-ctx.Done():
			t.Fatalf("timed out waiting for %s", what)
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// TestHealthcheckCommand runs `untangle healthcheck` against servers that
// answer as a healthy and an unhealthy bot (the crash test runs it against
// the real one).
func TestHealthcheckCommand(t *testing.T) {
	tests := []struct {
		name   string
		status int
		args   func(addr string) []string
		want   int
	}{
		{name: "healthy", status: http.StatusOK, args: func(a string) []string { return []string{"--addr", a} }, want: exitOK},
		{name: "unhealthy", status: http.StatusServiceUnavailable, args: func(a string) []string { return []string{"--addr", a} }, want: exitInput},
		{name: "nothing listening", status: 0, args: func(string) []string { return []string{"--addr", freeAddr(t), "--timeout", "1s"} }, want: exitInput},
		{name: "no address", status: http.StatusOK, args: func(string) []string { return []string{"--addr", ""} }, want: exitUsage},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path != "/healthz" {
					http.NotFound(w, r)
					return
				}
				w.WriteHeader(tc.status)
				fmt.Fprintln(w, `{"ok":false}`)
			}))
			defer srv.Close()
			var out, errOut strings.Builder
			code := runHealthcheck(context.Background(), tc.args(srv.Listener.Addr().String()), stdio{out: &out, err: &errOut})
			if code != tc.want {
				t.Errorf("exit %d, want %d; stderr %q", code, tc.want, errOut.String())
			}
		})
	}
}

func TestHealthURL(t *testing.T) {
	tests := []struct{ name, addr, want string }{
		{name: "port only", addr: ":8080", want: "http://127.0.0.1:8080/healthz"},
		{name: "all IPv4", addr: "0.0.0.0:9000", want: "http://127.0.0.1:9000/healthz"},
		{name: "all IPv6", addr: "[::]:9000", want: "http://127.0.0.1:9000/healthz"},
		{name: "named host", addr: "untangle.internal:8080", want: "http://untangle.internal:8080/healthz"},
		{name: "IPv6 host", addr: "[::1]:8080", want: "http://[::1]:8080/healthz"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := healthURL(tc.addr); got != tc.want {
				t.Errorf("healthURL(%q) = %q, want %q", tc.addr, got, tc.want)
			}
		})
	}
}
