package slacktest_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"

	"github.com/untangle-rca/untangle/bot/slacktest"
)

// formModal is the modal opened by "/echo form": one input of each kind.
func formModal(channel string) slack.ModalViewRequest {
	in := func(blockID, label string, el slack.BlockElement, optional bool) *slack.InputBlock {
		b := slack.NewInputBlock(blockID, plain(label), nil, el)
		b.Optional = optional
		return b
	}
	opt := func(v, text string) *slack.OptionBlockObject { return slack.NewOptionBlockObject(v, plain(text), nil) }
	svc := slack.NewOptionsSelectBlockElement("external_select", plain("Type to search"), "svc")
	minLen := 2
	svc.MinQueryLength = &minLen
	return slack.ModalViewRequest{
		Type: slack.VTModal, CallbackID: "form", PrivateMetadata: channel,
		Title: plain("Start an RCA"), Submit: plain("Next"),
		Blocks: slack.Blocks{BlockSet: []slack.Block{
			in("title_block", "Title", slack.NewPlainTextInputBlockElement(nil, "title"), false),
			in("impact_block", "Impact", slack.NewRadioButtonsBlockElement("impact", opt("h", "High"), opt("l", "Low")), false),
			in("areas_block", "Areas", slack.NewCheckboxGroupsBlockElement("areas", opt("db", "Database"), opt("net", "Network")), true),
			in("owner_block", "Facilitator", slack.NewOptionsSelectBlockElement("users_select", nil, "owner"), false),
			in("due_block", "Due date", slack.NewDatePickerBlockElement("due"), true),
			in("svc_block", "Service", svc, true),
			in("people_block", "Participants", slack.NewOptionsMultiSelectBlockElement("multi_users_select", nil, "people"), true),
			in("chan_block", "Related channel", slack.NewOptionsSelectBlockElement("channels_select", nil, "chan"), true),
		}},
	}
}

// submitForm answers the form's submission according to its title.
func (a *echoApp) submitForm(ctx context.Context, evt socketmode.Event, cb slack.InteractionCallback) {
	if cb.View.CallbackID == "second" {
		a.client.Ack(*evt.Request)
		return
	}
	v := cb.View.State.Values
	title := v["title_block"]["title"].Value
	next := slack.ModalViewRequest{Type: slack.VTModal, CallbackID: "second", Title: plain("Second"), Submit: plain("Done"),
		Blocks: slack.Blocks{BlockSet: []slack.Block{section("step two")}}}
	switch title {
	case "push":
		a.client.Ack(*evt.Request, slack.NewPushViewSubmissionResponse(&next))
	case "update":
		next.Title = plain("Updated")
		a.client.Ack(*evt.Request, slack.NewUpdateViewSubmissionResponse(&next))
	case "clear":
		a.client.Ack(*evt.Request, slack.NewClearViewSubmissionResponse())
	default:
		a.client.Ack(*evt.Request)
		var areas []string
		for _, o := range v["areas_block"]["areas"].SelectedOptions {
			areas = append(areas, o.Value)
		}
		summary := strings.Join([]string{"form:", title, v["impact_block"]["impact"].SelectedOption.Value,
			strings.Join(areas, "+"), v["owner_block"]["owner"].SelectedUser, v["due_block"]["due"].SelectedDate,
			v["svc_block"]["svc"].SelectedOption.Value, strings.Join(v["people_block"]["people"].SelectedUsers, "+"),
			v["chan_block"]["chan"].SelectedChannel}, " ")
		_, _, _ = a.api.PostMessageContext(ctx, cb.View.PrivateMetadata, slack.MsgOptionText(summary, false))
	}
}

