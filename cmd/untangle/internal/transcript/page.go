package transcript

// pageHTML is the page: a Slack-like column of channels, messages, threads,
// actions and modals. Styles are inline; there is no script and no link to
// anything outside the page.
const pageHTML = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>
body{margin:0;background:#f8f8f8;font:15px/1.46 -apple-system,"Segoe UI",Helvetica,Arial,sans-serif;color:#1d1c1d}
main{max-width:860px;margin:0 auto;background:#fff;min-height:100vh;box-shadow:0 0 0 1px #e0e0e0}
.top{background:#3f0e40;color:#fff;padding:14px 20px}.top h1{margin:0;font-size:18px}.top p{margin:4px 0 0;opacity:.85;font-size:13px}
.chan{border-top:1px solid #ddd}.chan>h2{margin:0;padding:12px 20px;font-size:17px;border-bottom:1px solid #eee;position:sticky;top:0;background:#fff;z-index:1}
.chan>h2 small{font-weight:400;color:#616061;font-size:13px;margin-left:8px}
.msg{display:flex;gap:10px;padding:8px 20px}.msg:hover{background:#f8f8f8}
.av{flex:0 0 36px;height:36px;border-radius:6px;background:#4a154b;color:#fff;font-weight:700;display:flex;align-items:center;justify-content:center}
.av.bot{background:#1264a3}.body{flex:1;min-width:0}
.who{font-weight:900}.app{font-size:10px;background:#e8e8e8;color:#616061;border-radius:2px;padding:1px 3px;margin-left:4px;font-weight:700}
.time{color:#616061;font-size:12px;margin-left:6px}.edited{color:#616061;font-size:12px}
.eph{background:#f4f9fd}.only{color:#616061;font-size:12px;margin-bottom:2px}
.blk{margin:4px 0}.hdr{font-size:18px;font-weight:900}.sec{display:flex;gap:10px;align-items:flex-start}.sec>.t{flex:1}
.fields{display:grid;grid-template-columns:1fr 1fr;gap:4px 16px}.ctx{color:#616061;font-size:13px}.ctx span{margin-right:8px}
hr{border:0;border-top:1px solid #ddd;margin:8px 0}
.btn{display:inline-block;border:1px solid #bbb;border-radius:4px;padding:2px 10px;font-weight:700;font-size:13px;margin:2px 6px 2px 0;background:#fff}
.btn.primary{background:#007a5a;color:#fff;border-color:#007a5a}.btn.danger{color:#e01e5a;border-color:#e01e5a}.btn.link::after{content:" ↗"}
.sel{display:inline-block;border:1px solid #bbb;border-radius:4px;padding:2px 8px;font-size:13px;margin:2px 6px 2px 0;color:#616061}.sel b{color:#1d1c1d}
code{background:#f6f6f6;border:1px solid #e0e0e0;border-radius:3px;padding:0 3px;color:#e01e5a;font-size:12px}
pre{background:#f6f6f6;border:1px solid #e0e0e0;border-radius:4px;padding:8px;white-space:pre-wrap;font-size:12px;margin:4px 0}
blockquote{margin:2px 0;padding-left:10px;border-left:4px solid #ddd}ul{margin:2px 0;padding-left:22px}
.mention{background:#e8f5fa;color:#1264a3;border-radius:3px;padding:0 2px}.lnk{color:#1264a3}a.lnk{text-decoration:none}
img.pic{max-width:100%;border:1px solid #ddd;border-radius:6px;margin-top:6px;display:block}
.file{display:inline-block;border:1px solid #ddd;border-radius:6px;padding:6px 10px;margin-top:6px;font-size:13px}
.thread{margin:6px 0 0;border-left:3px solid #e0e0e0;padding-left:6px}.thread>.n{color:#1264a3;font-size:13px;font-weight:700;margin:0 0 2px 14px}
.thread .msg{padding:6px 14px}
.act{margin:6px 20px;padding:6px 12px;border:1px dashed #c8c8c8;border-radius:8px;background:#fffdf5;font-size:14px}
.act .what{color:#616061}.act .what b{color:#1d1c1d}
.on{margin:6px 0 2px;border-left:4px solid #e0e0e0;padding-left:8px;font-size:13px;opacity:.9}.on .msg{padding:4px 0}
.modal{margin:8px 0 4px;max-width:520px;border-radius:8px;box-shadow:0 4px 12px rgba(0,0,0,.15);background:#fff;border:1px solid #ddd}
.modal>.mt{padding:12px 16px;font-weight:900;font-size:17px;border-bottom:1px solid #eee}.modal>.mb{padding:8px 16px}
.modal>.mf{padding:10px 16px;border-top:1px solid #eee;text-align:right}
.lbl{font-weight:700;font-size:14px}.opt{color:#616061;font-weight:400}.hint{color:#616061;font-size:12px}
.inp{border:1px solid #bbb;border-radius:4px;padding:6px 8px;margin:4px 0;min-height:20px;white-space:pre-wrap;font-size:14px}
.inp.empty{color:#999}
.canvas{margin:10px 20px 20px;border:1px solid #ddd;border-radius:8px}.canvas .ct{padding:8px 12px;font-weight:900;border-bottom:1px solid #eee}.canvas pre{border:0;margin:0;background:#fff;font-size:13px}.choice{font-size:14px;margin:2px 0}
</style>
</head>
<body><main>
<div class="top"><h1>{{.Title}}</h1>{{with .Intro}}<p>{{.}}</p>{{end}}</div>
{{range .Channels}}<section class="chan"><h2># {{.Name}}{{with .Topic}}<small>{{.}}</small>{{end}}</h2>
{{template "entries" .Entries}}{{with .Canvas}}<div class="canvas"><div class="ct">📄 Channel canvas</div><pre>{{.}}</pre></div>{{end}}</section>
{{end}}</main></body></html>
{{define "entries"}}{{range .}}{{if .Msg}}{{template "msg" .Msg}}{{else if .Act}}{{template "act" .Act}}{{end}}{{end}}{{end}}
{{define "msg"}}<div class="msg{{if .Ephemeral}} eph{{end}}" id="{{.Anchor}}"><div class="av{{if .Bot}} bot{{end}}">{{initial .Author}}</div><div class="body">
{{if .Ephemeral}}<div class="only">👁 Only visible to you ({{.To}})</div>{{end}}
<span class="who">{{.Author}}</span>{{if .Bot}}<span class="app">APP</span>{{end}}<span class="time">{{.Time}}</span>{{if .Edited}} <span class="edited">(edited)</span>{{end}}
{{if .Blocks}}{{range .Blocks}}{{template "block" .}}{{end}}{{else}}<div class="blk">{{template "md" .Text}}</div>{{end}}
{{range .Images}}<img class="pic" src="{{imgSrc .Src}}" alt="{{.Alt}}" title="{{.Title}}">{{end}}
{{range .Files}}<div class="file">📄 {{.}}</div>{{end}}
{{with .Replies}}<div class="thread"><div class="n">{{len .}} in the thread</div>{{template "entries" .}}</div>{{end}}
</div></div>
{{end}}
{{define "act"}}<div class="act"><span class="what">{{.Time}} · <b>{{.Who}}</b> {{.What}}</span>
{{with .On}}<div class="on">{{template "msg" .}}</div>{{end}}
{{with .Modal}}<div class="modal"><div class="mt">{{.Title}}</div><div class="mb">{{range .Blocks}}{{template "block" .}}{{end}}</div>{{with .Submit}}<div class="mf"><span class="btn primary">{{.}}</span></div>{{end}}</div>{{end}}
</div>
{{end}}
{{define "block"}}<div class="blk">{{if eq .Kind "header"}}<div class="hdr">{{template "md" .Text}}</div>
{{else if eq .Kind "section"}}<div class="sec"><div class="t">{{template "md" .Text}}{{with .Fields}}<div class="fields">{{range .}}<div>{{template "md" .}}</div>{{end}}</div>{{end}}</div>{{with .Accessory}}<div>{{template "elem" .}}</div>{{end}}</div>
{{else if eq .Kind "context"}}<div class="ctx">{{range .Items}}<span>{{if eq .Kind "image"}}🖼 {{.Value}}{{else}}{{template "md" .Md}}{{end}}</span>{{end}}</div>
{{else if eq .Kind "divider"}}<hr>
{{else if eq .Kind "actions"}}<div>{{range .Items}}{{template "elem" .}}{{end}}</div>
{{else if eq .Kind "input"}}<div class="lbl">{{.Label}}{{if .Optional}} <span class="opt">(optional)</span>{{end}}</div>{{with .Input}}{{template "elem" .}}{{end}}{{with .Hint}}<div class="hint">{{template "md" .}}</div>{{end}}
{{else if eq .Kind "image"}}{{with .Image}}<div class="file">🖼 {{.Alt}}</div>{{end}}
{{else}}<div class="ctx">{{template "md" .Text}}</div>{{end}}</div>
{{end}}
{{define "elem"}}{{if eq .Kind "button"}}<span class="btn{{with .Style}} {{.}}{{end}}">{{template "md" .Label}}</span>{{else if eq .Kind "link"}}<span class="btn link">{{template "md" .Label}}</span>{{else if or (eq .Kind "text") (eq .Kind "textarea")}}{{if .Value}}<div class="inp">{{.Value}}</div>{{else}}<div class="inp empty">{{template "md" .Label}}</div>{{end}}{{else if eq .Kind "date"}}<div class="inp{{if not .Value}} empty{{end}}">📅 {{or .Value "Select a date"}}</div>{{else if or (eq .Kind "checks") (eq .Kind "radios")}}{{$sel := .Selected}}{{$k := .Kind}}{{range .Options}}<div class="choice">{{if index $sel .}}{{if eq $k "checks"}}☑{{else}}◉{{end}}{{else}}{{if eq $k "checks"}}☐{{else}}○{{end}}{{end}} {{.}}</div>{{end}}{{else}}<span class="sel">{{if .Value}}<b>{{.Value}}</b>{{else}}{{template "md" .Label}}{{end}} ▾</span>{{end}}{{end}}
{{define "md"}}{{range .}}{{if eq .Tag ""}}{{.Text}}{{else if eq .Tag "b"}}<b>{{template "md" .Kids}}</b>{{else if eq .Tag "i"}}<i>{{template "md" .Kids}}</i>{{else if eq .Tag "s"}}<s>{{template "md" .Kids}}</s>{{else if eq .Tag "code"}}<code>{{.Text}}</code>{{else if eq .Tag "pre"}}<pre>{{.Text}}</pre>{{else if eq .Tag "quote"}}<blockquote>{{template "md" .Kids}}</blockquote>{{else if eq .Tag "ul"}}<ul>{{range .Kids}}<li>{{template "md" .Kids}}</li>{{end}}</ul>{{else if eq .Tag "br"}}<br>{{else if eq .Tag "mention"}}<span class="mention">{{.Text}}</span>{{else if eq .Tag "link"}}{{if .Href}}<a class="lnk" href="{{.Href}}">{{.Text}}</a>{{else}}<span class="lnk">{{.Text}}</span>{{end}}{{end}}{{end}}{{end}}
`
