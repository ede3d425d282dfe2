package templates_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/idp-cli/idp/internal/answers"
	"github.com/idp-cli/idp/internal/gitrepo"
	"github.com/idp-cli/idp/internal/golden"
	"github.com/idp-cli/idp/internal/lint"
	"github.com/idp-cli/idp/internal/scaffold"
	"github.com/idp-cli/idp/internal/source"
	"github.com/idp-cli/idp/templates"
)

// answerSets are the go-service cases kept as golden trees and built with the Go toolchain.
var answerSets = []struct {
	name string
	set  []string
}{
	{"default", []string{"owner=team-payments"}},
	{"custom", []string{
		"owner=platform/core", "description=Moves money: safely.", "module=github.com/acme/ledger-api",
		"port=9090", "go_version=1.25", "image=registry.acme.dev/ledger-api", "environments=staging,prod",
	}},
}

func create(t *testing.T, name string, set []string) string {
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
	svc := "payments"
	if name == "custom" {
		svc = "ledger-api"
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

// TestGoServiceGolden pins every generated file, so a change to the golden path or to the
// function map shows up as a reviewed diff.
func TestGoServiceGolden(t *testing.T) {
	for _, tc := range answerSets {
		t.Run(tc.name, func(t *testing.T) {
			dir := create(t, tc.name, tc.set)
			golden.Assert(t, filepath.Join("testdata", "go-service-"+tc.name+".txtar"), golden.Archive(golden.ReadDir(t, dir)))
		})
	}
}

// TestGoServiceBuilds proves a generated service builds, vets and passes its own tests offline.
func TestGoServiceBuilds(t *testing.T) {
	if testing.Short() {
		t.Skip("builds generated services with the go command")
	}
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Fatal("the go command is needed to build generated services: ", err)
	}
	for _, tc := range answerSets {
		t.Run(tc.name, func(t *testing.T) {
			dir := create(t, tc.name, tc.set)
			for _, args := range [][]string{{"build", "./..."}, {"vet", "./..."}, {"test", "-count=1", "./..."}} {
				cmd := exec.Command(gobin, args...)
				cmd.Dir = dir
				cmd.Env = append(os.Environ(), "GOPROXY=off", "GOFLAGS=-mod=mod", "GOTOOLCHAIN=local", "GOWORK=off")
				out, err := cmd.CombinedOutput()
				if err != nil {
					t.Fatalf("go %s in the generated service: %v\n%s", strings.Join(args, " "), err, out)
				}
				if args[0] == "test" && !strings.Contains(string(out), "ok  \t") {
					t.Errorf("go test ran no tests:\n%s", out)
				}
			}
		})
	}
}

func TestGoServiceShipsThePlatformFiles(t *testing.T) {
	dir := create(t, "default", answerSets[0].set)
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
