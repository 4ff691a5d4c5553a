// Package webview serves the read-only web view of an RCA: one page with the
// tree as SVG (pan, zoom, search, highlight of chains, collapse to a
// subtree), the analysis and the fixes. The signed link is the whole
// permission: workflow checks its signature, expiry and revocation, and any
// link it refuses gets a bare 403.
package webview

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/untangle-rca/untangle/tree/render"
	"github.com/untangle-rca/untangle/workflow"
)

// TreePath is the route of the page; {id} is the RCA's number.
const TreePath = "/rca/{id}/tree"

// Handler serves the web view pages.
type Handler struct {
	svc *workflow.Service
	r   *render.Renderer
	log *slog.Logger
}

// NewHandler returns a handler reading through svc and drawing with r.
func NewHandler(svc *workflow.Service, r *render.Renderer, log *slog.Logger) *Handler {
	return &Handler{svc: svc, r: r, log: log}
}

// Register adds the web view's route to mux.
func (h *Handler) Register(mux *http.ServeMux) {
	mux.Handle("GET "+TreePath, h)
}

// ServeHTTP answers GET /rca/{id}/tree?exp=…&sig=….
func (h *Handler) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	nonce, err := newNonce()
	if err != nil {
		h.fail(w, "make a nonce", err)
		return
	}
	secure(w.Header(), nonce)
	link, ok := parseLink(req.PathValue("id"), req.URL.Query())
	if !ok {
		forbid(w)
		return
	}
	sum, err := h.svc.WebView(req.Context(), link)
	if workflow.ErrorCode(err) == workflow.EForbidden {
		forbid(w)
		return
	}
	if err != nil {
		h.fail(w, "load the rca", err)
		return
	}
	var svg bytes.Buffer
	if err := h.r.SVG(req.Context(), sum.Tree, sum.Analysis, render.Options{}, &svg); err != nil {
		h.fail(w, "draw the tree", err)
		return
	}
	var page bytes.Buffer
	if err := pageTemplate.Execute(&page, newPage(sum, svg.String(), nonce, link.Expires)); err != nil {
		h.fail(w, "write the page", err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Write(page.Bytes())
}

// fail logs an internal error and answers 500 with no details.
func (h *Handler) fail(w http.ResponseWriter, what string, err error) {
	h.log.Error("web view: "+what, "error", err.Error())
	w.WriteHeader(http.StatusInternalServerError)
}

// forbid answers 403 and nothing else: no body says why.
func forbid(w http.ResponseWriter) { w.WriteHeader(http.StatusForbidden) }

// secure sets the security headers of every answer: the page may run only
// its own inline script and styles (by nonce), load nothing from elsewhere,
// not be framed, and send no referrer.
func secure(h http.Header, nonce string) {
	h.Set("Content-Security-Policy", "default-src 'none'; script-src 'nonce-"+nonce+"'; style-src 'nonce-"+nonce+
		"'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
	h.Set("X-Frame-Options", "DENY")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cache-Control", "no-store")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("Cross-Origin-Resource-Policy", "same-origin")
}

// newNonce is a fresh random nonce for one answer's script and styles.
func newNonce() (string, error) {
	b := make([]byte, 18)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// parseLink reads the RCA number, expiry and signature of a link.
func parseLink(id string, q url.Values) (workflow.WebLink, bool) {
	rca, err := strconv.ParseInt(id, 10, 64)
	exp, err2 := strconv.ParseInt(q.Get("exp"), 10, 64)
	sig := q.Get("sig")
	if err != nil || err2 != nil || rca <= 0 || exp <= 0 || sig == "" || len(sig) > 100 {
		return workflow.WebLink{}, false
	}
	return workflow.WebLink{RCAID: rca, Expires: time.Unix(exp, 0).UTC(), Sig: sig}, true
}

// Linker makes the signed browser URLs of RCAs under a public base URL.
type Linker struct {
	base string // without a trailing slash
	svc  *workflow.Service
}

// NewLinker returns a Linker for base, the URL under which the web view is
// reachable from browsers (UNTANGLE_PUBLIC_URL).
func NewLinker(base string, svc *workflow.Service) (*Linker, error) {
	if err := CheckPublicURL(base); err != nil {
		return nil, err
	}
	return &Linker{base: strings.TrimSuffix(base, "/"), svc: svc}, nil
}

// CheckPublicURL reports whether base can prefix the web view's links: an
// absolute http(s) URL without query or fragment.
func CheckPublicURL(base string) error {
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" ||
		u.Fragment != "" || u.User != nil || len(base) > 1000 {
		return fmt.Errorf("%q is not an http(s) URL without query, such as https://untangle.example.com", base)
	}
	return nil
}

// URL signs a link to rcaID's web view and returns it.
func (l *Linker) URL(ctx context.Context, rcaID int64) (string, error) {
	link, err := l.svc.SignWebLink(ctx, rcaID)
	if err != nil {
		return "", err
	}
	return LinkURL(l.base, link), nil
}

// LinkURL is the browser URL of link under base.
func LinkURL(base string, link workflow.WebLink) string {
	q := url.Values{"exp": {strconv.FormatInt(link.Expires.Unix(), 10)}, "sig": {link.Sig}}
	return strings.TrimSuffix(base, "/") + "/rca/" + strconv.FormatInt(link.RCAID, 10) + "/tree?" + q.Encode()
}
