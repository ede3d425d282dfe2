package templates_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/idp-cli/idp/internal/cli"
	"github.com/idp-cli/idp/internal/tmpltest"
)

// v100 is the commit whose templates/go-service was released as go-service v1.0.0.
const v100 = "8ca374f"

// TestGoServiceUpdateFromV100 makes a service from go-service v1.0.0 (the golden path as it was
// at commit 8ca374f), changes it as a team would (a handler, a resource request, an extra
// overlay patch), commits, and updates it to this tree's go-service, tagged v1.1.0 in a git
// source made for the test. Every local change must survive; the two changes that touch lines
// v1.1.0 also rewrote come back as the conflicts docs/go-service.md describes, and once they are
// resolved as it says, the service passes the same checks as the test cases.
func TestGoServiceUpdateFromV100(t *testing.T) {
	if testing.Short() {
		t.Skip("renders two versions, updates a service and runs the checks")
	}
	if _, err := exec.LookPath("git"); err != nil {
		t.Fatal("the git command is needed to read go-service v1.0.0 from history: ", err)
	}
	if err := exec.Command("git", "cat-file", "-e", v100+"^{commit}").Run(); err != nil {
		t.Skipf("commit %s (go-service v1.0.0) is not in this clone's history (shallow?): %v", v100, err)
	}
	tmp := t.TempDir()
	git := func(dir string, args ...string) string {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-c", "user.name=Team", "-c", "user.email=team@example.com", "-c", "init.defaultBranch=main"}, args...)...)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}

	// The source: v1.0.0 from history, v1.1.0 from this tree, as whole-source tags.
	src := filepath.Join(tmp, "golden-paths")
	if err := os.MkdirAll(src, 0o755); err != nil {
		t.Fatal(err)
	}
	git(src, "init", "-q")
	archive := exec.Command("sh", "-c", `git -C "$1" archive "$2" templates/go-service/template.yaml templates/go-service/skeleton | tar -x -C "$3" --strip-components=1`,
		"sh", "..", v100, src)
	if out, err := archive.CombinedOutput(); err != nil {
		t.Fatalf("git archive %s: %v\n%s", v100, err, out)
	}
	git(src, "add", "-A")
	git(src, "commit", "-q", "-m", "go-service v1.0.0")
	git(src, "tag", "v1.0.0")
	if err := os.RemoveAll(filepath.Join(src, "go-service")); err != nil {
		t.Fatal(err)
	}
	if err := os.CopyFS(filepath.Join(src, "go-service"), os.DirFS("go-service")); err != nil {
		t.Fatal(err)
	}
	for _, notShipped := range []string{"tests", "tools", "CHANGELOG.md"} {
		if err := os.RemoveAll(filepath.Join(src, "go-service", notShipped)); err != nil {
			t.Fatal(err)
		}
	}
	git(src, "add", "-A")
	git(src, "commit", "-q", "-m", "go-service v1.1.0")
	git(src, "tag", "v1.1.0")

	home := filepath.Join(tmp, "home")
	env := map[string]string{"HOME": home, "XDG_CONFIG_HOME": filepath.Join(home, ".config"), "XDG_CACHE_HOME": filepath.Join(home, ".cache"), "CI": "true"}
	idp := func(want int, args ...string) string {
		t.Helper()
		var out, errOut bytes.Buffer
		f := &cli.Factory{
			Build:  cli.Build{Version: "test"},
			IO:     &cli.IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut},
			Now:    func() time.Time { return time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC) },
			Getenv: func(k string) string { return env[k] },
		}
		if code := cli.Run(context.Background(), f, args); code != want {
			t.Fatalf("idp %s: exit %d, want %d\n%s%s", strings.Join(args, " "), code, want, out.String(), errOut.String())
		}
		return out.String() + errOut.String()
	}

	svc := filepath.Join(tmp, "payments")
	idp(0, "new", "service", "payments", "--source", "file://"+src, "--version", "v1.0.0", "--set", "owner=team-payments", "-o", svc, "--no-input")
	read := func(name string) string {
		t.Helper()
		b, err := os.ReadFile(filepath.Join(svc, name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	write := func(name, content string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(svc, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	edit := func(name, old, new string) {
		t.Helper()
		s := read(name)
		if !strings.Contains(s, old) {
			t.Fatalf("%s lacks %q", name, old)
		}
		write(name, strings.Replace(s, old, new, 1))
	}

	// The team's changes: a handler, a resource request, a patch in the dev overlay, and the
	// answer v1.1.0 asks for that v1.0.0 did not (docs/go-service.md, "Updating from v1.0.0").
	accounts := "\tmux.HandleFunc(\"GET /accounts\", func(w http.ResponseWriter, r *http.Request) {\n\t\twriteJSON(w, http.StatusOK, []string{\"acc-1\"})\n\t})\n"
	edit("internal/server/server.go", "\tmux.HandleFunc(\"GET /{$}\"", accounts+"\tmux.HandleFunc(\"GET /{$}\"")
	edit("deploy/k8s/base/deployment.yaml", "cpu: 50m", "cpu: 100m")
	edit("deploy/k8s/overlays/dev/kustomization.yaml", "newTag: latest\n", "newTag: latest\npatches:\n  - path: debug-logs.yaml\n")
	write("deploy/k8s/overlays/dev/debug-logs.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: payments\nspec:\n  template:\n    spec:\n      containers:\n        - name: payments\n          env:\n            - name: LOG_LEVEL\n              value: debug\n")
	edit(".idp.yaml", "  environments: [dev]\n", "  environments: [dev]\n  github_org: acme\n")
	git(svc, "add", "-A")
	git(svc, "commit", "-q", "-m", "Our changes")

	out := idp(3, "update", "--dir", svc, "--to", "v1.1.0", "--no-input")
	for _, want := range []string{
		"conflict  deploy/k8s/overlays/dev/kustomization.yaml",
		"conflict  internal/server/server.go",
		"2 files left in conflict",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("update output lacks %q:\n%s", want, out)
		}
	}
	if got := strings.Count(out, "conflict  "); got != 2 {
		t.Errorf("%d conflicts, want 2:\n%s", got, out)
	}
	// Local changes outside the conflicts are merged in; v1.1.0's changes are there too.
	for name, wants := range map[string][]string{
		"deploy/k8s/base/deployment.yaml":            {"cpu: 100m", "runAsUser: 65532", "ephemeral-storage: 16Mi"},
		"deploy/k8s/overlays/dev/debug-logs.yaml":    {"value: debug"},
		"deploy/k8s/overlays/dev/kustomization.yaml": {"<<<<<<< ", "newTag: latest\npatches:\n  - path: debug-logs.yaml\n=======\n    newTag: unreleased\n>>>>>>> "},
		"internal/server/server.go":                  {"<<<<<<< ", accounts, `s.mux.Handle("GET /metrics", s.metrics)`},
		".idp.yaml":                                  {"version: v1.1.0", "github_org: acme", "repository: acme/payments"},
		"README.md":                                  {"kubectl apply -k deploy/k8s/overlays/dev"}, // owned: v1.0.0's, kept
		"Dockerfile":                                 {"USER 65532:65532"},
	} {
		got := read(name)
		for _, w := range wants {
			if !strings.Contains(got, w) {
				t.Errorf("%s after the update lacks %q:\n%s", name, w, got)
			}
		}
	}

	// Resolved as docs/go-service.md says: both sides in the overlay; the route on s.mux.
	kust := read("deploy/k8s/overlays/dev/kustomization.yaml")
	start, end := strings.Index(kust, "<<<<<<< "), strings.Index(kust, ">>>>>>> ")
	end += strings.Index(kust[end:], "\n") + 1
	write("deploy/k8s/overlays/dev/kustomization.yaml", kust[:start]+"    newTag: unreleased\npatches:\n  - path: debug-logs.yaml\n"+kust[end:])
	server := read("internal/server/server.go")
	start, end = strings.Index(server, "<<<<<<< "), strings.Index(server, ">>>>>>> ")
	theirs := server[strings.Index(server, "=======\n")+len("=======\n") : end]
	end += strings.Index(server[end:], "\n") + 1
	write("internal/server/server.go", server[:start]+strings.ReplaceAll(accounts, "\tmux.", "\ts.mux.")+theirs+server[end:])
	git(svc, "add", "-A")
	git(svc, "commit", "-q", "-m", "Update to go-service v1.1.0")

	// The same checks as the test cases.
	cases, err := tmpltest.LoadCases("go-service")
	if err != nil {
		t.Fatal(err)
	}
	var check string
	for _, c := range cases {
		if c.Name == "default" {
			check = c.Check
		}
	}
	cmd := exec.Command("sh", "-c", check)
	cmd.Dir = svc
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("the updated service fails the checks: %v\n%s", err, out)
	}
}
