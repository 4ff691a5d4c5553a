// Package jira files fixes as Jira Cloud issues through the REST API v3:
// basic authentication with an account's e-mail address and API token,
// descriptions in Atlassian Document Format, JQL search for markers.
package jira

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/untangle-rca/untangle/workflow"
	"github.com/untangle-rca/untangle/workflow/tracker"
)

// Jira's limits on an issue.
const (
	SummaryLimit = 255 // characters of a summary
	LabelLimit   = 255 // characters of a label (no spaces)
)

// DefaultIssueType is the issue type of a fix's ticket unless configured.
const DefaultIssueType = "Task"

// Config is what the client needs.
type Config struct {
	URL       string // https://SITE.atlassian.net
	Email     string // the account the API token belongs to
	Token     string // API token from id.atlassian.com
	Project   string // project key, e.g. OPS
	IssueType string // "" means DefaultIssueType
	Client    *http.Client
}

var projectPattern = regexp.MustCompile(`^[A-Z][A-Z0-9_]{0,254}$`)

// Client files and reads issues of one project.
type Client struct {
	cfg Config
	api tracker.API
}

var (
	_ workflow.Tracker      = (*Client)(nil)
	_ workflow.SearchLagger = (*Client)(nil)
)

// New checks cfg and returns a client; it makes no call.
func New(cfg Config) (*Client, error) {
	var errs []string
	if !tracker.IsBaseURL(cfg.URL) {
		errs = append(errs, fmt.Sprintf("UNTANGLE_JIRA_URL %q must be your site's address, e.g. https://acme.atlassian.net", cfg.URL))
	}
	if !strings.Contains(cfg.Email, "@") {
		errs = append(errs, "UNTANGLE_JIRA_EMAIL must be the e-mail address of the account the API token belongs to")
	}
	if cfg.Token == "" {
		errs = append(errs, "the Jira API token is missing: set UNTANGLE_JIRA_TOKEN (or UNTANGLE_JIRA_TOKEN_FILE)")
	}
	if !projectPattern.MatchString(cfg.Project) {
		errs = append(errs, fmt.Sprintf("UNTANGLE_JIRA_PROJECT %q must be a project key such as OPS (capital letters, digits, _)", cfg.Project))
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("%s", strings.Join(errs, "; "))
	}
	if cfg.IssueType == "" {
		cfg.IssueType = DefaultIssueType
	}
	cfg.URL = strings.TrimSuffix(cfg.URL, "/")
	c := &Client{cfg: cfg}
	c.api = tracker.API{
		Name: "Jira", Client: cfg.Client, Credential: "UNTANGLE_JIRA_EMAIL and UNTANGLE_JIRA_TOKEN",
		Need: fmt.Sprintf("an API token of an account that may browse and create issues in project %s", cfg.Project),
		Authorize: func(r *http.Request) {
			r.SetBasicAuth(cfg.Email, cfg.Token)
			r.Header.Set("Accept", "application/json")
		},
		Message: message,
	}
	return c, nil
}

// Name implements workflow.Tracker.
func (c *Client) Name() string { return c.api.Name }

type createFields struct {
	Project     keyRef     `json:"project"`
	IssueType   nameRef    `json:"issuetype"`
	Summary     string     `json:"summary"`
	Description Doc        `json:"description"`
	Labels      []string   `json:"labels,omitempty"`
	DueDate     string     `json:"duedate,omitempty"`
	Assignee    *accountID `json:"assignee,omitempty"`
}

type keyRef struct {
	Key string `json:"key"`
}

type nameRef struct {
	Name string `json:"name"`
}

type accountID struct {
	AccountID string `json:"accountId"`
}

