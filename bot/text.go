package bot

import (
	"strings"
	"unicode/utf8"
)

// mrkdwnEscaper escapes the three characters Slack's mrkdwn treats as control
// characters, so user text can never mention @channel, ping people or hide links.
var mrkdwnEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// Escape makes user text safe to show inside a mrkdwn text object. Every piece
// of user text the bot echoes in mrkdwn goes through this function.
func Escape(s string) string { return mrkdwnEscaper.Replace(s) }

// Truncate shortens s to at most max runes, ending with "…" when it cut.
func Truncate(s string, max int) string {
	if max <= 0 {
		return ""
	}
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	r := []rune(s)
	return string(r[:max-1]) + "…"
}

// truncateEscaped escapes s for mrkdwn and shortens it to max characters
// without cutting an entity such as &amp; in half.
func truncateEscaped(s string, max int) string {
	out := Escape(s)
	if utf8.RuneCountInString(out) <= max {
		return out
	}
	r := []rune(out)[:max-1]
	if i := lastIndexRune(r, '&'); i >= 0 && i > len(r)-5 && !containsRune(r[i:], ';') {
		r = r[:i]
	}
	return string(r) + "…"
}

func lastIndexRune(r []rune, c rune) int {
	for i := len(r) - 1; i >= 0; i-- {
		if r[i] == c {
			return i
		}
	}
	return -1
}

func containsRune(r []rune, c rune) bool { return lastIndexRune(r, c) >= 0 }
