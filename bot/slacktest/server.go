package slacktest

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// Fixed identities of the fake workspace and of the app under test.
const (
	TeamID     = "T0FAKE001"
	TeamDomain = "untangle-test"
	AppID      = "A0FAKEAPP"
	BotUserID  = "U0FAKEBOT"
	BotID      = "B0FAKEBOT"
	BotName    = "untangle"
)

// Default tokens accepted by a Server unless options change them.
const (
	DefaultBotToken = "xoxb-0000-fake-bot-token"
	DefaultAppToken = "xapp-1-A0FAKEAPP-0000-fake-app-token"
)

// config holds the tunables set by Options.
type config struct {
	botToken           string
	appToken           string
	pingInterval       time.Duration
	ackTimeout         time.Duration
	redeliveryInterval time.Duration
	maxRedeliveries    int
	triggerTTL         time.Duration
	homeTab            bool
	now                func() time.Time
	limitNow           func() time.Time // the rate limits' clock
	limits             map[string]Limit
	freePlan           bool     // channel canvases unavailable
	missingScopes      []string // scopes the bot token lacks
	spread             bool     // hand each envelope to a connection at random
	spreadSeed         uint64
}

// Option changes how a Server behaves.
type Option func(*config)

// WithBotToken sets the bot token (xoxb-) the Web API accepts.
func WithBotToken(tok string) Option { return func(c *config) { c.botToken = tok } }

// WithAppToken sets the app-level token (xapp-) apps.connections.open accepts.
func WithAppToken(tok string) Option { return func(c *config) { c.appToken = tok } }

// WithPingInterval sets how often websocket ping frames are sent (default 10 s).
func WithPingInterval(d time.Duration) Option { return func(c *config) { c.pingInterval = d } }

// WithAckTimeout sets how long slash commands and interactions wait for an ack (default 3 s).
func WithAckTimeout(d time.Duration) Option { return func(c *config) { c.ackTimeout = d } }

// WithRedelivery sets the wait before an unacked events_api envelope is
// redelivered (default 3 s) and how many redeliveries follow (default 3).
func WithRedelivery(d time.Duration, times int) Option {
	return func(c *config) { c.redeliveryInterval, c.maxRedeliveries = d, times }
}

// WithSpread hands each envelope to one of the app's open connections at
// random, from a generator seeded with seed, as Slack does with an app that
// runs several replicas; an unacked events_api envelope is redelivered to
// another connection when there is one. Without it every envelope goes to
// the newest connection, as a single process that reconnects expects.
func WithSpread(seed uint64) Option {
	return func(c *config) { c.spread, c.spreadSeed = true, seed }
}

// WithTriggerTTL sets how long a trigger_id stays valid (default 3 s).
func WithTriggerTTL(d time.Duration) Option { return func(c *config) { c.triggerTTL = d } }

// WithHomeTab enables or disables the App Home tab (default enabled); when
// disabled views.publish answers not_enabled.
func WithHomeTab(enabled bool) Option { return func(c *config) { c.homeTab = enabled } }

// WithClock replaces time.Now for trigger expiry and timestamps.
func WithClock(now func() time.Time) Option { return func(c *config) { c.now = now } }

// Server is a fake Slack workspace with one installed app.
type Server struct {
	cfg    config
	srv    *httptest.Server
	apiURL string
	closed chan struct{}
	wg     sync.WaitGroup

	mu      sync.Mutex
	changed chan struct{}
	seq     int
	lastTS  int64
	st      state
	sock    sockState
	limits  *limiter // rate limits (limits.go); has its own lock
}

