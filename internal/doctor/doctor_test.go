package doctor_test

import (
	"context"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/idp-cli/idp/internal/doctor"
	"github.com/idp-cli/idp/internal/forge/forgetest"
	"github.com/idp-cli/idp/internal/gitcli"
	"github.com/idp-cli/idp/internal/source"
	"github.com/idp-cli/idp/internal/testutil/gitserver"
	"github.com/idp-cli/idp/internal/testutil/sshserver"
	"github.com/idp-cli/idp/templates"
)

// env is a process environment for one test: HOME in a temp dir, nothing else set.
type env map[string]string

func (e env) get(k string) string { return e[k] }

func newEnv(t *testing.T) env { return env{"HOME": t.TempDir()} }

func deps(e env) doctor.Deps {
	return doctor.Deps{
		Getenv:  e.get,
		Git:     gitcli.Version,
		Builtin: func() (*source.GitSource, error) { return source.OpenBuiltin(templates.History()) },
		Now:     func() time.Time { return time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC) },
	}
}

func run(t *testing.T, e env, o doctor.Options) *doctor.Report {
	t.Helper()
	if o.CacheDir == "" {
		o.CacheDir = filepath.Join(t.TempDir(), "sources")
	}
	r, err := doctor.Run(context.Background(), deps(e), o)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// checks returns the checks whose name starts with prefix.
func checks(r *doctor.Report, prefix string) []doctor.Check {
	var out []doctor.Check
	for _, c := range r.Checks {
		if strings.HasPrefix(c.Name, prefix) {
			out = append(out, c)
		}
	}
	return out
}

func same(t *testing.T, what string, got, want []doctor.Check) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		var b strings.Builder
		for _, c := range got {
			b.WriteString("\n  " + string(c.Status) + " | " + c.Name + " | " + c.Detail + " | " + c.Fix)
		}
		b.WriteString("\nwant:")
		for _, c := range want {
			b.WriteString("\n  " + string(c.Status) + " | " + c.Name + " | " + c.Detail + " | " + c.Fix)
		}
		t.Errorf("%s: got:%s", what, b.String())
	}
}

func git(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t",
		"GIT_COMMITTER_EMAIL=t@example.com", "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL="+os.DevNull)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

const manifest = "apiVersion: idp/v1\nkind: Template\ntype: service\ntitle: Tiny service\nparameters:\n  - name: name\n    required: true\n"

// goldenPaths makes a work tree holding the golden path svc, tagged v1.0.0, and pushes it to
// the bare repositories given.
func goldenPaths(t *testing.T, bare ...string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range map[string]string{"svc/template.yaml": manifest, "svc/skeleton/app.txt": "app\n"} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	git(t, dir, "init", "-q", "-b", "main")
	git(t, dir, "add", "-A")
	git(t, dir, "commit", "-q", "-m", "v1")
	git(t, dir, "tag", "v1.0.0")
	for _, b := range bare {
		git(t, dir, "push", "-q", b, "main", "v1.0.0")
	}
	return dir
}

func TestGit(t *testing.T) {
	r := run(t, newEnv(t), doctor.Options{})
	c := r.Checks[0]
	if c.Name != "git" || c.Status != doctor.OK || !regexp.MustCompile(`^git version \d+\.\d+\S* \(/\S+/git\)$`).MatchString(c.Detail) {
		t.Errorf("git found: %+v", c)
	}

	t.Setenv("PATH", t.TempDir())
	r = run(t, newEnv(t), doctor.Options{})
	same(t, "no git", checks(r, "git"), []doctor.Check{{Name: "git", Status: doctor.Fail,
		Detail: "the git command is not installed; idp needs it to merge files changed both locally and in the golden path (idp update), read file:// sources and see a work tree's uncommitted changes",
		Fix:    "install git (it is in every package manager)"}})
	if r.Count(doctor.Fail) != 1 {
		t.Errorf("a missing git should fail only its own check: %+v", r.Checks)
	}
}

