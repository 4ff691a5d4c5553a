package render

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	"github.com/untangle-rca/untangle/tree"
)

// MaxPictures is the most pictures Readable splits a tree into; a tree that
// needs more (say thousands of causes of one symptom) is refused.
const MaxPictures = 20

// ErrUnreadable matches (errors.Is) the errors of Readable when a tree
// cannot be drawn with readable text in at most MaxPictures pictures.
var ErrUnreadable = errors.New("too big to draw readably")

// unreadableError says why a tree cannot be drawn readably.
type unreadableError struct{ msg string }

func (e unreadableError) Error() string        { return e.msg }
func (e unreadableError) Is(target error) bool { return target == ErrUnreadable }

func unreadable(format string, args ...any) error {
	return unreadableError{fmt.Sprintf(format, args...)}
}

// Format is the encoding of a picture.
type Format int

// The formats Readable writes.
const (
	FormatPNG Format = iota
	FormatSVG
)

// Picture is one encoded picture of Readable.
type Picture struct {
	Title string
	// From is the cause the subtree grows from; 0 for the whole tree.
	From tree.NodeID
	Data []byte
}

// Readable draws t like ReadablePNGs, in format f, but refuses (with an
// error wrapping ErrUnreadable that says why) when a picture would still
// have text under 14 px or more than MaxPictures pictures are needed. It
// never lays out a part that provably cannot be readable, so a huge tree is
// refused at once.
func (r *Renderer) Readable(ctx context.Context, t *tree.Tree, a *tree.Analysis, opt Options, f Format) ([]Picture, error) {
	pics, err := r.readablePictures(ctx, t, a, opt, true)
	if err != nil {
		return nil, err
	}
	out := make([]Picture, 0, len(pics))
	for _, pic := range pics {
		var buf bytes.Buffer
		write := pic.png
		if f == FormatSVG {
			write = pic.svg
		}
		if err := write(&buf); err != nil {
			return nil, fmt.Errorf("render: %q: %w", pic.scene.title, err)
		}
		out = append(out, Picture{Title: pic.scene.title, From: pic.from, Data: buf.Bytes()})
	}
	return out, nil
}

// readablePictures lays out t as one picture when its text stays readable,
// and otherwise one picture per subtree: with strict, refusing pictures
// with unreadable text or too many of them; without, with small subtrees
// packed together (packedPictures).
func (r *Renderer) readablePictures(ctx context.Context, t *tree.Tree, a *tree.Analysis, opt Options, strict bool) ([]*picture, error) {
	if !NeedsSplit(t) {
		pic, err := r.picture(ctx, t, a, opt)
		if err != nil {
			return nil, err
		}
		if pic.scale >= MinReadableScale {
			return []*picture{pic}, nil
		}
	}
	base := opt.Title
	if base == "" {
		base = t.Title
	}
	starts := subtreeStarts(t, a)
	if !strict {
		return r.packedPictures(ctx, t, a, opt, starts, base)
	}
	if len(starts) == 0 {
		return nil, unreadable("%d nodes and no cause to split them by", t.NumNodes())
	}
	if len(starts) > MaxPictures {
		return nil, unreadable("its %d nodes would need %d pictures, one per cause they grow from (at most %d)",
			t.NumNodes(), len(starts), MaxPictures)
	}
	subs, err := subtrees(t, starts, base)
	if err != nil {
		return nil, err
	}
	out := make([]*picture, 0, len(subs)+1)
	if len(subs) > 1 {
		pic, err := r.overviewPicture(ctx, t, a, opt, starts, base)
		switch {
		case errors.Is(err, ErrUnreadable):
			// Too many causes and symptoms for one readable overview: the
			// subtree pictures stand on their own.
		case err != nil:
			return nil, err
		default:
			out = append(out, pic)
		}
	}
	for _, sub := range subs {
		subOpt := opt
		subOpt.Title = sub.tree.Title
		pic, err := r.part(ctx, sub, a, subOpt)
		if err != nil {
			return nil, err
		}
		out = append(out, pic)
	}
	return out, nil
}

// part lays out one subtree, and refuses an unreadable one.
func (r *Renderer) part(ctx context.Context, sub subtreePart, a *tree.Analysis, opt Options) (*picture, error) {
	n := sub.tree.NumNodes()
	fits, err := r.mayBeReadable(sub.tree, a, opt)
	if err != nil {
		return nil, err
	}
	if !fits {
		return nil, unreadable("the part from %s has %d nodes, more than one picture holds with text large enough to read", sub.from, n)
	}
	pic, err := r.picture(ctx, sub.tree, a, opt)
	if err != nil {
		return nil, err
	}
	if pic.scale < MinReadableScale {
		return nil, unreadable("the part from %s (%d nodes) would have text of %.0f px, under %.0f px",
			sub.from, n, textSize*pic.scale, textSize*MinReadableScale)
	}
	pic.from = sub.from
	return pic, nil
}

// mayBeReadable is false, before any layout, for a tree whose node boxes
// alone cover more than the biggest readable picture (MaxWidth × MaxSide
// pixels at MinReadableScale).
func (r *Renderer) mayBeReadable(t *tree.Tree, a *tree.Analysis, opt Options) (bool, error) {
	m, err := r.fonts.newMetrics(1)
	if err != nil {
		return false, err
	}
	s := buildScene(t, a, opt, m)
	area := 0.0
	for _, n := range s.nodes {
		area += n.w * n.h
	}
	return area <= opt.maxWidth()/MinReadableScale*MaxSide/MinReadableScale, nil
}

// overviewPicture lays out the overview of a split tree; it must be readable.
func (r *Renderer) overviewPicture(ctx context.Context, t *tree.Tree, a *tree.Analysis, opt Options, starts [][]tree.NodeID, base string) (*picture, error) {
	ov, err := overview(t, starts, base)
	if err != nil {
		return nil, err
	}
	opt.Title = ov.Title
	return r.part(ctx, subtreePart{tree: ov}, a, opt)
}
