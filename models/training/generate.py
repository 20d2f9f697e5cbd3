#!/usr/bin/python3
"""Writes small ONNX Runtime training artifacts in ONNX Runtime's exact
conventions (as onnxruntime.training.artifacts.generate_artifacts writes
them for a PyTorch MLP: opset imports, node names, onnx::loss::N,
P_grad.accumulation.buffer, lazy_reset_grad, com.microsoft gradient and
accumulator operators with their attributes), built with onnx.helper since
the training package is not installable here.  Clean artifacts, one model
per training rule, and the classic forward-part bugs injected into the
training graph.  EXPECTED.tsv lists what `onnxlint check` must report.

Run: /usr/bin/python3 models/training/generate.py
"""
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
F, I64, B = TensorProto.FLOAT, TensorProto.INT64, TensorProto.BOOL
OPSETS = [("", 14), ("com.microsoft.nchwc", 1), ("ai.onnx.ml", 4), ("ai.onnx.training", 1),
          ("ai.onnx.preview.training", 1), ("com.microsoft", 1), ("com.microsoft.experimental", 1),
          ("org.pytorch.aten", 1)]
IN, HID, OUT = 16, 32, 5
PARAMS = [("fc1.weight", [HID, IN]), ("fc1.bias", [HID]), ("fc2.weight", [OUT, HID]), ("fc2.bias", [OUT])]


def vi(name, elem, dims):
    return helper.make_tensor_value_info(name, elem, dims)


def model(nodes, inputs, outputs, inits, opsets=OPSETS, ir=7):
    g = helper.make_graph(nodes, "torch_jit", inputs, outputs, inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid(d, v) for d, v in opsets],
                          producer_name="pytorch", producer_version="2.1.2")
    m.ir_version = ir
    return m


def forward(labels=("labels", I64, ["batch_size"]), softmax=False, classes=OUT, batch="batch_size"):
    """The forward part: fc1 -> relu -> fc2 -> [Softmax] -> SoftmaxCrossEntropyLoss."""
    params = [(n, [classes] + d[1:] if n.startswith("fc2") else d) for n, d in PARAMS]
    nodes = [
        helper.make_node("Gemm", ["input", "fc1.weight", "fc1.bias"], ["/fc1/Gemm_output_0"], "/fc1/Gemm",
                         alpha=1.0, beta=1.0, transB=1),
        helper.make_node("Relu", ["/fc1/Gemm_output_0"], ["/relu/Relu_output_0"], "/relu/Relu"),
        helper.make_node("Gemm", ["/relu/Relu_output_0", "fc2.weight", "fc2.bias"], ["output"], "/fc2/Gemm",
                         alpha=1.0, beta=1.0, transB=1),
    ]
    scores = "output"
    if softmax:
        nodes.append(helper.make_node("Softmax", ["output"], ["/softmax/Softmax_output_0"], "/softmax/Softmax",
                                      axis=1))
        scores = "/softmax/Softmax_output_0"
    nodes.append(helper.make_node("SoftmaxCrossEntropyLoss", [scores, labels[0]], ["onnx::loss::8", "onnx::log_prob::9"],
                                  "onnx::SoftmaxCrossEntropyLoss::10", reduction="mean"))
    inputs = [vi("input", F, [batch, IN]), vi(*labels)] + [vi(n, F, d) for n, d in params]
    outputs = [vi("onnx::loss::8", F, []), vi("output", F, [batch, classes])]
    return nodes, inputs, outputs, scores


