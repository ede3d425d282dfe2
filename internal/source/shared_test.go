package source

import (
	"sync"
	"sync/atomic"
	"testing"
)

// TestSharedOpensOnce: calls at the same time for one source and mode open it once and get the
// same catalog; offline is another key.
func TestSharedOpensOnce(t *testing.T) {
	var s Shared
	var opened atomic.Int32
	open := func() (*Catalog, error) { opened.Add(1); return &Catalog{}, nil }
	got := make([]*Catalog, 8)
	var wg sync.WaitGroup
	for i := range got {
		wg.Go(func() { got[i], _ = s.Open("src", false, open) })
	}
	wg.Wait()
	for _, c := range got {
		if c != got[0] {
			t.Fatal("different catalogs for one source")
		}
	}
	if c, _ := s.Open("src", true, open); c == got[0] || opened.Load() != 2 {
		t.Errorf("opened %d times, offline shared: %v", opened.Load(), c == got[0])
	}
}
