/*
 * test_ops_tensor.c - inference of the tensor family on hand-built graphs,
 * including error and symbolic cases.
 *
 * Per operator: a symbolic case (a dim_param N flowing through), a case
 * where propagated values (a Shape's output, initializers) decide the
 * shape, and a contradiction that must be a shape-error.  Values are
 * checked through the shapes they produce downstream (ConstantOfShape and
 * Reshape turn values into dims).
 *
 * The kernels (kernel_* tests) run small graphs of initializers and
 * Constants through the evaluator and compare with hand-computed values:
 * broadcasting, empty tensors, negative steps and indices, numpy's float
 * formatting for Cast to string, and one failing case per kind.
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

/* TensorProto.DataType codes. */
enum { T_FLOAT = 1, T_INT32 = 6, T_INT64 = 7, T_BOOL = 9 };

#define IN(...) ((const char *const[]){__VA_ARGS__, NULL})
#define OUT(...) ((const char *const[]){__VA_ARGS__, NULL})
#define VALUES(...) ((const char *[]){__VA_ARGS__, NULL})

/* A scalar int64 initializer. */
static void int64_scalar(Onnx__GraphProto *g, const char *name, int64_t v)
{
    int64_t no_dims[1] = {0};
    tb_initializer(g, name, T_INT64, 0, no_dims, &v, sizeof v);
}

/* A scalar float initializer. */
static void float_scalar(Onnx__GraphProto *g, const char *name, float v)
{
    int64_t no_dims[1] = {0};
    tb_initializer(g, name, T_FLOAT, 0, no_dims, &v, sizeof v);
}

/* A float initializer of rank 1. */
static void floats(Onnx__GraphProto *g, const char *name, size_t count, const float *v)
{
    int64_t dims[1] = {(int64_t)count};
    tb_initializer(g, name, T_FLOAT, 1, dims, v, count * sizeof *v);
}

/* Adds a TENSOR attribute holding one value of element type elem (int32
 * or int64), as Constant and ConstantOfShape take it. */
static void attr_int_tensor(Onnx__NodeProto *n, const char *name, int elem, int64_t v)
{
    Onnx__TensorProto *t = calloc(1, sizeof *t);
    Onnx__AttributeProto *a = calloc(1, sizeof *a);
    assert_non_null(t);
    assert_non_null(a);
    onnx__tensor_proto__init(t);
    t->has_data_type = 1;
    t->data_type = elem;
    t->dims = calloc(1, sizeof *t->dims);
    t->dims[0] = 1;
    t->n_dims = 1;
    if (elem == T_INT32) {
        t->int32_data = calloc(1, sizeof *t->int32_data);
        t->int32_data[0] = (int32_t)v;
        t->n_int32_data = 1;
    } else {
        t->int64_data = calloc(1, sizeof *t->int64_data);
        t->int64_data[0] = v;
        t->n_int64_data = 1;
    }
    onnx__attribute_proto__init(a);
    a->name = strdup(name);
    a->has_type = 1;
    a->type = ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__TENSOR;
    a->t = t;
    Onnx__AttributeProto **grown = realloc(n->attribute, (n->n_attribute + 1) * sizeof *grown);
    assert_non_null(grown);
    n->attribute = grown;
    n->attribute[n->n_attribute++] = a;
}

/* Infers m, checks the type of `value` and the number of errors, frees m. */
static void expect(Onnx__ModelProto *m, const char *value, const char *type, int errors)
{
    tb_result r = tb_infer(m, VALUES(value));
    if (strcmp(r.types[0], type) != 0 || r.errors != errors)
        print_error("%s: got %s with %d errors (%s)\n", value, r.types[0], r.errors, r.all_errors);
    assert_string_equal(r.types[0], type);
    assert_int_equal(r.errors, errors);
    tb_model_free(m);
}

/* Like expect, with exactly one error whose text contains `needle`. */
static void expect_error(Onnx__ModelProto *m, const char *value, const char *type, const char *needle)
{
    tb_result r = tb_infer(m, VALUES(value));
    if (strcmp(r.types[0], type) != 0 || r.errors != 1 || !strstr(r.first_error, needle))
        print_error("%s: got %s with %d errors (%s)\n", value, r.types[0], r.errors, r.all_errors);
    assert_string_equal(r.types[0], type);
    assert_int_equal(r.errors, 1);
    assert_non_null(strstr(r.first_error, "shape-error"));
    assert_non_null(strstr(r.first_error, needle));
    tb_model_free(m);
}

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

/* ---- Shape, Gather, Unsqueeze, Concat, Reshape: the flatten idiom ---- */

/* Shape->Gather(0)->Unsqueeze->Concat(with `rest`)->Reshape of an image
 * batch: the batch dim stays N and the rest is computed (-1) or checked. */
static Onnx__ModelProto *flatten_idiom(int64_t opset, int64_t rest)
{
    Onnx__ModelProto *m = tb_model(opset);
    Onnx__GraphProto *g = m->graph;
    int64_t x[] = {-1, 3, 224, 224};
    tb_input(g, "X", T_FLOAT, 4, x);
    int64_scalar(g, "zero", 0);
    tb_int64s(g, "rest", 1, &rest);
    tb_node(g, "Shape", "shape", "X", NULL, "s");
    tb_node(g, "Gather", "gather", "s", "zero", "n");
    if (opset >= 13) {
        int64_t axes[] = {0};
        tb_int64s(g, "axes", 1, axes);
        tb_node(g, "Unsqueeze", "unsqueeze", "n", "axes", "n1");
    } else {
        int64_t axes[] = {0};
        tb_attr_ints(tb_node(g, "Unsqueeze", "unsqueeze", "n", NULL, "n1"), "axes", 1, axes);
    }
    tb_attr_int(tb_node(g, "Concat", "concat", "n1", "rest", "target"), "axis", 0);
    tb_node(g, "Reshape", "reshape", "X", "target", "Y");
    return m;
}

static void reshape_flatten_idiom(void **state)
{
    (void)state;
    expect(flatten_idiom(13, -1), "Y", "float[N,150528]", 0);
    expect(flatten_idiom(11, -1), "Y", "float[N,150528]", 0);
    expect(flatten_idiom(13, 150528), "Y", "float[N,150528]", 0);
    expect(flatten_idiom(21, -1), "Y", "float[N,150528]", 0); /* the opset 18-21 rows */
    expect(flatten_idiom(17, -1), "n", "int64[]", 0);
    expect(flatten_idiom(17, -1), "target", "int64[2]", 0);
    /* 150000 elements per row cannot hold 3*224*224 */
    expect_error(flatten_idiom(13, 150000), "Y", "float[N,150000]", "150528*N");
}

static void reshape_symbolic_and_copy(void **state)
{
    (void)state;
    /* 0 copies the input's dim, -1 takes the rest */
    Onnx__ModelProto *m = tb_model(13);
    int64_t x[] = {-1, 4, 6}, shape[] = {0, -1};
    tb_input(m->graph, "X", T_FLOAT, 3, x);
    tb_int64s(m->graph, "shape", 2, shape);
    tb_node(m->graph, "Reshape", "r", "X", "shape", "Y");
    expect(m, "Y", "float[N,24]", 0);

    /* allowzero=1: 0 is a zero-sized dim */
    m = tb_model(14);
    int64_t z[] = {0, 4}, shape2[] = {4, 0};
    tb_input(m->graph, "X", T_FLOAT, 2, z);
    tb_int64s(m->graph, "shape", 2, shape2);
    tb_attr_int(tb_node(m->graph, "Reshape", "r", "X", "shape", "Y"), "allowzero", 1);
    expect(m, "Y", "float[4,0]", 0);

    /* opset 1-4: the target is an attribute */
    m = tb_model(4);
    int64_t y[] = {2, 3, 4}, shape3[] = {-1, 4};
    tb_input(m->graph, "X", T_FLOAT, 3, y);
    tb_attr_ints(tb_node(m->graph, "Reshape", "r", "X", NULL, "Y"), "shape", 2, shape3);
    expect(m, "Y", "float[6,4]", 0);

    /* one dim of the target not known: the element count gives it */
    m = tb_model(13);
    int64_t q[] = {-1, 6, 4};
    tb_input(m->graph, "X", T_FLOAT, 3, q);
    tb_int64s(m->graph, "i", 1, (int64_t[]){0});
    tb_int64s(m->graph, "tail", 1, (int64_t[]){8});
    tb_node(m->graph, "Shape", "shape", "X", NULL, "s");
    tb_node(m->graph, "Gather", "g", "s", "i", "n");
    tb_input(m->graph, "U", T_INT64, 1, (int64_t[]){1});
    tb_node_n(m->graph, "Concat", "c", IN("n", "U", "tail"), OUT("t"));
    tb_attr_int(m->graph->node[m->graph->n_node - 1], "axis", 0);
    tb_node(m->graph, "Reshape", "r", "X", "t", "Y");
    expect(m, "Y", "float[N,3,8]", 0);

    /* unknown values, known length: the rank */
    m = tb_model(13);
    int64_t len[] = {3};
    tb_input(m->graph, "X", T_FLOAT, 3, y);
    tb_input(m->graph, "shape", T_INT64, 1, len);
    tb_node(m->graph, "Reshape", "r", "X", "shape", "Y");
    expect(m, "Y", "float[?,?,?]", 0);
}

