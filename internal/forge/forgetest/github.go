package forgetest

import (
	"net/http"
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
//
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
	githubError(w, http.StatusNotFound, "Not Found")
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
		"fork":           false,
		"html_url":       web + "/" + repo.Owner + "/" + repo.Name,
		"clone_url":      repo.CloneURL,
		"ssh_url":        "git@" + host + ":" + repo.Owner + "/" + repo.Name + ".git",
		"default_branch": repo.DefaultBranch,
		"size":           0,
	}
}
