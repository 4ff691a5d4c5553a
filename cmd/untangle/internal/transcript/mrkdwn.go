package transcript

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// node is a piece of formatted text: Tag "" is plain text, the others are
// drawn by the page's "md" template. Nothing here is HTML: the template
// escapes Text.
type node struct {
	Tag  string // "", "b", "i", "s", "code", "pre", "quote", "ul", "li", "br", "link", "mention"
	Text string
	Href string // "#anchor" of a link inside the page, or ""
	Kids []node
}

// context resolves names while formatting.
type context struct {
	users map[string]string
}

// mrkdwn formats Slack mrkdwn: *bold*, _italic_, ~strike~, `code`,
// ```pre```, > quotes, • and - lists, <links|text>, <@user>, <#channel|name>,
// <!here> and :emoji:.
func (c context) mrkdwn(s string) []node {
	var out []node
	lines := strings.Split(s, "\n")
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		switch {
		case strings.HasPrefix(line, "```"):
			var pre []string
			rest := strings.TrimPrefix(line, "```")
			for j := i; j < len(lines); j++ {
				l := lines[j]
				if j == i {
					l = rest
				}
				if k := strings.Index(l, "```"); k >= 0 {
					pre = append(pre, l[:k])
					i = j
					break
				}
				pre = append(pre, l)
				i = j
			}
			out = append(out, node{Tag: "pre", Text: unescape(strings.Join(pre, "\n"))})
			continue
		case strings.HasPrefix(line, ">"): // "&gt;" is an escaped character, not a quote
			q := strings.TrimPrefix(line, ">")
			out = append(out, node{Tag: "quote", Kids: c.inline(strings.TrimPrefix(q, " "))})
			continue
		case strings.HasPrefix(line, "• ") || strings.HasPrefix(line, "- "):
			var items []node
			for ; i < len(lines); i++ {
				switch l := lines[i]; {
				case strings.HasPrefix(l, "• ") || strings.HasPrefix(l, "- "):
					items = append(items, node{Tag: "li", Kids: c.inline(l[strings.Index(l, " ")+1:])})
					continue
				case continues(l):
					li := &items[len(items)-1]
					li.Kids = append(append(li.Kids, node{Tag: "br"}), c.inline(strings.TrimLeft(l, " "))...)
					continue
				}
				break
			}
			i--
			out = append(out, node{Tag: "ul", Kids: items})
			continue
		}
		if len(out) > 0 && out[len(out)-1].Tag != "quote" && out[len(out)-1].Tag != "ul" && out[len(out)-1].Tag != "pre" {
			out = append(out, node{Tag: "br"})
		}
		out = append(out, c.inline(line)...)
	}
	return out
}

// continues reports whether a line goes on with the list item above it:
// the next step of an IF … THEN chain, or an indented line.
func continues(line string) bool {
	return strings.HasPrefix(line, "IF ") || strings.HasPrefix(line, "THEN ") || strings.HasPrefix(line, "  ")
}

// plain formats plain_text: only :emoji: is drawn.
func (c context) plain(s string) []node {
	return []node{{Text: emojis(s)}}
}

// inline formats one line.
func (c context) inline(s string) []node {
	var out []node
	var text strings.Builder
	flush := func() {
		if text.Len() > 0 {
			out = append(out, node{Text: emojis(unescape(text.String()))})
			text.Reset()
		}
	}
	for i := 0; i < len(s); {
		ch := s[i]
		switch ch {
		case '`':
			if j := strings.IndexByte(s[i+1:], '`'); j > 0 {
				flush()
				out = append(out, node{Tag: "code", Text: unescape(s[i+1 : i+1+j])})
				i += j + 2
				continue
			}
		case '<':
			if j := strings.IndexByte(s[i:], '>'); j > 0 {
				flush()
				out = append(out, c.angle(s[i+1:i+j]))
				i += j + 1
				continue
			}
		case '*', '_', '~':
			if j := closing(s, i); j > 0 {
				flush()
				tag := map[byte]string{'*': "b", '_': "i", '~': "s"}[ch]
				out = append(out, node{Tag: tag, Kids: c.inline(s[i+1 : j])})
				i = j + 1
				continue
			}
		}
		text.WriteByte(ch)
		i++
	}
	flush()
	return out
}

