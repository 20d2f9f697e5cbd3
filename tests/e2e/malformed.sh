# The malformed-input suite: every case exits as expected with its
# one-line message naming the file (tests/e2e/malformed.tsv).
set -u
. "$(dirname "$0")/lib.sh"
cases="$SRC/tests/malformed/cases"
table="$SRC/tests/e2e/malformed.tsv"
big=$(mktemp -d)
trap 'rm -rf "$big"' EXIT
"$MAKE_MANY_ENTRIES" "$big/many_entries.onnx" || bad "make_many_entries"

# Every generated case has an expectation.
while IFS=$'\t' read -r file _; do
    [ "$file" = file ] && continue
    grep -q "^$file	" "$table" && ok || bad "case $file has no row in malformed.tsv"
done < "$SRC/tests/malformed/cases.tsv"

cd "$cases"
while IFS=$'\t' read -r file want message; do
    case "$file" in file|'#'*|'') continue ;; esac
    path=${file/#@big/$big}
    err=$(timeout 60 "$ONNXLINT" inspect "$path" 2>&1 >/dev/null); rc=$?
    expect_eq "$rc" "$want" "exit of $file"
    if [ -n "$message" ]; then
        expect_contains "$err" "$message" "message of $file"
        first=$(printf '%s\n' "$err" | head -n 1)
        expect_contains "$first" "$path" "message of $file names the file"
    fi
    if [ "$want" = 2 ] && [ "$(printf '%s\n' "$err" | grep -c .)" -ne 1 ] && [ "$rc" = 2 ]; then
        case "$file" in dangling*|cycle*|duplicate*|bad_attr*) ;; *) bad "$file: expected one line, got: $err" ;; esac
    fi
done < "$table"
# Defects only the operator schemas reveal: check reports them.
out=$("$ONNXLINT" check --no-confirm missing_subgraph.onnx); expect_eq $? 1 "check of a missing subgraph"
expect_contains "$out" "required attribute 'then_branch' is missing" "the missing subgraph is named"
out=$("$ONNXLINT" check --no-confirm bad_attr_type.onnx); expect_eq $? 1 "check of a mistyped attribute"
# Refused external data is never opened: strace sees every open of check
# (and of a load whose external data is fine, which does open its file).
bin=${ONNXLINT_BINARY:-$ONNXLINT}
for f in ext_absolute.onnx ext_dotdot.onnx ext_symlink.onnx ext_ok/model.onnx; do
    trace=$(strace -f -qq -e trace=open,openat,openat2 -o /dev/stdout "$bin" check "$f" 2>/dev/null)
    expect_contains "$trace" "\"$f\"" "strace sees $f opened"
    case "$f" in
    ext_ok/*) expect_contains "$trace" "weights.data" "a valid external file is opened (strace works)" ;;
    *) case "$trace" in
        *hostname* | *outside.data* | *link.data*) bad "$f: a refused external file was opened: $trace" ;;
        *) ok ;;
        esac ;;
    esac
done
# Confirmation runs that would be huge are skipped with a note, before they start.
out=$(timeout 20 "$ONNXLINT" check confirm_huge_values.onnx); expect_eq $? 0 "check of a model with a huge intermediate"
expect_contains "$out" "not run: needs about 119.2 GiB for its values" "the memory estimate is the note"
expect_contains "$out" "'big', made by Expand 'blow_up'" "the largest value is named"
out=$(timeout 20 "$ONNXLINT" check confirm_huge_work.onnx); expect_eq $? 0 "check of a model with a huge product"
expect_contains "$out" "not run: it would take about 2.75e+11 multiply-adds" "the work estimate is the note"
# A 3.2 GB weight (a sparse file: nothing is written to disk) is priced, not read.
mkdir "$big/huge_weights" && cp huge_weights/model.onnx "$big/huge_weights/" &&
    truncate -s 3200000000 "$big/huge_weights/huge_weights.data" || bad "making the sparse weights file"
out=$(timeout 20 "$ONNXLINT" check "$big/huge_weights/model.onnx"); expect_eq $? 0 "check of a model with a 3.2 GB weight"
expect_contains "$out" "not run: needs about 3.0 GiB for its values" "the weight is counted"
expect_contains "$out" "('W', a weight, alone 3.0 GiB)" "the weight is named"
# Fuzzer finds: check must end, in time, with a proper exit code.
for f in "$SRC"/tests/malformed/fuzz/*.onnx; do
    timeout 20 "$ONNXLINT" check "$f" >/dev/null 2>&1; rc=$?
    case $rc in 0|1|2) ok ;; *) bad "check $(basename "$f") exited $rc (124: timeout, >128: crash)" ;; esac
done
for f in "$SRC"/tests/malformed/fuzz/*.yaml; do
    timeout 20 "$ONNXLINT" check --no-confirm --config "$f" ./control_chars.onnx >/dev/null 2>&1; rc=$?
    case $rc in 0|1|2) ok ;; *) bad "check --config $(basename "$f") exited $rc (124: timeout, >128: crash)" ;; esac
done
# Names with control characters come out escaped: no raw ESC, BEL or newline inside a line.
out=$("$ONNXLINT" inspect control_chars.onnx)
if printf '%s' "$out" | LC_ALL=C grep -q "$(printf '\033')\|$(printf '\a')"; then bad "raw control characters in text output"; else ok; fi
expect_contains "$out" '\x1b]0;title\x07' "escaped OSC sequence"
"$ONNXLINT" inspect --format json control_chars.onnx | "$JSON_CHECK" model
expect_eq $? 0 "JSON stays valid with hostile names"
finish
