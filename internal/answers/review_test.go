package answers

import (
	"context"
	"reflect"
	"testing"
)

// TestSetArgs: the --set arguments the review's command gets: an answer that its default (or,
// without one, the unanswered value) would give anyway is left out, lists are comma-separated,
// and a secret is masked.
func TestSetArgs(t *testing.T) {
	m := parse(t)
	state := map[string]any{"name": "pay-api", "database": "postgres"}
	var got []string
	for _, tc := range []struct {
		param string
		raw   any
	}{
		{"name", "pay-api"}, {"port", "8080"}, {"port", "9000"}, {"database", "none"}, {"database", "postgres"},
		{"db_name", "pay_api"}, {"db_name", "payments"}, {"envs", []string{"dev"}}, {"envs", []string{"dev", "prod"}},
		{"metrics", false}, {"metrics", true}, {"token", ""}, {"token", "s3cret"},
	} {
		q := &Question{Param: m.Param(tc.param), m: m}
		if arg, ok := q.SetArg(state, tc.raw); ok {
			got = append(got, arg)
		}
	}
	want := []string{"name=pay-api", "port=9000", "database=postgres", "db_name=payments", "envs=dev,prod", "metrics=true", "token=********"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	shown := []string{
		(&Question{Param: m.Param("token"), m: m}).Shown("s3cret"),
		(&Question{Param: m.Param("token"), m: m}).Shown(""),
		(&Question{Param: m.Param("envs"), m: m}).Shown([]string{"dev", "prod"}),
		(&Question{Param: m.Param("metrics"), m: m}).Shown(true),
	}
	if want := []string{"********", "(none)", "dev, prod", "yes"}; !reflect.DeepEqual(shown, want) {
		t.Errorf("shown %q, want %q", shown, want)
	}
}

// TestPatternInWordsUnlessVerbose: an answer given on the command line that the pattern refuses
// is explained from help; the pattern is named only with --verbose.
func TestPatternInWordsUnlessVerbose(t *testing.T) {
	m := parse(t)
	m.Param("name").Help = "Lowercase letters, digits and dashes."
	for verbose, want := range map[bool]string{
		false: `NAME argument: parameter "name": "Api" is not valid: Lowercase letters, digits and dashes`,
		true:  `NAME argument: parameter "name": "Api" is not valid: Lowercase letters, digits and dashes (the pattern is ^[a-z][a-z0-9-]+$)`,
	} {
		_, err := Resolve(context.Background(), m, Request{Name: "Api", Set: []string{"owner=o"}, Verbose: verbose})
		if err == nil || err.Error() != want {
			t.Errorf("verbose=%v: got %v\nwant %s", verbose, err, want)
		}
	}
}
