package slacktest_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/slack-go/slack"

	"github.com/untangle-rca/untangle/bot/slacktest"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/")

// rawApp is a websocket-level app that records every envelope payload.
type rawApp struct {
	conn     *websocket.Conn
	api      *slack.Client
	payloads map[string]json.RawMessage
	done     chan struct{}
}

// dialRaw connects a recording app to the fake.
func dialRaw(t *testing.T, fake *slacktest.Server) *rawApp {
	t.Helper()
	wsURL := openConnection(t, fake, fake.AppToken(), "")["url"].(string)
	conn, _, err := websocket.DefaultDialer.Dial(wsURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	a := &rawApp{conn: conn, api: slack.New(fake.BotToken(), slack.OptionAPIURL(fake.APIURL())),
		payloads: map[string]json.RawMessage{}, done: make(chan struct{})}
	go a.loop()
	return a
}

// loop records payloads, opens a modal for slash commands, and acks.
func (a *rawApp) loop() {
	defer close(a.done)
	for {
		var env struct {
			EnvelopeID string          `json:"envelope_id"`
			Type       string          `json:"type"`
			Payload    json.RawMessage `json:"payload"`
		}
		if err := a.conn.ReadJSON(&env); err != nil {
			return
		}
		if env.EnvelopeID == "" {
			continue
		}
		var kind struct {
			Type      string `json:"type"`
			TriggerID string `json:"trigger_id"`
		}
		_ = json.Unmarshal(env.Payload, &kind)
		key := env.Type + "." + kind.Type
		a.payloads[strings.TrimSuffix(key, ".")] = env.Payload
		if env.Type == "slash_commands" {
			_, _ = a.api.OpenView(kind.TriggerID, formModal("C0"))
		}
		_ = a.conn.WriteJSON(map[string]any{"envelope_id": env.EnvelopeID})
	}
}

func TestPayloadsGolden(t *testing.T) {
	t.Parallel()
	clock := time.Date(2026, 11, 25, 9, 30, 0, 0, time.UTC)
	fake := slacktest.New(t, slacktest.WithClock(func() time.Time { return clock }))
	alice := fake.AddUser("alice")
	ch := fake.AddChannel("incident", slacktest.ChannelOptions{Members: []slacktest.User{alice}, BotMember: true})
	app := dialRaw(t, fake)
	ctx := testCtx(t)
	if _, err := alice.SlashCommand(ctx, ch.ID, "/rca", "start Payment outage"); err != nil {
		t.Fatal(err)
	}
	view, err := alice.WaitForView(ctx)
	if err != nil {
		t.Fatal(err)
	}
	steps := []struct{ label, value string }{{"Impact", "High"}, {"Areas", "Network"}, {"Facilitator", "alice"}, {"Due date", "2026-12-01"}}
	for _, st := range steps {
		if err := alice.Select(ctx, view, st.label, st.value); err != nil {
			t.Fatal(err)
		}
	}
	if err := alice.FillInput(view, "Title", "Payment outage"); err != nil {
		t.Fatal(err)
	}
	if _, err := alice.SubmitView(ctx); err != nil {
		t.Fatal(err)
	}
	app.conn.Close()
	<-app.done
	got, err := json.MarshalIndent(app.payloads, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = bytes.ReplaceAll(got, []byte(strings.TrimSuffix(fake.APIURL(), "/api/")), []byte("http://FAKE"))
	path := filepath.Join("testdata", "payloads.golden.json")
	if *update {
		if err := os.WriteFile(path, append(got, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden (run with -update to create it): %v", err)
	}
	if !bytes.Equal(append(got, '\n'), want) {
		t.Fatalf("payloads differ from %s (run with -update after checking):\n%s", path, got)
	}
}
