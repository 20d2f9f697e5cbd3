# The CI recipes run as written: the shell steps of action.yml and of
# ci/onnxlint.gitlab-ci.yml, in order, against this working tree (packages,
# build, install into a temporary prefix, check a folder of models with a
# shard).  A missing package or a broken step fails here, not in a user's CI.
set -u
. "$(dirname "$0")/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$SRC"

# The examples name no placeholder and install nothing by hand.
for f in examples/ci/*.yml action.yml ci/onnxlint.gitlab-ci.yml; do
    if grep -nE 'example\.invalid|apt-get install.*libjansson' "$f" >/dev/null; then bad "$f installs or clones by hand"; else ok; fi
done
expect_contains "$(cat examples/ci/github-actions.yml)" '--shard ${{ matrix.shard }}/4' "the GitHub example is a sharded matrix"
expect_contains "$(cat ci/onnxlint.gitlab-ci.yml)" '--shard $CI_NODE_INDEX/$CI_NODE_TOTAL' "the GitLab job shards parallel jobs"

# run_blocks FILE: the shell of every 'run:' step of a composite action, one block per step, NUL-separated.
run_blocks() {
    awk '
        function flush() { if (block != "") { printf "%s%c", block, 0; block = "" } }
        /^ *run: *\|$/ { flush(); match($0, /^ */); indent = RLENGTH; inblock = 1; next }
        /^ *run: / { flush(); sub(/^ *run: */, ""); printf "%s%c", $0, 0; inblock = 0; next }
        inblock { match($0, /^ */); if (RLENGTH <= indent && $0 !~ /^ *$/) { inblock = 0; flush() }
                  else { sub(/^ */, ""); block = block $0 "\n" } }
        END { flush() }' "$1"
}
# The models a repository holds: one clean, one with the seed article's bug.
mkdir -p "$tmp/repo/exports" "$tmp/runner"
cp models/seed_clean_ce.onnx models/cls_nll_raw.onnx "$tmp/repo/exports/"
cp models/seed_class_count.onnx "$tmp/repo/"
export ONNXLINT_BUILD_DIR="$tmp/build" # one build for both recipes

# GitHub: action.yml's steps with the runner's variables.
steps=0
while IFS= read -r -d '' block; do
    steps=$((steps + 1))
    (cd "$tmp/repo" && GITHUB_ACTION_PATH="$SRC" RUNNER_TEMP="$tmp/runner" GITHUB_PATH="$tmp/runner/path" \
        ONNXLINT_SARIF=onnxlint.sarif ARGS="exports --fail-on error" PATH="$tmp/runner/onnxlint/bin:$PATH" \
        bash -euo pipefail -c "$block") > "$tmp/step$steps.log" 2>&1
    expect_eq $? 0 "action.yml step $steps: $(head -c 80 <<<"$block") ($(tail -3 "$tmp/step$steps.log" | tr '\n' ' '))"
done < <(run_blocks action.yml)
expect_eq $steps 3 "action.yml has its three shell steps"
expect_eq "$(cat "$tmp/runner/path")" "$tmp/runner/onnxlint/bin" "the installed onnxlint is put on PATH"
"$JSON_CHECK" version runs < "$tmp/repo/onnxlint.sarif"; expect_eq $? 0 "the action writes SARIF"
expect_contains "$(cat "$tmp/step3.log")" "in 2 models, 2 with a loss checked" "the action checked the models"
# The same check step fails on the bug, and sharding covers each model once.
(cd "$tmp/repo" && PATH="$tmp/runner/onnxlint/bin:$PATH" bash "$SRC/scripts/ci-check.sh" check . >/dev/null 2>&1)
expect_eq $? 1 "the check step fails on an error finding"
total=0
for k in 1 2; do
    n=$(cd "$tmp/repo" && PATH="$tmp/runner/onnxlint/bin:$PATH" ONNXLINT_JSON=r.json \
        bash "$SRC/scripts/ci-check.sh" check . --shard "$k/2" --fail-on never 2>/dev/null | grep -c "^[^ ].*: \(loss\|no loss\)")
    total=$((total + n))
done
expect_eq $total 3 "two shards check the three models once"

# GitLab: the job's before_script and script lines in order, with the clone
# of this project replaced by the working tree and /usr/local by a temporary prefix.
job=$(awk '/^  (before_script|script):/ { on = 1; next } /^  [a-z_]+:/ { on = 0 } on && /^    - / { sub(/^    - /, ""); print }' \
    ci/onnxlint.gitlab-ci.yml)
expect_contains "$job" "ci-check.sh deps" "the GitLab job installs the packages through ci-check.sh"
expect_contains "$job" "ci-check.sh install" "the GitLab job builds through ci-check.sh"
lines=0
while IFS= read -r line; do
    case "$line" in apt-get*|git\ clone*) continue ;; esac # the image's own setup
    lines=$((lines + 1))
    line=${line//\/tmp\/onnxlint/$SRC}
    line=${line//\/usr\/local/$tmp/gl}
    printf '%s\n' "$line" >> "$tmp/gitlab.sh"
done <<<"$job"
(cd "$tmp/repo" && CI_NODE_INDEX=2 CI_NODE_TOTAL=2 ONNXLINT_ARGS="--fail-on never" ONNXLINT_JSON=onnxlint.json \
    PATH="$tmp/gl/bin:$PATH" bash -euo pipefail "$tmp/gitlab.sh") > "$tmp/gitlab.log" 2>&1
expect_eq $? 0 "the GitLab job's $lines steps ($(tail -3 "$tmp/gitlab.log" | tr '\n' ' '))"
"$JSON_CHECK" < "$tmp/repo/onnxlint.json"; expect_eq $? 0 "the GitLab job keeps a JSON report"
[ -x "$tmp/gl/bin/onnxlint" ] && ok || bad "the GitLab job installed onnxlint"
finish
