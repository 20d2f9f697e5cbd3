// ort_compare.js - `onnxlint run` against ONNX Runtime on the real-world
// corpus: every model ONNX Runtime loads and runs on seeded sample inputs
// is run by both on the same inputs, and the outputs are compared.
//
//   node ort_compare.js ONNXLINT CORPUS WORKDIR [KNOWN]
//
// CORPUS holds models/ and EXPECTED.tsv; `valid` rows are tried. Symbolic
// dims are 2, floats uniform in [-1, 1), integers in [0, 3), booleans 0/1,
// from a fixed-seed generator. Floats agree within rtol 1e-4 and atol 1e-4
// (two float32 runtimes summing a deep network's convolutions in different
// orders differ by a few 1e-5 at its outputs), everything else exactly. A
// model onnxlint has no kernel for is counted apart. KNOWN (optional) lists "file<TAB>why" rows whose
// disagreement is understood (ONNX Runtime's, with the reason); they are
// reported, not failed. Exit 1 on any other disagreement or when onnxlint
// fails on a model ONNX Runtime runs.
'use strict';
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');

const [onnxlint, corpus, work, knownFile] = process.argv.slice(2);
const ortPath = process.env.ORT_NODE || path.join(__dirname, '..', '..', '.tools', 'node_modules', 'onnxruntime-node');
const ort = require(ortPath);

const known = new Map();
if (knownFile && fs.existsSync(knownFile)) {
    for (const line of fs.readFileSync(knownFile, 'utf8').split('\n')) {
        if (!line || line.startsWith('#')) continue;
        const [file, why] = line.split('\t');
        known.set(file, why || '');
    }
}

// Deterministic sample data: a 32-bit xorshift generator per model.
function rng(seed) {
    let s = seed >>> 0 || 1;
    return () => {
        s ^= s << 13; s >>>= 0;
        s ^= s >>> 17;
        s ^= s << 5; s >>>= 0;
        return s / 4294967296;
    };
}

const NPY = {
    float32: ['<f4', Float32Array], float64: ['<f8', Float64Array], int64: ['<i8', BigInt64Array],
    int32: ['<i4', Int32Array], int16: ['<i2', Int16Array], int8: ['|i1', Int8Array], uint8: ['|u1', Uint8Array],
    uint16: ['<u2', Uint16Array], uint32: ['<u4', Uint32Array], uint64: ['<u8', BigUint64Array], bool: ['|b1', Uint8Array],
};

function sample(type, dims, next) {
    const n = dims.reduce((a, b) => a * b, 1);
    const [, Ctor] = NPY[type];
    const data = new Ctor(n);
    for (let i = 0; i < n; i++) {
        const r = next();
        if (type === 'float32' || type === 'float64') data[i] = r * 2 - 1;
        else if (type === 'bool') data[i] = r < 0.5 ? 0 : 1;
        else if (type === 'int64' || type === 'uint64') data[i] = BigInt(Math.floor(r * 3));
        else data[i] = Math.floor(r * 3);
    }
    return data;
}

function writeNpy(file, type, dims, data) {
    const shape = dims.length === 1 ? `(${dims[0]},)` : `(${dims.join(', ')})`;
    let header = `{'descr': '${NPY[type][0]}', 'fortran_order': False, 'shape': ${shape}, }`;
    const pad = 64 - ((10 + header.length + 1) % 64);
    header += ' '.repeat(pad % 64) + '\n';
    const pre = Buffer.alloc(10);
    Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]).copy(pre);
    pre.writeUInt16LE(header.length, 8);
    fs.writeFileSync(file, Buffer.concat([pre, Buffer.from(header, 'latin1'),
        Buffer.from(data.buffer, data.byteOffset, data.byteLength)]));
}

