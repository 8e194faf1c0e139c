#!/bin/sh
# A fixed image straight into an environment that accepts hot-fixes: the Jenkins job of the
# release managers. Merge the branch back afterwards (back-merge.sh) so the fix can flow back.
# Usage: hotfix.sh BRANCH APP ENV TAG [CHART_VERSION]   e.g. hotfix.sh prod patient-journal prod 2.5.1
set -eu
. "$(dirname "$0")/lib.sh"
need EHP_ACTOR
need EHP_REASON
branch=$1 app=$2 env=$3 tag=$4
start "$branch"
if [ -n "${5:-}" ]; then
    ehp hotfix "$app" --env "$env" --tag "$tag" --chart-version "$5" --path "$EHP_PROJECT" --actor "$EHP_ACTOR" --reason "$EHP_REASON"
else
    ehp hotfix "$app" --env "$env" --tag "$tag" --path "$EHP_PROJECT" --actor "$EHP_ACTOR" --reason "$EHP_REASON"
fi
commit_and_push "$branch" "$env: hot-fix $app $tag"