// state is everything the fake workspace knows; guarded by Server.mu.
type state struct {
	users        map[string]*userRec
	userOrder    []string
	channels     map[string]*channelRec
	channelOrder []string
	ephemerals   []Message
	triggers     map[string]*triggerRec
	views        map[string]*viewRec
	stacks       map[string][]string
	homes        map[string]string
	files        map[string]*fileRec
	fileOrder    []string
	calls        []Call
	failures     []Failure
	faults       map[string]*fault
	respURLs     map[string]*responseURL
	respExpired  bool // every response_url answers expired_url (ExpireResponseURLs)
	bookmarks    []Bookmark
	canvases     map[string]*canvasRec
}

// userRec is a workspace member.
type userRec struct {
	id, name string
	dm       string
	guest    bool // a guest account: only its admin may add it to channels
}

// fault is a pending injected failure of one Web API method.
type fault struct {
	rateLimited int
	retryAfter  int
	serverErr   int
}

// New starts a Server for a test and closes it in t.Cleanup.
func New(t testing.TB, opts ...Option) *Server {
	t.Helper()
	s, err := NewServer(opts...)
	if err != nil {
		t.Fatalf("slacktest: %v", err)
	}
	t.Cleanup(s.Close)
	return s
}

// NewServer starts a Server on 127.0.0.1 outside of tests; call Close when done.
func NewServer(opts ...Option) (*Server, error) {
	cfg := config{
		botToken:           DefaultBotToken,
		appToken:           DefaultAppToken,
		pingInterval:       10 * time.Second,
		ackTimeout:         3 * time.Second,
		redeliveryInterval: 3 * time.Second,
		maxRedeliveries:    3,
		triggerTTL:         3 * time.Second,
		homeTab:            true,
		now:                time.Now,
		limitNow:           time.Now,
		limits:             DefaultLimits(),
	}
	for _, o := range opts {
		o(&cfg)
	}
	if !strings.HasPrefix(cfg.botToken, "xoxb-") || !strings.HasPrefix(cfg.appToken, "xapp-") {
		return nil, fmt.Errorf("new server: bot token must start with xoxb- and app token with xapp-")
	}
	s := &Server{cfg: cfg, closed: make(chan struct{}), changed: make(chan struct{}), limits: newLimiter(cfg.limits)}
	s.st = state{
		users: map[string]*userRec{}, channels: map[string]*channelRec{},
		triggers: map[string]*triggerRec{}, views: map[string]*viewRec{},
		stacks: map[string][]string{}, homes: map[string]string{},
		files: map[string]*fileRec{}, faults: map[string]*fault{},
		respURLs: map[string]*responseURL{},
	}
	s.sock = newSockState()
	s.sock.rng = rand.New(rand.NewPCG(cfg.spreadSeed, 0x736c61636b)) // used only with WithSpread
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("new server: listen on loopback: %w", err)
	}
	s.srv = &httptest.Server{Listener: ln, Config: &http.Server{Handler: s.routes()}}
	s.srv.Start()
	s.apiURL = s.srv.URL + "/api/"
	s.st.users[BotUserID] = &userRec{id: BotUserID, name: BotName}
	s.AddChannel("general", ChannelOptions{})
	return s, nil
}

// Close drops every websocket, stops background work and shuts the server down.
func (s *Server) Close() {
	select {
	case <-s.closed:
		return
	default:
	}
	close(s.closed)
	s.srv.Close() // no new requests; waits for running handlers
	s.closeAllConns()
	s.wg.Wait()
}

// APIURL is the Web API base URL, with the trailing slash slack-go needs.
func (s *Server) APIURL() string { return s.apiURL }

// BotToken is the bot token the Web API accepts.
func (s *Server) BotToken() string { return s.cfg.botToken }

// AppToken is the app-level token apps.connections.open accepts.
func (s *Server) AppToken() string { return s.cfg.appToken }

// now returns the configured clock's time.
func (s *Server) now() time.Time { return s.cfg.now() }

// notifyLocked wakes every waiter; callers hold s.mu.
func (s *Server) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// nextID returns a fresh Slack-style id with the given prefix; callers hold s.mu.
func (s *Server) nextID(prefix string) string {
	s.seq++
	return fmt.Sprintf("%s0%07X", prefix, s.seq)
}

