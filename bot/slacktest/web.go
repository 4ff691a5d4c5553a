package slacktest

import (
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// request is one decoded Web API call.
type request struct {
	method string
	token  string
	bearer bool // the token came in an Authorization: Bearer header
	params map[string]string
	rawKey map[string]json.RawMessage
}

// get returns a parameter as a string ("" when absent).
func (r *request) get(key string) string { return r.params[key] }

// apiError is a Slack error answer: {"ok":false,"error":code,...extra}.
type apiError struct {
	code  string
	extra map[string]any
}

// fail builds an apiError with an error name.
func fail(code string) *apiError { return &apiError{code: code} }

// result is a successful answer's fields besides "ok".
type result = map[string]any

// handler serves one Web API method; it runs with s.mu held.
type handler func(s *Server, r *request) (result, *apiError)

// methods maps Web API method names to handlers.
func methods() map[string]handler {
	return map[string]handler{
		"auth.test":                     (*Server).authTest,
		"apps.connections.open":         (*Server).appsConnectionsOpen,
		"chat.postMessage":              (*Server).chatPostMessage,
		"chat.postEphemeral":            (*Server).chatPostEphemeral,
		"chat.update":                   (*Server).chatUpdate,
		"chat.getPermalink":             (*Server).chatGetPermalink,
		"conversations.create":          (*Server).convCreate,
		"conversations.invite":          (*Server).convInvite,
		"conversations.setTopic":        (*Server).convSetTopic,
		"conversations.setPurpose":      (*Server).convSetPurpose,
		"conversations.archive":         (*Server).convArchive,
		"conversations.unarchive":       (*Server).convUnarchive,
		"conversations.info":            (*Server).convInfo,
		"conversations.members":         (*Server).convMembers,
		"conversations.join":            (*Server).convJoin,
		"conversations.open":            (*Server).convOpen,
		"pins.add":                      (*Server).pinsAdd,
		"bookmarks.add":                 (*Server).bookmarksAdd,
		"conversations.canvases.create": (*Server).convCanvasesCreate,
		"canvases.edit":                 (*Server).canvasesEdit,
		"reactions.add":                 (*Server).reactionsAdd,
		"views.open":                    (*Server).viewsOpen,
		"views.push":                    (*Server).viewsPush,
		"views.update":                  (*Server).viewsUpdate,
		"views.publish":                 (*Server).viewsPublish,
		"users.info":                    (*Server).usersInfo,
		"files.getUploadURLExternal":    (*Server).filesGetUploadURL,
		"files.completeUploadExternal":  (*Server).filesComplete,
	}
}

// routes builds the HTTP handler of the whole fake.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	table := methods()
	mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) { s.serveAPI(w, r, table) })
	mux.HandleFunc("/upload/v1/", s.serveUpload)
	mux.HandleFunc("/link/", s.serveSocket)
	mux.HandleFunc("/response/", s.serveResponseURL)
	return mux
}

// serveAPI decodes, authenticates and dispatches one Web API call.
func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request, table map[string]handler) {
	method := strings.TrimPrefix(r.URL.Path, "/api/")
	req, err := parseRequest(r, method)
	if err != nil {
		s.answer(w, req, 200, nil, fail("invalid_form_data"))
		return
	}
	if status, retry := s.takeFault(method); status != 0 {
		if retry > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(retry))
		}
		s.answer(w, req, status, nil, fail("ratelimited"))
		return
	}
	if retry := s.limits.take(method, req.get("channel"), s.cfg.limitNow()); retry > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(retry))
		s.answer(w, req, http.StatusTooManyRequests, nil, fail("ratelimited"))
		return
	}
	h, ok := table[method]
	if !ok {
		s.answer(w, req, 200, nil, fail("unknown_method"))
		return
	}
	if e := s.authenticate(req); e != nil {
		s.answer(w, req, 200, nil, e)
		return
	}
	s.mu.Lock()
	res, e := h(s, req)
	s.mu.Unlock()
	s.answer(w, req, 200, res, e)
}

// takeFault consumes one injected fault for method, returning its HTTP status.
func (s *Server) takeFault(method string) (status, retryAfter int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f, ok := s.st.faults[method]
	switch {
	case !ok:
		return 0, 0
	case f.rateLimited > 0:
		f.rateLimited--
		return http.StatusTooManyRequests, f.retryAfter
	case f.serverErr > 0:
		f.serverErr--
		return http.StatusServiceUnavailable, 0
	}
	return 0, 0
}

