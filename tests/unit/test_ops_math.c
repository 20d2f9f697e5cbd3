/*
 * test_ops_math.c - inference of the math family on hand-built graphs,
 * including error and symbolic cases.  Propagated values are read back
 * through data_text, which loads and infers like tb_infer but prints a
 * value's data; it can first bind a graph input to symbolic values (what
 * a Shape node would give), so value propagation is tested on its own.
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
#include "eval/blas.h"
#include "eval/eval.h"

enum { FLOAT = 1, INT32 = 6, INT64 = 7, DOUBLE = 11 };

/* Tolerance of kernel results against hand-computed values. */
#define KERNEL_RTOL 1e-6

/* Relu of X[N,4] has X's type: the smallest end-to-end check of the path
 * (load, schema lookup, inference) this file's tests build on. */
static void pipeline_smoke(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(13);
    int64_t x[] = {-1, 4};
    tb_input(m->graph, "X", 1, 2, x);
    tb_node(m->graph, "Identity", "id", "X", NULL, "Y");
    tb_output(m->graph, "Y", 1, 2, x);
    tb_result r = tb_infer(m, (const char *[]){"X", NULL});
    assert_string_equal(r.types[0], "float[N,4]");
    assert_int_equal(r.errors, 0);
    tb_model_free(m);
}

/* The propagated values of value `name` after inference, as "rank R:
 * v0,v1,..." in buf, or "none".  When bind is not NULL, the int64 graph
 * input bind[0] is given the 1-D values bind[1..] (a symbol name or a
 * number, NULL-terminated) and the graph is inferred again. */
static const char *data_text(const Onnx__ModelProto *m, const char *const *bind, const char *name, char *buf,
                             size_t cap)
{
    char *dir = tb_tmpdir();
    char *path = tb_save(m, dir, "model.onnx");
    onnxlint_model *model = NULL;
    onnxlint_error err;
    snprintf(buf, cap, "load failed");
    if (onnxlint_model_load(path, NULL, &model, &err) == ONNXLINT_OK) {
        ol_infer_model(model, NULL, NULL);
        ol_value *in = bind ? ol_graph_lookup(model->graph, bind[0]) : NULL;
        if (in) {
            size_t n = 0;
            while (bind[n + 1])
                n++;
            ol_data *d = ol_arena_calloc(&model->arena, 1, sizeof *d);
            int64_t *dims = ol_arena_calloc(&model->arena, 1, sizeof *dims);
            d->values = ol_arena_calloc(&model->arena, n + 1, sizeof *d->values);
            d->elem_type = INT64;
            d->rank = 1;
            d->count = n;
            dims[0] = (int64_t)n;
            d->dims = dims;
            for (size_t i = 0; i < n; i++) {
                char *end;
                long long v = strtoll(bind[i + 1], &end, 10);
                d->values[i] = *end ? ol_dim_named(&model->exprs, bind[i + 1]) : ol_dim_value(v);
            }
            in->data = d;
            ol_infer inf = {.model = model};
            ol_infer_graph(&inf, model->graph);
        }
        const ol_value *v = ol_graph_lookup(model->graph, name);
        snprintf(buf, cap, "none");
        if (v && v->data && (v->data->values || v->data->reals)) {
            size_t used = (size_t)snprintf(buf, cap, "rank %d:", v->data->rank);
            for (size_t i = 0; i < v->data->count && used < cap; i++) {
                char dim[64];
                if (v->data->values)
                    ol_dim_text(v->data->values[i], dim, sizeof dim);
                else
                    snprintf(dim, sizeof dim, "%g", v->data->reals[i]);
                used += (size_t)snprintf(buf + used, cap - used, "%s%s", i ? "," : " ", dim);
            }
        }
        onnxlint_model_free(model);
    }
    tb_rmtree(dir);
    free(dir);
    free(path);
    return buf;
}

/* A float initializer of the given values (rank 1). */
static void floats(Onnx__GraphProto *g, const char *name, size_t count, const float *values)
{
    int64_t dims[1] = {(int64_t)count};
    tb_initializer(g, name, FLOAT, 1, dims, values, count * sizeof *values);
}

/* ---- elementwise ---- */

/* Numpy broadcasting keeps symbols; unary ops and activations keep the
 * input's type; Pow takes the base's element type. */
static void elementwise_broadcast_symbolic(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(17);
    int64_t a[] = {-1, 1, 4}, b[] = {3, 1}, e[] = {4};
    tb_input(m->graph, "A", FLOAT, 3, a);
    tb_input(m->graph, "B", FLOAT, 2, b);
    tb_input(m->graph, "E", INT32, 1, e);
    tb_node(m->graph, "Add", "add", "A", "B", "S");
    tb_node(m->graph, "Relu", "relu", "S", NULL, "R");
    tb_node(m->graph, "Pow", "pow", "A", "E", "P");
    tb_node_n(m->graph, "Max", "max", (const char *[]){"A", "B", "A", NULL}, (const char *[]){"M", NULL});
    tb_node(m->graph, "Sigmoid", "sig", "A", NULL, "G");
    tb_node(m->graph, "Mod", "mod", "E", "E", "D");
    tb_result r = tb_infer(m, (const char *[]){"S", "R", "P", "M", "G", "D", NULL});
    assert_string_equal(r.types[0], "float[N,3,4]");
    assert_string_equal(r.types[1], "float[N,3,4]");
    assert_string_equal(r.types[2], "float[N,1,4]");
    assert_string_equal(r.types[3], "float[N,3,4]");
    assert_string_equal(r.types[4], "float[N,1,4]");
    assert_string_equal(r.types[5], "int32[4]");
    assert_int_equal(r.errors, 0);
    tb_model_free(m);
}

/* Dims that do not broadcast are a shape-error; float Mod needs fmod=1. */
static void elementwise_errors(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(13);
    int64_t a[] = {-1, 3}, b[] = {4};
    tb_input(m->graph, "A", FLOAT, 2, a);
    tb_input(m->graph, "B", FLOAT, 1, b);
    tb_node(m->graph, "Mul", "mul", "A", "B", "Y");
    tb_result r = tb_infer(m, (const char *[]){"Y", NULL});
    assert_int_equal(r.errors, 1);
    assert_non_null(strstr(r.first_error, "shape-error"));
    assert_non_null(strstr(r.first_error, "3 vs 4"));
    tb_model_free(m);

    m = tb_model(13);
    tb_input(m->graph, "A", FLOAT, 2, a);
    tb_node(m->graph, "Mod", "mod", "A", "A", "Y");
    r = tb_infer(m, (const char *[]){"Y", NULL});
    assert_int_equal(r.errors, 1);
    assert_non_null(strstr(r.first_error, "fmod=1"));
    tb_model_free(m);
}

