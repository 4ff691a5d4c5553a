package trackertest

import (
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"regexp"
	"slices"
	"strings"
)

// The fake Linear workspace's API key and team.
const (
	LinearToken  = "lin_api_fakeuntangle0123456789abcdef"
	LinearTeam   = "ENG"
	LinearTeamID = "0b6b1c3e-5f1a-4a0e-9a57-3c1f0d9e7a11"
)

// linearInputFields are the IssueCreateInput fields the fake knows.
var linearInputFields = []string{"teamId", "title", "description", "labelIds", "dueDate", "assigneeId",
	"priority", "stateId", "projectId", "parentId", "estimate"}

// NewLinear starts a fake Linear GraphQL API; its URL is the endpoint.
func NewLinear() *Server {
	return newServer("linear", func(s *Server) http.Handler {
		return http.HandlerFunc(s.serveLinear)
	})
}

var linearOpDecl = regexp.MustCompile(`^\s*(query|mutation)\s+([A-Za-z_][A-Za-z0-9_]*)`)

type gqlRequest struct {
	Query         string         `json:"query"`
	OperationName string         `json:"operationName"`
	Variables     map[string]any `json:"variables"`
}

func linearError(w http.ResponseWriter, status int, code, typ, msg string) {
	writeJSON(w, status, map[string]any{"data": nil, "errors": []map[string]any{{"message": msg,
		"extensions": map[string]string{"code": code, "type": typ, "userPresentableMessage": msg}}}})
}

// linearOps maps each operation the client sends to its kind and the root
// field its query must select.
var linearOps = map[string]struct {
	op    Op
	field string
}{
	"Viewer": {OpCheck, "viewer"}, "TeamByKey": {OpOther, "teams(filter:"},
	"Labels": {OpOther, "issueLabels(filter:"}, "LabelCreate": {OpOther, "issueLabelCreate(input: $input)"},
	"UserByEmail": {OpOther, "users(filter:"}, "IssueCreate": {OpCreate, "issueCreate(input: $input)"},
	"IssueStatus": {OpRead, "issue(id: $id)"}, "IssueByMarker": {OpFind, "issues("},
}

func (s *Server) serveLinear(rw http.ResponseWriter, r *http.Request) {
	w := &statusWriter{ResponseWriter: rw, status: http.StatusOK}
	var in gqlRequest
	op := OpOther
	defer func() {
		s.record(Call{Op: op, Method: r.Method, Path: r.URL.Path + "#" + in.OperationName, Status: w.status})
	}()
	if r.URL.Path != "/graphql" || r.Method != http.MethodPost {
		linearError(w, http.StatusNotFound, "NOT_FOUND", "not found", "POST /graphql only")
		return
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" {
		linearError(w, http.StatusBadRequest, "BAD_REQUEST", "invalid input", "Content-Type must be application/json")
		return
	}
	if r.Header.Get("Authorization") != LinearToken {
		linearError(w, http.StatusBadRequest, "AUTHENTICATION_ERROR", "authentication error", "Authentication required, not authenticated")
		return
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		linearError(w, http.StatusBadRequest, "BAD_REQUEST", "invalid input", "Body is not a GraphQL request: "+err.Error())
		return
	}
	spec, known := linearOps[in.OperationName]
	m := linearOpDecl.FindStringSubmatch(in.Query)
	switch {
	case !known || m == nil || m[2] != in.OperationName:
		linearError(w, http.StatusBadRequest, "GRAPHQL_VALIDATION_FAILED", "graphql error", "Unknown operation named \""+in.OperationName+"\".")
		return
	case !strings.Contains(in.Query, spec.field):
		linearError(w, http.StatusBadRequest, "GRAPHQL_VALIDATION_FAILED", "graphql error", "The query does not select "+spec.field)
		return
	}
	op = spec.op
	s.withFaults(w, r, op, s.linearFault, func() {
		data, errMsg := s.linearResolve(in)
		if errMsg != "" {
			linearError(w, http.StatusOK, "INVALID_INPUT", "invalid input", errMsg)
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"data": data})
	})
}

func (s *Server) linearFault(w http.ResponseWriter, f Fault) {
	switch {
	case f.Status == http.StatusUnauthorized:
		linearError(w, http.StatusBadRequest, "AUTHENTICATION_ERROR", "authentication error", defaultMessage(f, "Authentication required, not authenticated"))
	case f.Status == http.StatusForbidden:
		linearError(w, http.StatusBadRequest, "FORBIDDEN", "forbidden", defaultMessage(f, "You don't have access to this team"))
	case f.Status == http.StatusNotFound || f.Status == http.StatusGone:
		linearError(w, http.StatusOK, "INVALID_INPUT", "invalid input", defaultMessage(f, "Entity not found: Team - Could not find referenced Team."))
	case f.Status == http.StatusBadRequest || f.Status == http.StatusUnprocessableEntity:
		linearError(w, http.StatusBadRequest, "INVALID_INPUT", "invalid input", defaultMessage(f, "Argument Validation Error: title is too long"))
	case f.Status == http.StatusTooManyRequests:
		w.Header().Set("X-RateLimit-Requests-Remaining", "0")
		w.Header().Set("X-RateLimit-Requests-Reset", fmt.Sprint(s.now().Add(f.RetryAfter).UnixMilli()))
		linearError(w, http.StatusBadRequest, "RATELIMITED", "ratelimited", defaultMessage(f, "Rate limit exceeded"))
	default:
		linearError(w, f.Status, "INTERNAL_SERVER_ERROR", "internal error", defaultMessage(f, http.StatusText(f.Status)))
	}
}

