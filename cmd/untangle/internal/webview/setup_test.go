package webview_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/untangle-rca/untangle/cmd/untangle/internal/webview"
	"github.com/untangle-rca/untangle/storage"
	"github.com/untangle-rca/untangle/tree"
	"github.com/untangle-rca/untangle/tree/render"
	"github.com/untangle-rca/untangle/workflow"
)

// hostile is text that would run script or break out of attributes if it
// were not escaped everywhere it appears.
const hostile = `</script><img src=x onerror="window.pwned=1"> 'quoted' & "double"`

var fac = workflow.Actor{UserID: "UFAC"}

// world is a served web view over a real SQLite database holding the
// payment-outage example, in the fixing phase with one fix, plus a symptom,
// a title and a fix injection made of hostile text.
type world struct {
	svc    *workflow.Service
	srv    *httptest.Server
	linker *webview.Linker
	rca    int64
	tree   *tree.Tree
	fixed  tree.NodeID // the node the fix is against
}

func newWorld(t testing.TB) *world {
	t.Helper()
	ctx := context.Background()
	db, err := storage.Open(ctx, filepath.Join(t.TempDir(), "untangle.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	svc := workflow.New(db, nil)
	r, err := svc.Start(ctx, fac, workflow.StartInput{Title: "Payments " + hostile})
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile("../../../../examples/payment-outage.cst")
	if err != nil {
		t.Fatal(err)
	}
	must(t)(svc.PasteStatements(ctx, fac, r.ID, string(src)))
	must(t)(svc.AddSymptom(ctx, fac, r.ID, workflow.SymptomInput{Text: "Support saw " + hostile, Weight: 1}))
	tr, err := svc.Tree(ctx, fac, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		must(t)(svc.Advance(ctx, fac, r.ID))
	}
	for _, g := range tr.Groups() {
		must(t)(svc.Review(ctx, fac, r.ID, g.ID, true))
	}
	must(t)(svc.Advance(ctx, fac, r.ID))
	kpi := nodeByText(t, tr, "The organizational KPIs")
	must(t)(svc.ProposeFix(ctx, fac, r.ID, workflow.FixInput{Node: kpi, Injection: "Quality KPIs count " + hostile, Owner: "UOWNER"}))
	rend, err := render.New(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rend.Close() })
	mux := http.NewServeMux()
	webview.NewHandler(svc, rend, slog.New(slog.NewTextHandler(io.Discard, nil))).Register(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	linker, err := webview.NewLinker(srv.URL+"/", svc)
	if err != nil {
		t.Fatal(err)
	}
	return &world{svc: svc, srv: srv, linker: linker, rca: r.ID, tree: tr, fixed: kpi}
}

func must(t testing.TB) func(*workflow.Result, error) {
	return func(_ *workflow.Result, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
}

func nodeByText(t testing.TB, tr *tree.Tree, prefix string) tree.NodeID {
	t.Helper()
	for _, n := range tr.Nodes() {
		if len(n.Text) >= len(prefix) && n.Text[:len(prefix)] == prefix {
			return n.ID
		}
	}
	t.Fatalf("no node starts with %q", prefix)
	return 0
}

// url signs a fresh link.
func (w *world) url(t testing.TB) string {
	t.Helper()
	u, err := w.linker.URL(context.Background(), w.rca)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
