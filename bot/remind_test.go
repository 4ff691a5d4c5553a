package bot

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/untangle-rca/untangle/bot/slacktest"
	"github.com/untangle-rca/untangle/storage"
	"github.com/untangle-rca/untangle/tree"
	"github.com/untangle-rca/untangle/workflow"
)

// These tests drive the reminder scheduler with an injected clock: the
// scheduler tests call its firing function (tick) at chosen instants against
// the fake Slack and a real SQLite file; the end-to-end test runs the whole
// bot, whose cron ticks every second on a seconds-level test schedule.

var (
	remindBerlin = remindZone("Europe/Berlin")
	remindLA     = remindZone("America/Los_Angeles")
)

func remindZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// remindAt is a wall-clock instant in loc.
func remindAt(loc *time.Location, y int, m time.Month, d, hh, mm, ss int) time.Time {
	return time.Date(y, m, d, hh, mm, ss, 0, loc)
}

// remindClock is a settable clock shared by the bot and the workflow.
type remindClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *remindClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *remindClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// remindEnv is a bot (not connected: the scheduler only needs the Web API)
// on a real database, a fake Slack with three people, and a scheduler.
type remindEnv struct {
	t               testing.TB
	ctx             context.Context
	fake            *slacktest.Server
	clock           *remindClock
	loc             *time.Location
	dbPath          string
	db              *storage.DB
	svc             *workflow.Service
	bot             *Bot
	sched           *scheduler
	fac, alice, bob slacktest.User
	channel         slacktest.Channel
}

func newRemindEnv(t testing.TB, loc *time.Location, start time.Time) *remindEnv {
	t.Helper()
	return newRemindEnvOn(t, loc, start, filepath.Join(t.TempDir(), "untangle.db"))
}

// newRemindEnvOn is newRemindEnv on the database dsn names.
func newRemindEnvOn(t testing.TB, loc *time.Location, start time.Time, dsn string) *remindEnv {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	fake := slacktest.New(t)
	e := &remindEnv{t: t, ctx: ctx, fake: fake, clock: &remindClock{now: start}, loc: loc,
		dbPath: dsn}
	e.fac, e.alice, e.bob = fake.AddUser("fran"), fake.AddUser("alice"), fake.AddUser("bob")
	e.channel = fake.AddChannel("rca-payments", slacktest.ChannelOptions{
		Members: []slacktest.User{e.fac, e.alice, e.bob}, BotMember: true})
	e.open()
	t.Cleanup(func() { e.db.Close() })
	return e
}

// open (re)starts the process: database, workflow, bot and scheduler.
func (e *remindEnv) open() {
	e.t.Helper()
	db, err := storage.Open(e.ctx, e.dbPath, storage.WithClock(e.clock.Now))
	if err != nil {
		e.t.Fatal(err)
	}
	e.db = db
	e.svc = workflow.New(db, workflow.ClockFunc(e.clock.Now), workflow.WithLocation(e.loc))
	e.bot, err = New(Config{Refs: db, BotToken: e.fake.BotToken(), AppToken: e.fake.AppToken(), APIURL: e.fake.APIURL(),
		Location: e.loc, Now: e.clock.Now, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}, e.svc)
	if err != nil {
		e.t.Fatal(err)
	}
	if e.sched, err = e.bot.newScheduler(); err != nil {
		e.t.Fatal(err)
	}
}

// restart is a bot restart: a new process on the same database.
func (e *remindEnv) restart() {
	e.db.Close()
	e.open()
}

// tickAt fires the scheduler with the clock at t.
func (e *remindEnv) tickAt(t time.Time) {
	e.clock.Set(t)
	e.sched.tick(e.ctx)
}

// startRCA creates a public RCA bound to the test channel, with a due date.
func (e *remindEnv) startRCA(due time.Time) int64 {
	e.t.Helper()
	rca, err := e.svc.Start(e.ctx, e.actor(e.fac), workflow.StartInput{Title: "Payment outage",
		Participants: []string{e.alice.ID, e.bob.ID}, ChannelID: e.channel.ID, Due: due})
	if err != nil {
		e.t.Fatal(err)
	}
	return rca.ID
}

func (e *remindEnv) actor(u slacktest.User) workflow.Actor { return workflow.Actor{UserID: u.ID} }

// toChallenge gives the RCA a symptom and two causes and opens the challenge pass.
func (e *remindEnv) toChallenge(id int64) {
	e.t.Helper()
	fac := e.actor(e.fac)
	if _, err := e.svc.AddSymptom(e.ctx, fac, id, workflow.SymptomInput{Text: "Payments failed for 40 minutes"}); err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.svc.AddCauses(e.ctx, fac, id, workflow.AddCausesInput{Effect: 1,
		NewTexts: []string{"The payment gateway rejected requests", "Retries were not configured"}}); err != nil {
		e.t.Fatal(err)
	}
	for range 2 {
		if _, err := e.svc.Advance(e.ctx, fac, id); err != nil {
			e.t.Fatal(err)
		}
	}
}

