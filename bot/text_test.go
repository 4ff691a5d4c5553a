package bot

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/untangle-rca/untangle/workflow"
)

func TestEscape(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"plain", "Payment API times out", "Payment API times out"},
		{"channel ping", "<!channel> look", "&lt;!channel&gt; look"},
		{"user mention", "ask <@U123>", "ask &lt;@U123&gt;"},
		{"hidden link", "<https://evil|innocent>", "&lt;https://evil|innocent&gt;"},
		{"ampersand first", "&lt; already", "&amp;lt; already"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Escape(tt.in); got != tt.want {
				t.Fatalf("Escape(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestTruncate(t *testing.T) {
	if got := Truncate("héllo", 5); got != "héllo" {
		t.Fatalf("no cut needed: %q", got)
	}
	if got := Truncate("héllo world", 5); got != "héll…" || utf8.RuneCountInString(got) != 5 {
		t.Fatalf("cut: %q", got)
	}
	got := truncateEscaped(strings.Repeat("a", 8)+"<b>", 10)
	if got != "aaaaaaaa…" {
		t.Fatalf("truncateEscaped must not split an entity: %q", got)
	}
}

func TestChannelName(t *testing.T) {
	day := time.Date(2026, 11, 25, 23, 0, 0, 0, time.UTC)
	valid := regexp.MustCompile(`^[a-z0-9_-]{1,80}$`)
	tests := []struct {
		name, title string
		suffix      int
		want        string
	}{
		{"simple", "Payment outage", 1, "rca-2026-11-25-payment-outage"},
		{"punctuation and case", "  DB: Orders -- DELETED!! ", 1, "rca-2026-11-25-db-orders-deleted"},
		{"accents folded", "Zahlungsausfall in Köln", 1, "rca-2026-11-25-zahlungsausfall-in-koln"},
		{"no usable characters", "支付 🔥", 1, "rca-2026-11-25"},
		{"suffix", "Payment outage", 3, "rca-2026-11-25-payment-outage-3"},
		{"mention text", "<!channel> <@U123>", 1, "rca-2026-11-25-channel-u123"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ChannelName(day, tt.title, tt.suffix)
			if got != tt.want {
				t.Fatalf("ChannelName = %q, want %q", got, tt.want)
			}
		})
	}
	long := strings.Repeat("very long words ", 20)
	for suffix := 1; suffix < 12; suffix++ {
		got := ChannelName(day, long, suffix)
		if !valid.MatchString(got) || strings.Contains(got, "--") || !strings.HasSuffix(got, fmt.Sprintf("-%d", suffix)) && suffix > 1 {
			t.Fatalf("long title, suffix %d: %q (%d chars) is not a valid channel name", suffix, got, len(got))
		}
	}
}

// TestNeutralMentions: chat mentions reach the workflow as plain "@name"
// text, and the wording check still finds the person in them.
func TestNeutralMentions(t *testing.T) {
	tests := []struct {
		name, in, want string
		blamed         bool
	}{
		{name: "no mention", in: "Checkout fails for 3% of users", want: "Checkout fails for 3% of users"},
		{name: "user mention", in: "<@U024BE7LH> deployed the hotfix", want: "@someone deployed the hotfix", blamed: true},
		{name: "labelled enterprise mention", in: "Deploy approved by <@W0123ABC|ana>", want: "Deploy approved by @ana", blamed: true},
		{name: "label with at sign", in: "<@U1|@bob> restarted it", want: "@bob restarted it", blamed: true},
		{name: "two mentions", in: "<@U1> paged <@U2>", want: "@someone paged @someone", blamed: true},
		{name: "channel ping is not a user", in: "<!channel> the API is down", want: "<!channel> the API is down"},
		{name: "channel link is not a user", in: "Errors in <#C123>", want: "Errors in <#C123>"},
		{name: "lower-case id is not a mention", in: "<@u123> text", want: "<@u123> text", blamed: true},
		{name: "unclosed", in: "Queue <@U1 grows", want: "Queue <@U1 grows"},
		{name: "bare marker", in: "<@", want: "<@"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := neutralMentions(tt.in)
			if got != tt.want {
				t.Fatalf("neutralMentions(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if f := workflow.CheckBlame(got); (f != nil) != tt.blamed {
				t.Fatalf("CheckBlame(%q) = %v, want blamed %v", got, f, tt.blamed)
			}
		})
	}
}

func FuzzNeutralMentions(f *testing.F) {
	for _, s := range []string{"<@U1> x", "<@W1|ana>", "<@<@U1>>", "<@U1|<@U2>>", "a <@"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := neutralMentions(s)
		if got != neutralMentions(got) {
			t.Fatalf("not stable: %q → %q → %q", s, got, neutralMentions(got))
		}
		if !strings.Contains(s, "<@") && got != s {
			t.Fatalf("changed a text without mentions: %q → %q", s, got)
		}
	})
}
