package gitauth

import (
	"fmt"
	"strings"

	gitssh "github.com/go-git/go-git/v5/plumbing/transport/ssh"
)

// KnownHost is what the known_hosts files say about the host of an ssh URL, read without
// connecting to it: the same files, host name and port that a clone or push would check.
type KnownHost struct {
	Host  string   // as people write it: the host, with :port when it is not 22
	Files []string // the known_hosts files that exist
	Keys  []string // the host key types they hold for the host, e.g. ssh-ed25519
	// Err says why the host could not be checked (no known_hosts file, one that cannot be
	// read) or that it has no key there, in the words of a refused clone, and what to do.
	Err error
}

// CheckKnownHost looks the host of rawURL up in the known_hosts files (SSH_KNOWN_HOSTS, else
// ~/.ssh/known_hosts). ok is false for URLs that do not go over ssh.
func CheckKnownHost(rawURL string, getenv func(string) string) (k KnownHost, ok bool) {
	ep, ok := sshEndpoint(rawURL)
	if !ok {
		return k, false
	}
	k.Host = displayHost(ep)
	files, err := knownHostsFiles(ep, getenv)
	if err != nil {
		k.Err = err
		return k, true
	}
	k.Files = files
	db, err := gitssh.NewKnownHostsDb(files...)
	if err != nil {
		k.Err = fmt.Errorf("read known_hosts (%s): %w", strings.Join(files, ", "), err)
		return k, true
	}
	k.Keys = db.HostKeyAlgorithms(dialAddr(ep))
	if len(k.Keys) == 0 {
		k.Err = fmt.Errorf("the host key of %s is not in known_hosts (%s); check the host's key and add it with `%s >> %s`",
			k.Host, strings.Join(knownHostsCandidates(getenv), ", "), keyscan(ep), knownHostsCandidates(getenv)[0])
	}
	return k, true
}
