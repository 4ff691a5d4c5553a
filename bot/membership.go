package bot

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/untangle-rca/untangle/workflow"
)

// Anyone in a public RCA's channel may take part in it. Someone who acts on
// a public RCA from outside its channel (a click on the dashboard seen in a
// channel preview, say) is invited into the channel and made a participant
// in one step, so that everyone who takes part, and everyone who counts
// towards "two participants say it holds", reads the channel. Private RCAs
// take only the people their facilitator invites.

// memberTTL is how long the bot trusts the member list it read of an RCA
// channel before asking Slack again; someone who leaves the channel is
// taken off it at once (member_left_channel).
const memberTTL = 10 * time.Minute

// channelMembers keeps the member lists of RCA channels the bot read
// recently, so that a run of clicks costs one conversations.members call,
// not one each.
type channelMembers struct {
	mu    sync.Mutex
	lists map[string]memberList // by channel id
}

type memberList struct {
	users map[string]bool
	read  time.Time
}

// lookup returns whether user is in channel per a list younger than
// maxAge; ok is false when there is none.
func (m *channelMembers) lookup(channel, user string, now time.Time, maxAge time.Duration) (in, ok bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	l, ok := m.lists[channel]
	if !ok || now.Sub(l.read) >= maxAge {
		return false, false
	}
	return l.users[user], true
}

