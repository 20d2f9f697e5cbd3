#!/usr/bin/env bash
# scripts/ci-check.sh - the steps every CI recipe of this repository runs,
# in this order (action.yml, ci/onnxlint.gitlab-ci.yml, and a CTest that runs
# them against the working tree, so a recipe cannot rot unnoticed):
#
#   bash scripts/ci-check.sh deps               install the Debian packages the build needs
#   bash scripts/ci-check.sh install [PREFIX]   build this checkout and install it (default /usr/local)
#   bash scripts/ci-check.sh check [ARGS...]    run 'onnxlint check ARGS' in the current folder
#
# check prints the text report and exits as onnxlint does (0 clean, 1
# findings at or above --fail-on, 2 errors); with ONNXLINT_SARIF=FILE or
# ONNXLINT_JSON=FILE it also writes those reports.  ONNXLINT names the
# binary (default: onnxlint on PATH).
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)

# What building and installing needs on Debian 12 (and Ubuntu 22.04+).
packages=(
    build-essential cmake pkg-config git ca-certificates
    protobuf-c-compiler libprotobuf-c-dev libjansson-dev libopenblas-dev libyaml-dev
)

step=${1:-}
[ $# -gt 0 ] && shift
case "$step" in
deps)
    missing=()
    for p in "${packages[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && exit 0
    sudo=()
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null || { echo "ci-check.sh: missing packages ${missing[*]}, and no sudo" >&2; exit 2; }
        sudo=(sudo)
    fi
    "${sudo[@]}" apt-get update
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
    ;;
install)
    prefix=${1:-/usr/local}
    build=${ONNXLINT_BUILD_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/onnxlint-build-XXXX")}
    cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=Release -DONNXLINT_TESTS=OFF -DCMAKE_INSTALL_PREFIX="$prefix"
    cmake --build "$build" -j "$(nproc)"
    cmake --install "$build"
    "$prefix/bin/onnxlint" --version
    ;;
check)
    tool=${ONNXLINT:-onnxlint}
    rc=0
    "$tool" check "$@" || rc=$?
    if [ "$rc" -le 1 ] && [ -n "${ONNXLINT_SARIF:-}" ]; then
        "$tool" check "$@" --format sarif --fail-on never > "$ONNXLINT_SARIF"
    fi
    if [ "$rc" -le 1 ] && [ -n "${ONNXLINT_JSON:-}" ]; then
        "$tool" check "$@" --format json --fail-on never > "$ONNXLINT_JSON"
    fi
    exit "$rc"
    ;;
*)
    echo "usage: bash scripts/ci-check.sh deps | install [PREFIX] | check [ARGS...]" >&2
    exit 2
    ;;
esac
