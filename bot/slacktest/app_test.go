package slacktest_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"

	"github.com/untangle-rca/untangle/bot/slacktest"
)

// echoApp is a tiny Slack app used to exercise the fake with the real slack-go client.
type echoApp struct {
	api    *slack.Client
	client *socketmode.Client
}

// startApp connects an echo app to the fake and runs it until the test ends.
func startApp(t testing.TB, fake *slacktest.Server) *echoApp {
	t.Helper()
	api := slack.New(fake.BotToken(), slack.OptionAppLevelToken(fake.AppToken()),
		slack.OptionAPIURL(fake.APIURL()), slack.OptionRetry(2))
	client := socketmode.New(api, socketmode.OptionPingInterval(2*time.Second))
	app := &echoApp{api: api, client: client}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{}, 2)
	go func() { _ = client.RunContext(ctx); done <- struct{}{} }()
	go func() { app.loop(ctx); done <- struct{}{} }()
	t.Cleanup(func() { cancel(); <-done; <-done })
	wait, stop := context.WithTimeout(context.Background(), 5*time.Second)
	defer stop()
	if err := fake.WaitForConnection(wait); err != nil {
		t.Fatalf("app did not connect: %v", err)
	}
	return app
}

// loop handles socket mode events.
func (a *echoApp) loop(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case evt := <-a.client.Events:
			a.handle(ctx, evt)
		}
	}
}

// handle dispatches one event.
func (a *echoApp) handle(ctx context.Context, evt socketmode.Event) {
	switch evt.Type {
	case socketmode.EventTypeSlashCommand:
		a.slash(ctx, evt, evt.Data.(slack.SlashCommand))
	case socketmode.EventTypeInteractive:
		a.interactive(ctx, evt, evt.Data.(slack.InteractionCallback))
	case socketmode.EventTypeEventsAPI:
		ev := evt.Data.(slackevents.EventsAPIEvent)
		if evt.Request.RetryAttempt == 0 || ev.InnerEvent.Type == "reaction_added" {
			return // drop the first delivery (and every reaction) to exercise redelivery
		}
		a.client.Ack(*evt.Request)
		if home, ok := ev.InnerEvent.Data.(*slackevents.AppHomeOpenedEvent); ok {
			a.publishHome(ctx, home.User, "Welcome home")
		}
	}
}

// publishHome publishes a Home tab with a text and a Refresh button.
func (a *echoApp) publishHome(ctx context.Context, user, text string) {
	view := slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: slack.Blocks{BlockSet: []slack.Block{
		slack.NewSectionBlock(slack.NewTextBlockObject("mrkdwn", text, false, false), nil, nil),
		slack.NewActionBlock("home_actions", slack.NewButtonBlockElement("refresh", "", plain("Refresh"))),
	}}}
	_, _ = a.api.PublishViewContext(ctx, slack.PublishViewContextRequest{UserID: user, View: view})
}

// titleModal is the modal opened by "/echo modal".
func titleModal(channel string) slack.ModalViewRequest {
	input := slack.NewInputBlock("title_block", slack.NewTextBlockObject("plain_text", "Title", false, false), nil,
		slack.NewPlainTextInputBlockElement(nil, "title"))
	sev := slack.NewInputBlock("sev_block", slack.NewTextBlockObject("plain_text", "Severity", false, false), nil,
		slack.NewOptionsSelectBlockElement("static_select", nil, "sev",
			slack.NewOptionBlockObject("s1", slack.NewTextBlockObject("plain_text", "SEV1", false, false), nil),
			slack.NewOptionBlockObject("s2", slack.NewTextBlockObject("plain_text", "SEV2", false, false), nil)))
	sev.Optional = true
	return slack.ModalViewRequest{
		Type: slack.VTModal, CallbackID: "echo_modal", PrivateMetadata: channel, NotifyOnClose: true,
		Title:  slack.NewTextBlockObject("plain_text", "Echo", false, false),
		Submit: slack.NewTextBlockObject("plain_text", "Save", false, false),
		Blocks: slack.Blocks{BlockSet: []slack.Block{input, sev}},
	}
}

