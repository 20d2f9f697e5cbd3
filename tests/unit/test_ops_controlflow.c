/*
 * test_ops_controlflow.c - inference of the controlflow family (If, Loop,
 * Scan) and of the sequence family (sequences and optionals) on hand-built
 * graphs, including error and symbolic cases; and their kernels, run by the
 * evaluator on initializers, against hand-computed values.
 *
 * Subgraph inputs and outputs are declared by name only, so what these
 * tests read is what inference found, not a declaration filled in.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "builder.h"
#include "eval/eval.h"
#include "onnxlint/onnxlint.h"

enum { FLOAT = 1, INT64 = 7, BOOL = 9 };

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

/* ---- fixtures ---- */

static Onnx__ValueInfoProto *untyped(const char *name)
{
    Onnx__ValueInfoProto *vi = calloc(1, sizeof *vi);
    assert_non_null(vi);
    onnx__value_info_proto__init(vi);
    vi->name = strdup(name);
    return vi;
}

/* Appends graph inputs / outputs declared by name only (NULL-terminated). */
static void untyped_inputs(Onnx__GraphProto *g, const char *const *names)
{
    for (size_t i = 0; names[i]; i++) {
        g->input = realloc(g->input, (g->n_input + 1) * sizeof *g->input);
        assert_non_null(g->input);
        g->input[g->n_input++] = untyped(names[i]);
    }
}

static void untyped_outputs(Onnx__GraphProto *g, const char *const *names)
{
    for (size_t i = 0; names[i]; i++) {
        g->output = realloc(g->output, (g->n_output + 1) * sizeof *g->output);
        assert_non_null(g->output);
        g->output[g->n_output++] = untyped(names[i]);
    }
}

static void scalar_int64(Onnx__GraphProto *g, const char *name, int64_t v)
{
    int64_t no_dims[1] = {0};
    tb_initializer(g, name, INT64, 0, no_dims, &v, sizeof v);
}

static void scalar_bool(Onnx__GraphProto *g, const char *name, int v)
{
    int64_t no_dims[1] = {0};
    uint8_t b = (uint8_t)(v != 0);
    tb_initializer(g, name, BOOL, 0, no_dims, &b, 1);
}

/* A TYPE_PROTO attribute holding tensor(elem)[dims]. */
static void tensor_type_attr(Onnx__NodeProto *n, const char *name, int elem, size_t rank, const int64_t *dims)
{
    Onnx__TensorShapeProto *s = calloc(1, sizeof *s);
    Onnx__TypeProto__Tensor *tt = calloc(1, sizeof *tt);
    Onnx__TypeProto *tp = calloc(1, sizeof *tp);
    Onnx__AttributeProto *a = calloc(1, sizeof *a);
    assert_true(s && tt && tp && a);
    onnx__tensor_shape_proto__init(s);
    s->dim = calloc(rank + 1, sizeof *s->dim);
    assert_non_null(s->dim);
    for (size_t i = 0; i < rank; i++) {
        Onnx__TensorShapeProto__Dimension *d = calloc(1, sizeof *d);
        assert_non_null(d);
        onnx__tensor_shape_proto__dimension__init(d);
        d->value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE;
        d->dim_value = dims[i];
        s->dim[s->n_dim++] = d;
    }
    onnx__type_proto__tensor__init(tt);
    tt->has_elem_type = 1;
    tt->elem_type = elem;
    tt->shape = s;
    onnx__type_proto__init(tp);
    tp->value_case = ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE;
    tp->tensor_type = tt;
    onnx__attribute_proto__init(a);
    a->name = strdup(name);
    a->has_type = 1;
    a->type = ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__TYPE_PROTO;
    a->tp = tp;
    n->attribute = realloc(n->attribute, (n->n_attribute + 1) * sizeof *n->attribute);
    assert_non_null(n->attribute);
    n->attribute[n->n_attribute++] = a;
}

/* A branch graph returning one outer value through Identity. */
static Onnx__GraphProto *identity_branch(const char *name, const char *value, const char *out)
{
    Onnx__GraphProto *b = tb_graph(name);
    tb_node(b, "Identity", "id", value, NULL, out);
    untyped_outputs(b, (const char *[]){out, NULL});
    return b;
}

/* ---- If ---- */

/* X[N,3] or Y[N,4]: the dims both branches agree on are kept, the others
 * become unknown (no new symbol is invented). */
static void if_joins_branches(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(13);
    int64_t a[] = {-1, 3}, b[] = {-1, 4}, none[1] = {0};
    tb_input(m->graph, "C", BOOL, 0, none);
    tb_input(m->graph, "A", FLOAT, 2, a);
    tb_input(m->graph, "B", FLOAT, 2, b);
    Onnx__NodeProto *n = tb_node(m->graph, "If", "if", "C", NULL, "R");
    tb_graph_attribute(n, "then_branch", identity_branch("then", "A", "t"));
    tb_graph_attribute(n, "else_branch", identity_branch("else", "B", "e"));
    untyped_outputs(m->graph, (const char *[]){"R", NULL});
    tb_result r = tb_infer(m, (const char *[]){"R", NULL});
    assert_string_equal(r.types[0], "float[N,?]");
    assert_int_equal(r.errors, 0);
    tb_model_free(m);
}

/* A condition known false selects else_branch alone: its type, and the
 * then_branch (a broadcast error for these shapes) is not inferred. */
static void if_known_condition_takes_one_branch(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(13);
    int64_t a[] = {-1, 3}, b[] = {-1, 4};
    scalar_bool(m->graph, "C", 0);
    tb_input(m->graph, "A", FLOAT, 2, a);
    tb_input(m->graph, "B", FLOAT, 2, b);
    Onnx__GraphProto *then = tb_graph("then");
    tb_node(then, "Add", "bad", "A", "B", "t");
    untyped_outputs(then, (const char *[]){"t", NULL});
    Onnx__NodeProto *n = tb_node(m->graph, "If", "if", "C", NULL, "R");
    tb_graph_attribute(n, "then_branch", then);
    tb_graph_attribute(n, "else_branch", identity_branch("else", "B", "e"));
    untyped_outputs(m->graph, (const char *[]){"R", NULL});
    tb_result r = tb_infer(m, (const char *[]){"R", NULL});
    assert_string_equal(r.types[0], "float[N,4]");
    assert_int_equal(r.errors, 0);
    tb_model_free(m);
}

/* Branches returning float and int64 contradict each other. */
static void if_branch_element_types_differ(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(13);
    int64_t a[] = {2}, none[1] = {0};
    tb_input(m->graph, "C", BOOL, 0, none);
    tb_input(m->graph, "A", FLOAT, 1, a);
    tb_input(m->graph, "B", INT64, 1, a);
    Onnx__NodeProto *n = tb_node(m->graph, "If", "if", "C", NULL, "R");
    tb_graph_attribute(n, "then_branch", identity_branch("then", "A", "t"));
    tb_graph_attribute(n, "else_branch", identity_branch("else", "B", "e"));
    untyped_outputs(m->graph, (const char *[]){"R", NULL});
    tb_result r = tb_infer(m, (const char *[]){"R", NULL});
    assert_int_equal(r.errors, 1);
    assert_non_null(strstr(r.first_error, "type-error"));
    assert_non_null(strstr(r.first_error, "float[2] vs int64[2]"));
    tb_model_free(m);
}

