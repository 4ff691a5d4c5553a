package workflow_test

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/untangle-rca/untangle/tree"
	"github.com/untangle-rca/untangle/workflow"
)

func hintCodes(hints []workflow.Hint) []string {
	var codes []string
	for _, h := range hints {
		codes = append(codes, h.Code)
	}
	return codes
}

func TestCheckWording(t *testing.T) {
	const (
		q   = workflow.HintQuestion
		ms  = workflow.HintMissingSolution
		cw  = workflow.HintCausalWords
		two = workflow.HintTwoIdeas
		sp  = workflow.HintSpeculation
	)
	tests := []struct {
		name string
		kind tree.Kind
		text string
		want []string
	}{
		// Clean statements, among them the UDEs and causes of the sample tree.
		{name: "sample UDE outage", kind: tree.KindUDE, text: "The core payment routing service was down for 45 minutes"},
		{name: "sample UDE alert", kind: tree.KindUDE, text: "The monitoring system took 15 minutes to fire an alert"},
		{name: "sample UDE runbooks", kind: tree.KindUDE, text: "The on-call engineer had to read 3 outdated runbooks to find the rollback script"},
		{name: "since as time", kind: tree.KindCause, text: "Alert thresholds have not been reviewed since launch"},
		{name: "since monday", kind: tree.KindUDE, text: "Error rates have doubled since Monday"},
		{name: "noun list with and", kind: tree.KindUDE, text: "Latency and error rate are high on checkout"},
		{name: "shared subject predicates", kind: tree.KindUDE, text: "The DB is slow and overloaded"},
		{name: "could not is observed", kind: tree.KindUDE, text: "The app could not connect to the database"},
		{name: "capitalised May is a month", kind: tree.KindUDE, text: "Invoices from May show double charges"},
		{name: "no longer", kind: tree.KindUDE, text: "Receipts are no longer emailed"},
		{name: "question mark inside URL", kind: tree.KindUDE, text: "GET /orders?id=1 returns 500"},
		{name: "when clause statement", kind: tree.KindUDE, text: "When the cache is cold, checkout takes 9 seconds"},
		{name: "empty", kind: tree.KindUDE, text: "   "},
		{name: "punctuation only", kind: tree.KindUDE, text: "?!"},
		{name: "cause with no is fine", kind: tree.KindCause, text: "No circuit breaker is configured"},
		{name: "cause missing is fine", kind: tree.KindPremise, text: "The index on orders.created_at is missing"},
		{name: "cause and is fine", kind: tree.KindCause, text: "Microservices cascade fail and the payment API times out"},
		{name: "injection lack is fine", kind: tree.KindInjection, text: "Add a breaker so the lack of DB capacity is contained"},

		// Questions.
		{name: "question mark", kind: tree.KindUDE, text: "The queue grows during peaks?", want: []string{q}},
		{name: "why question", kind: tree.KindUDE, text: "Why does the queue grow during peaks", want: []string{q}},
		{name: "is there question", kind: tree.KindUDE, text: "Is there a limit on retries", want: []string{q}},
		{name: "question on cause", kind: tree.KindCause, text: "How did the bad config reach production", want: []string{q}},
		{name: "question on injection", kind: tree.KindInjection, text: "Should we add a canary stage?", want: []string{q}},
		{name: "question in quotes", kind: tree.KindDesiredEffect, text: `Users no longer ask "is it down?"`, want: []string{q}},

		// Missing solutions.
		{name: "no X", kind: tree.KindUDE, text: "There is no circuit breaker", want: []string{ms}},
		{name: "lack of", kind: tree.KindUDE, text: "Lack of monitoring on the payment queue", want: []string{ms}},
		{name: "missing X", kind: tree.KindUDE, text: "Missing alerts for disk usage", want: []string{ms}},
		{name: "X is missing", kind: tree.KindUDE, text: "The rollback button is missing", want: []string{ms}},
		{name: "insufficient", kind: tree.KindUDE, text: "Insufficient test coverage of the billing code", want: []string{ms}},
		{name: "not enough", kind: tree.KindUDE, text: "Not enough replicas serve peak traffic", want: []string{ms}},
		{name: "lack of on cause", kind: tree.KindCause, text: "Lack of canary deploys", want: []string{ms}},
		{name: "lacks on premise", kind: tree.KindPremise, text: "The pipeline lacks a canary stage", want: []string{ms}},
		{name: "absence of", kind: tree.KindCause, text: "Absence of load tests before release", want: []string{ms}},

		// Causal words.
		{name: "because", kind: tree.KindUDE, text: "Checkout failed because the DB pool was exhausted", want: []string{cw}},
		{name: "due to", kind: tree.KindUDE, text: "Payments were delayed due to a slow query", want: []string{cw}},
		{name: "caused by", kind: tree.KindCause, text: "Timeouts caused by a slow query", want: []string{cw}},
		{name: "as a result of", kind: tree.KindCause, text: "Pods restart as a result of memory pressure", want: []string{cw}},
		{name: "causal since", kind: tree.KindUDE, text: "Checkout is slow since the cache was flushed", want: []string{cw}},
		{name: "leads to", kind: tree.KindPremise, text: "A full disk leads to write errors", want: []string{cw}},

		// Two ideas.
		{name: "two clauses", kind: tree.KindUDE, text: "The cache is cold and the DB is overloaded", want: []string{two}},
		{name: "two clauses verbs", kind: tree.KindUDE, text: "Microservices cascade fail and the payment API times out", want: []string{two}},
		{name: "third and", kind: tree.KindUDE, text: "Latency and error rates rose and the pager fires twice", want: []string{two}},

		// Speculation.
		{name: "might", kind: tree.KindUDE, text: "Customers might see duplicate charges", want: []string{sp}},
		{name: "will", kind: tree.KindUDE, text: "The disk will fill up by Friday", want: []string{sp}},
		{name: "probably", kind: tree.KindUDE, text: "Refunds are probably delayed", want: []string{sp}},
		{name: "speculation only on UDE", kind: tree.KindCause, text: "The disk will fill up by Friday"},

		// Several at once, in the documented order.
		{name: "question and causal", kind: tree.KindUDE, text: "Why did checkout fail because of the DB?", want: []string{q, cw}},
		{name: "all but question", kind: tree.KindUDE, text: "No retries happen and the queue might overflow because the DB is slow", want: []string{ms, cw, two, sp}},
		{name: "unknown kind gets question only", kind: tree.Kind("other"), text: "Why is there no breaker?", want: []string{q}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := hintCodes(workflow.CheckWording(tt.kind, tt.text))
			if !slices.Equal(got, tt.want) {
				t.Errorf("CheckWording(%s, %q) codes = %v, want %v", tt.kind, tt.text, got, tt.want)
			}
		})
	}
}

