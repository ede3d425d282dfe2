package fleet

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"sync"
	"testing"
	"time"

	"github.com/idp-cli/idp/internal/builtin"
	"github.com/idp-cli/idp/internal/forge"
	"github.com/idp-cli/idp/internal/forge/forgetest"
	"github.com/idp-cli/idp/internal/gitauth"
	"github.com/idp-cli/idp/internal/source"
	"github.com/idp-cli/idp/internal/testutil/gitserver"
)

// scaleRig is a GitHub organization of n services on the forge fake, each with its .idp.yaml
// (read through the API) and its history on the local git server (cloned by fleet status for
// lead times): one service repository, served under n names, so that a fleet of thousands is
// made in seconds.
type scaleRig struct {
	fake *forgetest.Fake
	src  string // the golden paths' source, v1.0.0 and v1.1.0 tagged
	n    int
}

func scaleGit(tb testing.TB, dir string, args ...string) {
	tb.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@x", "GIT_COMMITTER_NAME=t",
		"GIT_COMMITTER_EMAIL=t@x", "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL="+os.DevNull)
	if out, err := cmd.CombinedOutput(); err != nil {
		tb.Fatalf("git %v: %v\n%s", args, err, out)
	}
}

func scaleWrite(tb testing.TB, dir string, files map[string]string) {
	tb.Helper()
	for p, data := range files {
		os.MkdirAll(filepath.Join(dir, filepath.Dir(p)), 0o755)
		if err := os.WriteFile(filepath.Join(dir, p), []byte(data), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
}

// newScaleRig makes the fleet: acme/svc-0000 … on the fake, each every tenth of them without
// .idp.yaml (not a service); every service on v1.0.0 of svc, one release behind.
func newScaleRig(tb testing.TB, n int) *scaleRig {
	tb.Helper()
	r := &scaleRig{n: n, src: filepath.Join(tb.TempDir(), "golden-paths")}
	scaleWrite(tb, r.src, map[string]string{
		"svc/template.yaml":     "apiVersion: idp/v1\nkind: Template\ntype: service\nparameters:\n  - name: name\n    required: true\n",
		"svc/skeleton/app.yaml": "name: {{ .name }}\n",
	})
	scaleGit(tb, r.src, "init", "-q", "-b", "main")
	scaleGit(tb, r.src, "add", "-A")
	scaleGit(tb, r.src, "commit", "-q", "-m", "v1")
	scaleGit(tb, r.src, "tag", "v1.0.0")
	scaleGit(tb, r.src, "commit", "-q", "--allow-empty", "-m", "v1.1")
	scaleGit(tb, r.src, "tag", "v1.1.0")
	rec := record(r.src, "v1.0.0")

	srv := gitserver.StartAnonymousRead(tb, "x-access-token", "scale-token")
	srv.NewBare(tb, "proto/service")
	work := filepath.Join(tb.TempDir(), "service")
	scaleWrite(tb, work, map[string]string{".idp.yaml": rec, "app.yaml": "name: x\n"})
	scaleGit(tb, work, "init", "-q", "-b", "main")
	scaleGit(tb, work, "add", "-A")
	scaleGit(tb, work, "commit", "-q", "-m", "Made by idp from svc v1.0.0")
	scaleGit(tb, work, "push", "-q", filepath.Join(srv.Root, "proto", "service.git"), "main")
	os.MkdirAll(filepath.Join(srv.Root, "acme"), 0o755)

	r.fake = forgetest.GitHub(tb)
	r.fake.LogBriefly() // thousands of requests: idp's memory is measured, not the fake's log
	for i := range n {
		name := fmt.Sprintf("svc-%04d", i)
		if err := os.Symlink(filepath.Join(srv.Root, "proto", "service.git"), filepath.Join(srv.Root, "acme", name+".git")); err != nil {
			tb.Fatal(err)
		}
		r.fake.AddRepo(forgetest.Repo{Owner: "acme", Name: name, CloneURL: srv.URL + "/acme/" + name + ".git"})
		if i%10 != 9 {
			r.fake.SetFile("acme", name, ".idp.yaml", []byte(rec))
		}
	}
	return r
}

// services is how many of the fleet have .idp.yaml.
func (r *scaleRig) services() int { return r.n - r.n/10 }

func scaleDeps(tb testing.TB, api forge.Provider) StatusDeps {
	cache := tb.TempDir()
	return StatusDeps{
		Forge:       api,
		Credentials: func(string) gitauth.Result { return gitauth.Result{} },
		OpenCatalog: func(ctx context.Context, loc string) (*source.Catalog, error) {
			return source.OpenCatalog(ctx, loc, source.OpenOptions{CacheDir: cache, Builtin: &builtin.History{}})
		},
	}
}

// check fails unless every service of the fleet has its row, one release behind, with its
// history read.
func (r *scaleRig) check(tb testing.TB, res *StatusResult) {
	tb.Helper()
	if len(res.Rows) != r.services() {
		tb.Fatalf("%d rows, want %d", len(res.Rows), r.services())
	}
	for _, row := range res.Rows {
		if row.Error != "" || row.Version != "v1.0.0" || row.Latest != "v1.1.0" || len(row.Warnings) != 0 || len(row.Moves) != 1 {
			tb.Fatalf("row %+v", row)
		}
	}
	if ad := res.Summary.Adoption; ad == nil || ad.Repositories != r.n || ad.OnGoldenPath != r.services() {
		tb.Fatalf("adoption %+v", res.Summary.Adoption)
	}
}

// peakHeap samples the heap's live and unswept objects every millisecond until stop is called,
// which returns the most seen.
func peakHeap() (stop func() uint64) {
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	var peak uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(sample)
			peak = max(peak, sample[0].Value.Uint64())
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	})
	return func() uint64 { close(done); wg.Wait(); return peak }
}

