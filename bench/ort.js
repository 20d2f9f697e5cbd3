// bench/ort.js MODEL INPUT_NAME DIMS DTYPE [RUNS] - ONNX Runtime (the
// onnxruntime-node package in .tools/, CPU, one thread) on one input of
// seeded random values: prints (on stderr) the seconds of creating the session and of
// the first forward pass, then the median of RUNS more forward passes.
// bench/run.sh times the whole process around it.
const path = require('path');
const ort = require(path.join(__dirname, '..', '.tools', 'node_modules', 'onnxruntime-node'));

async function main() {
    const [model, name, dimsText, dtype, runsText] = process.argv.slice(2);
    const dims = dimsText.split(',').map(Number);
    const runs = Number(runsText || 5);
    const count = dims.reduce((a, b) => a * b, 1);
    let seed = 1;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const data = dtype === 'int64' ? BigInt64Array.from({length: count}, () => BigInt(Math.floor(next() * 1000)))
                                   : Float32Array.from({length: count}, () => next() * 2 - 1);
    const t0 = process.hrtime.bigint();
    const session = await ort.InferenceSession.create(model, {
        executionProviders: ['cpu'], intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential'});
    const t1 = process.hrtime.bigint();
    const feeds = {[name]: new ort.Tensor(dtype, data, dims)};
    await session.run(feeds);
    const t2 = process.hrtime.bigint();
    const times = [];
    for (let i = 0; i < runs; i++) {
        const a = process.hrtime.bigint();
        await session.run(feeds);
        times.push(Number(process.hrtime.bigint() - a) / 1e9);
    }
    times.sort((a, b) => a - b);
    console.error(`session ${(Number(t1 - t0) / 1e9).toFixed(4)} first ${(Number(t2 - t1) / 1e9).toFixed(4)} ` +
                `forward ${times[Math.floor(times.length / 2)].toFixed(4)}`);
}
main().catch((e) => { console.error(e.message); process.exit(1); });