// openForm runs "/echo form" and returns the open form.
func openForm(t *testing.T, ctx context.Context, u slacktest.User, ch slacktest.Channel) slacktest.View {
	t.Helper()
	if _, err := u.SlashCommand(ctx, ch.ID, "/echo", "form"); err != nil {
		t.Fatal(err)
	}
	view, err := u.WaitForView(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return view
}

func TestFormInputsReachTheApp(t *testing.T) {
	t.Parallel()
	fake, _, alice, ch := setup(t)
	ctx := testCtx(t)
	bob := fake.AddUser("bob")
	view := openForm(t, ctx, alice, ch)
	steps := []struct {
		name  string
		label string
		pick  string
		text  bool
	}{
		{name: "text", label: "Title", pick: "Checkout down", text: true},
		{name: "radio", label: "Impact", pick: "High"},
		{name: "checkbox on", label: "Areas", pick: "Database"},
		{name: "checkbox second", label: "Areas", pick: "Network"},
		{name: "checkbox toggled off", label: "Areas", pick: "Database"},
		{name: "user", label: "Facilitator", pick: "bob"},
		{name: "date", label: "Due date", pick: "2026-12-01"},
		{name: "external", label: "Service", pick: "payr"},
		{name: "participant", label: "Participants", pick: "bob"},
		{name: "participant two", label: "Participants", pick: "alice"},
		{name: "participant removed", label: "Participants", pick: "bob"},
		{name: "channel", label: "Related channel", pick: "#incident"},
	}
	for _, st := range steps {
		var err error
		if st.text {
			err = alice.FillInput(view, st.label, st.pick)
		} else {
			err = alice.Select(ctx, view, st.label, st.pick)
		}
		if err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
	}
	if _, err := alice.SubmitView(ctx); err != nil {
		t.Fatal(err)
	}
	msg, err := fake.WaitForMessage(ctx, ch.ID, func(m slacktest.Message) bool { return strings.HasPrefix(m.Text, "form:") })
	if err != nil {
		t.Fatal(err)
	}
	want := "form: Checkout down h net " + bob.ID + " 2026-12-01 payroll " + alice.ID + " " + ch.ID
	if msg.Text != want {
		t.Fatalf("summary = %q, want %q", msg.Text, want)
	}
}

func TestPersonCannotPickWhatIsNotOffered(t *testing.T) {
	t.Parallel()
	_, _, alice, ch := setup(t)
	ctx := testCtx(t)
	view := openForm(t, ctx, alice, ch)
	tests := []struct {
		name, label, pick string
	}{
		{name: "unknown radio option", label: "Impact", pick: "Medium"},
		{name: "unknown user", label: "Facilitator", pick: "mallory"},
		{name: "bad date", label: "Due date", pick: "01/12/2026"},
		{name: "external too short", label: "Service", pick: "p"},
		{name: "external no match", label: "Service", pick: "zzz"},
		{name: "unknown label", label: "Nope", pick: "x"},
		{name: "unknown channel", label: "Related channel", pick: "#nope"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := alice.Select(ctx, view, tt.label, tt.pick); err == nil {
				t.Fatalf("Select(%q, %q) succeeded, want an error", tt.label, tt.pick)
			}
		})
	}
}

func TestResponseActionsChangeTheStack(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		title     string
		wantStack []string // titles, bottom first
	}{
		{name: "push", title: "push", wantStack: []string{"Start an RCA", "Second"}},
		{name: "update", title: "update", wantStack: []string{"Updated"}},
		{name: "clear", title: "clear", wantStack: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake, _, alice, ch := setup(t)
			ctx := testCtx(t)
			view := openForm(t, ctx, alice, ch)
			for label, v := range map[string]string{"Impact": "Low", "Facilitator": "alice"} {
				if err := alice.Select(ctx, view, label, v); err != nil {
					t.Fatal(err)
				}
			}
			if err := alice.FillInput(view, "Title", tt.title); err != nil {
				t.Fatal(err)
			}
			ack, err := alice.SubmitView(ctx)
			if err != nil || ack.ResponseAction() != tt.title {
				t.Fatalf("ack = %v, err = %v", ack, err)
			}
			var got []string
			for _, v := range alice.ViewStack() {
				got = append(got, v.Title)
			}
			if strings.Join(got, "|") != strings.Join(tt.wantStack, "|") || len(fake.Failures()) != 0 {
				t.Fatalf("stack = %q, want %q (failures %v)", got, tt.wantStack, fake.Failures())
			}
		})
	}
}

func TestShortcutResponseURLAndDM(t *testing.T) {
	t.Parallel()
	fake, _, alice, ch := setup(t)
	ctx := testCtx(t)
	msg, err := alice.Post(ch.ID, "payments were down for 45 minutes")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := alice.MessageShortcut(ctx, msg, "save"); err != nil {
		t.Fatal(err)
	}
	eph, err := alice.WaitForEphemeral(ctx, func(m slacktest.Message) bool { return strings.HasPrefix(m.Text, "saved:") })
	if err != nil {
		t.Fatal(err)
	}
	if eph.Text != "saved: payments were down for 45 minutes" || eph.Channel != ch.ID {
		t.Fatalf("ephemeral = %+v", eph)
	}
	waitUntil(t, func() bool { return len(alice.DMs()) == 1 })
	if dm := alice.DMs()[0]; dm.Text != "you saved a message" || dm.User != slacktest.BotUserID {
		t.Fatalf("dm = %+v", dm)
	}
	if got := len(fake.Messages(ch.ID)); got != 1 {
		t.Fatalf("channel has %d messages, want only alice's", got)
	}
}

