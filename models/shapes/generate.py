#!/usr/bin/python3
"""Generates the shape-inference showcase models in models/shapes/ and their
expected inferred types in models/shapes/EXPECTED.tsv (file, value, type).

These are the cases where onnxlint's inference must be exact where ONNX's
own reference degrades: symbolic arithmetic through Concat, a Reshape fed by
Shape->Gather->Unsqueeze->Concat with a dynamic batch, conv arithmetic on
symbolic spatial dims, If branches that agree, unification of two
symbols that must be equal, broadcasting that proves no equality, an If
branch that reads its enclosing branch's value, an IR-3 model whose
initializers are also graph inputs, an anonymous batch dim, and a
model-local function whose body reads the caller's attributes.

Run with Debian's python3-torch and python3-onnx:
    /usr/bin/python3 models/shapes/generate.py
"""
import os

import onnx
import onnx.numpy_helper
import torch
from onnx import TensorProto, helper

HERE = os.path.dirname(os.path.abspath(__file__))
EXPECTED = []


def save(model, name, expected, check=True):
    if check:  # outputs left without a shape on purpose fail the 1.12 checker
        onnx.checker.check_model(model)
    onnx.save(model, os.path.join(HERE, name))
    for value, type_text in expected:
        EXPECTED.append((name, value, type_text))


def torch_export(module, args, name, input_names, dynamic_axes, expected):
    path = os.path.join(HERE, name)
    torch.onnx.export(module, args, path, input_names=input_names, output_names=["y"], opset_version=13,
                      dynamic_axes=dynamic_axes, do_constant_folding=False)
    model = onnx.load(path)
    # Keep the graph minimal: drop what the exporter inferred, onnxlint infers it.
    del model.graph.value_info[:]
    save(model, name, expected)


class Flatten(torch.nn.Module):
    def forward(self, x):
        return x.view(x.size(0), -1)


class ConvStack(torch.nn.Module):
    def __init__(self):
        super().__init__()
        torch.manual_seed(0)
        self.conv = torch.nn.Conv2d(3, 8, 3, stride=2, padding=1)
        self.pool = torch.nn.MaxPool2d(2)

    def forward(self, x):
        return self.pool(self.conv(x))


