package slacktest_test

import (
	"fmt"

	"github.com/slack-go/slack"

	"github.com/untangle-rca/untangle/bot/slacktest"
)

// The fake is reached by the real slack-go client through OptionAPIURL.
func ExampleNewServer() {
	fake, err := slacktest.NewServer()
	if err != nil {
		panic(err)
	}
	defer fake.Close()
	ch := fake.AddChannel("rca-payments", slacktest.ChannelOptions{BotMember: true})
	api := slack.New(fake.BotToken(), slack.OptionAPIURL(fake.APIURL()))
	_, _, err = api.PostMessage(ch.ID, slack.MsgOptionText("", false))
	fmt.Println(err)
	_, ts, _ := api.PostMessage(ch.ID, slack.MsgOptionText("Dashboard", false))
	last, _ := fake.LastMessage(ch.ID)
	fmt.Println(last.Text, last.TS == ts)
	// Output:
	// no_text
	// Dashboard true
}

// ValidateBlocks checks a builder's output without a server.
func ExampleValidateBlocks() {
	header := slack.NewHeaderBlock(slack.NewTextBlockObject("mrkdwn", "Payment outage", false, false))
	fmt.Println(slacktest.ValidateBlocks(slacktest.SurfaceMessage, []slack.Block{header}))
	// Output:
	// [must be plain_text [json-pointer:/blocks/0/text/type]]
}
