package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/untangle-rca/untangle/bot"
	"github.com/untangle-rca/untangle/bot/slacktest"
	"github.com/untangle-rca/untangle/storage"
	"github.com/untangle-rca/untangle/storage/storagetest"
	"github.com/untangle-rca/untangle/workflow"
)

// replicaSlot is the reminder schedule of the replica test: a slot every
// five seconds (a binary built with -tags untangle_seconds accepts it).
const (
	replicaCron = "*/5 * * * * *"
	replicaSlot = 5 * time.Second
)

// replicaSet is several untangle processes on one database and one fake
// Slack, each a crashRig of its own.
type replicaSet struct {
	t    *testing.T
	bin  string
	db   string
	fake *slacktest.Server
	rigs []*crashRig
}

// newReplica starts one more replica and waits until it is healthy.
func (s *replicaSet) newReplica(ctx context.Context) *crashRig {
	dir := filepath.Join(s.t.TempDir(), strconv.Itoa(len(s.rigs)))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		s.t.Fatal(err)
	}
	r := &crashRig{t: s.t, bin: s.bin, dir: dir, db: s.db, fake: s.fake, addr: freeAddr(s.t),
		env: []string{"UNTANGLE_REMIND_CRON=" + replicaCron}}
	r.start(ctx)
	s.rigs = append(s.rigs, r)
	return r
}

// health reads a replica's /healthz.
func (r *crashRig) health() (bot.Health, error) {
	var h bot.Health
	resp, err := http.Get("http://" + r.addr + "/healthz")
	if err != nil {
		return h, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return h, err
	}
	return h, json.Unmarshal(body, &h)
}

// leader returns the replica among live that holds the scheduler lease.
func leader(ctx context.Context, t *testing.T, live []*crashRig) *crashRig {
	t.Helper()
	var held *crashRig
	eventually(ctx, t, "a replica to hold the scheduler lease", func() bool {
		for _, r := range live {
			if h, err := r.health(); err == nil && h.SchedulerLease == "held" {
				held = r
				return true
			}
		}
		return false
	})
	return held
}

