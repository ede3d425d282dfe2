package forge

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// RepoRef names a repository on a forge.
type RepoRef struct{ Owner, Name string }

// FileRead is what a batched read found for one repository: the file's content, or an error
// for that repository alone (wrapping ErrNotFound when it has no such file).
type FileRead struct {
	Data []byte
	Err  error
}

// PullsRef names the pull requests of a repository whose head is one of its own branches, as
// Provider.PullRequests lists them.
type PullsRef struct {
	RepoRef
	Head string
}

// PullsRead is what a batched read found for one PullsRef: its pull requests, newest first, or
// an error for it alone.
type PullsRead struct {
	PRs []*PullRequest
	Err error
}

// BatchReader is implemented by providers that read a file of many repositories in few API
// calls (GitHub and GitLab, through GraphQL). Callers fall back to Provider.ReadFile per
// repository when the provider does not implement it (Gitea).
type BatchReader interface {
	// ReadFiles reads path on the default branch of each repository, and returns a result
	// for every one of refs. The error is for the whole call: a path that cannot be read,
	// or ctx ended; the forge's refusals are each repository's FileRead.Err.
	ReadFiles(ctx context.Context, refs []RepoRef, path string) (map[RepoRef]FileRead, error)
	// ReadBatch reads path of each of files and the pull requests of each of pulls in the
	// same queries: one for up to BatchSize files and BatchPulls pull-request lists. A
	// PullsRef with more pull requests than one query reads (BatchPullsPage) is left out of
	// the answer, for the caller to list by Provider.PullRequests.
	ReadBatch(ctx context.Context, files []RepoRef, path string, pulls []PullsRef) (map[RepoRef]FileRead, map[PullsRef]PullsRead, error)
}

// BatchSize is the most repositories ReadFiles reads on GitHub per GraphQL query: GitHub allows
// 500,000 nodes per query, and 100 aliased repository lookups cost one point of its GraphQL
// rate limit.
const BatchSize = 100

// BatchPulls is the most pull-request lists (pullRequests connections) one query reads, and
// BatchPullsPage the most pull requests of each: GitHub counts a query's cost as its
// connections' pages over 100, so 300 lists of up to 100 cost 3 points, 30,000 nodes of the
// 500,000 it allows.
const (
	BatchPulls     = 300
	BatchPullsPage = 100
)

// githubBlobCap is the largest file read, as ReadFile's contents API returns files up to 1 MB.
const githubBlobCap = 1 << 20

// The parts of a batched query, per repository aliased r0, r1, … with its owner and name as
// variables $o0, $n0, …: the file at $expr, and the pull requests from each head branch
// aliased p0, p1, … with the branch as $h0, $h1, …. isCrossRepository is false for a branch
// of the repository itself, as PullRequests' head=owner:branch selects by REST.
const (
	githubBatchRepo  = `%s: repository(owner: $o%d, name: $n%d) { %s }`
	githubBatchFile  = `object(expression: $expr) { __typename ... on Blob { text byteSize isBinary isTruncated } }`
	githubBatchPulls = `p%d: pullRequests(headRefName: $h%d, first: %d, orderBy: {field: CREATED_AT, direction: DESC}) { nodes { number url title body headRefName baseRefName isDraft state createdAt mergedAt closedAt isCrossRepository } pageInfo { hasNextPage } }`
)

// ReadFiles reads path at HEAD (the default branch) of each repository through GitHub's
// GraphQL API, BatchSize repositories per query (POST /graphql, /api/graphql on GitHub
// Enterprise Server, sent through go-github's client as EnableAutoMerge does). A missing
// file, or an empty repository, is ErrNotFound for that repository; a binary file, one over
// 1 MB, or an errors[] entry GitHub gives for a repository (one not found: it was listed, so
// it is worth saying) is an error for that repository; a refused or failed query is the error
// of each repository in it.
func (g *gitHub) ReadFiles(ctx context.Context, refs []RepoRef, path string) (map[RepoRef]FileRead, error) {
	files, _, err := g.ReadBatch(ctx, refs, path, nil)
	return files, err
}

