package trackertest_test

import (
	"encoding/base64"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/untangle-rca/untangle/workflow/tracker/trackertest"
)

// send makes one raw request and returns the status and body.
func send(t *testing.T, method, url, body string, header map[string]string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(data)
}

// TestFakesAreStrict: each fake refuses what its service refuses, so a
// client that passes against it follows the real rules.
func TestFakesAreStrict(t *testing.T) {
	gh, jira, lin := trackertest.NewGitHub(), trackertest.NewJira(), trackertest.NewLinear()
	defer gh.Close()
	defer jira.Close()
	defer lin.Close()
	ghHeaders := map[string]string{"Authorization": "Bearer " + trackertest.GitHubToken, "Accept": "application/vnd.github+json",
		"X-GitHub-Api-Version": "2022-11-28", "Content-Type": "application/json"}
	without := func(h map[string]string, key string) map[string]string {
		out := map[string]string{}
		for k, v := range h {
			if k != key {
				out[k] = v
			}
		}
		return out
	}
	basic := "Basic " + base64.StdEncoding.EncodeToString([]byte(trackertest.JiraEmail+":"+trackertest.JiraToken))
	jiraHeaders := map[string]string{"Authorization": basic, "Content-Type": "application/json"}
	linHeaders := map[string]string{"Authorization": trackertest.LinearToken, "Content-Type": "application/json"}
	issues := gh.URL() + "/repos/" + trackertest.GitHubRepo + "/issues"
	create := `mutation IssueCreate($input: IssueCreateInput!) { issueCreate(input: $input) { success } }`
	for _, tc := range []struct {
		name, method, url, body string
		header                  map[string]string
		status                  int
		says                    string
	}{
		{"github ok", "POST", issues, `{"title":"t","body":"b"}`, ghHeaders, 201, `"number":1`},
		{"github without API version", "POST", issues, `{"title":"t"}`, without(ghHeaders, "X-GitHub-Api-Version"), 400, "X-GitHub-Api-Version"},
		{"github without token", "POST", issues, `{"title":"t"}`, without(ghHeaders, "Authorization"), 401, "Requires authentication"},
		{"github wrong Accept", "POST", issues, `{"title":"t"}`, map[string]string{"Authorization": "Bearer " + trackertest.GitHubToken, "Accept": "text/html", "X-GitHub-Api-Version": "2022-11-28"}, 415, "Accept"},
		{"github without title", "POST", issues, `{"body":"b"}`, ghHeaders, 422, "missing_field"},
		{"github title too long", "POST", issues, `{"title":"` + strings.Repeat("x", 257) + `"}`, ghHeaders, 422, "too long"},
		{"github body too long", "POST", issues, `{"title":"t","body":"` + strings.Repeat("x", 65537) + `"}`, ghHeaders, 422, "body is too long"},
		{"github other repo", "GET", gh.URL() + "/repos/acme/other/issues/1", "", ghHeaders, 404, "Not Found"},
		{"jira ok", "POST", jira.URL() + "/rest/api/3/issue", `{"fields":{"project":{"key":"OPS"},"issuetype":{"name":"Task"},"summary":"s","description":{"version":1,"type":"doc","content":[{"type":"paragraph","content":[{"type":"text","text":"hi"}]}]}}}`, jiraHeaders, 201, `"key":"OPS-1"`},
		{"jira description as a string", "POST", jira.URL() + "/rest/api/3/issue", `{"fields":{"project":{"key":"OPS"},"issuetype":{"name":"Task"},"summary":"s","description":"h1. wiki markup"}}`, jiraHeaders, 400, "Atlassian Document"},
		{"jira empty text node", "POST", jira.URL() + "/rest/api/3/issue", `{"fields":{"project":{"key":"OPS"},"issuetype":{"name":"Task"},"summary":"s","description":{"version":1,"type":"doc","content":[{"type":"paragraph","content":[{"type":"text","text":""}]}]}}}`, jiraHeaders, 400, "non-empty text"},
		{"jira heading without level", "POST", jira.URL() + "/rest/api/3/issue", `{"fields":{"project":{"key":"OPS"},"issuetype":{"name":"Task"},"summary":"s","description":{"version":1,"type":"doc","content":[{"type":"heading","content":[{"type":"text","text":"x"}]}]}}}`, jiraHeaders, 400, "level"},
		{"jira label with space", "POST", jira.URL() + "/rest/api/3/issue", `{"fields":{"project":{"key":"OPS"},"issuetype":{"name":"Task"},"summary":"s","labels":["a b"]}}`, jiraHeaders, 400, "spaces"},
		{"jira wrong token", "GET", jira.URL() + "/rest/api/3/project/OPS", "", map[string]string{"Authorization": "Basic eDp5"}, 401, "authenticated"},
		{"jira unknown project", "GET", jira.URL() + "/rest/api/3/project/NOPE", "", jiraHeaders, 404, "No project"},
		{"linear without team id", "POST", lin.URL(), `{"operationName":"IssueCreate","query":"` + create + `","variables":{"input":{"title":"t"}}}`, linHeaders, 200, `\"teamId\" of required type`},
		{"linear unknown input field", "POST", lin.URL(), `{"operationName":"IssueCreate","query":"` + create + `","variables":{"input":{"teamId":"` + trackertest.LinearTeamID + `","title":"t","labels":["rca"]}}}`, linHeaders, 200, `is not defined by type`},
		{"linear Bearer prefix on an API key", "POST", lin.URL(), `{"operationName":"Viewer","query":"query Viewer { viewer { id } }"}`, map[string]string{"Authorization": "Bearer " + trackertest.LinearToken, "Content-Type": "application/json"}, 400, "AUTHENTICATION_ERROR"},
		{"linear operation name mismatch", "POST", lin.URL(), `{"operationName":"Viewer","query":"query Other { viewer { id } }"}`, linHeaders, 400, "Unknown operation"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, body := send(t, tc.method, tc.url, tc.body, tc.header)
			if status != tc.status || !strings.Contains(body, tc.says) {
				t.Fatalf("%s %s = %d %s; want %d saying %q", tc.method, tc.url, status, body, tc.status, tc.says)
			}
		})
	}
}