/* Sequences from both branches: their element shapes are joined. */
static void if_joins_sequences(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(13);
    int64_t a[] = {-1, 3}, b[] = {-1, 4}, none[1] = {0};
    tb_input(m->graph, "C", BOOL, 0, none);
    tb_input(m->graph, "A", FLOAT, 2, a);
    tb_input(m->graph, "B", FLOAT, 2, b);
    Onnx__GraphProto *then = tb_graph("then"), *els = tb_graph("else");
    tb_node(then, "SequenceConstruct", "sc", "A", NULL, "t");
    untyped_outputs(then, (const char *[]){"t", NULL});
    tb_node(els, "SequenceConstruct", "sc", "B", NULL, "e");
    untyped_outputs(els, (const char *[]){"e", NULL});
    Onnx__NodeProto *n = tb_node(m->graph, "If", "if", "C", NULL, "R");
    tb_graph_attribute(n, "then_branch", then);
    tb_graph_attribute(n, "else_branch", els);
    untyped_outputs(m->graph, (const char *[]){"R", NULL});
    tb_result r = tb_infer(m, (const char *[]){"R", NULL});
    assert_string_equal(r.types[0], "seq(float[N,?])");
    assert_int_equal(r.errors, 0);
    tb_model_free(m);
}

/* ---- Loop ---- */

/* A Loop body: (i, cond, v) -> (cond, op(v...), scan of v); op's node is
 * returned for attributes. */
static Onnx__NodeProto *loop_body(Onnx__NodeProto *loop, const char *op, const char *const *op_inputs, bool scan)
{
    Onnx__GraphProto *b = tb_graph("body");
    untyped_inputs(b, (const char *[]){"i", "c", "v", NULL});
    tb_node(b, "Identity", "keep", "c", NULL, "c_out");
    Onnx__NodeProto *n = tb_node_n(b, op, "step", op_inputs, (const char *[]){"v_out", NULL});
    if (scan)
        tb_node(b, "Identity", "scan", "v", NULL, "s_out");
    untyped_outputs(b, (const char *[]){"c_out", "v_out", NULL});
    if (scan)
        untyped_outputs(b, (const char *[]){"s_out", NULL});
    tb_graph_attribute(loop, "body", b);
    return n;
}

/* M = 7 and no condition: seven iterations, so the scan output is
 * [7, N, 2]; the carried value keeps its shape. */
static void loop_trip_count_from_constant(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(16);
    int64_t v[] = {-1, 2};
    tb_input(m->graph, "V", FLOAT, 2, v);
    scalar_int64(m->graph, "M", 7);
    Onnx__NodeProto *n = tb_node_n(m->graph, "Loop", "loop", (const char *[]){"M", "", "V", NULL},
                                   (const char *[]){"VF", "S", NULL});
    loop_body(n, "Add", (const char *[]){"v", "v", NULL}, true);
    untyped_outputs(m->graph, (const char *[]){"VF", "S", NULL});
    tb_result r = tb_infer(m, (const char *[]){"VF", "S", NULL});
    assert_string_equal(r.types[0], "float[N,2]");
    assert_string_equal(r.types[1], "float[7,N,2]");
    assert_int_equal(r.errors, 0);
    tb_model_free(m);
}

/* A condition the body may change: the number of iterations is unknown. */
static void loop_trip_count_unknown_with_condition(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(16);
    int64_t v[] = {-1, 2}, none[1] = {0};
    tb_input(m->graph, "V", FLOAT, 2, v);
    tb_input(m->graph, "C", BOOL, 0, none);
    scalar_int64(m->graph, "M", 7);
    Onnx__NodeProto *n = tb_node_n(m->graph, "Loop", "loop", (const char *[]){"M", "C", "V", NULL},
                                   (const char *[]){"VF", "S", NULL});
    loop_body(n, "Add", (const char *[]){"v", "v", NULL}, true);
    untyped_outputs(m->graph, (const char *[]){"VF", "S", NULL});
    tb_result r = tb_infer(m, (const char *[]){"S", NULL});
    assert_string_equal(r.types[0], "float[?,N,2]");
    assert_int_equal(r.errors, 0);
    tb_model_free(m);
}

/* Concat(v, v) doubles the carried value each iteration: the dim that
 * changes becomes unknown, the one that stays is kept. */
static void loop_growing_value_is_widened(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(16);
    int64_t v[] = {-1, 2};
    tb_input(m->graph, "V", FLOAT, 2, v);
    scalar_int64(m->graph, "M", 3);
    Onnx__NodeProto *n =
        tb_node_n(m->graph, "Loop", "loop", (const char *[]){"M", "", "V", NULL}, (const char *[]){"VF", NULL});
    Onnx__NodeProto *step = loop_body(n, "Concat", (const char *[]){"v", "v", NULL}, false);
    tb_attr_int(step, "axis", 0);
    untyped_outputs(m->graph, (const char *[]){"VF", NULL});
    tb_result r = tb_infer(m, (const char *[]){"VF", NULL});
    assert_string_equal(r.types[0], "float[?,2]");
    assert_int_equal(r.errors, 0);
    tb_model_free(m);
}

/* A body that turns the carried float into int64 breaks the Loop's
 * contract. */
static void loop_carried_type_change(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(16);
    int64_t v[] = {-1, 2};
    tb_input(m->graph, "V", FLOAT, 2, v);
    scalar_int64(m->graph, "M", 3);
    Onnx__NodeProto *n =
        tb_node_n(m->graph, "Loop", "loop", (const char *[]){"M", "", "V", NULL}, (const char *[]){"VF", NULL});
    Onnx__NodeProto *step = loop_body(n, "Cast", (const char *[]){"v", NULL}, false);
    tb_attr_int(step, "to", INT64);
    untyped_outputs(m->graph, (const char *[]){"VF", NULL});
    tb_result r = tb_infer(m, (const char *[]){"VF", NULL});
    assert_int_equal(r.errors, 1);
    assert_non_null(strstr(r.first_error, "type-error"));
    assert_non_null(strstr(r.first_error, "loop-carried value 0"));
    tb_model_free(m);
}

/* A Loop filling an empty sequence: the empty initial value constrains no
 * element shape, so the result holds what the body inserts. */