// startRCAWith runs the start flow as u with the others as participants; it
// returns the new RCA's dashboard.
func startRCAWith(ctx context.Context, t *testing.T, fake *slacktest.Server, u slacktest.User, channel, title string, others []slacktest.User) slacktest.Message {
	t.Helper()
	if _, err := u.SlashCommand(ctx, channel, "/rca", "start "+title); err != nil {
		t.Fatalf("/rca start %s: %v", title, err)
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
	if ack, err := u.SubmitView(ctx); err != nil || len(ack.Errors()) > 0 {
		t.Fatalf("submit the start modal of %s: %v", title, err)
	}
	eventually(ctx, t, "the dashboard of "+title, func() bool { return dashboardFor(fake, title) })
	return dashboardMessage(fake, title)
}

// rcaRun is an RCA of the replica test whose team adds symptoms.
type rcaRun struct {
	title string
	dash  slacktest.Message
	team  []slacktest.User
}

// titles returns the titles of runs.
func titles(runs []*rcaRun) []string {
	out := make([]string, len(runs))
	for i, r := range runs {
		out[i] = r.title
	}
	return out
}

// TestReplicasOnPostgres runs three replicas of the real binary on one
// PostgreSQL database, each Socket Mode envelope handed to one of them at
// random, while 20 people add symptoms at once; it kills the replica that
// runs the reminders, later another (restarted), and checks that every
// acknowledged action is stored once, nothing twice, the kept messages
// show the stored state, and every reminder slot was posted at most once,
// with the reminders moving to another replica within the lease's time.
func TestReplicasOnPostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs three replicas")
	}
	seed := uint64(time.Now().UnixNano())
	t.Logf("replica seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 1))
	// Twenty people opening a modal every second or so is several times
	// what Slack lets one app open (Tier 4, about 100 a minute); the test is
	// about replicas under load, so that tier is lifted, as are those of
	// the channel set-ups.
	fake := slacktest.New(t, slacktest.WithSpread(seed), slacktest.WithLimits(map[string]slacktest.Limit{
		"views.open": {}, "conversations.create": {}, "conversations.invite": {},
	}))
	var people []slacktest.User
	for i := range 20 {
		people = append(people, fake.AddUser(fmt.Sprintf("person%02d", i)))
	}
	general := fake.AddChannel("incidents", slacktest.ChannelOptions{Members: people, BotMember: true})
	set := &replicaSet{t: t, bin: buildBinary(t, t.TempDir(), "untangle_seconds"), db: storagetest.Postgres(t), fake: fake}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	for range 3 {
		set.newReplica(ctx)
	}

	// Three RCAs of five people each get the symptoms; the last five say
	// which links of a fourth hold in its challenge pass; two RCAs stay
	// without symptoms, so they are reminded at every slot.
	var active []*rcaRun
	for i := range 3 {
		team := people[i*5 : i*5+5]
		title := fmt.Sprintf("Replica outage %d", i)
		active = append(active, &rcaRun{title: title, team: team, dash: startRCAWith(ctx, t, fake, team[0], general.ID, title, team[1:])})
	}
	quiet := []string{"Quiet one", "Quiet two"}
	for i, title := range quiet {
		startRCAWith(ctx, t, fake, people[i], general.ID, title, nil)
	}
	db, err := storage.Open(ctx, set.db)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	svc := workflow.New(db, nil)
	challenge := startChallenge(ctx, t, fake, svc, general.ID, people[15:])
	challenge.loadCards(ctx, t, db)

	var mu sync.Mutex
	ackedSymptoms := map[string]map[string]bool{} // RCA title → symptom texts acknowledged
	tried := 0
	failures := map[string]int{} // what the unacknowledged tries ran into
	stopActing := time.Now().Add(20 * time.Second)
	var wg sync.WaitGroup
	for i, u := range people {
		if i >= 15 {
			urng := rand.New(rand.NewPCG(seed, uint64(i)))
			wg.Go(func() { challenge.act(ctx, u, urng, stopActing) })
			continue
		}
		run := active[i/5]
		pause := time.Duration(300+rng.IntN(500)) * time.Millisecond
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; time.Now().Before(stopActing); n++ {
				text := fmt.Sprintf("Symptom %s-%d was observed", u.Name, n)
				actx, acancel := context.WithTimeout(ctx, 4*time.Second)
				ok, err := addSymptom(actx, fake, u, run.dash, text)
				acancel()
				mu.Lock()
				tried++
				if err != nil {
					failures[firstWords(err.Error())]++
				}
				if ok {
					if ackedSymptoms[run.title] == nil {
						ackedSymptoms[run.title] = map[string]bool{}
					}
					ackedSymptoms[run.title][text] = true
				}
				mu.Unlock()
				time.Sleep(pause)
			}
		}()
	}

	// The replica that runs the reminders dies for good (early: its lease
	// takes up to 40 s to move); later another dies and comes back.
	time.Sleep(2 * time.Second)
	lead := leader(ctx, t, set.rigs)
	// Halfway between two slots: a replica that dies between posting a
	// reminder and recording it lets the next holder post it again (Slack
	// offers no idempotent post), which this test is not about.
	time.Sleep((replicaSlot/2 - time.Since(time.Now().Truncate(replicaSlot)) + replicaSlot) % replicaSlot)
	leaderDied := time.Now()
	lead.kill()
	live := slices.DeleteFunc(slices.Clone(set.rigs), func(r *crashRig) bool { return r == lead })
	time.Sleep(5 * time.Second)
	victim := live[rng.IntN(len(live))]
	victim.kill()
	time.Sleep(3 * time.Second)
	victim.start(ctx)
	wg.Wait()

	// Reminders move to a live replica within the lease's time.
	leader(ctx, t, live)
	eventually(ctx, t, "two reminders posted after the reminder replica died", func() bool {
		return len(remindersAfter(fake, quiet[0], leaderDied)) >= 2
	})
	failover := remindersAfter(fake, quiet[0], leaderDied)[0].Sub(leaderDied)
	t.Logf("reminders moved to another replica %v after the first one died (lease %v, renewed every %v)", failover.Round(100*time.Millisecond), bot.LeaseTTL, bot.LeaseRenew)
	if limit := bot.LeaseTTL + bot.LeaseRenew + 2*replicaSlot; failover > limit {
		t.Errorf("the reminders took %v to move to another replica, want at most %v", failover, limit)
	}

	// The kept messages converge on what is stored.
	challenge.check(ctx, t, fake, svc)
	total := 0
	for _, run := range active {
		n := checkSymptomsOnce(t, set.db, run.team[0].ID, run.dash.Channel, ackedSymptoms[run.title])
		total += len(ackedSymptoms[run.title])
		want := fmt.Sprintf("%d symptoms", n)
		eventually(ctx, t, fmt.Sprintf("the dashboard of %s to show %q", run.title, want), func() bool {
			m, _ := fake.Message(run.dash.Channel, run.dash.TS)
			return strings.Contains(m.PlainText(), want)
		})
		outlines := 0
		for _, m := range fake.Messages(run.dash.Channel) {
			if strings.HasPrefix(m.Text, "Outline:") {
				outlines++
			}
		}
		if outlines != 1 {
			t.Errorf("%s has %d outline messages, want 1", run.title, outlines)
		}
	}
	t.Logf("%d symptoms acknowledged of %d tried (failures %v); envelopes per connection %v", total, tried, failures, fake.EnvelopesPerConnection())
	acked := map[string]bool{}
	for _, run := range active {
		acked[run.title] = true
	}
	for _, title := range quiet {
		acked[title] = true
	}
	acked[challenge.title] = true
	checkExactlyOnce(t, set.db, people[0].ID, acked, fake)
	for _, title := range quiet {
		checkRemindersOnce(ctx, t, svc, fake, title, leaderDied, true)
	}
	for _, title := range append(titles(active), challenge.title) {
		checkRemindersOnce(ctx, t, svc, fake, title, leaderDied, false)
	}
	for _, r := range live {
		r.stop()
	}
	var logs []*os.File
	for _, r := range set.rigs {
		logs = append(logs, r.logs...)
	}
	checkLogs(t, logs, fake.BotToken(), fake.AppToken())
}

