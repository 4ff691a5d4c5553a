package slacktest_test

import (
	"errors"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/untangle-rca/untangle/bot/slacktest"
)

// The fake answers 429 with Retry-After once an app goes over a method's
// tier: chat.update per workspace, chat.postMessage per channel.
func TestTierLimitsAnswer429(t *testing.T) {
	t.Parallel()
	fake := slacktest.New(t)
	a := fake.AddChannel("a", slacktest.ChannelOptions{BotMember: true})
	b := fake.AddChannel("b", slacktest.ChannelOptions{BotMember: true})
	api := slack.New(fake.BotToken(), slack.OptionAPIURL(fake.APIURL()))
	limited := func(err error) bool {
		var rl *slack.RateLimitedError
		return errors.As(err, &rl) && rl.RetryAfter >= time.Second
	}

	burst := slacktest.PostMessageLimit.Burst
	var ts string
	for i := range burst {
		var err error
		if _, ts, err = api.PostMessage(a.ID, slack.MsgOptionText("hello", false)); err != nil {
			t.Fatalf("post %d of a burst of %d: %v", i+1, burst, err)
		}
	}
	if _, _, err := api.PostMessage(a.ID, slack.MsgOptionText("one too many", false)); !limited(err) {
		t.Fatalf("post past the burst: %v, want a 429 with Retry-After", err)
	}
	if _, _, err := api.PostMessage(b.ID, slack.MsgOptionText("other channel", false)); err != nil {
		t.Fatalf("another channel has its own bucket: %v", err)
	}

	tier3 := slacktest.DefaultLimits()["chat.update"].Burst
	for i := range tier3 {
		if _, _, _, err := api.UpdateMessage(a.ID, ts, slack.MsgOptionText("again", false)); err != nil {
			t.Fatalf("update %d of %d: %v", i+1, tier3, err)
		}
	}
	if _, _, _, err := api.UpdateMessage(a.ID, ts, slack.MsgOptionText("too fast", false)); !limited(err) {
		t.Fatalf("update past Tier 3: %v, want a 429 with Retry-After", err)
	}
	if n := fake.RateLimited(); n != 2 {
		t.Errorf("RateLimited() = %d, want 2", n)
	}
	for _, c := range fake.CallsTo("chat.update") {
		if c.Error == "ratelimited" && c.Status != 429 {
			t.Errorf("a rate-limited call answered HTTP %d", c.Status)
		}
	}
}

// A bucket refills evenly: after one interval, one more call goes through.
func TestTierLimitsRefill(t *testing.T) {
	t.Parallel()
	fake := slacktest.New(t, slacktest.WithLimits(map[string]slacktest.Limit{
		"chat.postMessage": {Burst: 1, Every: 200 * time.Millisecond},
	}))
	ch := fake.AddChannel("a", slacktest.ChannelOptions{BotMember: true})
	api := slack.New(fake.BotToken(), slack.OptionAPIURL(fake.APIURL()))
	if _, _, err := api.PostMessage(ch.ID, slack.MsgOptionText("1", false)); err != nil {
		t.Fatal(err)
	}
	if _, _, err := api.PostMessage(ch.ID, slack.MsgOptionText("2", false)); err == nil {
		t.Fatal("a second post at once was accepted")
	}
	time.Sleep(250 * time.Millisecond)
	if _, _, err := api.PostMessage(ch.ID, slack.MsgOptionText("3", false)); err != nil {
		t.Fatalf("after the interval: %v", err)
	}
}
