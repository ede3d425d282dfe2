package neterr

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestExplainRealFailures: failures from real connections, wrapped as idp wraps them, come out
// in idp's words, still matching what they wrap.
func TestExplainRealFailures(t *testing.T) {
	// A port nothing listens on: listen, note the port, close.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()

	_, err = http.Get("http://" + addr + "/x.git/info/refs")
	got := Explain(fmt.Errorf("source http://%s/x.git: clone: %w", addr, err))
	want := "source http://" + addr + "/x.git: clone: nothing answers at " + addr + " (connection refused); check the host and port in the URL, and that the server is running"
	if got.Error() != want || !errors.Is(got, syscall.ECONNREFUSED) {
		t.Errorf("refused:\n got  %v\n want %s", got, want)
	}
	// On a line of its own, followed by another.
	got = Explain(fmt.Errorf("push to http://%s/r.git: %w\nthe service is committed in s", addr, err))
	if want := "push to http://" + addr + "/r.git: nothing answers at " + addr + " (connection refused); check the host and port in the URL, and that the server is running\nthe service is committed in s"; got.Error() != want {
		t.Errorf("two lines:\n got  %v\n want %s", got, want)
	}
	if again := Explain(got); again != got {
		t.Errorf("explained twice: %v", again)
	}

	// A git:// or ssh:// dial, without a URL around it.
	_, err = net.Dial("tcp", addr)
	got = Explain(fmt.Errorf("source git://%s/x.git: clone: %w", addr, err))
	if want := "source git://" + addr + "/x.git: clone: nothing answers at " + addr + " (connection refused); check the host and port in the URL, and that the server is running"; got.Error() != want {
		t.Errorf("dial:\n got  %v\n want %s", got, want)
	}

	// A server that does not answer in time.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }))
	defer srv.Close()
	_, err = (&http.Client{Timeout: 50 * time.Millisecond}).Get(srv.URL + "/api")
	host := strings.TrimPrefix(srv.URL, "http://")
	got = Explain(fmt.Errorf("gitea: get me/svc: %w", err))
	if want := "gitea: get me/svc: " + host + " did not answer in time; check the URL and the network, then try again"; got.Error() != want {
		t.Errorf("timeout:\n got  %v\n want %s", got, want)
	}

	// TLS spoken to a plain HTTP server.
	_, err = http.Get("https://" + host + "/")
	got = Explain(fmt.Errorf("push to https://%s/r.git: %w", host, err))
	if want := "push to https://" + host + "/r.git: " + host + " does not speak TLS; use http:// or check the port"; got.Error() != want {
		t.Errorf("tls:\n got  %v\n want %s", got, want)
	}

	// A certificate from an authority nobody trusts.
	tlsSrv := httptest.NewTLSServer(http.NotFoundHandler())
	defer tlsSrv.Close()
	_, err = http.Get(tlsSrv.URL)
	tlsHost := strings.TrimPrefix(tlsSrv.URL, "https://")
	if got := Explain(err); got.Error() != tlsHost+"'s TLS certificate is signed by an authority this machine does not trust; install the authority's certificate, or check the URL" {
		t.Errorf("unknown authority: %v", got)
	}
}

func TestExplainDNS(t *testing.T) {
	err := &net.OpError{Op: "dial", Net: "tcp", Err: &net.DNSError{Err: "no such host", Name: "git.example.invalid", IsNotFound: true}}
	ue := fmt.Errorf("source https://git.example.invalid/x.git: clone: %w", &url.Error{Op: "Get", URL: "https://user:secret@git.example.invalid/x.git/info/refs", Err: err})
	got := Explain(ue)
	want := "source https://git.example.invalid/x.git: clone: cannot find the host git.example.invalid; check the host name in the URL"
	if got.Error() != want {
		t.Errorf("got  %v\nwant %s", got, want)
	}
}

func TestExplainLeavesOthers(t *testing.T) {
	for _, err := range []error{errors.New("plain"), context.Canceled, fmt.Errorf("x: %w", errors.New("y"))} {
		if got := Explain(err); got != err {
			t.Errorf("%v became %v", err, got)
		}
	}
	if Explain(nil) != nil {
		t.Error("nil became an error")
	}
}
