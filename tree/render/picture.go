package render

import (
	"image/color"
	"math"

	"github.com/untangle-rca/untangle/tree"
)

// Frame geometry in layout units.
const (
	margin      = 24.0
	haloPad     = 7.0
	arrowLen    = 10.0
	arrowHalf   = 5.5
	swatchW     = 48.0
	swatchH     = 26.0
	legendGap   = 26.0
	legendRowH  = 36.0
	minCanvasW  = 560.0
	labelPadX   = 4.0
	badgeH      = headSize * 1.3
	legendTitle = "Legend"
)

// fontKind selects one of the three faces.
type fontKind int

const (
	fontText fontKind = iota
	fontHead
	fontTitle
)

// paint says how to fill and stroke a shape; a zero alpha means none.
type paint struct {
	fill   color.RGBA
	stroke color.RGBA
	width  float64
	dash   []float64
}

// canvas is what the PNG and SVG back ends implement; all coordinates are
// layout units, the back end applies the scale.
type canvas interface {
	rect(x, y, w, h, radius float64, p paint)
	polygon(pts []point, p paint)
	ellipse(cx, cy, rx, ry float64, p paint)
	curve(pts []point, p paint) // cubic bezier through 3n+1 control points, stroked
	text(s string, x, baseline float64, f fontKind, c color.RGBA, anchor float64)
	// visible reports whether anything between y0 and y1 would show: the PNG
	// back end paints a strip at a time and skips what lies outside it.
	visible(y0, y1 float64) bool
}

// grouper is a canvas that can group what is drawn next under a stable id
// and class, so a page's script can find and highlight a node or a link.
// from and to name a link's ends (node names, see sceneNode.name).
type grouper interface {
	begin(id, class, from, to string)
	end()
}

// nodeClass is the class of a node's group: "node" or "junction".
func nodeClass(n *sceneNode) string {
	if n.junction {
		return "junction"
	}
	return "node"
}

// legendItem is one swatch and its explanation.
type legendItem struct {
	label string
	draw  func(c canvas, x, y float64) // swatch with top-left at x, y
	x, y  float64
}

// picture is a laid-out scene placed on a canvas.
type picture struct {
	scene      *scene
	fonts      *fonts
	from       tree.NodeID // the cause a subtree grows from; 0 for a whole tree
	m          *metrics    // faces at the drawing scale
	scale      float64
	w, h       float64 // canvas size in layout units
	dx, dy     float64 // added to scene coordinates
	titleY     float64
	legend     []legendItem
	legendTop  float64
	showLegend bool
}

// frame computes the canvas size, the drawing scale, the legend placement
// and the faces at that scale.
func frame(s *scene, opt Options, f *fonts, m1 *metrics) (*picture, error) {
	minX, minY, maxX, maxY := s.bounds(m1)
	contentW, contentH := maxX-minX, maxY-minY
	p := &picture{scene: s, fonts: f, showLegend: !opt.NoLegend}
	titleH := 0.0
	if s.title != "" {
		titleH = titleSize*lineGap + 12
	}
	p.w = math.Max(minCanvasW, math.Max(contentW, m1.width(m1.title, s.title))+2*margin)
	p.dx = margin - minX + (p.w-2*margin-contentW)/2
	p.dy = margin + titleH - minY
	p.titleY = margin + titleSize
	p.h = margin + titleH + contentH + margin
	if p.showLegend {
		p.legendTop = p.h
		p.h += p.placeLegend(m1)
	}
	// Floors keep the rounded-up raster within the width cap and MaxSide.
	p.scale = math.Min(opt.scale(), floorScale(opt.maxWidth()/p.w))
	p.scale = math.Min(p.scale, math.Sqrt(MaxPixels/(p.w*p.h)))
	p.scale = math.Min(p.scale, floorScale(MaxSide/math.Max(p.w, p.h)))
	var err error
	if p.m, err = f.newMetrics(p.scale); err != nil {
		return nil, err
	}
	return p, nil
}

// floorScale rounds a scale down to a millionth, so that a side scaled by
// it and rounded up stays within the bound the scale was computed from.
func floorScale(s float64) float64 { return math.Floor(s*1e6) / 1e6 }

