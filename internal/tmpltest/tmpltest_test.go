package tmpltest

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
)

// write lays files out under dir; a path ending in @x is written executable (without the @x).
func write(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for p, data := range files {
		mode := os.FileMode(0o644)
		if q, ok := strings.CutSuffix(p, "@x"); ok {
			p, mode = q, 0o755
		}
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(data), mode); err != nil {
			t.Fatal(err)
		}
	}
}

// goldenPath is a small golden path with one case, "small", whose golden tree is right.
func goldenPath(t *testing.T) string {
	dir := filepath.Join(t.TempDir(), "svc")
	write(t, dir, map[string]string{
		"template.yaml": `apiVersion: idp/v1
kind: Template
type: service
parameters:
  - name: name
    required: true
  - name: port
    type: int
    default: 8080
`,
		"skeleton/README.md":              "# {{ .name }}\n",
		"skeleton/config/{{ .name }}.env": "PORT={{ .port }}\n",
		"skeleton/run.sh@x":               "#!/bin/sh\nexec {{ .name }}\n",
		"tests/small.yaml":                "answers:\n  name: api\n  port: 9000\n",
		"tests/small/README.md":           "# api\n",
		"tests/small/config/api.env":      "PORT=9000\n",
		"tests/small/run.sh@x":            "#!/bin/sh\nexec api\n",
	})
	return dir
}

