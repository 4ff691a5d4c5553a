package workflow

// Blame vocabulary ("human error", "forgot to"), the systemic restatement
// suggested in its place, and the word lists that tell people from tools.

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// blameWords finds blame vocabulary. It returns the phrase found (lower
// case, for the suggestion) and a reason, or two empty strings.
func blameWords(words []word) (phrase, reason string) {
	lw := lowers(words)
	for i := range lw {
		for _, p := range blamePhraseList {
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

// blamePhraseList is blamePhrases, built once: every node text is checked.
var blamePhraseList = blamePhrases()

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
