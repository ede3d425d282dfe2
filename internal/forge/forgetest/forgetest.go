// Package forgetest runs fake GitHub, GitLab and Gitea REST APIs on loopback, for tests of
// package forge and of the commands built on it. Each fake serves only the endpoints forge
// uses, with the methods, paths, authentication headers, bodies and status codes the forge
// documents, keeps repositories, files and pull requests in memory and records every request.
package forgetest

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
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
	Archived      bool
	// Fork makes it a fork (GitLab: forked_from_project is set); Topics are its topics.
	Fork   bool
	Topics []string
	// CloneURL is what the fake reports as clone_url / http_url_to_repo. When empty, it is
	// set from the hook given to SetCloneURL, or to URL/owner/name.git.
	CloneURL string

	id int64
}

// PullRequest is a pull request (GitLab: merge request) held by a fake.
type PullRequest struct {
	Number int    // GitHub and Gitea number, GitLab iid
	Title  string // as stored, with any draft prefix
	Body   string
	Head   string // source branch
	Base   string // target branch
	// HeadOwner is the owner of the fork that holds Head; "" for a branch of the repository
	// itself.
	HeadOwner string
	// Draft is GitHub's draft field; GitLab and Gitea derive it from the title's prefix, as
	// their servers do.
	Draft bool
	State string // open, closed or merged
	// Created is when it was opened, Closed when it was closed or merged; zero means a fixed
	// time made from its id, so that responses are the same every run.
	Created, Closed time.Time
}

// pull is a pull request with what the fake adds.
type pull struct {
	PullRequest
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

	batchRead bool // a batched GraphQL read, for BatchReads
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
	repos    map[string]*Repo                        // by lower-case "owner/name"
	files    map[string]map[string]map[string][]byte // repository key, branch, path
	pulls    map[string][]*pull                      // repository key, in the order opened
	cloneURL func(owner, name string) string
	manage   manageState
	reqs     []Request
	brief    bool // the log keeps no headers or bodies
	nextID   int64

	gitlabMaxComplexity int // GitLabMaxComplexity; 0: not enforced
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
		files:  map[string]map[string]map[string][]byte{},
		pulls:  map[string][]*pull{},
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

// AddRepo adds an existing repository. DefaultBranch defaults to "main". It is listed under
// its owner: an organization (group) added with AddOrg, or else a user.
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

// SetFile sets the content of path on the default branch of repository owner/name, which
// must exist.
func (f *Fake) SetFile(owner, name, path string, data []byte) {
	f.mu.Lock()
	branch := f.mustRepo(owner, name).DefaultBranch
	f.mu.Unlock()
	f.SetFileOn(owner, name, branch, path, data)
}

// SetFileOn sets the content of path on branch of repository owner/name, which must exist.
func (f *Fake) SetFileOn(owner, name, branch, path string, data []byte) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.mustRepo(owner, name)
	k := key(owner, name)
	if f.files[k] == nil {
		f.files[k] = map[string]map[string][]byte{}
	}
	if f.files[k][branch] == nil {
		f.files[k][branch] = map[string][]byte{}
	}
	f.files[k][branch][strings.Trim(path, "/")] = append([]byte(nil), data...)
}

// LogBriefly makes the log Requests returns keep no headers or bodies from now on, so that a
// benchmark of thousands of requests measures the client's memory, not the fake's.
func (f *Fake) LogBriefly() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.brief = true
}

// PullRequests returns the pull requests of owner/name in the order they were opened.
func (f *Fake) PullRequests(owner, name string) []PullRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	var prs []PullRequest
	for _, p := range f.pulls[key(owner, name)] {
		prs = append(prs, p.PullRequest)
	}
	return prs
}

// AddPullRequest adds a pull request to repository owner/name, which must exist, as if User
// had opened it, and returns its number. State defaults to "open"; Number is set.
func (f *Fake) AddPullRequest(owner, name string, pr PullRequest) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	repo := f.mustRepo(owner, name)
	if pr.State == "" {
		pr.State = "open"
	}
	return f.addPull(repo, pr).Number
}

