/*
 * test_ops_contrib.c - inference of ONNX Runtime's operators (com.microsoft
 * and its default-domain registrations) against the shapes
 * docs/ContribOperators.md and the training op definitions give, with
 * symbolic batch dims kept; and the kernels of the GELU family.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "builder.h"
#include "eval/eval.h"

enum { FLOAT = 1, UINT8 = 2, INT8 = 3, INT32 = 6, INT64 = 7, BOOL = 9 };

#define IN(...) ((const char *const[]){__VA_ARGS__, NULL})
#define OUT(...) ((const char *const[]){__VA_ARGS__, NULL})
#define DIMS(...) (sizeof((int64_t[]){__VA_ARGS__}) / sizeof(int64_t)), ((const int64_t[]){__VA_ARGS__})

/* A model importing ai.onnx opset and com.microsoft 1. */
static Onnx__ModelProto *ms_model(int64_t opset)
{
    Onnx__ModelProto *m = tb_model(opset);
    Onnx__OperatorSetIdProto *o = calloc(1, sizeof *o);
    onnx__operator_set_id_proto__init(o);
    o->domain = strdup("com.microsoft");
    o->has_version = 1;
    o->version = 1;
    m->opset_import = realloc(m->opset_import, (m->n_opset_import + 1) * sizeof *m->opset_import);
    m->opset_import[m->n_opset_import++] = o;
    return m;
}

/* A com.microsoft node. */
static Onnx__NodeProto *ms_node(Onnx__GraphProto *g, const char *op, const char *const *ins, const char *const *outs)
{
    Onnx__NodeProto *n = tb_node_n(g, op, op, ins, outs);
    free(n->domain);
    n->domain = strdup("com.microsoft");
    return n;
}

/* Infers m, frees it, expects no error and returns the result. */
static tb_result infer_ok(Onnx__ModelProto *m, const char *const *values)
{
    tb_result r = tb_infer(m, values);
    if (r.errors)
        fail_msg("unexpected errors: %s", r.all_errors);
    tb_model_free(m);
    return r;
}

/* ---- training operators ---- */

/* The gradient of a ReLU has its input's shape, symbolic batch kept. */
static void relu_grad(void **state)
{
    (void)state;
    Onnx__ModelProto *m = ms_model(14);
    tb_input(m->graph, "dY", FLOAT, DIMS(-1, 10));
    tb_input(m->graph, "X", FLOAT, DIMS(-1, 10));
    ms_node(m->graph, "ReluGrad", IN("dY", "X"), OUT("dX"));
    tb_result r = infer_ok(m, IN("dX"));
    assert_string_equal(r.types[0], "float[N,10]");
}

/* ConvGrad: dX like X, dW like W, dB (M). */
static void conv_grad(void **state)
{
    (void)state;
    Onnx__ModelProto *m = ms_model(17);
    tb_input(m->graph, "dY", FLOAT, DIMS(-1, 16, 10, 10));
    tb_input(m->graph, "X", FLOAT, DIMS(-1, 6, 14, 14));
    tb_input(m->graph, "W", FLOAT, DIMS(16, 6, 5, 5));
    Onnx__NodeProto *n = ms_node(m->graph, "ConvGrad", IN("dY", "X", "W"), OUT("dX", "dW", "dB"));
    tb_attr_ints(n, "kernel_shape", DIMS(5, 5));
    tb_attr_int(n, "group", 1);
    tb_result r = infer_ok(m, IN("dX", "dW", "dB"));
    assert_string_equal(r.types[0], "float[N,6,14,14]");
    assert_string_equal(r.types[1], "float[16,6,5,5]");
    assert_string_equal(r.types[2], "float[16]");
}

/* MaxPoolGrad is ONNX Runtime's, in the default domain: no error, batch and
 * channels from dY, and its pooling attributes are accepted unchecked. */
static void max_pool_grad(void **state)
{
    (void)state;
    Onnx__ModelProto *m = ms_model(17);
    tb_input(m->graph, "dY", FLOAT, DIMS(-1, 16, 5, 5));
    tb_input(m->graph, "I", INT64, DIMS(-1, 16, 5, 5));
    Onnx__NodeProto *n = tb_node_n(m->graph, "MaxPoolGrad", "p", IN("dY", "I"), OUT("dX"));
    tb_attr_ints(n, "kernel_shape", DIMS(2, 2));
    tb_attr_int(n, "storage_order", 0);
    tb_result r = infer_ok(m, IN("dX"));
    assert_string_equal(r.types[0], "float[N,16,?,?]");
}

/* SoftmaxCrossEntropyLossGrad: d_logits has log_prob's shape. */
static void sce_loss_grad(void **state)
{
    (void)state;
    Onnx__ModelProto *m = ms_model(14);
    tb_input(m->graph, "dY", FLOAT, 0, NULL);
    tb_input(m->graph, "log_prob", FLOAT, DIMS(-1, 10));
    tb_input(m->graph, "labels", INT64, DIMS(-1));
    Onnx__NodeProto *n = ms_node(m->graph, "SoftmaxCrossEntropyLossGrad", IN("dY", "log_prob", "labels"), OUT("d"));
    tb_attr_string(n, "reduction", "mean");
    tb_result r = infer_ok(m, IN("d"));
    assert_string_equal(r.types[0], "float[N,10]");
}

/* InPlaceAccumulatorV2: updated_flag bool[1], the buffer's type out. */
static void accumulator_v2(void **state)
{
    (void)state;
    Onnx__ModelProto *m = ms_model(14);
    tb_input(m->graph, "buf", FLOAT, DIMS(120, 400));
    tb_input(m->graph, "g", FLOAT, DIMS(120, 400));
    tb_input(m->graph, "reset", BOOL, DIMS(1));
    ms_node(m->graph, "InPlaceAccumulatorV2", IN("buf", "g", "reset"), OUT("flag", "out"));
    tb_result r = infer_ok(m, IN("flag", "out"));
    assert_string_equal(r.types[0], "bool[1]");
    assert_string_equal(r.types[1], "float[120,400]");
}

