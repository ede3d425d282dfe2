package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"github.com/spf13/viper"
	"go.yaml.in/yaml/v3"

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
}

// trusts reports whether src lies under one of the trusted-sources, compared as parsed,
// cleaned locations by whole path segments (source.Trusted).
func (c *Config) trusts(src string) bool { return source.Trusted(src, c.Trusted) }

// configPath is the config file: --config, else IDP_CONFIG, else $XDG_CONFIG_HOME/idp/config.yaml.
func configPath(flag string, getenv func(string) string) (path string, explicit bool) {
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

// loadConfig fills every flag the user did not give from IDP_<FLAG> or the config file, through
// a private viper instance, and returns the typed config. Precedence: flag > env > file > default.
func loadConfig(cmd *cobra.Command, getenv func(string) string) (*Config, error) {
	return loadConfigFrom(cmd, getenv, true)
}

// loadConfigFrom is loadConfig, with the config file left unread unless readFile.
func loadConfigFrom(cmd *cobra.Command, getenv func(string) string, readFile bool) (*Config, error) {
	v := viper.New()
	flagPath, _ := cmd.Flags().GetString("config")
	path, explicit := configPath(flagPath, getenv)
	cfg := &Config{}
	var lines map[string]int // top-level key -> its line in the file
	if path != "" && readFile {
		ctx := cmd.Context()
		if ctx == nil {
			ctx = context.Background()
		}
		data, err := userfile.Read(ctx, path, maxConfigSize)
		var tl *userfile.TooLargeError
		switch {
		case ctx.Err() != nil:
			return nil, ctx.Err()
		case errors.As(err, &tl):
			return nil, usageErrorf(cmd, fmt.Errorf("config file %s; point --config at idp's config file, a few lines of YAML", tl))
		case errors.Is(err, fs.ErrNotExist) && explicit:
			return nil, usageErrorf(cmd, fmt.Errorf("config file %s does not exist", path))
		case errors.Is(err, fs.ErrNotExist):
		case err != nil:
			return nil, usageErrorf(cmd, fmt.Errorf("config file %s: cannot read it: %s", path, unwrapAll(err)))
		default:
			if lines, err = configLines(data, path); err != nil {
				return nil, usageErrorf(cmd, err)
			}
			v.SetConfigType("yaml")
			if err := v.ReadConfig(bytes.NewReader(data)); err != nil {
				return nil, usageErrorf(cmd, fmt.Errorf("config file %s: %s; fix it or point --config elsewhere", path, strings.TrimPrefix(unwrapAll(err).Error(), "yaml: ")))
			}
			cfg.File = path
		}
	}
	if cfg.File != "" {
		known := allFlagNames(cmd.Root())
		for _, k := range v.AllKeys() {
			if k == "sources" || strings.HasPrefix(k, "sources.") || k == "trusted-sources" || k == "events" || strings.HasPrefix(k, "events.") {
				continue
			}
			if !slices.Contains(known, k) {
				return nil, usageErrorf(cmd, fmt.Errorf("config file %s: unknown key %q; keys are flag names, such as source, no-input, accessible, and sources", cfg.File, k))
			}
		}
		var err error
		if cfg.Sources, err = namedSources(v, cfg.File); err != nil {
			return nil, usageErrorf(cmd, err)
		}
		if cfg.Events, err = events.ParseConfig(v.Get("events"), cfg.File); err != nil {
			return nil, usageErrorf(cmd, err)
		}
		if v.IsSet("trusted-sources") {
			list, ok := v.Get("trusted-sources").([]any)
			if !ok {
				return nil, usageErrorf(cmd, fmt.Errorf("config file %s: trusted-sources must be a list of source URL prefixes", cfg.File))
			}
			for _, item := range list {
				cfg.Trusted = append(cfg.Trusted, fmt.Sprint(item))
			}
		}
	}

	// Viper reads the file; the environment comes through getenv so that tests can set it.
	var applyErr error
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		if f.Changed || f.Name == "config" || f.Name == "help" || applyErr != nil {
			return
		}
		env := envName(f.Name)
		var val any
		from := env
		if s := getenv(env); s != "" {
			val = s
		} else if v.IsSet(f.Name) {
			val, from = v.Get(f.Name), fmt.Sprintf("config file %s", cfg.File)
			if n := lines[f.Name]; n > 0 {
				from += fmt.Sprintf(":%d", n)
			}
		} else {
			return
		}
		for _, s := range configValues(val, f) {
			if f.Value.Type() == "bool" {
				if b, ok := parseBool(s); ok {
					s = strconv.FormatBool(b)
				}
			}
			if err := cmd.Flags().Set(f.Name, s); err != nil {
				applyErr = usageErrorf(cmd, fmt.Errorf("%s: %s: %s", from, f.Name, flagValueError(f, s, err)))
				return
			}
		}
	})
	if applyErr != nil {
		return nil, applyErr
	}
	fl := cmd.Flags()
	cfg.Output, _ = fl.GetString("output")
	cfg.NoInput, _ = fl.GetBool("no-input")
	cfg.Accessible, _ = fl.GetBool("accessible")
	cfg.Verbose, _ = fl.GetBool("verbose")
	if v := getenv("IDP_DEBUG"); v != "" {
		on, ok := parseBool(v)
		cfg.Verbose = cfg.Verbose || on || !ok // any other word turns debugging on, as it always has
	}
	if fl.Lookup("source") != nil {
		cfg.Source, _ = fl.GetString("source")
	} else {
		cfg.Source = v.GetString("source")
	}
	csvOK := cmd.Annotations["output-csv"] != "" // commands whose data is one table
	switch {
	case cfg.Output == "csv" && !csvOK:
		return nil, usageErrorf(cmd, fmt.Errorf("--output csv: %s prints text or json; csv is for idp fleet status", cmd.CommandPath()))
	case cfg.Output != "text" && cfg.Output != "json" && cfg.Output != "csv":
		return nil, usageErrorf(cmd, fmt.Errorf("--output %q: use text or json", cfg.Output))
	}
	return cfg, nil
}

