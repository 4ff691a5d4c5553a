package storage_test

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/untangle-rca/untangle/storage"
	"github.com/untangle-rca/untangle/storage/storagetest"
	"github.com/untangle-rca/untangle/tree"
	"github.com/untangle-rca/untangle/workflow"
)

// seed fills db with a row in every table through the workflow and the
// storage, as a real RCA would, and returns the id of the RCA.
func seed(tb testing.TB, db *storage.DB) int64 {
	tb.Helper()
	ctx := context.Background()
	c := &clock{now: epoch}
	svc := workflow.New(db, c)
	fac := workflow.Actor{UserID: "UFAC"}
	if _, err := svc.Start(ctx, fac, workflow.StartInput{Title: "Old, closed away", Private: true}); err != nil {
		tb.Fatal(err)
	}
	r, err := svc.Start(workflow.WithKey(ctx, "Ev-start"), fac, workflow.StartInput{Title: "Payments down — ünïcode ✓",
		Participants: []string{"UA", "UB"}, ChannelID: "C42", Due: epoch.Add(72 * time.Hour)})
	if err != nil {
		tb.Fatal(err)
	}
	sym, err := svc.AddSymptom(ctx, fac, r.ID, workflow.SymptomInput{Text: "Checkout fails", Weight: 3, Evidence: "https://x/1"})
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := svc.AddCauses(ctx, fac, r.ID, workflow.AddCausesInput{Effect: sym.NewNodes[0],
		NewTexts: []string{"DB pool exhausted", "No circuit breaker", "Retry storm"}, Logic: workflow.LogicAnd}); err != nil {
		tb.Fatal(err)
	}
	if _, err := svc.Delete(ctx, fac, r.ID, 4); err != nil { // a soft-deleted node and link
		tb.Fatal(err)
	}
	if _, err := svc.SetReminderSpec(ctx, fac, r.ID, "0 9 * * 1"); err != nil {
		tb.Fatal(err)
	}
	if _, err := svc.SignWebLink(ctx, r.ID); err != nil { // creates the web link key
		tb.Fatal(err)
	}
	if _, err := svc.RevokeWebLinks(ctx, fac, r.ID); err != nil {
		tb.Fatal(err)
	}
	if err := db.PutRef(ctx, r.ID, "dashboard_ts", "1700000000.000100"); err != nil {
		tb.Fatal(err)
	}
	if _, err := db.BumpKept(ctx, r.ID, "UA"); err != nil {
		tb.Fatal(err)
	}
	update(tb, db, func(tx workflow.Tx) error {
		if err := tx.SetSkip(r.ID, 2, true); err != nil {
			return err
		}
		if err := tx.PutReview(workflow.Review{RCAID: r.ID, Group: 1, User: "UA", Holds: true}); err != nil {
			return err
		}
		if _, err := tx.AddReservation(&workflow.Reservation{RCAID: r.ID, Group: 1, Category: workflow.CatClarity,
			Note: "what pool?", RaisedBy: "UB", Status: "open"}); err != nil {
			return err
		}
		fixID, err := tx.AddFix(&workflow.Fix{RCAID: r.ID, Node: 2, Injection: "Bigger pool", Owner: "UA", CreatedBy: "UFAC"})
		if err != nil {
			return err
		}
		if err := tx.PutFixTicket(&workflow.FixTicket{FixID: fixID, RCAID: r.ID, State: workflow.FilingFiled, Nonce: "abcdef12",
			Key: "OPS-1", URL: "https://jira.example/browse/OPS-1", Attempts: 1, TicketState: workflow.TicketOpen,
			CreatedAt: epoch, UpdatedAt: epoch}); err != nil {
			return err
		}
		return tx.PutCoreCauses(r.ID, []workflow.PastCause{{Node: 2, Text: "DB pool exhausted", ClosedAt: epoch}})
	})
	return r.ID
}

