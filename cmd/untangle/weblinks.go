package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strconv"

	"github.com/untangle-rca/untangle/cmd/untangle/internal/webview"
	"github.com/untangle-rca/untangle/storage"
	"github.com/untangle-rca/untangle/workflow"
)

// runWebLinks is `untangle weblinks`: it rotates the key that signs the web
// view's links, revokes the links of one RCA, or prints a fresh link.
func runWebLinks(ctx context.Context, args []string, io stdio) int {
	fs := flag.NewFlagSet("weblinks", flag.ContinueOnError)
	fs.SetOutput(io.err)
	dbPath := fs.String("db", envOr("UNTANGLE_DB", "./untangle.db"), "the database (env UNTANGLE_DB)")
	as := fs.String("as", "", "revoke: the Slack user id of the RCA's facilitator, who alone may revoke its links")
	base := fs.String("public-url", envOr("UNTANGLE_PUBLIC_URL", ""), "link: the web view's public URL (env UNTANGLE_PUBLIC_URL)")
	fs.Usage = func() {
		fmt.Fprintln(io.err, "Usage:\n  untangle weblinks rotate            new signing key: every link made so far stops working\n"+
			"  untangle weblinks revoke --as USER RCA   the facilitator refuses every link to RCA made so far\n"+
			"  untangle weblinks link RCA          print a fresh signed link to RCA's web view\n\nFlags:")
		fs.PrintDefaults()
	}
	pos, err := parseInterspersed(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	if err != nil || len(pos) == 0 || (pos[0] == "rotate") != (len(pos) == 1) {
		fs.Usage()
		return exitUsage
	}
	if _, err := os.Stat(*dbPath); err != nil {
		if kind, kerr := storage.Backend(*dbPath); kerr != nil || kind == storage.SQLite {
			fmt.Fprintf(io.err, "untangle weblinks: no database at %s\n", *dbPath)
			return exitInput
		}
	}
	db, err := storage.Open(ctx, *dbPath)
	if err != nil {
		fmt.Fprintln(io.err, "untangle weblinks:", err)
		return exitInput
	}
	defer db.Close()
	svc := workflow.New(db, workflow.SystemClock())
	msg, code := webLinksDo(ctx, svc, pos, *as, *base)
	if code != exitOK {
		fmt.Fprintln(io.err, "untangle weblinks:", msg)
		return code
	}
	fmt.Fprintln(io.out, msg)
	return exitOK
}

// webLinksDo runs one weblinks subcommand and says what it did.
func webLinksDo(ctx context.Context, svc *workflow.Service, pos []string, as, base string) (string, int) {
	if pos[0] == "rotate" {
		if err := svc.RotateWebLinkKey(ctx); err != nil {
			return err.Error(), exitInput
		}
		return "rotated the web link key: every link made before is refused now", exitOK
	}
	id, err := strconv.ParseInt(pos[1], 10, 64)
	if err != nil || id <= 0 || len(pos) != 2 {
		return fmt.Sprintf("%q is not an RCA number", pos[1]), exitUsage
	}
	switch pos[0] {
	case "revoke":
		if as == "" {
			return "revoke needs --as USER, the Slack user id of the RCA's facilitator", exitUsage
		}
		if _, err := svc.RevokeWebLinks(ctx, workflow.Actor{UserID: as}, id); err != nil {
			return kindly(err), exitInput
		}
		return fmt.Sprintf("revoked every web link to RCA %d made so far", id), exitOK
	case "link":
		l, err := webview.NewLinker(base, svc)
		if err != nil {
			return "--public-url / UNTANGLE_PUBLIC_URL: " + err.Error(), exitUsage
		}
		u, err := l.URL(ctx, id)
		if err != nil {
			return kindly(err), exitInput
		}
		return u, exitOK
	}
	return fmt.Sprintf("unknown weblinks command %q: rotate, revoke or link", pos[0]), exitUsage
}

// kindly is the message of a workflow error for the user, or err itself.
func kindly(err error) string {
	if d := workflow.ErrorDetail(err); d != nil && d.Code != workflow.EInternal {
		return d.Message
	}
	return err.Error()
}