// ReadBatch reads files as ReadFiles does and, in the same queries, the pull requests from
// each PullsRef's head branch into its repository, in all states, newest first, as
// PullRequests lists them.
func (g *gitHub) ReadBatch(ctx context.Context, files []RepoRef, path string, pulls []PullsRef) (map[RepoRef]FileRead, map[PullsRef]PullsRead, error) {
	return readInBatches(ctx, "github", files, path, pulls, g.readBatch)
}

// batchQuery sends one query of a forge's batched read, for up to BatchSize files and
// BatchPulls pull-request lists, and puts each repository's answer in outFiles and outPulls.
type batchQuery func(ctx context.Context, files []RepoRef, path string, pulls []PullsRef, outFiles map[RepoRef]FileRead, outPulls map[PullsRef]PullsRead)

// readInBatches is ReadBatch of a forge whose one query is query: path checked, then files
// and pulls taken BatchSize and BatchPulls at a time until both are read or ctx ends.
func readInBatches(ctx context.Context, provider string, files []RepoRef, path string, pulls []PullsRef, query batchQuery) (map[RepoRef]FileRead, map[PullsRef]PullsRead, error) {
	path, err := checkPath(provider, path)
	if err != nil {
		return nil, nil, err
	}
	outFiles := make(map[RepoRef]FileRead, len(files))
	outPulls := make(map[PullsRef]PullsRead, len(pulls))
	for fl, pl := 0, 0; fl < len(files) || pl < len(pulls); {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		fh, ph := min(fl+BatchSize, len(files)), min(pl+BatchPulls, len(pulls))
		query(ctx, files[fl:fh], path, pulls[pl:ph], outFiles, outPulls)
		fl, pl = fh, ph
	}
	return outFiles, outPulls, ctx.Err()
}

// githubBatchRepoAnswer is one repository's answer: object is null for a missing file; p0, p1,
// … are its pull-request lists.
type githubBatchRepoAnswer struct {
	Object *struct {
		Typename    string  `json:"__typename"`
		Text        *string `json:"text"`
		ByteSize    int     `json:"byteSize"`
		IsBinary    *bool   `json:"isBinary"`
		IsTruncated bool    `json:"isTruncated"`
	} `json:"object"`
	pulls map[string]*githubPullsAnswer
}

type githubPullsAnswer struct {
	Nodes []struct {
		Number            int        `json:"number"`
		URL               string     `json:"url"`
		Title             string     `json:"title"`
		Body              string     `json:"body"`
		HeadRefName       string     `json:"headRefName"`
		BaseRefName       string     `json:"baseRefName"`
		IsDraft           bool       `json:"isDraft"`
		State             string     `json:"state"` // OPEN, CLOSED or MERGED
		CreatedAt         time.Time  `json:"createdAt"`
		MergedAt          *time.Time `json:"mergedAt"`
		ClosedAt          *time.Time `json:"closedAt"`
		IsCrossRepository bool       `json:"isCrossRepository"`
	} `json:"nodes"`
	PageInfo struct {
		HasNextPage bool `json:"hasNextPage"`
	} `json:"pageInfo"`
}

// batchRepo is one aliased repository of a query: whether its file is read, and which heads'
// pull requests.
type batchRepo struct {
	ref   RepoRef
	file  bool
	heads []PullsRef
}

