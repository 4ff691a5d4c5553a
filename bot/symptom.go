package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/slack-go/slack"

	"github.com/untangle-rca/untangle/tree"
	"github.com/untangle-rca/untangle/workflow"
)

// Ids of the "Add symptom" modal. Input block ids equal the workflow's field
// names so field errors land on the right input.
const (
	viewAddSymptom = "add_symptom"
	fieldStatement = "text"
	fieldWeight    = "weight"
	fieldEvidence  = "evidence"

	// maxStatementInput lets people type past the 300-character limit so the
	// bot can say by how much (a field error), and lets a long message from the
	// shortcut be prefilled and then shortened.
	maxStatementInput = 3000
	// maxMetaText bounds the message text carried in private_metadata.
	maxMetaText = 1000
)

// symptomMeta is what the Add symptom flow carries in private_metadata.
type symptomMeta struct {
	RCA    int64  `json:"rca,omitempty"`
	Source string `json:"src,omitempty"`  // the message permalink (shortcut)
	Text   string `json:"text,omitempty"` // the message text, while an RCA is picked
}

// encode returns the metadata as JSON within Slack's 3,000-character limit.
func (m symptomMeta) encode() string {
	m.Text = Truncate(m.Text, maxMetaText)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	for {
		buf.Reset()
		_ = enc.Encode(m) // a struct of strings and ints always encodes
		if buf.Len() <= maxMetadata || m.Text == "" {
			return strings.TrimSpace(buf.String())
		}
		m.Text = Truncate(m.Text, len([]rune(m.Text))/2)
	}
}

// parseSymptomMeta decodes private_metadata written by encode.
func parseSymptomMeta(s string) (symptomMeta, error) {
	var m symptomMeta
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		return m, workflow.Errorf(workflow.ENotFound, "this form is out of date. Please open it again from the dashboard.")
	}
	return m, nil
}

// weights are the impact choices of the modal, low to high.
var weights = []struct {
	label, desc string
	value       int
}{
	{"Low", "Annoying, few people affected", tree.WeightLow},
	{"Medium", "Noticeable harm to users or the business", tree.WeightMedium},
	{"High", "Severe: outage, data loss, money or trust lost", tree.WeightHigh},
}

// symptomRoutes registers the symptom features of issue #4: the Add symptom
// modal, the message shortcut, the outline and the App Home.
func (b *Bot) symptomRoutes(rt *routes) {
	rt.actions[actAddSymptom] = b.clickAddSymptom
	rt.views[viewAddSymptom] = b.submitAddSymptom
	b.shortcutRoutes(rt)
	b.outlineRoutes(rt)
	b.homeRoutes(rt)
}

// symptomModal is the "Add symptom" modal for an RCA, prefilled with text.
func symptomModal(rca *workflow.RCA, meta symptomMeta, text string) slack.ModalViewRequest {
	opts := make([]*slack.OptionBlockObject, len(weights))
	for i, w := range weights {
		opts[i] = optionWithDescription(w.label, strconv.Itoa(w.value), w.desc)
	}
	radio := slack.NewRadioButtonsBlockElement(fieldWeight, opts...)
	radio.InitialOption = opts[1]
	weightIn := slack.NewInputBlock(fieldWeight, plain("Impact", maxLabel), nil, radio)

	intro := fmt.Sprintf("A symptom of *%s*: something the team observed going wrong. Present tense, one fact, no names — we attack the logic, not people.", truncateEscaped(rca.Title, 200))
	blocks := []slack.Block{section(intro)}
	if meta.Source != "" {
		blocks = append(blocks, contextBlock(fmt.Sprintf(":link: From <%s|this message>; the link is kept with the symptom.", meta.Source)))
	}
	statement := withHint(textInput(fieldStatement, "Symptom", "e.g. Checkout returns HTTP 502 for 8% of requests",
		Truncate(text, maxStatementInput), true, maxStatementInput, false),
		fmt.Sprintf("One observed fact, at most %d characters.", tree.MaxTextRunes))
	evidence := textInput(fieldEvidence, "Evidence link or note", "A dashboard link, a log line, a ticket…", "", false, workflow.MaxEvidenceRunes, true)
	blocks = append(blocks, statement, weightIn, evidence)
	return modal(viewAddSymptom, "Add symptom", "Add", meta.encode(), blocks...)
}

// canAddSymptom tells whether the RCA's phase takes new symptoms.
func canAddSymptom(rca *workflow.RCA) error {
	rule, _ := workflow.RuleFor(workflow.CmdAddSymptom)
	if slices.Contains(rule.Phases, rca.Phase) {
		return nil
	}
	return workflow.Errorf(workflow.EWrongPhase, "this RCA is %s, so it takes no new symptoms now.", phaseName(rca.Phase))
}

func (b *Bot) clickAddSymptom(ctx context.Context, r *reply, cb *slack.InteractionCallback, act *slack.BlockAction) {
	rca, _, err := b.rcaForAction(ctx, cb, act.Value)
	if err == nil {
		err = canAddSymptom(rca)
	}
	if err != nil {
		r.later(func(ctx context.Context) { b.fail(ctx, r, cb, err) })
		return
	}
	if _, err := b.api.OpenViewContext(ctx, cb.TriggerID, symptomModal(rca, symptomMeta{RCA: rca.ID}, "")); err != nil {
		r.later(func(ctx context.Context) { b.fail(ctx, r, cb, fmt.Errorf("open the symptom modal: %w", err)) })
	}
}

