package updaterun

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/idp-cli/idp/internal/update"
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

// TestInterruptedWhileWriting: Ctrl-C once the update has begun writing does not leave the
// service half-updated nor pass for a clean run: every file and .idp.yaml are written, the
// migration for after the merge does not run but is recorded, and the run says so: its summary,
// and an error that is a cancellation (exit status 2) saying what did not run.
func TestInterruptedWhileWriting(t *testing.T) {
	r := newRig(t)
	r.release("v1.1.0", map[string]string{
		"svc/template.yaml":     svcManifest + "migrations:\n  - version: v1.1.0\n    run: echo migrated > migrated.txt\n",
		"svc/skeleton/app.yaml": app("9090"), "svc/skeleton/z.txt": "Z\n",
	})
	ctx := cancelledOnceWritten{Context: context.Background(), file: filepath.Join(r.svc, "app.yaml"), want: []byte("name: shop\nport: 9090\nprobe: /\nlog: info\n")}
	res, err := Run(ctx, r.deps, Options{Do: update.DoOptions{Dir: r.svc, To: "latest", Mode: update.ModeWrite, Trust: true}})
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	res.Write(&out, &out, false)
	if !strings.Contains(out.String(), "  added     z.txt\n") || !strings.Contains(out.String(), "To undo the update: ") {
		t.Errorf("no summary:\n%s", out.String())
	}
	want := "interrupted while writing the update: idp finished writing it rather than leave the service half-updated, so every file and .idp.yaml are written; its migrations for after the merge were not run (.idp.yaml records them: idp update --trust runs them); review it with git diff, or undo it as printed above"
	var ie *InterruptedError
	if err := res.Err(); !errors.As(err, &ie) || !errors.Is(err, context.Canceled) || err.Error() != want {
		t.Errorf("Err %v\nwant %s", err, want)
	}
	if b, _ := os.ReadFile(filepath.Join(r.svc, "z.txt")); string(b) != "Z\n" {
		t.Errorf("z.txt = %q: the update stopped half-way", b)
	}
	rec, _ := os.ReadFile(filepath.Join(r.svc, ".idp.yaml"))
	if !strings.Contains(string(rec), "  version: v1.1.0\n") || !strings.Contains(string(rec), "\npending-migrations: [v1.1.0]\n") {
		t.Errorf(".idp.yaml:\n%s", rec)
	}
	if _, err := os.Stat(filepath.Join(r.svc, "migrated.txt")); err == nil {
		t.Error("the migration ran after the interrupt")
	}
}
