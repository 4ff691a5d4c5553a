package tree

// The lexer of the statement syntax: one line at a time into tokens.

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// lineLexer keeps the buffers of one ParseStatements call, reused from line
// to line: the line's runes, where each rune starts in the line's bytes, and
// its tokens (statements keep none of them). Columns count runes; token
// values are cut from the bytes.
type lineLexer struct {
	raw   []byte  // the line
	runes []rune  // the line's runes
	offs  []int32 // rune index → byte offset in raw; one more entry for the end
	toks  []stToken
	text  []rune
}

// parseLine parses one line; ok is false for a blank or comment line.
func (lx *lineLexer) parseLine(line []byte, lineNo int) (Statement, bool, *SyntaxError) {
	if !utf8.Valid(line) {
		return Statement{}, false, invalidUTF8(line, lineNo)
	}
	lx.raw, lx.runes, lx.offs = line, lx.runes[:0], lx.offs[:0]
	for off := 0; off < len(line); {
		r, size := utf8.DecodeRune(line[off:])
		lx.runes = append(lx.runes, r)
		lx.offs = append(lx.offs, int32(off))
		off += size
	}
	lx.offs = append(lx.offs, int32(len(line)))
	toks, err := lx.lexLine(lx.runes, lineNo)
	if err != nil {
		return Statement{}, false, err
	}
	p := &stParser{toks: toks, line: lineNo}
	return p.statement()
}

func invalidUTF8(line []byte, lineNo int) *SyntaxError {
	col := 1
	for i := 0; i < len(line); col++ {
		r, size := utf8.DecodeRune(line[i:])
		if r == utf8.RuneError && size <= 1 {
			return stErr(lineNo, col, ErrSyntax, "invalid UTF-8 (byte 0x%02x)", line[i])
		}
		i += size
	}
	return stErr(lineNo, col, ErrSyntax, "invalid UTF-8")
}

func stErr(line, col int, cause error, format string, args ...any) *SyntaxError {
	return &SyntaxError{Line: line, Col: col, Msg: fmt.Sprintf(format, args...), Err: cause}
}

// stTokKind is the kind of a lexical token.
type stTokKind int

const (
	tokEOL    stTokKind = iota // end of line or start of a comment
	tokWord                    // a keyword, attribute name or value
	tokNumber                  // digits
	tokRef                     // #N
	tokText                    // [text]
	tokString                  // "quoted"
	tokPunct                   // ( ) , =
	tokOther                   // any other character
)

// stToken is one lexical token of a line.
type stToken struct {
	kind stTokKind
	col  int
	val  string // as written (word, digits, punct); unescaped (text, string)
	ref  Ref    // tokRef and tokText: the reference it makes
}

// lexLine splits a line into tokens, ending with a tokEOL.
func (lx *lineLexer) lexLine(line []rune, lineNo int) ([]stToken, *SyntaxError) {
	toks := lx.toks[:0]
	defer func() { lx.toks = toks[:0] }()
	i := 0
	for {
		for i < len(line) && unicode.IsSpace(line[i]) {
			i++
		}
		if i >= len(line) || line[i] == '#' && !(i+1 < len(line) && isDigit(line[i+1])) {
			return append(toks, stToken{kind: tokEOL, col: i + 1}), nil
		}
		tok, next, err := lx.lexToken(line, i, lineNo)
		if err != nil {
			return nil, err
		}
		toks = append(toks, tok)
		i = next
	}
}

// lexToken reads the token that starts at line[i] and returns it with the
// index just after it.
func (lx *lineLexer) lexToken(line []rune, i, lineNo int) (stToken, int, *SyntaxError) {
	r := line[i]
	switch {
	case r == '#':
		j := scan(line, i+1, isDigit)
		id, err := stNumber(lx.cut(i+1, j), lineNo, i+1)
		return stToken{kind: tokRef, col: i + 1, val: lx.cut(i, j), ref: Ref{Col: i + 1, ID: NodeID(id)}}, j, err
	case r == '[':
		return lx.lexText(line, i, lineNo)
	case r == '"':
		return lexString(line, i, lineNo)
	case isASCIILetter(r):
		j := scan(line, i, func(r rune) bool { return isASCIILetter(r) || isDigit(r) || r == '_' })
		return stToken{kind: tokWord, col: i + 1, val: lx.word(i, j)}, j, nil
	case isDigit(r):
		j := scan(line, i, isDigit)
		return stToken{kind: tokNumber, col: i + 1, val: lx.cut(i, j)}, j, nil
	case strings.ContainsRune("(),=", r):
		return stToken{kind: tokPunct, col: i + 1, val: string(r)}, i + 1, nil
	}
	return stToken{kind: tokOther, col: i + 1, val: string(r)}, i + 1, nil
}

// cut returns runes i to j of the line as a string, copied from its bytes.
func (lx *lineLexer) cut(i, j int) string { return string(lx.raw[lx.offs[i]:lx.offs[j]]) }

