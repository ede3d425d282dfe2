package builtin

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/idp-cli/idp/internal/testutil/gittest"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
)

// A repository shaped like idp's own, with two releases of go-service and one of docs.
func twoReleases(t *testing.T) (*git.Repository, []Release, string) {
	dir := t.TempDir()
	gittest.Git(t, dir, "init", "-q", "-b", "main")
	gittest.Write(t, dir, map[string]string{
		"templates/go-service/template.yaml":      "name: go-service\n",
		"templates/go-service/skeleton/a.txt":     "v1\n",
		"templates/go-service/tests/default.yaml": "answers: {}\n",
		"README.md": "idp\n",
	})
	gittest.Git(t, dir, "add", "-A")
	gittest.Git(t, dir, "commit", "-q", "-m", "one")
	first := gittest.Git(t, dir, "rev-parse", "HEAD")
	gittest.Write(t, dir, map[string]string{
		"templates/go-service/skeleton/a.txt": "v2\n",
		"templates/docs/template.yaml":        "name: docs\n",
		"templates/docs/skeleton/d.md":        "docs\n",
	})
	gittest.Git(t, dir, "add", "-A")
	gittest.Git(t, dir, "commit", "-q", "-m", "two")
	second := gittest.Git(t, dir, "rev-parse", "HEAD")
	repo, err := git.PlainOpen(dir)
	if err != nil {
		t.Fatal(err)
	}
	rel, err := ParseReleases([]byte("releases:\n  - {golden-path: go-service, version: v1.0.0, commit: " + first + "}\n  - {golden-path: go-service, version: v1.1.0, commit: " + second + "}\n  - {golden-path: docs, version: v1.0.0, commit: " + second + "}\n"))
	if err != nil {
		t.Fatal(err)
	}
	return repo, rel, dir
}

func TestBuildOpen(t *testing.T) {
	repo, rel, dir := twoReleases(t)
	h, err := Build(repo, rel)
	if err != nil {
		t.Fatal(err)
	}
	again, err := Build(repo, rel)
	if err != nil || !bytes.Equal(h.Pack, again.Pack) || !bytes.Equal(h.Refs, again.Refs) {
		t.Fatal("Build is not reproducible")
	}
	r, err := Open(h)
	if err != nil {
		t.Fatal(err)
	}
	for tag, want := range map[string]string{"go-service/v1.0.0": "v1\n", "go-service/v1.1.0": "v2\n"} {
		ref, err := r.Reference(plumbing.NewTagReferenceName(tag), true)
		if err != nil {
			t.Fatalf("%s: %v", tag, err)
		}
		c, _ := r.CommitObject(ref.Hash())
		f, err := c.File("go-service/skeleton/a.txt")
		if err != nil {
			t.Fatal(err)
		}
		if got, _ := f.Contents(); got != want {
			t.Errorf("%s: a.txt = %q, want %q", tag, got, want)
		}
		if _, err := c.File("go-service/tests/default.yaml"); err == nil {
			t.Errorf("%s carries tests/", tag)
		}
		// The skeleton is the very tree of templates/go-service/skeleton at the release commit.
		tree, _ := c.Tree()
		e, _ := tree.FindEntry("go-service/skeleton")
		src := gittest.Git(t, dir, "rev-parse", map[string]string{"go-service/v1.0.0": rel[0].Commit, "go-service/v1.1.0": rel[1].Commit}[tag]+":templates/go-service/skeleton")
		if e.Hash.String() != src {
			t.Errorf("%s: skeleton %s, want %s", tag, e.Hash, src)
		}
	}
	head, err := r.Head()
	if err != nil || head.Name().Short() != Branch {
		t.Fatalf("HEAD %v %v", head, err)
	}
	un, err := Unreleased(repo, filepath.Join(dir, "templates"), rel)
	if err != nil || len(un) != 0 {
		t.Fatalf("Unreleased = %v, %v", un, err)
	}
	gittest.Write(t, dir, map[string]string{"templates/go-service/skeleton/a.txt": "v3\n", "templates/new/template.yaml": "x\n"})
	un, _ = Unreleased(repo, filepath.Join(dir, "templates"), rel)
	if want := "templates/go-service has changes not released yet (in [skeleton] since v1.1.0): release them with a new entry in templates/releases.yaml\ntemplates/new has never been released: add it to templates/releases.yaml"; strings.Join(un, "\n") != want {
		t.Errorf("Unreleased:\n%s\nwant:\n%s", strings.Join(un, "\n"), want)
	}
}

func TestParseReleasesErrors(t *testing.T) {
	for in, want := range map[string]string{
		"releases:\n  - {golden-path: a, version: v1.0.0, commit: abc}\n": "releases.yaml:2: a release needs golden-path, version (vX.Y.Z) and the full 40-character commit",
		"releases:\n  - {golden-path: a, version: v1.0.0, commit: " + strings.Repeat("a", 40) + "}\n  - {golden-path: a, version: v1.0.0, commit: " + strings.Repeat("b", 40) + "}\n": "releases.yaml:3: a/v1.0.0 is released already at line 2",
		"releases:\n  - {golden-path: a, versoin: v1.0.0}\n": "releases.yaml:2: ",
	} {
		_, err := ParseReleases([]byte(in))
		if err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("ParseReleases(%q) = %v, want %q", in, err, want)
		}
	}
	if _, err := Build(nil, nil); err == nil {
		t.Error("Build of no releases")
	}
}
