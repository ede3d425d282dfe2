package bot

// Marker is the update one of the bot's pull requests proposes, as the hidden line in its
// description says: the fleet's view reads the bot's pull requests back by it.
type Marker struct{ Template, From, To string }

// ParseMarker finds the bot's marker in a pull request's description.
func ParseMarker(body string) (Marker, bool) {
	m := markerRE().FindStringSubmatch(body)
	if m == nil {
		return Marker{}, false
	}
	return Marker{Template: m[1], From: m[2], To: m[3]}, true
}

// DefaultBranch is the bot's branch for a golden path when --branch does not name one.
func DefaultBranch(template string) string { return "idp/update-" + template }
