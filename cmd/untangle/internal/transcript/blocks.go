package transcript

import (
	"encoding/json"
	"strings"
)

// vBlock is a Block Kit block ready for the page's templates.
type vBlock struct {
	Kind      string // header, section, context, divider, actions, image, input, rich, other
	Text      []node
	Fields    [][]node
	Accessory *vElem
	Items     []vElem // context elements, actions elements
	Label     string  // input label
	Optional  bool
	Hint      []node
	Input     *vElem
	Image     *vImage
}

// vElem is an interactive element (or a context item).
type vElem struct {
	Kind     string // button, link, select, text, textarea, date, image, mrkdwn, checks, radios
	Label    []node // button text or placeholder
	Style    string // primary, danger
	Value    string // what the person entered or picked
	Options  []string
	Md       []node
	Selected map[string]bool
}

// vImage is a picture.
type vImage struct {
	Src, Alt, Title string
}

// rawBlock is the JSON of a block, any type.
type rawBlock struct {
	Type      string            `json:"type"`
	BlockID   string            `json:"block_id"`
	Text      *textObj          `json:"text"`
	Fields    []textObj         `json:"fields"`
	Accessory *rawElem          `json:"accessory"`
	Elements  []json.RawMessage `json:"elements"`
	Label     *textObj          `json:"label"`
	Hint      *textObj          `json:"hint"`
	Optional  bool              `json:"optional"`
	Element   *rawElem          `json:"element"`
	AltText   string            `json:"alt_text"`
	Title     *textObj          `json:"title"`
}

// textObj is a text object.
type textObj struct {
	Type string `json:"type"`
	Text string `json:"text"`
}

// rawElem is the JSON of an element.
type rawElem struct {
	Type          string          `json:"type"`
	ActionID      string          `json:"action_id"`
	Text          json.RawMessage `json:"text"`
	Placeholder   *textObj        `json:"placeholder"`
	Style         string          `json:"style"`
	URL           string          `json:"url"`
	Options       []rawOption     `json:"options"`
	InitialOption *rawOption      `json:"initial_option"`
	InitialValue  string          `json:"initial_value"`
	InitialDate   string          `json:"initial_date"`
	InitialUser   string          `json:"initial_user"`
	Multiline     bool            `json:"multiline"`
	AltText       string          `json:"alt_text"`
}

// rawOption is an option of a menu.
type rawOption struct {
	Text  textObj `json:"text"`
	Value string  `json:"value"`
}

// entered is one element's entry in state.values.
type entered struct {
	Type            string      `json:"type"`
	Value           *string     `json:"value"`
	SelectedOption  *rawOption  `json:"selected_option"`
	SelectedOptions []rawOption `json:"selected_options"`
	SelectedUser    string      `json:"selected_user"`
	SelectedUsers   []string    `json:"selected_users"`
	SelectedDate    string      `json:"selected_date"`
	SelectedTime    string      `json:"selected_time"`
	SelectedChannel string      `json:"selected_channel"`
	SelectedConv    string      `json:"selected_conversation"`
}

// text formats a text object by its type.
func (c context) text(t *textObj) []node {
	if t == nil {
		return nil
	}
	if t.Type == "mrkdwn" {
		return c.mrkdwn(t.Text)
	}
	return c.plain(t.Text)
}

// blocks turns blocks (and, for a modal, its state.values) into vBlocks.
func (c context) blocks(raw, values json.RawMessage) []vBlock {
	var bs []rawBlock
	if len(raw) == 0 || json.Unmarshal(raw, &bs) != nil {
		return nil
	}
	var state map[string]map[string]entered
	if len(values) > 0 {
		_ = json.Unmarshal(values, &state)
	}
	out := make([]vBlock, 0, len(bs))
	for _, b := range bs {
		out = append(out, c.block(b, state[b.BlockID]))
	}
	return out
}

// block turns one block into a vBlock.
func (c context) block(b rawBlock, state map[string]entered) vBlock {
	v := vBlock{Kind: b.Type}
	switch b.Type {
	case "header":
		v.Text = c.text(b.Text)
	case "section":
		v.Text = c.text(b.Text)
		for i := range b.Fields {
			v.Fields = append(v.Fields, c.text(&b.Fields[i]))
		}
		if b.Accessory != nil {
			e := c.elem(*b.Accessory, state)
			v.Accessory = &e
		}
	case "context":
		for _, raw := range b.Elements {
			var t textObj
			var e rawElem
			if json.Unmarshal(raw, &e) == nil && e.Type == "image" {
				v.Items = append(v.Items, vElem{Kind: "image", Value: e.AltText})
			} else if json.Unmarshal(raw, &t) == nil {
				v.Items = append(v.Items, vElem{Kind: "mrkdwn", Md: c.text(&t)})
			}
		}
	case "actions":
		for _, raw := range b.Elements {
			var e rawElem
			if json.Unmarshal(raw, &e) == nil {
				v.Items = append(v.Items, c.elem(e, state))
			}
		}
	case "input":
		v.Label = labelText(b.Label)
		v.Optional = b.Optional
		v.Hint = c.text(b.Hint)
		if b.Element != nil {
			e := c.elem(*b.Element, state)
			v.Input = &e
		}
	case "divider":
	case "rich_text":
		v.Kind = "section"
		v.Text = c.plain(richText(b.Elements))
	case "image":
		v.Image = &vImage{Alt: b.AltText}
		if b.Title != nil {
			v.Image.Title = b.Title.Text
		}
	default:
		v.Kind = "other"
		v.Text = c.plain("[" + b.Type + " block]")
	}
	return v
}

