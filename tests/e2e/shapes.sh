# Shape inference end to end: the showcase models (models/shapes) infer the
# exact types in EXPECTED.tsv, JSON follows the contract, -o writes a model
# that loads again with the shapes as value_info.
set -u
. "$(dirname "$0")/lib.sh"
cd "$SRC"
while IFS=$'\037' read -r file value type; do
    [ "$file" = file ] && continue
    out=$("$ONNXLINT" shapes "models/shapes/$file" 2>&1)
    line=$(printf '%s\n' "$out" | grep -E "^  $value +" | head -n 1)
    got=$(printf '%s' "$line" | awk '{print $2}')
    expect_eq "$got" "$type" "$file: $value"
done < <(tr '\t' '\037' < models/shapes/EXPECTED.tsv)

# A nested branch reading its enclosing branch's value is no cycle; an IR-3
# model's initializer-inputs are constants.
for f in nested_if_outer_value ir3_initializer_inputs function_attribute_refs; do
    out=$("$ONNXLINT" check --no-confirm "models/shapes/$f.onnx" 2>&1); expect_eq $? 0 "$f: check is clean"
    expect_contains "$out" "0 errors, 0 warnings" "$f: no finding"
done
# A function body's attribute references read each call's attribute, or
# the function's default: run computes what ONNX Runtime does.
out=$("$ONNXLINT" run models/shapes/function_attribute_refs.onnx --inputs models/shapes/function_attribute_refs_data)
expect_eq $? 0 "run calls a model-local function"
expect_contains "$out" "rows  float (6,3)" "the call's own axis"
expect_contains "$out" "cols  float (2,8)" "the function's default axis"
out=$("$ONNXLINT" shapes models/shapes/ir3_initializer_inputs.onnx)
printf '%s\n' "$out" | grep -qE '^  W +' && bad "an IR-3 initializer is listed as a graph input" || ok

# Subgraph values are listed after the node holding them, named by it.
out=$("$ONNXLINT" shapes models/shapes/nested_if_outer_value.onnx)
expect_contains "$out" "ie    float[N,3]  output (Neg '#0') in If '#1' else_branch" "a nested branch's value in text"
json=$("$ONNXLINT" shapes --format json models/shapes/nested_if_outer_value.onnx)
expect_contains "$json" '"attribute": "then_branch"' "a subgraph value names its graph in JSON"
# Sequences, maps and optionals have ONNX's type strings, not null.
json=$("$ONNXLINT" shapes --format json /usr/share/libonnx-testdata/data/node/test_loop13_seq/model.onnx)
expect_contains "$json" '"dtype": "seq(tensor(float))"' "a sequence's dtype"
printf '%s' "$json" | grep -q '"dtype": null' && bad "a value without dtype in test_loop13_seq" || ok

out=$("$ONNXLINT" shapes models/shapes/unify_symbols.onnx)
expect_contains "$out" "N = K" "unification is shown"
out=$("$ONNXLINT" shapes models/shapes/broadcast_symbols.onnx)
case "$out" in *unified*) bad "broadcasting N with M proved them equal: $out" ;; *) ok ;; esac
json=$("$ONNXLINT" shapes --format json models/shapes/concat_symbolic.onnx)
printf '%s' "$json" | "$JSON_CHECK" model values unified; expect_eq $? 0 "shapes JSON keys"
expect_contains "$json" '"N+5"' "symbolic dims are strings in JSON"
expect_contains "$json" '"kind": "intermediate"' "value kinds in JSON"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$ONNXLINT" shapes models/example_cnn.onnx -o "$tmp/shaped.onnx" >/dev/null; expect_eq $? 0 "shapes -o"
[ "$(stat -c %s "$tmp/shaped.onnx")" -gt "$(stat -c %s models/example_cnn.onnx)" ] && ok || bad "-o added nothing"
"$ONNXLINT" inspect "$tmp/shaped.onnx" >/dev/null; expect_eq $? 0 "the -o model loads"
# The written value_info is read back as declared types: a second run finds no contradiction.
"$ONNXLINT" shapes "$tmp/shaped.onnx" >/dev/null; expect_eq $? 0 "the -o model's shapes agree with inference"
"$ONNXLINT" shapes models/example_cnn.onnx models/reg_l1.onnx >/dev/null 2>&1; expect_eq $? 2 "shapes takes one model"
# External data stays where it is: -o elsewhere is refused (the copy would
# not find its weights), -o next to the data files works.
err=$("$ONNXLINT" shapes models/external/ext_mlp.onnx -o "$tmp/ext.onnx" 2>&1 >/dev/null); expect_eq $? 2 "-o away from external data"
expect_contains "$err" "keeps its weights in external files relative to" "why -o was refused"
[ -e "$tmp/ext.onnx" ] && bad "a refused -o still wrote a file" || ok
cp -r models/external "$tmp/external"
"$ONNXLINT" shapes "$tmp/external/ext_mlp.onnx" -o "$tmp/external/shaped.onnx" >/dev/null; expect_eq $? 0 "-o beside external data"
"$ONNXLINT" check --fail-on never "$tmp/external/shaped.onnx" >/dev/null; expect_eq $? 0 "its external weights still resolve"
# The loss path first; --op and --name filters.
out=$("$ONNXLINT" shapes models/seed_clean_ce.onnx)
first=$(printf '%s\n' "$out" | sed -n 3p)
expect_eq "$first" "loss cross_entropy at node '/SoftmaxCrossEntropyLoss'" "the loss path comes first"
out=$("$ONNXLINT" shapes models/example_cnn.onnx --op Conv)
expect_eq "$(printf '%s\n' "$out" | grep -c 'intermediate')" 1 "--op keeps the Conv output only"
out=$("$ONNXLINT" shapes models/example_cnn.onnx --name 'Relu|MaxPool')
expect_eq "$(printf '%s\n' "$out" | grep -c 'intermediate')" 2 "--name keeps the matching values"
err=$("$ONNXLINT" shapes models/example_cnn.onnx --name '(' 2>&1); expect_eq $? 2 "a bad --name regex"
finish
