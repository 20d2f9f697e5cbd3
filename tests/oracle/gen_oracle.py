#!/usr/bin/python3
"""gen_oracle.py - PyTorch as the oracle for onnxlint's loss rules.

Runs every loss onnxlint knows (and the ones it is meant to learn) through
PyTorch 1.13 over a grid of logits and labels (element types, ranks, batch
and class counts that agree or differ, class axis, spatial dims, weight
length, ignore_index, probabilities vs indices) and writes one row per case
to oracle.tsv:

  id  loss  extra  act  logits  labels_dtype  labels  outcome  exc  message  value  replay  torch_call

outcome is what PyTorch does:
  raises  exc and message are the exception's type and exact text;
  warns   message is the warning's text (the loss still computes value);
  ok      value is the loss;
  silent  PyTorch computes value without complaint, but the input is wrong
          by construction (softmax before a loss that applies its own,
          raw scores into NLL, probabilities into kl_div): a silent wrong
          result, which onnxlint reports as a warning.

The data is onnxlint's own sample data: the sampler of
src/analysis/confirm.c (xorshift64*, default seed, Box-Muller normals,
indices modulo the class count, 0/1 for binary targets) is reproduced
here, so the replay can compare onnxlint's confirmed loss value with
PyTorch's on the same numbers.  The logits models the replay declares the
losses on are written to models/ here too: input x of the logits' shape,
an identity head (MatMul with eye(C), or a 1x1 Conv with identity
weights, so the values pass unchanged and the head is visible), then the
row's activation over axis 1.

replay says how tests/oracle/replay.c replays the row: "declared"
(--loss/--labels on models/<act>_<shape>.onnx), "node" (a
SoftmaxCrossEntropyLoss / NegativeLogLikelihoodLoss graph written here,
models/node_<id>.onnx), "input:MODEL:NPY" (that graph with the labels
given as a file, --input labels=NPY) or "none" (no onnxlint form yet).

Run with Debian's interpreter: /usr/bin/python3 tests/oracle/gen_oracle.py
"""
import math
import os
import sys
import warnings

import numpy as np
import torch
import torch.nn.functional as F

import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
MODELS = os.path.join(HERE, "models")
SEED = 0x9E3779B97F4A7C15
MASK = (1 << 64) - 1


class Sampler:
    """confirm.c's sampler, bit for bit."""

    def __init__(self, seed=SEED):
        self.state = seed

    def next_u64(self):
        x = self.state
        x ^= x >> 12
        x ^= (x << 25) & MASK
        x ^= x >> 27
        self.state = x
        return (x * 0x2545F4914F6CDD1D) & MASK

    def uniform(self):
        return (self.next_u64() >> 11) * (1.0 / 9007199254740992.0)

    def normal(self):
        u, v = self.uniform(), self.uniform()
        if u < 1e-300:
            u = 1e-300
        return math.sqrt(-2.0 * math.log(u)) * math.cos(2.0 * math.pi * v)


NP_DTYPE = {"float": np.float32, "double": np.float64, "int64": np.int64, "int32": np.int32,
            "uint8": np.uint8, "bool": np.bool_}
ONNX_DTYPE = {"float": TensorProto.FLOAT, "double": TensorProto.DOUBLE, "int64": TensorProto.INT64,
              "int32": TensorProto.INT32, "uint8": TensorProto.UINT8, "bool": TensorProto.BOOL}


def label_kind(loss, dtype):
    """confirm.c's label_kind_of."""
    if loss in ("cross_entropy", "nll", "lm_cross_entropy"):
        return "binary" if dtype in ("float", "double") else "indices"
    if loss == "ctc":
        return "indices"
    if loss in ("bce", "bce_with_logits", "kl_div"):
        return "binary"
    return "real"


def to_int(v):
    if v != v or v >= 9.2233720368547758e18 or v <= -9.2233720368547758e18:
        return -(1 << 63)
    return int(v)


def sample(s, shape, dtype, kind, classes):
    n = int(np.prod(shape)) if shape else 1
    out = []
    for _ in range(n):
        if kind == "indices":
            out.append(s.next_u64() % (classes if classes > 0 else 2))
        elif kind == "binary":
            out.append(float(s.next_u64() & 1))
        else:
            out.append(s.normal())
    if dtype in ("float", "double"):
        return np.array(out, dtype=NP_DTYPE[dtype]).reshape(shape)
    if dtype == "bool":
        return np.array([v != 0 for v in out], dtype=np.bool_).reshape(shape)
    vals = [v if kind == "indices" else to_int(v) for v in out]
    # C casts wrap: int64 -> int32/uint8 keep the low bits
    if dtype == "int32":
        vals = [((v + (1 << 31)) % (1 << 32)) - (1 << 31) for v in vals]
    if dtype == "uint8":
        vals = [v % 256 for v in vals]
    return np.array(vals, dtype=NP_DTYPE[dtype]).reshape(shape)