func TestCheckWordingMessages(t *testing.T) {
	tests := []struct {
		name  string
		kind  tree.Kind
		text  string
		quote string // the part of the text the message must quote back
	}{
		{name: "no phrase quoted", kind: tree.KindUDE, text: "There is no circuit breaker", quote: `"no circuit breaker"`},
		{name: "missing quoted with subject", kind: tree.KindUDE, text: "The rollback button is missing", quote: `"button is missing"`},
		{name: "lack of on cause", kind: tree.KindCause, text: "Lack of canary deploys", quote: `"Lack of canary deploys"`},
		{name: "causal word quoted", kind: tree.KindUDE, text: "Payments were delayed due to a slow query", quote: `"due to"`},
		{name: "two sides quoted", kind: tree.KindUDE, text: "The cache is cold and the DB is overloaded", quote: `"the DB is overloaded"`},
		{name: "speculation quoted", kind: tree.KindUDE, text: "Customers might see duplicate charges", quote: `"might"`},
		{name: "long quote is cut", kind: tree.KindUDE, text: "No " + strings.Repeat("verylongword", 20) + " exists", quote: "…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hints := workflow.CheckWording(tt.kind, tt.text)
			if len(hints) != 1 {
				t.Fatalf("CheckWording(%q) = %d hints, want 1: %v", tt.text, len(hints), hints)
			}
			msg := hints[0].Message
			if !strings.Contains(msg, tt.quote) {
				t.Errorf("message %q does not quote %s", msg, tt.quote)
			}
			if n := utf8.RuneCountInString(msg); n > workflow.MaxHintRunes {
				t.Errorf("message has %d runes, want ≤ %d: %q", n, workflow.MaxHintRunes, msg)
			}
		})
	}
}

