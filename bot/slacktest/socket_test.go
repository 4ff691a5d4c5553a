package slacktest_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/untangle-rca/untangle/bot/slacktest"
)

// openConnection calls apps.connections.open with a raw request.
func openConnection(t *testing.T, fake *slacktest.Server, bearer, formToken string) map[string]any {
	t.Helper()
	form := url.Values{}
	if formToken != "" {
		form.Set("token", formToken)
	}
	req, _ := http.NewRequest(http.MethodPost, fake.APIURL()+"apps.connections.open", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatal(err)
	}
	return body
}

func TestConnectionsOpenAuth(t *testing.T) {
	t.Parallel()
	fake := slacktest.New(t)
	tests := []struct {
		name, bearer, form, want string
	}{
		{name: "app token as bearer", bearer: fake.AppToken()},
		{name: "app token as form field", form: fake.AppToken(), want: "invalid_auth"},
		{name: "bot token", bearer: fake.BotToken(), want: "not_allowed_token_type"},
		{name: "wrong token", bearer: "xapp-nope", want: "invalid_auth"},
		{name: "no token", want: "not_authed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := openConnection(t, fake, tt.bearer, tt.form)
			got, _ := body["error"].(string)
			if got != tt.want {
				t.Fatalf("error = %q, want %q (body %v)", got, tt.want, body)
			}
			if tt.want == "" && !strings.HasPrefix(body["url"].(string), "ws://127.0.0.1:") {
				t.Fatalf("url = %v, want a loopback ws:// URL", body["url"])
			}
		})
	}
}

func TestSocketHandshakeHelloAndPings(t *testing.T) {
	t.Parallel()
	fake := slacktest.New(t, slacktest.WithPingInterval(50*time.Millisecond))
	wsURL := openConnection(t, fake, fake.AppToken(), "")["url"].(string)
	hdr := http.Header{"Origin": {"https://evil.example"}}
	if _, resp, err := websocket.DefaultDialer.Dial(wsURL, hdr); err == nil || resp.StatusCode != http.StatusForbidden {
		t.Fatalf("foreign origin: err = %v, want a 403 refusal", err)
	}
	wsURL = openConnection(t, fake, fake.AppToken(), "")["url"].(string)
	conn, _, err := websocket.DefaultDialer.Dial(wsURL, http.Header{"Origin": {"https://api.slack.com"}})
	if err != nil {
		t.Fatalf("dial with Slack's origin: %v", err)
	}
	defer conn.Close()
	if _, resp, err := websocket.DefaultDialer.Dial(wsURL, nil); err == nil || resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("reused ticket: err = %v, want a 401 refusal", err)
	}
	var hello struct {
		Type           string `json:"type"`
		NumConnections int    `json:"num_connections"`
		ConnectionInfo struct {
			AppID string `json:"app_id"`
		} `json:"connection_info"`
	}
	if err := conn.ReadJSON(&hello); err != nil {
		t.Fatal(err)
	}
	if hello.Type != "hello" || hello.NumConnections != 1 || hello.ConnectionInfo.AppID != slacktest.AppID {
		t.Fatalf("hello = %+v", hello)
	}
	pings := make(chan struct{}, 10)
	conn.SetPingHandler(func(string) error {
		select {
		case pings <- struct{}{}:
		default:
		}
		return nil
	})
	go func() {
		for {
			if _, _, err := conn.ReadMessage(); err != nil {
				return
			}
		}
	}()
	select {
	case <-pings:
	case <-time.After(2 * time.Second):
		t.Fatal("no ping frame within 2s at a 50ms ping interval")
	}
}

func TestOversizedAckIsDropped(t *testing.T) {
	t.Parallel()
	fake := slacktest.New(t, slacktest.WithAckTimeout(300*time.Millisecond))
	alice := fake.AddUser("alice")
	ch := fake.AddChannel("big", slacktest.ChannelOptions{Members: []slacktest.User{alice}})
	wsURL := openConnection(t, fake, fake.AppToken(), "")["url"].(string)
	conn, _, err := websocket.DefaultDialer.Dial(wsURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	go func() { // a raw app that acks everything with a huge payload
		for {
			var env struct {
				EnvelopeID string `json:"envelope_id"`
			}
			if err := conn.ReadJSON(&env); err != nil {
				return
			}
			if env.EnvelopeID != "" {
				_ = conn.WriteJSON(map[string]any{"envelope_id": env.EnvelopeID, "payload": map[string]any{"text": strings.Repeat("x", slacktest.MaxAckBytes)}})
			}
		}
	}()
	ctx := testCtx(t)
	if _, err := alice.SlashCommand(ctx, ch.ID, "/echo", "x"); !errors.Is(err, slacktest.ErrNoAck) {
		t.Fatalf("err = %v, want ErrNoAck for a dropped oversized ack", err)
	}
	kinds := map[string]bool{}
	for _, f := range fake.Failures() {
		kinds[f.Kind] = true
	}
	if !kinds["invalid_ack"] || !kinds["ack_timeout"] {
		t.Fatalf("failures = %+v, want invalid_ack and ack_timeout", fake.Failures())
	}
}
