package source

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// fiftyTags makes a source repository with one golden path and 50 version tags.
func fiftyTags(b *testing.B) string {
	b.Helper()
	dir := b.TempDir()
	run := func(args ...string) {
		cmd := gitCmdB(dir, args...)
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	run("init", "-q", "-b", "main")
	os.MkdirAll(filepath.Join(dir, "svc", "skeleton"), 0o755)
	os.WriteFile(filepath.Join(dir, "svc", "template.yaml"), []byte(manifestOf+"service\n"), 0o644)
	for i := 0; i < 50; i++ {
		os.WriteFile(filepath.Join(dir, "svc", "skeleton", "v.txt"), []byte(fmt.Sprint(i)), 0o644)
		run("add", "-A")
		run("commit", "-q", "-m", fmt.Sprint(i))
		run("tag", fmt.Sprintf("v1.%d.0", i))
	}
	return dir
}

// BenchmarkWarmSource is what `idp templates list` and `idp new` pay for a git source already in
// the cache: the fetch (nothing new), reading 50 tags, and the catalog at the latest version.
func BenchmarkWarmSource(b *testing.B) {
	repo := fiftyTags(b)
	cache := b.TempDir()
	ctx := context.Background()
	if _, err := OpenGit(ctx, "file://"+repo, GitOptions{CacheDir: cache}); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		g, err := OpenGit(ctx, "file://"+repo, GitOptions{CacheDir: cache})
		if err != nil {
			b.Fatal(err)
		}
		if g.Cloned {
			b.Fatal("a warm run cloned again")
		}
		src, all, err := g.Catalog()
		if err != nil || len(all) != 1 || src.Version != "v1.49.0" {
			b.Fatalf("%v %v %v", src, all, err)
		}
		if _, err := g.At("svc", "^1.20", false); err != nil {
			b.Fatal(err)
		}
	}
}
