#!/bin/sh
# A supplier's new image on the first environment of the chain: what the job that watches the
# registry runs (or the supplier, by hand) once the image is pushed.
# Usage: publish.sh BRANCH APP TAG        e.g. publish.sh master patient-journal 2.5.0
set -eu
. "$(dirname "$0")/lib.sh"
need EHP_ACTOR
need EHP_REASON
branch=$1 app=$2 tag=$3
start "$branch"
ehp publish "$app" --tag "$tag" --path "$EHP_PROJECT" --actor "$EHP_ACTOR" --reason "$EHP_REASON"
commit_and_push "$branch" "publish $app $tag"
