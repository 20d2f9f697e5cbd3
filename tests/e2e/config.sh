# A repository gate: .onnxlint.yaml declares an inference-only model's loss,
# turns a rule off and suppresses a finding; `check` with no argument checks
# every model below the current folder; a baseline makes the gate fail only
# on new findings.
set -u
. "$(dirname "$0")/lib.sh"
repo=$(mktemp -d)
trap 'rm -rf "$repo"' EXIT
mkdir -p "$repo/exports" "$repo/training"
cp "$SRC/models/infer_classifier.onnx" "$repo/exports/"
cp "$SRC/models/seed_double_softmax.onnx" "$SRC/models/seed_class_count.onnx" "$SRC/models/seed_clean_ce.onnx" \
    "$repo/training/"
cp "$SRC/models/graph/dead_node.onnx" "$repo/training/"
cat > "$repo/.onnxlint.yaml" <<'YAML'
models:
  - glob: "exports/*.onnx"
    loss: cross_entropy
    labels: "labels:float[N,1]"
    dims: {N: 6}
rules:
  dead-node: off
suppress:
  - rule: probabilities-as-logits
    model: "training/seed_double_softmax.onnx"
YAML
cd "$repo/training"  # the config is found walking up from each model
json=$("$ONNXLINT" check --no-confirm --format json seed_double_softmax.onnx)
case "$json" in *probabilities-as-logits*) bad "suppressed finding still reported" ;; *) ok ;; esac
cd "$repo"
out=$("$ONNXLINT" check --fail-on warning); rc=$?
expect_eq $rc 1 "the gate fails on the errors"
expect_contains "$out" "in 5 models" "no argument: every model below the folder"
expect_contains "$out" "exports/infer_classifier.onnx: error[label-rank]" "the config declares the inference-only loss"
expect_contains "$out" "with logits (6,10)" "the config's dims bind the sample data"
case "$out" in *dead-node*) bad "a rule turned off still fires" ;; *) ok ;; esac
case "$out" in *probabilities-as-logits*) bad "suppression ignored" ;; *) ok ;; esac
expect_contains "$out" "error[class-count]" "other findings stay"
"$ONNXLINT" check --write-baseline baseline.json >/dev/null; expect_eq $? 0 "--write-baseline exits 0"
"$ONNXLINT" check --baseline baseline.json --fail-on warning >/dev/null; expect_eq $? 0 "nothing new: the gate passes"
cp "$SRC/models/cls_ce_labels_n1.onnx" training/
out=$("$ONNXLINT" check --baseline baseline.json); expect_eq $? 1 "a new bug fails the gate"
expect_contains "$out" "cls_ce_labels_n1.onnx: error[label-rank]" "the new finding is shown"
case "$out" in *"seed_class_count.onnx: error"*) bad "a baselined finding is shown again" ;; *) ok ;; esac
printf 'models: [1, 2\n' > bad.yaml
err=$("$ONNXLINT" check --config bad.yaml training/seed_clean_ce.onnx 2>&1); expect_eq $? 2 "a broken config"
expect_contains "$err" "bad.yaml: YAML error at line" "the config error names the file and line"
printf 'rules:\n  no-such-rule: off\n' > bad.yaml
err=$("$ONNXLINT" check --config bad.yaml training/seed_clean_ce.onnx 2>&1); expect_eq $? 2 "an unknown rule"
expect_contains "$err" "no rule 'no-such-rule'" "unknown rule named"
# The search stops at the repository's root: a configuration above it (a
# stray one in /tmp) does not reach the repository's models.
mkdir -p "$repo/outer/project/.git" "$repo/outer/project/models"
cp "$SRC/models/infer_classifier.onnx" "$repo/outer/project/models/"
printf 'models:\n  - glob: "*"\n    loss: cross_entropy\n    labels: "labels:int64[N]"\n' > "$repo/outer/.onnxlint.yaml"
out=$("$ONNXLINT" check --no-confirm "$repo/outer/project/models/infer_classifier.onnx" 2>&1)
expect_contains "$out" "no loss found" "a configuration above the repository's root is not read"
rm -r "$repo/outer/project/.git"
out=$("$ONNXLINT" check --no-confirm "$repo/outer/project/models/infer_classifier.onnx" 2>&1)
expect_contains "$out" "loss cross_entropy" "outside a repository the nearest configuration above is read"
# A declared loss takes its arguments in a config as on the command line:
# kl_div's reduction decides PyTorch's warning and the loss value.
cp "$SRC/tests/oracle/models/log_softmax_4x10.onnx" exports/distill.onnx
kl_config() {
    printf 'models:\n  - glob: "exports/distill.onnx"\n    loss: "%s"\n    labels: "labels:float[4,10]"\n' "$1" > kl.yaml
}
kl_config 'kl_div'
out=$("$ONNXLINT" check --config kl.yaml exports/distill.onnx)
expect_contains "$out" "warning[loss-reduction]" "kl_div's default reduction='mean' is PyTorch's warning"
expect_contains "$out" "UserWarning: reduction: 'mean' divides the total loss by both the batch size and the support size." \
    "in PyTorch's words"
