#!/usr/bin/python3
"""Generates the benchmark models into bench/out/ (not committed: about 3 GB
of files, most of it one sparse file).

  resnet50.onnx                 ResNet-50 (random init, dynamic batch N), ~100 MB
  decoder.onnx                  a ~360 MB transformer decoder, weights embedded
  decoder_ext.onnx + .data      the same with external data
  chain50k.onnx, chain100k.onnx 50,000 / 100,000-node elementwise chains
  big_external.onnx + .data     a MatMul whose 2.3 GB weight is external data
                                (a sparse file: cheap to make, never read)
  bert_base_eval.onnx           a BERT-base-sized classifier (110 M parameters)
                                with its cross-entropy loss, exported with
                                export_params=False: every parameter is a graph
                                input, the form of ONNX Runtime's eval artifacts
  bert_large_eval.onnx          the same at BERT-large size (335 M parameters)

Run with Debian's python3-torch and python3-onnx: /usr/bin/python3 bench/generate.py
"""
import os
import sys

import onnx
import torch
import torch.nn as nn
from onnx import TensorProto, helper

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "out")


class Bottleneck(nn.Module):
    def __init__(self, cin, width, stride):
        super().__init__()
        cout = width * 4
        self.conv1 = nn.Conv2d(cin, width, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(width)
        self.conv2 = nn.Conv2d(width, width, 3, stride=stride, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(width)
        self.conv3 = nn.Conv2d(width, cout, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(cout)
        self.down = None
        if stride != 1 or cin != cout:
            self.down = nn.Sequential(nn.Conv2d(cin, cout, 1, stride=stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        y = torch.relu(self.bn1(self.conv1(x)))
        y = torch.relu(self.bn2(self.conv2(y)))
        y = self.bn3(self.conv3(y))
        return torch.relu(y + (self.down(x) if self.down is not None else x))


class ResNet50(nn.Module):
    def __init__(self, classes=1000):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 64, 7, stride=2, padding=3, bias=False), nn.BatchNorm2d(64),
                                  nn.ReLU(), nn.MaxPool2d(3, stride=2, padding=1))
        layers, cin = [], 64
        for width, blocks, stride in [(64, 3, 1), (128, 4, 2), (256, 6, 2), (512, 3, 2)]:
            for b in range(blocks):
                layers.append(Bottleneck(cin, width, stride if b == 0 else 1))
                cin = width * 4
        self.layers = nn.Sequential(*layers)
        self.fc = nn.Linear(2048, classes)

    def forward(self, x):
        x = self.layers(self.stem(x))
        return self.fc(torch.flatten(torch.mean(x, dim=(2, 3)), 1))


class Block(nn.Module):
    def __init__(self, d, heads, ffn):
        super().__init__()
        self.heads = heads
        self.ln1 = nn.LayerNorm(d)
        self.qkv = nn.Linear(d, 3 * d)
        self.proj = nn.Linear(d, d)
        self.ln2 = nn.LayerNorm(d)
        self.up = nn.Linear(d, ffn)
        self.down = nn.Linear(ffn, d)

    def forward(self, x):
        n, t, d = x.shape
        q, k, v = self.qkv(self.ln1(x)).split(d, dim=2)
        q = q.view(n, t, self.heads, d // self.heads).transpose(1, 2)
        k = k.view(n, t, self.heads, d // self.heads).transpose(1, 2)
        v = v.view(n, t, self.heads, d // self.heads).transpose(1, 2)
        a = torch.softmax(q @ k.transpose(2, 3) / (d // self.heads) ** 0.5, dim=-1) @ v
        x = x + self.proj(a.transpose(1, 2).reshape(n, t, d))
        return x + self.down(torch.relu(self.up(self.ln2(x))))


class Decoder(nn.Module):
    def __init__(self, vocab=32000, d=1024, layers=2, heads=16, ffn=4096):
        super().__init__()
        self.emb = nn.Embedding(vocab, d)
        self.blocks = nn.Sequential(*[Block(d, heads, ffn) for _ in range(layers)])
        self.ln = nn.LayerNorm(d)
        self.head = nn.Linear(d, vocab, bias=False)

    def forward(self, ids):
        return self.head(self.ln(self.blocks(self.emb(ids))))


class BertBlock(nn.Module):
    def __init__(self, d, heads, ffn):
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(d, 3 * d)
        self.proj = nn.Linear(d, d)
        self.ln1 = nn.LayerNorm(d)
        self.up = nn.Linear(d, ffn)
        self.down = nn.Linear(ffn, d)
        self.ln2 = nn.LayerNorm(d)

    def forward(self, x):
        n, t, d = x.shape
        q, k, v = self.qkv(x).split(d, dim=2)
        q = q.view(n, t, self.heads, d // self.heads).transpose(1, 2)
        k = k.view(n, t, self.heads, d // self.heads).transpose(1, 2)
        v = v.view(n, t, self.heads, d // self.heads).transpose(1, 2)
        a = torch.softmax(q @ k.transpose(2, 3) / (d // self.heads) ** 0.5, dim=-1) @ v
        x = self.ln1(x + self.proj(a.transpose(1, 2).reshape(n, t, d)))
        return self.ln2(x + self.down(torch.nn.functional.gelu(self.up(x))))


class BertClassifier(nn.Module):
    """BERT-base's sizes (vocab 30522, d 768, 12 layers, 12 heads, ffn 3072,
    512 positions) with a pooler, a 2-class head and the loss."""

    def __init__(self, vocab=30522, d=768, layers=12, heads=12, ffn=3072, positions=512, classes=2):
        super().__init__()
        self.words = nn.Embedding(vocab, d)
        self.positions = nn.Embedding(positions, d)
        self.types = nn.Embedding(2, d)
        self.ln = nn.LayerNorm(d)
        self.blocks = nn.Sequential(*[BertBlock(d, heads, ffn) for _ in range(layers)])
        self.pool = nn.Linear(d, d)
        self.head = nn.Linear(d, classes)

    def forward(self, ids, labels):
        t = ids.shape[1]
        pos = torch.arange(t).unsqueeze(0)
        x = self.ln(self.words(ids) + self.positions(pos) + self.types(torch.zeros_like(ids)))
        x = self.blocks(x)
        logits = self.head(torch.tanh(self.pool(x[:, 0])))
        return torch.nn.functional.cross_entropy(logits, labels)


def export_eval(module, path):
    ids, labels = torch.zeros(2, 8, dtype=torch.long), torch.zeros(2, dtype=torch.long)
    torch.onnx.export(module.eval(), (ids, labels), path, input_names=["input_ids", "labels"], output_names=["loss"],
                      opset_version=14, export_params=False, do_constant_folding=False,
                      dynamic_axes={"input_ids": {0: "N", 1: "T"}, "labels": {0: "N"}})


def export(module, args, path, names, axes):
    torch.onnx.export(module.eval(), args, path, input_names=names, output_names=["y"], opset_version=14,
                      dynamic_axes=axes, do_constant_folding=False)


def chain(n, path):
    nodes, prev = [], "x"
    for i in range(n):
        nodes.append(helper.make_node(["Relu", "Neg", "Sigmoid", "Abs"][i % 4], [prev], ["v%d" % i], name="n%d" % i))
        prev = "v%d" % i
    g = helper.make_graph(nodes, "chain", [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 64])],
                          [helper.make_tensor_value_info(prev, TensorProto.FLOAT, None)])
    onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)]), path)


def big_external(path, data_name, n=24576):
    data = os.path.join(os.path.dirname(path), data_name)
    size = n * n * 4
    with open(data, "wb") as f:  # sparse: no block is written
        f.truncate(size)
    w = helper.make_tensor_value_info("W", TensorProto.FLOAT, [n, n])
    t = TensorProto(name="W", data_type=TensorProto.FLOAT, dims=[n, n])
    t.data_location = TensorProto.EXTERNAL
    for k, v in (("location", data_name), ("offset", "0"), ("length", str(size))):
        e = t.external_data.add()
        e.key, e.value = k, v
    g = helper.make_graph([helper.make_node("MatMul", ["x", "W"], ["y"])], "big",
                          [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", n])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)], initializer=[t])
    del w
    with open(path, "wb") as f:
        f.write(helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)]).SerializeToString())


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.manual_seed(0)
    p = lambda name: os.path.join(OUT, name)  # noqa: E731
    if not os.path.exists(p("resnet50.onnx")):
        export(ResNet50(), (torch.randn(1, 3, 224, 224),), p("resnet50.onnx"), ["x"], {"x": {0: "N"}, "y": {0: "N"}})
    if not os.path.exists(p("decoder.onnx")):
        export(Decoder(), (torch.zeros(1, 16, dtype=torch.long),), p("decoder.onnx"), ["ids"],
               {"ids": {0: "N", 1: "T"}, "y": {0: "N", 1: "T"}})
    if not os.path.exists(p("decoder_ext.onnx")):
        m = onnx.load(p("decoder.onnx"))
        onnx.save_model(m, p("decoder_ext.onnx"), save_as_external_data=True, all_tensors_to_one_file=True,
                        location="decoder_ext.data", size_threshold=1024)
    for n, name in ((50000, "chain50k.onnx"), (100000, "chain100k.onnx")):
        if not os.path.exists(p(name)):
            chain(n, p(name))
    if not os.path.exists(p("bert_base_eval.onnx")):
        export_eval(BertClassifier(), p("bert_base_eval.onnx"))
    if not os.path.exists(p("bert_large_eval.onnx")):
        export_eval(BertClassifier(d=1024, layers=24, heads=16, ffn=4096), p("bert_large_eval.onnx"))
    if not os.path.exists(p("big_external.onnx")):
        big_external(p("big_external.onnx"), "big_external.data")
    for f in sorted(os.listdir(OUT)):
        print("%-22s %12d bytes" % (f, os.path.getsize(p(f))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
