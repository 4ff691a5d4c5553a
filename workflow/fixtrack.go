package workflow

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"
)

// FixStatus is where a fix stands on its way to done.
type FixStatus string

// The statuses of a fix, in the order of its way to done; dropped ends it
// without doing it.
const (
	FixProposed   FixStatus = "proposed"
	FixAgreed     FixStatus = "agreed"
	FixInProgress FixStatus = "in_progress"
	FixDone       FixStatus = "done"
	FixDropped    FixStatus = "dropped"
)

// FixStatuses lists the statuses in order.
var FixStatuses = []FixStatus{FixProposed, FixAgreed, FixInProgress, FixDone, FixDropped}

// Valid reports whether s is one of FixStatuses.
func (s FixStatus) Valid() bool { return slices.Contains(FixStatuses, s) }

// Open reports whether a fix in status s still needs work: neither done nor
// dropped. The empty status of a fix never moved counts as proposed.
func (s FixStatus) Open() bool { return s != FixDone && s != FixDropped }

// Label is the status in words, for people.
func (s FixStatus) Label() string {
	if s == "" || s == FixProposed {
		return "proposed"
	}
	return strings.ReplaceAll(string(s), "_", " ")
}

func (s FixStatus) rank() int {
	if s == "" {
		return 0
	}
	return slices.Index(FixStatuses, s)
}

// MayMoveFix is the rule of who moves a fix from one status to another: the
// fix's owner and the RCA's facilitator move it forward (proposed → agreed →
// in progress → done, skipping steps is allowed) or drop it; only the
// facilitator moves it back or brings a done or dropped fix back to work.
// Nobody else changes a fix's status, and a status never moves to itself.
func MayMoveFix(r *RCA, f *Fix, user string, to FixStatus) error {
	from := f.Status
	if from == "" {
		from = FixProposed
	}
	facilitator, owner := r.IsFacilitator(user), user != "" && user == f.Owner
	switch {
	case !to.Valid():
		return Invalidf("status", "%q is not a fix status; use one of proposed, agreed, in_progress, done or dropped.", to)
	case !facilitator && !owner:
		return Errorf(EForbidden, "Only the fix's owner or the facilitator can change its status.")
	case from == to:
		return Errorf(EConflict, "This fix is already %s.", to.Label())
	case to != FixDropped && from.Open() && to.rank() > from.rank():
		return nil
	case to == FixDropped && from.Open():
		return nil
	case !facilitator:
		return Errorf(EForbidden, "Only the facilitator can move a fix from %s back to %s.", from.Label(), to.Label())
	}
	return nil
}

// FixEdit is a change to a fix's status and details; nil fields stay as they are.
type FixEdit struct {
	Status  *FixStatus
	Reason  string // required when dropping
	Owner   *string
	Due     *time.Time // a zero time clears the due date
	Ticket  *string    // an http(s) URL, or "" to clear
	PullReq *string    // an http(s) URL, or "" to clear
}

// UpdateFix changes a fix of the RCA. A status change follows MayMoveFix and
// dropping needs a reason; the owner, due date and links may be changed by
// the facilitator, the fix's owner or, while it has none, any participant
// (who may take it). A new owner joins the RCA so that they can see it and
// move the fix. Errors: ENotFound, EForbidden, EInvalid, EConflict, EWrongPhase.
func (s *Service) UpdateFix(ctx context.Context, actor Actor, rcaID, fixID int64, e FixEdit) (*Result, error) {
	if err := s.checkFixEdit(&e); err != nil {
		return nil, err
	}
	cmd := CmdEditFix
	if e.Status != nil {
		cmd = CmdFixStatus
	}
	return s.run(ctx, actor, rcaID, cmd, func(tx Tx, r *RCA, res *Result) error {
		f, err := findFix(tx, r.ID, fixID)
		if err != nil {
			return err
		}
		before := *f
		if err := s.applyFixEdit(r, f, actor.UserID, e); err != nil {
			return err
		}
		if err := tx.UpdateFix(f); err != nil {
			return err
		}
		if err := joinOwner(tx, r, f.Owner); err != nil {
			return err
		}
		res.Fix = f.ID
		return audit(tx, r.ID, actor, string(cmd), fmt.Sprintf("fix %d", f.ID), before, f)
	})
}

