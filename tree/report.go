package tree

// DefaultThreshold is the share of the weighted UDE impact a root must both
// explain and, fixed alone, remove to be a core cause.
const DefaultThreshold = 0.7

// DefaultMaxChains is how many causal chains Analyze lists at most; the rest
// are counted in Analysis.ChainsLeftOut.
const DefaultMaxChains = 100

// maxChainSteps bounds the steps of all listed chains together, so that very
// long chains cannot make a report unreadably large.
const maxChainSteps = 2000

// DefaultExactLimit is the number of roots up to which minimal sets are
// searched exhaustively; beyond it a greedy search with a bound is used.
const DefaultExactLimit = 25

// Options tunes Analyze.
type Options struct {
	// Threshold is the weighted UDE share (0–1] a root must explain, and
	// remove when fixed alone, to be a core cause; 0 means DefaultThreshold.
	Threshold float64
	// AcceptedOnly counts only links accepted in the challenge pass (set once
	// the pass has started); other links are reported as unreviewed.
	AcceptedOnly bool
	// ExactLimit bounds the exhaustive minimal-set search; 0 means DefaultExactLimit.
	ExactLimit int
	// MaxChains bounds the chains listed; 0 means DefaultMaxChains.
	MaxChains int
}

// Analysis is everything Analyze finds in a tree. Field names and JSON tags
// are a stable, documented interface (`untangle analyze --report json`).
type Analysis struct {
	Threshold   float64  `json:"threshold"`
	UDEs        []NodeID `json:"udes"`         // every UDE, by number
	TotalImpact int      `json:"total_impact"` // the sum of UDE weights
	// Roots are the root causes ranked by the weighted impact that fixing
	// each alone removes, then by the weighted impact it explains, then by
	// depth (deeper first), then by number.
	Roots []Root `json:"roots"`
	// CoreCauses indexes Roots: the roots that explain at least Threshold of
	// the weighted impact and, fixed alone, remove at least that much.
	CoreCauses []int `json:"core_causes"`
	// Contributing indexes Roots: the roots that explain at least Threshold
	// of the impact but remove less, because other causes would still produce
	// the symptoms (OR alternatives). They rank after the core causes.
	Contributing []int `json:"contributing_causes"`
	// Cover is the smallest set of roots that together explain every explained UDE.
	Cover RootSet `json:"cover"`
	// Fix is the smallest set of roots whose fix removes every removable UDE.
	Fix         RootSet    `json:"fix"`
	Unexplained []NodeID   `json:"unexplained"` // UDEs that no cause explains
	Dangling    []NodeID   `json:"dangling"`    // nodes that reach no UDE
	Loops       [][]NodeID `json:"loops"`       // each cycle's nodes (a strongly connected component)
	Unreviewed  []GroupID  `json:"unreviewed"`  // links left out because they are not accepted yet
	Warnings    []Warning  `json:"warnings"`
	Chains      []Chain    `json:"chains"` // from each core cause to each UDE it explains
	// ChainsLeftOut counts the chains not listed in Chains because there were
	// more than Options.MaxChains of them or they were too long together.
	ChainsLeftOut int `json:"chains_left_out"`
}

// Root is a root cause: a node with no incoming group, or a loop with no
// cause from outside it (then Nodes holds the whole loop).
type Root struct {
	Nodes    []NodeID `json:"nodes"`
	Explains []NodeID `json:"explains"` // UDEs reachable from the root
	Impact   int      `json:"impact"`   // summed weight of Explains
	Share    float64  `json:"share"`    // Impact / total UDE impact, 0–1
	Removes  []NodeID `json:"removes"`  // UDEs that no longer hold when this root alone is fixed
	// RemovedImpact is the summed weight of Removes.
	RemovedImpact int `json:"removed_impact"`
	// RemovalShare is RemovedImpact / total UDE impact, 0–1.
	RemovalShare float64 `json:"removal_share"`
	Depth        int     `json:"depth"` // longest cause→effect distance to an explained UDE
	// Core is set on core causes: Share and RemovalShare both reach the threshold.
	Core bool `json:"core"`
	// Contributing is set when Share reaches the threshold but RemovalShare does not.
	Contributing bool `json:"contributing"`
}

// RootSet is a minimal set of roots found by search.
type RootSet struct {
	Roots   []int    `json:"roots"`   // indexes into Analysis.Roots
	Covered []NodeID `json:"covered"` // the UDEs the set explains (Cover) or removes (Fix)
	Exact   bool     `json:"exact"`   // true when proven minimal, false when greedy
}

// WarningCode names a kind of warning.
type WarningCode string

// Warning codes.
const (
	WarnNoUDEs           WarningCode = "no_udes"
	WarnSeparateClusters WarningCode = "separate_clusters" // no root reaches 50 % coverage
	WarnTiedRoots        WarningCode = "tied_roots"        // several roots share the top coverage
	WarnNoCoreCause      WarningCode = "no_core_cause"     // no root both explains and removes the threshold
	WarnUnexplained      WarningCode = "unexplained_udes"  // some UDEs have no cause
	WarnUnreviewedLinks  WarningCode = "unreviewed_links"  // links were left out of the analysis
	WarnUnremovableUDEs  WarningCode = "unremovable_udes"  // fixing every root still leaves UDEs (loops)
	// WarnBlameWording marks a node worded as blame. Analyze never adds it:
	// the wording check lives with the callers, which append it.
	WarnBlameWording WarningCode = "blame_wording"
)

// Warning is a plain-language remark about the shape of the tree.
type Warning struct {
	Code    WarningCode `json:"code"`
	Message string      `json:"message"`
}

// Chain is one causal path from a core cause to a UDE, as the groups it passes
// through in order (cause side first).
type Chain struct {
	From  NodeID    `json:"from"`
	To    NodeID    `json:"to"`
	Steps []GroupID `json:"steps"`
}

// Elimination is what remains of the tree when a set of nodes is neutralised.
type Elimination struct {
	Neutralised []NodeID `json:"neutralised"`
	Removed     []NodeID `json:"removed"`   // UDEs that no longer hold
	Remaining   []NodeID `json:"remaining"` // UDEs that still hold
	Holding     []NodeID `json:"holding"`   // every node that still holds
}
