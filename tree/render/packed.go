package render

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/untangle-rca/untangle/tree"
)

// packedPictures draws the parts of a split tree, each part the subtree from
// one of starts, and puts neighbouring parts into one picture while that
// picture's text stays readable. A tree split into many small parts (causes
// that each explain one symptom, say) is then a few pictures, not dozens. A
// part too big to read alone is still drawn, as it is.
func (r *Renderer) packedPictures(ctx context.Context, t *tree.Tree, a *tree.Analysis, opt Options, starts [][]tree.NodeID, base string) ([]*picture, error) {
	var out []*picture
	var group [][]tree.NodeID // the starts of the picture being filled
	var cur *picture
	for _, start := range starts {
		if cur != nil {
			pic, err := r.packedPicture(ctx, t, a, opt, append(slices.Clone(group), start), base, true)
			if err != nil {
				return nil, err
			}
			if pic != nil {
				group, cur = append(group, start), pic
				continue
			}
			out = append(out, cur)
		}
		group = [][]tree.NodeID{start}
		var err error
		if cur, err = r.packedPicture(ctx, t, a, opt, group, base, false); err != nil {
			return nil, err
		}
	}
	if cur != nil {
		out = append(out, cur)
	}
	return out, nil
}

// packedPicture draws the subtrees from starts as one picture. With
// readable, it returns nil instead of a picture whose text would be too
// small, and refuses one whose boxes alone are too big before any layout.
func (r *Renderer) packedPicture(ctx context.Context, t *tree.Tree, a *tree.Analysis, opt Options, starts [][]tree.NodeID, base string, readable bool) (*picture, error) {
	sub, err := subtree(t, slices.Concat(starts...), base)
	if err != nil {
		return nil, err
	}
	sub.Title = packedTitle(base, starts)
	if readable {
		if fits, err := r.mayBeReadable(sub, a, opt); err != nil || !fits {
			return nil, err
		}
	}
	opt.Title = sub.Title
	pic, err := r.picture(ctx, sub, a, opt)
	if err != nil || readable && pic.scale < MinReadableScale {
		return nil, err
	}
	return pic, nil
}

// packedTitle names a picture of several parts after the causes they grow
// from: "Title — from #3, #7 and #9".
func packedTitle(base string, starts [][]tree.NodeID) string {
	names := make([]string, len(starts))
	for i, s := range starts {
		names[i] = s[0].String()
	}
	list := names[0]
	if n := len(names); n > 1 {
		list = strings.Join(names[:n-1], ", ") + " and " + names[n-1]
	}
	return fmt.Sprintf("%s — from %s", base, list)
}
