package ciaction

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"

	"go.yaml.in/yaml/v3"
)

const tag = "v1.4.0"

// repoRoot is the repository's root, where action.yml and scripts/ are.
func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	return root
}

func needTools(t *testing.T) {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("the action's scripts run in bash; this test runs them on unix")
	}
	for _, tool := range []string{"bash", "curl", "tar", "unzip"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed: %v", tool, err)
		}
	}
}

// stub is the idp each archive of the fake release holds: it names its platform, appends its
// arguments to $STUB_LOG, and exits with $STUB_CHECK for check and $STUB_CMD for anything else.
func stub(platform string) []byte {
	return []byte(`#!/bin/sh
# idp ` + platform + `
echo "` + platform + ` $*" >>"$STUB_LOG"
if [ "$1" = check ]; then exit "${STUB_CHECK:-0}"; fi
exit "${STUB_CMD:-0}"
`)
}

var platforms = []string{"linux_amd64", "linux_arm64", "darwin_amd64", "darwin_arm64", "windows_amd64", "windows_arm64"}

// makeDist writes what a goreleaser snapshot's dist/ holds for tag, as far as the action reads
// it: an archive per platform, named as .goreleaser.yaml names them, and checksums.txt.
func makeDist(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	var sums strings.Builder
	for _, p := range platforms {
		name := "idp_" + strings.TrimPrefix(tag, "v") + "_" + p
		var buf bytes.Buffer
		if strings.HasPrefix(p, "windows") {
			name += ".zip"
			zw := zip.NewWriter(&buf)
			for _, f := range []struct{ name, body string }{{"idp.exe", string(stub(p))}, {"LICENSE", "license"}} {
				h := &zip.FileHeader{Name: f.name, Method: zip.Deflate}
				h.SetMode(0o755)
				w, err := zw.CreateHeader(h)
				if err != nil {
					t.Fatal(err)
				}
				w.Write([]byte(f.body))
			}
			if err := zw.Close(); err != nil {
				t.Fatal(err)
			}
		} else {
			name += ".tar.gz"
			gz := gzip.NewWriter(&buf)
			tw := tar.NewWriter(gz)
			for _, f := range []struct{ name, body string }{{"LICENSE", "license"}, {"idp", string(stub(p))}, {"completions/idp.bash", "# completion"}} {
				if err := tw.WriteHeader(&tar.Header{Name: f.name, Mode: 0o755, Size: int64(len(f.body)), Typeflag: tar.TypeReg}); err != nil {
					t.Fatal(err)
				}
				tw.Write([]byte(f.body))
			}
			if err := tw.Close(); err != nil {
				t.Fatal(err)
			}
			if err := gz.Close(); err != nil {
				t.Fatal(err)
			}
		}
		if err := os.WriteFile(filepath.Join(dir, name), buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&sums, "%x  %s\n", sha256.Sum256(buf.Bytes()), name)
	}
	if err := os.WriteFile(filepath.Join(dir, "checksums.txt"), []byte(sums.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// release serves dist as GitHub serves a release's assets, <url>/<tag>/<asset>, and records the
// paths asked for.
type release struct {
	*httptest.Server
	mu    sync.Mutex
	paths []string
}

func serve(t *testing.T, dist, tag string) *release {
	t.Helper()
	r := &release{}
	files := http.StripPrefix("/"+tag+"/", http.FileServer(http.Dir(dist)))
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		r.mu.Lock()
		r.paths = append(r.paths, req.URL.Path)
		r.mu.Unlock()
		if !strings.HasPrefix(req.URL.Path, "/"+tag+"/") {
			http.NotFound(w, req)
			return
		}
		files.ServeHTTP(w, req)
	}))
	t.Cleanup(r.Close)
	return r
}

func (r *release) requests() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.paths)
}

type result struct {
	code           int
	stdout, stderr string
}

// script runs scripts/<name> with env on top of a minimal environment, in dir.
func script(t *testing.T, name, dir string, env ...string) result {
	t.Helper()
	return scriptArgs(t, name, dir, nil, env...)
}

// scriptArgs is script with arguments.
func scriptArgs(t *testing.T, name, dir string, args []string, env ...string) result {
	t.Helper()
	path := filepath.Join(repoRoot(t), "scripts", name)
	// Read here so that go test's cache knows the result depends on the script.
	if _, err := os.ReadFile(path); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("bash", append([]string{path}, args...)...)
	cmd.Dir = dir
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}, env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	res := result{stdout: out.String(), stderr: errb.String()}
	if ee, ok := err.(*exec.ExitError); ok {
		res.code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("run %s: %v", name, err)
	}
	return res
}

