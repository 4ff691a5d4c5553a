package slacktest

import (
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"
)

// fileRec is an upload in progress or completed.
type fileRec struct {
	File
	length    int
	uploaded  bool
	completed bool
}

// File is a file the app uploaded.
type File struct {
	ID             string
	Name           string
	Title          string
	AltText        string
	Bytes          []byte
	Channel        string // channel it was shared to, "" when private
	ThreadTS       string
	InitialComment string
}

// Files returns every completed upload in order.
func (s *Server) Files() []File {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []File
	for _, id := range s.st.fileOrder {
		if f := s.st.files[id]; f.completed {
			out = append(out, f.File)
		}
	}
	return out
}

// filesGetUploadURL answers files.getUploadURLExternal.
func (s *Server) filesGetUploadURL(r *request) (result, *apiError) {
	name := r.get("filename")
	length, err := strconv.Atoi(r.get("length"))
	switch {
	case name == "" || r.get("length") == "":
		return nil, fail("invalid_arguments")
	case err != nil || length <= 0:
		return nil, fail("invalid_arguments")
	case utf8.RuneCountInString(r.get("alt_txt")) > 1000:
		return nil, fail("alt_txt_too_large")
	}
	f := &fileRec{File: File{ID: s.nextID("F"), Name: name, AltText: r.get("alt_txt")}, length: length}
	s.st.files[f.ID] = f
	s.st.fileOrder = append(s.st.fileOrder, f.ID)
	base := strings.TrimSuffix(s.apiURL, "api/")
	return result{"upload_url": base + "upload/v1/" + f.ID, "file_id": f.ID}, nil
}

