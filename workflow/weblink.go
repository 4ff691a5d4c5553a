package workflow

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"time"
)

// How long a web link stays valid: private RCAs get a day, since a link
// lets whoever holds it read the RCA without being one of its participants.
const (
	WebLinkTTL        = 30 * 24 * time.Hour
	PrivateWebLinkTTL = 24 * time.Hour
)

// WebLink is a signed permission to read one RCA in the browser until
// Expires. The signature is the whole permission: whoever holds the link may
// read, so it is valid only for its RCA, until it expires, while the key
// that signed it is current and until the facilitator revokes the RCA's links.
type WebLink struct {
	RCAID   int64
	Expires time.Time // whole seconds
	Sig     string    // base64url HMAC-SHA256, no padding
}

// webLinkKeySize is the size of the signing key in bytes.
const webLinkKeySize = 32

// SignWebLink makes a link to read rcaID in the browser, valid for
// WebLinkTTL (PrivateWebLinkTTL for a private RCA). It is for the bot, which
// signs a link for every tree picture it posts where the RCA may be seen; it
// creates the signing key on first use.
func (s *Service) SignWebLink(ctx context.Context, rcaID int64) (WebLink, error) {
	key, err := s.webLinkKey(ctx)
	if err != nil {
		return WebLink{}, fmt.Errorf("sign a web link to rca %d: %w", rcaID, err)
	}
	var link WebLink
	err = s.store.View(ctx, func(tx Tx) error {
		r, err := tx.RCA(rcaID)
		if err != nil {
			return err
		}
		gen, err := tx.WebLinkGeneration(rcaID)
		if err != nil {
			return err
		}
		ttl := WebLinkTTL
		if r.Private {
			ttl = PrivateWebLinkTTL
		}
		link = WebLink{RCAID: rcaID, Expires: s.clock.Now().Add(ttl).Truncate(time.Second)}
		link.Sig = signWebLink(key, link, gen)
		return nil
	})
	if err != nil {
		return WebLink{}, fmt.Errorf("sign a web link to rca %d: %w", rcaID, err)
	}
	return link, nil
}

// webLinkKey returns the signing key; on first use it stores a new random
// one unless another process stored one first.
func (s *Service) webLinkKey(ctx context.Context) ([]byte, error) {
	var key []byte
	err := s.store.View(ctx, func(tx Tx) error {
		var err error
		key, err = tx.WebLinkKey(nil)
		return err
	})
	if ErrorCode(err) != ENotFound {
		return key, err
	}
	fresh := make([]byte, webLinkKeySize)
	if _, err := rand.Read(fresh); err != nil {
		return nil, fmt.Errorf("make a web link key: %w", err)
	}
	_, err = s.store.Update(ctx, "", func(tx Tx) ([]byte, error) {
		var err error
		key, err = tx.WebLinkKey(fresh)
		return nil, err
	})
	return key, err
}

// RotateWebLinkKey replaces the signing key with a new random one: every
// link made before is refused from then on.
func (s *Service) RotateWebLinkKey(ctx context.Context) error {
	fresh := make([]byte, webLinkKeySize)
	if _, err := rand.Read(fresh); err != nil {
		return fmt.Errorf("make a web link key: %w", err)
	}
	if _, err := s.store.Update(ctx, "", func(tx Tx) ([]byte, error) { return nil, tx.PutWebLinkKey(fresh) }); err != nil {
		return fmt.Errorf("rotate the web link key: %w", err)
	}
	return nil
}

// RevokeWebLinks refuses every web link to the RCA made so far; links made
// afterwards work. Only the facilitator may do it, in any phase.
func (s *Service) RevokeWebLinks(ctx context.Context, actor Actor, rcaID int64) (*Result, error) {
	return s.run(ctx, actor, rcaID, CmdRevokeLinks, func(tx Tx, r *RCA, res *Result) error {
		gen, err := tx.RevokeWebLinks(r.ID, actor.UserID)
		if err != nil {
			return err
		}
		return audit(tx, r.ID, actor, "revoke_links", "rca", nil, map[string]int64{"generation": gen})
	})
}

// LinkRefused is the one error of WebView for a link that does not grant
// reading: a bad signature, an expired or revoked link, or no such RCA. It
// says nothing more, so that a caller cannot learn which.
func LinkRefused() *Error { return &Error{Code: EForbidden, Message: "This link is not valid."} }

// WebView checks link and returns the summary of its RCA in one snapshot:
// the RCA, its tree, the analysis and the fixes. Any link that does not
// grant reading gets LinkRefused.
func (s *Service) WebView(ctx context.Context, link WebLink) (*Summary, error) {
	now := s.clock.Now()
	if !now.Before(link.Expires) || link.Expires.Sub(now) > WebLinkTTL {
		return nil, LinkRefused()
	}
	var out *Summary
	err := s.store.View(ctx, func(tx Tx) error {
		key, err := tx.WebLinkKey(nil)
		if ErrorCode(err) == ENotFound {
			return LinkRefused()
		} else if err != nil {
			return err
		}
		r, err := tx.RCA(link.RCAID)
		if ErrorCode(err) == ENotFound {
			return LinkRefused()
		} else if err != nil {
			return err
		}
		gen, err := tx.WebLinkGeneration(r.ID)
		if err != nil {
			return err
		}
		want := signWebLink(key, WebLink{RCAID: r.ID, Expires: link.Expires}, gen)
		if !hmac.Equal([]byte(want), []byte(link.Sig)) || (r.Private && link.Expires.Sub(now) > PrivateWebLinkTTL) {
			return LinkRefused()
		}
		out, err = s.summarise(tx, r)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("web view of rca %d: %w", link.RCAID, err)
	}
	return out, nil
}

// signWebLink is the signature of link under key at revocation count gen.
func signWebLink(key []byte, link WebLink, gen int64) string {
	m := hmac.New(sha256.New, key)
	fmt.Fprintf(m, "untangle web link v1\n%d\n%d\n%d", link.RCAID, link.Expires.Unix(), gen)
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}
