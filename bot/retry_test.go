package bot

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// retryScript answers the requests of a test server in turn: each entry is
// a status (and Retry-After when > 0) or "drop" to close the connection
// after reading the request.
type retryScript struct {
	mu     sync.Mutex
	steps  []string
	bodies []string
}

// ServeHTTP plays the next step and records the body it received.
func (s *retryScript) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	s.bodies = append(s.bodies, string(body))
	step := "200"
	if len(s.bodies) <= len(s.steps) {
		step = s.steps[len(s.bodies)-1]
	}
	s.mu.Unlock()
	if step == "drop" {
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.Close()
		}
		return
	}
	code, after, _ := strings.Cut(step, "/")
	if after != "" {
		w.Header().Set("Retry-After", after)
	}
	status, _ := strconv.Atoi(code)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	if status == http.StatusOK {
		io.WriteString(w, `{"ok":true}`)
		return
	}
	io.WriteString(w, `{"ok":false,"error":"ratelimited"}`)
}

func TestRetryTransport(t *testing.T) {
	tests := []struct {
		name     string
		method   string
		steps    []string
		streamed bool          // send the body through a pipe, like uploads
		deadline time.Duration // request context deadline; 0 for none
		wantReqs int
		wantCode int
		minWait  time.Duration // the longest wait must be at least this
	}{
		{name: "503 then ok", method: "chat.postMessage", steps: []string{"503", "503"}, wantReqs: 3, wantCode: 200},
		{name: "429 honours Retry-After", method: "chat.postMessage", steps: []string{"429/2"}, wantReqs: 2, wantCode: 200, minWait: 2 * time.Second},
		{name: "429 longer than the bot waits", method: "views.open", steps: []string{"429/60"}, wantReqs: 1, wantCode: 429},
		{name: "500 on a non-idempotent method", method: "chat.postMessage", steps: []string{"500"}, wantReqs: 1, wantCode: 500},
		{name: "500 on a read", method: "conversations.info", steps: []string{"500"}, wantReqs: 2, wantCode: 200},
		{name: "504 on chat.update", method: "chat.update", steps: []string{"504"}, wantReqs: 2, wantCode: 200},
		{name: "gives up after four attempts", method: "pins.add", steps: []string{"503", "503", "503", "503", "503"}, wantReqs: 4, wantCode: 503},
		{name: "dropped connection on a non-idempotent method", method: "chat.postMessage", steps: []string{"drop"}, wantReqs: 1},
		{name: "dropped connection on a read", method: "users.info", steps: []string{"drop"}, wantReqs: 2, wantCode: 200},
		{name: "streamed upload body is replayed", method: "upload", steps: []string{"503"}, streamed: true, wantReqs: 2, wantCode: 200},
		{name: "no retry past the deadline", method: "chat.postMessage", steps: []string{"429/5"}, deadline: time.Second, wantReqs: 1, wantCode: 429},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			script := &retryScript{steps: tc.steps}
			srv := httptest.NewServer(script)
			defer srv.Close()
			var waits []time.Duration
			o := newOps()
			client := o.wrapClient(&http.Client{Timeout: 10 * time.Second}, PaceClock{})
			client.Transport.(*retryTransport).sleep = func(_ context.Context, d time.Duration) error {
				waits = append(waits, d)
				return nil
			}
			ctx := context.Background()
			if tc.deadline > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tc.deadline)
				defer cancel()
			}
			const payload = "channel=C1&text=hello"
			var body io.Reader = strings.NewReader(payload)
			if tc.streamed {
				pr, pw := io.Pipe()
				go func() { io.WriteString(pw, payload); pw.Close() }()
				body = pr
			}
			req, err := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL+"/api/"+tc.method, body)
			if err != nil {
				t.Fatal(err)
			}
			resp, err := client.Do(req)
			if resp != nil {
				resp.Body.Close()
			}
			if tc.wantCode == 0 && err == nil {
				t.Errorf("want a transport error, got status %d", resp.StatusCode)
			}
			if tc.wantCode != 0 && (err != nil || resp.StatusCode != tc.wantCode) {
				t.Errorf("got %v %v, want status %d", resp, err, tc.wantCode)
			}
			script.mu.Lock()
			defer script.mu.Unlock()
			if len(script.bodies) != tc.wantReqs {
				t.Errorf("%d requests reached the server, want %d", len(script.bodies), tc.wantReqs)
			}
			for i, b := range script.bodies {
				if b != payload {
					t.Errorf("attempt %d sent body %q, want %q", i+1, b, payload)
				}
			}
			longest := time.Duration(0)
			for _, w := range waits {
				longest = max(longest, w)
			}
			if longest < tc.minWait {
				t.Errorf("longest wait %v, want at least %v", longest, tc.minWait)
			}
		})
	}
}

func TestRetryBackoffGrowsWithJitter(t *testing.T) {
	tr := &retryTransport{backoff: 400 * time.Millisecond}
	for attempt := 1; attempt <= 3; attempt++ {
		base := tr.backoff << (attempt - 1)
		seen := map[time.Duration]bool{}
		for range 50 {
			_, wait := tr.verdict("chat.postMessage", &http.Response{StatusCode: http.StatusServiceUnavailable}, nil, attempt)
			if wait < base/2 || wait > base {
				t.Fatalf("attempt %d: wait %v outside [%v, %v]", attempt, wait, base/2, base)
			}
			seen[wait] = true
		}
		if len(seen) < 2 {
			t.Errorf("attempt %d: no jitter, always %v", attempt, seen)
		}
	}
}

func TestRetryNotSent(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens: the dial fails before anything is sent
	_, err = http.Post("http://"+addr+"/api/chat.postMessage", "text/plain", strings.NewReader("x"))
	if err == nil || !notSent(err) {
		t.Errorf("a refused connection must count as not sent: %v", err)
	}
}

// BenchmarkTransport measures what metering and the retry wrapper add to a
// successful Web API call over loopback.
func BenchmarkTransport(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"ok":true,"channel":"C1","ts":"1.000001"}`)
	}))
	defer srv.Close()
	clients := []struct {
		name   string
		client *http.Client
	}{
		{name: "plain", client: &http.Client{}},
		{name: "metered-retrying", client: newOps().wrapClient(&http.Client{}, PaceClock{})},
	}
	for _, c := range clients {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				resp, err := c.client.Post(srv.URL+"/api/chat.postMessage", "application/x-www-form-urlencoded", strings.NewReader("channel=C1&text=hi"))
				if err != nil {
					b.Fatal(err)
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
		})
	}
}