static void loop_fills_empty_sequence(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(16);
    int64_t x[] = {-1, 3};
    tb_input(m->graph, "X", FLOAT, 2, x);
    scalar_int64(m->graph, "M", 4);
    tb_node(m->graph, "SequenceEmpty", "empty", NULL, NULL, "E");
    Onnx__NodeProto *n =
        tb_node_n(m->graph, "Loop", "loop", (const char *[]){"M", "", "E", NULL}, (const char *[]){"S", NULL});
    loop_body(n, "SequenceInsert", (const char *[]){"v", "X", NULL}, false);
    untyped_outputs(m->graph, (const char *[]){"S", NULL});
    tb_result r = tb_infer(m, (const char *[]){"E", "S", NULL});
    assert_string_equal(r.types[0], "seq(float[...])");
    assert_string_equal(r.types[1], "seq(float[N,3])");
    assert_int_equal(r.errors, 0);
    tb_model_free(m);
}

/* ---- Scan ---- */

/* A Scan body (s, x) -> (op(s, x), Identity(x)). */
static Onnx__NodeProto *scan_body(Onnx__NodeProto *scan, const char *op, size_t n_scan_inputs)
{
    Onnx__GraphProto *b = tb_graph("body");
    untyped_inputs(b, (const char *[]){"s", "x", NULL});
    if (n_scan_inputs == 2)
        untyped_inputs(b, (const char *[]){"x2", NULL});
    Onnx__NodeProto *n = tb_node(b, op, "step", "s", op[0] == 'C' ? "s" : "x", "s_out");
    tb_node(b, "Identity", "scan", "x", NULL, "y");
    untyped_outputs(b, (const char *[]){"s_out", "y", NULL});
    tb_graph_attribute(scan, "body", b);
    return n;
}

/* Scanning X[3,L,4] along axis 1 and stacking the outputs on the last
 * axis: the body sees [3,4] and the scan output is [3,4,L]. */
static void scan_axes_symbolic(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(11);
    int64_t s[] = {3, 4}, x[] = {3, -1, 4};
    tb_input(m->graph, "S0", FLOAT, 2, s);
    tb_input(m->graph, "X", FLOAT, 3, x);
    Onnx__NodeProto *n =
        tb_node_n(m->graph, "Scan", "scan", (const char *[]){"S0", "X", NULL}, (const char *[]){"S", "Y", NULL});
    scan_body(n, "Add", 1);
    tb_attr_int(n, "num_scan_inputs", 1);
    tb_attr_ints(n, "scan_input_axes", 1, (int64_t[]){1});
    tb_attr_ints(n, "scan_output_axes", 1, (int64_t[]){-1});
    untyped_outputs(m->graph, (const char *[]){"S", "Y", NULL});
    tb_result r = tb_infer(m, (const char *[]){"S", "Y", NULL});
    assert_string_equal(r.types[0], "float[3,4]");
    assert_string_equal(r.types[1], "float[3,4,N]");
    assert_int_equal(r.errors, 0);
    tb_model_free(m);
}

/* Scan 8: batch axis first, sequence axis second, in and out. */
static void scan8_batched(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(8);
    int64_t s[] = {-1, 3}, x[] = {-1, 5, 3};
    tb_input(m->graph, "S0", FLOAT, 2, s);
    tb_input(m->graph, "X", FLOAT, 3, x);
    Onnx__NodeProto *n =
        tb_node_n(m->graph, "Scan", "scan", (const char *[]){"", "S0", "X", NULL}, (const char *[]){"S", "Y", NULL});
    scan_body(n, "Add", 1);
    tb_attr_int(n, "num_scan_inputs", 1);
    untyped_outputs(m->graph, (const char *[]){"S", "Y", NULL});
    tb_result r = tb_infer(m, (const char *[]){"S", "Y", NULL});
    assert_string_equal(r.types[0], "float[N,3]");
    assert_string_equal(r.types[1], "float[N,5,3]");
    assert_int_equal(r.errors, 0);
    tb_model_free(m);
}

/* A body doubling its state (Concat(s, s)) changes the shape of a state
 * variable, which Scan forbids. */
static void scan_state_shape_change(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(16);
    int64_t s[] = {3}, x[] = {5, 3};
    tb_input(m->graph, "S0", FLOAT, 1, s);
    tb_input(m->graph, "X", FLOAT, 2, x);
    Onnx__NodeProto *n =
        tb_node_n(m->graph, "Scan", "scan", (const char *[]){"S0", "X", NULL}, (const char *[]){"S", "Y", NULL});
    Onnx__NodeProto *step = scan_body(n, "Concat", 1);
    tb_attr_int(step, "axis", 0);
    tb_attr_int(n, "num_scan_inputs", 1);
    untyped_outputs(m->graph, (const char *[]){"S", "Y", NULL});
    tb_result r = tb_infer(m, (const char *[]){"S", "Y", NULL});
    assert_int_equal(r.errors, 1);
    assert_non_null(strstr(r.first_error, "shape-error"));
    assert_non_null(strstr(r.first_error, "state variable 0"));
    assert_string_equal(r.types[1], "float[5,3]");
    tb_model_free(m);
}

/* Two scan inputs of 5 and 6 steps cannot be scanned together. */
static void scan_lengths_differ(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(16);
    int64_t s[] = {3}, x[] = {5, 3}, x2[] = {6, 3};
    tb_input(m->graph, "S0", FLOAT, 1, s);
    tb_input(m->graph, "X", FLOAT, 2, x);
    tb_input(m->graph, "X2", FLOAT, 2, x2);
    Onnx__NodeProto *n = tb_node_n(m->graph, "Scan", "scan", (const char *[]){"S0", "X", "X2", NULL},
                                   (const char *[]){"S", "Y", NULL});
    scan_body(n, "Add", 2);
    tb_attr_int(n, "num_scan_inputs", 2);
    untyped_outputs(m->graph, (const char *[]){"S", "Y", NULL});
    tb_result r = tb_infer(m, (const char *[]){"S", "Y", NULL});
    assert_int_equal(r.errors, 1);
    assert_non_null(strstr(r.first_error, "shape-error"));
    assert_non_null(strstr(r.first_error, "5 vs 6"));
    tb_model_free(m);
}

/* ---- sequences ---- */

/* SequenceConstruct of X[N,3] three times: stacking them gives [3,N,3];
 * with Y[N,4] added the element shape is [N,?]. */
