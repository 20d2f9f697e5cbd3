# SARIF output passes Microsoft's SARIF validator (sarif-multitool, from
# npm; scripts/dev.sh installs it into .tools/).  Without it the test fails:
# a check that skips itself on the machines users have proves nothing.
set -u
. "$(dirname "$0")/lib.sh"
tool="$SRC/.tools/node_modules/.bin/sarif-multitool"
if [ ! -x "$tool" ]; then
    echo "FAIL: sarif-multitool is not installed at $tool (bash scripts/dev.sh test installs it)"
    exit 1
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cd "$SRC"
# Relative and absolute paths, several models, every kind of finding.
"$ONNXLINT" check --format sarif --fail-on never models "$SRC/models/seed_class_count.onnx" \
    tests/malformed/cases/dangling_input.onnx > "$out/all.sarif" 2>/dev/null
"$JSON_CHECK" version runs < "$out/all.sarif"; expect_eq $? 0 "sarif is JSON"
report=$("$tool" validate "$out/all.sarif" 2>&1); rc=$?
expect_eq $rc 0 "sarif-multitool exit"
if printf '%s\n' "$report" | grep -E ": (error|warning) SARIF" >/dev/null; then
    bad "sarif-multitool reports: $(printf '%s\n' "$report" | grep -E ': (error|warning) SARIF' | head -3)"
else
    ok
fi
finish
