package update

import "github.com/idp-cli/idp/internal/provenance"

// Recorded is the golden path .idp.yaml records for the service in dir: its layer named layer,
// else its base. ok is false when there is no service there or no such layer.
func Recorded(dir, layer string) (t provenance.Template, ok bool) {
	svc, err := Open(dir)
	if err != nil {
		return t, false
	}
	i := 0
	if layer != "" {
		if i = svc.Record.Find(layer); i < 0 {
			return t, false
		}
	}
	return svc.Record.Layer(i).Template, true
}
