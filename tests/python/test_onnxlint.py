"""The Python package from a fresh install: run by tests/e2e/python.sh with
Debian's /usr/bin/python3 and PYTHONPATH set to the installed package."""
import os
import sys

import onnxlint

src = os.environ["SRC"]
failures = []


def expect(condition, what):
    if not condition:
        failures.append(what)
        print("FAIL: " + what, file=sys.stderr)


# The package loaded the installed library, not one from the build tree.
expect(onnxlint._library_path().startswith(os.environ["PREFIX"]), "library from the prefix: " + onnxlint._library_path())

# A buggy model: the seed article's class-count bug, with its evidence.
report = onnxlint.check(os.path.join(src, "models/seed_class_count.onnx"))
expect([f.rule for f in report.errors] == ["class-count"], "buggy model: %r" % report.findings)
finding = report.findings[0]
expect(finding.node == "/Mul_1" and finding.confirmed is True, "finding node/confirmed: %r" % vars(finding))
expect(finding.values["labels"].shape == ["N", 4] and finding.values["logits"].shape == ["N", 5],
       "finding values: %r" % finding.values)
expect("cannot broadcast" in finding.evidence, "evidence: %r" % finding.evidence)
expect("one-hot encode with num_classes=5" in finding.fix, "fix: %r" % finding.fix)
expect(report.losses[0].kind == "bce_with_logits", "loss kind: %r" % report.losses)
expect("error[class-count]" in report.text(), "text report")

# A clean model, from bytes: no finding, its loss computed at random init.
with open(os.path.join(src, "models/seed_clean_ce.onnx"), "rb") as f:
    report = onnxlint.check(f.read(), name="clean.onnx")
expect(report.findings == [] and report.model == "clean.onnx", "clean model: %r" % report.findings)
expect(len(report.losses) == 1 and abs(report.losses[0].value - 1.9652) < 1e-3, "clean loss: %r" % report.losses)

# A declared loss on an inference-only export, with dims; bad options raise UsageError.
report = onnxlint.check(os.path.join(src, "models/infer_classifier.onnx"), loss="categorical_crossentropy",
                        labels="labels:int64[N]", dims={"N": 8})
expect([f.rule for f in report.errors] == ["label-rank"], "declared loss: %r" % report.findings)
for bad in ({"loss": "crossentropy", "labels": "labels:int64[N]"},
            {"loss": "cross_entropy", "labels": "labels:int64[N]", "dims": {"Q": 3}}):
    try:
        onnxlint.check(os.path.join(src, "models/infer_classifier.onnx"), **bad)
        expect(False, "no UsageError for %r" % bad)
    except onnxlint.UsageError as e:
        expect("did you mean" in str(e), "usage message: %s" % e)
try:
    onnxlint.check(os.path.join(src, "models/missing.onnx"))
    expect(False, "no ModelError for a missing file")
except onnxlint.ModelError as e:
    expect("missing.onnx" in str(e), "model error message: %s" % e)

# shapes: the inferred types.
values = {v["name"]: v for v in onnxlint.shapes(os.path.join(src, "models/seed_clean_ce.onnx"))}
expect(values["/fc/Gemm_output_0"]["shape"] == ["N", 5], "shapes: %r" % values.get("/fc/Gemm_output_0"))

# check_torch: a module with the seed bug, exported in memory.
import torch  # noqa: E402


class Head(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = torch.nn.Linear(16, 5)

    def forward(self, input, labels):
        return torch.nn.functional.binary_cross_entropy_with_logits(self.fc(input), labels)


torch.manual_seed(0)
report = onnxlint.check_torch(Head(), (torch.randn(4, 16), torch.zeros(4, 5)))
expect(report.findings == [] and report.losses and report.losses[0].kind == "bce_with_logits",
       "check_torch clean: %r %r" % (report.findings, report.losses))


class Classifier(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = torch.nn.Linear(16, 5)

    def forward(self, input):
        return self.fc(input)


report = onnxlint.check_torch(Classifier(), torch.randn(4, 16), loss="bce_with_logits", labels="labels:float[N,4]")
expect(len(report.errors) == 1 and "must be the same as input size" in (report.errors[0].why or ""),
       "check_torch buggy: %r" % report.findings)

print("%d failed" % len(failures))
sys.exit(1 if failures else 0)
