package cli

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"
	"github.com/spf13/pflag"
)

// newManCmd writes the man pages that release archives ship (scripts/release-assets.sh). It is
// hidden: users read the pages, they do not make them.
func newManCmd(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:    "man <dir>",
		Short:  "Write a man page for every idp command into a directory",
		Hidden: true,
		Args:   usageArgs(cobra.ExactArgs(1)),
		Example: `  idp man manpages
  man ./manpages/idp-update.1`,
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := args[0]
			date, err := manDate(f)
			if err != nil {
				return err
			}
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return fmt.Errorf("man pages: %w", err)
			}
			root := cmd.Root()
			prepareForMan(root)
			header := &doc.GenManHeader{
				Section: "1",
				Date:    &date,
				Source:  "idp " + f.Build.Version,
				Manual:  "idp manual",
			}
			if err := doc.GenManTree(root, header, dir); err != nil {
				return fmt.Errorf("man pages into %s: %w", dir, err)
			}
			return nil
		},
	}
}

// manDate is the date in the pages' header: the build date from -ldflags, else
// SOURCE_DATE_EPOCH (reproducible builds), else now.
func manDate(f *Factory) (time.Time, error) {
	for _, layout := range []string{time.RFC3339, time.DateOnly} {
		if t, err := time.Parse(layout, f.Build.Date); err == nil {
			return t, nil
		}
	}
	if s := f.Getenv("SOURCE_DATE_EPOCH"); s != "" {
		sec, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return time.Time{}, fmt.Errorf("SOURCE_DATE_EPOCH %q: want seconds since 1970", s)
		}
		return time.Unix(sec, 0).UTC(), nil
	}
	return f.Now(), nil
}

// prepareForMan readies the command tree, which the man command's process no longer runs, for
// cobra's generator. That reads help texts as Markdown, so the <kind> in "idp new <kind>" would
// vanish as an HTML tag and indented lines (the exit codes in idp's Long) would run together:
// escape the text and make indented lines preformatted. And the pages carry idp's version and
// date in their header; cobra's "Auto generated" footer would only repeat the date.
func prepareForMan(cmd *cobra.Command) {
	cmd.DisableAutoGenTag = true
	if name, rest, ok := strings.Cut(cmd.Use, " "); ok {
		cmd.Use = name + " " + manEscape(rest)
	}
	cmd.Short = manEscape(cmd.Short)
	cmd.Long = manText(cmd.Long)
	for _, fs := range []*pflag.FlagSet{cmd.LocalNonPersistentFlags(), cmd.PersistentFlags()} {
		fs.VisitAll(func(fl *pflag.Flag) { fl.Usage = manEscape(fl.Usage) })
	}
	for _, c := range cmd.Commands() {
		prepareForMan(c)
	}
}

// manText turns plain help text into Markdown that renders as the same text: indented lines
// become code blocks, everything else is escaped.
func manText(s string) string {
	var b strings.Builder
	inCode := false
	for i, line := range strings.Split(s, "\n") {
		indented := strings.HasPrefix(line, " ") || strings.HasPrefix(line, "\t")
		if i > 0 {
			b.WriteString("\n")
		}
		// A code block neither interrupts a paragraph nor is ended by one: blank lines around it.
		if indented != inCode && line != "" && i > 0 {
			b.WriteString("\n")
		}
		switch {
		case indented:
			b.WriteString("    " + line)
		case line != "":
			b.WriteString(manEscape(line))
		}
		if line != "" {
			inCode = indented
		}
	}
	return b.String()
}

// manEscape backslash-escapes the characters that Markdown would take for markup, outside
// `code spans`, which Markdown leaves alone anyway.
func manEscape(s string) string {
	var b strings.Builder
	inCode := false
	for _, r := range s {
		switch {
		case r == '`':
			inCode = !inCode
		case !inCode && strings.ContainsRune(`\*_<>`, r):
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}
