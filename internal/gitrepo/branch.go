package gitrepo

import (
	"context"
	"errors"
	"fmt"
	"strings"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/storer"
	"github.com/go-git/go-git/v5/storage"
	"github.com/go-git/go-git/v5/storage/memory"

	"github.com/idp-cli/idp/internal/gitauth"
)

// Branches is a remote as the bot sees it: its default branch and the branches it holds. Its
// fetches and pushes read and write the objects of a local repository but keep their
// references to themselves, so that a bot run in someone's checkout creates no branch there
// and moves none.
type Branches struct {
	repo   *git.Repository
	refs   *overlay
	remote *git.Remote
	o      PushOptions

	Default string                   // the default branch's name
	Heads   map[string]plumbing.Hash // every branch, by name
}

// ListBranches reads the remote o.URL's branches and default branch, for the repository repo.
func ListBranches(ctx context.Context, repo *git.Repository, o PushOptions) (*Branches, error) {
	b := &Branches{repo: repo, o: o, refs: &overlay{Storer: repo.Storer, mem: memory.ReferenceStorage{}}, Heads: map[string]plumbing.Hash{}}
	clean := gitauth.Redact(o.URL)
	b.remote = git.NewRemote(b.refs, &config.RemoteConfig{Name: Remote, URLs: []string{clean}})
	refs, err := b.remote.ListContext(ctx, &git.ListOptions{Auth: o.Auth})
	if err != nil {
		return nil, b.explain("read", err)
	}
	var head *plumbing.Reference
	for _, r := range refs {
		switch {
		case r.Name() == plumbing.HEAD:
			head = r
		case r.Name().IsBranch():
			b.Heads[r.Name().Short()] = r.Hash()
		}
	}
	switch {
	case head != nil && head.Type() == plumbing.SymbolicReference:
		b.Default = head.Target().Short()
	case head != nil:
		// No symref advertised: the branch HEAD points at, preferring main and master.
		for _, name := range []string{"main", "master"} {
			if b.Heads[name] == head.Hash() {
				b.Default = name
			}
		}
		for name, h := range b.Heads {
			if b.Default == "" && h == head.Hash() {
				b.Default = name
			}
		}
	}
	if _, ok := b.Heads[b.Default]; !ok {
		return nil, fmt.Errorf("%s has no default branch (HEAD); push one first", clean)
	}
	return b, nil
}

// Fetch brings the objects of branch name into the local repository.
func (b *Branches) Fetch(ctx context.Context, name string) error {
	// What the local repository has, so that only the branch's own commits come.
	if err := b.refs.SetReference(plumbing.NewHashReference(plumbing.NewBranchReferenceName(b.Default), b.Heads[b.Default])); err != nil {
		return err
	}
	spec := config.RefSpec("+refs/heads/" + name + ":refs/remotes/" + Remote + "/" + name)
	err := b.remote.FetchContext(ctx, &git.FetchOptions{RefSpecs: []config.RefSpec{spec}, Auth: b.o.Auth, Progress: b.o.Progress, Tags: git.NoTags})
	if err != nil && !errors.Is(err, git.NoErrAlreadyUpToDate) {
		return b.explain("fetch "+name+" from", err)
	}
	// The branch may have moved since it was listed: Heads says what was fetched.
	if r, err := b.refs.Reference(plumbing.NewRemoteReferenceName(Remote, name)); err == nil {
		b.Heads[name] = r.Hash()
	}
	return nil
}

