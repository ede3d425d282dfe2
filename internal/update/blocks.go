package update

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/idp-cli/idp/internal/block"
	"github.com/idp-cli/idp/internal/merge"
	"github.com/idp-cli/idp/internal/render"
)

// blocks decides the golden path's managed blocks: each in a file of a lower layer, where only
// the lines between its markers are ever rewritten. done are the changes decided so far, which
// no block's file may be among.
func (p *planner) blocks(ctx context.Context, done []Change) ([]Change, error) {
	paths := map[string]bool{}
	for _, t := range []*render.Tree{p.Base, p.Target} {
		for _, b := range t.Blocks {
			paths[b.Path] = true
		}
	}
	var out []Change
	for _, path := range slices.Sorted(maps.Keys(paths)) {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if slices.ContainsFunc(done, func(c Change) bool { return c.Path == path || c.From == path }) {
			return nil, fmt.Errorf("%s is both a file of %s and the file of one of its managed blocks; a block goes in a file of a lower layer only", path, p.Layer)
		}
		c, err := p.block(ctx, path, p.Base.LookupBlock(path), p.Target.LookupBlock(path))
		if err != nil {
			return nil, err
		}
		if c != nil {
			out = append(out, *c)
		}
	}
	return out, nil
}

// block decides one file's managed block, base and target being the block in the recorded
// version and the target (nil: none).
func (p *planner) block(ctx context.Context, path string, base, target *render.Block) (*Change, error) {
	if base != nil && target != nil && bytes.Equal(base.Content, target.Content) {
		return nil, nil // the golden path did not change it
	}
	if c := p.ignored(path); c != nil {
		return c, nil
	}
	local, err := p.readLocal(path)
	if err != nil {
		return nil, err
	}
	if b := p.blocked[path]; b != nil {
		c := p.blockedChange(path, b)
		c.managed = true
		return c, nil
	}
	name := "the block " + p.Layer
	c := &Change{Path: path, Before: local, After: local, managed: true}
	switch {
	case !local.Exists:
		if target == nil {
			return nil, nil
		}
		c.Action, c.After, c.Reason = Skipped, Side{}, name+" goes in this file, which is not in the service; it is not written (add the file, then update again)"
		return c, nil
	case local.Mode.Type() != 0:
		c.Action, c.Reason = Conflict, name+" goes in this path, which is not a regular file here; make it one, then update again"
		return c, nil
	case merge.IsBinary(local.Data):
		c.Action, c.Reason = Conflict, name+" goes in this file, which is binary here; idp marks blocks in text files only"
		return c, nil
	}
	found, err := block.Find(local.Data, path, p.Layer)
	var me *block.MarkerError
	if errors.As(err, &me) {
		c.Action, c.Reason = Conflict, me.Error()
		return c, nil
	}
	if err != nil {
		return nil, err
	}
	set := func(data []byte, reason string) (*Change, error) {
		if bytes.Equal(data, local.Data) {
			return nil, nil
		}
		c.Action, c.After, c.Reason = Updated, Side{Exists: true, Data: data, Mode: local.Mode}, reason
		return c, nil
	}
	switch {
	case target != nil && found == nil && base != nil:
		c.Action, c.Reason = Skipped, name+" was taken out of this file here; it stays out (put the markers back to have it again)"
		return c, nil
	case target != nil && found == nil:
		data, anchored, err := block.Insert(local.Data, path, p.Layer, target.Content, target.After)
		if err != nil {
			return nil, err
		}
		if !anchored {
			c.Action, c.After = Conflict, Side{Exists: true, Data: data, Mode: local.Mode}
			c.Reason = fmt.Sprintf("no line matches %q, where %s goes; it is at the end of the file: move it where it belongs, markers and all", target.After.String(), name)
			return c, nil
		}
		return set(data, name+" added")
	case found == nil:
		return nil, nil // gone here, and gone from the golden path
	case target == nil:
		if base != nil && bytes.Equal(found.Content, block.Body(local.Data, base.Content)) {
			return set(block.Remove(local.Data, found), name+" taken out")
		}
		c.Action, c.Reason = Conflict, name+" was edited here, and the golden path no longer has it; take it out yourself, markers and all, if it is not needed"
		return c, nil
	}
	want := block.Body(local.Data, target.Content)
	if bytes.Equal(found.Content, want) {
		return nil, nil
	}
	var old []byte
	if base != nil {
		old = block.Body(local.Data, base.Content)
	}
	if base != nil && bytes.Equal(found.Content, old) {
		return set(block.Replace(local.Data, found, target.Content), name+" rewritten")
	}
	// Edited here: the golden path's change is merged into the block, never over the edit.
	r, err := merge.Text(ctx, path, old, found.Content, want, p.Labels, p.Rej)
	if err != nil {
		return nil, fmt.Errorf("merge %s in %s: %w", name, path, err)
	}
	data := block.Replace(local.Data, found, r.Data)
	if r.Conflicts == 0 {
		return set(data, name+" rewritten, keeping its edits here")
	}
	c.Action, c.Conflicts, c.After = Conflict, r.Conflicts, Side{Exists: true, Data: data, Mode: local.Mode}
	c.Reason = fmt.Sprintf("%s was edited here and changed in the golden path: %d conflicting %s marked in the block", name, r.Conflicts, plural(r.Conflicts, "change"))
	if r.Rej != nil {
		c.Extra, c.ExtraData = path+".rej", r.Rej
		c.Reason = fmt.Sprintf("%s was edited here and changed in the golden path: %d conflicting %s of the golden path in %s", name, r.Conflicts, plural(r.Conflicts, "change"), c.Extra)
	}
	return c, nil
}
