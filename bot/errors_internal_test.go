package bot

import (
	"fmt"
	"io"
	"log/slog"
	"testing"

	"github.com/untangle-rca/untangle/workflow"
)

// TestUserTextOfRefusals: refusals name the facilitator with a mention and
// the RCA by its escaped title, never by an internal number; a private RCA
// reads like a missing one.
func TestUserTextOfRefusals(t *testing.T) {
	rca := &workflow.RCA{ID: 7, Title: "Payments <down> & out", Facilitator: "UFAC", Creator: "UFAC",
		Participants: []string{"UFAC", "UBOB"}, Phase: workflow.PhaseFixing}
	private := *rca
	private.Private = true
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	tests := []struct {
		name string
		err  error
		want string
	}{
		{name: "facilitator's command", err: workflow.Check(rca, "UBOB", workflow.CmdFinish),
			want: ":warning: Sorry, you can't do that here: Only <@UFAC>, the facilitator of *Payments &lt;down&gt; &amp; out*, can do this."},
		{name: "wrapped", err: fmt.Errorf("finish on rca 7: %w", workflow.FacilitatorOnly(rca, "remove a link into a node someone else added")),
			want: ":warning: Sorry, you can't do that here: Only <@UFAC>, the facilitator of *Payments &lt;down&gt; &amp; out*, can remove a link into a node someone else added."},
		{name: "private to an outsider", err: workflow.Check(&private, "UEVE", workflow.CmdView),
			want: ":warning: I couldn't find that: There is no such RCA, or it is not shared with you."},
		{name: "missing", err: workflow.NoRCA(),
			want: ":warning: I couldn't find that: There is no such RCA, or it is not shared with you."},
		{name: "channel refusal keeps its link", err: &refusal{mrkdwn: "Open <#C1> and join it.", plain: "Join the channel."},
			want: "Open <#C1> and join it."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := userText(log, tc.err); got != tc.want {
				t.Fatalf("userText = %q\nwant       %q", got, tc.want)
			}
		})
	}
}