// labelText is a plain label's text.
func labelText(t *textObj) string {
	if t == nil {
		return ""
	}
	return emojis(t.Text)
}

// elem turns an element into a vElem, with what the person entered.
func (c context) elem(e rawElem, state map[string]entered) vElem {
	v := vElem{Style: e.Style}
	var t textObj
	if len(e.Text) > 0 && json.Unmarshal(e.Text, &t) == nil {
		v.Label = c.text(&t)
	}
	if e.Placeholder != nil {
		v.Label = c.plain(e.Placeholder.Text)
	}
	for _, o := range e.Options {
		v.Options = append(v.Options, emojis(o.Text.Text))
	}
	got, touched := state[e.ActionID]
	switch e.Type {
	case "button":
		v.Kind = "button"
		if e.URL != "" {
			v.Kind = "link"
		}
	case "plain_text_input", "email_text_input", "url_text_input", "number_input":
		v.Kind = "text"
		if e.Multiline {
			v.Kind = "textarea"
		}
		v.Value = e.InitialValue
		if touched && got.Value != nil {
			v.Value = *got.Value
		}
	case "datepicker":
		v.Kind = "date"
		v.Value = e.InitialDate
		if touched && got.SelectedDate != "" {
			v.Value = got.SelectedDate
		}
	case "checkboxes", "radio_buttons":
		v.Kind = map[string]string{"checkboxes": "checks", "radio_buttons": "radios"}[e.Type]
		v.Selected = map[string]bool{}
		for _, o := range got.SelectedOptions {
			v.Selected[emojis(o.Text.Text)] = true
		}
		if got.SelectedOption != nil {
			v.Selected[emojis(got.SelectedOption.Text.Text)] = true
		} else if e.InitialOption != nil {
			v.Selected[emojis(e.InitialOption.Text.Text)] = true
		}
	case "overflow":
		v.Kind = "select"
		v.Label = c.plain("⋯")
	default: // the selects
		v.Kind = "select"
		v.Value = c.picked(e, got)
	}
	return v
}

// picked is the visible choice of a select menu, or "".
func (c context) picked(e rawElem, got entered) string {
	switch {
	case got.SelectedOption != nil:
		return emojis(got.SelectedOption.Text.Text)
	case len(got.SelectedOptions) > 0:
		var names []string
		for _, o := range got.SelectedOptions {
			names = append(names, emojis(o.Text.Text))
		}
		return strings.Join(names, ", ")
	case got.SelectedUser != "":
		return "@" + c.name(got.SelectedUser)
	case len(got.SelectedUsers) > 0:
		var names []string
		for _, u := range got.SelectedUsers {
			names = append(names, "@"+c.name(u))
		}
		return strings.Join(names, ", ")
	case got.SelectedDate != "":
		return got.SelectedDate
	case got.SelectedTime != "":
		return got.SelectedTime
	case e.InitialOption != nil:
		return emojis(e.InitialOption.Text.Text)
	case e.InitialUser != "":
		return "@" + c.name(e.InitialUser)
	}
	return ""
}

// name is a user's display name, or the id when unknown.
func (c context) name(id string) string {
	if n, ok := c.users[id]; ok {
		return n
	}
	return id
}

// richText flattens rich_text elements into plain text.
func richText(elements []json.RawMessage) string {
	var b strings.Builder
	var walk func(raw json.RawMessage)
	walk = func(raw json.RawMessage) {
		var e struct {
			Type     string            `json:"type"`
			Text     string            `json:"text"`
			Elements []json.RawMessage `json:"elements"`
		}
		if json.Unmarshal(raw, &e) != nil {
			return
		}
		b.WriteString(e.Text)
		for _, k := range e.Elements {
			walk(k)
		}
		if strings.HasPrefix(e.Type, "rich_text_") && e.Type != "rich_text_section" {
			b.WriteString("\n")
		}
	}
	for _, e := range elements {
		walk(e)
	}
	return strings.TrimSpace(b.String())
}
