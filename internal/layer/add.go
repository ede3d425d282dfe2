package layer

import (
	"context"
	"fmt"
	"strings"

	"github.com/idp-cli/idp/internal/manifest"
	"github.com/idp-cli/idp/internal/provenance"
	"github.com/idp-cli/idp/internal/render"
	"github.com/idp-cli/idp/internal/source"
	"github.com/idp-cli/idp/internal/update"
)

// AddOptions is one idp add.
type AddOptions struct {
	Dir      string
	Template string // the add-on
	// Source is where the add-on comes from; "" the source of the service's base golden path.
	Source  string
	Version string
	Pre     bool
	Answers AnswerOptions
	DryRun  bool
	Rej     bool
	Trust   bool
	Render  render.Options
}

// RequirementError is an add-on whose requires the service does not meet.
type RequirementError struct{ Msg string }

func (e *RequirementError) Error() string { return e.Msg }

// Add applies the add-on o.Template to the service in o.Dir as its newest layer: renders it
// with its answers (a parameter named as an answer of a layer below takes that answer, and is
// not asked), merges it into the service against an empty base, so that a file the service has
// already is a conflict and never overwritten, writes its managed blocks, records it under
// layers: in .idp.yaml, and commits when nothing is left in conflict.
func Add(ctx context.Context, d Deps, o AddOptions) (*Result, error) {
	svc, err := update.Open(o.Dir)
	if err != nil {
		return nil, err
	}
	if i := svc.Record.Find(o.Template); i >= 0 {
		what := "an add-on of the service"
		if i == 0 {
			what = "the service's base golden path"
		}
		l := svc.Record.Layer(i).Template
		return nil, &source.RequestError{Err: fmt.Errorf("%s is %s already (%s); idp update --layer %s updates it", o.Template, what, l.Version, o.Template)}
	}
	if !o.DryRun {
		if err := svc.CheckCleanFor(ctx, "add"); err != nil {
			return nil, err
		}
	}
	loc := o.Source
	if loc == "" {
		loc = svc.Record.Template.Source
	}
	cat, err := d.OpenCatalog(ctx, loc)
	if err != nil {
		return nil, err
	}
	src, tmpl, err := pick(cat, o.Template, o.Version, o.Pre)
	if err != nil {
		return nil, err
	}
	m := tmpl.Manifest
	if !m.IsAddon() {
		var addons []string
		for _, t := range source.ByType(cat.All, manifest.TypeAddon) {
			addons = append(addons, t.Manifest.Name)
		}
		list := "it has none"
		if len(addons) > 0 {
			list = "its add-ons are " + strings.Join(addons, ", ")
		}
		return nil, &source.RequestError{Err: fmt.Errorf("%s is a golden path of type %s, not an add-on; idp add applies add-ons (type: addon), and %s", m.Name, m.Type, list)}
	}
	if err := recordedVersions(ctx, d, svc, cat, loc, m); err != nil {
		return nil, err
	}
	if err := Requires(svc.Record, m); err != nil {
		return nil, err
	}
	req, err := o.Answers.request(ctx, d.Prompter)
	if err != nil {
		return nil, err
	}
	req.Recorded = Inherited(svc.Record, m)
	res, added, err := planFromNothing(ctx, svc, src, tmpl, cat.Git == nil, req, o.Rej, svc.Record.Ignore, o.Render)
	if err != nil {
		return nil, err
	}
	res.Record = svc.Record.AddLayer(added)
	if o.DryRun {
		return res, nil
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	msg := fmt.Sprintf("Add %s %s\n\nApplied by idp add from %s.\n", m.Name, unversioned(src.Version), src.Location)
	if err := write(ctx, d, res, true, msg); err != nil {
		return nil, err
	}
	if res.Conflicts == 0 {
		trusted := o.Trust || (d.Trusted != nil && d.Trusted(src.Location))
		if err := hooks(ctx, d, res, m, trusted); err != nil {
			d.noteUnversioned(res)
			return res, err
		}
	}
	d.noteUnversioned(res)
	return res, nil
}

// recordedVersions checks that the layers the add-on m requires record versions their golden
// paths have, before Requires compares them: a version .idp.yaml names that does not exist
// would send the owner to an idp update with nothing to do.
func recordedVersions(ctx context.Context, d Deps, svc *update.Service, cat *source.Catalog, loc string, m *manifest.Manifest) error {
	for i := range m.Requires {
		at := svc.Record.Find(m.Requires[i].Name)
		if at < 0 {
			continue
		}
		l := svc.Record.Layer(at).Template
		c := cat
		if l.Source != loc {
			var err error
			if c, err = d.OpenCatalog(ctx, l.Source); err != nil {
				continue // idp update says what is wrong with that source
			}
		}
		if t := source.Find(c.All, l.Name); t != nil {
			if err := svc.CheckVersion(c, t, at); err != nil {
				return err
			}
		}
	}
	return nil
}

// Requires checks that the service's layers meet what the add-on m requires.
func Requires(rec *provenance.File, m *manifest.Manifest) error {
	for i := range m.Requires {
		r := &m.Requires[i]
		at := rec.Find(r.Name)
		if at < 0 {
			return &RequirementError{Msg: fmt.Sprintf("%s requires %s as a layer of the service, which has %s; add %s first, or use a golden path that has it",
				m.Name, describe(r), strings.Join(rec.Names(), ", "), r.Name)}
		}
		l := rec.Layer(at).Template
		if !r.Allows(l.Version) {
			fix := "idp update --layer " + r.Name + " first"
			if at == 0 {
				fix = "idp update first (idp update --layer " + r.Name + ")"
			}
			version := l.Version
			if version == "" {
				version = "a commit (" + l.Commit + ")"
			}
			return &RequirementError{Msg: fmt.Sprintf("%s requires %s, and the service is on %s %s; %s", m.Name, describe(r), r.Name, version, fix)}
		}
	}
	return nil
}

func describe(r *manifest.Requirement) string {
	if r.Version == "" {
		return r.Name
	}
	return r.Name + " " + r.Version
}

// Inherited are the answers of the service's layers that the golden path m has parameters
// for, later layers over earlier ones: an add-on's name parameter is the service's name.
func Inherited(rec *provenance.File, m *manifest.Manifest) map[string]any {
	out := map[string]any{}
	for i := range rec.Names() {
		for k, v := range rec.Layer(i).Recorded() {
			if m.Param(k) != nil {
				out[k] = v
			}
		}
	}
	return out
}
