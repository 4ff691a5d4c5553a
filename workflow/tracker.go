package workflow

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/untangle-rca/untangle/tree"
)

// Tracker is the team's issue tracker (GitHub Issues, Jira, Linear), where
// fixes become tickets. Implementations live under workflow/tracker and
// return *TrackerError for every failure the tracker reports.
type Tracker interface {
	// Name is the tracker's name for people, e.g. "GitHub Issues".
	Name() string
	// Create files a ticket from d and returns its reference. A
	// *TrackerError with Unknown set means the ticket may exist anyway:
	// look it up with FindByMarker before filing again (FileTicket does).
	Create(ctx context.Context, d TicketDraft) (TicketRef, error)
	// Status reads a ticket's status by its key (FaultGone when deleted).
	Status(ctx context.Context, key string) (TicketStatus, error)
	// FindByMarker returns the ticket whose body carries marker, and false
	// when there is none.
	FindByMarker(ctx context.Context, marker string) (TicketRef, bool, error)
	// CheckAccess makes one read call that proves the credentials reach
	// the configured repository, project or team, and describes what it saw.
	CheckAccess(ctx context.Context) (string, error)
}

// TicketNode is a node of the tree as a ticket names it.
type TicketNode struct {
	ID   tree.NodeID
	Text string
}

// TicketStep is one IF/THEN link of a chain: IF Causes (all of them) THEN Effect.
type TicketStep struct {
	Causes []TicketNode
	Effect TicketNode
}

// TicketChain is the chain of links from the core cause to one symptom.
type TicketChain struct {
	Symptom TicketNode
	Steps   []TicketStep
}

// TicketDraft is everything a ticket for one fix says, as structured data;
// each tracker renders and escapes it in its own format.
type TicketDraft struct {
	Title           string       // the fix (the injection's text)
	RCATitle        string       // the RCA it came from
	RCALink         string       // permalink to the RCA in chat; may be empty
	Neutralises     TicketNode   // the node the fix neutralises
	RemovesAlone    []TicketNode // symptoms this fix removes on its own
	RemovesTogether []TicketNode // symptoms all agreed fixes remove together
	Chains          []TicketChain
	Owner           string    // the owner's name as people know it; may be empty
	OwnerEmail      string    // for assigning where the tracker knows the person
	Due             time.Time // zero when there is no due date
	Labels          []string  // "rca" and the RCA channel's name
	Marker          string    // unique per fix, see TicketMarker
}

// markerPattern keeps markers free of anything a tracker's search or
// markup could read differently.
var markerPattern = regexp.MustCompile(`^untangle-fix-[0-9]+-[0-9]+-[0-9a-z]{6,32}$`)

// TicketMarker returns the marker a fix's ticket carries in its body: the
// RCA, the fix and a random nonce recorded with the intent to file, so
// that two installations filing into one tracker never share a marker.
func TicketMarker(rcaID, fixID int64, nonce string) string {
	return fmt.Sprintf("untangle-fix-%d-%d-%s", rcaID, fixID, strings.ToLower(nonce))
}

// Validate checks what every tracker needs: a title and a well-formed marker.
func (d TicketDraft) Validate() error {
	if strings.TrimSpace(d.Title) == "" {
		return Invalidf("title", "A ticket needs a title: the fix's text is empty.")
	}
	if !markerPattern.MatchString(d.Marker) {
		return Invalidf("marker", "The ticket marker %q is not one TicketMarker makes.", d.Marker)
	}
	return nil
}

// TicketRef names a filed ticket.
type TicketRef struct {
	Key string // "acme/web#12", "OPS-7", "ENG-42"
	URL string // the ticket's page for people
}

// TicketState is where a ticket stands in its tracker, reduced to what a fix needs.
type TicketState string