// reminders returns the channel reminders posted so far.
func (e *remindEnv) reminders() []slacktest.Message {
	return remindMessages(e.fake, e.channel.ID)
}

func (e *remindEnv) state(id int64) workflow.ReminderState {
	e.t.Helper()
	st, err := e.svc.ReminderState(e.ctx, e.actor(e.fac), id)
	if err != nil {
		e.t.Fatal(err)
	}
	return st
}

func (e *remindEnv) wantReminders(when string, n int) {
	e.t.Helper()
	if got := e.reminders(); len(got) != n {
		e.t.Fatalf("%s: %d reminders posted, want %d", when, len(got), n)
	}
}

func TestRemindLatestSlot(t *testing.T) {
	weekdays10 := "0 10 * * 1-5"
	utc := func(y int, m time.Month, d, hh, mm int) time.Time { return time.Date(y, m, d, hh, mm, 0, 0, time.UTC) }
	tests := []struct {
		name       string
		spec       string
		loc        *time.Location
		after, now time.Time
		want       time.Time // zero: no slot
	}{
		{name: "Berlin winter time", spec: weekdays10, loc: remindBerlin,
			after: utc(2026, 3, 26, 12, 0), now: utc(2026, 3, 27, 9, 0).Add(time.Second), want: utc(2026, 3, 27, 9, 0)},
		{name: "Berlin after the spring DST change", spec: weekdays10, loc: remindBerlin,
			after: utc(2026, 3, 27, 9, 0), now: utc(2026, 3, 30, 8, 0).Add(time.Second), want: utc(2026, 3, 30, 8, 0)},
		{name: "Berlin 09:59 summer time is before the slot", spec: weekdays10, loc: remindBerlin,
			after: utc(2026, 3, 27, 9, 0), now: utc(2026, 3, 30, 7, 59), want: time.Time{}},
		{name: "Berlin weekend has no slot", spec: weekdays10, loc: remindBerlin,
			after: utc(2026, 3, 27, 9, 0), now: utc(2026, 3, 29, 12, 0), want: time.Time{}},
		{name: "Los Angeles before its DST change", spec: weekdays10, loc: remindLA,
			after: utc(2026, 3, 5, 20, 0), now: utc(2026, 3, 6, 18, 0).Add(time.Second), want: utc(2026, 3, 6, 18, 0)},
		{name: "Los Angeles after its DST change", spec: weekdays10, loc: remindLA,
			after: utc(2026, 3, 6, 18, 0), now: utc(2026, 3, 9, 17, 30), want: utc(2026, 3, 9, 17, 0)},
		{name: "downtime collapses into the latest slot", spec: weekdays10, loc: remindBerlin,
			after: utc(2026, 3, 23, 9, 0), now: utc(2026, 4, 2, 14, 0), want: utc(2026, 4, 2, 8, 0)},
		{name: "frequent schedule", spec: "*/15 * * * *", loc: time.UTC,
			after: utc(2026, 3, 2, 9, 0), now: utc(2026, 3, 2, 10, 7), want: utc(2026, 3, 2, 10, 0)},
		{name: "yearly schedule far back", spec: "0 9 1 1 *", loc: time.UTC,
			after: utc(2025, 6, 1, 0, 0), now: utc(2026, 6, 1, 0, 0), want: utc(2026, 1, 1, 9, 0)},
		{name: "slot at after is already handled", spec: weekdays10, loc: time.UTC,
			after: utc(2026, 3, 2, 10, 0), now: utc(2026, 3, 2, 10, 30), want: time.Time{}},
		{name: "CRON_TZ overrides the zone", spec: "CRON_TZ=America/Los_Angeles 0 10 * * 1-5", loc: remindBerlin,
			after: utc(2026, 3, 6, 0, 0), now: utc(2026, 3, 6, 19, 0), want: utc(2026, 3, 6, 18, 0)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sched, err := remindParser().Parse(tc.spec)
			if err != nil {
				t.Fatal(err)
			}
			got := latestSlot(sched, tc.after, tc.now, tc.loc)
			if !got.Equal(tc.want) {
				t.Fatalf("latestSlot = %v, want %v", got.UTC(), tc.want)
			}
		})
	}
}

