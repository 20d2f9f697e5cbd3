/*
 * test_ops_nn.c - inference of the nn family on hand-built graphs,
 * including error and symbolic cases.  Symbolic inputs name their dims
 * (sym_input: -1 is the first name, -2 the second...), so that the exact
 * expressions of convolution and pooling sizes can be checked.  The kernels
 * (numeric evaluation) are checked at the end against hand-computed values,
 * on models whose inputs are initializers.
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

enum { FLOAT = 1, INT64 = 7, BOOL = 9, DOUBLE = 11 };

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

/* ---- helpers ---- */

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

/* A graph input of known element type and unknown rank. */
static void rankless_input(Onnx__GraphProto *g, const char *name, int elem)
{
    tb_input(g, name, elem, 0, NULL);
    Onnx__TypeProto__Tensor *t = g->input[g->n_input - 1]->type->tensor_type;
    onnx__tensor_shape_proto__free_unpacked(t->shape, NULL);
    t->shape = NULL;
}

static const char *const NCHW[] = {"N", "C", "H", "W"};

/* A node with the given inputs and outputs (NULL-terminated). */
#define NODE(g, op, ...) tb_node_n(g, op, op, __VA_ARGS__)
#define IN(...) ((const char *const[]){__VA_ARGS__, NULL})
#define OUT(...) ((const char *const[]){__VA_ARGS__, NULL})
#define INTS(n, ...) n, ((const int64_t[]){__VA_ARGS__})

/* ---- convolution ---- */

/* A stride-2 3x3 pad-1 convolution of H and W gives exact floor
 * expressions; the kernel comes from the weight, M from its dim 0. */
static void conv_symbolic(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(11);
    sym_input(m->graph, "X", FLOAT, 4, (int64_t[]){-1, 3, -3, -4}, NCHW);
    tb_input(m->graph, "W", FLOAT, 4, (int64_t[]){16, 3, 3, 3});
    tb_input(m->graph, "B", FLOAT, 1, (int64_t[]){16});
    Onnx__NodeProto *n = NODE(m->graph, "Conv", IN("X", "W", "B"), OUT("Y"));
    tb_attr_ints(n, "strides", INTS(2, 2, 2));
    tb_attr_ints(n, "pads", INTS(4, 1, 1, 1, 1));
    Onnx__NodeProto *same = tb_node_n(m->graph, "Conv", "same", IN("X", "W"), OUT("S"));
    tb_attr_ints(same, "strides", INTS(2, 2, 2));
    tb_attr_string(same, "auto_pad", "SAME_UPPER");
    Onnx__NodeProto *valid = tb_node_n(m->graph, "Conv", "valid", IN("X", "W"), OUT("V"));
    tb_attr_ints(valid, "dilations", INTS(2, 2, 2));
    tb_attr_string(valid, "auto_pad", "VALID");
    tb_result r = tb_infer(m, (const char *[]){"Y", "S", "V", NULL});
    assert_string_equal(r.types[0], "float[N,16,floor((H+1)/2),floor((W+1)/2)]");
    assert_string_equal(r.types[1], "float[N,16,floor((H+1)/2),floor((W+1)/2)]");
    assert_string_equal(r.types[2], "float[N,16,H-4,W-4]");
    assert_int_equal(r.errors, 0);
    tb_model_free(m);
}

/* Concrete sizes, groups (depthwise), a 1-D convolution, an input of
 * unknown rank whose output rank comes from the weight. */
static void conv_concrete_and_groups(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(11);
    tb_input(m->graph, "X", FLOAT, 4, (int64_t[]){1, 8, 7, 5});
    tb_input(m->graph, "W", FLOAT, 4, (int64_t[]){8, 1, 3, 3});
    tb_input(m->graph, "X1", FLOAT, 3, (int64_t[]){2, 4, 10});
    tb_input(m->graph, "W1", FLOAT, 3, (int64_t[]){6, 4, 4});
    rankless_input(m->graph, "XU", FLOAT);
    Onnx__NodeProto *n = NODE(m->graph, "Conv", IN("X", "W"), OUT("Y"));
    tb_attr_int(n, "group", 8);
    tb_attr_ints(n, "pads", INTS(4, 0, 1, 2, 1));
    tb_attr_ints(n, "strides", INTS(2, 1, 2));
    Onnx__NodeProto *c1 = tb_node_n(m->graph, "Conv", "c1", IN("X1", "W1"), OUT("Y1"));
    tb_attr_ints(c1, "strides", INTS(1, 3));
    tb_node_n(m->graph, "Conv", "cu", IN("XU", "W"), OUT("YU"));
    tb_result r = tb_infer(m, (const char *[]){"Y", "Y1", "YU", NULL});
    assert_string_equal(r.types[0], "float[1,8,7,3]");
    assert_string_equal(r.types[1], "float[2,6,3]");
    assert_string_equal(r.types[2], "float[?,8,?,?]");
    assert_int_equal(r.errors, 0);
    tb_model_free(m);
}

/* Channels that do not match the weight, a bias of the wrong length, a
 * kernel_shape that contradicts the weight: shape-errors naming shapes. */
static void conv_errors(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(11);
    sym_input(m->graph, "X", FLOAT, 4, (int64_t[]){-1, 3, -3, -4}, NCHW);
    tb_input(m->graph, "W", FLOAT, 4, (int64_t[]){16, 4, 3, 3});
    tb_node_n(m->graph, "Conv", "c", IN("X", "W"), OUT("Y"));
    tb_result r = tb_infer(m, (const char *[]){"Y", NULL});
    assert_int_equal(r.errors, 1);
    assert_non_null(strstr(r.first_error, "input 'X' float[N,3,H,W] has 3 channels, weight 'W' float[16,4,3,3] "
                                          "expects 4 (group 1)"));
    assert_string_equal(r.types[0], "float[N,16,H-2,W-2]");
    tb_model_free(m);

    m = tb_model(11);
    tb_input(m->graph, "X", FLOAT, 4, (int64_t[]){1, 4, 8, 8});
    tb_input(m->graph, "W", FLOAT, 4, (int64_t[]){16, 4, 3, 3});
    tb_input(m->graph, "B", FLOAT, 1, (int64_t[]){8});
    tb_attr_ints(NODE(m->graph, "Conv", IN("X", "W", "B"), OUT("Y")), "kernel_shape", INTS(2, 5, 5));
    r = tb_infer(m, (const char *[]){"Y", NULL});
    assert_int_equal(r.errors, 3);
    assert_non_null(strstr(r.all_errors, "kernel_shape[0] is 5 but weight 'W' float[16,4,3,3] has 3"));
    assert_non_null(strstr(r.all_errors, "bias 'B' float[8] has 8 elements, expected 16"));
    assert_string_equal(r.types[0], "float[1,16,?,?]");
    tb_model_free(m);

    /* A kernel larger than the padded input. */
    m = tb_model(11);
    tb_input(m->graph, "X", FLOAT, 3, (int64_t[]){1, 1, 2});
    tb_input(m->graph, "W", FLOAT, 3, (int64_t[]){1, 1, 5});
    tb_node_n(m->graph, "Conv", "c", IN("X", "W"), OUT("Y"));
    r = tb_infer(m, (const char *[]){"Y", NULL});
    assert_int_equal(r.errors, 1);
    assert_non_null(strstr(r.first_error, "larger than the padded input"));
    tb_model_free(m);
}