/* Before opset 7: broadcast=1 with axis fits B into A's dims; without
 * broadcast the shapes must be equal; before opset 8 Sum's inputs too. */
static void elementwise_legacy_broadcast(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(6);
    int64_t a[] = {2, 3, 4, 5}, b[] = {3, 4}, c[] = {4, 4}, s[] = {-1, 4};
    tb_input(m->graph, "A", FLOAT, 4, a);
    tb_input(m->graph, "B", FLOAT, 2, b);
    tb_input(m->graph, "C", FLOAT, 2, c);
    tb_input(m->graph, "S", FLOAT, 2, s);
    Onnx__NodeProto *n = tb_node(m->graph, "Add", "good", "A", "B", "Y");
    tb_attr_int(n, "broadcast", 1);
    tb_attr_int(n, "axis", 1);
    tb_node(m->graph, "Sum", "sum", "S", "C", "Z");
    tb_result r = tb_infer(m, (const char *[]){"Y", "Z", NULL});
    assert_string_equal(r.types[0], "float[2,3,4,5]");
    assert_string_equal(r.types[1], "float[4,4]");
    assert_int_equal(r.errors, 0);
    tb_model_free(m);

    m = tb_model(6);
    tb_input(m->graph, "A", FLOAT, 4, a);
    tb_input(m->graph, "C", FLOAT, 2, c);
    n = tb_node(m->graph, "Sub", "bad", "A", "C", "Y");
    tb_attr_int(n, "broadcast", 1);
    tb_attr_int(n, "axis", 1);
    tb_node(m->graph, "Div", "nobcast", "A", "C", "Z");
    r = tb_infer(m, (const char *[]){"Y", "Z", NULL});
    assert_string_equal(r.types[0], "float[2,3,4,5]");
    assert_int_equal(r.errors, 2);
    assert_non_null(strstr(r.all_errors, "does not match A float[2,3,4,5] at axis 1"));
    assert_non_null(strstr(r.all_errors, "without broadcast=1"));
    tb_model_free(m);
}

/* Values of integer arithmetic on constants: broadcasting, truncating
 * division, floor and C remainders, Max/Min, Neg/Abs; float values too. */
static void elementwise_data_constants(void **state)
{
    (void)state;
    char buf[256];
    Onnx__ModelProto *m = tb_model(13);
    tb_int64s(m->graph, "a", 3, (const int64_t[]){7, -7, 6});
    tb_int64s(m->graph, "b", 1, (const int64_t[]){2});
    tb_node(m->graph, "Add", "add", "a", "b", "add");
    tb_node(m->graph, "Sub", "sub", "a", "b", "sub");
    tb_node(m->graph, "Mul", "mul", "a", "b", "mul");
    tb_node(m->graph, "Div", "div", "a", "b", "div");
    tb_node(m->graph, "Mod", "mod", "a", "b", "mod");
    tb_node(m->graph, "Max", "max", "a", "b", "max");
    tb_node(m->graph, "Min", "min", "a", "b", "min");
    tb_node(m->graph, "Neg", "neg", "a", NULL, "neg");
    tb_node(m->graph, "Abs", "abs", "a", NULL, "abs");
    tb_int64s(m->graph, "m3", 1, (const int64_t[]){-3});
    tb_node(m->graph, "Mod", "fmod", "a", "m3", "fmod");
    tb_attr_int(m->graph->node[m->graph->n_node - 1], "fmod", 1);
    tb_node(m->graph, "Mod", "floormod", "a", "m3", "floormod");
    floats(m->graph, "f", 2, (const float[]){1.5f, -2.5f});
    tb_node(m->graph, "Mul", "fmul", "f", "f", "fmul");
    tb_node(m->graph, "Floor", "floor", "f", NULL, "floor");
    tb_node(m->graph, "Round", "round", "f", NULL, "round");
    assert_string_equal(data_text(m, NULL, "add", buf, sizeof buf), "rank 1: 9,-5,8");
    assert_string_equal(data_text(m, NULL, "sub", buf, sizeof buf), "rank 1: 5,-9,4");
    assert_string_equal(data_text(m, NULL, "mul", buf, sizeof buf), "rank 1: 14,-14,12");
    assert_string_equal(data_text(m, NULL, "div", buf, sizeof buf), "rank 1: 3,-3,3");
    assert_string_equal(data_text(m, NULL, "mod", buf, sizeof buf), "rank 1: 1,1,0");
    assert_string_equal(data_text(m, NULL, "max", buf, sizeof buf), "rank 1: 7,2,6");
    assert_string_equal(data_text(m, NULL, "min", buf, sizeof buf), "rank 1: 2,-7,2");
    assert_string_equal(data_text(m, NULL, "neg", buf, sizeof buf), "rank 1: -7,7,-6");
    assert_string_equal(data_text(m, NULL, "abs", buf, sizeof buf), "rank 1: 7,7,6");
    assert_string_equal(data_text(m, NULL, "fmod", buf, sizeof buf), "rank 1: 1,-1,0");
    assert_string_equal(data_text(m, NULL, "floormod", buf, sizeof buf), "rank 1: -2,-1,0");
    assert_string_equal(data_text(m, NULL, "fmul", buf, sizeof buf), "rank 1: 2.25,6.25");
    assert_string_equal(data_text(m, NULL, "floor", buf, sizeof buf), "rank 1: 1,-3");
    assert_string_equal(data_text(m, NULL, "round", buf, sizeof buf), "rank 1: 2,-2");
    tb_model_free(m);
}

/* Values with symbols (a Shape's output [N, 6]): exact expressions where
 * they are exact, no values at all where one element is not. */
