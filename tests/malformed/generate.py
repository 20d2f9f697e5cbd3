#!/usr/bin/python3
"""Generate the corpus of malformed and hostile ONNX inputs for onnxlint's loader.

Run with Debian's interpreter (it ships onnx):  /usr/bin/python3 tests/malformed/generate.py

    generate.py                  write every case into tests/malformed/cases/ and the index
                                 tests/malformed/cases.tsv (and tests/malformed/outside.data)
    generate.py --big OUTDIR     write the cases too large to commit into OUTDIR
                                 (rows whose file starts with "@big/" name them)
    generate.py --verify [--big-dir DIR]
                                 print what onnx.load and onnx.checker.check_model say about
                                 every case (each in its own subprocess)

Invariants:
  * Deterministic: the same onnx/protobuf version produces the same bytes on every run (seeded
    randomness, no timestamps, fixed producer name). The cases/ folder is rebuilt from scratch.
  * Valid bases come from onnx.helper; everything onnx.helper cannot express (wrong wire types,
    lengths past the end, 100,000-deep nesting, invalid UTF-8 in string fields) is written at the
    protobuf wire level with the small encoder below.
  * Only one symlink points outside cases/: cases/link.data -> ../outside.data (that is the case).
    External-data locations that escape the folder are plain strings inside the model.

cases.tsv columns: file (relative to cases/, or "@big/NAME" for --big output), expect_exit
(onnxlint's exit code: 2 = the model cannot be loaded, 1 = it loads but has error findings,
0 = it loads and is clean, at most warnings), kind (short machine id), description.
"""

import argparse
import os
import random
import shutil
import subprocess
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
CASES = os.path.join(HERE, "cases")
INDEX = os.path.join(HERE, "cases.tsv")
OUTSIDE = os.path.join(HERE, "outside.data")

OPSET = 13
IR_VERSION = 8
PRODUCER = "onnxlint-malformed-corpus"

# --------------------------------------------------------------------------------------------
# Protobuf wire format
# --------------------------------------------------------------------------------------------
WT_VARINT, WT_I64, WT_LEN, WT_SGROUP, WT_EGROUP, WT_I32 = 0, 1, 2, 3, 4, 5


def varint(n):
    """Encodes n as a base-128 varint; negative numbers as their 64-bit two's complement."""
    if n < 0:
        n += 1 << 64
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def tag(field, wire_type):
    return varint((field << 3) | wire_type)


def f_varint(field, n):
    return tag(field, WT_VARINT) + varint(n)


def f_len(field, payload):
    if isinstance(payload, str):
        payload = payload.encode()
    return tag(field, WT_LEN) + varint(len(payload)) + payload


def read_varint(buf, pos):
    """Returns (value, new_pos); raises ValueError on a varint cut by the end of buf."""
    shift = value = 0
    while True:
        if pos >= len(buf):
            raise ValueError("truncated varint")
        b = buf[pos]
        pos += 1
        value |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            return value, pos


def parse(buf):
    """Splits a well-formed message into [(field, wire_type, value, start, end)].

    value is an int for varints, bytes for the others; start/end delimit the whole field
    (tag included) inside buf. Only used on bytes this script produced from valid models.
    """
    fields, pos = [], 0
    while pos < len(buf):
        start = pos
        key, pos = read_varint(buf, pos)
        field, wt = key >> 3, key & 7
        if wt == WT_VARINT:
            value, pos = read_varint(buf, pos)
        elif wt == WT_I64:
            value, pos = buf[pos:pos + 8], pos + 8
        elif wt == WT_I32:
            value, pos = buf[pos:pos + 4], pos + 4
        elif wt == WT_LEN:
            n, pos = read_varint(buf, pos)
            value, pos = buf[pos:pos + n], pos + n
        else:
            raise ValueError("unexpected wire type %d" % wt)
        fields.append((field, wt, value, start, pos))
    return fields


def raw_fields(buf, keep=lambda f: True):
    """The encoded bytes of the fields of buf that keep() accepts, in their original order."""
    return b"".join(buf[s:e] for (f, wt, v, s, e) in parse(buf) if keep(f))


def rewrite(buf, field, fn):
    """Re-encodes buf with every length-delimited `field` payload p replaced by fn(p).

    fn may return bytes (the new payload) or None (drop the entry).
    """
    out = bytearray()
    for (f, wt, v, s, e) in parse(buf):
        if f == field and wt == WT_LEN:
            new = fn(v)
            if new is not None:
                out += f_len(f, new)
        else:
            out += buf[s:e]
    return bytes(out)


# --------------------------------------------------------------------------------------------
# Valid bases (onnx.helper)
# --------------------------------------------------------------------------------------------
W_VALUES = (np.arange(12, dtype=np.float32).reshape(4, 3) * 0.5 + 1.25).astype(np.float32)
B_VALUES = np.array([0.125, -0.5, 2.0], dtype=np.float32)


def w_tensor():
    return numpy_helper.from_array(W_VALUES, name="W")


def b_tensor():
    return numpy_helper.from_array(B_VALUES, name="B")


def x_info():
    return helper.make_tensor_value_info("X", TensorProto.FLOAT, ["N", 4])


def y_info(name="Y", shape=("N", 3)):
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, list(shape))