static void sequence_construct_and_concat(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(13);
    int64_t x[] = {-1, 3}, y[] = {-1, 4};
    tb_input(m->graph, "X", FLOAT, 2, x);
    tb_input(m->graph, "Y", FLOAT, 2, y);
    tb_node_n(m->graph, "SequenceConstruct", "sc", (const char *[]){"X", "X", "X", NULL}, (const char *[]){"S", NULL});
    Onnx__NodeProto *stack = tb_node(m->graph, "ConcatFromSequence", "stack", "S", NULL, "Z");
    tb_attr_int(stack, "axis", 0);
    tb_attr_int(stack, "new_axis", 1);
    Onnx__NodeProto *cat = tb_node(m->graph, "ConcatFromSequence", "cat", "S", NULL, "W");
    tb_attr_int(cat, "axis", 1);
    tb_node_n(m->graph, "SequenceConstruct", "sc2", (const char *[]){"X", "Y", NULL}, (const char *[]){"T", NULL});
    tb_node(m->graph, "SequenceLength", "len", "T", NULL, "L");
    untyped_outputs(m->graph, (const char *[]){"Z", "W", "T", "L", NULL});
    tb_result r = tb_infer(m, (const char *[]){"Z", "W", "T", "L", NULL});
    assert_string_equal(r.types[0], "float[3,N,3]");
    assert_string_equal(r.types[1], "float[N,9]");
    assert_string_equal(r.types[2], "seq(float[N,?])");
    assert_string_equal(r.types[3], "int64[]");
    assert_int_equal(r.errors, 0);
    tb_model_free(m);
}

/* SplitToSequence by the sizes [2,2,2] (values known): three [N,2]
 * pieces; then inserting and erasing keeps the count right. */
static void split_to_sequence_sizes(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(13);
    int64_t x[] = {-1, 6}, z[] = {-1, 2};
    tb_input(m->graph, "X", FLOAT, 2, x);
    tb_input(m->graph, "Z", FLOAT, 2, z);
    tb_int64s(m->graph, "sp", 3, (int64_t[]){2, 2, 2});
    Onnx__NodeProto *n = tb_node(m->graph, "SplitToSequence", "split", "X", "sp", "S");
    tb_attr_int(n, "axis", 1);
    tb_node(m->graph, "SequenceInsert", "ins", "S", "Z", "S2");
    tb_node(m->graph, "SequenceErase", "del", "S2", NULL, "S3");
    Onnx__NodeProto *stack = tb_node(m->graph, "ConcatFromSequence", "stack", "S3", NULL, "Y");
    tb_attr_int(stack, "axis", -1);
    tb_attr_int(stack, "new_axis", 1);
    scalar_int64(m->graph, "pos", -1);
    tb_node(m->graph, "SequenceAt", "at", "S3", "pos", "A");
    untyped_outputs(m->graph, (const char *[]){"S", "Y", "A", NULL});
    tb_result r = tb_infer(m, (const char *[]){"S", "Y", "A", NULL});
    assert_string_equal(r.types[0], "seq(float[N,2])");
    assert_string_equal(r.types[1], "float[N,2,3]");
    assert_string_equal(r.types[2], "float[N,2]");
    assert_int_equal(r.errors, 0);
    tb_model_free(m);
}

/* Split sizes adding up to 4 on an axis of 6 contradict the input. */
static void split_to_sequence_sum_mismatch(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(13);
    int64_t x[] = {-1, 6};
    tb_input(m->graph, "X", FLOAT, 2, x);
    tb_int64s(m->graph, "sp", 2, (int64_t[]){2, 2});
    Onnx__NodeProto *n = tb_node(m->graph, "SplitToSequence", "split", "X", "sp", "S");
    tb_attr_int(n, "axis", 1);
    untyped_outputs(m->graph, (const char *[]){"S", NULL});
    tb_result r = tb_infer(m, (const char *[]){"S", NULL});
    assert_int_equal(r.errors, 1);
    assert_non_null(strstr(r.first_error, "shape-error"));
    assert_non_null(strstr(r.first_error, "6 vs 4"));
    assert_string_equal(r.types[0], "seq(float[N,2])");
    tb_model_free(m);
}

/* Position 2 of a sequence of two tensors does not exist. */
static void sequence_at_out_of_range(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(13);
    int64_t x[] = {-1, 3};
    tb_input(m->graph, "X", FLOAT, 2, x);
    scalar_int64(m->graph, "pos", 2);
    tb_node_n(m->graph, "SequenceConstruct", "sc", (const char *[]){"X", "X", NULL}, (const char *[]){"S", NULL});
    tb_node(m->graph, "SequenceAt", "at", "S", "pos", "A");
    untyped_outputs(m->graph, (const char *[]){"A", NULL});
    tb_result r = tb_infer(m, (const char *[]){"A", NULL});
    assert_int_equal(r.errors, 1);
    assert_non_null(strstr(r.first_error, "shape-error"));
    assert_non_null(strstr(r.first_error, "position 2"));
    assert_string_equal(r.types[0], "float[N,3]");
    tb_model_free(m);
}

/* Concatenating [N,3] tensors on axis 2 is out of range. */
static void concat_from_sequence_bad_axis(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(13);
    int64_t x[] = {-1, 3};
    tb_input(m->graph, "X", FLOAT, 2, x);
    tb_node(m->graph, "SequenceConstruct", "sc", "X", NULL, "S");
    Onnx__NodeProto *cat = tb_node(m->graph, "ConcatFromSequence", "cat", "S", NULL, "Y");
    tb_attr_int(cat, "axis", 2);
    untyped_outputs(m->graph, (const char *[]){"Y", NULL});
    tb_result r = tb_infer(m, (const char *[]){"Y", NULL});
    assert_int_equal(r.errors, 1);
    assert_non_null(strstr(r.first_error, "shape-error"));
    assert_string_equal(r.types[0], "float[?,?]");
    tb_model_free(m);
}

/* SequenceMap applies its body to each element: Identity keeps [N,3], a
 * tensor input goes to the body whole. */
static void sequence_map_symbolic(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(17);
    int64_t x[] = {-1, 3}, b[] = {3};
    tb_input(m->graph, "X", FLOAT, 2, x);
    tb_input(m->graph, "B", FLOAT, 1, b);
    tb_node_n(m->graph, "SequenceConstruct", "sc", (const char *[]){"X", "X", NULL}, (const char *[]){"S", NULL});
    Onnx__GraphProto *body = tb_graph("body");
    untyped_inputs(body, (const char *[]){"e", "bias", NULL});
    tb_node(body, "Add", "add", "e", "bias", "o");
    untyped_outputs(body, (const char *[]){"o", NULL});
    Onnx__NodeProto *n = tb_node(m->graph, "SequenceMap", "map", "S", "B", "Y");
    tb_graph_attribute(n, "body", body);
    untyped_outputs(m->graph, (const char *[]){"Y", NULL});
    tb_result r = tb_infer(m, (const char *[]){"Y", NULL});
    assert_string_equal(r.types[0], "seq(float[N,3])");
    assert_int_equal(r.errors, 0);
    tb_model_free(m);
}

/* The length of a sequence of three is a known value: as a Loop's trip
 * count it gives the scan output's leading dim. */
