package source

import (
	"slices"
	"strings"
)

// Shell completion reads only what is on this machine, so that a Tab never waits on the
// network: these pick from a catalog already open.

// Pick is the golden paths a command line names: the one named name, if given, else those of
// kind, if given, else all of them.
func (c *Catalog) Pick(name, kind string) []*Template {
	switch {
	case name != "":
		if t := Find(c.All, name); t != nil {
			return []*Template{t}
		}
		return nil
	case kind != "":
		return ByType(c.All, kind)
	}
	return c.All
}

// ParamCompletions offers the parameters of the golden paths all as key=, each with its help
// after a tab, for --set; after the = (values) it offers a parameter's options, if it has them.
func ParamCompletions(toComplete string, all []*Template) (choices []string, values bool) {
	if key, _, ok := strings.Cut(toComplete, "="); ok {
		for _, t := range all {
			for _, p := range t.Manifest.Parameters {
				if p.Name != key {
					continue
				}
				for _, opt := range p.Options {
					if v := key + "=" + opt; !slices.Contains(choices, v) {
						choices = append(choices, v)
					}
				}
			}
		}
		return choices, true
	}
	seen := map[string]bool{}
	for _, t := range all {
		for _, p := range t.Manifest.Parameters {
			if seen[p.Name] {
				continue
			}
			seen[p.Name] = true
			if !strings.HasPrefix(p.Name+"=", toComplete) {
				continue
			}
			desc := p.Title
			if desc == "" {
				desc = p.Help
			}
			desc, _, _ = strings.Cut(strings.TrimSpace(desc), "\n")
			choices = append(choices, p.Name+"="+"\t"+desc)
		}
	}
	return choices, false
}

// VersionCompletions offers latest and the versions the golden paths all have, newest first;
// only latest when c is nil.
func (c *Catalog) VersionCompletions(all []*Template) []string {
	out := []string{"latest"}
	if c == nil {
		return out
	}
	for _, t := range all {
		_, vs := c.Latest(t)
		for _, v := range vs {
			if !slices.Contains(out, v) {
				out = append(out, v)
			}
		}
	}
	return out
}
