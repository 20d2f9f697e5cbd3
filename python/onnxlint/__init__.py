"""onnxlint from Python: ctypes over the installed libonnxlint.so.

    import onnxlint
    report = onnxlint.check("model.onnx", loss="cross_entropy", labels="labels:int64[N]")
    assert not report.errors, report.text()

check() and shapes() take a path or the bytes of a model; check_torch()
exports a torch.nn.Module to ONNX in memory (torch.onnx.export) and checks
it.  Findings and losses carry the same fields as `onnxlint check --format
json`.  Bad options raise onnxlint.UsageError (the command line's exit 2),
models that cannot be read onnxlint.ModelError.
"""

import ctypes
import io
import json
import os

__all__ = ["check", "check_torch", "shapes", "Report", "Finding", "Loss", "Value", "OnnxlintError", "UsageError",
           "ModelError"]

_FORMAT_TEXT, _FORMAT_JSON = 0, 1
_EINVAL = 6


class OnnxlintError(Exception):
    """A failure of the library, with its one-line message."""


class UsageError(OnnxlintError, ValueError):
    """An option that does not fit the model (an unknown loss, a --dim for a symbol it lacks...)."""


class ModelError(OnnxlintError):
    """A model that cannot be read (missing, truncated, malformed, unsafe external data)."""


class _Error(ctypes.Structure):
    _fields_ = [("status", ctypes.c_int), ("message", ctypes.c_char * 1024)]


class _CheckOptions(ctypes.Structure):
    _fields_ = [("loss", ctypes.c_char_p), ("labels", ctypes.c_char_p), ("logits", ctypes.c_char_p),
                ("from_logits", ctypes.c_int), ("no_confirm", ctypes.c_int), ("seed", ctypes.c_uint64),
                ("dims", ctypes.POINTER(ctypes.c_char_p)), ("n_dims", ctypes.c_size_t),
                ("inputs", ctypes.POINTER(ctypes.c_char_p)), ("n_inputs", ctypes.c_size_t),
                ("dims_shared", ctypes.c_int)]


_WRITE_FN = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.POINTER(ctypes.c_char), ctypes.c_size_t)


def _library_path():
    explicit = os.environ.get("ONNXLINT_LIBRARY")
    if explicit:
        return explicit
    here = os.path.dirname(os.path.abspath(__file__))
    try:
        from . import _paths
        candidate = os.path.normpath(os.path.join(here, _paths.LIBRARY_DIR, "libonnxlint.so"))
        if os.path.exists(candidate):
            return candidate
    except ImportError:
        pass
    return "libonnxlint.so"  # the loader's search path


_lib = None


def _library():
    global _lib
    if _lib is None:
        lib = ctypes.CDLL(_library_path())
        p = ctypes.POINTER
        model = ctypes.c_void_p
        lib.onnxlint_model_load.argtypes = [ctypes.c_char_p, ctypes.c_void_p, p(model), p(_Error)]
        lib.onnxlint_model_load_buffer.argtypes = [ctypes.c_char_p, ctypes.c_void_p, ctypes.c_size_t,
                                                   ctypes.c_void_p, p(model), p(_Error)]
        lib.onnxlint_model_free.argtypes = [model]
        lib.onnxlint_model_free.restype = None
        lib.onnxlint_check.argtypes = [model, p(_CheckOptions), p(_Error)]
        lib.onnxlint_findings_write.argtypes = [p(model), ctypes.c_size_t, ctypes.c_int, ctypes.c_int, _WRITE_FN,
                                                ctypes.c_void_p, p(_Error)]
        lib.onnxlint_shapes_write.argtypes = [model, ctypes.c_int, _WRITE_FN, ctypes.c_void_p, p(_Error)]
        _lib = lib
    return _lib


class Value:
    """A value a finding is about: name, dtype, shape (ints and symbol strings), type text, note."""

    def __init__(self, role, fields):
        self.role = role
        self.name = fields.get("name")
        self.dtype = fields.get("dtype")
        self.shape = fields.get("shape")
        self.type = fields.get("type")
        self.note = fields.get("note")

    def __repr__(self):
        return "Value(%s=%r %s)" % (self.role, self.name, self.type)


