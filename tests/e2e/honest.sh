# Honest defaults: a model nothing was checked in never reads as clean, and
# options that name what the model does not have are usage errors (exit 2,
# one line, with a "did you mean"), not silently ignored.
set -u
. "$(dirname "$0")/lib.sh"
cd "$SRC"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# What was checked, per model, and in the summary.
out=$("$ONNXLINT" check models/infer_classifier.onnx); rc=$?
expect_eq $rc 0 "an inference-only model without a declaration has no finding"
expect_contains "$out" "models/infer_classifier.onnx: no loss found: declare it with --loss/--labels or in .onnxlint.yaml" \
    "says nothing was checked"
expect_contains "$out" "in 1 model, 0 with a loss checked" "the summary counts models with a loss checked"
out=$("$ONNXLINT" check models/seed_clean_ce.onnx models/infer_classifier.onnx)
expect_contains "$out" "models/seed_clean_ce.onnx: loss cross_entropy at node '/SoftmaxCrossEntropyLoss': " \
    "names the loss found: kind and node"
expect_contains "$out" "in 2 models, 1 with a loss checked" "one of two models had a loss"
out=$("$ONNXLINT" check models/infer_classifier.onnx --loss cross_entropy --labels labels:int64[N])
expect_contains "$out" "loss cross_entropy (declared): " "a declared loss is named as such"
out=$("$ONNXLINT" check models/seed_class_count.onnx)
expect_contains "$out" "loss bce_with_logits at node '/Mul_1': checked, 1 finding above" "a loss with findings"

# In-graph BCEWithLogits is labelled bce_with_logits; a hand-written BCE on a Sigmoid stays bce.
kind=$("$ONNXLINT" check --format json models/seed_clean_bce_logits.onnx | grep '"kind"')
expect_contains "$kind" '"bce_with_logits"' "exported BCEWithLogitsLoss"
kind=$("$ONNXLINT" check --format json models/bin_bce_sigmoid.onnx | grep '"kind"')
expect_contains "$kind" '"bce"' "hand-written BCE"

# usage_case NAME EXPECTED-TEXT COMMAND...: exit 2 with one line on stderr containing the text.
usage_case() {
    local name=$1 want=$2; shift 2
    local err; err=$("$@" 2>&1 >/dev/null); local rc=$?
    expect_eq $rc 2 "$name: exit"
    expect_eq "$(printf '%s\n' "$err" | wc -l)" 1 "$name: one line on stderr"
    expect_contains "$err" "$want" "$name"
}
decl=(--loss cross_entropy --labels labels:int64[N])
usage_case "--loss typo" "unknown loss 'crossentropy': did you mean cross_entropy?" \
    "$ONNXLINT" check models/infer_classifier.onnx --loss crossentropy --labels labels:int64[N]
usage_case "--dim unknown symbol" "--dim Q=3: the model has no symbolic dim called 'Q' (its inputs have: N)" \
    "$ONNXLINT" check models/infer_classifier.onnx "${decl[@]}" --dim Q=3
usage_case "--dim lower case" "did you mean N?" "$ONNXLINT" check models/infer_classifier.onnx "${decl[@]}" --dim n=3
usage_case "--dim 0" "--dim N=0: the size must be a whole number from 1 to 2147483647" \
    "$ONNXLINT" check models/infer_classifier.onnx "${decl[@]}" --dim N=0
# One --dim for several models: each takes the symbols it has.
out=$("$ONNXLINT" check --no-confirm models/seed_clean_ce.onnx models/graph/clean.onnx --dim N=8 2>&1)
expect_eq $? 0 "a --dim shared by models that do not all have the symbol"
usage_case "--dim -2" "from 1 to 2147483647" "$ONNXLINT" check models/infer_classifier.onnx "${decl[@]}" --dim N=-2
usage_case "--dim not a number" "from 1 to 2147483647" "$ONNXLINT" check models/infer_classifier.onnx "${decl[@]}" --dim N=8x
usage_case "--input unknown name" "--input label=$tmp/y.npy: the model reads no input by that name (it reads: input, labels): did you mean labels?" \
    "$ONNXLINT" check models/infer_classifier.onnx "${decl[@]}" --input "label=$tmp/y.npy"
usage_case "--input of a training model" "did you mean labels?" \
    "$ONNXLINT" check models/seed_clean_ce.onnx --input "label=$tmp/y.npy"
usage_case "--input missing file" "--input labels=$tmp/missing.npy: no file '$tmp/missing.npy'" \
    "$ONNXLINT" check models/infer_classifier.onnx "${decl[@]}" --input "labels=$tmp/missing.npy"
