package prompt

import (
	"context"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/idp-cli/idp/internal/answers"
	"github.com/idp-cli/idp/internal/manifest"
)

// TestAccessibleStopsWhenCancelled: huh's accessible mode reads a line without looking at the
// context; Ctrl-C or SIGTERM (the context done) must not wait for one.
func TestAccessibleStopsWhenCancelled(t *testing.T) {
	m, err := manifest.Parse([]byte(tmpl), "template.yaml", "svc")
	if err != nil {
		t.Fatal(err)
	}
	r, w := io.Pipe() // nobody writes: the read blocks
	defer w.Close()
	p := &Huh{In: r, Out: io.Discard, Accessible: true}
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	done := make(chan error, 1)
	go func() {
		_, err := answers.Resolve(ctx, m, answers.Request{Prompter: p})
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, ErrCancelled) {
			t.Errorf("got %v, want ErrCancelled", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the prompt still waits for input 10s after the context was cancelled")
	}
}
