package forge

import "testing"

// TestSetWritesPerHourFrom: IDP_FORGE_WRITES_PER_HOUR sets the pace; unset is the default;
// a value that is not a number says what to give and leaves the pace as it was.
func TestSetWritesPerHourFrom(t *testing.T) {
	defer SetWritesPerHour(0)
	env := func(v string) func(string) string {
		return func(k string) string {
			if k == "IDP_FORGE_WRITES_PER_HOUR" {
				return v
			}
			return ""
		}
	}
	if err := SetWritesPerHourFrom(env("120")); err != nil || writesPerHour.Load() != 120 {
		t.Errorf("120: %v, pace %d", err, writesPerHour.Load())
	}
	err := SetWritesPerHourFrom(env("lots"))
	if err == nil || err.Error() != `IDP_FORGE_WRITES_PER_HOUR="lots": give a number of content-creating requests an hour (default 450; -1 for no pacing)` || writesPerHour.Load() != 120 {
		t.Errorf("lots: %v, pace %d", err, writesPerHour.Load())
	}
	if err := SetWritesPerHourFrom(env("")); err != nil || writesPerHour.Load() != DefaultWritesPerHour {
		t.Errorf("unset: %v, pace %d", err, writesPerHour.Load())
	}
}
