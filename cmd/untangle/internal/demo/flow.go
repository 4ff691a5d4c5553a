package demo

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/untangle-rca/untangle/bot/slacktest"
)

// walkQuestion is what the walk message asks about its node.
const walkQuestion = "why did this happen?"

// walkNode returns the text of the node a walk message asks about.
func walkNode(m slacktest.Message) (string, bool) {
	pt := strings.ReplaceAll(m.PlainText(), "*", "")
	i := strings.Index(pt, walkQuestion)
	if i < 0 {
		return "", false
	}
	line, _, _ := strings.Cut(strings.TrimSpace(pt[i+len(walkQuestion):]), "\n")
	_, text, ok := strings.Cut(line, " ")
	return strings.TrimSpace(text), ok
}

// wiring: alice starts the walk; bob and carol answer it in turns.
func (p *player) wiring(ctx context.Context) error {
	if err := p.click(ctx, p.Alice, p.dashboard(), ":link: Start wiring", false); err != nil {
		return err
	}
	return p.walk(ctx)
}

// walk answers the walk until it says wiring is done.
func (p *player) walk(ctx context.Context) error {
	walk, err := p.fake.WaitForMessage(ctx, p.rca.ID, func(m slacktest.Message) bool { return strings.Contains(m.PlainText(), walkQuestion) })
	if err != nil {
		return fmt.Errorf("no walk message: %w", err)
	}
	last := ""
	for {
		var cur string
		done := false
		walk, err = p.fake.WaitForMessage(ctx, p.rca.ID, func(m slacktest.Message) bool {
			if m.TS != walk.TS {
				return false
			}
			var ok bool
			cur, ok = walkNode(m)
			done = !ok && strings.Contains(m.PlainText(), "Wiring done")
			return done || (ok && cur != last)
		})
		if err != nil {
			return fmt.Errorf("the walk did not move on from %q: %w", last, err)
		}
		if done {
			return nil
		}
		s, ok := p.plan.walk[cur]
		if !ok {
			return fmt.Errorf("the walk asks about %q, which the example does not have", cur)
		}
		if err := p.answer(ctx, []slacktest.User{p.Bob, p.Carol}[p.turn%2], walk, s); err != nil {
			return err
		}
		p.turn++
		last = cur
	}
}

// answer gives the walk's answer about one node.
func (p *player) answer(ctx context.Context, u slacktest.User, walk slacktest.Message, s step) error {
	if s.root {
		return p.click(ctx, u, walk, "Root — stop here", true)
	}
	if err := p.click(ctx, u, walk, "Add cause…", true); err != nil {
		return err
	}
	v, err := p.modal(ctx, u, "Add cause")
	if err != nil {
		return err
	}
	var fresh, existing []string
	for _, c := range s.causes {
		if p.known[c] {
			existing = append(existing, c)
		} else {
			fresh = append(fresh, c)
		}
	}
	fields := []string{"Existing node", "Another existing node"}
	if len(existing) > len(fields) {
		return fmt.Errorf("the demo cannot pick %d existing causes in one answer: %q", len(existing), existing)
	}
	for i, c := range existing {
		if err := u.Select(ctx, v, fields[i], typed(c)); err != nil {
			return err
		}
	}
	if len(fresh) > 0 {
		if err := u.FillInput(v, "New causes", strings.Join(fresh, "\n")); err != nil {
			return err
		}
	}
	if s.and {
		if err := u.Select(ctx, v, "How do they produce it?", "only together (AND)"); err != nil {
			return err
		}
	}
	if err := p.submit(ctx, u, p.rca.ID, "", "added causes"); err != nil {
		return err
	}
	for _, c := range s.causes {
		p.known[c] = true
	}
	return nil
}

// typed is what a person types into the type-ahead to find a node.
func typed(text string) string {
	r := []rune(text)
	return string(r[:min(len(r), 30)])
}

