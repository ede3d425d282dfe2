// Package tmpltest runs a golden path's own tests: each answer set in tests/<case>.yaml is
// rendered and compared with the golden tree checked in at tests/<case>/, and, when trusted, the
// case's check command runs in the rendered tree.
package tmpltest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"

	"github.com/idp-cli/idp/internal/answers"
	"github.com/idp-cli/idp/internal/manifest"
	"github.com/idp-cli/idp/internal/merge"
	"github.com/idp-cli/idp/internal/render"
	"github.com/idp-cli/idp/internal/scaffold"
	"github.com/idp-cli/idp/internal/shell"
)

// Dir is the directory of a golden path that holds its test cases.
const Dir = "tests"

// IdpVersion is .idp.version in every case's render, whatever idp runs the tests, so that a
// golden tree holding it (a workflow pinning idp's action) does not change with each idp release.
const IdpVersion = "v0.0.0-test"

// maxCaseSize bounds a case file, as template.yaml is bounded.
const maxCaseSize = 1 << 20

// reYAMLLine is how the YAML parser places an error: "line 3: did not find ...".
var reYAMLLine = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^line (\d+): (.*)$`) })

// Case is one test case: an answer set and, optionally, a command to run in the rendered tree.
type Case struct {
	Name    string         // the file name without .yaml
	File    string         // tests/<name>.yaml
	Answers map[string]any // as in a values file
	Check   string
}

// Golden is the directory of the case's golden tree, relative to the golden path.
func (c *Case) Golden() string { return Dir + "/" + c.Name }

// Outcome of a case.
const (
	Passed  = "passed"  // the render matches the golden tree (and the check passed, if run)
	Failed  = "failed"  // the render differs from the golden tree, or the check failed
	Updated = "updated" // --update rewrote the golden tree
	Errored = "error"   // the case could not be rendered
)

// Check outcome.
const (
	CheckPassed  = "passed"
	CheckFailed  = "failed"
	CheckSkipped = "skipped" // not trusted
)

// Result is what one case came to.
type Result struct {
	Case    string       `json:"case"`
	Outcome string       `json:"result"`
	Files   int          `json:"files"`             // files in the rendered tree
	Differ  []string     `json:"differ,omitempty"`  // paths that differ from the golden tree
	Diff    string       `json:"diff,omitempty"`    // unified diff, golden tree to render
	Error   string       `json:"error,omitempty"`   // why the case could not run
	Check   *CheckResult `json:"check,omitempty"`   // nil when the case has no check
	Written bool         `json:"written,omitempty"` // the golden tree was (re)written
	Err     error        `json:"-"`                 // what Error says, for errors.Is
}

// CheckResult is how a case's check command went.
type CheckResult struct {
	Command string `json:"command"`
	Outcome string `json:"result"`
	Output  string `json:"output,omitempty"` // the command's output, when it failed
}

// Options for Run.
type Options struct {
	// Cases limits the run to these case names; empty runs every case.
	Cases []string
	// Update rewrites the golden trees that differ from the render.
	Update bool
	// Trust runs the cases' check commands.
	Trust bool
	// Render bounds each render.
	Render render.Options
}

// LoadCases reads every tests/*.yaml of the golden path in dir, sorted by name. A golden tree
// without its case file is an error, as is a case file that is not a valid case.
func LoadCases(dir string) ([]Case, error) {
	entries, err := os.ReadDir(filepath.Join(dir, Dir))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s: no %s/ directory; add a case as %s/<case>.yaml with the answers to render (idp template init writes one)", dir, Dir, Dir)
	}
	if err != nil {
		return nil, err
	}
	var cases []Case
	dirs := map[string]bool{}
	for _, e := range entries {
		name := e.Name()
		switch {
		case strings.HasPrefix(name, "."): // editors' files, and a scratch tree an --update left when cut short
		case e.IsDir():
			dirs[name] = true
		case strings.HasSuffix(name, ".yaml") && e.Type().IsRegular():
			c, err := readCase(dir, strings.TrimSuffix(name, ".yaml"))
			if err != nil {
				return nil, err
			}
			cases = append(cases, *c)
		}
	}
	for d := range dirs {
		if !slices.ContainsFunc(cases, func(c Case) bool { return c.Name == d }) {
			return nil, fmt.Errorf("%s/%s/ is a golden tree without %s/%s.yaml; add the case's answers or remove the directory", Dir, d, Dir, d)
		}
	}
	if len(cases) == 0 {
		return nil, fmt.Errorf("%s/ holds no cases; add %s/<case>.yaml with the answers to render", Dir, Dir)
	}
	sort.Slice(cases, func(i, j int) bool { return cases[i].Name < cases[j].Name })
	return cases, nil
}

func readCase(dir, name string) (*Case, error) {
	c := &Case{Name: name, File: Dir + "/" + name + ".yaml"}
	data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(c.File)))
	if err != nil {
		return nil, err
	}
	if len(data) > maxCaseSize {
		return nil, fmt.Errorf("%s: larger than 1 MiB; a case holds answers and a command", c.File)
	}
	var doc yaml.Node
	if err := yaml.NewDecoder(bytes.NewReader(data)).Decode(&doc); err != nil && !errors.Is(err, io.EOF) {
		msg := strings.TrimPrefix(err.Error(), "yaml: ")
		if m := reYAMLLine().FindStringSubmatch(msg); m != nil {
			return nil, fmt.Errorf("%s:%s: %s", c.File, m[1], m[2])
		}
		return nil, fmt.Errorf("%s: %s", c.File, msg)
	}
	if len(doc.Content) == 0 {
		c.Answers = map[string]any{}
		return c, nil
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%s:%d: a test case is a mapping with answers: and, optionally, check:", c.File, root.Line)
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		switch k.Value {
		case "answers":
			if v.ShortTag() == "!!null" {
				continue
			}
			if c.Answers, err = answers.ValuesNode(v, c.File); err != nil {
				// Not an *answers.InvalidError: the fault is in the golden path, not in what the
				// user typed, so it is no usage error.
				return nil, errors.New(err.Error())
			}
		case "check":
			if v.Kind != yaml.ScalarNode || v.ShortTag() != "!!str" || strings.TrimSpace(v.Value) == "" {
				return nil, fmt.Errorf("%s:%d: check is one shell command as a string, such as: go test ./...", c.File, v.Line)
			}
			c.Check = v.Value
		default:
			return nil, fmt.Errorf("%s:%d: unknown key %q; a test case has answers: and check:", c.File, k.Line, k.Value)
		}
	}
	if c.Answers == nil {
		c.Answers = map[string]any{}
	}
	return c, nil
}

// Run renders the golden path in dir with each case's answers and compares each render with its
// golden tree. Output of check commands is kept in the results, not printed. The error is for a
// golden path that cannot be tested at all (no template.yaml, no cases); a failing case is a
// Result.
func Run(ctx context.Context, dir string, o Options) ([]Result, error) {
	data, err := os.ReadFile(filepath.Join(dir, manifest.FileName))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%s: no %s; a golden path is a directory with %s and skeleton/", dir, manifest.FileName, manifest.FileName)
		}
		return nil, err
	}
	m, err := manifest.Parse(data, manifest.FileName, manifest.DirName(dir))
	if err != nil {
		return nil, err
	}
	cases, err := LoadCases(dir)
	if err != nil {
		return nil, err
	}
	if len(o.Cases) > 0 {
		var picked []Case
		for _, name := range o.Cases {
			i := slices.IndexFunc(cases, func(c Case) bool { return c.Name == name })
			if i < 0 {
				names := make([]string, len(cases))
				for j := range cases {
					names[j] = cases[j].Name
				}
				return nil, fmt.Errorf("no case %q in %s/; the cases are: %s", name, Dir, strings.Join(names, ", "))
			}
			picked = append(picked, cases[i])
		}
		cases = picked
	}
	// Cases run side by side, as many as there are CPUs: each renders to memory and checks in a
	// scratch copy of its own, and a check (a build, a test run with its waits) leaves the CPU
	// idle often enough that one at a time takes most of the time.
	results := make([]Result, len(cases))
	done := make([]bool, len(cases))
	sem := make(chan struct{}, max(1, runtime.GOMAXPROCS(0)))
	var wg sync.WaitGroup
	for i := range cases {
		if ctx.Err() != nil {
			break
		}
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			if ctx.Err() == nil {
				results[i], done[i] = runCase(ctx, dir, m, &cases[i], o), true
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		// What finished before the cancel, in order, up to the first case that did not.
		n := slices.Index(done, false)
		if n < 0 {
			n = len(done)
		}
		return results[:n], err
	}
	return results, nil
}

func runCase(ctx context.Context, dir string, m *manifest.Manifest, c *Case, o Options) Result {
	res := Result{Case: c.Name}
	fail := func(err error) Result {
		res.Outcome, res.Error, res.Err = Errored, err.Error(), err
		return res
	}
	ans, err := answers.Resolve(ctx, m, answers.Request{Values: c.Answers, ValuesFile: c.File})
	var missing *answers.MissingError
	if errors.As(err, &missing) {
		what := "parameter " + strings.Join(missing.Names(), ", ") + "; add it"
		if len(missing.Names()) > 1 {
			what = "parameters " + strings.Join(missing.Names(), ", ") + "; add them"
		}
		return fail(fmt.Errorf("%s: no answer for the required %s under answers:", c.File, what))
	}
	if err != nil {
		return fail(err)
	}
	ro := o.Render
	ro.IdpVersion = IdpVersion
	tree, err := render.RenderWith(ctx, os.DirFS(dir), m, ans.Data, ro)
	if err != nil {
		return fail(err)
	}
	res.Files = len(tree.Files)
	golden := filepath.Join(dir, filepath.FromSlash(c.Golden()))
	want, err := readTree(golden)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if !o.Update {
			return fail(fmt.Errorf("no golden tree %s/; run with --update to write it from the render, then review it", c.Golden()))
		}
		want = nil
	case err != nil:
		return fail(err)
	}
	res.Differ, res.Diff = compare(c.Golden(), want, tree)
	res.Outcome = Passed
	if len(res.Differ) > 0 || want == nil {
		if !o.Update {
			res.Outcome = Failed
		} else {
			if err := writeTree(golden, tree); err != nil {
				return fail(err)
			}
			res.Outcome, res.Written = Updated, true
		}
	}
	if c.Check != "" {
		res.Check = &CheckResult{Command: c.Check, Outcome: CheckSkipped}
		if o.Trust {
			if err := check(ctx, m, c, tree, res.Check); err != nil {
				return fail(err)
			}
			if res.Check.Outcome == CheckFailed {
				res.Outcome = Failed
			}
		}
	}
	return res
}

// check writes the render to a scratch directory, runs the case's command there and removes it.
func check(ctx context.Context, m *manifest.Manifest, c *Case, tree *render.Tree, out *CheckResult) error {
	scratch, err := os.MkdirTemp("", "idp-test-"+c.Name+"-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(scratch)
	if err := scaffold.WriteTree(scratch, tree); err != nil {
		return err
	}
	var buf bytes.Buffer
	err = shell.Run(ctx, scratch, c.Check, &buf, "IDP_TEMPLATE="+m.Name, "IDP_TEST_CASE="+c.Name)
	if ctx.Err() != nil {
		return ctx.Err()
	}
	out.Outcome = CheckPassed
	if err != nil {
		out.Outcome = CheckFailed
		out.Output = buf.String()
		if !strings.HasSuffix(out.Output, "\n") && out.Output != "" {
			out.Output += "\n"
		}
		out.Output += err.Error() + "\n"
	}
	return nil
}

// file is one file of a golden tree on disk.
type file struct {
	exec, link bool
	data       []byte
}

// readTree reads a golden tree: every file by slash path; directories only hold them.
func readTree(root string) (map[string]file, error) {
	info, err := os.Lstat(root)
	if err != nil {
		return nil, err
	}
	if !info.IsDir() {
		return nil, fmt.Errorf("%s is not a directory; the golden tree of a case is a directory", root)
	}
	files := map[string]file{}
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		var f file
		if d.Type()&fs.ModeSymlink != 0 {
			target, err := os.Readlink(p)
			if err != nil {
				return err
			}
			f.link, f.data = true, []byte(target)
		} else {
			info, err := d.Info()
			if err != nil {
				return err
			}
			f.exec = info.Mode().Perm()&0o100 != 0
			if f.data, err = os.ReadFile(p); err != nil {
				return err
			}
		}
		files[filepath.ToSlash(rel)] = f
		return nil
	})
	return files, err
}

// compare lists the paths where the render and the golden tree differ, and their unified diff:
// the golden tree is the old side, the render the new.
func compare(golden string, want map[string]file, tree *render.Tree) (differ []string, diff string) {
	var b strings.Builder
	seen := make(map[string]bool, len(tree.Files))
	for i := range tree.Files {
		f := &tree.Files[i]
		seen[f.Path] = true
		got := file{link: f.IsSymlink(), exec: f.Mode.Perm()&0o100 != 0, data: f.Data}
		w, ok := want[f.Path]
		name := golden + "/" + f.Path
		switch {
		case !ok:
			b.WriteString(unified("/dev/null", name, nil, got))
		case w.link != got.link || !bytes.Equal(w.data, got.data):
			b.WriteString(unified(name, name, &w, got))
		case w.exec != got.exec:
			fmt.Fprintf(&b, "mode %s: %s -> %s\n", name, modeOf(w), modeOf(got))
		default:
			continue
		}
		differ = append(differ, f.Path)
	}
	var gone []string
	for p := range want {
		if !seen[p] {
			gone = append(gone, p)
		}
	}
	sort.Strings(gone)
	for _, p := range gone {
		w := want[p]
		b.WriteString(unified(golden+"/"+p, "/dev/null", &w, file{}))
		differ = append(differ, p)
	}
	sort.Strings(differ)
	return differ, b.String()
}

func modeOf(f file) string {
	if f.exec {
		return "0755"
	}
	return "0644"
}

// unified diffs two sides of one file, the golden tree's (old; nil when the file is new) and
// the render's. Both sides name the file in the golden tree, where --update would write the
// render; the label after a tab (where patch tools look for a date) says which side is which.
func unified(oldName, newName string, old *file, new file) string {
	var before file
	if old != nil {
		before = *old
	}
	label := func(name, side string, f file) string {
		if name == "/dev/null" {
			return name
		}
		if f.link {
			side += ", a symlink"
		}
		return name + "\t(" + side + ")"
	}
	from, to := label(oldName, "golden tree", before), label(newName, "render", new)
	out := merge.Unified(from, to, before.data, new.data)
	if out == "" { // same text, one side a symlink
		out = fmt.Sprintf("--- %s\n+++ %s\n", from, to)
	}
	return out
}

// writeTree replaces the golden tree at dir with tree: written beside it first, then swapped in,
// so that a failure leaves the old golden tree as it was.
func writeTree(dir string, tree *render.Tree) error {
	parent := filepath.Dir(dir)
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(dir)+"-new-")
	if err != nil {
		return err
	}
	if err := scaffold.WriteTree(tmp, tree); err != nil {
		os.RemoveAll(tmp)
		return err
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		os.RemoveAll(tmp)
		return err
	}
	old := ""
	if _, err := os.Lstat(dir); err == nil {
		old = filepath.Join(parent, "."+filepath.Base(dir)+"-old")
		os.RemoveAll(old)
		if err := os.Rename(dir, old); err != nil {
			os.RemoveAll(tmp)
			return err
		}
	}
	if err := os.Rename(tmp, dir); err != nil {
		if old != "" {
			os.Rename(old, dir)
		}
		os.RemoveAll(tmp)
		return err
	}
	if old != "" {
		return os.RemoveAll(old)
	}
	return nil
}
