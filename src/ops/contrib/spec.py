# Schema rows of ONNX Runtime's own operators: the com.microsoft contrib domain
# (training graph operators and the fused operators ONNX Runtime's optimizer
# writes into inference models) and ONNX Runtime's registrations in the default
# domain (AveragePoolGrad, MaxPoolGrad, LayerNormalization before opset 17,
# SimplifiedLayerNormalization).  Transcribed from ONNX Runtime's
# docs/ContribOperators.md, onnxruntime/core/graph/contrib_ops/*_defs.cc and
# orttraining/orttraining/core/graph/training_op_defs.cc.  Re-check with
#   /usr/bin/python3 src/ops/contrib/check_spec_contrib.py ContribOperators.md training_op_defs.cc contrib_defs.cc
# Where ONNX Runtime's releases differ, a row takes the union (GroupQueryAttention's
# quantized-cache inputs, MatMulNBits' weight_prepacked are newer than some releases).
# formal: (name, typeStr, opt) opt: "" single, "?" optional, "*" variadic homogeneous,
#         "*h" variadic heterogeneous, "*0"/"*h0" variadic that may be empty
# attr: (name, type, required); the attribute "*" means the operator accepts
# attributes its schema does not list (ONNX Runtime's AllowUncheckedAttributes).
OPS = []

def t(s): return ["tensor(%s)" % x for x in s.split()]
def sq(s): return ["seq(tensor(%s))" % x for x in s.split()]

def op(name, ver, ins, outs, attrs=(), tc=(), rin=None, rout=None, domain="com.microsoft", deprecated=False):
    OPS.append(dict(name=name, ver=ver, ins=list(ins), outs=list(outs), attrs=sorted(attrs), tc=list(tc),
                    rin=rin, rout=rout, domain=domain, deprecated=deprecated))

FLT = "float16 float double bfloat16"
FLT3 = "float16 float double"
BERT = "float float16 bfloat16"
INT = "int32 int64"
Q8 = "int8 uint8"
Q16 = "int8 uint8 int16 uint16"
ALL = "uint8 uint16 uint32 uint64 int8 int16 int32 int64 bfloat16 float16 float double string bool complex64 complex128"
ANY = ("*", "int", False)  # accepts the attributes of the forward operator it mirrors
WINDOW = [("auto_pad", "string", False), ("dilations", "ints", False), ("kernel_shape", "ints", False),
          ("pads", "ints", False), ("strides", "ints", False)]

def unary_grad(name, ver=1, attrs=(), types=FLT, x="X"):
    op(name, ver, [("dY", "T", ""), (x, "T", "")], [("dX", "T", "")], attrs=attrs, tc=[("T", t(types))])

# Most training operators are AllowUncheckedAttributes in training_op_defs.cc
# (so are LayerNormalization and SimplifiedLayerNormalization in
# contrib_defs.cc): their rows carry ANY.

# ---- ONNX Runtime's registrations in the default domain ----
op("AveragePoolGrad", 9, [("dY", "T", "")], [("dX", "T", "")],
   attrs=[ANY, ("count_include_pad", "int", False), ("kernel_shape", "ints", True)]
   + [a for a in WINDOW if a[0] != "kernel_shape"], tc=[("T", t(FLT3))], domain="")
op("MaxPoolGrad", 9, [("dY", "T", ""), ("Indices", "I", "")], [("dX", "T", "")], attrs=[ANY],
   tc=[("T", t(FLT3)), ("I", t("int64"))], domain="")
op("LayerNormalization", 1, [("X", "T", ""), ("Scale", "V", ""), ("B", "V", "?")],
   [("Y", "V", ""), ("Mean", "U", "?"), ("InvStdDev", "U", "?")],
   attrs=[ANY, ("axis", "int", False), ("epsilon", "float", False), ("stash_type", "int", False)],
   tc=[("T", t(FLT)), ("U", t("float double")), ("V", t(FLT))], rin=(2, 3), rout=(1, 3), domain="")
