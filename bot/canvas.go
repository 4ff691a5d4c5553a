package bot

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"

	"github.com/slack-go/slack"

	"github.com/untangle-rca/untangle/workflow"
)

// Refs of the channel canvas that holds an RCA's living report.
const (
	refCanvas         = "canvas"          // the canvas id
	refCanvasFallback = "canvas:fallback" // set once the channel was told why there is no canvas
	// refCanvasWanted is set while the canvas waits to be created: Slack
	// answered its creation with a 429 for longer than the transport waits.
	refCanvasWanted = "canvas:wanted"
)

// canvasUnavailable explains, per Slack error, why the report is a file.
var canvasUnavailable = map[string]string{
	"team_tier_cannot_create_channel_canvases":     "this workspace's Slack plan has no channel canvases",
	"free_teams_cannot_create_non_tabbed_canvases": "this workspace's Slack plan has no channel canvases",
	"canvas_disabled_user_team":                    "canvases are turned off in this workspace",
	"missing_scope":                                "the app lacks the canvases:write permission (reinstall it from the updated manifest)",
	"channel_canvas_already_exists":                "this channel already has a canvas made by someone else",
	"restricted_action":                            "a workspace setting does not let apps make canvases here",
}

// canvasDoc is Markdown as canvas document content.
func canvasDoc(md string) slack.DocumentContent {
	return slack.DocumentContent{Type: "markdown", Markdown: md}
}

func canvasHash(md string) string {
	h := sha256.Sum256([]byte(md))
	return hex.EncodeToString(h[:])
}

// postCanvas writes the final report into the channel's canvas, creating
// it the first time. It reports false when canvases are unavailable; the
// channel is then told why, once, and the caller posts the Markdown file.
func (b *Bot) postCanvas(ctx context.Context, log *slog.Logger, sum *workflow.Summary) bool {
	md := canvasMarkdown(sum, b.userNames(ctx, log, fixOwners(sum.Fixes)), b.cfg.Location)
	id, _ := b.refs.Ref(ctx, sum.RCA.ID, refCanvas)
	var err error
	if id != "" {
		if last, _ := b.refs.Ref(ctx, sum.RCA.ID, refSentPrefix+refCanvas); last == canvasHash(md) {
			return true // the redraw before this already wrote it
		}
		err = b.editCanvas(ctx, id, md)
	} else {
		err = b.createCanvas(ctx, sum.RCA.ID, sum.RCA.ChannelID, md)
	}
	if err == nil {
		b.canvasShows(ctx, log, sum.RCA.ID, md)
		return true
	}
	if _, limited := isRateLimited(err); limited && (id != "" || b.refs.PutRef(ctx, sum.RCA.ID, refCanvasWanted, "1") == nil) {
		// The canvas only has to wait: the refresher creates or writes it
		// once Slack's Retry-After has passed (see redrawCanvas).
		log.Info("the report canvas waits for Slack's rate limit", "rca", sum.RCA.ID, "error", err)
		b.kept.changed(workflow.Actor{UserID: sum.RCA.Facilitator}, sum.RCA.ID, change{})
		return true
	}
	log.Warn("write the report canvas", "rca", sum.RCA.ID, "error", err)
	b.explainNoCanvas(ctx, log, &sum.RCA, err)
	return false
}

// createCanvas creates the channel's canvas with md and remembers it.
func (b *Bot) createCanvas(ctx context.Context, rcaID int64, channel, md string) error {
	id, err := b.api.CreateChannelCanvasContext(ctx, channel, canvasDoc(md))
	if err != nil {
		return err
	}
	if err := b.refs.PutRef(ctx, rcaID, refCanvas, id); err != nil {
		return err
	}
	return b.refs.PutRef(ctx, rcaID, refCanvasWanted, "")
}

// canvasShows remembers that the canvas shows md.
func (b *Bot) canvasShows(ctx context.Context, log *slog.Logger, rcaID int64, md string) {
	if err := b.refs.PutRef(ctx, rcaID, refSentPrefix+refCanvas, canvasHash(md)); err != nil {
		log.Warn("remember what the canvas shows", "rca", rcaID, "error", err)
	}
}