static void elementwise_data_symbolic(void **state)
{
    (void)state;
    char buf[256];
    const char *const bind[] = {"S", "N", "6", NULL};
    Onnx__ModelProto *m = tb_model(14);
    int64_t two[] = {2};
    tb_input(m->graph, "S", INT64, 1, two);
    tb_int64s(m->graph, "k", 1, (const int64_t[]){4});
    tb_int64s(m->graph, "z", 1, (const int64_t[]){0});
    tb_int64s(m->graph, "m", 1, (const int64_t[]){-4});
    tb_node(m->graph, "Add", "add", "S", "k", "add");
    tb_node(m->graph, "Mul", "mul", "S", "S", "mul");
    tb_node(m->graph, "Div", "div", "add", "k", "div");
    tb_node(m->graph, "Mod", "mod", "S", "k", "mod");
    tb_node(m->graph, "Max", "max", "S", "z", "max");
    tb_node(m->graph, "Neg", "neg", "S", NULL, "neg");
    tb_node(m->graph, "Abs", "abs", "neg", NULL, "abs");
    tb_node(m->graph, "Div", "negdiv", "neg", "k", "negdiv");
    tb_node(m->graph, "Div", "divneg", "S", "m", "divneg");
    tb_node(m->graph, "Sub", "sub", "S", "S", "sub");
    tb_int64s(m->graph, "three", 1, (const int64_t[]){3});
    tb_node(m->graph, "Mul", "mul3", "S", "three", "mul3");
    tb_node(m->graph, "Div", "exact", "mul3", "S", "exact");
    assert_string_equal(data_text(m, bind, "add", buf, sizeof buf), "rank 1: N+4,10");
    assert_string_equal(data_text(m, bind, "mul", buf, sizeof buf), "rank 1: N*N,36");
    assert_string_equal(data_text(m, bind, "div", buf, sizeof buf), "rank 1: floor(N/4)+1,2");
    assert_string_equal(data_text(m, bind, "mod", buf, sizeof buf), "rank 1: N-4*floor(N/4),2");
    assert_string_equal(data_text(m, bind, "max", buf, sizeof buf), "rank 1: N,6");
    assert_string_equal(data_text(m, bind, "neg", buf, sizeof buf), "rank 1: -N,-6");
    /* |-N| and -N/4 depend on signs the symbols do not tell. */
    assert_string_equal(data_text(m, bind, "abs", buf, sizeof buf), "none");
    assert_string_equal(data_text(m, bind, "negdiv", buf, sizeof buf), "none");
    assert_string_equal(data_text(m, bind, "divneg", buf, sizeof buf), "rank 1: -floor(N/4),-1");
    assert_string_equal(data_text(m, bind, "sub", buf, sizeof buf), "rank 1: 0,0");
    /* A symbolic divisor that divides exactly (3*N / N). */
    assert_string_equal(data_text(m, bind, "exact", buf, sizeof buf), "rank 1: 3,3");
    tb_model_free(m);
}

/* Clip keeps the type; PRelu's slope must broadcast to X one way. */
static void clip_prelu(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(13);
    int64_t x[] = {-1, 3, 4}, slope[] = {3, 1}, bad[] = {4, 4}, scalar[] = {2};
    tb_input(m->graph, "X", FLOAT, 3, x);
    tb_input(m->graph, "slope", FLOAT, 2, slope);
    tb_input(m->graph, "bad", FLOAT, 2, bad);
    tb_input(m->graph, "lo", FLOAT, 1, scalar);
    tb_node(m->graph, "PRelu", "p", "X", "slope", "Y");
    tb_node_n(m->graph, "Clip", "c", (const char *[]){"X", "", "lo", NULL}, (const char *[]){"C", NULL});
    tb_node(m->graph, "PRelu", "q", "X", "bad", "Z");
    tb_result r = tb_infer(m, (const char *[]){"Y", "C", "Z", NULL});
    assert_string_equal(r.types[0], "float[N,3,4]");
    assert_string_equal(r.types[1], "float[N,3,4]");
    assert_string_equal(r.types[2], "float[N,3,4]");
    assert_int_equal(r.errors, 2);
    assert_non_null(strstr(r.all_errors, "Clip's max float[2] must be a scalar"));
    assert_non_null(strstr(r.all_errors, "PRelu slope float[4,4] does not broadcast to float[N,3,4]"));
    tb_model_free(m);
}

/* Newer activations (Mish 18, Gelu 20) keep the type; inputs of unknown
 * shape give unknown results, never errors. */
static void activations_and_unknown_inputs(void **state)
{
    (void)state;
    int64_t x[] = {-1, 8};
    Onnx__ModelProto *m = tb_model(20);
    tb_input(m->graph, "X", FLOAT, 2, x);
    tb_node(m->graph, "Mish", "mish", "X", NULL, "M");
    Onnx__NodeProto *n = tb_node(m->graph, "Gelu", "gelu", "X", NULL, "G");
    tb_attr_string(n, "approximate", "tanh");
    tb_node(m->graph, "MatMul", "mm", "X", "U", "MM");
    tb_node_n(m->graph, "Gemm", "gemm", (const char *[]){"U", "X", NULL}, (const char *[]){"GM", NULL});
    tb_node(m->graph, "Add", "add", "X", "U", "A");
    tb_node_n(m->graph, "TopK", "topk", (const char *[]){"X", "U", NULL}, (const char *[]){"V", "I", NULL});
    tb_result r = tb_infer(m, (const char *[]){"M", "G", "MM", "GM", "A", "V", "I", NULL});
    assert_string_equal(r.types[0], "float[N,8]");
    assert_string_equal(r.types[1], "float[N,8]");
    assert_string_equal(r.types[2], "float[...]");
    assert_string_equal(r.types[3], "float[?,8]");
    assert_string_equal(r.types[4], "float[...]");
    assert_string_equal(r.types[5], "float[N,?]");
    assert_string_equal(r.types[6], "int64[N,?]");
    /* U is defined nowhere: that is the only finding. */
    assert_int_equal(r.errors, 1);
    assert_non_null(strstr(r.first_error, "undefined-value"));
    tb_model_free(m);
}

/* ---- matrix products ---- */

/* MatMul: batch broadcasting, 1-D promotion, symbols; inner dims checked. */
static void matmul_shapes(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(13);
    int64_t a[] = {-1, 1, 3, 4}, b[] = {5, 4, 6}, v[] = {4}, w[] = {6};
    tb_input(m->graph, "A", FLOAT, 4, a);
    tb_input(m->graph, "B", FLOAT, 3, b);
    tb_input(m->graph, "V", FLOAT, 1, v);
    tb_input(m->graph, "W", FLOAT, 1, w);
    tb_node(m->graph, "MatMul", "ab", "A", "B", "AB");
    tb_node(m->graph, "MatMul", "av", "A", "V", "AV");
    tb_node(m->graph, "MatMul", "vb", "V", "B", "VB");
    tb_node(m->graph, "MatMul", "vv", "V", "V", "VV");
    tb_result r = tb_infer(m, (const char *[]){"AB", "AV", "VB", "VV", NULL});
    assert_string_equal(r.types[0], "float[N,5,3,6]");
    assert_string_equal(r.types[1], "float[N,1,3]");
    assert_string_equal(r.types[2], "float[5,6]");
    assert_string_equal(r.types[3], "float[]");
    assert_int_equal(r.errors, 0);
    tb_model_free(m);

    m = tb_model(13);
    tb_input(m->graph, "A", FLOAT, 4, a);
    tb_input(m->graph, "W", FLOAT, 1, w);
    tb_node(m->graph, "MatMul", "aw", "A", "W", "Y");
    r = tb_infer(m, (const char *[]){"Y", NULL});
    assert_string_equal(r.types[0], "float[N,1,3]");
    assert_int_equal(r.errors, 1);
    assert_non_null(strstr(r.first_error, "MatMul inner dims: 4 vs 6"));
    tb_model_free(m);
}

