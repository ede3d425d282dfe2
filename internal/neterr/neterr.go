// Package neterr words network failures (a refused connection, an unknown host, a timeout, an
// untrusted certificate) for the user, in place of Go's text ("dial tcp 127.0.0.1:1: connect:
// connection refused"), wherever in an error they sit: a git source, a push, a forge API.
//
// It reads the error's text rather than its types: go-git and the forge clients do not all wrap
// the net error they got, but Go words these failures the same way wherever they end up.
package neterr

import (
	"net/url"
	"regexp"
	"strings"
	"sync"
)

// Explain returns err with the text of a network failure that ends a line of it replaced by
// what happened and what to do, or err itself when it holds none. The result unwraps to err, so
// errors.Is and errors.As still see everything err holds.
func Explain(err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	m := reFailure().FindStringSubmatchIndex(msg)
	if m == nil {
		return err
	}
	group := func(i int) string {
		if m[2*i] < 0 {
			return ""
		}
		return msg[m[2*i]:m[2*i+1]]
	}
	where := hostOf(group(1))
	if addr := group(3); addr != "" {
		if _, to, ok := strings.Cut(addr, "->"); ok {
			addr = to
		}
		where = addr
	}
	nice := describe(where, group(2))
	return &explained{msg: msg[:m[0]] + nice + msg[m[1]:], err: err}
}

// reFailure matches Go's text for a failed request or connection, to the end of its line:
// an optional `Get "URL": ` from net/http, then the failure (1: URL, 2: failure, 3: address).
// Compiled on first use, like every regexp of idp's: one compiled at package level costs
// every run, `idp version` included, before main starts.
var reFailure = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?m)(?:\b(?:Get|Post|Put|Patch|Delete|Head) "([^"]+)": )?` +
		`((?:dial|read|write) (?:tcp|udp)[46]?(?: (\S+?))?: .*|lookup \S+(?: on \S+)?: (?:no such host|server misbehaving|i/o timeout|.*(?:resolution|DNS).*)|tls: .*|x509: .*|` +
		`http: server gave HTTP response to HTTPS client.*|context deadline exceeded \(Client\.Timeout.*|` +
		`net/http: (?:TLS handshake timeout|timeout awaiting response headers).*)$`)
})

var reLookup = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`lookup (\S+?)(?: on \S+)?: `) })

type explained struct {
	msg string
	err error
}

func (e *explained) Error() string { return e.msg }
func (e *explained) Unwrap() error { return e.err }

// hostOf is the host and port of a URL, without credentials or path.
func hostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "the server"
	}
	return u.Host
}

func describe(where, failure string) string {
	host := where
	if m := reLookup().FindStringSubmatch(failure); m != nil {
		host = m[1]
	}
	has := func(s ...string) bool {
		for _, x := range s {
			if strings.Contains(failure, x) {
				return true
			}
		}
		return false
	}
	switch {
	case has("no such host"):
		return "cannot find the host " + host + "; check the host name in the URL"
	case strings.HasPrefix(failure, "lookup ") || has(": lookup "):
		return "cannot look up the host " + host + "; check the network and its DNS, then try again"
	case has("connection refused"):
		return "nothing answers at " + where + " (connection refused); check the host and port in the URL, and that the server is running"
	case has("no route to host", "network is unreachable"):
		return "no route to " + where + "; check the network, or the host in the URL"
	case has("connection reset by peer", "broken pipe"):
		return where + " closed the connection; try again, and check that the URL is the server's"
	case has("certificate signed by unknown authority"):
		return where + "'s TLS certificate is signed by an authority this machine does not trust; install the authority's certificate, or check the URL"
	case has("x509: certificate is valid for", "x509: certificate is not valid for"):
		return where + "'s TLS certificate is not for that host name; check the URL"
	case has("x509: certificate has expired or is not yet valid"):
		return where + "'s TLS certificate has expired or is not yet valid; check the server, or this machine's clock"
	case has("server gave HTTP response to HTTPS client", "first record does not look like a TLS handshake"):
		return where + " does not speak TLS; use http:// or check the port"
	case has("timeout", "Timeout", "deadline exceeded"):
		return where + " did not answer in time; check the URL and the network, then try again"
	case strings.HasPrefix(failure, "x509: ") || strings.HasPrefix(failure, "tls: "):
		return "cannot make a secure connection to " + where + "; check the URL and the server's TLS certificate"
	}
	return "cannot connect to " + where + "; check the URL and the network"
}
