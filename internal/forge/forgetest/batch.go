package forgetest

import (
	"net/http"
	"regexp"
	"strings"
	"unicode/utf8"
)

// GitHub's GraphQL API (https://docs.github.com/graphql) reads a file of many repositories in
// one query, each lookup under its own alias:
//
//	POST /graphql (GitHub Enterprise Server: /api/graphql)
//	query($o0: String!, $n0: String!, $expr: String!) {
//	  r0: repository(owner: $o0, name: $n0) {
//	    object(expression: $expr) { __typename ... on Blob { text byteSize isBinary isTruncated } }
//	  }
//	}
//
// The fake answers as GitHub does: data.r0.object is the Blob, null when there is no such
// file (or no such branch); data.r0 is null for a repository that does not exist or that the
// token cannot see, with an errors[] entry of type NOT_FOUND whose path is ["r0"]. A binary
// blob (not UTF-8, or with a NUL byte) has text null and isBinary true. Arguments are
// variables ($name) or string literals.

// githubRepoLookup is one aliased repository lookup with its object's expression.
var githubRepoLookup = regexp.MustCompile(`(\w+)\s*:\s*repository\(\s*owner:\s*(\$\w+|"[^"]*")\s*,\s*name:\s*(\$\w+|"[^"]*")\s*\)\s*\{\s*object\(\s*expression:\s*(\$\w+|"[^"]*")\s*\)`)

// isGitHubBatchRead reports whether a GraphQL query is a batched read of repositories' objects.
func isGitHubBatchRead(query string) bool { return strings.Contains(query, "object(expression:") }

// BatchReads counts the batched GraphQL reads received so far, each one request whatever the
// number of repositories it reads.
func (f *Fake) BatchReads() int {
	n := 0
	for _, r := range f.Requests() {
		q, _ := str(r.Body, "query")
		if r.Method == http.MethodPost && strings.HasSuffix(r.Path, "/graphql") && isGitHubBatchRead(q) {
			n++
		}
	}
	return n
}

// githubBatchRead answers a query of aliased repository(owner:, name:) { object(expression:) }
// lookups. f.mu is held; the caller checked the token.
func (f *Fake) githubBatchRead(w http.ResponseWriter, req Request) {
	query, _ := str(req.Body, "query")
	vars, _ := req.Body["variables"].(map[string]any)
	arg := func(s string) (string, bool) {
		if name, ok := strings.CutPrefix(s, "$"); ok {
			v, ok := vars[name].(string)
			return v, ok
		}
		return strings.Trim(s, `"`), true
	}
	data := map[string]any{}
	var errs []map[string]any
	for _, m := range githubRepoLookup.FindAllStringSubmatch(query, -1) {
		alias := m[1]
		owner, ok1 := arg(m[2])
		name, ok2 := arg(m[3])
		expr, ok3 := arg(m[4])
		if !ok1 || !ok2 || !ok3 {
			writeJSON(w, http.StatusOK, map[string]any{"errors": []map[string]any{{"message": "Variable of " + alias + " is not given a String value"}}})
			return
		}
		repo := f.repos[key(owner, name)]
		if repo == nil || !f.visible(repo, true) {
			data[alias] = nil
			errs = append(errs, map[string]any{
				"type": "NOT_FOUND", "path": []string{alias},
				"locations": []map[string]int{{"line": 1, "column": 1}},
				"message":   "Could not resolve to a Repository with the name '" + owner + "/" + name + "'.",
			})
			continue
		}
		ref, path, _ := strings.Cut(expr, ":")
		if ref == "HEAD" {
			ref = ""
		}
		path = strings.Trim(path, "/")
		var object any
		if !f.branchExists(repo, ref) {
			object = nil
		} else if content, ok := f.file(repo, path, ref); ok {
			binary := !utf8.Valid(content) || strings.ContainsRune(string(content), 0)
			var text any = string(content)
			if binary {
				text = nil
			}
			object = map[string]any{"__typename": "Blob", "text": text, "byteSize": len(content), "isBinary": binary, "isTruncated": false}
		} else if len(f.dir(repo, path, ref)) > 0 {
			object = map[string]any{"__typename": "Tree"}
		}
		data[alias] = map[string]any{"object": object}
	}
	if len(data) == 0 {
		writeJSON(w, http.StatusOK, map[string]any{"errors": []map[string]any{{"message": "forgetest: no repository(owner:, name:) { object(expression:) } in the query"}}})
		return
	}
	out := map[string]any{"data": data}
	if errs != nil {
		out["errors"] = errs
	}
	writeJSON(w, http.StatusOK, out)
}
