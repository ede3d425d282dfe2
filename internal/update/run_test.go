package update

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/idp-cli/idp/internal/answers"
	"github.com/idp-cli/idp/internal/manifest"
	"github.com/idp-cli/idp/internal/provenance"
	"github.com/idp-cli/idp/internal/render"
	"github.com/idp-cli/idp/internal/source"
)

func version(t *testing.T, tag, skeleton string) Version {
	t.Helper()
	data := "apiVersion: idp/v1\nkind: Template\nname: svc\ntype: service\nparameters:\n  - name: name\n    required: true\n"
	m, err := manifest.Parse([]byte(data), "template.yaml", "svc")
	if err != nil {
		t.Fatal(err)
	}
	fsys := fstest.MapFS{
		"template.yaml":    {Data: []byte(data)},
		"skeleton/app.txt": {Data: []byte(skeleton), Mode: 0o644},
	}
	return Version{
		Source:   &source.Source{Location: "test", Version: tag, Commit: strings.Repeat("a", 40)},
		Template: &source.Template{Manifest: m, FS: fsys, Dir: "."},
	}
}

// TestRunRenderOptions: both renders of an update are bounded by RunOptions.Render, the base
// (the recorded version) as well as the target.
func TestRunRenderOptions(t *testing.T) {
	small, big := `{{ .name }}`, `{{ .name }}{{ repeat 5000 "x" }}`
	for _, tc := range []struct {
		name      string
		base, tgt string
		opts      render.Options
		wantErr   error
		wantStart string
	}{
		{name: "defaults", base: small, tgt: big},
		{name: "target too large", base: small, tgt: big, opts: render.Options{MaxTotalSize: 4096}, wantErr: render.ErrTooLarge, wantStart: "render svc v2: skeleton/app.txt:1:14: repeat: builds values past 4 KiB"},
		{name: "base too large", base: big, tgt: small, opts: render.Options{MaxFileSize: 1024}, wantErr: render.ErrTooLarge, wantStart: "render svc v1: skeleton/app.txt: renders more than 1 KiB"},
		{name: "no bound", base: big, tgt: big + "\n", opts: render.Options{MaxFileSize: -1, MaxTotalSize: -1, Timeout: -1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			// The service holds the base as rendered, so that the target's change is an update.
			local := strings.ReplaceAll(strings.ReplaceAll(tc.base, "{{ .name }}", "shop"), `{{ repeat 5000 "x" }}`, strings.Repeat("x", 5000))
			if err := os.WriteFile(filepath.Join(dir, "app.txt"), []byte(local), 0o644); err != nil {
				t.Fatal(err)
			}
			svc := &Service{Dir: dir, Record: &provenance.File{
				Template: provenance.Template{Source: "test", Name: "svc", Version: "v1"},
				Answers:  []answers.KV{{Key: "name", Value: "shop"}},
			}}
			res, err := Run(context.Background(), RunOptions{
				Service: svc, Base: version(t, "v1", tc.base), Target: version(t, "v2", tc.tgt),
				DryRun: true, Render: tc.opts,
			})
			if tc.wantErr == nil {
				if err != nil {
					t.Fatal(err)
				}
				if len(res.Changes) != 1 || res.Changes[0].Path != "app.txt" || res.Changes[0].Action != Updated {
					t.Errorf("changes %+v, want app.txt updated", res.Changes)
				}
				return
			}
			if !errors.Is(err, tc.wantErr) || !strings.HasPrefix(err.Error(), tc.wantStart) {
				t.Errorf("error %v, want %v starting %q", err, tc.wantErr, tc.wantStart)
			}
		})
	}
}
