package forge

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	gitlab "gitlab.com/gitlab-org/api/client-go"
)

// gitlabFullPaths is the most full paths GitLab's projects(fullPaths:) takes ("You cannot
// provide more than 50 full paths"): a query of BatchSize repositories asks two aliased
// projects fields.
const gitlabFullPaths = 50

// gitlabMRsPage is the most merge requests of a project one query reads: GitLab multiplies a
// connection's complexity by 1 + 1% of its page, and pages of 50 keep a query of 100 projects'
// files and merge requests and 100 others' merge requests under the 250 it allows, as the
// forge fake reckons it (forgetest's gitlabComplexity; a real refusal is asked in halves).
const gitlabMRsPage = 50

// The parts of a batched query on GitLab (POST /api/graphql), per group of up to 50 projects
// aliased p0, p1, … with their full paths as $f0, $f1, …: the file at $path on the default
// branch (blobs' ref defaults to HEAD), and the merge requests from the heads $h0, $h1, … in
// every state, newest first. sourceProjectId tells a fork's merge request from the project's
// own, as the REST listing's source_project_id does.
const (
	gitlabBatchProjects = `%s: projects(fullPaths: $f%d, first: %d) { nodes { fullPath %s } }`
	gitlabBatchFile     = `repository { blobs(paths: $path, first: 1) { nodes { path rawTextBlob } } }`
	gitlabBatchMRs      = `mergeRequests(sourceBranches: $h%d, sort: CREATED_DESC, first: %d) { nodes { iid webUrl title description sourceBranch targetBranch draft state createdAt mergedAt closedAt sourceProjectId targetProjectId } pageInfo { hasNextPage } }`
)

// ReadFiles reads path on the default branch of each project through GitLab's GraphQL API,
// BatchSize projects per query.
func (g *gitLab) ReadFiles(ctx context.Context, refs []RepoRef, path string) (map[RepoRef]FileRead, error) {
	files, _, err := g.ReadBatch(ctx, refs, path, nil)
	return files, err
}

// ReadBatch reads files as ReadFiles does and, in the same queries, the merge requests from
// each PullsRef's head branch into its project, in all states, newest first, as PullRequests
// lists them: a query for up to BatchSize files and BatchPulls lists, sent by POST to
// api/graphql beside the REST API. A missing file, or an empty repository, is
// ErrNotFound for its project; a binary file, a project GitLab does not return (gone, or the
// token cannot see it) and an errors[] entry about a project are that project's error; a
// refused or failed query is the error of each project in it, and one over GitLab's
// complexity limit is asked again in halves. A project with more merge requests from the
// heads asked than one query reads (gitlabMRsPage, 50) is left out of the answer, for the
// caller to list by PullRequests.
func (g *gitLab) ReadBatch(ctx context.Context, files []RepoRef, path string, pulls []PullsRef) (map[RepoRef]FileRead, map[PullsRef]PullsRead, error) {
	return readInBatches(ctx, "gitlab", files, path, pulls, g.readBatch)
}

type gitlabBatchAnswer struct {
	Data   map[string]*gitlabProjectsAnswer `json:"data"`
	Errors []gitlabError                    `json:"errors"`
}

type gitlabError struct {
	Message string `json:"message"`
	Path    []any  `json:"path"`
}

type gitlabProjectsAnswer struct {
	Nodes []*gitlabProjectAnswer `json:"nodes"`
}

type gitlabProjectAnswer struct {
	FullPath   string `json:"fullPath"`
	Repository *struct {
		Blobs *struct {
			Nodes []struct {
				Path        string  `json:"path"`
				RawTextBlob *string `json:"rawTextBlob"`
			} `json:"nodes"`
		} `json:"blobs"`
	} `json:"repository"`
	MergeRequests *struct {
		Nodes []struct {
			IID             string     `json:"iid"`
			WebURL          string     `json:"webUrl"`
			Title           string     `json:"title"`
			Description     *string    `json:"description"`
			SourceBranch    string     `json:"sourceBranch"`
			TargetBranch    string     `json:"targetBranch"`
			Draft           bool       `json:"draft"`
			State           string     `json:"state"` // opened, closed, locked or merged
			CreatedAt       time.Time  `json:"createdAt"`
			MergedAt        *time.Time `json:"mergedAt"`
			ClosedAt        *time.Time `json:"closedAt"`
			SourceProjectID *int64     `json:"sourceProjectId"`
			TargetProjectID *int64     `json:"targetProjectId"`
		} `json:"nodes"`
		PageInfo struct {
			HasNextPage bool `json:"hasNextPage"`
		} `json:"pageInfo"`
	} `json:"mergeRequests"`
}

// gitlabGroup is one aliased projects field: up to 50 projects asked the same fields.
type gitlabGroup struct {
	alias string
	file  bool
	heads []string
	repos []*batchRepo
}

