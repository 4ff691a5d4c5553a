package slacktest_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/untangle-rca/untangle/bot/slacktest"
)

// world is the workspace each strictness case runs against.
type world struct {
	fake     *slacktest.Server
	api      *slack.Client
	alice    slacktest.User
	ch       slacktest.Channel // bot and alice are members
	outside  slacktest.Channel // public, bot is not a member
	archived slacktest.Channel // archived, bot is a member
	ts       string            // a bot message in ch
}

// newWorld builds a fresh fake workspace and a plain slack-go client.
func newWorld(t *testing.T) *world {
	fake := slacktest.New(t, slacktest.WithTriggerTTL(200*time.Millisecond))
	w := &world{fake: fake, api: slack.New(fake.BotToken(), slack.OptionAPIURL(fake.APIURL()))}
	w.alice = fake.AddUser("alice")
	w.ch = fake.AddChannel("rca-1", slacktest.ChannelOptions{Members: []slacktest.User{w.alice}, BotMember: true})
	w.outside = fake.AddChannel("random", slacktest.ChannelOptions{})
	w.archived = fake.AddChannel("old", slacktest.ChannelOptions{BotMember: true, Archived: true})
	_, ts, err := w.api.PostMessage(w.ch.ID, slack.MsgOptionText("dashboard", false))
	if err != nil {
		t.Fatalf("seed message: %v", err)
	}
	w.ts = ts
	return w
}

// plain makes a plain_text object.
func plain(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject("plain_text", s, false, false)
}

// section makes a mrkdwn section block.
func section(s string) slack.Block {
	return slack.NewSectionBlock(slack.NewTextBlockObject("mrkdwn", s, false, false), nil, nil)
}

// post posts blocks to the world's channel.
func (w *world) post(blocks ...slack.Block) error {
	_, _, err := w.api.PostMessage(w.ch.ID, slack.MsgOptionText("fallback", false), slack.MsgOptionBlocks(blocks...))
	return err
}

// modal builds a small valid modal, changed by edit.
func modal(edit func(*slack.ModalViewRequest)) slack.ModalViewRequest {
	m := slack.ModalViewRequest{Type: slack.VTModal, Title: plain("Add symptom"), Close: plain("Cancel"),
		Blocks: slack.Blocks{BlockSet: []slack.Block{section("hello")}}}
	if edit != nil {
		edit(&m)
	}
	return m
}

// open opens a modal with a fresh trigger.
func (w *world) open(m slack.ModalViewRequest) (*slack.ViewResponse, error) {
	return w.api.OpenView(w.alice.NewTriggerID(), m)
}