static void reshape_errors(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(13);
    int64_t x[] = {2, 3}, shape[] = {4, 2};
    tb_input(m->graph, "X", T_FLOAT, 2, x);
    tb_int64s(m->graph, "shape", 2, shape);
    tb_node(m->graph, "Reshape", "r", "X", "shape", "Y");
    expect_error(m, "Y", "float[4,2]", "float[2,3]");

    m = tb_model(13);
    int64_t twice[] = {-1, -1};
    tb_input(m->graph, "X", T_FLOAT, 2, x);
    tb_int64s(m->graph, "shape", 2, twice);
    tb_node(m->graph, "Reshape", "r", "X", "shape", "Y");
    expect_error(m, "Y", "float[?,?]", "more than one -1");

    m = tb_model(13);
    int64_t odd[] = {4, -1};
    tb_input(m->graph, "X", T_FLOAT, 2, x);
    tb_int64s(m->graph, "shape", 2, odd);
    tb_node(m->graph, "Reshape", "r", "X", "shape", "Y");
    expect_error(m, "Y", "float[4,?]", "cannot reshape");

    /* [0,3] to [0,-1]: the copied 0 leaves nothing to infer the -1 from */
    m = tb_model(13);
    tb_input(m->graph, "X", T_FLOAT, 2, (int64_t[]){0, 3});
    tb_int64s(m->graph, "shape", 2, (int64_t[]){0, -1});
    tb_node(m->graph, "Reshape", "r", "X", "shape", "Y");
    expect_error(m, "Y", "float[0,?]", "-1 beside a 0-sized dim");
    m = tb_model(13); /* and run refuses it too */
    tb_initializer(m->graph, "X", T_FLOAT, 2, (int64_t[]){0, 3}, NULL, 0);
    tb_int64s(m->graph, "shape", 2, (int64_t[]){0, -1});
    tb_node(m->graph, "Reshape", "r", "X", "shape", "Y");
    tb_output(m->graph, "Y", T_FLOAT, 2, (int64_t[]){0, 0});
    expect_run_error(m, "-1");

    /* a target whose element count wraps int64 */
    m = tb_model(13);
    tb_input(m->graph, "X", T_FLOAT, 3, (int64_t[]){0, 3, 2});
    tb_int64s(m->graph, "shape", 3, (int64_t[]){(int64_t)1 << 32, (int64_t)1 << 32, 0});
    tb_node(m->graph, "Reshape", "r", "X", "shape", "Y");
    expect_error(m, "Y", "float[4294967296,4294967296,2]", "more elements than int64 can count");
}

/* ---- Shape, Size ---- */

static void shape_and_size(void **state)
{
    (void)state;
    /* opset 15 start/end: the dims [1:-1] of X, turned back into a shape */
    Onnx__ModelProto *m = tb_model(15);
    int64_t x[] = {-1, 3, 5, 7};
    tb_input(m->graph, "X", T_FLOAT, 4, x);
    Onnx__NodeProto *n = tb_node(m->graph, "Shape", "shape", "X", NULL, "s");
    tb_attr_int(n, "start", 1);
    tb_attr_int(n, "end", -1);
    tb_node(m->graph, "ConstantOfShape", "fill", "s", NULL, "Y");
    expect(m, "Y", "float[3,5]", 0);

    m = tb_model(13);
    tb_input(m->graph, "X", T_FLOAT, 4, x);
    tb_node(m->graph, "Shape", "shape", "X", NULL, "s");
    tb_node(m->graph, "ConstantOfShape", "fill", "s", NULL, "Y");
    expect(m, "Y", "float[N,3,5,7]", 0);

    /* Size is N*105; a Range up to it has that many elements */
    m = tb_model(13);
    tb_input(m->graph, "X", T_FLOAT, 4, x);
    int64_scalar(m->graph, "zero", 0);
    int64_scalar(m->graph, "one", 1);
    tb_node(m->graph, "Size", "size", "X", NULL, "n");
    tb_node_n(m->graph, "Range", "range", IN("zero", "n", "one"), OUT("Y"));
    expect(m, "Y", "int64[105*N]", 0);

    /* from N*105 down to 3: 105*N-3 elements */
    m = tb_model(13);
    tb_input(m->graph, "X", T_FLOAT, 4, x);
    int64_scalar(m->graph, "three", 3);
    int64_scalar(m->graph, "minus", -1);
    tb_node(m->graph, "Size", "size", "X", NULL, "n");
    tb_node_n(m->graph, "Range", "range", IN("n", "three", "minus"), OUT("Y"));
    expect(m, "Y", "int64[105*N-3]", 0);

    /* from 3 down to N*105: none, unless N is 0; not known */
    m = tb_model(13);
    tb_input(m->graph, "X", T_FLOAT, 4, x);
    int64_scalar(m->graph, "three", 3);
    int64_scalar(m->graph, "minus", -1);
    tb_node(m->graph, "Size", "size", "X", NULL, "n");
    tb_node_n(m->graph, "Range", "range", IN("three", "n", "minus"), OUT("Y"));
    expect(m, "Y", "int64[?]", 0);

    m = tb_model(13);
    tb_input(m->graph, "X", T_FLOAT, 4, x);
    tb_node(m->graph, "Size", "size", "X", NULL, "n");
    expect(m, "n", "int64[]", 0);
}

/* ---- Concat ---- */

static void concat_symbolic(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(13);
    int64_t a[] = {-1, 10}, b[] = {5, 10};
    tb_input(m->graph, "A", T_FLOAT, 2, a);
    tb_input(m->graph, "B", T_FLOAT, 2, b);
    tb_attr_int(tb_node(m->graph, "Concat", "c", "A", "B", "Y"), "axis", 0);
    expect(m, "Y", "float[N+5,10]", 0);

    /* negative axis, and the values of 1-D data */
    m = tb_model(13);
    int64_t x[] = {-1, 7}, two[] = {2, 3};
    tb_input(m->graph, "X", T_FLOAT, 2, x);
    tb_int64s(m->graph, "two", 2, two);
    tb_node(m->graph, "Shape", "shape", "X", NULL, "s");
    tb_attr_int(tb_node(m->graph, "Concat", "c", "two", "s", "t"), "axis", -1);
    tb_node(m->graph, "ConstantOfShape", "fill", "t", NULL, "Y");
    expect(m, "Y", "float[2,3,N,7]", 0);
}

static void concat_errors(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(13);
    int64_t a[] = {2, 10}, b[] = {2, 11};
    tb_input(m->graph, "A", T_FLOAT, 2, a);
    tb_input(m->graph, "B", T_FLOAT, 2, b);
    tb_attr_int(tb_node(m->graph, "Concat", "c", "A", "B", "Y"), "axis", 0);
    expect_error(m, "Y", "float[4,10]", "float[2,11]");

    m = tb_model(13);
    int64_t c[] = {2, 10, 1};
    tb_input(m->graph, "A", T_FLOAT, 2, a);
    tb_input(m->graph, "B", T_FLOAT, 3, c);
    tb_attr_int(tb_node(m->graph, "Concat", "c", "A", "B", "Y"), "axis", 0);
    expect_error(m, "Y", "float[...]", "different ranks");

    m = tb_model(13);
    tb_input(m->graph, "A", T_FLOAT, 2, a);
    tb_attr_int(tb_node(m->graph, "Concat", "c", "A", NULL, "Y"), "axis", 2);
    expect_error(m, "Y", "float[?,?]", "out of range");
}

/* ---- Slice ---- */

/* Slice of X (dims x, rank n) with int64 starts/ends/axes/steps
 * initializers (steps omitted when NULL). */
static Onnx__ModelProto *slice_model(size_t rank, const int64_t *x, size_t k, const int64_t *starts,
                                     const int64_t *ends, const int64_t *axes, const int64_t *steps)
{
    Onnx__ModelProto *m = tb_model(13);
    tb_input(m->graph, "X", T_FLOAT, rank, x);
    tb_int64s(m->graph, "starts", k, starts);
    tb_int64s(m->graph, "ends", k, ends);
    tb_int64s(m->graph, "axes", k, axes);
    if (steps)
        tb_int64s(m->graph, "steps", k, steps);
    if (steps)
        tb_node_n(m->graph, "Slice", "slice", IN("X", "starts", "ends", "axes", "steps"), OUT("Y"));
    else
        tb_node_n(m->graph, "Slice", "slice", IN("X", "starts", "ends", "axes"), OUT("Y"));
    return m;
}

