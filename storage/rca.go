package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/untangle-rca/untangle/workflow"
)

// Tx is one transaction; it implements workflow.Tx.
type Tx struct {
	ctx    context.Context
	tx     *sql.Tx
	d      dialect
	write  bool           // a write transaction (Update), not a read (View)
	locked map[int64]bool // the RCAs whose rows this write transaction locked
	now    time.Time
	trees  *treeCache
	dirty  bool // the transaction changed a tree: its trees are not committed yet
	// pending holds, per RCA, this transaction's tree changes; DB.Update
	// applies them to the cached tree once the transaction has committed.
	pending map[int64]*cachedChange
	lent    []lentTree // trees lent to this transaction (see EditTree)
}

var _ workflow.Tx = (*Tx)(nil)

func (t *Tx) exec(query string, args ...any) (sql.Result, error) {
	res, err := t.tx.ExecContext(t.ctx, t.d.rebind(query), args...)
	if err != nil {
		return nil, t.d.mapErr(err)
	}
	return res, nil
}

func (t *Tx) query(query string, args ...any) (*sql.Rows, error) {
	return t.tx.QueryContext(t.ctx, t.d.rebind(query), args...)
}

func (t *Tx) queryRow(query string, args ...any) *sql.Row {
	return t.tx.QueryRowContext(t.ctx, t.d.rebind(query), args...)
}

// insert runs an INSERT … RETURNING id and returns the id.
func (t *Tx) insert(query string, args ...any) (int64, error) {
	var id int64
	if err := t.queryRow(query+` RETURNING id`, args...).Scan(&id); err != nil {
		return 0, t.d.mapErr(err)
	}
	return id, nil
}

// lock makes a write transaction wait until no other one holds the RCA, and
// holds it until this one ends, so that the commands on one RCA run one
// after the other even across processes. Every method that reads or writes
// an RCA's data calls it first (RCA locks as it reads); a read transaction
// or a database that serialises its writers anyway skips it.
func (t *Tx) lock(rcaID int64) error {
	if !t.mustLock(rcaID) {
		return nil
	}
	if _, err := t.tx.ExecContext(t.ctx, t.d.rebind(`SELECT 1 FROM rcas WHERE id = ?`+t.d.rowLock()), rcaID); err != nil {
		return fmt.Errorf("storage: lock rca %d: %w", rcaID, err)
	}
	t.locked[rcaID] = true
	return nil
}

// mustLock reports whether the transaction has yet to lock the RCA.
func (t *Tx) mustLock(rcaID int64) bool {
	if !t.write || rcaID == 0 || t.locked[rcaID] || t.d.rowLock() == "" {
		return false
	}
	if t.locked == nil {
		t.locked = map[int64]bool{}
	}
	return true
}

