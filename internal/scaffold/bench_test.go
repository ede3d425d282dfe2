package scaffold_test

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"text/template"
	"time"

	"github.com/idp-cli/idp/internal/answers"
	"github.com/idp-cli/idp/internal/gitrepo"
	"github.com/idp-cli/idp/internal/render"
	"github.com/idp-cli/idp/internal/scaffold"
	"github.com/idp-cli/idp/internal/source"
	"github.com/idp-cli/idp/internal/testutil/gentemplate"
	"github.com/idp-cli/idp/internal/tmplfuncs"
)

// The goals for a 200-file golden path: `idp new` under 20 ms, and render within 1.5x
// of bareRender. scripts/bench.sh checks them; these only measure.

type benchFixture struct {
	src  *source.Source
	tmpl *source.Template
	data map[string]any
}

func loadFixture(tb testing.TB) *benchFixture {
	tb.Helper()
	dir := tb.TempDir()
	if err := gentemplate.Write(dir, gentemplate.Default); err != nil {
		tb.Fatal(err)
	}
	src, err := source.Dir(dir)
	if err != nil {
		tb.Fatal(err)
	}
	all, err := src.Catalog()
	if err != nil {
		tb.Fatal(err)
	}
	tmpl := source.Find(all, gentemplate.Name)
	if tmpl == nil {
		tb.Fatalf("catalog %v has no %s", source.Names(all), gentemplate.Name)
	}
	ans, err := answers.Resolve(context.Background(), tmpl.Manifest, answers.Request{Set: gentemplate.Set})
	if err != nil {
		tb.Fatal(err)
	}
	return &benchFixture{src: src, tmpl: tmpl, data: ans.Data}
}

// bareRender is the least a renderer can do for the same output: walk the skeleton, render
// names with {{, copy binary files, and parse and execute every text file with the same
// function map. No path checks, excludes, verbatim globs, sorting or error mapping.
func bareRender(fsys fs.FS, data map[string]any) ([]render.File, error) {
	var files []render.File
	dirs := map[string]string{render.SkeletonDir: ""}
	name := func(p, s string) (string, error) {
		if !strings.Contains(s, "{{") {
			return s, nil
		}
		out, err := execute(p, s, data)
		return string(out), err
	}
	err := fs.WalkDir(fsys, render.SkeletonDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == render.SkeletonDir {
			return err
		}
		n, err := name(p, d.Name())
		if err != nil {
			return err
		}
		out := path.Join(dirs[path.Dir(p)], n)
		if d.IsDir() {
			dirs[p] = out
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		content, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		f := render.File{Path: out, Mode: 0o644, Source: p}
		if info.Mode()&0o111 != 0 {
			f.Mode = 0o755
		}
		if bytes.IndexByte(content[:min(len(content), 8000)], 0) >= 0 {
			f.Binary, f.Data = true, content
		} else if f.Data, err = execute(p, string(content), data); err != nil {
			return err
		}
		files = append(files, f)
		return nil
	})
	return files, err
}

func execute(name, text string, data map[string]any) ([]byte, error) {
	t, err := template.New(name).Funcs(tmplfuncs.Map()).Option("missingkey=error").Parse(text)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, data); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// The baseline must do the same job as render.Render, or the ratio means nothing.
func TestBareRenderMatchesRender(t *testing.T) {
	fx := loadFixture(t)
	tree, err := render.Render(context.Background(), fx.tmpl.FS, fx.tmpl.Manifest, fx.data)
	if err != nil {
		t.Fatal(err)
	}
	bare, err := bareRender(fx.tmpl.FS, fx.data)
	if err != nil {
		t.Fatal(err)
	}
	slices.SortFunc(bare, func(a, b render.File) int { return strings.Compare(a.Path, b.Path) })
	if len(bare) != 200 || len(tree.Files) != 200 {
		t.Fatalf("bare %d files, render %d; want 200 each", len(bare), len(tree.Files))
	}
	var binary, named int
	for i, got := range tree.Files {
		want := bare[i]
		if got.Path != want.Path || got.Mode != want.Mode || got.Binary != want.Binary || !bytes.Equal(got.Data, want.Data) {
			t.Fatalf("file %d: render %s (%v, binary %v, %d bytes), bare %s (%v, binary %v, %d bytes)",
				i, got.Path, got.Mode, got.Binary, len(got.Data), want.Path, want.Mode, want.Binary, len(want.Data))
		}
		if bytes.Contains(got.Data, []byte("{{")) {
			t.Errorf("%s still holds {{ after rendering", got.Path)
		}
		if got.Binary {
			binary++
		}
		if strings.Contains(got.Source, "{{") {
			named++
		}
	}
	if binary != 5 || named < 40 {
		t.Errorf("got %d binary files and %d with {{ in their path; want 5 and at least 40", binary, named)
	}
}

func BenchmarkRender(b *testing.B) {
	fx := loadFixture(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := render.Render(ctx, fx.tmpl.FS, fx.tmpl.Manifest, fx.data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkBareTextTemplate(b *testing.B) {
	fx := loadFixture(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := bareRender(fx.tmpl.FS, fx.data); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkNew is `idp new` after the catalog is read: answers, render, write to a fresh
// directory, git init and the first commit.
func BenchmarkNew(b *testing.B) {
	fx := loadFixture(b)
	ctx := context.Background()
	out := b.TempDir()
	now := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		res, err := scaffold.New(ctx, scaffold.NewOptions{
			Source:    fx.src,
			Template:  fx.tmpl,
			Answers:   answers.Request{Set: gentemplate.Set},
			OutputDir: filepath.Join(out, fmt.Sprintf("svc-%d", i)),
			Author:    gitrepo.DefaultAuthor,
			Now:       now,
		})
		if err != nil {
			b.Fatal(err)
		}
		if res.Commit == "" {
			b.Fatal("no commit")
		}
	}
}
