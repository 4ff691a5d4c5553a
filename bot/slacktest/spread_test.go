package slacktest_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/untangle-rca/untangle/bot/slacktest"
)

// seenEnvelope is what a raw app saw of one envelope.
type seenEnvelope struct {
	conn         int
	id           string
	retryAttempt int
	retryReason  string
}

// rawApps opens n raw Socket Mode connections; connection i acks what it
// gets when ack(i) is true. Every envelope seen is recorded.
type rawApps struct {
	mu   sync.Mutex
	seen []seenEnvelope
}

func openRawApps(t *testing.T, fake *slacktest.Server, n int, ack func(i int) bool) *rawApps {
	t.Helper()
	r := &rawApps{}
	for i := range n {
		wsURL := openConnection(t, fake, fake.AppToken(), "")["url"].(string)
		conn, _, err := websocket.DefaultDialer.Dial(wsURL, nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { conn.Close() })
		go func() {
			for {
				var env struct {
					EnvelopeID   string `json:"envelope_id"`
					RetryAttempt int    `json:"retry_attempt"`
					RetryReason  string `json:"retry_reason"`
				}
				if err := conn.ReadJSON(&env); err != nil {
					return
				}
				if env.EnvelopeID == "" {
					continue // hello
				}
				r.mu.Lock()
				r.seen = append(r.seen, seenEnvelope{conn: i, id: env.EnvelopeID, retryAttempt: env.RetryAttempt, retryReason: env.RetryReason})
				r.mu.Unlock()
				if ack(i) {
					_ = conn.WriteJSON(map[string]any{"envelope_id": env.EnvelopeID})
				}
			}
		}()
	}
	ctx := testCtx(t)
	if err := fake.WaitForConnectsAtLeast(ctx, n); err != nil {
		t.Fatal(err)
	}
	return r
}

func (r *rawApps) byEnvelope() map[string][]seenEnvelope {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := map[string][]seenEnvelope{}
	for _, s := range r.seen {
		out[s.id] = append(out[s.id], s)
	}
	return out
}

func TestSpreadHandsEnvelopesToEveryConnection(t *testing.T) {
	t.Parallel()
	fake := slacktest.New(t, slacktest.WithSpread(7))
	alice := fake.AddUser("alice")
	ch := fake.AddChannel("spread", slacktest.ChannelOptions{Members: []slacktest.User{alice}})
	apps := openRawApps(t, fake, 3, func(int) bool { return true })
	ctx := testCtx(t)
	const sends = 30
	for range sends {
		if _, err := alice.SlashCommand(ctx, ch.ID, "/echo", "x"); err != nil {
			t.Fatal(err)
		}
	}
	perConn := map[int]int{}
	for id, seen := range apps.byEnvelope() {
		if len(seen) != 1 {
			t.Fatalf("envelope %s went to %d connections, want one: %+v", id, len(seen), seen)
		}
		perConn[seen[0].conn]++
	}
	if len(perConn) != 3 {
		t.Fatalf("envelopes per connection = %v, want all three connections used", perConn)
	}
	if got := fake.EnvelopesPerConnection(); len(got) != 3 || got[0]+got[1]+got[2] != sends {
		t.Fatalf("EnvelopesPerConnection = %v, want %d over three connections", got, sends)
	}
}

func TestSpreadRedeliversAnUnackedEventElsewhere(t *testing.T) {
	t.Parallel()
	fake := slacktest.New(t, slacktest.WithSpread(3), slacktest.WithRedelivery(100*time.Millisecond, 3))
	apps := openRawApps(t, fake, 2, func(i int) bool { return i == 1 }) // connection 0 never acks
	ctx := testCtx(t)
	var ids []string
	for i := range 8 {
		id, err := fake.SendEvent(ctx, map[string]any{"type": "app_mention", "text": fmt.Sprint("hi ", i)})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	retried := 0
	for _, id := range ids {
		for !fake.Acked(id) && ctx.Err() == nil {
			time.Sleep(20 * time.Millisecond)
		}
		seen := apps.byEnvelope()[id]
		switch {
		case !fake.Acked(id):
			t.Fatalf("event %s never acked: %+v", id, seen)
		case len(seen) == 1 && seen[0].conn == 1 && seen[0].retryAttempt == 0:
		case len(seen) == 2 && seen[0].conn == 0 && seen[1].conn == 1 &&
			seen[1].retryAttempt == 1 && seen[1].retryReason == "timeout":
			retried++
		default:
			t.Fatalf("event %s deliveries = %+v; want the acking connection, or the silent one and then the other with retry_attempt 1", id, seen)
		}
	}
	if retried == 0 {
		t.Fatal("no event went to the silent connection first; the test would not see a redelivery")
	}
}

func TestEleventhConnectionRefused(t *testing.T) {
	t.Parallel()
	fake := slacktest.New(t)
	openRawApps(t, fake, slacktest.MaxConnections, func(int) bool { return true })
	if got, _ := openConnection(t, fake, fake.AppToken(), "")["error"].(string); got != "too_many_websockets" {
		t.Fatalf("11th apps.connections.open: error %q, want too_many_websockets", got)
	}
}
