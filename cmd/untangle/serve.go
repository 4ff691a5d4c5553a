package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/untangle-rca/untangle/bot"
	"github.com/untangle-rca/untangle/storage"
	"github.com/untangle-rca/untangle/workflow"
	"github.com/untangle-rca/untangle/workflow/tracker/setup"
)

func runServe(ctx context.Context, args []string, io stdio) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(io.err)
	fs.Usage = func() {
		fmt.Fprintln(io.err, "Usage: untangle serve [flags]\n\nRuns the Slack bot over Socket Mode. Every flag falls back to its environment variable.\n\nFlags:")
		fs.PrintDefaults()
	}
	cfg, err := loadServeConfig(args, os.Getenv, os.ReadFile, fs)
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	if err != nil {
		fmt.Fprintln(io.err, "untangle serve:", err)
		return exitUsage
	}
	if err := checkSQLite(cfg.DBPath); err != nil {
		fmt.Fprintln(io.err, "untangle serve:", err)
		return exitInput
	}
	log := slog.New(slog.NewJSONHandler(io.err, nil)).With("service", "untangle")
	if err := serve(ctx, cfg, log); err != nil {
		log.Error("untangle serve stopped", "error", err.Error())
		return exitInput
	}
	log.Info("untangle serve stopped cleanly")
	return exitOK
}

// serve runs the bot until ctx is done: database, workflow, Slack.
func serve(ctx context.Context, cfg *serveConfig, log *slog.Logger) error {
	db, err := storage.Open(ctx, cfg.DBPath)
	if err != nil {
		return fmt.Errorf("open the database: %w", err)
	}
	defer db.Close()
	log.Info("database ready", "database", db.Name(), "backend", string(db.Backend()))
	checkTracker(ctx, cfg.Tracker, log)
	svc := workflow.New(db, workflow.SystemClock(), workflow.WithThreshold(cfg.CoreThreshold), workflow.WithLocation(cfg.TimeZone),
		workflow.WithLimits(cfg.Limits))
	web, err := newWebView(ctx, cfg.PublicURL, svc, log)
	if err != nil {
		return err
	}
	defer web.close()
	leader := bot.NewLeader(db, bot.SchedulerLease, bot.HolderID(), nil, log)
	bcfg := bot.Config{
		BotToken: cfg.BotToken, AppToken: cfg.AppToken, APIURL: cfg.APIURL,
		Location: cfg.TimeZone, Logger: log,
		RemindCron: cfg.RemindCron, Refs: db, WebLink: web.link, Leader: leader,
		Tracker: cfg.Tracker.Tracker, TrackerSync: cfg.Tracker.Sync,
	}
	if db.Backend() == storage.Postgres { // replicas may share it: they take turns at the redraws
		bcfg.Kept = db
	}
	b, err := bot.New(bcfg, svc)
	if err != nil {
		return err
	}
	log.Info("replica", "holder", leader.Holder())
	if cfg.HTTPAddr != "" {
		stopHTTP, err := startOpsServer(cfg.HTTPAddr, b, db, web.handler, log)
		if err != nil {
			return err
		}
		defer stopHTTP()
	}
	if err := b.Check(ctx); err != nil {
		return err
	}
	leaseCtx, stopLease := context.WithCancel(ctx)
	leaseDone := make(chan struct{})
	go func() { defer close(leaseDone); leader.Run(leaseCtx) }()
	defer func() { stopLease(); <-leaseDone }() // after b.Run stopped the scheduler: release the lease
	pruneCtx, stopPrune := context.WithCancel(ctx)
	defer stopPrune()
	go pruneDeliveries(pruneCtx, db, leader, log)
	return b.Run(ctx)
}