// A TensorProto (onnx.proto): dims, data_type, and the values in whichever
// field holds them.
function readTensor(buf) {
    let pos = 0;
    const varint = () => {
        let r = 0n, shift = 0n;
        for (;;) {
            const b = buf[pos++];
            r |= BigInt(b & 0x7f) << shift;
            if (!(b & 0x80)) return r;
            shift += 7n;
        }
    };
    const t = { dims: [], type: 0, raw: null, floats: [], ints: [], doubles: [] };
    while (pos < buf.length) {
        const key = Number(varint());
        const field = key >>> 3, wire = key & 7;
        if (wire === 0) {
            const v = varint();
            if (field === 1) t.dims.push(Number(BigInt.asIntN(64, v)));
            else if (field === 2) t.type = Number(v);
            else if (field === 5 || field === 7 || field === 11) t.ints.push(BigInt.asIntN(64, v));
        } else if (wire === 2) {
            const len = Number(varint());
            const body = buf.subarray(pos, pos + len);
            pos += len;
            const packed = (fn) => { const save = [buf, pos]; buf = body; pos = 0; while (pos < buf.length) fn(); [buf, pos] = save; };
            if (field === 1) packed(() => t.dims.push(Number(BigInt.asIntN(64, varint()))));
            else if (field === 9) t.raw = body;
            else if (field === 4) for (let i = 0; i + 4 <= len; i += 4) t.floats.push(body.readFloatLE(i));
            else if (field === 10) for (let i = 0; i + 8 <= len; i += 8) t.doubles.push(body.readDoubleLE(i));
            else if (field === 5 || field === 7 || field === 11) packed(() => t.ints.push(BigInt.asIntN(64, varint())));
        } else if (wire === 5) pos += 4;
        else if (wire === 1) pos += 8;
        else throw new Error('bad wire type');
    }
    return t;
}

// Values of a TensorProto as JS numbers (or null for strings).
function tensorValues(t) {
    const n = t.dims.reduce((a, b) => a * b, 1);
    const out = new Array(n);
    if (t.raw) {
        const b = t.raw;
        const width = { 1: 4, 2: 1, 3: 1, 4: 2, 5: 2, 6: 4, 7: 8, 9: 1, 10: 2, 11: 8, 12: 4, 13: 8, 16: 2 }[t.type];
        if (!width) return null;
        for (let i = 0; i < n; i++) {
            const o = i * width;
            switch (t.type) {
            case 1: out[i] = b.readFloatLE(o); break;
            case 2: case 9: out[i] = b.readUInt8(o); break;
            case 3: out[i] = b.readInt8(o); break;
            case 4: out[i] = b.readUInt16LE(o); break;
            case 5: out[i] = b.readInt16LE(o); break;
            case 6: out[i] = b.readInt32LE(o); break;
            case 7: out[i] = Number(b.readBigInt64LE(o)); break;
            case 11: out[i] = b.readDoubleLE(o); break;
            case 12: out[i] = b.readUInt32LE(o); break;
            case 13: out[i] = Number(b.readBigUInt64LE(o)); break;
            default: return null;
            }
        }
        return out;
    }
    const src = t.floats.length ? t.floats : t.doubles.length ? t.doubles : t.ints.map(Number);
    for (let i = 0; i < n; i++) out[i] = src[i];
    return out;
}

const ORT_TYPE = { float32: 1, uint8: 2, int8: 3, uint16: 4, int16: 5, int32: 6, int64: 7, bool: 9, float64: 11,
    uint32: 12, uint64: 13 };

function compare(ortOut, t) {
    const dims = Array.from(ortOut.dims, Number);
    if (dims.length !== t.dims.length || dims.some((d, i) => d !== t.dims[i]))
        return `shape (${t.dims}) where ONNX Runtime gives (${dims})`;
    if (ORT_TYPE[ortOut.type] !== t.type) return `element type ${t.type} where ONNX Runtime gives ${ortOut.type}`;
    const got = tensorValues(t);
    if (!got) return null; // not comparable here (strings, float16...)
    const want = Array.from(ortOut.data, Number);
    const exact = !(ortOut.type === 'float32' || ortOut.type === 'float64');
    let first = -1, bad = 0, worst = 0, scale = 0;
    for (let i = 0; i < want.length; i++) {
        const a = got[i], b = want[i];
        scale = Math.max(scale, Math.abs(b) || 0);
        if (a === b || (Number.isNaN(a) && Number.isNaN(b))) continue;
        worst = Math.max(worst, Math.abs(a - b));
        if (exact ? a !== b : !(Math.abs(a - b) <= 1e-4 + 1e-4 * Math.abs(b))) {
            if (first < 0) first = i;
            bad++;
        }
    }
    if (first < 0) return null;
    return `element ${first}: ${got[first]} where ONNX Runtime gives ${want[first]} (${bad} of ${want.length} ` +
        `elements differ, by at most ${worst.toPrecision(3)}; largest |value| ${scale.toPrecision(3)})`;
}

