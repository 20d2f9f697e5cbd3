"""Schema rows from a transcribed spec: the row logic shared by
src/ops/newer/gen_schemas_newer.py and src/ops/contrib/gen_schemas_contrib.py
(the layout of src/ops/gen_schemas.py's schemas.inc), and the type masks
gen_schemas.py computes too.
"""
import re

ELEM = {
    "float": 1, "uint8": 2, "int8": 3, "uint16": 4, "int16": 5, "int32": 6, "int64": 7,
    "string": 8, "bool": 9, "float16": 10, "double": 11, "uint32": 12, "uint64": 13,
    "complex64": 14, "complex128": 15, "bfloat16": 16, "float8e4m3fn": 17, "float8e4m3fnuz": 18,
    "float8e5m2": 19, "float8e5m2fnuz": 20, "uint4": 21, "int4": 22, "float4e2m1": 23, "float8e8m0": 24,
    "uint2": 25, "int2": 26,
}
ATTR = {"float": 1, "int": 2, "string": 3, "tensor": 4, "graph": 5, "floats": 6, "ints": 7, "strings": 8,
        "tensors": 9, "graphs": 10, "sparse_tensor": 11, "sparse_tensors": 12, "type_proto": 13, "type_protos": 14}
UNBOUNDED = 255
STRICT = True  # transcription checks that ONNX itself does not always meet


def masks(type_strs, unconstrained=()):
    """tensor, sequence, optional(tensor), optional(seq) bit masks; type
    strings starting with one of unconstrained are left out."""
    m = [0, 0, 0, 0]
    for t in type_strs:
        mt = re.fullmatch(r"tensor\((\w+)\)", t)
        ms = re.fullmatch(r"seq\(tensor\((\w+)\)\)", t)
        mo = re.fullmatch(r"optional\(tensor\((\w+)\)\)", t)
        mos = re.fullmatch(r"optional\(seq\(tensor\((\w+)\)\)\)", t)
        if mt:
            m[0] |= 1 << ELEM[mt.group(1)]
        elif ms:
            m[1] |= 1 << ELEM[ms.group(1)]
        elif mo:
            m[2] |= 1 << ELEM[mo.group(1)]
        elif mos:
            m[3] |= 1 << ELEM[mos.group(1)]
        elif unconstrained and t.startswith(unconstrained):
            pass
        else:
            raise ValueError("unhandled type string " + t)
    return m


def arity(formals):
    """(min, max) as OpSchema::Finalize computes them."""
    lo = hi = 0
    for i, (_, _, opt) in enumerate(formals):
        if opt == "":
            hi += 1
            lo = hi
        elif opt == "?":
            hi += 1
        else:
            assert i == len(formals) - 1, "only the last formal may be variadic"
            lo = hi + (0 if opt.endswith("0") else 1)
            hi = None
    return lo, hi


def build(ops, prefix):
    """(lines, rows): the arrays and the table rows of ops, array tags prefixed with prefix."""
    ops = sorted(ops, key=lambda s: (s["domain"], s["name"], s["ver"]))
    keys = [(s["domain"], s["name"], s["ver"]) for s in ops]
    assert len(set(keys)) == len(keys), "duplicate rows"
    lines, rows = [], []
    for s in ops:
        tag = prefix + re.sub(r"\W", "_", "%s_%s_%d" % (s["domain"] or "onnx", s["name"], s["ver"]))
        constraints, index = [], {}
        for name, types in s["tc"]:
            assert name not in index, (s["name"], name)
            index[name] = len(constraints)
            constraints.append(masks(types))
        used = set()

        def formal(p):
            _, typ, opt = p
            if typ in index:
                c = index[typ]
                used.add(typ)
            else:
                constraints.append(masks([typ]))
                c = len(constraints) - 1
            option = {"": 0, "?": 1}.get(opt, 2)
            homogeneous = not opt.startswith("*h")
            return "{%d, %d, %s}" % (option, c, "true" if homogeneous else "false")

        ins = [formal(p) for p in s["ins"]]
        outs = [formal(p) for p in s["outs"]]
        assert not STRICT or used == set(index), (s["name"], s["ver"], "unused type parameter", set(index) - used)
        names = [a[0] for a in s["attrs"]]
        assert names == sorted(names), (s["name"], s["ver"], "attributes not sorted")
        assert len(set(names)) == len(names)
        attrs = ['{"%s", %d, %s}' % (a, ATTR[t], "true" if r else "false") for a, t, r in s["attrs"]]
        lines.append("static const ol_formal in_%s[] = {%s};" % (tag, ", ".join(ins) or "{0, 255, false}"))
        lines.append("static const ol_formal out_%s[] = {%s};" % (tag, ", ".join(outs) or "{0, 255, false}"))
        lines.append("static const ol_attr_spec attr_%s[] = {%s};" % (tag, ", ".join(attrs + ["{NULL, 0, false}"])))
        cs = ", ".join("{0x%xu, 0x%xu, 0x%xu, 0x%xu}" % tuple(m) for m in constraints) or "{0, 0, 0, 0}"
        lines.append("static const ol_type_constraint tc_%s[] = {%s};" % (tag, cs))
        bounds = []
        for formals, shown in ((s["ins"], s["rin"]), (s["outs"], s["rout"])):
            lo, hi = arity(formals)
            if shown is None and STRICT:
                assert lo == hi == len(formals), (s["name"], s["ver"], "range not transcribed", lo, hi)
            else:
                assert (lo, hi) == tuple(shown), (s["name"], s["ver"], (lo, hi), shown)
            bounds += [lo, UNBOUNDED if hi is None else min(hi, UNBOUNDED)]
        rows.append('    {"%s", "%s", %d, %d, %d, in_%s, out_%s, attr_%s, tc_%s, %d, %s, %d, %d, %d, %d},' % (
            s["domain"], s["name"], s["ver"], len(s["ins"]), len(s["outs"]), tag, tag, tag, tag, len(constraints),
            "true" if s["deprecated"] else "false", *bounds))
    return lines, rows




def write(out_path, head_path, table, lines, rows):
    """Writes head_path's text, the arrays and the table named table to out_path."""
    head = open(head_path).read()
    with open(out_path, "w") as f:
        f.write(head)
        f.write("\n".join(lines) + "\n")
        f.write("static const ol_schema %s[] = {\n" % table)
        f.write("\n".join(rows) + "\n")
        f.write("};\n")
    print(len(rows), "rows")
