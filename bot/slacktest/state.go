package slacktest

import "strings"

// stateValues builds a view's state.values as Slack sends it: every stateful
// element of input, actions and section blocks, with what the person entered or the
// element's initial value (section accessories included); callers hold s.mu.
func (s *Server) stateValues(v *viewRec) map[string]any { return v.stateValues() }

// stateValues is Server.stateValues; callers hold the server's lock.
func (v *viewRec) stateValues() map[string]any {
	out := map[string]any{}
	blocks, _ := v.raw["blocks"].([]any)
	for _, b := range blocks {
		bm, ok := b.(map[string]any)
		if !ok || (bm["type"] != "input" && bm["type"] != "actions" && bm["type"] != "section") {
			continue
		}
		blockID, _ := bm["block_id"].(string)
		entries := map[string]any{}
		for _, el := range blockElements(bm) {
			actionID, _ := el["action_id"].(string)
			if set, ok := v.values[blockID][actionID]; ok {
				entries[actionID] = set
			} else if st := initialState(el); st != nil {
				entries[actionID] = st
			}
		}
		if len(entries) > 0 {
			out[blockID] = entries
		}
	}
	return out
}

// stateKey names the state field of each stateful element type and its initial-value field.
var stateKey = map[string][2]string{
	"plain_text_input":           {"value", "initial_value"},
	"email_text_input":           {"value", "initial_value"},
	"url_text_input":             {"value", "initial_value"},
	"number_input":               {"value", "initial_value"},
	"static_select":              {"selected_option", "initial_option"},
	"external_select":            {"selected_option", "initial_option"},
	"radio_buttons":              {"selected_option", "initial_option"},
	"multi_static_select":        {"selected_options", "initial_options"},
	"multi_external_select":      {"selected_options", "initial_options"},
	"checkboxes":                 {"selected_options", "initial_options"},
	"users_select":               {"selected_user", "initial_user"},
	"multi_users_select":         {"selected_users", "initial_users"},
	"conversations_select":       {"selected_conversation", "initial_conversation"},
	"multi_conversations_select": {"selected_conversations", "initial_conversations"},
	"channels_select":            {"selected_channel", "initial_channel"},
	"multi_channels_select":      {"selected_channels", "initial_channels"},
	"datepicker":                 {"selected_date", "initial_date"},
	"timepicker":                 {"selected_time", "initial_time"},
}

// initialState is an element's state before the person touched it, or nil
// for elements without state (buttons, overflow menus).
func initialState(el map[string]any) map[string]any {
	typ, _ := el["type"].(string)
	keys, ok := stateKey[typ]
	if !ok {
		return nil
	}
	st := map[string]any{"type": typ, keys[0]: el[keys[1]]}
	if el[keys[1]] == nil && strings.HasSuffix(keys[0], "s") {
		st[keys[0]] = []any{}
	}
	return st
}

// filled reports whether a state entry holds a value, for required inputs.
func filled(st map[string]any) bool {
	for k, x := range st {
		if k == "type" {
			continue
		}
		switch v := x.(type) {
		case nil:
		case string:
			if v != "" {
				return true
			}
		case []any:
			if len(v) > 0 {
				return true
			}
		default:
			return true
		}
	}
	return false
}