op("SimplifiedLayerNormalization", 1, [("X", "T", ""), ("scale", "V", "")], [("Y", "V", ""), ("inv_std_var", "U", "?")],
   attrs=[ANY, ("axis", "int", False), ("epsilon", "float", False), ("stash_type", "int", False)],
   tc=[("T", t(FLT)), ("U", t("float double")), ("V", t(FLT))], rout=(1, 2), domain="")

# ---- training: gradients ----
unary_grad("ReluGrad")
unary_grad("GeluGrad", attrs=[ANY])
unary_grad("FastGeluGrad", attrs=[ANY])
unary_grad("SigmoidGrad", attrs=[ANY], x="Y")
unary_grad("TanhGrad", attrs=[ANY], x="Y")
unary_grad("QuickGeluGrad", attrs=[ANY, ("alpha", "float", False)])
unary_grad("LeakyReluGrad", attrs=[ANY, ("alpha", "float", False)], x="Y")
for name in ("SoftmaxGrad", "SoftmaxGrad_13"):
    unary_grad(name, attrs=[("axis", "int", False)], x="Y")
for name in ("LogSoftmaxGrad", "LogSoftmaxGrad_13"):
    unary_grad(name, attrs=[("axis", "int", False)], types=FLT3)
op("BiasGeluGrad_dX", 1, [("dY", "T", ""), ("X", "T", ""), ("B", "T", "")], [("dX", "T", "")], attrs=[ANY],
   tc=[("T", t(FLT))])
op("BiasFastGeluGrad_dX", 1, [("dY", "T", ""), ("X", "T", ""), ("B", "T", "")], [("dX", "T", "")], attrs=[ANY],
   tc=[("T", t(FLT))])
op("ConvGrad", 1, [("dY", "T", ""), ("X", "T", ""), ("W", "T", "")],
   [("dX", "T", "?"), ("dW", "T", "?"), ("dB", "T", "?")], attrs=[ANY, ("group", "int", False)] + WINDOW,
   tc=[("T", t(FLT3))], rout=(0, 3))
op("ConvTransposeGrad", 1, [("dY", "T", ""), ("X", "T", ""), ("W", "T", "")],
   [("dX", "T", "?"), ("dW", "T", "?"), ("dB", "T", "?")], attrs=[ANY, ("group", "int", False)] + WINDOW,
   tc=[("T", t(FLT3))], rout=(0, 3))
op("GatherGrad", 1, [("shape", "I", ""), ("indices", "Tind", ""), ("dY", "T", "")], [("dX", "T", "")],
   attrs=[("axis", "int", False)], tc=[("I", t(INT)), ("T", t(FLT)), ("Tind", t(INT))])
op("GatherElementsGrad", 1, [("dY", "T", ""), ("shape", "I", ""), ("indices", "Tind", "")], [("dX", "T", "")],
   attrs=[("axis", "int", False)], tc=[("I", t("int64")), ("T", t(FLT)), ("Tind", t(INT))])
op("GatherNDGrad", 1, [("shape", "T1", ""), ("indices", "Tind", ""), ("update", "T", "")], [("output", "T", "")],
   attrs=[("batch_dims", "int", False)], tc=[("T", t(FLT)), ("Tind", t("int64")), ("T1", t("int64"))])
op("DivGrad", 1, [("dY", "T", ""), ("A", "T", ""), ("B", "T", "")], [("dA", "T", "?"), ("dB", "T", "?")],
   tc=[("T", t(FLT))], rout=(0, 2))
op("DropoutGrad", 1, [("dy", "T", ""), ("mask", "T2", ""), ("ratio", "T1", "?"), ("training_mode", "T2", "?")],
   [("dx", "T", "")], attrs=[ANY], tc=[("T", t(FLT)), ("T1", t(FLT)), ("T2", t("bool"))], rin=(2, 4))
