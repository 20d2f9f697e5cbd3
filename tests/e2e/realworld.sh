# Real models other people made (the real-world corpus beside this
# repository: models/, EXPECTED.tsv with ONNX Runtime's verdict on each):
# no error finding and no refusal on a model ONNX Runtime accepts, an error
# or a refusal on one it rejects, a refusal when the external data is
# missing, no crash anywhere. Then `run` against ONNX Runtime on the same
# seeded inputs (tests/realworld/ort_compare.js).
set -u
. "$(dirname "$0")/lib.sh"
corpus=${REALWORLD:?}
[ -f "$corpus/EXPECTED.tsv" ] || { bad "$corpus/EXPECTED.tsv is missing"; finish; exit; }
valid=0 valid_ok=0 invalid=0 invalid_ok=0
while IFS=$'\037' read -r file _repo _license _producer expect _why; do
    [ "$file" = file ] && continue
    model="$corpus/models/$file"
    json=$("$ONNXLINT" check --no-confirm --fail-on never --format json "$model" 2>/dev/null)
    code=$?
    if [ "$code" -gt 2 ]; then
        bad "$file: exit $code (a crash?)"
        continue
    fi
    errors=0
    if [ "$code" -ne 2 ]; then
        findings=$(printf '%s' "$json" | "$JSON_CHECK" --findings) || { bad "$file: invalid JSON"; continue; }
        errors=$(printf '%s\n' "$findings" | grep -c ' error$')
    fi
    case "$expect" in
    valid)
        valid=$((valid + 1))
        if [ "$code" -ne 2 ] && [ "$errors" -eq 0 ]; then valid_ok=$((valid_ok + 1)); ok
        else bad "$file: ONNX Runtime accepts it, onnxlint: exit $code, $errors error(s): $(printf '%s\n' "$findings" | grep ' error$' | head -3 | tr '\n' ' ')"; fi ;;
    invalid)
        invalid=$((invalid + 1))
        if [ "$code" -eq 2 ] || [ "$errors" -gt 0 ]; then invalid_ok=$((invalid_ok + 1)); ok
        else bad "$file: ONNX Runtime rejects it, onnxlint reports no error"; fi ;;
    missing-data)
        expect_eq "$code" 2 "$file: missing external data is refused" ;;
    esac
done < <(tr '\t' '\037' < "$corpus/EXPECTED.tsv")
echo "realworld: valid $valid_ok/$valid without error, invalid $invalid_ok/$invalid caught"
[ "$valid" -ge 80 ] && ok || bad "expected at least 80 valid models, read $valid"

ort=${ORT_NODE:-$SRC/.tools/node_modules/onnxruntime-node}
if [ ! -d "$ort" ] || ! command -v node >/dev/null 2>&1; then
    bad "onnxruntime-node is not installed in $ort (bash scripts/dev.sh test installs it)"
else
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
    out=$(ORT_NODE=$ort node "$SRC/tests/realworld/ort_compare.js" "$ONNXLINT" "$corpus" "$work" \
        "$SRC/tests/realworld/ORT_KNOWN.tsv" 2>/dev/null)
    code=$?
    printf '%s\n' "$out" | grep -v '^skipped'
    expect_eq "$code" 0 "onnxlint run agrees with ONNX Runtime"
    agree=$(printf '%s\n' "$out" | sed -n 's/^ort-compare: .* run by both, \([0-9]*\) agree.*/\1/p')
    [ "${agree:-0}" -ge 45 ] && ok || bad "expected at least 45 models to agree with ONNX Runtime, got ${agree:-none}"
fi
finish
