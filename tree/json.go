package tree

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// JSONVersion is the version of the JSON document format written by MarshalJSON.
const JSONVersion = 1

type jsonDoc struct {
	Format  string      `json:"format"`
	Version int         `json:"version"`
	Title   string      `json:"title,omitempty"`
	Nodes   []jsonNode  `json:"nodes"`
	Groups  []jsonGroup `json:"groups"`
}

type jsonNode struct {
	ID          NodeID `json:"id"`
	Kind        Kind   `json:"kind"`
	Text        string `json:"text"`
	Weight      int    `json:"weight,omitempty"`
	Evidence    string `json:"evidence,omitempty"`
	Unverified  bool   `json:"unverified,omitempty"`
	RootMarked  bool   `json:"root_marked,omitempty"`
	BlameWorded bool   `json:"blame_worded,omitempty"`
	Against     NodeID `json:"against,omitempty"`
}

type jsonGroup struct {
	ID     GroupID    `json:"id"`
	Effect NodeID     `json:"effect"`
	Causes []NodeID   `json:"causes"`
	Status LinkStatus `json:"status"`
}

const jsonFormat = "untangle-tree"

// MarshalJSON writes the tree as a lossless, re-importable JSON document:
// every node and group with its number, kind, flags and status.
func (t *Tree) MarshalJSON() ([]byte, error) {
	doc := jsonDoc{Format: jsonFormat, Version: JSONVersion, Title: t.Title, Nodes: []jsonNode{}, Groups: []jsonGroup{}}
	for _, n := range t.Nodes() {
		doc.Nodes = append(doc.Nodes, jsonNode(*n))
	}
	for _, g := range t.Groups() {
		doc.Groups = append(doc.Groups, jsonGroup{ID: g.ID, Effect: g.Effect, Causes: g.Causes, Status: g.Status})
	}
	return json.Marshal(doc)
}

// UnmarshalJSON reads a document written by MarshalJSON, checking it as
// AddNode and AddGroup do. On error t is unchanged.
func (t *Tree) UnmarshalJSON(data []byte) error {
	var doc jsonDoc
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return errors.New("read tree JSON: unexpected end of JSON input")
		}
		return fmt.Errorf("read tree JSON: %w", err)
	}
	if doc.Format != jsonFormat {
		return fmt.Errorf("read tree JSON: format is %q, want %q", doc.Format, jsonFormat)
	}
	if doc.Version < 1 || doc.Version > JSONVersion {
		return fmt.Errorf("read tree JSON: version %d is not supported (this build reads up to %d)", doc.Version, JSONVersion)
	}
	next := New(doc.Title)
	next.reserve(len(doc.Nodes), len(doc.Groups))
	for i, n := range doc.Nodes {
		if n.ID == 0 {
			return fmt.Errorf("read tree JSON: node %d has no id", i+1)
		}
		if _, err := next.AddNode(Node(n)); err != nil {
			return fmt.Errorf("read tree JSON: node %s: %w", n.ID, err)
		}
	}
	for _, n := range doc.Nodes {
		if _, ok := next.nodes[n.Against]; n.Against != 0 && !ok {
			return fmt.Errorf("read tree JSON: node %s: %w: it is against %s", n.ID, ErrUnknownNode, n.Against)
		}
	}
	for i, g := range doc.Groups {
		if g.ID == 0 {
			return fmt.Errorf("read tree JSON: link %d has no id", i+1)
		}
		if !validStatus(g.Status) {
			return fmt.Errorf("read tree JSON: link %d: unknown status %q", g.ID, g.Status)
		}
		if _, err := next.AddGroup(Group(g)); err != nil {
			return fmt.Errorf("read tree JSON: link %d: %w", g.ID, err)
		}
	}
	*t = *next
	return nil
}

func validStatus(s LinkStatus) bool {
	return s == "" || s == StatusUnreviewed || s == StatusAccepted || s == StatusDisputed
}