// MergePullRequest marks pull request number of owner/name merged, as if someone had merged
// it on the forge.
func (f *Fake) MergePullRequest(owner, name string, number int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	p := f.pull(f.mustRepo(owner, name), number)
	if p == nil {
		panic(fmt.Sprintf("forgetest: %s/%s has no pull request %d", owner, name, number))
	}
	p.State = "merged"
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

// mustRepo returns repository owner/name for the Fake's helpers, which tests call: a missing
// one is a mistake in the test. f.mu must be held.
func (f *Fake) mustRepo(owner, name string) *Repo {
	r := f.repos[key(owner, name)]
	if r == nil {
		panic(fmt.Sprintf("forgetest: no repository %s/%s; add it with AddRepo first", owner, name))
	}
	return r
}

// file returns the content of path on ref ("" for the default branch) of repo. f.mu must be
// held.
func (f *Fake) file(repo *Repo, path, ref string) ([]byte, bool) {
	if ref == "" {
		ref = repo.DefaultBranch
	}
	data, ok := f.files[key(repo.Owner, repo.Name)][ref][path]
	return data, ok
}

// branchExists reports whether ref names a branch of repo: the default branch, or one that
// SetFileOn gave files. f.mu must be held.
func (f *Fake) branchExists(repo *Repo, ref string) bool {
	return ref == "" || ref == repo.DefaultBranch || f.files[key(repo.Owner, repo.Name)][ref] != nil
}

// dir lists the entries directly under path on ref of repo: files, and directories with a
// trailing "/". f.mu must be held.
func (f *Fake) dir(repo *Repo, path, ref string) []string {
	if ref == "" {
		ref = repo.DefaultBranch
	}
	seen := map[string]bool{}
	var entries []string
	for p := range f.files[key(repo.Owner, repo.Name)][ref] {
		rest, ok := strings.CutPrefix(p, path+"/")
		if !ok {
			continue
		}
		e := rest
		if first, _, nested := strings.Cut(rest, "/"); nested {
			e = first + "/"
		}
		if !seen[e] {
			seen[e] = true
			entries = append(entries, e)
		}
	}
	slices.Sort(entries)
	return entries
}

// addPull stores pr as the next pull request of repo. f.mu must be held.
func (f *Fake) addPull(repo *Repo, pr PullRequest) *pull {
	k := key(repo.Owner, repo.Name)
	f.nextID++
	pr.Number = len(f.pulls[k]) + 1
	p := &pull{PullRequest: pr, id: f.nextID}
	f.setTitle(p, pr.Title)
	f.pulls[k] = append(f.pulls[k], p)
	return p
}

// pull returns pull request number of repo, or nil. f.mu must be held.
func (f *Fake) pull(repo *Repo, number int) *pull {
	prs := f.pulls[key(repo.Owner, repo.Name)]
	if number < 1 || number > len(prs) {
		return nil
	}
	return prs[number-1]
}

// openPull returns the open pull request of repo from head (in the fork of headOwner, "" for
// the repository itself) into base, or nil. f.mu must be held.
func (f *Fake) openPull(repo *Repo, headOwner, head, base string) *pull {
	for _, p := range f.pulls[key(repo.Owner, repo.Name)] {
		if p.State == "open" && strings.EqualFold(p.HeadOwner, headOwner) && p.Head == head && p.Base == base {
			return p
		}
	}
	return nil
}

// Title prefixes that make a draft: GitLab's DRAFT_REGEX and Gitea's default
// WORK_IN_PROGRESS_PREFIXES, both case-insensitive.
var draftPrefixes = map[string][]string{
	"gitlab": {"draft:", "[draft]", "(draft)"},
	"gitea":  {"wip:", "[wip]"},
}

// setTitle sets the title of p; on GitLab and Gitea it also sets Draft from the prefix.
func (f *Fake) setTitle(p *pull, title string) {
	p.Title = title
	prefixes, ok := draftPrefixes[f.kind]
	if !ok {
		return
	}
	lower := strings.ToLower(title)
	p.Draft = slices.ContainsFunc(prefixes, func(pre string) bool { return strings.HasPrefix(lower, pre) })
}

// pullTime is a pull request's creation time: Created, or else fixed, so that responses are
// the same every run.
func pullTime(p *pull) string {
	if !p.Created.IsZero() {
		return p.Created.UTC().Format(time.RFC3339)
	}
	return time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(p.id) * time.Minute).Format(time.RFC3339)
}

// closeTime is when a closed or merged pull request was closed: Closed, or else its creation
// time.
func closeTime(p *pull) string {
	if !p.Closed.IsZero() {
		return p.Closed.UTC().Format(time.RFC3339)
	}
	return pullTime(p)
}

// sha is a made-up commit id.
func sha(n int64) string { return fmt.Sprintf("%040x", n) }

// isOrg reports whether owner is an organization (GitLab: group). f.mu must be held.
func (f *Fake) isOrg(owner string) bool { return f.orgs[strings.ToLower(owner)] != nil }

// isUser reports whether owner is a user: User, or the owner of a repository added under a
// name that is no organization. f.mu must be held.
func (f *Fake) isUser(owner string) bool {
	if strings.EqualFold(owner, User) {
		return true
	}
	if f.isOrg(owner) {
		return false
	}
	for _, r := range f.repos {
		if strings.EqualFold(r.Owner, owner) {
			return true
		}
	}
	return false
}

