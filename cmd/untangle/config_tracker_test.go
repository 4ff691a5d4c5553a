package main

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/untangle-rca/untangle/workflow/tracker/setup"
	"github.com/untangle-rca/untangle/workflow/tracker/trackertest"
)

// TestServeRefusesMisconfiguredTracker: a tracker setting that is wrong
// stops `untangle serve` before it connects, with exit 2 and the setting named.
func TestServeRefusesMisconfiguredTracker(t *testing.T) {
	t.Setenv("SLACK_BOT_TOKEN", "xoxb-1")
	t.Setenv("SLACK_APP_TOKEN", "xapp-1")
	t.Setenv("UNTANGLE_DB", t.TempDir()+"/u.db")
	t.Setenv("UNTANGLE_TRACKER", "jira")
	t.Setenv("UNTANGLE_JIRA_URL", "https://acme.atlassian.net")
	t.Setenv("UNTANGLE_JIRA_TOKEN", "secret-token-value")
	var stderr bytes.Buffer
	code := run(context.Background(), []string{"serve"}, stdio{in: strings.NewReader(""), out: &bytes.Buffer{}, err: &stderr})
	if code != exitUsage || !strings.Contains(stderr.String(), "UNTANGLE_JIRA_EMAIL") ||
		!strings.Contains(stderr.String(), "UNTANGLE_JIRA_PROJECT") || strings.Contains(stderr.String(), "secret-token-value") {
		t.Fatalf("exit %d, stderr:\n%s\nwant exit 2 naming the missing settings and never the token", code, stderr.String())
	}
}

// TestCheckTrackerLogs: the start-up check logs what the token reaches, or
// which credential was refused, and never the token.
func TestCheckTrackerLogs(t *testing.T) {
	fake := trackertest.NewGitHub()
	defer fake.Close()
	for _, tc := range []struct {
		token, want string
	}{
		{trackertest.GitHubToken, `"msg":"tracker ready"`},
		{"github_pat_wrong_0000", "UNTANGLE_GITHUB_TOKEN"},
	} {
		env := map[string]string{"UNTANGLE_TRACKER": "github", "UNTANGLE_GITHUB_REPO": trackertest.GitHubRepo,
			"UNTANGLE_GITHUB_TOKEN": tc.token, "UNTANGLE_GITHUB_API_URL": fake.URL()}
		cfg, err := setup.FromEnv(func(k string) string { return env[k] }, nil)
		if err != nil {
			t.Fatal(err)
		}
		var logs bytes.Buffer
		checkTracker(context.Background(), cfg, slog.New(slog.NewJSONHandler(&logs, nil)))
		if !strings.Contains(logs.String(), tc.want) || strings.Contains(logs.String(), tc.token) {
			t.Fatalf("log:\n%s\nwant %q and never the token", logs.String(), tc.want)
		}
	}
}
