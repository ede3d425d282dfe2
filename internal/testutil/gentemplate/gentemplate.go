// Package gentemplate writes a synthetic golden path for benchmarks and tests: many files of
// realistic size and template density, generated from a seed so that every run measures the
// same bytes.
package gentemplate

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Name is the generated golden path's name.
const Name = "bench-service"

// Set answers every parameter, as --set pairs, so that nothing is prompted.
var Set = []string{
	"name=payments",
	"owner=acme",
	"team=checkout",
	"description=Card payments API",
	"registry=ghcr.io/acme",
}

// Spec is the shape of the golden path.
type Spec struct {
	TextFiles   int    // 1-3 KB each, several {{ .var }} uses
	BinaryFiles int    // a few KB each, with NUL bytes
	Seed        uint64 // same seed, same bytes
}

// Default is the shape the benchmarks use: 195 text files and 5 binary ones.
var Default = Spec{TextFiles: 195, BinaryFiles: 5, Seed: 1}

const manifest = `apiVersion: idp/v1
kind: Template
name: ` + Name + `
type: service
title: Generated benchmark service
description: A synthetic golden path for the render and new benchmarks.
parameters:
  - name: name
    type: string
    title: Service name
    required: true
    pattern: '^[a-z][a-z0-9-]{1,38}$'
  - name: owner
    type: string
    required: true
  - name: team
    type: string
    default: platform
  - name: description
    type: string
    default: A service
  - name: registry
    type: string
    default: ghcr.io/example
`

// dirs spreads the files as a service's would be; some carry {{ .name }} in a segment so that
// path rendering is measured too.
var dirs = []struct{ dir, ext string }{
	{"", "md"},
	{"cmd/{{ .name }}", "go"},
	{"internal/api", "go"},
	{"internal/store", "go"},
	{"internal/config", "go"},
	{"internal/{{ .name }}", "go"},
	{"deploy/k8s/base", "yaml"},
	{"deploy/k8s/overlays/{{ .name }}-prod", "yaml"},
	{".github/workflows", "yaml"},
	{"infra/terraform", "tf"},
	{"docs", "md"},
	{"scripts", "sh"},
}

// Lines to build files from: mostly plain, with one line in varEvery using the answers, which
// gives a file the dozen or so {{ .var }} uses a real skeleton file has. <n> becomes a number,
// so files differ as real ones do.
const varEvery = 8

var plain = map[string][]string{
	"go": {
		"func handle<n>(w http.ResponseWriter, r *http.Request) {",
		"\tif err := s.store.Get(r.Context(), \"key-<n>\"); err != nil {",
		"\t\thttp.Error(w, err.Error(), http.StatusInternalServerError)",
		"\t\treturn",
		"\t}",
		"}",
		"var errNotFound<n> = errors.New(\"not found\")",
		"\tctx, cancel := context.WithTimeout(ctx, <n>*time.Millisecond)",
		"\tdefer cancel()",
		"",
	},
	"yaml": {
		"apiVersion: apps/v1",
		"kind: Deployment",
		"metadata:",
		"  labels:",
		"spec:",
		"  replicas: <n>",
		"      containers:",
		"        - name: app-<n>",
		"          ports: [{containerPort: 80<n>}]",
		"          resources: {limits: {memory: <n>Mi}}",
		"---",
	},
	"tf": {
		"resource \"aws_sqs_queue\" \"q<n>\" {",
		"  tags = {",
		"  visibility_timeout_seconds = <n>",
		"  }",
		"}",
		"variable \"size_<n>\" { default = <n> }",
		"",
	},
	"md": {
		"",
		"Run `make test` before a pull request; CI runs the same target (step <n>).",
		"- item <n>: see the runbook for what to do when the queue backs up.",
		"The service reads its configuration from the environment at start-up.",
		"",
	},
	"sh": {
		"set -eu",
		"retries=<n>",
		"until curl -fsS localhost:80<n>/healthz >/dev/null; do sleep 1; done",
		"",
	},
}

var withVars = map[string][]string{
	"go": {
		"// Package {{ .name }} serves the {{ .description }}.",
		"\tlog.Info(\"{{ .name }}: handled request\", \"id\", <n>, \"team\", \"{{ .team }}\")",
		"const image<n> = \"{{ .registry }}/{{ .name }}:v0.<n>.0\"",
		"// Owned by {{ .owner }}/{{ .team }}; see docs/runbook.md before changing limits.",
	},
	"yaml": {
		"  name: {{ .name }}",
		"    app.kubernetes.io/name: {{ .name }}",
		"    team: {{ .team }}",
		"    owner: {{ .owner }}",
		"          image: {{ .registry }}/{{ .name }}:latest",
	},
	"tf": {
		"  name = \"{{ .name }}-queue-<n>\"",
		"    owner = \"{{ .owner }}\"",
		"    team  = \"{{ .team }}\"",
		"# {{ .description }}",
	},
	"md": {
		"# {{ .name }}",
		"{{ .description }}, owned by {{ .team }} at {{ .owner }}.",
		"Images are pushed to {{ .registry }}/{{ .name }} on every tag.",
	},
	"sh": {
		"echo \"deploying {{ .name }} for {{ .team }}\"",
		"docker push \"{{ .registry }}/{{ .name }}:$TAG\"",
		"curl -fsS \"https://status.example.com/{{ .owner }}/{{ .name }}\" >/dev/null",
	},
}

// Write makes dir a golden path of shape s: template.yaml and skeleton/.
func Write(dir string, s Spec) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "template.yaml"), []byte(manifest), 0o644); err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(s.Seed, 0x1d9))
	for i := range s.TextFiles {
		d := dirs[i%len(dirs)]
		name := fmt.Sprintf("file_%03d.%s", i, d.ext)
		if i%10 == 3 {
			name = fmt.Sprintf("{{ .name }}_%03d.%s", i, d.ext)
		}
		mode := os.FileMode(0o644)
		if d.ext == "sh" {
			mode = 0o755
		}
		if err := write(dir, d.dir, name, text(rng, d.ext, 1024+rng.IntN(2048)), mode); err != nil {
			return err
		}
	}
	for i := range s.BinaryFiles {
		if err := write(dir, "assets", fmt.Sprintf("logo_%d.png", i), binary(rng, 2048+rng.IntN(4096)), 0o644); err != nil {
			return err
		}
	}
	return nil
}

func write(root, dir, name string, data []byte, mode os.FileMode) error {
	d := filepath.Join(root, "skeleton", filepath.FromSlash(dir))
	if err := os.MkdirAll(d, 0o755); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(d, name), data, mode)
}

func text(rng *rand.Rand, ext string, size int) []byte {
	var b strings.Builder
	for i := 0; b.Len() < size; i++ {
		pool := plain[ext]
		if i%varEvery == 0 {
			pool = withVars[ext]
		}
		b.WriteString(strings.ReplaceAll(pool[rng.IntN(len(pool))], "<n>", strconv.Itoa(rng.IntN(1000))))
		b.WriteByte('\n')
	}
	return []byte(b.String())
}

// binary looks like a PNG: the signature, then an IHDR length whose zero bytes make it binary
// to idp (and to git), then noise.
func binary(rng *rand.Rand, size int) []byte {
	b := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR")
	for len(b) < size {
		b = append(b, byte(rng.Uint32()))
	}
	return b
}
