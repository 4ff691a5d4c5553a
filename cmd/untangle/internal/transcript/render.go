package transcript

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"html/template"
	"strconv"
	"strings"
	"sync"
	"time"
)

// vEntry is an Entry ready for the templates.
type vEntry struct {
	Msg *vMsg
	Act *vAct
}

// vMsg is a message ready for the templates.
type vMsg struct {
	Anchor, Author, Time string
	Bot, Ephemeral       bool
	To                   string
	Edited               bool
	Blocks               []vBlock
	Text                 []node
	Images               []vImage
	Files                []string
	Replies              []vEntry
}

// vAct is an Act ready for the templates.
type vAct struct {
	Time, Who, What string
	On              *vMsg
	Modal           *vModal
}

// vModal is a modal ready for the templates.
type vModal struct {
	Title, Submit string
	Blocks        []vBlock
}

// vChannel is a channel ready for the templates.
type vChannel struct {
	Name, Topic, Canvas string
	Entries             []vEntry
}

// page is what the page template draws.
type page struct {
	Title, Intro string
	Channels     []vChannel
}

// Render writes the transcript as one HTML page.
func Render(d *Doc) ([]byte, error) {
	loc := d.Location
	if loc == nil {
		loc = time.UTC
	}
	r := renderer{context: context{users: d.Users}, doc: d, loc: loc, pictures: pictures(d)}
	p := page{Title: d.Title, Intro: d.Intro}
	for _, ch := range d.Channels {
		p.Channels = append(p.Channels, vChannel{Name: ch.Name, Topic: ch.Topic, Canvas: ch.Canvas, Entries: r.entries(ch.Entries)})
	}
	var buf bytes.Buffer
	if err := pageTemplate.Execute(&buf, p); err != nil {
		return nil, fmt.Errorf("render the transcript: %w", err)
	}
	return buf.Bytes(), nil
}

// renderer turns the Doc into the templates' values.
type renderer struct {
	context
	doc      *Doc
	loc      *time.Location
	pictures map[string]string // file id → data: URI of each PNG
}

// pictures makes the data: URIs of the doc's PNG files, several at once.
func pictures(d *Doc) map[string]string {
	out := make(map[string]string, len(d.Files))
	var mu sync.Mutex
	var wg sync.WaitGroup
	for id, f := range d.Files {
		if !strings.HasSuffix(f.Name, ".png") || !bytes.HasPrefix(f.Bytes, []byte("\x89PNG")) {
			continue
		}
		wg.Go(func() {
			uri := "data:image/png;base64," + base64.StdEncoding.EncodeToString(compact(f.Bytes))
			mu.Lock()
			defer mu.Unlock()
			out[id] = uri
		})
	}
	wg.Wait()
	return out
}

func (r renderer) entries(es []Entry) []vEntry {
	out := make([]vEntry, 0, len(es))
	for _, e := range es {
		switch {
		case e.Msg != nil:
			out = append(out, vEntry{Msg: r.msg(e.Msg)})
		case e.Act != nil:
			out = append(out, vEntry{Act: r.act(e.Act)})
		}
	}
	return out
}

func (r renderer) msg(m *Message) *vMsg {
	v := &vMsg{
		Anchor: anchor(m.Channel, m.TS), Author: r.name(m.User), Time: r.clock(tsTime(m.TS)),
		Bot: m.Bot, Ephemeral: m.Ephemeral, Edited: m.Edited, Blocks: r.blocks(m.Blocks, nil),
	}
	if m.Ephemeral {
		v.To = r.name(m.Recipient)
	}
	if len(v.Blocks) == 0 {
		v.Text = r.mrkdwn(m.Text)
	}
	for _, id := range m.Files {
		f, ok := r.doc.Files[id]
		uri, picture := r.pictures[id]
		switch {
		case !ok:
		case picture:
			v.Images = append(v.Images, vImage{Src: uri, Alt: f.AltText, Title: f.Name})
		default:
			v.Files = append(v.Files, f.Name)
		}
	}
	v.Replies = r.entries(m.Replies)
	return v
}

func (r renderer) act(a *Act) *vAct {
	v := &vAct{Time: r.clock(a.At), Who: r.name(a.User), What: a.What}
	if a.On != nil {
		v.On = r.msg(a.On)
	}
	if a.Modal != nil {
		v.Modal = &vModal{Title: emojis(a.Modal.Title), Submit: emojis(a.Modal.Submit), Blocks: r.blocks(a.Modal.Blocks, a.Modal.Values)}
	}
	return v
}

// clock shows a time as Slack does in a channel.
func (r renderer) clock(t time.Time) string { return t.In(r.loc).Format("15:04") }

// tsTime is the time of a Slack timestamp.
func tsTime(ts string) time.Time {
	sec, frac, _ := strings.Cut(ts, ".")
	s, _ := strconv.ParseInt(sec, 10, 64)
	us, _ := strconv.ParseInt(frac, 10, 64)
	return time.Unix(s, us*1000).UTC()
}

// imgSrc lets the template put a data: URI made here into src.
func imgSrc(s string) template.URL {
	if strings.HasPrefix(s, "data:image/png;base64,") {
		return template.URL(s) // built from the file's bytes above, never from user text
	}
	return ""
}

// initial is the letter on a person's avatar.
func initial(name string) string {
	for _, r := range name {
		return strings.ToUpper(string(r))
	}
	return "?"
}

// pageTemplate draws the page.
var pageTemplate = template.Must(template.New("page").Funcs(template.FuncMap{"imgSrc": imgSrc, "initial": initial}).Parse(pageHTML))
