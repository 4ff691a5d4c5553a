// Package setup builds the tracker client named by UNTANGLE_TRACKER from
// the environment, refusing an incomplete or contradictory configuration
// with messages that name each setting at fault.
package setup

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/untangle-rca/untangle/workflow"
	"github.com/untangle-rca/untangle/workflow/tracker/github"
	"github.com/untangle-rca/untangle/workflow/tracker/jira"
	"github.com/untangle-rca/untangle/workflow/tracker/linear"
)

// DefaultSync is how often open tickets are polled unless UNTANGLE_TRACKER_SYNC says otherwise.
const DefaultSync = 10 * time.Minute

// Sync bounds: faster polling would eat the trackers' rate limits (the
// job reads one ticket at a time, a quarter second apart, and waits
// whenever the tracker asks); intervals under a minute suit small trials
// and tests.
const (
	MinSync = 5 * time.Second
	MaxSync = 24 * time.Hour
)

// Config is the tracker configuration of `untangle serve`.
type Config struct {
	Tracker workflow.Tracker // nil when UNTANGLE_TRACKER is unset
	Kind    string           // "github", "jira", "linear" or ""
	Sync    time.Duration    // the polling interval of open tickets
}

// prefixes are the settings of each tracker, to catch settings without UNTANGLE_TRACKER.
var prefixes = [][2]string{{"github", "UNTANGLE_GITHUB_"}, {"jira", "UNTANGLE_JIRA_"}, {"linear", "UNTANGLE_LINEAR_"}}

// FromEnv reads the tracker settings; readFile reads the *_FILE secrets.
func FromEnv(getenv func(string) string, readFile func(string) ([]byte, error)) (Config, error) {
	env := reader{getenv: getenv, readFile: readFile}
	cfg := Config{Kind: strings.ToLower(strings.TrimSpace(getenv("UNTANGLE_TRACKER"))), Sync: DefaultSync}
	var errs []error
	if v := getenv("UNTANGLE_TRACKER_SYNC"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < MinSync || d > MaxSync {
			errs = append(errs, fmt.Errorf("UNTANGLE_TRACKER_SYNC %q must be a duration from %v to %v, e.g. 10m", v, MinSync, MaxSync))
		}
		cfg.Sync = d
	}
	var err error
	switch cfg.Kind {
	case "":
		for _, kp := range prefixes {
			kind, p := kp[0], kp[1]
			for _, k := range []string{"REPO", "URL", "TEAM", "TOKEN", "TOKEN_FILE", "PROJECT"} {
				if getenv(p+k) != "" {
					errs = append(errs, fmt.Errorf("%s%s is set but UNTANGLE_TRACKER is not: set UNTANGLE_TRACKER=%s to file fixes there, or unset it", p, k, kind))
				}
			}
		}
	case "github":
		cfg.Tracker, err = newGitHub(env)
	case "jira":
		cfg.Tracker, err = newJira(env)
	case "linear":
		cfg.Tracker, err = newLinear(env)
	default:
		err = fmt.Errorf("UNTANGLE_TRACKER %q must be github, jira or linear (or unset for none)", cfg.Kind)
	}
	if err != nil {
		errs = append(errs, err)
	}
	if len(errs) > 0 {
		return Config{}, errors.Join(errs...)
	}
	return cfg, nil
}

// reader reads settings and secrets (NAME, else the file named by NAME_FILE).
type reader struct {
	getenv   func(string) string
	readFile func(string) ([]byte, error)
	errs     []error
}

func (r *reader) secret(name string) string {
	if v := r.getenv(name); v != "" {
		return strings.TrimSpace(v)
	}
	path := r.getenv(name + "_FILE")
	if path == "" {
		return ""
	}
	data, err := r.readFile(path)
	if err != nil {
		r.errs = append(r.errs, fmt.Errorf("%s_FILE: %w", name, err))
		return ""
	}
	return strings.TrimSpace(string(data))
}

func (r *reader) done(t workflow.Tracker, err error) (workflow.Tracker, error) {
	if err != nil {
		r.errs = append(r.errs, err)
	}
	if len(r.errs) > 0 {
		return nil, errors.Join(r.errs...)
	}
	return t, nil
}

func newGitHub(r reader) (workflow.Tracker, error) {
	c, err := github.New(github.Config{Repo: r.getenv("UNTANGLE_GITHUB_REPO"), Token: r.secret("UNTANGLE_GITHUB_TOKEN"),
		APIURL: r.getenv("UNTANGLE_GITHUB_API_URL")})
	return r.done(c, err)
}

func newJira(r reader) (workflow.Tracker, error) {
	c, err := jira.New(jira.Config{URL: r.getenv("UNTANGLE_JIRA_URL"), Email: r.getenv("UNTANGLE_JIRA_EMAIL"),
		Token: r.secret("UNTANGLE_JIRA_TOKEN"), Project: r.getenv("UNTANGLE_JIRA_PROJECT"),
		IssueType: r.getenv("UNTANGLE_JIRA_ISSUE_TYPE")})
	return r.done(c, err)
}

func newLinear(r reader) (workflow.Tracker, error) {
	c, err := linear.New(linear.Config{Token: r.secret("UNTANGLE_LINEAR_TOKEN"), Team: r.getenv("UNTANGLE_LINEAR_TEAM"),
		APIURL: r.getenv("UNTANGLE_LINEAR_API_URL")})
	return r.done(c, err)
}
