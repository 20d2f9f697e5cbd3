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
        cmocka_unit_test(embed_layer_norm),    cmocka_unit_test(runtime_layer_norms),
        cmocka_unit_test(gelus),               cmocka_unit_test(fused_products),
        cmocka_unit_test(rotary_embedding),    cmocka_unit_test(quantization),
        cmocka_unit_test(unknown_and_wrong),   cmocka_unit_test(odd_inputs),
        cmocka_unit_test(gelu_kernels),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