func TestCheckBlame(t *testing.T) {
	tests := []struct {
		name   string
		text   string
		reason string // a substring of one reason; "" means the text must be clean
	}{
		// Mentions.
		{name: "user mention made plain", text: "@someone deployed the hotfix", reason: "mentions a person (@someone)"},
		{name: "labelled mention made plain", text: "Deploy approved by @ana", reason: "mentions a person (@ana)"},
		{name: "typed handle", text: "Config was changed by @ana.lopez", reason: "(@ana.lopez)"},
		{name: "here is not a person", text: "The alert pinged @here 40 times"},
		{name: "email is not a mention", text: "Alerts go to ops@example.com which nobody reads"},
		{name: "handle at sentence end", text: "The flag was flipped by @ana.", reason: "(@ana)"},
		{name: "java annotation", text: "The @Transactional annotation is missing on the writer"},
		{name: "npm scope", text: "Bumping @types/node broke the build"},
		{name: "python decorator", text: "The @retry decorator hides connection errors"},
		{name: "decorator call", text: "Routes under @app.route( skip auth"},
		{name: "handle starting with digit", text: "Icons are served @2x to every client"},
		{name: "channel mention is not a user", text: "Pages go to <!channel> instead of on-call"},

		// Placeholders.
		{name: "engineer A", text: "Engineer A pushed the config", reason: `"Engineer A"`},
		{name: "dev B lower role", text: "The change from dev B skipped review", reason: `"dev B"`},
		{name: "operator number", text: "Operator 2 restarted the wrong node", reason: `"Operator 2"`},
		{name: "the intern", text: "The intern ran the migration on prod", reason: `"The intern"`},
		{name: "the new hire", text: "Access was given to the new hire on day one", reason: `"the new hire"`},
		{name: "new developer portal", text: "The new developer portal hides the status page"},
		{name: "junior dev", text: "Prod access is granted to a junior dev on day one", reason: `"a junior dev"`},
		{name: "engineer a is an article", text: "Nobody can engineer a fix without prod access"},
		{name: "engineering KPIs", text: "Engineering KPIs measure speed"},

		// Names as actors.
		{name: "name then past tense", text: "Bob deployed on Friday evening", reason: `"Bob deployed"`},
		{name: "possessive name", text: "Priya's change removed the index", reason: `"Priya's"`},
		{name: "curly possessive", text: "Priya’s change removed the index", reason: `"Priya’s"`},
		{name: "name after by", text: "The rollback was approved by Carlos", reason: `"by Carlos"`},
		{name: "name adverb verb", text: "Mohammed accidentally dropped the table", reason: `"Mohammed accidentally"`},
		{name: "international name", text: "Yuki forgot the feature flag", reason: "Yuki"},
		{name: "accented name", text: "José merged without a review", reason: `"José merged"`},
		{name: "title and surname", text: "Dr Smith approved the change", reason: `"Smith approved"`},
		{name: "pronoun actor", text: "He restarted the primary by hand", reason: `"He restarted"`},
		{name: "someone actor", text: "Someone deleted the backups bucket", reason: `"Someone deleted"`},
		{name: "name as system", text: "The payment API has no fallback when the Bob service times out"},
		{name: "lower case will", text: "The queue will overflow at peak"},
		{name: "lower case mark", text: "Engineers mark nodes as done without checks"},
		{name: "capitalised Will modal", text: "Will the queue overflow at peak"},
		{name: "Mark as a verb at start", text: "Mark the node as unverified"},
		{name: "name without action", text: "Alice and the billing team share one on-call rotation"},
		{name: "tool Jenkins", text: "Jenkins failed to deploy the build"},
		{name: "tool Grafana possessive", text: "Grafana's alert rules were never reviewed"},
		{name: "tool that is a name", text: "Travis stopped running the integration tests"},
		{name: "tool Cassandra", text: "Cassandra's compaction blocked writes"},
		{name: "hyphenated title", text: "Sergeant-at-arms config was reverted"},
		{name: "by a system name", text: "Traffic was routed by Ada service"},

		// Blame words.
		{name: "human error", text: "The outage was human error", reason: `"human error"`},
		{name: "human error budget", text: "The human error budget policy was undefined"},
		{name: "careless", text: "A careless config change took down DNS", reason: `"careless"`},
		{name: "should have", text: "The reviewer should have caught the typo", reason: `"should have"`},
		{name: "should have on system", text: "The alert should have fired earlier", reason: `"should have"`},
		{name: "fault of", text: "It was the fault of the DBA", reason: `"fault of"`},
		{name: "negligence", text: "Negligence in the release process", reason: `"Negligence"`},
		{name: "forgot to", text: "Bob forgot to renew the cert", reason: `"forgot"`},
		{name: "failed to with person", text: "The on-call engineer failed to acknowledge the page", reason: `"engineer failed to"`},
		{name: "failed to with system", text: "The failover script failed to run"},
		{name: "failed to with k8s operator", text: "The Postgres operator failed to promote the replica"},
		{name: "failed to with role as modifier", text: "The admin API failed to respond"},
		{name: "failed to with placeholder", text: "The change by Engineer B also failed to pass review", reason: `"Engineer B also failed to"`},
		{name: "failed to after adverb", text: "The reviewers repeatedly failed to spot the typo", reason: `"reviewers repeatedly failed to"`},
		{name: "failed to with name", text: "Priya failed to rotate the keys", reason: `"Priya failed to"`},
		{name: "we failed to", text: "We failed to test the rollback", reason: `"We failed to"`},
		{name: "incompetent", text: "Incompetent vendor support delayed the fix", reason: `"Incompetent"`},
		{name: "sloppy", text: "Sloppy code review let the bug through", reason: `"Sloppy"`},
		{name: "blame", text: "Ops takes the blame for every outage", reason: `"blame"`},
		{name: "git blame", text: "Finding the change needs git blame on 40 files"},
		{name: "blameless", text: "Blameless reviews are not yet a habit"},
		{name: "mistake by", text: "A mistake by the DBA dropped the index", reason: `"mistake by"`},
		{name: "didn't bother", text: "Nobody didn't bother to read the runbook", reason: `"didn't bother"`},
		{name: "fault tolerance", text: "Fault tolerance of the queue was never tested"},

		// Plain conditions.
		{name: "alerts fire", text: "Alerts fire after 15 minutes"},
		{name: "no canary", text: "The deploy pipeline has no canary stage"},
		{name: "sample KPI cause", text: "The organizational KPIs measure delivery speed and ignore engineering quality"},
		{name: "sample runbook cause", text: "Nobody owns runbook upkeep"},
		{name: "sample on-call UDE", text: "The on-call engineer had to read 3 outdated runbooks to find the rollback script"},
		{name: "sample deadline cause", text: "The load testing phase was skipped to meet a product deadline"},
		{name: "capital letter tag without role", text: "Plan A failed to hold under load"},
		{name: "all caps name", text: "BOB DEPLOYED ON FRIDAY"},
		{name: "empty", text: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := workflow.CheckBlame(tt.text)
			switch {
			case tt.reason == "" && got != nil:
				t.Errorf("CheckBlame(%q) = %+v, want nil", tt.text, got)
			case tt.reason != "" && got == nil:
				t.Errorf("CheckBlame(%q) = nil, want a reason with %s", tt.text, tt.reason)
			case tt.reason != "":
				if !slices.ContainsFunc(got.Reasons, func(r string) bool { return strings.Contains(r, tt.reason) }) {
					t.Errorf("CheckBlame(%q).Reasons = %q, want one with %s", tt.text, got.Reasons, tt.reason)
				}
				if got.Suggestion == "" {
					t.Errorf("CheckBlame(%q) has no suggestion", tt.text)
				}
			}
		})
	}
}

