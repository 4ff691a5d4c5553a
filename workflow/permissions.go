package workflow

import "slices"

// CanSee reports whether user may see anything of r: everyone may see a
// public RCA, only its participants (and facilitator) a private one.
func CanSee(r *RCA, user string) bool {
	return !r.Private || r.IsParticipant(user) || r.IsFacilitator(user)
}

// Audience is who will see a text: everyone who can read a channel (Public),
// or only the listed users.
type Audience struct {
	Public bool
	Users  []string
}

// Only is the audience of a private answer to one user.
func Only(user string) Audience { return Audience{Users: []string{user}} }

// AudienceOf is who sees what is posted in r's channel: everyone for a
// public RCA (anyone may join its channel), its participants for a private one.
func AudienceOf(r *RCA) Audience {
	if !r.Private {
		return Audience{Public: true}
	}
	users := append([]string{r.Facilitator, r.Creator}, r.Participants...)
	return Audience{Users: users}
}

// MaySee reports whether everyone in the audience may see r. An empty
// audience may see only public RCAs.
func (a Audience) MaySee(r *RCA) bool {
	if !r.Private {
		return true
	}
	if a.Public || len(a.Users) == 0 {
		return false
	}
	for _, u := range a.Users {
		if !CanSee(r, u) {
			return false
		}
	}
	return true
}

// Command names a workflow command for the phase and permission tables.
type Command string

// The commands of the workflow.
const (
	CmdView            Command = "view"             // read status, tree, summary, walk
	CmdJoin            Command = "join"             // join a public RCA
	CmdAddParticipants Command = "add_participants" // invite people
	CmdBindChannel     Command = "bind_channel"     // record the RCA's channel
	CmdSetReminder     Command = "set_reminder"     // change the reminder schedule
	CmdAddSymptom      Command = "add_symptom"
	CmdAddCauses       Command = "add_causes"
	CmdPaste           Command = "paste_statements"
	CmdMarkRoot        Command = "mark_root"
	CmdSkip            Command = "skip"
	CmdEdit            Command = "edit"
	CmdDelete          Command = "delete"
	CmdUndo            Command = "undo"
	CmdReview          Command = "review"
	CmdRaise           Command = "raise"
	CmdRepair          Command = "repair"
	CmdDecide          Command = "decide" // facilitator accepts or rejects a link
	CmdProposeFix      Command = "propose_fix"
	CmdFuture          Command = "future"     // negative branches, desirable effects, counterparts of symptoms
	CmdFixStatus       Command = "fix_status" // move a fix along; see MayMoveFix for who
	CmdEditFix         Command = "edit_fix"   // owner, due date, links
	CmdAdvance         Command = "advance"
	CmdStepBack        Command = "step_back"
	CmdFinish          Command = "finish"
	CmdReopen          Command = "reopen"
	CmdRevokeLinks     Command = "revoke_links" // refuse every web link made so far
)

// Rule says in which phases a command is allowed and whether only the
// facilitator (or the RCA's creator) may run it.
type Rule struct {
	Command     Command
	Phases      []Phase
	Facilitator bool
}

// Rules returns the phase and permission table, one row per command. The bot
// uses it to show only the buttons that fit; Check enforces it.
func Rules() []Rule { return slices.Clone(rules) }

// rules is the table, built once: every command checks against it, and is
// never changed.
var rules = buildRules()

// buildRules builds the phase and permission table.
func buildRules() []Rule {
	open := []Phase{PhaseCollecting, PhaseWiring, PhaseChallenging, PhaseFixing}
	all := append(slices.Clone(open), PhaseClosed)
	editing := []Phase{PhaseCollecting, PhaseWiring, PhaseChallenging}
	adding := []Phase{PhaseCollecting, PhaseWiring}
	// A repair in the challenge pass can bring in a new premise; the team may
	// keep digging under it, so causes can still be wired then.
	digging := []Phase{PhaseCollecting, PhaseWiring, PhaseChallenging}
	return []Rule{
		{CmdView, all, false},
		{CmdJoin, open, false},
		{CmdAddParticipants, open, true},
		{CmdBindChannel, all, true},
		// After close the schedule only turns the fix reminders on or off.
		{CmdSetReminder, all, true},
		{CmdAddSymptom, adding, false},
		{CmdAddCauses, digging, false},
		{CmdPaste, adding, false},
		{CmdMarkRoot, digging[1:], false},
		{CmdSkip, digging[1:], false},
		{CmdEdit, editing, false},
		{CmdDelete, editing, false},
		{CmdUndo, editing, false},
		{CmdReview, []Phase{PhaseChallenging}, false},
		{CmdRaise, []Phase{PhaseChallenging}, false},
		{CmdRepair, []Phase{PhaseChallenging}, false},
		{CmdDecide, []Phase{PhaseChallenging}, true},
		{CmdProposeFix, []Phase{PhaseFixing}, false},
		{CmdFuture, []Phase{PhaseFixing}, false},
		// Fixes stay alive after the RCA closes: they are worked on then.
		{CmdFixStatus, []Phase{PhaseFixing, PhaseClosed}, false},
		{CmdEditFix, []Phase{PhaseFixing, PhaseClosed}, false},
		{CmdAdvance, editing, true},
		{CmdStepBack, []Phase{PhaseWiring, PhaseChallenging, PhaseFixing}, true},
		{CmdFinish, []Phase{PhaseFixing}, true},
		{CmdReopen, []Phase{PhaseClosed}, true},
		{CmdRevokeLinks, all, true},
	}
}

// RuleFor returns the rule of cmd.
func RuleFor(cmd Command) (Rule, bool) {
	for _, r := range rules {
		if r.Command == cmd {
			return r, true
		}
	}
	return Rule{}, false
}

// Check reports whether user may run cmd on r now: NoRCA (ENotFound) when r
// is private and the user is none of its participants, EForbidden when the
// user is not a participant (public RCAs may be viewed and joined by anyone)
// or the command is the facilitator's, EWrongPhase when the phase does not
// allow it.
func Check(r *RCA, user string, cmd Command) error {
	rule, ok := RuleFor(cmd)
	if !ok {
		return Errorf(EInternal, "Unknown command %q.", cmd)
	}
	if !CanSee(r, user) {
		return NoRCA()
	}
	public := cmd == CmdView || cmd == CmdJoin
	if !public && !r.IsParticipant(user) && !r.IsFacilitator(user) {
		return Errorf(EForbidden, "You are not part of “%s” yet; join it first.", r.Title)
	}
	if rule.Facilitator && !r.IsFacilitator(user) {
		return FacilitatorOnly(r, "do this")
	}
	if !slices.Contains(rule.Phases, r.Phase) {
		return &Error{Code: EWrongPhase, Message: wrongPhaseMessage(r, rule)}
	}
	return nil
}

func wrongPhaseMessage(r *RCA, rule Rule) string {
	if r.Phase == PhaseClosed {
		return "This RCA is closed. The facilitator can reopen it."
	}
	names := make([]string, len(rule.Phases))
	for i, p := range rule.Phases {
		names[i] = string(p)
	}
	return "This RCA is in the " + string(r.Phase) + " phase; that action belongs to " + joinOr(names) + "."
}

func joinOr(items []string) string {
	switch len(items) {
	case 0:
		return "no phase"
	case 1:
		return "the " + items[0] + " phase"
	}
	out := "the "
	for i, s := range items {
		switch {
		case i == len(items)-1:
			out += " or " + s
		case i > 0:
			out += ", " + s
		default:
			out += s
		}
	}
	return out + " phases"
}
