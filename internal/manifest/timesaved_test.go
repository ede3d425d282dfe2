package manifest

import (
	"strings"
	"testing"
	"time"
)

// TestTimeSaved reads timeSaved as an ISO 8601 duration and refuses what is not one, at its line.
func TestTimeSaved(t *testing.T) {
	for in, want := range map[string]time.Duration{"PT2H": 2 * time.Hour, "P1DT4H30M": 28*time.Hour + 30*time.Minute, "P2W": 14 * 24 * time.Hour, "PT90S": 90 * time.Second, "PT0.5S": 500 * time.Millisecond} {
		if got, err := ParseISODuration(in); err != nil || got != want {
			t.Errorf("ParseISODuration(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"2h", "P", "PT", "P1Y", "P1M", "PT1H2D", ""} {
		if _, err := ParseISODuration(in); err == nil {
			t.Errorf("ParseISODuration(%q) has no error", in)
		}
	}
	base := "apiVersion: idp/v1\nkind: Template\ntype: service\n"
	m, err := Parse([]byte(base+"timeSaved: PT4H\n"), "template.yaml", "svc")
	if err != nil || m.TimeSavedDuration() != 4*time.Hour {
		t.Fatalf("%v %v", m, err)
	}
	_, err = Parse([]byte(base+"timeSaved: 4 hours\n"), "template.yaml", "svc")
	if err == nil || !strings.Contains(err.Error(), `template.yaml:4: timeSaved: "4 hours" is not an ISO 8601 duration`) {
		t.Errorf("error: %v", err)
	}
}
