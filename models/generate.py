#!/usr/bin/python3
"""Generate onnxlint's small test models and models/MANIFEST.tsv.

Run with Debian's system interpreter (it has torch and onnx):

    /usr/bin/python3 models/generate.py

Every model is a real ``torch.onnx.export`` (opset 13, symbolic batch ``N``).
Training graphs put the loss inside ``forward(input, labels)`` so the exported
graph contains it.  A bug that cannot be traced with valid shapes (PyTorch
would raise while tracing) is produced the way it reaches a model in
practice: the correct graph is exported and then the declared type of the
``labels`` input (or a weight initializer) is edited with the onnx API.  Those
edits are listed in the manifest descriptions and in README.md.

The script is deterministic: each model is built after ``torch.manual_seed(0)``
with fixed trace shapes, so re-running it rewrites byte-identical files.
"""

import io
import math
import os
import sys
import warnings

import numpy as np
import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
OPSET = 13
SEED = 0

# (file, kind, rules, cli, description) -- written to MANIFEST.tsv in order.
MANIFEST = []

# Models whose graph was edited after export (full ONNX check may reject them).
EDITED = set()


# --------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------

def seeded(cls, *args, **kwargs):
    """Build a module right after reseeding, so weights do not depend on order."""
    torch.manual_seed(SEED)
    m = cls(*args, **kwargs)
    m.eval()
    return m


def export(module, args, input_names, output_names, dynamic_axes):
    """torch.onnx.export into memory and return the loaded ModelProto."""
    buf = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            module,
            args,
            buf,
            export_params=True,
            opset_version=OPSET,
            do_constant_folding=False,
            training=torch.onnx.TrainingMode.EVAL,
            input_names=input_names,
            output_names=output_names,
            dynamic_axes=dynamic_axes,
        )
    return onnx.load_from_string(buf.getvalue())


LAST_TRAINED = [None]  # the module of the latest training export, for LOSS_REFERENCE


def train_export(module, x, y, x_axes=None, y_axes=None):
    """Export a training graph forward(input, labels) -> loss."""
    LAST_TRAINED[0] = module
    x_axes = x_axes or {0: "N"}
    y_axes = y_axes or {0: "N"}
    return export(module, (x, y), ["input", "labels"], ["loss"],
                  {"input": x_axes, "labels": y_axes})


def infer_export(module, x, x_axes=None, out_axes=None, out_name="logits"):
    x_axes = x_axes or {0: "N"}
    out_axes = out_axes or {0: "N"}
    return export(module, (x,), ["input"], [out_name],
                  {"input": x_axes, out_name: out_axes})


def set_input_type(model, name, elem_type, dims):
    """Rewrite the declared type of graph input `name` (dims: int or str)."""
    for vi in model.graph.input:
        if vi.name == name:
            break
    else:
        raise KeyError(name)
    new = helper.make_tensor_value_info(name, elem_type, dims)
    vi.type.CopyFrom(new.type)
    # value_info was inferred from the old declaration; it is stale now.
    del model.graph.value_info[:]


def replace_initializer(model, name, array):
    for i, init in enumerate(model.graph.initializer):
        if init.name == name:
            model.graph.initializer[i].CopyFrom(numpy_helper.from_array(array, name))
            del model.graph.value_info[:]
            return
    raise KeyError(name)


def save(model, file, kind, rules, cli, description, edited=False):
    path = os.path.join(HERE, file)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    onnx.save_model(model, path)
    add_row(file, kind, rules, cli, description)
    if edited:
        EDITED.add(file)
    if kind == "clean" and not cli and LAST_TRAINED[0] is not None:
        REFERENCE.append((file, reference_loss(LAST_TRAINED[0], model)))
    LAST_TRAINED[0] = None


# --------------------------------------------------------------------------
# PyTorch's loss on onnxlint's sample data (models/LOSS_REFERENCE.tsv)
# --------------------------------------------------------------------------
#
# `onnxlint check` confirms findings by running the model on seeded sample
# data (src/analysis/confirm.c).  These functions draw exactly the same data
# (xorshift64* with the default seed, symbolic dims bound to 4, graph inputs
# in order) and compute the loss in PyTorch, so a test can compare
# onnxlint's value with PyTorch's for the clean training exports.

REFERENCE = []
SAMPLE_SEED = 0x9E3779B97F4A7C15
SAMPLE_DIM = 4
MASK64 = (1 << 64) - 1


class Sampler:
    def __init__(self, seed=SAMPLE_SEED):
        self.state = seed

    def next_u64(self):
        x = self.state
        x ^= x >> 12
        x ^= (x << 25) & MASK64
        x ^= x >> 27
        self.state = x
        return (x * 0x2545F4914F6CDD1D) & MASK64

    def uniform(self):
        return (self.next_u64() >> 11) * (1.0 / 9007199254740992.0)

    def normal(self):
        u, v = self.uniform(), self.uniform()
        u = max(u, 1e-300)
        return math.sqrt(-2.0 * math.log(u)) * math.cos(2.0 * math.pi * v)


