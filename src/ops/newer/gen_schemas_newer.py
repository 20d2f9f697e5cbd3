#!/usr/bin/python3
"""Writes src/ops/schemas_newer.inc from spec.py (the rows of ai.onnx opsets
18-28 and ai.onnx.ml 4-5, transcribed from ONNX's changelogs), with the row
logic of schema_rows.py.

Run: /usr/bin/python3 src/ops/newer/gen_schemas_newer.py
"""
import os

import schema_rows
import spec

if __name__ == "__main__":
    here = os.path.dirname(os.path.abspath(__file__))
    lines, rows = schema_rows.build(spec.OPS, "n_")
    schema_rows.write(os.path.join(here, "..", "schemas_newer.inc"), os.path.join(here, "head.inc"), "newer_schemas",
                      lines, rows)
