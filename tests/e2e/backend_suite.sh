# ONNX's backend test suite (Debian libonnx-testdata): every model.onnx
# loads and inspects, in text and in JSON, with no diagnostic at all.
set -u
. "$(dirname "$0")/lib.sh"
data=/usr/share/libonnx-testdata/data
if [ ! -d "$data" ]; then
    echo "FAIL: $data is missing: install libonnx-testdata (scripts/dev.sh does)" >&2
    exit 1
fi
count=0
while IFS= read -r model; do
    count=$((count + 1))
    err=$("$ONNXLINT" inspect "$model" 2>&1 >/dev/null); rc=$?
    expect_eq "$rc:$err" "0:" "inspect $model"
    "$ONNXLINT" inspect --format json "$model" 2>/dev/null | "$JSON_CHECK" model inputs outputs operators
    expect_eq $? 0 "inspect --format json $model"
done < <(find "$data" -name model.onnx | sort)
echo "backend suite: $count models"
[ "$count" -eq 1072 ] && ok || bad "expected 1072 backend models, found $count"
finish
