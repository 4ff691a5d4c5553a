package bot

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"

	"github.com/untangle-rca/untangle/tree"
	"github.com/untangle-rca/untangle/tree/render"
	"github.com/untangle-rca/untangle/workflow"
)

// Ids of the core-cause message.
const (
	actProposeFix = "core_propose_fix" // value: rcaValue(rcaID, node)
)

// renderCacheSize bounds how many tree versions keep their pictures in memory.
const renderCacheSize = 16

// maxListed bounds the nodes named in one line of a message.
const maxListed = 12

// media caches rendered pictures per tree version. The zero value is
// ready to use; it lives in Bot.media.
type media struct {
	// drawing lets one picture be drawn at a time: layouts are serialised
	// by Graphviz anyway, and painting big trees on every core at once
	// would starve the acknowledgements of other envelopes.
	drawing  sync.Mutex
	mu       sync.Mutex
	pictures map[string][]render.Image // by version key
	order    []string                  // keys, oldest first, for eviction
}

// cached returns the pictures of a version key, rendering them with draw
// on a miss and keeping at most renderCacheSize versions.
func (m *media) cached(key string, log *slog.Logger, draw func() ([]render.Image, error)) ([]render.Image, error) {
	m.mu.Lock()
	imgs, ok := m.pictures[key]
	m.mu.Unlock()
	if ok {
		log.Debug("render cache hit", "key", key)
		return imgs, nil
	}
	m.drawing.Lock()
	imgs, err := draw()
	m.drawing.Unlock()
	if err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.pictures == nil {
		m.pictures = map[string][]render.Image{}
	}
	if _, ok := m.pictures[key]; !ok {
		m.pictures[key] = imgs
		m.order = append(m.order, key)
		if len(m.order) > renderCacheSize {
			delete(m.pictures, m.order[0])
			m.order = m.order[1:]
		}
	}
	return imgs, nil
}

// versionKey identifies what a picture shows: the kind of picture, every
// node and link with its flags and status, and the analysis drawn on it.
func versionKey(kind string, t *tree.Tree, a *tree.Analysis) (string, error) {
	h := sha256.New()
	h.Write([]byte(kind + "\n"))
	tj, err := t.MarshalJSON()
	if err != nil {
		return "", fmt.Errorf("version key: %w", err)
	}
	h.Write(tj)
	if a != nil {
		aj, err := json.Marshal(a)
		if err != nil {
			return "", fmt.Errorf("version key: %w", err)
		}
		h.Write(aj)
	}
	return kind + "-" + hex.EncodeToString(h.Sum(nil)[:12]), nil
}

// drawTree renders t as readable PNGs with a renderer of its own (creating
// one costs under a millisecond, and nothing is left open), and counts the
// render in the metrics.
func (b *Bot) drawTree(ctx context.Context, t *tree.Tree, a *tree.Analysis) (imgs []render.Image, err error) {
	defer func(start time.Time) { b.ops.rendered(start, err) }(time.Now())
	r, err := render.New(ctx)
	if err != nil {
		return nil, fmt.Errorf("draw %q: %w", t.Title, err)
	}
	defer r.Close()
	imgs, err = r.ReadablePNGs(ctx, t, a, render.Options{})
	if err != nil {
		return nil, fmt.Errorf("draw %q: %w", t.Title, err)
	}
	return imgs, nil
}

// renderRoutes adds "Render tree", /rca render and the fix and finish routes.
func (b *Bot) renderRoutes(rt *routes) {
	rt.actions[actRender] = b.clickRender
	rt.slash["render"] = b.slashRender
	b.fixRoutes(rt)
	b.fixTrackRoutes(rt)
	b.futureRoutes(rt)
	b.finishRoutes(rt)
}