// closing finds the end of the formatting that opens at i, or -1: the
// opener follows a boundary and precedes a non-space, the closer follows a
// non-space and precedes a boundary.
func closing(s string, i int) int {
	ch := s[i]
	if i > 0 {
		r, _ := utf8.DecodeLastRuneInString(s[:i])
		if !boundary(r) {
			return -1
		}
	}
	if i+1 >= len(s) || s[i+1] == ' ' || s[i+1] == ch {
		return -1
	}
	for j := i + 2; j < len(s); j++ {
		if s[j] != ch || s[j-1] == ' ' {
			continue
		}
		r, _ := utf8.DecodeRuneInString(s[j+1:])
		if j+1 == len(s) || boundary(r) {
			return j
		}
	}
	return -1
}

// boundary reports whether r may stand next to a formatting mark.
func boundary(r rune) bool {
	return unicode.IsSpace(r) || (unicode.IsPunct(r) && r != '_' && r != '*' && r != '~') || unicode.IsSymbol(r)
}

// archiveLink matches the permalink of a message.
var archiveLink = regexp.MustCompile(`/archives/([A-Z0-9]+)/p(\d{10})(\d{6})`)

// angle formats <…>: a link, a mention or a special mention.
func (c context) angle(in string) node {
	target, label, _ := strings.Cut(in, "|")
	switch {
	case strings.HasPrefix(target, "@"):
		name := c.users[target[1:]]
		if name == "" {
			name = target[1:]
		}
		return node{Tag: "mention", Text: "@" + name}
	case strings.HasPrefix(target, "#"):
		if label == "" {
			label = target[1:]
		}
		return node{Tag: "mention", Text: "#" + unescape(label)}
	case strings.HasPrefix(target, "!"):
		name, _, _ := strings.Cut(target[1:], "^")
		return node{Tag: "mention", Text: "@" + name}
	}
	href := ""
	if m := archiveLink.FindStringSubmatch(target); m != nil {
		href = "#" + anchor(m[1], m[2]+"."+m[3])
	}
	if label == "" {
		label = noScheme(target)
	}
	return node{Tag: "link", Text: emojis(unescape(label)), Href: href}
}

// noScheme drops a URL's scheme: the page shows where a link went without
// linking anywhere outside itself.
func noScheme(u string) string {
	if _, rest, ok := strings.Cut(u, "://"); ok {
		return rest
	}
	return u
}

// anchor is the id of a message in the page.
func anchor(channel, ts string) string {
	return "m-" + channel + "-" + strings.ReplaceAll(ts, ".", "-")
}

// unescape undoes Slack's escaping of &, < and >; the template escapes again.
func unescape(s string) string {
	return strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&").Replace(s)
}

// emojiShortcode matches :name:.
var emojiShortcode = regexp.MustCompile(`:([a-z0-9_+-]+):`)

// emojis replaces the shortcodes the app uses by their characters.
func emojis(s string) string {
	if !strings.Contains(s, ":") {
		return s
	}
	return emojiShortcode.ReplaceAllStringFunc(s, func(m string) string {
		if e, ok := emojiChars[m[1:len(m)-1]]; ok {
			return e
		}
		return m
	})
}

// emojiChars are the emoji the app uses.
var emojiChars = map[string]string{
	"link": "🔗", "warning": "⚠️", "heavy_plus_sign": "➕", "information_source": "ℹ️", "crossed_swords": "⚔️",
	"white_check_mark": "✅", "hammer_and_wrench": "🛠️", "frame_with_picture": "🖼️", "rotating_light": "🚨",
	"checkered_flag": "🏁", "card_index_dividers": "🗂️", "hourglass": "⌛", "bulb": "💡", "wave": "👋",
	"unlock": "🔓", "tada": "🎉", "repeat": "🔁", "lock": "🔒", "large_orange_circle": "🟠", "fire": "🔥",
	"clipboard": "📋", "red_circle": "🔴", "mag": "🔍", "jigsaw": "🧩", "hourglass_flowing_sand": "⏳",
	"handshake": "🤝", "grey_question": "❔", "bar_chart": "📊", "arrow_right": "➡️", "arrow_left": "⬅️",
	"wrench": "🔧", "white_circle": "⚪", "wastebasket": "🗑️", "triangular_flag_on_post": "🚩",
	"thinking_face": "🤔", "scales": "⚖️", "pause_button": "⏸️", "no_entry": "⛔", "memo": "📝",
	"leaves": "🍃", "large_green_circle": "🟢", "large_blue_circle": "🔵", "heavy_minus_sign": "➖",
	"globe_with_meridians": "🌐", "fast_forward": "⏩", "dove_of_peace": "🕊️", "dart": "🎯",
	"construction": "🚧", "arrow_down": "⬇️", "anchor": "⚓", "alarm_clock": "⏰", "x": "❌",
	"heavy_check_mark": "✔️", "eyes": "👀", "pushpin": "📌", "speech_balloon": "💬", "star": "⭐",
}
