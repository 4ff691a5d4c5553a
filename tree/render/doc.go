// Package render draws a Current State Tree (or Future Reality Tree) for
// people: it writes deterministic Graphviz DOT, lays it out with the
// WebAssembly build of Graphviz (github.com/goccy/go-graphviz) and paints the
// result itself, as PNG (github.com/fogleman/gg) and as SVG (text as glyph
// outlines), so both look the same. Each character is drawn with the first
// font of a fallback chain that has it: the embedded Go fonts, then the
// system's fonts, then those under UNTANGLE_FONT_DIR; right-to-left runs are
// reordered and Arabic letters joined before drawing.
//
// Causes sit below their effects (rankdir=BT), AND groups meet in a small
// junction ellipse, and every role (UDE, cause, root cause, core cause,
// premise, injection, desired effect) has its own colour-blind-safe look
// (Okabe–Ito colours plus shapes, borders and badges). A legend lists only
// the looks the picture uses.
//
// Graphviz runs in one process-wide WebAssembly instance that is not safe for
// concurrent use, so layouts are serialised; painting runs in parallel.
package render