def reference_loss(module, model):
    """The module's loss on the data onnxlint's confirmation draws."""
    sampler = Sampler()
    graph = model.graph
    tensors = []
    loss_ops = {n.op_type for n in graph.node}
    index_loss = bool(loss_ops & {"SoftmaxCrossEntropyLoss", "NegativeLogLikelihoodLoss"})
    for vi in graph.input:
        if vi.name in {i.name for i in graph.initializer}:
            continue
        dims = [d.dim_value if d.HasField("dim_value") else SAMPLE_DIM for d in vi.type.tensor_type.shape.dim]
        count = int(np.prod(dims)) if dims else 1
        elem = vi.type.tensor_type.elem_type
        integral = elem in (TensorProto.INT64, TensorProto.INT32)
        if vi.name == "labels":
            if integral and index_loss:
                classes = C  # every clean index-loss model of the zoo has 5 classes
                # onnxlint draws them so that the loss reads [0, C) after labels - 1
                first = 1 if getattr(module, "loss", None) == "ce_from_1" else 0
                values = [first + sampler.next_u64() % classes for _ in range(count)]
            elif not integral and "Log" in loss_ops:
                values = [float(sampler.next_u64() & 1) for _ in range(count)]
            else:
                values = [sampler.normal() for _ in range(count)]
        elif integral:
            values = [sampler.next_u64() % 2 for _ in range(count)]
        else:
            values = [sampler.normal() for _ in range(count)]
        dtype = torch.int64 if integral else torch.float32
        tensors.append(torch.tensor(values, dtype=dtype).reshape(dims))
    module.eval()
    with torch.no_grad():
        return float(module(*tensors))


def add_row(file, kind, rules, cli, description):
    assert kind in ("clean", "bug")
    assert (kind == "clean") == (rules == ""), file
    for f in (file, kind, rules, cli, description):
        assert "\t" not in f and "\n" not in f
    MANIFEST.append((file, kind, rules, cli, description))


# --------------------------------------------------------------------------
# module zoo (tiny layers)
# --------------------------------------------------------------------------

IN_F = 16      # classifier feature count
C = 5          # number of classes
B = 2          # trace-time batch


class Classifier(nn.Module):
    """Linear(16, 5) head followed by a loss chosen by `loss`."""

    def __init__(self, loss, weight=None, ignore_index=-100):
        super().__init__()
        self.fc = nn.Linear(IN_F, C)
        self.loss = loss
        self.ignore_index = ignore_index
        if weight is not None:
            self.register_buffer("class_weight", torch.tensor(weight, dtype=torch.float32))
        else:
            self.class_weight = None

    def forward(self, x, labels):
        logits = self.fc(x)
        l = self.loss
        if l == "ce":
            return F.cross_entropy(logits, labels, weight=self.class_weight,
                                   ignore_index=self.ignore_index)
        if l == "softmax_ce":          # softmax left in forward, then CE
            return F.cross_entropy(F.softmax(logits, dim=1), labels)
        if l == "bce_logits":
            return F.binary_cross_entropy_with_logits(logits, labels)
        if l == "bce_raw":             # hand-written BCE on raw logits
            p = logits
            return -(labels * torch.log(p) + (1 - labels) * torch.log(1 - p)).mean()
        if l == "nll_logsoftmax":
            return F.nll_loss(F.log_softmax(logits, dim=1), labels)
        if l == "nll_log_softmax":     # log(softmax(.)) keeps the NLL node
            return F.nll_loss(torch.log(F.softmax(logits, dim=1)), labels)
        if l == "nll_raw":
            return F.nll_loss(logits, labels)
        if l == "ce_from_1":           # the data number classes from 1
            return F.cross_entropy(logits, labels - 1)
        if l == "ce_float_shift":      # the same through a float round trip
            return F.cross_entropy(logits, labels.float().long() - 1)
        raise ValueError(l)


class MLP(nn.Module):
    def __init__(self, hidden=32):
        super().__init__()
        self.fc1 = nn.Linear(IN_F, hidden)
        self.fc2 = nn.Linear(hidden, C)

    def forward(self, x, labels):
        return F.cross_entropy(self.fc2(F.relu(self.fc1(x))), labels)


class ConvFold(nn.Module):
    """Conv 3->4 on 8x8 images, pooled to (N,4,4,4) = 64 features/sample.

    fold=True reshapes with a hard-coded view(-1, 32): the batch doubles.
    """

    def __init__(self, fold):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3, padding=1)
        self.fold = fold
        self.fc = nn.Linear(32 if fold else 64, C)

    def forward(self, x, labels):
        h = F.max_pool2d(F.relu(self.conv(x)), 2)
        if self.fold:
            h = h.view(-1, 32)
        else:
            h = h.view(h.size(0), -1)
        return F.cross_entropy(self.fc(h), labels)


