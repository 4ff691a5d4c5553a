package tracker_test

import (
	"bytes"
	"html"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"

	"github.com/untangle-rca/untangle/workflow/tracker"
	"github.com/untangle-rca/untangle/workflow/tracker/trackertest"
)

var tag = regexp.MustCompile(`<[^>]*>`)

// TestMarkdownShowsHostileTextsLiterally renders the body of a hostile
// draft with a CommonMark renderer with GitHub's extensions (tables,
// autolinks, strikethrough, task lists) and checks that every user text
// comes out as the same text: no markup of the user's, no HTML, no links
// but the RCA's, no mention or ticket reference left intact.
func TestMarkdownShowsHostileTextsLiterally(t *testing.T) {
	d := trackertest.HostileDraft()
	var buf bytes.Buffer
	if err := goldmark.New(goldmark.WithExtensions(extension.GFM)).Convert([]byte(tracker.Markdown(d, 65536)), &buf); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, bad := range []string{"<script", "<img", "<!--", `href="javascript`, "<table", "<h1", "<h2", "<blockquote",
		"<del", "<em>", "<strong>now", "<input"} {
		if strings.Contains(out, bad) {
			t.Errorf("rendered body contains %q:\n%s", bad, out)
		}
	}
	if n := strings.Count(out, "<a "); n != 1 || !strings.Contains(out, `<a href="https://acme.slack.com/archives/C0123/p1700000000000100?x=%3Cy%3E%20z">`) {
		t.Errorf("want exactly one link, the RCA's; got %d:\n%s", n, out)
	}
	if n := strings.Count(out, "<hr"); n != 1 {
		t.Errorf("want one rule (before the marker), got %d", n)
	}
	text := html.UnescapeString(tag.ReplaceAllString(out, ""))
	for _, ping := range []string{"@alice", "@channel", "@bob", "#123", "web#7", "!42", "\u202e"} {
		if strings.Contains(text, ping) {
			t.Errorf("rendered text still has %q intact", ping)
		}
	}
	plain := strings.ReplaceAll(text, "\u200b", "")
	for _, h := range trackertest.HostileTexts {
		if want := tracker.OneLine(h); !strings.Contains(plain, want) {
			t.Errorf("rendered text lacks %q", want)
		}
	}
}

func TestMarkdownCutKeepsMarker(t *testing.T) {
	d := trackertest.LongDraft()
	for _, limit := range []int{2000, 10000, 65536} {
		body := tracker.Markdown(d, limit)
		if n := utf8.RuneCountInString(body); n > limit || !strings.Contains(body, "`"+d.Marker+"`") ||
			!strings.Contains(body, tracker.CutNote(limit)) {
			t.Errorf("limit %d: %d runes, marker kept %v", limit, n, strings.Contains(body, d.Marker))
		}
	}
	if short := tracker.Markdown(trackertest.SampleDraft("short1"), 65536); strings.Contains(short, "Cut to fit") {
		t.Error("a short body carries the cut note")
	}
}

func TestPlainDefusesMentionsAndReferences(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"@alice", "@\u200balice"},
		{"see #12 and acme/web#3", "see #\u200b12 and acme/web#\u200b3"},
		{"a # b @ c", "a # b @ c"},
		{"line\nbreak\ttab\x00nul", "line break tabnul"},
		{"rtl \u202eevil\u202c שלום", "rtl evil שלום"},
	} {
		if got := tracker.Plain(tc.in); got != tc.want {
			t.Errorf("Plain(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// FuzzEscapeMarkdown: whatever a person types, the rendered Markdown shows
// exactly that text (on one line, without direction overrides), apart from
// the zero-width spaces that defuse mentions and references.
func FuzzEscapeMarkdown(f *testing.F) {
	for _, h := range trackertest.HostileTexts {
		f.Add(h)
	}
	f.Add("*a* _b_ `c` [d](e) <f> &g; \\h ~~i~~ $j$ :k: www.l.com m@n.io")
	md := goldmark.New(goldmark.WithExtensions(extension.GFM))
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			return
		}
		var buf bytes.Buffer
		if err := md.Convert([]byte("A "+tracker.EscapeMarkdown(s)+" Z"), &buf); err != nil {
			t.Fatal(err)
		}
		got := html.UnescapeString(tag.ReplaceAllString(buf.String(), ""))
		got = strings.TrimSuffix(strings.ReplaceAll(got, "\u200b", ""), "\n")
		if want := "A " + tracker.OneLine(s) + " Z"; got != want {
			t.Fatalf("EscapeMarkdown(%q) renders as %q, want %q", s, got, want)
		}
		if strings.Contains(buf.String(), "<a ") || strings.Contains(buf.String(), "<img") {
			t.Fatalf("EscapeMarkdown(%q) renders a link or image: %s", s, buf.String())
		}
	})
}