/* Gemm: transposes, (M, N) output, inner dims and C checked. */
static void gemm_shapes(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(13);
    int64_t a[] = {4, -1}, b[] = {5, 4}, c[] = {5}, bad[] = {3, 5}, a2[] = {4, 3};
    tb_input(m->graph, "A", FLOAT, 2, a);
    tb_input(m->graph, "B", FLOAT, 2, b);
    tb_input(m->graph, "C", FLOAT, 1, c);
    tb_input(m->graph, "bad", FLOAT, 2, bad);
    tb_node_n(m->graph, "Gemm", "g", (const char *[]){"A", "B", "C", NULL}, (const char *[]){"Y", NULL});
    tb_attr_int(m->graph->node[0], "transA", 1);
    tb_attr_int(m->graph->node[0], "transB", 1);
    tb_result r = tb_infer(m, (const char *[]){"Y", NULL});
    assert_string_equal(r.types[0], "float[N,5]");
    assert_int_equal(r.errors, 0);
    tb_model_free(m);

    m = tb_model(13);
    tb_input(m->graph, "A", FLOAT, 2, a2);
    tb_input(m->graph, "B", FLOAT, 2, b);
    tb_input(m->graph, "bad", FLOAT, 2, bad);
    tb_node_n(m->graph, "Gemm", "g", (const char *[]){"A", "B", "bad", NULL}, (const char *[]){"Y", NULL});
    r = tb_infer(m, (const char *[]){"Y", NULL});
    assert_string_equal(r.types[0], "float[4,4]");
    assert_int_equal(r.errors, 2);
    assert_non_null(strstr(r.all_errors, "Gemm inner dims: 3 vs 5"));
    assert_non_null(strstr(r.all_errors, "Gemm's C float[3,5] does not broadcast to float[4,4]"));
    tb_model_free(m);
}

/* Det drops the two matrix dims, which must be square. */
static void det_shapes(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(11);
    int64_t x[] = {-1, 3, 3}, bad[] = {2, 3};
    tb_input(m->graph, "X", FLOAT, 3, x);
    tb_input(m->graph, "bad", FLOAT, 2, bad);
    tb_node(m->graph, "Det", "d", "X", NULL, "Y");
    tb_node(m->graph, "Det", "e", "bad", NULL, "Z");
    tb_result r = tb_infer(m, (const char *[]){"Y", "Z", NULL});
    assert_string_equal(r.types[0], "float[N]");
    assert_string_equal(r.types[1], "float[]");
    assert_int_equal(r.errors, 1);
    assert_non_null(strstr(r.first_error, "Det needs square matrices (*, M, M), got float[2,3]"));
    tb_model_free(m);
}

/* ---- Einsum ---- */

static Onnx__ModelProto *einsum_model(const char *equation, size_t rank_a, const int64_t *a, size_t rank_b,
                                      const int64_t *b)
{
    Onnx__ModelProto *m = tb_model(12);
    tb_input(m->graph, "A", FLOAT, rank_a, a);
    tb_input(m->graph, "B", FLOAT, rank_b, b);
    Onnx__NodeProto *n = tb_node(m->graph, "Einsum", "e", "A", b ? "B" : NULL, "Y");
    tb_attr_string(n, "equation", equation);
    return m;
}

static void einsum_shapes(void **state)
{
    (void)state;
    struct {
        const char *equation;
        size_t rank_a;
        int64_t a[4];
        size_t rank_b;
        int64_t b[4];
        const char *want;
    } cases[] = {
        {"bij,bjk->bik", 3, {-1, 3, 4}, 3, {-1, 4, 5}, "float[N,3,5]"},
        {"ij,jk", 2, {3, 4}, 2, {4, 5}, "float[3,5]"},
        {"ba,Bc", 2, {3, 4}, 2, {6, 5}, "float[6,4,3,5]"},
        {"...ij,...jk->...ik", 4, {-1, 1, 3, 4}, 3, {7, 4, 5}, "float[N,7,3,5]"},
        {"...ij, jk", 3, {-1, 3, 4}, 2, {4, 5}, "float[N,3,5]"},
        {"ii->i", 2, {3, 3}, 0, {0}, "float[3]"},
        {"ij,ij->", 2, {3, 1}, 2, {3, 4}, "float[]"},
        {"i,i", 1, {3}, 1, {1}, "float[]"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        Onnx__ModelProto *m = einsum_model(cases[i].equation, cases[i].rank_a, cases[i].a, cases[i].rank_b,
                                           cases[i].rank_b ? cases[i].b : NULL);
        tb_result r = tb_infer(m, (const char *[]){"Y", NULL});
        assert_string_equal(r.types[0], cases[i].want);
        assert_int_equal(r.errors, 0);
        tb_model_free(m);
    }
}

static void einsum_errors(void **state)
{
    (void)state;
    struct {
        const char *equation;
        const char *message;
    } cases[] = {
        {"ij,kj->ik", "label 'j' is 4 in one input and 6 in another"},
        {"ijk,jk->ik", "term 'ijk' has 3 labels but input 0 'A' is float[3,4]"},
        {"ij,jk->iz", "output label 'z' is in no input"},
        {"ij,jk->ii", "output label 'i' appears twice"},
        {"ij,j1", "'1' is not a label"},
        {"ij", "1 input terms for 2 inputs"},
    };
    int64_t a[] = {3, 4}, b[] = {4, 6};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        Onnx__ModelProto *m = einsum_model(cases[i].equation, 2, a, 2, b);
        tb_result r = tb_infer(m, (const char *[]){"Y", NULL});
        assert_int_equal(r.errors, 1);
        assert_non_null(strstr(r.first_error, "shape-error"));
        assert_non_null(strstr(r.first_error, cases[i].message));
        tb_model_free(m);
    }
}

/* ---- softmax, TopK, CumSum ---- */

/* The axis default changed at opset 13 (1 -> -1); either must exist. */
static void softmax_axis(void **state)
{
    (void)state;
    int64_t x[] = {-1, 5};
    Onnx__ModelProto *m = tb_model(11);
    tb_input(m->graph, "X", FLOAT, 2, x);
    tb_node(m->graph, "Softmax", "s", "X", NULL, "Y");
    Onnx__NodeProto *n = tb_node(m->graph, "LogSoftmax", "l", "X", NULL, "Z");
    tb_attr_int(n, "axis", 2);
    tb_result r = tb_infer(m, (const char *[]){"Y", "Z", NULL});
    assert_string_equal(r.types[0], "float[N,5]");
    assert_string_equal(r.types[1], "float[N,5]");
    assert_int_equal(r.errors, 1);
    assert_non_null(strstr(r.first_error, "LogSoftmax 2 is out of range for rank 2"));
    tb_model_free(m);

    m = tb_model(13);
    tb_input(m->graph, "X", FLOAT, 2, x);
    n = tb_node(m->graph, "Hardmax", "h", "X", NULL, "Y");
    tb_attr_int(n, "axis", -3);
    r = tb_infer(m, (const char *[]){"Y", NULL});
    assert_string_equal(r.types[0], "float[N,5]");
    assert_int_equal(r.errors, 1);
    tb_model_free(m);
}

