# Every JSON report against its golden file, byte for byte: the cases are
# the rows of json_golden.tsv (golden file, then the onnxlint arguments).
# UPDATE_GOLDEN=1 rewrites the golden files from the current build.
set -u
. "$(dirname "$0")/lib.sh"
cd "$SRC"
while IFS=$'\t' read -r golden args; do
    case "$golden" in '#'* | '') continue ;; esac
    # shellcheck disable=SC2086 # the arguments are split on spaces
    if [ "${UPDATE_GOLDEN:-0}" = 1 ]; then
        "$ONNXLINT" $args >"tests/e2e/golden/$golden" 2>/dev/null
    fi
    # shellcheck disable=SC2086
    diff -u "tests/e2e/golden/$golden" <("$ONNXLINT" $args 2>/dev/null)
    expect_eq $? 0 "golden $golden ($args)"
    check=()
    case "$golden" in *.jsonl) check=(--lines) ;; esac
    # shellcheck disable=SC2086
    "$ONNXLINT" $args 2>/dev/null | "$JSON_CHECK" "${check[@]}" >/dev/null
    expect_eq $? 0 "valid JSON: $golden"
done <tests/e2e/json_golden.tsv
# check's JSON is a list for one model as for several, and JSON Lines holds
# the same objects, one a line, in the order the models were given.
out=$("$ONNXLINT" check --fail-on never --format json models/seed_class_count.onnx)
expect_eq "${out:0:1}" "[" "check --format json of one model is a list"
lines=$("$ONNXLINT" check --fail-on never --format jsonl models/seed_class_count.onnx models/reg_mse_broadcast.onnx -j 2 |
    "$JSON_CHECK" --lines)
expect_eq "$lines" 2 "jsonl: one line per model"
first=$("$ONNXLINT" check --fail-on never --format jsonl models/reg_mse_broadcast.onnx models/seed_class_count.onnx -j 2 |
    head -n 1)
expect_contains "$first" '{"model":"models/reg_mse_broadcast.onnx",' "jsonl keeps the order given"
# The exit code and errors are the same as with the other formats.
"$ONNXLINT" check --format jsonl models/seed_class_count.onnx >/dev/null; expect_eq $? 1 "jsonl: findings exit 1"
out=$("$ONNXLINT" check --format jsonl models/seed_clean_ce.onnx no_such.onnx 2>&1 >/dev/null); expect_eq $? 2 "jsonl: missing model"
expect_contains "$out" "no_such.onnx: cannot open" "jsonl: a missing model is named on stderr"
finish
