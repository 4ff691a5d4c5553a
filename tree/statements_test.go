package tree_test

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/untangle-rca/untangle/tree"
)

func init() {
	// Other test files of the package may define -update too; define it once.
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite golden files under testdata/")
	}
}

func stUpdate() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

// stTree builds a tree through the model API, for expected values.
func stTree(t *testing.T, title string, nodes []tree.Node, groups []tree.Group) *tree.Tree {
	t.Helper()
	tr := tree.New(title)
	for _, n := range nodes {
		if _, err := tr.AddNode(n); err != nil {
			t.Fatalf("AddNode(%+v): %v", n, err)
		}
	}
	for _, g := range groups {
		if _, err := tr.AddGroup(g); err != nil {
			t.Fatalf("AddGroup(%+v): %v", g, err)
		}
	}
	return tr
}

// stSame fails unless got has want's title, nodes and groups.
func stSame(t *testing.T, want, got *tree.Tree) {
	t.Helper()
	if got.Title != want.Title {
		t.Errorf("title = %q, want %q", got.Title, want.Title)
	}
	gotN, wantN := stNodes(got), stNodes(want)
	if !reflect.DeepEqual(gotN, wantN) {
		t.Errorf("nodes differ:\n got %+v\nwant %+v", gotN, wantN)
	}
	gotG, wantG := stGroups(got), stGroups(want)
	if !reflect.DeepEqual(gotG, wantG) {
		t.Errorf("groups differ:\n got %+v\nwant %+v", gotG, wantG)
	}
}

func stNodes(tr *tree.Tree) []tree.Node {
	var out []tree.Node
	for _, n := range tr.Nodes() {
		out = append(out, *n)
	}
	return out
}

func stGroups(tr *tree.Tree) []tree.Group {
	var out []tree.Group
	for _, g := range tr.Groups() {
		out = append(out, *g)
	}
	return out
}

// cause, ude and link shorten expected values.
func cause(id tree.NodeID, text string) tree.Node {
	return tree.Node{ID: id, Kind: tree.KindCause, Text: text}
}

func ude(id tree.NodeID, text string) tree.Node {
	return tree.Node{ID: id, Kind: tree.KindUDE, Text: text}
}

func link(id tree.GroupID, effect tree.NodeID, causes ...tree.NodeID) tree.Group {
	return tree.Group{ID: id, Effect: effect, Causes: causes, Status: tree.StatusUnreviewed}
}

