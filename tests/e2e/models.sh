# Every committed model inspects cleanly in text and JSON; the bundled
# example's reports match their golden files byte for byte.
set -u
. "$(dirname "$0")/lib.sh"
cd "$SRC"
count=0
while IFS= read -r model; do
    count=$((count + 1))
    err=$("$ONNXLINT" inspect "$model" 2>&1 >/dev/null); rc=$?
    expect_eq "$rc:$err" "0:" "inspect $model"
    "$ONNXLINT" inspect --format json "$model" | "$JSON_CHECK" model ir_version opsets inputs outputs initializers operators
    expect_eq $? 0 "inspect --format json $model"
done < <(find models -name '*.onnx' -not -path 'models/graph/*' | sort)
[ "$count" -ge 25 ] && ok || bad "expected at least 25 models, found $count"

for fmt in text json; do
    ext=$([ $fmt = text ] && echo txt || echo json)
    diff -u "tests/e2e/golden/example_cnn.$ext" <("$ONNXLINT" inspect --format $fmt models/example_cnn.onnx)
    expect_eq $? 0 "golden example_cnn.$ext"
done
out=$("$ONNXLINT" inspect models/external/ext_mlp.onnx)
expect_contains "$out" "4 external" "external data counted"
finish
