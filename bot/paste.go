package bot

// "Paste statements": IF … AND … THEN … lines in a modal, a paginated
// preview with Apply / Back, and the atomic paste.

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/slack-go/slack"

	"github.com/untangle-rca/untangle/tree"
	"github.com/untangle-rca/untangle/workflow"
)

// Paste ids. The input block id equals the workflow's field name.
const (
	viewPaste        = "paste_statements"
	viewPastePreview = "paste_preview"
	fieldStatements  = "statements"

	actPasteBack = "paste_back"
	actPastePrev = "paste_page_prev"
	actPasteNext = "paste_page_next"

	// refPasteDraft (+ user id) keeps pasted text too long for private_metadata.
	refPasteDraft = "paste_draft:"

	// pastePageBytes bounds the JSON size of one preview page's list text, so
	// the view stays far below the 20 KB an ack may carry (and 250 KB).
	pastePageBytes = 9000
	// pasteMaxLineErrors is how many failing lines the field error lists.
	pasteMaxLineErrors = 12
)

// pasteExample is the syntax shown in the modal.
const pasteExample = "UDE [Checkout fails for 30% of users]\n" +
	"IF [A slow SQL query exhausts the DB pool] AND [No circuit breaker is configured] THEN [Payment API times out]\n" +
	"IF [Payment API times out] THEN [#1]"

// pasteRoutes registers /rca paste, the dashboard button and the views.
func (b *Bot) pasteRoutes(rt *routes) {
	rt.slash["paste"] = b.slashPaste
	rt.actions[actPaste] = b.clickPaste
	rt.actions[actPasteBack] = b.clickPasteBack
	rt.actions[actPastePrev] = b.clickPastePage
	rt.actions[actPasteNext] = b.clickPastePage
	rt.views[viewPaste] = b.submitPaste
	rt.views[viewPastePreview] = b.submitPasteApply
}

// pasteMeta is the private_metadata of the preview: the RCA, the page shown
// and the pasted text, unless it was too long and is kept as a draft.
type pasteMeta struct {
	RCA   int64  `json:"rca"`
	Page  int    `json:"page,omitempty"`
	Text  string `json:"text,omitempty"`
	Draft bool   `json:"draft,omitempty"`
}

// slashPaste handles `/rca paste` in an RCA channel.
func (b *Bot) slashPaste(ctx context.Context, r *reply, cmd *slack.SlashCommand, _ string) {
	actor := workflow.Actor{UserID: cmd.UserID}
	rca, err := b.rcaHere(ctx, actor, cmd.ChannelID)
	if err == nil {
		err = b.openPaste(ctx, r, actor, rca, cmd.TriggerID)
	}
	if err != nil {
		r.ack = ephemeralAck(userText(r.log, err))
	}
}

// clickPaste handles the dashboard's "Paste statements" button.
func (b *Bot) clickPaste(ctx context.Context, r *reply, cb *slack.InteractionCallback, act *slack.BlockAction) {
	actor := workflow.Actor{UserID: cb.User.ID}
	rca, _, err := b.rcaForAction(ctx, cb, act.Value)
	if err == nil {
		err = b.openPaste(ctx, r, actor, rca, cb.TriggerID)
	}
	if err != nil {
		b.fail(ctx, r, cb, err)
	}
}

// openPaste opens the paste modal after checking the actor may paste now
// (joining a public RCA first).
func (b *Bot) openPaste(ctx context.Context, r *reply, actor workflow.Actor, rca *workflow.RCA, triggerID string) error {
	if err := b.walkJoin(ctx, r, actor, rca); err != nil {
		return err
	}
	if err := workflow.Check(rca, actor.UserID, workflow.CmdPaste); err != nil {
		return err
	}
	draft, err := b.refs.Ref(ctx, rca.ID, refPasteDraft+actor.UserID)
	if err != nil {
		return err
	}
	if _, err := b.api.OpenViewContext(ctx, triggerID, pasteModal(rca.ID, draft, "")); err != nil {
		return fmt.Errorf("open the paste modal: %w", err)
	}
	return nil
}

