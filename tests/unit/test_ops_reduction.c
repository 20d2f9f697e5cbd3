/*
 * test_ops_reduction.c - inference of the reduction family on hand-built graphs,
 * including error and symbolic cases; also the logical, rnn and
 * quantization families (one test group for the four).  Propagated values
 * are read back through data_text, which loads and infers like tb_infer
 * but prints a value's data instead of its type.
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
 * v0,v1,..." in buf, or "none". */
static const char *data_text(const Onnx__ModelProto *m, const char *name, char *buf, size_t cap)
{
    char *dir = tb_tmpdir();
    char *path = tb_save(m, dir, "model.onnx");
    onnxlint_model *model = NULL;
    onnxlint_error err;
    snprintf(buf, cap, "load failed");
    if (onnxlint_model_load(path, NULL, &model, &err) == ONNXLINT_OK) {
        ol_infer_model(model, NULL, NULL);
        const ol_value *v = ol_graph_lookup(model->graph, name);
        snprintf(buf, cap, "none");
        if (v && v->data && v->data->values) {
            size_t used = (size_t)snprintf(buf, cap, "rank %d:", v->data->rank);
            for (size_t i = 0; i < v->data->count && used < cap; i++) {
                char dim[64];
                used += (size_t)snprintf(buf + used, cap - used, "%s%s", i ? "," : " ",
                                         ol_dim_text(v->data->values[i], dim, sizeof dim));
            }
        }
        onnxlint_model_free(model);
    }
    tb_rmtree(dir);
    free(dir);
    free(path);
    return buf;
}

/* ---- reduction ---- */

/* Attribute axes (opset 13): symbolic dims survive, negative axes count
 * from the back, keepdims keeps reduced axes as 1. */
static void reduce_attribute_axes_symbolic(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(13);
    int64_t x[] = {-1, 3, 4};
    tb_input(m->graph, "X", FLOAT, 3, x);
    tb_attr_ints(tb_node(m->graph, "ReduceMean", "mean", "X", NULL, "A"), "axes", 1, (int64_t[]){1});
    Onnx__NodeProto *n = tb_node(m->graph, "ReduceMax", "max", "X", NULL, "B");
    tb_attr_ints(n, "axes", 1, (int64_t[]){-1});
    tb_attr_int(n, "keepdims", 0);
    tb_node(m->graph, "ReduceL2", "l2", "X", NULL, "C");
    tb_attr_int(tb_node(m->graph, "ReduceLogSumExp", "lse", "X", NULL, "D"), "keepdims", 0);
    tb_result r = tb_infer(m, (const char *[]){"A", "B", "C", "D", NULL});
    assert_string_equal(r.types[0], "float[N,1,4]");
    assert_string_equal(r.types[1], "float[N,3]");
    assert_string_equal(r.types[2], "float[1,1,1]");
    assert_string_equal(r.types[3], "float[]");
    assert_int_equal(r.errors, 0);
    tb_model_free(m);
}

/* ReduceSum-13 takes axes as an input: its values when known, else only
 * what keepdims and the axes' length say; an empty list with
 * noop_with_empty_axes is the identity. */
static void reduce_sum_axes_input(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(13);
    int64_t x[] = {-1, 1, 4}, one[] = {1};
    tb_input(m->graph, "X", FLOAT, 3, x);
    tb_input(m->graph, "axes_rt", INT64, 1, one);
    tb_int64s(m->graph, "axes", 1, (int64_t[]){2});
    tb_attr_int(tb_node(m->graph, "ReduceSum", "known", "X", "axes", "A"), "keepdims", 0);
    tb_attr_int(tb_node(m->graph, "ReduceSum", "runtime_keep", "X", "axes_rt", "B"), "keepdims", 1);
    tb_attr_int(tb_node(m->graph, "ReduceSum", "runtime_drop", "X", "axes_rt", "C"), "keepdims", 0);
    tb_attr_int(tb_node(m->graph, "ReduceSum", "noop", "X", NULL, "D"), "noop_with_empty_axes", 1);
    tb_node(m->graph, "ReduceSum", "all", "X", NULL, "E");
    tb_result r = tb_infer(m, (const char *[]){"A", "B", "C", "D", "E", NULL});
    assert_string_equal(r.types[0], "float[N,1]");
    assert_string_equal(r.types[1], "float[?,1,?]");
    assert_string_equal(r.types[2], "float[?,?]");
    assert_string_equal(r.types[3], "float[N,1,4]");
    assert_string_equal(r.types[4], "float[1,1,1]");
    assert_int_equal(r.errors, 0);
    tb_model_free(m);
}

/* An axis outside [-rank, rank) is a shape-error. */
static void reduce_axis_out_of_range(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(11);
    int64_t x[] = {-1, 3, 4};
    tb_input(m->graph, "X", FLOAT, 3, x);
    tb_attr_ints(tb_node(m->graph, "ReduceProd", "prod", "X", NULL, "Y"), "axes", 1, (int64_t[]){3});
    tb_result r = tb_infer(m, (const char *[]){"Y", NULL});
    assert_int_equal(r.errors, 1);
    assert_non_null(strstr(r.first_error, "shape-error"));
    assert_non_null(strstr(r.first_error, "out of range"));
    tb_model_free(m);
}

/* Reductions of propagated 1-D integers are propagated: ReduceProd of
 * [2,3,4] is 24, ReduceMin with keepdims a one-element tensor, and that
 * value drives a ReduceSum's axes. */
