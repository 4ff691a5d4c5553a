package slacktest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// User is a workspace member driven by a test: it acts as a person would.
type User struct {
	ID   string
	Name string
	s    *Server
}

// ErrNotFound is returned when a person cannot find what a test asked for.
var ErrNotFound = errors.New("slacktest: not found")

// userJSON is the user object inside interaction payloads.
func (u User) userJSON() map[string]any {
	return map[string]any{"id": u.ID, "username": u.Name, "name": u.Name, "team_id": TeamID}
}

// teamJSON is the team object inside interaction payloads.
func teamJSON() map[string]any { return map[string]any{"id": TeamID, "domain": TeamDomain} }

// Post writes a message as this person (no event is sent to the app).
func (u User) Post(channelID, text string) (Message, error) {
	s := u.s
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.lookupChannelLocked(channelID)
	if c == nil || !c.members[u.ID] {
		return Message{}, fmt.Errorf("post as %s in %s: %w (not a member)", u.Name, channelID, ErrNotFound)
	}
	m := &Message{Channel: c.id, TS: s.nextTS(), User: u.ID, Text: text, Source: "user"}
	c.msgs = append(c.msgs, m)
	s.notifyLocked()
	return *m, nil
}

// SlashCommand runs a command such as "/rca" with text in a channel and returns the ack.
// A message in the ack is shown to the person (or the channel for in_channel).
func (u User) SlashCommand(ctx context.Context, channelID, command, text string) (*Ack, error) {
	s := u.s
	s.mu.Lock()
	c := s.lookupChannelLocked(channelID)
	if c == nil || !c.members[u.ID] || c.archived {
		s.mu.Unlock()
		return nil, fmt.Errorf("slash command in %s: %w (no such open channel with %s in it)", channelID, ErrNotFound, u.Name)
	}
	payload := map[string]any{
		"token": "fake-verification-token", "team_id": TeamID, "team_domain": TeamDomain,
		"channel_id": c.id, "channel_name": c.name, "user_id": u.ID, "user_name": u.Name,
		"command": command, "text": text, "api_app_id": AppID, "is_enterprise_install": "false",
		"response_url": s.issueResponseURLLocked(u.ID, c.id, nil), "trigger_id": s.issueTriggerLocked(u.ID),
	}
	s.mu.Unlock()
	ack, err := s.roundTrip(ctx, "slash_commands", payload)
	if err != nil {
		return nil, err
	}
	s.showAckMessage(u, c.id, ack)
	return ack, nil
}

