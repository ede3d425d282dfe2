package layer

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/idp-cli/idp/internal/answers"
	"github.com/idp-cli/idp/internal/gitrepo"
	"github.com/idp-cli/idp/internal/provenance"
	"github.com/idp-cli/idp/internal/render"
	"github.com/idp-cli/idp/internal/source"
	"github.com/idp-cli/idp/internal/update"
)

func git(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-C", dir}, args...)...)
	cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL="+os.DevNull,
		"GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@x", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@x")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if data == "" {
			os.Remove(p)
			continue
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func read(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

const svcManifest = "apiVersion: idp/v1\nkind: Template\nname: svc\ntype: service\nparameters:\n  - name: name\n    required: true\n"

const catalogV1 = `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: {{ .name }}
  annotations:
    github.com/project-slug: acme/{{ .name }}
spec:
  type: service
`

const docsManifest = `apiVersion: idp/v1
kind: Template
name: docs
type: addon
requires:
  - name: svc
    version: ^1
parameters:
  - name: name
    required: true
  - name: site_title
    default: '{{ .name }} docs'
files:
  blocks:
    - file: catalog-info.yaml
      after: '^  annotations:'
      content: |
        {{ "    " }}backstage.io/techdocs-ref: dir:.
`

// rig is a golden paths' source (svc, a service, and docs, an add-on) in a git repository, and
// a service made from svc at v1.0.0 in a repository of its own.
type rig struct {
	t        *testing.T
	src, svc string
	d        Deps
}

func newRig(t *testing.T) *rig {
	r := &rig{t: t, src: t.TempDir(), svc: filepath.Join(t.TempDir(), "pay")}
	writeFiles(t, r.src, map[string]string{
		"svc/template.yaml":              svcManifest,
		"svc/skeleton/catalog-info.yaml": catalogV1,
		"svc/skeleton/app.yaml":          "name: {{ .name }}\nreplicas: 1\n",
		"docs/template.yaml":             docsManifest,
		"docs/skeleton/mkdocs.yml":       "site_name: {{ .site_title }}\nnav:\n  - index.md\n",
		"docs/skeleton/docs/index.md":    "# {{ .name }}\n",
	})
	git(t, r.src, "init", "-q", "-b", "main")
	git(t, r.src, "add", "-A")
	git(t, r.src, "commit", "-q", "-m", "v1")
	git(t, r.src, "tag", "v1.0.0")
	r.d = Deps{
		OpenCatalog: func(ctx context.Context, loc string) (*source.Catalog, error) {
			return source.OpenCatalog(ctx, loc, source.OpenOptions{CacheDir: filepath.Join(t.TempDir(), "cache")})
		},
		Log: &bytes.Buffer{}, Author: gitrepo.Author{Name: "idp", Email: "idp@example.com"},
		Now: func() time.Time { return time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC) },
	}
	// The service, as idp new makes it.
	cat, err := r.d.OpenCatalog(context.Background(), r.src)
	if err != nil {
		t.Fatal(err)
	}
	src, tmpl, err := cat.At(source.Find(cat.All, "svc"), "--version", "v1.0.0", false)
	if err != nil {
		t.Fatal(err)
	}
	tree, err := render.Render(context.Background(), tmpl.FS, tmpl.Manifest, map[string]any{"name": "pay"})
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{}
	for _, f := range tree.Files {
		files[f.Path] = string(f.Data)
	}
	rec, _ := provenance.Marshal(&provenance.File{
		Template: provenance.Template{Source: src.Location, Name: "svc", Version: src.Version, Commit: src.Commit},
		Answers:  []answers.KV{{Key: "name", Value: "pay"}},
	})
	files[".idp.yaml"] = string(rec)
	writeFiles(t, r.svc, files)
	git(t, r.svc, "init", "-q", "-b", "main")
	git(t, r.svc, "add", "-A")
	git(t, r.svc, "commit", "-q", "-m", "Create pay")
	return r
}

// release commits files to the source and tags it.
func (r *rig) release(tag string, files map[string]string) {
	writeFiles(r.t, r.src, files)
	git(r.t, r.src, "add", "-A")
	git(r.t, r.src, "commit", "-q", "-m", tag)
	git(r.t, r.src, "tag", tag)
}

func (r *rig) add(o AddOptions) (*Result, error) {
	o.Dir, o.Template = r.svc, cmpOr(o.Template, "docs")
	if o.Version == "" {
		o.Version = "latest"
	}
	return Add(context.Background(), r.d, o)
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func actions(changes []update.Change) string {
	var s []string
	for _, c := range changes {
		s = append(s, string(c.Action)+" "+c.Path)
	}
	return strings.Join(s, ", ")
}

// TestAdd: the add-on's files are added, its block goes after the annotations line of the
// base's catalog-info.yaml, .idp.yaml records it under layers with the answer it took from the
// base (name), and it is committed.
func TestAdd(t *testing.T) {
	r := newRig(t)
	res, err := r.add(AddOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := actions(res.Changes); got != "updated catalog-info.yaml, added docs/index.md, added mkdocs.yml" {
		t.Errorf("changes: %s", got)
	}
	if res.Conflicts != 0 || res.Commit == "" {
		t.Fatalf("conflicts %d, commit %q", res.Conflicts, res.Commit)
	}
	want := "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: pay\n  annotations:\n" +
		"    # idp:begin docs\n    backstage.io/techdocs-ref: dir:.\n    # idp:end docs\n" +
		"    github.com/project-slug: acme/pay\nspec:\n  type: service\n"
	if got := read(t, filepath.Join(r.svc, "catalog-info.yaml")); got != want {
		t.Errorf("catalog-info.yaml:\n%s\nwant:\n%s", got, want)
	}
	if got := read(t, filepath.Join(r.svc, "mkdocs.yml")); got != "site_name: pay docs\nnav:\n  - index.md\n" {
		t.Errorf("mkdocs.yml: %q", got)
	}
	svc, err := update.Open(r.svc)
	if err != nil {
		t.Fatal(err)
	}
	l := svc.Record.Layer(1)
	if got := svc.Record.Names(); strings.Join(got, " ") != "svc docs" || l.Template.Version != "v1.0.0" || l.Recorded()["name"] != "pay" || l.Recorded()["site_title"] != "pay docs" {
		t.Errorf("record: %v %+v", got, l)
	}
	if got := git(t, r.svc, "status", "--porcelain"); got != "" {
		t.Errorf("not committed: %s", got)
	}
	if got := git(t, r.svc, "log", "-1", "--format=%an <%ae> %s"); got != "idp <idp@example.com> Add docs v1.0.0" {
		t.Errorf("commit: %s", got)
	}
	// Twice is refused.
	if _, err := r.add(AddOptions{}); err == nil || !strings.Contains(err.Error(), "docs is an add-on of the service already (v1.0.0); idp update --layer docs updates it") {
		t.Errorf("added twice: %v", err)
	}
}

// TestAddConflicts: a file the service has already is never overwritten: the same content is
// nothing to do, other content a conflict with markers, and nothing is committed.
func TestAddConflicts(t *testing.T) {
	r := newRig(t)
	writeFiles(t, r.svc, map[string]string{"mkdocs.yml": "site_name: Our own\n", "docs/index.md": "# pay\n"})
	git(t, r.svc, "add", "-A")
	git(t, r.svc, "commit", "-q", "-m", "own docs")
	head := git(t, r.svc, "rev-parse", "HEAD")
	res, err := r.add(AddOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := actions(res.Changes); got != "updated catalog-info.yaml, conflict mkdocs.yml" || res.Conflicts != 1 || res.Commit != "" {
		t.Fatalf("changes: %s; conflicts %d, commit %q", got, res.Conflicts, res.Commit)
	}
	if c := res.Changes[1]; !strings.HasPrefix(c.Reason, "the service has this file already, and docs has its own; ") {
		t.Errorf("reason: %s", c.Reason)
	}
	if got := read(t, filepath.Join(r.svc, "mkdocs.yml")); !strings.Contains(got, "<<<<<<< pay\nsite_name: Our own\n=======\nsite_name: pay docs\n") {
		t.Errorf("mkdocs.yml:\n%s", got)
	}
	if git(t, r.svc, "rev-parse", "HEAD") != head {
		t.Error("committed with a conflict left")
	}
	if !strings.Contains(read(t, filepath.Join(r.svc, ".idp.yaml")), "name: docs") {
		t.Error(".idp.yaml does not record the layer")
	}
}

func TestAddRefused(t *testing.T) {
	r := newRig(t)
	var re *RequirementError
	r.release("v1.1.0", map[string]string{"docs/template.yaml": strings.Replace(docsManifest, "^1", "^1.1", 1)})
	if _, err := r.add(AddOptions{}); !errors.As(err, &re) || err.Error() != "docs requires svc ^1.1, and the service is on svc v1.0.0; idp update first (idp update --layer svc)" {
		t.Errorf("version: %v", err)
	}
	r.release("v1.2.0", map[string]string{"docs/template.yaml": strings.Replace(docsManifest, "name: svc", "name: kustomize", 1)})
	if _, err := r.add(AddOptions{}); !errors.As(err, &re) || err.Error() != "docs requires kustomize ^1 as a layer of the service, which has svc; add kustomize first, or use a golden path that has it" {
		t.Errorf("missing: %v", err)
	}
	if _, err := r.add(AddOptions{Template: "svc"}); err == nil || err.Error() != "svc is the service's base golden path already (v1.0.0); idp update --layer svc updates it" {
		t.Errorf("base: %v", err)
	}
	r.release("v1.3.0", map[string]string{"other/template.yaml": strings.Replace(svcManifest, "name: svc", "name: other", 1), "other/skeleton/x": "x"})
	if _, err := r.add(AddOptions{Template: "other"}); err == nil || err.Error() != "other is a golden path of type service, not an add-on; idp add applies add-ons (type: addon), and its add-ons are docs" {
		t.Errorf("not an add-on: %v", err)
	}
	writeFiles(t, r.svc, map[string]string{"app.yaml": "dirty\n"})
	if _, err := r.add(AddOptions{Version: "v1.0.0"}); err == nil || !strings.Contains(err.Error(), "uncommitted changes (M app.yaml)") {
		t.Errorf("dirty: %v", err)
	}
}

// TestLayeredUpdate: the base and the add-on each move to their new version; edits inside and
// outside the block are kept, the block is rewritten in place, and each layer's version is
// recorded.
func TestLayeredUpdate(t *testing.T) {
	r := newRig(t)
	if _, err := r.add(AddOptions{}); err != nil {
		t.Fatal(err)
	}
	// Edits: a line outside the block in the base's file, and mkdocs.yml's nav.
	cat := read(t, filepath.Join(r.svc, "catalog-info.yaml"))
	writeFiles(t, r.svc, map[string]string{
		"catalog-info.yaml": strings.Replace(cat, "  type: service\n", "  type: service\n  lifecycle: production\n", 1),
		"mkdocs.yml":        "site_name: pay docs\nnav:\n  - index.md\n  - runbook.md\n",
	})
	git(t, r.svc, "commit", "-q", "-am", "local edits")
	r.release("v1.1.0", map[string]string{
		"svc/skeleton/catalog-info.yaml": strings.Replace(catalogV1, "kind: Component\n", "kind: Component\n# owned by the platform\n", 1),
		"docs/template.yaml":             strings.Replace(docsManifest, "dir:.", "dir:docs", 1),
		"docs/skeleton/mkdocs.yml":       "site_name: {{ .site_title }}\ntheme: material\nnav:\n  - index.md\n",
	})
	d := update.Deps{OpenCatalog: r.d.OpenCatalog, Log: &bytes.Buffer{}}
	lo, err := update.DoLayers(context.Background(), d, update.DoOptions{Dir: r.svc, To: "latest"})
	if err != nil {
		t.Fatal(err)
	}
	if !lo.Layered || len(lo.Outcomes) != 2 {
		t.Fatalf("outcomes: %+v", lo)
	}
	if got := actions(lo.Outcomes[0].Result.Changes); got != "updated catalog-info.yaml" {
		t.Errorf("svc: %s", got)
	}
	if got := actions(lo.Outcomes[1].Result.Changes); got != "updated catalog-info.yaml, updated mkdocs.yml" {
		t.Errorf("docs: %s", got)
	}
	want := "apiVersion: backstage.io/v1alpha1\nkind: Component\n# owned by the platform\nmetadata:\n  name: pay\n  annotations:\n" +
		"    # idp:begin docs\n    backstage.io/techdocs-ref: dir:docs\n    # idp:end docs\n" +
		"    github.com/project-slug: acme/pay\nspec:\n  type: service\n  lifecycle: production\n"
	if got := read(t, filepath.Join(r.svc, "catalog-info.yaml")); got != want {
		t.Errorf("catalog-info.yaml:\n%s\nwant:\n%s", got, want)
	}
	if got := read(t, filepath.Join(r.svc, "mkdocs.yml")); got != "site_name: pay docs\ntheme: material\nnav:\n  - index.md\n  - runbook.md\n" {
		t.Errorf("mkdocs.yml:\n%s", got)
	}
	svc, _ := update.Open(r.svc)
	if v0, v1 := svc.Record.Layer(0).Template.Version, svc.Record.Layer(1).Template.Version; v0 != "v1.1.0" || v1 != "v1.1.0" {
		t.Errorf("versions: %s %s", v0, v1)
	}
	// One layer alone: nothing more to do.
	git(t, r.svc, "commit", "-q", "-am", "update")
	lo, err = update.DoLayers(context.Background(), d, update.DoOptions{Dir: r.svc, To: "latest", Layer: "docs"})
	if err != nil || lo.Layered || len(lo.Outcomes[0].Result.Changes) != 0 {
		t.Errorf("--layer docs again: %+v %v", lo, err)
	}
	if _, err := update.DoLayers(context.Background(), d, update.DoOptions{Dir: r.svc, To: "latest", Layer: "nope"}); err == nil || err.Error() != "--layer nope: the service has no such layer; its layers are svc, docs (see .idp.yaml)" {
		t.Errorf("unknown layer: %v", err)
	}
	if _, err := update.DoLayers(context.Background(), d, update.DoOptions{Dir: r.svc, To: "latest", Set: []string{"nope=1"}}); err == nil || !strings.Contains(err.Error(), `no layer of the service has a parameter "nope"; the layers' parameters are svc: name; docs: name, site_title`) {
		t.Errorf("unknown answer: %v", err)
	}
}

// TestBlockEditedConflict: a block edited here whose lines the golden path changes too is a
// conflict, marked inside the block; nothing outside it moves.
func TestBlockEditedConflict(t *testing.T) {
	r := newRig(t)
	if _, err := r.add(AddOptions{}); err != nil {
		t.Fatal(err)
	}
	cat := read(t, filepath.Join(r.svc, "catalog-info.yaml"))
	writeFiles(t, r.svc, map[string]string{"catalog-info.yaml": strings.Replace(cat, "dir:.", "dir:site", 1)})
	git(t, r.svc, "commit", "-q", "-am", "own docs dir")
	r.release("v1.1.0", map[string]string{"docs/template.yaml": strings.Replace(docsManifest, "dir:.", "dir:docs", 1)})
	d := update.Deps{OpenCatalog: r.d.OpenCatalog, Log: &bytes.Buffer{}}
	lo, err := update.DoLayers(context.Background(), d, update.DoOptions{Dir: r.svc, To: "latest", Layer: "docs"})
	if err != nil {
		t.Fatal(err)
	}
	c := lo.Outcomes[0].Result.Changes[0]
	if c.Action != update.Conflict || c.Reason != "the block docs was edited here and changed in the golden path: 1 conflicting change marked in the block" {
		t.Errorf("change: %s %s", c.Action, c.Reason)
	}
	want := "    # idp:begin docs\n<<<<<<< pay\n    backstage.io/techdocs-ref: dir:site\n=======\n    backstage.io/techdocs-ref: dir:docs\n>>>>>>> docs v1.1.0\n    # idp:end docs\n    github.com/project-slug: acme/pay\n"
	if got := read(t, filepath.Join(r.svc, "catalog-info.yaml")); !strings.Contains(got, want) || !strings.HasPrefix(got, "apiVersion: backstage.io/v1alpha1\nkind: Component\n") {
		t.Errorf("catalog-info.yaml:\n%s", got)
	}
}

// TestRemove: the add-on's unchanged files and its block go; an edited file stays as a
// conflict; .idp.yaml drops the layer.
func TestRemove(t *testing.T) {
	r := newRig(t)
	if _, err := r.add(AddOptions{}); err != nil {
		t.Fatal(err)
	}
	writeFiles(t, r.svc, map[string]string{"docs/index.md": "# pay\n\nOur runbook.\n"})
	git(t, r.svc, "commit", "-q", "-am", "docs")
	res, err := Remove(context.Background(), r.d, RemoveOptions{Dir: r.svc, Layer: "docs"})
	if err != nil {
		t.Fatal(err)
	}
	if got := actions(res.Changes); got != "updated catalog-info.yaml, conflict docs/index.md, removed mkdocs.yml" || res.Conflicts != 1 {
		t.Errorf("changes: %s", got)
	}
	if res.Changes[1].Reason != "edited here since docs wrote it, so it is kept; delete it yourself if it is not needed" {
		t.Errorf("reason: %s", res.Changes[1].Reason)
	}
	if _, err := os.Stat(filepath.Join(r.svc, "mkdocs.yml")); !os.IsNotExist(err) {
		t.Errorf("mkdocs.yml stays: %v", err)
	}
	if got := read(t, filepath.Join(r.svc, "catalog-info.yaml")); strings.Contains(got, "idp:") || !strings.Contains(got, "  annotations:\n    github.com/project-slug: acme/pay\n") {
		t.Errorf("catalog-info.yaml:\n%s", got)
	}
	if got := read(t, filepath.Join(r.svc, ".idp.yaml")); strings.Contains(got, "layers") || strings.Contains(got, "format") {
		t.Errorf(".idp.yaml:\n%s", got)
	}
	if _, err := Remove(context.Background(), r.d, RemoveOptions{Dir: r.svc, Layer: "svc"}); err == nil || err.Error() != "svc is the service's base golden path; idp remove takes off add-ons only (the service has none)" {
		t.Errorf("remove the base: %v", err)
	}
}

// TestAdopt: a repository idp did not make gets the golden path's files it lacks; the ones it
// has with other content are conflicts; its own files stay; .idp.yaml is written; nothing is
// committed. After that it updates like any service.
func TestAdopt(t *testing.T) {
	r := newRig(t)
	repo := filepath.Join(t.TempDir(), "legacy")
	writeFiles(t, repo, map[string]string{"app.yaml": "name: pay\nreplicas: 3\n", "main.go": "package main\n"})
	git(t, repo, "init", "-q", "-b", "main")
	git(t, repo, "add", "-A")
	git(t, repo, "commit", "-q", "-m", "legacy")
	res, err := Adopt(context.Background(), r.d, AdoptOptions{Dir: repo, Source: r.src, Template: "svc", Version: "latest", Answers: AnswerOptions{Set: []string{"name=pay"}}})
	if err != nil {
		t.Fatal(err)
	}
	if got := actions(res.Changes); got != "conflict app.yaml, added catalog-info.yaml" || res.Conflicts != 1 {
		t.Errorf("changes: %s", got)
	}
	if got := read(t, filepath.Join(repo, "app.yaml")); !strings.Contains(got, "<<<<<<< legacy\nreplicas: 3\n=======\nreplicas: 1\n>>>>>>> svc v1.0.0\n") {
		t.Errorf("app.yaml:\n%s", got)
	}
	if got := read(t, filepath.Join(repo, ".idp.yaml")); !strings.Contains(got, "name: svc\n  version: v1.0.0\n") {
		t.Errorf(".idp.yaml:\n%s", got)
	}
	if _, err := Adopt(context.Background(), r.d, AdoptOptions{Dir: repo, Source: r.src, Template: "svc"}); err == nil || !strings.Contains(err.Error(), "has a .idp.yaml already") {
		t.Errorf("adopt twice: %v", err)
	}
	// Resolved and committed, it updates as any service does.
	writeFiles(t, repo, map[string]string{"app.yaml": "name: pay\nreplicas: 3\n"})
	git(t, repo, "add", "-A")
	git(t, repo, "commit", "-q", "-m", "adopt")
	r.release("v1.1.0", map[string]string{"svc/skeleton/app.yaml": "# app\nname: {{ .name }}\nreplicas: 1\n"})
	out, err := update.Do(context.Background(), update.Deps{OpenCatalog: r.d.OpenCatalog, Log: &bytes.Buffer{}}, update.DoOptions{Dir: repo, To: "latest"})
	if err != nil {
		t.Fatal(err)
	}
	if got := read(t, filepath.Join(repo, "app.yaml")); got != "# app\nname: pay\nreplicas: 3\n" || out.Result.Conflicts != 0 {
		t.Errorf("app.yaml after update:\n%s", got)
	}
}
