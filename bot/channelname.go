package bot

import (
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/gosimple/unidecode"
	"golang.org/x/text/unicode/norm"
)

// maxChannelName is Slack's limit on channel names.
const maxChannelName = 80

// ChannelName returns the channel name for an RCA started on day with the
// given title: rca-YYYY-MM-DD-<slug>, lowercase, at most 80 characters. A
// suffix > 1 is appended ("-2", "-3", …) when an earlier name was taken.
func ChannelName(day time.Time, title string, suffix int) string {
	prefix := "rca-" + day.Format("2006-01-02")
	tail := ""
	if suffix > 1 {
		tail = fmt.Sprintf("-%d", suffix)
	}
	slug := Slug(title, maxChannelName-len(prefix)-len(tail)-1)
	if slug == "" {
		return prefix + tail
	}
	return prefix + "-" + slug + tail
}

// Slug turns text into lowercase words of [a-z0-9] joined by "-", at most max
// bytes, cut at a word boundary where possible. Accents are folded (é → e)
// and other scripts transliterated (支付 → zhi-fu, Платёж → platiozh), so a
// title in any language keeps a meaningful name; emoji are dropped.
func Slug(text string, max int) string {
	var b strings.Builder
	dash := false
	for _, r := range norm.NFKD.String(strings.ToLower(unidecode.Unidecode(text))) {
		switch {
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
		case unicode.Is(unicode.Mn, r):
			// combining accent left over from NFKD: drop it
		default:
			dash = true
		}
	}
	s := b.String()
	if len(s) <= max {
		return s
	}
	s = s[:max]
	if i := strings.LastIndexByte(s, '-'); i > max/2 {
		s = s[:i]
	}
	return strings.Trim(s, "-")
}
