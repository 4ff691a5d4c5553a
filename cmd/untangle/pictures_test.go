package main

import (
	"bytes"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/untangle-rca/untangle/tree"
	"github.com/untangle-rca/untangle/tree/render"
	"github.com/untangle-rca/untangle/tree/treetest"
)

// writeTree saves t as statements in dir and returns the file name.
func writeTree(t *testing.T, dir string, tr *tree.Tree) string {
	t.Helper()
	path := filepath.Join(dir, "in.cst")
	if err := os.WriteFile(path, tree.Format(tr), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// decodeSize decodes the PNG at path and fails when a side is over render.MaxSide.
func decodeSize(t *testing.T, path string) (int, int) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if cfg.Width > render.MaxSide || cfg.Height > render.MaxSide {
		t.Errorf("%s is %d × %d px, over %d", path, cfg.Width, cfg.Height, render.MaxSide)
	}
	return cfg.Width, cfg.Height
}

// shapedTree is a UDE (#1) and n-1 causes, cause i linked to effect(i).
func shapedTree(t *testing.T, n int, effect func(i int) int) *tree.Tree {
	t.Helper()
	tr := tree.New("shaped")
	if _, err := tr.AddNode(tree.Node{Kind: tree.KindUDE, Text: "Orders are lost"}); err != nil {
		t.Fatal(err)
	}
	for i := 2; i <= n; i++ {
		if _, err := tr.AddNode(tree.Node{Text: fmt.Sprintf("Cause number %d", i)}); err != nil {
			t.Fatal(err)
		}
		if _, err := tr.AddGroup(tree.Group{Effect: tree.NodeID(effect(i)), Causes: []tree.NodeID{tree.NodeID(i)}}); err != nil {
			t.Fatal(err)
		}
	}
	return tr
}

func TestAnalyzeSplitsABigPicture(t *testing.T) {
	dir := t.TempDir()
	in := writeTree(t, dir, treetest.Generate(1, 130))
	out := filepath.Join(dir, "tree.png")
	code, _, stderr := runCLI(t, "", "analyze", in, "--png", out)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	listed := strings.Count(stderr, "\n  ")
	if listed < 3 || !strings.Contains(stderr, "--png wrote "+fmt.Sprint(listed)+" pictures") || !strings.Contains(stderr, out+"\t"+"Generated tree 1/130 — overview") {
		t.Fatalf("stderr does not list the pictures:\n%s", stderr)
	}
	for i := range listed {
		name := numberedPath(out, i)
		if !strings.Contains(stderr, "  "+name+"\t") {
			t.Errorf("%s not listed", name)
		}
		decodeSize(t, name)
	}
	if _, err := os.Stat(numberedPath(out, listed)); err == nil {
		t.Errorf("more files than listed")
	}
}

func TestAnalyzeRefusesAnUnreadablePicture(t *testing.T) {
	dir := t.TempDir()
	in := writeTree(t, dir, shapedTree(t, 20_000, func(i int) int { return i - 1 }))
	code, _, stderr := runCLI(t, "", "analyze", in, "--png", filepath.Join(dir, "tree.png"), "--svg", filepath.Join(dir, "tree.svg"))
	if code != exitInput || !strings.Contains(stderr, "cannot be drawn readably") || !strings.Contains(stderr, "--one-picture") {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Fatalf("files were written although the picture was refused: %v", entries)
	}
}

func TestAnalyzeOnePictureIsBounded(t *testing.T) {
	dir := t.TempDir()
	in := writeTree(t, dir, shapedTree(t, 401, func(int) int { return 1 }))
	out := filepath.Join(dir, "fan.png")
	code, _, stderr := runCLI(t, "", "analyze", in, "--png", out)
	if code != exitInput || !strings.Contains(stderr, "400 pictures") {
		t.Fatalf("without --one-picture: exit %d, stderr %q", code, stderr)
	}
	code, _, stderr = runCLI(t, "", "analyze", in, "--png", out, "--one-picture")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if w, _ := decodeSize(t, out); w > render.DefaultMaxWidth {
		t.Errorf("%d px wide", w)
	}
}
