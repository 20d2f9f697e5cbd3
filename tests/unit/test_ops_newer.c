/*
 * test_ops_newer.c - the operator versions of ai.onnx opsets 22-28: every
 * schema row is found at its version (and the older row just before it),
 * the new element types pass the type constraints that list them, the new
 * versions of existing operators reuse their inference, and each operator
 * new in these opsets (Attention, RMSNormalization, RotaryEmbedding, Swish,
 * TensorScatter, BitCast, CumProd, CausalConvWithState, LinearAttention,
 * SwiGLU) infers symbolic shapes and computes the values ONNX's reference
 * implementation (onnx/reference/ops) gives for the same inputs.
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
#include "ops/op.h"

enum { FLOAT = 1, UINT8 = 2, INT32 = 6, INT64 = 7, BOOL = 9, DOUBLE = 11, UINT32 = 12, BFLOAT16 = 16 };
enum { FLOAT4E2M1 = 23, FLOAT8E8M0 = 24, UINT2 = 25, INT2 = 26 };

#define NODE(g, op, ...) tb_node_n(g, op, op, __VA_ARGS__)
#define IN(...) ((const char *const[]){__VA_ARGS__, NULL})
#define OUT(...) ((const char *const[]){__VA_ARGS__, NULL})
#define DIMS(...) ((const int64_t[]){__VA_ARGS__})
#define FLOATS(...) ((const float[]){__VA_ARGS__})
#define VALUES(...) ((const double[]){__VA_ARGS__}), sizeof((const double[]){__VA_ARGS__}) / sizeof(double)
#define TYPES(...) ((const char *[]){__VA_ARGS__, NULL})

/* A graph input whose negative dims are symbols: -k names syms[k-1]. */
static void sym_input(Onnx__GraphProto *g, const char *name, int elem, size_t rank, const int64_t *dims,
                      const char *const *syms)
{
    tb_input(g, name, elem, rank, dims);
    Onnx__TensorShapeProto *s = g->input[g->n_input - 1]->type->tensor_type->shape;
    for (size_t i = 0; i < rank; i++) {
        if (dims[i] < 0) {
            free(s->dim[i]->dim_param);
            s->dim[i]->dim_param = strdup(syms[-dims[i] - 1]);
        }
    }
}

static const char *const SYMS[] = {"B", "S", "T", "P", "D", "M"};
enum { B = -1, S = -2, T = -3, P = -4, D = -5, M = -6 };

/* A float initializer of the given dims; v has their product. */
static void float_init(Onnx__GraphProto *g, const char *name, size_t rank, const int64_t *dims, const float *v)
{
    size_t n = 1;
    for (size_t i = 0; i < rank; i++)
        n *= (size_t)dims[i];
    tb_initializer(g, name, FLOAT, rank, dims, v, n * sizeof *v);
}

static void int64_init(Onnx__GraphProto *g, const char *name, size_t rank, const int64_t *dims, const int64_t *v)
{
    size_t n = 1;
    for (size_t i = 0; i < rank; i++)
        n *= (size_t)dims[i];
    tb_initializer(g, name, INT64, rank, dims, v, n * sizeof *v);
}

/* Elements as doubles, within the reference's printed precision. */
static void expect_values(const ol_array *a, const double *want, size_t n)
{
    assert_int_equal(a->count, n);
    for (size_t i = 0; i < n; i++) {
        double got = ol_array_get_f64(a, i);
        bool same = fabs(got - want[i]) <= 1e-5 * (1 + fabs(want[i]));
        if (!same)
            print_error("element %zu: %.7g, expected %.7g\n", i, got, want[i]);
        assert_true(same);
    }
}

/* ---- schema rows ---- */