op("BitmaskDropoutGrad", 1, [("dy", "T", ""), ("mask", "T3", ""), ("ratio", "T1", "?"), ("training_mode", "T2", "?")],
   [("dx", "T", "")], attrs=[ANY], tc=[("T", t(FLT)), ("T1", t(FLT)), ("T2", t("bool")), ("T3", t("uint32"))],
   rin=(2, 4))
op("LayerNormalizationGrad", 1,
   [("Y_grad", "V", ""), ("X", "T", ""), ("scale", "V", ""), ("mean", "U", ""), ("inv_std_dev", "U", "")],
   [("X_grad", "T", ""), ("scale_grad", "V", ""), ("bias_grad", "V", "")],
   attrs=[ANY, ("axis", "int", False)], tc=[("T", t(FLT)), ("U", t("float double")), ("V", t(FLT))])
op("SimplifiedLayerNormalizationGrad", 1,
   [("Y_grad", "V", ""), ("X", "T", ""), ("scale", "V", ""), ("inv_std_var", "U", "")],
   [("X_grad", "T", ""), ("scale_grad", "V", "")],
   attrs=[ANY, ("axis", "int", False)], tc=[("T", t(FLT)), ("U", t("float double")), ("V", t(FLT))])
op("InvertibleLayerNormalizationGrad", 1,
   [("Y_grad", "V", ""), ("Y", "V", ""), ("scale", "V", ""), ("bias", "V", ""), ("inv_std_var", "U", "")],
   [("X_grad", "T", ""), ("scale_grad", "V", ""), ("bias_grad", "V", "")],
   attrs=[ANY, ("axis", "int", False)], tc=[("T", t(FLT)), ("U", t("float double")), ("V", t(FLT))])
op("BatchNormalizationGrad", 1,
   [("dY", "T", ""), ("X", "T", ""), ("scale", "T1", ""), ("mean", "T2", ""), ("variance", "T2", "")],
   [("X_grad", "T", ""), ("scale_grad", "T1", ""), ("bias_grad", "T1", "")],
   attrs=[("epsilon", "float", True)], tc=[("T", t(FLT)), ("T1", t(FLT)), ("T2", t(FLT))])
op("SoftmaxCrossEntropyLossGrad", 1,
   [("dY", "T", ""), ("log_prob", "T", ""), ("label", "Tind", ""), ("weight", "T", "?")],
   [("d_logits", "T", "")], attrs=[("ignore_index", "int", False), ("reduction", "string", False)],
   tc=[("T", t(FLT)), ("Tind", t(INT))], rin=(3, 4))
op("SoftmaxCrossEntropyLossInternal", 1,
   [("scores", "T", ""), ("labels", "Tind", ""), ("weights", "T", "?"), ("ignore_index", "I", "?")],
   [("output", "TOut", ""), ("log_prob", "TOut", "")],
   attrs=[("output_type", "int", False), ("reduction", "string", False)],
   tc=[("T", t(FLT)), ("TOut", t(FLT)), ("Tind", t(INT)), ("I", t("int64"))], rin=(2, 4))
op("SoftmaxCrossEntropyLossInternalGrad", 1,
   [("dY", "T", ""), ("log_prob", "T", ""), ("label", "Tind", ""), ("weight", "T", "?"), ("ignore_index", "I", "?"),
    ("bias", "TOut", "?")],
   [("d_logits", "TOut", "")], attrs=[("output_type", "int", False), ("reduction", "string", False)],
   tc=[("T", t(FLT)), ("TOut", t(FLT)), ("Tind", t(INT)), ("I", t("int64"))], rin=(3, 6))
op("SoftmaxCrossEntropy", 1, [("logits", "T", ""), ("label", "T", "")], [("Y", "T", ""), ("log_prob", "T", "?")],
   attrs=[("reduction", "string", False)], tc=[("T", t(FLT))], rout=(1, 2))
op("SoftmaxCrossEntropyGrad", 1, [("dY", "T", ""), ("log_prob", "T", ""), ("label", "T", "")], [("d_logits", "T", "")],
   attrs=[("reduction", "string", False)], tc=[("T", t(FLT))])
