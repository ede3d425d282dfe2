package fleet

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"

	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/idp-cli/idp/internal/answers"
	"github.com/idp-cli/idp/internal/pathglob"
	"github.com/idp-cli/idp/internal/provenance"
	"github.com/idp-cli/idp/internal/render"
	"github.com/idp-cli/idp/internal/source"
)

// DivergedFile is a file of the golden path that a service no longer has as the recorded
// version renders it.
type DivergedFile struct {
	Path   string `json:"path"`
	Change string `json:"change"` // modified, or deleted
}

// serviceFiles reads a service's files: a local checkout's through os.Root, or a commit's tree.
type serviceFiles interface {
	// read returns the file's content (a link's target), whether it is a link, and
	// fs.ErrNotExist when there is no such file.
	read(name string) (data []byte, link bool, err error)
}

type dirFiles struct{ root *os.Root }

func (d dirFiles) read(name string) ([]byte, bool, error) {
	fi, err := d.root.Lstat(name)
	if err != nil {
		return nil, false, err
	}
	switch {
	case fi.Mode()&fs.ModeSymlink != 0:
		target, err := d.root.Readlink(name)
		return []byte(target), true, err
	case !fi.Mode().IsRegular():
		return nil, false, fs.ErrNotExist
	}
	data, err := d.root.ReadFile(name)
	return data, false, err
}

type treeFiles struct {
	tree *object.Tree
	dir  string // the service's directory in the repository; "" at the root
}

func (t treeFiles) read(name string) ([]byte, bool, error) {
	f, err := t.tree.File(path.Join(t.dir, name))
	if errors.Is(err, object.ErrFileNotFound) || errors.Is(err, object.ErrDirectoryNotFound) || errors.Is(err, object.ErrEntryNotFound) {
		return nil, false, fs.ErrNotExist
	}
	if err != nil {
		return nil, false, err
	}
	r, err := f.Reader()
	if err != nil {
		return nil, false, err
	}
	defer r.Close()
	var b bytes.Buffer
	if _, err := b.ReadFrom(r); err != nil {
		return nil, false, err
	}
	return b.Bytes(), f.Mode == filemode.Symlink, nil
}

// renderRecorded renders at, the golden path at the version rec records, with the answers its
// files were last rendered with: what the service's files would be had nobody touched them.
// Secrets are never recorded, so they render empty.
func renderRecorded(ctx context.Context, at *source.Template, rec *provenance.File, o render.Options) (*render.Tree, error) {
	ans := rec.Rendered()
	if ans == nil {
		ans = rec.Recorded()
	}
	data, err := answers.Data(at.Manifest, ans)
	if err != nil {
		return nil, fmt.Errorf("the recorded answers: %w", err)
	}
	return render.RenderWith(ctx, at.FS, at.Manifest, data, o.AsRendered(rec.IdpVersion))
}

// divergence compares the service's files with tree, the recorded version's own render. Files
// the golden path owns only at creation (files.owned) are the service's to change, and are
// left out, as is .idp.yaml.
func divergence(tree *render.Tree, owned []string, files serviceFiles) ([]DivergedFile, error) {
	out := []DivergedFile{}
	for _, f := range tree.Files {
		if f.Path == provenance.FileName || pathglob.MatchAny(owned, f.Path) {
			continue
		}
		data, link, err := files.read(f.Path)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			out = append(out, DivergedFile{Path: f.Path, Change: "deleted"})
		case err != nil:
			return nil, fmt.Errorf("read %s: %w", f.Path, err)
		case link != f.IsSymlink() || !bytes.Equal(data, f.Data):
			out = append(out, DivergedFile{Path: f.Path, Change: "modified"})
		}
	}
	return out, nil
}