static void reduce_data_propagation(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(13);
    int64_t x[] = {-1, 3, 4};
    tb_input(m->graph, "X", FLOAT, 3, x);
    tb_int64s(m->graph, "c", 3, (int64_t[]){2, 3, 1});
    tb_attr_int(tb_node(m->graph, "ReduceProd", "prod", "c", NULL, "P"), "keepdims", 0);
    tb_node(m->graph, "ReduceMin", "min", "c", NULL, "axes");
    tb_node(m->graph, "ReduceSum", "sum", "X", "axes", "Y");
    char buf[256];
    assert_string_equal(data_text(m, "P", buf, sizeof buf), "rank 0: 6");
    assert_string_equal(data_text(m, "axes", buf, sizeof buf), "rank 1: 1");
    tb_result r = tb_infer(m, (const char *[]){"P", "axes", "Y", NULL});
    assert_string_equal(r.types[0], "int64[]");
    assert_string_equal(r.types[1], "int64[1]");
    assert_string_equal(r.types[2], "float[N,1,4]");
    assert_int_equal(r.errors, 0);
    tb_model_free(m);
}

/* Opset 18 moved axes to an input for every Reduce*. */
static void reduce_opset18_axes_input(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(18);
    int64_t x[] = {-1, 3, 4};
    tb_input(m->graph, "X", FLOAT, 3, x);
    tb_int64s(m->graph, "axes", 1, (int64_t[]){-1});
    tb_attr_int(tb_node(m->graph, "ReduceMax", "max", "X", "axes", "A"), "keepdims", 0);
    tb_attr_int(tb_node(m->graph, "ReduceMean", "noop", "X", NULL, "B"), "noop_with_empty_axes", 1);
    tb_node(m->graph, "ReduceLogSum", "all", "X", NULL, "C");
    tb_result r = tb_infer(m, (const char *[]){"A", "B", "C", NULL});
    assert_string_equal(r.types[0], "float[N,3]");
    assert_string_equal(r.types[1], "float[N,3,4]");
    assert_string_equal(r.types[2], "float[1,1,1]");
    assert_int_equal(r.errors, 0);
    tb_model_free(m);
}

/* Reductions of a symbolic Shape stay symbolic: ReduceProd is the element
 * count. */
static void reduce_symbolic_data(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(13);
    int64_t x[] = {-1, 3, 4};
    tb_input(m->graph, "X", FLOAT, 3, x);
    tb_node(m->graph, "Shape", "shape", "X", NULL, "S");
    tb_attr_int(tb_node(m->graph, "ReduceProd", "prod", "S", NULL, "P"), "keepdims", 0);
    tb_node(m->graph, "ReduceSum", "sum", "S", NULL, "Q");
    tb_node(m->graph, "ReduceMax", "max", "S", NULL, "M");
    char buf[256];
    assert_string_equal(data_text(m, "P", buf, sizeof buf), "rank 0: 12*N");
    assert_string_equal(data_text(m, "Q", buf, sizeof buf), "rank 1: N+7");
    assert_string_equal(data_text(m, "M", buf, sizeof buf), "none");
    tb_model_free(m);
}

/* ArgMax/ArgMin: int64 output, axis and keepdims, range check. */
static void argmax_argmin(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(13);
    int64_t x[] = {-1, 3, 4};
    tb_input(m->graph, "X", FLOAT, 3, x);
    Onnx__NodeProto *n = tb_node(m->graph, "ArgMax", "amax", "X", NULL, "A");
    tb_attr_int(n, "axis", 1);
    tb_attr_int(n, "keepdims", 0);
    n = tb_node(m->graph, "ArgMin", "amin", "X", NULL, "B");
    tb_attr_int(n, "axis", -1);
    tb_attr_int(n, "select_last_index", 1);
    tb_node(m->graph, "ArgMax", "default", "X", NULL, "C");
    tb_result r = tb_infer(m, (const char *[]){"A", "B", "C", NULL});
    assert_string_equal(r.types[0], "int64[N,4]");
    assert_string_equal(r.types[1], "int64[N,3,1]");
    assert_string_equal(r.types[2], "int64[1,3,4]");
    assert_int_equal(r.errors, 0);
    tb_model_free(m);

    m = tb_model(13);
    tb_input(m->graph, "X", FLOAT, 3, x);
    tb_attr_int(tb_node(m->graph, "ArgMin", "bad", "X", NULL, "Y"), "axis", -4);
    r = tb_infer(m, (const char *[]){"Y", NULL});
    assert_int_equal(r.errors, 1);
    assert_non_null(strstr(r.first_error, "shape-error"));
    tb_model_free(m);
}

/* ---- logical ---- */

/* Comparisons broadcast symbolically to bool. */
static void compare_broadcast_symbolic(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(13);
    int64_t a[] = {-1, 1}, b[] = {4};
    tb_input(m->graph, "A", FLOAT, 2, a);
    tb_input(m->graph, "B", FLOAT, 1, b);
    tb_node(m->graph, "Equal", "eq", "A", "B", "E");
    tb_node(m->graph, "LessOrEqual", "le", "A", "B", "L");
    tb_node(m->graph, "Not", "not", "E", NULL, "N");
    tb_node(m->graph, "IsNaN", "nan", "A", NULL, "I");
    tb_node(m->graph, "Xor", "xor", "E", "L", "X");
    tb_result r = tb_infer(m, (const char *[]){"E", "L", "N", "I", "X", NULL});
    assert_string_equal(r.types[0], "bool[N,4]");
    assert_string_equal(r.types[1], "bool[N,4]");
    assert_string_equal(r.types[2], "bool[N,4]");
    assert_string_equal(r.types[3], "bool[N,1]");
    assert_string_equal(r.types[4], "bool[N,4]");
    assert_int_equal(r.errors, 0);
    tb_model_free(m);
}

/* Dims 3 and 4 do not broadcast. */
static void compare_broadcast_error(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(13);
    int64_t a[] = {-1, 3}, b[] = {4};
    tb_input(m->graph, "A", INT64, 2, a);
    tb_input(m->graph, "B", INT64, 1, b);
    tb_node(m->graph, "Greater", "gt", "A", "B", "Y");
    tb_result r = tb_infer(m, (const char *[]){"Y", NULL});
    assert_int_equal(r.errors, 1);
    assert_non_null(strstr(r.first_error, "shape-error"));
    tb_model_free(m);
}

