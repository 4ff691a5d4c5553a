// Package demo plays a whole root-cause analysis of an example tree
// through the fake Slack, as a team of three would, and records what each
// person saw and did as a transcript.
package demo

import (
	"context"
	"sync"
	"time"
)

// Clock is the time the bot, the workflow and the fake Slack see during a
// demo. It moves only when the script moves it, so every timestamp of a run
// is the same in the next.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock returns a Clock standing at start.
func NewClock(start time.Time) *Clock { return &Clock{now: start} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// Fast is a clock running Scale times faster than real time, shared by the
// bot's pacing and the fake's rate limits: the demo keeps within Slack's
// tiers as the bot always does, only sooner.
type Fast struct {
	start time.Time // real time at origin
	scale float64
}

// NewFast returns a clock running scale times faster than real time.
func NewFast(scale float64) *Fast { return &Fast{start: time.Now(), scale: scale} }

// Now is the fast time.
func (f *Fast) Now() time.Time {
	return f.start.Add(time.Duration(float64(time.Since(f.start)) * f.scale))
}

// Sleep waits d of fast time, or until ctx is done.
func (f *Fast) Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(time.Duration(float64(d) / f.scale))
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
