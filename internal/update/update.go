// Package update moves a service to a newer version of its golden path: it merges the golden
// path's change (the old version rendered with the recorded answers, to the new version
// rendered with the new answers) into the service's files, file by file, keeping every local
// change. Plan computes everything in memory; Apply writes it.
package update

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/idp-cli/idp/internal/merge"
	"github.com/idp-cli/idp/internal/pathglob"
	"github.com/idp-cli/idp/internal/render"
	"github.com/idp-cli/idp/internal/servicedir"
)

// Action is what an update does to one path.
type Action string

// The actions, as the summary and the JSON report name them.
const (
	Updated  Action = "updated"
	Added    Action = "added"
	Removed  Action = "removed"
	Moved    Action = "moved"
	Conflict Action = "conflict"
	// Skipped is a golden-path change to a file deleted here: nothing is written, but the
	// change is never dropped without a word.
	Skipped Action = "skipped"
	// Ignored is a golden-path change to a path that .idp.yaml's ignore covers: never written.
	Ignored Action = "ignored"
)

// Side is one version of a file: absent, or its content and mode (0644, 0755 or a symlink,
// whose content is its target).
type Side struct {
	Exists bool
	Data   []byte
	Mode   fs.FileMode
}

func (s Side) equal(o Side) bool {
	return s.Exists == o.Exists && (!s.Exists || s.Mode == o.Mode && bytes.Equal(s.Data, o.Data))
}

func (s Side) link() bool { return s.Mode&fs.ModeSymlink != 0 }

func fromTree(t *render.Tree, p string) Side {
	if f := t.Lookup(p); f != nil {
		return Side{Exists: true, Data: f.Data, Mode: f.Mode}
	}
	return Side{}
}

// Change is what the update does to one path of the service.
type Change struct {
	Path      string `json:"path"`
	Action    Action `json:"action"`
	From      string `json:"from,omitempty"`      // a move's old path
	Reason    string `json:"reason,omitempty"`    // why a conflict is one
	Conflicts int    `json:"conflicts,omitempty"` // conflicting regions in a merged text file
	Extra     string `json:"extra,omitempty"`     // FILE.rej or FILE.idp-new written beside it

	Before Side `json:"-"` // the service's file before
	After  Side `json:"-"` // and after; absent when removed
	// ExtraData is the content of Extra.
	ExtraData []byte `json:"-"`

	blockedBy *servicedir.BlockedError // a link or file of the service in the way
	managed   bool                     // a managed block's change, decided on its own
}

// Options is one update's inputs.
type Options struct {
	Dir          string       // the service's root
	Base, Target *render.Tree // the recorded version with the recorded answers; the target
	Owned        []string     // globs of files the service owns after creation
	Labels       merge.Labels // conflict marker labels
	Rej          bool         // conflicts: the golden path's hunks to FILE.rej, not markers
	// Layer names the golden path's managed blocks (idp:begin <Layer>) in Base.Blocks and
	// Target.Blocks.
	Layer string
	// Ignore are globs of the service's paths that are never touched (.idp.yaml's ignore).
	Ignore []string
}