/* Opset 1's broadcast/axis: B matches A's dims from axis; output A's shape. */
static void compare_legacy_broadcast(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(6);
    int64_t a[] = {-1, 3, 4}, b[] = {3}, bad[] = {5};
    tb_input(m->graph, "A", FLOAT, 3, a);
    tb_input(m->graph, "B", FLOAT, 1, b);
    tb_input(m->graph, "Bad", FLOAT, 1, bad);
    Onnx__NodeProto *n = tb_node(m->graph, "Less", "lt", "A", "B", "Y");
    tb_attr_int(n, "broadcast", 1);
    tb_attr_int(n, "axis", 1);
    n = tb_node(m->graph, "Greater", "gt", "A", "Bad", "Z");
    tb_attr_int(n, "broadcast", 1);
    tb_attr_int(n, "axis", 1);
    tb_result r = tb_infer(m, (const char *[]){"Y", "Z", NULL});
    assert_string_equal(r.types[0], "bool[N,3,4]");
    assert_string_equal(r.types[1], "bool[N,3,4]");
    assert_int_equal(r.errors, 1);
    assert_non_null(strstr(r.first_error, "shape-error"));
    tb_model_free(m);
}

/* Comparisons of propagated integers give bool data (broadcast), Not
 * negates it; a comparison that needs run-time values gives none. */
static void compare_data_propagation(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(13);
    int64_t one[] = {1};
    tb_input(m->graph, "R", INT64, 1, one);
    tb_int64s(m->graph, "shape", 3, (int64_t[]){2, 0, 3});
    tb_int64s(m->graph, "zero", 1, (int64_t[]){0});
    tb_int64s(m->graph, "two", 1, (int64_t[]){2});
    tb_node(m->graph, "Equal", "eq", "shape", "zero", "E");
    tb_node(m->graph, "Not", "not", "E", NULL, "N");
    tb_node(m->graph, "Less", "lt", "shape", "two", "L");
    tb_node(m->graph, "GreaterOrEqual", "ge", "shape", "two", "G");
    tb_node(m->graph, "And", "and", "N", "G", "A");
    tb_node(m->graph, "Equal", "rt", "shape", "R", "U");
    char buf[256];
    assert_string_equal(data_text(m, "E", buf, sizeof buf), "rank 1: 0,1,0");
    assert_string_equal(data_text(m, "N", buf, sizeof buf), "rank 1: 1,0,1");
    assert_string_equal(data_text(m, "L", buf, sizeof buf), "rank 1: 0,1,0");
    assert_string_equal(data_text(m, "G", buf, sizeof buf), "rank 1: 1,0,1");
    assert_string_equal(data_text(m, "A", buf, sizeof buf), "rank 1: 1,0,1");
    assert_string_equal(data_text(m, "U", buf, sizeof buf), "none");
    tb_result r = tb_infer(m, (const char *[]){"E", "U", NULL});
    assert_string_equal(r.types[0], "bool[3]");
    assert_string_equal(r.types[1], "bool[3]");
    assert_int_equal(r.errors, 0);
    tb_model_free(m);
}

/* Comparisons of a symbolic Shape: identical symbols decide Equal and
 * GreaterOrEqual, a symbol against 0 decides nothing; the decided data
 * drives a Where -> Reshape chain. */
static void compare_symbolic_data(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(13);
    int64_t x[] = {-1, 3, 4};
    tb_input(m->graph, "X", FLOAT, 3, x);
    tb_int64s(m->graph, "zero", 1, (int64_t[]){0});
    tb_int64s(m->graph, "target", 3, (int64_t[]){0, 4, 3});
    tb_node(m->graph, "Shape", "shape", "X", NULL, "S");
    tb_node(m->graph, "Equal", "same", "S", "S", "E");
    tb_node(m->graph, "GreaterOrEqual", "ge", "S", "S", "G");
    tb_node(m->graph, "Equal", "zero", "S", "zero", "Z");
    tb_node(m->graph, "Equal", "keep", "target", "zero", "K");
    tb_node_n(m->graph, "Where", "where", (const char *[]){"K", "S", "target", NULL}, (const char *[]){"T", NULL});
    tb_node(m->graph, "Reshape", "reshape", "X", "T", "Y");
    char buf[256];
    assert_string_equal(data_text(m, "E", buf, sizeof buf), "rank 1: 1,1,1");
    assert_string_equal(data_text(m, "G", buf, sizeof buf), "rank 1: 1,1,1");
    assert_string_equal(data_text(m, "Z", buf, sizeof buf), "none");
    assert_string_equal(data_text(m, "K", buf, sizeof buf), "rank 1: 1,0,0");
    tb_result r = tb_infer(m, (const char *[]){"Z", "Y", NULL});
    assert_string_equal(r.types[0], "bool[3]");
    assert_string_equal(r.types[1], "float[N,4,3]");
    assert_int_equal(r.errors, 0);
    tb_model_free(m);
}

/* The opset-18 bitwise operators keep their element type. */
static void bitwise_opset18(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(18);
    int64_t a[] = {-1, 3}, b[] = {3};
    tb_input(m->graph, "A", INT32, 2, a);
    tb_input(m->graph, "B", INT32, 1, b);
    tb_node(m->graph, "BitwiseAnd", "and", "A", "B", "Y");
    tb_node(m->graph, "BitwiseXor", "xor", "B", "A", "X");
    tb_node(m->graph, "BitwiseNot", "not", "A", NULL, "N");
    tb_result r = tb_infer(m, (const char *[]){"Y", "X", "N", NULL});
    assert_string_equal(r.types[0], "int32[N,3]");
    assert_string_equal(r.types[1], "int32[N,3]");
    assert_string_equal(r.types[2], "int32[N,3]");
    assert_int_equal(r.errors, 0);
    tb_model_free(m);
}

