package config

import (
	"fmt"
	"regexp"
	"strings"
	"sync"

	"github.com/spf13/pflag"
)

// EnvName is the variable that sets a flag: IDP_ and the flag's name in upper case, dashes as
// underscores.
func EnvName(flag string) string {
	return "IDP_" + strings.ToUpper(strings.ReplaceAll(flag, "-", "_"))
}

// flagValues turns a config or env value into the strings to Set on a flag; a list, or a
// comma-separated string, fills a repeatable flag.
func flagValues(val any, f *pflag.Flag) []string {
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

// FlagParseError rewords a command-line flag's value error that carries strconv's text; fl
// holds the flag.
func FlagParseError(fl *pflag.FlagSet, err error) error {
	m := reStrconvFlag().FindStringSubmatch(err.Error())
	if m == nil {
		return err
	}
	want := "a valid value"
	if f := fl.Lookup(m[2]); f != nil {
		if w := flagWants(f.Value.Type()); w != "" {
			want = w
		}
	}
	return fmt.Errorf("invalid argument %q for --%s: want %s", m[1], m[2], want)
}
