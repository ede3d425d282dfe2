package main

import (
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestFleetUpdateInterrupted sends Ctrl-C (SIGINT) to idp fleet update while it clones the
// second of four repositories from a server that never answers: idp ends with "cancelled" and
// exit status 2, as idp update does; the first repository's row stands, the second is
// cancelled, and the two never reached are listed as not started, with how to finish.
func TestFleetUpdateInterrupted(t *testing.T) {
	work := t.TempDir()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	idp := filepath.Join(work, "idp") // this test binary, run as idp (TestMain)
	if err := os.Symlink(exe, idp); err != nil {
		t.Fatal(err)
	}
	env := append(os.Environ(), "HOME="+filepath.Join(work, "home"), "XDG_CONFIG_HOME="+filepath.Join(work, "config"),
		"XDG_CACHE_HOME="+filepath.Join(work, "cache"), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com",
		"GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com", "IDP_GIT_AUTHOR_NAME=t", "IDP_GIT_AUTHOR_EMAIL=t@example.com",
		"GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL="+os.DevNull, "CI=", "IDP_NO_INPUT=1")
	run := func(name string, args ...string) *exec.Cmd {
		cmd := exec.Command(name, args...)
		cmd.Dir, cmd.Env = work, env
		return cmd
	}
	must := func(name string, args ...string) {
		t.Helper()
		if out, err := run(name, args...).CombinedOutput(); err != nil {
			t.Fatalf("%s %v: %v\n%s", name, args, err, out)
		}
	}
	src := filepath.Join(work, "src")
	os.MkdirAll(filepath.Join(src, "svc", "skeleton"), 0o755)
	os.WriteFile(filepath.Join(src, "svc", "template.yaml"), []byte("apiVersion: idp/v1\nkind: Template\ntype: service\nparameters:\n  - name: name\n    required: true\n"), 0o644)
	os.WriteFile(filepath.Join(src, "svc", "skeleton", "app.yaml"), []byte("name: {{ .name }}\n"), 0o644)
	must("git", "init", "-q", "-b", "main", src)
	must("git", "-C", src, "add", "-A")
	must("git", "-C", src, "commit", "-q", "-m", "v1")
	must("git", "-C", src, "tag", "v1.0.0")
	for _, name := range []string{"a", "c", "d"} {
		must("git", "init", "-q", "--bare", "-b", "main", name+".git")
		must(idp, "new", "service", name, "--source", "file://"+src, "--remote", "file://"+filepath.Join(work, name+".git"))
	}
	os.WriteFile(filepath.Join(src, "svc", "skeleton", "app.yaml"), []byte("name: {{ .name }}\nprobe: /\n"), 0o644)
	must("git", "-C", src, "commit", "-q", "-am", "v1.1")
	must("git", "-C", src, "tag", "v1.1.0")

	// A git server that takes the connection and never answers: the clone waits until Ctrl-C.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	accepted := make(chan net.Conn, 4)
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			accepted <- c
		}
	}()
	hang := "http://" + l.Addr().String() + "/b.git"
	os.WriteFile(filepath.Join(work, "repos.txt"), []byte("a.git\n"+hang+"\nc.git\nd.git\n"), 0o644)

	for _, output := range []string{"text", "json"} {
		t.Run(output, func(t *testing.T) {
			results := filepath.Join(work, "results-"+output+".jsonl")
			cmd := run(idp, "fleet", "update", "--repos", "repos.txt", "--jobs", "1", "--results", results, "--output", output)
			var stdout, stderr strings.Builder
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			select {
			case c := <-accepted:
				defer c.Close()
			case <-time.After(60 * time.Second):
				cmd.Process.Kill()
				cmd.Wait()
				t.Fatalf("idp never reached the second repository\n%s%s", stdout.String(), stderr.String())
			}
			if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
				t.Fatal(err)
			}
			err := cmd.Wait()
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != 2 {
				t.Errorf("exit: %v, want exit status 2", err)
			}
			if got := stderr.String(); got != "idp: cancelled\n" {
				t.Errorf("stderr:\n%s\nwant idp: cancelled", got)
			}
			got := stdout.String()
			if output == "text" { // the columns' widths depend on the server's port: compare cells
				got = regexp.MustCompile(` {2,}`).ReplaceAllString(strings.ReplaceAll(got, hang, "HANG"), " | ")
			}
			want := map[string]string{
				"text": `REPOSITORY | GOLDEN PATH | FROM | TO | RESULT | PULL REQUEST
a.git | svc | v1.0.0 | v1.1.0 | updated | -
HANG | failed: cancelled
c.git | not started | -
d.git | not started | -

1 updated, 0 unchanged, 0 with conflicts, 0 needing input, 1 failed, 2 not started.
Cancelled before every repository was done: run the same command again to finish; with --results FILE, --resume FILE skips the repositories done.
`,
				"json": `"notStarted": [
    "c.git",
    "d.git"
  ]`,
			}[output]
			if output == "json" {
				if !strings.Contains(got, want) || !strings.Contains(got, `"cancelled": true`) || !strings.Contains(got, `"error": "cancelled"`) {
					t.Errorf("stdout:\n%s\nwant it to hold %s, \"cancelled\": true and \"error\": \"cancelled\"", got, want)
				}
			} else if got != want {
				t.Errorf("stdout:\n%s\nwant:\n%s", got, want)
			}
			// The results file: the first done, the second failed (so that --resume does it again).
			data, _ := os.ReadFile(results)
			lines := strings.Split(strings.TrimSpace(string(data)), "\n")
			if len(lines) != 2 || !strings.Contains(lines[0], `"repo":"a.git"`) || !strings.Contains(lines[1], `"result":"failed"`) || !strings.Contains(lines[1], `"error":"cancelled"`) {
				t.Errorf("results:\n%s", data)
			}
		})
	}
}
