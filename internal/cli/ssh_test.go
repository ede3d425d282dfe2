package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/idp-cli/idp/internal/testutil/sshserver"
)

// TestSSHSourceAndRemote: golden paths fetched over SSH with a key file, a new service pushed
// over SSH, the host checked against known_hosts.
func TestSSHSourceAndRemote(t *testing.T) {
	home := t.TempDir()
	key := sshserver.NewKey(t, filepath.Join(home, "keys", "id_ed25519"), "")
	srv := sshserver.Start(t, t.TempDir(), key.Public)
	golden := srv.NewBare(t, "golden")
	srv.NewBare(t, "shop")
	pushGoldenPaths(t, filepath.Join(srv.Root, "golden.git")) // straight into the bare repository

	env := map[string]string{"HOME": home, "IDP_SSH_KEY": key.Path}
	// No known_hosts yet: refused before connecting, with the command that fixes it.
	r := run(t, env, nil, "templates", "list", "-s", golden)
	if r.code != 1 || !strings.Contains(r.stderr, "ssh-keyscan -p ") || !strings.Contains(r.stderr, "known_hosts") {
		t.Fatalf("no known_hosts: %+v", r)
	}
	srv.WriteKnownHosts(t, filepath.Join(home, ".ssh", "known_hosts"))
	r = run(t, env, nil, "templates", "list", "-s", golden)
	if r.code != 0 || !strings.Contains(r.stdout, "svc   service  v1.0.0") {
		t.Fatalf("list over ssh: %+v", r)
	}
	out := filepath.Join(t.TempDir(), "shop")
	r = run(t, env, nil, "new", "service", "shop", "-s", golden, "-o", out, "--remote", srv.URL("shop.git"))
	if r.code != 0 || !strings.Contains(r.stdout, "Pushed main to "+srv.URL("shop.git")+".") {
		t.Fatalf("new over ssh: %+v", r)
	}
	if prov, _ := os.ReadFile(filepath.Join(out, ".idp.yaml")); !strings.Contains(string(prov), "source: "+golden+"\n") {
		t.Errorf(".idp.yaml: %s", prov)
	}
	cmds := strings.Join(srv.Commands(), "\n")
	if !strings.Contains(cmds, "receive-pack /shop.git") {
		t.Errorf("server commands: %s", cmds)
	}
	// A key the host does not know: refused, naming what was tried.
	other := sshserver.NewKey(t, filepath.Join(home, "keys", "other"), "")
	env["IDP_SSH_KEY"] = other.Path
	os.RemoveAll(filepath.Join(home, ".cache"))
	r = run(t, env, nil, "templates", "list", "-s", golden)
	if r.code != 1 || !strings.Contains(r.stderr, "clone refused: the ssh key was missing or not accepted by the host (tried: IDP_SSH_KEY") {
		t.Errorf("unknown key: %+v", r)
	}
}
