package jira_test

import (
	"net/http"
	"testing"

	"github.com/untangle-rca/untangle/workflow"
	"github.com/untangle-rca/untangle/workflow/tracker/jira"
	"github.com/untangle-rca/untangle/workflow/tracker/trackertest"
)

func newClient(t *testing.T, s *trackertest.Server, o trackertest.ClientOptions) workflow.Tracker {
	token := trackertest.JiraToken
	if o.BadToken {
		token = "revoked"
	}
	c, err := jira.New(jira.Config{URL: s.URL(), Email: trackertest.JiraEmail, Token: token,
		Project: trackertest.JiraProject, Client: &http.Client{Timeout: o.Timeout}})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestConformance(t *testing.T) {
	trackertest.Conformance(t, trackertest.NewJira, newClient)
}