/* Every operator version of opsets 22-28 (docs/Changelog.md of ONNX). */
static const struct {
    const char *name;
    int version;
} NEWER_ROWS[] = {
    {"Acos", 22}, {"Acosh", 22}, {"Asin", 22}, {"Asinh", 22}, {"Atan", 22}, {"Atanh", 22},
    {"AveragePool", 22}, {"Bernoulli", 22}, {"Conv", 22}, {"ConvTranspose", 22}, {"Cos", 22}, {"Cosh", 22},
    {"DeformConv", 22}, {"Det", 22}, {"Dropout", 22}, {"Elu", 22}, {"EyeLike", 22}, {"GRU", 22},
    {"GlobalAveragePool", 22}, {"GlobalLpPool", 22}, {"GlobalMaxPool", 22}, {"GridSample", 22},
    {"HardSigmoid", 22}, {"HardSwish", 22}, {"InstanceNormalization", 22}, {"LSTM", 22},
    {"LpNormalization", 22}, {"LpPool", 22}, {"MaxPool", 22}, {"MaxRoiPool", 22}, {"MaxUnpool", 22},
    {"Mish", 22}, {"Multinomial", 22}, {"NegativeLogLikelihoodLoss", 22}, {"RNN", 22}, {"RandomNormal", 22},
    {"RandomNormalLike", 22}, {"RandomUniform", 22}, {"RandomUniformLike", 22}, {"RoiAlign", 22}, {"Round", 22},
    {"Selu", 22}, {"Sin", 22}, {"Sinh", 22}, {"Softplus", 22}, {"Softsign", 22}, {"Tan", 22},
    {"ThresholdedRelu", 22},
    {"Attention", 23}, {"Cast", 23}, {"CastLike", 23}, {"Constant", 23}, {"ConstantOfShape", 23},
    {"DequantizeLinear", 23}, {"Flatten", 23}, {"Identity", 23}, {"If", 23}, {"Loop", 23}, {"Pad", 23},
    {"QuantizeLinear", 23}, {"RMSNormalization", 23}, {"Reshape", 23}, {"RotaryEmbedding", 23}, {"Scan", 23},
    {"Shape", 23}, {"Size", 23}, {"Squeeze", 23}, {"Transpose", 23}, {"Unsqueeze", 23},
    {"Attention", 24}, {"Cast", 24}, {"CastLike", 24}, {"Constant", 24}, {"ConstantOfShape", 24},
    {"DequantizeLinear", 24}, {"Flatten", 24}, {"Identity", 24}, {"If", 24}, {"Loop", 24}, {"Pad", 24},
    {"QuantizeLinear", 24}, {"Reshape", 24}, {"Scan", 24}, {"Shape", 24}, {"Size", 24}, {"SplitToSequence", 24},
    {"Squeeze", 24}, {"Swish", 24}, {"TensorScatter", 24}, {"TopK", 24}, {"Transpose", 24}, {"Unsqueeze", 24},
    {"Attention", 25}, {"Cast", 25}, {"CastLike", 25}, {"Constant", 25}, {"ConstantOfShape", 25},
    {"DequantizeLinear", 25}, {"Flatten", 25}, {"Identity", 25}, {"If", 25}, {"Loop", 25}, {"Pad", 25},
    {"QuantizeLinear", 25}, {"Reshape", 25}, {"Scan", 25}, {"Shape", 25}, {"Size", 25}, {"Squeeze", 25},
    {"Transpose", 25}, {"Unsqueeze", 25},
    {"BitCast", 26}, {"CumProd", 26},
    {"CausalConvWithState", 27}, {"LinearAttention", 27}, {"Range", 27},
    {"Celu", 28}, {"SwiGLU", 28},
};

/* Each row is in force from its version on, the previous one (or none,
 * for a new operator) just before; each has an inference function and a
 * kernel. */
static void every_row_of_opsets_22_to_28(void **state)
{
    (void)state;
    size_t n = sizeof NEWER_ROWS / sizeof *NEWER_ROWS;
    assert_int_equal(n, 118);
    for (size_t i = 0; i < n; i++) {
        const char *name = NEWER_ROWS[i].name;
        int v = NEWER_ROWS[i].version;
        const ol_schema *s = ol_schema_find("", name, v), *at28 = ol_schema_find("ai.onnx", name, 28);
        if (!s || s->since_version != v)
            fail_msg("%s-%d: no row of that version", name, v);
        assert_non_null(at28);
        assert_true(at28->since_version >= v);
        const ol_schema *before = ol_schema_find("", name, v - 1);
        assert_true(!before || before->since_version < v);
        if (!ol_infer_find("", name))
            fail_msg("%s has no inference function", name);
        bool no_kernel = strcmp(name, "If") == 0 || strcmp(name, "Loop") == 0 || strcmp(name, "Scan") == 0;
        if (!no_kernel && !ol_kernel_find("", name) && strncmp(name, "Random", 6) != 0 &&
            strcmp(name, "Bernoulli") != 0 && strcmp(name, "Multinomial") != 0)
            fail_msg("%s has no kernel", name);
    }
    /* New operators did not exist before. */
    static const char *const fresh[] = {"Attention", "RMSNormalization", "RotaryEmbedding", "Swish",
                                        "TensorScatter", "BitCast", "CumProd", "CausalConvWithState",
                                        "LinearAttention", "SwiGLU"};
    for (size_t i = 0; i < sizeof fresh / sizeof *fresh; i++)
        assert_null(ol_schema_find("", fresh[i], 22));
}

/* The element types of IR 11-13 enter the constraints at the opset that
 * added them: float4e2m1 at 23, float8e8m0 at 24, uint2/int2 at 25. */
static void new_element_types_by_version(void **state)
{
    (void)state;
    const ol_schema *c21 = ol_schema_find("", "Cast", 22), *c23 = ol_schema_find("", "Cast", 23);
    const ol_schema *c24 = ol_schema_find("", "Cast", 24), *c25 = ol_schema_find("", "Cast", 28);
    uint32_t f4 = 1u << FLOAT4E2M1, e8 = 1u << FLOAT8E8M0, i2 = 1u << INT2, u2 = 1u << UINT2;
    assert_int_equal(c21->constraints[0].tensor & (f4 | e8 | i2 | u2), 0);
    assert_int_equal(c23->constraints[0].tensor & (f4 | e8 | i2 | u2), f4);
    assert_int_equal(c24->constraints[0].tensor & (f4 | e8 | i2 | u2), f4 | e8);
    assert_int_equal(c25->constraints[0].tensor & (f4 | e8 | i2 | u2), f4 | e8 | i2 | u2);
    const ol_schema *dq = ol_schema_find("", "DequantizeLinear", 25);
    assert_int_equal(dq->n_constraints, 3); /* T1 data, T2 scale (float8e8m0 too), T3 output */
    assert_true(dq->constraints[1].tensor & e8);
    assert_string_equal(ol_elem_type_name(FLOAT8E8M0), "float8e8m0");
}

