package bot

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Slash command, shortcut and event names the app declares and routes.
const (
	SlashCommand          = "/rca"
	ShortcutAddSymptom    = "add_to_rca_as_symptom"
	shortcutAddSymptomTxt = "Add to RCA as symptom"
)

// BotScopes are exactly the OAuth scopes the bot's Web API calls need
// (manifest_test.go derives them from the calls in the source).
var BotScopes = []string{
	"bookmarks:write", // bookmark the incident link in the RCA channel
	"canvases:write",  // the RCA report in the channel canvas
	"channels:manage", // create, rename topic/purpose of public RCA channels, invite people
	"channels:read",   // who is in a public RCA channel (only its members take part)
	"chat:write",      // post and update the dashboard, walk, cards, summaries
	"commands",        // the /rca slash command
	"files:write",     // upload rendered trees and reports
	"groups:read",     // who is in a private RCA channel
	"groups:write",    // create and manage private RCA channels
	"im:write",        // DM the facilitator when an RCA is past due
	"pins:write",      // pin the dashboard
	"users:read",      // names and time zones for reminders
	// a fix owner's e-mail address, to assign their ticket in the tracker
	"users:read.email",
}

// ManifestOptions tunes the generated app manifest.
type ManifestOptions struct {
	Name string // the app's name; defaults to "untangle"; see CheckAppName
}

// MaxAppNameRunes is the longest app name (and bot display name) Slack accepts
// in a manifest.
const MaxAppNameRunes = 35

// CheckAppName returns an error when Slack would refuse name as an app name.
func CheckAppName(name string) error {
	switch n := utf8.RuneCountInString(strings.TrimSpace(name)); {
	case n == 0:
		return fmt.Errorf("the app name is empty")
	case n > MaxAppNameRunes:
		return fmt.Errorf("the app name has %d characters; Slack allows at most %d", n, MaxAppNameRunes)
	}
	return nil
}

// BotDisplayName derives from an app name the bot user's display name in the
// form Slack accepts: lower case letters, digits, "-", "_" and ".", at most
// MaxAppNameRunes; other characters become "-". A name with nothing usable
// gives "untangle".
func BotDisplayName(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		ok := r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.'
		if !ok {
			dash = b.Len() > 0
			continue
		}
		if dash {
			b.WriteByte('-')
			dash = false
		}
		b.WriteRune(r)
	}
	out := strings.Trim(b.String()[:min(b.Len(), MaxAppNameRunes)], "-")
	if out == "" {
		return "untangle"
	}
	return out
}

// usageHint lists every subcommand of /rca help.
const usageHint = "start [title] | status | list | render | paste | cause #N | remind [cron|off] | finish | reopen | help"

// Manifest returns the Slack app manifest (YAML) for untangle in Socket Mode.
func Manifest(opt ManifestOptions) string {
	name := strings.TrimSpace(opt.Name)
	if name == "" {
		name = "untangle"
	}
	var b strings.Builder
	fmt.Fprintf(&b, `_metadata:
  major_version: 1
  minor_version: 1
display_information:
  name: %s
  description: Blameless root-cause analysis with Current State Trees
  long_description: "untangle runs a blameless root-cause analysis after an outage: the team lists the symptoms, wires causes with strict IF/AND/THEN logic, challenges every link, and the tree shows the core causes where the arrows converge. Then it plans fixes as a Future Reality Tree and posts the final report."
  background_color: "#1d3557"
features:
  app_home:
    home_tab_enabled: true
    messages_tab_enabled: false
    messages_tab_read_only_enabled: true
  bot_user:
    display_name: %s
    always_online: true
  shortcuts:
    - name: %s
      type: message
      callback_id: %s
      description: Turn this message into a symptom (UDE) of an RCA
  slash_commands:
    - command: %s
      description: Root-cause analysis - start, status, render, paste, finish
      usage_hint: %s
      should_escape: false
oauth_config:
  scopes:
    bot:
`, yamlQuote(name), yamlQuote(BotDisplayName(name)), yamlQuote(shortcutAddSymptomTxt), ShortcutAddSymptom, SlashCommand, yamlQuote(usageHint))
	for _, s := range BotScopes {
		fmt.Fprintf(&b, "      - %s\n", s)
	}
	b.WriteString(`settings:
  event_subscriptions:
    bot_events:
      - app_home_opened
      - member_left_channel
  interactivity:
    is_enabled: true
  org_deploy_enabled: false
  socket_mode_enabled: true
  token_rotation_enabled: false
`)
	return b.String()
}

// yamlQuote writes s as a double-quoted YAML scalar.
func yamlQuote(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
	return `"` + r.Replace(s) + `"`
}
