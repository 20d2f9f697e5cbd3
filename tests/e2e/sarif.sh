# SARIF output passes Microsoft's SARIF validator (sarif-multitool, from
# npm; scripts/dev.sh installs it into .tools/).  Skipped (77) without it.
set -u
. "$(dirname "$0")/lib.sh"
tool="$SRC/.tools/node_modules/.bin/sarif-multitool"
if [ ! -x "$tool" ]; then
    echo "sarif-multitool is not installed (scripts/dev.sh test installs it): skipped"
    exit 77
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
