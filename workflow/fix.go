package workflow

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/untangle-rca/untangle/tree"
)

// FixInput is what the "Propose fix" modal collects.
type FixInput struct {
	Node      tree.NodeID // the cause the injection neutralises
	Injection string      // what will change
	Owner     string      // user id, optional
	Due       time.Time   // optional
}

// ProposeFix records an injection against a node and returns the elimination
// for that fix alone (Elimination) and for every fix so far (Combined).
// Errors: EInvalid (injection, due), ENotFound (node), EWrongPhase.
func (s *Service) ProposeFix(ctx context.Context, actor Actor, rcaID int64, in FixInput) (*Result, error) {
	text, err := tree.NormalizeText(in.Injection)
	if err != nil {
		return nil, treeErr("injection", err)
	}
	if !in.Due.IsZero() && in.Due.Before(s.clock.Now().UTC().Truncate(24*time.Hour)) {
		return nil, Invalidf("due", "The due date is in the past; pick today or a later day.")
	}
	return s.run(ctx, actor, rcaID, CmdProposeFix, func(tx Tx, r *RCA, res *Result) error {
		t, err := tx.Tree(r.ID)
		if err != nil {
			return err
		}
		if _, ok := t.Node(in.Node); !ok {
			return &Error{Code: ENotFound, Field: "node", Message: fmt.Sprintf("Node %s does not exist in this RCA.", in.Node)}
		}
		f := &Fix{RCAID: r.ID, Node: in.Node, Injection: text, Owner: in.Owner, Due: in.Due.UTC(), CreatedBy: actor.UserID}
		if res.Fix, err = tx.AddFix(f); err != nil {
			return err
		}
		if err := joinOwner(tx, r, f.Owner); err != nil {
			return err
		}
		fixes, err := tx.Fixes(r.ID)
		if err != nil {
			return err
		}
		opt := s.analysisOptions(r)
		alone := tree.Eliminate(t, []tree.NodeID{in.Node}, opt)
		all := tree.Eliminate(t, fixNodes(fixes), opt)
		res.Elimination, res.Combined = &alone, &all
		return audit(tx, r.ID, actor, "propose_fix", fmt.Sprintf("fix %d", f.ID), nil, f)
	})
}

func fixNodes(fixes []Fix) []tree.NodeID {
	var ids []tree.NodeID
	for _, f := range fixes {
		if f.Status != FixDropped {
			ids = append(ids, f.Node)
		}
	}
	slices.Sort(ids)
	return slices.Compact(ids)
}

// analysisOptions counts only accepted links once the challenge pass started.
func (s *Service) analysisOptions(r *RCA) tree.Options {
	started := r.Phase == PhaseChallenging || r.Phase == PhaseFixing || r.Phase == PhaseClosed
	return tree.Options{Threshold: s.threshold, AcceptedOnly: started}
}

// CoreCause is a root cause with its coverage and chains, for the summary:
// a core cause, a contributing cause, or (when there is no core cause) a
// root of the smallest fix set.
type CoreCause struct {
	Node         tree.NodeID
	Text         string
	Explains     []tree.NodeID
	Share        float64 // weighted share of UDE impact, 0–1
	Removes      []tree.NodeID
	RemovalShare float64  // weighted share of UDE impact that fixing it alone removes, 0–1
	Core         bool     // a true core cause: it explains and removes at least the threshold
	Chains       []string // IF/THEN text from the cause to each UDE it explains
}

// FixOutcome is a proposed fix with what it removes on its own.
type FixOutcome struct {
	Fix         Fix
	Elimination tree.Elimination
}

// OpenItems is the work left when the summary was made.
type OpenItems struct {
	UnreviewedLinks  []tree.GroupID
	DisputedLinks    []tree.GroupID
	OpenReservations []Reservation
	Unexplained      []tree.NodeID
}

