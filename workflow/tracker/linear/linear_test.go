package linear_test

import (
	"context"
	"flag"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/untangle-rca/untangle/workflow"
	"github.com/untangle-rca/untangle/workflow/tracker"
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

var update = flag.Bool("update", false, "rewrite the golden files")

// TestHostileTexts files a ticket whose every text is hostile and keeps
// the Markdown Linear received as a golden file; labels are created once
// and the owner is assigned by e-mail.
func TestHostileTexts(t *testing.T) {
	s := trackertest.NewLinear()
	defer s.Close()
	s.AddUser("bob@example.com")
	c := newClient(t, s, trackertest.ClientOptions{Timeout: 2 * time.Second})
	for range 2 {
		if _, err := c.Create(context.Background(), trackertest.HostileDraft()); err != nil {
			t.Fatal(err)
		}
	}
	got := s.Tickets()[0]
	if strings.Contains(got.Title, "@alice") || strings.Contains(got.Title, "#123") || got.Assignee == "" || got.Due != "2026-12-24" {
		t.Fatalf("title %q assignee %q due %q", got.Title, got.Assignee, got.Due)
	}
	if !slices.Equal(got.Labels, []string{"rca", "rca-2026-12-01-payments"}) || !slices.Equal(s.Tickets()[1].Labels, got.Labels) {
		t.Fatalf("labels %q then %q", got.Labels, s.Tickets()[1].Labels)
	}
	trackertest.Golden(t, "testdata/hostile.golden.md", []byte("# "+got.Title+"\n\n"+got.Body+"\n"), *update)
}

// TestLongTextsAreCut files a draft over Linear's limits.
func TestLongTextsAreCut(t *testing.T) {
	d := trackertest.LongDraft()
	got := trackertest.FileOne(t, trackertest.NewLinear, newClient, d)
	if utf8.RuneCountInString(got.Title) != linear.TitleLimit || utf8.RuneCountInString(got.Body) > linear.BodyLimit ||
		!strings.Contains(got.Body, "`"+d.Marker+"`") || !strings.Contains(got.Body, tracker.CutNote(linear.BodyLimit)) {
		t.Fatalf("title %d runes, body %d runes", utf8.RuneCountInString(got.Title), utf8.RuneCountInString(got.Body))
	}
}

// TestUnknownTeam: a team key nobody can see is reported as gone, naming
// the setting.
func TestUnknownTeam(t *testing.T) {
	s := trackertest.NewLinear()
	defer s.Close()
	c, err := linear.New(linear.Config{Token: trackertest.LinearToken, Team: "NOPE", APIURL: s.URL()})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.CheckAccess(context.Background())
	if workflow.TrackerFaultOf(err) != workflow.FaultGone || !strings.Contains(err.Error(), "UNTANGLE_LINEAR_TEAM") {
		t.Fatalf("CheckAccess with an unknown team = %v", err)
	}
}
