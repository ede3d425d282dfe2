package config

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/spf13/pflag"

	"github.com/idp-cli/idp/internal/events"
)

// flags is a command's flag set as cobra hands it over: idp's persistent flags and a few of
// the command's own, parsed from args.
func flags(t *testing.T, args ...string) *pflag.FlagSet {
	t.Helper()
	fl := pflag.NewFlagSet("idp new", pflag.ContinueOnError)
	fl.String("output", "text", "")
	fl.String("config", "", "")
	fl.Bool("verbose", false, "")
	fl.Bool("no-input", false, "")
	fl.Bool("accessible", false, "")
	fl.StringP("source", "s", "", "")
	fl.StringArray("set", nil, "")
	fl.Int("concurrency", 4, "")
	if err := fl.Parse(args); err != nil {
		t.Fatal(err)
	}
	return fl
}

// setup writes the config file (none when content is "") in a fresh XDG_CONFIG_HOME and
// returns its path and the environment, env added.
func setup(t *testing.T, content string, env map[string]string) (string, func(string) string) {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "idp", "config.yaml")
	if content != "" {
		os.MkdirAll(filepath.Dir(path), 0o755)
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	all := map[string]string{"XDG_CONFIG_HOME": dir}
	for k, v := range env {
		all[k] = v
	}
	return path, func(k string) string { return all[k] }
}

func loadFlags(t *testing.T, fl *pflag.FlagSet, getenv func(string) string) (*Config, error) {
	t.Helper()
	return Load(context.Background(), Options{Flags: fl, Getenv: getenv, ReadFile: true, Command: "idp new",
		Keys: func() []string {
			return []string{"output", "config", "verbose", "no-input", "accessible", "source", "set", "concurrency"}
		}})
}

func TestPrecedence(t *testing.T) {
	file, getenv := setup(t, "output: json\nsource: from-file\nno-input: yes\nset: [a=1, b=2]\n", nil)
	cfg, err := loadFlags(t, flags(t), getenv)
	if err != nil {
		t.Fatal(err)
	}
	want := &Config{Source: "from-file", Output: "json", NoInput: true, File: file}
	if !reflect.DeepEqual(cfg, want) {
		t.Errorf("from the file: %+v, want %+v", cfg, want)
	}

	// The environment beats the file, the flag beats both.
	_, getenv = setup(t, "output: json\nsource: from-file\n", map[string]string{"IDP_OUTPUT": "text", "IDP_SOURCE": "from-env", "IDP_SET": "name=x,environments=dev,prod"})
	fl := flags(t, "--source", "from-flag")
	cfg, err = loadFlags(t, fl, getenv)
	if err != nil {
		t.Fatal(err)
	}
	set, _ := fl.GetStringArray("set")
	if cfg.Output != "text" || cfg.Source != "from-flag" || strings.Join(set, "|") != "name=x|environments=dev,prod" {
		t.Errorf("output %q, source %q, set %q", cfg.Output, cfg.Source, set)
	}
}

func TestVerbose(t *testing.T) {
	for debug, want := range map[string]bool{"": false, "1": true, "on": true, "0": false, "off": false, "please": true} {
		_, getenv := setup(t, "", map[string]string{"IDP_DEBUG": debug})
		cfg, err := loadFlags(t, flags(t), getenv)
		if err != nil || cfg.Verbose != want {
			t.Errorf("IDP_DEBUG=%q: verbose %v, %v; want %v", debug, cfg.Verbose, err, want)
		}
	}
}

