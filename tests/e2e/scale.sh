# Confirmation at the size of real models: parameters as graph inputs (the
# form of eval artifacts) are drawn and run, not refused by a count; runs are
# priced in memory and in the time their sample data takes to draw.
set -u
. "$(dirname "$0")/lib.sh"
cd "$SRC"
# 17 M parameter elements (over the 16,777,216 once accepted) fed as graph
# inputs, the form of an eval artifact: confirmed, with the parameters
# initialised as PyTorch initialises them, so the 10-class loss at init is
# near ln 10 (2.4987 with this seed; sample data in the weights gave 3207).
out=$(timeout 60 "$ONNXLINT" check --format json models/eval/params_as_inputs.onnx); expect_eq $? 0 "check params_as_inputs"
value=$(printf '%s\n' "$out" | "$JSON_CHECK" --losses)
awk -v v="$value" 'BEGIN { d = v - 2.4987; exit !(v != "null" && d < 0.001 && d > -0.001) }' && ok ||
    bad "parameters as inputs: loss $value, expected 2.4987 (near ln 10)"
# A float16 input of 130 M elements would take seconds to draw: priced and skipped.
out=$(timeout 20 "$ONNXLINT" check tests/malformed/fuzz/huge_sample_inputs.onnx); expect_eq $? 1 "check huge_sample_inputs"
expect_contains "$out" "not run: drawing its sample inputs would take about 9 s" "the draw time is the note"
finish
