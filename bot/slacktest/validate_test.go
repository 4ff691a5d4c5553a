package slacktest_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/slack-go/slack"

	"github.com/untangle-rca/untangle/bot/slacktest"
)

func TestValidateBlocks(t *testing.T) {
	t.Parallel()
	x := func(n int) string { return strings.Repeat("x", n) }
	txt := func(typ string, n int) string { return `{"type":"` + typ + `","text":"` + x(n) + `"}` }
	opt := func(text, value int) string {
		return `{"text":` + txt("plain_text", text) + `,"value":"` + x(value) + `"}`
	}
	many := func(item string, n int) string {
		return "[" + strings.TrimSuffix(strings.Repeat(item+",", n), ",") + "]"
	}
	btn := func(text, value int) string {
		return `{"type":"button","action_id":"b","text":` + txt("plain_text", text) + `,"value":"` + x(value) + `"}`
	}
	tests := []struct {
		name    string
		surface slacktest.Surface
		blocks  string
		want    string // substring of the single expected error; "" means valid
	}{
		{name: "empty list", surface: slacktest.SurfaceMessage, blocks: `[]`},
		{name: "50 blocks in a message", surface: slacktest.SurfaceMessage, blocks: many(`{"type":"divider"}`, 50)},
		{name: "51 blocks in a message", surface: slacktest.SurfaceMessage, blocks: many(`{"type":"divider"}`, 51), want: "no more than 50 items [json-pointer:/blocks]"},
		{name: "100 blocks in a modal", surface: slacktest.SurfaceModal, blocks: many(`{"type":"divider"}`, 100)},
		{name: "101 blocks in a modal", surface: slacktest.SurfaceModal, blocks: many(`{"type":"divider"}`, 101), want: "no more than 100 items"},
		{name: "section text 3000", surface: slacktest.SurfaceMessage, blocks: `[{"type":"section","text":` + txt("mrkdwn", 3000) + `}]`},
		{name: "section text 3001", surface: slacktest.SurfaceMessage, blocks: `[{"type":"section","text":` + txt("mrkdwn", 3001) + `}]`, want: "less than 3001 characters [json-pointer:/blocks/0/text/text]"},
		{name: "empty text", surface: slacktest.SurfaceMessage, blocks: `[{"type":"section","text":` + txt("mrkdwn", 0) + `}]`, want: "more than 0 characters"},
		{name: "section without text or fields", surface: slacktest.SurfaceMessage, blocks: `[{"type":"section"}]`, want: "either text or fields"},
		{name: "11 fields", surface: slacktest.SurfaceMessage, blocks: `[{"type":"section","fields":` + many(txt("mrkdwn", 1), 11) + `}]`, want: "no more than 10 items [json-pointer:/blocks/0/fields]"},
		{name: "field 2001", surface: slacktest.SurfaceMessage, blocks: `[{"type":"section","fields":[` + txt("mrkdwn", 2001) + `]}]`, want: "/blocks/0/fields/0/text"},
		{name: "header 150", surface: slacktest.SurfaceMessage, blocks: `[{"type":"header","text":` + txt("plain_text", 150) + `}]`},
		{name: "header 151", surface: slacktest.SurfaceMessage, blocks: `[{"type":"header","text":` + txt("plain_text", 151) + `}]`, want: "less than 151"},
		{name: "header mrkdwn", surface: slacktest.SurfaceMessage, blocks: `[{"type":"header","text":` + txt("mrkdwn", 5) + `}]`, want: "must be plain_text"},
		{name: "context 11 elements", surface: slacktest.SurfaceMessage, blocks: `[{"type":"context","elements":` + many(txt("mrkdwn", 1), 11) + `}]`, want: "no more than 10 items"},
		{name: "actions 26 elements", surface: slacktest.SurfaceMessage, blocks: `[{"type":"actions","elements":` + many(`{"type":"button","text":`+txt("plain_text", 1)+`}`, 26) + `}]`, want: "no more than 25 items"},
		{name: "button text 75", surface: slacktest.SurfaceMessage, blocks: `[{"type":"actions","elements":[` + btn(75, 1) + `]}]`},
		{name: "button text 76", surface: slacktest.SurfaceMessage, blocks: `[{"type":"actions","elements":[` + btn(76, 1) + `]}]`, want: "/blocks/0/elements/0/text/text"},
		{name: "button value 2001", surface: slacktest.SurfaceMessage, blocks: `[{"type":"actions","elements":[` + btn(1, 2001) + `]}]`, want: "/elements/0/value"},
		{name: "button url 3001", surface: slacktest.SurfaceMessage, blocks: `[{"type":"actions","elements":[{"type":"button","text":` + txt("plain_text", 1) + `,"url":"https://` + x(2993) + `"}]}]`, want: "less than 3001"},
		{name: "duplicate action_id", surface: slacktest.SurfaceMessage, blocks: `[{"type":"actions","elements":[` + btn(1, 1) + `,` + btn(1, 1) + `]}]`, want: "duplicate action_id"},
		{name: "option text 76", surface: slacktest.SurfaceMessage, blocks: `[{"type":"actions","elements":[{"type":"static_select","options":[` + opt(76, 1) + `]}]}]`, want: "/options/0/text/text"},
		{name: "option value 150", surface: slacktest.SurfaceMessage, blocks: `[{"type":"actions","elements":[{"type":"static_select","options":[` + opt(1, 150) + `]}]}]`},
		{name: "option value 151", surface: slacktest.SurfaceMessage, blocks: `[{"type":"actions","elements":[{"type":"static_select","options":[` + opt(1, 151) + `]}]}]`, want: "/options/0/value"},
		{name: "select 101 options", surface: slacktest.SurfaceMessage, blocks: `[{"type":"actions","elements":[{"type":"static_select","options":` + many(opt(1, 1), 101) + `}]}]`, want: "between 1 and 100 items"},
		{name: "option groups", surface: slacktest.SurfaceMessage, blocks: `[{"type":"actions","elements":[{"type":"static_select","option_groups":[{"label":` + txt("plain_text", 5) + `,"options":[` + opt(1, 1) + `]}]}]}]`},
		{name: "option group label 76", surface: slacktest.SurfaceMessage, blocks: `[{"type":"actions","elements":[{"type":"static_select","option_groups":[{"label":` + txt("plain_text", 76) + `,"options":[` + opt(1, 1) + `]}]}]}]`, want: "/option_groups/0/label/text"},
		{name: "options and option groups", surface: slacktest.SurfaceMessage, blocks: `[{"type":"actions","elements":[{"type":"static_select","options":[` + opt(1, 1) + `],"option_groups":[]}]}]`, want: "exactly one of options, option_groups"},
		{name: "overflow 0 options", surface: slacktest.SurfaceMessage, blocks: `[{"type":"actions","elements":[{"type":"overflow","options":[]}]}]`, want: "between 1 and 5 items"},
		{name: "overflow 6 options", surface: slacktest.SurfaceMessage, blocks: `[{"type":"actions","elements":[{"type":"overflow","options":` + many(opt(1, 1), 6) + `}]}]`, want: "between 1 and 5 items"},
		{name: "block_id 256", surface: slacktest.SurfaceMessage, blocks: `[{"type":"divider","block_id":"` + x(256) + `"}]`, want: "/blocks/0/block_id"},
		{name: "action_id 256", surface: slacktest.SurfaceMessage, blocks: `[{"type":"actions","elements":[{"type":"button","action_id":"` + x(256) + `","text":` + txt("plain_text", 1) + `}]}]`, want: "/elements/0/action_id"},
		{name: "duplicate block_id", surface: slacktest.SurfaceMessage, blocks: `[{"type":"divider","block_id":"a"},{"type":"divider","block_id":"a"}]`, want: "duplicate block_id"},
		{name: "placeholder 151", surface: slacktest.SurfaceModal, blocks: `[{"type":"input","label":` + txt("plain_text", 1) + `,"element":{"type":"plain_text_input","placeholder":` + txt("plain_text", 151) + `}}]`, want: "/element/placeholder/text"},
		{name: "label 2001", surface: slacktest.SurfaceModal, blocks: `[{"type":"input","label":` + txt("plain_text", 2001) + `,"element":{"type":"plain_text_input"}}]`, want: "/blocks/0/label/text"},
		{name: "hint 2001", surface: slacktest.SurfaceModal, blocks: `[{"type":"input","label":` + txt("plain_text", 1) + `,"hint":` + txt("plain_text", 2001) + `,"element":{"type":"plain_text_input"}}]`, want: "/blocks/0/hint/text"},
		{name: "input without element", surface: slacktest.SurfaceModal, blocks: `[{"type":"input","label":` + txt("plain_text", 1) + `}]`, want: "/blocks/0/element"},
		{name: "button in input", surface: slacktest.SurfaceModal, blocks: `[{"type":"input","label":` + txt("plain_text", 1) + `,"element":` + btn(1, 1) + `}]`, want: "not allowed here"},
		{name: "confirm title 101", surface: slacktest.SurfaceMessage, blocks: `[{"type":"actions","elements":[{"type":"button","text":` + txt("plain_text", 1) + `,"confirm":{"title":` + txt("plain_text", 101) + `,"text":` + txt("mrkdwn", 1) + `,"confirm":` + txt("plain_text", 1) + `,"deny":` + txt("plain_text", 1) + `}}]}]`, want: "/confirm/title/text"},
		{name: "confirm deny 31", surface: slacktest.SurfaceMessage, blocks: `[{"type":"actions","elements":[{"type":"button","text":` + txt("plain_text", 1) + `,"confirm":{"title":` + txt("plain_text", 1) + `,"text":` + txt("mrkdwn", 1) + `,"confirm":` + txt("plain_text", 1) + `,"deny":` + txt("plain_text", 31) + `}}]}]`, want: "/confirm/deny/text"},
		{name: "image without alt", surface: slacktest.SurfaceMessage, blocks: `[{"type":"image","image_url":"https://e.com/a.png"}]`, want: "/blocks/0/alt_text"},
		{name: "image bad url", surface: slacktest.SurfaceMessage, blocks: `[{"type":"image","image_url":"ftp://a","alt_text":"a"}]`, want: "valid URL"},
		{name: "unknown block", surface: slacktest.SurfaceMessage, blocks: `[{"type":"carousel9"}]`, want: "unknown block type"},
		{name: "markdown block in modal", surface: slacktest.SurfaceModal, blocks: `[{"type":"markdown","text":"hi"}]`, want: "only allowed in messages"},
		{name: "emoji on mrkdwn", surface: slacktest.SurfaceMessage, blocks: `[{"type":"section","text":{"type":"mrkdwn","text":"a","emoji":true}}]`, want: "only allowed in plain_text"},
		{name: "bad datepicker", surface: slacktest.SurfaceModal, blocks: `[{"type":"input","label":` + txt("plain_text", 1) + `,"element":{"type":"datepicker","initial_date":"1/2/2025"}}]`, want: "YYYY-MM-DD"},
		{name: "not JSON", surface: slacktest.SurfaceMessage, blocks: `[{`, want: "invalid JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			errs := slacktest.ValidateBlocks(tt.surface, json.RawMessage(tt.blocks))
			switch {
			case tt.want == "" && len(errs) != 0:
				t.Fatalf("want valid, got %q", errs)
			case tt.want != "" && (len(errs) != 1 || !strings.Contains(errs[0], tt.want)):
				t.Fatalf("errors = %q, want one containing %q", errs, tt.want)
			}
		})
	}
}

