package cli

import (
	"encoding/json"
	"io"

	"github.com/spf13/cobra"
)

// printable is an engine's Result that prints itself, as JSON or as text.
type printable interface {
	JSON() any
	WriteText(w io.Writer) error
}

// printResult prints r on stdout: JSON with --output json, else text. Then a result that Fails
// (a check that found errors) ends the command with exit status 1, one Conflicted (files left
// in conflict) with 3.
func printResult(f *Factory, r printable) error {
	var err error
	if f.Config.Output == "json" {
		err = printJSON(f.IO.Out, r.JSON())
	} else {
		err = r.WriteText(f.IO.Out)
	}
	switch r := r.(type) {
	case interface{ Fails() bool }:
		if err == nil && r.Fails() {
			return &exitError{Code: ExitError}
		}
	case interface{ Conflicted() bool }:
		if err == nil && r.Conflicted() {
			return &exitError{Code: ExitConflicts}
		}
	}
	return err
}

// withCmd attaches the command to a usage error so the hint names it.
func withCmd(cmd *cobra.Command, err error) error {
	if ue, ok := err.(*UsageError); ok && ue.Cmd == nil {
		ue.Cmd = cmd
	}
	return err
}

// printJSON writes v as indented JSON to w, with <, > and & as they are.
func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
