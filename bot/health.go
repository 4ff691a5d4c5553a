package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// probeTimeout bounds each probe of /healthz and the open-RCA count of /metrics.
const probeTimeout = 3 * time.Second

// Probes are the checks of the operations endpoints that need more than the
// bot itself; both are optional.
type Probes struct {
	// Database reports whether the database answers and takes writes.
	Database func(ctx context.Context) error
	// OpenRCAs counts the RCAs that are not closed, for the untangle_open_rcas gauge.
	OpenRCAs func(ctx context.Context) (int, error)
}

// Health is the answer of /healthz.
type Health struct {
	OK         bool   `json:"ok"`
	SocketMode string `json:"socket_mode"`        // "connected" or "disconnected"
	Database   string `json:"database,omitempty"` // "ok", the failure, or "" when not probed
}

// Connected reports whether the Socket Mode connection is up now.
func (b *Bot) Connected() bool { return b.ops.connected.Load() }

// Health runs the health checks: Socket Mode connected and, when p.Database
// is set, the database writable.
func (b *Bot) Health(ctx context.Context, p Probes) Health {
	h := Health{OK: true, SocketMode: "connected"}
	if !b.Connected() {
		h.OK, h.SocketMode = false, "disconnected"
	}
	if p.Database != nil {
		pctx, cancel := context.WithTimeout(ctx, probeTimeout)
		defer cancel()
		h.Database = "ok"
		if err := p.Database(pctx); err != nil {
			h.OK, h.Database = false, err.Error()
			b.log.Warn("health check: database probe failed", "error", err)
		}
	}
	return h
}

// Handler returns the operations endpoints: GET /healthz (200 when healthy,
// 503 otherwise, JSON body) and GET /metrics (Prometheus text format, from
// this Bot's own registry). Call it once per Bot.
func (b *Bot) Handler(p Probes) (http.Handler, error) {
	if p.OpenRCAs != nil {
		if err := b.ops.reg.Register(openRCACollector{count: p.OpenRCAs,
			desc: prometheus.NewDesc("untangle_open_rcas", "RCAs that are not closed.", nil, nil)}); err != nil {
			return nil, fmt.Errorf("register the open RCA gauge: %w", err)
		}
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		h := b.Health(r.Context(), p)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		if !h.OK {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
		_ = json.NewEncoder(w).Encode(h)
	})
	mux.Handle("GET /metrics", promhttp.HandlerFor(b.ops.reg, promhttp.HandlerOpts{
		ErrorLog: slogPrinter{b}, ErrorHandling: promhttp.ContinueOnError,
	}))
	return mux, nil
}

// openRCACollector reads the number of open RCAs at each scrape.
type openRCACollector struct {
	count func(ctx context.Context) (int, error)
	desc  *prometheus.Desc
}

// Describe sends the gauge's description.
func (c openRCACollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }

// Collect counts the open RCAs; a failed count is reported as a scrape error.
func (c openRCACollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), probeTimeout)
	defer cancel()
	n, err := c.count(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(c.desc, fmt.Errorf("count open RCAs: %w", err))
		return
	}
	ch <- prometheus.MustNewConstMetric(c.desc, prometheus.GaugeValue, float64(n))
}

// slogPrinter sends promhttp's error messages to the bot's log.
type slogPrinter struct{ b *Bot }

// Println logs v as a warning.
func (p slogPrinter) Println(v ...any) {
	p.b.log.Warn("metrics endpoint", "error", errors.New(fmt.Sprint(v...)))
}
