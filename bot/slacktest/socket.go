package slacktest

import (
	"context"
	crand "crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// ErrNoAck is returned when the app did not ack an envelope in time.
var ErrNoAck = errors.New("slacktest: app did not ack in time")

// MaxAckBytes is the ack size from which Slack silently drops an ack (slack-go refuses them too).
const MaxAckBytes = 20480

// MaxConnections is the number of simultaneous Socket Mode connections Slack allows per app.
const MaxConnections = 10

// sockState is the Socket Mode side of the fake; guarded by Server.mu.
type sockState struct {
	tickets    map[string]bool
	conns      map[int]*wsConn
	nextConn   int
	connects   int
	pending    map[string]chan json.RawMessage
	deliveries map[string]int
	acked      map[string]bool
	pauseUntil time.Time
	rng        *rand.Rand     // picks connections under WithSpread
	lastConn   map[string]int // envelope id → the connection it last went to
	perConn    map[int]int    // connection id → envelopes sent to it
}

// newSockState returns an empty Socket Mode state.
func newSockState() sockState {
	return sockState{
		tickets: map[string]bool{}, conns: map[int]*wsConn{},
		pending: map[string]chan json.RawMessage{}, deliveries: map[string]int{}, acked: map[string]bool{},
		lastConn: map[string]int{}, perConn: map[int]int{},
	}
}

// wsConn is one app websocket.
type wsConn struct {
	id       int
	ws       *websocket.Conn
	wmu      sync.Mutex
	done     chan struct{}
	draining bool // a disconnect was sent; no new envelopes go here
}

// write sends one JSON frame.
func (c *wsConn) write(v any) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	_ = c.ws.SetWriteDeadline(time.Now().Add(5 * time.Second))
	if err := c.ws.WriteJSON(v); err != nil {
		return fmt.Errorf("write websocket frame: %w", err)
	}
	return nil
}

// ping sends a websocket ping control frame.
func (c *wsConn) ping() error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	return c.ws.WriteControl(websocket.PingMessage, []byte("ping"), time.Now().Add(5*time.Second))
}

// newUUID returns a random RFC 4122 version 4 UUID.
func newUUID() string {
	var b [16]byte
	_, _ = crand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// appsConnectionsOpen answers apps.connections.open with a loopback ws:// URL.
func (s *Server) appsConnectionsOpen(r *request) (result, *apiError) {
	switch {
	case r.token == "":
		return nil, fail("not_authed")
	case !r.bearer:
		return nil, fail("invalid_auth")
	case r.token == s.cfg.botToken:
		return nil, fail("not_allowed_token_type")
	case r.token != s.cfg.appToken:
		return nil, fail("invalid_auth")
	case len(s.sock.conns) >= MaxConnections:
		return nil, fail("too_many_websockets")
	}
	ticket := newUUID()
	s.sock.tickets[ticket] = true
	host := strings.TrimPrefix(strings.TrimSuffix(s.apiURL, "/api/"), "http://")
	return result{"url": fmt.Sprintf("ws://%s/link/?ticket=%s&app_id=%s", host, ticket, AppID)}, nil
}

// serveSocket upgrades a ticketed request to the Socket Mode websocket.
func (s *Server) serveSocket(w http.ResponseWriter, r *http.Request) {
	ticket := r.URL.Query().Get("ticket")
	select {
	case <-s.closed:
		http.Error(w, "server closing", http.StatusServiceUnavailable)
		return
	default:
	}
	s.mu.Lock()
	ok := s.sock.tickets[ticket]
	delete(s.sock.tickets, ticket)
	s.mu.Unlock()
	if !ok {
		http.Error(w, "invalid or used ticket", http.StatusUnauthorized)
		return
	}
	up := websocket.Upgrader{CheckOrigin: func(r *http.Request) bool {
		o := r.Header.Get("Origin")
		return o == "" || o == "https://api.slack.com"
	}}
	ws, err := up.Upgrade(w, r, nil)
	if err != nil {
		return // the upgrader already answered
	}
	c := s.register(ws)
	hello := map[string]any{
		"type": "hello", "num_connections": s.connCount(),
		"connection_info": map[string]any{"app_id": AppID},
		"debug_info":      map[string]any{"host": "applink-fake", "build_number": 1, "approximate_connection_time": 18060},
	}
	if err := c.write(hello); err != nil {
		s.unregister(c)
		return
	}
	s.wg.Add(2)
	go s.pingLoop(c)
	go s.readLoop(c)
}

// register records a new connection.
func (s *Server) register(ws *websocket.Conn) *wsConn {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sock.nextConn++
	s.sock.connects++
	c := &wsConn{id: s.sock.nextConn, ws: ws, done: make(chan struct{})}
	s.sock.conns[c.id] = c
	s.notifyLocked()
	return c
}

// unregister forgets a connection and closes it.
func (s *Server) unregister(c *wsConn) {
	s.mu.Lock()
	if _, ok := s.sock.conns[c.id]; ok {
		delete(s.sock.conns, c.id)
		close(c.done)
		s.notifyLocked()
	}
	s.mu.Unlock()
	_ = c.ws.Close()
}

// connCount returns the number of open connections.
func (s *Server) connCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.sock.conns)
}

