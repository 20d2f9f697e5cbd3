#!/usr/bin/python3
"""Writes src/ops/schemas_contrib.inc from spec.py (ONNX Runtime's com.microsoft
operators and its registrations in the default domain) with the row logic of
src/ops/newer/schema_rows.py, into the table contrib_schemas.

Run: /usr/bin/python3 src/ops/contrib/gen_schemas_contrib.py
"""
import os
import sys

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, here)
sys.path.insert(1, os.path.join(here, "..", "newer"))
import schema_rows  # noqa: E402
import spec  # noqa: E402  (this folder's spec)

if __name__ == "__main__":
    lines, rows = schema_rows.build(spec.OPS, "c_")
    schema_rows.write(os.path.join(here, "..", "schemas_contrib.inc"), os.path.join(here, "head.inc"),
                      "contrib_schemas", lines, rows)
