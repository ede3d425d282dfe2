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
	"sync"
	"time"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/idp-cli/idp/internal/forge"
	"github.com/idp-cli/idp/internal/gitrepo"
)

// Trailer ends every commit the bot makes: which update it holds.
const Trailer = "Idp-Update:"

// Seal is the line after the trailer: the tree idp built and the commit it built it on, as
// "Idp-Seal: tree <hash> parent <hash>". It is half of how the bot knows its own commits.
//
// A commit on the bot's branch is idp's, and may be replaced, only when author and committer
// are both the bot's identity (Options.Author), it has one parent, carries the trailer, and its
// tree is provably the one idp built:
//   - its tree and parent are those its seal names: an amend that changes a file, a rebase or
//     a cherry-pick changes the tree or the parent, and git does not touch the message; or
//   - its tree is exactly the one idp computes now for this update on the same head (a commit
//     made before seals, say).
//
// A name proves nothing alone: anyone can commit as idp, and git commit --amend
// --reset-author makes author and committer the same person. Computing again the tree of
// every older update on its own parent would need that version's golden path and the service
// as it was then, and would disown idp's own commits whenever a tag moved or the merge got
// better; the seal proves what matters as well: that the commit's files are exactly the ones
// idp committed, so replacing it loses nobody's work. Getting past it takes copying hashes
// into a message on purpose, under idp's name.
const Seal = "Idp-Seal:"

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

	// Labels, People and AutoMerge are set on the pull request when it is opened or updated
	// (see manage): not on every run, so that a label someone removed stays removed until
	// the bot has something new.
	Labels    []string
	People    forge.People
	AutoMerge bool

	// Newer reports whether c, idp's commit of this same update on the same head, is one a
	// newer idp made (see NewerIdp): it is kept rather than replaced by this older idp's, so
	// that bots of two idp versions do not replace each other's commit on every run.
	Newer func(c *object.Commit) bool
}

// Report is what the run did, for the summary and for --output json.
type Report struct {
	Branch string `json:"branch"`
	Base   string `json:"base"` // the default branch
	Commit string `json:"commit,omitempty"`
	// Push is what happened to the branch: created, updated (force-pushed: a newer update,
	// or the default branch moved or was rewritten), unchanged, deleted, none, or kept (it has
	// commits idp did not make, and the update they carry is this one; left as it is).
	Push string `json:"push"`
	// Raced: another run pushed this same update while this one worked (Push is unchanged).
	Raced       bool      `json:"raced,omitempty"`
	PullRequest *PRReport `json:"pullRequest,omitempty"`
}

// PRReport is what happened to the pull request: created, updated, unchanged, closed, none,
// or declined (someone closed the one for this version; it is not opened again).
type PRReport struct {
	Action string `json:"action"`
	Number int    `json:"number,omitempty"`
	URL    string `json:"url,omitempty"`
	Draft  bool   `json:"draft"`
	// What this run set on it: labels, reviewers (users and teams), assignees, auto-merge.
	Labels        []string `json:"labels,omitempty"`
	Reviewers     []string `json:"reviewers,omitempty"`
	TeamReviewers []string `json:"teamReviewers,omitempty"`
	Assignees     []string `json:"assignees,omitempty"`
	AutoMerge     bool     `json:"autoMerge,omitempty"`
}

// ForeignError is a bot branch with a commit idp cannot prove it made: the bot leaves it alone.
type ForeignError struct {
	Branch, Remote string
	Commit         string
	Who, Subject   string
	Reason         string // why a commit under idp's name is not idp's; empty otherwise
}

