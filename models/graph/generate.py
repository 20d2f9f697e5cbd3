#!/usr/bin/python3
"""Generates one small model per graph rule of `onnxlint check` (and a clean
neighbour) into models/graph/, with models/graph/EXPECTED.tsv listing the
rules each must fire (file, rules; empty for the clean one; RULE:SEVERITY
where the severity is part of what is tested).

Run with Debian's python3-onnx:  /usr/bin/python3 models/graph/generate.py
"""
import os

from onnx import TensorProto, helper, numpy_helper
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROWS = []


def model(nodes, inputs, outputs, name, rules, inits=(), opset=13, value_info=(), imports=()):
    g = helper.make_graph(nodes, name, inputs, outputs, initializer=list(inits), value_info=list(value_info))
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)] + [helper.make_opsetid(d, v) for d, v in imports],
                          producer_name="onnxlint-graph-rules")
    with open(os.path.join(HERE, name + ".onnx"), "wb") as f:
        f.write(m.SerializeToString())
    ROWS.append((name + ".onnx", ",".join(rules)))


def vi(name, dims, elem=TensorProto.FLOAT):
    return helper.make_tensor_value_info(name, elem, dims)


def w(name, shape):
    return numpy_helper.from_array(np.ones(shape, dtype=np.float32), name)