static void slice_symbolic(void **state)
{
    (void)state;
    int64_t x[] = {-1, 10};
    /* x[1:] and x[:-1] of N are N-1 for every N >= 1; x[-1:] is 1 */
    expect(slice_model(2, x, 1, (int64_t[]){1}, (int64_t[]){INT64_MAX}, (int64_t[]){0}, NULL), "Y", "float[N-1,10]",
           0);
    expect(slice_model(2, x, 1, (int64_t[]){0}, (int64_t[]){-1}, (int64_t[]){0}, NULL), "Y", "float[N-1,10]", 0);
    expect(slice_model(2, x, 1, (int64_t[]){-1}, (int64_t[]){INT64_MAX}, (int64_t[]){-2}, NULL), "Y",
           "float[1,10]", 0);
    /* Wrong for small N, so unknown: x[-3:] is min(3, N), x[-3:-1] min(2, N-1),
     * x[:-5] max(0, N-5), x[5:0:-1] min(5, N-1), x[-2:9:-2] 0 for N <= 10 */
    expect(slice_model(2, x, 1, (int64_t[]){-3}, (int64_t[]){INT64_MAX}, (int64_t[]){-2}, NULL), "Y",
           "float[?,10]", 0);
    expect(slice_model(2, x, 1, (int64_t[]){-3}, (int64_t[]){-1}, (int64_t[]){0}, NULL), "Y", "float[?,10]", 0);
    expect(slice_model(2, x, 1, (int64_t[]){0}, (int64_t[]){-5}, (int64_t[]){0}, NULL), "Y", "float[?,10]", 0);
    expect(slice_model(2, x, 1, (int64_t[]){5}, (int64_t[]){0}, (int64_t[]){0}, (int64_t[]){-1}), "Y",
           "float[?,10]", 0);
    expect(slice_model(2, x, 1, (int64_t[]){-2}, (int64_t[]){9}, (int64_t[]){0}, (int64_t[]){-2}), "Y",
           "float[?,10]", 0);
    /* x[5:-7:-1] of N is max(0, 12-N): its sign is not known */
    expect(slice_model(2, x, 1, (int64_t[]){5}, (int64_t[]){-7}, (int64_t[]){0}, (int64_t[]){-1}), "Y",
           "float[?,10]", 0);
    /* x[::-1] of N is N */
    expect(slice_model(2, x, 1, (int64_t[]){-1}, (int64_t[]){INT64_MIN}, (int64_t[]){0}, (int64_t[]){-1}), "Y",
           "float[N,10]", 0);
    /* x[:5] of N is min(5, N): not known */
    expect(slice_model(2, x, 1, (int64_t[]){0}, (int64_t[]){5}, (int64_t[]){0}, NULL), "Y", "float[?,10]", 0);
    /* concrete: clamping, steps, backward */
    expect(slice_model(2, x, 1, (int64_t[]){2}, (int64_t[]){1000}, (int64_t[]){1}, (int64_t[]){3}), "Y",
           "float[N,3]", 0);
    expect(slice_model(2, x, 1, (int64_t[]){-1}, (int64_t[]){INT64_MIN}, (int64_t[]){1}, (int64_t[]){-1}), "Y",
           "float[N,10]", 0);
    expect(slice_model(2, x, 1, (int64_t[]){20}, (int64_t[]){30}, (int64_t[]){1}, NULL), "Y", "float[N,0]", 0);

    /* opset 1-9: attributes */
    Onnx__ModelProto *m = tb_model(9);
    int64_t y[] = {20, 10, 5};
    tb_input(m->graph, "X", T_FLOAT, 3, y);
    Onnx__NodeProto *n = tb_node(m->graph, "Slice", "slice", "X", NULL, "Y");
    tb_attr_ints(n, "starts", 2, (int64_t[]){0, 1});
    tb_attr_ints(n, "ends", 2, (int64_t[]){3, -1});
    tb_attr_ints(n, "axes", 2, (int64_t[]){0, 1});
    expect(m, "Y", "float[3,8,5]", 0);
}

static void slice_data(void **state)
{
    (void)state;
    /* Shape(X)[2:] is [224,224] */
    Onnx__ModelProto *m = tb_model(13);
    int64_t x[] = {-1, 3, 224, 224};
    tb_input(m->graph, "X", T_FLOAT, 4, x);
    tb_int64s(m->graph, "starts", 1, (int64_t[]){2});
    tb_int64s(m->graph, "ends", 1, (int64_t[]){INT64_MAX});
    tb_node(m->graph, "Shape", "shape", "X", NULL, "s");
    tb_node_n(m->graph, "Slice", "slice", IN("s", "starts", "ends"), OUT("hw"));
    tb_node(m->graph, "ConstantOfShape", "fill", "hw", NULL, "Y");
    expect(m, "Y", "float[224,224]", 0);

    /* reversed with a step of -2: [224, 3] */
    m = tb_model(13);
    tb_input(m->graph, "X", T_FLOAT, 4, x);
    tb_int64s(m->graph, "starts", 1, (int64_t[]){-1});
    tb_int64s(m->graph, "ends", 1, (int64_t[]){INT64_MIN});
    tb_int64s(m->graph, "axes", 1, (int64_t[]){0});
    tb_int64s(m->graph, "steps", 1, (int64_t[]){-2});
    tb_node(m->graph, "Shape", "shape", "X", NULL, "s");
    tb_node_n(m->graph, "Slice", "slice", IN("s", "starts", "ends", "axes", "steps"), OUT("t"));
    tb_node(m->graph, "ConstantOfShape", "fill", "t", NULL, "Y");
    expect(m, "Y", "float[224,3]", 0);

    /* starts not known: the sliced axis is unknown, the others kept */
    m = tb_model(13);
    int64_t one[] = {1};
    tb_input(m->graph, "X", T_FLOAT, 4, x);
    tb_input(m->graph, "starts", T_INT64, 1, one);
    tb_int64s(m->graph, "ends", 1, (int64_t[]){INT64_MAX});
    tb_int64s(m->graph, "axes", 1, (int64_t[]){1});
    tb_node_n(m->graph, "Slice", "slice", IN("X", "starts", "ends", "axes"), OUT("Y"));
    expect(m, "Y", "float[N,?,224,224]", 0);
}

static void slice_errors(void **state)
{
    (void)state;
    int64_t x[] = {-1, 10};
    expect_error(slice_model(2, x, 1, (int64_t[]){0}, (int64_t[]){5}, (int64_t[]){1}, (int64_t[]){0}), "Y",
                 "float[N,?]", "step 0");
    expect_error(slice_model(2, x, 1, (int64_t[]){0}, (int64_t[]){5}, (int64_t[]){2}, NULL), "Y", "float[?,?]",
                 "out of range");
    Onnx__ModelProto *m = tb_model(13);
    tb_input(m->graph, "X", T_FLOAT, 2, x);
    tb_int64s(m->graph, "starts", 2, (int64_t[]){0, 0});
    tb_int64s(m->graph, "ends", 1, (int64_t[]){1});
    tb_node_n(m->graph, "Slice", "slice", IN("X", "starts", "ends"), OUT("Y"));
    expect_error(m, "Y", "float[?,?]", "elements");
}

/* ---- Squeeze, Unsqueeze, Flatten ---- */

static void squeeze_unsqueeze(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(13);
    int64_t x[] = {1, -1, 1};
    tb_input(m->graph, "X", T_FLOAT, 3, x);
    tb_int64s(m->graph, "axes", 1, (int64_t[]){0});
    tb_node(m->graph, "Squeeze", "sq", "X", "axes", "Y");
    expect(m, "Y", "float[N,1]", 0);

    /* opset 11 attribute, negative axis */
    m = tb_model(11);
    tb_input(m->graph, "X", T_FLOAT, 3, x);
    tb_attr_ints(tb_node(m->graph, "Squeeze", "sq", "X", NULL, "Y"), "axes", 1, (int64_t[]){-1});
    expect(m, "Y", "float[1,N]", 0);

    m = tb_model(21);
    tb_input(m->graph, "X", T_FLOAT, 3, x);
    tb_int64s(m->graph, "axes", 2, (int64_t[]){0, 2});
    tb_node(m->graph, "Squeeze", "sq", "X", "axes", "Y");
    expect(m, "Y", "float[N]", 0);

    /* axes not known, but as many as the dims that may be 1: all of them */
    m = tb_model(13);
    int64_t c4[] = {1, 3, 1, 5}, one[] = {2};
    tb_input(m->graph, "X", T_FLOAT, 4, c4);
    tb_input(m->graph, "axes", T_INT64, 1, one);
    tb_node(m->graph, "Squeeze", "sq", "X", "axes", "Y");
    expect(m, "Y", "float[3,5]", 0);

    /* no axes: N might be 1, so the rank is not known */
    m = tb_model(13);
    tb_input(m->graph, "X", T_FLOAT, 3, x);
    tb_node(m->graph, "Squeeze", "sq", "X", NULL, "Y");
    expect(m, "Y", "float[...]", 0);

    m = tb_model(13);
    int64_t c[] = {1, 3, 1, 5};
    tb_input(m->graph, "X", T_FLOAT, 4, c);
    tb_node(m->graph, "Squeeze", "sq", "X", NULL, "Y");
    expect(m, "Y", "float[3,5]", 0);

    m = tb_model(13);
    tb_input(m->graph, "X", T_FLOAT, 3, x);
    tb_int64s(m->graph, "axes", 2, (int64_t[]){0, -1});
    tb_node(m->graph, "Unsqueeze", "un", "X", "axes", "Y");
    expect(m, "Y", "float[1,1,N,1,1]", 0);

    m = tb_model(1);
    tb_input(m->graph, "X", T_FLOAT, 3, x);
    tb_attr_ints(tb_node(m->graph, "Unsqueeze", "un", "X", NULL, "Y"), "axes", 2, (int64_t[]){4, 1});
    expect(m, "Y", "float[1,1,N,1,1]", 0);
}

