package workflow

import (
	"fmt"
	"slices"

	"github.com/untangle-rca/untangle/tree"
)

// causesAction names the audit entry of an AddCauses: "extend_group" when it
// grows an existing link, else "add_causes".
func causesAction(in AddCausesInput) string {
	if in.Extend != 0 {
		return "extend_group"
	}
	return "add_causes"
}

// clearExtended forgets the reviews of a link that AddCauses grew: they were
// given on the link as it was.
func clearExtended(tx Tx, r *RCA, in AddCausesInput) error {
	if in.Extend == 0 {
		return nil
	}
	return tx.ClearReviews(r.ID, in.Extend)
}

// extendGroup adds causes into the AND group in.Extend of in.Effect, which
// then needs reviewing again. Errors: ENotFound (the link), EConflict (the
// link now leads elsewhere, a cause already in it, or the grown link equals
// another one), EInvalid (OR logic, the effect among its own causes).
func extendGroup(t *tree.Tree, in AddCausesInput, causes []tree.NodeID, res *Result) error {
	if in.Logic == LogicOr {
		return Invalidf("logic", "What else must be true joins the link (AND); it cannot be a cause on its own here.")
	}
	g, ok := t.Group(in.Extend)
	if !ok {
		return &Error{Code: ENotFound, Field: "extend", Message: fmt.Sprintf("Link %d does not exist in this RCA any more.", in.Extend)}
	}
	if g.Effect != in.Effect {
		return &Error{Code: EConflict, Field: "extend", Message: fmt.Sprintf("Link %d leads to %s, not to %s; open the form again.", g.ID, g.Effect, in.Effect)}
	}
	for _, c := range causes {
		switch {
		case c == g.Effect:
			return Invalidf(causeField(c, in), "%s cannot be part of its own cause.", c)
		case slices.Contains(g.Causes, c):
			return &Error{Code: EConflict, Field: causeField(c, in),
				Message: fmt.Sprintf("%s is already part of link %d; add what else must be true.", c, g.ID)}
		}
	}
	if err := t.SetCauses(g.ID, append(slices.Clone(g.Causes), causes...)); err != nil {
		return treeErr("causes", err)
	}
	g.Status = tree.StatusUnreviewed
	res.Groups = []tree.GroupID{g.ID}
	return nil
}

// causeField is the input a cause came from: existing for a picked node,
// new_texts for one written (or named by its text) in the form.
func causeField(id tree.NodeID, in AddCausesInput) string {
	if slices.Contains(in.Existing, id) {
		return "existing"
	}
	return "new_texts"
}