func run(t *testing.T, dir string, o Options) []Result {
	t.Helper()
	res, err := Run(context.Background(), dir, o)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestPasses(t *testing.T) {
	res := run(t, goldenPath(t), Options{})
	want := []Result{{Case: "small", Outcome: Passed, Files: 3}}
	if !reflect.DeepEqual(res, want) {
		t.Errorf("got %+v, want %+v", res, want)
	}
}

func TestDifferences(t *testing.T) {
	dir := goldenPath(t)
	write(t, dir, map[string]string{
		"tests/small/README.md": "# API\n",               // content
		"tests/small/run.sh":    "#!/bin/sh\nexec api\n", // lost its executable bit
		"tests/small/old.txt":   "gone\n",                // no longer rendered
	})
	os.Chmod(filepath.Join(dir, "tests/small/run.sh"), 0o644)
	os.Remove(filepath.Join(dir, "tests/small/config/api.env")) // newly rendered
	res := run(t, dir, Options{})
	if len(res) != 1 || res[0].Outcome != Failed {
		t.Fatalf("got %+v, want one failed case", res)
	}
	if want := []string{"README.md", "config/api.env", "old.txt", "run.sh"}; !reflect.DeepEqual(res[0].Differ, want) {
		t.Errorf("differ = %q, want %q", res[0].Differ, want)
	}
	// Each header says which side it is: the golden tree, or the render that --update would
	// write there.
	want := "--- tests/small/README.md\t(golden tree)\n+++ tests/small/README.md\t(render)\n" + `@@ -1 +1 @@
-# API
+# api
--- /dev/null
` + "+++ tests/small/config/api.env\t(render)\n" + `@@ -0,0 +1 @@
+PORT=9000
mode tests/small/run.sh: 0644 -> 0755
` + "--- tests/small/old.txt\t(golden tree)\n+++ /dev/null\n" + `@@ -1 +0,0 @@
-gone
`
	if res[0].Diff != want {
		t.Errorf("diff:\n%s\nwant:\n%s", res[0].Diff, want)
	}

	// --update writes the render, exactly, and the next run passes.
	res = run(t, dir, Options{Update: true})
	if res[0].Outcome != Updated || !res[0].Written {
		t.Fatalf("update: %+v", res[0])
	}
	if res := run(t, dir, Options{}); res[0].Outcome != Passed {
		t.Fatalf("after update: %+v", res[0])
	}
	if _, err := os.Stat(filepath.Join(dir, "tests/small/old.txt")); !os.IsNotExist(err) {
		t.Error("old.txt left in the golden tree")
	}
	if info, err := os.Stat(filepath.Join(dir, "tests/small/run.sh")); err != nil || info.Mode().Perm() != 0o755 {
		t.Errorf("run.sh: %v %v, want 0755", info, err)
	}
	entries, _ := os.ReadDir(filepath.Join(dir, "tests"))
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if want := []string{"small", "small.yaml"}; !reflect.DeepEqual(names, want) {
		t.Errorf("tests/ holds %q, want %q (no scratch directories left)", names, want)
	}
}

// Dot files and directories in tests/ are not cases: editors' files, or what an --update cut
// short left behind.
func TestDotFilesIgnored(t *testing.T) {
	dir := goldenPath(t)
	write(t, dir, map[string]string{"tests/.small-new-123/README.md": "x\n", "tests/.small-old/README.md": "x\n", "tests/.draft.yaml": "nonsense: [\n"})
	if res := run(t, dir, Options{}); len(res) != 1 || res[0].Outcome != Passed {
		t.Errorf("got %+v", res)
	}
}

func TestMissingGoldenTree(t *testing.T) {
	dir := goldenPath(t)
	write(t, dir, map[string]string{"tests/other.yaml": "answers: {name: web}\n"})
	res := run(t, dir, Options{Cases: []string{"other"}})
	res[0].Err = nil
	want := Result{Case: "other", Outcome: Errored, Files: 3, Error: "no golden tree tests/other/; run with --update to write it from the render, then review it"}
	if !reflect.DeepEqual(res, []Result{want}) {
		t.Errorf("got %+v", res)
	}
	res = run(t, dir, Options{Cases: []string{"other"}, Update: true})
	if res[0].Outcome != Updated {
		t.Fatalf("got %+v", res)
	}
	data, err := os.ReadFile(filepath.Join(dir, "tests/other/config/web.env"))
	if err != nil || string(data) != "PORT=8080\n" {
		t.Errorf("tests/other/config/web.env = %q, %v", data, err)
	}
}

func TestChecks(t *testing.T) {
	dir := goldenPath(t)
	t.Setenv("IDP_TOKEN", "secret-token")
	// The check runs in the render, with a minimal environment.
	write(t, dir, map[string]string{"tests/small.yaml": `answers:
  name: api
  port: 9000
check: test -x run.sh && grep -q 9000 config/api.env && env > "$OUT" && echo checked
`})
	out := filepath.Join(t.TempDir(), "env")
	t.Setenv("OUT", out) // not passed on: the command gets PATH, HOME and idp's variables only
	res := run(t, dir, Options{})
	if c := res[0].Check; res[0].Outcome != Passed || c == nil || c.Outcome != CheckSkipped {
		t.Fatalf("untrusted: %+v %+v", res[0], c)
	}

	write(t, dir, map[string]string{"tests/small.yaml": strings.Replace(`answers:
  name: api
  port: 9000
check: test -x run.sh && grep -q 9000 config/api.env && env > OUT
`, "OUT", out, 1)})
	res = run(t, dir, Options{Trust: true})
	if c := res[0].Check; res[0].Outcome != Passed || c.Outcome != CheckPassed {
		t.Fatalf("trusted: %+v %+v", res[0], c)
	}
	env, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(env), "secret-token") {
		t.Errorf("the check saw idp's environment:\n%s", env)
	}
	for _, v := range []string{"IDP_TEMPLATE=svc", "IDP_TEST_CASE=small"} {
		if !strings.Contains(string(env), v+"\n") {
			t.Errorf("the check's environment lacks %s:\n%s", v, env)
		}
	}

	write(t, dir, map[string]string{"tests/small.yaml": "answers: {name: api, port: 9000}\ncheck: echo broken; exit 3\n"})
	res = run(t, dir, Options{Trust: true})
	want := &CheckResult{Command: "echo broken; exit 3", Outcome: CheckFailed, Output: "broken\nexit status 3\n"}
	if res[0].Outcome != Failed || !reflect.DeepEqual(res[0].Check, want) {
		t.Errorf("failing check: %+v %+v", res[0], res[0].Check)
	}
}

func TestBadCases(t *testing.T) {
	for _, tc := range []struct {
		name, file, want string
	}{
		{"unknown key", "answer:\n  name: api\n", "tests/c.yaml:1: unknown key \"answer\"; a test case has answers: and check:"},
		{"list", "- name\n", "tests/c.yaml:1: a test case is a mapping with answers: and, optionally, check:"},
		{"check list", "answers: {name: api}\ncheck: [go, test]\n", "tests/c.yaml:2: check is one shell command as a string, such as: go test ./..."},
		{"answers list", "answers: [api]\n", "tests/c.yaml:1: must be a mapping of parameter names to answers"},
		{"syntax", "answers: {name: api\n", "tests/c.yaml:1: did not find expected ',' or '}'"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := goldenPath(t)
			write(t, dir, map[string]string{"tests/c.yaml": tc.file})
			_, err := Run(context.Background(), dir, Options{})
			if err == nil || err.Error() != tc.want {
				t.Errorf("error %v, want %s", err, tc.want)
			}
		})
	}
}