func (g *gitHub) readBatch(ctx context.Context, files []RepoRef, path string, pulls []PullsRef, outFiles map[RepoRef]FileRead, outPulls map[PullsRef]PullsRead) {
	var todo []*batchRepo
	at := map[RepoRef]*batchRepo{}
	repo := func(r RepoRef) *batchRepo {
		b := at[r]
		if b == nil {
			b = &batchRepo{ref: r}
			at[r] = b
			todo = append(todo, b)
		}
		return b
	}
	for _, r := range files {
		if err := checkNames("github", r.Owner, r.Name, false); err != nil {
			outFiles[r] = FileRead{Err: err}
			continue
		}
		repo(r).file = true
	}
	for _, p := range pulls {
		err := checkNames("github", p.Owner, p.Name, false)
		if err == nil {
			err = checkHead("github", p.Head)
		}
		if err != nil {
			outPulls[p] = PullsRead{Err: err}
			continue
		}
		repo(p.RepoRef).heads = append(repo(p.RepoRef).heads, p)
	}
	if len(todo) == 0 {
		return
	}
	vars := map[string]any{}
	var params, fields []string
	if len(files) > 0 {
		vars["expr"] = "HEAD:" + path
		params = append(params, "$expr: String!")
	}
	h := 0
	for i, b := range todo {
		vars["o"+strconv.Itoa(i)], vars["n"+strconv.Itoa(i)] = b.ref.Owner, b.ref.Name
		params = append(params, fmt.Sprintf("$o%d: String!, $n%d: String!", i, i))
		var sel []string
		if b.file {
			sel = append(sel, githubBatchFile)
		}
		for j, p := range b.heads {
			vars["h"+strconv.Itoa(h)] = p.Head
			params = append(params, fmt.Sprintf("$h%d: String!", h))
			sel = append(sel, fmt.Sprintf(strings.Replace(githubBatchPulls, "p%d", "p"+strconv.Itoa(j), 1), h, BatchPullsPage))
			h++
		}
		fields = append(fields, fmt.Sprintf(githubBatchRepo, "r"+strconv.Itoa(i), i, i, strings.Join(sel, " ")))
	}
	query := "query(" + strings.Join(params, ", ") + ") { " + strings.Join(fields, " ") + " }"
	fail := func(err error) {
		for _, b := range todo {
			if b.file {
				outFiles[b.ref] = FileRead{Err: err}
			}
			for _, p := range b.heads {
				outPulls[p] = PullsRead{Err: err}
			}
		}
	}
	req, err := g.c.NewRequest(http.MethodPost, "../graphql", map[string]any{"query": query, "variables": vars})
	if err != nil {
		fail(err)
		return
	}
	var resp struct {
		Data   map[string]map[string]json.RawMessage `json:"data"`
		Errors []struct {
			Type    string `json:"type"`
			Path    []any  `json:"path"`
			Message string `json:"message"`
		} `json:"errors"`
	}
	doing := fmt.Sprintf("read %s of %d repositories", path, len(files))
	if len(files) == 0 {
		doing = fmt.Sprintf("read pull requests of %d repositories", len(todo))
	}
	if _, err := g.c.Do(ctx, req, &resp); err != nil {
		fail(g.err(err, doing, "read the repositories"))
		return
	}
	// errors[] names the alias it is about in path (["r0"], or ["r0", "p1"] for one list);
	// one without is about the whole query.
	byAlias := map[string][]string{}
	var whole []string
	for _, e := range resp.Errors {
		if len(e.Path) > 0 {
			if a, ok := e.Path[0].(string); ok {
				if len(e.Path) > 1 {
					if p, ok := e.Path[1].(string); ok && strings.HasPrefix(p, "p") {
						a += "." + p
					}
				}
				byAlias[a] = append(byAlias[a], e.Message)
				continue
			}
		}
		whole = append(whole, e.Message)
	}
	for i, b := range todo {
		alias := "r" + strconv.Itoa(i)
		full := b.ref.Owner + "/" + b.ref.Name
		raw := resp.Data[alias]
		var ans *githubBatchRepoAnswer
		var why string
		switch {
		case len(byAlias[alias]) > 0:
			why = strings.Join(byAlias[alias], "; ")
		case raw == nil && len(whole) > 0:
			why = strings.Join(whole, "; ")
		case raw == nil:
			why = "the API gave no answer for it"
		default:
			if ans, err = decodeBatchRepo(raw); err != nil {
				why = err.Error()
			}
		}
		if b.file {
			if why != "" {
				outFiles[b.ref] = FileRead{Err: fmt.Errorf("github: read %s of %s: %s", path, full, why)}
			} else {
				outFiles[b.ref] = fileAnswer(ans, b.ref, path)
			}
		}
		for j, p := range b.heads {
			list := ans.pullsAt(j)
			switch {
			case why != "":
				outPulls[p] = PullsRead{Err: fmt.Errorf("github: list pull requests of %s: %s", full, why)}
			case len(byAlias[alias+".p"+strconv.Itoa(j)]) > 0:
				outPulls[p] = PullsRead{Err: fmt.Errorf("github: list pull requests of %s: %s", full, strings.Join(byAlias[alias+".p"+strconv.Itoa(j)], "; "))}
			case list == nil:
				outPulls[p] = PullsRead{Err: fmt.Errorf("github: list pull requests of %s: the API gave no answer for them", full)}
			case list.PageInfo.HasNextPage:
				// More than one query reads: left for PullRequests, which pages.
			default:
				outPulls[p] = PullsRead{PRs: list.pullRequests(p.Head)}
			}
		}
	}
}

