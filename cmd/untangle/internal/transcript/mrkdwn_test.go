package transcript

import (
	"strings"
	"testing"
)

// flat writes nodes as a compact string for comparisons.
func flat(ns []node) string {
	var b strings.Builder
	for _, n := range ns {
		switch n.Tag {
		case "":
			b.WriteString(n.Text)
		case "br":
			b.WriteString("|")
		case "code", "pre", "mention":
			b.WriteString(n.Tag + "(" + n.Text + ")")
		case "link":
			b.WriteString("link(" + n.Text + "→" + n.Href + ")")
		default:
			b.WriteString(n.Tag + "(" + flat(n.Kids) + ")")
		}
	}
	return b.String()
}

func TestMrkdwn(t *testing.T) {
	c := context{users: map[string]string{"U1": "alice"}}
	for _, tt := range []struct{ in, want string }{
		{"*bold* and _italic_ and ~gone~", "b(bold) and i(italic) and s(gone)"},
		{"snake_case_name stays", "snake_case_name stays"},
		{"2 * 3 * 4", "2 * 3 * 4"},
		{"*#10* The KPIs", "b(#10) The KPIs"},
		{"use `x < y`", "use code(x < y)"},
		{"```\nline 1\n*not bold*\n```", "pre(\nline 1\n*not bold*\n)"},
		{">quoted *text*\nafter", "quote(quoted b(text))after"},
		{"• one\n• two", "ul(li(one)li(two))"},
		{"• IF [a] THEN [b]\nIF [b] THEN [c]\n• IF [d] THEN [c]\nafter", "ul(li(IF [a] THEN [b]|IF [b] THEN [c])li(IF [d] THEN [c]))after"},
		{"hi <@U1> and <@U9>", "hi mention(@alice) and mention(@U9)"},
		{"<#C1|incidents> <!here>", "mention(#incidents) mention(@here)"},
		{"<https://example.com/a|the page> <https://example.com/b>", "link(the page→) link(example.com/b→)"},
		{"<https://t.slack.com/archives/C0A/p1772528400000001|see it>", "link(see it→#m-C0A-1772528400-000001)"},
		{"&lt;b&gt; &amp; :tada:", "<b> & 🎉"},
		{"&gt; not a quote", "> not a quote"},
		{"a\nb", "a|b"},
	} {
		if got := flat(c.mrkdwn(tt.in)); got != tt.want {
			t.Errorf("mrkdwn(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestRenderEscapes: text from messages, modals and names is escaped, and
// a picture that is not a PNG is not embedded.
func TestRenderEscapes(t *testing.T) {
	d := &Doc{
		Title: "<script>alert(1)</script>",
		Users: map[string]string{"U1": `"><img src=x>`},
		Files: map[string]File{"F1": {Name: "x.png", Bytes: []byte("<svg onload=alert(1)>")}},
		Channels: []Channel{{ID: "C1", Name: "c<1>", Entries: []Entry{
			{Msg: &Message{Channel: "C1", TS: "1.000001", User: "U1", Text: "<javascript:alert(1)|click> *<u>*", Files: []string{"F1"}}},
			{Act: &Act{User: "U1", What: "typed <i>", Modal: &Modal{Title: "<t>", Blocks: []byte(`[{"type":"input","block_id":"b","label":{"type":"plain_text","text":"<l>"},"element":{"type":"plain_text_input","action_id":"a"}}]`),
				Values: []byte(`{"b":{"a":{"type":"plain_text_input","value":"</div><script>"}}}`)}}},
		}}},
	}
	page, err := Render(d)
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"<script", "<img src=x", "<u>", "<i>", "<t>", "<l>", "javascript:", "<svg", "href=\"j"} {
		if strings.Contains(string(page), bad) {
			t.Errorf("the page contains %q unescaped", bad)
		}
	}
	for _, want := range []string{"&lt;script&gt;", "&lt;/div&gt;&lt;script&gt;", "📄 x.png"} {
		if !strings.Contains(string(page), want) {
			t.Errorf("the page lacks %q", want)
		}
	}
}
