package slacktest_test

import (
	"context"
	"testing"

	"github.com/slack-go/slack"

	"github.com/untangle-rca/untangle/bot/slacktest"
)

func BenchmarkValidateBlocks(b *testing.B) {
	blocks := make([]slack.Block, 0, 50)
	for i := 0; i < 25; i++ {
		blocks = append(blocks, section("*Cause* because of a long explanation of what happened"),
			slack.NewActionBlock("", slack.NewButtonBlockElement("add", "1", plain("Add cause…")),
				slack.NewButtonBlockElement("root", "1", plain("Root — stop here"))))
	}
	b.ReportAllocs()
	for b.Loop() {
		if errs := slacktest.ValidateBlocks(slacktest.SurfaceMessage, blocks); len(errs) != 0 {
			b.Fatal(errs)
		}
	}
}

func BenchmarkSlashCommandRoundTrip(b *testing.B) {
	fake := slacktest.New(b)
	startApp(b, fake)
	alice := fake.AddUser("alice")
	ch := fake.AddChannel("bench", slacktest.ChannelOptions{Members: []slacktest.User{alice}, BotMember: true})
	ctx := context.Background()
	for b.Loop() {
		if _, err := alice.SlashCommand(ctx, ch.ID, "/echo", "hi"); err != nil {
			b.Fatal(err)
		}
	}
}
