// Package templates embeds the golden paths that ship with idp, so that `idp new service` works
// on a fresh machine with no configuration.
package templates

import "embed"

// FS holds one directory per golden path.
//
//go:embed go-service/template.yaml all:go-service/skeleton
var FS embed.FS