static void squeeze_unsqueeze_errors(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(13);
    int64_t x[] = {2, 3};
    tb_input(m->graph, "X", T_FLOAT, 2, x);
    tb_int64s(m->graph, "axes", 1, (int64_t[]){1});
    tb_node(m->graph, "Squeeze", "sq", "X", "axes", "Y");
    expect_error(m, "Y", "float[2]", "not 1");

    m = tb_model(13);
    tb_input(m->graph, "X", T_FLOAT, 2, x);
    tb_int64s(m->graph, "axes", 2, (int64_t[]){1, 1});
    tb_node(m->graph, "Unsqueeze", "un", "X", "axes", "Y");
    expect_error(m, "Y", "float[...]", "repeated");

    m = tb_model(13);
    tb_input(m->graph, "X", T_FLOAT, 2, x);
    tb_int64s(m->graph, "axes", 1, (int64_t[]){3});
    tb_node(m->graph, "Unsqueeze", "un", "X", "axes", "Y");
    expect_error(m, "Y", "float[...]", "out of range");
}

static void flatten(void **state)
{
    (void)state;
    int64_t x[] = {-1, 3, 4};
    Onnx__ModelProto *m = tb_model(13);
    tb_input(m->graph, "X", T_FLOAT, 3, x);
    tb_node(m->graph, "Flatten", "f", "X", NULL, "Y");
    expect(m, "Y", "float[N,12]", 0);

    m = tb_model(13);
    tb_input(m->graph, "X", T_FLOAT, 3, x);
    tb_attr_int(tb_node(m->graph, "Flatten", "f", "X", NULL, "Y"), "axis", -1);
    expect(m, "Y", "float[3*N,4]", 0);

    m = tb_model(13);
    tb_input(m->graph, "X", T_FLOAT, 3, x);
    tb_attr_int(tb_node(m->graph, "Flatten", "f", "X", NULL, "Y"), "axis", 3);
    expect(m, "Y", "float[12*N,1]", 0);

    m = tb_model(13);
    tb_input(m->graph, "X", T_FLOAT, 3, x);
    tb_attr_int(tb_node(m->graph, "Flatten", "f", "X", NULL, "Y"), "axis", 4);
    expect_error(m, "Y", "float[?,?]", "out of range");
}

/* ---- Cast, CastLike, Identity, Constant, ConstantOfShape ---- */

static void cast_keeps_values(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(13);
    int64_t x[] = {-1, 3};
    tb_input(m->graph, "X", T_FLOAT, 2, x);
    tb_node(m->graph, "Shape", "shape", "X", NULL, "s");
    tb_attr_int(tb_node(m->graph, "Cast", "cast", "s", NULL, "s32"), "to", T_INT32);
    tb_node(m->graph, "Identity", "id", "s32", NULL, "s2");
    tb_attr_int(tb_node(m->graph, "Cast", "back", "s2", NULL, "s64"), "to", T_INT64);
    tb_node(m->graph, "ConstantOfShape", "fill", "s64", NULL, "Y");
    expect(m, "Y", "float[N,3]", 0);

    /* floats holding integers become integers; CastLike takes the type of its second input */
    m = tb_model(15);
    floats(m->graph, "f", 2, (const float[]){4.0f, 2.0f});
    tb_int64s(m->graph, "like", 1, (int64_t[]){0});
    tb_node(m->graph, "CastLike", "cast", "f", "like", "i");
    tb_node(m->graph, "ConstantOfShape", "fill", "i", NULL, "Y");
    expect(m, "Y", "float[4,2]", 0);

    /* opset 1: `to` names the type */
    m = tb_model(1);
    tb_input(m->graph, "X", T_FLOAT, 2, x);
    tb_attr_string(tb_node(m->graph, "Cast", "cast", "X", NULL, "Y"), "to", "DOUBLE");
    expect(m, "Y", "double[N,3]", 0);

    /* a non-integral float gives no value: that dim is not known */
    m = tb_model(13);
    floats(m->graph, "f", 2, (const float[]){4.5f, 2.0f});
    tb_attr_int(tb_node(m->graph, "Cast", "cast", "f", NULL, "i"), "to", T_INT64);
    tb_node(m->graph, "ConstantOfShape", "fill", "i", NULL, "Y");
    expect(m, "Y", "float[?,2]", 0);
}

static void constants(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(13);
    tb_attr_ints(tb_node(m->graph, "Constant", "k", NULL, NULL, "c"), "value_ints", 3, (int64_t[]){2, 3, 4});
    tb_node(m->graph, "ConstantOfShape", "fill", "c", NULL, "Y");
    expect(m, "Y", "float[2,3,4]", 0);

    m = tb_model(13);
    tb_attr_int(tb_node(m->graph, "Constant", "k", NULL, NULL, "c"), "value_int", 7);
    expect(m, "c", "int64[]", 0);

    m = tb_model(13);
    tb_attr_float(tb_node(m->graph, "Constant", "k", NULL, NULL, "c"), "value_float", 0.5f);
    expect(m, "c", "float[]", 0);

    m = tb_model(13);
    tb_attr_string(tb_node(m->graph, "Constant", "k", NULL, NULL, "c"), "value_string", "hello");
    expect(m, "c", "string[]", 0);

    /* the value's type is the output's; its value fills the data */
    m = tb_model(13);
    tb_int64s(m->graph, "shape", 2, (int64_t[]){2, 3});
    attr_int_tensor(tb_node(m->graph, "ConstantOfShape", "fill", "shape", NULL, "Y"), "value", T_INT32, 7);
    expect(m, "Y", "int32[2,3]", 0);

    m = tb_model(13);
    tb_int64s(m->graph, "shape", 1, (int64_t[]){2});
    attr_int_tensor(tb_node(m->graph, "ConstantOfShape", "fill", "shape", NULL, "s"), "value", T_INT64, 5);
    tb_node(m->graph, "ConstantOfShape", "fill2", "s", NULL, "Y");
    expect(m, "Y", "float[5,5]", 0);

    /* Constant's value tensor */
    m = tb_model(13);
    attr_int_tensor(tb_node(m->graph, "Constant", "k", NULL, NULL, "c"), "value", T_INT64, 9);
    tb_node(m->graph, "ConstantOfShape", "fill", "c", NULL, "Y");
    expect(m, "Y", "float[9]", 0);

    /* a negative dim cannot be a shape */
    m = tb_model(13);
    tb_int64s(m->graph, "shape", 2, (int64_t[]){2, -3});
    tb_node(m->graph, "ConstantOfShape", "fill", "shape", NULL, "Y");
    expect_error(m, "Y", "float[2,?]", "negative");
}

/* ---- Range ---- */

static void range(void **state)
{
    (void)state;
    /* floats: ceil((10 - 1) / 2) = 5 */
    Onnx__ModelProto *m = tb_model(11);
    float_scalar(m->graph, "a", 1.0f);
    float_scalar(m->graph, "b", 10.0f);
    float_scalar(m->graph, "d", 2.0f);
    tb_node_n(m->graph, "Range", "range", IN("a", "b", "d"), OUT("Y"));
    expect(m, "Y", "float[5]", 0);

    /* ints, negative delta: the values are [10, 7, 4], a shape */
    m = tb_model(11);
    int64_scalar(m->graph, "a", 10);
    int64_scalar(m->graph, "b", 1);
    int64_scalar(m->graph, "d", -3);
    tb_node_n(m->graph, "Range", "range", IN("a", "b", "d"), OUT("r"));
    tb_node(m->graph, "ConstantOfShape", "fill", "r", NULL, "Y");
    expect(m, "Y", "float[10,7,4]", 0);

    /* symbolic: Range(0, N, 1) has N elements, Range(0, N-5, 1) max(0, N-5): unknown */
    for (int minus = 0; minus <= 5; minus += 5) {
        m = tb_model(13);
        tb_input(m->graph, "X", T_FLOAT, 2, (int64_t[]){-1, 3});
        int64_scalar(m->graph, "zero", 0);
        int64_scalar(m->graph, "k", minus);
        int64_scalar(m->graph, "one", 1);
        tb_node(m->graph, "Shape", "shape", "X", NULL, "s");
        tb_node(m->graph, "Gather", "n", "s", "zero", "n");
        tb_node(m->graph, "Sub", "sub", "n", "k", "limit");
        tb_node_n(m->graph, "Range", "range", IN("zero", "limit", "one"), OUT("Y"));
        expect(m, "Y", minus ? "int64[?]" : "int64[N]", 0);
    }

    m = tb_model(11);
    int64_scalar(m->graph, "a", 0);
    int64_scalar(m->graph, "b", 4);
    int64_scalar(m->graph, "d", 0);
    tb_node_n(m->graph, "Range", "range", IN("a", "b", "d"), OUT("Y"));
    expect_error(m, "Y", "int64[?]", "delta");
}

/* ---- Expand, Tile ---- */

