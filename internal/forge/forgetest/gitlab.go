package forgetest

import (
	"net/http"
	"path"
	"strconv"
	"strings"
)

// GitLab REST API v4, https://docs.gitlab.com/api/:
//
//	GET  /api/v4/user             the current user
//	GET  /api/v4/namespaces/:id   a namespace by id or URL-encoded full path
//	POST /api/v4/projects         create a project
//	GET  /api/v4/projects/:id     a project by id or URL-encoded "namespace/path"
//	PUT  /api/v4/projects/:id     edit a project (default_branch, description, visibility)

// userNamespaceID is the id of User's personal namespace.
const userNamespaceID = 10

func gitlabError(w http.ResponseWriter, status int, msg any) {
	writeJSON(w, status, map[string]any{"message": msg})
}

func (f *Fake) serveGitLab(w http.ResponseWriter, r *http.Request, req Request) {
	segs, ok := segments(req.Path, "/api/v4/")
	if !ok {
		gitlabError(w, http.StatusNotFound, "404 Not Found")
		return
	}
	a := f.credential(r)
	if a == badAuth {
		gitlabError(w, http.StatusUnauthorized, "401 Unauthorized")
		return
	}
	authed := a == goodAuth
	requireAuth := func() bool {
		if !authed {
			gitlabError(w, http.StatusUnauthorized, "401 Unauthorized")
		}
		return authed
	}

	if _, ok := route(r.Method, segs, "GET user"); ok {
		if requireAuth() {
			writeJSON(w, http.StatusOK, map[string]any{
				"id": 1, "username": User, "name": "Alice", "state": "active", "web_url": f.webBase(r) + "/" + User,
			})
		}
		return
	}
	if args, ok := route(r.Method, segs, "GET namespaces/*"); ok {
		if !requireAuth() {
			return
		}
		ns := f.gitlabNamespace(args[0])
		if ns == nil {
			gitlabError(w, http.StatusNotFound, "404 Namespace Not Found")
			return
		}
		writeJSON(w, http.StatusOK, f.gitlabNamespaceJSON(r, ns))
		return
	}
	if _, ok := route(r.Method, segs, "POST projects"); ok {
		if requireAuth() {
			f.gitlabCreate(w, r, req)
		}
		return
	}
	if args, ok := route(r.Method, segs, "GET projects/*"); ok {
		p := f.gitlabProject(args[0])
		if p == nil || !f.visible(p, authed) {
			gitlabError(w, http.StatusNotFound, "404 Project Not Found")
			return
		}
		writeJSON(w, http.StatusOK, f.gitlabProjectJSON(r, p))
		return
	}
	if args, ok := route(r.Method, segs, "PUT projects/*"); ok {
		if !requireAuth() {
			return
		}
		p := f.gitlabProject(args[0])
		switch {
		case p == nil || !f.visible(p, authed):
			gitlabError(w, http.StatusNotFound, "404 Project Not Found")
		case !f.admin(p.Owner):
			gitlabError(w, http.StatusForbidden, "403 Forbidden")
		default:
			f.gitlabEdit(w, r, req, p)
		}
		return
	}
	gitlabError(w, http.StatusNotFound, "404 Not Found")
}

// gitlabNamespace finds a namespace by numeric id or full path: User's, or a group's.
func (f *Fake) gitlabNamespace(id string) *org {
	if id == strconv.Itoa(userNamespaceID) || strings.EqualFold(id, User) {
		return &org{name: User, id: userNamespaceID, canCreate: true}
	}
	for _, o := range f.orgs {
		if strconv.FormatInt(o.id, 10) == id || strings.EqualFold(o.name, id) {
			return o
		}
	}
	return nil
}

func (f *Fake) gitlabNamespaceJSON(r *http.Request, ns *org) map[string]any {
	kind := "group"
	if ns.id == userNamespaceID {
		kind = "user"
	}
	return map[string]any{
		"id": ns.id, "name": path.Base(ns.name), "path": path.Base(ns.name), "kind": kind,
		"full_path": ns.name, "web_url": f.webBase(r) + "/" + ns.name,
	}
}

// gitlabProject finds a project by numeric id or "namespace/path".
func (f *Fake) gitlabProject(id string) *Repo {
	if p := f.repos[strings.ToLower(id)]; p != nil {
		return p
	}
	for _, p := range f.repos {
		if strconv.FormatInt(p.id, 10) == id {
			return p
		}
	}
	return nil
}