func TestInstallPicksTheArchiveOfTheRunnersPlatform(t *testing.T) {
	needTools(t)
	rel := serve(t, makeDist(t), tag)
	for _, tc := range []struct{ os, arch, want, exe string }{
		{"Linux", "X64", "linux_amd64", "idp"},
		{"Linux", "ARM64", "linux_arm64", "idp"},
		{"macOS", "X64", "darwin_amd64", "idp"},
		{"macOS", "ARM64", "darwin_arm64", "idp"},
		{"Windows", "X64", "windows_amd64", "idp.exe"},
		{"Windows", "ARM64", "windows_arm64", "idp.exe"},
	} {
		t.Run(tc.want, func(t *testing.T) {
			install := t.TempDir()
			ghPath := filepath.Join(t.TempDir(), "path")
			res := script(t, "action-install.sh", t.TempDir(), "IDP_VERSION="+tag, "IDP_RELEASES_URL="+rel.URL,
				"IDP_INSTALL_DIR="+install, "RUNNER_OS="+tc.os, "RUNNER_ARCH="+tc.arch, "GITHUB_PATH="+ghPath)
			if res.code != 0 {
				t.Fatalf("exit %d: %s", res.code, res.stderr)
			}
			bin := filepath.Join(install, tag, tc.want, "bin")
			if got := strings.TrimSpace(res.stdout); got != bin {
				t.Errorf("printed %q, want %q", got, bin)
			}
			body, err := os.ReadFile(filepath.Join(bin, tc.exe))
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(body), "# idp "+tc.want+"\n") {
				t.Errorf("installed the wrong archive's idp:\n%s", body)
			}
			if p, _ := os.ReadFile(ghPath); string(p) != bin+"\n" {
				t.Errorf("GITHUB_PATH holds %q, want %q", p, bin+"\n")
			}
		})
	}
}

func TestInstallRefusesAnArchiveThatDoesNotMatchChecksums(t *testing.T) {
	needTools(t)
	dist := makeDist(t)
	archive := filepath.Join(dist, "idp_1.4.0_linux_amd64.tar.gz")
	body, err := os.ReadFile(archive)
	if err != nil {
		t.Fatal(err)
	}
	body[len(body)/2] ^= 0xff
	if err := os.WriteFile(archive, body, 0o644); err != nil {
		t.Fatal(err)
	}
	rel := serve(t, dist, tag)
	install := t.TempDir()
	res := script(t, "action-install.sh", t.TempDir(), "IDP_VERSION="+tag, "IDP_RELEASES_URL="+rel.URL,
		"IDP_INSTALL_DIR="+install, "RUNNER_OS=Linux", "RUNNER_ARCH=X64")
	if res.code != 1 {
		t.Fatalf("exit %d, want 1; stderr: %s", res.code, res.stderr)
	}
	if !strings.Contains(res.stderr, "idp install: idp_1.4.0_linux_amd64.tar.gz does not match checksums.txt of v1.4.0") ||
		!strings.Contains(res.stderr, "refusing to install it") {
		t.Errorf("stderr: %s", res.stderr)
	}
	if res.stdout != "" {
		t.Errorf("stdout %q, want nothing", res.stdout)
	}
	if entries, _ := os.ReadDir(install); len(entries) != 0 {
		t.Errorf("the refused archive left %v in the install directory, for the cache to keep", entries)
	}
}

func TestInstallUsesItsCacheAndChecksItAgain(t *testing.T) {
	needTools(t)
	rel := serve(t, makeDist(t), tag)
	install := t.TempDir()
	env := []string{"IDP_VERSION=" + tag, "IDP_RELEASES_URL=" + rel.URL, "IDP_INSTALL_DIR=" + install, "RUNNER_OS=Linux", "RUNNER_ARCH=ARM64"}
	if res := script(t, "action-install.sh", t.TempDir(), env...); res.code != 0 {
		t.Fatalf("first install: exit %d: %s", res.code, res.stderr)
	}
	want := []string{"/v1.4.0/checksums.txt", "/v1.4.0/idp_1.4.0_linux_arm64.tar.gz"}
	if got := rel.requests(); !slices.Equal(got, want) {
		t.Errorf("requests %v, want %v", got, want)
	}
	rel.Close() // the cached copy must not need the network

	res := script(t, "action-install.sh", t.TempDir(), env...)
	if res.code != 0 || !strings.Contains(res.stderr, "idp v1.4.0 from the cache") {
		t.Fatalf("cached install: exit %d: %s", res.code, res.stderr)
	}

	// A cached archive that no longer matches its checksums is refused as a download is.
	cached := filepath.Join(install, tag, "linux_arm64", "idp_1.4.0_linux_arm64.tar.gz")
	if err := os.WriteFile(cached, []byte("not the release"), 0o644); err != nil {
		t.Fatal(err)
	}
	res = script(t, "action-install.sh", t.TempDir(), env...)
	if res.code != 1 || !strings.Contains(res.stderr, "does not match checksums.txt") {
		t.Fatalf("tampered cache: exit %d: %s", res.code, res.stderr)
	}
}

