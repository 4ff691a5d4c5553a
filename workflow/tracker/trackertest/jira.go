package trackertest

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// The fake Jira site's account, token, project and issue types.
const (
	JiraEmail   = "untangle-bot@example.com"
	JiraToken   = "ATATT3xFfGF0fake_untangle"
	JiraProject = "OPS"
)

// JiraIssueTypes are the issue types of JiraProject.
var JiraIssueTypes = []string{"Task", "Bug", "Story"}

// NewJira starts a fake Jira Cloud site; its URL is the site address.
func NewJira() *Server {
	return newServer("jira", func(s *Server) http.Handler {
		return http.HandlerFunc(s.serveJira)
	})
}

var (
	jiraIssuePath   = regexp.MustCompile(`^/rest/api/3/issue/([A-Z][A-Z0-9_]*-[0-9]+)$`)
	jiraProjectPath = regexp.MustCompile(`^/rest/api/3/project/([^/]+)$`)
	jiraPhrase      = regexp.MustCompile(`text ~ "\\"([^"\\]+)\\""`)
	jiraProjectJQL  = regexp.MustCompile(`project = "?([A-Z][A-Z0-9_]*)"?`)
)

func jiraError(w http.ResponseWriter, status int, messages []string, fields map[string]string) {
	if messages == nil {
		messages = []string{}
	}
	if fields == nil {
		fields = map[string]string{}
	}
	writeJSON(w, status, map[string]any{"errorMessages": messages, "errors": fields})
}

func (s *Server) serveJira(rw http.ResponseWriter, r *http.Request) {
	w := &statusWriter{ResponseWriter: rw, status: http.StatusOK}
	op := jiraOp(r)
	defer func() { s.record(Call{Op: op, Method: r.Method, Path: r.URL.Path, Status: w.status}) }()
	want := "Basic " + base64.StdEncoding.EncodeToString([]byte(JiraEmail+":"+JiraToken))
	if r.Header.Get("Authorization") != want {
		jiraError(w, http.StatusUnauthorized, []string{"Client must be authenticated to access this resource."}, nil)
		return
	}
	if r.Method == http.MethodPost {
		if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" {
			jiraError(w, http.StatusUnsupportedMediaType, []string{"Content-Type must be application/json"}, nil)
			return
		}
	}
	s.withFaults(w, r, op, jiraFault, func() { s.jiraRoute(w, r) })
}

func (s *Server) jiraRoute(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.Method == http.MethodPost && r.URL.Path == "/rest/api/3/issue":
		s.jiraCreate(w, r)
	case r.Method == http.MethodGet && jiraIssuePath.MatchString(r.URL.Path):
		s.jiraRead(w, r, jiraIssuePath.FindStringSubmatch(r.URL.Path)[1])
	case r.Method == http.MethodPost && r.URL.Path == "/rest/api/3/search/jql":
		s.jiraSearch(w, r)
	case r.Method == http.MethodGet && jiraProjectPath.MatchString(r.URL.Path):
		key := jiraProjectPath.FindStringSubmatch(r.URL.Path)[1]
		if key != JiraProject {
			jiraError(w, http.StatusNotFound, []string{fmt.Sprintf("No project could be found with key '%s'.", key)}, nil)
			return
		}
		var types []map[string]string
		for _, t := range JiraIssueTypes {
			types = append(types, map[string]string{"name": t})
		}
		writeJSON(w, http.StatusOK, map[string]any{"id": "10000", "key": JiraProject, "name": "Operations", "issueTypes": types})
	case r.Method == http.MethodGet && r.URL.Path == "/rest/api/3/user/search":
		var out []map[string]string
		if id := s.userByEmail(r.URL.Query().Get("query")); id != "" {
			out = append(out, map[string]string{"accountId": id, "accountType": "atlassian", "displayName": "Owner"})
		}
		writeJSON(w, http.StatusOK, append([]map[string]string{}, out...))
	default:
		jiraError(w, http.StatusNotFound, []string{"No resource at " + r.URL.Path}, nil)
	}
}

func jiraOp(r *http.Request) Op {
	switch {
	case r.Method == http.MethodPost && r.URL.Path == "/rest/api/3/issue":
		return OpCreate
	case jiraIssuePath.MatchString(r.URL.Path):
		return OpRead
	case strings.HasPrefix(r.URL.Path, "/rest/api/3/search"):
		return OpFind
	case jiraProjectPath.MatchString(r.URL.Path):
		return OpCheck
	}
	return OpOther
}

func jiraFault(w http.ResponseWriter, f Fault) {
	if f.RetryAfter > 0 {
		w.Header().Set("Retry-After", retryAfterSeconds(f))
	}
	switch f.Status {
	case http.StatusBadRequest, http.StatusUnprocessableEntity:
		jiraError(w, f.Status, nil, map[string]string{"summary": defaultMessage(f, "The summary is invalid.")})
	case http.StatusForbidden:
		jiraError(w, f.Status, []string{defaultMessage(f, "You do not have permission to create issues in this project.")}, nil)
	default:
		jiraError(w, f.Status, []string{defaultMessage(f, http.StatusText(f.Status))}, nil)
	}
}

// jiraFieldsAllowed are the fields on the fake project's create screen.
var jiraFieldsAllowed = []string{"project", "issuetype", "summary", "description", "labels", "duedate", "assignee", "priority"}

