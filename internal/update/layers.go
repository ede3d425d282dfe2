package update

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/idp-cli/idp/internal/answers"
	"github.com/idp-cli/idp/internal/source"
)

// Layered is an update of a service's layers, one Outcome each, in order: the base golden path
// first, then the add-ons as .idp.yaml lists them.
type Layered struct {
	Outcomes []*Outcome
	// Layered says the service has add-ons and every layer was asked for (no --layer): the
	// outcomes are reported one per layer. Otherwise there is one, reported as it always was.
	Layered bool
}

// LayerRuns splits an update of the service in o.Dir into one run per layer, in order. A
// service without add-ons, or o.Layer naming one layer, is one run: o itself. Otherwise each
// layer gets the --set and --values answers whose parameters its target version has; an answer
// no layer has is an error, as is a --to other than latest, which names one golden path's
// version.
func LayerRuns(ctx context.Context, d Deps, o DoOptions) ([]DoOptions, error) {
	svc, err := OpenLayer(o.Dir, o.Layer)
	if err != nil {
		return nil, err
	}
	names := svc.Record.Names()
	if len(names) == 1 || o.Layer != "" {
		return []DoOptions{o}, nil
	}
	if o.ToGiven && o.To != "" && o.To != "latest" {
		return nil, &source.RequestError{Err: fmt.Errorf("--to %s names a version of one golden path, and the service has layers (%s); give --layer NAME with it", o.To, strings.Join(names, ", "))}
	}
	if o.Values == nil && o.ValuesFile != "" {
		if o.Values, err = answers.ReadValuesFile(ctx, o.ValuesFile); err != nil {
			return nil, err
		}
	}
	runs := make([]DoOptions, len(names))
	for i, name := range names {
		runs[i] = o
		runs[i].Layer = name
	}
	if len(o.Set) == 0 && len(o.Values) == 0 {
		return runs, nil
	}
	params := make([][]string, len(names))
	for i, name := range names {
		p, err := ResolveLayer(ctx, d, o.Dir, name, o.To, o.Pre)
		if err != nil {
			return nil, fmt.Errorf("layer %s: %w", name, err)
		}
		params[i] = p.Target.Template.Manifest.ParamNames()
	}
	nobody := func(key, origin string) error {
		var have []string
		for i, name := range names {
			have = append(have, name+": "+strings.Join(params[i], ", "))
		}
		return &answers.InvalidError{Origin: origin, Msg: fmt.Sprintf("no layer of the service has a parameter %q; the layers' parameters are %s (or give --layer NAME)", key, strings.Join(have, "; "))}
	}
	for i := range runs {
		runs[i].Set, runs[i].Values = nil, nil
	}
	for _, kv := range o.Set {
		k, _, _ := strings.Cut(kv, "=")
		k = strings.TrimSpace(k)
		took := false
		for i := range runs {
			if slices.Contains(params[i], k) {
				runs[i].Set, took = append(runs[i].Set, kv), true
			}
		}
		if !took {
			return nil, nobody(k, "--set "+kv)
		}
	}
	for k, v := range o.Values {
		took := false
		for i := range runs {
			if slices.Contains(params[i], k) {
				if runs[i].Values == nil {
					runs[i].Values = map[string]any{}
				}
				runs[i].Values[k], took = v, true
			}
		}
		if !took {
			return nil, nobody(k, o.ValuesFile)
		}
	}
	for i := range runs {
		if runs[i].Values == nil {
			runs[i].ValuesFile = ""
		}
	}
	return runs, nil
}

// DoLayers updates the service's layers, each as Do does, in order: the base, then each add-on,
// or only o.Layer. Writing, each layer's update is written before the next is worked out, so
// that a block an add-on keeps in a file of the base is rewritten in the file as the base's
// update left it; the service is checked for uncommitted changes once, before the first. An
// error stops it, with the outcomes so far.
func DoLayers(ctx context.Context, d Deps, o DoOptions) (*Layered, error) {
	runs, err := LayerRuns(ctx, d, o)
	if err != nil {
		return nil, err
	}
	if len(runs) == 1 {
		out, err := Do(ctx, d, runs[0])
		return &Layered{Outcomes: []*Outcome{out}}, err
	}
	res := &Layered{Layered: true}
	if o.Mode == ModeWrite || o.Mode == ModeBot {
		svc, err := Open(o.Dir)
		if err != nil {
			return nil, err
		}
		if err := svc.CheckClean(ctx); err != nil {
			return nil, err
		}
	}
	for _, run := range runs {
		run.cleanChecked = true
		out, err := Do(ctx, d, run)
		if out != nil {
			res.Outcomes = append(res.Outcomes, out)
		}
		if err != nil {
			return res, fmt.Errorf("layer %s: %w", run.Layer, err)
		}
		if out.Interrupted {
			return res, nil
		}
	}
	return res, nil
}

// ResolveLayers resolves each layer of the service in dir as Resolve does, in order, or only
// layer when it is given (idp check).
func ResolveLayers(ctx context.Context, d Deps, dir, layer, to string, pre bool) ([]*Planned, bool, error) {
	svc, err := OpenLayer(dir, layer)
	if err != nil {
		return nil, false, err
	}
	names := svc.Record.Names()
	if layer != "" || len(names) == 1 {
		p, err := ResolveLayer(ctx, d, dir, layer, to, pre)
		if err != nil {
			return nil, false, err
		}
		return []*Planned{p}, false, nil
	}
	if to != "" && to != "latest" {
		return nil, true, &source.RequestError{Err: fmt.Errorf("--to %s names a version of one golden path, and the service has layers (%s); give --layer NAME with it", to, strings.Join(names, ", "))}
	}
	var out []*Planned
	for _, name := range names {
		p, err := ResolveLayer(ctx, d, dir, name, to, pre)
		if err != nil {
			return out, true, fmt.Errorf("layer %s: %w", name, err)
		}
		out = append(out, p)
	}
	return out, true, nil
}
