#!/usr/bin/env bash
# bench/run.sh [RUNS] - time onnxlint against ONNX's Python tooling on the
# benchmark models (bench/generate.py makes them; this script runs it when
# bench/out/ is missing, which needs Debian's python3-torch and python3-onnx).
#
# For each model: reading the file (cat, the floor), every onnxlint command
# and format, and onnx.load + infer_shapes, each as a whole process: the
# median wall time of RUNS runs (default 5; three times as many for
# onnxlint on the two chains, whose ratio is the doubling) and the peak
# RSS, both taken by bench/timeit.c (fork to wait, and wait4's rusage).
# The runs go round robin (every command once, then again; the two chains
# in the same rounds), so that a shared machine's drift falls on all of
# them alike.
# Then the confirmation of a BERT-base-sized eval graph, and `onnxlint run` against ONNX Runtime (the onnxruntime-node npm
# package, installed into .tools/ when npm is there; CPU, one thread) on
# ResNet-50 and the decoder at batch 1: whole process, and the forward pass
# alone (onnxlint: `run --timing`, which includes reading the weights; ONNX
# Runtime: the median of repeated session.run calls after the first).
# Not a test: nothing here asserts a time.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
bin=build/onnxlint
py=/usr/bin/python3
[ -x "$bin" ] || cmake -B build -DCMAKE_BUILD_TYPE=Release >/dev/null && cmake --build build -j "$(nproc)" >/dev/null
cmake --build build --target bench-timeit >/dev/null
timer=build/bench-timeit
[ -f bench/out/bert_base_eval.onnx ] || "$py" bench/generate.py >/dev/null
ort=.tools/node_modules/onnxruntime-node
if [ ! -d "$ort" ] && command -v npm >/dev/null; then
    # Its install script fetches CUDA libraries unless told not to; the CPU build is in the package.
    ONNXRUNTIME_NODE_INSTALL_CUDA=skip npm install --prefix .tools --no-audit --no-fund --loglevel=error \
        onnxruntime-node@1 >/dev/null 2>&1 || echo "bench: could not install onnxruntime-node" >&2
fi
has_onnx=0
"$py" -c "import onnx" 2>/dev/null && has_onnx=1

# measure CMD... -> "median_seconds peak_kb median_cpu_seconds" (the peak
# over the runs; CPU = user + system, what the process itself cost, which a
# loaded machine does not inflate the way it inflates wall time): for the
# timings outside the per-model tables
measure() {
    local times=() cpus=() peak=0 t kb cpu
    for _ in $(seq "$runs"); do
        read -r t kb cpu <<<"$("$timer" "$@")"
        times+=("$t")
        cpus+=("$cpu")
        [ "$kb" -gt "$peak" ] && peak=$kb
    done
    printf '%s %s %s\n' "$(median <<<"${times[*]}")" "$peak" "$(median <<<"${cpus[*]}")"
}

row() { # label "median peak cpu" [baseline "median peak cpu"]
    local label=$1 m=$2 base=${3:-}
    read -r t kb cpu <<<"$m"
    if [ -n "$base" ]; then
        read -r bt bkb bcpu <<<"$base"
        awk -v l="$label" -v t="$t" -v kb="$kb" -v c="$cpu" -v bt="$bt" -v bkb="$bkb" -v bc="$bcpu" 'BEGIN {
            printf "  %-36s %8.4f s %6.2f cpu %8.1f MB %7.1fx faster %7.1fx less memory\n", l, t, c, kb / 1024,
                   (t > 0 ? bt / t : 0), (kb > 0 ? bkb / kb : 0) }'
    else
        awk -v l="$label" -v t="$t" -v kb="$kb" -v c="$cpu" \
            'BEGIN { printf "  %-36s %8.4f s %6.2f cpu %8.1f MB\n", l, t, c, kb / 1024 }'
    fi
}

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo), $(uname -m), $(date -u +%Y-%m-%d)"
echo "runs per figure: $runs, $((3 * runs)) for onnxlint on the chains (median wall time, median CPU seconds (user+system), peak RSS)"
echo "load average at start: $(cut -d" " -f1-3 /proc/loadavg)"
# The commands timed on each model; onnx's first (the baseline).
commands=(onnx cat inspect "inspect --format json" shapes "shapes --format json" "check --no-confirm"
    "check --no-confirm --format json" "check --format sarif" check)

