package tmplfuncs

import (
	"context"
	"errors"
	"fmt"
	"math"
	"reflect"
	"unsafe"
)

// MaxDepth is how deeply a value may nest for idp to print, encode, copy or compare it: fmt,
// encoding/json and reflect recurse once per level, and a value built by nesting dict in a
// loop would otherwise exhaust the stack, which Go cannot recover from.
const MaxDepth = 1000

// stat is what measuring a value finds. Sizes count a part shared by several lists or dicts
// once for each place it appears, as printing or encoding it does.
type stat struct {
	printed int64 // at least len(fmt.Sprint(v))
	mem     int64 // the bytes v and everything in it hold
	nodes   int64 // values in v, v included
	depth   int   // levels of lists and dicts in v
}

var (
	errCycle = errors.New("holds a dict that contains itself")
	errDeep  = fmt.Errorf("nests lists or dicts more than %d deep", MaxDepth)
	errLarge = errors.New("too large")
)

// ref names a list or dict by where its items are, to find it again.
type ref struct {
	p unsafe.Pointer
	n int
	t reflect.Type
}

// measurer walks a value once, with each list and dict measured once however often it
// appears, so that a value built by doubling ($l = list $l $l, forty times) costs forty steps
// rather than 2^40. It stops at a cycle, at MaxDepth, or once the printed size passes limit.
type measurer struct {
	ctx    context.Context
	limit  int64          // <0: none
	target unsafe.Pointer // a dict to look for: finding it is errCycle
	memo   map[ref]stat
	path   map[ref]bool
	steps  int
}

func newMeasurer(ctx context.Context, limit int64) *measurer {
	return &measurer{ctx: ctx, limit: limit}
}

// add adds without overflowing: sizes of doubled values pass MaxInt64 quickly.
func add(a, b int64) int64 {
	if a > math.MaxInt64-b {
		return math.MaxInt64
	}
	return a + b
}

func mul(a, b int64) int64 {
	if a != 0 && b > math.MaxInt64/a {
		return math.MaxInt64
	}
	return a * b
}

var (
	errorType    = reflect.TypeFor[error]()
	stringerType = reflect.TypeFor[fmt.Stringer]()
)

func (m *measurer) measure(v reflect.Value) (stat, error) { return m.walk(v, 0) }

func (m *measurer) walk(v reflect.Value, depth int) (stat, error) {
	if depth > MaxDepth {
		return stat{}, errDeep
	}
	if m.steps++; m.steps%4096 == 0 && m.ctx != nil {
		if err := m.ctx.Err(); err != nil {
			return stat{}, err
		}
	}
	for v.IsValid() && v.Kind() == reflect.Interface {
		v = v.Elem()
	}
	if !v.IsValid() {
		return stat{printed: 5, nodes: 1}, nil // <nil>
	}
	t := v.Type()
	if v.CanInterface() && (t.Implements(errorType) || t.Implements(stringerType)) &&
		v.Kind() != reflect.Map && v.Kind() != reflect.Slice {
		// fmt prints these with their method, at any depth.
		s := methodText(v)
		return stat{printed: int64(len(s)), mem: int64(len(s)) + int64(t.Size()), nodes: 1}, nil
	}
	switch v.Kind() {
	case reflect.String:
		return stat{printed: int64(v.Len()), mem: int64(v.Len()), nodes: 1}, nil
	case reflect.Bool:
		return stat{printed: 5, nodes: 1}, nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return stat{printed: 20, nodes: 1}, nil
	case reflect.Float32, reflect.Float64:
		return stat{printed: 24, nodes: 1}, nil
	case reflect.Complex64, reflect.Complex128:
		return stat{printed: 52, nodes: 1}, nil
	case reflect.Pointer:
		if v.IsNil() {
			return stat{printed: 5, nodes: 1}, nil
		}
		r := ref{p: v.UnsafePointer(), t: t}
		if m.path[r] {
			return stat{}, errCycle
		}
		m.enter(r)
		s, err := m.walk(v.Elem(), depth+1)
		delete(m.path, r)
		s.printed, s.mem, s.nodes, s.depth = add(s.printed, 20), add(s.mem, 8), add(s.nodes, 1), s.depth+1
		return s, err
	case reflect.Slice, reflect.Array, reflect.Map:
		return m.container(v, depth)
	case reflect.Struct:
		s := stat{printed: 2, mem: int64(t.Size()), nodes: 1}
		for i := range v.NumField() {
			f, err := m.walk(v.Field(i), depth+1)
			if err != nil {
				return stat{}, err
			}
			s.printed = add(s.printed, add(f.printed, int64(len(t.Field(i).Name)+2)))
			s.mem, s.nodes, s.depth = add(s.mem, f.mem), add(s.nodes, f.nodes), max(s.depth, f.depth+1)
		}
		return s, m.over(s)
	}
	return stat{printed: 20, nodes: 1}, nil // chan, func: an address
}