func TestConfig(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  doctor.Config
		want doctor.Check
	}{
		{"none", doctor.Config{File: "/h/.config/idp/config.yaml"},
			doctor.Check{Name: "config", Status: doctor.OK, Detail: "no config file at /h/.config/idp/config.yaml (none is needed); flags and IDP_* variables only"}},
		{"no home", doctor.Config{},
			doctor.Check{Name: "config", Status: doctor.OK, Detail: "no config file (neither HOME nor XDG_CONFIG_HOME is set); flags and IDP_* variables only"}},
		{"read", doctor.Config{File: "/c.yaml", Found: true, Source: "platform", Sources: map[string]string{"platform": "https://ada:pw@git.example.com/gp.git", "b": "./b"}},
			doctor.Check{Name: "config", Status: doctor.OK, Detail: "/c.yaml: default source platform; 2 named sources: b, platform"}},
		{"read, built in", doctor.Config{File: "/c.yaml", Found: true},
			doctor.Check{Name: "config", Status: doctor.OK, Detail: "/c.yaml: default source the built-in golden paths"}},
		{"a URL with a password", doctor.Config{File: "/c.yaml", Found: true, Source: "https://ada:pw@git.example.com/gp.git"},
			doctor.Check{Name: "config", Status: doctor.OK, Detail: "/c.yaml: default source https://git.example.com/gp.git"}},
		{"bad value", doctor.Config{File: "/c.yaml", Err: errors.New(`config file /c.yaml:2: no-input: "maybe" is not true or false`)},
			doctor.Check{Name: "config", Status: doctor.Fail, Detail: `config file /c.yaml:2: no-input: "maybe" is not true or false`,
				Fix: "fix /c.yaml, or point --config (IDP_CONFIG) at another file; until then idp commands stop at this error"}},
		{"bad YAML", doctor.Config{File: "/c.yaml", Err: errors.New("config file /c.yaml: line 1: did not find expected key; fix it or point --config elsewhere")},
			doctor.Check{Name: "config", Status: doctor.Fail, Detail: "config file /c.yaml: line 1: did not find expected key",
				Fix: "fix it or point --config elsewhere; until then idp commands stop at this error"}},
		{"missing", doctor.Config{File: "/c.yaml", Err: errors.New("config file /c.yaml does not exist")},
			doctor.Check{Name: "config", Status: doctor.Fail, Detail: "config file /c.yaml does not exist",
				Fix: "create it, or point --config (IDP_CONFIG) at a file that exists; until then idp commands stop at this error"}},
		{"variable", doctor.Config{File: "/c.yaml", Err: errors.New(`IDP_NO_INPUT: no-input: "maybe" is not true or false`)},
			doctor.Check{Name: "config", Status: doctor.Fail, Detail: `IDP_NO_INPUT: no-input: "maybe" is not true or false`,
				Fix: "correct or unset that variable; until then idp commands stop at this error"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := run(t, newEnv(t), doctor.Options{Config: tc.cfg})
			same(t, "config", checks(r, "config"), []doctor.Check{tc.want})
		})
	}
}

// TestBrokenConfigSources: with a config that cannot be read, which sources idp would use is
// unknown; doctor checks only one given on the command line.
func TestBrokenConfigSources(t *testing.T) {
	broken := errors.New("config file /c.yaml does not exist")
	r := run(t, newEnv(t), doctor.Options{Config: doctor.Config{File: "/c.yaml", Err: broken}})
	if got := checks(r, "source"); len(got) != 0 {
		t.Errorf("sources checked without a config: %+v", got)
	}
	dir := t.TempDir()
	r = run(t, newEnv(t), doctor.Options{Config: doctor.Config{File: "/c.yaml", Err: broken, Source: dir}})
	same(t, "--source", checks(r, "source"), []doctor.Check{{Name: "source", Status: doctor.OK,
		Detail: dir + ": a directory without versions (no version tags), so services made from it cannot be updated; no golden paths (directories holding a template.yaml)"}})
}

