package forge_test

import (
	"errors"
	"fmt"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/idp-cli/idp/internal/forge"
	"github.com/idp-cli/idp/internal/forge/forgetest"
)

// qcall is a call with its query, parsed so that the order of parameters does not matter.
type qcall struct {
	Method string         `json:"method"`
	Path   string         `json:"path"`
	Query  url.Values     `json:"query,omitempty"`
	Body   map[string]any `json:"body,omitempty"`
}

func wantQCalls(t *testing.T, f *forgetest.Fake, want ...qcall) {
	t.Helper()
	var got []qcall
	for _, r := range f.Requests() {
		q, err := url.ParseQuery(r.Query)
		if err != nil {
			t.Fatalf("%s: query %q: %v", r, r.Query, err)
		}
		if len(q) == 0 {
			q = nil
		}
		got = append(got, qcall{r.Method, r.Path, q, r.Body})
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("requests:\n%s\nwant:\n%s", toJSON(got), toJSON(want))
	}
}

func query(kv ...string) url.Values {
	q := url.Values{}
	for i := 0; i < len(kv); i += 2 {
		q.Add(kv[i], kv[i+1])
	}
	return q
}

// prAPI is where each provider's pull requests live, and what its requests look like.
type prAPI struct {
	provider string
	pulls    string // the list and create path
	one      func(n int) string
	web      func(f *forgetest.Fake, n int) string
	list     url.Values
	create   func(in forge.PullRequestInput, title string) map[string]any
	update   func(in forge.PullRequestInput, title string) map[string]any
	close    map[string]any
	edit     string // the method of update and close
	// draftTitle is the title the forge stores for a draft titled title.
	draftTitle func(title string) string
}

// giteaEditBody is what the Gitea SDK sends for an EditPullRequestOption: every field.
func giteaEditBody(title string, body any, state any) map[string]any {
	return map[string]any{
		"title": title, "body": body, "base": "", "assignee": "", "assignees": nil, "milestone": float64(0),
		"labels": nil, "state": state, "due_date": nil, "unset_due_date": nil, "allow_maintainer_edit": nil,
	}
}

var prAPIs = []prAPI{
	{
		provider: "github",
		pulls:    "/api/v3/repos/acme/svc/pulls",
		one:      func(n int) string { return fmt.Sprintf("/api/v3/repos/acme/svc/pulls/%d", n) },
		web:      func(f *forgetest.Fake, n int) string { return fmt.Sprintf("%s/acme/svc/pull/%d", f.URL, n) },
		list:     query("state", "all", "head", "acme:idp/update", "sort", "created", "direction", "desc", "per_page", "100"),
		create: func(in forge.PullRequestInput, title string) map[string]any {
			return map[string]any{"title": title, "head": in.Head, "base": in.Base, "body": in.Body, "draft": in.Draft}
		},
		// No draft: GitHub's REST API cannot change it.
		update: func(in forge.PullRequestInput, title string) map[string]any {
			return map[string]any{"title": title, "body": in.Body}
		},
		close:      map[string]any{"state": "closed"},
		edit:       "PATCH",
		draftTitle: func(title string) string { return title },
	},
	{
		provider: "gitlab",
		pulls:    "/api/v4/projects/acme%2Fsvc/merge_requests",
		one:      func(n int) string { return fmt.Sprintf("/api/v4/projects/acme%%2Fsvc/merge_requests/%d", n) },
		web:      func(f *forgetest.Fake, n int) string { return fmt.Sprintf("%s/acme/svc/-/merge_requests/%d", f.URL, n) },
		list:     query("source_branch", "idp/update", "state", "all", "order_by", "created_at", "sort", "desc", "per_page", "100"),
		create: func(in forge.PullRequestInput, title string) map[string]any {
			return map[string]any{"title": title, "description": in.Body, "source_branch": in.Head, "target_branch": in.Base}
		},
		update: func(in forge.PullRequestInput, title string) map[string]any {
			return map[string]any{"title": title, "description": in.Body}
		},
		close:      map[string]any{"state_event": "close"},
		edit:       "PUT",
		draftTitle: func(title string) string { return "Draft: " + title },
	},
	{
		provider: "gitea",
		pulls:    "/api/v1/repos/acme/svc/pulls",
		one:      func(n int) string { return fmt.Sprintf("/api/v1/repos/acme/svc/pulls/%d", n) },
		web:      func(f *forgetest.Fake, n int) string { return fmt.Sprintf("%s/acme/svc/pulls/%d", f.URL, n) },
		list:     query("state", "all", "page", "1", "limit", "50"),
		// The SDK sends every field of CreatePullRequestOption.
		create: func(in forge.PullRequestInput, title string) map[string]any {
			return map[string]any{
				"head": in.Head, "base": in.Base, "title": title, "body": in.Body, "assignee": "", "assignees": nil,
				"reviewers": nil, "team_reviewers": nil, "milestone": float64(0), "labels": nil, "due_date": nil,
			}
		},
		update: func(in forge.PullRequestInput, title string) map[string]any {
			return giteaEditBody(title, in.Body, nil)
		},
		close:      giteaEditBody("", nil, "closed"),
		edit:       "PATCH",
		draftTitle: func(title string) string { return "WIP: " + title },
	},
}

