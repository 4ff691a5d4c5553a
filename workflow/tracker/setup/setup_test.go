package setup_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/untangle-rca/untangle/workflow/tracker/setup"
)

func TestFromEnv(t *testing.T) {
	files := map[string]string{"/run/secrets/gh": "github_pat_x\n"}
	readFile := func(p string) ([]byte, error) {
		if v, ok := files[p]; ok {
			return []byte(v), nil
		}
		return nil, errors.New("no such file")
	}
	for _, tc := range []struct {
		name     string
		env      map[string]string
		wantKind string
		wantSync time.Duration
		wantErr  []string
	}{
		{name: "none", wantSync: setup.DefaultSync},
		{name: "github", env: map[string]string{"UNTANGLE_TRACKER": "github", "UNTANGLE_GITHUB_REPO": "acme/web", "UNTANGLE_GITHUB_TOKEN": "t"},
			wantKind: "github", wantSync: setup.DefaultSync},
		{name: "github token from a file, enterprise", env: map[string]string{"UNTANGLE_TRACKER": "GitHub", "UNTANGLE_GITHUB_REPO": "acme/web",
			"UNTANGLE_GITHUB_TOKEN_FILE": "/run/secrets/gh", "UNTANGLE_GITHUB_API_URL": "https://ghe.acme.com/api/v3", "UNTANGLE_TRACKER_SYNC": "15m"},
			wantKind: "github", wantSync: 15 * time.Minute},
		{name: "github incomplete", env: map[string]string{"UNTANGLE_TRACKER": "github", "UNTANGLE_GITHUB_REPO": "web"},
			wantErr: []string{"UNTANGLE_GITHUB_REPO \"web\" must be owner/name"}},
		{name: "github token file missing", env: map[string]string{"UNTANGLE_TRACKER": "github", "UNTANGLE_GITHUB_REPO": "acme/web", "UNTANGLE_GITHUB_TOKEN_FILE": "/nope"},
			wantErr: []string{"UNTANGLE_GITHUB_TOKEN_FILE: no such file"}},
		{name: "jira", env: map[string]string{"UNTANGLE_TRACKER": "jira", "UNTANGLE_JIRA_URL": "https://acme.atlassian.net", "UNTANGLE_JIRA_EMAIL": "bot@acme.com",
			"UNTANGLE_JIRA_TOKEN": "t", "UNTANGLE_JIRA_PROJECT": "OPS"}, wantKind: "jira", wantSync: setup.DefaultSync},
		{name: "jira everything wrong", env: map[string]string{"UNTANGLE_TRACKER": "jira", "UNTANGLE_JIRA_URL": "acme", "UNTANGLE_JIRA_PROJECT": "ops"},
			wantErr: []string{"UNTANGLE_JIRA_URL", "UNTANGLE_JIRA_EMAIL", "UNTANGLE_JIRA_TOKEN", "UNTANGLE_JIRA_PROJECT \"ops\""}},
		{name: "linear", env: map[string]string{"UNTANGLE_TRACKER": "linear", "UNTANGLE_LINEAR_TOKEN": "lin_api_x", "UNTANGLE_LINEAR_TEAM": "ENG"},
			wantKind: "linear", wantSync: setup.DefaultSync},
		{name: "linear without team", env: map[string]string{"UNTANGLE_TRACKER": "linear", "UNTANGLE_LINEAR_TOKEN": "lin_api_x"},
			wantErr: []string{"UNTANGLE_LINEAR_TEAM"}},
		{name: "unknown tracker", env: map[string]string{"UNTANGLE_TRACKER": "trello"}, wantErr: []string{"UNTANGLE_TRACKER \"trello\" must be github, jira or linear"}},
		{name: "settings without a tracker", env: map[string]string{"UNTANGLE_JIRA_URL": "https://acme.atlassian.net"},
			wantErr: []string{"UNTANGLE_JIRA_URL is set but UNTANGLE_TRACKER is not"}},
		{name: "sync too fast", env: map[string]string{"UNTANGLE_TRACKER_SYNC": "1s"}, wantErr: []string{"UNTANGLE_TRACKER_SYNC \"1s\""}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := setup.FromEnv(func(k string) string { return tc.env[k] }, readFile)
			if len(tc.wantErr) > 0 {
				for _, w := range tc.wantErr {
					if err == nil || !strings.Contains(err.Error(), w) {
						t.Errorf("error = %v; want it to say %q", err, w)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if cfg.Kind != tc.wantKind || cfg.Sync != tc.wantSync || (cfg.Tracker == nil) != (tc.wantKind == "") {
				t.Fatalf("config = %+v; want kind %q sync %v", cfg, tc.wantKind, tc.wantSync)
			}
		})
	}
}
