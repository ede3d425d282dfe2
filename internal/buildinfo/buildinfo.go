// Package buildinfo says which idp this is: the version, commit and build date that -ldflags
// set, else what the go command recorded in the binary.
package buildinfo

import (
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
)

// Info identifies a binary.
type Info struct {
	Version string
	Commit  string
	Date    string
}

// Line is what idp version and idp --version print.
func (b Info) Line() string {
	line := "idp " + b.Version
	if b.Commit != "" {
		line += " (commit " + b.Commit
		if b.Date != "" {
			line += ", built " + b.Date
		}
		line += ")"
	}
	return line
}

// WriteText writes Line, as idp version prints it.
func (b Info) WriteText(w io.Writer) error {
	_, err := fmt.Fprintln(w, b.Line())
	return err
}

// JSON is idp version --output json: the version, commit, date and Go's version.
func (b Info) JSON() any {
	return map[string]string{"version": b.Version, "commit": b.Commit, "date": b.Date, "go": runtime.Version()}
}

// Fill fills what -ldflags did not set from what the go command recorded in the binary: the
// module's version for `go install .../cmd/idp@v1.2.3`, and for a build in a git checkout
// (go build, go install ./cmd/idp) the commit and its time.
func (b Info) Fill(info *debug.BuildInfo) Info {
	if info == nil {
		return b
	}
	if b.Version == "dev" && info.Main.Version != "" && info.Main.Version != "(devel)" {
		b.Version = info.Main.Version
	}
	for _, s := range info.Settings {
		switch {
		case s.Key == "vcs.revision" && b.Commit == "":
			b.Commit = s.Value
		case s.Key == "vcs.time" && b.Date == "":
			b.Date = s.Value
		}
	}
	return b
}