func notFound(format string, args ...any) error {
	return workflow.Errorf(workflow.ENotFound, format, args...)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// CreateRCA inserts r and its participants and returns the new id.
func (t *Tx) CreateRCA(r *workflow.RCA) (int64, error) {
	id, err := t.insert(`INSERT INTO rcas (title, severity, incident_link, creator, facilitator, private, due, phase,
		channel_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		r.Title, r.Severity, r.IncidentLink, r.Creator, r.Facilitator, boolInt(r.Private), formatTime(r.Due),
		string(r.Phase), nullString(r.ChannelID), formatTime(t.now), formatTime(t.now))
	if err != nil {
		return 0, fmt.Errorf("storage: create rca: %w", err)
	}
	if err := t.AddParticipants(id, r.Participants); err != nil {
		return 0, err
	}
	return id, nil
}

// rcaColumns are the columns scanRCAs reads; the last one is the RCA's
// participants, joined by commas (Slack user ids have none), so an RCA is
// one query and one row instead of a query per RCA and a row per person.
const rcaColumns = `id, title, severity, incident_link, creator, facilitator, private, due, phase,
	COALESCE(channel_id, ''), created_at, updated_at, closed_at,
	(SELECT COALESCE(string_agg(user_id, ','), '') FROM participants WHERE rca_id = rcas.id)`

func (t *Tx) scanRCAs(query string, args ...any) ([]workflow.RCA, error) {
	rows, err := t.query(query, args...)
	if err != nil {
		return nil, fmt.Errorf("query rcas: %w", err)
	}
	defer rows.Close()
	var out []workflow.RCA
	for rows.Next() {
		var r workflow.RCA
		var private int
		var phase, due, created, updated, closed, people string
		if err := rows.Scan(&r.ID, &r.Title, &r.Severity, &r.IncidentLink, &r.Creator, &r.Facilitator, &private,
			&due, &phase, &r.ChannelID, &created, &updated, &closed, &people); err != nil {
			return nil, fmt.Errorf("scan rca: %w", err)
		}
		r.Private, r.Phase = private != 0, workflow.Phase(phase)
		for _, p := range []struct {
			s   string
			dst *time.Time
		}{{due, &r.Due}, {created, &r.CreatedAt}, {updated, &r.UpdatedAt}, {closed, &r.ClosedAt}} {
			if *p.dst, err = parseTime(p.s); err != nil {
				return nil, fmt.Errorf("rca %d: %w", r.ID, err)
			}
		}
		if people != "" {
			r.Participants = strings.Split(people, ",")
			slices.Sort(r.Participants)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("query rcas: %w", err)
	}
	return out, nil
}

// RCA returns the RCA numbered id.
func (t *Tx) RCA(id int64) (*workflow.RCA, error) {
	q := `SELECT ` + rcaColumns + ` FROM rcas WHERE id = ?`
	lock := t.mustLock(id)
	if lock {
		q += t.d.rowLock() // lock as it reads: commands start here
	}
	rs, err := t.scanRCAs(q, id)
	if lock && len(rs) == 1 {
		t.locked[id] = true
	}
	if err != nil {
		return nil, fmt.Errorf("storage: load rca %d: %w", id, err)
	}
	if len(rs) == 0 {
		return nil, workflow.NoRCA()
	}
	return &rs[0], nil
}

// RCAByChannel returns the RCA bound to a channel.
func (t *Tx) RCAByChannel(channelID string) (*workflow.RCA, error) {
	rs, err := t.scanRCAs(`SELECT `+rcaColumns+` FROM rcas WHERE channel_id = ?`, channelID)
	if err != nil {
		return nil, fmt.Errorf("storage: find rca of channel %s: %w", channelID, err)
	}
	if len(rs) == 0 {
		return nil, notFound("This channel is not an RCA channel.")
	}
	return &rs[0], nil
}

// ListRCAs returns the RCAs user may see (public ones and private ones they
// take part in), open ones first, newest first.
func (t *Tx) ListRCAs(user string) ([]workflow.RCA, error) {
	rs, err := t.scanRCAs(`SELECT `+rcaColumns+` FROM rcas WHERE private = 0
		OR EXISTS (SELECT 1 FROM participants p WHERE p.rca_id = rcas.id AND p.user_id = ?)
		ORDER BY phase = 'closed', created_at DESC, id DESC`, user)
	if err != nil {
		return nil, fmt.Errorf("storage: list rcas for %s: %w", user, err)
	}
	return rs, nil
}

// OpenRCAs returns every RCA that is not closed, by id.
func (t *Tx) OpenRCAs() ([]workflow.RCA, error) {
	rs, err := t.scanRCAs(`SELECT ` + rcaColumns + ` FROM rcas WHERE phase <> 'closed' ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("storage: list open rcas: %w", err)
	}
	return rs, nil
}

// UpdateRCA saves r's editable fields.
func (t *Tx) UpdateRCA(r *workflow.RCA) error {
	if err := t.lock(r.ID); err != nil {
		return err
	}
	res, err := t.exec(`UPDATE rcas SET title = ?, severity = ?, incident_link = ?, facilitator = ?, private = ?,
		due = ?, phase = ?, channel_id = ?, closed_at = ?, updated_at = ? WHERE id = ?`,
		r.Title, r.Severity, r.IncidentLink, r.Facilitator, boolInt(r.Private), formatTime(r.Due), string(r.Phase),
		nullString(r.ChannelID), formatTime(r.ClosedAt), formatTime(t.now), r.ID)
	if err != nil {
		return fmt.Errorf("storage: update rca %d: %w", r.ID, err)
	}
	return expectOne(res, "There is no RCA #%d.", r.ID)
}

func expectOne(res sql.Result, format string, args ...any) error {
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("storage: rows affected: %w", err)
	}
	if n == 0 {
		return notFound(format, args...)
	}
	return nil
}

// AddParticipants adds users to the RCA; users already in it are ignored.
func (t *Tx) AddParticipants(rcaID int64, users []string) error {
	if err := t.lock(rcaID); err != nil {
		return err
	}
	for _, u := range users {
		if _, err := t.exec(`INSERT INTO participants (rca_id, user_id, joined_at) VALUES (?, ?, ?)
			ON CONFLICT DO NOTHING`,
			rcaID, u, formatTime(t.now)); err != nil {
			return fmt.Errorf("storage: add participant %s to rca %d: %w", u, rcaID, err)
		}
	}
	return nil
}

