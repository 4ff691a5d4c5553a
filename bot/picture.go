package bot

// Posting the tree pictures. A picture is uploaded once per version of the
// tree: asking for it again while the tree is unchanged points to the one
// already in the channel. Asks run one at a time per RCA, in order, on the
// refresher (a job after the redraw), so two clicks never race.

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"github.com/slack-go/slack"

	"github.com/untangle-rca/untangle/tree/render"
	"github.com/untangle-rca/untangle/workflow"
)

// Slack refs of the pictures.
const (
	refPicturePrefix = "picture:"    // + kind ("cst", "frt"): the version key last uploaded
	refCoreMessage   = "core_causes" // the latest core-cause message: "ts phase"
)

// askPicture queues drawing and posting an RCA's tree for actor.
func (b *Bot) askPicture(log *slog.Logger, actor workflow.Actor, rcaID int64) {
	job := func(ctx context.Context) { b.postPicture(ctx, log, actor, rcaID) }
	b.changed(actor, rcaID, change{jobs: []func(context.Context){job}})
}

// postPicture posts the tree picture and the core-cause message. When the
// tree has not changed since its picture was posted, the picture is not
// uploaded again: a new phase (Plan fixes after Render tree) gets a new
// core-cause message pointing to it, and otherwise the asker is answered
// privately with a link.
func (b *Bot) postPicture(ctx context.Context, log *slog.Logger, actor workflow.Actor, rcaID int64) {
	sum, err := b.svc.Summary(ctx, actor, rcaID)
	if err != nil {
		log.Error("render: load the tree", "rca", rcaID, "error", err)
		return
	}
	channel := sum.RCA.ChannelID
	key, err := versionKey("cst", sum.Tree, sum.Analysis)
	if err != nil {
		b.whisper(ctx, log, channel, actor.UserID, userText(log, err))
		return
	}
	core, _ := b.refs.Ref(ctx, rcaID, refCoreMessage)
	coreTS, corePhase, _ := strings.Cut(core, " ")
	shown, _ := b.refs.Ref(ctx, rcaID, refPicturePrefix+"cst")
	unchanged := shown == key && coreTS != ""
	if unchanged && corePhase == string(sum.RCA.Phase) {
		b.whisper(ctx, log, channel, actor.UserID, fmt.Sprintf(":frame_with_picture: The tree has not changed since it was drawn: %s.", b.linkTo(ctx, channel, coreTS, "see its picture and core causes")))
		return
	}
	if err := b.postCST(ctx, log, sum, key, coreTS, unchanged); err != nil {
		b.whisper(ctx, log, channel, actor.UserID, userText(log, fmt.Errorf("render the tree of RCA %d: %w", rcaID, err)))
	}
}

// postCST uploads the tree pictures (unless unchanged) and then the
// core-cause message, which points to the earlier picture when unchanged.
func (b *Bot) postCST(ctx context.Context, log *slog.Logger, sum *workflow.Summary, key, coreTS string, unchanged bool) error {
	blocks := b.withWebLink(ctx, log, sum.RCA.ID, coreCauseBlocks(sum.RCA.ID, sum.RCA.Phase, sum.Tree, sum.Analysis))
	if unchanged {
		blocks = append(blocks, contextBlock(":frame_with_picture: The tree has not changed since its picture was posted: "+b.linkTo(ctx, sum.RCA.ChannelID, coreTS, "see it here")+"."))
	} else {
		_, err := b.uploadPicture(ctx, log, sum.RCA.ID, sum.RCA.ChannelID, key, func() ([]upload, error) {
			imgs, err := b.media.cached(key, log, func() ([]render.Image, error) { return b.drawTree(ctx, sum.Tree, sum.Analysis) })
			return pictureUploads("cst", imgs, treeAltText(sum.Tree, sum.Analysis)), err
		})
		if err != nil {
			return err
		}
	}
	_, ts, err := b.api.PostMessageContext(ctx, sum.RCA.ChannelID,
		slack.MsgOptionText("Core causes of "+Escape(sum.RCA.Title), false), slack.MsgOptionBlocks(clipMessage(blocks)...))
	if err != nil {
		return fmt.Errorf("post the core causes: %w", err)
	}
	if err := b.refs.PutRef(ctx, sum.RCA.ID, refCoreMessage, ts+" "+string(sum.RCA.Phase)); err != nil {
		log.Warn("remember the core-cause message", "error", err)
	}
	return nil
}

// uploadPicture uploads the files files() makes for the picture version
// key, unless that version is the one last uploaded into the RCA's channel
// (the key's kind prefix tells CST from FRT). It returns the file ids.
func (b *Bot) uploadPicture(ctx context.Context, log *slog.Logger, rcaID int64, channel, key string, files func() ([]upload, error)) ([]string, error) {
	kind, _, _ := strings.Cut(key, "-")
	if shown, _ := b.refs.Ref(ctx, rcaID, refPicturePrefix+kind); shown == key {
		return nil, nil
	}
	fs, err := files()
	if err != nil {
		return nil, err
	}
	ids, err := b.uploadAll(ctx, channel, fs)
	if err != nil {
		return ids, err
	}
	if err := b.refs.PutRef(ctx, rcaID, refPicturePrefix+kind, key); err != nil {
		log.Warn("remember the posted picture", "error", err)
	}
	return ids, nil
}

// linkTo is a mrkdwn link to a message, or label alone when Slack gives no
// permalink.
func (b *Bot) linkTo(ctx context.Context, channel, ts, label string) string {
	url, err := b.api.GetPermalinkContext(ctx, &slack.PermalinkParameters{Channel: channel, Ts: ts})
	if err != nil || url == "" {
		return label + " above"
	}
	return fmt.Sprintf("<%s|%s>", url, label)
}
