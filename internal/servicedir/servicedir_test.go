package servicedir

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

func TestGitComponent(t *testing.T) {
	for p, want := range map[string]string{
		".git/config":               ".git",
		".GIT/hooks/pre-commit":     ".GIT",
		"a/.Git":                    ".Git",
		".git.":                     ".git.",
		".git /x":                   ".git ",
		".git. . /x":                ".git. . ",
		"GIT~1/hooks":               "GIT~1",
		"git~1":                     "git~1",
		".git::$INDEX_ALLOCATION/x": ".git::$INDEX_ALLOCATION",
		"a\\.git\\config":           ".git",
		".g\u200cit/config":         ".g\u200cit",
		"\ufeff.GIT":                "\ufeff.GIT",
		".gitignore":                "",
		".github/workflows/ci.yaml": "",
		".gitx":                     "",
		"git":                       "",
		"git~2":                     "",
		"docs/.gitkeep":             "",
		"a/b.git/c":                 "",
		".g\u200cithub":             "",
		"x.git.":                    "",
	} {
		if got := GitComponent(p); got != want {
			t.Errorf("GitComponent(%q) = %q, want %q", p, got, want)
		}
	}
}

func mk(t *testing.T) (string, string, *Dir) {
	t.Helper()
	top := t.TempDir()
	svc := filepath.Join(top, "svc")
	outside := filepath.Join(top, "outside")
	for _, d := range []string{svc, outside, filepath.Join(svc, "real")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(outside, "victim.yaml"), []byte("secret\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for link, target := range map[string]string{"out": outside, "up": "..", "in": "real", "loop": "loop"} {
		if err := os.Symlink(target, filepath.Join(svc, link)); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(svc, "file"), []byte("f\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	d, err := Open(svc)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return svc, outside, d
}

func TestNeverThroughALink(t *testing.T) {
	svc, outside, d := mk(t)
	for _, p := range []string{"out/victim.yaml", "up/outside/victim.yaml", "in/x", "loop/x", "file/x", "out/new/deep.txt"} {
		var b *BlockedError
		if _, err := d.Read(p); !errors.As(err, &b) {
			t.Errorf("Read(%s) = %v, want blocked", p, err)
		}
		if err := d.Write(p, []byte("pwned\n"), 0o644); !errors.As(err, &b) {
			t.Errorf("Write(%s) = %v, want blocked", p, err)
		}
		if err := d.Remove(p); !errors.As(err, &b) {
			t.Errorf("Remove(%s) = %v, want blocked", p, err)
		}
	}
	if data, err := os.ReadFile(filepath.Join(outside, "victim.yaml")); err != nil || string(data) != "secret\n" {
		t.Fatalf("outside file changed: %q %v", data, err)
	}
	if entries, _ := os.ReadDir(outside); len(entries) != 1 {
		t.Fatalf("outside has %d entries", len(entries))
	}
	if entries, _ := os.ReadDir(filepath.Join(svc, "real")); len(entries) != 0 {
		t.Fatalf("wrote through the in-service link: %v", entries)
	}
	// A link itself is read as its target and removed as a link, never what it points to.
	e, err := d.Read("out")
	if err != nil || e.Kind != Link || string(e.Data) != outside {
		t.Fatalf("Read(out) = %+v, %v", e, err)
	}
	if err := d.Remove("out"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(outside, "victim.yaml")); err != nil {
		t.Fatal("removing the link removed what it points to")
	}
}

func TestWriteReplacesAndPrunes(t *testing.T) {
	svc, _, d := mk(t)
	if err := d.Write("a/b/c.txt", []byte("c\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(filepath.Join(svc, "a/b/c.txt"))
	if err != nil || fi.Mode().Perm() != 0o755 {
		t.Fatalf("mode %v %v", fi, err)
	}
	// A link at the path itself is replaced by the file, not written through.
	if err := d.Write("out", []byte("now a file\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if e, _ := d.Read("out"); e.Kind != File || string(e.Data) != "now a file\n" {
		t.Fatalf("out = %+v", e)
	}
	if err := d.Write("lnk", []byte("a/b"), fs.ModeSymlink); err != nil {
		t.Fatal(err)
	}
	if e, _ := d.Read("lnk"); e.Kind != Link || string(e.Data) != "a/b" {
		t.Fatalf("lnk = %+v", e)
	}
	if err := d.Remove("a/b/c.txt"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(filepath.Join(svc, "a")); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("empty parents kept: %v", err)
	}
	var b *BlockedError
	if err := d.Write("real", []byte("x"), 0o644); !errors.As(err, &b) || b.Kind != Directory {
		t.Fatalf("a file over a directory: %v", err)
	}
	for _, p := range []string{".GIT/hooks/pre-commit", "../x", "/etc/passwd", "a/../../x", "git~1/config"} {
		if err := d.Write(p, []byte("x"), 0o644); err == nil {
			t.Errorf("Write(%s) accepted", p)
		}
	}
	if entries, _ := os.ReadDir(svc); len(entries) != 7 { // real in up loop file out lnk + nothing else
		names := []string{}
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Fatalf("service holds %v", names)
	}
}