func TestCheckBlameSuggestion(t *testing.T) {
	tests := []struct {
		name string
		text string
		want string
	}{
		{name: "forgot to renew", text: "Bob forgot to renew the cert", want: `"Renewing the cert depends on a person remembering it"`},
		{name: "forgot to run doubles", text: "The intern forgot to run the backfill", want: `"Running the backfill depends`},
		{name: "forgot to rotate drops e", text: "Ana forgot to rotate the keys", want: `"Rotating the keys depends`},
		{name: "failed to with person", text: "Engineer A failed to update the DNS record", want: `"Updating the DNS record depends on one person, and nothing checks that it happened"`},
		{name: "should have", text: "Priya should have checked the dashboard", want: `what made "checked the dashboard" hard to see`},
		{name: "human error", text: "Root cause: human error", want: "Name what made the slip easy"},
		{name: "name only", text: "Bob deployed on Friday evening", want: "rather than who did it"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := workflow.CheckBlame(tt.text)
			if got == nil {
				t.Fatalf("CheckBlame(%q) = nil, want a finding", tt.text)
			}
			if !strings.Contains(got.Suggestion, tt.want) {
				t.Errorf("CheckBlame(%q).Suggestion = %q, want it to contain %q", tt.text, got.Suggestion, tt.want)
			}
			if !strings.Contains(got.Suggestion, "systemic condition") {
				t.Errorf("suggestion %q does not ask for the systemic condition", got.Suggestion)
			}
		})
	}
}

