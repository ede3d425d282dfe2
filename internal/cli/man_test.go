package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestManPages(t *testing.T) {
	update, _, err := NewRootCmd(&Factory{}).Find([]string{"update"})
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "manpages")
	r := run(t, nil, nil, "man", dir)
	if r.code != 0 || r.stdout != "" || r.stderr != "" {
		t.Fatalf("idp man: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
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
	for _, file := range []string{"idp-man.1", "idp-environment.1", "idp-help.1"} {
		if _, err := os.Stat(filepath.Join(dir, file)); err == nil {
			t.Errorf("%s written; want no page for it", file)
		}
	}
}

func TestManUsage(t *testing.T) {
	r := run(t, nil, nil, "man")
	if r.code != 2 || r.stderr != "idp: accepts 1 arg(s), received 0\nRun 'idp man --help' for usage.\n" {
		t.Errorf("exit %d, stderr %q", r.code, r.stderr)
	}
	env := map[string]string{"SOURCE_DATE_EPOCH": "yesterday"}
	r = run(t, env, nil, "man", t.TempDir())
	if r.code != 0 {
		t.Errorf("a build date from -ldflags wins over SOURCE_DATE_EPOCH; exit %d, stderr %q", r.code, r.stderr)
	}
	noDate := func(f *Factory) { f.Build.Date = "" }
	r = runWith(t, env, nil, noDate, "man", t.TempDir())
	if r.code != 1 || r.stderr != "idp: SOURCE_DATE_EPOCH \"yesterday\": want seconds since 1970\n" {
		t.Errorf("exit %d, stderr %q", r.code, r.stderr)
	}
	dir := t.TempDir()
	env["SOURCE_DATE_EPOCH"] = "1700000000" // 2023-11-14
	if r = runWith(t, env, nil, noDate, "man", dir); r.code != 0 {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "idp.1")); !strings.Contains(string(b), `"Nov 2023"`) {
		t.Errorf("idp.1 not dated from SOURCE_DATE_EPOCH:\n%.200s", b)
	}
}
