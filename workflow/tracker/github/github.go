// Package github files fixes as GitHub Issues through GitHub's REST API
// (github.com or GitHub Enterprise Server), with a token sent as a Bearer
// credential and the API version pinned.
package github

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/untangle-rca/untangle/workflow"
	"github.com/untangle-rca/untangle/workflow/tracker"
)

// DefaultAPIURL is the public GitHub API; GitHub Enterprise Server uses
// https://HOST/api/v3.
const DefaultAPIURL = "https://api.github.com"

// APIVersion is the REST API version every request asks for.
const APIVersion = "2022-11-28"

// GitHub's limits on an issue.
const (
	TitleLimit = 256   // characters of a title
	BodyLimit  = 65536 // characters of a body
	LabelLimit = 50    // characters of a label name
)

// recentPages is how many pages of the newest issues FindByMarker reads
// before it falls back to the (eventually consistent) search API.
const recentPages = 2

// Config is what the client needs.
type Config struct {
	Repo   string       // "owner/name"
	Token  string       // fine-grained or classic personal access token, or an app token
	APIURL string       // "" means DefaultAPIURL
	Client *http.Client // nil means one with tracker.DefaultTimeout
}

var repoPattern = regexp.MustCompile(`^[A-Za-z0-9-]{1,39}/[A-Za-z0-9._-]{1,100}$`)

// Client files and reads issues of one repository.
type Client struct {
	repo string
	base string
	api  tracker.API
}

var _ workflow.Tracker = (*Client)(nil)

// New checks cfg and returns a client; it makes no call.
func New(cfg Config) (*Client, error) {
	if !repoPattern.MatchString(cfg.Repo) || strings.Contains(cfg.Repo, "..") {
		return nil, fmt.Errorf("UNTANGLE_GITHUB_REPO %q must be owner/name, e.g. acme/web", cfg.Repo)
	}
	if cfg.Token == "" {
		return nil, fmt.Errorf("the GitHub token is missing: set UNTANGLE_GITHUB_TOKEN (or UNTANGLE_GITHUB_TOKEN_FILE)")
	}
	base := cfg.APIURL
	if base == "" {
		base = DefaultAPIURL
	}
	if !tracker.IsBaseURL(base) {
		return nil, fmt.Errorf("UNTANGLE_GITHUB_API_URL %q is not an http(s) URL (GitHub Enterprise: https://HOST/api/v3)", base)
	}
	c := &Client{repo: cfg.Repo, base: strings.TrimSuffix(base, "/")}
	c.api = tracker.API{
		Name: "GitHub Issues", Client: cfg.Client, Credential: "UNTANGLE_GITHUB_TOKEN",
		Need: fmt.Sprintf("Issues: read and write on %s (fine-grained token), or the repo scope (classic token)", cfg.Repo),
		Authorize: func(r *http.Request) {
			r.Header.Set("Authorization", "Bearer "+cfg.Token)
			r.Header.Set("Accept", "application/vnd.github+json")
			r.Header.Set("X-GitHub-Api-Version", APIVersion)
		},
		Message:  message,
		Classify: secondaryLimit,
	}
	return c, nil
}

// Name implements workflow.Tracker.
func (c *Client) Name() string { return c.api.Name }

type issue struct {
	Number      int             `json:"number"`
	HTMLURL     string          `json:"html_url"`
	State       string          `json:"state"`
	StateReason string          `json:"state_reason"`
	Body        string          `json:"body"`
	PullRequest json.RawMessage `json:"pull_request"`
}

type createIssue struct {
	Title  string   `json:"title"`
	Body   string   `json:"body"`
	Labels []string `json:"labels,omitempty"`
}

// Create implements workflow.Tracker. GitHub assigns by login, which an
// e-mail address does not give reliably, so the owner is named in the body.
func (c *Client) Create(ctx context.Context, d workflow.TicketDraft) (workflow.TicketRef, error) {
	if err := d.Validate(); err != nil {
		return workflow.TicketRef{}, err
	}
	in := createIssue{
		Title:  tracker.Cut(tracker.Plain(d.Title), TitleLimit),
		Body:   tracker.Markdown(d, BodyLimit),
		Labels: tracker.Labels(d.Labels, LabelLimit, false),
	}
	var out issue
	err := c.api.DoJSON(ctx, tracker.Request{Op: "create the issue", Method: http.MethodPost,
		URL: c.repoURL("/issues"), Body: in}, &out)
	if err != nil {
		return workflow.TicketRef{}, err
	}
	return c.ref(out), nil
}

// Status implements workflow.Tracker; key is "owner/name#N" or "N".
func (c *Client) Status(ctx context.Context, key string) (workflow.TicketStatus, error) {
	n, err := c.number(key)
	if err != nil {
		return workflow.TicketStatus{}, err
	}
	var out issue
	if err := c.api.DoJSON(ctx, tracker.Request{Op: "read issue " + key, Method: http.MethodGet,
		URL: c.repoURL("/issues/" + strconv.Itoa(n))}, &out); err != nil {
		return workflow.TicketStatus{}, err
	}
	return status(out), nil
}

