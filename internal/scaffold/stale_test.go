//go:build unix

package scaffold

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// TestStageHelperProcess is not a test: TestStaleStageAfterKill runs it as idp would be, making a
// stage and then waiting to be killed.
func TestStageHelperProcess(t *testing.T) {
	parent := os.Getenv("IDP_STAGE_HELPER")
	if parent == "" {
		t.Skip("run by TestStaleStageAfterKill")
	}
	st, err := NewStage(filepath.Join(parent, "svc"))
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(st.Dir, "big.bin"), make([]byte, 1<<20), 0o644)
	os.Stdout.WriteString(st.Dir + "\n")
	time.Sleep(time.Minute)
}

// TestStaleStageAfterKill: idp killed outright (SIGKILL) during idp new leaves its stage beside
// the target; while it runs another idp leaves it alone, and once it is dead the next stage
// made there removes it.
func TestStaleStageAfterKill(t *testing.T) {
	parent := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestStageHelperProcess$")
	cmd.Env = append(os.Environ(), "IDP_STAGE_HELPER="+parent)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("helper: %v", err)
	}
	left := line[:len(line)-1]

	st, err := NewStage(filepath.Join(parent, "other"))
	if err != nil {
		t.Fatal(err)
	}
	st.Abort()
	if _, err := os.Stat(filepath.Join(left, "big.bin")); err != nil {
		t.Fatalf("the stage of a running idp was touched: %v", err)
	}

	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	if _, err := os.Stat(left); err != nil {
		t.Fatalf("the killed idp's stage should still be there for this test: %v", err)
	}
	st, err = NewStage(filepath.Join(parent, "svc"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Abort()
	if _, err := os.Lstat(filepath.Dir(left)); !os.IsNotExist(err) {
		t.Errorf("stale stage %s not removed: %v", filepath.Base(filepath.Dir(left)), err)
	}
}

// TestStaleStageOnlyIdps: only stages that are provably idp's and unused go; a look-alike
// without the marker, with another marker, a link, a locked one, or a fresh empty one stay.
func TestStaleStageOnlyIdps(t *testing.T) {
	parent := t.TempDir()
	mk := func(name string, files map[string]string) string {
		dir := filepath.Join(parent, name)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		for f, data := range files {
			if err := os.WriteFile(filepath.Join(dir, f), []byte(data), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return dir
	}
	old := time.Now().Add(-time.Hour)
	stale := mk(".a.idp-tmp-1", map[string]string{stageMarker: markerText, "x.txt": "x"})
	emptyOld := mk(".b.idp-tmp-2", nil)
	os.Chtimes(emptyOld, old, old)
	emptyNew := mk(".c.idp-tmp-3", nil)
	noMarker := mk(".d.idp-tmp-4", map[string]string{"x.txt": "mine"})
	otherMarker := mk(".e.idp-tmp-5", map[string]string{stageMarker: "something else\n"})
	notAStage := mk(".f.idp-tmp-x", map[string]string{stageMarker: markerText})
	noDot := mk("g.idp-tmp-6", map[string]string{stageMarker: markerText})
	locked := mk(".h.idp-tmp-7", nil)
	held, err := holdMarker(filepath.Join(locked, stageMarker))
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	elsewhere := t.TempDir()
	os.WriteFile(filepath.Join(elsewhere, stageMarker), []byte(markerText), 0o644)
	os.WriteFile(filepath.Join(elsewhere, "precious"), []byte("keep"), 0o644)
	link := filepath.Join(parent, ".i.idp-tmp-8")
	if err := os.Symlink(elsewhere, link); err != nil {
		t.Fatal(err)
	}

	removed := removeStale(parent)
	if len(removed) != 2 || removed[0] != stale || removed[1] != emptyOld {
		t.Errorf("removed %q, want %s and %s", removed, stale, emptyOld)
	}
	for _, kept := range []string{emptyNew, noMarker, otherMarker, notAStage, noDot, locked, link, filepath.Join(elsewhere, "precious")} {
		if _, err := os.Lstat(kept); err != nil {
			t.Errorf("%s was removed", kept)
		}
	}
}

// TestStageMarkerNotMoved: the marker never reaches the target, and a file of the same name in
// the tree is the tree's like any other; the scratch directory goes.
func TestStageMarkerNotMoved(t *testing.T) {
	parent := t.TempDir()
	for _, target := range []string{filepath.Join(parent, "svc"), filepath.Join(parent, "empty")} {
		if filepath.Base(target) == "empty" {
			os.Mkdir(target, 0o755) // idp new -o . fills an empty directory in place
		}
		st, err := NewStage(target)
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(st.Dir, "a.txt"), []byte("a"), 0o644)
		if err := os.Symlink("a.txt", filepath.Join(st.Dir, stageMarker)); err != nil {
			t.Fatal(err)
		}
		if err := st.Finish(); err != nil {
			t.Fatal(err)
		}
		if l, err := os.Readlink(filepath.Join(target, stageMarker)); err != nil || l != "a.txt" {
			t.Errorf("the tree's own %s: %q, %v", stageMarker, l, err)
		}
	}
	entries, _ := os.ReadDir(parent)
	if len(entries) != 2 {
		t.Errorf("left beside the targets: %v", entries)
	}
}
