package demo

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/untangle-rca/untangle/bot"
	"github.com/untangle-rca/untangle/bot/slacktest"
	"github.com/untangle-rca/untangle/cmd/untangle/internal/transcript"
	"github.com/untangle-rca/untangle/tree"
)

// Team is the three people of the demo and the channel they start in.
type Team struct {
	Alice, Bob, Carol slacktest.User // alice facilitates
	Incidents         slacktest.Channel
}

// NewTeam adds the demo's people and their #incidents channel (with the
// app in it) to a fake workspace.
func NewTeam(fake *slacktest.Server) Team {
	t := Team{Alice: fake.AddUser("alice"), Bob: fake.AddUser("bob"), Carol: fake.AddUser("carol")}
	t.Incidents = fake.AddChannel("incidents", slacktest.ChannelOptions{Members: []slacktest.User{t.Alice, t.Bob, t.Carol}, BotMember: true})
	return t
}

// Options configure a run.
type Options struct {
	Fake    *slacktest.Server
	Team    Team
	Clock   *Clock        // moved by the script; the bot and the fake read it
	Example []byte        // the example tree, in statements
	Title   string        // the RCA's title
	Quiet   time.Duration // how long Slack must see no call before the next act; 0 means 60 ms
	Busy    func() bool   // reports whether the bot is at work (an envelope, a redraw waiting); nil means never
	Intro   string        // shown under the transcript's title
}

// player runs the script and keeps what it recorded.
type player struct {
	Team
	fake  *slacktest.Server
	clock *Clock
	plan  *plan
	quiet time.Duration
	busy  func() bool
	step  time.Duration // how far the clock moves for each act
	acts  []actRec
	rca   slacktest.Channel
	dash  slacktest.Message
	known map[string]bool // the texts of the nodes in the Slack tree
	turn  int
}

// Check reports whether the demo can play an RCA of the example, before
// anything starts.
func Check(example []byte) error {
	t, err := tree.Parse(example)
	if err != nil {
		return fmt.Errorf("read the example: %w", err)
	}
	_, err = newPlan("", t)
	return err
}

// Play runs the whole RCA of the example against the bot connected to the
// fake Slack and returns the transcript.
func Play(ctx context.Context, o Options) (*transcript.Doc, error) {
	t, err := tree.Parse(o.Example)
	if err != nil {
		return nil, fmt.Errorf("read the example: %w", err)
	}
	pl, err := newPlan(o.Title, t)
	if err != nil {
		return nil, err
	}
	p := &player{Team: o.Team, fake: o.Fake, clock: o.Clock, plan: pl, quiet: o.Quiet, busy: o.Busy, step: 20 * time.Second, known: map[string]bool{}}
	if p.quiet == 0 {
		p.quiet = 60 * time.Millisecond
	}
	if p.busy == nil {
		p.busy = func() bool { return false }
	}
	for _, phase := range []struct {
		name string
		run  func(context.Context) error
	}{
		{"start", p.start}, {"symptoms", p.symptoms}, {"paste", p.paste}, {"wiring", p.wiring},
		{"challenge", p.challenge}, {"render", p.render}, {"fix", p.fix}, {"finish", p.finish},
	} {
		if err := phase.run(ctx); err != nil {
			return nil, fmt.Errorf("demo, %s: %w", phase.name, err)
		}
	}
	if err := p.settle(ctx); err != nil {
		return nil, err
	}
	return p.doc(o.Intro), nil
}

func (p *player) team() []slacktest.User { return []slacktest.User{p.Alice, p.Bob, p.Carol} }

// dashboard is the RCA's dashboard as it is now.
func (p *player) dashboard() slacktest.Message {
	m, _ := p.fake.Message(p.rca.ID, p.dash.TS)
	return m
}

// waitDashboard waits until the dashboard says want.
func (p *player) waitDashboard(ctx context.Context, want string) error {
	_, err := p.fake.WaitForMessage(ctx, p.rca.ID, func(m slacktest.Message) bool {
		return m.TS == p.dash.TS && strings.Contains(m.PlainText(), want)
	})
	if err != nil {
		return fmt.Errorf("wait for %q on the dashboard: %w", want, err)
	}
	return nil
}

// click records and makes a click on a button of a message.
func (p *player) click(ctx context.Context, u slacktest.User, msg slacktest.Message, button string, show bool) error {
	var on *slacktest.Message
	if show {
		on = &msg
	}
	thread := ""
	if msg.IsReply() {
		thread = msg.ThreadTS
	}
	if err := p.act(ctx, u, msg.Channel, thread, fmt.Sprintf("clicked “%s”", plainLabel(button)), on, nil); err != nil {
		return err
	}
	if _, err := u.ClickButton(ctx, msg, button); err != nil {
		return fmt.Errorf("%s clicks %q: %w", u.Name, button, err)
	}
	return nil
}

// plainLabel drops a leading :emoji: from a button's text.
func plainLabel(s string) string {
	if strings.HasPrefix(s, ":") {
		if i := strings.Index(s[1:], ": "); i >= 0 {
			return s[i+3:]
		}
	}
	return s
}

// modal waits for u's modal whose title or callback id is name.
func (p *player) modal(ctx context.Context, u slacktest.User, name string) (slacktest.View, error) {
	v, err := u.WaitForViewWhere(ctx, func(v slacktest.View) bool { return v.Title == name || v.CallbackID == name })
	if err != nil {
		return v, fmt.Errorf("modal %q: %w", name, err)
	}
	return v, nil
}