/* ---- new versions of existing operators ---- */

/* Cast to int2 (25) and the shape operators over it keep their inference;
 * bfloat16 Conv and pooling (22) too; an int2 tensor is refused where the
 * row does not list it (Cast-24). */
static void new_versions_reuse_inference(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(25);
    sym_input(m->graph, "X", FLOAT, 2, DIMS(B, 4), SYMS);
    tb_attr_int(NODE(m->graph, "Cast", IN("X"), OUT("I2")), "to", INT2);
    NODE(m->graph, "Transpose", IN("I2"), OUT("Tr"));
    NODE(m->graph, "Shape", IN("Tr"), OUT("Sh"));
    sym_input(m->graph, "H", BFLOAT16, 4, DIMS(B, 3, 8, 8), SYMS);
    float_init(m->graph, "W", 4, DIMS(2, 3, 3, 3), NULL);
    m->graph->initializer[0]->data_type = BFLOAT16;
    m->graph->initializer[0]->has_raw_data = 1;
    m->graph->initializer[0]->raw_data.len = 2 * 3 * 3 * 3 * 2;
    m->graph->initializer[0]->raw_data.data = calloc(1, m->graph->initializer[0]->raw_data.len);
    NODE(m->graph, "Conv", IN("H", "W"), OUT("C"));
    tb_attr_ints(NODE(m->graph, "AveragePool", IN("C"), OUT("Pool")), "kernel_shape", 2, DIMS(2, 2));
    tb_result r = tb_infer(m, TYPES("I2", "Tr", "Sh", "C", "Pool"));
    assert_string_equal(r.types[0], "int2[B,4]");
    assert_string_equal(r.types[1], "int2[4,B]");
    assert_string_equal(r.types[2], "int64[2]");
    assert_string_equal(r.types[3], "bfloat16[B,2,6,6]");
    assert_string_equal(r.types[4], "bfloat16[B,2,5,5]");
    assert_int_equal(r.errors, 0);
    tb_model_free(m);

    m = tb_model(24);
    sym_input(m->graph, "X", FLOAT, 1, DIMS(B), SYMS);
    tb_attr_int(NODE(m->graph, "Cast", IN("X"), OUT("Y")), "to", INT2);
    NODE(m->graph, "Identity", IN("Y"), OUT("Z"));
    r = tb_infer(m, TYPES("Z"));
    assert_true(r.errors >= 1); /* int2 is not an element type of opset 24 */
    assert_non_null(strstr(r.all_errors, "int2"));
    tb_model_free(m);
}

/* ---- new operators: inference ---- */

/* 4-D Attention with a KV cache: present dims P+T, grouped query heads. */
static void attention_4d_cache_symbolic(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(23);
    sym_input(m->graph, "Q", FLOAT, 4, DIMS(B, 8, S, 64), SYMS);
    sym_input(m->graph, "K", FLOAT, 4, DIMS(B, 2, T, 64), SYMS);
    sym_input(m->graph, "V", FLOAT, 4, DIMS(B, 2, T, 32), SYMS);
    sym_input(m->graph, "PK", FLOAT, 4, DIMS(B, 2, P, 64), SYMS);
    sym_input(m->graph, "PV", FLOAT, 4, DIMS(B, 2, P, 32), SYMS);
    NODE(m->graph, "Attention", IN("Q", "K", "V", "", "PK", "PV"), OUT("Y", "PresK", "PresV", "QK"));
    tb_result r = tb_infer(m, TYPES("Y", "PresK", "PresV", "QK"));
    assert_string_equal(r.types[0], "float[B,8,S,32]");
    assert_string_equal(r.types[1], "float[B,2,P+T,64]");
    assert_string_equal(r.types[2], "float[B,2,P+T,32]");
    assert_string_equal(r.types[3], "float[B,8,S,P+T]");
    assert_int_equal(r.errors, 0);
    tb_model_free(m);
}

/* 3-D Attention: head sizes from the head counts; a missing count and
 * query heads that are no multiple of the KV heads are shape-errors. */
