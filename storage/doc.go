// Package storage keeps untangle's data and implements workflow.Store, and
// for the bot Refs (its Slack bookkeeping per RCA: DB.Ref, DB.PutRef) and
// Leases (DB.AcquireLease, DB.ReleaseLease), on SQLite (a file,
// github.com/mattn/go-sqlite3) or on PostgreSQL (a postgres:// URL,
// github.com/jackc/pgx/v5): one set of queries for both, embedded ordered
// migrations per database, one transaction per public call, an append-only
// audit log, soft deletes, handled Slack delivery keys, online backups of
// SQLite files and a copy from SQLite into PostgreSQL.
//
// On PostgreSQL several processes may share the database: a write
// transaction locks the rows of the RCAs it touches, so commands on one RCA
// run one after another across processes.
//
// It owns no business rule: permissions and phases are checked in workflow.
package storage
