package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/untangle-rca/untangle/bot/slacktest"
	"github.com/untangle-rca/untangle/tree"
	"github.com/untangle-rca/untangle/workflow"
)

// replicaStatements is the tree of the replica test's challenge pass: four
// links, one card each.
const replicaStatements = `UDE [Checkout requests time out]
IF [The payment API answers slowly] THEN [Checkout requests time out]
IF [The database connection pool is exhausted] THEN [The payment API answers slowly]
IF [A batch job holds connections for minutes] THEN [The database connection pool is exhausted]
IF [The batch job was moved to business hours] THEN [A batch job holds connections for minutes]
`

// challengeRun is an RCA in its challenge pass whose people say the links
// hold, each person each link once, on the link's card.
type challengeRun struct {
	title   string
	id      int64
	dash    slacktest.Message
	header  string                  // the challenge header's ts
	cards   map[tree.GroupID]string // link → its card's ts
	team    []slacktest.User
	mu      sync.Mutex
	holds   map[string]bool // "user link" of every acknowledged Holds
	clicked int
}

// startChallenge starts an RCA with team, pastes the tree, and has the
// facilitator start the wiring and the challenge pass; it returns once
// every card is posted.
func startChallenge(ctx context.Context, t *testing.T, fake *slacktest.Server, svc *workflow.Service, general string, team []slacktest.User) *challengeRun {
	t.Helper()
	c := &challengeRun{title: "Replica challenge", team: team, cards: map[tree.GroupID]string{}, holds: map[string]bool{}}
	c.dash = startRCAWith(ctx, t, fake, team[0], general, c.title, team[1:])
	fac := workflow.Actor{UserID: team[0].ID}
	rca, err := svc.RCAForChannel(ctx, fac, c.dash.Channel)
	if err != nil {
		t.Fatal(err)
	}
	c.id = rca.ID
	if _, err := svc.PasteStatements(ctx, fac, c.id, replicaStatements); err != nil {
		t.Fatalf("paste: %v", err)
	}
	for _, button := range []string{":link: Start wiring", ":crossed_swords: Start challenge pass"} {
		eventually(ctx, t, "the dashboard to offer "+button, func() bool {
			m, _ := fake.Message(c.dash.Channel, c.dash.TS)
			return strings.Contains(m.PlainText(), button)
		})
		if _, err := team[0].ClickButton(ctx, c.dash, button); err != nil {
			t.Fatalf("%s: %v", button, err)
		}
	}
	eventually(ctx, t, "the challenge header and its four cards", func() bool {
		for _, m := range fake.Messages(c.dash.Channel) {
			if !m.IsReply() && strings.Contains(m.PlainText(), "Challenge pass") {
				c.header = m.TS
			}
		}
		return c.header != "" && len(fake.Thread(c.dash.Channel, c.header)) == 4
	})
	return c
}

// loadCards reads which message is the card of each link.
func (c *challengeRun) loadCards(ctx context.Context, t *testing.T, db interface {
	Ref(ctx context.Context, rcaID int64, key string) (string, error)
}) {
	t.Helper()
	// A card is in the thread a moment before the bot has stored its ref.
	for g := tree.GroupID(1); g <= 4; g++ {
		eventually(ctx, t, fmt.Sprintf("the ref of link %d's card", g), func() bool {
			ts, err := db.Ref(ctx, c.id, "card:"+strconv.Itoa(int(g))) // the bot's ref of a link's card
			if err != nil {
				t.Fatalf("the card of link %d: %v", g, err)
			}
			c.cards[g] = ts
			return ts != ""
		})
	}
}

// act has u click Holds on every card once, in a random order, pausing
// between clicks, until the cards are done or stop has passed. A click
// whose replica died before the ack is lost, as in Slack.
func (c *challengeRun) act(ctx context.Context, u slacktest.User, rng *rand.Rand, stop time.Time) {
	order := []tree.GroupID{1, 2, 3, 4}
	rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
	for _, g := range order {
		if time.Now().After(stop) {
			return
		}
		actx, cancel := context.WithTimeout(ctx, 4*time.Second)
		_, err := u.ClickButton(actx, slacktest.Message{Channel: c.dash.Channel, TS: c.cards[g]}, "Holds")
		cancel()
		c.mu.Lock()
		c.clicked++
		if err == nil {
			c.holds[u.ID+" "+strconv.Itoa(int(g))] = true
		}
		c.mu.Unlock()
		time.Sleep(time.Duration(1000+rng.IntN(2000)) * time.Millisecond)
	}
}

// check checks that every acknowledged Holds is stored, that each link has
// one card, and that the cards and the dashboard come to show the stored
// reviews.
func (c *challengeRun) check(ctx context.Context, t *testing.T, fake *slacktest.Server, svc *workflow.Service) {
	t.Helper()
	fac := workflow.Actor{UserID: c.team[0].ID}
	reviews, err := svc.Reviews(ctx, fac, c.id)
	if err != nil {
		t.Fatal(err)
	}
	stored := map[string]int{}
	holders := map[tree.GroupID][]string{}
	for _, r := range reviews {
		if r.Holds {
			stored[r.User+" "+strconv.Itoa(int(r.Group))]++
			holders[r.Group] = append(holders[r.Group], r.User)
		}
	}
	for k, n := range stored {
		if n > 1 {
			t.Errorf("review %q stored %d times", k, n)
		}
	}
	for k := range c.holds {
		if stored[k] != 1 {
			t.Errorf("acknowledged Holds %q stored %d times, want 1", k, stored[k])
		}
	}
	if n := len(fake.Thread(c.dash.Channel, c.header)); n != len(c.cards) {
		t.Errorf("%d cards in the challenge thread for %d links", n, len(c.cards))
	}
	for g, ts := range c.cards {
		eventually(ctx, t, fmt.Sprintf("the card of link %d to name its %d holders", g, len(holders[g])), func() bool {
			m, _ := fake.Message(c.dash.Channel, ts)
			for _, u := range holders[g] {
				if !strings.Contains(m.PlainText(), "<@"+u+">") {
					return false
				}
			}
			return true
		})
	}
	p, err := svc.Progress(ctx, fac, c.id)
	if err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("%d/%d accepted", p.Accepted, p.Links)
	eventually(ctx, t, "the challenge dashboard to say "+want, func() bool {
		m, _ := fake.Message(c.dash.Channel, c.dash.TS)
		return strings.Contains(m.PlainText(), want)
	})
	t.Logf("challenge: %d Holds acknowledged of %d clicks, %d links accepted", len(c.holds), c.clicked, p.Accepted)
}
