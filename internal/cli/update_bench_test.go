package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const benchTemplate = "apiVersion: idp/v1\nkind: Template\ntype: service\nparameters:\n  - name: name\n    required: true\n"

// benchFile is a 40-line file; version v changes its line 5, local edits its line 35.
func benchFile(i int, v string, local bool) string {
	var b strings.Builder
	for l := 0; l < 40; l++ {
		switch {
		case l == 5 && v != "":
			fmt.Fprintf(&b, "line %d of file %d, %s\n", l, i, v)
		case l == 35 && local:
			fmt.Fprintf(&b, "line %d of file %d, edited here\n", l, i)
		default:
			fmt.Fprintf(&b, "line %d of file %d for {{ .name }}\n", l, i)
		}
	}
	return b.String()
}

// updateFixture makes a 200-file golden path at v1.0.0 and v1.1.0 (20 files changed), and a
// service made from v1.0.0 with 10 local edits committed, 5 of them in files v1.1.0 changes.
func updateFixture(b *testing.B) (src, svc string, env map[string]string) {
	root := b.TempDir()
	src = filepath.Join(root, "src")
	write := func(v string) {
		for i := 0; i < 200; i++ {
			p := filepath.Join(src, "svc", "skeleton", fmt.Sprintf("d%d", i%10), fmt.Sprintf("f%03d.txt", i))
			os.MkdirAll(filepath.Dir(p), 0o755)
			ver := ""
			if v != "" && i%10 == 0 {
				ver = v
			}
			os.WriteFile(p, []byte(benchFile(i, ver, false)), 0o644)
		}
	}
	os.MkdirAll(filepath.Join(src, "svc"), 0o755)
	os.WriteFile(filepath.Join(src, "svc", "template.yaml"), []byte(benchTemplate), 0o644)
	write("")
	gitIn(b, src, "init", "-q", "-b", "main")
	gitIn(b, src, "add", "-A")
	gitIn(b, src, "commit", "-q", "-m", "v1")
	gitIn(b, src, "tag", "v1.0.0")
	env = map[string]string{"HOME": filepath.Join(root, "home"), "IDP_GIT_AUTHOR_NAME": "b", "IDP_GIT_AUTHOR_EMAIL": "b@x"}
	svc = filepath.Join(root, "svc")
	idpRun(b, env, "new", "service", "svc", "-s", "file://"+src, "--no-input", "-o", svc)
	for i := 0; i < 200; i += 20 { // 10 edits; files 0, 20, ... are also changed by v1.1.0
		p := filepath.Join(svc, fmt.Sprintf("d%d", i%10), fmt.Sprintf("f%03d.txt", i))
		os.WriteFile(p, []byte(strings.ReplaceAll(benchFile(i, "", true), "{{ .name }}", "svc")), 0o644)
	}
	gitIn(b, svc, "add", "-A")
	gitIn(b, svc, "commit", "-q", "-m", "local")
	write("v2")
	gitIn(b, src, "add", "-A")
	gitIn(b, src, "commit", "-q", "-m", "v2")
	gitIn(b, src, "tag", "v1.1.0")
	return src, svc, env
}

// BenchmarkUpdate is `idp update` of a 200-file service from v1.0.0 to v1.1.0: 20 files changed
// by the golden path, 10 edited here, 10 of those merged line by line. The source is warm.
func BenchmarkUpdate(b *testing.B) {
	_, svc, env := updateFixture(b)
	idpRun(b, env, "check", "--dir", svc, "--to", "v1.0.0") // warm the cache
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		gitIn(b, svc, "reset", "-q", "--hard")
		gitIn(b, svc, "clean", "-q", "-fd")
		b.StartTimer()
		idpRun(b, env, "update", "--no-input", "--dir", svc)
	}
}

// BenchmarkCheck is `idp check` on the same service: tags only, nothing rendered.
func BenchmarkCheck(b *testing.B) {
	_, svc, env := updateFixture(b)
	idpRun(b, env, "check", "--dir", svc, "--to", "v1.0.0") // warm the cache
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		idpRunCode(b, env, ExitBehind, "check", "--dir", svc)
	}
}

// BenchmarkGitMergeBaseline is git's own three-way merge of the same change: the service's
// history with a branch holding the golden path's v1.1.0 rendering, merged without a commit.
func BenchmarkGitMergeBaseline(b *testing.B) {
	_, svc, _ := updateFixture(b)
	gitIn(b, svc, "checkout", "-q", "-b", "template", "HEAD~1")
	for i := 0; i < 200; i += 10 {
		p := filepath.Join(svc, fmt.Sprintf("d%d", i%10), fmt.Sprintf("f%03d.txt", i))
		os.WriteFile(p, []byte(strings.ReplaceAll(benchFile(i, "v2", false), "{{ .name }}", "svc")), 0o644)
	}
	gitIn(b, svc, "commit", "-q", "-am", "template v1.1.0")
	gitIn(b, svc, "checkout", "-q", "main")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		gitIn(b, svc, "merge", "-q", "--no-commit", "--no-ff", "template")
		b.StopTimer()
		gitIn(b, svc, "merge", "--abort")
		b.StartTimer()
	}
}
