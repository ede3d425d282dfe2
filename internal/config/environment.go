package config

import "strings"

// Variable is one entry of idp help environment: the variables it is about and what they do.
type Variable struct {
	Names []string // none: a paragraph of its own
	Text  string
}

// Variables are every variable idp reads, besides IDP_<FLAG> for each flag, in the order idp
// help environment lists them.
var Variables = []Variable{
	{[]string{"IDP_CONFIG"}, `the config file to read instead of $XDG_CONFIG_HOME/idp/config.yaml
(~/.config/idp/config.yaml when XDG_CONFIG_HOME is not set).`},
	{[]string{"IDP_SOURCE"}, `where golden paths come from (a git URL or a directory); default: the ones built
into idp.`},
	{[]string{"IDP_GIT_TOKEN", "IDP_GIT_USERNAME"}, `HTTP basic auth for git sources and remotes (username default
"git"), when the URL holds none. Never printed or recorded.`},
	{[]string{"GITHUB_TOKEN", "GITLAB_TOKEN", "GITEA_TOKEN"}, `used for their forges' hosts when neither the URL nor
IDP_GIT_TOKEN gives a credential; then ~/.netrc (or $NETRC). The provider's token (else
IDP_GIT_TOKEN) is also the API token: 'idp new --provider' creates the repository with it,
'idp update --pull-request' opens the pull request, 'idp fleet status --provider' lists and reads
repositories.`},
	{[]string{"IDP_FORGE_WRITES_PER_HOUR"}, `the pace of a fleet run's content-creating forge requests (pull
requests opened or edited); default 450, under GitHub's 500 an hour; -1 turns pacing off.
Rate-limit refusals (Retry-After, X-RateLimit-Reset) are waited out in any case. docs/scale.md.`},
	{[]string{"JOB_COMPLETION_INDEX", "IDP_SHARDS"}, `in a Kubernetes Indexed Job, without --shard, idp fleet works
on shard JOB_COMPLETION_INDEX of IDP_SHARDS.`},
	{[]string{"IDP_SSH_KEY", "IDP_SSH_KEY_PASSPHRASE"}, `the private key file for ssh:// and git@host:path URLs;
without it, the agent at SSH_AUTH_SOCK, then ~/.ssh/id_ed25519, id_ecdsa, id_rsa.`},
	{[]string{"SSH_KNOWN_HOSTS"}, `the known_hosts files that ssh hosts are checked against (default
~/.ssh/known_hosts); an unknown or changed host key is refused.`},
	{[]string{"IDP_NO_INPUT"}, `never prompt. idp also never prompts when CI is set or when stdin or stdout is
not a terminal; missing input is then a usage error (exit 2) that lists what is missing.`},
	{[]string{"IDP_ACCESSIBLE"}, `prompt in plain lines, one question at a time, for screen readers. Also used
when TERM=dumb.`},
	{[]string{"IDP_OUTPUT"}, `text or json, for commands that print data.`},
	{[]string{"IDP_MAX_FILE_SIZE", "IDP_MAX_RENDER_SIZE", "IDP_RENDER_TIMEOUT"}, `the render limits (64MiB per file,
256MiB in all, 30s); 0 lifts one. IDP_MAX_RENDER_SIZE also bounds, apart from the files, the
values a render's expressions build.`},
	{[]string{"IDP_DEBUG", "IDP_VERBOSE"}, `log debug messages to stderr (IDP_DEBUG=0, false, no or off does not).`},
	{[]string{"IDP_GIT_AUTHOR_NAME", "IDP_GIT_AUTHOR_EMAIL"}, `who signs a new service's first commit; default:
user.name and user.email from git config, else "idp <idp@localhost>".`},
	{[]string{"CI"}, `when set, idp never prompts, and sends no events unless the config's events: says ci: true.`},
	{nil, `Events are off unless the config file has an events: key (set by your platform team): then
idp new, add, adopt and update each record one event (fleet update one per repository), to a
JSON-lines file (events.file) and/or an OpenTelemetry collector over OTLP/HTTP
(events.otlp.endpoint), holding exactly: the command, the mode (interactive, no-input, bot,
dry-run), the golden path, the versions from and to, the service's name, the duration, the
outcome (ok, conflicts, needs-input, cancelled, usage-error, error), the golden path's
timeSaved and idp's version. Never an answer, a secret, a path or a URL. An endpoint that does
not answer within events.otlp.timeout (2s) costs the command that long and a warning, nothing
more. docs/metrics.md has the details.`},
	{[]string{"TERM"}, `when "dumb", prompts use accessible mode.`},
	{[]string{"XDG_CONFIG_HOME"}, `where the config file lives.`},
	{[]string{"XDG_CACHE_HOME"}, `git sources are cloned into $XDG_CACHE_HOME/idp/sources (~/.cache/idp/sources
when not set).`},
}

const environmentIntro = `Every flag can be set in the environment as IDP_<FLAG>, upper case with dashes as
underscores (IDP_NO_INPUT=1, IDP_SOURCE=./golden-paths, IDP_OUTPUT=json), or as a key named
after the flag in the config file. A flag on the command line wins over the environment, which
wins over the config file. A repeatable flag (--set) takes a comma-separated value there, and
an on/off flag (--no-input) takes true, false, yes, no, on, off, 1 or 0.`

// Help is the text of idp help environment, made from Variables.
func Help() string {
	var b strings.Builder
	b.WriteString(environmentIntro)
	for _, v := range Variables {
		b.WriteString("\n\n")
		if len(v.Names) > 0 {
			b.WriteString(strings.Join(v.Names, ", ") + ": ")
		}
		b.WriteString(v.Text)
	}
	return b.String()
}