def backward(scores, labels="labels", buffers=None, accumulate=None, grad_fc2_bias="fc2.bias_grad"):
    """The gradient half and the accumulators, as ONNX Runtime writes them."""
    buffers = buffers or {n: d for n, d in PARAMS}
    accumulate = accumulate or {n: n + "_grad" for n, _ in PARAMS}
    nodes = [
        helper.make_node("SoftmaxCrossEntropyLossGrad", ["onnx::loss::8_grad", "onnx::log_prob::9", labels],
                         [scores + "_grad"], "onnx::SoftmaxCrossEntropyLoss::10_Grad/SoftmaxCrossEntropyLossGrad_0",
                         domain="com.microsoft", reduction="mean"),
    ]
    if scores != "output":
        nodes.append(helper.make_node("SoftmaxGrad_13", [scores + "_grad", scores], ["output_grad"],
                                      "/softmax/Softmax_Grad/SoftmaxGrad_13_0", domain="com.microsoft", axis=1))
    nodes += [
        helper.make_node("ReduceSum", ["output_grad", "/fc2/Gemm_Grad/ReduceAxes_for_/fc2/Gemm_Grad/dC_reduced"],
                         ["/fc2/Gemm_Grad/dC_reduced"], "/fc2/Gemm_Grad/ReduceSum_3", keepdims=0,
                         noop_with_empty_axes=0),
        helper.make_node("Identity", ["/fc2/Gemm_Grad/dC_reduced"], [grad_fc2_bias], "/fc2/Gemm_Grad/Identity_4"),
        helper.make_node("Gemm", ["output_grad", "/relu/Relu_output_0"], ["fc2.weight_grad"], "/fc2/Gemm_Grad/Gemm_1",
                         beta=0.0, transA=1, alpha=1.0, transB=0),
        helper.make_node("Gemm", ["output_grad", "fc2.weight"], ["/relu/Relu_output_0_grad"],
                         "/fc2/Gemm_Grad/Gemm_0", beta=0.0, alpha=1.0, transA=0, transB=0),
        helper.make_node("ReluGrad", ["/relu/Relu_output_0_grad", "/relu/Relu_output_0"], ["/fc1/Gemm_output_0_grad"],
                         "/relu/Relu_Grad/ReluGrad_0", domain="com.microsoft"),
        helper.make_node("ReduceSum", ["/fc1/Gemm_output_0_grad",
                                       "/fc1/Gemm_Grad/ReduceAxes_for_/fc1/Gemm_Grad/dC_reduced"],
                         ["/fc1/Gemm_Grad/dC_reduced"], "/fc1/Gemm_Grad/ReduceSum_2", keepdims=0,
                         noop_with_empty_axes=0),
        helper.make_node("Identity", ["/fc1/Gemm_Grad/dC_reduced"], ["fc1.bias_grad"], "/fc1/Gemm_Grad/Identity_3"),
        helper.make_node("Gemm", ["/fc1/Gemm_output_0_grad", "input"], ["fc1.weight_grad"], "/fc1/Gemm_Grad/Gemm_0",
                         beta=0.0, transA=1, alpha=1.0, transB=0),
    ]
    inputs, outputs = [], []
    for k, (name, _) in enumerate(PARAMS):
        buf = name + "_grad.accumulation.buffer"
        inputs.append(vi(buf, F, buffers[name]))
        if accumulate.get(name) is None:
            continue
        nodes.append(helper.make_node("InPlaceAccumulatorV2", [buf, accumulate[name], "lazy_reset_grad"],
                                      [name + "_grad.accumulation.out"], "GradientAccumulator%d" % (k + 2),
                                      domain="com.microsoft"))
        outputs.append(vi(name + "_grad.accumulation.out", B, [1]))
    inputs.append(vi("lazy_reset_grad", B, [1]))
    inits = [helper.make_tensor("onnx::loss::8_grad", F, [], [1.0]),
             helper.make_tensor("/fc1/Gemm_Grad/ReduceAxes_for_/fc1/Gemm_Grad/dC_reduced", I64, [1], [0]),
             helper.make_tensor("/fc2/Gemm_Grad/ReduceAxes_for_/fc2/Gemm_Grad/dC_reduced", I64, [1], [0])]
    return nodes, inputs, outputs, inits


def training(name, labels=("labels", I64, ["batch_size"]), softmax=False, **kw):
    fn, fi, fo, scores = forward(labels, softmax)
    bn, bi, bo, inits = backward(scores, labels[0], **kw)
    onnx.save(model(fn + bn, fi + bi, fo + bo, inits), os.path.join(HERE, name))