class Segmenter(nn.Module):
    """Fully convolutional: (N,3,H,W) -> (N,5,H,W)."""

    def __init__(self, with_loss=True):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 4, 3, padding=1)
        self.conv2 = nn.Conv2d(4, C, 1)
        self.with_loss = with_loss

    def logits(self, x):
        return self.conv2(F.relu(self.conv1(x)))

    def forward(self, x, labels=None):
        if not self.with_loss:
            return self.logits(x)
        return F.cross_entropy(self.logits(x), labels)


class Tagger(nn.Module):
    """Token ids (N,T) -> Embedding(20,8) -> Linear(8,5) -> (N,T,5)."""

    def __init__(self, transpose):
        super().__init__()
        self.emb = nn.Embedding(20, 8)
        self.fc = nn.Linear(8, C)
        self.transpose = transpose

    def forward(self, tokens, labels):
        logits = self.fc(self.emb(tokens))          # (N, T, C)
        if self.transpose:
            logits = logits.transpose(1, 2)         # (N, C, T)
        return F.cross_entropy(logits, labels)


class Regressor(nn.Module):
    """Linear(16, 1) -> (N,1), hand-written element-wise losses."""

    def __init__(self, loss):
        super().__init__()
        self.fc = nn.Linear(IN_F, 1)
        self.loss = loss

    def forward(self, x, target):
        pred = self.fc(x)
        if self.loss == "mse":
            return ((pred - target) ** 2).mean()
        if self.loss == "l1":
            return (pred - target).abs().mean()
        raise ValueError(self.loss)


