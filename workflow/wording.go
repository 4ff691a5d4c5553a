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
	var out []word
	runes := []rune(text)
	start := -1
	flush := func(end int) {
		if start >= 0 {
			raw := string(runes[start:end])
			out = append(out, word{raw: raw, lower: strings.ReplaceAll(strings.ToLower(raw), "’", "'")})
			start = -1
		}
	}
	for i, r := range runes {
		switch {
		case isWordRune(r):
			if start < 0 {
				start = i
			}
		case isJoiner(r) && start >= 0 && i+1 < len(runes) && isWordRune(runes[i+1]):
			// keep the joiner inside the word
		default:
			flush(i)
		}
	}
	flush(len(runes))
	return out
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

// blameWords finds blame vocabulary. It returns the phrase found (lower
// case, for the suggestion) and a reason, or two empty strings.
func blameWords(words []word) (phrase, reason string) {
	lw := lowers(words)
	phrases := blamePhrases()
	for i := range lw {
		for _, p := range phrases {
			if !matchAt(lw, i, p) || excusedBlame(lw, i, p) {
				continue
			}
			found := strings.Join(p, " ")
			return found, fmt.Sprintf("It uses blame words (%q).", quote(words, i, i+len(p)))
		}
		if (lw[i] == "failed" || lw[i] == "fails" || lw[i] == "neglected") && i+1 < len(lw) && lw[i+1] == "to" {
			if subject := personBefore(words, i); subject >= 0 {
				return "failed to", fmt.Sprintf("It puts a failure on a person (%q).", quote(words, subject, i+2))
			}
		}
	}
	return "", ""
}

// blamePhrases lists words that judge a person rather than describe a condition.
func blamePhrases() [][]string {
	return [][]string{
		{"human", "error"}, {"operator", "error"}, {"user", "error"}, {"pilot", "error"},
		{"careless"}, {"carelessness"}, {"carelessly"}, {"should", "have"}, {"should've"},
		{"shouldn't", "have"}, {"should", "not", "have"}, {"fault", "of"}, {"at", "fault"},
		{"his", "fault"}, {"her", "fault"}, {"their", "fault"}, {"negligence"}, {"negligent"},
		{"forgot"}, {"forgotten"}, {"incompetent"}, {"incompetence"}, {"sloppy"}, {"lazy"},
		{"reckless"}, {"blame"}, {"blamed"}, {"blames"}, {"blaming"}, {"mistake", "by"},
		{"mistake", "made", "by"}, {"his", "mistake"}, {"her", "mistake"}, {"their", "mistake"},
		{"didn't", "bother"}, {"did", "not", "bother"}, {"fat-fingered"}, {"fat", "fingered"},
		{"stupid"}, {"idiot"}, {"clueless"},
	}
}

// excusedBlame reports a blame phrase used in a technical sense: "human
// error budget" (an SRE error budget) and "git blame" (a command).
func excusedBlame(lw []string, i int, p []string) bool {
	end := i + len(p)
	switch p[0] {
	case "human", "operator", "user", "pilot":
		return end < len(lw) && (lw[end] == "budget" || lw[end] == "budgets")
	case "blame":
		return i > 0 && lw[i-1] == "git"
	}
	return false
}

// personBefore returns the index of the person who is the subject of
// words[i], or -1. The subject is the word just before it, skipping adverbs
// ("also", "-ly"): a name, a pronoun, a person noun ("engineer", "team") or
// a placeholder ("Engineer A"). "The failover script failed to run" has none
// (a system failing is not blame), and neither has "The admin API failed to
// respond" nor "The Postgres operator failed to promote the replica".
func personBefore(words []word, i int) int {
	j := i - 1
	for j >= 0 && isAdverb(words[j].lower) {
		j--
	}
	if j < 0 {
		return -1
	}
	w := words[j]
	switch {
	case j > 0 && isPlaceholderTag(w.raw) && isRoleWord(words[j-1].lower):
		return j - 1
	case isPersonName(w.raw) || isPronounActor(w.lower) || isPersonNoun(w.lower):
		return j
	}
	return -1
}

func isAdverb(w string) bool {
	return w == "also" || w == "then" || w == "just" || w == "again" || w == "repeatedly" ||
		(strings.HasSuffix(w, "ly") && !isFiniteVerb(w))
}

// isPersonNoun reports words that, as the subject of "failed to", are people.
// "operator" is not among them: in Kubernetes an operator is a program.
func isPersonNoun(w string) bool {
	switch w {
	case "we", "i", "you", "engineer", "engineers", "developer", "developers", "dev", "devs", "admin",
		"admins", "administrator", "intern", "hire", "employee", "contractor", "manager", "reviewer",
		"reviewers", "tester", "analyst", "sre", "sres", "colleague", "team", "on-call", "oncall",
		"dba", "lead":
		return true
	}
	return false
}

