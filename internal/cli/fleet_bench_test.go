package cli

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/idp-cli/idp/internal/testutil/gitserver"
)

// fleetRig is a fleet of services made from the shipped go-service golden path (in a git source
// at v1.0.0, with v1.1.0 tagged after), each in its own repository on a real git server, and
// the idp binary built from this tree.
type fleetRig struct {
	bin, repos, root string
	srv              *gitserver.Server
	env              []string
	names            []string
}

// newFleetRig makes a fleet of n services; bin is the idp binary to run.
func newFleetRig(b *testing.B, n int, bin string) *fleetRig {
	b.Helper()
	root := b.TempDir()
	r := &fleetRig{root: root, bin: bin}
	src := filepath.Join(root, "src")
	if out, err := exec.Command("cp", "-r", "../../templates", src).CombinedOutput(); err != nil {
		b.Fatalf("copy templates: %v\n%s", err, out)
	}
	os.Remove(filepath.Join(src, "embed.go"))
	os.RemoveAll(filepath.Join(src, "testdata"))
	os.Remove(filepath.Join(src, "templates_test.go"))
	gitIn(b, src, "init", "-q", "-b", "main")
	gitIn(b, src, "add", "-A")
	gitIn(b, src, "commit", "-q", "-m", "v1")
	gitIn(b, src, "tag", "v1.0.0")

	r.srv = gitserver.StartAnonymousRead(b, "x-access-token", "bench-token")
	home := filepath.Join(root, "home")
	os.MkdirAll(home, 0o755)
	r.env = append(os.Environ(), "HOME="+home, "XDG_CACHE_HOME="+filepath.Join(root, "cache"),
		"IDP_GIT_TOKEN=bench-token", "IDP_GIT_USERNAME=x-access-token", "IDP_NO_INPUT=1")
	var list strings.Builder
	svcs := filepath.Join(root, "made")
	for i := range n {
		name := fmt.Sprintf("svc%03d", i)
		url := r.srv.NewBare(b, "acme/"+name)
		r.idp(b, 0, "new", "service", name, "--source", "file://"+src, "--set", "owner=team-"+name,
			"-o", filepath.Join(svcs, name), "--remote", url)
		fmt.Fprintln(&list, url)
		r.names = append(r.names, name)
	}
	os.RemoveAll(svcs)
	r.repos = filepath.Join(root, "repos.txt")
	os.WriteFile(r.repos, []byte(list.String()), 0o644)

	// v1.1.0 changes three files of every service.
	for file, add := range map[string]string{
		"go-service/skeleton/Dockerfile":                   "\n# scanned by the platform\n",
		"go-service/skeleton/.github/workflows/ci.yaml":    "\n# v1.1.0: lint job next\n",
		"go-service/skeleton/deploy/k8s/base/service.yaml": "\n# v1.1.0\n",
	} {
		f, err := os.OpenFile(filepath.Join(src, file), os.O_APPEND|os.O_WRONLY, 0)
		if err != nil {
			b.Fatal(err)
		}
		f.WriteString(add)
		f.Close()
	}
	gitIn(b, src, "commit", "-q", "-am", "v1.1.0")
	gitIn(b, src, "tag", "v1.1.0")
	return r
}

// idp runs the binary, fails on another exit code than want, and returns its peak RSS in bytes.
func (r *fleetRig) idp(b *testing.B, want int, args ...string) int64 {
	b.Helper()
	cmd := exec.Command(r.bin, args...)
	cmd.Env = r.env
	out, err := cmd.CombinedOutput()
	code := 0
	if err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			b.Fatal(err)
		}
		code = ee.ExitCode()
	}
	if code != want {
		b.Fatalf("idp %s: exit %d, want %d\n%s", strings.Join(args, " "), code, want, out)
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		return ru.Maxrss * 1024 // kilobytes on Linux
	}
	return 0
}

// resetBranches deletes the bot's branches, so that every fleet update does the whole work.
func (r *fleetRig) resetBranches(b *testing.B) {
	b.Helper()
	for _, name := range r.names {
		cmd := exec.Command("git", "--git-dir", filepath.Join(r.srv.Root, "acme", name+".git"), "update-ref", "-d", "refs/heads/idp/update-go-service")
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("%v\n%s", err, out)
		}
	}
}

// BenchmarkFleet runs the real binary over 100 services on the git server with 8 workers:
// status (read every .idp.yaml and measure the drift) and update (clone, update, commit and
// push each one's bot branch); peak-RSS-MB is the process's. 25 services show that memory does
// not grow with the fleet. git-baseline is the git work a fleet update cannot avoid, done by
// git itself 8 at a time: clone each repository, commit, push one new branch.
func BenchmarkFleet(b *testing.B) {
	bin := filepath.Join(b.TempDir(), "idp")
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/idp-cli/idp/cmd/idp").CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	for _, n := range []int{100, 25} {
		r := newFleetRig(b, n, bin)
		b.Run(fmt.Sprintf("status/repos=%d", n), func(b *testing.B) {
			var rss int64
			for b.Loop() {
				rss = max(rss, r.idp(b, 0, "fleet", "status", "--repos", r.repos, "--jobs", "8", "--output", "json"))
			}
			b.ReportMetric(float64(rss)/(1<<20), "peak-RSS-MB")
		})
		b.Run(fmt.Sprintf("update/repos=%d", n), func(b *testing.B) {
			var rss int64
			for b.Loop() {
				b.StopTimer()
				r.resetBranches(b)
				b.StartTimer()
				rss = max(rss, r.idp(b, 0, "fleet", "update", "--repos", r.repos, "--jobs", "8"))
			}
			b.ReportMetric(float64(rss)/(1<<20), "peak-RSS-MB")
		})
		if n == 100 {
			b.Run("git-baseline/repos=100", func(b *testing.B) { gitBaseline(b, r) })
		}
	}
}

func gitBaseline(b *testing.B, r *fleetRig) {
	work := b.TempDir()
	for b.Loop() {
		b.StopTimer()
		os.RemoveAll(work)
		os.MkdirAll(work, 0o755)
		b.StartTimer()
		var wg sync.WaitGroup
		sem := make(chan struct{}, 8)
		for _, name := range r.names {
			wg.Add(1)
			sem <- struct{}{}
			go func() {
				defer func() { <-sem; wg.Done() }()
				dir := filepath.Join(work, name)
				for _, args := range [][]string{
					{"clone", "-q", "--single-branch", "--no-tags", r.srv.CredentialURL("acme/" + name), dir},
					{"-C", dir, "-c", "user.name=b", "-c", "user.email=b@x", "commit", "-q", "--allow-empty", "-m", "baseline"},
					{"-C", dir, "push", "-q", "-f", "origin", "HEAD:refs/heads/baseline"},
				} {
					cmd := exec.Command("git", args...)
					cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "GIT_TERMINAL_PROMPT=0")
					if out, err := cmd.CombinedOutput(); err != nil {
						b.Errorf("git %v: %v\n%s", args, err, out)
					}
				}
			}()
		}
		wg.Wait()
	}
}
