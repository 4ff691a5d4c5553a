package storage

import (
	"fmt"

	"github.com/untangle-rca/untangle/tree"
	"github.com/untangle-rca/untangle/workflow"
)

// Reviews returns every review of the RCA by link then user.
func (t *Tx) Reviews(rcaID int64) ([]workflow.Review, error) {
	if err := t.lock(rcaID); err != nil {
		return nil, err
	}
	rows, err := t.query(`SELECT group_num, user_id, holds, at FROM reviews WHERE rca_id = ?
		ORDER BY group_num, user_id`, rcaID)
	if err != nil {
		return nil, fmt.Errorf("storage: reviews of rca %d: %w", rcaID, err)
	}
	defer rows.Close()
	var out []workflow.Review
	for rows.Next() {
		r := workflow.Review{RCAID: rcaID}
		var holds int
		var at string
		if err := rows.Scan(&r.Group, &r.User, &holds, &at); err != nil {
			return nil, fmt.Errorf("storage: reviews of rca %d: %w", rcaID, err)
		}
		r.Holds = holds != 0
		if r.At, err = parseTime(at); err != nil {
			return nil, fmt.Errorf("storage: reviews of rca %d: %w", rcaID, err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// PutReview records a user's verdict on a link, replacing their earlier one.
func (t *Tx) PutReview(r workflow.Review) error {
	if err := t.lock(r.RCAID); err != nil {
		return err
	}
	if _, err := t.exec(`INSERT INTO reviews (rca_id, group_num, user_id, holds, at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (rca_id, group_num, user_id) DO UPDATE SET holds = excluded.holds, at = excluded.at`,
		r.RCAID, r.Group, r.User, boolInt(r.Holds), formatTime(t.now)); err != nil {
		return fmt.Errorf("storage: review of link %d in rca %d: %w", r.Group, r.RCAID, err)
	}
	return nil
}

// ClearReviews forgets the reviews of a link (after it was repaired).
func (t *Tx) ClearReviews(rcaID int64, group tree.GroupID) error {
	if err := t.lock(rcaID); err != nil {
		return err
	}
	if _, err := t.exec(`DELETE FROM reviews WHERE rca_id = ? AND group_num = ?`, rcaID, group); err != nil {
		return fmt.Errorf("storage: clear reviews of link %d in rca %d: %w", group, rcaID, err)
	}
	return nil
}

// Reservations returns every reservation of the RCA, oldest first.
func (t *Tx) Reservations(rcaID int64) ([]workflow.Reservation, error) {
	if err := t.lock(rcaID); err != nil {
		return nil, err
	}
	rows, err := t.query(`SELECT id, group_num, node_num, category, note, raised_by, status,
		resolution, created_at, resolved_at FROM reservations WHERE rca_id = ? ORDER BY id`, rcaID)
	if err != nil {
		return nil, fmt.Errorf("storage: reservations of rca %d: %w", rcaID, err)
	}
	defer rows.Close()
	var out []workflow.Reservation
	for rows.Next() {
		r := workflow.Reservation{RCAID: rcaID}
		var created, resolved string
		if err := rows.Scan(&r.ID, &r.Group, &r.Node, &r.Category, &r.Note, &r.RaisedBy, &r.Status, &r.Resolution,
			&created, &resolved); err != nil {
			return nil, fmt.Errorf("storage: reservations of rca %d: %w", rcaID, err)
		}
		if r.CreatedAt, err = parseTime(created); err != nil {
			return nil, fmt.Errorf("storage: reservation %d: %w", r.ID, err)
		}
		if r.ResolvedAt, err = parseTime(resolved); err != nil {
			return nil, fmt.Errorf("storage: reservation %d: %w", r.ID, err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// AddReservation inserts r and returns its id.
func (t *Tx) AddReservation(r *workflow.Reservation) (int64, error) {
	if err := t.lock(r.RCAID); err != nil {
		return 0, err
	}
	id, err := t.insert(`INSERT INTO reservations (rca_id, group_num, node_num, category, note, raised_by, status,
		created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, r.RCAID, r.Group, r.Node, string(r.Category), r.Note, r.RaisedBy,
		string(r.Status), formatTime(t.now))
	if err != nil {
		return 0, fmt.Errorf("storage: add reservation to rca %d: %w", r.RCAID, err)
	}
	r.ID, r.CreatedAt = id, t.now
	return id, nil
}

// UpdateReservation saves the status and resolution of r.
func (t *Tx) UpdateReservation(r *workflow.Reservation) error {
	if err := t.lock(r.RCAID); err != nil {
		return err
	}
	res, err := t.exec(`UPDATE reservations SET status = ?, resolution = ?, resolved_at = ? WHERE id = ? AND rca_id = ?`,
		string(r.Status), r.Resolution, formatTime(r.ResolvedAt), r.ID, r.RCAID)
	if err != nil {
		return fmt.Errorf("storage: update reservation %d: %w", r.ID, err)
	}
	return expectOne(res, "There is no reservation %d in this RCA.", r.ID)
}

// PutCoreCauses replaces the remembered core causes of an RCA.
func (t *Tx) PutCoreCauses(rcaID int64, causes []workflow.PastCause) error {
	if err := t.lock(rcaID); err != nil {
		return err
	}
	if _, err := t.exec(`DELETE FROM core_causes WHERE rca_id = ?`, rcaID); err != nil {
		return fmt.Errorf("storage: core causes of rca %d: %w", rcaID, err)
	}
	for _, c := range causes {
		if _, err := t.exec(`INSERT INTO core_causes (rca_id, node_num, text, closed_at) VALUES (?, ?, ?, ?)`,
			rcaID, c.Node, c.Text, formatTime(c.ClosedAt)); err != nil {
			return fmt.Errorf("storage: core causes of rca %d: %w", rcaID, err)
		}
	}
	return nil
}

// PastCauses returns every remembered core cause, newest RCA first.
func (t *Tx) PastCauses() ([]workflow.PastCause, error) {
	rows, err := t.query(`SELECT c.rca_id, r.title, c.node_num, c.text, c.closed_at
		FROM core_causes c JOIN rcas r ON r.id = c.rca_id ORDER BY c.closed_at DESC, c.rca_id DESC, c.node_num`)
	if err != nil {
		return nil, fmt.Errorf("storage: past core causes: %w", err)
	}
	defer rows.Close()
	var out []workflow.PastCause
	for rows.Next() {
		var c workflow.PastCause
		var closed string
		if err := rows.Scan(&c.RCAID, &c.RCATitle, &c.Node, &c.Text, &closed); err != nil {
			return nil, fmt.Errorf("storage: past core causes: %w", err)
		}
		if c.ClosedAt, err = parseTime(closed); err != nil {
			return nil, fmt.Errorf("storage: past core causes: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
