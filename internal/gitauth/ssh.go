package gitauth

import (
	"crypto/x509"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/go-git/go-git/v5/plumbing/transport"
	gitssh "github.com/go-git/go-git/v5/plumbing/transport/ssh"
	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"
	"golang.org/x/crypto/ssh/knownhosts"

	"github.com/idp-cli/idp/internal/shell"
)

// defaultKeys are the key files looked at when neither IDP_SSH_KEY nor an agent gives a key, in
// the order OpenSSH tries them.
var defaultKeys = []string{"id_ed25519", "id_ecdsa", "id_rsa"}

// sshEndpoint parses rawURL the way go-git will, and reports whether it goes over ssh: ssh://
// URLs and scp-like user@host:path ones.
func sshEndpoint(rawURL string) (*transport.Endpoint, bool) {
	ep, err := transport.NewEndpoint(rawURL)
	if err != nil || ep.Protocol != "ssh" {
		return nil, false
	}
	return ep, true
}

// forSSH finds the key for an ssh endpoint: IDP_SSH_KEY, else the agent at SSH_AUTH_SOCK, else
// an unencrypted ~/.ssh/id_ed25519, id_ecdsa or id_rsa. The host key is always checked against
// the known_hosts files (SSH_KNOWN_HOSTS, else ~/.ssh/known_hosts).
func forSSH(ep *transport.Endpoint, getenv func(string) string) Result {
	var r Result
	user := orDefault(ep.User, gitssh.DefaultUsername)

	var auth gitssh.AuthMethod
	var helper *gitssh.HostKeyCallbackHelper
	var closeAgent func()

	r.Tried = append(r.Tried, "IDP_SSH_KEY")
	if file := getenv("IDP_SSH_KEY"); file != "" {
		k, err := keyFromEnv(user, file, getenv("IDP_SSH_KEY_PASSPHRASE"))
		if err != nil {
			r.Err = err
			return r
		}
		auth, helper, r.From = k, &k.HostKeyCallbackHelper, "IDP_SSH_KEY"
	}

	if auth == nil {
		entry, cb, closer := fromAgent(user, getenv("SSH_AUTH_SOCK"))
		r.Tried = append(r.Tried, entry)
		if cb != nil {
			auth, helper, r.From, closeAgent = cb, &cb.HostKeyCallbackHelper, entry, closer
		}
	}

	if auth == nil {
		home := getenv("HOME")
		for _, name := range defaultKeys {
			shown := "~/.ssh/" + name
			k, note := defaultKey(user, filepath.Join(home, ".ssh", name))
			r.Tried = append(r.Tried, shown+note)
			if k != nil {
				auth, helper, r.From = k, &k.HostKeyCallbackHelper, shown
				break
			}
		}
	}

	files, err := knownHostsFiles(ep, getenv)
	if err != nil {
		if closeAgent != nil {
			closeAgent()
		}
		r.From, r.Err = "", err
		return r
	}
	if auth == nil {
		return r // a nil interface, not a typed nil: go-git tells them apart
	}
	db, err := gitssh.NewKnownHostsDb(files...)
	if err != nil {
		if closeAgent != nil {
			closeAgent()
		}
		r.From, r.Err = "", fmt.Errorf("read known_hosts (%s): %w", strings.Join(files, ", "), err)
		return r
	}
	helper.HostKeyCallback = db.HostKeyCallback()
	// Offer only the host key types known_hosts holds for this host, so that a host with several
	// keys is not turned away for showing one we have no line for.
	helper.HostKeyAlgorithms = db.HostKeyAlgorithms(dialAddr(ep))
	r.Auth = auth
	return r
}

