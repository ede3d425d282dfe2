package cli

import (
	"encoding/json"
	"io"
)

// printJSON writes v as indented JSON to w.
func printJSON(w io.Writer, v any) error { return newJSONEncoder(w).Encode(v) }

func newJSONEncoder(w io.Writer) *json.Encoder {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc
}