def shape_text(shape):
    return "x".join(str(d) for d in shape) if shape else "scalar"


def activate(x, act):
    if act == "sigmoid":
        return torch.sigmoid(x)
    if act == "softmax":
        return torch.softmax(x, dim=1 if x.dim() > 1 else 0)
    if act == "log_softmax":
        return torch.log_softmax(x, dim=1 if x.dim() > 1 else 0)
    if act == "log_softmax_last":
        return torch.log_softmax(x, dim=-1)
    return x


def logits_model(act, shape, symbolic=False):
    """models/<act>_<shape>.onnx: x -> identity head -> act -> logits.  With
    symbolic, the batch dim is N (models/<act>_N<rest>.onnx): the replay
    checks the same rows on it, N bound to 4 by the sample data."""
    if symbolic:
        name = "%s_N%s.onnx" % (act, shape_text(shape)[len(str(shape[0])):])
    else:
        name = "%s_%s.onnx" % (act, shape_text(shape))
    path = os.path.join(MODELS, name)
    if os.path.exists(path):
        return name
    dims = (["N"] + list(shape[1:])) if symbolic else list(shape)
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, dims)
    nodes, inits = [], []
    rank = len(shape)
    head_out = "scores" if act not in ("raw", "raw_last") else "logits"
    if rank <= 2 or act in ("log_softmax_last", "raw_last"):
        c = shape[-1]
        inits.append(numpy_helper.from_array(np.eye(c, dtype=np.float32), "head.weight"))
        nodes.append(helper.make_node("MatMul", ["x", "head.weight"], [head_out], name="/head/MatMul"))
    else:
        c = shape[1]
        w = np.zeros((c, c) + (1,) * (rank - 2), dtype=np.float32)
        for i in range(c):
            w[(i, i) + (0,) * (rank - 2)] = 1.0
        inits.append(numpy_helper.from_array(w, "head.weight"))
        nodes.append(helper.make_node("Conv", ["x", "head.weight"], [head_out], name="/head/Conv",
                                      kernel_shape=[1] * (rank - 2)))
    if act not in ("raw", "raw_last"):
        op = {"sigmoid": "Sigmoid", "softmax": "Softmax", "log_softmax": "LogSoftmax", "log_softmax_last": "LogSoftmax"}[act]
        kw = {} if act == "sigmoid" else {"axis": -1 if act == "log_softmax_last" else 1 if rank > 1 else 0}
        nodes.append(helper.make_node(op, [head_out], ["logits"], name="/" + op, **kw))
    y = helper.make_tensor_value_info("logits", TensorProto.FLOAT, dims)
    g = helper.make_graph(nodes, "logits_" + act, [x], [y], inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)], producer_name="pytorch",
                          producer_version=torch.__version__)
    onnx.checker.check_model(m)
    onnx.save(m, path)
    return name


def node_model(rid, op, act, shape, ldtype, lshape, weight_len, ignore_index):
    """models/node_<id>.onnx: logits -> SoftmaxCrossEntropyLoss / NLL node."""
    name = "node_%04d.onnx" % rid
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, list(shape))
    lab = helper.make_tensor_value_info("labels", ONNX_DTYPE[ldtype], list(lshape))
    rank = len(shape)
    c = shape[1]
    inits, nodes = [], []
    if rank == 2:
        inits.append(numpy_helper.from_array(np.eye(c, dtype=np.float32), "head.weight"))
        nodes.append(helper.make_node("MatMul", ["x", "head.weight"], ["scores"], name="/head/MatMul"))
    else:
        w = np.zeros((c, c) + (1,) * (rank - 2), dtype=np.float32)
        for i in range(c):
            w[(i, i) + (0,) * (rank - 2)] = 1.0
        inits.append(numpy_helper.from_array(w, "head.weight"))
        nodes.append(helper.make_node("Conv", ["x", "head.weight"], ["scores"], name="/head/Conv",
                                      kernel_shape=[1] * (rank - 2)))
    inputs = ["scores", "labels"]
    if op == "NegativeLogLikelihoodLoss":
        nodes.append(helper.make_node("LogSoftmax", ["scores"], ["logp"], name="/LogSoftmax", axis=1))
        inputs[0] = "logp"
    if weight_len is not None:
        inits.append(numpy_helper.from_array(np.linspace(0.5, 1.5, weight_len).astype(np.float32), "class_weight"))
        inputs.append("class_weight")
    kw = {"reduction": "mean"}
    if ignore_index is not None:
        kw["ignore_index"] = ignore_index
    nodes.append(helper.make_node(op, inputs, ["loss"], name="/" + op, **kw))
    y = helper.make_tensor_value_info("loss", TensorProto.FLOAT, [])
    g = helper.make_graph(nodes, "node_%d" % rid, [x, lab], [y], inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)], producer_name="pytorch",
                          producer_version=torch.__version__)
    onnx.save(m, os.path.join(MODELS, name))
    return name