static void attention_3d_and_errors(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(24);
    sym_input(m->graph, "Q", FLOAT, 3, DIMS(B, S, 512), SYMS);
    sym_input(m->graph, "K", FLOAT, 3, DIMS(B, T, 128), SYMS);
    sym_input(m->graph, "V", FLOAT, 3, DIMS(B, T, 96), SYMS);
    sym_input(m->graph, "N", INT64, 1, DIMS(B), SYMS);
    Onnx__NodeProto *n = NODE(m->graph, "Attention", IN("Q", "K", "V", "", "", "", "N"), OUT("Y", "PK"));
    tb_attr_int(n, "q_num_heads", 8);
    tb_attr_int(n, "kv_num_heads", 2);
    n = tb_node_n(m->graph, "Attention", "no_heads", IN("Q", "K", "V"), OUT("Y2"));
    tb_result r = tb_infer(m, TYPES("Y", "PK", "Y2"));
    assert_string_equal(r.types[0], "float[B,S,384]");
    assert_string_equal(r.types[1], "float[B,2,T,64]");
    assert_string_equal(r.types[2], "float[B,S,?]");
    assert_int_equal(r.errors, 1);
    assert_non_null(strstr(r.first_error, "need positive q_num_heads and kv_num_heads"));
    tb_model_free(m);

    m = tb_model(23);
    sym_input(m->graph, "Q", FLOAT, 4, DIMS(B, 3, S, 8), SYMS);
    sym_input(m->graph, "K", FLOAT, 4, DIMS(B, 2, T, 8), SYMS);
    NODE(m->graph, "Attention", IN("Q", "K", "K"), OUT("Y"));
    r = tb_infer(m, TYPES("Y"));
    assert_int_equal(r.errors, 1);
    assert_non_null(strstr(r.first_error, "3 query heads cannot share 2 key/value heads"));
    tb_model_free(m);
}

/* RMSNormalization keeps X; scale must broadcast to the normalized dims. */
static void rms_normalization_shapes(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(23);
    sym_input(m->graph, "X", FLOAT, 3, DIMS(B, S, 4), SYMS);
    float_init(m->graph, "G", 1, DIMS(4), FLOATS(1, 1, 1, 1));
    float_init(m->graph, "Bad", 1, DIMS(5), FLOATS(1, 1, 1, 1, 1));
    NODE(m->graph, "RMSNormalization", IN("X", "G"), OUT("Y"));
    tb_node_n(m->graph, "RMSNormalization", "bad", IN("X", "Bad"), OUT("Z"));
    tb_result r = tb_infer(m, TYPES("Y", "Z"));
    assert_string_equal(r.types[0], "float[B,S,4]");
    assert_int_equal(r.errors, 1);
    assert_non_null(strstr(r.first_error, "does not match the normalized dims"));
    tb_model_free(m);
}

/* RotaryEmbedding keeps X; the caches' last dim is half the rotated size. */
static void rotary_embedding_shapes(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(23);
    sym_input(m->graph, "X", FLOAT, 3, DIMS(B, S, 64), SYMS);
    sym_input(m->graph, "C", FLOAT, 2, DIMS(M, 8), SYMS);
    sym_input(m->graph, "C6", FLOAT, 2, DIMS(M, 6), SYMS);
    sym_input(m->graph, "Pos", INT64, 2, DIMS(B, S), SYMS);
    tb_attr_int(NODE(m->graph, "RotaryEmbedding", IN("X", "C", "C", "Pos"), OUT("Y")), "num_heads", 4);
    Onnx__NodeProto *n = tb_node_n(m->graph, "RotaryEmbedding", "bad", IN("X", "C6", "C6", "Pos"), OUT("Z"));
    tb_attr_int(n, "num_heads", 4);
    tb_result r = tb_infer(m, TYPES("Y", "Z"));
    assert_string_equal(r.types[0], "float[B,S,64]");
    assert_string_equal(r.types[1], "float[B,S,64]");
    assert_int_equal(r.errors, 1); /* caches of 6, not 8 (one finding for the pair) */
    assert_non_null(strstr(r.first_error, "half the rotated size"));
    tb_model_free(m);
}

/* Swish keeps X; SwiGLU's A and B must have one shape; CumProd keeps X. */
static void swish_swiglu_cumprod_shapes(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(28);
    sym_input(m->graph, "X", FLOAT, 2, DIMS(B, 4), SYMS);
    sym_input(m->graph, "X5", FLOAT, 2, DIMS(B, 5), SYMS);
    sym_input(m->graph, "A", FLOAT, 2, DIMS(S, 4), SYMS);
    tb_int64s(m->graph, "axis", 1, DIMS(1));
    m->graph->initializer[0]->n_dims = 0; /* a scalar */
    NODE(m->graph, "Swish", IN("X"), OUT("Sw"));
    NODE(m->graph, "SwiGLU", IN("X", "A"), OUT("G"));
    tb_node_n(m->graph, "SwiGLU", "bad", IN("X", "X5"), OUT("G2"));
    NODE(m->graph, "CumProd", IN("X", "axis"), OUT("Cp"));
    tb_result r = tb_infer(m, TYPES("Sw", "G", "Cp"));
    assert_string_equal(r.types[0], "float[B,4]");
    assert_string_equal(r.types[1], "float[B,4]"); /* S unified with B */
    assert_string_equal(r.types[2], "float[B,4]");
    assert_int_equal(r.errors, 1);
    assert_non_null(strstr(r.first_error, "a dim of SwiGLU's A and B"));
    tb_model_free(m);
}

/* BitCast keeps the shape; the bit widths must agree. */
static void bitcast_shapes(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(26);
    sym_input(m->graph, "X", FLOAT, 2, DIMS(B, 3), SYMS);
    tb_attr_int(NODE(m->graph, "BitCast", IN("X"), OUT("I")), "to", INT32);
    tb_attr_int(tb_node_n(m->graph, "BitCast", "wide", IN("X"), OUT("L")), "to", INT64);
    tb_result r = tb_infer(m, TYPES("I", "L"));
    assert_string_equal(r.types[0], "int32[B,3]");
    assert_int_equal(r.errors, 1);
    assert_non_null(strstr(r.first_error, "BitCast of float (32 bits) to int64 (64 bits)"));
    tb_model_free(m);
}