// TestHTTPSource: a git source on a real git server, reached without credentials, with
// IDP_GIT_TOKEN, and with a password in its URL, which never shows.
func TestHTTPSource(t *testing.T) {
	srv := gitserver.Start(t, "ada", "s3cret-pw")
	url := srv.NewBare(t, "golden")
	goldenPaths(t, srv.CredentialURL("golden"))
	e := newEnv(t)
	cache := filepath.Join(t.TempDir(), "sources")
	opts := doctor.Options{Config: doctor.Config{Source: url}, CacheDir: cache}

	r := run(t, e, opts)
	same(t, "no credentials", checks(r, "source"), []doctor.Check{{Name: "source", Status: doctor.Fail,
		Detail: url + ": clone refused: the credentials were missing or wrong (tried: IDP_GIT_TOKEN, " + e["HOME"] + "/.netrc)",
		Fix:    "give them in the URL, IDP_GIT_TOKEN (and IDP_GIT_USERNAME), the host's token variable or ~/.netrc"}})
	if entries, _ := os.ReadDir(cache); len(entries) != 0 {
		t.Errorf("the failed clone left %v in the cache", entries)
	}

	e["IDP_GIT_TOKEN"], e["IDP_GIT_USERNAME"] = "s3cret-pw", "ada"
	r = run(t, e, opts)
	same(t, "IDP_GIT_TOKEN", checks(r, "source"), []doctor.Check{{Name: "source", Status: doctor.OK,
		Detail: url + ": reachable with credentials from IDP_GIT_TOKEN; 1 golden path: svc v1.0.0"}})
	if _, err := os.Stat(source.CacheEntry(cache, url)); err != nil {
		t.Errorf("the source was not cloned into the cache: %v", err)
	}
	same(t, "cache", checks(r, "cache"), []doctor.Check{{Name: "cache", Status: doctor.OK, Detail: checks(r, "cache")[0].Detail}})
	if !regexp.MustCompile(`^` + regexp.QuoteMeta(cache) + `: 1 clone, \d+\.\d KiB$`).MatchString(checks(r, "cache")[0].Detail) {
		t.Errorf("cache: %+v", checks(r, "cache"))
	}

	e = newEnv(t)
	withPassword := srv.CredentialURL("golden")
	r = run(t, e, doctor.Options{Config: doctor.Config{File: "/c.yaml", Found: true, Source: "platform", Sources: map[string]string{"platform": withPassword}}})
	same(t, "password in the URL", checks(r, "source"), []doctor.Check{{Name: "source platform (default)", Status: doctor.OK,
		Detail: url + ": reachable with credentials from the URL; 1 golden path: svc v1.0.0"}})
	for _, c := range r.Checks {
		if strings.Contains(c.Detail+c.Fix, "s3cret-pw") {
			t.Errorf("the password shows in %+v", c)
		}
	}
}