// pasteModal is the "Paste statements" modal with text prefilled and an
// optional note (a warning after a failed Apply) above the input.
func pasteModal(rcaID int64, text, note string) slack.ModalViewRequest {
	blocks := []slack.Block{
		section("Paste statements, one per line. Refer to nodes already in the tree by their exact text or by `#N`. Lines starting with `#` are comments. You will see a preview before anything is saved."),
	}
	if note != "" {
		blocks = append(blocks, section(note))
	}
	in := textInput(fieldStatements, "Statements", "IF [cause] AND [other cause] THEN [effect]", text, true, 0, false)
	blocks = append(blocks, withHint(in, "For example:\n"+pasteExample))
	return modal(viewPaste, "Paste statements", "Preview", rcaValue(rcaID), blocks...)
}

// submitPaste previews the pasted statements: line errors as a field
// error, otherwise the first page of the preview in place of the modal.
func (b *Bot) submitPaste(ctx context.Context, r *reply, cb *slack.InteractionCallback) {
	actor := workflow.Actor{UserID: cb.User.ID}
	text := neutralMentions(cb.View.State.Values[fieldStatements][fieldStatements].Value)
	meta, p, err := b.previewPaste(ctx, actor, cb.View.PrivateMetadata, text)
	if err != nil {
		r.ack = viewErrors(r.log, cb, err, fieldStatements)
		return
	}
	v := pastePreviewView(meta, p)
	r.ack = slack.NewUpdateViewSubmissionResponse(&v)
}

// previewPaste previews the text pasted into the modal of the RCA that
// metadata names and keeps the text for the preview's Apply button.
func (b *Bot) previewPaste(ctx context.Context, actor workflow.Actor, metadata, text string) (pasteMeta, *workflow.Preview, error) {
	rcaID, _, err := parseValue(metadata)
	if err == nil && strings.TrimSpace(text) == "" {
		err = workflow.Invalidf(fieldStatements, "Paste at least one statement, such as IF [A] THEN [B].")
	}
	var p *workflow.Preview
	if err == nil {
		p, err = b.svc.PreviewStatements(ctx, actor, rcaID, text)
	}
	if err == nil {
		err = pastePreviewProblem(p)
	}
	var meta pasteMeta
	if err == nil {
		meta, err = b.stashPaste(ctx, actor, rcaID, text)
	}
	return meta, p, err
}

// pastePreviewProblem turns parse errors (or a paste that adds nothing) into
// a field error that names the lines.
func pastePreviewProblem(p *workflow.Preview) error {
	if len(p.Errors) > 0 {
		return workflow.Invalidf(fieldStatements, "%s", pasteLineErrors(p.Errors))
	}
	if len(p.NewNodes) == 0 && len(p.NewLinks) == 0 {
		return workflow.Invalidf(fieldStatements, "Nothing new: every statement is already in the tree.")
	}
	return nil
}

// pasteLineErrors lists failing lines, "Line 3, column 7: …", one per line.
func pasteLineErrors(errs []workflow.LineError) string {
	lines := make([]string, 0, len(errs))
	for i, e := range errs {
		if i == pasteMaxLineErrors {
			lines = append(lines, fmt.Sprintf("…and %d more.", len(errs)-i))
			break
		}
		switch {
		case e.Line > 0 && e.Col > 0:
			lines = append(lines, fmt.Sprintf("Line %d, column %d: %s", e.Line, e.Col, e.Message))
		case e.Line > 0:
			lines = append(lines, fmt.Sprintf("Line %d: %s", e.Line, e.Message))
		default:
			lines = append(lines, e.Message)
		}
	}
	return strings.Join(lines, "\n")
}