// dump returns every row of every table of db but schema_migrations and
// leases, as sorted text, by table.
func dump(tb testing.TB, raw *sql.DB, tables []string) map[string][]string {
	tb.Helper()
	out := map[string][]string{}
	for _, table := range tables {
		rows, err := raw.Query(`SELECT * FROM ` + table)
		if err != nil {
			tb.Fatalf("dump %s: %v", table, err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				tb.Fatal(err)
			}
			for i, v := range vals {
				if b, ok := v.([]byte); ok {
					vals[i] = "bytes:" + string(b)
				}
			}
			out[table] = append(out[table], fmt.Sprintf("%q=%v", cols, vals))
		}
		rows.Close()
		slices.Sort(out[table])
	}
	return out
}

// TestCopyToPostgres copies a SQLite database into a new PostgreSQL one:
// every table comes over row for row, the copy works as the original, new
// rows are numbered after the copied ones, and a second copy is refused.
func TestCopyToPostgres(t *testing.T) {
	ctx := context.Background()
	srcDSN := storagetest.SQLite(t)
	src := mustOpen(t, srcDSN)
	id := seed(t, src)
	dstDSN := storagetest.Postgres(t)
	dst := mustOpen(t, dstDSN)
	counts, err := src.CopyTo(ctx, dst)
	if err != nil {
		t.Fatalf("CopyTo: %v", err)
	}
	rawSrc := rawOpen(t, storagetest.Backends()[0], srcDSN)
	var all, copied []string
	rows, err := rawSrc.Query(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN ('schema_migrations', 'leases')`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var name string
		rows.Scan(&name)
		all = append(all, name)
	}
	rows.Close()
	for _, c := range counts {
		if c.Rows == 0 {
			t.Errorf("the seed left table %s empty; the test would not see it copied", c.Table)
		}
		copied = append(copied, c.Table)
	}
	slices.Sort(all)
	slices.Sort(copied)
	if !slices.Equal(all, copied) {
		t.Fatalf("copied tables %v, the database has %v", copied, all)
	}
	want := dump(t, rawSrc, all)
	got := dump(t, rawOpen(t, storagetest.Backends()[1], dstDSN), all)
	for _, table := range all {
		if strings.Join(got[table], "\n") != strings.Join(want[table], "\n") {
			t.Errorf("table %s differs:\nsqlite   %v\npostgres %v", table, want[table], got[table])
		}
	}
	if a, b := loadTree(t, src, id), loadTree(t, dst, id); fmt.Sprint(a.MarshalJSON()) != fmt.Sprint(b.MarshalJSON()) {
		t.Errorf("trees differ after the copy")
	}
	svc := workflow.New(dst, nil)
	fac := workflow.Actor{UserID: "UFAC"}
	if res, err := svc.Start(workflow.WithKey(ctx, "Ev-start"), fac, workflow.StartInput{Title: "again"}); err != nil || res.ID != id {
		t.Errorf("a copied delivery key, applied again: RCA %v, %v; want the recorded RCA %d", res, err, id)
	}
	r, err := svc.Start(ctx, fac, workflow.StartInput{Title: "First on PostgreSQL"})
	if err != nil || r.ID != id+1 {
		t.Fatalf("new RCA after the copy: %v, %v; want #%d", r, err, id+1)
	}
	if _, err := svc.AddSymptom(ctx, fac, id, workflow.SymptomInput{Text: "Refunds fail"}); err != nil {
		t.Fatalf("a command on a copied RCA: %v", err)
	}
	if tr := loadTree(t, dst, id); tr.NumNodes() != 4 {
		t.Fatalf("copied tree + 1 symptom = %d live nodes, want 4", tr.NumNodes())
	} else if _, ok := tr.Node(tree.NodeID(5)); !ok {
		t.Fatalf("the new symptom did not get #5, after the deleted #4")
	}
	if _, err := src.CopyTo(ctx, dst); err == nil || !strings.Contains(err.Error(), "already holds untangle data") {
		t.Fatalf("a second copy into the same database: %v, want a refusal", err)
	}
}