// challenge: alice starts the pass; bob raises a reservation of cause
// insufficiency, carol repairs it with the missing premise, the walk digs
// under the premise, and bob and carol accept every link.
func (p *player) challenge(ctx context.Context) error {
	if err := p.waitDashboard(ctx, "Start challenge pass"); err != nil {
		return err
	}
	if err := p.click(ctx, p.Alice, p.dashboard(), ":crossed_swords: Start challenge pass", false); err != nil {
		return err
	}
	header, err := p.fake.WaitForMessage(ctx, p.rca.ID, func(m slacktest.Message) bool {
		return !m.IsReply() && strings.Contains(m.PlainText(), "Challenge pass")
	})
	if err != nil {
		return fmt.Errorf("no challenge header: %w", err)
	}
	if pr := p.plan.premise; pr != nil {
		if err := p.reservation(ctx, header, pr); err != nil {
			return err
		}
	}
	var cards []slacktest.Message
	err = p.waitUntil(ctx, func() bool {
		cards = p.fake.Thread(p.rca.ID, header.TS)
		return len(cards) >= p.plan.links
	})
	if err != nil {
		return fmt.Errorf("wait for %d link cards: %w", p.plan.links, err)
	}
	if err := p.act(ctx, p.Bob, p.rca.ID, header.TS, fmt.Sprintf("and carol clicked “Holds” on each of the %d links", len(cards)), nil, nil); err != nil {
		return err
	}
	for _, c := range cards {
		for _, u := range []slacktest.User{p.Bob, p.Carol} {
			if _, err := u.ClickButton(ctx, c, "Holds"); err != nil {
				return fmt.Errorf("%s clicks Holds: %w", u.Name, err)
			}
		}
	}
	return p.waitDashboard(ctx, fmt.Sprintf("%d/%d accepted", p.plan.links, p.plan.links))
}

// reservation raises and repairs the cause insufficiency of the premise.
func (p *player) reservation(ctx context.Context, header slacktest.Message, pr *premise) error {
	find := func(want string) (slacktest.Message, error) {
		var card slacktest.Message
		err := p.waitUntil(ctx, func() bool {
			for _, m := range p.fake.Thread(p.rca.ID, header.TS) {
				pt := m.PlainText()
				if strings.Contains(pt, pr.partner) && strings.Contains(pt, pr.effect) && strings.Contains(pt, want) {
					card = m
					return true
				}
			}
			return false
		})
		return card, err
	}
	card, err := find("Raise a reservation…")
	if err != nil {
		return fmt.Errorf("no card for the link from %q: %w", pr.partner, err)
	}
	if err := p.click(ctx, p.Bob, card, "Raise a reservation…", true); err != nil {
		return err
	}
	v, err := p.modal(ctx, p.Bob, "Raise a reservation")
	if err != nil {
		return err
	}
	if err := p.Bob.Select(ctx, v, "Category", "Cause insufficiency"); err != nil {
		return err
	}
	if err := p.Bob.FillInput(v, "Note", "This alone would not have produced it: something else must have been true as well."); err != nil {
		return err
	}
	if err := p.submit(ctx, p.Bob, p.rca.ID, header.TS, "raised a reservation"); err != nil {
		return err
	}
	if card, err = find("Resolve…"); err != nil {
		return fmt.Errorf("the card does not offer to resolve the reservation: %w", err)
	}
	if err := p.click(ctx, p.Carol, card, "Resolve…", true); err != nil {
		return err
	}
	if v, err = p.modal(ctx, p.Carol, "Resolve reservation"); err != nil {
		return err
	}
	if err := p.Carol.FillInput(v, "Missing premise", pr.text); err != nil {
		return err
	}
	if err := p.submit(ctx, p.Carol, p.rca.ID, header.TS, "resolved the reservation with the missing premise"); err != nil {
		return err
	}
	if _, err := find(pr.text); err != nil {
		return fmt.Errorf("the card does not show the premise: %w", err)
	}
	p.known[pr.text] = true
	return p.walk(ctx)
}

// render: alice renders the tree, then moves on to plan fixes.
func (p *player) render(ctx context.Context) error {
	if err := p.waitDashboard(ctx, "Render tree"); err != nil {
		return err
	}
	if err := p.click(ctx, p.Alice, p.dashboard(), ":frame_with_picture: Render tree", false); err != nil {
		return err
	}
	if err := p.waitFile(ctx, "cst.png"); err != nil {
		return err
	}
	if _, err := p.fake.WaitForMessage(ctx, p.rca.ID, func(m slacktest.Message) bool { return strings.HasPrefix(m.Text, "Core causes of") }); err != nil {
		return fmt.Errorf("no core-cause message: %w", err)
	}
	if err := p.waitDashboard(ctx, "Plan fixes"); err != nil {
		return err
	}
	return p.click(ctx, p.Alice, p.dashboard(), ":hammer_and_wrench: Plan fixes", false)
}

