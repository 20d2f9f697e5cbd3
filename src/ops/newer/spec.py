# Schema rows of ai.onnx 18-28 and ai.onnx.ml 4-5, transcribed from onnx/onnx docs/Changelog.md and
# docs/Changelog-ml.md: opsets 18-21 at commit 4cad1c7b, opsets 22-28 at commit f7546912 (2026-08-22, ONNX 1.23.0
# in development: ai.onnx 28, ai.onnx.ml 5 the newest; ai.onnx.ml has no version past 5 there).
# formal: (name, typeStr, opt) opt: "" single, "?" optional, "*" variadic homogeneous, "*h" variadic heterogeneous
# attr: (name, type, required)
OPS = []

def t(s): return ["tensor(%s)" % x for x in s.split()]
def sq(s): return ["seq(tensor(%s))" % x for x in s.split()]
def ot(s): return ["optional(tensor(%s))" % x for x in s.split()]
def osq(s): return ["optional(seq(tensor(%s)))" % x for x in s.split()]

def op(name, ver, ins, outs, attrs=(), tc=(), rin=None, rout=None, domain="", deprecated=False):
    OPS.append(dict(name=name, ver=ver, ins=list(ins), outs=list(outs), attrs=list(attrs), tc=list(tc),
                    rin=rin, rout=rout, domain=domain, deprecated=deprecated))

INT8 = "uint8 uint16 uint32 uint64 int8 int16 int32 int64"
ALL16 = "uint8 uint16 uint32 uint64 int8 int16 int32 int64 bfloat16 float16 float double string bool complex64 complex128"

# ---- opset 18 ----
op("BitwiseAnd", 18, [("A", "T", ""), ("B", "T", "")], [("C", "T", "")], tc=[("T", t(INT8))])
op("BitwiseNot", 18, [("X", "T", "")], [("Y", "T", "")], tc=[("T", t(INT8))])
op("BitwiseOr", 18, [("A", "T", ""), ("B", "T", "")], [("C", "T", "")], tc=[("T", t(INT8))])
op("BitwiseXor", 18, [("A", "T", ""), ("B", "T", "")], [("C", "T", "")], tc=[("T", t(INT8))])
op("CenterCropPad", 18, [("input_data", "T", ""), ("shape", "Tind", "")], [("output_data", "T", "")],
   attrs=[("axes", "ints", False)], tc=[("T", t(ALL16)), ("Tind", t("int32 int64"))])
ALL15 = "uint8 uint16 uint32 uint64 int8 int16 int32 int64 float16 float double string bool complex64 complex128"
FLT3 = "float16 float double"
FLT4 = "float16 float double bfloat16"
op("Col2Im", 18, [("input", "T", ""), ("image_shape", "tensor(int64)", ""), ("block_shape", "tensor(int64)", "")],
   [("output", "T", "")], attrs=[("dilations", "ints", False), ("pads", "ints", False), ("strides", "ints", False)],
   tc=[("T", t(ALL16))])
# Deprecated in ONNX (its scale and bias per group were a mistake; version 21 has them per channel).
op("GroupNormalization", 18, [("X", "T", ""), ("scale", "T", ""), ("bias", "T", "")], [("Y", "T", "")],
   attrs=[("epsilon", "float", False), ("num_groups", "int", True)], tc=[("T", t(FLT4))], deprecated=True)
op("LpPool", 18, [("X", "T", "")], [("Y", "T", "")],
   attrs=[("auto_pad", "string", False), ("ceil_mode", "int", False), ("dilations", "ints", False),
          ("kernel_shape", "ints", True), ("p", "int", False), ("pads", "ints", False), ("strides", "ints", False)],
   tc=[("T", t(FLT3))])
op("Mish", 18, [("X", "T", "")], [("Y", "T", "")], tc=[("T", t(FLT3))])
OPT_O15 = osq(ALL15) + ot(ALL15) + t(ALL15) + sq(ALL15)
op("OptionalGetElement", 18, [("input", "O", "")], [("output", "V", "")],
   tc=[("O", OPT_O15), ("V", t(ALL15) + sq(ALL15))])
op("OptionalHasElement", 18, [("input", "O", "?")], [("output", "B", "")],
   tc=[("O", OPT_O15), ("B", t("bool"))], rin=(0, 1))
op("Pad", 18, [("data", "T", ""), ("pads", "tensor(int64)", ""), ("constant_value", "T", "?"), ("axes", "Tind", "?")],
   [("output", "T", "")], attrs=[("mode", "string", False)], tc=[("T", t(ALL16)), ("Tind", t("int32 int64"))],
   rin=(2, 4))
RED_ATTRS = [("keepdims", "int", False), ("noop_with_empty_axes", "int", False)]
RED_T = "uint32 uint64 int32 int64 float16 float double bfloat16"
def reduce_op(name, ver, types):
    op(name, ver, [("data", "T", ""), ("axes", "tensor(int64)", "?")], [("reduced", "T", "")],
       attrs=RED_ATTRS, tc=[("T", t(types))], rin=(1, 2))
reduce_op("ReduceL1", 18, RED_T)
reduce_op("ReduceL2", 18, RED_T)
reduce_op("ReduceLogSum", 18, RED_T)
reduce_op("ReduceLogSumExp", 18, RED_T)
reduce_op("ReduceMax", 18, RED_T + " uint8 int8")
reduce_op("ReduceMean", 18, RED_T)
reduce_op("ReduceMin", 18, RED_T + " uint8 int8")
reduce_op("ReduceProd", 18, RED_T)
reduce_op("ReduceSumSquare", 18, RED_T)
RESIZE_ATTRS = [("antialias", "int", False), ("axes", "ints", False), ("coordinate_transformation_mode", "string", False),
                ("cubic_coeff_a", "float", False), ("exclude_outside", "int", False),
                ("extrapolation_value", "float", False), ("keep_aspect_ratio_policy", "string", False),
                ("mode", "string", False), ("nearest_mode", "string", False)]
RESIZE_INS = [("X", "T1", ""), ("roi", "T2", "?"), ("scales", "tensor(float)", "?"), ("sizes", "tensor(int64)", "?")]
op("Resize", 18, RESIZE_INS, [("Y", "T1", "")], attrs=RESIZE_ATTRS, tc=[("T1", t(ALL16)), ("T2", t(FLT3))], rin=(1, 4))
op("ScatterElements", 18, [("data", "T", ""), ("indices", "Tind", ""), ("updates", "T", "")], [("output", "T", "")],
   attrs=[("axis", "int", False), ("reduction", "string", False)], tc=[("T", t(ALL16)), ("Tind", t("int32 int64"))])
op("ScatterND", 18, [("data", "T", ""), ("indices", "tensor(int64)", ""), ("updates", "T", "")], [("output", "T", "")],
   attrs=[("reduction", "string", False)], tc=[("T", t(ALL16))])
op("Split", 18, [("input", "T", ""), ("split", "tensor(int64)", "?")], [("outputs", "T", "*")],
   attrs=[("axis", "int", False), ("num_outputs", "int", False)], tc=[("T", t(ALL16))], rin=(1, 2), rout=(1, None))