// stashPaste keeps the pasted text with the preview: inside private_metadata
// when it fits, otherwise as a per-user draft of the RCA.
func (b *Bot) stashPaste(ctx context.Context, actor workflow.Actor, rcaID int64, text string) (pasteMeta, error) {
	meta := pasteMeta{RCA: rcaID, Text: text}
	if raw, err := json.Marshal(meta); err == nil && len(raw) <= maxMetadata {
		return meta, nil
	}
	if err := b.refs.PutRef(ctx, rcaID, refPasteDraft+actor.UserID, text); err != nil {
		return meta, fmt.Errorf("keep the pasted text: %w", err)
	}
	return pasteMeta{RCA: rcaID, Draft: true}, nil
}

// pasteText reads the preview's metadata and returns it with the pasted text.
func (b *Bot) pasteText(ctx context.Context, actor workflow.Actor, raw string) (pasteMeta, string, error) {
	var meta pasteMeta
	if err := json.Unmarshal([]byte(raw), &meta); err != nil || meta.RCA <= 0 {
		return meta, "", workflow.Errorf(workflow.ENotFound, "this preview is out of date; please paste again.")
	}
	if !meta.Draft {
		return meta, meta.Text, nil
	}
	if _, err := b.svc.RCA(ctx, actor, meta.RCA); err != nil {
		return meta, "", err
	}
	text, err := b.refs.Ref(ctx, meta.RCA, refPasteDraft+actor.UserID)
	if err != nil {
		return meta, "", err
	}
	return meta, text, nil
}

// encode is the preview's private_metadata.
func (m pasteMeta) encode() string {
	raw, _ := json.Marshal(m)
	return string(raw)
}

// pasteItem is one line of the preview list; a heading starts a new section.
type pasteItem struct {
	heading bool
	text    string
}

// pasteItems lists what a paste would do, in mrkdwn.
func pasteItems(p *workflow.Preview) []pasteItem {
	var items []pasteItem
	list := func(title string, lines []string) {
		if len(lines) == 0 {
			return
		}
		items = append(items, pasteItem{heading: true, text: fmt.Sprintf("*%s (%d)*", title, len(lines))})
		for _, l := range lines {
			items = append(items, pasteItem{text: "• " + l})
		}
	}
	list("New nodes", pasteNodeLines(p.Tree, p.NewNodes, false))
	list("Existing nodes recognised", pasteNodeLines(p.Tree, p.Existing, true))
	links := make([]string, len(p.NewLinks))
	for i, l := range p.NewLinks {
		links[i] = truncateEscaped(l, 600)
	}
	list("New links", links)
	var skipped []string
	for _, id := range p.Skipped {
		if g, ok := p.Tree.Group(id); ok {
			skipped = append(skipped, truncateEscaped(tree.FormatGroup(p.Tree, g), 600))
		}
	}
	list("Already in the tree, skipped", skipped)
	return items
}

// pasteNodeLines lists node texts, escaped, with their numbers when numbered
// (new nodes get theirs only when applied).
func pasteNodeLines(t *tree.Tree, ids []tree.NodeID, numbered bool) []string {
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		n, ok := t.Node(id)
		if !ok {
			continue
		}
		line := truncateEscaped(n.Text, 200)
		if numbered {
			line = fmt.Sprintf("*%s* %s", id, line)
		}
		out = append(out, line)
	}
	return out
}

// pastePages splits the items into pages of at most pastePageBytes of
// JSON-encoded text each.
func pastePages(items []pasteItem) [][]pasteItem {
	var pages [][]pasteItem
	var cur []pasteItem
	size := 0
	for _, it := range items {
		raw, _ := json.Marshal(it.text)
		if size+len(raw) > pastePageBytes && len(cur) > 0 {
			pages = append(pages, cur)
			cur, size = nil, 0
		}
		cur = append(cur, it)
		size += len(raw) + 1
	}
	if len(cur) > 0 {
		pages = append(pages, cur)
	}
	return pages
}

