package slacktest

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Message is a message as a person would see it.
type Message struct {
	Channel   string          // channel id
	TS        string          // message timestamp (message_ts for ephemerals)
	ThreadTS  string          // parent ts for thread replies, "" otherwise
	User      string          // author user id (BotUserID for the app)
	Text      string          // fallback text
	Blocks    json.RawMessage // blocks as stored by Slack (block_ids filled in)
	Ephemeral bool            // only Recipient sees it
	Recipient string          // user id an ephemeral message is for
	Edited    bool            // changed by chat.update
	Files     []string        // ids of files shared with the message
	Source    string          // API method or surface that produced it
}

// PlainText is the message's text followed by the rendered text of its blocks.
func (m Message) PlainText() string {
	return strings.TrimSpace(m.Text + "\n" + PlainText(m.Blocks))
}

// IsReply reports whether the message is a thread reply.
func (m Message) IsReply() bool { return m.ThreadTS != "" && m.ThreadTS != m.TS }

// find returns the message with a timestamp, or nil.
func (c *channelRec) find(ts string) *Message {
	for _, m := range c.msgs {
		if m.TS == ts {
			return m
		}
	}
	return nil
}

// Messages returns every message in a channel (thread replies included) in order.
func (s *Server) Messages(channelID string) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.messagesLocked(channelID)
}

// messagesLocked copies a channel's messages; callers hold s.mu.
func (s *Server) messagesLocked(channelID string) []Message {
	c := s.lookupChannelLocked(channelID)
	if c == nil {
		return nil
	}
	out := make([]Message, 0, len(c.msgs))
	for _, m := range c.msgs {
		out = append(out, *m)
	}
	return out
}

// Thread returns the replies to a message, oldest first.
func (s *Server) Thread(channelID, ts string) []Message {
	var out []Message
	for _, m := range s.Messages(channelID) {
		if m.ThreadTS == ts && m.TS != ts {
			out = append(out, m)
		}
	}
	return out
}

// LastMessage returns the most recent message in a channel.
func (s *Server) LastMessage(channelID string) (Message, bool) {
	msgs := s.Messages(channelID)
	if len(msgs) == 0 {
		return Message{}, false
	}
	return msgs[len(msgs)-1], true
}

// Message returns the current version of one message.
func (s *Server) Message(channelID, ts string) (Message, bool) {
	for _, m := range s.Messages(channelID) {
		if m.TS == ts {
			return m, true
		}
	}
	return Message{}, false
}

// WaitForMessage waits until a message in the channel (or an ephemeral one
// shown in it) satisfies match, and returns the latest such message.
func (s *Server) WaitForMessage(ctx context.Context, channelID string, match func(Message) bool) (Message, error) {
	var found Message
	err := s.waitFor(ctx, func() bool {
		msgs := s.messagesLocked(channelID)
		for _, e := range s.st.ephemerals {
			if e.Channel == channelID {
				msgs = append(msgs, e)
			}
		}
		for i := len(msgs) - 1; i >= 0; i-- {
			if match(msgs[i]) {
				found = msgs[i]
				return true
			}
		}
		return false
	})
	if err != nil {
		return Message{}, fmt.Errorf("wait for message in %s: %w", channelID, err)
	}
	return found, nil
}

// parseMessageBlocks decodes, validates and normalises the blocks parameter.
func (s *Server) parseMessageBlocks(r *request) (json.RawMessage, *apiError) {
	raw := r.get("blocks")
	if raw == "" {
		return nil, nil
	}
	var arr []any
	if err := json.Unmarshal([]byte(raw), &arr); err != nil {
		return nil, fail("invalid_blocks_format")
	}
	if errs := ValidateBlocks(SurfaceMessage, arr); len(errs) > 0 {
		return nil, invalidBlocks(errs)
	}
	s.fillIDs(arr)
	return mustJSON(arr), nil
}

// invalidBlocks builds Slack's invalid_blocks error.
func invalidBlocks(errs []string) *apiError {
	return &apiError{code: "invalid_blocks", extra: map[string]any{
		"errors":            errs,
		"response_metadata": map[string]any{"messages": errorMessages(errs)},
	}}
}

// errorMessages prefixes errors as Slack does in response_metadata.messages.
func errorMessages(errs []string) []string {
	out := make([]string, len(errs))
	for i, e := range errs {
		out[i] = "[ERROR] " + e
	}
	return out
}

// fillIDs gives blocks and elements without ids the random-looking ids Slack assigns.
func (s *Server) fillIDs(blocks []any) {
	for _, b := range blocks {
		bm, ok := b.(map[string]any)
		if !ok {
			continue
		}
		if id, _ := bm["block_id"].(string); id == "" {
			bm["block_id"] = s.nextID("b")
		}
		for _, el := range blockElements(bm) {
			if interactive(el) {
				if id, _ := el["action_id"].(string); id == "" {
					el["action_id"] = s.nextID("a")
				}
			}
		}
	}
}

// blockElements returns the interactive elements of a block.
func blockElements(b map[string]any) []map[string]any {
	var out []map[string]any
	switch b["type"] {
	case "actions":
		arr, _ := b["elements"].([]any)
		for _, e := range arr {
			if em, ok := e.(map[string]any); ok {
				out = append(out, em)
			}
		}
	case "section":
		if em, ok := b["accessory"].(map[string]any); ok {
			out = append(out, em)
		}
	case "input":
		if em, ok := b["element"].(map[string]any); ok {
			out = append(out, em)
		}
	}
	return out
}