# ---- opset 19 ----
op("AveragePool", 19, [("X", "T", "")], [("Y", "T", "")],
   attrs=[("auto_pad", "string", False), ("ceil_mode", "int", False), ("count_include_pad", "int", False),
          ("dilations", "ints", False), ("kernel_shape", "ints", True), ("pads", "ints", False),
          ("strides", "ints", False)], tc=[("T", t(FLT3))])
F8 = "float8e4m3fn float8e4m3fnuz float8e5m2 float8e5m2fnuz"
CAST19 = "float16 float double int8 int16 int32 int64 uint8 uint16 uint32 uint64 bool string bfloat16 " + F8
op("Cast", 19, [("input", "T1", "")], [("output", "T2", "")], attrs=[("saturate", "int", False), ("to", "int", True)],
   tc=[("T1", t(CAST19)), ("T2", t(CAST19))])
op("CastLike", 19, [("input", "T1", ""), ("target_type", "T2", "")], [("output", "T2", "")],
   attrs=[("saturate", "int", False)], tc=[("T1", t(CAST19)), ("T2", t(CAST19))])
CONST_ATTRS = [("sparse_value", "sparse_tensor", False), ("value", "tensor", False), ("value_float", "float", False),
               ("value_floats", "floats", False), ("value_int", "int", False), ("value_ints", "ints", False),
               ("value_string", "string", False), ("value_strings", "strings", False)]
op("Constant", 19, [], [("output", "T", "")], attrs=CONST_ATTRS, tc=[("T", t(ALL16 + " " + F8))])
op("DeformConv", 19, [("X", "T", ""), ("W", "T", ""), ("offset", "T", ""), ("B", "T", "?"), ("mask", "T", "?")],
   [("Y", "T", "")],
   attrs=[("dilations", "ints", False), ("group", "int", False), ("kernel_shape", "ints", False),
          ("offset_group", "int", False), ("pads", "ints", False), ("strides", "ints", False)],
   tc=[("T", t(FLT3))], rin=(3, 5))
op("DequantizeLinear", 19, [("x", "T1", ""), ("x_scale", "T2", ""), ("x_zero_point", "T1", "?")], [("y", "T2", "")],
   attrs=[("axis", "int", False)], tc=[("T1", t("int8 uint8 int32 " + F8)), ("T2", t("float float16 bfloat16"))],
   rin=(2, 3))
op("Equal", 19, [("A", "T", ""), ("B", "T", "")], [("C", "T1", "")],
   tc=[("T", t("bool uint8 uint16 uint32 uint64 int8 int16 int32 int64 float16 float double bfloat16 string")),
       ("T1", t("bool"))])
V19 = t(ALL16 + " " + F8) + sq(ALL15) + osq(ALL15) + ot(ALL15)
op("Identity", 19, [("input", "V", "")], [("output", "V", "")], tc=[("V", V19)])
IR9 = ALL16 + " " + F8
# If/Loop: optional(seq(...)) stays at the 16 classic types, unlike the other three kinds.
V_IR9 = t(IR9) + sq(IR9) + osq(ALL16) + ot(IR9)
op("If", 19, [("cond", "B", "")], [("outputs", "V", "*h")],
   attrs=[("else_branch", "graph", True), ("then_branch", "graph", True)],
   tc=[("V", V_IR9), ("B", t("bool"))], rout=(1, None))
op("Loop", 19, [("M", "I", "?"), ("cond", "B", "?"), ("v_initial", "V", "*h0")],
   [("v_final_and_scan_outputs", "V", "*h")], attrs=[("body", "graph", True)],
   tc=[("V", V_IR9), ("I", t("int64")), ("B", t("bool"))], rin=(2, None), rout=(1, None))
op("Pad", 19, [("data", "T", ""), ("pads", "tensor(int64)", ""), ("constant_value", "T", "?"), ("axes", "Tind", "?")],
   [("output", "T", "")], attrs=[("mode", "string", False)], tc=[("T", t(ALL16)), ("Tind", t("int32 int64"))],
   rin=(2, 4))
op("QuantizeLinear", 19, [("x", "T1", ""), ("y_scale", "T1", ""), ("y_zero_point", "T2", "?")], [("y", "T2", "")],
   attrs=[("axis", "int", False), ("saturate", "int", False)],
   tc=[("T1", t("float float16 bfloat16 int32")), ("T2", t("int8 uint8 " + F8))], rin=(2, 3))
op("Reshape", 19, [("data", "T", ""), ("shape", "tensor(int64)", "")], [("reshaped", "T", "")],
   attrs=[("allowzero", "int", False)], tc=[("T", t(ALL16 + " " + F8))])
op("Resize", 19, RESIZE_INS, [("Y", "T1", "")], attrs=RESIZE_ATTRS, tc=[("T1", t(ALL16)), ("T2", t(FLT3))], rin=(1, 4))
SCAN_ATTRS = [("body", "graph", True), ("num_scan_inputs", "int", True), ("scan_input_axes", "ints", False),
              ("scan_input_directions", "ints", False), ("scan_output_axes", "ints", False),
              ("scan_output_directions", "ints", False)]
op("Scan", 19, [("initial_state_and_scan_inputs", "V", "*h")], [("final_state_and_scan_outputs", "V", "*h")],
   attrs=SCAN_ATTRS, tc=[("V", t(IR9))], rin=(1, None), rout=(1, None))
op("Shape", 19, [("data", "T", "")], [("shape", "T1", "")], attrs=[("end", "int", False), ("start", "int", False)],
   tc=[("T", t(IR9)), ("T1", t("int64"))])
op("Size", 19, [("data", "T", "")], [("size", "T1", "")], tc=[("T", t(IR9)), ("T1", t("int64"))])

# ---- opset 20 ----
op("AffineGrid", 20, [("theta", "T1", ""), ("size", "T2", "")], [("grid", "T1", "")],
   attrs=[("align_corners", "int", False)], tc=[("T1", t("bfloat16 float16 float double")), ("T2", t("int64"))])
COS20 = "float16 float double int8 int16 int32 int64 uint8 uint16 uint32 uint64 bool bfloat16 " + F8
op("ConstantOfShape", 20, [("input", "T1", "")], [("output", "T2", "")], attrs=[("value", "tensor", False)],
   tc=[("T1", t("int64")), ("T2", t(COS20))])
op("DFT", 20, [("input", "T1", ""), ("dft_length", "T2", "?"), ("axis", "tensor(int64)", "?")], [("output", "T1", "")],
   attrs=[("inverse", "int", False), ("onesided", "int", False)],
   tc=[("T1", t("bfloat16 float16 float double")), ("T2", t("int32 int64"))], rin=(1, 3))
op("Gelu", 20, [("X", "T", "")], [("Y", "T", "")], attrs=[("approximate", "string", False)], tc=[("T", t(FLT4))])
op("GridSample", 20, [("X", "T1", ""), ("grid", "T2", "")], [("Y", "T1", "")],
   attrs=[("align_corners", "int", False), ("mode", "string", False), ("padding_mode", "string", False)],
   tc=[("T1", t(ALL15)), ("T2", t(FLT3))])
op("ImageDecoder", 20, [("encoded_stream", "T1", "")], [("image", "T2", "")], attrs=[("pixel_format", "string", False)],
   tc=[("T1", t("uint8")), ("T2", t("uint8"))])