func TestCheckBlameReasonsAreDistinct(t *testing.T) {
	tests := []struct {
		name string
		text string
		want int
	}{
		{name: "name and blame words", text: "Bob forgot to renew the cert, human error", want: 2},
		{name: "mention placeholder name blame", text: "@someone and Engineer A said Priya's careless change broke it", want: 4},
		{name: "one reason once", text: "Human error, human error, human error", want: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := workflow.CheckBlame(tt.text)
			if got == nil || len(got.Reasons) != tt.want {
				t.Fatalf("CheckBlame(%q) = %+v, want %d reasons", tt.text, got, tt.want)
			}
			if len(slices.Compact(slices.Sorted(slices.Values(got.Reasons)))) != len(got.Reasons) {
				t.Errorf("reasons repeat: %q", got.Reasons)
			}
		})
	}
}

// fuzzSeeds are texts that exercise every rule, plus awkward input.
var fuzzSeeds = []string{
	"", "?", "and", "no", "by", "<@", "<@U", "@", "a@", "Bob's", "'s", "-", "--a--",
	"Bob forgot to renew the cert",
	"Engineer A failed to update the DNS record because the DB might be slow and the cache is cold",
	"Why is there no breaker?", "Lack of", "since", "forgot to", "should have", "failed to",
	"Priya’s change", "Dr", "the new", "\xff\xfe invalid utf-8", "é\u0301 combining",
	strings.Repeat("Bob deployed and the cache is cold because ", 500),
	strings.Repeat("x", 100000),
}

func FuzzCheckWording(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		for _, kind := range tree.Kinds {
			seen := map[string]bool{}
			for _, h := range workflow.CheckWording(kind, text) {
				if h.Code == "" || seen[h.Code] {
					t.Fatalf("CheckWording(%s, %q): empty or repeated code %q", kind, text, h.Code)
				}
				seen[h.Code] = true
				if n := utf8.RuneCountInString(h.Message); n == 0 || n > workflow.MaxHintRunes {
					t.Fatalf("CheckWording(%s, %q): message of %d runes", kind, text, n)
				}
			}
		}
	})
}

func FuzzCheckBlame(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		got := workflow.CheckBlame(text)
		if got == nil {
			return
		}
		if len(got.Reasons) == 0 || got.Suggestion == "" {
			t.Fatalf("CheckBlame(%q) = %+v: a finding needs reasons and a suggestion", text, got)
		}
	})
}

func BenchmarkCheckWording(b *testing.B) {
	text := "No retries happen and the queue might overflow because the DB is slow"
	for b.Loop() {
		workflow.CheckWording(tree.KindUDE, text)
	}
}

func BenchmarkCheckBlame(b *testing.B) {
	text := "The on-call engineer failed to acknowledge the page after Bob deployed the change"
	for b.Loop() {
		workflow.CheckBlame(text)
	}
}
