package templates_test

import (
	"bytes"
	"errors"
	"os"
	"testing"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"

	"github.com/idp-cli/idp/internal/builtin"
	"github.com/idp-cli/idp/templates"
)

// TestHistoryMatchesReleases: the history the binary carries is exactly what releases.yaml and
// this repository's commits give (go generate ./templates), and templates/ as it is now is either
// the newest release or said to be unreleased.
func TestHistoryMatchesReleases(t *testing.T) {
	data, err := os.ReadFile("releases.yaml")
	if err != nil {
		t.Fatal(err)
	}
	releases, err := builtin.ParseReleases(data)
	if err != nil {
		t.Fatal(err)
	}
	repo, err := git.PlainOpenWithOptions(".", &git.PlainOpenOptions{DetectDotGit: true, EnableDotGitCommonDir: true})
	if errors.Is(err, git.ErrRepositoryNotExists) {
		t.Skip("not in a clone of idp's repository (a source archive): the releases are cut from its history, so there is nothing to check them against")
	}
	if err != nil {
		t.Fatalf("this test reads idp's own git history: %v", err)
	}
	want, err := builtin.Build(repo, releases)
	if err != nil {
		t.Fatal(err)
	}
	got := templates.History()
	if !bytes.Equal(got.Pack, want.Pack) || !bytes.Equal(got.Refs, want.Refs) {
		t.Fatal("templates/builtin.pack or builtin.refs is not what releases.yaml gives: run go generate ./templates and commit the result")
	}
	r, err := builtin.Open(got)
	if err != nil {
		t.Fatal(err)
	}
	for _, rel := range releases {
		if _, err := r.Reference(plumbing.NewTagReferenceName(rel.Tag()), true); err != nil {
			t.Errorf("%s is in releases.yaml but not in the embedded history", rel.Tag())
		}
	}
	un, err := builtin.Unreleased(repo, ".", releases)
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range un {
		t.Log(line) // not a failure: templates/ may run ahead of its last release
	}
}