// TestSSHSource: an ssh source on a real ssh git host: known_hosts missing, without the host,
// and with it; a key the host accepts, and one it does not.
func TestSSHSource(t *testing.T) {
	e := newEnv(t)
	key := sshserver.NewKey(t, filepath.Join(e["HOME"], "keys", "id_ed25519"), "")
	srv := sshserver.Start(t, t.TempDir(), key.Public)
	url := srv.NewBare(t, "golden")
	goldenPaths(t, filepath.Join(srv.Root, "golden.git"))
	e["IDP_SSH_KEY"] = key.Path
	host := srv.Addr
	_, port, _ := net.SplitHostPort(host)
	knownHosts := filepath.Join(e["HOME"], ".ssh", "known_hosts")
	opts := doctor.Options{Config: doctor.Config{Source: url}}

	r := run(t, e, opts)
	same(t, "no known_hosts", checks(r, "known_hosts"), []doctor.Check{{Name: "known_hosts " + host, Status: doctor.Fail,
		Detail: "the host key of " + host + " cannot be checked because " + knownHosts + " does not exist",
		Fix:    "check the host's key and add it with `ssh-keyscan -p " + port + " 127.0.0.1 >> " + knownHosts + "`, or set SSH_KNOWN_HOSTS to your known_hosts file"}})
	same(t, "no known_hosts", checks(r, "source"), []doctor.Check{{Name: "source", Status: doctor.Fail,
		Detail: url + ": not tried, since the host key of " + host + " cannot be checked",
		Fix:    "fix known_hosts " + host + " first"}})

	os.MkdirAll(filepath.Dir(knownHosts), 0o700)
	if err := os.WriteFile(knownHosts, []byte("git.example.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	r = run(t, e, opts)
	same(t, "host not in known_hosts", checks(r, "known_hosts"), []doctor.Check{{Name: "known_hosts " + host, Status: doctor.Fail,
		Detail: "the host key of " + host + " is not in known_hosts (" + knownHosts + ")",
		Fix:    "check the host's key and add it with `ssh-keyscan -p " + port + " 127.0.0.1 >> " + knownHosts + "`"}})

	srv.WriteKnownHosts(t, knownHosts)
	r = run(t, e, opts)
	same(t, "known host", r.Checks[2:4], []doctor.Check{
		{Name: "known_hosts " + host, Status: doctor.OK, Detail: host + " is known: ssh-ed25519 in " + knownHosts},
		{Name: "source", Status: doctor.OK, Detail: url + ": reachable with credentials from IDP_SSH_KEY; 1 golden path: svc v1.0.0"},
	})

	other := sshserver.NewKey(t, filepath.Join(e["HOME"], "keys", "other"), "")
	e["IDP_SSH_KEY"] = other.Path
	r = run(t, e, opts)
	same(t, "a key the host refuses", checks(r, "source"), []doctor.Check{{Name: "source", Status: doctor.Fail,
		Detail: url + ": clone refused: the ssh key was missing or not accepted by the host (tried: IDP_SSH_KEY)",
		Fix:    "load your key into the ssh agent or set IDP_SSH_KEY to its file, and check that the host has its public key"}})

	e["IDP_SSH_KEY"] = filepath.Join(e["HOME"], "keys", "nope")
	r = run(t, e, opts)
	same(t, "IDP_SSH_KEY missing", checks(r, "source"), []doctor.Check{{Name: "source", Status: doctor.Fail,
		Detail: url + ": ssh key " + e["IDP_SSH_KEY"] + " (IDP_SSH_KEY) does not exist",
		Fix:    "set IDP_SSH_KEY to your private key file"}})
}

// TestSourceTimeout: a host that takes the connection and never answers is given up after
// --timeout.
func TestSourceTimeout(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		var held []net.Conn
		defer func() {
			for _, c := range held {
				c.Close()
			}
		}()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			held = append(held, c)
		}
	}()
	url := "http://" + ln.Addr().String() + "/golden.git"
	start := time.Now()
	r := run(t, newEnv(t), doctor.Options{Config: doctor.Config{Source: url}, Timeout: 300 * time.Millisecond})
	same(t, "timeout", checks(r, "source"), []doctor.Check{{Name: "source", Status: doctor.Fail,
		Detail: url + ": no answer within 300ms",
		Fix:    "check the network and the host in the URL, or give a slow host more time with --timeout"}})
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("doctor waited %s", d)
	}
}

// TestLocalSources: the default source named in the config first, then the others by name,
// each location once; a plain directory, a git work tree with uncommitted changes, a missing
// directory and the built-in golden paths.
func TestLocalSources(t *testing.T) {
	plain := t.TempDir()
	os.MkdirAll(filepath.Join(plain, "web", "skeleton"), 0o755)
	os.WriteFile(filepath.Join(plain, "web", "template.yaml"), []byte(manifest), 0o644)
	work := goldenPaths(t)
	os.WriteFile(filepath.Join(work, "svc", "skeleton", "app.txt"), []byte("changed\n"), 0o644)
	missing := filepath.Join(t.TempDir(), "nope")

	r := run(t, newEnv(t), doctor.Options{Config: doctor.Config{File: "/c.yaml", Found: true, Source: "Work", Sources: map[string]string{
		"work": work, "again": work, "plain": plain, "gone": missing, "built": "builtin",
	}}})
	same(t, "sources", checks(r, "source"), []doctor.Check{
		{Name: "source work (default)", Status: doctor.Warn,
			Detail: work + ": a git repository, its tags its versions; 1 golden path: svc v1.0.0; has uncommitted changes (M svc/skeleton/app.txt), which no version holds",
			Fix:    "commit and tag them, give --version a tag or branch to use what is committed, or --version work-tree to use the files as they are (the service then cannot be updated)"},
		{Name: "source built", Status: doctor.OK, Detail: "built in: 3 golden paths: argocd v1.0.0, go-service v1.2.1, techdocs v1.0.0"},
		{Name: "source gone", Status: doctor.Fail, Detail: missing + " does not exist",
			Fix: "give --source a directory of golden paths or a git URL"},
		{Name: "source plain", Status: doctor.OK,
			Detail: plain + ": a directory without versions (no version tags), so services made from it cannot be updated; 1 golden path: web"},
	})
}