/* ConvTranspose: s * (in - 1) + k - pads + output_padding, symbolic;
 * SAME gives in * s; output_shape wins; channels are w[1] * group. */
static void conv_transpose(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(11);
    sym_input(m->graph, "X", FLOAT, 4, (int64_t[]){-1, 4, -3, -4}, NCHW);
    tb_input(m->graph, "W", FLOAT, 4, (int64_t[]){4, 3, 3, 3});
    Onnx__NodeProto *n = NODE(m->graph, "ConvTranspose", IN("X", "W"), OUT("Y"));
    tb_attr_ints(n, "strides", INTS(2, 2, 2));
    tb_attr_ints(n, "pads", INTS(4, 1, 1, 1, 1));
    tb_attr_ints(n, "output_padding", INTS(2, 1, 0));
    tb_attr_int(n, "group", 2);
    Onnx__NodeProto *same = tb_node_n(m->graph, "ConvTranspose", "same", IN("X", "W"), OUT("S"));
    tb_attr_ints(same, "strides", INTS(2, 2, 2));
    tb_attr_string(same, "auto_pad", "SAME_LOWER");
    Onnx__NodeProto *shaped = tb_node_n(m->graph, "ConvTranspose", "shaped", IN("X", "W"), OUT("O"));
    tb_attr_ints(shaped, "strides", INTS(2, 3, 2));
    tb_attr_ints(shaped, "output_shape", INTS(2, 10, 8));
    tb_result r = tb_infer(m, (const char *[]){"Y", "S", "O", NULL});
    assert_string_equal(r.types[0], "float[N,6,2*H,2*W-1]");
    assert_string_equal(r.types[1], "float[N,3,2*H,2*W]");
    assert_string_equal(r.types[2], "float[N,3,10,8]");
    assert_int_equal(r.errors, 0);
    tb_model_free(m);

    m = tb_model(11);
    tb_input(m->graph, "X", FLOAT, 4, (int64_t[]){1, 3, 5, 5});
    tb_input(m->graph, "W", FLOAT, 4, (int64_t[]){4, 2, 3, 3});
    NODE(m->graph, "ConvTranspose", IN("X", "W"), OUT("Y"));
    r = tb_infer(m, (const char *[]){"Y", NULL});
    assert_int_equal(r.errors, 1);
    assert_non_null(strstr(r.first_error, "input 'X' float[1,3,5,5] has 3 channels, weight 'W' float[4,2,3,3] "
                                          "expects 4"));
    assert_string_equal(r.types[0], "float[1,2,7,7]");
    tb_model_free(m);

    /* output_padding must stay below the stride (or dilation). */
    m = tb_model(11);
    tb_input(m->graph, "X", FLOAT, 3, (int64_t[]){1, 4, 5});
    tb_input(m->graph, "W", FLOAT, 3, (int64_t[]){4, 2, 3});
    Onnx__NodeProto *p = NODE(m->graph, "ConvTranspose", IN("X", "W"), OUT("Y"));
    tb_attr_ints(p, "strides", INTS(1, 2));
    tb_attr_ints(p, "output_padding", INTS(1, 2));
    r = tb_infer(m, (const char *[]){"Y", NULL});
    assert_int_equal(r.errors, 1);
    assert_non_null(strstr(r.first_error, "output_padding[0] is 2, must be less than stride or dilation (2)"));
    assert_string_equal(r.types[0], "float[1,2,?]");
    tb_model_free(m);
}

/* DeformConv (19): a convolution whose offset and mask must agree. */
static void deform_conv(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(19);
    sym_input(m->graph, "X", FLOAT, 4, (int64_t[]){-1, 4, -3, -4}, NCHW);
    tb_input(m->graph, "W", FLOAT, 4, (int64_t[]){8, 2, 3, 3});
    sym_input(m->graph, "O", FLOAT, 4, (int64_t[]){-1, 36, -3, -4}, (const char *[]){"N", "C", "H2", "W2"});
    Onnx__NodeProto *n = NODE(m->graph, "DeformConv", IN("X", "W", "O"), OUT("Y"));
    tb_attr_int(n, "group", 2);
    tb_attr_int(n, "offset_group", 2);
    tb_attr_ints(n, "pads", INTS(4, 1, 1, 1, 1));
    tb_result r = tb_infer(m, (const char *[]){"Y", NULL});
    assert_string_equal(r.types[0], "float[N,8,H,W]");
    assert_int_equal(r.errors, 0);
    tb_model_free(m);

    m = tb_model(19);
    tb_input(m->graph, "X", FLOAT, 4, (int64_t[]){1, 4, 6, 6});
    tb_input(m->graph, "W", FLOAT, 4, (int64_t[]){8, 4, 3, 3});
    tb_input(m->graph, "O", FLOAT, 4, (int64_t[]){1, 9, 4, 4});
    NODE(m->graph, "DeformConv", IN("X", "W", "O"), OUT("Y"));
    r = tb_infer(m, (const char *[]){"Y", NULL});
    assert_int_equal(r.errors, 1);
    assert_non_null(strstr(r.first_error, "offset 'O' float[1,9,4,4] has 9 channels, expected 18"));
    assert_string_equal(r.types[0], "float[1,8,4,4]");
    tb_model_free(m);
}

/* ---- pooling ---- */

/* MaxPool: symbolic floor/ceil sizes, int64 Indices of the same shape,
 * dilations (10+); opset 7 has no Indices, no dilations. */
static void max_pool(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(12);
    sym_input(m->graph, "X", FLOAT, 4, (int64_t[]){-1, 3, -3, -4}, NCHW);
    Onnx__NodeProto *n = NODE(m->graph, "MaxPool", IN("X"), OUT("Y", "I"));
    tb_attr_ints(n, "kernel_shape", INTS(2, 3, 3));
    tb_attr_ints(n, "strides", INTS(2, 2, 2));
    Onnx__NodeProto *c = tb_node_n(m->graph, "MaxPool", "ceil", IN("X"), OUT("C"));
    tb_attr_ints(c, "kernel_shape", INTS(2, 3, 3));
    tb_attr_ints(c, "strides", INTS(2, 2, 2));
    tb_attr_int(c, "ceil_mode", 1);
    Onnx__NodeProto *d = tb_node_n(m->graph, "MaxPool", "dil", IN("X"), OUT("D"));
    tb_attr_ints(d, "kernel_shape", INTS(2, 2, 2));
    tb_attr_ints(d, "dilations", INTS(2, 3, 1));
    tb_result r = tb_infer(m, (const char *[]){"Y", "I", "C", "D", NULL});
    assert_string_equal(r.types[0], "float[N,3,floor((H+1)/2)-1,floor((W+1)/2)-1]");
    assert_string_equal(r.types[1], "int64[N,3,floor((H+1)/2)-1,floor((W+1)/2)-1]");
    assert_string_equal(r.types[2], "float[N,3,floor(H/2),floor(W/2)]");
    assert_string_equal(r.types[3], "float[N,3,H-3,W-1]");
    assert_int_equal(r.errors, 0);
    tb_model_free(m);

    /* Unknown rank: the rank comes from kernel_shape; a ceil-mode size
     * whose last window may start in the end padding stays unknown. */
    m = tb_model(10);
    rankless_input(m->graph, "X", FLOAT);
    sym_input(m->graph, "X2", FLOAT, 3, (int64_t[]){-1, 3, -3}, NCHW);
    tb_attr_ints(NODE(m->graph, "MaxPool", IN("X"), OUT("Y")), "kernel_shape", INTS(2, 3, 3));
    Onnx__NodeProto *c2 = tb_node_n(m->graph, "MaxPool", "ceil", IN("X2"), OUT("C"));
    tb_attr_ints(c2, "kernel_shape", INTS(1, 2));
    tb_attr_ints(c2, "strides", INTS(1, 2));
    tb_attr_ints(c2, "pads", INTS(2, 0, 1));
    tb_attr_int(c2, "ceil_mode", 1);
    r = tb_infer(m, (const char *[]){"Y", "C", NULL});
    assert_string_equal(r.types[0], "float[?,?,?,?]");
    assert_string_equal(r.types[1], "float[N,3,?]");
    assert_int_equal(r.errors, 0);
    tb_model_free(m);
}

