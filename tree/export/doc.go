// Package export turns a Current State Tree and its analysis into text
// formats people and other tools read: a Mermaid flowchart, a Markdown
// report for the CLI and the Slack final report, and Flying Logic's XML
// document format.
//
// Every function here is pure and deterministic: the same tree and analysis
// always give the same bytes. User text is escaped for each target format so
// that no node text can break the output or smuggle markup into it. Images
// (PNG, SVG, DOT) live in tree/render; the lossless JSON form is in tree.
package export
