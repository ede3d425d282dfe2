package layer

import (
	"context"
	"fmt"
	"strings"

	"github.com/idp-cli/idp/internal/answers"
	"github.com/idp-cli/idp/internal/render"
	"github.com/idp-cli/idp/internal/source"
	"github.com/idp-cli/idp/internal/update"
)

// RemoveOptions is one idp remove.
type RemoveOptions struct {
	Dir    string
	Layer  string // the add-on to take off
	DryRun bool
	Render render.Options
}

// Remove takes the add-on o.Layer off the service in o.Dir: its files that are as it rendered
// them go, and so do its managed blocks; what was edited here stays, as a conflict for a person
// to decide. .idp.yaml drops the layer; it is committed when nothing is left in conflict. An
// add-on that another layer requires stays.
func Remove(ctx context.Context, d Deps, o RemoveOptions) (*Result, error) {
	svc, err := update.OpenLayer(o.Dir, o.Layer)
	if err != nil {
		return nil, err
	}
	if svc.Layer == 0 {
		return nil, &source.RequestError{Err: fmt.Errorf("%s is the service's base golden path; idp remove takes off add-ons only (%s)", o.Layer, describeAddons(svc))}
	}
	own := svc.Own()
	// An add-on above it may need it.
	for j := svc.Layer + 1; j < len(svc.Record.Names()); j++ {
		l := svc.Record.Layer(j).Template
		_, t, err := recorded(ctx, d, l.Source, l.Name, l.Version, l.Commit)
		if err != nil {
			continue // cannot tell; its own update will say what is wrong
		}
		for _, r := range t.Manifest.Requires {
			if r.Name == o.Layer {
				return nil, &RequirementError{Msg: fmt.Sprintf("%s requires %s; remove %s first", l.Name, o.Layer, l.Name)}
			}
		}
	}
	if !o.DryRun {
		if err := svc.CheckCleanFor(ctx, "remove"); err != nil {
			return nil, err
		}
	}
	rec := own.Template
	src, tmpl, err := recorded(ctx, d, rec.Source, rec.Name, rec.Version, rec.Commit)
	if err != nil {
		return nil, fmt.Errorf("%w; idp needs the version the service records to tell %s's files from yours", err, rec.Name)
	}
	m := tmpl.Manifest
	data, err := answers.Data(m, svc.BaseAnswers())
	if err != nil {
		return nil, fmt.Errorf("render %s %s with the recorded answers: %w", m.Name, rec.Version, err)
	}
	tree, err := render.RenderWith(ctx, tmpl.FS, m, data, o.Render.AsRendered(own.IdpVersion))
	if err != nil {
		return nil, fmt.Errorf("render %s %s: %w", m.Name, rec.Version, err)
	}
	res := &Result{Service: svc, Name: m.Name, Version: src.Version}
	res.Changes, err = update.Plan(ctx, update.Options{
		Dir: svc.Dir, Base: tree, Target: &render.Tree{}, Owned: m.Files.Owned,
		Labels: labels(svc, m.Name, rec.Version), Layer: m.Name, Ignore: svc.Record.Ignore,
	})
	if err != nil {
		return nil, err
	}
	for i := range res.Changes {
		c := &res.Changes[i]
		switch {
		case c.Action != update.Conflict:
		case tree.Lookup(c.Path) != nil && c.Before.Exists && !c.Before.Mode.IsDir():
			c.Reason = "edited here since " + m.Name + " wrote it, so it is kept; delete it yourself if it is not needed"
		case tree.LookupBlock(c.Path) != nil && strings.HasSuffix(c.Reason, "the golden path no longer has it; take it out yourself, markers and all, if it is not needed"):
			c.Reason = "the block " + m.Name + " was edited here, so it stays; take it out yourself, markers and all, if it is not needed"
		}
	}
	res.Conflicts = count(res.Changes)
	res.Record = svc.Record.RemoveLayer(svc.Layer)
	if o.DryRun {
		return res, nil
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	msg := fmt.Sprintf("Remove %s %s\n\nTaken off by idp remove.\n", m.Name, rec.Version)
	return res, write(ctx, d, res, true, msg)
}

// recorded opens the golden path name at the version .idp.yaml records for it.
func recorded(ctx context.Context, d Deps, loc, name, version, commit string) (*source.Source, *source.Template, error) {
	cat, err := d.OpenCatalog(ctx, loc)
	if err != nil {
		return nil, nil, err
	}
	t := source.Find(cat.All, name)
	if t == nil {
		return nil, nil, fmt.Errorf("golden path %s is no longer in %s", name, loc)
	}
	at := commit
	if at == "" {
		at = version
	}
	if cat.Git == nil {
		at = "latest"
	}
	src, t, err := cat.At(t, "version", at, true)
	if err != nil {
		return nil, nil, err
	}
	if version != "" {
		src.Version = version
	}
	return src, t, nil
}

func describeAddons(svc *update.Service) string {
	names := svc.Record.Names()[1:]
	if len(names) == 0 {
		return "the service has none"
	}
	return fmt.Sprintf("its add-ons: %v", names)
}
