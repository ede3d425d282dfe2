package source

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// Listing is idp templates list: the catalog's golden paths, and those it has that cannot be
// used, each with its error.
type Listing struct {
	Catalog *Catalog
	// Versions adds each golden path's newest versions to the table (the JSON has them all).
	Versions bool
	// Log gets, with the table, why each broken golden path cannot be used, whole (stderr).
	Log io.Writer
}

// List is the listing of the catalog. A source that holds no golden paths at all is an error;
// one whose every golden path is broken is listed, and Unusable says so.
func List(cat *Catalog, versions bool, log io.Writer) (*Listing, error) {
	if len(cat.All) == 0 && len(cat.Broken) == 0 {
		return nil, fmt.Errorf("source %s holds no golden paths: directories with a template.yaml and a skeleton/, at depth 1 or 2", cat.Src.Location)
	}
	return &Listing{Catalog: cat, Versions: versions, Log: log}, nil
}

// Unusable is the error of a source none of whose golden paths can be used, else nil.
func (l *Listing) Unusable() error {
	if len(l.Catalog.All) > 0 {
		return nil
	}
	return fmt.Errorf("no golden path of %s can be used; tell its owners, or give --source another", l.Catalog.Src.Location)
}

type listItem struct {
	Name        string   `json:"name"`
	Type        string   `json:"type"`
	Title       string   `json:"title"`
	Description string   `json:"description"`
	Version     string   `json:"version,omitempty"`
	Versions    []string `json:"versions,omitempty"`
	Parameters  []string `json:"parameters"`
	Error       string   `json:"error,omitempty"`
}

// JSON is idp templates list --output json: every golden path with every version, the broken
// ones with their errors.
func (l *Listing) JSON() any {
	cat := l.Catalog
	items := make([]listItem, 0, len(cat.All)+len(cat.Broken))
	for _, t := range cat.All {
		m := t.Manifest
		latest, vs := cat.Latest(t)
		items = append(items, listItem{m.Name, m.Type, m.Title, m.Description, latest, vs, m.ParamNames(), ""})
	}
	for _, b := range cat.Broken {
		latest, vs := cat.LatestIn(b.Dir)
		items = append(items, listItem{b.Name, b.Type, "", "", latest, vs, []string{}, b.Err.Error()})
	}
	return map[string]any{"source": cat.Src.Location, "templates": items}
}

// WriteText writes the table: name, type, newest version and title (and with Versions the
// newest versions), the broken golden paths last, and their errors to Log.
func (l *Listing) WriteText(w io.Writer) error {
	cat := l.Catalog
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	header := "NAME\tTYPE\tVERSION\tTITLE"
	if l.Versions {
		header += "\tVERSIONS"
	}
	fmt.Fprintln(tw, header)
	row := func(name, typ, title, v string, vs []string) {
		if v == "" {
			v = "-"
		}
		if typ == "" {
			typ = "-"
		}
		line := fmt.Sprintf("%s\t%s\t%s\t%s", name, typ, v, title)
		if l.Versions {
			line += "\t" + versionsCell(vs)
		}
		fmt.Fprintln(tw, line)
	}
	for _, t := range cat.All {
		v, vs := cat.Latest(t)
		row(t.Manifest.Name, t.Manifest.Type, t.Manifest.Title, v, vs)
	}
	for _, b := range cat.Broken {
		v, vs := cat.LatestIn(b.Dir)
		row(b.Name, b.Type, "(cannot be used; the error is below)", v, vs)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, b := range cat.Broken {
		fmt.Fprintf(l.Log, "idp: golden path %s cannot be used: %s\n", b.Name, b.Err)
	}
	return nil
}

// cellVersions is how many versions a row of the table shows: a golden path with years of
// releases would otherwise fill the screen with one cell.
const cellVersions = 3

// versionsCell is the newest versions, newest first, and a count of the others.
func versionsCell(vs []string) string {
	if len(vs) <= cellVersions {
		return strings.Join(vs, " ")
	}
	return fmt.Sprintf("%s (+%d)", strings.Join(vs[:cellVersions], " "), len(vs)-cellVersions)
}
