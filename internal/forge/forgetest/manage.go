package forgetest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// What the bot sets on a pull request besides its title and body, as each forge documents it:
//
// GitHub (https://docs.github.com/rest, https://docs.github.com/graphql):
//
//	GET   /repos/{owner}/{repo}/pulls/{number}                      a pull request, with node_id and auto_merge
//	GET   /repos/{owner}/{repo}/labels                              list labels
//	POST  /repos/{owner}/{repo}/labels                              create a label
//	POST  /repos/{owner}/{repo}/issues/{number}/labels              add labels
//	POST  /repos/{owner}/{repo}/issues/{number}/assignees           add assignees
//	POST  /repos/{owner}/{repo}/pulls/{number}/requested_reviewers  request reviewers
//	POST  /graphql (GitHub Enterprise Server: /api/graphql)         enablePullRequestAutoMerge and
//	                                                                disablePullRequestAutoMerge only
//
// GitLab (https://docs.gitlab.com/api/):
//
//	GET  /api/v4/users?username=                                                  find a user
//	PUT  /api/v4/projects/:id/merge_requests/:iid                                 add_labels, reviewer_ids, assignee_ids
//	PUT  /api/v4/projects/:id/merge_requests/:iid/merge                           auto_merge / merge_when_pipeline_succeeds
//	POST /api/v4/projects/:id/merge_requests/:iid/cancel_merge_when_pipeline_succeeds
//
// Gitea (https://gitea.com/api/swagger):
//
//	GET    /api/v1/repos/{owner}/{repo}/labels                        list labels
//	POST   /api/v1/repos/{owner}/{repo}/labels                        create a label
//	POST   /api/v1/repos/{owner}/{repo}/issues/{index}/labels         add labels, by id
//	PATCH  /api/v1/repos/{owner}/{repo}/issues/{index}                assignees
//	POST   /api/v1/repos/{owner}/{repo}/pulls/{index}/requested_reviewers
//	POST   /api/v1/repos/{owner}/{repo}/pulls/{index}/merge           merge_when_checks_succeed
//	DELETE /api/v1/repos/{owner}/{repo}/pulls/{index}/merge           cancel the scheduled merge
//
// GitHub's auto-merge has no REST endpoint: the fake answers the two GraphQL mutations the
// documentation gives, recognised by name in the query, with their variable id, and nothing
// else of GraphQL.

// Label is a repository's label as a fake holds it.
type Label struct {
	ID    int64
	Name  string
	Color string // without #
}

// manageState is what the fakes keep for labels, users and what is set on pull requests.
// f.mu guards it.
type manageState struct {
	labels map[string][]*Label // repository key
	users  map[string]int64    // GitLab users by lower-case username
	pulls  map[*pull]*Managed
}

// Managed is what was set on a pull request besides its title and body.
type Managed struct {
	Labels, Reviewers, TeamReviewers, Assignees []string
	// AutoMerge: the forge merges it once its checks pass.
	AutoMerge bool
}

// Managed returns what was set on pull request number of owner/name.
func (f *Fake) Managed(owner, name string, number int) Managed {
	f.mu.Lock()
	defer f.mu.Unlock()
	p := f.pull(f.mustRepo(owner, name), number)
	if p == nil {
		panic(fmt.Sprintf("forgetest: %s/%s has no pull request %d", owner, name, number))
	}
	m := *f.managed(p)
	return m
}

// managed is what was set on p. f.mu must be held.
func (f *Fake) managed(p *pull) *Managed {
	if f.manage.pulls == nil {
		f.manage.pulls = map[*pull]*Managed{}
	}
	if f.manage.pulls[p] == nil {
		f.manage.pulls[p] = &Managed{}
	}
	return f.manage.pulls[p]
}

// Labels returns the labels of repository owner/name.
func (f *Fake) Labels(owner, name string) []Label {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []Label
	for _, l := range f.manage.labels[key(owner, name)] {
		out = append(out, *l)
	}
	return out
}

// AddLabel adds a label to repository owner/name, which must exist.
func (f *Fake) AddLabel(owner, name, label string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.addLabel(f.mustRepo(owner, name), label, "ededed")
}