ISF = "bfloat16 float16 float double " + F8
op("IsInf", 20, [("X", "T1", "")], [("Y", "T2", "")],
   attrs=[("detect_negative", "int", False), ("detect_positive", "int", False)], tc=[("T1", t(ISF)), ("T2", t("bool"))])
op("IsNaN", 20, [("X", "T1", "")], [("Y", "T2", "")], tc=[("T1", t(ISF)), ("T2", t("bool"))])
reduce_op("ReduceMax", 20, RED_T + " uint8 int8 bool")
reduce_op("ReduceMin", 20, RED_T + " uint8 int8 bool")
op("RegexFullMatch", 20, [("X", "T1", "")], [("Y", "T2", "")], attrs=[("pattern", "string", False)],
   tc=[("T1", t("string")), ("T2", t("bool"))])
op("StringConcat", 20, [("X", "T", ""), ("Y", "T", "")], [("Z", "T", "")], tc=[("T", t("string"))])
op("StringSplit", 20, [("X", "T1", "")], [("Y", "T2", ""), ("Z", "T3", "")],
   attrs=[("delimiter", "string", False), ("maxsplit", "int", False)],
   tc=[("T1", t("string")), ("T2", t("string")), ("T3", t("int64"))])

# ---- opset 21 ----
I4 = "uint4 int4"
CAST21 = CAST19 + " " + I4
op("Cast", 21, [("input", "T1", "")], [("output", "T2", "")], attrs=[("saturate", "int", False), ("to", "int", True)],
   tc=[("T1", t(CAST21)), ("T2", t(CAST21))])
op("CastLike", 21, [("input", "T1", ""), ("target_type", "T2", "")], [("output", "T2", "")],
   attrs=[("saturate", "int", False)], tc=[("T1", t(CAST21)), ("T2", t(CAST21))])
IR10 = IR9 + " " + I4
op("Constant", 21, [], [("output", "T", "")], attrs=CONST_ATTRS, tc=[("T", t(IR10))])
op("ConstantOfShape", 21, [("input", "T1", "")], [("output", "T2", "")], attrs=[("value", "tensor", False)],
   tc=[("T1", t("int64")), ("T2", t(COS20 + " " + I4))])
op("DequantizeLinear", 21, [("x", "T1", ""), ("x_scale", "T2", ""), ("x_zero_point", "T1", "?")], [("y", "T2", "")],
   attrs=[("axis", "int", False), ("block_size", "int", False)],
   tc=[("T1", t("int8 uint8 int16 uint16 int32 " + F8 + " " + I4)), ("T2", t("float float16 bfloat16"))],
   rin=(2, 3))
op("Flatten", 21, [("input", "T", "")], [("output", "T", "")], attrs=[("axis", "int", False)], tc=[("T", t(IR10))])
op("GroupNormalization", 21, [("X", "T", ""), ("scale", "T", ""), ("bias", "T", "")], [("Y", "T", "")],
   attrs=[("epsilon", "float", False), ("num_groups", "int", True), ("stash_type", "int", False)],
   tc=[("T", t(FLT4))])
op("Identity", 21, [("input", "V", "")], [("output", "V", "")],
   tc=[("V", t(IR10) + sq(ALL15) + osq(ALL15) + ot(ALL15))])
V_IR10 = t(IR10) + sq(IR10) + osq(ALL16) + ot(IR10)
op("If", 21, [("cond", "B", "")], [("outputs", "V", "*h")],
   attrs=[("else_branch", "graph", True), ("then_branch", "graph", True)],
   tc=[("V", V_IR10), ("B", t("bool"))], rout=(1, None))
op("Loop", 21, [("M", "I", "?"), ("cond", "B", "?"), ("v_initial", "V", "*h0")],
   [("v_final_and_scan_outputs", "V", "*h")], attrs=[("body", "graph", True)],
   tc=[("V", V_IR10), ("I", t("int64")), ("B", t("bool"))], rin=(2, None), rout=(1, None))
op("Pad", 21, [("data", "T", ""), ("pads", "tensor(int64)", ""), ("constant_value", "T", "?"), ("axes", "Tind", "?")],
   [("output", "T", "")], attrs=[("mode", "string", False)], tc=[("T", t(IR10)), ("Tind", t("int32 int64"))],
   rin=(2, 4))
Q8 = "int8 uint8 " + F8
op("QLinearMatMul", 21, [("a", "T1", ""), ("a_scale", "TS", ""), ("a_zero_point", "T1", ""), ("b", "T2", ""),
                         ("b_scale", "TS", ""), ("b_zero_point", "T2", ""), ("y_scale", "TS", ""),
                         ("y_zero_point", "T3", "")], [("y", "T3", "")],
   tc=[("TS", t("float float16 bfloat16")), ("T1", t(Q8)), ("T2", t(Q8)), ("T3", t(Q8))])
op("QuantizeLinear", 21, [("x", "T1", ""), ("y_scale", "T1", ""), ("y_zero_point", "T2", "?")], [("y", "T2", "")],
   attrs=[("axis", "int", False), ("block_size", "int", False), ("output_dtype", "int", False),
          ("saturate", "int", False)],
   tc=[("T1", t("float float16 bfloat16 int32")), ("T2", t("int8 uint8 int16 uint16 " + F8 + " " + I4))], rin=(2, 3))
op("Reshape", 21, [("data", "T", ""), ("shape", "tensor(int64)", "")], [("reshaped", "T", "")],
   attrs=[("allowzero", "int", False)], tc=[("T", t(IR10))])
op("Scan", 21, [("initial_state_and_scan_inputs", "V", "*h")], [("final_state_and_scan_outputs", "V", "*h")],
   attrs=SCAN_ATTRS, tc=[("V", t(IR10))], rin=(1, None), rout=(1, None))
op("Shape", 21, [("data", "T", "")], [("shape", "T1", "")], attrs=[("end", "int", False), ("start", "int", False)],
   tc=[("T", t(IR10)), ("T1", t("int64"))])
op("Size", 21, [("data", "T", "")], [("size", "T1", "")], tc=[("T", t(IR10)), ("T1", t("int64"))])
op("Squeeze", 21, [("data", "T", ""), ("axes", "tensor(int64)", "?")], [("squeezed", "T", "")],
   tc=[("T", t(IR10))], rin=(1, 2))
op("Transpose", 21, [("data", "T", "")], [("transposed", "T", "")], attrs=[("perm", "ints", False)],
   tc=[("T", t(IR10))])
op("Unsqueeze", 21, [("data", "T", ""), ("axes", "tensor(int64)", "")], [("expanded", "T", "")], tc=[("T", t(IR10))])

# ---- opsets 22-28: the element types added since IR 10 ----
# float4e2m1 (IR 11, opset 23), float8e8m0 (IR 12, opset 24), uint2/int2 (IR 13, opset 25).
F4 = "float4e2m1"
E8M0 = "float8e8m0"
I2 = "uint2 int2"
IR11 = IR10 + " " + F4
IR12 = IR11 + " " + E8M0
IR13 = IR12 + " " + I2
CAST23 = CAST21 + " " + F4
CAST24 = CAST23 + " " + E8M0
CAST25 = CAST24 + " " + I2
COS23 = COS20 + " " + I4 + " " + F4
COS24 = COS23 + " " + E8M0
COS25 = COS24 + " " + I2
FLT3B = "float float16 bfloat16"
NUM13 = "uint8 uint16 uint32 uint64 int8 int16 int32 int64 bfloat16 float16 float double bool"
DROP22 = FLT4 + " " + F8
BITCAST26 = " ".join(x for x in IR13.split() if x != "string")
DQ23 = "int8 uint8 int16 uint16 int32 " + F8 + " " + I4 + " " + F4
Q23 = "int8 uint8 int16 uint16 " + F8 + " " + I4 + " " + F4
DQ25 = DQ23 + " " + I2
Q25 = Q23 + " " + I2

