package webview_test

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/untangle-rca/untangle/tree"
)

// chromium finds the browser; under CI a missing browser fails the test.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("Chromium is missing: .ci/run installs Debian's chromium")
	}
	t.Skip("Chromium is missing (apt-get install chromium); under CI=true this test fails instead")
	return ""
}

// TestBrowser drives headless Chromium through the page: the script and
// styles run under the policy, zoom by button and wheel, search, a click on
// a node highlights exactly its chains, collapse to its causes, the phone
// layout and a pinch, screenshots, and a tampered link refused. One browser start.
func TestBrowser(t *testing.T) {
	exe := chromium(t)
	w := newWorld(t)
	opts := []chromedp.ExecAllocatorOption{chromedp.ExecPath(exe), chromedp.Headless, chromedp.NoSandbox,
		chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck, chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.WindowSize(1280, 860)}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancelTime := context.WithTimeout(ctx, 90*time.Second)
	defer cancelTime()

	// Collect what the policy blocks, from before the page's own script runs.
	if err := chromedp.Run(ctx, chromedp.ActionFunc(func(ctx context.Context) error {
		_, err := page.AddScriptToEvaluateOnNewDocument(`window.__csp = []; document.addEventListener("securitypolicyviolation",
			function (e) { window.__csp.push(e.violatedDirective + " " + e.blockedURI); });`).Do(ctx)
		return err
	})); err != nil {
		t.Fatal(err)
	}
	resp, err := chromedp.RunResponse(ctx, chromedp.Navigate(w.url(t)))
	if err != nil || resp.Status != 200 {
		t.Fatalf("load the page: %v (%v)", err, resp)
	}
	b := &browser{t: t, ctx: ctx}
	b.run(chromedp.WaitVisible("#canvas svg", chromedp.ByQuery))
	if got := b.eval(`[document.querySelector("#canvas svg").hasAttribute("width"), getComputedStyle(document.getElementById("canvas")).overflow, typeof window.pwned].join()`); got != "false,hidden,undefined" {
		t.Fatalf("script ran, styles applied, no injected script: %q, want false,hidden,undefined", got)
	}
	b.zoom()
	b.search()
	b.click(w)
	b.screenshot("desktop.png", 1280)
	b.phone()
	b.screenshot("phone.png", 390)
	b.pinch()
	b.screenshot("phone-pinched.png", 390)
	if got := b.eval(`window.__csp.join("; ")`); got != "" {
		t.Errorf("the Content-Security-Policy blocked: %s", got)
	}

	// Chromium shows its own error page for an empty 4xx answer, so the
	// status comes from the network events.
	flipped := strings.Replace(w.url(t), "sig=", "sig=A", 1)
	status := make(chan int64, 1)
	chromedp.ListenTarget(ctx, func(ev any) {
		if r, ok := ev.(*network.EventResponseReceived); ok && r.Response.URL == flipped {
			select {
			case status <- r.Response.Status:
			default:
			}
		}
	})
	_, err = chromedp.RunResponse(ctx, chromedp.Navigate(flipped))
	if err == nil || !strings.Contains(err.Error(), "ERR_HTTP_RESPONSE_CODE_FAILURE") {
		t.Errorf("tampered link loaded: %v", err)
	}
	select {
	case got := <-status:
		if got != 403 {
			t.Errorf("tampered link: status %d, want 403", got)
		}
	case <-time.After(5 * time.Second):
		t.Errorf("tampered link: no answer seen")
	}
}

// browser runs steps in one tab and fails the test on an error.
type browser struct {
	t   *testing.T
	ctx context.Context
}

func (b *browser) run(actions ...chromedp.Action) {
	b.t.Helper()
	if err := chromedp.Run(b.ctx, actions...); err != nil {
		b.t.Fatal(err)
	}
}

func (b *browser) eval(js string) string {
	b.t.Helper()
	var out any
	b.run(chromedp.Evaluate(js, &out))
	return fmt.Sprint(out)
}

func (b *browser) viewWidth() float64 {
	b.t.Helper()
	var w float64
	b.run(chromedp.Evaluate(`document.querySelector("#canvas svg").viewBox.baseVal.width`, &w))
	return w
}

