package slacktest

// A user's buttons, submissions and closes in an open view, and how the
// fake applies the app's acknowledgement (errors, update, push, clear).

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// ClickViewButton clicks a button by its text in the top modal, or in the Home tab when no modal is open.
func (u User) ClickViewButton(ctx context.Context, text string) (*Ack, error) {
	s := u.s
	s.mu.Lock()
	v := s.topViewLocked(u.ID)
	if v == nil {
		if id, ok := s.st.homes[u.ID]; ok {
			v = s.st.views[id]
		}
	}
	if v == nil {
		s.mu.Unlock()
		return nil, fmt.Errorf("click %q: no open view: %w", text, ErrNotFound)
	}
	blockID, el, ok := findButton(v.raw["blocks"].([]any), text)
	if !ok {
		s.mu.Unlock()
		return nil, fmt.Errorf("button %q in view %s: %w", text, v.id, ErrNotFound)
	}
	p := s.viewPayloadLocked(u, v, "block_actions")
	p["container"] = map[string]any{"type": "view", "view_id": v.id}
	p["trigger_id"] = s.issueTriggerLocked(u.ID)
	p["actions"] = []any{buttonAction(blockID, el, s.now())}
	s.mu.Unlock()
	return s.roundTrip(ctx, "interactive", p)
}

// SubmitView presses the submit button of the top modal, sends view_submission
// and applies the ack's response_action to the view stack as Slack does.
// Required inputs left empty stop the submission, as in the Slack client.
func (u User) SubmitView(ctx context.Context) (*Ack, error) {
	s := u.s
	s.mu.Lock()
	v := s.topViewLocked(u.ID)
	if v == nil {
		s.mu.Unlock()
		return nil, fmt.Errorf("submit: no modal open for %s: %w", u.Name, ErrNotFound)
	}
	if v.raw["submit"] == nil {
		s.mu.Unlock()
		return nil, fmt.Errorf("submit: view %s has no submit button", v.id)
	}
	if missing := s.missingRequiredLocked(v); len(missing) > 0 {
		s.mu.Unlock()
		return nil, fmt.Errorf("submit: required fields are empty: %s", strings.Join(missing, ", "))
	}
	p := s.viewPayloadLocked(u, v, "view_submission")
	p["trigger_id"] = s.issueTriggerLocked(u.ID)
	p["response_urls"] = []any{}
	s.mu.Unlock()
	ack, err := s.roundTrip(ctx, "interactive", p)
	if err != nil {
		return nil, err
	}
	s.applySubmissionAck(u, v, ack)
	return ack, nil
}

// missingRequiredLocked lists the labels of empty required inputs; callers hold s.mu.
func (s *Server) missingRequiredLocked(v *viewRec) []string {
	values := s.stateValues(v)
	var missing []string
	blocks, _ := v.raw["blocks"].([]any)
	for _, b := range blocks {
		bm, _ := b.(map[string]any)
		if bm["type"] != "input" || bm["optional"] == true {
			continue
		}
		id, _ := bm["block_id"].(string)
		entries, _ := values[id].(map[string]any)
		ok := false
		for _, e := range entries {
			if em, _ := e.(map[string]any); em != nil && filled(em) {
				ok = true
			}
		}
		if !ok {
			missing = append(missing, textOf(bm["label"]))
		}
	}
	return missing
}

// applySubmissionAck changes the view stack according to response_action
// and records what Slack would show as a generic error.
func (s *Server) applySubmissionAck(u User, v *viewRec, ack *Ack) {
	s.mu.Lock()
	detail := s.applyResponseActionLocked(u.ID, v, ack.body())
	s.notifyLocked()
	s.mu.Unlock()
	if detail != "" {
		s.recordFailure(Failure{Kind: "generic_error", EnvelopeID: ack.EnvelopeID, Type: "view_submission", Detail: detail})
	}
}

// applyResponseActionLocked applies one response_action and returns why it
// failed, or ""; callers hold s.mu.
func (s *Server) applyResponseActionLocked(user string, v *viewRec, b ackBody) string {
	switch b.ResponseAction {
	case "":
		s.popLocked(user, v.id)
	case "clear":
		s.st.stacks[user] = nil
	case "errors":
		if bad := badErrorKeys(v, b.Errors); len(bad) > 0 {
			return "errors keyed by non-input block_ids: " + strings.Join(bad, ", ")
		}
		v.errors = b.Errors
		v.errorsShown++
	case "update", "push":
		m, errs := s.ackView(b.View)
		switch {
		case len(errs) > 0:
			return "invalid view in response_action " + b.ResponseAction + ": " + strings.Join(errs, "; ")
		case b.ResponseAction == "update":
			s.replaceLocked(v, m)
		case len(s.st.stacks[user]) >= 3:
			return "push_limit_reached"
		default:
			s.pushLocked(user, m)
		}
	default:
		return "unknown response_action " + b.ResponseAction
	}
	return ""
}

// ackView decodes and validates a view sent in an ack; callers hold s.mu.
func (s *Server) ackView(raw json.RawMessage) (map[string]any, []string) {
	if len(raw) > MaxViewBytes {
		return nil, []string{"view_too_large"}
	}
	m, err := toObject(raw)
	if err != nil {
		return nil, []string{err.Error()}
	}
	if errs := ValidateView(m); len(errs) > 0 {
		return nil, errs
	}
	if m["type"] != "modal" {
		return nil, []string{"must be modal [json-pointer:/view/type]"}
	}
	blocks, _ := m["blocks"].([]any)
	s.fillIDs(blocks)
	return m, nil
}

// badErrorKeys returns the keys of a response_action errors map that are not input block_ids.
func badErrorKeys(v *viewRec, errs map[string]string) []string {
	inputs := map[string]bool{}
	blocks, _ := v.raw["blocks"].([]any)
	for _, b := range blocks {
		if bm, _ := b.(map[string]any); bm != nil && bm["type"] == "input" {
			id, _ := bm["block_id"].(string)
			inputs[id] = true
		}
	}
	var bad []string
	for k := range errs {
		if !inputs[k] {
			bad = append(bad, k)
		}
	}
	if len(errs) == 0 {
		bad = append(bad, "(empty errors map)")
	}
	sort.Strings(bad)
	return bad
}

// popLocked closes the given view if it is on top of the stack; callers hold s.mu.
func (s *Server) popLocked(user, viewID string) {
	st := s.st.stacks[user]
	if len(st) > 0 && st[len(st)-1] == viewID {
		s.st.stacks[user] = st[:len(st)-1]
	}
}

// CloseView presses the close button of the top modal; the app gets
// view_closed when the view asked for notify_on_close.
func (u User) CloseView(ctx context.Context) error {
	s := u.s
	s.mu.Lock()
	v := s.topViewLocked(u.ID)
	if v == nil {
		s.mu.Unlock()
		return fmt.Errorf("close: no modal open for %s: %w", u.Name, ErrNotFound)
	}
	s.popLocked(u.ID, v.id)
	s.notifyLocked()
	notify, _ := v.raw["notify_on_close"].(bool)
	p := s.viewPayloadLocked(u, v, "view_closed")
	p["is_cleared"] = false
	s.mu.Unlock()
	if !notify {
		return nil
	}
	_, err := s.roundTrip(ctx, "interactive", p)
	return err
}
