package update

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/Masterminds/semver/v3"

	"github.com/idp-cli/idp/internal/manifest"
	"github.com/idp-cli/idp/internal/provenance"
	"github.com/idp-cli/idp/internal/shell"
)

// Migrations returns the target manifest's migrations that an update from one version to
// another crosses (from < version <= to), split by when they run, in version order as written.
// Nothing is crossed when either end is not a version (a branch or commit).
func Migrations(m *manifest.Manifest, from, to string) (before, after []manifest.Migration) {
	f, err1 := semver.NewVersion(from)
	t, err2 := semver.NewVersion(to)
	if err1 != nil || err2 != nil {
		return nil, nil
	}
	for _, mg := range m.Migrations {
		v, err := semver.NewVersion(mg.Version)
		if err != nil || !v.GreaterThan(f) || v.GreaterThan(t) {
			continue
		}
		if mg.When == "before" {
			before = append(before, mg)
		} else {
			after = append(after, mg)
		}
	}
	return before, after
}

// MigrationPlan is what an update has to do about the golden path's migrations: those an
// earlier update recorded in .idp.yaml as not run, and those this one crosses.
type MigrationPlan struct {
	Pending       []manifest.Migration // recorded as not run, in version order
	Before, After []manifest.Migration // crossed by this update (see Migrations)
	Gone          []string             // recorded versions that no manifest has migrations for
}

// PlanMigrations finds the migrations an update from the recorded version to another has to
// run: the recorded ones, looked up in the target's manifest and then the recorded version's,
// and those it crosses.
func PlanMigrations(rec *provenance.File, base, target *manifest.Manifest, from, to string) *MigrationPlan {
	mp := &MigrationPlan{}
	mp.Pending, mp.Gone = Pending(rec.PendingMigrations, target, base)
	mp.Before, mp.After = Migrations(target, from, to)
	return mp
}

// All is every migration of the plan in the order they run: the pending ones, then those
// before the merge, then those after.
func (mp *MigrationPlan) All() []manifest.Migration {
	return slices.Concat(mp.Pending, mp.Before, mp.After)
}

// Versions lists the migrations' versions, each once, in version order: what .idp.yaml records
// under pending-migrations when they are not run.
func Versions(migs []manifest.Migration) []string {
	var out []string
	for _, mg := range migs {
		if !slices.Contains(out, mg.Version) {
			out = append(out, mg.Version)
		}
	}
	slices.SortStableFunc(out, compareVersions)
	return out
}

// Pending returns the migrations of the versions .idp.yaml records as not run, each taken from
// the first manifest that has migrations for it, in version order; gone lists the versions no
// manifest has any for.
func Pending(versions []string, ms ...*manifest.Manifest) (migs []manifest.Migration, gone []string) {
	for _, v := range versions {
		var found []manifest.Migration
		for _, m := range ms {
			for _, mg := range m.Migrations {
				if sameVersion(mg.Version, v) {
					found = append(found, mg)
				}
			}
			if len(found) > 0 {
				break
			}
		}
		if len(found) == 0 {
			gone = append(gone, v)
		}
		migs = append(migs, found...)
	}
	slices.SortStableFunc(migs, func(a, b manifest.Migration) int { return compareVersions(a.Version, b.Version) })
	return migs, gone
}

func sameVersion(a, b string) bool {
	if a == b {
		return true
	}
	va, err1 := semver.NewVersion(a)
	vb, err2 := semver.NewVersion(b)
	return err1 == nil && err2 == nil && va.Equal(vb)
}

// compareVersions orders semantic versions, and anything else after them as written.
func compareVersions(a, b string) int {
	va, err1 := semver.NewVersion(a)
	vb, err2 := semver.NewVersion(b)
	switch {
	case err1 == nil && err2 == nil:
		return va.Compare(vb)
	case err1 == nil:
		return -1
	case err2 == nil:
		return 1
	}
	return strings.Compare(a, b)
}

// RunMigration runs one migration's command with sh in dir, with a minimal environment: PATH,
// HOME, and IDP_FROM_VERSION / IDP_TO_VERSION; never idp's credentials. Its output goes to w.
func RunMigration(ctx context.Context, dir string, mg manifest.Migration, from, to string, w io.Writer) error {
	if err := shell.Run(ctx, dir, mg.Run, w, "IDP_FROM_VERSION="+from, "IDP_TO_VERSION="+to); err != nil {
		return fmt.Errorf("migration for %s (%s) failed: %v", mg.Version, strings.TrimSpace(mg.Run), err)
	}
	return nil
}

// Hooks returns the manifest's hooks for event, "create" or "update"; a hook without when runs
// on create.
func Hooks(m *manifest.Manifest, event string) []manifest.Hook {
	var hs []manifest.Hook
	for _, h := range m.Hooks {
		when := h.When
		if when == "" {
			when = "create"
		}
		if when == event || when == "always" {
			hs = append(hs, h)
		}
	}
	return hs
}

// RunHook runs a hook's command with sh in the service's directory dir, with the same minimal
// environment as a migration plus IDP_TEMPLATE and IDP_VERSION. Its output goes to w.
func RunHook(ctx context.Context, dir string, h manifest.Hook, template, version string, w io.Writer) error {
	if err := shell.Run(ctx, dir, h.Run, w, "IDP_TEMPLATE="+template, "IDP_VERSION="+version); err != nil {
		return fmt.Errorf("hook %q failed: %v", strings.TrimSpace(h.Run), err)
	}
	return nil
}
