package fleet

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"

	"github.com/idp-cli/idp/internal/answers"
	"github.com/idp-cli/idp/internal/forge"
	"github.com/idp-cli/idp/internal/source"
)

// ListError is a --repos, --resume or --from file that cannot be read: the command line's
// fault, a source.RequestError (exit 2 with the usage hint).
type ListError = source.RequestError

// ShardFor is the shard a run takes: --shard I/N when given, else a Kubernetes Indexed Job's
// (ShardFromEnv), else the whole fleet.
func ShardFor(flag string, getenv func(string) string) (Shard, error) {
	if flag != "" {
		return ParseShard(flag)
	}
	s, _, err := ShardFromEnv(getenv)
	return s, err
}

// OpenResults opens a --results file for appending, so that a resumed shard adds to the same
// file; nil for "".
func OpenResults(path string) (*os.File, error) {
	if path == "" {
		return nil, nil
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if info, serr := os.Stat(path); err != nil && serr == nil && info.IsDir() {
		return nil, fmt.Errorf("--results: %s is a directory; give the file to append each repository's outcome to", path)
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return nil, fmt.Errorf("--results: cannot write %s: %w; give a file in a directory that exists and you can write to", path, pe.Err)
	}
	if err != nil {
		return nil, fmt.Errorf("--results: %w", err)
	}
	return f, nil
}

// MergeResults reads the --results files of a campaign's shards (ReadResults) into one
// result, as fleet update gives it. A file that cannot be read is a *ListError.
func MergeResults(ctx context.Context, files ...string) (*UpdateResult, error) {
	rows, err := ReadResults(ctx, files...)
	if err != nil {
		return nil, &ListError{Err: fmt.Errorf("--from: %w", err)}
	}
	return &UpdateResult{Rows: rows, Summary: SummarizeUpdate(rows)}, nil
}

// PullRequestsVia is StatusDeps.PullRequestsFor for a list of repositories: the forge API of
// a repository's URL, from provider and host when given, else from what the URL's host says
// (github.com, gitlab.example.com, ...), with token(provider); nil without a token or when the
// host says nothing.
func PullRequestsVia(provider, host string, token func(provider string) string, client *http.Client) func(url string) *PullRequestsAt {
	return func(url string) *PullRequestsAt {
		r, err := forge.ParseRemote(url)
		if err != nil {
			return nil
		}
		provider, host := cmp.Or(provider, r.Provider), cmp.Or(host, r.Host)
		tok := token(provider)
		if provider == "" || tok == "" {
			return nil
		}
		api, err := forge.New(provider, forge.Options{Host: host, Token: tok, HTTPClient: client})
		if err != nil {
			return nil
		}
		return &PullRequestsAt{API: api, Owner: r.Owner, Name: r.Name}
	}
}

// readValues reads Do.ValuesFile once, for every repository, unless Do.Values has its answers.
func (o *UpdateOptions) readValues(ctx context.Context) error {
	if o.Do.Values != nil || o.Do.ValuesFile == "" {
		return nil
	}
	var err error
	o.Do.Values, err = answers.ReadValuesFile(ctx, o.Do.ValuesFile)
	return err
}