// TestPullRequests is the bot's round: open once, find it by its branch, fail to open a
// second, update it, close it.
func TestPullRequests(t *testing.T) {
	for _, api := range prAPIs {
		t.Run(api.provider, func(t *testing.T) {
			f, p := start(t, api.provider)
			f.AddRepo(forgetest.Repo{Owner: "acme", Name: "svc"})
			// Neither is from the bot's branch of this repository.
			f.AddPullRequest("acme", "svc", forgetest.PullRequest{Title: "Other work", Head: "feature", Base: "main"})
			f.AddPullRequest("acme", "svc", forgetest.PullRequest{Title: "From a fork", Head: "idp/update", Base: "main", HeadOwner: "bob"})
			ctx := t.Context()

			in := forge.PullRequestInput{Head: "idp/update", Base: "main", Title: "Update go-service to v1.2.0", Body: "It changes go.mod."}
			got, err := p.CreatePullRequest(ctx, "acme", "svc", in)
			if err != nil {
				t.Fatalf("CreatePullRequest: %v", err)
			}
			want := &forge.PullRequest{
				Number: 3, URL: api.web(f, 3), Title: in.Title, Body: in.Body, Head: "idp/update", Base: "main", Open: true,
			}
			if !samePR(got, want) {
				t.Errorf("CreatePullRequest = %+v, want %+v", got, want)
			}

			list, err := p.PullRequests(ctx, "acme", "svc", "idp/update")
			if err != nil {
				t.Fatalf("PullRequests: %v", err)
			}
			if len(list) != 1 || !samePR(list[0], want) {
				t.Errorf("PullRequests = %s, want only %+v", toJSON(list), want)
			}

			again, err := p.CreatePullRequest(ctx, "acme", "svc", in)
			if !errors.Is(err, forge.ErrPullRequestExists) || again != nil {
				t.Fatalf("second CreatePullRequest = %+v, %v; want ErrPullRequestExists", again, err)
			}
			conflict := map[string]string{
				"github": "(Validation Failed: A pull request already exists for acme:idp/update.); update that one instead",
				"gitlab": "(Another open merge request already exists for this source branch: !3); update that one instead",
				"gitea":  "issue_id: 3, ",
			}[api.provider]
			prefix := api.provider + ": acme/svc: a pull request is already open from idp/update into main ("
			if msg := err.Error(); !strings.HasPrefix(msg, prefix) || !strings.Contains(msg, conflict) {
				t.Errorf("second CreatePullRequest: error\n%s\nwant it to start %q and name the open one: %q", msg, prefix, conflict)
			}

			up := forge.PullRequestInput{Title: "Update go-service to v1.3.0", Body: "It changes go.mod and main.go."}
			updated, err := p.UpdatePullRequest(ctx, "acme", "svc", 3, up)
			if err != nil {
				t.Fatalf("UpdatePullRequest: %v", err)
			}
			want.Title, want.Body = up.Title, up.Body
			if !samePR(updated, want) {
				t.Errorf("UpdatePullRequest = %+v, want %+v", updated, want)
			}

			if err := p.ClosePullRequest(ctx, "acme", "svc", 3); err != nil {
				t.Fatalf("ClosePullRequest: %v", err)
			}
			list, err = p.PullRequests(ctx, "acme", "svc", "idp/update")
			if err != nil {
				t.Fatalf("PullRequests: %v", err)
			}
			want.Open = false
			if len(list) != 1 || !samePR(list[0], want) {
				t.Errorf("PullRequests after close = %s, want only %+v", toJSON(list), want)
			}

			held := f.PullRequests("acme", "svc")
			wantHeld := forgetest.PullRequest{Number: 3, Title: up.Title, Body: up.Body, Head: "idp/update", Base: "main", State: "closed"}
			if len(held) != 3 || held[2] != wantHeld || held[0].State != "open" || held[1].State != "open" {
				t.Errorf("fake holds %+v, want the others open and %+v", held, wantHeld)
			}
			wantQCalls(t, f,
				qcall{"POST", api.pulls, nil, api.create(in, in.Title)},
				qcall{"GET", api.pulls, api.list, nil},
				qcall{"POST", api.pulls, nil, api.create(in, in.Title)},
				qcall{api.edit, api.one(3), nil, api.update(up, up.Title)},
				qcall{api.edit, api.one(3), nil, api.close},
				qcall{"GET", api.pulls, api.list, nil},
			)
		})
	}
}