/* LayerNormalizationGrad: X_grad like X, scale and bias grads like scale. */
static void layer_norm_grad(void **state)
{
    (void)state;
    Onnx__ModelProto *m = ms_model(14);
    tb_input(m->graph, "dY", FLOAT, DIMS(-1, 128, 768));
    tb_input(m->graph, "X", FLOAT, DIMS(-1, 128, 768));
    tb_input(m->graph, "scale", FLOAT, DIMS(768));
    tb_input(m->graph, "mean", FLOAT, DIMS(-1, 128, 1));
    tb_input(m->graph, "inv", FLOAT, DIMS(-1, 128, 1));
    Onnx__NodeProto *n = ms_node(m->graph, "LayerNormalizationGrad", IN("dY", "X", "scale", "mean", "inv"),
                                 OUT("dX", "dS", "dB"));
    tb_attr_int(n, "axis", -1);
    tb_result r = infer_ok(m, IN("dX", "dS", "dB"));
    assert_string_equal(r.types[0], "float[N,128,768]");
    assert_string_equal(r.types[1], "float[768]");
    assert_string_equal(r.types[2], "float[768]");
}

/* As training_op_defs.cc defines them: GeluGrad accepts the attributes of
 * the Gelu it mirrors (AllowUncheckedAttributes), LayerNormalizationGrad's
 * Y_grad has scale's type V (float16 under a float X in mixed precision),
 * GatherGrad's shape may be int32 and BatchNormalizationGrad takes
 * bfloat16. */
static void training_rows_accept(void **state)
{
    (void)state;
    Onnx__ModelProto *m = ms_model(14);
    tb_input(m->graph, "dY", FLOAT, DIMS(-1, 8));
    tb_input(m->graph, "X", FLOAT, DIMS(-1, 8));
    Onnx__NodeProto *n = ms_node(m->graph, "GeluGrad", IN("dY", "X"), OUT("dX"));
    tb_attr_string(n, "approximate", "none");
    tb_input(m->graph, "hdY", 10, DIMS(-1, 8));
    tb_input(m->graph, "hscale", 10, DIMS(8));
    tb_input(m->graph, "mean", FLOAT, DIMS(-1, 1));
    n = ms_node(m->graph, "LayerNormalizationGrad", IN("hdY", "X", "hscale", "mean", "mean"), OUT("lX", "lS", "lB"));
    tb_attr_int(n, "axis", -1);
    tb_input(m->graph, "shape", INT32, DIMS(2));
    tb_input(m->graph, "idx", INT64, DIMS(-1));
    ms_node(m->graph, "GatherGrad", IN("shape", "idx", "dY"), OUT("gX"));
    tb_input(m->graph, "b", 16, DIMS(-1, 4, 6, 6));
    tb_input(m->graph, "bc", 16, DIMS(4));
    n = ms_node(m->graph, "BatchNormalizationGrad", IN("b", "b", "bc", "bc", "bc"), OUT("bX", "bS", "bB"));
    tb_attr_float(n, "epsilon", 1e-5f);
    tb_result r = infer_ok(m, IN("dX", "lX", "lS"));
    assert_string_equal(r.types[0], "float[N,8]");
    assert_string_equal(r.types[1], "float[N,8]");
    assert_string_equal(r.types[2], "float16[8]");
}

/* What training_op_defs.cc refuses: SoftmaxCrossEntropyLossGrad has no bias
 * input, SoftmaxCrossEntropyLossInternal always writes log_prob,
 * AveragePoolGrad requires kernel_shape, ReduceSumTraining takes no bfloat16,
 * and there is no ConvGrad in the default domain. */
static void training_rows_refuse(void **state)
{
    (void)state;
    Onnx__ModelProto *m = ms_model(14);
    tb_input(m->graph, "dY", FLOAT, 0, NULL);
    tb_input(m->graph, "lp", FLOAT, DIMS(-1, 10));
    tb_input(m->graph, "labels", INT64, DIMS(-1));
    ms_node(m->graph, "SoftmaxCrossEntropyLossGrad", IN("dY", "lp", "labels", "", "lp"), OUT("d"));
    ms_node(m->graph, "SoftmaxCrossEntropyLossInternal", IN("lp", "labels"), OUT("loss"));
    tb_input(m->graph, "pdY", FLOAT, DIMS(-1, 4, 3, 3));
    tb_node_n(m->graph, "AveragePoolGrad", "apg", IN("pdY"), OUT("pdX"));
    tb_input(m->graph, "bf", 16, DIMS(-1, 4));
    tb_input(m->graph, "axes", INT64, DIMS(1));
    ms_node(m->graph, "ReduceSumTraining", IN("bf", "axes"), OUT("rs"));
    tb_result r = tb_infer(m, IN("d"));
    tb_model_free(m);
    assert_int_equal(r.errors, 4);
    assert_non_null(strstr(r.all_errors, "5 inputs, opset 1 takes 3 to 4 (SoftmaxCrossEntropyLossGrad)"));
    assert_non_null(strstr(r.all_errors, "SoftmaxCrossEntropyLossInternal"));
    assert_non_null(strstr(r.all_errors, "'kernel_shape' is missing (AveragePoolGrad)"));
    assert_non_null(strstr(r.all_errors, "bfloat16[N,4], which this operator does not take (ReduceSumTraining)"));
}

/* ConcatTraining: the concatenation and each input's length. */
static void concat_training(void **state)
{
    (void)state;
    Onnx__ModelProto *m = ms_model(14);
    tb_input(m->graph, "A", FLOAT, DIMS(-1, 3));
    tb_input(m->graph, "B", FLOAT, DIMS(-1, 5));
    Onnx__NodeProto *n = ms_node(m->graph, "ConcatTraining", IN("A", "B"), OUT("C", "len"));
    tb_attr_int(n, "axis", 1);
    tb_result r = infer_ok(m, IN("C", "len"));
    assert_string_equal(r.types[0], "float[N,8]");
    assert_string_equal(r.types[1], "int64[2]");
}