/* BitShift keeps its element type and broadcasts. */
static void bitshift_broadcast(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(11);
    int64_t a[] = {-1, 3}, b[] = {3};
    tb_input(m->graph, "A", UINT8, 2, a);
    tb_input(m->graph, "B", UINT8, 1, b);
    tb_attr_string(tb_node(m->graph, "BitShift", "shl", "A", "B", "Y"), "direction", "LEFT");
    tb_result r = tb_infer(m, (const char *[]){"Y", NULL});
    assert_string_equal(r.types[0], "uint8[N,3]");
    assert_int_equal(r.errors, 0);
    tb_model_free(m);
}

/* ---- rnn ---- */

/* LSTM with a symbolic batch: Y (seq, dirs, batch, hidden), Y_h/Y_c. */
static void lstm_symbolic(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(14);
    int64_t x[] = {5, -1, 8}, w[] = {2, 16, 8}, rr[] = {2, 16, 4}, h[] = {2, -1, 4};
    tb_input(m->graph, "X", FLOAT, 3, x);
    tb_input(m->graph, "W", FLOAT, 3, w);
    tb_input(m->graph, "R", FLOAT, 3, rr);
    tb_input(m->graph, "H0", FLOAT, 3, h);
    Onnx__NodeProto *n =
        tb_node_n(m->graph, "LSTM", "lstm", (const char *[]){"X", "W", "R", "", "", "H0", NULL},
                  (const char *[]){"Y", "Y_h", "Y_c", NULL});
    tb_attr_int(n, "hidden_size", 4);
    tb_attr_string(n, "direction", "bidirectional");
    tb_result r = tb_infer(m, (const char *[]){"Y", "Y_h", "Y_c", NULL});
    assert_string_equal(r.types[0], "float[5,2,N,4]");
    assert_string_equal(r.types[1], "float[2,N,4]");
    assert_string_equal(r.types[2], "float[2,N,4]");
    assert_int_equal(r.errors, 0);
    tb_model_free(m);
}

/* GRU with layout=1 and no hidden_size: the hidden size comes from R. */
static void gru_batch_first(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(14);
    int64_t x[] = {-1, 5, 8}, w[] = {1, 12, 8}, rr[] = {1, 12, 4};
    tb_input(m->graph, "X", FLOAT, 3, x);
    tb_input(m->graph, "W", FLOAT, 3, w);
    tb_input(m->graph, "R", FLOAT, 3, rr);
    Onnx__NodeProto *n = tb_node_n(m->graph, "GRU", "gru", (const char *[]){"X", "W", "R", NULL},
                                   (const char *[]){"Y", "Y_h", NULL});
    tb_attr_int(n, "layout", 1);
    tb_result r = tb_infer(m, (const char *[]){"Y", "Y_h", NULL});
    assert_string_equal(r.types[0], "float[N,5,1,4]");
    assert_string_equal(r.types[1], "float[N,1,4]");
    assert_int_equal(r.errors, 0);
    tb_model_free(m);
}

/* RNN whose W disagrees with hidden_size, and whose W has the wrong
 * input size: shape-errors. */
static void rnn_weight_mismatch(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(7);
    int64_t x[] = {5, -1, 8}, w[] = {1, 5, 7}, rr[] = {1, 4, 4};
    tb_input(m->graph, "X", FLOAT, 3, x);
    tb_input(m->graph, "W", FLOAT, 3, w);
    tb_input(m->graph, "R", FLOAT, 3, rr);
    Onnx__NodeProto *n = tb_node_n(m->graph, "RNN", "rnn", (const char *[]){"X", "W", "R", NULL},
                                   (const char *[]){"Y", "Y_h", NULL});
    tb_attr_int(n, "hidden_size", 4);
    tb_result r = tb_infer(m, (const char *[]){"Y", "Y_h", NULL});
    assert_string_equal(r.types[0], "float[5,1,N,4]");
    assert_string_equal(r.types[1], "float[1,N,4]");
    assert_int_equal(r.errors, 2);
    assert_non_null(strstr(r.all_errors, "gates*hidden_size"));
    assert_non_null(strstr(r.all_errors, "input_size"));
    tb_model_free(m);
}

/* ---- quantization ---- */

/* QuantizeLinear: the zero point's type (uint8 without one), x's shape;
 * a per-axis scale matches x's dim at axis. DequantizeLinear: float. */
static void quantize_symbolic(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(13);
    int64_t x[] = {-1, 3, 4}, c[] = {3};
    tb_input(m->graph, "X", FLOAT, 3, x);
    tb_input(m->graph, "S", FLOAT, 0, NULL);
    tb_input(m->graph, "Z", INT8, 0, NULL);
    tb_input(m->graph, "SA", FLOAT, 1, c);
    tb_input(m->graph, "ZA", INT8, 1, c);
    tb_node_n(m->graph, "QuantizeLinear", "q", (const char *[]){"X", "S", "Z", NULL}, (const char *[]){"Q", NULL});
    tb_node(m->graph, "QuantizeLinear", "q8", "X", "S", "U");
    tb_node_n(m->graph, "QuantizeLinear", "qa", (const char *[]){"X", "SA", "ZA", NULL},
              (const char *[]){"QA", NULL});
    tb_node_n(m->graph, "DequantizeLinear", "dq", (const char *[]){"QA", "SA", "ZA", NULL},
              (const char *[]){"D", NULL});
    tb_result r = tb_infer(m, (const char *[]){"Q", "U", "QA", "D", NULL});
    assert_string_equal(r.types[0], "int8[N,3,4]");
    assert_string_equal(r.types[1], "uint8[N,3,4]");
    assert_string_equal(r.types[2], "int8[N,3,4]");
    assert_string_equal(r.types[3], "float[N,3,4]");
    assert_int_equal(r.errors, 0);
    tb_model_free(m);
}