// Push sets branch name on the remote to commit. The push is refused unless the branch is
// still at was (absent when was is zero): a commit someone pushed since it was read is never
// overwritten, and the push then fails with a *MovedError saying where the branch is now.
func (b *Branches) Push(ctx context.Context, name string, commit, was plumbing.Hash) error {
	ref := plumbing.NewBranchReferenceName(name)
	if err := b.refs.SetReference(plumbing.NewHashReference(ref, commit)); err != nil {
		return err
	}
	o := &git.PushOptions{
		RemoteName: Remote, Auth: b.o.Auth, Progress: b.o.Progress,
		RefSpecs: []config.RefSpec{config.RefSpec(ref + ":" + ref)},
	}
	if !was.IsZero() {
		// go-git checks the lease against the remote-tracking branch, which must exist.
		tracking := plumbing.NewRemoteReferenceName(Remote, name)
		if err := b.refs.SetReference(plumbing.NewHashReference(tracking, was)); err != nil {
			return err
		}
		o.ForceWithLease = &git.ForceWithLease{RefName: ref, Hash: was}
	}
	err := b.remote.PushContext(ctx, o)
	if err == nil || errors.Is(err, git.NoErrAlreadyUpToDate) {
		b.Heads[name] = commit
		return nil
	}
	// The lease or the fast-forward check failed in go-git, which words it in text of its
	// own, or on the server, whose refusal go-git reports as "command error on <ref>: <why>"
	// (git's receive-pack says "failed to update ref" when another push got there first).
	var why string // the server's reason, when it was the server that refused
	switch msg, cmdErr := err.Error(), "command error on "+ref.String()+": "; {
	case errors.Is(err, git.ErrNonFastForwardUpdate), strings.HasPrefix(msg, "non-fast-forward update"):
	case strings.HasPrefix(msg, cmdErr):
		why = strings.TrimPrefix(msg, cmdErr)
	default:
		return b.explain("push "+name+" to", err)
	}
	now, lerr := b.head(ctx, name)
	if lerr != nil {
		return lerr
	}
	if now != was {
		if now.IsZero() {
			delete(b.Heads, name)
		} else {
			b.Heads[name] = now
		}
		return &MovedError{Branch: name, URL: gitauth.Redact(b.o.URL), Was: was, Now: now}
	}
	if why != "" {
		return fmt.Errorf("push %s to %s: the server refused it (%s); the branch is as it was: check the repository's branch protection and hooks", name, gitauth.Redact(b.o.URL), why)
	}
	return fmt.Errorf("push %s to %s: the branch changed on the remote while idp worked; run again", name, gitauth.Redact(b.o.URL))
}

// MovedError is a push refused because the branch is no longer where it was read: another
// push came first. Nothing was overwritten.
type MovedError struct {
	Branch, URL string
	Was, Now    plumbing.Hash // zero: the branch was absent, or is gone
}

func (e *MovedError) Error() string {
	return fmt.Sprintf("push %s to %s: the branch changed on the remote while idp worked; nothing was overwritten: run again", e.Branch, e.URL)
}

// head reads where branch name is on the remote now; zero when it is absent.
func (b *Branches) head(ctx context.Context, name string) (plumbing.Hash, error) {
	refs, err := b.remote.ListContext(ctx, &git.ListOptions{Auth: b.o.Auth})
	if err != nil {
		return plumbing.ZeroHash, b.explain("read", err)
	}
	for _, r := range refs {
		if r.Name() == plumbing.NewBranchReferenceName(name) {
			return r.Hash(), nil
		}
	}
	return plumbing.ZeroHash, nil
}

// Delete removes branch name from the remote.
func (b *Branches) Delete(ctx context.Context, name string) error {
	err := b.remote.PushContext(ctx, &git.PushOptions{
		RemoteName: Remote, Auth: b.o.Auth, Progress: b.o.Progress,
		RefSpecs: []config.RefSpec{config.RefSpec(":refs/heads/" + name)},
	})
	if err != nil && !errors.Is(err, git.NoErrAlreadyUpToDate) {
		return b.explain("delete "+name+" on", err)
	}
	delete(b.Heads, name)
	return nil
}

func (b *Branches) explain(doing string, err error) error {
	if b.o.Explain != nil {
		err = b.o.Explain(err)
	}
	return TransportError(doing+" "+gitauth.Redact(b.o.URL), b.o.Hint, err)
}

// overlay is a repository's storage with references of its own, kept in memory.
type overlay struct {
	storage.Storer
	mem memory.ReferenceStorage
}

func (o *overlay) SetReference(r *plumbing.Reference) error { return o.mem.SetReference(r) }
func (o *overlay) CheckAndSetReference(n, old *plumbing.Reference) error {
	return o.mem.CheckAndSetReference(n, old)
}
func (o *overlay) Reference(n plumbing.ReferenceName) (*plumbing.Reference, error) {
	return o.mem.Reference(n)
}
func (o *overlay) IterReferences() (storer.ReferenceIter, error)  { return o.mem.IterReferences() }
func (o *overlay) RemoveReference(n plumbing.ReferenceName) error { return o.mem.RemoveReference(n) }
func (o *overlay) CountLooseRefs() (int, error)                   { return 0, nil }
func (o *overlay) PackRefs() error                                { return nil }
