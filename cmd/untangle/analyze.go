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
	report    string             // "text", "json", or "" when an output goes to standard output instead
	outputs   map[string]*string // format name → path ("" = not wanted, "-" = standard output)
	fixes     fixFlags           // --fix: injections against these nodes (the Future Reality Tree)
	// onePicture draws --png/--svg as one picture even when the tree is too
	// big for readable text.
	onePicture bool
}

// stdoutPath is the output path that means standard output.
const stdoutPath = "-"

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
	fs.Float64Var(&f.threshold, "threshold", tree.DefaultThreshold, "share (0–1] of the weighted UDE impact a root must explain and, fixed alone, remove to be a core cause")
	fs.StringVar(&f.report, "report", "text", "what to print: text or json")
	fs.Var(&f.fixes, "fix", "a fix against node `N` (or N=TEXT to word the injection; repeatable): report its Future Reality Tree, which the pictures then show")
	fs.BoolVar(&f.onePicture, "one-picture", false, "draw --png/--svg as one picture even when the tree is too big to read in one")
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
	if !validThreshold(f.threshold) {
		return nil, fmt.Errorf("--threshold must be above 0 and at most 1, not %g", f.threshold)
	}
	if f.report != "text" && f.report != "json" {
		return nil, fmt.Errorf("--report must be text or json, not %q", f.report)
	}
	reportSet := false
	fs.Visit(func(fl *flag.Flag) { reportSet = reportSet || fl.Name == "report" })
	toStdout, err := checkOutputTargets(f.outputs)
	if err != nil {
		return nil, err
	}
	if toStdout != "" {
		if reportSet {
			return nil, fmt.Errorf("--report and --%s - both write to standard output: give --%s a file name or drop --report", toStdout, toStdout)
		}
		f.report = ""
	}
	return f, nil
}