func TestInstallWantsAReleaseTag(t *testing.T) {
	needTools(t)
	for _, v := range []string{"", "main", "v1.4.0/../../x"} {
		res := script(t, "action-install.sh", t.TempDir(), "IDP_VERSION="+v, "IDP_INSTALL_DIR="+t.TempDir(), "IDP_RELEASES_URL=http://127.0.0.1:1")
		if res.code != 2 || !strings.Contains(res.stderr, "release tag") {
			t.Errorf("IDP_VERSION=%q: exit %d, stderr %q; want 2 and a word on release tags", v, res.code, res.stderr)
		}
	}
}

func TestInstallSaysWhenTheReleaseIsMissing(t *testing.T) {
	needTools(t)
	rel := serve(t, makeDist(t), tag)
	res := script(t, "action-install.sh", t.TempDir(), "IDP_VERSION=v9.9.9", "IDP_RELEASES_URL="+rel.URL,
		"IDP_INSTALL_DIR="+t.TempDir(), "RUNNER_OS=Linux", "RUNNER_ARCH=X64")
	if res.code != 1 || !strings.Contains(res.stderr, "download of "+rel.URL+"/v9.9.9/checksums.txt failed; is v9.9.9 an idp release?") {
		t.Errorf("exit %d, stderr %q", res.code, res.stderr)
	}
}

// TestActionInstallsThenChecksFirst runs the action's two scripts as its steps do: the
// installed idp is asked idp check first, and the command runs only when check exits 4.
func TestActionInstallsThenChecksFirst(t *testing.T) {
	needTools(t)
	rel := serve(t, makeDist(t), tag)
	install := t.TempDir()
	res := script(t, "action-install.sh", t.TempDir(), "IDP_VERSION="+tag, "IDP_RELEASES_URL="+rel.URL,
		"IDP_INSTALL_DIR="+install, "RUNNER_OS=Linux", "RUNNER_ARCH=X64")
	if res.code != 0 {
		t.Fatalf("install: exit %d: %s", res.code, res.stderr)
	}
	bin := filepath.Join(strings.TrimSpace(res.stdout), "idp")

	for _, tc := range []struct {
		name        string
		check, cmd  string
		env         []string
		wantCode    int
		wantCalls   []string
		wantStatus  string
		wantWarning string
	}{
		{name: "up to date", check: "0", wantCalls: []string{"check"}, wantStatus: "current"},
		{name: "behind", check: "4", wantCalls: []string{"check", "update --pull-request"}, wantStatus: "updated"},
		{name: "behind within --to", check: "4", env: []string{"IDP_TO=^1", "IDP_COMMAND=update --push"},
			wantCalls: []string{"check --to ^1", "update --push --to ^1"}, wantStatus: "updated"},
		{name: "update has conflicts", check: "4", cmd: "3", wantCalls: []string{"check", "update --pull-request"},
			wantStatus: "conflicts", wantWarning: "::warning::idp update: the update has conflicts"},
		{name: "update needs a person", check: "4", cmd: "5", wantCalls: []string{"check", "update --pull-request"},
			wantStatus: "needs-input", wantWarning: "::warning::idp update: a newer golden path version needs answers"},
		{name: "files hold conflicts", check: "3", wantCalls: []string{"check"}, wantStatus: "conflicts", wantWarning: "::warning::idp check: the update has conflicts"},
		{name: "check needs a person", check: "5", wantCalls: []string{"check"}, wantStatus: "needs-input"},
		{name: "check fails", check: "1", wantCode: 1, wantCalls: []string{"check"}},
		{name: "update fails", check: "4", cmd: "1", wantCode: 1, wantCalls: []string{"check", "update --pull-request"}},
		{name: "usage error", check: "2", wantCode: 2, wantCalls: []string{"check"}},
		{name: "without check", check: "0", env: []string{"IDP_CHECK=false"}, wantCalls: []string{"update --pull-request"}, wantStatus: "updated"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			log := filepath.Join(t.TempDir(), "calls")
			out := filepath.Join(t.TempDir(), "output")
			env := append([]string{"IDP_BIN=" + bin, "STUB_LOG=" + log, "STUB_CHECK=" + tc.check, "STUB_CMD=" + tc.cmd,
				"GITHUB_ACTIONS=true", "GITHUB_OUTPUT=" + out}, tc.env...)
			res := script(t, "action-run.sh", t.TempDir(), env...)
			if res.code != tc.wantCode {
				t.Errorf("exit %d, want %d; stderr %s", res.code, tc.wantCode, res.stderr)
			}
			body, _ := os.ReadFile(log)
			var calls []string
			for _, l := range strings.Split(strings.TrimSpace(string(body)), "\n") {
				calls = append(calls, strings.TrimPrefix(l, "linux_amd64 "))
			}
			if !slices.Equal(calls, tc.wantCalls) {
				t.Errorf("idp ran %q, want %q", calls, tc.wantCalls)
			}
			o, _ := os.ReadFile(out)
			wantOut := ""
			if tc.wantStatus != "" {
				wantOut = "status=" + tc.wantStatus + "\n"
			}
			if string(o) != wantOut {
				t.Errorf("GITHUB_OUTPUT %q, want %q", o, wantOut)
			}
			if tc.wantWarning != "" && !strings.Contains(res.stdout, tc.wantWarning) {
				t.Errorf("stdout %q, want the warning %q", res.stdout, tc.wantWarning)
			}
		})
	}
}

