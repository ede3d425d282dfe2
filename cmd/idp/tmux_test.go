package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestPromptsInATerminal drives the real idp (this test binary, run as idp) in a real terminal,
// tmux, in both prompt modes: what a person at the keyboard, or a screen reader, gets. Skipped
// with -short or without tmux.
func TestPromptsInATerminal(t *testing.T) {
	if testing.Short() {
		t.Skip("drives a terminal")
	}
	tmux, err := exec.LookPath("tmux")
	if err != nil {
		t.Skip("tmux is not installed")
	}
	idp, err := exec.LookPath("idp") // put on PATH by testscript.RunMain in TestMain
	if err != nil {
		t.Fatal(err)
	}
	work := t.TempDir()
	write := func(name, data string) {
		t.Helper()
		p := filepath.Join(work, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("gp/svc/template.yaml", `apiVersion: idp/v1
kind: Template
type: service
parameters:
  - name: name
    title: Service name
    help: Lowercase letters, digits and dashes.
    required: true
    pattern: '^[a-z][a-z0-9-]{1,38}$'
  - name: token
    title: Registry token
    secret: true
  - name: database
    type: select
    options: [none, postgres]
  - name: envs
    type: multiselect
    required: true
    options: [dev, staging, prod]
`)
	write("gp/svc/skeleton/README.md", "{{ .name }} {{ .envs }}\n")
	write("taken/keep.txt", "mine\n")

	sock := filepath.Join(t.TempDir(), "s")
	t.Cleanup(func() { exec.Command(tmux, "-S", sock, "kill-server").Run() })
	env := "env -u CI HOME=" + work + " XDG_CONFIG_HOME=" + work + "/.config IDP_GIT_AUTHOR_NAME=T IDP_GIT_AUTHOR_EMAIL=t@example.com GIT_CONFIG_NOSYSTEM=1 "
	n := 0
	start := func(t *testing.T, term, args string) *screen {
		n++
		s := &screen{t: t, tmux: tmux, sock: sock, name: "s" + string(rune('0'+n))}
		cmd := "cd " + work + " && " + env + "TERM=" + term + " " + idp + " " + args + "; echo EXIT=$?; sleep 600"
		if out, err := exec.Command(tmux, "-S", sock, "new-session", "-d", "-x", "120", "-y", "40", "-s", s.name, cmd).CombinedOutput(); err != nil {
			t.Fatalf("tmux: %v %s", err, out)
		}
		return s
	}

	t.Run("full-screen", func(t *testing.T) {
		s := start(t, "xterm-256color", "new service -s gp")
		s.waitFor("Service name *")
		s.keys("taken", "Enter")
		s.waitFor("./taken already exists and is not empty; choose another name, remove it, or give --output-dir")
		s.keys("BSpace", "BSpace", "BSpace", "BSpace", "BSpace", "api", "Enter")
		s.waitFor("Registry token")
		s.keys("s3cret", "Enter")
		s.waitFor("postgres")
		s.keys("Enter")
		s.waitFor("x toggle") // the keys' help, not an error, before anything is done
		s.keys("Enter")
		if got := s.waitFor("✗ an answer is required"); strings.Contains(got, "* *") {
			t.Errorf("a second * after an error:\n%s", got)
		}
		s.keys("x", "Enter")
		s.waitFor("Create ./api?", "Registry token: ********", "idp new service api --template svc --source gp --set 'token=********' --set envs=dev --no-input")
		s.keys("C-c")
		got := s.waitFor("EXIT=2")
		if !strings.Contains(got, "idp: cancelled") || strings.Contains(got, "s3cret") {
			t.Errorf("after Ctrl-C:\n%s", got)
		}
		if _, err := os.Stat(filepath.Join(work, "api")); err == nil {
			t.Error("cancelled, yet ./api was written")
		}
	})

	t.Run("accessible", func(t *testing.T) {
		s := start(t, "dumb", "new service -s gp")
		s.waitFor("Service name (required) (Lowercase letters, digits and dashes):")
		s.keys("Bad Name", "Enter")
		s.waitFor(`"Bad Name" is not valid: Lowercase letters, digits and dashes`)
		s.keys("taken", "Enter")
		s.waitFor("./taken already exists and is not empty")
		s.keys("api", "Enter")
		s.waitFor("Registry token:")
		s.keys("s3cret", "Enter") // read without echo
		s.waitFor("Enter a number between 1 and 2")
		s.keys("C-c") // cancels at once: the next thing typed is not an answer
		got := s.waitFor("EXIT=2")
		for _, bad := range []string{"s3cret", "*", "^[a-z]"} {
			if strings.Contains(got, bad) {
				t.Errorf("the screen shows %q:\n%s", bad, got)
			}
		}
		if !strings.Contains(got, "^C\nidp: cancelled\n") {
			t.Errorf("after Ctrl-C:\n%s", got)
		}
		if _, err := os.Stat(filepath.Join(work, "api")); err == nil {
			t.Error("cancelled, yet ./api was written")
		}
	})

	t.Run("accessible review", func(t *testing.T) {
		s := start(t, "xterm-256color", "new service -s gp --accessible")
		s.waitFor("Service name (required)")
		for _, line := range []string{"api", "s3cret", "2", "3", "0"} {
			s.keys(line, "Enter")
		}
		s.waitFor("Service name: api\nRegistry token: ********\ndatabase: postgres\nenvs: prod\n",
			"The same without prompts:\n  idp new service api --template svc --source gp --set 'token=********' --set database=postgres --set envs=prod --no-input",
			"Create ./api? [Y/n]")
		s.keys("Enter")
		s.waitFor("Created api from svc", "EXIT=0")
		if b, err := os.ReadFile(filepath.Join(work, "api", "README.md")); err != nil || string(b) != "api [prod]\n" {
			t.Errorf("README.md = %q, %v", b, err)
		}
	})

	// A golden path whose v1.1.0 adds a parameter; the service is on v1.0.0.
	git := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir = filepath.Join(work, "gsrc")
		cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "HOME="+work, "GIT_AUTHOR_NAME=T", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=T", "GIT_COMMITTER_EMAIL=t@example.com")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v %s", args, err, out)
		}
	}
	write("gsrc/svc/template.yaml", "apiVersion: idp/v1\nkind: Template\ntype: service\nparameters:\n  - name: name\n    required: true\n")
	write("gsrc/svc/skeleton/app.yaml", "name: {{ .name }}\n")
	git("init", "-q", "-b", "main")
	git("add", "-A")
	git("commit", "-q", "-m", "v1")
	git("tag", "v1.0.0")
	write("gsrc/svc/template.yaml", "apiVersion: idp/v1\nkind: Template\ntype: service\nparameters:\n  - name: name\n    required: true\n  - name: port\n    title: HTTP port\n    type: int\n    default: 8080\n")
	write("gsrc/svc/skeleton/app.yaml", "name: {{ .name }}\nport: {{ .port }}\n")
	git("commit", "-q", "-am", "v1.1")
	git("tag", "v1.1.0")
	write("gsrc/svc/skeleton/README.md", "# {{ .name }}\n")
	git("add", "-A")
	git("commit", "-q", "-m", "v1.2")
	git("tag", "v1.2.0")
	s := start(t, "dumb", "new service svcu -s gsrc --version v1.0.0 --no-input")
	s.waitFor("EXIT=0")

	t.Run("update", func(t *testing.T) {
		// A preview asks nothing, in a terminal too, and says what it took.
		s := start(t, "xterm-256color", "update --dir svcu --dry-run")
		s.waitFor("idp: port is new in v1.1.0; this preview asks nothing and takes its default, 8080; idp update asks for it in a terminal, or give --set port=VALUE", "EXIT=0")
		s = start(t, "xterm-256color", "update --dir svcu")
		s.waitFor("HTTP port (new in v1.1.0)")
		s.keys("C-c")
		s.waitFor("idp: cancelled", "EXIT=2")
		s = start(t, "dumb", "update --dir svcu")
		s.waitFor("HTTP port (new in v1.1.0) [8080]:")
		s.keys("9000", "Enter")
		s.waitFor("New answers: port=9000", "EXIT=0")
		if b, _ := os.ReadFile(filepath.Join(work, "svcu", "app.yaml")); string(b) != "name: svcu\nport: 9000\n" {
			t.Errorf("app.yaml = %q", b)
		}
	})
}

// screen is one tmux session running idp.
type screen struct {
	t                *testing.T
	tmux, sock, name string
}

func (s *screen) keys(keys ...string) {
	s.t.Helper()
	for _, k := range keys {
		args := []string{"-S", s.sock, "send-keys", "-t", s.name}
		switch k {
		case "Enter", "BSpace", "C-c":
		default:
			args = append(args, "-l") // text, not a key name
		}
		if out, err := exec.Command(s.tmux, append(args, k)...).CombinedOutput(); err != nil {
			s.t.Fatalf("tmux send-keys %q: %v %s", k, err, out)
		}
	}
}

// waitFor waits until the screen (with its scrollback) shows every one of want, and returns it.
func (s *screen) waitFor(want ...string) string {
	s.t.Helper()
	var got string
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		out, err := exec.Command(s.tmux, "-S", s.sock, "capture-pane", "-p", "-J", "-S", "-200", "-t", s.name).Output()
		if err != nil {
			s.t.Fatalf("tmux capture-pane: %v", err)
		}
		got = string(out)
		all := true
		for _, w := range want {
			all = all && strings.Contains(got, w)
		}
		if all {
			return got
		}
	}
	s.t.Fatalf("the screen does not show %q after 15s:\n%s", want, got)
	return ""
}
