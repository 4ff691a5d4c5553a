package bot

// Busy reports whether the bot is handling an envelope, or a change waits
// for the refresher or is being drawn (a run waiting for its turn to send
// is busy too). A script driving the
// bot (the demo) waits for it to be false, and for Slack to see no call for
// a moment, before its next step, so what the bot posts in answer to one
// step always lands before the next.
func (b *Bot) Busy() bool {
	if b.handling.Load() > 0 {
		return true
	}
	f := b.kept
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, k := range f.rcas {
		if k.pending || k.drawing {
			return true
		}
	}
	return false
}
