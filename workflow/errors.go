package workflow

import (
	"errors"
	"fmt"
)

// Error codes, mapped by the bot to friendly words.
const (
	EInvalid    = "invalid"     // the input is wrong; Field names the input
	ENotFound   = "not_found"   // the RCA, node, link or item does not exist
	EForbidden  = "forbidden"   // the actor may not do this
	EConflict   = "conflict"    // the change clashes with the current state
	EWrongPhase = "wrong_phase" // the RCA's phase does not allow the command
	EInternal   = "internal"    // anything else; details are logged, not shown
)

// Error is a workflow failure written for end users.
type Error struct {
	Code    string // one of the E* codes
	Field   string // the input at fault, for EInvalid
	Message string // a specific, kind sentence for the user
	// Facilitator, Title and Action are set on a refusal of something only
	// the RCA's facilitator may do: their user id, the RCA's title and what
	// they alone can do ("do this", "remove this link"), so that the chat
	// side can name both.
	Facilitator string
	Title       string
	Action      string
}

// NoRCA is the refusal for an RCA that does not exist or that the user may
// not see. Both read alike, so an outsider learns nothing of a private RCA,
// not even that it exists.
func NoRCA() *Error {
	return &Error{Code: ENotFound, Message: "There is no such RCA, or it is not shared with you."}
}

// FacilitatorOnly returns the refusal of what only r's facilitator may do;
// action completes "Only the facilitator of … can", e.g. "do this".
func FacilitatorOnly(r *RCA, action string) *Error {
	return &Error{Code: EForbidden, Message: fmt.Sprintf("Only the facilitator of “%s” can %s.", r.Title, action),
		Facilitator: r.Facilitator, Title: r.Title, Action: action}
}

// ErrorDetail returns the *Error in err's chain, or nil.
func ErrorDetail(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return nil
}

// Error implements the error interface.
func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("workflow %s (%s): %s", e.Code, e.Field, e.Message)
	}
	return fmt.Sprintf("workflow %s: %s", e.Code, e.Message)
}

// Errorf returns an *Error with the given code and formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Invalidf returns an EInvalid *Error for field.
func Invalidf(field, format string, args ...any) *Error {
	return &Error{Code: EInvalid, Field: field, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the *Error in err's chain, EInternal for any
// other error, and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EInternal
}

// ErrorField returns the field of the *Error in err's chain, or "".
func ErrorField(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Field
	}
	return ""
}

// ErrorMessage returns the user-facing message of the *Error in err's chain, or
// a generic sentence for any other error.
func ErrorMessage(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "Something went wrong on our side. Please try again in a moment."
}
