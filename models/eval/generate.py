#!/usr/bin/python3
"""Generates models/eval/params_as_inputs.onnx: a classifier whose
parameters are graph inputs, as torch.onnx.export(..., export_params=False)
and ONNX Runtime's eval artifacts write them, with its cross-entropy loss.
Its 17 million parameter elements are more than confirmation once accepted
(16,777,216 sample elements); the file itself is a few hundred bytes.

Run with Debian's python3-onnx:  /usr/bin/python3 models/eval/generate.py
"""
import os

from onnx import TensorProto, helper

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    d, hidden, classes = 64, 1 << 18, 10  # W1: 64 x 262144 = 16.8 M elements
    f = TensorProto.FLOAT
    inputs = [helper.make_tensor_value_info("x", f, ["N", d]),
              helper.make_tensor_value_info("labels", TensorProto.INT64, ["N"]),
              helper.make_tensor_value_info("fc1.weight", f, [d, hidden]),
              helper.make_tensor_value_info("fc2.weight", f, [hidden, classes])]
    nodes = [helper.make_node("MatMul", ["x", "fc1.weight"], ["h"], name="/fc1/MatMul"),
             helper.make_node("Relu", ["h"], ["r"], name="/relu"),
             helper.make_node("MatMul", ["r", "fc2.weight"], ["logits"], name="/fc2/MatMul"),
             helper.make_node("SoftmaxCrossEntropyLoss", ["logits", "labels"], ["loss"], name="/loss",
                              reduction="mean")]
    g = helper.make_graph(nodes, "eval", inputs, [helper.make_tensor_value_info("loss", f, [])])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)], producer_name="onnxlint-eval")
    with open(os.path.join(HERE, "params_as_inputs.onnx"), "wb") as out:
        out.write(m.SerializeToString())


if __name__ == "__main__":
    main()