func TestPullRequestDraft(t *testing.T) {
	for _, api := range prAPIs {
		t.Run(api.provider, func(t *testing.T) {
			f, p := start(t, api.provider)
			f.AddRepo(forgetest.Repo{Owner: "acme", Name: "svc"})
			ctx := t.Context()

			in := forge.PullRequestInput{Head: "idp/update", Base: "main", Title: "Update go-service", Body: "Conflicts in go.mod.", Draft: true}
			got, err := p.CreatePullRequest(ctx, "acme", "svc", in)
			if err != nil {
				t.Fatalf("CreatePullRequest: %v", err)
			}
			want := &forge.PullRequest{Number: 1, URL: api.web(f, 1), Title: in.Title, Body: in.Body, Head: in.Head, Base: in.Base, Draft: true, Open: true}
			if !samePR(got, want) {
				t.Errorf("CreatePullRequest = %+v, want %+v", got, want)
			}
			if held := f.PullRequests("acme", "svc"); len(held) != 1 || held[0].Title != api.draftTitle(in.Title) || !held[0].Draft {
				t.Errorf("fake holds %+v, want a draft titled %q", held, api.draftTitle(in.Title))
			}

			// Ready: GitLab and Gitea drop the prefix; GitHub's REST API cannot, and the
			// result says it is still a draft.
			ready := forge.PullRequestInput{Title: in.Title, Body: "No conflicts."}
			got, err = p.UpdatePullRequest(ctx, "acme", "svc", 1, ready)
			if err != nil {
				t.Fatalf("UpdatePullRequest: %v", err)
			}
			want.Body, want.Draft = ready.Body, api.provider == "github"
			if !samePR(got, want) {
				t.Errorf("UpdatePullRequest to ready = %+v, want %+v", got, want)
			}
			if held := f.PullRequests("acme", "svc"); held[0].Title != in.Title || held[0].Draft != want.Draft {
				t.Errorf("fake holds %+v after marking ready", held[0])
			}

			// A draft again, from a title that already has a prefix: it is not doubled.
			again := forge.PullRequestInput{Title: api.draftTitle("Update go-service"), Body: "Conflicts again.", Draft: true}
			got, err = p.UpdatePullRequest(ctx, "acme", "svc", 1, again)
			if err != nil {
				t.Fatalf("UpdatePullRequest: %v", err)
			}
			want.Body, want.Draft = again.Body, true
			if !samePR(got, want) {
				t.Errorf("UpdatePullRequest to draft = %+v, want %+v", got, want)
			}
			if held := f.PullRequests("acme", "svc"); held[0].Title != api.draftTitle(in.Title) || !held[0].Draft {
				t.Errorf("fake holds %+v, want a draft titled %q", held[0], api.draftTitle(in.Title))
			}

			wantQCalls(t, f,
				qcall{"POST", api.pulls, nil, api.create(in, api.draftTitle(in.Title))},
				qcall{api.edit, api.one(1), nil, api.update(ready, in.Title)},
				qcall{api.edit, api.one(1), nil, api.update(again, api.draftTitle(in.Title))},
			)
		})
	}
}

