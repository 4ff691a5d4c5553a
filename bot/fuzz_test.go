package bot

// Fuzz tests of the parsers of user input in the Slack adapter (issue #7):
// reminder cron specs, /rca sub-command routing, /rca cause arguments,
// button values, private_metadata and the type-ahead queries. Seeds are in
// f.Add and testdata/fuzz/<FuzzName>/. Run one for a while with e.g.
//
//	go test ./bot -run '^$' -fuzz '^FuzzRemindSpec$' -fuzztime 30s

import (
	"context"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/untangle-rca/untangle/tree"
	"github.com/untangle-rca/untangle/workflow"
)

// fuzzClock is the fixed "now" of the reminder fuzz target.
var fuzzClock = time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)

// FuzzRemindSpec: every spec the workflow accepts for `/rca remind` (a
// standard five-field line) must also be one the scheduler can run, with
// the same next firing; describing any spec never panics and is valid UTF-8.
func FuzzRemindSpec(f *testing.F) {
	for _, s := range []string{"0 10 * * 1-5", "*/15 * * * *", "@daily", "CRON_TZ=Europe/Berlin 0 9 * * *",
		"0 0 31 2 *", "60 * * * *", "* * * * * *", "off", "", "TZ=Mars/Olympus * * * * *", "0 10 * * MON-FRI", "1-5/0 * * * *"} {
		f.Add(s)
	}
	b := &Bot{cfg: Config{Location: time.UTC, Now: func() time.Time { return fuzzClock }, RemindCron: defaultRemindCron}}
	rca := &workflow.RCA{ID: 1, Phase: workflow.PhaseWiring}
	f.Fuzz(func(t *testing.T, spec string) {
		text := b.describeSchedule(rca, spec, "follow")
		if strings.TrimSpace(spec) != remindOffSpec && !strings.Contains(text, "Reminders for this RCA") {
			t.Errorf("describeSchedule(%q) = %q", spec, text)
		}
		if utf8.ValidString(spec) && !utf8.ValidString(text) {
			t.Errorf("describeSchedule(%q) is not valid UTF-8: %q", spec, text)
		}
		std, err := workflow.ParseCron(spec)
		if err != nil {
			return
		}
		ours, err := remindParser().Parse(spec)
		if err != nil {
			t.Fatalf("the workflow stores %q but the scheduler cannot run it: %v", spec, err)
		}
		if a, b := std.Next(fuzzClock), ours.Next(fuzzClock); !a.Equal(b) {
			t.Errorf("%q: next firing %v (standard) vs %v (scheduler)", spec, a, b)
		}
	})
}

// FuzzSlashRouting: `/rca <sub> <args>` reaches exactly one handler, with a
// known lower-case sub-command or help, and arguments without surrounding
// space that the text contains.
func FuzzSlashRouting(f *testing.F) {
	for _, s := range []string{"", "start Payment outage", "  CAUSE   #12 ", "paste", "remind 0 10 * * 1-5",
		"help", "nonsense words", "\tstatus\n", "start\u00a0x", "STATUS"} {
		f.Add(s)
	}
	known := []string{"start", "help", "list", "status", "paste", "cause", "remind"}
	f.Fuzz(func(t *testing.T, text string) {
		var calls []string
		var gotArgs string
		rt := &routes{slash: map[string]slashHandler{}}
		for _, name := range known {
			rt.slash[name] = func(_ context.Context, _ *reply, _ *slack.SlashCommand, args string) {
				calls, gotArgs = append(calls, name), args
			}
		}
		b := &Bot{}
		r := &reply{log: slog.New(slog.NewTextHandler(io.Discard, nil))}
		b.onSlash(context.Background(), r, rt, &slack.SlashCommand{Command: "/rca", Text: text})
		if len(calls) != 1 {
			t.Fatalf("%q reached %d handlers", text, len(calls))
		}
		if gotArgs != strings.TrimSpace(gotArgs) {
			t.Errorf("%q: args %q keep surrounding space", text, gotArgs)
		}
		if !strings.Contains(strings.ToLower(text), strings.ToLower(gotArgs)) {
			t.Errorf("%q: args %q are not from the text", text, gotArgs)
		}
		first, _, _ := strings.Cut(strings.TrimSpace(text), " ")
		if _, ok := rt.slash[strings.ToLower(first)]; ok && calls[0] != strings.ToLower(first) {
			t.Errorf("%q went to %s, want %s", text, calls[0], strings.ToLower(first))
		}
	})
}

// FuzzCauseParseNode: `/rca cause #N` accepts only positive numbers, and
// what it accepts reads back the same from the node's own "#N" form.
func FuzzCauseParseNode(f *testing.F) {
	for _, s := range []string{"#12", "12", " #3 ", "#0", "-4", "#+5", "##5", "9999999999999999999", "#٣", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, ok := causeParseNode(s)
		if !ok {
			return
		}
		if id <= 0 {
			t.Fatalf("causeParseNode(%q) = %d, accepted", s, id)
		}
		again, ok := causeParseNode(id.String())
		if !ok || again != id {
			t.Errorf("causeParseNode(%q) = %s, but %q reads as %d, %v", s, id, id.String(), again, ok)
		}
	})
}

