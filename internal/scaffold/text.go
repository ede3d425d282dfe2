package scaffold

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"

	"github.com/idp-cli/idp/internal/english"
	"github.com/idp-cli/idp/internal/gitauth"
	"github.com/idp-cli/idp/internal/gitrepo"
	"github.com/idp-cli/idp/internal/provenance"
	"github.com/idp-cli/idp/internal/shell"
)

// FileJSON is one file of the service in idp new's JSON.
type FileJSON struct {
	Path   string `json:"path"`
	Mode   string `json:"mode"`
	Size   int    `json:"size"`
	Binary bool   `json:"binary,omitempty"`
}

func (c *Created) files() []FileJSON {
	files := make([]FileJSON, 0, len(c.Tree.Files))
	for _, fl := range c.Tree.Files {
		mode := fmt.Sprintf("%04o", fl.Mode.Perm())
		if fl.IsSymlink() {
			mode = "symlink"
		}
		files = append(files, FileJSON{Path: fl.Path, Mode: mode, Size: len(fl.Data), Binary: fl.Binary})
	}
	return files
}

// JSON is idp new --output json: the service made (where it went, its first commit, its
// files), or with DryRun the files it would have.
func (c *Created) JSON() any {
	if c.DryRun {
		dir, err := filepath.Abs(c.Dir) // absolute, as when the service is written
		if err != nil {
			dir = c.Dir
		}
		return map[string]any{"dir": dir, "dryRun": true, "files": c.files(), "template": c.Record.Template}
	}
	out := map[string]any{"dir": c.Dir, "commit": c.Commit, "branch": "main", "template": c.Record.Template, "files": c.files()}
	if c.InRepo != "" {
		out["repository"], out["staged"] = c.InRepo, true
		delete(out, "commit")
		delete(out, "branch")
	}
	if c.Pushed != "" {
		out["remote"] = c.Pushed
	}
	if c.WebURL != "" {
		out["url"] = c.WebURL
	}
	return out
}

// WriteText writes what idp new made and the next steps, or with DryRun the files it would
// write.
func (c *Created) WriteText(w io.Writer) error {
	files := english.Plural(len(c.Tree.Files)+1, "file")
	if c.DryRun {
		fmt.Fprintf(w, "Would create %s with %s:\n", c.Dir, files)
		for _, fl := range c.Tree.Files {
			fmt.Fprintf(w, "  %s\n", describe(fl.Path, fl.IsSymlink(), fl.Mode.Perm()&0o111 != 0, fl.Binary))
		}
		_, err := fmt.Fprintf(w, "  %s\n", provenance.FileName)
		return err
	}
	rel := c.Shown
	from := c.Template.Manifest.Name
	if c.Source.Version != "" {
		from += " " + c.Source.Version
	}
	where := rel
	if rel == "." {
		where = filepath.Base(c.Dir) + " (here)"
	}
	if c.InRepo != "" {
		fmt.Fprintf(w, "Created %s from %s: %s, staged in the repository at %s.\n\n", where, from, files, c.InRepo)
		fmt.Fprintf(w, "Next steps:\n  review them (git status, git diff --cached), then commit\n")
		if c.Source.Version != "" {
			fmt.Fprintf(w, "  'idp update --dir %s' when the golden path moves on\n", rel)
		}
		return nil
	}
	fmt.Fprintf(w, "Created %s from %s: %s, first commit %s on main.\n\n", where, from, files, c.Commit[:7])
	if c.NotPushed {
		return nil // the error that follows says how to retry
	}
	if c.Pushed != "" {
		fmt.Fprintf(w, "Pushed main to %s.\n", c.Pushed)
		if c.WebURL != "" {
			fmt.Fprintf(w, "Repository: %s\n", c.WebURL)
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "Next steps:\n")
	if rel != "." {
		fmt.Fprintf(w, "  cd %s\n", rel)
	}
	if c.Pushed == "" {
		fmt.Fprintf(w, "  git remote add origin <url> && git push -u origin main\n")
	}
	readme := c.Tree.Lookup("README.md") != nil
	switch {
	case c.Source.Version == "": // no versions to update to
		if readme {
			fmt.Fprintf(w, "  read README.md\n")
		}
	case readme:
		fmt.Fprintf(w, "  read README.md, then 'idp update' when the golden path moves on\n")
	default:
		fmt.Fprintf(w, "  'idp update' when the golden path moves on\n")
	}
	return nil
}

func describe(path string, link, exec, binary bool) string {
	switch {
	case link:
		return path + " (symlink)"
	case exec:
		return path + " (executable)"
	case binary:
		return path + " (binary)"
	}
	return path
}

// pushError is the failed push of the service made: it says how to push it in the way that
// will work, into an empty repository when the remote had other commits, with a token when the
// credentials given in the URL were not kept.
func (c *Created) pushError(err error, remote string) *PushError {
	c.NotPushed = true
	q := shell.Quote(c.Shown)
	retry := "cd " + q + " && idp push"
	switch {
	case errors.Is(err, gitrepo.ErrNotEmpty):
		retry = "cd " + q + " && idp push --remote <URL of an empty repository>"
	case remote != "" && gitauth.Redact(remote) != remote:
		retry = "cd " + q + " && IDP_GIT_TOKEN=<token> idp push   (the credentials in --remote are not kept)"
	}
	return &PushError{Err: err, Dir: c.Dir, Retry: "the service is committed in " + c.Shown + "; to retry the push: " + retry}
}