func TestInChannelAckAndMessageMenus(t *testing.T) {
	t.Parallel()
	fake, _, alice, ch := setup(t)
	ctx := testCtx(t)
	if _, err := alice.SlashCommand(ctx, ch.ID, "/echo", "public"); err != nil {
		t.Fatal(err)
	}
	if last, _ := fake.LastMessage(ch.ID); last.Text != "for everyone" || last.Ephemeral {
		t.Fatalf("last = %+v, want the in_channel ack posted", last)
	}
	if _, err := alice.SlashCommand(ctx, ch.ID, "/echo", "menu"); err != nil {
		t.Fatal(err)
	}
	menu, err := fake.WaitForMessage(ctx, ch.ID, func(m slacktest.Message) bool { return m.Text == "menu" })
	if err != nil {
		t.Fatal(err)
	}
	picks := []struct{ placeholder, option, want string }{
		{placeholder: "Pick sev", option: "SEV2", want: "picked: s2"},
		{placeholder: "", option: "Archive", want: "picked: arch"},
	}
	for _, p := range picks {
		if _, err := alice.SelectInMessage(ctx, menu, p.placeholder, p.option); err != nil {
			t.Fatal(err)
		}
		if _, err := fake.WaitForMessage(ctx, ch.ID, func(m slacktest.Message) bool { return m.Text == p.want }); err != nil {
			t.Fatal(err)
		}
	}
}

func TestHomeButtonAndEventGiveUp(t *testing.T) {
	t.Parallel()
	fake, _, alice, _ := setup(t)
	ctx := testCtx(t)
	if _, err := alice.OpenHome(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := alice.ClickViewButton(ctx, "Refresh"); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, func() bool { h, _ := alice.Home(); return strings.Contains(h.PlainText(), "Refreshed") })
	env, err := fake.SendEvent(ctx, map[string]any{"type": "reaction_added", "user": alice.ID, "reaction": "eyes"})
	if err != nil {
		t.Fatal(err)
	}
	waitUntil(t, func() bool { return len(fake.Failures()) > 0 })
	f := fake.Failures()[0]
	if f.Kind != "ack_timeout" || f.EnvelopeID != env || fake.Deliveries(env) != 4 || fake.Acked(env) {
		t.Fatalf("failure = %+v deliveries = %d, want 1 + 3 redeliveries then a timeout", f, fake.Deliveries(env))
	}
}

// waitUntil polls cond for up to 5 s.
func waitUntil(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 5s")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestResponseURLReplacesAndDeletesOriginal(t *testing.T) {
	t.Parallel()
	fake, _, alice, ch := setup(t)
	ctx := testCtx(t)
	if _, err := alice.SlashCommand(ctx, ch.ID, "/echo", "ephemeral-buttons"); err != nil {
		t.Fatal(err)
	}
	eph, err := alice.WaitForEphemeral(ctx, func(m slacktest.Message) bool { return m.Text == "choose" })
	if err != nil {
		t.Fatal(err)
	}
	if _, err := alice.ClickButton(ctx, eph, "Replace"); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, func() bool { e := alice.Ephemerals(); return len(e) == 1 && e[0].Text == "replaced" && e[0].Edited })
	if _, err := alice.ClickButton(ctx, eph, "Replace"); err == nil {
		t.Fatal("clicked a button that the replacement removed")
	}
	if _, err := alice.SlashCommand(ctx, ch.ID, "/echo", "ephemeral-buttons"); err != nil {
		t.Fatal(err)
	}
	eph, err = alice.WaitForEphemeral(ctx, func(m slacktest.Message) bool { return m.Text == "choose" })
	if err != nil {
		t.Fatal(err)
	}
	if _, err := alice.ClickButton(ctx, eph, "Dismiss"); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, func() bool { return len(alice.Ephemerals()) == 1 })
	if len(fake.Messages(ch.ID)) != 0 {
		t.Fatalf("channel messages = %+v, want none", fake.Messages(ch.ID))
	}
}
