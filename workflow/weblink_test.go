package workflow_test

import (
	"strings"
	"testing"
	"time"

	"github.com/untangle-rca/untangle/workflow"
)

// TestWebLinks checks the link rules: a signed link reads its RCA, and a
// tampered, foreign, expired, revoked or pre-rotation link is refused with
// the one LinkRefused error; private RCAs get a day, public ones 30 days.
func TestWebLinks(t *testing.T) {
	e := newEnv(t)
	pub, priv := e.start(false), e.start(true)
	e.seed(pub)
	link := e.sign(pub)
	if got := link.Expires.Sub(e.clock.Now()); got != workflow.WebLinkTTL {
		t.Errorf("public link lasts %s, want %s", got, workflow.WebLinkTTL)
	}
	if got := e.sign(priv).Expires.Sub(e.clock.Now()); got != workflow.PrivateWebLinkTTL {
		t.Errorf("private link lasts %s, want %s", got, workflow.PrivateWebLinkTTL)
	}
	sum, err := e.svc.WebView(e.ctx, link)
	if err != nil {
		t.Fatalf("WebView of a fresh link: %v", err)
	}
	if sum.RCA.ID != pub || sum.Tree.NumNodes() == 0 || sum.Analysis == nil {
		t.Fatalf("WebView returned rca %d with %d nodes", sum.RCA.ID, sum.Tree.NumNodes())
	}
	flip := []byte(link.Sig)
	flip[3] ^= 1
	refused := map[string]workflow.WebLink{
		"tampered signature": {RCAID: pub, Expires: link.Expires, Sig: string(flip)},
		"empty signature":    {RCAID: pub, Expires: link.Expires},
		"other rca":          {RCAID: priv, Expires: link.Expires, Sig: link.Sig},
		"no such rca":        {RCAID: 999, Expires: link.Expires, Sig: link.Sig},
		"longer expiry":      {RCAID: pub, Expires: link.Expires.Add(time.Second), Sig: link.Sig},
		"private, 30 days":   {RCAID: priv, Expires: link.Expires, Sig: e.sign(priv).Sig},
	}
	for name, l := range refused {
		e.refused(name, l)
	}
	e.clock.Add(workflow.WebLinkTTL)
	e.refused("expired", link)
	link = e.sign(pub)
	if _, err := e.svc.RevokeWebLinks(e.ctx, alice, pub); workflow.ErrorCode(err) != workflow.EForbidden {
		t.Errorf("a participant revoked the links: %v", err)
	}
	if _, err := e.svc.RevokeWebLinks(e.ctx, fac, pub); err != nil {
		t.Fatalf("RevokeWebLinks: %v", err)
	}
	e.refused("revoked", link)
	link = e.sign(pub)
	if _, err := e.svc.WebView(e.ctx, link); err != nil {
		t.Errorf("a link made after the revocation is refused: %v", err)
	}
	if err := e.svc.RotateWebLinkKey(e.ctx); err != nil {
		t.Fatal(err)
	}
	e.refused("signed with the old key", link)
	if _, err := e.svc.WebView(e.ctx, e.sign(pub)); err != nil {
		t.Errorf("a link made after rotation is refused: %v", err)
	}
}

func (e *env) sign(id int64) workflow.WebLink {
	e.t.Helper()
	l, err := e.svc.SignWebLink(e.ctx, id)
	if err != nil {
		e.t.Fatalf("SignWebLink: %v", err)
	}
	return l
}

func (e *env) refused(name string, l workflow.WebLink) {
	e.t.Helper()
	_, err := e.svc.WebView(e.ctx, l)
	if workflow.ErrorCode(err) != workflow.EForbidden || !strings.Contains(err.Error(), "not valid") {
		e.t.Errorf("%s: WebView = %v, want the link refused", name, err)
	}
}
