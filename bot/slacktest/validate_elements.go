package slacktest

// Block Kit elements: which ones each container allows, and the limits of
// buttons, selects, options, confirm dialogs and text inputs.

import (
	"fmt"
	"regexp"
	"unicode/utf8"
)

// Element types allowed in each container.
var (
	actionsElements   = setOf("button", "checkboxes", "datepicker", "timepicker", "datetimepicker", "overflow", "radio_buttons", "static_select", "external_select", "users_select", "conversations_select", "channels_select", "multi_static_select", "multi_external_select", "multi_users_select", "multi_conversations_select", "multi_channels_select", "rich_text_input", "workflow_button")
	accessoryElements = setOf("button", "checkboxes", "datepicker", "timepicker", "image", "overflow", "radio_buttons", "static_select", "external_select", "users_select", "conversations_select", "channels_select", "multi_static_select", "multi_external_select", "multi_users_select", "multi_conversations_select", "multi_channels_select", "workflow_button")
	inputElements     = setOf("plain_text_input", "checkboxes", "radio_buttons", "datepicker", "timepicker", "datetimepicker", "email_text_input", "url_text_input", "number_input", "rich_text_input", "file_input", "static_select", "external_select", "users_select", "conversations_select", "channels_select", "multi_static_select", "multi_external_select", "multi_users_select", "multi_conversations_select", "multi_channels_select")
)

// setOf builds a string set; used only to initialise read-only tables.
func setOf(xs ...string) map[string]bool {
	m := make(map[string]bool, len(xs))
	for _, x := range xs {
		m[x] = true
	}
	return m
}

// elementList checks a container's list of elements and action_id uniqueness.
func (v *validator) elementList(ptr string, x any, max int, allowed map[string]bool) {
	arr, ok := x.([]any)
	if !ok || len(arr) == 0 {
		v.add(ptr, "must provide a non-empty array")
		return
	}
	if len(arr) > max {
		v.add(ptr, "must have no more than %d items", max)
	}
	seen := map[string]bool{}
	for i, e := range arr {
		p := fmt.Sprintf("%s/%d", ptr, i)
		if em, ok := e.(map[string]any); ok {
			if id, _ := em["action_id"].(string); id != "" {
				if seen[id] {
					v.add(p+"/action_id", "duplicate action_id %q", id)
				}
				seen[id] = true
			}
		}
		v.element(p, e, allowed)
	}
}

// element checks one interactive element.
func (v *validator) element(ptr string, x any, allowed map[string]bool) {
	m, ok := x.(map[string]any)
	if !ok {
		v.add(ptr, "must be an object")
		return
	}
	typ, _ := m["type"].(string)
	if !allowed[typ] {
		v.add(ptr+"/type", "element type %q is not allowed here", typ)
		return
	}
	v.maxLenField(ptr, m, "action_id", MaxIDLen)
	if p, ok := m["placeholder"]; ok {
		v.plainText(ptr+"/placeholder", p, MaxPlaceholderLen)
	}
	if c, ok := m["confirm"]; ok {
		v.confirm(ptr+"/confirm", c)
	}
	v.elementBody(ptr, typ, m)
}

// elementBody checks the type-specific fields of an element.
func (v *validator) elementBody(ptr, typ string, m map[string]any) {
	switch typ {
	case "button":
		v.button(ptr, m)
	case "image":
		v.image(ptr, m)
	case "static_select", "multi_static_select":
		v.staticSelect(ptr, m)
	case "overflow":
		v.options(ptr+"/options", m["options"], 1, MaxOverflowOptions, false)
	case "radio_buttons", "checkboxes":
		v.options(ptr+"/options", m["options"], 1, MaxRadioOptions, true)
	case "datepicker":
		v.pattern(ptr, m, "initial_date", datePattern, "must match YYYY-MM-DD")
	case "timepicker":
		v.pattern(ptr, m, "initial_time", timePattern, "must match HH:mm")
	case "plain_text_input":
		v.textInput(ptr, m)
	}
}

// Formats of datepicker and timepicker values.
var (
	datePattern = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
	timePattern = regexp.MustCompile(`^\d{2}:\d{2}$`)
)

// pattern checks an optional string field against a regexp.
func (v *validator) pattern(ptr string, m map[string]any, key string, re *regexp.Regexp, msg string) {
	if s, ok := m[key].(string); ok && !re.MatchString(s) {
		v.add(ptr+"/"+key, "%s", msg)
	}
}