// firstWords shortens an error to what kind it is.
func firstWords(s string) string {
	if i := strings.LastIndex(s, ": "); i >= 0 {
		return s[i+2:]
	}
	return s
}

// reminderPosts returns the times of the channel reminders of the RCA
// titled title, in order.
func reminderPosts(fake *slacktest.Server, title string) []time.Time {
	var out []time.Time
	dash := dashboardMessage(fake, title)
	for _, m := range fake.Messages(dash.Channel) {
		if strings.HasPrefix(m.Text, "Reminder:") {
			out = append(out, slackTime(m.TS))
		}
	}
	return out
}

// remindersAfter returns when the reminders of title after t were posted.
func remindersAfter(fake *slacktest.Server, title string, t time.Time) []time.Time {
	var out []time.Time
	for _, at := range reminderPosts(fake, title) {
		if at.After(t) {
			out = append(out, at)
		}
	}
	return out
}

// slackTime turns a message ts into the time it stands for.
func slackTime(ts string) time.Time {
	f, _ := strconv.ParseFloat(ts, 64)
	return time.UnixMicro(int64(f * 1e6))
}

// checkRemindersOnce checks the reminders of the RCA titled title: each
// slot recorded once, one channel reminder per recorded slot, and no gap
// between slots longer than two slots but the one the reminder replica's
// death made, which the lease bounds, when steady (the RCA had something
// pending all along).
func checkRemindersOnce(ctx context.Context, t *testing.T, svc *workflow.Service, fake *slacktest.Server, title string, died time.Time, steady bool) {
	t.Helper()
	dash := dashboardMessage(fake, title)
	rca, err := svc.RCAForChannel(ctx, workflow.Actor{UserID: workflow.SystemUser}, dash.Channel)
	if err != nil {
		t.Fatal(err)
	}
	entries, err := svc.AuditLog(ctx, workflow.Actor{UserID: rca.Facilitator}, rca.ID)
	if err != nil {
		t.Fatal(err)
	}
	var slots []time.Time
	seen := map[time.Time]bool{}
	for _, e := range entries {
		if e.Action != "reminded" {
			continue
		}
		var st workflow.ReminderState
		if err := json.Unmarshal(e.After, &st); err != nil {
			t.Fatalf("reminded entry %d: %v", e.ID, err)
		}
		if seen[st.LastReminded] {
			t.Errorf("%s: slot %s reminded twice", title, st.LastReminded.Format(time.TimeOnly))
		}
		seen[st.LastReminded] = true
		slots = append(slots, st.LastReminded)
	}
	posts := reminderPosts(fake, title)
	if len(posts) != len(slots) {
		t.Errorf("%s: %d channel reminders for %d recorded slots", title, len(posts), len(slots))
	}
	if steady && len(slots) < 2 {
		t.Errorf("%s: %d reminder slots; the test saw too few to judge", title, len(slots))
		return
	}
	if steady {
		for i := 1; i < len(slots); i++ {
			gap := slots[i].Sub(slots[i-1])
			limit := 2 * replicaSlot
			if slots[i-1].Before(died) && !slots[i].Before(died) {
				limit = bot.LeaseTTL + bot.LeaseRenew + 2*replicaSlot
			}
			if gap > limit {
				t.Errorf("%s: no reminder between the slots %s and %s", title, slots[i-1].Format(time.TimeOnly), slots[i].Format(time.TimeOnly))
			}
		}
	}
}