// pingLoop sends ping frames until the connection ends.
func (s *Server) pingLoop(c *wsConn) {
	defer s.wg.Done()
	t := time.NewTicker(s.cfg.pingInterval)
	defer t.Stop()
	for {
		select {
		case <-c.done:
			return
		case <-s.closed:
			return
		case <-t.C:
		}
		s.mu.Lock()
		paused := time.Now().Before(s.sock.pauseUntil)
		s.mu.Unlock()
		if paused {
			continue
		}
		if err := c.ping(); err != nil {
			s.unregister(c)
			return
		}
	}
}

// ackFrame is what the app sends back on the socket.
type ackFrame struct {
	EnvelopeID string          `json:"envelope_id"`
	Payload    json.RawMessage `json:"payload"`
}

// readLoop reads acks until the connection ends.
func (s *Server) readLoop(c *wsConn) {
	defer s.wg.Done()
	defer s.unregister(c)
	for {
		_, data, err := c.ws.ReadMessage()
		if err != nil {
			return
		}
		var a ackFrame
		if err := json.Unmarshal(data, &a); err != nil || a.EnvelopeID == "" {
			s.recordFailure(Failure{Kind: "invalid_ack", Detail: string(data)})
			continue
		}
		if len(data) >= MaxAckBytes {
			s.recordFailure(Failure{Kind: "invalid_ack", EnvelopeID: a.EnvelopeID, Detail: fmt.Sprintf("ack of %d bytes dropped (limit %d)", len(data), MaxAckBytes)})
			continue
		}
		s.mu.Lock()
		ch, ok := s.sock.pending[a.EnvelopeID]
		if ok {
			delete(s.sock.pending, a.EnvelopeID)
			s.sock.acked[a.EnvelopeID] = true
			ch <- a.Payload
		}
		s.mu.Unlock()
		if !ok {
			s.recordFailure(Failure{Kind: "invalid_ack", EnvelopeID: a.EnvelopeID, Detail: "ack for an unknown or already acked envelope"})
		}
	}
}

// closeAllConns closes every websocket abruptly.
func (s *Server) closeAllConns() {
	s.mu.Lock()
	conns := make([]*wsConn, 0, len(s.sock.conns))
	for _, c := range s.sock.conns {
		conns = append(conns, c)
	}
	s.mu.Unlock()
	for _, c := range conns {
		_ = c.ws.UnderlyingConn().Close()
		s.unregister(c)
	}
}

// DropConnections closes every Socket Mode websocket without a close frame.
func (s *Server) DropConnections() { s.closeAllConns() }

