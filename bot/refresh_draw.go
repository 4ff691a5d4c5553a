package bot

import (
	"context"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/untangle-rca/untangle/tree"
	"github.com/untangle-rca/untangle/workflow"
)

// postWhen says whether keep may post a kept message that has none yet.
type postWhen bool

const (
	updateOnly    postWhen = false
	postIfMissing postWhen = true
)

// drawing is one redraw run of one RCA. s is the newest snapshot the run
// read: a message that waited for its turn under the pacing is drawn again
// from a newer one when the RCA changed meanwhile (refresh_turn.go).
type drawing struct {
	f       *refresher
	k       *rcaKept
	rcaID   int64
	channel string
	log     *slog.Logger
	actor   workflow.Actor
	s       *workflow.Snapshot
	st      *challengeState
	x       keptExtra
	gen     uint64    // k.gen when s was read
	read    time.Time // when s was read
	urgent  bool      // headerNow or cardsMeanwhile is sending (refresh_turn.go)
}

// redraw draws every kept message of an RCA from one snapshot and sends
// those that changed: first the cards clicked (through the click's
// response_url) and the challenge header, then it runs jobs (the pictures
// asked for, which go by files.* and channel posts, apart from the
// workspace-wide chat.update tier the rest waits for) and redraws a closed
// RCA's canvas, then the dashboard, the walk and the outline, and last the
// cards, which go at Slack's pace of about one post a second.
func (f *refresher) redraw(ctx context.Context, rcaID int64, k *rcaKept, actor workflow.Actor, c change, jobs func()) {
	gen, read := f.generation(k), time.Now()
	s, err := f.svc.Snapshot(ctx, actor, rcaID)
	if err != nil {
		f.log.Info("refresh: cannot read the RCA", "rca", rcaID, "error", err)
		return
	}
	if s.RCA.ChannelID == "" {
		return
	}
	d := &drawing{f: f, k: k, rcaID: rcaID, channel: s.RCA.ChannelID, log: f.log.With("rca", rcaID),
		actor: actor, s: s, st: challengeOf(s), gen: gen, read: read}
	d.x = d.extra(ctx, s, c)
	d.respond(ctx, c.clicks)
	if c.repostWalk { // first: it is what the click asked for
		d.repostWalk(ctx, projectWalk(s))
	}
	links := cardLinks(s, c.cards)
	header := d.header(ctx, links)
	jobs()
	k.closed = d.s.RCA.Phase == workflow.PhaseClosed
	if k.closed && f.closedRedraw != nil {
		d.closedRedraw(ctx, actor)
	}
	d.keep(ctx, refDashboard, updateOnly, "")
	if !c.repostWalk {
		d.keep(ctx, refWalk, updateOnly, "")
	}
	d.keep(ctx, refOutline, postWhen(c.outline || d.s.Tree.NumNodes() > 0), "")
	d.cards(ctx, links, header)
	for _, g := range d.s.Tree.Groups() {
		k.last[g.ID] = tree.FormatGroupNumbered(d.s.Tree, g)
	}
}

// closedRedraw redraws a closed RCA's canvas unless a 429 holds it back; a
// new 429 holds it until Slack's Retry-After has passed, and the loop
// draws it again then.
func (d *drawing) closedRedraw(ctx context.Context, actor workflow.Actor) {
	if until, ok := d.k.held[refCanvas]; ok && time.Now().Before(until) {
		return
	}
	delete(d.k.held, refCanvas)
	err := d.f.closedRedraw(ctx, actor, d.rcaID)
	if wait, ok := isRateLimited(err); ok {
		d.k.held[refCanvas] = time.Now().Add(wait)
		d.log.Info("Slack asked to slow down; the canvas waits", "retry_after", wait)
	}
}

// project draws the kept message named ref from the run's newest snapshot.
func (d *drawing) project(ref string) keptMsg {
	switch ref {
	case refDashboard:
		return projectDashboard(d.s, d.x)
	case refWalk:
		return projectWalk(d.s)
	case refOutline:
		return projectOutline(d.s, d.x)
	case refChallengeHeader:
		return projectChallengeHeader(d.s)
	}
	n, _ := strconv.Atoi(strings.TrimPrefix(ref, refCardPrefix))
	return projectCard(d.s, d.st, tree.GroupID(n), d.x)
}

