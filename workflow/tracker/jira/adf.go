package jira

import (
	"encoding/json"

	"github.com/untangle-rca/untangle/workflow"
	"github.com/untangle-rca/untangle/workflow/tracker"
)

// Doc is an Atlassian Document Format document, the only form Jira Cloud's
// REST API v3 takes rich text in. User text only ever lands in Text nodes,
// so no markup (Jira wiki markup included) is read in it.
type Doc struct {
	Version int    `json:"version"`
	Type    string `json:"type"`
	Content []Node `json:"content"`
}

// Node is one ADF node: a block (paragraph, heading, list, rule) or text.
type Node struct {
	Type    string `json:"type"`
	Attrs   *Attrs `json:"attrs,omitempty"`
	Content []Node `json:"content,omitempty"`
	Text    string `json:"text,omitempty"`
	Marks   []Mark `json:"marks,omitempty"`
}

// Attrs are the attributes of headings and ordered lists.
type Attrs struct {
	Level int `json:"level,omitempty"`
	Order int `json:"order,omitempty"`
}

// Mark styles a text node: strong, code, or a link.
type Mark struct {
	Type  string     `json:"type"`
	Attrs *LinkAttrs `json:"attrs,omitempty"`
}

// LinkAttrs is the target of a link mark.
type LinkAttrs struct {
	Href string `json:"href"`
}

// DescriptionLimit is the most characters Jira keeps in a description; the
// document is cut so that even its JSON form stays within it.
const DescriptionLimit = 32767

func text(s string, marks ...Mark) Node {
	return Node{Type: "text", Text: s, Marks: marks}
}

// para builds a paragraph, leaving out empty text nodes (ADF refuses them).
func para(nodes ...Node) Node {
	var kept []Node
	for _, n := range nodes {
		if n.Type != "text" || n.Text != "" {
			kept = append(kept, n)
		}
	}
	return Node{Type: "paragraph", Content: kept}
}

func heading(s string) Node {
	return Node{Type: "heading", Attrs: &Attrs{Level: 3}, Content: []Node{text(s)}}
}

func list(kind string, items []Node) Node {
	out := Node{Type: kind}
	if kind == "orderedList" {
		out.Attrs = &Attrs{Order: 1}
	}
	for _, it := range items {
		out.Content = append(out.Content, Node{Type: "listItem", Content: []Node{it}})
	}
	return out
}

var (
	strong = Mark{Type: "strong"}
	code   = Mark{Type: "code"}
)

// nodeText names a tree node: its number in code, then its text.
func nodeText(n workflow.TicketNode) []Node {
	return []Node{text(n.ID.String(), code), text(" " + tracker.OneLine(n.Text))}
}

// Description renders d as an ADF document whose JSON form is at most
// limit characters: blocks that do not fit are left out with a note; the
// marker paragraph always stays.
func Description(d workflow.TicketDraft, limit int) Doc {
	footer := []Node{{Type: "rule"}, para(text("Filed by untangle. Marker: "), text(d.Marker, code))}
	blocks := descriptionBlocks(d)
	doc := Doc{Version: 1, Type: "doc", Content: append(append([]Node{}, blocks...), footer...)}
	if size(doc) <= limit {
		return doc
	}
	doc.Content = append([]Node{para(text(tracker.CutNote(limit)))}, footer...)
	for _, b := range blocks {
		try := doc
		try.Content = append(append(append([]Node{}, doc.Content[:len(doc.Content)-3]...), b), doc.Content[len(doc.Content)-3:]...)
		if size(try) > limit {
			break
		}
		doc = try
	}
	return doc
}

func size(d Doc) int {
	data, err := json.Marshal(d)
	if err != nil {
		return 0
	}
	return len([]rune(string(data)))
}

func descriptionBlocks(d workflow.TicketDraft) []Node {
	rca := text(tracker.OneLine(d.RCATitle), strong)
	if tracker.IsWebLink(d.RCALink) {
		rca.Marks = append(rca.Marks, Mark{Type: "link", Attrs: &LinkAttrs{Href: tracker.SafeURL(d.RCALink)}})
	}
	blocks := []Node{
		para(text("Fix agreed in the root-cause analysis "), rca, text(".")),
		para(append([]Node{text("Neutralises: ", strong)}, nodeText(d.Neutralises)...)...),
	}
	blocks = append(blocks, nodeList("Removes on its own", d.RemovesAlone)...)
	blocks = append(blocks, nodeList("Removes together with the other fixes", d.RemovesTogether)...)
	if len(d.Chains) > 0 {
		blocks = append(blocks, heading("Why: from the core cause to each symptom"))
		for _, c := range d.Chains {
			blocks = append(blocks, para(append(append([]Node{text("For ")}, nodeText(c.Symptom)...), text(":"))...))
			var steps []Node
			for _, s := range c.Steps {
				steps = append(steps, para(stepText(s)...))
			}
			if len(steps) > 0 {
				blocks = append(blocks, list("orderedList", steps))
			}
		}
	}
	if owner := tracker.OwnerText(d); owner != "" {
		blocks = append(blocks, para(text("Owner: ", strong), text(tracker.OneLine(owner))))
	}
	if !d.Due.IsZero() {
		blocks = append(blocks, para(text("Due: ", strong), text(d.Due.Format("2006-01-02"))))
	}
	return blocks
}

func nodeList(title string, nodes []workflow.TicketNode) []Node {
	if len(nodes) == 0 {
		return nil
	}
	items := make([]Node, len(nodes))
	for i, n := range nodes {
		items[i] = para(nodeText(n)...)
	}
	return []Node{heading(title), list("bulletList", items)}
}

func stepText(s workflow.TicketStep) []Node {
	out := []Node{text("IF ")}
	for i, c := range s.Causes {
		if i > 0 {
			out = append(out, text(" AND "))
		}
		out = append(out, text("["))
		out = append(out, nodeText(c)...)
		out = append(out, text("]"))
	}
	out = append(out, text(" THEN ["))
	out = append(out, nodeText(s.Effect)...)
	return append(out, text("]"))
}

// hasText reports whether an ADF document read back from Jira has a text
// node that is exactly s (the marker is one node of its own).
func hasText(raw json.RawMessage, s string) bool {
	var n struct {
		Text    string            `json:"text"`
		Content []json.RawMessage `json:"content"`
	}
	if json.Unmarshal(raw, &n) != nil {
		return false
	}
	if n.Text == s {
		return true
	}
	for _, c := range n.Content {
		if hasText(c, s) {
			return true
		}
	}
	return false
}
