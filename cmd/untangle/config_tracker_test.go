package main

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/untangle-rca/untangle/bot/slacktest"
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

// TestServeChecksTrackerAtStart runs the real binary against the fake
// Slack and each fake tracker: it makes the tracker's read call once at
// start, logs "tracker ready", and never logs a token.
func TestServeChecksTrackerAtStart(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	dir := t.TempDir()
	bin := buildBinary(t, dir) // before the clock starts: a cold build under load takes minutes
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	fake := slacktest.New(t)
	for _, kind := range []string{"github", "jira", "linear"} {
		tr, err := trackertest.Start(kind)
		if err != nil {
			t.Fatal(err)
		}
		defer tr.Close()
		r := &crashRig{t: t, bin: bin, dir: t.TempDir(), db: filepath.Join(dir, kind+".db"), fake: fake, addr: freeAddr(t), env: tr.Env()}
		r.start(ctx)
		r.stop()
		logs, err := os.ReadFile(r.logs[0].Name())
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(logs), `"msg":"tracker ready"`) {
			t.Errorf("%s: the log lacks tracker ready:\n%s", kind, logs)
		}
		if !slices.ContainsFunc(tr.Calls(), func(c trackertest.Call) bool { return c.Op == trackertest.OpCheck && c.Status == 200 }) {
			t.Errorf("%s: no credential check reached the fake: %+v", kind, tr.Calls())
		}
		checkLogs(t, r.logs, trackertest.GitHubToken, trackertest.JiraToken, trackertest.LinearToken, fake.BotToken(), fake.AppToken())
	}
}

// TestServeRefusesNonsenseTrackerSync: an interval that is no duration, or
// is too short or too long, stops `untangle serve` with exit 2.
func TestServeRefusesNonsenseTrackerSync(t *testing.T) {
	for _, v := range []string{"often", "0", "-5m", "1s", "48h"} {
		t.Run(v, func(t *testing.T) {
			t.Setenv("SLACK_BOT_TOKEN", "xoxb-1")
			t.Setenv("SLACK_APP_TOKEN", "xapp-1")
			t.Setenv("UNTANGLE_DB", t.TempDir()+"/u.db")
			t.Setenv("UNTANGLE_TRACKER_SYNC", v)
			var stderr bytes.Buffer
			code := run(context.Background(), []string{"serve"}, stdio{in: strings.NewReader(""), out: &bytes.Buffer{}, err: &stderr})
			if code != exitUsage || !strings.Contains(stderr.String(), "UNTANGLE_TRACKER_SYNC") {
				t.Fatalf("exit %d, stderr:\n%s\nwant exit 2 naming UNTANGLE_TRACKER_SYNC", code, stderr.String())
			}
		})
	}
}
