#!/usr/bin/env bash
# Runs the onnxlint binary under valgrind: any memory error or leak turns
# into exit 99, which no test expects.  Used as ONNXLINT by the *_valgrind
# end-to-end tests (children too: check and run may start themselves again
# with OpenBLAS kernels chosen, see set_up_blas in src/cli/main.c; not the
# shell and Graphviz that dot starts).
exec valgrind -q --trace-children=yes --trace-children-skip='*/sh,*/bash,*/dash,*/dot' --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=99 "$ONNXLINT_BINARY" "$@"
