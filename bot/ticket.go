package bot

// Fixes filed as tickets in the team's tracker (Config.Tracker): when a fix
// is agreed, from the Create ticket button on its message at any time, and
// for every fix when the RCA finishes. The intent is recorded before the
// tracker is called and each filing is claimed in the database, so a fix
// gets exactly one ticket across redeliveries, double clicks, replicas and
// crashes; the filing itself runs after the ack, and one that fails is
// tried again by the scheduled ticket job (ticket_sync.go).

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/untangle-rca/untangle/workflow"
)

// Ids and timings of ticket filing.
const (
	actCreateTicket = "fix_ticket"      // the Create ticket button; value: rcaValue(rca, fix)
	actOpenTicket   = "fix_ticket_open" // the link button to a filed ticket
	// ticketBudget bounds one filing, every retry of it included.
	ticketBudget = 10 * time.Second
	// ticketMaxWait is the longest wait before a failed filing is tried again.
	ticketMaxWait = time.Hour
)

// ticketDesk is the bot's side of filing: the tracker and this process's
// holder id for claims.
type ticketDesk struct {
	tracker workflow.Tracker
	holder  string
	sync    time.Duration
}

// newTicketDesk returns the desk of cfg, or nil when no tracker is set.
func newTicketDesk(cfg Config) *ticketDesk {
	if cfg.Tracker == nil {
		return nil
	}
	holder := HolderID()
	if cfg.Leader != nil {
		holder = cfg.Leader.Holder()
	}
	sync := cfg.TrackerSync
	if sync <= 0 {
		sync = 10 * time.Minute
	}
	return &ticketDesk{tracker: cfg.Tracker, holder: holder, sync: sync}
}

// lag is how long after filing the tracker's search may still miss a ticket.
func (d *ticketDesk) lag() time.Duration {
	if l, ok := d.tracker.(workflow.SearchLagger); ok {
		return l.SearchLag()
	}
	return 0
}

// claimTTL is how long one claim lasts: the filing's budget and the
// search lag after it, so that no other process looks for the ticket
// before a create still in flight shows up.
func (d *ticketDesk) claimTTL() time.Duration { return ticketBudget + d.lag() + 5*time.Second }

// retryWait is the wait before a failed filing is tried again: the sync
// interval doubled per attempt, at most an hour, never less than the
// tracker's Retry-After or its search lag (so that the next try's lookup
// sees a ticket the last one may have filed).
func (d *ticketDesk) retryWait(attempts int, err error) time.Duration {
	wait := d.sync
	for i := 1; i < attempts && wait < ticketMaxWait; i++ {
		wait *= 2
	}
	wait = min(wait, ticketMaxWait)
	var te *workflow.TrackerError
	if errors.As(err, &te) {
		wait = max(wait, te.RetryAfter)
	}
	return max(wait, d.lag())
}

func (b *Bot) ticketRoutes(rt *routes) {
	rt.actions[actCreateTicket] = b.clickCreateTicket
	rt.actions[actOpenTicket] = func(context.Context, *reply, *slack.InteractionCallback, *slack.BlockAction) {}
}

// clickCreateTicket records the intent at once and files the ticket after
// the ack; the clicked message then shows the ticket.
func (b *Bot) clickCreateTicket(ctx context.Context, r *reply, cb *slack.InteractionCallback, act *slack.BlockAction) {
	rcaID, items, err := parseValue(act.Value)
	if err == nil && len(items) != 1 {
		err = workflow.Errorf(workflow.ENotFound, "this button is out of date; use `/rca fixes` for a fresh one.")
	}
	if err == nil && b.tickets == nil {
		err = workflow.Errorf(workflow.EInvalid, "No tracker is set up, so fixes cannot become tickets. An admin sets UNTANGLE_TRACKER.")
	}
	if err == nil {
		_, err = b.svc.RequestTicket(ctx, workflow.Actor{UserID: cb.User.ID}, rcaID, items[0])
	}
	if err != nil {
		b.fail(ctx, r, cb, err)
		return
	}
	fixID := items[0]
	r.later(func(ctx context.Context) {
		t, tried, err := b.fileTicket(ctx, r.log, rcaID, fixID, cb.User.ID, true)
		if err != nil {
			r.log.Error("file a ticket", "rca", rcaID, "fix", fixID, "error", err)
			b.tell(ctx, r, cb, userText(r.log, err))
			return
		}
		switch {
		case t == nil:
		case t.State == workflow.FilingFiled:
			b.redrawTicketButton(ctx, r.log, cb, rcaID, fixID)
		case tried: // a failure: fileTicket told the asker
		case t.ClaimHolder != "":
			b.tell(ctx, r, cb, ":hourglass_flowing_sand: The ticket for this fix is being filed right now; its link follows in the fix's thread.")
		case t.State == workflow.FilingFailed:
			// Not tried now (the last try's ticket may not show in a lookup yet).
			b.tell(ctx, r, cb, fmt.Sprintf(":warning: The last try to file this fix failed: %s\nI try again shortly.", Escape(t.LastError)))
		}
	})
}

