package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"github.com/idp-cli/idp/internal/answers"
	"github.com/idp-cli/idp/internal/prompt"
)

// fakePrompter answers every visible question from a map and records what it was asked.
type fakePrompter struct {
	answers map[string]any
	choose  string
	asked   []string
	chose   []string
}

func (p *fakePrompter) Ask(_ context.Context, known map[string]any, qs []*answers.Question) (map[string]any, error) {
	out := map[string]any{}
	for _, q := range qs {
		if !q.Visible(known) {
			continue
		}
		p.asked = append(p.asked, q.Param.Name)
		if v, ok := p.answers[q.Param.Name]; ok {
			out[q.Param.Name] = v
		} else if d := q.Default(known); d != nil {
			out[q.Param.Name] = d
		}
	}
	return out, nil
}

func (p *fakePrompter) Choose(_ context.Context, _ string, choices []prompt.Choice) (string, error) {
	for _, c := range choices {
		p.chose = append(p.chose, c.Value)
	}
	return p.choose, nil
}

type result struct {
	code           int
	stdout, stderr string
}

func run(t *testing.T, env map[string]string, p Prompter, args ...string) result {
	t.Helper()
	return runWith(t, env, p, nil, args...)
}

// runWith is run with a change to the factory first (a terminal on stderr, say).
func runWith(t *testing.T, env map[string]string, p Prompter, change func(*Factory), args ...string) result {
	t.Helper()
	var out, errOut bytes.Buffer
	f := &Factory{
		Build:    Build{Version: "v1.2.3", Commit: "abc1234", Date: "2026-11-01"},
		IO:       &IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut},
		Now:      func() time.Time { return time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC) },
		Getenv:   func(k string) string { return env[k] },
		Prompter: p,
	}
	if env == nil || env["HOME"] == "" {
		f.Getenv = func(k string) string {
			if k == "HOME" {
				return t.TempDir()
			}
			return env[k]
		}
	}
	if change != nil {
		change(f)
	}
	code := Run(context.Background(), f, args)
	return result{code, out.String(), errOut.String()}
}

// twoServices is a source with two service golden paths.
func twoServices(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, name := range []string{"alpha", "beta"} {
		tdir := filepath.Join(dir, "paths", name)
		os.MkdirAll(filepath.Join(tdir, "skeleton"), 0o755)
		os.WriteFile(filepath.Join(tdir, "template.yaml"), []byte("apiVersion: idp/v1\nkind: Template\ntype: service\ntitle: The "+name+" path\nparameters:\n  - name: name\n    required: true\n  - name: team\n    required: true\n"), 0o644)
		os.WriteFile(filepath.Join(tdir, "skeleton", "who.txt"), []byte(name+" {{ .name }} {{ .team }}\n"), 0o644)
	}
	return dir
}