// TestPullRequestsListed covers what the bot reads from the list: merged and closed ones,
// newest first, across pages, and drafts made on the forge with another prefix.
func TestPullRequestsListed(t *testing.T) {
	drafts := map[string]forgetest.PullRequest{
		"github": {Title: "Made on GitHub", Draft: true},
		"gitlab": {Title: "[Draft] Made on GitLab"},
		"gitea":  {Title: "[wip] Made on Gitea"},
	}
	wantTitle := map[string]string{"github": "Made on GitHub", "gitlab": "Made on GitLab", "gitea": "Made on Gitea"}
	for _, api := range prAPIs {
		t.Run(api.provider, func(t *testing.T) {
			f, p := start(t, api.provider)
			f.AddRepo(forgetest.Repo{Owner: "acme", Name: "svc"})
			// 120 from the branch, more than fit a page on each forge, between others.
			for i := 1; i <= 120; i++ {
				f.AddPullRequest("acme", "svc", forgetest.PullRequest{Title: fmt.Sprint("v", i), Head: "idp/update", Base: "main", State: "closed"})
				f.AddPullRequest("acme", "svc", forgetest.PullRequest{Title: "other", Head: "feature", Base: "main"})
			}
			f.MergePullRequest("acme", "svc", 239)
			d := drafts[api.provider]
			d.Head, d.Base = "idp/update", "main"
			f.AddPullRequest("acme", "svc", d)

			list, err := p.PullRequests(t.Context(), "acme", "svc", "idp/update")
			if err != nil {
				t.Fatalf("PullRequests: %v", err)
			}
			if len(list) != 121 {
				t.Fatalf("PullRequests = %d pull requests, want 121", len(list))
			}
			wantDraft := &forge.PullRequest{Number: 241, URL: api.web(f, 241), Title: wantTitle[api.provider], Head: "idp/update", Base: "main", Draft: true, Open: true}
			wantMerged := &forge.PullRequest{Number: 239, URL: api.web(f, 239), Title: "v120", Head: "idp/update", Base: "main", Merged: true}
			if !samePR(list[0], wantDraft) || !samePR(list[1], wantMerged) {
				t.Errorf("PullRequests starts %s, want %+v and %+v", toJSON(list[:2]), wantDraft, wantMerged)
			}
			for i, pr := range list[1:] {
				if pr.Number != 239-2*i || pr.Open {
					t.Fatalf("PullRequests[%d] = %+v, want the closed number %d", i+1, pr, 239-2*i)
				}
			}
			pages := map[string]int{"github": 2, "gitlab": 2, "gitea": 5}[api.provider] // Gitea lists all 241
			if n := len(f.Requests()); n != pages {
				t.Errorf("%d requests, want %d pages: %v", n, pages, f.Calls())
			}
		})
	}
}

