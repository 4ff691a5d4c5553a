package bot

import (
	"github.com/slack-go/slack"
)

// Block Kit limits (shared/slack-reference.md §4). Builders clip to them so
// no message or view the bot sends can be refused for its size.
const (
	maxMessageBlocks = 50
	maxViewBlocks    = 100
	maxText          = 3000
	maxHeader        = 150
	maxButtonText    = 75
	maxButtonValue   = 2000
	maxOptionText    = 75
	maxOptionValue   = 150
	maxOptions       = 100
	maxActions       = 25
	maxContext       = 10
	maxPlaceholder   = 150
	maxModalTitle    = 24
	maxLabel         = 2000
	maxMetadata      = 3000
	maxFields        = 10
	maxFieldText     = 2000
)

// plain returns a plain_text object clipped to max runes (emoji shortcodes render).
func plain(s string, max int) *slack.TextBlockObject {
	if s == "" {
		s = " "
	}
	return slack.NewTextBlockObject(slack.PlainTextType, Truncate(s, max), true, false)
}

// md returns a mrkdwn text object for text the bot composed; user text inside
// it must already have gone through Escape. It is clipped to max runes.
func md(s string, max int) *slack.TextBlockObject {
	if s == "" {
		s = " "
	}
	return slack.NewTextBlockObject(slack.MarkdownType, Truncate(s, max), false, false)
}

// section is a mrkdwn section block.
func section(text string) *slack.SectionBlock {
	return slack.NewSectionBlock(md(text, maxText), nil, nil)
}

// sectionWithButton is a section with a button beside the text.
func sectionWithButton(text string, btn *slack.ButtonBlockElement) *slack.SectionBlock {
	return slack.NewSectionBlock(md(text, maxText), nil, slack.NewAccessory(btn))
}

// fields is a section of short mrkdwn fields (at most 10).
func fields(texts ...string) *slack.SectionBlock {
	if len(texts) > maxFields {
		texts = texts[:maxFields]
	}
	objs := make([]*slack.TextBlockObject, len(texts))
	for i, t := range texts {
		objs[i] = md(t, maxFieldText)
	}
	return slack.NewSectionBlock(nil, objs, nil)
}

// header is a header block.
func header(text string) *slack.HeaderBlock {
	return slack.NewHeaderBlock(plain(text, maxHeader))
}

// contextBlock is a context block of mrkdwn texts (at most 10).
func contextBlock(texts ...string) *slack.ContextBlock {
	if len(texts) > maxContext {
		texts = texts[:maxContext]
	}
	elems := make([]slack.MixedElement, len(texts))
	for i, t := range texts {
		elems[i] = md(t, maxText)
	}
	return slack.NewContextBlock("", elems...)
}

// button makes a button; style is "", "primary" or "danger".
func button(text, actionID, value string, style slack.Style) *slack.ButtonBlockElement {
	b := slack.NewButtonBlockElement(actionID, Truncate(value, maxButtonValue), plain(text, maxButtonText))
	if style != "" {
		b.Style = style
	}
	return b
}

// actions is an actions block; buttons past Slack's 25 are dropped.
func actions(blockID string, elems ...slack.BlockElement) *slack.ActionBlock {
	if len(elems) > maxActions {
		elems = elems[:maxActions]
	}
	return slack.NewActionBlock(blockID, elems...)
}

// option is a select or radio option.
func option(text, value string) *slack.OptionBlockObject {
	return slack.NewOptionBlockObject(Truncate(value, maxOptionValue), plain(text, maxOptionText), nil)
}

// optionWithDescription is an option with a second line of explanation.
func optionWithDescription(text, value, desc string) *slack.OptionBlockObject {
	return slack.NewOptionBlockObject(Truncate(value, maxOptionValue), plain(text, maxOptionText), plain(desc, maxOptionText))
}

// clipOptions keeps at most Slack's 100 options.
func clipOptions(opts []*slack.OptionBlockObject) []*slack.OptionBlockObject {
	if len(opts) > maxOptions {
		return opts[:maxOptions]
	}
	return opts
}

// textInput is a plain-text input block; blockID doubles as the workflow
// field name so field errors land on the right input. A prefilled text is
// clipped to maxLen.
func textInput(blockID, label, placeholder, initial string, multiline bool, maxLen int, optional bool) *slack.InputBlock {
	el := slack.NewPlainTextInputBlockElement(nil, blockID)
	if placeholder != "" {
		el.Placeholder = plain(placeholder, maxPlaceholder)
	}
	el.InitialValue = initial
	el.Multiline = multiline
	if maxLen > 0 {
		el.MaxLength = maxLen
		// Slack refuses the whole view when the prefilled text is longer
		// than the input allows; the person edits the clipped text instead.
		el.InitialValue = Truncate(initial, maxLen)
	}
	in := slack.NewInputBlock(blockID, plain(label, maxLabel), nil, el)
	in.Optional = optional
	return in
}

// withHint adds a hint below an input.
func withHint(in *slack.InputBlock, hint string) *slack.InputBlock {
	in.Hint = plain(hint, maxLabel)
	return in
}

// modal builds a modal view; the title, submit and close labels are clipped
// to 24 characters and the blocks to 100.
func modal(callbackID, title, submit, metadata string, blocks ...slack.Block) slack.ModalViewRequest {
	if len(blocks) > maxViewBlocks {
		blocks = blocks[:maxViewBlocks]
	}
	v := slack.ModalViewRequest{
		Type:            slack.VTModal,
		CallbackID:      callbackID,
		Title:           plain(title, maxModalTitle),
		Close:           plain("Cancel", maxModalTitle),
		PrivateMetadata: Truncate(metadata, maxMetadata),
		Blocks:          slack.Blocks{BlockSet: blocks},
	}
	if submit != "" {
		v.Submit = plain(submit, maxModalTitle)
	}
	return v
}

// clipMessage keeps a message within Slack's 50 blocks, replacing the tail
// with a note when it had to cut.
func clipMessage(blocks []slack.Block) []slack.Block {
	if len(blocks) <= maxMessageBlocks {
		return blocks
	}
	out := append([]slack.Block{}, blocks[:maxMessageBlocks-1]...)
	return append(out, contextBlock("_…more than fits in one message; use the outline pages or the report._"))
}
