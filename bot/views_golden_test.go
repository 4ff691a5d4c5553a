package bot

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/untangle-rca/untangle/bot/slacktest"
	"github.com/untangle-rca/untangle/tree"
	"github.com/untangle-rca/untangle/workflow"
)

// hostileText is user text that must reach Slack escaped: a broadcast
// mention, an ampersand, a user mention and a long tail.
var hostileText = "<!channel> & <@U1> " + strings.Repeat("a very long text ", 16)

// hostileTree is a small wired tree whose texts are all hostile.
func hostileTree(t *testing.T) *tree.Tree {
	t.Helper()
	src := "UDE [" + hostileText + "]\n" +
		"IF [<!here> cause & <@U2> one] AND [cause <b>two</b> & " + strings.Repeat("z", 200) + "] THEN [" + hostileText + "]\n"
	tr, err := tree.Parse([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

// viewCase is one view the bot sends to views.open, views.push,
// views.update or views.publish, drawn from its pure builder.
type viewCase struct {
	name string
	view any
}

// modalCases draws every modal the bot opens, once with the example RCA
// and once with hostile text.
func modalCases(t *testing.T) []viewCase {
	s := goldenSnapshot(t, workflow.PhaseChallenging)
	tr, ht := s.Tree, hostileTree(t)
	node := func(tr *tree.Tree, id tree.NodeID) *tree.Node {
		n, ok := tr.Node(id)
		if !ok {
			t.Fatalf("no node #%d", id)
		}
		return n
	}
	group := func(tr *tree.Tree, id tree.GroupID) *tree.Group {
		g, ok := tr.Group(id)
		if !ok {
			t.Fatalf("no link %d", id)
		}
		return g
	}
	fix := workflow.Fix{ID: 4, RCAID: s.RCA.ID, Node: 14, Injection: "Quality KPIs count as much as delivery speed"}
	hostileFix := workflow.Fix{ID: 5, RCAID: 9, Node: 2, Injection: hostileText}
	branched, hb := tr.Clone(), ht.Clone()
	addNode := func(tr *tree.Tree, kind tree.Kind, text string) tree.NodeID {
		n, err := tr.AddNode(tree.Node{Kind: kind, Text: text})
		if err != nil {
			t.Fatal(err)
		}
		return n.ID
	}
	step := addNode(branched, tree.KindNegativeEffect, "Feature work slows down for a quarter")
	end := addNode(branched, tree.KindNegativeEffect, "Sales miss the Q3 launch")
	hstep := addNode(hb, tree.KindNegativeEffect, "<!here> & "+hostileText)
	hostileRCA := workflow.RCA{ID: 9, Title: hostileText, Facilitator: "U1", Phase: workflow.PhaseCollecting, ChannelID: "CRCA"}
	cases := []viewCase{
		{"start", startModal("UALICE", "")},
		{"start-hostile", startModal("U1", hostileText)},
		{"symptom", symptomModal(&s.RCA, symptomMeta{RCA: s.RCA.ID}, "")},
		{"symptom-hostile", symptomModal(&hostileRCA, symptomMeta{RCA: 9, Source: "https://example.slack.com/archives/C1/p1"}, hostileText)},
		{"pick-rca", pickRCAModal([]workflow.RCA{s.RCA, {ID: 8, Title: "Second outage"}}, symptomMeta{Text: "The checkout page hung"})},
		{"pick-rca-none", pickRCAModal(nil, symptomMeta{Text: "The checkout page hung"})},
		{"pick-rca-hostile", pickRCAModal([]workflow.RCA{hostileRCA}, symptomMeta{Text: hostileText})},
		{"add-cause", addCauseModal(s.RCA.ID, node(tr, 1), true)},
		{"add-cause-first", addCauseModal(s.RCA.ID, node(tr, 1), false)},
		{"add-cause-hostile", addCauseModal(9, node(ht, 1), true)},
		{"paste", pasteModal(s.RCA.ID, "", "")},
		{"paste-hostile", pasteModal(9, "IF ["+hostileText+"] THEN [#1]", ":warning: Nothing was saved. "+Escape(hostileText))},
		{"paste-preview", pastePreviewView(pasteMeta{RCA: s.RCA.ID}, previewOf(t, tr, "IF [Nobody reviews pool sizes] THEN [#4]"))},
		{"paste-preview-hostile", pastePreviewView(pasteMeta{RCA: 9}, previewOf(t, ht, "IF [<!channel> pasted & <@U1> "+strings.Repeat("cause ", 30)+"] THEN [#1]"))},
		{"sufficiency", sufficiencyModal(s.RCA.ID, tr, group(tr, 1))},
		{"sufficiency-hostile", sufficiencyModal(9, ht, group(ht, 1))},
		{"raise", raiseModal(s.RCA.ID, tr, group(tr, 3))},
		{"raise-hostile", raiseModal(9, ht, group(ht, 1))},
		{"propose-fix", proposeFixModal(s.RCA.ID, node(tr, 14))},
		{"propose-fix-hostile", proposeFixModal(9, node(ht, 2))},
		{"notice-hostile", modal("notice", "untangle", "", "", section(":warning: "+Escape(hostileText)))},
		{"negative", negativeModal(s.RCA.ID, &fix)},
		{"negative-hostile", negativeModal(9, &hostileFix)},
		{"desirable", desirableModal(s.RCA.ID, &fix)},
		{"desirable-hostile", desirableModal(9, &hostileFix)},
		{"counterparts", counterpartsModal(s.RCA.ID, tr, []tree.NodeID{1, 2, 3})},
		{"counterparts-none", counterpartsModal(s.RCA.ID, tr, nil)},
		{"counterparts-hostile", counterpartsModal(9, ht, []tree.NodeID{1})},
		{"trim", trimModal(s.RCA.ID, branched, []tree.NodeID{step, end})},
		{"trim-hostile", trimModal(9, hb, []tree.NodeID{hstep})},
	}
	for _, cat := range []workflow.Category{workflow.CatClarity, workflow.CatEntityExistence, workflow.CatCausalityExists,
		workflow.CatCauseInsufficient, workflow.CatAdditionalCause, workflow.CatReversal, workflow.CatPredictedEffect, workflow.CatTautology} {
		rv := workflow.Reservation{ID: 3, RCAID: s.RCA.ID, Group: 3, Category: cat, Note: "Not sure <this> holds & more", RaisedBy: "UCAROL", Status: workflow.ResOpen}
		cases = append(cases, viewCase{"repair-" + string(cat), resolveModal(s.RCA.ID, tr, group(tr, 3), rv)})
	}
	hrv := workflow.Reservation{ID: 4, RCAID: 9, Group: 1, Category: workflow.CatCauseInsufficient, Note: hostileText, RaisedBy: "U1", Status: workflow.ResOpen}
	cases = append(cases, viewCase{"repair-hostile", resolveModal(9, ht, group(ht, 1), hrv)})
	return cases
}

// previewOf previews pasted statements against a copy of tr, as the
// workflow's preview does: the new nodes, the referred ones and the links.
func previewOf(t *testing.T, tr *tree.Tree, src string) *workflow.Preview {
	t.Helper()
	stmts, err := tree.ParseStatements([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	c := tr.Clone()
	ch, err := c.Apply(stmts)
	if err != nil {
		t.Fatal(err)
	}
	p := &workflow.Preview{Tree: c, NewNodes: ch.NewNodes, Existing: ch.ExistingNodes, Skipped: ch.SkippedGroups}
	for _, id := range ch.NewGroups {
		g, _ := c.Group(id)
		p.NewLinks = append(p.NewLinks, tree.FormatGroup(c, g))
	}
	return p
}

// homeCases draws the Home tab as views.publish receives it.
func homeCases(t *testing.T) []viewCase {
	s := goldenSnapshot(t, workflow.PhaseChallenging)
	closed := time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)
	hostile := workflow.RCA{ID: 9, Title: hostileText, Facilitator: "U1", Phase: workflow.PhaseCollecting, ChannelID: "CRCA"}
	recurring := [][]workflow.PastCause{{
		{RCAID: 2, RCATitle: "Checkout <outage> & retry storm", Node: 4, Text: "KPIs reward speed & ignore quality", ClosedAt: closed, Channel: "C0OLD"},
		{RCAID: 5, RCATitle: hostileText, Node: 9, Text: hostileText, ClosedAt: closed},
	}}
	home := func(items []homeRCA, total int, rec [][]workflow.PastCause, fixes []slack.Block) slack.HomeTabViewRequest {
		return slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: slack.Blocks{BlockSet: homeBlocks(items, total, rec, fixes)}}
	}
	due := closed.AddDate(0, 0, 3)
	fixes := homeFixBlocks([]workflow.FixItem{
		{Fix: workflow.Fix{ID: 1, RCAID: 9, Node: 4, Injection: hostileText, Owner: "U7", Due: due, Status: workflow.FixInProgress}, RCA: hostile, Mine: true, Overdue: true},
		{Fix: workflow.Fix{ID: 2, RCAID: 2, Node: 6, Injection: "Alert on pool saturation & queue depth", Owner: "U7", Status: workflow.FixAgreed}, RCA: s.RCA, Mine: true},
	}, closed.AddDate(0, 0, 10), time.UTC)
	return []viewCase{
		{"home-empty", home(nil, 0, nil, nil)},
		{"home", home([]homeRCA{{rca: s.RCA, prog: s.Progress}, {rca: workflow.RCA{ID: 8, Title: "Second outage", Phase: workflow.PhaseClosed}}}, 2, recurring, nil)},
		{"home-hostile", home([]homeRCA{{rca: hostile}}, 1, recurring, nil)},
		{"home-fixes-hostile", home([]homeRCA{{rca: hostile}}, 1, nil, fixes)},
	}
}

// TestViewsGolden draws every modal and the Home tab from their builders,
// checks each against Block Kit's rules with the fake Slack's validator and
// compares it with testdata/views/<name>.golden.
func TestViewsGolden(t *testing.T) {
	for _, c := range append(modalCases(t), homeCases(t)...) {
		t.Run(c.name, func(t *testing.T) {
			if errs := slacktest.ValidateView(c.view); len(errs) > 0 {
				t.Errorf("%s breaks Block Kit's rules:\n%s", c.name, strings.Join(errs, "\n"))
			}
			got := viewJSON(t, c.view)
			if len(got) > slacktest.MaxViewBytes {
				t.Errorf("%s is %d bytes, over Slack's %d", c.name, len(got), slacktest.MaxViewBytes)
			}
			checkGoldenFile(t, filepath.Join("testdata", "views", c.name+".golden"), got)
		})
	}
}

// TestViewsGoldenEscaped checks that no hostile view lets a mention or a
// raw ampersand into mrkdwn text, where Slack would act on it.
func TestViewsGoldenEscaped(t *testing.T) {
	if plainTextOnly(modal("notice", "x", "", "", section(hostileText)), "<!channel>") {
		t.Fatal("plainTextOnly misses a raw mention in a section")
	}
	for _, c := range append(modalCases(t), homeCases(t)...) {
		if !strings.HasSuffix(c.name, "-hostile") {
			continue
		}
		raw := viewJSON(t, c.view)
		if !bytes.Contains(raw, []byte("&lt;!channel&gt;")) && !bytes.Contains(raw, []byte("&lt;!here&gt;")) && !bytes.Contains(raw, []byte("<!channel>")) {
			t.Errorf("%s shows none of the hostile text", c.name)
		}
		for _, bad := range []string{"<!channel>", "<@U1>", "<!here>", "<@U2>", "& "} {
			if !plainTextOnly(c.view, bad) {
				t.Errorf("%s lets %q into mrkdwn unescaped", c.name, bad)
			}
		}
	}
}

// plainTextOnly reports whether every occurrence of s in the view sits in a
// plain_text object or an input's initial value, where Slack shows text
// literally and never notifies anyone.
func plainTextOnly(view any, s string) bool {
	raw, _ := json.Marshal(view)
	var root any
	if json.Unmarshal(raw, &root) != nil {
		return false
	}
	ok := true
	var walk func(x any, literal bool)
	walk = func(x any, literal bool) {
		switch v := x.(type) {
		case map[string]any:
			lit := literal || v["type"] == "plain_text"
			for k, e := range v {
				walk(e, lit || k == "initial_value" || k == "private_metadata" || k == "value")
			}
		case []any:
			for _, e := range v {
				walk(e, literal)
			}
		case string:
			if strings.Contains(v, s) && !literal {
				ok = false
			}
		}
	}
	walk(root, false)
	return ok
}

// viewJSON is the view as Slack receives it, indented, with <, > and &
// written as they are so the goldens show what escaping the bot did.
func viewJSON(t *testing.T, view any) []byte {
	t.Helper()
	raw, err := json.Marshal(view)
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// checkGoldenFile compares got with the golden file at path, or writes it
// with -update.
func checkGoldenFile(t *testing.T, path string, got []byte) {
	t.Helper()
	if updatingGoldens() {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./bot -run TestViewsGolden -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs:\n%s", path, got)
	}
}
