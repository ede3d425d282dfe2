package forgetest

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// GitLab's GraphQL API (https://docs.gitlab.com/api/graphql/reference/) reads many projects in
// one query: projects(fullPaths:) takes up to 50 full paths, and a query may ask it more than
// once under aliases.
//
//	POST /api/graphql
//	query($f0: [String!], $path: [String!]!, $h0: [String!]) {
//	  p0: projects(fullPaths: $f0, first: 50) {
//	    nodes {
//	      fullPath
//	      repository { blobs(paths: $path) { nodes { path rawTextBlob } } }
//	      mergeRequests(sourceBranches: $h0, sort: CREATED_DESC, first: 100) {
//	        nodes { iid webUrl title description sourceBranch targetBranch draft state
//	                createdAt mergedAt closedAt sourceProjectId targetProjectId }
//	        pageInfo { hasNextPage }
//	      }
//	    }
//	  }
//	}
//
// The fake reads the query (graphql.go) and answers as GitLab does, only the fields asked for:
// a project that does not exist or that the token cannot see is left out of nodes (no
// error); blobs' nodes are the paths that are files on ref (default HEAD), none for an empty
// repository; rawTextBlob is null for a binary file. mergeRequests takes sourceBranches,
// targetBranches, state (opened, closed, locked, merged, all; default all), sort
// (CREATED_DESC, the default, or CREATED_ASC) and first (at most 100: more is capped, as
// GitLab's max_page_size does); iid is a String, state opened, closed, locked or merged. A
// field or argument GitLab does not have, more than 50 full paths, blobs without paths, or a
// query whose complexity is over 250 (200 without a token; gitlabComplexity) is refused as
// GitLab's graphql-ruby does: errors[] with no data. A refused token is a 401.

// gitlabGraphQLFields are the fields the fake serves, by type, as GitLab's schema names them.
var gitlabGraphQLFields = map[string][]string{
	"Query":                    {"projects"},
	"ProjectConnection":        {"nodes", "pageInfo", "count"},
	"Project":                  {"fullPath", "id", "name", "path", "webUrl", "archived", "repository", "mergeRequests", "__typename"},
	"Repository":               {"rootRef", "empty", "exists", "blobs", "__typename"},
	"RepositoryBlobConnection": {"nodes", "pageInfo"},
	"RepositoryBlob":           {"path", "name", "rawTextBlob", "rawBlob", "rawSize", "size", "__typename"},
	"MergeRequestConnection":   {"nodes", "pageInfo", "count"},
	"MergeRequest": {"iid", "webUrl", "title", "description", "sourceBranch", "targetBranch", "draft", "state",
		"createdAt", "mergedAt", "closedAt", "sourceProjectId", "targetProjectId", "__typename"},
	"PageInfo": {"hasNextPage", "hasPreviousPage", "endCursor", "startCursor"},
}

var gitlabGraphQLArgs = map[string][]string{
	"projects":      {"fullPaths", "ids", "search", "membership", "sort", "first", "last", "after", "before"},
	"blobs":         {"paths", "ref", "refType", "first", "last", "after", "before"},
	"mergeRequests": {"sourceBranches", "targetBranches", "state", "sort", "iids", "draft", "first", "last", "after", "before"},
}

// gitlabGraphQLType is the type field name returns on type parent, "" for a scalar.
func gitlabGraphQLType(parent, name string) string {
	switch name {
	case "projects":
		return "ProjectConnection"
	case "repository":
		return "Repository"
	case "blobs":
		return "RepositoryBlobConnection"
	case "mergeRequests":
		return "MergeRequestConnection"
	case "pageInfo":
		return "PageInfo"
	case "nodes":
		return strings.TrimSuffix(parent, "Connection")
	}
	return ""
}

// isGitLabBatchRead reports whether a GraphQL query reads projects.
func isGitLabBatchRead(query string) bool {
	op, sel, err := parseGraphQL(query)
	return err == nil && op == "query" && len(sel) > 0 && sel[0].Name == "projects"
}

