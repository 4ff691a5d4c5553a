package bot

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strings"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"

	"github.com/untangle-rca/untangle/workflow"
)

// reply collects a handler's answer: the payload of the acknowledgement and
// the slow work to run after it (uploads, channel set-up, message updates).
type reply struct {
	envelopeID string
	log        *slog.Logger
	ack        any
	after      []func(ctx context.Context)
}

// later schedules f to run after the envelope has been acknowledged.
func (r *reply) later(f func(ctx context.Context)) { r.after = append(r.after, f) }

// key returns ctx carrying an idempotency key for one workflow command of
// this envelope, so a redelivered envelope applies each command once.
func (r *reply) key(ctx context.Context, purpose string) context.Context {
	return workflow.WithKey(ctx, r.envelopeID+"/"+purpose)
}

// Handler signatures of the routes.
type (
	slashHandler      func(ctx context.Context, r *reply, cmd *slack.SlashCommand, args string)
	actionHandler     func(ctx context.Context, r *reply, cb *slack.InteractionCallback, act *slack.BlockAction)
	viewHandler       func(ctx context.Context, r *reply, cb *slack.InteractionCallback)
	shortcutHandler   func(ctx context.Context, r *reply, cb *slack.InteractionCallback)
	suggestionHandler func(ctx context.Context, r *reply, cb *slack.InteractionCallback)
	eventHandler      func(ctx context.Context, r *reply, data any)
)

// routes maps Slack identifiers to handlers. Each feature file adds its
// routes in a method called from buildRoutes.
type routes struct {
	slash       map[string]slashHandler // by /rca sub-command
	actions     map[string]actionHandler
	views       map[string]viewHandler
	shortcuts   map[string]shortcutHandler
	suggestions map[string]suggestionHandler
	events      map[string]eventHandler // by inner event type, e.g. app_home_opened
}

func (b *Bot) buildRoutes() *routes {
	rt := &routes{
		slash:       map[string]slashHandler{},
		actions:     map[string]actionHandler{},
		views:       map[string]viewHandler{},
		shortcuts:   map[string]shortcutHandler{},
		suggestions: map[string]suggestionHandler{},
		events:      map[string]eventHandler{},
	}
	b.commandRoutes(rt)
	b.startRoutes(rt)
	b.remindRoutes(rt)
	b.renderRoutes(rt)
	b.symptomRoutes(rt)
	b.walkRoutes(rt)
	b.challengeRoutes(rt)
	b.sufficiencyRoutes(rt)
	b.membershipRoutes(rt)
	b.ticketRoutes(rt)
	return rt
}

// handle runs one envelope: route it, acknowledge it exactly once (even when
// the handler fails or panics), then run the work scheduled for after the ack.
func (b *Bot) handle(ctx context.Context, evt socketmode.Event) {
	req := evt.Request
	r := &reply{envelopeID: req.EnvelopeID, log: b.log.With("envelope", req.EnvelopeID, "kind", req.Type)}
	if req.RetryAttempt > 0 {
		r.log = r.log.With("retry_attempt", req.RetryAttempt, "retry_reason", req.RetryReason)
	}
	start := time.Now()
	ackCtx, cancel := context.WithTimeout(ctx, b.cfg.AckBudget)
	b.safely(r, "handler", func() { b.routeOnce(ackCtx, evt, r) })
	cancel()
	b.ack(req, r)
	b.ops.acked(req.Type, time.Since(start))
	r.log.Debug("acknowledged", "ms", time.Since(start).Milliseconds())
	if len(r.after) == 0 {
		return
	}
	afterCtx, cancelAfter := context.WithTimeout(ctx, b.cfg.AfterBudget)
	defer cancelAfter()
	for _, f := range r.after {
		b.safely(r, "after-ack work", func() { f(afterCtx) })
	}
}

// ack sends the acknowledgement; a payload Slack would drop is replaced by
// an empty ack so the envelope is never left unacknowledged.
func (b *Bot) ack(req *socketmode.Request, r *reply) {
	var err error
	if r.ack == nil {
		err = b.sm.Ack(*req)
	} else if err = b.sm.Ack(*req, r.ack); err != nil {
		r.log.Error("ack payload refused; acknowledging without it", "error", err)
		err = b.sm.Ack(*req)
	}
	if err != nil {
		r.log.Error("could not acknowledge envelope", "error", err)
	}
}

// safely runs f, turning a panic into a logged internal error.
func (b *Bot) safely(r *reply, what string, f func()) {
	defer func() {
		if p := recover(); p != nil {
			ref := newRef()
			r.log.Error("panic in "+what, "ref", ref, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			if r.ack == nil {
				r.ack = ephemeralAck(apology(ref))
			}
		}
	}()
	f()
}

func (b *Bot) route(ctx context.Context, evt socketmode.Event, r *reply) {
	rt := b.rt
	switch data := evt.Data.(type) {
	case slack.SlashCommand:
		r.log = r.log.With("user", data.UserID, "channel", data.ChannelID)
		b.onSlash(ctx, r, rt, &data)
	case slack.InteractionCallback:
		r.log = r.log.With("user", data.User.ID)
		b.onInteraction(ctx, r, rt, &data)
	case slackevents.EventsAPIEvent:
		b.onEvent(ctx, r, data)
	default:
		r.log.Warn("unexpected envelope payload", "go_type", fmt.Sprintf("%T", evt.Data))
	}
}

func (b *Bot) onSlash(ctx context.Context, r *reply, rt *routes, cmd *slack.SlashCommand) {
	sub, args, _ := strings.Cut(strings.TrimSpace(cmd.Text), " ")
	sub = strings.ToLower(sub)
	h, ok := rt.slash[sub]
	if !ok {
		h = rt.slash["help"]
		if sub != "" && sub != "help" {
			args = sub
		}
	}
	r.log = r.log.With("command", sub)
	h(ctx, r, cmd, strings.TrimSpace(args))
}

func (b *Bot) onInteraction(ctx context.Context, r *reply, rt *routes, cb *slack.InteractionCallback) {
	switch cb.Type {
	case slack.InteractionTypeBlockActions:
		for _, act := range cb.ActionCallback.BlockActions {
			if h, ok := rt.actions[act.ActionID]; ok {
				r.log = r.log.With("action", act.ActionID)
				h(ctx, r, cb, act)
				return
			}
		}
	case slack.InteractionTypeViewSubmission:
		if h, ok := rt.views[cb.View.CallbackID]; ok {
			r.log = r.log.With("view", cb.View.CallbackID)
			h(ctx, r, cb)
			return
		}
	case slack.InteractionTypeMessageAction, slack.InteractionTypeShortcut:
		if h, ok := rt.shortcuts[cb.CallbackID]; ok {
			h(ctx, r, cb)
			return
		}
	case slack.InteractionTypeBlockSuggestion:
		if h, ok := rt.suggestions[cb.ActionID]; ok {
			h(ctx, r, cb)
			return
		}
	case slack.InteractionTypeViewClosed:
		return
	}
	r.log.Debug("no route for interaction", "type", string(cb.Type), "callback", cb.CallbackID)
}

func (b *Bot) onEvent(ctx context.Context, r *reply, ev slackevents.EventsAPIEvent) {
	if ev.Type != slackevents.CallbackEvent {
		return
	}
	if h, ok := b.rt.events[ev.InnerEvent.Type]; ok {
		h(ctx, r, ev.InnerEvent.Data)
	}
}