/* TensorScatter: the cache's shape, the update's dims unified with it off
 * the sequence axis; a longer update is a shape-error. */
static void tensor_scatter_shapes(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(24);
    sym_input(m->graph, "C", FLOAT, 4, DIMS(B, 8, 128, 64), SYMS);
    sym_input(m->graph, "U", FLOAT, 4, DIMS(S, 8, T, 64), SYMS);
    sym_input(m->graph, "U2", FLOAT, 4, DIMS(B, 8, 200, 64), SYMS);
    sym_input(m->graph, "W", INT64, 1, DIMS(B), SYMS);
    NODE(m->graph, "TensorScatter", IN("C", "U", "W"), OUT("Y"));
    tb_node_n(m->graph, "TensorScatter", "long", IN("C", "U2"), OUT("Y2"));
    tb_result r = tb_infer(m, TYPES("Y", "Y2"));
    assert_string_equal(r.types[0], "float[B,8,128,64]");
    assert_string_equal(r.types[1], "float[B,8,128,64]");
    assert_int_equal(r.errors, 1);
    assert_non_null(strstr(r.first_error, "200 entries along axis 2"));
    tb_model_free(m);
}

/* CausalConvWithState's state is k - 1 long; LinearAttention's output packs
 * the query heads, its state is (B, kv_heads, dk, dv). */
static void causal_conv_and_linear_attention_shapes(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(27);
    sym_input(m->graph, "X", FLOAT, 3, DIMS(B, D, S), SYMS);
    sym_input(m->graph, "W", FLOAT, 3, DIMS(D, 1, 4), SYMS);
    NODE(m->graph, "CausalConvWithState", IN("X", "W"), OUT("Y", "State"));
    sym_input(m->graph, "Q", FLOAT, 3, DIMS(B, T, 8), SYMS);
    sym_input(m->graph, "K", FLOAT, 3, DIMS(B, T, 4), SYMS);
    sym_input(m->graph, "V", FLOAT, 3, DIMS(B, T, 6), SYMS);
    Onnx__NodeProto *n = NODE(m->graph, "LinearAttention", IN("Q", "K", "V"), OUT("O", "LS"));
    tb_attr_int(n, "q_num_heads", 4);
    tb_attr_int(n, "kv_num_heads", 2);
    tb_attr_string(n, "update_rule", "linear");
    tb_result r = tb_infer(m, TYPES("Y", "State", "O", "LS"));
    assert_string_equal(r.types[0], "float[B,D,S]");
    assert_string_equal(r.types[1], "float[B,D,3]");
    assert_string_equal(r.types[2], "float[B,T,12]");
    assert_string_equal(r.types[3], "float[B,2,2,3]");
    assert_int_equal(r.errors, 0);
    tb_model_free(m);
}

/* ---- new operators: kernels (expected values from onnx/reference/ops) ---- */

/* Grouped-query attention over a one-entry cache, causal, with the
 * post-softmax scores as qk_matmul_output. */
static void kernel_attention_cache(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(23);
    float_init(m->graph, "Q", 4, DIMS(1, 2, 2, 2), FLOATS(0.5f, -1, 1, 2, -0.5f, 0.25f, 1.5f, -2));
    float_init(m->graph, "K", 4, DIMS(1, 1, 3, 2), FLOATS(1, 0, 0.5f, -1, -1, 2));
    float_init(m->graph, "V", 4, DIMS(1, 1, 3, 2), FLOATS(1, 2, 3, 4, 5, 6));
    float_init(m->graph, "PK", 4, DIMS(1, 1, 1, 2), FLOATS(0.25f, 0.75f));
    float_init(m->graph, "PV", 4, DIMS(1, 1, 1, 2), FLOATS(-1, 1));
    Onnx__NodeProto *n = NODE(m->graph, "Attention", IN("Q", "K", "V", "", "PK", "PV"), OUT("Y", "PK2", "PV2", "QK"));
    tb_attr_int(n, "is_causal", 1);
    tb_attr_int(n, "qk_matmul_output_mode", 3);
    tb_output(m->graph, "Y", FLOAT, 4, DIMS(1, 2, 2, 2));
    tb_output(m->graph, "PK2", FLOAT, 4, DIMS(1, 1, 4, 2));
    tb_output(m->graph, "PV2", FLOAT, 4, DIMS(1, 1, 4, 2));
    tb_output(m->graph, "QK", FLOAT, 4, DIMS(1, 2, 2, 4));
    krun r;
    krun_start(&r, m);
    expect_values(kout(&r, 0, FLOAT, 4, DIMS(1, 2, 2, 2)),
                  VALUES(0.37802, 1.68901, -0.0652747, 1.52684, -0.196293, 1.40185, 2.26603, 3.30972));
    expect_values(kout(&r, 1, FLOAT, 4, DIMS(1, 1, 4, 2)), VALUES(0.25, 0.75, 1, 0, 0.5, -1, -1, 2));
    expect_values(kout(&r, 2, FLOAT, 4, DIMS(1, 1, 4, 2)), VALUES(-1, 1, 1, 2, 3, 4, 5, 6));
    expect_values(kout(&r, 3, FLOAT, 4, DIMS(1, 2, 2, 4)),
                  VALUES(0.31099, 0.68901, 0, 0, 0.592115, 0.348407, 0.0594779, 0, 0.598146, 0.401854, 0, 0,
                         0.0436935, 0.279599, 0.676708, 0));
    krun_end(&r);
}