/* K from the attribute (opset 1), a constant, or computed values. */
static void topk_shapes(void **state)
{
    (void)state;
    int64_t x[] = {-1, 10};
    Onnx__ModelProto *m = tb_model(11);
    tb_input(m->graph, "X", FLOAT, 2, x);
    tb_int64s(m->graph, "k1", 1, (const int64_t[]){1});
    tb_int64s(m->graph, "k2", 1, (const int64_t[]){2});
    tb_node(m->graph, "Add", "add", "k1", "k2", "k");
    tb_node_n(m->graph, "TopK", "t", (const char *[]){"X", "k", NULL}, (const char *[]){"V", "I", NULL});
    Onnx__NodeProto *n =
        tb_node_n(m->graph, "TopK", "u", (const char *[]){"X", "k2", NULL}, (const char *[]){"V0", "I0", NULL});
    tb_attr_int(n, "axis", 0);
    tb_result r = tb_infer(m, (const char *[]){"V", "I", "V0", "I0", NULL});
    assert_string_equal(r.types[0], "float[N,3]");
    assert_string_equal(r.types[1], "int64[N,3]");
    assert_string_equal(r.types[2], "float[2,10]");
    assert_string_equal(r.types[3], "int64[2,10]");
    assert_int_equal(r.errors, 0);
    tb_model_free(m);

    m = tb_model(1);
    tb_input(m->graph, "X", FLOAT, 2, x);
    n = tb_node_n(m->graph, "TopK", "t", (const char *[]){"X", NULL}, (const char *[]){"V", "I", NULL});
    tb_attr_int(n, "k", 12);
    r = tb_infer(m, (const char *[]){"V", "I", NULL});
    assert_string_equal(r.types[0], "float[N,12]");
    assert_int_equal(r.errors, 1);
    assert_non_null(strstr(r.first_error, "TopK's k = 12 is larger than dim 1 of X float[N,10]"));
    tb_model_free(m);
}

static void cumsum_axis(void **state)
{
    (void)state;
    int64_t x[] = {-1, 10};
    Onnx__ModelProto *m = tb_model(14);
    tb_input(m->graph, "X", FLOAT, 2, x);
    tb_int64s(m->graph, "good", 1, (const int64_t[]){-1});
    tb_int64s(m->graph, "bad", 1, (const int64_t[]){2});
    tb_node(m->graph, "CumSum", "c", "X", "good", "Y");
    tb_node(m->graph, "CumSum", "d", "X", "bad", "Z");
    tb_result r = tb_infer(m, (const char *[]){"Y", "Z", NULL});
    assert_string_equal(r.types[0], "float[N,10]");
    assert_string_equal(r.types[1], "float[N,10]");
    assert_int_equal(r.errors, 1);
    assert_non_null(strstr(r.first_error, "CumSum axis 2 is out of range for rank 2"));
    tb_model_free(m);
}

/* ---- losses ---- */

static Onnx__ModelProto *loss_model(const char *op, const char *reduction, size_t rank_s, const int64_t *s,
                                    size_t rank_l, const int64_t *l, size_t rank_w, const int64_t *w)
{
    Onnx__ModelProto *m = tb_model(13);
    tb_input(m->graph, "S", FLOAT, rank_s, s);
    tb_input(m->graph, "L", INT64, rank_l, l);
    if (w)
        tb_input(m->graph, "W", FLOAT, rank_w, w);
    Onnx__NodeProto *n = tb_node_n(m->graph, op, "loss", (const char *[]){"S", "L", w ? "W" : NULL, NULL},
                                   strcmp(op, "NegativeLogLikelihoodLoss") ? (const char *[]){"Y", "P", NULL}
                                                                           : (const char *[]){"Y", NULL});
    if (reduction)
        tb_attr_string(n, "reduction", reduction);
    return m;
}

static void loss_shapes(void **state)
{
    (void)state;
    int64_t s[] = {-1, 10, 7}, l[] = {-1, 7}, w[] = {10};
    Onnx__ModelProto *m = loss_model("SoftmaxCrossEntropyLoss", "none", 3, s, 2, l, 1, w);
    tb_result r = tb_infer(m, (const char *[]){"Y", "P", NULL});
    assert_string_equal(r.types[0], "float[N,7]");
    assert_string_equal(r.types[1], "float[N,10,7]");
    assert_int_equal(r.errors, 0);
    tb_model_free(m);

    m = loss_model("NegativeLogLikelihoodLoss", NULL, 3, s, 2, l, 0, NULL);
    r = tb_infer(m, (const char *[]){"Y", NULL});
    assert_string_equal(r.types[0], "float[]");
    assert_int_equal(r.errors, 0);
    tb_model_free(m);

    /* Labels of unknown batch take the scores' batch. */
    int64_t s2[] = {4, 3}, l2[] = {-1};
    m = loss_model("NegativeLogLikelihoodLoss", "none", 2, s2, 1, l2, 0, NULL);
    r = tb_infer(m, (const char *[]){"Y", NULL});
    assert_string_equal(r.types[0], "float[4]");
    assert_int_equal(r.errors, 0);
    tb_model_free(m);
}

/* What ONNX's inference never checks: labels' rank and dims against the
 * scores', the weights' length against the classes. */
static void loss_errors(void **state)
{
    (void)state;
    int64_t s[] = {-1, 10}, l_rank[] = {-1, 10}, s3[] = {-1, 10, 6}, l_dim[] = {-1, 5}, w[] = {9};
    Onnx__ModelProto *m = loss_model("SoftmaxCrossEntropyLoss", NULL, 2, s, 2, l_rank, 0, NULL);
    tb_result r = tb_infer(m, (const char *[]){"Y", "P", NULL});
    assert_string_equal(r.types[0], "float[]");
    assert_string_equal(r.types[1], "float[N,10]");
    assert_int_equal(r.errors, 1);
    assert_non_null(strstr(r.first_error, "labels int64[N,10] vs scores float[N,10]: labels must be (N) - class "
                                          "indices, one rank less than the scores"));
    tb_model_free(m);

    m = loss_model("SoftmaxCrossEntropyLoss", "none", 3, s3, 2, l_dim, 0, NULL);
    r = tb_infer(m, (const char *[]){"Y", NULL});
    assert_string_equal(r.types[0], "float[N,6]");
    assert_int_equal(r.errors, 1);
    assert_non_null(strstr(r.first_error, "labels int64[N,5] vs scores float[N,10,6]: labels' dim 1 (5) must equal "
                                          "the scores' dim 2 (6)"));
    tb_model_free(m);

    int64_t l_ok[] = {-1};
    m = loss_model("NegativeLogLikelihoodLoss", "sum", 2, s, 1, l_ok, 1, w);
    r = tb_infer(m, (const char *[]){"Y", NULL});
    assert_string_equal(r.types[0], "float[]");
    assert_int_equal(r.errors, 1);
    assert_non_null(strstr(r.first_error, "weight float[9] vs input float[N,10]: one weight per class, 10 of them"));
    tb_model_free(m);
}

