package layer

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// TestReportPrintsItself: what idp add prints, as text and JSON, with --dry-run and for a file
// left in conflict (exit status 3 then, as Conflicted says).
func TestReportPrintsItself(t *testing.T) {
	r := newRig(t)
	writeFiles(t, r.svc, map[string]string{"mkdocs.yml": "site_name: Our own\n"})
	git(t, r.svc, "add", "-A")
	git(t, r.svc, "commit", "-q", "-m", "own docs")
	display := func(dir string) string { return filepath.Base(dir) }

	dry, err := r.add(AddOptions{DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	rep := &Report{Result: dry, Verb: "add", DryRun: true, Display: display}
	var b bytes.Buffer
	rep.WriteText(&b)
	want := "Would add docs v1.0.0 to pay:\n" +
		"  updated   catalog-info.yaml: the block docs added\n" +
		"  added     docs/index.md\n" +
		"  conflict  mkdocs.yml: " + dry.Changes[2].Reason + "\n"
	if b.String() != want || rep.Conflicted() {
		t.Errorf("dry run (conflicted %v):\n%s\nwant:\n%s", rep.Conflicted(), b.String(), want)
	}

	res, err := r.add(AddOptions{})
	if err != nil {
		t.Fatal(err)
	}
	rep = &Report{Result: res, Verb: "add", Display: display}
	b.Reset()
	rep.WriteText(&b)
	if !strings.HasSuffix(b.String(), "\n\n1 file left in conflict: resolve it, then commit.\n") || !strings.HasPrefix(b.String(), "Added docs v1.0.0 to pay:\n") || !rep.Conflicted() {
		t.Errorf("added (conflicted %v):\n%s", rep.Conflicted(), b.String())
	}
	var out map[string]any
	data, _ := json.Marshal(rep.JSON())
	if err := json.Unmarshal(data, &out); err != nil {
		t.Fatal(err)
	}
	if out["service"] != "pay" || out["dir"] != r.svc || out["template"] != "docs" || out["version"] != "v1.0.0" || out["dryRun"] != false ||
		out["conflicts"] != 1.0 || len(out["changes"].([]any)) != 3 || out["commit"] != nil {
		t.Errorf("JSON: %s", data)
	}
}

// TestUnversionedNote: a golden path adopted from a source without versions (a plain directory)
// is said, on the log, to be one idp update cannot update later; not with --dry-run.
func TestUnversionedNote(t *testing.T) {
	r := newRig(t)
	src := t.TempDir()
	writeFiles(t, src, map[string]string{"svc/template.yaml": svcManifest, "svc/skeleton/app.yaml": "name: {{ .name }}\n"})
	repo := filepath.Join(t.TempDir(), "legacy")
	writeFiles(t, repo, map[string]string{"main.go": "package main\n"})
	git(t, repo, "init", "-q", "-b", "main")
	git(t, repo, "add", "-A")
	git(t, repo, "commit", "-q", "-m", "legacy")
	log := &bytes.Buffer{}
	r.d.Log = log
	o := AdoptOptions{Dir: repo, Source: src, Template: "svc", Version: "latest", DryRun: true, Answers: AnswerOptions{Set: []string{"name=pay"}}}
	if _, err := Adopt(context.Background(), r.d, o); err != nil || log.Len() != 0 {
		t.Fatalf("dry run: %v; log %q", err, log)
	}
	o.DryRun = false
	res, err := Adopt(context.Background(), r.d, o)
	if err != nil || !res.Unversioned {
		t.Fatalf("%v %+v", err, res)
	}
	if want := "idp: note: the source of svc has no versions (no vX.Y.Z tags), so idp update cannot update it later\n"; log.String() != want {
		t.Errorf("log: %q", log)
	}
	var b bytes.Buffer
	(&Report{Result: res, Verb: "adopt", Display: filepath.Base}).WriteText(&b)
	if want := "Adopted legacy onto svc (unversioned):\n  added     app.yaml\n\nReview with 'git diff', then commit.\n"; b.String() != want {
		t.Errorf("text:\n%s\nwant:\n%s", b.String(), want)
	}
}