// checkTracker makes the tracker's read call once and logs what it found;
// a failure is logged, not fatal: filing waits and retries, the RCA goes on.
func checkTracker(ctx context.Context, tc setup.Config, log *slog.Logger) {
	if tc.Tracker == nil {
		log.Info("no tracker configured (UNTANGLE_TRACKER unset)")
		return
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	desc, err := tc.Tracker.CheckAccess(ctx)
	if te := (*workflow.TrackerError)(nil); errors.As(err, &te) {
		log.Error("tracker check failed", "tracker", tc.Tracker.Name(), "fault", string(te.Fault),
			"error", te.Explain(), "detail", te.Error())
		return
	} else if err != nil {
		log.Error("tracker check failed", "tracker", tc.Tracker.Name(), "error", err.Error())
		return
	}
	log.Info("tracker ready", "tracker", tc.Tracker.Name(), "access", desc, "sync_every", tc.Sync.String())
}

// deliveryKeep is how long handled Slack delivery keys are remembered: far
// longer than Slack redelivers an envelope (minutes).
const deliveryKeep = 7 * 24 * time.Hour

// pruneEvery is how often the holder of the scheduler lease forgets old
// delivery keys.
const pruneEvery = time.Hour

// pruneDeliveries forgets old delivery keys, so the table of handled
// envelopes does not grow without bound: only while this replica holds the
// scheduler lease, once it gained it and then every hour. It looks at the
// lease as often as the lease is renewed, so a replica that took over
// prunes soon; pruning twice is harmless, it only deletes old keys.
func pruneDeliveries(ctx context.Context, db *storage.DB, leader *bot.Leader, log *slog.Logger) {
	tick := time.NewTicker(bot.LeaseRenew)
	defer tick.Stop()
	var last time.Time
	for {
		if held, _ := leader.Held(); held && time.Since(last) >= pruneEvery {
			last = time.Now()
			n, err := db.PruneDeliveries(ctx, time.Now().Add(-deliveryKeep))
			switch {
			case err != nil && ctx.Err() == nil:
				log.Warn("prune handled deliveries", "error", err.Error())
			case n > 0:
				log.Info("pruned handled deliveries", "count", n)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

func runManifest(_ context.Context, args []string, io stdio) int {
	fs := flag.NewFlagSet("manifest", flag.ContinueOnError)
	fs.SetOutput(io.err)
	name := fs.String("name", "untangle", fmt.Sprintf("the app's name in Slack (at most %d characters); the bot's display name is derived from it", bot.MaxAppNameRunes))
	fs.Usage = func() {
		fmt.Fprintln(io.err, "Usage: untangle manifest [--name NAME]\n\nPrints the Slack app manifest (YAML) to paste at api.slack.com/apps → Create New App → From a manifest.\n\nFlags:")
		fs.PrintDefaults()
	}
	if code, ok := parseNoArgs(fs, args, io.err); !ok {
		return code
	}
	if err := bot.CheckAppName(*name); err != nil {
		fmt.Fprintln(io.err, "untangle manifest: --name:", err)
		return exitUsage
	}
	fmt.Fprint(io.out, bot.Manifest(bot.ManifestOptions{Name: *name}))
	return exitOK
}

func runBackup(ctx context.Context, args []string, io stdio) int {
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	fs.SetOutput(io.err)
	dbPath := fs.String("db", envOr("UNTANGLE_DB", "./untangle.db"), "the live database (env UNTANGLE_DB)")
	fs.Usage = func() {
		fmt.Fprintln(io.err, "Usage: untangle backup [--db FILE] DEST\n\nWrites a consistent copy of the database to DEST (which must not exist), safe while the bot runs.\nOn PostgreSQL, use pg_dump instead.")
		fs.PrintDefaults()
	}
	positional, err := parseInterspersed(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	if err != nil || len(positional) != 1 {
		fs.Usage()
		return exitUsage
	}
	if kind, err := storage.Backend(*dbPath); err != nil {
		fmt.Fprintln(io.err, "untangle backup:", err)
		return exitUsage
	} else if kind == storage.Postgres {
		fmt.Fprintln(io.err, "untangle backup:", storage.ErrBackupPostgres)
		return exitInput
	}
	if err := checkSQLite(*dbPath); err != nil {
		fmt.Fprintln(io.err, "untangle backup:", err)
		return exitInput
	}
	if _, err := os.Stat(*dbPath); err != nil {
		fmt.Fprintf(io.err, "untangle backup: no database at %s\n", *dbPath)
		return exitInput
	}
	db, err := storage.Open(ctx, *dbPath)
	if err != nil {
		fmt.Fprintln(io.err, "untangle backup:", err)
		return exitInput
	}
	defer db.Close()
	if err := db.Backup(ctx, positional[0]); err != nil {
		fmt.Fprintln(io.err, "untangle backup:", err)
		return exitInput
	}
	fmt.Fprintf(io.out, "backed up %s to %s\n", *dbPath, positional[0])
	return exitOK
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}
