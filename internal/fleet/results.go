package fleet

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/idp-cli/idp/internal/gitauth"
	"github.com/idp-cli/idp/internal/userfile"
)

// MaxResultsSize is the largest results file idp reads: about 64 MB, some 200,000 lines.
const MaxResultsSize = 64 << 20

// ResultLine is one line of a --results file: a repository's row as it finished, the shard
// that ran it, and when.
type ResultLine struct {
	UpdateRow
	Shard string    `json:"shard,omitempty"`
	At    time.Time `json:"at"`
}

// resultsWriter writes each row as one JSON line, whole, as soon as its repository is done,
// so that a run that is killed leaves every finished repository on record.
type resultsWriter struct {
	mu    sync.Mutex
	w     io.Writer
	shard string
	now   func() time.Time
	err   error
}

func (rw *resultsWriter) write(row UpdateRow) {
	if rw == nil || rw.w == nil {
		return
	}
	line, err := json.Marshal(ResultLine{UpdateRow: row, Shard: rw.shard, At: rw.now().UTC()})
	rw.mu.Lock()
	defer rw.mu.Unlock()
	if rw.err != nil {
		return
	}
	if err == nil {
		_, err = rw.w.Write(append(line, '\n')) // one write per line: lines never interleave
	}
	rw.err = err
}

// ReadResults reads the rows of --results files, in order; for a repository listed more than
// once (a shard resumed, or run again) the last line wins, in its first line's place. A last
// line cut short by a killed run is ignored; any other line that is not a result is an error
// naming its file and line.
func ReadResults(ctx context.Context, files ...string) ([]UpdateRow, error) {
	var rows []UpdateRow
	at := map[string]int{}
	for _, file := range files {
		data, err := userfile.Read(ctx, file, MaxResultsSize)
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			return nil, err
		}
		lines := bytes.Split(data, []byte("\n"))
		for i, line := range lines {
			text := bytes.TrimSpace(line)
			if len(text) == 0 {
				continue
			}
			var l ResultLine
			err := json.Unmarshal(text, &l)
			if err == nil && (l.Repo == "" || l.Result == "") {
				err = fmt.Errorf("no repo or result")
			}
			if err != nil {
				if i == len(lines)-1 {
					break // no newline after it: the line a killed run was writing
				}
				return nil, fmt.Errorf("%s:%d: not a line of idp fleet update --results: %v", file, i+1, err)
			}
			if j, ok := at[l.Repo]; ok {
				rows[j] = l.UpdateRow
				continue
			}
			at[l.Repo] = len(rows)
			rows = append(rows, l.UpdateRow)
		}
	}
	return rows, nil
}

// SummarizeUpdate counts rows by result, as UpdateResult.Summary does.
func SummarizeUpdate(rows []UpdateRow) map[string]int {
	sum := map[string]int{"updated": 0, "unchanged": 0, "conflicts": 0, "needsInput": 0, "failed": 0}
	for _, r := range rows {
		sum[r.Result]++
	}
	return sum
}

func (r Repo) displayName() string { return gitauth.Redact(r.Name) }
