package fleet

import (
	"errors"
	"fmt"
	"strings"

	"github.com/idp-cli/idp/internal/forge"
)

// Check says what is wrong with o before any work, in the words of the command line's flags:
// where the repositories come from (provider is the forge --provider names), --all, the filters.
func (o StatusOptions) Check(provider string) error {
	if err := checkSource(o.Repos, provider, o.Owner, o.Jobs); err != nil {
		return err
	}
	if o.All && o.Owner == "" {
		return errors.New("--all lists an owner's repositories that are on no golden path; it goes with --provider and --owner")
	}
	return checkFilter(o.Filter, o.Owner)
}

// Check says what is wrong with where o's repositories come from (provider is the forge
// --provider names) and with its filters, in the words of the command line's flags.
func (o UpdateOptions) Check(provider string) error {
	if err := checkSource(o.Repos, provider, o.Owner, o.Jobs); err != nil {
		return err
	}
	return checkFilter(o.Filter, o.Owner)
}

// checkSource checks that the repositories come from one place: a --repos list, or --owner's
// on --provider.
func checkSource(repos, provider, owner string, jobs int) error {
	switch {
	case jobs < 1:
		return fmt.Errorf("--jobs %d: give at least 1", jobs)
	case repos == "" && provider == "" && owner == "":
		return errors.New("give --repos FILE, or --provider and --owner to list a forge's repositories")
	case repos != "" && owner != "":
		return errors.New("--repos and --owner do not go together; use one")
	case provider != "" && owner == "" && repos == "":
		return fmt.Errorf("--provider %s needs --owner, the organization to list", provider)
	case owner != "" && provider == "":
		return errors.New("--owner goes with --provider")
	case provider != "" && forge.TokenVar(provider) == "":
		return fmt.Errorf("--provider %q: use one of %s", provider, strings.Join(forge.Names(), ", "))
	}
	return nil
}

// checkFilter checks the filter's patterns, and that a filter has an owner's repositories to
// filter.
func checkFilter(f Filter, owner string) error {
	for _, c := range []struct {
		flag string
		set  bool
	}{{"topic", len(f.Topics) > 0}, {"include", len(f.Include) > 0}, {"exclude", len(f.Exclude) > 0}, {"archived", f.Archived}, {"forks", f.Forks}} {
		if c.set && owner == "" {
			return fmt.Errorf("--%s filters an owner's repositories; it goes with --provider and --owner", c.flag)
		}
	}
	return f.Validate()
}