/* ceil_mode drops a last window that would start in the end padding
 * (6 + 1 padded, k 2, s 2: 3 not 4); SAME_UPPER gives ceil(in / s). */
static void pool_ceil_and_same(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(11);
    tb_input(m->graph, "X", FLOAT, 4, (int64_t[]){1, 1, 5, 6});
    Onnx__NodeProto *n = NODE(m->graph, "AveragePool", IN("X"), OUT("Y"));
    tb_attr_ints(n, "kernel_shape", INTS(2, 2, 2));
    tb_attr_ints(n, "strides", INTS(2, 2, 2));
    tb_attr_ints(n, "pads", INTS(4, 0, 0, 1, 1));
    tb_attr_int(n, "ceil_mode", 1);
    Onnx__NodeProto *s = tb_node_n(m->graph, "AveragePool", "same", IN("X"), OUT("S"));
    tb_attr_ints(s, "kernel_shape", INTS(2, 3, 3));
    tb_attr_ints(s, "strides", INTS(2, 2, 4));
    tb_attr_string(s, "auto_pad", "SAME_UPPER");
    Onnx__NodeProto *l = tb_node_n(m->graph, "LpPool", "lp", IN("X"), OUT("L"));
    tb_attr_ints(l, "kernel_shape", INTS(2, 2, 3));
    tb_result r = tb_infer(m, (const char *[]){"Y", "S", "L", NULL});
    assert_string_equal(r.types[0], "float[1,1,3,3]");
    assert_string_equal(r.types[1], "float[1,1,3,2]");
    assert_string_equal(r.types[2], "float[1,1,4,4]");
    assert_int_equal(r.errors, 0);
    tb_model_free(m);

    /* AveragePool-19 and LpPool-18 have dilations; AveragePool-11 not. */
    m = tb_model(19);
    tb_input(m->graph, "X", FLOAT, 3, (int64_t[]){1, 1, 9});
    Onnx__NodeProto *a = NODE(m->graph, "AveragePool", IN("X"), OUT("Y"));
    tb_attr_ints(a, "kernel_shape", INTS(1, 3));
    tb_attr_ints(a, "dilations", INTS(1, 2));
    Onnx__NodeProto *lp = tb_node_n(m->graph, "LpPool", "lp", IN("X"), OUT("L"));
    tb_attr_ints(lp, "kernel_shape", INTS(1, 2));
    tb_attr_ints(lp, "strides", INTS(1, 2));
    tb_attr_int(lp, "ceil_mode", 1);
    r = tb_infer(m, (const char *[]){"Y", "L", NULL});
    assert_string_equal(r.types[0], "float[1,1,5]");
    assert_string_equal(r.types[1], "float[1,1,5]");
    assert_int_equal(r.errors, 0);
    tb_model_free(m);
}

/* Pools' errors: a kernel larger than the input, strides of the wrong
 * length, a rank-1 input. */
static void pool_errors(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(12);
    tb_input(m->graph, "X", FLOAT, 4, (int64_t[]){1, 3, 2, 8});
    tb_input(m->graph, "V", FLOAT, 1, (int64_t[]){8});
    tb_attr_ints(NODE(m->graph, "MaxPool", IN("X"), OUT("Y")), "kernel_shape", INTS(2, 3, 3));
    Onnx__NodeProto *s = tb_node_n(m->graph, "MaxPool", "s", IN("X"), OUT("S"));
    tb_attr_ints(s, "kernel_shape", INTS(2, 1, 1));
    tb_attr_ints(s, "strides", INTS(3, 1, 1, 1));
    tb_node_n(m->graph, "GlobalMaxPool", "g", IN("V"), OUT("G"));
    tb_result r = tb_infer(m, (const char *[]){"Y", "S", "G", NULL});
    assert_int_equal(r.errors, 3);
    assert_non_null(strstr(r.all_errors, "spatial axis 0: the kernel (3 dilated) is larger than the padded input "
                                         "(2, pads 0, 0)"));
    assert_non_null(strstr(r.all_errors, "strides has 3 values, expected 2"));
    assert_non_null(strstr(r.all_errors, "input 'V' float[8] must have rank >= 2"));
    assert_string_equal(r.types[0], "float[1,3,?,6]");
    assert_string_equal(r.types[1], "float[1,3,?,?]");
    assert_string_equal(r.types[2], "float[...]");
    tb_model_free(m);
}

/* Global pools keep N and C and make every spatial dim 1. */
static void global_pools(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(13);
    sym_input(m->graph, "X", DOUBLE, 5, (int64_t[]){-1, -2, -3, -4, 7}, NCHW);
    NODE(m->graph, "GlobalAveragePool", IN("X"), OUT("A"));
    NODE(m->graph, "GlobalMaxPool", IN("X"), OUT("M"));
    NODE(m->graph, "GlobalLpPool", IN("X"), OUT("L"));
    tb_result r = tb_infer(m, (const char *[]){"A", "M", "L", NULL});
    assert_string_equal(r.types[0], "double[N,C,1,1,1]");
    assert_string_equal(r.types[1], "double[N,C,1,1,1]");
    assert_string_equal(r.types[2], "double[N,C,1,1,1]");
    assert_int_equal(r.errors, 0);
    tb_model_free(m);
}

/* MaxUnpool: the formula (symbolic), or output_shape's propagated values;
 * indices of another shape are a shape-error. */
