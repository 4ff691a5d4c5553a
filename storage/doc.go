// Package storage keeps untangle's data in a SQLite file (github.com/mattn/go-sqlite3)
// and implements workflow.Store: embedded ordered migrations, one transaction
// per public call, an append-only audit log, soft deletes, handled Slack
// delivery keys and online backups. It also implements bot.Refs, the bot's
// Slack bookkeeping per RCA (DB.Ref, DB.PutRef).
//
// It owns no business rule: permissions and phases are checked in workflow.
package storage