usage_case "--loss on a training model" "the model already computes its loss (cross_entropy at node '/SoftmaxCrossEntropyLoss')" \
    "$ONNXLINT" check models/seed_clean_ce.onnx "${decl[@]}"
usage_case "explain typo" "no rule 'class_count': did you mean class-count?" "$ONNXLINT" explain class_count
mkdir -p "$tmp/repo"
cp models/infer_classifier.onnx "$tmp/repo/"
printf 'models:\n  - glob: "*.onnx"\n    loss: crossentropy\n    labels: "labels:int64[N]"\n' > "$tmp/repo/.onnxlint.yaml"
usage_case "config loss typo" ".onnxlint.yaml: unknown loss 'crossentropy': did you mean cross_entropy?" \
    "$ONNXLINT" check "$tmp/repo/infer_classifier.onnx"

# --input for the declared labels is honoured: the loss is computed on them.
npy "$tmp/labels.npy" 0 1 3 2
sample=$("$ONNXLINT" check models/infer_classifier.onnx "${decl[@]}" | grep "loss cross_entropy")
given=$("$ONNXLINT" check models/infer_classifier.onnx "${decl[@]}" --input "labels=$tmp/labels.npy" | grep "loss cross_entropy")
case "$given" in *"at random init"*) ok ;; *) bad "declared labels from a file: no loss value: $given" ;; esac
[ "$sample" != "$given" ] && ok || bad "--input labels=FILE ignored for declared labels: $given"
npy "$tmp/labels3.npy" 0 1 3
out=$("$ONNXLINT" check models/infer_classifier.onnx "${decl[@]}" --input "labels=$tmp/labels3.npy" --dim N=4)
expect_contains "$out" "with logits (4,10) and labels (3)" "the file's own values reach the loss"

# Given labels outside the logits' classes fail training at their first
# batch: an error, in the words of the framework the loss is named for.
npy "$tmp/range.npy" 1 12 3 15
out=$("$ONNXLINT" check models/infer_classifier.onnx "${decl[@]}" --input "labels=$tmp/range.npy"); rc=$?
expect_eq $rc 1 "declared labels outside [0, C): exit 1"
expect_contains "$out" "error[label-range]: the labels hold 12, outside the 10 classes of the logits (4,10)" \
    "label-range names the first label outside the classes"
expect_contains "$out" "why        PyTorch: IndexError: Target 12 is out of bounds." "PyTorch names the first one"
expect_contains "$out" "label [1] is 12; 2 of the 4 labels lie outside [0, 10)" "the evidence counts them"
out=$("$ONNXLINT" check models/infer_classifier.onnx --loss sparse_categorical_crossentropy --from-logits \
    --labels labels:int64[N] --input "labels=$tmp/range.npy")
expect_contains "$out" "Keras: InvalidArgumentError: Received a label value of 15 which is outside the valid range of [0, 10).  Label values: 1 12 3 15" \
    "TensorFlow names the greatest label and lists them all"
npy "$tmp/ignored.npy" 1 -100 3 0
out=$("$ONNXLINT" check models/infer_classifier.onnx "${decl[@]}" --input "labels=$tmp/ignored.npy"); rc=$?
expect_eq $rc 0 "-100 is PyTorch's default ignore_index: no finding"
expect_contains "$out" "at random init" "the loss is computed over the other labels"
out=$("$ONNXLINT" check models/infer_classifier.onnx --loss sparse_categorical_crossentropy --from-logits \
    --labels labels:int64[N] --input "labels=$tmp/ignored.npy")
expect_contains "$out" "Received a label value of -100 which" "Keras ignores no label: TensorFlow names the least"
# A loss node of the graph: the labels as the node reads them.
out=$("$ONNXLINT" check models/cls_ce_int_labels.onnx --input "labels=$tmp/range.npy"); rc=$?
expect_eq $rc 1 "graph loss with labels outside [0, C): exit 1"
expect_contains "$out" "error[label-range] node '/SoftmaxCrossEntropyLoss' (SoftmaxCrossEntropyLoss): the labels hold 12, outside the 5 classes of the logits (4,5)" \
    "label-range at the loss node"
