// Package block edits managed blocks: the lines an add-on keeps in a file of another layer of
// the service, between an "idp:begin <layer>" and an "idp:end <layer>" line written in that
// file's comment syntax. Only the lines between the markers are ever rewritten; every other
// line of the file stays as it is, byte for byte.
package block

import (
	"bytes"
	"fmt"
	"path"
	"regexp"
	"strings"
	"sync"
)

// Syntax is how a file's line comments start and end.
type Syntax struct{ Open, Close string }

var (
	hash  = Syntax{Open: "# "}
	slash = Syntax{Open: "// "}
	dash  = Syntax{Open: "-- "}
	semi  = Syntax{Open: "; "}
	html  = Syntax{Open: "<!-- ", Close: " -->"}
	star  = Syntax{Open: "/* ", Close: " */"}
	pct   = Syntax{Open: "% "}
)

// byExt maps a file name's extension to its comment syntax. It and byName are built on first
// use: every run of idp would otherwise pay at start-up for maps that only add and update read.
var byExt = sync.OnceValue(func() map[string]Syntax {
	return map[string]Syntax{
		".yaml": hash, ".yml": hash, ".toml": hash, ".sh": hash, ".bash": hash, ".zsh": hash, ".py": hash,
		".rb": hash, ".tf": hash, ".tfvars": hash, ".hcl": hash, ".cfg": hash, ".conf": hash,
		".properties": hash, ".env": hash, ".r": hash, ".pl": hash, ".ps1": hash, ".nix": hash,
		".mk": hash, ".cmake": hash, ".dockerfile": hash, ".containerfile": hash,
		".go": slash, ".js": slash, ".mjs": slash, ".cjs": slash, ".ts": slash, ".tsx": slash, ".jsx": slash,
		".java": slash, ".kt": slash, ".kts": slash, ".scala": slash, ".c": slash, ".h": slash, ".cc": slash,
		".cpp": slash, ".hpp": slash, ".cs": slash, ".rs": slash, ".swift": slash, ".proto": slash,
		".groovy": slash, ".gradle": slash, ".jsonnet": slash, ".libsonnet": slash, ".dart": slash,
		".sql": dash, ".lua": dash, ".hs": dash,
		".ini": semi,
		".md":  html, ".markdown": html, ".html": html, ".htm": html, ".xml": html, ".svg": html,
		".css": star,
		".tex": pct, ".erl": pct,
	}
})

// byName maps whole file names without a telling extension.
var byName = sync.OnceValue(func() map[string]Syntax {
	return map[string]Syntax{
		"Dockerfile": hash, "Containerfile": hash, "Makefile": hash, "GNUmakefile": hash, "CODEOWNERS": hash,
		".gitignore": hash, ".dockerignore": hash, ".gitattributes": hash, ".helmignore": hash,
		".env": hash, "Procfile": hash, "Jenkinsfile": slash, "Tiltfile": hash, "BUILD": hash, "WORKSPACE": hash,
		"go.mod": slash, "go.work": slash,
	}
})

// SyntaxFor returns the comment syntax of the file at p (slash-separated), or an error that
// says why a managed block cannot go in it.
func SyntaxFor(p string) (Syntax, error) {
	base := path.Base(p)
	if s, ok := byName()[base]; ok {
		return s, nil
	}
	ext := strings.ToLower(path.Ext(base))
	if s, ok := byExt()[ext]; ok {
		return s, nil
	}
	if ext == ".json" {
		return Syntax{}, fmt.Errorf("%s is JSON, which has no comments, so idp cannot mark a managed block in it", p)
	}
	return Syntax{}, fmt.Errorf("idp does not know the comment syntax of %s, so it cannot mark a managed block in it; files it knows: .yaml, .toml, .tf, .md, .go, Dockerfile and others (see docs/layers.md)", p)
}

// Markers are the begin and end lines of layer's block in the file at p, without indentation
// or line end.
func Markers(p, layer string) (begin, end string, err error) {
	s, err := SyntaxFor(p)
	if err != nil {
		return "", "", err
	}
	return s.Open + "idp:begin " + layer + s.Close, s.Open + "idp:end " + layer + s.Close, nil
}

// Found is a block in a file.
type Found struct {
	Start, End int    // byte offsets: the begin marker's line start, the end marker's line end
	Content    []byte // the lines between the markers, line ends included
	BeginLine  int    // 1-based line of the begin marker
}

// MarkerError is a block whose markers are not one begin followed by one end.
type MarkerError struct {
	Path, Layer string
	Line        int
	Msg         string
}

func (e *MarkerError) Error() string {
	return fmt.Sprintf("%s:%d: %s; idp rewrites only what is between one idp:begin %s and one idp:end %s: put the markers right", e.Path, e.Line, e.Msg, e.Layer, e.Layer)
}