// AddUser adds a user others may ask for a review (GitLab looks users up by name); User is
// always there.
func (f *Fake) AddUser(name string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.userID(name, true)
}

// userID is the id of user name, added when add; 0 when there is none. f.mu must be held.
func (f *Fake) userID(name string, add bool) int64 {
	if f.manage.users == nil {
		f.manage.users = map[string]int64{strings.ToLower(User): 1}
	}
	id := f.manage.users[strings.ToLower(name)]
	if id == 0 && add {
		f.nextID++
		id = f.nextID
		f.manage.users[strings.ToLower(name)] = id
	}
	return id
}

// addLabel creates a label. f.mu must be held.
func (f *Fake) addLabel(repo *Repo, name, color string) *Label {
	if f.manage.labels == nil {
		f.manage.labels = map[string][]*Label{}
	}
	f.nextID++
	l := &Label{ID: f.nextID, Name: name, Color: strings.TrimPrefix(color, "#")}
	k := key(repo.Owner, repo.Name)
	f.manage.labels[k] = append(f.manage.labels[k], l)
	return l
}

// label finds a label by name, case-insensitively, or by id. f.mu must be held.
func (f *Fake) label(repo *Repo, name string, id int64) *Label {
	for _, l := range f.manage.labels[key(repo.Owner, repo.Name)] {
		if id != 0 && l.ID == id || id == 0 && strings.EqualFold(l.Name, name) {
			return l
		}
	}
	return nil
}

// labelPull puts label l on p, once.
func labelPull(p *Managed, l *Label) {
	if !slices.ContainsFunc(p.Labels, func(n string) bool { return strings.EqualFold(n, l.Name) }) {
		p.Labels = append(p.Labels, l.Name)
	}
}

func addOnce(list []string, names ...string) []string {
	for _, n := range names {
		if !slices.Contains(list, n) {
			list = append(list, n)
		}
	}
	return list
}

// strs reads a list of strings of a JSON body; ok is false for a wrong type.
func strs(body map[string]any, k string) ([]string, bool) {
	return listOf(body, k, func(v any) (string, bool) { s, ok := v.(string); return s, ok })
}

// listOf reads body[k] as a JSON list, each item by item; a missing or null k is an empty
// list, ok is false for a wrong type.
func listOf[T any](body map[string]any, k string, item func(any) (T, bool)) ([]T, bool) {
	v, present := body[k]
	if !present || v == nil {
		return nil, true
	}
	list, ok := v.([]any)
	if !ok {
		return nil, false
	}
	var out []T
	for _, x := range list {
		t, ok := item(x)
		if !ok {
			return nil, false
		}
		out = append(out, t)
	}
	return out, true
}

// serveManage answers the requests above and reports whether it did; the others go on to
// the forge's own routes. data is the body as sent, bodyErr why it is no JSON object: GitHub's
// add-labels takes a bare array of names too, which go-github sends. f.mu is held.
func (f *Fake) serveManage(w http.ResponseWriter, r *http.Request, req Request, data []byte, bodyErr string) bool {
	if bodyErr != "" {
		var names []string
		if f.kind != "github" || r.Method != http.MethodPost || !strings.HasSuffix(req.Path, "/labels") ||
			!strings.Contains(req.Path, "/issues/") || json.Unmarshal(data, &names) != nil {
			return false
		}
		list := make([]any, len(names))
		for i, n := range names {
			list[i] = n
		}
		req.Body = map[string]any{"labels": list}
	}
	switch f.kind {
	case "github":
		return f.serveGitHubManage(w, r, req)
	case "gitlab":
		return f.serveGitLabManage(w, r, req)
	case "gitea":
		return f.serveGiteaManage(w, r, req)
	}
	return false
}

// managed routes a request of a forge: the repository and pull request it names, after
// authentication. fail answers an error.
type managed struct {
	w      http.ResponseWriter
	authed bool
	fail   func(status int, msg string)
}

func (m managed) requireAuth() bool {
	if !m.authed {
		m.fail(http.StatusUnauthorized, "Requires authentication")
	}
	return m.authed
}