func TestStrictness(t *testing.T) {
	t.Parallel()
	long := func(n int) string { return strings.Repeat("x", n) }
	dividers := func(n int) []slack.Block {
		out := make([]slack.Block, n)
		for i := range out {
			out[i] = slack.NewDividerBlock()
		}
		return out
	}
	tests := []struct {
		name string
		call func(w *world) error
		want string
	}{
		{name: "no text", want: "no_text", call: func(w *world) error {
			_, _, err := w.api.PostMessage(w.ch.ID)
			return err
		}},
		{name: "51 blocks", want: "invalid_blocks", call: func(w *world) error { return w.post(dividers(51)...) }},
		{name: "50 blocks ok", call: func(w *world) error { return w.post(dividers(50)...) }},
		{name: "section text 3001", want: "invalid_blocks", call: func(w *world) error { return w.post(section(long(3001))) }},
		{name: "section text 3000 ok", call: func(w *world) error { return w.post(section(long(3000))) }},
		{name: "header 151", want: "invalid_blocks", call: func(w *world) error { return w.post(slack.NewHeaderBlock(plain(long(151)))) }},
		{name: "header mrkdwn", want: "invalid_blocks", call: func(w *world) error {
			return w.post(slack.NewHeaderBlock(slack.NewTextBlockObject("mrkdwn", "x", false, false)))
		}},
		{name: "button text 76", want: "invalid_blocks", call: func(w *world) error {
			return w.post(slack.NewActionBlock("a", slack.NewButtonBlockElement("b", "v", plain(long(76)))))
		}},
		{name: "option value 151", want: "invalid_blocks", call: func(w *world) error {
			sel := slack.NewOptionsSelectBlockElement("static_select", plain("Pick"), "s", slack.NewOptionBlockObject(long(151), plain("one"), nil))
			return w.post(slack.NewActionBlock("a", sel))
		}},
		{name: "overflow 6 options", want: "invalid_blocks", call: func(w *world) error {
			var opts []*slack.OptionBlockObject
			for i := 0; i < 6; i++ {
				opts = append(opts, slack.NewOptionBlockObject(string(rune('a'+i)), plain("o"), nil))
			}
			return w.post(slack.NewActionBlock("a", slack.NewOverflowBlockElement("o", opts...)))
		}},
		{name: "duplicate block_id", want: "invalid_blocks", call: func(w *world) error {
			return w.post(slack.NewDividerBlock(), slack.NewSectionBlock(plain("a"), nil, nil, slack.SectionBlockOptionBlockID("x")),
				slack.NewSectionBlock(plain("b"), nil, nil, slack.SectionBlockOptionBlockID("x")))
		}},
		{name: "context 11 elements", want: "invalid_blocks", call: func(w *world) error {
			var els []slack.MixedElement
			for i := 0; i < 11; i++ {
				els = append(els, plain("c"))
			}
			return w.post(slack.NewContextBlock("", els...))
		}},
		{name: "actions 26 elements", want: "invalid_blocks", call: func(w *world) error {
			var els []slack.BlockElement
			for i := 0; i < 26; i++ {
				els = append(els, slack.NewButtonBlockElement(string(rune('a'+i)), "", plain("b")))
			}
			return w.post(slack.NewActionBlock("", els...))
		}},
		{name: "11 section fields", want: "invalid_blocks", call: func(w *world) error {
			var fields []*slack.TextBlockObject
			for i := 0; i < 11; i++ {
				fields = append(fields, plain("f"))
			}
			return w.post(slack.NewSectionBlock(nil, fields, nil))
		}},
		{name: "section field 2001", want: "invalid_blocks", call: func(w *world) error {
			return w.post(slack.NewSectionBlock(nil, []*slack.TextBlockObject{plain(long(2001))}, nil))
		}},
		{name: "button value 2001", want: "invalid_blocks", call: func(w *world) error {
			return w.post(slack.NewActionBlock("", slack.NewButtonBlockElement("b", long(2001), plain("Go"))))
		}},
		{name: "button url 3001", want: "invalid_blocks", call: func(w *world) error {
			return w.post(slack.NewActionBlock("", slack.NewButtonBlockElement("b", "", plain("Go")).WithURL("https://"+long(2993))))
		}},
		{name: "option text 76", want: "invalid_blocks", call: func(w *world) error {
			sel := slack.NewOptionsSelectBlockElement("static_select", plain("Pick"), "s", slack.NewOptionBlockObject("v", plain(long(76)), nil))
			return w.post(slack.NewActionBlock("", sel))
		}},
		{name: "101 select options", want: "invalid_blocks", call: func(w *world) error {
			var opts []*slack.OptionBlockObject
			for i := 0; i < 101; i++ {
				opts = append(opts, slack.NewOptionBlockObject(long(i+1), plain("o"), nil))
			}
			return w.post(slack.NewActionBlock("", slack.NewOptionsSelectBlockElement("static_select", plain("Pick"), "s", opts...)))
		}},
		{name: "block_id 256", want: "invalid_blocks", call: func(w *world) error {
			return w.post(slack.NewSectionBlock(plain("a"), nil, nil, slack.SectionBlockOptionBlockID(long(256))))
		}},
		{name: "action_id 256", want: "invalid_blocks", call: func(w *world) error {
			return w.post(slack.NewActionBlock("", slack.NewButtonBlockElement(long(256), "", plain("Go"))))
		}},
		{name: "placeholder 151", want: "invalid_blocks", call: func(w *world) error {
			return w.post(slack.NewActionBlock("", slack.NewOptionsSelectBlockElement("users_select", plain(long(151)), "u")))
		}},
		{name: "placeholder mrkdwn", want: "invalid_blocks", call: func(w *world) error {
			md := slack.NewTextBlockObject("mrkdwn", "pick", false, false)
			return w.post(slack.NewActionBlock("", slack.NewOptionsSelectBlockElement("users_select", md, "u")))
		}},
		{name: "confirm text 301", want: "invalid_blocks", call: func(w *world) error {
			c := slack.NewConfirmationBlockObject(plain("Sure?"), plain(long(301)), plain("Yes"), plain("No"))
			return w.post(slack.NewActionBlock("", slack.NewButtonBlockElement("b", "", plain("Go")).WithConfirm(c)))
		}},
		{name: "confirm button 31", want: "invalid_blocks", call: func(w *world) error {
			c := slack.NewConfirmationBlockObject(plain("Sure?"), plain("Really"), plain(long(31)), plain("No"))
			return w.post(slack.NewActionBlock("", slack.NewButtonBlockElement("b", "", plain("Go")).WithConfirm(c)))
		}},
		{name: "image without alt text", want: "invalid_blocks", call: func(w *world) error {
			return w.post(slack.NewImageBlock("https://example.com/tree.png", "", "", nil))
		}},
		{name: "image url not http", want: "invalid_blocks", call: func(w *world) error {
			return w.post(slack.NewImageBlock("file:///etc/passwd", "tree", "", nil))
		}},
		{name: "101 blocks in a modal", want: "invalid_arguments", call: func(w *world) error {
			_, err := w.open(modal(func(m *slack.ModalViewRequest) { m.Blocks.BlockSet = dividers(101) }))
			return err
		}},
		{name: "100 blocks in a modal ok", call: func(w *world) error {
			_, err := w.open(modal(func(m *slack.ModalViewRequest) { m.Blocks.BlockSet = dividers(100) }))
			return err
		}},
		{name: "input label 2001", want: "invalid_arguments", call: func(w *world) error {
			_, err := w.open(modal(func(m *slack.ModalViewRequest) {
				m.Submit = plain("Save")
				m.Blocks.BlockSet = []slack.Block{slack.NewInputBlock("i", plain(long(2001)), nil, slack.NewPlainTextInputBlockElement(nil, "t"))}
			}))
			return err
		}},
		{name: "input hint 2001", want: "invalid_arguments", call: func(w *world) error {
			_, err := w.open(modal(func(m *slack.ModalViewRequest) {
				m.Submit = plain("Save")
				m.Blocks.BlockSet = []slack.Block{slack.NewInputBlock("i", plain("L"), plain(long(2001)), slack.NewPlainTextInputBlockElement(nil, "t"))}
			}))
			return err
		}},
		{name: "modal submit 25", want: "invalid_arguments", call: func(w *world) error {
			_, err := w.open(modal(func(m *slack.ModalViewRequest) { m.Submit = plain(long(25)) }))
			return err
		}},
		{name: "modal close 25", want: "invalid_arguments", call: func(w *world) error {
			_, err := w.open(modal(func(m *slack.ModalViewRequest) { m.Close = plain(long(25)) }))
			return err
		}},
		{name: "modal title mrkdwn", want: "invalid_arguments", call: func(w *world) error {
			_, err := w.open(modal(func(m *slack.ModalViewRequest) { m.Title = slack.NewTextBlockObject("mrkdwn", "a", false, false) }))
			return err
		}},
		{name: "callback_id 256", want: "invalid_arguments", call: func(w *world) error {
			_, err := w.open(modal(func(m *slack.ModalViewRequest) { m.CallbackID = long(256) }))
			return err
		}},
		{name: "external_id 256", want: "invalid_arguments", call: func(w *world) error {
			_, err := w.open(modal(func(m *slack.ModalViewRequest) { m.ExternalID = long(256) }))
			return err
		}},
		{name: "duplicate external_id", want: "duplicate_external_id", call: func(w *world) error {
			if _, err := w.open(modal(func(m *slack.ModalViewRequest) { m.ExternalID = "rca-1" })); err != nil {
				return err
			}
			_, err := w.open(modal(func(m *slack.ModalViewRequest) { m.ExternalID = "rca-1" }))
			return err
		}},
		{name: "publish home for unknown user", want: "user_not_found", call: func(w *world) error {
			_, err := w.api.PublishView("U404", slack.HomeTabViewRequest{Type: slack.VTHomeTab}, "")
			return err
		}},
		{name: "channel name empty", want: "invalid_name_required", call: func(w *world) error {
			_, err := w.api.CreateConversation(slack.CreateConversationParams{ChannelName: ""})
			return err
		}},
		{name: "channel name with space", want: "invalid_name_specials", call: func(w *world) error {
			_, err := w.api.CreateConversation(slack.CreateConversationParams{ChannelName: "rca 1"})
			return err
		}},
		{name: "alt_txt 1001", want: "alt_txt_too_large", call: func(w *world) error {
			_, err := w.api.GetUploadURLExternalContext(context.Background(), slack.GetUploadURLExternalParameters{FileName: "a.png", FileSize: 1, AltTxt: long(1001)})
			return err
		}},
		{name: "archived channel", want: "is_archived", call: func(w *world) error {
			_, _, err := w.api.PostMessage(w.archived.ID, slack.MsgOptionText("x", false))
			return err
		}},
		{name: "bot not in channel", want: "not_in_channel", call: func(w *world) error {
			_, _, err := w.api.PostMessage(w.outside.ID, slack.MsgOptionText("x", false))
			return err
		}},
		{name: "update unknown ts", want: "message_not_found", call: func(w *world) error {
			_, _, _, err := w.api.UpdateMessage(w.ch.ID, "1.000001", slack.MsgOptionText("x", false))
			return err
		}},
		{name: "channel name uppercase", want: "invalid_name_specials", call: func(w *world) error {
			_, err := w.api.CreateConversation(slack.CreateConversationParams{ChannelName: "RCA-1"})
			return err
		}},
		{name: "channel name 81", want: "invalid_name_maxlength", call: func(w *world) error {
			_, err := w.api.CreateConversation(slack.CreateConversationParams{ChannelName: long(81)})
			return err
		}},
		{name: "channel name punctuation", want: "invalid_name_punctuation", call: func(w *world) error {
			_, err := w.api.CreateConversation(slack.CreateConversationParams{ChannelName: "--"})
			return err
		}},
		{name: "channel name taken", want: "name_taken", call: func(w *world) error {
			_, err := w.api.CreateConversation(slack.CreateConversationParams{ChannelName: "rca-1"})
			return err
		}},
		{name: "invite already in channel", want: "already_in_channel", call: func(w *world) error {
			_, err := w.api.InviteUsersToConversation(w.ch.ID, w.alice.ID)
			return err
		}},
		{name: "invite unknown user", want: "user_not_found", call: func(w *world) error {
			_, err := w.api.InviteUsersToConversation(w.ch.ID, "U999")
			return err
		}},
		{name: "invite self", want: "cant_invite_self", call: func(w *world) error {
			_, err := w.api.InviteUsersToConversation(w.ch.ID, slacktest.BotUserID)
			return err
		}},
		{name: "invite bot not member", want: "not_in_channel", call: func(w *world) error {
			_, err := w.api.InviteUsersToConversation(w.outside.ID, w.alice.ID)
			return err
		}},
		{name: "invite a guest", want: "cant_invite", call: func(w *world) error {
			guest := w.fake.AddUser("guest")
			w.fake.MakeGuest(guest)
			_, err := w.api.InviteUsersToConversation(w.ch.ID, guest.ID)
			return err
		}},
		{name: "invite archived", want: "is_archived", call: func(w *world) error {
			_, err := w.api.InviteUsersToConversation(w.archived.ID, w.alice.ID)
			return err
		}},
		{name: "topic 251", want: "too_long", call: func(w *world) error {
			_, err := w.api.SetTopicOfConversation(w.ch.ID, long(251))
			return err
		}},
		{name: "purpose 251", want: "too_long", call: func(w *world) error {
			_, err := w.api.SetPurposeOfConversation(w.ch.ID, long(251))
			return err
		}},
		{name: "pin twice", want: "already_pinned", call: func(w *world) error {
			ref := slack.NewRefToMessage(w.ch.ID, w.ts)
			if err := w.api.AddPin(w.ch.ID, ref); err != nil {
				return err
			}
			return w.api.AddPin(w.ch.ID, ref)
		}},
		{name: "modal title 25", want: "invalid_arguments", call: func(w *world) error {
			_, err := w.open(modal(func(m *slack.ModalViewRequest) { m.Title = plain(long(25)) }))
			return err
		}},
		{name: "modal input without submit", want: "invalid_arguments", call: func(w *world) error {
			_, err := w.open(modal(func(m *slack.ModalViewRequest) {
				m.Blocks.BlockSet = []slack.Block{slack.NewInputBlock("i", plain("Label"), nil, slack.NewPlainTextInputBlockElement(nil, "t"))}
			}))
			return err
		}},
		{name: "private_metadata 3001", want: "invalid_arguments", call: func(w *world) error {
			_, err := w.open(modal(func(m *slack.ModalViewRequest) { m.PrivateMetadata = long(3001) }))
			return err
		}},
		{name: "view too large", want: "view_too_large", call: func(w *world) error {
			_, err := w.open(modal(func(m *slack.ModalViewRequest) { m.Blocks.BlockSet = dividers(100); m.PrivateMetadata = long(251000) }))
			return err
		}},
		{name: "invalid trigger", want: "invalid_trigger_id", call: func(w *world) error {
			_, err := w.api.OpenView("123.456.abc", modal(nil))
			return err
		}},
		{name: "exchanged trigger", want: "exchanged_trigger_id", call: func(w *world) error {
			tr := w.alice.NewTriggerID()
			if _, err := w.api.OpenView(tr, modal(nil)); err != nil {
				return err
			}
			_, err := w.api.OpenView(tr, modal(nil))
			return err
		}},
		{name: "expired trigger", want: "expired_trigger_id", call: func(w *world) error {
			tr := w.alice.NewTriggerID()
			time.Sleep(250 * time.Millisecond)
			_, err := w.api.OpenView(tr, modal(nil))
			return err
		}},
		{name: "push limit", want: "push_limit_reached", call: func(w *world) error {
			if _, err := w.open(modal(nil)); err != nil {
				return err
			}
			for i := 0; i < 3; i++ {
				if _, err := w.api.PushView(w.alice.NewTriggerID(), modal(nil)); err != nil {
					return err
				}
			}
			return nil
		}},
		{name: "hash conflict", want: "hash_conflict", call: func(w *world) error {
			v, err := w.open(modal(nil))
			if err != nil {
				return err
			}
			if _, err := w.api.UpdateView(modal(nil), "", v.Hash, v.ID); err != nil {
				return err
			}
			_, err = w.api.UpdateView(modal(nil), "", v.Hash, v.ID)
			return err
		}},
		{name: "update unknown view", want: "not_found", call: func(w *world) error {
			_, err := w.api.UpdateView(modal(nil), "", "", "V404")
			return err
		}},
		{name: "app token on connections.open only", want: "not_allowed_token_type", call: func(w *world) error {
			api := slack.New(w.fake.BotToken(), slack.OptionAppLevelToken(w.fake.BotToken()), slack.OptionAPIURL(w.fake.APIURL()))
			_, _, err := api.StartSocketModeContext(context.Background())
			return err
		}},
		{name: "wrong bot token", want: "invalid_auth", call: func(w *world) error {
			_, err := slack.New("xoxb-wrong", slack.OptionAPIURL(w.fake.APIURL())).AuthTest()
			return err
		}},
		{name: "unknown method", want: "unknown_method", call: func(w *world) error {
			_, err := w.api.GetTeamInfo()
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t)
			err := tt.call(w)
			var got string
			var se slack.SlackErrorResponse
			switch {
			case err == nil:
			case errors.As(err, &se):
				got = se.Err
			default:
				got = err.Error()
			}
			if got != tt.want {
				t.Fatalf("error = %q (%v), want %q", got, err, tt.want)
			}
		})
	}
}