// extra reads the Slack-side state the projection needs.
func (d *drawing) extra(ctx context.Context, s *workflow.Snapshot, c change) keptExtra {
	x := keptExtra{statements: map[tree.GroupID]string{}}
	for id, st := range d.k.last {
		x.statements[id] = st
	}
	for id, st := range c.statements {
		x.statements[id] = st
	}
	if u, _ := d.f.refs.Ref(ctx, d.rcaID, refUninvited); u != "" {
		x.uninvited = splitUsers(u)
	}
	if c.outlinePage > 0 {
		if err := d.f.refs.PutRef(ctx, d.rcaID, refOutlinePage, strconv.Itoa(c.outlinePage)); err != nil {
			d.log.Warn("remember the outline page", "error", err)
		}
		d.k.ts[refOutlinePage] = strconv.Itoa(c.outlinePage)
	}
	x.outlinePage, _ = strconv.Atoi(d.ref(ctx, refOutlinePage))
	return x
}

// header keeps the challenge header when there are cards to draw: during
// the pass it is posted when missing and kept up to date. It returns its
// ts, "" when there is none.
func (d *drawing) header(ctx context.Context, links []tree.GroupID) string {
	if len(links) == 0 {
		return ""
	}
	if d.s.RCA.Phase == workflow.PhaseChallenging {
		return d.keep(ctx, refChallengeHeader, postIfMissing, "")
	}
	return d.ref(ctx, refChallengeHeader)
}

// cards keeps the cards in the header's thread: during the pass the
// missing ones of the window (card_window.go) are posted in link order;
// otherwise only the cards asked for are redrawn. A newer change of the RCA
// stops the run when the cards are no longer what the team works on (the
// RCA is past its challenge pass): the next run draws the dashboard, the
// pictures and the canvas first, and then goes on with the cards.
func (d *drawing) cards(ctx context.Context, links []tree.GroupID, header string) {
	if header == "" {
		return
	}
	challenging := d.s.RCA.Phase == workflow.PhaseChallenging
	last := lastCardShown(d.s.Tree)
	for _, id := range links {
		if d.f.pending(d.k) && !d.stillChallenging(ctx, challenging) {
			return
		}
		ref := cardRef(id)
		if d.keep(ctx, ref, postWhen(challenging && id <= last), header) == "" && d.k.held[ref] != (time.Time{}) {
			return // the cards post in link order: the rest waits for this one
		}
	}
}

// stillChallenging reports whether the RCA is in its challenge pass, reading
// only its phase again when the run's snapshot says it was.
func (d *drawing) stillChallenging(ctx context.Context, was bool) bool {
	if !was {
		return false
	}
	rca, err := d.f.svc.RCA(ctx, d.actor, d.rcaID)
	return err != nil || rca.Phase == workflow.PhaseChallenging
}

// ref returns a ref of the RCA, cached once set.
func (d *drawing) ref(ctx context.Context, key string) string {
	if v, ok := d.k.ts[key]; ok {
		return v
	}
	v, err := d.f.refs.Ref(ctx, d.rcaID, key)
	if err != nil {
		d.log.Warn("load a Slack ref", "ref", key, "error", err)
		return ""
	}
	if v != "" {
		d.k.ts[key] = v
	}
	return v
}

// setRef stores a ref of the RCA and caches it.
func (d *drawing) setRef(ctx context.Context, key, value string) {
	d.k.ts[key] = value
	if err := d.f.refs.PutRef(ctx, d.rcaID, key, value); err != nil {
		d.log.Error("remember a kept message", "ref", key, "error", err)
	}
}

// lastSent returns the hash of what was last sent for a kept message.
func (d *drawing) lastSent(ctx context.Context, ref string) string {
	if h, ok := d.k.sent[ref]; ok {
		return h
	}
	h, _ := d.f.refs.Ref(ctx, d.rcaID, refSentPrefix+ref)
	d.k.sent[ref] = h
	return h
}

