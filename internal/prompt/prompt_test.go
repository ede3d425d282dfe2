package prompt

import (
	"bufio"
	"bytes"
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/idp-cli/idp/internal/answers"
	"github.com/idp-cli/idp/internal/manifest"
)

const tmpl = `apiVersion: idp/v1
kind: Template
name: svc
type: service
parameters:
  - name: name
    title: Service name
    required: true
    pattern: '^[a-z][a-z0-9-]+$'
  - name: database
    type: select
    options: [none, postgres]
    default: none
  - name: db_name
    title: Database name
    when: '{{ ne .database "none" }}'
    default: '{{ .name | snakecase }}'
  - name: port
    type: int
    default: 8080
    min: 1024
  - name: envs
    type: multiselect
    options: [dev, staging, prod]
    default: [dev]
  - name: metrics
    type: bool
`

func resolve(t *testing.T, input string) (*answers.Result, string, error) {
	t.Helper()
	m, err := manifest.Parse([]byte(tmpl), "template.yaml", "svc")
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	p := &Huh{In: strings.NewReader(input), Out: &out, Accessible: true}
	res, err := answers.Resolve(context.Background(), m, answers.Request{Prompter: p})
	return res, out.String(), err
}

// TestAccessibleOverAPipe drives the real huh fields in accessible mode through one pipe: each
// question reads only its own line, so later ones are not starved of input.
func TestAccessibleOverAPipe(t *testing.T) {
	input := strings.Join([]string{
		"Bad Name", // refused by the pattern, asked again
		"pay-api",  // name
		"2",        // database: postgres, so db_name is asked
		"",         // db_name: take the default made from the name
		"80",       // port: below min, asked again
		"9000",     // port
		"3",        // envs: toggle prod on
		"0",        // envs: done
		"y",        // metrics
	}, "\n") + "\n"
	res, out, err := resolve(t, input)
	if err != nil {
		t.Fatalf("%v\nprompt output:\n%s", err, out)
	}
	want := map[string]any{
		"name": "pay-api", "database": "postgres", "db_name": "pay_api", "port": 9000,
		"envs": []string{"dev", "prod"}, "metrics": true,
	}
	if !reflect.DeepEqual(res.Answers, want) {
		t.Errorf("answers:\n got %#v\nwant %#v\nprompt output:\n%s", res.Answers, want, out)
	}
	for _, s := range []string{"Service name (required)", `does not match the pattern`, "80 is below the minimum 1024", "Database name"} {
		if !strings.Contains(out, s) {
			t.Errorf("prompt output lacks %q:\n%s", s, out)
		}
	}
}

func TestAccessibleSkipsQuestionsWhoseWhenIsFalse(t *testing.T) {
	res, out, err := resolve(t, "api\n1\n\n0\nn\n")
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if strings.Contains(out, "Database name") {
		t.Errorf("db_name asked though database=none:\n%s", out)
	}
	if _, ok := res.Answers["db_name"]; ok || res.Answers["port"] != 8080 || res.Answers["metrics"] != false {
		t.Errorf("answers %#v", res.Answers)
	}
}

func TestAccessibleInputEndingEarlyIsAnError(t *testing.T) {
	_, out, err := resolve(t, "api\n")
	want := "prompt: input ended before every question was answered"
	if err == nil || err.Error() != want {
		t.Fatalf("got %v, want %s\n%s", err, want, out)
	}
}

func TestLineReaderHandsOutOneLinePerRead(t *testing.T) {
	lr := &lineReader{r: bufioReader("one\ntwo\nthree")}
	buf := make([]byte, 64)
	var got []string
	for {
		n, err := lr.Read(buf)
		if n > 0 {
			got = append(got, string(buf[:n]))
		}
		if err != nil {
			break
		}
	}
	if want := []string{"one\n", "two\n", "three"}; !reflect.DeepEqual(got, want) {
		t.Errorf("reads %q, want %q", got, want)
	}
	if !lr.eof {
		t.Error("eof not recorded")
	}
	small := &lineReader{r: bufioReader("abcdef\nx\n")}
	b := make([]byte, 4)
	n1, _ := small.Read(b)
	first := string(b[:n1])
	n2, _ := small.Read(b)
	if first+string(b[:n2]) != "abcdef\n" {
		t.Errorf("a line longer than the buffer: %q then %q", first, b[:n2])
	}
}

func bufioReader(s string) *bufio.Reader { return bufio.NewReader(strings.NewReader(s)) }