func TestRemindFixDueKind(t *testing.T) {
	// Fix due dates end their day in the zone, as the date pickers store them.
	endOf := func(loc *time.Location, m time.Month, d int) time.Time {
		return time.Date(2026, m, d, 23, 59, 59, 0, loc)
	}
	tests := []struct {
		name string
		due  time.Time
		now  time.Time
		loc  *time.Location
		want string
	}{
		{name: "no due date", now: remindAt(remindBerlin, 2026, 3, 27, 10, 0, 0), loc: remindBerlin, want: ""},
		{name: "the day before a Wednesday", due: endOf(remindBerlin, 3, 25), now: remindAt(remindBerlin, 2026, 3, 24, 10, 0, 0), loc: remindBerlin, want: fixDueSoon},
		{name: "on the day", due: endOf(remindBerlin, 3, 25), now: remindAt(remindBerlin, 2026, 3, 25, 10, 0, 0), loc: remindBerlin, want: fixDueToday},
		{name: "two days before", due: endOf(remindBerlin, 3, 25), now: remindAt(remindBerlin, 2026, 3, 23, 10, 0, 0), loc: remindBerlin, want: ""},
		{name: "after the day", due: endOf(remindBerlin, 3, 25), now: remindAt(remindBerlin, 2026, 3, 26, 10, 0, 0), loc: remindBerlin, want: ""},
		{name: "Friday before a Monday", due: endOf(remindBerlin, 3, 30), now: remindAt(remindBerlin, 2026, 3, 27, 10, 0, 0), loc: remindBerlin, want: fixDueSoon},
		{name: "Sunday before a Monday is not a working day", due: endOf(remindBerlin, 3, 30), now: remindAt(remindBerlin, 2026, 3, 29, 10, 0, 0), loc: remindBerlin, want: ""},
		{name: "Friday before a Sunday", due: endOf(remindBerlin, 3, 29), now: remindAt(remindBerlin, 2026, 3, 27, 10, 0, 0), loc: remindBerlin, want: fixDueSoon},
		{name: "day in the zone, not in UTC", due: endOf(remindLA, 3, 10), now: remindAt(remindLA, 2026, 3, 10, 20, 0, 0), loc: remindLA, want: fixDueToday},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := fixDueKind(tc.due, tc.now, tc.loc); got != tc.want {
				t.Fatalf("fixDueKind = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestRemindDueNudge(t *testing.T) {
	now := remindAt(remindBerlin, 2026, 3, 27, 10, 0, 0)
	tests := []struct {
		name    string
		overdue bool
		last    time.Time
		want    bool
	}{
		{name: "not overdue", overdue: false, want: false},
		{name: "first nudge", overdue: true, want: true},
		{name: "already nudged today", overdue: true, last: now.Add(-time.Minute), want: false},
		{name: "nudged yesterday a little later in the day", overdue: true, last: now.Add(-24*time.Hour + 5*time.Second), want: true},
		{name: "nudged just before midnight", overdue: true, last: remindAt(remindBerlin, 2026, 3, 26, 23, 59, 0), want: true},
		{name: "nudged after midnight in Berlin, still yesterday in UTC", overdue: true, last: remindAt(remindBerlin, 2026, 3, 27, 0, 30, 0), want: false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := dueNudge(tc.overdue, tc.last, now, remindBerlin); got != tc.want {
				t.Fatalf("dueNudge = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestRemindTickSpec(t *testing.T) {
	tests := []struct{ name, spec, want string }{
		{name: "default", spec: "", want: "0 * * * * *"},
		{name: "five fields", spec: "30 9 * * 1-5", want: "0 * * * * *"},
		{name: "descriptor", spec: "@daily", want: "0 * * * * *"},
		{name: "seconds-level test schedule", spec: "0 0 10 * * 1-5", want: "* * * * * *"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tickSpec(tc.spec); got != tc.want {
				t.Fatalf("tickSpec(%q) = %q, want %q", tc.spec, got, tc.want)
			}
		})
	}
}

// TestRemindDefaultScheduleIsHonoured: every default schedule the bot takes
// fires at its own pace; one finer than the tick is refused, not slowed down.
func TestRemindDefaultScheduleIsHonoured(t *testing.T) {
	tests := []struct {
		spec    string
		wantErr string
	}{
		{spec: "30 9 * * 1-5"},
		{spec: "@every 15m"},
		{spec: "0 0 10 * * 1-5"}, // seconds-level, ticked every second
		{spec: "@every 3s", wantErr: "whole number of minutes"},
	}
	for _, tc := range tests {
		t.Run(tc.spec, func(t *testing.T) {
			b := &Bot{cfg: Config{RemindCron: tc.spec, Location: time.UTC}}
			_, err := b.newScheduler()
			if tc.wantErr == "" && err != nil {
				t.Fatalf("newScheduler(%q): %v", tc.spec, err)
			}
			if tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr) || !strings.Contains(err.Error(), "UNTANGLE_REMIND_CRON")) {
				t.Fatalf("newScheduler(%q) = %v, want a refusal saying %q", tc.spec, err, tc.wantErr)
			}
		})
	}
}

func TestReminderBlocksAreValid(t *testing.T) {
	now := remindAt(time.UTC, 2026, 3, 27, 10, 0, 0)
	long := strings.Repeat("A <b>title</b> & more ", 40)
	tests := []struct {
		name    string
		rca     workflow.RCA
		pending []string
		mention []string
		want    []string
	}{
		{name: "challenge pass with mentions", rca: workflow.RCA{ID: 7, Title: "Payment outage", Phase: workflow.PhaseChallenging},
			pending: []string{"3 links to review", "1 open reservation"}, mention: []string{"U1", "U2"},
			want: []string{"3 links to review, 1 open reservation", "<@U1> <@U2>", "Review the next link"}},
		{name: "wiring past due with a hostile title", rca: workflow.RCA{ID: 8, Title: long, Phase: workflow.PhaseWiring, Due: now.Add(-48 * time.Hour)},
			pending: []string{"2 nodes still need a cause"}, want: []string{"&lt;b&gt;", "has passed", "Open the walk"}},
		{name: "many mentions", rca: workflow.RCA{ID: 9, Title: "x", Phase: workflow.PhaseChallenging},
			pending: []string{"1 link to review"}, mention: strings.Fields(strings.Repeat("U0123456789 ", 200)), want: []string{"<@U0123456789>"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			blocks := clipMessage(reminderBlocks(&tc.rca, tc.pending, tc.mention, now, time.UTC))
			if errs := slacktest.ValidateBlocks(slacktest.SurfaceMessage, blocks); len(errs) > 0 {
				t.Fatalf("invalid blocks: %v", errs)
			}
			raw := remindRawText(blocks)
			for _, w := range tc.want {
				if !strings.Contains(raw, w) {
					t.Errorf("reminder lacks %q:\n%s", w, raw)
				}
			}
			if strings.Contains(raw, "<b>") {
				t.Errorf("user text is not escaped:\n%s", raw)
			}
		})
	}
}

// remindRawText is the mrkdwn and button text of blocks, as sent.
func remindRawText(blocks []slack.Block) string {
	var sb strings.Builder
	for _, b := range blocks {
		switch b := b.(type) {
		case *slack.SectionBlock:
			sb.WriteString(b.Text.Text + "\n")
			if b.Accessory != nil && b.Accessory.ButtonElement != nil {
				sb.WriteString(b.Accessory.ButtonElement.Text.Text + "\n")
			}
		case *slack.ContextBlock:
			for _, el := range b.ContextElements.Elements {
				if t, ok := el.(*slack.TextBlockObject); ok {
					sb.WriteString(t.Text + "\n")
				}
			}
		}
	}
	return sb.String()
}

func TestRemindScheduleInZones(t *testing.T) {
	// A 10:00 weekday schedule across each zone's spring DST change.
	tests := []struct {
		name              string
		loc               *time.Location
		created           time.Time
		fri, sat, sun     time.Time // Friday 10:00, the weekend
		monEarly, monSlot time.Time // Monday 09:59 and 10:00 after the change
		wantLast          time.Time // Monday's slot in UTC
	}{
		{name: "Europe/Berlin", loc: remindBerlin, created: remindAt(remindBerlin, 2026, 3, 26, 12, 0, 0),
			fri: remindAt(remindBerlin, 2026, 3, 27, 10, 0, 1), sat: remindAt(remindBerlin, 2026, 3, 28, 10, 0, 1),
			sun: remindAt(remindBerlin, 2026, 3, 29, 10, 0, 1), monEarly: remindAt(remindBerlin, 2026, 3, 30, 9, 59, 0),
			monSlot: remindAt(remindBerlin, 2026, 3, 30, 10, 0, 1), wantLast: time.Date(2026, 3, 30, 8, 0, 0, 0, time.UTC)},
		{name: "America/Los_Angeles", loc: remindLA, created: remindAt(remindLA, 2026, 3, 5, 12, 0, 0),
			fri: remindAt(remindLA, 2026, 3, 6, 10, 0, 1), sat: remindAt(remindLA, 2026, 3, 7, 10, 0, 1),
			sun: remindAt(remindLA, 2026, 3, 8, 10, 0, 1), monEarly: remindAt(remindLA, 2026, 3, 9, 9, 59, 0),
			monSlot: remindAt(remindLA, 2026, 3, 9, 10, 0, 1), wantLast: time.Date(2026, 3, 9, 17, 0, 0, 0, time.UTC)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newRemindEnv(t, tc.loc, tc.created)
			id := e.startRCA(time.Time{})
			e.tickAt(tc.created.Add(time.Minute))
			e.wantReminders("right after the start", 0)
			e.tickAt(tc.fri)
			e.wantReminders("Friday 10:00", 1)
			e.tickAt(tc.fri.Add(5 * time.Minute))
			e.wantReminders("Friday 10:05", 1)
			for _, at := range []time.Time{tc.sat, tc.sun, tc.monEarly} {
				e.tickAt(at)
				e.wantReminders(at.Format("Mon 15:04"), 1)
			}
			e.tickAt(tc.monSlot)
			e.wantReminders("Monday 10:00", 2)
			if got := e.state(id).LastReminded; !got.Equal(tc.wantLast) {
				t.Fatalf("last reminded %v, want %v", got, tc.wantLast)
			}
			if text := e.reminders()[1].PlainText(); !strings.Contains(text, "no symptom collected yet") {
				t.Fatalf("reminder does not say what is pending:\n%s", text)
			}
		})
	}
}

func TestRemindCatchUpAndRestarts(t *testing.T) {
	mon := func(d, hh, mm int) time.Time { return remindAt(time.UTC, 2026, 3, d, hh, mm, 1) } // March 2026: 2nd is a Monday
	tests := []struct {
		name string
		run  func(e *remindEnv)
		want int
	}{
		{name: "catch-up after downtime posts once", want: 1, run: func(e *remindEnv) {
			e.tickAt(mon(2, 11, 0)) // started after Monday's slot: nothing yet
			e.wantReminders("Monday after the slot", 0)
			e.clock.Set(mon(5, 15, 0)) // down from Monday to Thursday afternoon
			e.restart()
			e.tickAt(mon(5, 15, 0))
			e.tickAt(mon(5, 15, 1))
		}},
		{name: "restart between firings posts no duplicate", want: 2, run: func(e *remindEnv) {
			e.tickAt(mon(3, 10, 0))
			e.restart()
			e.tickAt(mon(3, 10, 1))
			e.restart()
			e.tickAt(mon(4, 10, 0))
		}},
		{name: "two firings racing post once", want: 1, run: func(e *remindEnv) {
			e.clock.Set(mon(3, 10, 0))
			var wg sync.WaitGroup
			for range 4 {
				wg.Go(func() { e.sched.tick(e.ctx) })
			}
			wg.Wait()
		}},
		{name: "a slot passed while off is not caught up", want: 0, run: func(e *remindEnv) {
			e.tickAt(mon(3, 9, 59))
			if _, err := e.svc.SetReminderSpec(e.ctx, e.actor(e.fac), 1, remindOffSpec); err != nil {
				e.t.Fatal(err)
			}
			e.tickAt(mon(3, 10, 1))
			if _, err := e.svc.SetReminderSpec(e.ctx, e.actor(e.fac), 1, ""); err != nil {
				e.t.Fatal(err)
			}
			e.tickAt(mon(3, 10, 2)) // on again: Tuesday's slot passed while it was off
		}},
		{name: "reminders off stay silent", want: 0, run: func(e *remindEnv) {
			if _, err := e.svc.SetReminderSpec(e.ctx, e.actor(e.fac), 1, remindOffSpec); err != nil {
				e.t.Fatal(err)
			}
			e.tickAt(mon(3, 10, 0))
			e.tickAt(mon(4, 10, 0))
		}},
		{name: "closed RCA is silent even past due", want: 0, run: func(e *remindEnv) {
			e.toChallenge(1)
			if _, err := e.svc.Advance(e.ctx, e.actor(e.fac), 1); err != nil {
				e.t.Fatal(err)
			}
			if _, err := e.svc.Finish(e.ctx, e.actor(e.fac), 1); err != nil {
				e.t.Fatal(err)
			}
			e.tickAt(mon(9, 10, 0))
			if dms := e.fac.DMs(); len(dms) != 0 {
				e.t.Fatalf("closed RCA nudged the facilitator: %v", dms)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newRemindEnv(t, time.UTC, mon(2, 10, 30))
			id := e.startRCA(mon(6, 23, 0))
			if id != 1 {
				t.Fatalf("rca id %d", id)
			}
			tc.run(e)
			e.wantReminders("at the end", tc.want)
		})
	}
}

func TestRemindRetriesAFailedPost(t *testing.T) {
	at := func(mm int) time.Time { return remindAt(time.UTC, 2026, 3, 3, 10, mm, 1) }
	e := newRemindEnv(t, time.UTC, at(0).AddDate(0, 0, -1))
	e.channel = e.fake.AddChannel("rca-no-bot", slacktest.ChannelOptions{Members: []slacktest.User{e.fac}})
	e.startRCA(time.Time{})
	e.tickAt(at(0))
	e.tickAt(at(1))
	e.wantReminders("while the bot is not in the channel", 0)
	if err := e.fake.AddMember(e.channel.ID, slacktest.User{ID: slacktest.BotUserID}); err != nil {
		t.Fatal(err)
	}
	e.tickAt(at(2))
	e.wantReminders("once the bot is in the channel", 1)
	e.tickAt(at(3))
	e.wantReminders("a tick later", 1)
}

func TestRemindNextItemText(t *testing.T) {
	tests := []struct {
		name  string
		setup func(e *remindEnv, id int64, ref func(key string) string)
		want  []string // substrings; "@key" stands for the permalink of that ref's message
	}{
		{name: "collecting links the dashboard", setup: func(e *remindEnv, id int64, ref func(string) string) { ref(refDashboard) },
			want: []string{"Open the dashboard", "@" + refDashboard, "collecting symptoms"}},
		{name: "no message stored", setup: func(*remindEnv, int64, func(string) string) {},
			want: []string{"pinned dashboard"}},
		{name: "wiring links the walk", setup: func(e *remindEnv, id int64, ref func(string) string) {
			ref(refDashboard)
			ref(remindRefWalk)
			if _, err := e.svc.AddSymptom(e.ctx, e.actor(e.fac), id, workflow.SymptomInput{Text: "Payments failed"}); err != nil {
				e.t.Fatal(err)
			}
			if _, err := e.svc.Advance(e.ctx, e.actor(e.fac), id); err != nil {
				e.t.Fatal(err)
			}
		}, want: []string{"Open the walk", "@" + remindRefWalk}},
		{name: "challenge pass links the next card", setup: func(e *remindEnv, id int64, ref func(string) string) {
			e.toChallenge(id)
			ref(remindRefChallengeHeader)
			ref(remindRefCardPrefix + "1")
			ref(remindRefCardPrefix + "2")
			for _, u := range []slacktest.User{e.alice, e.bob} {
				if _, err := e.svc.Review(e.ctx, e.actor(u), id, 1, true); err != nil {
					e.t.Fatal(err)
				}
			}
		}, want: []string{"*link 2*", "Open its card", "@" + remindRefCardPrefix + "2"}},
		{name: "challenge pass without cards links the header", setup: func(e *remindEnv, id int64, ref func(string) string) {
			e.toChallenge(id)
			ref(remindRefChallengeHeader)
		}, want: []string{"*link 1*", "Open the challenge pass", "@" + remindRefChallengeHeader}},
		{name: "every link accepted", setup: func(e *remindEnv, id int64, ref func(string) string) {
			e.toChallenge(id)
			for _, g := range []tree.GroupID{1, 2} {
				for _, u := range []slacktest.User{e.alice, e.bob} {
					if _, err := e.svc.Review(e.ctx, e.actor(u), id, g, true); err != nil {
						e.t.Fatal(err)
					}
				}
			}
		}, want: []string{"Every link has been reviewed"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newRemindEnv(t, time.UTC, remindAt(time.UTC, 2026, 3, 2, 9, 0, 0))
			id := e.startRCA(time.Time{})
			links := map[string]string{}
			ref := func(key string) string {
				msg, err := e.fac.Post(e.channel.ID, "message for "+key)
				if err != nil {
					t.Fatal(err)
				}
				if err := e.db.PutRef(e.ctx, id, key, msg.TS); err != nil {
					t.Fatal(err)
				}
				links["@"+key] = "/archives/" + e.channel.ID + "/p" + strings.ReplaceAll(msg.TS, ".", "")
				return msg.TS
			}
			tc.setup(e, id, ref)
			rca, err := e.svc.RCA(e.ctx, e.actor(e.bob), id)
			if err != nil {
				t.Fatal(err)
			}
			got, err := e.bot.nextItemText(e.ctx, e.actor(e.bob), rca)
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range tc.want {
				if link, ok := links[w]; ok {
					w = link
				}
				if !strings.Contains(got, w) {
					t.Errorf("answer lacks %q: %s", w, got)
				}
			}
		})
	}
}

func TestRemindDueDates(t *testing.T) {
	at := func(d, hh, mm int) time.Time { return remindAt(remindBerlin, 2026, 3, d, hh, mm, 1) }
	e := newRemindEnv(t, remindBerlin, at(23, 9, 0)) // Monday
	id := e.startRCA(at(24, 23, 59))
	if _, err := e.svc.SetReminderSpec(e.ctx, e.actor(e.fac), id, "0,30 9 * * 1-5"); err != nil {
		t.Fatal(err)
	}
	e.toChallenge(id)
	if _, err := e.svc.Advance(e.ctx, e.actor(e.fac), id); err != nil {
		t.Fatal(err)
	}
	fix := func(owner string, due time.Time) {
		if _, err := e.svc.ProposeFix(e.ctx, e.actor(e.fac), id, workflow.FixInput{Node: 2,
			Injection: "The gateway client retries with backoff", Owner: owner, Due: due}); err != nil {
			t.Fatal(err)
		}
	}
	fix(e.alice.ID, time.Date(2026, 3, 30, 23, 59, 59, 0, remindBerlin)) // due Monday 30
	fix("", time.Time{})

	steps := []struct {
		at                       time.Time
		reminders, facDMs, alice int
	}{
		{at(23, 10, 0), 1, 0, 0},  // one fix has no owner
		{at(24, 10, 0), 2, 0, 0},  // the due date is the end of Tuesday
		{at(25, 9, 0), 3, 1, 0},   // past due: the first nudge
		{at(25, 9, 30), 4, 1, 0},  // the same day: no second nudge
		{at(26, 9, 0), 5, 2, 0},   // a new day: one more
		{at(27, 9, 0), 6, 3, 1},   // Friday, the working day before Monday's fix
		{at(27, 9, 30), 7, 3, 1},  // once
		{at(28, 10, 0), 7, 3, 1},  // Saturday: no slot
		{at(30, 9, 0), 8, 4, 2},   // Monday, the fix's day
		{at(30, 12, 30), 9, 4, 2}, // once
	}
	for _, s := range steps {
		e.tickAt(s.at)
		if got := len(e.reminders()); got != s.reminders {
			t.Fatalf("%s: %d channel reminders, want %d", s.at.Format("Mon 2 15:04"), got, s.reminders)
		}
		if got := len(e.fac.DMs()); got != s.facDMs {
			t.Fatalf("%s: %d due-date DMs to the facilitator, want %d", s.at.Format("Mon 2 15:04"), got, s.facDMs)
		}
		if got := len(e.alice.DMs()); got != s.alice {
			t.Fatalf("%s: %d fix DMs to the owner, want %d", s.at.Format("Mon 2 15:04"), got, s.alice)
		}
	}
	if text := e.reminders()[0].PlainText(); !strings.Contains(text, "1 fix without an owner") {
		t.Errorf("reminder does not name the unowned fix:\n%s", text)
	}
	if text := e.fac.DMs()[0].Text; !strings.Contains(text, "was due to finish on Tue 24 Mar (1 day ago) and is still open (planning fixes)") {
		t.Errorf("due-date DM: %s", text)
	}
	if text := e.alice.DMs()[1].Text; !strings.Contains(text, "is due today") || !strings.Contains(text, "retries with backoff") {
		t.Errorf("fix DM: %s", text)
	}
}

// remindStartRCA runs /rca start in channel as u and submits the modal with
// the participants; it returns the RCA channel.
func remindStartRCA(t *testing.T, ctx context.Context, fake *slacktest.Server, u slacktest.User, channel, title string, others ...slacktest.User) slacktest.Channel {
	t.Helper()
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
	if ack, err := u.SubmitView(ctx); err != nil || len(ack.Errors()) > 0 {
		t.Fatalf("submit start modal: %v %v", err, ack)
	}
	for {
		for _, c := range fake.Channels() {
			if strings.HasPrefix(c.Name, "rca-") {
				if _, ok := fake.LastMessage(c.ID); ok {
					return c
				}
			}
		}
		select {
		case <-ctx.Done():
			t.Fatal("no RCA channel")
		case <-time.After(20 * time.Millisecond):
		}
	}
}

func TestRemindEndToEnd(t *testing.T) {
	fake := slacktest.New(t)
	fac, alice, bob := fake.AddUser("fran"), fake.AddUser("alice"), fake.AddUser("bob")
	general := fake.AddChannel("incidents", slacktest.ChannelOptions{Members: []slacktest.User{fac, alice, bob}, BotMember: true})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	clock := &remindClock{now: remindAt(remindBerlin, 2026, 3, 27, 8, 0, 0)} // a Friday
	db, err := storage.Open(ctx, filepath.Join(t.TempDir(), "untangle.db"), storage.WithClock(clock.Now))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	svc := workflow.New(db, workflow.ClockFunc(clock.Now))
	b, err := New(Config{Refs: db, BotToken: fake.BotToken(), AppToken: fake.AppToken(), APIURL: fake.APIURL(),
		Location: remindBerlin, RemindCron: "0 0 10 * * 1-5", Now: clock.Now,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}, svc)
	if err != nil {
		t.Fatal(err)
	}
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- b.Run(runCtx) }()
	defer func() {
		stop()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	}()
	if err := fake.WaitForConnection(ctx); err != nil {
		t.Fatal(err)
	}

	ch := remindStartRCA(t, ctx, fake, fac, general.ID, "Checkout errors", alice, bob)
	rca, err := svc.RCAForChannel(ctx, workflow.Actor{UserID: fac.ID}, ch.ID)
	if err != nil {
		t.Fatal(err)
	}
	e := &remindEnv{t: t, ctx: ctx, svc: svc, fac: fac}
	e.toChallenge(rca.ID)
	if _, err := svc.Review(ctx, workflow.Actor{UserID: alice.ID}, rca.ID, 1, true); err != nil {
		t.Fatal(err)
	}
	// The challenge pass keeps each link's card; link 1 is the next to review.
	card, err := fac.Post(ch.ID, "card of link 1")
	if err != nil {
		t.Fatal(err)
	}
	if err := db.PutRef(ctx, rca.ID, remindRefCardPrefix+"1", card.TS); err != nil {
		t.Fatal(err)
	}

	// /rca remind: facilitator only, validated, shown.
	remind := func(u slacktest.User, args string) string {
		ack, err := u.SlashCommand(ctx, ch.ID, "/rca", strings.TrimSpace("remind "+args))
		if err != nil {
			t.Fatalf("/rca remind %s: %v", args, err)
		}
		return ack.Text()
	}
	if got := remind(fac, "every morning"); !strings.Contains(got, "five fields") || !strings.Contains(got, "0 10 * * 1-5") {
		t.Errorf("bad spec answer: %s", got)
	}
	// Schedules finer than the once-a-minute check are refused, and the
	// answer says why (none is stored, so the default below still applies).
	for _, spec := range []string{"@every 3s", "0 0 9 * * 1-5"} {
		if got := remind(fac, spec); !strings.Contains(got, "checked once a minute") || !strings.Contains(got, "not a schedule I understand") {
			t.Errorf("/rca remind %s: %s", spec, got)
		}
	}
	if got := remind(bob, "0 9 * * 1-5"); !strings.Contains(got, "can't do that") {
		t.Errorf("non-facilitator answer: %s", got)
	}
	if got := remind(fac, "off"); !strings.Contains(got, "*off*") {
		t.Errorf("off answer: %s", got)
	}
	if got := remind(fac, "default"); !strings.Contains(got, "0 0 10 * * 1-5") || !strings.Contains(got, "Fri 27 Mar at 10:00") {
		t.Errorf("default answer: %s", got)
	}
	if got := remind(bob, ""); !strings.Contains(got, "workspace schedule") {
		t.Errorf("show answer: %s", got)
	}

	clock.Set(remindAt(remindBerlin, 2026, 3, 27, 10, 0, 0))
	msg, err := fake.WaitForMessage(ctx, ch.ID, func(m slacktest.Message) bool { return strings.HasPrefix(m.Text, "Reminder:") })
	if err != nil {
		t.Fatalf("no reminder: %v", err)
	}
	raw := msg.PlainText()
	for _, want := range []string{"<@" + bob.ID + ">", "<@" + fac.ID + ">", "to review"} {
		if !strings.Contains(raw, want) {
			t.Errorf("reminder lacks %q:\n%s", want, msg.PlainText())
		}
	}
	if strings.Contains(raw, "<@"+alice.ID+">") {
		t.Errorf("reminder mentions alice, who reviewed a link:\n%s", msg.PlainText())
	}
	if _, err := bob.ClickButton(ctx, msg, "Review the next link"); err != nil {
		t.Fatal(err)
	}
	eph, err := bob.WaitForEphemeral(ctx, func(m slacktest.Message) bool { return strings.Contains(m.Text, "link 1") })
	if err != nil {
		t.Fatalf("no answer to the button: %v", err)
	}
	if want := "/archives/" + ch.ID + "/p" + strings.ReplaceAll(card.TS, ".", ""); !strings.Contains(eph.Text, want) || !strings.Contains(eph.Text, "Open its card") {
		t.Errorf("button answer has no link to the card: %s", eph.Text)
	}
	// The cron keeps ticking every second: the same slot is not posted again.
	time.Sleep(1500 * time.Millisecond)
	if n := len(remindMessages(fake, ch.ID)); n != 1 {
		t.Fatalf("%d reminders for one slot", n)
	}
}

func remindMessages(fake *slacktest.Server, channel string) []slacktest.Message {
	var out []slacktest.Message
	for _, m := range fake.Messages(channel) {
		if strings.HasPrefix(m.Text, "Reminder:") {
			out = append(out, m)
		}
	}
	return out
}

func TestRemindNextLinkToReview(t *testing.T) {
	tests := []struct {
		name     string
		statuses []tree.LinkStatus // of links 1, 2, 3
		want     tree.GroupID      // 0: none
	}{
		{name: "first unreviewed", statuses: []tree.LinkStatus{tree.StatusAccepted, tree.StatusUnreviewed, tree.StatusUnreviewed}, want: 2},
		{name: "unreviewed before an earlier disputed", statuses: []tree.LinkStatus{tree.StatusDisputed, tree.StatusAccepted, tree.StatusUnreviewed}, want: 3},
		{name: "disputed when nothing is unreviewed", statuses: []tree.LinkStatus{tree.StatusAccepted, tree.StatusDisputed, tree.StatusDisputed}, want: 2},
		{name: "all accepted", statuses: []tree.LinkStatus{tree.StatusAccepted, tree.StatusAccepted, tree.StatusAccepted}, want: 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tr, err := tree.Parse([]byte("UDE [U]\nIF [A] THEN [U]\nIF [B] THEN [U]\nIF [C] THEN [A]\n"))
			if err != nil {
				t.Fatal(err)
			}
			for i, st := range tc.statuses {
				g, ok := tr.Group(tree.GroupID(i + 1))
				if !ok {
					t.Fatalf("no link %d", i+1)
				}
				g.Status = st
			}
			var got tree.GroupID
			if g := nextLinkToReview(tr); g != nil {
				got = g.ID
			}
			if got != tc.want {
				t.Fatalf("next link %d, want %d", got, tc.want)
			}
		})
	}
}

// BenchmarkRemindTick measures a tick between slots (what runs every minute)
// with open RCAs that all have pending work.
func BenchmarkRemindTick(b *testing.B) {
	for _, n := range []int{10, 100} {
		b.Run(strconv.Itoa(n)+" open RCAs", func(b *testing.B) {
			start := remindAt(time.UTC, 2026, 3, 2, 10, 30, 0)
			e := newRemindEnv(b, time.UTC, start)
			for i := range n {
				ch := e.fake.AddChannel("rca-"+strconv.Itoa(i), slacktest.ChannelOptions{Members: []slacktest.User{e.fac}, BotMember: true})
				if _, err := e.svc.Start(e.ctx, e.actor(e.fac), workflow.StartInput{Title: "Outage " + strconv.Itoa(i),
					Participants: []string{e.alice.ID}, ChannelID: ch.ID}); err != nil {
					b.Fatal(err)
				}
			}
			e.tickAt(start.Add(time.Minute))
			b.ResetTimer()
			for i := range b.N {
				e.tickAt(start.Add(time.Minute + time.Duration(i+1)*time.Second))
			}
			b.StopTimer()
			e.wantReminders("between slots", 0)
		})
	}
}
