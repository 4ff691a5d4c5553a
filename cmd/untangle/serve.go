package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"

	"github.com/untangle-rca/untangle/bot"
	"github.com/untangle-rca/untangle/storage"
	"github.com/untangle-rca/untangle/workflow"
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
		return fmt.Errorf("open the database %s: %w", cfg.DBPath, err)
	}
	defer db.Close()
	log.Info("database ready", "path", cfg.DBPath)
	svc := workflow.New(db, workflow.SystemClock(), workflow.WithThreshold(cfg.CoreThreshold),
		workflow.WithLimits(cfg.Limits))
	b, err := bot.New(bot.Config{
		BotToken: cfg.BotToken, AppToken: cfg.AppToken, APIURL: cfg.APIURL,
		Location: cfg.TimeZone, Logger: log,
		RemindCron: cfg.RemindCron,
	}, svc)
	if err != nil {
		return err
	}
	if cfg.HTTPAddr != "" {
		stopHTTP, err := startOpsServer(cfg.HTTPAddr, b, db, log)
		if err != nil {
			return err
		}
		defer stopHTTP()
	}
	if err := b.Check(ctx); err != nil {
		return err
	}
	return b.Run(ctx)
}

func runManifest(_ context.Context, args []string, io stdio) int {
	fs := flag.NewFlagSet("manifest", flag.ContinueOnError)
	fs.SetOutput(io.err)
	name := fs.String("name", "untangle", "the app's display name in Slack")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
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
		fmt.Fprintln(io.err, "Usage: untangle backup [--db FILE] DEST\n\nWrites a consistent copy of the database to DEST (which must not exist), safe while the bot runs.")
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