op("BroadcastGradientArgs", 1, [("a_shape", "T", ""), ("b_shape", "T", "")], [("a_axes", "T", "?"), ("b_axes", "T", "?")],
   tc=[("T", t("int64"))], rout=(0, 2))
op("ReduceSumTraining", 1, [("data", "T", ""), ("axes", "tensor(int64)", "")], [("reduced", "T", "")],
   attrs=[ANY, ("keepdims", "int", False), ("noop_with_empty_axes", "int", False)],
   tc=[("T", t("uint32 uint64 int32 int64 float16 float double"))])
op("Scale", 1, [("input", "T", ""), ("scale", "ScaleT", "")], [("output", "T", "")],
   attrs=[("scale_down", "int", False)], tc=[("T", t(FLT)), ("ScaleT", t("float16 float double int64 int32 bfloat16"))])
op("ConcatTraining", 1, [("inputs", "T", "*")], [("concat_result", "T", ""), ("per_input_length", "Tint", "?")],
   attrs=[("axis", "int", True)], tc=[("T", t(ALL)), ("Tint", t("int64"))], rin=(1, None), rout=(1, 2))
op("SplitTraining", 1, [("input", "T", ""), ("split", "tensor(int64)", "")], [("outputs", "T", "*")],
   attrs=[ANY, ("axis", "int", False)], tc=[("T", t(ALL))], rout=(1, None))
op("BatchNormInternal", 1,
   [("X", "T", ""), ("scale", "T1", ""), ("B", "T1", ""), ("input_mean", "T2", ""), ("input_var", "T2", "")],
   [("Y", "T", ""), ("running_mean", "T2", "?"), ("running_var", "T2", "?"), ("saved_mean", "T2", "?"),
    ("saved_inv_std", "T2", "?")],
   attrs=[("epsilon", "float", False), ("momentum", "float", False), ("training_mode", "int", False)],
   tc=[("T", t(FLT)), ("T1", t(FLT)), ("T2", t(FLT))], rout=(1, 5))

# ---- training: accumulation and optimizers ----
# AdamWOptimizer's updated_flag is bool in the artifacts of ONNX Runtime up to
# 1.17 and int64 in later ones: both are accepted.
op("InPlaceAccumulator", 1, [("old_sum", "T", ""), ("value", "T_GRAD", ""), ("update_signal", "T_BOOL", "?")],
   [("new_sum", "T", "")], tc=[("T", t(FLT)), ("T_GRAD", t(FLT)), ("T_BOOL", t("bool"))], rin=(2, 3))
op("InPlaceAccumulatorV2", 1,
   [("accumulation_buffer", "T", ""), ("value", "T_GRAD", ""), ("overwrite_flag", "T_BOOL", "?")],
   [("updated_flag", "T_BOOL", ""), ("accumulation_buffer_out", "T", "?")],
   tc=[("T", t(FLT)), ("T_GRAD", t(FLT)), ("T_BOOL", t("bool"))], rin=(2, 3), rout=(1, 2))
op("ZeroGradient", 1, [("old_gradient", "T1", ""), ("reset_signal", "T2", "")], [("zero_gradient", "T1", "")],
   tc=[("T1", t(FLT)), ("T2", t(ALL))])
SEQF = sq("float16 float double")
op("AdamWOptimizer", 1,
   [("lr", "T1", ""), ("step", "T2", ""), ("weights", "S_WEIGHT", ""), ("gradients", "S_GRAD", ""),
    ("momentums_1", "S_MOMENT", ""), ("momentums_2", "S_MOMENT", ""), ("update_signal", "T_BOOL", "?")],
   [("updated_flag", "T_FLAG", ""), ("updated_weights", "S_WEIGHT", "?"), ("updated_momentums_1", "S_MOMENT", "?"),
    ("updated_momentums_2", "S_MOMENT", "?")],
   attrs=[("adam_mode", "int", False), ("alpha", "float", False), ("beta", "float", False),
          ("correct_bias", "int", False), ("epsilon", "float", False), ("weight_decay", "float", False)],
   tc=[("T1", t("float")), ("T2", t("int64")), ("S_WEIGHT", SEQF), ("S_GRAD", SEQF), ("S_MOMENT", SEQF),
       ("T_BOOL", t("bool")), ("T_FLAG", t("bool int64"))], rin=(6, 7), rout=(1, 4))
