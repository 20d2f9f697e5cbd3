# ONNX Runtime training artifacts: the committed ones (models/training,
# EXPECTED.tsv: exactly the listed rules, errors and warnings, nothing
# else), inspect and dot --forward on them, and the real artifacts of
# ../shared/realworld/training when that folder exists (no error or warning,
# a loss found and, for cross-entropy, confirmed within [ln C / 4, 4 ln C]).
set -u
. "$(dirname "$0")/lib.sh"
cd "$SRC"

# The rules and errors/warnings a check reports, sorted, one line.
rules_of() {
    "$ONNXLINT" check --fail-on never "$@" 2>/dev/null | grep -o ': \(error\|warning\)\[[a-z-]*\]' |
        sed 's/.*\[\(.*\)\]/\1/' | sort | tr '\n' ' ' | sed 's/ $//'
}

count=0
while IFS=$'\037' read -r file rules with; do
    [ "$file" = file ] && continue
    count=$((count + 1))
    args=("models/training/$file")
    [ -n "$with" ] && args=("models/training/$with" "models/training/$file")
    got=$(rules_of "${args[@]}")
    expect_eq "$got" "$(echo "${rules//,/ }" | tr ' ' '\n' | sort | tr '\n' ' ' | sed 's/ $//')" "$file"
done < <(tr '\t' '\037' < models/training/EXPECTED.tsv)
[ "$count" -ge 10 ] && ok || bad "expected at least 10 rows, read $count"

# The forward bugs are confirmed by the run of the forward part.
for m in float_labels labels_n1 softmax fixed_label_batch; do
    json=$("$ONNXLINT" check --fail-on never --format json "models/training/bug_${m}_training_model.onnx")
    case "$json" in *'"confirmed": true'*) ok ;; *) bad "bug_$m: not confirmed" ;; esac
done
# A clean classifier's loss at init is near ln C (parameters initialised as PyTorch does).
ce_in_range() { # model: the first loss line's value within [ln C / 4, 4 ln C]
    "$ONNXLINT" check "$1" 2>/dev/null | awk '/ at random init \(ln / {
        v = $0; sub(/.*: /, "", v); sub(/ at random init.*/, "", v);
        l = $0; sub(/.*\(ln [0-9]+ = /, "", l); sub(/\).*/, "", l);
        found = 1; ok = (v + 0 >= l / 4 && v + 0 <= 4 * l) }
        END { exit !(found && ok) }'
}
for m in mlp_training_model mlp_eval_model; do
    ce_in_range "models/training/$m.onnx" && ok || bad "$m: loss at init not near ln C"
done
out=$("$ONNXLINT" check models/training/mlp_training_model.onnx)
expect_contains "$out" "(ln 5 = 1.6094)" "the training graph's loss runs (forward part only)"

# inspect says what the file is.
out=$("$ONNXLINT" inspect models/training/mlp_training_model.onnx)
expect_contains "$out" "ONNX Runtime training graph: 4 parameters (4 trainable), 4 gradients, 4 accumulators" "inspect training"
expect_contains "$out" "loss          onnx::loss::8" "inspect names the loss"
expect_contains "$out" "labels        labels" "inspect names the labels"
expect_contains "$out" "parameters    fc1.weight, fc1.bias, fc2.weight, fc2.bias" "inspect names the parameters"
out=$("$ONNXLINT" inspect models/training/mlp_eval_model.onnx)
expect_contains "$out" "ONNX Runtime eval graph: 4 parameters as graph inputs" "inspect eval"
out=$("$ONNXLINT" check models/training/mlp_optimizer_model.onnx)
expect_contains "$out" "an optimizer graph: it holds no loss" "check names an optimizer graph, asks for no loss"
out=$("$ONNXLINT" inspect models/training/mlp_optimizer_model.onnx)
expect_contains "$out" "ONNX Runtime optimizer graph (AdamWOptimizer)" "inspect optimizer"
"$ONNXLINT" inspect --format json models/training/mlp_training_model.onnx | "$JSON_CHECK" artifact
expect_eq $? 0 "inspect json has the artifact"
# dot --forward: the forward part, no gradient node.
out=$("$ONNXLINT" dot --forward models/training/mlp_training_model.onnx)
case "$out" in *Grad*|*InPlaceAccumulator*) bad "dot --forward draws gradient nodes" ;; *) ok ;; esac
expect_eq "$(printf '%s\n' "$out" | grep -c '^  "n[0-9]*" \[')" 4 "dot --forward draws the 4 forward nodes"
for rule in gradient-shape missing-gradient train-eval-mismatch; do
    "$ONNXLINT" explain "$rule" >/dev/null; expect_eq $? 0 "explain $rule"
done
# Shapes are inferred through the gradient graph: every value has a full shape.
out=$("$ONNXLINT" shapes models/training/mlp_training_model.onnx)
case "$out" in *'?'*) bad "a value of the training graph has an unknown dim" ;; *) ok ;; esac

# run: the training graph's forward part on given inputs, the loss as
# computed with numpy by the generator, the gradient outputs not computed.
args=()
for v in input labels fc1.weight fc1.bias fc2.weight fc2.bias; do args+=(--input "$v=models/training/run/$v.pb"); done
out=$("$ONNXLINT" run models/training/mlp_training_model.onnx "${args[@]}"); expect_eq $? 0 "run the training graph"
expect_contains "$out" "onnx::loss::8  float (): min $(cat models/training/run/loss.txt)" "run: the forward part's loss"
expect_contains "$out" "fc1.weight_grad.accumulation.out  (not computed" "run: gradients not computed"

# The real artifacts, when the shared corpus is there.
real="$SRC/../shared/realworld/training"
if [ -d "$real" ]; then
    for f in "$real"/*.onnx; do
        name=$(basename "$f")
        got=$(rules_of "$f")
        expect_eq "$got" "" "$name: no error or warning"
        case "$name" in
        *optimizer*) continue ;;
        esac
        out=$("$ONNXLINT" check "$f" 2>/dev/null)
        expect_contains "$out" "at random init" "$name: loss found and run"
        case "$out" in
        *"(ln "*) ce_in_range "$f" && ok || bad "$name: cross-entropy at init outside [ln C/4, 4 ln C]" ;;
        esac
    done
    got=$(rules_of "$real"/*.onnx)
    expect_eq "$got" "" "the real artifacts checked together (train/eval pairs compared)"
fi
finish