func TestExitCodesAndMessages(t *testing.T) {
	out := t.TempDir()
	for _, tc := range []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"no kind", []string{"new"}, 2, "idp: give the kind of thing to create, such as: idp new service; 'idp templates list' shows the kinds on offer\nRun 'idp new --help' for usage.\n"},
		{"too many", []string{"new", "service", "a", "owner=x"}, 2, "idp: too many arguments: owner=x; pass answers with --set KEY=VALUE\nRun 'idp new --help' for usage.\n"},
		{"empty source", []string{"templates", "list", "-s", out}, 1, "idp: source " + out + " holds no golden paths: directories with a template.yaml and a skeleton/, at depth 1 or 2\n"},
		{"unknown flag", []string{"new", "service", "--colour"}, 2, "idp: unknown flag: --colour\nRun 'idp new --help' for usage.\n"},
		{"unknown command", []string{"nwe"}, 2, "idp: unknown command \"nwe\" for \"idp\"\n\nDid you mean this?\n\tnew\n\nRun 'idp --help' for usage.\n"},
		{"bad output", []string{"version", "--output", "yaml"}, 2, "idp: --output \"yaml\": use text or json\nRun 'idp version --help' for usage.\n"},
		{"missing owner", []string{"new", "service", "payments", "--no-input", "-o", filepath.Join(out, "p")}, 2,
			"idp: missing required parameter: owner (Owning team); pass it with --set KEY=VALUE or --values FILE, or run in a terminal to be asked\nRun 'idp new --help' for usage.\n"},
		{"unknown kind", []string{"new", "widget"}, 2, "idp: no golden path of type \"widget\"; types on offer: service\nRun 'idp new --help' for usage.\n"},
		{"unknown template", []string{"new", "service", "-t", "rust-service"}, 2, "idp: --template rust-service: no service golden path of that name; choose one of: go-service\nRun 'idp new --help' for usage.\n"},
		{"bad answer", []string{"new", "service", "Payments", "--set", "owner=x", "-o", filepath.Join(out, "q")}, 2,
			"idp: NAME argument: parameter \"name\": \"Payments\" is not valid: Lowercase letters, digits and dashes; it names the repository, the binary and the Kubernetes objects\nRun 'idp new --help' for usage.\n"},
		{"missing values file", []string{"new", "service", "x", "--values", filepath.Join(out, "nope.yaml")}, 2,
			"idp: --values: cannot read " + filepath.Join(out, "nope.yaml") + ": no such file or directory\nRun 'idp new --help' for usage.\n"},
		{"source missing", []string{"new", "service", "-s", filepath.Join(out, "nowhere")}, 2,
			"idp: source " + filepath.Join(out, "nowhere") + " does not exist; give --source a directory of golden paths or a git URL\nRun 'idp new --help' for usage.\n"},
		{"version the built-in source lacks", []string{"new", "service", "--version", "v0.9.0"}, 2,
			"idp: --version v0.9.0: no version matches v0.9.0; versions: v1.2.1, v1.2.0, v1.1.0, v1.0.0\nRun 'idp new --help' for usage.\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := run(t, nil, nil, tc.args...)
			if r.code != tc.code || r.stderr != tc.stderr {
				t.Errorf("exit %d, stderr:\n%s\nwant exit %d, stderr:\n%s", r.code, r.stderr, tc.code, tc.stderr)
			}
			if r.stdout != "" {
				t.Errorf("stdout not empty: %q", r.stdout)
			}
		})
	}
	if entries, _ := os.ReadDir(out); len(entries) != 0 {
		t.Errorf("failed runs left files: %v", entries)
	}
}

func TestVersion(t *testing.T) {
	r := run(t, nil, nil, "version")
	if r.code != 0 || r.stdout != "idp v1.2.3 (commit abc1234, built 2026-11-01)\n" {
		t.Errorf("%+v", r)
	}
	r = run(t, map[string]string{"IDP_OUTPUT": "json"}, nil, "version")
	if r.code != 0 || !strings.Contains(r.stdout, `"version": "v1.2.3"`) || !strings.Contains(r.stdout, `"commit": "abc1234"`) {
		t.Errorf("IDP_OUTPUT=json: %+v", r)
	}
}

func TestHelp(t *testing.T) {
	r := run(t, nil, nil, "--help")
	for _, s := range []string{"Exit codes:", "3  update left conflicts", "idp help environment", "new", "templates"} {
		if !strings.Contains(r.stdout, s) {
			t.Errorf("--help lacks %q", s)
		}
	}
	r = run(t, nil, nil, "help", "environment")
	if r.code != 0 || !strings.Contains(r.stdout, "IDP_NO_INPUT") || !strings.Contains(r.stdout, "IDP_GIT_AUTHOR_NAME") {
		t.Errorf("help environment: %+v", r)
	}
	r = run(t, nil, nil, "new", "--help")
	if !strings.Contains(r.stdout, "-o, --output-dir directory") || !strings.Contains(r.stdout, "--set key=value") {
		t.Errorf("new --help:\n%s", r.stdout)
	}
}

