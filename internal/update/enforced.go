package update

import (
	"bytes"
	"context"
	"fmt"

	"github.com/idp-cli/idp/internal/answers"
	"github.com/idp-cli/idp/internal/pathglob"
	"github.com/idp-cli/idp/internal/render"
	"github.com/idp-cli/idp/internal/servicedir"
)

// Divergence is a file the golden path enforces (files.enforced) that the service does not
// have as the recorded version renders it.
type Divergence struct {
	Path     string `json:"path"`
	Template string `json:"template"`
	Version  string `json:"version"`
	// Status is differs, or missing (the service has no such file).
	Status string `json:"status"`
}

// Enforced compares the files the layer's recorded version enforces with the service's: the
// recorded version rendered with the answers the files were rendered with is what they should
// be. Only enforced files are rendered into the comparison; nothing is written.
func Enforced(ctx context.Context, p *Planned, o render.Options) ([]Divergence, error) {
	m := p.Base.Template.Manifest
	if len(m.Files.Enforced) == 0 {
		return nil, nil
	}
	data, err := answers.Data(m, p.Service.BaseAnswers())
	if err != nil {
		return nil, fmt.Errorf("render %s %s with the recorded answers: %w", m.Name, p.Current, err)
	}
	tree, err := render.RenderWith(ctx, p.Base.Template.FS, m, data, o.AsRendered(p.Service.Own().IdpVersion))
	if err != nil {
		return nil, fmt.Errorf("render %s %s: %w", m.Name, p.Current, err)
	}
	d, err := servicedir.Open(p.Service.Dir)
	if err != nil {
		return nil, err
	}
	defer d.Close()
	var out []Divergence
	for _, f := range tree.Files {
		if !pathglob.MatchAny(m.Files.Enforced, f.Path) {
			continue
		}
		div := Divergence{Path: f.Path, Template: m.Name, Version: p.Current}
		e, err := d.Read(f.Path)
		switch {
		case err != nil || e.Kind == servicedir.Missing:
			div.Status = "missing"
		case f.IsSymlink() != (e.Kind == servicedir.Link) || e.Kind != servicedir.File && e.Kind != servicedir.Link:
			div.Status = "differs"
		case !bytes.Equal(e.Data, f.Data) || !f.IsSymlink() && e.Mode != f.Mode:
			div.Status = "differs"
		default:
			continue
		}
		out = append(out, div)
	}
	return out, nil
}
