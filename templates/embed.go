// Package templates holds the golden paths that ship with idp. The binary carries their released
// versions (History), so that `idp new service` works on a fresh machine with no configuration
// and a service made from an older release can be updated; FS is the golden paths as they are in
// this tree, released or not, for the tests.
package templates

import (
	"embed"

	"github.com/idp-cli/idp/internal/builtin"
)

//go:generate go run ../internal/builtin/gen

// FS holds one directory per golden path, as in this tree.
//
//go:embed go-service/template.yaml all:go-service/skeleton techdocs/template.yaml all:techdocs/skeleton argocd/template.yaml all:argocd/skeleton
var FS embed.FS

//go:embed builtin.pack
var pack []byte

//go:embed builtin.refs
var refs []byte

// History is every released version of the built-in golden paths.
func History() *builtin.History { return &builtin.History{Pack: pack, Refs: refs} }
