package workflow

// Phase is where an RCA stands in the method.
type Phase string

// The phases of an RCA, in order.
const (
	PhaseCollecting  Phase = "collecting"
	PhaseWiring      Phase = "wiring"
	PhaseChallenging Phase = "challenging"
	PhaseFixing      Phase = "fixing"
	PhaseClosed      Phase = "closed"
)

// Phases lists the phases in order.
var Phases = []Phase{PhaseCollecting, PhaseWiring, PhaseChallenging, PhaseFixing, PhaseClosed}
