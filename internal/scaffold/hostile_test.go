package scaffold_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/idp-cli/idp/internal/answers"
	"github.com/idp-cli/idp/internal/render"
	"github.com/idp-cli/idp/internal/scaffold"
	"github.com/idp-cli/idp/internal/source"
)

// TestHostileTemplatesWriteNothing: each golden path below is refused with an error naming the
// file at fault, and nothing appears anywhere: not in the target's parent, not outside it.
func TestHostileTemplatesWriteNothing(t *testing.T) {
	for _, tc := range []struct {
		name     string
		files    map[string]string // skeleton files
		links    map[string]string // skeleton symlinks: name -> target
		set      []string
		opts     render.Options
		want     string
		outsider string // a path, relative to the test's root, that must not appear
	}{
		{name: "file name climbing out", files: map[string]string{"{{ .path }}": "pwned"}, set: []string{"path=../../escaped"},
			want: `render evil: skeleton/{{ .path }}: renders to "../../escaped", outside the service; remove the .. from its name`, outsider: "escaped"},
		{name: "absolute file name", files: map[string]string{"{{ .path }}": "pwned"}, set: []string{"path=ROOT/abs"},
			want: `render evil: skeleton/{{ .path }}: renders to the absolute path "ROOT/abs"; paths must stay inside the service`, outsider: "abs"},
		{name: "symlink out of the template", links: map[string]string{"link": "../../../../etc/passwd"},
			want: `render evil: skeleton/link: is a symlink to "../../../../etc/passwd", which leads outside the service or into .git; links must point inside it`},
		{name: "symlink to an absolute path", links: map[string]string{"link": "ROOT/outside"},
			want: `render evil: skeleton/link: is a symlink to "ROOT/outside", which leads outside the service or into .git; links must point inside it`},
		{name: "gigabytes", files: map[string]string{"big.txt": "{{ range until 100000 }}lol{{ end }}"}, opts: render.Options{MaxFileSize: 4096},
			want: `render evil: skeleton/big.txt: renders more than 4 KiB, the most one file may hold; look for a range, until or repeat that produces too much`},
		{name: "no end", files: map[string]string{"slow.txt": "{{ range until 100000 }}{{ range until 100000 }}{{ end }}{{ end }}"}, opts: render.Options{Timeout: 20 * time.Millisecond},
			want: `render evil: skeleton/slow.txt: still rendering after 20ms, the longest a render may take; look for a loop that does not end`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			src := filepath.Join(root, "src", "evil")
			mustWrite(t, filepath.Join(src, "template.yaml"), "apiVersion: idp/v1\nkind: Template\ntype: service\nparameters:\n  - name: name\n  - name: path\n")
			mustWrite(t, filepath.Join(src, "skeleton", "ok.txt"), "{{ .name }}\n")
			for name, content := range tc.files {
				mustWrite(t, filepath.Join(src, "skeleton", name), content)
			}
			for name, target := range tc.links {
				if err := os.Symlink(replaceRoot(target, root), filepath.Join(src, "skeleton", name)); err != nil {
					t.Fatal(err)
				}
			}
			s, err := source.Dir(src)
			if err != nil {
				t.Fatal(err)
			}
			all, err := s.Catalog()
			if err != nil {
				t.Fatal(err)
			}
			set := make([]string, len(tc.set))
			for i, kv := range tc.set {
				set[i] = replaceRoot(kv, root)
			}
			parent := filepath.Join(root, "work")
			_, err = scaffold.New(context.Background(), scaffold.NewOptions{
				Source: s, Template: all[0], OutputDir: filepath.Join(parent, "svc"), Render: tc.opts, Now: when,
				Answers: answers.Request{Name: "svc", Set: set},
			})
			if want := replaceRoot(tc.want, root); err == nil || err.Error() != want {
				t.Fatalf("got  %v\nwant %s", err, want)
			}
			if _, err := os.Lstat(parent); !os.IsNotExist(err) {
				t.Errorf("%s was created", parent)
			}
			if entries, _ := os.ReadDir(root); len(entries) != 1 {
				t.Errorf("written beside the source: %v", entries)
			}
			if tc.outsider != "" {
				if _, err := os.Lstat(filepath.Join(root, tc.outsider)); !os.IsNotExist(err) {
					t.Errorf("%s was written", tc.outsider)
				}
			}
		})
	}
}

func replaceRoot(s, root string) string { return strings.ReplaceAll(s, "ROOT", root) }

func mustWrite(t *testing.T, p, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestCreateRefusesAPathOutside: Create checks paths itself, whoever built the tree.
func TestCreateRefusesAPathOutside(t *testing.T) {
	parent := t.TempDir()
	tree := &render.Tree{Files: []render.File{{Path: "../escaped", Mode: 0o644, Data: []byte("x"), Source: "skeleton/{{ .p }}"}}}
	_, err := scaffold.Create(context.Background(), scaffold.Options{Dir: filepath.Join(parent, "svc"), Tree: tree, Provenance: []byte("x"), Now: when})
	if want := "write ../escaped: the path leaves the service; rename skeleton/{{ .p }}"; err == nil || err.Error() != want {
		t.Fatalf("got %v, want %s", err, want)
	}
	if entries, _ := os.ReadDir(parent); len(entries) != 0 {
		t.Errorf("left behind: %v", entries)
	}
}
