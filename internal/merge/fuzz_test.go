package merge

import (
	"bytes"
	"context"
	"errors"
	"testing"
)

// FuzzText: a side left as the base gives the other side byte for byte, equal sides give that
// side, and no text input makes Text fail or panic (binary content is ErrBinary).
func FuzzText(f *testing.F) {
	for _, s := range [][3]string{
		{"a\nb\nc\n", "a\nB\nc\n", "a\nb\nC\n"},
		{"a\nb\nc\n", "a\nX\nc\n", "a\nY\nc\n"},
		{"a\r\nb\r\n", "a\r\nb\r\nc", "z\r\na\r\nb\r\n"},
		{"", "x", "y"},
		{"a\n", "<<<<<<< service\nx\n=======\ny\n>>>>>>> svc v1.1.0\n", "b\n"},
		{"a\n", "||||||| svc v1.0.0\n", "=======\n"},
		{"x", "x\n", "x\r\n"},
	} {
		f.Add([]byte(s[0]), []byte(s[1]), []byte(s[2]), false)
		f.Add([]byte(s[0]), []byte(s[1]), []byte(s[2]), true)
	}
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, base, ours, theirs []byte, rej bool) {
		if len(base)+len(ours)+len(theirs) > 4096 {
			return // git is slow; large inputs find nothing more
		}
		check := func(what string, b, o, th, want []byte) {
			t.Helper()
			res, err := Text(ctx, "f.txt", b, o, th, labels, rej)
			if err != nil || !bytes.Equal(res.Data, want) || res.Conflicts != 0 || res.Rej != nil {
				t.Fatalf("%s: got %q, %d conflicts, rej %q, %v; want %q", what, res.Data, res.Conflicts, res.Rej, err, want)
			}
		}
		check("ours unchanged", base, base, theirs, theirs)
		check("theirs unchanged", base, ours, base, ours)
		check("same change", base, ours, ours, ours)
		res, err := Text(ctx, "f.txt", base, ours, theirs, labels, rej)
		if IsBinary(base) || IsBinary(ours) || IsBinary(theirs) {
			if err != nil && !errors.Is(err, ErrBinary) {
				t.Fatalf("Text of binary content: %v, want ErrBinary", err)
			}
			return
		}
		if err != nil {
			t.Fatalf("Text: %v", err)
		}
		if rej && res.Conflicts > 0 && res.Rej == nil {
			t.Fatalf("%d conflicts and no .rej", res.Conflicts)
		}
		if res.Conflicts == 0 && res.Rej != nil {
			t.Fatalf("a .rej without conflicts: %q", res.Rej)
		}
	})
}