/* ---- kernels ---- */





/* Elements as doubles, within KERNEL_RTOL; NaN matches NaN. */
static void expect_values(const ol_array *a, const double *want, size_t n)
{
    assert_int_equal(a->count, n);
    for (size_t i = 0; i < n; i++) {
        double got = ol_array_get_f64(a, i);
        bool same = isnan(want[i]) ? isnan(got) : fabs(got - want[i]) <= KERNEL_RTOL * (1 + fabs(want[i]));
        if (!same)
            print_error("element %zu: %.9g, expected %.9g\n", i, got, want[i]);
        assert_true(same);
    }
}


static void float_init(Onnx__GraphProto *g, const char *name, size_t rank, const int64_t *dims, const float *v,
                       size_t n)
{
    tb_initializer(g, name, FLOAT, rank, dims, v, n * sizeof *v);
}

static void int32_init(Onnx__GraphProto *g, const char *name, size_t rank, const int64_t *dims, const int32_t *v,
                       size_t n)
{
    tb_initializer(g, name, INT32, rank, dims, v, n * sizeof *v);
}

/* The losses as ONNX's reference computes them: SoftmaxCrossEntropyLoss
 * with weights (the mean divides by the labels' weights), ignore_index,
 * the log_prob output; NegativeLogLikelihoodLoss with 'none' and 'sum'. */
static void kernel_losses(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(13);
    int64_t sd[] = {2, 3}, cd[] = {3};
    float_init(m->graph, "S", 2, sd, (float[]){0, 0, 0, 1, 2, 3}, 6);
    float_init(m->graph, "W", 1, cd, (float[]){1, 2, 3}, 3);
    float_init(m->graph, "LP", 2, sd, (float[]){-1, -2, -3, -0.5f, -1.5f, -2.5f}, 6);
    tb_int64s(m->graph, "L", 2, (int64_t[]){1, 2});
    tb_int64s(m->graph, "T", 2, (int64_t[]){2, 0});
    tb_node_n(m->graph, "SoftmaxCrossEntropyLoss", "sce", (const char *[]){"S", "L", "W", NULL},
              (const char *[]){"Y", "P", NULL});
    Onnx__NodeProto *n = tb_node_n(m->graph, "SoftmaxCrossEntropyLoss", "sce_ii", (const char *[]){"S", "L", NULL},
                                   (const char *[]){"YI", NULL});
    tb_attr_int(n, "ignore_index", 1);
    tb_attr_string(tb_node(m->graph, "NegativeLogLikelihoodLoss", "nll", "LP", "T", "N"), "reduction", "none");
    tb_attr_string(tb_node(m->graph, "NegativeLogLikelihoodLoss", "nll_sum", "LP", "T", "NS"), "reduction", "sum");
    tb_output(m->graph, "Y", FLOAT, 0, NULL);
    tb_output(m->graph, "P", FLOAT, 2, sd);
    tb_output(m->graph, "YI", FLOAT, 0, NULL);
    tb_output(m->graph, "N", FLOAT, 1, (int64_t[]){2});
    tb_output(m->graph, "NS", FLOAT, 0, NULL);
    krun r;
    krun_start(&r, m);
    /* losses 2 log 3 (weight 2) and 3 * 0.4076 (weight 3), over 2 + 3 */
    expect_values(kout(&r, 0, FLOAT, 0, NULL), (double[]){0.6840084941338722}, 1);
    expect_values(kout(&r, 1, FLOAT, 2, sd),
                  (double[]){-1.0986122887, -1.0986122887, -1.0986122887, -2.4076059644, -1.4076059644,
                             -0.4076059644},
                  6);
    expect_values(kout(&r, 2, FLOAT, 0, NULL), (double[]){0.4076059644443804}, 1);
    expect_values(kout(&r, 3, FLOAT, 1, (int64_t[]){2}), (double[]){3, 0.5}, 2);
    expect_values(kout(&r, 4, FLOAT, 0, NULL), (double[]){3.5}, 1);
    krun_end(&r);

    /* A label that is no class fails, naming it. */
    m = tb_model(13);
    float_init(m->graph, "LP", 2, sd, (float[]){-1, -2, -3, -0.5f, -1.5f, -2.5f}, 6);
    tb_int64s(m->graph, "T", 2, (int64_t[]){0, 3});
    tb_node(m->graph, "NegativeLogLikelihoodLoss", "nll", "LP", "T", "N");
    tb_output(m->graph, "N", FLOAT, 0, NULL);
    expect_run_error(m, "target value 3 (element 1 of (2)) is not a class of input (2,3)");
}

/* Broadcasting arithmetic: a row against a matrix, an empty tensor,
 * integer Div truncating and Mod taking the divisor's sign (fmod=1 the
 * dividend's), Pow of an int base by a float exponent, Max with NaN. */
