// Package transcript renders a recorded Slack conversation as one
// self-contained HTML page that looks like Slack: channels, messages with
// their Block Kit drawn, threads, ephemeral messages, the modals people
// filled in and the pictures inline. Every piece of text goes through
// html/template; the page loads nothing from anywhere.
package transcript

import (
	"encoding/json"
	"time"
)

// Doc is a whole transcript.
type Doc struct {
	Title    string            // the page title
	Intro    string            // a line under the title (plain text)
	Users    map[string]string // user id → display name, for mentions
	Channels []Channel         // in the order shown
	Files    map[string]File   // file id → file, for messages that share files
	Location *time.Location    // the time zone of the times shown; nil is UTC
}

// Channel is one conversation and what happened in it.
type Channel struct {
	ID, Name, Topic string
	Entries         []Entry // in time order
	Canvas          string  // the channel canvas (Markdown) as it finally read, "" when none
}

// Entry is either a message or something a person did.
type Entry struct {
	Msg *Message
	Act *Act
}

// Message is a message as it finally looked.
type Message struct {
	Channel   string
	TS        string // Slack timestamp: its time and its anchor
	User      string // author id
	Bot       bool   // posted by the app
	Text      string // fallback text, shown when there are no blocks
	Blocks    json.RawMessage
	Ephemeral bool   // only Recipient saw it
	Recipient string // user id
	Edited    bool
	Files     []string // ids of files shared with it
	Replies   []Entry  // its thread, in time order
}

// Act is what a person did: a command, a click, a modal submitted.
type Act struct {
	At    time.Time
	User  string   // user id
	What  string   // plain text, e.g. `clicked "Add cause…"`
	On    *Message // the message acted on, as it looked then; nil when none
	Modal *Modal   // the modal as the person submitted it; nil when none
}

// Modal is a modal with what the person entered.
type Modal struct {
	Title, Submit string
	Blocks        json.RawMessage
	Values        json.RawMessage // state.values
}

// File is a file the app shared.
type File struct {
	Name, Title, AltText string
	Bytes                []byte
}
