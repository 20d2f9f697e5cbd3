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
        case "$file" in dangling*|cycle*|duplicate*|bad_attr*|shadow*) ;; *) bad "$file: expected one line, got: $err" ;; esac
    fi
done < "$table"
# A loss path value the listing does not hold (labels nothing defines),
# named wider than every listed value: shapes pads its columns to it,
# and ends (it once padded by a wrapped-around width, without end).
out=$(timeout 20 "$ONNXLINT" shapes loss_undefined_labels.onnx 2>/dev/null | head -c 100000)
expect_eq "$(printf '%s' "$out" | wc -c)" "$(printf '%s' "$out" | head -c 2000 | wc -c)" "shapes of undefined loss labels is short"
expect_contains "$out" 'labels\x01\x02\x03\x04\x05  ?' "the undefined labels are listed"
expect_eq "$(printf '%s\n' "$out" | awk '/^  [^ (]/ { match($0, /^  [^ ]+ +/); print RLENGTH }' | sort -u | wc -l)" 1 \
    "every listed value's type starts in one column"
# Defects only the operator schemas reveal: check reports them.
out=$("$ONNXLINT" check --no-confirm missing_subgraph.onnx); expect_eq $? 1 "check of a missing subgraph"
expect_contains "$out" "required attribute 'then_branch' is missing" "the missing subgraph is named"
out=$("$ONNXLINT" check --no-confirm bad_attr_type.onnx); expect_eq $? 1 "check of a mistyped attribute"
# A graph given in two parts is merged (no undefined names); a deep model
# meets the subgraph limit, and says so.
out=$("$ONNXLINT" check --no-confirm graph_split.onnx); expect_eq $? 0 "check of a graph given in two parts"
out=$("$ONNXLINT" check --no-confirm nested_if_30.onnx); expect_eq $? 0 "check of 30 nested If"
out=$("$ONNXLINT" check --no-confirm nested_if_40.onnx); expect_eq $? 0 "check of 40 nested If"
expect_contains "$out" "subgraphs nested deeper than 32 levels are not inferred; limit OL_MAX_INFER_DEPTH" "the subgraph limit is named"
# Reshape targets no runtime executes are shape errors.
out=$("$ONNXLINT" check --no-confirm reshape_overflow.onnx); expect_eq $? 1 "check of a Reshape that wraps int64"
expect_contains "$out" "more elements than int64 can count" "the overflow is named"
out=$("$ONNXLINT" check --no-confirm reshape_zero_minus_one.onnx); expect_eq $? 1 "check of a Reshape 0/-1"
expect_contains "$out" "a -1 beside a 0-sized dim" "the 0/-1 is named"
# A name defined twice is not run: which value a node reads is not defined.
for f in duplicate_output.onnx shadow_outer_value.onnx shadow_outer_input.onnx; do
    err=$("$ONNXLINT" run "$f" 2>&1 >/dev/null); expect_eq $? 2 "run of $f"
    expect_contains "$err" "cannot run: a name is defined twice (duplicate-name" "run of $f says why"
    out=$("$ONNXLINT" check --format json "$f"); expect_eq $? 1 "check of $f"
    case "$out" in *'"duplicate-name"'*) ok ;; *) bad "check of $f: no duplicate-name" ;; esac
done
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
out=$(timeout 20 "$ONNXLINT" check confirm_huge_loop.onnx); expect_eq $? 0 "check of a Loop of 10^8 iterations"
expect_contains "$out" "not confirmed: the sample run stopped at its limit: Loop 'loop' fails: runs more than 100000 iterations (this run's limit)" "the run that gave up says so"
# A 3.2 GB weight (a sparse file: nothing is written to disk) is priced, not read.
mkdir "$big/huge_weights" && cp huge_weights/model.onnx "$big/huge_weights/" &&
    truncate -s 3200000000 "$big/huge_weights/huge_weights.data" || bad "making the sparse weights file"