// Create implements workflow.Tracker. The owner is assigned when Jira
// knows their e-mail address; when the project's screen has no due date or
// assignee field, the issue is filed without them (the body names both).
func (c *Client) Create(ctx context.Context, d workflow.TicketDraft) (workflow.TicketRef, error) {
	if err := d.Validate(); err != nil {
		return workflow.TicketRef{}, err
	}
	f := createFields{
		Project: keyRef{c.cfg.Project}, IssueType: nameRef{c.cfg.IssueType},
		Summary:     tracker.Cut(tracker.OneLine(d.Title), SummaryLimit),
		Description: Description(d, DescriptionLimit),
		Labels:      tracker.Labels(d.Labels, LabelLimit, true),
	}
	if !d.Due.IsZero() {
		f.DueDate = d.Due.Format("2006-01-02")
	}
	if id := c.accountByEmail(ctx, d.OwnerEmail); id != "" {
		f.Assignee = &accountID{id}
	}
	ref, err := c.create(ctx, f)
	var te *workflow.TrackerError
	if errors.As(err, &te) && te.Fault == workflow.FaultInvalid && te.Status == http.StatusBadRequest &&
		(f.DueDate != "" || f.Assignee != nil) && mentionsOptional(te.Message) {
		f.DueDate, f.Assignee = "", nil
		return c.create(ctx, f)
	}
	return ref, err
}

func (c *Client) create(ctx context.Context, f createFields) (workflow.TicketRef, error) {
	var out struct {
		Key string `json:"key"`
	}
	err := c.api.DoJSON(ctx, tracker.Request{Op: "create the issue", Method: http.MethodPost,
		URL: c.cfg.URL + "/rest/api/3/issue", Body: map[string]any{"fields": f}}, &out)
	if err != nil {
		return workflow.TicketRef{}, err
	}
	return c.ref(out.Key), nil
}

func mentionsOptional(msg string) bool {
	return strings.Contains(msg, "duedate") || strings.Contains(msg, "assignee")
}

// accountByEmail finds the Jira account with this e-mail address; any
// failure just means the owner is named in the body instead.
func (c *Client) accountByEmail(ctx context.Context, email string) string {
	if email == "" {
		return ""
	}
	var users []struct {
		AccountID    string `json:"accountId"`
		AccountType  string `json:"accountType"`
		EmailAddress string `json:"emailAddress"`
	}
	q := url.Values{"query": {email}}
	if err := c.api.DoJSON(ctx, tracker.Request{Op: "find the owner", Method: http.MethodGet,
		URL: c.cfg.URL + "/rest/api/3/user/search?" + q.Encode()}, &users); err != nil {
		return ""
	}
	for _, u := range users {
		if u.AccountType == "atlassian" && (u.EmailAddress == "" || strings.EqualFold(u.EmailAddress, email)) {
			return u.AccountID
		}
	}
	return ""
}

type issueFields struct {
	Key    string `json:"key"`
	Fields struct {
		Status struct {
			Name           string `json:"name"`
			StatusCategory struct {
				Key string `json:"key"`
			} `json:"statusCategory"`
		} `json:"status"`
		Resolution *struct {
			Name string `json:"name"`
		} `json:"resolution"`
		Description json.RawMessage `json:"description"`
	} `json:"fields"`
}

// Status implements workflow.Tracker.
func (c *Client) Status(ctx context.Context, key string) (workflow.TicketStatus, error) {
	if !issueKey.MatchString(key) {
		return workflow.TicketStatus{}, workflow.Invalidf("key", "%q is not a Jira issue key such as OPS-7.", key)
	}
	var out issueFields
	if err := c.api.DoJSON(ctx, tracker.Request{Op: "read issue " + key, Method: http.MethodGet,
		URL: c.cfg.URL + "/rest/api/3/issue/" + key + "?fields=status,resolution"}, &out); err != nil {
		return workflow.TicketStatus{}, err
	}
	return status(out), nil
}

var issueKey = regexp.MustCompile(`^[A-Z][A-Z0-9_]*-[0-9]+$`)

// canceledResolutions are the resolutions that close an issue without doing it.
var canceledResolutions = map[string]bool{"won't do": true, "won't fix": true, "declined": true,
	"duplicate": true, "cannot reproduce": true, "rejected": true}