def main():
    x = vi("x", ["N", 4])
    # clean: MatMul (N,4)x(4,3)
    model([helper.make_node("MatMul", ["x", "W"], ["y"])], [x], [vi("y", ["N", 3])], "clean", [], [w("W", (4, 3))])
    # shape-error: MatMul inner dims 4 vs 5
    model([helper.make_node("MatMul", ["x", "W"], ["y"])], [x], [vi("y", None)], "shape_error", ["shape-error"],
          [w("W", (5, 3))])
    # shape-error: a U-Net skip connection on an odd length: Conv (stride 2)
    # then ConvTranspose (stride 2) makes 200 of 201 steps, and the Concat
    # with the skip fails at run time in every runtime
    skip = vi("x", [1, 4, 201])
    model([helper.make_node("Conv", ["x", "Wd"], ["down"], kernel_shape=[2], strides=[2]),
           helper.make_node("ConvTranspose", ["down", "Wu"], ["up"], kernel_shape=[2], strides=[2]),
           helper.make_node("Concat", ["up", "x"], ["y"], axis=1)], [skip], [vi("y", None)],
          "unet_odd_length", ["shape-error:error"], [w("Wd", (4, 4, 2)), w("Wu", (4, 4, 2))])
    # type-error: an attribute Relu does not have
    model([helper.make_node("Relu", ["x"], ["y"], alpha=0.1)], [x], [vi("y", None)], "type_error", ["type-error"])
    # declared-shape-mismatch: output declared (N,7), MatMul makes (N,3): ONNX
    # Runtime runs it and returns (N,3), a warning for the output's consumers
    model([helper.make_node("MatMul", ["x", "W"], ["y"])], [x], [vi("y", ["N", 7])], "declared_mismatch",
          ["declared-shape-mismatch:warning"], [w("W", (4, 3))])
    # ... an output declared int64 that is float: ONNX Runtime refuses the model
    model([helper.make_node("Relu", ["x"], ["y"])], [x], [vi("y", ["N", 4], TensorProto.INT64)],
          "declared_type_mismatch", ["declared-shape-mismatch:error"])
    # ... a value_info hint whose shape differs: the runtimes replace it
    model([helper.make_node("Relu", ["x"], ["t"]), helper.make_node("Neg", ["t"], ["y"])], [x], [vi("y", ["N", 4])],
          "value_info_mismatch", ["declared-shape-mismatch:note"], value_info=[vi("t", ["N", 5])])
    # undefined-value
    model([helper.make_node("Add", ["x", "ghost"], ["y"])], [x], [vi("y", None)], "undefined_value",
          ["undefined-value"])
    # duplicate-name
    model([helper.make_node("Relu", ["x"], ["y"]), helper.make_node("Neg", ["x"], ["y"])], [x], [vi("y", None)],
          "duplicate_name", ["duplicate-name"])
    # not-topological: the consumer comes first
    model([helper.make_node("Neg", ["t"], ["y"]), helper.make_node("Relu", ["x"], ["t"])], [x], [vi("y", None)],
          "not_topological", ["not-topological"])
    # cycle
    model([helper.make_node("Add", ["x", "b"], ["a"]), helper.make_node("Relu", ["a"], ["b"])], [x], [vi("a", None)],
          "cycle", ["cycle"])
    # unknown-op: Gelu does not exist in opset 13
    model([helper.make_node("Gelu", ["x"], ["y"])], [x], [vi("y", None)], "unknown_op", ["unknown-op"])
    # opset: a domain used without an import
    model([helper.make_node("LabelEncoder", ["x"], ["y"], domain="ai.onnx.ml")], [x], [vi("y", None)],
          "missing_opset", ["opset"])
    # opset: a custom domain used without an import (ONNX Runtime refuses it)
    model([helper.make_node("CustomOpOne", ["x"], ["y"], domain="com.example")], [x], [vi("y", None)],
          "missing_custom_opset", ["opset:error"])
    # opset: a model that imports no opset at all (ONNX Runtime refuses it)
    g = helper.make_graph([helper.make_node("Relu", ["x"], ["y"])], "no_opset_import", [x], [vi("y", None)])
    m = helper.make_model(g, opset_imports=[], producer_name="onnxlint-graph-rules")
    del m.opset_import[:]
    with open(os.path.join(HERE, "no_opset_import.onnx"), "wb") as f:
        f.write(m.SerializeToString())
    ROWS.append(("no_opset_import.onnx", "opset:error"))
    # opset: an ai.onnx.ml version that does not exist
    model([helper.make_node("Relu", ["x"], ["y"])], [x], [vi("y", None)], "ml_opset_nonexistent", ["opset:error"],
          imports=[("ai.onnx.ml", 11)])
    # unknown-op: a TensorRT plugin written into the default domain
    model([helper.make_node("EfficientNMS_TRT", ["x"], ["y"])], [x], [vi("y", None)], "tensorrt_plugin",
          ["unknown-op:error"])
    # unused-input
    model([helper.make_node("Relu", ["x"], ["y"])], [x, vi("labels", ["N"], TensorProto.INT64)], [vi("y", None)],
          "unused_input", ["unused-input"])
    # dead-node
    model([helper.make_node("Relu", ["x"], ["y"]), helper.make_node("Neg", ["x"], ["unused"])], [x],
          [vi("y", None)], "dead_node", ["dead-node"])
    # clean: a main-graph value read only two subgraphs down (an If in an If
    # branch) is live, not a dead node
    c = vi("c", [], TensorProto.BOOL)
    inner_then = helper.make_graph([helper.make_node("Identity", ["r"], ["a"])], "inner_then", [], [vi("a", ["N", 4])])
    inner_else = helper.make_graph([helper.make_node("Identity", ["x"], ["b"])], "inner_else", [], [vi("b", ["N", 4])])
    mid_then = helper.make_graph([helper.make_node("If", ["c"], ["m"], then_branch=inner_then, else_branch=inner_else)],
                                 "mid_then", [], [vi("m", ["N", 4])])
    mid_else = helper.make_graph([helper.make_node("Identity", ["x"], ["n"])], "mid_else", [], [vi("n", ["N", 4])])
    model([helper.make_node("Relu", ["x"], ["r"], name="read_two_levels_down"),
           helper.make_node("If", ["c"], ["y"], then_branch=mid_then, else_branch=mid_else, name="outer_if")],
          [x, c], [vi("y", ["N", 4])], "nested_outer_read", [])
    # unknown-shape: a loss whose labels have no declared shape
    labels = helper.make_tensor_value_info("labels", TensorProto.INT64, None)
    model([helper.make_node("SoftmaxCrossEntropyLoss", ["x", "labels"], ["loss"])], [x, labels], [vi("loss", [])],
          "unknown_shape", ["unknown-shape"])
    with open(os.path.join(HERE, "EXPECTED.tsv"), "w") as f:
        f.write("file\trules\n")
        for row in ROWS:
            f.write("\t".join(row) + "\n")


if __name__ == "__main__":
    main()
