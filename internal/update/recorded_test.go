package update

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/idp-cli/idp/internal/provenance"
)

func TestRecorded(t *testing.T) {
	dir := t.TempDir()
	rec := `format: 2
template:
  source: https://git.example.com/p/g.git
  name: go-service
  version: v1.1.0
answers:
  name: payments
layers:
  - template:
      source: builtin
      name: techdocs
      version: v1.0.0
    answers: {}
`
	if err := os.WriteFile(filepath.Join(dir, provenance.FileName), []byte(rec), 0o644); err != nil {
		t.Fatal(err)
	}
	for layer, want := range map[string]provenance.Template{
		"":         {Source: "https://git.example.com/p/g.git", Name: "go-service", Version: "v1.1.0"},
		"techdocs": {Source: "builtin", Name: "techdocs", Version: "v1.0.0"},
	} {
		if got, ok := Recorded(dir, layer); !ok || got != want {
			t.Errorf("Recorded(%q) = %+v, %v; want %+v", layer, got, ok, want)
		}
	}
	if _, ok := Recorded(dir, "argocd"); ok {
		t.Error("a layer the service does not have")
	}
	if _, ok := Recorded(t.TempDir(), ""); ok {
		t.Error("a directory without .idp.yaml")
	}
}
