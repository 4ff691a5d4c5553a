// Package trackertest has strict fakes of the three trackers' APIs (GitHub
// Issues REST, Jira Cloud REST v3, Linear GraphQL) on loopback, for tests
// and for trying untangle without a tracker account. Each refuses what the
// real service refuses (wrong or missing credentials and headers, missing
// fields, bodies over the limits, descriptions that are not valid Atlassian
// Document Format, unknown GraphQL input fields), can inject every fault a
// client must survive, and can close and reopen tickets.
package trackertest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"time"
)

// Op is the kind of call a fault is injected into.
type Op string

// Calls a fault can target.
const (
	OpCreate Op = "create" // filing a ticket
	OpRead   Op = "read"   // reading one ticket
	OpFind   Op = "find"   // searching or listing tickets
	OpCheck  Op = "check"  // the credential check's read call
	OpOther  Op = "other"  // lookups of teams, labels, users
	OpAny    Op = "any"    // the next call of any kind
)

// Fault is an injected failure of one call.
type Fault struct {
	// Status is the HTTP status to answer (401, 403, 404, 410, 422, 400,
	// 429, 500, 502, 503…), in the tracker's own error format.
	Status int
	// RetryAfter, when not zero, is sent as the tracker sends its wait:
	// Retry-After for GitHub and Jira, the rate-limit reset for Linear.
	RetryAfter time.Duration
	// Secondary makes a GitHub 403 or 429 a secondary rate limit.
	Secondary bool
	// Primary makes a GitHub 403 the primary rate limit: no requests left
	// (X-RateLimit-Remaining: 0) until X-RateLimit-Reset, RetryAfter from now.
	Primary bool
	// TimeoutAfterCreate files the ticket, then sends no answer until the
	// client gives up (or the fake closes): an unknown outcome.
	TimeoutAfterCreate bool
	// Message replaces the default error message.
	Message string
}

// State is where a fake ticket stands.
type State string

// Ticket states, mapped to each tracker's own.
const (
	StateOpen       State = "open"
	StateInProgress State = "in_progress"
	StateDone       State = "done"
	StateCanceled   State = "canceled"
)

// Ticket is a ticket as the fake stores it.
type Ticket struct {
	Key         string
	Number      int
	URL         string
	Title       string
	Body        string          // Markdown (GitHub, Linear)
	Description json.RawMessage // ADF (Jira)
	Labels      []string
	Due         string
	Assignee    string
	State       State
	Created     time.Time
}

// Call is one request the fake answered.
type Call struct {
	Op     Op
	Method string
	Path   string
	Status int
}

type queued struct {
	op Op
	f  Fault
}

// Server is one fake tracker.
type Server struct {
	Kind string // "github", "jira" or "linear"

	mu      sync.Mutex
	tickets []*Ticket
	faults  []queued
	calls   []Call
	users   map[string]string // e-mail → account or user id
	labels  map[string]string // Linear: lower-case name → id
	misses  int               // searches still to answer as a lagging index would
	latency time.Duration     // how long each answer is held after the work is done
	closing chan struct{}
	closed  sync.Once
	srv     *httptest.Server
	now     func() time.Time
}

func newServer(kind string, h func(s *Server) http.Handler) *Server {
	s := &Server{Kind: kind, users: map[string]string{}, labels: map[string]string{}, closing: make(chan struct{}), now: time.Now}
	s.srv = httptest.NewServer(h(s))
	return s
}

// Close stops the fake; calls held by a timeout fault end at once.
func (s *Server) Close() {
	s.closed.Do(func() { close(s.closing) })
	s.srv.Close()
}

// Inject queues f for the next call of kind op (OpAny: of any kind).
func (s *Server) Inject(op Op, f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, queued{op, f})
}

// takeFault removes and returns the first fault queued for op.
func (s *Server) takeFault(op Op) (Fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, q := range s.faults {
		if q.op == op || q.op == OpAny {
			s.faults = slices.Delete(s.faults, i, i+1)
			return q.f, true
		}
	}
	return Fault{}, false
}

// SetSearchMisses makes the next n searches (Jira's JQL, GitHub's search
// API) find nothing, as a search index that has not caught up yet.
func (s *Server) SetSearchMisses(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.misses = n
}

// indexMiss consumes one lagging search, if any is left.
func (s *Server) indexMiss() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.misses > 0 {
		s.misses--
		return true
	}
	return false
}

// AddUser makes an account with this e-mail address known (for assignees)
// and returns its id.
func (s *Server) AddUser(email string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := fmt.Sprintf("user-%d", len(s.users)+1)
	s.users[email] = id
	return id
}

func (s *Server) userByEmail(email string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.users[email]
}

func (s *Server) knownUser(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, v := range s.users {
		if v == id {
			return true
		}
	}
	return false
}

