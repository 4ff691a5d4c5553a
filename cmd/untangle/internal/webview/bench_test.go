package webview_test

import (
	"context"
	"testing"

	"github.com/untangle-rca/untangle/tree"
	"github.com/untangle-rca/untangle/tree/treetest"
	"github.com/untangle-rca/untangle/workflow"
)

// BenchmarkPage150 serves the page of a generated 150-node tree: checking
// the link, loading the RCA, drawing the SVG and writing the page.
func BenchmarkPage150(b *testing.B) {
	w := newWorld(b)
	ctx := context.Background()
	r, err := w.svc.Start(ctx, fac, workflow.StartInput{Title: "Big"})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := w.svc.PasteStatements(ctx, fac, r.ID, string(tree.Format(treetest.Generate(1, 150)))); err != nil {
		b.Fatal(err)
	}
	u, err := w.linker.URL(ctx, r.ID)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		resp, body := get(b, u)
		if resp.StatusCode != 200 {
			b.Fatalf("status %d", resp.StatusCode)
		}
		b.ReportMetric(float64(len(body)), "page-bytes")
	}
}
