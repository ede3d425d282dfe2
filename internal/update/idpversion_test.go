package update

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/idp-cli/idp/internal/answers"
	"github.com/idp-cli/idp/internal/builtin"
	"github.com/idp-cli/idp/internal/provenance"
	"github.com/idp-cli/idp/internal/render"
	"github.com/idp-cli/idp/internal/source"
)

// pinSkeleton pins idp's GitHub Action to .idp.version, as go-service's update workflow does.
const pinSkeleton = "steps:\n  - uses: actions/checkout@v4\n  - uses: idp-cli/idp@{{ .idp.version }}\n    with:\n      command: update --pull-request\n"

func pinLine(v string) string {
	return "steps:\n  - uses: actions/checkout@v4\n  - uses: idp-cli/idp@" + v + "\n    with:\n      command: update --pull-request\n"
}

// pinFixture: a golden-path repository, svc v1.0.0 and v1.1.0 (app.txt changed), whose
// workflow (wf) pins idp to .idp.version; and a service made from v1.0.0 by idp made (its files
// rendered by it, .idp.yaml recording it unless made is ""), with edit applied to its workflow,
// committed in a real git repository.
func pinFixture(t *testing.T, wf, made string, edit func(string) string, manifest ...string) (svc string, d Deps) {
	t.Helper()
	return pinFixtureNext(t, wf, wf, made, edit, manifest...)
}