static void sequence_length_feeds_loop(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(16);
    int64_t x[] = {-1, 2};
    tb_input(m->graph, "X", FLOAT, 2, x);
    tb_node_n(m->graph, "SequenceConstruct", "sc", (const char *[]){"X", "X", "X", NULL}, (const char *[]){"S", NULL});
    tb_node(m->graph, "SequenceLength", "len", "S", NULL, "L");
    Onnx__NodeProto *n = tb_node_n(m->graph, "Loop", "loop", (const char *[]){"L", "", "X", NULL},
                                   (const char *[]){"XF", "Y", NULL});
    loop_body(n, "Identity", (const char *[]){"v", NULL}, true);
    untyped_outputs(m->graph, (const char *[]){"XF", "Y", NULL});
    tb_result r = tb_infer(m, (const char *[]){"L", "Y", NULL});
    assert_string_equal(r.types[0], "int64[]");
    assert_string_equal(r.types[1], "float[3,N,2]");
    assert_int_equal(r.errors, 0);
    tb_model_free(m);
}

/* The branch a known condition takes passes its values on: here the
 * length of the sequence it builds. */
static void if_known_condition_passes_values(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(16);
    int64_t x[] = {-1, 2};
    tb_input(m->graph, "X", FLOAT, 2, x);
    scalar_bool(m->graph, "C", 1);
    Onnx__GraphProto *then = tb_graph("then");
    tb_node_n(then, "SequenceConstruct", "sc", (const char *[]){"X", "X", NULL}, (const char *[]){"t", NULL});
    untyped_outputs(then, (const char *[]){"t", NULL});
    Onnx__GraphProto *els = tb_graph("else");
    tb_node(els, "SequenceConstruct", "sc", "X", NULL, "e");
    untyped_outputs(els, (const char *[]){"e", NULL});
    Onnx__NodeProto *n = tb_node(m->graph, "If", "if", "C", NULL, "S");
    tb_graph_attribute(n, "then_branch", then);
    tb_graph_attribute(n, "else_branch", els);
    Onnx__NodeProto *stack = tb_node(m->graph, "ConcatFromSequence", "stack", "S", NULL, "Y");
    tb_attr_int(stack, "axis", 0);
    tb_attr_int(stack, "new_axis", 1);
    untyped_outputs(m->graph, (const char *[]){"Y", NULL});
    tb_result r = tb_infer(m, (const char *[]){"Y", NULL});
    assert_string_equal(r.types[0], "float[2,N,2]");
    assert_int_equal(r.errors, 0);
    tb_model_free(m);
}

/* ---- optionals ---- */

/* An Optional built from its type attribute is empty: OptionalHasElement
 * is known false, so an If on it takes its else_branch alone. */
static void optional_empty_selects_branch(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(16);
    int64_t a[] = {-1, 3}, b[] = {-1, 4}, t[] = {2};
    tb_input(m->graph, "A", FLOAT, 2, a);
    tb_input(m->graph, "B", FLOAT, 2, b);
    Onnx__NodeProto *opt = tb_node(m->graph, "Optional", "opt", NULL, NULL, "O");
    tensor_type_attr(opt, "type", FLOAT, 1, t);
    tb_node(m->graph, "OptionalHasElement", "has", "O", NULL, "H");
    Onnx__NodeProto *n = tb_node(m->graph, "If", "if", "H", NULL, "R");
    tb_graph_attribute(n, "then_branch", identity_branch("then", "A", "t"));
    tb_graph_attribute(n, "else_branch", identity_branch("else", "B", "e"));
    tb_node(m->graph, "Optional", "wrap", "A", NULL, "P");
    tb_node(m->graph, "OptionalGetElement", "get", "P", NULL, "G");
    untyped_outputs(m->graph, (const char *[]){"R", "G", NULL});
    tb_result r = tb_infer(m, (const char *[]){"O", "H", "R", "G", NULL});
    assert_string_equal(r.types[0], "optional(float[2])");
    assert_string_equal(r.types[1], "bool[]");
    assert_string_equal(r.types[2], "float[N,4]");
    assert_string_equal(r.types[3], "float[N,3]");
    assert_int_equal(r.errors, 0);
    tb_model_free(m);
}

/* Getting the element of an optional that is always empty. */
static void optional_get_element_of_empty(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(16);
    int64_t t[] = {2};
    Onnx__NodeProto *opt = tb_node(m->graph, "Optional", "opt", NULL, NULL, "O");
    tensor_type_attr(opt, "type", FLOAT, 1, t);
    tb_node(m->graph, "OptionalGetElement", "get", "O", NULL, "G");
    untyped_outputs(m->graph, (const char *[]){"G", NULL});
    tb_result r = tb_infer(m, (const char *[]){"G", NULL});
    assert_int_equal(r.errors, 1);
    assert_non_null(strstr(r.first_error, "type-error"));
    assert_non_null(strstr(r.first_error, "always empty"));
    assert_string_equal(r.types[0], "float[2]");
    tb_model_free(m);
}

/* ---- kernels ---- */

/* A model run on its initializers (no graph inputs): the loaded model, the
 * evaluator and the graph's outputs. */
typedef struct eval_run {
    char *dir;
    onnxlint_model *model;
    ol_eval eval;
    ol_rvalue *outs[8];
    bool ok;
} eval_run;

/* The evaluator's memory budget for run_model (0: the default). */
static size_t run_budget;

static void run_model(const Onnx__ModelProto *m, size_t n_outs, eval_run *r)
{
    memset(r, 0, sizeof *r);
    assert_true(n_outs <= 8);
    r->dir = tb_tmpdir();
    char *path = tb_save(m, r->dir, "model.onnx");
    onnxlint_error err;
    assert_int_equal(onnxlint_model_load(path, NULL, &r->model, &err), ONNXLINT_OK);
    free(path);
    ol_infer_model(r->model, NULL, NULL);
    ol_eval_options o = {.memory_budget = run_budget};
    ol_eval_init(&r->eval, r->model, run_budget ? &o : NULL);
    r->ok = ol_eval_run(&r->eval, NULL, 0, r->outs, n_outs);
}

static void run_done(eval_run *r)
{
    ol_eval_destroy(&r->eval);
    onnxlint_model_free(r->model);
    tb_rmtree(r->dir);
    free(r->dir);
}

static void float_init(Onnx__GraphProto *g, const char *name, size_t rank, const int64_t *dims, const float *v,
                       size_t n)
{
    tb_initializer(g, name, FLOAT, rank, dims, v, n * sizeof *v);
}

/* v is a tensor of type elem and shape dims (rank). */
static const ol_array *expect_tensor(const ol_rvalue *v, int elem, int rank, const int64_t *dims)
{
    assert_non_null(v);
    assert_int_equal(v->kind, OL_RV_TENSOR);
    const ol_array *a = v->tensor;
    assert_int_equal(a->elem_type, elem);
    assert_int_equal(a->rank, rank);
    for (int i = 0; i < rank; i++)
        assert_int_equal(a->dims[i], dims[i]);
    return a;
}

static void expect_floats(const ol_rvalue *v, int rank, const int64_t *dims, const float *want, size_t n)
{
    const ol_array *a = expect_tensor(v, FLOAT, rank, dims);
    assert_int_equal(a->count, n);
    for (size_t i = 0; i < n; i++)
        assert_float_equal(((const float *)a->data)[i], want[i], 1e-6);
}

