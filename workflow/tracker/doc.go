// Package tracker holds what the tracker clients share: an HTTP JSON caller
// that turns every answer into a workflow.TrackerError of the right fault
// (auth, gone, invalid, retryable, with Retry-After and rate-limit resets
// honoured and unknown outcomes flagged), the Markdown rendering of a ticket
// draft used by GitHub and Linear, and cutting texts to a tracker's limits.
//
// The clients themselves are in the subpackages github, jira and linear;
// setup picks one from the environment, and trackertest has strict fakes of
// the three APIs for tests and for trying untangle locally.
package tracker