// maxConfigSize is the largest config file idp reads: it holds a few settings.
const maxConfigSize = 1 << 20

// configLines parses the config file to find its keys' lines, for messages, and to refuse a
// key given twice in one mapping, which viper's YAML library words in its own terms.
func configLines(data []byte, file string) (map[string]int, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil || len(doc.Content) == 0 {
		return nil, nil // viper says what is wrong with the YAML itself
	}
	lines := map[string]int{}
	var walk func(n *yaml.Node, top bool) error
	walk = func(n *yaml.Node, top bool) error {
		if n.Kind == yaml.MappingNode {
			seen := map[string]int{}
			for i := 0; i+1 < len(n.Content); i += 2 {
				k := n.Content[i]
				if first, ok := seen[k.Value]; ok {
					return fmt.Errorf("config file %s:%d: %s is given twice (first at line %d); keep one", file, k.Line, k.Value, first)
				}
				seen[k.Value] = k.Line
				if top {
					lines[strings.ToLower(k.Value)] = k.Line
				}
			}
		}
		for _, c := range n.Content {
			if err := walk(c, false); err != nil {
				return err
			}
		}
		return nil
	}
	return lines, walk(doc.Content[0], true)
}

// flagValueError says what is wrong with a value given to flag f in the config file or an
// IDP_* variable, without strconv's wording.
func flagValueError(f *pflag.Flag, val string, err error) string {
	if want := flagWants(f.Value.Type()); want != "" {
		return fmt.Sprintf("%q is not %s", val, want)
	}
	// pflag puts `invalid argument "x" for "--flag" flag: ` before the value's own error.
	if _, after, ok := strings.Cut(err.Error(), " flag: "); ok {
		return fmt.Sprintf("%q: %s", val, after)
	}
	return err.Error()
}

// parseBool reads an on/off value from the environment or the config file: what strconv takes
// (true, false, 1, 0, t, f), and yes, no, on and off, in any case.
func parseBool(s string) (v, ok bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "1", "t", "true", "y", "yes", "on":
		return true, true
	case "0", "f", "false", "n", "no", "off":
		return false, true
	}
	return false, false
}

