package workflow

import (
	"math"
	"strings"
	"unicode"
)

// SimilarThreshold is the Similarity at or above which a new node is said to
// look like a past core cause. It was chosen from the pairs in
// similar_test.go: rewordings of one cause score 0.8 or more, while
// different causes from the same incident, which share words such as
// "staging" or "payment", reach at most 0.55; 0.65 sits between the two.
const SimilarThreshold = 0.65

// Similarity scores how alike two node texts are, from 0 (no content word in
// common) to 1 (the same content words). It is the cosine similarity of the
// two sets of Tokens (|A∩B| / √(|A|·|B|)), which, unlike Jaccard, does not
// punish a restatement that only adds a qualifier or two. A text with no
// content words scores 0 against anything. The result is symmetric.
func Similarity(a, b string) float64 {
	ta, tb := Tokens(a), Tokens(b)
	if len(ta) == 0 || len(tb) == 0 {
		return 0
	}
	set := make(map[string]bool, len(ta))
	for _, t := range ta {
		set[t] = true
	}
	common := 0
	for _, t := range tb {
		if set[t] {
			common++
		}
	}
	return float64(common) / math.Sqrt(float64(len(ta))*float64(len(tb)))
}

// Tokens returns the distinct content words of text in order of first
// appearance, normalised for matching and indexing: lower-cased, split on
// anything that is not a letter or digit (so "KPI's" and "on-call" split),
// stop words and single letters dropped, and lightly stemmed so that plural
// and tense forms meet ("KPIs" → "kpi"; "queries", "queried" → "query"; "measured",
// "measuring", "measures" → "measur"). Stems are not words and are meant only
// to be compared with other Tokens.
func Tokens(text string) []string {
	fields := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	seen := make(map[string]bool, len(fields))
	var out []string
	for _, f := range fields {
		if isStopWord(f) || (len([]rune(f)) == 1 && !unicode.IsDigit([]rune(f)[0])) {
			continue
		}
		s := stem(f)
		if s == "" || seen[s] {
			continue
		}
		seen[s] = true
		out = append(out, s)
	}
	return out
}

// stem strips a plural or tense ending, undoubles a final consonant and
// drops a final "e", keeping at least three letters and a vowel so that
// "string", "speed" and "bus" survive. It only has to be consistent, not
// linguistically right.
func stem(w string) string {
	switch {
	case len(w) > 4 && (strings.HasSuffix(w, "ies") || strings.HasSuffix(w, "ied")):
		w = w[:len(w)-3] + "y"
	case strings.HasSuffix(w, "sses") || strings.HasSuffix(w, "xes") || strings.HasSuffix(w, "ches") || strings.HasSuffix(w, "shes"):
		w = w[:len(w)-2]
	case strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") && !strings.HasSuffix(w, "us") && !strings.HasSuffix(w, "sis") && !strings.HasSuffix(w, "xis") && len(w) > 3:
		w = w[:len(w)-1]
	case strings.HasSuffix(w, "ing"):
		w = trimIfStem(w, "ing")
	case strings.HasSuffix(w, "ed") && !strings.HasSuffix(w, "eed") && !isEdNoun(w):
		w = trimIfStem(w, "ed")
	}
	w = undouble(w)
	if len(w) > 3 && strings.HasSuffix(w, "e") {
		w = w[:len(w)-1]
	}
	return w
}

// trimIfStem removes suffix when what remains has three letters or more and a vowel.
func trimIfStem(w, suffix string) string {
	rest := w[:len(w)-len(suffix)]
	if len(rest) < 3 || !strings.ContainsAny(rest, "aeiouy") {
		return w
	}
	return rest
}

// undouble turns a final double consonant other than l, s and z into one:
// "stopp" → "stop", "add" → "ad", while "call", "miss" stay.
func undouble(w string) string {
	n := len(w)
	if n < 3 || w[n-1] != w[n-2] || w[n-1] > unicode.MaxASCII || strings.IndexByte("aeiouylsz", w[n-1]) >= 0 {
		return w
	}
	if c := w[n-1]; c < 'a' || c > 'z' {
		return w // "100" stays
	}
	return w[:n-1]
}

// isStopWord reports English function words, which carry no meaning of
// their own for matching. "no" and "not" are among them: negation rarely
// separates two past causes, and keeping it would split "no circuit
// breaker" from "missing circuit breaker".
func isStopWord(w string) bool {
	switch w {
	case "a", "an", "the", "and", "or", "but", "nor", "of", "to", "in", "on", "at", "for", "with", "by",
		"from", "into", "onto", "over", "under", "about", "as", "than", "then", "so", "too", "very",
		"is", "are", "was", "were", "be", "been", "being", "am", "has", "have", "had", "having", "do",
		"does", "did", "doing", "can", "could", "will", "would", "shall", "should", "may", "might",
		"must", "it", "its", "this", "that", "these", "those", "there", "here", "their", "they",
		"them", "we", "our", "us", "you", "your", "he", "she", "his", "her", "i", "me", "my", "which",
		"who", "whom", "what", "when", "where", "why", "how", "all", "any", "some", "no", "not", "only",
		"own", "same", "such", "each", "every", "other", "more", "most", "also", "just", "if", "because",
		"while", "during", "before", "after", "again", "once", "out", "up", "down", "off", "s", "t",
		"don", "doesn", "didn", "isn", "aren", "wasn", "weren", "won", "can't", "cannot":
		return true
	}
	return false
}
