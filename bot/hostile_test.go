package bot_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/untangle-rca/untangle/bot/slacktest"
)

// hostileMarkup is mrkdwn that would notify people, link channels or hide a
// link if the bot echoed it unescaped.
var hostileMarkup = []string{
	"<!channel>", "<!here>", "<!everyone>", "<@UEVIL0001>", "<#CEVIL0001>",
	"<https://evil.example|innocent>", "<!subteam^SEVIL0001>", "<!date^1392734382^{date}|x>",
}

// hostileLeaks returns the hostile markup found unescaped where Slack parses
// mrkdwn: mrkdwn text objects and the fallback text of messages.
func hostileLeaks(text string, blocks json.RawMessage) []string {
	return markupLeaks(text, blocks, hostileMarkup)
}

// markupLeaks returns each of markup found unescaped in the fallback text or
// in a mrkdwn text object of blocks, with the text it was found in.
func markupLeaks(text string, blocks json.RawMessage, markup []string) []string {
	var found []string
	check := func(s string) {
		for _, bad := range markup {
			if strings.Contains(s, bad) {
				found = append(found, bad+" in "+s)
			}
		}
	}
	check(text)
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if x["type"] == "mrkdwn" {
				s, _ := x["text"].(string)
				check(s)
			}
			for _, c := range x {
				walk(c)
			}
		case []any:
			for _, c := range x {
				walk(c)
			}
		}
	}
	var tree any
	if len(blocks) > 0 && json.Unmarshal(blocks, &tree) == nil {
		walk(tree)
	}
	return found
}

// hostileScan returns every unescaped hostile markup in what the bot
// posted anywhere and what u was shown privately.
func hostileScan(fake *slacktest.Server, u slacktest.User) []string {
	var found []string
	for _, c := range fake.Channels() {
		for _, m := range fake.Messages(c.ID) {
			if m.User == slacktest.BotUserID {
				found = append(found, hostileLeaks(m.Text, m.Blocks)...)
			}
		}
	}
	for _, m := range append(u.Ephemerals(), u.DMs()...) {
		found = append(found, hostileLeaks(m.Text, m.Blocks)...)
	}
	if h, ok := u.Home(); ok {
		found = append(found, hostileLeaks("", h.Blocks)...)
	}
	return found
}

