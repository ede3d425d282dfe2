package forgetest

import (
	"cmp"
	"encoding/base64"
	"net/http"
	pathpkg "path"
	"slices"
	"strconv"
	"strings"
)

// GitHub REST API, https://docs.github.com/rest:
//
//	GET   /user                  the authenticated user
//	POST  /user/repos            create a repository for the authenticated user
//	POST  /orgs/{org}/repos      create an organization repository
//	GET   /repos/{owner}/{repo}  get a repository
//	PATCH /repos/{owner}/{repo}  update a repository (default_branch, description, private)
//	GET   /orgs/{org}/repos      list an organization's repositories
//	GET   /users/{user}/repos    list a user's public repositories
//
//	GET   /repos/{owner}/{repo}/contents/{path}       a file (base64) or a directory's entries
//	GET   /repos/{owner}/{repo}/pulls                 list pull requests
//	POST  /repos/{owner}/{repo}/pulls                 create a pull request
//	PATCH /repos/{owner}/{repo}/pulls/{pull_number}   update a pull request (title, body, state)
//
// Lists are paged with page and per_page (default 30, at most 100) and a Link header.
// GitHub Enterprise Server serves the same under /api/v3.

const githubDocs = "https://docs.github.com/rest"

func githubError(w http.ResponseWriter, status int, msg string, errs ...map[string]any) {
	body := map[string]any{"message": msg, "documentation_url": githubDocs, "status": strconv.Itoa(status)}
	if len(errs) > 0 {
		body["errors"] = errs
	}
	writeJSON(w, status, body)
}

func (f *Fake) serveGitHub(w http.ResponseWriter, r *http.Request, req Request) {
	prefix := "/api/v3/"
	if r.Host == "api.github.com" {
		prefix = "/"
	}
	segs, ok := segments(req.Path, prefix)
	if !ok {
		githubError(w, http.StatusNotFound, "Not Found")
		return
	}
	a := f.credential(r)
	if a == badAuth {
		githubError(w, http.StatusUnauthorized, "Bad credentials")
		return
	}
	authed := a == goodAuth
	requireAuth := func() bool {
		if !authed {
			githubError(w, http.StatusUnauthorized, "Requires authentication")
		}
		return authed
	}

	if _, ok := route(r.Method, segs, "GET user"); ok {
		if requireAuth() {
			writeJSON(w, http.StatusOK, map[string]any{"login": User, "id": 1, "type": "User", "html_url": f.webBase(r) + "/" + User})
		}
		return
	}
	if _, ok := route(r.Method, segs, "POST user/repos"); ok {
		if requireAuth() {
			f.githubCreate(w, r, req, User)
		}
		return
	}
	if args, ok := route(r.Method, segs, "POST orgs/*/repos"); ok {
		if !requireAuth() {
			return
		}
		o := f.orgs[strings.ToLower(args[0])]
		switch {
		case o == nil:
			githubError(w, http.StatusNotFound, "Not Found")
		case !o.canCreate:
			githubError(w, http.StatusForbidden, "You need admin access to the organization before adding a repository to it.")
		default:
			f.githubCreate(w, r, req, o.name)
		}
		return
	}
	if args, ok := route(r.Method, segs, "GET repos/*/*"); ok {
		repo := f.repos[key(args[0], args[1])]
		if repo == nil || !f.visible(repo, authed) {
			githubError(w, http.StatusNotFound, "Not Found")
			return
		}
		writeJSON(w, http.StatusOK, f.githubRepo(r, repo))
		return
	}
	if args, ok := route(r.Method, segs, "PATCH repos/*/*"); ok {
		if !requireAuth() {
			return
		}
		repo := f.repos[key(args[0], args[1])]
		switch {
		case repo == nil || !f.visible(repo, authed):
			githubError(w, http.StatusNotFound, "Not Found")
		case !f.admin(repo.Owner):
			githubError(w, http.StatusForbidden, "Must have admin rights to Repository.")
		default:
			f.githubEdit(w, r, req, repo)
		}
		return
	}
	if args, ok := route(r.Method, segs, "GET orgs/*/repos"); ok {
		if !f.isOrg(args[0]) {
			githubError(w, http.StatusNotFound, "Not Found")
			return
		}
		f.githubList(w, r, f.ownedBy(args[0], false, authed, false))
		return
	}
	if args, ok := route(r.Method, segs, "GET users/*/repos"); ok {
		if !f.isUser(args[0]) {
			githubError(w, http.StatusNotFound, "Not Found")
			return
		}
		// Public repositories only, whoever asks.
		f.githubList(w, r, f.ownedBy(args[0], false, authed, true))
		return
	}
	if len(segs) >= 5 && r.Method == http.MethodGet && segs[0] == "repos" && segs[3] == "contents" {
		repo := f.repos[key(segs[1], segs[2])]
		if repo == nil || !f.visible(repo, authed) {
			githubError(w, http.StatusNotFound, "Not Found")
			return
		}
		f.githubContents(w, r, repo, strings.Join(segs[4:], "/"))
		return
	}
	if args, ok := route(r.Method, segs, "GET repos/*/*/pulls"); ok {
		repo := f.repos[key(args[0], args[1])]
		if repo == nil || !f.visible(repo, authed) {
			githubError(w, http.StatusNotFound, "Not Found")
			return
		}
		f.githubPulls(w, r, repo)
		return
	}
	if args, ok := route(r.Method, segs, "POST repos/*/*/pulls"); ok {
		if repo := f.githubWritable(w, args, requireAuth); repo != nil {
			f.githubCreatePull(w, r, req, repo)
		}
		return
	}
	if args, ok := route(r.Method, segs, "PATCH repos/*/*/pulls/*"); ok {
		if repo := f.githubWritable(w, args, requireAuth); repo != nil {
			n, _ := strconv.Atoi(args[2])
			if p := f.pull(repo, n); p != nil {
				f.githubEditPull(w, r, req, repo, p)
			} else {
				githubError(w, http.StatusNotFound, "Not Found")
			}
		}
		return
	}
	githubError(w, http.StatusNotFound, "Not Found")
}