class Finding:
    """One finding: rule, severity, node, message, values (role -> Value), fix, why, confirmed, evidence."""

    def __init__(self, fields):
        self.rule = fields["rule"]
        self.severity = fields["severity"]
        self.node = fields.get("node")
        self.message = fields.get("message")
        self.values = {role: Value(role, v) for role, v in (fields.get("values") or {}).items()}
        self.fix = fields.get("fix")
        self.why = fields.get("why")
        self.confirmed = fields.get("confirmed")
        self.evidence = fields.get("evidence")

    def __str__(self):
        where = " node '%s'" % self.node if self.node else ""
        return "%s[%s]%s: %s" % (self.severity, self.rule, where, self.message)

    def __repr__(self):
        return "Finding(%s)" % self


class Loss:
    """A loss that was checked: kind, node, logits, value at random init (or None), evidence."""

    def __init__(self, fields):
        self.kind = fields.get("kind")
        self.node = fields.get("node")
        self.logits = fields.get("logits")
        self.value = fields.get("value")
        self.evidence = fields.get("evidence")

    def __repr__(self):
        return "Loss(%s at %r, value=%r)" % (self.kind, self.node, self.value)


class Report:
    """What check() found in one model."""

    def __init__(self, fields, text):
        self.model = fields.get("model")
        self.findings = [Finding(f) for f in fields.get("findings", [])]
        self.losses = [Loss(l) for l in fields.get("losses", [])]
        self.summary = fields.get("summary", {})
        self._text = text

    def at_least(self, severity):
        order = {"note": 0, "warning": 1, "error": 2}
        return [f for f in self.findings if order[f.severity] >= order[severity]]

    @property
    def errors(self):
        return self.at_least("error")

    def text(self):
        """The report as `onnxlint check` prints it."""
        return self._text

    def __repr__(self):
        return "Report(%r, %d findings, %d losses)" % (self.model, len(self.findings), len(self.losses))


def _raise(err, usage=False):
    message = err.message.decode("utf-8", "replace")
    raise (UsageError if usage or err.status == _EINVAL else ModelError)(message)


class _Model:
    """A loaded model (freed on exit)."""

    def __init__(self, model, name="model.onnx"):
        self.lib = _library()
        self.handle = ctypes.c_void_p()
        err = _Error()
        if isinstance(model, (bytes, bytearray, memoryview)):
            self.data = ctypes.create_string_buffer(bytes(model), len(model))  # kept alive with the model
            rc = self.lib.onnxlint_model_load_buffer(name.encode(), self.data, len(model), None,
                                                     ctypes.byref(self.handle), ctypes.byref(err))
        else:
            rc = self.lib.onnxlint_model_load(os.fsencode(model), None, ctypes.byref(self.handle),
                                              ctypes.byref(err))
        if rc != 0:
            _raise(err)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.lib.onnxlint_model_free(self.handle)
        self.handle = None

    def write(self, function, *args):
        chunks = []

        def sink(_ctx, data, length):
            chunks.append(ctypes.string_at(data, length))
            return 0

        callback = _WRITE_FN(sink)
        err = _Error()
        if function(*args, callback, None, ctypes.byref(err)) != 0:
            _raise(err)
        return b"".join(chunks).decode("utf-8")


def _strings(values):
    encoded = [v.encode() if isinstance(v, str) else v for v in values]
    array = (ctypes.c_char_p * (len(encoded) + 1))(*encoded)
    return array, len(encoded)


def _first(document):
    return document[0] if isinstance(document, list) else document