/* BatchNormInternal: Y like X, the statistics like the running mean. */
static void batch_norm_internal(void **state)
{
    (void)state;
    Onnx__ModelProto *m = ms_model(14);
    tb_input(m->graph, "X", FLOAT, DIMS(-1, 8, 4, 4));
    const char *p[] = {"s", "b", "mu", "var"};
    for (int i = 0; i < 4; i++)
        tb_input(m->graph, p[i], FLOAT, DIMS(8));
    ms_node(m->graph, "BatchNormInternal", IN("X", "s", "b", "mu", "var"), OUT("Y", "rm", "rv", "sm", "si"));
    tb_result r = infer_ok(m, IN("Y", "rm", "si"));
    assert_string_equal(r.types[0], "float[N,8,4,4]");
    assert_string_equal(r.types[1], "float[8]");
    assert_string_equal(r.types[2], "float[8]");
}

/* ---- inference-time contrib operators ---- */

/* Attention: input (B,S,768), weights (768, 2304): output (B,S,768),
 * present (2,B,12,?,64). */
static void attention(void **state)
{
    (void)state;
    Onnx__ModelProto *m = ms_model(14);
    tb_input(m->graph, "x", FLOAT, DIMS(-1, 128, 768));
    tb_input(m->graph, "w", FLOAT, DIMS(768, 2304));
    tb_input(m->graph, "b", FLOAT, DIMS(2304));
    Onnx__NodeProto *n = ms_node(m->graph, "Attention", IN("x", "w", "b"), OUT("y", "present"));
    tb_attr_int(n, "num_heads", 12);
    tb_result r = infer_ok(m, IN("y", "present"));
    assert_string_equal(r.types[0], "float[N,128,768]");
    assert_string_equal(r.types[1], "float[2,N,12,?,64]");
}

/* MultiHeadAttention with separate Q (B,S,D), K and V (B,L,Dv). */
static void multi_head_attention(void **state)
{
    (void)state;
    Onnx__ModelProto *m = ms_model(14);
    tb_input(m->graph, "q", FLOAT, DIMS(-1, 16, 512));
    tb_input(m->graph, "k", FLOAT, DIMS(-1, 32, 512));
    tb_input(m->graph, "v", FLOAT, DIMS(-1, 32, 256));
    Onnx__NodeProto *n = ms_node(m->graph, "MultiHeadAttention", IN("q", "k", "v"), OUT("y"));
    tb_attr_int(n, "num_heads", 8);
    tb_result r = infer_ok(m, IN("y"));
    assert_string_equal(r.types[0], "float[N,16,256]");
}

/* GroupQueryAttention, packed QKV: D = (32 + 2*8) * 128. */
static void group_query_attention(void **state)
{
    (void)state;
    Onnx__ModelProto *m = ms_model(14);
    tb_input(m->graph, "qkv", FLOAT, DIMS(-1, 7, 6144));
    tb_input(m->graph, "seqlens", INT32, DIMS(-1));
    tb_input(m->graph, "total", INT32, 0, NULL);
    Onnx__NodeProto *n = ms_node(m->graph, "GroupQueryAttention", IN("qkv", "", "", "", "", "seqlens", "total"),
                                 OUT("y", "pk", "pv"));
    tb_attr_int(n, "num_heads", 32);
    tb_attr_int(n, "kv_num_heads", 8);
    tb_result r = infer_ok(m, IN("y", "pk"));
    assert_string_equal(r.types[0], "float[N,7,4096]");
    assert_string_equal(r.types[1], "float[N,8,?,128]");
}

/* GroupQueryAttention as ONNX Runtime defines it now (contrib_ops/bert_defs.cc;
 * docs/ContribOperators.md): up to 16 inputs (k_scale, v_scale for a quantized
 * cache, q_norm_weight, k_norm_weight), the attributes of the windowed and
 * quantized cache, and present_key/present_value optional. */
static void group_query_attention_current(void **state)
{
    (void)state;
    Onnx__ModelProto *m = ms_model(14);
    tb_input(m->graph, "q", FLOAT, DIMS(-1, 7, 4096));
    tb_input(m->graph, "k", FLOAT, DIMS(-1, 7, 1024));
    tb_input(m->graph, "v", FLOAT, DIMS(-1, 7, 1024));
    tb_input(m->graph, "pk", INT8, DIMS(-1, 8, 64, 128));
    tb_input(m->graph, "pv", INT8, DIMS(-1, 8, 64, 128));
    tb_input(m->graph, "seqlens", INT32, DIMS(-1));
    tb_input(m->graph, "total", INT32, 0, NULL);
    tb_input(m->graph, "ks", FLOAT, DIMS(1));
    tb_input(m->graph, "vs", FLOAT, DIMS(1));
    tb_input(m->graph, "qn", FLOAT, DIMS(128));
    tb_input(m->graph, "kn", FLOAT, DIMS(128));
    Onnx__NodeProto *n = ms_node(m->graph, "GroupQueryAttention",
                                 IN("q", "k", "v", "pk", "pv", "seqlens", "total", "", "", "", "", "", "ks", "vs", "qn",
                                    "kn"),
                                 OUT("y"));
    tb_attr_int(n, "num_heads", 32);
    tb_attr_int(n, "kv_num_heads", 8);
    tb_attr_int(n, "causal", 1);
    tb_attr_int(n, "kv_cache_bit_width", 8);
    tb_attr_string(n, "k_quant_type", "PER_TENSOR");
    tb_attr_string(n, "v_quant_type", "PER_TENSOR");
    tb_attr_int(n, "sliding_window_cache", 0);
    tb_attr_float(n, "qk_norm_epsilon", 1e-6f);
    tb_result r = infer_ok(m, IN("y"));
    assert_string_equal(r.types[0], "float[N,7,4096]");
}

