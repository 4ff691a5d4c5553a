package bot

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/untangle-rca/untangle/workflow"
)

// TestTicketLinksGolden renders every place a filed ticket shows: a fix's
// line (/rca fixes, App Home, digests), the dashboard's fix line, the
// closing summary, the Markdown report, the canvas and the fix message's
// ticket control, with a plain ticket and with hostile keys and links.
func TestTicketLinksGolden(t *testing.T) {
	sum := canvasSummary(t)
	tickets := []struct{ key, url string }{
		{"T-12", "https://tracker.example/T-12"},
		{"<!here> *x*|y", "https://tracker.example/a|b>c"},
	}
	for i := range sum.Fixes[:min(len(sum.Fixes), len(tickets))] {
		sum.Fixes[i].Fix.TicketKey, sum.Fixes[i].Fix.Ticket = tickets[i].key, tickets[i].url
	}
	var b strings.Builder
	now := time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)
	b.WriteString("## fix lines\n")
	for _, f := range sum.Fixes {
		b.WriteString(fixStatusLine(&f.Fix, now, time.UTC) + "\n")
	}
	snap := &workflow.Snapshot{FixProgress: sum.Progress}
	for _, f := range sum.Fixes {
		snap.Fixes = append(snap.Fixes, f.Fix)
	}
	b.WriteString("\n## dashboard\n" + dashboardFixLine(snap) + "\n")
	b.WriteString("\n## closing summary\n")
	for _, bl := range fixSummaryBlocks(sum, time.UTC) {
		if s, ok := bl.(*slack.SectionBlock); ok && s.Text != nil {
			b.WriteString(s.Text.Text + "\n")
		}
	}
	b.WriteString("\n## report\n" + fixesMarkdown(sum, map[string]string{"UBOB": "Bob"}, time.UTC) + "\n")
	canvas := canvasMarkdown(sum, map[string]string{"UBOB": "Bob"}, time.UTC)
	if i := strings.Index(canvas, "## Fixes"); i >= 0 {
		canvas = canvas[i:]
		if j := strings.Index(canvas[1:], "\n## "); j >= 0 {
			canvas = canvas[:j+1]
		}
	}
	b.WriteString("\n## canvas\n" + canvas + "\n")

	bt := &Bot{tickets: &ticketDesk{}}
	b.WriteString("\n## fix message controls\n")
	for _, f := range []workflow.Fix{sum.Fixes[0].Fix, {ID: 9, Injection: "Not filed yet"}, {ID: 10, Status: workflow.FixDropped}} {
		blocks := bt.withTicketElement([]slack.Block{actions(blockFixPrefix+strconv.FormatInt(f.ID, 10), fixStatusMenu(1, &f))}, 1, &f)
		data, err := json.Marshal(blocks)
		if err != nil {
			t.Fatal(err)
		}
		b.Write(data)
		b.WriteString("\n")
	}
	got := b.String()
	checkGoldenFile(t, filepath.Join("testdata", "tickets", "links.golden"), []byte(got))
	for _, bad := range []string{"<!here>", "|y>", "a|b>c>"} {
		if strings.Contains(got, bad) {
			t.Errorf("a hostile ticket key or link comes through as %q", bad)
		}
	}
	if !strings.Contains(got, "<https://tracker.example/T-12|T-12>") {
		t.Error("the plain ticket is not linked by its key")
	}
}

// TestTicketRetryWait checks the wait before a failed filing is tried again.
func TestTicketRetryWait(t *testing.T) {
	gh, jira := &ticketDesk{sync: 10 * time.Minute}, &ticketDesk{sync: time.Minute, tracker: lagTracker{15 * time.Second}}
	tests := []struct {
		d        *ticketDesk
		attempts int
		err      error
		want     time.Duration
	}{
		{gh, 1, nil, 10 * time.Minute},
		{gh, 2, nil, 20 * time.Minute},
		{gh, 9, nil, time.Hour},
		{gh, 1, &workflow.TrackerError{Fault: workflow.FaultRetryable, RetryAfter: 2 * time.Hour}, 2 * time.Hour},
		{&ticketDesk{sync: 5 * time.Second, tracker: lagTracker{15 * time.Second}}, 1, nil, 15 * time.Second},
		{jira, 3, nil, 4 * time.Minute},
	}
	for _, tt := range tests {
		if got := tt.d.retryWait(tt.attempts, tt.err); got != tt.want {
			t.Errorf("retryWait(%d, %v) every %v = %v, want %v", tt.attempts, tt.err, tt.d.sync, got, tt.want)
		}
	}
	if got := gh.claimTTL(); got != ticketBudget+5*time.Second {
		t.Errorf("claim without search lag: %v", got)
	}
}

// lagTracker is a tracker whose search lags; only SearchLag is called.
type lagTracker struct{ lag time.Duration }

func (l lagTracker) SearchLag() time.Duration { return l.lag }

func (lagTracker) Name() string { return "lagging" }

func (lagTracker) Create(_ context.Context, _ workflow.TicketDraft) (workflow.TicketRef, error) {
	return workflow.TicketRef{}, nil
}

func (lagTracker) Status(_ context.Context, _ string) (workflow.TicketStatus, error) {
	return workflow.TicketStatus{}, nil
}

func (lagTracker) FindByMarker(_ context.Context, _ string) (workflow.TicketRef, bool, error) {
	return workflow.TicketRef{}, false, nil
}

func (lagTracker) CheckAccess(_ context.Context) (string, error) { return "", nil }
