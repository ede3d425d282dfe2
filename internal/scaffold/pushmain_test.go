package scaffold

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"

	"github.com/idp-cli/idp/internal/source"
	"github.com/idp-cli/idp/internal/testutil/gittest"
)

// TestPushMain: without origin idp push is told where to push; with --remote it records origin
// without the password, pushes to the URL as given, and says where main went.
func TestPushMain(t *testing.T) {
	dir := t.TempDir()
	gittest.Tagged(t, dir, map[string]string{"README.md": "# shop\n"}, "v0")
	var pushed []string
	push := func(_ context.Context, d, url string) error { pushed = append(pushed, d+" "+url); return nil }
	if _, err := PushMain(context.Background(), push, dir, ""); !source.IsRequest(err) || err.Error() != dir+" has no origin remote; give one with --remote URL" {
		t.Fatalf("no origin: %v", err)
	}
	res, err := PushMain(context.Background(), push, dir, "https://u:secret@git.example.com/acme/shop.git")
	if err != nil {
		t.Fatal(err)
	}
	if len(pushed) != 1 || pushed[0] != dir+" https://u:secret@git.example.com/acme/shop.git" {
		t.Errorf("pushed %v", pushed)
	}
	if origin := gittest.Git(t, dir, "remote", "get-url", "origin"); origin != "https://git.example.com/acme/shop.git" {
		t.Errorf("origin %s", origin)
	}
	var b bytes.Buffer
	res.WriteText(&b)
	if b.String() != "Pushed main to https://git.example.com/acme/shop.git.\n" || res.Dir != filepath.Clean(dir) {
		t.Errorf("%q %+v", b.String(), res)
	}
	if _, err := PushMain(context.Background(), push, dir, ""); err != nil || pushed[1] != dir+" https://git.example.com/acme/shop.git" {
		t.Errorf("again: %v %v", err, pushed)
	}
}
