#!/bin/sh
# The gate of a push to master or prod, before anything is deployed: every commit since BEFORE
# (the revision deployed last: Jenkins' GIT_PREVIOUS_SUCCESSFUL_COMMIT, GitHub's
# github.event.before) is a step of the chain by someone allowed to take it, and the committed
# desired state is up to date.
# Usage: push-gate.sh BEFORE
set -eu
. "$(dirname "$0")/lib.sh"
ehp check "$EHP_PROJECT" --against "$1" --message-format "$EHP_MESSAGE_FORMAT"
ehp build "$EHP_PROJECT" --out "$EHP_OUT" --check --message-format short
