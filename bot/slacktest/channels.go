package slacktest

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"
)

// channelRec is a conversation: public or private channel, or a DM.
type channelRec struct {
	id, name          string
	private, archived bool
	im                bool
	members           map[string]bool
	topic, purpose    string
	creator           string
	created           int64
	msgs              []*Message
	pins              map[string]bool
	reactions         map[string]bool
}

// Channel is a snapshot of a conversation.
type Channel struct {
	ID       string
	Name     string
	Private  bool
	Archived bool
	IsIM     bool
	Topic    string
	Purpose  string
	Members  []string // user ids, sorted; includes BotUserID when the bot is a member
	Pinned   []string // pinned message timestamps, sorted
}

// ChannelOptions describes a channel created by a test.
type ChannelOptions struct {
	Private   bool   // a private channel
	Members   []User // people in the channel (the creator of the test's choosing)
	BotMember bool   // the bot is a member
	Archived  bool   // the channel is archived
}

// AddChannel creates a channel as if a person had made it.
func (s *Server) AddChannel(name string, o ChannelOptions) Channel {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.newChannelLocked("C", name, o.Private, "")
	c.archived = o.Archived
	for _, u := range o.Members {
		c.members[u.ID] = true
	}
	if o.BotMember {
		c.members[BotUserID] = true
	}
	s.notifyLocked()
	return c.snapshot()
}

// newChannelLocked creates and registers a channel record; callers hold s.mu.
func (s *Server) newChannelLocked(prefix, name string, private bool, creator string) *channelRec {
	c := &channelRec{
		id: s.nextID(prefix), name: name, private: private, creator: creator,
		created: s.now().Unix(), members: map[string]bool{}, pins: map[string]bool{},
		reactions: map[string]bool{},
	}
	s.st.channels[c.id] = c
	s.st.channelOrder = append(s.st.channelOrder, c.id)
	return c
}

// Channel returns a snapshot of a channel by id or name.
func (s *Server) Channel(idOrName string) (Channel, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.lookupChannelLocked(idOrName)
	if c == nil {
		return Channel{}, false
	}
	return c.snapshot(), true
}

// Channels returns every channel except DMs, in creation order.
func (s *Server) Channels() []Channel {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Channel
	for _, id := range s.st.channelOrder {
		if c := s.st.channels[id]; !c.im {
			out = append(out, c.snapshot())
		}
	}
	return out
}

// snapshot copies a channel record into an exported value.
func (c *channelRec) snapshot() Channel {
	ch := Channel{ID: c.id, Name: c.name, Private: c.private, Archived: c.archived, IsIM: c.im, Topic: c.topic, Purpose: c.purpose}
	for id := range c.members {
		ch.Members = append(ch.Members, id)
	}
	for ts := range c.pins {
		ch.Pinned = append(ch.Pinned, ts)
	}
	sort.Strings(ch.Members)
	sort.Strings(ch.Pinned)
	return ch
}

// lookupChannelLocked finds a channel by id, name or #name; callers hold s.mu.
func (s *Server) lookupChannelLocked(ref string) *channelRec {
	if c, ok := s.st.channels[ref]; ok {
		return c
	}
	name := strings.TrimPrefix(ref, "#")
	for _, id := range s.st.channelOrder {
		if c := s.st.channels[id]; !c.im && c.name == name {
			return c
		}
	}
	return nil
}

// dmLocked returns (creating it on first use) the DM channel between the bot and a user.
func (s *Server) dmLocked(u *userRec) *channelRec {
	if u.dm != "" {
		return s.st.channels[u.dm]
	}
	c := s.newChannelLocked("D", "", true, BotUserID)
	c.im = true
	c.members[u.id], c.members[BotUserID] = true, true
	u.dm = c.id
	return c
}

// channelForBot resolves a channel the bot may see: private channels the bot
// is not in are reported as channel_not_found, as Slack does.
func (s *Server) channelForBot(ref string) (*channelRec, *apiError) {
	if ref == "" {
		return nil, fail("channel_not_found")
	}
	if u, ok := s.st.users[ref]; ok && ref != BotUserID {
		return s.dmLocked(u), nil
	}
	c := s.lookupChannelLocked(ref)
	if c == nil || (c.private && !c.members[BotUserID]) {
		return nil, fail("channel_not_found")
	}
	return c, nil
}

// memberChannel resolves a channel the bot must be a member of and that is not archived.
func (s *Server) memberChannel(ref string) (*channelRec, *apiError) {
	c, e := s.channelForBot(ref)
	switch {
	case e != nil:
		return nil, e
	case c.archived:
		return nil, fail("is_archived")
	case !c.members[BotUserID]:
		return nil, fail("not_in_channel")
	}
	return c, nil
}