// checkOutputTargets refuses two outputs with the same target and a binary
// format on standard output; it returns the format written to standard
// output, if any.
func checkOutputTargets(outputs map[string]*string) (string, error) {
	seen := map[string]string{}
	toStdout := ""
	for _, o := range outputFormats {
		p := *outputs[o.name]
		if p == "" {
			continue
		}
		key := p
		if p == stdoutPath {
			if o.name == "png" {
				return "", errors.New("--png -: a PNG is binary; give a file name")
			}
			toStdout = o.name
		} else if abs, err := filepath.Abs(p); err == nil {
			key = abs
		}
		if other, ok := seen[key]; ok {
			return "", fmt.Errorf("--%s and --%s both write to %s: give each its own file", other, o.name, p)
		}
		seen[key] = o.name
	}
	return toStdout, nil
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
	whole, fut, drawn, err := future(t, f.fixes, opt)
	if err != nil {
		fmt.Fprintln(io.err, "untangle analyze:", err)
		return exitInput
	}
	drawnAnalysis := a
	if drawn != t {
		drawnAnalysis = nil // the Future Reality Tree is drawn as it is, like the bot does
	}
	blame := checkBlame(t)
	a.Warnings = append(a.Warnings, blameWarnings(blame)...)
	if err := writeOutputs(ctx, drawn, whole, drawnAnalysis, f.outputs, f.onePicture, io); err != nil {
		fmt.Fprintln(io.err, "untangle analyze:", err)
		return exitInput
	}
	switch f.report {
	case "json":
		err = writeJSONReport(io.out, t, a, blame, futureJSON(whole, fut))
	case "text":
		if err = writeTextReport(io.out, t, a); err == nil && fut != nil {
			err = writeFutureReport(io.out, whole, fut, len(a.UDEs))
		}
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
	isJSON := strings.EqualFold(filepath.Ext(name), ".json")
	limit := int64(tree.MaxStatementBytes)
	if isJSON {
		limit = maxJSONBytes
	}
	tooLarge := fmt.Errorf("%s: the file is larger than %d MiB; split the tree or trim it", display, limit>>20)
	r, size := stdin, int64(bytes.MinRead)
	if name == "-" {
		display = "<stdin>"
		tooLarge = fmt.Errorf("%s: the input is larger than %d MiB; split the tree or trim it", display, limit>>20)
	} else {
		file, err := os.Open(name)
		if err != nil {
			return nil, fmt.Errorf("untangle analyze: %w", err)
		}
		defer file.Close()
		if info, err := file.Stat(); err == nil && info.Mode().IsRegular() {
			if info.Size() > limit {
				return nil, tooLarge
			}
			size = info.Size()
		}
		r = file
	}
	// Read in one allocation when the size is known, and at most limit+1 bytes.
	buf := bytes.NewBuffer(make([]byte, 0, size+bytes.MinRead))
	if _, err := buf.ReadFrom(io.LimitReader(r, limit+1)); err != nil {
		return nil, fmt.Errorf("%s: %w", display, err)
	}
	data := buf.Bytes()
	if int64(len(data)) > limit {
		return nil, tooLarge
	}
	if isJSON || (name == "-" && bytes.HasPrefix(bytes.TrimSpace(data), []byte("{"))) {
		var t tree.Tree
		if err := t.UnmarshalJSON(data); err != nil { // once: json.Unmarshal would scan the whole input first
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
// atomically, so a failure leaves no partial file behind; the path "-"
// writes to standard output, and split pictures are listed on standard error.
// The pictures and the other drawings show t; the lossless exports (JSON,
// statements) write whole, the tree with its recorded fixes.
func writeOutputs(ctx context.Context, t, whole *tree.Tree, a *tree.Analysis, paths map[string]*string, onePicture bool, std stdio) error {
	type output struct{ name, path string }
	var wanted []output
	for _, o := range outputFormats {
		if p := *paths[o.name]; p != "" {
			if err := checkTarget(p); err != nil {
				return fmt.Errorf("--%s: %w", o.name, err)
			}
			wanted = append(wanted, output{o.name, p})
		}
	}
	if len(wanted) == 0 {
		return nil
	}
	files := make([][]outFile, len(wanted))
	var r *render.Renderer
	for i, o := range wanted {
		if o.name == "png" || o.name == "svg" {
			if r == nil {
				var err error
				if r, err = render.New(ctx); err != nil {
					return fmt.Errorf("start the renderer: %w", err)
				}
				defer r.Close()
			}
			var err error
			if files[i], err = pictureFiles(ctx, r, o.name, o.path, t, a, onePicture); err != nil {
				return fmt.Errorf("--%s: %w", o.name, err)
			}
			if o.path == stdoutPath && len(files[i]) > 1 {
				return fmt.Errorf("--%s -: the tree is drawn as %d pictures, which cannot all go to standard output; give a file name, or add --one-picture", o.name, len(files[i]))
			}
			continue
		}
		src := t
		if o.name == "json" || o.name == "statements" {
			src = whole
		}
		data, err := produce(o.name, src, a)
		if err != nil {
			return fmt.Errorf("--%s: %w", o.name, err)
		}
		files[i] = []outFile{{path: o.path, data: data}}
	}
	for i, o := range wanted {
		for _, f := range files[i] {
			var err error
			if f.path == stdoutPath {
				_, err = std.out.Write(f.data)
			} else {
				err = writeFileAtomic(f.path, f.data)
			}
			if err != nil {
				return fmt.Errorf("--%s: %w", o.name, err)
			}
		}
		listPictures(std.err, o.name, files[i])
	}
	return nil
}

func produce(format string, t *tree.Tree, a *tree.Analysis) ([]byte, error) {
	opt := render.Options{Title: t.Title}
	switch format {
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

// checkTarget says what is wrong when path cannot be written as a file.
func checkTarget(path string) error {
	if path == stdoutPath {
		return nil
	}
	if info, err := os.Stat(path); err == nil && info.IsDir() {
		return fmt.Errorf("cannot write %s: it is a directory; give a file name", path)
	}
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
// into place, so readers never see a half-written file. An existing file keeps
// its permissions; a new one gets 0644.
func writeFileAtomic(path string, data []byte) error {
	mode := os.FileMode(0o644)
	if info, err := os.Stat(path); err == nil {
		mode = info.Mode().Perm()
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