func status(i issueFields) workflow.TicketStatus {
	s := workflow.TicketStatus{Name: i.Fields.Status.Name}
	switch i.Fields.Status.StatusCategory.Key {
	case "done":
		s.State = workflow.TicketDone
		if r := i.Fields.Resolution; r != nil && canceledResolutions[strings.ToLower(r.Name)] {
			s.State = workflow.TicketCanceled
		}
	case "indeterminate":
		s.State = workflow.TicketInProgress
	default:
		s.State = workflow.TicketOpen
	}
	return s
}

// FindByMarker implements workflow.Tracker with a JQL text search for the
// marker phrase, confirmed in each hit's description. Jira's search index
// follows new issues within seconds.
func (c *Client) FindByMarker(ctx context.Context, marker string) (workflow.TicketRef, bool, error) {
	body := map[string]any{
		"jql":        fmt.Sprintf(`project = "%s" AND text ~ "\"%s\"" ORDER BY created DESC`, c.cfg.Project, marker),
		"fields":     []string{"description"},
		"maxResults": 20,
	}
	var out struct {
		Issues []issueFields `json:"issues"`
	}
	if err := c.api.DoJSON(ctx, tracker.Request{Op: "search issues", Method: http.MethodPost,
		URL: c.cfg.URL + "/rest/api/3/search/jql", Body: body}, &out); err != nil {
		return workflow.TicketRef{}, false, asRead(err)
	}
	for _, i := range out.Issues {
		if hasText(i.Fields.Description, marker) {
			return c.ref(i.Key), true, nil
		}
	}
	return workflow.TicketRef{}, false, nil
}

// searchLag is how long Jira's search index may take to show a new issue.
const searchLag = 15 * time.Second

// SearchLag implements workflow.SearchLagger: FileTicket waits this long
// after a lost answer before it trusts a lookup that found nothing.
func (c *Client) SearchLag() time.Duration { return searchLag }

// asRead clears Unknown: a search changes nothing, whatever its outcome.
func asRead(err error) error {
	var te *workflow.TrackerError
	if errors.As(err, &te) {
		te.Unknown = false
	}
	return err
}

// CheckAccess implements workflow.Tracker: it reads the project and checks
// that it has the configured issue type.
func (c *Client) CheckAccess(ctx context.Context) (string, error) {
	var p struct {
		Key        string    `json:"key"`
		Name       string    `json:"name"`
		IssueTypes []nameRef `json:"issueTypes"`
	}
	if err := c.api.DoJSON(ctx, tracker.Request{Op: "read project " + c.cfg.Project, Method: http.MethodGet,
		URL: c.cfg.URL + "/rest/api/3/project/" + c.cfg.Project}, &p); err != nil {
		return "", err
	}
	var names []string
	for _, t := range p.IssueTypes {
		if strings.EqualFold(t.Name, c.cfg.IssueType) {
			return fmt.Sprintf("project %s (%s), issue type %s", p.Key, p.Name, t.Name), nil
		}
		names = append(names, t.Name)
	}
	return "", &workflow.TrackerError{Fault: workflow.FaultInvalid, Tracker: c.api.Name, Op: "read project " + c.cfg.Project,
		Message: fmt.Sprintf("project %s has no issue type %q (UNTANGLE_JIRA_ISSUE_TYPE); it has: %s", p.Key, c.cfg.IssueType, strings.Join(names, ", "))}
}

func (c *Client) ref(key string) workflow.TicketRef {
	return workflow.TicketRef{Key: key, URL: c.cfg.URL + "/browse/" + key}
}

// message reads Jira's error body: errorMessages and per-field errors.
func message(body []byte) string {
	var e struct {
		ErrorMessages []string          `json:"errorMessages"`
		Errors        map[string]string `json:"errors"`
	}
	if json.Unmarshal(body, &e) != nil {
		return ""
	}
	parts := append([]string{}, e.ErrorMessages...)
	for _, k := range slices.Sorted(maps.Keys(e.Errors)) {
		parts = append(parts, k+": "+e.Errors[k])
	}
	return strings.Join(parts, "; ")
}