func TestParse(t *testing.T) {
	tests := []struct {
		name   string
		src    string
		title  string
		nodes  []tree.Node
		groups []tree.Group
	}{
		{
			name: "brief example",
			src: "UDE [The core payment routing service was down for 45 minutes]\n" +
				"IF [A slow SQL query exhausts the DB pool] AND [No circuit breaker is configured] THEN [Payment API times out]\n" +
				"IF [Payment API times out], THEN [The core payment routing service was down for 45 minutes]\n",
			nodes: []tree.Node{ude(1, "The core payment routing service was down for 45 minutes"),
				cause(2, "A slow SQL query exhausts the DB pool"), cause(3, "No circuit breaker is configured"),
				cause(4, "Payment API times out")},
			groups: []tree.Group{link(1, 4, 2, 3), link(2, 1, 4)},
		},
		{
			name:   "lower-case keywords, no spaces around brackets",
			src:    "ude[x]\nif[a]and[b],then[x]",
			nodes:  []tree.Node{ude(1, "x"), cause(2, "a"), cause(3, "b")},
			groups: []tree.Group{link(1, 1, 2, 3)},
		},
		{
			name:   "comments",
			src:    "# heading\n   # indented\nUDE [x] # trailing\nIF [a] THEN [x]#tight\n#\n",
			nodes:  []tree.Node{ude(1, "x"), cause(2, "a")},
			groups: []tree.Group{link(1, 1, 2)},
		},
		{
			name:  "hash inside a text is text",
			src:   "UDE [Error #42 hit the #ops channel]",
			nodes: []tree.Node{ude(1, "Error #42 hit the #ops channel")},
		},
		{
			name:   "references by number",
			src:    "UDE [x]\nIF [a] THEN #1\nIF [#2] AND [b] THEN [#1 x]\nIF #3 THEN [ #2   a ]",
			nodes:  []tree.Node{ude(1, "x"), cause(2, "a"), cause(3, "b")},
			groups: []tree.Group{link(1, 1, 2), link(2, 1, 2, 3), link(3, 2, 3)},
		},
		{
			name:   "reference by normalised text",
			src:    "UDE [  the   site is down ]\nIF [a] THEN [the site is\tdown]",
			nodes:  []tree.Node{ude(1, "the site is down"), cause(2, "a")},
			groups: []tree.Group{link(1, 1, 2)},
		},
		{
			name:   "BOM and CRLF",
			src:    "\uFEFFUDE [x]\r\nIF [a] THEN [x]\r\n",
			nodes:  []tree.Node{ude(1, "x"), cause(2, "a")},
			groups: []tree.Group{link(1, 1, 2)},
		},
		{
			name:   "Unicode",
			src:    "UDE [Zahlungsdienst fiel 45 Minuten aus — 決済が停止]\nIF [Die Datenbank ist überlastet 🔥] THEN [Zahlungsdienst fiel 45 Minuten aus — 決済が停止]",
			nodes:  []tree.Node{ude(1, "Zahlungsdienst fiel 45 Minuten aus — 決済が停止"), cause(2, "Die Datenbank ist überlastet 🔥")},
			groups: []tree.Group{link(1, 1, 2)},
		},
		{
			name: "escapes",
			src:  `UDE [a \] b \\ c \[d\]]` + "\n" + `CAUSE [\#1 is the queue] ` + "\n" + `CAUSE [C:\temp\x is full]`,
			nodes: []tree.Node{ude(1, `a ] b \ c [d]`), cause(2, "#1 is the queue"),
				cause(3, `C:\temp\x is full`)},
		},
		{
			name:   "declaration after use",
			src:    "IF [a] THEN [x]\nUDE [x]",
			nodes:  []tree.Node{ude(1, "x"), cause(2, "a")},
			groups: []tree.Group{link(1, 1, 2)},
		},
		{
			name: "every attribute",
			src: "TITLE [ Payment   outage ]\n" +
				`#5 UDE(weight=3, unverified, evidence="https://e.example/x?a=\"b\"") [u]` + "\n" +
				"ROOT [r]\nPREMISE(blame) [p]\ninjection(ID=20) [i]\nDESIRED [d]\nCAUSE(root, weight=low) [c]\n" +
				"UDE [#30 v]\n" +
				"IF [r] AND [p] THEN [u] (accepted)\nIF [c] THEN [u] (status=disputed, id=7)\nIF [c] THEN [v] (unreviewed)",
			title: "Payment outage",
			nodes: []tree.Node{
				{ID: 5, Kind: tree.KindUDE, Text: "u", Weight: 3, Unverified: true, Evidence: `https://e.example/x?a="b"`},
				{ID: 6, Kind: tree.KindCause, Text: "r", RootMarked: true},
				{ID: 7, Kind: tree.KindPremise, Text: "p", BlameWorded: true},
				{ID: 20, Kind: tree.KindInjection, Text: "i"},
				{ID: 21, Kind: tree.KindDesiredEffect, Text: "d"},
				{ID: 22, Kind: tree.KindCause, Text: "c", RootMarked: true, Weight: 1},
				{ID: 30, Kind: tree.KindUDE, Text: "v"},
			},
			groups: []tree.Group{
				{ID: 1, Effect: 5, Causes: []tree.NodeID{6, 7}, Status: tree.StatusAccepted},
				{ID: 7, Effect: 5, Causes: []tree.NodeID{22}, Status: tree.StatusDisputed},
				link(8, 30, 22),
			},
		},
		{
			name: "fixes against numbers and texts, declared before or after",
			src: "INJECTION(against=[c]) [fix]\nUDE [u]\nIF [c] THEN [u]\nINJECTION(against=#4) [trim]\nNEGATIVE [n]\n" +
				"IF [fix] THEN [n]\nINJECTION(against=[#2 u]) [stop]",
			nodes: []tree.Node{
				{ID: 1, Kind: tree.KindInjection, Text: "fix", Against: 6}, ude(2, "u"), {ID: 3, Kind: tree.KindInjection, Text: "trim", Against: 4},
				{ID: 4, Kind: tree.KindNegativeEffect, Text: "n"}, {ID: 5, Kind: tree.KindInjection, Text: "stop", Against: 2}, cause(6, "c"),
			},
			groups: []tree.Group{link(1, 2, 6), link(2, 4, 1)},
		},
		{
			name:  "quoted title",
			src:   "TITLE \"two\\nlines\"\nUDE [x]",
			title: "two\nlines",
			nodes: []tree.Node{ude(1, "x")},
		},
		{
			name:   "restated link and declaration are skipped",
			src:    "UDE [x]\nIF [a] AND [b] THEN [x]\nIF [b] AND [a] THEN [x] (accepted)\nUDE(weight=2) [x]",
			nodes:  []tree.Node{ude(1, "x"), cause(2, "a"), cause(3, "b")},
			groups: []tree.Group{link(1, 1, 2, 3)},
		},
		{
			name:   "a UDE may cause another UDE",
			src:    "UDE [x]\nUDE [y]\nIF [x] THEN [y]",
			nodes:  []tree.Node{ude(1, "x"), ude(2, "y")},
			groups: []tree.Group{link(1, 2, 1)},
		},
		{
			name:   "loops are allowed",
			src:    "IF [a] THEN [b]\nIF [b] THEN [a]",
			nodes:  []tree.Node{cause(1, "a"), cause(2, "b")},
			groups: []tree.Group{link(1, 2, 1), link(2, 1, 2)},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tree.Parse([]byte(tc.src))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			stSame(t, stTree(t, tc.title, tc.nodes, tc.groups), got)
		})
	}
}

