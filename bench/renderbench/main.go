// Command renderbench renders a generated tree for bench/render-vs-dot.sh:
// it writes the tree's DOT (for native Graphviz) or renders it to PNG with
// tree/render, once per process or several times in one process. It is a
// benchmark tool, not part of the product or of the tests.
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"slices"
	"time"

	"github.com/untangle-rca/untangle/tree"
	"github.com/untangle-rca/untangle/tree/render"
	"github.com/untangle-rca/untangle/tree/treetest"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "renderbench:", err)
		os.Exit(1)
	}
}

func run() error {
	nodes := flag.Int("nodes", 150, "number of nodes in the generated tree")
	seed := flag.Int64("seed", 1, "generator seed (tree/treetest)")
	dotOut := flag.String("dot", "", "write the DOT to this file and exit")
	pngOut := flag.String("png", "", "render the PNG to this file")
	runs := flag.Int("runs", 1, "renders in this process; with more than 1, print the median time per render")
	flag.Parse()
	t := treetest.Generate(*seed, *nodes)
	if *dotOut != "" {
		return os.WriteFile(*dotOut, render.DOT(t, nil, render.Options{}), 0o644)
	}
	if *pngOut == "" {
		return fmt.Errorf("give -dot or -png")
	}
	return renderPNG(t, *pngOut, *runs)
}

func renderPNG(t *tree.Tree, path string, runs int) error {
	ctx := context.Background()
	r, err := render.New(ctx)
	if err != nil {
		return err
	}
	defer r.Close()
	var buf bytes.Buffer
	times := make([]time.Duration, 0, runs)
	for range runs {
		buf.Reset()
		start := time.Now()
		if err := r.PNG(ctx, t, nil, render.Options{}, &buf); err != nil {
			return err
		}
		times = append(times, time.Since(start))
	}
	if runs > 1 {
		slices.Sort(times)
		fmt.Printf("%.3f\n", times[len(times)/2].Seconds())
	}
	return os.WriteFile(path, buf.Bytes(), 0o644)
}