// Plan works out every change, reading the service's files but writing nothing.
func Plan(ctx context.Context, o Options) ([]Change, error) {
	d, err := servicedir.Open(o.Dir)
	if err != nil {
		return nil, err
	}
	defer d.Close()
	p := &planner{Options: o, dir: d, local: map[string]Side{}, blocked: map[string]*servicedir.BlockedError{}}
	moves := p.moves()
	movedTo := map[string]bool{}
	for _, to := range moves {
		movedTo[to] = true
	}
	paths := map[string]bool{}
	for _, t := range []*render.Tree{o.Base, o.Target} {
		for _, f := range t.Files {
			paths[f.Path] = true
		}
	}
	var out []Change
	for _, path := range slices.Sorted(maps.Keys(paths)) {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if path == ".idp.yaml" || movedTo[path] {
			continue
		}
		if to, ok := moves[path]; ok {
			cs, err := p.move(ctx, path, to)
			if err != nil {
				return nil, err
			}
			out = append(out, cs...)
			continue
		}
		c, err := p.path(ctx, path)
		if err != nil {
			return nil, err
		}
		if c != nil {
			out = append(out, *c)
		}
	}
	blocks, err := p.blocks(ctx, out)
	if err != nil {
		return nil, err
	}
	out = append(out, blocks...)
	out, err = p.unblock(ctx, out)
	if err != nil {
		return nil, err
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	if err := p.freeExtras(out); err != nil {
		return nil, err
	}
	return out, nil
}

type planner struct {
	Options
	dir     *servicedir.Dir
	local   map[string]Side
	blocked map[string]*servicedir.BlockedError // paths behind a link or a file in the service
}

// moves finds files whose rendered path changed while the golden path's file stayed the same
// (an answer or a template change renamed them), or that the golden path renamed with their
// content unchanged: old path -> new path.
func (p *planner) moves() map[string]string {
	bySource := map[string][]string{}
	for _, f := range p.Target.Files {
		if p.Base.Lookup(f.Path) == nil {
			bySource[f.Source] = append(bySource[f.Source], f.Path)
		}
	}
	byData := map[string][]string{}
	for _, paths := range bySource {
		for _, to := range paths {
			d := string(p.Target.Lookup(to).Data)
			byData[d] = append(byData[d], to)
		}
	}
	moves := map[string]string{}
	taken := map[string]bool{}
	for _, f := range p.Base.Files {
		if p.Target.Lookup(f.Path) != nil || p.ignored(f.Path) != nil {
			continue
		}
		if to := bySource[f.Source]; len(to) == 1 && !taken[to[0]] && p.ignored(to[0]) == nil {
			moves[f.Path], taken[to[0]] = to[0], true
		} else if to := byData[string(f.Data)]; len(to) == 1 && !taken[to[0]] && len(f.Data) > 0 && p.ignored(to[0]) == nil {
			// The golden path renamed the file without changing it.
			moves[f.Path], taken[to[0]] = to[0], true
		}
	}
	return moves
}

func (p *planner) owned(path string) bool { return pathglob.MatchAny(p.Owned, path) }

// ignored is the change to a path that .idp.yaml's ignore covers, or nil.
func (p *planner) ignored(path string) *Change {
	for _, g := range p.Ignore {
		if pathglob.Match(g, path) {
			return &Change{Path: path, Action: Ignored, Reason: "ignore: " + g + " in .idp.yaml; the golden path's change is not applied"}
		}
	}
	return nil
}

// readLocal reads the service's file at path through the service's root, never through a
// link: a path behind a link or a file is recorded in p.blocked and reads as absent.
func (p *planner) readLocal(path string) (Side, error) {
	if s, ok := p.local[path]; ok {
		return s, nil
	}
	e, err := p.dir.Read(path)
	var b *servicedir.BlockedError
	if errors.As(err, &b) {
		p.blocked[path] = b
		err = nil
	}
	if err != nil {
		return Side{}, fmt.Errorf("read %s in the service: %w", path, err)
	}
	s := Side{}
	switch e.Kind {
	case servicedir.Missing:
	case servicedir.Link:
		s = Side{Exists: true, Data: e.Data, Mode: fs.ModeSymlink}
	case servicedir.File:
		s = Side{Exists: true, Data: e.Data, Mode: e.Mode}
	case servicedir.Directory:
		s = Side{Exists: true, Mode: fs.ModeDir} // a directory in the way
	default:
		s = Side{Exists: true, Mode: fs.ModeIrregular}
	}
	p.local[path] = s
	return s, nil
}

// blockedChange is a golden-path change to a path that the service reaches only through a link
// or a file of its own: never written through, always a conflict that names what is in the way.
func (p *planner) blockedChange(path string, b *servicedir.BlockedError) *Change {
	c := &Change{Path: path, Action: Conflict, blockedBy: b}
	switch b.Kind {
	case servicedir.Link:
		target := ""
		if e, err := p.dir.Read(b.By); err == nil && e.Kind == servicedir.Link {
			target = " (to " + string(e.Data) + ")"
		}
		c.Reason = b.By + " is a link in the service" + target + "; idp does not write through links: move the link away, or add the golden path's file yourself"
		if !fromTree(p.Target, path).Exists {
			c.Reason = b.By + " is a link in the service" + target + "; the golden path removes the file, and idp does not remove through links: delete it yourself if it is not needed"
		}
	case servicedir.File:
		c.Reason = b.By + " is a file in the service, where the golden path has a directory; move it away and update again"
	default:
		c.Reason = b.By + " is " + b.Kind.String() + " in the service, in the way of the golden path's file; move it away and update again"
	}
	return c
}

// unblock takes back the conflicts that only this update's own removals caused: a file the
// golden path turns into a directory (conf -> conf/a.txt), or a directory it turns into a
// file, when the service has not changed what is in the way.
func (p *planner) unblock(ctx context.Context, out []Change) ([]Change, error) {
	removed := map[string]bool{}
	for _, c := range out {
		if c.Action == Removed {
			removed[c.Path] = true
		}
		if c.From != "" {
			removed[c.From] = true
		}
	}
	for i := range out {
		c := &out[i]
		if c.Action != Conflict || c.managed {
			continue
		}
		var free bool
		switch {
		case c.blockedBy != nil:
			free = c.blockedBy.Kind == servicedir.File && removed[c.blockedBy.By]
		case c.Before.Exists && c.Before.Mode.IsDir():
			free = p.emptiedBy(c.Path, removed)
		}
		if !free {
			continue
		}
		base, target := fromTree(p.Base, c.Path), fromTree(p.Target, c.Path)
		if p.owned(c.Path) && base.Exists {
			continue
		}
		n, err := p.decide(ctx, c.Path, base, target, Side{})
		if err != nil {
			return nil, err
		}
		if n == nil {
			*c = Change{Path: c.Path} // dropped below
			continue
		}
		*c = *n
	}
	return slices.DeleteFunc(out, func(c Change) bool { return c.Action == "" }), nil
}

// emptiedBy reports whether every file under the service's directory dir is one the update
// removes, so that the directory goes and a file can take its place.
func (p *planner) emptiedBy(dir string, removed map[string]bool) bool {
	all := true
	err := fs.WalkDir(p.dir.Root().FS(), dir, func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		if !removed[name] {
			all = false
			return fs.SkipAll
		}
		return nil
	})
	return err == nil && all
}

