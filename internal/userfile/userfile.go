// Package userfile reads a file the user names on the command line (a values file, the config
// file): at most a given size, so that /dev/zero cannot fill memory, and given up as soon as the
// command is cancelled, so that a FIFO nobody writes to cannot make idp ignore Ctrl-C or SIGTERM.
package userfile

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/idp-cli/idp/internal/bytesize"
)

// TooLargeError is a file with more than Max bytes.
type TooLargeError struct {
	Path string
	Max  int64
}

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("%s holds more than %s, the most idp reads from it", e.Path, bytesize.Text(e.Max))
}

// Read returns the content of the file at path, or a *TooLargeError when it holds more than
// max bytes. Opening a FIFO blocks until someone writes to it, and reading one, or a terminal,
// until there is data; Read returns ctx's error as soon as ctx is done, and the file is closed
// once it opens.
func Read(ctx context.Context, path string, max int64) ([]byte, error) {
	type result struct {
		data []byte
		err  error
	}
	done := make(chan result, 1) // buffered: an abandoned read must not block for ever on it
	go func() {
		f, err := os.Open(path)
		if err != nil {
			done <- result{err: err}
			return
		}
		defer f.Close()
		// Closing the file ends a read blocked on a FIFO or a terminal.
		stop := context.AfterFunc(ctx, func() { f.Close() })
		defer stop()
		data, err := io.ReadAll(io.LimitReader(f, max+1))
		if err == nil && int64(len(data)) > max {
			err = &TooLargeError{Path: path, Max: max}
		}
		done <- result{data, err}
	}()
	select {
	case r := <-done:
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		return r.data, r.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}
