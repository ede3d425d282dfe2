package merge

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

var labels = Labels{Ours: "service", Base: "svc v1.0.0", Theirs: "svc v1.1.0"}

// gitMergeFile runs git merge-file directly: the oracle.
func gitMergeFile(t *testing.T, ours, base, theirs []byte, extra ...string) ([]byte, int) {
	t.Helper()
	dir := t.TempDir()
	for name, data := range map[string][]byte{"o": ours, "b": base, "t": theirs} {
		os.WriteFile(filepath.Join(dir, name), data, 0o600)
	}
	args := append([]string{"merge-file", "-p", "-L", labels.Ours, "-L", labels.Base, "-L", labels.Theirs}, extra...)
	cmd := exec.Command("git", append(args, "o", "b", "t")...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null")
	out, err := cmd.Output()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return out, ee.ExitCode()
	}
	if err != nil {
		t.Fatal(err)
	}
	return out, 0
}

func TestText(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name                     string
		base, ours, theirs, want string
		conflicts                int
	}{
		{"template only", "a\nb\nc\n", "a\nb\nc\n", "a\nB\nc\n", "a\nB\nc\n", 0},
		{"service only", "a\nb\nc\n", "a\nb\nC\n", "a\nb\nc\n", "a\nb\nC\n", 0},
		{"both, apart", "a\nb\nc\nd\ne\n", "A\nb\nc\nd\ne\n", "a\nb\nc\nd\nE\n", "A\nb\nc\nd\nE\n", 0},
		{"both, same change", "a\n", "b\n", "b\n", "b\n", 0},
		{"overlap", "a\nb\nc\n", "a\nX\nc\n", "a\nY\nc\n", "a\n<<<<<<< service\nX\n=======\nY\n>>>>>>> svc v1.1.0\nc\n", 1},
		{"crlf kept", "a\r\nb\r\nc\r\nd\r\ne\r\n", "A\r\nb\r\nc\r\nd\r\ne\r\n", "a\r\nb\r\nc\r\nd\r\nE\r\n", "A\r\nb\r\nc\r\nd\r\nE\r\n", 0},
		{"no final newline kept", "a\nb\nc\nd\ne", "A\nb\nc\nd\ne", "a\nb\nc\nd\nE", "A\nb\nc\nd\nE", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := Text(ctx, "f.txt", []byte(tc.base), []byte(tc.ours), []byte(tc.theirs), labels, false)
			if err != nil || string(r.Data) != tc.want || r.Conflicts != tc.conflicts || r.Rej != nil {
				t.Errorf("got %q %d %v; want %q %d", r.Data, r.Conflicts, err, tc.want, tc.conflicts)
			}
			git, n := gitMergeFile(t, []byte(tc.ours), []byte(tc.base), []byte(tc.theirs))
			if string(git) != tc.want || n != tc.conflicts {
				t.Errorf("the oracle disagrees with the case: %q %d", git, n)
			}
		})
	}
}

func TestRej(t *testing.T) {
	base := "one\ntwo\nthree\nfour\nfive\nsix\nseven\n"
	ours := "one\nTWO\nthree\nfour\nfive\nsix\nSEVEN\n"
	theirs := "one\n2\nthree\nfour\nfive\nsix\n7\neight\n"
	r, err := Text(context.Background(), "cfg/app.txt", []byte(base), []byte(ours), []byte(theirs), labels, true)
	if err != nil {
		t.Fatal(err)
	}
	if string(r.Data) != ours || r.Conflicts != 2 {
		t.Errorf("data %q, %d conflicts", r.Data, r.Conflicts)
	}
	want := `--- cfg/app.txt (svc v1.0.0)
+++ cfg/app.txt (svc v1.1.0)
@@ -2,1 +2,1 @@
-two
+2
@@ -7,1 +7,2 @@
-seven
+7
+eight
`
	if string(r.Rej) != want {
		t.Errorf("rej:\n%s\nwant:\n%s", r.Rej, want)
	}
}