func (g *gitLab) readBatch(ctx context.Context, files []RepoRef, path string, pulls []PullsRef, outFiles map[RepoRef]FileRead, outPulls map[PullsRef]PullsRead) {
	var todo []*batchRepo
	at := map[string]*batchRepo{}
	repo := func(r RepoRef) *batchRepo {
		k := strings.ToLower(r.Owner + "/" + r.Name)
		b := at[k]
		if b == nil {
			b = &batchRepo{ref: r}
			at[k] = b
			todo = append(todo, b)
		}
		return b
	}
	for _, r := range files {
		if err := checkNames("gitlab", r.Owner, r.Name, true); err != nil {
			outFiles[r] = FileRead{Err: err}
			continue
		}
		repo(r).file = true
	}
	for _, p := range pulls {
		err := checkNames("gitlab", p.Owner, p.Name, true)
		if err == nil {
			err = checkHead("gitlab", p.Head)
		}
		if err != nil {
			outPulls[p] = PullsRead{Err: err}
			continue
		}
		b := repo(p.RepoRef)
		b.heads = append(b.heads, p)
	}
	if len(todo) == 0 {
		return
	}
	// Projects asked the same fields share an alias, 50 at most: those whose file is read,
	// with or without merge requests, and those whose merge requests alone are.
	var groups []*gitlabGroup
	for _, kind := range []struct{ file, mrs bool }{{true, false}, {true, true}, {false, true}} {
		var g *gitlabGroup
		for _, b := range todo {
			if b.file != kind.file || (len(b.heads) > 0) != kind.mrs {
				continue
			}
			if g == nil || len(g.repos) == gitlabFullPaths {
				g = &gitlabGroup{alias: "p" + strconv.Itoa(len(groups)), file: kind.file}
				groups = append(groups, g)
			}
			g.repos = append(g.repos, b)
			for _, h := range b.heads {
				if !slices.Contains(g.heads, h.Head) {
					g.heads = append(g.heads, h.Head)
				}
			}
		}
	}
	vars := map[string]any{}
	var params, fields []string
	if len(files) > 0 {
		vars["path"] = []string{path}
		params = append(params, "$path: [String!]!")
	}
	for i, gr := range groups {
		full := make([]string, len(gr.repos))
		for j, b := range gr.repos {
			full[j] = b.ref.Owner + "/" + b.ref.Name
		}
		vars["f"+strconv.Itoa(i)] = full
		params = append(params, fmt.Sprintf("$f%d: [String!]", i))
		var sel []string
		if gr.file {
			sel = append(sel, gitlabBatchFile)
		}
		if len(gr.heads) > 0 {
			vars["h"+strconv.Itoa(i)] = gr.heads
			params = append(params, fmt.Sprintf("$h%d: [String!]", i))
			sel = append(sel, fmt.Sprintf(gitlabBatchMRs, i, gitlabMRsPage))
		}
		fields = append(fields, fmt.Sprintf(gitlabBatchProjects, gr.alias, i, gitlabFullPaths, strings.Join(sel, " ")))
	}
	query := "query(" + strings.Join(params, ", ") + ") { " + strings.Join(fields, " ") + " }"

	fail := func(b *batchRepo, why error) {
		if b.file {
			outFiles[b.ref] = FileRead{Err: why}
		}
		for _, p := range b.heads {
			outPulls[p] = PullsRead{Err: why}
		}
	}
	doing := fmt.Sprintf("read %s of %d projects", path, len(files))
	if len(files) == 0 {
		doing = fmt.Sprintf("read merge requests of %d projects", len(todo))
	}
	var resp gitlabBatchAnswer
	if err := g.graphQL(ctx, gitlab.GraphQLQuery{Query: query, Variables: vars}, &resp); err != nil {
		err = g.err(err, doing, "read the projects")
		for _, b := range todo {
			fail(b, err)
		}
		return
	}
	// A query over GitLab's complexity limit is refused whole ("Query has complexity of 300,
	// which exceeds max complexity of 250"): its halves are asked instead.
	if n := len(files) + len(pulls); len(resp.Data) == 0 && n > 1 && slices.ContainsFunc(resp.Errors, func(e gitlabError) bool {
		return strings.Contains(e.Message, "exceeds max complexity")
	}) {
		fh := min(n/2, len(files))
		ph := n/2 - fh
		g.readBatch(ctx, files[:fh], path, pulls[:ph], outFiles, outPulls)
		g.readBatch(ctx, files[fh:], path, pulls[ph:], outFiles, outPulls)
		return
	}
	// errors[] names where it is about in path: ["p0", "nodes", 3, …] is project 3 of p0's
	// answer, ["p0"] the whole alias; one without is about the whole query.
	byProject := map[string][]string{}
	byAlias := map[string][]string{}
	var whole []string
	for _, e := range resp.Errors {
		if len(e.Path) == 0 {
			whole = append(whole, e.Message)
			continue
		}
		a, _ := e.Path[0].(string)
		if len(e.Path) > 2 {
			if n, ok := e.Path[2].(float64); ok && resp.Data[a] != nil && int(n) < len(resp.Data[a].Nodes) && resp.Data[a].Nodes[int(n)] != nil {
				k := strings.ToLower(resp.Data[a].Nodes[int(n)].FullPath)
				byProject[k] = append(byProject[k], e.Message)
				continue
			}
		}
		byAlias[a] = append(byAlias[a], e.Message)
	}
	for _, gr := range groups {
		answers := map[string]*gitlabProjectAnswer{}
		if d := resp.Data[gr.alias]; d != nil {
			for _, n := range d.Nodes {
				if n != nil {
					answers[strings.ToLower(n.FullPath)] = n
				}
			}
		}
		for _, b := range gr.repos {
			full := b.ref.Owner + "/" + b.ref.Name
			k := strings.ToLower(full)
			ans := answers[k]
			var why string
			switch {
			case len(byProject[k]) > 0:
				why = strings.Join(byProject[k], "; ")
			case ans == nil && len(byAlias[gr.alias]) > 0:
				why = strings.Join(byAlias[gr.alias], "; ")
			case ans == nil && len(whole) > 0:
				why = strings.Join(whole, "; ")
			case ans == nil:
				why = "not found, or the token cannot see it"
			}
			if b.file {
				if why != "" {
					outFiles[b.ref] = FileRead{Err: fmt.Errorf("gitlab: read %s of %s: %s", path, full, why)}
				} else {
					outFiles[b.ref] = ans.file(b.ref, path)
				}
			}
			for _, p := range b.heads {
				switch {
				case why != "":
					outPulls[p] = PullsRead{Err: fmt.Errorf("gitlab: list merge requests of %s: %s", full, why)}
				case ans.MergeRequests == nil:
					outPulls[p] = PullsRead{Err: fmt.Errorf("gitlab: list merge requests of %s: the API gave no answer for them", full)}
				case ans.MergeRequests.PageInfo.HasNextPage:
					// More than one query reads: left for PullRequests, which pages.
				default:
					outPulls[p] = PullsRead{PRs: ans.pullRequests(p.Head)}
				}
			}
		}
	}
}

