package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/untangle-rca/untangle/tree"
	"github.com/untangle-rca/untangle/tree/render"
)

// outFile is one file analyze writes.
type outFile struct {
	path, title string
	data        []byte
}

// pictureFiles draws t for --png or --svg by the bot's readability rules:
// one picture when its text stays readable, otherwise an overview and one
// picture per subtree, saved
// as path, then path with -2, -3, … before the extension. A tree that cannot
// be drawn readably is refused, unless onePicture asks for a single picture
// whatever its text size (still at most render.MaxSide px a side).
func pictureFiles(ctx context.Context, r *render.Renderer, format, path string, t *tree.Tree, a *tree.Analysis, onePicture bool) ([]outFile, error) {
	f := render.FormatPNG
	if format == "svg" {
		f = render.FormatSVG
	}
	opt := render.Options{Title: t.Title}
	if onePicture {
		var buf bytes.Buffer
		draw := r.PNG
		if f == render.FormatSVG {
			draw = r.SVG
		}
		if err := draw(ctx, t, a, opt, &buf); err != nil {
			return nil, err
		}
		return []outFile{{path: path, title: t.Title, data: buf.Bytes()}}, nil
	}
	pics, err := r.Readable(ctx, t, a, opt, f)
	if errors.Is(err, render.ErrUnreadable) {
		return nil, fmt.Errorf("the tree cannot be drawn readably: %w; add --one-picture to draw it as one picture anyway, or split the tree", err)
	}
	if err != nil {
		return nil, err
	}
	files := make([]outFile, len(pics))
	for i, p := range pics {
		files[i] = outFile{path: numberedPath(path, i), title: p.Title, data: p.Data}
	}
	return files, nil
}

// numberedPath is path for the first picture, and tree-2.png, tree-3.png, …
// for the next ones.
func numberedPath(path string, i int) string {
	if i == 0 {
		return path
	}
	ext := filepath.Ext(path)
	return fmt.Sprintf("%s-%d%s", strings.TrimSuffix(path, ext), i+1, ext)
}

// listPictures tells on w which files a split picture was written to.
func listPictures(w io.Writer, format string, files []outFile) {
	if len(files) < 2 {
		return
	}
	fmt.Fprintf(w, "untangle analyze: the tree is too big for one readable picture; --%s wrote %d pictures:\n", format, len(files))
	for _, f := range files {
		fmt.Fprintf(w, "  %s\t%s\n", f.path, f.title)
	}
}
