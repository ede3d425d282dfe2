package cli

import (
	"bytes"
	"cmp"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"
)

// decode turns a corpus file's text into bytes: "BINARY:" makes it start with a NUL byte,
// "CRLF:" gives it CRLF line ends, "NOEOL:" drops the final newline.
func decode(data []byte) []byte {
	for {
		switch {
		case bytes.HasPrefix(data, []byte("BINARY:")):
			data = append([]byte{0}, data[len("BINARY:"):]...)
		case bytes.HasPrefix(data, []byte("CRLF:")):
			data = bytes.ReplaceAll(data[len("CRLF:"):], []byte("\n"), []byte("\r\n"))
		case bytes.HasPrefix(data, []byte("NOEOL:")):
			data = bytes.TrimSuffix(bytes.TrimSuffix(data[len("NOEOL:"):], []byte("\n")), []byte("\r"))
		default:
			return data
		}
	}
}

// TestUpdateCorpus runs each scenario in testdata/update: a golden path in up to three tagged
// versions (v1/ -> v1.0.0, v2/ -> v1.1.0, v3/ -> v1.2.0), a service made from v1 with the
// edits in local/ (and local-rm, local-mode, local-answers for .idp.yaml) committed, and
// local-dirty files left uncommitted, then `idp update`; it asserts the exit
// code, stdout and stderr when given, the exact set of files in want/ with their modes
// (want-mode), and lines of .idp.yaml (want-idp). An add-on golden path named addon may come
// in the same versions (a1/, a2/, a3/; a version without one keeps the one before); the
// service gets it with the add section's command (idp add addon --no-input) before its local
// edits. local-ignore lists globs for .idp.yaml's ignore; want-idp-not, lines it must not have.
func TestUpdateCorpus(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("..", "..", "testdata", "update", "*.txtar"))
	if len(files) < 25 {
		t.Fatalf("the corpus has %d scenarios; it should have at least 25", len(files))
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			runScenario(t, ar)
		})
	}
}

