package slacktest

import (
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Surface is where blocks are shown; limits differ between surfaces.
type Surface string

// The surfaces blocks can be validated for.
const (
	SurfaceMessage Surface = "message" // chat.postMessage, chat.update, chat.postEphemeral
	SurfaceModal   Surface = "modal"   // views.open, views.push, views.update
	SurfaceHome    Surface = "home"    // views.publish
)

// Block Kit limits enforced by the validator, from Slack's documentation.
const (
	MaxMessageBlocks    = 50
	MaxViewBlocks       = 100
	MaxTextLen          = 3000
	MaxHeaderLen        = 150
	MaxSectionFields    = 10
	MaxFieldLen         = 2000
	MaxContextElements  = 10
	MaxActionsElements  = 25
	MaxButtonTextLen    = 75
	MaxButtonValueLen   = 2000
	MaxURLLen           = 3000
	MaxOptionTextLen    = 75
	MaxOptionValueLen   = 150
	MaxSelectOptions    = 100
	MaxOverflowOptions  = 5
	MaxIDLen            = 255
	MaxPlaceholderLen   = 150
	MaxLabelLen         = 2000
	MaxModalTitleLen    = 24
	MaxPrivateMetadata  = 3000
	MaxViewBytes        = 250 * 1000
	MaxMarkdownBlockLen = 12000
	MaxMessageTextLen   = 40000
	MaxTopicLen         = 250
	MaxChannelNameLen   = 80
	MaxRadioOptions     = 10
)

// ValidateBlocks checks a list of blocks against Slack's Block Kit rules for
// a surface and returns Slack-style error strings, e.g.
// "must be less than 3001 characters [json-pointer:/blocks/0/text/text]".
// blocks is anything that marshals to a JSON array of blocks ([]slack.Block,
// slack.Blocks, json.RawMessage, []map[string]any). No errors means valid.
func ValidateBlocks(surface Surface, blocks any) []string {
	arr, err := toArray(blocks)
	if err != nil {
		return []string{fmt.Sprintf("%v [json-pointer:/blocks]", err)}
	}
	v := &validator{surface: surface}
	v.blocks("/blocks", arr)
	return v.errs
}

// ValidateView checks a modal or Home tab view (anything that marshals to a
// view object, e.g. slack.ModalViewRequest) and returns Slack-style errors
// with json-pointers under /view. It does not check the 250 KB size limit,
// which Slack reports separately as view_too_large.
func ValidateView(view any) []string {
	m, err := toObject(view)
	if err != nil {
		return []string{fmt.Sprintf("%v [json-pointer:/view]", err)}
	}
	v := &validator{}
	v.view("/view", m)
	return v.errs
}

// toArray turns blocks given in any form into decoded JSON.
func toArray(x any) ([]any, error) {
	var raw []byte
	switch b := x.(type) {
	case json.RawMessage:
		raw = b
	case []byte:
		raw = b
	case string:
		raw = []byte(b)
	case []any:
		return b, nil
	default:
		var err error
		if raw, err = json.Marshal(x); err != nil {
			return nil, fmt.Errorf("blocks do not encode as JSON: %w", err)
		}
	}
	var out any
	if err := json.Unmarshal(raw, &out); err != nil {
		return nil, fmt.Errorf("invalid JSON: %w", err)
	}
	// slack.Blocks marshals as {"blocks": [...]} only inside messages; accept both.
	if m, ok := out.(map[string]any); ok {
		out = m["blocks"]
	}
	arr, ok := out.([]any)
	if !ok {
		return nil, fmt.Errorf("must be an array")
	}
	return arr, nil
}

// toObject turns a view given in any form into a decoded JSON object.
func toObject(x any) (map[string]any, error) {
	var raw []byte
	switch b := x.(type) {
	case map[string]any:
		return b, nil
	case json.RawMessage:
		raw = b
	case []byte:
		raw = b
	default:
		var err error
		if raw, err = json.Marshal(x); err != nil {
			return nil, fmt.Errorf("view does not encode as JSON: %w", err)
		}
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil || m == nil {
		return nil, fmt.Errorf("must be a JSON object")
	}
	return m, nil
}

// validator accumulates errors while walking decoded Block Kit JSON.
type validator struct {
	surface Surface
	errs    []string
}

// add records one error at a json-pointer.
func (v *validator) add(ptr, format string, args ...any) {
	v.errs = append(v.errs, fmt.Sprintf(format, args...)+" [json-pointer:"+ptr+"]")
}

// view checks a modal or home view object.
func (v *validator) view(ptr string, m map[string]any) {
	typ, _ := m["type"].(string)
	switch typ {
	case "modal":
		v.surface = SurfaceModal
	case "home":
		v.surface = SurfaceHome
	default:
		v.add(ptr+"/type", "must be one of modal, home")
		return
	}
	if typ == "modal" {
		v.modalChrome(ptr, m)
	}
	v.maxLenField(ptr, m, "private_metadata", MaxPrivateMetadata)
	v.maxLenField(ptr, m, "callback_id", MaxIDLen)
	v.maxLenField(ptr, m, "external_id", MaxIDLen)
	blocks, ok := m["blocks"].([]any)
	if !ok {
		v.add(ptr+"/blocks", "must provide an array")
		return
	}
	v.blocks(ptr+"/blocks", blocks)
}

// modalChrome checks title, submit and close of a modal.
func (v *validator) modalChrome(ptr string, m map[string]any) {
	if m["title"] == nil {
		v.add(ptr+"/title", "must provide an object")
	} else {
		v.plainText(ptr+"/title", m["title"], MaxModalTitleLen)
	}
	for _, k := range []string{"submit", "close"} {
		if m[k] != nil {
			v.plainText(ptr+"/"+k, m[k], MaxModalTitleLen)
		}
	}
	if m["submit"] == nil && hasInputBlock(m["blocks"]) {
		v.add(ptr, "must provide a submit property when using input blocks")
	}
}

// hasInputBlock reports whether a block list contains an input block.
func hasInputBlock(x any) bool {
	arr, _ := x.([]any)
	for _, b := range arr {
		if bm, ok := b.(map[string]any); ok && bm["type"] == "input" {
			return true
		}
	}
	return false
}

// maxLenField checks an optional string field's length.
func (v *validator) maxLenField(ptr string, m map[string]any, key string, max int) {
	x, present := m[key]
	if !present || x == nil {
		return
	}
	s, ok := x.(string)
	if !ok {
		v.add(ptr+"/"+key, "must be a string")
		return
	}
	if utf8.RuneCountInString(s) > max {
		v.add(ptr+"/"+key, "must be less than %d characters", max+1)
	}
}

// blocks checks a block list: count, each block and block_id uniqueness.
func (v *validator) blocks(ptr string, arr []any) {
	limit := MaxMessageBlocks
	if v.surface != SurfaceMessage {
		limit = MaxViewBlocks
	}
	if len(arr) > limit {
		v.add(ptr, "must have no more than %d items", limit)
	}
	seen := map[string]bool{}
	for i, b := range arr {
		p := fmt.Sprintf("%s/%d", ptr, i)
		m, ok := b.(map[string]any)
		if !ok {
			v.add(p, "must be an object")
			continue
		}
		if id, _ := m["block_id"].(string); id != "" {
			if seen[id] {
				v.add(p+"/block_id", "duplicate block_id %q", id)
			}
			seen[id] = true
		}
		v.block(p, m)
	}
}

// block checks one block by type.
func (v *validator) block(ptr string, m map[string]any) {
	v.maxLenField(ptr, m, "block_id", MaxIDLen)
	typ, _ := m["type"].(string)
	switch typ {
	case "section":
		v.section(ptr, m)
	case "header":
		v.required(ptr, m, "text", func(p string, x any) { v.plainText(p, x, MaxHeaderLen) })
	case "divider", "file", "video", "rich_text":
	case "image":
		v.image(ptr, m)
	case "context":
		v.context(ptr, m)
	case "actions":
		v.elementList(ptr+"/elements", m["elements"], MaxActionsElements, actionsElements)
	case "input":
		v.input(ptr, m)
	case "markdown":
		if v.surface != SurfaceMessage {
			v.add(ptr+"/type", "markdown blocks are only allowed in messages")
		}
		s, _ := m["text"].(string)
		if utf8.RuneCountInString(s) > MaxMarkdownBlockLen {
			v.add(ptr+"/text", "must be less than %d characters", MaxMarkdownBlockLen+1)
		}
	default:
		v.add(ptr+"/type", "unknown block type %q", typ)
	}
}

// required calls check on m[key] or records that it is missing.
func (v *validator) required(ptr string, m map[string]any, key string, check func(string, any)) {
	if x, ok := m[key]; ok && x != nil {
		check(ptr+"/"+key, x)
		return
	}
	v.add(ptr+"/"+key, "must provide a value for %s", key)
}

// section checks text, fields and accessory.
func (v *validator) section(ptr string, m map[string]any) {
	_, hasText := m["text"]
	fields, hasFields := m["fields"]
	if !hasText && !hasFields {
		v.add(ptr, "must provide either text or fields")
	}
	if hasText {
		v.text(ptr+"/text", m["text"], MaxTextLen)
	}
	if hasFields {
		arr, ok := fields.([]any)
		switch {
		case !ok:
			v.add(ptr+"/fields", "must be an array")
		case len(arr) > MaxSectionFields:
			v.add(ptr+"/fields", "must have no more than %d items", MaxSectionFields)
		}
		for i, f := range arr {
			v.text(fmt.Sprintf("%s/fields/%d", ptr, i), f, MaxFieldLen)
		}
	}
	if acc, ok := m["accessory"]; ok {
		v.element(ptr+"/accessory", acc, accessoryElements)
	}
}

// image checks an image block or image element.
func (v *validator) image(ptr string, m map[string]any) {
	if m["slack_file"] == nil {
		v.required(ptr, m, "image_url", func(p string, x any) { v.url(p, x) })
	}
	v.required(ptr, m, "alt_text", func(p string, x any) { v.str(p, x, 1, MaxLabelLen) })
	if t, ok := m["title"]; ok {
		v.plainText(ptr+"/title", t, MaxLabelLen)
	}
}

// context checks a context block's elements: images and text objects.
func (v *validator) context(ptr string, m map[string]any) {
	arr, ok := m["elements"].([]any)
	if !ok || len(arr) == 0 {
		v.add(ptr+"/elements", "must provide a non-empty array")
		return
	}
	if len(arr) > MaxContextElements {
		v.add(ptr+"/elements", "must have no more than %d items", MaxContextElements)
	}
	for i, e := range arr {
		p := fmt.Sprintf("%s/elements/%d", ptr, i)
		em, _ := e.(map[string]any)
		if em != nil && em["type"] == "image" {
			v.image(p, em)
			continue
		}
		v.text(p, e, MaxTextLen)
	}
}

// input checks an input block: label, hint and its single element.
func (v *validator) input(ptr string, m map[string]any) {
	v.required(ptr, m, "label", func(p string, x any) { v.plainText(p, x, MaxLabelLen) })
	if h, ok := m["hint"]; ok {
		v.plainText(ptr+"/hint", h, MaxLabelLen)
	}
	v.required(ptr, m, "element", func(p string, x any) { v.element(p, x, inputElements) })
}

// text checks a plain_text or mrkdwn text object.
func (v *validator) text(ptr string, x any, max int) {
	m, ok := x.(map[string]any)
	if !ok {
		v.add(ptr, "must be a text object")
		return
	}
	switch m["type"] {
	case "plain_text":
		if _, ok := m["verbatim"]; ok {
			v.add(ptr+"/verbatim", "verbatim is only allowed in mrkdwn")
		}
	case "mrkdwn":
		if _, ok := m["emoji"]; ok {
			v.add(ptr+"/emoji", "emoji is only allowed in plain_text")
		}
	default:
		v.add(ptr+"/type", "must be one of plain_text, mrkdwn")
	}
	v.required(ptr, m, "text", func(p string, s any) { v.str(p, s, 1, max) })
}

// plainText checks a text object that must be plain_text.
func (v *validator) plainText(ptr string, x any, max int) {
	if m, ok := x.(map[string]any); ok && m["type"] != "plain_text" {
		v.add(ptr+"/type", "must be plain_text")
		return
	}
	v.text(ptr, x, max)
}

// str checks a string's length in characters.
func (v *validator) str(ptr string, x any, min, max int) {
	s, ok := x.(string)
	if !ok {
		v.add(ptr, "must be a string")
		return
	}
	n := utf8.RuneCountInString(s)
	if n < min || strings.TrimSpace(s) == "" && min > 0 {
		v.add(ptr, "must be more than %d characters", min-1)
	}
	if n > max {
		v.add(ptr, "must be less than %d characters", max+1)
	}
}

// url checks a URL field's length and scheme.
func (v *validator) url(ptr string, x any) {
	v.str(ptr, x, 1, MaxURLLen)
	if s, ok := x.(string); ok && s != "" && !strings.HasPrefix(s, "http://") && !strings.HasPrefix(s, "https://") {
		v.add(ptr, "must be a valid URL")
	}
}