/* MatMulNBits' weight_prepacked attribute (docs/ContribOperators.md) is known. */
static void matmul_nbits_prepacked(void **state)
{
    (void)state;
    Onnx__ModelProto *m = ms_model(14);
    tb_input(m->graph, "a", FLOAT, DIMS(-1, 64));
    tb_input(m->graph, "b", UINT8, DIMS(10, 2, 16));
    tb_input(m->graph, "s", FLOAT, DIMS(10, 2));
    Onnx__NodeProto *n = ms_node(m->graph, "MatMulNBits", IN("a", "b", "s"), OUT("y"));
    tb_attr_int(n, "K", 64);
    tb_attr_int(n, "N", 10);
    tb_attr_int(n, "bits", 4);
    tb_attr_int(n, "block_size", 32);
    tb_attr_int(n, "weight_prepacked", 0);
    tb_result r = infer_ok(m, IN("y"));
    assert_string_equal(r.types[0], "float[N,10]");
}

/* What ONNX Runtime's schemas refuse, the rows refuse: MultiHeadAttention
 * has no output_qk attribute, com.microsoft QuantizeLinear only axis,
 * QLinearSoftmax needs y_zero_point, QLinearGlobalAveragePool both zero
 * points, and BiasAdd takes float16 and float only. */
static void runtime_refusals(void **state)
{
    (void)state;
    Onnx__ModelProto *m = ms_model(14);
    tb_input(m->graph, "q", FLOAT, DIMS(-1, 16, 512));
    Onnx__NodeProto *n = ms_node(m->graph, "MultiHeadAttention", IN("q", "q", "q"), OUT("mha"));
    tb_attr_int(n, "num_heads", 8);
    tb_attr_int(n, "output_qk", 1);
    tb_input(m->graph, "s", FLOAT, 0, NULL);
    n = ms_node(m->graph, "QuantizeLinear", IN("q", "s"), OUT("ql"));
    tb_attr_int(n, "saturate", 1);
    tb_input(m->graph, "x", UINT8, DIMS(-1, 8, 4, 4));
    tb_input(m->graph, "z", UINT8, 0, NULL);
    n = ms_node(m->graph, "QLinearSoftmax", IN("x", "s", "z", "s"), OUT("sm"));
    tb_attr_int(n, "opset", 13);
    ms_node(m->graph, "QLinearGlobalAveragePool", IN("x", "s", "", "s", "z"), OUT("gap"));
    tb_input(m->graph, "d", 11, DIMS(-1, 4));
    ms_node(m->graph, "BiasAdd", IN("d", "d", "d"), OUT("ba"));
    tb_result r = tb_infer(m, IN("mha"));
    tb_model_free(m);
    assert_int_equal(r.errors, 7); /* BiasAdd: one for each of its three inputs */
    assert_non_null(strstr(r.all_errors, "output_qk"));
    assert_non_null(strstr(r.all_errors, "saturate"));
    assert_non_null(strstr(r.all_errors, "4 inputs, opset 1 takes 5 to 5 (QLinearSoftmax)"));
    assert_non_null(strstr(r.all_errors, "required input 2 is empty (QLinearGlobalAveragePool)"));
    assert_non_null(strstr(r.all_errors, "double[N,4], which this operator does not take (BiasAdd)"));
}

/* SkipLayerNormalization: output like input, mean (B,S,1). */
static void skip_layer_norm(void **state)
{
    (void)state;
    Onnx__ModelProto *m = ms_model(14);
    tb_input(m->graph, "x", FLOAT, DIMS(-1, 128, 768));
    tb_input(m->graph, "skip", FLOAT, DIMS(-1, 128, 768));
    tb_input(m->graph, "gamma", FLOAT, DIMS(768));
    tb_input(m->graph, "beta", FLOAT, DIMS(768));
    ms_node(m->graph, "SkipLayerNormalization", IN("x", "skip", "gamma", "beta"), OUT("y", "mean", "inv", "sum"));
    tb_result r = infer_ok(m, IN("y", "mean", "sum"));
    assert_string_equal(r.types[0], "float[N,128,768]");
    assert_string_equal(r.types[1], "float[N,128,1]");
    assert_string_equal(r.types[2], "float[N,128,768]");
}

/* EmbedLayerNormalization: ids (B,S), word embedding (V,H): (B,S,H) and
 * mask_index int32 (B). */
static void embed_layer_norm(void **state)
{
    (void)state;
    Onnx__ModelProto *m = ms_model(14);
    tb_input(m->graph, "ids", INT32, DIMS(-1, 128));
    tb_input(m->graph, "seg", INT32, DIMS(-1, 128));
    tb_input(m->graph, "we", FLOAT, DIMS(30522, 768));
    tb_input(m->graph, "pe", FLOAT, DIMS(512, 768));
    tb_input(m->graph, "se", FLOAT, DIMS(2, 768));
    tb_input(m->graph, "g", FLOAT, DIMS(768));
    tb_input(m->graph, "b", FLOAT, DIMS(768));
    ms_node(m->graph, "EmbedLayerNormalization", IN("ids", "seg", "we", "pe", "se", "g", "b"), OUT("y", "mask"));
    tb_result r = infer_ok(m, IN("y", "mask"));
    assert_string_equal(r.types[0], "float[N,128,768]");
    assert_string_equal(r.types[1], "int32[N]");
}

/* ONNX Runtime's LayerNormalization at opset 14 (ONNX's is from 17) and
 * SimplifiedLayerNormalization: recognised, inferred. */
static void runtime_layer_norms(void **state)
{
    (void)state;
    Onnx__ModelProto *m = ms_model(14);
    tb_input(m->graph, "x", FLOAT, DIMS(-1, 128, 768));
    tb_input(m->graph, "g", FLOAT, DIMS(768));
    tb_input(m->graph, "b", FLOAT, DIMS(768));
    tb_node_n(m->graph, "LayerNormalization", "ln", IN("x", "g", "b"), OUT("y"));
    Onnx__NodeProto *n = tb_node_n(m->graph, "SimplifiedLayerNormalization", "rms", IN("x", "g"), OUT("z", "inv"));
    tb_attr_int(n, "axis", -1);
    tb_result r = infer_ok(m, IN("y", "z", "inv"));
    assert_string_equal(r.types[0], "float[N,128,768]");
    assert_string_equal(r.types[1], "float[N,128,768]");
    assert_string_equal(r.types[2], "float[N,128,1]");
}