op("SGDOptimizerV2", 1,
   [("lr", "T1", ""), ("weights", "S_WEIGHT", ""), ("gradients", "S_GRAD", ""), ("update_signal", "T_BOOL", "?")],
   [("update_completed", "T_BOOL", ""), ("updated_weights", "S_WEIGHT", "?")],
   tc=[("T1", t("float")), ("S_WEIGHT", SEQF), ("S_GRAD", SEQF), ("T_BOOL", t("bool"))], rin=(3, 4), rout=(1, 2))

# ---- inference: fused and transformer operators ----
op("BiasGelu", 1, [("A", "T", ""), ("B", "T", "")], [("C", "T", "")], tc=[("T", t(FLT))])
op("FastGelu", 1, [("X", "T", ""), ("bias", "T", "?")], [("Y", "T", "")], tc=[("T", t(FLT))], rin=(1, 2))
op("Gelu", 1, [("X", "T", "")], [("Y", "T", "")], tc=[("T", t(FLT))])
op("QuickGelu", 1, [("X", "T", "")], [("Y", "T", "")], attrs=[("alpha", "float", False)], tc=[("T", t(FLT))])
op("BiasAdd", 1, [("X", "T", ""), ("bias", "T", ""), ("skip", "T", "")], [("Y", "T", "")], tc=[("T", t("float16 float"))])
op("BiasSplitGelu", 1, [("X", "T", ""), ("bias", "T", "")], [("Y", "T", "")], tc=[("T", t("float16 float"))])
op("BiasSoftmax", 1, [("data", "T", ""), ("bias", "T", "")], [("output", "T", "")],
   attrs=[("axis", "int", False), ("is_inner_broadcast", "int", True)], tc=[("T", t(FLT3))])
op("FusedMatMul", 1, [("A", "T", ""), ("B", "T", "")], [("Y", "T", "")],
   attrs=[("alpha", "float", False), ("transA", "int", False), ("transB", "int", False),
          ("transBatchA", "int", False), ("transBatchB", "int", False)], tc=[("T", t(FLT))])
op("FusedGemm", 1, [("A", "T", ""), ("B", "T", ""), ("C", "T", "?")], [("Y", "T", "")],
   attrs=[("activation", "string", False), ("activation_alpha", "float", False), ("activation_beta", "float", False),
          ("activation_gamma", "float", False), ("alpha", "float", False), ("beta", "float", False),
          ("transA", "int", False), ("transB", "int", False)],
   tc=[("T", t("float16 float double uint32 uint64 int32 int64"))], rin=(2, 3))
op("FusedConv", 1, [("X", "T", ""), ("W", "T", ""), ("B", "T", "?"), ("Z", "T", "?")], [("Y", "T", "")],
   attrs=[("activation", "string", False), ("activation_params", "floats", False), ("group", "int", False)] + WINDOW,
   tc=[("T", t(FLT3))], rin=(2, 4))
op("GemmFastGelu", 1, [("X", "T", ""), ("W", "T", ""), ("bias", "T", "?")], [("Y", "T", "")], tc=[("T", t(BERT))],
   rin=(2, 3))
op("SkipLayerNormalization", 1,
   [("input", "T", ""), ("skip", "T", ""), ("gamma", "T", ""), ("beta", "T", "?"), ("bias", "T", "?")],
   [("output", "T", ""), ("mean", "U", "?"), ("inv_std_var", "U", "?"), ("input_skip_bias_sum", "T", "?")],
   attrs=[("epsilon", "float", False)], tc=[("T", t(BERT)), ("U", t("float"))], rin=(3, 5), rout=(1, 4))