// slash handles /echo.
func (a *echoApp) slash(ctx context.Context, evt socketmode.Event, cmd slack.SlashCommand) {
	switch cmd.Text {
	case "slow":
		return // never ack
	case "modal":
		_, err := a.api.OpenViewContext(ctx, cmd.TriggerID, titleModal(cmd.ChannelID))
		if err != nil {
			a.client.Ack(*evt.Request, map[string]any{"text": "open failed: " + err.Error()})
			return
		}
		a.client.Ack(*evt.Request)
	case "form":
		_, err := a.api.OpenViewContext(ctx, cmd.TriggerID, formModal(cmd.ChannelID))
		if err != nil {
			a.client.Ack(*evt.Request, map[string]any{"text": "open failed: " + err.Error()})
			return
		}
		a.client.Ack(*evt.Request)
	case "menu":
		a.client.Ack(*evt.Request)
		sel := slack.NewOptionsSelectBlockElement("static_select", plain("Pick sev"), "sev_pick",
			slack.NewOptionBlockObject("s1", plain("SEV1"), nil), slack.NewOptionBlockObject("s2", plain("SEV2"), nil))
		over := slack.NewOverflowBlockElement("more", slack.NewOptionBlockObject("arch", plain("Archive"), nil))
		_, _, _ = a.api.PostMessageContext(ctx, cmd.ChannelID, slack.MsgOptionText("menu", false),
			slack.MsgOptionBlocks(slack.NewActionBlock("menu_actions", sel, over)))
	case "ephemeral-buttons":
		a.client.Ack(*evt.Request)
		_, _ = a.api.PostEphemeralContext(ctx, cmd.ChannelID, cmd.UserID, slack.MsgOptionText("choose", false),
			slack.MsgOptionBlocks(slack.NewActionBlock("eph", slack.NewButtonBlockElement("replace", "", plain("Replace")),
				slack.NewButtonBlockElement("dismiss", "", plain("Dismiss")))))
	case "public":
		a.client.Ack(*evt.Request, map[string]any{"text": "for everyone", "response_type": "in_channel"})
	case "buttons":
		a.client.Ack(*evt.Request)
		btn := slack.NewButtonBlockElement("upload", "v1", slack.NewTextBlockObject("plain_text", "Upload", false, false))
		_, _, _ = a.api.PostMessageContext(ctx, cmd.ChannelID, slack.MsgOptionText("pick", false),
			slack.MsgOptionBlocks(slack.NewActionBlock("acts", btn)))
	default:
		a.client.Ack(*evt.Request, map[string]any{"text": "echo: " + cmd.Text})
	}
}

// interactive handles submissions and clicks.
func (a *echoApp) interactive(ctx context.Context, evt socketmode.Event, cb slack.InteractionCallback) {
	switch cb.Type {
	case slack.InteractionTypeViewSubmission:
		if cb.View.CallbackID != "echo_modal" {
			a.submitForm(ctx, evt, cb)
			return
		}
		title := cb.View.State.Values["title_block"]["title"].Value
		sev := cb.View.State.Values["sev_block"]["sev"].SelectedOption.Value
		switch title {
		case "bad":
			a.client.Ack(*evt.Request, slack.NewErrorsViewSubmissionResponse(map[string]string{"title_block": "Too vague"}))
		case "wrongkey":
			a.client.Ack(*evt.Request, slack.NewErrorsViewSubmissionResponse(map[string]string{"nope": "x"}))
		default:
			a.client.Ack(*evt.Request)
			_, _, _ = a.api.PostMessageContext(ctx, cb.View.PrivateMetadata, slack.MsgOptionText("submitted: "+title+" "+sev, false))
		}
	case slack.InteractionTypeBlockSuggestion:
		var opts []*slack.OptionBlockObject
		for _, svc := range []string{"payments", "payroll", "search"} {
			if strings.Contains(svc, cb.Value) {
				opts = append(opts, slack.NewOptionBlockObject(svc, plain(svc), nil))
			}
		}
		a.client.Ack(*evt.Request, slack.OptionsResponse{Options: opts})
	case slack.InteractionTypeMessageAction:
		a.client.Ack(*evt.Request)
		_, _, _ = a.api.PostMessageContext(ctx, "", slack.MsgOptionResponseURL(cb.ResponseURL, slack.ResponseTypeEphemeral),
			slack.MsgOptionText("saved: "+cb.Message.Text, false))
		_, _, _ = a.api.PostMessageContext(ctx, cb.User.ID, slack.MsgOptionText("you saved a message", false))
	case slack.InteractionTypeBlockActions:
		a.client.Ack(*evt.Request)
		a.blockAction(ctx, cb)
	default:
		a.client.Ack(*evt.Request)
	}
}

