package webview

import (
	_ "embed"
	"fmt"
	"html/template"
	"strings"
	"time"

	"github.com/untangle-rca/untangle/tree"
	"github.com/untangle-rca/untangle/workflow"
)

//go:embed page.html
var pageHTML string

//go:embed page.css
var pageCSS string

//go:embed page.js
var pageJS string

// pageTemplate is the page; every user text goes through html/template's
// escaping. Only the SVG (drawn by tree/render, which escapes its text and
// draws node text as glyph outlines), the style sheet and the script are
// inserted as they are.
var pageTemplate = template.Must(template.New("page").Parse(pageHTML))

// page is what the template shows.
type page struct {
	Nonce       string
	Title       string
	Phase       string
	Severity    string
	Private     bool
	Due         string
	Expires     string
	CSS         template.CSS
	JS          template.JS
	SVG         template.HTML
	Data        pageData
	Core        []cause
	Others      []cause
	Symptoms    []item
	Unexplained []item
	Fixes       []fix
	HasStatus   bool   // some fix has a status: show the column
	Combined    string // what every fix together removes
}

// pageData is what the script needs to find, search and highlight nodes.
type pageData struct {
	Nodes []nodeData `json:"nodes"`
}

// nodeData is one node for the script; ID is its SVG group's id.
type nodeData struct {
	ID   string `json:"id"`
	Num  int    `json:"num"`
	Text string `json:"text"`
	Kind string `json:"kind"`
	Core bool   `json:"core,omitempty"`
}

// cause is a root cause with what it explains.
type cause struct {
	Node   string // the SVG group's id
	Num    int
	Text   string
	Share  string
	Detail string
	Chains []string
}

// item is a numbered node.
type item struct {
	Node string
	Num  int
	Text string
	Note string
}

// fix is one proposed fix.
type fix struct {
	Node      string
	Num       int
	Cause     string
	Injection string
	Owner     string
	Due       string
	Status    string
	Removes   string
}

func nodeGroup(id tree.NodeID) string { return fmt.Sprintf("node-n%d", int(id)) }

// newPage builds the page of sum around the tree's SVG.
func newPage(sum *workflow.Summary, svg, nonce string, expires time.Time) *page {
	t, a := sum.Tree, sum.Analysis
	p := &page{Nonce: nonce, Title: sum.RCA.Title, Phase: string(sum.RCA.Phase), Severity: sum.RCA.Severity,
		Private: sum.RCA.Private, Due: day(sum.RCA.Due), Expires: expires.UTC().Format("2 January 2006 15:04 UTC"),
		CSS: template.CSS(pageCSS), JS: template.JS(pageJS), SVG: template.HTML(svg)}
	core := map[tree.NodeID]bool{}
	for _, c := range sum.CoreCauses {
		core[c.Node] = true
		p.Core = append(p.Core, cause{Node: nodeGroup(c.Node), Num: int(c.Node), Text: c.Text,
			Share: fmt.Sprintf("%.0f%%", c.Share*100), Detail: explains(a, c.Explains, c.Removes), Chains: c.Chains})
	}
	for _, r := range a.Roots {
		for _, id := range r.Nodes {
			if n, ok := t.Node(id); ok && !core[id] {
				p.Others = append(p.Others, cause{Node: nodeGroup(id), Num: int(id), Text: n.Text,
					Share: fmt.Sprintf("%.0f%%", r.Share*100), Detail: explains(a, r.Explains, r.Removes)})
			}
		}
	}
	for _, n := range t.Nodes() {
		p.Data.Nodes = append(p.Data.Nodes, nodeData{ID: nodeGroup(n.ID), Num: int(n.ID), Text: n.Text,
			Kind: string(n.Kind), Core: core[n.ID]})
		if n.Kind == tree.KindUDE {
			p.Symptoms = append(p.Symptoms, item{Node: nodeGroup(n.ID), Num: int(n.ID), Text: n.Text,
				Note: fmt.Sprintf("weight %d", n.Impact())})
		}
	}
	for _, id := range a.Unexplained {
		if n, ok := t.Node(id); ok {
			p.Unexplained = append(p.Unexplained, item{Node: nodeGroup(id), Num: int(id), Text: n.Text})
		}
	}
	p.fixes(sum)
	return p
}

// fixes fills in the fixes and what they remove together.
func (p *page) fixes(sum *workflow.Summary) {
	total := len(sum.Analysis.UDEs)
	for _, f := range sum.Fixes {
		text := ""
		if n, ok := sum.Tree.Node(f.Fix.Node); ok {
			text = n.Text
		}
		x := fix{Node: nodeGroup(f.Fix.Node), Num: int(f.Fix.Node), Cause: text, Injection: f.Fix.Injection,
			Owner: f.Fix.Owner, Due: day(f.Fix.Due), Status: fixStatus(f.Fix),
			Removes: fmt.Sprintf("%d/%d symptoms", len(f.Elimination.Removed), total)}
		p.HasStatus = p.HasStatus || x.Status != ""
		p.Fixes = append(p.Fixes, x)
	}
	if len(sum.Fixes) > 0 {
		p.Combined = fmt.Sprintf("All fixes together remove %d of %d symptoms.", len(sum.Combined.Removed), total)
	}
}

// fixStatus is a fix's status for the status column; fixes carry no status
// yet, so the column stays hidden until one does.
func fixStatus(workflow.Fix) string { return "" }

// explains says how many symptoms a root explains and removes.
func explains(a *tree.Analysis, explained, removes []tree.NodeID) string {
	return fmt.Sprintf("explains %d/%d symptoms · fixing it alone removes %d", len(explained), len(a.UDEs), len(removes))
}

// day formats a date, "" for none.
func day(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("Mon 2 Jan 2006")
}

// PageTitle is the title of the browser tab.
func (p *page) PageTitle() string { return strings.TrimSpace(p.Title) + " · untangle" }
