package slacktest_test

import (
	"strings"
	"testing"

	"github.com/slack-go/slack"

	"github.com/untangle-rca/untangle/bot/slacktest"
)

func mdDoc(s string) slack.DocumentContent {
	return slack.DocumentContent{Type: "markdown", Markdown: s}
}

func TestChannelCanvas(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	id, err := w.api.CreateChannelCanvas(w.ch.ID, mdDoc("# Report\n"))
	if err != nil || id == "" {
		t.Fatalf("create: id %q, err %v", id, err)
	}
	if got, ok := w.fake.ChannelCanvas(w.ch.ID); !ok || got != "# Report\n" {
		t.Fatalf("canvas = %q, %v", got, ok)
	}
	if _, err := w.api.CreateChannelCanvas(w.ch.ID, mdDoc("again")); slackErr(err) != "channel_canvas_already_exists" {
		t.Fatalf("second create: %v", err)
	}
	edit := func(op string, dc slack.DocumentContent) error {
		return w.api.EditCanvas(slack.EditCanvasParams{CanvasID: id, Changes: []slack.CanvasChange{{Operation: op, DocumentContent: dc}}})
	}
	if err := edit("replace", mdDoc("# New\n")); err != nil {
		t.Fatal(err)
	}
	if err := edit("insert_at_end", mdDoc("tail\n")); err != nil {
		t.Fatal(err)
	}
	if got, _ := w.fake.ChannelCanvas(w.ch.ID); got != "# New\ntail\n" {
		t.Fatalf("after edits: %q", got)
	}
	for _, tc := range []struct {
		name string
		err  error
		want string
	}{
		{"not markdown", edit("replace", slack.DocumentContent{Type: "blocks", Markdown: "x"}), "invalid_arguments"},
		{"unknown operation", edit("explode", mdDoc("x")), "invalid_arguments"},
		{"too large", edit("replace", mdDoc(strings.Repeat("a", slacktest.MaxCanvasMarkdown+1))), "canvas_too_large"},
		{"unknown canvas", w.api.EditCanvas(slack.EditCanvasParams{CanvasID: "F404", Changes: []slack.CanvasChange{{Operation: "replace", DocumentContent: mdDoc("x")}}}), "canvas_not_found"},
		{"not in channel", func() error { _, err := w.api.CreateChannelCanvas(w.outside.ID, mdDoc("x")); return err }(), "not_in_channel"},
	} {
		if got := slackErr(tc.err); got != tc.want {
			t.Errorf("%s: error %q, want %q", tc.name, got, tc.want)
		}
	}
	if got, _ := w.fake.ChannelCanvas(w.ch.ID); got != "# New\ntail\n" {
		t.Fatalf("a rejected edit changed the canvas: %q", got)
	}
}

func TestChannelCanvasUnavailable(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		opt  slacktest.Option
		want string
	}{
		{"free plan", slacktest.WithFreePlan(), "team_tier_cannot_create_channel_canvases"},
		{"missing scope", slacktest.WithoutScopes("canvases:write"), "missing_scope"},
	} {
		fake := slacktest.New(t, tc.opt)
		api := slack.New(fake.BotToken(), slack.OptionAPIURL(fake.APIURL()))
		ch := fake.AddChannel("rca-1", slacktest.ChannelOptions{BotMember: true})
		if _, err := api.CreateChannelCanvas(ch.ID, mdDoc("x")); slackErr(err) != tc.want {
			t.Errorf("%s: %v, want %s", tc.name, err, tc.want)
		}
		if _, ok := fake.ChannelCanvas(ch.ID); ok {
			t.Errorf("%s: a canvas was made", tc.name)
		}
	}
}