// BenchmarkFleetStatusScale runs fleet status on GitHub (the engine of `idp fleet status
// --provider github --owner acme --jobs 8`) over 100 and 1,000 repositories: listing, the
// batched reads of .idp.yaml and the bot's pull requests, the drift, and each service's
// history cloned from the git server. api-calls/repo counts every request the forge fake
// received; batched-reads/repo the GraphQL queries among them (100 repositories each);
// peak-heap-MB is the most heap in use while it ran, above what it was before (the fake's
// repositories included, its log of requests kept brief). scripts/bench.sh scale projects
// them to 10,000.
func BenchmarkFleetStatusScale(b *testing.B) {
	for _, n := range []int{100, 1000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			r := newScaleRig(b, n)
			api, err := forge.New("github", forge.Options{Host: r.fake.URL, Token: forgetest.Token})
			if err != nil {
				b.Fatal(err)
			}
			var calls, reads, runs int
			var peak uint64
			for b.Loop() {
				b.StopTimer()
				d := scaleDeps(b, api)
				before := len(r.fake.Requests())
				batched := r.fake.BatchReads()
				runtime.GC()
				var base metrics.Sample
				base.Name = "/memory/classes/heap/objects:bytes"
				s := []metrics.Sample{base}
				metrics.Read(s)
				stop := peakHeap()
				b.StartTimer()
				res, err := ReadStatus(context.Background(), d, StatusOptions{Owner: "acme", Jobs: 8})
				b.StopTimer()
				top := stop()
				if err != nil {
					b.Fatal(err)
				}
				r.check(b, res)
				calls += len(r.fake.Requests()) - before
				reads += r.fake.BatchReads() - batched
				runs++
				if top > s[0].Value.Uint64() {
					peak = max(peak, top-s[0].Value.Uint64())
				}
				b.StartTimer()
			}
			b.ReportMetric(float64(calls)/float64(runs*n), "api-calls/repo")
			b.ReportMetric(float64(reads)/float64(runs*n), "batched-reads/repo")
			b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
		})
	}
}