static void max_unpool(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(11);
    sym_input(m->graph, "X", FLOAT, 4, (int64_t[]){-1, 3, -3, 4}, NCHW);
    sym_input(m->graph, "I", INT64, 4, (int64_t[]){-1, 3, -3, 4}, NCHW);
    tb_int64s(m->graph, "shape", 4, (int64_t[]){2, 3, 9, 9});
    Onnx__NodeProto *n = NODE(m->graph, "MaxUnpool", IN("X", "I"), OUT("Y"));
    tb_attr_ints(n, "kernel_shape", INTS(2, 2, 2));
    tb_attr_ints(n, "strides", INTS(2, 2, 2));
    tb_attr_ints(n, "pads", INTS(4, 0, 1, 0, 0));
    Onnx__NodeProto *s = tb_node_n(m->graph, "MaxUnpool", "s", IN("X", "I", "shape"), OUT("S"));
    tb_attr_ints(s, "kernel_shape", INTS(2, 2, 2));
    tb_attr_ints(s, "strides", INTS(2, 2, 2));
    tb_result r = tb_infer(m, (const char *[]){"Y", "S", NULL});
    assert_string_equal(r.types[0], "float[N,3,2*H,7]");
    assert_string_equal(r.types[1], "float[2,3,9,9]");
    assert_int_equal(r.errors, 0);
    tb_model_free(m);

    m = tb_model(11);
    tb_input(m->graph, "X", FLOAT, 4, (int64_t[]){1, 3, 2, 2});
    tb_input(m->graph, "I", INT64, 4, (int64_t[]){1, 3, 2, 3});
    tb_attr_ints(NODE(m->graph, "MaxUnpool", IN("X", "I"), OUT("Y")), "kernel_shape", INTS(2, 2, 2));
    r = tb_infer(m, (const char *[]){"Y", NULL});
    assert_int_equal(r.errors, 1);
    assert_non_null(strstr(r.first_error, "input vs indices: 2 vs 3"));
    assert_string_equal(r.types[0], "float[1,3,3,3]");
    tb_model_free(m);
}

/* RoiAlign and MaxRoiPool: (num_rois, C, h, w), num_rois symbolic; rois
 * with the wrong number of values per region is a shape-error. */
static void roi_pools(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(16);
    sym_input(m->graph, "X", FLOAT, 4, (int64_t[]){-1, 256, -3, -4}, NCHW);
    sym_input(m->graph, "R", FLOAT, 2, (int64_t[]){-1, 4}, (const char *[]){"R"});
    sym_input(m->graph, "B", INT64, 1, (int64_t[]){-1}, (const char *[]){"R"});
    sym_input(m->graph, "R5", FLOAT, 2, (int64_t[]){-1, 5}, (const char *[]){"K"});
    Onnx__NodeProto *n = NODE(m->graph, "RoiAlign", IN("X", "R", "B"), OUT("Y"));
    tb_attr_int(n, "output_height", 7);
    tb_attr_int(n, "output_width", 5);
    tb_attr_ints(NODE(m->graph, "MaxRoiPool", IN("X", "R5"), OUT("P")), "pooled_shape", INTS(2, 6, 6));
    tb_node_n(m->graph, "RoiAlign", "d", IN("X", "R", "B"), OUT("D"));
    tb_result r = tb_infer(m, (const char *[]){"Y", "P", "D", NULL});
    assert_string_equal(r.types[0], "float[R,256,7,5]");
    assert_string_equal(r.types[1], "float[K,256,6,6]");
    assert_string_equal(r.types[2], "float[R,256,1,1]");
    assert_int_equal(r.errors, 0);
    tb_model_free(m);

    m = tb_model(16);
    tb_input(m->graph, "X", FLOAT, 4, (int64_t[]){1, 8, 9, 9});
    tb_input(m->graph, "R", FLOAT, 2, (int64_t[]){3, 5});
    tb_input(m->graph, "B", INT64, 1, (int64_t[]){2});
    NODE(m->graph, "RoiAlign", IN("X", "R", "B"), OUT("Y"));
    r = tb_infer(m, (const char *[]){"Y", NULL});
    assert_int_equal(r.errors, 2);
    assert_non_null(strstr(r.all_errors, "rois 'R' float[3,5] must have 4 values per region"));
    assert_non_null(strstr(r.all_errors, "batch_indices 'B' int64[2] has 2 elements, expected 3"));
    assert_string_equal(r.types[0], "float[3,8,1,1]");
    tb_model_free(m);
}

/* ---- normalization ---- */

/* BatchNormalization: Y like X; at 15, training outputs (C) typed as
 * input_mean/input_var; at 9, the optional outputs are X's type. */
static void batch_norm(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(15);
    sym_input(m->graph, "X", FLOAT, 4, (int64_t[]){-1, -2, -3, -4}, NCHW);
    tb_input(m->graph, "S", FLOAT, 1, (int64_t[]){32});
    tb_input(m->graph, "B", FLOAT, 1, (int64_t[]){32});
    sym_input(m->graph, "M", DOUBLE, 1, (int64_t[]){-1}, (const char *[]){"K"});
    tb_input(m->graph, "V", DOUBLE, 1, (int64_t[]){32});
    tb_attr_int(NODE(m->graph, "BatchNormalization", IN("X", "S", "B", "M", "V"), OUT("Y", "RM", "RV")),
                "training_mode", 1);
    tb_result r = tb_infer(m, (const char *[]){"Y", "RM", "RV", NULL});
    assert_string_equal(r.types[0], "float[N,32,H,W]");
    assert_string_equal(r.types[1], "double[32]");
    assert_string_equal(r.types[2], "double[32]");
    assert_int_equal(r.errors, 0);
    tb_model_free(m);

    m = tb_model(9);
    sym_input(m->graph, "X", FLOAT, 3, (int64_t[]){-1, 6, -3}, NCHW);
    sym_input(m->graph, "S", FLOAT, 1, (int64_t[]){-2}, NCHW);
    NODE(m->graph, "BatchNormalization", IN("X", "S", "S", "S", "S"), OUT("Y", "M", "V", "SM", "SV"));
    r = tb_infer(m, (const char *[]){"Y", "M", "SV", NULL});
    assert_string_equal(r.types[0], "float[N,6,H]");
    assert_string_equal(r.types[1], "float[6]");
    assert_string_equal(r.types[2], "float[6]");
    assert_int_equal(r.errors, 0);
    tb_model_free(m);
}

/* BatchNormalization errors: a scale of the wrong length, a mean that is
 * not 1-D, running outputs without training_mode. */
static void batch_norm_errors(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(15);
    tb_input(m->graph, "X", FLOAT, 4, (int64_t[]){2, 3, 4, 4});
    tb_input(m->graph, "S", FLOAT, 1, (int64_t[]){4});
    tb_input(m->graph, "B", FLOAT, 1, (int64_t[]){3});
    tb_input(m->graph, "M", FLOAT, 2, (int64_t[]){3, 1});
    NODE(m->graph, "BatchNormalization", IN("X", "S", "B", "M", "B"), OUT("Y", "RM", "RV"));
    tb_result r = tb_infer(m, (const char *[]){"Y", "RM", NULL});
    assert_int_equal(r.errors, 3);
    assert_non_null(strstr(r.all_errors, "scale 'S' float[4] has 4 elements, expected 3 (the input's channels)"));
    assert_non_null(strstr(r.all_errors, "mean 'M' float[3,1] must be 1-D"));
    assert_non_null(strstr(r.all_errors, "training_mode is 0"));
    assert_string_equal(r.types[0], "float[2,3,4,4]");
    assert_string_equal(r.types[1], "float[3]");
    tb_model_free(m);
}

/* LayerNormalization: Mean/InvStdDev keep the dims before axis, 1 after,
 * typed by stash_type; a scale that fits neither the normalized dims nor
 * their count is a shape-error. */
