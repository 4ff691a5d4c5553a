package bot_test

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/untangle-rca/untangle/bot"
	"github.com/untangle-rca/untangle/bot/slacktest"
)

// manifestScopes maps every Web API method the bot may call to the
// bot-token scopes it needs (Slack's method docs); nil means none.
//
//	method                         scopes                          used for
//	auth.test                      —                               startup check
//	apps.connections.open          — (app token: connections:write) Socket Mode
//	chat.postMessage               chat:write, im:write (DMs)      dashboard, outline, cards, DMs to a user id
//	chat.postEphemeral             chat:write                      private answers and hints
//	chat.update                    chat:write                      dashboard and outline updates
//	chat.delete                    chat:write                      (not called yet)
//	chat.getPermalink              —                               the shortcut keeps the message link
//	conversations.create           channels:manage, groups:write   the RCA channel (public/private)
//	conversations.invite           channels:manage, groups:write   participants
//	conversations.setTopic         channels:manage, groups:write   topic
//	conversations.setPurpose       channels:manage, groups:write   purpose
//	conversations.archive          channels:manage, groups:write   (not called yet)
//	conversations.info             channels:read, groups:read      the channel name a ticket is labelled with
//	conversations.members          channels:read, groups:read      (not called yet)
//	conversations.open             im:write                        (not called yet)
//	pins.add                       pins:write                      pin the dashboard
//	bookmarks.add                  bookmarks:write                 incident link
//	reactions.add                  reactions:write                 (not called yet)
//	views.open/push/update/publish —                               modals and the Home tab
//	users.info                     users:read, users:read.email    names, time zones, owners' e-mail (tickets)
//	files.getUploadURLExternal     files:write                     tree pictures, reports
//	files.completeUploadExternal   files:write                     tree pictures, reports
//	conversations.canvases.create  canvases:write                  the report canvas
//	canvases.edit                  canvases:write                  keeping the report canvas current
//	(slash command /rca)           commands
var manifestScopes = map[string][]string{
	"auth.test":                     nil,
	"apps.connections.open":         nil,
	"chat.postMessage":              {"chat:write", "im:write"},
	"chat.postEphemeral":            {"chat:write"},
	"chat.update":                   {"chat:write"},
	"chat.delete":                   {"chat:write"},
	"chat.getPermalink":             nil,
	"conversations.create":          {"channels:manage", "groups:write"},
	"conversations.invite":          {"channels:manage", "groups:write"},
	"conversations.setTopic":        {"channels:manage", "groups:write"},
	"conversations.setPurpose":      {"channels:manage", "groups:write"},
	"conversations.archive":         {"channels:manage", "groups:write"},
	"conversations.info":            {"channels:read", "groups:read"},
	"conversations.members":         {"channels:read", "groups:read"},
	"conversations.open":            {"im:write"},
	"pins.add":                      {"pins:write"},
	"bookmarks.add":                 {"bookmarks:write"},
	"reactions.add":                 {"reactions:write"},
	"views.open":                    nil,
	"views.push":                    nil,
	"views.update":                  nil,
	"views.publish":                 nil,
	"users.info":                    {"users:read", "users:read.email"},
	"files.getUploadURLExternal":    {"files:write"},
	"files.completeUploadExternal":  {"files:write"},
	"conversations.canvases.create": {"canvases:write"},
	"canvases.edit":                 {"canvases:write"},
	"(slash command)":               {"commands"},
}

