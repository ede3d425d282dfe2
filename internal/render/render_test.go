package render_test

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/idp-cli/idp/internal/answers"
	"github.com/idp-cli/idp/internal/golden"
	"github.com/idp-cli/idp/internal/manifest"
	"github.com/idp-cli/idp/internal/render"
)

func load(t *testing.T, dir string) (fs.FS, *manifest.Manifest) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, manifest.FileName))
	if err != nil {
		t.Fatal(err)
	}
	m, err := manifest.Parse(data, manifest.FileName, filepath.Base(dir))
	if err != nil {
		t.Fatal(err)
	}
	return os.DirFS(dir), m
}

func renderWith(t *testing.T, dir string, set ...string) (*render.Tree, error) {
	t.Helper()
	fsys, m := load(t, dir)
	res, err := answers.Resolve(context.Background(), m, answers.Request{Set: set})
	if err != nil {
		t.Fatal(err)
	}
	return render.Render(context.Background(), fsys, m, res.Data)
}

func archive(tree *render.Tree) []byte {
	files := make([]golden.File, len(tree.Files))
	for i, f := range tree.Files {
		files[i] = golden.File{Path: f.Path, Mode: f.Mode, Data: f.Data}
	}
	return golden.Archive(files)
}

// TestRenderFull covers the format's file rules on one template: names as templates, a directory
// whose name renders empty, suffix, verbatim, exclude with and without when, binary, modes,
// symlinks, CRLF and a missing final newline.
func TestRenderFull(t *testing.T) {
	for _, tc := range []struct {
		golden string
		set    []string
	}{
		{"testdata/full-default.txtar", []string{"name=shop"}},
		{"testdata/full-db-nodocs.txtar", []string{"name=shop", "with_db=true", "with_docs=false"}},
	} {
		t.Run(tc.golden, func(t *testing.T) {
			tree, err := renderWith(t, "testdata/full", tc.set...)
			if err != nil {
				t.Fatal(err)
			}
			golden.Assert(t, tc.golden, archive(tree))
		})
	}
}

func TestRenderKeepsBytes(t *testing.T) {
	tree, err := renderWith(t, "testdata/full", "name=shop")
	if err != nil {
		t.Fatal(err)
	}
	src, _ := os.ReadFile("testdata/full/skeleton/logo.png")
	if f := tree.Lookup("logo.png"); f == nil || !f.Binary || string(f.Data) != string(src) {
		t.Errorf("binary file not copied byte for byte: %+v", f)
	}
	if f := tree.Lookup("crlf.txt"); f == nil || string(f.Data) != "crlf shop\r\nline two\r\n" {
		t.Errorf("crlf.txt = %q", f.Data)
	}
	if f := tree.Lookup("plain.txt"); f == nil || string(f.Data) != "no trailing newline shop" {
		t.Errorf("plain.txt = %q", f.Data)
	}
	if f := tree.Lookup("scripts/run.sh"); f == nil || f.Mode != 0o755 {
		t.Errorf("run.sh mode = %v", f.Mode)
	}
	if f := tree.Lookup("run"); f == nil || !f.IsSymlink() || string(f.Data) != "scripts/run.sh" {
		t.Errorf("symlink run = %+v", f)
	}
	if tree.Lookup("charts/templates/deploy.yaml") == nil || string(tree.Lookup("charts/templates/deploy.yaml").Data) != "replicas: {{ .Values.replicas }}\n" {
		t.Error("verbatim file was rendered")
	}
}

func TestRenderBrackets(t *testing.T) {
	dir := writeTemplate(t, "files:\n  delimiters: ['[[', ']]']\n", map[string]string{
		"[[ .name ]].yaml":  "name: [[ .name ]]\nrun: ${{ github.sha }} {{ .Values.x }}\n",
		"keep/{{ odd }}.md": "{{ not a template }}\n",
	})
	tree, err := renderWith(t, dir, "name=api")
	if err != nil {
		t.Fatal(err)
	}
	if f := tree.Lookup("api.yaml"); f == nil || string(f.Data) != "name: api\nrun: ${{ github.sha }} {{ .Values.x }}\n" {
		t.Errorf("api.yaml = %+v", f)
	}
	if tree.Lookup("keep/{{ odd }}.md") == nil {
		t.Errorf("a name without the delimiters is kept as it is; got %v", paths(tree))
	}
}