// Summary holds everything the final message and report need. It names no
// node's author.
type Summary struct {
	RCA        RCA
	Tree       *tree.Tree
	Analysis   *tree.Analysis
	CoreCauses []CoreCause // the core causes, or the smallest fix set when there is none
	// Contributing are the roots that explain at least the threshold but
	// remove less when fixed alone (other causes would still produce the symptoms).
	Contributing []CoreCause
	Open         OpenItems
	Fixes        []FixOutcome
	Combined     tree.Elimination // every fix not dropped, together
	Progress     FixProgress      // how far the fixes are: what the done ones remove
	// Negative are the negative branches raised on fixes that are not all
	// dropped; those not Trimmed are risks the fixes bring.
	Negative   []tree.NegativeBranch
	Statements string        // the tree in statement syntax
	Duration   time.Duration // from start to close (or to now while open)
	InPhase    map[Phase]time.Duration
	opt        tree.Options // how the analysis counted links
}

// FutureTree builds the Future Reality Tree of the summary's fixes that are
// not dropped (see tree.FutureTree); the branches and effects that follow
// only from dropped fixes are left out. Once a fix is done, the title says
// how many are.
func (s *Summary) FutureTree() (*tree.Tree, error) {
	var injections []tree.Injection
	var dropped []string
	for _, f := range s.Fixes {
		if f.Fix.Status == FixDropped {
			dropped = append(dropped, f.Fix.Injection)
			continue
		}
		injections = append(injections, tree.Injection{Text: f.Fix.Injection, Removes: f.Elimination.Removed})
	}
	cst := s.Tree
	if len(dropped) > 0 {
		cst = withoutDropped(s.Tree, dropped, injections)
	}
	title := "Future Reality Tree: " + s.RCA.Title
	if s.Progress.Done > 0 {
		title += fmt.Sprintf(" (%d of %d fixes done)", s.Progress.Done, s.Progress.Total)
	}
	return tree.FutureTree(title, cst, s.Combined, injections)
}

// Summary returns the summary of an RCA in any phase.
func (s *Service) Summary(ctx context.Context, actor Actor, rcaID int64) (*Summary, error) {
	var out *Summary
	err := s.view(ctx, actor, rcaID, func(tx Tx, r *RCA) error {
		var err error
		out, err = s.summarise(tx, r)
		return err
	})
	return out, err
}

func (s *Service) summarise(tx Tx, r *RCA) (*Summary, error) {
	t, err := tx.Tree(r.ID)
	if err != nil {
		return nil, err
	}
	fixes, err := tx.Fixes(r.ID)
	if err != nil {
		return nil, err
	}
	ress, err := tx.Reservations(r.ID)
	if err != nil {
		return nil, err
	}
	log, err := tx.AuditLog(r.ID)
	if err != nil {
		return nil, err
	}
	opt := s.analysisOptions(r)
	a := tree.Analyze(t, opt)
	sum := &Summary{RCA: *r, Tree: t, Analysis: a, Statements: string(tree.Format(t)), opt: opt,
		Combined: tree.Eliminate(t, fixNodes(fixes), opt)}
	sum.CoreCauses = coreCauses(t, a)
	sum.Contributing = rootCauses(t, a, a.Contributing)
	sum.Open = openItems(t, a, ress)
	for _, f := range fixes {
		sum.Fixes = append(sum.Fixes, FixOutcome{Fix: f, Elimination: tree.Eliminate(t, []tree.NodeID{f.Node}, opt)})
	}
	sum.Progress = ProgressOf(t, fixes, opt)
	sum.Negative = liveBranches(t, fixes)
	end := r.ClosedAt
	if end.IsZero() {
		end = s.clock.Now().UTC()
	}
	sum.Duration = end.Sub(r.CreatedAt)
	sum.InPhase = phaseDurations(r, log, end)
	return sum, nil
}

// coreCauses lists the core causes, or, when there is none, the smallest
// set of roots whose fix removes every removable UDE (the cover set when
// nothing can be removed), with their chains.
func coreCauses(t *tree.Tree, a *tree.Analysis) []CoreCause {
	idx := a.CoreCauses
	if len(idx) == 0 {
		idx = a.Fix.Roots
	}
	if len(idx) == 0 {
		idx = a.Cover.Roots
	}
	return rootCauses(t, a, idx)
}

