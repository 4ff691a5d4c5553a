package storage

import (
	"fmt"
	"strings"
	"time"

	"github.com/untangle-rca/untangle/workflow"
)

// ticketColumns are the columns scanTicket reads, in its order.
const ticketColumns = `fix_id, rca_id, state, nonce, ticket_key, url, attempts, fault, last_error,
	claim_holder, claim_until, ticket_state, created_at, updated_at`

// FixTicket returns the ticket record of a fix.
func (t *Tx) FixTicket(fixID int64) (*workflow.FixTicket, error) {
	list, err := t.fixTickets(`SELECT `+ticketColumns+` FROM fix_tickets WHERE fix_id = ?`, fixID)
	if err != nil {
		return nil, fmt.Errorf("storage: ticket of fix %d: %w", fixID, err)
	}
	if len(list) == 0 {
		return nil, &workflow.Error{Code: workflow.ENotFound, Field: "fix", Message: fmt.Sprintf("Fix %d has no ticket.", fixID)}
	}
	return &list[0], nil
}

// PutFixTicket inserts or replaces the ticket record of tk.FixID.
func (t *Tx) PutFixTicket(tk *workflow.FixTicket) error {
	if err := t.lock(tk.RCAID); err != nil {
		return err
	}
	_, err := t.exec(`INSERT INTO fix_tickets (`+ticketColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (fix_id) DO UPDATE SET state = excluded.state, ticket_key = excluded.ticket_key, url = excluded.url,
		attempts = excluded.attempts, fault = excluded.fault, last_error = excluded.last_error,
		claim_holder = excluded.claim_holder, claim_until = excluded.claim_until, ticket_state = excluded.ticket_state,
		updated_at = excluded.updated_at`,
		tk.FixID, tk.RCAID, string(tk.State), tk.Nonce, tk.Key, tk.URL, tk.Attempts, string(tk.Fault), tk.LastError,
		tk.ClaimHolder, formatTime(tk.ClaimUntil), string(tk.TicketState), formatTime(tk.CreatedAt), formatTime(tk.UpdatedAt))
	if err != nil {
		return fmt.Errorf("storage: put the ticket of fix %d: %w", tk.FixID, err)
	}
	return nil
}

// FixTickets returns the ticket records in the given states, oldest first.
// It takes no lock: the scheduled job reads it to find work.
func (t *Tx) FixTickets(states []workflow.FilingState) ([]workflow.FixTicket, error) {
	if len(states) == 0 {
		return nil, nil
	}
	args := make([]any, len(states))
	for i, s := range states {
		args[i] = string(s)
	}
	marks := strings.TrimSuffix(strings.Repeat("?, ", len(states)), ", ")
	out, err := t.fixTickets(`SELECT `+ticketColumns+` FROM fix_tickets WHERE state IN (`+marks+`) ORDER BY fix_id`, args...)
	if err != nil {
		return nil, fmt.Errorf("storage: tickets: %w", err)
	}
	return out, nil
}

func (t *Tx) fixTickets(query string, args ...any) ([]workflow.FixTicket, error) {
	rows, err := t.query(query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []workflow.FixTicket
	for rows.Next() {
		var tk workflow.FixTicket
		var state, fault, tstate, claim, created, updated string
		if err := rows.Scan(&tk.FixID, &tk.RCAID, &state, &tk.Nonce, &tk.Key, &tk.URL, &tk.Attempts, &fault, &tk.LastError,
			&tk.ClaimHolder, &claim, &tstate, &created, &updated); err != nil {
			return nil, err
		}
		tk.State, tk.Fault, tk.TicketState = workflow.FilingState(state), workflow.TrackerFault(fault), workflow.TicketState(tstate)
		for _, tm := range []struct {
			dst *time.Time
			src string
		}{{&tk.ClaimUntil, claim}, {&tk.CreatedAt, created}, {&tk.UpdatedAt, updated}} {
			if *tm.dst, err = parseTime(tm.src); err != nil {
				return nil, fmt.Errorf("ticket of fix %d: %w", tk.FixID, err)
			}
		}
		out = append(out, tk)
	}
	return out, rows.Err()
}
