package linear

import (
	"context"
	"regexp"
	"strings"

	"github.com/untangle-rca/untangle/workflow"
	"github.com/untangle-rca/untangle/workflow/tracker"
)

const teamQuery = `query TeamByKey($key: String!) {
  teams(filter: { key: { eq: $key } }) { nodes { id key name } }
}`

const viewerQuery = `query Viewer { viewer { id name } }`

const labelsQuery = `query Labels($names: [String!]) {
  issueLabels(filter: { name: { in: $names } }) { nodes { id name team { id } } }
}`

const labelCreate = `mutation LabelCreate($input: IssueLabelCreateInput!) {
  issueLabelCreate(input: $input) { success issueLabel { id name } }
}`

const userQuery = `query UserByEmail($email: String!) {
  users(filter: { email: { eq: $email } }) { nodes { id } }
}`

const issueCreate = `mutation IssueCreate($input: IssueCreateInput!) {
  issueCreate(input: $input) { success issue { id identifier url } }
}`

const issueStatus = `query IssueStatus($id: String!) {
  issue(id: $id) { identifier url state { name type } }
}`

const issueByMarker = `query IssueByMarker($team: ID!, $marker: String!) {
  issues(first: 5, includeArchived: true, filter: { team: { id: { eq: $team } }, description: { contains: $marker } }) {
    nodes { identifier url description }
  }
}`

// uuidPattern matches Linear's ids; anything else in UNTANGLE_LINEAR_TEAM is a key.
var uuidPattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

type team struct {
	ID   string `json:"id"`
	Key  string `json:"key"`
	Name string `json:"name"`
}

// team resolves the configured team once.
func (c *Client) team(ctx context.Context) (team, error) {
	c.mu.Lock()
	id := c.teamID
	c.mu.Unlock()
	if id != "" {
		return team{ID: id}, nil
	}
	var out struct {
		Teams struct {
			Nodes []team `json:"nodes"`
		} `json:"teams"`
	}
	key := c.cfg.Team
	if uuidPattern.MatchString(key) {
		c.mu.Lock()
		c.teamID = key
		c.mu.Unlock()
		return team{ID: key}, nil
	}
	if err := c.query(ctx, "find team "+key, "TeamByKey", teamQuery, map[string]any{"key": strings.ToUpper(key)}, &out); err != nil {
		return team{}, err
	}
	if len(out.Teams.Nodes) == 0 {
		return team{}, &workflow.TrackerError{Fault: workflow.FaultGone, Tracker: c.api.Name, Op: "find team " + key,
			Message: "no team with the key " + key + " is visible to this API key (UNTANGLE_LINEAR_TEAM)"}
	}
	c.mu.Lock()
	c.teamID = out.Teams.Nodes[0].ID
	c.mu.Unlock()
	return out.Teams.Nodes[0], nil
}

// Create implements workflow.Tracker. Labels are found by name (the
// workspace's or the team's) and created in the team when missing; the
// owner is assigned when a Linear user has their e-mail address.
func (c *Client) Create(ctx context.Context, d workflow.TicketDraft) (workflow.TicketRef, error) {
	if err := d.Validate(); err != nil {
		return workflow.TicketRef{}, err
	}
	t, err := c.team(ctx)
	if err != nil {
		return workflow.TicketRef{}, err
	}
	labels, err := c.labelIDs(ctx, t.ID, tracker.Labels(d.Labels, LabelLimit, false))
	if err != nil {
		return workflow.TicketRef{}, err
	}
	input := map[string]any{
		"teamId":      t.ID,
		"title":       tracker.Cut(tracker.Plain(d.Title), TitleLimit),
		"description": tracker.Markdown(d, BodyLimit),
	}
	if len(labels) > 0 {
		input["labelIds"] = labels
	}
	if !d.Due.IsZero() {
		input["dueDate"] = d.Due.Format("2006-01-02")
	}
	if id := c.userByEmail(ctx, d.OwnerEmail); id != "" {
		input["assigneeId"] = id
	}
	var out struct {
		IssueCreate struct {
			Success bool `json:"success"`
			Issue   struct {
				Identifier string `json:"identifier"`
				URL        string `json:"url"`
			} `json:"issue"`
		} `json:"issueCreate"`
	}
	if err := c.query(ctx, "create the issue", "IssueCreate", issueCreate, map[string]any{"input": input}, &out); err != nil {
		return workflow.TicketRef{}, err
	}
	if !out.IssueCreate.Success || out.IssueCreate.Issue.Identifier == "" {
		return workflow.TicketRef{}, &workflow.TrackerError{Fault: workflow.FaultRetryable, Tracker: c.api.Name,
			Op: "create the issue", Message: "Linear did not confirm the new issue", Unknown: true}
	}
	return workflow.TicketRef{Key: out.IssueCreate.Issue.Identifier, URL: out.IssueCreate.Issue.URL}, nil
}