func (s *Service) checkFixEdit(e *FixEdit) error {
	if e.Status != nil && *e.Status == FixDropped {
		e.Reason = strings.TrimSpace(e.Reason)
		if e.Reason == "" {
			return Invalidf("reason", "Say why the fix is dropped, so that the team knows later.")
		}
	}
	for _, l := range []struct {
		field string
		v     *string
	}{{"ticket", e.Ticket}, {"pull_request", e.PullReq}} {
		if l.v == nil {
			continue
		}
		*l.v = strings.TrimSpace(*l.v)
		if u, err := url.Parse(*l.v); *l.v != "" && (err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "") {
			return Invalidf(l.field, "The %s link must be a web address starting with https://.", strings.ReplaceAll(l.field, "_", " "))
		}
	}
	if e.Due != nil && !e.Due.IsZero() && e.Due.Before(s.clock.Now().UTC().Truncate(24*time.Hour)) {
		return Invalidf("due", "The due date is in the past; pick today or a later day.")
	}
	return nil
}

func (s *Service) applyFixEdit(r *RCA, f *Fix, user string, e FixEdit) error {
	if e.Owner != nil || e.Due != nil || e.Ticket != nil || e.PullReq != nil {
		if !r.IsFacilitator(user) && user != f.Owner && f.Owner != "" {
			return Errorf(EForbidden, "Only the fix's owner or the facilitator can change it.")
		}
	}
	if e.Status != nil {
		if err := MayMoveFix(r, f, user, *e.Status); err != nil {
			return err
		}
		f.Status, f.StatusAt, f.Reason = *e.Status, s.clock.Now().UTC(), ""
		if *e.Status == FixDropped {
			f.Reason = e.Reason
		}
	}
	if e.Owner != nil {
		f.Owner = strings.TrimSpace(*e.Owner)
	}
	if e.Due != nil {
		f.Due = e.Due.UTC()
	}
	if e.Ticket != nil {
		f.Ticket = *e.Ticket
	}
	if e.PullReq != nil {
		f.PullReq = *e.PullReq
	}
	return nil
}

// joinOwner makes a fix's owner a participant of the RCA, so that they can
// see it (a private one too) and move their fix.
func joinOwner(tx Tx, r *RCA, owner string) error {
	if owner == "" || r.IsParticipant(owner) {
		return nil
	}
	if err := tx.AddParticipants(r.ID, []string{owner}); err != nil {
		return err
	}
	r.Participants = append(r.Participants, owner)
	slices.Sort(r.Participants)
	return nil
}

// findFix returns the fix numbered id of the RCA (ENotFound).
func findFix(tx Tx, rcaID, id int64) (*Fix, error) {
	fixes, err := tx.Fixes(rcaID)
	if err != nil {
		return nil, err
	}
	for i := range fixes {
		if fixes[i].ID == id {
			return &fixes[i], nil
		}
	}
	return nil, &Error{Code: ENotFound, Field: "fix", Message: fmt.Sprintf("There is no fix %d in this RCA.", id)}
}

// ownerless returns the fixes still to be done (not dropped) that have no owner.
func ownerless(fixes []Fix) []Fix {
	var out []Fix
	for _, f := range fixes {
		if f.Owner == "" && f.Status != FixDropped {
			out = append(out, f)
		}
	}
	return out
}

// needOwners is the kind refusal of Finish when fixes have no owner.
func needOwners(fixes []Fix) error {
	names := make([]string, len(fixes))
	for i, f := range fixes {
		names[i] = fmt.Sprintf("“%s” (fix %d)", f.Injection, f.ID)
	}
	return Invalidf("owner", "Every fix needs an owner before the RCA finishes, so that someone sees it through. "+
		"Still without an owner: %s. Give each an owner, or drop it with a reason.", strings.Join(names, ", "))
}
