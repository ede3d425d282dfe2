package render

import (
	"fmt"
	"path"
	"strings"

	"github.com/idp-cli/idp/internal/servicedir"
)

// checkLinks resolves every link the tree holds through the links the tree itself creates, as
// the file system will once they are written: a/b/c/s -> ../../.. and esc -> a/b/c/s/.. each
// look inside the service as text, but esc then names the service's parent. A link must end
// inside the service and outside .git, and must not go round in a loop.
func checkLinks(files []File) error {
	links := map[string]string{}
	for _, f := range files {
		if f.IsSymlink() {
			links[f.Path] = string(f.Data)
		}
	}
	for _, f := range files {
		if !f.IsSymlink() {
			continue
		}
		if msg := resolveLink(links, f.Path); msg != "" {
			return &Error{File: f.Source, Msg: fmt.Sprintf("is a symlink to %q, which %s; links must point inside it", f.Data, msg)}
		}
	}
	return nil
}

// maxHops bounds link resolution, as Linux's MAXSYMLINKS does.
const maxHops = 40

// resolveLink follows the link at p through links; it returns "" when the link stays inside the
// service, else why not.
func resolveLink(links map[string]string, p string) string {
	var stack []string // where the resolution is, from the service's root
	if d := path.Dir(p); d != "." {
		stack = strings.Split(d, "/")
	}
	pending := split(links[p])
	hops := 0
	through := ""
	for len(pending) > 0 {
		c := pending[0]
		pending = pending[1:]
		switch c {
		case "", ".":
			continue
		case "..":
			if len(stack) == 0 {
				if through != "" {
					return "resolves outside the service (through the link " + through + ")"
				}
				return "leads outside the service"
			}
			stack = stack[:len(stack)-1]
			continue
		}
		if servicedir.GitComponent(c) != "" {
			return "leads into .git"
		}
		stack = append(stack, c)
		cur := strings.Join(stack, "/")
		target, ok := links[cur]
		if !ok {
			continue
		}
		if hops++; hops > maxHops {
			return "goes round in a loop of links"
		}
		if path.IsAbs(target) || strings.HasPrefix(target, "\\") {
			return "resolves outside the service (through the link " + cur + ")"
		}
		if cur != p {
			through = cur
		}
		stack = stack[:len(stack)-1]
		pending = append(split(target), pending...)
	}
	return ""
}

func split(target string) []string {
	return strings.FieldsFunc(target, func(r rune) bool { return r == '/' || r == '\\' })
}