func TestParseErrors(t *testing.T) {
	tooLong := strings.Repeat("x", 10000)
	tests := []struct {
		name string
		src  string
		want string
		is   error // a sentinel the error must match, if any
	}{
		{"unterminated bracket", "UDE [x]\nIF [a] THEN [b", `2:15: expected "]" to close the text started at 2:13`, tree.ErrSyntax},
		{"missing THEN", "IF [a] [b]", `1:8: expected AND or THEN, found "["`, tree.ErrSyntax},
		{"missing effect", "IF [a] THEN", `1:12: expected "[" or #N after THEN, found end of line`, nil},
		{"AND without cause", "IF [a] AND THEN [b]", `1:12: expected "[" or #N after AND, found "THEN"`, nil},
		{"comma not before THEN", "IF [a], AND [b]", `1:9: expected THEN after ",", found "AND"`, nil},
		{"unknown keyword", "BECAUSE [a]", `1:1: expected a statement (IF, UDE, CAUSE, ROOT, PREMISE, INJECTION, DESIRED, NEGATIVE or TITLE), found "BECAUSE"`, nil},
		{"text where a statement starts", "[a] THEN [b]", `1:1: expected a statement (IF, UDE, CAUSE, ROOT, PREMISE, INJECTION, DESIRED, NEGATIVE or TITLE), found "["`, nil},
		{"trailing text", "UDE [a] [b]", `1:9: expected end of line, found "["`, nil},
		{"stray character", "IF [a] THEN [b] ;", `1:17: expected end of line, found ";"`, nil},
		{"comment starting with a number", "#1 was the worst", `1:4: expected a node kind (UDE, CAUSE, ROOT, PREMISE, INJECTION, DESIRED or NEGATIVE) after #1, found "was"`, nil},
		{"missing node by number", "UDE [a]\nIF #99 THEN [a]", "2:4: #99 does not exist", tree.ErrUnknownNode},
		{"missing node in brackets", "UDE [a]\nIF [a] THEN [#99]", "2:13: #99 does not exist", tree.ErrUnknownNode},
		{"number and text disagree", "UDE [a]\nIF [#1 b] THEN [c]", `2:4: #1 says "a", not "b"`, tree.ErrRefMismatch},
		{"number zero", "IF #0 THEN [a]", "1:4: numbers start at 1, not 0", nil},
		{"number too large", "#99999999999 UDE [x]", "1:1: number 99999999999 is too large (the largest is 2147483647)", nil},
		{"self-link", "UDE [a]\nIF [a] THEN [a]", "2:1: a node cannot cause itself: #1", tree.ErrSelfLink},
		{"repeated cause", "IF [a] AND [a] THEN [b]", "1:1: node is not valid: #1 appears twice in one AND group", tree.ErrInvalidNode},
		{"10,000-character text", "UDE [ok]\nIF [" + tooLong + "] THEN [ok]", "2:4: text is longer than 300 characters (it has 10000)", tree.ErrTextTooLong},
		{"empty text", "IF [ ] THEN [a]", "1:4: text is empty", tree.ErrEmptyText},
		{"control character", "UDE [a\x01b]", "1:5: text is not valid: it contains the control character U+0001", tree.ErrInvalidText},
		{"invalid UTF-8", "UDE [a]\nUDE [bé\xffc]", "2:8: invalid UTF-8 (byte 0xff)", tree.ErrSyntax},
		{"kind conflict", "UDE [x]\nCAUSE [x]", "2:7: #1 is already a UDE, not a cause", tree.ErrDuplicateNode},
		{"flag conflict", "CAUSE [x]\nROOT [x]", "2:6: #1 exists and is not marked as a root", tree.ErrDuplicateNode},
		{"weight conflict", "UDE [x]\nUDE(weight=3) [x]", "2:15: #1 already has weight 2, not 3", tree.ErrDuplicateNode},
		{"text has another number", "UDE [x]\n#4 UDE [x]", `2:8: "x" is already #1, not #4`, tree.ErrDuplicateNode},
		{"number has another text", "UDE [x]\n#1 UDE [y]", `2:8: #1 already exists and says "x"`, tree.ErrDuplicateNode},
		{"two numbers", "#3 UDE [#4 x]", "1:8: the node is given two numbers, #3 and #4", nil},
		{"bad weight", "UDE(weight=5) [x]", "1:5: attribute weight needs 1, 2 or 3 (low, medium or high), as in weight=3", nil},
		{"unknown node attribute", "UDE(color=red) [x]", `1:5: unknown attribute "color" (expected weight, unverified, root, blame, evidence, against or id)`, nil},
		{"against a missing node", "INJECTION(against=#9) [x]", "1:11: #9 does not exist", tree.ErrUnknownNode},
		{"against without a number", "INJECTION(against=x) [y]", "1:11: attribute against needs a number, as in against=#12 or against=[text]", nil},
		{"against on a cause", "UDE [u]\nCAUSE(against=1) [x]", "2:7: only an injection or a desired effect is against a node, not a cause", tree.ErrInvalidNode},
		{"against conflict", "UDE [u]\nCAUSE [c]\nINJECTION(against=1) [x]\nINJECTION(against=#2) [x]", "4:11: #3 is not against #2", tree.ErrDuplicateNode},
		{"against a text nobody says", "INJECTION(against=[nothing]) [i]", "1:11: against=[nothing]: no node says that", tree.ErrUnknownNode},
		{"against itself", "INJECTION(against=[i]) [i]", "1:11: an injection cannot be against itself", tree.ErrInvalidNode},
		{"negative effect declared twice as a cause", "NEGATIVE [n]\nCAUSE [n]", "2:7: #1 is already a negative effect, not a cause", tree.ErrDuplicateNode},
		{"attribute twice", "UDE(unverified, unverified) [x]", "1:17: attribute unverified is given twice", nil},
		{"flag with a value", "UDE(root=yes) [x]", "1:5: attribute root takes no value", nil},
		{"evidence not quoted", "UDE(evidence=abc) [x]", `1:5: attribute evidence needs a quoted string, as in evidence="https://…"`, nil},
		{"unterminated string", `UDE(evidence="abc) [x]`, `1:23: expected '"' to close the string started at 1:14`, nil},
		{"attribute list not closed", "UDE(unverified [x]", `1:16: expected "," or ")", found "["`, nil},
		{"unknown link attribute", "IF [a] THEN [b] (approved)", `1:18: unknown attribute "approved" (expected accepted, disputed, unreviewed, status or id)`, nil},
		{"two statuses", "IF [a] THEN [b] (accepted, disputed)", "1:28: the link is given two statuses, accepted and disputed", nil},
		{"link number taken", "IF [a] THEN [b]\nIF [c] THEN [b] (id=1)", "2:1: this link already exists: link 1", tree.ErrDuplicateLink},
		{"two titles", "TITLE [a]\nTITLE [b]\nUDE [x]", "2:1: the title is already set at line 1", nil},
		{"empty", "", "no statements found", tree.ErrNoStatements},
		{"comments only", "\uFEFF# nothing\r\n\n   # here\n", "no statements found", tree.ErrNoStatements},
		{"title only", "TITLE [t]", "no statements found", tree.ErrNoStatements},
		{"several errors", "IF [a]\nUDE [x]\nUDE [", "1:7: expected AND or THEN, found end of line\n3:6: expected \"]\" to close the text started at 3:5", nil},
		{
			"too large", "UDE [" + strings.Repeat("x", 65<<20) + "]",
			"statements are too large: the input is 68157446 bytes and the limit is 67108864 bytes (64 MiB)", tree.ErrTooLarge,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tree.Parse([]byte(tc.src))
			if err == nil {
				t.Fatalf("Parse succeeded with %d nodes, want error %q", got.NumNodes(), tc.want)
			}
			if err.Error() != tc.want {
				t.Errorf("error:\n got %q\nwant %q", err.Error(), tc.want)
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("errors.Is(%v, %v) = false", err, tc.is)
			}
		})
	}
}