// flagWants names what a flag of a pflag type takes, for the types whose errors are strconv's.
func flagWants(typ string) string {
	switch typ {
	case "bool":
		return "true or false"
	case "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64", "count":
		return "a whole number"
	case "float32", "float64":
		return "a number"
	}
	return ""
}

var reStrconvFlag = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^invalid argument "(.*)" for "(?:-\w, )?--([^"]+)" flag: strconv\.\w+: parsing .*$`)
})

// flagParseError rewords a command-line flag's value error that carries strconv's text.
func flagParseError(cmd *cobra.Command, err error) error {
	m := reStrconvFlag().FindStringSubmatch(err.Error())
	if m == nil {
		return err
	}
	want := "a valid value"
	if f := cmd.Flags().Lookup(m[2]); f != nil {
		if w := flagWants(f.Value.Type()); w != "" {
			want = w
		}
	}
	return fmt.Errorf("invalid argument %q for --%s: want %s", m[1], m[2], want)
}

// namedSources reads `sources:`, a map from a short name to a git URL or directory, so that
// `--source platform` (and `source: platform`) can stand for the URL.
func namedSources(v *viper.Viper, file string) (map[string]string, error) {
	if !v.IsSet("sources") {
		return nil, nil
	}
	raw, ok := v.Get("sources").(map[string]any)
	if !ok {
		return nil, fmt.Errorf("config file %s: sources must map names to git URLs or directories, such as\n  sources:\n    platform: https://git.example.com/platform/golden-paths.git", file)
	}
	out := make(map[string]string, len(raw))
	for name, loc := range raw {
		s, ok := loc.(string)
		if !ok || s == "" {
			return nil, fmt.Errorf("config file %s: sources.%s must be a git URL or a directory", file, name)
		}
		if strings.ContainsAny(name, "/:@\\") {
			return nil, fmt.Errorf("config file %s: source name %q: use a short name without / : @", file, name)
		}
		out[name] = s
	}
	return out, nil
}

// resolveSource turns a source name from the config's sources into its URL or directory.
func (c *Config) resolveSource(loc string) string {
	if u, ok := c.Sources[strings.ToLower(loc)]; ok {
		return u
	}
	return loc
}

// envName is the variable that sets a flag: IDP_ and the flag's name in upper case, dashes as
// underscores.
func envName(flag string) string {
	return "IDP_" + strings.ToUpper(strings.ReplaceAll(flag, "-", "_"))
}

// configValues turns a config or env value into the strings to Set on a flag; a list, or a
// comma-separated string, fills a repeatable flag.
func configValues(val any, f *pflag.Flag) []string {
	repeatable := strings.HasSuffix(f.Value.Type(), "Array") || strings.HasSuffix(f.Value.Type(), "Slice")
	switch x := val.(type) {
	case []any:
		out := make([]string, len(x))
		for i, item := range x {
			out[i] = fmt.Sprint(item)
		}
		return out
	case string:
		if !repeatable {
			return []string{x}
		}
		if f.Name == "set" {
			return splitSet(x)
		}
		return strings.Split(x, ",")
	}
	return []string{fmt.Sprint(val)}
}

func allFlagNames(root *cobra.Command) []string {
	var names []string
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		c.Flags().VisitAll(func(f *pflag.Flag) { names = append(names, f.Name) })
		c.PersistentFlags().VisitAll(func(f *pflag.Flag) { names = append(names, f.Name) })
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	return names
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

// splitSet splits IDP_SET on the commas that start a new KEY=VALUE, so that a list value keeps
// its own commas: "name=x,environments=dev,prod" is two answers.
func splitSet(s string) []string {
	var out []string
	for _, part := range strings.Split(s, ",") {
		if len(out) > 0 && !strings.Contains(part, "=") {
			out[len(out)-1] += "," + part
			continue
		}
		out = append(out, part)
	}
	return out
}
