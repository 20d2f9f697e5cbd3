#!/usr/bin/python3
"""Compares src/ops/contrib/spec.py with ONNX Runtime's docs/ContribOperators.md.

Run: /usr/bin/python3 src/ops/contrib/check_spec_contrib.py PATH/TO/ContribOperators.md [DEFS.cc ...]

For every com.microsoft row of spec.py that the document describes, reports
each difference in since_version, attributes (name, type, required),
inputs and outputs (name, optional / variadic / heterogeneous, type string,
the arity range), and type constraints (the set of element types).  Rows the
document does not describe (the training operators, whose schemas live in
orttraining/orttraining/core/graph/training_op_defs.cc, and the default-domain
registrations) are compared with the ONNX_CONTRIB_OPERATOR_SCHEMA chains of
the *_defs.cc files given after the document (training_op_defs.cc,
contrib_defs.cc); rows that neither describes are listed for checking by
hand.  Exits 1 when a difference is found.  The document is read from the path given; nothing is downloaded.
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


def _literals(arg):
    """The concatenated C string literals of one argument, or None."""
    lits = re.findall(r'"((?:[^"\\]|\\.)*)"', arg)
    return "".join(lits) if lits else None


def _calls(block):
    """(method, [argument text]) for every .Method(...) call of a schema chain."""
    out, i = [], 0
    for m in re.finditer(r"\.(\w+)\(", block):
        if m.start() < i:
            continue
        depth, j, args, cur, quote = 1, m.end(), [], "", False
        while j < len(block) and depth:
            c = block[j]
            if quote:
                cur += c
                if c == "\\":
                    cur += block[j + 1]
                    j += 1
                elif c == '"':
                    quote = False
            elif c == '"':
                quote = True
                cur += c
            elif c in "({[":
                depth += 1
                cur += c
            elif c in ")}]":
                depth -= 1
                if depth:
                    cur += c
            elif c == "," and depth == 1:
                args.append(cur.strip())
                cur = ""
            else:
                cur += c
            j += 1
        args.append(cur.strip())
        out.append((m.group(1), args))
        i = j
    return out


# ONNX's named type lists that training_op_defs.cc uses (onnx/defs/schema.cc)
CC_LISTS = {
    "all_tensor_types_ir4": "uint8 uint16 uint32 uint64 int8 int16 int32 int64 bfloat16 float16 float double string "
                            "bool complex64 complex128",
    "numeric_types_for_math_reduction": "uint32 uint64 int32 int64 float16 float double",
    "numeric_types_for_math_reduction_ir4": "uint32 uint64 int32 int64 float16 float double bfloat16",
}

# Differences kept on purpose: (row, text of the difference) -> why.
KNOWN = {
    ("AdamWOptimizer-1", "outs updated_flag: spec type T_FLAG, defs T_BOOL"):
        "training artifacts written by later ONNX Runtime versions carry an int64 updated_flag",
}

CC_ATTR = {"INT": "int", "FLOAT": "float", "STRING": "string", "INTS": "ints", "FLOATS": "floats",
           "STRINGS": "strings", "TENSOR": "tensor", "GRAPH": "graph"}


def parse_defs(text):
    """{(domain, name, version): section} from ONNX_CONTRIB_OPERATOR_SCHEMA chains of a *_defs.cc file."""
    ops = {}
    starts = list(re.finditer(r"ONNX_CONTRIB_OPERATOR_SCHEMA\((\w+)\)", text))
    for k, m in enumerate(starts):
        end = starts[k + 1].start() if k + 1 < len(starts) else len(text)
        block = text[m.end():end]
        blanked = re.sub(r'"(?:[^"\\]|\\.)*"', lambda q: '"' + " " * (len(q.group(0)) - 2) + '"', block)
        if ";" in blanked:
            block = block[:blanked.find(";")]
        sec = {"ver": None, "attrs": {}, "ins": [], "outs": [], "rin": None, "rout": None, "tc": {}, "domain": "",
               "unchecked": False, "unparsed": []}
        for meth, args in _calls(block):
            if meth == "SetDomain":
                sec["domain"] = {"kMSDomain": "com.microsoft", "kOnnxDomain": ""}.get(args[0], args[0])
            elif meth == "SinceVersion":
                sec["ver"] = int(args[0])
            elif meth == "AllowUncheckedAttributes":
                sec["unchecked"] = True
            elif meth == "Attr" and len(args) >= 3:
                typ = CC_ATTR.get(args[2].split("::")[-1], args[2])
                required = len(args) == 3 or args[3] == "true"
                sec["attrs"][_literals(args[0])] = (typ, required)
            elif meth in ("Input", "Output") and len(args) >= 4:
                opt = ""
                rest = " ".join(args[4:])
                if "Optional" in rest:
                    opt = "?"
                elif "Variadic" in rest:
                    opt = "*" if "false" not in rest else "*h"
                    mins = [a for a in args[6:7] if a.isdigit()]
                    if mins and mins[0] == "0":
                        opt += "0"
                sec["ins" if meth == "Input" else "outs"].append((_literals(args[1]), _literals(args[3]), opt))
            elif meth == "TypeConstraint":
                types = re.findall(r'"(tensor\(\w+\)|seq\(tensor\(\w+\)\))"', args[1])
                named = re.fullmatch(r"OpSchema::(\w+)\(\)", args[1])
                if types:
                    sec["tc"][_literals(args[0])] = set(types)
                elif named and named.group(1) in CC_LISTS:
                    sec["tc"][_literals(args[0])] = {"tensor(%s)" % x for x in CC_LISTS[named.group(1)].split()}
                else:
                    sec["unparsed"].append(_literals(args[0]))
        ops.setdefault((sec["domain"], m.group(1), sec["ver"]), sec)
    return ops


def compare_defs(row, d):
    """Differences between a spec row and a parsed *_defs.cc schema."""
    errs = []
    if d["unchecked"] != any(a == "*" for a, _, _ in row["attrs"]):
        errs.append("AllowUncheckedAttributes: spec %s, defs %s" % (not d["unchecked"], d["unchecked"]))
    attrs = {a: (t, r) for a, t, r in row["attrs"] if a != "*"}
    for a in sorted(set(attrs) | set(d["attrs"])):
        if a not in d["attrs"]:
            if not d["unchecked"]:
                errs.append("attribute %s: in spec, not in defs" % a)
        elif a not in attrs:
            errs.append("attribute %s %s: in defs, not in spec" % (a, d["attrs"][a]))
        elif attrs[a] != d["attrs"][a]:
            errs.append("attribute %s: spec %s, defs %s" % (a, attrs[a], d["attrs"][a]))
    tcs = {n: set(ts) for n, ts in row["tc"]}
    for key in ("ins", "outs"):
        mine, theirs = row[key], d[key]
        if [f[0] for f in mine] != [f[0] for f in theirs]:
            errs.append("%s names: spec %s, defs %s" % (key, [f[0] for f in mine], [f[0] for f in theirs]))
        for (n, typ, opt), (_, dtyp, dopt) in zip(mine, theirs):
            if opt != dopt:
                errs.append("%s %s: spec option %r, defs %r" % (key, n, opt, dopt))
            if typ != dtyp and not (typ.startswith("tensor(") and d["tc"].get(dtyp) == {typ}) and \
                    not (dtyp.startswith("tensor(") and tcs.get(typ) == {dtyp}):
                errs.append("%s %s: spec type %s, defs %s" % (key, n, typ, dtyp))
    for name in sorted(set(tcs) & set(d["tc"])):
        if tcs[name] != d["tc"][name]:
            errs.append("type constraint %s: spec adds %s, lacks %s" % (
                name, sorted(tcs[name] - d["tc"][name]), sorted(d["tc"][name] - tcs[name])))
    for name in sorted(set(d["tc"]) - set(tcs)):
        if any(f[1] == name for f in row["ins"] + row["outs"]) or any(f[1] == name for f in d["ins"] + d["outs"]):
            pairs = [f for key in ("ins", "outs") for f, g in zip(row[key], d[key]) if g[1] == name]
            if not pairs or any({f[1]} != d["tc"][name] for f in pairs):
                errs.append("type constraint %s: in defs, not in spec" % name)
    for name in d["unparsed"]:
        errs.append("type constraint %s: not a literal list in the defs, check by hand" % name)
    return errs


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    doc = parse_doc(open(sys.argv[1]).read())
    defs = {}
    for path in sys.argv[2:]:
        defs.update(parse_defs(open(path).read()))
    bad = checked = 0
    unchecked = []
    for row in spec.OPS:
        key = (row["domain"], row["name"], row["ver"])
        if row["domain"] == "com.microsoft" and row["name"] in doc:
            errs = min((compare(row, s) for s in doc[row["name"]]), key=len)
        elif key in defs:
            errs = compare_defs(row, defs[key])
        else:
            unchecked.append("%s %s-%d" % (row["domain"] or "ai.onnx", row["name"], row["ver"]))
            continue
        checked += 1
        name = "%s-%d" % (row["name"], row["ver"])
        errs = [e for e in errs if (name, e) not in KNOWN]
        for e in errs:
            print("%s-%d: %s" % (row["name"], row["ver"], e))
        bad += bool(errs)
    print("%d rows checked, %d differ; %d rows described by neither the document nor the definitions given%s" % (
        checked, bad, len(unchecked), (": " + ", ".join(unchecked)) if unchecked else ""))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
