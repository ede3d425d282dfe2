package fleet

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	git "github.com/go-git/go-git/v5"

	"github.com/idp-cli/idp/internal/answers"
	"github.com/idp-cli/idp/internal/bot"
	"github.com/idp-cli/idp/internal/forge"
	"github.com/idp-cli/idp/internal/gitauth"
	"github.com/idp-cli/idp/internal/provenance"
	"github.com/idp-cli/idp/internal/update"
)

// UpdateDeps is what a fleet update needs from the command layer.
type UpdateDeps struct {
	Update update.Deps  // sources (shared between repositories), trust; no prompter
	Push   bot.PushDeps // credentials, the forge for pull requests
	// Credentials finds the credential for a repository's URL (gitauth.For).
	Credentials func(url string) gitauth.Result
	// Explain rewords a transport error for url (gitauth.ExplainSSH).
	Explain  func(url string, err error) error
	Progress Progress
	// Hint rewords an update's error for the row (the render limit flags, say).
	Hint func(error) error
	// Forge lists UpdateOptions.Owner's repositories; nil with --repos.
	Forge forge.Provider
	// Results gets each repository's row as a JSON line as soon as it is done; nil means
	// UpdateOptions.Results' file, if any.
	Results io.Writer
	// Now stamps the results' lines; nil means time.Now.
	Now func() time.Time
}

// UpdateOptions is one fleet update: the repositories, and the update and push of each.
type UpdateOptions struct {
	Repos string
	// Owner's repositories on Forge that Filter keeps, instead of a Repos list.
	Owner  string
	Filter Filter
	// Shard is this run's share of the repositories; Resume a --results file whose finished
	// repositories (any result but failed) are skipped.
	Shard  Shard
	Resume string
	// Results is the --results file each repository's row is appended to as it is done.
	Results string
	Jobs    int
	Do      update.DoOptions // To, Pre, Set, Values, Rej, Render; Dir is each clone's
	Push    bot.PushOptions
}

// UpdateRow is one repository's bot run.
type UpdateRow struct {
	Repo     string `json:"repo"`
	Template string `json:"template,omitempty"`
	From     string `json:"from,omitempty"`
	To       string `json:"to,omitempty"`
	// Result is updated, unchanged, conflicts, needsInput or failed.
	Result    string      `json:"result"`
	Conflicts int         `json:"conflicts"`
	Push      *bot.Report `json:"push,omitempty"`
	// Held is a newer version not taken because it needs answers only a person can give.
	Held *update.Held `json:"held,omitempty"`
	// PassedOver are newer versions not taken: too young for --min-age, or under skip:.
	PassedOver []update.Passed `json:"passedOver,omitempty"`
	Error      string          `json:"error,omitempty"`
	// Took is how long this repository's update took, for its opt-in event.
	Took time.Duration `json:"-"`
}

// UpdateResult is every repository's row and the counts of each result.
type UpdateResult struct {
	Rows    []UpdateRow    `json:"repositories"`
	Summary map[string]int `json:"summary"`
	// Resumed counts the repositories skipped as done by an earlier run (--resume).
	Resumed int `json:"resumed,omitempty"`
	// Cancelled: the run was stopped (Ctrl-C, SIGTERM) before every repository was done; a
	// repository stopped midway is a failed row whose error is "cancelled", and NotStarted
	// are the repositories it never reached. A run again (with --resume) finishes them.
	Cancelled  bool     `json:"cancelled,omitempty"`
	NotStarted []string `json:"notStarted,omitempty"`
}