// nextTS returns a fresh, strictly increasing message timestamp; callers hold s.mu.
func (s *Server) nextTS() string {
	us := s.now().UnixMicro()
	if us <= s.lastTS {
		us = s.lastTS + 1
	}
	s.lastTS = us
	return fmt.Sprintf("%d.%06d", us/1e6, us%1e6)
}

// AddUser adds a workspace member and returns a handle that acts as that person.
func (s *Server) AddUser(name string) User {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := s.nextID("U")
	s.st.users[id] = &userRec{id: id, name: name}
	s.st.userOrder = append(s.st.userOrder, id)
	for _, cid := range s.st.channelOrder {
		if c := s.st.channels[cid]; c.name == "general" {
			c.members[id] = true
		}
	}
	s.notifyLocked()
	return User{ID: id, Name: name, s: s}
}

// MakeGuest turns u into a guest account (is_restricted): apps cannot
// invite it into channels (conversations.invite answers cant_invite).
func (s *Server) MakeGuest(u User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if rec, ok := s.st.users[u.ID]; ok {
		rec.guest = true
	}
}

// User returns the handle of an existing member by id.
func (s *Server) User(id string) (User, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.st.users[id]
	if !ok || id == BotUserID {
		return User{}, false
	}
	return User{ID: u.id, Name: u.name, s: s}, true
}

// Call is one Web API request the app made.
type Call struct {
	Method string            // e.g. "chat.postMessage"
	Params map[string]string // form fields or top-level JSON fields, token removed
	Error  string            // Slack error name, "" when ok
	Status int               // HTTP status code
}

// Calls returns every Web API request so far, in order.
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Call(nil), s.st.calls...)
}

// CallsTo returns the requests made to one method.
func (s *Server) CallsTo(method string) []Call {
	var out []Call
	for _, c := range s.Calls() {
		if c.Method == method {
			out = append(out, c)
		}
	}
	return out
}

// Failure is something Slack would show the user as an error, or a
// protocol violation by the app, such as a missed ack.
type Failure struct {
	Kind       string // "ack_timeout", "generic_error", "invalid_ack", "response_url"
	EnvelopeID string
	Type       string // envelope type or payload type
	Detail     string
}

// Failures returns every failure recorded so far.
func (s *Server) Failures() []Failure {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Failure(nil), s.st.failures...)
}

// recordFailure stores a failure and wakes waiters.
func (s *Server) recordFailure(f Failure) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.failures = append(s.st.failures, f)
	s.notifyLocked()
}

// InjectRateLimit makes the next n calls of method fail with HTTP 429,
// Retry-After: retryAfter and {"ok":false,"error":"ratelimited"}.
func (s *Server) InjectRateLimit(method string, n, retryAfter int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.faultLocked(method)
	f.rateLimited, f.retryAfter = n, retryAfter
}

// InjectServerError makes the next n calls of method fail with HTTP 503.
func (s *Server) InjectServerError(method string, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faultLocked(method).serverErr = n
}

// faultLocked returns the fault record of a method; callers hold s.mu.
func (s *Server) faultLocked(method string) *fault {
	f, ok := s.st.faults[method]
	if !ok {
		f = &fault{}
		s.st.faults[method] = f
	}
	return f
}

// waitFor blocks until cond (called with s.mu held) returns true or ctx ends.
func (s *Server) waitFor(ctx context.Context, cond func() bool) error {
	for {
		s.mu.Lock()
		ok := cond()
		ch := s.changed
		s.mu.Unlock()
		if ok {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return fmt.Errorf("slacktest: wait: %w", ctx.Err())
		case <-s.closed:
			return fmt.Errorf("slacktest: wait: server closed")
		}
	}
}

// mustJSON marshals v, which is always marshalable here.
func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("slacktest: marshal %T: %v", v, err))
	}
	return b
}
