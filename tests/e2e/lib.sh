# Shared helpers of the end-to-end scripts: counters and assertions that
# print what failed and keep going, then a summary line and exit status.
passed=0
failed=0
ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); echo "FAIL: $*" >&2; }
expect_eq() { if [ "$1" = "$2" ]; then ok; else bad "$3: expected '$2', got '$1'"; fi; }
expect_contains() { case "$1" in *"$2"*) ok ;; *) bad "$3: output does not contain '$2': $(printf '%s' "$1" | head -c 400)" ;; esac; }
expect_not_contains() { case "$1" in *"$2"*) bad "$3: output contains '$2': $(printf '%s' "$1" | head -c 400)" ;; *) ok ;; esac; }
finish() {
    echo "$passed passed, $failed failed"
    [ "$failed" -eq 0 ]
}