# ---- opset 22 ----
op("Acos", 22, [("input", "T", "")], [("output", "T", "")], tc=[("T", t(FLT4))])
op("Acosh", 22, [("input", "T", "")], [("output", "T", "")], tc=[("T", t(FLT4))])
op("Asin", 22, [("input", "T", "")], [("output", "T", "")], tc=[("T", t(FLT4))])
op("Asinh", 22, [("input", "T", "")], [("output", "T", "")], tc=[("T", t(FLT4))])
op("Atan", 22, [("input", "T", "")], [("output", "T", "")], tc=[("T", t(FLT4))])
op("Atanh", 22, [("input", "T", "")], [("output", "T", "")], tc=[("T", t(FLT4))])
op("AveragePool", 22, [("X", "T", "")], [("Y", "T", "")],
   attrs=[("auto_pad", "string", False), ("ceil_mode", "int", False), ("count_include_pad", "int", False),
          ("dilations", "ints", False), ("kernel_shape", "ints", True), ("pads", "ints", False),
          ("strides", "ints", False)], tc=[("T", t(FLT4))])
op("Bernoulli", 22, [("input", "T1", "")], [("output", "T2", "")],
   attrs=[("dtype", "int", False), ("seed", "float", False)], tc=[("T1", t(FLT4)), ("T2", t(NUM13))])
op("Conv", 22, [("X", "T", ""), ("W", "T", ""), ("B", "T", "?")], [("Y", "T", "")],
   attrs=[("auto_pad", "string", False), ("dilations", "ints", False), ("group", "int", False),
          ("kernel_shape", "ints", False), ("pads", "ints", False), ("strides", "ints", False)], tc=[("T", t(FLT4))],
   rin=(2, 3))
op("ConvTranspose", 22, [("X", "T", ""), ("W", "T", ""), ("B", "T", "?")], [("Y", "T", "")],
   attrs=[("auto_pad", "string", False), ("dilations", "ints", False), ("group", "int", False),
          ("kernel_shape", "ints", False), ("output_padding", "ints", False), ("output_shape", "ints", False),
          ("pads", "ints", False), ("strides", "ints", False)], tc=[("T", t(FLT4))], rin=(2, 3))
op("Cos", 22, [("input", "T", "")], [("output", "T", "")], tc=[("T", t(FLT4))])
op("Cosh", 22, [("input", "T", "")], [("output", "T", "")], tc=[("T", t(FLT4))])
op("DeformConv", 22, [("X", "T", ""), ("W", "T", ""), ("offset", "T", ""), ("B", "T", "?"), ("mask", "T", "?")],
   [("Y", "T", "")],
   attrs=[("dilations", "ints", False), ("group", "int", False), ("kernel_shape", "ints", False),
          ("offset_group", "int", False), ("pads", "ints", False), ("strides", "ints", False)], tc=[("T", t(FLT4))],
   rin=(3, 5))
op("Det", 22, [("X", "T", "")], [("Y", "T", "")], tc=[("T", t(FLT4))])
op("Dropout", 22, [("data", "T", ""), ("ratio", "T1", "?"), ("training_mode", "T2", "?")],
   [("output", "T", ""), ("mask", "T2", "?")], attrs=[("seed", "int", False)],
   tc=[("T", t(DROP22)), ("T1", t(DROP22)), ("T2", t("bool"))], rin=(1, 3), rout=(1, 2))
op("Elu", 22, [("X", "T", "")], [("Y", "T", "")], attrs=[("alpha", "float", False)], tc=[("T", t(FLT4))])
op("EyeLike", 22, [("input", "T1", "")], [("output", "T2", "")], attrs=[("dtype", "int", False), ("k", "int", False)],
   tc=[("T1", t(NUM13)), ("T2", t(NUM13))])
op("GRU", 22,
   [("X", "T", ""), ("W", "T", ""), ("R", "T", ""), ("B", "T", "?"), ("sequence_lens", "T1", "?"),
    ("initial_h", "T", "?")], [("Y", "T", "?"), ("Y_h", "T", "?")],
   attrs=[("activation_alpha", "floats", False), ("activation_beta", "floats", False),
          ("activations", "strings", False), ("clip", "float", False), ("direction", "string", False),
          ("hidden_size", "int", False), ("layout", "int", False), ("linear_before_reset", "int", False)],
   tc=[("T", t(FLT4)), ("T1", t("int32"))], rin=(3, 6), rout=(0, 2))
op("GlobalAveragePool", 22, [("X", "T", "")], [("Y", "T", "")], tc=[("T", t(FLT4))])
op("GlobalLpPool", 22, [("X", "T", "")], [("Y", "T", "")], attrs=[("p", "int", False)], tc=[("T", t(FLT4))])
op("GlobalMaxPool", 22, [("X", "T", "")], [("Y", "T", "")], tc=[("T", t(FLT4))])
op("GridSample", 22, [("X", "T1", ""), ("grid", "T2", "")], [("Y", "T1", "")],
   attrs=[("align_corners", "int", False), ("mode", "string", False), ("padding_mode", "string", False)],
   tc=[("T1", t(ALL16)), ("T2", t(FLT4))])
op("HardSigmoid", 22, [("X", "T", "")], [("Y", "T", "")], attrs=[("alpha", "float", False), ("beta", "float", False)],
   tc=[("T", t(FLT4))])
op("HardSwish", 22, [("X", "T", "")], [("Y", "T", "")], tc=[("T", t(FLT4))])
op("InstanceNormalization", 22, [("input", "T", ""), ("scale", "T", ""), ("B", "T", "")], [("output", "T", "")],
   attrs=[("epsilon", "float", False)], tc=[("T", t(FLT4))])
op("LSTM", 22,
   [("X", "T", ""), ("W", "T", ""), ("R", "T", ""), ("B", "T", "?"), ("sequence_lens", "T1", "?"),
    ("initial_h", "T", "?"), ("initial_c", "T", "?"), ("P", "T", "?")],
   [("Y", "T", "?"), ("Y_h", "T", "?"), ("Y_c", "T", "?")],
   attrs=[("activation_alpha", "floats", False), ("activation_beta", "floats", False),
          ("activations", "strings", False), ("clip", "float", False), ("direction", "string", False),
          ("hidden_size", "int", False), ("input_forget", "int", False), ("layout", "int", False)],
   tc=[("T", t(FLT4)), ("T1", t("int32"))], rin=(3, 8), rout=(0, 3))
op("LpNormalization", 22, [("input", "T", "")], [("output", "T", "")],
   attrs=[("axis", "int", False), ("p", "int", False)], tc=[("T", t(FLT4))])
