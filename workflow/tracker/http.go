package tracker

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"strconv"
	"strings"
	"time"

	"github.com/untangle-rca/untangle/workflow"
)

// DefaultTimeout bounds one request to a tracker.
const DefaultTimeout = 20 * time.Second

// maxResponse is the most bytes read from one answer.
const maxResponse = 4 << 20

// API calls one tracker's HTTP JSON API.
type API struct {
	Name       string       // the tracker's name for people
	Client     *http.Client // nil: a client with DefaultTimeout
	Credential string       // the setting holding the credential, for FaultAuth
	Need       string       // what the credential needs, for FaultAuth
	// Authorize sets the authentication headers of every request.
	Authorize func(*http.Request)
	// Message extracts the tracker's own message from an error body.
	Message func(body []byte) string
	// Classify, when set, may decide the error of a non-2xx answer before
	// the common rules do (e.g. GitHub's secondary rate limits); nil means
	// the common rules decide.
	Classify func(r *Response, e *workflow.TrackerError) *workflow.TrackerError
	// Now tells the time, for rate-limit resets; nil means time.Now.
	Now func() time.Time
}

// Response is an answer read in full.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// Request is one call: op says what it does, for errors ("create the ticket").
type Request struct {
	Op     string
	Method string
	URL    string
	Header http.Header
	Body   any // marshalled as JSON when not nil
}

// Do sends r and returns the answer when its status is 2xx, else a
// *workflow.TrackerError. A transport failure after the request was
// written is retryable with Unknown set.
func (a *API) Do(ctx context.Context, r Request) (*Response, error) {
	req, err := a.newRequest(ctx, r)
	if err != nil {
		return nil, err
	}
	var wrote bool
	req = req.WithContext(httptrace.WithClientTrace(req.Context(), &httptrace.ClientTrace{
		WroteRequest: func(httptrace.WroteRequestInfo) { wrote = true },
	}))
	client := http.Client{Timeout: DefaultTimeout}
	if a.Client != nil {
		client = *a.Client
	}
	client.CheckRedirect = keepMethod
	resp, err := client.Do(req)
	if err != nil {
		return nil, &workflow.TrackerError{Fault: workflow.FaultRetryable, Tracker: a.Name, Op: r.Op,
			Unknown: wrote && r.Method != http.MethodGet, Err: err}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse))
	if err != nil {
		return nil, &workflow.TrackerError{Fault: workflow.FaultRetryable, Tracker: a.Name, Op: r.Op,
			Status: resp.StatusCode, Unknown: r.Method != http.MethodGet, Err: err}
	}
	out := &Response{Status: resp.StatusCode, Header: resp.Header, Body: body}
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return out, nil
	}
	return nil, a.statusError(r.Op, out)
}

// DoJSON is Do that decodes a 2xx answer into out.
func (a *API) DoJSON(ctx context.Context, r Request, out any) error {
	resp, err := a.Do(ctx, r)
	if err != nil {
		return err
	}
	return a.Decode(r, resp, out)
}

// Decode unmarshals a 2xx answer; an answer that does not parse counts as
// retryable, and as of unknown outcome unless r only read.
func (a *API) Decode(r Request, resp *Response, out any) error {
	if err := json.Unmarshal(resp.Body, out); err != nil {
		return &workflow.TrackerError{Fault: workflow.FaultRetryable, Tracker: a.Name, Op: r.Op, Status: resp.Status,
			Message: "the answer is not the JSON expected", Unknown: r.Method != http.MethodGet, Err: err}
	}
	return nil
}

func (a *API) newRequest(ctx context.Context, r Request) (*http.Request, error) {
	var body io.Reader
	if r.Body != nil {
		data, err := json.Marshal(r.Body)
		if err != nil {
			return nil, fmt.Errorf("%s: %s: encode: %w", a.Name, r.Op, err)
		}
		body = bytes.NewReader(data)
	}
	req, err := http.NewRequestWithContext(ctx, r.Method, r.URL, body)
	if err != nil {
		return nil, fmt.Errorf("%s: %s: %w", a.Name, r.Op, err)
	}
	for k, vs := range r.Header {
		req.Header[k] = vs
	}
	if r.Body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("User-Agent", "untangle-rca")
	if a.Authorize != nil {
		a.Authorize(req)
	}
	return req, nil
}

// statusError applies the common rules to a non-2xx answer.
func (a *API) statusError(op string, r *Response) *workflow.TrackerError {
	e := &workflow.TrackerError{Tracker: a.Name, Op: op, Status: r.Status}
	if a.Message != nil {
		e.Message = a.Message(r.Body)
	}
	if e.Message == "" {
		e.Message = http.StatusText(r.Status)
	}
	e.RetryAfter = a.RetryAfter(r.Header)
	switch {
	case r.Status >= 300 && r.Status < 400:
		e.Fault, e.Message = workflow.FaultGone, "moved to "+r.Header.Get("Location")+"; update the setting"
	case r.Status == http.StatusTooManyRequests || r.Status >= 500 || r.Status == http.StatusRequestTimeout:
		e.Fault = workflow.FaultRetryable
	case r.Status == http.StatusForbidden && e.RetryAfter > 0:
		e.Fault = workflow.FaultRetryable // a rate limit answered as 403
	case r.Status == http.StatusUnauthorized || r.Status == http.StatusForbidden:
		e.Fault, e.Credential, e.Need = workflow.FaultAuth, a.Credential, a.Need
	case r.Status == http.StatusNotFound || r.Status == http.StatusGone:
		e.Fault = workflow.FaultGone
	default:
		e.Fault = workflow.FaultInvalid
	}
	if a.Classify != nil {
		e = a.Classify(r, e)
	}
	return e
}

// keepMethod follows redirects of reads only: Go would turn a redirected
// POST into a GET, so a moved repository or site is reported instead.
func keepMethod(_ *http.Request, via []*http.Request) error {
	if m := via[0].Method; m != http.MethodGet && m != http.MethodHead {
		return http.ErrUseLastResponse
	}
	if len(via) >= 10 {
		return fmt.Errorf("stopped after 10 redirects")
	}
	return nil
}

// RetryAfter reads the wait a tracker asks for: Retry-After in seconds or
// as an HTTP date, else a rate-limit reset time (X-RateLimit-Reset in Unix
// seconds when X-RateLimit-Remaining is 0, or Linear's
// X-RateLimit-Requests-Reset in Unix milliseconds when its remaining count
// is 0). It returns 0 when the answer asks for no wait.
func (a *API) RetryAfter(h http.Header) time.Duration {
	now := time.Now
	if a.Now != nil {
		now = a.Now
	}
	if v := strings.TrimSpace(h.Get("Retry-After")); v != "" {
		if s, err := strconv.Atoi(v); err == nil && s >= 0 {
			return max(time.Duration(s)*time.Second, time.Second)
		}
		if t, err := http.ParseTime(v); err == nil {
			return max(t.Sub(now()), time.Second)
		}
	}
	if h.Get("X-RateLimit-Remaining") == "0" {
		if s, err := strconv.ParseInt(h.Get("X-RateLimit-Reset"), 10, 64); err == nil {
			return max(time.Unix(s, 0).Sub(now()), time.Second)
		}
	}
	if h.Get("X-RateLimit-Requests-Remaining") == "0" {
		if ms, err := strconv.ParseInt(h.Get("X-RateLimit-Requests-Reset"), 10, 64); err == nil {
			return max(time.UnixMilli(ms).Sub(now()), time.Second)
		}
	}
	return 0
}
