package bot

import (
	"context"
	"fmt"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/untangle-rca/untangle/workflow"
)

// The reminder scheduler is a ticker on robfig/cron: one cron entry fires at
// the start of every minute (every second when the default schedule has a
// seconds field, which tests use), and each tick evaluates every open RCA's
// own schedule against the clock. Schedules live in the database
// (workflow.ReminderState.Spec), so a change made with /rca remind, in this
// process or another, is picked up at the next tick and survives restarts.
// docs/reminders.md explains the choice.

// defaultRemindCron is the schedule when Config.RemindCron is empty.
const defaultRemindCron = "0 10 * * 1-5"

// remindOffSpec is the schedule stored for "/rca remind off".
const remindOffSpec = workflow.ReminderOff

// remindParser parses reminder schedules: the five standard fields with an
// optional leading seconds field, descriptors such as @daily, and CRON_TZ=.
func remindParser() safeParser {
	return safeParser{cron.NewParser(cron.SecondOptional | cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)}
}

// safeParser is a cron parser that returns an error for input the cron
// library panics on ("TZ=" or "CRON_TZ=" with no schedule after it).
type safeParser struct{ p cron.Parser }

// Parse parses spec like cron.Parser.Parse, without panicking.
func (s safeParser) Parse(spec string) (sched cron.Schedule, err error) {
	defer func() {
		if p := recover(); p != nil {
			sched, err = nil, fmt.Errorf("cron line %q: a time zone prefix needs a schedule after it", spec)
		}
	}()
	return s.p.Parse(spec)
}

// scheduler posts the reminders of every open RCA. Its ticks are serialised
// by mu, so two firings racing in one process post once: the second sees the
// slot the first recorded.
type scheduler struct {
	b   *Bot
	def cron.Schedule // the default schedule

	mu    sync.Mutex
	prev  time.Time        // the clock at the last completed tick; zero before the first
	term  uint64           // the lease term prev belongs to (see Leader.Held)
	known map[int64]string // open RCAs seen so far → their facilitator
	retry map[int64]bool   // RCAs whose last reminder failed and must be retried
}

// now is the reminder clock: Config.Now, or the wall clock.
func (b *Bot) now() time.Time {
	if b.cfg.Now != nil {
		return b.cfg.Now()
	}
	return time.Now()
}

// newScheduler returns a scheduler with the default schedule of cfg.
func (b *Bot) newScheduler() (*scheduler, error) {
	spec := b.cfg.RemindCron
	if strings.TrimSpace(spec) == "" {
		spec = defaultRemindCron
	}
	def, err := remindParser().Parse(spec)
	if err == nil && len(strings.Fields(spec)) != 6 {
		// Only the seconds-level line of tests gets a tick per second; any
		// other schedule must suit the once-a-minute tick.
		_, err = workflow.ParseCron(spec)
	}
	if err != nil {
		return nil, fmt.Errorf("the reminder schedule %q (UNTANGLE_REMIND_CRON) is not a valid cron line: %w", spec, err)
	}
	return &scheduler{b: b, def: def, known: map[int64]string{}, retry: map[int64]bool{}}, nil
}

// tickSpec is how often the scheduler looks at the RCAs: every minute, or
// every second when the default schedule is a seconds-level one.
func tickSpec(defaultSpec string) string {
	if len(strings.Fields(defaultSpec)) == 6 {
		return "* * * * * *"
	}
	return "0 * * * * *"
}

// startReminders starts the reminder scheduler and returns the function that
// stops it, waiting for a tick in progress to finish.
func (b *Bot) startReminders(ctx context.Context) (stop func()) {
	s, err := b.newScheduler()
	if err != nil {
		b.log.Error("reminders are off", "error", err)
		return func() {}
	}
	c := cron.New(cron.WithLocation(b.cfg.Location), cron.WithParser(remindParser()))
	tickCtx := context.WithoutCancel(ctx)
	if _, err := c.AddFunc(tickSpec(b.cfg.RemindCron), func() { s.tick(tickCtx) }); err != nil {
		b.log.Error("reminders are off", "error", err)
		return func() {}
	}
	c.Start()
	b.log.Info("reminders scheduled", "default", b.defaultSpec(), "zone", b.cfg.Location.String())
	// A replica that gains the lease ticks at once: a takeover catches up
	// within the lease's time, not at the next minute.
	quit, ticked := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(ticked)
		var gained <-chan struct{}
		if b.cfg.Leader != nil {
			gained = b.cfg.Leader.Gained()
		}
		for {
			select {
			case <-quit:
				return
			case <-gained:
				s.tick(tickCtx)
			}
		}
	}()
	return func() {
		close(quit)
		<-ticked
		<-c.Stop().Done()
	}
}

