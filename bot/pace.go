package bot

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"sync"
	"time"
)

// Slack meters each Web API method per app and workspace in tiers (Tier 2
// about 20 calls a minute, Tier 3 about 50, Tier 4 about 100) and
// chat.postMessage per channel (about one a second, with short bursts). The
// bot paces its own calls a little below those limits, so a busy team is
// slowed down evenly instead of being answered 429.

// paceRule is the pace of one method: burst calls at once, then one every every.
type paceRule struct {
	burst int
	every time.Duration
}

// paceBelow is a tier of n calls a minute, paced at 90 % of it.
func paceBelow(n int) paceRule {
	burst := n * 9 / 10
	return paceRule{burst: burst, every: time.Minute / time.Duration(burst)}
}

// paceRules are the methods the bot paces. The views methods are left out:
// they answer a trigger_id that expires in three seconds, so waiting would
// only turn a possible 429 into a certain expired_trigger_id.
var paceRules = func() map[string]paceRule {
	tier2, tier3, tier4 := paceBelow(20), paceBelow(50), paceBelow(100)
	return map[string]paceRule{
		"chat.postMessage":              {burst: 3, every: 1100 * time.Millisecond}, // per channel
		"chat.update":                   tier3,
		"chat.postEphemeral":            tier4,
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
}()

// pacer spaces the calls of each paced method (and channel, for posts) with
// the generic cell rate algorithm: tat is when the bucket would be full again.
type pacer struct {
	mu  sync.Mutex
	tat map[string]time.Time
	now func() time.Time
}

func newPacer(now func() time.Time) *pacer {
	if now == nil {
		now = time.Now
	}
	return &pacer{tat: map[string]time.Time{}, now: now}
}

// PaceClock is the time the bot paces its Web API calls by. A nil field
// means real time, as in production; a demonstration against the fake Slack
// runs both the bot's pacer and the fake's rate limits on one faster clock.
type PaceClock struct {
	Now   func() time.Time                                 // the pacer's time
	Sleep func(ctx context.Context, d time.Duration) error // waits d of that time
}

// delay reserves a call of method in channel and returns how long to wait
// before sending it.
func (p *pacer) delay(method, channel string) time.Duration {
	rule, ok := paceRules[method]
	if !ok {
		return 0
	}
	key := method
	if method == "chat.postMessage" {
		key += "/" + channel
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	tat := p.tat[key]
	if tat.Before(now) {
		tat = now
	}
	p.tat[key] = tat.Add(rule.every)
	return max(0, tat.Add(-time.Duration(rule.burst-1)*rule.every).Sub(now))
}

// pacedTransport waits for the pacer before sending a Web API request. A
// wait that would pass the request's deadline is skipped: the call is sent
// at once and may be answered 429, which the retry transport handles.
type pacedTransport struct {
	next  http.RoundTripper
	pace  *pacer
	sleep func(ctx context.Context, d time.Duration) error
}

// RoundTrip paces req, then sends it.
func (t *pacedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	method := apiMethod(req)
	if _, ok := paceRules[method]; ok && !turnTaken(req.Context(), method) {
		channel := ""
		if method == "chat.postMessage" {
			channel = formValue(req, "channel")
		}
		if d := t.pace.delay(method, channel); d > 0 && fitsDeadline(req.Context(), d) {
			if err := t.sleep(req.Context(), d); err != nil {
				return nil, err
			}
		}
	}
	return t.next.RoundTrip(req)
}

// formValue reads one field of a replayable form body ("" when there is none).
func formValue(req *http.Request, key string) string {
	if req.GetBody == nil {
		return req.URL.Query().Get(key)
	}
	body, err := req.GetBody()
	if err != nil {
		return ""
	}
	defer body.Close()
	data, err := io.ReadAll(io.LimitReader(body, 1<<20))
	if err != nil {
		return ""
	}
	vals, err := url.ParseQuery(string(data))
	if err != nil {
		return ""
	}
	return vals.Get(key)
}

// turnKey marks a context whose caller already waited for the pacer's turn
// of one method (see withTurnTaken).
type turnKey struct{}

// withTurnTaken marks ctx's calls of method as already paced: the caller
// reserved its turn with pacer.delay and waited for it, so the transport
// sends at once.
func withTurnTaken(ctx context.Context, method string) context.Context {
	return context.WithValue(ctx, turnKey{}, method)
}

// turnTaken reports whether ctx's caller already waited for method's turn.
func turnTaken(ctx context.Context, method string) bool {
	m, _ := ctx.Value(turnKey{}).(string)
	return m == method
}