func TestValidateBlocksAcceptsSlackGoTypes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		blocks any
		valid  bool
	}{
		{name: "[]slack.Block", blocks: []slack.Block{slack.NewDividerBlock(), slack.NewHeaderBlock(plain("Hi"))}, valid: true},
		{name: "slack.Blocks", blocks: slack.Blocks{BlockSet: []slack.Block{slack.NewHeaderBlock(plain(strings.Repeat("h", 151)))}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			errs := slacktest.ValidateBlocks(slacktest.SurfaceMessage, tt.blocks)
			if (len(errs) == 0) != tt.valid {
				t.Fatalf("errors = %q, want valid=%v", errs, tt.valid)
			}
		})
	}
}

func TestValidateView(t *testing.T) {
	t.Parallel()
	x := func(n int) string { return strings.Repeat("x", n) }
	input := `{"type":"input","block_id":"i","label":{"type":"plain_text","text":"L"},"element":{"type":"plain_text_input"}}`
	tests := []struct {
		name string
		view string
		want string
	}{
		{name: "minimal modal", view: `{"type":"modal","title":{"type":"plain_text","text":"Start an RCA"},"blocks":[]}`},
		{name: "title 25", view: `{"type":"modal","title":{"type":"plain_text","text":"` + x(25) + `"},"blocks":[]}`, want: "/view/title/text"},
		{name: "title mrkdwn", view: `{"type":"modal","title":{"type":"mrkdwn","text":"a"},"blocks":[]}`, want: "must be plain_text"},
		{name: "no title", view: `{"type":"modal","blocks":[]}`, want: "/view/title"},
		{name: "submit 25", view: `{"type":"modal","title":{"type":"plain_text","text":"a"},"submit":{"type":"plain_text","text":"` + x(25) + `"},"blocks":[]}`, want: "/view/submit/text"},
		{name: "close 25", view: `{"type":"modal","title":{"type":"plain_text","text":"a"},"close":{"type":"plain_text","text":"` + x(25) + `"},"blocks":[]}`, want: "/view/close/text"},
		{name: "input needs submit", view: `{"type":"modal","title":{"type":"plain_text","text":"a"},"blocks":[` + input + `]}`, want: "submit property"},
		{name: "input with submit", view: `{"type":"modal","title":{"type":"plain_text","text":"a"},"submit":{"type":"plain_text","text":"Go"},"blocks":[` + input + `]}`},
		{name: "private_metadata 3001", view: `{"type":"home","private_metadata":"` + x(3001) + `","blocks":[]}`, want: "/view/private_metadata"},
		{name: "callback_id 256", view: `{"type":"home","callback_id":"` + x(256) + `","blocks":[]}`, want: "/view/callback_id"},
		{name: "external_id 256", view: `{"type":"home","external_id":"` + x(256) + `","blocks":[]}`, want: "/view/external_id"},
		{name: "unknown type", view: `{"type":"sheet","blocks":[]}`, want: "/view/type"},
		{name: "block errors under /view", view: `{"type":"home","blocks":[{"type":"header","text":{"type":"plain_text","text":"` + x(151) + `"}}]}`, want: "/view/blocks/0/text/text"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			errs := slacktest.ValidateView(json.RawMessage(tt.view))
			switch {
			case tt.want == "" && len(errs) != 0:
				t.Fatalf("want valid, got %q", errs)
			case tt.want != "" && (len(errs) != 1 || !strings.Contains(errs[0], tt.want)):
				t.Fatalf("errors = %q, want one containing %q", errs, tt.want)
			}
		})
	}
}

func TestPlainText(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		blocks string
		want   string
	}{
		{name: "section and fields", blocks: `[{"type":"section","text":{"type":"mrkdwn","text":"*UDE*"},"fields":[{"type":"mrkdwn","text":"a"}]}]`, want: "*UDE*\na"},
		{name: "buttons", blocks: `[{"type":"actions","elements":[{"type":"button","text":{"type":"plain_text","text":"Add symptom"}},{"type":"button","text":{"type":"plain_text","text":"Done"}}]}]`, want: "[Add symptom] [Done]"},
		{name: "header context rich text", blocks: `[{"type":"header","text":{"type":"plain_text","text":"H"}},{"type":"context","elements":[{"type":"mrkdwn","text":"c"}]},{"type":"rich_text","elements":[{"type":"rich_text_section","elements":[{"type":"text","text":"r"}]}]}]`, want: "H\nc\nr"},
		{name: "garbage", blocks: `{`, want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := slacktest.PlainText(json.RawMessage(tt.blocks)); got != tt.want {
				t.Fatalf("PlainText = %q, want %q", got, tt.want)
			}
		})
	}
}
