package storage_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/untangle-rca/untangle/storage"
	"github.com/untangle-rca/untangle/storage/storagetest"
	"github.com/untangle-rca/untangle/workflow"
)

// BenchmarkCommittedCommands commits AddSymptom commands through
// workflow.Service on each backend, side by side: from one goroutine, and
// from eight spread over eight RCAs through one store or through two
// stores on one database (two replicas). It reports committed commands per
// second.
//
//	go test ./storage -run '^$' -bench CommittedCommands -benchtime 2s
func BenchmarkCommittedCommands(b *testing.B) {
	cases := []struct {
		name     string
		backend  func(testing.TB) string
		stores   int
		parallel bool
	}{
		{"sqlite/serial", storagetest.SQLite, 1, false},
		{"postgres/serial", storagetest.Postgres, 1, false},
		{"sqlite/8-writers", storagetest.SQLite, 1, true},
		{"postgres/8-writers", storagetest.Postgres, 1, true},
		{"postgres/8-writers-2-stores", storagetest.Postgres, 2, true},
	}
	for _, bc := range cases {
		b.Run(bc.name, func(b *testing.B) {
			dsn := bc.backend(b)
			var svcs []*workflow.Service
			for range bc.stores {
				db, err := storage.Open(context.Background(), dsn)
				if err != nil {
					b.Fatal(err)
				}
				b.Cleanup(func() { db.Close() })
				svcs = append(svcs, workflow.New(db, nil))
			}
			benchCommands(b, svcs, bc.parallel)
		})
	}
}

func benchCommands(b *testing.B, svcs []*workflow.Service, parallel bool) {
	ctx := context.Background()
	fac := workflow.Actor{UserID: "UFAC"}
	ids := make([]int64, 8)
	for i := range ids {
		r, err := svcs[0].Start(ctx, fac, workflow.StartInput{Title: fmt.Sprintf("Outage %d", i)})
		if err != nil {
			b.Fatal(err)
		}
		ids[i] = r.ID
	}
	var n atomic.Int64
	cmd := func() {
		i := n.Add(1)
		svc := svcs[int(i)%len(svcs)]
		if _, err := svc.AddSymptom(ctx, fac, ids[i%8], workflow.SymptomInput{Text: fmt.Sprintf("Symptom %d", i)}); err != nil {
			b.Error(err)
		}
	}
	b.ResetTimer()
	if parallel {
		b.SetParallelism(4) // 8 goroutines on a 2-core machine
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				cmd()
			}
		})
	} else {
		for range b.N {
			cmd()
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "cmds/s")
}

// BenchmarkAddSymptomToLargeTree commits AddSymptom commands to one RCA that
// holds between 1,000 and 1,500 nodes, as the last of the 1,000 submissions
// of the bot's ack benchmark do: the cost of a change should not grow with
// the tree (a fresh RCA of 1,000 nodes is filled outside the timer every
// 500 commands). It reports the allocations of a command.
//
//	go test ./storage -run '^$' -bench AddSymptomToLargeTree
func BenchmarkAddSymptomToLargeTree(b *testing.B) {
	const base, per = 1000, 500
	ctx := context.Background()
	db, err := storage.Open(ctx, storagetest.SQLite(b))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	svc := workflow.New(db, nil)
	fac := workflow.Actor{UserID: "UFAC"}
	var rca int64
	fill := func() {
		r, err := svc.Start(ctx, fac, workflow.StartInput{Title: fmt.Sprintf("Outage %d", rca+1)})
		if err != nil {
			b.Fatal(err)
		}
		rca = r.ID
		for i := range base {
			if _, err := svc.AddSymptom(ctx, fac, rca, workflow.SymptomInput{Text: fmt.Sprintf("Shard %d returns errors", i)}); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		if i%per == 0 {
			b.StopTimer()
			fill()
			b.StartTimer()
		}
		if _, err := svc.AddSymptom(ctx, fac, rca, workflow.SymptomInput{Text: fmt.Sprintf("Queue %d is full", i)}); err != nil {
			b.Fatal(err)
		}
	}
}
