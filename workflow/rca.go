package workflow

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/untangle-rca/untangle/tree"
)

// MaxTitleRunes is the longest RCA title.
const MaxTitleRunes = 150

// StartInput is what the "Start an RCA" modal collects.
type StartInput struct {
	Title        string
	Severity     string // free text such as "SEV2"; at most 20 characters
	IncidentLink string // an http(s) URL, optional
	Facilitator  string // user id; the actor when empty
	Participants []string
	Private      bool
	Due          time.Time // optional; must not be in the past
	ChannelID    string    // optional; can be bound later with BindChannel
}

func (s *Service) validateStart(actor Actor, in StartInput) (*RCA, error) {
	if actor.UserID == "" {
		return nil, Errorf(EForbidden, "We could not tell who you are.")
	}
	title, err := tree.NormalizeText(in.Title)
	if err != nil {
		return nil, treeErr("title", err)
	}
	if utf8.RuneCountInString(title) > MaxTitleRunes {
		return nil, Invalidf("title", "Please keep the title under %d characters.", MaxTitleRunes)
	}
	if utf8.RuneCountInString(in.Severity) > 20 {
		return nil, Invalidf("severity", "The severity should be short, such as SEV2.")
	}
	if link := strings.TrimSpace(in.IncidentLink); link != "" {
		u, err := url.Parse(link)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, Invalidf("incident_link", "The incident link must be a web address starting with https://.")
		}
	}
	now := s.clock.Now().UTC()
	if !in.Due.IsZero() && in.Due.Before(now.Truncate(24*time.Hour)) {
		return nil, Invalidf("due", "The due date is in the past; pick today or a later day.")
	}
	fac := in.Facilitator
	if fac == "" {
		fac = actor.UserID
	}
	people := append(slices.Clone(in.Participants), actor.UserID, fac)
	people = slices.DeleteFunc(people, func(p string) bool { return strings.TrimSpace(p) == "" })
	slices.Sort(people)
	if err := s.checkParticipants(&RCA{}, people); err != nil {
		return nil, err
	}
	return &RCA{Title: title, Severity: strings.TrimSpace(in.Severity), IncidentLink: strings.TrimSpace(in.IncidentLink),
		Creator: actor.UserID, Facilitator: fac, Participants: slices.Compact(people), Private: in.Private,
		Due: in.Due.UTC(), Phase: PhaseCollecting, ChannelID: in.ChannelID}, nil
}

// Start creates an RCA in the collecting phase; anyone may start one.
// Errors: EInvalid (title, severity, incident_link, due), EConflict (channel taken).
func (s *Service) Start(ctx context.Context, actor Actor, in StartInput) (*RCA, error) {
	r, err := s.validateStart(actor, in)
	if err != nil {
		return nil, err
	}
	var id int64
	raw, err := s.store.Update(ctx, KeyFrom(ctx), func(tx Tx) ([]byte, error) {
		var err error
		if id, err = tx.CreateRCA(r); err != nil {
			return nil, err
		}
		r.ID = id
		if err := audit(tx, id, actor, "start", "rca", nil, r); err != nil {
			return nil, err
		}
		return []byte(fmt.Sprint(id)), nil
	})
	if err != nil {
		return nil, fmt.Errorf("start rca: %w", err)
	}
	if _, err := fmt.Sscan(string(raw), &id); err != nil {
		return nil, fmt.Errorf("start rca: read result: %w", err)
	}
	return s.RCA(ctx, actor, id)
}

// RCA returns one RCA. Errors: ENotFound, EForbidden (private).
func (s *Service) RCA(ctx context.Context, actor Actor, rcaID int64) (*RCA, error) {
	var out *RCA
	err := s.view(ctx, actor, rcaID, func(_ Tx, r *RCA) error { out = r; return nil })
	return out, err
}