// blockAction handles clicks and menu picks.
func (a *echoApp) blockAction(ctx context.Context, cb slack.InteractionCallback) {
	act := cb.ActionCallback.BlockActions[0]
	switch act.ActionID {
	case "upload":
		_, _ = a.api.UploadFileContext(ctx, slack.UploadFileParameters{
			Content: "digraph{}", Filename: "tree.dot", FileSize: 9, Channel: cb.Channel.ID, Title: "Tree",
		})
	case "replace":
		_, _, _ = a.api.PostMessageContext(ctx, "", slack.MsgOptionReplaceOriginal(cb.ResponseURL), slack.MsgOptionText("replaced", false))
	case "dismiss":
		_, _, _ = a.api.PostMessageContext(ctx, "", slack.MsgOptionDeleteOriginal(cb.ResponseURL))
	case "refresh":
		a.publishHome(ctx, cb.User.ID, "Refreshed")
	case "sev_pick", "more":
		_, _, _ = a.api.PostMessageContext(ctx, cb.Channel.ID, slack.MsgOptionText("picked: "+act.SelectedOption.Value, false))
	}
}

// setup starts a fake with fast timings, an app, a person and a channel they share.
func setup(t *testing.T, opts ...slacktest.Option) (*slacktest.Server, *echoApp, slacktest.User, slacktest.Channel) {
	t.Helper()
	base := []slacktest.Option{slacktest.WithPingInterval(100 * time.Millisecond), slacktest.WithAckTimeout(time.Second),
		slacktest.WithRedelivery(200*time.Millisecond, 3)}
	fake := slacktest.New(t, append(base, opts...)...)
	app := startApp(t, fake)
	alice := fake.AddUser("alice")
	ch := fake.AddChannel("incident", slacktest.ChannelOptions{Members: []slacktest.User{alice}, BotMember: true})
	return fake, app, alice, ch
}

