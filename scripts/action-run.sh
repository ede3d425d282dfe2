#!/usr/bin/env bash
# Runs idp for the GitHub Action (action.yml) and the GitLab CI component
# (templates/idp-update.yml), in the service's directory: idp check first, which reads only the
# golden path's tags, so that a service on its latest version costs seconds; the command only
# when check says a newer version exists.
#
# Environment:
#   IDP_BIN      the idp binary (default: idp on PATH)
#   IDP_COMMAND  idp's arguments, split on spaces (default: update --pull-request)
#   IDP_TO       passed as --to to check and to the command when not empty
#   IDP_CHECK    false runs the command without checking first (the bot then also closes a pull
#                request that an update by hand made needless)
#
# Exit status: 0 when up to date, updated, or waiting for a person (check or the command exited 3,
# conflicts, or 5, answers only a person can give: a warning, not a failure); otherwise the
# failing command's own status.
set -uo pipefail

idp=${IDP_BIN:-idp}
read -r -a command <<<"${IDP_COMMAND:-update --pull-request}"
to=()
if [ -n "${IDP_TO:-}" ]; then
	to=(--to "$IDP_TO")
fi
# Never wait for a prompt in CI.
export IDP_NO_INPUT=1

warn() {
	if [ "${GITHUB_ACTIONS:-}" = true ]; then
		echo "::warning::$1"
	else
		echo "warning: $1" >&2
	fi
}
output() {
	if [ -n "${GITHUB_OUTPUT:-}" ]; then
		echo "status=$1" >>"$GITHUB_OUTPUT"
	fi
}
# person says what exit status 3 or 5 of $1 means, and ends the run as a success.
person() {
	case "$2" in
	3)
		warn "idp $1: the update has conflicts for a person to resolve (in the pull request, or in the files)"
		output conflicts
		;;
	5)
		warn "idp $1: a newer golden path version needs answers only a person can give; see the log"
		output needs-input
		;;
	esac
	exit 0
}

if [ "${IDP_CHECK:-true}" != false ]; then
	status=0
	"$idp" check "${to[@]}" || status=$?
	case "$status" in
	0)
		echo "idp: up to date; nothing to run" >&2
		output current
		exit 0
		;;
	4) ;;
	3 | 5) person check "$status" ;;
	*)
		echo "idp check failed with exit status $status" >&2
		exit "$status"
		;;
	esac
fi

status=0
"$idp" "${command[@]}" "${to[@]}" || status=$?
case "$status" in
0) output updated ;;
3 | 5) person "${command[0]:-}" "$status" ;;
*)
	echo "idp ${command[*]} failed with exit status $status" >&2
	exit "$status"
	;;
esac
