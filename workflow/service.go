package workflow

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/untangle-rca/untangle/tree"
)

// Service runs workflow commands against a Store. It holds no mutable state
// and is safe for concurrent use; consistency comes from Store transactions.
type Service struct {
	store     Store
	clock     Clock
	threshold float64
	limits    Limits         // zero fields mean defaults; see limits.go
	loc       *time.Location // the zone of due days; nil means UTC
}

// Option configures a Service.
type Option func(*Service)

// WithThreshold sets the core-cause threshold (0–1]; 0 keeps tree.DefaultThreshold.
func WithThreshold(th float64) Option { return func(s *Service) { s.threshold = th } }

// WithLocation sets the time zone whose calendar days fixes fall due on
// (their due-day slots and the weekly digest's Monday); nil keeps UTC.
func WithLocation(loc *time.Location) Option { return func(s *Service) { s.loc = loc } }

// New returns a Service on store; a nil clock means SystemClock.
func New(store Store, clock Clock, opts ...Option) *Service {
	if clock == nil {
		clock = SystemClock()
	}
	s := &Service{store: store, clock: clock}
	for _, o := range opts {
		o(s)
	}
	return s
}

type keyCtx struct{}

// WithKey returns a context carrying an idempotency key (the chat envelope
// or delivery id). A command run twice with the same key applies once; the
// second run returns the first result with Replayed set.
func WithKey(ctx context.Context, key string) context.Context {
	return context.WithValue(ctx, keyCtx{}, key)
}

// KeyFrom returns the idempotency key carried by ctx, or "".
func KeyFrom(ctx context.Context) string {
	k, _ := ctx.Value(keyCtx{}).(string)
	return k
}

// NodeHint is a wording hint about one node's text.
type NodeHint struct {
	Node tree.NodeID `json:"node"`
	Hint Hint        `json:"hint"`
}

// NodeBlame is a blameless-wording finding about one node's text.
type NodeBlame struct {
	Node    tree.NodeID  `json:"node"`
	Finding BlameFinding `json:"finding"`
}

// Similar is a past core cause that resembles a new node's text.
type Similar struct {
	Node  tree.NodeID `json:"node"`
	Past  PastCause   `json:"past"`
	Score float64     `json:"score"`
	// Regression is set when a fix against the past cause was marked done:
	// the cause came back although it was fixed. Fixed lists those fixes.
	Regression bool  `json:"regression,omitempty"`
	Fixed      []Fix `json:"fixed,omitempty"`
	// Text is the new node's text, so the resemblance can be told by text.
	Text string `json:"text,omitempty"`
	// Shared is set when everyone who can read the new node's RCA channel
	// may see the past cause's RCA, so the resemblance may be posted there.
	Shared bool `json:"shared,omitempty"`
	// Fixes are every fix proposed against the past cause, with its status.
	Fixes []Fix `json:"fixes,omitempty"`
}

// Result is what a command did, for the bot to confirm and render.
type Result struct {
	RCAID       int64                   `json:"rca_id"`
	Phase       Phase                   `json:"phase"`
	NewNodes    []tree.NodeID           `json:"new_nodes,omitempty"`
	Existing    []tree.NodeID           `json:"existing,omitempty"`
	Groups      []tree.GroupID          `json:"groups,omitempty"` // links added or changed
	Before      map[tree.GroupID]string `json:"before,omitempty"` // links removed or changed, as IF/THEN text before the command
	Skipped     []tree.GroupID          `json:"skipped,omitempty"`
	Reservation int64                   `json:"reservation,omitempty"`
	Fix         int64                   `json:"fix,omitempty"`
	Status      tree.LinkStatus         `json:"status,omitempty"` // a reviewed link's status afterwards
	Hints       []NodeHint              `json:"hints,omitempty"`
	Blame       []NodeBlame             `json:"blame,omitempty"`
	Similar     []Similar               `json:"similar,omitempty"` // only of RCAs the acting user may see
	Prompt      string                  `json:"prompt,omitempty"`  // the sufficiency prompt, when it applies
	Elimination *tree.Elimination       `json:"elimination,omitempty"`
	Combined    *tree.Elimination       `json:"combined,omitempty"` // every proposed fix together
	Replayed    bool                    `json:"-"`                  // the idempotency key had been applied before
	RCA         *RCA                    `json:"-"`                  // the RCA as the command left it; nil when Replayed
}