// Reminder returns the reminder state of the RCA (zero times if never reminded).
func (t *Tx) Reminder(rcaID int64) (workflow.ReminderState, error) {
	if err := t.lock(rcaID); err != nil {
		return workflow.ReminderState{}, err
	}
	s := workflow.ReminderState{RCAID: rcaID}
	var last, nudge, digest string
	err := t.queryRow(`SELECT spec, last_reminded, last_due_nudge, last_digest FROM reminders WHERE rca_id = ?`,
		rcaID).Scan(&s.Spec, &last, &nudge, &digest)
	if errors.Is(err, sql.ErrNoRows) {
		return s, nil
	}
	if err != nil {
		return s, fmt.Errorf("storage: reminder of rca %d: %w", rcaID, err)
	}
	if s.LastReminded, err = parseTime(last); err != nil {
		return s, fmt.Errorf("storage: reminder of rca %d: %w", rcaID, err)
	}
	if s.LastDueNudge, err = parseTime(nudge); err != nil {
		return s, fmt.Errorf("storage: reminder of rca %d: %w", rcaID, err)
	}
	if s.LastDigest, err = parseTime(digest); err != nil {
		return s, fmt.Errorf("storage: reminder of rca %d: %w", rcaID, err)
	}
	return s, nil
}

// PutReminder saves the reminder state of an RCA.
func (t *Tx) PutReminder(s workflow.ReminderState) error {
	if err := t.lock(s.RCAID); err != nil {
		return err
	}
	if _, err := t.exec(`INSERT INTO reminders (rca_id, spec, last_reminded, last_due_nudge, last_digest)
		VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (rca_id) DO UPDATE SET spec = excluded.spec, last_reminded = excluded.last_reminded,
		last_due_nudge = excluded.last_due_nudge, last_digest = excluded.last_digest`,
		s.RCAID, s.Spec, formatTime(s.LastReminded), formatTime(s.LastDueNudge), formatTime(s.LastDigest)); err != nil {
		return fmt.Errorf("storage: put reminder of rca %d: %w", s.RCAID, err)
	}
	return nil
}

// Audit appends an entry to the audit log, stamped with the transaction time.
func (t *Tx) Audit(e *workflow.AuditEntry) (int64, error) {
	if err := t.lock(e.RCAID); err != nil {
		return 0, err
	}
	id, err := t.insert(`INSERT INTO audit_log (rca_id, actor, action, subject, before, after, ref, at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, e.RCAID, e.Actor, e.Action, e.Subject, string(e.Before), string(e.After),
		e.Ref, formatTime(t.now))
	if err != nil {
		return 0, fmt.Errorf("storage: append audit %s: %w", e.Action, err)
	}
	e.ID, e.At = id, t.now
	return id, nil
}

func (t *Tx) scanAudit(query string, args ...any) ([]workflow.AuditEntry, error) {
	rows, err := t.query(query, args...)
	if err != nil {
		return nil, fmt.Errorf("storage: read audit log: %w", err)
	}
	defer rows.Close()
	var out []workflow.AuditEntry
	for rows.Next() {
		var e workflow.AuditEntry
		var before, after, at string
		if err := rows.Scan(&e.ID, &e.RCAID, &e.Actor, &e.Action, &e.Subject, &before, &after, &e.Ref, &at); err != nil {
			return nil, fmt.Errorf("storage: read audit log: %w", err)
		}
		e.Before, e.After = []byte(before), []byte(after)
		if e.At, err = parseTime(at); err != nil {
			return nil, fmt.Errorf("storage: read audit log: %w", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

const auditColumns = `id, rca_id, actor, action, subject, before, after, ref, at`

// AuditLog returns the RCA's audit entries, oldest first.
func (t *Tx) AuditLog(rcaID int64) ([]workflow.AuditEntry, error) {
	if err := t.lock(rcaID); err != nil {
		return nil, err
	}
	return t.scanAudit(`SELECT `+auditColumns+` FROM audit_log WHERE rca_id = ? ORDER BY id`, rcaID)
}

// LastUndoable returns the newest undoable tree change; see workflow.Tx.
func (t *Tx) LastUndoable(rcaID int64, actor string) (*workflow.AuditEntry, error) {
	if err := t.lock(rcaID); err != nil {
		return nil, err
	}
	es, err := t.scanAudit(`SELECT `+auditColumns+` FROM audit_log a WHERE rca_id = ? AND subject = 'tree'
		AND action <> 'undo' AND (? = '' OR actor = ?)
		AND NOT EXISTS (SELECT 1 FROM audit_log u WHERE u.ref = a.id AND u.action = 'undo')
		ORDER BY id DESC LIMIT 1`, rcaID, actor, actor)
	if err != nil {
		return nil, err
	}
	if len(es) == 0 {
		return nil, notFound("There is nothing left to undo.")
	}
	return &es[0], nil
}