op("LpPool", 22, [("X", "T", "")], [("Y", "T", "")],
   attrs=[("auto_pad", "string", False), ("ceil_mode", "int", False), ("dilations", "ints", False),
          ("kernel_shape", "ints", True), ("p", "int", False), ("pads", "ints", False), ("strides", "ints", False)],
   tc=[("T", t(FLT4))])
op("MaxPool", 22, [("X", "T", "")], [("Y", "T", ""), ("Indices", "I", "?")],
   attrs=[("auto_pad", "string", False), ("ceil_mode", "int", False), ("dilations", "ints", False),
          ("kernel_shape", "ints", True), ("pads", "ints", False), ("storage_order", "int", False),
          ("strides", "ints", False)], tc=[("T", t("bfloat16 float16 float double int8 uint8")), ("I", t("int64"))],
   rout=(1, 2))
op("MaxRoiPool", 22, [("X", "T", ""), ("rois", "T", "")], [("Y", "T", "")],
   attrs=[("pooled_shape", "ints", True), ("spatial_scale", "float", False)], tc=[("T", t(FLT4))])
op("MaxUnpool", 22, [("X", "T1", ""), ("I", "T2", ""), ("output_shape", "T2", "?")], [("output", "T1", "")],
   attrs=[("kernel_shape", "ints", True), ("pads", "ints", False), ("strides", "ints", False)],
   tc=[("T1", t(FLT4)), ("T2", t("int64"))], rin=(2, 3))
op("Mish", 22, [("X", "T", "")], [("Y", "T", "")], tc=[("T", t(FLT4))])
op("Multinomial", 22, [("input", "T1", "")], [("output", "T2", "")],
   attrs=[("dtype", "int", False), ("sample_size", "int", False), ("seed", "float", False)],
   tc=[("T1", t(FLT4)), ("T2", t("int32 int64"))])
op("NegativeLogLikelihoodLoss", 22, [("input", "T", ""), ("target", "Tind", ""), ("weight", "T", "?")],
   [("loss", "T", "")], attrs=[("ignore_index", "int", False), ("reduction", "string", False)],
   tc=[("T", t(FLT4)), ("Tind", t("int32 int64"))], rin=(2, 3))
op("RNN", 22,
   [("X", "T", ""), ("W", "T", ""), ("R", "T", ""), ("B", "T", "?"), ("sequence_lens", "T1", "?"),
    ("initial_h", "T", "?")], [("Y", "T", "?"), ("Y_h", "T", "?")],
   attrs=[("activation_alpha", "floats", False), ("activation_beta", "floats", False),
          ("activations", "strings", False), ("clip", "float", False), ("direction", "string", False),
          ("hidden_size", "int", False), ("layout", "int", False)], tc=[("T", t(FLT4)), ("T1", t("int32"))], rin=(3, 6),
   rout=(0, 2))
op("RandomNormal", 22, [], [("output", "T", "")],
   attrs=[("dtype", "int", False), ("mean", "float", False), ("scale", "float", False), ("seed", "float", False),
          ("shape", "ints", True)], tc=[("T", t(FLT4))])
op("RandomNormalLike", 22, [("input", "T1", "")], [("output", "T2", "")],
   attrs=[("dtype", "int", False), ("mean", "float", False), ("scale", "float", False), ("seed", "float", False)],
   tc=[("T1", t(ALL16)), ("T2", t(FLT4))])
op("RandomUniform", 22, [], [("output", "T", "")],
   attrs=[("dtype", "int", False), ("high", "float", False), ("low", "float", False), ("seed", "float", False),
          ("shape", "ints", True)], tc=[("T", t(FLT4))])
op("RandomUniformLike", 22, [("input", "T1", "")], [("output", "T2", "")],
   attrs=[("dtype", "int", False), ("high", "float", False), ("low", "float", False), ("seed", "float", False)],
   tc=[("T1", t(ALL16)), ("T2", t(FLT4))])
op("RoiAlign", 22, [("X", "T1", ""), ("rois", "T1", ""), ("batch_indices", "T2", "")], [("Y", "T1", "")],
   attrs=[("coordinate_transformation_mode", "string", False), ("mode", "string", False),
          ("output_height", "int", False), ("output_width", "int", False), ("sampling_ratio", "int", False),
          ("spatial_scale", "float", False)], tc=[("T1", t(FLT4)), ("T2", t("int64"))])
op("Round", 22, [("X", "T", "")], [("Y", "T", "")], tc=[("T", t(FLT4))])
op("Selu", 22, [("X", "T", "")], [("Y", "T", "")], attrs=[("alpha", "float", False), ("gamma", "float", False)],
   tc=[("T", t(FLT4))])
op("Sin", 22, [("input", "T", "")], [("output", "T", "")], tc=[("T", t(FLT4))])
op("Sinh", 22, [("input", "T", "")], [("output", "T", "")], tc=[("T", t(FLT4))])
op("Softplus", 22, [("X", "T", "")], [("Y", "T", "")], tc=[("T", t(FLT4))])
op("Softsign", 22, [("input", "T", "")], [("output", "T", "")], tc=[("T", t(FLT4))])
op("Tan", 22, [("input", "T", "")], [("output", "T", "")], tc=[("T", t(FLT4))])
op("ThresholdedRelu", 22, [("X", "T", "")], [("Y", "T", "")], attrs=[("alpha", "float", False)], tc=[("T", t(FLT4))])

# ---- opset 23 ----
op("Attention", 23,
   [("Q", "T1", ""), ("K", "T1", ""), ("V", "T2", ""), ("attn_mask", "U", "?"), ("past_key", "T1", "?"),
    ("past_value", "T2", "?")],
   [("Y", "T1", ""), ("present_key", "T1", "?"), ("present_value", "T2", "?"), ("qk_matmul_output", "T1", "?")],
   attrs=[("is_causal", "int", False), ("kv_num_heads", "int", False), ("q_num_heads", "int", False),
          ("qk_matmul_output_mode", "int", False), ("scale", "float", False), ("softcap", "float", False),
          ("softmax_precision", "int", False)], tc=[("T1", t(FLT4)), ("T2", t(FLT4)), ("U", t(NUM13))], rin=(3, 6),
   rout=(1, 4))
op("Cast", 23, [("input", "T1", "")], [("output", "T2", "")], attrs=[("saturate", "int", False), ("to", "int", True)],
   tc=[("T1", t(CAST23)), ("T2", t(CAST23))])
op("CastLike", 23, [("input", "T1", ""), ("target_type", "T2", "")], [("output", "T2", "")],
   attrs=[("saturate", "int", False)], tc=[("T1", t(CAST23)), ("T2", t(CAST23))])
op("Constant", 23, [], [("output", "T", "")], attrs=CONST_ATTRS, tc=[("T", t(IR11))])
op("ConstantOfShape", 23, [("input", "T1", "")], [("output", "T2", "")], attrs=[("value", "tensor", False)],
   tc=[("T1", t("int64")), ("T2", t(COS23))])
op("DequantizeLinear", 23, [("x", "T1", ""), ("x_scale", "T2", ""), ("x_zero_point", "T1", "?")], [("y", "T3", "")],
   attrs=[("axis", "int", False), ("block_size", "int", False), ("output_dtype", "int", False)],
   tc=[("T1", t(DQ23)), ("T2", t(FLT3B)), ("T3", t(FLT3B))], rin=(2, 3))
