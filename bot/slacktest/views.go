package slacktest

import (
	"encoding/json"
	"fmt"
	"maps"
	"time"
)

// triggerRec is an issued trigger_id.
type triggerRec struct {
	user   string
	issued time.Time
	used   bool
}

// viewRec is a modal or Home tab the app opened for a user.
type viewRec struct {
	id, user, typ    string
	raw              map[string]any
	hash             string
	rootID, previous string
	values           map[string]map[string]map[string]any
	errors           map[string]string
	errorsShown      int // counts the field errors shown, so waiters see each anew
}

// View is a snapshot of a modal or Home tab as the user sees it.
type View struct {
	ID              string
	User            string
	Type            string // "modal" or "home"
	CallbackID      string
	ExternalID      string
	PrivateMetadata string
	Title           string
	Submit          string // submit button text, "" when the modal has none
	Hash            string
	NotifyOnClose   bool
	Blocks          json.RawMessage
	Errors          map[string]string // field errors from response_action: errors, by block_id
	Values          json.RawMessage   // state.values: what the person entered, or initial values
}

// PlainText renders the view's title and blocks as text.
func (v View) PlainText() string { return v.Title + "\n" + PlainText(v.Blocks) }

// issueTriggerLocked creates a fresh trigger_id for a user; callers hold s.mu.
func (s *Server) issueTriggerLocked(user string) string {
	s.seq++
	id := fmt.Sprintf("%d.%d.%x", s.now().Unix(), s.seq, s.seq*7919)
	s.st.triggers[id] = &triggerRec{user: user, issued: s.now()}
	return id
}

// useTrigger consumes a trigger_id with Slack's single-use and 3 s rules.
func (s *Server) useTrigger(id string) (string, *apiError) {
	t, ok := s.st.triggers[id]
	switch {
	case id == "" || !ok:
		return "", fail("invalid_trigger_id")
	case t.used:
		return "", fail("exchanged_trigger_id")
	case s.now().Sub(t.issued) > s.cfg.triggerTTL:
		return "", fail("expired_trigger_id")
	}
	t.used = true
	return t.user, nil
}