/* The GELUs and BiasAdd keep the input's type. */
static void gelus(void **state)
{
    (void)state;
    Onnx__ModelProto *m = ms_model(14);
    tb_input(m->graph, "x", FLOAT, DIMS(-1, 3072));
    tb_input(m->graph, "bias", FLOAT, DIMS(3072));
    ms_node(m->graph, "BiasGelu", IN("x", "bias"), OUT("a"));
    ms_node(m->graph, "FastGelu", IN("a", "bias"), OUT("b"));
    ms_node(m->graph, "Gelu", IN("b"), OUT("c"));
    ms_node(m->graph, "QuickGelu", IN("c"), OUT("d"));
    ms_node(m->graph, "BiasAdd", IN("d", "bias", "x"), OUT("e"));
    tb_result r = infer_ok(m, IN("a", "d", "e"));
    assert_string_equal(r.types[0], "float[N,3072]");
    assert_string_equal(r.types[1], "float[N,3072]");
    assert_string_equal(r.types[2], "float[N,3072]");
}

/* FusedMatMul with transB; FusedConv as Conv; MatMulNBits (..., N). */
static void fused_products(void **state)
{
    (void)state;
    Onnx__ModelProto *m = ms_model(14);
    tb_input(m->graph, "a", FLOAT, DIMS(-1, 4, 64));
    tb_input(m->graph, "b", FLOAT, DIMS(32, 64));
    Onnx__NodeProto *n = ms_node(m->graph, "FusedMatMul", IN("a", "b"), OUT("y"));
    tb_attr_int(n, "transB", 1);
    tb_input(m->graph, "x", FLOAT, DIMS(-1, 3, 32, 32));
    tb_input(m->graph, "w", FLOAT, DIMS(8, 3, 3, 3));
    n = ms_node(m->graph, "FusedConv", IN("x", "w"), OUT("c"));
    tb_attr_string(n, "activation", "Relu");
    tb_attr_ints(n, "pads", DIMS(1, 1, 1, 1));
    tb_input(m->graph, "qw", UINT8, DIMS(4096, 64, 16));
    tb_input(m->graph, "sc", FLOAT, DIMS(262144));
    tb_input(m->graph, "h", FLOAT, DIMS(-1, 7, 2048));
    n = ms_node(m->graph, "MatMulNBits", IN("h", "qw", "sc"), OUT("q"));
    tb_attr_int(n, "K", 2048);
    tb_attr_int(n, "N", 4096);
    tb_attr_int(n, "bits", 4);
    tb_attr_int(n, "block_size", 32);
    tb_result r = infer_ok(m, IN("y", "c", "q"));
    assert_string_equal(r.types[0], "float[N,4,32]");
    assert_string_equal(r.types[1], "float[N,8,32,32]");
    assert_string_equal(r.types[2], "float[N,7,4096]");
}

/* RotaryEmbedding keeps the input's shape. */
static void rotary_embedding(void **state)
{
    (void)state;
    Onnx__ModelProto *m = ms_model(14);
    tb_input(m->graph, "x", FLOAT, DIMS(-1, 7, 4096));
    tb_input(m->graph, "pos", INT64, DIMS(-1, 7));
    tb_input(m->graph, "cos", FLOAT, DIMS(4096, 64));
    tb_input(m->graph, "sin", FLOAT, DIMS(4096, 64));
    Onnx__NodeProto *n = ms_node(m->graph, "RotaryEmbedding", IN("x", "pos", "cos", "sin"), OUT("y"));
    tb_attr_int(n, "num_heads", 32);
    tb_result r = infer_ok(m, IN("y"));
    assert_string_equal(r.types[0], "float[N,7,4096]");
}

/* The quantized family: QLinearAdd broadcasts A and B, QLinearConcat
 * concatenates, QLinearGlobalAveragePool reduces, QGemm is float without
 * y_scale, DynamicQuantizeMatMul is float. */
static void quantization(void **state)
{
    (void)state;
    Onnx__ModelProto *m = ms_model(14);
    tb_input(m->graph, "a", UINT8, DIMS(-1, 8, 4, 4));
    tb_input(m->graph, "b", UINT8, DIMS(8, 1, 1));
    tb_input(m->graph, "s", FLOAT, 0, NULL);
    tb_input(m->graph, "z", UINT8, 0, NULL);
    ms_node(m->graph, "QLinearAdd", IN("a", "s", "z", "b", "s", "z", "s", "z"), OUT("c"));
    Onnx__NodeProto *n = ms_node(m->graph, "QLinearConcat", IN("s", "z", "a", "s", "z", "c", "s", "z"), OUT("cat"));
    tb_attr_int(n, "axis", 1);
    ms_node(m->graph, "QLinearGlobalAveragePool", IN("cat", "s", "z", "s", "z"), OUT("gap"));
    tb_input(m->graph, "qa", UINT8, DIMS(-1, 64));
    tb_input(m->graph, "qb", UINT8, DIMS(64, 10));
    ms_node(m->graph, "QGemm", IN("qa", "s", "z", "qb", "s", "z"), OUT("g"));
    tb_input(m->graph, "fa", FLOAT, DIMS(-1, 64));
    tb_input(m->graph, "i8", INT8, DIMS(64, 10));
    ms_node(m->graph, "DynamicQuantizeMatMul", IN("fa", "i8", "s"), OUT("d"));
    tb_result r = infer_ok(m, IN("c", "cat", "gap", "g", "d"));
    assert_string_equal(r.types[0], "uint8[N,8,4,4]");
    assert_string_equal(r.types[1], "uint8[N,16,4,4]");
    assert_string_equal(r.types[2], "uint8[N,16,1,1]");
    assert_string_equal(r.types[3], "float[N,10]");
    assert_string_equal(r.types[4], "float[N,10]");
}

