package main

import (
	"bytes"
	"context"
	"flag"
	"io"
	"net/url"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/untangle-rca/untangle/storage"
	"github.com/untangle-rca/untangle/workflow"
)

// TestServeConfigPublicURL: the web view needs an http(s) URL and a listen address.
func TestServeConfigPublicURL(t *testing.T) {
	tests := []struct {
		url, addr, want, wantErr string
	}{
		{url: "https://untangle.example.com/", addr: ":8080", want: "https://untangle.example.com"},
		{url: "http://10.0.0.5:8080/untangle", addr: ":8080", want: "http://10.0.0.5:8080/untangle"},
		{url: "", addr: ":8080"},
		{url: "https://untangle.example.com", wantErr: "needs UNTANGLE_HTTP_ADDR"},
		{url: "untangle.example.com", addr: ":8080", wantErr: "UNTANGLE_PUBLIC_URL"},
		{url: "https://x.example.com/?a=1", addr: ":8080", wantErr: "without query"},
		{url: "ftp://x.example.com", addr: ":8080", wantErr: "http(s)"},
	}
	for _, tc := range tests {
		t.Run(tc.url+"@"+tc.addr, func(t *testing.T) {
			env := map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1",
				"UNTANGLE_PUBLIC_URL": tc.url, "UNTANGLE_HTTP_ADDR": tc.addr}
			fs := flag.NewFlagSet("serve", flag.ContinueOnError)
			fs.SetOutput(io.Discard)
			cfg, err := loadServeConfig(nil, func(k string) string { return env[k] }, func(string) ([]byte, error) { return nil, nil }, fs)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error = %v, want one saying %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || cfg.PublicURL != tc.want {
				t.Fatalf("PublicURL %q, %v; want %q", cfg.PublicURL, err, tc.want)
			}
		})
	}
}

// TestWebLinksCommand runs `untangle weblinks link|revoke|rotate` on a real
// database and serves the printed links through the web view.
func TestWebLinksCommand(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "untangle.db")
	db, err := storage.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	svc := workflow.New(db, nil)
	r, err := svc.Start(ctx, workflow.Actor{UserID: "UFAC"}, workflow.StartInput{Title: "Outage"})
	if err != nil {
		t.Fatal(err)
	}
	id := strconv.FormatInt(r.ID, 10)
	reads := func(link string) bool {
		u, err := url.Parse(link)
		if err != nil {
			t.Fatal(err)
		}
		exp, _ := strconv.ParseInt(u.Query().Get("exp"), 10, 64)
		_, err = svc.WebView(ctx, workflow.WebLink{RCAID: r.ID, Expires: time.Unix(exp, 0), Sig: u.Query().Get("sig")})
		return err == nil
	}
	cmd := func(args ...string) (int, string, string) {
		var out, errb bytes.Buffer
		code := run(ctx, append([]string{"weblinks", "--db", path, "--public-url", "https://u.example.com"}, args...),
			stdio{out: &out, err: &errb})
		return code, strings.TrimSpace(out.String()), errb.String()
	}
	code, link, stderr := cmd("link", id)
	if code != exitOK || !regexp.MustCompile(`^https://u\.example\.com/rca/`+id+`/tree\?exp=\d+&sig=[A-Za-z0-9_-]{43}$`).MatchString(link) {
		t.Fatalf("weblinks link: %d %q %s", code, link, stderr)
	}
	if !reads(link) {
		t.Fatalf("the printed link does not read the RCA")
	}
	if code, _, stderr := cmd("revoke", "--as", "USOMEONE", id); code != exitInput || !strings.Contains(stderr, "join it first") || !reads(link) {
		t.Errorf("revoke by another user: %d %s", code, stderr)
	}
	if code, out, stderr := cmd("revoke", id); code != exitUsage || !strings.Contains(stderr, "--as") {
		t.Errorf("revoke without --as: %d %q %s", code, out, stderr)
	}
	if code, out, _ := cmd("revoke", "--as", "UFAC", id); code != exitOK || !strings.Contains(out, "revoked") || reads(link) {
		t.Errorf("revoke: %d %q, and the old link still reads: %v", code, out, reads(link))
	}
	_, link, _ = cmd("link", id)
	if code, out, _ := cmd("rotate"); code != exitOK || !strings.Contains(out, "rotated") || reads(link) {
		t.Errorf("rotate: %d %q, and the old link still reads: %v", code, out, reads(link))
	}
	if code, _, _ := cmd("unknown", id); code != exitUsage {
		t.Errorf("unknown subcommand: %d", code)
	}
}
