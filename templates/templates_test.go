package templates_test

import (
	"context"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/idp-cli/idp/internal/answers"
	"github.com/idp-cli/idp/internal/gitrepo"
	"github.com/idp-cli/idp/internal/lint"
	"github.com/idp-cli/idp/internal/scaffold"
	"github.com/idp-cli/idp/internal/source"
	"github.com/idp-cli/idp/internal/tmpltest"
	"github.com/idp-cli/idp/templates"
)

// create makes a service from the embedded go-service, as idp new does.
func create(t *testing.T, svc string, set []string) string {
	t.Helper()
	src := source.Embedded(templates.FS, "v0.0.0-test")
	all, err := src.Catalog()
	if err != nil {
		t.Fatal(err)
	}
	tmpl := source.Find(all, "go-service")
	if tmpl == nil {
		t.Fatal("go-service not embedded")
	}
	dir := filepath.Join(t.TempDir(), svc)
	_, err = scaffold.New(context.Background(), scaffold.NewOptions{
		Source: src, Template: tmpl, OutputDir: dir,
		Answers: answers.Request{Name: svc, Set: set},
		Author:  gitrepo.DefaultAuthor, Now: time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC),
	})
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

var update = flag.Bool("update", false, "rewrite go-service's golden trees (tests/<case>/) from the render")

// TestGoServiceCases runs go-service's own test cases as idp template test does: every file of
// each case's render is pinned in tests/<case>/, so a change to the golden path or to the
// function map shows up as a reviewed diff. Outside -short, the cases' checks build, vet and test
// each generated service with the go command, offline.
func TestGoServiceCases(t *testing.T) {
	trust := !testing.Short()
	if trust {
		if _, err := exec.LookPath("go"); err != nil {
			t.Fatal("the go command is needed to build generated services: ", err)
		}
	}
	results, err := tmpltest.Run(context.Background(), "go-service", tmpltest.Options{Update: *update, Trust: trust})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, r := range results {
		names = append(names, r.Case)
		if r.Outcome != tmpltest.Passed && r.Outcome != tmpltest.Updated {
			t.Errorf("case %s: %s %s (run with -update if the change is intended)\n%s", r.Case, r.Outcome, r.Error, r.Diff)
		}
		if r.Check == nil {
			t.Errorf("case %s has no check", r.Case)
		} else if r.Check.Outcome == tmpltest.CheckFailed {
			t.Errorf("case %s: %s failed in the generated service:\n%s", r.Case, r.Check.Command, r.Check.Output)
		} else if want := map[bool]string{true: tmpltest.CheckPassed, false: tmpltest.CheckSkipped}[trust]; r.Check.Outcome != want {
			t.Errorf("case %s: check %s, want %s", r.Case, r.Check.Outcome, want)
		}
	}
	if got := strings.Join(names, " "); got != "all-environments custom default" {
		t.Errorf("cases = %q, want all-environments custom default", got)
	}
}

func TestGoServiceShipsThePlatformFiles(t *testing.T) {
	dir := create(t, "payments", []string{"owner=team-payments", "github_org=acme"})
	for _, f := range []string{
		".idp.yaml", ".github/workflows/ci.yaml", "Dockerfile", "deploy/k8s/base/deployment.yaml",
		"deploy/k8s/overlays/dev/kustomization.yaml", "infra/main.tf", "infra/versions.tf",
		"catalog-info.yaml", "CODEOWNERS", ".gitignore", "README.md", "cmd/payments/main.go",
	} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("missing %s", f)
		}
	}
	for _, f := range []string{"deploy/k8s/overlays/prod", "infra/environments/staging.tfvars", "go.mod.tmpl"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err == nil {
			t.Errorf("%s present though not asked for", f)
		}
	}
	ci, _ := os.ReadFile(filepath.Join(dir, ".github/workflows/ci.yaml"))
	if !strings.Contains(string(ci), "${{ secrets.GITHUB_TOKEN }}") {
		t.Error("ci.yaml lost its GitHub Actions expressions")
	}
}

// TestGoServiceLints: the shipped golden path passes idp template lint with no finding at all.
func TestGoServiceLints(t *testing.T) {
	found, err := lint.Lint(context.Background(), "go-service")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range found {
		t.Error(f)
	}
}

// TestGoServiceChangelog: CHANGELOG.md's newest entry is the version the skeleton says it is
// (catalog-info.yaml's idp/golden-path-version), so a release cannot ship one without the
// other; and the changelog stays out of what services get.
func TestGoServiceChangelog(t *testing.T) {
	log, err := os.ReadFile("go-service/CHANGELOG.md")
	if err != nil {
		t.Fatal(err)
	}
	newest := regexp.MustCompile(`(?m)^## (v\d+\.\d+\.\d+)$`).FindSubmatch(log)
	if newest == nil {
		t.Fatal(`CHANGELOG.md has no "## vX.Y.Z" entry`)
	}
	catalog, err := os.ReadFile("go-service/skeleton/catalog-info.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if want := "idp/golden-path-version: " + string(newest[1]) + "\n"; !strings.Contains(string(catalog), want) {
		t.Errorf("catalog-info.yaml lacks %q, the newest CHANGELOG.md entry", strings.TrimSpace(want))
	}
	dir := create(t, "payments", []string{"owner=team-payments", "github_org=acme"})
	if _, err := os.Stat(filepath.Join(dir, "CHANGELOG.md")); err == nil {
		t.Error("CHANGELOG.md was rendered into the service")
	}
}
