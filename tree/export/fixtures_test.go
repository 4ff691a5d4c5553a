package export_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/untangle-rca/untangle/tree"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// golden compares got with testdata/name, or rewrites it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatalf("write golden %s: %v", path, err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden %s (run with -update to create it): %v", path, err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file; run `go test ./tree/export -update` and review the diff\n--- got ---\n%s", path, got)
	}
}

// fixture is a tree with its analysis.
type fixture struct {
	name string
	tree *tree.Tree
	an   *tree.Analysis
}

func fixtures(t testing.TB) []fixture {
	t.Helper()
	po, poA := paymentOutage(t)
	h, hA := hostile(t)
	return []fixture{
		{name: "payment-outage", tree: po, an: poA},
		{name: "hostile", tree: h, an: hA},
	}
}

// mustNode adds a node or fails the test.
func mustNode(t testing.TB, tr *tree.Tree, n tree.Node) {
	t.Helper()
	if _, err := tr.AddNode(n); err != nil {
		t.Fatalf("add node %q: %v", n.Text, err)
	}
}

// mustGroup adds a group or fails the test.
func mustGroup(t testing.TB, tr *tree.Tree, g tree.Group) {
	t.Helper()
	if _, err := tr.AddGroup(g); err != nil {
		t.Fatalf("add group %v ⇒ %v: %v", g.Causes, g.Effect, err)
	}
}

// paymentOutage parses the shared example (a copy of
// /work/shared/examples/payment-outage.cst) and pairs it with the analysis
// its analysis.
func paymentOutage(t testing.TB) (*tree.Tree, *tree.Analysis) {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("testdata", "payment-outage.cst"))
	if err != nil {
		t.Fatalf("read example: %v", err)
	}
	tr, err := tree.Parse(src)
	if err != nil {
		t.Fatalf("parse example: %v", err)
	}
	tr.Title = "Payment routing outage"
	return tr, tree.Analyze(tr, tree.Options{})
}

// Hostile texts, each of which would break a naive exporter.
const (
	hostileChannel = `<!channel> checkout | "pay" button fails ]`
	hostileScript  = `# Heading-like UDE with <script>alert(1)</script>`
	hostileEmoji   = "Refunds 💸 are delayed [again] & again"
	hostileMarkup  = "Retry storm *amplifies* load_spikes `fast`"
	hostileEntity  = "Cache hit rate drops #quot; &amp; #35; {x}"
	hostileSlash   = `No back-off \ jitter ~~is~~ configured $5`
)

// hostile builds a tree with AND groups, a loop, disputed and unreviewed
// links, dangling nodes, an unexplained UDE, FRT kinds and hostile text,
// analysed counting accepted links only.
func hostile(t testing.TB) (*tree.Tree, *tree.Analysis) {
	t.Helper()
	tr := tree.New(`Hostile <!here> | "title" # ]`)
	nodes := []tree.Node{
		{Kind: tree.KindUDE, Text: hostileChannel, Weight: tree.WeightHigh},
		{Kind: tree.KindUDE, Text: hostileScript, Weight: tree.WeightLow},
		{Kind: tree.KindUDE, Text: hostileEmoji},
		{Kind: tree.KindCause, Text: hostileMarkup},
		{Kind: tree.KindCause, Text: hostileEntity},
		{Kind: tree.KindPremise, Text: hostileSlash, Unverified: true, Evidence: "https://example.com/?a=1&b=<2>"},
		{Kind: tree.KindCause, Text: "Queue depth grows"},
		{Kind: tree.KindCause, Text: "A legacy cron job still runs nightly"},
		{Kind: tree.KindCause, Text: "The disk fills up"},
		{Kind: tree.KindInjection, Text: "Add exponential back-off with jitter to retries"},
		{Kind: tree.KindDesiredEffect, Text: "Retries stay below 5 % of traffic"},
		{Kind: tree.KindNegativeEffect, Text: "Slow retries hold <b>connections</b> open"},
	}
	for _, n := range nodes {
		mustNode(t, tr, n)
	}
	groups := []tree.Group{
		{Causes: []tree.NodeID{4, 6}, Effect: 1, Status: tree.StatusAccepted},
		{Causes: []tree.NodeID{5}, Effect: 1, Status: tree.StatusDisputed},
		{Causes: []tree.NodeID{4}, Effect: 7, Status: tree.StatusAccepted},
		{Causes: []tree.NodeID{7}, Effect: 4, Status: tree.StatusAccepted},
		{Causes: []tree.NodeID{5, 6}, Effect: 2, Status: tree.StatusDisputed},
		{Causes: []tree.NodeID{8}, Effect: 9},
		{Causes: []tree.NodeID{10}, Effect: 11},
		{Causes: []tree.NodeID{10}, Effect: 12},
	}
	for _, g := range groups {
		mustGroup(t, tr, g)
	}
	return tr, tree.Analyze(tr, tree.Options{AcceptedOnly: true})
}
