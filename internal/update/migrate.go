package update

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/Masterminds/semver/v3"

	"github.com/idp-cli/idp/internal/manifest"
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