// checkGitLabGraphQL refuses a field or argument the type does not have, as GitLab's
// validation does.
func checkGitLabGraphQL(typ string, sel []*gqlField) error {
	for _, fl := range sel {
		if fl.Name == "..." {
			return &gqlError{fmt.Sprintf("No such type %s, so it can't be a fragment condition", fl.On), "undefinedType"}
		}
		if !slices.Contains(gitlabGraphQLFields[typ], fl.Name) {
			return &gqlError{fmt.Sprintf("Field '%s' doesn't exist on type '%s'", fl.Name, typ), "undefinedField"}
		}
		for a := range fl.Args {
			if !slices.Contains(gitlabGraphQLArgs[fl.Name], a) {
				return &gqlError{fmt.Sprintf("Field '%s' doesn't accept argument '%s'", fl.Name, a), "argumentNotAccepted"}
			}
		}
		if fl.Name == "blobs" && fl.Args["paths"] == nil {
			return &gqlError{"Field 'blobs' is missing required arguments: paths", "missingRequiredArguments"}
		}
		if s, ok := fl.Args["sort"].(string); ok && fl.Name == "mergeRequests" && s != "CREATED_DESC" && s != "CREATED_ASC" {
			return &gqlError{fmt.Sprintf("Argument 'sort' on Field 'mergeRequests' has an invalid value (%s). Expected type 'MergeRequestSort'.", s), "argumentLiteralsIncompatible"}
		}
		if s, ok := fl.Args["state"].(string); ok && !slices.Contains([]string{"opened", "closed", "locked", "merged", "all"}, s) {
			return &gqlError{fmt.Sprintf("Argument 'state' on Field '%s' has an invalid value (%s). Expected type 'MergeRequestState'.", fl.Name, s), "argumentLiteralsIncompatible"}
		}
		sub := gitlabGraphQLType(typ, fl.Name)
		switch {
		case sub == "" && fl.Sel != nil:
			return &gqlError{fmt.Sprintf("Selections can't be made on scalars (field '%s' returns a scalar)", fl.Name), "selectionMismatch"}
		case sub != "" && fl.Sel == nil:
			return &gqlError{fmt.Sprintf("Field must have selections (field '%s' returns %s but has no selections)", fl.Name, sub), "selectionMismatch"}
		case sub != "":
			if err := checkGitLabGraphQL(sub, fl.Sel); err != nil {
				return err
			}
		}
	}
	return nil
}

