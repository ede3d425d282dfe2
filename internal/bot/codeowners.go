package bot

import (
	"path"
	"regexp"
	"strings"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// codeownersPaths are where the forges look for CODEOWNERS: GitHub in .github/, the root and
// docs/; GitLab in the root, docs/ and .gitlab/; Gitea in the root, docs/ and .gitea/. The
// first found is the file.
var codeownersPaths = []string{".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS", ".gitlab/CODEOWNERS", ".gitea/CODEOWNERS"}

// codeownersRule is one line of CODEOWNERS: a pattern and its owners.
type codeownersRule struct {
	re     *regexp.Regexp
	owners []string
}

// codeowners reads CODEOWNERS from the commit at the head of repo (the default branch's, which
// the bot builds on: never the files on disk). found is false when there is none.
func codeowners(repo *git.Repository) (rules []codeownersRule, file string, found bool, err error) {
	ref, err := repo.Head()
	if err != nil {
		return nil, "", false, err
	}
	c, err := repo.CommitObject(ref.Hash())
	if err != nil {
		return nil, "", false, err
	}
	for _, p := range codeownersPaths {
		f, err := c.File(p)
		if err == object.ErrFileNotFound {
			continue
		}
		if err != nil {
			return nil, p, false, err
		}
		text, err := f.Contents()
		if err != nil {
			return nil, p, false, err
		}
		return parseCodeowners(text), p, true, nil
	}
	return nil, "", false, nil
}

// parseCodeowners reads the rules of a CODEOWNERS file: a gitignore-style pattern and the
// owners after it, @user, @org/team (GitLab: @group/subgroup) or an e-mail address, which
// names no account here and is left out. GitLab's section headers ([Section] owners) are
// skipped; their rules count like any other.
func parseCodeowners(text string) []codeownersRule {
	var rules []codeownersRule
	for _, line := range strings.Split(text, "\n") {
		if i := strings.Index(line, "#"); i >= 0 && (i == 0 || line[i-1] != '\\') {
			line = line[:i]
		}
		f := strings.Fields(line)
		if len(f) == 0 || strings.HasPrefix(f[0], "[") || strings.HasPrefix(f[0], "^[") {
			continue
		}
		re := patternRE(strings.ReplaceAll(f[0], `\#`, "#"))
		if re == nil {
			continue
		}
		var owners []string
		for _, o := range f[1:] {
			if strings.HasPrefix(o, "@") {
				owners = append(owners, o)
			}
		}
		rules = append(rules, codeownersRule{re: re, owners: owners})
	}
	return rules
}

// patternRE is a CODEOWNERS pattern as a regular expression over a path from the repository's
// root: a pattern with a slash before its end is anchored at the root, one without matches at
// any depth; a match on a directory covers what is under it; * and ? stay within a directory,
// ** crosses them.
func patternRE(p string) *regexp.Regexp {
	dirOnly := strings.HasSuffix(p, "/")
	p = strings.TrimSuffix(p, "/")
	anchored := strings.Contains(p, "/")
	p = strings.TrimPrefix(p, "/")
	if p == "" {
		return nil
	}
	var b strings.Builder
	b.WriteString("^")
	if !anchored {
		b.WriteString("(?:.*/)?")
	}
	for i := 0; i < len(p); i++ {
		switch {
		case strings.HasPrefix(p[i:], "**/"):
			b.WriteString("(?:.*/)?")
			i += 2
		case strings.HasPrefix(p[i:], "**"):
			b.WriteString(".*")
			i++
		case p[i] == '*':
			b.WriteString("[^/]*")
		case p[i] == '?':
			b.WriteString("[^/]")
		default:
			b.WriteString(regexp.QuoteMeta(p[i : i+1]))
		}
	}
	if dirOnly {
		b.WriteString("/.*$")
	} else {
		b.WriteString("(?:/.*)?$")
	}
	re, err := regexp.Compile(b.String())
	if err != nil {
		return nil
	}
	return re
}

// ownersOf are the owners of paths: for each, the last rule that matches it, as the forges
// read CODEOWNERS; in the order first met.
func ownersOf(rules []codeownersRule, paths []string) []string {
	var out []string
	for _, p := range paths {
		p = strings.TrimPrefix(path.Clean("/"+p), "/")
		for i := len(rules) - 1; i >= 0; i-- {
			if rules[i].re.MatchString(p) {
				for _, o := range rules[i].owners {
					out = appendOnce(out, o)
				}
				break
			}
		}
	}
	return out
}
