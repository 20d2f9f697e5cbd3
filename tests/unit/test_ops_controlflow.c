/*
 * test_ops_controlflow.c - inference of the controlflow family (If, Loop,
 * Scan) and of the sequence family (sequences and optionals) on hand-built
 * graphs, including error and symbolic cases.
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pipeline_smoke),
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
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
