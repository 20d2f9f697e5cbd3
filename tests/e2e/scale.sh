# Confirmation at the size of real models: parameters as graph inputs (the
# form of eval artifacts) are drawn and run, not refused by a count; runs are
# priced in memory and in the time their sample data takes to draw.
set -u
. "$(dirname "$0")/lib.sh"
cd "$SRC"
# 17 M parameter elements (over the 16,777,216 once accepted): confirmed,
# with the value the one-thread draw gives, 3207.5825 (the draws are split
# between threads and must not change it; other draws give other values far
# beyond the rounding differences of compilers and BLAS kernels).
out=$(timeout 60 "$ONNXLINT" check --format json models/eval/params_as_inputs.onnx); expect_eq $? 0 "check params_as_inputs"
value=$(printf '%s\n' "$out" | "$JSON_CHECK" --losses)
awk -v v="$value" 'BEGIN { d = v - 3207.5825; exit !(v != "null" && d < 0.01 && d > -0.01) }' && ok ||
    bad "parameters as inputs: loss $value, the sequential draw gives 3207.5825"
# A float16 input of 130 M elements would take seconds to draw: priced and skipped.
out=$(timeout 20 "$ONNXLINT" check tests/malformed/fuzz/huge_sample_inputs.onnx); expect_eq $? 1 "check huge_sample_inputs"
expect_contains "$out" "not run: drawing its sample inputs would take about 9 s" "the draw time is the note"
finish
