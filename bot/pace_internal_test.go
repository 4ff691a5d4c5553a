package bot

import (
	"testing"
	"time"
)

// The pacer lets a burst through, then spaces calls evenly, per channel
// for posts and per workspace for the other methods.
func TestPacerSpacesCallsAfterABurst(t *testing.T) {
	now := time.Unix(1000, 0)
	p := newPacer(nil)
	p.now = func() time.Time { return now }
	post := paceRules["chat.postMessage"]
	for i := range post.burst {
		if d := p.delay("chat.postMessage", "C1"); d != 0 {
			t.Fatalf("post %d of the burst waits %v", i+1, d)
		}
	}
	if d := p.delay("chat.postMessage", "C1"); d != post.every {
		t.Errorf("the post after the burst waits %v, want %v", d, post.every)
	}
	if d := p.delay("chat.postMessage", "C1"); d != 2*post.every {
		t.Errorf("the next one waits %v, want %v", d, 2*post.every)
	}
	if d := p.delay("chat.postMessage", "C2"); d != 0 {
		t.Errorf("another channel waits %v", d)
	}
	if d := p.delay("views.open", ""); d != 0 {
		t.Errorf("views.open is paced (%v): its trigger would expire", d)
	}
	now = now.Add(time.Minute) // the bucket is full again
	if d := p.delay("chat.postMessage", "C1"); d != 0 {
		t.Errorf("after a quiet minute a post waits %v", d)
	}
	update := paceRules["chat.update"]
	if update.burst >= 50 || time.Minute/update.every >= 50 {
		t.Errorf("chat.update is paced at %v a minute with bursts of %d, not below Tier 3 (50)", time.Minute/update.every, update.burst)
	}
}
