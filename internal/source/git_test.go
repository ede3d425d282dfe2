package source

import (
	"context"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func gitCmdB(dir string, args ...string) *exec.Cmd {
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@x", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@x", "GIT_CONFIG_NOSYSTEM=1", "HOME="+dir)
	return cmd
}

func gitCmd(t *testing.T, dir string, args ...string) string {
	t.Helper()
	out, err := gitCmdB(dir, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}

// sourceRepo makes a golden-path repository with whole-source tags v1.0.0, v1.1.0 and
// v1.2.0-rc.1, and per-template tags for lib, on branch main.
func sourceRepo(t *testing.T) (dir string, commits map[string]string) {
	t.Helper()
	dir = t.TempDir()
	commits = map[string]string{}
	gitCmd(t, dir, "init", "-q", "-b", "main")
	step := func(version, content string, tags ...string) {
		files := map[string]string{
			"svc/template.yaml":    manifestOf + "service\n",
			"svc/skeleton/v.txt":   content + "\n",
			"lib/template.yaml":    manifestOf + "library\n",
			"lib/skeleton/lib.txt": "lib " + content + "\n",
		}
		for name, c := range files {
			p := filepath.Join(dir, filepath.FromSlash(name))
			os.MkdirAll(filepath.Dir(p), 0o755)
			os.WriteFile(p, []byte(c), 0o644)
		}
		gitCmd(t, dir, "add", "-A")
		gitCmd(t, dir, "commit", "-q", "-m", version)
		commits[version] = gitCmd(t, dir, "rev-parse", "HEAD")
		for _, tag := range tags {
			gitCmd(t, dir, "tag", "-a", "-m", tag, tag)
		}
	}
	step("v1.0.0", "one", "v1.0.0", "lib/v0.1.0")
	step("v1.1.0", "two", "v1.1.0")
	step("v1.2.0-rc.1", "three", "v1.2.0-rc.1")
	step("head", "four")
	return dir, commits
}

func read(t *testing.T, s *Source, dir, file string) string {
	t.Helper()
	all, err := s.Catalog()
	if err != nil {
		t.Fatal(err)
	}
	for _, tm := range all {
		if tm.Dir == dir {
			b, err := fs.ReadFile(tm.FS, "skeleton/"+file)
			if err != nil {
				t.Fatal(err)
			}
			return strings.TrimSpace(string(b))
		}
	}
	t.Fatalf("no golden path in %s", dir)
	return ""
}

func TestGitSourceVersions(t *testing.T) {
	repo, commits := sourceRepo(t)
	cache := t.TempDir()
	ctx := context.Background()
	g, err := OpenGit(ctx, "file://"+repo, GitOptions{CacheDir: cache})
	if err != nil {
		t.Fatal(err)
	}
	if !g.Cloned {
		t.Error("first open did not clone")
	}
	for _, tc := range []struct {
		dir, req string
		pre      bool
		version  string
		content  string
		commit   string
	}{
		{"svc", "latest", false, "v1.1.0", "two", commits["v1.1.0"]},
		{"svc", "latest", true, "v1.2.0-rc.1", "three", commits["v1.2.0-rc.1"]},
		{"svc", "v1.0.0", false, "v1.0.0", "one", commits["v1.0.0"]},
		{"svc", "~1.0", false, "v1.0.0", "one", commits["v1.0.0"]},
		{"svc", "^1", false, "v1.1.0", "two", commits["v1.1.0"]},
		{"svc", "main", false, "main", "four", commits["head"]},
		{"svc", commits["v1.1.0"][:10], false, commits["v1.1.0"][:12], "two", commits["v1.1.0"]},
		{"lib", "latest", false, "v0.1.0", "lib one", commits["v1.0.0"]}, // per-template tags win
	} {
		s, err := g.At(tc.dir, tc.req, tc.pre)
		if err != nil {
			t.Errorf("%s@%s: %v", tc.dir, tc.req, err)
			continue
		}
		file := "v.txt"
		if tc.dir == "lib" {
			file = "lib.txt"
		}
		if s.Version != tc.version || s.Commit != tc.commit || read(t, s, tc.dir, file) != tc.content {
			t.Errorf("%s@%s = %s %s %q; want %s %s %q", tc.dir, tc.req, s.Version, s.Commit, read(t, s, tc.dir, file), tc.version, tc.commit, tc.content)
		}
		if s.Location != "file://"+repo {
			t.Errorf("location %s", s.Location)
		}
	}
	_, err = g.At("svc", "v9.0.0", false)
	if want := "no version matches v9.0.0; versions: v1.2.0-rc.1, v1.1.0, v1.0.0"; err == nil || err.Error() != want {
		t.Errorf("unknown version: %v", err)
	}
	_, err = g.At("svc", "nosuchbranch", false)
	if want := "no version matches it as a tag, constraint, branch or commit; versions: v1.2.0-rc.1, v1.1.0, v1.0.0"; err == nil || err.Error() != want {
		t.Errorf("unknown ref: %v", err)
	}

	// The catalog comes from the newest whole-source version.
	src, all, err := g.Catalog()
	if err != nil || src.Version != "v1.1.0" || strings.Join(Names(all), ",") != "lib,svc" {
		t.Errorf("catalog: %v %v %v", src, Names(all), err)
	}

	// A new tag upstream: the second open fetches it into the cache rather than cloning again.
	gitCmd(t, repo, "tag", "v1.3.0", "main")
	g2, err := OpenGit(ctx, "file://"+repo, GitOptions{CacheDir: cache})
	if err != nil {
		t.Fatal(err)
	}
	if g2.Cloned {
		t.Error("second open cloned again")
	}
	if s, err := g2.At("svc", "latest", false); err != nil || s.Version != "v1.3.0" {
		t.Errorf("after fetch: %v %v", s, err)
	}
	entries, _ := os.ReadDir(cache)
	if len(entries) != 2 { // the clone and its lock file
		t.Errorf("cache holds %d entries", len(entries))
	}
	// Offline uses the cache as it is.
	gitCmd(t, repo, "tag", "v1.4.0", "main")
	g3, err := OpenGit(ctx, "file://"+repo, GitOptions{CacheDir: cache, Offline: true})
	if err != nil {
		t.Fatal(err)
	}
	if s, _ := g3.At("svc", "latest", false); s.Version != "v1.3.0" {
		t.Errorf("offline saw %s", s.Version)
	}
	// A tag deleted upstream and a moved branch: the next open drops the one and moves the other.
	gitCmd(t, repo, "tag", "-d", "v1.3.0")
	gitCmd(t, repo, "reset", "-q", "--hard", "v1.0.0")
	g4, err := OpenGit(ctx, "file://"+repo, GitOptions{CacheDir: cache})
	if err != nil {
		t.Fatal(err)
	}
	if s, _ := g4.At("svc", "latest", false); s == nil || s.Version != "v1.4.0" {
		t.Errorf("after upstream changes: %v", s)
	}
	if _, err := g4.At("svc", "v1.3.0", false); err == nil {
		t.Error("a tag deleted upstream is still offered")
	}
	if s, _ := g4.At("svc", "main", false); s == nil || s.Commit != commits["v1.0.0"] {
		t.Errorf("main after a forced move: %v", s)
	}
	if _, err := OpenGit(ctx, "file://"+repo+"-other", GitOptions{CacheDir: cache, Offline: true}); err == nil || !strings.Contains(err.Error(), "is not in the cache; run once without --offline") {
		t.Errorf("offline, not cached: %v", err)
	}
}

func TestGitSourceMissing(t *testing.T) {
	_, err := OpenGit(context.Background(), "file://"+filepath.Join(t.TempDir(), "nope"), GitOptions{CacheDir: t.TempDir()})
	if err == nil || !strings.Contains(err.Error(), "no repository there; check the URL") {
		t.Errorf("got %v", err)
	}
}

func TestURLs(t *testing.T) {
	for s, want := range map[string]bool{
		"https://git.example.com/p/g.git": true, "ssh://git@host/p.git": true, "git@github.com:org/repo.git": true,
		"file:///srv/git/g.git": true, "./golden-paths": false, "/abs/dir": false, "C:/x": false,
	} {
		if IsGitURL(s) != want {
			t.Errorf("IsGitURL(%q) = %v", s, !want)
		}
	}
}