func runScenario(t *testing.T, ar *txtar.Archive) {
	sections := map[string]string{}
	versions := map[int]map[string][]byte{}
	addon := map[int]map[string][]byte{}
	local := map[string][]byte{}
	want := map[string][]byte{}
	for _, f := range ar.Files {
		switch {
		case strings.HasPrefix(f.Name, "local/"):
			local[strings.TrimPrefix(f.Name, "local/")] = decode(f.Data)
		case strings.HasPrefix(f.Name, "want/"):
			want[strings.TrimPrefix(f.Name, "want/")] = decode(f.Data)
		case len(f.Name) > 3 && f.Name[0] == 'v' && f.Name[2] == '/':
			n := int(f.Name[1] - '0')
			if versions[n] == nil {
				versions[n] = map[string][]byte{}
			}
			versions[n][f.Name[3:]] = decode(f.Data)
		case len(f.Name) > 3 && f.Name[0] == 'a' && f.Name[2] == '/':
			n := int(f.Name[1] - '0')
			if addon[n] == nil {
				addon[n] = map[string][]byte{}
			}
			addon[n][f.Name[3:]] = decode(f.Data)
		default:
			sections[f.Name] = strings.TrimSpace(string(f.Data))
		}
	}
	root := t.TempDir()
	src := filepath.Join(root, "src")
	os.MkdirAll(src, 0o755)
	gitIn(t, src, "init", "-q", "-b", "main")
	writeVersion := func(n int) {
		if versions[n] != nil || n == 1 {
			os.RemoveAll(filepath.Join(src, "svc"))
		}
		for p, data := range versions[n] {
			full := filepath.Join(src, "svc", p)
			os.MkdirAll(filepath.Dir(full), 0o755)
			mode := fs.FileMode(0o644)
			if strings.HasSuffix(p, ".sh") {
				mode = 0o755
			}
			os.WriteFile(full, data, mode)
		}
		for _, line := range lines(sections[fmt.Sprintf("v%d-link", n)]) {
			f := strings.Fields(line) // path target
			full := filepath.Join(src, "svc", f[0])
			os.MkdirAll(filepath.Dir(full), 0o755)
			os.Symlink(f[1], full)
		}
		for _, line := range lines(sections[fmt.Sprintf("v%d-mode", n)]) {
			f := strings.Fields(line)
			m, _ := strconv.ParseUint(f[1], 8, 32)
			os.Chmod(filepath.Join(src, "svc", f[0]), fs.FileMode(m))
		}
		if addon[n] != nil {
			os.RemoveAll(filepath.Join(src, "addon"))
			for p, data := range addon[n] {
				full := filepath.Join(src, "addon", p)
				os.MkdirAll(filepath.Dir(full), 0o755)
				os.WriteFile(full, data, 0o644)
			}
		}
		gitIn(t, src, "add", "-A")
		gitIn(t, src, "commit", "-q", "--allow-empty", "-m", fmt.Sprint("v", n))
		gitIn(t, src, "tag", fmt.Sprintf("v1.%d.0", n-1))
	}
	writeVersion(1)
	env := map[string]string{"HOME": filepath.Join(root, "home"), "IDP_GIT_AUTHOR_NAME": "t", "IDP_GIT_AUTHOR_EMAIL": "t@x"}
	if cfg, ok := sections["config"]; ok {
		os.MkdirAll(filepath.Join(env["HOME"], ".config", "idp"), 0o755)
		os.WriteFile(filepath.Join(env["HOME"], ".config", "idp", "config.yaml"), []byte(strings.ReplaceAll(cfg, "$SRC", src)+"\n"), 0o644)
	}
	svc := filepath.Join(root, "svc")
	newArgs := strings.Fields(cmp.Or(sections["new"], "new service svc --no-input"))
	r := run(t, env, nil, append(newArgs, "-s", "file://"+src, "--version", "v1.0.0", "-o", svc)...)
	if r.code != 0 {
		t.Fatalf("idp new: %+v", r)
	}
	if addon[1] != nil {
		if r := run(t, env, nil, append(strings.Fields(cmp.Or(sections["add"], "add addon --no-input")), "--dir", svc)...); r.code != 0 {
			t.Fatalf("idp add: %+v", r)
		}
	}
	for p, data := range local {
		full := filepath.Join(svc, p)
		os.MkdirAll(filepath.Dir(full), 0o755)
		os.WriteFile(full, data, 0o644)
	}
	for _, p := range strings.Fields(sections["local-rm"]) {
		if err := os.RemoveAll(filepath.Join(svc, p)); err != nil {
			t.Fatal(err)
		}
	}
	for _, line := range lines(sections["local-link"]) {
		f := strings.Fields(line) // path target
		full := filepath.Join(svc, f[0])
		os.MkdirAll(filepath.Dir(full), 0o755)
		if err := os.Symlink(f[1], full); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range strings.Fields(sections["local-mkdir"]) {
		if err := os.MkdirAll(filepath.Join(svc, p), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, line := range lines(sections["local-mode"]) {
		f := strings.Fields(line)
		m, _ := strconv.ParseUint(f[1], 8, 32)
		os.Chmod(filepath.Join(svc, f[0]), fs.FileMode(m))
	}
	if edits := lines(sections["local-answers"]); len(edits) > 0 {
		// The owner edits answers in .idp.yaml, as its header invites.
		prov, _ := os.ReadFile(filepath.Join(svc, ".idp.yaml"))
		for _, kv := range edits {
			k, v, _ := strings.Cut(kv, "=")
			re := regexp.MustCompile(`(?m)^  ` + regexp.QuoteMeta(k) + `: .*$`)
			if !re.Match(prov) {
				prov = append(prov, []byte("  "+k+": "+v+"\n")...)
			}
			prov = re.ReplaceAll(prov, []byte("  "+k+": "+v))
		}
		os.WriteFile(filepath.Join(svc, ".idp.yaml"), prov, 0o644)
	}
	if globs := lines(sections["local-ignore"]); len(globs) > 0 {
		prov, _ := os.ReadFile(filepath.Join(svc, ".idp.yaml"))
		prov = append(prov, "ignore:\n"...)
		for _, g := range globs {
			prov = append(prov, "  - '"+g+"'\n"...)
		}
		os.WriteFile(filepath.Join(svc, ".idp.yaml"), prov, 0o644)
	}
	gitIn(t, svc, "add", "-A")
	gitIn(t, svc, "commit", "-q", "--allow-empty", "-m", "local edits")
	for _, p := range strings.Fields(sections["local-dirty"]) {
		os.WriteFile(filepath.Join(svc, p), []byte("uncommitted\n"), 0o644)
	}
	for n := 2; versions[n] != nil || addon[n] != nil; n++ {
		writeVersion(n)
	}

	args := strings.Fields(cmp.Or(sections["args"], "update --no-input"))
	r = run(t, env, nil, append(args, "--dir", svc)...)
	wantExit, _ := strconv.Atoi(cmp.Or(sections["exit"], "0"))
	if r.code != wantExit {
		t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", r.code, wantExit, r.stdout, r.stderr)
	}
	if w, ok := sections["stdout"]; ok {
		got := strings.ReplaceAll(strings.TrimSpace(r.stdout), svc, "SVC")
		if got != w {
			t.Errorf("stdout:\n%s\nwant:\n%s", got, w)
		}
	}
	if w, ok := sections["stderr"]; ok {
		got := strings.ReplaceAll(strings.TrimSpace(r.stderr), svc, "SVC")
		if got != w {
			t.Errorf("stderr:\n%s\nwant:\n%s", got, w)
		}
	}
	got := map[string][]byte{}
	modes := map[string]fs.FileMode{}
	filepath.WalkDir(svc, func(p string, d fs.DirEntry, err error) error {
		rel, _ := filepath.Rel(svc, p)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if rel == ".git" {
				return filepath.SkipDir
			}
			return nil
		}
		if rel == ".idp.yaml" && want[".idp.yaml"] == nil {
			return nil
		}
		info, _ := d.Info()
		if d.Type()&fs.ModeSymlink != 0 {
			target, _ := os.Readlink(p)
			got[rel] = []byte("-> " + target + "\n")
		} else {
			got[rel], _ = os.ReadFile(p)
		}
		modes[rel] = info.Mode()
		return nil
	})
	for _, p := range sortedPaths(want, got) {
		w, wok := want[p]
		g, gok := got[p]
		switch {
		case !gok:
			t.Errorf("%s: missing", p)
		case !wok:
			t.Errorf("%s: not expected; it holds:\n%s", p, g)
		case !bytes.Equal(w, g):
			t.Errorf("%s:\n%q\nwant:\n%q", p, g, w)
		}
	}
	for _, line := range lines(sections["want-mode"]) {
		f := strings.Fields(line)
		if m := fmt.Sprintf("%04o", modes[f[0]].Perm()); m != f[1] {
			t.Errorf("%s: mode %s, want %s", f[0], m, f[1])
		}
	}
	prov, _ := os.ReadFile(filepath.Join(svc, ".idp.yaml"))
	for _, line := range lines(sections["want-idp"]) {
		if !strings.Contains(string(prov), line+"\n") {
			t.Errorf(".idp.yaml lacks %q:\n%s", line, prov)
		}
	}
	for _, line := range lines(sections["want-idp-not"]) {
		if strings.Contains(string(prov), line+"\n") {
			t.Errorf(".idp.yaml has %q:\n%s", line, prov)
		}
	}
	if strings.Contains(sections["args"], "--dry-run") || wantExit == 2 {
		return
	}
	if b, _ := os.ReadFile(filepath.Join(svc, ".idp.yaml")); wantExit != 1 && !strings.Contains(string(b), "version: v1.") {
		t.Errorf(".idp.yaml:\n%s", b)
	}
}

func lines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

func sortedPaths(maps ...map[string][]byte) []string {
	seen := map[string]bool{}
	var out []string
	for _, m := range maps {
		for k := range m {
			if !seen[k] {
				seen[k] = true
				out = append(out, k)
			}
		}
	}
	sort.Strings(out)
	return out
}

// TestUpdateInMonorepo: a service in a subdirectory of a larger repository is updated with
// --dir; changes elsewhere in the repository do not block it, changes in it do.
func TestUpdateInMonorepo(t *testing.T) {
	src := filepath.Join(t.TempDir(), "src")
	os.MkdirAll(filepath.Join(src, "svc", "skeleton"), 0o755)
	os.WriteFile(filepath.Join(src, "svc", "template.yaml"), []byte("apiVersion: idp/v1\nkind: Template\ntype: service\nparameters:\n  - name: name\n    required: true\n"), 0o644)
	os.WriteFile(filepath.Join(src, "svc", "skeleton", "a.txt"), []byte("a\n"), 0o644)
	gitIn(t, src, "init", "-q", "-b", "main")
	gitIn(t, src, "add", "-A")
	gitIn(t, src, "commit", "-q", "-m", "v1")
	gitIn(t, src, "tag", "v1.0.0")
	env := map[string]string{"HOME": t.TempDir()}
	mono := t.TempDir()
	svc := filepath.Join(mono, "services", "pay")
	if r := run(t, env, nil, "new", "service", "pay", "-s", "file://"+src, "-o", svc); r.code != 0 {
		t.Fatalf("%+v", r)
	}
	os.RemoveAll(filepath.Join(svc, ".git"))
	os.WriteFile(filepath.Join(mono, "other.txt"), []byte("x\n"), 0o644)
	gitIn(t, mono, "init", "-q", "-b", "main")
	gitIn(t, mono, "add", "-A")
	gitIn(t, mono, "commit", "-q", "-m", "monorepo")
	os.WriteFile(filepath.Join(src, "svc", "skeleton", "a.txt"), []byte("A\n"), 0o644)
	gitIn(t, src, "commit", "-q", "-am", "v2")
	gitIn(t, src, "tag", "v1.1.0")

	os.WriteFile(filepath.Join(mono, "other.txt"), []byte("changed elsewhere\n"), 0o644)
	r := run(t, env, nil, "update", "--dir", svc)
	if r.code != 0 || !strings.Contains(r.stdout, "  updated   a.txt\n") {
		t.Fatalf("monorepo update: %+v", r)
	}
	if b, _ := os.ReadFile(filepath.Join(svc, "a.txt")); string(b) != "A\n" {
		t.Errorf("a.txt = %q", b)
	}
	if b, _ := os.ReadFile(filepath.Join(mono, "other.txt")); string(b) != "changed elsewhere\n" {
		t.Errorf("the update touched the rest of the repository: %q", b)
	}
	r = run(t, env, nil, "update", "--dir", svc)
	if r.code != 1 || !strings.Contains(r.stderr, "the service has uncommitted changes (M .idp.yaml, M a.txt)") {
		t.Errorf("dirty service in a monorepo: %+v", r)
	}
}