static int64_t int64_scalar(const ol_rvalue *v)
{
    const ol_array *a = expect_tensor(v, INT64, 0, NULL);
    return ((const int64_t *)a->data)[0];
}

/* Construct [A(2,2), B(1,2)], insert C(1,2) in front, concatenate on axis
 * 0; length, SequenceAt(-1), SequenceErase(1). */
static void kernel_sequence_ops(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(13);
    int64_t d22[] = {2, 2}, d12[] = {1, 2};
    float a[] = {1, 2, 3, 4}, b[] = {5, 6}, c[] = {7, 8};
    float_init(m->graph, "A", 2, d22, a, 4);
    float_init(m->graph, "B", 2, d12, b, 2);
    float_init(m->graph, "C", 2, d12, c, 2);
    scalar_int64(m->graph, "front", 0);
    scalar_int64(m->graph, "last", -1);
    scalar_int64(m->graph, "one", 1);
    tb_node(m->graph, "SequenceConstruct", "sc", "A", "B", "S");
    tb_node_n(m->graph, "SequenceInsert", "ins", (const char *[]){"S", "C", "front", NULL}, (const char *[]){"S2", NULL});
    Onnx__NodeProto *cat = tb_node(m->graph, "ConcatFromSequence", "cat", "S2", NULL, "Y");
    tb_attr_int(cat, "axis", 0);
    tb_node(m->graph, "SequenceLength", "len", "S2", NULL, "L");
    tb_node(m->graph, "SequenceAt", "at", "S2", "last", "T");
    tb_node(m->graph, "SequenceErase", "erase", "S2", "one", "S3");
    untyped_outputs(m->graph, (const char *[]){"Y", "L", "T", "S3", NULL});
    eval_run r;
    run_model(m, 4, &r);
    assert_true(r.ok);
    expect_floats(r.outs[0], 2, (int64_t[]){4, 2}, (float[]){7, 8, 1, 2, 3, 4, 5, 6}, 8);
    assert_int_equal(int64_scalar(r.outs[1]), 3);
    expect_floats(r.outs[2], 2, d12, b, 2);
    assert_int_equal(r.outs[3]->kind, OL_RV_SEQUENCE);
    assert_int_equal(r.outs[3]->n_items, 2);
    expect_floats(r.outs[3]->items[0], 2, d12, c, 2);
    expect_floats(r.outs[3]->items[1], 2, d12, b, 2);
    run_done(&r);
    tb_model_free(m);
}

/* new_axis stacks: two (3) tensors on axis -1 give (3,2). */
static void kernel_concat_new_axis(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(13);
    int64_t d3[] = {3};
    float_init(m->graph, "A", 1, d3, (float[]){1, 2, 3}, 3);
    float_init(m->graph, "B", 1, d3, (float[]){4, 5, 6}, 3);
    tb_node(m->graph, "SequenceConstruct", "sc", "A", "B", "S");
    Onnx__NodeProto *cat = tb_node(m->graph, "ConcatFromSequence", "cat", "S", NULL, "Y");
    tb_attr_int(cat, "axis", -1);
    tb_attr_int(cat, "new_axis", 1);
    untyped_outputs(m->graph, (const char *[]){"Y", NULL});
    eval_run r;
    run_model(m, 1, &r);
    assert_true(r.ok);
    expect_floats(r.outs[0], 2, (int64_t[]){3, 2}, (float[]){1, 4, 2, 5, 3, 6}, 6);
    run_done(&r);
    tb_model_free(m);
}

/* X (2,5) in chunks of 2 on axis 1: (2,2), (2,2), (2,1); without split and
 * keepdims 0 on axis 0: two (5). */
