package trackertest

import (
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"
)

// ADFTextLimit is the most characters of text a Jira description holds.
const ADFTextLimit = 32767

var (
	adfBlocks = []string{"paragraph", "heading", "bulletList", "orderedList", "rule", "codeBlock", "blockquote"}
	adfInline = []string{"text", "hardBreak", "mention", "emoji", "inlineCard"}
	adfItem   = []string{"paragraph", "bulletList", "orderedList", "codeBlock"}
	adfMarks  = []string{"strong", "em", "code", "link", "strike", "underline", "subsup", "textColor"}
	adfKeys   = []string{"type", "attrs", "content", "marks", "text"}
)

// ValidateADF checks that raw is an Atlassian Document Format document of
// the kinds of nodes a ticket needs, as Jira Cloud checks a description:
// version 1, known node types in allowed places, headings with a level,
// non-empty text nodes, known marks (a link with an href; code only with a
// link), no unknown keys, at most ADFTextLimit characters of text. It
// returns "" when the document is valid, else what is wrong and where.
func ValidateADF(raw json.RawMessage) string {
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		return "not a JSON object: " + err.Error()
	}
	if doc["type"] != "doc" || doc["version"] != float64(1) {
		return `the root must be {"type":"doc","version":1}`
	}
	for k := range doc {
		if k != "type" && k != "version" && k != "content" {
			return "unknown key " + k + " at the root"
		}
	}
	content, ok := doc["content"].([]any)
	if !ok {
		return "the root needs a content array"
	}
	v := &adfCheck{}
	v.children("/content", content, adfBlocks, 0)
	if v.err == "" && v.text > ADFTextLimit {
		v.err = fmt.Sprintf("the text is %d characters; at most %d fit", v.text, ADFTextLimit)
	}
	return v.err
}

type adfCheck struct {
	err  string
	text int
}

func (v *adfCheck) fail(path, format string, args ...any) {
	if v.err == "" {
		v.err = path + ": " + fmt.Sprintf(format, args...)
	}
}

func (v *adfCheck) children(path string, list []any, allowed []string, atLeast int) {
	if len(list) < atLeast {
		v.fail(path, "needs at least %d nodes", atLeast)
	}
	for i, c := range list {
		v.node(fmt.Sprintf("%s/%d", path, i), c, allowed)
	}
}

func (v *adfCheck) node(path string, raw any, allowed []string) {
	n, ok := raw.(map[string]any)
	if !ok {
		v.fail(path, "a node must be an object")
		return
	}
	typ, _ := n["type"].(string)
	if !slices.Contains(allowed, typ) {
		v.fail(path, "node type %q is not allowed here (allowed: %v)", typ, allowed)
		return
	}
	for k := range n {
		if !slices.Contains(adfKeys, k) {
			v.fail(path, "unknown key %q", k)
		}
	}
	content, hasContent := n["content"].([]any)
	if _, present := n["content"]; present && !hasContent {
		v.fail(path, "content must be an array")
	}
	attrs, _ := n["attrs"].(map[string]any)
	switch typ {
	case "text":
		v.textNode(path, n)
	case "paragraph":
		v.children(path+"/content", content, adfInline, 0)
	case "heading":
		if l, ok := attrs["level"].(float64); !ok || l < 1 || l > 6 || l != float64(int(l)) {
			v.fail(path, "a heading needs attrs.level 1–6")
		}
		v.children(path+"/content", content, adfInline, 0)
	case "bulletList", "orderedList":
		v.children(path+"/content", content, []string{"listItem"}, 1)
	case "listItem":
		v.children(path+"/content", content, adfItem, 1)
	case "rule", "hardBreak":
		if hasContent || attrs != nil {
			v.fail(path, "%s takes no content or attrs", typ)
		}
	case "codeBlock":
		v.children(path+"/content", content, []string{"text"}, 0)
	case "blockquote":
		v.children(path+"/content", content, []string{"paragraph", "bulletList", "orderedList"}, 1)
	}
}

func (v *adfCheck) textNode(path string, n map[string]any) {
	s, ok := n["text"].(string)
	if !ok || s == "" {
		v.fail(path, "a text node needs non-empty text")
		return
	}
	if _, ok := n["content"]; ok {
		v.fail(path, "a text node has no content")
	}
	v.text += utf8.RuneCountInString(s)
	marks, _ := n["marks"].([]any)
	seen := map[string]bool{}
	for i, m := range marks {
		mm, _ := m.(map[string]any)
		typ, _ := mm["type"].(string)
		mp := fmt.Sprintf("%s/marks/%d", path, i)
		switch {
		case !slices.Contains(adfMarks, typ):
			v.fail(mp, "unknown mark %q", typ)
		case seen[typ]:
			v.fail(mp, "mark %q twice", typ)
		case typ == "link":
			attrs, _ := mm["attrs"].(map[string]any)
			href, _ := attrs["href"].(string)
			if u, err := url.Parse(href); err != nil || !u.IsAbs() || strings.ContainsAny(href, " <>\"") {
				v.fail(mp, "a link mark needs attrs.href with a valid absolute URL, not %q", href)
			}
		}
		seen[typ] = true
	}
	if seen["code"] {
		for t := range seen {
			if t != "code" && t != "link" {
				v.fail(path, "the code mark combines only with link, not %q", t)
			}
		}
	}
}
