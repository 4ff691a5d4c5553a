package workflow

// CheckBlame: whether a node text blames a person, by a typed @handle, a
// person placeholder ("Engineer A") or a person named as the actor.

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// BlameFinding explains why a node text reads as blaming a person.
type BlameFinding struct {
	Reasons    []string // what was found, one plain sentence each, in the order found
	Suggestion string   // how to restate the text as the systemic condition that allowed it
}

// CheckBlame returns nil when text describes conditions, and a finding when
// it mentions a person by @handle, uses a person
// placeholder ("Engineer A", "the intern"), names a person as an actor ("Bob
// deployed", "Priya's change", "reviewed by Ana"), or uses blame words
// ("human error", "should have", "forgot to", "failed to" after a person).
// The bot keeps the text; the finding only drives a private suggestion and
// the node's blame mark. docs/blameless.md records the trade-offs.
func CheckBlame(text string) *BlameFinding {
	words := splitWords(text)
	var reasons []string
	add := func(r string) {
		if r != "" && !containsString(reasons, r) {
			reasons = append(reasons, r)
		}
	}
	add(mentionReason(text))
	add(placeholderReason(words))
	add(actorReason(words))
	phrase, blame := blameWords(words)
	add(blame)
	if len(reasons) == 0 {
		return nil
	}
	return &BlameFinding{Reasons: reasons, Suggestion: blameSuggestion(words, phrase)}
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// mentionReason finds a typed @handle ("@ana"; the bot turns chat mentions
// into this plain form before calling the workflow). An @ inside a word (an
// e-mail address) and @here/@channel/@everyone do not count.
func mentionReason(text string) string {
	for i := 0; i < len(text); i++ {
		if text[i] != '@' {
			continue
		}
		if i > 0 && isHandleByte(text[i-1]) {
			continue // e-mail address or similar
		}
		if h := typedHandle(text[i+1:]); h != "" {
			return fmt.Sprintf("It mentions a person (@%s).", h)
		}
	}
	return ""
}

// typedHandle returns the chat handle that rest (the text after an @)
// opens with, or "". Handles start with a lower-case letter, so Java
// annotations ("@Override") are not handles; neither are npm scopes
// ("@types/node"), decorator calls ("@app.route(") and a few well-known
// decorators and doc tags ("@retry", "@property", "@author").
func typedHandle(rest string) string {
	j := 0
	for j < len(rest) && isHandleByte(rest[j]) {
		j++
	}
	h := strings.TrimRight(rest[:j], ".-_")
	if h == "" || h[0] < 'a' || h[0] > 'z' || isCodeHandle(h) {
		return ""
	}
	if j < len(rest) && (rest[j] == '(' || rest[j] == '/') {
		return ""
	}
	return h
}

// isCodeHandle reports @-words that are code, not people.
func isCodeHandle(h string) bool {
	switch h {
	case "here", "channel", "everyone", "property", "staticmethod", "classmethod", "dataclass",
		"override", "deprecated", "retry", "cache", "cached", "lru_cache", "functools", "pytest",
		"patch", "param", "returns", "return", "throws", "see", "since", "author", "todo",
		"media", "import", "keyframes", "apply", "latest", "next":
		return true
	}
	return false
}

func isHandleByte(b byte) bool {
	return b == '.' || b == '_' || b == '-' || (b >= '0' && b <= '9') || (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z')
}

// placeholderReason finds an anonymised person: a role word followed by a
// capital letter or a number ("Engineer A", "dev B", "Operator 2"), or "the
// intern", "the new hire" and the like.
func placeholderReason(words []word) string {
	lw := lowers(words)
	for i, w := range lw {
		if isRoleWord(w) && i+1 < len(words) && isPlaceholderTag(words[i+1].raw) {
			return fmt.Sprintf("It points at a person (%q).", quote(words, i, i+2))
		}
		if (w == "the" || w == "a" || w == "an" || w == "our") && i+1 < len(lw) {
			if n := newcomerLen(lw[i+1:]); n > 0 {
				return fmt.Sprintf("It points at a person (%q).", quote(words, i, i+1+n))
			}
		}
	}
	return ""
}

// isRoleWord reports job titles used with a letter as a stand-in for a name.
func isRoleWord(w string) bool {
	switch w {
	case "engineer", "dev", "developer", "operator", "admin", "administrator", "person", "employee",
		"contractor", "manager", "tester", "analyst", "sre", "reviewer", "intern", "colleague":
		return true
	}
	return false
}

// isPlaceholderTag reports "A"…"Z" or a short number: the tag in "Engineer A".
func isPlaceholderTag(raw string) bool {
	if len(raw) == 1 && raw[0] >= 'A' && raw[0] <= 'Z' {
		return true
	}
	if len(raw) == 0 || len(raw) > 2 {
		return false
	}
	for _, r := range raw {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// newcomerLen returns how many words of "intern", "new hire", "new guy",
// "junior dev"… start lw, or 0. "new" with a role word is left out: "a new
// developer portal" is not a person.
func newcomerLen(lw []string) int {
	switch {
	case lw[0] == "intern" || lw[0] == "newbie" || lw[0] == "rookie":
		return 1
	case len(lw) < 2:
		return 0
	case lw[0] == "new" && (lw[1] == "hire" || lw[1] == "guy" || lw[1] == "girl" || lw[1] == "joiner"):
		return 2
	case lw[0] == "junior" && isRoleWord(lw[1]):
		return 2
	}
	return 0
}

// actorReason finds a person acting: a capitalised common first name (or a
// title with a name: "Dr Smith", or "he", "she", "someone") followed by an
// action word ("Bob deployed", "Priya never checks"), a possessive
// ("Priya's change"), or a name after "by" ("approved by Ana"). A name used
// as a system's name ("the Bob service") is not an actor.
func actorReason(words []word) string {
	lw := lowers(words)
	for i, w := range words {
		name := isPersonName(w.raw) || isPronounActor(w.lower) ||
			(i > 0 && isTitle(lw[i-1]) && isCapitalised(w.raw))
		if !name && !(isPossessive(w.raw) && isPersonName(stripPossessive(w.raw))) {
			continue
		}
		switch {
		case isPossessive(w.raw):
			return fmt.Sprintf("It names a person (%q).", w.raw)
		case i+1 < len(lw) && isActionAfter(lw[i+1:]):
			return fmt.Sprintf("It names a person as the actor (%q).", quote(words, i, i+2))
		case i > 0 && lw[i-1] == "by" && (i+1 == len(lw) || !isSystemNoun(lw[i+1])) && !isPronounActor(w.lower):
			return fmt.Sprintf("It names a person as the actor (%q).", quote(words, i-1, i+1))
		}
	}
	return ""
}

func isPossessive(raw string) bool {
	return strings.HasSuffix(raw, "'s") || strings.HasSuffix(raw, "’s")
}

func stripPossessive(raw string) string {
	raw = strings.TrimSuffix(raw, "'s")
	return strings.TrimSuffix(raw, "’s")
}

// isCapitalised reports "Bob" but not "bob", "BOB" or "B".
func isCapitalised(raw string) bool {
	first, size := utf8.DecodeRuneInString(raw)
	if !unicode.IsUpper(first) || size == len(raw) {
		return false
	}
	for _, r := range raw[size:] {
		if !unicode.IsLower(r) {
			return false
		}
	}
	return true
}

// isPersonName reports a capitalised common first name that is not also a
// well-known tool or product name.
func isPersonName(raw string) bool {
	if !isCapitalised(raw) {
		return false
	}
	lower := strings.ToLower(raw)
	return isFirstName(lower) && !isToolName(lower)
}

// isPronounActor reports words that stand for a person doing something.
func isPronounActor(w string) bool {
	return w == "he" || w == "she" || w == "someone" || w == "somebody"
}

func isTitle(w string) bool {
	switch w {
	case "mr", "mrs", "ms", "miss", "dr", "mx", "sir":
		return true
	}
	return false
}

// isActionAfter reports whether lw opens with an action word, skipping one
// adverb ending in -ly ("Bob accidentally deleted").
func isActionAfter(lw []string) bool {
	w := lw[0]
	if strings.HasSuffix(w, "ly") && len(lw) > 1 && !isFiniteVerb(w) {
		w = lw[1]
	}
	if isActionWord(w) || strings.HasSuffix(w, "n't") {
		return true
	}
	return len(w) > 4 && strings.HasSuffix(w, "ed") && !strings.HasSuffix(w, "eed") && !isEdNoun(w)
}

// isActionWord reports verbs and adverbs that, after a name, make it an actor.
func isActionWord(w string) bool {
	switch w {
	case "was", "is", "has", "had", "did", "does", "should", "would", "could", "will", "can", "must",
		"forgot", "forgets", "ran", "runs", "broke", "breaks", "made", "makes", "wrote", "writes",
		"took", "takes", "left", "leaves", "went", "goes", "got", "gets", "sent", "sends", "set", "sets",
		"put", "puts", "pushes", "merges", "deploys", "approves", "owns", "manages", "handles", "reviews",
		"said", "says", "told", "tells", "thought", "thinks", "knew", "knows", "chose", "chooses", "gave",
		"gives", "saw", "sees", "kept", "keeps", "let", "lets", "never", "always", "also", "just",
		"didn't", "overrode", "deletes", "drops", "restarts", "ignores", "misses", "fails":
		return true
	}
	return false
}

// isEdNoun reports words ending in -ed that are not past tenses.
func isEdNoun(w string) bool {
	switch w {
	case "embed", "hundred", "shred", "sacred", "naked", "wicked", "kindred", "bred", "fled", "sled":
		return true
	}
	return false
}

// isSystemNoun reports words that, after a name, show the name labels a
// system: "the Bob service", "by Ada job".
func isSystemNoun(w string) bool {
	switch w {
	case "service", "services", "server", "api", "cluster", "job", "bot", "script", "pipeline", "app",
		"queue", "db", "database", "host", "node", "project", "repo", "module", "library", "tool",
		"system", "config", "team", "squad", "dashboard", "instance":
		return true
	}
	return false
}
