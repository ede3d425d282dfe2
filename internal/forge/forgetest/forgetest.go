// Package forgetest runs fake GitHub, GitLab and Gitea REST APIs on loopback, for tests of
// package forge and of the commands built on it. Each fake serves only the endpoints forge
// uses, with the methods, paths, authentication headers, bodies and status codes the forge
// documents, keeps repositories in memory and records every request.
package forgetest

import (
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
)

const (
	// Token is the only token the fakes accept.
	Token = "forgetest-token"
	// User is the login of Token's owner.
	User = "alice"
	// DefaultBranch is the branch a fake reports for a new repository that names none.
	DefaultBranch = "main"
)

// Repo is a repository held by a fake.
type Repo struct {
	Owner, Name   string
	Description   string
	DefaultBranch string
	Private       bool
	// CloneURL is what the fake reports as clone_url / http_url_to_repo. When empty, it is
	// set from the hook given to SetCloneURL, or to URL/owner/name.git.
	CloneURL string

	id int64
}

// Request is one request a fake received.
type Request struct {
	Method string
	// Host is the Host header: the forge host the client meant, e.g. api.github.com when the
	// request came through Fake.Client.
	Host string
	// Path is the path as sent, still escaped: /api/v4/projects/acme%2Fsvc.
	Path   string
	Query  string
	Header http.Header
	// Body is the decoded JSON body; nil when there was none.
	Body map[string]any
}

// String is "METHOD /path".
func (r Request) String() string { return r.Method + " " + r.Path }

// Fake is a running fake forge. Create it with GitHub, GitLab, Gitea or New; it stops when the
// test ends.
type Fake struct {
	// URL is the fake's base URL, http://127.0.0.1:PORT: give it to forge.Options.Host.
	URL string

	kind string
	host string // 127.0.0.1:PORT
	srv  *httptest.Server

	mu       sync.Mutex
	orgs     map[string]*org
	repos    map[string]*Repo // by lower-case "owner/name"
	cloneURL func(owner, name string) string
	reqs     []Request
	nextID   int64
}

type org struct {
	name      string
	id        int64
	canCreate bool
}

// GitHub starts a fake GitHub. It serves GitHub Enterprise Server's layout, /api/v3/..., on
// URL, and github.com's layout, /..., to requests for api.github.com sent through Client.
func GitHub(t testing.TB) *Fake { return start(t, "github") }

// GitLab starts a fake GitLab serving /api/v4/....
func GitLab(t testing.TB) *Fake { return start(t, "gitlab") }

// Gitea starts a fake Gitea serving /api/v1/.... It does not serve GET /api/v1/version: forge
// tells the SDK not to ask.
func Gitea(t testing.TB) *Fake { return start(t, "gitea") }

// New starts the fake for provider "github", "gitlab" or "gitea".
func New(t testing.TB, provider string) *Fake {
	t.Helper()
	switch provider {
	case "github", "gitlab", "gitea":
		return start(t, provider)
	}
	t.Fatalf("forgetest: unknown provider %q", provider)
	return nil
}

func start(t testing.TB, kind string) *Fake {
	f := &Fake{
		kind:   kind,
		orgs:   map[string]*org{},
		repos:  map[string]*Repo{},
		nextID: 100,
	}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serveHTTP))
	f.URL = f.srv.URL
	f.host = strings.TrimPrefix(f.srv.URL, "http://")
	t.Cleanup(f.srv.Close)
	f.AddOrg("acme", true)
	return f
}

// AddOrg adds an organization (on GitLab a group, whose name may be a nested path such as
// "acme/platform") of which User is a member; canCreate says whether User may create
// repositories in it. Every fake starts with "acme", where User may.
func (f *Fake) AddOrg(name string, canCreate bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.nextID++
	f.orgs[strings.ToLower(name)] = &org{name: name, id: f.nextID, canCreate: canCreate}
}

// AddRepo adds an existing repository. DefaultBranch defaults to "main".
func (f *Fake) AddRepo(r Repo) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.addRepo(r, f.URL)
}

// OrgID returns the id of organization name, which GitLab requests name as namespace_id; 0
// when there is no such organization.
func (f *Fake) OrgID(name string) int64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	if o := f.orgs[strings.ToLower(name)]; o != nil {
		return o.id
	}
	return 0
}

// Repo returns the repository owner/name as the fake holds it.
func (f *Fake) Repo(owner, name string) (Repo, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	r, ok := f.repos[key(owner, name)]
	if !ok {
		return Repo{}, false
	}
	return *r, true
}

// SetCloneURL sets the hook that gives each repository created from now on its clone URL,
// for instance a bare repository on a real git server (gitserver.Server.NewBare) so that a
// test can push to what it created. The hook runs once per repository, with the fake locked:
// it must not call the Fake's methods.
func (f *Fake) SetCloneURL(hook func(owner, name string) string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.cloneURL = hook
}

// Requests returns every request received so far, in order.
func (f *Fake) Requests() []Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Request(nil), f.reqs...)
}

// Calls returns "METHOD /path" for every request received so far, in order.
func (f *Fake) Calls() []string {
	var calls []string
	for _, r := range f.Requests() {
		calls = append(calls, r.String())
	}
	return calls
}

// Client returns an HTTP client that sends every request to the fake, whatever its host, and
// keeps the original Host header: with it a provider left on its public default
// (api.github.com, gitlab.com, gitea.com) talks to the fake.
func (f *Fake) Client() *http.Client {
	base := f.srv.Client().Transport
	return &http.Client{Transport: roundTripper(func(r *http.Request) (*http.Response, error) {
		r = r.Clone(r.Context())
		r.Host = r.URL.Host
		r.URL.Scheme, r.URL.Host = "http", f.host
		return base.RoundTrip(r)
	})}
}

