package main

import (
	"errors"
	"flag"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/untangle-rca/untangle/cmd/untangle/internal/webview"
	"github.com/untangle-rca/untangle/storage"
	"github.com/untangle-rca/untangle/workflow"
	"github.com/untangle-rca/untangle/workflow/tracker/setup"
)

// serveConfig is the configuration of `untangle serve` (design §3).
type serveConfig struct {
	BotToken      string
	AppToken      string
	APIURL        string
	DBPath        string
	RemindCron    string
	TimeZone      *time.Location
	CoreThreshold float64
	HTTPAddr      string
	PublicURL     string // the web view's URL for browsers; "" means no web view
	Limits        workflow.Limits
	Tracker       setup.Config // UNTANGLE_TRACKER and its settings
}

// setting is one configuration entry: a flag with an environment fallback.
type setting struct {
	flag, env, def, help string
	secret               bool // read from ENV_FILE too, never printed
}

// settings declares every setting of `untangle serve` once, in one table.
var settings = []setting{
	{flag: "bot-token", env: "SLACK_BOT_TOKEN", help: "Slack bot token (xoxb-…); or SLACK_BOT_TOKEN_FILE", secret: true},
	{flag: "app-token", env: "SLACK_APP_TOKEN", help: "Slack app-level token (xapp-…) with connections:write; or SLACK_APP_TOKEN_FILE", secret: true},
	{flag: "api-url", env: "SLACK_API_URL", def: "https://slack.com/api/", help: "Slack Web API base URL (GovSlack, tests)"},
	{flag: "db", env: "UNTANGLE_DB", def: "./untangle.db", help: "SQLite database file, or a postgres:// URL for several replicas"},
	{flag: "remind-cron", env: "UNTANGLE_REMIND_CRON", def: "0 10 * * 1-5", help: "default reminder schedule (cron: minute hour day month weekday)"},
	{flag: "tz", env: "UNTANGLE_TZ", def: "UTC", help: "time zone of the reminder schedule (IANA name, e.g. Europe/Berlin)"},
	{flag: "core-threshold", env: "UNTANGLE_CORE_THRESHOLD", def: "0.7", help: "weighted UDE share a root needs to be a core cause (0–1]"},
	{flag: "http-addr", env: "UNTANGLE_HTTP_ADDR", help: "listen address for /healthz and /metrics (off when empty)"},
	{flag: "public-url", env: "UNTANGLE_PUBLIC_URL", help: "URL under which browsers reach UNTANGLE_HTTP_ADDR's /rca/ pages (web view off when empty)"},
	{flag: "max-nodes", env: "UNTANGLE_MAX_NODES", def: strconv.Itoa(workflow.DefaultMaxNodes), help: "most nodes one RCA may have"},
	{flag: "max-text", env: "UNTANGLE_MAX_TEXT", def: strconv.Itoa(workflow.DefaultLimits().MaxTextRunes), help: "most characters of one statement (at most the model's 300)"},
	{flag: "max-paste-bytes", env: "UNTANGLE_MAX_PASTE_BYTES", def: strconv.Itoa(workflow.DefaultMaxPasteBytes), help: "most bytes of one paste of statements"},
	{flag: "max-paste-lines", env: "UNTANGLE_MAX_PASTE_LINES", def: strconv.Itoa(workflow.DefaultMaxPasteLines), help: "most lines of one paste of statements"},
	{flag: "max-participants", env: "UNTANGLE_MAX_PARTICIPANTS", def: strconv.Itoa(workflow.DefaultMaxParticipants), help: "most participants one RCA may have"},
}

// loadServeConfig reads flags, then the environment for every flag not given,
// and validates the result. Error messages name the flag and the variable.
func loadServeConfig(args []string, getenv func(string) string, readFile func(string) ([]byte, error), fs *flag.FlagSet) (*serveConfig, error) {
	values := map[string]*string{}
	for _, s := range settings {
		values[s.flag] = fs.String(s.flag, "", fmt.Sprintf("%s (env %s%s)", s.help, s.env, defaultNote(s.def)))
	}
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	get := func(s setting) (string, error) {
		if v := *values[s.flag]; v != "" {
			return v, nil
		}
		if v := getenv(s.env); v != "" {
			return v, nil
		}
		if s.secret {
			if path := getenv(s.env + "_FILE"); path != "" {
				data, err := readFile(path)
				if err != nil {
					return "", fmt.Errorf("%s_FILE: %w", s.env, err)
				}
				return strings.TrimSpace(string(data)), nil
			}
		}
		return s.def, nil
	}
	raw := map[string]string{}
	for _, s := range settings {
		v, err := get(s)
		if err != nil {
			return nil, err
		}
		raw[s.flag] = v
	}
	cfg, err := validateServeConfig(raw)
	tracker, terr := setup.FromEnv(getenv, readFile)
	if err != nil || terr != nil {
		return nil, errors.Join(err, terr)
	}
	cfg.Tracker = tracker
	return cfg, nil
}

