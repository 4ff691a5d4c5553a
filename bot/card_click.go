package bot

// A clicked card redraws through the click's response_url (replace_original),
// which is outside chat.update's tier: the person who clicked sees the card
// change at once even when the workspace's updates are queued. The hash of
// what was drawn is recorded like any other send, so the refresher does not
// send the same redraw again through chat.update; when the response_url
// fails (used up, expired, or the card was posted again since), the card is
// left to the refresher, which updates it in its turn.

import (
	"context"

	"github.com/slack-go/slack"

	"github.com/untangle-rca/untangle/tree"
	"github.com/untangle-rca/untangle/workflow"
)

// cardClick is a click on a card whose response_url may redraw it.
type cardClick struct {
	link tree.GroupID
	ts   string // the clicked message
	url  string // the click's response_url
}

// clickedCard is the change of a click on link's card: redraw it through
// the click's response_url, if it has one.
func clickedCard(cb *slack.InteractionCallback, link tree.GroupID) change {
	if cb.ResponseURL == "" || cb.Container.MessageTs == "" {
		return change{}
	}
	return change{clicks: []cardClick{{link: link, ts: cb.Container.MessageTs, url: cb.ResponseURL}}}
}

// changedCard tells the refresher that a click on link's card changed the
// RCA; the card is redrawn first, through the click's response_url.
func (b *Bot) changedCard(actor workflow.Actor, rcaID int64, cb *slack.InteractionCallback, link tree.GroupID, c change) {
	c.merge(clickedCard(cb, link))
	b.changed(actor, rcaID, c)
}

// takeClicks takes the clicks that arrived while a run of k waits for its
// turn; the run answers them at once.
func (f *refresher) takeClicks(k *rcaKept) []cardClick {
	f.mu.Lock()
	defer f.mu.Unlock()
	clicks := k.next.clicks
	k.next.clicks = nil
	return clicks
}

// respond redraws clicked cards through their response_url, from the
// newest state. A card that already shows it, or whose clicked message is
// no longer the card, is left alone; a failure leaves the card to the
// refresher's update.
func (d *drawing) respond(ctx context.Context, clicks []cardClick) {
	if len(clicks) == 0 {
		return
	}
	d.catchUp(ctx, true)
	done := map[string]bool{}
	for _, c := range clicks {
		ref := cardRef(c.link)
		if done[ref] || d.ref(ctx, ref) != c.ts {
			continue
		}
		m := d.project(ref)
		hash := keptHash(m)
		if d.lastSent(ctx, ref) == hash {
			continue
		}
		_, _, err := d.f.api.PostMessageContext(ctx, "", slack.MsgOptionReplaceOriginal(c.url),
			slack.MsgOptionText(m.text, false), slack.MsgOptionBlocks(m.blocks...))
		if err != nil {
			d.log.Info("redraw a clicked card through its response_url; the refresher updates it instead", "ref", ref, "error", err)
			continue
		}
		done[ref] = true
		d.markSent(ctx, ref, hash)
	}
}
