// Command idp is the self-service front door of an internal developer platform.
package main

import (
	"os"

	"github.com/idp-cli/idp/internal/cli"
)

// Set by -ldflags "-X main.version=... -X main.commit=... -X main.date=...".
var (
	version = "dev"
	commit  = ""
	date    = ""
)

func main() {
	os.Exit(cli.Main(cli.Build{Version: version, Commit: commit, Date: date}, os.Args[1:]))
}