expect_not_contains "$out" "run-failed" "the run's failure at the loss is the label-range finding, not another"
npy "$tmp/from1.npy" 1 5 3 2
out=$("$ONNXLINT" check models/cls_ce_labels_from_1.onnx --input "labels=$tmp/from1.npy"); rc=$?
expect_eq $rc 0 "classes numbered from 1 for a training step that subtracts 1: no finding"
npy "$tmp/from0.npy" 0 4 3 2
out=$("$ONNXLINT" check models/cls_ce_labels_from_1.onnx --input "labels=$tmp/from0.npy"); rc=$?
expect_eq $rc 1 "classes numbered from 0 for a training step that subtracts 1: exit 1"
expect_contains "$out" "PyTorch: IndexError: Target -1 is out of bounds." "the loss reads label - 1"
expect_contains "$out" "from0.npy, as the graph changes them before the loss: label [0] is -1" \
    "the evidence says the graph changed the labels"

# Baselines match the model however it is named: keyed by its path relative
# to the baseline file, with a fingerprint that survives unrelated edits.
mkdir -p "$tmp/gate/exports" "$tmp/elsewhere"
cp models/seed_class_count.onnx "$tmp/gate/exports/x.onnx"
(cd "$tmp/gate" && "$ONNXLINT" check --write-baseline onnxlint.baseline ./exports/x.onnx >/dev/null)
expect_eq $? 0 "--write-baseline"
expect_contains "$(cat "$tmp/gate/onnxlint.baseline")" '"model": "exports/x.onnx"' "normalised relative path"
expect_contains "$(cat "$tmp/gate/onnxlint.baseline")" '"fingerprint": "' "fingerprint"
for how in "exports" "exports/x.onnx" "./exports//x.onnx" "$tmp/gate/exports/x.onnx"; do
    out=$(cd "$tmp/gate" && "$ONNXLINT" check --baseline onnxlint.baseline "$how"); rc=$?
    expect_eq $rc 0 "baseline matches '$how'"
    expect_contains "$out" "1 in the baseline" "the summary counts baselined findings ('$how')"
done
out=$(cd "$tmp/elsewhere" && "$ONNXLINT" check --baseline ../gate/onnxlint.baseline ../gate/exports/x.onnx); rc=$?
expect_eq $rc 0 "baseline matches from another folder"
out=$(cd "$tmp/gate/exports" && "$ONNXLINT" check --baseline ../onnxlint.baseline x.onnx); rc=$?
expect_eq $rc 0 "baseline matches from the model's folder (as a pre-commit hook runs)"
# An unrelated edit changes the message (other shapes), not the fingerprint.
sed 's/"message": "[^"]*"/"message": "labels float[B,4] encode 4 classes but the logits float[B,5] have 5"/' \
    "$tmp/gate/onnxlint.baseline" > "$tmp/gate/edited.baseline"
(cd "$tmp/gate" && "$ONNXLINT" check --baseline edited.baseline exports >/dev/null); expect_eq $? 0 "fingerprint, not message"
sed 's/"fingerprint": "[^"]*"/"fingerprint": "0000000000000000"/' "$tmp/gate/onnxlint.baseline" > "$tmp/gate/other.baseline"
(cd "$tmp/gate" && "$ONNXLINT" check --baseline other.baseline exports >/dev/null); expect_eq $? 1 "another finding is new"
# Suppressions are counted too.
printf 'rules:\n  class-count: off\n' > "$tmp/gate/.onnxlint.yaml"
out=$(cd "$tmp/gate" && "$ONNXLINT" check exports)
expect_contains "$out" "0 errors, 0 warnings, 0 notes in 1 model, 1 with a loss checked; 1 suppressed by the configuration" \
    "the summary counts suppressed findings"

# dot draws the initializer a finding is about; --around leaves nothing dangling.
out=$("$ONNXLINT" dot models/cls_ce_weight_len.onnx)
expect_contains "$out" '"init:class_weight" [shape=note' "the class weights of the class-count finding are drawn"
expect_contains "$out" '"init:class_weight" -> "n1"' "and wired to the loss node"
case "$out" in *'"init:fc.weight"'*) bad "initializers no finding is about are drawn" ;; *) ok ;; esac
out=$("$ONNXLINT" dot models/cls_ce_weight_len.onnx --around /SoftmaxCrossEntropyLoss --depth 0)
case "$out" in *'"in:input" ['*) bad "--around draws an input no kept node reads" ;; *) ok ;; esac
expect_contains "$out" '"in:labels" -> "n1"' "--around keeps the inputs its nodes read"
out=$("$ONNXLINT" dot models/cls_ce_weight_len.onnx --around /fc/Gemm --depth 0)
case "$out" in *'"out:loss"'*) bad "--around draws an output no kept node makes" ;; *) ok ;; esac
finish