// githubWritable returns the repository args name when the request may write to its pull
// requests, or answers and returns nil.
func (f *Fake) githubWritable(w http.ResponseWriter, args []string, requireAuth func() bool) *Repo {
	if !requireAuth() {
		return nil
	}
	repo := f.repos[key(args[0], args[1])]
	switch {
	case repo == nil || !f.visible(repo, true):
		githubError(w, http.StatusNotFound, "Not Found")
	case !f.admin(repo.Owner):
		githubError(w, http.StatusForbidden, "Resource not accessible by personal access token")
	default:
		return repo
	}
	return nil
}

func (f *Fake) githubList(w http.ResponseWriter, r *http.Request, repos []*Repo) {
	lo, hi := f.paginate(w, r, len(repos), "per_page", 30, 100)
	list := []map[string]any{}
	for _, repo := range repos[lo:hi] {
		list = append(list, f.githubRepo(r, repo))
	}
	writeJSON(w, http.StatusOK, list)
}

// githubContents answers GET /repos/{owner}/{repo}/contents/{path}?ref=: a file's content in
// base64, wrapped at 60 columns as GitHub does, or a directory's entries.
func (f *Fake) githubContents(w http.ResponseWriter, r *http.Request, repo *Repo, path string) {
	ref := r.URL.Query().Get("ref")
	if !f.branchExists(repo, ref) {
		githubError(w, http.StatusNotFound, "No commit found for the ref "+ref)
		return
	}
	if ref == "" {
		ref = repo.DefaultBranch
	}
	web := f.webBase(r) + "/" + repo.Owner + "/" + repo.Name
	if data, ok := f.file(repo, path, ref); ok {
		enc := base64.StdEncoding.EncodeToString(data)
		var wrapped strings.Builder
		for len(enc) > 60 {
			wrapped.WriteString(enc[:60] + "\n")
			enc = enc[60:]
		}
		wrapped.WriteString(enc + "\n")
		writeJSON(w, http.StatusOK, map[string]any{
			"type": "file", "encoding": "base64", "size": len(data), "name": pathpkg.Base(path), "path": path,
			"content": wrapped.String(), "sha": sha(int64(len(data))), "html_url": web + "/blob/" + ref + "/" + path,
		})
		return
	}
	entries := f.dir(repo, path, ref)
	if len(entries) == 0 {
		githubError(w, http.StatusNotFound, "Not Found")
		return
	}
	list := []map[string]any{}
	for _, e := range entries {
		kind, name := "file", e
		if d, ok := strings.CutSuffix(e, "/"); ok {
			kind, name = "dir", d
		}
		list = append(list, map[string]any{"type": kind, "name": name, "path": path + "/" + name})
	}
	writeJSON(w, http.StatusOK, list)
}

