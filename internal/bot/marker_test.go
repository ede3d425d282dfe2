package bot

import "testing"

// TestParseMarker reads back the marker the bot writes into its pull requests.
func TestParseMarker(t *testing.T) {
	body := "It changes go.mod.\n\n" + marker(Options{Template: "go-service", From: "v1.0.0", To: "v1.1.0"}) + "\n"
	m, ok := ParseMarker(body)
	if !ok || m != (Marker{Template: "go-service", From: "v1.0.0", To: "v1.1.0"}) {
		t.Errorf("ParseMarker = %+v, %t", m, ok)
	}
	if _, ok := ParseMarker("Someone's pull request"); ok {
		t.Error("a description without the marker has one")
	}
}