// waitFile waits for an uploaded file whose name ends in suffix.
func (p *player) waitFile(ctx context.Context, suffix string) error {
	err := p.waitUntil(ctx, func() bool {
		for _, f := range p.fake.Files() {
			if strings.HasSuffix(f.Name, suffix) {
				return true
			}
		}
		return false
	})
	if err != nil {
		return fmt.Errorf("no %s uploaded: %w", suffix, err)
	}
	return nil
}

// fix: carol proposes a fix against the core cause with alice as owner
// and a due date, the team grows its Future Reality Tree, alice agrees to it.
func (p *player) fix(ctx context.Context) error {
	core, err := p.fake.WaitForMessage(ctx, p.rca.ID, func(m slacktest.Message) bool {
		return strings.HasPrefix(m.Text, "Core causes of") && strings.Contains(string(m.Blocks), `"Propose fix"`)
	})
	if err != nil {
		return fmt.Errorf("no core-cause message to propose a fix on: %w", err)
	}
	if err := p.click(ctx, p.Carol, core, "Propose fix", false); err != nil {
		return err
	}
	v, err := p.modal(ctx, p.Carol, "Propose fix")
	if err != nil {
		return err
	}
	if err := p.Carol.FillInput(v, "Injection", injection(p.plan.core)); err != nil {
		return err
	}
	if err := p.Carol.Select(ctx, v, "Owner", p.Alice.Name); err != nil {
		return err
	}
	if err := p.Carol.Select(ctx, v, "Due date", p.clock.Now().AddDate(0, 0, 30).Format("2006-01-02")); err != nil {
		return err
	}
	if err := p.submit(ctx, p.Carol, p.rca.ID, "", "proposed a fix"); err != nil {
		return err
	}
	outcome, err := p.fake.WaitForMessage(ctx, p.rca.ID, func(m slacktest.Message) bool { return strings.Contains(m.PlainText(), "proposed a fix") })
	if err != nil {
		return fmt.Errorf("no fix outcome: %w", err)
	}
	if err := p.waitFile(ctx, "frt.png"); err != nil {
		return err
	}
	if err := p.future(ctx, outcome); err != nil {
		return err
	}
	if err := p.act(ctx, p.Alice, p.rca.ID, "", "chose “Mark agreed” in the fix's status menu", nil, nil); err != nil {
		return err
	}
	if _, err := p.Alice.SelectInMessage(ctx, outcome, "Status: proposed", "Mark agreed"); err != nil {
		return fmt.Errorf("agree to the fix: %w", err)
	}
	return nil
}

// injection is the fix the demo proposes against a core cause.
func injection(core string) string {
	if strings.Contains(core, "KPIs measure delivery speed") {
		return "Engineering quality KPIs weigh as much as delivery speed in every planning review"
	}
	return "This no longer holds: " + core
}

// finish: alice finishes the RCA; the summary, the report and the export follow.
func (p *player) finish(ctx context.Context) error {
	if err := p.waitDashboard(ctx, "Finish RCA"); err != nil {
		return err
	}
	if err := p.click(ctx, p.Alice, p.dashboard(), ":checkered_flag: Finish RCA", false); err != nil {
		return err
	}
	if _, err := p.fake.WaitForMessage(ctx, p.rca.ID, func(m slacktest.Message) bool { return strings.Contains(m.PlainText(), "RCA closed") }); err != nil {
		return fmt.Errorf("no summary: %w", err)
	}
	if err := p.waitFile(ctx, "rca-tree.json"); err != nil {
		return err
	}
	return p.waitUntil(ctx, func() bool { md, _ := p.fake.ChannelCanvas(p.rca.ID); return md != "" })
}

// pollEvery is how often the script looks again for what it waits for.
const pollEvery = 10 * time.Millisecond

// waitUntil polls cond until it holds or ctx ends.
func (p *player) waitUntil(ctx context.Context, cond func() bool) error {
	for !cond() {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(pollEvery):
		}
	}
	return nil
}