static void layer_norm(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(17);
    sym_input(m->graph, "X", FLOAT, 3, (int64_t[]){-1, -2, 64}, (const char *[]){"N", "S"});
    tb_input(m->graph, "G", FLOAT, 1, (int64_t[]){64});
    tb_input(m->graph, "G2", FLOAT, 2, (int64_t[]){1, 64});
    NODE(m->graph, "LayerNormalization", IN("X", "G"), OUT("Y", "M", "I"));
    Onnx__NodeProto *n = tb_node_n(m->graph, "LayerNormalization", "ln2", IN("X", "G2"), OUT("Y2", "M2"));
    tb_attr_int(n, "axis", -2);
    tb_result r = tb_infer(m, (const char *[]){"Y", "M", "I", "M2", NULL});
    assert_string_equal(r.types[0], "float[N,S,64]");
    assert_string_equal(r.types[1], "float[N,S,1]");
    assert_string_equal(r.types[2], "float[N,S,1]");
    assert_string_equal(r.types[3], "float[N,1,1]");
    assert_int_equal(r.errors, 0);
    tb_model_free(m);

    m = tb_model(17);
    tb_input(m->graph, "X", FLOAT, 3, (int64_t[]){2, 5, 8});
    tb_input(m->graph, "G", FLOAT, 1, (int64_t[]){5});
    NODE(m->graph, "LayerNormalization", IN("X", "G"), OUT("Y"));
    tb_attr_int(tb_node_n(m->graph, "LayerNormalization", "far", IN("X", "G"), OUT("Z")), "axis", 4);
    r = tb_infer(m, (const char *[]){"Y", NULL});
    assert_int_equal(r.errors, 2);
    assert_non_null(strstr(r.all_errors, "'G' float[5] does not match the normalized dims of input 'X' float[2,5,8]"));
    assert_non_null(strstr(r.all_errors, "axis 4 is out of range"));
    assert_string_equal(r.types[0], "float[2,5,8]");
    tb_model_free(m);
}

/* GroupNormalization: scale/bias per group at 18, per channel at 21;
 * channels not a multiple of num_groups is a shape-error. */
static void group_norm(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(18);
    sym_input(m->graph, "X", FLOAT, 4, (int64_t[]){-1, 6, -3, -4}, NCHW);
    tb_input(m->graph, "S", FLOAT, 1, (int64_t[]){3});
    tb_attr_int(NODE(m->graph, "GroupNormalization", IN("X", "S", "S"), OUT("Y")), "num_groups", 3);
    tb_result r = tb_infer(m, (const char *[]){"Y", NULL});
    assert_string_equal(r.types[0], "float[N,6,H,W]");
    assert_int_equal(r.errors, 0);
    tb_model_free(m);

    m = tb_model(21);
    sym_input(m->graph, "X", FLOAT, 4, (int64_t[]){-1, 6, -3, -4}, NCHW);
    tb_input(m->graph, "S", FLOAT, 1, (int64_t[]){3});
    tb_attr_int(NODE(m->graph, "GroupNormalization", IN("X", "S", "S"), OUT("Y")), "num_groups", 4);
    r = tb_infer(m, (const char *[]){"Y", NULL});
    assert_int_equal(r.errors, 3);
    assert_non_null(strstr(r.all_errors, "has 6 channels, not a multiple of num_groups 4"));
    assert_non_null(strstr(r.all_errors, "scale 'S' float[3] has 3 elements, expected 6 (the input's channels)"));
    assert_string_equal(r.types[0], "float[N,6,H,W]");
    tb_model_free(m);
}

/* InstanceNormalization, LpNormalization, LRN, MeanVarianceNormalization
 * keep the input's type; their shape-errors. */
static void other_norms(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(13);
    sym_input(m->graph, "X", FLOAT, 4, (int64_t[]){-1, -2, -3, -4}, NCHW);
    sym_input(m->graph, "S", FLOAT, 1, (int64_t[]){-2}, NCHW);
    NODE(m->graph, "InstanceNormalization", IN("X", "S", "S"), OUT("A"));
    NODE(m->graph, "LpNormalization", IN("X"), OUT("B"));
    tb_attr_int(NODE(m->graph, "LRN", IN("X"), OUT("C")), "size", 3);
    NODE(m->graph, "MeanVarianceNormalization", IN("X"), OUT("D"));
    tb_result r = tb_infer(m, (const char *[]){"A", "B", "C", "D", NULL});
    for (int i = 0; i < 4; i++)
        assert_string_equal(r.types[i], "float[N,C,H,W]");
    assert_int_equal(r.errors, 0);
    tb_model_free(m);

    m = tb_model(13);
    tb_input(m->graph, "X", FLOAT, 3, (int64_t[]){2, 4, 5});
    tb_input(m->graph, "S", FLOAT, 1, (int64_t[]){5});
    NODE(m->graph, "InstanceNormalization", IN("X", "S", "S"), OUT("A"));
    tb_attr_int(NODE(m->graph, "LpNormalization", IN("X"), OUT("B")), "axis", 3);
    tb_attr_ints(NODE(m->graph, "MeanVarianceNormalization", IN("X"), OUT("D")), "axes", INTS(2, 0, -4));
    r = tb_infer(m, (const char *[]){"A", NULL});
    assert_int_equal(r.errors, 4);
    assert_non_null(strstr(r.all_errors, "scale 'S' float[5] has 5 elements, expected 4"));
    assert_non_null(strstr(r.all_errors, "B 'S' float[5] has 5 elements, expected 4"));
    assert_non_null(strstr(r.all_errors, "axis 3 is out of range for rank 3"));
    assert_non_null(strstr(r.all_errors, "axes value -4 is out of range for rank 3"));
    assert_string_equal(r.types[0], "float[2,4,5]");
    tb_model_free(m);
}

/* Dropout: output like the input; mask bool from 10, the input's type
 * before; ratio must be a scalar (12+). */
static void dropout(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(13);
    sym_input(m->graph, "X", FLOAT, 2, (int64_t[]){-1, 8}, NCHW);
    NODE(m->graph, "Dropout", IN("X"), OUT("Y", "M"));
    tb_result r = tb_infer(m, (const char *[]){"Y", "M", NULL});
    assert_string_equal(r.types[0], "float[N,8]");
    assert_string_equal(r.types[1], "bool[N,8]");
    assert_int_equal(r.errors, 0);
    tb_model_free(m);

    m = tb_model(7);
    sym_input(m->graph, "X", FLOAT, 2, (int64_t[]){-1, 8}, NCHW);
    NODE(m->graph, "Dropout", IN("X"), OUT("Y", "M"));
    r = tb_infer(m, (const char *[]){"M", NULL});
    assert_string_equal(r.types[0], "float[N,8]");
    assert_int_equal(r.errors, 0);
    tb_model_free(m);

    m = tb_model(13);
    tb_input(m->graph, "X", FLOAT, 2, (int64_t[]){2, 8});
    tb_input(m->graph, "R", FLOAT, 1, (int64_t[]){1});
    NODE(m->graph, "Dropout", IN("X", "R"), OUT("Y"));
    r = tb_infer(m, (const char *[]){"Y", NULL});
    assert_int_equal(r.errors, 1);
    assert_non_null(strstr(r.first_error, "ratio 'R' float[1] must have rank 0"));
    assert_string_equal(r.types[0], "float[2,8]");
    tb_model_free(m);
}