// channelJSON renders a conversation object as Slack does.
func (s *Server) channelJSON(c *channelRec) map[string]any {
	return map[string]any{
		"id": c.id, "name": c.name, "name_normalized": c.name,
		"is_channel": !c.private && !c.im, "is_group": c.private && !c.im, "is_im": c.im,
		"is_private": c.private, "is_archived": c.archived, "is_member": c.members[BotUserID],
		"is_general": c.name == "general", "created": c.created, "creator": c.creator,
		"context_team_id": TeamID, "num_members": len(c.members),
		"topic":   map[string]any{"value": c.topic, "creator": "", "last_set": 0},
		"purpose": map[string]any{"value": c.purpose, "creator": "", "last_set": 0},
	}
}

// channelNameChars are the characters Slack allows in channel names.
var channelNameChars = regexp.MustCompile(`^[a-z0-9_-]+$`)

// checkChannelName applies Slack's channel naming rules.
func checkChannelName(name string) *apiError {
	switch {
	case name == "":
		return fail("invalid_name_required")
	case utf8.RuneCountInString(name) > MaxChannelNameLen:
		return fail("invalid_name_maxlength")
	case strings.Trim(name, "-_") == "":
		return fail("invalid_name_punctuation")
	case !channelNameChars.MatchString(name):
		return fail("invalid_name_specials")
	}
	return nil
}

// convCreate answers conversations.create.
func (s *Server) convCreate(r *request) (result, *apiError) {
	name := r.get("name")
	if e := checkChannelName(name); e != nil {
		return nil, e
	}
	if s.lookupChannelLocked(name) != nil {
		return nil, fail("name_taken")
	}
	c := s.newChannelLocked("C", name, r.get("is_private") == "true", BotUserID)
	c.members[BotUserID] = true
	return result{"channel": s.channelJSON(c)}, nil
}

// convInvite answers conversations.invite with per-user errors.
func (s *Server) convInvite(r *request) (result, *apiError) {
	c, e := s.channelForBot(r.get("channel"))
	if e != nil {
		return nil, e
	}
	if c.archived {
		return nil, fail("is_archived")
	}
	if !c.members[BotUserID] {
		return nil, fail("not_in_channel")
	}
	ids := splitList(r.get("users"))
	if len(ids) == 0 {
		return nil, fail("no_user")
	}
	if len(ids) > 1000 {
		return nil, fail("too_many_users")
	}
	var errs []map[string]any
	var ok []string
	for _, id := range ids {
		if code := s.inviteError(c, id); code != "" {
			errs = append(errs, map[string]any{"ok": false, "error": code, "user": id})
			continue
		}
		ok = append(ok, id)
	}
	if len(errs) > 0 && r.get("force") != "true" {
		return nil, &apiError{code: errs[0]["error"].(string), extra: map[string]any{"errors": errs}}
	}
	for _, id := range ok {
		c.members[id] = true
	}
	res := result{"channel": s.channelJSON(c)}
	if len(errs) > 0 {
		res["errors"] = errs
	}
	return res, nil
}

// inviteError returns why one user cannot be invited, or "".
func (s *Server) inviteError(c *channelRec, id string) string {
	_, known := s.st.users[id]
	switch {
	case id == BotUserID:
		return "cant_invite_self"
	case !known:
		return "user_not_found"
	case c.members[id]:
		return "already_in_channel"
	case s.st.users[id].guest:
		return "cant_invite"
	}
	return ""
}

// splitList splits a comma-separated list, dropping blanks.
func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// convSetTopic answers conversations.setTopic.
func (s *Server) convSetTopic(r *request) (result, *apiError) {
	return s.setChannelText(r, "topic", func(c *channelRec, v string) { c.topic = v })
}

// convSetPurpose answers conversations.setPurpose.
func (s *Server) convSetPurpose(r *request) (result, *apiError) {
	return s.setChannelText(r, "purpose", func(c *channelRec, v string) { c.purpose = v })
}

// setChannelText sets a topic or purpose after Slack's checks.
func (s *Server) setChannelText(r *request, key string, set func(*channelRec, string)) (result, *apiError) {
	c, e := s.memberChannel(r.get("channel"))
	if e != nil {
		return nil, e
	}
	v := r.get(key)
	if utf8.RuneCountInString(v) > MaxTopicLen {
		return nil, fail("too_long")
	}
	set(c, v)
	return result{"channel": s.channelJSON(c), key: v}, nil
}

// convArchive answers conversations.archive.
func (s *Server) convArchive(r *request) (result, *apiError) {
	c, e := s.channelForBot(r.get("channel"))
	switch {
	case e != nil:
		return nil, e
	case c.im:
		return nil, fail("method_not_supported_for_channel_type")
	case c.name == "general":
		return nil, fail("cant_archive_general")
	case c.archived:
		return nil, fail("already_archived")
	case !c.members[BotUserID]:
		return nil, fail("not_in_channel")
	}
	c.archived = true
	return result{}, nil
}

// convUnarchive answers conversations.unarchive.
func (s *Server) convUnarchive(r *request) (result, *apiError) {
	c, e := s.channelForBot(r.get("channel"))
	switch {
	case e != nil:
		return nil, e
	case !c.archived:
		return nil, fail("not_archived")
	case !c.members[BotUserID]:
		return nil, fail("not_in_channel")
	}
	c.archived = false
	return result{}, nil
}