/* 3-D attention with a boolean mask, a scale and a softcap. */
static void kernel_attention_3d_mask(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(23);
    float_init(m->graph, "Q", 3, DIMS(1, 2, 4), FLOATS(1, 0, 0, 1, 0.5f, 0.5f, -1, 1));
    float_init(m->graph, "K", 3, DIMS(1, 3, 4), FLOATS(1, 1, 0, 2, -1, 0, 1, 1, 0.5f, 0.5f, 0.5f, 0.5f));
    float_init(m->graph, "V", 3, DIMS(1, 3, 2), FLOATS(1, 10, 2, 20, 3, 30));
    const uint8_t mask[] = {1, 0, 1, 1, 1, 0};
    tb_initializer(m->graph, "Mask", BOOL, 2, DIMS(2, 3), mask, sizeof mask);
    Onnx__NodeProto *n = NODE(m->graph, "Attention", IN("Q", "K", "V", "Mask"), OUT("Y"));
    tb_attr_int(n, "q_num_heads", 2);
    tb_attr_int(n, "kv_num_heads", 2);
    tb_attr_float(n, "scale", 0.5f);
    tb_attr_float(n, "softcap", 1.0f);
    tb_output(m->graph, "Y", FLOAT, 3, DIMS(1, 2, 2));
    krun r;
    krun_start(&r, m);
    expect_values(kout(&r, 0, FLOAT, 3, DIMS(1, 2, 2)), VALUES(1.89183, 17.4726, 1.33025, 13.183));
    krun_end(&r);
}

/* RMSNormalization, RotaryEmbedding (halves and interleaved, positions
 * from position_ids), Swish, SwiGLU, CumProd, BitCast. */
static void kernel_small_ops(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(28);
    float_init(m->graph, "X", 2, DIMS(2, 4), FLOATS(1, 2, 3, 4, -1, 0, 1, 2));
    float_init(m->graph, "G", 1, DIMS(4), FLOATS(1, 0.5f, 2, 1));
    NODE(m->graph, "RMSNormalization", IN("X", "G"), OUT("Rms"));
    float_init(m->graph, "R", 4, DIMS(1, 1, 2, 4), FLOATS(1, 2, 3, 4, 5, 6, 7, 8));
    float_init(m->graph, "Cos", 2, DIMS(3, 2), FLOATS(1, 1, 0.5f, 0, 0, -1));
    float_init(m->graph, "Sin", 2, DIMS(3, 2), FLOATS(0, 0, 0.5f, 1, 1, 0));
    int64_init(m->graph, "Pos", 2, DIMS(1, 2), DIMS(2, 1));
    NODE(m->graph, "RotaryEmbedding", IN("R", "Cos", "Sin", "Pos"), OUT("Rope"));
    tb_attr_int(tb_node_n(m->graph, "RotaryEmbedding", "inter", IN("R", "Cos", "Sin", "Pos"), OUT("RopeI")),
                "interleaved", 1);
    float_init(m->graph, "A", 1, DIMS(3), FLOATS(-1, 0, 2));
    tb_attr_float(NODE(m->graph, "Swish", IN("A"), OUT("Sw")), "alpha", 2.0f);
    NODE(m->graph, "SwiGLU", IN("A", "A"), OUT("Glu"));
    int64_init(m->graph, "Ints", 2, DIMS(2, 3), DIMS(1, 2, 3, 4, 5, 6));
    int64_init(m->graph, "Axis", 0, NULL, DIMS(1));
    tb_attr_int(NODE(m->graph, "CumProd", IN("Ints", "Axis"), OUT("Cp")), "exclusive", 1);
    tb_attr_int(NODE(m->graph, "BitCast", IN("A"), OUT("Bits")), "to", UINT32);
    tb_output(m->graph, "Rms", FLOAT, 2, DIMS(2, 4));
    tb_output(m->graph, "Rope", FLOAT, 4, DIMS(1, 1, 2, 4));
    tb_output(m->graph, "RopeI", FLOAT, 4, DIMS(1, 1, 2, 4));
    tb_output(m->graph, "Sw", FLOAT, 1, DIMS(3));
    tb_output(m->graph, "Glu", FLOAT, 1, DIMS(3));
    tb_output(m->graph, "Cp", INT64, 2, DIMS(2, 3));
    tb_output(m->graph, "Bits", UINT32, 1, DIMS(3));
    krun r;
    krun_start(&r, m);
    expect_values(kout(&r, 0, FLOAT, 2, DIMS(2, 4)),
                  VALUES(0.365148, 0.365148, 2.19089, 1.46059, -0.816494, 0, 1.63299, 1.63299));
    expect_values(kout(&r, 1, FLOAT, 4, DIMS(1, 1, 2, 4)), VALUES(-3, -2, 1, -4, -1, -8, 6, 6));
    expect_values(kout(&r, 2, FLOAT, 4, DIMS(1, 1, 2, 4)), VALUES(-2, 1, -3, -4, -0.5, 5.5, -8, 7));
    double sig_m2 = 1 / (1 + exp(2.0)), sig_4 = 1 / (1 + exp(-4.0)), sig_m1 = 1 / (1 + exp(1.0)),
           sig_2 = 1 / (1 + exp(-2.0));
    expect_values(kout(&r, 3, FLOAT, 1, DIMS(3)), VALUES(-sig_m2, 0, 2 * sig_4));
    expect_values(kout(&r, 4, FLOAT, 1, DIMS(3)), VALUES(sig_m1, 0, 4 * sig_2));
    expect_values(kout(&r, 5, INT64, 2, DIMS(2, 3)), VALUES(1, 1, 2, 1, 4, 20));
    const ol_array *bits = kout(&r, 6, UINT32, 1, DIMS(3));
    const uint32_t *u = bits->data;
    assert_int_equal(u[0], 0xbf800000u); /* -1.0f */
    assert_int_equal(u[1], 0);
    assert_int_equal(u[2], 0x40000000u); /* 2.0f */
    krun_end(&r);
}