// run executes one write command: it loads the RCA, checks cmd, calls fn and
// returns its result, all in one transaction under the context's key.
func (s *Service) run(ctx context.Context, actor Actor, rcaID int64, cmd Command,
	fn func(tx Tx, r *RCA, res *Result) error) (*Result, error) {
	var done *Result // the result of the call of fn that committed
	raw, err := s.store.Update(ctx, KeyFrom(ctx), func(tx Tx) ([]byte, error) {
		done = nil
		r, err := tx.RCA(rcaID)
		if err != nil {
			return nil, err
		}
		if err := Check(r, actor.UserID, cmd); err != nil {
			return nil, err
		}
		res := &Result{RCAID: rcaID, Phase: r.Phase}
		if err := fn(tx, r, res); err != nil {
			return nil, err
		}
		res.RCA, done = r, res
		return json.Marshal(res)
	})
	if err != nil {
		return nil, fmt.Errorf("%s on rca %d: %w", cmd, rcaID, err)
	}
	if done != nil {
		return done, nil
	}
	var res Result
	if err := json.Unmarshal(raw, &res); err != nil {
		return nil, fmt.Errorf("%s on rca %d: read result: %w", cmd, rcaID, err)
	}
	res.Replayed = true
	return &res, nil
}

// view runs fn in a read transaction after checking that actor may see the RCA.
func (s *Service) view(ctx context.Context, actor Actor, rcaID int64, fn func(tx Tx, r *RCA) error) error {
	err := s.store.View(ctx, func(tx Tx) error {
		r, err := tx.RCA(rcaID)
		if err != nil {
			return err
		}
		if err := Check(r, actor.UserID, CmdView); err != nil {
			return err
		}
		return fn(tx, r)
	})
	if err != nil {
		return fmt.Errorf("view rca %d: %w", rcaID, err)
	}
	return nil
}

// editTree loads the RCA's tree, lets fn change it, and stores the difference
// with an audit entry named action. New nodes get the actor as author.
func (s *Service) editTree(tx Tx, r *RCA, actor Actor, action string, sourceLink string,
	fn func(t *tree.Tree) error) (TreeChange, *tree.Tree, error) {
	return s.editTreeRef(tx, r, actor, action, sourceLink, 0, fn)
}

// editTreeRef is editTree with the audit entry referring to entry ref.
func (s *Service) editTreeRef(tx Tx, r *RCA, actor Actor, action string, sourceLink string, ref int64,
	fn func(t *tree.Tree) error) (TreeChange, *tree.Tree, error) {
	t, err := tx.EditTree(r.ID)
	if err != nil {
		return TreeChange{}, nil, err
	}
	// The journal keeps the state of what fn touches, so the change is found
	// without copying the whole tree first.
	t.StartJournal()
	err = fn(t)
	j := t.StopJournal()
	if err != nil {
		return TreeChange{}, nil, err
	}
	ch := journalChange(j, t)
	if ch.Empty() {
		return ch, t, nil
	}
	for i := range ch.Nodes {
		if ch.Nodes[i].Before == nil {
			ch.Nodes[i].Author, ch.Nodes[i].SourceLink = actor.UserID, sourceLink
		}
	}
	if err := tx.ApplyChange(r.ID, ch); err != nil {
		return ch, nil, err
	}
	if err := auditChange(tx, r.ID, actor, action, ch, ref); err != nil {
		return ch, nil, err
	}
	return ch, t, nil
}

// snapshot is one side of a tree change as stored in the audit log.
type snapshot struct {
	Nodes  []tree.Node  `json:"nodes,omitempty"`
	Groups []tree.Group `json:"groups,omitempty"`
}

func sides(ch TreeChange) (before, after snapshot) {
	for _, c := range ch.Nodes {
		if c.Before != nil {
			before.Nodes = append(before.Nodes, *c.Before)
		}
		if c.After != nil {
			after.Nodes = append(after.Nodes, *c.After)
		}
	}
	for _, c := range ch.Groups {
		if c.Before != nil {
			before.Groups = append(before.Groups, *c.Before)
		}
		if c.After != nil {
			after.Groups = append(after.Groups, *c.After)
		}
	}
	return before, after
}

func auditChange(tx Tx, rcaID int64, actor Actor, action string, ch TreeChange, ref int64) error {
	before, after := sides(ch)
	b, err := json.Marshal(before)
	if err != nil {
		return fmt.Errorf("audit %s: %w", action, err)
	}
	a, err := json.Marshal(after)
	if err != nil {
		return fmt.Errorf("audit %s: %w", action, err)
	}
	_, err = tx.Audit(&AuditEntry{RCAID: rcaID, Actor: actor.UserID, Action: action, Subject: "tree",
		Before: b, After: a, Ref: ref})
	return err
}

// audit appends a non-tree entry with before and after marshalled as JSON.
func audit(tx Tx, rcaID int64, actor Actor, action, subject string, before, after any) error {
	e := &AuditEntry{RCAID: rcaID, Actor: actor.UserID, Action: action, Subject: subject}
	var err error
	if before != nil {
		if e.Before, err = json.Marshal(before); err != nil {
			return fmt.Errorf("audit %s: %w", action, err)
		}
	}
	if after != nil {
		if e.After, err = json.Marshal(after); err != nil {
			return fmt.Errorf("audit %s: %w", action, err)
		}
	}
	_, err = tx.Audit(e)
	return err
}

