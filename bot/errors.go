package bot

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"

	"github.com/slack-go/slack"

	"github.com/untangle-rca/untangle/workflow"
)

// friendly gives the lead-in shown to users for each workflow error code;
// the workflow's own message (already written for people) follows it.
var friendly = map[string]string{
	workflow.EInvalid:    "That didn't work:",
	workflow.ENotFound:   "I couldn't find that:",
	workflow.EForbidden:  "Sorry, you can't do that here:",
	workflow.EConflict:   "That clashes with what is already there:",
	workflow.EWrongPhase: "Not in this phase:",
}

// userText turns an error into the sentence a user sees. Internal errors are
// logged with a short reference id; the user sees only an apology with it.
func userText(log *slog.Logger, err error) string {
	if rf := asRefusal(err); rf != nil {
		return rf.mrkdwn
	}
	code := workflow.ErrorCode(err)
	if lead, ok := friendly[code]; ok {
		return ":warning: " + lead + " " + errorSentence(err)
	}
	ref := newRef()
	log.Error("internal error", "ref", ref, "error", err)
	return apology(ref)
}

// errorSentence is the workflow's message in mrkdwn; a refusal of what only
// the facilitator may do names them with a mention, and the RCA by its title.
func errorSentence(err error) string {
	if e := workflow.ErrorDetail(err); e != nil && e.Facilitator != "" {
		return fmt.Sprintf("Only <@%s>, the facilitator of *%s*, can %s.", e.Facilitator, Escape(e.Title), Escape(e.Action))
	}
	return Escape(workflow.ErrorMessage(err))
}

// apology is the message for an internal failure.
func apology(ref string) string {
	return ":construction: Sorry, something went wrong on our side. Nothing you typed is lost; please try again. If it keeps happening, quote reference `" + ref + "`."
}

// newRef returns a short random id that ties a user's apology to a log line.
func newRef() string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// ephemeralAck is a slash-command acknowledgement only the caller sees.
func ephemeralAck(text string) slack.Msg {
	return slack.Msg{ResponseType: slack.ResponseTypeEphemeral, Text: Truncate(text, maxText)}
}

// ephemeralBlocksAck is a slash-command acknowledgement with blocks.
func ephemeralBlocksAck(fallback string, blocks []slack.Block) slack.Msg {
	return slack.Msg{ResponseType: slack.ResponseTypeEphemeral, Text: Truncate(fallback, maxText), Blocks: slack.Blocks{BlockSet: clipMessage(blocks)}}
}

// tell answers the user of an interaction privately: an ephemeral message
// in the channel it came from, or a small modal when there is no channel
// (App Home, a modal).
func (b *Bot) tell(ctx context.Context, r *reply, cb *slack.InteractionCallback, text string) {
	channel := cb.Channel.ID
	if channel == "" {
		channel = cb.Container.ChannelID
	}
	if channel != "" {
		if _, err := b.api.PostEphemeralContext(ctx, channel, cb.User.ID, slack.MsgOptionText(Truncate(text, maxText), false)); err == nil {
			return
		} else {
			r.log.Warn("ephemeral answer failed; trying a modal", "error", err)
		}
	}
	if cb.TriggerID == "" {
		return
	}
	v := modal("notice", "untangle", "", "", section(text))
	if _, err := b.api.OpenViewContext(ctx, cb.TriggerID, v); err != nil {
		r.log.Warn("could not show a notice", "error", err)
	}
}

// fail tells the user of an interaction what went wrong.
func (b *Bot) fail(ctx context.Context, r *reply, cb *slack.InteractionCallback, err error) {
	b.tell(ctx, r, cb, userText(r.log, err))
}

// viewErrors answers a view submission with the error on the input it
// concerns (or on first, the modal's main input, when the field is unknown).
func viewErrors(log *slog.Logger, cb *slack.InteractionCallback, err error, first string) *slack.ViewSubmissionResponse {
	field := workflow.ErrorField(err)
	if _, ok := cb.View.State.Values[field]; !ok || field == "" {
		field = first
	}
	msg := workflow.ErrorMessage(err)
	if rf := asRefusal(err); rf != nil {
		msg = rf.plain
	} else if workflow.ErrorCode(err) == workflow.EInternal {
		msg = "Sorry, something went wrong on our side; nothing was saved. Please try again."
		userText(log, err)
	}
	return slack.NewErrorsViewSubmissionResponse(map[string]string{field: Truncate(msg, maxLabel)})
}
