#!/bin/sh
# Apps one step along the chain, on the branch the step is taken on: the Jenkins job of a
# privileged step (inttest -> exttest on master, preprod -> prod on prod), or the release
# managers preparing the pull request into preprod (exttest -> preprod on master).
# Usage: promote.sh BRANCH FROM TO APP...  e.g. promote.sh prod preprod prod patient-journal
set -eu
. "$(dirname "$0")/lib.sh"
need EHP_ACTOR
need EHP_REASON
branch=$1 from=$2 to=$3
shift 3
start "$branch"
ehp promote "$@" --from "$from" --to "$to" --path "$EHP_PROJECT" --actor "$EHP_ACTOR" --reason "$EHP_REASON"
commit_and_push "$branch" "$to: promote $* from $from"