static void kernel_split_to_sequence(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(13);
    int64_t d25[] = {2, 5};
    float x[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
    float_init(m->graph, "X", 2, d25, x, 10);
    scalar_int64(m->graph, "two", 2);
    Onnx__NodeProto *s = tb_node(m->graph, "SplitToSequence", "chunks", "X", "two", "S");
    tb_attr_int(s, "axis", 1);
    Onnx__NodeProto *rows = tb_node(m->graph, "SplitToSequence", "rows", "X", NULL, "R");
    tb_attr_int(rows, "keepdims", 0);
    untyped_outputs(m->graph, (const char *[]){"S", "R", NULL});
    eval_run r;
    run_model(m, 2, &r);
    assert_true(r.ok);
    assert_int_equal(r.outs[0]->n_items, 3);
    expect_floats(r.outs[0]->items[0], 2, (int64_t[]){2, 2}, (float[]){0, 1, 5, 6}, 4);
    expect_floats(r.outs[0]->items[1], 2, (int64_t[]){2, 2}, (float[]){2, 3, 7, 8}, 4);
    expect_floats(r.outs[0]->items[2], 2, (int64_t[]){2, 1}, (float[]){4, 9}, 2);
    assert_int_equal(r.outs[1]->n_items, 2);
    expect_floats(r.outs[1]->items[1], 1, (int64_t[]){5}, x + 5, 5);
    run_done(&r);
    tb_model_free(m);
}

/* Empty tensors: splitting (0,3) on axis 0 gives an empty sequence;
 * concatenating two (2,0) gives (4,0). */
static void kernel_sequence_empty_tensors(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(13);
    int64_t d03[] = {0, 3}, d20[] = {2, 0};
    tb_initializer(m->graph, "E", FLOAT, 2, d03, NULL, 0);
    tb_initializer(m->graph, "Z", FLOAT, 2, d20, NULL, 0);
    tb_node(m->graph, "SplitToSequence", "split", "E", NULL, "S");
    tb_node(m->graph, "SequenceLength", "len", "S", NULL, "L");
    tb_node(m->graph, "SequenceConstruct", "sc", "Z", "Z", "P");
    Onnx__NodeProto *cat = tb_node(m->graph, "ConcatFromSequence", "cat", "P", NULL, "Y");
    tb_attr_int(cat, "axis", 0);
    untyped_outputs(m->graph, (const char *[]){"L", "Y", NULL});
    eval_run r;
    run_model(m, 2, &r);
    assert_true(r.ok);
    assert_int_equal(int64_scalar(r.outs[0]), 0);
    const ol_array *y = expect_tensor(r.outs[1], FLOAT, 2, (int64_t[]){4, 0});
    assert_int_equal(y->count, 0);
    run_done(&r);
    tb_model_free(m);
}

/* Errors name the values: a position past the end, shapes that do not
 * concatenate. */
static void kernel_sequence_errors(void **state)
{
    (void)state;
    const char *ops[] = {"SequenceAt", "ConcatFromSequence"};
    const char *want[] = {"position 2 is out of range [-2, 1]", "cannot concatenate item 1 (1,3) with item 0 (2)"};
    for (int c = 0; c < 2; c++) {
        Onnx__ModelProto *m = tb_model(13);
        float_init(m->graph, "A", 1, (int64_t[]){2}, (float[]){1, 2}, 2);
        float_init(m->graph, "B", 2, (int64_t[]){1, 3}, (float[]){1, 2, 3}, 3);
        float_init(m->graph, "B1", 1, (int64_t[]){3}, (float[]){1, 2, 3}, 3);
        scalar_int64(m->graph, "two", 2);
        tb_node(m->graph, "SequenceConstruct", "sc", "A", c ? "B" : "B1", "S");
        Onnx__NodeProto *n = tb_node(m->graph, ops[c], "op", "S", c ? NULL : "two", "Y");
        if (c)
            tb_attr_int(n, "axis", 0);
        untyped_outputs(m->graph, (const char *[]){"Y", NULL});
        eval_run r;
        run_model(m, 1, &r);
        assert_false(r.ok);
        if (!strstr(r.eval.error, want[c]))
            fail_msg("%s", r.eval.error);
        run_done(&r);
        tb_model_free(m);
    }
}

/* Optional(A) holds A; Optional(type) holds nothing, and getting its
 * element fails. */
static void kernel_optionals(void **state)
{
    (void)state;
    for (int present = 0; present < 2; present++) {
        Onnx__ModelProto *m = tb_model(16);
        int64_t d2[] = {2};
        float_init(m->graph, "A", 1, d2, (float[]){1, 2}, 2);
        Onnx__NodeProto *opt = tb_node(m->graph, "Optional", "opt", present ? "A" : NULL, NULL, "O");
        if (!present)
            tensor_type_attr(opt, "type", FLOAT, 1, d2);
        tb_node(m->graph, "OptionalHasElement", "has", "O", NULL, "H");
        tb_node(m->graph, "OptionalGetElement", "get", "O", NULL, "G");
        untyped_outputs(m->graph, (const char *[]){"H", "G", NULL});
        eval_run r;
        run_model(m, 2, &r);
        assert_int_equal(r.ok, present);
        const ol_rvalue *h = ol_eval_value(&r.eval, ol_graph_lookup(r.model->graph, "H"));
        const ol_array *ha = expect_tensor(h, BOOL, 0, NULL);
        assert_int_equal(((const uint8_t *)ha->data)[0], present);
        if (present)
            expect_floats(r.outs[1], 1, d2, (float[]){1, 2}, 2);
        else
            assert_non_null(strstr(r.eval.error, "the optional is empty"));
        run_done(&r);
        tb_model_free(m);
    }
}

/* SequenceMap adds a (3) tensor to each (2,3) item (broadcasting). */
static void kernel_sequence_map(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(17);
    int64_t d23[] = {2, 3}, d3[] = {3};
    float_init(m->graph, "A", 2, d23, (float[]){0, 1, 2, 3, 4, 5}, 6);
    float_init(m->graph, "B", 2, d23, (float[]){6, 7, 8, 9, 10, 11}, 6);
    float_init(m->graph, "T", 1, d3, (float[]){100, 200, 300}, 3);
    tb_node(m->graph, "SequenceConstruct", "sc", "A", "B", "S");
    Onnx__NodeProto *n = tb_node(m->graph, "SequenceMap", "map", "S", "T", "Y");
    Onnx__GraphProto *body = tb_graph("body");
    untyped_inputs(body, (const char *[]){"x", "t", NULL});
    tb_node(body, "Add", "add", "x", "t", "y");
    untyped_outputs(body, (const char *[]){"y", NULL});
    tb_graph_attribute(n, "body", body);
    untyped_outputs(m->graph, (const char *[]){"Y", NULL});
    eval_run r;
    run_model(m, 1, &r);
    assert_true(r.ok);
    assert_int_equal(r.outs[0]->n_items, 2);
    expect_floats(r.outs[0]->items[1], 2, d23, (float[]){106, 207, 308, 109, 210, 311}, 6);
    run_done(&r);
    tb_model_free(m);
}

/* If takes then_branch on true, else_branch on false. */
static void kernel_if(void **state)
{
    (void)state;
    for (int cond = 0; cond < 2; cond++) {
        Onnx__ModelProto *m = tb_model(13);
        scalar_bool(m->graph, "C", cond);
        float_init(m->graph, "A", 1, (int64_t[]){1}, (float[]){1}, 1);
        float_init(m->graph, "B", 1, (int64_t[]){2}, (float[]){2, 3}, 2);
        Onnx__NodeProto *n = tb_node(m->graph, "If", "if", "C", NULL, "R");
        tb_graph_attribute(n, "then_branch", identity_branch("then", "A", "t"));
        tb_graph_attribute(n, "else_branch", identity_branch("else", "B", "e"));
        untyped_outputs(m->graph, (const char *[]){"R", NULL});
        eval_run r;
        run_model(m, 1, &r);
        assert_true(r.ok);
        if (cond)
            expect_floats(r.outs[0], 1, (int64_t[]){1}, (float[]){1}, 1);
        else
            expect_floats(r.outs[0], 1, (int64_t[]){2}, (float[]){2, 3}, 2);
        run_done(&r);
        tb_model_free(m);
    }
}

/* M = 3, no condition: V doubles three times, the scan output stacks the
 * values each iteration saw (3,2); with M = 0 V is returned as is and the
 * scan output is (0,2), its shape from the body's types. */
static void kernel_loop(void **state)
{
    (void)state;
    for (int64_t trips = 0; trips <= 3; trips += 3) {
        Onnx__ModelProto *m = tb_model(16);
        int64_t d2[] = {2};
        float_init(m->graph, "V", 1, d2, (float[]){1, -2}, 2);
        scalar_int64(m->graph, "M", trips);
        Onnx__NodeProto *n = tb_node_n(m->graph, "Loop", "loop", (const char *[]){"M", "", "V", NULL},
                                       (const char *[]){"VF", "S", NULL});
        loop_body(n, "Add", (const char *[]){"v", "v", NULL}, true);
        untyped_outputs(m->graph, (const char *[]){"VF", "S", NULL});
        eval_run r;
        run_model(m, 2, &r);
        assert_true(r.ok);
        if (trips) {
            expect_floats(r.outs[0], 1, d2, (float[]){8, -16}, 2);
            expect_floats(r.outs[1], 2, (int64_t[]){3, 2}, (float[]){1, -2, 2, -4, 4, -8}, 6);
        } else {
            expect_floats(r.outs[0], 1, d2, (float[]){1, -2}, 2);
            expect_floats(r.outs[1], 2, (int64_t[]){0, 2}, NULL, 0);
        }
        run_done(&r);
        tb_model_free(m);
    }
}

/* Iterations keep no values but what goes on: a Loop of 2000 iterations
 * and a Scan of 3000 steps, each carrying 1 MB, run in a 48 MB budget (all
 * iterations kept would take 2 GB and 3 GB). */
static void loop_and_scan_memory_stays_one_iteration(void **state)
{
    (void)state;
    enum { CARRIED = 262144 }; /* floats: 1 MB */
    float *zeros = calloc(CARRIED, sizeof *zeros);
    assert_non_null(zeros);
    run_budget = (size_t)48 << 20;

    Onnx__ModelProto *m = tb_model(16);
    float_init(m->graph, "V", 1, (int64_t[]){CARRIED}, zeros, CARRIED);
    float_init(m->graph, "one", 1, (int64_t[]){1}, (float[]){1}, 1);
    scalar_int64(m->graph, "M", 2000);
    Onnx__NodeProto *n = tb_node_n(m->graph, "Loop", "loop", (const char *[]){"M", "", "V", NULL},
                                   (const char *[]){"VF", NULL});
    loop_body(n, "Add", (const char *[]){"v", "one", NULL}, false);
    untyped_outputs(m->graph, (const char *[]){"VF", NULL});
    eval_run r;
    run_model(m, 1, &r);
    if (!r.ok)
        fail_msg("Loop: %s", r.eval.error);
    const ol_array *a = r.outs[0]->tensor;
    assert_int_equal(a->count, CARRIED);
    assert_true(((const float *)a->data)[0] == 2000.0f && ((const float *)a->data)[CARRIED - 1] == 2000.0f);
    run_done(&r);
    tb_model_free(m);

    m = tb_model(16);
    float_init(m->graph, "init", 1, (int64_t[]){CARRIED}, zeros, CARRIED);
    float *ones = malloc(3000 * sizeof *ones);
    assert_non_null(ones);
    for (int i = 0; i < 3000; i++)
        ones[i] = 1;
    float_init(m->graph, "X", 2, (int64_t[]){3000, 1}, ones, 3000);
    free(ones);
    n = tb_node(m->graph, "Scan", "scan", "init", "X", "Y");
    tb_attr_int(n, "num_scan_inputs", 1);
    Onnx__GraphProto *body = tb_graph("body");
    untyped_inputs(body, (const char *[]){"sum_in", "next", NULL});
    tb_node(body, "Add", "add", "sum_in", "next", "sum_out");
    untyped_outputs(body, (const char *[]){"sum_out", NULL});
    tb_graph_attribute(n, "body", body);
    untyped_outputs(m->graph, (const char *[]){"Y", NULL});
    run_model(m, 1, &r);
    if (!r.ok)
        fail_msg("Scan: %s", r.eval.error);
    a = r.outs[0]->tensor;
    assert_true(((const float *)a->data)[0] == 3000.0f && ((const float *)a->data)[CARRIED - 1] == 3000.0f);
    run_done(&r);
    tb_model_free(m);
    run_budget = 0;
    free(zeros);
}

/* Scan 16 sums the rows of X (3,2) read in reverse; the partial sums are
 * prepended on output axis 1: (2,3). */
static void kernel_scan(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(16);
    float_init(m->graph, "init", 1, (int64_t[]){2}, (float[]){0, 0}, 2);
    float_init(m->graph, "X", 2, (int64_t[]){3, 2}, (float[]){1, 2, 3, 4, 5, 6}, 6);
    Onnx__NodeProto *n = tb_node(m->graph, "Scan", "scan", "init", "X", NULL);
    n->output = realloc(n->output, 2 * sizeof *n->output);
    assert_non_null(n->output);
    n->output[0] = strdup("Y");
    n->output[1] = strdup("Z");
    n->n_output = 2;
    tb_attr_int(n, "num_scan_inputs", 1);
    tb_attr_ints(n, "scan_input_directions", 1, (int64_t[]){1});
    tb_attr_ints(n, "scan_output_directions", 1, (int64_t[]){1});
    tb_attr_ints(n, "scan_output_axes", 1, (int64_t[]){-1});
    Onnx__GraphProto *body = tb_graph("body");
    untyped_inputs(body, (const char *[]){"sum_in", "next", NULL});
    tb_node(body, "Add", "add", "sum_in", "next", "sum_out");
    tb_node(body, "Identity", "id", "sum_out", NULL, "scan_out");
    untyped_outputs(body, (const char *[]){"sum_out", "scan_out", NULL});
    tb_graph_attribute(n, "body", body);
    untyped_outputs(m->graph, (const char *[]){"Y", "Z", NULL});
    eval_run r;
    run_model(m, 2, &r);
    if (!r.ok)
        fail_msg("%s", r.eval.error);
    expect_floats(r.outs[0], 1, (int64_t[]){2}, (float[]){9, 12}, 2);
    /* iterations see rows 2, 1, 0: sums (5,6), (8,10), (9,12), prepended */
    expect_floats(r.outs[1], 2, (int64_t[]){2, 3}, (float[]){9, 8, 5, 12, 10, 6}, 6);
    run_done(&r);
    tb_model_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pipeline_smoke),
        cmocka_unit_test(loop_and_scan_memory_stays_one_iteration),
        cmocka_unit_test(if_joins_branches),
        cmocka_unit_test(if_known_condition_takes_one_branch),
        cmocka_unit_test(if_branch_element_types_differ),
        cmocka_unit_test(if_joins_sequences),
        cmocka_unit_test(loop_trip_count_from_constant),
        cmocka_unit_test(loop_trip_count_unknown_with_condition),
        cmocka_unit_test(loop_growing_value_is_widened),
        cmocka_unit_test(loop_carried_type_change),
        cmocka_unit_test(loop_fills_empty_sequence),
        cmocka_unit_test(scan_axes_symbolic),
        cmocka_unit_test(scan8_batched),
        cmocka_unit_test(scan_state_shape_change),
        cmocka_unit_test(scan_lengths_differ),
        cmocka_unit_test(sequence_construct_and_concat),
        cmocka_unit_test(split_to_sequence_sizes),
        cmocka_unit_test(split_to_sequence_sum_mismatch),
        cmocka_unit_test(sequence_at_out_of_range),
        cmocka_unit_test(concat_from_sequence_bad_axis),
        cmocka_unit_test(sequence_map_symbolic),
        cmocka_unit_test(sequence_length_feeds_loop),
        cmocka_unit_test(if_known_condition_passes_values),
        cmocka_unit_test(optional_empty_selects_branch),
        cmocka_unit_test(optional_get_element_of_empty),
        cmocka_unit_test(kernel_sequence_ops),
        cmocka_unit_test(kernel_concat_new_axis),
        cmocka_unit_test(kernel_split_to_sequence),
        cmocka_unit_test(kernel_sequence_empty_tensors),
        cmocka_unit_test(kernel_sequence_errors),
        cmocka_unit_test(kernel_optionals),
        cmocka_unit_test(kernel_sequence_map),
        cmocka_unit_test(kernel_if),
        cmocka_unit_test(kernel_loop),
        cmocka_unit_test(kernel_scan),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