// gitlabBatchRead answers a query of aliased projects(fullPaths:) lookups. f.mu is held.
func (f *Fake) gitlabBatchRead(w http.ResponseWriter, r *http.Request, req Request, authed bool) {
	query, _ := str(req.Body, "query")
	vars, _ := req.Body["variables"].(map[string]any)
	refuse := func(msg, code string) {
		writeJSON(w, http.StatusOK, map[string]any{"errors": []map[string]any{{
			"message": msg, "extensions": map[string]any{"code": code},
			"locations": []map[string]int{{"line": 1, "column": 1}},
		}}})
	}
	op, sel, err := parseGraphQL(query)
	if err == nil && op != "query" {
		err = &gqlError{"the fake answers queries of projects only", "undefinedField"}
	}
	if err == nil {
		err = checkGitLabGraphQL("Query", sel)
	}
	if err != nil {
		code := "parseError"
		if ge, ok := err.(*gqlError); ok {
			code = ge.code
		}
		refuse(err.Error(), code)
		return
	}
	arg := func(fl *gqlField, name string) any {
		v := fl.Args[name]
		if n, ok := v.(gqlVar); ok {
			return vars[string(n)]
		}
		return v
	}
	most := f.gitlabMaxComplexity
	if most == 0 {
		most = 200
		if authed {
			most = 250
		}
	}
	if c := gitlabComplexity(sel, arg); most > 0 && c > most {
		refuse(fmt.Sprintf("Query has complexity of %d, which exceeds max complexity of %d", c, most), "complexity")
		return
	}
	strs := func(v any) ([]string, bool) {
		list, ok := v.([]any)
		if !ok {
			return nil, v == nil
		}
		out := make([]string, 0, len(list))
		for _, s := range list {
			t, ok := s.(string)
			if !ok {
				return nil, false
			}
			out = append(out, t)
		}
		return out, true
	}
	first := func(fl *gqlField) int {
		n, ok := arg(fl, "first").(float64)
		if !ok || n > 100 {
			return 100 // GitLab's max_page_size
		}
		return max(int(n), 0)
	}
	data := map[string]any{}
	for _, fl := range sel {
		paths, ok := strs(arg(fl, "fullPaths"))
		if !ok {
			refuse("Variable fullPaths of type [String!] was provided invalid value", "variableMismatch")
			return
		}
		if len(paths) > 50 {
			refuse("You cannot provide more than 50 full paths", "argumentError")
			return
		}
		var projects []*Repo
		for _, p := range paths {
			if repo := f.repos[strings.ToLower(p)]; repo != nil && f.visible(repo, authed) && !slices.Contains(projects, repo) {
				projects = append(projects, repo)
			}
		}
		projects = projects[:min(len(projects), first(fl))]
		conn := map[string]any{}
		for _, s := range fl.Sel {
			switch s.Name {
			case "count":
				conn[s.key()] = len(projects)
			case "pageInfo":
				conn[s.key()] = pageInfo(s.Sel, false)
			case "nodes":
				nodes := []any{}
				for _, p := range projects {
					node, err := f.gitlabProjectNode(r, p, s.Sel, arg, strs, first)
					if err != nil {
						refuse(err.Error(), "variableMismatch")
						return
					}
					nodes = append(nodes, node)
				}
				conn[s.key()] = nodes
			}
		}
		data[fl.key()] = conn
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": data})
}

func pageInfo(sel []*gqlField, next bool) map[string]any {
	out := map[string]any{}
	for _, t := range sel {
		out[t.key()] = map[string]any{"hasNextPage": next, "hasPreviousPage": false, "endCursor": nil, "startCursor": nil}[t.Name]
	}
	return out
}

func (f *Fake) gitlabProjectNode(r *http.Request, p *Repo, sel []*gqlField, arg func(*gqlField, string) any,
	strs func(any) ([]string, bool), first func(*gqlField) int) (map[string]any, error) {
	web := f.webBase(r) + "/" + p.Owner + "/" + p.Name
	out := map[string]any{}
	for _, s := range sel {
		switch s.Name {
		case "fullPath":
			out[s.key()] = p.Owner + "/" + p.Name
		case "id":
			out[s.key()] = "gid://gitlab/Project/" + strconv.FormatInt(p.id, 10)
		case "name", "path":
			out[s.key()] = p.Name
		case "webUrl":
			out[s.key()] = web
		case "archived":
			out[s.key()] = p.Archived
		case "__typename":
			out[s.key()] = "Project"
		case "repository":
			repo := map[string]any{}
			for _, t := range s.Sel {
				switch t.Name {
				case "rootRef":
					repo[t.key()] = p.DefaultBranch
				case "empty":
					repo[t.key()] = len(f.files[key(p.Owner, p.Name)]) == 0
				case "exists":
					repo[t.key()] = true
				case "__typename":
					repo[t.key()] = "Repository"
				case "blobs":
					paths, ok := strs(arg(t, "paths"))
					if !ok {
						return nil, fmt.Errorf("Variable of paths of type [String!]! was provided invalid value")
					}
					ref, _ := arg(t, "ref").(string)
					var blobs []map[string]any
					for _, path := range paths {
						data, ok := f.file(p, strings.Trim(path, "/"), ref)
						if !ok || !f.branchExists(p, ref) {
							continue
						}
						binary := !utf8.Valid(data) || strings.ContainsRune(string(data), 0)
						var text any = string(data)
						if binary {
							text = nil
						}
						all := map[string]any{"path": path, "name": path[strings.LastIndex(path, "/")+1:], "rawTextBlob": text,
							"rawBlob": string(data), "rawSize": len(data), "size": len(data), "__typename": "RepositoryBlob"}
						blobs = append(blobs, all)
					}
					conn := map[string]any{}
					for _, u := range t.Sel {
						switch u.Name {
						case "pageInfo":
							conn[u.key()] = pageInfo(u.Sel, false)
						case "nodes":
							nodes := []any{}
							for _, b := range blobs {
								n := map[string]any{}
								for _, v := range u.Sel {
									n[v.key()] = b[v.Name]
								}
								nodes = append(nodes, n)
							}
							conn[u.key()] = nodes
						}
					}
					repo[t.key()] = conn
				}
			}
			out[s.key()] = repo
		case "mergeRequests":
			sources, ok1 := strs(arg(s, "sourceBranches"))
			targets, ok2 := strs(arg(s, "targetBranches"))
			if !ok1 || !ok2 {
				return nil, fmt.Errorf("Variable of sourceBranches or targetBranches of type [String!] was provided invalid value")
			}
			state, _ := arg(s, "state").(string)
			var list []*pull
			for _, mr := range f.pulls[key(p.Owner, p.Name)] {
				switch {
				case state != "" && state != "all" && state != gitlabState(mr):
					continue
				case sources != nil && !slices.Contains(sources, mr.Head):
					continue
				case targets != nil && !slices.Contains(targets, mr.Base):
					continue
				}
				list = append(list, mr)
			}
			if arg(s, "sort") != "CREATED_ASC" {
				slices.Reverse(list)
			}
			n := min(first(s), len(list))
			conn := map[string]any{}
			for _, t := range s.Sel {
				switch t.Name {
				case "count":
					conn[t.key()] = len(list)
				case "pageInfo":
					conn[t.key()] = pageInfo(t.Sel, n < len(list))
				case "nodes":
					nodes := []any{}
					for _, mr := range list[:n] {
						all := f.gitlabMR(r, p, mr)
						node := map[string]any{}
						for _, u := range t.Sel {
							switch u.Name {
							case "iid":
								node[u.key()] = strconv.Itoa(mr.Number)
							case "webUrl":
								node[u.key()] = all["web_url"]
							case "title", "description", "state", "draft":
								node[u.key()] = all[u.Name]
							case "sourceBranch":
								node[u.key()] = mr.Head
							case "targetBranch":
								node[u.key()] = mr.Base
							case "createdAt":
								node[u.key()] = all["created_at"]
							case "mergedAt":
								node[u.key()] = all["merged_at"]
							case "closedAt":
								node[u.key()] = all["closed_at"]
							case "sourceProjectId":
								node[u.key()] = all["source_project_id"]
							case "targetProjectId":
								node[u.key()] = all["target_project_id"]
							case "__typename":
								node[u.key()] = "MergeRequest"
							}
						}
						nodes = append(nodes, node)
					}
					conn[t.key()] = nodes
				}
			}
			out[s.key()] = conn
		}
	}
	return out, nil
}

// GitLabMaxComplexity makes the fake refuse a query whose complexity is over n instead of
// GitLab's 250 (200 without a token); -1 refuses none. The complexity is gitlabComplexity's
// reckoning.
func (f *Fake) GitLabMaxComplexity(n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.gitlabMaxComplexity = n
}

// gitlabComplexity reckons a query's complexity roughly as GitLab does: a field costs 1 and
// its selections; a field with a resolver (projects, blobs, mergeRequests) 1 more, 1 more
// with sort, and blobs 1 for calling Gitaly and 1 a path; and a connection is multiplied by
// 1 + 1% of the page it asks (first, at most 100).
func gitlabComplexity(sel []*gqlField, arg func(*gqlField, string) any) int {
	var total float64
	var walk func(sel []*gqlField) float64
	walk = func(sel []*gqlField) float64 {
		var sum float64
		for _, fl := range sel {
			c := 1 + walk(fl.Sel)
			switch fl.Name {
			case "projects", "blobs", "mergeRequests":
				c++
				if fl.Args["sort"] != nil {
					c++
				}
				if fl.Name == "blobs" {
					paths, _ := arg(fl, "paths").([]any)
					c += 1 + float64(len(paths))
				}
				page := 100.0
				if n, ok := arg(fl, "first").(float64); ok && n < page {
					page = n
				}
				c += c * page * 0.01
			}
			sum += float64(int(c))
		}
		return sum
	}
	total = walk(sel)
	return int(total)
}