op("Flatten", 23, [("input", "T", "")], [("output", "T", "")], attrs=[("axis", "int", False)], tc=[("T", t(IR11))])
op("Identity", 23, [("input", "V", "")], [("output", "V", "")],
   tc=[("V", t(IR11) + sq(ALL15) + osq(ALL15) + ot(ALL15))])
op("If", 23, [("cond", "B", "")], [("outputs", "V", "*h")],
   attrs=[("else_branch", "graph", True), ("then_branch", "graph", True)],
   tc=[("V", t(IR11) + sq(IR11) + osq(ALL16) + ot(IR11)), ("B", t("bool"))], rout=(1, None))
op("Loop", 23, [("M", "I", "?"), ("cond", "B", "?"), ("v_initial", "V", "*h0")],
   [("v_final_and_scan_outputs", "V", "*h")], attrs=[("body", "graph", True)],
   tc=[("V", t(IR11) + sq(IR11) + osq(ALL16) + ot(IR11)), ("I", t("int64")), ("B", t("bool"))], rin=(2, None),
   rout=(1, None))
op("Pad", 23, [("data", "T", ""), ("pads", "tensor(int64)", ""), ("constant_value", "T", "?"), ("axes", "Tind", "?")],
   [("output", "T", "")], attrs=[("mode", "string", False)], tc=[("T", t(IR11)), ("Tind", t("int32 int64"))],
   rin=(2, 4))
op("QuantizeLinear", 23, [("x", "T1", ""), ("y_scale", "T2", ""), ("y_zero_point", "T3", "?")], [("y", "T3", "")],
   attrs=[("axis", "int", False), ("block_size", "int", False), ("output_dtype", "int", False),
          ("precision", "int", False), ("saturate", "int", False)],
   tc=[("T1", t("float float16 bfloat16 int32")), ("T2", t("float float16 bfloat16 int32")), ("T3", t(Q23))],
   rin=(2, 3))
op("RMSNormalization", 23, [("X", "T", ""), ("scale", "V", "")], [("Y", "V", "")],
   attrs=[("axis", "int", False), ("epsilon", "float", False), ("stash_type", "int", False)],
   tc=[("T", t(FLT4)), ("V", t(FLT4))])
op("Reshape", 23, [("data", "T", ""), ("shape", "tensor(int64)", "")], [("reshaped", "T", "")],
   attrs=[("allowzero", "int", False)], tc=[("T", t(IR11))])
op("RotaryEmbedding", 23, [("X", "T", ""), ("cos_cache", "T", ""), ("sin_cache", "T", ""), ("position_ids", "M", "?")],
   [("Y", "T", "")],
   attrs=[("interleaved", "int", False), ("num_heads", "int", False), ("rotary_embedding_dim", "int", False)],
   tc=[("T", t(FLT3B)), ("M", t("int64"))], rin=(3, 4))
op("Scan", 23, [("initial_state_and_scan_inputs", "V", "*h")], [("final_state_and_scan_outputs", "V", "*h")],
   attrs=SCAN_ATTRS, tc=[("V", t(IR11))], rin=(1, None), rout=(1, None))
op("Shape", 23, [("data", "T", "")], [("shape", "T1", "")], attrs=[("end", "int", False), ("start", "int", False)],
   tc=[("T", t(IR11)), ("T1", t("int64"))])
op("Size", 23, [("data", "T", "")], [("size", "T1", "")], tc=[("T", t(IR11)), ("T1", t("int64"))])
op("Squeeze", 23, [("data", "T", ""), ("axes", "tensor(int64)", "?")], [("squeezed", "T", "")], tc=[("T", t(IR11))],
   rin=(1, 2))
op("Transpose", 23, [("data", "T", "")], [("transposed", "T", "")], attrs=[("perm", "ints", False)],
   tc=[("T", t(IR11))])
op("Unsqueeze", 23, [("data", "T", ""), ("axes", "tensor(int64)", "")], [("expanded", "T", "")], tc=[("T", t(IR11))])

# ---- opset 24 ----
op("Attention", 24,
   [("Q", "T1", ""), ("K", "T1", ""), ("V", "T2", ""), ("attn_mask", "U", "?"), ("past_key", "T1", "?"),
    ("past_value", "T2", "?"), ("nonpad_kv_seqlen", "tensor(int64)", "?")],
   [("Y", "T1", ""), ("present_key", "T1", "?"), ("present_value", "T2", "?"), ("qk_matmul_output", "T1", "?")],
   attrs=[("is_causal", "int", False), ("kv_num_heads", "int", False), ("q_num_heads", "int", False),
          ("qk_matmul_output_mode", "int", False), ("scale", "float", False), ("softcap", "float", False),
          ("softmax_precision", "int", False)], tc=[("T1", t(FLT4)), ("T2", t(FLT4)), ("U", t(NUM13))], rin=(3, 7),
   rout=(1, 4))
op("Cast", 24, [("input", "T1", "")], [("output", "T2", "")],
   attrs=[("round_mode", "string", False), ("saturate", "int", False), ("to", "int", True)],
   tc=[("T1", t(CAST24)), ("T2", t(CAST24))])
op("CastLike", 24, [("input", "T1", ""), ("target_type", "T2", "")], [("output", "T2", "")],
   attrs=[("round_mode", "string", False), ("saturate", "int", False)], tc=[("T1", t(CAST24)), ("T2", t(CAST24))])
op("Constant", 24, [], [("output", "T", "")], attrs=CONST_ATTRS, tc=[("T", t(IR12))])
op("ConstantOfShape", 24, [("input", "T1", "")], [("output", "T2", "")], attrs=[("value", "tensor", False)],
   tc=[("T1", t("int64")), ("T2", t(COS24))])
op("DequantizeLinear", 24, [("x", "T1", ""), ("x_scale", "T2", ""), ("x_zero_point", "T1", "?")], [("y", "T3", "")],
   attrs=[("axis", "int", False), ("block_size", "int", False), ("output_dtype", "int", False)],
   tc=[("T1", t(DQ23)), ("T2", t("float float16 bfloat16 float8e8m0")), ("T3", t(FLT3B))], rin=(2, 3))
op("Flatten", 24, [("input", "T", "")], [("output", "T", "")], attrs=[("axis", "int", False)], tc=[("T", t(IR12))])
op("Identity", 24, [("input", "V", "")], [("output", "V", "")],
   tc=[("V", t(IR12) + sq(ALL15) + osq(ALL15) + ot(ALL15))])
op("If", 24, [("cond", "B", "")], [("outputs", "V", "*h")],
   attrs=[("else_branch", "graph", True), ("then_branch", "graph", True)],
   tc=[("V", t(IR12) + sq(IR12) + osq(ALL16) + ot(IR12)), ("B", t("bool"))], rout=(1, None))
op("Loop", 24, [("M", "I", "?"), ("cond", "B", "?"), ("v_initial", "V", "*h0")],
   [("v_final_and_scan_outputs", "V", "*h")], attrs=[("body", "graph", True)],
   tc=[("V", t(IR12) + sq(IR12) + osq(ALL16) + ot(IR12)), ("I", t("int64")), ("B", t("bool"))], rin=(2, None),
   rout=(1, None))