// convInfo answers conversations.info.
func (s *Server) convInfo(r *request) (result, *apiError) {
	c, e := s.channelForBot(r.get("channel"))
	if e != nil {
		return nil, e
	}
	return result{"channel": s.channelJSON(c)}, nil
}

// convMembers answers conversations.members in one page.
func (s *Server) convMembers(r *request) (result, *apiError) {
	c, e := s.channelForBot(r.get("channel"))
	if e != nil {
		return nil, e
	}
	return result{"members": c.snapshot().Members, "response_metadata": map[string]any{"next_cursor": ""}}, nil
}

// convJoin answers conversations.join (public channels only).
func (s *Server) convJoin(r *request) (result, *apiError) {
	c, e := s.channelForBot(r.get("channel"))
	switch {
	case e != nil:
		return nil, e
	case c.private || c.im:
		return nil, fail("method_not_supported_for_channel_type")
	case c.archived:
		return nil, fail("is_archived")
	}
	res := result{"channel": s.channelJSON(c)}
	if c.members[BotUserID] {
		res["already_in_channel"] = true
	}
	c.members[BotUserID] = true
	res["channel"] = s.channelJSON(c)
	return res, nil
}

// convOpen answers conversations.open for a DM with one user.
func (s *Server) convOpen(r *request) (result, *apiError) {
	ids := splitList(r.get("users"))
	if len(ids) != 1 {
		return nil, fail("not_implemented")
	}
	u, ok := s.st.users[ids[0]]
	if !ok || u.id == BotUserID {
		return nil, fail("user_not_found")
	}
	return result{"channel": map[string]any{"id": s.dmLocked(u).id}}, nil
}

// pinsAdd answers pins.add.
func (s *Server) pinsAdd(r *request) (result, *apiError) {
	ts := r.get("timestamp")
	if ts == "" {
		return nil, fail("no_item_specified")
	}
	c, e := s.memberChannel(r.get("channel"))
	if e != nil {
		return nil, e
	}
	if c.find(ts) == nil {
		return nil, fail("message_not_found")
	}
	if c.pins[ts] {
		return nil, fail("already_pinned")
	}
	c.pins[ts] = true
	return result{}, nil
}

// reactionsAdd answers reactions.add.
func (s *Server) reactionsAdd(r *request) (result, *apiError) {
	c, e := s.channelForBot(r.get("channel"))
	if e != nil {
		return nil, e
	}
	ts, name := r.get("timestamp"), r.get("name")
	switch {
	case name == "":
		return nil, fail("invalid_name")
	case c.find(ts) == nil:
		return nil, fail("message_not_found")
	case c.reactions[ts+" "+name]:
		return nil, fail("already_reacted")
	}
	c.reactions[ts+" "+name] = true
	return result{}, nil
}

// Bookmark is a link the app bookmarked in a channel.
type Bookmark struct {
	ID, ChannelID, Title, Link, Emoji, Type string
}

// bookmarksAdd answers bookmarks.add.
func (s *Server) bookmarksAdd(r *request) (result, *apiError) {
	c, e := s.memberChannel(r.get("channel_id"))
	if e != nil {
		return nil, e
	}
	b := Bookmark{ID: s.nextID("Bk"), ChannelID: c.id, Title: r.get("title"), Link: r.get("link"), Emoji: r.get("emoji"), Type: r.get("type")}
	switch {
	case b.Title == "" || b.Type != "link":
		return nil, fail("invalid_arguments")
	case !strings.HasPrefix(b.Link, "http://") && !strings.HasPrefix(b.Link, "https://"):
		return nil, fail("invalid_link")
	}
	s.st.bookmarks = append(s.st.bookmarks, b)
	return result{"bookmark": map[string]any{
		"id": b.ID, "channel_id": b.ChannelID, "title": b.Title, "link": b.Link,
		"emoji": b.Emoji, "type": b.Type, "date_created": s.now().Unix(),
	}}, nil
}

// Bookmarks returns the bookmarks added to a channel.
func (s *Server) Bookmarks(channelID string) []Bookmark {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Bookmark
	for _, b := range s.st.bookmarks {
		if b.ChannelID == channelID {
			out = append(out, b)
		}
	}
	return out
}

// String renders a channel for test failure messages.
func (c Channel) String() string {
	return fmt.Sprintf("%s(#%s)", c.ID, c.Name)
}

// AddMember puts a person into a channel as if someone else had invited them.
func (s *Server) AddMember(channelID string, u User) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.lookupChannelLocked(channelID)
	if c == nil || c.im {
		return fmt.Errorf("add %s to %s: %w", u.Name, channelID, ErrNotFound)
	}
	c.members[u.ID] = true
	s.notifyLocked()
	return nil
}

// RemoveMember takes a person out of a channel, as if they had left it.
func (s *Server) RemoveMember(channelID string, u User) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.lookupChannelLocked(channelID)
	if c == nil || c.im || !c.members[u.ID] {
		return fmt.Errorf("remove %s from %s: %w", u.Name, channelID, ErrNotFound)
	}
	delete(c.members, u.ID)
	s.notifyLocked()
	return nil
}