// githubPulls answers GET /repos/{owner}/{repo}/pulls with state (open, closed, all; default
// open), head (user:ref-name), base, sort=created and direction (default desc).
func (f *Fake) githubPulls(w http.ResponseWriter, r *http.Request, repo *Repo) {
	q := r.URL.Query()
	state := cmp.Or(q.Get("state"), "open")
	if state != "open" && state != "closed" && state != "all" || cmp.Or(q.Get("sort"), "created") != "created" {
		githubError(w, http.StatusUnprocessableEntity, "Validation Failed")
		return
	}
	var list []*pull
	for _, p := range f.pulls[key(repo.Owner, repo.Name)] {
		open := p.State == "open"
		switch {
		case state == "open" && !open, state == "closed" && open:
			continue
		case q.Get("head") != "" && !strings.EqualFold(q.Get("head"), githubLabel(repo, p.HeadOwner, p.Head)):
			continue
		case q.Get("base") != "" && q.Get("base") != p.Base:
			continue
		}
		list = append(list, p)
	}
	if q.Get("direction") != "asc" {
		slices.Reverse(list)
	}
	lo, hi := f.paginate(w, r, len(list), "per_page", 30, 100)
	out := []map[string]any{}
	for _, p := range list[lo:hi] {
		out = append(out, f.githubPull(r, repo, p, false))
	}
	writeJSON(w, http.StatusOK, out)
}

func (f *Fake) githubCreatePull(w http.ResponseWriter, r *http.Request, req Request, repo *Repo) {
	title, ok1 := str(req.Body, "title")
	head, ok2 := str(req.Body, "head")
	base, ok3 := str(req.Body, "base")
	body, ok4 := str(req.Body, "body")
	draft, ok5 := boolean(req.Body, "draft")
	_, ok6 := boolean(req.Body, "maintainer_can_modify")
	if !ok1 || !ok2 || !ok3 || !ok4 || !ok5 || !ok6 {
		githubError(w, http.StatusUnprocessableEntity, "Invalid request.")
		return
	}
	for _, field := range []struct{ name, value string }{{"title", title}, {"head", head}, {"base", base}} {
		if field.value == "" {
			githubError(w, http.StatusUnprocessableEntity, "Validation Failed", map[string]any{
				"resource": "PullRequest", "field": field.name, "code": "missing_field",
			})
			return
		}
	}
	// head is a branch of the repository, or user:branch for a fork.
	headOwner := ""
	if u, b, ok := strings.Cut(head, ":"); ok {
		head = b
		if !strings.EqualFold(u, repo.Owner) {
			headOwner = u
		}
	}
	if headOwner == "" && head == base {
		githubError(w, http.StatusUnprocessableEntity, "Validation Failed", map[string]any{
			"resource": "PullRequest", "code": "custom", "message": "No commits between " + base + " and " + head,
		})
		return
	}
	if f.openPull(repo, headOwner, head, base) != nil {
		githubError(w, http.StatusUnprocessableEntity, "Validation Failed", map[string]any{
			"resource": "PullRequest", "code": "custom", "message": "A pull request already exists for " + githubLabel(repo, headOwner, head) + ".",
		})
		return
	}
	p := f.addPull(repo, PullRequest{Title: title, Body: body, Head: head, Base: base, HeadOwner: headOwner, Draft: draft, State: "open"})
	writeJSON(w, http.StatusCreated, f.githubPull(r, repo, p, true))
}

// githubEditPull sets title, body and state. GitHub's REST API has no way to change a draft
// state, and ignores a draft field here.
func (f *Fake) githubEditPull(w http.ResponseWriter, r *http.Request, req Request, repo *Repo, p *pull) {
	title, ok1 := str(req.Body, "title")
	body, ok2 := str(req.Body, "body")
	state, ok3 := str(req.Body, "state")
	base, ok4 := str(req.Body, "base")
	_, ok5 := boolean(req.Body, "maintainer_can_modify")
	if !ok1 || !ok2 || !ok3 || !ok4 || !ok5 || state != "" && state != "open" && state != "closed" {
		githubError(w, http.StatusUnprocessableEntity, "Invalid request.")
		return
	}
	if state != "" && p.State == "merged" {
		githubError(w, http.StatusUnprocessableEntity, "Validation Failed", map[string]any{
			"resource": "PullRequest", "field": "state", "code": "invalid",
		})
		return
	}
	if state == "open" && p.State == "closed" && f.openPull(repo, p.HeadOwner, p.Head, cmp.Or(base, p.Base)) != nil {
		githubError(w, http.StatusUnprocessableEntity, "Validation Failed", map[string]any{
			"resource": "PullRequest", "code": "custom", "message": "A pull request already exists for " + githubLabel(repo, p.HeadOwner, p.Head) + ".",
		})
		return
	}
	if _, ok := req.Body["title"]; ok {
		p.Title = title
	}
	if _, ok := req.Body["body"]; ok {
		p.Body = body
	}
	if base != "" {
		p.Base = base
	}
	if state != "" {
		p.State = state
	}
	writeJSON(w, http.StatusOK, f.githubPull(r, repo, p, true))
}

// githubLabel is how GitHub names a head: owner:branch.
func githubLabel(repo *Repo, headOwner, branch string) string {
	return cmp.Or(headOwner, repo.Owner) + ":" + branch
}