// linearResolve answers one operation; a non-empty string is a user error.
func (s *Server) linearResolve(in gqlRequest) (map[string]any, string) {
	v := in.Variables
	str := func(k string) string { x, _ := v[k].(string); return x }
	switch in.OperationName {
	case "Viewer":
		return map[string]any{"viewer": map[string]string{"id": "viewer-1", "name": "untangle bot"}}, ""
	case "TeamByKey":
		nodes := []map[string]string{}
		if str("key") == LinearTeam {
			nodes = append(nodes, map[string]string{"id": LinearTeamID, "key": LinearTeam, "name": "Engineering"})
		}
		return map[string]any{"teams": map[string]any{"nodes": nodes}}, ""
	case "Labels":
		return map[string]any{"issueLabels": map[string]any{"nodes": s.linearLabels(v["names"])}}, ""
	case "LabelCreate":
		return s.linearLabelCreate(v["input"])
	case "UserByEmail":
		nodes := []map[string]string{}
		if id := s.userByEmail(str("email")); id != "" {
			nodes = append(nodes, map[string]string{"id": id})
		}
		return map[string]any{"users": map[string]any{"nodes": nodes}}, ""
	case "IssueCreate":
		return s.linearCreate(v["input"])
	case "IssueStatus":
		t, ok := s.find(func(t *Ticket) bool { return t.Key == str("id") })
		if !ok {
			return nil, "Entity not found: Issue - Could not find referenced Issue."
		}
		return map[string]any{"issue": s.linearIssue(t)}, ""
	case "IssueByMarker":
		if str("team") != LinearTeamID {
			return nil, "Entity not found: Team - Could not find referenced Team."
		}
		nodes := []map[string]any{}
		for _, t := range s.all(func(t *Ticket) bool { return str("marker") != "" && strings.Contains(t.Body, str("marker")) }) {
			nodes = append(nodes, s.linearIssue(t))
		}
		return map[string]any{"issues": map[string]any{"nodes": nodes}}, ""
	}
	return nil, "unknown operation"
}

func (s *Server) linearIssue(t Ticket) map[string]any {
	name, typ := "Todo", "unstarted"
	switch t.State {
	case StateInProgress:
		name, typ = "In Progress", "started"
	case StateDone:
		name, typ = "Done", "completed"
	case StateCanceled:
		name, typ = "Canceled", "canceled"
	}
	return map[string]any{"id": fmt.Sprintf("issue-%d", t.Number), "identifier": t.Key, "url": t.URL,
		"description": t.Body, "state": map[string]string{"name": name, "type": typ}}
}

func (s *Server) linearLabels(names any) []map[string]any {
	list, _ := names.([]any)
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []map[string]any{}
	for _, n := range list {
		name, _ := n.(string)
		if id, ok := s.labels[strings.ToLower(name)]; ok {
			out = append(out, map[string]any{"id": id, "name": name, "team": map[string]string{"id": LinearTeamID}})
		}
	}
	return out
}

func (s *Server) linearLabelCreate(raw any) (map[string]any, string) {
	in, _ := raw.(map[string]any)
	name, _ := in["name"].(string)
	if in["teamId"] != LinearTeamID || strings.TrimSpace(name) == "" {
		return nil, "Argument Validation Error: a label needs a name and a known teamId"
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, dup := s.labels[strings.ToLower(name)]; dup {
		return nil, "Duplicate label name: " + name
	}
	id := fmt.Sprintf("label-%d", len(s.labels)+1)
	s.labels[strings.ToLower(name)] = id
	return map[string]any{"issueLabelCreate": map[string]any{"success": true, "issueLabel": map[string]string{"id": id, "name": name}}}, ""
}

func (s *Server) linearCreate(raw any) (map[string]any, string) {
	in, ok := raw.(map[string]any)
	if !ok {
		return nil, `Variable "$input" of required type "IssueCreateInput!" was not provided.`
	}
	for k := range in {
		if !slices.Contains(linearInputFields, k) {
			return nil, fmt.Sprintf(`Variable "$input" got invalid value; Field "%s" is not defined by type "IssueCreateInput".`, k)
		}
	}
	title, _ := in["title"].(string)
	desc, _ := in["description"].(string)
	due, _ := in["dueDate"].(string)
	switch {
	case in["teamId"] == nil:
		return nil, `Variable "$input" got invalid value; Field "teamId" of required type "String!" was not provided.`
	case in["teamId"] != LinearTeamID:
		return nil, "Entity not found: Team - Could not find referenced Team."
	case strings.TrimSpace(title) == "":
		return nil, "Argument Validation Error: title should not be empty"
	case due != "" && !validDate(due):
		return nil, "Argument Validation Error: dueDate must be a date (YYYY-MM-DD)"
	}
	t := &Ticket{Title: title, Body: desc, Due: due}
	if a, ok := in["assigneeId"].(string); ok {
		if !s.knownUser(a) {
			return nil, "Entity not found: User - Could not find referenced User."
		}
		t.Assignee = a
	}
	ids, _ := in["labelIds"].([]any)
	for _, id := range ids {
		name := s.labelName(id)
		if name == "" {
			return nil, "Entity not found: IssueLabel - Could not find referenced IssueLabel."
		}
		t.Labels = append(t.Labels, name)
	}
	created := s.add(t, func(n int) (string, string) {
		key := fmt.Sprintf("%s-%d", LinearTeam, n)
		return key, "https://linear.example/fake/issue/" + key
	})
	return map[string]any{"issueCreate": map[string]any{"success": true, "issue": s.linearIssue(created)}}, ""
}

func (s *Server) labelName(id any) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	for name, lid := range s.labels {
		if lid == id {
			return name
		}
	}
	return ""
}