// blameSuggestion asks for the systemic condition, with a rewrite pattern
// built from the text when it follows "forgot to X", "failed to X" or
// "should have X".
func blameSuggestion(words []word, phrase string) string {
	const intro = "Node texts describe conditions, not people. Could you restate this as the systemic condition that allowed it? "
	lw := lowers(words)
	for i := range lw {
		rest := ""
		if i+2 < len(words) {
			rest = quote(words, i+2, i+8)
		}
		switch {
		case rest == "":
		case (lw[i] == "forgot" || lw[i] == "forgets") && lw[i+1] == "to":
			return intro + fmt.Sprintf("For example: %q.", gerundClause(rest)+" depends on a person remembering it")
		case phrase == "failed to" && (lw[i] == "failed" || lw[i] == "fails" || lw[i] == "neglected") && lw[i+1] == "to":
			return intro + fmt.Sprintf("For example: %q.", gerundClause(rest)+" depends on one person, and nothing checks that it happened")
		case (lw[i] == "should" && lw[i+1] == "have") || (lw[i] == "shouldn't" && lw[i+1] == "have"):
			return intro + fmt.Sprintf("Ask what made %q hard to see or do at the time, "+
				`e.g. "Nothing in the runbook or the tooling prompts this step".`, rest)
		}
	}
	switch phrase {
	case "human error", "operator error", "user error", "pilot error", "careless", "carelessness",
		"carelessly", "sloppy", "fat-fingered", "fat fingered":
		return intro + `Name what made the slip easy, e.g. "Bob typed the wrong host" → "Production and staging hosts look alike in the deploy form".`
	}
	return intro + `Describe what made the action possible rather than who did it, e.g. "Bob deployed on Friday evening" → "Deploys are allowed at any time without a second reviewer".`
}

// gerundClause turns "renew the cert" into "Renewing the cert".
func gerundClause(clause string) string {
	verb, rest, _ := strings.Cut(clause, " ")
	g := gerund(strings.ToLower(verb))
	if rest != "" {
		g += " " + rest
	}
	first, size := utf8.DecodeRuneInString(g)
	return string(unicode.ToUpper(first)) + g[size:]
}

// gerund forms the -ing of a verb: renew → renewing, rotate → rotating,
// tie → tying, run → running, stop → stopping.
func gerund(v string) string {
	switch {
	case strings.HasSuffix(v, "ie"):
		return strings.TrimSuffix(v, "ie") + "ying"
	case strings.HasSuffix(v, "e") && !strings.HasSuffix(v, "ee") && !strings.HasSuffix(v, "ye") && !strings.HasSuffix(v, "oe") && len(v) > 2:
		return strings.TrimSuffix(v, "e") + "ing"
	case doublesFinal(v):
		return v + v[len(v)-1:] + "ing"
	}
	return v + "ing"
}

// doublesFinal reports short one-syllable verbs ending consonant–vowel–
// consonant (run, set, stop, skip), whose last letter doubles before -ing.
func doublesFinal(v string) bool {
	n := len(v)
	if n < 3 || n > 4 || !isASCIILower(v) {
		return false
	}
	vowel := func(b byte) bool { return strings.IndexByte("aeiou", b) >= 0 }
	last, mid, before := v[n-1], v[n-2], v[n-3]
	if vowel(last) || strings.IndexByte("wxy", last) >= 0 || !vowel(mid) || vowel(before) {
		return false
	}
	return n == 3 || !vowel(v[0])
}

func isASCIILower(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 'a' || s[i] > 'z' {
			return false
		}
	}
	return true
}

