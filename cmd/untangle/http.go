package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"syscall"
	"time"

	"github.com/untangle-rca/untangle/bot"
	"github.com/untangle-rca/untangle/cmd/untangle/internal/webview"
	"github.com/untangle-rca/untangle/storage"
	"github.com/untangle-rca/untangle/tree/render"
	"github.com/untangle-rca/untangle/workflow"
)

// shutdownGrace is how long the operations server may finish its requests.
const shutdownGrace = 5 * time.Second

// startOpsServer serves /healthz and /metrics of b on addr, and the web
// view's /rca/ pages when web is not nil, until the returned stop function
// is called. A listen error (port taken) is returned at once.
func startOpsServer(addr string, b *bot.Bot, db *storage.DB, web *webview.Handler, log *slog.Logger) (stop func(), err error) {
	ops, err := b.Handler(bot.Probes{Database: dbProbe(db), OpenRCAs: openRCACount(db)})
	if err != nil {
		return nil, fmt.Errorf("operations endpoints: %w", err)
	}
	var h http.Handler = ops
	if web != nil {
		mux := http.NewServeMux()
		mux.Handle("/", ops)
		web.Register(mux)
		h = mux
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen on UNTANGLE_HTTP_ADDR %s: %w", addr, err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second, WriteTimeout: 30 * time.Second}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("operations server stopped", "error", err.Error())
		}
	}()
	log.Info("serving /healthz and /metrics", "addr", ln.Addr().String(), "web_view", web != nil)
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			log.Warn("operations server shutdown", "error", err.Error())
		}
		<-done
	}, nil
}

// dbProbe checks that a SQLite database file is writable by this process,
// that a write transaction can start and commit (BEGIN IMMEDIATE takes
// SQLite's write lock; on PostgreSQL it needs the server up and writable),
// and that a read works.
func dbProbe(db *storage.DB) func(ctx context.Context) error {
	return func(ctx context.Context) error {
		if path := db.Path(); path != "" {
			if err := syscall.Access(path, 2 /* W_OK */); err != nil {
				return fmt.Errorf("database file %s is not writable: %w", path, err)
			}
		}
		if _, err := db.Update(ctx, "", func(workflow.Tx) ([]byte, error) { return nil, nil }); err != nil {
			return fmt.Errorf("database write transaction: %w", err)
		}
		if _, err := db.SchemaVersion(ctx); err != nil {
			return fmt.Errorf("database read: %w", err)
		}
		return nil
	}
}

// openRCACount counts the RCAs that are not closed.
func openRCACount(db *storage.DB) func(ctx context.Context) (int, error) {
	return func(ctx context.Context) (int, error) {
		var n int
		err := db.View(ctx, func(tx workflow.Tx) error {
			open, err := tx.OpenRCAs()
			n = len(open)
			return err
		})
		return n, err
	}
}

// runHealthcheck is `untangle healthcheck`: it GETs /healthz of a running
// `untangle serve` and exits 0 when it answers 200. It is the Docker
// HEALTHCHECK of images without a shell or curl.
func runHealthcheck(ctx context.Context, args []string, std stdio) int {
	fs := flag.NewFlagSet("healthcheck", flag.ContinueOnError)
	fs.SetOutput(std.err)
	addr := fs.String("addr", envOr("UNTANGLE_HTTP_ADDR", ""), "address of the operations server (env UNTANGLE_HTTP_ADDR)")
	timeout := fs.Duration("timeout", 5*time.Second, "how long to wait for the answer")
	fs.Usage = func() {
		fmt.Fprintln(std.err, "Usage: untangle healthcheck [--addr HOST:PORT]\n\nExits 0 when the running bot's /healthz answers 200, 1 otherwise.")
		fs.PrintDefaults()
	}
	if code, ok := parseNoArgs(fs, args, std.err); !ok {
		return code
	}
	if *addr == "" {
		fmt.Fprintln(std.err, "untangle healthcheck: no address: set UNTANGLE_HTTP_ADDR or --addr")
		return exitUsage
	}
	body, err := getHealth(ctx, healthURL(*addr), *timeout)
	if err != nil {
		fmt.Fprintln(std.err, "untangle healthcheck:", err)
		return exitInput
	}
	fmt.Fprint(std.out, body)
	return exitOK
}

// healthURL turns a listen address (":8080", "0.0.0.0:8080", "[::]:8080")
// into the URL of /healthz on this host.
func healthURL(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "http://" + addr + "/healthz"
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port) + "/healthz"
}

// getHealth fetches url and returns its body when the status is 200.
func getHealth(ctx context.Context, url string, timeout time.Duration) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return "", fmt.Errorf("build request for %s: %w", url, err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", fmt.Errorf("GET %s: %w", url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil {
		return "", fmt.Errorf("GET %s: read the answer: %w", url, err)
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("GET %s: %s: %s", url, resp.Status, strings.TrimSpace(string(body)))
	}
	return string(body), nil
}

// webView is the web view of `untangle serve`: all nil when UNTANGLE_PUBLIC_URL is unset.
type webView struct {
	link    func(ctx context.Context, rcaID int64) (string, error)
	handler *webview.Handler
	close   func()
}

// newWebView sets up the web view's links and pages under publicURL.
func newWebView(ctx context.Context, publicURL string, svc *workflow.Service, log *slog.Logger) (*webView, error) {
	if publicURL == "" {
		return &webView{close: func() {}}, nil
	}
	linker, err := webview.NewLinker(publicURL, svc)
	if err != nil {
		return nil, fmt.Errorf("UNTANGLE_PUBLIC_URL: %w", err)
	}
	r, err := render.New(ctx)
	if err != nil {
		return nil, fmt.Errorf("web view: %w", err)
	}
	return &webView{link: linker.URL, handler: webview.NewHandler(svc, r, log), close: func() { r.Close() }}, nil
}
