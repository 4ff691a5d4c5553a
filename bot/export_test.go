package bot

import (
	"github.com/slack-go/slack"

	"github.com/untangle-rca/untangle/workflow"
)

// SymptomModalForTest is the Add symptom modal of an RCA titled title, for
// the latency benchmark's reference program that opens the same modal.
func SymptomModalForTest(title string) slack.ModalViewRequest {
	return symptomModal(&workflow.RCA{ID: 1, Title: title}, symptomMeta{RCA: 1}, "")
}

// CardWindow is how many links not yet accepted have their cards shown at once.
const CardWindow = cardWindow