# invoke NAME PATH: one timed run of the command NAME stands for, printing
# "seconds peak_kb cpu_seconds"
invoke() {
    local name=$1 path=$2 words
    read -ra words <<<"$name" # a command and its options
    case $name in
    onnx) "$timer" "$py" -c "import onnx, sys; onnx.shape_inference.infer_shapes(onnx.load(sys.argv[1]))" "$path" ;;
    cat) "$timer" cat "$path" ;;
    check*) "$timer" "$bin" "${words[@]}" --fail-on never "$path" ;;
    *) "$timer" "$bin" "${words[@]}" "$path" ;;
    esac
}

# measure_models ROUNDS PATH...: ROUNDS rounds, each running every
# onnxlint command once on every model in turn (onnx and cat, the
# baselines, in the first RUNS of them), so that the machine's drift over
# the minutes of a run (on a shared host, 2x from one minute to the next,
# and more from one second to the next) falls on every command alike and
# the ratios compare like with like.  The two chains are measured
# together, a command on one right after it on the other, which one first
# alternating from round to round, for the doubling.  Sets
# result[MODEL NAME] = "median_seconds peak_kb median_cpu" and
# walls[MODEL NAME] = the rounds' times in order.
declare -A result walls
measure_models() {
    local rounds=$1 round path name key t kb cpu paths
    shift
    declare -A cpu_s=() peaks=()
    walls=()
    for round in $(seq "$rounds"); do
        paths=("$@")
        [ $((round % 2)) = 0 ] && [ $# = 2 ] && paths=("$2" "$1")
        for name in "${commands[@]}"; do
            [ "$round" -gt "$runs" ] && { [ "$name" = onnx ] || [ "$name" = cat ]; } && continue
            for path in "${paths[@]}"; do
                if [ "$name" = onnx ] && { [ "$has_onnx" = 0 ] || [ "${path##*/}" = big_external.onnx ]; }; then
                    continue
                fi
                key="${path##*/} $name"
                read -r t kb cpu <<<"$(invoke "$name" "$path")"
                walls[$key]+="$t "
                cpu_s[$key]+="$cpu "
                [ "$kb" -gt "${peaks[$key]:-0}" ] && peaks[$key]=$kb
            done
        done
    done
    result=()
    for key in "${!walls[@]}"; do
        result[$key]="$(median <<<"${walls[$key]}") ${peaks[$key]} $(median <<<"${cpu_s[$key]}")"
    done
}

# median: the median of the numbers on standard input (blank-separated)
median() {
    tr ' ' '\n' | grep . | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

declare -A seconds pair_ratio
for group in resnet50.onnx decoder.onnx decoder_ext.onnx "chain50k.onnx chain100k.onnx" big_external.onnx; do
    read -ra models <<<"$group"
    # The chains' onnxlint runs are short: three times the rounds, for a
    # doubling that the machine's noise moves less.
    rounds=$runs
    [ "${#models[@]}" = 2 ] && rounds=$((3 * runs))
    measure_models "$rounds" "${models[@]/#/bench/out/}"
    for model in "${models[@]}"; do
        path=bench/out/$model
        echo
        echo "$model ($(du -sh --apparent-size "$path" | cut -f1) graph file$(
            [ -f "${path%.onnx}.data" ] && echo ", $(du -sh --apparent-size "${path%.onnx}.data" | cut -f1) external data"))"
        base=${result["$model onnx"]:-}
        [ -n "$base" ] && row "onnx.load + infer_shapes" "$base"
        row "cat (read the file)" "${result["$model cat"]}"
        for cmd in "${commands[@]:2}"; do
            row "onnxlint $cmd" "${result["$model $cmd"]}" "$base"
            seconds["$model $cmd"]=${result["$model $cmd"]%% *}
        done
    done
    # The doubling, round by round: each chain100k run over the chain50k
    # run of the same round; the median of those ratios.
    for cmd in "${commands[@]:2}"; do
        [ -n "${walls["chain100k.onnx $cmd"]:-}" ] || continue
        pair_ratio[$cmd]=$(paste -d' ' <(tr ' ' '\n' <<<"${walls["chain50k.onnx $cmd"]}" | grep .) \
            <(tr ' ' '\n' <<<"${walls["chain100k.onnx $cmd"]}" | grep .) |
            awk '{ printf "%s ", ($1 > 0 ? $2 / $1 : 0) }' | median)
    done
