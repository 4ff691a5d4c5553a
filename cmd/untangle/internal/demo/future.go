package demo

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/untangle-rca/untangle/bot/slacktest"
)

// futureTexts is what the team adds to the Future Reality Tree of its fix.
type futureTexts struct {
	step, harm, trim, desirable, outcome string
}

// futureOf is what the team adds to the fix against a core cause.
func futureOf(core string) futureTexts {
	if strings.Contains(core, "KPIs measure delivery speed") {
		return futureTexts{
			step: "Feature work slows down for a quarter", harm: "Sales miss the Q3 launch",
			trim: "The KPI change is phased in after the launch", desirable: "Teams plan load tests without asking for permission",
			outcome: "Payments route without a minute of downtime",
		}
	}
	return futureTexts{
		step: "Teams spend their time on the change first", harm: "Other work is late for a while",
		trim: "The change is phased in over two planning cycles", desirable: "Teams raise risks before they become incidents",
	}
}

// future grows the Future Reality Tree of the fix from its message: carol
// raises a negative branch, bob trims it at its step, alice adds a
// desirable effect and carol words the good outcome of a removed symptom.
// Each change posts a new picture of the tree.
func (p *player) future(ctx context.Context, outcome slacktest.Message) error {
	f := futureOf(p.plan.core)
	branch, err := p.futureStep(ctx, p.Carol, outcome, ":warning: Negative branch…", "Negative branch", "raised a negative branch", "raised a *negative branch*",
		func(v slacktest.View) error {
			if err := p.Carol.FillInput(v, "Steps on the way", f.step); err != nil {
				return err
			}
			return p.Carol.FillInput(v, "New undesirable effect", f.harm)
		})
	if err != nil {
		return err
	}
	_, err = p.futureStep(ctx, p.Bob, branch, ":scissors: Trim it…", "Trim negative branch", "trimmed it with an injection", "trimmed a negative branch",
		func(v slacktest.View) error {
			step, ok := optionWith(v, f.step)
			if !ok {
				return fmt.Errorf("the trim modal offers no step %q", f.step)
			}
			if err := p.Bob.Select(ctx, v, "Step", step); err != nil {
				return err
			}
			return p.Bob.FillInput(v, "Injection", f.trim)
		})
	if err != nil {
		return err
	}
	_, err = p.futureStep(ctx, p.Alice, outcome, ":large_green_circle: Desirable effect…", "Desirable effect", "added a desirable effect", "added a *desirable effect*",
		func(v slacktest.View) error { return p.Alice.FillInput(v, "Desirable effect", f.desirable) })
	if err != nil {
		return err
	}
	_, err = p.futureStep(ctx, p.Carol, outcome, "Word the good outcomes…", "Good outcomes", "worded the good outcomes of the removed symptoms", "worded the good outcomes",
		func(v slacktest.View) error {
			labels := inputLabels(v)
			if f.outcome == "" || len(labels) == 0 {
				return nil // the suggested wordings stand
			}
			return p.Carol.FillInput(v, labels[0], f.outcome)
		})
	return err
}

// futureStep clicks button on msg as u, fills the modal titled title,
// submits it (the act reads what) and waits for the bot's message saying said and the new
// picture of the Future Reality Tree; it returns that message.
func (p *player) futureStep(ctx context.Context, u slacktest.User, msg slacktest.Message, button, title, what, said string, fill func(slacktest.View) error) (slacktest.Message, error) {
	pictures := p.files("frt.png")
	if err := p.click(ctx, u, msg, button, false); err != nil {
		return slacktest.Message{}, err
	}
	v, err := p.modal(ctx, u, title)
	if err != nil {
		return slacktest.Message{}, err
	}
	if err := fill(v); err != nil {
		return slacktest.Message{}, fmt.Errorf("fill %q: %w", title, err)
	}
	before := len(p.fake.Messages(p.rca.ID))
	if err := p.submit(ctx, u, p.rca.ID, "", what); err != nil {
		return slacktest.Message{}, err
	}
	var said0 slacktest.Message
	err = p.waitUntil(ctx, func() bool {
		msgs := p.fake.Messages(p.rca.ID)
		for _, m := range msgs[min(before, len(msgs)):] {
			if strings.Contains(m.PlainText(), said) {
				said0 = m
			}
		}
		return said0.TS != "" && p.files("frt.png") > pictures
	})
	if err != nil {
		return said0, fmt.Errorf("no message %q with a new picture: %w", said, err)
	}
	return said0, nil
}

// files counts the uploads whose name ends in suffix.
func (p *player) files(suffix string) int {
	n := 0
	for _, f := range p.fake.Files() {
		if strings.HasSuffix(f.Name, suffix) {
			n++
		}
	}
	return n
}

// viewInput is an input block of a modal, as far as the script needs it.
type viewInput struct {
	Type  string `json:"type"`
	Label struct {
		Text string `json:"text"`
	} `json:"label"`
	Element struct {
		Type    string `json:"type"`
		Options []struct {
			Text struct {
				Text string `json:"text"`
			} `json:"text"`
		} `json:"options"`
	} `json:"element"`
}

// inputs decodes the input blocks of a modal.
func inputs(v slacktest.View) []viewInput {
	var bs []viewInput
	_ = json.Unmarshal(v.Blocks, &bs)
	out := bs[:0]
	for _, b := range bs {
		if b.Type == "input" {
			out = append(out, b)
		}
	}
	return out
}

// inputLabels are the labels of a modal's text inputs.
func inputLabels(v slacktest.View) []string {
	var out []string
	for _, b := range inputs(v) {
		if b.Element.Type == "plain_text_input" {
			out = append(out, b.Label.Text)
		}
	}
	return out
}

// optionWith is the text of the first menu option in a modal that holds text.
func optionWith(v slacktest.View, text string) (string, bool) {
	for _, b := range inputs(v) {
		for _, o := range b.Element.Options {
			if strings.Contains(o.Text.Text, text) {
				return o.Text.Text, true
			}
		}
	}
	return "", false
}