// graphQL sends a query to GitLab's GraphQL endpoint, api/graphql beside the REST API's
// api/v4/: the client's GraphQL.Do sends it to /api/graphql at the root of the host, which
// misses a GitLab served under a path (https://example.com/gitlab). An error is the client's,
// as REST calls give them.
func (g *gitLab) graphQL(ctx context.Context, q gitlab.GraphQLQuery, out any) error {
	req, err := g.c.NewRequest(http.MethodPost, "", q, []gitlab.RequestOptionFunc{gitlab.WithContext(ctx)})
	if err != nil {
		return err
	}
	req.URL.Path = strings.TrimSuffix(g.c.BaseURL().Path, "api/v4/") + "api/graphql"
	_, err = g.c.Do(req, out)
	return err
}

// file is the project's answer for path: its text, ErrNotFound when the repository has no
// such file (or no commits), or an error for a binary file.
func (a *gitlabProjectAnswer) file(r RepoRef, path string) FileRead {
	if a.Repository == nil || a.Repository.Blobs == nil {
		return FileRead{Err: fileNotFound("gitlab", r.Owner, r.Name, path, "")}
	}
	for _, n := range a.Repository.Blobs.Nodes {
		if n.Path != path {
			continue
		}
		if n.RawTextBlob == nil {
			return FileRead{Err: fmt.Errorf("gitlab: read %s of %s/%s: a binary file", path, r.Owner, r.Name)}
		}
		return FileRead{Data: []byte(*n.RawTextBlob)}
	}
	return FileRead{Err: fileNotFound("gitlab", r.Owner, r.Name, path, "")}
}

// pullRequests are the merge requests from head in the project itself, newest first, as
// gitlabPR makes them from the REST listing.
func (a *gitlabProjectAnswer) pullRequests(head string) []*PullRequest {
	var prs []*PullRequest
	for _, n := range a.MergeRequests.Nodes {
		if n.SourceBranch != head || n.SourceProjectID == nil || n.TargetProjectID == nil || *n.SourceProjectID != *n.TargetProjectID {
			continue
		}
		iid, _ := strconv.Atoi(n.IID)
		mr := &gitlab.BasicMergeRequest{IID: int64(iid), WebURL: n.WebURL, Title: n.Title, SourceBranch: n.SourceBranch,
			TargetBranch: n.TargetBranch, Draft: n.Draft, State: n.State, CreatedAt: &n.CreatedAt, MergedAt: n.MergedAt, ClosedAt: n.ClosedAt}
		if n.Description != nil {
			mr.Description = *n.Description
		}
		prs = append(prs, gitlabPR(mr))
	}
	return newestFirst(prs)
}