class BinaryClassifier(nn.Module):
    """Linear(16,1) -> Sigmoid -> hand-written BCE."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(IN_F, 1)

    def forward(self, x, target):
        p = torch.sigmoid(self.fc(x))
        return -(target * torch.log(p) + (1 - target) * torch.log(1 - p)).mean()


class InferClassifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Linear(IN_F, 32)
        self.head = nn.Linear(32, 10)

    def forward(self, x):
        return self.head(F.relu(self.body(x)))


class ExampleCNN(nn.Module):
    """Conv -> Relu -> MaxPool -> Flatten -> Gemm, (N,3,8,8) -> (N,10)."""

    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 4, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten())
        self.fc = nn.Linear(4 * 4 * 4, 10)

    def forward(self, x):
        return self.fc(self.features(x))


# --------------------------------------------------------------------------
# trace inputs
# --------------------------------------------------------------------------

def feats(n=B):
    torch.manual_seed(1)
    return torch.randn(n, IN_F)


def int_labels(shape, high=C):
    torch.manual_seed(2)
    return torch.randint(0, high, shape, dtype=torch.int64)


def onehot(n=B, classes=C):
    return F.one_hot(int_labels((n,), classes), classes).float()


def images(n=B, h=8, w=8):
    torch.manual_seed(3)
    return torch.randn(n, 3, h, w)


SEG_X = {0: "N", 2: "H", 3: "W"}
SEG_Y = {0: "N", 1: "H", 2: "W"}


# --------------------------------------------------------------------------
# model groups
# --------------------------------------------------------------------------

def seed_models():
    # 1. integer class indices fed to BCEWithLogits.
    m = train_export(seeded(Classifier, "bce_logits"), feats(), onehot())
    set_input_type(m, "labels", TensorProto.INT64, ["N"])
    save(m, "seed_int_labels_bce.onnx", "bug", "label-dtype,label-rank", "",
         "User passed integer class indices int64[N] as labels to BCEWithLogitsLoss on (N,5) logits "
         "(exported with float one-hot labels, then the labels declaration was edited to int64[N]).",
         edited=True)

    # 2. class omission: one-hot built with 4 classes for a 5-class head.
    m = train_export(seeded(Classifier, "bce_logits"), feats(), onehot())
    set_input_type(m, "labels", TensorProto.FLOAT, ["N", 4])
    save(m, "seed_class_count.onnx", "bug", "class-count", "",
         "User one-hot encoded labels with 4 classes (N,4) for a 5-class BCEWithLogits head with (N,5) logits "
         "(exported with (N,5) labels, then the labels declaration was edited to float[N,4]).",
         edited=True)

    # 3a. softmax left in forward before cross_entropy.
    m = train_export(seeded(Classifier, "softmax_ce"), feats(), int_labels((B,)))
    save(m, "seed_double_softmax.onnx", "bug", "probabilities-as-logits", "",
         "User left a Softmax at the end of forward and then called F.cross_entropy, which applies softmax again.")

    # 3b. BCE on raw logits (no sigmoid).  F.binary_cross_entropy has no ONNX
    # symbolic in torch 1.13, so BCE is written out by hand as users do.
    m = train_export(seeded(Classifier, "bce_raw"), feats(), onehot())
    save(m, "seed_bce_raw_logits.onnx", "bug", "logits-as-probabilities", "",
         "User computed binary cross-entropy -(y*log(p)+(1-y)*log(1-p)).mean() directly on raw Linear logits without a Sigmoid.")

    # clean counterparts
    m = train_export(seeded(Classifier, "ce"), feats(), int_labels((B,)))
    save(m, "seed_clean_ce.onnx", "clean", "", "",
         "User trained a 5-class Linear head with F.cross_entropy on int64[N] class indices.")

    m = train_export(seeded(Classifier, "bce_logits"), feats(), onehot())
    save(m, "seed_clean_bce_logits.onnx", "clean", "", "",
         "User trained a 5-class Linear head with BCEWithLogits on float one-hot labels of shape (N,5).")


def classifier_models():
    m = train_export(seeded(MLP), feats(), int_labels((B,)))
    save(m, "cls_ce_int_labels.onnx", "clean", "", "",
         "User trained a two-layer MLP with F.cross_entropy on int64[N] class indices.")

    m = train_export(seeded(Classifier, "ce_from_1"), feats(), int_labels((B,)) + 1)
    save(m, "cls_ce_labels_from_1.onnx", "clean", "", "",
         "User's data number the classes from 1, and the training step calls F.cross_entropy(logits, labels - 1): "
         "the loss reads classes 0..4.")

    m = train_export(seeded(Classifier, "ce_float_shift"), feats(), int_labels((B,)) + 1)
    LAST_TRAINED[0] = None  # no loss value: sample labels cannot be drawn through the float round trip
    save(m, "cls_ce_labels_float_shift.onnx", "clean", "", "",
         "As cls_ce_labels_from_1, through labels.float().long() - 1: sample labels cannot be drawn to fit, so the "
         "loss is not confirmed, and no finding blames the model for them.")

    probs = torch.softmax(torch.randn(B, C, generator=torch.Generator().manual_seed(4)), dim=1)
    m = train_export(seeded(Classifier, "ce"), feats(), probs)
    save(m, "cls_ce_prob_labels.onnx", "bug", "label-dtype", "",
         "User trained with F.cross_entropy on float class-probability targets of the logits' shape (N,5): PyTorch accepts "
         "them, but the exporter emits SoftmaxCrossEntropyLoss with float labels, which the ONNX spec and its runtimes reject.")

    m = train_export(seeded(Classifier, "ce"), feats(), int_labels((B,)))
    set_input_type(m, "labels", TensorProto.INT64, ["N", 1])
    save(m, "cls_ce_labels_n1.onnx", "bug", "label-rank", "",
         "User's dataloader yields labels as an (N,1) column for F.cross_entropy on (N,5) logits "
         "(exported with int64[N], then the labels declaration was edited to int64[N,1]).",
         edited=True)

    w5 = [1.0, 2.0, 0.5, 1.5, 1.0]
    m = train_export(seeded(Classifier, "ce", weight=w5), feats(), int_labels((B,)))
    save(m, "cls_ce_weight_ok.onnx", "clean", "", "",
         "User passed a class-weight vector of length 5 to F.cross_entropy for a 5-class head.")

    m = train_export(seeded(Classifier, "ce", weight=w5), feats(), int_labels((B,)))

    replace_initializer(m, "class_weight", np.array([1.0, 2.0, 0.5, 1.5], dtype=np.float32))
    save(m, "cls_ce_weight_len.onnx", "bug", "class-count", "",
         "User computed class weights from a label histogram that missed the last class, giving a length-4 weight for 5 classes "
         "(exported with length 5, then the class_weight initializer was replaced by a length-4 tensor).",
         edited=True)

    m = train_export(seeded(Classifier, "ce", ignore_index=3), feats(), int_labels((B,)))
    save(m, "cls_ce_ignore_index.onnx", "bug", "ignore-index", "",
         "User set ignore_index=3 on a 5-class F.cross_entropy, so real class 3 is silently dropped from the loss.")

    m = train_export(seeded(Classifier, "ce", ignore_index=-1), feats(), int_labels((B,)))
    save(m, "cls_ce_ignore_pad.onnx", "clean", "", "",
         "User set ignore_index=-1 (a padding value outside the 5 classes) on F.cross_entropy.")

    m = train_export(seeded(Classifier, "nll_logsoftmax"), feats(), int_labels((B,)))
    save(m, "cls_nll_logsoftmax.onnx", "clean", "", "",
         "User applied F.log_softmax then F.nll_loss (the exporter fuses the pair into SoftmaxCrossEntropyLoss).")

    m = train_export(seeded(Classifier, "nll_log_softmax"), feats(), int_labels((B,)))
    save(m, "cls_nll_log_of_softmax.onnx", "clean", "", "",
         "User applied torch.log(F.softmax(logits)) then F.nll_loss, so the graph keeps Softmax, Log and NegativeLogLikelihoodLoss.")

    m = train_export(seeded(Classifier, "nll_raw"), feats(), int_labels((B,)))
    save(m, "cls_nll_raw.onnx", "bug", "logits-as-probabilities", "",
         "User called F.nll_loss directly on raw Linear logits, forgetting the log_softmax.")

    # batch folding: trace needs labels matching the folded batch (2*B).
    m = train_export(seeded(ConvFold, True), images(), int_labels((2 * B,)))
    save(m, "cls_batch_fold.onnx", "bug", "batch-mismatch", "",
         "User flattened (N,4,4,4) conv features with a hard-coded view(-1, 32), so the logits have 2N rows for N labels.")

    m = train_export(seeded(ConvFold, False), images(), int_labels((B,)))
    save(m, "cls_batch_view_ok.onnx", "clean", "", "",
         "User flattened conv features with view(x.size(0), -1), keeping the batch dimension N.")


def segmentation_models():
    y = int_labels((B, 8, 8))
    m = train_export(seeded(Segmenter), images(), y, SEG_X, SEG_Y)
    save(m, "seg_ce.onnx", "clean", "", "",
         "User trained a small conv segmenter with F.cross_entropy on (N,5,H,W) logits and int64[N,H,W] masks.")

    m = train_export(seeded(Segmenter), images(), y, SEG_X, SEG_Y)
    set_input_type(m, "labels", TensorProto.INT64, ["N", 1, "H", "W"])
    save(m, "seg_labels_n1hw.onnx", "bug", "label-rank", "",
         "User kept the channel dimension of the masks, declaring labels int64[N,1,H,W] for (N,5,H,W) logits "
         "(exported with int64[N,H,W], then the labels declaration was edited).",
         edited=True)


def sequence_models():
    torch.manual_seed(5)
    T = 7
    tokens = torch.randint(0, 20, (B, T))
    tags = int_labels((B, T))
    ax = {0: "N", 1: "T"}
    m = train_export(seeded(Tagger, True), tokens, tags, ax, ax)
    save(m, "seq_ce_transposed.onnx", "clean", "", "",
         "User's tagger produces (N,T,5) and transposes to (N,5,T) before F.cross_entropy with int64[N,T] tags.")

    # The buggy call only traces when T == C; T is exported as symbolic anyway.
    torch.manual_seed(5)
    tokens = torch.randint(0, 20, (B, C))
    tags = int_labels((B, C))
    m = train_export(seeded(Tagger, False), tokens, tags, ax, ax)
    save(m, "seq_ce_class_axis.onnx", "bug", "class-axis", "",
         "User fed (N,T,5) tagger logits to F.cross_entropy without moving the class axis to dim 1 "
         "(traced with T equal to the class count so PyTorch did not raise).")


def elementwise_models():
    x = feats()
    torch.manual_seed(6)
    t = torch.randn(B, 1)
    m = train_export(seeded(Regressor, "mse"), x, t.view(B))
    save(m, "reg_mse_broadcast.onnx", "bug", "broadcast-loss", "",
         "User computed ((pred - target)**2).mean() with pred (N,1) and target (N,), which broadcasts to an (N,N) matrix.")

    m = train_export(seeded(Regressor, "mse"), x, t)
    save(m, "reg_mse.onnx", "clean", "", "",
         "User computed ((pred - target)**2).mean() with pred and target both (N,1).")

    m = train_export(seeded(Regressor, "l1"), x, t)
    save(m, "reg_l1.onnx", "clean", "", "",
         "User computed (pred - target).abs().mean() with pred and target both (N,1).")

    torch.manual_seed(7)
    yb = torch.randint(0, 2, (B, 1)).float()
    m = train_export(seeded(BinaryClassifier), x, yb)
    save(m, "bin_bce_sigmoid.onnx", "clean", "", "",
         "User applied Sigmoid and then a hand-written BCE -(y*log(p)+(1-y)*log(1-p)).mean() with float targets (N,1).")


def inference_models():
    m = infer_export(seeded(InferClassifier), feats())
    save(m, "infer_classifier.onnx", "clean", "", "--loss cross_entropy --labels labels:int64[N]",
         "User exported a 10-class classifier for inference and will train it with cross_entropy on int64[N] labels.")
    add_row("infer_classifier.onnx", "bug", "label-rank", "--loss cross_entropy --labels labels:float[N,1]",
            "User plans cross_entropy on (N,10) logits with labels stored as a float (N,1) column.")
    add_row("infer_classifier.onnx", "bug", "label-rank",
            "--loss sparse_categorical_crossentropy --labels labels:int64[N,10]",
            "User plans sparse categorical cross-entropy on (N,10) logits but has one-hot (N,10) labels.")

    m = infer_export(seeded(Segmenter, False), images(), SEG_X, {0: "N", 2: "H", 3: "W"})
    save(m, "infer_segmenter.onnx", "clean", "", "--loss cross_entropy --labels labels:int64[N,H,W]",
         "User exported a 5-class segmenter for inference and will train it with cross_entropy on int64[N,H,W] masks.")
    add_row("infer_segmenter.onnx", "bug", "label-rank", "--loss cross_entropy --labels labels:int64[N,1,H,W]",
            "User plans cross_entropy on (N,5,H,W) logits with masks that keep a channel dimension (N,1,H,W).")

    m = infer_export(seeded(ExampleCNN), images())
    save(m, "example_cnn.onnx", "clean", "", "--loss cross_entropy --labels labels:int64[N]",
         "User exported a tiny CNN classifier (Conv, Relu, MaxPool, Flatten, Gemm) with symbolic batch N for 10 classes.")


def external_models():
    m = train_export(seeded(MLP), feats(), int_labels((B,)))
    rel = "external/ext_mlp.onnx"
    path = os.path.join(HERE, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    data = os.path.join(os.path.dirname(path), "ext_mlp.data")
    if os.path.exists(data):           # onnx appends to an existing data file
        os.remove(data)
    onnx.save_model(m, path, save_as_external_data=True, all_tensors_to_one_file=True,
                    location="ext_mlp.data", size_threshold=0)
    add_row(rel, "clean", "", "",
            "User saved a two-layer MLP trained with F.cross_entropy on int64[N] labels with its weights in external data (ext_mlp.data).")


# --------------------------------------------------------------------------
# framework rules: softmax axis, kl_div, multi-task sums, a failing view
# --------------------------------------------------------------------------

class NLLSoftmaxAxis(nn.Module):
    """NLL of torch.log(softmax(x, dim)): dim=0 normalizes over the batch."""

    def __init__(self, dim):
        super().__init__()
        self.fc = nn.Linear(IN_F, C)
        self.dim = dim

    def forward(self, x, labels):
        return F.nll_loss(torch.log(F.softmax(self.fc(x), dim=self.dim)), labels)


class KLDiv(nn.Module):
    """Distillation: kl_div of the student's log-probabilities (or, by
    mistake, its probabilities) against the teacher's probabilities."""

    def __init__(self, log_input):
        super().__init__()
        self.fc = nn.Linear(IN_F, C)
        self.log_input = log_input

    def forward(self, x, labels):
        z = self.fc(x)
        p = F.log_softmax(z, dim=1) if self.log_input else F.softmax(z, dim=1)
        return F.kl_div(p, labels, reduction="batchmean")