// rootCauses describes the roots at the given indexes of a.Roots.
func rootCauses(t *tree.Tree, a *tree.Analysis, idx []int) []CoreCause {
	var out []CoreCause
	for _, i := range idx {
		root := a.Roots[i]
		for _, id := range root.Nodes {
			n, ok := t.Node(id)
			if !ok {
				continue
			}
			c := CoreCause{Node: id, Text: n.Text, Explains: root.Explains, Share: root.Share, Removes: root.Removes,
				RemovalShare: root.RemovalShare, Core: root.Core}
			for _, ch := range a.Chains {
				if ch.From == id {
					c.Chains = append(c.Chains, tree.ChainText(t, ch))
				}
			}
			out = append(out, c)
		}
	}
	return out
}

func openItems(t *tree.Tree, a *tree.Analysis, ress []Reservation) OpenItems {
	o := OpenItems{Unexplained: a.Unexplained}
	for _, g := range t.Groups() {
		if intoFuture(t, g) {
			continue
		}
		switch g.Status {
		case tree.StatusUnreviewed:
			o.UnreviewedLinks = append(o.UnreviewedLinks, g.ID)
		case tree.StatusDisputed:
			o.DisputedLinks = append(o.DisputedLinks, g.ID)
		}
	}
	o.OpenReservations = liveOpen(t, ress)
	return o
}

// phaseDurations adds up the time spent in each phase from the audit log.
func phaseDurations(r *RCA, log []AuditEntry, end time.Time) map[Phase]time.Duration {
	out := map[Phase]time.Duration{}
	cur, since := PhaseCollecting, r.CreatedAt
	for _, e := range log {
		if e.Action != "phase" && e.Action != "finish" {
			continue
		}
		var next Phase
		if e.Action == "finish" {
			next = PhaseClosed
		} else if err := json.Unmarshal(e.After, &next); err != nil {
			continue
		}
		out[cur] += e.At.Sub(since)
		cur, since = next, e.At
	}
	if cur != PhaseClosed {
		out[cur] += end.Sub(since)
	}
	return out
}

// Finish closes the RCA (facilitator only), remembers its core causes for
// SimilarPastCauses and returns the summary. It refuses (EInvalid, naming
// them) while a fix that is not dropped has no owner.
func (s *Service) Finish(ctx context.Context, actor Actor, rcaID int64) (*Summary, error) {
	if _, err := s.run(ctx, actor, rcaID, CmdFinish, func(tx Tx, r *RCA, res *Result) error {
		fixes, err := tx.Fixes(r.ID)
		if err != nil {
			return err
		}
		if missing := ownerless(fixes); len(missing) > 0 {
			return needOwners(missing)
		}
		r.Phase, r.ClosedAt = PhaseClosed, s.clock.Now().UTC()
		if err := tx.UpdateRCA(r); err != nil {
			return err
		}
		res.Phase = PhaseClosed
		sum, err := s.summarise(tx, r)
		if err != nil {
			return err
		}
		var past []PastCause
		for _, c := range sum.CoreCauses {
			if !c.Core {
				continue // only true core causes are remembered across incidents
			}
			past = append(past, PastCause{RCAID: r.ID, RCATitle: r.Title, Node: c.Node, Text: c.Text, ClosedAt: r.ClosedAt})
		}
		if err := tx.PutCoreCauses(r.ID, past); err != nil {
			return err
		}
		return audit(tx, r.ID, actor, "finish", "rca", nil, past)
	}); err != nil {
		return nil, err
	}
	return s.Summary(ctx, actor, rcaID)
}

