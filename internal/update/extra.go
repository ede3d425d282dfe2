package update

import (
	"fmt"
	"strconv"
	"strings"
)

// maxExtraTries bounds the search for a free FILE.rej or FILE.idp-new name.
const maxExtraTries = 100

// freeExtras gives each conflict's FILE.rej or FILE.idp-new a name that holds nothing yet:
// the planned name, else the name with .1, .2 and so on. An existing file of that name may be
// ignored by git, which then could not restore it; a name the golden path renders, that
// another change writes, or that another conflict took is not free either. The reason, which
// names the file, follows.
func (p *planner) freeExtras(changes []Change) error {
	taken := map[string]bool{}
	for _, f := range p.Base.Files {
		taken[f.Path] = true
	}
	for _, f := range p.Target.Files {
		taken[f.Path] = true
	}
	for _, c := range changes {
		taken[c.Path] = true
		if c.From != "" {
			taken[c.From] = true
		}
	}
	for i := range changes {
		c := &changes[i]
		if c.Extra == "" {
			continue
		}
		name, err := p.freeName(c.Extra, taken)
		if err != nil {
			return err
		}
		taken[name] = true
		if name != c.Extra {
			c.Reason = strings.ReplaceAll(c.Reason, c.Extra, name)
			c.Extra = name
		}
	}
	return nil
}

func (p *planner) freeName(want string, taken map[string]bool) (string, error) {
	for n := 0; n < maxExtraTries; n++ {
		name := want
		if n > 0 {
			name += "." + strconv.Itoa(n)
		}
		if taken[name] {
			continue
		}
		local, err := p.readLocal(name)
		if err != nil {
			return "", err
		}
		if !local.Exists {
			return name, nil
		}
	}
	return "", fmt.Errorf("%s and %s.1 to .%d all exist, so idp has nowhere to put the golden path's side of the conflict; remove the ones you no longer need and update again", want, want, maxExtraTries-1)
}