class MultiTask(nn.Module):
    """A class head with cross-entropy plus a regression head with a
    hand-written MSE (torch 1.13 cannot export l1_loss/mse_loss's
    reduction-free forms as one op), summed."""

    def __init__(self):
        super().__init__()
        self.cls = nn.Linear(IN_F, C)
        self.reg = nn.Linear(IN_F, 1)

    def forward(self, x, labels, target):
        return F.cross_entropy(self.cls(x), labels) + ((self.reg(x) - target) ** 2).mean()


class ViewFold(nn.Module):
    """view(-1, 11) on 72 features: traced at a batch where N*72 % 11 == 0."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(11, C)

    def forward(self, x):
        return self.fc(x.view(-1, 11))


def framework_models():
    x = feats()
    m = train_export(seeded(NLLSoftmaxAxis, 0), x, int_labels((B,)))
    save(m, "cls_nll_softmax_batch_axis.onnx", "bug", "softmax-axis", "",
         "User wrote F.nll_loss(torch.log(F.softmax(logits, dim=0)), y): the softmax normalizes over the batch, not the classes.")

    torch.manual_seed(8)
    teacher = torch.softmax(torch.randn(B, C), dim=1)
    m = train_export(seeded(KLDiv, True), x, teacher)
    save(m, "distill_kl_div.onnx", "clean", "", "",
         "User distilled with F.kl_div(F.log_softmax(student, 1), teacher_probs, reduction='batchmean').")
    m = train_export(seeded(KLDiv, False), x, teacher)
    save(m, "distill_kl_div_probs.onnx", "bug", "logits-as-probabilities", "",
         "User passed the student's probabilities (F.softmax) to F.kl_div, which takes log-probabilities.")

    torch.manual_seed(9)
    LAST_TRAINED[0] = None
    module = seeded(MultiTask)
    t = torch.randn(B, 1)
    m = export(module, (x, int_labels((B,)), t.view(B)), ["input", "labels", "target"], ["loss"],
               {"input": {0: "N"}, "labels": {0: "N"}, "target": {0: "N"}})
    save(m, "multitask_ce_mse_broadcast.onnx", "bug", "broadcast-loss", "",
         "User summed F.cross_entropy on the class head and ((reg - target)**2).mean() with reg (N,1) and target (N,): the second term broadcasts to (N,N).")
    m = export(module, (x, int_labels((B,)), t), ["input", "labels", "target"], ["loss"],
               {"input": {0: "N"}, "labels": {0: "N"}, "target": {0: "N"}})
    save(m, "multitask_ce_mse.onnx", "clean", "", "",
         "User summed F.cross_entropy on the class head and a hand-written MSE on a (N,1) regression head with (N,1) targets.")

    torch.manual_seed(10)
    m = infer_export(seeded(ViewFold), torch.randn(11, 72), {0: "N"}, {0: "M"})
    save(m, "infer_view_fold.onnx", "bug", "run-failed", "--loss cross_entropy --labels labels:int64[N]",
         "User flattened 72 features with x.view(-1, 11) (traced at N=11, where it happens to divide): at N=4 the view cannot hold 288 elements.")


class LanguageModel(nn.Module):
    """Next-token prediction: (N,T,V) logits flattened with view(-1, V) and
    cross-entropy with ignore_index=-100.  shift=True drops the first label
    of every sequence but keeps all T logits: N*T-N labels for N*T rows."""

    def __init__(self, shift):
        super().__init__()
        self.emb = nn.Embedding(VOCAB, 8)
        self.out = nn.Linear(8, VOCAB)
        self.shift = shift

    def forward(self, tokens, labels):
        logits = self.out(self.emb(tokens))
        if self.shift:
            labels = labels[:, 1:]
        else:
            logits, labels = logits[:, :-1], labels[:, 1:]
        return F.cross_entropy(logits.reshape(-1, VOCAB), labels.reshape(-1), ignore_index=-100)


VOCAB = 11


def language_models():
    torch.manual_seed(11)
    tokens = torch.randint(0, VOCAB, (B, 6))
    axes = {0: "N", 1: "T"}
    m = export(seeded(LanguageModel, False), (tokens, tokens), ["input", "labels"], ["loss"],
               {"input": axes, "labels": axes})
    save(m, "lm_ce_shifted.onnx", "clean", "", "",
         "User trained a tiny language model: logits[:, :-1] and labels[:, 1:] flattened with view(-1, V), F.cross_entropy(ignore_index=-100).")
    labels7 = torch.randint(0, VOCAB, (B, 7))
    m = export(seeded(LanguageModel, True), (tokens, labels7), ["input", "labels"], ["loss"],
               {"input": axes, "labels": axes})
    save(m, "lm_ce_labels_shifted_only.onnx", "bug", "batch-mismatch", "",
         "User shifted the labels by one (labels[:, 1:]) but not the logits: N*T-N labels against N*T rows, never equal for N >= 1 (traced with labels one longer than the tokens so PyTorch did not raise; both declared (N,T)).")


class InferCTC(nn.Module):
    """A tiny speech-style model: (N, F, T) features -> (T, N, C) scores, with
    log_softmax over the classes (or without, by mistake)."""

    def __init__(self, log_softmax):
        super().__init__()
        self.conv = nn.Conv1d(4, 6, kernel_size=1)
        self.log_softmax = log_softmax

    def forward(self, x):
        z = self.conv(x).permute(2, 0, 1)
        return F.log_softmax(z, dim=2) if self.log_softmax else z


def declared_loss_models():
    """The losses torch 1.13 cannot export (smooth_l1, huber, label
    smoothing) and CTC, declared on inference exports."""
    rows = [
        ("clean", "", "--loss smooth_l1 --labels labels:float[N,10]",
         "User plans F.smooth_l1_loss on the 10 outputs with (N,10) targets."),
        ("bug", "broadcast-loss", "--loss smooth_l1 --labels labels:float[N,1]",
         "User plans F.smooth_l1_loss with (N,1) targets for (N,10) outputs: PyTorch warns and broadcasts."),
        ("clean", "", "--loss huber --labels labels:float[N,10]",
         "User plans F.huber_loss on the 10 outputs with (N,10) targets."),
        ("bug", "label-rank", "--loss huber --labels labels:float[N,9]",
         "User plans F.huber_loss with (N,9) targets for (N,10) outputs: the sizes do not broadcast."),
        ("clean", "", "--loss cross_entropy(label_smoothing=0.1) --labels labels:int64[N]",
         "User plans F.cross_entropy(..., label_smoothing=0.1) with int64 class indices."),
        ("bug", "label-dtype", "--loss cross_entropy(label_smoothing=0.1) --labels labels:int32[N]",
         "User plans label-smoothed cross_entropy with int32 labels straight from numpy: PyTorch wants Long."),
        ("clean", "", "--loss bce_with_logits(pos_weight=10) --labels labels:float[N,10]",
         "User plans multi-label BCEWithLogitsLoss(pos_weight=w) with one weight per output."),
        ("bug", "class-count", "--loss bce_with_logits(pos_weight=5) --labels labels:float[N,10]",
         "User plans BCEWithLogitsLoss with a pos_weight of 5 entries for 10 outputs."),
        ("bug", "label-rank", "--loss bce_with_logits --labels labels:float[N,1]",
         "The seed's headline case: a 10-unit head, sigmoid cross-entropy, labels (N,1)."),
    ]
    for kind, rules, cli, desc in rows:
        add_row("infer_classifier.onnx", kind, rules, cli, desc)

    torch.manual_seed(12)
    m = export(seeded(InferCTC, True), (torch.randn(B, 4, 12),), ["input"], ["log_probs"],
               {"input": {0: "N"}, "log_probs": {1: "N"}})
    save(m, "infer_ctc.onnx", "clean", "", "--loss ctc --labels labels:int64[N,4]",
         "User exported a CTC acoustic model: (T,N,C) log-probabilities for 12 steps, padded targets of length 4.")
    add_row("infer_ctc.onnx", "bug", "batch-mismatch", "--loss ctc --labels labels:int64[N+1,4]",
            "User's padded targets have one row more than the batch (a collate function that appends a padding row).")
    add_row("infer_ctc.onnx", "bug", "ctc-lengths", "--loss ctc --labels labels:int64[N,13]",
            "User's targets are 13 labels long but the model keeps only 12 time steps: ctc_loss is inf.")
    add_row("infer_ctc.onnx", "bug", "label-rank", "--loss ctc --labels labels:int64[N,4,1]",
            "User kept a trailing axis on the CTC targets (N,4,1).")
    m = export(seeded(InferCTC, False), (torch.randn(B, 4, 12),), ["input"], ["scores"],
               {"input": {0: "N"}, "scores": {1: "N"}})
    save(m, "infer_ctc_raw.onnx", "bug", "logits-as-probabilities", "--loss ctc --labels labels:int64[N,4]",
         "User forgot log_softmax before F.ctc_loss: raw scores, a loss that can go negative.")


# --------------------------------------------------------------------------
# manifest and verification
# --------------------------------------------------------------------------

def write_manifest():
    with open(os.path.join(HERE, "MANIFEST.tsv"), "w") as f:
        f.write("file\tkind\trules\tcli\tdescription\n")
        for row in MANIFEST:
            f.write("\t".join(row) + "\n")


def fmt_type(vi):
    t = vi.type.tensor_type
    dt = TensorProto.DataType.Name(t.elem_type).lower()
    if not t.HasField("shape"):
        return f"{vi.name}:{dt}[?]"
    dims = [d.dim_param if d.HasField("dim_param") else
            (str(d.dim_value) if d.HasField("dim_value") else "?") for d in t.shape.dim]
    return f"{vi.name}:{dt}[{','.join(dims)}]"


def verify():
    files = []
    for row in MANIFEST:
        if row[0] not in files:
            files.append(row[0])
    print(f"{'file':32} {'bytes':>7}  check  inputs -> outputs | ops")
    ok = True
    for file in files:
        path = os.path.join(HERE, file)
        m = onnx.load(path)             # resolves external data next to the model
        size = os.path.getsize(path)
        if file.startswith("external/"):
            size += os.path.getsize(os.path.join(HERE, "external", "ext_mlp.data"))
        try:
            # Check the loaded proto: check_model(<path>, full_check=True)
            # would write inferred shapes back into the file.
            onnx.checker.check_model(m, full_check=True)
            status = "full"
        except Exception as e:
            if file not in EDITED and file != "cls_ce_prob_labels.onnx":
                print(f"  UNEXPECTED full-check failure for {file}: {e}")
                ok = False
            try:
                onnx.checker.check_model(m)
                status = "basic"
            except Exception as e2:
                print(f"  check_model failed for {file}: {e2}")
                status = "FAIL"
                ok = False
        init = {i.name for i in m.graph.initializer}
        ins = [fmt_type(v) for v in m.graph.input if v.name not in init]
        outs = [fmt_type(v) for v in m.graph.output]
        ops = [n.op_type for n in m.graph.node]
        print(f"{file:32} {size:7d}  {status:5}  {', '.join(ins)} -> {', '.join(outs)} | {' '.join(ops)}")
    total = 0
    for root, _, names in os.walk(HERE):
        for n in names:
            total += os.path.getsize(os.path.join(root, n))
    print(f"total size of models/: {total} bytes")
    if total >= 2 * 1024 * 1024:
        print("models/ is over 2 MB")
        ok = False
    return ok


def write_reference():
    with open(os.path.join(HERE, "LOSS_REFERENCE.tsv"), "w") as f:
        f.write("file\ttorch_loss\n")
        for file, value in REFERENCE:
            f.write("%s\t%.6f\n" % (file, value))


def main():
    seed_models()
    classifier_models()
    segmentation_models()
    sequence_models()
    elementwise_models()
    inference_models()
    external_models()
    framework_models()
    language_models()
    declared_loss_models()
    write_manifest()
    write_reference()
    return 0 if verify() else 1


if __name__ == "__main__":
    sys.exit(main())