type roundTripper func(*http.Request) (*http.Response, error)

func (rt roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return rt(r) }

func key(owner, name string) string { return strings.ToLower(owner + "/" + name) }

// addRepo stores r, filling in what the forge would. web is the web base URL of the request
// that created it. f.mu must be held.
func (f *Fake) addRepo(r Repo, web string) *Repo {
	f.nextID++
	r.id = f.nextID
	if r.DefaultBranch == "" {
		r.DefaultBranch = DefaultBranch
	}
	if r.CloneURL == "" && f.cloneURL != nil {
		r.CloneURL = f.cloneURL(r.Owner, r.Name)
	}
	if r.CloneURL == "" {
		r.CloneURL = web + "/" + r.Owner + "/" + r.Name + ".git"
	}
	f.repos[key(r.Owner, r.Name)] = &r
	return &r
}

// visible reports whether User can read r: public repositories, and private ones of User or of
// an organization User is a member of.
func (f *Fake) visible(r *Repo, authed bool) bool {
	if !r.Private {
		return true
	}
	return authed && f.member(r.Owner)
}

// member reports whether User is owner or a member of organization owner.
func (f *Fake) member(owner string) bool {
	return strings.EqualFold(owner, User) || f.orgs[strings.ToLower(owner)] != nil
}

// admin reports whether User may create repositories under owner and change their settings.
func (f *Fake) admin(owner string) bool {
	if strings.EqualFold(owner, User) {
		return true
	}
	o := f.orgs[strings.ToLower(owner)]
	return o != nil && o.canCreate
}

// webBase is the web URL of the forge the request was meant for: the fake itself, or the
// public service when the request came through Client.
func (f *Fake) webBase(r *http.Request) string {
	if r.Host == f.host {
		return f.URL
	}
	return "https://" + strings.TrimPrefix(r.Host, "api.")
}

type auth int

const (
	noAuth auth = iota
	goodAuth
	badAuth
)

// credential reads the token from the headers each forge documents: Authorization "Bearer" or
// "token" (GitHub, Gitea), PRIVATE-TOKEN or Authorization "Bearer" (GitLab).
func (f *Fake) credential(r *http.Request) auth {
	var token string
	present := false
	if h := r.Header.Get("Authorization"); h != "" {
		present = true
		scheme, t, _ := strings.Cut(h, " ")
		switch {
		case strings.EqualFold(scheme, "bearer"):
			token = t
		case strings.EqualFold(scheme, "token") && f.kind != "gitlab":
			token = t
		}
	}
	if h := r.Header.Get("PRIVATE-TOKEN"); f.kind == "gitlab" && h != "" {
		present, token = true, h
	}
	switch {
	case !present:
		return noAuth
	case token == Token:
		return goodAuth
	}
	return badAuth
}

func (f *Fake) serveHTTP(w http.ResponseWriter, r *http.Request) {
	req := Request{Method: r.Method, Host: r.Host, Path: r.URL.EscapedPath(), Query: r.URL.RawQuery, Header: r.Header.Clone()}
	data, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	var bodyErr string
	if len(data) > 0 {
		if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" {
			bodyErr = fmt.Sprintf("content type %q, want application/json", mt)
		} else if err := json.Unmarshal(data, &req.Body); err != nil {
			bodyErr = "body is not a JSON object: " + err.Error()
		}
	}

	f.mu.Lock()
	defer f.mu.Unlock()
	f.reqs = append(f.reqs, req)
	if bodyErr != "" {
		writeJSON(w, http.StatusBadRequest, map[string]any{"message": "Problems parsing JSON: " + bodyErr})
		return
	}
	switch f.kind {
	case "github":
		f.serveGitHub(w, r, req)
	case "gitlab":
		f.serveGitLab(w, r, req)
	case "gitea":
		f.serveGitea(w, r, req)
	}
}

// segments splits an escaped path after prefix into unescaped segments, so that GitLab's
// "acme%2Fsvc" stays one segment. ok is false when the prefix is missing.
func segments(path, prefix string) ([]string, bool) {
	rest, ok := strings.CutPrefix(path, prefix)
	if !ok {
		return nil, false
	}
	parts := strings.Split(strings.Trim(rest, "/"), "/")
	for i, p := range parts {
		u, err := url.PathUnescape(p)
		if err != nil {
			return nil, false
		}
		parts[i] = u
	}
	return parts, true
}

// route matches method and segments against a pattern like "GET repos/*/*", returning the
// wildcard values.
func route(method string, segs []string, pattern string) ([]string, bool) {
	m, p, _ := strings.Cut(pattern, " ")
	want := strings.Split(p, "/")
	if m != method || len(want) != len(segs) {
		return nil, false
	}
	var args []string
	for i, w := range want {
		switch {
		case w == "*" && segs[i] != "":
			args = append(args, segs[i])
		case w != segs[i]:
			return nil, false
		}
	}
	return args, true
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// str, boolean and number read optional fields of a JSON body; ok is false for a wrong type.
func str(body map[string]any, k string) (string, bool) {
	v, present := body[k]
	if !present {
		return "", true
	}
	s, ok := v.(string)
	return s, ok
}

func boolean(body map[string]any, k string) (bool, bool) {
	v, present := body[k]
	if !present {
		return false, true
	}
	b, ok := v.(bool)
	return b, ok
}

func number(body map[string]any, k string) (int64, bool, bool) {
	v, present := body[k]
	if !present {
		return 0, false, true
	}
	n, ok := v.(float64)
	return int64(n), true, ok && n == float64(int64(n))
}
