package workflow

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/untangle-rca/untangle/tree"
)

// SystemUser is the actor id recorded for the bot's own bookkeeping.
const SystemUser = "untangle"

// DueNudgeEvery is how often the facilitator is nudged once the due date passed.
const DueNudgeEvery = 24 * time.Hour

// ReminderInput is the state the reminder policy looks at.
type ReminderInput struct {
	RCA          RCA
	Tree         *tree.Tree
	Reviews      []Review
	Reservations []Reservation
	Skips        []tree.NodeID
	Fixes        []Fix
	State        ReminderState
}

// Reminder is what to post for one RCA at one schedule slot.
type Reminder struct {
	RCAID       int64
	ChannelID   string
	Post        bool     // post a reminder in the channel for this slot
	Pending     []string // what is pending, one short phrase each
	Mention     []string // participants who have not reviewed anything yet (challenge pass only)
	Overdue     bool     // the due date has passed
	Nudge       bool     // DM the facilitator about the due date now
	Facilitator string
}

// PlanReminder is the reminder policy, a pure function of state and clock:
// an open RCA with pending work gets one channel reminder per schedule slot
// (slot is the cron firing time; a slot already reminded is never posted
// again, so a restart or a repeated firing is harmless), and once the due
// date has passed the facilitator is nudged at most every DueNudgeEvery.
func PlanReminder(in ReminderInput, slot, now time.Time) Reminder {
	rem := Reminder{RCAID: in.RCA.ID, ChannelID: in.RCA.ChannelID, Facilitator: in.RCA.Facilitator}
	if in.RCA.Phase == PhaseClosed {
		return rem
	}
	p := ComputeProgress(in)
	rem.Pending = pendingPhrases(p, len(in.Fixes))
	if in.RCA.Phase == PhaseChallenging {
		rem.Mention = p.NotReviewed
	}
	rem.Post = len(rem.Pending) > 0 && !slot.After(now) && in.State.LastReminded.Before(slot)
	rem.Overdue = !in.RCA.Due.IsZero() && now.After(in.RCA.Due)
	rem.Nudge = rem.Overdue && (in.State.LastDueNudge.IsZero() || now.Sub(in.State.LastDueNudge) >= DueNudgeEvery)
	return rem
}

func pendingPhrases(p *Progress, fixes int) []string {
	var out []string
	add := func(n int, one, many string) {
		switch {
		case n == 1:
			out = append(out, one)
		case n > 1:
			out = append(out, fmt.Sprintf(many, n))
		}
	}
	switch p.Phase {
	case PhaseCollecting:
		if p.UDEs == 0 {
			out = append(out, "no symptom collected yet")
		}
	case PhaseWiring:
		add(p.Unexplained-p.Skipped, "1 node still needs a cause", "%d nodes still need a cause")
	case PhaseChallenging:
		add(p.Unreviewed, "1 link to review", "%d links to review")
		add(p.OpenReservations, "1 open reservation", "%d open reservations")
	case PhaseFixing:
		if fixes == 0 {
			out = append(out, "no fix proposed yet")
		}
	}
	return out
}

func loadReminderInput(tx Tx, r *RCA) (ReminderInput, error) {
	in := ReminderInput{RCA: *r}
	var err error
	if in.Tree, err = tx.Tree(r.ID); err != nil {
		return in, err
	}
	if in.Reviews, err = tx.Reviews(r.ID); err != nil {
		return in, err
	}
	if in.Reservations, err = tx.Reservations(r.ID); err != nil {
		return in, err
	}
	if in.Skips, err = tx.Skips(r.ID); err != nil {
		return in, err
	}
	if in.Fixes, err = tx.Fixes(r.ID); err != nil {
		return in, err
	}
	if in.State, err = tx.Reminder(r.ID); err != nil {
		return in, err
	}
	return in, nil
}