func (s *Server) jiraCreate(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Fields map[string]json.RawMessage `json:"fields"`
		Update map[string]json.RawMessage `json:"update"`
	}
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil || in.Fields == nil {
		jiraError(w, http.StatusBadRequest, []string{"Invalid request payload. Refer to the REST API documentation and try again."}, nil)
		return
	}
	t, errs := s.jiraFields(in.Fields)
	if len(errs) > 0 {
		jiraError(w, http.StatusBadRequest, nil, errs)
		return
	}
	created := s.add(t, func(n int) (string, string) {
		key := fmt.Sprintf("%s-%d", JiraProject, n)
		return key, s.srv.URL + "/browse/" + key
	})
	writeJSON(w, http.StatusCreated, map[string]string{"id": fmt.Sprint(10000 + created.Number), "key": created.Key,
		"self": s.srv.URL + "/rest/api/3/issue/" + fmt.Sprint(10000+created.Number)})
}

// jiraFields checks the fields of a new issue as Jira does and returns the
// ticket, or the errors by field.
func (s *Server) jiraFields(f map[string]json.RawMessage) (*Ticket, map[string]string) {
	errs := map[string]string{}
	for k := range f {
		if !slices.Contains(jiraFieldsAllowed, k) {
			errs[k] = fmt.Sprintf("Field '%s' cannot be set. It is not on the appropriate screen, or unknown.", k)
		}
	}
	var project, issueType struct{ Key, Name, ID string }
	if json.Unmarshal(f["project"], &project) != nil || project.Key != JiraProject {
		errs["project"] = "valid project is required"
	}
	if json.Unmarshal(f["issuetype"], &issueType) != nil || !slices.Contains(JiraIssueTypes, issueType.Name) {
		errs["issuetype"] = "Specify a valid issue type"
	}
	t := &Ticket{}
	switch err := json.Unmarshal(f["summary"], &t.Title); {
	case err != nil || strings.TrimSpace(t.Title) == "":
		errs["summary"] = "You must specify a summary of the issue."
	case utf8.RuneCountInString(t.Title) > 255:
		errs["summary"] = "Summary must be less than 255 characters."
	case strings.ContainsAny(t.Title, "\r\n"):
		errs["summary"] = "The summary must not contain line breaks."
	}
	if d, ok := f["description"]; ok {
		if msg := ValidateADF(d); msg != "" {
			errs["description"] = "Operation value must be an Atlassian Document (see the Atlassian Document Format): " + msg
		}
		t.Description = d
	}
	if l, ok := f["labels"]; ok {
		if json.Unmarshal(l, &t.Labels) != nil {
			errs["labels"] = "labels must be an array of strings"
		}
		for _, name := range t.Labels {
			if strings.ContainsAny(name, " \t\n") || name == "" || utf8.RuneCountInString(name) > 255 {
				errs["labels"] = fmt.Sprintf("The label '%s' contains spaces which is invalid.", name)
			}
		}
	}
	if d, ok := f["duedate"]; ok {
		if json.Unmarshal(d, &t.Due) != nil || !validDate(t.Due) {
			errs["duedate"] = "Error parsing date string: " + string(d)
		}
	}
	if a, ok := f["assignee"]; ok {
		var acc struct {
			AccountID string `json:"accountId"`
		}
		if json.Unmarshal(a, &acc) != nil || !s.knownUser(acc.AccountID) {
			errs["assignee"] = "Specify a valid value for assignee"
		}
		t.Assignee = acc.AccountID
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return t, nil
}

func validDate(s string) bool {
	_, err := time.Parse("2006-01-02", s)
	return err == nil
}

func (s *Server) jiraIssue(t Ticket) map[string]any {
	name, cat, res := "To Do", "new", any(nil)
	switch t.State {
	case StateInProgress:
		name, cat = "In Progress", "indeterminate"
	case StateDone:
		name, cat, res = "Done", "done", map[string]string{"name": "Done"}
	case StateCanceled:
		name, cat, res = "Done", "done", map[string]string{"name": "Won't Do"}
	}
	return map[string]any{"id": fmt.Sprint(10000 + t.Number), "key": t.Key, "fields": map[string]any{
		"status":      map[string]any{"name": name, "statusCategory": map[string]string{"key": cat}},
		"resolution":  res,
		"description": t.Description,
	}}
}

func (s *Server) jiraRead(w http.ResponseWriter, r *http.Request, key string) {
	t, ok := s.find(func(t *Ticket) bool { return t.Key == key })
	if !ok {
		jiraError(w, http.StatusNotFound, []string{"Issue does not exist or you do not have permission to see it."}, nil)
		return
	}
	writeJSON(w, http.StatusOK, s.jiraIssue(t))
}

func (s *Server) jiraSearch(w http.ResponseWriter, r *http.Request) {
	var in struct {
		JQL           string   `json:"jql"`
		Fields        []string `json:"fields"`
		MaxResults    int      `json:"maxResults"`
		NextPageToken string   `json:"nextPageToken"`
	}
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil || in.JQL == "" {
		jiraError(w, http.StatusBadRequest, []string{"Invalid request payload. Refer to the REST API documentation and try again."}, nil)
		return
	}
	if m := jiraProjectJQL.FindStringSubmatch(in.JQL); m == nil || m[1] != JiraProject {
		jiraError(w, http.StatusBadRequest, []string{"The value for field 'project' does not exist or the JQL is not bounded by a project."}, nil)
		return
	}
	phrase := jiraPhrase.FindStringSubmatch(in.JQL)
	lagging := s.indexMiss()
	hits := s.all(func(t *Ticket) bool {
		return !lagging && phrase != nil && strings.Contains(string(t.Description), phrase[1])
	})
	slices.Reverse(hits)
	if in.MaxResults > 0 && len(hits) > in.MaxResults {
		hits = hits[:in.MaxResults]
	}
	issues := []map[string]any{}
	for _, t := range hits {
		issues = append(issues, s.jiraIssue(t))
	}
	writeJSON(w, http.StatusOK, map[string]any{"issues": issues, "isLast": true})
}
