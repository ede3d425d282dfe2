package source

import (
	"fmt"
	"sync"
)

// Shared opens each source once for the rest of a run, for commands that work on many services
// of the same golden paths. The zero value is ready to use.
type Shared struct {
	mu sync.Mutex
	m  map[string]*sharedEntry
}

type sharedEntry struct {
	once sync.Once
	c    *Catalog
	err  error
}

// Open is open's catalog for loc, opened by the first call for loc and offline; the calls after
// it, and those at the same time, get the same catalog or error.
func (s *Shared) Open(loc string, offline bool, open func() (*Catalog, error)) (*Catalog, error) {
	s.mu.Lock()
	key := fmt.Sprint(loc, offline)
	e := s.m[key]
	if e == nil {
		if s.m == nil {
			s.m = map[string]*sharedEntry{}
		}
		e = &sharedEntry{}
		s.m[key] = e
	}
	s.mu.Unlock()
	e.once.Do(func() { e.c, e.err = open() })
	return e.c, e.err
}
