# The model zoo (models/MANIFEST.tsv): every rule fires on the models made
# to show it, and clean models get no warning and no error.
set -u
. "$(dirname "$0")/lib.sh"
cd "$SRC"
count=0
# Tabs are whitespace to `read`: turn them into a separator it keeps.
while IFS=$'\037' read -r file kind rules cli desc; do
    [ "$file" = file ] && continue
    count=$((count + 1))
    # shellcheck disable=SC2086
    json=$("$ONNXLINT" check "models/$file" $cli --format json 2>/dev/null)
    got=$(printf '%s' "$json" | "$JSON_CHECK" --findings) || { bad "$file $cli: invalid JSON report"; continue; }
    for rule in ${rules//,/ }; do
        printf '%s\n' "$got" | grep -q "^$rule " && ok || bad "$file $cli: expected $rule, got: $(echo $got)"
    done
    if [ "$kind" = clean ]; then
        printf '%s\n' "$got" | grep -q " \(error\|warning\)$" && bad "$file $cli: clean model has findings: $(echo $got)" || ok
    fi
done < <(tr '\t' '\037' < models/MANIFEST.tsv)
[ "$count" -ge 30 ] && ok || bad "expected at least 30 manifest rows, read $count"

# The graph rules (models/graph/EXPECTED.tsv): each fires on its model, the clean one stays clean.
while IFS=$'\037' read -r file rules; do
    [ "$file" = file ] && continue
    got=$("$ONNXLINT" check --no-confirm --fail-on never --format json "models/graph/$file" 2>/dev/null | "$JSON_CHECK" --findings)
    for rule in ${rules//,/ }; do
        printf '%s\n' "$got" | grep -q "^$rule " && ok || bad "graph/$file: expected $rule, got: $(echo $got)"
    done
    [ -n "$rules" ] || { [ -z "$got" ] && ok || bad "graph/$file: clean model has findings: $(echo $got)"; }
done < <(tr '\t' '\037' < models/graph/EXPECTED.tsv)

# Exit codes and --fail-on.
"$ONNXLINT" check models/seed_class_count.onnx >/dev/null; expect_eq $? 1 "error finding exits 1"
"$ONNXLINT" check models/seed_double_softmax.onnx >/dev/null; expect_eq $? 0 "warning only exits 0 by default"
"$ONNXLINT" check --fail-on warning models/seed_double_softmax.onnx >/dev/null; expect_eq $? 1 "--fail-on warning"
"$ONNXLINT" check --fail-on never models/seed_class_count.onnx >/dev/null; expect_eq $? 0 "--fail-on never"
"$ONNXLINT" check models/seed_clean_ce.onnx >/dev/null; expect_eq $? 0 "clean exits 0"
"$ONNXLINT" check --loss nonsense models/example_cnn.onnx >/dev/null 2>&1; expect_eq $? 2 "bad --loss is a usage error"
"$ONNXLINT" check --labels x:int64[N] models/example_cnn.onnx >/dev/null 2>&1; expect_eq $? 2 "--labels without --loss"
"$ONNXLINT" check models/seed_clean_ce.onnx missing.onnx >/dev/null 2>&1; expect_eq $? 2 "a missing model exits 2"
# A folder is searched recursively.
out=$("$ONNXLINT" check --fail-on never models --format text)
expect_contains "$out" "in $(find models -name '*.onnx' | wc -l) models" "folder check covers every model"
# SARIF is valid JSON with the rules and results.
"$ONNXLINT" check --format sarif models/seed_class_count.onnx | "$JSON_CHECK" version runs
expect_eq $? 0 "sarif"
out=$("$ONNXLINT" explain class-count); expect_eq $? 0 "explain exit"
expect_contains "$out" "Target size" "explain gives the PyTorch error"
"$ONNXLINT" explain no-such-rule >/dev/null 2>&1; expect_eq $? 2 "explain unknown rule"
# The seed article's scenarios, with the messages users need.
out=$("$ONNXLINT" check models/seed_class_count.onnx)
expect_contains "$out" "error[class-count]" "seed class count"
expect_contains "$out" "fc.weight [5,16]: 5 classes" "class count traced to the head's weight"
expect_contains "$out" "F.one_hot(y, 5).float()" "class count fix"
out=$("$ONNXLINT" check models/infer_classifier.onnx --loss categorical_crossentropy --labels labels:int64[N])
expect_contains "$out" "must have the same shape, received ((N, 10) vs (N,))" "Keras error text"
# Golden reports: the JSON contract and the text layout, byte for byte.
for m in seed_class_count seed_int_labels_bce seq_ce_class_axis cls_batch_fold seed_double_softmax; do
    diff -u "tests/e2e/golden/check_$m.json" <("$ONNXLINT" check --fail-on never --format json "models/$m.onnx")
    expect_eq $? 0 "golden check_$m.json"
done
diff -u tests/e2e/golden/check_text.txt <("$ONNXLINT" check --fail-on never models/seed_class_count.onnx \
    models/reg_mse_broadcast.onnx models/cls_ce_ignore_index.onnx)
expect_eq $? 0 "golden check_text.txt"
# Colour only on a terminal, and never with NO_COLOR.
out=$("$ONNXLINT" check models/seed_class_count.onnx)
case "$out" in *$'\033'*) bad "colour codes in piped output" ;; *) ok ;; esac
if command -v script >/dev/null; then
    tty_out=$(script -qec "$ONNXLINT check models/seed_class_count.onnx" /dev/null)
    case "$tty_out" in *$'\033[1;31m'*) ok ;; *) bad "no colour on a terminal" ;; esac
    tty_out=$(NO_COLOR=1 script -qec "$ONNXLINT check models/seed_class_count.onnx" /dev/null)
    case "$tty_out" in *$'\033'*) bad "colour despite NO_COLOR" ;; *) ok ;; esac
fi
finish
