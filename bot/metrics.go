package bot

import (
	"context"
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/slack-go/slack/socketmode"
)

// ops holds a Bot's operational state: its Prometheus registry and metrics,
// and whether the Socket Mode connection is up. Every Bot has its own.
type ops struct {
	reg         *prometheus.Registry
	connected   atomic.Bool
	submissions *submissions // view submissions seen recently (once.go)
	pace        *pacer       // spaces the Web API calls (pace.go), set by wrapClient

	envelopes   *prometheus.CounterVec
	ackSeconds  *prometheus.HistogramVec
	apiCalls    *prometheus.CounterVec
	apiErrors   *prometheus.CounterVec
	apiRetries  *prometheus.CounterVec
	apiSeconds  *prometheus.HistogramVec
	renders     *prometheus.CounterVec
	renderTime  prometheus.Histogram
	connections *prometheus.CounterVec
}

// newOps returns the operational state of a new Bot with its metrics registered.
func newOps() *ops {
	o := &ops{
		reg:         prometheus.NewRegistry(),
		submissions: newSubmissions(),
		envelopes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "untangle_envelopes_total", Help: "Socket Mode envelopes handled, by envelope type.",
		}, []string{"type"}),
		ackSeconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "untangle_ack_seconds",
			Help:    "Time from receiving an envelope to acknowledging it, by envelope type.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2, 3},
		}, []string{"type"}),
		apiCalls: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "untangle_slack_api_calls_total", Help: "Slack Web API requests (each attempt), by method.",
		}, []string{"method"}),
		apiErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "untangle_slack_api_errors_total", Help: "Slack Web API requests that failed, by method and Slack error (or HTTP status).",
		}, []string{"method", "error"}),
		apiRetries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "untangle_slack_api_retries_total", Help: "Slack Web API requests sent again, by method and reason.",
		}, []string{"method", "reason"}),
		apiSeconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "untangle_slack_api_seconds", Help: "Duration of one Slack Web API request, by method.",
			Buckets: prometheus.DefBuckets,
		}, []string{"method"}),
		renders: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "untangle_renders_total", Help: "Tree pictures rendered, by result (ok or error).",
		}, []string{"result"}),
		renderTime: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "untangle_render_seconds", Help: "Time to render the pictures of one tree.",
			Buckets: []float64{.05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}),
		connections: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "untangle_socket_mode_events_total", Help: "Socket Mode connection events (connecting, connected, connection_error, …).",
		}, []string{"event"}),
	}
	up := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "untangle_socket_mode_connected", Help: "1 while the Socket Mode connection is up.",
	}, func() float64 {
		if o.connected.Load() {
			return 1
		}
		return 0
	})
	o.reg.MustRegister(o.envelopes, o.ackSeconds, o.apiCalls, o.apiErrors, o.apiRetries, o.apiSeconds,
		o.renders, o.renderTime, o.connections, up,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return o
}

// registerBusy adds the gauge of whether the bot has work in hand (see
// Bot.Busy): an operator waits for 0 before a planned restart, and the load
// test before it counts what the bot posted.
func (o *ops) registerBusy(busy func() bool) {
	o.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "untangle_busy", Help: "1 while the bot handles an envelope, or a change waits to be drawn or posted (kept messages, tree pictures); 0 when idle.",
	}, func() float64 {
		if busy() {
			return 1
		}
		return 0
	}))
}

// observeConnection follows the Socket Mode connection state.
func (o *ops) observeConnection(t socketmode.EventType) {
	switch t {
	case socketmode.EventTypeConnected, socketmode.EventTypeHello:
		o.connected.Store(true)
	case socketmode.EventTypeConnecting, socketmode.EventTypeConnectionError, socketmode.EventTypeDisconnect,
		socketmode.EventTypeInvalidAuth:
		o.connected.Store(false)
	default:
		return
	}
	o.connections.WithLabelValues(string(t)).Inc()
}

// acked records one acknowledged envelope of the given type.
func (o *ops) acked(envelopeType string, took time.Duration) {
	o.envelopes.WithLabelValues(envelopeType).Inc()
	o.ackSeconds.WithLabelValues(envelopeType).Observe(took.Seconds())
}

// rendered records one tree rendering that started at start. Call it as
// `defer func() { b.ops.rendered(start, err) }()` around the render.
func (o *ops) rendered(start time.Time, err error) {
	result := "ok"
	if err != nil {
		result = "error"
	}
	o.renders.WithLabelValues(result).Inc()
	o.renderTime.Observe(time.Since(start).Seconds())
}

// wrapClient returns a copy of c whose transport counts Slack API calls and
// errors and retries rate-limited and unavailable requests. c is not changed.
func (o *ops) wrapClient(c *http.Client, pc PaceClock) *http.Client {
	base := c.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	wrapped := *c
	if o.pace == nil {
		o.pace = newPacer(pc.Now)
	}
	wrapped.Transport = &retryTransport{
		next:    &pacedTransport{next: &meteredTransport{next: base, ops: o}, pace: o.pace, sleep: pc.sleep()},
		ops:     o,
		tries:   defaultRetryTries,
		backoff: defaultBackoff,
		maxWait: defaultMaxRetryWait,
		sleep:   sleepCtx,
	}
	return &wrapped
}

// meteredTransport counts each Web API request and its outcome.
type meteredTransport struct {
	next http.RoundTripper
	ops  *ops
}

// RoundTrip sends req and records its method, duration and Slack error.
func (m *meteredTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	method := apiMethod(req)
	start := time.Now()
	resp, err := m.next.RoundTrip(req)
	m.ops.apiCalls.WithLabelValues(method).Inc()
	m.ops.apiSeconds.WithLabelValues(method).Observe(time.Since(start).Seconds())
	if err != nil {
		m.ops.apiErrors.WithLabelValues(method, "transport").Inc()
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		m.ops.apiErrors.WithLabelValues(method, "http_"+strconv.Itoa(resp.StatusCode)).Inc()
		return resp, nil
	}
	if slackErr := readAnswer(resp, method); slackErr != "" {
		m.ops.apiErrors.WithLabelValues(method, slackErr).Inc()
	}
	return resp, nil
}

// apiMethod names the Web API method of a request ("chat.postMessage"), or
// "upload" for the file upload URLs, which are not methods.
func apiMethod(req *http.Request) string {
	m := path.Base(req.URL.Path)
	if strings.Contains(m, ".") && len(m) <= 64 {
		return m
	}
	return "upload"
}

// sleep is the clock's Sleep, or sleepCtx.
func (pc PaceClock) sleep() func(ctx context.Context, d time.Duration) error {
	if pc.Sleep != nil {
		return pc.Sleep
	}
	return sleepCtx
}

// sleepCtx waits d or until ctx is done.
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
