package bot

import (
	"testing"
	"time"
)

// A replica that takes the lease over runs the reminders at once, not at
// the next minute: the slot the dead holder missed is posted as soon as
// the lease is gained.
func TestLeaseGainTicksAtOnce(t *testing.T) {
	day := func(d, hh, mm, ss int) time.Time { return remindAt(time.UTC, 2026, 3, d, hh, mm, ss) } // 2nd: a Monday
	e := newRemindEnv(t, time.UTC, day(2, 10, 30, 0))
	e.startRCA(day(20, 23, 0, 0))
	r := e.replica("replica-b")
	stop := r.bot.startReminders(e.ctx)
	defer stop()
	e.clock.Set(day(3, 10, 0, 30)) // Tuesday's slot passed with no holder
	if !r.leader.Renew(e.ctx) {
		t.Fatal("the free lease was not granted")
	}
	for len(e.reminders()) == 0 {
		select {
		case <-e.ctx.Done():
			t.Fatal("no reminder after the lease was gained")
		case <-time.After(10 * time.Millisecond):
		}
	}
	e.wantReminders("after the takeover", 1)
}
