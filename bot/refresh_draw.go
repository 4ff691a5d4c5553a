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

// drawing is one redraw run of one RCA.
type drawing struct {
	f       *refresher
	k       *rcaKept
	rcaID   int64
	channel string
	log     *slog.Logger
}

// redraw draws every kept message of an RCA from one snapshot and sends
// those that changed.
func (f *refresher) redraw(ctx context.Context, rcaID int64, k *rcaKept, actor workflow.Actor, c change) {
	s, err := f.svc.Snapshot(ctx, actor, rcaID)
	if err != nil {
		f.log.Info("refresh: cannot read the RCA", "rca", rcaID, "error", err)
		return
	}
	if s.RCA.ChannelID == "" {
		return
	}
	d := &drawing{f: f, k: k, rcaID: rcaID, channel: s.RCA.ChannelID, log: f.log.With("rca", rcaID)}
	x := d.extra(ctx, s, c)
	if c.repostWalk { // first: it is what the click asked for
		d.repostWalk(ctx, projectWalk(s))
	} else {
		d.keep(ctx, projectWalk(s), updateOnly, "")
	}
	d.keep(ctx, projectDashboard(s, x), updateOnly, "")
	d.keep(ctx, projectOutline(s, x), postWhen(c.outline || s.Tree.NumNodes() > 0), "")
	d.cards(ctx, s, c, x)
	for _, g := range s.Tree.Groups() {
		k.last[g.ID] = tree.FormatGroupNumbered(s.Tree, g)
	}
	k.closed = s.RCA.Phase == workflow.PhaseClosed
	if k.closed && f.closedRedraw != nil {
		d.closedRedraw(ctx, actor)
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

// cards keeps the challenge header and the cards: during the pass the
// missing ones are posted in the header's thread; otherwise only the cards
// asked for are redrawn.
func (d *drawing) cards(ctx context.Context, s *workflow.Snapshot, c change, x keptExtra) {
	links := cardLinks(s, c.cards)
	if len(links) == 0 {
		return
	}
	post := postWhen(s.RCA.Phase == workflow.PhaseChallenging)
	header := d.ref(ctx, refChallengeHeader)
	if header == "" && post {
		header = d.keep(ctx, projectChallengeHeader(s), postIfMissing, "")
	}
	if header == "" {
		return
	}
	st := challengeOf(s)
	for _, id := range links {
		m := projectCard(s, st, id, x)
		if d.keep(ctx, m, post, header) == "" && d.k.held[m.ref] != (time.Time{}) {
			return // the cards post in link order: the rest waits for this one
		}
	}
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

// keep brings one kept message up to date: nothing when it already shows
// m, an update when it exists, a post (in thread, when set) when it has
// none and post allows. It returns the message's ts, "" when there is none.
func (d *drawing) keep(ctx context.Context, m keptMsg, post postWhen, thread string) string {
	if until, ok := d.k.held[m.ref]; ok && time.Now().Before(until) {
		return d.k.ts[m.ref]
	}
	delete(d.k.held, m.ref)
	ts := d.ref(ctx, m.ref)
	hash := keptHash(m)
	if ts != "" && d.lastSent(ctx, m.ref) == hash {
		return ts
	}
	opts := []slack.MsgOption{slack.MsgOptionText(m.text, false), slack.MsgOptionBlocks(m.blocks...)}
	var err error
	if ts != "" {
		_, _, _, err = d.f.api.UpdateMessageContext(ctx, d.channel, ts, opts...)
		if isSlackError(err, "message_not_found") && bool(post) {
			ts, err = "", nil // deleted by someone: post it again
		}
	}
	if ts == "" {
		if !post {
			return ""
		}
		if thread != "" {
			opts = append(opts, slack.MsgOptionTS(thread))
		}
		_, ts, err = d.f.api.PostMessageContext(ctx, d.channel, opts...)
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
