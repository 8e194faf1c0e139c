#!/bin/sh
# An environment back on the release it ran before (or on TAG, which it ran), the replaced
# release marked bad: the Jenkins job of the step's roles.
# Usage: rollback.sh BRANCH APP ENV [TAG]      e.g. rollback.sh prod fhir-gateway prod
set -eu
. "$(dirname "$0")/lib.sh"
need EHP_ACTOR
need EHP_REASON
branch=$1 app=$2 env=$3
start "$branch"
if [ -n "${4:-}" ]; then
    ehp rollback "$app" --env "$env" --tag "$4" -C "$EHP_PROJECT" --actor "$EHP_ACTOR" --reason "$EHP_REASON"
else
    ehp rollback "$app" --env "$env" -C "$EHP_PROJECT" --actor "$EHP_ACTOR" --reason "$EHP_REASON"
fi
commit_and_push "$branch" "$env: roll $app back"