// pinFixtureNext is pinFixture whose v1.1.0 has the workflow next.
func pinFixtureNext(t *testing.T, wf, next, made string, edit func(string) string, manifest ...string) (svc string, d Deps) {
	t.Helper()
	src := t.TempDir()
	put(t, src, map[string]string{"svc/template.yaml": manifestV1 + strings.Join(manifest, ""), "svc/skeleton/app.txt": "one\n", "svc/skeleton/.github/workflows/idp.yaml": wf})
	gitRun(t, src, "init", "-q", "-b", "main")
	gitRun(t, src, "add", "-A")
	gitRun(t, src, "commit", "-q", "-m", "v1")
	gitRun(t, src, "tag", "v1.0.0")
	put(t, src, map[string]string{"svc/skeleton/app.txt": "two\n", "svc/skeleton/.github/workflows/idp.yaml": next})
	gitRun(t, src, "commit", "-q", "-am", "v1.1")
	gitRun(t, src, "tag", "v1.1.0")

	d = Deps{
		OpenCatalog: func(ctx context.Context, loc string) (*source.Catalog, error) {
			return source.OpenCatalog(ctx, loc, source.OpenOptions{Builtin: &builtin.History{}})
		},
		Log: &bytes.Buffer{},
	}
	ctx := context.Background()
	cat, err := d.OpenCatalog(ctx, src)
	if err != nil {
		t.Fatal(err)
	}
	at, tmpl, err := cat.At(cat.All[0], "--version", "v1.0.0", false)
	if err != nil {
		t.Fatal(err)
	}
	tree, err := render.RenderWith(ctx, tmpl.FS, tmpl.Manifest, map[string]any{"name": "shop"}, render.Options{IdpVersion: made})
	if err != nil {
		t.Fatal(err)
	}
	rec, err := provenance.Marshal(&provenance.File{
		Template:   provenance.Template{Source: src, Name: "svc", Version: "v1.0.0", Commit: at.Commit},
		Answers:    []answers.KV{{Key: "name", Value: "shop"}},
		IdpVersion: made,
	})
	if err != nil {
		t.Fatal(err)
	}
	svc = filepath.Join(t.TempDir(), "shop")
	files := map[string]string{".idp.yaml": string(rec)}
	for _, f := range tree.Files {
		files[f.Path] = string(f.Data)
	}
	if edit != nil {
		files[".github/workflows/idp.yaml"] = edit(files[".github/workflows/idp.yaml"])
	}
	put(t, svc, files)
	gitRun(t, svc, "init", "-q", "-b", "main")
	gitRun(t, svc, "add", "-A")
	gitRun(t, svc, "commit", "-q", "-m", "made")
	return svc, d
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func recordedIdp(t *testing.T, svc string) string {
	t.Helper()
	f, err := provenance.Parse([]byte(readFile(t, filepath.Join(svc, ".idp.yaml"))), ".idp.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return f.IdpVersion
}

// TestUpdateMovesTheIdpPin: the base of an update is rendered with the idp version .idp.yaml
// records (v0.9.0, what the service got) and the target with the idp that runs it (v1.0.0), so
// an untouched pin moves to v1.0.0 and idp-version is rewritten; a pin edited by hand to the
// same version merges cleanly, and one edited otherwise is a conflict, never silently lost.
func TestUpdateMovesTheIdpPin(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name          string
		made, running string
		edit          func(string) string
		wantPin       string // the workflow after the update ("" : a conflict)
		wantRecorded  string
		wantConflicts int
	}{
		{name: "untouched pin moves", made: "v0.9.0", running: "v1.0.0", wantPin: pinLine("v1.0.0"), wantRecorded: "v1.0.0"},
		{name: "pin moved by hand to the same", made: "v0.9.0", running: "v1.0.0", wantPin: pinLine("v1.0.0"), wantRecorded: "v1.0.0",
			edit: func(s string) string { return strings.Replace(s, "@v0.9.0", "@v1.0.0", 1) }},
		{name: "pin edited by hand, same idp", made: "v0.9.0", running: "v0.9.0", wantPin: pinLine("0c3d5f1e # v0.9.5"), wantRecorded: "v0.9.0",
			edit: func(s string) string { return strings.Replace(s, "@v0.9.0", "@0c3d5f1e # v0.9.5", 1) }},
		// Renovate's digest pin, or any pin of the team's: kept, not a conflict with idp's move.
		{name: "pin edited by hand, newer idp", made: "v0.9.0", running: "v1.0.0", wantPin: pinLine("0c3d5f1e # v0.9.5"), wantRecorded: "v1.0.0",
			edit: func(s string) string { return strings.Replace(s, "@v0.9.0", "@0c3d5f1e # v0.9.5", 1) }},
		{name: "pin and its line edited by hand, newer idp", made: "v0.9.0", running: "v1.0.0", wantPin: strings.Replace(pinLine("v0.9.5"), "\n    with:", " # mine\n    with:", 1), wantRecorded: "v1.0.0",
			edit: func(s string) string { return strings.Replace(s, "@v0.9.0\n", "@v0.9.5 # mine\n", 1) }},
		{name: "other lines edited by hand", made: "v0.9.0", running: "v1.0.0", wantPin: strings.Replace(pinLine("v1.0.0"), "update --pull-request", "update --pull-request --label idp", 1), wantRecorded: "v1.0.0",
			edit: func(s string) string {
				return strings.Replace(s, "update --pull-request", "update --pull-request --label idp", 1)
			}},
		{name: "development build keeps the pin", made: "v0.9.0", running: "", wantPin: pinLine("v0.9.0"), wantRecorded: "v0.9.0"},
		{name: "older idp does not move it back", made: "v0.9.0", running: "v0.8.0", wantPin: pinLine("v0.9.0"), wantRecorded: "v0.9.0"},
		{name: "dev pin moves to a release", made: "dev", running: "v1.0.0", wantPin: pinLine("v1.0.0"), wantRecorded: "v1.0.0"},
		// A .idp.yaml from before idp-version: nothing says which idp rendered the files, so the
		// pin stays as the service has it; the version is recorded from now on.
		{name: "no idp-version recorded", made: "", running: "v1.0.0", wantPin: pinLine("dev"), wantRecorded: "v1.0.0"},
		{name: "no idp-version, development build", made: "", running: "", wantPin: pinLine("dev"), wantRecorded: ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			svc, d := pinFixture(t, pinSkeleton, tc.made, tc.edit)
			out, err := Do(ctx, d, DoOptions{Dir: svc, To: "latest", Mode: ModeWrite, Render: render.Options{IdpVersion: tc.running}})
			if err != nil {
				t.Fatal(err)
			}
			if out.Result.To != "v1.1.0" || out.Result.Conflicts != tc.wantConflicts {
				t.Fatalf("to %s with %d conflicts, want v1.1.0 with %d: %+v", out.Result.To, out.Result.Conflicts, tc.wantConflicts, out.Result.Changes)
			}
			if got := readFile(t, filepath.Join(svc, "app.txt")); got != "two\n" {
				t.Errorf("app.txt = %q", got)
			}
			wf := readFile(t, filepath.Join(svc, ".github/workflows/idp.yaml"))
			if tc.wantPin != "" && wf != tc.wantPin {
				t.Errorf("workflow:\n%s\nwant:\n%s", wf, tc.wantPin)
			}
			if got := recordedIdp(t, svc); got != tc.wantRecorded {
				t.Errorf("idp-version %q, want %q", got, tc.wantRecorded)
			}
		})
	}
}

