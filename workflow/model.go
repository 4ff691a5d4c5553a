package workflow

import (
	"context"
	"time"

	"github.com/untangle-rca/untangle/tree"
)

// Actor is the user who runs a command; UserID is opaque to workflow.
type Actor struct {
	UserID string
}

// Clock tells the current time; inject a fixed one in tests.
type Clock interface {
	Now() time.Time
}

// ClockFunc adapts a function to Clock.
type ClockFunc func() time.Time

// Now calls f.
func (f ClockFunc) Now() time.Time { return f() }

// SystemClock returns the wall clock in UTC.
func SystemClock() Clock { return ClockFunc(func() time.Time { return time.Now().UTC() }) }

// RCA is one root-cause analysis.
type RCA struct {
	ID           int64
	Title        string
	Severity     string
	IncidentLink string
	Creator      string
	Facilitator  string
	Participants []string // user ids, sorted, facilitator and creator included
	Private      bool
	Due          time.Time // zero when there is no due date
	Phase        Phase
	ChannelID    string
	CreatedAt    time.Time
	UpdatedAt    time.Time
	ClosedAt     time.Time // zero while open
}

// IsParticipant reports whether user takes part in the RCA.
func (r *RCA) IsParticipant(user string) bool {
	for _, p := range r.Participants {
		if p == user {
			return true
		}
	}
	return false
}

// IsFacilitator reports whether user leads the RCA (facilitator or creator).
func (r *RCA) IsFacilitator(user string) bool {
	return user != "" && (user == r.Facilitator || user == r.Creator)
}

// NodeChange is one node's state before and after a change; nil means absent.
type NodeChange struct {
	Before     *tree.Node `json:"before,omitempty"`
	After      *tree.Node `json:"after,omitempty"`
	Author     string     `json:"author,omitempty"`      // recorded when the node is created
	SourceLink string     `json:"source_link,omitempty"` // the chat message a symptom came from
}

// GroupChange is one link's state before and after a change; nil means absent.
type GroupChange struct {
	Before *tree.Group `json:"before,omitempty"`
	After  *tree.Group `json:"after,omitempty"`
}

// TreeChange is everything one command changes in the tree; it is stored in
// the audit log and reversed by Undo.
type TreeChange struct {
	Nodes  []NodeChange  `json:"nodes,omitempty"`
	Groups []GroupChange `json:"groups,omitempty"`
}

// Empty reports whether the change touches nothing.
func (c TreeChange) Empty() bool { return len(c.Nodes) == 0 && len(c.Groups) == 0 }

// NodeInfo is what storage keeps about a node beyond the tree model.
type NodeInfo struct {
	Author     string
	SourceLink string
	CreatedAt  time.Time
}

// Review is one participant's verdict on a link.
type Review struct {
	RCAID int64
	Group tree.GroupID
	User  string
	Holds bool
	At    time.Time
}

// Category is one of the eight Categories of Legitimate Reservation.
type Category string

// The Categories of Legitimate Reservation of the challenge pass.
const (
	CatClarity           Category = "clarity"
	CatEntityExistence   Category = "entity_existence"
	CatCausalityExists   Category = "causality_existence"
	CatCauseInsufficient Category = "cause_insufficiency"
	CatAdditionalCause   Category = "additional_cause"
	CatReversal          Category = "cause_effect_reversal"
	CatPredictedEffect   Category = "predicted_effect_existence"
	CatTautology         Category = "tautology"
)

// Categories lists the eight categories in the order of the method.
var Categories = []Category{CatClarity, CatEntityExistence, CatCausalityExists, CatCauseInsufficient,
	CatAdditionalCause, CatReversal, CatPredictedEffect, CatTautology}

// Valid reports whether c is one of the eight categories.
func (c Category) Valid() bool {
	for _, k := range Categories {
		if k == c {
			return true
		}
	}
	return false
}

// ReservationStatus is where a reservation stands.
type ReservationStatus string