func (b *Bot) clickRender(ctx context.Context, r *reply, cb *slack.InteractionCallback, act *slack.BlockAction) {
	rca, _, err := b.rcaForAction(ctx, cb, act.Value)
	if err == nil {
		err = workflow.Check(rca, cb.User.ID, workflow.CmdView)
	}
	if err != nil {
		b.fail(ctx, r, cb, err)
		return
	}
	b.askPicture(r.log, workflow.Actor{UserID: cb.User.ID}, rca.ID)
}

func (b *Bot) slashRender(ctx context.Context, r *reply, cmd *slack.SlashCommand, _ string) {
	actor := workflow.Actor{UserID: cmd.UserID}
	rca, err := b.rcaHere(ctx, actor, cmd.ChannelID)
	if err == nil {
		err = workflow.Check(rca, cmd.UserID, workflow.CmdView)
	}
	if err != nil {
		r.ack = ephemeralAck(userText(r.log, err))
		return
	}
	r.ack = ephemeralAck(":frame_with_picture: Drawing the tree; the picture and its core causes follow in a moment.")
	b.askPicture(r.log, actor, rca.ID)
}

// pictureUploads names the images of one picture: prefix.png, or
// prefix-1.png, prefix-2.png… when the tree was split.
func pictureUploads(prefix string, imgs []render.Image, alt string) []upload {
	out := make([]upload, len(imgs))
	for i, img := range imgs {
		name := prefix + ".png"
		if len(imgs) > 1 {
			name = fmt.Sprintf("%s-%d.png", prefix, i+1)
		}
		out[i] = upload{name: name, title: img.Title, alt: alt, data: img.PNG}
	}
	return out
}

// whisper sends an ephemeral message to user in channel, logging failures.
func (b *Bot) whisper(ctx context.Context, log *slog.Logger, channel, user, text string) {
	if channel == "" || user == "" {
		return
	}
	if _, err := b.api.PostEphemeralContext(ctx, channel, user, slack.MsgOptionText(Truncate(text, maxText), false)); err != nil {
		log.Warn("ephemeral message failed", "user", user, "error", err)
	}
}

// treeAltText describes a tree picture for people who cannot see it: its
// size and the core causes it shows.
func treeAltText(t *tree.Tree, a *tree.Analysis) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Current State Tree of %q: %s, %s.", t.Title, plural(t.NumNodes(), "node"), plural(t.NumGroups(), "link"))
	if a == nil {
		return Truncate(b.String(), maxAltText)
	}
	core := coreRoots(a)
	if len(core) == 0 {
		b.WriteString(" No single core cause.")
	}
	for i, root := range core {
		if i == 0 {
			b.WriteString(" Core cause: ")
		} else {
			b.WriteString("; ")
		}
		b.WriteString(rootPlainText(t, root))
		fmt.Fprintf(&b, " (explains %d/%d symptoms)", len(root.Explains), len(a.UDEs))
	}
	return Truncate(b.String(), maxAltText)
}

// coreRoots returns the roots that are core causes, best first.
func coreRoots(a *tree.Analysis) []tree.Root {
	out := make([]tree.Root, 0, len(a.CoreCauses))
	for _, i := range a.CoreCauses {
		out = append(out, a.Roots[i])
	}
	return out
}

// rootPlainText names a root's nodes with their texts, without mrkdwn.
func rootPlainText(t *tree.Tree, root tree.Root) string {
	parts := make([]string, 0, len(root.Nodes))
	for _, id := range root.Nodes {
		text := ""
		if n, ok := t.Node(id); ok {
			text = " " + Truncate(n.Text, 120)
		}
		parts = append(parts, id.String()+text)
	}
	return strings.Join(parts, " ⟲ ")
}

// nodeRef is a node as a mrkdwn reference: its bold number and escaped text.
func nodeRef(t *tree.Tree, id tree.NodeID, max int) string {
	n, ok := t.Node(id)
	if !ok {
		return "*" + id.String() + "*"
	}
	return "*" + id.String() + "* " + truncateEscaped(n.Text, max)
}