func TestPullRequestErrors(t *testing.T) {
	for _, api := range prAPIs {
		t.Run(api.provider, func(t *testing.T) {
			f, p := start(t, api.provider)
			f.AddRepo(forgetest.Repo{Owner: "acme", Name: "svc"})
			f.AddOrg("readonly", false)
			f.AddRepo(forgetest.Repo{Owner: "readonly", Name: "svc"})
			f.AddPullRequest("readonly", "svc", forgetest.PullRequest{Title: "Someone's", Head: "fix", Base: "main"})
			ctx := t.Context()
			in := forge.PullRequestInput{Head: "idp/update", Base: "main", Title: "Update"}

			noun := "pull request"
			if api.provider == "gitlab" {
				noun = "merge request"
			}
			_, err := p.UpdatePullRequest(ctx, "acme", "svc", 42, in)
			if want := api.provider + ": acme/svc: " + noun + " 42 not found"; !errors.Is(err, forge.ErrNotFound) || err.Error() != want {
				t.Errorf("UpdatePullRequest(42) = %v, want %q wrapping ErrNotFound", err, want)
			}
			err = p.ClosePullRequest(ctx, "acme", "svc", 42)
			if !errors.Is(err, forge.ErrNotFound) {
				t.Errorf("ClosePullRequest(42) = %v, want ErrNotFound", err)
			}
			_, err = p.PullRequests(ctx, "acme", "missing", "idp/update")
			if want := api.provider + ": acme/missing: repository not found"; !errors.Is(err, forge.ErrNotFound) || err.Error() != want {
				t.Errorf("PullRequests of a missing repository = %v, want %q", err, want)
			}
			_, err = p.CreatePullRequest(ctx, "acme", "missing", in)
			if !errors.Is(err, forge.ErrNotFound) {
				t.Errorf("CreatePullRequest in a missing repository = %v, want ErrNotFound", err)
			}

			var ae *forge.AuthError
			_, err = p.CreatePullRequest(ctx, "readonly", "svc", in)
			if !errors.As(err, &ae) || ae.Status != 403 || !strings.Contains(err.Error(), "no permission to open "+noun+"s in readonly/svc (403") {
				t.Errorf("CreatePullRequest in a read-only repository = %v, want a 403 AuthError", err)
			}
			err = p.ClosePullRequest(ctx, "readonly", "svc", 1)
			if !errors.As(err, &ae) || ae.Status != 403 || !strings.Contains(err.Error(), "no permission to change "+noun+"s of readonly/svc (403") {
				t.Errorf("ClosePullRequest in a read-only repository = %v, want a 403 AuthError", err)
			}
			noToken(t, err)
			if held := f.PullRequests("readonly", "svc"); held[0].State != "open" {
				t.Errorf("read-only pull request changed: %+v", held[0])
			}

			// Caught before any request.
			n := len(f.Requests())
			anon := newProvider(t, api.provider, forge.Options{Host: f.URL})
			for _, err := range []error{
				errOf(anon.CreatePullRequest(ctx, "acme", "svc", in)),
				errOf(anon.UpdatePullRequest(ctx, "acme", "svc", 1, in)),
				anon.ClosePullRequest(ctx, "acme", "svc", 1),
			} {
				if !errors.As(err, &ae) || ae.Reason != "no token" {
					t.Errorf("without a token: %v, want a no-token AuthError", err)
				}
			}
			bad := []struct {
				err  error
				want string
			}{
				{errOf(p.CreatePullRequest(ctx, "acme", "svc", forge.PullRequestInput{Head: "main", Base: "main", Title: "x"})),
					"pull request head and base are both main; push the changes to another branch"},
				{errOf(p.CreatePullRequest(ctx, "acme", "svc", forge.PullRequestInput{Head: "fix", Title: "x"})),
					`pull request needs a head and a base branch (got "fix" and "")`},
				{errOf(p.UpdatePullRequest(ctx, "acme", "svc", 1, forge.PullRequestInput{Title: " "})), "pull request title is empty"},
				{p.ClosePullRequest(ctx, "acme", "svc", 0), "pull request number 0 is not valid"},
				{errOf(p.PullRequests(ctx, "acme", "svc", "")), "pull request head branch is empty"},
			}
			for _, b := range bad {
				if want := api.provider + ": " + b.want; b.err == nil || b.err.Error() != want {
					t.Errorf("error = %v, want %q", b.err, want)
				}
			}
			if calls := f.Calls(); len(calls) != n {
				t.Errorf("requests %v, want none after the first %d", calls[n:], n)
			}
		})
	}
}

// errOf is the error of a call that returns a value too.
func errOf[T any](_ T, err error) error { return err }

// samePR compares pull requests but for their times, which TestPullRequestTimes checks.
func samePR(got, want *forge.PullRequest) bool {
	if got == nil || want == nil {
		return got == want
	}
	g := *got
	g.Created, g.Closed = want.Created, want.Closed
	return reflect.DeepEqual(&g, want)
}

// TestPullRequestTimes reads when each pull request was opened, and merged or closed, from the
// fields each forge documents: GitHub created_at, merged_at, closed_at; GitLab created_at,
// merged_at, closed_at (null for a merged one); Gitea created, merged, closed.
func TestPullRequestTimes(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2026, 3, d, 12, 0, 0, 0, time.UTC) }
	for _, api := range prAPIs {
		t.Run(api.provider, func(t *testing.T) {
			f, p := start(t, api.provider)
			f.AddRepo(forgetest.Repo{Owner: "acme", Name: "svc"})
			f.AddPullRequest("acme", "svc", forgetest.PullRequest{Title: "one", Head: "idp/update", Base: "main", State: "merged", Created: day(1), Closed: day(3)})
			f.AddPullRequest("acme", "svc", forgetest.PullRequest{Title: "two", Head: "idp/update", Base: "main", State: "closed", Created: day(4), Closed: day(9)})
			f.AddPullRequest("acme", "svc", forgetest.PullRequest{Title: "three", Head: "idp/update", Base: "main", Created: day(10)})
			list, err := p.PullRequests(t.Context(), "acme", "svc", "idp/update")
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, pr := range list {
				got = append(got, fmt.Sprintf("%s %t %t %s %s", pr.Title, pr.Open, pr.Merged, pr.Created.Format(time.DateOnly), pr.Closed.Format(time.DateOnly)))
			}
			want := "three true false 2026-03-10 0001-01-01|two false false 2026-03-04 2026-03-09|one false true 2026-03-01 2026-03-03"
			if strings.Join(got, "|") != want {
				t.Errorf("pull requests:\n%s\nwant:\n%s", strings.Join(got, "|"), want)
			}
		})
	}
}