def base_nodes():
    return [
        helper.make_node("MatMul", ["X", "W"], ["M"], name="matmul"),
        helper.make_node("Add", ["M", "B"], ["Y"], name="add_bias"),
    ]


def make_model(nodes, inputs=None, outputs=None, initializers=None, ir=IR_VERSION,
               opset=OPSET, name="base"):
    graph = helper.make_graph(
        nodes, name,
        inputs if inputs is not None else [x_info()],
        outputs if outputs is not None else [y_info()],
        initializer=initializers if initializers is not None else [w_tensor(), b_tensor()],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)],
                              producer_name=PRODUCER)
    model.ir_version = ir
    return model


def base_model():
    return make_model(base_nodes())


def ser(model):
    return model.SerializeToString(deterministic=True)


# Model-level field numbers used in the surgery below.
MODEL_GRAPH = 7
GRAPH_NODE, GRAPH_INITIALIZER, GRAPH_INPUT, GRAPH_OUTPUT = 1, 5, 11, 12
NODE_INPUT, NODE_OUTPUT, NODE_NAME = 1, 2, 3
VALUE_INFO_NAME, VALUE_INFO_TYPE = 1, 2
TYPE_TENSOR, TYPE_SEQUENCE = 1, 4
SEQUENCE_ELEM = 1
TENSOR_NAME, TENSOR_RAW_DATA = 8, 9


def graph_of(model_bytes):
    return [v for (f, wt, v, s, e) in parse(model_bytes) if f == MODEL_GRAPH][0]


def replace_graph(model_bytes, fn):
    return rewrite(model_bytes, MODEL_GRAPH, fn)


# --------------------------------------------------------------------------------------------
# The cases
# --------------------------------------------------------------------------------------------
ROWS = []


def row(file, expect, kind, description):
    assert "\t" not in description and "\n" not in description
    ROWS.append((file, expect, kind, description))


def write(name, data, expect, kind, description):
    path = os.path.join(CASES, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)
    row(name, expect, kind, description)


def external_w(location, offset=None, length=None):
    """W as an EXTERNAL initializer (no raw_data) pointing at location."""
    t = TensorProto()
    t.name = "W"
    t.data_type = TensorProto.FLOAT
    t.dims.extend([4, 3])
    t.data_location = TensorProto.EXTERNAL
    entries = [("location", location)]
    if offset is not None:
        entries.append(("offset", str(offset)))
    if length is not None:
        entries.append(("length", str(length)))
    for k, v in entries:
        e = t.external_data.add()
        e.key, e.value = k, v
    return t


def external_model(location, offset=None, length=None):
    return make_model(base_nodes(), initializers=[external_w(location, offset, length), b_tensor()])


def deep_type(levels):
    """TypeProto bytes: `levels` sequence_type wrappers around tensor(float)[2].

    Written inside-out without copying: each level is a (tag, length) prefix, so the lengths are
    computed from the innermost payload outwards, then the prefixes are emitted outermost first.
    """
    inner = f_len(TYPE_TENSOR, f_varint(1, TensorProto.FLOAT) +
                  f_len(2, f_len(1, f_varint(1, 2))))   # TypeProto{tensor_type{float, [2]}}
    prefixes = []
    size = len(inner)
    for _ in range(levels):
        # Sequence{elem_type = <TypeProto of `size` bytes>}
        p = tag(SEQUENCE_ELEM, WT_LEN) + varint(size)
        prefixes.append(p)
        size += len(p)
        # TypeProto{sequence_type = <Sequence of `size` bytes>}
        p = tag(TYPE_SEQUENCE, WT_LEN) + varint(size)
        prefixes.append(p)
        size += len(p)
    prefixes.reverse()
    out = b"".join(prefixes) + inner
    assert len(out) == size
    return out


def deep_levels(levels):
    """Message depth of with_deep_input(levels), counting ModelProto as 1: Model > Graph >
    ValueInfo > TypeProto, 2 per sequence level, then Tensor > TensorShape > Dimension."""
    return 4 + 2 * levels + 3


def with_deep_input(levels):
    """The base model plus an unused graph input S whose type nests `levels` sequence types."""
    base = ser(base_model())
    s_info = f_len(VALUE_INFO_NAME, "S") + f_len(VALUE_INFO_TYPE, deep_type(levels))

    def graph_fn(g):
        out = bytearray()
        for (f, wt, v, s, e) in parse(g):
            out += g[s:e]
            if f == GRAPH_INPUT:
                out += f_len(GRAPH_INPUT, s_info)
        return bytes(out)

    return replace_graph(base, graph_fn)


def rename_strings(model_bytes, mapping):
    """Replaces, at the wire level, node names, node inputs/outputs and graph input/output
    names equal to a key of mapping (str) by its value (bytes, which need not be UTF-8)."""
    m = {k.encode(): v for k, v in mapping.items()}

    def rename_fields(msg, fields):
        out = bytearray()
        for (f, wt, v, s, e) in parse(msg):
            if f in fields and wt == WT_LEN and v in m:
                out += f_len(f, m[v])
            else:
                out += msg[s:e]
        return bytes(out)

    def graph_fn(g):
        g = rewrite(g, GRAPH_NODE, lambda n: rename_fields(n, {NODE_INPUT, NODE_OUTPUT, NODE_NAME}))
        g = rewrite(g, GRAPH_INPUT, lambda vi: rename_fields(vi, {VALUE_INFO_NAME}))
        g = rewrite(g, GRAPH_OUTPUT, lambda vi: rename_fields(vi, {VALUE_INFO_NAME}))
        return g

    return replace_graph(model_bytes, graph_fn)


