#!/bin/sh
# The gate of a pull request into TARGET (on the platform: master -> prod), run on the merge
# the pull request would make (GitHub's pull_request checkout, Jenkins' PR build). Writes the
# comment for the pull request to EHP_COMMENT (default: desired-state.md), then fails unless
# every change since TARGET is a step of the chain by someone allowed to take it, no
# privileged environment of TARGET changes, and the committed desired state is up to date.
# Usage: pr-gate.sh TARGET                            e.g. pr-gate.sh prod
set -eu
. "$(dirname "$0")/lib.sh"
target=$1
git fetch -q "$EHP_REMOTE" "$target"
status=0
ehp diff "$EHP_PROJECT" --base "$EHP_REMOTE/$target" --pull-request --format markdown > "${EHP_COMMENT:-desired-state.md}" || status=$?
ehp check "$EHP_PROJECT" --against "$EHP_REMOTE/$target" --pull-request --message-format "$EHP_MESSAGE_FORMAT" || status=$?
ehp build "$EHP_PROJECT" --out "$EHP_OUT" --check --message-format short || status=$?
exit "$status"
