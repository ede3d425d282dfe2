package fleet

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/idp-cli/idp/internal/forge"
	"github.com/idp-cli/idp/internal/forge/forgetest"
)

// bigFleet is a fake GitHub organization of n repositories: every tenth archived, every
// seventh a fork, every third with the topic "service".
func bigFleet(t *testing.T, n int) (*forgetest.Fake, forge.Provider) {
	fake := forgetest.GitHub(t)
	for i := range n {
		r := forgetest.Repo{Owner: "acme", Name: fmt.Sprintf("svc-%04d", i), Archived: i%10 == 9, Fork: i%7 == 6}
		if i%3 == 0 {
			r.Topics = []string{"Service", "go"}
		}
		fake.AddRepo(r)
	}
	api, err := forge.New("github", forge.Options{Host: fake.URL, Token: forgetest.Token})
	if err != nil {
		t.Fatal(err)
	}
	return fake, api
}

func TestShardsCoverFleetOnce(t *testing.T) {
	const n = 1000
	_, api := bigFleet(t, n)
	ctx := context.Background()
	all, err := Discover(ctx, api, "acme", Filter{}, Shard{})
	if err != nil {
		t.Fatal(err)
	}
	// 100 archived; forks among the others: i%7 == 6 and i%10 != 9.
	forks := 0
	for i := range n {
		if i%7 == 6 && i%10 != 9 {
			forks++
		}
	}
	if got, want := len(all.Repos), n-100-forks; got != want || all.Skipped["archived"] != 100 || all.Skipped["fork"] != forks {
		t.Fatalf("discovered %d, skipped %v; want %d, 100 archived, %d forks", got, all.Skipped, want, forks)
	}
	seen := map[string]int{}
	for i := range 4 {
		s, err := ParseShard(fmt.Sprintf("%d/4", i))
		if err != nil {
			t.Fatal(err)
		}
		part, err := Discover(ctx, api, "acme", Filter{}, s)
		if err != nil {
			t.Fatal(err)
		}
		// Hash shards are not equal, but none is far from a quarter.
		if len(part.Repos) < len(all.Repos)/4-60 || len(part.Repos) > len(all.Repos)/4+60 {
			t.Errorf("shard %s has %d of %d repositories", s, len(part.Repos), len(all.Repos))
		}
		for _, r := range part.Repos {
			seen[r.Owner+"/"+r.Name]++
		}
	}
	for _, r := range all.Repos {
		if c := seen[r.Owner+"/"+r.Name]; c != 1 {
			t.Errorf("%s/%s is in %d shards, want 1", r.Owner, r.Name, c)
		}
	}
	if len(seen) != len(all.Repos) {
		t.Errorf("shards hold %d repositories, the fleet %d", len(seen), len(all.Repos))
	}
}

// The documented hash: FNV-1a 64 of the lower-case full name, mod N. These values are in
// docs/scale.md; changing them moves repositories between shards mid-campaign.
func TestShardOfIsStable(t *testing.T) {
	for name, want := range map[string]int{"acme/payments": 3, "ACME/Payments": 3, "acme/ledger": 1, "acme/search": 0} {
		if got := ShardOf(name, 4); got != want {
			t.Errorf("ShardOf(%q, 4) = %d, want %d", name, got, want)
		}
	}
	list := Repo{Name: "https://github.com/acme/payments.git", Location: "https://github.com/acme/payments.git"}
	if got := list.FullName(); got != "acme/payments" {
		t.Errorf("FullName of a listed URL = %q, want acme/payments (as the forge lists it)", got)
	}
}

func TestParseShard(t *testing.T) {
	for in, want := range map[string]string{
		"0/4": "", "3/4": "", "0/1": "",
		"4/4":  `--shard "4/4": I counts from 0 and must be below N (0/4 to 3/4)`,
		"-1/4": `--shard "-1/4": I counts from 0 and must be below N (0/4 to 3/4)`,
		"1/0":  `--shard "1/0": N must be from 1 to 10000`,
		"1":    `--shard "1": give I/N, shard I (from 0) of N, such as 0/4`,
		"a/b":  `--shard "a/b": give I/N, shard I (from 0) of N, such as 0/4`,
	} {
		_, err := ParseShard(in)
		if got := fmt.Sprint(err); (want == "" && err != nil) || (want != "" && got != want) {
			t.Errorf("ParseShard(%q) = %v, want %q", in, err, want)
		}
	}
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	if s, ok, err := ShardFromEnv(env(map[string]string{"JOB_COMPLETION_INDEX": "2", "IDP_SHARDS": "8"})); !ok || err != nil || s != (Shard{2, 8}) {
		t.Errorf("ShardFromEnv = %v %v %v, want 2/8", s, ok, err)
	}
	if _, ok, _ := ShardFromEnv(env(nil)); ok {
		t.Error("ShardFromEnv without JOB_COMPLETION_INDEX: ok")
	}
	if _, _, err := ShardFromEnv(env(map[string]string{"JOB_COMPLETION_INDEX": "2"})); err == nil || !strings.Contains(err.Error(), "IDP_SHARDS is not set") {
		t.Errorf("ShardFromEnv without IDP_SHARDS: %v", err)
	}
}

func TestFilter(t *testing.T) {
	_, api := bigFleet(t, 40)
	d, err := Discover(context.Background(), api, "acme", Filter{
		Topics: []string{"service"}, Include: []string{"svc-000?"}, Exclude: []string{"acme/svc-0003"},
	}, Shard{})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, r := range d.Repos {
		names = append(names, r.Name)
	}
	// svc-0000..0009 with the topic: 0, 3, 6 (a fork), 9 (archived); 3 excluded.
	if want := []string{"svc-0000"}; !slices.Equal(names, want) {
		t.Errorf("kept %v, want %v (skipped %v)", names, want, d.Skipped)
	}
	if err := (Filter{Include: []string{"svc-["}}).Validate(); err == nil || !strings.Contains(err.Error(), `--include "svc-["`) {
		t.Errorf("Validate of a bad glob: %v", err)
	}
}

func TestReadResults(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "0.jsonl"), filepath.Join(dir, "1.jsonl")
	os.WriteFile(a, []byte(`{"repo":"acme/a","result":"failed","error":"boom","at":"2026-03-01T00:00:00Z"}
{"repo":"acme/b","result":"updated","conflicts":0,"at":"2026-03-01T00:00:00Z"}
{"repo":"acme/a","result":"unchanged","conflicts":0,"at":"2026-03-01T00:01:00Z"}
{"repo":"acme/c","res`), 0o644)
	os.WriteFile(b, []byte(`{"repo":"acme/d","result":"conflicts","conflicts":2,"shard":"1/2","at":"2026-03-01T00:00:00Z"}`+"\n"), 0o644)
	rows, err := ReadResults(context.Background(), a, b)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range rows {
		got = append(got, r.Repo+"="+r.Result)
	}
	if want := []string{"acme/a=unchanged", "acme/b=updated", "acme/d=conflicts"}; !slices.Equal(got, want) {
		t.Errorf("rows %v, want %v", got, want)
	}
	if sum := SummarizeUpdate(rows); sum["unchanged"] != 1 || sum["updated"] != 1 || sum["conflicts"] != 1 || sum["failed"] != 0 {
		t.Errorf("summary %v", sum)
	}
	os.WriteFile(b, []byte("{\"repo\":\"x\"}\n{}\n"), 0o644)
	if _, err := ReadResults(context.Background(), b); err == nil || err.Error() != b+":1: not a line of idp fleet update --results: no repo or result" {
		t.Errorf("a bad line: %v", err)
	}
}
