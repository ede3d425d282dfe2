package fleetreport

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/idp-cli/idp/internal/english"
	"github.com/idp-cli/idp/internal/fleet"
)

// RunOptions is one fleet report: the status to read, what the page says of it, and its file.
type RunOptions struct {
	Status fleet.StatusOptions
	// Provider is the forge Status.Owner is on, for the page's scope ("acme on github").
	Provider string
	Title    string
	// HTML is the page's file; "" writes no page (the data alone, for --output json).
	HTML string
}

// Result is the status the report was built from, the report, and the page's file.
type Result struct {
	Status *fleet.StatusResult
	Data   *Data
	Page   string // "" when no page was written
}

// JSON is the report's data, as fleet report --output json prints it
// (docs/fleet-report.schema.json).
func (r *Result) JSON() any { return r.Data }

// WriteText says which page was written, and of how much.
func (r *Result) WriteText(w io.Writer) error {
	_, err := fmt.Fprintf(w, "Wrote %s: %s, %s with bot pull requests.\n", r.Page, english.Plural(r.Status.Summary.Services, "service"),
		english.Plural(len(r.Data.Burndowns), "release"))
	return err
}

// Run reads the fleet's status as idp fleet status does (fleet.ReadStatus), builds the report
// from it and, with HTML, writes the page. A --repos file that cannot be read is a
// *fleet.ListError.
func Run(ctx context.Context, d fleet.StatusDeps, o RunOptions) (*Result, error) {
	res, err := fleet.ReadStatus(ctx, d, o.Status)
	if err != nil {
		return nil, err
	}
	scope := o.Status.Repos
	if o.Status.Owner != "" {
		scope = o.Status.Owner + " on " + o.Provider
	}
	now := time.Now
	if d.Now != nil {
		now = d.Now
	}
	data := Build(res, Options{Title: o.Title, Generated: now(), Scope: scope})
	if o.HTML != "" {
		if err := WriteFile(o.HTML, data); err != nil {
			return nil, err
		}
	}
	return &Result{Status: res, Data: data, Page: o.HTML}, nil
}

// WriteFile writes the page to a temporary file beside path, then renames it into place: an
// interrupted run leaves the previous report whole.
func WriteFile(path string, d *Data) error {
	dir := filepath.Dir(path)
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return fmt.Errorf("--html %s is a directory; give the page's file name, as %s", path, filepath.Join(path, "report.html"))
	}
	tmp, err := os.CreateTemp(dir, ".idp-report-*.html")
	if err != nil {
		// The temporary file's name is idp's business: say what is wrong with the directory.
		switch fi, serr := os.Stat(dir); {
		case errors.Is(serr, fs.ErrNotExist):
			return fmt.Errorf("--html %s: the directory %s does not exist; create it first (mkdir -p %s)", path, dir, dir)
		case serr == nil && !fi.IsDir():
			return fmt.Errorf("--html %s: %s is not a directory; give a path in a directory", path, dir)
		case errors.Is(err, fs.ErrPermission):
			return fmt.Errorf("--html %s: no permission to write in %s; give a path in a directory you can write to", path, dir)
		}
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return fmt.Errorf("--html %s: cannot write in %s: %w", path, dir, err)
	}
	defer os.Remove(tmp.Name())
	if err := WriteHTML(tmp, d); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("--html %s: %w", path, err)
	}
	return nil
}