// enter marks r as on the path from the value measured to where the walk is; the maps are
// made on the first list or dict, since most arguments are strings and numbers.
func (m *measurer) enter(r ref) {
	if m.path == nil {
		m.path = map[ref]bool{}
	}
	m.path[r] = true
}

func (m *measurer) over(s stat) error {
	if m.limit >= 0 && s.printed > m.limit {
		return errLarge
	}
	return nil
}

func (m *measurer) container(v reflect.Value, depth int) (stat, error) {
	t := v.Type()
	var r ref
	if v.Kind() != reflect.Array {
		if v.Kind() == reflect.Map && m.target != nil && v.UnsafePointer() == m.target {
			return stat{}, errCycle
		}
		if v.Len() == 0 || v.IsNil() {
			return stat{printed: 5, mem: 48, nodes: 1}, nil
		}
		r = ref{p: v.UnsafePointer(), n: v.Len(), t: t}
		if s, ok := m.memo[r]; ok {
			if depth+s.depth > MaxDepth {
				return stat{}, errDeep
			}
			return s, nil
		}
		if m.path[r] {
			return stat{}, errCycle
		}
		m.enter(r)
		defer delete(m.path, r)
	}
	n := int64(v.Len())
	s := stat{nodes: 1}
	switch v.Kind() {
	case reflect.Map:
		s.printed = 5 + 2*n // map[k:v k:v]
		s.mem = 48 + n*(int64(t.Key().Size())+int64(t.Elem().Size())+8)
		it := v.MapRange()
		for it.Next() {
			for _, x := range []reflect.Value{it.Key(), it.Value()} {
				c, err := m.walk(x, depth+1)
				if err != nil {
					return stat{}, err
				}
				s.printed, s.mem, s.nodes, s.depth = add(s.printed, c.printed), add(s.mem, c.mem), add(s.nodes, c.nodes), max(s.depth, c.depth+1)
			}
			if err := m.over(s); err != nil {
				return stat{}, err
			}
		}
	default:
		if t.Elem().Kind() == reflect.Uint8 {
			// fmt prints a []byte as [104 105]
			s.printed, s.mem, s.nodes = 2+4*n, 24+n, 1+n
			return s, m.over(s)
		}
		s.printed = 2 + n
		s.mem = 24 + n*int64(t.Elem().Size())
		for i := range v.Len() {
			c, err := m.walk(v.Index(i), depth+1)
			if err != nil {
				return stat{}, err
			}
			s.printed, s.mem, s.nodes, s.depth = add(s.printed, c.printed), add(s.mem, c.mem), add(s.nodes, c.nodes), max(s.depth, c.depth+1)
			if err := m.over(s); err != nil {
				return stat{}, err
			}
		}
	}
	if r.p != nil {
		if m.memo == nil {
			m.memo = map[ref]stat{}
		}
		m.memo[r] = s
	}
	return s, nil
}

// methodText is what fmt prints for a value with an Error or String method; a method that
// panics prints as fmt would print its panic, which is short.
func methodText(v reflect.Value) (s string) {
	defer func() {
		if recover() != nil {
			s = "%!v(PANIC=String method)"
		}
	}()
	switch x := v.Interface().(type) {
	case error:
		return x.Error()
	case fmt.Stringer:
		return x.String()
	}
	return ""
}