op("SkipSimplifiedLayerNormalization", 1,
   [("input", "T", ""), ("skip", "T", ""), ("gamma", "T", ""), ("bias", "T", "?")],
   [("output", "T", ""), ("mean", "U", "?"), ("inv_std_var", "U", "?"), ("input_skip_bias_sum", "T", "?")],
   attrs=[("epsilon", "float", False)], tc=[("T", t(BERT)), ("U", t("float"))], rin=(3, 4), rout=(1, 4))
op("EmbedLayerNormalization", 1,
   [("input_ids", "T1", ""), ("segment_ids", "T1", "?"), ("word_embedding", "T", ""), ("position_embedding", "T", ""),
    ("segment_embedding", "T", "?"), ("gamma", "T", ""), ("beta", "T", ""), ("mask", "T1", "?"),
    ("position_ids", "T1", "?")],
   [("output", "T", ""), ("mask_index", "T1", "?"), ("embedding_sum", "T", "?")],
   attrs=[("epsilon", "float", False), ("mask_index_type", "int", False)],
   tc=[("T1", t("int32")), ("T", t("float float16"))], rin=(7, 9), rout=(1, 3))
op("Attention", 1,
   [("input", "T", ""), ("weights", "T", ""), ("bias", "T", "?"), ("mask_index", "M", "?"), ("past", "T", "?"),
    ("attention_bias", "T", "?"), ("past_sequence_length", "M", "?")],
   [("output", "T", ""), ("present", "T", "?")],
   attrs=[("do_rotary", "int", False), ("mask_filter_value", "float", False), ("num_heads", "int", True),
          ("past_present_share_buffer", "int", False), ("qkv_hidden_sizes", "ints", False),
          ("rotary_embedding_dim", "int", False), ("scale", "float", False), ("unidirectional", "int", False)],
   tc=[("T", t("float float16 bfloat16")), ("M", t("int32"))], rin=(2, 7), rout=(1, 2))
op("MultiHeadAttention", 1,
   [("query", "T", ""), ("key", "T", "?"), ("value", "T", "?"), ("bias", "T", "?"), ("key_padding_mask", "M", "?"),
    ("attention_bias", "T", "?"), ("past_key", "T", "?"), ("past_value", "T", "?"),
    ("past_sequence_length", "M", "?"), ("cache_indirection", "M", "?")],
   [("output", "T", ""), ("present_key", "T", "?"), ("present_value", "T", "?"), ("qk", "QK", "?")],
   attrs=[("mask_filter_value", "float", False), ("num_heads", "int", True), ("scale", "float", False),
          ("unidirectional", "int", False)],
   tc=[("T", t(BERT)), ("M", t("int32")), ("QK", t(BERT))], rin=(1, 10), rout=(1, 4))
op("GroupQueryAttention", 1,
   [("query", "T", ""), ("key", "T", "?"), ("value", "T", "?"), ("past_key", "T_CACHE", "?"),
    ("past_value", "T_CACHE", "?"), ("seqlens_k", "M", ""), ("total_sequence_length", "M", ""),
    ("cos_cache", "T", "?"), ("sin_cache", "T", "?"), ("position_ids", "tensor(int64)", "?"),
    ("attention_bias", "T", "?"), ("head_sink", "T", "?"), ("k_scale", "T_KV_SCALE", "?"),
    ("v_scale", "T_KV_SCALE", "?"), ("q_norm_weight", "T", "?"), ("k_norm_weight", "T", "?")],
   [("output", "T", ""), ("present_key", "T_CACHE", "?"), ("present_value", "T_CACHE", "?"), ("output_qk", "T", "?")],
   attrs=[("causal", "int", False), ("do_rotary", "int", False), ("k_quant_type", "string", False),
          ("kv_cache_bit_width", "int", False), ("kv_num_heads", "int", True), ("local_window_size", "int", False),
          ("num_heads", "int", True), ("qk_norm_epsilon", "float", False), ("qk_output", "int", False),
          ("rotary_interleaved", "int", False), ("scale", "float", False), ("sliding_window_cache", "int", False),
          ("smooth_softmax", "int", False), ("softcap", "float", False), ("v_quant_type", "string", False)],
   tc=[("T", t("float16 bfloat16 float")), ("T_CACHE", t("float float16 bfloat16 uint8 int8 float8e4m3fn")),
       ("T_KV_SCALE", t("float")), ("M", t("int32"))],
   rin=(7, 16), rout=(1, 4))
