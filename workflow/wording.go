package workflow

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/untangle-rca/untangle/tree"
)

// Hint is a soft wording suggestion shown next to a node text; it never blocks saving.
type Hint struct {
	Code    string // one of the Hint* codes, stable for the bot and for tests
	Message string // a kind, specific sentence for the author, at most MaxHintRunes runes
}

// Hint codes returned by CheckWording.
const (
	HintQuestion        = "question"         // the text asks instead of stating
	HintMissingSolution = "missing_solution" // "lack of …", "no …", "missing …" hide a fix in the problem
	HintCausalWords     = "causal_words"     // "because", "due to" … pack a cause into the node
	HintTwoIdeas        = "two_ideas"        // two clauses joined by "and"
	HintSpeculation     = "speculation"      // "might", "could", "will" … describe what has not been observed
)

// MaxHintRunes is the longest Hint.Message, in runes.
const MaxHintRunes = 300

// maxQuoteRunes bounds the part of the user's text quoted back in a hint.
const maxQuoteRunes = 48

// CheckWording returns soft hints about how a node text is worded, in a fixed
// order (question, missing solution, causal words, two ideas, speculation),
// at most one per code. It returns nil for a text it has nothing to say about,
// including an empty one (emptiness is a hard field error handled elsewhere).
//
// Which checks apply depends on the kind: a UDE gets every check; a cause or
// premise gets the question and causal-word checks and, of the
// missing-solution family, only "lack of"/"absence of" (a cause such as "No
// circuit breaker is configured" is a fine condition); injections and desired
// effects are proposals, so only the question check applies.
func CheckWording(kind tree.Kind, text string) []Hint {
	words := splitWords(text)
	if len(words) == 0 {
		return nil
	}
	var hints []Hint
	add := func(h Hint, ok bool) {
		if ok {
			hints = append(hints, h)
		}
	}
	add(questionHint(text, words))
	switch kind {
	case tree.KindUDE:
		add(missingSolutionHint(words, true))
		add(causalHint(words))
		add(twoIdeasHint(words))
		add(speculationHint(words))
	case tree.KindCause, tree.KindPremise:
		add(missingSolutionHint(words, false))
		add(causalHint(words))
	}
	return hints
}

// word is one word of a text, as typed and in lower case (with ’ read as ').
type word struct {
	raw   string
	lower string
}

// splitWords splits text into words: runs of letters, digits and marks, with
// an apostrophe or hyphen kept when it joins two such runs ("didn't",
// "on-call", "Priya's", "Sergeant-at-arms"). Everything else separates words.
func splitWords(text string) []word {
	out := make([]word, 0, len(text)/6+1)
	start := -1 // byte offset where the current word began
	flush := func(end int) {
		if start >= 0 {
			raw := text[start:end] // words share the text's memory
			out = append(out, word{raw: raw, lower: strings.ReplaceAll(strings.ToLower(raw), "’", "'")})
			start = -1
		}
	}
	for i, r := range text {
		switch {
		case isWordRune(r):
			if start < 0 {
				start = i
			}
		case isJoiner(r) && start >= 0 && wordRuneAt(text, i+utf8.RuneLen(r)):
			// keep the joiner inside the word
		default:
			flush(i)
		}
	}
	flush(len(text))
	return out
}

// wordRuneAt reports whether a word rune starts at byte i of text.
func wordRuneAt(text string, i int) bool {
	if i >= len(text) {
		return false
	}
	r, _ := utf8.DecodeRuneInString(text[i:])
	return isWordRune(r)
}

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)
}

func isJoiner(r rune) bool { return r == '\'' || r == '’' || r == '-' }

// lowers returns the lower-case forms of words.
func lowers(words []word) []string {
	out := make([]string, len(words))
	for i, w := range words {
		out[i] = w.lower
	}
	return out
}

// matchAt reports whether the phrase (lower-case words) starts at words[i].
func matchAt(words []string, i int, phrase []string) bool {
	if i+len(phrase) > len(words) {
		return false
	}
	for j, p := range phrase {
		if words[i+j] != p {
			return false
		}
	}
	return true
}

// quote renders words[from:to] as typed, cut to maxQuoteRunes runes.
func quote(words []word, from, to int) string {
	to = min(to, len(words))
	parts := make([]string, 0, to-from)
	for _, w := range words[from:to] {
		parts = append(parts, w.raw)
	}
	s := strings.Join(parts, " ")
	if utf8.RuneCountInString(s) > maxQuoteRunes {
		s = string([]rune(s)[:maxQuoteRunes-1]) + "…"
	}
	return s
}

// isQuestionStart reports first words that make a statement a question. Auxiliary
// verbs ("is", "was", "did") are left out on purpose: terse notes such as
// "Was down for 45 minutes" are statements, and a real question usually ends
// with "?" anyway.
func isQuestionStart(w string) bool {
	switch w {
	case "why", "how", "what", "which", "who", "whom", "whose", "whether", "does":
		return true
	}
	return false
}

