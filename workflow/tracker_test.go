package workflow_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/untangle-rca/untangle/workflow"
)

func TestTicketDraftValidate(t *testing.T) {
	good := workflow.TicketDraft{Title: "Add a breaker", Marker: workflow.TicketMarker(3, 9, "A1B2C3")}
	if err := good.Validate(); err != nil || good.Marker != "untangle-fix-3-9-a1b2c3" {
		t.Fatalf("Validate = %v, marker %q", err, good.Marker)
	}
	for _, d := range []workflow.TicketDraft{
		{Title: " ", Marker: good.Marker},
		{Title: "x", Marker: "untangle-fix-3-9-a1"},
		{Title: "x", Marker: "untangle-fix-3-9-a1b2c3\" OR 1=1"},
		{Title: "x"},
	} {
		if workflow.ErrorCode(d.Validate()) != workflow.EInvalid {
			t.Errorf("Validate(%+v) accepted it", d)
		}
	}
	// FileTicket refuses an invalid draft before calling any tracker.
	if _, err := workflow.FileTicket(context.Background(), nil, workflow.TicketDraft{}, false, workflow.RetryPolicy{}); workflow.ErrorCode(err) != workflow.EInvalid {
		t.Fatalf("FileTicket with an empty draft = %v", err)
	}
}

func TestTrackerErrorExplains(t *testing.T) {
	for _, tc := range []struct {
		e    workflow.TrackerError
		want string
	}{
		{workflow.TrackerError{Fault: workflow.FaultAuth, Tracker: "Jira", Status: 401, Credential: "UNTANGLE_JIRA_TOKEN", Need: "create issues in OPS"}, "UNTANGLE_JIRA_TOKEN (HTTP 401). It needs create issues in OPS"},
		{workflow.TrackerError{Fault: workflow.FaultGone, Tracker: "GitHub Issues", Status: 410, Message: "Issues are disabled"}, "hidden from this credential (HTTP 410): Issues are disabled"},
		{workflow.TrackerError{Fault: workflow.FaultInvalid, Tracker: "Linear", Message: "title is too long"}, "refused the ticket: title is too long. The fix is kept"},
		{workflow.TrackerError{Fault: workflow.FaultRetryable, Tracker: "Jira", Status: 429}, "rate limited"},
		{workflow.TrackerError{Fault: workflow.FaultRetryable, Tracker: "Jira", Unknown: true}, "no answer in time"},
	} {
		if got := tc.e.Explain(); !strings.Contains(got, tc.want) {
			t.Errorf("Explain() = %q, want it to contain %q", got, tc.want)
		}
		err := error(&tc.e)
		if workflow.TrackerFaultOf(errors.Join(errors.New("context"), err)) != tc.e.Fault {
			t.Errorf("TrackerFaultOf lost the fault %s", tc.e.Fault)
		}
	}
}
