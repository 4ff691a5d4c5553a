package tree_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/untangle-rca/untangle/tree"
)

func TestDesirableWording(t *testing.T) {
	tests := []struct{ symptom, want string }{
		{"The core payment routing service was down for 45 minutes", "The core payment routing service stays up"},
		{"The checkout pods were down", "The checkout pods stay up"},
		{"The monitoring system took 15 minutes to fire an alert", "The monitoring system is quick to fire an alert"},
		{"The on-call engineer had to read 3 outdated runbooks to find the rollback script", "The on-call engineer can find the rollback script directly"},
		{"The payment API times out under load", "The payment API responds in time under load"},
		{"Checkout fails for EU cards", "Checkout succeeds for EU cards"},
		{"The business layer has no circuit breaker configured", "The business layer has a circuit breaker configured"},
		{"Alert thresholds have not been reviewed since launch", "Alert thresholds have been reviewed since launch"},
		{"Deploys never run the canary stage", "Deploys always run the canary stage"},
		{"The backup job cannot reach the bucket", "The backup job can reach the bucket"},
		{"Runbooks are outdated ", "Runbooks are up-to-date"},
		{"Customers see errors", "No longer: Customers see errors"},
		{"決済が失敗した", "No longer: 決済が失敗した"},
		{"İİİ Deploys Never run", "İİİ Deploys always run"},
	}
	for _, tt := range tests {
		t.Run(tt.symptom, func(t *testing.T) {
			if got := tree.DesirableWording(tt.symptom); got != tt.want {
				t.Errorf("DesirableWording(%q) = %q, want %q", tt.symptom, got, tt.want)
			}
		})
	}
	long := strings.Repeat("x", tree.MaxTextRunes)
	if got := tree.DesirableWording(long); utf8.RuneCountInString(got) != tree.MaxTextRunes || !strings.HasPrefix(got, tree.DesiredPrefix) {
		t.Errorf("a longest symptom gives %d runes: %q", utf8.RuneCountInString(got), got)
	}
}

// FuzzDesirableWording checks that the wording of any valid symptom is a
// valid node text itself, so a Future Reality Tree can always hold it.
func FuzzDesirableWording(f *testing.F) {
	for _, seed := range []string{"The API was down for 3 hours", "X took 5 s to Y", "A has no B", "fail", "é was down", " is not "} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		symptom, err := tree.NormalizeText(s)
		if err != nil {
			return
		}
		out := tree.DesirableWording(symptom)
		if norm, err := tree.NormalizeText(out); err != nil || norm != out {
			t.Fatalf("DesirableWording(%q) = %q, not a valid node text (%v, normalised %q)", symptom, out, err, norm)
		}
	})
}