// path decides one path that did not move.
func (p *planner) path(ctx context.Context, path string) (*Change, error) {
	base, target := fromTree(p.Base, path), fromTree(p.Target, path)
	if base.equal(target) {
		return nil, nil // the golden path did not change it
	}
	if c := p.ignored(path); c != nil {
		return c, nil
	}
	local, err := p.readLocal(path)
	if err != nil {
		return nil, err
	}
	if p.owned(path) {
		if !base.Exists && target.Exists && !local.Exists {
			if b := p.blocked[path]; b != nil {
				return p.blockedChange(path, b), nil
			}
			return &Change{Path: path, Action: Added, After: target}, nil
		}
		return nil, nil // the service's own from creation on
	}
	if b := p.blocked[path]; b != nil {
		return p.blockedChange(path, b), nil
	}
	return p.decide(ctx, path, base, target, local)
}

// move decides a file the golden path moved from one path to another.
func (p *planner) move(ctx context.Context, from, to string) ([]Change, error) {
	local, err := p.readLocal(from)
	if err != nil {
		return nil, err
	}
	atNew, err := p.readLocal(to)
	if err != nil {
		return nil, err
	}
	if b := p.blocked[to]; b != nil && b.Kind == servicedir.File && b.By == from {
		delete(p.blocked, to) // conf -> conf/a.txt: the move itself takes the file away
	}
	if atNew.Exists && atNew.Mode.IsDir() && p.emptiedBy(to, map[string]bool{from: true}) {
		atNew = Side{} // conf/a.txt -> conf: the move itself empties the directory
	}
	if local.Exists && p.blocked[from] == nil && !p.owned(from) && (p.blocked[to] != nil || atNew.Exists && atNew.Mode.IsDir()) {
		// Something of the service's is in the way of the new path: the file stays where it
		// is, and the new path is the conflict.
		var c *Change
		if b := p.blocked[to]; b != nil {
			c = p.blockedChange(to, b)
		} else {
			c = &Change{Path: to, Action: Conflict, Before: atNew, After: atNew, Reason: "a directory is where the golden path has a file; move it away and update again"}
		}
		c.Reason += " (the golden path moves " + from + " here; it stays at " + from + " until then)"
		return []Change{*c}, nil
	}
	if !local.Exists || atNew.Exists || p.owned(from) || p.blocked[from] != nil {
		// Deleted here, or something already at the new path: decide the two paths apart (a
		// removal and an addition), which keeps every local file.
		var out []Change
		for _, path := range []string{from, to} {
			c, err := p.path(ctx, path)
			if err != nil {
				return nil, err
			}
			if c != nil {
				out = append(out, *c)
			}
		}
		return out, nil
	}
	base, target := fromTree(p.Base, from), fromTree(p.Target, to)
	c, err := p.merge(ctx, to, base, target, local)
	if err != nil {
		return nil, err
	}
	if c == nil { // the content stays; only the path changes
		c = &Change{Path: to, Before: local, After: local}
	}
	c.From = from
	if c.Action != Conflict {
		c.Action = Moved
	}
	return []Change{*c}, nil
}