// TestIdpPinOnTheSameVersion: the pin moves with the golden path's releases: on its latest
// version, a newer idp's update and idp diff change nothing, .idp.yaml included, as idp check
// says the service is up to date.
func TestIdpPinOnTheSameVersion(t *testing.T) {
	ctx := context.Background()
	svc, d := pinFixture(t, pinSkeleton, "v0.9.0", nil)
	if _, err := Do(ctx, d, DoOptions{Dir: svc, To: "latest", Mode: ModeWrite, Render: render.Options{IdpVersion: "v0.9.0"}}); err != nil {
		t.Fatal(err)
	}
	gitRun(t, svc, "commit", "-q", "-am", "update to v1.1.0")
	before := readFile(t, filepath.Join(svc, ".idp.yaml"))
	for _, mode := range []Mode{ModeDiff, ModeWrite} {
		out, err := Do(ctx, d, DoOptions{Dir: svc, To: "latest", Mode: mode, Render: render.Options{IdpVersion: "v1.0.0"}})
		if err != nil {
			t.Fatal(err)
		}
		if !out.Result.Unchanged(out.Service.Record) || !out.UpToDate() {
			t.Errorf("mode %d: %+v, would record %q", mode, out.Result.Changes, out.Result.Own().IdpVersion)
		}
	}
	if got := readFile(t, filepath.Join(svc, ".idp.yaml")); got != before {
		t.Errorf(".idp.yaml rewritten:\n%s", got)
	}
	if got := readFile(t, filepath.Join(svc, ".github/workflows/idp.yaml")); got != pinLine("v0.9.0") {
		t.Errorf("workflow:\n%s", got)
	}
}

// TestLayersMoveTheirOwnIdpPins: each layer records the idp that last rendered its files, and
// its update moves only its own pin: an add-on made by v0.8.0 on a service made by v0.9.0,
// updated by v1.0.0, add-on first (--layer docs), then every layer.
func TestLayersMoveTheirOwnIdpPins(t *testing.T) {
	ctx := context.Background()
	src := t.TempDir()
	put(t, src, map[string]string{
		"svc/template.yaml":                       manifestV1,
		"svc/skeleton/app.txt":                    "one\n",
		"svc/skeleton/.github/workflows/idp.yaml": pinSkeleton,
		"docs/template.yaml":                      "apiVersion: idp/v1\nkind: Template\ntype: addon\nparameters:\n  - name: name\n    required: true\n",
		"docs/skeleton/docs/pin.txt":              "idp {{ .idp.version }}\n",
		"docs/skeleton/docs/index.md":             "# {{ .name }}\n",
	})
	gitRun(t, src, "init", "-q", "-b", "main")
	gitRun(t, src, "add", "-A")
	gitRun(t, src, "commit", "-q", "-m", "v1")
	gitRun(t, src, "tag", "v1.0.0")
	put(t, src, map[string]string{"svc/skeleton/app.txt": "two\n", "docs/skeleton/docs/index.md": "# {{ .name }}, documented\n"})
	gitRun(t, src, "commit", "-q", "-am", "v1.1")
	gitRun(t, src, "tag", "v1.1.0")

	d := Deps{
		OpenCatalog: func(ctx context.Context, loc string) (*source.Catalog, error) {
			return source.OpenCatalog(ctx, loc, source.OpenOptions{Builtin: &builtin.History{}})
		},
		Log: &bytes.Buffer{},
	}
	cat, err := d.OpenCatalog(ctx, src)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{}
	var layers []*provenance.File
	for _, l := range []struct{ name, made string }{{"svc", "v0.9.0"}, {"docs", "v0.8.0"}} {
		at, tmpl, err := cat.At(source.Find(cat.All, l.name), "--version", "v1.0.0", false)
		if err != nil {
			t.Fatal(err)
		}
		tree, err := render.RenderWith(ctx, tmpl.FS, tmpl.Manifest, map[string]any{"name": "shop"}, render.Options{IdpVersion: l.made})
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range tree.Files {
			files[f.Path] = string(f.Data)
		}
		layers = append(layers, &provenance.File{
			Template: provenance.Template{Source: src, Name: l.name, Version: "v1.0.0", Commit: at.Commit},
			Answers:  []answers.KV{{Key: "name", Value: "shop"}}, IdpVersion: l.made,
		})
	}
	rec, err := provenance.Marshal(layers[0].AddLayer(layers[1]))
	if err != nil {
		t.Fatal(err)
	}
	files[".idp.yaml"] = string(rec)
	svc := filepath.Join(t.TempDir(), "shop")
	put(t, svc, files)
	gitRun(t, svc, "init", "-q", "-b", "main")
	gitRun(t, svc, "add", "-A")
	gitRun(t, svc, "commit", "-q", "-m", "made")

	pins := func() (string, string, string, string) {
		f, err := provenance.Parse([]byte(readFile(t, filepath.Join(svc, ".idp.yaml"))), ".idp.yaml")
		if err != nil {
			t.Fatal(err)
		}
		return readFile(t, filepath.Join(svc, ".github/workflows/idp.yaml")), readFile(t, filepath.Join(svc, "docs/pin.txt")), f.IdpVersion, f.Layer(1).IdpVersion
	}
	running := render.Options{IdpVersion: "v1.0.0"}
	if _, err := DoLayers(ctx, d, DoOptions{Dir: svc, Layer: "docs", To: "latest", Mode: ModeWrite, Render: running}); err != nil {
		t.Fatal(err)
	}
	if wf, pin, base, docs := pins(); wf != pinLine("v0.9.0") || pin != "idp v1.0.0\n" || base != "v0.9.0" || docs != "v1.0.0" {
		t.Fatalf("--layer docs: workflow %q, docs/pin.txt %q, idp-version %q and %q", wf, pin, base, docs)
	}
	gitRun(t, svc, "commit", "-q", "-am", "docs v1.1.0")
	lo, err := DoLayers(ctx, d, DoOptions{Dir: svc, To: "latest", Mode: ModeWrite, Render: running})
	if err != nil {
		t.Fatal(err)
	}
	if len(lo.Outcomes) != 2 || lo.Outcomes[0].Result.To != "v1.1.0" || !lo.Outcomes[1].Result.Unchanged(lo.Outcomes[1].Service.Record) {
		t.Fatalf("every layer: %+v", lo.Outcomes)
	}
	if wf, pin, base, docs := pins(); wf != pinLine("v1.0.0") || pin != "idp v1.0.0\n" || base != "v1.0.0" || docs != "v1.0.0" {
		t.Errorf("every layer: workflow %q, docs/pin.txt %q, idp-version %q and %q", wf, pin, base, docs)
	}
	if got := readFile(t, filepath.Join(svc, "app.txt")); got != "two\n" {
		t.Errorf("app.txt = %q", got)
	}
}