// TestFileSections: sources, trusted-sources and events are read from the file, not set as flags.
func TestFileSections(t *testing.T) {
	file, getenv := setup(t, "sources:\n  Platform: https://git.example.com/gp.git\ntrusted-sources: [https://git.example.com/]\nevents:\n  file: /tmp/events.jsonl\n", nil)
	cfg, err := loadFlags(t, flags(t), getenv)
	if err != nil {
		t.Fatal(err)
	}
	if want := (map[string]string{"platform": "https://git.example.com/gp.git"}); !reflect.DeepEqual(cfg.Sources, want) {
		t.Errorf("sources %v, want %v", cfg.Sources, want)
	}
	if got := cfg.ResolveSource("PLATFORM"); got != "https://git.example.com/gp.git" {
		t.Errorf("ResolveSource(PLATFORM) = %q", got)
	}
	if got := cfg.ResolveSource("./here"); got != "./here" {
		t.Errorf("ResolveSource(./here) = %q", got)
	}
	if !cfg.Trusts("https://git.example.com/gp.git") || cfg.Trusts("https://git.example.org/gp.git") {
		t.Errorf("trusted-sources %v", cfg.Trusted)
	}
	if want := (&events.Config{File: "/tmp/events.jsonl"}); !reflect.DeepEqual(cfg.Events, want) {
		t.Errorf("events %+v, want %+v", cfg.Events, want)
	}
	if cfg.File != file {
		t.Errorf("file %q, want %q", cfg.File, file)
	}
}

