package forgetest

import (
	"cmp"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// Gitea REST API v1, https://docs.gitea.com/api/:
//
//	GET   /api/v1/user                  the authenticated user
//	POST  /api/v1/user/repos            create a repository for the authenticated user
//	POST  /api/v1/orgs/{org}/repos      create a repository in an organization
//	GET   /api/v1/repos/{owner}/{repo}  get a repository
//	PATCH /api/v1/repos/{owner}/{repo}  edit a repository (default_branch, description, private)
//	GET   /api/v1/orgs/{org}/repos      list an organization's repositories
//	GET   /api/v1/users/{user}/repos    list a user's repositories
//
//	GET   /api/v1/repos/{owner}/{repo}/raw/{filepath}  a file's content (ref)
//	GET   /api/v1/repos/{owner}/{repo}/pulls           list pull requests
//	POST  /api/v1/repos/{owner}/{repo}/pulls           create a pull request
//	PATCH /api/v1/repos/{owner}/{repo}/pulls/{index}   edit a pull request (title, body, state)
//
// Lists are paged with page and limit (default 30, at most 50: DEFAULT_PAGING_NUM and
// MAX_RESPONSE_ITEMS), Link and X-Total-Count.

func giteaError(w http.ResponseWriter, r *http.Request, status int, msg string) {
	writeJSON(w, status, map[string]any{"message": msg, "url": "http://" + r.Host + "/api/swagger"})
}

func (f *Fake) serveGitea(w http.ResponseWriter, r *http.Request, req Request) {
	notFound := func() { giteaError(w, r, http.StatusNotFound, "The target couldn't be found.") }
	segs, ok := segments(req.Path, "/api/v1/")
	if !ok {
		notFound()
		return
	}
	a := f.credential(r)
	if a == badAuth {
		// Gitea treats an unknown token as no token.
		giteaError(w, r, http.StatusUnauthorized, "token is required")
		return
	}
	authed := a == goodAuth
	requireAuth := func() bool {
		if !authed {
			giteaError(w, r, http.StatusUnauthorized, "token is required")
		}
		return authed
	}

	if _, ok := route(r.Method, segs, "GET user"); ok {
		if requireAuth() {
			writeJSON(w, http.StatusOK, map[string]any{
				"id": 1, "login": User, "login_name": "", "full_name": "Alice", "email": User + "@example.com", "username": User,
			})
		}
		return
	}
	if _, ok := route(r.Method, segs, "POST user/repos"); ok {
		if requireAuth() {
			f.giteaCreate(w, r, req, User)
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
			notFound()
		case !o.canCreate:
			giteaError(w, r, http.StatusForbidden, "Given user is not allowed to create repository in organization.")
		default:
			f.giteaCreate(w, r, req, o.name)
		}
		return
	}
	if args, ok := route(r.Method, segs, "GET repos/*/*"); ok {
		repo := f.repos[key(args[0], args[1])]
		if repo == nil || !f.visible(repo, authed) {
			notFound()
			return
		}
		writeJSON(w, http.StatusOK, f.giteaRepo(r, repo))
		return
	}
	if args, ok := route(r.Method, segs, "PATCH repos/*/*"); ok {
		if !requireAuth() {
			return
		}
		repo := f.repos[key(args[0], args[1])]
		switch {
		case repo == nil || !f.visible(repo, authed):
			notFound()
		case !f.admin(repo.Owner):
			giteaError(w, r, http.StatusForbidden, "user should be an owner or a collaborator with admin write of a repository")
		default:
			f.giteaEdit(w, r, req, repo)
		}
		return
	}
	if args, ok := route(r.Method, segs, "GET orgs/*/repos"); ok {
		if !f.isOrg(args[0]) {
			notFound()
			return
		}
		f.giteaList(w, r, f.ownedBy(args[0], false, authed, false))
		return
	}
	if args, ok := route(r.Method, segs, "GET users/*/repos"); ok {
		if !f.isUser(args[0]) {
			notFound()
			return
		}
		f.giteaList(w, r, f.ownedBy(args[0], false, authed, false))
		return
	}
	if len(segs) >= 5 && r.Method == http.MethodGet && segs[0] == "repos" && segs[3] == "raw" {
		repo := f.repos[key(segs[1], segs[2])]
		ref := r.URL.Query().Get("ref") // optional: the default branch
		if repo == nil || !f.visible(repo, authed) || !f.branchExists(repo, ref) {
			notFound()
			return
		}
		data, ok := f.file(repo, strings.Join(segs[4:], "/"), ref)
		if !ok {
			giteaError(w, r, http.StatusNotFound, "object does not exist [id: , rel_path: "+strings.Join(segs[4:], "/")+"]")
			return
		}
		writeRaw(w, data)
		return
	}
	if args, ok := route(r.Method, segs, "GET repos/*/*/pulls"); ok {
		repo := f.repos[key(args[0], args[1])]
		if repo == nil || !f.visible(repo, authed) {
			notFound()
			return
		}
		f.giteaPulls(w, r, repo)
		return
	}
	if args, ok := route(r.Method, segs, "POST repos/*/*/pulls"); ok {
		if repo := f.giteaWritable(w, r, args, requireAuth); repo != nil {
			f.giteaCreatePull(w, r, req, repo)
		}
		return
	}
	if args, ok := route(r.Method, segs, "PATCH repos/*/*/pulls/*"); ok {
		if repo := f.giteaWritable(w, r, args, requireAuth); repo != nil {
			n, _ := strconv.Atoi(args[2])
			if p := f.pull(repo, n); p != nil {
				f.giteaEditPull(w, r, req, repo, p)
			} else {
				notFound()
			}
		}
		return
	}
	notFound()
}

// giteaWritable returns repository args when the request may write to its pull requests, or
// answers and returns nil. Gitea refuses an edit by someone who may not write with a bare
// 403, without a body.
func (f *Fake) giteaWritable(w http.ResponseWriter, r *http.Request, args []string, requireAuth func() bool) *Repo {
	if !requireAuth() {
		return nil
	}
	repo := f.repos[key(args[0], args[1])]
	switch {
	case repo == nil || !f.visible(repo, true):
		giteaError(w, r, http.StatusNotFound, "The target couldn't be found.")
	case !f.admin(repo.Owner):
		w.WriteHeader(http.StatusForbidden)
	default:
		return repo
	}
	return nil
}

func (f *Fake) giteaList(w http.ResponseWriter, r *http.Request, repos []*Repo) {
	lo, hi := f.paginate(w, r, len(repos), "limit", 30, 50)
	list := []map[string]any{}
	for _, repo := range repos[lo:hi] {
		list = append(list, f.giteaRepo(r, repo))
	}
	writeJSON(w, http.StatusOK, list)
}

// giteaPulls answers GET /repos/{owner}/{repo}/pulls with state (open, closed, all; default
// open), newest first. Gitea has no filter by head branch.
func (f *Fake) giteaPulls(w http.ResponseWriter, r *http.Request, repo *Repo) {
	state := cmp.Or(r.URL.Query().Get("state"), "open")
	if state != "open" && state != "closed" && state != "all" {
		giteaError(w, r, http.StatusUnprocessableEntity, "invalid state")
		return
	}
	var list []*pull
	for _, p := range f.pulls[key(repo.Owner, repo.Name)] {
		if state == "all" || state == giteaState(p) {
			list = append(list, p)
		}
	}
	slices.Reverse(list)
	lo, hi := f.paginate(w, r, len(list), "limit", 30, 50)
	out := []map[string]any{}
	for _, p := range list[lo:hi] {
		out = append(out, f.giteaPull(r, repo, p))
	}
	writeJSON(w, http.StatusOK, out)
}

// giteaCreatePull creates a pull request. Its title makes it a draft: Gitea's API has no
// draft field to set.
func (f *Fake) giteaCreatePull(w http.ResponseWriter, r *http.Request, req Request, repo *Repo) {
	head, ok1 := str(req.Body, "head")
	base, ok2 := str(req.Body, "base")
	title, ok3 := str(req.Body, "title")
	body, ok4 := str(req.Body, "body")
	if !ok1 || !ok2 || !ok3 || !ok4 || title == "" {
		giteaError(w, r, http.StatusUnprocessableEntity, "[Title]: Required")
		return
	}
	headOwner := ""
	if u, b, ok := strings.Cut(head, ":"); ok {
		head = b
		if !strings.EqualFold(u, repo.Owner) {
			headOwner = u
		}
	}
	if headOwner == "" && head == base {
		giteaError(w, r, http.StatusUnprocessableEntity, "Invalid PullRequest: There are no changes between the head and the base")
		return
	}
	if open := f.openPull(repo, headOwner, head, base); open != nil {
		giteaError(w, r, http.StatusConflict, fmt.Sprintf(
			"pull request already exists for these targets [id: %d, issue_id: %d, head_repo_id: %d, base_repo_id: %d, head_branch: %s, base_branch: %s]",
			open.id, open.Number, giteaHeadRepoID(repo, open), repo.id, open.Head, open.Base))
		return
	}
	p := f.addPull(repo, PullRequest{Title: title, Body: body, Head: head, Base: base, HeadOwner: headOwner, State: "open"})
	writeJSON(w, http.StatusCreated, f.giteaPull(r, repo, p))
}

// giteaEditPull sets title (when not empty), body (when not null) and state (when not null).
// Gitea answers 201, not 200.
func (f *Fake) giteaEditPull(w http.ResponseWriter, r *http.Request, req Request, repo *Repo, p *pull) {
	title, ok1 := str(req.Body, "title")
	body, ok2 := str(req.Body, "body")
	state, ok3 := str(req.Body, "state")
	if !ok1 || !ok2 || !ok3 || state != "" && state != "open" && state != "closed" {
		giteaError(w, r, http.StatusUnprocessableEntity, "invalid parameter type")
		return
	}
	if state != "" && p.State == "merged" {
		giteaError(w, r, http.StatusPreconditionFailed, "cannot change state of this pull request, it was already merged")
		return
	}
	if title != "" {
		f.setTitle(p, title)
	}
	if req.Body["body"] != nil {
		p.Body = body
	}
	if state != "" {
		p.State = state
	}
	writeJSON(w, http.StatusCreated, f.giteaPull(r, repo, p))
}

// giteaState is Gitea's word for a pull request's state: a merged one is closed.
func giteaState(p *pull) string {
	if p.State == "open" {
		return "open"
	}
	return "closed"
}

// giteaHeadRepoID is the id of the repository holding the head branch; a fork's is made up.
func giteaHeadRepoID(repo *Repo, p *pull) int64 {
	if p.HeadOwner != "" {
		return repo.id + 100000
	}
	return repo.id
}

func (f *Fake) giteaPull(r *http.Request, repo *Repo, p *pull) map[string]any {
	web := f.webBase(r) + "/" + repo.Owner + "/" + repo.Name
	created := pullTime(p)
	var closedAt, mergedAt any
	if p.State != "open" {
		closedAt = closeTime(p)
	}
	if p.State == "merged" {
		mergedAt = closeTime(p)
	}
	branch := func(owner, ref string, repoID int64) map[string]any {
		return map[string]any{
			"label": ref, "ref": ref, "sha": sha(p.id), "repo_id": repoID,
			"repo": map[string]any{"id": repoID, "name": repo.Name, "full_name": owner + "/" + repo.Name},
		}
	}
	html := web + "/pulls/" + strconv.Itoa(p.Number)
	return map[string]any{
		"id":         p.id,
		"url":        html,
		"number":     p.Number,
		"user":       map[string]any{"id": 1, "login": User, "username": User},
		"title":      p.Title,
		"body":       p.Body,
		"state":      giteaState(p),
		"draft":      p.Draft,
		"is_locked":  false,
		"html_url":   html,
		"diff_url":   html + ".diff",
		"patch_url":  html + ".patch",
		"mergeable":  p.State == "open",
		"merged":     p.State == "merged",
		"merged_at":  mergedAt,
		"head":       branch(cmp.Or(p.HeadOwner, repo.Owner), p.Head, giteaHeadRepoID(repo, p)),
		"base":       branch(repo.Owner, p.Base, repo.id),
		"created_at": created,
		"updated_at": created,
		"closed_at":  closedAt,
	}
}

func (f *Fake) giteaCreate(w http.ResponseWriter, r *http.Request, req Request, owner string) {
	name, ok1 := str(req.Body, "name")
	desc, ok2 := str(req.Body, "description")
	private, ok3 := boolean(req.Body, "private")
	autoInit, ok4 := boolean(req.Body, "auto_init")
	branch, ok5 := str(req.Body, "default_branch")
	if !ok1 || !ok2 || !ok3 || !ok4 || !ok5 || name == "" {
		giteaError(w, r, http.StatusUnprocessableEntity, "[Name]: Required")
		return
	}
	if f.repos[key(owner, name)] != nil {
		giteaError(w, r, http.StatusConflict, "The repository with the same name already exists.")
		return
	}
	repo := f.addRepo(Repo{Owner: owner, Name: name, Description: desc, DefaultBranch: branch, Private: private}, f.webBase(r))
	resp := f.giteaRepo(r, repo)
	resp["empty"] = !autoInit
	writeJSON(w, http.StatusCreated, resp)
}

func (f *Fake) giteaEdit(w http.ResponseWriter, r *http.Request, req Request, repo *Repo) {
	branch, ok1 := str(req.Body, "default_branch")
	desc, ok2 := str(req.Body, "description")
	private, ok3 := boolean(req.Body, "private")
	if !ok1 || !ok2 || !ok3 {
		giteaError(w, r, http.StatusUnprocessableEntity, "invalid parameter type")
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
	writeJSON(w, http.StatusOK, f.giteaRepo(r, repo))
}

func (f *Fake) giteaRepo(r *http.Request, repo *Repo) map[string]any {
	web := f.webBase(r)
	host := strings.TrimPrefix(strings.TrimPrefix(web, "https://"), "http://")
	return map[string]any{
		"id":             repo.id,
		"owner":          map[string]any{"id": 1, "login": repo.Owner, "username": repo.Owner},
		"name":           repo.Name,
		"full_name":      repo.Owner + "/" + repo.Name,
		"description":    repo.Description,
		"empty":          true,
		"private":        repo.Private,
		"fork":           repo.Fork,
		"topics":         topics(repo),
		"html_url":       web + "/" + repo.Owner + "/" + repo.Name,
		"ssh_url":        "git@" + host + ":" + repo.Owner + "/" + repo.Name + ".git",
		"clone_url":      repo.CloneURL,
		"default_branch": repo.DefaultBranch,
		"archived":       repo.Archived,
		"permissions":    map[string]any{"admin": f.admin(repo.Owner), "push": f.admin(repo.Owner), "pull": true},
	}
}