def check_valid(model):
    onnx.checker.check_model(model, full_check=True)
    return model


def nested_if(levels):
    """X float[N,4], C bool -> `levels` If nodes nested in each other's then_branch around an
    Identity of X; each else_branch is one Identity."""
    def out_info(name):
        return helper.make_tensor_value_info(name, TensorProto.FLOAT, ["N", 4])
    inner = helper.make_graph([helper.make_node("Identity", ["X"], ["o0"], name="id0")], "g0", [], [out_info("o0")])
    for i in range(1, levels + 1):
        other = helper.make_graph([helper.make_node("Identity", ["X"], ["e%d" % i], name="else%d" % i)],
                                  "else%d" % i, [], [out_info("e%d" % i)])
        node = helper.make_node("If", ["C"], ["o%d" % i], name="if%d" % i, then_branch=inner, else_branch=other)
        if i == levels:
            return make_model([node], inputs=[x_info(), helper.make_tensor_value_info("C", TensorProto.BOOL, [])],
                              outputs=[out_info("o%d" % i)], initializers=[])
        inner = helper.make_graph([node], "g%d" % i, [], [out_info("o%d" % i)])


def build_cases_round_two(base):
    """Cases found by a second hostile corpus and by differential testing."""
    # A field key is a 32-bit varint: at most 5 bytes.  ir_version's key 0x08 padded to 6 bytes.
    fields = parse(base)
    assert fields[0][0] == 1
    write("key_6_bytes.onnx", b"\x88\x80\x80\x80\x80\x00" + base[fields[0][3] + 1:], 2, "key-6-bytes",
          "the base model whose first key (ir_version, 0x08) is padded to a 6-byte varint; protobuf refuses "
          "keys of more than 5 bytes")

    # A singular message field twice: protobuf merges the occurrences (repeated fields concatenated).
    graph = graph_of(base)
    gf = parse(graph)
    half = [f for f in gf if f[0] == GRAPH_NODE][0][4]  # after the first node
    out = bytearray()
    for (f, wt, v, s_, e) in fields:
        if f == MODEL_GRAPH:
            out += f_len(MODEL_GRAPH, graph[:half]) + f_len(MODEL_GRAPH, graph[half:])
        else:
            out += base[s_:e]
    assert onnx.load_from_string(bytes(out)) == onnx.load_from_string(base)
    write("graph_split.onnx", bytes(out), 0, "graph-split",
          "valid: the base model with its graph given as two graph fields (the first node in one, the rest in the "
          "other), as concatenating two serialized models makes; protobuf merges them into the base model")

    # A NUL inside an external-data location: a C string would stop at it.
    write("ext_nul.onnx", ser(external_model("ext_ok/weights.data\0../../../../etc/passwd", 0, 48)), 2, "ext-nul",
          "initializer W is EXTERNAL with location 'ext_ok/weights.data\\0../../../../etc/passwd': refused for the "
          "NUL, not read as ext_ok/weights.data")

    # Shadowing: a branch's node redefines a name of the enclosing graph (onnx.checker: not SSA).
    def shadow(then_nodes):
        def vi(n):
            return helper.make_tensor_value_info(n, TensorProto.FLOAT, ["N", 4])
        then_g = helper.make_graph(then_nodes, "then", [], [vi("t")])
        else_g = helper.make_graph([helper.make_node("Identity", ["X"], ["e"], name="else_id")], "else", [], [vi("e")])
        return make_model([helper.make_node("Relu", ["X"], ["M"], name="relu"),
                           helper.make_node("Add", ["M", "X"], ["S"], name="add"),
                           helper.make_node("If", ["C"], ["I"], name="if", then_branch=then_g, else_branch=else_g),
                           helper.make_node("Add", ["S", "I"], ["Y0"], name="sum"),
                           helper.make_node("MatMul", ["Y0", "W"], ["Y"], name="matmul")],
                          inputs=[x_info(), helper.make_tensor_value_info("C", TensorProto.BOOL, [])],
                          initializers=[w_tensor()])
    write("shadow_outer_value.onnx",
          ser(shadow([helper.make_node("Neg", ["X"], ["M"], name="neg_shadow"),
                      helper.make_node("Identity", ["M"], ["t"], name="then_id")])), 1, "shadow",
          "then_branch's node neg_shadow defines M, which the main graph's relu defines too (not SSA)")
    write("shadow_outer_input.onnx",
          ser(shadow([helper.make_node("Neg", ["X"], ["X"], name="neg_self"),
                      helper.make_node("Identity", ["X"], ["t"], name="then_id")])), 1, "shadow",
          "then_branch's node neg_self reads X and defines X, the main graph's input (not SSA)")

    # A negative dim in a declared shape (-1 is some exporters' "dynamic": not flagged).
    m = make_model(base_nodes(), inputs=[helper.make_tensor_value_info("X", TensorProto.FLOAT, [-3, 4])])
    write("neg_declared_dim.onnx", ser(m), 0, "neg-declared-dim",
          "graph input X declared float[-3,4]: loads with a warning naming the dim")

    # Reshape targets no runtime can execute.
    def reshape_model(x_dims, target, name):
        t = numpy_helper.from_array(np.array(target, dtype=np.int64), name="target")
        return make_model([helper.make_node("Reshape", ["X", "target"], ["Y"], name=name)],
                          inputs=[helper.make_tensor_value_info("X", TensorProto.FLOAT, x_dims)],
                          outputs=[helper.make_tensor_value_info("Y", TensorProto.FLOAT, None)], initializers=[t])
    write("reshape_overflow.onnx", ser(reshape_model([0, 3, 2], [2 ** 32, 2 ** 32, 0], "reshape_wraps")), 0,
          "reshape-overflow", "Reshape of float[0,3,2] to [2**32, 2**32, 0]: the element count wraps int64")
    write("reshape_zero_minus_one.onnx", ser(reshape_model([0, 3], [0, -1], "reshape_div0")), 0,
          "reshape-div-zero", "Reshape of float[0,3] to [0,-1]: the -1 would divide by the copied 0")

    # A sparse initializer whose indices lie outside its dense shape.
    vals = numpy_helper.from_array(np.array([1.0, 2.0, 3.0], dtype=np.float32), name="B")
    idx = numpy_helper.from_array(np.array([0, 2, 7], dtype=np.int64), name="B_idx")
    g = helper.make_graph([helper.make_node("Add", ["X", "B"], ["Y"], name="add")], "sparse",
                          [helper.make_tensor_value_info("X", TensorProto.FLOAT, ["N", 3])], [y_info()],
                          sparse_initializer=[helper.make_sparse_tensor(vals, idx, [3])])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", OPSET)], producer_name=PRODUCER)
    m.ir_version = IR_VERSION
    write("sparse_oob.onnx", ser(m), 2, "sparse-out-of-bounds",
          "sparse initializer B of dense shape [3] with indices [0, 2, 7]")

    # Names and dim_params that try to break out of a DOT label, a JSON string or a text line.
    evil_dim = 'N" URL="javascript:alert(1)" x="'
    evil_node = 'mm"];\n"pwn" [label="owned\\'
    evil_out = 'Y\\"]; "x" -> "y'
    m = make_model([helper.make_node("MatMul", ["X", "W"], ["M"], name=evil_node),
                    helper.make_node("Add", ["M", "B"], [evil_out], name="add\r\nforged: error"),
                    helper.make_node("Relu", ["M"], ['dead"}]</a><script>'], name='dead\x1b[2J"},{"x":"')],
                   inputs=[helper.make_tensor_value_info("X", TensorProto.FLOAT, [evil_dim, 4])],
                   outputs=[helper.make_tensor_value_info(evil_out, TensorProto.FLOAT, [evil_dim, 3])])
    write("dot_injection.onnx", ser(m), 0, "dot-injection",
          "valid model whose dim_param, node names and output name carry quotes, brackets, backslashes, newlines "
          "and a javascript: URL attribute; every report must keep them inside their strings")

    # A Loop with a huge trip count before the loss: check's run gives up early and says so.
    body = helper.make_graph(
        [helper.make_node("Identity", ["c"], ["c_out"], name="keep"),
         helper.make_node("Add", ["v", "one"], ["v_out"], name="step")], "body",
        [helper.make_tensor_value_info("i", TensorProto.INT64, []),
         helper.make_tensor_value_info("c", TensorProto.BOOL, []),
         helper.make_tensor_value_info("v", TensorProto.FLOAT, ["N", 8])],
        [helper.make_tensor_value_info("c_out", TensorProto.BOOL, []),
         helper.make_tensor_value_info("v_out", TensorProto.FLOAT, ["N", 8])])
    g = helper.make_graph(
        [helper.make_node("Loop", ["M", "", "X"], ["logits"], body=body, name="loop"),
         helper.make_node("SoftmaxCrossEntropyLoss", ["logits", "labels"], ["loss"], name="sce")], "huge_loop",
        [helper.make_tensor_value_info("X", TensorProto.FLOAT, ["N", 8]),
         helper.make_tensor_value_info("labels", TensorProto.INT64, ["N"])],
        [helper.make_tensor_value_info("loss", TensorProto.FLOAT, [])],
        [numpy_helper.from_array(np.array(100000000, dtype=np.int64), "M"),
         numpy_helper.from_array(np.array([1.0], dtype=np.float32), "one")])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 16)], producer_name=PRODUCER)
    m.ir_version = IR_VERSION
    write("confirm_huge_loop.onnx", ser(check_valid(m)), 0, "confirm-iterations",
          "valid: a Loop of 100,000,000 iterations before the loss; check's run must give up early and say so")

    # Nesting: the subgraph limit (OL_MAX_INFER_DEPTH, 32) is the one a deep model meets.
    m = nested_if(30)
    check_valid(m)
    write("nested_if_30.onnx", ser(m), 0, "nested-if",
          "valid: 30 If nodes nested in each other's then_branch (about 100 message levels)")
    m = nested_if(40)
    write("nested_if_40.onnx", ser(m), 0, "nested-if-deep",
          "valid: 40 nested If nodes; loads, and check says the subgraph limit stops inference")