static void kernel_arithmetic(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(17);
    int64_t ad[] = {2, 3}, rd[] = {3}, ed[] = {0, 3}, id[] = {4};
    float_init(m->graph, "A", 2, ad, (float[]){1, 2, 3, 4, 5, 6}, 6);
    float_init(m->graph, "R", 1, rd, (float[]){10, 20, 30}, 3);
    float_init(m->graph, "E", 2, ed, NULL, 0);
    int32_init(m->graph, "I", 1, id, (int32_t[]){-7, 7, -7, 7}, 4);
    int32_init(m->graph, "J", 1, id, (int32_t[]){2, -2, -2, 3}, 4);
    float_init(m->graph, "F", 1, id, (float[]){0.5f, 1, 2, -1}, 4);
    float_init(m->graph, "NAN", 1, rd, (float[]){NAN, 1, -1}, 3);
    tb_node(m->graph, "Sub", "sub", "A", "R", "S");
    tb_node(m->graph, "Add", "add", "E", "R", "EA");
    tb_node(m->graph, "Div", "div", "I", "J", "D");
    tb_node(m->graph, "Mod", "mod", "I", "J", "M");
    tb_attr_int(tb_node(m->graph, "Mod", "fmod", "I", "J", "FM"), "fmod", 1);
    tb_node(m->graph, "Pow", "pow", "J", "F", "P");
    tb_node_n(m->graph, "Max", "max", (const char *[]){"NAN", "A", NULL}, (const char *[]){"X", NULL});
    const char *outs[] = {"S", "EA", "D", "M", "FM", "P", "X"};
    for (size_t i = 0; i < sizeof outs / sizeof *outs; i++)
        tb_output(m->graph, outs[i], FLOAT, 0, NULL);
    krun r;
    krun_start(&r, m);
    expect_values(kout(&r, 0, FLOAT, 2, ad), (double[]){-9, -18, -27, -6, -15, -24}, 6);
    expect_values(kout(&r, 1, FLOAT, 2, ed), NULL, 0);
    expect_values(kout(&r, 2, INT32, 1, id), (double[]){-3, -3, 3, 2}, 4);
    expect_values(kout(&r, 3, INT32, 1, id), (double[]){1, -1, -1, 1}, 4);
    expect_values(kout(&r, 4, INT32, 1, id), (double[]){-1, 1, -1, 1}, 4);
    expect_values(kout(&r, 5, INT32, 1, id), (double[]){1, -2, 4, 0}, 4);
    expect_values(kout(&r, 6, FLOAT, 2, ad), (double[]){NAN, 2, 3, NAN, 5, 6}, 6);
    krun_end(&r);

    m = tb_model(17);
    int64_t bd[] = {4, 5}, cd[] = {4, 4};
    tb_initializer(m->graph, "B", FLOAT, 2, bd, (float[20]){0}, 20 * sizeof(float));
    tb_initializer(m->graph, "C", FLOAT, 2, cd, (float[16]){0}, 16 * sizeof(float));
    tb_node(m->graph, "Mul", "mul", "B", "C", "Y");
    tb_output(m->graph, "Y", FLOAT, 0, NULL);
    expect_run_error(m, "cannot broadcast (4,5) with (4,4)");

    m = tb_model(17);
    int32_init(m->graph, "I", 1, (int64_t[]){2}, (int32_t[]){1, 2}, 2);
    int32_init(m->graph, "Z", 1, (int64_t[]){1}, (int32_t[]){0}, 1);
    tb_node(m->graph, "Div", "div", "I", "Z", "Y");
    tb_output(m->graph, "Y", INT32, 0, NULL);
    expect_run_error(m, "integer division by zero");
}

/* MatMul broadcasts batches ((2,1,2) x (1,2,2)... and promotes 1-D);
 * Gemm transposes B, scales, and adds a row of C. */
static void kernel_matrix_products(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(13);
    int64_t ad[] = {2, 1, 2}, bd[] = {2, 2}, vd[] = {2}, cd[] = {1, 2};
    float_init(m->graph, "A", 3, ad, (float[]){1, 2, 3, 4}, 4);
    float_init(m->graph, "B", 2, bd, (float[]){1, 0, 1, 1}, 4);
    float_init(m->graph, "V", 1, vd, (float[]){1, -1}, 2);
    float_init(m->graph, "C", 2, cd, (float[]){100, 200}, 2);
    tb_node(m->graph, "MatMul", "mm", "A", "B", "Y");
    tb_node(m->graph, "MatMul", "mv", "A", "V", "YV");
    Onnx__NodeProto *g = tb_node_n(m->graph, "Gemm", "gemm", (const char *[]){"B", "B", "C", NULL},
                                   (const char *[]){"G", NULL});
    tb_attr_int(g, "transB", 1);
    tb_attr_float(g, "alpha", 2);
    tb_attr_float(g, "beta", 0.5f);
    tb_output(m->graph, "Y", FLOAT, 0, NULL);
    tb_output(m->graph, "YV", FLOAT, 0, NULL);
    tb_output(m->graph, "G", FLOAT, 0, NULL);
    krun r;
    krun_start(&r, m);
    expect_values(kout(&r, 0, FLOAT, 3, ad), (double[]){3, 2, 7, 4}, 4);
    expect_values(kout(&r, 1, FLOAT, 2, (int64_t[]){2, 1}), (double[]){-1, -1}, 2);
    /* B B^T = [[1, 1], [1, 2]]: 2 * that + 0.5 * [100, 200] */
    expect_values(kout(&r, 2, FLOAT, 2, bd), (double[]){52, 102, 52, 104}, 4);
    krun_end(&r);

    m = tb_model(13);
    float_init(m->graph, "A", 3, ad, (float[]){1, 2, 3, 4}, 4);
    float_init(m->graph, "C", 2, cd, (float[]){100, 200}, 2);
    tb_node(m->graph, "MatMul", "mm", "A", "C", "Y");
    tb_output(m->graph, "Y", FLOAT, 0, NULL);
    expect_run_error(m, "MatMul inner dims: 2 vs 1 (A (2,1,2), B (1,2))");
}

/* Softmax along the last axis (opset 13) and over whole rows of the 2-D
 * coercion (opset 11); TopK keeps equal values in index order; CumSum
 * exclusive and reversed. */
static void kernel_softmax_topk_cumsum(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(13);
    int64_t xd[] = {1, 2, 2}, td[] = {5};
    float_init(m->graph, "X", 3, xd, (float[]){0, 0, 0, 1}, 4);
    float_init(m->graph, "T", 1, td, (float[]){1, 3, 2, 3, 0}, 5);
    tb_int64s(m->graph, "K", 1, (int64_t[]){3});
    tb_initializer(m->graph, "AX", INT64, 0, NULL, (int64_t[]){0}, sizeof(int64_t));
    tb_node(m->graph, "Softmax", "sm", "X", NULL, "S");
    tb_node_n(m->graph, "TopK", "topk", (const char *[]){"T", "K", NULL}, (const char *[]){"V", "I", NULL});
    Onnx__NodeProto *c = tb_node(m->graph, "CumSum", "cs", "T", "AX", "C");
    tb_attr_int(c, "exclusive", 1);
    tb_attr_int(c, "reverse", 1);
    tb_output(m->graph, "S", FLOAT, 0, NULL);
    tb_output(m->graph, "V", FLOAT, 0, NULL);
    tb_output(m->graph, "I", INT64, 0, NULL);
    tb_output(m->graph, "C", FLOAT, 0, NULL);
    krun r;
    krun_start(&r, m);
    double e = 1 / (1 + exp(1.0));
    expect_values(kout(&r, 0, FLOAT, 3, xd), (double[]){0.5, 0.5, e, 1 - e}, 4);
    expect_values(kout(&r, 1, FLOAT, 1, (int64_t[]){3}), (double[]){3, 3, 2}, 3);
    expect_values(kout(&r, 2, INT64, 1, (int64_t[]){3}), (double[]){1, 3, 2}, 3);
    expect_values(kout(&r, 3, FLOAT, 1, td), (double[]){8, 5, 3, 0, 0}, 5);
    krun_end(&r);

    m = tb_model(11);
    float_init(m->graph, "X", 3, xd, (float[]){0, 0, 0, 0}, 4);
    tb_node(m->graph, "Softmax", "sm", "X", NULL, "S");
    tb_output(m->graph, "S", FLOAT, 0, NULL);
    krun_start(&r, m);
    expect_values(kout(&r, 0, FLOAT, 3, xd), (double[]){0.25, 0.25, 0.25, 0.25}, 4);
    krun_end(&r);
}

