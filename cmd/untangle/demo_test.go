package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"html"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
)

// TestDemoTranscript runs `untangle demo` twice: each run writes the same
// page, byte for byte; the page shows every phase of the RCA, embeds the
// tree pictures and loads nothing from outside.
func TestDemoTranscript(t *testing.T) {
	var pages [2][]byte
	var wg sync.WaitGroup
	for i := range pages { // at the same time: neither run's timing decides the page
		out := filepath.Join(t.TempDir(), "demo")
		wg.Go(func() {
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), []string{"demo", "--out", out, "--example", example}, stdio{in: strings.NewReader(""), out: &stdout, err: &stderr})
			path := filepath.Join(out, "index.html")
			if code != exitOK || strings.TrimSpace(stdout.String()) != path {
				t.Errorf("run %d: exit %d, stdout %q, stderr:\n%s", i+1, code, stdout.String(), clip(stderr.String(), 4000))
				return
			}
			page, err := os.ReadFile(path)
			if err != nil {
				t.Error(err)
			}
			pages[i] = page
		})
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	page := string(pages[0])
	if !bytes.Equal(pages[0], pages[1]) {
		i := 0
		for i < min(len(pages[0]), len(pages[1])) && pages[0][i] == pages[1][i] {
			i++
		}
		t.Errorf("two runs wrote different pages (%d and %d bytes); first difference at %d:\n%s\n---\n%s",
			len(pages[0]), len(pages[1]), i, clip(string(pages[0][max(0, i-200):]), 400), clip(string(pages[1][max(0, i-200):]), 400))
	}

	for phase, wants := range map[string][]string{
		"start":     {"ran /rca start Payment routing outage", "Start an RCA", "# rca-2026-03-03-payment-routing-outage"},
		"symptoms":  {"added a symptom", "used the message shortcut", "added the message as a symptom", "Only visible to you (bob)"},
		"paste":     {"ran /rca paste", "applied the preview", "IF [Nobody owns runbook upkeep] THEN"},
		"walk":      {"Wiring walk", "added causes", "clicked “Root — stop here”"},
		"challenge": {"raised a reservation", "Cause insufficiency", "resolved the reservation with the missing premise", "The staging environment has only 1% of production data volume", "Accepted</b> · holds for"},
		"render":    {"Where the arrows converge", "cst.png"},
		"fixes":     {"proposed a fix", "Engineering quality KPIs weigh as much as delivery speed", "Mark agreed", "frt.png", "Due: Thu 2 Apr 2026"},
		"future":    {"raised a negative branch", "Sales miss the Q3 launch", "trimmed it with an injection", "added a desirable effect", "worded the good outcomes"},
		"finish":    {"clicked “Finish RCA”", "RCA closed", "rca-tree.json"},
		"edits":     {"(edited)"},
	} {
		for _, want := range wants {
			if !strings.Contains(page, want) {
				t.Errorf("%s: the page lacks %q", phase, want)
			}
		}
	}

	embedded := regexp.MustCompile(`src="data:image/png;base64,([^"]+)"`)
	pictures := embedded.FindAllStringSubmatch(page, -1)
	if len(pictures) < 6 {
		t.Fatalf("%d pictures embedded, want the tree and each version of the Future Reality Tree", len(pictures))
	}
	for _, p := range pictures {
		raw, err := base64.StdEncoding.DecodeString(html.UnescapeString(p[1]))
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(raw))
		if err != nil || img.Bounds().Dx() < 200 {
			t.Errorf("an embedded picture does not decode as a PNG of some size: %v", err)
		}
	}
	rest := embedded.ReplaceAllString(page, `src="data:"`) // the pictures' bytes are no URL
	for name, bad := range map[string]*regexp.Regexp{
		"an external URL":  regexp.MustCompile(`(?i)(https?:)?//[a-z0-9]`),
		"a script":         regexp.MustCompile(`(?i)<script`),
		"a linked asset":   regexp.MustCompile(`(?i)<(link|iframe|object|embed)\b|@import|url\(`),
		"an external href": regexp.MustCompile(`(?i)href="[^#]`),
		"an image by URL":  regexp.MustCompile(`(?i)src="[^d]`),
	} {
		if m := bad.FindString(rest); m != "" {
			i := strings.Index(rest, m)
			t.Errorf("the page has %s: %q", name, rest[max(0, i-100):min(len(rest), i+100)])
		}
	}
}
