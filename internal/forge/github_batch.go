package forge

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// RepoRef names a repository on a forge.
type RepoRef struct{ Owner, Name string }

// FileRead is what a batched read found for one repository: the file's content, or an error
// for that repository alone (wrapping ErrNotFound when it has no such file).
type FileRead struct {
	Data []byte
	Err  error
}

// BatchReader is implemented by providers that read a file of many repositories in few API
// calls (GitHub, through GraphQL). Callers fall back to Provider.ReadFile per repository when
// the provider does not implement it.
type BatchReader interface {
	// ReadFiles reads path on the default branch of each repository, and returns a result
	// for every one of refs. The error is for the whole call: a path that cannot be read,
	// or ctx ended; the forge's refusals are each repository's FileRead.Err.
	ReadFiles(ctx context.Context, refs []RepoRef, path string) (map[RepoRef]FileRead, error)
}

// BatchSize is the most repositories ReadFiles reads on GitHub per GraphQL query: GitHub allows
// 500,000 nodes per query, and 100 aliased repository lookups cost one point of its GraphQL
// rate limit.
const BatchSize = 100

// githubBlobCap is the largest file read, as ReadFile's contents API returns files up to 1 MB.
const githubBlobCap = 1 << 20

// githubBatchRead is the query for one repository of a batch: aliased r0, r1, …, each with
// its owner and name as variables $o0, $n0, ….
const githubBatchRead = `%s: repository(owner: $o%d, name: $n%d) { object(expression: $expr) { __typename ... on Blob { text byteSize isBinary isTruncated } } }`

// ReadFiles reads path at HEAD (the default branch) of each repository through GitHub's
// GraphQL API, BatchSize repositories per query (POST /graphql, /api/graphql on GitHub
// Enterprise Server, sent through go-github's client as EnableAutoMerge does). A missing
// file, or an empty repository, is ErrNotFound for that repository; a binary file, one over
// 1 MB, or an errors[] entry GitHub gives for a repository (one not found: it was listed, so
// it is worth saying) is an error for that repository; a refused or failed query is the error
// of each repository in it.
func (g *gitHub) ReadFiles(ctx context.Context, refs []RepoRef, path string) (map[RepoRef]FileRead, error) {
	path, err := checkPath("github", path)
	if err != nil {
		return nil, err
	}
	out := make(map[RepoRef]FileRead, len(refs))
	for lo := 0; lo < len(refs); lo += BatchSize {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		g.readBatch(ctx, refs[lo:min(lo+BatchSize, len(refs))], path, out)
	}
	return out, ctx.Err()
}

// githubBlob is one repository's answer: object is null for a missing file.
type githubBlob struct {
	Object *struct {
		Typename    string  `json:"__typename"`
		Text        *string `json:"text"`
		ByteSize    int     `json:"byteSize"`
		IsBinary    *bool   `json:"isBinary"`
		IsTruncated bool    `json:"isTruncated"`
	} `json:"object"`
}

func (g *gitHub) readBatch(ctx context.Context, refs []RepoRef, path string, out map[RepoRef]FileRead) {
	vars := map[string]any{"expr": "HEAD:" + path}
	params := []string{"$expr: String!"}
	fields := make([]string, 0, len(refs))
	var todo []RepoRef
	for _, r := range refs {
		if err := checkNames("github", r.Owner, r.Name, false); err != nil {
			out[r] = FileRead{Err: err}
			continue
		}
		i := len(todo)
		todo = append(todo, r)
		vars["o"+strconv.Itoa(i)], vars["n"+strconv.Itoa(i)] = r.Owner, r.Name
		params = append(params, fmt.Sprintf("$o%d: String!, $n%d: String!", i, i))
		fields = append(fields, fmt.Sprintf(githubBatchRead, "r"+strconv.Itoa(i), i, i))
	}
	if len(todo) == 0 {
		return
	}
	query := "query(" + strings.Join(params, ", ") + ") { " + strings.Join(fields, " ") + " }"
	fail := func(err error) {
		for _, r := range todo {
			out[r] = FileRead{Err: err}
		}
	}
	req, err := g.c.NewRequest(http.MethodPost, "../graphql", map[string]any{"query": query, "variables": vars})
	if err != nil {
		fail(err)
		return
	}
	var resp struct {
		Data   map[string]*githubBlob `json:"data"`
		Errors []struct {
			Type    string `json:"type"`
			Path    []any  `json:"path"`
			Message string `json:"message"`
		} `json:"errors"`
	}
	if _, err := g.c.Do(ctx, req, &resp); err != nil {
		fail(g.err(err, fmt.Sprintf("read %s of %d repositories", path, len(todo)), "read the repositories"))
		return
	}
	// errors[] names the alias it is about in path; one without is about the whole query.
	byAlias := map[string][]string{}
	var whole []string
	for _, e := range resp.Errors {
		if len(e.Path) > 0 {
			if a, ok := e.Path[0].(string); ok {
				byAlias[a] = append(byAlias[a], e.Message)
				continue
			}
		}
		whole = append(whole, e.Message)
	}
	for i, r := range todo {
		alias := "r" + strconv.Itoa(i)
		full := r.Owner + "/" + r.Name
		blob := resp.Data[alias]
		switch {
		case len(byAlias[alias]) > 0:
			out[r] = FileRead{Err: fmt.Errorf("github: read %s of %s: %s", path, full, strings.Join(byAlias[alias], "; "))}
		case blob == nil && len(whole) > 0:
			out[r] = FileRead{Err: fmt.Errorf("github: read %s of %s: %s", path, full, strings.Join(whole, "; "))}
		case blob == nil:
			out[r] = FileRead{Err: fmt.Errorf("github: read %s of %s: the API gave no answer for it", path, full)}
		case blob.Object == nil:
			out[r] = FileRead{Err: fileNotFound("github", r.Owner, r.Name, path, "")}
		case blob.Object.Typename != "Blob":
			out[r] = FileRead{Err: fmt.Errorf("github: %s: %s is not a file", full, path)}
		case blob.Object.ByteSize > githubBlobCap || blob.Object.IsTruncated:
			out[r] = FileRead{Err: fmt.Errorf("github: read %s of %s: %d bytes, over the 1 MB idp reads", path, full, blob.Object.ByteSize)}
		case blob.Object.Text == nil || blob.Object.IsBinary != nil && *blob.Object.IsBinary:
			out[r] = FileRead{Err: fmt.Errorf("github: read %s of %s: a binary file", path, full)}
		default:
			out[r] = FileRead{Data: []byte(*blob.Object.Text)}
		}
	}
}