// parseView decodes and validates the view argument.
func (s *Server) parseView(r *request, want string) (map[string]any, *apiError) {
	raw, ok := r.rawKey["view"]
	if !ok && r.get("view") != "" {
		raw, ok = json.RawMessage(r.get("view")), true
	}
	if !ok {
		return nil, fail("invalid_arguments")
	}
	raw = json.RawMessage(jsonText(raw)) // a view sent as a JSON string, or the object itself
	if len(raw) > MaxViewBytes {
		return nil, fail("view_too_large")
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil || m == nil {
		return nil, fail("invalid_arguments")
	}
	errs := ValidateView(m)
	if typ, _ := m["type"].(string); len(errs) == 0 && want != "" && typ != want {
		errs = append(errs, fmt.Sprintf("must be %s [json-pointer:/view/type]", want))
	}
	if len(errs) > 0 {
		return nil, &apiError{code: "invalid_arguments", extra: map[string]any{
			"response_metadata": map[string]any{"messages": errorMessages(errs)},
		}}
	}
	if blocks, ok := m["blocks"].([]any); ok {
		s.fillIDs(blocks)
	}
	return m, nil
}

// checkExternalID enforces unique external_id values across the team.
func (s *Server) checkExternalID(m map[string]any, self string) *apiError {
	ext, _ := m["external_id"].(string)
	if ext == "" {
		return nil
	}
	for id, v := range s.st.views {
		if id != self && v.raw["external_id"] == ext {
			return fail("duplicate_external_id")
		}
	}
	return nil
}

// newViewLocked registers a view for a user; callers hold s.mu.
func (s *Server) newViewLocked(user string, m map[string]any, root, previous string) *viewRec {
	v := &viewRec{id: s.nextID("V"), user: user, raw: m, previous: previous, values: map[string]map[string]map[string]any{}}
	v.typ, _ = m["type"].(string)
	v.rootID = root
	if root == "" {
		v.rootID = v.id
	}
	v.hash = s.nextHash()
	s.st.views[v.id] = v
	return v
}

// nextHash returns a fresh view hash.
func (s *Server) nextHash() string {
	s.seq++
	return fmt.Sprintf("%d.%08x", s.now().Unix(), s.seq*2654435761%(1<<32))
}

// viewsOpen answers views.open.
func (s *Server) viewsOpen(r *request) (result, *apiError) {
	m, e := s.parseView(r, "modal")
	if e != nil {
		return nil, e
	}
	if e := s.checkExternalID(m, ""); e != nil {
		return nil, e
	}
	user, e := s.useTrigger(r.get("trigger_id"))
	if e != nil {
		return nil, e
	}
	v := s.newViewLocked(user, m, "", "")
	s.st.stacks[user] = []string{v.id}
	return result{"view": s.viewJSON(v)}, nil
}

// viewsPush answers views.push.
func (s *Server) viewsPush(r *request) (result, *apiError) {
	m, e := s.parseView(r, "modal")
	if e != nil {
		return nil, e
	}
	if e := s.checkExternalID(m, ""); e != nil {
		return nil, e
	}
	t, ok := s.st.triggers[r.get("trigger_id")]
	if ok && len(s.st.stacks[t.user]) >= 3 {
		return nil, fail("push_limit_reached")
	}
	user, e := s.useTrigger(r.get("trigger_id"))
	if e != nil {
		return nil, e
	}
	v := s.pushLocked(user, m)
	return result{"view": s.viewJSON(v)}, nil
}

// pushLocked pushes a modal onto a user's stack; callers hold s.mu.
func (s *Server) pushLocked(user string, m map[string]any) *viewRec {
	stack := s.st.stacks[user]
	root, prev := "", ""
	if len(stack) > 0 {
		prev = stack[len(stack)-1]
		root = s.st.views[stack[0]].rootID
	}
	v := s.newViewLocked(user, m, root, prev)
	s.st.stacks[user] = append(stack, v.id)
	return v
}

// viewsUpdate answers views.update.
func (s *Server) viewsUpdate(r *request) (result, *apiError) {
	v := s.findView(r.get("view_id"), r.get("external_id"))
	if v == nil {
		return nil, fail("not_found")
	}
	if h := r.get("hash"); h != "" && h != v.hash {
		return nil, fail("hash_conflict")
	}
	m, e := s.parseView(r, v.typ)
	if e != nil {
		return nil, e
	}
	if e := s.checkExternalID(m, v.id); e != nil {
		return nil, e
	}
	s.replaceLocked(v, m)
	return result{"view": s.viewJSON(v)}, nil
}

// replaceLocked swaps a view's content, keeping state of surviving blocks.
func (s *Server) replaceLocked(v *viewRec, m map[string]any) {
	v.raw, v.hash, v.errors = m, s.nextHash(), nil
	keep := map[string]bool{}
	blocks, _ := m["blocks"].([]any)
	for _, b := range blocks {
		if bm, ok := b.(map[string]any); ok {
			id, _ := bm["block_id"].(string)
			keep[id] = true
		}
	}
	maps.DeleteFunc(v.values, func(k string, _ map[string]map[string]any) bool { return !keep[k] })
}

// findView finds a view by id or external_id.
func (s *Server) findView(id, ext string) *viewRec {
	if v, ok := s.st.views[id]; ok && id != "" {
		return v
	}
	for _, v := range s.st.views {
		if ext != "" && v.raw["external_id"] == ext {
			return v
		}
	}
	return nil
}

// viewsPublish answers views.publish.
func (s *Server) viewsPublish(r *request) (result, *apiError) {
	if !s.cfg.homeTab {
		return nil, fail("not_enabled")
	}
	user := r.get("user_id")
	if _, ok := s.st.users[user]; !ok || user == BotUserID {
		return nil, fail("user_not_found")
	}
	m, e := s.parseView(r, "home")
	if e != nil {
		return nil, e
	}
	if id, ok := s.st.homes[user]; ok {
		v := s.st.views[id]
		if h := r.get("hash"); h != "" && h != v.hash {
			return nil, fail("hash_conflict")
		}
		s.replaceLocked(v, m)
		return result{"view": s.viewJSON(v)}, nil
	}
	v := s.newViewLocked(user, m, "", "")
	s.st.homes[user] = v.id
	return result{"view": s.viewJSON(v)}, nil
}

// viewJSON renders a view object as Slack returns and sends it.
func (s *Server) viewJSON(v *viewRec) map[string]any {
	out := maps.Clone(v.raw)
	out["id"], out["team_id"], out["app_id"], out["bot_id"] = v.id, TeamID, AppID, BotID
	out["app_installed_team_id"] = TeamID
	out["hash"], out["root_view_id"] = v.hash, v.rootID
	if v.previous != "" {
		out["previous_view_id"] = v.previous
	} else {
		out["previous_view_id"] = nil
	}
	for _, k := range []string{"private_metadata", "callback_id", "external_id"} {
		if _, ok := out[k]; !ok {
			out[k] = ""
		}
	}
	for _, k := range []string{"clear_on_close", "notify_on_close"} {
		if _, ok := out[k]; !ok {
			out[k] = false
		}
	}
	out["state"] = map[string]any{"values": s.stateValues(v)}
	return out
}

// snapshot copies a view record into an exported value.
func (v *viewRec) snapshot() View {
	str := func(k string) string { x, _ := v.raw[k].(string); return x }
	text := func(k string) string {
		m, _ := v.raw[k].(map[string]any)
		x, _ := m["text"].(string)
		return x
	}
	notify, _ := v.raw["notify_on_close"].(bool)
	return View{
		ID: v.id, User: v.user, Type: v.typ, CallbackID: str("callback_id"), ExternalID: str("external_id"),
		PrivateMetadata: str("private_metadata"), Title: text("title"), Submit: text("submit"),
		Hash: v.hash, NotifyOnClose: notify, Blocks: mustJSON(v.raw["blocks"]), Errors: maps.Clone(v.errors),
		Values: mustJSON(v.stateValues()),
	}
}
