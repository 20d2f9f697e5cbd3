# Confirmation at the size of real models: parameters as graph inputs (the
# form of eval artifacts) are drawn and run, not refused by a count; runs are
# priced in memory and in the time their sample data takes to draw.
set -u
. "$(dirname "$0")/lib.sh"
cd "$SRC"
# 17 M parameter elements (over the 16,777,216 once accepted): confirmed,
# with the value the one-thread draw gives (the draws are split between
# threads and must not change it).
out=$(timeout 60 "$ONNXLINT" check --format json models/eval/params_as_inputs.onnx); expect_eq $? 0 "check params_as_inputs"
expect_contains "$out" '"value": 3207.58251953125,' "parameters as inputs are confirmed, with the sequential draw's loss"
# A float16 input of 130 M elements would take seconds to draw: priced and skipped.
out=$(timeout 20 "$ONNXLINT" check tests/malformed/fuzz/huge_sample_inputs.onnx); expect_eq $? 1 "check huge_sample_inputs"
expect_contains "$out" "not run: drawing its sample inputs would take about 9 s" "the draw time is the note"
finish