// keyFromEnv reads the IDP_SSH_KEY file.
func keyFromEnv(user, file, passphrase string) (*gitssh.PublicKeys, error) {
	k, err := gitssh.NewPublicKeysFromFile(user, file, passphrase)
	switch {
	case err == nil:
		return k, nil
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("ssh key %s (IDP_SSH_KEY) does not exist; set IDP_SSH_KEY to your private key file", file)
	case errors.As(err, new(*fs.PathError)):
		return nil, fmt.Errorf("ssh key %s (IDP_SSH_KEY) cannot be read: %v", file, errors.Unwrap(err))
	case passphrase == "" && isEncrypted(file):
		// go-git retries with the empty passphrase and reports only "bcrypt_pbkdf: empty password"
		return nil, fmt.Errorf("ssh key %s (IDP_SSH_KEY) is encrypted; set IDP_SSH_KEY_PASSPHRASE or load the key into the ssh agent instead", file)
	case errors.Is(err, x509.IncorrectPasswordError):
		return nil, fmt.Errorf("ssh key %s (IDP_SSH_KEY): the passphrase in IDP_SSH_KEY_PASSPHRASE is wrong", file)
	}
	return nil, fmt.Errorf("ssh key %s (IDP_SSH_KEY) is not a usable private key (%v); set IDP_SSH_KEY to a private key file, not a .pub", file, err)
}

func isEncrypted(file string) bool {
	b, err := os.ReadFile(file)
	if err != nil {
		return false
	}
	_, err = ssh.ParsePrivateKey(b)
	var missing *ssh.PassphraseMissingError
	return errors.As(err, &missing)
}

// fromAgent returns the Tried entry for the agent at sock and, if the agent holds keys, an auth
// method that signs with them. The connection stays open for go-git to sign with; closer ends it.
func fromAgent(user, sock string) (string, *gitssh.PublicKeysCallback, func()) {
	const name = "the ssh agent (SSH_AUTH_SOCK)"
	if sock == "" {
		return name, nil, nil
	}
	conn, err := net.Dial("unix", sock)
	if err != nil {
		return name + ", not reachable", nil, nil
	}
	client := agent.NewClient(conn)
	keys, err := client.List()
	if err != nil || len(keys) == 0 {
		conn.Close()
		return name + ", no keys", nil, nil
	}
	return name, &gitssh.PublicKeysCallback{User: user, Callback: client.Signers}, func() { conn.Close() }
}

// defaultKey loads an unencrypted default key file. An encrypted one is skipped: idp never
// prompts for a passphrase; IDP_SSH_KEY_PASSPHRASE or the agent are the ways to give one.
func defaultKey(user, file string) (*gitssh.PublicKeys, string) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, ""
	}
	signer, err := ssh.ParsePrivateKey(b)
	var missing *ssh.PassphraseMissingError
	switch {
	case errors.As(err, &missing):
		return nil, " (encrypted, skipped)"
	case err != nil:
		return nil, " (not a private key, skipped)"
	}
	return &gitssh.PublicKeys{User: user, Signer: signer}, ""
}

// knownHostsFiles returns the known_hosts files that exist: those in SSH_KNOWN_HOSTS (go-git's
// variable, a list), else ~/.ssh/known_hosts. None existing is an error that says how to add the
// host's key, since the host could then not be checked at all.
func knownHostsFiles(ep *transport.Endpoint, getenv func(string) string) ([]string, error) {
	candidates := knownHostsCandidates(getenv)
	var files []string
	for _, f := range candidates {
		if _, err := os.Stat(f); err == nil {
			files = append(files, f)
		}
	}
	if len(files) > 0 {
		return files, nil
	}
	return nil, fmt.Errorf("the host key of %s cannot be checked because %s does not exist; check the host's key and add it with `%s >> %s`, or set SSH_KNOWN_HOSTS to your known_hosts file",
		displayHost(ep), strings.Join(candidates, " and "), keyscan(ep), candidates[0])
}

func knownHostsCandidates(getenv func(string) string) []string {
	var out []string
	for _, f := range filepath.SplitList(getenv("SSH_KNOWN_HOSTS")) {
		if f != "" {
			out = append(out, f)
		}
	}
	if len(out) == 0 {
		out = []string{filepath.Join(getenv("HOME"), ".ssh", "known_hosts")}
	}
	return out
}

func port(ep *transport.Endpoint) int {
	if ep.Port > 0 {
		return ep.Port
	}
	return gitssh.DefaultPort
}

// hostPort is host:port as go-git dials it.
func hostPort(ep *transport.Endpoint) string {
	return net.JoinHostPort(ep.Host, strconv.Itoa(port(ep)))
}