static void expand(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(13);
    int64_t x[] = {-1, 1};
    tb_input(m->graph, "X", T_FLOAT, 2, x);
    tb_int64s(m->graph, "shape", 3, (int64_t[]){2, 1, 6});
    tb_node(m->graph, "Expand", "e", "X", "shape", "Y");
    expect(m, "Y", "float[2,N,6]", 0);

    /* the target from a Shape: symbolic */
    m = tb_model(13);
    int64_t s[] = {3, 1}, big[] = {-1, 5};
    tb_input(m->graph, "X", T_FLOAT, 2, s);
    tb_input(m->graph, "B", T_FLOAT, 2, big);
    tb_node(m->graph, "Shape", "shape", "B", NULL, "t");
    tb_node(m->graph, "Expand", "e", "X", "t", "Y");
    expect(m, "Y", "float[3,5]", 0);

    m = tb_model(13);
    int64_t three[] = {3};
    tb_input(m->graph, "X", T_FLOAT, 1, three);
    tb_int64s(m->graph, "shape", 2, (int64_t[]){2, 4});
    tb_node(m->graph, "Expand", "e", "X", "shape", "Y");
    expect_error(m, "Y", "float[2,3]", "broadcast");
}

static void tile(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(13);
    int64_t x[] = {-1, 2};
    tb_input(m->graph, "X", T_FLOAT, 2, x);
    tb_int64s(m->graph, "repeats", 2, (int64_t[]){2, 3});
    tb_node(m->graph, "Tile", "t", "X", "repeats", "Y");
    expect(m, "Y", "float[2*N,6]", 0);

    /* values tiled: [2,3] twice is [2,3,2,3] */
    m = tb_model(13);
    tb_int64s(m->graph, "v", 2, (int64_t[]){2, 3});
    tb_int64s(m->graph, "repeats", 1, (int64_t[]){2});
    tb_node(m->graph, "Tile", "t", "v", "repeats", "s");
    tb_node(m->graph, "ConstantOfShape", "fill", "s", NULL, "Y");
    expect(m, "Y", "float[2,3,2,3]", 0);

    m = tb_model(13);
    tb_input(m->graph, "X", T_FLOAT, 2, x);
    tb_int64s(m->graph, "repeats", 1, (int64_t[]){2});
    tb_node(m->graph, "Tile", "t", "X", "repeats", "Y");
    expect_error(m, "Y", "float[?,?]", "repeats");
}

/* ---- Transpose ---- */

static void transpose(void **state)
{
    (void)state;
    int64_t x[] = {-1, 3, 4};
    Onnx__ModelProto *m = tb_model(13);
    tb_input(m->graph, "X", T_FLOAT, 3, x);
    tb_attr_ints(tb_node(m->graph, "Transpose", "t", "X", NULL, "Y"), "perm", 3, (int64_t[]){2, 0, 1});
    expect(m, "Y", "float[4,N,3]", 0);

    m = tb_model(13);
    tb_input(m->graph, "X", T_FLOAT, 3, x);
    tb_node(m->graph, "Transpose", "t", "X", NULL, "Y");
    expect(m, "Y", "float[4,3,N]", 0);

    m = tb_model(13);
    tb_input(m->graph, "X", T_FLOAT, 3, x);
    tb_attr_ints(tb_node(m->graph, "Transpose", "t", "X", NULL, "Y"), "perm", 3, (int64_t[]){0, 0, 1});
    expect_error(m, "Y", "float[?,?,?]", "permutation");
}

/* ---- Gather ---- */

static void gather(void **state)
{
    (void)state;
    int64_t x[] = {-1, 5, 6}, idx[] = {2, 3};
    Onnx__ModelProto *m = tb_model(13);
    tb_input(m->graph, "X", T_FLOAT, 3, x);
    tb_input(m->graph, "I", T_INT64, 2, idx);
    tb_attr_int(tb_node(m->graph, "Gather", "g", "X", "I", "Y"), "axis", 1);
    expect(m, "Y", "float[N,2,3,6]", 0);

    /* negative indices into a Shape's values: [6, N] */
    m = tb_model(13);
    tb_input(m->graph, "X", T_FLOAT, 3, x);
    tb_int64s(m->graph, "I", 2, (int64_t[]){-1, 0});
    tb_node(m->graph, "Shape", "shape", "X", NULL, "s");
    tb_node(m->graph, "Gather", "g", "s", "I", "t");
    tb_node(m->graph, "ConstantOfShape", "fill", "t", NULL, "Y");
    expect(m, "Y", "float[6,N]", 0);

    m = tb_model(13);
    tb_input(m->graph, "X", T_FLOAT, 3, x);
    tb_int64s(m->graph, "I", 1, (int64_t[]){5});
    tb_attr_int(tb_node(m->graph, "Gather", "g", "X", "I", "Y"), "axis", 1);
    expect_error(m, "Y", "float[N,1,6]", "index 5");
}

/* ---- Where ---- */

static void where(void **state)
{
    (void)state;
    int64_t c[] = {-1, 1}, x[] = {1, 4}, y[] = {1};
    Onnx__ModelProto *m = tb_model(16);
    tb_input(m->graph, "C", T_BOOL, 2, c);
    tb_input(m->graph, "X", T_FLOAT, 2, x);
    tb_input(m->graph, "Y", T_FLOAT, 1, y);
    tb_node_n(m->graph, "Where", "w", IN("C", "X", "Y"), OUT("Z"));
    expect(m, "Z", "float[N,4]", 0);

    /* values: choose from two shapes by a constant condition */
    m = tb_model(16);
    uint8_t cond[] = {1, 0};
    int64_t two[] = {2};
    tb_initializer(m->graph, "C", T_BOOL, 1, two, cond, sizeof cond);
    tb_int64s(m->graph, "A", 2, (int64_t[]){7, 8});
    tb_int64s(m->graph, "B", 2, (int64_t[]){5, 6});
    tb_node_n(m->graph, "Where", "w", IN("C", "A", "B"), OUT("s"));
    tb_node(m->graph, "ConstantOfShape", "fill", "s", NULL, "Z");
    expect(m, "Z", "float[7,6]", 0);

    m = tb_model(16);
    int64_t a[] = {3}, b[] = {4};
    tb_input(m->graph, "C", T_BOOL, 1, a);
    tb_input(m->graph, "X", T_FLOAT, 1, a);
    tb_input(m->graph, "Y", T_FLOAT, 1, b);
    tb_node_n(m->graph, "Where", "w", IN("C", "X", "Y"), OUT("Z"));
    expect_error(m, "Z", "float[3]", "broadcast");
}

/* ---- kernels: the numeric evaluator on hand-computed values ---- */

enum { T_UINT16 = 4, T_STRING = 8, T_FLOAT16 = 10, T_BFLOAT16 = 16 };





/* A float initializer of any shape holding 0, 1, 2... */
static void iota(Onnx__GraphProto *g, const char *name, size_t rank, const int64_t *dims)
{
    size_t count = 1;
    for (size_t d = 0; d < rank; d++)
        count *= (size_t)dims[d];
    float *v = calloc(count ? count : 1, sizeof *v);
    assert_non_null(v);
    for (size_t i = 0; i < count; i++)
        v[i] = (float)i;
    tb_initializer(g, name, T_FLOAT, rank, dims, v, count * sizeof *v);
    free(v);
}

/* An output declared float of unknown rank 1 (the run decides). */
static void out_any(Onnx__GraphProto *g, const char *name, int elem)
{
    int64_t d[1] = {-1};
    tb_output(g, name, elem, 1, d);
}

static void expect_floats(const ol_array *a, const float *want, size_t n)
{
    assert_int_equal(a->count, n);
    for (size_t i = 0; i < n; i++) {
        if (((const float *)a->data)[i] != want[i])
            print_error("element %zu: %g, expected %g\n", i, ((const float *)a->data)[i], want[i]);
        assert_true(((const float *)a->data)[i] == want[i]);
    }
}

static void expect_ints(const ol_array *a, const int64_t *want, size_t n)
{
    assert_int_equal(a->count, n);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(ol_array_get_i64(a, i), want[i]);
}


/* Shape (start/end), Size, Reshape (0, -1, allowzero), Squeeze,
 * Unsqueeze, Flatten: shapes only, data shared. */
