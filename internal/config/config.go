// Package config is idp's configuration: a typed Config filled by a private viper instance,
// with precedence flag > IDP_* environment > config file > default. It knows pflag, not cobra:
// the command hands it its parsed flags.
package config

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/pflag"
	"github.com/spf13/viper"

	"github.com/idp-cli/idp/internal/events"
	"github.com/idp-cli/idp/internal/source"
	"github.com/idp-cli/idp/internal/userfile"
)

// Config is idp's typed configuration, after flags, IDP_* variables and the config file.
type Config struct {
	Source     string
	Output     string
	NoInput    bool
	Accessible bool
	Verbose    bool
	File       string            // the config file read, if any
	Sources    map[string]string // named sources from the config file: name -> URL or directory
	Trusted    []string          // trusted-sources: URL prefixes whose hooks and migrations run
	Events     *events.Config    // events: where the opt-in events go; nil: nowhere
	Ignored    error             // with Options.Optional: why the environment and the file were not used
}

// Trusts reports whether src lies under one of the trusted-sources, compared as parsed,
// cleaned locations by whole path segments (source.Trusted).
func (c *Config) Trusts(src string) bool { return source.Trusted(src, c.Trusted) }

// ResolveSource turns a source name from the config's sources into its URL or directory.
func (c *Config) ResolveSource(loc string) string {
	if u, ok := c.Sources[strings.ToLower(loc)]; ok {
		return u
	}
	return loc
}

// Logger logs to w: warnings, and debug messages too when Verbose.
func (c *Config) Logger(w io.Writer) *slog.Logger {
	level := slog.LevelWarn
	if c.Verbose {
		level = slog.LevelDebug
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: level}))
}

// Path is the config file: --config, else IDP_CONFIG, else $XDG_CONFIG_HOME/idp/config.yaml.
func Path(flag string, getenv func(string) string) (path string, explicit bool) {
	if flag != "" {
		return flag, true
	}
	if p := getenv("IDP_CONFIG"); p != "" {
		return p, true
	}
	dir := getenv("XDG_CONFIG_HOME")
	if dir == "" {
		home := getenv("HOME")
		if home == "" {
			return "", false
		}
		dir = filepath.Join(home, ".config")
	}
	return filepath.Join(dir, "idp", "config.yaml"), false
}

// Options is what Load needs of the command being run.
type Options struct {
	Flags    *pflag.FlagSet      // the command's flags, parsed, with the persistent ones it inherits
	Getenv   func(string) string // the environment
	ReadFile bool                // read the config file; false: flags and Getenv only
	Keys     func() []string     // every flag name of every command: the keys a file may hold
	CSV      bool                // the command's data is one table, which --output csv prints
	Command  string              // the command's path, for messages
	// Optional: the command needs no settings (idp version, help, completion). When the
	// environment or the file cannot be used it runs on its flags alone, and Ignored says why.
	Optional bool
}

// Load fills every flag the user did not give from IDP_<FLAG> or the config file, and returns
// the typed config. Every error but ctx's is a mistake in how idp was called.
func Load(ctx context.Context, o Options) (*Config, error) {
	cfg, err := load(ctx, o)
	if err != nil && o.Optional && ctx.Err() == nil {
		// A mistake on the command line is still one.
		o.Getenv, o.ReadFile = func(string) string { return "" }, false
		flagsOnly, ferr := load(ctx, o)
		if ferr != nil {
			return nil, ferr
		}
		flagsOnly.Ignored = err
		return flagsOnly, nil
	}
	return cfg, err
}

