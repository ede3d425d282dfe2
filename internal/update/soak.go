package update

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/Masterminds/semver/v3"

	"github.com/idp-cli/idp/internal/versions"
)

// Passed is a newer version the update did not take, though --to would have: it is too young
// for the soak time (--min-age), or the service skips it (skip: in .idp.yaml).
type Passed struct {
	Version string    `json:"version"`
	Reason  string    `json:"reason"`          // "min-age" or "skip"
	Tagged  time.Time `json:"tagged,omitzero"` // min-age: when it was tagged
	Until   time.Time `json:"until,omitzero"`  // min-age: when it is old enough
}

// Describe says why v was passed over, for messages.
func (v Passed) Describe() string {
	if v.Reason == "skip" {
		return v.Version + " is skipped (skip: in .idp.yaml)"
	}
	return fmt.Sprintf("%s was tagged %s, less than --min-age ago; it is taken from %s", v.Version,
		v.Tagged.UTC().Format("2006-01-02 15:04 MST"), v.Until.UTC().Format("2006-01-02 15:04 MST"))
}

// Settle makes the target the newest version within --to that the service does not skip and
// that was tagged at least minAge before now: a soak time, so that a release has been out a
// while (and a broken one taken back) before the fleet's bots propose it. Versions passed over
// are in p.Passed; with none left the target is the service's own version. An exact version
// given as --to is taken as asked, and a branch or commit has no tag date to soak.
func (p *Planned) Settle(to string, minAge time.Duration, now time.Time, pre bool) error {
	skip := p.Service.Own().Skip
	if minAge <= 0 && len(skip) == 0 {
		return nil
	}
	if _, err := semver.StrictNewVersion(strings.TrimPrefix(to, "v")); err == nil {
		return nil // --to v1.2.0: asked for by name
	}
	tgt, err := semver.NewVersion(p.Wants)
	if err != nil {
		return nil
	}
	cur, _ := semver.NewVersion(p.Current)
	skipped := func(v versions.Version) bool {
		return slices.ContainsFunc(skip, func(s string) bool {
			sv, err := semver.NewVersion(s)
			return err == nil && sv.Equal(v.Semver)
		})
	}
	p.passes = func(v versions.Version) (Passed, bool) {
		switch {
		case skipped(v):
			return Passed{Version: v.Short(), Reason: "skip"}, true
		case minAge > 0 && now.Sub(v.Date) < minAge:
			return Passed{Version: v.Short(), Reason: "min-age", Tagged: v.Date, Until: v.Date.Add(minAge)}, true
		}
		return Passed{}, false
	}
	var behind int
	for _, v := range p.Catalog.Git.Versions(p.Template.Dir) { // newest first
		if v.Semver.GreaterThan(tgt) || cur != nil && !v.Semver.GreaterThan(cur) || v.Semver.Prerelease() != "" && !pre {
			continue
		}
		if why, passed := p.passes(v); passed {
			p.Passed = append(p.Passed, why)
			continue
		}
		if v.Short() == p.Wants {
			return nil
		}
		src, tmpl, err := p.Catalog.At(p.Template, "--to", v.Short(), true)
		if err != nil {
			return err
		}
		p.Target.Source, p.Target.Template, p.Wants, p.TargetDate = src, tmpl, v.Short(), v.Date
		for _, w := range p.Catalog.Git.Versions(p.Template.Dir) {
			if (cur == nil || w.Semver.GreaterThan(cur)) && !w.Semver.GreaterThan(v.Semver) && (w.Semver.Prerelease() == "" || pre) {
				behind++
			}
		}
		p.Behind = behind
		return nil
	}
	if len(p.Passed) > 0 {
		// Nothing newer may be taken yet: the service stays on its version.
		p.Target, p.Wants, p.TargetDate, p.Behind = p.Base, p.Current, time.Time{}, 0
	}
	return nil
}