static void kernel_shapes(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(12);
    int64_t xd[] = {2, 3, 4};
    iota(m->graph, "X", 3, xd);
    tb_int64s(m->graph, "s", 3, (int64_t[]){0, -1, 2});
    tb_node(m->graph, "Shape", "shape", "X", NULL, "S");
    tb_node(m->graph, "Size", "size", "X", NULL, "N");
    tb_node(m->graph, "Reshape", "reshape", "X", "s", "R");
    Onnx__NodeProto *u = tb_node(m->graph, "Unsqueeze", "unsq", "X", NULL, "U");
    tb_attr_ints(u, "axes", 2, (int64_t[]){-1, 0});
    Onnx__NodeProto *f = tb_node(m->graph, "Flatten", "flat", "X", NULL, "F");
    tb_attr_int(f, "axis", -1);
    const char *outs[] = {"S", "N", "R", "U", "F"};
    for (size_t i = 0; i < 5; i++)
        out_any(m->graph, outs[i], i < 2 ? T_INT64 : T_FLOAT);
    krun r;
    krun_start(&r, m);
    expect_ints(kout(&r, 0, T_INT64, 1, (int64_t[]){3}), (int64_t[]){2, 3, 4}, 3);
    expect_ints(kout(&r, 1, T_INT64, 0, NULL), (int64_t[]){24}, 1);
    const ol_array *rs = kout(&r, 2, T_FLOAT, 3, (int64_t[]){2, 6, 2});
    assert_true(((const float *)rs->data)[23] == 23.0f);
    kout(&r, 3, T_FLOAT, 5, (int64_t[]){1, 2, 3, 4, 1});
    kout(&r, 4, T_FLOAT, 2, (int64_t[]){6, 4});
    krun_end(&r);

    /* opset 15: Shape's start/end, Squeeze's axes as an input, allowzero */
    m = tb_model(15);
    int64_t yd[] = {1, 3, 1}, e[] = {0, 3};
    iota(m->graph, "Y", 3, yd);
    iota(m->graph, "E", 2, e);
    tb_int64s(m->graph, "ax", 1, (int64_t[]){-1});
    tb_int64s(m->graph, "z", 2, (int64_t[]){0, 3});
    Onnx__NodeProto *sh = tb_node(m->graph, "Shape", "shape", "Y", NULL, "S");
    tb_attr_int(sh, "start", -2);
    tb_attr_int(sh, "end", 100);
    tb_node(m->graph, "Squeeze", "sq", "Y", "ax", "Q");
    tb_node(m->graph, "Squeeze", "sqall", "Y", NULL, "QA");
    Onnx__NodeProto *rz = tb_node(m->graph, "Reshape", "reshape0", "E", "z", "RZ");
    tb_attr_int(rz, "allowzero", 1);
    out_any(m->graph, "S", T_INT64);
    out_any(m->graph, "Q", T_FLOAT);
    out_any(m->graph, "QA", T_FLOAT);
    out_any(m->graph, "RZ", T_FLOAT);
    krun_start(&r, m);
    expect_ints(kout(&r, 0, T_INT64, 1, (int64_t[]){2}), (int64_t[]){3, 1}, 2);
    kout(&r, 1, T_FLOAT, 2, (int64_t[]){1, 3});
    kout(&r, 2, T_FLOAT, 1, (int64_t[]){3});
    kout(&r, 3, T_FLOAT, 2, (int64_t[]){0, 3});
    krun_end(&r);
}

static void kernel_reshape_errors(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(14);
    int64_t xd[] = {2, 3};
    iota(m->graph, "X", 2, xd);
    tb_int64s(m->graph, "s", 2, (int64_t[]){4, -1});
    tb_node(m->graph, "Reshape", "reshape", "X", "s", "R");
    out_any(m->graph, "R", T_FLOAT);
    expect_run_error(m, "cannot reshape (2,3) (6 elements) to [4,-1]");

    m = tb_model(13);
    iota(m->graph, "X", 2, xd);
    tb_int64s(m->graph, "ax", 1, (int64_t[]){1});
    tb_node(m->graph, "Squeeze", "sq", "X", "ax", "Q");
    out_any(m->graph, "Q", T_FLOAT);
    expect_run_error(m, "cannot squeeze axis 1 of (2,3)");
}

/* Slice: negative steps, clamping, default axes; Concat with an empty
 * input; Transpose (small, and large enough for the blocked path). */
static void kernel_slice_concat_transpose(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(13);
    int64_t xd[] = {2, 5}, ed[] = {2, 0}, bd[] = {3, 40, 50};
    iota(m->graph, "X", 2, xd);
    iota(m->graph, "E", 2, ed);
    iota(m->graph, "B", 3, bd);
    tb_int64s(m->graph, "st", 1, (int64_t[]){-1});
    tb_int64s(m->graph, "en", 1, (int64_t[]){INT64_MIN});
    tb_int64s(m->graph, "ax", 1, (int64_t[]){1});
    tb_int64s(m->graph, "sp", 1, (int64_t[]){-2});
    tb_int64s(m->graph, "st2", 2, (int64_t[]){1, 1000});
    tb_int64s(m->graph, "en2", 2, (int64_t[]){1000, 2000});
    tb_node_n(m->graph, "Slice", "rev", IN("X", "st", "en", "ax", "sp"), OUT("A"));
    tb_node_n(m->graph, "Slice", "clamp", IN("X", "st2", "en2"), OUT("C"));
    Onnx__NodeProto *cat = tb_node_n(m->graph, "Concat", "cat", IN("X", "E", "X"), OUT("K"));
    tb_attr_int(cat, "axis", -1);
    tb_node(m->graph, "Transpose", "t", "X", NULL, "T");
    Onnx__NodeProto *tb = tb_node(m->graph, "Transpose", "tb", "B", NULL, "TB");
    tb_attr_ints(tb, "perm", 3, (int64_t[]){2, 0, 1});
    const char *outs[] = {"A", "C", "K", "T", "TB"};
    for (size_t i = 0; i < 5; i++)
        out_any(m->graph, outs[i], T_FLOAT);
    krun r;
    krun_start(&r, m);
    expect_floats(kout(&r, 0, T_FLOAT, 2, (int64_t[]){2, 3}), (float[]){4, 2, 0, 9, 7, 5}, 6);
    kout(&r, 1, T_FLOAT, 2, (int64_t[]){1, 0});
    expect_floats(kout(&r, 2, T_FLOAT, 2, (int64_t[]){2, 10}),
                  (float[]){0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 5, 6, 7, 8, 9}, 20);
    expect_floats(kout(&r, 3, T_FLOAT, 2, (int64_t[]){5, 2}), (float[]){0, 5, 1, 6, 2, 7, 3, 8, 4, 9}, 10);
    const ol_array *t = kout(&r, 4, T_FLOAT, 3, (int64_t[]){50, 3, 40});
    const float *tv = t->data;
    for (int64_t c = 0; c < 50; c++)
        for (int64_t a = 0; a < 3; a++)
            for (int64_t b = 0; b < 40; b++)
                assert_true(tv[(c * 3 + a) * 40 + b] == (float)((a * 40 + b) * 50 + c));
    krun_end(&r);

    m = tb_model(13);
    iota(m->graph, "X", 2, xd);
    int64_t yd[] = {3, 5};
    iota(m->graph, "Y", 2, yd);
    Onnx__NodeProto *bad = tb_node(m->graph, "Concat", "cat", "X", "Y", "K");
    tb_attr_int(bad, "axis", 1);
    out_any(m->graph, "K", T_FLOAT);
    expect_run_error(m, "cannot concatenate (2,5) with (3,5) on axis 1");
}

/* Expand and Where broadcast, Tile repeats, Gather with negative and 2-D
 * indices (and one out of range). */
static void kernel_expand_tile_gather_where(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(13);
    int64_t cd[] = {3, 1}, xd[] = {2, 2}, id[] = {2, 2};
    iota(m->graph, "C", 2, cd);
    iota(m->graph, "X", 2, xd);
    int32_t idx[] = {-1, 0, 2, 1};
    tb_initializer(m->graph, "I", T_INT32, 2, id, idx, sizeof idx);
    tb_int64s(m->graph, "sh", 3, (int64_t[]){2, 1, 2});
    tb_int64s(m->graph, "rep", 2, (int64_t[]){2, 3});
    tb_node(m->graph, "Expand", "exp", "C", "sh", "EX");
    tb_node(m->graph, "Tile", "tile", "X", "rep", "TI");
    tb_node(m->graph, "Gather", "gather", "C", "I", "GA");
    const char *outs[] = {"EX", "TI", "GA"};
    for (size_t i = 0; i < 3; i++)
        out_any(m->graph, outs[i], T_FLOAT);
    krun r;
    krun_start(&r, m);
    expect_floats(kout(&r, 0, T_FLOAT, 3, (int64_t[]){2, 3, 2}), (float[]){0, 0, 1, 1, 2, 2, 0, 0, 1, 1, 2, 2}, 12);
    expect_floats(kout(&r, 1, T_FLOAT, 2, (int64_t[]){4, 6}),
                  (float[]){0, 1, 0, 1, 0, 1, 2, 3, 2, 3, 2, 3, 0, 1, 0, 1, 0, 1, 2, 3, 2, 3, 2, 3}, 24);
    expect_floats(kout(&r, 2, T_FLOAT, 3, (int64_t[]){2, 2, 1}), (float[]){2, 0, 2, 1}, 4);
    krun_end(&r);

    m = tb_model(13);
    iota(m->graph, "C", 2, cd);
    tb_int64s(m->graph, "I", 1, (int64_t[]){3});
    tb_node(m->graph, "Gather", "gather", "C", "I", "GA");
    out_any(m->graph, "GA", T_FLOAT);
    expect_run_error(m, "index 3 is out of range for axis 0 of (3,1)");

    m = tb_model(13);
    iota(m->graph, "C", 2, cd);
    tb_int64s(m->graph, "sh", 2, (int64_t[]){2, 2});
    tb_node(m->graph, "Expand", "exp", "C", "sh", "EX");
    out_any(m->graph, "EX", T_FLOAT);
    expect_run_error(m, "cannot expand (3,1) to [2,2]");
}

static void kernel_where_broadcast(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(16);
    int64_t bd[] = {2}, xd[] = {3, 1}, yd[] = {1};
    uint8_t cond[] = {1, 0};
    tb_initializer(m->graph, "B", T_BOOL, 1, bd, cond, sizeof cond);
    iota(m->graph, "X", 2, xd);
    float minus = -1.0f;
    tb_initializer(m->graph, "Y", T_FLOAT, 1, yd, &minus, sizeof minus);
    tb_node_n(m->graph, "Where", "where", IN("B", "X", "Y"), OUT("W"));
    out_any(m->graph, "W", T_FLOAT);
    krun r;
    krun_start(&r, m);
    expect_floats(kout(&r, 0, T_FLOAT, 2, (int64_t[]){3, 2}), (float[]){0, -1, 1, -1, 2, -1}, 6);
    krun_end(&r);
}