// bounds is the box around every node, halo, spline and label.
func (s *scene) bounds(m *metrics) (minX, minY, maxX, maxY float64) {
	minX, minY = math.Inf(1), math.Inf(1)
	maxX, maxY = math.Inf(-1), math.Inf(-1)
	add := func(x0, y0, x1, y1 float64) {
		minX, minY = math.Min(minX, x0), math.Min(minY, y0)
		maxX, maxY = math.Max(maxX, x1), math.Max(maxY, y1)
	}
	for _, n := range s.nodes {
		add(n.pos.X-n.w/2-haloPad, n.pos.Y-n.h/2-haloPad, n.pos.X+n.w/2+haloPad, n.pos.Y+n.h/2+haloPad)
	}
	for _, e := range s.edges {
		for _, q := range e.spline {
			add(q.X, q.Y, q.X, q.Y)
		}
		if e.label != "" {
			lw := m.width(m.head, e.label)/2 + labelPadX
			add(e.labelPos.X-lw, e.labelPos.Y-headSize, e.labelPos.X+lw, e.labelPos.Y+headSize)
		}
	}
	if len(s.nodes) == 0 {
		return 0, 0, 0, 0
	}
	return minX, minY, maxX, maxY
}

// placeLegend flows the legend items into rows and returns the legend height.
func (p *picture) placeLegend(m *metrics) float64 {
	p.legend = legendItems(p.scene)
	if len(p.legend) == 0 {
		return 0
	}
	x0 := margin + m.width(m.head, legendTitle) + legendGap
	x, y := x0, p.legendTop+16
	for i := range p.legend {
		it := &p.legend[i]
		w := swatchW + 8 + m.width(m.head, it.label)
		if x > x0 && x+w > p.w-margin {
			x, y = x0, y+legendRowH
		}
		it.x, it.y = x, y
		x += w + legendGap
	}
	return y + legendRowH + margin - p.legendTop
}

// draw paints the whole picture on c.
// The back end paints the white background.
func (p *picture) draw(c canvas) {
	if p.scene.title != "" && c.visible(0, p.titleY+titleSize) {
		c.text(p.scene.title, margin, p.titleY, fontTitle, colInk, 0)
	}
	g, _ := c.(grouper)
	for _, e := range p.scene.edges {
		if y0, y1 := p.edgeSpan(e); c.visible(y0, y1) {
			if g != nil {
				g.begin("link-"+e.key, "link", e.from, e.to)
			}
			p.drawEdge(c, e)
			if g != nil {
				g.end()
			}
		}
	}
	for _, n := range p.scene.nodes {
		y := n.pos.Y + p.dy
		if reach := n.h/2 + haloPad + 4; c.visible(y-reach, y+reach) {
			if g != nil {
				g.begin("node-"+n.name, nodeClass(n), "", "")
			}
			p.drawNode(c, n)
			if g != nil {
				g.end()
			}
		}
	}
	for _, e := range p.scene.edges {
		if y := e.labelPos.Y + p.dy; c.visible(y-headSize, y+headSize) {
			p.drawEdgeLabel(c, e)
		}
	}
	if p.showLegend && len(p.legend) > 0 && c.visible(p.legendTop, p.h) {
		p.drawLegend(c)
	}
}

// edgeSpan is the vertical extent of an edge, its arrowhead and its pen, in
// canvas units (a bezier stays within its control points).
func (p *picture) edgeSpan(e *sceneEdge) (y0, y1 float64) {
	y0, y1 = math.Inf(1), math.Inf(-1)
	for _, q := range e.spline {
		y0, y1 = math.Min(y0, q.Y), math.Max(y1, q.Y)
	}
	if e.tip != nil {
		y0, y1 = math.Min(y0, e.tip.Y), math.Max(y1, e.tip.Y)
	}
	const pen = arrowHalf + 3
	return y0 + p.dy - pen, y1 + p.dy + pen
}

func (p *picture) at(q point) point { return point{q.X + p.dx, q.Y + p.dy} }

// edgePaint is the stroke of a link by its challenge status.
func edgePaint(e *sceneEdge) paint {
	switch {
	case e.against:
		return paint{stroke: colGreen, width: 2.4, dash: []float64{4, 4}}
	case e.disputed:
		return paint{stroke: colDisputed, width: 2.4, dash: []float64{9, 6}}
	case e.accepted:
		return paint{stroke: colInk, width: 2.6}
	}
	return paint{stroke: colLink, width: 1.8}
}

func (p *picture) drawEdge(c canvas, e *sceneEdge) {
	pts := make([]point, len(e.spline))
	for i, q := range e.spline {
		pts[i] = p.at(q)
	}
	pen := edgePaint(e)
	c.curve(pts, pen)
	if e.arrow && e.tip != nil {
		c.polygon(arrowHead(pts[len(pts)-1], p.at(*e.tip)), paint{fill: pen.stroke, stroke: pen.stroke, width: 1})
	}
}

