package slacktest

import (
	"math"
	"sync"
	"time"
)

// Rate limits. Slack meters each Web API method per app and workspace in
// tiers (Tier 2 about 20 calls a minute, Tier 3 about 50, Tier 4 about 100)
// and chat.postMessage per channel (about one message a second, with short
// bursts). The fake enforces them with one token bucket per method, and per
// channel for chat.postMessage: a bucket holds up to a minute's worth of
// calls (a burst) and refills evenly; a call that finds it empty is answered
// HTTP 429 with Retry-After and {"ok":false,"error":"ratelimited"}, as Slack
// does, so a test fails when the app would be throttled in production.

// Limit is the rate limit of one Web API method: Burst calls at once, then
// one call every Every.
type Limit struct {
	Burst int
	Every time.Duration
}

// perMinute is the limit of a tier allowing n calls a minute.
func perMinute(n int) Limit { return Limit{Burst: n, Every: time.Minute / time.Duration(n)} }

// PostMessageLimit is chat.postMessage's limit in one channel: about one
// message a second, with a burst of a few.
var PostMessageLimit = Limit{Burst: 4, Every: time.Second}

// DefaultLimits are the published tiers of the methods the app uses. Methods
// missing here are not limited by the fake (auth.test, apps.connections.open,
// users.info and the like, which the app calls rarely).
func DefaultLimits() map[string]Limit {
	tier2, tier3, tier4 := perMinute(20), perMinute(50), perMinute(100)
	return map[string]Limit{
		"chat.postMessage":              PostMessageLimit, // per channel
		"chat.update":                   tier3,
		"chat.postEphemeral":            tier4,
		"views.open":                    tier4,
		"views.push":                    tier4,
		"views.update":                  tier4,
		"views.publish":                 tier4,
		"conversations.create":          tier2,
		"conversations.setTopic":        tier2,
		"conversations.setPurpose":      tier2,
		"conversations.archive":         tier2,
		"conversations.invite":          tier3,
		"conversations.info":            tier3,
		"pins.add":                      tier2,
		"bookmarks.add":                 tier2,
		"conversations.canvases.create": tier2,
		"canvases.edit":                 tier3,
		"files.getUploadURLExternal":    tier4,
		"files.completeUploadExternal":  tier4,
	}
}

// WithLimits replaces the rate limit of the named methods; a zero Limit
// lifts a method's limit. Use it only for a test that stands for a Slack
// plan or method whose published tier differs from DefaultLimits.
func WithLimits(limits map[string]Limit) Option {
	return func(c *config) {
		for m, l := range limits {
			c.limits[m] = l
		}
	}
}

// WithLimitClock replaces the real clock the rate limits run on. Use it
// only together with the same clock for the app's own pacing, to run a
// whole flow faster than real time with the limits scaled alike.
func WithLimitClock(now func() time.Time) Option { return func(c *config) { c.limitNow = now } }

// bucket is one token bucket.
type bucket struct {
	tokens float64
	at     time.Time
}

// limiter holds the buckets of a fake workspace. It runs on the real clock
// (or WithLimitClock's), whatever clock the Server shows to the app, since
// the app paces itself in real time.
type limiter struct {
	mu      sync.Mutex
	limits  map[string]Limit
	buckets map[string]*bucket
	limited int // calls answered 429 by the limiter
}

func newLimiter(limits map[string]Limit) *limiter {
	return &limiter{limits: limits, buckets: map[string]*bucket{}}
}

// take spends a token of method (in channel, for chat.postMessage) and
// returns 0, or the whole seconds to wait when the bucket is empty.
func (l *limiter) take(method, channel string, now time.Time) int {
	lim, ok := l.limits[method]
	if !ok || lim.Burst <= 0 || lim.Every <= 0 {
		return 0
	}
	key := method
	if method == "chat.postMessage" {
		key += "/" + channel
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	b, ok := l.buckets[key]
	if !ok {
		b = &bucket{tokens: float64(lim.Burst), at: now}
		l.buckets[key] = b
	}
	b.tokens = math.Min(float64(lim.Burst), b.tokens+float64(now.Sub(b.at))/float64(lim.Every))
	b.at = now
	if b.tokens >= 1 {
		b.tokens--
		return 0
	}
	l.limited++
	wait := time.Duration((1 - b.tokens) * float64(lim.Every))
	return max(1, int(math.Ceil(wait.Seconds())))
}

// RateLimited returns how many calls the fake answered 429 because the
// app went over a method's limit (injected faults not counted).
func (s *Server) RateLimited() int {
	s.limits.mu.Lock()
	defer s.limits.mu.Unlock()
	return s.limits.limited
}
