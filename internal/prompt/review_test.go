package prompt

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"

	"github.com/idp-cli/idp/internal/answers"
	"github.com/idp-cli/idp/internal/manifest"
)

const reviewTmpl = `apiVersion: idp/v1
kind: Template
name: svc
type: service
parameters:
  - name: name
    title: Service name
    help: Lowercase letters, digits and dashes.
    pattern_help: lowercase letters, digits and dashes, starting with a letter
    required: true
    pattern: '^[a-z][a-z0-9-]+$'
  - name: token
    title: Registry token
    secret: true
  - name: port
    type: int
    default: 8080
  - name: description
    default: 'The {{ .name }} service.'
`

func reviewManifest(t *testing.T) *manifest.Manifest {
	t.Helper()
	m, err := manifest.Parse([]byte(reviewTmpl), "template.yaml", "svc")
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// review is what idp new passes: it is checked here that the prompter gives it the right
// answers; internal/cli checks the command line it makes of them.
var review = &answers.Review{
	Confirm: func(all map[string]any) string { return fmt.Sprintf("Create ./%s?", all["name"]) },
	Command: func(sets []string) string { return "idp new service " + strings.Join(sets, " ") },
}

// taken is a Request.Check that refuses the name "taken", as idp new does for ./taken.
func taken(param string, v any) error {
	if param == "name" && v == "taken" {
		return errors.New("./taken already exists and is not empty; choose another name, remove it, or give --output-dir")
	}
	return nil
}

// TestAccessibleReview: the answers, the command that gives them without prompts (the secret
// masked, defaults left out) and a confirmation end the prompts; a taken name is refused at its
// own question, with the reason, and asked again.
func TestAccessibleReview(t *testing.T) {
	for _, tc := range []struct {
		confirm string
		err     error
	}{{"y", nil}, {"", nil}, {"n", ErrCancelled}} {
		t.Run("confirm="+tc.confirm, func(t *testing.T) {
			var out bytes.Buffer
			in := "taken\npay-api\ns3cret\n9000\n\n" + tc.confirm + "\n"
			p := &Huh{In: strings.NewReader(in), Out: &out, Accessible: true}
			res, err := answers.Resolve(context.Background(), reviewManifest(t), answers.Request{Prompter: p, Review: review, Check: taken})
			if !errors.Is(err, tc.err) {
				t.Fatalf("got %v, want %v\n%s", err, tc.err, &out)
			}
			got := out.String()
			for _, want := range []string{
				"./taken already exists and is not empty; choose another name, remove it, or give --output-dir\nService name (required)",
				"Service name: pay-api\nRegistry token: ********\nport: 9000\ndescription: The pay-api service.\n",
				"The same without prompts:\n  idp new service name=pay-api token=******** port=9000\n",
				"Create ./pay-api? [Y/n]",
			} {
				if !strings.Contains(got, want) {
					t.Errorf("output lacks %q:\n%s", want, got)
				}
			}
			if tc.err == nil && (res.Answers["name"] != "pay-api" || res.Answers["token"] != "s3cret" || res.Answers["port"] != 9000) {
				t.Errorf("answers %v", res.Answers)
			}
		})
	}
}

// TestGivenAnswerMeetsTheCheckBeforeAnyPrompt: --set name=taken fails before the form, not
// after it.
func TestGivenAnswerMeetsTheCheckBeforeAnyPrompt(t *testing.T) {
	var out bytes.Buffer
	p := &Huh{In: strings.NewReader(""), Out: &out, Accessible: true}
	_, err := answers.Resolve(context.Background(), reviewManifest(t), answers.Request{Set: []string{"name=taken"}, Prompter: p, Review: review, Check: taken})
	want := `--set name=taken: parameter "name": ./taken already exists and is not empty; choose another name, remove it, or give --output-dir`
	if err == nil || err.Error() != want || out.Len() != 0 {
		t.Errorf("got %v, want %s; prompted:\n%s", err, want, &out)
	}
}

// TestPatternOnlyWithVerbose: pattern_help says what the pattern wants; --verbose adds the
// pattern.
func TestPatternOnlyWithVerbose(t *testing.T) {
	for _, verbose := range []bool{false, true} {
		var out bytes.Buffer
		p := &Huh{In: strings.NewReader("Bad\npay-api\n\n\n\n"), Out: &out, Accessible: true, Verbose: verbose}
		if _, err := answers.Resolve(context.Background(), reviewManifest(t), answers.Request{Prompter: p}); err != nil {
			t.Fatal(err)
		}
		want := `"Bad" is not valid: lowercase letters, digits and dashes, starting with a letter` + "\n"
		if verbose {
			want = `"Bad" is not valid: lowercase letters, digits and dashes, starting with a letter (the pattern is ^[a-z][a-z0-9-]+$)` + "\n"
		}
		if !strings.Contains(out.String(), want) {
			t.Errorf("verbose=%v: output lacks %q:\n%s", verbose, want, &out)
		}
	}
}

// TestAccessibleSaysNewIn: an update's new parameter says which version added it.
func TestAccessibleSaysNewIn(t *testing.T) {
	var out bytes.Buffer
	p := &Huh{In: strings.NewReader("\n\n\n"), Out: &out, Accessible: true}
	req := answers.Request{Recorded: map[string]any{"name": "api"}, Prompter: p, NewIn: map[string]string{"port": "v1.2.0"}}
	if _, err := answers.Resolve(context.Background(), reviewManifest(t), req); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "port (new in v1.2.0) [8080]:") || strings.Contains(out.String(), "description (new") {
		t.Errorf("output:\n%s", &out)
	}
}

