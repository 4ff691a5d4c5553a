package slacktest

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
)

// viewPayloadLocked builds the common part of a payload about a view; callers hold s.mu.
func (s *Server) viewPayloadLocked(u User, v *viewRec, typ string) map[string]any {
	return map[string]any{
		"type": typ, "team": teamJSON(), "user": u.userJSON(), "api_app_id": AppID,
		"token": "fake-verification-token", "view": s.viewJSON(v), "is_enterprise_install": false,
	}
}

// Select picks option in the input labelled label of an open view: the option
// text of a static select, radio buttons or checkboxes (toggled), a user name
// or id for users_select (multi_users_select toggles), a channel name or id
// for channels_select and conversations_select, a YYYY-MM-DD date for datepicker, HH:mm for
// timepicker; for external_select it types option, sends block_suggestion
// and picks the returned option with that text. A section whose text is label
// with a select accessory works too and, like dispatch_action inputs, sends
// block_actions.
func (u User) Select(ctx context.Context, view View, label, option string) error {
	s := u.s
	s.mu.Lock()
	v, err := s.openViewLocked(u, view)
	if err != nil {
		s.mu.Unlock()
		return err
	}
	blockID, block, el, ok := findInput(v, label)
	if !ok {
		blockID, block, el, ok = findAccessory(v, label)
	}
	if !ok {
		s.mu.Unlock()
		return fmt.Errorf("select %q in view %s: %w", label, view.ID, ErrNotFound)
	}
	s.mu.Unlock()
	key, val, err := u.choose(ctx, v, blockID, el, option)
	if err != nil {
		return fmt.Errorf("select %q in %q: %w", option, label, err)
	}
	s.mu.Lock()
	s.setValueLocked(v, blockID, el, key, val)
	dispatch, _ := block["dispatch_action"].(bool)
	if block["type"] != "input" || dispatch {
		p := s.viewPayloadLocked(u, v, "block_actions")
		p["container"] = map[string]any{"type": "view", "view_id": v.id}
		p["trigger_id"] = s.issueTriggerLocked(u.ID)
		action := map[string]any{"type": el["type"], "block_id": blockID, "action_id": el["action_id"], key: val, "action_ts": fmt.Sprintf("%d.000000", s.now().Unix())}
		p["actions"] = []any{action}
		s.mu.Unlock()
		_, err := s.roundTrip(ctx, "interactive", p)
		return err
	}
	s.mu.Unlock()
	return nil
}

// findAccessory finds a section with a select accessory by its text.
func findAccessory(v *viewRec, label string) (string, map[string]any, map[string]any, bool) {
	blocks, _ := v.raw["blocks"].([]any)
	for _, b := range blocks {
		bm, _ := b.(map[string]any)
		acc, _ := bm["accessory"].(map[string]any)
		if bm["type"] == "section" && acc != nil && textOf(bm["text"]) == label {
			id, _ := bm["block_id"].(string)
			return id, bm, acc, true
		}
	}
	return "", nil, nil, false
}

// Patterns a person's date and time picks must follow.
var (
	pickDate = regexp.MustCompile(`^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$`)
	pickTime = regexp.MustCompile(`^([01]\d|2[0-3]):[0-5]\d$`)
)

// choose turns the person's pick into a state key and value.
func (u User) choose(ctx context.Context, v *viewRec, blockID string, el map[string]any, option string) (string, any, error) {
	typ, _ := el["type"].(string)
	switch typ {
	case "static_select", "radio_buttons":
		o, err := pickOption(el, option)
		return "selected_option", o, err
	case "checkboxes", "multi_static_select":
		if v == nil {
			return "", nil, fmt.Errorf("%s is only supported in views", typ)
		}
		return u.toggle(v, blockID, el, option)
	case "users_select":
		id, err := u.findUser(option)
		return "selected_user", id, err
	case "multi_users_select":
		return u.toggleUser(v, blockID, el, option)
	case "conversations_select", "channels_select":
		id, err := u.findChannel(option)
		return stateKey[typ][0], id, err
	case "datepicker":
		if !pickDate.MatchString(option) {
			return "", nil, fmt.Errorf("date %q is not YYYY-MM-DD", option)
		}
		return "selected_date", option, nil
	case "timepicker":
		if !pickTime.MatchString(option) {
			return "", nil, fmt.Errorf("time %q is not HH:mm", option)
		}
		return "selected_time", option, nil
	case "external_select":
		if v == nil {
			return "", nil, fmt.Errorf("%s is only supported in views", typ)
		}
		o, err := u.suggest(ctx, v, blockID, el, option)
		return "selected_option", o, err
	}
	return "", nil, fmt.Errorf("element type %s cannot be selected", typ)
}

