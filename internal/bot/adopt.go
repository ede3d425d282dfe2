package bot

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/idp-cli/idp/internal/gitrepo"
	"github.com/idp-cli/idp/internal/layer"
	"github.com/idp-cli/idp/internal/provenance"
	"github.com/idp-cli/idp/internal/update"
)

// Adopt is `idp adopt --push`: the adoption worked out without touching the repository's files,
// committed on top of the default branch and pushed to idp/adopt-<golden path>, with its pull
// request (a draft when files are in conflict), so that a platform team can bring repositories
// onto a golden path by pull request. Once the default branch has .idp.yaml for that golden
// path, the branch and its pull request are done with: deleted and closed.
func Adopt(ctx context.Context, ld layer.Deps, pd PushDeps, ao layer.AdoptOptions, po PushOptions) (*layer.Result, *Report, error) {
	branch := po.Branch
	if branch == "" {
		branch = "idp/adopt-" + ao.Template
	}
	if _, err := os.Lstat(filepath.Join(ao.Dir, provenance.FileName)); err == nil {
		// Adopted already: what is left is to close the bot's pull request.
		svc, err := update.Open(ao.Dir)
		if err != nil {
			return nil, nil, err
		}
		rec := svc.Record.Template
		if rec.Name != ao.Template {
			return nil, nil, fmt.Errorf("%s is on the golden path %s already (%s); idp adopt brings a repository onto its first one", po.Display, rec.Name, provenance.FileName)
		}
		repo, _ := svc.Repository()
		t, err := pd.target(repo, po)
		if err != nil {
			return nil, nil, err
		}
		rep, err := Run(ctx, Options{Repo: repo, Remote: pd.remote(t), Branch: branch, Author: gitrepo.DefaultAuthor, Now: pd.Now(),
			Template: rec.Name, From: "none", To: rec.Version, Unchanged: true, Forge: t.forge})
		return &layer.Result{Service: svc, Name: rec.Name, Version: rec.Version, Record: svc.Record}, rep, err
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, nil, err
	}
	ao.DryRun = true // the bot commits elsewhere; the files stay as they are
	res, err := layer.Adopt(ctx, ld, ao)
	if err != nil {
		return nil, nil, err
	}
	repo, rel := res.Service.Repository()
	t, err := pd.target(repo, po)
	if err != nil {
		return res, nil, err
	}
	if err := res.Service.CheckCleanFor(ctx, "adopt"); err != nil {
		return res, nil, err
	}
	var changes []gitrepo.Change
	var conflicts []string
	for _, w := range update.Writes(res.Changes) {
		changes = append(changes, gitrepo.Change{Path: path.Join(rel, w.Path), Remove: !w.Side.Exists, Mode: w.Side.Mode, Data: w.Side.Data})
	}
	data, err := provenance.Marshal(res.Record)
	if err != nil {
		return res, nil, err
	}
	changes = append(changes, gitrepo.Change{Path: path.Join(rel, provenance.FileName), Mode: 0o644, Data: data})
	for _, c := range res.Changes {
		if c.Action == update.Conflict {
			conflicts = append(conflicts, path.Join(rel, c.Path))
		}
	}
	version := res.Version
	if version == "" {
		version = "(unversioned)"
	}
	rep, err := Run(ctx, Options{
		Repo: repo, Remote: pd.remote(t), Branch: branch, Author: gitrepo.DefaultAuthor, Now: pd.Now(),
		Template: res.Name, From: "none", To: version, Changes: changes, Conflicts: conflicts,
		Title: fmt.Sprintf("chore(idp): adopt the golden path %s %s", res.Name, version),
		Body:  adoptBody(res, rel, version, conflicts), Forge: t.forge,
	})
	return res, rep, err
}

func adoptBody(res *layer.Result, rel, version string, conflicts []string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Brings this repository onto the golden path **%s %s**: its files are merged into the repository's against an empty base, so the golden path's own files are added, the repository's own are kept, and where both have a file with other content it is a conflict to resolve here.\n\n", res.Name, version)
	if len(res.Changes) > 0 {
		b.WriteString("| file | change |\n|---|---|\n")
		for _, c := range res.Changes {
			what := string(c.Action)
			if c.Reason != "" {
				what += ": " + c.Reason
			}
			fmt.Fprintf(&b, "| `%s` | %s |\n", path.Join(rel, c.Path), what)
		}
		b.WriteString("\n")
	}
	if len(conflicts) > 0 {
		fmt.Fprintf(&b, "**Conflicts** in %d %s: `%s`. Resolve them on this branch (keep yours, take the golden path's, or both), then mark this pull request ready.\n\n",
			len(conflicts), map[bool]string{true: "file", false: "files"}[len(conflicts) == 1], strings.Join(conflicts, "`, `"))
	}
	fmt.Fprintf(&b, "Made by `idp adopt --push --pull-request`. Once merged, `%s` records the golden path and its answers, and `idp update` keeps the repository on it.", path.Join(rel, provenance.FileName))
	return b.String()
}
