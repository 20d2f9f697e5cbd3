# The pre-commit hook (.pre-commit-hooks.yaml) passes a clean model and
# fails a buggy one, through Debian's pre-commit (skipped, 77, without it).
set -u
. "$(dirname "$0")/lib.sh"
command -v pre-commit >/dev/null || { echo "pre-commit not installed: skipped"; exit 77; }
git -C "$SRC" rev-parse HEAD >/dev/null 2>&1 || { echo "not a git checkout: skipped"; exit 77; }
repo=$(mktemp -d)
trap 'rm -rf "$repo"' EXIT
cd "$repo"
git init -q
cp "$SRC/models/seed_clean_ce.onnx" ok.onnx
cp "$SRC/models/seed_class_count.onnx" bug.onnx
git add .
export PATH="$(dirname "$ONNXLINT"):$PATH" PRE_COMMIT_HOME="$repo/.cache"
out=$(pre-commit try-repo "$SRC" onnxlint --files ok.onnx 2>&1); expect_eq $? 0 "hook passes a clean model"
out=$(pre-commit try-repo "$SRC" onnxlint --files bug.onnx 2>&1); expect_eq $? 1 "hook fails a buggy model"
expect_contains "$out" "error[class-count]" "hook shows the finding"
finish
