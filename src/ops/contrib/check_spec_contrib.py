#!/usr/bin/python3
"""Compares src/ops/contrib/spec.py with ONNX Runtime's docs/ContribOperators.md.

Run: /usr/bin/python3 src/ops/contrib/check_spec_contrib.py PATH/TO/ContribOperators.md

For every com.microsoft row of spec.py that the document describes, reports
each difference in since_version, attributes (name, type, required),
inputs and outputs (name, optional / variadic / heterogeneous, type string,
the arity range), and type constraints (the set of element types).  Rows the
document does not describe (the training operators, whose schemas live in
orttraining/orttraining/core/graph/training_op_defs.cc, and the default-domain
registrations) are listed for checking by hand.  Exits 1 when a difference
is found.  The document is read from the path given; nothing is downloaded.
"""
import html
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import spec  # noqa: E402

DOC_ATTR = {"int": "int", "float": "float", "string": "string", "list of ints": "ints", "list of floats": "floats",
            "list of strings": "strings", "tensor": "tensor", "graph": "graph", "list of graphs": "graphs",
            "list of tensors": "tensors"}


def parse_doc(text):
    """{name: [section dict, ...]} for the com.microsoft operators."""
    ops = {}
    parts = re.split(r'^### (?:<sub>experimental</sub> )?<a name="com\.microsoft\.(\w+)"></a>', text, flags=re.M)
    for i in range(1, len(parts), 2):
        name, body = parts[i], parts[i + 1]
        sec = {"ver": None, "attrs": {}, "ins": [], "outs": [], "rin": None, "rout": None, "tc": {}}
        m = re.search(r"since version (\d+) of the 'com\.microsoft' operator set", body)
        if m:
            sec["ver"] = int(m.group(1))
        for head, block in re.findall(r"^#### ([^\n]*)\n\n<dl>\n(.*?)</dl>", body, flags=re.M | re.S):
            dts = re.findall(r"<dt>(.*?)</dt>", block)
            if head == "Attributes":
                for dt in dts:
                    m = re.fullmatch(r"<tt>(\w+)</tt> : (.*?)( \(required\))?", dt)
                    sec["attrs"][m.group(1)] = (DOC_ATTR.get(m.group(2), m.group(2)), bool(m.group(3)))
            elif head.startswith("Inputs") or head.startswith("Outputs"):
                key = "ins" if head.startswith("Inputs") else "outs"
                rng = re.search(r"\((\d+) - (\d+|&#8734;)\)", head)
                if rng:
                    hi = None if rng.group(2) == "&#8734;" else int(rng.group(2))
                    sec["r" + key[:-1]] = (int(rng.group(1)), hi)
                for dt in dts:
                    m = re.fullmatch(r"<tt>(\w+)</tt>(?: \((.*?)\))? : (.*)", dt)
                    flags = m.group(2) or ""
                    sec[key].append((m.group(1), html.unescape(m.group(3)).strip(), flags))
            elif head == "Type Constraints":
                for dt in dts:
                    m = re.fullmatch(r"<tt>(\w+)</tt> : (.*)", dt)
                    sec["tc"][m.group(1)] = set(x.strip() for x in html.unescape(m.group(2)).split(","))
        ops.setdefault(name, []).append(sec)
    return ops


def arity(formals):
    lo = hi = 0
    for _, _, opt in formals:
        if opt == "":
            hi += 1
            lo = hi
        elif opt == "?":
            hi += 1
        else:
            lo = hi + (0 if opt.endswith("0") else 1)
            hi = None
    return lo, hi


def doc_opt(flags):
    if "variadic" in flags:
        return "*h" if "heterogeneous" in flags else "*"
    return "?" if "optional" in flags else ""


def compare(row, doc):
    errs = []
    if doc["ver"] != row["ver"]:
        errs.append("since_version: spec %s, doc %s" % (row["ver"], doc["ver"]))
    attrs = {a: (t, r) for a, t, r in row["attrs"] if a != "*"}
    for a in sorted(set(attrs) | set(doc["attrs"])):
        if a not in doc["attrs"]:
            errs.append("attribute %s: in spec, not in doc" % a)
        elif a not in attrs:
            errs.append("attribute %s %s%s: in doc, not in spec" % (a, doc["attrs"][a][0],
                                                                  " (required)" if doc["attrs"][a][1] else ""))
        elif attrs[a] != doc["attrs"][a]:
            errs.append("attribute %s: spec %s, doc %s" % (a, attrs[a], doc["attrs"][a]))
    tcs = {n: set(ts) for n, ts in row["tc"]}
    for key, rkey in (("ins", "rin"), ("outs", "rout")):
        mine, theirs = row[key], doc[key]
        if [f[0] for f in mine] != [f[0] for f in theirs]:
            errs.append("%s names: spec %s, doc %s" % (key, [f[0] for f in mine], [f[0] for f in theirs]))
        for (n, typ, opt), (dn, dtyp, dflags) in zip(mine, theirs):
            want = doc_opt(dflags)
            if opt.rstrip("0") != want:
                errs.append("%s %s: spec option %r, doc %r" % (key, n, opt, dflags))
            if typ != dtyp:
                # a literal type in the spec may stand for a single-type parameter of the doc
                if not (typ.startswith("tensor(") and doc["tc"].get(dtyp) == {typ}) and \
                        not (dtyp.startswith("tensor(") and tcs.get(typ) == {dtyp}):
                    errs.append("%s %s: spec type %s, doc %s" % (key, n, typ, dtyp))
        drange = doc[rkey] or (len(theirs), len(theirs))
        if arity(mine) != drange:
            errs.append("%s range: spec %s, doc %s" % (key, arity(mine), drange))
    for name in sorted(set(tcs) | set(doc["tc"])):
        if name not in doc["tc"]:
            errs.append("type constraint %s: in spec, not in doc" % name)
        elif name not in tcs:
            # fine where the spec writes the parameter's single type literally
            pairs = [(f, d) for key in ("ins", "outs") for f, d in zip(row[key], doc[key]) if d[1] == name]
            if not pairs or any({f[1]} != doc["tc"][name] for f, _ in pairs):
                errs.append("type constraint %s: in doc, not in spec" % name)
        elif tcs[name] != doc["tc"][name]:
            extra, missing = tcs[name] - doc["tc"][name], doc["tc"][name] - tcs[name]
            errs.append("type constraint %s: spec adds %s, lacks %s" % (name, sorted(extra), sorted(missing)))
    return errs


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    doc = parse_doc(open(sys.argv[1]).read())
    bad = checked = 0
    unchecked = []
    for row in spec.OPS:
        if row["domain"] != "com.microsoft" or row["name"] not in doc:
            unchecked.append("%s %s-%d" % (row["domain"] or "ai.onnx", row["name"], row["ver"]))
            continue
        checked += 1
        secs = doc[row["name"]]
        allerrs = [compare(row, s) for s in secs]
        errs = min(allerrs, key=len)
        for e in errs:
            print("%s-%d: %s" % (row["name"], row["ver"], e))
        bad += bool(errs)
    print("%d rows checked against the document, %d differ; %d rows not in it (check by hand against "
          "training_op_defs.cc or contrib_defs.cc): %s" % (checked, bad, len(unchecked), ", ".join(unchecked)))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
