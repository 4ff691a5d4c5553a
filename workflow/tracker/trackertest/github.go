package trackertest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// The fake GitHub's repository and token.
const (
	GitHubRepo  = "acme/web"
	GitHubToken = "github_pat_fake_untangle_0123456789"
)

// NewGitHub starts a fake GitHub REST API serving GitHubRepo; its URL is
// the API base (as https://api.github.com or https://HOST/api/v3).
func NewGitHub() *Server {
	return newServer("github", func(s *Server) http.Handler {
		return http.HandlerFunc(s.serveGitHub)
	})
}

// URL returns the base URL to configure the client with.
func (s *Server) URL() string {
	switch s.Kind {
	case "linear":
		return s.srv.URL + "/graphql"
	case "github":
		return s.srv.URL + "/api/v3"
	}
	return s.srv.URL
}

var (
	ghIssue      = regexp.MustCompile(`^/api/v3/repos/([^/]+/[^/]+)/issues/([0-9]+)$`)
	ghIssues     = regexp.MustCompile(`^/api/v3/repos/([^/]+/[^/]+)/issues$`)
	ghRepo       = regexp.MustCompile(`^/api/v3/repos/([^/]+/[^/]+)$`)
	ghRepoPrefix = regexp.MustCompile(`^/api/v3/repos/([^/]+/[^/]+)`)
)

func ghError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]any{"message": msg,
		"documentation_url": "https://docs.github.com/rest", "status": strconv.Itoa(status)})
}

func ghValidation(w http.ResponseWriter, field, code, msg string) {
	writeJSON(w, http.StatusUnprocessableEntity, map[string]any{"message": "Validation Failed",
		"errors":            []map[string]string{{"resource": "Issue", "field": field, "code": code, "message": msg}},
		"documentation_url": "https://docs.github.com/rest/issues/issues#create-an-issue", "status": "422"})
}

func (s *Server) serveGitHub(rw http.ResponseWriter, r *http.Request) {
	w := &statusWriter{ResponseWriter: rw, status: http.StatusOK}
	op := githubOp(r)
	defer func() { s.record(Call{Op: op, Method: r.Method, Path: r.URL.Path, Status: w.status}) }()
	if !s.githubHeaders(w, r) {
		return
	}
	s.withFaults(w, r, op, githubFault, func() { s.githubRoute(w, r) })
}

func (s *Server) githubRoute(w http.ResponseWriter, r *http.Request) {
	if m := ghRepoPrefix.FindStringSubmatch(r.URL.Path); m != nil && m[1] != GitHubRepo {
		ghError(w, http.StatusNotFound, "Not Found")
		return
	}
	switch {
	case r.Method == http.MethodPost && ghIssues.MatchString(r.URL.Path):
		s.githubCreate(w, r)
	case r.Method == http.MethodGet && ghIssues.MatchString(r.URL.Path):
		s.githubList(w, r)
	case r.Method == http.MethodGet && ghIssue.MatchString(r.URL.Path):
		n, _ := strconv.Atoi(ghIssue.FindStringSubmatch(r.URL.Path)[2])
		t, ok := s.find(func(t *Ticket) bool { return t.Number == n })
		if !ok {
			ghError(w, http.StatusNotFound, "Not Found")
			return
		}
		writeJSON(w, http.StatusOK, s.githubIssue(t))
	case r.Method == http.MethodGet && ghRepo.MatchString(r.URL.Path):
		writeJSON(w, http.StatusOK, map[string]any{"full_name": GitHubRepo, "has_issues": true, "private": true,
			"permissions": map[string]bool{"admin": false, "maintain": false, "push": true, "triage": true, "pull": true}})
	case r.Method == http.MethodGet && r.URL.Path == "/api/v3/search/issues":
		s.githubSearch(w, r)
	default:
		ghError(w, http.StatusNotFound, "Not Found")
	}
}