// questionHint fires on a "?" that ends a word (not one inside a URL) or on a
// text that opens with a question word or "is there"/"are there"….
func questionHint(text string, words []word) (Hint, bool) {
	q := endsWordWithQuestionMark(text)
	first := words[0].lower
	if isQuestionStart(first) {
		q = true
	}
	if len(words) > 1 && words[1].lower == "there" && (first == "is" || first == "are" || first == "was" || first == "were") {
		q = true
	}
	if !q {
		return Hint{}, false
	}
	return Hint{Code: HintQuestion, Message: "This reads as a question. A node states what is true, so the team can test it: " +
		`write what you observed, e.g. "The retry queue grows during traffic peaks" rather than "Why does the queue grow?".`}, true
}

// endsWordWithQuestionMark reports a "?" followed by the end of the text, a
// space or closing punctuation.
func endsWordWithQuestionMark(text string) bool {
	for i := 0; i < len(text); i++ {
		if text[i] != '?' {
			continue
		}
		if i+1 == len(text) {
			return true
		}
		next, _ := utf8.DecodeRuneInString(text[i+1:])
		if unicode.IsSpace(next) || strings.ContainsRune(`)]"'’”!?.,;:`, next) {
			return true
		}
	}
	return false
}

// isNoException reports words after "no" that do not name a missing thing.
func isNoException(w string) bool {
	switch w {
	case "longer", "one", "more", "less", "matter", "sooner", "doubt", "later", "earlier":
		return true
	}
	return false
}

// isQuoteStop reports words that end the quoted phrase after a
// missing-solution keyword.
func isQuoteStop(w string) bool {
	switch w {
	case "is", "are", "was", "were", "for", "when", "in", "on", "at", "to", "and", "or",
		"so", "because", "that", "which", "has", "have":
		return true
	}
	return false
}

// missingSolutionHint finds "lack of", "lacks", "absence of" and, for UDEs
// (all true), also "no X", "missing", "insufficient" and "not enough".
func missingSolutionHint(words []word, all bool) (Hint, bool) {
	lw := lowers(words)
	for i, w := range lw {
		n := missingSolutionAt(lw, i, all)
		if n == 0 {
			continue
		}
		end := i + n
		for end < len(lw) && end < i+n+3 && !isQuoteStop(lw[end]) {
			end++
		}
		if w == "missing" && end == i+1 && i > 0 {
			// "The index is missing": quote the thing before instead.
			return missingHint(quote(words, max(0, i-2), i+1), all), true
		}
		return missingHint(quote(words, i, end), all), true
	}
	return Hint{}, false
}

// missingSolutionAt returns how many words of a missing-solution keyword
// start at lw[i], or 0.
func missingSolutionAt(lw []string, i int, all bool) int {
	switch w := lw[i]; {
	case matchAt(lw, i, []string{"lack", "of"}), matchAt(lw, i, []string{"absence", "of"}):
		return 2
	case w == "lacks" || w == "lacking" || w == "lacked":
		return 1
	case !all:
		return 0
	case w == "no" && i+1 < len(lw) && !isNoException(lw[i+1]):
		return 1
	case w == "missing" || w == "insufficient" || w == "inadequate":
		return 1
	case matchAt(lw, i, []string{"not", "enough"}):
		return 2
	}
	return 0
}

func missingHint(phrase string, ude bool) Hint {
	if ude {
		return Hint{Code: HintMissingSolution, Message: fmt.Sprintf("This reads like a missing solution (%q). "+
			`Try stating the condition you observe, e.g. "calls to the DB are not isolated by a breaker" instead of "no circuit breaker".`, phrase)}
	}
	return Hint{Code: HintMissingSolution, Message: fmt.Sprintf("%q names something absent. "+
		`It can help to state the condition that is true instead, e.g. "deploys go to all hosts at once" rather than "lack of canary deploys".`, phrase)}
}

// causalPhrases lists the phrases that put a cause and its effect into one node.
func causalPhrases() [][]string {
	return [][]string{
		{"because"}, {"due", "to"}, {"caused", "by"}, {"as", "a", "result", "of"},
		{"owing", "to"}, {"resulting", "from"}, {"results", "in"}, {"resulted", "in"},
		{"leads", "to"}, {"led", "to"}, {"leading", "to"}, {"therefore"}, {"causing"},
		{"which", "causes"}, {"which", "caused"}, {"thanks", "to"},
	}
}

// causalHint finds causal phrases and a causal "since": "since" followed,
// within six words, by a finite verb ("since the cache was cold"); "since
// Monday" or "since launch" is about time and is left alone.
func causalHint(words []word) (Hint, bool) {
	lw := lowers(words)
	phrases := causalPhrases()
	for i := range lw {
		for _, p := range phrases {
			if matchAt(lw, i, p) {
				return causalMessage(quote(words, i, i+len(p))), true
			}
		}
		if lw[i] == "since" && hasFiniteVerb(lw[i+1:min(len(lw), i+7)]) {
			return causalMessage(words[i].raw), true
		}
	}
	return Hint{}, false
}

