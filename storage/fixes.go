package storage

import (
	"fmt"
	"time"

	"github.com/untangle-rca/untangle/workflow"
)

// fixColumns are the columns scanFix reads, in its order.
const fixColumns = `id, rca_id, node_num, injection, owner, due, created_by, created_at,
	status, reason, ticket, pull_request, status_at, last_nudge,
	COALESCE((SELECT ticket_key FROM fix_tickets WHERE fix_tickets.fix_id = fixes.id), '')`

// Fixes returns the fixes proposed in the RCA, oldest first.
func (t *Tx) Fixes(rcaID int64) ([]workflow.Fix, error) {
	if err := t.lock(rcaID); err != nil {
		return nil, err
	}
	out, err := t.fixes(`SELECT `+fixColumns+` FROM fixes WHERE rca_id = ? ORDER BY id`, rcaID)
	if err != nil {
		return nil, fmt.Errorf("storage: fixes of rca %d: %w", rcaID, err)
	}
	return out, nil
}

// OpenFixes returns every fix that is neither done nor dropped, across all
// RCAs, by RCA then id. It takes no lock: it is read for lists and reminders.
func (t *Tx) OpenFixes() ([]workflow.Fix, error) {
	out, err := t.fixes(`SELECT `+fixColumns+` FROM fixes WHERE status NOT IN (?, ?) ORDER BY rca_id, id`,
		string(workflow.FixDone), string(workflow.FixDropped))
	if err != nil {
		return nil, fmt.Errorf("storage: open fixes: %w", err)
	}
	return out, nil
}

// DoneFixes returns every fix marked done, across all RCAs, by RCA then id.
// It takes no lock: it is read to flag causes that come back.
func (t *Tx) DoneFixes() ([]workflow.Fix, error) {
	out, err := t.fixes(`SELECT `+fixColumns+` FROM fixes WHERE status = ? ORDER BY rca_id, id`, string(workflow.FixDone))
	if err != nil {
		return nil, fmt.Errorf("storage: done fixes: %w", err)
	}
	return out, nil
}

func (t *Tx) fixes(query string, args ...any) ([]workflow.Fix, error) {
	rows, err := t.query(query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []workflow.Fix
	for rows.Next() {
		var f workflow.Fix
		var status, due, created, statusAt, nudge string
		if err := rows.Scan(&f.ID, &f.RCAID, &f.Node, &f.Injection, &f.Owner, &due, &f.CreatedBy, &created,
			&status, &f.Reason, &f.Ticket, &f.PullReq, &statusAt, &nudge, &f.TicketKey); err != nil {
			return nil, err
		}
		f.Status = workflow.FixStatus(status)
		for _, tm := range []struct {
			dst *time.Time
			src string
		}{{&f.Due, due}, {&f.CreatedAt, created}, {&f.StatusAt, statusAt}, {&f.LastNudge, nudge}} {
			if *tm.dst, err = parseTime(tm.src); err != nil {
				return nil, fmt.Errorf("fix %d: %w", f.ID, err)
			}
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// AddFix inserts f and returns its id; a fix without a status is proposed.
func (t *Tx) AddFix(f *workflow.Fix) (int64, error) {
	if err := t.lock(f.RCAID); err != nil {
		return 0, err
	}
	if f.Status == "" {
		f.Status = workflow.FixProposed
	}
	id, err := t.insert(`INSERT INTO fixes (rca_id, node_num, injection, owner, due, created_by, created_at,
		status, reason, ticket, pull_request, status_at, last_nudge)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, f.RCAID, f.Node, f.Injection, f.Owner, formatTime(f.Due),
		f.CreatedBy, formatTime(t.now), string(f.Status), f.Reason, f.Ticket, f.PullReq, formatTime(f.StatusAt),
		formatTime(f.LastNudge))
	if err != nil {
		return 0, fmt.Errorf("storage: add fix to rca %d: %w", f.RCAID, err)
	}
	f.ID, f.CreatedAt = id, t.now
	return id, nil
}

// UpdateFix saves f's owner, due date, status, reason, links and last nudge.
func (t *Tx) UpdateFix(f *workflow.Fix) error {
	if err := t.lock(f.RCAID); err != nil {
		return err
	}
	res, err := t.exec(`UPDATE fixes SET owner = ?, due = ?, status = ?, reason = ?, ticket = ?, pull_request = ?,
		status_at = ?, last_nudge = ? WHERE id = ? AND rca_id = ?`, f.Owner, formatTime(f.Due), string(f.Status),
		f.Reason, f.Ticket, f.PullReq, formatTime(f.StatusAt), formatTime(f.LastNudge), f.ID, f.RCAID)
	if err != nil {
		return fmt.Errorf("storage: update fix %d: %w", f.ID, err)
	}
	return expectOne(res, "There is no fix %d in this RCA.", f.ID)
}