kl_config 'kl_div(reduction=batchmean)'
json=$("$ONNXLINT" check --config kl.yaml --format json exports/distill.onnx)
case "$json" in *loss-reduction*) bad "reduction=batchmean still warned" ;; *) ok ;; esac
expect_contains "$json" '"value": 15.05739' "batchmean: the sum over the batch size, as PyTorch computes it"
kl_config 'kl_div(reduction=sum)'
expect_contains "$("$ONNXLINT" check --config kl.yaml --format json exports/distill.onnx)" '"value": 60.2295' "reduction=sum"
kl_config 'mse(reduction=batchmean)'
err=$("$ONNXLINT" check --config kl.yaml exports/distill.onnx 2>&1); expect_eq $? 2 "batchmean for mse"
expect_contains "$err" "kl.yaml: --loss: PyTorch: ValueError: batchmean is not a valid value for reduction" \
    "a reduction PyTorch refuses, in its words"
# A sample of the real labels, kept beside the model, is checked against its
# head at every run: inputs: maps input names to files, from the config's folder.
mkdir -p data
npy data/labels.npy 0 3 11 2
printf 'models:\n  - glob: "exports/infer_classifier.onnx"\n    loss: cross_entropy\n    labels: "labels:int64[N]"\n    inputs: {labels: data/labels.npy}\n' > labels.yaml
out=$(cd exports && "$ONNXLINT" check --config ../labels.yaml infer_classifier.onnx); rc=$?
expect_eq $rc 1 "the config's labels file fails the gate"
expect_contains "$out" "error[label-range]: the labels hold 11, outside the 10 classes of the logits (4,10)" \
    "the config's inputs reach the loss, relative to the config's folder"
out=$("$ONNXLINT" check --config labels.yaml exports/infer_classifier.onnx --input "labels=$SRC/models/../data-none.npy" 2>&1)
expect_contains "$out" "--input labels=$SRC/models/../data-none.npy: no file" "the command line's --input wins"
printf 'models:\n  - glob: "exports/infer_classifier.onnx"\n    loss: cross_entropy\n    labels: "labels:int64[N]"\n    inputs: {lables: data/labels.npy}\n' > labels.yaml
err=$("$ONNXLINT" check --config labels.yaml exports/infer_classifier.onnx 2>&1); expect_eq $? 2 "a misspelt input name"
expect_contains "$err" "labels.yaml: inputs: lables=./data/labels.npy: the model reads no input by that name (it reads: input, labels): did you mean labels?" \
    "a configuration's input the model does not read is refused, not ignored"
printf 'models:\n  - glob: "exports/*.onnx"\n    loss: cross_entropy\n    labels: "labels:int64[N]"\n    inputs: {labels: data/none.npy}\n' > labels.yaml
err=$("$ONNXLINT" check --config labels.yaml exports/infer_classifier.onnx 2>&1); expect_eq $? 2 "a missing labels file"
expect_contains "$err" "labels.yaml: inputs: labels=./data/none.npy: no file" "the message names the config"
finish