// manifestMethods maps the slack-go client calls to the Web API methods they make.
var manifestMethods = map[string][]string{
	"AuthTestContext":                  {"auth.test"},
	"PostMessageContext":               {"chat.postMessage"},
	"PostEphemeralContext":             {"chat.postEphemeral"},
	"UpdateMessageContext":             {"chat.update"},
	"DeleteMessageContext":             {"chat.delete"},
	"GetPermalinkContext":              {"chat.getPermalink"},
	"CreateConversationContext":        {"conversations.create"},
	"InviteUsersToConversationContext": {"conversations.invite"},
	"SetTopicOfConversationContext":    {"conversations.setTopic"},
	"SetPurposeOfConversationContext":  {"conversations.setPurpose"},
	"ArchiveConversationContext":       {"conversations.archive"},
	"GetConversationInfoContext":       {"conversations.info"},
	"GetUsersInConversationContext":    {"conversations.members"},
	"OpenConversationContext":          {"conversations.open"},
	"AddPinContext":                    {"pins.add"},
	"AddBookmarkContext":               {"bookmarks.add"},
	"AddReactionContext":               {"reactions.add"},
	"OpenViewContext":                  {"views.open"},
	"PushViewContext":                  {"views.push"},
	"UpdateViewContext":                {"views.update"},
	"PublishViewContext":               {"views.publish"},
	"GetUserInfoContext":               {"users.info"},
	"CreateChannelCanvasContext":       {"conversations.canvases.create"},
	"EditCanvasContext":                {"canvases.edit"},
	"UploadFileContext":                {"files.getUploadURLExternal", "files.completeUploadExternal"},
	"GetUploadURLExternalContext":      {"files.getUploadURLExternal"},
	"CompleteUploadExternalContext":    {"files.completeUploadExternal"},
	"UploadToURL":                      nil, // the upload URL that files.getUploadURLExternal gave, no Web API method
}

// manifestCalls finds the slack-go client calls in the bot's source files.
func manifestCalls(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	call := regexp.MustCompile(`\bapi\.([A-Z][A-Za-z]+)\(`)
	var calls []string
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range call.FindAllStringSubmatch(string(src), -1) {
			if !slices.Contains(calls, m[1]) {
				calls = append(calls, m[1])
			}
		}
	}
	sort.Strings(calls)
	return calls
}

// manifestBotScopes reads the bot scopes listed in a manifest.
func manifestBotScopes(manifest string) []string {
	var scopes []string
	in := false
	for _, line := range strings.Split(manifest, "\n") {
		switch {
		case strings.TrimSpace(line) == "bot:":
			in = true
		case in && strings.HasPrefix(line, "      - "):
			scopes = append(scopes, strings.TrimPrefix(line, "      - "))
		case in:
			in = false
		}
	}
	sort.Strings(scopes)
	return scopes
}

func TestBotDisplayName(t *testing.T) {
	tests := []struct{ name, want string }{
		{"untangle", "untangle"},
		{"RCA Bot", "rca-bot"},
		{`RCA "bot"`, "rca-bot"},
		{"Über  RCA!!", "ber-rca"},
		{"ops.rca_bot-2", "ops.rca_bot-2"},
		{"事故分析", "untangle"},
		{strings.Repeat("ab ", 20), strings.TrimRight(strings.Repeat("ab-", 12), "-")[:35]},
	}
	for _, tt := range tests {
		got := bot.BotDisplayName(tt.name)
		if got != tt.want || len(got) > bot.MaxAppNameRunes || !regexp.MustCompile(`^[a-z0-9._-]+$`).MatchString(got) {
			t.Errorf("BotDisplayName(%q) = %q, want %q", tt.name, got, tt.want)
		}
	}
	if bot.CheckAppName(strings.Repeat("x", 35)) != nil || bot.CheckAppName(strings.Repeat("x", 36)) == nil || bot.CheckAppName(" ") == nil {
		t.Error("CheckAppName does not hold names to 1–35 characters")
	}
}

