package bot

import (
	"encoding/json"
	"strings"
)

// This file reads JSON as Slack sent it, without decoding it: finding a few
// fields in a payload or an answer this way costs a fraction of what
// encoding/json (and slack-go's block decoding on top) costs, which matters
// on the path to an acknowledgement (docs/performance.md). The input is
// JSON that slack-go or Slack produced; anything malformed ends the scan.

// rawField returns the value at path in the JSON object b as written, or
// nil when there is none.
func rawField(b []byte, path ...string) []byte {
	var found []byte
	eachField(b, 0, func(key string, start, end int) {
		if key == path[0] {
			found = b[start:end]
		}
	})
	if found == nil || len(path) == 1 {
		return found
	}
	return rawField(found, path[1:]...)
}

// stringEnd returns the index of the quote that ends the JSON string whose
// contents start at i in b, or len(b).
func stringEnd(b []byte, i int) int {
	for ; i < len(b); i++ {
		switch b[i] {
		case '\\':
			i++
		case '"':
			return i
		}
	}
	return len(b)
}

// eachField calls f with the key and the span of the value of each field of
// the JSON object that starts at or after i in b, in order (when a key comes
// twice, the last one counts, as in encoding/json). It reports whether the
// object was well formed as far as it looked; it does not check numbers and
// literals, which it only skips.
func eachField(b []byte, i int, f func(key string, start, end int)) bool {
	i = skipSpace(b, i)
	if i >= len(b) || b[i] != '{' {
		return false
	}
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		return true
	}
	for i < len(b) {
		if b[i] != '"' {
			return false
		}
		keyEnd := stringEnd(b, i+1)
		if keyEnd >= len(b) {
			return false
		}
		key := string(b[i+1 : keyEnd])
		if strings.IndexByte(key, '\\') >= 0 { // an escaped key: Slack writes none
			if json.Unmarshal(b[i:keyEnd+1], &key) != nil {
				return false
			}
		}
		i = skipSpace(b, keyEnd+1)
		if i >= len(b) || b[i] != ':' {
			return false
		}
		start := skipSpace(b, i+1)
		end := skipValue(b, start)
		if end < 0 {
			return false
		}
		f(key, start, end)
		i = skipSpace(b, end)
		if i >= len(b) {
			return false
		}
		switch b[i] {
		case '}':
			return true
		case ',':
			i = skipSpace(b, i+1)
		default:
			return false
		}
	}
	return false
}

// skipValue returns the index just past the JSON value that starts at i,
// or -1 when none does.
func skipValue(b []byte, i int) int {
	if i >= len(b) {
		return -1
	}
	switch b[i] {
	case '"':
		if end := stringEnd(b, i+1); end < len(b) {
			return end + 1
		}
		return -1
	case '{', '[':
		depth := 0
		for ; i < len(b); i++ {
			switch b[i] {
			case '"':
				if i = stringEnd(b, i+1); i >= len(b) {
					return -1
				}
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return i + 1
				}
			}
		}
		return -1
	default: // a number, true, false or null
		start := i
		for i < len(b) && strings.IndexByte(",}] \t\r\n", b[i]) < 0 {
			i++
		}
		if i == start {
			return -1
		}
		return i
	}
}

// skipSpace returns the index of the first byte at or after i that is not
// JSON white space.
func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n') {
		i++
	}
	return i
}