op("RotaryEmbedding", 1,
   [("input", "T", ""), ("position_ids", "M", ""), ("cos_cache", "T", ""), ("sin_cache", "T", "")],
   [("output", "T", "")],
   attrs=[("interleaved", "int", False), ("is_packed_batching", "int", False), ("num_heads", "int", False),
          ("rotary_embedding_dim", "int", False), ("scale", "float", False)],
   tc=[("T", t("float float16 bfloat16")), ("M", t("int64"))])
op("MatMulNBits", 1,
   [("A", "T1", ""), ("B", "T2", ""), ("scales", "T1", ""), ("zero_points", "T3", "?"), ("g_idx", "T4", "?"),
    ("bias", "T1", "?")],
   [("Y", "T1", "")],
   attrs=[("K", "int", True), ("N", "int", True), ("accuracy_level", "int", False), ("bits", "int", False),
          ("block_size", "int", True), ("weight_prepacked", "int", False)],
   tc=[("T1", t("float float16 bfloat16")), ("T2", t("uint8")), ("T3", t("uint8 float16 float bfloat16")),
       ("T4", t("int32"))], rin=(3, 6))
op("Inverse", 1, [("X", "T", "")], [("Y", "T", "")], tc=[("T", t(FLT3))])
op("Trilu", 1, [("X", "T", ""), ("k", "tensor(int64)", "?")], [("Y", "T", "")], attrs=[("upper", "int", False)],
   tc=[("T", t("float16 float double bfloat16 uint8 uint16 uint32 uint64 int8 int16 int32 int64 bool"))], rin=(1, 2))

# ---- inference: quantization ----
op("QuantizeLinear", 1, [("x", "T1", ""), ("y_scale", "T1", ""), ("y_zero_point", "T2", "?")], [("y", "T2", "")],
   attrs=[("axis", "int", False)], tc=[("T1", t("float float16")), ("T2", t(Q16 + " int4 uint4"))], rin=(2, 3))
op("DequantizeLinear", 1, [("x", "T1", ""), ("x_scale", "T2", ""), ("x_zero_point", "T1", "?")], [("y", "T2", "")],
   attrs=[("axis", "int", False)],
   tc=[("T1", t(Q16 + " int32 int4 uint4")), ("T2", t("float float16"))], rin=(2, 3))
def qbinary(name):
    op(name, 1, [("A", "T", ""), ("A_scale", "tensor(float)", ""), ("A_zero_point", "T", "?"), ("B", "T", ""),
                 ("B_scale", "tensor(float)", ""), ("B_zero_point", "T", "?"), ("C_scale", "tensor(float)", ""),
                 ("C_zero_point", "T", "?")], [("C", "T", "")], tc=[("T", t(Q8))], rin=(7, 8))
qbinary("QLinearAdd")
qbinary("QLinearMul")
def qunary(name, attrs=(), names=("X_scale", "X_zero_point", "Y_scale", "Y_zero_point"), opt=("?", "?")):
    op(name, 1, [("X", "T", ""), (names[0], "tensor(float)", ""), (names[1], "T", opt[0]),
                 (names[2], "tensor(float)", ""), (names[3], "T", opt[1])], [("Y", "T", "")],
       attrs=attrs, tc=[("T", t(Q8))], rin=(4, 5) if opt[1] else None)