// nodeList names up to maxListed nodes with short texts, then how many more.
func nodeList(t *tree.Tree, ids []tree.NodeID) string {
	if len(ids) == 0 {
		return "none"
	}
	parts := make([]string, 0, min(len(ids), maxListed)+1)
	for i, id := range ids {
		if i == maxListed {
			parts = append(parts, fmt.Sprintf("and %d more", len(ids)-maxListed))
			break
		}
		parts = append(parts, nodeRef(t, id, 60))
	}
	return strings.Join(parts, "; ")
}

// numberList is ids as "#1, #2, #3", up to 40 of them.
func numberList(ids []tree.NodeID) string {
	parts := make([]string, 0, min(len(ids), 40)+1)
	for i, id := range ids {
		if i == 40 {
			parts = append(parts, fmt.Sprintf("… (%d in all)", len(ids)))
			break
		}
		parts = append(parts, id.String())
	}
	return strings.Join(parts, ", ")
}

// percent is a share as a whole percentage.
func percent(share float64) string { return fmt.Sprintf("%.0f%%", share*100) }

// rootLine is a root with its coverage, in mrkdwn.
func rootLine(t *tree.Tree, a *tree.Analysis, root tree.Root) string {
	names := make([]string, 0, len(root.Nodes))
	for _, id := range root.Nodes {
		names = append(names, nodeRef(t, id, 200))
	}
	line := strings.Join(names, " ⟲ ")
	if len(root.Nodes) > 1 {
		line = ":repeat: loop: " + line
	}
	sep := " ·"
	if root.Contributing {
		sep = ", but other causes would still produce the symptoms:"
	}
	return fmt.Sprintf("%s\nexplains %d/%d (%s of impact)%s fixing it alone removes %d/%d",
		line, len(root.Explains), len(a.UDEs), percent(root.Share), sep, len(root.Removes), len(a.UDEs))
}

// rootBlock is a root's line, with a "Propose fix" button while fixes can be proposed.
func rootBlock(rcaID int64, phase workflow.Phase, t *tree.Tree, a *tree.Analysis, root tree.Root, style slack.Style) slack.Block {
	line := rootLine(t, a, root)
	if phase != workflow.PhaseFixing || len(root.Nodes) == 0 {
		return section(line)
	}
	return sectionWithButton(line, button("Propose fix", actProposeFix, rcaValue(rcaID, int64(root.Nodes[0])), style))
}

// maxOtherRoots bounds the non-core roots listed in the core-cause message.
const maxOtherRoots = 10

// coreCauseBlocks is the core-cause message: each core cause with its
// coverage, the other roots, the smallest fix set, what the analysis could
// not place, warnings, and how many links were left out as not yet accepted.
func coreCauseBlocks(rcaID int64, phase workflow.Phase, t *tree.Tree, a *tree.Analysis) []slack.Block {
	blocks := []slack.Block{header(":dart: Where the arrows converge")}
	if len(a.UDEs) == 0 {
		return append(blocks, section("There are no symptoms yet, so nothing to explain. Add the undesirable effects first."))
	}
	core := coreRoots(a)
	if len(core) == 0 {
		blocks = append(blocks, section(fmt.Sprintf(":scales: *No single core cause*: no root both explains %s of the impact and removes that much when fixed alone.", percent(a.Threshold))))
	} else {
		word := "Core cause"
		if len(core) > 1 {
			word = "Core causes"
		}
		blocks = append(blocks, section(fmt.Sprintf("*%s* (explaining %s or more of the impact and removing as much when fixed alone):", word, percent(a.Threshold))))
	}
	for _, root := range core {
		blocks = append(blocks, rootBlock(rcaID, phase, t, a, root, slack.StylePrimary))
	}
	blocks = append(blocks, otherRootBlocks(rcaID, phase, t, a)...)
	blocks = append(blocks, section(gapsText(t, a)))
	if notes := warningTexts(a); len(notes) > 0 {
		blocks = append(blocks, contextBlock(notes...))
	}
	if phase != workflow.PhaseFixing && phase != workflow.PhaseClosed {
		blocks = append(blocks, contextBlock("Fixes are proposed once the facilitator clicks *Plan fixes* on the dashboard."))
	}
	return clipMessage(blocks)
}