func (f *Fake) serveGitHubManage(w http.ResponseWriter, r *http.Request, req Request) bool {
	prefix, graphql := "/api/v3/", "/api/graphql"
	if r.Host == "api.github.com" {
		prefix, graphql = "/", "/graphql"
	}
	a := f.credential(r)
	m := managed{w: w, authed: a == goodAuth, fail: func(s int, msg string) { githubError(w, s, msg) }}
	if r.Method == http.MethodPost && req.Path == graphql {
		if a == badAuth || !m.authed {
			githubError(w, http.StatusUnauthorized, "This endpoint requires you to be authenticated.")
			return true
		}
		f.githubGraphQL(w, req)
		return true
	}
	segs, ok := segments(req.Path, prefix)
	if !ok || a == badAuth {
		return false // the forge's routes answer
	}
	repoOf := func(args []string, write bool) *Repo {
		if write && !m.requireAuth() {
			return nil
		}
		repo := f.repos[key(args[0], args[1])]
		switch {
		case repo == nil || !f.visible(repo, m.authed):
			githubError(w, http.StatusNotFound, "Not Found")
		case write && !f.admin(repo.Owner):
			githubError(w, http.StatusForbidden, "Resource not accessible by personal access token")
		default:
			return repo
		}
		return nil
	}
	pullOf := func(repo *Repo, n string) *pull {
		num, _ := strconv.Atoi(n)
		p := f.pull(repo, num)
		if p == nil {
			githubError(w, http.StatusNotFound, "Not Found")
		}
		return p
	}
	if args, ok := route(r.Method, segs, "GET repos/*/*/pulls/*"); ok {
		if repo := repoOf(args, false); repo != nil {
			if p := pullOf(repo, args[2]); p != nil {
				writeJSON(w, http.StatusOK, f.githubPullFull(r, repo, p))
			}
		}
		return true
	}
	if args, ok := route(r.Method, segs, "GET repos/*/*/labels"); ok {
		if repo := repoOf(args, false); repo != nil {
			all := f.manage.labels[key(repo.Owner, repo.Name)]
			lo, hi := f.paginate(w, r, len(all), "per_page", 30, 100)
			out := []map[string]any{}
			for _, l := range all[lo:hi] {
				out = append(out, githubLabelJSON(l))
			}
			writeJSON(w, http.StatusOK, out)
		}
		return true
	}
	if args, ok := route(r.Method, segs, "POST repos/*/*/labels"); ok {
		if repo := repoOf(args, true); repo != nil {
			name, ok1 := str(req.Body, "name")
			color, ok2 := str(req.Body, "color")
			_, ok3 := str(req.Body, "description")
			switch {
			case !ok1 || !ok2 || !ok3:
				githubError(w, http.StatusUnprocessableEntity, "Invalid request.")
			case name == "":
				githubError(w, http.StatusUnprocessableEntity, "Validation Failed", map[string]any{"resource": "Label", "field": "name", "code": "missing_field"})
			case f.label(repo, name, 0) != nil:
				githubError(w, http.StatusUnprocessableEntity, "Validation Failed", map[string]any{"resource": "Label", "field": "name", "code": "already_exists"})
			default:
				writeJSON(w, http.StatusCreated, githubLabelJSON(f.addLabel(repo, name, cmpOr(color, "ededed"))))
			}
		}
		return true
	}
	if args, ok := route(r.Method, segs, "POST repos/*/*/issues/*/labels"); ok {
		if repo := repoOf(args, true); repo != nil {
			if p := pullOf(repo, args[2]); p != nil {
				names, ok := strs(req.Body, "labels")
				if !ok {
					githubError(w, http.StatusUnprocessableEntity, "Invalid request.")
					return true
				}
				out := []map[string]any{}
				for _, n := range names {
					l := f.label(repo, n, 0)
					if l == nil { // GitHub makes a label it does not know
						l = f.addLabel(repo, n, "ededed")
					}
					labelPull(f.managed(p), l)
				}
				for _, n := range f.managed(p).Labels {
					out = append(out, githubLabelJSON(f.label(repo, n, 0)))
				}
				writeJSON(w, http.StatusOK, out)
			}
		}
		return true
	}
	if args, ok := route(r.Method, segs, "POST repos/*/*/issues/*/assignees"); ok {
		if repo := repoOf(args, true); repo != nil {
			if p := pullOf(repo, args[2]); p != nil {
				users, ok := strs(req.Body, "assignees")
				if !ok {
					githubError(w, http.StatusUnprocessableEntity, "Invalid request.")
					return true
				}
				f.managed(p).Assignees = addOnce(f.managed(p).Assignees, users...)
				writeJSON(w, http.StatusCreated, f.githubPullFull(r, repo, p))
			}
		}
		return true
	}
	if args, ok := route(r.Method, segs, "POST repos/*/*/pulls/*/requested_reviewers"); ok {
		if repo := repoOf(args, true); repo != nil {
			if p := pullOf(repo, args[2]); p != nil {
				users, ok1 := strs(req.Body, "reviewers")
				teams, ok2 := strs(req.Body, "team_reviewers")
				switch {
				case !ok1 || !ok2:
					githubError(w, http.StatusUnprocessableEntity, "Invalid request.")
				case slices.ContainsFunc(users, func(u string) bool { return strings.EqualFold(u, User) }):
					githubError(w, http.StatusUnprocessableEntity, "Review cannot be requested from pull request author.")
				default:
					f.managed(p).Reviewers = addOnce(f.managed(p).Reviewers, users...)
					f.managed(p).TeamReviewers = addOnce(f.managed(p).TeamReviewers, teams...)
					writeJSON(w, http.StatusCreated, f.githubPullFull(r, repo, p))
				}
			}
		}
		return true
	}
	return false
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func githubLabelJSON(l *Label) map[string]any {
	return map[string]any{"id": l.ID, "node_id": fmt.Sprintf("LA_%d", l.ID), "name": l.Name, "color": l.Color, "default": false, "description": nil}
}

// githubNodeID is a pull request's global node id in GraphQL.
func githubNodeID(p *pull) string { return fmt.Sprintf("PR_%d", p.id) }

// githubPullFull is GET /repos/{owner}/{repo}/pulls/{number}'s answer: the pull request with
// node_id, labels, requested reviewers and teams, assignees and auto_merge.
func (f *Fake) githubPullFull(r *http.Request, repo *Repo, p *pull) map[string]any {
	pr := f.githubPull(r, repo, p, true)
	pr["node_id"] = githubNodeID(p)
	logins := func(names []string) []map[string]any {
		out := []map[string]any{}
		for _, n := range names {
			out = append(out, map[string]any{"login": n})
		}
		return out
	}
	labels := []map[string]any{}
	for _, n := range f.managed(p).Labels {
		if l := f.label(repo, n, 0); l != nil {
			labels = append(labels, githubLabelJSON(l))
		}
	}
	teams := []map[string]any{}
	for _, t := range f.managed(p).TeamReviewers {
		teams = append(teams, map[string]any{"slug": t, "name": t})
	}
	pr["labels"], pr["requested_reviewers"], pr["requested_teams"], pr["assignees"] = labels, logins(f.managed(p).Reviewers), teams, logins(f.managed(p).Assignees)
	pr["auto_merge"] = nil
	if f.managed(p).AutoMerge {
		pr["auto_merge"] = map[string]any{"enabled_by": map[string]any{"login": User}, "merge_method": "merge", "commit_title": "", "commit_message": ""}
	}
	return pr
}

// githubGraphQL answers enablePullRequestAutoMerge and disablePullRequestAutoMerge, the pull
// request named by the variable id. GraphQL reports failures as errors[] with status 200.
func (f *Fake) githubGraphQL(w http.ResponseWriter, req Request) {
	query, _ := str(req.Body, "query")
	if isGitHubBatchRead(query) { // batched reads: batch.go
		f.githubBatchRead(w, req)
		return
	}
	vars, _ := req.Body["variables"].(map[string]any)
	id, _ := vars["id"].(string)
	fail := func(typ, msg string) {
		writeJSON(w, http.StatusOK, map[string]any{"data": nil, "errors": []map[string]any{{"type": typ, "message": msg}}})
	}
	enable := strings.Contains(query, "enablePullRequestAutoMerge(")
	if !enable && !strings.Contains(query, "disablePullRequestAutoMerge(") {
		fail("UNSUPPORTED", "forgetest: only enablePullRequestAutoMerge and disablePullRequestAutoMerge are served")
		return
	}
	var p *pull
	for _, prs := range f.pulls {
		for _, q := range prs {
			if githubNodeID(q) == id {
				p = q
			}
		}
	}
	switch {
	case p == nil:
		fail("NOT_FOUND", fmt.Sprintf("Could not resolve to a node with the global id of '%s'", id))
	case p.State != "open":
		fail("UNPROCESSABLE", "Pull request is not open")
	case enable && p.Draft:
		fail("UNPROCESSABLE", "Pull request is in draft state")
	default:
		f.managed(p).AutoMerge = enable
		field := "disablePullRequestAutoMerge"
		if enable {
			field = "enablePullRequestAutoMerge"
		}
		writeJSON(w, http.StatusOK, map[string]any{"data": map[string]any{field: map[string]any{"pullRequest": map[string]any{"number": p.Number}}}})
	}
}

func (f *Fake) serveGitLabManage(w http.ResponseWriter, r *http.Request, req Request) bool {
	segs, ok := segments(req.Path, "/api/v4/")
	a := f.credential(r)
	if !ok || a == badAuth {
		return false
	}
	m := managed{w: w, authed: a == goodAuth, fail: func(s int, msg string) { gitlabError(w, s, strconv.Itoa(s)+" "+http.StatusText(s)) }}
	if _, ok := route(r.Method, segs, "GET users"); ok {
		name := r.URL.Query().Get("username")
		out := []map[string]any{}
		if id := f.userID(name, false); id != 0 && name != "" {
			out = append(out, map[string]any{"id": id, "username": name, "name": name, "state": "active", "web_url": f.webBase(r) + "/" + name})
		}
		writeJSON(w, http.StatusOK, out)
		return true
	}
	mrOf := func(args []string) (*Repo, *pull) {
		p := f.gitlabWritable(w, args, m.requireAuth)
		if p == nil {
			return nil, nil
		}
		n, _ := strconv.Atoi(args[1])
		mr := f.pull(p, n)
		if mr == nil {
			gitlabError(w, http.StatusNotFound, "404 Not found")
		}
		return p, mr
	}
	if args, ok := route(r.Method, segs, "PUT projects/*/merge_requests/*"); ok {
		// Only an update of labels, reviewers or assignees: the others are the forge's.
		for k := range req.Body {
			if k != "add_labels" && k != "reviewer_ids" && k != "assignee_ids" {
				return false
			}
		}
		p, mr := mrOf(args)
		if mr == nil {
			return true
		}
		labels, ok1 := str(req.Body, "add_labels")
		reviewers, ok2 := ids(req.Body, "reviewer_ids")
		assignees, ok3 := ids(req.Body, "assignee_ids")
		if !ok1 || !ok2 || !ok3 {
			gitlabError(w, http.StatusBadRequest, "400 Bad request")
			return true
		}
		for _, n := range strings.Split(labels, ",") {
			if n = strings.TrimSpace(n); n == "" {
				continue
			}
			l := f.label(p, n, 0)
			if l == nil { // GitLab creates a project label for a name it does not know
				l = f.addLabel(p, n, "#6699cc")
			}
			labelPull(f.managed(mr), l)
		}
		if _, ok := req.Body["reviewer_ids"]; ok {
			f.managed(mr).Reviewers = f.userNames(reviewers)
		}
		if _, ok := req.Body["assignee_ids"]; ok {
			f.managed(mr).Assignees = f.userNames(assignees)
		}
		writeJSON(w, http.StatusOK, f.gitlabMRFull(r, p, mr))
		return true
	}
	if args, ok := route(r.Method, segs, "PUT projects/*/merge_requests/*/merge"); ok {
		p, mr := mrOf(args)
		if mr == nil {
			return true
		}
		auto, ok1 := boolean(req.Body, "auto_merge")
		mwps, ok2 := boolean(req.Body, "merge_when_pipeline_succeeds")
		switch {
		case !ok1 || !ok2:
			gitlabError(w, http.StatusBadRequest, "400 Bad request")
		case !auto && !mwps:
			gitlabError(w, http.StatusMethodNotAllowed, "forgetest: only a merge when the pipeline succeeds is served")
		case mr.State != "open" || mr.Draft:
			// Draft, closed or merged: "405 Method Not Allowed".
			gitlabError(w, http.StatusMethodNotAllowed, "405 Method Not Allowed")
		default:
			f.managed(mr).AutoMerge = true
			writeJSON(w, http.StatusOK, f.gitlabMRFull(r, p, mr))
		}
		return true
	}
	if args, ok := route(r.Method, segs, "POST projects/*/merge_requests/*/cancel_merge_when_pipeline_succeeds"); ok {
		p, mr := mrOf(args)
		if mr == nil {
			return true
		}
		if !f.managed(mr).AutoMerge || mr.State != "open" {
			gitlabError(w, http.StatusNotAcceptable, "406 Not Acceptable")
			return true
		}
		f.managed(mr).AutoMerge = false
		writeJSON(w, http.StatusCreated, f.gitlabMRFull(r, p, mr))
		return true
	}
	return false
}

// ids reads a list of numbers of a JSON body.
func ids(body map[string]any, k string) ([]int64, bool) {
	return listOf(body, k, func(v any) (int64, bool) { n, ok := v.(float64); return int64(n), ok })
}

// userNames are the names of GitLab user ids. f.mu must be held.
func (f *Fake) userNames(idList []int64) []string {
	var out []string
	for _, id := range idList {
		for name, uid := range f.manage.users {
			if uid == id {
				out = append(out, name)
			}
		}
	}
	return out
}

// gitlabMRFull is a merge request with labels, reviewers, assignees and its auto-merge.
func (f *Fake) gitlabMRFull(r *http.Request, p *Repo, mr *pull) map[string]any {
	out := f.gitlabMR(r, p, mr)
	users := func(names []string) []map[string]any {
		list := []map[string]any{}
		for _, n := range names {
			list = append(list, map[string]any{"id": f.userID(n, false), "username": n})
		}
		return list
	}
	out["labels"] = append([]string{}, f.managed(mr).Labels...)
	out["reviewers"], out["assignees"] = users(f.managed(mr).Reviewers), users(f.managed(mr).Assignees)
	out["merge_when_pipeline_succeeds"], out["auto_merge"] = f.managed(mr).AutoMerge, f.managed(mr).AutoMerge
	return out
}

func (f *Fake) serveGiteaManage(w http.ResponseWriter, r *http.Request, req Request) bool {
	segs, ok := segments(req.Path, "/api/v1/")
	a := f.credential(r)
	if !ok || a == badAuth {
		return false
	}
	m := managed{w: w, authed: a == goodAuth, fail: func(s int, msg string) { giteaError(w, r, s, "token is required") }}
	notFound := func() { giteaError(w, r, http.StatusNotFound, "The target couldn't be found.") }
	repoOf := func(args []string, write bool) *Repo {
		if write {
			return f.giteaWritable(w, r, args, m.requireAuth)
		}
		repo := f.repos[key(args[0], args[1])]
		if repo == nil || !f.visible(repo, m.authed) {
			notFound()
			return nil
		}
		return repo
	}
	pullOf := func(repo *Repo, n string) *pull {
		num, _ := strconv.Atoi(n)
		p := f.pull(repo, num)
		if p == nil {
			notFound()
		}
		return p
	}
	if args, ok := route(r.Method, segs, "GET repos/*/*/labels"); ok {
		if repo := repoOf(args, false); repo != nil {
			all := f.manage.labels[key(repo.Owner, repo.Name)]
			lo, hi := f.paginate(w, r, len(all), "limit", 30, 50)
			out := []map[string]any{}
			for _, l := range all[lo:hi] {
				out = append(out, giteaLabelJSON(l))
			}
			writeJSON(w, http.StatusOK, out)
		}
		return true
	}
	if args, ok := route(r.Method, segs, "POST repos/*/*/labels"); ok {
		if repo := repoOf(args, true); repo != nil {
			name, ok1 := str(req.Body, "name")
			color, ok2 := str(req.Body, "color")
			switch {
			case !ok1 || !ok2 || name == "" || color == "":
				giteaError(w, r, http.StatusUnprocessableEntity, "[Name]: Required; [Color]: Required")
			default:
				// Gitea lets two labels share a name; idp creates only the missing ones.
				writeJSON(w, http.StatusCreated, giteaLabelJSON(f.addLabel(repo, name, color)))
			}
		}
		return true
	}
	if args, ok := route(r.Method, segs, "POST repos/*/*/issues/*/labels"); ok {
		if repo := repoOf(args, true); repo != nil {
			if p := pullOf(repo, args[2]); p != nil {
				list, ok := ids(req.Body, "labels")
				if !ok {
					giteaError(w, r, http.StatusUnprocessableEntity, "labels must be ids")
					return true
				}
				for _, id := range list {
					l := f.label(repo, "", id)
					if l == nil {
						giteaError(w, r, http.StatusUnprocessableEntity, fmt.Sprintf("label does not exist [label_id: %d]", id))
						return true
					}
					labelPull(f.managed(p), l)
				}
				out := []map[string]any{}
				for _, n := range f.managed(p).Labels {
					out = append(out, giteaLabelJSON(f.label(repo, n, 0)))
				}
				writeJSON(w, http.StatusOK, out)
			}
		}
		return true
	}
	if args, ok := route(r.Method, segs, "PATCH repos/*/*/issues/*"); ok {
		if repo := repoOf(args, true); repo != nil {
			if p := pullOf(repo, args[2]); p != nil {
				users, ok := strs(req.Body, "assignees")
				if !ok {
					giteaError(w, r, http.StatusUnprocessableEntity, "assignees must be user names")
					return true
				}
				if _, ok := req.Body["assignees"]; ok {
					f.managed(p).Assignees = users
				}
				writeJSON(w, http.StatusCreated, f.giteaPull(r, repo, p))
			}
		}
		return true
	}
	if args, ok := route(r.Method, segs, "POST repos/*/*/pulls/*/requested_reviewers"); ok {
		if repo := repoOf(args, true); repo != nil {
			if p := pullOf(repo, args[2]); p != nil {
				users, ok1 := strs(req.Body, "reviewers")
				teams, ok2 := strs(req.Body, "team_reviewers")
				if !ok1 || !ok2 {
					giteaError(w, r, http.StatusUnprocessableEntity, "reviewers must be user names")
					return true
				}
				f.managed(p).Reviewers = addOnce(f.managed(p).Reviewers, users...)
				f.managed(p).TeamReviewers = addOnce(f.managed(p).TeamReviewers, teams...)
				writeJSON(w, http.StatusCreated, []map[string]any{})
			}
		}
		return true
	}
	if args, ok := route(r.Method, segs, "POST repos/*/*/pulls/*/merge"); ok {
		if repo := repoOf(args, true); repo != nil {
			if p := pullOf(repo, args[2]); p != nil {
				do, ok1 := str(req.Body, "Do")
				when, ok2 := boolean(req.Body, "merge_when_checks_succeed")
				switch {
				case !ok1 || !ok2 || do == "":
					giteaError(w, r, http.StatusUnprocessableEntity, "[Do]: Required")
				case !when:
					giteaError(w, r, http.StatusMethodNotAllowed, "forgetest: only a merge scheduled for when the checks succeed is served")
				case p.State != "open":
					giteaError(w, r, http.StatusMethodNotAllowed, "The PR is already merged or closed")
				case p.Draft:
					giteaError(w, r, http.StatusMethodNotAllowed, "The PR is marked as WIP")
				default:
					f.managed(p).AutoMerge = true
					w.WriteHeader(http.StatusCreated)
				}
			}
		}
		return true
	}
	if args, ok := route(r.Method, segs, "DELETE repos/*/*/pulls/*/merge"); ok {
		if repo := repoOf(args, true); repo != nil {
			if p := pullOf(repo, args[2]); p != nil {
				if !f.managed(p).AutoMerge {
					notFound()
					return true
				}
				f.managed(p).AutoMerge = false
				w.WriteHeader(http.StatusNoContent)
			}
		}
		return true
	}
	return false
}

func giteaLabelJSON(l *Label) map[string]any {
	return map[string]any{"id": l.ID, "name": l.Name, "color": l.Color, "description": "", "exclusive": false, "is_archived": false}
}