// word is cut for a word token, without allocating for the keywords.
func (lx *lineLexer) word(i, j int) string {
	switch b := lx.raw[lx.offs[i]:lx.offs[j]]; string(b) {
	case "IF":
		return "IF"
	case "AND":
		return "AND"
	case "THEN":
		return "THEN"
	case "UDE":
		return "UDE"
	case "CAUSE":
		return "CAUSE"
	case "PREMISE":
		return "PREMISE"
	}
	return lx.cut(i, j)
}

func scan(line []rune, i int, ok func(rune) bool) int {
	for i < len(line) && ok(line[i]) {
		i++
	}
	return i
}

func isDigit(r rune) bool       { return r >= '0' && r <= '9' }
func isASCIILetter(r rune) bool { return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' }

// stNumber converts the digits of a node or link number.
func stNumber(digits string, line, col int) (int, *SyntaxError) {
	n, err := strconv.Atoi(digits)
	switch {
	case err != nil || n > maxStmtNumber:
		return 0, stErr(line, col, ErrSyntax, "number %s is too large (the largest is %d)", digits, maxStmtNumber)
	case n == 0:
		return 0, stErr(line, col, ErrSyntax, "numbers start at 1, not %s", digits)
	}
	return n, nil
}

// lexText reads a bracketed text starting at line[i] == '['. Inside, `\]`,
// `\[`, `\#` and `\\` stand for the character after the backslash; any other
// backslash is kept. A text that starts with an unescaped #N followed by a
// space or the closing bracket is a reference to node N.
func (lx *lineLexer) lexText(line []rune, i, lineNo int) (stToken, int, *SyntaxError) {
	start := i
	b := lx.text[:0]
	defer func() { lx.text = b[:0] }()
	escaped := false // b holds the text (after an escape); otherwise it is cut from the line
	hashRef := false // the first non-space character is an unescaped '#'
	blank := true    // only white space so far
	for i++; i < len(line); i++ {
		c := line[i]
		if c == ']' {
			text := string(b)
			if !escaped {
				text = lx.cut(start+1, i)
			}
			tok, err := textToken(text, hashRef, start, lineNo)
			return tok, i + 1, err
		}
		if c == '\\' && i+1 < len(line) && strings.ContainsRune(`][#\`, line[i+1]) {
			if !escaped {
				escaped, b = true, append(b, line[start+1:i]...)
			}
			i++
			c = line[i]
		} else if c == '#' && blank {
			hashRef = true
		}
		blank = blank && unicode.IsSpace(c) && !hashRef
		if escaped {
			b = append(b, c)
		}
	}
	return stToken{}, 0, stErr(lineNo, len(line)+1, ErrSyntax,
		`expected "]" to close the text started at %d:%d`, lineNo, start+1)
}

// textToken builds the token for a bracketed text, recognising [#N] and [#N text].
func textToken(text string, hashRef bool, start, lineNo int) (stToken, *SyntaxError) {
	tok := stToken{kind: tokText, col: start + 1, val: text, ref: Ref{Col: start + 1, Text: text}}
	if hashRef {
		trimmed := strings.TrimLeftFunc(text, unicode.IsSpace)[1:]
		digits := trimmed[:len(trimmed)-len(strings.TrimLeftFunc(trimmed, isDigit))]
		rest := trimmed[len(digits):]
		if digits != "" && (rest == "" || unicode.IsSpace([]rune(rest)[0])) {
			id, err := stNumber(digits, lineNo, start+1)
			if err != nil {
				return stToken{}, err
			}
			tok.ref.ID, tok.ref.Text = NodeID(id), strings.TrimSpace(rest)
		}
	}
	return tok, nil
}

// lexString reads a Go-style double-quoted string starting at line[i] == '"'.
func lexString(line []rune, i, lineNo int) (stToken, int, *SyntaxError) {
	j := i + 1
	for ; j < len(line) && line[j] != '"'; j++ {
		if line[j] == '\\' {
			j++
		}
	}
	if j >= len(line) {
		return stToken{}, 0, stErr(lineNo, len(line)+1, ErrSyntax,
			`expected '"' to close the string started at %d:%d`, lineNo, i+1)
	}
	s, err := strconv.Unquote(string(line[i : j+1]))
	if err != nil {
		return stToken{}, 0, stErr(lineNo, i+1, ErrSyntax, "the quoted string has an invalid escape")
	}
	return stToken{kind: tokString, col: i + 1, val: s}, j + 1, nil
}

// describe says what a token is, for "expected X, found Y" messages.
func (tok stToken) describe() string {
	switch tok.kind {
	case tokEOL:
		return "end of line"
	case tokText:
		return `"["`
	case tokString:
		return "a quoted string"
	case tokWord, tokNumber, tokRef:
		if utf8.RuneCountInString(tok.val) > 20 {
			return strconv.Quote(string([]rune(tok.val)[:20]) + "…")
		}
	}
	return strconv.Quote(tok.val)
}
