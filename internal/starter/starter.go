// Package starter writes a new golden path to start from: a template.yaml with the usual
// parameters, a small skeleton/, and a test case whose golden tree is written from the render, so
// that it lints clean and its tests pass before the platform team changes anything.
package starter

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/idp-cli/idp/internal/manifest"
	"github.com/idp-cli/idp/internal/scaffold"
	"github.com/idp-cli/idp/internal/source"
	"github.com/idp-cli/idp/internal/tmpltest"
)

//go:embed all:files
var files embed.FS

// Options name the new golden path.
type Options struct {
	Dir   string // where to write it; must not exist, or be empty
	Name  string // its name, typed in --template; default: Dir's base name
	Type  string // its type, the KIND of idp new KIND; default: service
	Title string // its title in lists and prompts; default: from Name
}

// Result is what Create wrote.
type Result struct {
	Dir   string   `json:"dir"`   // as given
	Name  string   `json:"name"`  // the golden path's name
	Files []string `json:"files"` // every file written, slash-separated, relative to Dir, sorted
	Type  string   `json:"-"`     // its type, for the next steps
}

// OptionError is a name, type or title that a golden path cannot have: a mistake in what was
// asked, as a bad answer to idp new is (Create returns it as a source.RequestError).
type OptionError struct{ Msg string }

func (e *OptionError) Error() string { return e.Msg }

// Create writes the golden path into o.Dir: in a scratch directory beside it first, moved into
// place only once its test case's golden tree has been rendered, so that a failure leaves nothing.
func Create(ctx context.Context, o Options) (*Result, error) {
	target, err := filepath.Abs(o.Dir)
	if err != nil {
		return nil, err
	}
	if o.Name == "" {
		o.Name = filepath.Base(target) // of the absolute path, so that "." is named too
	}
	if o.Type == "" {
		o.Type = "service"
	}
	if o.Title == "" {
		o.Title = title(o.Name)
	}
	if err := scaffold.CheckTarget(target); err != nil {
		var exists *scaffold.ExistsError
		if errors.As(err, &exists) {
			return nil, fmt.Errorf("%s %s; give a new directory for the golden path", o.Dir, exists.What())
		}
		return nil, err
	}
	replacer := strings.NewReplacer("__NAME__", o.Name, "__TYPE__", o.Type, "__TITLE__", o.Title)
	tmplYAML, err := files.ReadFile("files/" + manifest.FileName)
	if err != nil {
		return nil, err
	}
	// The name, type and title go through the same checks as any template.yaml.
	if _, err := manifest.Parse([]byte(replacer.Replace(string(tmplYAML))), manifest.FileName, o.Name); err != nil {
		var msgs []string
		var es manifest.Errors
		if errors.As(err, &es) {
			for _, e := range es {
				msgs = append(msgs, e.Msg)
			}
		} else {
			msgs = append(msgs, err.Error())
		}
		return nil, &source.RequestError{Err: &OptionError{Msg: strings.Join(msgs, "; ") + "; choose another with --name, --type or --title"}}
	}

	st, err := scaffold.NewStage(target)
	if err != nil {
		return nil, err
	}
	defer st.Abort()
	tmp := st.Dir
	err = fs.WalkDir(files, "files", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := files.ReadFile(p)
		if err != nil {
			return err
		}
		dst := filepath.Join(tmp, filepath.FromSlash(strings.TrimPrefix(p, "files/")))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		return os.WriteFile(dst, []byte(replacer.Replace(string(data))), 0o644)
	})
	if err != nil {
		return nil, err
	}
	results, err := tmpltest.Run(ctx, tmp, tmpltest.Options{Update: true})
	if err != nil {
		return nil, err
	}
	for _, r := range results {
		if r.Outcome != tmpltest.Updated {
			return nil, fmt.Errorf("render the starter's test case %s: %s", r.Case, r.Error)
		}
	}
	if err := st.Finish(); err != nil {
		return nil, err
	}
	res := &Result{Dir: o.Dir, Name: o.Name, Type: o.Type}
	err = filepath.WalkDir(target, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(target, p)
		res.Files = append(res.Files, filepath.ToSlash(rel))
		return nil
	})
	sort.Strings(res.Files)
	return res, err
}

// title makes "node-service" into "Node service".
func title(name string) string {
	s := strings.NewReplacer("-", " ", "_", " ", ".", " ").Replace(name)
	if s == "" {
		return name
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
