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
	// Replica is this process's lease holder id, and SchedulerLease
	// "held" when it runs the scheduled work now or "standby" when another
	// replica does; both empty without a Leader. A standby replica is
	// healthy: it handles envelopes and takes the lease over when needed.
	Replica        string `json:"replica,omitempty"`
	SchedulerLease string `json:"scheduler_lease,omitempty"`
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
	if l := b.cfg.Leader; l != nil {
		h.Replica, h.SchedulerLease = l.Holder(), "standby"
		if held, _ := l.Held(); held {
			h.SchedulerLease = "held"
		}
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
	if l := b.cfg.Leader; l != nil {
		if err := b.ops.reg.Register(leaseCollector{l: l,
			info: prometheus.NewDesc("untangle_replica_info", "This replica's lease holder id (host, process and a random part); always 1.", []string{"replica"}, nil),
			held: prometheus.NewDesc("untangle_scheduler_lease_held", "1 while this replica holds the scheduler lease and runs the scheduled work, else 0.", nil, nil),
		}); err != nil {
			return nil, fmt.Errorf("register the lease metrics: %w", err)
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

// leaseCollector reports the replica's holder id and whether it holds the
// scheduler lease at each scrape. The holder id is the only per-replica
// label: one series per process, so cardinality stays at the replica count.
type leaseCollector struct {
	l          *Leader
	info, held *prometheus.Desc
}

// Describe sends the two metrics' descriptions.
func (c leaseCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.info; ch <- c.held }

// Collect reports the holder id and the lease state.
func (c leaseCollector) Collect(ch chan<- prometheus.Metric) {
	held, _ := c.l.Held()
	v := 0.0
	if held {
		v = 1
	}
	ch <- prometheus.MustNewConstMetric(c.info, prometheus.GaugeValue, 1, c.l.Holder())
	ch <- prometheus.MustNewConstMetric(c.held, prometheus.GaugeValue, v)
}

// slogPrinter sends promhttp's error messages to the bot's log.
type slogPrinter struct{ b *Bot }

// Println logs v as a warning.
func (p slogPrinter) Println(v ...any) {
	p.b.log.Warn("metrics endpoint", "error", errors.New(fmt.Sprint(v...)))
}