/* Einsum: a matrix product with a transposed output, a trace; Det of a
 * batch of 2x2 matrices (one singular). */
static void kernel_einsum_det(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(13);
    int64_t ad[] = {2, 2}, bd[] = {2, 2, 2};
    float_init(m->graph, "A", 2, ad, (float[]){1, 2, 3, 4}, 4);
    float_init(m->graph, "B", 3, bd, (float[]){1, 2, 3, 4, 1, 2, 2, 4}, 8);
    tb_attr_string(tb_node(m->graph, "Einsum", "mm", "A", "A", "Y"), "equation", "ij,jk->ki");
    tb_attr_string(tb_node(m->graph, "Einsum", "tr", "A", NULL, "T"), "equation", "ii");
    tb_node(m->graph, "Det", "det", "B", NULL, "D");
    tb_output(m->graph, "Y", FLOAT, 0, NULL);
    tb_output(m->graph, "T", FLOAT, 0, NULL);
    tb_output(m->graph, "D", FLOAT, 0, NULL);
    krun r;
    krun_start(&r, m);
    /* A A = [[7, 10], [15, 22]], transposed */
    expect_values(kout(&r, 0, FLOAT, 2, ad), (double[]){7, 15, 10, 22}, 4);
    expect_values(kout(&r, 1, FLOAT, 0, NULL), (double[]){5}, 1);
    expect_values(kout(&r, 2, FLOAT, 1, (int64_t[]){2}), (double[]){-2, 0}, 2);
    krun_end(&r);

    m = tb_model(13);
    float_init(m->graph, "A", 2, ad, (float[]){1, 2, 3, 4}, 4);
    tb_attr_string(tb_node(m->graph, "Einsum", "bad", "A", NULL, "Y"), "equation", "ijk->i");
    tb_output(m->graph, "Y", FLOAT, 0, NULL);
    expect_run_error(m, "term 'ijk' does not fit input 0 (2,2)");
}

/* OpenBLAS is loaded on the first product; the plain loops that stand in
 * when it cannot be loaded agree with it on every transpose and order, with
 * leading dimensions wider than the operands and a non-zero beta. */
static void blas_loaded_and_loops_agree(void **state)
{
    (void)state;
    assert_non_null(ol_blas_corename()); /* the test machine has OpenBLAS */
    enum { M = 5, N = 4, K = 3, LD = 7 };
    float a[LD * LD], b[LD * LD], c0[LD * LD];
    double ad[LD * LD], bd[LD * LD], cd0[LD * LD];
    for (int i = 0; i < LD * LD; i++) {
        a[i] = (float)((i * 37) % 11) - 5.0f;
        b[i] = (float)((i * 53) % 13) * 0.5f - 3.0f;
        c0[i] = (float)(i % 5);
        ad[i] = a[i], bd[i] = b[i], cd0[i] = c0[i];
    }
    for (int order = 0; order < 2; order++) {
        for (int ta = 0; ta < 2; ta++) {
            for (int tb = 0; tb < 2; tb++) {
                enum CBLAS_ORDER o = order ? CblasColMajor : CblasRowMajor;
                enum CBLAS_TRANSPOSE at = ta ? CblasTrans : CblasNoTrans, bt = tb ? CblasTrans : CblasNoTrans;
                float c1[LD * LD], c2[LD * LD];
                double d1[LD * LD], d2[LD * LD];
                memcpy(c1, c0, sizeof c1), memcpy(c2, c0, sizeof c2);
                memcpy(d1, cd0, sizeof d1), memcpy(d2, cd0, sizeof d2);
                ol_blas_use_loops(false);
                ol_cblas_sgemm(o, at, bt, M, N, K, 1.5f, a, LD, b, LD, 0.5f, c1, LD);
                ol_cblas_dgemm(o, at, bt, M, N, K, 1.5, ad, LD, bd, LD, 0.5, d1, LD);
                ol_blas_use_loops(true);
                ol_cblas_sgemm(o, at, bt, M, N, K, 1.5f, a, LD, b, LD, 0.5f, c2, LD);
                ol_cblas_dgemm(o, at, bt, M, N, K, 1.5, ad, LD, bd, LD, 0.5, d2, LD);
                ol_blas_use_loops(false);
                for (int i = 0; i < LD * LD; i++) {
                    assert_float_equal(c1[i], c2[i], 1e-4);
                    assert_true(fabs(d1[i] - d2[i]) < 1e-9);
                }
            }
        }
    }
    /* beta 0 ignores what C held, NaN included */
    float nan_c[LD * LD];
    for (int i = 0; i < LD * LD; i++)
        nan_c[i] = NAN;
    ol_blas_use_loops(true);
    ol_cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, M, N, K, 1.0f, a, LD, b, LD, 0.0f, nan_c, LD);
    ol_blas_use_loops(false);
    assert_false(isnan(nan_c[0]));
    assert_float_equal(nan_c[0], a[0] * b[0] + a[1] * b[LD] + a[2] * b[2 * LD], 1e-5);
    assert_true(isnan(nan_c[N])); /* outside the product: untouched */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pipeline_smoke),
        cmocka_unit_test(elementwise_broadcast_symbolic),
        cmocka_unit_test(elementwise_errors),
        cmocka_unit_test(elementwise_legacy_broadcast),
        cmocka_unit_test(elementwise_data_constants),
        cmocka_unit_test(elementwise_data_symbolic),
        cmocka_unit_test(clip_prelu),
        cmocka_unit_test(activations_and_unknown_inputs),
        cmocka_unit_test(matmul_shapes),
        cmocka_unit_test(gemm_shapes),
        cmocka_unit_test(det_shapes),
        cmocka_unit_test(einsum_shapes),
        cmocka_unit_test(einsum_errors),
        cmocka_unit_test(softmax_axis),
        cmocka_unit_test(topk_shapes),
        cmocka_unit_test(cumsum_axis),
        cmocka_unit_test(loss_shapes),
        cmocka_unit_test(loss_errors),
        cmocka_unit_test(kernel_losses),
        cmocka_unit_test(kernel_arithmetic),
        cmocka_unit_test(kernel_matrix_products),
        cmocka_unit_test(kernel_softmax_topk_cumsum),
        cmocka_unit_test(kernel_einsum_det),
        cmocka_unit_test(blas_loaded_and_loops_agree),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
