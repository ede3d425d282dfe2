package gitrepo

import (
	"context"
	"errors"
	"fmt"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing/transport"

	"github.com/idp-cli/idp/internal/gitauth"
)

// Remote is the remote a service pushes to.
const Remote = "origin"

// SetRemote records url (without a password) as the service's origin.
func SetRemote(dir, rawURL string) error {
	repo, err := git.PlainOpen(dir)
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
	repo, err := git.PlainOpen(dir)
	if err != nil {
		return "", fmt.Errorf("%s is not a git repository: %w", dir, err)
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

// Push pushes branch main of the repository in dir to rawURL with auth; the credentials are
// not written anywhere. hint says what to do when they are refused.
func Push(ctx context.Context, dir, rawURL string, auth transport.AuthMethod, hint string) error {
	repo, err := git.PlainOpen(dir)
	if err != nil {
		return err
	}
	clean := gitauth.Redact(rawURL)
	err = repo.PushContext(ctx, &git.PushOptions{
		RemoteName: Remote, RemoteURL: clean, Auth: auth,
		RefSpecs: []config.RefSpec{config.RefSpec("refs/heads/" + Branch + ":refs/heads/" + Branch)},
	})
	switch {
	case err == nil, errors.Is(err, git.NoErrAlreadyUpToDate):
		return nil
	case errors.Is(err, transport.ErrAuthenticationRequired), errors.Is(err, transport.ErrAuthorizationFailed):
		return fmt.Errorf("push to %s refused: %s", clean, hint)
	case errors.Is(err, transport.ErrRepositoryNotFound):
		return fmt.Errorf("push to %s: no repository there; create it empty first, or use --provider", clean)
	case errors.Is(err, git.ErrNonFastForwardUpdate):
		return fmt.Errorf("push to %s: the repository already has a different %s; push to an empty repository", clean, Branch)
	}
	return fmt.Errorf("push to %s: %w", clean, err)
}