// arrowHead is the triangle from base (the spline end) to tip.
func arrowHead(base, tip point) []point {
	dx, dy := tip.X-base.X, tip.Y-base.Y
	l := math.Hypot(dx, dy)
	if l == 0 {
		return []point{tip, tip, tip}
	}
	nx, ny := -dy/l*arrowHalf, dx/l*arrowHalf
	return []point{tip, {base.X + nx, base.Y + ny}, {base.X - nx, base.Y - ny}}
}

func (p *picture) drawEdgeLabel(c canvas, e *sceneEdge) {
	if e.label == "" {
		return
	}
	q := p.at(e.labelPos)
	w := p.m.width(p.m.head, e.label) + 2*labelPadX
	ink := edgePaint(e).stroke
	c.rect(q.X-w/2, q.Y-headSize*0.75, w, headSize*1.5, 4, paint{fill: colWhite, stroke: ink, width: 1})
	c.text(e.label, q.X, q.Y+headSize*0.35, fontHead, ink, 0.5)
}

func (p *picture) drawNode(c canvas, n *sceneNode) {
	q := p.at(n.pos)
	if n.junction {
		drawJunction(c, q.X, q.Y, n.w, n.h)
		return
	}
	x, y := q.X-n.w/2, q.Y-n.h/2
	st := styles[n.look]
	if n.highlight {
		c.rect(x-haloPad, y-haloPad, n.w+2*haloPad, n.h+2*haloPad, st.radius+haloPad, paint{fill: colHighlight})
	}
	drawBox(c, st, x, y, n.w, n.h, n.unverified)
	p.drawHeader(c, n, x, y)
	lineH := textSize * lineGap
	top := y + padY + headSize*lineGap
	for i, l := range n.lines {
		c.text(l, q.X, top+float64(i)*lineH+lineH/2+textSize*0.35, fontText, colInk, 0.5)
	}
}

// drawBox draws a node body of style st.
func drawBox(c canvas, st nodeStyle, x, y, w, h float64, unverified bool) {
	pen := paint{fill: st.fill, stroke: st.border, width: st.penWidth}
	if unverified {
		pen.dash = []float64{8, 5}
	}
	if st.hexagon {
		c.polygon(hexagon(x, y, w, h), pen)
		return
	}
	c.rect(x, y, w, h, st.radius, pen)
}

func hexagon(x, y, w, h float64) []point {
	in := math.Min(hexInset, w/4)
	return []point{{x, y + h/2}, {x + in, y}, {x + w - in, y}, {x + w, y + h/2}, {x + w - in, y + h}, {x + in, y + h}}
}

func drawJunction(c canvas, cx, cy, w, h float64) {
	c.ellipse(cx, cy, w/2, h/2, paint{fill: colWhite, stroke: colJunction, width: 2.2})
	c.text("AND", cx, cy+headSize*0.35, fontHead, colJunction, 0.5)
}

// drawHeader draws "#7" on the left and badges and markers on the right.
func (p *picture) drawHeader(c canvas, n *sceneNode, x, y float64) {
	st := styles[n.look]
	in := 0.0
	if st.hexagon {
		in = hexInset
	}
	mid := y + padY + headSize*lineGap/2
	c.text(n.header, x+padX+in, mid+headSize*0.35, fontHead, colInk, 0)
	right := x + n.w - padX - in
	for i := len(n.badges) - 1; i >= 0; i-- {
		b := n.badges[i]
		bw := p.m.width(p.m.head, b) + 2*badgePadX
		right -= bw
		drawBadge(c, b, right, mid, bw, st)
		right -= badgeGap
	}
	if n.blame {
		drawBlameMark(c, right-markerSize/2, mid)
		right -= markerSize + badgeGap
	}
	if n.unverified {
		drawQMark(c, right-markerSize/2, mid)
	}
}

func drawBadge(c canvas, b string, x, mid, w float64, st nodeStyle) {
	bg, fg := st.badgeBg, st.badgeFg
	if b == "HIGH" {
		bg, fg = colWhite, colVermillion
	}
	c.rect(x, mid-badgeH/2, w, badgeH, badgeH/2, paint{fill: bg, stroke: st.border, width: 1})
	c.text(b, x+w/2, mid+headSize*0.35, fontHead, fg, 0.5)
}

// drawQMark is the unverified marker: a "?" in a circle.
func drawQMark(c canvas, cx, cy float64) {
	c.ellipse(cx, cy, markerSize/2, markerSize/2, paint{fill: colQMark, stroke: colInk, width: 1})
	c.text("?", cx, cy+headSize*0.35, fontHead, colInk, 0.5)
}