func TestPromptsOnlyWhenAllowed(t *testing.T) {
	src := twoServices(t)
	out := t.TempDir()
	// A terminal: the golden path is chosen and the answers asked.
	p := &fakePrompter{choose: "beta", answers: map[string]any{"name": "svc", "team": "core"}}
	r := run(t, nil, p, "new", "service", "-s", src, "-o", filepath.Join(out, "a"))
	if r.code != 0 {
		t.Fatalf("%+v", r)
	}
	if strings.Join(p.chose, ",") != "alpha,beta" || strings.Join(p.asked, ",") != "name,team" {
		t.Errorf("chose among %v, asked %v", p.chose, p.asked)
	}
	if b, _ := os.ReadFile(filepath.Join(out, "a", "who.txt")); string(b) != "beta svc core\n" {
		t.Errorf("who.txt = %q", b)
	}
	// --no-input, IDP_NO_INPUT and CI each stop prompting: several paths is then a usage error.
	for _, tc := range []struct {
		env  map[string]string
		args []string
	}{
		{nil, []string{"--no-input"}},
		{map[string]string{"IDP_NO_INPUT": "1"}, nil},
		{map[string]string{"CI": "true"}, nil},
	} {
		p := &fakePrompter{}
		r := run(t, tc.env, p, append([]string{"new", "service", "-s", src}, tc.args...)...)
		want := "idp: several service golden paths: alpha, beta; choose one with --template\nRun 'idp new --help' for usage.\n"
		if r.code != 2 || r.stderr != want || len(p.chose)+len(p.asked) != 0 {
			t.Errorf("%v %v: exit %d %q, prompted %v %v", tc.env, tc.args, r.code, r.stderr, p.chose, p.asked)
		}
	}
}

func TestConfigPrecedence(t *testing.T) {
	src := twoServices(t)
	home := t.TempDir()
	cfgDir := filepath.Join(home, "xdg", "idp")
	os.MkdirAll(cfgDir, 0o755)
	os.WriteFile(filepath.Join(cfgDir, "config.yaml"), []byte("source: "+src+"\noutput: json\n"), 0o644)
	env := map[string]string{"HOME": home, "XDG_CONFIG_HOME": filepath.Join(home, "xdg")}

	// The config file gives source and output.
	r := run(t, env, nil, "templates", "list")
	if r.code != 0 || !strings.Contains(r.stdout, `"name": "alpha"`) {
		t.Fatalf("config file not used: %+v", r)
	}
	// The environment beats the file.
	env["IDP_OUTPUT"] = "text"
	r = run(t, env, nil, "templates", "list")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "NAME   TYPE     VERSION  TITLE\nalpha  service  -        The alpha path\n") {
		t.Fatalf("IDP_OUTPUT did not win over the file: %+v", r)
	}
	// The flag beats both.
	r = run(t, env, nil, "templates", "list", "--output", "json", "--source", "builtin")
	if r.code != 0 || !strings.Contains(r.stdout, `"name": "go-service"`) {
		t.Fatalf("flags did not win: %+v", r)
	}
	// An unknown key in the file is named.
	os.WriteFile(filepath.Join(cfgDir, "config.yaml"), []byte("sauce: x\n"), 0o644)
	r = run(t, env, nil, "templates", "list")
	if r.code != 2 || !strings.Contains(r.stderr, `config.yaml: unknown key "sauce"`) {
		t.Errorf("unknown key: %+v", r)
	}
	// A broken file is named with its line.
	os.WriteFile(filepath.Join(cfgDir, "config.yaml"), []byte("source: [\n"), 0o644)
	r = run(t, env, nil, "templates", "list")
	if r.code != 2 || !strings.Contains(r.stderr, "config.yaml") || !strings.Contains(r.stderr, "line") {
		t.Errorf("broken file: %+v", r)
	}
	// --config naming a missing file is an error, not silently ignored.
	r = run(t, nil, nil, "templates", "list", "--config", filepath.Join(home, "nope.yaml"))
	if r.code != 2 || !strings.Contains(r.stderr, "nope.yaml does not exist") {
		t.Errorf("missing --config: %+v", r)
	}
}

