package fleet

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/idp-cli/idp/internal/forge"
	"github.com/idp-cli/idp/internal/forge/forgetest"
	"github.com/idp-cli/idp/internal/testutil/fleetrig"
)

func day(month time.Month, d int) time.Time { return fleetrig.Day(month, d) }

// TestReadStatusMeasuresTheFleet reads a fleet whose numbers are known (see fleetrig) through
// each forge's documented API and a real git server: adoption, each service's history and lead
// time, the bot's pull requests, and divergence from the recorded version's own render.
func TestReadStatusMeasuresTheFleet(t *testing.T) {
	for _, provider := range []string{"github", "gitlab", "gitea"} {
		t.Run(provider, func(t *testing.T) {
			rig := fleetrig.New(t, provider)
			api, err := forge.New(provider, forge.Options{Host: rig.Fake.URL, Token: forgetest.Token})
			if err != nil {
				t.Fatal(err)
			}
			d := deps(t)
			d.Forge = api
			d.Now = func() time.Time { return rig.Now }
			res, err := ReadStatus(context.Background(), d, StatusOptions{Owner: fleetrig.Owner, Jobs: 3, All: true, Divergence: true})
			if err != nil {
				t.Fatal(err)
			}

			var got []string
			for _, r := range res.Rows {
				line := fmt.Sprintf("%s %s behind=%s", r.Repo, r.Version, ptr(r.Behind))
				for _, m := range r.Moves {
					line += fmt.Sprintf(" | %s<-%q %s lead=%s", m.Version, m.From, m.At.Format(time.DateOnly), ptr64(m.LeadTimeSeconds))
				}
				for _, pr := range r.PullRequests {
					line += fmt.Sprintf(" | #%d %s %s->%s age=%s ttm=%s", pr.Number, pr.State, pr.From, pr.To, ptr64(pr.AgeSeconds), ptr64(pr.TimeToMergeSeconds))
				}
				for _, f := range r.Diverged {
					line += " | " + f.Path + " " + f.Change
				}
				if r.Error != "" || len(r.Warnings) > 0 {
					line += " | " + r.Error + strings.Join(r.Warnings, "; ")
				}
				got = append(got, line)
			}
			want := []string{
				`acme/billing v1.1.0 behind=0 | v1.0.0<-"" 2026-01-11 lead=- | v1.1.0<-"v1.0.0" 2026-03-11 lead=864000 | #2 merged v1.0.0->v1.1.0 age=- ttm=518400`,
				`acme/ledger v1.0.0 behind=1 | v1.0.0<-"" 2026-01-13 lead=- | #2 closed v1.0.0->v1.1.0 age=- ttm=- | app.yaml modified | config.yaml deleted`,
				`acme/search v1.0.0 behind=1 | v1.0.0<-"" 2026-01-12 lead=- | #2 draft v1.0.0->v1.1.0 age=864000 ttm=-`,
				`acme/shop v1.1.0 behind=0 | v1.0.0<-"" 2026-01-10 lead=- | v1.1.0<-"v1.0.0" 2026-03-03 lead=172800 | #2 merged v1.0.0->v1.1.0 age=- ttm=86400`,
			}
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("rows:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}

			s := res.Summary
			if a := s.Adoption; a == nil || *a != (Adoption{Repositories: 6, OnGoldenPath: 4, NotOnGoldenPath: 2, Share: 4.0 / 6, Archived: 1}) {
				t.Errorf("adoption: %+v", a)
			}
			var not []string
			for _, r := range res.NotOnGoldenPath {
				not = append(not, r.Repo)
			}
			if strings.Join(not, " ") != "acme/docs acme/wiki" {
				t.Errorf("not on a golden path: %v", not)
			}
			if len(s.Paths) != 1 {
				t.Fatalf("golden paths: %+v", s.Paths)
			}
			p := s.Paths[0]
			var rel []string
			for _, r := range p.Releases {
				lt := "-"
				if r.LeadTime != nil {
					lt = fmt.Sprintf("%d/%d", r.LeadTime.MedianSeconds, r.LeadTime.P90Seconds)
				}
				rel = append(rel, fmt.Sprintf("%s %s services=%d updated=%d lead=%s", r.Version, r.Tagged.Format(time.DateOnly), r.Services, r.Updated, lt))
			}
			if want := "v1.1.0 2026-03-01 services=2 updated=2 lead=518400/864000|v1.0.0 2026-01-01 services=2 updated=0 lead=-"; strings.Join(rel, "|") != want {
				t.Errorf("releases:\n%s\nwant:\n%s", strings.Join(rel, "|"), want)
			}
			if pr := p.PullRequests; pr == nil || pr.Open != 0 || pr.Draft != 1 || pr.Merged != 2 || pr.Closed != 1 || pr.None != 0 ||
				pr.MedianTimeToMergeSeconds == nil || *pr.MedianTimeToMergeSeconds != 302400 {
				t.Errorf("pull requests: %+v", pr)
			}
			if fmt.Sprint(p.DivergedFiles) != "[{app.yaml 1 1 0} {config.yaml 1 0 1}]" || p.Measured != 4 {
				t.Errorf("diverged files: %v, measured %d", p.DivergedFiles, p.Measured)
			}
		})
	}
}

// TestPercentile: nearest rank, and the mean of the middle two for an even median.
func TestPercentile(t *testing.T) {
	for _, c := range []struct {
		xs   []int64
		p    int
		want int64
	}{
		{[]int64{5}, 50, 5}, {[]int64{5}, 90, 5},
		{[]int64{10, 2}, 50, 6}, {[]int64{10, 2}, 90, 10},
		{[]int64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 90, 9}, {[]int64{3, 1, 2}, 50, 2},
		{[]int64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, 90, 10},
	} {
		if got := percentile(c.xs, c.p); got != c.want {
			t.Errorf("percentile(%v, %d) = %d, want %d", c.xs, c.p, got, c.want)
		}
	}
}

func ptr(p *int) string {
	if p == nil {
		return "-"
	}
	return fmt.Sprint(*p)
}

func ptr64(p *int64) string {
	if p == nil {
		return "-"
	}
	return fmt.Sprint(*p)
}