/* A com.microsoft operator that no table knows stays unknown (a note, not
 * an error), and a wrong attribute on a known one is a type-error. */
static void unknown_and_wrong(void **state)
{
    (void)state;
    Onnx__ModelProto *m = ms_model(14);
    tb_input(m->graph, "x", FLOAT, DIMS(-1, 4));
    ms_node(m->graph, "NoSuchOp", IN("x"), OUT("y"));
    Onnx__NodeProto *n = ms_node(m->graph, "Gelu", IN("x"), OUT("z"));
    tb_attr_int(n, "approximate", 1);
    tb_result r = tb_infer(m, IN("y", "z"));
    assert_string_equal(r.types[0], "?");
    assert_string_equal(r.types[1], "float[N,4]");
    assert_int_equal(r.errors, 1);
    assert_non_null(strstr(r.first_error, "approximate"));
    tb_model_free(m);
}

/* Scalars where matrices belong, nonsense head counts, float data where a
 * shape is read: reported or left unknown, never a crash (ASan/UBSan). */
static void odd_inputs(void **state)
{
    (void)state;
    Onnx__ModelProto *m = ms_model(14);
    tb_input(m->graph, "s", FLOAT, 0, NULL);
    tb_input(m->graph, "v", FLOAT, DIMS(4));
    tb_input(m->graph, "ids", INT32, DIMS(4));
    tb_input(m->graph, "seq", INT32, DIMS(1));
    Onnx__NodeProto *n = ms_node(m->graph, "GroupQueryAttention", IN("v", "", "", "", "", "seq", "seq"),
                                 OUT("g", "pk", "pv"));
    tb_attr_int(n, "num_heads", INT64_MAX);
    tb_attr_int(n, "kv_num_heads", INT64_MAX);
    n = ms_node(m->graph, "Attention", IN("s", "v"), OUT("a"));
    tb_attr_int(n, "num_heads", 0);
    n = ms_node(m->graph, "MatMulNBits", IN("s", "ids", "v"), OUT("q"));
    tb_attr_int(n, "K", -1);
    tb_attr_int(n, "N", -1);
    tb_attr_int(n, "block_size", 0);
    ms_node(m->graph, "EmbedLayerNormalization", IN("ids", "", "s", "s", "", "v", "v"), OUT("e"));
    ms_node(m->graph, "SkipLayerNormalization", IN("s", "s", "v"), OUT("k", "mean"));
    ms_node(m->graph, "GatherGrad", IN("v", "ids", "v"), OUT("gg"));
    tb_int64s(m->graph, "axes", 1, (const int64_t[]){99});
    ms_node(m->graph, "ReduceSumTraining", IN("v", "axes"), OUT("r"));
    n = ms_node(m->graph, "ConcatTraining", IN("s", "v"), OUT("c"));
    tb_attr_int(n, "axis", 5);
    ms_node(m->graph, "QLinearConcat", IN("s", "ids"), OUT("qc"));
    tb_result r = tb_infer(m, IN("g", "a", "q", "e", "k", "r", "c"));
    assert_true(r.errors > 0); /* the nonsense is reported, not fatal */
    assert_string_equal(r.types[2], "float[...]"); /* a scalar A: rank unknown */
    tb_model_free(m);
}


/* ---- the other operators, one row each ---- */

/* One node of op with inputs given as tokens: "f:N,8" a float input of
 * dims (N symbolic), "f:" a scalar, "u8:", "i8:", "i32:", "i64:", "u32:",
 * "b:" other element types, "i64=10,8" an int64 initializer with those
 * values, "-" an omitted input; attributes "name=3", "name=1,2" (ints),
 * "name=0.5" (a float when it has a dot), "name='s'" (a string).  The
 * outputs' inferred types, joined by spaces, must be expected. */
typedef struct op_row {
    const char *op, *domain, *inputs, *attrs;
    int n_outputs;
    const char *expected;
} op_row;