/* A per-axis scale of 5 for a dim of 3 is a shape-error. */
static void quantize_axis_mismatch(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(13);
    int64_t x[] = {-1, 3, 4}, c[] = {5};
    tb_input(m->graph, "X", FLOAT, 3, x);
    tb_input(m->graph, "SA", FLOAT, 1, c);
    tb_node(m->graph, "QuantizeLinear", "qa", "X", "SA", "Y");
    tb_result r = tb_infer(m, (const char *[]){"Y", NULL});
    assert_string_equal(r.types[0], "uint8[N,3,4]");
    assert_int_equal(r.errors, 1);
    assert_non_null(strstr(r.first_error, "shape-error"));
    tb_model_free(m);
}

/* DynamicQuantizeLinear: uint8 y, scalar float scale and uint8 zero point. */
static void dynamic_quantize(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(11);
    int64_t x[] = {-1, 4};
    tb_input(m->graph, "X", FLOAT, 2, x);
    tb_node_n(m->graph, "DynamicQuantizeLinear", "dq", (const char *[]){"X", NULL},
              (const char *[]){"Y", "S", "Z", NULL});
    tb_result r = tb_infer(m, (const char *[]){"Y", "S", "Z", NULL});
    assert_string_equal(r.types[0], "uint8[N,4]");
    assert_string_equal(r.types[1], "float[]");
    assert_string_equal(r.types[2], "uint8[]");
    assert_int_equal(r.errors, 0);
    tb_model_free(m);
}

/* MatMulInteger and QLinearMatMul: numpy matmul shapes, batch dims
 * broadcast, 1-D operands promoted; inner dims 3 vs 4 are a shape-error. */
static void integer_matmul(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(10);
    int64_t a[] = {-1, 2, 3}, b[] = {3, 5}, v[] = {3}, bad[] = {4, 5};
    tb_input(m->graph, "A", UINT8, 3, a);
    tb_input(m->graph, "B", UINT8, 2, b);
    tb_input(m->graph, "V", UINT8, 1, v);
    tb_input(m->graph, "Bad", UINT8, 2, bad);
    tb_input(m->graph, "S", FLOAT, 0, NULL);
    tb_input(m->graph, "Z", UINT8, 0, NULL);
    tb_input(m->graph, "ZY", INT8, 0, NULL);
    tb_node(m->graph, "MatMulInteger", "mm", "A", "B", "Y");
    tb_node(m->graph, "MatMulInteger", "mv", "A", "V", "YV");
    tb_node_n(m->graph, "QLinearMatMul", "qmm", (const char *[]){"A", "S", "Z", "B", "S", "Z", "S", "ZY", NULL},
              (const char *[]){"Q", NULL});
    tb_result r = tb_infer(m, (const char *[]){"Y", "YV", "Q", NULL});
    assert_string_equal(r.types[0], "int32[N,2,5]");
    assert_string_equal(r.types[1], "int32[N,2]");
    assert_string_equal(r.types[2], "int8[N,2,5]");
    assert_int_equal(r.errors, 0);
    tb_model_free(m);

    m = tb_model(10);
    tb_input(m->graph, "A", UINT8, 3, a);
    tb_input(m->graph, "Bad", UINT8, 2, bad);
    tb_node(m->graph, "MatMulInteger", "mm", "A", "Bad", "Y");
    r = tb_infer(m, (const char *[]){"Y", NULL});
    assert_string_equal(r.types[0], "int32[N,2,5]");
    assert_int_equal(r.errors, 1);
    assert_non_null(strstr(r.first_error, "shape-error"));
    tb_model_free(m);
}

/* Blocked quantization (opset 21): the scale is ceil(D/block_size) at
 * axis, x's dims elsewhere. */
static void quantize_blocked(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(21);
    int64_t x[] = {-1, 8}, good[] = {-1, 2}, bad[] = {-1, 3};
    tb_input(m->graph, "X", FLOAT, 2, x);
    tb_input(m->graph, "S", FLOAT, 2, good);
    tb_input(m->graph, "Bad", FLOAT, 2, bad);
    Onnx__NodeProto *n = tb_node(m->graph, "QuantizeLinear", "q", "X", "S", "Y");
    tb_attr_int(n, "block_size", 4);
    tb_attr_int(n, "output_dtype", INT8);
    n = tb_node(m->graph, "QuantizeLinear", "bad", "X", "Bad", "Z");
    tb_attr_int(n, "block_size", 4);
    tb_result r = tb_infer(m, (const char *[]){"Y", "Z", NULL});
    assert_string_equal(r.types[0], "int8[N,8]");
    assert_string_equal(r.types[1], "uint8[N,8]");
    assert_int_equal(r.errors, 1);
    assert_non_null(strstr(r.first_error, "shape-error"));
    tb_model_free(m);
}

/* ConvInteger and QLinearConv: Conv's shapes with int32 / y_zero_point's
 * type; a bias with the wrong number of feature maps is a shape-error. */
static void integer_conv(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(10);
    int64_t x[] = {-1, 1, 5, 5}, w[] = {2, 1, 3, 3}, b[] = {2}, bad[] = {3};
    tb_input(m->graph, "X", UINT8, 4, x);
    tb_input(m->graph, "W", UINT8, 4, w);
    tb_input(m->graph, "S", FLOAT, 0, NULL);
    tb_input(m->graph, "Z", UINT8, 0, NULL);
    tb_input(m->graph, "B", INT32, 1, b);
    tb_input(m->graph, "Bad", INT32, 1, bad);
    tb_attr_ints(tb_node(m->graph, "ConvInteger", "ci", "X", "W", "Y"), "pads", 4, (int64_t[]){1, 1, 1, 1});
    tb_node_n(m->graph, "QLinearConv", "qc", (const char *[]){"X", "S", "Z", "W", "S", "Z", "S", "Z", "B", NULL},
              (const char *[]){"Q", NULL});
    tb_node_n(m->graph, "QLinearConv", "bad", (const char *[]){"X", "S", "Z", "W", "S", "Z", "S", "Z", "Bad", NULL},
              (const char *[]){"R", NULL});
    tb_result r = tb_infer(m, (const char *[]){"Y", "Q", "R", NULL});
    assert_string_equal(r.types[0], "int32[N,2,5,5]");
    assert_string_equal(r.types[1], "uint8[N,2,3,3]");
    assert_string_equal(r.types[2], "uint8[N,2,3,3]");
    assert_int_equal(r.errors, 1);
    assert_non_null(strstr(r.first_error, "shape-error"));
    tb_model_free(m);
}