// TestActionYAML pins what docs/bots.md promises of action.yml: a composite action without Node,
// its inputs and defaults, and its steps running the scripts the tests above run.
func TestActionYAML(t *testing.T) {
	body, err := os.ReadFile(filepath.Join(repoRoot(t), "action.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var a struct {
		Inputs map[string]struct {
			Default string `yaml:"default"`
		} `yaml:"inputs"`
		Runs struct {
			Using string `yaml:"using"`
			Steps []struct {
				Uses string            `yaml:"uses"`
				Run  string            `yaml:"run"`
				Env  map[string]string `yaml:"env"`
			} `yaml:"steps"`
		} `yaml:"runs"`
	}
	if err := yaml.Unmarshal(body, &a); err != nil {
		t.Fatal(err)
	}
	if a.Runs.Using != "composite" {
		t.Errorf("runs.using %q, want composite", a.Runs.Using)
	}
	want := map[string]string{"version": "", "command": "update --pull-request", "to": "", "working-directory": ".",
		"token": "${{ github.token }}", "check": "true"}
	for name, def := range want {
		in, ok := a.Inputs[name]
		if !ok {
			t.Errorf("no input %s", name)
		} else if in.Default != def {
			t.Errorf("input %s defaults to %q, want %q", name, in.Default, def)
		}
	}
	var runs string
	refFromAction := false
	for _, s := range a.Runs.Steps {
		runs += s.Run
		if s.Env["IDP_ACTION_REF"] == "${{ github.action_ref }}" {
			refFromAction = true
		}
		if s.Uses != "" && !strings.HasPrefix(s.Uses, "actions/cache@") {
			t.Errorf("step uses %s; the action needs only actions/cache", s.Uses)
		}
	}
	if !refFromAction {
		t.Error("no step reads github.action_ref, the default version")
	}
	for _, s := range []string{"scripts/action-install.sh", "scripts/action-run.sh"} {
		if !strings.Contains(runs, s) {
			t.Errorf("no step runs %s", s)
		}
	}
}

// TestInstallFromSnapshot installs from a real goreleaser snapshot's dist/ (scripts/release-snapshot.sh
// sets IDP_SNAPSHOT_DIST) and runs its idp version: the archive names and checksums.txt that
// .goreleaser.yaml makes are the ones the install script expects.
func TestInstallFromSnapshot(t *testing.T) {
	needTools(t)
	dist := os.Getenv("IDP_SNAPSHOT_DIST")
	if dist == "" {
		t.Skip("IDP_SNAPSHOT_DIST is not set; scripts/release-snapshot.sh runs this test on a snapshot's dist/")
	}
	platform := runtime.GOOS + "_" + runtime.GOARCH
	archives, _ := filepath.Glob(filepath.Join(dist, "idp_*_"+platform+".tar.gz"))
	if len(archives) != 1 {
		t.Fatalf("want one %s archive in %s, found %v", platform, dist, archives)
	}
	version := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(archives[0]), "idp_"), "_"+platform+".tar.gz")
	rel := serve(t, dist, "v"+version)
	res := script(t, "action-install.sh", t.TempDir(), "IDP_VERSION=v"+version, "IDP_RELEASES_URL="+rel.URL,
		"IDP_INSTALL_DIR="+t.TempDir())
	if res.code != 0 {
		t.Fatalf("install: exit %d: %s", res.code, res.stderr)
	}
	out, err := exec.Command(filepath.Join(strings.TrimSpace(res.stdout), "idp"), "version").CombinedOutput()
	if err != nil {
		t.Fatalf("idp version: %v: %s", err, out)
	}
	if !strings.HasPrefix(string(out), "idp "+version) {
		t.Errorf("idp version printed %q, want idp %s", out, version)
	}
}