func (f *Fake) gitlabCreate(w http.ResponseWriter, r *http.Request, req Request) {
	name, ok1 := str(req.Body, "name")
	projectPath, ok2 := str(req.Body, "path")
	desc, ok3 := str(req.Body, "description")
	visibility, ok4 := str(req.Body, "visibility")
	branch, ok5 := str(req.Body, "default_branch")
	_, ok6 := boolean(req.Body, "initialize_with_readme")
	nsID, hasNS, ok7 := number(req.Body, "namespace_id")
	if !ok1 || !ok2 || !ok3 || !ok4 || !ok5 || !ok6 || !ok7 {
		gitlabError(w, http.StatusBadRequest, "400 Bad request - invalid parameter type")
		return
	}
	if name == "" && projectPath == "" {
		gitlabError(w, http.StatusBadRequest, "name is missing, path is missing, at least one parameter must be provided")
		return
	}
	if projectPath == "" {
		projectPath = name
	}
	if name == "" {
		name = projectPath
	}
	switch visibility {
	case "", "private":
		visibility = "private"
	case "internal", "public":
	default:
		gitlabError(w, http.StatusBadRequest, "visibility does not have a valid value")
		return
	}

	ns := f.gitlabNamespace(strconv.Itoa(userNamespaceID))
	if hasNS {
		if ns = f.gitlabNamespace(strconv.FormatInt(nsID, 10)); ns == nil {
			gitlabError(w, http.StatusNotFound, "404 Namespace Not Found")
			return
		}
	}
	if !ns.canCreate {
		gitlabError(w, http.StatusBadRequest, map[string]any{"namespace": []string{"is not valid"}})
		return
	}
	if f.repos[key(ns.name, projectPath)] != nil {
		gitlabError(w, http.StatusBadRequest, map[string]any{
			"name": []string{"has already been taken"},
			"path": []string{"has already been taken"},
		})
		return
	}
	// The repository stays empty: default_branch is what GitLab will report and use as HEAD.
	p := f.addRepo(Repo{Owner: ns.name, Name: projectPath, Description: desc, DefaultBranch: branch, Private: visibility != "public"}, f.webBase(r))
	writeJSON(w, http.StatusCreated, f.gitlabProjectJSON(r, p))
}

func (f *Fake) gitlabEdit(w http.ResponseWriter, r *http.Request, req Request, p *Repo) {
	branch, ok1 := str(req.Body, "default_branch")
	desc, ok2 := str(req.Body, "description")
	visibility, ok3 := str(req.Body, "visibility")
	if !ok1 || !ok2 || !ok3 {
		gitlabError(w, http.StatusBadRequest, "400 Bad request - invalid parameter type")
		return
	}
	if _, ok := req.Body["default_branch"]; ok {
		p.DefaultBranch = branch
	}
	if _, ok := req.Body["description"]; ok {
		p.Description = desc
	}
	if visibility != "" {
		p.Private = visibility != "public"
	}
	writeJSON(w, http.StatusOK, f.gitlabProjectJSON(r, p))
}

func (f *Fake) gitlabProjectJSON(r *http.Request, p *Repo) map[string]any {
	web := f.webBase(r)
	visibility := "public"
	if p.Private {
		visibility = "private"
	}
	ns := f.gitlabNamespace(p.Owner)
	if ns == nil { // added with AddRepo under an unknown group
		ns = &org{name: p.Owner}
	}
	host := strings.TrimPrefix(strings.TrimPrefix(web, "https://"), "http://")
	return map[string]any{
		"id":                  p.id,
		"name":                p.Name,
		"path":                p.Name,
		"path_with_namespace": p.Owner + "/" + p.Name,
		"name_with_namespace": strings.ReplaceAll(p.Owner, "/", " / ") + " / " + p.Name,
		"description":         p.Description,
		"visibility":          visibility,
		"default_branch":      p.DefaultBranch,
		"empty_repo":          true,
		"web_url":             web + "/" + p.Owner + "/" + p.Name,
		"http_url_to_repo":    p.CloneURL,
		"ssh_url_to_repo":     "git@" + host + ":" + p.Owner + "/" + p.Name + ".git",
		"namespace":           f.gitlabNamespaceJSON(r, ns),
	}
}