// decide applies the rules to a path the golden path changed, added or removed.
func (p *planner) decide(ctx context.Context, path string, base, target, local Side) (*Change, error) {
	c := &Change{Path: path, Before: local}
	if local.Exists && local.Mode.Type() != 0 && !local.link() {
		c.Action, c.After, c.Reason = Conflict, local, "a directory is where the golden path has a file; move it away and update again"
		return c, nil
	}
	switch {
	case !base.Exists: // added by the golden path
		switch {
		case !local.Exists:
			c.Action, c.After = Added, target
			return c, nil
		case local.equal(target):
			return nil, nil
		}
		return p.merge(ctx, path, Side{Exists: true, Mode: target.Mode}, target, local)
	case !target.Exists: // removed by the golden path
		switch {
		case !local.Exists:
			return nil, nil
		case local.equal(base):
			c.Action = Removed
			return c, nil
		}
		c.Action, c.After, c.Reason = Conflict, local, "removed in the golden path but changed here; delete it yourself if it is not needed"
		return c, nil
	case !local.Exists: // changed by the golden path, deleted here: stays deleted
		c.Action, c.Reason = Skipped, "changed in the golden path but deleted here; it stays deleted"
		return c, nil
	}
	return p.merge(ctx, path, base, target, local)
}

// merge combines the golden path's change from base to target with the service's file.
func (p *planner) merge(ctx context.Context, path string, base, target, local Side) (*Change, error) {
	c := &Change{Path: path, Before: local, After: local}
	mode := local.Mode
	if local.Mode == base.Mode || target.link() != base.link() {
		mode = target.Mode
	}
	switch {
	case bytes.Equal(local.Data, base.Data) && local.link() == base.link():
		// The service never touched it: the golden path's side, a file that became a link or
		// a link that became a file included.
		c.After = Side{Exists: true, Data: target.Data, Mode: mode}
	case bytes.Equal(target.Data, base.Data) || bytes.Equal(target.Data, local.Data):
		c.After = Side{Exists: true, Data: local.Data, Mode: mode}
	case local.link() || target.link() || base.link() || merge.IsBinary(local.Data) || merge.IsBinary(target.Data) || merge.IsBinary(base.Data):
		// No line merge for binaries and links: keep the service's, put the golden path's beside it.
		c.Action, c.Extra, c.ExtraData = Conflict, path+".idp-new", target.Data
		c.Reason = "changed here and in the golden path; the golden path's version is in " + c.Extra
		if target.link() {
			c.Reason = "a link changed here and in the golden path; the golden path's points to " + string(target.Data)
			c.Extra, c.ExtraData = "", nil
		}
		return c, nil
	default:
		r, err := merge.Text(ctx, path, base.Data, local.Data, target.Data, p.Labels, p.Rej)
		if err != nil {
			return nil, fmt.Errorf("merge %s: %w", path, err)
		}
		c.After = Side{Exists: true, Data: r.Data, Mode: mode}
		if r.Conflicts > 0 {
			c.Action, c.Conflicts = Conflict, r.Conflicts
			c.Reason = fmt.Sprintf("%d conflicting %s marked in the file", r.Conflicts, plural(r.Conflicts, "change"))
			if r.Rej != nil {
				c.Extra, c.ExtraData = path+".rej", r.Rej
				c.Reason = fmt.Sprintf("%d conflicting %s of the golden path in %s; apply what you want of it, then delete %s", r.Conflicts, plural(r.Conflicts, "change"), c.Extra, c.Extra)
			}
			return c, nil
		}
	}
	if c.After.equal(local) {
		return nil, nil
	}
	c.Action = Updated
	if !local.Exists {
		c.Action = Added
	}
	return c, nil
}

