package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"

	"github.com/untangle-rca/untangle/workflow"
)

// Config configures a Bot.
type Config struct {
	BotToken string // xoxb-…
	AppToken string // xapp-…, for Socket Mode
	APIURL   string // Web API base URL with a trailing slash; "" means Slack's
	Location *time.Location
	Logger   *slog.Logger
	// PingInterval is how long the Socket Mode client waits for Slack's ping
	// before it reconnects; 0 keeps slack-go's default (30 s).
	PingInterval time.Duration
	// AckBudget bounds the work done before an envelope is acknowledged; 0 means 2.5 s.
	AckBudget time.Duration
	// AfterBudget bounds the slow work done after an acknowledgement; 0 means 2 min.
	AfterBudget time.Duration
	// HTTPClient carries Web API calls; nil means a client with a 30 s timeout
	// that keeps up to 32 idle connections to Slack.
	HTTPClient *http.Client
	// RemindCron is the default reminder schedule in Location (five cron
	// fields; a leading seconds field is accepted for tests); "" means "0 10 * * 1-5".
	RemindCron string
	// Now tells the time to the reminder scheduler; nil means time.Now.
	Now func() time.Time
	// Refs keeps the bot's Slack bookkeeping (message timestamps and the
	// like); required.
	Refs Refs
	// WebLink returns a signed browser URL of an RCA's read-only web view;
	// messages with a tree picture then get an "Open in browser" button.
	// nil when there is no web view (UNTANGLE_PUBLIC_URL unset).
	WebLink func(ctx context.Context, rcaID int64) (string, error)
	// PaceClock is the time the bot paces its Web API calls by; the zero
	// value means real time.
	PaceClock PaceClock
	// Leader, when set, holds the lease of the scheduled work: the
	// scheduler ticks only while it holds the lease, so of several
	// replicas on one database exactly one sends reminders. nil means this
	// process is the only one and always runs them.
	Leader *Leader
	// Kept, when set, makes the replicas on one database take turns at each
	// RCA's redraws of the kept messages, and redraw those a dead replica
	// left behind. nil means this process is the only one drawing them.
	Kept KeptStore
	// Tracker, when set, is the team's tracker where fixes become tickets
	// (bot/ticket.go); nil means fixes stay in Slack.
	Tracker workflow.Tracker
	// TrackerSync is how often the ticket job files what failed and reads
	// the open tickets' states; 0 means 10 minutes.
	TrackerSync time.Duration
}

// Bot is the Slack side of untangle: it receives Socket Mode envelopes,
// routes them to handlers that call the workflow, and answers in Slack.
type Bot struct {
	cfg       Config
	api       *slack.Client
	sm        *socketmode.Client
	svc       *workflow.Service
	refs      Refs // Slack bookkeeping of each RCA (bot/refs.go)
	log       *slog.Logger
	botUserID string
	rt        *routes
	inflight  sync.WaitGroup
	handling  atomic.Int64   // envelopes being handled now (Busy)
	media     media          // rendered pictures per tree version (bot/render.go)
	kept      *refresher     // redraws the kept messages after each change (bot/refresh.go)
	ops       *ops           // metrics and connection state (bot/metrics.go)
	members   channelMembers // who was recently seen in which RCA channel (bot/membership.go)
	tickets   *ticketDesk    // filing fixes as tickets; nil without a tracker (bot/ticket.go)
}