/* ---- resampling ---- */

/* GridSample: (N, C) from X, spatial dims from the grid; N-D from 20; a
 * grid whose last dim is not the number of spatial axes is a shape-error. */
static void grid_sample(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(20);
    sym_input(m->graph, "X", FLOAT, 5, (int64_t[]){-1, -2, 4, 4, 4}, NCHW);
    sym_input(m->graph, "G", FLOAT, 5, (int64_t[]){-1, -3, -4, 2, 3}, NCHW);
    NODE(m->graph, "GridSample", IN("X", "G"), OUT("Y"));
    tb_result r = tb_infer(m, (const char *[]){"Y", NULL});
    assert_string_equal(r.types[0], "float[N,C,H,W,2]");
    assert_int_equal(r.errors, 0);
    tb_model_free(m);

    m = tb_model(16);
    tb_input(m->graph, "X", FLOAT, 4, (int64_t[]){1, 3, 8, 8});
    tb_input(m->graph, "G", FLOAT, 4, (int64_t[]){2, 5, 5, 3});
    NODE(m->graph, "GridSample", IN("X", "G"), OUT("Y"));
    r = tb_infer(m, (const char *[]){"Y", NULL});
    assert_int_equal(r.errors, 2);
    assert_non_null(strstr(r.all_errors, "batch size of input vs grid: 1 vs 2"));
    assert_non_null(strstr(r.all_errors, "grid 'G' float[2,5,5,3] must end in 2"));
    assert_string_equal(r.types[0], "float[1,3,5,5]");
    tb_model_free(m);
}

/* AffineGrid (20): the grid's dims come from size's propagated values, its
 * rank from size's length when the values are unknown. */
static void affine_grid(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(20);
    sym_input(m->graph, "T", FLOAT, 3, (int64_t[]){-1, 2, 3}, NCHW);
    sym_input(m->graph, "T2", FLOAT, 3, (int64_t[]){-1, 2, 3}, (const char *[]){"B"});
    tb_input(m->graph, "S", INT64, 1, (int64_t[]){5});
    tb_int64s(m->graph, "size", 4, (int64_t[]){4, 3, 32, 24});
    NODE(m->graph, "AffineGrid", IN("T", "size"), OUT("G"));
    tb_node_n(m->graph, "AffineGrid", "unknown_size", IN("T2", "S"), OUT("U"));
    tb_result r = tb_infer(m, (const char *[]){"G", "U", NULL});
    assert_string_equal(r.types[0], "float[4,32,24,2]");
    assert_string_equal(r.types[1], "float[B,?,?,?,3]");
    assert_int_equal(r.errors, 1); /* 3-D size with a 2-D theta */
    assert_non_null(strstr(r.first_error, "theta 'T2' float[B,2,3] must be (N, 3, 4) for 3 spatial axes"));
    tb_model_free(m);
}

/* ---- kernels ---- */





/* Elements as doubles (any numeric type), within float precision. */
static void expect_values(const ol_array *a, const double *want, size_t n)
{
    assert_int_equal(a->count, n);
    for (size_t i = 0; i < n; i++) {
        double got = ol_array_get_f64(a, i);
        bool same = fabs(got - want[i]) <= 1e-5 * (1 + fabs(want[i]));
        if (!same)
            print_error("element %zu: %g, expected %g\n", i, got, want[i]);
        assert_true(same);
    }
}


/* A float (or double) initializer of the given dims; v has their product. */
static void float_init(Onnx__GraphProto *g, const char *name, size_t rank, const int64_t *dims, const float *v)
{
    size_t n = 1;
    for (size_t i = 0; i < rank; i++)
        n *= (size_t)dims[i];
    tb_initializer(g, name, FLOAT, rank, dims, n ? v : NULL, n * sizeof *v);
}

static void double_init(Onnx__GraphProto *g, const char *name, size_t rank, const int64_t *dims, const double *v)
{
    size_t n = 1;
    for (size_t i = 0; i < rank; i++)
        n *= (size_t)dims[i];
    tb_initializer(g, name, DOUBLE, rank, dims, v, n * sizeof *v);
}

#define DIMS(...) ((const int64_t[]){__VA_ARGS__})
#define FLOATS(...) ((const float[]){__VA_ARGS__})
#define VALUES(...) ((const double[]){__VA_ARGS__}), sizeof((const double[]){__VA_ARGS__}) / sizeof(double)

/* Conv 3x3 by a 2x2 of ones plus a bias, in float and in double (two
 * paths: sgemm after the 2-D im2col, dgemm after the table); a pointwise
 * 1-D convolution multiplies the input itself. */
static void kernel_conv(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(11);
    float_init(m->graph, "X", 4, DIMS(1, 1, 3, 3), FLOATS(0, 1, 2, 3, 4, 5, 6, 7, 8));
    float_init(m->graph, "W", 4, DIMS(1, 1, 2, 2), FLOATS(1, 1, 1, 1));
    float_init(m->graph, "B", 1, DIMS(1), FLOATS(10));
    double_init(m->graph, "Xd", 4, DIMS(1, 1, 3, 3), (const double[]){0, 1, 2, 3, 4, 5, 6, 7, 8});
    double_init(m->graph, "Wd", 4, DIMS(1, 1, 2, 2), (const double[]){1, 1, 1, 1});
    float_init(m->graph, "X1", 3, DIMS(1, 2, 3), FLOATS(1, 2, 3, 4, 5, 6));
    float_init(m->graph, "W1", 3, DIMS(1, 2, 1), FLOATS(1, -1));
    NODE(m->graph, "Conv", IN("X", "W", "B"), OUT("Y"));
    tb_attr_ints(tb_node_n(m->graph, "Conv", "padded", IN("Xd", "Wd"), OUT("Yd")), "pads", INTS(4, 1, 1, 0, 0));
    tb_node_n(m->graph, "Conv", "pointwise", IN("X1", "W1"), OUT("Y1"));
    tb_output(m->graph, "Y", FLOAT, 4, DIMS(1, 1, 2, 2));
    tb_output(m->graph, "Yd", DOUBLE, 4, DIMS(1, 1, 3, 3));
    tb_output(m->graph, "Y1", FLOAT, 3, DIMS(1, 1, 3));
    krun r;
    krun_start(&r, m);
    expect_values(kout(&r, 0, FLOAT, 4, DIMS(1, 1, 2, 2)), VALUES(18, 22, 30, 34));
    expect_values(kout(&r, 1, DOUBLE, 4, DIMS(1, 1, 3, 3)), VALUES(0, 1, 3, 3, 8, 12, 9, 20, 24));
    expect_values(kout(&r, 2, FLOAT, 3, DIMS(1, 1, 3)), VALUES(-3, -3, -3));
    krun_end(&r);
}

/* An empty batch gives an empty output; channels that do not match the
 * weight fail naming both shapes. */
