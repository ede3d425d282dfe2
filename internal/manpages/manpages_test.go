package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/idp-cli/idp/internal/cli"
)

var build = cli.Build{Version: "v1.2.3", Commit: "abc1234", Date: "2026-11-01"}

// runArgs runs the program with an environment and returns its exit code and streams.
func runArgs(build cli.Build, env map[string]string, args ...string) (code int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	now := func() time.Time { return time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC) }
	code = run(build, args, &out, &errOut, func(k string) string { return env[k] }, now)
	return code, out.String(), errOut.String()
}

func TestManPages(t *testing.T) {
	update, _, err := cli.NewRootCmd(&cli.Factory{}).Find([]string{"update"})
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "manpages")
	if code, stdout, stderr := runArgs(build, nil, dir); code != 0 || stdout != "" || stderr != "" {
		t.Fatalf("manpages: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	for _, tc := range []struct {
		file string
		want []string
	}{
		{"idp.1", []string{
			`.TH "IDP" "1" "Nov 2026" "idp v1.2.3" "idp manual"`,
			"idp - Self-service golden paths: new services, kept up to date",
			".SH SEE ALSO",
			`\fBidp-update(1)\fP`,
			`\fBidp-completion(1)\fP`,
			// Indented help text stays as it is, not run into one line.
			".EX\n  0  success\n  1  error\n",
		}},
		// Markdown would drop <kind> and <name> as HTML tags.
		{"idp-new.1", []string{
			".SH SYNOPSIS\n\\fBidp new <kind> [<name>] [flags]\\fP\n",
			"into ./<name> as a git repository",
			"to create (default ./<name>)",
		}},
		{"idp-update.1", []string{
			`.TH "IDP-UPDATE" "1" "Nov 2026" "idp v1.2.3" "idp manual"`,
			"idp-update - " + update.Short,
			".SH OPTIONS",
			".SH EXAMPLE",
			".SH SEE ALSO",
			`\fBidp(1)\fP`,
		}},
		// cobra adds completion and help to the tree when idp runs; completion's pages ship.
		{"idp-completion-bash.1", []string{"idp-completion-bash - "}},
	} {
		b, err := os.ReadFile(filepath.Join(dir, tc.file))
		if err != nil {
			t.Error(err)
			continue
		}
		page := string(b)
		for _, w := range tc.want {
			if !strings.Contains(page, w) {
				t.Errorf("%s lacks %q:\n%s", tc.file, w, page)
			}
		}
		if strings.Contains(page, "Auto generated") {
			t.Errorf("%s has cobra's auto-generated footer", tc.file)
		}
	}
	// Hidden commands and help topics get no page of their own.
	for _, file := range []string{"idp-environment.1", "idp-help.1", "idp-__complete.1"} {
		if _, err := os.Stat(filepath.Join(dir, file)); err == nil {
			t.Errorf("%s written; want no page for it", file)
		}
	}
}

func TestManUsage(t *testing.T) {
	for _, args := range [][]string{nil, {"a", "b"}, {"--out", "x"}} {
		if code, stdout, stderr := runArgs(build, nil, args...); code != 2 || stdout != "" || !strings.HasPrefix(stderr, "usage: manpages <dir>\n") {
			t.Errorf("manpages %q: exit %d, stdout %q, stderr %q", args, code, stdout, stderr)
		}
	}
	if code, stdout, _ := runArgs(build, nil, "--help"); code != 0 || !strings.HasPrefix(stdout, "usage: manpages <dir>\n") {
		t.Errorf("manpages --help: exit %d, stdout %q", code, stdout)
	}
	env := map[string]string{"SOURCE_DATE_EPOCH": "yesterday"}
	if code, _, stderr := runArgs(build, env, t.TempDir()); code != 0 {
		t.Errorf("a build date from -ldflags wins over SOURCE_DATE_EPOCH; exit %d, stderr %q", code, stderr)
	}
	noDate := build
	noDate.Date = ""
	if code, _, stderr := runArgs(noDate, env, t.TempDir()); code != 1 || stderr != "manpages: SOURCE_DATE_EPOCH \"yesterday\": want seconds since 1970\n" {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
	dir := t.TempDir()
	env["SOURCE_DATE_EPOCH"] = "1700000000" // 2023-11-14
	if code, _, stderr := runArgs(noDate, env, dir); code != 0 {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "idp.1")); !strings.Contains(string(b), `"Nov 2023"`) {
		t.Errorf("idp.1 not dated from SOURCE_DATE_EPOCH:\n%.200s", b)
	}
}
