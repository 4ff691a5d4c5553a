package slacktest_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/slack-go/slack"

	"github.com/untangle-rca/untangle/bot/slacktest"
)

// slackErr returns the Slack error name of err, or "" when err is nil.
func slackErr(err error) string {
	var se slack.SlackErrorResponse
	switch {
	case err == nil:
		return ""
	case errors.As(err, &se):
		return se.Err
	}
	return err.Error()
}

func TestWebAPIHappyPaths(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		run  func(t *testing.T, w *world)
	}{
		{name: "users.info", run: func(t *testing.T, w *world) {
			u, err := w.api.GetUserInfo(w.alice.ID)
			if err != nil || u.Name != "alice" || u.TeamID != slacktest.TeamID {
				t.Fatalf("user = %+v, err = %v", u, err)
			}
			if _, err := w.api.GetUserInfo("U404"); slackErr(err) != "user_not_found" {
				t.Fatalf("unknown user: %v", err)
			}
		}},
		{name: "auth.test", run: func(t *testing.T, w *world) {
			r, err := w.api.AuthTest()
			if err != nil || r.UserID != slacktest.BotUserID || r.BotID != slacktest.BotID {
				t.Fatalf("auth = %+v, err = %v", r, err)
			}
		}},
		{name: "conversations.info and members", run: func(t *testing.T, w *world) {
			c, err := w.api.GetConversationInfo(&slack.GetConversationInfoInput{ChannelID: w.ch.ID})
			if err != nil || c.Name != "rca-1" || !c.IsMember {
				t.Fatalf("info = %+v, err = %v", c, err)
			}
			members, _, err := w.api.GetUsersInConversation(&slack.GetUsersInConversationParameters{ChannelID: w.ch.ID})
			if err != nil || !slices.Contains(members, w.alice.ID) || !slices.Contains(members, slacktest.BotUserID) {
				t.Fatalf("members = %v, err = %v", members, err)
			}
		}},
		{name: "join then post", run: func(t *testing.T, w *world) {
			if _, _, _, err := w.api.JoinConversation(w.outside.ID); err != nil {
				t.Fatal(err)
			}
			if _, _, err := w.api.PostMessage(w.outside.ID, slack.MsgOptionText("hi", false)); err != nil {
				t.Fatal(err)
			}
		}},
		{name: "archive and unarchive", run: func(t *testing.T, w *world) {
			if err := w.api.ArchiveConversation(w.ch.ID); err != nil {
				t.Fatal(err)
			}
			if err := w.api.ArchiveConversation(w.ch.ID); slackErr(err) != "already_archived" {
				t.Fatalf("second archive: %v", err)
			}
			if _, _, err := w.api.PostMessage(w.ch.ID, slack.MsgOptionText("x", false)); slackErr(err) != "is_archived" {
				t.Fatalf("post to archived: %v", err)
			}
			if err := w.api.UnArchiveConversation(w.ch.ID); err != nil {
				t.Fatal(err)
			}
			if ch, _ := w.fake.Channel(w.ch.ID); ch.Archived {
				t.Fatal("still archived")
			}
		}},
		{name: "private channel and invite", run: func(t *testing.T, w *world) {
			c, err := w.api.CreateConversation(slack.CreateConversationParams{ChannelName: "rca-2-payments", IsPrivate: true})
			if err != nil || !c.IsPrivate {
				t.Fatalf("create = %+v, err = %v", c, err)
			}
			if _, err := w.api.InviteUsersToConversation(c.ID, w.alice.ID); err != nil {
				t.Fatal(err)
			}
			got, _ := w.fake.Channel("rca-2-payments")
			if !slices.Contains(got.Members, w.alice.ID) || !got.Private {
				t.Fatalf("channel = %+v", got)
			}
		}},
		{name: "topic, pin, bookmark, reaction, permalink", run: func(t *testing.T, w *world) {
			if _, err := w.api.SetTopicOfConversation(w.ch.ID, "RCA: payments"); err != nil {
				t.Fatal(err)
			}
			if err := w.api.AddPin(w.ch.ID, slack.NewRefToMessage(w.ch.ID, w.ts)); err != nil {
				t.Fatal(err)
			}
			if _, err := w.api.AddBookmark(w.ch.ID, slack.AddBookmarkParameters{Title: "Tree", Type: "link", Link: "https://example.com/t"}); err != nil {
				t.Fatal(err)
			}
			ref := slack.NewRefToMessage(w.ch.ID, w.ts)
			if err := w.api.AddReaction("eyes", ref); err != nil {
				t.Fatal(err)
			}
			if err := w.api.AddReaction("eyes", ref); slackErr(err) != "already_reacted" {
				t.Fatalf("second reaction: %v", err)
			}
			link, err := w.api.GetPermalink(&slack.PermalinkParameters{Channel: w.ch.ID, Ts: w.ts})
			if err != nil || !strings.Contains(link, "/archives/"+w.ch.ID+"/p") {
				t.Fatalf("permalink = %q, err = %v", link, err)
			}
			ch, _ := w.fake.Channel(w.ch.ID)
			if ch.Topic != "RCA: payments" || len(ch.Pinned) != 1 || len(w.fake.Bookmarks(w.ch.ID)) != 1 {
				t.Fatalf("channel = %+v bookmarks = %v", ch, w.fake.Bookmarks(w.ch.ID))
			}
		}},
		{name: "ephemeral", run: func(t *testing.T, w *world) {
			if _, err := w.api.PostEphemeral(w.ch.ID, w.alice.ID, slack.MsgOptionText("only you", false)); err != nil {
				t.Fatal(err)
			}
			bob := w.fake.AddUser("bob")
			if _, err := w.api.PostEphemeral(w.ch.ID, bob.ID, slack.MsgOptionText("x", false)); slackErr(err) != "user_not_in_channel" {
				t.Fatalf("ephemeral to non-member: %v", err)
			}
			if err := w.fake.AddMember(w.ch.ID, bob); err != nil {
				t.Fatal(err)
			}
			if _, err := w.api.PostEphemeral(w.ch.ID, bob.ID, slack.MsgOptionText("now you", false)); err != nil {
				t.Fatalf("ephemeral after joining: %v", err)
			}
			if e := w.alice.Ephemerals(); len(e) != 1 || e[0].Text != "only you" || len(bob.Ephemerals()) != 1 {
				t.Fatalf("ephemerals = %+v", e)
			}
		}},
		{name: "update and thread", run: func(t *testing.T, w *world) {
			if _, _, _, err := w.api.UpdateMessage(w.ch.ID, w.ts, slack.MsgOptionText("dashboard v2", false)); err != nil {
				t.Fatal(err)
			}
			if _, _, err := w.api.PostMessage(w.ch.ID, slack.MsgOptionText("reply", false), slack.MsgOptionTS(w.ts)); err != nil {
				t.Fatal(err)
			}
			m, _ := w.fake.Message(w.ch.ID, w.ts)
			th := w.fake.Thread(w.ch.ID, w.ts)
			if m.Text != "dashboard v2" || !m.Edited || len(th) != 1 || th[0].Text != "reply" || !th[0].IsReply() {
				t.Fatalf("message = %+v thread = %+v", m, th)
			}
			msg, _ := w.alice.Post(w.ch.ID, "mine")
			if _, _, _, err := w.api.UpdateMessage(w.ch.ID, msg.TS, slack.MsgOptionText("x", false)); slackErr(err) != "cant_update_message" {
				t.Fatalf("update someone else's message: %v", err)
			}
		}},
		{name: "dm by user id", run: func(t *testing.T, w *world) {
			ch, _, err := w.api.PostMessage(w.alice.ID, slack.MsgOptionText("psst", false))
			if err != nil || !strings.HasPrefix(ch, "D") {
				t.Fatalf("channel = %q, err = %v", ch, err)
			}
			if dms := w.alice.DMs(); len(dms) != 1 || dms[0].Text != "psst" {
				t.Fatalf("dms = %+v", dms)
			}
		}},
		{name: "conversations.open", run: func(t *testing.T, w *world) {
			c, _, _, err := w.api.OpenConversation(&slack.OpenConversationParameters{Users: []string{w.alice.ID}})
			if err != nil || !strings.HasPrefix(c.ID, "D") {
				t.Fatalf("channel = %+v, err = %v", c, err)
			}
			if _, _, err := w.api.PostMessage(c.ID, slack.MsgOptionText("hello", false)); err != nil || len(w.alice.DMs()) != 1 {
				t.Fatalf("post to DM: %v, dms = %v", err, w.alice.DMs())
			}
		}},
		{name: "blocks get ids", run: func(t *testing.T, w *world) {
			_, ts, err := w.api.PostMessage(w.ch.ID, slack.MsgOptionBlocks(slack.NewActionBlock("", slack.NewButtonBlockElement("", "v", plain("Go")))))
			if err != nil {
				t.Fatal(err)
			}
			m, _ := w.fake.Message(w.ch.ID, ts)
			if strings.Contains(string(m.Blocks), `"block_id":""`) || !strings.Contains(string(m.Blocks), `"action_id":"a`) {
				t.Fatalf("blocks = %s, want Slack-assigned ids", m.Blocks)
			}
			if m.PlainText() != "[Go]" {
				t.Fatalf("plain text = %q", m.PlainText())
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.run(t, newWorld(t)) })
	}
}

