#!/usr/bin/env bash
# scripts/dev.sh - set up a Debian 12 machine, build, and run.
#
#   bash scripts/dev.sh example   install, build, check a bundled model with a logits/labels bug
#   bash scripts/dev.sh test      install, build (release and ASan+UBSan), run every test
#
# Run as root on a fresh machine (it installs Debian packages with apt-get);
# as another user it skips the install when every package is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
    build-essential cmake pkg-config clang libclang-rt-14-dev valgrind strace graphviz pre-commit git
    ca-certificates python3
    protobuf-c-compiler libprotobuf-c-dev
    libjansson-dev libcmocka-dev libopenblas-dev libyaml-dev
    libonnx-testdata
)
# The test suite also runs the Python package (with Debian's python3 and torch).
test_packages=(python3-torch)

install_packages() { # install_packages [EXTRA...]
    local missing=()
    for p in "${packages[@]}" "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" -ne 0 ]; then
        echo "dev.sh: missing Debian packages: ${missing[*]} (run as root to install them)" >&2
        exit 2
    fi
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
}

# Microsoft's SARIF validator, for the SARIF test: an npm package with a
# self-contained binary, kept in .tools/ (ignored by git). Debian's npm is
# installed only when no npm is on PATH (it conflicts with other installs of
# node). Without the validator the SARIF test fails: it is never skipped.
install_tools() {
    local tool=.tools/node_modules/.bin/sarif-multitool
    [ -x "$tool" ] && return 0
    if ! command -v npm >/dev/null 2>&1; then
        if [ "$(id -u)" -ne 0 ]; then
            echo "dev.sh: npm not found (run as root to install Debian's npm): the SARIF test will fail" >&2
            return 0
        fi
        apt-get update
        DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends npm
    fi
    npm install --prefix .tools --no-audit --no-fund --loglevel=error @microsoft/sarif-multitool@5 ||
        { echo "dev.sh: could not install sarif-multitool: the SARIF test will fail" >&2; return 0; }
    chmod u+x .tools/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool 2>/dev/null || true
}

# ONNX Runtime's Node.js package, the runtime the real-world test compares
# `onnxlint run` with (CPU only: its install script, which fetches GPU
# libraries, is not run).
install_ort() {
    [ -d .tools/node_modules/onnxruntime-node ] && return 0
    npm install --prefix .tools --no-audit --no-fund --loglevel=error --ignore-scripts onnxruntime-node@1.30
}

build() { # build DIR [cmake options...]
    local dir=$1
    shift
    cmake -S . -B "$dir" -DONNXLINT_WERROR=ON "$@"
    cmake --build "$dir" -j "$(nproc)"
}

case "${1:-}" in
example)
    install_packages
    build build
    # A BCEWithLogits head with 5 outputs trained on one-hot labels of 4
    # classes: PyTorch's "Target size must be the same as input size".
    # check exits 1 because it finds the bug; anything else is a failure.
    rc=0
    ./build/onnxlint check models/seed_class_count.onnx || rc=$?
    [ "$rc" -eq 1 ] || { echo "dev.sh: expected check to find the bug (exit 1), got exit $rc" >&2; exit 1; }
    ;;
test)
    install_packages "${test_packages[@]}"
    install_tools
    install_ort
    build build
    (cd build && ctest --output-on-failure -j "$(nproc)")
    # The same suite under AddressSanitizer and UndefinedBehaviorSanitizer.
    build build-asan -DONNXLINT_SANITIZE=ON -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=Debug
    (cd build-asan && ctest --output-on-failure -j "$(nproc)")
    # gcc at -O3 (a Release build, what bench/run.sh makes) warns where -O2
    # does not: it builds too, warnings as errors.
    build build-release -DCMAKE_BUILD_TYPE=Release
    ;;
*)
    echo "usage: bash scripts/dev.sh example|test" >&2
    exit 2
    ;;
esac
