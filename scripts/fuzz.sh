#!/usr/bin/env bash
# scripts/fuzz.sh [SECONDS] [TARGET] - build a libFuzzer target with ASan+UBSan
# and fuzz it for SECONDS (default 600) on every core (FUZZ_JOBS=N to use N).
#
#   check   (default) a model through load -> infer -> check -> every report,
#           seeded from models/, the malformed suite, ONNX's backend suite and
#           the real-world corpus beside the repository when it is there;
#           findings land in fuzz-out/
#   inputs  the other files onnxlint reads: .onnxlint.yaml, baselines, and
#           run's .pb / .npy tensors, seeded from fuzz/seeds_inputs and the
#           backend suite's input_K.pb; findings land in fuzz-out/inputs/
#
# FUZZ_TIMEOUT=S: seconds one input may take (default 10; raise it on a busy
# machine, where a niced fuzzer is starved into false timeouts).
# Findings are crash-*, leak-*, timeout-*: turn each into a regression case
# under tests/malformed/.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-600}
target=${2:-check}
cmake -S . -B build-fuzz -DCMAKE_C_COMPILER=clang -DONNXLINT_FUZZ=ON -DONNXLINT_SANITIZE=ON \
    -DONNXLINT_TESTS=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build-fuzz -j "$(nproc)" --target "fuzz_$target"
suite=/usr/share/libonnx-testdata/data
case "$target" in
check)
    out=fuzz-out
    mkdir -p $out/corpus $out/seeds
    find models tests/malformed/cases -name '*.onnx' -size -1024k -exec cp -t $out/seeds {} + 2>/dev/null || true
    # Real models of other people, when their corpus sits beside the repository.
    if [ -d ../shared/realworld ]; then
        i=0
        while IFS= read -r m; do
            cp "$m" "$out/seeds/real_$i.onnx"
            i=$((i + 1))
        done < <(find ../shared/realworld -name '*.onnx' -size -1024k)
    fi
    if [ -d $suite ]; then
        i=0
        while IFS= read -r m; do
            cp "$m" "$out/seeds/suite_$i.onnx"
            i=$((i + 1))
        done < <(find $suite -name model.onnx -size -64k)
    fi
    ;;
inputs)
    out=fuzz-out/inputs
    mkdir -p $out/corpus $out/seeds
    cp fuzz/seeds_inputs/* $out/seeds/
    if [ -d $suite ]; then # the first byte picks the kind: 2 is a .pb tensor
        i=0
        while IFS= read -r t; do
            { printf '\002'; cat "$t"; } > "$out/seeds/suite_$i.bin"
            i=$((i + 1))
        done < <(find $suite -name 'input_*.pb' -size -16k | head -n 400)
    fi
    ;;
*)
    echo "fuzz.sh: unknown target '$target' (check or inputs)" >&2
    exit 2
    ;;
esac
jobs=${FUZZ_JOBS:-$(nproc)}
parallel=()
[ "$jobs" -gt 1 ] && parallel=(-jobs="$jobs" -workers="$jobs")
bin=$PWD/build-fuzz/fuzz/fuzz_$target
cd $out # libFuzzer writes its fuzz-N.log files here
"$bin" corpus seeds -max_total_time="$seconds" -timeout="${FUZZ_TIMEOUT:-10}" -rss_limit_mb=4096 \
    -max_len=1048576 -artifact_prefix=./ -print_final_stats=1 "${parallel[@]}"
