package workflow

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/untangle-rca/untangle/tree"
)

// Default limits; see docs/limits.md.
const (
	DefaultMaxNodes        = 2000       // nodes per RCA
	DefaultMaxPasteBytes   = 256 * 1024 // bytes of one paste: a 150-node tree with long texts fits
	DefaultMaxPasteLines   = 2000       // lines of one paste
	DefaultMaxParticipants = 500        // participants per RCA
)

// Limits bounds what users may put into one RCA. A zero field means its
// default; MaxTextRunes can only lower tree.MaxTextRunes, the model's limit.
type Limits struct {
	MaxNodes        int // live nodes per RCA
	MaxTextRunes    int // characters of a new node's text
	MaxPasteBytes   int // bytes of one paste of statements
	MaxPasteLines   int // lines of one paste of statements
	MaxParticipants int // participants per RCA
}

// DefaultLimits returns the limits a Service has without WithLimits.
func DefaultLimits() Limits {
	return Limits{MaxNodes: DefaultMaxNodes, MaxTextRunes: tree.MaxTextRunes, MaxPasteBytes: DefaultMaxPasteBytes,
		MaxPasteLines: DefaultMaxPasteLines, MaxParticipants: DefaultMaxParticipants}
}

// WithLimits sets the Service's limits; zero fields keep their defaults.
func WithLimits(l Limits) Option { return func(s *Service) { s.limits = l } }

// Limits returns the limits the Service enforces, defaults filled in.
func (s *Service) Limits() Limits { return s.limits.withDefaults() }

// Validate reports a limit that is negative or above the model's limit.
func (l Limits) Validate() error {
	for _, f := range []struct {
		name string
		v    int
	}{{"nodes", l.MaxNodes}, {"text length", l.MaxTextRunes}, {"paste bytes", l.MaxPasteBytes},
		{"paste lines", l.MaxPasteLines}, {"participants", l.MaxParticipants}} {
		if f.v < 0 {
			return fmt.Errorf("limit on %s is %d: it must be positive, or 0 for the default", f.name, f.v)
		}
	}
	if l.MaxTextRunes > tree.MaxTextRunes {
		return fmt.Errorf("limit on text length is %d: it cannot exceed the model's %d", l.MaxTextRunes, tree.MaxTextRunes)
	}
	return nil
}

func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	pick := func(v, def int) int {
		if v <= 0 {
			return def
		}
		return v
	}
	return Limits{MaxNodes: pick(l.MaxNodes, d.MaxNodes), MaxTextRunes: min(pick(l.MaxTextRunes, d.MaxTextRunes), tree.MaxTextRunes),
		MaxPasteBytes: pick(l.MaxPasteBytes, d.MaxPasteBytes), MaxPasteLines: pick(l.MaxPasteLines, d.MaxPasteLines),
		MaxParticipants: pick(l.MaxParticipants, d.MaxParticipants)}
}

// checkPaste refuses a paste that is too big before anything is parsed.
func (s *Service) checkPaste(src string) error {
	l := s.Limits()
	if len(src) > l.MaxPasteBytes {
		return Invalidf("statements", "This paste is %d KiB; the limit is %d KiB. Please paste it in smaller parts.",
			(len(src)+1023)/1024, l.MaxPasteBytes/1024)
	}
	if n := strings.Count(strings.TrimRight(src, "\n"), "\n") + 1; n > l.MaxPasteLines {
		return Invalidf("statements", "This paste has %d lines; the limit is %d lines. Please paste it in smaller parts.",
			n, l.MaxPasteLines)
	}
	return nil
}

// checkNewNodes refuses a change that leaves t with more nodes than the
// limit, or that adds a node whose text is longer than the text limit.
func (s *Service) checkNewNodes(t *tree.Tree, ids []tree.NodeID, field string) error {
	l := s.Limits()
	if len(ids) > 0 && t.NumNodes() > l.MaxNodes {
		return Invalidf(field, "This RCA would have %d nodes; the limit is %d nodes per RCA. Please merge or remove nodes first.",
			t.NumNodes(), l.MaxNodes)
	}
	for _, id := range ids {
		n, ok := t.Node(id)
		if ok && utf8.RuneCountInString(n.Text) > l.MaxTextRunes {
			return Invalidf(field, "Node %s is %d characters; the limit is %d characters: one idea per statement.",
				id, utf8.RuneCountInString(n.Text), l.MaxTextRunes)
		}
	}
	return nil
}

// checkParticipants refuses adding users when the RCA would then have more
// participants than the limit.
func (s *Service) checkParticipants(r *RCA, users []string) error {
	l := s.Limits()
	total, seen := len(r.Participants), map[string]bool{}
	for _, u := range users {
		if !r.IsParticipant(u) && !seen[u] {
			total++
		}
		seen[u] = true
	}
	if total > l.MaxParticipants {
		return Invalidf("participants", "This RCA would have %d participants; the limit is %d participants per RCA.",
			total, l.MaxParticipants)
	}
	return nil
}