/* Cast: numpy's str() of floats, back from strings, truncation to int,
 * float16 rounding and the suite's bfloat16 truncation. */
static void kernel_cast(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(13);
    float v[] = {0.039187793f, 1e-4f, 123456789.0f, 1.0f, -2.7f, 1e16f, 0.48033667f, 1.0f / 3.0f};
    int64_t vd[] = {8};
    tb_initializer(m->graph, "X", T_FLOAT, 1, vd, v, sizeof v);
    const int to[] = {T_STRING, T_INT32, T_FLOAT16, T_BFLOAT16};
    const char *names[] = {"S", "I", "H", "BF"};
    for (size_t i = 0; i < 4; i++) {
        Onnx__NodeProto *n = tb_node(m->graph, "Cast", names[i], "X", NULL, names[i]);
        tb_attr_int(n, "to", to[i]);
    }
    Onnx__NodeProto *back = tb_node(m->graph, "Cast", "back", "S", NULL, "F");
    tb_attr_int(back, "to", T_FLOAT);
    for (size_t i = 0; i < 4; i++)
        out_any(m->graph, names[i], to[i]);
    out_any(m->graph, "F", T_FLOAT);
    krun r;
    krun_start(&r, m);
    const ol_array *s = kout(&r, 0, T_STRING, 1, vd);
    const char *want[] = {"0.039187793", "1e-04", "123456790.0", "1.0", "-2.7", "1e+16", "0.48033667", "0.33333334"};
    for (size_t i = 0; i < 8; i++) {
        ol_string got = ((const ol_string *)s->data)[i];
        if (got.len != strlen(want[i]) || memcmp(got.data, want[i], got.len) != 0)
            print_error("string %zu: '%.*s', expected '%s'\n", i, (int)got.len, got.data, want[i]);
        assert_int_equal(got.len, strlen(want[i]));
        assert_memory_equal(got.data, want[i], got.len);
    }
    expect_ints(kout(&r, 1, T_INT32, 1, vd), (int64_t[]){0, 0, 123456792, 1, -2, INT32_MIN, 0, 0}, 8);
    const ol_array *h = kout(&r, 2, T_FLOAT16, 1, vd);
    assert_int_equal(((const uint16_t *)h->data)[3], 0x3c00);      /* 1.0 */
    assert_int_equal(((const uint16_t *)h->data)[7], 0x3555);      /* 1/3 rounded to nearest */
    const ol_array *bf = kout(&r, 3, T_BFLOAT16, 1, vd);
    assert_int_equal(((const uint16_t *)bf->data)[6], 16117);      /* truncated, not rounded (16118) */
    expect_floats(kout(&r, 4, T_FLOAT, 1, vd), v, 8);
    krun_end(&r);

    /* opset 19: float8 E4M3FN (saturating by default) and E5M2 without
     * saturation, there and back */
    enum { T_E4M3FN = 17, T_E5M2 = 19 };
    m = tb_model(19);
    float w[] = {1.0f, 448.0f, 500.0f, -0.3f, 0.0009765625f, 1e6f};
    int64_t wd[] = {6};
    tb_initializer(m->graph, "X", T_FLOAT, 1, wd, w, sizeof w);
    Onnx__NodeProto *n = tb_node(m->graph, "Cast", "e4", "X", NULL, "E4");
    tb_attr_int(n, "to", T_E4M3FN);
    n = tb_node(m->graph, "Cast", "e5", "X", NULL, "E5");
    tb_attr_int(n, "to", T_E5M2);
    tb_attr_int(n, "saturate", 0);
    n = tb_node(m->graph, "Cast", "e4f", "E4", NULL, "F4");
    tb_attr_int(n, "to", T_FLOAT);
    n = tb_node(m->graph, "Cast", "e5f", "E5", NULL, "F5");
    tb_attr_int(n, "to", T_FLOAT);
    out_any(m->graph, "E4", T_E4M3FN);
    out_any(m->graph, "F4", T_FLOAT);
    out_any(m->graph, "F5", T_FLOAT);
    krun_start(&r, m);
    const ol_array *e4 = kout(&r, 0, T_E4M3FN, 1, wd);
    const uint8_t codes[] = {0x38, 0x7e, 0x7e, 0xaa, 0x00, 0x7e};
    assert_memory_equal(e4->data, codes, sizeof codes);
    expect_floats(kout(&r, 1, T_FLOAT, 1, wd), (float[]){1, 448, 448, -0.3125f, 0, 448}, 6);
    expect_floats(kout(&r, 2, T_FLOAT, 1, wd), (float[]){1, 448, 512, -0.3125f, 0.0009765625f, INFINITY}, 6);
    krun_end(&r);
}

/* A TensorProto of rank 1 or 2 with raw data (a sparse tensor's part). */
static Onnx__TensorProto *raw_tensor(int elem, size_t rank, const int64_t *dims, const void *raw, size_t len)
{
    Onnx__TensorProto *t = calloc(1, sizeof *t);
    assert_non_null(t);
    onnx__tensor_proto__init(t);
    t->has_data_type = 1;
    t->data_type = elem;
    t->dims = calloc(rank, sizeof *t->dims);
    assert_non_null(t->dims);
    memcpy(t->dims, dims, rank * sizeof *dims);
    t->n_dims = rank;
    t->has_raw_data = 1;
    t->raw_data.data = malloc(len);
    assert_non_null(t->raw_data.data);
    memcpy(t->raw_data.data, raw, len);
    t->raw_data.len = len;
    return t;
}

/* Constant's sparse_value, dense (2,3) from values at coordinates, and
 * linear indices out of range. */
static void kernel_constant_sparse(void **state)
{
    (void)state;
    for (int variant = 0; variant < 2; variant++) {
        Onnx__ModelProto *m = tb_model(13);
        Onnx__NodeProto *c = tb_node(m->graph, "Constant", "c", NULL, NULL, "C");
        Onnx__SparseTensorProto *sp = calloc(1, sizeof *sp);
        Onnx__AttributeProto *a = calloc(1, sizeof *a);
        assert_non_null(sp);
        assert_non_null(a);
        onnx__sparse_tensor_proto__init(sp);
        float vals[] = {5.0f, 7.0f};
        int64_t vd[] = {2}, cd[] = {2, 2}, coords[] = {0, 2, 1, 0}, linear[] = {2, 6};
        sp->values = raw_tensor(T_FLOAT, 1, vd, vals, sizeof vals);
        sp->indices = variant == 0 ? raw_tensor(T_INT64, 2, cd, coords, sizeof coords)
                                   : raw_tensor(T_INT64, 1, vd, linear, sizeof linear);
        sp->dims = calloc(2, sizeof *sp->dims);
        assert_non_null(sp->dims);
        sp->dims[0] = 2;
        sp->dims[1] = 3;
        sp->n_dims = 2;
        onnx__attribute_proto__init(a);
        a->name = strdup("sparse_value");
        a->has_type = 1;
        a->type = ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__SPARSE_TENSOR;
        a->sparse_tensor = sp;
        c->attribute = calloc(1, sizeof *c->attribute);
        assert_non_null(c->attribute);
        c->attribute[0] = a;
        c->n_attribute = 1;
        out_any(m->graph, "C", T_FLOAT);
        if (variant == 1) {
            expect_run_error(m, "index 1 lies outside (2,3)");
            continue;
        }
        krun r;
        krun_start(&r, m);
        expect_floats(kout(&r, 0, T_FLOAT, 2, (int64_t[]){2, 3}), (float[]){0, 0, 5, 7, 0, 0}, 6);
        krun_end(&r);
    }
}

/* A sparse initializer is read dense, in its declared dims (2,3), not as
 * its values part (2). */
static void sparse_initializer_is_dense(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(13);
    Onnx__SparseTensorProto *sp = calloc(1, sizeof *sp);
    assert_non_null(sp);
    onnx__sparse_tensor_proto__init(sp);
    float vals[] = {5.0f, 7.0f};
    int64_t vd[] = {2}, linear[] = {1, 4};
    sp->values = raw_tensor(T_FLOAT, 1, vd, vals, sizeof vals);
    sp->values->name = strdup("S");
    sp->indices = raw_tensor(T_INT64, 1, vd, linear, sizeof linear);
    sp->dims = calloc(2, sizeof *sp->dims);
    assert_non_null(sp->dims);
    sp->dims[0] = 2;
    sp->dims[1] = 3;
    sp->n_dims = 2;
    m->graph->sparse_initializer = calloc(1, sizeof *m->graph->sparse_initializer);
    assert_non_null(m->graph->sparse_initializer);
    m->graph->sparse_initializer[0] = sp;
    m->graph->n_sparse_initializer = 1;
    tb_node(m->graph, "Identity", "id", "S", NULL, "Y");
    out_any(m->graph, "Y", T_FLOAT);
    krun r;
    krun_start(&r, m);
    expect_floats(kout(&r, 0, T_FLOAT, 2, (int64_t[]){2, 3}), (float[]){0, 5, 0, 0, 7, 0}, 6);
    krun_end(&r);
}

