package fleet

import (
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"

	"github.com/idp-cli/idp/internal/forge"
	"github.com/idp-cli/idp/internal/source"
)

// MaxShards is the most shards a fleet is split into: more than any CI matrix (GitHub: 256
// jobs) or Kubernetes Job is likely to run at once.
const MaxShards = 10000

// Shard is share Index of Count (0 ≤ Index < Count) of a fleet. A repository is in shard
// FNV-1a-64(lower-case "owner/name") mod Count: every repository is in exactly one shard of
// Count, and stays in it while others come and go. The zero Shard is the whole fleet.
type Shard struct {
	Index, Count int
}

// ParseShard reads --shard I/N: zero-based, as a matrix index or JOB_COMPLETION_INDEX is.
func ParseShard(s string) (Shard, error) {
	i, n, ok := strings.Cut(s, "/")
	idx, err1 := strconv.Atoi(strings.TrimSpace(i))
	cnt, err2 := strconv.Atoi(strings.TrimSpace(n))
	switch {
	case !ok || err1 != nil || err2 != nil:
		return Shard{}, fmt.Errorf("--shard %q: give I/N, shard I (from 0) of N, such as 0/4", s)
	case cnt < 1 || cnt > MaxShards:
		return Shard{}, fmt.Errorf("--shard %q: N must be from 1 to %d", s, MaxShards)
	case idx < 0 || idx >= cnt:
		return Shard{}, fmt.Errorf("--shard %q: I counts from 0 and must be below N (0/%d to %d/%d)", s, cnt, cnt-1, cnt)
	}
	return Shard{Index: idx, Count: cnt}, nil
}

// ShardFromEnv is the shard of a Kubernetes Indexed Job's pod, for when --shard is not given:
// JOB_COMPLETION_INDEX (set by Kubernetes) of IDP_SHARDS (set in the Job's template to its
// completions). ok is false when JOB_COMPLETION_INDEX is not set.
func ShardFromEnv(getenv func(string) string) (s Shard, ok bool, err error) {
	idx := getenv("JOB_COMPLETION_INDEX")
	if idx == "" {
		return Shard{}, false, nil
	}
	n := getenv("IDP_SHARDS")
	if n == "" {
		return Shard{}, true, fmt.Errorf("JOB_COMPLETION_INDEX is %s but IDP_SHARDS is not set; set it to the Job's completions, or give --shard I/N", idx)
	}
	s, err = ParseShard(idx + "/" + n)
	if err != nil {
		return Shard{}, true, fmt.Errorf("JOB_COMPLETION_INDEX=%s, IDP_SHARDS=%s: %w", idx, n, err)
	}
	return s, true, nil
}

// String is "I/N", or "" for the whole fleet.
func (s Shard) String() string {
	if s.Count == 0 {
		return ""
	}
	return fmt.Sprintf("%d/%d", s.Index, s.Count)
}

// Has reports whether the repository whose full name ("owner/name") is given is in s.
func (s Shard) Has(fullName string) bool {
	if s.Count <= 1 {
		return true
	}
	return ShardOf(fullName, s.Count) == s.Index
}

// ShardOf is the shard of Count that fullName is in.
func ShardOf(fullName string, count int) int {
	h := fnv.New64a()
	h.Write([]byte(strings.ToLower(fullName)))
	return int(h.Sum64() % uint64(count))
}

// FullName is the name a repository of a list is sharded by: owner/name when its URL is a
// forge's (so that a list and the forge's listing shard alike), else the line as written.
func (r Repo) FullName() string {
	if source.IsGitURL(r.Location) {
		if rem, err := forge.ParseRemote(r.Location); err == nil {
			return rem.Owner + "/" + rem.Name
		}
	}
	return r.Name
}
