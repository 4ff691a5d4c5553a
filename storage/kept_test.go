package storage_test

import (
	"context"
	"fmt"
	"maps"
	"testing"

	"github.com/untangle-rca/untangle/storage/storagetest"
)

func TestKeptVersions(t *testing.T) {
	forEach(t, func(t *testing.T, be storagetest.Backend) {
		db := mustOpen(t, be.New(t))
		ctx := context.Background()
		a, b := createRCA(t, db), createRCA(t, db)
		check := func(id, wantV, wantD int64) {
			t.Helper()
			if v, d, err := db.KeptVersion(ctx, id); err != nil || v != wantV || d != wantD {
				t.Fatalf("KeptVersion(%d) = %d, %d, %v; want %d, %d", id, v, d, err, wantV, wantD)
			}
		}
		stale := func(want map[int64]string) {
			t.Helper()
			got, err := db.StaleKept(ctx)
			if err != nil || !maps.Equal(got, want) {
				t.Fatalf("StaleKept = %v, %v; want %v", got, err, want)
			}
		}
		check(a, 0, 0)
		stale(map[int64]string{})
		for want := int64(1); want <= 3; want++ {
			if v, err := db.BumpKept(ctx, a, fmt.Sprint("U", want)); err != nil || v != want {
				t.Fatalf("BumpKept = %d, %v; want %d", v, err, want)
			}
		}
		if _, err := db.BumpKept(ctx, b, "UB"); err != nil {
			t.Fatal(err)
		}
		check(a, 3, 0)
		stale(map[int64]string{a: "U3", b: "UB"})
		if err := db.MarkKeptDrawn(ctx, a, 2); err != nil {
			t.Fatal(err)
		}
		check(a, 3, 2)
		if err := db.MarkKeptDrawn(ctx, a, 1); err != nil { // a slower run that ended later
			t.Fatal(err)
		}
		check(a, 3, 2)
		if err := db.MarkKeptDrawn(ctx, a, 3); err != nil {
			t.Fatal(err)
		}
		stale(map[int64]string{b: "UB"})
	})
}
