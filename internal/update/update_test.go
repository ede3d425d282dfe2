package update

import (
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/idp-cli/idp/internal/merge"
	"github.com/idp-cli/idp/internal/render"
)

func tree(files map[string]string) *render.Tree {
	t := &render.Tree{}
	for _, p := range slices.Sorted(maps.Keys(files)) {
		t.Files = append(t.Files, render.File{Path: p, Mode: 0o644, Data: []byte(files[p]), Source: "skeleton/" + p})
	}
	return t
}

func randomLines(r *rand.Rand, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("l%d", r.IntN(6))
	}
	return out
}

// edit changes, inserts and deletes lines; lines it writes are tag+number, unique per run.
func edit(r *rand.Rand, lines []string, tag string, seq *int) []string {
	out := append([]string(nil), lines...)
	for k := r.IntN(3); k >= 0; k-- {
		i := r.IntN(len(out) + 1)
		*seq++
		line := fmt.Sprintf("%s%d", tag, *seq)
		switch r.IntN(3) {
		case 0:
			if i < len(out) {
				out[i] = line
			}
		case 1:
			out = append(out[:i], append([]string{line}, out[i:]...)...)
		case 2:
			if i < len(out) {
				out = append(out[:i], out[i+1:]...)
			}
		}
	}
	return out
}

func text(lines []string) string { return strings.Join(lines, "\n") + "\n" }

// TestNoLocalLineLost is the update's promise as a property: with random edits by the golden
// path and by the owner to the same files (and files removed by either), every line the owner
// wrote is in the service afterwards, merged or inside a conflict block.
func TestNoLocalLineLost(t *testing.T) {
	cases := 300
	if testing.Short() {
		cases = 40
	}
	r := rand.New(rand.NewPCG(7, 11))
	ctx := context.Background()
	for c := 0; c < cases; c++ {
		dir := t.TempDir()
		seq := 0
		base, target, local := map[string]string{}, map[string]string{}, map[string][]string{}
		for f := 0; f < 3; f++ {
			name := fmt.Sprintf("f%d.txt", f)
			b := randomLines(r, 2+r.IntN(8))
			base[name] = text(b)
			if r.IntN(6) > 0 {
				target[name] = text(edit(r, b, "t", &seq))
			}
			l := b
			if r.IntN(3) > 0 {
				l = edit(r, b, "o", &seq)
			}
			local[name] = l
			os.WriteFile(filepath.Join(dir, name), []byte(text(l)), 0o644)
		}
		changes, err := Plan(ctx, Options{Dir: dir, Base: tree(base), Target: tree(target), Labels: merge.Labels{Ours: "svc", Base: "v1", Theirs: "v2"}})
		if err != nil {
			t.Fatal(err)
		}
		if err := Apply(dir, changes); err != nil {
			t.Fatal(err)
		}
		for name, lines := range local {
			got, _ := os.ReadFile(filepath.Join(dir, name))
			for _, l := range lines {
				if strings.HasPrefix(l, "o") && !strings.Contains("\n"+string(got), "\n"+l+"\n") {
					t.Fatalf("case %d: %s lost the owner's line %q\nbase %q\ntarget %q\nlocal %q\ngot %q", c, name, l, base[name], target[name], text(lines), got)
				}
			}
		}
	}
}

// TestUnchangedTemplateIsIdentity: when the golden path did not change, the update changes
// nothing, whatever the owner did.
func TestUnchangedTemplateIsIdentity(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "a.txt"), []byte("mine\n"), 0o644)
	files := map[string]string{"a.txt": "a\n", "b.txt": "b\n"}
	changes, err := Plan(context.Background(), Options{Dir: dir, Base: tree(files), Target: tree(files)})
	if err != nil || len(changes) != 0 {
		t.Errorf("changes %+v, %v", changes, err)
	}
}

// TestMoveOntoLocalFile: the golden path renames a.txt to b.txt, and the service already has
// its own b.txt: the rename is decided as a removal and an addition, both reported.
func TestMoveOntoLocalFile(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "a.txt"), []byte("guide\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "b.txt"), []byte("mine\n"), 0o644)
	changes, err := Plan(context.Background(), Options{
		Dir: dir, Base: tree(map[string]string{"a.txt": "guide\n"}), Target: tree(map[string]string{"b.txt": "guide\n"}),
		Labels: merge.Labels{Ours: "svc", Base: "v1", Theirs: "v2"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(changes) != 2 || changes[0].Path != "a.txt" || changes[0].Action != Removed || changes[1].Path != "b.txt" || changes[1].Action != Conflict {
		t.Fatalf("changes: %+v", changes)
	}
	if err := Apply(dir, changes); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "a.txt")); err == nil {
		t.Error("a.txt is still there")
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "b.txt")); string(b) != "<<<<<<< svc\nmine\n=======\nguide\n>>>>>>> v2\n" {
		t.Errorf("b.txt = %q", b)
	}
}
