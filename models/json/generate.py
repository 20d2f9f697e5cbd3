#!/usr/bin/python3
"""Generates models/json/odd_names.onnx: a small model whose names, doc
string, metadata and model-local function carry every kind of text JSON has
to escape (quotes, backslashes, control characters, non-ASCII, bytes that
are not UTF-8), for the golden tests of the JSON reports.

Run with Debian's python3-onnx:  /usr/bin/python3 models/json/generate.py
"""
import os

import numpy as np
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    odd = 'x "quoted" \\ back\tslash\x01\u00e9\u2603'
    nodes = [
        helper.make_node("MatMul", [odd, "W"], ["h\nnewline"], name="mat/mul \"0\""),
        helper.make_node("Twice", ["h\nnewline"], ["y"], name="call", domain="local.fn"),
    ]
    fn = helper.make_function("local.fn", "Twice", ["a"], ["b"], [helper.make_node("Add", ["a", "a"], ["b"])],
                              [helper.make_opsetid("", 13)])
    g = helper.make_graph(nodes, "odd \u00e9", [helper.make_tensor_value_info(odd, TensorProto.FLOAT, ["N", "S\"", 4])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)],
                          initializer=[numpy_helper.from_array(np.ones((4, 3), dtype=np.float32), "W")])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13), helper.make_opsetid("local.fn", 1)],
                          functions=[fn], producer_name="gen\u00e9", producer_version="1\x7f", doc_string="doc\r\nline",
                          model_version=7, domain="ai.example")
    for k, v in (("author", "A \"B\""), ("tab\tkey", "\u2603"), ("empty", "")):
        e = m.metadata_props.add()
        e.key, e.value = k, v
    data = bytearray(m.SerializeToString())
    # A name that is not UTF-8: the initializer's name 'W' stays, the
    # graph output 'y' is spelled with a lone 0xff byte in the graph name.
    i = data.find(b"odd \xc3\xa9")
    data[i + 4:i + 6] = b"\xff\xfe"
    with open(os.path.join(HERE, "odd_names.onnx"), "wb") as f:
        f.write(bytes(data))


if __name__ == "__main__":
    main()