// serveUpload receives the bytes of step two of an upload (raw or multipart).
func (s *Server) serveUpload(w http.ResponseWriter, r *http.Request) {
	id := strings.TrimPrefix(r.URL.Path, "/upload/v1/")
	data, err := readUpload(r)
	if err != nil {
		http.Error(w, "bad upload: "+err.Error(), http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	f, ok := s.st.files[id]
	switch {
	case r.Method != http.MethodPost:
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	case !ok || f.completed:
		http.Error(w, "upload not found", http.StatusNotFound)
	case len(data) != f.length:
		http.Error(w, fmt.Sprintf("length mismatch: declared %d, got %d", f.length, len(data)), http.StatusBadRequest)
	default:
		f.Bytes, f.uploaded = data, true
		s.notifyLocked()
		w.Header().Set("Content-Type", "text/plain")
		fmt.Fprintf(w, "OK - %d", len(data))
	}
}

// readUpload returns the uploaded bytes from a raw or multipart body.
func readUpload(r *http.Request) ([]byte, error) {
	ct, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if !strings.HasPrefix(ct, "multipart/") {
		return io.ReadAll(io.LimitReader(r.Body, 64<<20))
	}
	mr := multipart.NewReader(r.Body, params["boundary"])
	for {
		p, err := mr.NextPart()
		if err != nil {
			return nil, fmt.Errorf("read multipart: no file part: %w", err)
		}
		if p.FormName() == "file" {
			return io.ReadAll(io.LimitReader(p, 64<<20))
		}
	}
}

// completeItem is one entry of the files argument.
type completeItem struct {
	ID    string `json:"id"`
	Title string `json:"title"`
}

// filesComplete answers files.completeUploadExternal (once per file).
func (s *Server) filesComplete(r *request) (result, *apiError) {
	var items []completeItem
	if err := json.Unmarshal([]byte(r.get("files")), &items); err != nil || len(items) == 0 {
		return nil, fail("invalid_arguments")
	}
	var c *channelRec
	if ref := r.get("channel_id"); ref != "" {
		var e *apiError
		if c, e = s.memberChannel(ref); e != nil {
			return nil, e
		}
	}
	for _, it := range items {
		f, ok := s.st.files[it.ID]
		if !ok || !f.uploaded || f.completed {
			return nil, fail("file_not_found")
		}
	}
	return s.shareFiles(c, items, r), nil
}

// shareFiles completes uploads and posts them into a channel when given.
func (s *Server) shareFiles(c *channelRec, items []completeItem, r *request) result {
	out := make([]map[string]any, 0, len(items))
	ids := make([]string, 0, len(items))
	for _, it := range items {
		f := s.st.files[it.ID]
		f.completed, f.Title, f.InitialComment, f.ThreadTS = true, it.Title, r.get("initial_comment"), r.get("thread_ts")
		if f.Title == "" {
			f.Title = f.Name
		}
		if c != nil {
			f.Channel = c.id
		}
		ids = append(ids, f.ID)
		out = append(out, map[string]any{"id": f.ID, "title": f.Title, "name": f.Name, "size": len(f.Bytes)})
	}
	if c != nil {
		m := &Message{Channel: c.id, TS: s.nextTS(), ThreadTS: r.get("thread_ts"), User: BotUserID, Text: r.get("initial_comment"), Files: ids, Source: "files.completeUploadExternal"}
		c.msgs = append(c.msgs, m)
	}
	return result{"files": out}
}

// responseURL is a response_url issued with a slash command or message action.
type responseURL struct {
	user, channel string
	source        *Message // the message acted on, nil for slash commands
	uses          int
}

// issueResponseURLLocked creates a response_url; callers hold s.mu.
func (s *Server) issueResponseURLLocked(user, channel string, source *Message) string {
	id := s.nextID("R")
	s.st.respURLs[id] = &responseURL{user: user, channel: channel, source: source}
	return strings.TrimSuffix(s.apiURL, "api/") + "response/" + id
}

// ExpireResponseURLs makes every response_url, issued before or after,
// answer expired_url, as Slack does after 30 minutes or five uses.
func (s *Server) ExpireResponseURLs() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.respExpired = true
}

// responseBody is a message posted to a response_url.
type responseBody struct {
	Text            string          `json:"text"`
	Blocks          json.RawMessage `json:"blocks"`
	ResponseType    string          `json:"response_type"`
	ThreadTS        string          `json:"thread_ts"`
	ReplaceOriginal bool            `json:"replace_original"`
	DeleteOriginal  bool            `json:"delete_original"`
}

// serveResponseURL accepts a JSON message posted to a response_url (≤5 uses):
// a new reply, or replace_original/delete_original of the message acted on.
func (s *Server) serveResponseURL(w http.ResponseWriter, r *http.Request) {
	id := strings.TrimPrefix(r.URL.Path, "/response/")
	var body responseBody
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		http.Error(w, "invalid_payload", http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ru, ok := s.st.respURLs[id]
	if !ok || ru.uses >= 5 || s.st.respExpired {
		http.Error(w, "expired_url", http.StatusNotFound)
		return
	}
	ru.uses++
	w.Header().Set("Content-Type", "application/json")
	if errs := ValidateBlocks(SurfaceMessage, orEmpty(body.Blocks)); len(errs) > 0 {
		_ = json.NewEncoder(w).Encode(map[string]any{"ok": false, "error": "invalid_blocks", "errors": errs})
		return
	}
	if code := s.respondLocked(ru, body); code != "" {
		_ = json.NewEncoder(w).Encode(map[string]any{"ok": false, "error": code})
		return
	}
	s.notifyLocked()
	_, _ = w.Write([]byte(`{"ok":true}`))
}

// respondLocked applies a response_url message; callers hold s.mu.
func (s *Server) respondLocked(ru *responseURL, body responseBody) string {
	if !body.ReplaceOriginal && !body.DeleteOriginal {
		s.postReplyLocked(ru.user, ru.channel, body.Text, body.Blocks, body.ResponseType == "in_channel", body.ThreadTS, "response_url")
		return ""
	}
	if ru.source == nil {
		return "no_original_message"
	}
	if ru.source.Ephemeral {
		return s.editEphemeralLocked(ru.source.TS, body)
	}
	c := s.st.channels[ru.source.Channel]
	for i, m := range c.msgs {
		if m.TS != ru.source.TS {
			continue
		}
		if body.DeleteOriginal {
			c.msgs = append(c.msgs[:i], c.msgs[i+1:]...)
			return ""
		}
		m.Text, m.Blocks, m.Edited = body.Text, nilIfEmpty(body.Blocks), true
		return ""
	}
	return "message_not_found"
}

// editEphemeralLocked replaces or deletes an ephemeral message; callers hold s.mu.
func (s *Server) editEphemeralLocked(ts string, body responseBody) string {
	for i := range s.st.ephemerals {
		m := &s.st.ephemerals[i]
		if m.TS != ts {
			continue
		}
		if body.DeleteOriginal {
			s.st.ephemerals = append(s.st.ephemerals[:i], s.st.ephemerals[i+1:]...)
			return ""
		}
		m.Text, m.Blocks, m.Edited = body.Text, nilIfEmpty(body.Blocks), true
		return ""
	}
	return "message_not_found"
}

// nilIfEmpty drops absent or null blocks.
func nilIfEmpty(b json.RawMessage) json.RawMessage {
	if len(b) == 0 || string(b) == "null" {
		return nil
	}
	return b
}

// orEmpty turns absent blocks into an empty list.
func orEmpty(b json.RawMessage) json.RawMessage {
	if len(b) == 0 || string(b) == "null" {
		return json.RawMessage("[]")
	}
	return b
}

// postReplyLocked shows a reply to a person's command: in the channel or only to them.
func (s *Server) postReplyLocked(user, channel, text string, blocks json.RawMessage, inChannel bool, thread, source string) {
	blocks = nilIfEmpty(blocks)
	m := Message{Channel: channel, TS: s.nextTS(), ThreadTS: thread, User: BotUserID, Text: text, Blocks: blocks, Source: source}
	if c, ok := s.st.channels[channel]; ok && inChannel {
		c.msgs = append(c.msgs, &m)
	} else {
		m.Ephemeral, m.Recipient = true, user
		s.st.ephemerals = append(s.st.ephemerals, m)
	}
	s.notifyLocked()
}
