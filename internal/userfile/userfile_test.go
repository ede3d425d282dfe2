package userfile

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

func TestReadCaps(t *testing.T) {
	p := filepath.Join(t.TempDir(), "v.yaml")
	if err := os.WriteFile(p, []byte("12345"), 0o644); err != nil {
		t.Fatal(err)
	}
	if data, err := Read(context.Background(), p, 5); err != nil || string(data) != "12345" {
		t.Errorf("at the limit: %q, %v", data, err)
	}
	_, err := Read(context.Background(), p, 4)
	var te *TooLargeError
	if !errors.As(err, &te) || err.Error() != p+" holds more than 4 bytes, the most idp reads from it" {
		t.Errorf("over the limit: %v", err)
	}
	// An endless device stops at the limit.
	_, err = Read(context.Background(), "/dev/zero", 1<<20)
	if err == nil || err.Error() != "/dev/zero holds more than 1 MiB, the most idp reads from it" {
		t.Errorf("/dev/zero: %v", err)
	}
	if _, err := Read(context.Background(), filepath.Join(t.TempDir(), "none"), 4); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing: %v", err)
	}
}

// TestReadStopsWhenCancelled: a FIFO with no writer blocks the open, and one whose writer sends
// nothing blocks the read; both end when the context does.
func TestReadStopsWhenCancelled(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip("no FIFOs here:", err)
	}
	for _, writer := range []bool{false, true} {
		if writer {
			w, err := os.OpenFile(fifo, os.O_RDWR, 0) // opens without waiting for a reader
			if err != nil {
				t.Fatal(err)
			}
			defer w.Close()
		}
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(50*time.Millisecond, cancel)
		start := time.Now()
		if _, err := Read(ctx, fifo, 1<<20); !errors.Is(err, context.Canceled) {
			t.Errorf("writer %v: got %v, want context.Canceled", writer, err)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("writer %v: returned after %s", writer, d)
		}
	}
}