func githubOp(r *http.Request) Op {
	switch {
	case r.Method == http.MethodPost:
		return OpCreate
	case ghIssue.MatchString(r.URL.Path):
		return OpRead
	case ghIssues.MatchString(r.URL.Path), strings.HasSuffix(r.URL.Path, "/search/issues"):
		return OpFind
	case ghRepo.MatchString(r.URL.Path):
		return OpCheck
	}
	return OpOther
}

// githubHeaders refuses what GitHub refuses: no or a wrong token, no
// User-Agent, an Accept that is not GitHub's JSON, a missing API version
// (the fake insists on it so clients pin the version they were built for).
func (s *Server) githubHeaders(w http.ResponseWriter, r *http.Request) bool {
	auth := r.Header.Get("Authorization")
	switch {
	case r.Header.Get("User-Agent") == "":
		ghError(w, http.StatusForbidden, "Request forbidden by administrative rules. Please make sure your request has a User-Agent header")
	case auth == "":
		ghError(w, http.StatusUnauthorized, "Requires authentication")
	case auth != "Bearer "+GitHubToken && auth != "token "+GitHubToken:
		ghError(w, http.StatusUnauthorized, "Bad credentials")
	case r.Header.Get("X-GitHub-Api-Version") == "":
		ghError(w, http.StatusBadRequest, "X-GitHub-Api-Version header is missing (this fake requires it)")
	case r.Header.Get("X-GitHub-Api-Version") != "2022-11-28" && r.Header.Get("X-GitHub-Api-Version") != "2026-03-10":
		ghError(w, http.StatusBadRequest, "Unsupported API version "+r.Header.Get("X-GitHub-Api-Version"))
	case !strings.Contains(r.Header.Get("Accept"), "application/vnd.github+json") && !strings.Contains(r.Header.Get("Accept"), "application/json"):
		ghError(w, http.StatusUnsupportedMediaType, "Unsupported 'Accept' header: "+r.Header.Get("Accept"))
	default:
		return true
	}
	return false
}

func githubFault(w http.ResponseWriter, f Fault) {
	if f.RetryAfter > 0 && !f.Primary {
		w.Header().Set("Retry-After", retryAfterSeconds(f))
	}
	switch {
	case f.Primary:
		w.Header().Set("X-RateLimit-Limit", "5000")
		w.Header().Set("X-RateLimit-Remaining", "0")
		w.Header().Set("X-RateLimit-Reset", strconv.FormatInt(time.Now().Add(f.RetryAfter).Unix(), 10))
		ghError(w, f.Status, defaultMessage(f, "API rate limit exceeded for user ID 1."))
	case f.Secondary:
		ghError(w, f.Status, defaultMessage(f, "You have exceeded a secondary rate limit. Please wait a few minutes before you try again."))
	case f.Status == http.StatusUnprocessableEntity:
		ghValidation(w, "title", "custom", defaultMessage(f, "title is invalid"))
	case f.Status == http.StatusForbidden:
		ghError(w, f.Status, defaultMessage(f, "Resource not accessible by personal access token"))
	case f.Status == http.StatusGone:
		ghError(w, f.Status, defaultMessage(f, "Issues are disabled for this repo"))
	default:
		ghError(w, f.Status, defaultMessage(f, http.StatusText(f.Status)))
	}
}

type ghCreate struct {
	Title     *string  `json:"title"`
	Body      *string  `json:"body"`
	Labels    []string `json:"labels"`
	Assignees []string `json:"assignees"`
	Milestone any      `json:"milestone"`
	Type      *string  `json:"type"`
}