done

echo
echo "doubling the chain (chain100k / chain50k: the medians, and the median of each round's pair of runs)"
for cmd in inspect "inspect --format json" shapes "shapes --format json" "check --no-confirm" \
    "check --no-confirm --format json" "check --format sarif" check; do
    awk -v l="onnxlint $cmd" -v a="${seconds["chain50k.onnx $cmd"]}" -v b="${seconds["chain100k.onnx $cmd"]}" \
        -v p="${pair_ratio[$cmd]}" \
        'BEGIN { printf "  %-36s %8.4f s -> %8.4f s   %5.2fx the time   %5.2fx by pairs\n", l, a, b, (a > 0 ? b / a : 0), p }'
done

echo
echo "confirmation at model scale: check (with its run on sample data)"
for model in bert_base_eval.onnx bert_large_eval.onnx; do
    row "onnxlint check $model" "$(measure "$bin" check --fail-on never "bench/out/$model")"
    "$bin" check --fail-on never "bench/out/$model" | head -n 1 | sed 's/^/    /' | cut -c1-150
done

# median_of CMD... -> the median of the number the command prints last on stderr's last line
median_of() {
    local values=()
    for _ in $(seq "$runs"); do
        values+=("$("$@" 2>&1 >/dev/null | tail -n 1 | awk '{ print $NF == "s" ? $(NF - 1) : $NF }')")
    done
    median <<<"${values[*]}"
}

echo
echo "onnxlint run vs ONNX Runtime (onnxruntime-node, CPU, 1 thread), batch 1"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$py" -c "import numpy as np; np.save('$tmp/x.npy', np.random.default_rng(0).standard_normal((1, 3, 224, 224)).astype(np.float32)); np.save('$tmp/ids.npy', np.random.default_rng(0).integers(0, 32000, (1, 16)))"
for spec in "resnet50.onnx x $tmp/x.npy 1,3,224,224 float32" "decoder.onnx ids $tmp/ids.npy 1,16 int64"; do
    read -r model name npy dims dtype <<<"$spec"
    echo "  $model"
    ours=$(measure "$bin" run "bench/out/$model" --input "$name=$npy")
    row "  onnxlint run (process)" "$ours"
    fwd=$(median_of "$bin" run --timing "bench/out/$model" --input "$name=$npy")
    printf '  %-36s %8.4f s   (reading the weights included)\n' "  onnxlint forward pass" "$fwd"
    if [ -d "$ort" ]; then
        theirs=$(measure node bench/ort.js "bench/out/$model" "$name" "$dims" "$dtype" 1)
        row "  onnxruntime-node (process)" "$theirs"
        fwd=$(median_of node bench/ort.js "bench/out/$model" "$name" "$dims" "$dtype" 5)
        printf '  %-36s %8.4f s   (median of 5 runs after the first)\n' "  onnxruntime forward pass" "$fwd"
        awk -v a="${ours%% *}" -v b="${theirs%% *}" 'BEGIN { printf "  %-36s %8.2fx\n", "  process: onnxruntime / onnxlint", (a > 0 ? b / a : 0) }'
    fi
done
