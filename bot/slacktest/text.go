package slacktest

import (
	"encoding/json"
	"strings"
)

// PlainText renders blocks as the text a person reads, one line per text
// piece: section text and fields, headers, context, markdown, rich text,
// input labels, and buttons as "[Button text]". blocks is anything that
// marshals to a JSON array of blocks; unreadable input renders as "".
func PlainText(blocks any) string {
	arr, err := toArray(blocks)
	if err != nil {
		return ""
	}
	var lines []string
	for _, b := range arr {
		if bm, ok := b.(map[string]any); ok {
			lines = append(lines, blockText(bm)...)
		}
	}
	return strings.Join(lines, "\n")
}

// blockText renders one block.
func blockText(b map[string]any) []string {
	var out []string
	add := func(x any) {
		if t := textOf(x); t != "" {
			out = append(out, t)
		}
	}
	switch b["type"] {
	case "section":
		add(b["text"])
		fields, _ := b["fields"].([]any)
		for _, f := range fields {
			add(f)
		}
		if acc, ok := b["accessory"].(map[string]any); ok && acc["type"] == "button" {
			out = append(out, "["+textOf(acc["text"])+"]")
		}
	case "header", "markdown":
		add(b["text"])
	case "context":
		els, _ := b["elements"].([]any)
		for _, e := range els {
			add(e)
		}
	case "actions":
		out = append(out, actionsText(b)...)
	case "input":
		add(b["label"])
	case "rich_text":
		var sb strings.Builder
		richText(b["elements"], &sb)
		if sb.Len() > 0 {
			out = append(out, sb.String())
		}
	}
	return out
}

// actionsText renders an actions block's buttons.
func actionsText(b map[string]any) []string {
	var parts []string
	els, _ := b["elements"].([]any)
	for _, e := range els {
		if em, ok := e.(map[string]any); ok && em["type"] == "button" {
			parts = append(parts, "["+textOf(em["text"])+"]")
		}
	}
	if len(parts) == 0 {
		return nil
	}
	return []string{strings.Join(parts, " ")}
}

// richText collects the text leaves of rich_text elements.
func richText(x any, sb *strings.Builder) {
	switch v := x.(type) {
	case []any:
		for _, e := range v {
			richText(e, sb)
		}
	case map[string]any:
		if t, ok := v["text"].(string); ok {
			sb.WriteString(t)
		}
		richText(v["elements"], sb)
	}
}

// textOf returns the text of a text object.
func textOf(x any) string {
	m, _ := x.(map[string]any)
	t, _ := m["text"].(string)
	return t
}

// decodeBlocks decodes stored blocks for walking.
func decodeBlocks(raw json.RawMessage) []any {
	var arr []any
	_ = json.Unmarshal(raw, &arr)
	return arr
}