// button checks text, value, url and style.
func (v *validator) button(ptr string, m map[string]any) {
	v.required(ptr, m, "text", func(p string, x any) { v.plainText(p, x, MaxButtonTextLen) })
	v.maxLenField(ptr, m, "value", MaxButtonValueLen)
	if u, ok := m["url"]; ok {
		v.url(ptr+"/url", u)
	}
	if st, ok := m["style"].(string); ok && st != "primary" && st != "danger" {
		v.add(ptr+"/style", "must be one of primary, danger")
	}
}

// staticSelect checks options or option_groups and initial options.
func (v *validator) staticSelect(ptr string, m map[string]any) {
	opts, hasOpts := m["options"]
	groups, hasGroups := m["option_groups"]
	switch {
	case hasOpts == hasGroups:
		v.add(ptr, "must provide exactly one of options, option_groups")
	case hasOpts:
		v.options(ptr+"/options", opts, 1, MaxSelectOptions, false)
	default:
		v.optionGroups(ptr+"/option_groups", groups)
	}
}

// optionGroups checks a static select's option groups.
func (v *validator) optionGroups(ptr string, x any) {
	arr, ok := x.([]any)
	if !ok || len(arr) == 0 || len(arr) > MaxSelectOptions {
		v.add(ptr, "must provide between 1 and %d items", MaxSelectOptions)
		return
	}
	for i, g := range arr {
		p := fmt.Sprintf("%s/%d", ptr, i)
		gm, _ := g.(map[string]any)
		if gm == nil {
			v.add(p, "must be an object")
			continue
		}
		v.required(p, gm, "label", func(pp string, l any) { v.plainText(pp, l, MaxOptionTextLen) })
		v.options(p+"/options", gm["options"], 1, MaxSelectOptions, false)
	}
}

// options checks a list of option objects.
func (v *validator) options(ptr string, x any, min, max int, mrkdwnOK bool) {
	arr, ok := x.([]any)
	if !ok || len(arr) < min || len(arr) > max {
		v.add(ptr, "must provide between %d and %d items", min, max)
		if !ok {
			return
		}
	}
	for i, o := range arr {
		v.option(fmt.Sprintf("%s/%d", ptr, i), o, mrkdwnOK)
	}
}

// option checks one option object.
func (v *validator) option(ptr string, x any, mrkdwnOK bool) {
	m, ok := x.(map[string]any)
	if !ok {
		v.add(ptr, "must be an object")
		return
	}
	check := func(p string, t any) { v.plainText(p, t, MaxOptionTextLen) }
	if mrkdwnOK {
		check = func(p string, t any) { v.text(p, t, MaxOptionTextLen) }
	}
	v.required(ptr, m, "text", check)
	v.required(ptr, m, "value", func(p string, s any) { v.str(p, s, 1, MaxOptionValueLen) })
	if d, ok := m["description"]; ok {
		check(ptr+"/description", d)
	}
	if u, ok := m["url"]; ok {
		v.url(ptr+"/url", u)
	}
}

// confirm checks a confirmation dialog object.
func (v *validator) confirm(ptr string, x any) {
	m, ok := x.(map[string]any)
	if !ok {
		v.add(ptr, "must be an object")
		return
	}
	v.required(ptr, m, "title", func(p string, t any) { v.plainText(p, t, 100) })
	v.required(ptr, m, "text", func(p string, t any) { v.text(p, t, 300) })
	v.required(ptr, m, "confirm", func(p string, t any) { v.plainText(p, t, 30) })
	v.required(ptr, m, "deny", func(p string, t any) { v.plainText(p, t, 30) })
	if st, ok := m["style"].(string); ok && st != "primary" && st != "danger" {
		v.add(ptr+"/style", "must be one of primary, danger")
	}
}

// textInput checks a plain_text_input's lengths.
func (v *validator) textInput(ptr string, m map[string]any) {
	minL, hasMin := m["min_length"].(float64)
	maxL, hasMax := m["max_length"].(float64)
	if hasMin && (minL < 0 || minL > MaxTextLen) {
		v.add(ptr+"/min_length", "must be between 0 and %d", MaxTextLen)
	}
	if hasMax && (maxL < 1 || (hasMin && maxL < minL)) {
		v.add(ptr+"/max_length", "must be at least 1 and not less than min_length")
	}
	if iv, ok := m["initial_value"].(string); ok && hasMax && float64(utf8.RuneCountInString(iv)) > maxL {
		v.add(ptr+"/initial_value", "must be no longer than max_length")
	}
}
