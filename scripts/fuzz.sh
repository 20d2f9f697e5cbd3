#!/usr/bin/env bash
# scripts/fuzz.sh [SECONDS] - build the libFuzzer target with ASan+UBSan and
# fuzz load -> infer -> check -> report for SECONDS (default 600) on every
# core (FUZZ_JOBS=N to use N), seeded from models/, the malformed suite and ONNX's backend suite.
# Findings land in fuzz-out/ (crash-*, leak-*, timeout-*): turn each into a
# regression case under tests/malformed/.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-600}
cmake -S . -B build-fuzz -DCMAKE_C_COMPILER=clang -DONNXLINT_FUZZ=ON -DONNXLINT_SANITIZE=ON \
    -DONNXLINT_TESTS=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build-fuzz -j "$(nproc)" --target fuzz_check
mkdir -p fuzz-out/corpus fuzz-out/seeds
find models tests/malformed/cases -name '*.onnx' -size -1M -exec cp -t fuzz-out/seeds {} + 2>/dev/null || true
if [ -d /usr/share/libonnx-testdata/data ]; then
    i=0
    while IFS= read -r m; do
        cp "$m" "fuzz-out/seeds/suite_$i.onnx"
        i=$((i + 1))
    done < <(find /usr/share/libonnx-testdata/data -name model.onnx -size -64k)
fi
jobs=${FUZZ_JOBS:-$(nproc)}
parallel=()
[ "$jobs" -gt 1 ] && parallel=(-jobs="$jobs" -workers="$jobs")
cd fuzz-out # libFuzzer writes its fuzz-N.log files here
../build-fuzz/fuzz/fuzz_check corpus seeds -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 \
    -max_len=1048576 -artifact_prefix=./ -print_final_stats=1 "${parallel[@]}"