// TestVersionFromTheActionsRef: with no version input, the action's own ref says which release
// to install, a tag as it is and a commit (Renovate's digest pin) through the tag on it.
func TestVersionFromTheActionsRef(t *testing.T) {
	needTools(t)
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	repo := t.TempDir()
	git := func(args ...string) string {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir = repo
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@t", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@t")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v: %s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	git("init", "-q")
	git("commit", "-q", "--allow-empty", "-m", "one")
	git("tag", "-a", "-m", "v1.3.0", "v1.3.0")
	one := git("rev-parse", "HEAD")
	git("commit", "-q", "--allow-empty", "-m", "two")
	git("tag", "v1.4.0")
	git("tag", "nightly")
	two := git("rev-parse", "HEAD")
	git("commit", "-q", "--allow-empty", "-m", "three")
	three := git("rev-parse", "HEAD")

	for _, tc := range []struct {
		input, ref, want string
		code             int
	}{
		{input: "v1.2.0", ref: "v1.4.0", want: "v1.2.0"},
		{ref: "v1.4.0", want: "v1.4.0"},
		{ref: one, want: "v1.3.0"}, // an annotated tag, through its peeled line
		{ref: two, want: "v1.4.0"},
		{ref: three, code: 2},
		{ref: "main", code: 2},
		{code: 2},
	} {
		res := scriptArgs(t, "action-install.sh", t.TempDir(), []string{"--print-version"}, "IDP_VERSION="+tc.input,
			"IDP_ACTION_REF="+tc.ref, "IDP_REPOSITORY_URL="+repo)
		if res.code != tc.code || strings.TrimSpace(res.stdout) != tc.want {
			t.Errorf("version %q, ref %q: exit %d, printed %q (stderr %q); want exit %d and %q",
				tc.input, tc.ref, res.code, res.stdout, res.stderr, tc.code, tc.want)
		}
	}
}

// TestGitLabComponent: the component declares the inputs docs/bots.md lists, and its job runs the
// two scripts the tests above run, with the version it is given.
func TestGitLabComponent(t *testing.T) {
	body, err := os.ReadFile(filepath.Join(repoRoot(t), "gitlab", "templates", "idp-update.yml"))
	if err != nil {
		t.Fatal(err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(body))
	var header struct {
		Spec struct {
			Inputs map[string]struct {
				Default *string `yaml:"default"`
			} `yaml:"inputs"`
		} `yaml:"spec"`
	}
	var jobs map[string]struct {
		Variables map[string]string `yaml:"variables"`
		Script    []string          `yaml:"script"`
	}
	if err := dec.Decode(&header); err != nil {
		t.Fatal(err)
	}
	if err := dec.Decode(&jobs); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"version", "command", "to", "working-directory", "stage", "image", "releases-url", "scripts-url"} {
		if _, ok := header.Spec.Inputs[name]; !ok {
			t.Errorf("no input %s", name)
		}
	}
	if in := header.Spec.Inputs["version"]; in.Default != nil {
		t.Errorf("version has a default %q; a component cannot know its own ref, so it is required", *in.Default)
	}
	if d := header.Spec.Inputs["command"].Default; d == nil || *d != "update --pull-request" {
		t.Errorf("command's default %v, want update --pull-request", d)
	}
	job, ok := jobs["idp-update"]
	if !ok {
		t.Fatalf("no idp-update job in %v", jobs)
	}
	if job.Variables["IDP_VERSION"] != "$[[ inputs.version ]]" || job.Variables["IDP_COMMAND"] != "$[[ inputs.command ]]" {
		t.Errorf("variables %v", job.Variables)
	}
	script := strings.Join(job.Script, "\n")
	for _, s := range []string{"action-install.sh", "action-run.sh"} {
		if !strings.Contains(script, s) {
			t.Errorf("the job does not run %s", s)
		}
	}
}
