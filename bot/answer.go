package bot

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
)

// maxAnswer bounds how much of a Web API answer is read to inspect it; a
// longer answer (none of the methods untangle calls gives one) is passed on
// as it is.
const maxAnswer = 1 << 20

// echoField names the field of a Web API method's answer that repeats the
// view or message the bot sent, blocks and all, or "". untangle never reads
// that copy, and slack-go decodes every nested block of it at length (in
// the benchmark of docs/performance.md, a sixth of the bot's CPU time), so
// readAnswer replaces the echoed blocks with [].
func echoField(method string) string {
	switch method {
	case "views.open", "views.update", "views.push", "views.publish":
		return "view"
	case "chat.postMessage", "chat.update":
		return "message"
	}
	return ""
}

// readAnswer reads a JSON answer of Web API method and returns Slack's
// error name ("" when it is ok or not JSON). It leaves the body readable for
// slack-go: the same bytes, less the echoed blocks (see echoField).
func readAnswer(resp *http.Response, method string) string {
	if !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") || resp.Body == nil {
		return ""
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	rest := resp.Body
	keep := func(body []byte) {
		resp.Body = struct {
			io.Reader
			io.Closer
		}{io.MultiReader(bytes.NewReader(body), rest), rest}
	}
	if err != nil || len(data) == maxAnswer {
		keep(data)
		return ""
	}
	ans := inspectAnswer(data, echoField(method))
	keep(ans.body)
	if len(ans.body) != len(data) {
		resp.ContentLength = int64(len(ans.body))
		resp.Header.Del("Content-Length")
	}
	return ans.slackError
}

// answer is what inspectAnswer found in a Web API answer.
type answer struct {
	slackError string // "" when "ok" is not false
	body       []byte // the answer, less the echoed blocks
}

// inspectAnswer reads the top level of a JSON answer: "ok" and "error", and,
// when echo names a field ("view", "message"), the span of that object's
// "blocks", which it replaces with []. An answer that is not a JSON object is
// returned unchanged.
func inspectAnswer(data []byte, echo string) answer {
	ans := answer{body: data}
	ok, errName := true, ""
	var blocks [2]int // the span of the echoed blocks, if any
	valid := eachField(data, 0, func(key string, start, end int) {
		switch {
		case key == "ok":
			ok = string(data[start:end]) != "false"
		case key == "error":
			errName = ""
			if data[start] == '"' {
				_ = json.Unmarshal(data[start:end], &errName)
			}
		case echo != "" && key == echo:
			blocks = [2]int{}
			if data[start] == '{' {
				eachField(data, start, func(key string, s, e int) {
					if key == "blocks" {
						blocks = [2]int{}
						if data[s] == '[' {
							blocks = [2]int{s, e}
						}
					}
				})
			}
		}
	})
	if !valid {
		return ans
	}
	if !ok {
		ans.slackError = errName
		if errName == "" {
			ans.slackError = "unknown"
		}
	}
	if blocks[1] > blocks[0]+2 {
		body := make([]byte, 0, len(data)-(blocks[1]-blocks[0])+2)
		body = append(append(append(body, data[:blocks[0]]...), "[]"...), data[blocks[1]:]...)
		ans.body = body
	}
	return ans
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
