package slacktest

import (
	"encoding/json"
)

// MaxCanvasMarkdown is the most Markdown one canvas holds. Slack documents
// about 1 MiB; the fake stays a little below so a bot that works here fits
// in Slack too.
const MaxCanvasMarkdown = 1000 * 1000

// canvasRec is one channel canvas.
type canvasRec struct {
	id, channel string
	markdown    string
}

// WithFreePlan makes the workspace a free plan: channel canvases cannot be
// created (team_tier_cannot_create_channel_canvases).
func WithFreePlan() Option { return func(c *config) { c.freePlan = true } }

// WithoutScopes removes OAuth scopes from the bot token; methods needing
// one of them answer missing_scope. Only the canvas methods check scopes.
func WithoutScopes(scopes ...string) Option {
	return func(c *config) { c.missingScopes = append(c.missingScopes, scopes...) }
}

// canvasScope is the scope each canvas method needs.
const canvasScope = "canvases:write"

// scopeMissing answers missing_scope when the bot token lacks scope.
func (s *Server) scopeMissing(scope string) *apiError {
	for _, m := range s.cfg.missingScopes {
		if m == scope {
			return &apiError{code: "missing_scope", extra: map[string]any{"needed": scope, "provided": "bot"}}
		}
	}
	return nil
}

// documentContent reads a document_content parameter: Markdown only, within
// MaxCanvasMarkdown.
func documentContent(raw string) (string, *apiError) {
	var dc map[string]any
	if err := json.Unmarshal([]byte(raw), &dc); err != nil {
		return "", fail("invalid_arguments")
	}
	md, ok := dc["markdown"].(string)
	if dc["type"] != "markdown" || !ok || len(dc) != 2 {
		return "", &apiError{code: "invalid_arguments", extra: map[string]any{
			"response_metadata": map[string]any{"messages": []string{"[ERROR] failed to match exactly one allowed schema [json-pointer:/document_content]"}}}}
	}
	if len(md) > MaxCanvasMarkdown {
		return "", fail("canvas_too_large")
	}
	return md, nil
}

// convCanvasesCreate is conversations.canvases.create: one canvas per channel.
func (s *Server) convCanvasesCreate(r *request) (result, *apiError) {
	if e := s.scopeMissing(canvasScope); e != nil {
		return nil, e
	}
	c, e := s.memberChannel(r.get("channel_id"))
	if e != nil {
		return nil, e
	}
	if s.cfg.freePlan {
		return nil, fail("team_tier_cannot_create_channel_canvases")
	}
	if s.st.canvases == nil {
		s.st.canvases = map[string]*canvasRec{}
	}
	for _, cv := range s.st.canvases {
		if cv.channel == c.id {
			return nil, fail("channel_canvas_already_exists")
		}
	}
	md := ""
	if raw := r.get("document_content"); raw != "" {
		if md, e = documentContent(raw); e != nil {
			return nil, e
		}
	}
	cv := &canvasRec{id: s.nextID("F"), channel: c.id, markdown: md}
	s.st.canvases[cv.id] = cv
	return result{"canvas_id": cv.id}, nil
}

// canvasesEdit is canvases.edit: exactly one change; the fake applies
// replace (whole document) and insert_at_start/insert_at_end.
func (s *Server) canvasesEdit(r *request) (result, *apiError) {
	if e := s.scopeMissing(canvasScope); e != nil {
		return nil, e
	}
	cv, ok := s.st.canvases[r.get("canvas_id")]
	if !ok {
		return nil, fail("canvas_not_found")
	}
	if ch, ok := s.st.channels[cv.channel]; !ok || !ch.members[BotUserID] {
		return nil, fail("restricted_action")
	}
	var changes []struct {
		Operation       string          `json:"operation"`
		SectionID       string          `json:"section_id"`
		DocumentContent json.RawMessage `json:"document_content"`
	}
	if err := json.Unmarshal([]byte(r.get("changes")), &changes); err != nil || len(changes) != 1 {
		return nil, fail("invalid_arguments")
	}
	ch := changes[0]
	md, e := documentContent(string(ch.DocumentContent))
	if e != nil {
		return nil, e
	}
	switch ch.Operation {
	case "replace":
		if ch.SectionID != "" {
			return nil, fail("invalid_arguments") // sections are not modelled
		}
		cv.markdown = md
	case "insert_at_end":
		cv.markdown += md
	case "insert_at_start":
		cv.markdown = md + cv.markdown
	default:
		return nil, fail("invalid_arguments")
	}
	if len(cv.markdown) > MaxCanvasMarkdown {
		return nil, fail("canvas_too_large")
	}
	return result{}, nil
}

// ChannelCanvas returns the Markdown of a channel's canvas, and whether
// the channel has one.
func (s *Server) ChannelCanvas(channelID string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, cv := range s.st.canvases {
		if cv.channel == channelID {
			return cv.markdown, true
		}
	}
	return "", false
}

// AddForeignCanvas gives a channel a canvas made by someone else, as when
// another app or a person made it first.
func (s *Server) AddForeignCanvas(channelID, markdown string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.st.canvases == nil {
		s.st.canvases = map[string]*canvasRec{}
	}
	id := s.nextID("F")
	s.st.canvases[id] = &canvasRec{id: id, channel: channelID, markdown: markdown}
}
