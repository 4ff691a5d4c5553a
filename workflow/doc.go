// Package workflow runs a blameless root-cause analysis (RCA) with a Current
// State Tree: phases, roles and permissions, the guided wiring walk, the
// challenge pass, fixes, summaries and the reminder policy.
//
// It knows nothing of Slack and nothing of SQLite: the bot translates Slack
// payloads (mentions included) into plain text and the commands of Service,
// and keeps its own Slack bookkeeping; storage implements the Store interface
// declared here. It imports only package tree of the project.
package workflow