func TestHostileSymptomTexts(t *testing.T) {
	fake := slacktest.New(t)
	alice := fake.AddUser("alice")
	general := fake.AddChannel("incidents", slacktest.ChannelOptions{Members: []slacktest.User{alice}, BotMember: true})
	startApp(t, fake, "")
	ctx := testCtx(t)
	ch, dash := startRCA(t, ctx, fake, alice, general.ID, "Hostile <!here> <@UEVIL0001> title")

	tests := []struct {
		name, text string
		refused    string // a word of the field error on "text"; "" when it is accepted
		shown      string // what the outline must show when accepted
	}{
		{name: "at-channel", text: "<!channel> the API is down", shown: "&lt;!channel&gt; the API is down"},
		{name: "at-here and everyone", text: "<!here> <!everyone> logins fail", shown: "&lt;!here&gt; &lt;!everyone&gt; logins fail"},
		{name: "user mention", text: "<@UEVIL0001> deployed and checkout broke", shown: "@someone deployed and checkout broke"},
		{name: "channel link", text: "Errors spread to <#CEVIL0001>", shown: "&lt;#CEVIL0001&gt;"},
		{name: "disguised link", text: "Status page <https://evil.example|innocent> was stale", shown: "&lt;https://evil.example|innocent&gt;"},
		{name: "user group and date", text: "<!subteam^SEVIL0001> paged at <!date^1392734382^{date}|x>", shown: "&lt;!subteam^SEVIL0001&gt;"},
		{name: "emoji shortcodes", text: ":rotating_light: Queue depth hit 1M :fire:", shown: ":rotating_light: Queue depth hit 1M :fire:"},
		{name: "ampersand entity", text: "Cache &amp; DB &lt;both&gt; slow", shown: "Cache &amp;amp; DB &amp;lt;both&amp;gt; slow"},
		{name: "zero-width characters", text: "Pay\u200bments fail\u200d for \ufeffEU cards", shown: "Payments fail for EU cards"},
		{name: "RTL override", text: "Invoices \u202etxt.exe show wrong totals", refused: "direction"},
		{name: "control character", text: "Bell \u0007 rings in logs", refused: "control"},
		{name: "NUL character", text: "Null \u0000 bytes in payloads", refused: "control"},
		{name: "over long", text: strings.Repeat("The queue grows. ", 176), refused: "300"},
		{name: "2000-line paste", text: strings.Repeat("line of a log\n", 2000)[:2999], refused: "300"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v := symptomOpenModal(t, ctx, alice, dash)
			errs := symptomSubmit(t, ctx, alice, v, tc.text, "")
			if tc.refused != "" {
				if !strings.Contains(errs["text"], tc.refused) {
					t.Errorf("field errors %v, want one on text mentioning %q", errs, tc.refused)
				}
				if err := alice.CloseView(ctx); err != nil {
					t.Fatal(err)
				}
				return
			}
			if len(errs) > 0 {
				t.Fatalf("refused: %v", errs)
			}
			outline := symptomOutline(t, ctx, fake, ch.ID, func(s string) bool { return strings.Contains(s, tc.shown) })
			if leaks := hostileLeaks(outline.Text, outline.Blocks); len(leaks) > 0 {
				t.Errorf("the outline shows %v unescaped", leaks)
			}
		})
	}
	settle(ctx)
	if leaks := hostileScan(fake, alice); len(leaks) > 0 {
		t.Errorf("unescaped markup reached Slack: %v", leaks)
	}
	for _, m := range fake.Messages(ch.ID) {
		for _, bad := range []string{"\u202e", "\u0007", "\u200b"} {
			if strings.Contains(m.Text+string(m.Blocks), bad) {
				t.Errorf("%U reached the channel: %s", []rune(bad)[0], m.PlainText())
			}
		}
	}
	for _, f := range fake.Failures() {
		t.Errorf("Slack would have shown an error: %+v", f)
	}
}

func TestHostileTitlesAndCommands(t *testing.T) {
	fake := slacktest.New(t)
	alice := fake.AddUser("alice")
	general := fake.AddChannel("incidents", slacktest.ChannelOptions{Members: []slacktest.User{alice}, BotMember: true})
	startApp(t, fake, "")
	ctx := testCtx(t)

	ch, _ := startRCA(t, ctx, fake, alice, general.ID, "<!channel> <#CEVIL0001> <https://evil.example|innocent> :fire:")
	if strings.ContainsAny(ch.Name, "<>!|:") {
		t.Errorf("channel name %q keeps markup", ch.Name)
	}
	for _, text := range []string{"<!channel>", "list <!here>", "status <@UEVIL0001>", "remind <!channel>", "<https://evil.example|innocent>"} {
		ack, err := alice.SlashCommand(ctx, ch.ID, "/rca", text)
		if err != nil {
			t.Fatalf("/rca %s: %v", text, err)
		}
		var body struct {
			Text   string          `json:"text"`
			Blocks json.RawMessage `json:"blocks"`
		}
		_ = json.Unmarshal(ack.Payload, &body)
		if leaks := hostileLeaks(body.Text, body.Blocks); len(leaks) > 0 {
			t.Errorf("/rca %s ack has %v unescaped", text, leaks)
		}
	}
	if _, err := alice.OpenHome(ctx); err != nil {
		t.Fatal(err)
	}
	settle(ctx)
	if leaks := hostileScan(fake, alice); len(leaks) > 0 {
		t.Errorf("unescaped markup reached Slack: %v", leaks)
	}
	for _, f := range fake.Failures() {
		t.Errorf("Slack would have shown an error: %+v", f)
	}
}