func TestNamedSources(t *testing.T) {
	src := twoServices(t)
	home := t.TempDir()
	cfgDir := filepath.Join(home, ".config", "idp")
	os.MkdirAll(cfgDir, 0o755)
	cfg := filepath.Join(cfgDir, "config.yaml")
	os.WriteFile(cfg, []byte("source: platform\nsources:\n  platform: "+src+"\n  Builtins: builtin\n"), 0o644)
	env := map[string]string{"HOME": home}

	// source: names one of sources; --source takes a name too (case does not matter).
	r := run(t, env, nil, "templates", "list")
	if r.code != 0 || !strings.Contains(r.stdout, "alpha  service") {
		t.Fatalf("source: platform: %+v", r)
	}
	r = run(t, env, nil, "templates", "list", "--source", "BUILTINS")
	if r.code != 0 || !strings.Contains(r.stdout, "go-service") {
		t.Fatalf("--source builtins: %+v", r)
	}
	out := filepath.Join(t.TempDir(), "svc")
	r = run(t, env, nil, "new", "service", "svc", "-s", "platform", "-t", "beta", "--set", "team=ops", "-o", out)
	if b, _ := os.ReadFile(filepath.Join(out, ".idp.yaml")); r.code != 0 || !strings.Contains(string(b), "source: "+src+"\n") {
		t.Fatalf("the recorded source must be the location, not the name: %+v\n%s", r, b)
	}
	// A name that is neither a directory nor configured lists the names there are.
	r = run(t, env, nil, "templates", "list", "--source", "platfrom")
	want := "idp: source platfrom does not exist; give --source a directory of golden paths or a git URL, or one of the sources named in " + cfg + ": builtins, platform\n"
	if r.code != 2 || !strings.HasPrefix(r.stderr, want) {
		t.Errorf("unknown name: %+v\nwant %q", r, want)
	}
	// sources: must be a map of names to locations.
	for body, msg := range map[string]string{
		"sources: https://x/y.git\n":            "sources must map names to git URLs or directories",
		"sources:\n  a: [1]\n":                  "sources.a must be a git URL or a directory",
		"sources:\n  a/b: https://x/y.git\n":    "source name \"a/b\": use a short name without / : @",
		"sources:\n  a: x\nplatform:\n  b: y\n": "unknown key \"platform.b\"",
	} {
		os.WriteFile(cfg, []byte(body), 0o644)
		if r = run(t, env, nil, "templates", "list"); r.code != 2 || !strings.Contains(r.stderr, msg) {
			t.Errorf("%q: %+v\nwant %q", body, r, msg)
		}
	}
}

func TestRepeatableFlagFromEnvironment(t *testing.T) {
	src := twoServices(t)
	out := filepath.Join(t.TempDir(), "svc")
	env := map[string]string{"IDP_SET": "name=svc,team=ops,dev", "IDP_TEMPLATE": "alpha", "IDP_SOURCE": src}
	r := run(t, env, nil, "new", "service", "--no-input", "-o", out)
	if r.code != 0 {
		t.Fatalf("%+v", r)
	}
	if b, _ := os.ReadFile(filepath.Join(out, "who.txt")); string(b) != "alpha svc ops,dev\n" {
		t.Errorf("who.txt = %q", b)
	}
}

func TestNewDryRunAndJSON(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "payments")
	r := run(t, nil, nil, "new", "service", "payments", "--set", "owner=team-payments", "--dry-run", "-o", dir)
	if r.code != 0 || !strings.HasPrefix(r.stdout, "Would create "+dir+" with 32 files:\n  .dockerignore\n") || !strings.HasSuffix(r.stdout, "  .idp.yaml\n") {
		t.Errorf("dry run: %+v", r)
	}
	if _, err := os.Stat(dir); err == nil {
		t.Error("dry run wrote the service")
	}
	r = run(t, nil, nil, "new", "service", "payments", "--set", "owner=team-payments", "-o", dir, "--output", "json")
	if r.code != 0 || !strings.Contains(r.stdout, `"branch": "main"`) || !strings.Contains(r.stdout, `"path": "cmd/payments/main.go"`) {
		t.Errorf("json: %+v", r)
	}
}