/* TensorScatter in circular mode wraps past the end of the cache;
 * CausalConvWithState with a carried state and SiLU; LinearAttention's
 * gated delta rule; DequantizeLinear (24 on) with a float8e8m0 scale. */
static void kernel_cache_ops(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(27);
    float_init(m->graph, "Cache", 3, DIMS(2, 3, 2), FLOATS(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11));
    float_init(m->graph, "Upd", 3, DIMS(2, 2, 2), FLOATS(-1, -2, -3, -4, -5, -6, -7, -8));
    int64_init(m->graph, "Wi", 1, DIMS(2), DIMS(2, 0));
    Onnx__NodeProto *n = NODE(m->graph, "TensorScatter", IN("Cache", "Upd", "Wi"), OUT("Ts"));
    tb_attr_string(n, "mode", "circular");
    tb_attr_int(n, "axis", 1);
    float_init(m->graph, "X", 3, DIMS(1, 2, 3), FLOATS(1, 2, 3, -1, 0, 1));
    float_init(m->graph, "W", 3, DIMS(2, 1, 2), FLOATS(0.5f, 1, -1, 2));
    float_init(m->graph, "Bias", 1, DIMS(2), FLOATS(0.1f, -0.2f));
    float_init(m->graph, "Past", 3, DIMS(1, 2, 1), FLOATS(4, 5));
    n = NODE(m->graph, "CausalConvWithState", IN("X", "W", "Bias", "Past"), OUT("Cc", "CcState"));
    tb_attr_string(n, "activation", "silu");
    float_init(m->graph, "Q", 3, DIMS(1, 2, 2), FLOATS(1, 0, 0.5f, 1));
    float_init(m->graph, "K", 3, DIMS(1, 2, 2), FLOATS(0.6f, 0.8f, 1, 0));
    float_init(m->graph, "V", 3, DIMS(1, 2, 2), FLOATS(1, 2, -1, 3));
    float_init(m->graph, "Decay", 3, DIMS(1, 2, 1), FLOATS(-0.5f, -0.1f));
    float_init(m->graph, "Beta", 3, DIMS(1, 2, 1), FLOATS(0.5f, 0.9f));
    n = NODE(m->graph, "LinearAttention", IN("Q", "K", "V", "", "Decay", "Beta"), OUT("La", "LaState"));
    tb_attr_int(n, "q_num_heads", 1);
    tb_attr_int(n, "kv_num_heads", 1);
    const int8_t q8[] = {1, -2, 3};
    const uint8_t two = 128; /* 2^(128 - 127) */
    tb_initializer(m->graph, "Q8", 3, 1, DIMS(3), q8, sizeof q8);
    tb_initializer(m->graph, "E8", FLOAT8E8M0, 0, NULL, &two, 1);
    tb_attr_int(NODE(m->graph, "DequantizeLinear", IN("Q8", "E8"), OUT("Dq")), "output_dtype", FLOAT);
    tb_output(m->graph, "Ts", FLOAT, 3, DIMS(2, 3, 2));
    tb_output(m->graph, "Cc", FLOAT, 3, DIMS(1, 2, 3));
    tb_output(m->graph, "CcState", FLOAT, 3, DIMS(1, 2, 1));
    tb_output(m->graph, "La", FLOAT, 3, DIMS(1, 2, 2));
    tb_output(m->graph, "LaState", FLOAT, 4, DIMS(1, 1, 2, 2));
    tb_output(m->graph, "Dq", FLOAT, 1, DIMS(3));
    krun r;
    krun_start(&r, m);
    expect_values(kout(&r, 0, FLOAT, 3, DIMS(2, 3, 2)), VALUES(-3, -4, 2, 3, -1, -2, -5, -6, -7, -8, 10, 11));
    expect_values(kout(&r, 1, FLOAT, 3, DIMS(1, 2, 3)),
                  VALUES(2.96637, 2.42024, 4.03316, -0.00537141, 0.55198, 1.54467));
    expect_values(kout(&r, 2, FLOAT, 3, DIMS(1, 2, 1)), VALUES(3, 1));
    expect_values(kout(&r, 3, FLOAT, 3, DIMS(1, 2, 2)), VALUES(0.212132, 0.424264, -0.0526741, 1.48564));
    expect_values(kout(&r, 4, FLOAT, 4, DIMS(1, 1, 2, 2)), VALUES(-0.872855, 2.75429, 0.361935, 0.72387));
    expect_values(kout(&r, 5, FLOAT, 1, DIMS(3)), VALUES(2, -4, 6));
    krun_end(&r);
}

