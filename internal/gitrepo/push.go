package gitrepo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/transport"

	"github.com/idp-cli/idp/internal/gitauth"
	"github.com/idp-cli/idp/internal/neterr"
)

// Remote is the remote a service pushes to.
const Remote = "origin"

// SetRemote records url (without a password) as the service's origin.
func SetRemote(dir, rawURL string) error {
	repo, err := open(dir)
	if err != nil {
		return err
	}
	clean := gitauth.Redact(rawURL)
	repo.DeleteRemote(Remote)
	_, err = repo.CreateRemote(&config.RemoteConfig{Name: Remote, URLs: []string{clean}})
	return err
}

// RemoteURL is the service's recorded origin, or "" when it has none.
func RemoteURL(dir string) (string, error) {
	repo, err := open(dir)
	if err != nil {
		return "", err
	}
	r, err := repo.Remote(Remote)
	if errors.Is(err, git.ErrRemoteNotFound) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	return r.Config().URLs[0], nil
}

// open opens the git repository of the service in dir, saying in idp's words why not.
func open(dir string) (*git.Repository, error) {
	repo, err := git.PlainOpenWithOptions(dir, &git.PlainOpenOptions{EnableDotGitCommonDir: true})
	if err == nil {
		return repo, nil
	}
	info, serr := os.Stat(dir)
	switch {
	case errors.Is(serr, fs.ErrNotExist):
		return nil, fmt.Errorf("%s does not exist; give --dir the service's directory", dir)
	case serr == nil && !info.IsDir():
		return nil, fmt.Errorf("%s is a file, not a directory; give --dir the service's directory", dir)
	case errors.Is(err, git.ErrRepositoryNotExists):
		return nil, fmt.Errorf("%s is not a git repository (it has no .git): give --dir the directory of a service made by idp new, or run git init there and commit first", dir)
	}
	return nil, fmt.Errorf("%s: cannot open its git repository: %w", dir, err)
}

// PushOptions says where and how to push.
type PushOptions struct {
	URL      string // may carry credentials; they are used, never written
	Auth     transport.AuthMethod
	Hint     string            // what to do when the credentials are refused
	Progress io.Writer         // the remote's progress messages, or nil
	Explain  func(error) error // rewords a transport error (gitauth.ExplainSSH), if set
}

// Push pushes branch main of the repository in dir to o.URL; the credentials are not written
// anywhere.
func Push(ctx context.Context, dir string, o PushOptions) error {
	repo, err := open(dir)
	if err != nil {
		return err
	}
	clean := gitauth.Redact(o.URL)
	if o.Progress != nil {
		fmt.Fprintf(o.Progress, "Pushing %s to %s\n", Branch, clean)
	}
	err = repo.PushContext(ctx, &git.PushOptions{
		RemoteName: Remote, RemoteURL: clean, Auth: o.Auth, Progress: o.Progress,
		RefSpecs: []config.RefSpec{config.RefSpec("refs/heads/" + Branch + ":refs/heads/" + Branch)},
	})
	if err != nil && o.Explain != nil {
		err = o.Explain(err)
	}
	switch {
	case err == nil, errors.Is(err, git.NoErrAlreadyUpToDate):
		return track(repo)
	case errors.Is(err, transport.ErrAuthenticationRequired), errors.Is(err, transport.ErrAuthorizationFailed):
		return fmt.Errorf("push to %s refused: %s", clean, o.Hint)
	case errors.Is(err, transport.ErrRepositoryNotFound):
		return fmt.Errorf("push to %s: no repository there; create it empty first, or use --provider", clean)
	case errors.Is(err, git.ErrNonFastForwardUpdate), strings.HasPrefix(err.Error(), "non-fast-forward update"):
		// go-git's push reports this with an unwrapped message of its own.
		return &notEmptyError{fmt.Sprintf("push to %s: the repository already has a different %s; push to an empty repository", clean, Branch)}
	}
	return fmt.Errorf("push to %s: %w", clean, err)
}

// ErrNotEmpty is a push refused because the remote has a different main.
var ErrNotEmpty = errors.New("the remote has other commits")

type notEmptyError struct{ msg string }

func (e *notEmptyError) Error() string        { return e.msg }
func (e *notEmptyError) Is(target error) bool { return target == ErrNotEmpty }

// track makes main follow origin's main, as git push -u does, so that git pull and git push
// work in the new service: the branch's upstream, and origin/main at what was pushed.
func track(repo *git.Repository) error {
	head, err := repo.Reference(plumbing.NewBranchReferenceName(Branch), true)
	if err != nil {
		return nil // nothing pushed from here: nothing to track
	}
	if err := repo.Storer.SetReference(plumbing.NewHashReference(plumbing.NewRemoteReferenceName(Remote, Branch), head.Hash())); err != nil {
		return fmt.Errorf("record origin/%s: %w", Branch, err)
	}
	cfg, err := repo.Config()
	if err != nil {
		return err
	}
	cfg.Branches[Branch] = &config.Branch{Name: Branch, Remote: Remote, Merge: plumbing.NewBranchReferenceName(Branch)}
	if err := repo.SetConfig(cfg); err != nil {
		return fmt.Errorf("set %s's upstream to %s/%s: %w", Branch, Remote, Branch, err)
	}
	return nil
}

// IsEmpty reports whether the repository at rawURL has no refs at all.
func IsEmpty(ctx context.Context, rawURL string, auth transport.AuthMethod, hint string) (bool, error) {
	clean := gitauth.Redact(rawURL)
	remote := git.NewRemote(nil, &config.RemoteConfig{Name: Remote, URLs: []string{clean}})
	refs, err := remote.ListContext(ctx, &git.ListOptions{Auth: auth})
	switch {
	case errors.Is(err, transport.ErrEmptyRemoteRepository):
		return true, nil
	case err != nil:
		return false, TransportError("read "+clean, hint, err)
	}
	return len(refs) == 0, nil
}

// TransportError words a failed fetch, list or push for the user. at names what was done and
// where ("read https://..."); hint says what to do when the credentials are refused.
func TransportError(at, hint string, err error) error {
	switch {
	case errors.Is(err, transport.ErrAuthenticationRequired), errors.Is(err, transport.ErrAuthorizationFailed):
		return fmt.Errorf("%s refused: %s", at, hint)
	case errors.Is(err, transport.ErrRepositoryNotFound):
		return fmt.Errorf("%s: no repository there", at)
	case errors.Is(err, transport.ErrEmptyRemoteRepository):
		return fmt.Errorf("%s: empty repository", at)
	}
	// An unreachable host in idp's words, also where the error is shown in a table (fleet).
	return neterr.Explain(fmt.Errorf("%s: %w", at, err))
}