// showAckMessage displays a slash command's ack message, if any.
func (s *Server) showAckMessage(u User, channel string, ack *Ack) {
	b := ack.body()
	if b.Text == "" && len(b.Blocks) == 0 {
		return
	}
	if errs := ValidateBlocks(SurfaceMessage, orEmpty(b.Blocks)); len(errs) > 0 {
		s.recordFailure(Failure{Kind: "generic_error", EnvelopeID: ack.EnvelopeID, Type: "slash_commands", Detail: strings.Join(errs, "; ")})
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.postReplyLocked(u.ID, channel, b.Text, b.Blocks, b.ResponseType == "in_channel", "", "slash_command_ack")
}

// Ephemerals returns the ephemeral messages shown to this person.
func (u User) Ephemerals() []Message {
	s := u.s
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Message
	for _, m := range s.st.ephemerals {
		if m.Recipient == u.ID {
			out = append(out, m)
		}
	}
	return out
}

// DMs returns the messages in this person's direct conversation with the app.
func (u User) DMs() []Message {
	s := u.s
	s.mu.Lock()
	rec := s.st.users[u.ID]
	dm := rec.dm
	s.mu.Unlock()
	if dm == "" {
		return nil
	}
	return s.Messages(dm)
}

// WaitForEphemeral waits for an ephemeral message to this person that matches.
func (u User) WaitForEphemeral(ctx context.Context, match func(Message) bool) (Message, error) {
	var found Message
	err := u.s.waitFor(ctx, func() bool {
		for i := len(u.s.st.ephemerals) - 1; i >= 0; i-- {
			if m := u.s.st.ephemerals[i]; m.Recipient == u.ID && match(m) {
				found = m
				return true
			}
		}
		return false
	})
	return found, err
}

// ClickButton clicks the button with this visible text on a message (or an
// ephemeral message), as the message currently looks, and returns the ack.
func (u User) ClickButton(ctx context.Context, msg Message, text string) (*Ack, error) {
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
	payload := s.messageActionPayloadLocked(u, cur, "block_actions")
	payload["actions"] = []any{buttonAction(blockID, el, s.now())}
	payload["state"] = map[string]any{"values": map[string]any{}}
	s.mu.Unlock()
	return s.roundTrip(ctx, "interactive", payload)
}

// currentMessageLocked returns the latest version of a message; callers hold s.mu.
func (s *Server) currentMessageLocked(msg Message) (Message, error) {
	if msg.Ephemeral {
		for _, m := range s.st.ephemerals {
			if m.TS == msg.TS {
				return m, nil
			}
		}
		return Message{}, fmt.Errorf("ephemeral message %s: %w", msg.TS, ErrNotFound)
	}
	c := s.lookupChannelLocked(msg.Channel)
	if c == nil || c.find(msg.TS) == nil {
		return Message{}, fmt.Errorf("message %s in %s: %w", msg.TS, msg.Channel, ErrNotFound)
	}
	return *c.find(msg.TS), nil
}

// messageActionPayloadLocked builds the common part of a payload about a message.
func (s *Server) messageActionPayloadLocked(u User, m Message, typ string) map[string]any {
	c := s.st.channels[m.Channel]
	container := map[string]any{"type": "message", "message_ts": m.TS, "channel_id": m.Channel, "is_ephemeral": m.Ephemeral}
	if m.ThreadTS != "" {
		container["thread_ts"] = m.ThreadTS
	}
	p := map[string]any{
		"type": typ, "team": teamJSON(), "user": u.userJSON(), "api_app_id": AppID,
		"token": "fake-verification-token", "container": container,
		"trigger_id": s.issueTriggerLocked(u.ID), "channel": map[string]any{"id": m.Channel, "name": c.name},
		"response_url": s.issueResponseURLLocked(u.ID, m.Channel, &m), "is_enterprise_install": false,
	}
	if !m.Ephemeral {
		p["message"] = messageJSON(&m)
	}
	return p
}

// findButton finds a button by its visible text in blocks.
func findButton(blocks []any, text string) (string, map[string]any, bool) {
	for _, b := range blocks {
		bm, _ := b.(map[string]any)
		blockID, _ := bm["block_id"].(string)
		for _, el := range blockElements(bm) {
			if el["type"] == "button" && textOf(el["text"]) == text {
				return blockID, el, true
			}
		}
	}
	return "", nil, false
}

// buttonAction is the actions[] entry of a button click.
func buttonAction(blockID string, el map[string]any, now time.Time) map[string]any {
	a := map[string]any{
		"type": "button", "block_id": blockID, "action_id": el["action_id"], "text": el["text"],
		"action_ts": fmt.Sprintf("%d.%06d", now.Unix(), now.Nanosecond()/1000),
	}
	for _, k := range []string{"value", "style"} {
		if v, ok := el[k]; ok {
			a[k] = v
		}
	}
	return a
}

// MessageShortcut runs a message shortcut (callback_id) on a message.
func (u User) MessageShortcut(ctx context.Context, msg Message, callbackID string) (*Ack, error) {
	s := u.s
	s.mu.Lock()
	cur, err := s.currentMessageLocked(msg)
	if err != nil || cur.Ephemeral {
		s.mu.Unlock()
		return nil, fmt.Errorf("message shortcut on %s: %w", msg.TS, ErrNotFound)
	}
	p := s.messageActionPayloadLocked(u, cur, "message_action")
	delete(p, "container")
	p["callback_id"], p["message_ts"] = callbackID, cur.TS
	p["action_ts"] = fmt.Sprintf("%d.000000", s.now().Unix())
	s.mu.Unlock()
	return s.roundTrip(ctx, "interactive", p)
}

// CurrentView returns the modal on top of this person's view stack.
func (u User) CurrentView() (View, bool) {
	s := u.s
	s.mu.Lock()
	defer s.mu.Unlock()
	v := s.topViewLocked(u.ID)
	if v == nil {
		return View{}, false
	}
	return v.snapshot(), true
}

// ViewStack returns this person's open modals, bottom first.
func (u User) ViewStack() []View {
	s := u.s
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []View
	for _, id := range s.st.stacks[u.ID] {
		out = append(out, s.st.views[id].snapshot())
	}
	return out
}

// topViewLocked returns the top modal of a user's stack; callers hold s.mu.
func (s *Server) topViewLocked(user string) *viewRec {
	st := s.st.stacks[user]
	if len(st) == 0 {
		return nil
	}
	return s.st.views[st[len(st)-1]]
}

// WaitForView waits until a modal is open for this person and returns the top one.
func (u User) WaitForView(ctx context.Context) (View, error) {
	return u.WaitForViewWhere(ctx, func(View) bool { return true })
}

// WaitForViewWhere waits until the top modal satisfies match.
func (u User) WaitForViewWhere(ctx context.Context, match func(View) bool) (View, error) {
	var found View
	var seen *viewRec // the view match saw last, as it was then
	var seenHash string
	var seenErrors int
	err := u.s.waitFor(ctx, func() bool {
		v := u.s.topViewLocked(u.ID)
		if v == nil || (v == seen && v.hash == seenHash && v.errorsShown == seenErrors) {
			return false // nothing new for match to look at
		}
		seen, seenHash, seenErrors = v, v.hash, v.errorsShown
		found = v.snapshot()
		return match(found)
	})
	if err != nil {
		return View{}, fmt.Errorf("wait for view of %s: %w", u.Name, err)
	}
	return found, nil
}

// Home returns this person's published Home tab.
func (u User) Home() (View, bool) {
	s := u.s
	s.mu.Lock()
	defer s.mu.Unlock()
	id, ok := s.st.homes[u.ID]
	if !ok {
		return View{}, false
	}
	return s.st.views[id].snapshot(), true
}

// OpenHome opens the App Home tab: sends app_home_opened and waits for the
// app to publish (or republish) the Home view.
func (u User) OpenHome(ctx context.Context) (View, error) {
	s := u.s
	s.mu.Lock()
	dm := s.dmLocked(s.st.users[u.ID]).id
	before := ""
	event := map[string]any{"type": "app_home_opened", "user": u.ID, "channel": dm, "tab": "home", "event_ts": s.nextTS()}
	if id, ok := s.st.homes[u.ID]; ok {
		before = s.st.views[id].hash
		event["view"] = s.viewJSON(s.st.views[id])
	}
	s.mu.Unlock()
	if _, err := s.SendEvent(ctx, event); err != nil {
		return View{}, fmt.Errorf("open home of %s: %w", u.Name, err)
	}
	var home View
	err := s.waitFor(ctx, func() bool {
		id, ok := s.st.homes[u.ID]
		if ok && s.st.views[id].hash != before {
			home = s.st.views[id].snapshot()
			return true
		}
		return false
	})
	if err != nil {
		return View{}, fmt.Errorf("open home of %s: %w", u.Name, err)
	}
	return home, nil
}

// openViewLocked returns the open view matching a snapshot (top modal or Home); callers hold s.mu.
func (s *Server) openViewLocked(u User, view View) (*viewRec, error) {
	if top := s.topViewLocked(u.ID); top != nil && top.id == view.ID {
		return top, nil
	}
	if id, ok := s.st.homes[u.ID]; ok && id == view.ID {
		return s.st.views[id], nil
	}
	return nil, fmt.Errorf("view %s is not open for %s: %w", view.ID, u.Name, ErrNotFound)
}

// findInput finds an input block by its label text.
func findInput(v *viewRec, label string) (string, map[string]any, map[string]any, bool) {
	blocks, _ := v.raw["blocks"].([]any)
	for _, b := range blocks {
		bm, _ := b.(map[string]any)
		if bm["type"] == "input" && textOf(bm["label"]) == label {
			el, _ := bm["element"].(map[string]any)
			id, _ := bm["block_id"].(string)
			return id, bm, el, true
		}
	}
	return "", nil, nil, false
}

// setValueLocked stores a person's entry for an element; callers hold s.mu.
func (s *Server) setValueLocked(v *viewRec, blockID string, el map[string]any, key string, val any) {
	actionID, _ := el["action_id"].(string)
	if v.values[blockID] == nil {
		v.values[blockID] = map[string]map[string]any{}
	}
	v.values[blockID][actionID] = map[string]any{"type": el["type"], key: val}
	s.notifyLocked()
}

// FillInput types value into the text input labelled label in an open view.
func (u User) FillInput(view View, label, value string) error {
	s := u.s
	s.mu.Lock()
	defer s.mu.Unlock()
	v, err := s.openViewLocked(u, view)
	if err != nil {
		return err
	}
	blockID, _, el, ok := findInput(v, label)
	if !ok {
		return fmt.Errorf("input %q in view %s: %w", label, view.ID, ErrNotFound)
	}
	switch el["type"] {
	case "plain_text_input", "email_text_input", "url_text_input", "number_input":
	default:
		return fmt.Errorf("input %q is a %v, not a text input", label, el["type"])
	}
	if max, ok := el["max_length"].(float64); ok && float64(utf8.RuneCountInString(value)) > max {
		return fmt.Errorf("input %q: %d characters exceed max_length %v", label, utf8.RuneCountInString(value), max)
	}
	s.setValueLocked(v, blockID, el, "value", value)
	return nil
}

// NewTriggerID returns a trigger_id as if this person had just interacted,
// for tests that call views.open or views.push directly.
func (u User) NewTriggerID() string {
	u.s.mu.Lock()
	defer u.s.mu.Unlock()
	return u.s.issueTriggerLocked(u.ID)
}