func TestInvalidBlocksCarryErrors(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	err := w.post(section(strings.Repeat("x", 3001)))
	var se slack.SlackErrorResponse
	if !errors.As(err, &se) || len(se.Errors) != 1 || se.Errors[0].Message == nil {
		t.Fatalf("err = %#v, want invalid_blocks with one error string", err)
	}
	if want := "[json-pointer:/blocks/0/text/text]"; !strings.Contains(*se.Errors[0].Message, want) {
		t.Fatalf("error %q does not point at %s", *se.Errors[0].Message, want)
	}
}

func TestLongTextIsTruncated(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	form := url.Values{"token": {w.fake.BotToken()}, "channel": {w.ch.ID}, "text": {strings.Repeat("y", 40001)}}
	resp, err := http.PostForm(w.fake.APIURL()+"chat.postMessage", form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct {
		OK               bool   `json:"ok"`
		TS               string `json:"ts"`
		ResponseMetadata struct {
			Warnings []string `json:"warnings"`
		} `json:"response_metadata"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatal(err)
	}
	msg, _ := w.fake.Message(w.ch.ID, body.TS)
	if !body.OK || len(msg.Text) != slacktest.MaxMessageTextLen || strings.Join(body.ResponseMetadata.Warnings, ",") != "message_truncated" {
		t.Fatalf("ok=%v stored %d chars, warnings %v", body.OK, len(msg.Text), body.ResponseMetadata.Warnings)
	}
}

func TestCompleteUploadOnlyOnce(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	up, err := w.api.GetUploadURLExternalContext(ctx, slack.GetUploadURLExternalParameters{FileName: "a.png", FileSize: 3})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.api.UploadToURL(ctx, slack.UploadToURLParameters{UploadURL: up.UploadURL, Content: "abc", Filename: "a.png"}); err != nil {
		t.Fatalf("upload to the fake's own host: %v", err)
	}
	params := slack.CompleteUploadExternalParameters{Files: []slack.FileSummary{{ID: up.FileID, Title: "A"}}, Channel: w.ch.ID}
	if _, err := w.api.CompleteUploadExternalContext(ctx, params); err != nil {
		t.Fatal(err)
	}
	if _, err := w.api.CompleteUploadExternalContext(ctx, params); err == nil || err.Error() != "file_not_found" {
		t.Fatalf("second complete: err = %v, want file_not_found", err)
	}
	if f := w.fake.Files(); len(f) != 1 || string(f[0].Bytes) != "abc" || f[0].Channel != w.ch.ID {
		t.Fatalf("files = %+v", f)
	}
}