// pasteSections packs one page's items into sections of at most 3,000
// characters, a heading starting a new one.
func pasteSections(items []pasteItem) []slack.Block {
	var blocks []slack.Block
	var cur strings.Builder
	flush := func() {
		if cur.Len() > 0 {
			blocks = append(blocks, section(cur.String()))
			cur.Reset()
		}
	}
	for _, it := range items {
		if it.heading || cur.Len()+len(it.text)+1 > maxText {
			flush()
		}
		if cur.Len() > 0 {
			cur.WriteByte('\n')
		}
		cur.WriteString(it.text)
	}
	flush()
	return blocks
}

// pastePreviewView is one page of the preview, with Apply as its submit
// button, Back, and the page buttons.
func pastePreviewView(meta pasteMeta, p *workflow.Preview) slack.ModalViewRequest {
	pages := pastePages(pasteItems(p))
	if meta.Page >= len(pages) {
		meta.Page = max(len(pages)-1, 0)
	}
	summary := fmt.Sprintf(":mag: *Preview.* Apply adds %s and %s", plural(len(p.NewNodes), "new node"), plural(len(p.NewLinks), "link"))
	if len(p.Existing) > 0 {
		summary += fmt.Sprintf(", using %s already in the tree", plural(len(p.Existing), "node"))
	}
	summary += "."
	if len(p.Skipped) > 0 {
		summary += fmt.Sprintf(" %s already in the tree will be skipped.", plural(len(p.Skipped), "link"))
	}
	blocks := []slack.Block{section(summary)}
	if len(pages) > 0 {
		blocks = append(blocks, pasteSections(pages[meta.Page])...)
	}
	nav := []slack.BlockElement{button("Back", actPasteBack, "back", "")}
	if len(pages) > 1 {
		blocks = append(blocks, contextBlock(fmt.Sprintf("Page %d of %d", meta.Page+1, len(pages))))
		if meta.Page > 0 {
			nav = append(nav, button("Previous page", actPastePrev, strconv.Itoa(meta.Page-1), ""))
		}
		if meta.Page < len(pages)-1 {
			nav = append(nav, button("Next page", actPasteNext, strconv.Itoa(meta.Page+1), ""))
		}
	}
	blocks = append(blocks, actions("paste_nav", nav...))
	return modal(viewPastePreview, "Paste statements", "Apply", meta.encode(), blocks...)
}

// clickPasteBack returns from the preview to the paste modal, text kept.
func (b *Bot) clickPasteBack(ctx context.Context, r *reply, cb *slack.InteractionCallback, _ *slack.BlockAction) {
	actor := workflow.Actor{UserID: cb.User.ID}
	meta, text, err := b.pasteText(ctx, actor, cb.View.PrivateMetadata)
	if err != nil {
		b.fail(ctx, r, cb, err)
		return
	}
	b.updatePasteView(ctx, r, cb, pasteModal(meta.RCA, text, ""))
}

// clickPastePage shows another page of the preview, computed afresh.
func (b *Bot) clickPastePage(ctx context.Context, r *reply, cb *slack.InteractionCallback, act *slack.BlockAction) {
	actor := workflow.Actor{UserID: cb.User.ID}
	meta, text, err := b.pasteText(ctx, actor, cb.View.PrivateMetadata)
	if err != nil {
		b.fail(ctx, r, cb, err)
		return
	}
	meta.Page = pageOf(act.Value)
	v, err := b.repreview(ctx, actor, meta, text)
	if err != nil {
		b.fail(ctx, r, cb, err)
		return
	}
	b.updatePasteView(ctx, r, cb, v)
}

// pageOf reads a page button's value; anything but a page number is the
// first page.
func pageOf(value string) int {
	page, err := strconv.Atoi(value)
	if err != nil || page < 0 {
		return 0
	}
	return page
}

