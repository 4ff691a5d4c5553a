package render

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"

	"github.com/goccy/go-graphviz"
	"github.com/goccy/go-graphviz/cgraph"
)

// Renderer lays out and paints trees. It is safe for concurrent use; layouts
// are serialised because Graphviz runs in one process-wide WebAssembly
// instance, painting and encoding run in parallel.
type Renderer struct {
	gv     *graphviz.Graphviz
	mu     *sync.Mutex
	closed bool
}

// layoutMu serialises every call into go-graphviz: the library keeps a single
// WebAssembly module instance per process (internal/wasm's package variable)
// that must not be entered by two goroutines at once, whichever Renderer
// they come from.
var layoutMu sync.Mutex

// ErrClosed is returned by a Renderer used after Close.
var ErrClosed = errors.New("render: renderer is closed")

// New creates a Renderer with its own Graphviz context. Call Close when done.
func New(ctx context.Context) (*Renderer, error) {
	layoutMu.Lock()
	defer layoutMu.Unlock()
	gv, err := graphviz.New(ctx)
	if err != nil {
		return nil, fmt.Errorf("render: start graphviz: %w", err)
	}
	return &Renderer{gv: gv, mu: &layoutMu}, nil
}

// Close frees the Graphviz context. Calling it twice is harmless.
func (r *Renderer) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return nil
	}
	r.closed = true
	if err := r.gv.Close(); err != nil {
		return fmt.Errorf("render: close graphviz: %w", err)
	}
	return nil
}

// layout runs Graphviz dot on the scene and stores node centres, edge splines
// and label positions in it, in layout units with y pointing down.
func (r *Renderer) layout(ctx context.Context, s *scene) error {
	src := s.dot()
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return ErrClosed
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("render: layout: %w", err)
	}
	g, err := graphviz.ParseBytes(src)
	if err != nil {
		return fmt.Errorf("render: parse dot: %w", err)
	}
	defer g.Close()
	// Rendering to the "dot" format makes Graphviz attach pos, bb and lp
	// attributes to the graph, which we read back below.
	if err := r.gv.Render(ctx, g, graphviz.XDOT, io.Discard); err != nil {
		return fmt.Errorf("render: layout: %w", err)
	}
	return readLayout(g, s)
}

// readLayout copies positions from the laid-out graph into the scene.
func readLayout(g *cgraph.Graph, s *scene) error {
	bb, err := parsePoints(g.GetStr("bb"))
	if err != nil || len(bb) != 2 {
		return fmt.Errorf("render: graph bounding box %q: %w", g.GetStr("bb"), errBadLayout)
	}
	top := bb[1].Y
	flip := func(p point) point { return point{p.X, top - p.Y} }
	edges := make(map[string]*sceneEdge, len(s.edges))
	for _, e := range s.edges {
		edges[e.key] = e
	}
	for _, n := range s.nodes {
		gn, err := g.NodeByName(n.name)
		if err != nil || gn == nil {
			return fmt.Errorf("render: node %s missing after layout: %w", n.name, errBadLayout)
		}
		pts, err := parsePoints(gn.GetStr("pos"))
		if err != nil || len(pts) != 1 {
			return fmt.Errorf("render: node %s position %q: %w", n.name, gn.GetStr("pos"), errBadLayout)
		}
		n.pos = flip(pts[0])
		if err := readEdges(g, gn, edges, flip); err != nil {
			return err
		}
	}
	for key, e := range edges {
		if e.spline == nil {
			return fmt.Errorf("render: edge %s missing after layout: %w", key, errBadLayout)
		}
	}
	return nil
}

var errBadLayout = errors.New("unexpected graphviz layout")

func readEdges(g *cgraph.Graph, n *cgraph.Node, edges map[string]*sceneEdge, flip func(point) point) error {
	ge, err := g.FirstOut(n)
	for ; err == nil && ge != nil; ge, err = g.NextOut(ge) {
		key := ge.GetStr("id")
		e, ok := edges[key]
		if !ok {
			return fmt.Errorf("render: unknown edge %q after layout: %w", key, errBadLayout)
		}
		if err := e.setSpline(ge.GetStr("pos"), flip); err != nil {
			return fmt.Errorf("render: edge %s: %w", key, err)
		}
		if lp := ge.GetStr("lp"); lp != "" {
			pts, err := parsePoints(lp)
			if err != nil || len(pts) != 1 {
				return fmt.Errorf("render: edge %s label position %q: %w", key, lp, errBadLayout)
			}
			e.labelPos = flip(pts[0])
		}
	}
	if err != nil {
		return fmt.Errorf("render: walk edges: %w", err)
	}
	return nil
}

// setSpline parses a Graphviz edge pos: optional "s,x,y" and "e,x,y" arrow
// points followed by 3n+1 bezier control points.
func (e *sceneEdge) setSpline(pos string, flip func(point) point) error {
	// Several splines (separated by ';') only occur with concentrate; keep the first.
	pos, _, _ = strings.Cut(pos, ";")
	var pts []point
	for _, f := range strings.Fields(pos) {
		switch {
		case strings.HasPrefix(f, "e,"):
			p, err := parsePoint(f[2:])
			if err != nil {
				return err
			}
			tip := flip(p)
			e.tip = &tip
		case strings.HasPrefix(f, "s,"):
			// A start arrow; we never ask for one.
		default:
			p, err := parsePoint(f)
			if err != nil {
				return err
			}
			pts = append(pts, flip(p))
		}
	}
	if len(pts) < 4 || (len(pts)-1)%3 != 0 {
		return fmt.Errorf("spline %q has %d points: %w", pos, len(pts), errBadLayout)
	}
	e.spline = pts
	return nil
}

// parsePoints parses "x,y,x,y..." (bb) or "x,y" (pos).
func parsePoints(s string) ([]point, error) {
	parts := strings.Split(s, ",")
	if len(parts) < 2 || len(parts)%2 != 0 {
		return nil, fmt.Errorf("%q: %w", s, errBadLayout)
	}
	var out []point
	for i := 0; i < len(parts); i += 2 {
		p, err := parsePoint(parts[i] + "," + parts[i+1])
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

func parsePoint(s string) (point, error) {
	xs, ys, ok := strings.Cut(strings.TrimSuffix(s, "!"), ",")
	if !ok {
		return point{}, fmt.Errorf("point %q: %w", s, errBadLayout)
	}
	x, err := strconv.ParseFloat(strings.TrimSpace(xs), 64)
	if err != nil {
		return point{}, fmt.Errorf("point %q: %w", s, err)
	}
	y, err := strconv.ParseFloat(strings.TrimSpace(ys), 64)
	if err != nil {
		return point{}, fmt.Errorf("point %q: %w", s, err)
	}
	return point{x, y}, nil
}
