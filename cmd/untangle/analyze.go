package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/untangle-rca/untangle/tree"
	"github.com/untangle-rca/untangle/tree/export"
	"github.com/untangle-rca/untangle/tree/render"
)

// maxJSONBytes bounds a JSON tree file; statement files use tree.MaxStatementBytes.
const maxJSONBytes = 32 << 20

// analyzeFlags holds the command line of `untangle analyze`.
type analyzeFlags struct {
	input     string
	threshold float64
	report    string
	outputs   map[string]*string // format name → path ("" = not wanted)
	fixes     fixFlags           // --fix: draw the Future Reality Tree with these injections
}

// outputFormats lists the files analyze can write, in the order they are written.
var outputFormats = []struct{ name, help string }{
	{"png", "write the tree as a PNG picture to `file`"},
	{"svg", "write the tree as SVG to `file`"},
	{"dot", "write the Graphviz DOT source to `file`"},
	{"mermaid", "write a Mermaid flowchart to `file`"},
	{"json", "write the lossless JSON export to `file`"},
	{"md", "write the Markdown report to `file`"},
	{"flying-logic", "write a Flying Logic document (.xlogic) to `file`"},
	{"statements", "write the tree in statement syntax to `file`"},
}

func parseAnalyzeFlags(args []string, stderr io.Writer) (*analyzeFlags, error) {
	fs := flag.NewFlagSet("analyze", flag.ContinueOnError)
	fs.SetOutput(stderr)
	f := &analyzeFlags{outputs: map[string]*string{}}
	fs.Float64Var(&f.threshold, "threshold", tree.DefaultThreshold, "weighted UDE share a root needs to be a core cause (0–1]")
	fs.StringVar(&f.report, "report", "text", "what to print: text or json")
	fs.Var(&f.fixes, "fix", "an injection against a node, `N=TEXT` (repeatable); the picture and file outputs then show the Future Reality Tree")
	for _, o := range outputFormats {
		f.outputs[o.name] = fs.String(o.name, "", o.help)
	}
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: untangle analyze FILE|- [flags]\n\nReads a tree in statement syntax (.cst) or JSON (.json) and prints its analysis.\n\nFlags:")
		fs.PrintDefaults()
	}
	positional, err := parseInterspersed(fs, args)
	if err != nil {
		return nil, err
	}
	if len(positional) != 1 {
		fs.Usage()
		return nil, errors.New("analyze needs exactly one input: a file name or - for standard input")
	}
	f.input = positional[0]
	if f.threshold <= 0 || f.threshold > 1 {
		return nil, fmt.Errorf("--threshold must be above 0 and at most 1, not %g", f.threshold)
	}
	if f.report != "text" && f.report != "json" {
		return nil, fmt.Errorf("--report must be text or json, not %q", f.report)
	}
	return f, nil
}

// parseInterspersed parses flags that may come before or after positional arguments.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return positional, nil
		}
		positional = append(positional, args[0])
		args = args[1:]
	}
}

func runAnalyze(ctx context.Context, args []string, io stdio) int {
	f, err := parseAnalyzeFlags(args, io.err)
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	if err != nil {
		fmt.Fprintln(io.err, "untangle analyze:", err)
		return exitUsage
	}
	t, err := readTree(f.input, io.in)
	if err != nil {
		fmt.Fprintln(io.err, err)
		return exitInput
	}
	opt := tree.Options{Threshold: f.threshold}
	a := tree.Analyze(t, opt)
	drawn, drawnAnalysis := t, a
	var combined tree.Elimination
	if len(f.fixes) > 0 {
		if drawn, combined, err = futureOf(t, f.fixes, opt); err != nil {
			fmt.Fprintln(io.err, "untangle analyze:", err)
			return exitInput
		}
		drawnAnalysis = nil // the Future Reality Tree is drawn as it is, like the bot does
	}
	if err := writeOutputs(ctx, drawn, drawnAnalysis, f.outputs); err != nil {
		fmt.Fprintln(io.err, "untangle analyze:", err)
		return exitInput
	}
	if f.report == "json" {
		err = writeJSONReport(io.out, t, a)
	} else if err = writeTextReport(io.out, t, a); err == nil && len(f.fixes) > 0 {
		err = writeFixReport(io.out, t, f.fixes, combined)
	}
	if err != nil {
		fmt.Fprintln(io.err, "untangle analyze:", err)
		return exitInput
	}
	return exitOK
}