// terminal stands for a terminal on stdin: a file, so that it has a descriptor, which idp reads
// secrets from without echo (readSecret here).
func terminal(t *testing.T, lines string) *os.File {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close(); w.Close() })
	go func() { io.WriteString(w, lines) }()
	return r
}

// TestAccessibleSecretOnATerminal: on a terminal a secret is read without echo. huh's own way
// needs its input to be the terminal; idp hands it a line reader, so the question was skipped
// without a word and the secret left empty.
func TestAccessibleSecretOnATerminal(t *testing.T) {
	var out bytes.Buffer
	p := &Huh{In: terminal(t, "pay-api\n\n\n"), Out: &out, Accessible: true, InIsTerminal: true,
		readSecret: func(int) ([]byte, error) { return []byte("s3cret"), nil }}
	res, err := answers.Resolve(context.Background(), reviewManifest(t), answers.Request{Prompter: p})
	if err != nil {
		t.Fatalf("%v\n%s", err, &out)
	}
	if res.Answers["token"] != "s3cret" || !strings.Contains(out.String(), "Registry token: \n") || strings.Contains(out.String(), "s3cret") {
		t.Errorf("answers %v, output:\n%s", res.Answers, &out)
	}
}

// TestAccessibleSecretCancelled: Ctrl-C while a secret is read ends the prompt at once.
func TestAccessibleSecretCancelled(t *testing.T) {
	block := make(chan struct{})
	defer close(block)
	p := &Huh{In: terminal(t, "pay-api\n"), Out: io.Discard, Accessible: true, InIsTerminal: true,
		readSecret: func(int) ([]byte, error) { <-block; return nil, io.EOF }}
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	done := make(chan error, 1)
	go func() {
		_, err := answers.Resolve(ctx, reviewManifest(t), answers.Request{Prompter: p})
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, ErrCancelled) {
			t.Errorf("got %v, want ErrCancelled", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the secret's prompt still waits 10s after Ctrl-C")
	}
}

// teaReviewer runs the real full-screen form with the review step under teatest.
type teaReviewer struct {
	t     *testing.T
	drive func(tm *teatest.TestModel)
	a     *asker
}

func (p *teaReviewer) Ask(context.Context, map[string]any, []*answers.Question) (map[string]any, error) {
	panic("Resolve asks a Reviewer to review")
}

func (p *teaReviewer) AskAndReview(_ context.Context, known map[string]any, qs []*answers.Question, r *answers.Review) (map[string]any, error) {
	p.a = &asker{known: known, qs: qs, fields: make([]*field, len(qs)), visible: make([]bool, len(qs)), review: r}
	form := p.a.form(&Huh{Out: io.Discard})
	form.SubmitCmd, form.CancelCmd = tea.Quit, tea.Quit
	tm := teatest.NewTestModel(p.t, form, teatest.WithInitialTermSize(100, 40))
	p.drive(tm)
	tm.WaitFinished(p.t, teatest.WithFinalTimeout(5*time.Second))
	if !p.a.confirmed {
		return nil, ErrCancelled
	}
	return p.a.answers(), nil
}

// TestFormReview: the full-screen form ends with the answers, the command and Create?; a taken
// name is refused in its field with the reason.
func TestFormReview(t *testing.T) {
	for _, create := range []bool{true, false} {
		t.Run(fmt.Sprint("create=", create), func(t *testing.T) {
			p := &teaReviewer{t: t, drive: func(tm *teatest.TestModel) {
				waitFor(t, tm, "Service name *")
				tm.Type("taken")
				enter(tm)
				waitFor(t, tm, "./taken already exists and is not empty; choose another name")
				for range 5 {
					tm.Send(tea.KeyMsg{Type: tea.KeyBackspace})
				}
				tm.Type("pay-api")
				enter(tm)
				waitFor(t, tm, "Registry token")
				tm.Type("s3cret")
				enter(tm)
				waitFor(t, tm, "8080")
				enter(tm)
				waitFor(t, tm, "The pay-api service.")
				enter(tm)
				waitFor(t, tm, "Create ./pay-api?", "Service name: pay-api", "Registry token: ********",
					"idp new service name=pay-api token=********", "shift+tab goes back")
				if !create {
					tm.Send(tea.KeyMsg{Type: tea.KeyRight}) // No
				}
				enter(tm)
			}}
			res, err := answers.Resolve(context.Background(), reviewManifest(t), answers.Request{Prompter: p, Review: review, Check: taken})
			if !create {
				if !errors.Is(err, ErrCancelled) {
					t.Errorf("declined: got %v, want ErrCancelled", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if res.Answers["name"] != "pay-api" || res.Answers["token"] != "s3cret" {
				t.Errorf("answers %v", res.Answers)
			}
			if got := p.a.summary(); got != "Service name: pay-api\nRegistry token: ********\nport: 8080\ndescription: The pay-api service.\n" {
				t.Errorf("summary:\n%s", got)
			}
		})
	}
}