// Diff returns the node and link changes that turn before into after, by number.
func Diff(before, after *tree.Tree) TreeChange {
	var ch TreeChange
	before.EachNode(func(n *tree.Node) {
		m, ok := after.Node(n.ID)
		switch {
		case !ok:
			ch.Nodes = append(ch.Nodes, NodeChange{Before: copyNode(n)})
		case *m != *n:
			ch.Nodes = append(ch.Nodes, NodeChange{Before: copyNode(n), After: copyNode(m)})
		}
	})
	after.EachNode(func(n *tree.Node) {
		if _, ok := before.Node(n.ID); !ok {
			ch.Nodes = append(ch.Nodes, NodeChange{After: copyNode(n)})
		}
	})
	before.EachGroup(func(g *tree.Group) {
		h, ok := after.Group(g.ID)
		switch {
		case !ok:
			ch.Groups = append(ch.Groups, GroupChange{Before: copyGroup(g)})
		case h.Effect != g.Effect || h.Status != g.Status || !slices.Equal(h.Causes, g.Causes):
			ch.Groups = append(ch.Groups, GroupChange{Before: copyGroup(g), After: copyGroup(h)})
		}
	})
	after.EachGroup(func(g *tree.Group) {
		if _, ok := before.Group(g.ID); !ok {
			ch.Groups = append(ch.Groups, GroupChange{After: copyGroup(g)})
		}
	})
	sortChange(&ch) // only the changes are sorted
	return ch
}

// journalChange returns the node and link changes that turned the tree j
// started on into t: Diff of the two trees, found from the journal alone.
func journalChange(j *tree.Journal, t *tree.Tree) TreeChange {
	var ch TreeChange
	j.EachNode(func(id tree.NodeID, before *tree.Node) {
		n, ok := t.Node(id)
		switch {
		case before == nil && ok:
			ch.Nodes = append(ch.Nodes, NodeChange{After: copyNode(n)})
		case before != nil && !ok:
			ch.Nodes = append(ch.Nodes, NodeChange{Before: before})
		case before != nil && *n != *before:
			ch.Nodes = append(ch.Nodes, NodeChange{Before: before, After: copyNode(n)})
		}
	})
	j.EachGroup(func(id tree.GroupID, before *tree.Group) {
		g, ok := t.Group(id)
		switch {
		case before == nil && ok:
			ch.Groups = append(ch.Groups, GroupChange{After: copyGroup(g)})
		case before != nil && !ok:
			ch.Groups = append(ch.Groups, GroupChange{Before: before})
		case before != nil && (g.Effect != before.Effect || g.Status != before.Status || !slices.Equal(g.Causes, before.Causes)):
			ch.Groups = append(ch.Groups, GroupChange{Before: before, After: copyGroup(g)})
		}
	})
	sortChange(&ch)
	return ch
}

// sortChange orders the changes by number, a deletion before an addition.
func sortChange(ch *TreeChange) {
	slices.SortFunc(ch.Nodes, func(a, b NodeChange) int {
		return cmp.Compare(changeID(a.Before, a.After), changeID(b.Before, b.After))
	})
	slices.SortFunc(ch.Groups, func(a, b GroupChange) int { return cmp.Compare(groupChangeID(a), groupChangeID(b)) })
}

func changeID(before, after *tree.Node) tree.NodeID {
	if before != nil {
		return before.ID
	}
	return after.ID
}

func groupChangeID(c GroupChange) tree.GroupID {
	if c.Before != nil {
		return c.Before.ID
	}
	return c.After.ID
}

func copyNode(n *tree.Node) *tree.Node { c := *n; return &c }

func copyGroup(g *tree.Group) *tree.Group {
	c := *g
	c.Causes = slices.Clone(g.Causes)
	return &c
}

// treeErr turns a tree model error into a workflow error on field.
func treeErr(field string, err error) error {
	var werr *Error
	switch {
	case err == nil:
		return nil
	case errors.As(err, &werr):
		return err
	case errors.Is(err, tree.ErrEmptyText):
		return Invalidf(field, "Please write something here.")
	case errors.Is(err, tree.ErrTextTooLong):
		return Invalidf(field, "Please keep it under %d characters: one idea per statement.", tree.MaxTextRunes)
	case errors.Is(err, tree.ErrInvalidText), errors.Is(err, tree.ErrInvalidNode), errors.Is(err, tree.ErrSelfLink):
		return Invalidf(field, "%s", sentence(err))
	case errors.Is(err, tree.ErrDuplicateNode), errors.Is(err, tree.ErrDuplicateLink):
		return &Error{Code: EConflict, Field: field, Message: sentence(err)}
	case errors.Is(err, tree.ErrUnknownNode), errors.Is(err, tree.ErrUnknownGroup):
		return &Error{Code: ENotFound, Field: field, Message: sentence(err) + " in this RCA."}
	}
	return fmt.Errorf("tree: %w", err)
}

// sentence capitalises an error text for people.
func sentence(err error) string {
	s := err.Error()
	if s == "" {
		return s
	}
	if s[0] >= 'a' && s[0] <= 'z' {
		s = string(s[0]-'a'+'A') + s[1:]
	}
	return s + "."
}
