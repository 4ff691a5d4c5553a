package workflow_test

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/untangle-rca/untangle/workflow"
)

func TestTokens(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []string
	}{
		{name: "stop words and case", text: "The DB is slow", want: []string{"db", "slow"}},
		{name: "plural and possessive", text: "KPIs and KPI's", want: []string{"kpi"}},
		{name: "ies and ied", text: "queries, queried, query", want: []string{"query"}},
		{name: "tense forms meet", text: "measured measuring measures measure", want: []string{"measur"}},
		{name: "doubled consonant", text: "stopped stopping stop", want: []string{"stop"}},
		{name: "es plurals", text: "boxes box caches cache", want: []string{"box", "cach"}},
		{name: "words kept whole", text: "string speed status bus analysis", want: []string{"string", "speed", "status", "bus", "analysis"}},
		{name: "ll and ss kept", text: "called calls missed", want: []string{"call", "miss"}},
		{name: "punctuation splits", text: "on-call (pager) #12: orders.created_at", want: []string{"call", "pager", "12", "order", "creat"}},
		{name: "digits kept", text: "15 minutes, 5 retries", want: []string{"15", "minut", "5", "retry"}},
		{name: "single letters dropped", text: "plan B", want: []string{"plan"}},
		{name: "non latin", text: "Платёжный сервис недоступен", want: []string{"платёжный", "сервис", "недоступен"}},
		{name: "empty", text: "  ", want: nil},
		{name: "only stop words", text: "it was not the one", want: []string{"one"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := workflow.Tokens(tt.text); !slices.Equal(got, tt.want) {
				t.Errorf("Tokens(%q) = %q, want %q", tt.text, got, tt.want)
			}
		})
	}
}

func TestSimilarity(t *testing.T) {
	tests := []struct {
		name  string
		a, b  string
		match bool // want Similarity ≥ SimilarThreshold
	}{
		// Restatements of one cause.
		{name: "KPI cause with qualifiers", match: true,
			a: "KPIs measure delivery speed and ignore quality",
			b: "The organizational KPIs measure delivery speed and ignore engineering quality"},
		{name: "breaker word order", match: true,
			a: "No circuit breaker is configured for DB calls",
			b: "DB calls have no circuit breaker configured"},
		{name: "pool exhausted tense and plural", match: true,
			a: "A slow SQL query exhausts the database connection pool",
			b: "Slow SQL queries exhausted the database connection pool"},
		{name: "cert renewal", match: true,
			a: "Certificate renewal depends on a person remembering it",
			b: "Certificate renewal depends on someone remembering"},
		{name: "staging data", match: true,
			a: "The staging environment has only 1% of production data volume",
			b: "Staging has 1% of the production data volume"},
		{name: "load tests skipped", match: true,
			a: "The load testing phase was skipped to meet a product deadline",
			b: "Load testing was skipped to meet the deadline"},
		{name: "runbook ownership", match: true,
			a: "Nobody owns runbook upkeep",
			b: "Nobody owns the upkeep of runbooks"},
		{name: "alert thresholds", match: true,
			a: "Alert thresholds have not been reviewed since launch",
			b: "Alert thresholds were never reviewed after launch"},

		// Different causes, often from the same incident and sharing words.
		{name: "KPI vs pool", a: "KPIs measure delivery speed and ignore quality", b: "A slow SQL query exhausts the DB pool"},
		{name: "pool vs failover", a: "The DB connection pool is too small", b: "The DB failover script is untested"},
		{name: "alerts late vs alerts misrouted", a: "Alerts fire after 15 minutes", b: "Alerts are routed to an unmonitored channel"},
		{name: "payment timeout vs rate limit", a: "Payment API times out under load", b: "Payment API has no rate limit"},
		{name: "breaker vs retries", a: "The business layer has no circuit breaker configured", b: "The business layer retries every failed call three times"},
		{name: "staging data vs staging config", a: "The staging environment has only 1% of production data volume", b: "The staging environment config differs from production"},
		{name: "resilience vs runbooks", a: "Resilience work never wins against feature work in planning", b: "Nobody owns runbook upkeep"},
		{name: "only stop words", a: "It is what it is", b: "It is what it is"},
		{name: "empty", a: "", b: "Nobody owns runbook upkeep"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ab, ba := workflow.Similarity(tt.a, tt.b), workflow.Similarity(tt.b, tt.a)
			if ab != ba {
				t.Errorf("Similarity not symmetric: %v one way, %v the other", ab, ba)
			}
			if ab < 0 || ab > 1 {
				t.Errorf("Similarity = %v, outside [0,1]", ab)
			}
			t.Logf("%.3f %s", ab, tt.name)
			if got := ab >= workflow.SimilarThreshold; got != tt.match {
				t.Errorf("Similarity(%q, %q) = %.3f; match = %v, want %v (threshold %.2f)",
					tt.a, tt.b, ab, got, tt.match, workflow.SimilarThreshold)
			}
		})
	}
}

func TestSimilarityIdentical(t *testing.T) {
	tests := []struct {
		name string
		text string
	}{
		{name: "plain", text: "Nobody owns runbook upkeep"},
		{name: "repeated words", text: "retries retries retried"},
		{name: "non latin", text: "Платёжный сервис недоступен"},
		{name: "long", text: strings.Repeat("the queue grows under load ", 100)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := workflow.Similarity(tt.text, tt.text); math.Abs(got-1) > 1e-12 {
				t.Errorf("Similarity(x, x) = %v, want 1", got)
			}
			if got := workflow.Similarity(tt.text, strings.ToUpper(tt.text)+"!"); math.Abs(got-1) > 1e-12 {
				t.Errorf("Similarity ignores case and punctuation: got %v, want 1", got)
			}
		})
	}
}

func FuzzSimilarity(f *testing.F) {
	f.Add("KPIs measure delivery speed", "The KPIs measure speed")
	f.Add("", "x")
	f.Add("\xff\xfe", "ß straße STRASSE")
	f.Add(strings.Repeat("ab cd ", 10000), "ab")
	f.Fuzz(func(t *testing.T, a, b string) {
		ab, ba := workflow.Similarity(a, b), workflow.Similarity(b, a)
		if ab != ba || ab < 0 || ab > 1+1e-12 || math.IsNaN(ab) {
			t.Fatalf("Similarity(%q, %q) = %v, reversed %v", a, b, ab, ba)
		}
		if len(workflow.Tokens(a)) > 0 && math.Abs(workflow.Similarity(a, a)-1) > 1e-12 {
			t.Fatalf("Similarity(%q, itself) = %v, want 1", a, workflow.Similarity(a, a))
		}
	})
}

func BenchmarkSimilarity(b *testing.B) {
	x := "The organizational KPIs measure delivery speed and ignore engineering quality"
	y := "KPIs measure delivery speed and ignore quality"
	for b.Loop() {
		workflow.Similarity(x, y)
	}
}
