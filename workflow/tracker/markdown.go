package tracker

import (
	"fmt"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/untangle-rca/untangle/workflow"
)

// zwsp is the zero-width space put after "@" and "#" in user text, so that
// trackers neither ping "@name" nor link "#123" to another ticket.
const zwsp = "\u200b"

// markdownPunct is the ASCII punctuation escaped with a backslash in
// Markdown: everything that can start markup in running text, "$" (math
// on GitHub) and ":" (so "http://…" and ":emoji:" stay text).
const markdownPunct = "\\`*_{}[]()<>#+-.!|~&$:"

// EscapeMarkdown returns s as literal Markdown text on one line: markup
// characters escaped, line breaks and other control characters turned into
// spaces, direction overrides dropped (they can make a text read as
// something else), and mentions and ticket references defused.
func EscapeMarkdown(s string) string {
	var b strings.Builder
	b.Grow(len(s) + len(s)/4)
	for _, r := range Plain(s) {
		if r < utf8.RuneSelf && strings.ContainsRune(markdownPunct, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// OneLine returns s on one line, without control characters or direction
// overrides (right-to-left letters themselves are kept).
func OneLine(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\r' || r == '\t':
			return ' '
		case unicode.IsControl(r) || isDirectionOverride(r):
			return -1
		}
		return r
	}, s)
}

// Plain is OneLine with "@name", "#123" and "!123" defused by a zero-width
// space, for plain-text fields such as titles and inside Markdown.
func Plain(s string) string {
	runes := []rune(OneLine(s))
	var b strings.Builder
	for i, r := range runes {
		b.WriteRune(r)
		if (r == '@' || r == '#' || r == '!') && i+1 < len(runes) && isWordRune(runes[i+1]) {
			b.WriteString(zwsp)
		}
	}
	return b.String()
}

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '_'
}

// isDirectionOverride reports the explicit bidirectional embeddings,
// overrides and isolates; right-to-left letters themselves are kept.
func isDirectionOverride(r rune) bool {
	return (r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069)
}

// Cut returns s cut to at most n runes, ending in "…" when cut.
func Cut(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	if n < 1 {
		return ""
	}
	r := []rune(s)
	return strings.TrimRightFunc(string(r[:n-1]), unicode.IsSpace) + "…"
}

// CutNote is the line that ends a body cut to a tracker's limit.
func CutNote(limit int) string {
	return fmt.Sprintf("(Cut to fit this tracker's limit of %d characters; the full text is in the RCA.)", limit)
}

// Markdown renders d as a ticket body in GitHub-flavoured Markdown (also
// read by Linear), at most maxRunes runes: when the body is longer, the
// sections that do not fit are left out and a note says so. The marker line
// always stays.
func Markdown(d workflow.TicketDraft, maxRunes int) string {
	footer := []string{"", "---", "Filed by untangle. Marker: `" + d.Marker + "`"}
	return fitLines(markdownLines(d), footer, maxRunes)
}

// fitLines joins lines and footer with newlines within maxRunes, dropping
// the lines (never the footer) that do not fit and adding CutNote.
func fitLines(lines, footer []string, maxRunes int) string {
	tail := strings.Join(footer, "\n")
	all := strings.Join(append(append([]string{}, lines...), tail), "\n")
	if utf8.RuneCountInString(all) <= maxRunes {
		return all
	}
	note := CutNote(maxRunes)
	budget := maxRunes - utf8.RuneCountInString(tail) - utf8.RuneCountInString(note) - 4
	var kept []string
	used := 0
	for _, l := range lines {
		n := utf8.RuneCountInString(l) + 1
		if used+n > budget {
			break
		}
		kept, used = append(kept, l), used+n
	}
	return strings.Join(append(kept, "", note, tail), "\n")
}

