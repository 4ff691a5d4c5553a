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
	"math/rand/v2"
	"os"
	"slices"
	"time"

	"github.com/untangle-rca/untangle/tree"
	"github.com/untangle-rca/untangle/tree/render"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "renderbench:", err)
		os.Exit(1)
	}
}

func run() error {
	nodes := flag.Int("nodes", 150, "number of nodes in the generated tree")
	seed := flag.Uint64("seed", 1, "generator seed")
	dotOut := flag.String("dot", "", "write the DOT to this file and exit")
	pngOut := flag.String("png", "", "render the PNG to this file")
	runs := flag.Int("runs", 1, "renders in this process; with more than 1, print the median time per render")
	flag.Parse()
	t, err := generate(*seed, *nodes)
	if err != nil {
		return err
	}
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

// generate builds a layered random tree: a tenth UDEs, every other node a
// cause of a node above it, a third of the links AND groups of two.
func generate(seed uint64, n int) (*tree.Tree, error) {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	t := tree.New(fmt.Sprintf("Generated tree, %d nodes", n))
	words := []string{"deploy", "queue", "cache", "retry", "timeout", "alert", "pool", "config", "review", "owner", "budget", "test", "schema", "index", "load"}
	pick := func() string { return words[rng.IntN(len(words))] }
	udes := max(1, n/10)
	for i := 1; i <= n; i++ {
		kind := tree.KindCause
		if i <= udes {
			kind = tree.KindUDE
		}
		text := fmt.Sprintf("Node %d: the %s %s is %s under %s", i, pick(), pick(), pick(), pick())
		if _, err := t.AddNode(tree.Node{Kind: kind, Text: text}); err != nil {
			return nil, fmt.Errorf("generate node %d: %w", i, err)
		}
	}
	for i := udes + 1; i <= n; i++ {
		causes := []tree.NodeID{tree.NodeID(i)}
		if rng.IntN(3) == 0 && i < n {
			causes = append(causes, tree.NodeID(i+1))
		}
		// A duplicate link is rejected by the model; skipping it is fine here.
		_, _ = t.AddGroup(tree.Group{Effect: tree.NodeID(1 + rng.IntN(i-1)), Causes: causes})
	}
	return t, nil
}
