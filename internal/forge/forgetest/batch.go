package forgetest

import (
	"cmp"
	"encoding/base64"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// GitHub's GraphQL API (https://docs.github.com/graphql) reads many repositories in one
// query, each lookup under its own alias: a file, and the pull requests from a head branch.
//
//	POST /graphql (GitHub Enterprise Server: /api/graphql)
//	query($o0: String!, $n0: String!, $expr: String!, $h0: String!) {
//	  r0: repository(owner: $o0, name: $n0) {
//	    object(expression: $expr) { __typename ... on Blob { text byteSize isBinary isTruncated } }
//	    p0: pullRequests(headRefName: $h0, first: 100, orderBy: {field: CREATED_AT, direction: DESC}) {
//	      nodes { number url title body headRefName baseRefName isDraft state createdAt mergedAt closedAt isCrossRepository }
//	      pageInfo { hasNextPage endCursor }
//	    }
//	  }
//	}
//
// The fake reads the query (graphql.go) and answers as GitHub does, only the fields asked
// for: data.r0.object is the Blob, null when there is no such file (or no such branch);
// data.r0 is null for a repository that does not exist or that the token cannot see, with an
// errors[] entry of type NOT_FOUND whose path is ["r0"]. A binary blob (not UTF-8, or with a
// NUL byte) has text null and isBinary true. pullRequests takes headRefName, baseRefName,
// states ([OPEN, CLOSED, MERGED]), orderBy ({field: CREATED_AT, direction: ASC or DESC}),
// first (1 to 100, required unless last is given), last and after (a cursor from
// pageInfo.endCursor); state is OPEN, CLOSED or MERGED, and a merged pull request has both
// mergedAt and closedAt. A field, argument or type that GitHub does not have is a validation
// error, answered as GitHub does: errors[] with no data.

// githubGraphQLFields are the fields the fake serves, by type, as GitHub's schema names them.
var githubGraphQLFields = map[string][]string{
	"Query":                 {"repository"},
	"Repository":            {"object", "pullRequests", "name", "nameWithOwner", "url", "isArchived", "isFork", "__typename"},
	"Blob":                  {"text", "byteSize", "isBinary", "isTruncated", "oid", "__typename"},
	"Tree":                  {"oid", "__typename"},
	"PullRequestConnection": {"nodes", "pageInfo", "totalCount"},
	"PageInfo":              {"hasNextPage", "hasPreviousPage", "endCursor", "startCursor"},
	"PullRequest": {"number", "url", "title", "body", "headRefName", "baseRefName", "isDraft", "state",
		"createdAt", "mergedAt", "closedAt", "isCrossRepository", "merged", "closed", "id", "__typename"},
}

var githubGraphQLArgs = map[string][]string{
	"repository":   {"owner", "name", "followRenames"},
	"object":       {"expression", "oid"},
	"pullRequests": {"headRefName", "baseRefName", "states", "orderBy", "first", "last", "after", "before", "labels"},
}

// isGitHubBatchRead reports whether a GraphQL query reads repositories (not a mutation).
func isGitHubBatchRead(query string) bool {
	op, sel, err := parseGraphQL(query)
	return err == nil && op == "query" && len(sel) > 0 && sel[0].Name == "repository"
}

// BatchReads counts the batched GraphQL reads received so far, each one request whatever the
// number of repositories it reads.
func (f *Fake) BatchReads() int {
	n := 0
	for _, r := range f.Requests() {
		if r.batchRead {
			n++
		}
	}
	return n
}

// gqlError is a validation error: the whole query is refused.
type gqlError struct {
	msg  string
	code string
}

func (e *gqlError) Error() string { return e.msg }

// githubBatchRead answers a query of aliased repository lookups. f.mu is held; the caller
// checked the token.
func (f *Fake) githubBatchRead(w http.ResponseWriter, req Request) {
	query, _ := str(req.Body, "query")
	vars, _ := req.Body["variables"].(map[string]any)
	_, sel, err := parseGraphQL(query)
	if err == nil {
		err = checkGraphQL("Query", sel)
	}
	if err != nil {
		code := "parseError"
		if ge, ok := err.(*gqlError); ok {
			code = ge.code
		}
		writeJSON(w, http.StatusOK, map[string]any{"errors": []map[string]any{{
			"message": err.Error(), "extensions": map[string]any{"code": code},
			"locations": []map[string]int{{"line": 1, "column": 1}},
		}}})
		return
	}
	arg := func(fl *gqlField, name string) any {
		v := fl.Args[name]
		if n, ok := v.(gqlVar); ok {
			return vars[string(n)]
		}
		return v
	}
	data := map[string]any{}
	var errs []map[string]any
	for _, fl := range sel {
		owner, ok1 := arg(fl, "owner").(string)
		name, ok2 := arg(fl, "name").(string)
		if !ok1 || !ok2 {
			writeJSON(w, http.StatusOK, map[string]any{"errors": []map[string]any{{"message": "Variable of " + fl.key() + " is not given a String value"}}})
			return
		}
		repo := f.repos[key(owner, name)]
		if repo == nil || !f.visible(repo, true) {
			data[fl.key()] = nil
			errs = append(errs, map[string]any{
				"type": "NOT_FOUND", "path": []string{fl.key()},
				"locations": []map[string]int{{"line": 1, "column": 1}},
				"message":   "Could not resolve to a Repository with the name '" + owner + "/" + name + "'.",
			})
			continue
		}
		out := map[string]any{}
		for _, sub := range fl.Sel {
			switch sub.Name {
			case "object":
				expr, _ := arg(sub, "expression").(string)
				out[sub.key()] = f.githubObject(repo, expr, sub.Sel)
			case "pullRequests":
				list, err := f.githubPullsConnection(req, repo, sub, func(n string) any { return arg(sub, n) })
				if err != nil {
					out[sub.key()] = nil
					errs = append(errs, map[string]any{
						"type": "EXCESSIVE_PAGINATION", "path": []string{fl.key(), sub.key()},
						"locations": []map[string]int{{"line": 1, "column": 1}}, "message": err.Error(),
					})
					continue
				}
				out[sub.key()] = list
			case "name":
				out[sub.key()] = repo.Name
			case "nameWithOwner":
				out[sub.key()] = repo.Owner + "/" + repo.Name
			case "url":
				out[sub.key()] = f.webBaseHost(req.Host) + "/" + repo.Owner + "/" + repo.Name
			case "isArchived":
				out[sub.key()] = repo.Archived
			case "isFork":
				out[sub.key()] = repo.Fork
			case "__typename":
				out[sub.key()] = "Repository"
			}
		}
		data[fl.key()] = out
	}
	resp := map[string]any{"data": data}
	if errs != nil {
		resp["errors"] = errs
	}
	writeJSON(w, http.StatusOK, resp)
}

// checkGraphQL refuses a field or argument the type does not have, as GitHub's validation does.
func checkGraphQL(typ string, sel []*gqlField) error {
	for _, fl := range sel {
		if fl.Name == "..." {
			if _, ok := githubGraphQLFields[fl.On]; !ok {
				return &gqlError{fmt.Sprintf("No such type %s, so it can't be a fragment condition", fl.On), "undefinedType"}
			}
			if err := checkGraphQL(fl.On, fl.Sel); err != nil {
				return err
			}
			continue
		}
		if !slices.Contains(githubGraphQLFields[typ], fl.Name) {
			return &gqlError{fmt.Sprintf("Field '%s' doesn't exist on type '%s'", fl.Name, typ), "undefinedField"}
		}
		for a := range fl.Args {
			if !slices.Contains(githubGraphQLArgs[fl.Name], a) {
				return &gqlError{fmt.Sprintf("Field '%s' doesn't accept argument '%s'", fl.Name, a), "argumentNotAccepted"}
			}
		}
		var sub string
		switch fl.Name {
		case "repository":
			sub = "Repository"
		case "object":
			sub = "GitObject"
		case "pullRequests":
			sub = "PullRequestConnection"
		case "nodes":
			sub = "PullRequest"
		case "pageInfo":
			sub = "PageInfo"
		}
		switch {
		case sub == "" && fl.Sel != nil:
			return &gqlError{fmt.Sprintf("Selections can't be made on scalars (field '%s' returns a scalar)", fl.Name), "selectionMismatch"}
		case sub != "" && fl.Sel == nil:
			return &gqlError{fmt.Sprintf("Field must have selections (field '%s' returns %s but has no selections)", fl.Name, sub), "selectionMismatch"}
		case sub == "GitObject":
			for _, s := range fl.Sel {
				if s.Name != "..." && s.Name != "__typename" && s.Name != "oid" {
					return &gqlError{fmt.Sprintf("Field '%s' doesn't exist on type 'GitObject'", s.Name), "undefinedField"}
				}
				if err := checkGraphQL("Blob", []*gqlField{s}); s.Name == "..." && err != nil {
					return err
				}
			}
		case sub != "":
			if err := checkGraphQL(sub, fl.Sel); err != nil {
				return err
			}
		}
	}
	return nil
}

// githubObject is object(expression: "REF:path") with the fields sel asks for.
// webBaseHost is webBase for a request's Host.
func (f *Fake) webBaseHost(host string) string {
	if host == f.host {
		return f.URL
	}
	return "https://" + strings.TrimPrefix(host, "api.")
}

func (f *Fake) githubObject(repo *Repo, expr string, sel []*gqlField) any {
	ref, path, _ := strings.Cut(expr, ":")
	if ref == "HEAD" {
		ref = ""
	}
	path = strings.Trim(path, "/")
	typ := ""
	var content []byte
	if f.branchExists(repo, ref) {
		if c, ok := f.file(repo, path, ref); ok {
			typ, content = "Blob", c
		} else if len(f.dir(repo, path, ref)) > 0 {
			typ = "Tree"
		}
	}
	if typ == "" {
		return nil
	}
	binary := !utf8.Valid(content) || strings.ContainsRune(string(content), 0)
	out := map[string]any{}
	var fill func(sel []*gqlField)
	fill = func(sel []*gqlField) {
		for _, s := range sel {
			switch s.Name {
			case "...":
				if s.On == typ {
					fill(s.Sel)
				}
			case "__typename":
				out[s.key()] = typ
			case "oid":
				out[s.key()] = sha(int64(len(content)))
			case "text":
				if binary {
					out[s.key()] = nil
				} else {
					out[s.key()] = string(content)
				}
			case "byteSize":
				out[s.key()] = len(content)
			case "isBinary":
				out[s.key()] = binary
			case "isTruncated":
				out[s.key()] = false
			}
		}
	}
	fill(sel)
	return out
}

// githubPullsConnection is a repository's pullRequests(…) connection with the fields asked for.
func (f *Fake) githubPullsConnection(req Request, repo *Repo, fl *gqlField, arg func(string) any) (map[string]any, error) {
	first, hasFirst := arg("first").(float64)
	last, hasLast := arg("last").(float64)
	switch {
	case !hasFirst && !hasLast:
		return nil, fmt.Errorf("You must provide a `first` or `last` value to properly paginate the `pullRequests` connection.")
	case hasFirst && (first < 0 || first > 100):
		return nil, fmt.Errorf("Requesting %d records on the `pullRequests` connection exceeds the `first` limit of 100 records.", int(first))
	case hasLast && (last < 0 || last > 100):
		return nil, fmt.Errorf("Requesting %d records on the `pullRequests` connection exceeds the `last` limit of 100 records.", int(last))
	}
	head, _ := arg("headRefName").(string)
	base, _ := arg("baseRefName").(string)
	var states []string
	if s, ok := arg("states").([]any); ok {
		for _, v := range s {
			states = append(states, fmt.Sprint(v))
		}
	}
	desc := false
	if o, ok := arg("orderBy").(map[string]any); ok {
		desc = o["direction"] == "DESC"
	}
	var list []*pull
	for _, p := range f.pulls[key(repo.Owner, repo.Name)] {
		switch {
		case head != "" && p.Head != head, base != "" && p.Base != base:
			continue
		case states != nil && !slices.Contains(states, strings.ToUpper(p.State)):
			continue
		}
		list = append(list, p)
	}
	if desc {
		slices.Reverse(list)
	}
	lo := 0
	if after, ok := arg("after").(string); ok {
		if b, err := base64.StdEncoding.DecodeString(after); err == nil {
			if n, err := strconv.Atoi(strings.TrimPrefix(string(b), "cursor:v2:")); err == nil {
				lo = n + 1
			}
		}
	}
	lo = min(lo, len(list))
	hi := len(list)
	if hasFirst {
		hi = min(lo+int(first), len(list))
	}
	if hasLast {
		lo = max(hi-int(last), lo)
	}
	cursor := func(i int) any {
		if i < 0 || i >= len(list) || lo == hi {
			return nil
		}
		return base64.StdEncoding.EncodeToString([]byte("cursor:v2:" + strconv.Itoa(i)))
	}
	web := f.webBaseHost(req.Host) + "/" + repo.Owner + "/" + repo.Name
	out := map[string]any{}
	for _, s := range fl.Sel {
		switch s.Name {
		case "totalCount":
			out[s.key()] = len(list)
		case "pageInfo":
			info := map[string]any{}
			for _, t := range s.Sel {
				info[t.key()] = map[string]any{"hasNextPage": hi < len(list), "hasPreviousPage": lo > 0,
					"endCursor": cursor(hi - 1), "startCursor": cursor(lo)}[t.Name]
			}
			out[s.key()] = info
		case "nodes":
			nodes := []map[string]any{}
			for _, p := range list[lo:hi] {
				nodes = append(nodes, githubPullNode(web, repo, p, s.Sel))
			}
			out[s.key()] = nodes
		}
	}
	return out, nil
}

// githubPullNode is a PullRequest object with the fields sel asks for.
func githubPullNode(web string, repo *Repo, p *pull, sel []*gqlField) map[string]any {
	var closedAt, mergedAt any
	if p.State != "open" {
		closedAt = closeTime(p)
	}
	if p.State == "merged" {
		mergedAt = closeTime(p)
	}
	all := map[string]any{
		"number": p.Number, "url": web + "/pull/" + strconv.Itoa(p.Number), "title": p.Title, "body": p.Body,
		"headRefName": p.Head, "baseRefName": p.Base, "isDraft": p.Draft, "state": strings.ToUpper(p.State),
		"createdAt": pullTime(p), "mergedAt": mergedAt, "closedAt": closedAt,
		"isCrossRepository": cmp.Or(p.HeadOwner, repo.Owner) != repo.Owner,
		"merged":            p.State == "merged", "closed": p.State != "open", "id": githubNodeID(p), "__typename": "PullRequest",
	}
	out := map[string]any{}
	for _, s := range sel {
		out[s.key()] = all[s.Name]
	}
	return out
}