// Find returns layer's block in data, the content of the file at p, or nil when there is none.
func Find(data []byte, p, layer string) (*Found, error) {
	begin, end, err := Markers(p, layer)
	if err != nil {
		return nil, err
	}
	var f *Found
	offset, line := 0, 0
	for _, ln := range bytes.SplitAfter(data, []byte("\n")) {
		if len(ln) == 0 {
			break
		}
		line++
		start := offset
		offset += len(ln)
		text := string(bytes.TrimSpace(ln))
		switch text {
		case begin:
			if f != nil {
				what := "a second idp:begin " + layer
				if f.End > 0 {
					what = "idp:begin " + layer + " again after its block"
				}
				return nil, &MarkerError{Path: p, Layer: layer, Line: line, Msg: what}
			}
			f = &Found{Start: start, BeginLine: line}
		case end:
			if f == nil || f.End > 0 {
				return nil, &MarkerError{Path: p, Layer: layer, Line: line, Msg: "idp:end " + layer + " without an idp:begin before it"}
			}
			f.End = offset
			f.Content = bytes.Clone(data[f.Start+len(firstLine(data[f.Start:])) : start])
		}
	}
	if f != nil && f.End == 0 {
		return nil, &MarkerError{Path: p, Layer: layer, Line: f.BeginLine, Msg: "idp:begin " + layer + " has no idp:end after it"}
	}
	return f, nil
}

func firstLine(b []byte) []byte {
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		return b[:i+1]
	}
	return b
}

// eol is the file's line end: CRLF when its first line ends so.
func eol(data []byte) string {
	if i := bytes.IndexByte(data, '\n'); i > 0 && data[i-1] == '\r' {
		return "\r\n"
	}
	return "\n"
}

// render is the block: begin marker, content, end marker, indented as the content's first line,
// with the file's line ends.
func render(data []byte, p, layer string, content []byte) ([]byte, error) {
	begin, end, err := Markers(p, layer)
	if err != nil {
		return nil, err
	}
	nl := eol(data)
	body := strings.ReplaceAll(string(content), "\r\n", "\n")
	if body != "" && !strings.HasSuffix(body, "\n") {
		body += "\n"
	}
	indent := ""
	for _, l := range strings.Split(body, "\n") {
		if strings.TrimSpace(l) != "" {
			indent = l[:len(l)-len(strings.TrimLeft(l, " \t"))]
			break
		}
	}
	var b strings.Builder
	b.WriteString(indent + begin + nl)
	b.WriteString(strings.ReplaceAll(body, "\n", nl))
	b.WriteString(indent + end + nl)
	return []byte(b.String()), nil
}

// Body is content as Find would read it back from a block written with it into data: what to
// compare a found block's Content with.
func Body(data, content []byte) []byte {
	body := strings.ReplaceAll(string(content), "\r\n", "\n")
	if body != "" && !strings.HasSuffix(body, "\n") {
		body += "\n"
	}
	return []byte(strings.ReplaceAll(body, "\n", eol(data)))
}

// Insert puts layer's block with content into data, the file at p: after the first line that
// after matches, or at the end when after is nil. anchored is false when after matched no line;
// the block is then at the end, for a person to move.
func Insert(data []byte, p, layer string, content []byte, after *regexp.Regexp) (out []byte, anchored bool, err error) {
	blk, err := render(data, p, layer, content)
	if err != nil {
		return nil, false, err
	}
	at := -1
	if after != nil {
		offset := 0
		for _, ln := range bytes.SplitAfter(data, []byte("\n")) {
			if len(ln) == 0 {
				break
			}
			offset += len(ln)
			if after.Match(bytes.TrimRight(ln, "\r\n")) {
				at = offset
				break
			}
		}
	}
	anchored = after == nil || at >= 0
	if at < 0 {
		at = len(data)
	}
	var b bytes.Buffer
	b.Write(data[:at])
	if at > 0 && data[at-1] != '\n' {
		b.WriteString(eol(data))
	}
	b.Write(blk)
	b.Write(data[at:])
	return b.Bytes(), anchored, nil
}

// Replace puts content between the markers of the block f found in data.
func Replace(data []byte, f *Found, content []byte) []byte {
	begin := firstLine(data[f.Start:])
	endLine := data[f.Start+len(begin)+len(f.Content) : f.End]
	var b bytes.Buffer
	b.Write(data[:f.Start])
	b.Write(begin)
	b.Write(Body(data, content))
	b.Write(endLine)
	b.Write(data[f.End:])
	return b.Bytes()
}

// Remove takes the block f found in data out of it, markers and all.
func Remove(data []byte, f *Found) []byte {
	return append(bytes.Clone(data[:f.Start]), data[f.End:]...)
}
