package github_test

import (
	"net/http"
	"testing"

	"github.com/untangle-rca/untangle/workflow"
	"github.com/untangle-rca/untangle/workflow/tracker/github"
	"github.com/untangle-rca/untangle/workflow/tracker/trackertest"
)

func newClient(t *testing.T, s *trackertest.Server, o trackertest.ClientOptions) workflow.Tracker {
	token := trackertest.GitHubToken
	if o.BadToken {
		token = "github_pat_revoked"
	}
	c, err := github.New(github.Config{Repo: trackertest.GitHubRepo, Token: token, APIURL: s.URL(),
		Client: &http.Client{Timeout: o.Timeout}})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestConformance(t *testing.T) {
	trackertest.Conformance(t, trackertest.NewGitHub, newClient)
}