// labelIDs returns the ids of the named labels, creating missing ones in the team.
func (c *Client) labelIDs(ctx context.Context, teamID string, names []string) ([]string, error) {
	if len(names) == 0 {
		return nil, nil
	}
	var out struct {
		IssueLabels struct {
			Nodes []struct {
				ID   string `json:"id"`
				Name string `json:"name"`
				Team *struct {
					ID string `json:"id"`
				} `json:"team"`
			} `json:"nodes"`
		} `json:"issueLabels"`
	}
	if err := c.query(ctx, "find labels", "Labels", labelsQuery, map[string]any{"names": names}, &out); err != nil {
		return nil, err
	}
	var ids []string
	for _, name := range names {
		id := ""
		for _, l := range out.IssueLabels.Nodes {
			if strings.EqualFold(l.Name, name) && (l.Team == nil || l.Team.ID == teamID) {
				id = l.ID
				break
			}
		}
		if id == "" {
			var made struct {
				IssueLabelCreate struct {
					IssueLabel struct {
						ID string `json:"id"`
					} `json:"issueLabel"`
				} `json:"issueLabelCreate"`
			}
			err := c.query(ctx, "create label "+name, "LabelCreate", labelCreate,
				map[string]any{"input": map[string]any{"name": name, "teamId": teamID}}, &made)
			switch workflow.TrackerFaultOf(err) {
			case "":
			case workflow.FaultInvalid:
				continue // e.g. made by someone else meanwhile: file without it rather than not at all
			default:
				return nil, err
			}
			id = made.IssueLabelCreate.IssueLabel.ID
		}
		if id != "" {
			ids = append(ids, id)
		}
	}
	return ids, nil
}

// userByEmail finds the Linear user with this e-mail address; any failure
// just means the owner is named in the body instead.
func (c *Client) userByEmail(ctx context.Context, email string) string {
	if email == "" {
		return ""
	}
	var out struct {
		Users struct {
			Nodes []struct {
				ID string `json:"id"`
			} `json:"nodes"`
		} `json:"users"`
	}
	if err := c.query(ctx, "find the owner", "UserByEmail", userQuery, map[string]any{"email": email}, &out); err != nil || len(out.Users.Nodes) == 0 {
		return ""
	}
	return out.Users.Nodes[0].ID
}

// Status implements workflow.Tracker; key is an identifier such as ENG-42.
func (c *Client) Status(ctx context.Context, key string) (workflow.TicketStatus, error) {
	var out struct {
		Issue *struct {
			State struct {
				Name string `json:"name"`
				Type string `json:"type"`
			} `json:"state"`
		} `json:"issue"`
	}
	if err := c.query(ctx, "read issue "+key, "IssueStatus", issueStatus, map[string]any{"id": key}, &out); err != nil {
		return workflow.TicketStatus{}, err
	}
	if out.Issue == nil {
		return workflow.TicketStatus{}, &workflow.TrackerError{Fault: workflow.FaultGone, Tracker: c.api.Name,
			Op: "read issue " + key, Message: "the issue no longer exists"}
	}
	s := workflow.TicketStatus{Name: out.Issue.State.Name}
	switch out.Issue.State.Type {
	case "completed":
		s.State = workflow.TicketDone
	case "canceled":
		s.State = workflow.TicketCanceled
	case "started":
		s.State = workflow.TicketInProgress
	default: // triage, backlog, unstarted
		s.State = workflow.TicketOpen
	}
	return s, nil
}

// FindByMarker implements workflow.Tracker with a filter on the team's
// issue descriptions, archived ones included.
func (c *Client) FindByMarker(ctx context.Context, marker string) (workflow.TicketRef, bool, error) {
	t, err := c.team(ctx)
	if err != nil {
		return workflow.TicketRef{}, false, err
	}
	var out struct {
		Issues struct {
			Nodes []struct {
				Identifier  string `json:"identifier"`
				URL         string `json:"url"`
				Description string `json:"description"`
			} `json:"nodes"`
		} `json:"issues"`
	}
	if err := c.query(ctx, "search issues", "IssueByMarker", issueByMarker,
		map[string]any{"team": t.ID, "marker": marker}, &out); err != nil {
		return workflow.TicketRef{}, false, err
	}
	for _, i := range out.Issues.Nodes {
		if strings.Contains(i.Description, "`"+marker+"`") {
			return workflow.TicketRef{Key: i.Identifier, URL: i.URL}, true, nil
		}
	}
	return workflow.TicketRef{}, false, nil
}

// CheckAccess implements workflow.Tracker: it reads the API key's user and
// the team.
func (c *Client) CheckAccess(ctx context.Context) (string, error) {
	var me struct {
		Viewer struct {
			Name string `json:"name"`
		} `json:"viewer"`
	}
	if err := c.query(ctx, "read the API key's user", "Viewer", viewerQuery, nil, &me); err != nil {
		return "", err
	}
	c.mu.Lock()
	c.teamID = ""
	c.mu.Unlock()
	t, err := c.team(ctx)
	if err != nil {
		return "", err
	}
	if t.Key == "" {
		return "team " + t.ID + " as " + me.Viewer.Name, nil
	}
	return "team " + t.Key + " (" + t.Name + ") as " + me.Viewer.Name, nil
}
