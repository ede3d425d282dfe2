package layer

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/idp-cli/idp/internal/provenance"
	"github.com/idp-cli/idp/internal/render"
	"github.com/idp-cli/idp/internal/source"
	"github.com/idp-cli/idp/internal/update"
)

// AdoptOptions is one idp adopt.
type AdoptOptions struct {
	Dir      string
	Source   string
	Template string // the base golden path
	Version  string
	Pre      bool
	Answers  AnswerOptions
	DryRun   bool
	Rej      bool
	Render   render.Options
}

// Adopt brings the repository in o.Dir, which idp did not make, onto the golden path
// o.Template: the golden path is merged into its files against an empty base (files only the
// golden path has are added, files both have and that differ are conflicts, files only the
// repository has are left as they are), and .idp.yaml is written, so that idp update works from
// then on. Nothing is committed: the adoption is for a person to review.
func Adopt(ctx context.Context, d Deps, o AdoptOptions) (*Result, error) {
	if _, err := os.Lstat(filepath.Join(o.Dir, provenance.FileName)); err == nil {
		return nil, &source.RequestError{Err: fmt.Errorf("%s has a %s already: it is on a golden path; idp update moves it, idp add adds an add-on", d.display(o.Dir), provenance.FileName)}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	svc, err := update.OpenUnrecorded(o.Dir)
	if err != nil {
		return nil, err
	}
	if !o.DryRun {
		if repo, _ := svc.Repository(); repo == nil {
			return nil, fmt.Errorf("%s is not in a git repository; idp adopt merges into your files and git is how you undo it: git init and commit, then adopt", d.display(o.Dir))
		}
		if err := svc.CheckCleanFor(ctx, "adopt"); err != nil {
			return nil, err
		}
	}
	cat, err := d.OpenCatalog(ctx, o.Source)
	if err != nil {
		return nil, err
	}
	src, tmpl, err := pick(cat, o.Template, o.Version, o.Pre)
	if err != nil {
		return nil, err
	}
	m := tmpl.Manifest
	if m.IsAddon() {
		return nil, &source.RequestError{Err: fmt.Errorf("%s is an add-on; adopt the repository onto a base golden path first, then idp add %s", m.Name, m.Name)}
	}
	req, err := o.Answers.request(ctx, d.Prompter)
	if err != nil {
		return nil, err
	}
	res, record, err := planFromNothing(ctx, svc, src, tmpl, cat.Git == nil, req, o.Rej, nil, o.Render)
	if err != nil {
		return nil, err
	}
	res.Record = record
	svc.Record = res.Record
	if o.DryRun {
		return res, nil
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := write(ctx, d, res, false, ""); err != nil {
		return res, err
	}
	d.noteUnversioned(res)
	return res, nil
}