// Reminders applies PlanReminder to every open RCA for the schedule slot and
// returns those that need a post or a nudge now.
func (s *Service) Reminders(ctx context.Context, slot time.Time) ([]Reminder, error) {
	now := s.clock.Now().UTC()
	var out []Reminder
	err := s.store.View(ctx, func(tx Tx) error {
		rcas, err := tx.OpenRCAs()
		if err != nil {
			return err
		}
		for i := range rcas {
			in, err := loadReminderInput(tx, &rcas[i])
			if err != nil {
				return err
			}
			if rem := PlanReminder(in, slot, now); rem.Post || rem.Nudge {
				out = append(out, rem)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("plan reminders: %w", err)
	}
	return out, nil
}

// OpenRCAs returns every RCA that is not closed, private ones included, for
// the bot's own jobs (reminders); it checks no permission, so its result must
// never be shown to a user as such.
func (s *Service) OpenRCAs(ctx context.Context) ([]RCA, error) {
	var out []RCA
	err := s.store.View(ctx, func(tx Tx) error {
		var err error
		out, err = tx.OpenRCAs()
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("list open rcas: %w", err)
	}
	return out, nil
}

// MarkReminded records that the reminder for slot was posted (and the
// facilitator nudged, if nudged), so it is not posted again after a restart.
func (s *Service) MarkReminded(ctx context.Context, rcaID int64, slot time.Time, nudged bool) error {
	_, err := s.store.Update(ctx, "", func(tx Tx) ([]byte, error) {
		st, err := tx.Reminder(rcaID)
		if err != nil {
			return nil, err
		}
		before := st
		if slot.After(st.LastReminded) {
			st.LastReminded = slot.UTC()
		}
		if nudged {
			st.LastDueNudge = s.clock.Now().UTC()
		}
		if err := tx.PutReminder(st); err != nil {
			return nil, err
		}
		return nil, audit(tx, rcaID, Actor{UserID: SystemUser}, "reminded", "reminder", before, st)
	})
	if err != nil {
		return fmt.Errorf("mark rca %d reminded: %w", rcaID, err)
	}
	return nil
}

// ReminderOff is the schedule of an RCA whose reminders are switched off.
const ReminderOff = "off"

// SetReminderSpec sets the RCA's reminder schedule, a standard five-field cron
// spec ("" means the configured default, ReminderOff none). Facilitator only.
func (s *Service) SetReminderSpec(ctx context.Context, actor Actor, rcaID int64, spec string) (*Result, error) {
	spec = strings.TrimSpace(spec)
	if spec != "" && spec != ReminderOff {
		if _, err := ParseCron(spec); err != nil {
			return nil, Invalidf("schedule", "That schedule is not a valid cron line (%v); for example 0 10 * * 1-5.", err)
		}
	}
	return s.run(ctx, actor, rcaID, CmdSetReminder, func(tx Tx, r *RCA, _ *Result) error {
		st, err := tx.Reminder(r.ID)
		if err != nil {
			return err
		}
		before := st.Spec
		st.Spec = spec
		if err := tx.PutReminder(st); err != nil {
			return err
		}
		return audit(tx, r.ID, actor, "reminder_spec", "reminder", before, spec)
	})
}

// ReminderState returns the RCA's reminder schedule and last-posted times.
func (s *Service) ReminderState(ctx context.Context, actor Actor, rcaID int64) (ReminderState, error) {
	var st ReminderState
	err := s.view(ctx, actor, rcaID, func(tx Tx, r *RCA) error {
		var err error
		st, err = tx.Reminder(r.ID)
		return err
	})
	return st, err
}

// ParseCron parses a reminder schedule: a standard five-field cron line
// (minute hour day-of-month month day-of-week), optionally after a
// CRON_TZ= prefix, or a descriptor such as @daily or @every 2h. Reminders are
// checked once a minute, so a schedule finer than that is refused rather
// than quietly run at a coarser pace: a sixth (seconds) field, and @every
// with less than a minute or a part of a minute. The error says why in
// words a user can act on. Input the cron library panics on (a "TZ=" or
// "CRON_TZ=" prefix with no schedule after it) is an error too.
func ParseCron(spec string) (sched cron.Schedule, err error) {
	defer func() {
		if p := recover(); p != nil {
			sched, err = nil, fmt.Errorf("a time zone prefix needs a schedule after it")
		}
	}()
	fields := strings.Fields(spec)
	if len(fields) > 0 && (strings.HasPrefix(fields[0], "TZ=") || strings.HasPrefix(fields[0], "CRON_TZ=")) {
		fields = fields[1:]
	}
	switch {
	case len(fields) == 6 && !strings.HasPrefix(fields[0], "@"):
		return nil, fmt.Errorf("reminders are checked once a minute, so a seconds field is not supported; " +
			"use five fields (minute hour day-of-month month day-of-week)")
	case len(fields) == 2 && fields[0] == "@every":
		d, perr := time.ParseDuration(fields[1])
		if perr == nil && (d < time.Minute || d%time.Minute != 0) {
			return nil, fmt.Errorf("reminders are checked once a minute, so @every needs a whole number of minutes, such as @every 30m or @every 4h")
		}
	}
	return cron.ParseStandard(spec)
}

// FixReminder is what to send about one closed RCA's open fixes at one check.
type FixReminder struct {
	RCA        RCA
	NudgeSlot  time.Time   // the due-day slot (the calendar day's midnight) the nudges are for
	Nudges     []Fix       // open fixes, due or overdue, whose owner gets a DM for NudgeSlot
	Digest     bool        // post the weekly digest in the RCA's channel
	DigestSlot time.Time   // the week slot (Monday 00:00) the digest is for
	Open       []Fix       // every open fix of the RCA, for the digest
	Progress   FixProgress // what the done fixes remove so far
}

// weekSlot is the start of t's week in loc: Monday 00:00.
func weekSlot(t time.Time, loc *time.Location) time.Time {
	d := day(t, loc)
	return d.AddDate(0, 0, -((int(d.Weekday()) + 6) % 7))
}

// PlanFixReminders is the reminder policy after an RCA closes, a pure
// function of the RCA, its fixes, its reminder state and the clock. Fixes
// stay alive once the RCA is closed: the owner of each open fix that is due
// or overdue gets one DM per due-day slot (a calendar day in loc, UTC when
// nil; a fix records the
// last slot it was nudged for, so a restart or a repeated check never sends
// it twice), and while any fix is open the RCA's channel gets one digest per
// week slot, from the first week that starts after the RCA closed. An RCA
// that is not closed gets nothing here: its own reminders cover it. An RCA
// whose reminders are off (ReminderOff, "/rca remind off", which may be set
// before or after it closes) gets nothing either: no channel reminder, no
// digest and no DM to a fix's owner, as while it was open.
func PlanFixReminders(r RCA, fixes []Fix, st ReminderState, now time.Time, loc *time.Location) FixReminder {
	rem := FixReminder{RCA: r, NudgeSlot: day(now, loc).UTC(), DigestSlot: weekSlot(now, loc).UTC()}
	if r.Phase != PhaseClosed || strings.TrimSpace(st.Spec) == ReminderOff {
		return rem
	}
	for _, f := range fixes {
		if !f.Status.Open() {
			continue
		}
		rem.Open = append(rem.Open, f)
		if f.Owner != "" && f.DueBy(now, loc) && f.LastNudge.Before(rem.NudgeSlot) {
			rem.Nudges = append(rem.Nudges, f)
		}
	}
	rem.Digest = len(rem.Open) > 0 && r.ChannelID != "" && rem.DigestSlot.After(r.ClosedAt) &&
		st.LastDigest.Before(rem.DigestSlot)
	return rem
}

// FixReminders applies PlanFixReminders to every closed RCA with an open fix
// and returns those with a nudge or a digest to send now. It checks no
// permission: the bot sends each part only to the fix's owner or the RCA's
// channel.
func (s *Service) FixReminders(ctx context.Context) ([]FixReminder, error) {
	now := s.clock.Now().UTC()
	var out []FixReminder
	err := s.store.View(ctx, func(tx Tx) error {
		open, err := tx.OpenFixes()
		if err != nil {
			return err
		}
		for _, id := range rcaIDs(open) {
			rem, err := s.planFixReminder(tx, id, now)
			if err != nil {
				return err
			}
			if len(rem.Nudges) > 0 || rem.Digest {
				out = append(out, rem)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("plan fix reminders: %w", err)
	}
	return out, nil
}

func (s *Service) planFixReminder(tx Tx, rcaID int64, now time.Time) (FixReminder, error) {
	r, err := tx.RCA(rcaID)
	if err != nil {
		return FixReminder{}, err
	}
	fixes, err := tx.Fixes(rcaID)
	if err != nil {
		return FixReminder{}, err
	}
	st, err := tx.Reminder(rcaID)
	if err != nil {
		return FixReminder{}, err
	}
	rem := PlanFixReminders(*r, fixes, st, now, s.loc)
	if rem.Digest {
		t, err := tx.Tree(rcaID)
		if err != nil {
			return FixReminder{}, err
		}
		rem.Progress = ProgressOf(t, fixes, s.analysisOptions(r))
	}
	return rem, nil
}

// rcaIDs returns the distinct RCAs of fixes, in order.
func rcaIDs(fixes []Fix) []int64 {
	var ids []int64
	for _, f := range fixes {
		ids = append(ids, f.RCAID)
	}
	slices.Sort(ids)
	return slices.Compact(ids)
}

// MarkFixNudged records that the owner of a fix was nudged for the due-day
// slot, so that no restart or second check nudges them again for it.
func (s *Service) MarkFixNudged(ctx context.Context, rcaID, fixID int64, slot time.Time) error {
	_, err := s.store.Update(ctx, "", func(tx Tx) ([]byte, error) {
		f, err := findFix(tx, rcaID, fixID)
		if err != nil {
			return nil, err
		}
		before := f.LastNudge
		if !slot.After(before) {
			return nil, nil
		}
		f.LastNudge = slot.UTC()
		if err := tx.UpdateFix(f); err != nil {
			return nil, err
		}
		return nil, audit(tx, rcaID, Actor{UserID: SystemUser}, "fix_nudged", fmt.Sprintf("fix %d", fixID), before, f.LastNudge)
	})
	if err != nil {
		return fmt.Errorf("mark fix %d nudged: %w", fixID, err)
	}
	return nil
}

// MarkFixDigest records that the weekly fix digest of the RCA was posted for
// the week slot.
func (s *Service) MarkFixDigest(ctx context.Context, rcaID int64, slot time.Time) error {
	_, err := s.store.Update(ctx, "", func(tx Tx) ([]byte, error) {
		st, err := tx.Reminder(rcaID)
		if err != nil {
			return nil, err
		}
		before := st.LastDigest
		if !slot.After(before) {
			return nil, nil
		}
		st.LastDigest = slot.UTC()
		if err := tx.PutReminder(st); err != nil {
			return nil, err
		}
		return nil, audit(tx, rcaID, Actor{UserID: SystemUser}, "fix_digest", "reminder", before, st.LastDigest)
	})
	if err != nil {
		return fmt.Errorf("mark fix digest of rca %d: %w", rcaID, err)
	}
	return nil
}
