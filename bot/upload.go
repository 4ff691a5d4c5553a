package bot

import (
	"bytes"
	"context"
	"fmt"
	"slices"

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

// maxFilesPerMessage is how many files one files.completeUploadExternal
// shares as one message; Slack shows at most ten files on a message.
const maxFilesPerMessage = 10

// uploadAll shares files into channel with files upload v2, in order: for
// each file files.getUploadURLExternal and the upload itself, then one
// files.completeUploadExternal per ten files, so a picture split into parts
// arrives as one message. Rate limits and Slack's temporary errors are
// retried by the Web API transport (retry.go). It returns the ids of the
// files shared, and stops at the first failure.
func (b *Bot) uploadAll(ctx context.Context, channel string, files []upload) ([]string, error) {
	ids := make([]string, 0, len(files))
	for batch := range slices.Chunk(files, maxFilesPerMessage) {
		sums := make([]slack.FileSummary, 0, len(batch))
		for _, f := range batch {
			sum, err := b.uploadBytes(ctx, f)
			if err != nil {
				return ids, err
			}
			sums = append(sums, sum)
		}
		if _, err := b.api.CompleteUploadExternalContext(ctx, slack.CompleteUploadExternalParameters{Files: sums, Channel: channel}); err != nil {
			return ids, fmt.Errorf("share %s: %w", batch[0].name, err)
		}
		for _, s := range sums {
			ids = append(ids, s.ID)
		}
	}
	return ids, nil
}

// uploadBytes asks for f's upload URL and uploads its bytes; the file is
// not shared until its upload is completed.
func (b *Bot) uploadBytes(ctx context.Context, f upload) (slack.FileSummary, error) {
	if len(f.data) == 0 {
		return slack.FileSummary{}, fmt.Errorf("upload %s: the file is empty", f.name)
	}
	u, err := b.api.GetUploadURLExternalContext(ctx, slack.GetUploadURLExternalParameters{
		FileName: f.name,
		FileSize: len(f.data),
		AltTxt:   Truncate(f.alt, maxAltText),
	})
	if err != nil {
		return slack.FileSummary{}, fmt.Errorf("upload %s: %w", f.name, err)
	}
	if err := b.api.UploadToURL(ctx, slack.UploadToURLParameters{UploadURL: u.UploadURL, Reader: bytes.NewReader(f.data), Filename: f.name}); err != nil {
		return slack.FileSummary{}, fmt.Errorf("upload %s: %w", f.name, err)
	}
	return slack.FileSummary{ID: u.FileID, Title: Truncate(f.title, 250)}, nil
}
