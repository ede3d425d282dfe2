package main

import (
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"
	"github.com/spf13/pflag"

	"github.com/idp-cli/idp/internal/cli"
)

const usage = `usage: manpages <dir>

Writes a man page for every idp command into <dir>, dated from the build date
(-ldflags -X main.date), else SOURCE_DATE_EPOCH, else now.
`

// run writes the pages into the directory that args names and returns the exit code: 0, 1 for
// an error, 2 for a usage error.
func run(build cli.Build, args []string, stdout, stderr io.Writer, getenv func(string) string, now func() time.Time) int {
	if len(args) == 1 && (args[0] == "-h" || args[0] == "--help") {
		fmt.Fprint(stdout, usage)
		return 0
	}
	if len(args) != 1 || strings.HasPrefix(args[0], "-") {
		fmt.Fprint(stderr, usage)
		return 2
	}
	if build.Version == "dev" {
		// `go run .../internal/manpages@v1.2.3` sets no ldflags, but the module version is known.
		if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" && info.Main.Version != "(devel)" {
			build.Version = info.Main.Version
		}
	}
	if err := write(args[0], build, getenv, now); err != nil {
		fmt.Fprintf(stderr, "manpages: %s\n", err)
		return 1
	}
	return 0
}

// write writes the pages of idp's command tree into dir.
func write(dir string, build cli.Build, getenv func(string) string, now func() time.Time) error {
	date, err := manDate(build.Date, getenv, now)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("man pages: %w", err)
	}
	root := cli.NewRootCmd(&cli.Factory{Build: build, Getenv: getenv, Now: now})
	// The commands that cobra adds to the tree when idp runs; completion's pages ship too.
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	prepareForMan(root)
	header := &doc.GenManHeader{
		Section: "1",
		Date:    &date,
		Source:  "idp " + build.Version,
		Manual:  "idp manual",
	}
	if err := doc.GenManTree(root, header, dir); err != nil {
		return fmt.Errorf("man pages into %s: %w", dir, err)
	}
	return nil
}

// manDate is the date in the pages' header: the build date from -ldflags, else
// SOURCE_DATE_EPOCH (reproducible builds), else now.
func manDate(build string, getenv func(string) string, now func() time.Time) (time.Time, error) {
	for _, layout := range []string{time.RFC3339, time.DateOnly} {
		if t, err := time.Parse(layout, build); err == nil {
			return t, nil
		}
	}
	if s := getenv("SOURCE_DATE_EPOCH"); s != "" {
		sec, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return time.Time{}, fmt.Errorf("SOURCE_DATE_EPOCH %q: want seconds since 1970", s)
		}
		return time.Unix(sec, 0).UTC(), nil
	}
	return now(), nil
}

// prepareForMan readies the command tree for cobra's generator. That reads help texts as
// Markdown, so the <kind> in "idp new <kind>" would vanish as an HTML tag and indented lines (the
// exit codes in idp's Long) would run together: escape the text and make indented lines
// preformatted. And the pages carry idp's version and date in their header; cobra's "Auto
// generated" footer would only repeat the date.
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