// RCAForChannel returns the RCA bound to a channel. Errors: ENotFound, EForbidden.
func (s *Service) RCAForChannel(ctx context.Context, actor Actor, channelID string) (*RCA, error) {
	var out *RCA
	err := s.store.View(ctx, func(tx Tx) error {
		r, err := tx.RCAByChannel(channelID)
		if err != nil {
			return err
		}
		if err := Check(r, actor.UserID, CmdView); err != nil {
			return err
		}
		out = r
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("rca for channel %s: %w", channelID, err)
	}
	return out, nil
}

// List returns the RCAs the actor may see: open ones first, private ones only
// to their participants.
func (s *Service) List(ctx context.Context, actor Actor) ([]RCA, error) {
	var out []RCA
	err := s.store.View(ctx, func(tx Tx) error {
		var err error
		out, err = tx.ListRCAs(actor.UserID)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("list rcas: %w", err)
	}
	return out, nil
}

// BindChannel records the chat channel of the RCA (facilitator only).
// Errors: EConflict when another RCA has the channel.
func (s *Service) BindChannel(ctx context.Context, actor Actor, rcaID int64, channelID string) (*Result, error) {
	if strings.TrimSpace(channelID) == "" {
		return nil, Invalidf("channel", "No channel was given.")
	}
	return s.run(ctx, actor, rcaID, CmdBindChannel, func(tx Tx, r *RCA, _ *Result) error {
		before := r.ChannelID
		r.ChannelID = channelID
		if err := tx.UpdateRCA(r); err != nil {
			return err
		}
		return audit(tx, r.ID, actor, "bind_channel", "rca", before, channelID)
	})
}

// Join adds the actor to a public RCA. Errors: EForbidden for a private RCA.
func (s *Service) Join(ctx context.Context, actor Actor, rcaID int64) (*Result, error) {
	return s.run(ctx, actor, rcaID, CmdJoin, func(tx Tx, r *RCA, _ *Result) error {
		if r.IsParticipant(actor.UserID) {
			return nil
		}
		if err := s.checkParticipants(r, []string{actor.UserID}); err != nil {
			return err
		}
		if err := tx.AddParticipants(r.ID, []string{actor.UserID}); err != nil {
			return err
		}
		return audit(tx, r.ID, actor, "join", "participants", nil, actor.UserID)
	})
}

// AddParticipants invites users (facilitator only).
func (s *Service) AddParticipants(ctx context.Context, actor Actor, rcaID int64, users []string) (*Result, error) {
	users = slices.DeleteFunc(slices.Clone(users), func(u string) bool { return strings.TrimSpace(u) == "" })
	if len(users) == 0 {
		return nil, Invalidf("participants", "Pick at least one person to invite.")
	}
	return s.run(ctx, actor, rcaID, CmdAddParticipants, func(tx Tx, r *RCA, _ *Result) error {
		if err := s.checkParticipants(r, users); err != nil {
			return err
		}
		if err := tx.AddParticipants(r.ID, users); err != nil {
			return err
		}
		return audit(tx, r.ID, actor, "add_participants", "participants", r.Participants, users)
	})
}

// Advance moves the RCA to its next phase (facilitator only): wiring needs a
// symptom, challenging needs a link. Fixing → closed is Finish.
func (s *Service) Advance(ctx context.Context, actor Actor, rcaID int64) (*Result, error) {
	return s.run(ctx, actor, rcaID, CmdAdvance, func(tx Tx, r *RCA, res *Result) error {
		t, err := tx.Tree(r.ID)
		if err != nil {
			return err
		}
		next := Phases[slices.Index(Phases, r.Phase)+1]
		switch {
		case next == PhaseWiring && len(nodesOfKind(t, tree.KindUDE)) == 0:
			return Errorf(EConflict, "Add at least one symptom before wiring causes.")
		case next == PhaseChallenging && t.NumGroups() == 0:
			return Errorf(EConflict, "Wire at least one cause before the challenge pass.")
		}
		return s.setPhase(tx, r, actor, next, res)
	})
}

// StepBack returns the RCA to the previous phase (facilitator only).
func (s *Service) StepBack(ctx context.Context, actor Actor, rcaID int64) (*Result, error) {
	return s.run(ctx, actor, rcaID, CmdStepBack, func(tx Tx, r *RCA, res *Result) error {
		return s.setPhase(tx, r, actor, Phases[slices.Index(Phases, r.Phase)-1], res)
	})
}

// Reopen brings a closed RCA back to the fixing phase (facilitator only).
func (s *Service) Reopen(ctx context.Context, actor Actor, rcaID int64) (*Result, error) {
	return s.run(ctx, actor, rcaID, CmdReopen, func(tx Tx, r *RCA, res *Result) error {
		r.ClosedAt = time.Time{}
		return s.setPhase(tx, r, actor, PhaseFixing, res)
	})
}

func (s *Service) setPhase(tx Tx, r *RCA, actor Actor, next Phase, res *Result) error {
	before := r.Phase
	r.Phase = next
	if err := tx.UpdateRCA(r); err != nil {
		return err
	}
	res.Phase = next
	return audit(tx, r.ID, actor, "phase", "rca", before, next)
}

// AuditLog returns the RCA's audit entries, oldest first.
func (s *Service) AuditLog(ctx context.Context, actor Actor, rcaID int64) ([]AuditEntry, error) {
	var out []AuditEntry
	err := s.view(ctx, actor, rcaID, func(tx Tx, r *RCA) error {
		var err error
		out, err = tx.AuditLog(r.ID)
		return err
	})
	return out, err
}

// Tree returns the RCA's current tree.
func (s *Service) Tree(ctx context.Context, actor Actor, rcaID int64) (*tree.Tree, error) {
	var out *tree.Tree
	err := s.view(ctx, actor, rcaID, func(tx Tx, r *RCA) error {
		var err error
		out, err = tx.Tree(r.ID)
		return err
	})
	return out, err
}

func nodesOfKind(t *tree.Tree, k tree.Kind) []*tree.Node {
	var out []*tree.Node
	for _, n := range t.Nodes() {
		if n.Kind == k {
			out = append(out, n)
		}
	}
	return out
}
