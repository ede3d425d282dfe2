package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/idp-cli/idp/internal/render"
)

// TestRenderFlags checks what the flags put in render.Options: the defaults when not given, a
// negative value (no bound) for 0, and the usage error for a bad value.
func TestRenderFlags(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want render.Options
		err  string
	}{
		{args: nil, want: render.Options{MaxFileSize: 64 << 20, MaxTotalSize: 256 << 20, Timeout: 30 * time.Second, IdpVersion: "v1.0.0"}},
		{args: []string{"--max-file-size", "1MiB", "--max-render-size=2GB", "--render-timeout", "2m"},
			want: render.Options{MaxFileSize: 1 << 20, MaxTotalSize: 2_000_000_000, Timeout: 2 * time.Minute, IdpVersion: "v1.0.0"}},
		{args: []string{"--max-file-size", "0", "--max-render-size", "0KiB", "--render-timeout", "0"},
			want: render.Options{MaxFileSize: -1, MaxTotalSize: -1, Timeout: -1, IdpVersion: "v1.0.0"}},
		{args: []string{"--max-render-size", "12XB"},
			err: `invalid argument "12XB" for "--max-render-size" flag: want a size such as 512MiB, 2GB or 1048576 (0: no limit)`},
		{args: []string{"--render-timeout", "10"},
			err: `invalid argument "10" for "--render-timeout" flag: want a duration such as 30s, 2m or 1h30m (0: no limit)`},
		{args: []string{"--render-timeout", "-1s"},
			err: `invalid argument "-1s" for "--render-timeout" flag: want a duration such as 30s, 2m or 1h30m (0: no limit)`},
	} {
		var o render.Options
		cmd := &cobra.Command{}
		addRenderFlags(cmd, &o, "v1.0.0")
		err := cmd.ParseFlags(tc.args)
		switch {
		case tc.err != "" && (err == nil || err.Error() != tc.err):
			t.Errorf("%q: error %v, want %q", tc.args, err, tc.err)
		case tc.err == "" && err != nil:
			t.Errorf("%q: %v", tc.args, err)
		case tc.err == "" && o != tc.want:
			t.Errorf("%q: %+v, want %+v", tc.args, o, tc.want)
		}
	}
}

func TestRenderFlagsHelp(t *testing.T) {
	var o render.Options
	cmd := &cobra.Command{}
	addRenderFlags(cmd, &o, "v1.0.0")
	// Column widths depend on the other flags of a command: compare with spaces collapsed.
	got := strings.Join(strings.Fields(cmd.Flags().FlagUsages()), " ")
	for _, want := range []string{
		"--max-file-size size the most one rendered file may hold; a golden path rendering more is refused (0: no limit) (default 64MiB)",
		"--max-render-size size the most the whole rendered service may hold, and apart from it the values its expressions build; a golden path rendering or building more is refused (0: no limit) (default 256MiB)",
		"--render-timeout duration the longest a render may take; a golden path rendering for longer is refused (0: no limit) (default 30s)",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("help lacks %q:\n%s", want, got)
		}
	}
}

// TestRenderFlagsEverywhere: every command that renders a golden path takes the flags, from the
// command line, IDP_* and the config file, and a bad value is a usage error naming its origin.
func TestRenderFlagsEverywhere(t *testing.T) {
	for _, args := range [][]string{{"new", "service"}, {"update"}, {"diff"}, {"fleet", "update", "--repos", "x"}} {
		r := run(t, nil, nil, append(args, "--max-render-size", "12XB")...)
		if r.code != ExitUsage || !strings.Contains(r.stderr, `idp: invalid argument "12XB" for "--max-render-size" flag: want a size such as 512MiB, 2GB or 1048576 (0: no limit)`+"\n") {
			t.Errorf("%q: exit %d, stderr %q", args, r.code, r.stderr)
		}
	}
	r := run(t, map[string]string{"IDP_RENDER_TIMEOUT": "soon"}, nil, "diff")
	if want := `idp: IDP_RENDER_TIMEOUT: render-timeout: "soon": want a duration such as 30s, 2m or 1h30m (0: no limit)` + "\n"; r.code != ExitUsage || !strings.HasPrefix(r.stderr, want) {
		t.Errorf("IDP_RENDER_TIMEOUT=soon: exit %d, stderr %q, want %q", r.code, r.stderr, want)
	}
	cfg := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(cfg, []byte("max-file-size: 12 apples\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r = run(t, nil, nil, "new", "service", "--config", cfg)
	if want := `idp: config file ` + cfg + `:1: max-file-size: "12 apples": want a size such as 512MiB, 2GB or 1048576 (0: no limit)` + "\n"; r.code != ExitUsage || !strings.HasPrefix(r.stderr, want) {
		t.Errorf("config max-file-size: exit %d, stderr %q, want %q", r.code, r.stderr, want)
	}
}

// TestRenderLimitFromConfig: a size in the config file reaches the render, and the error names
// the flags that move it.
func TestRenderLimitFromConfig(t *testing.T) {
	dir := t.TempDir()
	golden := filepath.Join(dir, "golden", "big")
	for name, data := range map[string]string{
		"template.yaml":    "apiVersion: idp/v1\nkind: Template\ntype: service\nparameters:\n  - name: name\n    required: true\n",
		"skeleton/big.txt": `{{ repeat 2000 "x" }}`,
	} {
		p := filepath.Join(golden, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cfg := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(cfg, []byte("max-file-size: 1KiB\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{"new", "service", "svc", "--source", filepath.Join(dir, "golden"), "--dry-run", "--no-input", "--config", cfg}
	r := run(t, nil, nil, args...)
	want := "idp: render big: skeleton/big.txt: renders more than 1 KiB, the most one file may hold; look for a range, until or repeat that produces too much (--max-file-size and --max-render-size raise the limits, 0 lifts them)\n"
	if r.code != ExitError || r.stderr != want {
		t.Errorf("exit %d, stderr %q; want 1, %q", r.code, r.stderr, want)
	}
	// The command line wins over the config file.
	if r := run(t, nil, nil, append(args, "--max-file-size", "2KB")...); r.code != ExitOK {
		t.Errorf("--max-file-size 2KB: exit %d, stderr %q", r.code, r.stderr)
	}
}
