package bot

import "context"

// Refs keeps the bot's Slack bookkeeping of each RCA under string keys: the
// timestamps of the messages it keeps up to date, paste drafts, and marks of
// reminders already sent. The workflow knows nothing of these; storage
// implements Refs next to the RCAs, so the references live as long as the RCA.
type Refs interface {
	// Ref returns the value stored under key for the RCA, or "" if none.
	Ref(ctx context.Context, rcaID int64, key string) (string, error)
	// PutRef stores value under key for the RCA, replacing any earlier value;
	// an RCA that does not exist is a workflow.ENotFound error.
	PutRef(ctx context.Context, rcaID int64, key, value string) error
}