func (e *ForeignError) Error() string {
	what := fmt.Sprintf("%s by %s: %q", e.Commit, e.Who, e.Subject)
	if e.Reason != "" {
		what += "; " + e.Reason
	}
	return fmt.Sprintf("branch %s on %s has a commit idp did not make (%s); idp leaves it alone: merge or close its pull request and delete the branch, or give --branch another name",
		e.Branch, e.Remote, what)
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
	var commit, tree plumbing.Hash
	if !o.Unchanged {
		if tree, err = gitrepo.TreeOnto(o.Repo, head, o.Changes); err != nil {
			return nil, err
		}
		msg := o.Title + "\n\n" + strings.TrimSpace(o.Body) + "\n\n" + trailer(o) + "\n" + seal(tree, head) + "\n"
		if commit, err = gitrepo.CommitTree(o.Repo, tree, head, o.Author, msg, o.Now); err != nil {
			return nil, err
		}
	}
	was, exists := br.Heads[o.Branch]
	var ours *object.Commit
	if exists {
		if err := br.Fetch(ctx, o.Branch); err != nil {
			return nil, err
		}
		was = br.Heads[o.Branch]
		ours, err = ownBranch(o, was, head, tree)
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

	switch {
	case ours != nil && ours.TreeHash == tree && ours.ParentHashes[0] == head:
		rep.Commit, rep.Push = was.String(), "unchanged"
	case ours != nil && ours.ParentHashes[0] == head && o.Newer != nil && strings.Contains(ours.Message, "\n"+trailer(o)+"\n") && o.Newer(ours):
		rep.Commit, rep.Push = was.String(), "unchanged"
	default:
		// ours may sit on a commit the default branch no longer has (it was force-pushed):
		// the branch holds nothing but idp's commit, so it is rebuilt on the head like any
		// other, with a lease on the old tip.
		err := br.Push(ctx, o.Branch, commit, was)
		var moved *gitrepo.MovedError
		if errors.As(err, &moved) {
			theirs, err := raced(ctx, o, br, moved, head, tree)
			if err != nil {
				return nil, err
			}
			// Another run pushed this very update; the pull request is its to open or update.
			rep.Commit, rep.Push, rep.Raced = theirs.String(), "unchanged", true
			return rep, nil
		}
		if err != nil {
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

// raced words a push that another push came before, which idp did not overwrite. It returns
// the branch's commit, and no error, when that is this very update made by idp: another run
// of the bot.
func raced(ctx context.Context, o Options, br *gitrepo.Branches, moved *gitrepo.MovedError, head, tree plumbing.Hash) (plumbing.Hash, error) {
	at := "push " + o.Branch + " to " + moved.URL
	if moved.Now.IsZero() {
		return plumbing.ZeroHash, fmt.Errorf("%s: the branch was deleted while idp worked, by another run or someone; nothing was lost: idp pushed nothing. Run idp again", at)
	}
	if err := br.Fetch(ctx, o.Branch); err != nil {
		return plumbing.ZeroHash, err
	}
	c, err := o.Repo.CommitObject(br.Heads[o.Branch])
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("read %s: %w", o.Branch, err)
	}
	subject, _, _ := strings.Cut(c.Message, "\n")
	if _, ok := proven(o, c, head, tree); !ok {
		return plumbing.ZeroHash, fmt.Errorf("%s: someone pushed %s (by %s <%s>: %q) to the branch while idp worked; nothing was lost: idp pushed nothing over it and leaves the branch to them",
			at, short(c.Hash), c.Committer.Name, c.Committer.Email, subject)
	}
	if c.TreeHash != tree || c.ParentHashes[0] != head {
		return plumbing.ZeroHash, fmt.Errorf("%s: another idp run pushed %s (%q) while this one worked; nothing was lost: this run pushed nothing over it. Run idp again to bring the branch up to date",
			at, short(c.Hash), subject)
	}
	return c.Hash, nil
}

// ownBranch returns the bot's commit at the tip of its branch, or a ForeignError when the
// branch holds anything else: a commit idp cannot prove it made, or more than the one commit.
// tree is the one idp computes for this update on head (zero when there is none).
//
// The parent of a proven commit was the default branch's head when idp made it, as idp
// commits nowhere else: it is the default branch's, not the bot branch's, whether or not the
// default branch still has it.
func ownBranch(o Options, tip, head, tree plumbing.Hash) (*object.Commit, error) {
	c, err := o.Repo.CommitObject(tip)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", o.Branch, err)
	}
	if why, ok := proven(o, c, head, tree); !ok {
		subject, _, _ := strings.Cut(c.Message, "\n")
		return nil, &ForeignError{Branch: o.Branch, Remote: o.Remote.URL, Commit: short(c.Hash),
			Who: c.Committer.Name + " <" + c.Committer.Email + ">", Subject: subject, Reason: why}
	}
	return c, nil
}

// proven reports whether c is provably a commit idp made (see Seal); when it has idp's
// name but no proof, why says so.
func proven(o Options, c *object.Commit, head, tree plumbing.Hash) (why string, ok bool) {
	is := func(s object.Signature) bool { return s.Name == o.Author.Name && s.Email == o.Author.Email }
	if !is(c.Author) || !is(c.Committer) || len(c.ParentHashes) != 1 || !strings.Contains(c.Message, "\n"+Trailer+" ") {
		return "", false
	}
	parent := c.ParentHashes[0]
	if !tree.IsZero() && c.TreeHash == tree && parent == head {
		return "", true // exactly what idp makes of this update, now
	}
	st, sp, sealed := sealOf(c.Message)
	switch {
	case sealed && st == c.TreeHash && sp == parent:
		return "", true
	case sealed:
		return "it has idp's name, but its files or its parent changed after idp made it", false
	}
	return "it has idp's name, but nothing proves idp made it (an idp older than this one, or someone, did)", false
}

// seal is the line that names the tree idp built and the commit it built it on.
func seal(tree, parent plumbing.Hash) string {
	return Seal + " tree " + tree.String() + " parent " + parent.String()
}

// sealOf reads the last seal line of a commit message.
func sealOf(msg string) (tree, parent plumbing.Hash, ok bool) {
	lines := strings.Split(msg, "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		rest, found := strings.CutPrefix(lines[i], Seal+" ")
		if !found {
			continue
		}
		f := strings.Fields(rest)
		if len(f) != 4 || f[0] != "tree" || f[2] != "parent" || !plumbing.IsHash(f[1]) || !plumbing.IsHash(f[3]) {
			return tree, parent, false
		}
		return plumbing.NewHash(f[1]), plumbing.NewHash(f[3]), true
	}
	return tree, parent, false
}

// proposes reports whether the branch, under whatever others added or changed, still proposes
// this update: the first commit down from tip that carries a trailer (idp's, or someone's
// amend of it) names this update. It decides only whether to leave the branch alone.
func proposes(o Options, tip plumbing.Hash) bool {
	want := trailer(o)
	c, err := o.Repo.CommitObject(tip)
	for i := 0; err == nil && i < 100; i++ {
		if strings.Contains(c.Message, "\n"+Trailer+" ") {
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

func short(h plumbing.Hash) string { return h.String()[:7] }

// marker is hidden in the pull request's description: which update it proposes.
func marker(o Options) string {
	return fmt.Sprintf("<!-- idp-update template=%s from=%s to=%s -->", o.Template, o.From, o.To)
}

var markerRE = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`<!-- idp-update template=(\S+) from=(\S+) to=(\S+) -->`)
})

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
		rep := &PRReport{Action: "updated", Number: up.Number, URL: up.URL, Draft: up.Draft}
		return rep, manage(ctx, o, rep)
	}
	// The newest pull request for this branch, closed unmerged for this very version: someone
	// declined it, and the bot does not open it again every night. A newer version will.
	if len(prs) > 0 && !prs[0].Merged {
		if m := markerRE().FindStringSubmatch(prs[0].Body); m != nil && m[1] == o.Template && m[3] == o.To {
			return &PRReport{Action: "declined", Number: prs[0].Number, URL: prs[0].URL, Draft: prs[0].Draft}, nil
		}
	}
	pr, err := f.API.CreatePullRequest(ctx, f.Owner, f.Name, in)
	if err != nil {
		return nil, err
	}
	rep := &PRReport{Action: "created", Number: pr.Number, URL: pr.URL, Draft: pr.Draft}
	return rep, manage(ctx, o, rep)
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
		if !pr.Open || !markerRE().MatchString(pr.Body) {
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
