package linear_test

import (
	"net/http"
	"testing"

	"github.com/untangle-rca/untangle/workflow"
	"github.com/untangle-rca/untangle/workflow/tracker/linear"
	"github.com/untangle-rca/untangle/workflow/tracker/trackertest"
)

func newClient(t *testing.T, s *trackertest.Server, o trackertest.ClientOptions) workflow.Tracker {
	token := trackertest.LinearToken
	if o.BadToken {
		token = "lin_api_revoked"
	}
	c, err := linear.New(linear.Config{Token: token, Team: trackertest.LinearTeam, APIURL: s.URL(),
		Client: &http.Client{Timeout: o.Timeout}})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestConformance(t *testing.T) {
	trackertest.Conformance(t, trackertest.NewLinear, newClient)
}
