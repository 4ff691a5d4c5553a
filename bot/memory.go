package bot

import (
	"context"
	"fmt"
	"strings"

	"github.com/slack-go/slack"

	"github.com/untangle-rca/untangle/workflow"
)

// maxMemoryFixes bounds the earlier RCA's fixes listed in one memory hint.
const maxMemoryFixes = 5

// memoryHintText tells that a new node resembles a core cause of an earlier
// RCA: both causes by their text, the earlier RCA's title, channel and
// closing date, its fixes against that cause with their status, and a loud
// note when one was done (a regression). The earlier RCA's node numbers are
// never shown: "#N" would name a node of this RCA.
func memoryHintText(s workflow.Similar) string {
	var sb strings.Builder
	fmt.Fprintf(&sb, ":repeat: *Seen before:* *%s* “%s” resembles a core cause of the earlier RCA *%s*",
		s.Node, truncateEscaped(s.Text, 300), truncateEscaped(s.Past.RCATitle, 150))
	if s.Past.Channel != "" {
		fmt.Fprintf(&sb, " (<#%s>)", Escape(s.Past.Channel))
	}
	if !s.Past.ClosedAt.IsZero() {
		sb.WriteString(", closed " + s.Past.ClosedAt.Format("2 Jan 2006"))
	}
	fmt.Fprintf(&sb, ": “%s”.", truncateEscaped(s.Past.Text, 300))
	if len(s.Fixes) == 0 {
		sb.WriteString("\nNo fix was proposed against it there.")
	} else {
		sb.WriteString("\nIts fixes there:")
	}
	for i, f := range s.Fixes {
		if i == maxMemoryFixes {
			fmt.Fprintf(&sb, "\n_…and %d more._", len(s.Fixes)-i)
			break
		}
		st := statusOf(&f)
		fmt.Fprintf(&sb, "\n• %s *%s* · %s", fixStatusIcon[st], st.Label(), truncateEscaped(f.Injection, 200))
		if st == workflow.FixDropped && f.Reason != "" {
			sb.WriteString(" (dropped: " + truncateEscaped(f.Reason, 150) + ")")
		}
	}
	sb.WriteString(regressionNote(s))
	return Truncate(sb.String(), maxText)
}

// memoryHintBlocks are the blocks of a memory hint message, one section per
// similar past cause.
func memoryHintBlocks(sims []workflow.Similar) []slack.Block {
	blocks := make([]slack.Block, 0, len(sims))
	for _, s := range sims {
		blocks = append(blocks, section(memoryHintText(s)))
	}
	return blocks
}

// splitSimilar parts similar past causes into those that may be posted in
// the RCA channel and those only the author may be told.
func splitSimilar(sims []workflow.Similar) (shared, private []workflow.Similar) {
	for _, s := range sims {
		if s.Shared {
			shared = append(shared, s)
		} else {
			private = append(private, s)
		}
	}
	return shared, private
}

// shareMemory posts, in the RCA channel for the whole team, the similar
// past causes of a result that everyone in that channel may see. A replayed
// result was shared the first time.
func (b *Bot) shareMemory(ctx context.Context, r *reply, res *workflow.Result) {
	if res == nil || res.Replayed || res.RCA == nil || res.RCA.ChannelID == "" {
		return
	}
	shared, _ := splitSimilar(res.Similar)
	if len(shared) == 0 {
		return
	}
	channel := res.RCA.ChannelID
	blocks := clipMessage(memoryHintBlocks(shared))
	fallback := Truncate(memoryHintText(shared[0]), maxText)
	if _, _, err := b.api.PostMessageContext(ctx, channel, slack.MsgOptionText(fallback, false), slack.MsgOptionBlocks(blocks...)); err != nil {
		r.log.Warn("post the memory hint", "error", err)
	}
}
