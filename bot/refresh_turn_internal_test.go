package bot

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/untangle-rca/untangle/bot/slacktest"
	"github.com/untangle-rca/untangle/storage"
	"github.com/untangle-rca/untangle/tree"
	"github.com/untangle-rca/untangle/workflow"
)

// A message drawn after the RCA changed (as after waiting for its turn
// under the pacing), from a snapshot no longer fresh, is drawn from a new one, not from the state the
// run started with; a message whose state did not change is not sent.
func TestKeepDrawsTheNewestState(t *testing.T) {
	ctx, fake, ch, db, svc, rca, api := turnFixture(t)
	alice := workflow.Actor{UserID: rca.Facilitator}
	ts := postKept(t, api, db, ch.ID, rca.ID, refDashboard, "RCA dashboard")
	f := newRefresher(api, svc, db, slog.New(slog.NewTextHandler(io.Discard, nil)))
	f.pace = newPacer(nil)
	f.changed(alice, rca.ID, change{}) // k.gen 1; the loop draws once and ends
	f.close(ctx)
	k := f.rcas[rca.ID]

	// The run read its snapshot after the first symptom; the second came
	// while it waited.
	if _, err := svc.AddSymptom(ctx, alice, rca.ID, workflow.SymptomInput{Text: "Checkout returns HTTP 502"}); err != nil {
		t.Fatal(err)
	}
	s, err := svc.Snapshot(ctx, alice, rca.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.AddSymptom(ctx, alice, rca.ID, workflow.SymptomInput{Text: "Refunds take three days"}); err != nil {
		t.Fatal(err)
	}
	d := &drawing{f: f, k: k, rcaID: rca.ID, channel: ch.ID, log: f.log, actor: alice, s: s, st: challengeOf(s), gen: k.gen,
		read: time.Now().Add(-snapshotFresh)}
	k.gen++ // the second symptom's change
	d.keep(ctx, refDashboard, updateOnly, "")
	if m, _ := fake.Message(ch.ID, ts); !strings.Contains(m.PlainText(), "2 symptoms") {
		t.Errorf("the dashboard was drawn from the state the run started with:\n%s", m.PlainText())
	}
	before := len(fake.CallsTo("chat.update"))
	d.keep(ctx, refDashboard, updateOnly, "")
	if n := len(fake.CallsTo("chat.update")) - before; n != 0 {
		t.Errorf("%d updates of a dashboard that already shows its state", n)
	}
}

// A card that waits for its turn to be posted, while the run posts the
// window's missing cards meanwhile (that card among them), is posted once.
func TestCardPostedMeanwhileIsNotPostedAgain(t *testing.T) {
	ctx, fake, ch, db, svc, rca, api := turnFixture(t)
	alice := workflow.Actor{UserID: rca.Facilitator}
	header := postKept(t, api, db, ch.ID, rca.ID, refChallengeHeader, "Challenge pass")
	f := newRefresher(api, svc, db, slog.New(slog.NewTextHandler(io.Discard, nil)))
	f.changed(alice, rca.ID, change{})
	f.close(ctx)
	k := f.rcas[rca.ID]
	f.pace = newPacer(nil)
	for range 4 { // other posts in the channel: the card's turn is over two seconds away
		f.pace.delay("chat.postMessage", ch.ID)
	}
	s := &workflow.Snapshot{RCA: *rca, Tree: chainTree(t, 1)}
	s.RCA.Phase = workflow.PhaseChallenging
	d := &drawing{f: f, k: k, rcaID: rca.ID, channel: ch.ID, log: f.log, actor: alice, s: s, st: challengeOf(s), gen: k.gen, read: time.Now()}
	d.keep(ctx, cardRef(1), postIfMissing, header)
	if n := len(fake.Thread(ch.ID, header)); n != 1 {
		t.Fatalf("%d messages in the thread of a one-link pass, want its one card", n)
	}
}

// postKept posts a kept message into the channel and stores its ref, as a
// run of the refresher would have (test set-up only).
func postKept(t *testing.T, api *slack.Client, db *storage.DB, channel string, rcaID int64, ref, text string) string {
	t.Helper()
	_, ts, err := api.PostMessageContext(t.Context(), channel, slack.MsgOptionText(text, false))
	if err != nil {
		t.Fatal(err)
	}
	if err := db.PutRef(t.Context(), rcaID, ref, ts); err != nil {
		t.Fatal(err)
	}
	return ts
}

// turnFixture is an RCA in a channel of the fake Slack, on a SQLite file,
// with a Web API client of the bot.
func turnFixture(t *testing.T) (context.Context, *slacktest.Server, slacktest.Channel, *storage.DB, *workflow.Service, *workflow.RCA, *slack.Client) {
	t.Helper()
	ctx := t.Context()
	fake := slacktest.New(t)
	ch := fake.AddChannel("rca-turn", slacktest.ChannelOptions{BotMember: true})
	db, err := storage.Open(ctx, filepath.Join(t.TempDir(), "untangle.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	svc := workflow.New(db, nil)
	rca, err := svc.Start(ctx, workflow.Actor{UserID: "UALICE"}, workflow.StartInput{Title: "Turns", ChannelID: ch.ID})
	if err != nil {
		t.Fatal(err)
	}
	return ctx, fake, ch, db, svc, rca, slack.New(fake.BotToken(), slack.OptionAPIURL(fake.APIURL()))
}

// A run posting the challenge pass's cards goes on while the pass does,
// changes or not; once the RCA has moved past the pass and changed again,
// it stops, so the next run draws what the team now works on first.
func TestCardsStopOnceThePassIsOver(t *testing.T) {
	tests := []struct {
		name  string
		phase workflow.Phase // of the stored RCA when the cards are drawn
		want  int            // cards posted
	}{
		{"the pass goes on", workflow.PhaseChallenging, 2},
		{"the pass is over", workflow.PhaseFixing, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, fake, ch, db, svc, rca, api := turnFixture(t)
			alice := workflow.Actor{UserID: rca.Facilitator}
			const chain = "UDE [Checkout fails]\nIF [Pool exhausted] THEN [Checkout fails]\n" +
				"IF [Slow query] THEN [Pool exhausted]\nIF [No load test] THEN [Slow query]\n"
			if _, err := svc.PasteStatements(ctx, alice, rca.ID, chain); err != nil {
				t.Fatal(err)
			}
			for phase := rca.Phase; phase != tt.phase; {
				res, err := svc.Advance(ctx, alice, rca.ID)
				if err != nil {
					t.Fatalf("advance from %s: %v", phase, err)
				}
				phase = res.Phase
			}
			header := postKept(t, api, db, ch.ID, rca.ID, refChallengeHeader, "Challenge pass")
			f := newRefresher(api, svc, db, slog.New(slog.NewTextHandler(io.Discard, nil)))
			k := &rcaKept{pending: true, wake: make(chan struct{}, 1), ts: map[string]string{}, sent: map[string]string{},
				held: map[string]time.Time{}, last: map[tree.GroupID]string{}}
			s := &workflow.Snapshot{RCA: *rca, Tree: chainTree(t, 3)}
			s.RCA.Phase = workflow.PhaseChallenging // the run's snapshot is of the pass
			d := &drawing{f: f, k: k, rcaID: rca.ID, channel: ch.ID, log: f.log, actor: alice, s: s, st: challengeOf(s), gen: k.gen, read: time.Now()}
			d.cards(ctx, []tree.GroupID{1, 2}, header) // the fake takes three posts a second in a channel
			n := 0
			for _, m := range fake.Thread(ch.ID, header) {
				if m.IsReply() {
					n++
				}
			}
			if n != tt.want {
				t.Errorf("%d cards posted, want %d", n, tt.want)
			}
		})
	}
}
