package export

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestMd(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{name: "plain text", in: "Payment API times out", want: "Payment API times out"},
		{name: "slack broadcast", in: "<!channel> now", want: `\<!channel\> now`},
		{name: "html", in: "<b>bold</b>", want: `\<b\>bold\</b\>`},
		{name: "table pipe", in: "a | b", want: `a \| b`},
		{name: "link syntax", in: "[x](http://e.com)", want: `\[x\](http://e.com)`},
		{name: "emphasis and code", in: "*a* _b_ `c` ~~d~~", want: "\\*a\\* \\_b\\_ \\`c\\` \\~\\~d\\~\\~"},
		{name: "entity", in: "&amp; &#60;", want: `\&amp; \&#60;`},
		{name: "backslash", in: `C:\temp`, want: `C:\\temp`},
		{name: "math", in: "$5 and $6", want: `\$5 and \$6`},
		{name: "leading hash", in: "# not a heading", want: `\# not a heading`},
		{name: "hash inside", in: "see #7", want: "see #7"},
		{name: "leading dash", in: "- not a list", want: `\- not a list`},
		{name: "leading plus", in: "+1 vote", want: `\+1 vote`},
		{name: "leading ordinal", in: "1. not a list", want: `1\. not a list`},
		{name: "leading ordinal paren", in: "12) not a list", want: `12\) not a list`},
		{name: "number without dot", in: "15 minutes", want: "15 minutes"},
		{name: "new lines collapse", in: "two\nlines\r\n  here", want: "two lines here"},
		{name: "emoji", in: "fire 🔥", want: "fire 🔥"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := md(tt.in); got != tt.want {
				t.Errorf("md(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestWrap(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		width int
		want  []string
	}{
		{name: "short", in: "one two", width: 10, want: []string{"one two"}},
		{name: "break at space", in: "one two three", width: 7, want: []string{"one two", "three"}},
		{name: "exact width", in: "abcd efgh", width: 4, want: []string{"abcd", "efgh"}},
		{name: "long word is cut", in: "abcdefghij x", width: 4, want: []string{"abcd", "efgh", "ij x"}},
		{name: "runes not bytes", in: "ééééé ü", width: 5, want: []string{"ééééé", "ü"}},
		{name: "empty", in: "   ", width: 5, want: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := wrap(tt.in, tt.width)
			if len(got) != len(tt.want) {
				t.Fatalf("wrap(%q, %d) = %q, want %q", tt.in, tt.width, got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("wrap(%q, %d) = %q, want %q", tt.in, tt.width, got, tt.want)
					break
				}
			}
		})
	}
}

// FuzzMd checks that every Markdown-special character md writes is escaped,
// and that dropping the escapes gives back the collapsed text.
func FuzzMd(f *testing.F) {
	for _, s := range []string{"<!channel>", "# x", "1. x", `a\b`, "**x**", "- [ ] x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			return // node texts and titles are valid UTF-8
		}
		got := md(s)
		var plain []rune
		escaped := false
		for i, r := range []rune(got) {
			switch {
			case escaped:
				escaped = false
				plain = append(plain, r)
			case r == '\\':
				escaped = true
			case strings.ContainsRune(markdownSpecial, r):
				t.Fatalf("md(%q) = %q has a raw %q", s, got, r)
			case i == 0 && strings.ContainsRune("#-+", r):
				t.Fatalf("md(%q) = %q starts with a raw %q", s, got, r)
			default:
				plain = append(plain, r)
			}
		}
		if string(plain) != collapse(s) {
			t.Fatalf("md(%q) = %q unescapes to %q, want %q", s, got, string(plain), collapse(s))
		}
	})
}
