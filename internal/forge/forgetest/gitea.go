package forgetest

import (
	"net/http"
	"strings"
)

// Gitea REST API v1, https://docs.gitea.com/api/:
//
//	GET   /api/v1/user                  the authenticated user
//	POST  /api/v1/user/repos            create a repository for the authenticated user
//	POST  /api/v1/orgs/{org}/repos      create a repository in an organization
//	GET   /api/v1/repos/{owner}/{repo}  get a repository
//	PATCH /api/v1/repos/{owner}/{repo}  edit a repository (default_branch, description, private)

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
	notFound()
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
		"fork":           false,
		"html_url":       web + "/" + repo.Owner + "/" + repo.Name,
		"ssh_url":        "git@" + host + ":" + repo.Owner + "/" + repo.Name + ".git",
		"clone_url":      repo.CloneURL,
		"default_branch": repo.DefaultBranch,
		"permissions":    map[string]any{"admin": f.admin(repo.Owner), "push": f.admin(repo.Owner), "pull": true},
	}
}
