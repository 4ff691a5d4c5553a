package bot

import (
	"fmt"
	"sync"
)

// msgLocks serialises, per RCA, the read-build-post-or-update of a message
// the bot keeps one of (dashboard, walk, outline): two refreshes at once
// could otherwise post it twice or leave an older state showing. The zero
// value is ready to use.
type msgLocks struct {
	mu sync.Mutex
	m  map[string]*sync.Mutex
}

// lock takes the lock of message kind of an RCA and returns its unlock.
func (l *msgLocks) lock(kind string, rcaID int64) func() {
	key := fmt.Sprintf("%s:%d", kind, rcaID)
	l.mu.Lock()
	if l.m == nil {
		l.m = map[string]*sync.Mutex{}
	}
	mu, ok := l.m[key]
	if !ok {
		mu = &sync.Mutex{}
		l.m[key] = mu
	}
	l.mu.Unlock()
	mu.Lock()
	return mu.Unlock
}