// isFirstName reports common first names (lower case): English and
// international, plus the classic Alice/Bob/Eve of examples. Words that are
// more often something else when capitalised at the start of a sentence
// (April, May, June, August, Bill, Max, Grace, Hope, Joy, Rose, Frank, Drew,
// Chase, Dawn) are left out, as are place names (Austin is in, for it is
// mostly a name; Sydney, Virginia and Georgia, which are cloud regions, are out).
func isFirstName(w string) bool {
	switch w {
	case "kim", "lee", "jordan", "taylor", "morgan", "casey", "riley", "jamie", "james", "john", "robert", "michael", "william", "david", "richard", "joseph", "thomas",
		"charles", "christopher", "daniel", "matthew", "anthony", "mark", "donald", "steven", "paul",
		"andrew", "joshua", "kenneth", "kevin", "brian", "george", "timothy", "ronald", "edward",
		"jason", "jeffrey", "ryan", "jacob", "gary", "nicholas", "eric", "jonathan", "stephen", "larry",
		"justin", "scott", "brandon", "benjamin", "samuel", "gregory", "alexander", "patrick", "tyler",
		"dennis", "jerry", "aaron", "adam", "nathan", "henry", "peter", "zachary", "kyle", "noah",
		"ethan", "jeremy", "sean", "will", "bob", "bobby", "mike", "tom", "tim", "dave", "steve", "jim",
		"joe", "ben", "sam", "alex", "chris", "nick", "pat", "jack", "harry", "oliver", "liam", "lucas",
		"mason", "logan", "elijah", "mary", "patricia", "jennifer", "linda", "elizabeth", "barbara",
		"susan", "jessica", "sarah", "karen", "lisa", "nancy", "betty", "margaret", "sandra", "ashley",
		"kimberly", "emily", "donna", "michelle", "carol", "amanda", "dorothy", "melissa", "deborah",
		"stephanie", "rebecca", "sharon", "laura", "cynthia", "kathleen", "amy", "angela", "shirley",
		"anna", "brenda", "pamela", "emma", "nicole", "helen", "samantha", "katherine", "christine",
		"debra", "rachel", "carolyn", "janet", "catherine", "maria", "heather", "diane", "olivia",
		"julie", "joyce", "victoria", "kelly", "christina", "lauren", "joan", "evelyn", "judith",
		"megan", "andrea", "cheryl", "hannah", "jacqueline", "martha", "gloria", "teresa", "ann", "sara",
		"madison", "frances", "kathryn", "janice", "jean", "abigail", "alice", "judy", "sophia",
		"isabella", "charlotte", "ava", "mia", "amelia", "harper", "ella", "chloe", "lily", "zoe",
		"nora", "leah", "eve", "mallory", "trent", "priya", "rahul", "amit", "ananya", "arjun", "aditya",
		"rohan", "vikram", "sanjay", "suresh", "ramesh", "deepak", "anil", "sunil", "raj", "ravi",
		"vijay", "ajay", "neha", "pooja", "divya", "kavya", "lakshmi", "sneha", "aarav", "vivaan",
		"ishaan", "krishna", "meera", "sita", "asha", "anita", "sunita", "kiran", "nikhil", "pranav",
		"karthik", "siddharth", "wei", "jing", "ming", "hui", "lei", "jun", "hao", "fang", "ling", "xin",
		"tao", "yuki", "hiroshi", "takashi", "kenji", "haruto", "yuto", "sota", "akira", "naoki", "yui",
		"hana", "sakura", "aoi", "rin", "yuna", "kaito", "daiki", "minjun", "seoyeon", "jiwoo", "hyun",
		"jisoo", "minho", "carlos", "juan", "jose", "josé", "luis", "miguel", "javier", "diego",
		"alejandro", "pablo", "sergio", "jorge", "manuel", "antonio", "francisco", "pedro", "rafael",
		"fernando", "ricardo", "lucia", "lucía", "sofia", "sofía", "valentina", "camila", "isabel",
		"carmen", "elena", "paula", "marta", "ana", "beatriz", "joão", "joao", "thiago", "mateo",
		"santiago", "gabriel", "pierre", "louis", "antoine", "nicolas", "julien", "mathieu", "camille",
		"chloé", "léa", "manon", "élodie", "françois", "francois", "amélie", "hans", "jürgen", "juergen",
		"klaus", "stefan", "wolfgang", "uwe", "lukas", "jonas", "felix", "leon", "finn", "lena", "lea",
		"anja", "katrin", "ingrid", "sven", "lars", "erik", "nils", "björn", "bjorn", "astrid", "freya",
		"sigrid", "daan", "sanne", "giulia", "marco", "luca", "matteo", "alessandro", "francesca",
		"chiara", "giovanni", "giuseppe", "paolo", "ivan", "dmitri", "dmitry", "sergei", "sergey",
		"olga", "natasha", "tatiana", "anastasia", "aleksandr", "alexei", "pavel", "piotr", "katarzyna",
		"agnieszka", "tomasz", "marek", "vlad", "mohammed", "muhammad", "mohamed", "ahmed", "ali",
		"omar", "hassan", "hussein", "fatima", "aisha", "layla", "yusuf", "ibrahim", "khalid", "mustafa",
		"mehmet", "emre", "ayse", "reza", "zahra", "leila", "tariq", "nadia", "yasmin", "aaliyah",
		"chidi", "ngozi", "emeka", "adebayo", "oluwaseun", "sipho", "thabo", "kwame", "kofi", "ama",
		"amara", "chinwe", "tunde", "femi", "zanele", "cassandra", "ruby", "julia", "travis", "hugo",
		"ada", "ray", "alexa", "siri", "jasmine", "crystal", "ivy", "amber", "jade", "django", "hudson",
		"gerrit", "luigi", "alfred", "maya", "otto", "sage", "nova":
		return true
	}
	return false
}

// isToolName reports tools and products whose names are also first names
// ("Travis", "Cassandra", "Hugo", "Gerrit"), plus tools that people write
// capitalised as the subject of a sentence ("Jenkins failed the build").
// These never count as a person.
func isToolName(w string) bool {
	switch w {
	case "cassandra", "ruby", "julia", "travis", "hugo", "ada", "ray", "alexa", "siri", "jasmine",
		"crystal", "ivy", "amber", "jade", "django", "hudson", "gerrit", "luigi", "alfred", "maya",
		"otto", "sage", "nova", "jenkins", "grafana", "kibana", "prometheus", "sentry", "kafka":
		return true
	}
	return false
}
