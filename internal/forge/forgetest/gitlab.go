package forgetest

import (
	"cmp"
	"net/http"
	"path"
	"slices"
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
//	GET  /api/v4/groups/:id/projects   list a group's projects (include_subgroups)
//	GET  /api/v4/users/:id/projects    list a user's projects
//
//	GET  /api/v4/projects/:id/repository/files/:file_path/raw   a file's content (ref)
//	GET  /api/v4/projects/:id/merge_requests                    list merge requests
//	POST /api/v4/projects/:id/merge_requests                    create a merge request
//	PUT  /api/v4/projects/:id/merge_requests/:iid               update a merge request
//
//	POST /api/graphql   projects(fullPaths:) with their files and merge requests: gitlab_batch.go
//
// Lists are paged with page and per_page (default 20, at most 100), the X-Page, X-Next-Page,
// X-Total-Pages ... headers and Link.

// userNamespaceID is the id of User's personal namespace.
const userNamespaceID = 10

func gitlabError(w http.ResponseWriter, status int, msg any) {
	writeJSON(w, status, map[string]any{"message": msg})
}

func (f *Fake) serveGitLab(w http.ResponseWriter, r *http.Request, req Request) {
	a := f.credential(r)
	if r.Method == http.MethodPost && req.Path == "/api/graphql" { // gitlab_batch.go
		if a == badAuth {
			writeJSON(w, http.StatusUnauthorized, map[string]any{"errors": []map[string]any{{"message": "Invalid token"}}})
			return
		}
		f.gitlabBatchRead(w, r, req, a == goodAuth)
		return
	}
	segs, ok := segments(req.Path, "/api/v4/")
	if !ok {
		gitlabError(w, http.StatusNotFound, "404 Not Found")
		return
	}
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
	if args, ok := route(r.Method, segs, "GET groups/*/projects"); ok {
		ns := f.gitlabNamespace(args[0])
		if ns == nil || ns.id == userNamespaceID {
			gitlabError(w, http.StatusNotFound, "404 Group Not Found")
			return
		}
		f.gitlabList(w, r, f.ownedBy(ns.name, r.URL.Query().Get("include_subgroups") == "true", authed, false))
		return
	}
	if args, ok := route(r.Method, segs, "GET users/*/projects"); ok {
		if !f.isUser(args[0]) {
			gitlabError(w, http.StatusNotFound, "404 User Not Found")
			return
		}
		f.gitlabList(w, r, f.ownedBy(args[0], false, authed, false))
		return
	}
	if args, ok := route(r.Method, segs, "GET projects/*/repository/files/*/raw"); ok {
		p := f.gitlabProject(args[0])
		if p == nil || !f.visible(p, authed) {
			gitlabError(w, http.StatusNotFound, "404 Project Not Found")
			return
		}
		ref := r.URL.Query().Get("ref") // optional: the project's HEAD
		if !f.branchExists(p, ref) {
			gitlabError(w, http.StatusNotFound, "404 Commit Not Found")
			return
		}
		data, ok := f.file(p, args[1], ref)
		if !ok {
			gitlabError(w, http.StatusNotFound, "404 File Not Found")
			return
		}
		writeRaw(w, data)
		return
	}
	if args, ok := route(r.Method, segs, "GET projects/*/merge_requests"); ok {
		p := f.gitlabProject(args[0])
		if p == nil || !f.visible(p, authed) {
			gitlabError(w, http.StatusNotFound, "404 Project Not Found")
			return
		}
		f.gitlabMergeRequests(w, r, p)
		return
	}
	if args, ok := route(r.Method, segs, "POST projects/*/merge_requests"); ok {
		if p := f.gitlabWritable(w, args, requireAuth); p != nil {
			f.gitlabCreateMR(w, r, req, p)
		}
		return
	}
	if args, ok := route(r.Method, segs, "PUT projects/*/merge_requests/*"); ok {
		if p := f.gitlabWritable(w, args, requireAuth); p != nil {
			n, _ := strconv.Atoi(args[1])
			if mr := f.pull(p, n); mr != nil {
				f.gitlabEditMR(w, r, req, p, mr)
			} else {
				gitlabError(w, http.StatusNotFound, "404 Not found")
			}
		}
		return
	}
	gitlabError(w, http.StatusNotFound, "404 Not Found")
}

// gitlabWritable returns project args[0] when the request may write to its merge requests,
// or answers and returns nil.
func (f *Fake) gitlabWritable(w http.ResponseWriter, args []string, requireAuth func() bool) *Repo {
	if !requireAuth() {
		return nil
	}
	p := f.gitlabProject(args[0])
	switch {
	case p == nil || !f.visible(p, true):
		gitlabError(w, http.StatusNotFound, "404 Project Not Found")
	case !f.admin(p.Owner):
		gitlabError(w, http.StatusForbidden, "403 Forbidden")
	default:
		return p
	}
	return nil
}

func (f *Fake) gitlabList(w http.ResponseWriter, r *http.Request, projects []*Repo) {
	lo, hi := f.paginate(w, r, len(projects), "per_page", 20, 100)
	list := []map[string]any{}
	for _, p := range projects[lo:hi] {
		list = append(list, f.gitlabProjectJSON(r, p))
	}
	writeJSON(w, http.StatusOK, list)
}

// gitlabMergeRequests answers GET /projects/:id/merge_requests with state (opened, closed,
// merged, locked, all; default all), source_branch, target_branch, order_by=created_at and
// sort (default desc).
func (f *Fake) gitlabMergeRequests(w http.ResponseWriter, r *http.Request, p *Repo) {
	q := r.URL.Query()
	state := cmp.Or(q.Get("state"), "all")
	if !slices.Contains([]string{"opened", "closed", "merged", "locked", "all"}, state) {
		gitlabError(w, http.StatusBadRequest, "state does not have a valid value")
		return
	}
	if cmp.Or(q.Get("order_by"), "created_at") != "created_at" {
		gitlabError(w, http.StatusBadRequest, "order_by does not have a valid value")
		return
	}
	var list []*pull
	for _, mr := range f.pulls[key(p.Owner, p.Name)] {
		switch {
		case state != "all" && state != gitlabState(mr):
			continue
		case q.Get("source_branch") != "" && q.Get("source_branch") != mr.Head:
			continue
		case q.Get("target_branch") != "" && q.Get("target_branch") != mr.Base:
			continue
		}
		list = append(list, mr)
	}
	if q.Get("sort") != "asc" {
		slices.Reverse(list)
	}
	lo, hi := f.paginate(w, r, len(list), "per_page", 20, 100)
	out := []map[string]any{}
	for _, mr := range list[lo:hi] {
		out = append(out, f.gitlabMR(r, p, mr))
	}
	writeJSON(w, http.StatusOK, out)
}

// gitlabCreateMR creates a merge request. Its title makes it a draft: GitLab's API has no
// draft parameter.
func (f *Fake) gitlabCreateMR(w http.ResponseWriter, r *http.Request, req Request, p *Repo) {
	title, ok1 := str(req.Body, "title")
	source, ok2 := str(req.Body, "source_branch")
	target, ok3 := str(req.Body, "target_branch")
	desc, ok4 := str(req.Body, "description")
	if !ok1 || !ok2 || !ok3 || !ok4 {
		gitlabError(w, http.StatusBadRequest, "400 Bad request - invalid parameter type")
		return
	}
	var missing []string
	for _, field := range []struct{ name, value string }{{"source_branch", source}, {"target_branch", target}, {"title", title}} {
		if field.value == "" {
			missing = append(missing, field.name+" is missing")
		}
	}
	if missing != nil {
		// Grape's parameter validation answers {"error": "..."}.
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": strings.Join(missing, ", ")})
		return
	}
	if source == target {
		gitlabError(w, http.StatusConflict, []string{"You can't use same project/branch for source and target"})
		return
	}
	if open := f.openPull(p, "", source, target); open != nil {
		gitlabError(w, http.StatusConflict, []string{"Another open merge request already exists for this source branch: !" + strconv.Itoa(open.Number)})
		return
	}
	mr := f.addPull(p, PullRequest{Title: title, Body: desc, Head: source, Base: target, State: "open"})
	writeJSON(w, http.StatusCreated, f.gitlabMR(r, p, mr))
}

// gitlabEditMR sets title, description and state_event (close, reopen).
func (f *Fake) gitlabEditMR(w http.ResponseWriter, r *http.Request, req Request, p *Repo, mr *pull) {
	title, ok1 := str(req.Body, "title")
	desc, ok2 := str(req.Body, "description")
	event, ok3 := str(req.Body, "state_event")
	target, ok4 := str(req.Body, "target_branch")
	if !ok1 || !ok2 || !ok3 || !ok4 {
		gitlabError(w, http.StatusBadRequest, "400 Bad request - invalid parameter type")
		return
	}
	if len(req.Body) == 0 {
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": "title, description, state_event, target_branch are missing, at least one parameter must be provided"})
		return
	}
	if event != "" && event != "close" && event != "reopen" {
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": "state_event does not have a valid value"})
		return
	}
	if event == "reopen" && mr.State == "closed" {
		if open := f.openPull(p, mr.HeadOwner, mr.Head, cmp.Or(target, mr.Base)); open != nil {
			gitlabError(w, http.StatusConflict, []string{"Another open merge request already exists for this source branch: !" + strconv.Itoa(open.Number)})
			return
		}
	}
	if _, ok := req.Body["title"]; ok {
		f.setTitle(mr, title)
	}
	if _, ok := req.Body["description"]; ok {
		mr.Body = desc
	}
	if target != "" {
		mr.Base = target
	}
	// A merged merge request stays merged: the state machine has no transition from it.
	switch {
	case event == "close" && mr.State == "open":
		mr.State = "closed"
	case event == "reopen" && mr.State == "closed":
		mr.State = "open"
	}
	writeJSON(w, http.StatusOK, f.gitlabMR(r, p, mr))
}

// gitlabState is GitLab's word for a merge request's state.
func gitlabState(mr *pull) string {
	if mr.State == "open" {
		return "opened"
	}
	return mr.State
}

func (f *Fake) gitlabMR(r *http.Request, p *Repo, mr *pull) map[string]any {
	web := f.webBase(r) + "/" + p.Owner + "/" + p.Name
	created := pullTime(mr)
	var closedAt, mergedAt any
	switch mr.State {
	case "closed":
		closedAt = closeTime(mr)
	case "merged":
		mergedAt = closeTime(mr)
	}
	// A fork is another project; its id here is made up.
	source := p.id
	if mr.HeadOwner != "" {
		source = p.id + 100000
	}
	return map[string]any{
		"id":                mr.id,
		"iid":               mr.Number,
		"project_id":        p.id,
		"title":             mr.Title,
		"description":       mr.Body,
		"state":             gitlabState(mr),
		"draft":             mr.Draft,
		"work_in_progress":  mr.Draft,
		"source_branch":     mr.Head,
		"target_branch":     mr.Base,
		"source_project_id": source,
		"target_project_id": p.id,
		"author":            map[string]any{"id": 1, "username": User, "name": "Alice"},
		"web_url":           web + "/-/merge_requests/" + strconv.Itoa(mr.Number),
		"sha":               sha(mr.id),
		"created_at":        created,
		"updated_at":        created,
		"closed_at":         closedAt,
		"merged_at":         mergedAt,
		"references":        map[string]any{"short": "!" + strconv.Itoa(mr.Number), "full": p.Owner + "/" + p.Name + "!" + strconv.Itoa(mr.Number)},
	}
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
	var parent any
	if p.Fork { // GitLab names the project it was forked from; what it is does not matter here
		parent = map[string]any{"id": 1, "path_with_namespace": "upstream/" + p.Name}
	}
	return map[string]any{
		"forked_from_project": parent,
		"topics":              topics(p),
		"id":                  p.id,
		"name":                p.Name,
		"path":                p.Name,
		"path_with_namespace": p.Owner + "/" + p.Name,
		"name_with_namespace": strings.ReplaceAll(p.Owner, "/", " / ") + " / " + p.Name,
		"description":         p.Description,
		"visibility":          visibility,
		"default_branch":      p.DefaultBranch,
		"archived":            p.Archived,
		"empty_repo":          true,
		"web_url":             web + "/" + p.Owner + "/" + p.Name,
		"http_url_to_repo":    p.CloneURL,
		"ssh_url_to_repo":     "git@" + host + ":" + p.Owner + "/" + p.Name + ".git",
		"namespace":           f.gitlabNamespaceJSON(r, ns),
	}
}