// TestVersionFlagsAndBuildInfo: --version and -v print what idp version does, and a binary
// built without -ldflags takes its commit and date from what the go command recorded in it.
func TestVersionFlagsAndBuildInfo(t *testing.T) {
	for _, flag := range []string{"--version", "-v"} {
		r := run(t, nil, nil, flag)
		if r.code != 0 || r.stdout != "idp v1.2.3 (commit abc1234, built 2026-11-01)\n" || r.stderr != "" {
			t.Errorf("idp %s: %+v", flag, r)
		}
	}
	info := &debug.BuildInfo{Main: debug.Module{Path: "github.com/idp-cli/idp", Version: "(devel)"}, Settings: []debug.BuildSetting{
		{Key: "vcs", Value: "git"},
		{Key: "vcs.revision", Value: "0123456789abcdef0123456789abcdef01234567"},
		{Key: "vcs.time", Value: "2026-11-20T10:11:12Z"},
		{Key: "vcs.modified", Value: "false"},
	}}
	got := withBuildInfo(Build{Version: "dev"}, info)
	if want := (Build{Version: "dev", Commit: "0123456789abcdef0123456789abcdef01234567", Date: "2026-11-20T10:11:12Z"}); got != want {
		t.Errorf("from the build info: %+v, want %+v", got, want)
	}
	info.Main.Version = "v1.4.0"
	if got := withBuildInfo(Build{Version: "dev"}, info); got.Version != "v1.4.0" {
		t.Errorf("go install @v1.4.0: version %q", got.Version)
	}
	// -ldflags win.
	ld := Build{Version: "v1.5.0", Commit: "feedbee", Date: "2026-12-01"}
	if got := withBuildInfo(ld, info); got != ld {
		t.Errorf("ldflags overridden: %+v", got)
	}
	// The test binary itself: go test records no vcs settings, so only check that reading the
	// real build info does not fail or invent a commit.
	if real, ok := debug.ReadBuildInfo(); ok {
		if got := withBuildInfo(Build{Version: "dev"}, real); got.Commit != vcsSetting(real, "vcs.revision") {
			t.Errorf("real build info: commit %q", got.Commit)
		}
	}
}

func vcsSetting(info *debug.BuildInfo, key string) string {
	for _, s := range info.Settings {
		if s.Key == key {
			return s.Value
		}
	}
	return ""
}

// TestHelpTopicThatDoesNotExist: idp help nosuch is a usage error that says what help there is.
func TestHelpTopicThatDoesNotExist(t *testing.T) {
	r := run(t, nil, nil, "help", "nosuch")
	if r.code != 2 || !strings.HasPrefix(r.stderr, `idp: no help for "nosuch"; idp has help for: `) || !strings.Contains(r.stderr, "environment") || !strings.HasSuffix(r.stderr, "\nRun 'idp --help' for usage.\n") {
		t.Errorf("help nosuch: %+v", r)
	}
	r = run(t, nil, nil, "help", "updte")
	if r.code != 2 || !strings.HasPrefix(r.stderr, `idp: no help for "updte" (did you mean update?); idp has help for: `) {
		t.Errorf("help updte: %+v", r)
	}
	r = run(t, nil, nil, "help", "templates", "lsit")
	if r.code != 2 || !strings.HasPrefix(r.stderr, `idp: no help for "templates lsit" (did you mean list?); idp templates has help for: list`) {
		t.Errorf("help templates lsit: %+v", r)
	}
	for _, args := range [][]string{{"help"}, {"help", "templates", "list"}, {"help", "new", "service"}, {"help", "environment"}} {
		if r := run(t, nil, nil, args...); r.code != 0 || r.stdout == "" {
			t.Errorf("idp %s: %+v", strings.Join(args, " "), r)
		}
	}
}