static void kernel_conv_empty_and_errors(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(11);
    float_init(m->graph, "X", 4, DIMS(0, 1, 3, 3), NULL);
    float_init(m->graph, "W", 4, DIMS(2, 1, 2, 2), FLOATS(1, 1, 1, 1, 1, 1, 1, 1));
    NODE(m->graph, "Conv", IN("X", "W"), OUT("Y"));
    tb_output(m->graph, "Y", FLOAT, 4, DIMS(0, 2, 2, 2));
    krun r;
    krun_start(&r, m);
    assert_int_equal(kout(&r, 0, FLOAT, 4, DIMS(0, 2, 2, 2))->count, 0);
    krun_end(&r);

    m = tb_model(11);
    float_init(m->graph, "X", 4, DIMS(1, 1, 3, 3), FLOATS(0, 1, 2, 3, 4, 5, 6, 7, 8));
    float_init(m->graph, "W", 4, DIMS(1, 2, 2, 2), FLOATS(1, 1, 1, 1, 1, 1, 1, 1));
    NODE(m->graph, "Conv", IN("X", "W"), OUT("Y"));
    tb_output(m->graph, "Y", FLOAT, 4, DIMS(1, 1, 2, 2));
    expect_run_error(m, "input X (1,1,3,3) has 1 channels, weight W (1,2,2,2) expects 2 (group 1)");

    m = tb_model(11);
    float_init(m->graph, "X", 4, DIMS(1, 1, 2, 2), FLOATS(0, 1, 2, 3));
    float_init(m->graph, "W", 4, DIMS(1, 1, 3, 3), FLOATS(1, 1, 1, 1, 1, 1, 1, 1, 1));
    NODE(m->graph, "Conv", IN("X", "W"), OUT("Y"));
    tb_output(m->graph, "Y", FLOAT, 4, DIMS(1, 1, 1, 1));
    expect_run_error(m, "the kernel (3 dilated) is larger than the padded input (2, pads 0, 0)");
}

/* ConvTranspose of (1, 2) by (1, 1) with stride 2 spreads each input over
 * two outputs. */
static void kernel_conv_transpose(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(11);
    float_init(m->graph, "X", 3, DIMS(1, 1, 2), FLOATS(1, 2));
    float_init(m->graph, "W", 3, DIMS(1, 1, 2), FLOATS(1, 10));
    tb_attr_ints(NODE(m->graph, "ConvTranspose", IN("X", "W"), OUT("Y")), "strides", INTS(1, 2));
    tb_output(m->graph, "Y", FLOAT, 3, DIMS(1, 1, 4));
    krun r;
    krun_start(&r, m);
    expect_values(kout(&r, 0, FLOAT, 3, DIMS(1, 1, 4)), VALUES(1, 10, 2, 20));
    krun_end(&r);
}

/* MaxPool's Indices count row-major, or column-major over the spatial
 * axes with storage_order 1; AveragePool divides by the inside elements,
 * or by the padded window with count_include_pad. */
static void kernel_pools(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(12);
    float_init(m->graph, "X", 4, DIMS(1, 1, 2, 3), FLOATS(1, 5, 2, 4, 3, 6));
    float_init(m->graph, "A", 4, DIMS(1, 1, 2, 2), FLOATS(1, 2, 3, 4));
    tb_attr_ints(NODE(m->graph, "MaxPool", IN("X"), OUT("Y", "I")), "kernel_shape", INTS(2, 2, 2));
    Onnx__NodeProto *n = tb_node_n(m->graph, "MaxPool", "colmajor", IN("X"), OUT("Y2", "I2"));
    tb_attr_ints(n, "kernel_shape", INTS(2, 2, 2));
    tb_attr_int(n, "storage_order", 1);
    n = tb_node_n(m->graph, "AveragePool", "avg", IN("A"), OUT("P"));
    tb_attr_ints(n, "kernel_shape", INTS(2, 2, 2));
    tb_attr_ints(n, "pads", INTS(4, 1, 1, 1, 1));
    tb_output(m->graph, "I", INT64, 4, DIMS(1, 1, 1, 2));
    tb_output(m->graph, "I2", INT64, 4, DIMS(1, 1, 1, 2));
    tb_output(m->graph, "Y", FLOAT, 4, DIMS(1, 1, 1, 2));
    tb_output(m->graph, "P", FLOAT, 4, DIMS(1, 1, 3, 3));
    krun r;
    krun_start(&r, m);
    expect_values(kout(&r, 0, INT64, 4, DIMS(1, 1, 1, 2)), VALUES(1, 5));
    expect_values(kout(&r, 1, INT64, 4, DIMS(1, 1, 1, 2)), VALUES(2, 5));
    expect_values(kout(&r, 2, FLOAT, 4, DIMS(1, 1, 1, 2)), VALUES(5, 6));
    expect_values(kout(&r, 3, FLOAT, 4, DIMS(1, 1, 3, 3)), VALUES(1, 1.5, 2, 2, 2.5, 3, 3, 3.5, 4));
    krun_end(&r);

    m = tb_model(11);
    float_init(m->graph, "A", 4, DIMS(1, 1, 2, 2), FLOATS(1, 2, 3, 4));
    n = NODE(m->graph, "AveragePool", IN("A"), OUT("P"));
    tb_attr_ints(n, "kernel_shape", INTS(2, 2, 2));
    tb_attr_ints(n, "pads", INTS(4, 1, 1, 1, 1));
    tb_attr_int(n, "count_include_pad", 1);
    NODE(m->graph, "GlobalAveragePool", IN("A"), OUT("G"));
    tb_output(m->graph, "P", FLOAT, 4, DIMS(1, 1, 3, 3));
    tb_output(m->graph, "G", FLOAT, 4, DIMS(1, 1, 1, 1));
    krun_start(&r, m);
    expect_values(kout(&r, 0, FLOAT, 4, DIMS(1, 1, 3, 3)), VALUES(0.25, 0.75, 0.5, 1, 2.5, 1.5, 0.75, 1.75, 1));
    expect_values(kout(&r, 1, FLOAT, 4, DIMS(1, 1, 1, 1)), VALUES(2.5));
    krun_end(&r);

    m = tb_model(11);
    float_init(m->graph, "X", 4, DIMS(1, 1, 1, 2), FLOATS(7, 8));
    tb_initializer(m->graph, "I", INT64, 4, DIMS(1, 1, 1, 2), (const int64_t[]){0, 6}, 2 * sizeof(int64_t));
    tb_attr_ints(NODE(m->graph, "MaxUnpool", IN("X", "I"), OUT("Y")), "kernel_shape", INTS(2, 2, 2));
    tb_output(m->graph, "Y", FLOAT, 4, DIMS(1, 1, 2, 3));
    expect_run_error(m, "index 6 at element 1 is out of range for the output (1,1,2,3)");
}

/* BatchNormalization per channel; LayerNormalization with a Scale of the
 * normalized dims and a B of one value (broadcast), Mean and InvStdDev. */