/* ---- kernels ---- */





/* Elements as doubles (any numeric type), within float precision
 * (relative 1e-6), infinities exact. */
static void expect_values(const ol_array *a, const double *want, size_t n)
{
    assert_int_equal(a->count, n);
    for (size_t i = 0; i < n; i++) {
        double got = ol_array_get_f64(a, i);
        bool same = isinf(want[i]) ? got == want[i] : fabs(got - want[i]) <= 1e-6 * (1 + fabs(want[i]));
        if (!same)
            print_error("element %zu: %g, expected %g\n", i, got, want[i]);
        assert_true(same);
    }
}


static void float_init(Onnx__GraphProto *g, const char *name, size_t rank, const int64_t *dims, const float *v,
                       size_t n)
{
    tb_initializer(g, name, FLOAT, rank, dims, v, n * sizeof *v);
}

/* ReduceSum with an axes input and keepdims=0, ReduceMean of everything,
 * ReduceMax over an empty axis (-inf), ReduceLogSumExp of large values,
 * noop_with_empty_axes, ReduceProd of int32. */
static void kernel_reductions(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(18);
    int64_t xd[] = {2, 3}, ed[] = {2, 0}, id[] = {3};
    float x[] = {1, 2, 3, 4, 5, 6};
    float_init(m->graph, "X", 2, xd, x, 6);
    float_init(m->graph, "E", 2, ed, NULL, 0);
    float_init(m->graph, "L", 1, (int64_t[]){2}, (float[]){1000, 1000}, 2);
    tb_initializer(m->graph, "I", INT32, 1, id, (int32_t[]){-2, 3, 4}, 3 * sizeof(int32_t));
    tb_int64s(m->graph, "ax1", 1, (int64_t[]){-1});
    tb_int64s(m->graph, "none", 0, NULL);
    tb_attr_int(tb_node(m->graph, "ReduceSum", "sum", "X", "ax1", "S"), "keepdims", 0);
    tb_node(m->graph, "ReduceMean", "mean", "X", NULL, "M");
    tb_node(m->graph, "ReduceMax", "max", "E", "ax1", "E1");
    tb_node(m->graph, "ReduceLogSumExp", "lse", "L", NULL, "LSE");
    tb_attr_int(tb_node(m->graph, "ReduceMin", "noop", "X", "none", "N"), "noop_with_empty_axes", 1);
    tb_node(m->graph, "ReduceProd", "prod", "I", NULL, "P");
    tb_output(m->graph, "S", FLOAT, 1, (int64_t[]){2});
    tb_output(m->graph, "M", FLOAT, 2, (int64_t[]){1, 1});
    tb_output(m->graph, "E1", FLOAT, 2, (int64_t[]){2, 1});
    tb_output(m->graph, "LSE", FLOAT, 1, (int64_t[]){1});
    tb_output(m->graph, "N", FLOAT, 2, xd);
    tb_output(m->graph, "P", INT32, 1, (int64_t[]){1});
    krun r;
    krun_start(&r, m);
    expect_values(kout(&r, 0, FLOAT, 1, (int64_t[]){2}), (double[]){6, 15}, 2);
    expect_values(kout(&r, 1, FLOAT, 2, (int64_t[]){1, 1}), (double[]){3.5}, 1);
    expect_values(kout(&r, 2, FLOAT, 2, (int64_t[]){2, 1}), (double[]){-INFINITY, -INFINITY}, 2);
    expect_values(kout(&r, 3, FLOAT, 1, (int64_t[]){1}), (double[]){1000 + log(2.0)}, 1);
    expect_values(kout(&r, 4, FLOAT, 2, xd), (double[]){1, 2, 3, 4, 5, 6}, 6);
    expect_values(kout(&r, 5, INT32, 1, (int64_t[]){1}), (double[]){-24}, 1);
    krun_end(&r);
}

/* ArgMax / ArgMin on ties, with and without select_last_index. */
static void kernel_argmax(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(13);
    int64_t xd[] = {2, 3};
    float_init(m->graph, "X", 2, xd, (float[]){1, 3, 3, 2, 2, 0}, 6);
    tb_attr_int(tb_node(m->graph, "ArgMax", "first", "X", NULL, "A"), "axis", 1);
    Onnx__NodeProto *n = tb_node(m->graph, "ArgMax", "last", "X", NULL, "B");
    tb_attr_int(n, "axis", -1);
    tb_attr_int(n, "select_last_index", 1);
    tb_attr_int(n, "keepdims", 0);
    tb_node(m->graph, "ArgMin", "min", "X", NULL, "C");
    tb_output(m->graph, "A", INT64, 2, (int64_t[]){2, 1});
    tb_output(m->graph, "B", INT64, 1, (int64_t[]){2});
    tb_output(m->graph, "C", INT64, 2, (int64_t[]){1, 3});
    krun r;
    krun_start(&r, m);
    expect_values(kout(&r, 0, INT64, 2, (int64_t[]){2, 1}), (double[]){1, 0}, 2);
    expect_values(kout(&r, 1, INT64, 1, (int64_t[]){2}), (double[]){2, 1}, 2);
    expect_values(kout(&r, 2, INT64, 2, (int64_t[]){1, 3}), (double[]){0, 1, 1}, 3);
    krun_end(&r);
}

/* A reduction axis beyond the data's rank fails naming the shape. */
static void kernel_reduce_bad_axis(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(18);
    float_init(m->graph, "X", 2, (int64_t[]){2, 3}, (float[]){1, 2, 3, 4, 5, 6}, 6);
    tb_int64s(m->graph, "ax", 1, (int64_t[]){2});
    tb_node(m->graph, "ReduceSum", "sum", "X", "ax", "S");
    tb_output(m->graph, "S", FLOAT, 2, (int64_t[]){2, 3});
    expect_run_error(m, "axis 2 is out of range for data (2,3)");
}