func (s *Server) githubCreate(w http.ResponseWriter, r *http.Request) {
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" {
		ghError(w, http.StatusUnsupportedMediaType, "Content-Type must be application/json")
		return
	}
	var in ghCreate
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		ghError(w, http.StatusBadRequest, "Problems parsing JSON: "+err.Error())
		return
	}
	switch {
	case in.Title == nil || strings.TrimSpace(*in.Title) == "":
		ghValidation(w, "title", "missing_field", "")
		return
	case utf8.RuneCountInString(*in.Title) > 256:
		ghValidation(w, "title", "custom", "title is too long (maximum is 256 characters)")
		return
	case in.Body != nil && utf8.RuneCountInString(*in.Body) > 65536:
		ghValidation(w, "body", "custom", "body is too long (maximum is 65536 characters)")
		return
	}
	for _, l := range in.Labels {
		if l == "" || utf8.RuneCountInString(l) > 50 {
			ghValidation(w, "labels", "invalid", fmt.Sprintf("label %q is invalid (1 to 50 characters)", l))
			return
		}
	}
	t := &Ticket{Title: *in.Title, Labels: in.Labels}
	if in.Body != nil {
		t.Body = *in.Body
	}
	created := s.add(t, func(n int) (string, string) {
		return fmt.Sprintf("%s#%d", GitHubRepo, n), fmt.Sprintf("https://github.example/%s/issues/%d", GitHubRepo, n)
	})
	writeJSON(w, http.StatusCreated, s.githubIssue(created))
}

func (s *Server) githubIssue(t Ticket) map[string]any {
	state, reason := "open", any(nil)
	switch t.State {
	case StateDone:
		state, reason = "closed", "completed"
	case StateCanceled:
		state, reason = "closed", "not_planned"
	}
	labels := []map[string]string{}
	for _, l := range t.Labels {
		labels = append(labels, map[string]string{"name": l})
	}
	return map[string]any{"number": t.Number, "title": t.Title, "body": t.Body, "state": state,
		"state_reason": reason, "html_url": t.URL, "labels": labels,
		"url":        fmt.Sprintf("%s/repos/%s/issues/%d", s.URL(), GitHubRepo, t.Number),
		"created_at": t.Created.UTC().Format("2006-01-02T15:04:05Z")}
}

func (s *Server) githubList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	per, _ := strconv.Atoi(q.Get("per_page"))
	page, _ := strconv.Atoi(q.Get("page"))
	if q.Get("per_page") == "" {
		per = 30
	}
	if page == 0 {
		page = 1
	}
	if per < 1 || per > 100 || page < 1 || !slices.Contains([]string{"", "open", "closed", "all"}, q.Get("state")) ||
		!slices.Contains([]string{"", "created", "updated", "comments"}, q.Get("sort")) ||
		!slices.Contains([]string{"", "asc", "desc"}, q.Get("direction")) {
		ghValidation(w, "q", "invalid", "invalid list parameters")
		return
	}
	all := s.all(func(t *Ticket) bool {
		open := t.State == StateOpen || t.State == StateInProgress
		return q.Get("state") == "all" || (q.Get("state") == "closed") != open
	})
	if q.Get("direction") != "asc" {
		slices.Reverse(all)
	}
	out := []map[string]any{}
	for i := (page - 1) * per; i < len(all) && i < page*per; i++ {
		out = append(out, s.githubIssue(all[i]))
	}
	writeJSON(w, http.StatusOK, out)
}

var quoted = regexp.MustCompile(`"([^"]+)"`)

func (s *Server) githubSearch(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query().Get("q")
	if !strings.Contains(q, "repo:"+GitHubRepo) {
		ghValidation(w, "q", "invalid", "The listed users and repositories cannot be searched")
		return
	}
	phrases := quoted.FindAllStringSubmatch(q, -1)
	lagging := s.indexMiss()
	hits := s.all(func(t *Ticket) bool {
		if lagging {
			return false
		}
		for _, p := range phrases {
			if !bytes.Contains([]byte(t.Body), []byte(p[1])) {
				return false
			}
		}
		return true
	})
	items := []map[string]any{}
	for _, t := range hits {
		items = append(items, s.githubIssue(t))
	}
	writeJSON(w, http.StatusOK, map[string]any{"total_count": len(items), "incomplete_results": false, "items": items})
}