func markdownLines(d workflow.TicketDraft) []string {
	rca := "**" + EscapeMarkdown(d.RCATitle) + "**"
	if IsWebLink(d.RCALink) {
		rca = "**[" + EscapeMarkdown(d.RCATitle) + "](<" + SafeURL(d.RCALink) + ">)**"
	}
	lines := []string{"Fix agreed in the root-cause analysis " + rca + ".", "",
		"**Neutralises:** " + mdNode(d.Neutralises), ""}
	lines = append(lines, mdList("**Removes on its own:**", d.RemovesAlone)...)
	lines = append(lines, mdList("**Removes together with the other fixes:**", d.RemovesTogether)...)
	if len(d.Chains) > 0 {
		lines = append(lines, "**Why: from the core cause to each symptom**", "")
		for _, c := range d.Chains {
			lines = append(lines, "For "+mdNode(c.Symptom)+":", "")
			for i, s := range c.Steps {
				lines = append(lines, fmt.Sprintf("%d. %s", i+1, mdStep(s)))
			}
			lines = append(lines, "")
		}
	}
	if owner := OwnerText(d); owner != "" {
		lines = append(lines, "**Owner:** "+EscapeMarkdown(owner)+"  ")
	}
	if !d.Due.IsZero() {
		lines = append(lines, "**Due:** "+d.Due.Format("2006-01-02"))
	}
	return lines
}

// OwnerText is the owner as the body names them: the name and e-mail
// address, either alone when the other is unknown.
func OwnerText(d workflow.TicketDraft) string {
	switch {
	case d.Owner != "" && d.OwnerEmail != "":
		return d.Owner + " (" + d.OwnerEmail + ")"
	case d.Owner != "":
		return d.Owner
	}
	return d.OwnerEmail
}

func mdList(title string, nodes []workflow.TicketNode) []string {
	if len(nodes) == 0 {
		return nil
	}
	lines := []string{title, ""}
	for _, n := range nodes {
		lines = append(lines, "- "+mdNode(n))
	}
	return append(lines, "")
}

// mdNode names a node with its number in a code span, which trackers do
// not turn into a ticket link.
func mdNode(n workflow.TicketNode) string {
	return "`" + n.ID.String() + "` " + EscapeMarkdown(n.Text)
}

func mdStep(s workflow.TicketStep) string {
	causes := make([]string, len(s.Causes))
	for i, c := range s.Causes {
		causes[i] = "\\[" + mdNode(c) + "\\]"
	}
	return "IF " + strings.Join(causes, " AND ") + " THEN \\[" + mdNode(s.Effect) + "\\]"
}

// SafeURL percent-encodes the characters that may not stand in a link
// target (spaces, quotes, angle brackets, backslashes, control characters),
// so that the link can neither end early nor carry markup.
func SafeURL(u string) string {
	var b strings.Builder
	for _, c := range []byte(u) {
		if c <= ' ' || c == 0x7f || strings.IndexByte("<>\"\\`{}|^", c) >= 0 {
			fmt.Fprintf(&b, "%%%02X", c)
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// IsBaseURL reports whether u is an absolute http(s) URL with a host, as
// every API address setting must be.
func IsBaseURL(u string) bool {
	p, err := url.Parse(u)
	return err == nil && (p.Scheme == "https" || p.Scheme == "http") && p.Host != ""
}

// IsWebLink reports whether u is an absolute http(s) URL, the only links a
// ticket body carries.
func IsWebLink(u string) bool {
	return strings.HasPrefix(u, "https://") || strings.HasPrefix(u, "http://")
}

// Labels cleans label names for a tracker: one line, spaces turned into
// dashes when the tracker forbids them, at most maxRunes runes, without
// empty names or repeats.
func Labels(in []string, maxRunes int, noSpaces bool) []string {
	var out []string
	seen := map[string]bool{}
	for _, l := range in {
		l = strings.TrimSpace(OneLine(l))
		if noSpaces {
			l = strings.Join(strings.Fields(l), "-")
		}
		if utf8.RuneCountInString(l) > maxRunes {
			l = string([]rune(l)[:maxRunes])
		}
		if l != "" && !seen[strings.ToLower(l)] {
			seen[strings.ToLower(l)] = true
			out = append(out, l)
		}
	}
	return out
}