func defaultNote(def string) string {
	if def == "" {
		return ""
	}
	return ", default " + def
}

func validateServeConfig(raw map[string]string) (*serveConfig, error) {
	cfg := &serveConfig{
		BotToken: raw["bot-token"], AppToken: raw["app-token"], APIURL: raw["api-url"],
		DBPath: raw["db"], RemindCron: raw["remind-cron"], HTTPAddr: raw["http-addr"],
		PublicURL: strings.TrimSuffix(raw["public-url"], "/"),
	}
	var errs []error
	if cfg.BotToken == "" {
		errs = append(errs, errors.New("the bot token is missing: set SLACK_BOT_TOKEN (or SLACK_BOT_TOKEN_FILE, or --bot-token)"))
	} else if !strings.HasPrefix(cfg.BotToken, "xoxb-") {
		errs = append(errs, errors.New("SLACK_BOT_TOKEN must be a bot token starting with xoxb-"))
	}
	if cfg.AppToken == "" {
		errs = append(errs, errors.New("the app-level token is missing: set SLACK_APP_TOKEN (or SLACK_APP_TOKEN_FILE, or --app-token)"))
	} else if !strings.HasPrefix(cfg.AppToken, "xapp-") {
		errs = append(errs, errors.New("SLACK_APP_TOKEN must be an app-level token starting with xapp-"))
	}
	if u, err := url.Parse(cfg.APIURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		errs = append(errs, fmt.Errorf("SLACK_API_URL %q is not an http(s) URL", cfg.APIURL))
	} else if !strings.HasSuffix(cfg.APIURL, "/") {
		cfg.APIURL += "/"
	}
	if cfg.DBPath == "" {
		errs = append(errs, errors.New("UNTANGLE_DB must name a database file or a postgres:// URL"))
	} else if _, err := storage.Backend(cfg.DBPath); err != nil {
		errs = append(errs, fmt.Errorf("UNTANGLE_DB: %w", err))
	}
	if cfg.PublicURL != "" {
		if err := webview.CheckPublicURL(cfg.PublicURL); err != nil {
			errs = append(errs, fmt.Errorf("UNTANGLE_PUBLIC_URL: %w", err))
		} else if cfg.HTTPAddr == "" {
			errs = append(errs, errors.New("UNTANGLE_PUBLIC_URL needs UNTANGLE_HTTP_ADDR: the web view is served there"))
		}
	}
	testLine := secondsCron && len(strings.Fields(cfg.RemindCron)) == 6 // the scheduler ticks every second for it
	if _, err := workflow.ParseCron(cfg.RemindCron); err != nil && !testLine {
		errs = append(errs, fmt.Errorf("UNTANGLE_REMIND_CRON %q is not a valid cron schedule (%v); example: \"0 10 * * 1-5\" is 10:00 on weekdays", cfg.RemindCron, err))
	}
	loc, err := time.LoadLocation(raw["tz"])
	if err != nil {
		errs = append(errs, fmt.Errorf("UNTANGLE_TZ %q is not a known time zone; use an IANA name such as Europe/Berlin", raw["tz"]))
	}
	cfg.TimeZone = loc
	th, err := strconv.ParseFloat(raw["core-threshold"], 64)
	if err != nil || !validThreshold(th) {
		errs = append(errs, fmt.Errorf("UNTANGLE_CORE_THRESHOLD %q must be a number above 0 and at most 1", raw["core-threshold"]))
	}
	cfg.CoreThreshold = th
	cfg.Limits, err = parseLimits(raw)
	if err != nil {
		errs = append(errs, err)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return cfg, nil
}

// validThreshold reports whether th is in (0, 1]; NaN is not.
func validThreshold(th float64) bool { return th > 0 && th <= 1 }

// parseLimits reads the UNTANGLE_MAX_* settings: whole numbers above 0.
func parseLimits(raw map[string]string) (workflow.Limits, error) {
	var l workflow.Limits
	var errs []error
	for _, f := range []struct {
		flag, env string
		dst       *int
	}{
		{"max-nodes", "UNTANGLE_MAX_NODES", &l.MaxNodes}, {"max-text", "UNTANGLE_MAX_TEXT", &l.MaxTextRunes},
		{"max-paste-bytes", "UNTANGLE_MAX_PASTE_BYTES", &l.MaxPasteBytes},
		{"max-paste-lines", "UNTANGLE_MAX_PASTE_LINES", &l.MaxPasteLines},
		{"max-participants", "UNTANGLE_MAX_PARTICIPANTS", &l.MaxParticipants},
	} {
		n, err := strconv.Atoi(raw[f.flag])
		if err != nil || n <= 0 {
			errs = append(errs, fmt.Errorf("%s %q must be a whole number above 0", f.env, raw[f.flag]))
			continue
		}
		*f.dst = n
	}
	if err := l.Validate(); err != nil && len(errs) == 0 {
		errs = append(errs, fmt.Errorf("UNTANGLE_MAX_TEXT: %w", err))
	}
	return l, errors.Join(errs...)
}