func status(i issue) workflow.TicketStatus {
	if i.State != "closed" {
		return workflow.TicketStatus{State: workflow.TicketOpen, Name: "open"}
	}
	switch i.StateReason {
	case "not_planned", "duplicate":
		return workflow.TicketStatus{State: workflow.TicketCanceled, Name: "closed (" + strings.ReplaceAll(i.StateReason, "_", " ") + ")"}
	}
	return workflow.TicketStatus{State: workflow.TicketDone, Name: "closed"}
}

// FindByMarker implements workflow.Tracker: it reads the newest issues
// first (always current), then asks the search API, which may lag behind
// by a minute but reaches older issues.
func (c *Client) FindByMarker(ctx context.Context, marker string) (workflow.TicketRef, bool, error) {
	for page := 1; page <= recentPages; page++ {
		q := url.Values{"state": {"all"}, "sort": {"created"}, "direction": {"desc"},
			"per_page": {"100"}, "page": {strconv.Itoa(page)}}
		var list []issue
		if err := c.api.DoJSON(ctx, tracker.Request{Op: "list recent issues", Method: http.MethodGet,
			URL: c.repoURL("/issues?" + q.Encode())}, &list); err != nil {
			return workflow.TicketRef{}, false, err
		}
		if i, ok := withMarker(list, marker); ok {
			return c.ref(i), true, nil
		}
		if len(list) < 100 {
			return workflow.TicketRef{}, false, nil
		}
	}
	q := url.Values{"q": {fmt.Sprintf(`repo:%s is:issue in:body "%s"`, c.repo, marker)}, "per_page": {"10"}}
	var found struct {
		Items []issue `json:"items"`
	}
	if err := c.api.DoJSON(ctx, tracker.Request{Op: "search issues", Method: http.MethodGet,
		URL: c.base + "/search/issues?" + q.Encode()}, &found); err != nil {
		return workflow.TicketRef{}, false, err
	}
	i, ok := withMarker(found.Items, marker)
	if !ok {
		return workflow.TicketRef{}, false, nil
	}
	return c.ref(i), true, nil
}

func withMarker(list []issue, marker string) (issue, bool) {
	for _, i := range list {
		if len(i.PullRequest) == 0 && strings.Contains(i.Body, "`"+marker+"`") {
			return i, true
		}
	}
	return issue{}, false
}

// CheckAccess implements workflow.Tracker: it reads the repository.
func (c *Client) CheckAccess(ctx context.Context) (string, error) {
	var repo struct {
		FullName    string          `json:"full_name"`
		HasIssues   bool            `json:"has_issues"`
		Permissions map[string]bool `json:"permissions"`
	}
	if err := c.api.DoJSON(ctx, tracker.Request{Op: "read the repository", Method: http.MethodGet,
		URL: c.repoURL("")}, &repo); err != nil {
		return "", err
	}
	if !repo.HasIssues {
		return "", &workflow.TrackerError{Fault: workflow.FaultGone, Tracker: c.api.Name, Op: "read the repository",
			Status: http.StatusGone, Message: "issues are turned off in " + repo.FullName + " (Settings → Features → Issues)"}
	}
	desc := "repository " + repo.FullName + ", issues on"
	if repo.Permissions != nil && !repo.Permissions["triage"] && !repo.Permissions["push"] {
		desc += "; the token cannot set labels (needs triage or write access), so tickets come without them"
	}
	return desc, nil
}

func (c *Client) repoURL(path string) string {
	return c.base + "/repos/" + c.repo + path
}

func (c *Client) ref(i issue) workflow.TicketRef {
	return workflow.TicketRef{Key: fmt.Sprintf("%s#%d", c.repo, i.Number), URL: i.HTMLURL}
}

func (c *Client) number(key string) (int, error) {
	s := strings.TrimPrefix(key, c.repo)
	n, err := strconv.Atoi(strings.TrimPrefix(s, "#"))
	if err != nil || n <= 0 {
		return 0, workflow.Invalidf("key", "%q is not an issue of %s.", key, c.repo)
	}
	return n, nil
}

// message reads GitHub's error body: a message and, for validation
// failures, the fields at fault.
func message(body []byte) string {
	var e struct {
		Message string `json:"message"`
		Errors  []struct {
			Field   string `json:"field"`
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"errors"`
	}
	if json.Unmarshal(body, &e) != nil {
		return ""
	}
	parts := []string{e.Message}
	for _, fe := range e.Errors {
		switch {
		case fe.Message != "":
			parts = append(parts, fe.Message)
		case fe.Field != "":
			parts = append(parts, fe.Field+" "+strings.ReplaceAll(fe.Code, "_", " "))
		}
	}
	return strings.Join(parts, "; ")
}

// secondaryWait is how long to wait on a secondary rate limit that names
// no time: GitHub asks for at least a minute.
const secondaryWait = time.Minute

// secondaryLimit reads GitHub's secondary rate limits: a 403 or 429 whose
// message says so is retryable even without Retry-After.
func secondaryLimit(r *tracker.Response, e *workflow.TrackerError) *workflow.TrackerError {
	if (r.Status == http.StatusForbidden || r.Status == http.StatusTooManyRequests) &&
		strings.Contains(strings.ToLower(e.Message), "rate limit") {
		e.Fault, e.Credential, e.Need = workflow.FaultRetryable, "", ""
		if e.RetryAfter == 0 {
			e.RetryAfter = secondaryWait
		}
	}
	return e
}
