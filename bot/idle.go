package bot

// RedrawPending reports whether a change waits for the refresher to redraw
// an RCA's kept messages: a script driving the bot (the demo) waits for it
// to be false, and for Slack to see no call for a moment, before its next
// step, so what the bot posts always lands before that step.
func (b *Bot) RedrawPending() bool {
	f := b.kept
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, k := range f.rcas {
		if k.pending {
			return true
		}
	}
	return false
}
