package webview_test

import (
	"context"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/untangle-rca/untangle/workflow"
)

// TestPageAndHeaders loads the page over HTTP: strict headers, the nonce of
// the policy on the page's only script and style, every hostile text
// escaped, the analysis and the fix present.
func TestPageAndHeaders(t *testing.T) {
	w := newWorld(t)
	resp, body := get(t, w.url(t))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d: %s", resp.StatusCode, body)
	}
	csp := resp.Header.Get("Content-Security-Policy")
	m := regexp.MustCompile(`script-src 'nonce-([A-Za-z0-9_-]{20,})'; style-src 'nonce-([A-Za-z0-9_-]+)'`).FindStringSubmatch(csp)
	if m == nil || m[1] != m[2] || !strings.Contains(csp, "default-src 'none'") || !strings.Contains(csp, "frame-ancestors 'none'") {
		t.Fatalf("Content-Security-Policy %q", csp)
	}
	checkHeaders(t, resp.Header)
	if n := strings.Count(body, `nonce="`+m[1]+`"`); n != 2 {
		t.Errorf("the nonce is on %d elements, want the style and the script", n)
	}
	if n := strings.Count(body, "<script"); n != 2 { // the JSON data and the script
		t.Errorf("%d script elements, want 2", n)
	}
	// The SVG's namespace names are not fetched; the JSON data is not run
	// and escapes only what could end its script element.
	html := strings.NewReplacer(`xmlns="http://www.w3.org/2000/svg"`, "", `xmlns:xlink="http://www.w3.org/1999/xlink"`, "").Replace(body)
	html = regexp.MustCompile(`(?s)<script type="application/json" id="untangle-data">.*?</script>`).ReplaceAllString(html, "")
	for _, bad := range []string{"<img", "\"window", "http://", "https://", "'quoted'"} {
		if strings.Contains(html, bad) {
			t.Errorf("the page holds %q: user text escaped badly or an external asset", bad)
		}
	}
	for _, want := range []string{"Payments &lt;/script&gt;&lt;img", "Quality KPIs count &lt;/script&gt;", `\u003c/script\u003e`,
		"Core causes", "The organizational KPIs measure delivery speed", "UOWNER", `<g id="node-n1" class="node">`,
		"All fixes together remove"} {
		if !strings.Contains(body, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	again := w.url(t)
	resp2, _ := get(t, again)
	if resp2.Header.Get("Content-Security-Policy") == csp {
		t.Errorf("two answers share a nonce")
	}
}

// TestRefusedLinks: a bad, tampered, expired or revoked link gets 403 with
// no body, and the strict headers still.
func TestRefusedLinks(t *testing.T) {
	w := newWorld(t)
	good := w.url(t)
	i := strings.Index(good, "sig=") + 6
	flipped := good[:i] + string(good[i]^1) + good[i+1:]
	cases := map[string]string{
		"tampered signature": flipped,
		"no signature":       good[:strings.Index(good, "&sig=")],
		"other rca":          strings.Replace(good, "/rca/1/", "/rca/2/", 1),
		"bad number":         strings.Replace(good, "/rca/1/", "/rca/x/", 1),
		"stretched expiry":   regexp.MustCompile(`exp=(\d+)`).ReplaceAllString(good, "exp=${1}9"),
		"expired":            regexp.MustCompile(`exp=\d+`).ReplaceAllString(good, "exp=1000"),
	}
	if _, err := w.svc.RevokeWebLinks(context.Background(), fac, w.rca); err != nil {
		t.Fatal(err)
	}
	cases["revoked"] = good
	for name, u := range cases {
		t.Run(name, func(t *testing.T) {
			resp, body := get(t, u)
			if resp.StatusCode != http.StatusForbidden || body != "" {
				t.Errorf("status %d, body %q; want 403 and nothing else", resp.StatusCode, body)
			}
			checkHeaders(t, resp.Header)
		})
	}
	if resp, _ := get(t, w.url(t)); resp.StatusCode != http.StatusOK {
		t.Errorf("a link made after the revocation: status %d", resp.StatusCode)
	}
}

func checkHeaders(t *testing.T, h http.Header) {
	t.Helper()
	for k, v := range map[string]string{"X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff",
		"Referrer-Policy": "no-referrer", "Cache-Control": "no-store"} {
		if got := h.Get(k); got != v {
			t.Errorf("%s: %q, want %q", k, got, v)
		}
	}
}

func get(t testing.TB, url string) (*http.Response, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}

// TestEmptyRCA: a just-started RCA with no node yet has a page too.
func TestEmptyRCA(t *testing.T) {
	w := newWorld(t)
	r, err := w.svc.Start(context.Background(), fac, workflow.StartInput{Title: "Nothing yet", Private: true})
	if err != nil {
		t.Fatal(err)
	}
	u, err := w.linker.URL(context.Background(), r.ID)
	if err != nil {
		t.Fatal(err)
	}
	resp, body := get(t, u)
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "No symptoms yet") || !strings.Contains(body, "private") {
		t.Errorf("status %d:\n%s", resp.StatusCode, body)
	}
}
