# Shared by the scripts of this folder (copy it into the platform repository as `ci/`):
# the settings every job reads, and the checkout and commit every job makes.
#
#   EHP_PROJECT  the folder of .ehp sources (default: platform)
#   EHP_OUT      the folder of the committed desired state (default: desired-state)
#   EHP_REMOTE   the remote the branches live on (default: origin)
#   EHP_ACTOR    who acts: the e-mail address a role binds (Jenkins: BUILD_USER_EMAIL)
#   EHP_REASON   why, recorded in the sources
#   EHP_MESSAGE_FORMAT  how the gates print diagnostics (default: short, one line each, for
#                a build log; github for annotations in GitHub Actions)

: "${EHP_PROJECT:=platform}"
: "${EHP_OUT:=desired-state}"

: "${EHP_REMOTE:=origin}"
: "${EHP_MESSAGE_FORMAT:=short}"

# need VAR: stop (exit 2) unless VAR is set and not empty.
need() {
    eval "value=\${$1:-}"
    if [ -z "$value" ]; then
        echo "error: set $1" >&2
        exit 2
    fi
}

# start BRANCH: work on the branch as the remote has it now.
start() {
    git fetch -q "$EHP_REMOTE" "$1"
    git checkout -q -B "$1" "$EHP_REMOTE/$1"
}

# commit_and_push BRANCH MESSAGE: writes the desired state (only the files that change are
# rewritten), commits it with the sources, new files included, as EHP_ACTOR, runs the gate over
# every commit the remote branch does not have yet, and pushes. Nothing is pushed when the gate
# fails.
commit_and_push() {
    ehp build "$EHP_PROJECT" --out "$EHP_OUT" --message-format "$EHP_MESSAGE_FORMAT"
    git add -A -- "$EHP_PROJECT" "$EHP_OUT"
    GIT_AUTHOR_NAME="$EHP_ACTOR" GIT_AUTHOR_EMAIL="$EHP_ACTOR" git commit -q -m "$2"
    ehp check "$EHP_PROJECT" --against "$EHP_REMOTE/$1" --message-format "$EHP_MESSAGE_FORMAT"
    git push -q "$EHP_REMOTE" "HEAD:$1"
}
