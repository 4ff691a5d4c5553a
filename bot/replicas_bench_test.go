package bot_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/untangle-rca/untangle/bot"
	"github.com/untangle-rca/untangle/bot/slacktest"
	"github.com/untangle-rca/untangle/storage"
	"github.com/untangle-rca/untangle/storage/storagetest"
	"github.com/untangle-rca/untangle/workflow"
)

// BenchmarkReplicas runs the Add symptom load of BenchmarkAddSymptomAck (20
// people, 1,000 submissions over five RCAs, as fast as they can) against
// one replica on SQLite, one on PostgreSQL and three on PostgreSQL, side by
// side in one run, everything in this process. The fake Slack hands each
// envelope to one of the replicas' connections at random; PostgreSQL
// replicas take turns at the redraws as in production. It reports the
// acknowledged (committed) submissions per second and the ack p50 and p99.
//
//	go test ./bot -run '^$' -bench Replicas -benchtime=1x -count=3
func BenchmarkReplicas(b *testing.B) {
	cases := []struct {
		name     string
		db       func(testing.TB) string
		replicas int
	}{
		{"sqlite-1", storagetest.SQLite, 1},
		{"postgres-1", storagetest.Postgres, 1},
		{"postgres-3", storagetest.Postgres, 3},
	}
	for _, bc := range cases {
		b.Run(bc.name, func(b *testing.B) {
			for range b.N {
				ds, elapsed := replicaLoad(b, bc.db(b), bc.replicas, bc.name != "sqlite-1")
				latencyReport(b, ds)
				b.ReportMetric(float64(len(ds))/elapsed.Seconds(), "cmds/s")
			}
		})
	}
}

// replicaLoad starts n replicas on the database dsn and runs the load; it
// returns each submission's ack time and how long the load took.
func replicaLoad(b *testing.B, dsn string, n int, shared bool) ([]time.Duration, time.Duration) {
	fake := slacktest.New(b, latencyLimits, slacktest.WithSpread(1))
	users, general := latencyPeople(fake)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	for range n {
		db, err := storage.Open(ctx, dsn)
		if err != nil {
			b.Fatal(err)
		}
		cfg := bot.Config{Refs: db, BotToken: fake.BotToken(), AppToken: fake.AppToken(), APIURL: fake.APIURL(),
			Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
		if shared {
			cfg.Kept = db
		}
		bt, err := bot.New(cfg, workflow.New(db, nil))
		if err != nil {
			b.Fatal(err)
		}
		rctx, stop := context.WithCancel(ctx)
		done := make(chan error, 1)
		go func() { done <- bt.Run(rctx) }()
		defer func() { stop(); <-done; db.Close() }()
	}
	wctx, wcancel := context.WithTimeout(ctx, testTimeout)
	err := fake.WaitForConnectsAtLeast(wctx, n)
	wcancel()
	if err != nil {
		b.Fatal(err)
	}
	var start time.Time
	ds, err := latencyLoad(b, ctx, latencyScenario{rcas: 5}, fake, users, general, func() { b.ResetTimer(); start = time.Now() })
	if err != nil {
		b.Fatal(err)
	}
	return ds, time.Since(start)
}
