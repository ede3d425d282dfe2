package starter

import (
	"fmt"
	"io"
	"path/filepath"
)

// JSON is idp template init --output json: the directory absolute, as every command's JSON
// gives a directory.
func (r *Result) JSON() any {
	out := *r
	if abs, err := filepath.Abs(r.Dir); err == nil {
		out.Dir = abs
	}
	return out
}

// WriteText writes the files made and what to do next.
func (r *Result) WriteText(w io.Writer) error {
	fmt.Fprintf(w, "Created the golden path %s in %s:\n", r.Name, r.Dir)
	for _, file := range r.Files {
		fmt.Fprintf(w, "  %s\n", file)
	}
	_, err := fmt.Fprintf(w, `Next:
  edit %[1]s/template.yaml and the files under %[1]s/skeleton/
  idp template lint %[1]s
  idp template test %[1]s            # after a change: --update, then review with git diff
  idp new %[2]s --source %[3]s --template %[4]s   # try it
`, r.Dir, r.Type, filepath.Dir(filepath.Clean(r.Dir)), r.Name)
	return err
}
