#!/usr/bin/python3
"""Writes src/ops/schemas_contrib.inc from spec.py (ONNX Runtime's com.microsoft
operators and its registrations in the default domain) with the row logic of
src/ops/newer/gen_schemas_newer.py, into the table contrib_schemas.

Run: /usr/bin/python3 src/ops/contrib/gen_schemas_contrib.py
"""
import importlib.util
import os
import sys

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, here)
import spec  # noqa: E402  (this folder's spec, which the row writer reads as `spec`)

loader = importlib.util.spec_from_file_location("gen_rows", os.path.join(here, "..", "newer", "gen_schemas_newer.py"))
rows_module = importlib.util.module_from_spec(loader)
loader.loader.exec_module(rows_module)
rows_module.spec = spec

if __name__ == "__main__":
    lines, rows = rows_module.main()
    lines = [l.replace("_n_", "_c_", 1) for l in lines]
    rows = [r.replace("_n_", "_c_") for r in rows]
    head = open(os.path.join(here, "head.inc")).read()
    with open(os.path.join(here, "..", "schemas_contrib.inc"), "w") as f:
        f.write(head)
        f.write("\n".join(lines) + "\n")
        f.write("static const ol_schema contrib_schemas[] = {\n")
        f.write("\n".join(rows) + "\n")
        f.write("};\n")
    print(len(rows), "rows")