// zoom checks the zoom buttons and the mouse wheel.
func (b *browser) zoom() {
	b.t.Helper()
	w0 := b.viewWidth()
	b.run(chromedp.Click("#zoom-in", chromedp.ByQuery))
	if w1 := b.viewWidth(); w1 > w0/1.3 || w1 < w0/1.5 {
		b.t.Errorf("zoom in: view %.0f wide, was %.0f; want 1.4 times closer", w1, w0)
	}
	var x, y float64
	b.run(chromedp.Evaluate(`(function(){var r=document.getElementById("canvas").getBoundingClientRect();return r.left+r.width/2})()`, &x),
		chromedp.Evaluate(`(function(){var r=document.getElementById("canvas").getBoundingClientRect();return r.top+r.height/2})()`, &y))
	before := b.viewWidth()
	b.run(chromedp.ActionFunc(func(ctx context.Context) error {
		return input.DispatchMouseEvent(input.MouseWheel, x, y).WithDeltaX(0).WithDeltaY(400).Do(ctx)
	}))
	if after := b.viewWidth(); after <= before {
		b.t.Errorf("wheel down: view %.0f wide, was %.0f; want farther away", after, before)
	}
	b.run(chromedp.Click("#fit", chromedp.ByQuery))
	if w := b.viewWidth(); w != w0 {
		b.t.Errorf("fit: view %.0f wide, want the whole tree %.0f", w, w0)
	}
}

// search finds a node by number and by text.
func (b *browser) search() {
	b.t.Helper()
	for _, tc := range []struct{ q, found, match string }{
		{"#7", "1 found", "node-n7"},
		{"runbook", "2 found", ""},
		{"window.pwned", "1 found", "node-n16"},
		{"no such words", "0 found", ""},
	} {
		b.eval(`document.getElementById("search").value = ""`)
		b.run(chromedp.SendKeys("#search", tc.q, chromedp.ByQuery))
		if got := b.eval(`document.getElementById("found").textContent`); got != tc.found {
			b.t.Errorf("search %q: %q, want %q", tc.q, got, tc.found)
		}
		if tc.match != "" {
			if got := b.eval(`Array.from(document.querySelectorAll("g.match")).map(g => g.id).join()`); got != tc.match {
				b.t.Errorf("search %q marks %q, want %q", tc.q, got, tc.match)
			}
		}
	}
	b.eval(`document.getElementById("search").value = ""`)
	b.run(chromedp.Click("#fit", chromedp.ByQuery))
}

// click clicks the node "A slow SQL query exhausts the database connection
// pool" with the mouse and checks that exactly its chains light up: every
// node it leads to up to the symptoms and every node under it, with its core
// cause marked; then "Only its causes" hides the rest.
func (b *browser) click(w *world) {
	b.t.Helper()
	id := nodeByText(b.t, w.tree, "A slow SQL query exhausts")
	g := fmt.Sprintf("node-n%d", int(id))
	var x, y float64
	b.run(chromedp.Evaluate(fmt.Sprintf(`(function(){var r=document.getElementById(%q).querySelector("rect,polygon").getBoundingClientRect();return r.left+r.width/2})()`, g), &x),
		chromedp.Evaluate(fmt.Sprintf(`(function(){var r=document.getElementById(%q).querySelector("rect,polygon").getBoundingClientRect();return r.top+r.height/2})()`, g), &y))
	b.run(chromedp.MouseClickXY(x, y)) // after the evaluations: the action takes x and y when made
	if got := b.eval(`document.body.getAttribute("data-selected")`); got != g {
		b.t.Fatalf("clicked at %.0f,%.0f: selected %q, want %s; the point holds %s", x, y, got, g,
			b.eval(fmt.Sprintf(`(function(){var e=document.elementFromPoint(%f,%f);return e.tagName+" in "+(e.closest("g")||{}).id})()`, x, y)))
	}
	up, down := reach(w.tree, id)
	want := names(append(up, down...))
	got := strings.Split(b.eval(`Array.from(document.querySelectorAll("g.node.on")).map(g => g.id).sort().join()`), ",")
	if !slices.Equal(got, want) {
		b.t.Errorf("highlighted %v, want %v", got, want)
	}
	if got, want := b.eval(`Array.from(document.querySelectorAll("g.core-on")).map(g => g.id).join()`), fmt.Sprintf("node-n%d", int(w.fixed)); got != want {
		b.t.Errorf("core cause marked: %q, want %q", got, want)
	}
	if got := b.eval(`document.querySelectorAll("g.link.on").length`); got == "0" {
		b.t.Errorf("no link highlighted")
	}
	b.run(chromedp.Click("#subtree", chromedp.ByQuery))
	visible := strings.Split(b.eval(`Array.from(document.querySelectorAll("g.node:not(.gone)")).map(g => g.id).sort().join()`), ",")
	if !slices.Equal(visible, names(down)) {
		b.t.Errorf("only its causes shows %v, want %v", visible, names(down))
	}
	b.run(chromedp.Click("#show-all", chromedp.ByQuery))
	if got := b.eval(`document.querySelectorAll("g.gone").length`); got != "0" {
		b.t.Errorf("show all left %s groups hidden", got)
	}
}

