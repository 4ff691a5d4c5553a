package github_test

import (
	"context"
	"errors"
	"flag"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/untangle-rca/untangle/workflow"
	"github.com/untangle-rca/untangle/workflow/tracker"
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

var update = flag.Bool("update", false, "rewrite the golden files")

// TestHostileTexts files a ticket whose every text is hostile and keeps
// what GitHub received as a golden file; the Markdown itself is read by a
// real renderer in package tracker's tests.
func TestHostileTexts(t *testing.T) {
	got := trackertest.FileOne(t, trackertest.NewGitHub, newClient, trackertest.HostileDraft())
	if strings.Contains(got.Title, "@alice") || strings.Contains(got.Title, "#123") || strings.Contains(got.Title, "\u202e") {
		t.Fatalf("title %q would ping, link or reverse text", got.Title)
	}
	if !slices.Equal(got.Labels, []string{"rca", "rca-2026-12-01-payments"}) {
		t.Fatalf("labels %q", got.Labels)
	}
	trackertest.Golden(t, "testdata/hostile.golden.md", []byte("# "+got.Title+"\n\n"+got.Body+"\n"), *update)
}

// TestLongTextsAreCut files a draft over GitHub's limits: the fake refuses
// what GitHub refuses, so the filing itself proves the cut.
func TestLongTextsAreCut(t *testing.T) {
	d := trackertest.LongDraft()
	got := trackertest.FileOne(t, trackertest.NewGitHub, newClient, d)
	n := utf8.RuneCountInString(got.Body)
	if utf8.RuneCountInString(got.Title) != github.TitleLimit || !strings.HasSuffix(got.Title, "…") ||
		n > github.BodyLimit || n < github.BodyLimit-2000 || !strings.Contains(got.Body, tracker.CutNote(github.BodyLimit)) ||
		!strings.Contains(got.Body, "`"+d.Marker+"`") {
		t.Fatalf("title %d runes, body %d runes; want both cut to the limits with the note and the marker kept", utf8.RuneCountInString(got.Title), n)
	}
}

// TestSecondaryRateLimit: a 403 that says "secondary rate limit" without
// Retry-After is retryable after a minute, not a credential problem.
func TestSecondaryRateLimit(t *testing.T) {
	s := trackertest.NewGitHub()
	defer s.Close()
	c := newClient(t, s, trackertest.ClientOptions{Timeout: 2 * time.Second})
	s.Inject(trackertest.OpCreate, trackertest.Fault{Status: http.StatusForbidden, Secondary: true})
	_, err := c.Create(context.Background(), trackertest.SampleDraft("second"))
	var te *workflow.TrackerError
	if !errors.As(err, &te) || te.Fault != workflow.FaultRetryable || te.RetryAfter != time.Minute {
		t.Fatalf("secondary rate limit: %v; want retryable after 1m", err)
	}
	s.Inject(trackertest.OpCreate, trackertest.Fault{Status: http.StatusForbidden, Secondary: true, RetryAfter: 90 * time.Second})
	_, err = c.Create(context.Background(), trackertest.SampleDraft("second"))
	if !errors.As(err, &te) || te.Fault != workflow.FaultRetryable || te.RetryAfter != 90*time.Second {
		t.Fatalf("secondary rate limit with Retry-After: %v; want retryable after 90s", err)
	}
}

// TestPrimaryRateLimit: a 403 with no requests left waits until the reset
// time GitHub names.
func TestPrimaryRateLimit(t *testing.T) {
	s := trackertest.NewGitHub()
	defer s.Close()
	c := newClient(t, s, trackertest.ClientOptions{Timeout: 2 * time.Second})
	s.Inject(trackertest.OpCreate, trackertest.Fault{Status: http.StatusForbidden, Primary: true, RetryAfter: 40 * time.Second})
	_, err := c.Create(context.Background(), trackertest.SampleDraft("primar"))
	var te *workflow.TrackerError
	if !errors.As(err, &te) || te.Fault != workflow.FaultRetryable || te.RetryAfter < 37*time.Second || te.RetryAfter > 41*time.Second {
		t.Fatalf("primary rate limit: %v; want retryable after about 40s", err)
	}
}
