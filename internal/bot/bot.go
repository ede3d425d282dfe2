// Package bot keeps one branch and one pull request per service and golden path: the update
// idp worked out is committed once on top of the default branch's head, pushed to a fixed
// branch only when it differs from what is there, and announced by a pull request that is
// opened once, then updated, and closed when the default branch no longer needs it.
package bot

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/idp-cli/idp/internal/forge"
	"github.com/idp-cli/idp/internal/gitrepo"
)

// Trailer ends every commit the bot makes; with author and committer the same, it is how the
// bot tells its own commits from anyone else's.
const Trailer = "Idp-Update:"

// PullRequests is what the bot needs of a forge; forge.Provider has it.
type PullRequests interface {
	PullRequests(ctx context.Context, owner, name, head string) ([]*forge.PullRequest, error)
	CreatePullRequest(ctx context.Context, owner, name string, in forge.PullRequestInput) (*forge.PullRequest, error)
	UpdatePullRequest(ctx context.Context, owner, name string, number int, in forge.PullRequestInput) (*forge.PullRequest, error)
	ClosePullRequest(ctx context.Context, owner, name string, number int) error
}

// Forge is where the pull request goes.
type Forge struct {
	API         PullRequests
	Owner, Name string
}

// Options is one bot run for one service.
type Options struct {
	// Repo is the service's repository, checked out clean at the head of the remote's default
	// branch: the update was worked out from those files.
	Repo   *git.Repository
	Remote gitrepo.PushOptions
	Branch string // the bot's branch, e.g. idp/update-go-service
	Author gitrepo.Author
	Now    time.Time

	Template, From, To string
	// Unchanged says the default branch needs no update; Changes is then empty.
	Unchanged bool
	Changes   []gitrepo.Change
	Conflicts []string // files the commit leaves in conflict

	Title string // the commit's subject and the pull request's title
	Body  string // the commit's body and the pull request's description, in Markdown
	Forge *Forge // nil: branch only, no pull request
}

// Report is what the run did, for the summary and for --output json.
type Report struct {
	Branch string `json:"branch"`
	Base   string `json:"base"` // the default branch
	Commit string `json:"commit,omitempty"`
	// Push is what happened to the branch: created, updated (force-pushed), unchanged,
	// deleted, none, or kept (it has someone else's commits on top of the bot's, which
	// already proposes this update; left as it is).
	Push        string    `json:"push"`
	PullRequest *PRReport `json:"pullRequest,omitempty"`
}

// PRReport is what happened to the pull request: created, updated, unchanged, closed, none,
// or declined (someone closed the one for this version; it is not opened again).
type PRReport struct {
	Action string `json:"action"`
	Number int    `json:"number,omitempty"`
	URL    string `json:"url,omitempty"`
	Draft  bool   `json:"draft"`
}

// ForeignError is a bot branch with a commit someone else made: the bot leaves it alone.
type ForeignError struct {
	Branch, Remote string
	Commit         string
	Who, Subject   string
}

func (e *ForeignError) Error() string {
	return fmt.Sprintf("branch %s on %s has a commit idp did not make (%s by %s: %q); idp leaves it alone: merge or close its pull request and delete the branch, or give --branch another name",
		e.Branch, e.Remote, e.Commit, e.Who, e.Subject)
}

// Run pushes the update's commit to the bot's branch and opens, updates or closes the pull
// request, each only when it differs from what is there.
func Run(ctx context.Context, o Options) (*Report, error) {
	br, err := gitrepo.ListBranches(ctx, o.Repo, o.Remote)
	if err != nil {
		return nil, err
	}
	rep := &Report{Branch: o.Branch, Base: br.Default, Push: "none"}
	if o.Branch == br.Default {
		return nil, fmt.Errorf("--branch %s is the default branch; the bot needs a branch of its own", o.Branch)
	}
	head := br.Heads[br.Default]
	local, err := o.Repo.Head()
	if err != nil {
		return nil, fmt.Errorf("read HEAD: %w", err)
	}
	if local.Hash() != head {
		return nil, fmt.Errorf("HEAD is %s but %s's %s is at %s; the bot commits on top of the default branch's head: check out %s and pull, or run in a fresh clone",
			short(local.Hash()), o.Remote.URL, br.Default, short(head), br.Default)
	}
	was, exists := br.Heads[o.Branch]
	var ours *object.Commit
	if exists {
		if err := br.Fetch(ctx, o.Branch); err != nil {
			return nil, err
		}
		ours, err = ownBranch(o, was, head)
		if IsForeign(err) && (o.Unchanged || proposes(o, was)) {
			// Someone works on the branch (resolving its conflicts, say) and there is nothing
			// newer to propose: leave the branch and its pull request to them.
			rep.Commit, rep.Push = was.String(), "kept"
			return rep, nil
		}
		if err != nil {
			return nil, err
		}
	}

	if o.Unchanged {
		if o.Forge != nil {
			if rep.PullRequest, err = closeObsolete(ctx, o); err != nil {
				return rep, err
			}
		}
		if exists {
			if err := br.Delete(ctx, o.Branch); err != nil {
				return rep, err
			}
			rep.Push = "deleted"
		}
		return rep, nil
	}

	msg := o.Title + "\n\n" + strings.TrimSpace(o.Body) + "\n\n" + trailer(o) + "\n"
	commit, tree, err := gitrepo.CommitOnto(o.Repo, head, o.Changes, o.Author, msg, o.Now)
	if err != nil {
		return nil, err
	}
	switch {
	case ours != nil && ours.TreeHash == tree && ours.ParentHashes[0] == head:
		rep.Commit, rep.Push = was.String(), "unchanged"
	default:
		if err := br.Push(ctx, o.Branch, commit, was); err != nil {
			return nil, err
		}
		rep.Commit, rep.Push = commit.String(), "created"
		if exists {
			rep.Push = "updated"
		}
	}
	if o.Forge != nil {
		if rep.PullRequest, err = pullRequest(ctx, o, br.Default); err != nil {
			return rep, err
		}
	}
	return rep, nil
}

