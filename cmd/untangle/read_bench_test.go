package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/untangle-rca/untangle/tree"
	"github.com/untangle-rca/untangle/tree/treetest"
)

// BenchmarkReadAndAnalyze reads a generated tree of 10,000 or 100,000 nodes
// from a statement file and from a JSON file, as `untangle analyze` does,
// and analyses it. Writing the files is outside the timer.
func BenchmarkReadAndAnalyze(b *testing.B) {
	dir := b.TempDir()
	for _, n := range []int{10_000, 100_000} {
		t := treetest.Generate(1, n)
		stmts := filepath.Join(dir, fmt.Sprintf("tree-%d.cst", n))
		if err := os.WriteFile(stmts, tree.Format(t), 0o644); err != nil {
			b.Fatal(err)
		}
		data, err := json.Marshal(t)
		if err != nil {
			b.Fatal(err)
		}
		js := filepath.Join(dir, fmt.Sprintf("tree-%d.json", n))
		if err := os.WriteFile(js, data, 0o644); err != nil {
			b.Fatal(err)
		}
		for _, file := range []string{stmts, js} {
			format := strings.TrimPrefix(filepath.Ext(file), ".")
			b.Run(fmt.Sprintf("%s/%dk", format, n/1000), func(b *testing.B) {
				for b.Loop() {
					got, err := readTree(file, nil)
					if err != nil {
						b.Fatal(err)
					}
					tree.Analyze(got, tree.Options{})
				}
			})
			// The whole command: reading, analysis, the blame-wording check
			// and the text report (process start-up not included).
			b.Run(fmt.Sprintf("command/%s/%dk", format, n/1000), func(b *testing.B) {
				for b.Loop() {
					if code := run(context.Background(), []string{"analyze", file}, stdio{out: io.Discard, err: io.Discard}); code != exitOK {
						b.Fatalf("exit %d", code)
					}
				}
			})
		}
	}
}
