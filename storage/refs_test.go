package storage_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/untangle-rca/untangle/workflow"
)

func TestRefs(t *testing.T) {
	path := filepath.Join(t.TempDir(), "rca.db")
	db := mustOpen(t, path)
	ctx := context.Background()
	id := createRCA(t, db)
	if v, err := db.Ref(ctx, id, "walk_ts"); err != nil || v != "" {
		t.Fatalf("Ref before any PutRef = %q, %v; want empty", v, err)
	}
	for _, v := range []string{"1.2", "3.4"} {
		if err := db.PutRef(ctx, id, "walk_ts", v); err != nil {
			t.Fatal(err)
		}
		if got, err := db.Ref(ctx, id, "walk_ts"); err != nil || got != v {
			t.Fatalf("Ref = %q, %v; want %q", got, err, v)
		}
	}
	if err := db.PutRef(ctx, id+100, "walk_ts", "1.2"); workflow.ErrorCode(err) != workflow.ENotFound {
		t.Fatalf("PutRef on a missing rca: %v, want not_found", err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	again := mustOpen(t, path)
	if got, err := again.Ref(ctx, id, "walk_ts"); err != nil || got != "3.4" {
		t.Fatalf("Ref after reopening = %q, %v; want 3.4", got, err)
	}
}
