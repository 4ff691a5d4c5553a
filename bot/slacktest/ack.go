package slacktest

import (
	"encoding/json"
	"strings"
)

// Ack is the app's answer to an envelope.
type Ack struct {
	EnvelopeID string
	Payload    json.RawMessage // nil when the app acked without a payload
}

// ackBody is the union of ack payload fields the fake understands.
type ackBody struct {
	ResponseAction string            `json:"response_action"`
	Errors         map[string]string `json:"errors"`
	View           json.RawMessage   `json:"view"`
	Text           string            `json:"text"`
	Blocks         json.RawMessage   `json:"blocks"`
	ResponseType   string            `json:"response_type"`
	Options        json.RawMessage   `json:"options"`
	OptionGroups   json.RawMessage   `json:"option_groups"`
}

// body decodes the ack payload; an empty ack decodes to zero values.
func (a *Ack) body() ackBody {
	var b ackBody
	if a != nil && len(a.Payload) > 0 {
		_ = json.Unmarshal(a.Payload, &b)
	}
	return b
}

// ResponseAction is the view_submission response_action, "" for a plain ack.
func (a *Ack) ResponseAction() string { return a.body().ResponseAction }

// Errors are the field errors of response_action "errors", by block_id.
func (a *Ack) Errors() map[string]string { return a.body().Errors }

// Text is the text and rendered blocks of a slash command's ack message.
func (a *Ack) Text() string {
	b := a.body()
	return strings.TrimSpace(b.Text + "\n" + PlainText(b.Blocks))
}