// tick runs one firing: it finds the open RCAs and reminds each whose own
// schedule has a slot that has not been handled yet.
func (s *scheduler) tick(ctx context.Context) {
	s.mu.Lock()
	defer s.mu.Unlock()
	defer func() {
		if p := recover(); p != nil {
			s.b.log.Error("panic in the reminder scheduler", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
		}
	}()
	now := s.b.now()
	budget, ok := s.leased(now)
	if !ok {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, budget)
	defer cancel()
	rems, err := s.collect(ctx, now)
	if err != nil {
		s.b.log.Error("reminders: could not load the open RCAs", "error", err)
		return
	}
	ids := make([]int64, 0, len(s.known))
	for id := range s.known {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		if !s.stillLeased() {
			return
		}
		if err := s.remindOne(ctx, id, rems[id], now); err != nil {
			s.b.log.Error("reminder failed; retrying at the next tick", "rca", id, "error", err)
			s.retry[id] = true
			continue
		}
		delete(s.retry, id)
	}
	if !s.stillLeased() {
		return
	}
	s.b.remindFixes(ctx)
	s.prev = now
}

// leased reports whether this tick may run, and for how long: always when
// there is no Leader; otherwise only while this process holds the lease,
// and no longer than the lease lasts. Whenever the lease was not held
// without a break since the last tick, another replica may have run
// meanwhile, so s.prev is forgotten and the slots come from the database
// alone (the last slot reminded per RCA), as after a restart: a slot
// another replica posted is never posted again, and one nobody posted is
// caught up once.
func (s *scheduler) leased(now time.Time) (time.Duration, bool) {
	l := s.b.cfg.Leader
	if l == nil {
		return s.b.cfg.AfterBudget, true
	}
	held, term := l.Held()
	if !held || term != s.term {
		s.prev, s.term = time.Time{}, term
		clear(s.retry)
	}
	if !held {
		return 0, false
	}
	return min(s.b.cfg.AfterBudget, l.Until().Sub(now)), true
}

// stillLeased reports whether the lease of this tick still holds; a
// replica that lost it stops at once.
func (s *scheduler) stillLeased() bool {
	if s.b.cfg.Leader == nil {
		return true
	}
	held, term := s.b.cfg.Leader.Held()
	return held && term == s.term
}

// collect adds every open RCA to s.known (any of them may have fixes coming
// due) and returns the workflow's reminders by RCA.
func (s *scheduler) collect(ctx context.Context, now time.Time) (map[int64]*workflow.Reminder, error) {
	list, err := s.b.svc.Reminders(ctx, now)
	if err != nil {
		return nil, err
	}
	rems := make(map[int64]*workflow.Reminder, len(list))
	for i := range list {
		rems[list[i].RCAID] = &list[i]
		s.known[list[i].RCAID] = list[i].Facilitator
	}
	open, err := s.b.svc.OpenRCAs(ctx)
	if err != nil {
		return nil, err
	}
	for _, r := range open {
		s.known[r.ID] = r.Facilitator
	}
	return rems, nil
}

// scheduleFor returns the schedule of an RCA's stored spec; false when
// reminders are off for it.
func (s *scheduler) scheduleFor(spec string) (cron.Schedule, bool) {
	switch strings.TrimSpace(spec) {
	case "":
		return s.def, true
	case remindOffSpec:
		return nil, false
	}
	sched, err := remindParser().Parse(spec)
	if err != nil {
		s.b.log.Warn("stored reminder schedule is not valid; using the default", "spec", spec, "error", err)
		return s.def, true
	}
	return sched, true
}

// remindOne handles one RCA at one tick: when its schedule has a slot after
// the last one handled, it posts what the policy asks for and, when it
// posted, records the slot, so a restart or a second firing never posts it
// again. A slot with nothing to post is not recorded (no audit entry per
// quiet day); the ticks that follow skip it because it precedes s.prev.
func (s *scheduler) remindOne(ctx context.Context, id int64, rem *workflow.Reminder, now time.Time) error {
	actor := workflow.Actor{UserID: s.known[id]}
	rca, err := s.b.svc.RCA(ctx, actor, id)
	if code := workflow.ErrorCode(err); code == workflow.ENotFound || code == workflow.EForbidden {
		delete(s.known, id)
		return nil
	} else if err != nil {
		return err
	}
	if rca.Phase == workflow.PhaseClosed {
		delete(s.known, id)
		return nil
	}
	s.known[id] = rca.Facilitator
	actor = workflow.Actor{UserID: rca.Facilitator}
	st, err := s.b.svc.ReminderState(ctx, actor, id)
	if err != nil {
		return err
	}
	sched, on := s.scheduleFor(st.Spec)
	if !on {
		return nil
	}
	after := later(rca.CreatedAt, st.LastReminded)
	if !s.prev.IsZero() && !s.retry[id] {
		after = later(after, s.prev)
	}
	slot := latestSlot(sched, after, now, s.b.cfg.Location)
	if slot.IsZero() {
		return nil
	}
	sent, err := s.b.sendReminder(ctx, rca, rem, st, now)
	if err != nil || !sent.posted && !sent.nudged {
		return err
	}
	if err := s.b.svc.MarkReminded(ctx, id, slot, sent.nudged); err != nil {
		// Not retried: the reminder is out, and a retry would post it again.
		s.b.log.Error("reminder posted but not recorded", "rca", id, "slot", slot, "error", err)
		return nil
	}
	s.b.log.Info("reminded", "rca", id, "slot", slot, "posted", sent.posted, "nudged", sent.nudged)
	return nil
}

// later returns the later of two times.
func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// latestSlot returns the latest firing time of sched in (after, now],
// evaluated in loc, or the zero time when there is none. Missed firings
// collapse into the latest one, so downtime produces one catch-up reminder.
func latestSlot(sched cron.Schedule, after, now time.Time, loc *time.Location) time.Time {
	if !now.After(after) {
		return time.Time{}
	}
	// Look back over growing windows, so a frequent schedule is searched
	// over a short span and a rare one over a long one.
	windows := [...]time.Duration{2 * time.Minute, 2 * time.Hour, 25 * time.Hour, 8 * 24 * time.Hour, 32 * 24 * time.Hour, 367 * 24 * time.Hour}
	for _, back := range windows {
		from := later(now.Add(-back), after)
		t := sched.Next(from.In(loc))
		if t.IsZero() || t.After(now) {
			if !from.After(after) {
				return time.Time{}
			}
			continue
		}
		for {
			n := sched.Next(t)
			if n.IsZero() || n.After(now) {
				return t
			}
			t = n
		}
	}
	return time.Time{}
}
