package config

import (
	"fmt"
	"strings"

	"github.com/spf13/viper"
	"go.yaml.in/yaml/v3"
)

// maxSize is the largest config file idp reads: it holds a few settings.
const maxSize = 1 << 20

// keyLines parses the config file to find its keys' lines, for messages, and to refuse a
// key given twice in one mapping, which viper's YAML library words in its own terms.
func keyLines(data []byte, file string) (map[string]int, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil || len(doc.Content) == 0 {
		return nil, nil // viper says what is wrong with the YAML itself
	}
	lines := map[string]int{}
	var walk func(n *yaml.Node, top bool) error
	walk = func(n *yaml.Node, top bool) error {
		if n.Kind == yaml.MappingNode {
			seen := map[string]int{}
			for i := 0; i+1 < len(n.Content); i += 2 {
				k := n.Content[i]
				if first, ok := seen[k.Value]; ok {
					return fmt.Errorf("config file %s:%d: %s is given twice (first at line %d); keep one", file, k.Line, k.Value, first)
				}
				seen[k.Value] = k.Line
				if top {
					lines[strings.ToLower(k.Value)] = k.Line
				}
			}
		}
		for _, c := range n.Content {
			if err := walk(c, false); err != nil {
				return err
			}
		}
		return nil
	}
	return lines, walk(doc.Content[0], true)
}

// namedSources reads `sources:`, a map from a short name to a git URL or directory, so that
// `--source platform` (and `source: platform`) can stand for the URL.
func namedSources(v *viper.Viper, file string) (map[string]string, error) {
	if !v.IsSet("sources") {
		return nil, nil
	}
	raw, ok := v.Get("sources").(map[string]any)
	if !ok {
		return nil, fmt.Errorf("config file %s: sources must map names to git URLs or directories, such as\n  sources:\n    platform: https://git.example.com/platform/golden-paths.git", file)
	}
	out := make(map[string]string, len(raw))
	for name, loc := range raw {
		s, ok := loc.(string)
		if !ok || s == "" {
			return nil, fmt.Errorf("config file %s: sources.%s must be a git URL or a directory", file, name)
		}
		if strings.ContainsAny(name, "/:@\\") {
			return nil, fmt.Errorf("config file %s: source name %q: use a short name without / : @", file, name)
		}
		out[name] = s
	}
	return out, nil
}
