package tmplfuncs

import (
	"errors"
	"fmt"
	"reflect"
	"text/template"
	"text/template/parse"

	"github.com/idp-cli/idp/internal/bytesize"
)

// OutputFunc is the function Guard puts at the end of every action that prints its value, so
// that the value is measured before text/template hands it to fmt, which would build all of
// its text in memory (or recurse for ever on a dict that holds itself) before the renderer's
// size limits see a byte.
const OutputFunc = "_idpOutput"

// Guard makes every action in t and the templates associated with it that prints a value pass
// the value through OutputFunc first, which every Budget's Funcs and Map provide. It changes
// the parse trees, so call it once the text is parsed and before the template is shared; a
// tree already guarded is left as it is.
func Guard(t *template.Template) {
	for _, tt := range t.Templates() {
		GuardTree(tt.Tree)
	}
}

// GuardTree is Guard for one parse tree.
func GuardTree(tr *parse.Tree) {
	if tr != nil && tr.Root != nil {
		guardNode(tr, tr.Root)
	}
}

func guardNode(tr *parse.Tree, n parse.Node) {
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return
		}
		for _, c := range n.Nodes {
			guardNode(tr, c)
		}
	case *parse.ActionNode:
		p := n.Pipe
		if p == nil || len(p.Decl) > 0 || len(p.Cmds) == 0 {
			return // an assignment prints nothing
		}
		last := p.Cmds[len(p.Cmds)-1]
		if id, ok := last.Args[0].(*parse.IdentifierNode); ok && id.Ident == OutputFunc {
			return
		}
		id := parse.NewIdentifier(OutputFunc).SetTree(tr).SetPos(last.Position())
		p.Cmds = append(p.Cmds, &parse.CommandNode{NodeType: parse.NodeCommand, Pos: last.Position(), Args: []parse.Node{id}})
	case *parse.IfNode:
		guardNode(tr, n.List)
		guardNode(tr, n.ElseList)
	case *parse.RangeNode:
		guardNode(tr, n.List)
		guardNode(tr, n.ElseList)
	case *parse.WithNode:
		guardNode(tr, n.List)
		guardNode(tr, n.ElseList)
	}
}

// output is OutputFunc: it lets a value through when fmt can print it within what is left of
// the budget.
func (b *Budget) output(v any) (any, error) {
	if err := b.ctx.Err(); err != nil {
		return nil, err
	}
	switch v.(type) {
	case nil, string, bool, int, int64, float64:
		return v, nil
	}
	if _, err := newMeasurer(b.ctx, b.left()).measure(reflect.ValueOf(v)); err != nil {
		switch {
		case errors.Is(err, errLarge):
			return nil, &Error{Err: ErrBudget, Msg: fmt.Sprintf("prints a value larger than what is left of the %s expressions may build", bytesize.Text(b.max))}
		case errors.Is(err, errCycle):
			return nil, &Error{Msg: "prints a dict that contains itself, which cannot be printed"}
		case errors.Is(err, errDeep):
			return nil, &Error{Msg: fmt.Sprintf("prints lists or dicts nested more than %d deep, more than idp prints; build flatter values", MaxDepth)}
		}
		return nil, err
	}
	return v, nil
}