// phone checks the layout on a phone: the report goes below the tree.
func (b *browser) phone() {
	b.t.Helper()
	b.run(chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulateScale(2)))
	got := b.eval(`(function(){var t=document.querySelector(".tree").getBoundingClientRect(),r=document.querySelector(".report").getBoundingClientRect();return [r.top>=t.bottom, t.width<=390, document.documentElement.scrollWidth<=390].join()})()`)
	if got != "true,true,true" {
		b.t.Errorf("phone layout (report below tree, tree fits, no sideways scroll): %s", got)
	}
}

// pinch spreads two fingers on the tree and checks that it zooms in.
func (b *browser) pinch() {
	b.t.Helper()
	var x, y float64
	b.run(chromedp.Evaluate(`(function(){var r=document.getElementById("canvas").getBoundingClientRect();return r.left+r.width/2})()`, &x),
		chromedp.Evaluate(`(function(){var r=document.getElementById("canvas").getBoundingClientRect();return r.top+r.height/2})()`, &y))
	before := b.viewWidth()
	touch := func(kind input.TouchType, spread float64) chromedp.Action {
		return chromedp.ActionFunc(func(ctx context.Context) error {
			pts := []*input.TouchPoint{{X: x - spread, Y: y, ID: 1}, {X: x + spread, Y: y, ID: 2}}
			if kind == input.TouchEnd {
				pts = []*input.TouchPoint{}
			}
			return input.DispatchTouchEvent(kind, pts).Do(ctx)
		})
	}
	b.run(touch(input.TouchStart, 30), touch(input.TouchMove, 50), touch(input.TouchMove, 80), touch(input.TouchEnd, 0))
	if after := b.viewWidth(); after > before/2 {
		b.t.Errorf("pinch from 60 to 160 px apart: view %.0f wide, was %.0f; want over twice as close", after, before)
	}
}

// screenshot saves a PNG of the page (in UNTANGLE_SCREENSHOTS when set) and
// checks that it decodes at the expected width.
func (b *browser) screenshot(name string, width int) {
	b.t.Helper()
	var buf []byte
	b.run(chromedp.CaptureScreenshot(&buf))
	img, err := png.Decode(bytes.NewReader(buf))
	if err != nil {
		b.t.Fatalf("%s: %v", name, err)
	}
	if got := img.Bounds().Dx(); got != width && got != 2*width {
		b.t.Errorf("%s is %d px wide, want %d", name, got, width)
	}
	dir := os.Getenv("UNTANGLE_SCREENSHOTS")
	if dir == "" {
		dir = b.t.TempDir()
	}
	if err := os.WriteFile(filepath.Join(dir, name), buf, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

// reach lists the nodes from id up to the symptoms (with id) and down to
// its roots, through every link of the tree.
func reach(t *tree.Tree, id tree.NodeID) (up, down []tree.NodeID) {
	walk := func(next func(tree.NodeID) []tree.NodeID) []tree.NodeID {
		seen := map[tree.NodeID]bool{id: true}
		todo, out := []tree.NodeID{id}, []tree.NodeID{id}
		for len(todo) > 0 {
			n := todo[len(todo)-1]
			todo = todo[:len(todo)-1]
			for _, m := range next(n) {
				if !seen[m] {
					seen[m] = true
					todo, out = append(todo, m), append(out, m)
				}
			}
		}
		return out
	}
	groups := t.Groups()
	up = walk(func(n tree.NodeID) []tree.NodeID {
		var out []tree.NodeID
		for _, g := range groups {
			if slices.Contains(g.Causes, n) {
				out = append(out, g.Effect)
			}
		}
		return out
	})
	down = walk(func(n tree.NodeID) []tree.NodeID {
		var out []tree.NodeID
		for _, g := range groups {
			if g.Effect == n {
				out = append(out, g.Causes...)
			}
		}
		return out
	})
	return up, down
}

// names are the SVG group ids of nodes, sorted and without repeats.
func names(ids []tree.NodeID) []string {
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		out = append(out, fmt.Sprintf("node-n%d", int(id)))
	}
	slices.Sort(out)
	return slices.Compact(out)
}