// allOptions lists an element's options, including grouped ones.
func allOptions(el map[string]any) []map[string]any {
	var out []map[string]any
	add := func(x any) {
		arr, _ := x.([]any)
		for _, o := range arr {
			if om, ok := o.(map[string]any); ok {
				out = append(out, om)
			}
		}
	}
	add(el["options"])
	groups, _ := el["option_groups"].([]any)
	for _, g := range groups {
		gm, _ := g.(map[string]any)
		add(gm["options"])
	}
	return out
}

// pickOption finds an option by its visible text.
func pickOption(el map[string]any, text string) (map[string]any, error) {
	for _, o := range allOptions(el) {
		if textOf(o["text"]) == text {
			return o, nil
		}
	}
	return nil, fmt.Errorf("option %q: %w", text, ErrNotFound)
}

// toggle flips one option of a checkbox group or multi-select.
func (u User) toggle(v *viewRec, blockID string, el map[string]any, option string) (string, any, error) {
	o, err := pickOption(el, option)
	if err != nil {
		return "", nil, err
	}
	u.s.mu.Lock()
	defer u.s.mu.Unlock()
	actionID, _ := el["action_id"].(string)
	cur, ok := v.values[blockID][actionID]
	if !ok {
		cur = initialState(el)
	}
	prev, _ := cur["selected_options"].([]any)
	var next []any
	removed := false
	for _, p := range prev {
		if pm, _ := p.(map[string]any); pm != nil && pm["value"] == o["value"] {
			removed = true
			continue
		}
		next = append(next, p)
	}
	if !removed {
		next = append(next, o)
	}
	if next == nil {
		next = []any{}
	}
	return "selected_options", next, nil
}

// toggleUser adds or removes a person in a multi_users_select.
func (u User) toggleUser(v *viewRec, blockID string, el map[string]any, ref string) (string, any, error) {
	if v == nil {
		return "", nil, fmt.Errorf("multi_users_select is only supported in views")
	}
	id, err := u.findUser(ref)
	if err != nil {
		return "", nil, err
	}
	u.s.mu.Lock()
	defer u.s.mu.Unlock()
	actionID, _ := el["action_id"].(string)
	cur, ok := v.values[blockID][actionID]
	if !ok {
		cur = initialState(el)
	}
	prev, _ := cur["selected_users"].([]any)
	next := []any{}
	removed := false
	for _, p := range prev {
		if p == id {
			removed = true
			continue
		}
		next = append(next, p)
	}
	if !removed {
		next = append(next, id)
	}
	return "selected_users", next, nil
}

// findChannel resolves a channel by name (with or without #) or id.
func (u User) findChannel(ref string) (string, error) {
	u.s.mu.Lock()
	defer u.s.mu.Unlock()
	if c := u.s.lookupChannelLocked(ref); c != nil && !c.im {
		return c.id, nil
	}
	return "", fmt.Errorf("channel %q: %w", ref, ErrNotFound)
}

// findUser resolves a person by name or id.
func (u User) findUser(ref string) (string, error) {
	u.s.mu.Lock()
	defer u.s.mu.Unlock()
	for _, id := range u.s.st.userOrder {
		if r := u.s.st.users[id]; r.id == ref || r.name == ref {
			return r.id, nil
		}
	}
	return "", fmt.Errorf("user %q: %w", ref, ErrNotFound)
}

