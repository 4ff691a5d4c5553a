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
