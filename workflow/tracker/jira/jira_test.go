package jira_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/untangle-rca/untangle/workflow"
	"github.com/untangle-rca/untangle/workflow/tracker"
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

var update = flag.Bool("update", false, "rewrite the golden files")

// adfText joins the text of every text node of an ADF document, one per line.
func adfText(t *testing.T, raw json.RawMessage) string {
	var n struct {
		Text    string            `json:"text"`
		Content []json.RawMessage `json:"content"`
	}
	if err := json.Unmarshal(raw, &n); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString(n.Text)
	for _, c := range n.Content {
		b.WriteString(adfText(t, c))
	}
	if len(n.Content) > 0 {
		b.WriteString("\n")
	}
	return b.String()
}

// TestHostileTexts files a ticket whose every text is hostile: the fake
// checks the description as Jira checks ADF, the user texts arrive as
// literal text nodes (no wiki markup is read in them), and the document
// sent is kept as a golden file.
func TestHostileTexts(t *testing.T) {
	got := trackertest.FileOne(t, trackertest.NewJira, newClient, trackertest.HostileDraft())
	text := adfText(t, got.Description)
	for _, h := range trackertest.HostileTexts {
		if want := tracker.OneLine(h); !strings.Contains(text, want) {
			t.Errorf("description lacks the literal text %q", want)
		}
	}
	if strings.ContainsAny(got.Title, "\n\u202e") || !slices.Equal(got.Labels, []string{"rca", "rca-2026-12-01-payments"}) {
		t.Fatalf("summary %q, labels %q", got.Title, got.Labels)
	}
	var pretty bytes.Buffer
	if err := json.Indent(&pretty, got.Description, "", "  "); err != nil {
		t.Fatal(err)
	}
	pretty.WriteString("\n")
	trackertest.Golden(t, "testdata/hostile.golden.json", pretty.Bytes(), *update)
}

// TestLongTextsAreCut files a draft over Jira's limits; the fake refuses
// a summary over 255 characters and a description over 32,767.
func TestLongTextsAreCut(t *testing.T) {
	d := trackertest.LongDraft()
	got := trackertest.FileOne(t, trackertest.NewJira, newClient, d)
	text := adfText(t, got.Description)
	if utf8.RuneCountInString(got.Title) != jira.SummaryLimit || len(got.Description) > jira.DescriptionLimit ||
		!strings.Contains(text, d.Marker) || !strings.Contains(text, tracker.CutNote(jira.DescriptionLimit)) {
		t.Fatalf("summary %d runes, description %d bytes; want both cut with the note and the marker kept",
			utf8.RuneCountInString(got.Title), len(got.Description))
	}
}

// TestAssigneeAndScreenFallback: the owner is assigned by e-mail when Jira
// knows them; a project whose screen lacks the due date still gets the
// issue, without that field.
func TestAssigneeAndScreenFallback(t *testing.T) {
	s := trackertest.NewJira()
	defer s.Close()
	id := s.AddUser("alice@example.com")
	c := newClient(t, s, trackertest.ClientOptions{Timeout: 2 * time.Second})
	if _, err := c.Create(context.Background(), trackertest.SampleDraft("assign")); err != nil {
		t.Fatal(err)
	}
	if got := s.Tickets()[0]; got.Assignee != id || got.Due != "2026-12-20" {
		t.Fatalf("assignee %q due %q; want %q and the due date", got.Assignee, got.Due, id)
	}
	s.Inject(trackertest.OpCreate, trackertest.Fault{Status: http.StatusBadRequest,
		Message: "Field 'duedate' cannot be set. It is not on the appropriate screen, or unknown."})
	if _, err := c.Create(context.Background(), trackertest.SampleDraft("screen")); err != nil {
		t.Fatal(err)
	}
	if got := s.Tickets(); len(got) != 2 || got[1].Due != "" || got[1].Assignee != "" {
		t.Fatalf("after the screen refused the due date: %+v", got)
	}
}

// TestIssueTypeChecked: the credential check names a missing issue type
// and the ones the project has.
func TestIssueTypeChecked(t *testing.T) {
	s := trackertest.NewJira()
	defer s.Close()
	c, err := jira.New(jira.Config{URL: s.URL(), Email: trackertest.JiraEmail, Token: trackertest.JiraToken,
		Project: trackertest.JiraProject, IssueType: "Epic"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.CheckAccess(context.Background())
	if workflow.TrackerFaultOf(err) != workflow.FaultInvalid || !strings.Contains(err.Error(), "Task, Bug, Story") {
		t.Fatalf("CheckAccess with issue type Epic = %v", err)
	}
}

// TestExactlyOnceWhileTheIndexLags: after a create whose answer was lost,
// a search that misses the new issue (Jira's index follows within seconds)
// does not lead to a second issue: filing waits out the lag and looks again.
func TestExactlyOnceWhileTheIndexLags(t *testing.T) {
	s := trackertest.NewJira()
	defer s.Close()
	c := newClient(t, s, trackertest.ClientOptions{Timeout: 300 * time.Millisecond})
	s.Inject(trackertest.OpCreate, trackertest.Fault{TimeoutAfterCreate: true})
	s.SetSearchMisses(1)
	var waited time.Duration
	now := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	p := workflow.RetryPolicy{Budget: time.Minute, Base: time.Second, Max: 8 * time.Second,
		Now:   func() time.Time { return now },
		Sleep: func(_ context.Context, d time.Duration) error { waited += d; now = now.Add(d); return nil }}
	ref, err := workflow.FileTicket(context.Background(), c, trackertest.SampleDraft("lag001"), false, p)
	if err != nil || len(s.Tickets()) != 1 || s.Tickets()[0].Key != ref.Key {
		t.Fatalf("FileTicket = %v, %v with %d issues; want exactly one", ref, err, len(s.Tickets()))
	}
	if waited < 15*time.Second {
		t.Fatalf("waited %v; want at least the search lag before trusting a miss", waited)
	}
}
