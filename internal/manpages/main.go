// Command manpages writes a man page for every idp command into a directory, from the command
// tree of the idp it is built with: the pages that release archives ship
// (scripts/release-assets.sh). It is a program of its own rather than a hidden idp command
// because cobra's generator links a Markdown renderer whose initialisation every run of idp
// would pay before main (0.3 ms and 210 KB of `idp version`).
//
//	go run ./internal/manpages manpages
//	go run github.com/idp-cli/idp/internal/manpages@v1.4.0 ~/.local/share/man/man1
package main

import (
	"os"
	"time"

	"github.com/idp-cli/idp/internal/cli"
)

// Set by -ldflags "-X main.version=... -X main.date=...", as for idp.
var (
	version = "dev"
	date    = ""
)

func main() {
	os.Exit(run(cli.Build{Version: version, Date: date}, os.Args[1:], os.Stdout, os.Stderr, os.Getenv, time.Now))
}
