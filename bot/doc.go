// Package bot is untangle's Slack adapter: the Socket Mode loop, routing of
// slash commands, interactions and events to the workflow, Block Kit views and
// messages, uploads and the reminder scheduler's Slack side.
//
// It is the only package that imports slack-go. Handlers are thin: parse the
// payload, call a workflow command, render the reply. Every piece of user text
// shown in mrkdwn goes through Escape, and every message or view is built by
// the builders in this package, which keep to Slack's Block Kit limits.
// Slack mentions in typed statements become plain "@name" text before they
// reach the workflow, which reads no Slack markup. The bot's own Slack
// bookkeeping (message timestamps, drafts, reminder marks) lives behind the
// Refs interface declared here and implemented by storage.
package bot
