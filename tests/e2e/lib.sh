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

# An int64 .npy vector (NumPy format 1.0) from its values: npy FILE V...
npy() {
    local file=$1; shift
    local dict="{'descr': '<i8', 'fortran_order': False, 'shape': ($#,), }"
    local len=$(( ${#dict} + 1 ))
    local pad=$(( (64 - (10 + len) % 64) % 64 ))
    { printf '\x93NUMPY\x01\x00'; printf "\\x$(printf %02x $(( (len + pad) % 256 )))\\x$(printf %02x $(( (len + pad) / 256 )))"
      printf '%s' "$dict"; printf "%${pad}s\n" ''
      for v in "$@"; do
          local i; for i in 0 1 2 3 4 5 6 7; do printf "\\x$(printf %02x $(( (v >> (8 * i)) & 255 )))"; done
      done; } > "$file"
}
