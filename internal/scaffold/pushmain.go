package scaffold

import (
	"context"
	"fmt"
	"io"
	"path/filepath"

	"github.com/idp-cli/idp/internal/gitauth"
	"github.com/idp-cli/idp/internal/gitrepo"
	"github.com/idp-cli/idp/internal/source"
)

// MainPushed is where idp push sent a service's main, for --output json (docs/push.schema.json).
type MainPushed struct {
	Branch string `json:"branch"`
	Dir    string `json:"dir"`    // absolute
	Remote string `json:"remote"` // without credentials
}

// PushMain is idp push: the retry when idp new could not push. It pushes the main branch of the
// service in dir to its origin, after setting origin to remote when that is given; push pushes
// to a URL with the credentials idp finds for it.
func PushMain(ctx context.Context, push func(ctx context.Context, dir, url string) error, dir, remote string) (*MainPushed, error) {
	if remote != "" {
		if err := gitrepo.SetRemote(dir, remote); err != nil {
			return nil, err
		}
	}
	url, err := gitrepo.RemoteURL(dir)
	if err != nil {
		return nil, err
	}
	if url == "" {
		return nil, &source.RequestError{Err: fmt.Errorf("%s has no origin remote; give one with --remote URL", dir)}
	}
	if remote != "" {
		url = remote // keeps a password given on the command line for this push
	}
	if err := push(ctx, dir, url); err != nil {
		return nil, err
	}
	abs, _ := filepath.Abs(dir)
	return &MainPushed{Branch: gitrepo.Branch, Dir: abs, Remote: gitauth.Redact(url)}, nil
}

// WriteText says where main went.
func (p *MainPushed) WriteText(w io.Writer) error {
	_, err := fmt.Fprintf(w, "Pushed %s to %s.\n", p.Branch, p.Remote)
	return err
}

// JSON is idp push --output json.
func (p *MainPushed) JSON() any { return p }