/* Cast to float8e8m0 (24) keeps the exponent, rounded up by default,
 * down or to nearest on request, saturating below NaN; and back. */
static void kernel_cast_e8m0(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(25);
    float_init(m->graph, "X", 1, DIMS(4), FLOATS(1, 3, 0.3f, 3.4e38f));
    tb_attr_int(NODE(m->graph, "Cast", IN("X"), OUT("Up")), "to", FLOAT8E8M0);
    tb_attr_int(tb_node_n(m->graph, "Cast", "back", IN("Up"), OUT("Back")), "to", FLOAT);
    Onnx__NodeProto *n = tb_node_n(m->graph, "Cast", "down", IN("X"), OUT("Down"));
    tb_attr_int(n, "to", FLOAT8E8M0);
    tb_attr_string(n, "round_mode", "down");
    n = tb_node_n(m->graph, "Cast", "nearest", IN("X"), OUT("Nearest"));
    tb_attr_int(n, "to", FLOAT8E8M0);
    tb_attr_string(n, "round_mode", "nearest");
    tb_output(m->graph, "Up", FLOAT8E8M0, 1, DIMS(4));
    tb_output(m->graph, "Back", FLOAT, 1, DIMS(4));
    tb_output(m->graph, "Down", FLOAT8E8M0, 1, DIMS(4));
    tb_output(m->graph, "Nearest", FLOAT8E8M0, 1, DIMS(4));
    krun r;
    krun_start(&r, m);
    const uint8_t *up = kout(&r, 0, FLOAT8E8M0, 1, DIMS(4))->data;
    const uint8_t *down = kout(&r, 2, FLOAT8E8M0, 1, DIMS(4))->data;
    const uint8_t *nearest = kout(&r, 3, FLOAT8E8M0, 1, DIMS(4))->data;
    const uint8_t want_up[] = {127, 129, 126, 254}, want_down[] = {127, 128, 125, 254}, want_near[] = {127, 129, 125, 254};
    assert_memory_equal(up, want_up, 4);
    assert_memory_equal(down, want_down, 4);
    assert_memory_equal(nearest, want_near, 4);
    expect_values(kout(&r, 1, FLOAT, 1, DIMS(4)), VALUES(1, 4, 0.5, ldexp(1.0, 127)));
    krun_end(&r);
}

/* Run-time defects fail naming the shapes. */
static void kernel_errors(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(24);
    float_init(m->graph, "Cache", 3, DIMS(1, 2, 2), FLOATS(0, 1, 2, 3));
    float_init(m->graph, "Upd", 3, DIMS(1, 1, 2), FLOATS(-1, -2));
    int64_init(m->graph, "Wi", 1, DIMS(1), DIMS(2));
    tb_attr_int(NODE(m->graph, "TensorScatter", IN("Cache", "Upd", "Wi"), OUT("Ts")), "axis", 1);
    tb_output(m->graph, "Ts", FLOAT, 3, DIMS(1, 2, 2));
    expect_run_error(m, "write index 2 of batch entry 0 leaves no room");

    m = tb_model(28);
    float_init(m->graph, "A", 1, DIMS(2), FLOATS(1, 2));
    float_init(m->graph, "A3", 1, DIMS(3), FLOATS(1, 2, 3));
    NODE(m->graph, "SwiGLU", IN("A", "A3"), OUT("G"));
    tb_output(m->graph, "G", FLOAT, 1, DIMS(2));
    expect_run_error(m, "gate A (2) and value B (3) must have the same shape");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_row_of_opsets_22_to_28),
        cmocka_unit_test(new_element_types_by_version),
        cmocka_unit_test(new_versions_reuse_inference),
        cmocka_unit_test(attention_4d_cache_symbolic),
        cmocka_unit_test(attention_3d_and_errors),
        cmocka_unit_test(rms_normalization_shapes),
        cmocka_unit_test(rotary_embedding_shapes),
        cmocka_unit_test(swish_swiglu_cumprod_shapes),
        cmocka_unit_test(bitcast_shapes),
        cmocka_unit_test(tensor_scatter_shapes),
        cmocka_unit_test(causal_conv_and_linear_attention_shapes),
        cmocka_unit_test(kernel_attention_cache),
        cmocka_unit_test(kernel_attention_3d_mask),
        cmocka_unit_test(kernel_small_ops),
        cmocka_unit_test(kernel_cache_ops),
        cmocka_unit_test(kernel_cast_e8m0),
        cmocka_unit_test(kernel_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