// store keeps a freshly read member list.
func (m *channelMembers) store(channel string, users []string, now time.Time) {
	set := make(map[string]bool, len(users))
	for _, u := range users {
		set[u] = true
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.lists == nil {
		m.lists = map[string]memberList{}
	}
	m.lists[channel] = memberList{users: set, read: now}
}

// added notes that user joined channel.
func (m *channelMembers) added(channel, user string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if l, ok := m.lists[channel]; ok {
		l.users[user] = true
	}
}

// left notes that user left channel.
func (m *channelMembers) left(channel, user string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if l, ok := m.lists[channel]; ok {
		delete(l.users, user)
	}
}

func (b *Bot) membershipRoutes(rt *routes) {
	rt.events[string(slackevents.MemberLeftChannel)] = b.memberLeft
}

// memberLeft forgets that someone who left a channel is in it, so that the
// member list kept for up to memberTTL does not count them as taking part;
// in an RCA channel during the challenge pass, their reviews of links not
// accepted yet stop counting too (see workflow.WithdrawReviews).
func (b *Bot) memberLeft(ctx context.Context, r *reply, data any) {
	var channel, user string
	switch ev := data.(type) {
	case *slackevents.MemberLeftChannelEvent:
		channel, user = ev.Channel, ev.User
	case slackevents.MemberLeftChannelEvent:
		channel, user = ev.Channel, ev.User
	}
	if channel == "" || user == "" || user == b.botUserID {
		return
	}
	b.members.left(channel, user)
	actor := workflow.Actor{UserID: user}
	rca, err := b.svc.RCAForChannel(ctx, actor, channel)
	if err != nil || rca.Phase != workflow.PhaseChallenging {
		return // not an RCA channel (or not one they may see), or no pass running
	}
	res, err := b.svc.WithdrawReviews(r.key(ctx, "withdraw"), actor, rca.ID)
	if err != nil {
		r.log.Info("withdraw the reviews of someone who left", "rca", rca.ID, "error", err)
		return
	}
	if len(res.Groups) > 0 {
		r.log.Info("reviews withdrawn: the reviewer left the channel", "rca", rca.ID, "links", res.Groups)
		b.changed(actor, rca.ID, change{cards: res.Groups})
	}
}

// inChannel reports whether user is in channel, reading its member list
// when the kept one is missing or older than maxAge (0: always).
func (b *Bot) inChannel(ctx context.Context, channel, user string, maxAge time.Duration) (bool, error) {
	now := time.Now()
	if in, ok := b.members.lookup(channel, user, now, maxAge); ok && in {
		return true, nil
	}
	var all []string
	params := &slack.GetUsersInConversationParameters{ChannelID: channel, Limit: 1000}
	for {
		users, next, err := b.api.GetUsersInConversationContext(ctx, params)
		if err != nil {
			return false, fmt.Errorf("conversations.members of %s: %w", channel, err)
		}
		all = append(all, users...)
		if next == "" {
			break
		}
		params.Cursor = next
	}
	b.members.store(channel, all, now)
	in, _ := b.members.lookup(channel, user, now, time.Hour)
	return in, nil
}

// refusal is a user error whose words are already mrkdwn (they link a
// channel); plain says the same for plain-text surfaces such as a modal's
// field errors.
type refusal struct{ mrkdwn, plain string }

func (e *refusal) Error() string { return e.plain }

// asRefusal returns the refusal in err's chain, or nil.
func asRefusal(err error) *refusal {
	var rf *refusal
	if errors.As(err, &rf) {
		return rf
	}
	return nil
}

// joinRCA makes actor a participant of the public RCA they act on, inviting
// them into its channel first when they are not in it, and tells them when
// it did. A private RCA, someone already taking part, or a phase that takes
// nobody new is left to the permission check of the command that follows.
// It returns the RCA as it is then; when Slack will not invite the actor,
// a kind refusal that says how to join. A member list of the channel up to
// maxAge old is trusted (0 reads it again).
func (b *Bot) joinRCA(ctx context.Context, r *reply, actor workflow.Actor, rca *workflow.RCA, maxAge time.Duration) (*workflow.RCA, error) {
	if rca.Private {
		return rca, nil
	}
	member := rca.IsParticipant(actor.UserID) || rca.IsFacilitator(actor.UserID)
	if !member && workflow.Check(rca, actor.UserID, workflow.CmdJoin) != nil {
		return rca, nil
	}
	invited := false
	if rca.ChannelID != "" { // an RCA whose channel could not be made has nobody to check against
		var err error
		if invited, err = b.bringIn(ctx, rca, actor.UserID, maxAge); err != nil {
			return nil, err
		}
	}
	if !member {
		if _, err := b.svc.Join(r.key(ctx, "join"), actor, rca.ID); err != nil {
			return nil, err
		}
		joined := *rca
		joined.Participants = append(append([]string(nil), rca.Participants...), actor.UserID)
		rca = &joined
		r.log.Info("joined the RCA", "rca", rca.ID, "invited", invited)
	}
	if invited {
		text := fmt.Sprintf(":wave: I added you to <#%s>, where *%s* is worked on, and to the RCA: everyone who takes part works in its channel.",
			rca.ChannelID, Escape(rca.Title))
		channel, user := rca.ChannelID, actor.UserID
		r.later(func(ctx context.Context) {
			if _, err := b.api.PostEphemeralContext(ctx, channel, user, slack.MsgOptionText(text, false)); err != nil {
				r.log.Warn("tell an invited participant", "error", err)
			}
		})
	}
	return rca, nil
}

// bringIn makes sure user is in the RCA's channel, inviting them when they
// are not; it reports whether it invited them now.
func (b *Bot) bringIn(ctx context.Context, rca *workflow.RCA, user string, maxAge time.Duration) (bool, error) {
	in, err := b.inChannel(ctx, rca.ChannelID, user, maxAge)
	if err != nil {
		return false, err
	}
	if in {
		return false, nil
	}
	_, err = b.api.InviteUsersToConversationContext(ctx, rca.ChannelID, user)
	if err == nil || isSlackError(err, "already_in_channel") {
		b.members.added(rca.ChannelID, user)
		return err == nil, nil
	}
	b.log.Warn("could not invite someone into an RCA channel", "rca", rca.ID, "error", err)
	return false, &refusal{
		mrkdwn: fmt.Sprintf(":warning: I couldn't add you to <#%s>, where *%s* is worked on, and only people in that channel take part. "+
			"Open <#%s> and join it (or ask someone in it to add you), then try again.", rca.ChannelID, Escape(rca.Title), rca.ChannelID),
		plain: "I couldn't add you to this RCA's channel, and only people in it take part. Join the channel the dashboard is in (or ask someone in it to add you), then try again.",
	}
}