// ticketFix returns a fix of the RCA as the bot sees it, without a viewer.
func (b *Bot) ticketFix(ctx context.Context, rcaID, fixID int64) (*workflow.Fix, error) {
	sum, err := b.svc.TicketSummary(ctx, rcaID)
	if err != nil {
		return nil, err
	}
	for i := range sum.Fixes {
		if sum.Fixes[i].Fix.ID == fixID {
			return &sum.Fixes[i].Fix, nil
		}
	}
	return nil, workflow.Errorf(workflow.ENotFound, "There is no fix %d in this RCA.", fixID)
}

// ticketOnAgree files the ticket of a fix that was just agreed, after the ack.
func (b *Bot) ticketOnAgree(ctx context.Context, r *reply, actor workflow.Actor, rcaID, fixID int64, e workflow.FixEdit) {
	if b.tickets == nil || e.Status == nil || *e.Status != workflow.FixAgreed {
		return
	}
	if _, err := b.svc.RequestTicket(ctx, actor, rcaID, fixID); err != nil {
		r.log.Warn("request the ticket of an agreed fix; finishing the RCA or its button files it", "rca", rcaID, "fix", fixID, "error", err)
		return
	}
	r.later(func(ctx context.Context) { b.fileLogged(ctx, r.log, rcaID, fixID) })
}

// ticketsOnFinish files a ticket for every fix of a finished RCA that has
// none yet, after the ack.
func (b *Bot) ticketsOnFinish(ctx context.Context, r *reply, rcaID int64) {
	if b.tickets == nil {
		return
	}
	if err := b.svc.RequestTickets(ctx, rcaID); err != nil {
		r.log.Error("request the tickets of a finished RCA", "rca", rcaID, "error", err)
		return
	}
	r.later(func(ctx context.Context) { b.fileDue(ctx, r.log, rcaID) })
}

// fileDue files every ticket waiting to be filed, of one RCA (0: of all).
func (b *Bot) fileDue(ctx context.Context, log *slog.Logger, rcaID int64) {
	due, err := b.svc.TicketsToFile(ctx)
	if err != nil {
		log.Error("tickets to file", "error", err)
		return
	}
	for _, t := range due {
		if ctx.Err() != nil {
			return
		}
		if rcaID == 0 || t.RCAID == rcaID {
			b.fileLogged(ctx, log, t.RCAID, t.FixID)
		}
	}
}

func (b *Bot) fileLogged(ctx context.Context, log *slog.Logger, rcaID, fixID int64) {
	if _, _, err := b.fileTicket(ctx, log, rcaID, fixID, "", false); err != nil {
		log.Error("file a ticket; the ticket job tries again", "rca", rcaID, "fix", fixID, "error", err)
	}
}

// fileTicket claims the filing of a fix's ticket and files it, telling the
// RCA's channel of the ticket, and of a failure who asked, or when nobody
// did the facilitator (once per new failure). It returns the ticket record
// as it stands (nil when none was asked for) and whether it tried. A claim
// held elsewhere leaves the filing to its holder; force (a click) skips
// the wait after a failure.
func (b *Bot) fileTicket(ctx context.Context, log *slog.Logger, rcaID, fixID int64, asker string, force bool) (*workflow.FixTicket, bool, error) {
	d := b.tickets
	claim, ok, err := b.svc.ClaimTicket(ctx, fixID, workflow.ClaimOptions{Holder: d.holder, TTL: d.claimTTL(), Force: force, Lag: d.lag()})
	if err != nil || !ok {
		if err == nil {
			t, err := b.svc.FixTicketOf(ctx, fixID)
			return t, false, err
		}
		return nil, false, err
	}
	log = log.With("rca", rcaID, "fix", fixID, "attempt", claim.Ticket.Attempts)
	sum, draft, err := b.ticketDraft(ctx, log, &claim.Ticket)
	var ref workflow.TicketRef
	if err == nil {
		fctx, cancel := context.WithTimeout(ctx, ticketBudget)
		ref, err = workflow.FileTicket(fctx, d.tracker, draft, claim.MaybeFiled, workflow.RetryPolicy{Budget: ticketBudget})
		cancel()
	}
	ctx = context.WithoutCancel(ctx) // record the outcome even when the caller's budget ran out
	if err != nil {
		t, news, rerr := b.svc.TicketFailed(ctx, fixID, err, d.retryWait(claim.Ticket.Attempts, err))
		if rerr != nil {
			return nil, true, errors.Join(err, rerr)
		}
		log.Warn("filing a ticket failed; the ticket job tries again", "fault", string(t.Fault), "error", err.Error())
		if (news || asker != "") && sum != nil {
			b.tellTicketFailure(ctx, log, &sum.RCA, asker, draft.Title, t)
		}
		return t, true, nil
	}
	t, err := b.svc.TicketFiled(ctx, fixID, ref)
	if err != nil {
		return nil, true, err
	}
	log.Info("ticket filed", "ticket", t.Key)
	// The redraw sees the RCA as its facilitator does: a private one too.
	announce := func(ctx context.Context) {
		b.redrawFixMessage(ctx, log, &sum.RCA, fixID)
		b.announceTicket(ctx, log, &sum.RCA, fixID, draft.Title, t)
	}
	b.changed(workflow.Actor{UserID: sum.RCA.Facilitator}, rcaID, change{jobs: []func(context.Context){announce}})
	return t, true, nil
}