static void kernel_norms(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(15);
    float_init(m->graph, "X", 4, DIMS(1, 2, 1, 2), FLOATS(1, 2, 3, 4));
    float_init(m->graph, "S", 1, DIMS(2), FLOATS(1, 2));
    float_init(m->graph, "B", 1, DIMS(2), FLOATS(0, 1));
    float_init(m->graph, "M", 1, DIMS(2), FLOATS(1, 3));
    float_init(m->graph, "V", 1, DIMS(2), FLOATS(4, 0.25f));
    tb_attr_float(NODE(m->graph, "BatchNormalization", IN("X", "S", "B", "M", "V"), OUT("Y")), "epsilon", 0);
    float_init(m->graph, "L", 2, DIMS(2, 2), FLOATS(1, 3, 0, 4));
    float_init(m->graph, "LS", 1, DIMS(2), FLOATS(2, 3));
    float_init(m->graph, "LB", 1, DIMS(1), FLOATS(0.5f));
    Onnx__NodeProto *n = NODE(m->graph, "LayerNormalization", IN("L", "LS", "LB"), OUT("LY", "Mean", "Inv"));
    tb_attr_float(n, "epsilon", 0);
    tb_output(m->graph, "Y", FLOAT, 4, DIMS(1, 2, 1, 2));
    tb_output(m->graph, "LY", FLOAT, 2, DIMS(2, 2));
    tb_output(m->graph, "Mean", FLOAT, 2, DIMS(2, 1));
    tb_output(m->graph, "Inv", FLOAT, 2, DIMS(2, 1));
    krun r;
    krun_start(&r, m);
    expect_values(kout(&r, 0, FLOAT, 4, DIMS(1, 2, 1, 2)), VALUES(0, 0.5, 1, 5));
    expect_values(kout(&r, 1, FLOAT, 2, DIMS(2, 2)), VALUES(-1.5, 3.5, -1.5, 3.5));
    expect_values(kout(&r, 2, FLOAT, 2, DIMS(2, 1)), VALUES(2, 2));
    expect_values(kout(&r, 3, FLOAT, 2, DIMS(2, 1)), VALUES(1, 0.5));
    krun_end(&r);

    m = tb_model(15);
    float_init(m->graph, "X", 4, DIMS(1, 2, 1, 2), FLOATS(1, 2, 3, 4));
    float_init(m->graph, "S", 1, DIMS(3), FLOATS(1, 2, 3));
    NODE(m->graph, "BatchNormalization", IN("X", "S", "S", "S", "S"), OUT("Y"));
    tb_output(m->graph, "Y", FLOAT, 4, DIMS(1, 2, 1, 2));
    expect_run_error(m, "scale (3) must have 2 values (the channels of input X (1,2,1,2))");
}

/* Dropout in training mode with ratio 0 keeps everything (mask all true);
 * a ratio of 1 or more fails; LpNormalization of a zero vector is 0. */
static void kernel_dropout_lp(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(13);
    float_init(m->graph, "X", 1, DIMS(3), FLOATS(1, -2, 0));
    float_init(m->graph, "R", 0, NULL, FLOATS(0));
    tb_initializer(m->graph, "T", BOOL, 0, NULL, (const uint8_t[]){1}, 1);
    NODE(m->graph, "Dropout", IN("X", "R", "T"), OUT("Y", "M"));
    float_init(m->graph, "Z", 2, DIMS(2, 2), FLOATS(0, 0, 3, -4));
    NODE(m->graph, "LpNormalization", IN("Z"), OUT("N"));
    tb_output(m->graph, "Y", FLOAT, 1, DIMS(3));
    tb_output(m->graph, "M", BOOL, 1, DIMS(3));
    tb_output(m->graph, "N", FLOAT, 2, DIMS(2, 2));
    krun r;
    krun_start(&r, m);
    expect_values(kout(&r, 0, FLOAT, 1, DIMS(3)), VALUES(1, -2, 0));
    expect_values(kout(&r, 1, BOOL, 1, DIMS(3)), VALUES(1, 1, 1));
    expect_values(kout(&r, 2, FLOAT, 2, DIMS(2, 2)), VALUES(0, 0, 0.6, -0.8));
    krun_end(&r);

    m = tb_model(13);
    float_init(m->graph, "X", 1, DIMS(3), FLOATS(1, -2, 0));
    float_init(m->graph, "R", 0, NULL, FLOATS(1.5f));
    tb_initializer(m->graph, "T", BOOL, 0, NULL, (const uint8_t[]){1}, 1);
    NODE(m->graph, "Dropout", IN("X", "R", "T"), OUT("Y"));
    tb_output(m->graph, "Y", FLOAT, 1, DIMS(3));
    expect_run_error(m, "ratio is 1.5, must be in [0, 1)");
}

/* GridSample with align_corners: the grid's corners read X's corners,
 * its centre their mean; a grid of the wrong last dim fails. */
static void kernel_grid_sample(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(16);
    float_init(m->graph, "X", 4, DIMS(1, 1, 2, 2), FLOATS(1, 2, 3, 4));
    float_init(m->graph, "G", 4, DIMS(1, 1, 3, 2), FLOATS(-1, -1, 1, 1, 0, 0));
    tb_attr_int(NODE(m->graph, "GridSample", IN("X", "G"), OUT("Y")), "align_corners", 1);
    tb_output(m->graph, "Y", FLOAT, 4, DIMS(1, 1, 1, 3));
    krun r;
    krun_start(&r, m);
    expect_values(kout(&r, 0, FLOAT, 4, DIMS(1, 1, 1, 3)), VALUES(1, 4, 2.5));
    krun_end(&r);

    m = tb_model(16);
    float_init(m->graph, "X", 4, DIMS(1, 1, 2, 2), FLOATS(1, 2, 3, 4));
    float_init(m->graph, "G", 4, DIMS(1, 1, 1, 3), FLOATS(0, 0, 0));
    NODE(m->graph, "GridSample", IN("X", "G"), OUT("Y"));
    tb_output(m->graph, "Y", FLOAT, 4, DIMS(1, 1, 1, 1));
    expect_run_error(m, "grid (1,1,1,3) must be (N, out spatial..., 2) for input X (1,1,2,2)");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pipeline_smoke),
        cmocka_unit_test(conv_symbolic),
        cmocka_unit_test(conv_concrete_and_groups),
        cmocka_unit_test(conv_errors),
        cmocka_unit_test(conv_transpose),
        cmocka_unit_test(deform_conv),
        cmocka_unit_test(max_pool),
        cmocka_unit_test(pool_ceil_and_same),
        cmocka_unit_test(pool_errors),
        cmocka_unit_test(global_pools),
        cmocka_unit_test(max_unpool),
        cmocka_unit_test(roi_pools),
        cmocka_unit_test(batch_norm),
        cmocka_unit_test(batch_norm_errors),
        cmocka_unit_test(layer_norm),
        cmocka_unit_test(group_norm),
        cmocka_unit_test(other_norms),
        cmocka_unit_test(dropout),
        cmocka_unit_test(grid_sample),
        cmocka_unit_test(affine_grid),
        cmocka_unit_test(kernel_conv),
        cmocka_unit_test(kernel_conv_empty_and_errors),
        cmocka_unit_test(kernel_conv_transpose),
        cmocka_unit_test(kernel_pools),
        cmocka_unit_test(kernel_norms),
        cmocka_unit_test(kernel_dropout_lp),
        cmocka_unit_test(kernel_grid_sample),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
