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
        printf '%s\n' "$got" | grep -q "^${rule/:/ }\( \|$\)" && ok || bad "graph/$file: expected $rule, got: $(echo $got)"
    done
    [ -n "$rules" ] || { [ -z "$got" ] && ok || bad "graph/$file: clean model has findings: $(echo $got)"; }
done < <(tr '\t' '\037' < models/graph/EXPECTED.tsv)
out=$("$ONNXLINT" check --no-confirm models/graph/tensorrt_plugin.onnx 2>&1)
expect_contains "$out" "EfficientNMS_TRT is a TensorRT plugin, not an ONNX operator" "a vendor plugin is named as such"
out=$("$ONNXLINT" check --no-confirm models/graph/missing_custom_opset.onnx 2>&1)
expect_contains "$out" "No opset import for domain 'com.example'" "ONNX Runtime's words for a domain never imported"

# Confirmation computes the same loss as PyTorch on the same sample data
# (models/LOSS_REFERENCE.tsv, written by the generator with PyTorch).
while IFS=$'\037' read -r file want; do
    [ "$file" = file ] && continue
    got=$("$ONNXLINT" check --format json "models/$file" 2>/dev/null | "$JSON_CHECK" --losses | head -n 1)
    if awk -v a="$got" -v b="$want" 'BEGIN { d = a - b; if (d < 0) d = -d; m = b < 0 ? -b : b; exit !(a != "null" && d <= 1e-4 * (m > 1 ? m : 1)) }'; then
        ok
    else
        bad "$file: onnxlint's loss $got, PyTorch's $want"
    fi
done < <(tr '\t' '\037' < models/LOSS_REFERENCE.tsv)
# Every loss finding of a bug model is confirmed by the run.
for m in seed_class_count seed_int_labels_bce seed_double_softmax seed_bce_raw_logits reg_mse_broadcast \
    cls_ce_labels_n1 cls_ce_weight_len cls_batch_fold seg_labels_n1hw seq_ce_class_axis; do
    json=$("$ONNXLINT" check --fail-on never --format json "models/$m.onnx")
    case "$json" in *'"confirmed": true'*) ok ;; *) bad "$m: no finding confirmed" ;; esac
    case "$json" in *'"confirmed": false'*) bad "$m: a finding the run did not confirm" ;; *) ok ;; esac
done
out=$("$ONNXLINT" check models/seed_class_count.onnx)
expect_contains "$out" "evidence   Mul '/Mul' fails: cannot broadcast (4,4) with (4,5)" "evidence names the node and shapes"
out=$("$ONNXLINT" check --dim N=7 models/seed_clean_ce.onnx)
expect_contains "$out" "logits (7,5) at run time" "--dim binds the batch"
a=$("$ONNXLINT" check --seed 5 --format json models/seed_clean_ce.onnx | "$JSON_CHECK" --losses)
b=$("$ONNXLINT" check --seed 5 --format json models/seed_clean_ce.onnx | "$JSON_CHECK" --losses)
c=$("$ONNXLINT" check --seed 6 --format json models/seed_clean_ce.onnx | "$JSON_CHECK" --losses)
expect_eq "$a" "$b" "the same seed gives the same loss"
[ "$a" != "$c" ] && ok || bad "another seed gives the same loss"
out=$("$ONNXLINT" check --no-confirm --format json models/seed_class_count.onnx)
expect_contains "$out" '"confirmed": null' "--no-confirm leaves findings unconfirmed"

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
# -j N checks in parallel and reports exactly as one thread does.
a=$("$ONNXLINT" check --fail-on never --format json models -j 1)
b=$("$ONNXLINT" check --fail-on never --format json models -j 4)
[ "$a" = "$b" ] && ok || bad "-j 4 reports differently from -j 1"
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
expect_contains "$out" "Keras: ValueError: Shapes (None,) and (None, 10) are incompatible" "Keras error text"
# from_logits=True on a Softmax's output: tf.keras warns (and takes the Softmax's input); a Sigmoid it does not look for is silent.
out=$("$ONNXLINT" check tests/oracle/models/softmax_4x10.onnx --loss categorical_crossentropy --from-logits --labels 'labels:float[4,10]')
expect_contains "$out" 'Keras: UserWarning: "`categorical_crossentropy` received `from_logits=True`, but the `output` argument was produced by a Softmax activation and thus does not represent logits. Was this intended?' \
    "Keras' warning for from_logits=True on probabilities"
out=$("$ONNXLINT" check tests/oracle/models/sigmoid_4x10.onnx --loss categorical_crossentropy --from-logits --labels 'labels:float[4,10]')
expect_contains "$out" "Keras computes it without a word: double sigmoid" "a Sigmoid categorical_crossentropy does not look for"
# Keras' kl_divergence takes probabilities (a softmax's output is right) and clips both sides to [1e-7, 1]:
# its value on the sample data is the one Keras' formula gives (15.0573857, computed with NumPy).
json=$("$ONNXLINT" check --format json tests/oracle/models/softmax_4x10.onnx --loss kl_divergence --labels 'labels:float[4,10]')
printf '%s' "$json" | "$JSON_CHECK" --findings | grep -q " \(error\|warning\)$" && bad "kl_divergence of probabilities flagged" || ok
got=$(printf '%s' "$json" | "$JSON_CHECK" --losses | head -n 1)
awk -v a="$got" 'BEGIN { d = a - 15.0573857; exit !(d < 1e-4 && d > -1e-4) }' && ok || bad "kl_divergence value $got, Keras 15.0573857"
out=$("$ONNXLINT" check tests/oracle/models/log_softmax_4x10.onnx --loss kl_divergence --labels 'labels:float[4,10]')
expect_contains "$out" "warning[logits-as-probabilities]: kl_divergence expects probabilities, but its input is log-probabilities" \
    "log-probabilities into Keras' kl_divergence"