// Reservation states.
const (
	ResOpen      ReservationStatus = "open"
	ResResolved  ReservationStatus = "resolved"
	ResDismissed ReservationStatus = "dismissed"
)

// Reservation is a doubt raised on a link or a node in the challenge pass.
type Reservation struct {
	ID         int64
	RCAID      int64
	Group      tree.GroupID // 0 when raised on a node
	Node       tree.NodeID  // 0 when raised on a link
	Category   Category
	Note       string
	RaisedBy   string
	Status     ReservationStatus
	Resolution string
	CreatedAt  time.Time
	ResolvedAt time.Time
}

// Fix is an injection proposed against a cause in the fixing phase.
type Fix struct {
	ID        int64
	RCAID     int64
	Node      tree.NodeID
	Injection string
	Owner     string
	Due       time.Time
	CreatedBy string
	CreatedAt time.Time
	Status    FixStatus // proposed until someone moves it
	Reason    string    // why it was dropped
	Ticket    string    // URL of the ticket tracking it, optional
	TicketKey string    // the key of the ticket filed for it ("OPS-7"), "" when none
	PullReq   string    // URL of the pull request doing it, optional
	StatusAt  time.Time // when the status last changed (zero: never)
	LastNudge time.Time // the due-day slot its owner was last nudged for
}

// PastCause is a core cause remembered from a closed RCA.
type PastCause struct {
	RCAID    int64
	RCATitle string
	Node     tree.NodeID
	Text     string
	ClosedAt time.Time
	// Channel is the past RCA's channel ("" when it has none), filled in
	// when read for a viewer; it is not remembered with the cause.
	Channel string
}

// ReminderState is the persisted reminder schedule of an RCA.
type ReminderState struct {
	RCAID        int64
	Spec         string    // cron spec; "" means the default, ReminderOff none
	LastReminded time.Time // last channel reminder posted
	LastDueNudge time.Time // last DM to the facilitator about the due date
	LastDigest   time.Time // the week slot of the last weekly fix digest
}

// AuditEntry is one line of the append-only audit log.
type AuditEntry struct {
	ID      int64
	RCAID   int64
	Actor   string
	Action  string
	Subject string // e.g. "node #7", "link 3", "rca"
	Before  []byte // JSON, may be empty
	After   []byte // JSON, may be empty
	Ref     int64  // for "undo": the entry it reverses
	At      time.Time
}

// Store gives workflow transactional access to its data. Implementations
// must serialise writers so that no caller ever sees a "locked" error.
type Store interface {
	// Update runs fn in one write transaction and commits when it returns nil.
	// When key is not empty and an earlier Update with the same key committed,
	// fn is not called and the result recorded then is returned. Otherwise the
	// result of fn is recorded under key in the same transaction.
	Update(ctx context.Context, key string, fn func(tx Tx) ([]byte, error)) ([]byte, error)
	// View runs fn in a read-only transaction.
	View(ctx context.Context, fn func(tx Tx) error) error
}