// A case whose answers break the template's rules names the parameter and the case file.
func TestBadAnswers(t *testing.T) {
	dir := goldenPath(t)
	write(t, dir, map[string]string{"tests/small.yaml": "answers:\n  name: api\n  port: eighty\n"})
	res := run(t, dir, Options{})
	if res[0].Outcome != Errored || !strings.HasPrefix(res[0].Error, `tests/small.yaml: parameter "port": `) {
		t.Errorf("got %+v", res[0])
	}
	write(t, dir, map[string]string{"tests/small.yaml": "answers:\n  port: 80\n"})
	res = run(t, dir, Options{})
	if res[0].Outcome != Errored || res[0].Error != "tests/small.yaml: no answer for the required parameter name; add it under answers:" {
		t.Errorf("got %+v", res[0])
	}
}

// A template fault shows its file and line.
func TestTemplateError(t *testing.T) {
	dir := goldenPath(t)
	write(t, dir, map[string]string{"skeleton/README.md": "# {{ .name }}\n\n{{ .name | nosuch }}\n"})
	res := run(t, dir, Options{})
	if res[0].Outcome != Errored || !strings.HasPrefix(res[0].Error, "skeleton/README.md:3: ") {
		t.Errorf("got %+v", res[0])
	}
}

func TestNoCases(t *testing.T) {
	dir := goldenPath(t)
	for _, tc := range []struct {
		setup func()
		want  string
	}{
		{func() { os.Rename(filepath.Join(dir, "tests/small.yaml"), filepath.Join(dir, "small.yaml")) },
			"tests/small/ is a golden tree without tests/small.yaml; add the case's answers or remove the directory"},
		{func() { os.RemoveAll(filepath.Join(dir, "tests/small")) },
			"tests/ holds no cases; add tests/<case>.yaml with the answers to render"},
		{func() { os.RemoveAll(filepath.Join(dir, "tests")) },
			dir + ": no tests/ directory; add a case as tests/<case>.yaml with the answers to render (idp template init writes one)"},
	} {
		tc.setup()
		if _, err := Run(context.Background(), dir, Options{}); err == nil || err.Error() != tc.want {
			t.Errorf("error %v, want %s", err, tc.want)
		}
	}
	_, err := Run(context.Background(), goldenPath(t), Options{Cases: []string{"big"}})
	if err == nil || err.Error() != `no case "big" in tests/; the cases are: small` {
		t.Errorf("error %v", err)
	}
}

func TestSymlinks(t *testing.T) {
	dir := goldenPath(t)
	if err := os.Symlink("README.md", filepath.Join(dir, "skeleton/link")); err != nil {
		t.Fatal(err)
	}
	res := run(t, dir, Options{})
	if want := "--- /dev/null\n+++ tests/small/link\t(render, a symlink)\n@@ -0,0 +1 @@\n+README.md\n\\ No newline at end of file\n"; res[0].Diff != want {
		t.Errorf("diff:\n%s\nwant:\n%s", res[0].Diff, want)
	}
	run(t, dir, Options{Update: true})
	if target, err := os.Readlink(filepath.Join(dir, "tests/small/link")); err != nil || target != "README.md" {
		t.Errorf("link: %q %v", target, err)
	}
	if res := run(t, dir, Options{}); res[0].Outcome != Passed {
		t.Errorf("after update: %+v", res[0])
	}
}

// TestCasesRunSideBySide: with more than one CPU, the cases' checks run at the same time (each
// waits here until the other has started), and the results keep the cases' order.
func TestCasesRunSideBySide(t *testing.T) {
	if runtime.GOMAXPROCS(0) < 2 {
		t.Skip("one CPU: the cases run one at a time")
	}
	meet := t.TempDir()
	t.Setenv("HOME", meet) // the checks' one shared directory
	dir := goldenPath(t)
	wait := func(me, other string) string {
		return "check: touch \"$HOME/" + me + "\"; for i in $(seq 100); do test -e \"$HOME/" + other + "\" && exit 0; sleep 0.05; done; echo " + other + " never started; exit 1\n"
	}
	write(t, dir, map[string]string{
		"tests/small.yaml":         "answers:\n  name: api\n  port: 9000\n" + wait("small", "big"),
		"tests/big.yaml":           "answers:\n  name: api\n  port: 9000\n" + wait("big", "small"),
		"tests/big/README.md":      "# api\n",
		"tests/big/config/api.env": "PORT=9000\n",
		"tests/big/run.sh@x":       "#!/bin/sh\nexec api\n",
	})
	res := run(t, dir, Options{Trust: true})
	if len(res) != 2 || res[0].Case != "big" || res[1].Case != "small" {
		t.Fatalf("results %+v, want big then small", res)
	}
	for _, r := range res {
		if r.Outcome != Passed || r.Check == nil || r.Check.Outcome != CheckPassed {
			t.Errorf("case %s: %s, check %+v", r.Case, r.Outcome, r.Check)
		}
	}
}