// repreview previews the pasted text again for the page in meta; when the
// tree changed so that it no longer applies, the view goes back to the text
// with the reason.
func (b *Bot) repreview(ctx context.Context, actor workflow.Actor, meta pasteMeta, text string) (slack.ModalViewRequest, error) {
	p, err := b.svc.PreviewStatements(ctx, actor, meta.RCA, text)
	if err != nil {
		return slack.ModalViewRequest{}, err
	}
	if perr := pastePreviewProblem(p); perr != nil {
		return pasteModal(meta.RCA, text, ":warning: "+Escape(workflow.ErrorMessage(perr))), nil
	}
	return pastePreviewView(meta, p), nil
}

// updatePasteView replaces the open paste view; a hash conflict means the
// user already moved on and is ignored.
func (b *Bot) updatePasteView(ctx context.Context, r *reply, cb *slack.InteractionCallback, v slack.ModalViewRequest) {
	if _, err := b.api.UpdateViewContext(ctx, v, "", cb.View.Hash, cb.View.ID); err != nil {
		if isSlackError(err, "hash_conflict") {
			return
		}
		b.fail(ctx, r, cb, fmt.Errorf("update the paste view: %w", err))
	}
}

// submitPasteApply applies the previewed statements atomically.
func (b *Bot) submitPasteApply(ctx context.Context, r *reply, cb *slack.InteractionCallback) {
	actor := workflow.Actor{UserID: cb.User.ID}
	meta, text, err := b.pasteText(ctx, actor, cb.View.PrivateMetadata)
	if err == nil && strings.TrimSpace(text) == "" {
		err = workflow.Errorf(workflow.ENotFound, "the pasted text is no longer here; please paste it again.")
	}
	var res *workflow.Result
	if err == nil {
		res, err = b.svc.PasteStatements(r.key(ctx, "paste"), actor, meta.RCA, text)
	}
	if err != nil {
		b.pasteFailed(r, actor, meta, text, err)
		return
	}
	b.changed(actor, meta.RCA, change{})
	r.later(func(ctx context.Context) { b.pasteDone(ctx, r, actor, meta, res) })
}

// pasteFailed tells the person why nothing was saved: back in the modal
// with the text, or, for a draft too long for an ack, in the RCA (the text
// stays in the draft, which the next /rca paste opens with).
func (b *Bot) pasteFailed(r *reply, actor workflow.Actor, meta pasteMeta, text string, err error) {
	note := ":warning: Nothing was saved. " + userText(r.log, err)
	if workflow.ErrorCode(err) == workflow.EInvalid {
		note = ":warning: Nothing was saved; the tree changed since the preview:\n" + Escape(workflow.ErrorMessage(err))
	}
	if !meta.Draft {
		v := pasteModal(meta.RCA, text, Truncate(note, maxText))
		r.ack = slack.NewUpdateViewSubmissionResponse(&v)
		return
	}
	r.later(func(ctx context.Context) {
		b.tellInRCA(ctx, r, actor, meta.RCA, note+"\nYour text is kept: run `/rca paste` to correct it.")
	})
}

// pasteDone clears the paste draft and tells the person what was added.
func (b *Bot) pasteDone(ctx context.Context, r *reply, actor workflow.Actor, meta pasteMeta, res *workflow.Result) {
	if meta.Draft {
		if err := b.refs.PutRef(ctx, meta.RCA, refPasteDraft+actor.UserID, ""); err != nil {
			r.log.Warn("clear the paste draft", "error", err)
		}
	}
	b.shareMemory(ctx, r, res)
	done := fmt.Sprintf(":white_check_mark: Pasted: %s and %s added.", plural(len(res.NewNodes), "new node"), plural(len(res.Groups), "link"))
	if advice := adviceText(res); advice != "" {
		done += "\n" + advice
	}
	b.tellInRCA(ctx, r, actor, meta.RCA, done)
}
