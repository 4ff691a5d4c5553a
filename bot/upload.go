package bot

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/slack-go/slack"
)

// maxAltText is the longest alt text files.getUploadURLExternal accepts.
const maxAltText = 1000

// uploadRetries is how often an upload is retried after Slack rate-limits it.
const uploadRetries = 3

// upload is one file for files upload v2.
type upload struct {
	name    string // file name with extension, e.g. "cst.png"
	title   string
	alt     string // alt text for images; "" for other files
	comment string // initial comment shown with the file; "" for none
	data    []byte
}

// uploadFile shares f into channel (into the thread of threadTS when it is
// not empty) with files upload v2: files.getUploadURLExternal, the upload
// itself, then files.completeUploadExternal. A rate-limited call is retried
// after the Retry-After Slack asks for. It returns the file id.
func (b *Bot) uploadFile(ctx context.Context, channel, threadTS string, f upload) (string, error) {
	if len(f.data) == 0 {
		return "", fmt.Errorf("upload %s: the file is empty", f.name)
	}
	params := slack.UploadFileParameters{
		Filename:        f.name,
		Title:           Truncate(f.title, 250),
		AltTxt:          Truncate(f.alt, maxAltText),
		InitialComment:  Truncate(f.comment, maxText),
		Channel:         channel,
		ThreadTimestamp: threadTS,
		FileSize:        len(f.data),
	}
	for attempt := 0; ; attempt++ {
		params.Reader = bytes.NewReader(f.data)
		sum, err := b.api.UploadFileContext(ctx, params)
		if err == nil {
			return sum.ID, nil
		}
		var rl *slack.RateLimitedError
		if !errors.As(err, &rl) || attempt >= uploadRetries {
			return "", fmt.Errorf("upload %s: %w", f.name, err)
		}
		select {
		case <-ctx.Done():
			return "", fmt.Errorf("upload %s: %w", f.name, ctx.Err())
		case <-time.After(rl.RetryAfter):
		}
	}
}

// uploadAll shares files in order and returns their ids; it stops at the
// first failure.
func (b *Bot) uploadAll(ctx context.Context, channel, threadTS string, files []upload) ([]string, error) {
	ids := make([]string, 0, len(files))
	for _, f := range files {
		id, err := b.uploadFile(ctx, channel, threadTS, f)
		if err != nil {
			return ids, err
		}
		ids = append(ids, id)
	}
	return ids, nil
}