// symptomInput reads the Add symptom modal's state.
func symptomInput(cb *slack.InteractionCallback, meta symptomMeta) (workflow.SymptomInput, error) {
	v := cb.View.State.Values
	in := workflow.SymptomInput{
		Text:       neutralMentions(v[fieldStatement][fieldStatement].Value),
		Evidence:   v[fieldEvidence][fieldEvidence].Value,
		SourceLink: meta.Source,
	}
	if w := v[fieldWeight][fieldWeight].SelectedOption.Value; w != "" {
		n, err := strconv.Atoi(w)
		if err != nil {
			return in, workflow.Invalidf(fieldWeight, "Impact must be low, medium or high.")
		}
		in.Weight = n
	}
	return in, nil
}

func (b *Bot) submitAddSymptom(ctx context.Context, r *reply, cb *slack.InteractionCallback) {
	actor := workflow.Actor{UserID: cb.User.ID}
	meta, err := parseSymptomMeta(cb.View.PrivateMetadata)
	var in workflow.SymptomInput
	if err == nil {
		in, err = symptomInput(cb, meta)
	}
	var res *workflow.Result
	if err == nil {
		res, err = b.addSymptomJoining(r.key(ctx, "symptom"), r, actor, meta.RCA, in)
	}
	if err != nil {
		r.ack = viewErrors(r.log, cb, err, fieldStatement)
		return
	}
	r.log = r.log.With("rca", meta.RCA)
	b.changed(actor, meta.RCA, change{})
	// From a message shortcut the author may be far from the RCA's channel:
	// they hear back wherever they are. A redelivered envelope was answered
	// the first time.
	if !res.Replayed && (needsFeedback(res) || meta.Source != "") {
		r.later(func(ctx context.Context) { b.symptomFeedback(ctx, r, actor, meta.RCA, in.Text, res) })
	}
}

// addSymptomJoining adds the symptom; someone who is not a participant of
// a public RCA yet (anyone in its channel may add symptoms) joins it, and
// its channel, first (see joinRCA).
func (b *Bot) addSymptomJoining(ctx context.Context, r *reply, actor workflow.Actor, rcaID int64, in workflow.SymptomInput) (*workflow.Result, error) {
	res, err := b.svc.AddSymptom(ctx, actor, rcaID, in)
	if workflow.ErrorCode(err) != workflow.EForbidden {
		return res, err
	}
	rca, lerr := b.svc.RCA(ctx, actor, rcaID)
	if lerr != nil {
		return nil, err // private, or gone: the first answer explains it
	}
	if _, jerr := b.joinRCA(ctx, r, actor, rca, memberTTL); jerr != nil {
		return nil, jerr
	}
	return b.svc.AddSymptom(ctx, actor, rcaID, in)
}

// needsFeedback reports whether a new symptom's author has something to
// hear privately: wording hints, a blameless finding or similar past
// causes. The symptom itself shows on the dashboard and the outline.
func needsFeedback(res *workflow.Result) bool {
	return len(res.Hints) > 0 || len(res.Blame) > 0 || len(res.Similar) > 0
}

// symptomFeedback tells a new symptom's author privately about the wording
// hints, the blameless finding and similar past causes: an ephemeral
// message in the RCA channel, or a DM when the author is not in it.
func (b *Bot) symptomFeedback(ctx context.Context, r *reply, actor workflow.Actor, rcaID int64, text string, res *workflow.Result) {
	rca := res.RCA
	if rca == nil { // a replayed result carries no RCA
		loaded, err := b.svc.RCA(ctx, actor, rcaID)
		if err != nil {
			r.log.Warn("load the RCA for feedback", "error", err)
			return
		}
		rca = loaded
	}
	b.shareMemory(ctx, r, res)
	msg := feedbackText(text, res)
	next := actions("symptom_next",
		button(":heavy_plus_sign: Add symptom", actAddSymptom, rcaValue(rcaID), ""),
		button(":card_index_dividers: Outline", actOutline, rcaValue(rcaID), ""))
	if rca.ChannelID != "" {
		_, err := b.api.PostEphemeralContext(ctx, rca.ChannelID, actor.UserID,
			slack.MsgOptionText(msg, false), slack.MsgOptionBlocks(section(msg), next))
		if err == nil {
			return
		}
		r.log.Info("ephemeral feedback failed; sending a DM", "error", err)
	}
	b.dm(ctx, r.log, actor.UserID, fmt.Sprintf("In *%s*: %s", truncateEscaped(rca.Title, 150), msg))
}

// feedbackText is the private answer to a new symptom. Everything the user
// typed is escaped.
func feedbackText(text string, res *workflow.Result) string {
	norm, err := tree.NormalizeText(text)
	if err != nil {
		norm = text
	}
	var id tree.NodeID
	if len(res.NewNodes) > 0 {
		id = res.NewNodes[0]
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, ":white_check_mark: Added symptom *%s*: %s", id, truncateEscaped(norm, 400))
	if len(res.Hints) > 0 {
		sb.WriteString("\n:bulb: *Wording tips* (optional):")
		for _, h := range res.Hints {
			sb.WriteString("\n• " + Escape(h.Hint.Message))
		}
	}
	for _, bl := range res.Blame {
		sb.WriteString("\n:handshake: *Blameless check:* " + Escape(strings.Join(bl.Finding.Reasons, " ")))
		if bl.Finding.Suggestion != "" {
			sb.WriteString("\n_Try:_ " + Escape(bl.Finding.Suggestion))
		}
	}
	_, private := splitSimilar(res.Similar)
	for _, s := range private {
		sb.WriteString("\n" + memoryHintText(s) + "\n_Only you see this: not everyone in this channel may see that RCA._")
	}
	return Truncate(sb.String(), maxText)
}
