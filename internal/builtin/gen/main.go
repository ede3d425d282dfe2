// Command gen writes templates/builtin.pack and templates/builtin.refs, the built-in golden
// paths' released versions, from templates/releases.yaml and idp's git history (go generate in
// templates/). With -check it writes nothing: it fails when the files are not what releases.yaml
// gives, and says when templates/ has changes that are not released yet.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	git "github.com/go-git/go-git/v5"

	"github.com/idp-cli/idp/internal/builtin"
)

func main() {
	check := flag.Bool("check", false, "check the files instead of writing them")
	dir := flag.String("templates", ".", "the templates/ directory")
	flag.Parse()
	if err := run(*dir, *check); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(dir string, check bool) error {
	data, err := os.ReadFile(filepath.Join(dir, "releases.yaml"))
	if err != nil {
		return err
	}
	releases, err := builtin.ParseReleases(data)
	if err != nil {
		return err
	}
	repo, err := git.PlainOpenWithOptions(dir, &git.PlainOpenOptions{DetectDotGit: true, EnableDotGitCommonDir: true})
	if err != nil {
		return fmt.Errorf("open idp's repository: %w", err)
	}
	h, err := builtin.Build(repo, releases)
	if err != nil {
		return err
	}
	pack, refs := filepath.Join(dir, "builtin.pack"), filepath.Join(dir, "builtin.refs")
	if !check {
		if err := os.WriteFile(pack, h.Pack, 0o644); err != nil {
			return err
		}
		return os.WriteFile(refs, h.Refs, 0o644)
	}
	for name, want := range map[string][]byte{pack: h.Pack, refs: h.Refs} {
		got, err := os.ReadFile(name)
		if err != nil || !bytes.Equal(got, want) {
			return fmt.Errorf("%s is not what releases.yaml gives; run go generate ./templates and commit it", name)
		}
	}
	unreleased, err := builtin.Unreleased(repo, dir, releases)
	if err != nil {
		return err
	}
	for _, u := range unreleased {
		fmt.Println(u)
	}
	if len(unreleased) == 0 {
		fmt.Println("built-in golden paths: every one is as released")
	}
	return nil
}
