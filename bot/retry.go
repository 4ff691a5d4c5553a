package bot

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Retry settings of the Web API transport.
const (
	defaultRetryTries   = 4                      // attempts in all, the first included
	defaultBackoff      = 400 * time.Millisecond // first backoff; doubles each retry
	defaultMaxRetryWait = 20 * time.Second       // a longer Retry-After is not waited for
	maxBufferedBody     = 32 << 20               // a streamed body up to this size is kept for a retry
)

// retryTransport sends a Web API request again when Slack did not process it
// (429 with Retry-After, 502, 503) or, for idempotent methods only, when the
// outcome is unknown (500, 504, a broken connection). It waits with
// exponential backoff and jitter, at least Retry-After, and never past the
// request context's deadline. A streamed body (the file uploads) is read
// into memory first, up to maxBufferedBody, so it can be sent again; a
// larger one is sent once.
type retryTransport struct {
	next    http.RoundTripper
	ops     *ops
	tries   int
	backoff time.Duration
	maxWait time.Duration
	sleep   func(ctx context.Context, d time.Duration) error
}

// RoundTrip sends req, retrying as described on retryTransport.
func (t *retryTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	method := apiMethod(req)
	req, err := bufferBody(req)
	if err != nil {
		return nil, err
	}
	for attempt := 1; ; attempt++ {
		resp, err := t.next.RoundTrip(req)
		reason, wait := t.verdict(method, resp, err, attempt)
		if reason == "" || attempt >= t.tries || !replayable(req) || !fitsDeadline(req.Context(), wait) {
			return resp, err
		}
		if resp != nil {
			drain(resp)
		}
		t.ops.apiRetries.WithLabelValues(method, reason).Inc()
		if err := t.sleep(req.Context(), wait); err != nil {
			return nil, err
		}
		if req, err = rewind(req); err != nil {
			return nil, err
		}
	}
}

// verdict says why the answer should be retried ("" when it should not) and
// how long to wait before the next attempt.
func (t *retryTransport) verdict(method string, resp *http.Response, err error, attempt int) (string, time.Duration) {
	wait := jitter(t.backoff << (attempt - 1))
	switch {
	case err != nil:
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			return "", 0
		}
		if notSent(err) || idempotent(method) {
			return "transport", wait
		}
	case resp.StatusCode == http.StatusTooManyRequests:
		after, ok := retryAfter(resp)
		if !ok || after > t.maxWait || (resp.Request != nil && ownRateLimits(resp.Request.Context())) {
			return "", 0
		}
		return "ratelimited", max(after, wait)
	case resp.StatusCode == http.StatusBadGateway || resp.StatusCode == http.StatusServiceUnavailable:
		return "http_" + strconv.Itoa(resp.StatusCode), wait
	case resp.StatusCode >= 500 && idempotent(method):
		return "http_" + strconv.Itoa(resp.StatusCode), wait
	}
	return "", 0
}

// retryAfter reads the Retry-After header in seconds; absent means zero.
func retryAfter(resp *http.Response) (time.Duration, bool) {
	h := strings.TrimSpace(resp.Header.Get("Retry-After"))
	if h == "" {
		return 0, true
	}
	secs, err := strconv.Atoi(h)
	if err != nil || secs < 0 {
		return 0, false
	}
	return time.Duration(secs) * time.Second, true
}

// jitter returns a random duration in [d/2, d].
func jitter(d time.Duration) time.Duration {
	if d <= 1 {
		return d
	}
	return d/2 + rand.N(d/2+1)
}

// idempotentMethods may be sent twice with the same effect as once.
var idempotentMethods = map[string]bool{
	"auth.test": true, "apps.connections.open": true, "chat.update": true,
	"views.publish": true, "views.update": true, "pins.add": true,
	"conversations.setTopic": true, "conversations.setPurpose": true,
	"conversations.invite": true, "conversations.join": true, "reactions.add": true,
}

// idempotent reports whether a Web API method may safely be sent twice: the
// read methods and those that set a state rather than add something.
func idempotent(method string) bool {
	if idempotentMethods[method] {
		return true
	}
	for _, suffix := range []string{".info", ".list", ".members", ".history", ".replies", ".lookupByEmail"} {
		if strings.HasSuffix(method, suffix) {
			return true
		}
	}
	return false
}

// notSent reports whether err happened before the request could reach the
// server (the connection was never made), so a retry cannot duplicate it.
func notSent(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

// replayable reports whether req's body can be sent again.
func replayable(req *http.Request) bool {
	return req.Body == nil || req.Body == http.NoBody || req.GetBody != nil
}

// bufferBody returns req with a body that can be replayed: a streamed body
// is read into memory when it is at most maxBufferedBody bytes; a larger one
// is left as it was (it is then sent once).
func bufferBody(req *http.Request) (*http.Request, error) {
	if replayable(req) {
		return req, nil
	}
	data, err := io.ReadAll(io.LimitReader(req.Body, maxBufferedBody+1))
	if err != nil {
		req.Body.Close()
		return nil, fmt.Errorf("read the body of %s: %w", apiMethod(req), err)
	}
	out := req.Clone(req.Context())
	if len(data) > maxBufferedBody {
		out.Body = struct {
			io.Reader
			io.Closer
		}{io.MultiReader(bytes.NewReader(data), req.Body), req.Body}
		return out, nil
	}
	req.Body.Close()
	out.ContentLength = int64(len(data))
	out.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }
	out.Body, _ = out.GetBody()
	return out, nil
}

// fitsDeadline reports whether waiting d still leaves the context alive.
func fitsDeadline(ctx context.Context, d time.Duration) bool {
	deadline, ok := ctx.Deadline()
	return !ok || time.Until(deadline) > d
}

// rewind returns a copy of req with a fresh body for the next attempt.
func rewind(req *http.Request) (*http.Request, error) {
	if req.GetBody == nil {
		return req, nil
	}
	body, err := req.GetBody()
	if err != nil {
		return nil, err
	}
	next := req.Clone(req.Context())
	next.Body = body
	return next, nil
}

// drain reads and closes a response that is being discarded, so the
// connection can be reused.
func drain(resp *http.Response) {
	if resp.Body != nil {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxAnswer))
		resp.Body.Close()
	}
}

type ownRateLimitsKey struct{}

// withOwnRateLimits marks ctx's Web API calls as handling 429 themselves:
// the transport returns the answer at once instead of waiting it out, so
// the caller can go on with other work meanwhile.
func withOwnRateLimits(ctx context.Context) context.Context {
	return context.WithValue(ctx, ownRateLimitsKey{}, true)
}

// ownRateLimits reports whether ctx was marked by withOwnRateLimits.
func ownRateLimits(ctx context.Context) bool {
	v, _ := ctx.Value(ownRateLimitsKey{}).(bool)
	return v
}
