package update

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"sort"
	"strings"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/idp-cli/idp/internal/gitcli"
	"github.com/idp-cli/idp/internal/provenance"
	"github.com/idp-cli/idp/internal/servicedir"
	"github.com/idp-cli/idp/internal/source"
)

// Service is a service made by idp: its directory and its .idp.yaml, and the git repository
// it lives in (the service may be a subdirectory of a monorepo).
type Service struct {
	Dir    string // absolute
	Record *provenance.File
	// Layer is the layer being updated, as provenance.File.Layer numbers them: 0 the base
	// golden path, 1.. the add-ons.
	Layer int

	repo *git.Repository
	rel  string // Dir relative to the repository's root, slash-separated; "" at the root
	// file names .idp.yaml in messages, and data is what it held when opened.
	file string
	data []byte
}

// readRecord reads .idp.yaml through the service's root: a file, never what a link points to.
func readRecord(abs, dir string) ([]byte, error) {
	d, err := servicedir.Open(abs)
	if err != nil {
		return nil, err
	}
	defer d.Close()
	e, err := d.Read(provenance.FileName)
	switch {
	case err != nil:
		return nil, err
	case e.Kind != servicedir.File:
		return nil, fmt.Errorf("%s is %s, not a file; idp reads only a file there: replace it with the file idp wrote", filepath.Join(dir, provenance.FileName), e.Kind)
	}
	return e.Data, nil
}

// findService finds the service that dir is in, as git finds .git: dir itself when it holds
// .idp.yaml, else the nearest directory above it that does, up to the root of the git work tree
// dir is in (a service never reaches out of its repository), or of the file system. It returns
// the service's absolute directory and how to name it in messages, dir for dir itself.
func findService(dir string) (abs, display string, err error) {
	start, err := filepath.Abs(dir)
	if err != nil {
		return "", "", err
	}
	info, err := os.Stat(start)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "", "", fmt.Errorf("%s does not exist; give --dir the service's directory", dir)
	case err != nil:
		return "", "", err
	case !info.IsDir():
		return "", "", fmt.Errorf("%s is not a directory; give --dir the service's directory, the one holding %s", dir, provenance.FileName)
	}
	up, repoRoot := "", ""
	for d := start; ; {
		if _, err := os.Lstat(filepath.Join(d, provenance.FileName)); err == nil {
			return d, filepath.Join(dir, up), nil
		}
		if _, err := os.Lstat(filepath.Join(d, ".git")); err == nil {
			repoRoot = d
			break
		}
		parent := filepath.Dir(d)
		if parent == d {
			break
		}
		d, up = parent, filepath.Join(up, "..")
	}
	switch {
	case up == "" && repoRoot != "":
		return "", "", fmt.Errorf("%s has no %s: it was not made by idp, or give --dir the service's directory", dir, provenance.FileName)
	case repoRoot != "":
		return "", "", fmt.Errorf("%s has no %s, nor has any directory above it up to %s, the root of its git repository: it is not in a service made by idp; give --dir the service's directory", dir, provenance.FileName, repoRoot)
	}
	return "", "", fmt.Errorf("%s has no %s, nor has any directory above it: it is not in a service made by idp; give --dir the service's directory", dir, provenance.FileName)
}

// Open reads the service in dir, or the one dir is inside of (see findService).
func Open(dir string) (*Service, error) {
	abs, display, err := findService(dir)
	if err != nil {
		return nil, err
	}
	dir = display
	data, err := readRecord(abs, dir)
	if err != nil {
		return nil, err
	}
	file := filepath.Join(dir, provenance.FileName)
	rec, err := provenance.Parse(data, file)
	if err != nil {
		return nil, err
	}
	return openRepo(&Service{Dir: abs, Record: rec, file: file, data: data})
}

// OpenUnrecorded opens dir, a directory with no .idp.yaml yet (idp adopt), and the git
// repository it is in: a Service whose Record is an empty file.
func OpenUnrecorded(dir string) (*Service, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	if fi, err := os.Stat(abs); err != nil || !fi.IsDir() {
		return nil, fmt.Errorf("%s is not a directory; give --dir the repository's directory", dir)
	}
	return openRepo(&Service{Dir: abs, Record: &provenance.File{}})
}

// openRepo finds the git repository the service is in, if any.
func openRepo(s *Service) (*Service, error) {
	abs := s.Dir
	repo, err := git.PlainOpenWithOptions(abs, &git.PlainOpenOptions{DetectDotGit: true, EnableDotGitCommonDir: true})
	if err == nil {
		wt, err := repo.Worktree()
		if err != nil {
			return nil, err
		}
		root := wt.Filesystem.Root()
		if r, err := filepath.EvalSymlinks(root); err == nil {
			root = r
		}
		real := abs
		if r, err := filepath.EvalSymlinks(abs); err == nil {
			real = r
		}
		rel, err := filepath.Rel(root, real)
		if err != nil {
			return nil, err
		}
		s.repo, s.rel = repo, filepath.ToSlash(rel)
		if s.rel == "." {
			s.rel = ""
		}
	}
	return s, nil
}