// New returns a Bot for the workflow service. It does not connect yet.
func New(cfg Config, svc *workflow.Service) (*Bot, error) {
	if cfg.BotToken == "" || cfg.AppToken == "" {
		return nil, errors.New("bot: both the bot token and the app-level token are required")
	}
	if cfg.Refs == nil {
		return nil, errors.New("bot: a store for the Slack references (Config.Refs) is required")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Location == nil {
		cfg.Location = time.UTC
	}
	if cfg.AckBudget == 0 {
		cfg.AckBudget = 2500 * time.Millisecond
	}
	if cfg.AfterBudget == 0 {
		cfg.AfterBudget = 2 * time.Minute
	}
	if cfg.HTTPClient == nil {
		// Handlers call the Web API concurrently: keep enough idle
		// connections that bursts do not dial (and handshake) again.
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.MaxIdleConnsPerHost = 32
		cfg.HTTPClient = &http.Client{Timeout: 30 * time.Second, Transport: tr}
	}
	ops := newOps()
	cfg.HTTPClient = ops.wrapClient(cfg.HTTPClient, cfg.PaceClock) // metrics and retries (metrics.go, retry.go)
	opts := []slack.Option{slack.OptionAppLevelToken(cfg.AppToken), slack.OptionHTTPClient(cfg.HTTPClient)}
	if cfg.APIURL != "" {
		opts = append(opts, slack.OptionAPIURL(cfg.APIURL))
	}
	api := slack.New(cfg.BotToken, opts...)
	var smOpts []socketmode.Option
	if cfg.PingInterval > 0 {
		smOpts = append(smOpts, socketmode.OptionPingInterval(cfg.PingInterval))
	}
	b := &Bot{cfg: cfg, api: api, sm: socketmode.New(api, smOpts...), svc: svc, refs: cfg.Refs, log: cfg.Logger, ops: ops}
	b.tickets = newTicketDesk(cfg)
	b.kept = newRefresher(api, svc, cfg.Refs, cfg.Logger)
	b.kept.closedRedraw = b.redrawCanvas
	if cfg.Kept != nil {
		b.kept.shared, b.kept.holder = cfg.Kept, HolderID()
		if cfg.Leader != nil {
			b.kept.holder = cfg.Leader.Holder()
		}
	}
	b.kept.pace = ops.pace
	ops.registerBusy(b.Busy)
	b.rt = b.buildRoutes()
	return b, nil
}

// Check verifies the bot token with auth.test and remembers the bot's user id.
func (b *Bot) Check(ctx context.Context) error {
	resp, err := b.api.AuthTestContext(ctx)
	if err != nil {
		return fmt.Errorf("the bot token was not accepted by Slack (auth.test: %w); check SLACK_BOT_TOKEN and SLACK_API_URL", err)
	}
	b.botUserID = resp.UserID
	b.log.Info("connected to Slack", "team", resp.Team, "bot_user", resp.UserID)
	return nil
}

// Run connects over Socket Mode and handles envelopes until ctx is done.
// Then it stops taking new envelopes (Slack redelivers those to another
// connection), waits for the ones in flight and returns nil.
func (b *Bot) Run(ctx context.Context) error {
	if b.botUserID == "" {
		if err := b.Check(ctx); err != nil {
			return err
		}
	}
	defer b.startReminders(ctx)()
	b.kept.startSweep()
	defer b.startTicketJob(ctx)()
	started := time.Now()
	b.inflight.Add(1)
	go func() {
		defer b.inflight.Done()
		b.resumeSetUps(ctx, started)
	}()
	connCtx, stopConn := context.WithCancel(context.WithoutCancel(ctx))
	defer stopConn()
	connErr := make(chan error, 1)
	go func() { connErr <- b.sm.RunContext(connCtx) }()

	for {
		select {
		case <-ctx.Done():
			b.log.Info("shutting down: finishing envelopes in flight")
			b.inflight.Wait()
			b.flushKept()
			stopConn()
			return nil
		case err := <-connErr:
			b.inflight.Wait()
			b.flushKept()
			if err != nil && !errors.Is(err, context.Canceled) {
				return fmt.Errorf("socket mode: %w", err)
			}
			return nil
		case evt := <-b.sm.Events:
			b.receive(ctx, evt)
		}
	}
}

// receive starts handling one Socket Mode event.
func (b *Bot) receive(ctx context.Context, evt socketmode.Event) {
	b.ops.observeConnection(evt.Type)
	switch evt.Type {
	case socketmode.EventTypeConnecting:
		b.log.Info("connecting to Slack")
	case socketmode.EventTypeConnected:
		b.log.Info("socket mode connected")
	case socketmode.EventTypeConnectionError, socketmode.EventTypeIncomingError, socketmode.EventTypeErrorBadMessage:
		b.log.Warn("socket mode problem", "type", string(evt.Type), "detail", fmt.Sprint(evt.Data))
	case socketmode.EventTypeInvalidAuth:
		b.log.Error("Slack rejected the app-level token; check SLACK_APP_TOKEN")
	case socketmode.EventTypeSlashCommand, socketmode.EventTypeInteractive, socketmode.EventTypeEventsAPI:
		if evt.Request == nil {
			return
		}
		b.inflight.Add(1)
		b.handling.Add(1)
		go func() {
			defer b.inflight.Done()
			defer b.handling.Add(-1)
			b.handle(context.WithoutCancel(ctx), evt)
		}()
	}
}

// keptFlushBudget bounds the last redraw of the kept messages at shutdown,
// inside the few seconds a process gets between SIGTERM and SIGKILL.
const keptFlushBudget = 3 * time.Second

// flushKept draws the pending redraws once and drops what does not fit the
// budget; the next start redraws it.
func (b *Bot) flushKept() {
	ctx, cancel := context.WithTimeout(context.Background(), keptFlushBudget)
	defer cancel()
	b.kept.close(ctx)
}

// changed tells the refresher that a command changed an RCA: its kept
// messages are redrawn after the ack.
func (b *Bot) changed(actor workflow.Actor, rcaID int64, c ...change) {
	var all change
	for _, x := range c {
		all.merge(x)
	}
	b.kept.changed(actor, rcaID, all)
}
