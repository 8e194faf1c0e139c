#!/bin/sh
# After every change to the prod branch (a promotion, a hot-fix, a rollback, a merged pull
# request), merge it back into master, so that master sees what runs in preprod and prod and a
# hot-fix can flow back. The gate checks the merge like any other push.
# Usage: back-merge.sh FROM INTO                  e.g. back-merge.sh prod master
set -eu
. "$(dirname "$0")/lib.sh"
from=$1 into=$2
git fetch -q "$EHP_REMOTE" "$from"
start "$into"
git merge -q --no-ff --no-edit -m "Back-merge $from into $into" "$EHP_REMOTE/$from"
ehp check "$EHP_PROJECT" --against "$EHP_REMOTE/$into" --message-format "$EHP_MESSAGE_FORMAT"
git push -q "$EHP_REMOTE" "HEAD:$into"