op("Pad", 24, [("data", "T", ""), ("pads", "tensor(int64)", ""), ("constant_value", "T", "?"), ("axes", "Tind", "?")],
   [("output", "T", "")], attrs=[("mode", "string", False)], tc=[("T", t(IR12)), ("Tind", t("int32 int64"))],
   rin=(2, 4))
op("QuantizeLinear", 24, [("x", "T1", ""), ("y_scale", "T2", ""), ("y_zero_point", "T3", "?")], [("y", "T3", "")],
   attrs=[("axis", "int", False), ("block_size", "int", False), ("output_dtype", "int", False),
          ("precision", "int", False), ("saturate", "int", False)],
   tc=[("T1", t("float float16 bfloat16 int32")), ("T2", t("float float16 bfloat16 int32 float8e8m0")), ("T3", t(Q23))],
   rin=(2, 3))
op("Reshape", 24, [("data", "T", ""), ("shape", "tensor(int64)", "")], [("reshaped", "T", "")],
   attrs=[("allowzero", "int", False)], tc=[("T", t(IR12))])
op("Scan", 24, [("initial_state_and_scan_inputs", "V", "*h")], [("final_state_and_scan_outputs", "V", "*h")],
   attrs=SCAN_ATTRS, tc=[("V", t(IR12))], rin=(1, None), rout=(1, None))
op("Shape", 24, [("data", "T", "")], [("shape", "T1", "")], attrs=[("end", "int", False), ("start", "int", False)],
   tc=[("T", t(IR12)), ("T1", t("int64"))])
op("Size", 24, [("data", "T", "")], [("size", "T1", "")], tc=[("T", t(IR12)), ("T1", t("int64"))])
op("SplitToSequence", 24, [("input", "T", ""), ("split", "I", "?")], [("output_sequence", "S", "")],
   attrs=[("axis", "int", False), ("keepdims", "int", False)],
   tc=[("T", t(ALL16)), ("I", t("int32 int64")), ("S", sq(ALL16))], rin=(1, 2))
op("Squeeze", 24, [("data", "T", ""), ("axes", "tensor(int64)", "?")], [("squeezed", "T", "")], tc=[("T", t(IR12))],
   rin=(1, 2))
op("Swish", 24, [("X", "T", "")], [("Y", "T", "")], attrs=[("alpha", "float", False)], tc=[("T", t(FLT4))])
op("TensorScatter", 24, [("past_cache", "T", ""), ("update", "T", ""), ("write_indices", "tensor(int64)", "?")],
   [("present_cache", "T", "")], attrs=[("axis", "int", False), ("mode", "string", False)], tc=[("T", t(IR12))],
   rin=(2, 3))
op("TopK", 24, [("X", "T", ""), ("K", "tensor(int64)", "")], [("Values", "T", ""), ("Indices", "I", "")],
   attrs=[("axis", "int", False), ("largest", "int", False), ("sorted", "int", False)],
   tc=[("T", t("uint8 uint16 uint32 uint64 int8 int16 int32 int64 float16 float double bfloat16")), ("I", t("int64"))])
op("Transpose", 24, [("data", "T", "")], [("transposed", "T", "")], attrs=[("perm", "ints", False)],
   tc=[("T", t(IR12))])
op("Unsqueeze", 24, [("data", "T", ""), ("axes", "tensor(int64)", "")], [("expanded", "T", "")], tc=[("T", t(IR12))])

# ---- opset 25 ----
op("Attention", 25,
   [("Q", "T1", ""), ("K", "T1", ""), ("V", "T2", ""), ("attn_mask", "U", "?"), ("past_key", "T1", "?"),
    ("past_value", "T2", "?"), ("nonpad_kv_seqlen", "tensor(int64)", "?")],
   [("Y", "T1", ""), ("present_key", "T1", "?"), ("present_value", "T2", "?"), ("qk_matmul_output", "T1", "?")],
   attrs=[("is_causal", "int", False), ("kv_num_heads", "int", False), ("left_window_size", "int", False),
          ("q_num_heads", "int", False), ("qk_matmul_output_mode", "int", False), ("right_window_size", "int", False),
          ("scale", "float", False), ("softcap", "float", False), ("softmax_precision", "int", False)],
   tc=[("T1", t(FLT4)), ("T2", t(FLT4)), ("U", t(NUM13))], rin=(3, 7), rout=(1, 4))
op("Cast", 25, [("input", "T1", "")], [("output", "T2", "")],
   attrs=[("round_mode", "string", False), ("saturate", "int", False), ("to", "int", True)],
   tc=[("T1", t(CAST25)), ("T2", t(CAST25))])
op("CastLike", 25, [("input", "T1", ""), ("target_type", "T2", "")], [("output", "T2", "")],
   attrs=[("round_mode", "string", False), ("saturate", "int", False)], tc=[("T1", t(CAST25)), ("T2", t(CAST25))])
op("Constant", 25, [], [("output", "T", "")], attrs=CONST_ATTRS, tc=[("T", t(IR13))])
op("ConstantOfShape", 25, [("input", "T1", "")], [("output", "T2", "")], attrs=[("value", "tensor", False)],
   tc=[("T1", t("int64")), ("T2", t(COS25))])
op("DequantizeLinear", 25, [("x", "T1", ""), ("x_scale", "T2", ""), ("x_zero_point", "T1", "?")], [("y", "T3", "")],
   attrs=[("axis", "int", False), ("block_size", "int", False), ("output_dtype", "int", False)],
   tc=[("T1", t(DQ25)), ("T2", t("float float16 bfloat16 float8e8m0")), ("T3", t(FLT3B))], rin=(2, 3))
op("Flatten", 25, [("input", "T", "")], [("output", "T", "")], attrs=[("axis", "int", False)], tc=[("T", t(IR13))])
op("Identity", 25, [("input", "V", "")], [("output", "V", "")],
   tc=[("V", t(IR13) + sq(ALL15) + osq(ALL15) + ot(ALL15))])
op("If", 25, [("cond", "B", "")], [("outputs", "V", "*h")],
   attrs=[("else_branch", "graph", True), ("then_branch", "graph", True)],
   tc=[("V", t(IR13) + sq(IR13) + osq(ALL16) + ot(IR13)), ("B", t("bool"))], rout=(1, None))
op("Loop", 25, [("M", "I", "?"), ("cond", "B", "?"), ("v_initial", "V", "*h0")],
   [("v_final_and_scan_outputs", "V", "*h")], attrs=[("body", "graph", True)],
   tc=[("V", t(IR13) + sq(IR13) + osq(ALL16) + ot(IR13)), ("I", t("int64")), ("B", t("bool"))], rin=(2, None),
   rout=(1, None))
op("Pad", 25, [("data", "T", ""), ("pads", "tensor(int64)", ""), ("constant_value", "T", "?"), ("axes", "Tind", "?")],
   [("output", "T", "")], attrs=[("mode", "string", False)], tc=[("T", t(IR13)), ("Tind", t("int32 int64"))],
   rin=(2, 4))
