package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// cancelledOnceWritten is a context that reads as cancelled (Ctrl-C) from the moment the file
// it watches holds want: the update has begun writing.
type cancelledOnceWritten struct {
	context.Context
	file string
	want []byte
}

func (c cancelledOnceWritten) Err() error {
	if b, err := os.ReadFile(c.file); err == nil && bytes.Equal(b, c.want) {
		return context.Canceled
	}
	return nil
}

func (c cancelledOnceWritten) Deadline() (time.Time, bool) { return time.Time{}, false }

// TestUpdateInterruptedWhileWriting: Ctrl-C once the update has begun writing does not leave
// the service half-updated nor pass for a clean run: every file and .idp.yaml are written, the
// migration for after the merge does not run but is recorded, and the run says so and exits 2.
func TestUpdateInterruptedWhileWriting(t *testing.T) {
	src := t.TempDir()
	manifest := "apiVersion: idp/v1\nkind: Template\ntype: service\nparameters:\n  - name: name\n    required: true\n"
	writeFiles(t, src, map[string]string{
		"svc/template.yaml": manifest, "svc/skeleton/a.txt": "a\n", "svc/skeleton/z.txt": "z\n",
	})
	gitIn(t, src, "init", "-q", "-b", "main")
	gitIn(t, src, "add", "-A")
	gitIn(t, src, "commit", "-q", "-m", "v1")
	gitIn(t, src, "tag", "v1.0.0")
	env := map[string]string{"HOME": t.TempDir()}
	svc := filepath.Join(t.TempDir(), "shop")
	if r := run(t, env, nil, "new", "service", "shop", "-s", "file://"+src, "-o", svc); r.code != 0 {
		t.Fatalf("new: %+v", r)
	}
	writeFiles(t, src, map[string]string{
		"svc/template.yaml":  manifest + "migrations:\n  - version: v1.1.0\n    run: echo migrated > migrated.txt\n",
		"svc/skeleton/a.txt": "A\n", "svc/skeleton/z.txt": "Z\n",
	})
	gitIn(t, src, "commit", "-q", "-am", "v2")
	gitIn(t, src, "tag", "v1.1.0")

	var out, errOut bytes.Buffer
	f := &Factory{
		Build: Build{Version: "v1.2.3"}, IO: &IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut},
		Now: time.Now, Getenv: func(k string) string { return env[k] },
	}
	ctx := cancelledOnceWritten{Context: context.Background(), file: filepath.Join(svc, "a.txt"), want: []byte("A\n")}
	code := Run(ctx, f, []string{"update", "--dir", svc, "--trust"})
	if code != ExitUsage {
		t.Errorf("exit %d, want %d (cancelled)\nstdout:\n%s\nstderr:\n%s", code, ExitUsage, out.String(), errOut.String())
	}
	wantErr := "idp: interrupted while writing the update: idp finished writing it rather than leave the service half-updated, so every file and .idp.yaml are written; its migrations for after the merge were not run (.idp.yaml records them: idp update --trust runs them); review it with git diff, or undo it as printed above\n"
	if errOut.String() != wantErr {
		t.Errorf("stderr:\n%s\nwant:\n%s", errOut.String(), wantErr)
	}
	if !strings.Contains(out.String(), "  updated   z.txt\n") || !strings.Contains(out.String(), "To undo the update: ") {
		t.Errorf("stdout lacks the summary:\n%s", out.String())
	}
	for name, want := range map[string]string{"a.txt": "A\n", "z.txt": "Z\n"} {
		if b, _ := os.ReadFile(filepath.Join(svc, name)); string(b) != want {
			t.Errorf("%s = %q, want %q: the update stopped half-way", name, b, want)
		}
	}
	rec, _ := os.ReadFile(filepath.Join(svc, ".idp.yaml"))
	if !strings.Contains(string(rec), "  version: v1.1.0\n") || !strings.Contains(string(rec), "\npending-migrations: [v1.1.0]\n") {
		t.Errorf(".idp.yaml:\n%s", rec)
	}
	if _, err := os.Stat(filepath.Join(svc, "migrated.txt")); err == nil {
		t.Error("the migration ran after the interrupt")
	}
}
