package bot

import (
	"bytes"
	"context"
	"fmt"

	"github.com/slack-go/slack"
)

// maxAltText is the longest alt text files.getUploadURLExternal accepts.
const maxAltText = 1000

// upload is one file for files upload v2.
type upload struct {
	name  string // file name with extension, e.g. "cst.png"
	title string
	alt   string // alt text for images; "" for other files
	data  []byte
}

// uploadFile shares f into channel with files upload v2: files.getUploadURLExternal, the upload
// itself, then files.completeUploadExternal. Rate limits and Slack's
// temporary errors are retried by the Web API transport (retry.go).
// It returns the file id.
func (b *Bot) uploadFile(ctx context.Context, channel string, f upload) (string, error) {
	if len(f.data) == 0 {
		return "", fmt.Errorf("upload %s: the file is empty", f.name)
	}
	sum, err := b.api.UploadFileContext(ctx, slack.UploadFileParameters{
		Filename: f.name,
		Title:    Truncate(f.title, 250),
		AltTxt:   Truncate(f.alt, maxAltText),
		Channel:  channel,
		FileSize: len(f.data),
		Reader:   bytes.NewReader(f.data),
	})
	if err != nil {
		return "", fmt.Errorf("upload %s: %w", f.name, err)
	}
	return sum.ID, nil
}

// uploadAll shares files in order and returns their ids; it stops at the
// first failure.
func (b *Bot) uploadAll(ctx context.Context, channel string, files []upload) ([]string, error) {
	ids := make([]string, 0, len(files))
	for _, f := range files {
		id, err := b.uploadFile(ctx, channel, f)
		if err != nil {
			return ids, err
		}
		ids = append(ids, id)
	}
	return ids, nil
}
