// Package doctor checks what idp depends on (the git command, the config, each source with the
// credentials idp would use, known_hosts for ssh sources, the source cache and a forge token's
// scopes) and says, check by check, what works and what to fix. It changes nothing but what
// idp itself would: a git source is cloned or fetched into the cache, as idp new would.
package doctor

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"net/http"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/idp-cli/idp/internal/forge"
	"github.com/idp-cli/idp/internal/gitauth"
	"github.com/idp-cli/idp/internal/neterr"
	"github.com/idp-cli/idp/internal/shell"
	"github.com/idp-cli/idp/internal/source"
)

// Status is how a check came out.
type Status string

const (
	OK   Status = "ok"
	Warn Status = "warn" // works, but something will bite: a stale cache, a scope that is sometimes needed
	Fail Status = "fail" // broken: some idp command fails until it is fixed
)

// Check is one thing checked.
type Check struct {
	Name   string `json:"name"`   // what was checked: git, config, source NAME, known_hosts HOST, cache, forge PROVIDER
	Status Status `json:"status"` // ok, warn or fail
	Detail string `json:"detail"` // what was found
	Fix    string `json:"fix,omitempty"`
}

// Report is every check, in the order made.
type Report struct {
	Checks []Check `json:"checks"`
}

// Count is the number of checks with status s.
func (r *Report) Count(s Status) int {
	n := 0
	for _, c := range r.Checks {
		if c.Status == s {
			n++
		}
	}
	return n
}

// Config is idp's configuration as the command line found it. A config that cannot be read is
// not an error for doctor: it is the first thing to report.
type Config struct {
	File  string // the config file read, or the one idp would read
	Found bool   // File exists and was read
	// Err is why idp stops before any command: the file, or an IDP_* variable, is wrong.
	Err error
	// Source is the default source (--source, IDP_SOURCE or the file's source:), a name from
	// Sources, a URL or a directory; "" means the golden paths built into idp.
	Source  string
	Sources map[string]string // the file's named sources
}

// Options say what to check.
type Options struct {
	Config   Config
	CacheDir string // where git sources are cloned
	// Provider (github, gitlab, gitea) and Host name the forge whose token to check; no
	// Provider, no forge check.
	Provider string
	Host     string
	// Timeout bounds each source and the forge; 0 means DefaultTimeout, less than 0 no limit.
	Timeout time.Duration
}

// DefaultTimeout is how long doctor waits for one source or forge.
const DefaultTimeout = 20 * time.Second

// Deps are what doctor reaches the world through.
type Deps struct {
	Getenv func(string) string
	// Git finds the git command and its version (gitcli.Version).
	Git func(ctx context.Context) (path, version string, err error)
	// Builtin opens the golden paths built into idp.
	Builtin    func() (*source.GitSource, error)
	HTTPClient *http.Client // for forge APIs; nil means forge's default
	Now        func() time.Time
	// Progress, when set, shows clones and fetches as they go (a terminal's stderr).
	Progress io.Writer
}

