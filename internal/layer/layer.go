// Package layer puts golden paths into a service that exists, as layers, with update's
// three-way merge: Add applies an add-on on top of the base golden path (merged against an empty
// base, so a file the service has already is a conflict, never overwritten), Remove takes an
// add-on off (its recorded render against nothing, so only unchanged files go), and Adopt brings
// a repository idp did not make onto a base golden path (merged against an empty base).
package layer

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/idp-cli/idp/internal/answers"
	"github.com/idp-cli/idp/internal/gitcli"
	"github.com/idp-cli/idp/internal/gitrepo"
	"github.com/idp-cli/idp/internal/manifest"
	"github.com/idp-cli/idp/internal/merge"
	"github.com/idp-cli/idp/internal/provenance"
	"github.com/idp-cli/idp/internal/render"
	"github.com/idp-cli/idp/internal/source"
	"github.com/idp-cli/idp/internal/update"
)

// Deps is what the layer flows need from the command layer.
type Deps struct {
	// OpenCatalog opens a golden paths' source.
	OpenCatalog func(ctx context.Context, loc string) (*source.Catalog, error)
	// Prompter asks for the golden path's parameters; nil when idp may not ask.
	Prompter answers.Prompter
	// Trusted reports whether a source is under trusted-sources (its hooks run).
	Trusted func(loc string) bool
	// Log is where idp says what it runs and does not run (stderr).
	Log    io.Writer
	Author gitrepo.Author
	Now    func() time.Time
	// Display names the service's directory in messages.
	Display func(dir string) string
}

func (d Deps) display(dir string) string {
	if d.Display == nil {
		return dir
	}
	return d.Display(dir)
}

// Result is what a layer flow did, or would do with DryRun.
type Result struct {
	Service *update.Service
	Name    string // the golden path
	Version string // its version ("" for a source without versions)
	Changes []update.Change
	// Conflicts are the files left in conflict; nothing is committed then.
	Conflicts int
	Record    *provenance.File // .idp.yaml after it
	Commit    string           // the commit made, when one was
	Answers   *answers.Result
	// Unversioned: the golden path's source has no versions, so the layer cannot be updated.
	Unversioned bool
}

// AnswerOptions are the answers given on the command line.
type AnswerOptions struct {
	Set        []string
	ValuesFile string
	Verbose    bool
}

func (a AnswerOptions) request(ctx context.Context, p answers.Prompter) (answers.Request, error) {
	req := answers.Request{Set: a.Set, Prompter: p, Verbose: a.Verbose}
	if a.ValuesFile != "" {
		v, err := answers.ReadValuesFile(ctx, a.ValuesFile)
		if err != nil {
			return req, err
		}
		req.Values, req.ValuesFile = v, a.ValuesFile
	}
	return req, nil
}

// pick finds the golden path name in the catalog, at version.
func pick(cat *source.Catalog, name, version string, pre bool) (*source.Source, *source.Template, error) {
	t := source.Find(cat.All, name)
	if t == nil {
		if err := cat.BrokenErr(name); err != nil {
			return nil, nil, fmt.Errorf("golden path %s cannot be used: %w", name, err)
		}
		return nil, nil, &source.RequestError{Err: fmt.Errorf("no golden path %s in %s; golden paths there: %s", name, cat.Src.Location, strings.Join(source.Names(cat.All), ", "))}
	}
	if err := cat.CheckDirty(version); err != nil {
		return nil, nil, err
	}
	return cat.At(t, "--version", version, pre)
}

// labels name the sides of a conflict between the service's file and a golden path's that
// starts from nothing.
func labels(svc *update.Service, name, version string) merge.Labels {
	return merge.Labels{Ours: filepath.Base(svc.Dir), Base: name + " (none)", Theirs: name + " " + unversioned(version)}
}

// write applies the changes and then .idp.yaml, and commits them when nothing is left in
// conflict and commit is set.
func write(ctx context.Context, d Deps, res *Result, commit bool, msg string) error {
	dir := res.Service.Dir
	if err := update.Apply(dir, res.Changes); err != nil {
		return err
	}
	if err := update.WriteRecord(dir, res.Record); err != nil {
		return err
	}
	if !commit || res.Conflicts > 0 {
		return nil
	}
	h, err := gitcli.Commit(ctx, dir, d.Author.Name, d.Author.Email, msg, d.Now())
	if err != nil {
		return fmt.Errorf("%w; the files are written: commit them yourself", err)
	}
	res.Commit = h
	return nil
}

func count(changes []update.Change) int {
	n := 0
	for _, c := range changes {
		if c.Action == update.Conflict {
			n++
		}
	}
	return n
}

// fromNothing rewords the conflicts of a golden path merged against an empty base: the service
// had the file before, with other content.
func fromNothing(changes []update.Change, tree *render.Tree, name string) {
	for i := range changes {
		c := &changes[i]
		if c.Action != update.Conflict || tree.Lookup(c.Path) == nil || !c.Before.Exists || c.Conflicts == 0 && c.Extra == "" {
			continue
		}
		c.Reason = "the service has this file already, and " + name + " has its own; " + c.Reason
	}
}

// hooks runs the golden path's create hooks in the service when trusted, and commits what they
// change after the layer's own commit.
func hooks(ctx context.Context, d Deps, res *Result, m *manifest.Manifest, trusted bool) error {
	ran, err := update.RunHooks(ctx, d.Log, update.Hooks(m, "create"), trusted, res.Name, res.Version, res.Service.Dir, d.display(res.Service.Dir))
	if err != nil {
		return fmt.Errorf("%w; %s is applied and committed without the hooks' changes", err, res.Name)
	}
	if ran && res.Commit != "" {
		if _, err := gitcli.Commit(ctx, res.Service.Dir, d.Author.Name, d.Author.Email, "Run "+res.Name+"'s hooks", d.Now()); err != nil {
			return err
		}
	}
	return nil
}

// planFromNothing answers tmpl's parameters from req, renders it and plans its files onto the
// service in svc.Dir from nothing (an empty base), as add and adopt apply a golden path: the
// result to write, with its conflicts counted, and the layer's record (template, answers, the
// idp that rendered it). ignore are the service's paths idp never touches.
func planFromNothing(ctx context.Context, svc *update.Service, src *source.Source, tmpl *source.Template, unversioned bool, req answers.Request, rej bool, ignore []string, ro render.Options) (*Result, *provenance.File, error) {
	m := tmpl.Manifest
	ans, err := answers.Resolve(ctx, m, req)
	if err != nil {
		return nil, nil, err
	}
	tree, err := render.RenderWith(ctx, tmpl.FS, m, ans.Data, ro)
	if err != nil {
		return nil, nil, fmt.Errorf("render %s: %w", m.Name, err)
	}
	res := &Result{Service: svc, Name: m.Name, Version: src.Version, Answers: ans, Unversioned: unversioned}
	res.Changes, err = update.Plan(ctx, update.Options{
		Dir: svc.Dir, Base: &render.Tree{}, Target: tree, Owned: m.Files.Owned,
		Labels: labels(svc, m.Name, src.Version), Rej: rej, Layer: m.Name, Ignore: ignore,
	})
	if err != nil {
		return nil, nil, err
	}
	fromNothing(res.Changes, tree, m.Name)
	res.Conflicts = count(res.Changes)
	return res, &provenance.File{
		Template:   provenance.Template{Source: src.Location, Name: m.Name, Version: src.Version, Commit: src.Commit},
		Answers:    ans.Recordable(m),
		IdpVersion: ro.Version(),
	}, nil
}
