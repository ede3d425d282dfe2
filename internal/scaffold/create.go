package scaffold

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/idp-cli/idp/internal/answers"
	"github.com/idp-cli/idp/internal/gitauth"
	"github.com/idp-cli/idp/internal/gitrepo"
	"github.com/idp-cli/idp/internal/render"
	"github.com/idp-cli/idp/internal/source"
	"github.com/idp-cli/idp/internal/update"
)

// Prompter asks for answers, and which golden path when several match.
type Prompter interface {
	answers.Prompter
	answers.Chooser
}

// Publisher creates the service's repository on a forge before anything is written, and pushes
// to it after (idp new --provider).
type Publisher interface {
	BeforeWrite(ctx context.Context, dir string, ans *answers.Result) error
	Push(ctx context.Context, dir string) error
	// Created is the repository once made or found: its clone and web URLs, and whether it
	// was there before this run.
	Created() (cloneURL, webURL string, existed, made bool)
	Describe(description string)
	FullName() string
}

// CreateDeps is what making a service needs from the command layer.
type CreateDeps struct {
	OpenCatalog func(ctx context.Context, loc string) (*source.Catalog, error)
	Prompter    Prompter // nil: cannot ask
	Trusted     func(loc string) bool
	Log         io.Writer
	Display     func(dir string) string // names a directory for the user
	// Push pushes the service's main to a remote URL with the credentials idp finds for it.
	Push      func(ctx context.Context, dir, url string) error
	Publisher Publisher // nil without --provider
	Author    gitrepo.Author
	Now       func() time.Time
}

// CreateOptions is one `idp new`.
type CreateOptions struct {
	Source, Kind, Template, Version string
	Pre                             bool
	Name                            string
	Set                             []string
	ValuesFile                      string
	Verbose                         bool
	OutputDir                       string
	DryRun                          bool
	Remote                          string
	InRepo                          bool // add the service to the repository it is made inside
	Trust                           bool
	Render                          render.Options
	// Flags are the flags given on the command line, for the command that the review at the
	// end of the questions shows (the same answers without prompts).
	Flags []Flag
}

// Created is what Create made.
type Created struct {
	Source   *source.Source
	Template *source.Template
	*NewResult
	Pushed string // where main went (credentials removed), if anywhere
	WebURL string
	DryRun bool
	// NotPushed: the push failed (Run returns a PushError); the service is made and committed.
	NotPushed bool
	// Shown names the service's directory for the user.
	Shown string
}

// PushError is a service made and committed whose push failed: the service stays, and idp push
// retries. Its message ends with how to retry.
type PushError struct {
	Err   error
	Dir   string
	Retry string // how to push it, in the way that will work
}

func (e *PushError) Error() string { return e.Err.Error() + "\n" + e.Retry }
func (e *PushError) Unwrap() error { return e.Err }

