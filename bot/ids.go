package bot

import (
	"context"
	"strconv"
	"strings"

	"github.com/slack-go/slack"

	"github.com/untangle-rca/untangle/workflow"
)

// Action, view and block ids. Every id the bot puts into Slack is declared here.
const (
	// Dashboard buttons; their value is the RCA id.
	actAddSymptom     = "dash_add_symptom"
	actStartWiring    = "dash_start_wiring"
	actPaste          = "dash_paste"
	actStartChallenge = "dash_start_challenge"
	actRender         = "dash_render"
	actPlanFixes      = "dash_plan_fixes"
	actFinish         = "dash_finish"
	actOutline        = "dash_outline"

	// App Home.
	actHomeStart = "home_start_rca"

	// Modals (callback ids).
	viewStart = "start_rca"

	// Slack refs stored per RCA.
	refDashboard = "dashboard_ts"
	refUninvited = "uninvited"
)

// Inputs of the Start modal; block ids equal the workflow's field names so
// field errors land on the right input.
const (
	fieldTitle        = "title"
	fieldSeverity     = "severity"
	fieldIncidentLink = "incident_link"
	fieldParticipants = "participants"
	fieldFacilitator  = "facilitator"
	fieldPrivate      = "private"
	fieldDue          = "due"
)

// rcaValue encodes an RCA id (and optional item ids) into a button value.
func rcaValue(rcaID int64, items ...int64) string {
	parts := []string{strconv.FormatInt(rcaID, 10)}
	for _, it := range items {
		parts = append(parts, strconv.FormatInt(it, 10))
	}
	return strings.Join(parts, ":")
}

// parseValue decodes a value made by rcaValue: the RCA id and the item ids.
func parseValue(v string) (int64, []int64, error) {
	parts := strings.Split(v, ":")
	ids := make([]int64, len(parts))
	for i, p := range parts {
		n, err := strconv.ParseInt(p, 10, 64)
		if err != nil || n <= 0 {
			return 0, nil, workflow.Errorf(workflow.ENotFound, "this button is out of date. Use the buttons on the pinned dashboard.")
		}
		ids[i] = n
	}
	return ids[0], ids[1:], nil
}

// rcaForAction loads the RCA named in a button value and checks that the
// click came from that RCA's own channel (when it came from a channel), so a
// value copied from another RCA cannot act on it.
func (b *Bot) rcaForAction(ctx context.Context, cb *slack.InteractionCallback, value string) (*workflow.RCA, []int64, error) {
	id, items, err := parseValue(value)
	if err != nil {
		return nil, nil, err
	}
	rca, err := b.svc.RCA(ctx, workflow.Actor{UserID: cb.User.ID}, id)
	if err != nil {
		return nil, nil, err
	}
	channel := cb.Channel.ID
	if channel == "" {
		channel = cb.Container.ChannelID
	}
	if channel != "" && rca.ChannelID != "" && channel != rca.ChannelID && !strings.HasPrefix(channel, "D") {
		return nil, nil, workflow.Errorf(workflow.ENotFound, "that button belongs to another RCA's channel.")
	}
	return rca, items, nil
}
