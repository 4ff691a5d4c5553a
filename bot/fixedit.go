package bot

import (
	"context"
	"time"

	"github.com/slack-go/slack"

	"github.com/untangle-rca/untangle/workflow"
)

// Ids of the "Fix details" modal: owner, due date and links of a fix.
const (
	viewEditFix  = "edit_fix"
	fieldTicket  = "ticket"
	fieldPullReq = "pull_request"
	// fixEditChoice is the status menu's value index of "Edit details…",
	// after the statuses.
	fixEditChoice = 6
)

// endOfPickedDay reads a date picker's value as the end of that day in loc
// (zero when nothing is picked).
func endOfPickedDay(date string, loc *time.Location) (time.Time, error) {
	if date == "" {
		return time.Time{}, nil
	}
	day, err := time.ParseInLocation("2006-01-02", date, loc)
	if err != nil {
		return time.Time{}, workflow.Invalidf(fieldDue, "pick a date from the calendar")
	}
	return day.Add(24*time.Hour - time.Second), nil
}

// editFixModal is the "Fix details" modal, filled with the fix's details.
func editFixModal(rcaID int64, f *workflow.Fix, loc *time.Location) slack.ModalViewRequest {
	owner := slack.NewOptionsSelectBlockElement(slack.OptTypeUser, plain("Who makes it happen?", maxPlaceholder), fieldOwner)
	owner.InitialUser = f.Owner
	due := slack.NewDatePickerBlockElement(fieldDue)
	if !f.Due.IsZero() {
		due.InitialDate = f.Due.In(loc).Format("2006-01-02")
	}
	dueIn := slack.NewInputBlock(fieldDue, plain("Due date", maxLabel), nil, due)
	dueIn.Optional = true
	return modal(viewEditFix, "Fix details", "Save", rcaValue(rcaID, f.ID),
		section(truncateEscaped(f.Injection, 500)),
		slack.NewInputBlock(fieldOwner, plain("Owner", maxLabel), nil, owner), dueIn,
		textInput(fieldTicket, "Ticket", "https://…", f.Ticket, false, 1000, true),
		textInput(fieldPullReq, "Pull request", "https://…", f.PullReq, false, 1000, true))
}

// openEditFix opens the "Fix details" modal of a fix.
func (b *Bot) openEditFix(ctx context.Context, cb *slack.InteractionCallback, rcaID, fixID int64) error {
	sum, err := b.svc.Summary(ctx, workflow.Actor{UserID: cb.User.ID}, rcaID)
	if err != nil {
		return err
	}
	for _, o := range sum.Fixes {
		if o.Fix.ID == fixID {
			_, err := b.api.OpenViewContext(ctx, cb.TriggerID, editFixModal(rcaID, &o.Fix, b.cfg.Location))
			return err
		}
	}
	return workflow.Errorf(workflow.ENotFound, "that fix is gone.")
}

// submitEditFix saves the modal; an unchanged due date is left alone, so an
// overdue fix can still get its links.
func (b *Bot) submitEditFix(ctx context.Context, r *reply, cb *slack.InteractionCallback) {
	rcaID, items, err := parseValue(cb.View.PrivateMetadata)
	if err == nil && len(items) != 1 {
		err = workflow.Errorf(workflow.ENotFound, "this form is out of date; open the fix's details again.")
	}
	var e workflow.FixEdit
	if err == nil {
		e, err = fixEditInput(cb, b.cfg.Location)
	}
	actor := workflow.Actor{UserID: cb.User.ID}
	var res *workflow.Result
	if err == nil {
		res, err = b.svc.UpdateFix(r.key(ctx, "edit_fix"), actor, rcaID, items[0], e)
	}
	if err != nil {
		r.ack = viewErrors(r.log, cb, err, fieldOwner)
		return
	}
	var c change
	if e.Owner != nil && *e.Owner != initialOwner(cb.View.Blocks.BlockSet) && !res.Replayed {
		c.jobs = append(c.jobs, func(ctx context.Context) { b.welcomeOwner(ctx, r.log, actor, rcaID, items[0], *e.Owner) })
	}
	b.changed(actor, rcaID, c)
}

// fixEditInput reads the "Fix details" modal into an edit.
func fixEditInput(cb *slack.InteractionCallback, loc *time.Location) (workflow.FixEdit, error) {
	v := cb.View.State.Values
	owner, ticket, pr := v[fieldOwner][fieldOwner].SelectedUser, v[fieldTicket][fieldTicket].Value, v[fieldPullReq][fieldPullReq].Value
	e := workflow.FixEdit{Ticket: &ticket, PullReq: &pr}
	if owner != "" {
		e.Owner = &owner
	}
	picked := v[fieldDue][fieldDue].SelectedDate
	if picked != initialDate(cb.View.Blocks.BlockSet) {
		due, err := endOfPickedDay(picked, loc)
		if err != nil {
			return e, err
		}
		e.Due = &due
	}
	return e, nil
}

// initialDate is the date the modal's due-date picker started with.
func initialDate(blocks []slack.Block) string {
	for _, bl := range blocks {
		if in, ok := bl.(*slack.InputBlock); ok && in.BlockID == fieldDue {
			if dp, ok := in.Element.(*slack.DatePickerBlockElement); ok {
				return dp.InitialDate
			}
		}
	}
	return ""
}