// ticketDraft builds the ticket of a fix: the workflow's draft, the link to
// the RCA's dashboard, the owner's name and e-mail address and the
// channel's name as a label.
func (b *Bot) ticketDraft(ctx context.Context, log *slog.Logger, t *workflow.FixTicket) (*workflow.Summary, workflow.TicketDraft, error) {
	sum, err := b.svc.TicketSummary(ctx, t.RCAID)
	if err != nil {
		return nil, workflow.TicketDraft{}, err
	}
	d, err := sum.TicketDraft(t)
	if err != nil {
		return sum, d, err
	}
	if ch := sum.RCA.ChannelID; ch != "" {
		if ts, err := b.refs.Ref(ctx, t.RCAID, refDashboard); err == nil && ts != "" {
			if link, err := b.api.GetPermalinkContext(ctx, &slack.PermalinkParameters{Channel: ch, Ts: ts}); err == nil {
				d.RCALink = link
			} else {
				log.Warn("ticket: no link to the dashboard", "error", err)
			}
		}
		if info, err := b.api.GetConversationInfoContext(ctx, &slack.GetConversationInfoInput{ChannelID: ch}); err == nil && info.Name != "" {
			d.Labels = append(d.Labels, info.Name)
		} else if err != nil {
			log.Warn("ticket: no channel name for the label", "error", err)
		}
	}
	for _, o := range sum.Fixes {
		if o.Fix.ID != t.FixID || o.Fix.Owner == "" {
			continue
		}
		d.Owner = "Slack user " + o.Fix.Owner
		if u, err := b.api.GetUserInfoContext(ctx, o.Fix.Owner); err == nil {
			d.Owner = firstNonEmpty(u.RealName, u.Profile.DisplayName, u.Name, d.Owner)
			d.OwnerEmail = u.Profile.Email
		} else {
			log.Warn("ticket: the owner's name and e-mail address are unknown", "error", err)
		}
	}
	return sum, d, nil
}

// announceTicket posts the filed ticket under the fix's message, or in the
// RCA's channel when that message is unknown.
func (b *Bot) announceTicket(ctx context.Context, log *slog.Logger, rca *workflow.RCA, fixID int64, title string, t *workflow.FixTicket) {
	if rca.ChannelID == "" {
		return
	}
	text := fmt.Sprintf(":ticket: Filed %s in %s for the fix “%s”.", ticketLink(t.Key, t.URL), Escape(b.tickets.tracker.Name()),
		truncateEscaped(title, 300))
	opts := []slack.MsgOption{slack.MsgOptionText(Truncate(text, maxText), false)}
	if ts, err := b.refs.Ref(ctx, rca.ID, refFixMsgPrefix+strconv.FormatInt(fixID, 10)); err == nil && ts != "" {
		opts = append(opts, slack.MsgOptionTS(ts))
	}
	if _, _, err := b.api.PostMessageContext(ctx, rca.ChannelID, opts...); err != nil {
		log.Warn("announce a filed ticket", "error", err)
	}
}

// tellTicketFailure tells who asked for the ticket, else the facilitator,
// what went wrong; the fix is kept and the filing tried again.
func (b *Bot) tellTicketFailure(ctx context.Context, log *slog.Logger, rca *workflow.RCA, asker, title string, t *workflow.FixTicket) {
	text := fmt.Sprintf(":warning: The ticket for the fix “%s” could not be filed yet. %s\nThe fix is kept; I try again later.",
		truncateEscaped(title, 300), Escape(t.LastError))
	if asker != "" && rca.ChannelID != "" {
		b.whisper(ctx, log, rca.ChannelID, asker, text)
		return
	}
	if rca.Facilitator == "" {
		return
	}
	if _, _, err := b.api.PostMessageContext(ctx, rca.Facilitator, slack.MsgOptionText(Truncate(text, maxText), false)); err != nil {
		log.Warn("tell the facilitator of a failed filing", "error", err)
	}
}

// ticketLink is a ticket's key as a Slack link, or the key alone when the
// link cannot be one.
func ticketLink(key, url string) string {
	if key == "" {
		key = "ticket"
	}
	if !isWebURL(url) {
		return Escape(key)
	}
	return fmt.Sprintf("<%s|%s>", Escape(url), Escape(key))
}

// isWebURL reports whether u is an http(s) address Slack can link.
func isWebURL(u string) bool {
	return (strings.HasPrefix(u, "https://") || strings.HasPrefix(u, "http://")) && !strings.ContainsAny(u, "<>| ")
}
