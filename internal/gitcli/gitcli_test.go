package gitcli

import (
	"context"
	"errors"
	"testing"
)

func TestMergeFile(t *testing.T) {
	l := Labels{Ours: "svc", Base: "v1", Theirs: "v2"}
	out, n, err := MergeFile(context.Background(), []byte("a\nX\nc\n"), []byte("a\nb\nc\n"), []byte("a\nY\nc\n"), l, false)
	if err != nil || n != 1 || string(out) != "a\n<<<<<<< svc\nX\n=======\nY\n>>>>>>> v2\nc\n" {
		t.Errorf("%q %d %v", out, n, err)
	}
	out, err = MergeOurs(context.Background(), []byte("a\nX\nc\n"), []byte("a\nb\nc\n"), []byte("a\nY\nc\n"))
	if err != nil || string(out) != "a\nX\nc\n" {
		t.Errorf("ours: %q %v", out, err)
	}
}

func TestNoGit(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	_, _, err := MergeFile(context.Background(), []byte("a\n"), []byte("b\n"), []byte("c\n"), Labels{}, false)
	if !errors.Is(err, ErrNoGit) || err.Error() != "the git command is not installed; idp needs it to merge files changed both locally and in the golden path; install git (it is in every package manager)" {
		t.Errorf("got %v", err)
	}
}
