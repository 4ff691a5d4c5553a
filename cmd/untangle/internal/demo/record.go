package demo

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/untangle-rca/untangle/bot/slacktest"
	"github.com/untangle-rca/untangle/cmd/untangle/internal/transcript"
)

// actRec is an act and where it happened.
type actRec struct {
	channel, thread string
	act             transcript.Act
}

// settle waits until the fake Slack has seen no call for the quiet time
// and the bot has no redraw waiting: the bot has answered the last act, so
// what it posted comes before the next act in the transcript, in every run.
func (p *player) settle(ctx context.Context) error {
	last, since := -1, time.Now()
	for {
		n := len(p.fake.Calls())
		if n != last || p.busy() {
			last, since = n, time.Now()
		} else if time.Since(since) >= p.quiet {
			return p.failed()
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("wait for the bot to settle: %w", ctx.Err())
		case <-time.After(5 * time.Millisecond):
		}
	}
}

// failed reports the first failure Slack would have shown, if any.
func (p *player) failed() error {
	if fs := p.fake.Failures(); len(fs) > 0 {
		return fmt.Errorf("the fake Slack saw a failure: %s %s: %s", fs[0].Kind, fs[0].Type, fs[0].Detail)
	}
	return nil
}

// act records what u does next, once the bot has settled; the clock moves
// on first, so what the bot answers comes after it.
func (p *player) act(ctx context.Context, u slacktest.User, channel, thread, what string, on *slacktest.Message, modal *slacktest.View) error {
	if err := p.settle(ctx); err != nil {
		return err
	}
	p.clock.Advance(p.step)
	a := transcript.Act{At: p.clock.Now(), User: u.ID, What: what}
	if on != nil { // as it looks now that the bot has settled
		cur, ok := p.fake.Message(on.Channel, on.TS)
		if !ok {
			cur = *on
		}
		m := message(cur)
		a.On = &m
	}
	if modal != nil {
		a.Modal = &transcript.Modal{Title: modal.Title, Submit: modal.Submit, Blocks: modal.Blocks, Values: modal.Values}
	}
	p.acts = append(p.acts, actRec{channel: channel, thread: thread, act: a})
	return nil
}

// message copies a fake Slack message into the transcript's form.
func message(m slacktest.Message) transcript.Message {
	return transcript.Message{
		Channel: m.Channel, TS: m.TS, User: m.User, Bot: m.User == slacktest.BotUserID, Text: m.Text, Blocks: m.Blocks,
		Ephemeral: m.Ephemeral, Recipient: m.Recipient, Edited: m.Edited, Files: m.Files,
	}
}

// item is a message or an act with its place in time.
type item struct {
	at    int64 // microseconds
	isMsg bool
	entry transcript.Entry
}

// micros is the time of a Slack timestamp in microseconds.
func micros(ts string) int64 {
	sec, frac, _ := strings.Cut(ts, ".")
	s, _ := strconv.ParseInt(sec, 10, 64)
	us, _ := strconv.ParseInt(frac, 10, 64)
	return s*1e6 + us
}

// sorted orders items by time, an act before what the bot answered it.
func sorted(items []item) []transcript.Entry {
	slices.SortStableFunc(items, func(a, b item) int {
		if a.at != b.at {
			if a.at < b.at {
				return -1
			}
			return 1
		}
		if a.isMsg != b.isMsg {
			if a.isMsg {
				return 1
			}
			return -1
		}
		return 0
	})
	out := make([]transcript.Entry, len(items))
	for i, it := range items {
		out[i] = it.entry
	}
	return out
}

// channel builds a channel of the transcript: its messages (the final
// version of each), the ephemeral messages shown there and the acts.
func (p *player) channel(ch slacktest.Channel) transcript.Channel {
	all := p.fake.Messages(ch.ID)
	for _, u := range p.team() {
		for _, m := range u.Ephemerals() {
			if m.Channel == ch.ID {
				all = append(all, m)
			}
		}
	}
	replies := map[string][]item{}
	var top []item
	for _, m := range all {
		tm := message(m)
		it := item{at: micros(m.TS), isMsg: true, entry: transcript.Entry{Msg: &tm}}
		if m.IsReply() {
			replies[m.ThreadTS] = append(replies[m.ThreadTS], it)
		} else {
			top = append(top, it)
		}
	}
	for _, a := range p.acts {
		if a.channel != ch.ID {
			continue
		}
		it := item{at: a.act.At.UnixMicro(), entry: transcript.Entry{Act: &a.act}}
		if a.thread != "" {
			replies[a.thread] = append(replies[a.thread], it)
		} else {
			top = append(top, it)
		}
	}
	for _, it := range top {
		if m := it.entry.Msg; m != nil && !m.Ephemeral {
			m.Replies = sorted(replies[m.TS])
		}
	}
	canvas, _ := p.fake.ChannelCanvas(ch.ID)
	return transcript.Channel{ID: ch.ID, Name: ch.Name, Topic: ch.Topic, Entries: sorted(top), Canvas: canvas}
}

// doc builds the whole transcript.
func (p *player) doc(intro string) *transcript.Doc {
	d := &transcript.Doc{
		Title: "untangle demo: " + p.plan.title, Intro: intro,
		Users: map[string]string{slacktest.BotUserID: slacktest.BotName}, Files: map[string]transcript.File{},
	}
	for _, u := range p.team() {
		d.Users[u.ID] = u.Name
	}
	for _, ch := range []slacktest.Channel{p.Incidents, p.rca} {
		cur, _ := p.fake.Channel(ch.ID)
		d.Channels = append(d.Channels, p.channel(cur))
	}
	for _, f := range p.fake.Files() {
		d.Files[f.ID] = transcript.File{Name: f.Name, Title: f.Title, AltText: f.AltText, Bytes: f.Bytes}
	}
	return d
}