def evaluation(name, labels=("labels", I64, ["batch_size"]), classes=OUT, batch="batch_size"):
    fn, fi, fo, _ = forward(labels, classes=classes, batch=batch)
    onnx.save(model(fn, fi, fo, [], opsets=[("", 14)]), os.path.join(HERE, name))


def optimizer(name):
    seq = helper.make_tensor_sequence_value_info
    node = helper.make_node("AdamWOptimizer", ["learning_rate", "step", "params", "gradients", "first_order_moments",
                                               "second_order_moments"], ["onnx::adamw.updated_flag::11"],
                            "onnx::AdamWOptimizer::12", domain="com.microsoft", adam_mode=1, alpha=0.9, beta=0.999,
                            correct_bias=1, epsilon=1e-6, weight_decay=0.0)
    inputs = [vi("learning_rate", F, [1]), vi("step", I64, [1])] + [
        seq(n, F, None) for n in ("params", "gradients", "first_order_moments", "second_order_moments")]
    m = model([node], inputs, [vi("onnx::adamw.updated_flag::11", B, [1])], [],
              opsets=[("com.microsoft", 1), ("", 14)], ir=9)
    m.graph.name = "graph"
    onnx.save(m, os.path.join(HERE, name))


def main():
    training("mlp_training_model.onnx")
    evaluation("mlp_eval_model.onnx")
    optimizer("mlp_optimizer_model.onnx")
    # gradient-shape: fc2.weight's buffer is (5, 16), not the parameter's (5, 32).
    training("bug_gradient_shape_training_model.onnx",
             buffers=dict(PARAMS, **{"fc2.weight": [OUT, IN]}))
    # missing-gradient: fc2.bias's buffer is never accumulated.
    training("bug_missing_gradient_training_model.onnx",
             accumulate={"fc1.weight": "fc1.weight_grad", "fc1.bias": "fc1.bias_grad",
                         "fc2.weight": "fc2.weight_grad", "fc2.bias": None})
    # train-eval-mismatch (checked together with mlp_training_model.onnx): the
    # eval graph of another export, a 10-class head.
    evaluation("bug_train_eval_eval_model.onnx", classes=10)
    # Anonymous dims (as onnx's symbolic shape inference names them): the
    # input's unk__2 and the labels' unk__5 are unknown, not a mismatch.
    evaluation("anonymous_dims_eval_model.onnx", labels=("labels", I64, ["unk__5"]), batch="unk__2")
    # The classic loss bugs injected into the training graph's forward part.
    training("bug_float_labels_training_model.onnx", labels=("labels", F, ["batch_size"]))
    training("bug_labels_n1_training_model.onnx", labels=("labels", I64, ["batch_size", 1]))
    training("bug_softmax_training_model.onnx", softmax=True)
    training("bug_fixed_label_batch_training_model.onnx", labels=("labels", I64, [3]))


def run_inputs():
    """Inputs for `onnxlint run` of the training graph's forward part, and the
    loss PyTorch's formula gives on them (run/loss.txt)."""
    rng = np.random.RandomState(0)
    arrays = [("input", rng.randn(2, IN).astype(np.float32)), ("labels", np.array([1, 3], dtype=np.int64))]
    arrays += [(n, (rng.randn(*d) * 0.1).astype(np.float32)) for n, d in PARAMS]
    folder = os.path.join(HERE, "run")
    os.makedirs(folder, exist_ok=True)
    for name, a in arrays:
        with open(os.path.join(folder, name + ".pb"), "wb") as f:
            f.write(numpy_helper.from_array(a, name).SerializeToString())
    v = dict(arrays)
    h = np.maximum(v["input"] @ v["fc1.weight"].T + v["fc1.bias"], 0)
    z = (h @ v["fc2.weight"].T + v["fc2.bias"]).astype(np.float64)
    lp = z - np.log(np.exp(z).sum(1, keepdims=True))
    with open(os.path.join(folder, "loss.txt"), "w") as f:
        f.write("%.5f\n" % -lp[np.arange(2), v["labels"]].mean())


if __name__ == "__main__":
    main()
    run_inputs()
