package export

import (
	"strings"

	"github.com/untangle-rca/untangle/tree"
)

// future writes the Future Reality Tree the tree records, if any: each fix
// with the symptoms it removes alone, what all fixes remove together and
// what remains, the desirable effects, and the negative branches, the
// untrimmed ones first and loudly.
func (w *markdownWriter) future() {
	has := false
	w.t.EachNode(func(n *tree.Node) { has = has || n.Kind == tree.KindInjection || n.Kind == tree.KindNegativeEffect })
	if !has {
		return
	}
	f := tree.FutureOf(w.t, tree.Options{})
	if len(f.Fixes) == 0 && len(f.Negative) == 0 {
		return
	}
	w.heading("Future Reality Tree")
	for _, x := range f.Fixes {
		w.printf("- Fix %s against %s removes alone: %s\n", mdNode(w.t, x.Injection), mdNode(w.t, x.Node), w.ids(x.Removes))
	}
	if len(f.Fixes) > 0 {
		w.printf("- All fixes together remove: %s\n", w.ids(f.Removed))
		w.printf("- Still there: %s\n", w.ids(survivors(f.Remaining)))
	}
	for _, s := range f.Suggested {
		w.printf("- Desirable effect instead of **%s**: %s\n", s.UDE, md(s.Text))
	}
	for _, trimmed := range []bool{false, true} {
		for _, b := range f.Negative {
			if b.Trimmed != trimmed {
				continue
			}
			how := "**not trimmed: a new undesirable effect if the fix goes ahead**"
			if trimmed {
				how = "trimmed by " + w.ids(b.TrimmedBy)
			}
			w.printf("- Negative branch to %s from %s: %s\n", mdNode(w.t, b.End), w.ids(b.From), how)
		}
	}
}

// ids lists nodes as "**#1** text, **#2** text", or "none".
func (w *markdownWriter) ids(ids []tree.NodeID) string {
	if len(ids) == 0 {
		return "none"
	}
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = mdNode(w.t, id)
	}
	return strings.Join(parts, ", ")
}

// survivors lists the symptoms of a Future's remaining survivors.
func survivors(s []tree.Survivor) []tree.NodeID {
	out := make([]tree.NodeID, len(s))
	for i, x := range s {
		out[i] = x.UDE
	}
	return out
}