// TestEnforcedPinOfAnOlderIdp: idp check --strict compares an enforced file with the recorded
// version rendered by the recorded idp: a pin that idp v0.9.0 wrote is what the service should
// have, whichever idp checks; one changed by hand differs.
func TestEnforcedPinOfAnOlderIdp(t *testing.T) {
	ctx := context.Background()
	enforced := "files:\n  enforced: [.github/workflows/idp.yaml]\n"
	for _, tc := range []struct {
		edit func(string) string
		want int
	}{{nil, 0}, {func(s string) string { return strings.Replace(s, "@v0.9.0", "@v0.9.5", 1) }, 1}} {
		svc, d := pinFixture(t, pinSkeleton, "v0.9.0", tc.edit, enforced)
		p, err := Resolve(ctx, d, svc, "latest", false)
		if err != nil {
			t.Fatal(err)
		}
		div, err := Enforced(ctx, p, render.Options{IdpVersion: "v1.0.0"})
		if err != nil || len(div) != tc.want {
			t.Errorf("divergences %+v (%v), want %d", div, err, tc.want)
		}
	}
}

// TestHandEditedPinAndAGoldenPathChange: a pin the service changed is kept while the golden
// path's other change to the same file merges; a change of the golden path's that conflicts
// with the service's is a conflict as ever, and then the pin moves with it.
func TestHandEditedPinAndAGoldenPathChange(t *testing.T) {
	ctx := context.Background()
	next := strings.Replace(pinSkeleton, "update --pull-request", "update --pull-request --label idp", 1)
	digest := func(s string) string { return strings.Replace(s, "@v0.9.0", "@0c3d5f1e # v0.9.5", 1) }
	svc, d := pinFixtureNext(t, pinSkeleton, next, "v0.9.0", digest)
	out, err := Do(ctx, d, DoOptions{Dir: svc, To: "latest", Mode: ModeWrite, Render: render.Options{IdpVersion: "v1.0.0"}})
	if err != nil || out.Result.Conflicts != 0 {
		t.Fatalf("%+v %v", out.Result, err)
	}
	want := strings.Replace(digest(pinLine("v0.9.0")), "update --pull-request", "update --pull-request --label idp", 1)
	if got := readFile(t, filepath.Join(svc, ".github/workflows/idp.yaml")); got != want {
		t.Errorf("workflow:\n%s\nwant:\n%s", got, want)
	}

	both := func(s string) string {
		return strings.Replace(digest(s), "update --pull-request", "update --pull-request --label mine", 1)
	}
	svc, d = pinFixtureNext(t, pinSkeleton, next, "v0.9.0", both)
	out, err = Do(ctx, d, DoOptions{Dir: svc, To: "latest", Mode: ModeWrite, Render: render.Options{IdpVersion: "v1.0.0"}})
	if err != nil || out.Result.Conflicts != 1 {
		t.Fatalf("%+v %v", out.Result, err)
	}
	want = "steps:\n  - uses: actions/checkout@v4\n<<<<<<< shop\n  - uses: idp-cli/idp@0c3d5f1e # v0.9.5\n    with:\n      command: update --pull-request --label mine\n=======\n  - uses: idp-cli/idp@v1.0.0\n    with:\n      command: update --pull-request --label idp\n>>>>>>> svc v1.1.0\n"
	if got := readFile(t, filepath.Join(svc, ".github/workflows/idp.yaml")); got != want {
		t.Errorf("workflow:\n%s\nwant:\n%s", got, want)
	}
}
