package update

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/idp-cli/idp/internal/merge"
)

// TestExtraNameNotTheGoldenPaths: FILE.rej is not a name the golden path itself renders (the
// update writes that file too), nor one the service has.
func TestExtraNameNotTheGoldenPaths(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "a.txt"), []byte("one\nmine\nthree\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "a.txt.rej.1"), []byte("ignored\n"), 0o644)
	changes, err := Plan(context.Background(), Options{
		Dir:    dir,
		Base:   tree(map[string]string{"a.txt": "one\ntwo\nthree\n"}),
		Target: tree(map[string]string{"a.txt": "one\nTWO\nthree\n", "a.txt.rej": "the golden path's own\n"}),
		Labels: merge.Labels{Ours: "svc", Base: "v1", Theirs: "v2"}, Rej: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(changes) != 2 || changes[0].Path != "a.txt" || changes[0].Extra != "a.txt.rej.2" ||
		changes[0].Reason != "1 conflicting change of the golden path in a.txt.rej.2; apply what you want of it, then delete a.txt.rej.2" || changes[1].Path != "a.txt.rej" || changes[1].Action != Added {
		t.Fatalf("changes: %+v", changes)
	}
}

// TestExtraNameNoneFree: when every name is taken, the plan stops and says what to do.
func TestExtraNameNoneFree(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "a.txt"), []byte("one\nmine\nthree\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "a.txt.rej"), nil, 0o644)
	for n := 1; n < maxExtraTries; n++ {
		os.WriteFile(filepath.Join(dir, fmt.Sprintf("a.txt.rej.%d", n)), nil, 0o644)
	}
	_, err := Plan(context.Background(), Options{
		Dir:    dir,
		Base:   tree(map[string]string{"a.txt": "one\ntwo\nthree\n"}),
		Target: tree(map[string]string{"a.txt": "one\nTWO\nthree\n"}),
		Labels: merge.Labels{Ours: "svc", Base: "v1", Theirs: "v2"}, Rej: true,
	})
	if err == nil || err.Error() != "a.txt.rej and a.txt.rej.1 to .99 all exist, so idp has nowhere to put the golden path's side of the conflict; remove the ones you no longer need and update again" {
		t.Errorf("got %v", err)
	}
}
