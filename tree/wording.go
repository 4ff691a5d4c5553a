package tree

import (
	"regexp"
	"strings"
)

// inversion is one rewriting rule of DesirableWording: a whole-text pattern
// and its positive replacement (regexp.Expand syntax).
type inversion struct {
	pattern *regexp.Regexp
	replace string
}

// inversions are tried in order; the first whose pattern matches wins.
var inversions = []inversion{
	{regexp.MustCompile(`(?i)^(.+?) (?:was|is|went) down(?: for .+)?$`), "${1} stays up"},
	{regexp.MustCompile(`(?i)^(.+?) (?:were|are|went) down(?: for .+)?$`), "${1} stay up"},
	{regexp.MustCompile(`(?i)^(.+?) (?:took|takes) .+? to (.+)$`), "${1} is quick to ${2}"},
	{regexp.MustCompile(`(?i)^(.+?) (?:had|has|have) to .+? to (.+)$`), "${1} can ${2} directly"},
	{regexp.MustCompile(`(?i)^(.+?) (?:times|timed) out(.*)$`), "${1} responds in time${2}"},
	{regexp.MustCompile(`(?i)^(.+?) (?:fails|failed)(.*)$`), "${1} succeeds${2}"},
	{regexp.MustCompile(`(?i)^(.+?) (?:fail)(.*)$`), "${1} succeed${2}"},
}

// negations turn a negative phrase inside a text into its positive form.
var negations = []struct{ from, to string }{
	{" has not been ", " has been "},
	{" have not been ", " have been "},
	{" is not ", " is "},
	{" are not ", " are "},
	{" was not ", " is "},
	{" were not ", " are "},
	{" does not ", " does "},
	{" do not ", " do "},
	{" did not ", " does "},
	{" cannot ", " can "},
	{" never ", " always "},
	{" has no ", " has a "},
	{" have no ", " have "},
	{" is missing", " is in place"},
	{" are missing", " are in place"},
	{" outdated ", " up-to-date "},
}

// DesirableWording suggests the desirable effect that replaces a removed
// symptom, by inverting common negative wordings ("X was down for 45
// minutes" → "X stays up", "X has no circuit breaker" → "X has a circuit
// breaker", "X took 15 minutes to fire" → "X is quick to fire"). A text no rule
// fits becomes DesiredPrefix followed by the symptom. The result is at most
// MaxTextRunes runes; the team can always reword it.
func DesirableWording(symptom string) string {
	text := strings.Join(strings.Fields(symptom), " ")
	for _, inv := range inversions {
		if m := inv.pattern.FindStringSubmatchIndex(text); m != nil {
			out := inv.pattern.ExpandString(nil, inv.replace, text, m)
			return clipRunes(string(out), MaxTextRunes)
		}
	}
	padded := " " + text + " "
	lower := asciiLower(padded) // same byte offsets as padded
	for _, n := range negations {
		if i := strings.Index(lower, n.from); i >= 0 {
			out := padded[:i] + n.to + padded[i+len(n.from):]
			return clipRunes(strings.TrimSpace(out), MaxTextRunes)
		}
	}
	return clipRunes(DesiredPrefix+text, MaxTextRunes)
}

// asciiLower lowers the ASCII letters of s only, so that byte offsets into
// the result are offsets into s (full Unicode lowering can change lengths).
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
