package tree

// This file holds the part of the statement syntax that records a Future
// Reality Tree's fixes: the against= attribute of an injection, naming the
// node it neutralises (or of a desired effect, naming the symptom it is the
// positive counterpart of), read by the parser and resolved by Apply once every
// node is declared (a target may be declared further down).

// target parses the value of an against= attribute: #N, N, [text] or [#N text].
func (p *stParser) target(a stAttr) (Ref, *SyntaxError) {
	if a.value != nil && (a.value.kind == tokRef || a.value.kind == tokText) {
		r := a.value.ref
		r.Col = a.col
		return r, nil
	}
	n, err := p.number(a)
	return Ref{Col: a.col, ID: NodeID(n)}, err
}

// target is an against= of a declaration, resolved once every node is declared.
type target struct {
	line  int
	node  NodeID // the declared injection
	fresh bool   // the declaration added the node (else it referred to an existing one)
	ref   Ref
}

// checkTargets resolves each against= to an existing node and sets it on the
// injections the statements added; an existing injection must already be
// against that node.
func (a *stApplier) checkTargets() {
	for _, tg := range a.targets {
		id, ok := a.findTarget(tg)
		if !ok {
			continue
		}
		n := a.t.nodes[tg.node]
		switch {
		case n.Kind != KindInjection && n.Kind != KindDesiredEffect:
			a.fail(stErr(tg.line, tg.ref.Col, ErrInvalidNode, "only an injection or a desired effect is against a node, not %s", kindName(n.Kind)))
		case n.Kind == KindDesiredEffect && a.t.nodes[id].Kind != KindUDE:
			a.fail(stErr(tg.line, tg.ref.Col, ErrInvalidNode, "a desired effect is against the symptom it is the counterpart of, not %s", kindName(a.t.nodes[id].Kind)))
		case id == n.ID:
			a.fail(stErr(tg.line, tg.ref.Col, ErrInvalidNode, "an injection cannot be against itself"))
		case tg.fresh:
			n.Against = id
		case n.Against != id:
			a.fail(stErr(tg.line, tg.ref.Col, ErrDuplicateNode, "%s is not against %s", n.ID, id))
		}
	}
}

// findTarget finds the node an against= names.
func (a *stApplier) findTarget(tg target) (NodeID, bool) {
	if tg.ref.ID != 0 {
		n, ok := a.byNumber(tg.line, tg.ref)
		if !ok {
			return 0, false
		}
		return n.ID, true
	}
	norm, ok := a.normalize(tg.line, tg.ref)
	if !ok {
		return 0, false
	}
	id, ok := a.t.byText[norm]
	if !ok {
		a.fail(stErr(tg.line, tg.ref.Col, ErrUnknownNode, "against=[%s]: no node says that", norm))
	}
	return id, ok
}
