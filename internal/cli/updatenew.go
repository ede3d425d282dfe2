package cli

import (
	"fmt"
	"slices"
	"strings"

	"github.com/Masterminds/semver/v3"

	"github.com/idp-cli/idp/internal/answers"
	"github.com/idp-cli/idp/internal/update"
	"github.com/idp-cli/idp/internal/versions"
)

// newParams maps each parameter that the target version has and the service's version had not
// to the version that added it: the first released one after the service's that declares it
// (the target itself when the versions between cannot be read). The prompt says "new in" it.
func (p *planned) newParams(pre bool) map[string]string {
	bm, tm := p.base.Template.Manifest, p.target.Template.Manifest
	out := map[string]string{}
	for _, prm := range tm.Parameters {
		if bm.Param(prm.Name) == nil {
			out[prm.Name] = p.wants
		}
	}
	if len(out) == 0 || p.cat.Git == nil {
		return out
	}
	cur, err1 := semver.NewVersion(p.current)
	tgt, err2 := semver.NewVersion(p.wants)
	if err1 != nil || err2 != nil {
		return out
	}
	var between []versions.Version
	for _, v := range p.cat.Git.Versions(p.tmpl.Dir) {
		if v.Semver.GreaterThan(cur) && v.Semver.LessThan(tgt) && (v.Semver.Prerelease() == "" || pre) {
			between = append(between, v)
		}
	}
	slices.SortFunc(between, func(a, b versions.Version) int { return a.Semver.Compare(b.Semver) })
	found := map[string]bool{}
	for _, v := range between {
		_, t, err := p.cat.At(p.tmpl, "--to", v.Short(), true)
		if err != nil {
			continue
		}
		for name := range out {
			if !found[name] && t.Manifest.Param(name) != nil {
				out[name], found[name] = v.Short(), true
			}
		}
	}
	return out
}

// notePreviewAnswers says, for idp diff and update --dry-run (which ask nothing), which new
// parameters the preview gave their defaults, and that idp update will ask for them.
func notePreviewAnswers(f *Factory, res *update.Result, req answers.Request, newIn map[string]string) {
	given := map[string]bool{}
	for k := range req.Values {
		given[k] = true
	}
	for _, s := range req.Set {
		k, _, _ := strings.Cut(s, "=")
		given[strings.TrimSpace(k)] = true
	}
	for _, k := range res.NewAnswers {
		if given[k] {
			continue
		}
		for _, a := range res.Record.Answers {
			if a.Key != k {
				continue
			}
			what := k + " has no answer yet"
			if v := newIn[k]; v != "" {
				what = k + " is new in " + v
			}
			fmt.Fprintf(f.IO.ErrOut, "idp: %s; this preview asks nothing and takes its default, %s; idp update asks for it in a terminal, or give --set %s=VALUE\n",
				what, shownValue(a.Value), k)
		}
	}
}

func shownValue(v any) string {
	s := answers.Format(v)
	if s == "" {
		return `""`
	}
	return s
}
