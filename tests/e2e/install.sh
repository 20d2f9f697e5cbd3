# cmake --install into a prefix yields the binary, the libraries (static and shared), the header,
# onnxlint.pc, the man page and the bash completion; the README's C example
# builds against the installed pkg-config file and runs.
set -u
. "$(dirname "$0")/lib.sh"
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
cmake --install "$BUILD" --prefix "$prefix" >/dev/null; expect_eq $? 0 "cmake --install"
for f in bin/onnxlint include/onnxlint/onnxlint.h share/man/man1/onnxlint.1 share/bash-completion/completions/onnxlint; do
    [ -f "$prefix/$f" ] && ok || bad "installed $f missing"
done
lib=$(find "$prefix" -name 'libonnxlint.a' | head -n 1)
[ -n "$lib" ] && ok || bad "installed libonnxlint.a missing"
so=$(find "$prefix" -name 'libonnxlint.so' | head -n 1)
[ -n "$so" ] && ok || bad "installed libonnxlint.so missing"
pc=$(find "$prefix" -name onnxlint.pc | head -n 1)
[ -n "$pc" ] && ok || bad "installed onnxlint.pc missing"
export PKG_CONFIG_PATH=$(dirname "$pc")
# shellcheck disable=SC2046
"${CC:-cc}" ${EXAMPLE_FLAGS:-} "$SRC/examples/check_model.c" $(pkg-config --cflags --libs onnxlint) -o "$prefix/check_model"
expect_eq $? 0 "the C example builds against the installed pkg-config file"
# -lonnxlint picks the shared library: run it from the prefix (ldconfig's job under /usr/local).
out=$(LD_LIBRARY_PATH="$(dirname "$lib")" "$prefix/check_model" "$SRC/models/infer_classifier.onnx"); expect_eq $? 0 "the C example runs"
expect_contains "$out" "loss cross_entropy" "the C example's report"
if command -v groff >/dev/null; then
    warnings=$(groff -man -Tutf8 -ww -z "$prefix/share/man/man1/onnxlint.1" 2>&1)
    expect_eq "$warnings" "" "the man page formats without warnings"
fi
bash -n "$prefix/share/bash-completion/completions/onnxlint"; expect_eq $? 0 "the completion script parses"
finish