def check(model, loss=None, labels=None, dims=None, logits=None, from_logits=False, inputs=None, seed=0,
          confirm=True, name="model.onnx"):
    """Checks a model (a path, or its bytes) and returns a Report.

    loss and labels declare the loss of an inference-only export
    ("cross_entropy", "labels:int64[N]"); dims binds symbolic dims for the
    sample data ({"N": 8}); inputs gives real data for graph inputs or the
    declared labels ({"labels": "labels.npy"}).
    """
    dims = dims or {}
    inputs = inputs or {}
    dim_array, n_dims = _strings(["%s=%s" % (k, v) for k, v in dims.items()])
    input_array, n_inputs = _strings(["%s=%s" % (k, os.fspath(v)) for k, v in inputs.items()])
    options = _CheckOptions(loss=loss.encode() if loss else None, labels=labels.encode() if labels else None,
                            logits=logits.encode() if logits else None, from_logits=int(bool(from_logits)),
                            no_confirm=int(not confirm), seed=seed, dims=dim_array, n_dims=n_dims,
                            inputs=input_array, n_inputs=n_inputs)
    with _Model(model, name) as m:
        err = _Error()
        if m.lib.onnxlint_check(m.handle, ctypes.byref(options), ctypes.byref(err)) != 0:
            _raise(err)
        handles = (ctypes.c_void_p * 1)(m.handle)
        text = m.write(m.lib.onnxlint_findings_write, handles, 1, _FORMAT_TEXT, 0)
        document = json.loads(m.write(m.lib.onnxlint_findings_write, handles, 1, _FORMAT_JSON, 0))
    return Report(_first(document), text)


def shapes(model, name="model.onnx"):
    """The inferred element type and shape of every value: a list of dicts
    (name, dtype, shape with ints and symbol strings, kind), as
    `onnxlint shapes --format json` lists them."""
    with _Model(model, name) as m:
        err = _Error()
        options = _CheckOptions(no_confirm=1)  # infers, as `onnxlint shapes` does
        if m.lib.onnxlint_check(m.handle, ctypes.byref(options), ctypes.byref(err)) != 0:
            _raise(err)
        document = json.loads(m.write(m.lib.onnxlint_shapes_write, m.handle, _FORMAT_JSON))
    return _first(document).get("values", [])


def check_torch(module, example_inputs, loss=None, labels=None, dims=None, opset=13, **options):
    """Exports a torch.nn.Module to ONNX in memory and checks it.

    example_inputs is a tensor or a tuple of tensors for forward().  A
    module that computes its loss in forward(input, labels) is checked as
    it is; for a module that returns logits, declare loss and labels
    ("cross_entropy", "labels:int64[N]").  Dim 0 of every input and
    output is exported as the symbol N.
    """
    import inspect
    import torch

    if not isinstance(example_inputs, tuple):
        example_inputs = (example_inputs,)
    try:
        params = [p for p in inspect.signature(module.forward).parameters.values()
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        names = [p.name for p in params][:len(example_inputs)]
    except (TypeError, ValueError):
        names = []
    if len(names) != len(example_inputs):
        names = ["input_%d" % i for i in range(len(example_inputs))]
    with torch.no_grad():
        outputs = module(*example_inputs)
    n_outputs = len(outputs) if isinstance(outputs, (tuple, list)) else 1
    if n_outputs == 1:
        output_names = ["logits" if loss else "loss"]
    else:
        output_names = ["output_%d" % i for i in range(n_outputs)]
    dynamic = {}
    for n, t in zip(names, example_inputs):
        if getattr(t, "dim", lambda: 0)() > 0:
            dynamic[n] = {0: "N"}
    outs = outputs if isinstance(outputs, (tuple, list)) else (outputs,)
    for n, t in zip(output_names, outs):
        if getattr(t, "dim", lambda: 0)() > 0:
            dynamic[n] = {0: "N"}
    buffer = io.BytesIO()
    was_training = module.training
    module.eval()
    try:
        torch.onnx.export(module, example_inputs, buffer, input_names=names, output_names=output_names,
                          dynamic_axes=dynamic, opset_version=opset, do_constant_folding=False)
    finally:
        module.train(was_training)
    return check(buffer.getvalue(), loss=loss, labels=labels, dims=dims,
                 name="%s.onnx" % type(module).__name__, **options)