// dialAddr is the address go-git will dial: host:port, unless ~/.ssh/config gives the host
// another Hostname (go-git reads it through DefaultSSHConfig).
func dialAddr(ep *transport.Endpoint) string {
	if gitssh.DefaultSSHConfig == nil {
		return hostPort(ep)
	}
	host := gitssh.DefaultSSHConfig.Get(ep.Host, "Hostname")
	if host == "" {
		return hostPort(ep)
	}
	p := port(ep)
	if cp, err := strconv.Atoi(gitssh.DefaultSSHConfig.Get(ep.Host, "Port")); err == nil {
		p = cp
	}
	return net.JoinHostPort(host, strconv.Itoa(p))
}

// displayHost is the host as people write it: the port only when it is not 22.
func displayHost(ep *transport.Endpoint) string {
	if port(ep) == gitssh.DefaultPort {
		return ep.Host
	}
	return hostPort(ep)
}

func keyscan(ep *transport.Endpoint) string {
	if p := port(ep); p != gitssh.DefaultPort {
		return "ssh-keyscan -p " + strconv.Itoa(p) + " " + ep.Host
	}
	return "ssh-keyscan " + ep.Host
}

// HintFor says that credentials for rawURL were refused and where idp looked for them, in the
// words that fit its transport: ssh keys for ssh URLs, tokens otherwise.
func HintFor(rawURL string, tried []string) string {
	if _, ok := sshEndpoint(rawURL); !ok {
		return Hint(tried)
	}
	msg := "the ssh key was missing or not accepted by the host"
	if len(tried) > 0 {
		msg += " (tried: " + strings.Join(tried, ", ") + ")"
	}
	return msg + "; load your key into the ssh agent or set IDP_SSH_KEY to its file, and check that the host has its public key"
}

// ExplainSSH turns the errors go-git gives for an ssh URL at connect time into ones that say what
// happened and what to do: an unknown host key, a host key that does not match known_hosts, and
// a refused key, which then matches transport.ErrAuthenticationRequired like a refused http
// credential does. Other errors, and errors for other URLs, come back as they are. getenv must
// be the one given to For, so that the same known_hosts files are named.
func ExplainSSH(err error, rawURL string, getenv func(string) string) error {
	ep, ok := sshEndpoint(rawURL)
	if err == nil || !ok {
		return err
	}
	files := strings.Join(knownHostsCandidates(getenv), ", ")
	host := displayHost(ep)
	var keyErr *knownhosts.KeyError
	isKeyErr := errors.As(err, &keyErr)
	switch {
	case isKeyErr && len(keyErr.Want) == 0, !isKeyErr && strings.Contains(err.Error(), "knownhosts: key is unknown"):
		return &explained{fmt.Sprintf("the host key of %s is not in known_hosts (%s); check the host's key and add it with `%s >> %s`",
			host, files, keyscan(ep), knownHostsCandidates(getenv)[0]), err}
	case isKeyErr, strings.Contains(err.Error(), "knownhosts: key mismatch"):
		name := knownhosts.Normalize(hostPort(ep))
		return &explained{fmt.Sprintf("the host key of %s does not match known_hosts (%s): possible man-in-the-middle attack; if the host's key really changed, check the new key with the host's owner, remove the old one with `ssh-keygen -R %s` and add the new one",
			host, files, shell.Quote(name)), err}
	case strings.Contains(err.Error(), "ssh: unable to authenticate"):
		return &explained{fmt.Sprintf("%s accepted none of the ssh keys offered", host),
			errors.Join(transport.ErrAuthenticationRequired, err)}
	case strings.Contains(err.Error(), "SSH agent requested but SSH_AUTH_SOCK not specified"):
		// For found no key, so go-git fell back to an agent of its own, and found none either.
		return &explained{fmt.Sprintf("no ssh key found for %s", host),
			errors.Join(transport.ErrAuthenticationRequired, err)}
	}
	return err
}

// explained is an error with a message for people that still matches what it explains.
type explained struct {
	msg string
	err error
}

func (e *explained) Error() string { return e.msg }
func (e *explained) Unwrap() error { return e.err }