// Run is idp new: it picks the golden path and its version, resolves the answers, writes
// the service as a new repository with one commit, runs the create hooks (a second commit),
// and pushes it to --remote or to the repository a Publisher created.
func Run(ctx context.Context, d CreateDeps, o CreateOptions) (*Created, error) {
	cat, err := d.OpenCatalog(ctx, o.Source)
	if err != nil {
		return nil, err
	}
	if o.Template != "" && source.Find(cat.All, o.Template) == nil {
		if err := cat.BrokenErr(o.Template); err != nil {
			return nil, err // asked for by name, and its template.yaml cannot be read
		}
	}
	for _, b := range cat.Broken {
		if o.Template == "" {
			fmt.Fprintf(d.Log, "idp: golden path %s cannot be used: %v\n", b.Name, b.Err)
		}
	}
	tmpl, err := pick(ctx, d.Prompter, cat.All, o.Source, o.Kind, o.Template)
	if err != nil {
		return nil, err
	}
	if err := cat.CheckDirty(o.Version); err != nil {
		return nil, err
	}
	src, tmpl, err := cat.At(tmpl, "--version", o.Version, o.Pre)
	if err != nil {
		return nil, err
	}
	if src.Version == "" && !o.DryRun {
		// Said before any question: a service from a source without versions is a cul-de-sac.
		fmt.Fprintf(d.Log, "idp: note: %s has no versions (no vX.Y.Z tags), so the service cannot be updated from it later; to make it updatable, use a git repository of golden paths with a version tag (git tag v0.1.0)\n", src.Location)
	}
	req := answers.Request{Set: o.Set, Name: o.Name, Verbose: o.Verbose, Review: review(o, tmpl.Manifest)}
	if d.Prompter != nil {
		req.Prompter = d.Prompter
	}
	if o.ValuesFile != "" {
		if req.Values, err = answers.ReadValuesFile(ctx, o.ValuesFile); err != nil {
			return nil, err
		}
		req.ValuesFile = o.ValuesFile
	}
	opts := NewOptions{
		Source: src, Template: tmpl, Answers: req, OutputDir: o.OutputDir, DryRun: o.DryRun,
		Render: o.Render, Author: d.Author, Now: d.Now(), InRepo: o.InRepo,
	}
	pub := d.Publisher
	if pub != nil {
		pub.Describe(tmpl.Manifest.Title)
		opts.BeforeWrite = pub.BeforeWrite
	}
	res, err := New(ctx, opts)
	if err != nil {
		if pub != nil {
			if _, _, existed, made := pub.Created(); made && !existed {
				err = fmt.Errorf("%w\nthe repository %s was created empty; run again with --use-existing to push into it", err, pub.FullName())
			}
		}
		return nil, err
	}
	out := &Created{Source: src, Template: tmpl, NewResult: res, DryRun: o.DryRun, Shown: d.Display(res.Dir)}
	if o.DryRun {
		return out, nil
	}
	// Hooks run in the service once it is in place, before any push; what they change is a
	// second commit, so that the first stays the golden path's own.
	trusted := o.Trust || (d.Trusted != nil && d.Trusted(src.Location))
	ran, err := update.RunHooks(ctx, d.Log, update.Hooks(tmpl.Manifest, "create"), trusted, tmpl.Manifest.Name, src.Version, res.Dir, d.Display(res.Dir))
	if err != nil {
		return out, fmt.Errorf("%w; the service is in %s, committed without the hooks' changes", err, d.Display(res.Dir))
	}
	if ran && res.InRepo != "" {
		if err := gitrepo.Stage(res.InRepo, res.Dir); err != nil {
			return out, err
		}
	} else if ran {
		if _, err := gitrepo.CommitAll(res.Dir, d.Author, "Run the golden path's hooks", d.Now()); err != nil {
			return out, err
		}
	}
	switch {
	case pub != nil:
		if err := pub.Push(ctx, res.Dir); err != nil {
			return out, out.pushError(err, "")
		}
		out.Pushed, out.WebURL, _, _ = pub.Created()
	case o.Remote != "":
		if err := gitrepo.SetRemote(res.Dir, o.Remote); err != nil {
			return out, err
		}
		if err := d.Push(ctx, res.Dir, o.Remote); err != nil {
			return out, out.pushError(err, o.Remote)
		}
		out.Pushed = gitauth.Redact(o.Remote)
	}
	return out, nil
}

// pick chooses the golden path: the one named, the only one of the kind, or by asking.
func pick(ctx context.Context, choose answers.Chooser, all []*source.Template, loc, kind, name string) (*source.Template, error) {
	if kind == "addon" {
		return nil, &source.RequestError{Err: fmt.Errorf("an add-on is not made on its own: apply it to a service with idp add <name> in the service's directory; types on offer: %s", strings.Join(source.Types(all), ", "))}
	}
	matching := source.ByType(all, kind)
	if len(matching) == 0 {
		kinds := source.Types(all)
		if len(kinds) == 0 {
			return nil, fmt.Errorf("source %s holds no golden paths: directories with a template.yaml and a skeleton/, at depth 1 or 2", loc)
		}
		return nil, &source.RequestError{Err: fmt.Errorf("no golden path of type %q; types on offer: %s", kind, strings.Join(kinds, ", "))}
	}
	if name != "" {
		t := source.Find(matching, name)
		if t == nil {
			return nil, &source.RequestError{Err: fmt.Errorf("--template %s: no %s golden path of that name; choose one of: %s", name, kind, strings.Join(source.Names(matching), ", "))}
		}
		return t, nil
	}
	if len(matching) == 1 {
		return matching[0], nil
	}
	if choose == nil {
		return nil, &source.RequestError{Err: fmt.Errorf("several %s golden paths: %s; choose one with --template", kind, strings.Join(source.Names(matching), ", "))}
	}
	choices := make([]answers.Choice, len(matching))
	for i, t := range matching {
		choices[i] = answers.Choice{Key: t.Manifest.Name, Value: t.Manifest.Name}
		if t.Manifest.Title != "" {
			choices[i].Key += " - " + t.Manifest.Title
		}
	}
	picked, err := choose.Choose(ctx, "Golden path", choices)
	if err != nil {
		return nil, err
	}
	if t := source.Find(matching, picked); t != nil {
		return t, nil
	}
	return nil, errors.New("no golden path " + picked + " was chosen")
}