// randomText makes n lines from a small alphabet, so that edits collide often.
func randomText(r *rand.Rand, n int) []string {
	lines := make([]string, n)
	for i := range lines {
		lines[i] = fmt.Sprintf("l%d", r.IntN(8))
	}
	return lines
}

// edit changes, inserts and deletes a few random lines.
func edit(r *rand.Rand, lines []string, tag string) []string {
	out := append([]string(nil), lines...)
	for k := r.IntN(4); k >= 0; k-- {
		i := r.IntN(len(out) + 1)
		switch r.IntN(3) {
		case 0:
			if i < len(out) {
				out[i] = fmt.Sprintf("%s%d", tag, r.IntN(1000))
			}
		case 1:
			out = append(out[:i], append([]string{fmt.Sprintf("%s%d", tag, r.IntN(1000))}, out[i:]...)...)
		case 2:
			if i < len(out) {
				out = append(out[:i], out[i+1:]...)
			}
		}
	}
	return out
}

func join(lines []string, crlf, final bool) []byte {
	sep := "\n"
	if crlf {
		sep = "\r\n"
	}
	s := strings.Join(lines, sep)
	if final && len(lines) > 0 {
		s += sep
	}
	return []byte(s)
}

// TestAgainstGit checks Text on random cases against git merge-file run directly: the same
// bytes and the same conflict count; with .rej, the service's side is git's --ours, and every
// line the service added is in the result.
func TestAgainstGit(t *testing.T) {
	cases := 2000 // in two shards, one per core here
	if testing.Short() {
		cases = 200
	}
	for shard := uint64(0); shard < 2; shard++ {
		t.Run(fmt.Sprint("shard", shard), func(t *testing.T) {
			t.Parallel()
			againstGit(t, rand.New(rand.NewPCG(shard, 2)), cases/2)
		})
	}
}

func againstGit(t *testing.T, r *rand.Rand, cases int) {
	ctx := context.Background()
	for i := 0; i < cases; i++ {
		crlf, final := r.IntN(4) == 0, r.IntN(5) != 0
		baseLines := randomText(r, 1+r.IntN(12))
		oursLines, theirsLines := edit(r, baseLines, "o"), edit(r, baseLines, "t")
		if r.IntN(8) == 0 {
			oursLines = baseLines // one side unchanged: the fast paths
		}
		base, ours, theirs := join(baseLines, crlf, final), join(oursLines, crlf, final), join(theirsLines, crlf, r.IntN(5) != 0)
		got, err := Text(ctx, "f", base, ours, theirs, labels, false)
		if err != nil {
			t.Fatal(err)
		}
		want, n := gitMergeFile(t, ours, base, theirs)
		if !bytes.Equal(got.Data, want) || got.Conflicts != n {
			t.Fatalf("case %d: base %q ours %q theirs %q\ngot %q (%d)\ngit %q (%d)", i, base, ours, theirs, got.Data, got.Conflicts, want, n)
		}
		rej, err := Text(ctx, "f", base, ours, theirs, labels, true)
		if err != nil {
			t.Fatal(err)
		}
		if n > 0 {
			wantOurs, _ := gitMergeFile(t, ours, base, theirs, "--ours")
			if !bytes.Equal(rej.Data, wantOurs) || rej.Conflicts == 0 || rej.Rej == nil { // diff3 style may count blocks differently
				t.Fatalf("case %d rej: base %q ours %q theirs %q\ngot %q\ngit --ours %q", i, base, ours, theirs, rej.Data, wantOurs)
			}
		}
		// No local line is lost: every line the service added is in the merged file.
		for _, l := range oursLines {
			if strings.HasPrefix(l, "o") && !bytes.Contains(got.Data, []byte(l)) {
				t.Fatalf("case %d: the service's line %q is lost: %q", i, l, got.Data)
			}
		}
	}
}