func paths(tree *render.Tree) []string {
	var out []string
	for _, f := range tree.Files {
		out = append(out, f.Path)
	}
	return out
}

// writeTemplate makes a golden path in a temp dir with a name parameter, extra manifest lines
// and skeleton files.
func writeTemplate(t *testing.T, extra string, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	manifestText := "apiVersion: idp/v1\nkind: Template\ntype: service\nparameters:\n  - name: name\n  - name: path\n" + extra
	if err := os.WriteFile(filepath.Join(dir, "template.yaml"), []byte(manifestText), 0o644); err != nil {
		t.Fatal(err)
	}
	for name, content := range files {
		p := filepath.Join(dir, "skeleton", filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestRenderErrors(t *testing.T) {
	for _, tc := range []struct {
		name  string
		files map[string]string
		set   []string
		want  string
	}{
		{"unknown key names file, line and column", map[string]string{"a/b.txt": "line one\nhello {{ .nmae }}\n"}, nil,
			`skeleton/a/b.txt:2:9: no parameter or computed value named "nmae" (at <.nmae>)`},
		{"parse error names file and line", map[string]string{"c.txt": "x\ny\n{{ .name }\nz\n"}, nil,
			`skeleton/c.txt:3: unexpected "}" in operand`},
		{"unknown function", map[string]string{"d.txt": "{{ now }}\n"}, nil,
			`skeleton/d.txt:1: function "now" not defined`},
		{"absolute path", map[string]string{"{{ .path }}": "x"}, []string{"path=/etc/passwd"},
			`skeleton/{{ .path }}: renders to the absolute path "/etc/passwd"; paths must stay inside the service`},
		{"escapes with ..", map[string]string{"a/{{ .path }}/x.txt": "x"}, []string{"path=../../.."},
			`skeleton/a/{{ .path }}: renders to "../..", outside the service; remove the .. from its name`},
		{"into .git", map[string]string{"{{ .path }}/config": "x"}, []string{"path=.git"},
			`skeleton/{{ .path }}: renders to ".git", which idp does not write`},
		{"two files to one path", map[string]string{"a.txt": "1", "{{ .path }}": "2"}, []string{"path=a.txt"},
			`skeleton/{{ .path }}: renders to a.txt, as skeleton/a.txt does; give them different names`},
		{".git deeper down", map[string]string{"sub/{{ .path }}/config": "x"}, []string{"path=.git"},
			`skeleton/sub/{{ .path }}: renders to "sub/.git", which idp does not write`},
		{"a file where a directory renders", map[string]string{"a": "1", "{{ .path }}/f": "2"}, []string{"path=a"},
			`skeleton/{{ .path }}/f: renders to a/f, inside a, which skeleton/a renders as a file; give them different names`},
		{"idp.yaml", map[string]string{".idp.yaml": "x"}, nil,
			`skeleton/.idp.yaml: renders to .idp.yaml, which idp writes itself; rename it`},
		{"error in a file name", map[string]string{"{{ .nope }}.txt": "x"}, nil,
			`skeleton/{{ .nope }}.txt (file name):1:3: no parameter or computed value named "nope" (at <.nope>)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := writeTemplate(t, "", tc.files)
			_, err := renderWith(t, dir, append([]string{"name=x"}, tc.set...)...)
			var re *render.Error
			if !errors.As(err, &re) {
				t.Fatalf("got %v (%T), want a *render.Error", err, err)
			}
			if err.Error() != tc.want {
				t.Errorf("got  %s\nwant %s", err, tc.want)
			}
		})
	}
}

func TestSymlinkOutsideRefused(t *testing.T) {
	dir := writeTemplate(t, "", map[string]string{"ok.txt": "x"})
	for _, target := range []string{"../../../etc/passwd", "/etc/passwd", "../template.yaml", "../skeleton/ok.txt", ".git/config"} {
		link := filepath.Join(dir, "skeleton", "evil")
		os.Remove(link)
		if err := os.Symlink(target, link); err != nil {
			t.Fatal(err)
		}
		_, err := renderWith(t, dir, "name=x")
		want := `skeleton/evil: is a symlink to "` + target + `", which leads outside the service or into .git; links must point inside it`
		if err == nil || err.Error() != want {
			t.Errorf("link to %s: got %v, want %s", target, err, want)
		}
	}
}

func TestSuffixIsCutBeforeThePathRules(t *testing.T) {
	dir := writeTemplate(t, "files:\n  suffix: .tmpl\n", map[string]string{".git.tmpl": "x"})
	_, err := renderWith(t, dir, "name=x")
	if want := `skeleton/.git.tmpl: renders to ".git", which idp does not write`; err == nil || err.Error() != want {
		t.Errorf("got %v, want %s", err, want)
	}
	dir = writeTemplate(t, "files:\n  suffix: .tmpl\n", map[string]string{"{{ .path }}.tmpl": "x", "keep.txt.tmpl": "y"})
	tree, err := renderWith(t, dir, "name=x")
	if err != nil {
		t.Fatal(err)
	}
	if got := paths(tree); len(got) != 1 || got[0] != "keep.txt" {
		t.Errorf("a name that is empty once the suffix is cut is skipped; got %v", got)
	}
}

// TestNamedTemplatesStayInTheirFile: files share a function map, not a namespace, so a block
// defined in one file is not seen, nor overridden, by another.
func TestNamedTemplatesStayInTheirFile(t *testing.T) {
	dir := writeTemplate(t, "", map[string]string{
		"a.txt": `{{ define "greet" }}A {{ .name }}{{ end }}{{ template "greet" . }}` + "\n",
		"b.txt": `{{- define "greet" }}B{{ end }}{{ template "greet" . }}` + "\n",
		"c.txt": `{{ template "greet" . }}` + "\n",
		"d.txt": "template: {{ .name }}\n",
	})
	_, err := renderWith(t, dir, "name=x")
	if want := `skeleton/c.txt:1:12: template "greet" not defined (at <{{template "greet" .}}>)`; err == nil || err.Error() != want {
		t.Fatalf("got %v, want %s", err, want)
	}
	os.Remove(filepath.Join(dir, "skeleton", "c.txt"))
	tree, err := renderWith(t, dir, "name=x")
	if err != nil {
		t.Fatal(err)
	}
	for p, want := range map[string]string{"a.txt": "A x\n", "b.txt": "B\n", "d.txt": "template: x\n"} {
		if got := string(tree.Lookup(p).Data); got != want {
			t.Errorf("%s = %q, want %q", p, got, want)
		}
	}
}

func TestMissingSkeleton(t *testing.T) {
	dir := writeTemplate(t, "", nil)
	_, err := renderWith(t, dir, "name=x")
	if err == nil || err.Error() != "skeleton: missing: a golden path keeps its files under skeleton/" {
		t.Errorf("got %v", err)
	}
}

func TestRenderHonoursCancel(t *testing.T) {
	fsys, m := load(t, "testdata/full")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	data, err := answers.Data(m, map[string]any{"name": "x"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := render.Render(ctx, fsys, m, data); !errors.Is(err, context.Canceled) {
		t.Errorf("got %v, want context.Canceled", err)
	}
}

func TestRenderIsDeterministic(t *testing.T) {
	a, err := renderWith(t, "testdata/full", "name=shop")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := renderWith(t, "testdata/full", "name=shop")
	if string(archive(a)) != string(archive(b)) {
		t.Error("two renders of the same answers differ")
	}
	if !strings.Contains(string(archive(a)), "-- shop/main.go --") {
		t.Error("suffix .tmpl not cut from shop/main.go.tmpl")
	}
}

func TestRenderedPathOutsideRefused(t *testing.T) {
	for _, tc := range []struct {
		name  string
		files map[string]string
		set   []string
		want  string
	}{
		{"a file name rendering ../..", map[string]string{"{{ .path }}": "x"}, []string{"path=../../etc/x"},
			`skeleton/{{ .path }}: renders to "../../etc/x", outside the service; remove the .. from its name`},
		{"a file name rendering an absolute path", map[string]string{"{{ .path }}.txt": "x"}, []string{"path=/abs"},
			`skeleton/{{ .path }}.txt: renders to the absolute path "/abs.txt"; paths must stay inside the service`},
		{"a directory name climbing out below a subdirectory", map[string]string{"a/b/{{ .path }}/f": "x"}, []string{"path=../../../up"},
			`skeleton/a/b/{{ .path }}: renders to "../up", outside the service; remove the .. from its name`},
		{"a path template that makes .. itself", map[string]string{`{{ repeat 2 "." }}/x`: "x"}, nil,
			`skeleton/{{ repeat 2 "." }}: renders to "..", outside the service; remove the .. from its name`},
		{"a backslash-rooted name", map[string]string{"{{ .path }}": "x"}, []string{`path=\evil`},
			`skeleton/{{ .path }}: renders to the absolute path "\\evil"; paths must stay inside the service`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := writeTemplate(t, "", tc.files)
			_, err := renderWith(t, dir, append([]string{"name=x"}, tc.set...)...)
			if err == nil || err.Error() != tc.want {
				t.Errorf("got  %v\nwant %s", err, tc.want)
			}
		})
	}
}

// TestRootSymlinksRefused: template.yaml or skeleton/ as a link would make idp read whatever it
// points at, so both are refused wherever they point.
func TestRootSymlinksRefused(t *testing.T) {
	dir := writeTemplate(t, "", map[string]string{"ok.txt": "x"})
	fsys, m := load(t, dir)
	data, err := answers.Data(m, map[string]any{"name": "x"})
	if err != nil {
		t.Fatal(err)
	}
	outside := t.TempDir()
	if err := os.WriteFile(filepath.Join(outside, "secret"), []byte("s"), 0o644); err != nil {
		t.Fatal(err)
	}
	skel := filepath.Join(dir, "skeleton")
	if err := os.Rename(skel, skel+".real"); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, skel); err != nil {
		t.Fatal(err)
	}
	_, err = render.Render(context.Background(), fsys, m, data)
	if want := `skeleton: is a symlink to "` + outside + `"; idp does not follow it, so put the directory itself in the golden path`; err == nil || err.Error() != want {
		t.Errorf("got  %v\nwant %s", err, want)
	}
	os.Remove(skel)
	os.Rename(skel+".real", skel)
	tm := filepath.Join(dir, "template.yaml")
	os.Rename(tm, filepath.Join(outside, "template.yaml"))
	if err := os.Symlink("../../../../../../../../.."+filepath.Join(outside, "template.yaml"), tm); err != nil {
		t.Fatal(err)
	}
	_, err = render.Render(context.Background(), fsys, m, data)
	if want := `template.yaml: is a symlink to "../../../../../../../../..` + filepath.Join(outside, "template.yaml") + `"; idp does not follow it, so put the file itself in the golden path`; err == nil || err.Error() != want {
		t.Errorf("got  %v\nwant %s", err, want)
	}
}

// TestSymlinkInsideKept: a link to another skeleton file stays allowed.
func TestSymlinkInsideKept(t *testing.T) {
	dir := writeTemplate(t, "", map[string]string{"docs/a.md": "a"})
	if err := os.Symlink("docs/a.md", filepath.Join(dir, "skeleton", "README.md")); err != nil {
		t.Fatal(err)
	}
	tree, err := renderWith(t, dir, "name=x")
	if err != nil {
		t.Fatal(err)
	}
	if f := tree.Lookup("README.md"); f == nil || !f.IsSymlink() || string(f.Data) != "docs/a.md" {
		t.Errorf("README.md = %+v", f)
	}
}

func renderOpts(t *testing.T, dir string, o render.Options) (*render.Tree, error) {
	t.Helper()
	fsys, m := load(t, dir)
	data, err := answers.Data(m, map[string]any{"name": "x"})
	if err != nil {
		t.Fatal(err)
	}
	return render.RenderWith(context.Background(), fsys, m, data, o)
}

func TestSizeLimits(t *testing.T) {
	for _, tc := range []struct {
		name  string
		files map[string]string
		o     render.Options
		want  string
	}{
		{"one file, range", map[string]string{"big.txt": "{{ range until 100000 }}lol{{ end }}"}, render.Options{MaxFileSize: 1024},
			"skeleton/big.txt: renders more than 1 KiB, the most one file may hold; look for a range, until or repeat that produces too much"},
		{"one file, repeat", map[string]string{"big.txt": `{{ repeat 100000 "lol" }}`}, render.Options{MaxFileSize: 1000},
			"skeleton/big.txt: renders more than 1000 bytes, the most one file may hold; look for a range, until or repeat that produces too much"},
		{"a file name", map[string]string{`{{ repeat 5000 "a" }}`: "x"}, render.Options{MaxFileSize: 1024},
			`skeleton/{{ repeat 5000 "a" }} (file name): renders more than 1 KiB, the most one file may hold; look for a range, until or repeat that produces too much`},
		{"the whole tree", map[string]string{"a.txt": `{{ "" }}` + strings.Repeat("a", 600), "b.txt": `{{ "" }}` + strings.Repeat("b", 600)}, render.Options{MaxFileSize: 1024, MaxTotalSize: 1024},
			"skeleton/b.txt: the rendered service passes 1 KiB here, the most a render may produce; look for a range, until or repeat that produces too much, or files too large"},
		{"copied files count", map[string]string{"a.txt": strings.Repeat("a", 600), "b.bin": strings.Repeat("\x00", 600)}, render.Options{MaxTotalSize: 1024},
			"skeleton/b.bin: the rendered service passes 1 KiB here, the most a render may produce; look for a range, until or repeat that produces too much, or files too large"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := renderOpts(t, writeTemplate(t, "", tc.files), tc.o)
			if err == nil || err.Error() != tc.want || !errors.Is(err, render.ErrTooLarge) {
				t.Errorf("got  %v\nwant %s", err, tc.want)
			}
		})
	}
	// At the limits exactly, and with limits off.
	dir := writeTemplate(t, "", map[string]string{"a.txt": `{{ repeat 1024 "a" }}`})
	if _, err := renderOpts(t, dir, render.Options{MaxFileSize: 1024, MaxTotalSize: 1024}); err != nil {
		t.Errorf("at the limit: %v", err)
	}
	if _, err := renderOpts(t, dir, render.Options{MaxFileSize: -1, MaxTotalSize: -1}); err != nil {
		t.Errorf("no limit: %v", err)
	}
}

func TestTimeout(t *testing.T) {
	before := runtime.NumGoroutine()
	for _, tmpl := range []string{
		// Each inner until checks the deadline, so the abandoned goroutine stops too.
		`{{ range $i := until 100000 }}{{ range $j := until 100000 }}{{ end }}{{ end }}`,
		// Writes check it.
		`{{ range $i := until 1000000 }}{{ range $j := until 1000000 }}x{{ end }}{{ end }}`,
	} {
		dir := writeTemplate(t, "", map[string]string{"ok.txt": "fine", "slow.txt": tmpl})
		_, err := renderOpts(t, dir, render.Options{Timeout: 50 * time.Millisecond, MaxFileSize: -1, MaxTotalSize: -1})
		want := "skeleton/slow.txt: still rendering after 50ms, the longest a render may take; look for a loop that does not end"
		if err == nil || err.Error() != want || !errors.Is(err, render.ErrTimeout) {
			t.Errorf("got  %v\nwant %s", err, want)
		}
	}
	// The abandoned renders stop at their next until or write, not when the loops end (hours).
	for i := 0; runtime.NumGoroutine() > before; i++ {
		if i == 1000 {
			t.Fatalf("%d goroutines still running after the timeouts, %d before", runtime.NumGoroutine(), before)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestUntilBoundsALoop: until refuses a list that would take gigabytes before any loop runs.
func TestUntilBoundsALoop(t *testing.T) {
	dir := writeTemplate(t, "", map[string]string{"slow.txt": `{{ range $i := until 100000000 }}{{ end }}`})
	_, err := renderOpts(t, dir, render.Options{})
	want := "skeleton/slow.txt:1:15: until: 100000000 items is more than the 1048576 a list may hold (at <until 100000000>)"
	if err == nil || err.Error() != want {
		t.Errorf("got  %v\nwant %s", err, want)
	}
}

func TestCancelStopsARunningRender(t *testing.T) {
	dir := writeTemplate(t, "", map[string]string{"slow.txt": `{{ range $i := until 100000 }}{{ range $j := until 100000 }}{{ end }}{{ end }}`})
	fsys, m := load(t, dir)
	data, _ := answers.Data(m, map[string]any{"name": "x"})
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(20*time.Millisecond, cancel)
	if _, err := render.Render(ctx, fsys, m, data); !errors.Is(err, context.Canceled) {
		t.Errorf("got %v, want context.Canceled", err)
	}
}