// markSent records what a kept message now shows.
func (d *drawing) markSent(ctx context.Context, ref, hash string) {
	d.k.sent[ref] = hash
	if err := d.f.refs.PutRef(ctx, d.rcaID, refSentPrefix+ref, hash); err != nil {
		d.log.Warn("remember what a kept message shows", "ref", ref, "error", err)
	}
}

// keep brings the kept message named ref up to date: nothing when it
// already shows what the projection draws, an update when it exists, a post
// (in thread, when set) when it has none and post allows. A message to send
// waits for its turn under the pacing first and is then drawn from the
// newest state. It returns the message's ts, "" when there is none.
func (d *drawing) keep(ctx context.Context, ref string, post postWhen, thread string) string {
	if until, ok := d.k.held[ref]; ok && time.Now().Before(until) {
		return d.k.ts[ref]
	}
	delete(d.k.held, ref)
	ts := d.ref(ctx, ref)
	if ts == "" && !post {
		return ""
	}
	if ts != "" && d.lastSent(ctx, ref) == keptHash(d.project(ref)) {
		return ts
	}
	method := "chat.update"
	if ts == "" {
		method = "chat.postMessage"
	}
	sendCtx := d.turn(ctx, method)
	if ts == "" {
		// While this waited for its turn the run may have posted it
		// (cardsMeanwhile posts the window's missing cards): never twice.
		ts = d.ref(ctx, ref)
	}
	m := d.project(ref)
	hash := keptHash(m)
	if ts != "" && d.lastSent(ctx, ref) == hash {
		return ts // the newer state is what the message already shows
	}
	opts := []slack.MsgOption{slack.MsgOptionText(m.text, false), slack.MsgOptionBlocks(m.blocks...)}
	var err error
	if ts != "" {
		_, _, _, err = d.f.api.UpdateMessageContext(sendCtx, d.channel, ts, opts...)
		if isSlackError(err, "message_not_found") && bool(post) {
			ts, err = "", nil // deleted by someone: post it again
		}
	}
	if ts == "" {
		if thread != "" {
			opts = append(opts, slack.MsgOptionTS(thread))
		}
		_, ts, err = d.f.api.PostMessageContext(sendCtx, d.channel, opts...)
		if err == nil {
			d.setRef(ctx, m.ref, ts)
		}
	}
	if err != nil {
		d.failed(m.ref, err)
		return d.k.ts[m.ref]
	}
	d.markSent(ctx, m.ref, hash)
	return ts
}

// failed holds a message back after a 429 until Slack's Retry-After has
// passed, or logs another failure or a longer wait: the change itself is
// saved, and the next change redraws the message.
func (d *drawing) failed(ref string, err error) {
	if wait, ok := isRateLimited(err); ok && wait <= defaultMaxRetryWait {
		d.k.held[ref] = time.Now().Add(wait)
		d.log.Info("Slack asked to slow down; this message waits", "ref", ref, "retry_after", wait)
		return
	}
	d.log.Warn("redraw a kept message", "ref", ref, "error", err)
}

// repostWalk posts the walk afresh at the bottom of the channel and turns
// the previous one into a pointer to it.
func (d *drawing) repostWalk(ctx context.Context, m keptMsg) {
	old := d.ref(ctx, refWalk)
	_, ts, err := d.f.api.PostMessageContext(ctx, d.channel, slack.MsgOptionText(m.text, false), slack.MsgOptionBlocks(m.blocks...))
	if err != nil {
		d.log.Error("post the walk", "error", err)
		return
	}
	d.setRef(ctx, refWalk, ts)
	d.markSent(ctx, refWalk, keptHash(m))
	if old == "" {
		return
	}
	moved := []slack.Block{contextBlock(":arrow_down: The wiring walk continues in a newer message below.")}
	if _, _, _, err := d.f.api.UpdateMessageContext(ctx, d.channel, old, slack.MsgOptionText(walkFallback, false), slack.MsgOptionBlocks(moved...)); err != nil {
		d.log.Warn("retire an old walk message", "error", err)
	}
}

// splitUsers splits a comma-separated list of user ids.
func splitUsers(s string) []string {
	var out []string
	for _, u := range strings.Split(s, ",") {
		if u != "" {
			out = append(out, u)
		}
	}
	return out
}