func TestCache(t *testing.T) {
	cache := filepath.Join(t.TempDir(), "idp", "sources")
	r := run(t, newEnv(t), doctor.Options{CacheDir: cache})
	same(t, "no cache yet", checks(r, "cache"), []doctor.Check{{Name: "cache", Status: doctor.OK,
		Detail: cache + ": empty; git sources are cloned there on first use"}})

	os.MkdirAll(filepath.Join(cache, "0123456789abcdef01234567.tmp", "objects"), 0o755)
	os.WriteFile(filepath.Join(cache, "0123456789abcdef01234567.tmp", "objects", "pack"), make([]byte, 3000), 0o644)
	os.WriteFile(filepath.Join(cache, "0123456789abcdef01234567.lock"), nil, 0o644)
	os.WriteFile(filepath.Join(cache, "fedcba9876543210fedcba98.lock"), nil, 0o644)
	r = run(t, newEnv(t), doctor.Options{CacheDir: cache})
	same(t, "stale entries", checks(r, "cache"), []doctor.Check{{Name: "cache", Status: doctor.Warn,
		Detail: cache + ": no clones, 2.9 KiB; 3 stale entries left by runs that failed or were killed: 0123456789abcdef01234567.lock (the lock file of a clone that failed), 0123456789abcdef01234567.tmp (a clone cut short), fedcba9876543210fedcba98.lock (the lock file of a clone that failed)",
		Fix:    "no idp needs them; remove them with: rm -r " + cache + "/0123456789abcdef01234567.lock " + cache + "/0123456789abcdef01234567.tmp " + cache + "/fedcba9876543210fedcba98.lock"}})
	if r.Count(doctor.Fail) != 0 {
		t.Errorf("stale entries are a warning, not a failure: %+v", r.Checks)
	}

	if os.Geteuid() != 0 { // root writes anywhere
		os.Chmod(cache, 0o500)
		defer os.Chmod(cache, 0o755)
		r = run(t, newEnv(t), doctor.Options{CacheDir: cache})
		same(t, "read-only cache", checks(r, "cache"), []doctor.Check{{Name: "cache", Status: doctor.Fail,
			Detail: cache + " cannot be written to, so no git source can be cloned or fetched",
			Fix:    "make it writable by you, or point XDG_CACHE_HOME elsewhere"}})
	}
}