# ---- the grid ----

def call_text(loss, extra):
    fn = {"cross_entropy": "F.cross_entropy", "nll": "F.nll_loss", "bce": "F.binary_cross_entropy",
          "bce_with_logits": "F.binary_cross_entropy_with_logits", "mse": "F.mse_loss", "l1": "F.l1_loss",
          "smooth_l1": "F.smooth_l1_loss", "huber": "F.huber_loss", "kl_div": "F.kl_div",
          "lm_cross_entropy": "F.cross_entropy", "ctc": "F.ctc_loss"}[loss]
    if loss == "ctc":
        return "F.ctc_loss(log_probs, targets, input_lengths=T, target_lengths=S%s)" % "".join(
            ", %s=%s" % kv for kv in extra)
    args = ["input", "target"] + ["%s=%s" % kv for kv in extra]
    return "%s(%s)" % (fn, ", ".join(args))


def run_torch(loss, x, y, extra):
    kw = dict(extra)
    if "weight" in kw:
        kw["weight"] = torch.linspace(0.5, 1.5, int(kw["weight"]))
    if "pos_weight" in kw:
        # onnxlint knows the length only: its sample run weighs every output 1
        kw["pos_weight"] = torch.ones(int(kw["pos_weight"]))
    if loss == "ctc":
        t, n = x.shape[0], x.shape[1]
        s_len = y.shape[1] if y.dim() >= 2 else y.numel() // max(n, 1)
        return F.ctc_loss(x, y, torch.full((n,), t, dtype=torch.long), torch.full((n,), s_len, dtype=torch.long),
                          **kw)
    fn = {"cross_entropy": F.cross_entropy, "lm_cross_entropy": F.cross_entropy, "nll": F.nll_loss,
          "bce": F.binary_cross_entropy, "bce_with_logits": F.binary_cross_entropy_with_logits,
          "mse": F.mse_loss, "l1": F.l1_loss, "smooth_l1": F.smooth_l1_loss, "huber": F.huber_loss,
          "kl_div": F.kl_div}[loss]
    return fn(x, y, **kw)


def wrong_by_construction(loss, act):
    if loss in ("cross_entropy", "lm_cross_entropy", "bce_with_logits") and act in ("softmax", "sigmoid"):
        return True
    if loss == "nll" and act in ("raw", "softmax"):
        return True
    if loss == "kl_div" and act != "log_softmax":
        return True
    if loss == "ctc" and act != "log_softmax_last":
        return True
    return False


def classes_of(loss, shape):
    if loss == "ctc":
        return shape[-1]
    return shape[1] if len(shape) >= 2 else 2


def label_shapes(loss, shape):
    """The labels' shapes tried against logits of this shape."""
    n = shape[0]
    out = [tuple(shape)]                                 # the logits' shape
    if len(shape) >= 2:
        c = shape[1]
        no_c = (n,) + tuple(shape[2:])
        out.append(no_c)                                 # without the class axis
        out.append((n, 1) + tuple(shape[2:]))            # a size-1 class axis
        out.append((n + 1,) + tuple(shape[1:]))          # batch differs
        out.append((n + 1,) + tuple(shape[2:]))          # batch differs, indices
        if c > 1:
            out.append((n, c - 1) + tuple(shape[2:]))    # class count differs
        out.append((n, c + 1) + tuple(shape[2:]))
        if len(shape) >= 3:
            out.append((n,) + tuple(2 * d for d in shape[2:]))   # spatial differs
            out.append((n, 1) + tuple(2 * d for d in shape[2:]))
            out.append((n,) + tuple(shape[-1:]) if len(shape) == 3 else (n,) + tuple(shape[3:]) + (shape[2],))
        else:
            out.append((n, c, 1))                        # an extra axis
    else:
        out.append((n, 1))
        out.append((n + 1,))
    seen, uniq = set(), []
    for s in out:
        if s not in seen:
            seen.add(s)
            uniq.append(s)
    return uniq