// Own is the record of the layer being updated, as a file of its own.
func (s *Service) Own() *provenance.File { return s.Record.Layer(s.Layer) }

// LayerError is a --layer that the service does not have.
type LayerError struct {
	Layer  string
	Layers []string
}

func (e *LayerError) Error() string {
	return fmt.Sprintf("--layer %s: the service has no such layer; its layers are %s (see .idp.yaml)", e.Layer, strings.Join(e.Layers, ", "))
}

// OpenLayer reads the service in dir for updating its layer name ("" the base).
func OpenLayer(dir, name string) (*Service, error) {
	s, err := Open(dir)
	if err != nil || name == "" {
		return s, err
	}
	if s.Layer = s.Record.Find(name); s.Layer < 0 {
		// The command line's mistake: a usage error.
		return nil, &source.RequestError{Err: &LayerError{Layer: name, Layers: s.Record.Names()}}
	}
	return s, nil
}

// CheckClean refuses a service with uncommitted changes (in its directory only, for a service
// inside a monorepo): git must be able to undo the update. It asks the git command, so that
// idp calls clean exactly what git status does (go-git ignores core.excludesFile,
// .git/info/exclude and core.fileMode).
func (s *Service) CheckClean(ctx context.Context) error { return s.CheckCleanFor(ctx, "update") }

// CheckCleanFor is CheckClean for the idp command named command (update, add, remove, adopt),
// which its messages name.
func (s *Service) CheckCleanFor(ctx context.Context, command string) error {
	if s.repo == nil {
		return fmt.Errorf("%s is not in a git repository; idp %s merges into your files and git is how you undo it: git init and commit, then run idp %s again", s.Dir, command, command)
	}
	st, err := gitcli.Status(ctx, s.Dir)
	if err != nil {
		return err
	}
	var dirty []string
	for _, e := range st {
		if s.rel != "" && !strings.HasPrefix(e.Path, s.rel+"/") {
			continue
		}
		dirty = append(dirty, strings.TrimSpace(e.Code)+" "+strings.TrimPrefix(e.Path, prefix(s.rel)))
	}
	if len(dirty) == 0 {
		return nil
	}
	sort.Strings(dirty)
	more := ""
	if len(dirty) > 5 {
		more = fmt.Sprintf(" and %d more", len(dirty)-5)
		dirty = dirty[:5]
	}
	return &DirtyError{Msg: fmt.Sprintf("the service has uncommitted changes (%s%s); commit or stash them first, so that git can undo %s", strings.Join(dirty, ", "), more, undone(command))}
}

// undone names what command does, for "so that git can undo" it.
func undone(command string) string {
	if command == "update" {
		return "the update"
	}
	return "what idp " + command + " does"
}

// DirtyError is a working tree with uncommitted changes.
type DirtyError struct{ Msg string }

func (e *DirtyError) Error() string { return e.Msg }

func prefix(rel string) string {
	if rel == "" {
		return ""
	}
	return rel + "/"
}

// BaseAnswers are the answers the service's files were last rendered with: those .idp.yaml
// records under rendered-with. A file from before idp recorded them falls back on history: the
// answers in the oldest commit of the run of commits, back from HEAD, whose .idp.yaml names
// the same golden path version as now. Answers edited in .idp.yaml since then are what the
// update applies. Without either (not a repository, a shallow clone), the current answers.
func (s *Service) BaseAnswers() map[string]any {
	own := s.Own()
	if r := own.Rendered(); r != nil {
		return r
	}
	current := own.Recorded()
	if s.repo == nil {
		return current
	}
	head, err := s.repo.Head()
	if err != nil {
		return current
	}
	c, err := s.repo.CommitObject(head.Hash())
	name := path.Join(s.rel, provenance.FileName)
	best := current
	var lastBlob string
	for err == nil {
		f, ferr := c.File(name)
		if ferr != nil {
			break
		}
		if f.Hash.String() != lastBlob {
			lastBlob = f.Hash.String()
			text, rerr := f.Contents()
			if rerr != nil {
				break
			}
			rec, perr := provenance.Parse([]byte(text), name)
			if perr != nil {
				break
			}
			i := rec.Find(own.Template.Name)
			if i < 0 || !reflect.DeepEqual(rec.Layer(i).Template, own.Template) {
				break
			}
			best = rec.Layer(i).Recorded()
		}
		var parent *object.Commit
		parent, err = c.Parent(0)
		c = parent
	}
	return best
}

// Repository is the git repository the service is in (nil when it is in none) and the
// service's directory in it: "" at the root, else a slash-separated path.
func (s *Service) Repository() (*git.Repository, string) { return s.repo, s.rel }