// Tx is one transaction. Lookups return an *Error with ENotFound when the
// row does not exist; unique violations come back as EConflict.
type Tx interface {
	// CreateRCA inserts r with its participants and returns the new id.
	CreateRCA(r *RCA) (int64, error)
	// RCA returns the RCA numbered id, with its participants (ENotFound).
	RCA(id int64) (*RCA, error)
	// UpdateRCA saves r's editable fields and phase (ENotFound).
	UpdateRCA(r *RCA) error
	// AddParticipants adds users to the RCA, ignoring those already in it.
	AddParticipants(rcaID int64, users []string) error
	// RCAByChannel returns the RCA bound to a channel (ENotFound).
	RCAByChannel(channelID string) (*RCA, error)
	// ListRCAs returns the RCAs user may see, open ones first, newest first.
	ListRCAs(user string) ([]RCA, error)
	// OpenRCAs returns every RCA that is not closed.
	OpenRCAs() ([]RCA, error)

	// Tree loads the RCA's live nodes and links; new ones get numbers never used before.
	Tree(rcaID int64) (*tree.Tree, error)
	// EditTree is Tree for a change within this transaction: the store may
	// hand out a tree it reuses once the transaction has ended (sparing a
	// copy of the whole tree per change), so the caller must not keep it.
	EditTree(rcaID int64) (*tree.Tree, error)
	// ApplyChange writes a tree change; a node or link added under a deleted number comes back.
	ApplyChange(rcaID int64, ch TreeChange) error
	// NodeInfo returns the author and source of a live node (ENotFound).
	NodeInfo(rcaID int64, id tree.NodeID) (NodeInfo, error)

	// Skips returns the nodes skipped in the wiring walk.
	Skips(rcaID int64) ([]tree.NodeID, error)
	// SetSkip remembers or forgets a skip.
	SetSkip(rcaID int64, id tree.NodeID, skipped bool) error

	// Reviews returns every review of the RCA.
	Reviews(rcaID int64) ([]Review, error)
	// PutReview records a user's verdict on a link, replacing an earlier one.
	PutReview(r Review) error
	// ClearReviews forgets the reviews of a link.
	ClearReviews(rcaID int64, group tree.GroupID) error
	// Reservations returns every reservation of the RCA, oldest first.
	Reservations(rcaID int64) ([]Reservation, error)
	// AddReservation inserts r and returns its id.
	AddReservation(r *Reservation) (int64, error)
	// UpdateReservation saves r's status and resolution (ENotFound).
	UpdateReservation(r *Reservation) error

	// Fixes returns the fixes proposed in the RCA, oldest first.
	Fixes(rcaID int64) ([]Fix, error)
	// AddFix inserts f and returns its id.
	AddFix(f *Fix) (int64, error)
	// UpdateFix saves f's owner, due date, status, reason, links and last
	// nudge (ENotFound).
	UpdateFix(f *Fix) error
	// OpenFixes returns every fix that is neither done nor dropped, across
	// all RCAs, by RCA then id.
	OpenFixes() ([]Fix, error)
	// DoneFixes returns every fix marked done, across all RCAs, by RCA then id.
	DoneFixes() ([]Fix, error)
	// FixTicket returns the ticket record of a fix (ENotFound).
	FixTicket(fixID int64) (*FixTicket, error)
	// PutFixTicket inserts or replaces the ticket record of t.FixID.
	PutFixTicket(t *FixTicket) error
	// FixTickets returns the ticket records in the given states, across
	// all RCAs, oldest first.
	FixTickets(states []FilingState) ([]FixTicket, error)
	// PutCoreCauses replaces the remembered core causes of an RCA.
	PutCoreCauses(rcaID int64, causes []PastCause) error
	// PastCauses returns every remembered core cause, newest first.
	PastCauses() ([]PastCause, error)

	// Reminder returns the RCA's reminder state (zero when never reminded).
	Reminder(rcaID int64) (ReminderState, error)
	// PutReminder saves the RCA's reminder state.
	PutReminder(s ReminderState) error

	// Audit appends e to the audit log, setting its id and time.
	Audit(e *AuditEntry) (int64, error)
	// AuditLog returns the RCA's audit entries, oldest first.
	AuditLog(rcaID int64) ([]AuditEntry, error)
	// WebLinkKey returns the key that signs web links; when there is none
	// yet it stores and returns secret. Two processes asking at once get the same key.
	WebLinkKey(secret []byte) ([]byte, error)
	// PutWebLinkKey replaces the key that signs web links.
	PutWebLinkKey(secret []byte) error
	// WebLinkGeneration returns how often the RCA's web links were revoked (0 when never).
	WebLinkGeneration(rcaID int64) (int64, error)
	// RevokeWebLinks raises the RCA's revocation count and returns the new one.
	RevokeWebLinks(rcaID int64, by string) (int64, error)

	// LastUndoable returns the newest tree change of the RCA by actor (any
	// actor when actor is "") that no "undo" entry references yet (ENotFound).
	LastUndoable(rcaID int64, actor string) (*AuditEntry, error)
}