// Run makes every check. Its only error is ctx's, when the run is cancelled.
func Run(ctx context.Context, d Deps, o Options) (*Report, error) {
	if o.Timeout == 0 {
		o.Timeout = DefaultTimeout
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	r := &Report{}
	r.Checks = append(r.Checks, checkGit(ctx, d))
	r.Checks = append(r.Checks, checkConfig(o.Config))
	seenHosts := map[string]bool{}
	var sources []src
	if o.Config.Err == nil || o.Config.Source != "" {
		// Without a config, which sources idp would use is unknown, save one given as a flag.
		sources = sourcesOf(o.Config)
	}
	for _, s := range sources {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		r.Checks = append(r.Checks, checkSource(ctx, d, o, s, seenHosts)...)
	}
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	r.Checks = append(r.Checks, checkCache(o.CacheDir))
	if o.Provider != "" {
		r.Checks = append(r.Checks, checkForge(ctx, d, o))
	}
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	return r, nil
}

func withTimeout(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	if d < 0 {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, d)
}

// split turns one of idp's messages, "what is wrong; what to do", into a check's detail and
// fix, at its last "; ".
func split(msg string) (detail, fix string) {
	if i := strings.LastIndex(msg, "; "); i > 0 {
		return msg[:i], msg[i+2:]
	}
	return msg, ""
}

func failed(name string, err error) Check {
	detail, fix := split(neterr.Explain(err).Error())
	return Check{Name: name, Status: Fail, Detail: detail, Fix: fix}
}

func checkGit(ctx context.Context, d Deps) Check {
	path, version, err := d.Git(ctx)
	if err != nil {
		return failed("git", err)
	}
	return Check{Name: "git", Status: OK, Detail: fmt.Sprintf("git version %s (%s)", version, path)}
}

func checkConfig(c Config) Check {
	ck := Check{Name: "config", Status: OK}
	switch {
	case c.Err != nil:
		detail, fix := split(c.Err.Error())
		switch {
		case fix != "":
		case strings.HasSuffix(detail, " does not exist"):
			fix = "create it, or point --config (IDP_CONFIG) at a file that exists"
		case strings.Contains(detail, "config file"):
			fix = fmt.Sprintf("fix %s, or point --config (IDP_CONFIG) at another file", c.File)
		default:
			fix = "correct or unset that variable"
		}
		ck.Status, ck.Detail, ck.Fix = Fail, detail, fix+"; until then idp commands stop at this error"
	case !c.Found && c.File == "":
		ck.Detail = "no config file (neither HOME nor XDG_CONFIG_HOME is set); flags and IDP_* variables only"
	case !c.Found:
		ck.Detail = fmt.Sprintf("no config file at %s (none is needed); flags and IDP_* variables only", c.File)
	default:
		src := "the built-in golden paths"
		if c.Source != "" {
			src = gitauth.Redact(c.Source)
		}
		ck.Detail = fmt.Sprintf("%s: default source %s", c.File, src)
		if n := len(c.Sources); n > 0 {
			ck.Detail += fmt.Sprintf("; %s: %s", plural(n, "named source"), strings.Join(slices.Sorted(maps.Keys(c.Sources)), ", "))
		}
	}
	return ck
}

// src is one source to check.
type src struct {
	name      string // its name in the config, "" for an unnamed default
	loc       string // URL or directory; "" for the built-in golden paths
	isDefault bool
}

// sourcesOf lists the default source, then the named ones by name, each location once.
func sourcesOf(c Config) []src {
	def := src{loc: c.Source, isDefault: true}
	if loc, ok := c.Sources[strings.ToLower(c.Source)]; ok {
		def = src{name: strings.ToLower(c.Source), loc: loc, isDefault: true}
	}
	if def.loc == source.Builtin {
		def.loc = ""
	}
	out := []src{def}
	for _, name := range slices.Sorted(maps.Keys(c.Sources)) {
		loc := c.Sources[name]
		if name == def.name || loc == def.loc {
			continue
		}
		out = append(out, src{name: name, loc: loc})
	}
	return out
}

func (s src) checkName() string {
	switch {
	case s.name == "":
		return "source"
	case s.isDefault:
		return "source " + s.name + " (default)"
	}
	return "source " + s.name
}

func checkSource(ctx context.Context, d Deps, o Options, s src, seenHosts map[string]bool) []Check {
	name := s.checkName()
	switch {
	case s.loc == "" || s.loc == source.Builtin:
		g, err := d.Builtin()
		if err != nil {
			return []Check{failed(name, fmt.Errorf("the built-in golden paths cannot be read (%w); reinstall idp", err))}
		}
		_, all, err := g.Catalog()
		if err != nil {
			return []Check{failed(name, err)}
		}
		return []Check{{Name: name, Status: OK, Detail: "built in: " + listed(g, all)}}
	case source.IsGitURL(s.loc):
		return checkGitSource(ctx, d, o, s, name, seenHosts)
	}
	l, err := source.OpenLocal(ctx, s.loc)
	if err != nil {
		return []Check{failed(name, trimSource(err))}
	}
	if l.Git == nil {
		all, err := plainCatalog(l.Dir)
		if err != nil {
			return []Check{failed(name, trimSource(err))}
		}
		return []Check{{Name: name, Status: OK, Detail: fmt.Sprintf("%s: a directory without versions (no version tags), so services made from it cannot be updated; %s", l.Dir, listed(nil, all))}}
	}
	_, all, err := l.Git.Catalog()
	if err != nil {
		return []Check{failed(name, trimSource(err))}
	}
	ck := Check{Name: name, Status: OK, Detail: fmt.Sprintf("%s: a git repository, its tags its versions; %s", l.Dir, listed(l.Git, all))}
	if len(l.Dirty) > 0 {
		ck.Status = Warn
		msg := (&source.DirtyError{Dir: l.Dir, Dirty: l.Dirty}).Error()
		_, ck.Fix = split(msg)
		ck.Detail += "; " + strings.TrimPrefix(strings.TrimSuffix(msg, "; "+ck.Fix), "source "+l.Dir+" ")
	}
	return []Check{ck}
}

func plainCatalog(dir string) ([]*source.Template, error) {
	plain, err := source.Dir(dir)
	if err != nil {
		return nil, err
	}
	return plain.Catalog()
}

func checkGitSource(ctx context.Context, d Deps, o Options, s src, name string, seenHosts map[string]bool) []Check {
	var out []Check
	shown := gitauth.Redact(s.loc)
	if k, ok := gitauth.CheckKnownHost(s.loc, d.Getenv); ok {
		if !seenHosts[k.Host] {
			seenHosts[k.Host] = true
			out = append(out, knownHostCheck(k))
		}
		if k.Err != nil {
			return append(out, Check{Name: name, Status: Fail,
				Detail: fmt.Sprintf("%s: not tried, since the host key of %s cannot be checked", shown, k.Host),
				Fix:    "fix known_hosts " + k.Host + " first"})
		}
	}
	cred := gitauth.For(s.loc, d.Getenv)
	if cred.Err != nil {
		return append(out, failed(name, fmt.Errorf("%s: %w", shown, cred.Err)))
	}
	tctx, cancel := withTimeout(ctx, o.Timeout)
	defer cancel()
	g, err := source.OpenGit(tctx, s.loc, source.GitOptions{
		CacheDir: o.CacheDir, Auth: cred.Auth, Tried: cred.Tried, Progress: d.Progress,
		Explain: func(err error) error { return gitauth.ExplainSSH(err, s.loc, d.Getenv) },
	})
	if err != nil {
		source.ForgetFailedClone(o.CacheDir, s.loc)
		if ctx.Err() == nil && tctx.Err() != nil {
			return append(out, Check{Name: name, Status: Fail,
				Detail: fmt.Sprintf("%s: no answer within %s", shown, o.Timeout),
				Fix:    "check the network and the host in the URL, or give a slow host more time with --timeout"})
		}
		return append(out, failed(name, trimSource(err)))
	}
	how := "without credentials"
	if cred.From != "" {
		how = "with credentials from " + cred.From
	}
	_, all, err := g.Catalog()
	if err != nil {
		return append(out, failed(name, fmt.Errorf("%s: reachable %s, but %w", shown, how, trimSource(err))))
	}
	return append(out, Check{Name: name, Status: OK, Detail: fmt.Sprintf("%s: reachable %s; %s", shown, how, listed(g, all))})
}

func knownHostCheck(k gitauth.KnownHost) Check {
	name := "known_hosts " + k.Host
	if k.Err != nil {
		return failed(name, k.Err)
	}
	var types []string
	for _, t := range k.Keys {
		// ssh-rsa keys are offered as rsa-sha2-512 and rsa-sha2-256 too.
		if t = strings.TrimPrefix(strings.TrimPrefix(t, "rsa-sha2-512"), "rsa-sha2-256"); t != "" && !slices.Contains(types, t) {
			types = append(types, t)
		}
	}
	return Check{Name: name, Status: OK, Detail: fmt.Sprintf("%s is known: %s in %s", k.Host, strings.Join(types, ", "), strings.Join(k.Files, ", "))}
}

// trimSource drops the "source " that source's errors begin with: the check's name says it.
func trimSource(err error) error {
	if err == nil {
		return nil
	}
	msg := neterr.Explain(err).Error()
	if rest, ok := strings.CutPrefix(msg, "source "); ok {
		return errors.New(rest)
	}
	return errors.New(msg)
}

// listed names the golden paths with their latest versions: "2 golden paths: a v1.1.0, b".
func listed(g *source.GitSource, all []*source.Template) string {
	if len(all) == 0 {
		return "no golden paths (directories holding a template.yaml)"
	}
	const most = 5
	var names []string
	for i, t := range all {
		if i == most {
			names = append(names, fmt.Sprintf("and %d more", len(all)-most))
			break
		}
		n := t.Manifest.Name
		if g != nil {
			for _, v := range g.Versions(t.Dir) {
				if v.Semver.Prerelease() == "" {
					n += " " + v.Short()
					break
				}
			}
		}
		names = append(names, n)
	}
	return plural(len(all), "golden path") + ": " + strings.Join(names, ", ")
}

func checkCache(dir string) Check {
	ck := Check{Name: "cache", Status: OK}
	c, err := source.ScanCache(dir)
	if err != nil {
		ck.Status, ck.Detail = Fail, fmt.Sprintf("%s cannot be read", dir)
		ck.Fix = "make it readable and writable by you, or point XDG_CACHE_HOME elsewhere"
		if !errors.Is(err, fs.ErrPermission) {
			ck.Detail += " (" + err.Error() + ")"
		}
		return ck
	}
	if !c.Exists {
		ck.Detail = dir + ": empty; git sources are cloned there on first use"
		return ck
	}
	if f, err := os.CreateTemp(dir, ".idp-doctor-*"); err != nil {
		ck.Status, ck.Detail = Fail, dir+" cannot be written to, so no git source can be cloned or fetched"
		ck.Fix = "make it writable by you, or point XDG_CACHE_HOME elsewhere"
		return ck
	} else {
		f.Close()
		os.Remove(f.Name())
	}
	if c.Clones == 0 {
		ck.Detail = fmt.Sprintf("%s: no clones, %s", dir, size(c.Size))
	} else {
		ck.Detail = fmt.Sprintf("%s: %s, %s", dir, plural(c.Clones, "clone"), size(c.Size))
	}
	if n := len(c.Busy); n > 0 {
		ck.Detail += fmt.Sprintf("; %s in use by an idp running now", plural(n, "entry"))
	}
	if len(c.Stale) > 0 {
		ck.Status = Warn
		var what, paths []string
		for _, s := range c.Stale {
			what = append(what, s.Name+" ("+s.Why+")")
			paths = append(paths, shell.Quote(dir+string(os.PathSeparator)+s.Name))
		}
		ck.Detail += fmt.Sprintf("; %s left by runs that failed or were killed: %s", plural(len(c.Stale), "stale entry"), strings.Join(what, ", "))
		ck.Fix = "no idp needs them; remove them with: rm -r " + strings.Join(paths, " ")
	}
	return ck
}

func checkForge(ctx context.Context, d Deps, o Options) Check {
	name := "forge " + o.Provider
	tokenVar := forge.TokenVar(o.Provider)
	if tokenVar == "" {
		return Check{Name: name, Status: Fail, Detail: fmt.Sprintf("unknown forge provider %q", o.Provider),
			Fix: "give --provider one of " + strings.Join(forge.Names(), ", ")}
	}
	from, token := tokenVar, d.Getenv(tokenVar)
	if token == "" {
		from, token = "IDP_GIT_TOKEN", d.Getenv("IDP_GIT_TOKEN")
	}
	tctx, cancel := withTimeout(ctx, o.Timeout)
	defer cancel()
	t, err := forge.CheckToken(tctx, o.Provider, forge.Options{Host: o.Host, Token: token, HTTPClient: d.HTTPClient})
	where := o.Host
	if t != nil && t.URL != "" {
		where = t.URL
	}
	needs := forge.Needs(o.Provider)
	var ae *forge.AuthError
	switch {
	case err == nil:
	case forge.IsNoToken(err):
		return Check{Name: name, Status: Fail, Detail: fmt.Sprintf("%s: no token in %s or IDP_GIT_TOKEN", where, tokenVar),
			Fix: fmt.Sprintf("set %s to a token with %s", tokenVar, needs)}
	case errors.As(err, &ae):
		reason, ok := strings.CutPrefix(ae.Reason, "the token ")
		if ok {
			reason = "the token from " + from + " " + reason
		} else {
			reason += " (token from " + from + ")"
		}
		return Check{Name: name, Status: Fail, Detail: where + ": " + reason,
			Fix: fmt.Sprintf("set %s to a valid token with %s", from, needs)}
	case ctx.Err() == nil && tctx.Err() != nil:
		return Check{Name: name, Status: Fail, Detail: fmt.Sprintf("%s: no answer within %s", where, o.Timeout),
			Fix: "check the network and --host, or give a slow host more time with --timeout"}
	default:
		msg := strings.TrimPrefix(neterr.Explain(err).Error(), o.Provider+": ")
		return failed(name, errors.New(where+": "+msg))
	}
	ck := Check{Name: name, Status: OK, Detail: fmt.Sprintf("%s: the token from %s is accepted", where, from)}
	if t.User != "" {
		ck.Detail += " as " + t.User
	}
	switch {
	case t.Shown && len(t.Scopes) == 0:
		ck.Detail += "; it has no scopes"
	case t.Shown:
		ck.Detail += "; scopes " + strings.Join(t.Scopes, ", ")
	case len(t.Missing) > 0:
	case o.Provider == "gitea":
		ck.Detail += "; Gitea does not show a token its own scopes: it needs read:user and " + needs
	case o.Provider == "gitlab":
		ck.Detail += "; its scopes are not shown (not an access token, or a GitLab before 15.5): it needs " + needs
	default:
		ck.Detail += "; its scopes are not shown (a fine-grained or app token): it needs " + needs
	}
	if !t.Expires.IsZero() {
		day := t.Expires.Format(time.DateOnly)
		if left := t.Expires.Sub(d.Now()); left < 7*24*time.Hour {
			ck.Status = Warn
			ck.Detail += "; it expires on " + day
			ck.Fix = fmt.Sprintf("renew it, or make a new one with %s, and set %s to it", needs, from)
		} else {
			ck.Detail += "; expires on " + day
		}
	}
	var fixes []string
	for _, n := range t.Missing {
		if n.Required {
			ck.Status = Fail
		} else if ck.Status == OK {
			ck.Status = Warn
		}
		fixes = append(fixes, fmt.Sprintf("%s (%s)", n.Scope, n.Why))
	}
	if len(fixes) > 0 {
		fix := "give the token " + strings.Join(fixes, " and ")
		if ck.Fix != "" {
			fix = ck.Fix + "; " + fix
		}
		ck.Fix = fix
	}
	return ck
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	if strings.HasSuffix(word, "y") {
		return fmt.Sprintf("%d %sies", n, strings.TrimSuffix(word, "y"))
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// size is n bytes in the binary units du -h uses.
func size(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}