/* Constant's forms, ConstantOfShape with an int value and an empty shape,
 * Range over ints and floats. */
static void kernel_constants_range(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(13);
    Onnx__NodeProto *c = tb_node(m->graph, "Constant", "c", NULL, NULL, "C");
    tb_attr_ints(c, "value_ints", 3, (int64_t[]){2, 0, 3});
    Onnx__NodeProto *f = tb_node(m->graph, "Constant", "f", NULL, NULL, "F");
    tb_attr_float(f, "value_float", 2.5f);
    tb_node(m->graph, "ConstantOfShape", "z", "C", NULL, "Z");
    tb_int64s(m->graph, "sh", 2, (int64_t[]){2, 2});
    Onnx__NodeProto *o = tb_node(m->graph, "ConstantOfShape", "o", "sh", NULL, "O");
    attr_int_tensor(o, "value", T_INT32, 7);
    int64_t no_dims[1] = {0};
    int64_t i0 = 10, i1 = 4, i2 = -3;
    tb_initializer(m->graph, "a", T_INT64, 0, no_dims, &i0, sizeof i0);
    tb_initializer(m->graph, "b", T_INT64, 0, no_dims, &i1, sizeof i1);
    tb_initializer(m->graph, "d", T_INT64, 0, no_dims, &i2, sizeof i2);
    float_scalar(m->graph, "fa", 1.0f);
    float_scalar(m->graph, "fb", 2.0f);
    float_scalar(m->graph, "fd", 0.25f);
    tb_node_n(m->graph, "Range", "ri", IN("a", "b", "d"), OUT("RI"));
    tb_node_n(m->graph, "Range", "rf", IN("fa", "fb", "fd"), OUT("RF"));
    tb_node_n(m->graph, "Range", "re", IN("b", "a", "d"), OUT("RE"));
    out_any(m->graph, "C", T_INT64);
    out_any(m->graph, "F", T_FLOAT);
    out_any(m->graph, "Z", T_FLOAT);
    out_any(m->graph, "O", T_INT32);
    out_any(m->graph, "RI", T_INT64);
    out_any(m->graph, "RF", T_FLOAT);
    out_any(m->graph, "RE", T_INT64);
    krun r;
    krun_start(&r, m);
    expect_ints(kout(&r, 0, T_INT64, 1, (int64_t[]){3}), (int64_t[]){2, 0, 3}, 3);
    expect_floats(kout(&r, 1, T_FLOAT, 0, NULL), (float[]){2.5f}, 1);
    kout(&r, 2, T_FLOAT, 3, (int64_t[]){2, 0, 3});
    expect_ints(kout(&r, 3, T_INT32, 2, (int64_t[]){2, 2}), (int64_t[]){7, 7, 7, 7}, 4);
    expect_ints(kout(&r, 4, T_INT64, 1, (int64_t[]){2}), (int64_t[]){10, 7}, 2);
    expect_floats(kout(&r, 5, T_FLOAT, 1, (int64_t[]){4}), (float[]){1, 1.25f, 1.5f, 1.75f}, 4);
    kout(&r, 6, T_INT64, 1, (int64_t[]){0});
    krun_end(&r);

    m = tb_model(13);
    tb_initializer(m->graph, "a", T_INT64, 0, no_dims, &i0, sizeof i0);
    int64_t zero = 0;
    tb_initializer(m->graph, "d", T_INT64, 0, no_dims, &zero, sizeof zero);
    tb_node_n(m->graph, "Range", "r", IN("a", "a", "d"), OUT("R"));
    out_any(m->graph, "R", T_INT64);
    expect_run_error(m, "delta is 0");
}

/* Whatever shapes accepts, run runs, and the reverse: cases where the two
 * disagreed.  Each is an error for inference and a failure for the run. */
static void shapes_and_run_agree(void **state)
{
    (void)state;
    float four[4] = {1, 2, 3, 4};
    for (int run = 0; run < 2; run++) {
        /* Unsqueeze-1 (axes attribute) takes no negative axis */
        Onnx__ModelProto *m = tb_model(9);
        if (run)
            tb_initializer(m->graph, "X", T_FLOAT, 1, (int64_t[]){4}, four, sizeof four);
        else
            tb_input(m->graph, "X", T_FLOAT, 1, (int64_t[]){4});
        tb_attr_ints(tb_node(m->graph, "Unsqueeze", "u", "X", NULL, "Y"), "axes", 1, (int64_t[]){-1});
        if (run) {
            tb_output(m->graph, "Y", T_FLOAT, 2, (int64_t[]){4, 1});
            expect_run_error(m, "negative");
        } else {
            expect_error(m, "Y", "float[?,?]", "takes axes >= 0");
        }

        /* OneHot of scalar indices */
        m = tb_model(11);
        int64_t idx = 1, depth = 3;
        float values[2] = {0, 1};
        if (run)
            tb_initializer(m->graph, "I", T_INT64, 0, NULL, &idx, sizeof idx);
        else
            tb_input(m->graph, "I", T_INT64, 0, NULL);
        tb_initializer(m->graph, "D", T_INT64, 0, NULL, &depth, sizeof depth);
        tb_initializer(m->graph, "V", T_FLOAT, 1, (int64_t[]){2}, values, sizeof values);
        tb_node_n(m->graph, "OneHot", "onehot", IN("I", "D", "V"), OUT("Y"));
        if (run) {
            tb_output(m->graph, "Y", T_FLOAT, 1, (int64_t[]){3});
            expect_run_error(m, "rank >= 1");
        } else {
            expect_error(m, "Y", "float[?]", "rank >= 1");
        }

        /* MeanVarianceNormalization's default axes [0,2,3] on rank 3 */
        m = tb_model(13);
        if (run)
            tb_initializer(m->graph, "X", T_FLOAT, 3, (int64_t[]){1, 2, 2}, four, sizeof four);
        else
            tb_input(m->graph, "X", T_FLOAT, 3, (int64_t[]){1, 2, 2});
        tb_node(m->graph, "MeanVarianceNormalization", "mvn", "X", NULL, "Y");
        if (run) {
            tb_output(m->graph, "Y", T_FLOAT, 3, (int64_t[]){1, 2, 2});
            expect_run_error(m, "out of range");
        } else {
            expect_error(m, "Y", "float[1,2,2]", "out of range for rank 3");
        }

        /* int64 Sum: not in Sum's type constraint */
        m = tb_model(13);
        int64_t ints[2] = {1, 2};
        if (run)
            tb_initializer(m->graph, "A", T_INT64, 1, (int64_t[]){2}, ints, sizeof ints);
        else
            tb_input(m->graph, "A", T_INT64, 1, (int64_t[]){2});
        tb_node_n(m->graph, "Sum", "sum", IN("A", "A"), OUT("Y"));
        if (run) {
            tb_output(m->graph, "Y", T_INT64, 1, (int64_t[]){2});
            expect_run_error(m, "does not take int64 for input 0");
        } else {
            tb_result r = tb_infer(m, VALUES("Y"));
            assert_true(r.errors >= 1);
            assert_non_null(strstr(r.all_errors, "type-error"));
            tb_model_free(m);
        }
    }
    /* DepthToSpace: a blocksize whose square overflows */
    Onnx__ModelProto *m = tb_model(13);
    tb_input(m->graph, "X", T_FLOAT, 4, (int64_t[]){1, 4, 2, 2});
    tb_attr_int(tb_node(m->graph, "DepthToSpace", "d2s", "X", NULL, "Y"), "blocksize", (int64_t)1 << 32);
    expect_error(m, "Y", "float[1,?,?,?]", "its square overflows");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pipeline_smoke),
        cmocka_unit_test(reshape_flatten_idiom),
        cmocka_unit_test(reshape_symbolic_and_copy),
        cmocka_unit_test(reshape_errors),
        cmocka_unit_test(shape_and_size),
        cmocka_unit_test(concat_symbolic),
        cmocka_unit_test(concat_errors),
        cmocka_unit_test(slice_symbolic),
        cmocka_unit_test(shapes_and_run_agree),
        cmocka_unit_test(slice_data),
        cmocka_unit_test(slice_errors),
        cmocka_unit_test(squeeze_unsqueeze),
        cmocka_unit_test(squeeze_unsqueeze_errors),
        cmocka_unit_test(flatten),
        cmocka_unit_test(cast_keeps_values),
        cmocka_unit_test(constants),
        cmocka_unit_test(range),
        cmocka_unit_test(expand),
        cmocka_unit_test(tile),
        cmocka_unit_test(transpose),
        cmocka_unit_test(gather),
        cmocka_unit_test(where),
        cmocka_unit_test(kernel_shapes),
        cmocka_unit_test(kernel_reshape_errors),
        cmocka_unit_test(kernel_slice_concat_transpose),
        cmocka_unit_test(kernel_expand_tile_gather_where),
        cmocka_unit_test(kernel_where_broadcast),
        cmocka_unit_test(kernel_cast),
        cmocka_unit_test(kernel_constants_range),
        cmocka_unit_test(kernel_constant_sparse),
        cmocka_unit_test(sparse_initializer_is_dense),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
