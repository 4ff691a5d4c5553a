package bot_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/untangle-rca/untangle/bot/slacktest"
	"github.com/untangle-rca/untangle/workflow"
)

// inChannel reports whether u is a member of the channel now.
func inChannel(fake *slacktest.Server, channel string, u slacktest.User) bool {
	c, _ := fake.Channel(channel)
	return slices.Contains(c.Members, u.ID)
}

// isParticipant reports whether u takes part in the RCA, read back through the workflow.
func (w *challengeWorld) isParticipant(t *testing.T, ctx context.Context, u slacktest.User) bool {
	t.Helper()
	rca, err := w.svc.RCA(ctx, workflow.Actor{UserID: w.alice.ID}, w.rcaID)
	if err != nil {
		t.Fatal(err)
	}
	return rca.IsParticipant(u.ID)
}

// TestOutsiderOfTheChannelIsInvited: on a public RCA, someone outside its
// channel who adds a symptom or says a link holds is invited into the channel
// and made a participant in the same step, and told so; a guest Slack will
// not let the app invite gets a kind refusal that says how to join, and
// counts for nothing; a participant who left the channel is brought back
// before their review counts.
func TestOutsiderOfTheChannelIsInvited(t *testing.T) {
	ctx := testCtx(t)
	w := challengeSetUp(t, ctx, challengeStatements)
	frank, gus, hana := w.fake.AddUser("frank"), w.fake.AddUser("gus"), w.fake.AddUser("hana")
	w.fake.MakeGuest(gus)
	for _, u := range []slacktest.User{frank, gus, hana} {
		if inChannel(w.fake, w.ch.ID, u) {
			t.Fatalf("%s starts in the RCA channel", u.Name)
		}
	}
	invitedNote := "I added you to <#" + w.ch.ID + ">"

	t.Run("add symptom from outside the channel", func(t *testing.T) {
		dash := w.dash // symptoms are still welcome while wiring
		symptomAdd(t, ctx, hana, dash, "Refund emails go out twice", "")
		if !inChannel(w.fake, w.ch.ID, hana) || !w.isParticipant(t, ctx, hana) {
			t.Fatalf("hana added a symptom but is in the channel %v, a participant %v", inChannel(w.fake, w.ch.ID, hana), w.isParticipant(t, ctx, hana))
		}
		challengeEphemeral(t, ctx, hana, invitedNote)

		v := symptomOpenModal(t, ctx, gus, dash)
		errs := symptomSubmit(t, ctx, gus, v, "Invoices are late", "")
		if !strings.Contains(errs["text"], "couldn't add you to this RCA's channel") {
			t.Errorf("a guest's symptom: field errors %v, want the kind refusal", errs)
		}
		if err := gus.CloseView(ctx); err != nil {
			t.Fatal(err)
		}
		if inChannel(w.fake, w.ch.ID, gus) || w.isParticipant(t, ctx, gus) {
			t.Fatal("a guest Slack would not invite was made a participant")
		}
		tr, err := w.svc.Tree(ctx, workflow.Actor{UserID: w.alice.ID}, w.rcaID)
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := tr.NodeByText("Invoices are late"); ok {
			t.Error("the guest's symptom was saved")
		}
	})

	_, cards := w.startPass(t, ctx, 2)
	slow := cardOf(t, cards, "#2 The payment API answers slowly] THEN")

	t.Run("holds from outside the channel", func(t *testing.T) {
		w.click(t, ctx, frank, slow, "Holds")
		w.waitEdited(t, ctx, slow, "holds for <@"+frank.ID+">")
		if !inChannel(w.fake, w.ch.ID, frank) || !w.isParticipant(t, ctx, frank) {
			t.Fatal("frank's review counts but he is not a participant in the channel")
		}
		challengeEphemeral(t, ctx, frank, invitedNote)
	})

	t.Run("a guest's holds counts for nothing", func(t *testing.T) {
		w.click(t, ctx, gus, slow, "Holds")
		// Slack shows no ephemeral to someone outside the channel, so the
		// refusal comes as a small modal.
		eventually(t, ctx, "the guest's refusal", func() bool {
			v, ok := gus.CurrentView()
			return ok && strings.Contains(v.PlainText(), "Open <#"+w.ch.ID+"> and join it")
		})
		p, err := w.svc.Progress(ctx, workflow.Actor{UserID: w.alice.ID}, w.rcaID)
		if err != nil || p.ReviewsPerLink[1] != 1 {
			t.Fatalf("reviews of link 1 = %v (%v), want frank's alone", p.ReviewsPerLink, err)
		}
		if w.isParticipant(t, ctx, gus) {
			t.Fatal("a guest outside the channel became a participant")
		}
	})

	t.Run("a participant who left is brought back", func(t *testing.T) {
		if err := w.fake.RemoveMember(w.ch.ID, w.bob); err != nil {
			t.Fatal(err)
		}
		w.click(t, ctx, w.bob, slow, "Holds")
		card := w.waitEdited(t, ctx, slow, "Accepted")
		if text := card.PlainText(); !strings.Contains(text, "<@"+w.bob.ID+">") || !strings.Contains(text, "<@"+frank.ID+">") {
			t.Errorf("the accepted card does not name both holders:\n%s", text)
		}
		if !inChannel(w.fake, w.ch.ID, w.bob) {
			t.Fatal("bob's review counts from outside the channel")
		}
		challengeEphemeral(t, ctx, w.bob, invitedNote)
	})
}

