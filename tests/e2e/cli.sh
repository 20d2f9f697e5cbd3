# The command line contract: help, version, usage errors and exit codes.
set -u
. "$(dirname "$0")/lib.sh"
cd "$SRC"

out=$("$ONNXLINT" --help); expect_eq $? 0 "--help exit"
expect_contains "$out" "Exit codes" "--help lists exit codes"
expect_contains "$out" "inspect" "--help lists inspect"
out=$("$ONNXLINT" inspect --help); expect_eq $? 0 "inspect --help exit"
expect_contains "$out" "Examples" "inspect --help has examples"
expect_contains "$out" "--format" "inspect --help lists --format"
out=$("$ONNXLINT" --version); expect_eq $? 0 "--version exit"
expect_contains "$out" "onnxlint 0." "--version text"

err=$("$ONNXLINT" 2>&1 >/dev/null); expect_eq $? 2 "no command"
err=$("$ONNXLINT" frobnicate x 2>&1); expect_eq $? 2 "unknown command"
expect_contains "$err" "unknown command 'frobnicate'" "unknown command message"
err=$("$ONNXLINT" inspect --bogus models/example_cnn.onnx 2>&1); expect_eq $? 2 "unknown option"
expect_contains "$err" "unknown option '--bogus'" "unknown option message"
err=$("$ONNXLINT" inspect 2>&1); expect_eq $? 2 "inspect without a model"
err=$("$ONNXLINT" inspect --format xml models/example_cnn.onnx 2>&1); expect_eq $? 2 "bad format"
expect_contains "$err" "text or json" "bad format message"
err=$("$ONNXLINT" inspect --format 2>&1); expect_eq $? 2 "option without value"
"$ONNXLINT" inspect --format=json models/example_cnn.onnx | "$JSON_CHECK" model; expect_eq $? 0 "--format=json"
"$ONNXLINT" inspect -f json models/example_cnn.onnx | "$JSON_CHECK" model; expect_eq $? 0 "-f json"
# One failing model among good ones: exit 2, the good ones still reported.
out=$("$ONNXLINT" inspect models/example_cnn.onnx missing.onnx models/reg_l1.onnx 2>/dev/null); expect_eq $? 2 "mixed exit"
expect_contains "$out" "reg_l1.onnx" "later models still inspected"
# inspect --op / --name list the selected nodes.
out=$("$ONNXLINT" inspect models/example_cnn.onnx --op Gemm)
expect_contains "$out" "(1 of 5 nodes)" "inspect --op"
expect_contains "$out" "out logits  float[N,10]" "inspect --op shows the node's values"
out=$("$ONNXLINT" inspect models/example_cnn.onnx --name 'features\.[01]/')
expect_contains "$out" "(2 of 5 nodes)" "inspect --name"

# run: the backend-test layout in, a summary or output_K.pb files out.
suite=/usr/share/libonnx-testdata/data/node/test_add_bcast
if [ -d "$suite" ]; then
    out=$("$ONNXLINT" run "$suite/model.onnx" --inputs "$suite/test_data_set_0"); expect_eq $? 0 "run exit"
    expect_contains "$out" "sum  float (3,4,5): min" "run summary"
    tmp=$(mktemp -d)
    "$ONNXLINT" run "$suite/model.onnx" --inputs "$suite/test_data_set_0" --outputs "$tmp" >/dev/null
    expect_eq $? 0 "run --outputs exit"
    [ -s "$tmp/output_0.pb" ] && ok || bad "run --outputs wrote nothing"
    # Its own output file read back as an input: a .pb written by run is a valid TensorProto.
    "$ONNXLINT" run "$suite/model.onnx" --input "x=$tmp/output_0.pb" --input "y=$suite/test_data_set_0/input_1.pb" \
        >/dev/null 2>&1
    case $? in 0|1) ok ;; *) bad "run with --input NAME=FILE" ;; esac
    rm -rf "$tmp"
    err=$("$ONNXLINT" run "$suite/model.onnx" 2>&1); expect_eq $? 2 "run without inputs"
    expect_contains "$err" "no value for graph input" "run names the missing input"
fi
err=$("$ONNXLINT" run models/example_cnn.onnx --input x 2>&1); expect_eq $? 2 "--input without ="

# dot: the graph with the loss path and the findings.
out=$("$ONNXLINT" dot models/seed_class_count.onnx); expect_eq $? 0 "dot exit"
expect_contains "$out" "digraph onnxlint {" "dot output"
expect_contains "$out" 'label="Mul\n/Mul_1\nclass-count", color="#c62828"' "finding nodes in red with the rule"
expect_contains "$out" '[label="float[N,5]"]' "edges labelled with dtype and shape"
near=$("$ONNXLINT" dot models/seed_class_count.onnx --around /Sigmoid --depth 1 | grep -c '^  "n[0-9]*" \[')
expect_eq "$near" 4 "--around /Sigmoid --depth 1 keeps Sigmoid, its producer and its two consumers"
err=$("$ONNXLINT" dot models/seed_class_count.onnx --around nowhere 2>&1); expect_eq $? 2 "--around an unknown node"
if command -v dot >/dev/null; then
    tmp=$(mktemp -d)
    "$ONNXLINT" dot models/seed_class_count.onnx --format svg -o "$tmp/g.svg"; expect_eq $? 0 "dot --format svg"
    grep -q "<svg" "$tmp/g.svg" && ok || bad "no SVG written"
    rm -rf "$tmp"
fi
finish