// testCtx returns a context bounded for one test step.
func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestModalRoundTrip(t *testing.T) {
	t.Parallel()
	fake, _, alice, ch := setup(t)
	ctx := testCtx(t)
	if _, err := alice.SlashCommand(ctx, ch.ID, "/echo", "modal"); err != nil {
		t.Fatalf("slash command: %v", err)
	}
	view, err := alice.WaitForView(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if view.Title != "Echo" || view.CallbackID != "echo_modal" {
		t.Fatalf("view = %+v, want the Echo modal", view)
	}
	if _, err := alice.SubmitView(ctx); err == nil {
		t.Fatal("submitting with the required Title empty succeeded, want a client-side refusal")
	}
	if err := alice.FillInput(view, "Title", "bad"); err != nil {
		t.Fatal(err)
	}
	ack, err := alice.SubmitView(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if ack.ResponseAction() != "errors" || ack.Errors()["title_block"] != "Too vague" {
		t.Fatalf("ack = %s, want errors on title_block", ack.Payload)
	}
	view, _ = alice.CurrentView()
	if view.Errors["title_block"] != "Too vague" {
		t.Fatalf("view errors = %v, want the field error shown", view.Errors)
	}
	if err := alice.FillInput(view, "Title", "Payment outage"); err != nil {
		t.Fatal(err)
	}
	if err := alice.Select(ctx, view, "Severity", "SEV2"); err != nil {
		t.Fatal(err)
	}
	if _, err := alice.SubmitView(ctx); err != nil {
		t.Fatal(err)
	}
	if _, open := alice.CurrentView(); open {
		t.Fatal("modal still open after a plain ack")
	}
	msg, err := fake.WaitForMessage(ctx, ch.ID, func(m slacktest.Message) bool { return strings.HasPrefix(m.Text, "submitted:") })
	if err != nil {
		t.Fatal(err)
	}
	if msg.Text != "submitted: Payment outage s2" {
		t.Fatalf("message = %q", msg.Text)
	}
}

func TestSubmitErrorsWithWrongKeyIsAFailure(t *testing.T) {
	t.Parallel()
	fake, _, alice, ch := setup(t)
	ctx := testCtx(t)
	if _, err := alice.SlashCommand(ctx, ch.ID, "/echo", "modal"); err != nil {
		t.Fatal(err)
	}
	view, err := alice.WaitForView(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := alice.FillInput(view, "Title", "wrongkey"); err != nil {
		t.Fatal(err)
	}
	if _, err := alice.SubmitView(ctx); err != nil {
		t.Fatal(err)
	}
	if f := fake.Failures(); len(f) != 1 || f[0].Kind != "generic_error" {
		t.Fatalf("failures = %+v, want one generic_error", f)
	}
}

func TestCloseViewNotifies(t *testing.T) {
	t.Parallel()
	fake, _, alice, ch := setup(t)
	ctx := testCtx(t)
	if _, err := alice.SlashCommand(ctx, ch.ID, "/echo", "modal"); err != nil {
		t.Fatal(err)
	}
	if _, err := alice.WaitForView(ctx); err != nil {
		t.Fatal(err)
	}
	if err := alice.CloseView(ctx); err != nil {
		t.Fatalf("close view (view_closed must be acked): %v", err)
	}
	if len(alice.ViewStack()) != 0 || len(fake.Failures()) != 0 {
		t.Fatalf("stack = %v failures = %v", alice.ViewStack(), fake.Failures())
	}
}

func TestSlashCommandAckMessageAndTimeout(t *testing.T) {
	t.Parallel()
	fake, _, alice, ch := setup(t)
	ctx := testCtx(t)
	ack, err := alice.SlashCommand(ctx, ch.ID, "/echo", "hello")
	if err != nil {
		t.Fatal(err)
	}
	if ack.Text() != "echo: hello" {
		t.Fatalf("ack text = %q", ack.Text())
	}
	if eph := alice.Ephemerals(); len(eph) != 1 || eph[0].Text != "echo: hello" {
		t.Fatalf("ephemerals = %+v, want the ack message shown to alice only", eph)
	}
	_, err = alice.SlashCommand(ctx, ch.ID, "/echo", "slow")
	if !errors.Is(err, slacktest.ErrNoAck) {
		t.Fatalf("err = %v, want ErrNoAck", err)
	}
	if f := fake.Failures(); len(f) != 1 || f[0].Kind != "ack_timeout" || f[0].Type != "slash_commands" {
		t.Fatalf("failures = %+v", f)
	}
}

func TestClickButtonUploadsFile(t *testing.T) {
	t.Parallel()
	fake, _, alice, ch := setup(t)
	ctx := testCtx(t)
	if _, err := alice.SlashCommand(ctx, ch.ID, "/echo", "buttons"); err != nil {
		t.Fatal(err)
	}
	msg, err := fake.WaitForMessage(ctx, ch.ID, func(m slacktest.Message) bool { return m.Text == "pick" })
	if err != nil {
		t.Fatal(err)
	}
	if _, err := alice.ClickButton(ctx, msg, "Nope"); !errors.Is(err, slacktest.ErrNotFound) {
		t.Fatalf("clicking a missing button: err = %v", err)
	}
	if _, err := alice.ClickButton(ctx, msg, "Upload"); err != nil {
		t.Fatal(err)
	}
	shared, err := fake.WaitForMessage(ctx, ch.ID, func(m slacktest.Message) bool { return len(m.Files) == 1 })
	if err != nil {
		t.Fatal(err)
	}
	files := fake.Files()
	if len(files) != 1 || string(files[0].Bytes) != "digraph{}" || files[0].ID != shared.Files[0] || files[0].Title != "Tree" {
		t.Fatalf("files = %+v", files)
	}
}

func TestEventRedeliveryAndHome(t *testing.T) {
	t.Parallel()
	fake, _, alice, _ := setup(t)
	ctx := testCtx(t)
	home, err := alice.OpenHome(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(home.PlainText(), "Welcome home") {
		t.Fatalf("home = %q", home.PlainText())
	}
	if c := fake.CallsTo("views.publish"); len(c) != 1 || c[0].Error != "" {
		t.Fatalf("views.publish calls = %+v", c)
	}
	env, err := fake.SendEvent(ctx, map[string]any{"type": "app_mention", "user": alice.ID, "text": "hi"})
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for !fake.Acked(env) && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if !fake.Acked(env) || fake.Deliveries(env) < 2 {
		t.Fatalf("acked=%v deliveries=%d, want acked on a redelivery", fake.Acked(env), fake.Deliveries(env))
	}
}

func TestRateLimitedCallIsRetried(t *testing.T) {
	t.Parallel()
	fake, app, _, ch := setup(t)
	fake.InjectRateLimit("chat.postMessage", 1, 1)
	_, _, err := app.api.PostMessage(ch.ID, slack.MsgOptionText("after retry", false))
	if err != nil {
		t.Fatalf("post with OptionRetry: %v", err)
	}
	calls := fake.CallsTo("chat.postMessage")
	if len(calls) != 2 || calls[0].Status != 429 || calls[0].Error != "ratelimited" || calls[1].Error != "" {
		t.Fatalf("calls = %+v, want a 429 then a success", calls)
	}
	noRetry := slack.New(fake.BotToken(), slack.OptionAPIURL(fake.APIURL()))
	fake.InjectRateLimit("chat.postMessage", 1, 7)
	_, _, err = noRetry.PostMessage(ch.ID, slack.MsgOptionText("x", false))
	var rl *slack.RateLimitedError
	if !errors.As(err, &rl) || rl.RetryAfter != 7*time.Second {
		t.Fatalf("err = %v, want RateLimitedError{7s}", err)
	}
	fake.InjectServerError("chat.postMessage", 1)
	_, _, err = noRetry.PostMessage(ch.ID, slack.MsgOptionText("x", false))
	var sc slack.StatusCodeError
	if !errors.As(err, &sc) || sc.Code != 503 {
		t.Fatalf("err = %v, want a 503 StatusCodeError", err)
	}
}

func TestReconnects(t *testing.T) {
	t.Parallel()
	fake, _, alice, ch := setup(t)
	ctx := testCtx(t)
	steps := []struct {
		name  string
		fault func()
	}{
		{name: "dropped", fault: fake.DropConnections},
		{name: "disconnect frame", fault: func() { fake.SendDisconnect("refresh_requested") }},
		{name: "pings paused", fault: func() { fake.PausePings(2500 * time.Millisecond) }},
	}
	for _, step := range steps {
		t.Run(step.name, func(t *testing.T) {
			before := fake.Connects()
			step.fault()
			if err := fake.WaitForConnectsAtLeast(ctx, before+1); err != nil {
				t.Fatalf("app did not reconnect: %v", err)
			}
			ack, err := alice.SlashCommand(ctx, ch.ID, "/echo", step.name)
			if err != nil || ack.Text() != "echo: "+step.name {
				t.Fatalf("after reconnect: ack=%v err=%v", ack, err)
			}
		})
	}
}
