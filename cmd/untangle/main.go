// Command untangle runs blameless root-cause analysis with Current State Trees:
// as a Slack bot (serve) and on files from the command line (analyze).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
	_ "time/tzdata" // time zones work in minimal containers

	"github.com/untangle-rca/untangle/cmd/untangle/internal/wasmcache"
)

// version is set at build time with -ldflags "-X main.version=v1.2.3".
var version = ""

// Exit codes shared by every subcommand.
const (
	exitOK    = 0
	exitInput = 1 // bad input or a failure while doing the work
	exitUsage = 2 // the command line itself is wrong
)

// stdio bundles the streams a subcommand reads and writes.
type stdio struct {
	in       io.Reader
	out, err io.Writer
}

func main() {
	wasmcache.Restore()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], stdio{in: os.Stdin, out: os.Stdout, err: os.Stderr})
	stop()
	os.Exit(code)
}

// command is one subcommand of untangle.
type command struct {
	name, summary string
	run           func(ctx context.Context, args []string, io stdio) int
}

func commands() []command {
	return []command{
		{"serve", "run the Slack bot (Socket Mode)", runServe},
		{"analyze", "analyse a tree file and write pictures and reports", runAnalyze},
		{"demo", "play a whole RCA against a fake Slack and write it as a page", runDemo},
		{"manifest", "print the Slack app manifest (YAML)", runManifest},
		{"backup", "copy the live database safely", runBackup},
		{"migrate-db", "copy a SQLite database into an empty PostgreSQL database", runMigrateDB},
		{"weblinks", "rotate, revoke or print signed links to the web view", runWebLinks},
		{"healthcheck", "exit 0 when the running bot is healthy (Docker HEALTHCHECK)", runHealthcheck},
		{"version", "print the version", runVersion},
		{"help", "show this help", nil},
	}
}

// run dispatches to a subcommand and returns the process exit code.
func run(ctx context.Context, args []string, io stdio) int {
	if len(args) == 0 {
		usage(io.err)
		return exitUsage
	}
	name := args[0]
	if name == "help" || name == "-h" || name == "--help" || name == "-help" {
		return runHelp(ctx, args[1:], io)
	}
	for _, c := range commands() {
		if c.name == name && c.run != nil {
			return c.run(ctx, args[1:], io)
		}
	}
	fmt.Fprintf(io.err, "untangle: unknown command %q\n\n", name)
	usage(io.err)
	return exitUsage
}

// runHelp prints the overview, or with a command name that command's help,
// on standard output.
func runHelp(ctx context.Context, args []string, io stdio) int {
	switch {
	case len(args) == 0:
		usage(io.out)
		return exitOK
	case len(args) > 1:
		fmt.Fprintln(io.err, "untangle help: give one command name")
		return exitUsage
	}
	for _, c := range commands() {
		if c.name == args[0] && c.run != nil {
			c.run(ctx, []string{"-h"}, stdio{in: io.in, out: io.out, err: io.out})
			return exitOK
		}
	}
	if args[0] == "help" {
		usage(io.out)
		return exitOK
	}
	fmt.Fprintf(io.err, "untangle help: unknown command %q\n\n", args[0])
	usage(io.err)
	return exitUsage
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "untangle — blameless root-cause analysis with Current State Trees")
	fmt.Fprintln(w, "\nUsage:\n  untangle <command> [arguments]\n\nCommands:")
	width := 0
	for _, c := range commands() {
		width = max(width, len(c.name))
	}
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-*s  %s\n", width, c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun 'untangle help <command>' (or 'untangle <command> -h') for the flags of a command.")
}

func runVersion(_ context.Context, args []string, io stdio) int {
	fs := flag.NewFlagSet("version", flag.ContinueOnError)
	fs.SetOutput(io.err)
	fs.Usage = func() { fmt.Fprintln(io.err, "Usage: untangle version\n\nPrints the version of this build.") }
	if code, ok := parseNoArgs(fs, args, io.err); !ok {
		return code
	}
	fmt.Fprintln(io.out, "untangle", buildVersion())
	return exitOK
}

// parseNoArgs parses the flags of a subcommand that takes no arguments. It
// reports false, with the exit code, when the command stops there: after
// its help, or on a bad flag or an argument (which it names).
func parseNoArgs(fs *flag.FlagSet, args []string, stderr io.Writer) (int, bool) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK, false
		}
		return exitUsage, false
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "untangle %s: unexpected argument %q\n", fs.Name(), fs.Arg(0))
		fs.Usage()
		return exitUsage, false
	}
	return exitOK, true
}

func buildVersion() string {
	if version != "" {
		return version
	}
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" {
		return info.Main.Version
	}
	return "(devel)"
}