out=$(timeout 20 "$ONNXLINT" check "$big/huge_weights/model.onnx"); expect_eq $? 0 "check of a model with a 3.2 GB weight"
expect_contains "$out" "not run: needs about 3.0 GiB for its values" "the weight is counted"
expect_contains "$out" "('W', a weight, alone 3.0 GiB)" "the weight is named"
# Files that are not regular files: a FIFO would block open() forever (as
# the model, the config, a baseline or a run input), a folder named like a
# model holds no model.
mkfifo "$big/fifo.onnx" || bad "mkfifo"
err=$(timeout 10 "$ONNXLINT" check "$big/fifo.onnx" 2>&1 >/dev/null); expect_eq $? 2 "check of a FIFO"
expect_contains "$err" "fifo.onnx: not a regular file" "a FIFO model is named"
err=$(timeout 10 "$ONNXLINT" check --config "$big/fifo.onnx" ./control_chars.onnx 2>&1 >/dev/null); expect_eq $? 2 "a FIFO config"
expect_contains "$err" "is not a regular file" "a FIFO config is named"
err=$(timeout 10 "$ONNXLINT" check --baseline "$big/fifo.onnx" ./control_chars.onnx 2>&1 >/dev/null); expect_eq $? 2 "a FIFO baseline"
err=$(timeout 10 "$ONNXLINT" run --input X="$big/fifo.onnx" ext_ok/model.onnx 2>&1 >/dev/null)
case $? in 1|2) ok ;; *) bad "run with a FIFO input exited $? (124: it blocked)" ;; esac
expect_contains "$err" "is not a regular file" "a FIFO run input is named"
mkdir "$big/folder.onnx" || bad "mkdir"
err=$("$ONNXLINT" check --format json "$big/folder.onnx" 2>&1 >/dev/null); expect_eq $? 2 "check of a folder named .onnx"
expect_contains "$err" "is a folder with no .onnx model in it" "the empty folder is a usage error"
# A config nested 200,000 levels deep is refused before libyaml parses it.
printf '%*s' 200000 '' | tr ' ' '[' > "$big/deep.yaml"
err=$(timeout 10 "$ONNXLINT" check --no-confirm --config "$big/deep.yaml" ./control_chars.onnx 2>&1 >/dev/null)
expect_eq $? 2 "a deeply nested config"
expect_contains "$err" "nested deeper than 32 levels; limit OL_MAX_CONFIG_NESTING" "the nesting limit is named"
head -c 2000000 /dev/zero | tr '\0' '#' > "$big/huge.yaml"
err=$(timeout 10 "$ONNXLINT" check --no-confirm --config "$big/huge.yaml" ./control_chars.onnx 2>&1 >/dev/null)
expect_eq $? 2 "a 2 MB config"
expect_contains "$err" "limit OL_MAX_CONFIG_BYTES" "the size limit is named"
# Fuzzer finds: check must end, in time, with a proper exit code.
for f in "$SRC"/tests/malformed/fuzz/*.onnx; do
    timeout 20 "$ONNXLINT" check "$f" >/dev/null 2>&1; rc=$?
    case $rc in 0|1|2) ok ;; *) bad "check $(basename "$f") exited $rc (124: timeout, >128: crash)" ;; esac
done
for f in "$SRC"/tests/malformed/fuzz/*.yaml; do
    timeout 20 "$ONNXLINT" check --no-confirm --config "$f" ./control_chars.onnx >/dev/null 2>&1; rc=$?
    case $rc in 0|1|2) ok ;; *) bad "check --config $(basename "$f") exited $rc (124: timeout, >128: crash)" ;; esac
done
# Names and dim_params built to break out of their strings stay inside them
# in every report: DOT (golden, and Graphviz renders it without any link),
# JSON and text (golden), SARIF (valid JSON, the name escaped).
golden=$SRC/tests/e2e/golden
diff -u "$golden/dot_injection.dot" <("$ONNXLINT" dot dot_injection.onnx); expect_eq $? 0 "golden dot_injection.dot"
diff -u "$golden/check_dot_injection.json" <("$ONNXLINT" check --no-confirm --fail-on never --format json dot_injection.onnx)
expect_eq $? 0 "golden check_dot_injection.json"
diff -u "$golden/check_dot_injection.txt" <("$ONNXLINT" check --no-confirm --fail-on never dot_injection.onnx)
expect_eq $? 0 "golden check_dot_injection.txt"
diff -u "$golden/shapes_dot_injection.json" <("$ONNXLINT" shapes --format json dot_injection.onnx)
expect_eq $? 0 "golden shapes_dot_injection.json"
sarif=$("$ONNXLINT" check --no-confirm --fail-on never --format sarif dot_injection.onnx)
printf '%s' "$sarif" | "$JSON_CHECK" version runs; expect_eq $? 0 "SARIF stays valid with hostile names"
expect_contains "$sarif" '"name": "dead\u001B[2J\"},{\"x\":\""' "the hostile node name is escaped in SARIF"
if command -v dot >/dev/null; then
    svg=$("$ONNXLINT" dot dot_injection.onnx | dot -Tsvg); expect_eq $? 0 "Graphviz accepts the DOT of hostile names"
    case "$svg" in *href*) bad "a model's dim_param added a link to the SVG" ;; *) ok ;; esac
fi
# Numbers from the user are checked strictly: --dim and a config's dims.
for d in N=abc N=1e3 N=0x10 N=4abc N=-1 N=0 N=99999999999; do
    err=$("$ONNXLINT" check --dim "$d" ext_ok/model.onnx 2>&1 >/dev/null); expect_eq $? 2 "--dim $d"
    expect_contains "$err" "the size must be a whole number from 1 to 2147483647" "--dim $d is refused"
done
err=$("$ONNXLINT" check --dim K=4 ext_ok/model.onnx 2>&1 >/dev/null); expect_eq $? 2 "--dim of an unknown symbol"
expect_contains "$err" "has no symbolic dim called 'K'" "the unknown symbol is named"
"$ONNXLINT" check --dim N=3 ext_ok/model.onnx >/dev/null; expect_eq $? 0 "--dim N=3 is taken"
cp -r ext_ok "$big/cfg" || bad "copying ext_ok"
printf 'models:\n  - glob: "model.onnx"\n    dims: {N: 4abc}\n' > "$big/cfg/.onnxlint.yaml"
err=$("$ONNXLINT" check "$big/cfg/model.onnx" 2>&1 >/dev/null); expect_eq $? 2 "config dims N: 4abc"
expect_contains "$err" "the size must be a whole number" "config dims are checked too"
# run's inputs must have the graph input's element type, rank and dims.
npy() { # npy FILE DESCR SHAPE BYTES
    local h="{'descr': '$2', 'fortran_order': False, 'shape': $3, }"
    while [ $(( (10 + ${#h} + 1) % 16 )) -ne 0 ]; do h="$h "; done
    { printf '\223NUMPY\001\000'; printf "\\x$(printf %02x $(( (${#h} + 1) % 256 )))\\x$(printf %02x $(( (${#h} + 1) / 256 )))";
      printf '%s\n' "$h"; head -c "$4" /dev/zero; } > "$1"
}
npy "$big/ok.npy" '<f4' '(2, 4)' 32
npy "$big/rank.npy" '<f4' '(8,)' 32
npy "$big/dims.npy" '<f4' '(2, 5)' 40
npy "$big/type.npy" '<f8' '(2, 4)' 64
npy "$big/neg.npy" '<f4' '(-2, 4)' 32
"$ONNXLINT" run --input X="$big/ok.npy" ext_ok/model.onnx >/dev/null; expect_eq $? 0 "run with a fitting .npy"
for f in rank dims type; do
    err=$("$ONNXLINT" run --input X="$big/$f.npy" ext_ok/model.onnx 2>&1 >/dev/null); expect_eq $? 2 "run with a $f mismatch"
    expect_contains "$err" "graph input 'X' is float[N,4]" "run names the $f mismatch"
done
err=$("$ONNXLINT" run --input X="$big/neg.npy" ext_ok/model.onnx 2>&1 >/dev/null); expect_eq $? 2 "a .npy with a negative dim"
expect_contains "$err" "negative dim -2" "the negative dim is named as such"
# A few bytes that declare a tensor of billions of elements allocate nothing
# before their data is found short (under AddressSanitizer, an allocation
# that large aborts): the labels of check --input, a TensorProto and a .npy.
printf '\x08\x01\x08\xff\xff\xbf\xff\x03\x10\x01\x42\x01\x78\x4a\x0c\x00\x00\x80\xbf\x00\x00\x00\x00\x00\x00\x80\x3f' \
    > "$big/huge.pb"
npy "$big/huge.npy" '<i8' '(4000000000,)' 32
for case in "huge.pb:raw_data holds 12 bytes, the dims need" "huge.npy:.npy: data shorter than its shape"; do
    f=${case%%:*}
    out=$("$ONNXLINT" check "$SRC/models/cls_ce_int_labels.onnx" --input "labels=$big/$f" 2>&1)
    expect_eq $? 0 "labels $f that declare billions of elements"
    expect_contains "$out" "not run: $big/$f: " "the short $f is named, and the loss not run"
    expect_contains "$out" "${case#*:}" "$f: its data is found short (not its size refused after allocating)"
done
# Only check takes --fail-on: the other commands' help does not offer it.
for c in run shapes inspect dot; do
    case "$("$ONNXLINT" $c --help)" in *fail-on*) bad "$c --help documents --fail-on" ;; *) ok ;; esac
done
# Names with control characters come out escaped: no raw ESC, BEL or newline inside a line.
out=$("$ONNXLINT" inspect control_chars.onnx)
if printf '%s' "$out" | LC_ALL=C grep -q "$(printf '\033')\|$(printf '\a')"; then bad "raw control characters in text output"; else ok; fi
expect_contains "$out" '\x1b]0;title\x07' "escaped OSC sequence"
"$ONNXLINT" inspect --format json control_chars.onnx | "$JSON_CHECK" model
expect_eq $? 0 "JSON stays valid with hostile names"
finish