// submit records the top modal as u filled it in, then submits it.
func (p *player) submit(ctx context.Context, u slacktest.User, channel, thread, what string) error {
	v, ok := u.CurrentView()
	if !ok {
		return fmt.Errorf("%s has no modal to submit", u.Name)
	}
	if err := p.act(ctx, u, channel, thread, what, nil, &v); err != nil {
		return err
	}
	ack, err := u.SubmitView(ctx)
	if err != nil {
		return fmt.Errorf("%s submits %q: %w", u.Name, v.Title, err)
	}
	if errs := ack.Errors(); len(errs) > 0 {
		return fmt.Errorf("%q refused: %v", v.Title, errs)
	}
	return nil
}

// start: alice runs /rca start in #incidents and names bob and carol.
func (p *player) start(ctx context.Context) error {
	if err := p.act(ctx, p.Alice, p.Incidents.ID, "", "ran /rca start "+p.plan.title, nil, nil); err != nil {
		return err
	}
	if _, err := p.Alice.SlashCommand(ctx, p.Incidents.ID, "/rca", "start "+p.plan.title); err != nil {
		return err
	}
	v, err := p.modal(ctx, p.Alice, "Start an RCA")
	if err != nil {
		return err
	}
	for _, u := range []slacktest.User{p.Bob, p.Carol} {
		if err := p.Alice.Select(ctx, v, "Participants", u.Name); err != nil {
			return err
		}
	}
	if err := p.submit(ctx, p.Alice, p.Incidents.ID, "", "started the RCA"); err != nil {
		return err
	}
	err = p.waitUntil(ctx, func() bool {
		for _, c := range p.fake.Channels() {
			if !strings.HasPrefix(c.Name, "rca-") {
				continue
			}
			for _, m := range p.fake.Messages(c.ID) {
				if m.User == slacktest.BotUserID && strings.Contains(m.PlainText(), "RCA: ") {
					p.rca, p.dash = c, m
					return true
				}
			}
		}
		return false
	})
	if err != nil {
		return fmt.Errorf("no RCA channel with a dashboard: %w", err)
	}
	return nil
}

// symptoms: alice adds all but the last symptom through the dashboard's
// modal; bob posts the last one and adds it with the message shortcut.
func (p *player) symptoms(ctx context.Context) error {
	byModal := p.plan.symptoms
	var last string
	if len(byModal) > 1 {
		byModal, last = byModal[:len(byModal)-1], byModal[len(byModal)-1]
	}
	for _, s := range byModal {
		if err := p.click(ctx, p.Alice, p.dashboard(), ":heavy_plus_sign: Add symptom", false); err != nil {
			return err
		}
		v, err := p.modal(ctx, p.Alice, "add_symptom")
		if err != nil {
			return err
		}
		if err := p.Alice.FillInput(v, "Symptom", s); err != nil {
			return err
		}
		if err := p.submit(ctx, p.Alice, p.rca.ID, "", "added a symptom"); err != nil {
			return err
		}
		p.known[s] = true
	}
	if last != "" {
		if err := p.act(ctx, p.Bob, p.rca.ID, "", "wrote in the channel", nil, nil); err != nil {
			return err
		}
		msg, err := p.Bob.Post(p.rca.ID, last)
		if err != nil {
			return err
		}
		if err := p.act(ctx, p.Bob, p.rca.ID, "", "used the message shortcut “Add to RCA as symptom” on his message", nil, nil); err != nil {
			return err
		}
		if _, err := p.Bob.MessageShortcut(ctx, msg, bot.ShortcutAddSymptom); err != nil {
			return err
		}
		if _, err := p.modal(ctx, p.Bob, "add_symptom"); err != nil {
			return err
		}
		if err := p.submit(ctx, p.Bob, p.rca.ID, "", "added the message as a symptom"); err != nil {
			return err
		}
		p.known[last] = true
	}
	return p.waitDashboard(ctx, fmt.Sprintf("%d symptom", len(p.plan.symptoms)))
}

// paste: alice pastes one statement and applies the preview.
func (p *player) paste(ctx context.Context) error {
	if p.plan.paste == "" {
		return nil
	}
	if err := p.act(ctx, p.Alice, p.rca.ID, "", "ran /rca paste", nil, nil); err != nil {
		return err
	}
	if _, err := p.Alice.SlashCommand(ctx, p.rca.ID, "/rca", "paste"); err != nil {
		return err
	}
	v, err := p.modal(ctx, p.Alice, "paste_statements")
	if err != nil {
		return err
	}
	if err := p.Alice.FillInput(v, "Statements", p.plan.paste); err != nil {
		return err
	}
	what := "pasted a statement"
	if n := strings.Count(p.plan.paste, "\n") + 1; n > 1 {
		what = fmt.Sprintf("pasted %d statements", n)
	}
	if err := p.submit(ctx, p.Alice, p.rca.ID, "", what); err != nil {
		return err
	}
	if _, err := p.modal(ctx, p.Alice, "paste_preview"); err != nil {
		return err
	}
	if err := p.submit(ctx, p.Alice, p.rca.ID, "", "applied the preview"); err != nil {
		return err
	}
	for _, part := range strings.Split(p.plan.paste, "[")[1:] {
		text, _, _ := strings.Cut(part, "]")
		p.known[text] = true
	}
	_, err = p.Alice.WaitForEphemeral(ctx, func(m slacktest.Message) bool { return strings.HasPrefix(m.Text, ":white_check_mark: Pasted") })
	return err
}