// readTree loads a tree from a statement or JSON file ("-" reads stdin).
// Errors are prefixed with the file name, so syntax errors read file:line:col.
func readTree(name string, stdin io.Reader) (*tree.Tree, error) {
	display := name
	r := stdin
	if name == "-" {
		display = "<stdin>"
	} else {
		file, err := os.Open(name)
		if err != nil {
			return nil, fmt.Errorf("untangle analyze: %w", err)
		}
		defer file.Close()
		r = file
	}
	isJSON := strings.EqualFold(filepath.Ext(name), ".json")
	limit := int64(tree.MaxStatementBytes)
	if isJSON {
		limit = maxJSONBytes
	}
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", display, err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%s: the file is larger than %d MiB; split the tree or trim it", display, limit>>20)
	}
	if isJSON || (name == "-" && bytes.HasPrefix(bytes.TrimSpace(data), []byte("{"))) {
		var t tree.Tree
		if err := json.Unmarshal(data, &t); err != nil {
			return nil, fmt.Errorf("%s: not a valid untangle JSON tree: %w", display, err)
		}
		return &t, nil
	}
	t, err := tree.Parse(data)
	if err != nil {
		return nil, prefixErrors(display, err)
	}
	if t.Title == "" && name != "-" {
		t.Title = strings.TrimSuffix(filepath.Base(name), filepath.Ext(name))
	}
	return t, nil
}

// prefixErrors puts the file name before every line:col error.
func prefixErrors(file string, err error) error {
	var list tree.ErrorList
	if errors.As(err, &list) {
		lines := make([]string, len(list))
		for i, e := range list {
			lines[i] = file + ":" + e.Error()
		}
		return errors.New(strings.Join(lines, "\n"))
	}
	var syn *tree.SyntaxError
	if errors.As(err, &syn) {
		return fmt.Errorf("%s:%s", file, syn.Error())
	}
	return fmt.Errorf("%s: %w", file, err)
}

// writeOutputs produces every requested file in memory first, then writes each
// atomically, so a failure leaves no partial file behind.
func writeOutputs(ctx context.Context, t *tree.Tree, a *tree.Analysis, paths map[string]*string) error {
	type output struct{ name, path string }
	var wanted []output
	for _, o := range outputFormats {
		if p := *paths[o.name]; p != "" {
			if err := checkDir(p); err != nil {
				return fmt.Errorf("--%s: %w", o.name, err)
			}
			wanted = append(wanted, output{o.name, p})
		}
	}
	if len(wanted) == 0 {
		return nil
	}
	contents := make([][]byte, len(wanted))
	var r *render.Renderer
	for i, o := range wanted {
		if (o.name == "png" || o.name == "svg") && r == nil {
			var err error
			if r, err = render.New(ctx); err != nil {
				return fmt.Errorf("start the renderer: %w", err)
			}
			defer r.Close()
		}
		data, err := produce(ctx, r, o.name, t, a)
		if err != nil {
			return fmt.Errorf("--%s: %w", o.name, err)
		}
		contents[i] = data
	}
	for i, o := range wanted {
		if err := writeFileAtomic(o.path, contents[i]); err != nil {
			return fmt.Errorf("--%s: %w", o.name, err)
		}
	}
	return nil
}

func produce(ctx context.Context, r *render.Renderer, format string, t *tree.Tree, a *tree.Analysis) ([]byte, error) {
	opt := render.Options{Title: t.Title}
	var buf bytes.Buffer
	switch format {
	case "png":
		err := r.PNG(ctx, t, a, opt, &buf)
		return buf.Bytes(), err
	case "svg":
		err := r.SVG(ctx, t, a, opt, &buf)
		return buf.Bytes(), err
	case "dot":
		return render.DOT(t, a, opt), nil
	case "mermaid":
		return export.Mermaid(t, a), nil
	case "json":
		data, err := json.MarshalIndent(t, "", "  ")
		return append(data, '\n'), err
	case "md":
		return export.Markdown(t, a, export.MarkdownOptions{}), nil
	case "flying-logic":
		return export.FlyingLogic(t, a)
	case "statements":
		return tree.Format(t), nil
	}
	return nil, fmt.Errorf("unknown format %q", format)
}

func checkDir(path string) error {
	dir := filepath.Dir(path)
	info, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("cannot write %s: the directory %s does not exist", path, dir)
	}
	if !info.IsDir() {
		return fmt.Errorf("cannot write %s: %s is not a directory", path, dir)
	}
	return nil
}

// writeFileAtomic writes data to a temporary file next to path and renames it
// into place, so readers never see a half-written file.
func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