// SendDisconnect sends a disconnect frame ("warning", "refresh_requested",
// "link_disabled") on every connection; no new envelopes go to them.
func (s *Server) SendDisconnect(reason string) {
	s.mu.Lock()
	conns := make([]*wsConn, 0, len(s.sock.conns))
	for _, c := range s.sock.conns {
		c.draining = true
		conns = append(conns, c)
	}
	s.mu.Unlock()
	for _, c := range conns {
		_ = c.write(map[string]any{"type": "disconnect", "reason": reason, "debug_info": map[string]any{"host": "wss-fake"}})
	}
}

// PausePings stops sending ping frames for d.
func (s *Server) PausePings(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sock.pauseUntil = time.Now().Add(d)
}

// Connects returns how many websocket connections the app has opened so far.
func (s *Server) Connects() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sock.connects
}

// WaitForConnectsAtLeast waits until the app has opened n websockets in total
// and one is usable, e.g. after DropConnections.
func (s *Server) WaitForConnectsAtLeast(ctx context.Context, n int) error {
	return s.waitFor(ctx, func() bool { return s.sock.connects >= n && s.liveConnLocked() != nil })
}

// WaitForConnection waits until the app has an open, usable websocket.
func (s *Server) WaitForConnection(ctx context.Context) error {
	return s.waitFor(ctx, func() bool { return s.liveConnLocked() != nil })
}

// liveConnLocked returns a connection that can take envelopes; callers hold s.mu.
func (s *Server) liveConnLocked() *wsConn {
	var best *wsConn
	for _, c := range s.sock.conns {
		if !c.draining && (best == nil || c.id > best.id) {
			best = c
		}
	}
	return best
}

// pickConnLocked returns the connection an envelope goes to: the newest
// live one, or under WithSpread one at random, avoiding the one the
// envelope last went to when another is open. Callers hold s.mu.
func (s *Server) pickConnLocked(envelopeID string) *wsConn {
	if !s.cfg.spread {
		return s.liveConnLocked()
	}
	var live []*wsConn
	for _, c := range s.sock.conns {
		if !c.draining {
			live = append(live, c)
		}
	}
	if len(live) == 0 {
		return nil
	}
	sort.Slice(live, func(i, j int) bool { return live[i].id < live[j].id }) // map order is not seeded
	if last, ok := s.sock.lastConn[envelopeID]; ok && len(live) > 1 {
		others := live[:0:0]
		for _, c := range live {
			if c.id != last {
				others = append(others, c)
			}
		}
		live = others
	}
	return live[s.sock.rng.IntN(len(live))]
}

// EnvelopesPerConnection returns how many envelopes each connection the app
// ever opened was sent, in the order they connected.
func (s *Server) EnvelopesPerConnection() []int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]int, s.sock.nextConn)
	for id, n := range s.sock.perConn {
		out[id-1] = n
	}
	return out
}

// envelope is a Slack → app Socket Mode message.
type envelope struct {
	EnvelopeID             string `json:"envelope_id"`
	Type                   string `json:"type"`
	Payload                any    `json:"payload"`
	AcceptsResponsePayload bool   `json:"accepts_response_payload"`
	RetryAttempt           *int   `json:"retry_attempt,omitempty"`
	RetryReason            string `json:"retry_reason,omitempty"`
}

// send writes an envelope to a live connection, waiting for one if needed,
// and returns the channel its ack arrives on.
func (s *Server) send(ctx context.Context, env envelope) (<-chan json.RawMessage, error) {
	if err := s.WaitForConnection(ctx); err != nil {
		return nil, fmt.Errorf("send %s envelope: %w", env.Type, err)
	}
	s.mu.Lock()
	c := s.pickConnLocked(env.EnvelopeID)
	if c != nil {
		s.sock.lastConn[env.EnvelopeID] = c.id
		s.sock.perConn[c.id]++
	}
	ch, ok := s.sock.pending[env.EnvelopeID]
	if !ok {
		ch = make(chan json.RawMessage, 1)
		s.sock.pending[env.EnvelopeID] = ch
	}
	s.sock.deliveries[env.EnvelopeID]++
	s.mu.Unlock()
	if c == nil {
		return nil, fmt.Errorf("send %s envelope: connection went away", env.Type)
	}
	if err := c.write(env); err != nil {
		return nil, fmt.Errorf("send %s envelope: %w", env.Type, err)
	}
	return ch, nil
}

