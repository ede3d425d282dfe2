package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
)

// BenchmarkStartup runs `idp version` from the binary, against a Go hello world: what every
// command pays before it does anything (the runtime, every package's initialisation, the
// command tree, the config). Both are built here as a release builds idp (CGO_ENABLED=0,
// -trimpath, -ldflags "-s -w -X ..."). minor-faults/op is the process's minor page faults.
// scripts/bench.sh reports the ratio against its goal from a shell loop; this one is for
// comparing two trees with benchstat.
func BenchmarkStartup(b *testing.B) {
	dir := b.TempDir()
	ldflags := "-s -w -X main.version=bench -X main.commit=bench -X main.date=2026-01-01T00:00:00Z"
	build := func(wd, out, pkg string) {
		b.Helper()
		cmd := exec.Command("go", "build", "-trimpath", "-ldflags", ldflags, "-o", out, pkg)
		cmd.Dir = wd
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("go build %s: %v\n%s", pkg, err, out)
		}
	}
	idp := filepath.Join(dir, "idp")
	build(".", idp, "github.com/idp-cli/idp/cmd/idp")
	hello := filepath.Join(dir, "hello")
	os.Mkdir(hello, 0o755)
	os.WriteFile(filepath.Join(hello, "go.mod"), []byte("module hello\n"), 0o644)
	os.WriteFile(filepath.Join(hello, "main.go"), []byte("package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"hello, world\") }\n"), 0o644)
	build(hello, filepath.Join(dir, "hello-world"), ".")

	// A config file or IDP_* settings of the machine's user must not change what is measured.
	env := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir, "XDG_CONFIG_HOME=" + filepath.Join(dir, "config")}
	for _, bc := range []struct{ name, bin string }{
		{"idp-version", idp},
		{"hello-world", filepath.Join(dir, "hello-world")},
	} {
		b.Run(bc.name, func(b *testing.B) {
			var faults int64
			for b.Loop() {
				cmd := exec.Command(bc.bin, "version")
				cmd.Env = env
				if out, err := cmd.CombinedOutput(); err != nil {
					b.Fatalf("%s version: %v\n%s", bc.bin, err, out)
				}
				if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
					faults += ru.Minflt
				}
			}
			b.ReportMetric(float64(faults)/float64(b.N), "minor-faults/op")
		})
	}
}
