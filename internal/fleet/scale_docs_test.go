package fleet

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// tool finds a checker installed by templates/go-service/tools/install.sh, or on PATH.
func tool(t *testing.T, name string) string {
	if home, err := os.UserHomeDir(); err == nil {
		p := filepath.Join(home, ".cache", "idp-tools", "bin", name)
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	t.Skipf("%s is not installed (templates/go-service/tools/install.sh installs it)", name)
	return ""
}

// The examples of docs/scale.md are its files in docs/scale, word for word, and each passes
// its checker.
func TestScaleExamples(t *testing.T) {
	doc, err := os.ReadFile("../../docs/scale.md")
	if err != nil {
		t.Fatal(err)
	}
	files := []string{"fleet-update.yml", "gitlab-ci.yml", "fleet-update-job.yaml"}
	for _, f := range files {
		data, err := os.ReadFile(filepath.Join("../../docs/scale", f))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(doc, data) {
			t.Errorf("docs/scale.md does not show docs/scale/%s as it is", f)
		}
	}

	// The GitLab job: the keys a parallel job needs, and no others misspelt.
	var gl map[string]struct {
		Image     string            `yaml:"image"`
		Parallel  int               `yaml:"parallel"`
		Rules     []map[string]any  `yaml:"rules"`
		Variables map[string]string `yaml:"variables"`
		Script    []string          `yaml:"script"`
		Artifacts map[string]any    `yaml:"artifacts"`
	}
	data, _ := os.ReadFile("../../docs/scale/gitlab-ci.yml")
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&gl); err != nil {
		t.Errorf("gitlab-ci.yml: %v", err)
	}
	if j := gl["fleet-update"]; j.Parallel < 2 || !strings.Contains(strings.Join(j.Script, "\n"), `--shard "$((CI_NODE_INDEX - 1))/$CI_NODE_TOTAL"`) {
		t.Errorf("gitlab-ci.yml: the job is not a parallel one that shards by CI_NODE_INDEX: %+v", j)
	}

	t.Run("actionlint", func(t *testing.T) {
		out, err := exec.Command(tool(t, "actionlint"), "-no-color", "../../docs/scale/fleet-update.yml").CombinedOutput()
		if err != nil {
			t.Errorf("actionlint: %v\n%s", err, out)
		}
	})
	t.Run("kube-score", func(t *testing.T) {
		// A NetworkPolicy is the cluster's to write, not the Job's.
		out, err := exec.Command(tool(t, "kube-score"), "score", "--ignore-test", "pod-networkpolicy", "../../docs/scale/fleet-update-job.yaml").CombinedOutput()
		if err != nil {
			t.Errorf("kube-score: %v\n%s", err, out)
		}
		for _, want := range []string{"completionMode: Indexed", "parallelism:", "secretKeyRef:", "name: IDP_SHARDS"} {
			if data, _ := os.ReadFile("../../docs/scale/fleet-update-job.yaml"); !bytes.Contains(data, []byte(want)) {
				t.Errorf("the Job has no %q", want)
			}
		}
	})
}