// drawBlameMark is the blame-wording marker: a "!" in a warning triangle.
func drawBlameMark(c canvas, cx, cy float64) {
	r := markerSize / 2
	tri := []point{{cx, cy - r - 2}, {cx + r + 1, cy + r}, {cx - r - 1, cy + r}}
	c.polygon(tri, paint{fill: colBlameMark, stroke: colInk, width: 1})
	c.text("!", cx, cy+r-3.5, fontHead, colInk, 0.5)
}

func (p *picture) drawLegend(c canvas) {
	c.rect(margin, p.legendTop, p.w-2*margin, 1.5, 0, paint{fill: hex("#BBBBBB")})
	c.text(legendTitle, margin, p.legend[0].y+swatchH/2+headSize*0.35, fontHead, colInk, 0)
	for _, it := range p.legend {
		it.draw(c, it.x, it.y)
		c.text(it.label, it.x+swatchW+8, it.y+swatchH/2+headSize*0.35, fontHead, colInk, 0)
	}
}

// legendItems lists the looks the scene uses, in a fixed order.
func legendItems(s *scene) []legendItem {
	var used [numLooks]bool
	var unverified, blame, highlight, junction, plain, accepted, disputed, against bool
	for _, n := range s.nodes {
		if n.junction {
			junction = true
			continue
		}
		used[n.look] = true
		unverified = unverified || n.unverified
		blame = blame || n.blame
		highlight = highlight || n.highlight
	}
	for _, e := range s.edges {
		plain = plain || (!e.disputed && !e.accepted && !e.against)
		against = against || e.against
		accepted = accepted || e.accepted
		disputed = disputed || e.disputed
	}
	var items []legendItem
	for l := range numLooks {
		if used[l] {
			items = append(items, nodeLegend(l))
		}
	}
	items = appendIf(items, unverified, "Unverified (evidence asked)", swatchUnverified)
	items = appendIf(items, blame, "Blame wording (restate it)", swatchBlame)
	items = appendIf(items, highlight, "Highlighted", swatchHighlight)
	items = appendIf(items, plain, "Cause → effect (not yet reviewed)", swatchLink(&sceneEdge{}))
	items = appendIf(items, accepted, "Link accepted", swatchLink(&sceneEdge{accepted: true}))
	items = appendIf(items, disputed, "Link disputed", swatchLink(&sceneEdge{disputed: true}))
	items = appendIf(items, against, "Injection against a node (fixes or trims it)", swatchLink(&sceneEdge{against: true}))
	items = appendIf(items, junction, "AND: only together sufficient", swatchJunction)
	return items
}

func appendIf(items []legendItem, ok bool, label string, draw func(canvas, float64, float64)) []legendItem {
	if !ok {
		return items
	}
	return append(items, legendItem{label: label, draw: draw})
}

func nodeLegend(l look) legendItem {
	st := styles[l]
	return legendItem{label: st.name, draw: func(c canvas, x, y float64) {
		drawBox(c, st, x, y, swatchW, swatchH, false)
	}}
}

func swatchUnverified(c canvas, x, y float64) {
	drawBox(c, styles[lookCause], x, y, swatchW, swatchH, true)
	drawQMark(c, x+swatchW-markerSize/2-3, y+swatchH/2)
}

func swatchBlame(c canvas, x, y float64) {
	drawBox(c, styles[lookCause], x, y, swatchW, swatchH, false)
	drawBlameMark(c, x+swatchW-markerSize/2-3, y+swatchH/2)
}

func swatchHighlight(c canvas, x, y float64) {
	c.rect(x, y, swatchW, swatchH, 8, paint{fill: colHighlight})
	drawBox(c, styles[lookCause], x+5, y+5, swatchW-10, swatchH-10, false)
}

func swatchJunction(c canvas, x, y float64) {
	drawJunction(c, x+swatchW/2, y+swatchH/2, swatchW, swatchH)
}

func swatchLink(e *sceneEdge) func(canvas, float64, float64) {
	return func(c canvas, x, y float64) {
		pen := edgePaint(e)
		mid := y + swatchH/2
		base, tip := point{x + swatchW - arrowLen, mid}, point{x + swatchW, mid}
		c.curve([]point{{x, mid}, {x + 10, mid}, {base.X - 10, mid}, base}, pen)
		c.polygon(arrowHead(base, tip), paint{fill: pen.stroke, stroke: pen.stroke, width: 1})
	}
}