async function one(file, seed) {
    const model = path.join(corpus, 'models', file);
    let session;
    try {
        session = await ort.InferenceSession.create(model, { logSeverityLevel: 3, intraOpNumThreads: 1,
            interOpNumThreads: 1 });
    } catch (e) {
        return { status: 'ort-cannot-load' };
    }
    const next = rng(seed);
    const feeds = {}, args = ['run', model];
    const dir = fs.mkdtempSync(path.join(work, 'm'));
    const symbols = new Map();
    for (const m of session.inputMetadata) {
        if (!m.isTensor || !NPY[m.type]) return { status: 'not-sampled', why: `input ${m.name}: ${m.type}` };
        const dims = m.shape.map((d) => {
            if (typeof d === 'number' && d >= 0) return d;
            if (typeof d === 'string' && d) { if (!symbols.has(d)) symbols.set(d, 2); return symbols.get(d); }
            return 2;
        });
        const data = sample(m.type, dims, next);
        feeds[m.name] = new ort.Tensor(m.type, data, dims);
        const npy = path.join(dir, `in${Object.keys(feeds).length}.npy`);
        writeNpy(npy, m.type, dims, data);
        args.push('--input', `${m.name}=${npy}`);
    }
    // onnxruntime-node returns tensors only: fetch those (skl2onnx's ZipMap
    // output is a sequence of maps).
    const fetches = session.outputMetadata.filter((o) => o.isTensor).map((o) => o.name);
    if (!fetches.length) return { status: 'not-sampled', why: 'no tensor output' };
    let results;
    try {
        results = await session.run(feeds, fetches);
    } catch (e) {
        return { status: 'ort-fails-on-sample', why: String(e.message).split('\n')[0].slice(0, 160) };
    }
    const outs = path.join(dir, 'out');
    fs.mkdirSync(outs);
    args.push('--outputs', outs);
    try {
        execFileSync(onnxlint, args, { stdio: ['ignore', 'ignore', 'pipe'], timeout: 120000 });
    } catch (e) {
        const why = String(e.stderr || e.message).trim();
        const missing = /cannot run: no kernel for (\S+)/.exec(why);
        if (missing) return { status: 'no-kernel', why: missing[1] };
        return { status: 'differ', why: `onnxlint run fails: ${why.slice(0, 200)}` };
    }
    const names = session.outputNames;
    for (let k = 0; k < names.length; k++) {
        const o = results[names[k]];
        if (!o || o.location && o.location !== 'cpu' || !o.dims) continue;
        const file = path.join(outs, `output_${k}.pb`);
        if (!fs.existsSync(file)) return { status: 'differ', why: `no output_${k}.pb` };
        const why = compare(o, readTensor(fs.readFileSync(file)));
        if (why) return { status: 'differ', why: `output '${names[k]}': ${why}` };
    }
    fs.rmSync(dir, { recursive: true, force: true });
    return { status: 'agree' };
}

(async () => {
    const rows = fs.readFileSync(path.join(corpus, 'EXPECTED.tsv'), 'utf8').split('\n').slice(1)
        .map((l) => l.split('\t')).filter((r) => r.length > 4 && r[4] === 'valid');
    const count = {};
    let failed = 0, seed = 1;
    for (const r of rows) {
        const res = await one(r[0], seed++);
        count[res.status] = (count[res.status] || 0) + 1;
        if (res.status === 'differ') {
            if (known.has(r[0])) {
                count['known'] = (count['known'] || 0) + 1;
                console.log(`known    ${r[0]}: ${res.why} (${known.get(r[0])})`);
            } else {
                failed++;
                console.log(`DIFFER   ${r[0]}: ${res.why}`);
            }
        } else if (res.status === 'no-kernel') {
            console.log(`no-kernel ${r[0]}: ${res.why}`);
        } else if (res.status !== 'agree') {
            console.log(`skipped  ${r[0]}: ${res.status}${res.why ? ': ' + res.why : ''}`);
        }
    }
    const compared = (count.agree || 0) + (count.differ || 0);
    console.log(`ort-compare: ${compared} models run by both, ${count.agree || 0} agree, ${count.differ || 0} differ ` +
        `(${count.known || 0} known), ${count['no-kernel'] || 0} need an operator onnxlint cannot run, ` +
        `${count['ort-cannot-load'] || 0} not loaded by ONNX Runtime, ` +
        `${(count['ort-fails-on-sample'] || 0) + (count['not-sampled'] || 0)} without sample inputs it runs`);
    process.exit(failed ? 1 : 0);
})();