/* Comparisons broadcast to bool, NaN compares unequal; Xor of an empty
 * tensor is empty; Equal-1's legacy broadcast aligns B at `axis`. */
static void kernel_compare(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(13);
    float_init(m->graph, "A", 2, (int64_t[]){2, 2}, (float[]){1, NAN, 3, 0}, 4);
    float_init(m->graph, "B", 1, (int64_t[]){2}, (float[]){1, 2}, 2);
    tb_initializer(m->graph, "E", BOOL, 2, (int64_t[]){0, 2}, NULL, 0);
    tb_initializer(m->graph, "T", BOOL, 1, (int64_t[]){2}, (uint8_t[]){1, 0}, 2);
    tb_node(m->graph, "Greater", "gt", "A", "B", "G");
    tb_node(m->graph, "Equal", "eq", "A", "B", "Q");
    tb_node(m->graph, "Xor", "xor", "E", "T", "X");
    tb_output(m->graph, "G", BOOL, 2, (int64_t[]){2, 2});
    tb_output(m->graph, "Q", BOOL, 2, (int64_t[]){2, 2});
    tb_output(m->graph, "X", BOOL, 2, (int64_t[]){0, 2});
    krun r;
    krun_start(&r, m);
    expect_values(kout(&r, 0, BOOL, 2, (int64_t[]){2, 2}), (double[]){0, 0, 1, 0}, 4);
    expect_values(kout(&r, 1, BOOL, 2, (int64_t[]){2, 2}), (double[]){1, 0, 0, 0}, 4);
    kout(&r, 2, BOOL, 2, (int64_t[]){0, 2});
    krun_end(&r);

    m = tb_model(1);
    tb_initializer(m->graph, "A", INT32, 2, (int64_t[]){2, 3}, (int32_t[]){1, 2, 3, 4, 5, 6}, 6 * sizeof(int32_t));
    tb_initializer(m->graph, "B", INT32, 1, (int64_t[]){2}, (int32_t[]){1, 5}, 2 * sizeof(int32_t));
    Onnx__NodeProto *n = tb_node(m->graph, "Equal", "eq", "A", "B", "Q");
    tb_attr_int(n, "broadcast", 1);
    tb_attr_int(n, "axis", 0);
    tb_output(m->graph, "Q", BOOL, 2, (int64_t[]){2, 3});
    krun_start(&r, m);
    expect_values(kout(&r, 0, BOOL, 2, (int64_t[]){2, 3}), (double[]){1, 0, 0, 0, 1, 0}, 6);
    krun_end(&r);
}

/* Shapes that do not broadcast fail naming both. */
static void kernel_compare_error(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(13);
    float_init(m->graph, "A", 2, (int64_t[]){2, 3}, (float[]){1, 2, 3, 4, 5, 6}, 6);
    float_init(m->graph, "B", 1, (int64_t[]){2}, (float[]){1, 2}, 2);
    tb_node(m->graph, "Less", "lt", "A", "B", "L");
    tb_output(m->graph, "L", BOOL, 2, (int64_t[]){2, 3});
    expect_run_error(m, "cannot broadcast (2,3) with (2)");
}

/* QuantizeLinear rounds half to even and saturates; DequantizeLinear per
 * axis; a per-axis scale of the wrong length fails. */
static void kernel_quantize(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(13);
    float_init(m->graph, "X", 1, (int64_t[]){6}, (float[]){1, 3, 5, -3, 1000, -1000}, 6);
    float_init(m->graph, "S", 0, NULL, (float[]){2}, 1);
    tb_initializer(m->graph, "Z", INT8, 0, NULL, (int8_t[]){1}, 1);
    tb_initializer(m->graph, "Q", UINT8, 2, (int64_t[]){2, 2}, (uint8_t[]){10, 20, 30, 40}, 4);
    float_init(m->graph, "AS", 1, (int64_t[]){2}, (float[]){0.5f, 2}, 2);
    tb_initializer(m->graph, "AZ", UINT8, 1, (int64_t[]){2}, (uint8_t[]){10, 0}, 2);
    tb_node_n(m->graph, "QuantizeLinear", "q", (const char *[]){"X", "S", "Z", NULL}, (const char *[]){"Y", NULL});
    Onnx__NodeProto *d =
        tb_node_n(m->graph, "DequantizeLinear", "dq", (const char *[]){"Q", "AS", "AZ", NULL}, (const char *[]){"D", NULL});
    tb_attr_int(d, "axis", 0);
    tb_output(m->graph, "Y", INT8, 1, (int64_t[]){6});
    tb_output(m->graph, "D", FLOAT, 2, (int64_t[]){2, 2});
    krun r;
    krun_start(&r, m);
    expect_values(kout(&r, 0, INT8, 1, (int64_t[]){6}), (double[]){1, 3, 3, -1, 127, -128}, 6);
    expect_values(kout(&r, 1, FLOAT, 2, (int64_t[]){2, 2}), (double[]){0, 5, 60, 80}, 4);
    krun_end(&r);

    m = tb_model(13);
    float_init(m->graph, "X", 2, (int64_t[]){2, 3}, (float[]){1, 2, 3, 4, 5, 6}, 6);
    float_init(m->graph, "S", 1, (int64_t[]){2}, (float[]){1, 2}, 2);
    tb_node(m->graph, "QuantizeLinear", "q", "X", "S", "Y");
    tb_output(m->graph, "Y", UINT8, 2, (int64_t[]){2, 3});
    expect_run_error(m, "per-axis scale (2) vs x (2,3) at axis 1");
}