// FuzzParseValue: button values decode to positive ids only, and a decoded
// value encodes back to one that decodes the same.
func FuzzParseValue(f *testing.F) {
	for _, s := range []string{"1", "12:3:4", "0", "-1", "1:", ":1", "1::2", "+7", "007:8", "9223372036854775808", "a:b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		id, items, err := parseValue(v)
		if err != nil {
			if workflow.ErrorCode(err) != workflow.ENotFound {
				t.Errorf("parseValue(%q) error code %s, want not_found", v, workflow.ErrorCode(err))
			}
			return
		}
		if id <= 0 || len(v) > 0 && strings.Count(v, ":") != len(items) {
			t.Fatalf("parseValue(%q) = %d, %v", v, id, items)
		}
		for _, it := range items {
			if it <= 0 {
				t.Fatalf("parseValue(%q) item %d", v, it)
			}
		}
		id2, items2, err := parseValue(rcaValue(id, items...))
		if err != nil || id2 != id || !equalIDs(items, items2) {
			t.Errorf("round trip of %q: %d %v %v", v, id2, items2, err)
		}
	})
}

func equalIDs(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// FuzzSymptomMeta: private_metadata of the Add symptom modal fits Slack's
// 3,000 characters and keeps the RCA and source; any string decodes or
// fails with not_found, never panics.
func FuzzSymptomMeta(f *testing.F) {
	f.Add(int64(3), "https://x.slack.com/archives/C1/p1", "Checkout fails", `{"rca":3}`)
	f.Add(int64(1), "", strings.Repeat("<&>\u202e", 900), `{"rca":"x"}`)
	f.Add(int64(9), "\x00", "\xff\xfe", `not json`)
	f.Fuzz(func(t *testing.T, rca int64, src, text, raw string) {
		if _, err := parseSymptomMeta(raw); err != nil && workflow.ErrorCode(err) != workflow.ENotFound {
			t.Errorf("parseSymptomMeta(%q): code %s", raw, workflow.ErrorCode(err))
		}
		if len(src) > 300 {
			src = src[:300] // the source is a Slack permalink, never long
		}
		enc := symptomMeta{RCA: rca, Source: src, Text: text}.encode()
		if len(enc) > maxMetadata {
			t.Fatalf("metadata is %d bytes, over %d", len(enc), maxMetadata)
		}
		m, err := parseSymptomMeta(enc)
		if err != nil {
			t.Fatalf("own metadata %q does not decode: %v", enc, err)
		}
		if m.RCA != rca || m.Source != string([]rune(src)) {
			t.Errorf("metadata lost the RCA or source: %+v from %d %q", m, rca, src)
		}
	})
}

// FuzzPasteMeta: the paste preview's private_metadata decodes to the RCA
// and text it was made from; foreign metadata is refused as out of date.
func FuzzPasteMeta(f *testing.F) {
	f.Add(int64(2), "IF [A] THEN [B]", `{"rca":2,"text":"x"}`)
	f.Add(int64(5), "", `{"rca":-1}`)
	f.Add(int64(1), "\u2028\u2029<!here>", `{"rca":1e400}`)
	b := &Bot{}
	actor := workflow.Actor{UserID: "U1"}
	f.Fuzz(func(t *testing.T, rca int64, text, raw string) {
		if strings.Contains(raw, `"draft"`) {
			return // a draft is read from the database, not from the metadata
		}
		if _, _, err := b.pasteText(context.Background(), actor, raw); err != nil && workflow.ErrorCode(err) != workflow.ENotFound {
			t.Errorf("pasteText(%q): code %s", raw, workflow.ErrorCode(err))
		}
		if rca <= 0 {
			return
		}
		meta, got, err := b.pasteText(context.Background(), actor, pasteMeta{RCA: rca, Text: text}.encode())
		if err != nil || meta.RCA != rca || got != string([]rune(text)) {
			t.Errorf("round trip of %d %q: %d %q %v", rca, text, meta.RCA, got, err)
		}
	})
}

// FuzzNodeQueries: the type-ahead queries of Add cause and of the resolve
// modal return at most their limit of options, each a node of the tree
// other than the ones left out.
func FuzzNodeQueries(f *testing.F) {
	for _, s := range []string{"", "#2", "2", "slow pool", "#", "#0", "#-1", "POOL #3", "\u00e9", "1234567890123"} {
		f.Add(s)
	}
	tr := tree.New("Fuzz")
	for _, text := range []string{"Checkout requests fail", "Payment API times out", "A slow SQL query exhausts the DB pool",
		"No circuit breaker is configured", "Refund jobs pile up"} {
		if _, err := tr.AddNode(tree.Node{Kind: tree.KindCause, Text: text}); err != nil {
			f.Fatal(err)
		}
	}
	f.Fuzz(func(t *testing.T, q string) {
		for name, opts := range map[string][]*slack.OptionBlockObject{
			"add cause": causeNodeOptions(tr, q, 1),
			"resolve":   resMatchNodes(tr, q, []tree.NodeID{2}, resMaxSuggestions),
		} {
			if len(opts) > maxOptions {
				t.Fatalf("%s %q: %d options", name, q, len(opts))
			}
			for _, o := range opts {
				id, err := strconv.Atoi(o.Value)
				if _, ok := tr.Node(tree.NodeID(id)); err != nil || !ok {
					t.Fatalf("%s %q: option value %q is no node", name, q, o.Value)
				}
				if name == "add cause" && id == 1 || name == "resolve" && id == 2 {
					t.Errorf("%s %q: offered the left-out node %d", name, q, id)
				}
			}
		}
	})
}