// Tickets returns copies of the tickets filed so far, oldest first.
func (s *Server) Tickets() []Ticket {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Ticket, len(s.tickets))
	for i, t := range s.tickets {
		out[i] = *t
		out[i].Labels = slices.Clone(t.Labels)
	}
	return out
}

// SetState closes, cancels, starts or reopens the ticket with this key, as
// a person would in the tracker.
func (s *Server) SetState(key string, st State) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, t := range s.tickets {
		if t.Key == key {
			t.State = st
			return nil
		}
	}
	return fmt.Errorf("trackertest: no ticket %s", key)
}

// Delete removes the ticket with this key (reads then answer gone).
func (s *Server) Delete(key string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tickets = slices.DeleteFunc(s.tickets, func(t *Ticket) bool { return t.Key == key })
}

// Calls returns every call answered so far.
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.calls)
}

func (s *Server) record(c Call) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = append(s.calls, c)
}

// add stores a new ticket, numbering it, and returns a copy.
func (s *Server) add(t *Ticket, key func(n int) (string, string)) Ticket {
	s.mu.Lock()
	defer s.mu.Unlock()
	t.Number = len(s.tickets) + 1
	t.Key, t.URL = key(t.Number)
	t.State, t.Created = StateOpen, s.now()
	s.tickets = append(s.tickets, t)
	return *t
}

func (s *Server) find(match func(*Ticket) bool) (Ticket, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, t := range s.tickets {
		if match(t) {
			return *t, true
		}
	}
	return Ticket{}, false
}

func (s *Server) all(match func(*Ticket) bool) []Ticket {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Ticket
	for _, t := range s.tickets {
		if match(t) {
			out = append(out, *t)
		}
	}
	return out
}

// SetLatency makes every answer come d after the fake did the work (a
// ticket is filed at once, its answer arrives later), as a slow tracker's
// would: a client that dies meanwhile does not know what happened.
func (s *Server) SetLatency(d time.Duration) {
	s.mu.Lock()
	s.latency = d
	s.mu.Unlock()
}

// withFaults runs handle unless a fault is queued for op: a status fault
// is answered by fault instead; a timeout fault lets handle do its work and
// then holds the answer back. Answers wait out the latency (SetLatency).
func (s *Server) withFaults(w http.ResponseWriter, r *http.Request, op Op, fault func(http.ResponseWriter, Fault), handle func()) {
	f, ok := s.takeFault(op)
	switch {
	case ok && !f.TimeoutAfterCreate:
		fault(w, f)
	case ok:
		defer s.hold(r)
		handle()
	default:
		defer s.delay(r)
		handle()
	}
}

// delay holds an answer for the latency, or until the client gives up or
// the fake closes.
func (s *Server) delay(r *http.Request) {
	s.mu.Lock()
	d := s.latency
	s.mu.Unlock()
	if d <= 0 {
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-r.Context().Done():
	case <-s.closing:
	}
}

// hold answers nothing until the client gives up or the fake closes.
func (s *Server) hold(r *http.Request) {
	select {
	case <-r.Context().Done():
	case <-s.closing:
	}
}

// statusWriter records the status of each answer.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// retryAfterSeconds is f's wait in whole seconds, at least 1.
func retryAfterSeconds(f Fault) string {
	return fmt.Sprint(max(int(f.RetryAfter.Round(time.Second)/time.Second), 1))
}

func defaultMessage(f Fault, def string) string {
	if f.Message != "" {
		return f.Message
	}
	return def
}

// Env returns the settings that point `untangle serve` at this fake, as
// NAME=value lines.
func (s *Server) Env() []string {
	switch s.Kind {
	case "github":
		return []string{"UNTANGLE_TRACKER=github", "UNTANGLE_GITHUB_REPO=" + GitHubRepo,
			"UNTANGLE_GITHUB_TOKEN=" + GitHubToken, "UNTANGLE_GITHUB_API_URL=" + s.URL()}
	case "jira":
		return []string{"UNTANGLE_TRACKER=jira", "UNTANGLE_JIRA_URL=" + s.URL(), "UNTANGLE_JIRA_EMAIL=" + JiraEmail,
			"UNTANGLE_JIRA_TOKEN=" + JiraToken, "UNTANGLE_JIRA_PROJECT=" + JiraProject}
	}
	return []string{"UNTANGLE_TRACKER=linear", "UNTANGLE_LINEAR_TOKEN=" + LinearToken,
		"UNTANGLE_LINEAR_TEAM=" + LinearTeam, "UNTANGLE_LINEAR_API_URL=" + s.URL()}
}

// Start starts the fake of the named tracker: github, jira or linear.
func Start(kind string) (*Server, error) {
	switch kind {
	case "github":
		return NewGitHub(), nil
	case "jira":
		return NewJira(), nil
	case "linear":
		return NewLinear(), nil
	}
	return nil, fmt.Errorf("unknown tracker %q: use github, jira or linear", kind)
}
