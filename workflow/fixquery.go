package workflow

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/untangle-rca/untangle/tree"
)

// FixItem is an open fix with its RCA, as listed for a viewer.
type FixItem struct {
	Fix     Fix
	RCA     RCA
	Mine    bool // the viewer owns the fix
	Overdue bool // its due day has passed
}

// Overdue reports whether f's due day (a calendar day in loc) is over at
// now; a fix without a due date never is.
func (f *Fix) Overdue(now time.Time, loc *time.Location) bool {
	return !f.Due.IsZero() && day(now, loc).After(day(f.Due, loc))
}

// DueBy reports whether f has a due date on or before now's day in loc.
func (f *Fix) DueBy(now time.Time, loc *time.Location) bool {
	return !f.Due.IsZero() && !day(f.Due, loc).After(day(now, loc))
}

// day is the calendar day of t in loc (UTC when nil), as its midnight there.
func day(t time.Time, loc *time.Location) time.Time {
	if loc == nil {
		loc = time.UTC
	}
	y, m, d := t.In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, loc)
}

// OpenFixes lists the fixes still to be done (neither done nor dropped)
// that concern viewer, across RCAs: the ones they own and those of the RCAs
// they take part in ("my team's"). A private RCA's fixes reach only its
// participants (CanSee). Mine come first, then overdue ones, then by due
// date (undated last), RCA and fix.
func (s *Service) OpenFixes(ctx context.Context, viewer Actor) ([]FixItem, error) {
	now := s.clock.Now().UTC()
	var out []FixItem
	err := s.store.View(ctx, func(tx Tx) error {
		fixes, err := tx.OpenFixes()
		if err != nil {
			return err
		}
		rcas := map[int64]*RCA{}
		for _, f := range fixes {
			r, ok := rcas[f.RCAID]
			if !ok {
				if r, err = tx.RCA(f.RCAID); err != nil && ErrorCode(err) != ENotFound {
					return err
				}
				rcas[f.RCAID] = r
			}
			if r == nil || !CanSee(r, viewer.UserID) {
				continue
			}
			mine := f.Owner != "" && f.Owner == viewer.UserID
			if mine || r.IsParticipant(viewer.UserID) || r.IsFacilitator(viewer.UserID) {
				out = append(out, FixItem{Fix: f, RCA: *r, Mine: mine, Overdue: f.Overdue(now, s.loc)})
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("open fixes of %s: %w", viewer.UserID, err)
	}
	slices.SortStableFunc(out, compareFixItems)
	return out, nil
}

func compareFixItems(a, b FixItem) int {
	if c := compareTrue(a.Mine, b.Mine); c != 0 {
		return c
	}
	if c := compareTrue(a.Overdue, b.Overdue); c != 0 {
		return c
	}
	if c := compareTrue(!a.Fix.Due.IsZero(), !b.Fix.Due.IsZero()); c != 0 {
		return c
	}
	return cmp.Or(a.Fix.Due.Compare(b.Fix.Due), cmp.Compare(a.RCA.ID, b.RCA.ID), cmp.Compare(a.Fix.ID, b.Fix.ID))
}

// compareTrue orders true before false.
func compareTrue(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return -1
	}
	return 1
}

// FixProgress is how far an RCA's fixes are: a symptom counts as removed
// only when every fix its removal needs is done.
type FixProgress struct {
	Done    int           // fixes done
	Total   int           // fixes not dropped
	Dropped int           // fixes dropped
	Removed []tree.NodeID // symptoms the done fixes remove together
	Open    []tree.NodeID // symptoms that still hold
	// Pending are the open symptoms that the fixes not yet done would
	// remove, with the done ones.
	Pending []tree.NodeID
}

// ProgressOf computes FixProgress from the Current State Tree and the fixes:
// the done fixes' targets are neutralised together (tree.Eliminate), and so
// are those of every fix not dropped, to tell which open symptoms are still
// planned to go. It is a pure function.
func ProgressOf(t *tree.Tree, fixes []Fix, opt tree.Options) FixProgress {
	var p FixProgress
	var done, planned []Fix
	for _, f := range fixes {
		switch f.Status {
		case FixDropped:
			p.Dropped++
			continue
		case FixDone:
			done = append(done, f)
		}
		planned = append(planned, f)
	}
	p.Done, p.Total = len(done), len(planned)
	now := tree.Eliminate(t, fixNodes(done), opt)
	later := tree.Eliminate(t, fixNodes(planned), opt)
	p.Removed, p.Open = now.Removed, now.Remaining
	for _, id := range now.Remaining {
		if slices.Contains(later.Removed, id) {
			p.Pending = append(p.Pending, id)
		}
	}
	return p
}

// Text is the progress in one line, such as "2 of 3 fixes done; symptoms
// #1, #3 removed, #2 still open".
func (p FixProgress) Text() string {
	if p.Total == 0 && p.Dropped == 0 {
		return "No fix yet"
	}
	out := fmt.Sprintf("%d of %d fixes done", p.Done, p.Total)
	if p.Dropped > 0 {
		out += fmt.Sprintf(" (%d dropped)", p.Dropped)
	}
	var parts []string
	if len(p.Removed) > 0 {
		parts = append(parts, symptoms(p.Removed, len(p.Removed)+len(p.Open))+" removed")
	}
	switch {
	case len(p.Open) > 0 && len(p.Removed) > 0:
		parts = append(parts, nodeList(p.Open)+" still open")
	case len(p.Open) > 0:
		parts = append(parts, symptoms(p.Open, len(p.Open))+" still open")
	}
	if len(parts) == 0 {
		return out
	}
	return out + "; " + strings.Join(parts, ", ")
}

// symptoms names ids as "symptom #1" or "symptoms #1, #3", or "every
// symptom" when they are all of the total.
func symptoms(ids []tree.NodeID, total int) string {
	switch {
	case len(ids) == total && total > 1:
		return "every symptom"
	case len(ids) == 1:
		return "symptom " + nodeList(ids)
	}
	return "symptoms " + nodeList(ids)
}

func nodeList(ids []tree.NodeID) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = id.String()
	}
	return strings.Join(s, ", ")
}

// describePast fills in, for each similar past cause, its RCA's channel and
// every fix proposed against it, and flags regressions.
func describePast(tx Tx, load func(int64) (*RCA, error), sims []Similar) error {
	fixes := map[int64][]Fix{}
	for i := range sims {
		p, err := withChannel(load, sims[i].Past)
		if err != nil {
			return err
		}
		sims[i].Past = p
		if _, done := fixes[p.RCAID]; !done {
			if fixes[p.RCAID], err = tx.Fixes(p.RCAID); err != nil {
				return err
			}
		}
		for _, f := range fixes[p.RCAID] {
			if f.Node == p.Node {
				sims[i].Fixes = append(sims[i].Fixes, f)
			}
		}
	}
	return markRegressions(tx, sims)
}

// markRegressions flags the similar past causes that a fix marked done was
// against: the cause came back after it was fixed. Done fixes are loaded
// only when there is something to flag.
func markRegressions(tx Tx, sims []Similar) error {
	if len(sims) == 0 {
		return nil
	}
	done, err := tx.DoneFixes()
	if err != nil {
		return err
	}
	for i := range sims {
		for _, f := range done {
			if f.RCAID == sims[i].Past.RCAID && f.Node == sims[i].Past.Node {
				sims[i].Regression = true
				sims[i].Fixed = append(sims[i].Fixed, f)
			}
		}
	}
	return nil
}