static const op_row OP_ROWS[] = {
    {"AveragePoolGrad", "", "f:N,3,4,4", "kernel_shape=2,2", 1, "float[N,3,?,?]"},
    {"BatchNormalizationGrad", "com.microsoft", "f:N,8,4,4 f:N,8,4,4 f:8 f:8 f:8", "epsilon=0.001", 3,
     "float[N,8,4,4] float[8] float[8]"},
    {"BiasAdd", "com.microsoft", "f:N,16,64 f:64 f:N,16,64", "", 1, "float[N,16,64]"},
    {"BiasFastGeluGrad_dX", "com.microsoft", "f:N,64 f:N,64 f:64", "", 1, "float[N,64]"},
    {"BiasGeluGrad_dX", "com.microsoft", "f:N,64 f:N,64 f:64", "", 1, "float[N,64]"},
    {"BiasSoftmax", "com.microsoft", "f:N,4,8,8 f:N,1,8,8", "is_inner_broadcast=0", 1, "float[N,4,8,8]"},
    {"BiasSplitGelu", "com.microsoft", "f:N,16,640 f:640", "", 1, "float[N,16,320]"},
    {"BitmaskDropoutGrad", "com.microsoft", "f:N,64 u32:2", "", 1, "float[N,64]"},
    {"BroadcastGradientArgs", "com.microsoft", "i64:2 i64:3", "", 2, "int64[?] int64[?]"},
    {"ConvTransposeGrad", "com.microsoft", "f:N,4,8,8 f:N,2,4,4 f:2,4,3,3", "group=1", 3,
     "float[N,2,4,4] float[2,4,3,3] float[4]"},
    {"DequantizeLinear", "com.microsoft", "u8:N,8 f: u8:", "", 1, "float[N,8]"},
    {"DivGrad", "com.microsoft", "f:N,8 f:N,8 f:8", "", 2, "float[N,8] float[8]"},
    {"DropoutGrad", "com.microsoft", "f:N,8 b:N,8", "", 1, "float[N,8]"},
    {"FastGeluGrad", "com.microsoft", "f:N,8 f:N,8", "", 1, "float[N,8]"},
    {"FusedGemm", "com.microsoft", "f:N,8 f:4,8 f:4", "transB=1 activation='Relu'", 1, "float[N,4]"},
    {"GatherElementsGrad", "com.microsoft", "f:N,3 i64:2 i64:N,3", "", 1, "float[?,?]"},
    {"GatherGrad", "com.microsoft", "i64=10,8 i64:N f:N,8", "", 1, "float[10,8]"},
    {"GatherNDGrad", "com.microsoft", "i64=5,6 i64:N,1 f:N,6", "", 1, "float[5,6]"},
    {"GeluGrad", "com.microsoft", "f:N,8 f:N,8", "", 1, "float[N,8]"},
    {"GemmFastGelu", "com.microsoft", "f:N,16,64 f:64,256 f:256", "", 1, "float[N,16,256]"},
    {"InPlaceAccumulator", "com.microsoft", "f:8 f:8", "", 1, "float[8]"},
    {"Inverse", "com.microsoft", "f:N,3,3", "", 1, "float[N,3,3]"},
    {"InvertibleLayerNormalizationGrad", "com.microsoft", "f:N,8 f:N,8 f:8 f:8 f:N,1", "", 3,
     "float[N,8] float[8] float[8]"},
    {"LeakyReluGrad", "com.microsoft", "f:N,8 f:N,8", "alpha=0.01", 1, "float[N,8]"},
    {"LogSoftmaxGrad", "com.microsoft", "f:N,8 f:N,8", "axis=1", 1, "float[N,8]"},
    {"LogSoftmaxGrad_13", "com.microsoft", "f:N,8 f:N,8", "axis=-1", 1, "float[N,8]"},
    {"MatMulIntegerToFloat", "com.microsoft", "u8:N,8 u8:8,4 f: f:", "", 1, "float[N,4]"},
    {"QAttention", "com.microsoft", "u8:N,16,64 u8:64,192 f:192 f: f:", "num_heads=4", 1, "float[N,16,64]"},
    {"QLinearAveragePool", "com.microsoft", "u8:N,3,8,8 f: u8: f: u8:", "kernel_shape=2,2", 1, "uint8[N,3,?,?]"},
    {"QLinearConv", "com.microsoft", "u8:N,3,8,8 f: u8: u8:4,3,3,3 f: u8: f: u8:", "", 1, "uint8[N,4,6,6]"},
    {"QLinearLeakyRelu", "com.microsoft", "u8:N,8 f: u8: f: u8:", "alpha=0.1", 1, "uint8[N,8]"},
    {"QLinearMul", "com.microsoft", "i8:N,8 f: i8: i8:8 f: i8: f: i8:", "", 1, "int8[N,8]"},
    {"QLinearSigmoid", "com.microsoft", "u8:N,8 f: u8: f: u8:", "", 1, "uint8[N,8]"},
    {"QLinearSoftmax", "com.microsoft", "u8:N,8 f: u8: f: u8:", "opset=13 axis=-1", 1, "uint8[N,8]"},
    {"QuantizeLinear", "com.microsoft", "f:N,8 f: i8:", "", 1, "int8[N,8]"},
    {"QuickGeluGrad", "com.microsoft", "f:N,8 f:N,8", "alpha=1.702", 1, "float[N,8]"},
    {"ReduceSumTraining", "com.microsoft", "f:N,8,4 i64=1", "keepdims=0", 1, "float[N,4]"},
    {"Scale", "com.microsoft", "f:N,8 f:", "scale_down=1", 1, "float[N,8]"},
    {"SigmoidGrad", "com.microsoft", "f:N,8 f:N,8", "", 1, "float[N,8]"},
    {"SimplifiedLayerNormalizationGrad", "com.microsoft", "f:N,8 f:N,8 f:8 f:N,1", "", 2, "float[N,8] float[8]"},
    {"SkipSimplifiedLayerNormalization", "com.microsoft", "f:N,4,8 f:N,4,8 f:8", "", 1, "float[N,4,8]"},
    {"SoftmaxCrossEntropy", "com.microsoft", "f:N,5 f:N,5", "", 2, "float[] float[N,5]"},
    {"SoftmaxCrossEntropyGrad", "com.microsoft", "f: f:N,5 f:N,5", "", 1, "float[N,5]"},
    {"SoftmaxCrossEntropyLossInternal", "com.microsoft", "f:N,5 i64:N", "reduction='none'", 2, "float[N] float[N,5]"},
    {"SoftmaxCrossEntropyLossInternalGrad", "com.microsoft", "f: f:N,5 i64:N", "", 1, "float[N,5]"},
    {"SoftmaxGrad", "com.microsoft", "f:N,8 f:N,8", "axis=1", 1, "float[N,8]"},
    {"SoftmaxGrad_13", "com.microsoft", "f:N,8 f:N,8", "axis=-1", 1, "float[N,8]"},
    {"SplitTraining", "com.microsoft", "f:N,10 i64=4,6", "axis=1", 2, "float[N,4] float[N,6]"},
    {"TanhGrad", "com.microsoft", "f:N,8 f:N,8", "", 1, "float[N,8]"},
    {"Trilu", "com.microsoft", "f:N,4,4", "upper=0", 1, "float[N,4,4]"},
    {"ZeroGradient", "com.microsoft", "f:8 f:1", "", 1, "float[8]"},
};

static int elem_of(const char *tag)
{
    static const struct {
        const char *tag;
        int elem;
    } tags[] = {{"f", FLOAT}, {"u8", UINT8}, {"i8", INT8}, {"i32", INT32}, {"i64", INT64}, {"u32", 12}, {"b", BOOL}};
    for (size_t i = 0; i < sizeof tags / sizeof *tags; i++) {
        if (strcmp(tags[i].tag, tag) == 0)
            return tags[i].elem;
    }
    fail_msg("unknown element tag %s", tag);
    return 0;
}

/* Parses "10,8" (N: -1) into dims; returns the count. */
static size_t parse_ints(const char *text, int64_t *out, size_t cap)
{
    size_t n = 0;
    for (const char *p = text; *p && n < cap;) {
        out[n++] = *p == 'N' ? -1 : strtoll(p, NULL, 10);
        p = strchr(p, ',');
        if (!p)
            break;
        p++;
    }
    return n;
}