func fileAnswer(ans *githubBatchRepoAnswer, r RepoRef, path string) FileRead {
	full := r.Owner + "/" + r.Name
	switch o := ans.Object; {
	case o == nil:
		return FileRead{Err: fileNotFound("github", r.Owner, r.Name, path, "")}
	case o.Typename != "Blob":
		return FileRead{Err: fmt.Errorf("github: %s: %s is not a file", full, path)}
	case o.ByteSize > githubBlobCap || o.IsTruncated:
		return FileRead{Err: fmt.Errorf("github: read %s of %s: %d bytes, over the 1 MB idp reads", path, full, o.ByteSize)}
	case o.Text == nil || o.IsBinary != nil && *o.IsBinary:
		return FileRead{Err: fmt.Errorf("github: read %s of %s: a binary file", path, full)}
	default:
		return FileRead{Data: []byte(*o.Text)}
	}
}

// pullRequests are the list's pull requests from head in the repository itself, newest first.
func (l *githubPullsAnswer) pullRequests(head string) []*PullRequest {
	var prs []*PullRequest
	for _, n := range l.Nodes {
		if n.IsCrossRepository || n.HeadRefName != head {
			continue
		}
		p := &PullRequest{Number: n.Number, URL: n.URL, Title: n.Title, Body: n.Body, Head: n.HeadRefName,
			Base: n.BaseRefName, Draft: n.IsDraft, Open: n.State == "OPEN", Merged: n.State == "MERGED", Created: n.CreatedAt}
		switch {
		case p.Merged && n.MergedAt != nil:
			p.Closed = *n.MergedAt
		case !p.Open && n.ClosedAt != nil:
			p.Closed = *n.ClosedAt
		}
		prs = append(prs, p)
	}
	return newestFirst(prs)
}

func (a *githubBatchRepoAnswer) pullsAt(j int) *githubPullsAnswer {
	if a == nil {
		return nil
	}
	return a.pulls["p"+strconv.Itoa(j)]
}

// decodeBatchRepo reads one repository's answer: its object, and its lists by alias.
func decodeBatchRepo(raw map[string]json.RawMessage) (*githubBatchRepoAnswer, error) {
	a := &githubBatchRepoAnswer{pulls: map[string]*githubPullsAnswer{}}
	for k, v := range raw {
		var err error
		switch {
		case k == "object":
			err = json.Unmarshal(v, &a.Object)
		case strings.HasPrefix(k, "p"):
			var l *githubPullsAnswer
			err = json.Unmarshal(v, &l)
			a.pulls[k] = l
		}
		if err != nil {
			return nil, fmt.Errorf("the API's answer for %s cannot be read: %v", k, err)
		}
	}
	return a, nil
}