// ownedBy lists, in name order, the repositories of owner that the request may see; nested
// includes those of subgroups (GitLab). f.mu must be held.
func (f *Fake) ownedBy(owner string, nested, authed, publicOnly bool) []*Repo {
	var repos []*Repo
	for _, r := range f.repos {
		mine := strings.EqualFold(r.Owner, owner) || nested && strings.HasPrefix(strings.ToLower(r.Owner), strings.ToLower(owner)+"/")
		if mine && f.visible(r, authed) && !(publicOnly && r.Private) {
			repos = append(repos, r)
		}
	}
	slices.SortFunc(repos, func(a, b *Repo) int { return strings.Compare(key(a.Owner, a.Name), key(b.Owner, b.Name)) })
	return repos
}

// paginate returns the bounds of the page a list request asks for, out of total items, and
// sets the headers the forge pages with: Link on all three (rel next, last, first, prev),
// X-Total-Count on Gitea, and X-Page, X-Per-Page, X-Total, X-Total-Pages, X-Next-Page and
// X-Prev-Page on GitLab. sizeParam is per_page or limit; def and most are the forge's default
// and largest page size.
func (f *Fake) paginate(w http.ResponseWriter, r *http.Request, total int, sizeParam string, def, most int) (lo, hi int) {
	q := r.URL.Query()
	page, _ := strconv.Atoi(q.Get("page"))
	page = cmp.Or(max(page, 0), 1)
	size, _ := strconv.Atoi(q.Get(sizeParam))
	if size <= 0 {
		size = def
	}
	size = min(size, most)
	last := max((total+size-1)/size, 1)
	lo = min((page-1)*size, total)
	hi = min(lo+size, total)

	scheme := "https"
	if r.Host == f.host {
		scheme = "http"
	}
	link := func(p int, rel string) string {
		q.Set("page", strconv.Itoa(p))
		return fmt.Sprintf(`<%s://%s%s?%s>; rel="%s"`, scheme, r.Host, r.URL.EscapedPath(), q.Encode(), rel)
	}
	var links []string
	if page < last {
		links = append(links, link(page+1, "next"), link(last, "last"))
	}
	if page > 1 {
		links = append(links, link(1, "first"), link(min(page-1, last), "prev"))
	}
	if len(links) > 0 {
		w.Header().Set("Link", strings.Join(links, ", "))
	}
	switch f.kind {
	case "gitea":
		w.Header().Set("X-Total-Count", strconv.Itoa(total))
	case "gitlab":
		h := w.Header()
		h.Set("X-Page", strconv.Itoa(page))
		h.Set("X-Per-Page", strconv.Itoa(size))
		h.Set("X-Total", strconv.Itoa(total))
		h.Set("X-Total-Pages", strconv.Itoa(last))
		h.Set("X-Next-Page", "")
		h.Set("X-Prev-Page", "")
		if page < last {
			h.Set("X-Next-Page", strconv.Itoa(page+1))
		}
		if page > 1 {
			h.Set("X-Prev-Page", strconv.Itoa(min(page-1, last)))
		}
	}
	return lo, hi
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

	q, _ := str(req.Body, "query")
	req.batchRead = r.Method == http.MethodPost && strings.HasSuffix(req.Path, "/graphql") && (isGitHubBatchRead(q) || isGitLabBatchRead(q))
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.brief {
		f.reqs = append(f.reqs, Request{Method: req.Method, Host: req.Host, Path: req.Path, Query: req.Query, batchRead: req.batchRead})
	} else {
		f.reqs = append(f.reqs, req)
	}
	if f.serveManage(w, r, req, data, bodyErr) {
		return
	}
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

// writeRaw answers with a file's bytes, as the forges' raw endpoints do.
func writeRaw(w http.ResponseWriter, data []byte) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(data)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// str, boolean and number read optional fields of a JSON body; ok is false for a wrong type.
// null is absent, as the forges' JSON decoding has it.
func str(body map[string]any, k string) (string, bool) {
	v, present := body[k]
	if !present || v == nil {
		return "", true
	}
	s, ok := v.(string)
	return s, ok
}

func boolean(body map[string]any, k string) (bool, bool) {
	v, present := body[k]
	if !present || v == nil {
		return false, true
	}
	b, ok := v.(bool)
	return b, ok
}

func number(body map[string]any, k string) (int64, bool, bool) {
	v, present := body[k]
	if !present || v == nil {
		return 0, false, true
	}
	n, ok := v.(float64)
	return int64(n), true, ok && n == float64(int64(n))
}

// topics is a repository's topics as the forges answer them: a list, never null.
func topics(r *Repo) []string {
	return append([]string{}, r.Topics...)
}