// parseRequest reads form, query or JSON parameters and the token.
func parseRequest(r *http.Request, method string) (*request, error) {
	req := &request{method: method, params: map[string]string{}, rawKey: map[string]json.RawMessage{}}
	if auth := r.Header.Get("Authorization"); strings.HasPrefix(auth, "Bearer ") {
		req.token, req.bearer = strings.TrimPrefix(auth, "Bearer "), true
	}
	for k, v := range r.URL.Query() {
		req.params[k] = v[0]
	}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	body, err := io.ReadAll(io.LimitReader(r.Body, 8<<20))
	if err != nil {
		return req, err
	}
	switch ct {
	case "application/json":
		err = req.fromJSON(body)
	default:
		err = req.fromForm(body)
	}
	if tok := req.params["token"]; tok != "" && req.token == "" {
		req.token = tok
	}
	delete(req.params, "token")
	return req, err
}

// fromJSON decodes a JSON body; nested values are kept as JSON text.
func (req *request) fromJSON(body []byte) error {
	if len(strings.TrimSpace(string(body))) == 0 || string(body) == "null\n" || string(body) == "null" {
		return nil
	}
	if err := json.Unmarshal(body, &req.rawKey); err != nil {
		return err
	}
	for k, v := range req.rawKey {
		req.params[k] = jsonText(v)
	}
	return nil
}

// jsonText returns the string a JSON value holds, or the value's JSON text
// when it is not a string (an object, say).
func jsonText(v json.RawMessage) string {
	var s string
	if len(v) > 0 && v[0] == '"' && json.Unmarshal(v, &s) == nil {
		return s
	}
	return string(v)
}

// fromForm decodes an application/x-www-form-urlencoded body.
func (req *request) fromForm(body []byte) error {
	vals, err := url.ParseQuery(string(body))
	if err != nil {
		return err
	}
	for k, v := range vals {
		req.params[k] = v[0]
	}
	return nil
}

// authenticate checks the token the method needs.
func (s *Server) authenticate(req *request) *apiError {
	if req.method == "apps.connections.open" {
		return nil // checked by the handler: it needs the Bearer app token.
	}
	switch {
	case req.token == "":
		return fail("not_authed")
	case req.token == s.cfg.appToken:
		return fail("not_allowed_token_type")
	case req.token != s.cfg.botToken:
		return fail("invalid_auth")
	}
	return nil
}

// answer writes the JSON response and records the call.
func (s *Server) answer(w http.ResponseWriter, req *request, status int, res result, e *apiError) {
	body := map[string]any{"ok": e == nil}
	for k, v := range res {
		body[k] = v
	}
	if e != nil {
		body["error"] = e.code
		for k, v := range e.extra {
			body[k] = v
		}
	}
	s.record(req, status, e)
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

// record appends a Call to the log.
func (s *Server) record(req *request, status int, e *apiError) {
	c := Call{Status: status}
	if req != nil {
		c.Method = req.method
		c.Params = req.params
	}
	if e != nil {
		c.Error = e.code
	}
	s.mu.Lock()
	s.st.calls = append(s.st.calls, c)
	s.notifyLocked()
	s.mu.Unlock()
}

// authTest answers auth.test for the bot token.
func (s *Server) authTest(_ *request) (result, *apiError) {
	return result{
		"url": "https://" + TeamDomain + ".slack.com/", "team": "Untangle Test",
		"user": BotName, "team_id": TeamID, "user_id": BotUserID, "bot_id": BotID,
		"is_enterprise_install": false,
	}, nil
}

// usersInfo answers users.info.
func (s *Server) usersInfo(r *request) (result, *apiError) {
	u, ok := s.st.users[r.get("user")]
	if !ok {
		return nil, fail("user_not_found")
	}
	return result{"user": s.userJSON(u)}, nil
}

// userJSON renders a user object as Slack does.
func (s *Server) userJSON(u *userRec) map[string]any {
	return map[string]any{
		"id": u.id, "team_id": TeamID, "name": u.name, "real_name": u.name,
		"is_bot": u.id == BotUserID, "deleted": false, "tz": "Etc/UTC", "is_restricted": u.guest,
		"profile": map[string]any{"real_name": u.name, "display_name": u.name, "email": u.name + "@example.com"},
	}
}