// TestErrors: every mistake names the file (and line) or the variable, and what to do.
func TestErrors(t *testing.T) {
	_, getenv := setup(t, "", nil)
	for _, tc := range []struct {
		name, content string
		env           map[string]string
		args          []string
		want          string
	}{
		{name: "bad bool in the file", content: "source: x\nno-input: maybe\n", want: "FILE:2: no-input: \"maybe\" is not true or false"},
		{name: "bad number in the environment", env: map[string]string{"IDP_CONCURRENCY": "many"}, want: "IDP_CONCURRENCY: concurrency: \"many\" is not a whole number"},
		{name: "a key twice", content: "output: json\noutput: text\n", want: "config file FILE:2: output is given twice (first at line 1); keep one"},
		{name: "unknown key", content: "sauce: x\n", want: "config file FILE: unknown key \"sauce\"; keys are flag names, such as source, no-input, accessible, and sources"},
		{name: "broken YAML", content: "source: [\n", want: "config file FILE: line 1: did not find expected node content; fix it or point --config elsewhere"},
		{name: "sources not a map", content: "sources: 3\n", want: "config file FILE: sources must map names to git URLs or directories, such as\n  sources:\n    platform: https://git.example.com/platform/golden-paths.git"},
		{name: "source name with a slash", content: "sources:\n  a/b: x\n", want: "config file FILE: source name \"a/b\": use a short name without / : @"},
		{name: "source not a string", content: "sources:\n  a: 3\n", want: "config file FILE: sources.a must be a git URL or a directory"},
		{name: "trusted-sources not a list", content: "trusted-sources: x\n", want: "config file FILE: trusted-sources must be a list of source URL prefixes"},
		{name: "events", content: "events:\n  nope: 3\n", want: "config file FILE: events: unknown key \"nope\"; the keys are file, otlp and ci"},
		{name: "csv", args: []string{"--output", "csv"}, want: "--output csv: idp new prints text or json; csv is for idp fleet status"},
		{name: "xml", env: map[string]string{"IDP_OUTPUT": "xml"}, want: "--output \"xml\": use text or json"},
		{name: "missing --config", args: []string{"--config", "/nonexistent/idp.yaml"}, want: "config file /nonexistent/idp.yaml does not exist"},
	} {
		path, getenv := setup(t, tc.content, tc.env)
		_, err := loadFlags(t, flags(t, tc.args...), getenv)
		want := strings.ReplaceAll(tc.want, "FILE", path)
		if strings.HasPrefix(tc.want, "FILE") {
			want = "config file " + want
		}
		if err == nil || err.Error() != want {
			t.Errorf("%s: error %v\nwant %s", tc.name, err, want)
		}
	}

	// A file that is not there is no config, unless it was asked for.
	cfg, err := loadFlags(t, flags(t), getenv)
	if err != nil || cfg.File != "" || cfg.Output != "text" {
		t.Errorf("no file: %+v, %v", cfg, err)
	}
	// A file too large to be a config.
	path, getenv := setup(t, strings.Repeat("#", maxSize+1), nil)
	if _, err := loadFlags(t, flags(t), getenv); err == nil || err.Error() != "config file "+path+" holds more than 1 MiB, the most idp reads from it; point --config at idp's config file, a few lines of YAML" {
		t.Errorf("too large: %v", err)
	}
	// A cancelled run is cancelled, not a mistake.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Load(ctx, Options{Flags: flags(t), Getenv: getenv, ReadFile: true}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

// TestOptional: a command that needs no settings runs on its flags alone, and says what it
// ignored; a mistake in its flags is still one.
func TestOptional(t *testing.T) {
	_, getenv := setup(t, "sauce: x\n", map[string]string{"IDP_OUTPUT": "json"})
	o := Options{Flags: flags(t), Getenv: getenv, ReadFile: true, Optional: true, Keys: func() []string { return nil }, Command: "idp version"}
	cfg, err := Load(context.Background(), o)
	if err != nil || cfg.Output != "text" || cfg.File != "" || cfg.Ignored == nil || !strings.Contains(cfg.Ignored.Error(), `unknown key "sauce"`) {
		t.Errorf("optional: %+v, %v", cfg, err)
	}
	o.Flags = flags(t, "--output", "xml")
	if _, err := Load(context.Background(), o); err == nil || err.Error() != `--output "xml": use text or json` {
		t.Errorf("optional with a bad flag: %v", err)
	}
	// A command that prints csv too (idp fleet status) names it among the formats.
	o.CSV, o.Command = true, "idp fleet status"
	if _, err := Load(context.Background(), o); err == nil || err.Error() != `--output "xml": use text, json or csv` {
		t.Errorf("a bad --output where csv is one: %v", err)
	}
}

func TestFallback(t *testing.T) {
	fl := flags(t, "--source", "flag")
	fl.String("provider", "", "")
	env := map[string]string{"IDP_SOURCE": "env", "IDP_PROVIDER": "github", "IDP_OUTPUT": "json", "IDP_DEBUG": "1", "IDP_NO_INPUT": "1"}
	cfg := Fallback(fl, func(k string) string { return env[k] }, "source", "provider")
	src, _ := fl.GetString("source")
	provider, _ := fl.GetString("provider")
	if want := (&Config{Output: "json", Verbose: true}); !reflect.DeepEqual(cfg, want) || src != "flag" || provider != "github" {
		t.Errorf("fallback %+v, source %q, provider %q", cfg, src, provider)
	}
}

func TestFlagParseError(t *testing.T) {
	fl := flags(t)
	err := fl.Parse([]string{"--concurrency", "x"})
	if got := FlagParseError(fl, err); got == nil || got.Error() != `invalid argument "x" for --concurrency: want a whole number` {
		t.Errorf("got %v", got)
	}
	other := errors.New("unknown flag: --nope")
	if got := FlagParseError(fl, other); got != other {
		t.Errorf("an error without strconv's text changed: %v", got)
	}
}

// TestHelp: idp help environment is the table, each entry a paragraph.
func TestHelp(t *testing.T) {
	help := Help()
	paras := strings.Split(help, "\n\n")
	if len(paras) != len(Variables)+1 || !strings.HasPrefix(help, "Every flag can be set in the environment as IDP_<FLAG>") {
		t.Fatalf("%d paragraphs for %d variables:\n%s", len(paras), len(Variables), help)
	}
	for i, v := range Variables {
		if want := strings.Join(v.Names, ", "); len(v.Names) > 0 && !strings.HasPrefix(paras[i+1], want+": ") {
			t.Errorf("paragraph %d does not start with %s: %q", i+1, want, paras[i+1])
		}
	}
}