// TestMemberWhoLeftIsInvitedAgain: the bot keeps an RCA channel's member
// list for a while; once Slack says someone left the channel, that list no
// longer counts them, so their next symptom invites them back first.
func TestMemberWhoLeftIsInvitedAgain(t *testing.T) {
	fake := slacktest.New(t)
	alice, dave, erin := fake.AddUser("alice"), fake.AddUser("dave"), fake.AddUser("erin")
	general := fake.AddChannel("incidents", slacktest.ChannelOptions{Members: []slacktest.User{alice, dave, erin}, BotMember: true})
	startApp(t, fake, "")
	ctx := testCtx(t)
	ch, dash := startRCA(t, ctx, fake, alice, general.ID, "Open to all")
	for _, u := range []slacktest.User{dave, erin} {
		if err := fake.AddMember(ch.ID, u); err != nil {
			t.Fatal(err)
		}
	}
	// erin joins the RCA: the bot reads the channel's members, dave among them.
	symptomAdd(t, ctx, erin, dash, "Docs site returns 404 for /api", "")
	if err := fake.RemoveMember(ch.ID, dave); err != nil {
		t.Fatal(err)
	}
	id, err := fake.SendEvent(ctx, map[string]any{"type": "member_left_channel", "user": dave.ID, "channel": ch.ID, "channel_type": "C"})
	if err != nil {
		t.Fatal(err)
	}
	eventually(t, ctx, "the event acknowledged", func() bool { return fake.Acked(id) })
	symptomAdd(t, ctx, dave, dash, "Search returns stale results", "")
	if !inChannel(fake, ch.ID, dave) {
		t.Fatal("dave joined the RCA from outside its channel: the bot still counted him in it")
	}
	challengeEphemeral(t, ctx, dave, "I added you to <#"+ch.ID+">")
}

// TestHoldsOfSomeoneWhoLeftStopCounting: during the challenge pass, the
// holds of someone who leaves the RCA channel no longer count towards "two
// participants say it holds" on links not accepted yet.
func TestHoldsOfSomeoneWhoLeftStopCounting(t *testing.T) {
	ctx := testCtx(t)
	w := challengeSetUp(t, ctx, challengeStatements)
	_, cards := w.startPass(t, ctx, 2)
	slow := cardOf(t, cards, "#2 The payment API answers slowly] THEN")
	w.click(t, ctx, w.bob, slow, "Holds")
	w.waitEdited(t, ctx, slow, "holds for <@"+w.bob.ID+">")
	if err := w.fake.RemoveMember(w.ch.ID, w.bob); err != nil {
		t.Fatal(err)
	}
	if _, err := w.fake.SendEvent(ctx, map[string]any{"type": "member_left_channel", "user": w.bob.ID, "channel": w.ch.ID, "channel_type": "C"}); err != nil {
		t.Fatal(err)
	}
	eventually(t, ctx, "bob's hold taken off the card", func() bool {
		m, _ := w.fake.Message(slow.Channel, slow.TS)
		return !strings.Contains(m.PlainText(), "<@"+w.bob.ID+">")
	})
	// carol's hold alone does not accept the link: bob's no longer counts.
	w.click(t, ctx, w.carol, slow, "Holds")
	card := w.waitEdited(t, ctx, slow, "holds for <@"+w.carol.ID+">")
	if strings.Contains(card.PlainText(), "Accepted") {
		t.Errorf("the link was accepted with the hold of someone who left:\n%s", card.PlainText())
	}
	p, err := w.svc.Progress(ctx, workflow.Actor{UserID: w.alice.ID}, w.rcaID)
	if err != nil || p.ReviewsPerLink[1] != 1 {
		t.Fatalf("reviews of link 1 = %v (%v), want carol's alone", p.ReviewsPerLink, err)
	}
}