// interactive reports whether an element sends actions (everything but images).
func interactive(el map[string]any) bool { return el["type"] != "image" }

// messageText applies Slack's text rules: required unless blocks, truncated at 40,000.
func messageText(r *request, blocks json.RawMessage) (text string, warnings []string, e *apiError) {
	text = r.get("text")
	if text == "" && blocks == nil && r.get("attachments") == "" {
		return "", nil, fail("no_text")
	}
	if utf8.RuneCountInString(text) > MaxMessageTextLen {
		text = string([]rune(text)[:MaxMessageTextLen])
		warnings = append(warnings, "message_truncated")
	}
	return text, warnings, nil
}

// messageJSON renders a stored message as the Web API returns it.
func messageJSON(m *Message) map[string]any {
	out := map[string]any{
		"type": "message", "text": m.Text, "user": m.User, "ts": m.TS, "team": TeamID,
	}
	if m.User == BotUserID {
		out["bot_id"] = BotID
		out["app_id"] = AppID
	}
	if m.Blocks != nil {
		out["blocks"] = m.Blocks
	}
	if m.ThreadTS != "" {
		out["thread_ts"] = m.ThreadTS
	}
	if m.Edited {
		out["edited"] = map[string]any{"user": m.User, "ts": m.TS}
	}
	if len(m.Files) > 0 {
		files := make([]map[string]any, len(m.Files))
		for i, id := range m.Files {
			files[i] = map[string]any{"id": id}
		}
		out["files"] = files
	}
	return out
}

// withWarnings adds Slack's warning fields to a result.
func withWarnings(res result, warnings []string) result {
	if len(warnings) > 0 {
		res["warning"] = strings.Join(warnings, ",")
		res["response_metadata"] = map[string]any{"warnings": warnings}
	}
	return res
}

// chatPostMessage answers chat.postMessage.
func (s *Server) chatPostMessage(r *request) (result, *apiError) {
	c, e := s.memberChannel(r.get("channel"))
	if e != nil {
		return nil, e
	}
	blocks, e := s.parseMessageBlocks(r)
	if e != nil {
		return nil, e
	}
	text, warnings, e := messageText(r, blocks)
	if e != nil {
		return nil, e
	}
	thread := r.get("thread_ts")
	if thread != "" {
		parent := c.find(thread)
		if parent == nil {
			return nil, fail("thread_not_found")
		}
		if parent.ThreadTS != "" {
			thread = parent.ThreadTS
		}
	}
	m := &Message{Channel: c.id, TS: s.nextTS(), ThreadTS: thread, User: BotUserID, Text: text, Blocks: blocks, Source: "chat.postMessage"}
	c.msgs = append(c.msgs, m)
	return withWarnings(result{"channel": c.id, "ts": m.TS, "message": messageJSON(m)}, warnings), nil
}

// chatPostEphemeral answers chat.postEphemeral.
func (s *Server) chatPostEphemeral(r *request) (result, *apiError) {
	c, e := s.channelForBot(r.get("channel"))
	if e != nil {
		return nil, e
	}
	if c.archived {
		return nil, fail("is_archived")
	}
	uid := r.get("user")
	if _, ok := s.st.users[uid]; !ok {
		return nil, fail("user_not_found")
	}
	if !c.members[uid] {
		return nil, fail("user_not_in_channel")
	}
	blocks, e := s.parseMessageBlocks(r)
	if e != nil {
		return nil, e
	}
	text, warnings, e := messageText(r, blocks)
	if e != nil {
		return nil, e
	}
	m := Message{Channel: c.id, TS: s.nextTS(), ThreadTS: r.get("thread_ts"), User: BotUserID, Text: text, Blocks: blocks, Ephemeral: true, Recipient: uid, Source: "chat.postEphemeral"}
	s.st.ephemerals = append(s.st.ephemerals, m)
	return withWarnings(result{"message_ts": m.TS}, warnings), nil
}

// chatUpdate answers chat.update.
func (s *Server) chatUpdate(r *request) (result, *apiError) {
	c, e := s.channelForBot(r.get("channel"))
	if e != nil {
		return nil, e
	}
	m := c.find(r.get("ts"))
	switch {
	case m == nil:
		return nil, fail("message_not_found")
	case m.User != BotUserID:
		return nil, fail("cant_update_message")
	case c.archived:
		return nil, fail("is_archived")
	}
	blocks, e := s.parseMessageBlocks(r)
	if e != nil {
		return nil, e
	}
	text, warnings, e := messageText(r, blocks)
	if e != nil {
		return nil, e
	}
	m.Text, m.Edited = text, true
	if r.get("blocks") != "" {
		m.Blocks = blocks
	}
	return withWarnings(result{"channel": c.id, "ts": m.TS, "text": m.Text, "message": messageJSON(m)}, warnings), nil
}

// chatGetPermalink answers chat.getPermalink.
func (s *Server) chatGetPermalink(r *request) (result, *apiError) {
	c, e := s.channelForBot(r.get("channel"))
	if e != nil {
		return nil, e
	}
	ts := r.get("message_ts")
	if c.find(ts) == nil {
		return nil, fail("message_not_found")
	}
	link := fmt.Sprintf("https://%s.slack.com/archives/%s/p%s", TeamDomain, c.id, strings.ReplaceAll(ts, ".", ""))
	return result{"channel": c.id, "permalink": link}, nil
}