/* MatMulInteger with per-row zero points of A; ConvInteger with padding. */
static void kernel_integer_products(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(10);
    tb_initializer(m->graph, "A", UINT8, 2, (int64_t[]){2, 2}, (uint8_t[]){1, 2, 3, 4}, 4);
    tb_initializer(m->graph, "B", UINT8, 2, (int64_t[]){2, 1}, (uint8_t[]){5, 6}, 2);
    tb_initializer(m->graph, "AZ", UINT8, 1, (int64_t[]){2}, (uint8_t[]){1, 0}, 2);
    tb_initializer(m->graph, "X", UINT8, 4, (int64_t[]){1, 1, 2, 2}, (uint8_t[]){2, 3, 4, 5}, 4);
    tb_initializer(m->graph, "W", UINT8, 4, (int64_t[]){1, 1, 1, 1}, (uint8_t[]){2}, 1);
    tb_initializer(m->graph, "XZ", UINT8, 0, NULL, (uint8_t[]){1}, 1);
    tb_node_n(m->graph, "MatMulInteger", "mm", (const char *[]){"A", "B", "AZ", NULL}, (const char *[]){"Y", NULL});
    Onnx__NodeProto *c =
        tb_node_n(m->graph, "ConvInteger", "conv", (const char *[]){"X", "W", "XZ", NULL}, (const char *[]){"C", NULL});
    tb_attr_ints(c, "pads", 4, (int64_t[]){0, 1, 0, 0});
    tb_output(m->graph, "Y", INT32, 2, (int64_t[]){2, 1});
    tb_output(m->graph, "C", INT32, 4, (int64_t[]){1, 1, 2, 3});
    krun r;
    krun_start(&r, m);
    /* (1-1)*5 + (2-1)*6 = 6; 3*5 + 4*6 = 39 */
    expect_values(kout(&r, 0, INT32, 2, (int64_t[]){2, 1}), (double[]){6, 39}, 2);
    expect_values(kout(&r, 1, INT32, 4, (int64_t[]){1, 1, 2, 3}), (double[]){0, 2, 4, 0, 6, 8}, 6);
    krun_end(&r);
}

/* A one-unit RNN by hand: H1 = tanh(0.5 * 1 + 0.1), H2 = tanh(0.5 * 2 +
 * 2 * H1 + 0.1) (bias 0.1 = Wb 0.04 + Rb 0.06); reverse runs t = 1 then 0. */
static void kernel_rnn(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(14);
    float_init(m->graph, "X", 3, (int64_t[]){2, 1, 1}, (float[]){1, 2}, 2);
    float_init(m->graph, "W", 3, (int64_t[]){1, 1, 1}, (float[]){0.5f}, 1);
    float_init(m->graph, "R", 3, (int64_t[]){1, 1, 1}, (float[]){2}, 1);
    float_init(m->graph, "B", 2, (int64_t[]){1, 2}, (float[]){0.04f, 0.06f}, 2);
    tb_node_n(m->graph, "RNN", "fwd", (const char *[]){"X", "W", "R", "B", NULL}, (const char *[]){"Y", "H", NULL});
    Onnx__NodeProto *n =
        tb_node_n(m->graph, "RNN", "rev", (const char *[]){"X", "W", "R", "B", NULL}, (const char *[]){"", "G", NULL});
    tb_attr_string(n, "direction", "reverse");
    tb_output(m->graph, "Y", FLOAT, 4, (int64_t[]){2, 1, 1, 1});
    tb_output(m->graph, "H", FLOAT, 3, (int64_t[]){1, 1, 1});
    tb_output(m->graph, "G", FLOAT, 3, (int64_t[]){1, 1, 1});
    krun r;
    krun_start(&r, m);
    double h1 = tanh(0.5 + 0.1), h2 = tanh(1.0 + 2 * h1 + 0.1);
    double g1 = tanh(1.0 + 0.1), g2 = tanh(0.5 + 2 * g1 + 0.1);
    expect_values(kout(&r, 0, FLOAT, 4, (int64_t[]){2, 1, 1, 1}), (double[]){h1, h2}, 2);
    expect_values(kout(&r, 1, FLOAT, 3, (int64_t[]){1, 1, 1}), (double[]){h2}, 1);
    expect_values(kout(&r, 2, FLOAT, 3, (int64_t[]){1, 1, 1}), (double[]){g2}, 1);
    krun_end(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pipeline_smoke),
        cmocka_unit_test(reduce_attribute_axes_symbolic),
        cmocka_unit_test(reduce_sum_axes_input),
        cmocka_unit_test(reduce_axis_out_of_range),
        cmocka_unit_test(reduce_data_propagation),
        cmocka_unit_test(reduce_opset18_axes_input),
        cmocka_unit_test(reduce_symbolic_data),
        cmocka_unit_test(argmax_argmin),
        cmocka_unit_test(compare_broadcast_symbolic),
        cmocka_unit_test(compare_broadcast_error),
        cmocka_unit_test(compare_legacy_broadcast),
        cmocka_unit_test(compare_data_propagation),
        cmocka_unit_test(compare_symbolic_data),
        cmocka_unit_test(bitwise_opset18),
        cmocka_unit_test(bitshift_broadcast),
        cmocka_unit_test(lstm_symbolic),
        cmocka_unit_test(gru_batch_first),
        cmocka_unit_test(rnn_weight_mismatch),
        cmocka_unit_test(quantize_symbolic),
        cmocka_unit_test(quantize_axis_mismatch),
        cmocka_unit_test(dynamic_quantize),
        cmocka_unit_test(integer_matmul),
        cmocka_unit_test(quantize_blocked),
        cmocka_unit_test(integer_conv),
        cmocka_unit_test(kernel_reductions),
        cmocka_unit_test(kernel_argmax),
        cmocka_unit_test(kernel_reduce_bad_axis),
        cmocka_unit_test(kernel_compare),
        cmocka_unit_test(kernel_compare_error),
        cmocka_unit_test(kernel_quantize),
        cmocka_unit_test(kernel_integer_products),
        cmocka_unit_test(kernel_rnn),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