LOWER = ("x_scale", "x_zero_point", "y_scale", "y_zero_point")
qunary("QLinearSigmoid")
qunary("QLinearLeakyRelu", [("alpha", "float", False)])
qunary("QLinearSoftmax", [("axis", "int", False), ("opset", "int", True)],
       names=("X_scale", "x_zero_point", "y_scale", "y_zero_point"), opt=("?", ""))
qunary("QLinearGlobalAveragePool", [("channels_last", "int", False)], names=LOWER, opt=("", ""))
qunary("QLinearAveragePool", [("auto_pad", "string", False), ("ceil_mode", "int", False), ("channels_last", "int", False),
                              ("count_include_pad", "int", False), ("kernel_shape", "ints", True),
                              ("pads", "ints", False), ("strides", "ints", False)], names=LOWER)
op("QLinearConcat", 1, [("Y_scale", "TF", ""), ("Y_zero_point", "T8", ""), ("inputs", "TV", "*h")], [("Y", "T8", "")],
   attrs=[("axis", "int", True)], tc=[("TF", t("float")), ("T8", t(Q8)), ("TV", t("uint8 int8 float"))], rin=(3, None))
op("QLinearConv", 1,
   [("x", "T1", ""), ("x_scale", "tensor(float)", ""), ("x_zero_point", "T1", ""), ("w", "T2", ""),
    ("w_scale", "tensor(float)", ""), ("w_zero_point", "T2", ""), ("y_scale", "tensor(float)", ""),
    ("y_zero_point", "T3", ""), ("B", "T4", "?")], [("y", "T3", "")],
   attrs=[("channels_last", "int", False), ("group", "int", False)] + WINDOW,
   tc=[("T1", t(Q8)), ("T2", t(Q8)), ("T3", t(Q8)), ("T4", t("int32"))], rin=(8, 9))
op("QGemm", 1,
   [("A", "TA", ""), ("a_scale", "T", ""), ("a_zero_point", "TA", ""), ("B", "TB", ""), ("b_scale", "T", ""),
    ("b_zero_point", "TB", ""), ("C", "TC", "?"), ("y_scale", "T", "?"), ("y_zero_point", "TYZ", "?")],
   [("Y", "TY", "")], attrs=[("alpha", "float", False), ("transA", "int", False), ("transB", "int", False)],
   tc=[("T", t("float")), ("TA", t(Q8)), ("TB", t(Q8)), ("TC", t("int32")), ("TYZ", t(Q8)), ("TY", t("float uint8 int8"))],
   rin=(6, 9))
op("DynamicQuantizeMatMul", 1,
   [("A", "T1", ""), ("B", "T2", ""), ("b_scale", "T1", ""), ("b_zero_point", "T2", "?"), ("bias", "T1", "?")],
   [("Y", "T1", "")], tc=[("T1", t("float")), ("T2", t(Q8))], rin=(3, 5))
op("MatMulIntegerToFloat", 1,
   [("A", "T1", ""), ("B", "T2", ""), ("a_scale", "T3", ""), ("b_scale", "T3", ""), ("a_zero_point", "T1", "?"),
    ("b_zero_point", "T2", "?"), ("bias", "T3", "?")],
   [("Y", "T3", "")], tc=[("T1", t(Q8)), ("T2", t(Q8)), ("T3", t("float float16"))], rin=(4, 7))
op("QAttention", 1,
   [("input", "T1", ""), ("weight", "T2", ""), ("bias", "T3", ""), ("input_scale", "T3", ""),
    ("weight_scale", "T3", ""), ("mask_index", "T4", "?"), ("input_zero_point", "T1", "?"),
    ("weight_zero_point", "T2", "?"), ("past", "T3", "?")],
   [("output", "T3", ""), ("present", "T3", "?")],
   attrs=[("do_rotary", "int", False), ("mask_filter_value", "float", False), ("num_heads", "int", True),
          ("past_present_share_buffer", "int", False), ("scale", "float", False), ("unidirectional", "int", False)],
   tc=[("T1", t(Q8)), ("T2", t(Q8)), ("T3", t("float float16")), ("T4", t("int32"))], rin=(5, 9), rout=(1, 2))
