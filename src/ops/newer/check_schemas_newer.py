#!/usr/bin/python3
"""Consistency check of src/ops/schemas_newer.inc (and schemas.inc for overlap)."""
import re
import sys

path = sys.argv[1]
text = open(path).read()
arrays = {}
for kind, tag, body in re.findall(r"static const ol_(formal|attr_spec|type_constraint) (\w+)\[\] = \{(.*)\};", text):
    assert tag not in arrays, "duplicate array " + tag
    items = re.findall(r"\{([^{}]*)\}", body)
    arrays[tag] = (kind, [[x.strip() for x in it.split(",")] for it in items])
rows = re.findall(r'^    \{("[^"]*"), ("[^"]*"), (.*)\},$', text, re.M)
errors = []
keys = []
used = set()
for dom, name, rest in rows:
    f = [x.strip() for x in rest.split(",")]
    ver, nin, nout = int(f[0]), int(f[1]), int(f[2])
    tin, tout, tattr, ttc = f[3:7]
    ncons, dep = int(f[7]), f[8]
    mn_i, mx_i, mn_o, mx_o = map(int, f[9:13])
    keys.append((dom.strip('"'), name.strip('"'), ver))
    where = "%s %s-%d" % (dom, name, ver)
    for t in (tin, tout, tattr, ttc):
        if t not in arrays:
            errors.append(where + ": missing array " + t)
        used.add(t)
    if not tin.endswith("_%s_%d" % (name.strip('"'), ver)):
        errors.append(where + ": array tag does not match row: " + tin)
    ins = arrays[tin][1]
    outs = arrays[tout][1]
    if nin == 0:
        if ins != [["0", "255", "false"]]:
            errors.append(where + ": no inputs but in_ array is not the placeholder")
        ins = []
    elif len(ins) != nin:
        errors.append(where + ": n_inputs %d, in_ has %d" % (nin, len(ins)))
    if len(outs) != nout:
        errors.append(where + ": n_outputs %d, out_ has %d" % (nout, len(outs)))
    tcs = arrays[ttc][1]
    if len(tcs) != ncons:
        errors.append(where + ": n_constraints %d, tc_ has %d" % (ncons, len(tcs)))
    for fo in ins + outs:
        c = int(fo[1])
        if c != 255 and c >= ncons:
            errors.append(where + ": formal constraint index %d out of range" % c)
        if fo[0] not in ("0", "1", "2"):
            errors.append(where + ": bad option " + fo[0])
    for m in tcs:
        if not any(int(x.rstrip("u"), 16) for x in m):
            errors.append(where + ": empty type constraint")
    attrs = arrays[tattr][1]
    if attrs[-1] != ["NULL", "0", "false"]:
        errors.append(where + ": attributes not NULL-terminated")
    names = [a[0].strip('"') for a in attrs[:-1]]
    if names != sorted(names) or len(set(names)) != len(names):
        errors.append(where + ": attributes not sorted/unique")
    for a in attrs[:-1]:
        if not 1 <= int(a[1]) <= 14:
            errors.append(where + ": bad attribute type " + a[1])

    def span(formals):
        lo = hi = 0
        for i, fo in enumerate(formals):
            if fo[0] == "0":
                hi += 1
                lo = hi
            elif fo[0] == "1":
                hi += 1
            else:
                if i != len(formals) - 1:
                    errors.append(where + ": variadic formal not last")
                return (hi, hi + 1), 255  # OpSchema: min = formals before + arity (0 or 1)
        return (lo, lo), hi
    lo_i, hi_i = span(ins)
    lo_o, hi_o = span(outs)
    if mn_i not in lo_i or mx_i != hi_i or mn_o not in lo_o or mx_o != hi_o:
        errors.append(where + ": arity %d-%d/%d-%d does not follow the formals" % (mn_i, mx_i, mn_o, mx_o))
    if dep not in ("true", "false"):
        errors.append(where + ": bad deprecated flag")
if keys != sorted(keys):
    errors.append("rows not sorted by (domain, name, since_version)")
if len(set(keys)) != len(keys):
    errors.append("duplicate rows")
if set(arrays) - used:
    errors.append("unused arrays: %s" % sorted(set(arrays) - used))
if len(sys.argv) > 2:  # the generated table: no newer row may repeat one of its versions
    old = set((d, n, int(v)) for d, n, v in re.findall(r'^    \{"([^"]*)", "([^"]*)", (\d+),', open(sys.argv[2]).read(), re.M))
    both = old & set(keys)
    if both:
        errors.append("rows already in schemas.inc: %s" % sorted(both))
    if any(d == "" and v <= 17 for d, _, v in keys) or any(d == "ai.onnx.ml" and v <= 3 for d, _, v in keys):
        errors.append("a row of an opset the generated table already covers")
print("%d rows, %d arrays, %d errors" % (len(rows), len(arrays), len(errors)))
for e in errors:
    print("ERROR", e)
sys.exit(1 if errors else 0)