func plural(n int, s string) string {
	if n == 1 {
		return s
	}
	return s + "s"
}

// Write is one file an update writes, relative to the service: its new content, or absent
// to remove it.
type Write struct {
	Path string
	Side Side
}

// Writes lists what the changes write, in order: for Apply, and for a bot that commits the
// update rather than writing it.
func Writes(changes []Change) []Write {
	var ws []Write
	for _, c := range changes {
		if c.Action == Ignored {
			continue
		}
		if c.After.Exists && !(c.Action == Conflict && c.After.equal(c.Before)) {
			ws = append(ws, Write{c.Path, c.After})
		}
		if c.Extra != "" {
			ws = append(ws, Write{c.Extra, Side{Exists: true, Data: c.ExtraData, Mode: 0o644}})
		}
		switch {
		case c.Action == Removed:
			ws = append(ws, Write{Path: c.Path})
		case c.From != "":
			ws = append(ws, Write{Path: c.From})
		}
	}
	return ws
}

// ApplyError is an update that stopped after writing some files: Plan saw nothing in the way,
// so something changed the service while idp wrote it.
type ApplyError struct {
	Dir     string
	Written []string // the paths changed before it stopped
	Err     error
}

func (e *ApplyError) Error() string {
	if len(e.Written) == 0 {
		return fmt.Sprintf("update stopped before writing anything: %v", e.Err)
	}
	shown := e.Written
	more := ""
	if len(shown) > 10 {
		shown, more = shown[:10], fmt.Sprintf(" and %d more", len(e.Written)-10)
	}
	return fmt.Sprintf("update stopped half-way: %v; it had already changed %s%s, and .idp.yaml still names the old version; undo it with: git -C %s checkout -- . && git -C %s clean -fd -- .",
		e.Err, strings.Join(shown, ", "), more, e.Dir, e.Dir)
}

func (e *ApplyError) Unwrap() error { return e.Err }

// Apply writes the changes into dir through the service's root: removals first (so that a
// file can take the place of a directory the update empties), then each file through a
// temporary file renamed into place. Nothing is written through a link.
func Apply(dir string, changes []Change) error {
	d, err := servicedir.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	ws := Writes(changes)
	var written []string
	for _, pass := range []bool{false, true} {
		for _, w := range ws {
			if w.Side.Exists != pass {
				continue
			}
			var err error
			if w.Side.Exists {
				err = d.Write(w.Path, w.Side.Data, w.Side.Mode)
			} else {
				err = d.Remove(w.Path)
			}
			if err != nil {
				return &ApplyError{Dir: dir, Written: written, Err: err}
			}
			written = append(written, w.Path)
		}
	}
	return nil
}

// writeSide writes one file of the service through its root.
func writeSide(dir, path string, s Side) error {
	d, err := servicedir.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Write(path, s.Data, s.Mode); err != nil {
		return fmt.Errorf("update %s: %w", path, err)
	}
	return nil
}
