package slacktest

import (
	"context"
	"fmt"
)

// ForgeButton clicks the button with this visible text on a message but
// sends value instead of the button's own value, as a tampered client could.
// Tests use it to prove the app re-checks every id it receives.
func (u User) ForgeButton(ctx context.Context, msg Message, text, value string) (*Ack, error) {
	s := u.s
	s.mu.Lock()
	cur, err := s.currentMessageLocked(msg)
	if err != nil {
		s.mu.Unlock()
		return nil, err
	}
	blockID, el, ok := findButton(decodeBlocks(cur.Blocks), text)
	if !ok {
		s.mu.Unlock()
		return nil, fmt.Errorf("button %q on message %s: %w", text, msg.TS, ErrNotFound)
	}
	forged := map[string]any{}
	for k, v := range el {
		forged[k] = v
	}
	forged["value"] = value
	payload := s.messageActionPayloadLocked(u, cur, "block_actions")
	payload["actions"] = []any{buttonAction(blockID, forged, s.now())}
	payload["state"] = map[string]any{"values": map[string]any{}}
	s.mu.Unlock()
	return s.roundTrip(ctx, "interactive", payload)
}

// ForgeSubmitView submits the top modal with its private_metadata replaced
// by metadata, as a tampered client could.
func (u User) ForgeSubmitView(ctx context.Context, metadata string) (*Ack, error) {
	s := u.s
	s.mu.Lock()
	v := s.topViewLocked(u.ID)
	if v == nil {
		s.mu.Unlock()
		return nil, fmt.Errorf("submit: no modal open for %s: %w", u.Name, ErrNotFound)
	}
	p := s.viewPayloadLocked(u, v, "view_submission")
	view, _ := p["view"].(map[string]any)
	if view == nil {
		s.mu.Unlock()
		return nil, fmt.Errorf("submit: view %s has no payload", v.id)
	}
	forged := map[string]any{}
	for k, val := range view {
		forged[k] = val
	}
	forged["private_metadata"] = metadata
	p["view"] = forged
	p["trigger_id"] = s.issueTriggerLocked(u.ID)
	p["response_urls"] = []any{}
	s.mu.Unlock()
	return s.roundTrip(ctx, "interactive", p)
}
