package workflow

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/untangle-rca/untangle/tree"
)

// FilingState is how far the filing of a fix's ticket got.
type FilingState string

// Filing states. A filing is recorded as an intent before the tracker is
// called; it ends filed, or failed until a later try files it.
const (
	FilingIntent FilingState = "intent"
	FilingFiled  FilingState = "filed"
	FilingFailed FilingState = "failed"
)

// FixTicket is the record of one fix's ticket: the intent to file it, the
// attempts, and once filed its key, link and last seen state.
type FixTicket struct {
	FixID, RCAID int64
	State        FilingState
	Nonce        string // makes the ticket's marker (TicketMarker)
	Key, URL     string // once filed
	Attempts     int    // calls to the tracker that may have filed it
	Fault        TrackerFault
	LastError    string      // the last failure, for people
	ClaimHolder  string      // the process filing it now
	ClaimUntil   time.Time   // no other process files it before then
	TicketState  TicketState // the tracker's state when last looked at
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// Marker is the marker the ticket carries in its body.
func (t *FixTicket) Marker() string { return TicketMarker(t.RCAID, t.FixID, t.Nonce) }

// TicketClaim is a claim on filing one fix's ticket, from ClaimTicket.
type TicketClaim struct {
	Ticket FixTicket
	// MaybeFiled: an earlier attempt may have filed the ticket, so it is
	// looked up by its marker before it is filed again.
	MaybeFiled bool
}

// RequestTicket records the intent to file a ticket for a fix, unless one
// is recorded already, and returns the record. The RCA's participants may
// ask; a dropped fix gets none (EInvalid).
func (s *Service) RequestTicket(ctx context.Context, actor Actor, rcaID, fixID int64) (*FixTicket, error) {
	var out *FixTicket
	_, err := s.store.Update(ctx, "", func(tx Tx) ([]byte, error) {
		r, err := tx.RCA(rcaID)
		if err != nil {
			return nil, err
		}
		if !r.IsParticipant(actor.UserID) && !r.IsFacilitator(actor.UserID) {
			return nil, Errorf(EForbidden, "Only the RCA's participants can file its fixes as tickets.")
		}
		f, err := findFix(tx, rcaID, fixID)
		if err != nil {
			return nil, err
		}
		if f.Status == FixDropped {
			return nil, Invalidf("fix", "This fix was dropped, so it gets no ticket.")
		}
		out, err = s.requestTicket(tx, actor, f)
		return nil, err
	})
	if err != nil {
		return nil, fmt.Errorf("request a ticket for fix %d: %w", fixID, err)
	}
	return out, nil
}

// RequestTickets records the intent to file a ticket for every fix of the
// RCA that is not dropped and has none, as the RCA finishes.
func (s *Service) RequestTickets(ctx context.Context, rcaID int64) error {
	_, err := s.store.Update(ctx, "", func(tx Tx) ([]byte, error) {
		fixes, err := tx.Fixes(rcaID)
		if err != nil {
			return nil, err
		}
		for i := range fixes {
			if fixes[i].Status == FixDropped {
				continue
			}
			if _, err := s.requestTicket(tx, Actor{UserID: SystemUser}, &fixes[i]); err != nil {
				return nil, err
			}
		}
		return nil, nil
	})
	if err != nil {
		return fmt.Errorf("request the tickets of rca %d: %w", rcaID, err)
	}
	return nil
}

func (s *Service) requestTicket(tx Tx, actor Actor, f *Fix) (*FixTicket, error) {
	t, err := tx.FixTicket(f.ID)
	if err == nil || ErrorCode(err) != ENotFound {
		return t, err
	}
	now := s.clock.Now().UTC()
	t = &FixTicket{FixID: f.ID, RCAID: f.RCAID, State: FilingIntent, Nonce: strings.ToLower(rand.Text()[:16]),
		CreatedAt: now, UpdatedAt: now}
	if err := tx.PutFixTicket(t); err != nil {
		return nil, err
	}
	return t, audit(tx, f.RCAID, actor, "ticket_requested", fmt.Sprintf("fix %d", f.ID), nil, t.Marker())
}

// ClaimOptions says who claims a filing and for how long.
type ClaimOptions struct {
	Holder string        // the process filing
	TTL    time.Duration // how long the claim lasts
	// Force (someone asked again) skips the wait after a failed filing,
	// once Lag has passed since it failed: a lookup by marker may miss a
	// ticket filed less than Lag ago.
	Force bool
	Lag   time.Duration
}

// ClaimTicket claims the filing of a fix's ticket and counts the attempt
// about to be made. It returns false when the ticket is filed already,
// when a claim (this holder's too) has not run out, or when a failed
// filing should not be tried again before then (see ClaimOptions.Force).
func (s *Service) ClaimTicket(ctx context.Context, fixID int64, o ClaimOptions) (*TicketClaim, bool, error) {
	var out *TicketClaim
	_, err := s.store.Update(ctx, "", func(tx Tx) ([]byte, error) {
		t, err := lockTicket(tx, fixID)
		if err != nil {
			return nil, err
		}
		now := s.clock.Now().UTC()
		waiting := now.Before(t.ClaimUntil) && (!o.Force || t.ClaimHolder != "" || now.Before(t.UpdatedAt.Add(o.Lag)))
		if t.State == FilingFiled || waiting {
			return nil, nil
		}
		out = &TicketClaim{MaybeFiled: t.Attempts > 0}
		t.Attempts++
		t.ClaimHolder, t.ClaimUntil, t.UpdatedAt = o.Holder, now.Add(o.TTL), now
		if err := tx.PutFixTicket(t); err != nil {
			return nil, err
		}
		out.Ticket = *t
		return nil, nil
	})
	if err != nil {
		return nil, false, fmt.Errorf("claim the ticket of fix %d: %w", fixID, err)
	}
	return out, out != nil, nil
}

// lockTicket returns the ticket record of a fix read under its RCA's write
// lock, so that two processes claiming or recording it at once take turns
// (and every writer locks the RCA before the ticket, never the other way).
func lockTicket(tx Tx, fixID int64) (*FixTicket, error) {
	t, err := tx.FixTicket(fixID)
	if err != nil {
		return nil, err
	}
	if _, err := tx.Fixes(t.RCAID); err != nil { // takes the RCA's lock
		return nil, err
	}
	return tx.FixTicket(fixID)
}

// TicketFiled records the filed ticket of a fix and sets it as the fix's
// ticket link. A ticket recorded already is kept (it returns that one).
func (s *Service) TicketFiled(ctx context.Context, fixID int64, ref TicketRef) (*FixTicket, error) {
	var out *FixTicket
	_, err := s.store.Update(ctx, "", func(tx Tx) ([]byte, error) {
		t, err := lockTicket(tx, fixID)
		if err != nil {
			return nil, err
		}
		out = t
		if t.State == FilingFiled {
			return nil, nil
		}
		f, err := findFix(tx, t.RCAID, fixID)
		if err != nil {
			return nil, err
		}
		now := s.clock.Now().UTC()
		t.State, t.Key, t.URL, t.TicketState = FilingFiled, ref.Key, ref.URL, TicketOpen
		t.Fault, t.LastError, t.ClaimHolder, t.ClaimUntil, t.UpdatedAt = "", "", "", time.Time{}, now
		if err := tx.PutFixTicket(t); err != nil {
			return nil, err
		}
		if strings.HasPrefix(ref.URL, "https://") || strings.HasPrefix(ref.URL, "http://") {
			f.Ticket = ref.URL
			if err := tx.UpdateFix(f); err != nil {
				return nil, err
			}
		}
		return nil, audit(tx, t.RCAID, Actor{UserID: SystemUser}, "ticket_filed", fmt.Sprintf("fix %d", fixID), nil, ref)
	})
	if err != nil {
		return nil, fmt.Errorf("record the ticket of fix %d: %w", fixID, err)
	}
	return out, nil
}

// TicketFailed records a failed filing: the next try is not before retry
// from now. It returns the record and whether the failure differs from the
// last one recorded (so that people hear of each new problem once).
func (s *Service) TicketFailed(ctx context.Context, fixID int64, cause error, retry time.Duration) (*FixTicket, bool, error) {
	var out *FixTicket
	var news bool
	_, err := s.store.Update(ctx, "", func(tx Tx) ([]byte, error) {
		t, err := lockTicket(tx, fixID)
		if err != nil {
			return nil, err
		}
		out = t
		if t.State == FilingFiled {
			return nil, nil
		}
		fault, msg := TrackerFaultOf(cause), cause.Error()
		var te *TrackerError
		if errors.As(cause, &te) {
			msg = te.Explain()
		}
		news = t.State != FilingFailed || t.Fault != fault || t.LastError != msg
		now := s.clock.Now().UTC()
		t.State, t.Fault, t.LastError = FilingFailed, fault, msg
		t.ClaimHolder, t.ClaimUntil, t.UpdatedAt = "", now.Add(retry), now
		return nil, tx.PutFixTicket(t)
	})
	if err != nil {
		return nil, false, fmt.Errorf("record the failed filing of fix %d: %w", fixID, err)
	}
	return out, news, nil
}

// TicketsToFile returns the filings not done whose claim or wait has run
// out by now, oldest first.
func (s *Service) TicketsToFile(ctx context.Context) ([]FixTicket, error) {
	now := s.clock.Now().UTC()
	var out []FixTicket
	err := s.store.View(ctx, func(tx Tx) error {
		list, err := tx.FixTickets([]FilingState{FilingIntent, FilingFailed})
		for _, t := range list {
			if !now.Before(t.ClaimUntil) {
				out = append(out, t)
			}
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("tickets to file: %w", err)
	}
	return out, nil
}

// FiledTickets returns the filed tickets, oldest first, for the status sync.
func (s *Service) FiledTickets(ctx context.Context) ([]FixTicket, error) {
	var out []FixTicket
	err := s.store.View(ctx, func(tx Tx) error {
		var err error
		out, err = tx.FixTickets([]FilingState{FilingFiled})
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("filed tickets: %w", err)
	}
	return out, nil
}

// FixTicketOf returns the ticket record of a fix, or nil when none was asked for.
func (s *Service) FixTicketOf(ctx context.Context, fixID int64) (*FixTicket, error) {
	var out *FixTicket
	err := s.store.View(ctx, func(tx Tx) error {
		t, err := tx.FixTicket(fixID)
		if ErrorCode(err) == ENotFound {
			return nil
		}
		out = t
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("ticket of fix %d: %w", fixID, err)
	}
	return out, nil
}

// TicketSummary is the summary of an RCA for filing its tickets, read
// without a viewer: the bot files on its own behalf.
func (s *Service) TicketSummary(ctx context.Context, rcaID int64) (*Summary, error) {
	var out *Summary
	err := s.store.View(ctx, func(tx Tx) error {
		r, err := tx.RCA(rcaID)
		if err != nil {
			return err
		}
		out, err = s.summarise(tx, r)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("summary of rca %d for its tickets: %w", rcaID, err)
	}
	return out, nil
}

// TicketSync is what a ticket's new state in its tracker did to its fix.
type TicketSync struct {
	Ticket   FixTicket
	Fix      Fix
	From, To FixStatus // equal when the fix did not move
}

// SyncTicket applies a ticket's state read from the tracker (named
// trackerName) to its fix, when it changed since last seen: done moves an
// open fix to done, canceled drops it, a ticket started moves a proposed or
// agreed fix to in progress, and a ticket reopened brings a done or
// dropped fix back to in progress. Each change is audited. It returns nil
// when the state is the one seen before.
func (s *Service) SyncTicket(ctx context.Context, fixID int64, trackerName string, st TicketStatus) (*TicketSync, error) {
	var out *TicketSync
	_, err := s.store.Update(ctx, "", func(tx Tx) ([]byte, error) {
		t, err := lockTicket(tx, fixID)
		if err != nil || t.State != FilingFiled || t.TicketState == st.State {
			return nil, err
		}
		f, err := findFix(tx, t.RCAID, fixID)
		if err != nil {
			return nil, err
		}
		before := *f
		to := ticketMove(statusOrProposed(f.Status), t.TicketState, st.State)
		now := s.clock.Now().UTC()
		if to != "" {
			f.Status, f.StatusAt, f.Reason = to, now, ""
			if to == FixDropped {
				f.Reason = fmt.Sprintf("The ticket %s was closed in %s without doing it (%s).", t.Key, trackerName, st.Name)
			}
			if err := tx.UpdateFix(f); err != nil {
				return nil, err
			}
		}
		prev := t.TicketState
		t.TicketState, t.UpdatedAt = st.State, now
		if err := tx.PutFixTicket(t); err != nil {
			return nil, err
		}
		out = &TicketSync{Ticket: *t, Fix: *f, From: statusOrProposed(before.Status), To: statusOrProposed(f.Status)}
		type side struct {
			Ticket TicketState `json:"ticket"`
			Fix    FixStatus   `json:"fix"`
		}
		return nil, audit(tx, t.RCAID, Actor{UserID: SystemUser}, "ticket_status", fmt.Sprintf("fix %d", fixID),
			side{prev, before.Status}, side{st.State, f.Status})
	})
	if err != nil {
		return nil, fmt.Errorf("sync the ticket of fix %d: %w", fixID, err)
	}
	return out, nil
}

// ticketMove is the status a fix moves to when its ticket went from prev to
// next, or "" when it stays.
func ticketMove(fix FixStatus, prev, next TicketState) FixStatus {
	closed := func(s TicketState) bool { return s == TicketDone || s == TicketCanceled }
	switch {
	case next == TicketDone && fix.Open():
		return FixDone
	case next == TicketCanceled && fix.Open():
		return FixDropped
	case !closed(next) && closed(prev) && !fix.Open():
		return FixInProgress
	case next == TicketInProgress && (fix == FixProposed || fix == FixAgreed):
		return FixInProgress
	}
	return ""
}

func statusOrProposed(s FixStatus) FixStatus {
	if s == "" {
		return FixProposed
	}
	return s
}

// TicketDraft is the ticket of one of the summary's fixes, as far as the
// workflow knows it: the title, the RCA's title, the node the fix
// neutralises, the symptoms it removes alone and with the other fixes, the
// IF/THEN chains from the core causes to each symptom it removes, the due
// date and the label "rca". The caller adds the link, the owner's name and
// e-mail address and the channel's label.
func (s *Summary) TicketDraft(t *FixTicket) (TicketDraft, error) {
	i := slices.IndexFunc(s.Fixes, func(o FixOutcome) bool { return o.Fix.ID == t.FixID })
	if i < 0 {
		return TicketDraft{}, Errorf(ENotFound, "There is no fix %d in this RCA.", t.FixID)
	}
	o := s.Fixes[i]
	d := TicketDraft{
		Title: o.Fix.Injection, RCATitle: s.RCA.Title, Neutralises: s.ticketNode(o.Fix.Node),
		RemovesAlone: s.ticketNodes(o.Elimination.Removed), RemovesTogether: s.ticketNodes(s.Combined.Removed),
		Due: o.Fix.Due, Labels: []string{"rca"}, Marker: t.Marker(),
	}
	seen := map[tree.NodeID]bool{}
	if s.Analysis != nil {
		for _, c := range s.Analysis.Chains {
			if seen[c.To] || !slices.Contains(o.Elimination.Removed, c.To) {
				continue
			}
			seen[c.To] = true
			d.Chains = append(d.Chains, s.ticketChain(c))
		}
	}
	return d, nil
}

func (s *Summary) ticketNode(id tree.NodeID) TicketNode {
	n := TicketNode{ID: id, Text: id.String()}
	if s.Tree != nil {
		if node, ok := s.Tree.Node(id); ok {
			n.Text = node.Text
		}
	}
	return n
}

func (s *Summary) ticketNodes(ids []tree.NodeID) []TicketNode {
	out := make([]TicketNode, len(ids))
	for i, id := range ids {
		out[i] = s.ticketNode(id)
	}
	return out
}

func (s *Summary) ticketChain(c tree.Chain) TicketChain {
	out := TicketChain{Symptom: s.ticketNode(c.To)}
	for _, gid := range c.Steps {
		g, ok := s.Tree.Group(gid)
		if !ok {
			continue
		}
		out.Steps = append(out.Steps, TicketStep{Causes: s.ticketNodes(g.Causes), Effect: s.ticketNode(g.Effect)})
	}
	return out
}