func causalMessage(phrase string) Hint {
	return Hint{Code: HintCausalWords, Message: fmt.Sprintf("%q puts a cause and its effect in one node. "+
		`Keep only the effect here and add the cause as its own node with "Add cause…", so the link between them can be challenged.`, phrase)}
}

// isFiniteVerb reports words that almost always act as the verb of a clause:
// auxiliaries, copulas and common incident verbs. The list is short on
// purpose: a word it misses only means a hint is not shown.
func isFiniteVerb(w string) bool {
	switch w {
	case "is", "are", "was", "were", "be", "been", "has", "have", "had", "does", "did", "do", "can",
		"cannot", "could", "will", "would", "shall", "should", "must", "may", "might", "am", "fails",
		"failed", "fail", "crashes", "crashed", "times", "timed", "returns", "returned", "drops",
		"dropped", "grows", "grew", "rises", "rose", "spikes", "spiked", "exceeds", "exceeded", "exceed",
		"exhausts", "exhausted", "exhaust", "blocks", "blocked", "stalls", "stalled", "hangs", "hung",
		"restarts", "restarted", "retries", "retried", "loses", "lost", "leaks", "leaked", "breaks",
		"broke", "stops", "stopped", "runs", "ran", "takes", "took", "goes", "went", "gets", "got",
		"shows", "showed", "reports", "reported", "waits", "waited", "fills", "filled", "overflows",
		"overflowed", "saturates", "saturated", "degrades", "degraded", "slows", "slowed", "increases",
		"increased", "decreases", "decreased", "ignores", "ignored", "ignore", "measures", "measured",
		"measure", "rewards", "rewarded", "reward", "uses", "used", "needs", "needed", "requires",
		"required", "require", "misses", "missed", "receives", "received", "sees", "saw", "sends",
		"sent", "calls", "called", "writes", "wrote", "holds", "held", "locks", "locked", "expires",
		"expired", "rejects", "rejected", "skips", "skipped", "lacks", "lacked", "depends", "depended",
		"depend", "relies", "relied", "rely", "triggers", "triggered", "fires", "fired", "pages",
		"paged", "deploys", "deployed", "owns", "owned", "wins", "won":
		return true
	}
	return false
}

// hasFiniteVerb reports whether any word is a finite verb or a negated
// auxiliary ("isn't", "didn't").
func hasFiniteVerb(lw []string) bool {
	for _, w := range lw {
		if isFiniteVerb(w) || strings.HasSuffix(w, "n't") {
			return true
		}
	}
	return false
}

// twoIdeasHint fires when "and" joins two clauses: the words before it
// contain a finite verb, and the words after it are at least two and contain
// one too ("The cache is cold and the DB is overloaded"). Lists of nouns
// ("latency and error rate are high") and shared-subject predicates ("the DB
// is slow and overloaded") do not fire: false negatives are preferred to
// nagging.
func twoIdeasHint(words []word) (Hint, bool) {
	lw := lowers(words)
	last := 0
	for i, w := range lw {
		if w != "and" {
			continue
		}
		left := lw[last:i]
		right := lw[i+1:]
		if next := indexOf(right, "and"); next >= 0 {
			right = right[:next]
		}
		if hasFiniteVerb(left) && len(right) >= 2 && hasFiniteVerb(right) {
			return Hint{Code: HintTwoIdeas, Message: fmt.Sprintf(`This seems to hold two ideas joined by "and" (%q and %q). `+
				"If either can be true without the other, split it into two nodes so each can be linked and challenged.",
				quote(words, last, i), quote(words, i+1, i+1+len(right)))}, true
		}
		last = i + 1
	}
	return Hint{}, false
}

func indexOf(lw []string, w string) int {
	for i, x := range lw {
		if x == w {
			return i
		}
	}
	return -1
}

// isSpeculation reports words that describe what has not been observed.
func isSpeculation(w string) bool {
	switch w {
	case "might", "could", "would", "will", "may", "maybe", "perhaps", "possibly", "probably",
		"likely", "presumably":
		return true
	}
	return false
}

// isNegatableModal reports modals that, negated, state an observed fact in
// everyday speech: "could not connect", "would not start".
func isNegatableModal(w string) bool { return w == "could" || w == "would" || w == "will" }

// speculationHint fires on a speculation word, except a negated past modal
// ("could not connect", "would not start", "won't start").
func speculationHint(words []word) (Hint, bool) {
	for i, w := range words {
		// "will" and "may" count only in lower case, so "Will" and "May" (a name, a month) do not.
		if !isSpeculation(w.lower) || w.raw != w.lower {
			continue
		}
		if isNegatableModal(w.lower) && i+1 < len(words) && words[i+1].lower == "not" {
			continue
		}
		return Hint{Code: HintSpeculation, Message: fmt.Sprintf("%q describes something that may or may not happen. "+
			`A UDE is an effect you have observed: write what happened or is happening, e.g. "Checkout fails for 3%% of users".`, w.raw)}, true
	}
	return Hint{}, false
}