func (b *Bot) editCanvas(ctx context.Context, id, md string) error {
	return b.api.EditCanvasContext(ctx, slack.EditCanvasParams{CanvasID: id,
		Changes: []slack.CanvasChange{{Operation: "replace", DocumentContent: canvasDoc(md)}}})
}

// explainNoCanvas says in the channel, once per RCA, why the report is a
// file rather than the channel's canvas.
func (b *Bot) explainNoCanvas(ctx context.Context, log *slog.Logger, rca *workflow.RCA, cause error) {
	if told, _ := b.refs.Ref(ctx, rca.ID, refCanvasFallback); told != "" {
		return
	}
	why := "Slack did not accept it"
	var se slack.SlackErrorResponse
	if errors.As(cause, &se) {
		if w, ok := canvasUnavailable[se.Err]; ok {
			why = w
		} else {
			why = fmt.Sprintf("Slack answered `%s`", Escape(se.Err))
		}
	}
	text := ":memo: The report is posted as a Markdown file instead of the channel canvas: " + why + "."
	if _, _, err := b.api.PostMessageContext(ctx, rca.ChannelID, slack.MsgOptionText(text, false)); err != nil {
		log.Warn("explain the missing canvas", "rca", rca.ID, "error", err)
		return
	}
	if err := b.refs.PutRef(ctx, rca.ID, refCanvasFallback, "1"); err != nil {
		log.Warn("remember the canvas explanation", "rca", rca.ID, "error", err)
	}
}

// redrawCanvas keeps a closed RCA's canvas current: it rewrites the canvas
// when the report drawn now differs from what it last showed, and creates
// it when its creation waited for Slack's rate limit. It runs on the RCA's
// refresher loop, which holds the canvas back and tries again once Slack's
// Retry-After has passed when it returns a 429.
func (b *Bot) redrawCanvas(ctx context.Context, actor workflow.Actor, rcaID int64) error {
	id, _ := b.refs.Ref(ctx, rcaID, refCanvas)
	wanted, _ := b.refs.Ref(ctx, rcaID, refCanvasWanted)
	if id == "" && wanted == "" {
		return nil
	}
	log := b.log.With("rca", rcaID)
	sum, err := b.svc.Summary(ctx, actor, rcaID)
	if err != nil {
		log.Warn("read the RCA for its canvas", "error", err)
		return nil
	}
	md := canvasMarkdown(sum, b.userNames(ctx, log, fixOwners(sum.Fixes)), b.cfg.Location)
	if id == "" {
		err = b.createCanvas(ctx, rcaID, sum.RCA.ChannelID, md)
	} else if last, _ := b.refs.Ref(ctx, rcaID, refSentPrefix+refCanvas); last != canvasHash(md) {
		err = b.editCanvas(ctx, id, md)
	} else {
		return nil
	}
	if _, limited := isRateLimited(err); limited {
		return err
	}
	if err != nil && id == "" {
		b.reportWithoutCanvas(ctx, log, sum, err)
		return nil
	}
	if err != nil {
		log.Warn("update the report canvas", "error", err)
		return nil
	}
	b.canvasShows(ctx, log, rcaID, md)
	return nil
}

// reportWithoutCanvas posts the report as a Markdown file after a canvas
// that waited for Slack's rate limit could not be created after all.
func (b *Bot) reportWithoutCanvas(ctx context.Context, log *slog.Logger, sum *workflow.Summary, cause error) {
	log.Warn("create the report canvas", "error", cause)
	if err := b.refs.PutRef(ctx, sum.RCA.ID, refCanvasWanted, ""); err != nil {
		log.Warn("forget the wanted canvas", "error", err)
	}
	b.explainNoCanvas(ctx, log, &sum.RCA, cause)
	if _, err := b.uploadAll(ctx, sum.RCA.ChannelID, []upload{b.reportFile(ctx, log, sum)}); err != nil {
		log.Error("upload the report", "error", err)
	}
}