// Ticket states.
const (
	TicketOpen       TicketState = "open"        // filed, nobody started
	TicketInProgress TicketState = "in_progress" // someone works on it
	TicketDone       TicketState = "done"        // closed as completed
	TicketCanceled   TicketState = "canceled"    // closed without doing it
)

// TicketStatus is a ticket's state and the tracker's own words for it.
type TicketStatus struct {
	State TicketState
	Name  string // e.g. "In Review", "closed (not planned)"
}

// TrackerFault says what kind of failure a tracker reported and so what the
// caller should do about it.
type TrackerFault string

// Tracker faults.
const (
	// FaultAuth: the credential was refused (401) or lacks a permission
	// (403); Credential and Need say which and what it needs.
	FaultAuth TrackerFault = "auth"
	// FaultGone: the repository, project, team or ticket is gone (404, 410).
	FaultGone TrackerFault = "gone"
	// FaultInvalid: the tracker refused the ticket's fields (400, 422);
	// Message is the tracker's own explanation for the facilitator.
	FaultInvalid TrackerFault = "invalid"
	// FaultRetryable: try again later (429, 5xx, timeouts, rate limits);
	// RetryAfter is the wait the tracker asked for, if any.
	FaultRetryable TrackerFault = "retryable"
)

// TrackerError is a failure reported by, or on the way to, a tracker.
type TrackerError struct {
	Fault      TrackerFault
	Tracker    string        // the tracker's name
	Op         string        // what was attempted, e.g. "create the ticket"
	Status     int           // HTTP status, 0 when none came back
	Message    string        // the tracker's own message, for people
	Credential string        // FaultAuth: the setting holding the credential
	Need       string        // FaultAuth: the permission or scope it needs
	RetryAfter time.Duration // FaultRetryable: the wait asked for, 0 when unknown
	// Unknown means the request may have taken effect although no answer
	// came back (a timeout after sending it).
	Unknown bool
	Err     error // the underlying transport error, if any
}

// Error implements the error interface. It never contains a credential.
func (e *TrackerError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s: %s", e.Tracker, e.Op, e.Fault)
	if e.Status != 0 {
		fmt.Fprintf(&b, " (HTTP %d)", e.Status)
	}
	if e.Message != "" {
		fmt.Fprintf(&b, ": %s", e.Message)
	}
	if e.Err != nil {
		fmt.Fprintf(&b, ": %v", e.Err)
	}
	return b.String()
}

// Unwrap returns the transport error, if any.
func (e *TrackerError) Unwrap() error { return e.Err }

// Explain says in one or two sentences what went wrong and what to do, for
// the facilitator or the operator.
func (e *TrackerError) Explain() string {
	switch e.Fault {
	case FaultAuth:
		return fmt.Sprintf("%s refused the credential in %s (HTTP %d). It needs %s.", e.Tracker, e.Credential, e.Status, e.Need)
	case FaultGone:
		return fmt.Sprintf("%s answered that the repository, project, team or ticket is gone or hidden from this credential (HTTP %d): %s. Check the settings and the credential's access.", e.Tracker, e.Status, e.Message)
	case FaultInvalid:
		return fmt.Sprintf("%s refused the ticket: %s. The fix is kept; correct it and file again.", e.Tracker, e.Message)
	default:
		return fmt.Sprintf("%s is not answering right now (%s); untangle tries again later and loses nothing.", e.Tracker, e.shortCause())
	}
}

func (e *TrackerError) shortCause() string {
	switch {
	case e.Status == 429 || e.RetryAfter > 0:
		return "rate limited"
	case e.Status >= 500:
		return fmt.Sprintf("HTTP %d", e.Status)
	case e.Unknown:
		return "no answer in time"
	}
	return "unreachable"
}

// TrackerFaultOf returns the fault of the *TrackerError in err's chain, or
// "" when there is none.
func TrackerFaultOf(err error) TrackerFault {
	var e *TrackerError
	if errors.As(err, &e) {
		return e.Fault
	}
	return ""
}