func TestManifest(t *testing.T) {
	m := bot.Manifest(bot.ManifestOptions{})
	tests := []struct {
		name string
		want string
	}{
		{name: "socket mode", want: "socket_mode_enabled: true"},
		{name: "interactivity", want: "interactivity:\n    is_enabled: true"},
		{name: "slash command", want: "- command: /rca"},
		{name: "shortcut callback id", want: "callback_id: " + bot.ShortcutAddSymptom},
		{name: "shortcut label", want: `name: "Add to RCA as symptom"`},
		{name: "message shortcut", want: "type: message"},
		{name: "home tab", want: "home_tab_enabled: true"},
		{name: "home event", want: "bot_events:\n      - app_home_opened"},
		{name: "default name", want: `name: "untangle"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if !strings.Contains(m, tc.want) {
				t.Errorf("manifest lacks %q:\n%s", tc.want, m)
			}
		})
	}
	if named := bot.Manifest(bot.ManifestOptions{Name: `RCA "bot"`}); !strings.Contains(named, `name: "RCA \"bot\""`) ||
		!strings.Contains(named, `display_name: "rca-bot"`) {
		t.Errorf("custom name not quoted, or display name not derived:\n%s", named)
	}
	// The usage hint names every subcommand /rca help explains.
	for _, sub := range []string{"start", "status", "list", "render", "paste", "cause", "remind", "finish", "reopen", "help"} {
		if !regexp.MustCompile(`usage_hint: ".*\b` + sub + `\b`).MatchString(m) {
			t.Errorf("usage hint lacks %q:\n%s", sub, m)
		}
	}

	calls := manifestCalls(t)
	if len(calls) < 5 {
		t.Fatalf("found only %v in the bot's source; is the test run in bot/?", calls)
	}
	need := append([]string{}, manifestScopes["(slash command)"]...)
	for _, c := range calls {
		methods, ok := manifestMethods[c]
		if !ok {
			t.Errorf("the bot calls api.%s: add its Web API method and scopes to the tables in manifest_test.go", c)
		}
		for _, m := range methods {
			for _, s := range manifestScopes[m] {
				if !slices.Contains(need, s) {
					need = append(need, s)
				}
			}
		}
	}
	sort.Strings(need)
	declared := append([]string{}, bot.BotScopes...)
	sort.Strings(declared)
	if !slices.Equal(need, declared) {
		t.Errorf("BotScopes %v, but the Web API methods the bot calls (%v) need exactly %v", declared, calls, need)
	}
	if got := manifestBotScopes(m); !slices.Equal(got, declared) {
		t.Errorf("manifest scopes %v, want BotScopes %v", got, declared)
	}
}

// TestManifestCoversCalls runs the issue #4 flows and checks that every Web
// API method the bot called is in the scope table above.
func TestManifestCoversCalls(t *testing.T) {
	fake := slacktest.New(t)
	alice, bob := fake.AddUser("alice"), fake.AddUser("bob")
	general := fake.AddChannel("incidents", slacktest.ChannelOptions{Members: []slacktest.User{alice, bob}, BotMember: true})
	startApp(t, fake, "")
	ctx := testCtx(t)

	ch, dash := startRCA(t, ctx, fake, alice, general.ID, "Login failures", bob)
	symptomAdd(t, ctx, bob, dash, "Login fails for 12% of users because of a deploy", "High")
	msg, _ := alice.Post(ch.ID, "SSO callback returns 500")
	if _, err := alice.MessageShortcut(ctx, msg, bot.ShortcutAddSymptom); err != nil {
		t.Fatal(err)
	}
	if _, err := alice.WaitForViewWhere(ctx, func(v slacktest.View) bool { return v.CallbackID == "add_symptom" }); err != nil {
		t.Fatal(err)
	}
	if _, err := bob.OpenHome(ctx); err != nil {
		t.Fatal(err)
	}
	symptomOutline(t, ctx, fake, ch.ID, func(s string) bool { return strings.Contains(s, "#1") })

	seen := map[string]bool{}
	for _, c := range fake.Calls() {
		seen[c.Method] = true
	}
	for method := range seen {
		if _, ok := manifestScopes[method]; !ok {
			t.Errorf("the bot called %s, which the scope table does not list", method)
		}
	}
	for _, want := range []string{"chat.getPermalink", "views.publish", "chat.postEphemeral", "chat.update"} {
		if !seen[want] {
			t.Errorf("the flow did not call %s", want)
		}
	}
}
