package tree

import (
	"fmt"
	"math"
	"strings"
)

// maxListed is how many node numbers a warning names before "and N more".
const maxListed = 8

// warn adds the plain-language warnings shown to the team.
func (az *analyzer) warn() {
	a := az.a
	if len(a.UDEs) == 0 {
		az.add(WarnNoUDEs, "There are no symptoms (UDEs) yet. Add the undesirable effects you observed before looking for root causes.")
		return
	}
	if n := len(a.Unreviewed); n > 0 {
		az.add(WarnUnreviewedLinks, fmt.Sprintf("%s not accepted in the challenge pass yet, so %s left out of this analysis.",
			plural(n, "link is", "links are"), pick(n, "it is", "they are")))
	}
	if n := len(a.Unexplained); n > 0 {
		az.add(WarnUnexplained, fmt.Sprintf("%s no cause traced back to a root cause yet: %s. Ask “why did this happen?” for %s.",
			plural(n, "symptom has", "symptoms have"), listIDs(a.Unexplained), pick(n, "it", "each")))
	}
	az.warnCore()
	az.warnUnremovable()
}

// warnCore explains why there is no core cause, if there is none: it leads
// with the smallest set of fixes, then names the contributing causes or the
// closest root, then warns of separate clusters and ties.
func (az *analyzer) warnCore() {
	a := az.a
	if len(a.CoreCauses) > 0 {
		return
	}
	if len(a.Roots) == 0 {
		az.add(WarnNoCoreCause, "No root cause explains any symptom yet: keep asking “why did this happen?” until you reach causes that nothing else in the tree explains.")
		return
	}
	msg := fmt.Sprintf("No root cause is a core cause: none both explains %s of the symptoms' impact and removes that much when fixed alone.",
		percent(a.Threshold))
	if n := len(a.Fix.Roots); n > 0 {
		msg += fmt.Sprintf(" Fixing %s %s every symptom that can be removed (%d of %d).",
			rootList(a.Roots, a.Fix.Roots), pick(n, "removes", "together removes"), len(a.Fix.Covered), len(a.UDEs))
	}
	az.add(WarnNoCoreCause, msg+" "+az.closest())
	maxShare := 0.0
	for _, r := range a.Roots {
		maxShare = max(maxShare, r.Share)
	}
	if maxShare < 0.5 {
		az.add(WarnSeparateClusters, fmt.Sprintf("The tree looks like separate clusters: no root cause explains even half of the impact. Together, %s explain every explained symptom. Look for a shared cause only if the team really sees one.",
			rootList(a.Roots, a.Cover.Roots)))
	}
	best := a.Roots[0]
	var tied []int
	for i, r := range a.Roots {
		if r.Impact == best.Impact && r.RemovedImpact == best.RemovedImpact {
			tied = append(tied, i)
		}
	}
	if len(tied) > 1 {
		az.add(WarnTiedRoots, upperFirst(fmt.Sprintf("%s tie at the top (each explains %s and, fixed alone, removes %s): they may hide a conflict worth discussing together.",
			rootList(a.Roots, tied), percent(best.Share), percent(best.RemovalShare))))
	}
}

// closest describes the contributing causes, or the best-ranked root when
// there are none.
func (az *analyzer) closest() string {
	a := az.a
	switch c := a.Contributing; {
	case len(c) == 1:
		r := a.Roots[c[0]]
		return upperFirst(fmt.Sprintf("%s explains %s, but other causes would still produce the symptoms: fixing it alone removes %s.",
			rootName(r), percent(r.Share), percent(r.RemovalShare)))
	case len(c) > 1:
		return upperFirst(fmt.Sprintf("%s each explain at least %s, but other causes would still produce the symptoms: fixing any one alone removes at most %s.",
			rootList(a.Roots, c), percent(a.Threshold), percent(a.Roots[c[0]].RemovalShare)))
	}
	r := a.Roots[0]
	return fmt.Sprintf("The closest, %s, explains %s (%d of %s) and removes %s when fixed alone.",
		rootName(r), percent(r.Share), len(r.Explains), plural(len(a.UDEs), "symptom", "symptoms"), percent(r.RemovalShare))
}

// warnUnremovable names UDEs that fixing every root cause would leave.
func (az *analyzer) warnUnremovable() {
	removed := make(map[int32]bool, len(az.removable))
	for _, v := range az.removable {
		removed[v] = true
	}
	var left []NodeID
	for _, v := range az.explained {
		if !removed[v] && az.el.holds[v] {
			left = append(left, az.g.ids[v])
		}
	}
	if len(left) > 0 {
		az.add(WarnUnremovableUDEs, fmt.Sprintf("Fixing every root cause would still leave %s: %s. Something else keeps %s going (an unexplained symptom or a cause not yet in the tree).",
			plural(len(left), "symptom", "symptoms"), listIDs(left), pick(len(left), "it", "them")))
	}
}

// add appends a warning.
func (az *analyzer) add(code WarningCode, msg string) {
	az.a.Warnings = append(az.a.Warnings, Warning{Code: code, Message: msg})
}

// upperFirst starts a sentence that may begin with "the loop" in upper case.
func upperFirst(s string) string {
	if strings.HasPrefix(s, "the ") {
		return "The " + s[len("the "):]
	}
	return s
}

// plural picks the singular or plural phrase and prefixes the count.
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// pick returns one when n is 1 and many otherwise.
func pick(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// percent formats a share as a whole percentage.
func percent(share float64) string {
	return fmt.Sprintf("%d %%", int(math.Round(share*100)))
}

// listIDs names up to maxListed nodes: "#3, #5 and 2 more".
func listIDs(ids []NodeID) string {
	parts := make([]string, 0, min(len(ids), maxListed))
	for _, id := range ids[:min(len(ids), maxListed)] {
		parts = append(parts, id.String())
	}
	s := strings.Join(parts, ", ")
	if len(ids) > maxListed {
		s += fmt.Sprintf(" and %d more", len(ids)-maxListed)
	}
	return s
}

// rootName names a root: "#4", or "the loop #4, #7" for a loop root.
func rootName(r Root) string {
	if len(r.Nodes) == 1 {
		return r.Nodes[0].String()
	}
	return "the loop " + listIDs(r.Nodes)
}

// rootList names the roots at the given indexes: "#4 and #9".
func rootList(roots []Root, idx []int) string {
	names := make([]string, 0, len(idx))
	for _, i := range idx[:min(len(idx), maxListed)] {
		names = append(names, rootName(roots[i]))
	}
	if len(idx) > maxListed {
		names = append(names, fmt.Sprintf("%d more", len(idx)-maxListed))
	}
	if len(names) == 1 {
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}
