package storage

import (
	"slices"
	"testing"
)

// TestMigrationsMatch checks that both databases have the same numbered
// list of migrations, so a schema version means the same on both and
// migrate-db copies between equal schemas.
func TestMigrationsMatch(t *testing.T) {
	names := func(d dialect) []string {
		ms, err := migrations(d.migrations())
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, m := range ms {
			out = append(out, m.name)
		}
		return out
	}
	lite, pg := names(sqliteDialect{}), names(&pgDialect{})
	if len(lite) == 0 || !slices.Equal(lite, pg) {
		t.Fatalf("migrations differ:\nsqlite   %v\npostgres %v", lite, pg)
	}
}