def build_cases():
    if os.path.lexists(CASES):
        shutil.rmtree(CASES)
    os.makedirs(CASES)
    ROWS.clear()

    base = ser(check_valid(base_model()))

    # ---- not a model at all --------------------------------------------------------------
    row("does_not_exist.onnx", 2, "missing", "path that does not exist (the file is never created)")
    write("empty.onnx", b"", 2, "empty", "0-byte file")
    rng = random.Random(20240229)
    write("random.onnx", bytes(rng.getrandbits(8) for _ in range(4096)), 2, "random",
          "4096 bytes from random.Random(20240229)")
    write("text.onnx",
          b"This is not an ONNX model. It is a short paragraph of plain text that someone saved\n"
          b"with a .onnx extension, perhaps an error page from a download that went wrong.\n",
          2, "text", "a plain-text paragraph named .onnx")
    write("lfs_pointer.onnx",
          b"version https://git-lfs.github.com/spec/v1\n"
          b"oid sha256:4d7a2146cb0e2f1b6f1c6c8f1b5d8e4c1f7a9b2e3c4d5e6f708192a3b4c5d6e7\n"
          b"size 12345\n",
          2, "lfs-pointer", "a Git LFS pointer file checked out instead of the model")

    # ---- truncation ------------------------------------------------------------------------
    raw = W_VALUES.tobytes()
    at = base.find(raw)
    assert at > 0 and base.find(raw, at + 1) < 0
    write("truncated_raw_data.onnx", base[:at + len(raw) // 2], 2, "truncated",
          "the base model cut in the middle of initializer W's raw_data (%d of %d bytes kept)"
          % (len(raw) // 2, len(raw)))
    # the graph field (7) sits last-but-one; its length varint is more than one byte long
    for (f, wt, v, s, e) in parse(base):
        if f == MODEL_GRAPH:
            assert len(varint(len(v))) >= 2, "graph too small for a multi-byte length"
            cut = s + 1 + 1  # tag byte + first byte of the length varint (continuation bit set)
            assert base[cut - 1] & 0x80
            break
    write("truncated_varint.onnx", base[:cut], 2, "truncated-varint",
          "the base model cut after the first byte of the graph field's %d-byte length varint"
          % len(varint(len(v))))

    # ---- the wrong message ------------------------------------------------------------------
    tpb = numpy_helper.from_array(np.arange(8, dtype=np.float32).reshape(2, 4), name="X")
    write("tensor_input_0.pb.onnx", ser(tpb), 2, "tensor-pb",
          "a serialized TensorProto (like ONNX test data input_0.pb), not a ModelProto")
    ng = onnx.ModelProto()
    ng.ir_version = IR_VERSION
    ng.producer_name = PRODUCER
    ng.opset_import.extend([helper.make_opsetid("", OPSET)])
    write("no_graph.onnx", ser(ng), 2, "no-graph",
          "ModelProto with ir_version 8 and opset_import but no graph field")

    # ---- graph-level breakage (well-formed protobuf) ---------------------------------------
    m = make_model([helper.make_node("MatMul", ["X", "W"], ["M"], name="matmul"),
                    helper.make_node("Add", ["M", "ghost"], ["Y"], name="add_bias")],
                   initializers=[w_tensor()])
    write("dangling_input.onnx", ser(m), 1, "dangling-input",
          "node add_bias reads 'ghost', which no input, initializer or node defines")
    m = make_model(base_nodes(), outputs=[y_info(), y_info("Z_ghost")])
    write("dangling_output.onnx", ser(m), 1, "dangling-output",
          "graph output 'Z_ghost' is produced by nothing")
    m = make_model([helper.make_node("MatMul", ["X", "W"], ["M"], name="matmul"),
                    helper.make_node("NegativeLogLikelihoodLoss", ["M", "labels\x01\x02\x03\x04\x05"], ["Y"],
                                     name="nll")],
                   initializers=[w_tensor()])
    write("loss_undefined_labels.onnx", ser(m), 1, "dangling-loss-input",
          "a loss reads labels that nothing defines, under a name whose escaped form is wider than every "
          "listed value's (shapes once padded its column by a wrapped-around width)")
    m = make_model([helper.make_node("MatMul", ["X", "W"], ["M"], name="matmul"),
                    helper.make_node("Add", ["M", "T2"], ["T1"], name="add_loop"),
                    helper.make_node("Relu", ["T1"], ["T2"], name="relu_loop"),
                    helper.make_node("Identity", ["T1"], ["Y"], name="out")],
                   initializers=[w_tensor()])
    write("cycle.onnx", ser(m), 1, "cycle", "add_loop reads T2 from relu_loop, which reads T1 from add_loop")
    m = make_model(base_nodes() + [helper.make_node("Relu", ["M"], ["Y"], name="relu_dup")])
    write("duplicate_output.onnx", ser(m), 1, "duplicate-output",
          "nodes add_bias and relu_dup both produce 'Y'")

    # ---- wire types ------------------------------------------------------------------------
    out = bytearray()
    for (f, wt, v, s, e) in parse(base):
        if f == MODEL_GRAPH:
            out += tag(MODEL_GRAPH, WT_VARINT) + base[s + 1:e]  # tag 0x3a -> 0x38, rest unchanged
        else:
            out += base[s:e]
    write("bad_wire_type.onnx", bytes(out), 2, "bad-wire-type",
          "ModelProto field 7 (graph) tagged with wire type 0 (byte 0x38 instead of 0x3a); "
          "the length and graph bytes follow unchanged")
    out = bytearray()
    for (f, wt, v, s, e) in parse(base):
        if f == MODEL_GRAPH:
            out += tag(MODEL_GRAPH, WT_SGROUP) + v + tag(MODEL_GRAPH, WT_EGROUP)
        else:
            out += base[s:e]
    write("group_wire_type.onnx", bytes(out), 2, "group-wire-type",
          "ModelProto field 7 (graph) written as a deprecated group: start-group 0x3b, the graph's "
          "fields, end-group 0x3c")
    out = bytearray()
    for (f, wt, v, s, e) in parse(base):
        out += base[s:e]
        if f == 1:  # after ir_version: an end-group with no start-group
            out += tag(MODEL_GRAPH, WT_EGROUP)
    write("group_unbalanced.onnx", bytes(out), 2, "group-wire-type",
          "an end-group tag (field 7, wire type 4) with no matching start-group, after ir_version")

    # ---- lengths ---------------------------------------------------------------------------
    claimed = 200

    def bad_name(node):
        kept = raw_fields(node, keep=lambda f: f != NODE_NAME)
        return kept + tag(NODE_NAME, WT_LEN) + varint(claimed) + b"mat"

    first = [True]

    def first_node_bad(n):
        if first[0]:
            first[0] = False
            return bad_name(n)
        return n

    write("length_past_end.onnx", replace_graph(base, lambda g: rewrite(g, GRAPH_NODE, first_node_bad)),
          2, "length-past-end",
          "the first NodeProto's name claims %d bytes but only 3 remain in the node "
          "(the enclosing node, graph and model lengths are consistent)" % claimed)

    # ---- nesting ---------------------------------------------------------------------------
    deep = with_deep_input(50000)
    write("deep_nesting.onnx", deep, 2, "deep-nesting",
          "unused graph input S whose type nests 50,000 sequence_type levels: 100,000 nested "
          "messages (TypeProto/TypeProto.Sequence alternating), hand-encoded")
    ok = with_deep_input(5)
    check_valid(onnx.load_from_string(ok))
    write("deep_nesting_ok.onnx", ok, 0, "deep-nesting-ok",
          "valid: unused graph input S of type seq^5(tensor(float)[2]), 10 nested "
          "TypeProto/Sequence messages, %d message levels in the file" % deep_levels(5))
    row("@big/many_entries.onnx", 2, "many-entries",
        "generate.py --big OUTDIR: ~20 MB, GraphProto with 10,000,000 empty NodeProto entries "
        "(0x0a 0x00 each) before the base graph's fields")

    # ---- versions --------------------------------------------------------------------------
    m = make_model(base_nodes(), ir=99, opset=99)
    write("newer_ir.onnx", ser(m), 0, "newer-ir",
          "ir_version 99 and default-domain opset 99: must load, with a warning")

    # ---- external data ---------------------------------------------------------------------
    with open(OUTSIDE, "wb") as f:
        f.write(W_VALUES.tobytes())
    write("ext_absolute.onnx", ser(external_model("/etc/hostname")), 2, "ext-absolute",
          "initializer W is EXTERNAL with location '/etc/hostname' (absolute path)")
    write("ext_dotdot.onnx", ser(external_model("../outside.data", 0, 48)), 2, "ext-dotdot",
          "initializer W is EXTERNAL with location '../outside.data' (the file exists, 48 bytes, "
          "outside the model's folder)")
    os.symlink("../outside.data", os.path.join(CASES, "link.data"))
    write("ext_symlink.onnx", ser(external_model("link.data", 0, 48)), 2, "ext-symlink",
          "initializer W is EXTERNAL with location 'link.data'; cases/link.data is a symlink to "
          "../outside.data, outside the model's folder")
    write("ext_missing.onnx", ser(external_model("no_such_weights.data", 0, 48)), 2, "ext-missing",
          "initializer W is EXTERNAL with location 'no_such_weights.data', which does not exist")
    write("ext_short.data", W_VALUES.tobytes()[:32], 2, "ext-short",
          "data file for ext_short.onnx: 32 bytes")
    ROWS.pop()  # the data file is not a case of its own
    write("ext_short.onnx", ser(external_model("ext_short.data", 16, 48)), 2, "ext-short",
          "initializer W is EXTERNAL in ext_short.data at offset 16, length 48, but the file has "
          "32 bytes")
    ok_model = external_model("weights.data", 0, 48)
    write("ext_ok/weights.data", W_VALUES.tobytes(), 0, "ext-ok", "")
    ROWS.pop()
    write("ext_ok/model.onnx", ser(ok_model), 0, "ext-ok",
          "valid: initializer W is EXTERNAL in weights.data (offset 0, length 48) beside the model "
          "in cases/ext_ok/")
    check_valid(onnx.load(os.path.join(CASES, "ext_ok/model.onnx")))

    # ---- tensors ---------------------------------------------------------------------------
    def with_w(dims, raw_bytes):
        t = TensorProto()
        t.name, t.data_type = "W", TensorProto.FLOAT
        t.dims.extend(dims)
        t.raw_data = raw_bytes
        return ser(make_model(base_nodes(), initializers=[t, b_tensor()]))

    write("neg_dim.onnx", with_w([-3, 4], W_VALUES.tobytes()), 2, "neg-dim",
          "initializer W has dims [-3, 4] (48 bytes of raw_data)")
    write("huge_dim.onnx", with_w([2 ** 62, 4], W_VALUES.tobytes()[:16]), 2, "huge-dim",
          "initializer W has dims [2**62, 4] (element count 2**64 wraps to 0 in int64 arithmetic) "
          "and 16 bytes of raw_data")
    write("data_short.onnx", with_w([4, 3], W_VALUES.tobytes()[:20]), 2, "data-short",
          "initializer W has dims [4, 3] (48 bytes implied) but 20 bytes of raw_data")

    # ---- attributes and subgraphs ----------------------------------------------------------
    tr = helper.make_node("Transpose", ["Y0"], ["Y"], name="transpose", perm=[1, 0])
    good_tr = make_model([helper.make_node("MatMul", ["X", "W"], ["M"], name="matmul"),
                          helper.make_node("Add", ["M", "B"], ["Y0"], name="add_bias"), tr],
                         outputs=[y_info("Y", (3, "N"))])
    check_valid(good_tr)
    attr = good_tr.graph.node[2].attribute[0]
    attr.ClearField("ints")
    attr.f = 1.5
    assert attr.type == onnx.AttributeProto.INTS
    write("bad_attr_type.onnx", ser(good_tr), 2, "bad-attr-type",
          "Transpose attribute perm declares type INTS but carries f=1.5 and no ints")

    else_g = helper.make_graph([helper.make_node("Identity", ["T"], ["Z_else"], name="else_id")],
                               "else_branch", [], [y_info("Z_else")])
    m = make_model([helper.make_node("MatMul", ["X", "W"], ["M"], name="matmul"),
                    helper.make_node("Add", ["M", "B"], ["T"], name="add_bias"),
                    helper.make_node("If", ["C"], ["Y"], name="if_no_then", else_branch=else_g)],
                   inputs=[x_info(), helper.make_tensor_value_info("C", TensorProto.BOOL, [])])
    write("missing_subgraph.onnx", ser(m), 2, "missing-subgraph",
          "If node if_no_then has else_branch but no then_branch attribute")

    # ---- hostile but valid strings ---------------------------------------------------------
    cc = rename_strings(base, {
        "matmul": b"\x1b[31mred\x1b[0m node\x07",
        "M": b"mid\nline two\x00after nul",
        "Y": b"Y\xff\xfe\xc0\x80 bad utf8\x1b]0;title\x07",
    })
    write("control_chars.onnx", cc, 0, "control-chars",
          "valid model whose node name carries ESC[31m and BEL, value M a newline and a NUL, "
          "output Y invalid UTF-8 (ff fe c0 80) and an OSC escape; must load and be printed escaped")

    # ---- names longer than OL_MAX_NAME_LENGTH (65536 bytes) --------------------------------
    m = make_model([helper.make_node("MatMul", ["X", "W"], ["M"], name="n" * 70000),
                    helper.make_node("Add", ["M", "B"], ["Y"], name="add_bias")])
    write("long_name.onnx", ser(m), 2, "long-name",
          "valid protobuf whose first node is named with 70,000 bytes, over OL_MAX_NAME_LENGTH: refused with "
          "a limit error, not carried into every message")

    # ---- confirmation budgets: valid models whose sample run would be huge ------------------
    def budget_model(nodes, inits, check=True):
        g = helper.make_graph(
            nodes, "budget",
            [helper.make_tensor_value_info("X", TensorProto.FLOAT, ["N", 8]),
             helper.make_tensor_value_info("labels", TensorProto.INT64, ["N"])],
            [helper.make_tensor_value_info("loss", TensorProto.FLOAT, [])], inits)
        m = helper.make_model(g, opset_imports=[helper.make_opsetid("", OPSET)], ir_version=IR_VERSION)
        return check_valid(m) if check else m  # the checker looks for external data files

    def int64s(name, values):
        return numpy_helper.from_array(np.array(values, dtype=np.int64), name=name)

    # X (N,8) -> (N,8,1,1) expanded to (N,8,100000,10000), averaged back to (N,8) logits.
    m = budget_model(
        [helper.make_node("Unsqueeze", ["X", "axes23"], ["X4"], name="unsqueeze"),
         helper.make_node("Expand", ["X4", "big_shape"], ["big"], name="blow_up"),
         helper.make_node("ReduceMean", ["big"], ["logits"], name="mean", axes=[2, 3], keepdims=0),
         helper.make_node("SoftmaxCrossEntropyLoss", ["logits", "labels"], ["loss"], name="sce")],
        [int64s("axes23", [2, 3]), int64s("big_shape", [1, 1, 100000, 10000])])
    write("confirm_huge_values.onnx", ser(m), 0, "confirm-memory",
          "valid: an Expand makes float[N,8,100000,10000] (119 GiB at N=4) before the loss; check must skip "
          "the confirmation run with a note, not attempt it")

    # A 3.2 GB weight in external data (the test makes the file sparse with truncate):
    # logits = X + mean over rows of W[100000000, 8].
    w = TensorProto()
    w.name = "W"
    w.data_type = TensorProto.FLOAT
    w.dims.extend([100000000, 8])
    w.data_location = TensorProto.EXTERNAL
    e = w.external_data.add()
    e.key, e.value = "location", "huge_weights.data"
    m = budget_model(
        [helper.make_node("ReduceMean", ["W"], ["w_mean"], name="mean_w", axes=[0], keepdims=1),
         helper.make_node("Add", ["X", "w_mean"], ["logits"], name="add"),
         helper.make_node("SoftmaxCrossEntropyLoss", ["logits", "labels"], ["loss"], name="sce")], [w], check=False)
    os.makedirs(os.path.join(CASES, "huge_weights"), exist_ok=True)
    write("huge_weights/model.onnx", ser(m), 0, "confirm-weights",
          "valid: a float[100000000,8] weight (3.2 GB) in huge_weights.data, which tests/e2e/malformed.sh makes "
          "as a sparse file; check must skip the confirmation run with a note instead of reading it")

    # (N,8,2048,2048) @ (2048,2048): 2.7e11 multiply-adds at N=4 in about 1.1 GB of values.
    m = budget_model(
        [helper.make_node("Unsqueeze", ["X", "axes23"], ["X4"], name="unsqueeze"),
         helper.make_node("Expand", ["X4", "a_shape"], ["A"], name="widen"),
         helper.make_node("ConstantOfShape", ["b_shape"], ["B"], name="weights",
                          value=numpy_helper.from_array(np.array([0.5], dtype=np.float32))),
         helper.make_node("MatMul", ["A", "B"], ["P"], name="product"),
         helper.make_node("ReduceMean", ["P"], ["logits"], name="mean", axes=[2, 3], keepdims=0),
         helper.make_node("SoftmaxCrossEntropyLoss", ["logits", "labels"], ["loss"], name="sce")],
        [int64s("axes23", [2, 3]), int64s("a_shape", [1, 8, 2048, 2048]), int64s("b_shape", [2048, 2048])])
    write("confirm_huge_work.onnx", ser(m), 0, "confirm-work",
          "valid: a MatMul of float[N,8,2048,2048] by [2048,2048] (2.7e11 multiply-adds at N=4); check must "
          "skip the confirmation run with a note, not spend minutes on it")

    # ---- second hostile corpus --------------------------------------------------------------
    build_cases_round_two(base)

    with open(INDEX, "w") as f:
        f.write("file\texpect_exit\tkind\tdescription\n")
        for r in ROWS:
            f.write("%s\t%d\t%s\t%s\n" % r)
    total = sum(os.path.getsize(os.path.join(CASES, r[0])) for r in ROWS
                if os.path.isfile(os.path.join(CASES, r[0])))
    print("wrote %d rows to %s (%d bytes of cases)" % (len(ROWS), INDEX, total))


def build_big(outdir):
    """many_entries.onnx: GraphProto with 10,000,000 empty NodeProto entries, streamed."""
    os.makedirs(outdir, exist_ok=True)
    base = ser(base_model())
    count = 10_000_000
    graph = graph_of(base)
    chunk = b"\x0a\x00" * 100_000
    path = os.path.join(outdir, "many_entries.onnx")
    with open(path, "wb") as f:
        for (fld, wt, v, s, e) in parse(base):
            if fld != MODEL_GRAPH:
                f.write(base[s:e])
                continue
            f.write(tag(MODEL_GRAPH, WT_LEN) + varint(2 * count + len(graph)))
            for _ in range(count // 100_000):
                f.write(chunk)
            f.write(graph)
    print("wrote %s (%d bytes)" % (path, os.path.getsize(path)))


# --------------------------------------------------------------------------------------------
# Verification: what does onnx itself say?
# --------------------------------------------------------------------------------------------
PROBE = r"""
import sys, onnx
path = sys.argv[1]
def short(e):
    s = (type(e).__name__ + ": " + str(e)).replace("\n", " ")
    return s[:160]
try:
    m = onnx.load(path)
    load = "ok (graph=%s, nodes=%d)" % (m.HasField("graph"), len(m.graph.node))
except Exception as e:
    m, load = None, "FAIL " + short(e)
chk = "-"
if m is not None:
    try:
        onnx.checker.check_model(m)
        chk = "ok"
    except Exception as e:
        chk = "FAIL " + short(e)
try:
    onnx.checker.check_model(path)
    chkp = "ok"
except Exception as e:
    chkp = "FAIL " + short(e)
print("load: " + load)
print("check_model(model): " + chk)
print("check_model(path): " + chkp)
"""


def verify(big_dir):
    with open(INDEX) as f:
        rows = [l.rstrip("\n").split("\t") for l in f][1:]
    for file, expect, kind, desc in rows:
        if file.startswith("@big/"):
            if not big_dir:
                print("== %s (%s, expect %s): skipped, pass --big-dir" % (file, kind, expect))
                continue
            path = os.path.join(big_dir, file[len("@big/"):])
        else:
            path = os.path.join(CASES, file)
        r = subprocess.run([sys.executable, "-c", PROBE, path], capture_output=True, text=True,
                           timeout=600)
        print("== %s (%s, expect %s)" % (file, kind, expect))
        print("   " + r.stdout.strip().replace("\n", "\n   "))
        if r.returncode:
            print("   probe exited %d: %s" % (r.returncode, r.stderr.strip()[-300:]))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--big", metavar="OUTDIR", help="write only the large cases into OUTDIR")
    ap.add_argument("--verify", action="store_true", help="report what onnx says about each case")
    ap.add_argument("--big-dir", metavar="DIR", help="with --verify: where --big wrote its files")
    args = ap.parse_args()
    if args.big:
        build_big(args.big)
    elif args.verify:
        verify(args.big_dir)
    else:
        build_cases()


if __name__ == "__main__":
    main()