func load(ctx context.Context, o Options) (*Config, error) {
	v := viper.New()
	fl := o.Flags
	flagPath, _ := fl.GetString("config")
	path, explicit := Path(flagPath, o.Getenv)
	cfg := &Config{}
	var lines map[string]int // top-level key -> its line in the file
	if path != "" && o.ReadFile {
		data, err := userfile.Read(ctx, path, maxSize)
		var tl *userfile.TooLargeError
		switch {
		case ctx.Err() != nil:
			return nil, ctx.Err()
		case errors.As(err, &tl):
			return nil, fmt.Errorf("config file %s; point --config at idp's config file, a few lines of YAML", tl)
		case errors.Is(err, fs.ErrNotExist) && explicit:
			return nil, fmt.Errorf("config file %s does not exist", path)
		case errors.Is(err, fs.ErrNotExist):
		case err != nil:
			return nil, fmt.Errorf("config file %s: cannot read it: %s", path, unwrapAll(err))
		default:
			if lines, err = keyLines(data, path); err != nil {
				return nil, err
			}
			v.SetConfigType("yaml")
			if err := v.ReadConfig(bytes.NewReader(data)); err != nil {
				return nil, fmt.Errorf("config file %s: %s; fix it or point --config elsewhere", path, strings.TrimPrefix(unwrapAll(err).Error(), "yaml: "))
			}
			cfg.File = path
		}
	}
	if cfg.File != "" {
		if err := cfg.readFile(v, o.Keys()); err != nil {
			return nil, err
		}
	}

	// Viper reads the file; the environment comes through Getenv so that tests can set it.
	var applyErr error
	fl.VisitAll(func(f *pflag.Flag) {
		if f.Changed || f.Name == "config" || f.Name == "help" || applyErr != nil {
			return
		}
		env := EnvName(f.Name)
		var val any
		from := env
		if s := o.Getenv(env); s != "" {
			val = s
		} else if v.IsSet(f.Name) {
			val, from = v.Get(f.Name), fmt.Sprintf("config file %s", cfg.File)
			if n := lines[f.Name]; n > 0 {
				from += fmt.Sprintf(":%d", n)
			}
		} else {
			return
		}
		for _, s := range flagValues(val, f) {
			if f.Value.Type() == "bool" {
				if b, ok := parseBool(s); ok {
					s = strconv.FormatBool(b)
				}
			}
			if err := fl.Set(f.Name, s); err != nil {
				applyErr = fmt.Errorf("%s: %s: %s", from, f.Name, flagValueError(f, s, err))
				return
			}
		}
	})
	if applyErr != nil {
		return nil, applyErr
	}
	cfg.Output, _ = fl.GetString("output")
	cfg.NoInput, _ = fl.GetBool("no-input")
	cfg.Accessible, _ = fl.GetBool("accessible")
	cfg.Verbose, _ = fl.GetBool("verbose")
	if v := o.Getenv("IDP_DEBUG"); v != "" {
		on, ok := parseBool(v)
		cfg.Verbose = cfg.Verbose || on || !ok // any other word turns debugging on, as it always has
	}
	if fl.Lookup("source") != nil {
		cfg.Source, _ = fl.GetString("source")
	} else {
		cfg.Source = v.GetString("source")
	}
	switch {
	case cfg.Output == "csv" && !o.CSV:
		return nil, fmt.Errorf("--output csv: %s prints text or json; csv is for idp fleet status", o.Command)
	case cfg.Output != "text" && cfg.Output != "json" && cfg.Output != "csv" && o.CSV:
		return nil, fmt.Errorf("--output %q: use text, json or csv", cfg.Output)
	case cfg.Output != "text" && cfg.Output != "json" && cfg.Output != "csv":
		return nil, fmt.Errorf("--output %q: use text or json", cfg.Output)
	}
	return cfg, nil
}

// readFile takes from the file read into v what is not a flag's value: sources, events and
// trusted-sources; any other key must be one of known, the flags' names.
func (cfg *Config) readFile(v *viper.Viper, known []string) error {
	for _, k := range v.AllKeys() {
		if k == "sources" || strings.HasPrefix(k, "sources.") || k == "trusted-sources" || k == "events" || strings.HasPrefix(k, "events.") {
			continue
		}
		if !slices.Contains(known, k) {
			return fmt.Errorf("config file %s: unknown key %q; keys are flag names, such as source, no-input, accessible, and sources", cfg.File, k)
		}
	}
	var err error
	if cfg.Sources, err = namedSources(v, cfg.File); err != nil {
		return err
	}
	if cfg.Events, err = events.ParseConfig(v.Get("events"), cfg.File); err != nil {
		return err
	}
	if v.IsSet("trusted-sources") {
		list, ok := v.Get("trusted-sources").([]any)
		if !ok {
			return fmt.Errorf("config file %s: trusted-sources must be a list of source URL prefixes", cfg.File)
		}
		for _, item := range list {
			cfg.Trusted = append(cfg.Trusted, fmt.Sprint(item))
		}
	}
	return nil
}

// Fallback is the config of a command that runs even when idp's own config cannot be read
// (idp doctor): its flags, and the IDP_* variables of its flags named own where they can be
// taken as they are.
func Fallback(fl *pflag.FlagSet, getenv func(string) string, own ...string) *Config {
	for _, name := range own {
		if v := getenv(EnvName(name)); v != "" && !fl.Changed(name) {
			_ = fl.Set(name, v)
		}
	}
	cfg := &Config{Output: "text"}
	if out, _ := fl.GetString("output"); fl.Changed("output") {
		cfg.Output = out
	} else if v := getenv("IDP_OUTPUT"); v == "json" {
		cfg.Output = v
	}
	cfg.Verbose, _ = fl.GetBool("verbose")
	cfg.Verbose = cfg.Verbose || getenv("IDP_DEBUG") != ""
	return cfg
}

func unwrapAll(err error) error {
	for {
		next := errors.Unwrap(err)
		if next == nil {
			return err
		}
		err = next
	}
}