op("QuantizeLinear", 25, [("x", "T1", ""), ("y_scale", "T2", ""), ("y_zero_point", "T3", "?")], [("y", "T3", "")],
   attrs=[("axis", "int", False), ("block_size", "int", False), ("output_dtype", "int", False),
          ("precision", "int", False), ("saturate", "int", False)],
   tc=[("T1", t("float float16 bfloat16 int32")), ("T2", t("float float16 bfloat16 int32 float8e8m0")), ("T3", t(Q25))],
   rin=(2, 3))
op("Reshape", 25, [("data", "T", ""), ("shape", "tensor(int64)", "")], [("reshaped", "T", "")],
   attrs=[("allowzero", "int", False)], tc=[("T", t(IR13))])
op("Scan", 25, [("initial_state_and_scan_inputs", "V", "*h")], [("final_state_and_scan_outputs", "V", "*h")],
   attrs=SCAN_ATTRS, tc=[("V", t(IR13))], rin=(1, None), rout=(1, None))
op("Shape", 25, [("data", "T", "")], [("shape", "T1", "")], attrs=[("end", "int", False), ("start", "int", False)],
   tc=[("T", t(IR13)), ("T1", t("int64"))])
op("Size", 25, [("data", "T", "")], [("size", "T1", "")], tc=[("T", t(IR13)), ("T1", t("int64"))])
op("Squeeze", 25, [("data", "T", ""), ("axes", "tensor(int64)", "?")], [("squeezed", "T", "")], tc=[("T", t(IR13))],
   rin=(1, 2))
op("Transpose", 25, [("data", "T", "")], [("transposed", "T", "")], attrs=[("perm", "ints", False)],
   tc=[("T", t(IR13))])
op("Unsqueeze", 25, [("data", "T", ""), ("axes", "tensor(int64)", "")], [("expanded", "T", "")], tc=[("T", t(IR13))])

# ---- opset 26 ----
op("BitCast", 26, [("input", "T1", "")], [("output", "T2", "")], attrs=[("to", "int", True)],
   tc=[("T1", t(BITCAST26)), ("T2", t(BITCAST26))])
op("CumProd", 26, [("x", "T", ""), ("axis", "T2", "")], [("y", "T", "")],
   attrs=[("exclusive", "int", False), ("reverse", "int", False)], tc=[("T", t(RED_T)), ("T2", t("int32 int64"))])

# ---- opset 27 ----
op("CausalConvWithState", 27, [("input", "T", ""), ("weight", "T", ""), ("bias", "T", "?"), ("past_state", "T", "?")],
   [("output", "T", ""), ("present_state", "T", "")], attrs=[("activation", "string", False)], tc=[("T", t(FLT3B))],
   rin=(2, 4))
op("LinearAttention", 27,
   [("query", "T", ""), ("key", "T", ""), ("value", "T", ""), ("past_state", "S", "?"), ("decay", "T", "?"),
    ("beta", "T", "?")], [("output", "T", ""), ("present_state", "S", "")],
   attrs=[("chunk_size", "int", False), ("kv_num_heads", "int", True), ("q_num_heads", "int", True),
          ("scale", "float", False), ("update_rule", "string", False)], tc=[("T", t(FLT3B)), ("S", t(FLT3B))],
   rin=(3, 6))
op("Range", 27, [("start", "T", ""), ("limit", "T", ""), ("delta", "T", "")], [("output", "T", "")],
   attrs=[("stash_type", "int", False)], tc=[("T", t("float double int16 int32 int64 float16 bfloat16"))])

# ---- opset 28 ----
op("Celu", 28, [("X", "T", "")], [("Y", "T", "")], attrs=[("alpha", "float", False)], tc=[("T", t(FLT4))])
op("SwiGLU", 28, [("A", "T", ""), ("B", "T", "")], [("Y", "T", "")], attrs=[("alpha", "float", False)],
   tc=[("T", t(FLT4))])

# ---- ai.onnx.ml 4 and 5 ----
ML = "ai.onnx.ml"
LE4 = "string int64 float int32 int16 double"
op("LabelEncoder", 4, [("X", "T1", "")], [("Y", "T2", "")],
   attrs=[("default_float", "float", False), ("default_int64", "int", False), ("default_string", "string", False),
          ("default_tensor", "tensor", False), ("keys_floats", "floats", False), ("keys_int64s", "ints", False),
          ("keys_strings", "strings", False), ("keys_tensor", "tensor", False), ("values_floats", "floats", False),
          ("values_int64s", "ints", False), ("values_strings", "strings", False), ("values_tensor", "tensor", False)],
   tc=[("T1", t(LE4)), ("T2", t(LE4))], domain=ML)
op("TreeEnsemble", 5, [("X", "T", "")], [("Y", "T", "")],
   attrs=[("aggregate_function", "int", False), ("leaf_targetids", "ints", True), ("leaf_weights", "tensor", True),
          ("membership_values", "tensor", False), ("n_targets", "int", False), ("nodes_falseleafs", "ints", True),
          ("nodes_falsenodeids", "ints", True), ("nodes_featureids", "ints", True), ("nodes_hitrates", "tensor", False),
          ("nodes_missing_value_tracks_true", "ints", False), ("nodes_modes", "tensor", True),
          ("nodes_splits", "tensor", True), ("nodes_trueleafs", "ints", True), ("nodes_truenodeids", "ints", True),
          ("post_transform", "int", False), ("tree_roots", "ints", True)],
   tc=[("T", t("float double float16"))], domain=ML)
# Deprecated at ai.onnx.ml 5 in favour of TreeEnsemble: same signature as version 3.
TREE_NODES = [("nodes_falsenodeids", "ints", False), ("nodes_featureids", "ints", False),
              ("nodes_hitrates", "floats", False), ("nodes_hitrates_as_tensor", "tensor", False),
              ("nodes_missing_value_tracks_true", "ints", False), ("nodes_modes", "strings", False),
              ("nodes_nodeids", "ints", False), ("nodes_treeids", "ints", False), ("nodes_truenodeids", "ints", False),
              ("nodes_values", "floats", False), ("nodes_values_as_tensor", "tensor", False)]
op("TreeEnsembleClassifier", 5, [("X", "T1", "")], [("Y", "T2", ""), ("Z", "tensor(float)", "")],
   attrs=[("base_values", "floats", False), ("base_values_as_tensor", "tensor", False), ("class_ids", "ints", False),
          ("class_nodeids", "ints", False), ("class_treeids", "ints", False), ("class_weights", "floats", False),
          ("class_weights_as_tensor", "tensor", False), ("classlabels_int64s", "ints", False),
          ("classlabels_strings", "strings", False)] + TREE_NODES + [("post_transform", "string", False)],
   tc=[("T1", t("float double int64 int32")), ("T2", t("string int64"))], domain=ML, deprecated=True)
op("TreeEnsembleRegressor", 5, [("X", "T", "")], [("Y", "tensor(float)", "")],
   attrs=[("aggregate_function", "string", False), ("base_values", "floats", False),
          ("base_values_as_tensor", "tensor", False), ("n_targets", "int", False)] + TREE_NODES +
         [("post_transform", "string", False), ("target_ids", "ints", False), ("target_nodeids", "ints", False),
          ("target_treeids", "ints", False), ("target_weights", "floats", False),
          ("target_weights_as_tensor", "tensor", False)],
   tc=[("T", t("float double int64 int32"))], domain=ML, deprecated=True)