// suggest runs a block_suggestion round trip for an external_select.
func (u User) suggest(ctx context.Context, v *viewRec, blockID string, el map[string]any, typed string) (map[string]any, error) {
	min := 3
	if m, ok := el["min_query_length"].(float64); ok {
		min = int(m)
	}
	if len([]rune(typed)) < min {
		return nil, fmt.Errorf("typed %q is shorter than min_query_length %d", typed, min)
	}
	s := u.s
	s.mu.Lock()
	p := s.viewPayloadLocked(u, v, "block_suggestion")
	p["block_id"], p["action_id"], p["value"] = blockID, el["action_id"], typed
	p["container"] = map[string]any{"type": "view", "view_id": v.id}
	s.mu.Unlock()
	ack, err := s.roundTrip(ctx, "interactive", p)
	if err != nil {
		return nil, err
	}
	b := ack.body()
	var holder map[string]any
	_ = json.Unmarshal(mustJSON(map[string]any{"options": json.RawMessage(orEmpty(b.Options)), "option_groups": json.RawMessage(orEmpty(b.OptionGroups))}), &holder)
	opts := allOptions(holder)
	for _, o := range opts {
		if textOf(o["text"]) == typed {
			return o, nil
		}
	}
	for _, o := range opts {
		if strings.Contains(strings.ToLower(textOf(o["text"])), strings.ToLower(typed)) {
			return o, nil
		}
	}
	return nil, fmt.Errorf("no suggested option for %q among %d: %w", typed, len(opts), ErrNotFound)
}

// messageSelectable lists element types SelectInMessage can operate.
var messageSelectable = setOf("static_select", "overflow", "users_select", "radio_buttons", "datepicker", "timepicker")

// SelectInMessage picks option in a select menu of a message, found by its
// placeholder text (use "" for an overflow menu, found by the option text),
// and sends block_actions as Slack does. Supported: static_select, overflow,
// users_select, radio_buttons, datepicker, timepicker.
func (u User) SelectInMessage(ctx context.Context, msg Message, placeholder, option string) (*Ack, error) {
	s := u.s
	s.mu.Lock()
	cur, err := s.currentMessageLocked(msg)
	if err != nil {
		s.mu.Unlock()
		return nil, err
	}
	blockID, el, ok := findMenu(decodeBlocks(cur.Blocks), placeholder, option)
	if !ok {
		s.mu.Unlock()
		return nil, fmt.Errorf("menu %q with %q on message %s: %w", placeholder, option, msg.TS, ErrNotFound)
	}
	payload := s.messageActionPayloadLocked(u, cur, "block_actions")
	s.mu.Unlock()
	key, val, err := u.choose(ctx, nil, blockID, el, option)
	if el["type"] == "overflow" {
		var o map[string]any
		o, err = pickOption(el, option)
		key, val = "selected_option", o
	}
	if err != nil {
		return nil, fmt.Errorf("select %q in %q: %w", option, placeholder, err)
	}
	action := map[string]any{"type": el["type"], "block_id": blockID, "action_id": el["action_id"], key: val,
		"action_ts": fmt.Sprintf("%d.000000", s.now().Unix())}
	payload["actions"] = []any{action}
	payload["state"] = map[string]any{"values": map[string]any{blockID: map[string]any{fmt.Sprint(el["action_id"]): map[string]any{"type": el["type"], key: val}}}}
	return s.roundTrip(ctx, "interactive", payload)
}

// findMenu finds a select menu by placeholder, or an overflow menu holding option.
func findMenu(blocks []any, placeholder, option string) (string, map[string]any, bool) {
	for _, b := range blocks {
		bm, _ := b.(map[string]any)
		blockID, _ := bm["block_id"].(string)
		for _, el := range blockElements(bm) {
			typ, _ := el["type"].(string)
			if !messageSelectable[typ] {
				continue
			}
			if typ == "overflow" && placeholder == "" {
				if _, err := pickOption(el, option); err == nil {
					return blockID, el, true
				}
				continue
			}
			if textOf(el["placeholder"]) == placeholder {
				return blockID, el, true
			}
		}
	}
	return "", nil, false
}