// otherRootBlocks lists the contributing causes, then the other roots that
// are not core causes, at most maxOtherRoots of them together.
func otherRootBlocks(rcaID int64, phase workflow.Phase, t *tree.Tree, a *tree.Analysis) []slack.Block {
	var contributing, others []tree.Root
	for _, root := range a.Roots {
		switch {
		case root.Contributing:
			contributing = append(contributing, root)
		case !root.Core:
			others = append(others, root)
		}
	}
	var blocks []slack.Block
	listed := 0
	for _, part := range []struct {
		title string
		roots []tree.Root
	}{
		{fmt.Sprintf("*Contributing causes* (explaining %s or more, but other causes would still produce the symptoms)", percent(a.Threshold)), contributing},
		{"*Other root causes*", others},
	} {
		if len(part.roots) == 0 {
			continue
		}
		if listed == maxOtherRoots {
			break
		}
		blocks = append(blocks, section(part.title))
		for _, root := range part.roots {
			if listed == maxOtherRoots {
				break
			}
			blocks = append(blocks, rootBlock(rcaID, phase, t, a, root, ""))
			listed++
		}
	}
	if left := len(contributing) + len(others) - listed; left > 0 {
		blocks = append(blocks, contextBlock(fmt.Sprintf("_…and %d more roots; see the report._", left)))
	}
	return blocks
}

// gapsText is the smallest fix set and what the analysis could not place.
func gapsText(t *tree.Tree, a *tree.Analysis) string {
	var lines []string
	if len(a.Fix.Roots) > 0 {
		var ids []tree.NodeID
		for _, i := range a.Fix.Roots {
			ids = append(ids, a.Roots[i].Nodes...)
		}
		exact := ""
		if !a.Fix.Exact {
			exact = " (found greedily; there may be a smaller one)"
		}
		lines = append(lines, fmt.Sprintf(":wrench: *Smallest fix set:* %s removes %d/%d symptoms%s", numberList(ids), len(a.Fix.Covered), len(a.UDEs), exact))
	}
	lines = append(lines, ":grey_question: *Unexplained symptoms:* "+nodeList(t, a.Unexplained))
	if len(a.Dangling) > 0 {
		lines = append(lines, ":leaves: *Dangling (reach no symptom):* "+numberList(a.Dangling))
	}
	for _, loop := range a.Loops {
		lines = append(lines, ":repeat: *Loop:* "+numberList(loop))
	}
	switch n := len(a.Unreviewed); {
	case n > 0:
		lines = append(lines, fmt.Sprintf(":hourglass: *%s not accepted yet* and left out of this analysis.", plural(n, "link")))
	default:
		unreviewed := 0
		for _, g := range t.Groups() {
			if g.Status == tree.StatusUnreviewed {
				unreviewed++
			}
		}
		if unreviewed > 0 {
			lines = append(lines, fmt.Sprintf(":hourglass: %s still unreviewed; until the challenge pass starts every drawn link counts.", plural(unreviewed, "link")))
		} else {
			lines = append(lines, ":white_check_mark: Every link counted here was accepted in the challenge pass.")
		}
	}
	return strings.Join(lines, "\n")
}

// warningTexts are the analysis warnings, escaped, at most a context block's worth.
func warningTexts(a *tree.Analysis) []string {
	var out []string
	for _, w := range a.Warnings {
		if w.Code == tree.WarnUnreviewedLinks || w.Code == tree.WarnUnexplained {
			continue // already said above
		}
		out = append(out, ":warning: "+Escape(w.Message))
	}
	if len(out) > maxContext {
		out = out[:maxContext]
	}
	return out
}
