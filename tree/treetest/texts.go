package treetest

import (
	"fmt"
	"math/rand/v2"
)

// Phrase parts for generated node texts: a subject and a predicate, plus a
// suffix naming a service once the combinations run out, so texts stay unique.
var (
	causeSubjects = []string{
		"The deploy pipeline", "The staging environment", "The on-call rotation", "The alerting setup",
		"The release checklist", "The database schema", "The retry policy", "The load balancer",
		"The feature flag system", "The incident runbook", "The capacity plan", "The service mesh",
		"The test suite", "The config store", "The quarterly roadmap", "The code review process",
		"The cache layer", "The message queue", "The vendor contract", "The access control list",
	}
	causePredicates = []string{
		"has no owner", "is changed without review", "skips integration tests", "has not been updated in a year",
		"hides errors behind retries", "is tuned for average load only", "depends on one person",
		"has no rollback path", "is documented only in chat threads", "has alert thresholds nobody reviews",
		"is shared by unrelated teams", "runs with production credentials", "was sized for last year's traffic",
		"has no timeout configured", "is measured only on delivery speed", "is left out of planning",
		"drifts from production settings", "is rebuilt by hand after each incident", "has flaky checks that people ignore",
		"is tested only on small data sets",
	}
	udeSubjects = []string{
		"Checkout", "Login", "Search", "Payments", "Order tracking", "The mobile app", "The public API", "Reporting",
	}
	udePredicates = []string{
		"was down for 40 minutes", "returned errors to 5% of users", "was slow for two hours",
		"lost customer updates", "paged the on-call engineer at night", "breached its SLA",
		"showed stale data for a day", "needed a manual restart",
	}
)

// texter hands out unique, plausible node texts in a shuffled order.
type texter struct {
	causeOrder, udeOrder []int
	causeNext, udeNext   int
}

// newTexter shuffles the phrase combinations with rng.
func newTexter(rng *rand.Rand) *texter {
	return &texter{
		causeOrder: rng.Perm(len(causeSubjects) * len(causePredicates)),
		udeOrder:   rng.Perm(len(udeSubjects) * len(udePredicates)),
	}
}

// cause returns the next cause text.
func (x *texter) cause() string {
	s := phrase(causeSubjects, causePredicates, x.causeOrder, x.causeNext)
	x.causeNext++
	return s
}

// ude returns the next UDE text.
func (x *texter) ude() string {
	s := phrase(udeSubjects, udePredicates, x.udeOrder, x.udeNext)
	x.udeNext++
	return s
}

// phrase builds the i-th text from the shuffled combinations.
func phrase(subjects, predicates []string, order []int, i int) string {
	k := order[i%len(order)]
	s := subjects[k%len(subjects)] + " " + predicates[k/len(subjects)]
	if round := i / len(order); round > 0 {
		s += fmt.Sprintf(" in service %d", round+1)
	}
	return s
}