static void one_row(const op_row *row)
{
    Onnx__ModelProto *m = ms_model(17);
    const char *ins[16] = {NULL};
    char names[16][8];
    char buf[256];
    snprintf(buf, sizeof buf, "%s", row->inputs);
    size_t n = 0;
    for (char *tok = strtok(buf, " "); tok && n < 15; tok = strtok(NULL, " "), n++) {
        snprintf(names[n], sizeof names[n], "in%zu", n);
        ins[n] = names[n];
        int64_t dims[8];
        char *sep = strpbrk(tok, ":=");
        if (strcmp(tok, "-") == 0) {
            ins[n] = "";
        } else if (sep && *sep == '=') {
            tb_int64s(m->graph, names[n], parse_ints(sep + 1, dims, 8), dims);
        } else if (sep) {
            *sep = '\0';
            tb_input(m->graph, names[n], elem_of(tok), sep[1] ? parse_ints(sep + 1, dims, 8) : 0, dims);
        }
    }
    const char *outs[4] = {"o0", "o1", "o2", NULL};
    outs[row->n_outputs] = NULL;
    Onnx__NodeProto *node = tb_node_n(m->graph, row->op, row->op, ins, outs);
    free(node->domain);
    node->domain = strdup(row->domain);
    snprintf(buf, sizeof buf, "%s", row->attrs);
    for (char *tok = strtok(buf, " "); tok; tok = strtok(NULL, " ")) {
        char *eq = strchr(tok, '=');
        *eq = '\0';
        int64_t v[8];
        if (eq[1] == '\'') {
            eq[strlen(eq + 1)] = '\0';
            tb_attr_string(node, tok, eq + 2);
        } else if (strchr(eq + 1, '.')) {
            tb_attr_float(node, tok, strtof(eq + 1, NULL));
        } else if (strchr(eq + 1, ',')) {
            tb_attr_ints(node, tok, parse_ints(eq + 1, v, 8), v);
        } else {
            tb_attr_int(node, tok, strtoll(eq + 1, NULL, 10));
        }
    }
    tb_result r = tb_infer(m, outs);
    char got[512] = "";
    for (int i = 0; i < row->n_outputs; i++)
        snprintf(got + strlen(got), sizeof got - strlen(got), "%s%s", i ? " " : "", r.types[i]);
    if (strcmp(got, row->expected) != 0 || r.errors)
        fail_msg("%s: got %s (errors: %s), expected %s", row->op, got, r.all_errors, row->expected);
    tb_model_free(m);
}

static void every_other_operator(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof OP_ROWS / sizeof *OP_ROWS; i++)
        one_row(&OP_ROWS[i]);
}

/* ---- kernels ---- */

static void gelu_kernels(void **state)
{
    (void)state;
    Onnx__ModelProto *m = ms_model(14);
    float x[] = {-1.0f, 0.0f, 1.0f, 2.0f}, bias[] = {0.5f, 0.5f, 0.5f, 0.5f};
    tb_initializer(m->graph, "x", FLOAT, DIMS(4), x, sizeof x);
    tb_initializer(m->graph, "bias", FLOAT, DIMS(4), bias, sizeof bias);
    ms_node(m->graph, "Gelu", IN("x"), OUT("g"));
    ms_node(m->graph, "BiasGelu", IN("x", "bias"), OUT("bg"));
    ms_node(m->graph, "FastGelu", IN("x"), OUT("fg"));
    ms_node(m->graph, "QuickGelu", IN("x"), OUT("qg"));
    tb_output(m->graph, "g", FLOAT, DIMS(4));
    tb_output(m->graph, "bg", FLOAT, DIMS(4));
    tb_output(m->graph, "fg", FLOAT, DIMS(4));
    tb_output(m->graph, "qg", FLOAT, DIMS(4));
    krun r;
    krun_start(&r, m);
    const float *g = kout(&r, 0, FLOAT, DIMS(4))->data;
    const float *bg = kout(&r, 1, FLOAT, DIMS(4))->data;
    const float *fg = kout(&r, 2, FLOAT, DIMS(4))->data;
    const float *qg = kout(&r, 3, FLOAT, DIMS(4))->data;
    assert_float_equal(g[0], -0.158655f, 1e-5);
    assert_float_equal(g[2], 0.841345f, 1e-5);
    assert_float_equal(bg[2], 1.399789f, 1e-5); /* gelu(1.5) */
    assert_float_equal(fg[3], 1.954598f, 1e-5);
    assert_float_equal(qg[2], 0.845796f, 1e-5); /* 1 * sigmoid(1.702) */
    krun_end(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(relu_grad),           cmocka_unit_test(conv_grad),
        cmocka_unit_test(max_pool_grad),       cmocka_unit_test(sce_loss_grad),
        cmocka_unit_test(accumulator_v2),      cmocka_unit_test(layer_norm_grad),
        cmocka_unit_test(concat_training),     cmocka_unit_test(batch_norm_internal),
        cmocka_unit_test(attention),           cmocka_unit_test(multi_head_attention),
        cmocka_unit_test(group_query_attention), cmocka_unit_test(skip_layer_norm),
        cmocka_unit_test(group_query_attention_current), cmocka_unit_test(matmul_nbits_prepacked),
        cmocka_unit_test(runtime_refusals),      cmocka_unit_test(training_rows_accept),
        cmocka_unit_test(training_rows_refuse),
        cmocka_unit_test(embed_layer_norm),    cmocka_unit_test(runtime_layer_norms),
        cmocka_unit_test(gelus),               cmocka_unit_test(fused_products),
        cmocka_unit_test(rotary_embedding),    cmocka_unit_test(quantization),
        cmocka_unit_test(unknown_and_wrong),   cmocka_unit_test(odd_inputs),
        cmocka_unit_test(every_other_operator),
        cmocka_unit_test(gelu_kernels),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
