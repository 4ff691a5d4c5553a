// Package linear files fixes as Linear issues through Linear's GraphQL API,
// authenticated with a personal API key in the Authorization header.
package linear

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/untangle-rca/untangle/workflow"
	"github.com/untangle-rca/untangle/workflow/tracker"
)

// DefaultAPIURL is Linear's GraphQL endpoint.
const DefaultAPIURL = "https://api.linear.app/graphql"

// Linear's limits on an issue, kept with a margin.
const (
	TitleLimit = 255
	BodyLimit  = 100000
	LabelLimit = 80
)

// rateLimitWait is the wait on a RATELIMITED answer that names no reset.
const rateLimitWait = time.Minute

// Config is what the client needs.
type Config struct {
	Token  string // personal API key (lin_api_…)
	Team   string // team key (e.g. ENG) or team id
	APIURL string // "" means DefaultAPIURL
	Client *http.Client
}

// Client files and reads issues of one team.
type Client struct {
	cfg Config
	api tracker.API

	mu     sync.Mutex
	teamID string // resolved from cfg.Team on first use
}

var _ workflow.Tracker = (*Client)(nil)

// New checks cfg and returns a client; it makes no call.
func New(cfg Config) (*Client, error) {
	if cfg.Token == "" {
		return nil, errors.New("the Linear API key is missing: set UNTANGLE_LINEAR_TOKEN (or UNTANGLE_LINEAR_TOKEN_FILE)")
	}
	if strings.TrimSpace(cfg.Team) == "" || strings.ContainsAny(cfg.Team, " \"\\") {
		return nil, fmt.Errorf("UNTANGLE_LINEAR_TEAM %q must be the team's key (e.g. ENG) or id", cfg.Team)
	}
	if cfg.APIURL == "" {
		cfg.APIURL = DefaultAPIURL
	}
	if !tracker.IsBaseURL(cfg.APIURL) {
		return nil, fmt.Errorf("UNTANGLE_LINEAR_API_URL %q is not an http(s) URL", cfg.APIURL)
	}
	c := &Client{cfg: cfg}
	c.api = tracker.API{
		Name: "Linear", Client: cfg.Client, Credential: "UNTANGLE_LINEAR_TOKEN",
		Need: fmt.Sprintf("a personal API key with read and create-issues access to team %s", cfg.Team),
		Authorize: func(r *http.Request) {
			r.Header.Set("Authorization", cfg.Token)
		},
		Message: func(body []byte) string { return gqlErrors(body).message() },
	}
	c.api.Classify = c.classify
	return c, nil
}

// Name implements workflow.Tracker.
func (c *Client) Name() string { return c.api.Name }

type gqlError struct {
	Message    string `json:"message"`
	Extensions struct {
		Code                   string `json:"code"`
		Type                   string `json:"type"`
		UserPresentableMessage string `json:"userPresentableMessage"`
	} `json:"extensions"`
}

type gqlErrorList []gqlError

func gqlErrors(body []byte) gqlErrorList {
	var out struct {
		Errors gqlErrorList `json:"errors"`
	}
	_ = json.Unmarshal(body, &out)
	return out.Errors
}

func (l gqlErrorList) message() string {
	var parts []string
	for _, e := range l {
		if e.Extensions.UserPresentableMessage != "" {
			parts = append(parts, e.Extensions.UserPresentableMessage)
		} else {
			parts = append(parts, e.Message)
		}
	}
	return strings.Join(parts, "; ")
}

// fault maps Linear's error codes; ok is false when none is known.
func (l gqlErrorList) fault() (workflow.TrackerFault, bool) {
	for _, e := range l {
		code := strings.ToUpper(strings.ReplaceAll(e.Extensions.Code+" "+e.Extensions.Type, " ", "_"))
		switch {
		case strings.Contains(code, "RATELIMITED"):
			return workflow.FaultRetryable, true
		case strings.Contains(code, "AUTHENTICATION"), strings.Contains(code, "FORBIDDEN"):
			return workflow.FaultAuth, true
		case strings.Contains(code, "NOT_FOUND"), strings.Contains(strings.ToLower(e.Message), "entity not found"):
			return workflow.FaultGone, true
		case strings.Contains(code, "INVALID_INPUT"), strings.Contains(code, "BAD_USER_INPUT"),
			strings.Contains(code, "VALIDATION"):
			return workflow.FaultInvalid, true
		}
	}
	return "", false
}

// classify reads the GraphQL errors of a non-2xx answer.
func (c *Client) classify(r *tracker.Response, e *workflow.TrackerError) *workflow.TrackerError {
	if f, ok := gqlErrors(r.Body).fault(); ok {
		c.setFault(e, f)
	}
	return e
}

func (c *Client) setFault(e *workflow.TrackerError, f workflow.TrackerFault) {
	e.Fault, e.Credential, e.Need = f, "", ""
	switch f {
	case workflow.FaultAuth:
		e.Credential, e.Need = c.api.Credential, c.api.Need
	case workflow.FaultRetryable:
		if e.RetryAfter == 0 {
			e.RetryAfter = rateLimitWait
		}
	}
}

// query runs one GraphQL operation and decodes its data into out. Errors in
// a 200 answer are mapped like those of other answers.
func (c *Client) query(ctx context.Context, op, name, query string, vars map[string]any, out any) error {
	req := tracker.Request{Op: op, Method: http.MethodPost, URL: c.cfg.APIURL,
		Body: map[string]any{"query": query, "variables": vars, "operationName": name}}
	resp, err := c.api.Do(ctx, req)
	if err != nil {
		if !strings.HasPrefix(query, "mutation") {
			clearUnknown(err)
		}
		return err
	}
	if errs := gqlErrors(resp.Body); len(errs) > 0 {
		e := &workflow.TrackerError{Tracker: c.api.Name, Op: op, Status: resp.Status, Message: errs.message(),
			RetryAfter: c.api.RetryAfter(resp.Header)}
		f, ok := errs.fault()
		if !ok {
			f = workflow.FaultRetryable
		}
		c.setFault(e, f)
		return e
	}
	var env struct {
		Data json.RawMessage `json:"data"`
	}
	if err := c.api.Decode(req, resp, &env); err != nil {
		return err
	}
	return c.api.Decode(req, &tracker.Response{Status: resp.Status, Body: env.Data}, out)
}

func clearUnknown(err error) {
	var te *workflow.TrackerError
	if errors.As(err, &te) {
		te.Unknown = false
	}
}