// TestBoolsFromEnvironmentAndConfig: IDP_* variables and config keys of bool flags take yes,
// no, on and off as well as true and false.
func TestBoolsFromEnvironmentAndConfig(t *testing.T) {
	src := twoServices(t)
	for _, v := range []string{"yes", "on", "YES", "1", "true"} {
		r := run(t, map[string]string{"IDP_NO_INPUT": v}, &fakePrompter{}, "new", "service", "x", "-t", "alpha", "-s", src, "-o", filepath.Join(t.TempDir(), "x"))
		if r.code != 2 || !strings.Contains(r.stderr, "missing required parameter: team") {
			t.Errorf("IDP_NO_INPUT=%s: %+v", v, r)
		}
	}
	for _, v := range []string{"no", "off", "false", "0"} {
		r := run(t, map[string]string{"IDP_NO_INPUT": v}, &fakePrompter{answers: map[string]any{"team": "t"}}, "new", "service", "x", "-t", "alpha", "-s", src, "-o", filepath.Join(t.TempDir(), "x"))
		if r.code != 0 {
			t.Errorf("IDP_NO_INPUT=%s: %+v", v, r)
		}
	}
	home := t.TempDir()
	os.MkdirAll(filepath.Join(home, ".config", "idp"), 0o755)
	os.WriteFile(filepath.Join(home, ".config", "idp", "config.yaml"), []byte("no-input: on\nverbose: off\n"), 0o644)
	r := run(t, map[string]string{"HOME": home}, &fakePrompter{}, "new", "service", "x", "-t", "alpha", "-s", src, "-o", filepath.Join(t.TempDir(), "x"))
	if r.code != 2 || !strings.Contains(r.stderr, "missing required parameter: team") || strings.Contains(r.stderr, "level=DEBUG") {
		t.Errorf("no-input: on in the config file: %+v", r)
	}
	r = run(t, map[string]string{"IDP_DEBUG": "0"}, nil, "templates", "list", "-s", src)
	if r.code != 0 || strings.Contains(r.stderr, "level=DEBUG") {
		t.Errorf("IDP_DEBUG=0 turned debugging on: %+v", r)
	}
	r = run(t, map[string]string{"IDP_NO_INPUT": "maybe"}, nil, "templates", "list", "-s", src)
	if r.code != 2 || !strings.Contains(r.stderr, `idp: IDP_NO_INPUT: no-input: "maybe" is not true or false`) {
		t.Errorf("IDP_NO_INPUT=maybe: %+v", r)
	}
}

// TestVersionDespiteABrokenConfig: idp version, help and completion run whatever the config file
// holds, and say what they ignored; other commands stop at it, and a bad flag is still one.
func TestVersionDespiteABrokenConfig(t *testing.T) {
	home := t.TempDir()
	os.MkdirAll(filepath.Join(home, ".config", "idp"), 0o755)
	file := filepath.Join(home, ".config", "idp", "config.yaml")
	os.WriteFile(file, []byte("source: [\n"), 0o644)
	env := map[string]string{"HOME": home}
	r := run(t, env, nil, "version")
	if r.code != 0 || r.stdout != "idp v1.2.3 (commit abc1234, built 2026-11-01)\n" || !strings.HasPrefix(r.stderr, "idp: ignored: config file "+file) {
		t.Errorf("version: %+v", r)
	}
	r = run(t, env, nil, "version", "--output", "json")
	if r.code != 0 || !strings.Contains(r.stdout, `"commit": "abc1234"`) {
		t.Errorf("version --output json: %+v", r)
	}
	if r := run(t, env, nil, "version", "--output", "yaml"); r.code != 2 || !strings.Contains(r.stderr, `--output "yaml": use text or json`) {
		t.Errorf("version --output yaml: %+v", r)
	}
	if r := run(t, map[string]string{"IDP_NO_INPUT": "maybe"}, nil, "version"); r.code != 0 || !strings.Contains(r.stderr, "idp: ignored: IDP_NO_INPUT") {
		t.Errorf("version with IDP_NO_INPUT=maybe: %+v", r)
	}
	if r := run(t, env, nil, "help", "new"); r.code != 0 || !strings.Contains(r.stdout, "idp new") {
		t.Errorf("help new: %+v", r)
	}
	if r := run(t, env, nil, "templates", "list"); r.code != 2 || !strings.Contains(r.stderr, "config file "+file) {
		t.Errorf("templates list with a broken config: %+v", r)
	}
}