// SimilarPastCauses returns remembered core causes of closed RCAs whose text
// is close to text (Similarity at or above SimilarThreshold), best first,
// leaving out every RCA that someone in aud may not see.
func (s *Service) SimilarPastCauses(ctx context.Context, aud Audience, text string) ([]Similar, error) {
	var out []Similar
	err := s.store.View(ctx, func(tx Tx) error {
		past, err := tx.PastCauses()
		if err != nil {
			return err
		}
		load := rcaLoader(tx)
		if out, err = similarTo(text, past, 5, seenBy(load, aud)); err != nil {
			return err
		}
		return describePast(tx, load, out)
	})
	if err != nil {
		return nil, fmt.Errorf("similar past causes: %w", err)
	}
	return out, nil
}

// RecurringCauses groups remembered core causes that look alike across RCAs,
// for viewer's App Home: each group lists the past causes, newest first, and
// only groups spanning at least two RCAs the viewer may see are returned. A
// private RCA of which viewer is no participant counts for nothing.
func (s *Service) RecurringCauses(ctx context.Context, viewer Actor) ([][]PastCause, error) {
	var out [][]PastCause
	err := s.store.View(ctx, func(tx Tx) error {
		past, err := tx.PastCauses()
		if err != nil {
			return err
		}
		load := rcaLoader(tx)
		visible := seenBy(load, Only(viewer.UserID))
		kept := past[:0]
		for _, p := range past {
			ok, err := visible(p)
			if err != nil {
				return err
			}
			if p, err = withChannel(load, p); err != nil {
				return err
			}
			if ok {
				kept = append(kept, p)
			}
		}
		out = recurring(kept)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("recurring causes: %w", err)
	}
	return out, nil
}

// rcaLoader returns a reader of RCAs by id that loads each RCA once. An
// RCA that is gone reads as nil.
func rcaLoader(tx Tx) func(id int64) (*RCA, error) {
	known := map[int64]*RCA{}
	return func(id int64) (*RCA, error) {
		if r, done := known[id]; done {
			return r, nil
		}
		r, err := tx.RCA(id)
		switch {
		case ErrorCode(err) == ENotFound:
			r = nil
		case err != nil:
			return nil, err
		}
		known[id] = r
		return r, nil
	}
}

// seenBy returns a test of whether everyone in aud may see the RCA of a past
// cause. An RCA that is gone is seen by nobody.
func seenBy(load func(int64) (*RCA, error), aud Audience) func(PastCause) (bool, error) {
	return func(p PastCause) (bool, error) {
		r, err := load(p.RCAID)
		if err != nil || r == nil {
			return false, err
		}
		return aud.MaySee(r), nil
	}
}

// withChannel returns p with its RCA's channel filled in.
func withChannel(load func(int64) (*RCA, error), p PastCause) (PastCause, error) {
	r, err := load(p.RCAID)
	if err == nil && r != nil {
		p.Channel = r.ChannelID
	}
	return p, err
}

func recurring(past []PastCause) [][]PastCause {
	used := make([]bool, len(past))
	var out [][]PastCause
	for i := range past {
		if used[i] {
			continue
		}
		group := []PastCause{past[i]}
		rcas := map[int64]bool{past[i].RCAID: true}
		for j := i + 1; j < len(past); j++ {
			if !used[j] && Similarity(past[i].Text, past[j].Text) >= SimilarThreshold {
				used[j] = true
				group = append(group, past[j])
				rcas[past[j].RCAID] = true
			}
		}
		if len(rcas) > 1 {
			out = append(out, group)
		}
	}
	return out
}

// similarTo returns the past causes close to text that visible lets
// through, best first, at most limit.
func similarTo(text string, past []PastCause, limit int, visible func(PastCause) (bool, error)) ([]Similar, error) {
	var out []Similar
	for _, p := range past {
		score := Similarity(text, p.Text)
		if score < SimilarThreshold {
			continue
		}
		ok, err := visible(p)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, Similar{Past: p, Score: score})
		}
	}
	slices.SortStableFunc(out, func(a, b Similar) int {
		switch {
		case a.Score > b.Score:
			return -1
		case a.Score < b.Score:
			return 1
		}
		return strings.Compare(a.Past.Text, b.Past.Text)
	})
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}
