package cli

import (
	"github.com/idp-cli/idp/internal/buildinfo"
	"github.com/idp-cli/idp/internal/factory"
)

// What Main and Run take: the factory of the services commands need (internal/factory), its
// streams and prompter, and the binary's build.
type (
	Factory   = factory.Factory
	IOStreams = factory.IOStreams
	Prompter  = factory.Prompter
	Build     = buildinfo.Info
)

// SystemIO returns the process's real streams.
var SystemIO = factory.SystemIO
