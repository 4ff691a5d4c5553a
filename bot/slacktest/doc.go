// Package slacktest is a strict fake of Slack for end-to-end tests of the bot.
//
// A Server serves the Slack Web API methods the bot uses and a Socket Mode
// websocket on loopback, so the real slack-go client and socketmode client
// talk to it unchanged through slack.OptionAPIURL(server.APIURL()). It refuses
// what Slack refuses (Block Kit limits, trigger_id rules, channel rules,
// membership) with Slack's error names, records everything the app did, and
// lets tests act as people: a User runs slash commands, clicks buttons, fills
// and submits modals, and reads the messages the bot posted.
//
// The package imports slack-go only for its tests; the fake itself speaks the
// wire protocol (form and JSON bodies, websocket frames) directly.
package slacktest
