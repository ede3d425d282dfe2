package update

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"

	"github.com/Masterminds/semver/v3"

	"github.com/idp-cli/idp/internal/manifest"
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
	cmd := exec.CommandContext(ctx, "sh", "-c", mg.Run)
	cmd.Dir = dir
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"), "IDP_FROM_VERSION=" + from, "IDP_TO_VERSION=" + to}
	cmd.Stdout, cmd.Stderr = w, w
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("migration for %s (%s) failed: %v", mg.Version, strings.TrimSpace(mg.Run), err)
	}
	return nil
}
