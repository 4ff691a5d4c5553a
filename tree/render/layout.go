package render

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/goccy/go-graphviz"
)

// Renderer lays out and paints trees. It is safe for concurrent use; layouts
// are serialised because Graphviz runs in one process-wide WebAssembly
// instance, painting and encoding run in parallel.
type Renderer struct {
	gv     *graphviz.Graphviz
	fonts  *fonts
	closed bool // guarded by layoutMu
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
	f, err := processFonts()
	if err != nil {
		return nil, err
	}
	layoutMu.Lock()
	defer layoutMu.Unlock()
	gv, err := graphviz.New(ctx)
	if err != nil {
		return nil, fmt.Errorf("render: start graphviz: %w", err)
	}
	return &Renderer{gv: gv, fonts: f}, nil
}

// Close frees the Graphviz context. Calling it twice is harmless.
func (r *Renderer) Close() error {
	layoutMu.Lock()
	defer layoutMu.Unlock()
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
	layoutMu.Lock()
	defer layoutMu.Unlock()
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
	// One call returns every position as JSON ("json0" leaves out the
	// drawing operations); reading attributes object by object would cost a
	// WebAssembly call (and its stack allocation) each.
	var out bytes.Buffer
	if err := r.gv.Render(ctx, g, graphviz.Format("json0"), &out); err != nil {
		return fmt.Errorf("render: layout: %w", err)
	}
	return readLayout(out.Bytes(), s)
}

// gvLayout is the part of Graphviz's JSON output we read.
type gvLayout struct {
	BB      string `json:"bb"`
	Objects []struct {
		Name string `json:"name"`
		Pos  string `json:"pos"`
	} `json:"objects"`
	Edges []struct {
		ID  string `json:"id"`
		Pos string `json:"pos"`
		LP  string `json:"lp"`
	} `json:"edges"`
}

// readLayout copies positions from Graphviz's JSON into the scene, with y
// flipped to point down.
func readLayout(data []byte, s *scene) error {
	var gl gvLayout
	if err := json.Unmarshal(data, &gl); err != nil {
		return fmt.Errorf("render: read layout: %w", err)
	}
	bb, err := parsePoints(gl.BB)
	if err != nil || len(bb) != 2 {
		return fmt.Errorf("render: graph bounding box %q: %w", gl.BB, errBadLayout)
	}
	top := bb[1].Y
	flip := func(p point) point { return point{p.X, top - p.Y} }
	nodes := make(map[string]*sceneNode, len(s.nodes))
	for _, n := range s.nodes {
		nodes[n.name] = n
	}
	placed := 0
	for _, o := range gl.Objects {
		n, ok := nodes[o.Name]
		if !ok {
			continue // a subgraph
		}
		pts, err := parsePoints(o.Pos)
		if err != nil || len(pts) != 1 {
			return fmt.Errorf("render: node %s position %q: %w", o.Name, o.Pos, errBadLayout)
		}
		n.pos = flip(pts[0])
		placed++
	}
	if placed != len(s.nodes) {
		return fmt.Errorf("render: %d of %d nodes placed: %w", placed, len(s.nodes), errBadLayout)
	}
	return readEdges(gl, s, flip)
}

func readEdges(gl gvLayout, s *scene, flip func(point) point) error {
	edges := make(map[string]*sceneEdge, len(s.edges))
	for _, e := range s.edges {
		edges[e.key] = e
	}
	for _, ge := range gl.Edges {
		e, ok := edges[ge.ID]
		if !ok {
			return fmt.Errorf("render: unknown edge %q after layout: %w", ge.ID, errBadLayout)
		}
		if err := e.setSpline(ge.Pos, flip); err != nil {
			return fmt.Errorf("render: edge %s: %w", ge.ID, err)
		}
		if ge.LP != "" {
			pts, err := parsePoints(ge.LP)
			if err != nil || len(pts) != 1 {
				return fmt.Errorf("render: edge %s label position %q: %w", ge.ID, ge.LP, errBadLayout)
			}
			e.labelPos = flip(pts[0])
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
