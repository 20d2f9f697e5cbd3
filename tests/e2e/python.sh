# The Python package from a fresh install: cmake --install into a temporary
# prefix, then Debian's python3 imports onnxlint from there and checks a
# buggy and a clean model, and a torch module through check_torch.
set -u
. "$(dirname "$0")/lib.sh"
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
cmake --install "$BUILD" --prefix "$prefix" >/dev/null; expect_eq $? 0 "cmake --install"
package=$(find "$prefix" -path '*/dist-packages/onnxlint/__init__.py' | head -n 1)
[ -n "$package" ] && ok || { bad "the onnxlint package is not installed under $prefix"; finish; exit 1; }
site=$(dirname "$(dirname "$package")")
expect_contains "$(/usr/bin/python3 -c 'import sys; print(sys.path)')" "/usr/${site#"$prefix"/}" \
    "Debian's python3 looks where the package goes under /usr"
# No compiled extension: the package is Python over libonnxlint.so.
expect_eq "$(find "$site/onnxlint" -name '*.so' | wc -l)" 0 "a pure-Python package"
out=$(cd / && SRC="$SRC" PREFIX="$prefix" PYTHONPATH="$site" /usr/bin/python3 "$SRC/tests/python/test_onnxlint.py" 2>&1)
expect_eq $? 0 "the Python tests pass ($out)"
finish