// Update runs the bot on every repository of the list, o.Jobs at a time: a clone into a
// temporary directory, the update worked out as `idp update --push` does, and its push. A
// failure on one is its row's error; the others go on.
func Update(ctx context.Context, d UpdateDeps, o UpdateOptions) (*UpdateResult, error) {
	if err := answers.CheckSet(o.Do.Set); err != nil {
		return nil, err // the same mistake for every repository: said once, before any work
	}
	if err := o.readValues(ctx); err != nil {
		return nil, err
	}
	if d.Results == nil && o.Results != "" {
		f, err := OpenResults(o.Results)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		d.Results = f
	}
	repos, resumed, err := updateRepos(ctx, d, o)
	if err != nil {
		return nil, err
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	results := &resultsWriter{w: d.Results, shard: o.Shard.String(), now: d.Now}
	if d.Progress == nil {
		d.Progress = NoProgress{}
	}
	rows := make([]UpdateRow, len(repos))
	set, finish := d.Progress.Start("updating", len(repos))
	var renderMu sync.Mutex // the golden paths' sources are shared; renders take turns
	Each(ctx, len(repos), o.Jobs, func(ctx context.Context, i int) {
		start := time.Now()
		rows[i] = updateOne(ctx, d, o, repos[i], &renderMu)
		rows[i].Took = time.Since(start)
		results.write(rows[i])
	}, set)
	finish()
	res := &UpdateResult{Resumed: resumed}
	if ctx.Err() != nil { // rows never started are not failures of their repositories
		res.Cancelled = true
		for i, r := range rows {
			if r.Repo == "" {
				res.NotStarted = append(res.NotStarted, repos[i].displayName())
			}
		}
		rows = slices.DeleteFunc(rows, func(r UpdateRow) bool { return r.Repo == "" })
	}
	if results.err != nil {
		return nil, fmt.Errorf("--results: %w", results.err)
	}
	res.Rows, res.Summary = rows, SummarizeUpdate(rows)
	return res, ctx.Err()
}

func updateOne(ctx context.Context, d UpdateDeps, o UpdateOptions, r Repo, renderMu *sync.Mutex) UpdateRow {
	row := UpdateRow{Repo: gitauth.Redact(r.Name), Result: "failed"}
	dir := "" // the temporary clone, which messages name by paths in the repository
	fail := func(err error) UpdateRow {
		if d.Hint != nil {
			err = d.Hint(err)
		}
		row.Error = err.Error()
		if ctx.Err() != nil && (errors.Is(err, context.Canceled) || strings.Contains(row.Error, context.Canceled.Error())) {
			row.Error = "cancelled" // stopped midway by Ctrl-C: what the library was doing is no news
		}
		if dir != "" {
			row.Error = strings.ReplaceAll(row.Error, dir+string(filepath.Separator), "")
		}
		return row
	}
	tmp, err := os.MkdirTemp("", "idp-fleet-*")
	if err != nil {
		return fail(err)
	}
	defer os.RemoveAll(tmp)
	// Named as the repository, since conflict markers name the service by its directory.
	name := strings.TrimSuffix(path.Base(strings.TrimSuffix(filepath.ToSlash(r.Location), "/")), ".git")
	if name == "" || name == "." || name == "/" {
		name = "service"
	}
	dir = filepath.Join(tmp, name)
	cred := d.Credentials(r.Location)
	if cred.Err != nil {
		return fail(cred.Err)
	}
	if _, err := git.PlainCloneContext(ctx, dir, false, &git.CloneOptions{
		URL: r.Location, Auth: cred.Auth, SingleBranch: true, Tags: git.NoTags,
	}); err != nil {
		if nb := remoteDefaultBranch(ctx, r.Location, cred.Auth, err); nb != err {
			return fail(nb)
		}
		if d.Explain != nil {
			err = d.Explain(r.Location, err)
		}
		return fail(fmt.Errorf("clone: %w", err))
	}
	// update.Open would name the temporary clone and its --dir flag, neither of which the
	// user has; what is true of the repository is that its default branch has no record.
	if _, err := os.Lstat(filepath.Join(dir, provenance.FileName)); errors.Is(err, fs.ErrNotExist) {
		return fail(fmt.Errorf("%w: not a service made by idp (idp adopt makes it one)", ErrNoRecord))
	}
	do := o.Do
	do.Dir, do.Mode = dir, update.ModeBot
	renderMu.Lock()
	out, err := update.Do(ctx, d.Update, do)
	renderMu.Unlock()
	if out != nil {
		row.Template, row.From, row.Held, row.PassedOver = out.Name, out.Current, out.Held, out.Passed
	}
	if err != nil {
		return fail(err)
	}
	switch {
	case out.NeedsInput:
		row.To, row.Result = out.Current, "needsInput"
		return row
	case out.Newer:
		row.To, row.Result = out.Current, "unchanged"
		return row
	}
	res := out.Result
	row.To, row.Conflicts = res.To, res.Conflicts
	push := o.Push
	push.Display = row.Repo
	if row.Push, err = bot.Push(ctx, d.Push, push, out.Planned, res, out.NotRun); err != nil {
		return fail(err)
	}
	// A branch still waiting with conflicts counts as conflicts on every run, pushed or not:
	// the summary names the services that need someone.
	switch p := row.Push.Push; {
	case res.Conflicts > 0 && (p == "created" || p == "updated" || p == "unchanged"):
		row.Result = "conflicts"
	case p == "created" || p == "updated":
		row.Result = "updated"
	default:
		row.Result = "unchanged"
	}
	return row
}
