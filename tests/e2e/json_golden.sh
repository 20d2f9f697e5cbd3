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
    # shellcheck disable=SC2086
    "$ONNXLINT" $args 2>/dev/null | "$JSON_CHECK" >/dev/null
    expect_eq $? 0 "valid JSON: $golden"
done <tests/e2e/json_golden.tsv
finish