// githubPull is a pull request as GitHub returns it; single is for the responses about one
// pull request, which add "merged".
func (f *Fake) githubPull(r *http.Request, repo *Repo, p *pull, single bool) map[string]any {
	web := f.webBase(r) + "/" + repo.Owner + "/" + repo.Name
	created := pullTime(p)
	var closedAt, mergedAt any
	if p.State != "open" {
		closedAt = closeTime(p)
	}
	if p.State == "merged" {
		mergedAt = closeTime(p)
	}
	state := "open"
	if p.State != "open" {
		state = "closed"
	}
	branch := func(owner, ref string) map[string]any {
		id := repo.id
		if !strings.EqualFold(owner, repo.Owner) { // a fork, whose id is made up
			id += 100000
		}
		return map[string]any{
			"label": owner + ":" + ref, "ref": ref, "sha": sha(p.id),
			"user": map[string]any{"login": owner},
			"repo": map[string]any{"id": id, "name": repo.Name, "full_name": owner + "/" + repo.Name, "owner": map[string]any{"login": owner}},
		}
	}
	pr := map[string]any{
		"id":         p.id,
		"number":     p.Number,
		"state":      state,
		"locked":     false,
		"title":      p.Title,
		"body":       p.Body,
		"draft":      p.Draft,
		"user":       map[string]any{"login": User, "type": "User"},
		"html_url":   web + "/pull/" + strconv.Itoa(p.Number),
		"created_at": created,
		"updated_at": created,
		"closed_at":  closedAt,
		"merged_at":  mergedAt,
		"head":       branch(cmp.Or(p.HeadOwner, repo.Owner), p.Head),
		"base":       branch(repo.Owner, p.Base),
	}
	if single {
		pr["merged"] = p.State == "merged"
	}
	return pr
}

func (f *Fake) githubCreate(w http.ResponseWriter, r *http.Request, req Request, owner string) {
	name, ok1 := str(req.Body, "name")
	desc, ok2 := str(req.Body, "description")
	private, ok3 := boolean(req.Body, "private")
	_, ok4 := boolean(req.Body, "auto_init")
	if !ok1 || !ok2 || !ok3 || !ok4 || name == "" {
		githubError(w, http.StatusUnprocessableEntity, "Invalid request.")
		return
	}
	if f.repos[key(owner, name)] != nil {
		githubError(w, http.StatusUnprocessableEntity, "Repository creation failed.", map[string]any{
			"resource": "Repository", "code": "custom", "field": "name", "message": "name already exists on this account",
		})
		return
	}
	// GitHub takes no default_branch here: a new repository reports the account's default.
	repo := f.addRepo(Repo{Owner: owner, Name: name, Description: desc, Private: private}, f.webBase(r))
	writeJSON(w, http.StatusCreated, f.githubRepo(r, repo))
}

func (f *Fake) githubEdit(w http.ResponseWriter, r *http.Request, req Request, repo *Repo) {
	branch, ok1 := str(req.Body, "default_branch")
	desc, ok2 := str(req.Body, "description")
	private, ok3 := boolean(req.Body, "private")
	if !ok1 || !ok2 || !ok3 {
		githubError(w, http.StatusUnprocessableEntity, "Invalid request.")
		return
	}
	if _, ok := req.Body["default_branch"]; ok {
		repo.DefaultBranch = branch
	}
	if _, ok := req.Body["description"]; ok {
		repo.Description = desc
	}
	if _, ok := req.Body["private"]; ok {
		repo.Private = private
	}
	writeJSON(w, http.StatusOK, f.githubRepo(r, repo))
}

func (f *Fake) githubRepo(r *http.Request, repo *Repo) map[string]any {
	web := f.webBase(r)
	ownerType := "Organization"
	if strings.EqualFold(repo.Owner, User) {
		ownerType = "User"
	}
	visibility := "public"
	if repo.Private {
		visibility = "private"
	}
	host := strings.TrimPrefix(strings.TrimPrefix(web, "https://"), "http://")
	return map[string]any{
		"id":             repo.id,
		"name":           repo.Name,
		"full_name":      repo.Owner + "/" + repo.Name,
		"owner":          map[string]any{"login": repo.Owner, "type": ownerType},
		"private":        repo.Private,
		"visibility":     visibility,
		"description":    repo.Description,
		"fork":           repo.Fork,
		"topics":         topics(repo),
		"html_url":       web + "/" + repo.Owner + "/" + repo.Name,
		"clone_url":      repo.CloneURL,
		"ssh_url":        "git@" + host + ":" + repo.Owner + "/" + repo.Name + ".git",
		"default_branch": repo.DefaultBranch,
		"archived":       repo.Archived,
		"size":           0,
	}
}
