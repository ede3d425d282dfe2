// Package merge merges one file three ways: the golden path's change (base to theirs) into the
// service's copy (ours). Text is merged line by line by git merge-file (through gitcli);
// overlapping changes become conflict markers, or a .rej file of the golden path's hunks.
package merge

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"

	udiff "github.com/aymanbagabas/go-udiff"

	"github.com/idp-cli/idp/internal/gitcli"
)

// Labels name the sides in conflict markers.
type Labels = gitcli.Labels

// Result is a merged file.
type Result struct {
	Data      []byte // the merged content; with Rej, the service's side of every conflict
	Conflicts int    // conflicting regions
	Rej       []byte // with Rej mode and conflicts: the golden path's hunks, as a unified diff
}

// ErrBinary is returned by Text for content git would not merge line by line (see IsBinary);
// callers keep one side and set the other beside it instead.
var ErrBinary = errors.New("binary content cannot be merged line by line")

// Text merges base -> theirs into ours. With rej, conflicts keep the service's lines in Data
// and the golden path's hunks go to Result.Rej; path names the file in the .rej header.
func Text(ctx context.Context, path string, base, ours, theirs []byte, l Labels, rej bool) (Result, error) {
	switch {
	case bytes.Equal(ours, theirs), bytes.Equal(theirs, base):
		return Result{Data: ours}, nil
	case bytes.Equal(ours, base):
		return Result{Data: theirs}, nil
	case IsBinary(base) || IsBinary(ours) || IsBinary(theirs):
		return Result{}, fmt.Errorf("%s: %w", path, ErrBinary)
	}
	out, n, err := gitcli.MergeFile(ctx, ours, base, theirs, l, rej)
	if err != nil || n == 0 || !rej {
		return Result{Data: out, Conflicts: n}, err
	}
	hunks, err := splitDiff3(out, l)
	if err != nil {
		return Result{}, fmt.Errorf("%s: %w", path, err)
	}
	// git's own resolution to the service's side keeps a missing final newline that the
	// markers' output had to add.
	data, err := gitcli.MergeOurs(ctx, ours, base, theirs)
	if err != nil {
		return Result{}, err
	}
	return Result{Data: data, Conflicts: n, Rej: rejFile(path, l, hunks)}, nil
}

// hunk is one conflict: where it starts in the resolved file, and the base and golden path
// lines it replaced.
type hunk struct {
	at           int // 1-based line in Data where the service's side starts
	base, theirs []string
}

// splitDiff3 collects each diff3-style conflict block's base and golden-path lines, and where
// the block's service side starts once resolved to it.
func splitDiff3(merged []byte, l Labels) ([]hunk, error) {
	var hunks []hunk
	lines := bytes.SplitAfter(merged, []byte("\n"))
	state, line := 0, 1 // 0 outside, 1 ours, 2 base, 3 theirs
	var h hunk
	for _, ln := range lines {
		s := string(ln)
		trimmed := strings.TrimRight(s, "\r\n")
		switch {
		case state == 0 && trimmed == "<<<<<<< "+l.Ours:
			state, h = 1, hunk{at: line}
			continue
		case state == 1 && trimmed == "||||||| "+l.Base:
			state = 2
			continue
		case state == 2 && trimmed == "=======":
			state = 3
			continue
		case state == 3 && trimmed == ">>>>>>> "+l.Theirs:
			state = 0
			hunks = append(hunks, h)
			continue
		}
		switch state {
		case 0, 1:
			if strings.HasSuffix(s, "\n") {
				line++
			}
		case 2:
			h.base = append(h.base, s)
		case 3:
			h.theirs = append(h.theirs, s)
		}
	}
	if state != 0 {
		return nil, fmt.Errorf("unterminated conflict block in the merge output")
	}
	return hunks, nil
}

// rejFile writes the golden path's side of each conflict as a unified diff against the base,
// numbered by where the service's lines now are.
func rejFile(path string, l Labels, hunks []hunk) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "--- %s (%s)\n+++ %s (%s)\n", path, l.Base, path, l.Theirs)
	for _, h := range hunks {
		fmt.Fprintf(&b, "@@ -%d,%d +%d,%d @@\n", h.at, len(h.base), h.at, len(h.theirs))
		for _, s := range h.base {
			b.WriteString("-" + withNewline(s))
		}
		for _, s := range h.theirs {
			b.WriteString("+" + withNewline(s))
		}
	}
	return b.Bytes()
}

func withNewline(s string) string {
	if strings.HasSuffix(s, "\n") {
		return s
	}
	return s + "\n\\ No newline at end of file\n"
}

// IsBinary reports whether data looks binary as git decides it: a NUL byte in the first 8000.
func IsBinary(data []byte) bool {
	if len(data) > 8000 {
		data = data[:8000]
	}
	return bytes.IndexByte(data, 0) >= 0
}

// Unified is the unified diff of one file from before to after, with git's one line instead
// when either side is binary; "" when they are the same.
func Unified(oldName, newName string, before, after []byte) string {
	if IsBinary(before) || IsBinary(after) {
		return fmt.Sprintf("Binary files %s and %s differ\n", oldName, newName)
	}
	return udiff.Unified(oldName, newName, string(before), string(after))
}
