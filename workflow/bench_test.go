package workflow_test

import (
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/untangle-rca/untangle/storage"
	"github.com/untangle-rca/untangle/tree"
	"github.com/untangle-rca/untangle/tree/treetest"
	"github.com/untangle-rca/untangle/workflow"
)

// benchReviews commits Review commands on a seeded RCA; each is a full
// command: permission check, tree and review load, upsert, audit, commit.
func benchReviews(b *testing.B, parallel bool) {
	e := newEnv(b)
	id := e.start(false)
	e.seed(id)
	e.phase(id, workflow.PhaseChallenging)
	actors := []workflow.Actor{alice, bob, carol, fac}
	var n atomic.Int64
	cmd := func() {
		i := n.Add(1)
		if _, err := e.svc.Review(e.ctx, actors[i%4], id, tree.GroupID(1+i%3), i%5 != 0); err != nil {
			b.Error(err)
		}
	}
	b.ResetTimer()
	if parallel {
		b.SetParallelism(4) // 8 goroutines on the 2-core machine
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

func BenchmarkReviewSingleWriter(b *testing.B) { benchReviews(b, false) }

func BenchmarkReviewConcurrentWriters(b *testing.B) { benchReviews(b, true) }

// BenchmarkAddCauses commits AddCauses commands, starting a new RCA every
// 200 commands so the tree stays realistic in size.
func BenchmarkAddCauses(b *testing.B) {
	e := newEnv(b)
	var id int64
	b.ResetTimer()
	for i := range b.N {
		if i%200 == 0 {
			b.StopTimer()
			id = e.start(false)
			e.must(e.svc.AddSymptom(e.ctx, alice, id, workflow.SymptomInput{Text: "Checkout fails"}))
			b.StartTimer()
		}
		if _, err := e.svc.AddCauses(e.ctx, alice, id, workflow.AddCausesInput{Effect: 1,
			NewTexts: []string{fmt.Sprintf("Condition number %d holds", i)}}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "cmds/s")
}

// storeGenerated stores a generated tree as a new RCA.
func storeGenerated(b *testing.B, e *env, nodes int) int64 {
	id := e.start(false)
	gen := treetest.Generate(1, nodes)
	_, err := e.db.Update(e.ctx, "", func(tx workflow.Tx) ([]byte, error) {
		return nil, tx.ApplyChange(id, workflow.Diff(tree.New(""), gen))
	})
	if err != nil {
		b.Fatal(err)
	}
	return id
}

// BenchmarkLoadAnalyze1000 loads a stored 1,000-node RCA and analyses it,
// cold (every load reads the tables) and warm (the tree cache serves it).
func BenchmarkLoadAnalyze1000(b *testing.B) {
	b.Run("cold", func(b *testing.B) { benchLoadAnalyze(b, storage.WithoutTreeCache()) })
	b.Run("warm", func(b *testing.B) { benchLoadAnalyze(b) })
}

func benchLoadAnalyze(b *testing.B, opts ...storage.Option) {
	e := newEnv(b)
	id := storeGenerated(b, e, 1000)
	if len(opts) > 0 {
		e.db.Close()
		db, err := storage.Open(e.ctx, e.path, opts...)
		if err != nil {
			b.Fatal(err)
		}
		e.db, e.svc = db, workflow.New(db, e.clock)
	}
	b.ResetTimer()
	for range b.N {
		tr, err := e.svc.Tree(e.ctx, alice, id)
		if err != nil {
			b.Fatal(err)
		}
		if a := tree.Analyze(tr, tree.Options{}); len(a.UDEs) == 0 {
			b.Fatal("no UDEs")
		}
	}
}

// BenchmarkSummary1000 builds the full finish summary of a stored 1,000-node RCA.
func BenchmarkSummary1000(b *testing.B) {
	e := newEnv(b)
	id := storeGenerated(b, e, 1000)
	b.ResetTimer()
	for range b.N {
		if _, err := e.svc.Summary(e.ctx, alice, id); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAddSymptom1000 commits AddSymptom commands on an RCA that already
// holds 1,000 nodes: the Slack "Add symptom" path on a big tree.
func BenchmarkAddSymptom1000(b *testing.B) {
	e := newEnv(b)
	id := storeGenerated(b, e, 1000)
	b.ResetTimer()
	for i := range b.N {
		if _, err := e.svc.AddSymptom(e.ctx, alice, id, workflow.SymptomInput{Text: fmt.Sprintf("Symptom number %d was seen", i)}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "cmds/s")
}