LOGITS = [(4, 10), (4, 5), (4, 1), (4,), (2, 4, 6, 6), (2, 3, 7)]
# Element types of the labels: every one PyTorch users hand a class-index
# loss (numpy int32, PIL uint8 masks...), fewer for the per-element losses.
DTYPES = {"index": ["float", "int64", "int32", "uint8", "bool", "double"], "element": ["float", "int64", "double"]}
ACTS = {"cross_entropy": ["raw", "softmax"], "nll": ["log_softmax", "raw"], "bce": ["sigmoid", "raw"],
        "bce_with_logits": ["raw", "sigmoid"], "mse": ["raw"], "l1": ["raw"], "smooth_l1": ["raw"],
        "huber": ["raw"], "kl_div": ["log_softmax", "softmax"]}
# Losses onnxlint declares today, and the ones it does not know yet.
DECLARABLE = {"cross_entropy", "nll", "bce", "bce_with_logits", "mse", "l1", "smooth_l1", "huber", "kl_div"}


def main():
    os.makedirs(MODELS, exist_ok=True)
    torch.manual_seed(0)
    rows = []

    def add(loss, extra, act, shape, dtype, lshape, replay, x=None, y=None):
        rid = len(rows) + 1
        s = Sampler()
        xs = sample(s, list(shape), "float", "real", 0)
        xt = activate(torch.from_numpy(xs), act)
        if y is None:
            ys = sample(s, list(lshape), dtype, label_kind(loss, dtype), classes_of(loss, shape))
            yt = torch.from_numpy(ys)
        else:
            yt = y
        outcome, exc, msg, value = "ok", "", "", ""
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                v = run_torch(loss, xt, yt, extra)
                value = "%.9g" % float(v.double().mean())
                if caught:
                    outcome, msg = "warns", str(caught[0].message)
                elif wrong_by_construction(loss, act) or not math.isfinite(float(v.double().mean())):
                    outcome = "silent"  # (an infinite CTC loss: targets longer than the input)
            except Exception as e:  # the oracle records every failure
                outcome, exc, msg = "raises", type(e).__name__, str(e)
        msg = msg.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t")
        rows.append([str(rid), loss, ",".join("%s=%s" % kv for kv in extra) or "-", act, shape_text(shape), dtype,
                     shape_text(lshape), outcome, exc or "-", msg or "-", value or "-", replay,
                     call_text(loss, extra)])
        return rid

    # Declared losses over the grid.
    for loss in ["cross_entropy", "nll", "bce", "bce_with_logits", "mse", "l1", "smooth_l1", "huber", "kl_div"]:
        for shape in LOGITS:
            if loss in ("nll", "kl_div") and len(shape) < 2:
                continue
            for act in ACTS[loss]:
                if act != "raw" and len(shape) < 2 and act != "sigmoid":
                    continue
                model = logits_model(act, shape)
                if len(shape) == 2 and shape[0] == 4:
                    logits_model(act, shape, symbolic=True)  # the replay's symbolic twin
                for lshape in label_shapes(loss, shape):
                    for dtype in DTYPES["index" if loss in ("cross_entropy", "nll") else "element"]:
                        extra = [("reduction", "batchmean")] if loss == "kl_div" else []
                        add(loss, extra, act, shape, dtype, lshape, "declared:" + model)

    # cross_entropy with label_smoothing, bce_with_logits with pos_weight.
    for shape in [(4, 10), (4, 5), (2, 4, 6, 6)]:
        model = logits_model("raw", shape)
        for lshape in label_shapes("cross_entropy", shape)[:3]:
            for dtype in ["int64", "float"]:
                add("cross_entropy", [("label_smoothing", 0.1)], "raw", shape, dtype, lshape, "declared:" + model)
    for shape in [(4, 10), (4, 5), (4, 1)]:
        model = logits_model("raw", shape)
        for pw in sorted({shape[1], shape[1] + 1, 1}):
            for lshape in [shape, (shape[0], 1)]:
                add("bce_with_logits", [("pos_weight", pw)], "raw", shape, "float", lshape, "declared:" + model)

    # Language-model cross-entropy over (N,T,V) flattened with view(-1, V).
    for n, t, v in [(2, 4, 11), (2, 3, 7)]:
        shape = (n * t, v)
        model = logits_model("raw", shape)
        for lshape, note in [((n * t,), "aligned"), ((n * t - n,), "labels shifted, logits not"),
                             ((n, t), "labels not flattened"), ((n * (t - 1),), "shifted")]:
            for dtype in ["int64", "int32"]:
                add("lm_cross_entropy", [("ignore_index", -100)], "raw", shape, dtype, lshape, "declared:" + model)

    # Weight length and ignore_index: exported SoftmaxCrossEntropyLoss / NLL nodes.
    for shape in [(4, 10), (4, 5), (2, 4, 6, 6)]:
        for op, loss in [("SoftmaxCrossEntropyLoss", "cross_entropy"), ("NegativeLogLikelihoodLoss", "nll")]:
            act = "log_softmax" if loss == "nll" else "raw"
            c = shape[1]
            lshape = (shape[0],) + tuple(shape[2:])
            for wl in [None, c, c - 1, c + 1]:
                for ii in [None, -100, 0, c - 1, c, c + 5]:
                    extra = []
                    if wl is not None:
                        extra.append(("weight", wl))
                    if ii is not None:
                        extra.append(("ignore_index", ii))
                    rid = len(rows) + 1
                    name = node_model(rid, op, act, shape, "int64", lshape, wl, ii)
                    add(loss, extra, act, shape, "int64", lshape, "node:" + name)
            # label values out of range (data PyTorch cannot take)
            # (replayed with the labels given as a file: --input labels=NPY)
            for bad in [c, -1]:
                rid = len(rows) + 1
                y = torch.zeros(lshape, dtype=torch.int64)
                y.view(-1)[0] = bad
                name = node_model(rid, op, act, shape, "int64", lshape, None, None)
                npy = "labels_%04d.npy" % rid
                np.save(os.path.join(MODELS, npy), y.numpy())
                add(loss, [], act, shape, "int64", lshape, "input:%s:%s" % (name, npy), y=y)

    # CTC: log_probs (T,N,C) from a log_softmax over the classes (last
    # axis), targets (N,S) padded or (N*S,) concatenated, every input length
    # T and every target length S (what onnxlint assumes for a declared ctc).
    for t, n, c, s_len in [(12, 2, 5, 4), (6, 2, 5, 4), (12, 2, 5, 13), (8, 3, 6, 2)]:
        for act in ["log_softmax_last", "raw_last"]:
            model = logits_model(act, (t, n, c))
            for lshape in [(n, s_len), (n * s_len,), (n + 1, s_len), (n, s_len, 1)]:
                for dtype in ["int64", "int32", "float"]:
                    add("ctc", [], act, (t, n, c), dtype, lshape, "declared:" + model)

    # kl_div with the default reduction: PyTorch's own warning.
    for shape in [(4, 10), (4, 5)]:
        add("kl_div", [], "log_softmax", shape, "float", shape, "declared:" + logits_model("log_softmax", shape))

    # Every reduction of the declared losses on labels they accept: the
    # value PyTorch computes ('none' recorded as the mean of the elements).
    for loss, act, shape, dtype, lshape in [
            ("cross_entropy", "raw", (4, 10), "int64", (4,)), ("cross_entropy", "raw", (4, 10), "float", (4, 10)),
            ("cross_entropy", "raw", (2, 4, 6, 6), "int64", (2, 6, 6)), ("nll", "log_softmax", (4, 10), "int64", (4,)),
            ("bce", "sigmoid", (4, 10), "float", (4, 10)), ("bce_with_logits", "raw", (4, 10), "float", (4, 10)),
            ("mse", "raw", (4, 10), "float", (4, 10)), ("l1", "raw", (4, 10), "float", (4, 10)),
            ("smooth_l1", "raw", (4, 10), "float", (4, 10)), ("huber", "raw", (4, 10), "float", (4, 10)),
            ("kl_div", "log_softmax", (4, 10), "float", (4, 10)),
            ("ctc", "log_softmax_last", (12, 2, 5), "int64", (2, 4))]:
        model = logits_model(act, shape)
        for reduction in ["mean", "sum", "none"] + (["batchmean"] if loss == "kl_div" else []):
            add(loss, [("reduction", reduction)], act, shape, dtype, lshape, "declared:" + model)

    out = os.path.join(HERE, "oracle.tsv")
    with open(out, "w") as f:
        f.write("# PyTorch %s, generated by tests/oracle/gen_oracle.py; do not edit\n" % torch.__version__)
        f.write("\t".join(["id", "loss", "extra", "act", "logits", "labels_dtype", "labels", "outcome", "exc",
                           "message", "value", "replay", "torch_call"]) + "\n")
        for r in rows:
            f.write("\t".join(r) + "\n")
    counts = {}
    for r in rows:
        counts[r[7]] = counts.get(r[7], 0) + 1
    print("%d rows: %s" % (len(rows), ", ".join("%s %d" % kv for kv in sorted(counts.items()))), file=sys.stderr)


if __name__ == "__main__":
    main()
