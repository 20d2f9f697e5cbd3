# check --shard K/N splits the discovered models into N stable parts that
# cover them once, however the paths are spelt; --files-from reads the
# models to check from a file or standard input.
set -u
. "$(dirname "$0")/lib.sh"
cd "$SRC"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# models PREFIX ARGS...: the checked models' paths, sorted, PREFIX removed.
models() {
    local prefix=$1; shift
    "$ONNXLINT" check --fail-on never --no-confirm --format json "$@" 2>/dev/null |
        sed -n 's/^ *"model": "\(.*\)",$/\1/p' | sed "s#^$prefix##" | sort
}
all=$(models "" models)
expect_eq "$(printf '%s\n' "$all" | wc -l)" "$(find models -name '*.onnx' | wc -l)" "every model without --shard"
: > "$tmp/union"
for k in 1 2 3; do
    models "" models --shard "$k/3" > "$tmp/part$k"
    [ -s "$tmp/part$k" ] && ok || bad "shard $k/3 is empty"
    cat "$tmp/part$k" >> "$tmp/union"
    # The same part whatever the spelling of the path or the folder it runs from.
    expect_eq "$(models ./ ./models --shard "$k/3")" "$(cat "$tmp/part$k")" "shard $k/3 with ./models"
    expect_eq "$(models "$SRC/" "$SRC/models" --shard "$k/3")" "$(cat "$tmp/part$k")" "shard $k/3 with an absolute path"
done
expect_eq "$(sort "$tmp/union")" "$all" "the shards cover every model exactly once"
expect_eq "$(sort "$tmp/union" | uniq -d | wc -l)" 0 "no model in two shards"
expect_eq "$(models "" models --shard 1/1)" "$all" "1/1 is everything"
for badshard in 0/3 4/3 3 a/b 1/0 -1/2 1/2x; do
    "$ONNXLINT" check models --shard "$badshard" >/dev/null 2>&1
    expect_eq $? 2 "--shard $badshard is a usage error"
done
# A shard with no model passes (a matrix wider than the repository).
"$ONNXLINT" check models/seed_clean_ce.onnx --shard 1/2 >/dev/null 2>&1; a=$?
"$ONNXLINT" check models/seed_clean_ce.onnx --shard 2/2 >/dev/null 2>&1; b=$?
expect_eq "$a$b" "00" "an empty shard exits 0"

# --files-from FILE and -: lines that are not .onnx files or folders are skipped.
printf 'README.md\nmodels/seed_clean_ce.onnx\n\nmodels/shapes\nmodels/cls_nll_raw.onnx\r\n' > "$tmp/list"
want=$( (echo models/seed_clean_ce.onnx; echo models/cls_nll_raw.onnx; find models/shapes -name '*.onnx') | sort)
expect_eq "$(models "" --files-from "$tmp/list")" "$want" "--files-from FILE"
expect_eq "$(models "" --files-from - < "$tmp/list")" "$want" "--files-from -"
expect_eq "$(models "" models/seed_class_count.onnx --files-from "$tmp/list" | wc -l)" "$(( $(printf '%s\n' "$want" | wc -l) + 1 ))" \
    "--files-from adds to the operands"
printf 'README.md\n' | "$ONNXLINT" check --files-from - >/dev/null 2>&1
expect_eq $? 0 "a list without a model (a commit without one) passes"
"$ONNXLINT" check --files-from "$tmp/missing" >/dev/null 2>&1
expect_eq $? 2 "an unreadable list is an error"
printf 'models/gone.onnx\n' | "$ONNXLINT" check --files-from - >/dev/null 2>&1
expect_eq $? 2 "a listed model that is not there is an error"
# Both together: a shard of the listed models.
n1=$(models "" --files-from "$tmp/list" --shard 1/2 | wc -l)
n2=$(models "" --files-from "$tmp/list" --shard 2/2 | wc -l)
expect_eq "$((n1 + n2))" "$(printf '%s\n' "$want" | wc -l)" "--shard splits --files-from's models"
finish