def main():
    torch_export(Flatten(), (torch.randn(2, 3, 224, 224),), "flatten_dynamic_batch.onnx", ["x"],
                 {"x": {0: "N"}, "y": {0: "N"}}, [("y", "float[N,150528]")])
    torch_export(ConvStack(), (torch.randn(2, 3, 32, 32),), "conv_symbolic.onnx", ["x"],
                 {"x": {0: "N", 2: "H", 3: "W"}, "y": {0: "N", 2: "H2", 3: "W2"}},
                 [("y", "float[N,8,floor((H+1)/4),floor((W+1)/4)]")])

    # (N,10) concat (5,10) on axis 0: N+5, not an anonymous dim.
    g = helper.make_graph(
        [helper.make_node("Concat", ["a", "b"], ["c"], axis=0), helper.make_node("Relu", ["c"], ["y"])],
        "concat_symbolic",
        [helper.make_tensor_value_info("a", TensorProto.FLOAT, ["N", 10]),
         helper.make_tensor_value_info("b", TensorProto.FLOAT, [5, 10])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)])
    save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)]), "concat_symbolic.onnx",
         [("c", "float[N+5,10]"), ("y", "float[N+5,10]")], check=False)

    # MatMul of (batch,K) and (N,4): the inner dims K and N must be equal and are unified.
    g = helper.make_graph(
        [helper.make_node("MatMul", ["a", "b"], ["y"])], "unify",
        [helper.make_tensor_value_info("a", TensorProto.FLOAT, ["batch", "K"]),
         helper.make_tensor_value_info("b", TensorProto.FLOAT, ["N", 4])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)])
    save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)]), "unify_symbols.onnx",
         [("y", "float[batch,4]")], check=False)

    # Add of (N,4) and (M,4) proves nothing: N=1, M=3 is (3,4), N=M=2 is (2,4).
    g = helper.make_graph(
        [helper.make_node("Add", ["a", "b"], ["y"])], "broadcast",
        [helper.make_tensor_value_info("a", TensorProto.FLOAT, ["N", 4]),
         helper.make_tensor_value_info("b", TensorProto.FLOAT, ["M", 4])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)])
    save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)]), "broadcast_symbols.onnx",
         [("y", "float[?,4]")], check=False)

    # If whose branches agree on (N,4): the merged output keeps it.
    then_g = helper.make_graph([helper.make_node("Relu", ["x"], ["t"])], "then", [],
                               [helper.make_tensor_value_info("t", TensorProto.FLOAT, None)])
    else_g = helper.make_graph([helper.make_node("Neg", ["x"], ["e"])], "else", [],
                               [helper.make_tensor_value_info("e", TensorProto.FLOAT, None)])
    g = helper.make_graph(
        [helper.make_node("If", ["cond"], ["y"], then_branch=then_g, else_branch=else_g)], "if_merge",
        [helper.make_tensor_value_info("cond", TensorProto.BOOL, []),
         helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 4])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)])
    save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)]), "if_merge.onnx", [("y", "float[N,4]")],
         check=False)

    # An If branch reads a value of its enclosing branch from a nested If:
    # scoping, not a cycle (Silero VAD's form).
    inner_then = helper.make_graph([helper.make_node("Identity", ["b"], ["it"])], "inner_then", [],
                                   [helper.make_tensor_value_info("it", TensorProto.FLOAT, None)])
    inner_else = helper.make_graph([helper.make_node("Neg", ["b"], ["ie"])], "inner_else", [],
                                   [helper.make_tensor_value_info("ie", TensorProto.FLOAT, None)])
    then_g = helper.make_graph(
        [helper.make_node("Relu", ["x"], ["b"]),
         helper.make_node("If", ["cond"], ["io"], then_branch=inner_then, else_branch=inner_else)], "then", [],
        [helper.make_tensor_value_info("io", TensorProto.FLOAT, None)])
    else_g = helper.make_graph([helper.make_node("Identity", ["x"], ["eo"])], "else", [],
                               [helper.make_tensor_value_info("eo", TensorProto.FLOAT, None)])
    g = helper.make_graph(
        [helper.make_node("If", ["cond"], ["y"], then_branch=then_g, else_branch=else_g)], "nested_if",
        [helper.make_tensor_value_info("cond", TensorProto.BOOL, []),
         helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 3])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)])
    model = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)])
    save(model, "nested_if_outer_value.onnx", [("y", "float[N,3]")], check=False)

    # IR version 3: every initializer is also a graph input (the format
    # required it), here with no shape declared: the input is the constant.
    rng = torch.Generator().manual_seed(0)
    wt = torch.randn(8, 3, 3, 3, generator=rng).numpy()
    g = helper.make_graph(
        [helper.make_node("Conv", ["x", "W"], ["c"], pads=[1, 1, 1, 1]),
         helper.make_node("Reshape", ["c", "shape"], ["y"])], "ir3",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 8, 8]),
         helper.make_tensor_value_info("W", TensorProto.FLOAT, None),
         helper.make_tensor_value_info("shape", TensorProto.INT64, None)],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)],
        [onnx.numpy_helper.from_array(wt, "W"),
         helper.make_tensor("shape", TensorProto.INT64, [2], [1, -1])])
    model = helper.make_model(g, opset_imports=[helper.make_opsetid("", 6)], ir_version=3)
    save(model, "ir3_initializer_inputs.onnx", [("c", "float[1,8,8,8]"), ("y", "float[1,512]")], check=False)

    # skl2onnx's None batch: a dim with neither value nor name becomes a
    # symbol of its own, kept through the graph.
    g = helper.make_graph(
        [helper.make_node("MatMul", ["X", "coef"], ["scores"]),
         helper.make_node("ArgMax", ["scores"], ["label"], axis=1, keepdims=0)], "anonymous_batch",
        [helper.make_tensor_value_info("X", TensorProto.FLOAT, [None, 4])],
        [helper.make_tensor_value_info("label", TensorProto.INT64, [None])],
        [onnx.numpy_helper.from_array(torch.ones(4, 3).numpy(), "coef")])
    save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)]), "anonymous_batch.onnx",
         [("scores", "float[unk__0,3]"), ("label", "int64[unk__0]")])

    # A model-local function whose body reads its attribute by reference
    # (ref_attr_name, as PyTorch 2's exporter writes them): each call's own
    # axis, or the function's default (FunctionProto.attribute_proto, IR 9,
    # which this onnx has no field for: appended as field 11 on the wire).
    body = helper.make_node("Concat", ["a", "b"], ["c"])
    ref = onnx.AttributeProto(name="axis", ref_attr_name="axis", type=onnx.AttributeProto.INT)
    body.attribute.append(ref)
    fn = helper.make_function("local", "Cat", ["a", "b"], ["c"], [body], [helper.make_opsetid("", 13)], ["axis"])
    default = helper.make_attribute("axis", 1).SerializeToString()
    wire = fn.SerializeToString() + bytes([(11 << 3) | 2, len(default)]) + default
    fn = onnx.FunctionProto.FromString(wire)
    g = helper.make_graph(
        [helper.make_node("Cat", ["x", "x2"], ["rows"], domain="local", axis=0),
         helper.make_node("Cat", ["x", "y"], ["cols"], domain="local")], "function_attribute_refs",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 3]),
         helper.make_tensor_value_info("x2", TensorProto.FLOAT, [4, 3]),
         helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 5])],
        [helper.make_tensor_value_info("rows", TensorProto.FLOAT, None),
         helper.make_tensor_value_info("cols", TensorProto.FLOAT, None)])
    model = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13), helper.make_opsetid("local", 1)],
                              functions=[fn], ir_version=9)
    save(model, "function_attribute_refs.onnx", [("rows", "float[N+4,3]"), ("cols", "float[N,8]")], check=False)
    data = os.path.join(HERE, "function_attribute_refs_data")
    os.makedirs(data, exist_ok=True)
    for k, (name, shape) in enumerate([("x", (2, 3)), ("x2", (4, 3)), ("y", (2, 5))]):
        t = onnx.numpy_helper.from_array(torch.full(shape, float(k + 1)).numpy(), name)
        with open(os.path.join(data, "input_%d.pb" % k), "wb") as f:
            f.write(t.SerializeToString())

    with open(os.path.join(HERE, "EXPECTED.tsv"), "w") as f:
        f.write("file\tvalue\ttype\n")
        for row in EXPECTED:
            f.write("\t".join(row) + "\n")
    print("wrote %d models" % len(set(r[0] for r in EXPECTED)))


if __name__ == "__main__":
    main()