func TestServerOptions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		opts []slacktest.Option
		run  func(t *testing.T, fake *slacktest.Server)
	}{
		{name: "home tab disabled", opts: []slacktest.Option{slacktest.WithHomeTab(false)}, run: func(t *testing.T, fake *slacktest.Server) {
			u := fake.AddUser("alice")
			api := slack.New(fake.BotToken(), slack.OptionAPIURL(fake.APIURL()))
			_, err := api.PublishView(u.ID, slack.HomeTabViewRequest{Type: slack.VTHomeTab}, "")
			if slackErr(err) != "not_enabled" {
				t.Fatalf("publish: %v, want not_enabled", err)
			}
		}},
		{name: "custom tokens", opts: []slacktest.Option{slacktest.WithBotToken("xoxb-custom"), slacktest.WithAppToken("xapp-custom")}, run: func(t *testing.T, fake *slacktest.Server) {
			if _, err := slack.New("xoxb-custom", slack.OptionAPIURL(fake.APIURL())).AuthTest(); err != nil {
				t.Fatalf("custom bot token refused: %v", err)
			}
			if _, err := slack.New(slacktest.DefaultBotToken, slack.OptionAPIURL(fake.APIURL())).AuthTest(); slackErr(err) != "invalid_auth" {
				t.Fatalf("default token: %v, want invalid_auth", err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.run(t, slacktest.New(t, tt.opts...)) })
	}
	if _, err := slacktest.NewServer(slacktest.WithBotToken("not-a-bot-token")); err == nil {
		t.Fatal("NewServer accepted a bot token without the xoxb- prefix")
	}
	s, err := slacktest.NewServer()
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	s.Close() // closing twice is harmless
}