// roundTrip delivers a slash command or interaction and waits for its ack.
func (s *Server) roundTrip(ctx context.Context, typ string, payload any) (*Ack, error) {
	env := envelope{EnvelopeID: newUUID(), Type: typ, Payload: payload, AcceptsResponsePayload: true}
	ch, err := s.send(ctx, env)
	if err != nil {
		return nil, err
	}
	t := time.NewTimer(s.cfg.ackTimeout)
	defer t.Stop()
	select {
	case p := <-ch:
		return &Ack{EnvelopeID: env.EnvelopeID, Payload: p}, nil
	case <-t.C:
		s.expire(env.EnvelopeID)
		s.recordFailure(Failure{Kind: "ack_timeout", EnvelopeID: env.EnvelopeID, Type: typ, Detail: payloadType(payload)})
		return nil, fmt.Errorf("%s envelope %s: %w", typ, env.EnvelopeID, ErrNoAck)
	case <-ctx.Done():
		s.expire(env.EnvelopeID)
		return nil, fmt.Errorf("%s envelope %s: %w", typ, env.EnvelopeID, ctx.Err())
	}
}

// expire forgets a pending envelope so a late ack is reported as invalid.
func (s *Server) expire(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.sock.pending, id)
}

// payloadType extracts the "type" or "command" of a payload for failure records.
func payloadType(p any) string {
	if m, ok := p.(map[string]any); ok {
		if t, ok := m["type"].(string); ok {
			return t
		}
		if c, ok := m["command"].(string); ok {
			return c
		}
	}
	return ""
}

// SendEvent delivers an Events API event (the inner "event" object) and keeps
// redelivering it with retry_attempt/retry_reason "timeout" while unacked. It
// returns the envelope id after the first delivery.
func (s *Server) SendEvent(ctx context.Context, event map[string]any) (string, error) {
	s.mu.Lock()
	eventID := s.nextID("Ev")
	s.mu.Unlock()
	env := envelope{EnvelopeID: newUUID(), Type: "events_api", Payload: map[string]any{
		"token": "fake-verification-token", "team_id": TeamID, "api_app_id": AppID, "event": event,
		"type": "event_callback", "event_id": eventID, "event_time": s.now().Unix(),
		"authorizations": []map[string]any{{"team_id": TeamID, "user_id": BotUserID, "is_bot": true}},
	}}
	ch, err := s.send(ctx, env)
	if err != nil {
		return "", err
	}
	s.wg.Add(1)
	go s.redeliver(env, ch)
	return env.EnvelopeID, nil
}

// redeliver resends an unacked event up to maxRedeliveries times.
func (s *Server) redeliver(env envelope, ch <-chan json.RawMessage) {
	defer s.wg.Done()
	for attempt := 1; ; attempt++ {
		t := time.NewTimer(s.cfg.redeliveryInterval)
		select {
		case <-ch:
			t.Stop()
			return
		case <-s.closed:
			t.Stop()
			return
		case <-t.C:
		}
		if attempt > s.cfg.maxRedeliveries {
			s.expire(env.EnvelopeID)
			s.recordFailure(Failure{Kind: "ack_timeout", EnvelopeID: env.EnvelopeID, Type: env.Type, Detail: "events_api delivery gave up"})
			return
		}
		n := attempt
		env.RetryAttempt, env.RetryReason = &n, "timeout"
		ctx, cancel := context.WithTimeout(context.Background(), s.cfg.redeliveryInterval)
		_, err := s.send(ctx, env)
		cancel()
		if err != nil && errors.Is(err, context.Canceled) {
			return
		}
	}
}

// Deliveries returns how many times an envelope was sent (1 + redeliveries).
func (s *Server) Deliveries(envelopeID string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sock.deliveries[envelopeID]
}

// Acked reports whether the app acked an envelope.
func (s *Server) Acked(envelopeID string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sock.acked[envelopeID]
}