# One-hot labels into sparse_categorical_crossentropy: tf.keras flattens them, and TensorFlow's kernel refuses.
out=$("$ONNXLINT" check models/infer_classifier.onnx --loss sparse_categorical_crossentropy --labels 'labels:int64[N,10]')
expect_contains "$out" "Keras: InvalidArgumentError: logits and labels must have the same first dimension, got logits shape [N,10] and labels shape [10*N]" \
    "sparse_categorical_crossentropy of one-hot labels in TensorFlow's words"
# The seed's headline case: a 10-unit head, sigmoid cross-entropy, (N,1) labels: an error in both frameworks' words.
out=$("$ONNXLINT" check models/infer_classifier.onnx --loss bce_with_logits --labels 'labels:float[N,1]'); rc=$?
expect_eq $rc 1 "headline case fails the gate"
expect_contains "$out" "ValueError: Target size (torch.Size([N, 1])) must be the same as input size (torch.Size([N, 10]))" "PyTorch words"
expect_contains "$out" "\`logits\` and \`labels\` must have the same shape, received ((None, 10) vs (None, 1))." "Keras twin"
out=$("$ONNXLINT" check models/infer_classifier.onnx --loss binary_crossentropy --from-logits --labels 'labels:float[N,1]'); rc=$?
expect_eq $rc 1 "Keras headline case fails the gate"
expect_contains "$out" "received ((None, 10) vs (None, 1))." "Keras words"
# PyTorch's BCE on probabilities that no Sigmoid made: Keras' binary_crossentropy
# computes those element by element, so the sigmoid_cross_entropy_with_logits
# shape error is not Keras' word for it (on a Sigmoid's output it is).
out=$("$ONNXLINT" check --no-confirm models/infer_classifier.onnx --loss bce --labels 'labels:float[N,4]')
expect_contains "$out" "is different to the input size" "BCE's PyTorch words"
case "$out" in *Keras:*) bad "a Keras twin for BCE on outputs no Sigmoid made: $out" ;; *) ok ;; esac
# BCE targets of the logits' rank with another class count: class-count, not label-rank.
for l in bce_with_logits bce; do
    out=$("$ONNXLINT" check models/infer_classifier.onnx --loss $l --labels 'labels:float[N,9]'); rc=$?
    expect_eq $rc 1 "$l (N,9) targets for a 10-unit head fail the gate"
    expect_contains "$out" "error[class-count]: labels float[N,9] encode 9 classes but the logits float[N,10] have 10" \
        "$l (N,9) vs (N,10) is a class count"
    expect_contains "$out" "(torch.Size([N, 9]))" "$l class count in PyTorch's words"
done
# Float probabilities into an exported SoftmaxCrossEntropyLoss: PyTorch trains
# on them, ONNX runtimes do not: a warning, not a gate failure.
out=$("$ONNXLINT" check models/cls_ce_prob_labels.onnx); rc=$?
expect_eq $rc 0 "a model PyTorch trains passes the default gate"
expect_contains "$out" "warning[label-dtype]" "ONNX's objection stays a warning"
expect_contains "$out" "PyTorch accepts these labels" "says whose rules object"
# Graph shape errors and failed runs in PyTorch's words.
out=$("$ONNXLINT" check models/infer_view_fold.onnx --loss cross_entropy --labels 'labels:int64[N]')
expect_contains "$out" "PyTorch: RuntimeError: shape '[-1, 11]' is invalid for input of size 288" "view() words"
out=$("$ONNXLINT" check models/graph/shape_error.onnx)
expect_contains "$out" "PyTorch: RuntimeError: mat1 and mat2 shapes cannot be multiplied (Nx4 and 5x3)" "nn.Linear's words"
# Declared losses take arguments; bad ones are usage errors.
"$ONNXLINT" check models/infer_classifier.onnx --loss 'cross_entropy(label_smoothing=0.1,ignore_index=-100)' --labels 'labels:int64[N]' >/dev/null
expect_eq $? 0 "--loss with arguments"
"$ONNXLINT" check models/infer_classifier.onnx --loss 'cross_entropy(smoothing=2)' --labels 'labels:int64[N]' >/dev/null 2>&1
expect_eq $? 2 "--loss with an unknown argument"
# Language-model labels shifted by one while the logits are not: N*T-N never equals N*T.
out=$("$ONNXLINT" check models/infer_classifier.onnx --loss cross_entropy --labels 'labels:int64[N-1]'); rc=$?
expect_eq $rc 1 "provably different batch is an error"
expect_contains "$out" "Expected input batch_size (N) to match target batch_size (N-1)." "shifted labels in PyTorch's words"
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