// ownBranch returns the bot's commit at the tip of its branch, or a ForeignError when the
// branch holds anything else: a commit by someone else, or more than the one commit.
func ownBranch(o Options, tip, head plumbing.Hash) (*object.Commit, error) {
	c, err := o.Repo.CommitObject(tip)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", o.Branch, err)
	}
	foreign := func(c *object.Commit) error {
		subject, _, _ := strings.Cut(c.Message, "\n")
		return &ForeignError{Branch: o.Branch, Remote: o.Remote.URL, Commit: short(c.Hash),
			Who: c.Committer.Name + " <" + c.Committer.Email + ">", Subject: subject}
	}
	if !isBot(c) {
		return nil, foreign(c)
	}
	if len(c.ParentHashes) != 1 {
		return nil, foreign(c)
	}
	if c.ParentHashes[0] == head {
		return c, nil
	}
	// The default branch moved on since the bot's commit: fine, when the commit sits on a
	// commit of the default branch. Otherwise someone's commit is underneath it.
	parent, err := c.Parent(0)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", o.Branch, err)
	}
	hc, err := o.Repo.CommitObject(head)
	if err != nil {
		return nil, err
	}
	if ok, err := parent.IsAncestor(hc); err != nil || !ok {
		return nil, foreign(parent)
	}
	return c, nil
}

// proposes reports whether the bot's own commit on the branch, under whatever others added,
// already proposes this update.
func proposes(o Options, tip plumbing.Hash) bool {
	want := trailer(o)
	c, err := o.Repo.CommitObject(tip)
	for i := 0; err == nil && i < 100; i++ {
		if isBot(c) {
			return strings.Contains(c.Message, "\n"+want+"\n")
		}
		if len(c.ParentHashes) == 0 {
			return false
		}
		c, err = c.Parent(0)
	}
	return false
}

// trailer is the last line of the bot's commit message: which update it holds.
func trailer(o Options) string {
	return Trailer + " " + o.Template + " " + o.From + " -> " + o.To
}

func isBot(c *object.Commit) bool {
	return c.Author.Name == c.Committer.Name && c.Author.Email == c.Committer.Email &&
		strings.Contains(c.Message, "\n"+Trailer+" ")
}

func short(h plumbing.Hash) string { return h.String()[:7] }

// marker is hidden in the pull request's description: which update it proposes.
func marker(o Options) string {
	return fmt.Sprintf("<!-- idp-update template=%s from=%s to=%s -->", o.Template, o.From, o.To)
}

var markerRE = regexp.MustCompile(`<!-- idp-update template=(\S+) from=(\S+) to=(\S+) -->`)

func pullRequest(ctx context.Context, o Options, base string) (*PRReport, error) {
	f := o.Forge
	prs, err := f.API.PullRequests(ctx, f.Owner, f.Name, o.Branch)
	if err != nil {
		return nil, err
	}
	in := forge.PullRequestInput{Head: o.Branch, Base: base, Title: o.Title,
		Body: strings.TrimSpace(o.Body) + "\n\n" + marker(o) + "\n", Draft: len(o.Conflicts) > 0}
	for _, pr := range prs {
		if !pr.Open {
			continue
		}
		// GitHub cannot change a draft state through its REST API, so the draft state is not
		// compared: the description says whether there are conflicts.
		if pr.Title == in.Title && strings.TrimSpace(pr.Body) == strings.TrimSpace(in.Body) {
			return &PRReport{Action: "unchanged", Number: pr.Number, URL: pr.URL, Draft: pr.Draft}, nil
		}
		up, err := f.API.UpdatePullRequest(ctx, f.Owner, f.Name, pr.Number, in)
		if err != nil {
			return nil, err
		}
		return &PRReport{Action: "updated", Number: up.Number, URL: up.URL, Draft: up.Draft}, nil
	}
	// The newest pull request for this branch, closed unmerged for this very version: someone
	// declined it, and the bot does not open it again every night. A newer version will.
	if len(prs) > 0 && !prs[0].Merged {
		if m := markerRE.FindStringSubmatch(prs[0].Body); m != nil && m[1] == o.Template && m[3] == o.To {
			return &PRReport{Action: "declined", Number: prs[0].Number, URL: prs[0].URL, Draft: prs[0].Draft}, nil
		}
	}
	pr, err := f.API.CreatePullRequest(ctx, f.Owner, f.Name, in)
	if err != nil {
		return nil, err
	}
	return &PRReport{Action: "created", Number: pr.Number, URL: pr.URL, Draft: pr.Draft}, nil
}

// closeObsolete closes the bot's open pull requests when the default branch has the update.
func closeObsolete(ctx context.Context, o Options) (*PRReport, error) {
	f := o.Forge
	prs, err := f.API.PullRequests(ctx, f.Owner, f.Name, o.Branch)
	if err != nil {
		return nil, err
	}
	rep := &PRReport{Action: "none"}
	for _, pr := range prs {
		if !pr.Open || !markerRE.MatchString(pr.Body) {
			continue
		}
		if err := f.API.ClosePullRequest(ctx, f.Owner, f.Name, pr.Number); err != nil {
			return nil, err
		}
		rep = &PRReport{Action: "closed", Number: pr.Number, URL: pr.URL, Draft: pr.Draft}
	}
	return rep, nil
}

// IsForeign reports whether err is a ForeignError.
func IsForeign(err error) bool {
	var fe *ForeignError
	return errors.As(err, &fe)
}