// TestForge: what the forge fakes say about a token, as each forge documents it.
func TestForge(t *testing.T) {
	gh := forgetest.GitHub(t)
	gl := forgetest.GitLab(t)
	gt := forgetest.Gitea(t)
	tok := forgetest.Token
	for _, tc := range []struct {
		name     string
		fake     *forgetest.Fake
		provider string
		scopes   forgetest.Scopes
		env      env
		want     func(host string) doctor.Check
		calls    []string
	}{
		{"github classic", gh, "github", forgetest.Scopes{Scopes: []string{"repo", "workflow", "read:org"}}, env{"GITHUB_TOKEN": tok},
			func(h string) doctor.Check {
				return doctor.Check{Name: "forge github", Status: doctor.OK, Detail: h + ": the token from GITHUB_TOKEN is accepted as alice; scopes repo, workflow, read:org"}
			}, []string{"GET /api/v3/user"}},
		{"github without workflow", gh, "github", forgetest.Scopes{Scopes: []string{"repo"}}, env{"IDP_GIT_TOKEN": tok},
			func(h string) doctor.Check {
				return doctor.Check{Name: "forge github", Status: doctor.Warn, Detail: h + ": the token from IDP_GIT_TOKEN is accepted as alice; scopes repo",
					Fix: "give the token workflow (GitHub refuses a push that adds or changes files under .github/workflows without it)"}
			}, nil},
		{"github public_repo", gh, "github", forgetest.Scopes{Scopes: []string{"public_repo", "workflow"}}, env{"GITHUB_TOKEN": tok},
			func(h string) doctor.Check {
				return doctor.Check{Name: "forge github", Status: doctor.Warn, Detail: h + ": the token from GITHUB_TOKEN is accepted as alice; scopes public_repo, workflow",
					Fix: "give the token repo (public_repo reaches public repositories only, and idp creates private ones unless --private=false)"}
			}, nil},
		{"github without repo", gh, "github", forgetest.Scopes{Scopes: []string{}}, env{"GITHUB_TOKEN": tok},
			func(h string) doctor.Check {
				return doctor.Check{Name: "forge github", Status: doctor.Fail, Detail: h + ": the token from GITHUB_TOKEN is accepted as alice; it has no scopes",
					Fix: "give the token repo (to create repositories, push to them and open pull requests) and workflow (GitHub refuses a push that adds or changes files under .github/workflows without it)"}
			}, nil},
		{"github fine-grained", gh, "github", forgetest.Scopes{}, env{"GITHUB_TOKEN": tok},
			func(h string) doctor.Check {
				return doctor.Check{Name: "forge github", Status: doctor.OK, Detail: h + ": the token from GITHUB_TOKEN is accepted as alice; its scopes are not shown (a fine-grained or app token): it needs the repo scope (a fine-grained token needs Administration: write on the owner, and Pull requests: write for pull requests)"}
			}, nil},
		{"github refused", gh, "github", forgetest.Scopes{}, env{"GITHUB_TOKEN": "wrong"},
			func(h string) doctor.Check {
				return doctor.Check{Name: "forge github", Status: doctor.Fail, Detail: h + ": the token from GITHUB_TOKEN was refused (401 Bad credentials)",
					Fix: "set GITHUB_TOKEN to a valid token with the repo scope (a fine-grained token needs Administration: write on the owner, and Pull requests: write for pull requests)"}
			}, nil},
		{"github no token", gh, "github", forgetest.Scopes{}, env{},
			func(h string) doctor.Check {
				return doctor.Check{Name: "forge github", Status: doctor.Fail, Detail: h + ": no token in GITHUB_TOKEN or IDP_GIT_TOKEN",
					Fix: "set GITHUB_TOKEN to a token with the repo scope (a fine-grained token needs Administration: write on the owner, and Pull requests: write for pull requests)"}
			}, []string{}},
		{"gitlab api", gl, "gitlab", forgetest.Scopes{Scopes: []string{"api"}, Expires: "2026-06-30"}, env{"GITLAB_TOKEN": tok},
			func(h string) doctor.Check {
				return doctor.Check{Name: "forge gitlab", Status: doctor.OK, Detail: h + ": the token from GITLAB_TOKEN is accepted as alice; scopes api; expires on 2026-06-30"}
			}, []string{"GET /api/v4/user", "GET /api/v4/personal_access_tokens/self"}},
		{"gitlab expiring", gl, "gitlab", forgetest.Scopes{Scopes: []string{"api"}, Expires: "2026-01-03"}, env{"GITLAB_TOKEN": tok},
			func(h string) doctor.Check {
				return doctor.Check{Name: "forge gitlab", Status: doctor.Warn, Detail: h + ": the token from GITLAB_TOKEN is accepted as alice; scopes api; it expires on 2026-01-03",
					Fix: "renew it, or make a new one with the api scope, and set GITLAB_TOKEN to it"}
			}, nil},
		{"gitlab read only", gl, "gitlab", forgetest.Scopes{Scopes: []string{"read_api", "write_repository"}}, env{"GITLAB_TOKEN": tok},
			func(h string) doctor.Check {
				return doctor.Check{Name: "forge gitlab", Status: doctor.Fail, Detail: h + ": the token from GITLAB_TOKEN is accepted as alice; scopes read_api, write_repository",
					Fix: "give the token api (to create projects and open merge requests (read_api and write_repository are not enough))"}
			}, nil},
		{"gitlab refused", gl, "gitlab", forgetest.Scopes{}, env{"GITLAB_TOKEN": "wrong"},
			func(h string) doctor.Check {
				return doctor.Check{Name: "forge gitlab", Status: doctor.Fail, Detail: h + ": the token from GITLAB_TOKEN was refused (401 Unauthorized)",
					Fix: "set GITLAB_TOKEN to a valid token with the api scope"}
			}, nil},
		{"gitea", gt, "gitea", forgetest.Scopes{}, env{"GITEA_TOKEN": tok},
			func(h string) doctor.Check {
				return doctor.Check{Name: "forge gitea", Status: doctor.OK, Detail: h + ": the token from GITEA_TOKEN is accepted as alice; Gitea does not show a token its own scopes: it needs read:user and the write:repository scope (and write:organization for organization repositories)"}
			}, []string{"GET /api/v1/user"}},
		{"gitea without read:user", gt, "gitea", forgetest.Scopes{Scopes: []string{"write:repository"}}, env{"GITEA_TOKEN": tok},
			func(h string) doctor.Check {
				return doctor.Check{Name: "forge gitea", Status: doctor.Fail, Detail: h + ": the token from GITEA_TOKEN is accepted",
					Fix: "give the token read:user (idp reads whom the token belongs to before creating a repository)"}
			}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			host := tc.fake.WithScopes(t, tc.scopes)
			before := len(tc.fake.Calls())
			tc.env["HOME"] = t.TempDir()
			r, err := doctor.Run(context.Background(), deps(tc.env), doctor.Options{
				Config: doctor.Config{Err: errors.New("no sources")}, CacheDir: t.TempDir(), Provider: tc.provider, Host: host,
			})
			if err != nil {
				t.Fatal(err)
			}
			same(t, tc.name, checks(r, "forge"), []doctor.Check{tc.want(host)})
			if tc.calls != nil {
				if got := tc.fake.Calls()[before:]; !reflect.DeepEqual(got, tc.calls) && !(len(got) == 0 && len(tc.calls) == 0) {
					t.Errorf("requests: got %q, want %q", got, tc.calls)
				}
			}
			for _, req := range tc.fake.Requests()[before:] {
				if h := req.Header.Get("Authorization") + req.Header.Get("Private-Token"); h != "" && !strings.HasSuffix(h, tc.env["GITHUB_TOKEN"]+tc.env["GITLAB_TOKEN"]+tc.env["GITEA_TOKEN"]+tc.env["IDP_GIT_TOKEN"]) {
					t.Errorf("request sent %q", h)
				}
			}
		})
	}

	// The fake alone serves no GET /personal_access_tokens/self, as for a token that is not
	// an access token.
	e := newEnv(t)
	e["GITLAB_TOKEN"] = tok
	r := run(t, e, doctor.Options{Provider: "gitlab", Host: gl.URL})
	same(t, "gitlab, not an access token", checks(r, "forge"), []doctor.Check{{Name: "forge gitlab", Status: doctor.OK,
		Detail: gl.URL + ": the token from GITLAB_TOKEN is accepted as alice; its scopes are not shown (not an access token, or a GitLab before 15.5): it needs the api scope"}})

	r = run(t, newEnv(t), doctor.Options{Provider: "bitbucket"})
	same(t, "unknown provider", checks(r, "forge"), []doctor.Check{{Name: "forge bitbucket", Status: doctor.Fail,
		Detail: `unknown forge provider "bitbucket"`, Fix: "give --provider one of github, gitlab, gitea"}})
}

// TestCancelled: Ctrl-C ends the run with the context's error, not a report.
func TestCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := doctor.Run(ctx, deps(newEnv(t)), doctor.Options{CacheDir: t.TempDir()})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("got %v, want context.Canceled", err)
	}
}