func TestErrorListLimit(t *testing.T) {
	src := strings.Repeat("IF [a]\n", 25) + "UDE [x]\n"
	_, err := tree.ParseStatements([]byte(src))
	var list tree.ErrorList
	if !errors.As(err, &list) {
		t.Fatalf("error %v is not an ErrorList", err)
	}
	if len(list) != 10 {
		t.Fatalf("got %d errors, want 10", len(list))
	}
	for i, e := range list {
		if e.Line != i+1 || e.Col != 7 {
			t.Errorf("error %d at %d:%d, want %d:7", i, e.Line, e.Col, i+1)
		}
	}
	var se *tree.SyntaxError
	if !errors.As(err, &se) || se.Line != 1 {
		t.Errorf("errors.As(*SyntaxError) = %v, want the line 1 error", se)
	}
}

func TestParseStatements(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []tree.Statement
	}{
		{name: "empty", src: ""},
		{name: "comments only", src: "# a\n\n  # b\r\n"},
		{
			name: "declaration with number and attributes",
			src:  "\n  #4 UDE(weight=high, evidence=\"e\") [ x ]",
			want: []tree.Statement{{Kind: tree.StatementNode, Line: 2, Col: 3, Node: tree.NodeDecl{
				Ref: tree.Ref{Col: 37, ID: 4, Text: " x "}, Kind: tree.KindUDE, Weight: 3, Evidence: "e"}}},
		},
		{
			name: "link with references",
			src:  "IF #1 AND [#2 b] AND [c], THEN [d] (disputed, id=3) # note",
			want: []tree.Statement{{Kind: tree.StatementLink, Line: 1, Col: 1,
				Causes: []tree.Ref{{Col: 4, ID: 1}, {Col: 11, ID: 2, Text: "b"}, {Col: 22, Text: "c"}},
				Effect: tree.Ref{Col: 32, Text: "d"}, Status: tree.StatusDisputed, Group: 3}},
		},
		{
			name: "title",
			src:  "Title [A  B]",
			want: []tree.Statement{{Kind: tree.StatementTitle, Line: 1, Col: 1, Title: "A B"}},
		},
		{
			name: "columns count characters",
			src:  "ROOT [é] ",
			want: []tree.Statement{{Kind: tree.StatementNode, Line: 1, Col: 1, Node: tree.NodeDecl{
				Ref: tree.Ref{Col: 6, Text: "é"}, Kind: tree.KindCause, RootMarked: true}}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tree.ParseStatements([]byte(tc.src))
			if err != nil {
				t.Fatalf("ParseStatements: %v", err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got  %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestApply(t *testing.T) {
	base := func(t *testing.T) *tree.Tree {
		return stTree(t, "base", []tree.Node{ude(1, "x"), cause(2, "a")}, []tree.Group{link(1, 1, 2)})
	}
	tests := []struct {
		name  string
		paste string
		want  tree.Changes
		nodes int
	}{
		{
			name:  "new and existing nodes",
			paste: "IF [a] AND [b] THEN [x]\nIF [c] THEN [b]",
			want:  tree.Changes{NewNodes: []tree.NodeID{3, 4}, ExistingNodes: []tree.NodeID{2, 1}, NewGroups: []tree.GroupID{2, 3}},
			nodes: 4,
		},
		{
			name:  "restated link is skipped",
			paste: "IF [a] THEN [x]\nIF #2 THEN [y]\nUDE [x]",
			want:  tree.Changes{NewNodes: []tree.NodeID{3}, ExistingNodes: []tree.NodeID{1, 2}, NewGroups: []tree.GroupID{2}, SkippedGroups: []tree.GroupID{1}},
			nodes: 3,
		},
		{
			name:  "title",
			paste: "TITLE [new]\nUDE [z]",
			want:  tree.Changes{Title: "new", NewNodes: []tree.NodeID{3}},
			nodes: 3,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			stmts, err := tree.ParseStatements([]byte(tc.paste))
			if err != nil {
				t.Fatal(err)
			}
			real := base(t)
			preview, err := real.Clone().Apply(stmts)
			if err != nil {
				t.Fatalf("Apply to clone: %v", err)
			}
			if real.NumNodes() != 2 {
				t.Fatalf("applying to a clone changed the tree: %d nodes", real.NumNodes())
			}
			got, err := real.Apply(stmts)
			if err != nil {
				t.Fatalf("Apply: %v", err)
			}
			if !reflect.DeepEqual(*got, tc.want) || !reflect.DeepEqual(*preview, tc.want) {
				t.Errorf("changes = %+v (preview %+v), want %+v", *got, *preview, tc.want)
			}
			if real.NumNodes() != tc.nodes {
				t.Errorf("tree has %d nodes, want %d", real.NumNodes(), tc.nodes)
			}
		})
	}
}

func TestApplyIsAtomic(t *testing.T) {
	tests := []struct {
		name  string
		paste string
		want  string
	}{
		{"missing reference after good lines", "TITLE [changed]\nUDE [new]\nIF [p] AND [q] THEN [x]\nIF [r] THEN #99", "4:13: #99 does not exist"},
		{"self-link after new nodes", "IF [s] THEN [t]\nIF [t] THEN [t]", "2:1: a node cannot cause itself: #4"},
		{"conflicting declaration", "IF [u] THEN [x]\nCAUSE [x]", "2:7: #1 is already a UDE, not a cause"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tr := stTree(t, "base", []tree.Node{ude(1, "x"), cause(2, "a")}, []tree.Group{link(1, 1, 2)})
			before := tr.Clone()
			stmts, err := tree.ParseStatements([]byte(tc.paste))
			if err != nil {
				t.Fatal(err)
			}
			_, err = tr.Apply(stmts)
			if err == nil || err.Error() != tc.want {
				t.Fatalf("Apply error = %v, want %q", err, tc.want)
			}
			stSame(t, before, tr)
			if tr.NextNodeID() != 3 {
				t.Errorf("NextNodeID = %d, want 3", tr.NextNodeID())
			}
			for _, text := range []string{"new", "p", "s", "t", "u"} {
				if _, ok := tr.NodeByText(text); ok {
					t.Errorf("node %q is still findable by text", text)
				}
			}
			// The same tree still takes numbers as if nothing had happened.
			ch, err := tr.Apply([]tree.Statement{{Kind: tree.StatementLink, Line: 1, Col: 1,
				Causes: []tree.Ref{{Text: "fresh"}}, Effect: tree.Ref{ID: 1}}})
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(ch.NewNodes, []tree.NodeID{3}) || !reflect.DeepEqual(ch.NewGroups, []tree.GroupID{2}) {
				t.Errorf("after a failed Apply: %+v, want node #3 and link 2", ch)
			}
		})
	}
}

// stAllAttributes is a tree that uses every field and every escape.
func stAllAttributes(t *testing.T) *tree.Tree {
	tr := stTree(t, "Outage of 3 May: [db] \\ #1", []tree.Node{
		{ID: 1, Kind: tree.KindUDE, Text: "Checkout was down for 45 minutes", Weight: 3},
		{ID: 2, Kind: tree.KindUDE, Text: "Alerts fired late", Weight: 2, Unverified: true},
		{ID: 3, Kind: tree.KindUDE, Text: "Refunds were late"},
		{ID: 4, Kind: tree.KindCause, Text: "#1 on the list: the pool [is] small \\ ]", RootMarked: true},
		{ID: 5, Kind: tree.KindPremise, Text: "Bob should have checked (blame)", BlameWorded: true, Weight: 1},
		{ID: 6, Kind: tree.KindCause, Text: "Nobody owns the alert thresholds", Evidence: "https://wiki.example/x \"quoted\"\nline\x00\xff"},
		{ID: 9, Kind: tree.KindInjection, Text: "Add a circuit breaker", RootMarked: true, Against: 4},
		{ID: 10, Kind: tree.KindDesiredEffect, Text: "Checkout degrades gracefully — 決済"},
		{ID: 11, Kind: tree.KindInjection, Text: "Tune the breaker in staging first", Against: 14},
		{ID: 12, Kind: tree.KindCause, Text: "Gone soon"},
		{ID: 13, Kind: tree.KindCause, Text: "Last"},
		{ID: 14, Kind: tree.KindNegativeEffect, Text: "The breaker opens on healthy traffic"},
	}, []tree.Group{
		{Effect: 1, Causes: []tree.NodeID{4, 5}, Status: tree.StatusAccepted},
		{Effect: 2, Causes: []tree.NodeID{6}, Status: tree.StatusDisputed},
		{Effect: 3, Causes: []tree.NodeID{12}},
		{Effect: 3, Causes: []tree.NodeID{1}},
		{Effect: 10, Causes: []tree.NodeID{9, 4}},
		{ID: 9, Effect: 4, Causes: []tree.NodeID{13}},
		{Effect: 14, Causes: []tree.NodeID{9}},
	})
	for _, step := range []error{tr.RemoveGroup(3), tr.RemoveNode(12)} {
		if step != nil {
			t.Fatal(step)
		}
	}
	return tr
}

func TestRoundTrip(t *testing.T) {
	example, err := tree.Parse(stRead(t, "payment-outage.cst"))
	if err != nil {
		t.Fatal(err)
	}
	plainTitle := stAllAttributes(t)
	plainTitle.Title = "Plain title"
	odd := stAllAttributes(t)
	odd.Title = " two\nlines\x01 "
	tests := []struct {
		name string
		tree *tree.Tree
	}{
		{"shared example", example},
		{"every attribute", stAllAttributes(t)},
		{"plain title", plainTitle},
		{"title that needs quoting", odd},
		{"no title, one node", stTree(t, "", []tree.Node{cause(7, "lonely")}, nil)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out := tree.Format(tc.tree)
			back, err := tree.Parse(out)
			if err != nil {
				t.Fatalf("Parse(Format(t)): %v\n%s", err, out)
			}
			stSame(t, tc.tree, back)
			if again := tree.Format(back); !bytes.Equal(again, out) {
				t.Errorf("Format is not stable:\n%s\n---\n%s", out, again)
			}
		})
	}
}

func stRead(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "statements", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestFormatGolden(t *testing.T) {
	example, err := tree.Parse(stRead(t, "payment-outage.cst"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		tree   *tree.Tree
		golden string
	}{
		{"shared example", example, "payment-outage.golden"},
		{"every attribute", stAllAttributes(t), "all-attributes.golden"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := tree.Format(tc.tree)
			path := filepath.Join("testdata", "statements", tc.golden)
			if stUpdate() {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want := stRead(t, tc.golden)
			if !bytes.Equal(got, want) {
				t.Errorf("Format differs from %s (run with -update to accept):\n%s", path, got)
			}
		})
	}
}

func TestFormatGroup(t *testing.T) {
	tr := stAllAttributes(t)
	tests := []struct {
		name     string
		group    tree.GroupID
		plain    string
		numbered string
	}{
		{"AND group with escapes", 1,
			`IF [\#1 on the list: the pool [is\] small \\ \]] AND [Bob should have checked (blame)] THEN [Checkout was down for 45 minutes]`,
			`IF [#4 #1 on the list: the pool [is\] small \\ \]] AND [#5 Bob should have checked (blame)] THEN [#1 Checkout was down for 45 minutes]`},
		{"one cause", 2,
			"IF [Nobody owns the alert thresholds] THEN [Alerts fired late]",
			"IF [#6 Nobody owns the alert thresholds] THEN [#2 Alerts fired late]"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g, ok := tr.Group(tc.group)
			if !ok {
				t.Fatalf("no group %d", tc.group)
			}
			if got := tree.FormatGroup(tr, g); got != tc.plain {
				t.Errorf("FormatGroup:\n got %s\nwant %s", got, tc.plain)
			}
			if got := tree.FormatGroupNumbered(tr, g); got != tc.numbered {
				t.Errorf("FormatGroupNumbered:\n got %s\nwant %s", got, tc.numbered)
			}
			// Both forms name the same link again, so pasting them back is a no-op.
			for _, line := range []string{tree.FormatGroup(tr, g), tree.FormatGroupNumbered(tr, g)} {
				stmts, err := tree.ParseStatements([]byte(line))
				if err != nil {
					t.Fatalf("%s: %v", line, err)
				}
				ch, err := tr.Clone().Apply(stmts)
				if err != nil || !reflect.DeepEqual(ch.SkippedGroups, []tree.GroupID{tc.group}) || len(ch.NewNodes) != 0 {
					t.Errorf("re-applying %s: %+v, %v", line, ch, err)
				}
			}
		})
	}
}

func TestLargeInputs(t *testing.T) {
	var paste strings.Builder
	paste.WriteString("UDE [step 2000]\n")
	for i := 1; i < 2000; i++ {
		fmt.Fprintf(&paste, "IF [step %d] AND [premise %d] THEN [step %d]\n", i, i%7, i+1)
	}
	var wide strings.Builder
	wide.WriteString("IF [c0]")
	for i := 1; wide.Len() < 10000; i++ {
		fmt.Fprintf(&wide, " AND [c%d]", i)
	}
	wide.WriteString(" THEN [e]")
	tests := []struct {
		name   string
		src    string
		nodes  int
		groups int
	}{
		{"2,000-line paste", paste.String(), 2000 + 7, 1999},
		{"10,000-character line", wide.String(), strings.Count(wide.String(), "[c") + 1, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tr, err := tree.Parse([]byte(tc.src))
			if err != nil {
				t.Fatal(err)
			}
			if tr.NumNodes() != tc.nodes || tr.NumGroups() != tc.groups {
				t.Errorf("got %d nodes and %d links, want %d and %d", tr.NumNodes(), tr.NumGroups(), tc.nodes, tc.groups)
			}
			back, err := tree.Parse(tree.Format(tr))
			if err != nil {
				t.Fatal(err)
			}
			stSame(t, tr, back)
		})
	}
}

func BenchmarkParse(b *testing.B) {
	src, err := os.ReadFile(filepath.Join("testdata", "statements", "payment-outage.cst"))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		if _, err := tree.Parse(src); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkFormat(b *testing.B) {
	src, err := os.ReadFile(filepath.Join("testdata", "statements", "payment-outage.cst"))
	if err != nil {
		b.Fatal(err)
	}
	tr, err := tree.Parse(src)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		tree.Format(tr)
	}
}

// BenchmarkApplyPaste applies a 2,000-line paste to a clone of a small tree,
// as the "Paste statements" preview does.
func BenchmarkApplyPaste(b *testing.B) {
	var paste strings.Builder
	for i := 1; i <= 2000; i++ {
		fmt.Fprintf(&paste, "IF [step %d] AND [premise %d] THEN [step %d]\n", i, i%7, i+1)
	}
	stmts, err := tree.ParseStatements([]byte(paste.String()))
	if err != nil {
		b.Fatal(err)
	}
	base := tree.New("base")
	for b.Loop() {
		if _, err := base.Clone().Apply(stmts); err != nil {
			b.Fatal(err)
		}
	}
}
