/*
 * test_ops_tensor_index.c - inference of the tensor_index family on hand-built graphs,
 * including error and symbolic cases.  Sizes that come from values
 * (split, pads, scales, depth...) are given as initializers, or bound to
 * symbolic values through infer_bound, which loads and infers like
 * tb_infer after giving a graph input the values a Shape node would give.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "builder.h"
#include "eval/eval.h"

enum { FLOAT = 1, INT32 = 6, INT64 = 7, BOOL = 9 };

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

/* A float initializer of the given values (rank 1). */
static void floats(Onnx__GraphProto *g, const char *name, size_t count, const float *values)
{
    int64_t dims[1] = {(int64_t)count};
    tb_initializer(g, name, FLOAT, 1, dims, values, count * sizeof *values);
}

/* A FLOATS attribute (the builder has none). */
static void attr_floats(Onnx__NodeProto *n, const char *name, size_t count, const float *v)
{
    Onnx__AttributeProto *a = calloc(1, sizeof *a);
    Onnx__AttributeProto **list = realloc(n->attribute, (n->n_attribute + 1) * sizeof *list);
    assert_non_null(a);
    assert_non_null(list);
    onnx__attribute_proto__init(a);
    a->name = strdup(name);
    a->has_type = 1;
    a->type = ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOATS;
    a->floats = calloc(count, sizeof *a->floats);
    assert_non_null(a->floats);
    memcpy(a->floats, v, count * sizeof *v);
    a->n_floats = count;
    n->attribute = list;
    n->attribute[n->n_attribute++] = a;
}

/* Like tb_infer, but the int64 graph input bind[0] is first given the 1-D
 * values bind[1..] (a symbol name, a number or "?" for an unknown element,
 * NULL-terminated) and the
 * graph is inferred again.  With name_data set, types[0] is instead the
 * propagated values of that value ("v0,v1,..." or "none"). */
static tb_result infer_bound(const Onnx__ModelProto *m, const char *const *bind, const char *const *values,
                             const char *name_data)
{
    tb_result r;
    memset(&r, 0, sizeof r);
    char *dir = tb_tmpdir();
    char *path = tb_save(m, dir, "model.onnx");
    onnxlint_model *model = NULL;
    onnxlint_error err;
    assert_int_equal(onnxlint_model_load(path, NULL, &model, &err), ONNXLINT_OK);
    ol_infer_model(model, NULL, NULL);
    ol_value *in = bind ? ol_graph_lookup(model->graph, bind[0]) : NULL;
    if (in) {
        size_t n = 0;
        while (bind[n + 1])
            n++;
        ol_data *d = ol_arena_calloc(&model->arena, 1, sizeof *d);
        int64_t *dims = ol_arena_calloc(&model->arena, 1, sizeof *dims);
        assert_non_null(d);
        assert_non_null(dims);
        d->values = ol_arena_calloc(&model->arena, n + 1, sizeof *d->values);
        assert_non_null(d->values);
        d->elem_type = INT64;
        d->rank = 1;
        d->count = n;
        dims[0] = (int64_t)n;
        d->dims = dims;
        for (size_t i = 0; i < n; i++) {
            char *end;
            long long v = strtoll(bind[i + 1], &end, 10);
            if (strcmp(bind[i + 1], "?") == 0)
                d->values[i] = ol_dim_unknown();
            else
                d->values[i] = *end ? ol_dim_named(&model->exprs, bind[i + 1]) : ol_dim_value(v);
        }
        in->data = d;
        ol_infer inf = {.model = model};
        ol_infer_graph(&inf, model->graph);
    }
    for (size_t i = 0; values && values[i] && i < 8; i++) {
        const ol_value *v = ol_graph_lookup(model->graph, values[i]);
        assert_non_null(v);
        ol_type_text(&v->inferred, r.types[i], sizeof r.types[i]);
    }
    if (name_data) {
        const ol_value *v = ol_graph_lookup(model->graph, name_data);
        snprintf(r.types[0], sizeof r.types[0], "none");
        size_t used = 0;
        for (size_t i = 0; v && v->data && v->data->values && i < v->data->count; i++) {
            char dim[64];
            ol_dim_text(v->data->values[i], dim, sizeof dim);
            used += (size_t)snprintf(r.types[0] + used, sizeof r.types[0] - used, "%s%s", i ? "," : "", dim);
        }
    }
    onnxlint_model_free(model);
    tb_rmtree(dir);
    free(dir);
    free(path);
    return r;
}

/* ---- Split ---- */

/* Sizes from an initializer keep the other dims' symbols; equal parts of
 * a symbolic dim are exact expressions; opset 18's num_outputs makes the
 * last part smaller; split sizes attribute before 13. */
static void split_sizes(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(13);
    int64_t x[] = {-1, 6}, s[] = {2, 4};
    tb_input(m->graph, "X", FLOAT, 2, x);
    tb_int64s(m->graph, "S", 2, s);
    Onnx__NodeProto *n = tb_node_n(m->graph, "Split", "a", (const char *[]){"X", "S", NULL},
                                   (const char *[]){"A", "B", NULL});
    tb_attr_int(n, "axis", 1);
    tb_node_n(m->graph, "Split", "b", (const char *[]){"X", NULL}, (const char *[]){"C", "D", NULL});
    tb_result r = tb_infer(m, (const char *[]){"A", "B", "C", "D", NULL});
    assert_string_equal(r.types[0], "float[N,2]");
    assert_string_equal(r.types[1], "float[N,4]");
    assert_string_equal(r.types[2], "float[floor(N/2),6]");
    assert_string_equal(r.types[3], "float[floor(N/2),6]");
    assert_int_equal(r.errors, 0);
    tb_model_free(m);

    m = tb_model(18);
    int64_t y[] = {3, 7};
    tb_input(m->graph, "Y", FLOAT, 2, y);
    n = tb_node_n(m->graph, "Split", "c", (const char *[]){"Y", NULL}, (const char *[]){"A", "B", "C", NULL});
    tb_attr_int(n, "axis", -1);
    tb_attr_int(n, "num_outputs", 3);
    r = tb_infer(m, (const char *[]){"A", "B", "C", NULL});
    assert_string_equal(r.types[0], "float[3,3]");
    assert_string_equal(r.types[1], "float[3,3]");
    assert_string_equal(r.types[2], "float[3,1]");
    assert_int_equal(r.errors, 0);
    tb_model_free(m);

    m = tb_model(11);
    tb_input(m->graph, "Y", FLOAT, 2, y);
    n = tb_node_n(m->graph, "Split", "d", (const char *[]){"Y", NULL}, (const char *[]){"A", "B", NULL});
    tb_attr_int(n, "axis", 1);
    tb_attr_ints(n, "split", 2, (int64_t[]){5, 2});
    r = tb_infer(m, (const char *[]){"A", "B", NULL});
    assert_string_equal(r.types[0], "float[3,5]");
    assert_string_equal(r.types[1], "float[3,2]");
    assert_int_equal(r.errors, 0);
    tb_model_free(m);
}

/* Symbolic split sizes (from a Shape, say) give symbolic parts, and a
 * split of known values passes each part's values on: here to OneHot's
 * depth. */
static void split_propagated(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(13);
    int64_t x[] = {3, 8}, two[] = {2};
    tb_input(m->graph, "X", FLOAT, 2, x);
    tb_input(m->graph, "S", INT64, 1, two);
    Onnx__NodeProto *n = tb_node_n(m->graph, "Split", "a", (const char *[]){"X", "S", NULL},
                                   (const char *[]){"A", "B", NULL});
    tb_attr_int(n, "axis", 1);
    tb_result r = infer_bound(m, (const char *[]){"S", "N", "8", NULL}, (const char *[]){"A", "B", NULL}, NULL);
    assert_string_equal(r.types[0], "float[3,N]");
    assert_string_equal(r.types[1], "float[3,8]");
    tb_model_free(m);

    m = tb_model(13);
    int64_t idx[] = {4};
    tb_int64s(m->graph, "D", 2, (int64_t[]){3, 7});
    tb_input(m->graph, "I", INT64, 1, idx);
    tb_input(m->graph, "V", FLOAT, 1, two);
    tb_node_n(m->graph, "Split", "s", (const char *[]){"D", NULL}, (const char *[]){"D0", "D1", NULL});
    tb_node_n(m->graph, "OneHot", "o", (const char *[]){"I", "D1", "V", NULL}, (const char *[]){"Y", NULL});
    r = tb_infer(m, (const char *[]){"D1", "Y", NULL});
    assert_string_equal(r.types[0], "int64[1]");
    assert_string_equal(r.types[1], "float[4,7]");
    assert_int_equal(r.errors, 0);
    tb_model_free(m);
}

/* Unknown split sizes still add up to the axis: one part is all of it, a
 * single unknown part is the rest, and parts of an empty axis are empty. */
static void split_deduced(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(13);
    int64_t x[] = {-1, 6}, e[] = {0}, one[] = {1}, three[] = {3}, two[] = {2};
    tb_input(m->graph, "X", FLOAT, 2, x);
    tb_input(m->graph, "E", FLOAT, 1, e);
    tb_input(m->graph, "S1", INT64, 1, one);
    tb_input(m->graph, "S3", INT64, 1, three);
    tb_input(m->graph, "S2", INT64, 1, two);
    tb_node_n(m->graph, "Split", "a", (const char *[]){"X", "S1", NULL}, (const char *[]){"A", NULL});
    tb_node_n(m->graph, "Split", "b", (const char *[]){"E", "S3", NULL}, (const char *[]){"B0", "B1", "B2", NULL});
    Onnx__NodeProto *n = tb_node_n(m->graph, "Split", "c", (const char *[]){"X", "S2", NULL},
                                   (const char *[]){"C0", "C1", NULL});
    tb_attr_int(n, "axis", 0);
    tb_result r = infer_bound(m, (const char *[]){"S2", "2", "?", NULL}, (const char *[]){"A", "B1", "C1", NULL},
                              NULL);
    assert_string_equal(r.types[0], "float[N,6]");
    assert_string_equal(r.types[1], "float[0]");
    assert_string_equal(r.types[2], "float[N-2,6]");
    tb_model_free(m);
}

/* Sizes that do not add up to the axis, and an uneven equal split, are
 * shape-errors. */
static void split_errors(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(13);
    int64_t x[] = {3, 6};
    tb_input(m->graph, "X", FLOAT, 2, x);
    tb_int64s(m->graph, "S", 2, (int64_t[]){2, 3});
    Onnx__NodeProto *n = tb_node_n(m->graph, "Split", "a", (const char *[]){"X", "S", NULL},
                                   (const char *[]){"A", "B", NULL});
    tb_attr_int(n, "axis", 1);
    tb_result r = tb_infer(m, (const char *[]){"A", "B", NULL});
    assert_int_equal(r.errors, 1);
    assert_non_null(strstr(r.first_error, "shape-error"));
    assert_non_null(strstr(r.first_error, "add up to 5"));
    assert_string_equal(r.types[1], "float[3,3]");
    tb_model_free(m);

    m = tb_model(13);
    tb_input(m->graph, "X", FLOAT, 2, x);
    tb_node_n(m->graph, "Split", "b", (const char *[]){"X", NULL}, (const char *[]){"A", "B", "C", "D", NULL});
    r = tb_infer(m, (const char *[]){"A", NULL});
    assert_int_equal(r.errors, 1);
    assert_non_null(strstr(r.first_error, "4 equal parts"));
    assert_string_equal(r.types[0], "float[?,6]");
    tb_model_free(m);
}

/* ---- Pad ---- */

/* Pads from an initializer (opset 11+), the pads attribute (opset 2), the
 * axes input (opset 18) and symbolic pads. */
static void pad_shapes(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(13);
    int64_t x[] = {-1, 3}, four[] = {4};
    tb_input(m->graph, "X", FLOAT, 2, x);
    tb_int64s(m->graph, "P", 4, (int64_t[]){1, 1, 2, -1});
    tb_node(m->graph, "Pad", "a", "X", "P", "A");
    tb_result r = tb_infer(m, (const char *[]){"A", NULL});
    assert_string_equal(r.types[0], "float[N+3,3]");
    assert_int_equal(r.errors, 0);
    tb_model_free(m);

    m = tb_model(2);
    tb_input(m->graph, "X", FLOAT, 2, x);
    Onnx__NodeProto *n = tb_node(m->graph, "Pad", "b", "X", NULL, "B");
    tb_attr_ints(n, "pads", 4, (int64_t[]){0, 2, 0, 3});
    r = tb_infer(m, (const char *[]){"B", NULL});
    assert_string_equal(r.types[0], "float[N,8]");
    assert_int_equal(r.errors, 0);
    tb_model_free(m);

    m = tb_model(18);
    int64_t y[] = {2, 3, 4};
    tb_input(m->graph, "Y", FLOAT, 3, y);
    tb_int64s(m->graph, "P", 2, (int64_t[]){1, 2});
    tb_int64s(m->graph, "AX", 1, (int64_t[]){-1});
    tb_node_n(m->graph, "Pad", "c", (const char *[]){"Y", "P", "", "AX", NULL}, (const char *[]){"C", NULL});
    r = tb_infer(m, (const char *[]){"C", NULL});
    assert_string_equal(r.types[0], "float[2,3,7]");
    assert_int_equal(r.errors, 0);
    tb_model_free(m);

    m = tb_model(13);
    tb_input(m->graph, "X", FLOAT, 2, x);
    tb_input(m->graph, "P", INT64, 1, four);
    tb_node(m->graph, "Pad", "d", "X", "P", "D");
    r = infer_bound(m, (const char *[]){"P", "0", "N", "0", "2", NULL}, (const char *[]){"D", NULL}, NULL);
    assert_string_equal(r.types[0], "float[N,N+5]");
    tb_model_free(m);

    /* unknown pads: the rank stays */
    m = tb_model(13);
    tb_input(m->graph, "X", FLOAT, 2, x);
    tb_input(m->graph, "P", INT64, 1, four);
    tb_node(m->graph, "Pad", "e", "X", "P", "E");
    r = tb_infer(m, (const char *[]){"E", NULL});
    assert_string_equal(r.types[0], "float[?,?]");
    assert_int_equal(r.errors, 0);
    tb_model_free(m);
}

/* Pads of the wrong length, or cropping below zero, are shape-errors. */
static void pad_errors(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(13);
    int64_t x[] = {5, 3}, three[] = {3};
    tb_input(m->graph, "X", FLOAT, 2, x);
    tb_input(m->graph, "P", INT64, 1, three);
    tb_node(m->graph, "Pad", "a", "X", "P", "A");
    tb_result r = tb_infer(m, (const char *[]){"A", NULL});
    assert_int_equal(r.errors, 1);
    assert_non_null(strstr(r.first_error, "pads has 3 values"));
    assert_string_equal(r.types[0], "float[?,?]");
    tb_model_free(m);

    m = tb_model(13);
    tb_input(m->graph, "X", FLOAT, 2, x);
    tb_int64s(m->graph, "P", 4, (int64_t[]){0, -2, 0, -2});
    tb_node(m->graph, "Pad", "b", "X", "P", "B");
    r = tb_infer(m, (const char *[]){"B", NULL});
    assert_int_equal(r.errors, 1);
    assert_non_null(strstr(r.first_error, "shape-error"));
    tb_model_free(m);
}

/* ---- Resize, Upsample ---- */

/* floor(dim * scale) from a scales initializer (exact on a symbol for a
 * power-of-two fraction), sizes, opset 10's scales, opset 18's axes and
 * keep_aspect_ratio_policy, Upsample's scales attribute (opset 7). */
static void resize_shapes(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(13);
    int64_t x[] = {-1, 3, 4, 6};
    tb_input(m->graph, "X", FLOAT, 4, x);
    floats(m->graph, "S", 4, (float[]){1, 0.5f, 2, 1.5f});
    floats(m->graph, "T", 4, (float[]){0.5f, 1, 1, 1});
    tb_int64s(m->graph, "Z", 4, (int64_t[]){1, 3, 5, 7});
    tb_node_n(m->graph, "Resize", "a", (const char *[]){"X", "", "S", NULL}, (const char *[]){"A", NULL});
    tb_node_n(m->graph, "Resize", "b", (const char *[]){"X", "", "", "Z", NULL}, (const char *[]){"B", NULL});
    tb_node_n(m->graph, "Resize", "c", (const char *[]){"X", "", "T", NULL}, (const char *[]){"C", NULL});
    tb_result r = tb_infer(m, (const char *[]){"A", "B", "C", NULL});
    assert_string_equal(r.types[0], "float[N,1,8,9]");
    assert_string_equal(r.types[1], "float[1,3,5,7]");
    assert_string_equal(r.types[2], "float[floor(N/2),3,4,6]");
    assert_int_equal(r.errors, 0);
    tb_model_free(m);

    m = tb_model(10);
    tb_input(m->graph, "X", FLOAT, 4, x);
    floats(m->graph, "S", 4, (float[]){1, 1, 0.5f, 0.6f});
    tb_node(m->graph, "Resize", "d", "X", "S", "D");
    r = tb_infer(m, (const char *[]){"D", NULL});
    assert_string_equal(r.types[0], "float[N,3,2,3]");
    assert_int_equal(r.errors, 0);
    tb_model_free(m);

    m = tb_model(18);
    tb_input(m->graph, "X", FLOAT, 4, x);
    tb_int64s(m->graph, "Z", 2, (int64_t[]){5, 8});
    Onnx__NodeProto *n = tb_node_n(m->graph, "Resize", "e", (const char *[]){"X", "", "", "Z", NULL},
                                   (const char *[]){"E", NULL});
    tb_attr_ints(n, "axes", 2, (int64_t[]){2, -1});
    tb_attr_string(n, "keep_aspect_ratio_policy", "not_larger");
    r = tb_infer(m, (const char *[]){"E", NULL});
    assert_string_equal(r.types[0], "float[N,3,5,8]");
    assert_int_equal(r.errors, 0);
    tb_model_free(m);

    m = tb_model(7);
    tb_input(m->graph, "X", FLOAT, 4, x);
    n = tb_node(m->graph, "Upsample", "f", "X", NULL, "F");
    attr_floats(n, "scales", 4, (float[]){2, 1, 2, 3});
    r = tb_infer(m, (const char *[]){"F", NULL});
    assert_string_equal(r.types[0], "float[2*N,3,8,18]");
    assert_int_equal(r.errors, 0);
    tb_model_free(m);

    /* unknown scales: the rank stays */
    m = tb_model(9);
    int64_t four[] = {4};
    tb_input(m->graph, "X", FLOAT, 4, x);
    tb_input(m->graph, "S", FLOAT, 1, four);
    tb_node(m->graph, "Upsample", "g", "X", "S", "G");
    r = tb_infer(m, (const char *[]){"G", NULL});
    assert_string_equal(r.types[0], "float[?,?,?,?]");
    assert_int_equal(r.errors, 0);
    tb_model_free(m);
}

/* Scales of the wrong length, and scales with sizes, are shape-errors. */
static void resize_errors(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(13);
    int64_t x[] = {1, 3, 4, 6};
    tb_input(m->graph, "X", FLOAT, 4, x);
    floats(m->graph, "S", 2, (float[]){2, 2});
    tb_node_n(m->graph, "Resize", "a", (const char *[]){"X", "", "S", NULL}, (const char *[]){"A", NULL});
    tb_result r = tb_infer(m, (const char *[]){"A", NULL});
    assert_int_equal(r.errors, 1);
    assert_non_null(strstr(r.first_error, "scales has 2 values for 4 axes"));
    assert_string_equal(r.types[0], "float[?,?,?,?]");
    tb_model_free(m);

    m = tb_model(13);
    tb_input(m->graph, "X", FLOAT, 4, x);
    floats(m->graph, "S", 4, (float[]){1, 1, 1, 1});
    tb_int64s(m->graph, "Z", 4, (int64_t[]){1, 3, 4, 6});
    tb_node_n(m->graph, "Resize", "b", (const char *[]){"X", "", "S", "Z", NULL}, (const char *[]){"B", NULL});
    r = tb_infer(m, (const char *[]){"B", NULL});
    assert_int_equal(r.errors, 1);
    assert_non_null(strstr(r.first_error, "both given"));
    tb_model_free(m);
}

/* ---- OneHot, NonZero, Unique, Compress ---- */

/* OneHot's depth from an initializer or a symbol; counts from known
 * values; symbolic dims where the output follows the input. */
static void value_dependent(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(11);
    int64_t idx[] = {-1, 3}, two[] = {2}, one[] = {1};
    tb_input(m->graph, "I", INT64, 2, idx);
    tb_input(m->graph, "V", FLOAT, 1, two);
    tb_input(m->graph, "DS", INT64, 1, one);
    tb_int64s(m->graph, "D", 1, (int64_t[]){10});
    tb_int64s(m->graph, "C", 6, (int64_t[]){0, 4, 0, 5, 5, 1});
    Onnx__NodeProto *n = tb_node_n(m->graph, "OneHot", "a", (const char *[]){"I", "D", "V", NULL},
                                   (const char *[]){"A", NULL});
    tb_attr_int(n, "axis", 1);
    tb_node_n(m->graph, "OneHot", "b", (const char *[]){"I", "DS", "V", NULL}, (const char *[]){"B", NULL});
    tb_node(m->graph, "NonZero", "c", "C", NULL, "NZ");
    tb_node_n(m->graph, "Unique", "d", (const char *[]){"C", NULL}, (const char *[]){"U", "UI", "UV", "UC", NULL});
    tb_node_n(m->graph, "Unique", "e", (const char *[]){"I", NULL}, (const char *[]){"W", "WI", "WV", "WC", NULL});
    tb_result r = infer_bound(m, (const char *[]){"DS", "N", NULL},
                              (const char *[]){"A", "B", "NZ", "U", "UV", "UC", "W", "WV", NULL}, NULL);
    assert_string_equal(r.types[0], "float[N,10,3]");
    assert_string_equal(r.types[1], "float[N,3,N]");
    assert_string_equal(r.types[2], "int64[1,4]");
    assert_string_equal(r.types[3], "int64[4]");
    assert_string_equal(r.types[4], "int64[6]");
    assert_string_equal(r.types[5], "int64[4]");
    assert_string_equal(r.types[6], "int64[?]");
    assert_string_equal(r.types[7], "int64[3*N]");
    tb_model_free(m);

    m = tb_model(11);
    int64_t x[] = {-1, 4}, four[] = {4};
    tb_input(m->graph, "X", FLOAT, 2, x);
    tb_input(m->graph, "CU", BOOL, 1, four);
    uint8_t cond[] = {1, 0, 1, 0};
    tb_initializer(m->graph, "CK", BOOL, 1, four, cond, sizeof cond);
    n = tb_node(m->graph, "Compress", "f", "X", "CK", "F");
    tb_attr_int(n, "axis", 1);
    tb_node(m->graph, "Compress", "g", "X", "CU", "G");
    n = tb_node_n(m->graph, "Unique", "h", (const char *[]){"X", NULL}, (const char *[]){"H", "HI", "HV", NULL});
    tb_attr_int(n, "axis", -1);
    tb_node(m->graph, "NonZero", "i", "X", NULL, "NX");
    r = tb_infer(m, (const char *[]){"F", "G", "H", "HV", "NX", NULL});
    assert_string_equal(r.types[0], "float[N,2]");
    assert_string_equal(r.types[1], "float[?]");
    assert_string_equal(r.types[2], "float[N,?]");
    assert_string_equal(r.types[3], "int64[4]");
    assert_string_equal(r.types[4], "int64[2,?]");
    assert_int_equal(r.errors, 0);
    tb_model_free(m);
}

/* OneHot's values must hold two elements; Compress's condition is 1-D
 * and selects nothing past the axis. */
static void value_dependent_errors(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(11);
    int64_t idx[] = {4}, three[] = {3}, scalar[] = {0};
    tb_input(m->graph, "I", INT64, 1, idx);
    tb_input(m->graph, "V", FLOAT, 1, three);
    tb_input(m->graph, "D", INT64, 0, scalar);
    tb_node_n(m->graph, "OneHot", "a", (const char *[]){"I", "D", "V", NULL}, (const char *[]){"A", NULL});
    tb_result r = tb_infer(m, (const char *[]){"A", NULL});
    assert_int_equal(r.errors, 1);
    assert_non_null(strstr(r.first_error, "exactly two elements"));
    assert_string_equal(r.types[0], "float[4,?]");
    tb_model_free(m);

    m = tb_model(11);
    int64_t x[] = {2, 4};
    uint8_t cond[] = {0, 0, 1};
    tb_input(m->graph, "X", FLOAT, 2, x);
    tb_initializer(m->graph, "C", BOOL, 1, three, cond, sizeof cond);
    Onnx__NodeProto *n = tb_node(m->graph, "Compress", "b", "X", "C", "B");
    tb_attr_int(n, "axis", 0);
    r = tb_infer(m, (const char *[]){"B", NULL});
    assert_int_equal(r.errors, 1);
    assert_non_null(strstr(r.first_error, "beyond the 2 elements"));
    tb_model_free(m);
}

/* ---- layout ---- */

/* DepthToSpace and SpaceToDepth move blocksize^2 between channels and
 * space, symbols included. */
static void depth_space(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(13);
    int64_t x[] = {-1, 8, 3, 4}, c[] = {1, -1, 2, 2};
    tb_input(m->graph, "X", FLOAT, 4, x);
    tb_input(m->graph, "C", FLOAT, 4, c);
    Onnx__NodeProto *n = tb_node(m->graph, "DepthToSpace", "a", "X", NULL, "A");
    tb_attr_int(n, "blocksize", 2);
    tb_attr_string(n, "mode", "CRD");
    n = tb_node(m->graph, "SpaceToDepth", "b", "A", NULL, "B");
    tb_attr_int(n, "blocksize", 2);
    n = tb_node(m->graph, "SpaceToDepth", "c", "C", NULL, "CC");
    tb_attr_int(n, "blocksize", 2);
    tb_result r = tb_infer(m, (const char *[]){"A", "B", "CC", NULL});
    assert_string_equal(r.types[0], "float[N,2,6,8]");
    assert_string_equal(r.types[1], "float[N,8,3,4]");
    assert_string_equal(r.types[2], "float[1,4*N,1,1]");
    assert_int_equal(r.errors, 0);
    tb_model_free(m);

    m = tb_model(13);
    int64_t bad[] = {1, 6, 3, 5};
    tb_input(m->graph, "X", FLOAT, 4, bad);
    n = tb_node(m->graph, "DepthToSpace", "a", "X", NULL, "A");
    tb_attr_int(n, "blocksize", 2);
    n = tb_node(m->graph, "SpaceToDepth", "b", "X", NULL, "B");
    tb_attr_int(n, "blocksize", 3);
    r = tb_infer(m, (const char *[]){"A", "B", NULL});
    assert_int_equal(r.errors, 2);
    assert_non_null(strstr(r.all_errors, "channels 6 is not divisible by 4"));
    assert_non_null(strstr(r.all_errors, "width 5 is not divisible by 3"));
    assert_string_equal(r.types[0], "float[1,?,6,10]");
    assert_string_equal(r.types[1], "float[1,54,1,?]");
    tb_model_free(m);
}

/* ---- gather, scatter ---- */

/* GatherND with batch_dims, GatherElements following the indices,
 * scatters keeping data's type; a 1-D scatter into known values (a shape
 * being edited) propagates them. */
static void gather_scatter(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(13);
    int64_t d[] = {-1, 3, 4, 5}, i[] = {-1, 7, 2}, e[] = {-1, 2}, g[] = {-1, 3}, one[] = {1, 1};
    tb_input(m->graph, "D", FLOAT, 4, d);
    tb_input(m->graph, "I", INT64, 3, i);
    tb_input(m->graph, "E", INT64, 2, e);
    tb_input(m->graph, "G", FLOAT, 2, g);
    Onnx__NodeProto *n = tb_node(m->graph, "GatherND", "a", "D", "I", "A");
    tb_attr_int(n, "batch_dims", 1);
    n = tb_node(m->graph, "GatherElements", "b", "G", "E", "B");
    tb_attr_int(n, "axis", -1);
    tb_node_n(m->graph, "ScatterElements", "c", (const char *[]){"G", "E", "B", NULL}, (const char *[]){"C", NULL});
    tb_int64s(m->graph, "SH", 3, (int64_t[]){2, 3, 4});
    tb_initializer(m->graph, "SI", INT64, 2, one, (int64_t[]){-1}, sizeof(int64_t));
    tb_int64s(m->graph, "SU", 1, (int64_t[]){9});
    tb_node_n(m->graph, "ScatterND", "d", (const char *[]){"SH", "SI", "SU", NULL}, (const char *[]){"S", NULL});
    tb_result r = tb_infer(m, (const char *[]){"A", "B", "C", "S", NULL});
    assert_string_equal(r.types[0], "float[N,7,5]");
    assert_string_equal(r.types[1], "float[N,2]");
    assert_string_equal(r.types[2], "float[N,3]");
    assert_string_equal(r.types[3], "int64[3]");
    assert_int_equal(r.errors, 0);
    r = infer_bound(m, NULL, NULL, "S");
    assert_string_equal(r.types[0], "2,3,9");
    tb_model_free(m);
}

/* Index depths beyond data's rank and updates that do not fit are
 * shape-errors. */
static void gather_scatter_errors(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(13);
    int64_t d[] = {2, 3}, i[] = {4, 3}, sd[] = {4, 5, 6}, si[] = {2, 1}, su[] = {2, 5, 7};
    tb_input(m->graph, "D", FLOAT, 2, d);
    tb_input(m->graph, "I", INT64, 2, i);
    tb_input(m->graph, "SD", FLOAT, 3, sd);
    tb_input(m->graph, "SI", INT64, 2, si);
    tb_input(m->graph, "SU", FLOAT, 3, su);
    tb_node(m->graph, "GatherND", "a", "D", "I", "A");
    tb_node_n(m->graph, "ScatterND", "b", (const char *[]){"SD", "SI", "SU", NULL}, (const char *[]){"B", NULL});
    tb_node_n(m->graph, "ScatterElements", "c", (const char *[]){"D", "I", "SD", NULL}, (const char *[]){"C", NULL});
    tb_result r = tb_infer(m, (const char *[]){"A", "B", NULL});
    assert_int_equal(r.errors, 3);
    assert_non_null(strstr(r.all_errors, "last dim of indices int64[4,3] must be in [1, 2]"));
    assert_non_null(strstr(r.all_errors, "updates vs data dim: 7 vs 6"));
    assert_non_null(strstr(r.all_errors, "updates float[4,5,6] must have the shape of indices int64[4,3]"));
    assert_string_equal(r.types[0], "float[...]");
    assert_string_equal(r.types[1], "float[4,5,6]");
    tb_model_free(m);
}

/* ---- the rest ---- */

/* Trilu and ReverseSequence keep the input's type, EyeLike takes dtype,
 * CenterCropPad and Col2Im take sizes from their shape inputs. */
static void misc_shapes(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(18);
    int64_t x[] = {-1, 4}, l[] = {4}, c[] = {10, 8, 3}, col[] = {-1, 8, 9};
    tb_input(m->graph, "X", FLOAT, 2, x);
    tb_input(m->graph, "L", INT64, 1, l);
    tb_input(m->graph, "CX", FLOAT, 3, c);
    tb_input(m->graph, "COL", FLOAT, 3, col);
    tb_int64s(m->graph, "CS", 2, (int64_t[]){5, 12});
    tb_int64s(m->graph, "IM", 2, (int64_t[]){5, 5});
    tb_int64s(m->graph, "BL", 2, (int64_t[]){2, 2});
    tb_node(m->graph, "Trilu", "a", "X", NULL, "A");
    Onnx__NodeProto *n = tb_node(m->graph, "ReverseSequence", "b", "X", "L", "B");
    tb_attr_int(n, "batch_axis", 1);
    tb_attr_int(n, "time_axis", 0);
    n = tb_node(m->graph, "EyeLike", "c", "X", NULL, "C");
    tb_attr_int(n, "dtype", INT32);
    n = tb_node(m->graph, "CenterCropPad", "d", "CX", "CS", "D");
    tb_attr_ints(n, "axes", 2, (int64_t[]){0, -2});
    n = tb_node_n(m->graph, "Col2Im", "e", (const char *[]){"COL", "IM", "BL", NULL}, (const char *[]){"E", NULL});
    tb_attr_ints(n, "strides", 2, (int64_t[]){2, 2});
    tb_attr_ints(n, "pads", 4, (int64_t[]){1, 1, 1, 1});
    tb_result r = tb_infer(m, (const char *[]){"A", "B", "C", "D", "E", NULL});
    assert_string_equal(r.types[0], "float[N,4]");
    assert_string_equal(r.types[1], "float[N,4]");
    assert_string_equal(r.types[2], "int32[N,4]");
    assert_string_equal(r.types[3], "float[5,12,3]");
    assert_string_equal(r.types[4], "float[N,2,5,5]");
    assert_int_equal(r.errors, 0);
    tb_model_free(m);
}

/* Each of them against an input that contradicts its spec. */
static void misc_errors(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(18);
    int64_t v[] = {4}, x[] = {4, 3}, c[] = {10, 8, 3}, col[] = {1, 5, 24};
    tb_input(m->graph, "V", FLOAT, 1, v);
    tb_input(m->graph, "X", FLOAT, 2, x);
    tb_input(m->graph, "L", INT64, 1, v);
    tb_input(m->graph, "CX", FLOAT, 3, c);
    tb_input(m->graph, "COL", FLOAT, 3, col);
    tb_int64s(m->graph, "CS", 2, (int64_t[]){5, 12});
    tb_int64s(m->graph, "IM", 2, (int64_t[]){5, 5});
    tb_int64s(m->graph, "BL", 2, (int64_t[]){1, 5});
    tb_node(m->graph, "Trilu", "a", "V", NULL, "A");
    tb_node(m->graph, "ReverseSequence", "b", "X", "L", "B");
    tb_node(m->graph, "EyeLike", "c", "V", NULL, "C");
    tb_node(m->graph, "CenterCropPad", "d", "CX", "CS", "D");
    tb_node_n(m->graph, "Col2Im", "e", (const char *[]){"COL", "IM", "BL", NULL}, (const char *[]){"E", NULL});
    tb_result r = tb_infer(m, (const char *[]){"D", "E", NULL});
    assert_int_equal(r.errors, 5);
    assert_non_null(strstr(r.all_errors, "input float[4] must have rank >= 2 (Trilu)"));
    assert_non_null(strstr(r.all_errors, "sequence_lens vs batch dim: 3 vs 4"));
    assert_non_null(strstr(r.all_errors, "input must have rank 2, got float[4] (EyeLike)"));
    assert_non_null(strstr(r.all_errors, "has 2 values for 3 axes"));
    assert_non_null(strstr(r.all_errors, "number of blocks: 24 vs 5"));
    assert_string_equal(r.types[0], "float[?,?,?]");
    assert_string_equal(r.types[1], "float[1,1,5,5]");
    tb_model_free(m);
}

/* ---- kernels ---- */

/* Tolerance of kernel results against hand-computed values. */
#define KERNEL_RTOL 1e-6




/* Output i of a successful run, checked to be a tensor of elem type and
 * the given dims, compared with want (n values, as doubles). */
static void expect_out(const krun *r, size_t i, int elem, int rank, const int64_t *dims, const double *want,
                       size_t n)
{
    if (!r->ok)
        print_error("run failed: %s\n", r->eval.error);
    assert_true(r->ok);
    assert_non_null(r->outputs[i]);
    const ol_array *a = r->outputs[i]->tensor;
    assert_non_null(a);
    assert_int_equal(a->elem_type, elem);
    assert_int_equal(a->rank, rank);
    for (int d = 0; d < rank; d++)
        assert_int_equal(a->dims[d], dims[d]);
    assert_int_equal(a->count, n);
    for (size_t k = 0; k < n; k++) {
        double got = ol_array_get_f64(a, k);
        double diff = got > want[k] ? got - want[k] : want[k] - got;
        if (diff > KERNEL_RTOL * (1 + (want[k] < 0 ? -want[k] : want[k])))
            print_error("output %zu element %zu: %.9g, expected %.9g\n", i, k, got, want[k]);
        assert_true(diff <= KERNEL_RTOL * (1 + (want[k] < 0 ? -want[k] : want[k])));
    }
}


static void float_init(Onnx__GraphProto *g, const char *name, size_t rank, const int64_t *dims, const float *v,
                       size_t n)
{
    tb_initializer(g, name, FLOAT, rank, dims, v, n * sizeof *v);
}

static void int64_init(Onnx__GraphProto *g, const char *name, size_t rank, const int64_t *dims, const int64_t *v,
                       size_t n)
{
    tb_initializer(g, name, INT64, rank, dims, v, n * sizeof *v);
}

#define N_OF(a) (sizeof(a) / sizeof *(a))

/* GatherElements with negative indices, GatherND with a batch dim,
 * ScatterElements adding duplicates, ScatterND multiplying. */
static void gather_scatter_kernels(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(16);
    Onnx__GraphProto *g = m->graph;
    int64_t d33[] = {3, 3}, d23[] = {2, 3}, d222[] = {2, 2, 2}, d21[] = {2, 1}, d22[] = {2, 2}, d15[] = {1, 5},
            d12[] = {1, 2}, d4[] = {4}, d31[] = {3, 1}, d3[] = {3};
    float nine[] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    float_init(g, "X", 2, d33, nine, 9);
    int64_init(g, "I", 2, d23, (int64_t[]){-1, -2, 0, -2, 0, 0}, 6);
    tb_attr_int(tb_node(g, "GatherElements", "ge", "X", "I", "GE"), "axis", 0);
    tb_initializer(g, "D", INT32, 3, d222, (int32_t[]){0, 1, 2, 3, 4, 5, 6, 7}, 8 * sizeof(int32_t));
    int64_init(g, "J", 2, d21, (int64_t[]){1, 0}, 2);
    tb_attr_int(tb_node(g, "GatherND", "gnd", "D", "J", "GND"), "batch_dims", 1);
    float_init(g, "S", 2, d15, (float[]){1, 2, 3, 4, 5}, 5);
    int64_init(g, "SI", 2, d12, (int64_t[]){1, 1}, 2);
    float_init(g, "SU", 2, d12, (float[]){1.5f, 2.25f}, 2);
    Onnx__NodeProto *n = tb_node_n(g, "ScatterElements", "se", (const char *[]){"S", "SI", "SU", NULL},
                                   (const char *[]){"SE", NULL});
    tb_attr_int(n, "axis", 1);
    tb_attr_string(n, "reduction", "add");
    float_init(g, "T", 1, d4, (float[]){1, 2, 3, 4}, 4);
    int64_init(g, "TI", 2, d31, (int64_t[]){1, 1, -1}, 3);
    float_init(g, "TU", 1, d3, (float[]){2, 3, 5}, 3);
    n = tb_node_n(g, "ScatterND", "snd", (const char *[]){"T", "TI", "TU", NULL}, (const char *[]){"SND", NULL});
    tb_attr_string(n, "reduction", "mul");
    tb_output(g, "GE", FLOAT, 2, d23);
    tb_output(g, "GND", INT32, 2, d22);
    tb_output(g, "SE", FLOAT, 2, d15);
    tb_output(g, "SND", FLOAT, 1, d4);
    krun r;
    krun_start(&r, m);
    expect_out(&r, 0, FLOAT, 2, d23, (double[]){7, 5, 3, 4, 2, 3}, 6);
    expect_out(&r, 1, INT32, 2, d22, (double[]){2, 3, 4, 5}, 4);
    expect_out(&r, 2, FLOAT, 2, d15, (double[]){1, 5.75, 3, 4, 5}, 5);
    expect_out(&r, 3, FLOAT, 1, d4, (double[]){1, 12, 3, 20}, 4);
    krun_end(&r);
}

/* Split by sizes and into empty parts; Pad in each mode (wrap is 19). */
static void split_pad_kernels(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(19);
    Onnx__GraphProto *g = m->graph;
    int64_t d6[] = {6}, d0[] = {0}, d2[] = {2}, d4[] = {4}, d23[] = {2, 3}, d26[] = {2, 6}, d34[] = {3, 4};
    float_init(g, "X", 1, d6, (float[]){1, 2, 3, 4, 5, 6}, 6);
    tb_int64s(g, "SP", 2, (int64_t[]){2, 4});
    tb_node_n(g, "Split", "s", (const char *[]){"X", "SP", NULL}, (const char *[]){"A", "B", NULL});
    float_init(g, "E", 1, d0, NULL, 0);
    tb_node_n(g, "Split", "se", (const char *[]){"E", NULL}, (const char *[]){"E1", "E2", NULL});
    float_init(g, "M", 2, d23, (float[]){1, 2, 3, 4, 5, 6}, 6);
    tb_int64s(g, "P1", 4, (int64_t[]){0, 2, 0, 1});
    tb_attr_string(tb_node(g, "Pad", "reflect", "M", "P1", "R"), "mode", "reflect");
    tb_int64s(g, "P2", 4, (int64_t[]){1, 0, 0, 1});
    tb_attr_string(tb_node(g, "Pad", "edge", "M", "P2", "ED"), "mode", "edge");
    tb_int64s(g, "P3", 4, (int64_t[]){0, 1, 1, 0});
    float_init(g, "V", 0, NULL, (float[]){9}, 1);
    tb_node_n(g, "Pad", "const", (const char *[]){"M", "P3", "V", NULL}, (const char *[]){"C", NULL});
    tb_int64s(g, "P4", 4, (int64_t[]){0, 1, 0, 2});
    tb_attr_string(tb_node(g, "Pad", "wrap", "M", "P4", "W"), "mode", "wrap");
    tb_output(g, "A", FLOAT, 1, d2);
    tb_output(g, "B", FLOAT, 1, d4);
    tb_output(g, "E1", FLOAT, 1, d0);
    tb_output(g, "R", FLOAT, 2, d26);
    tb_output(g, "ED", FLOAT, 2, d34);
    tb_output(g, "C", FLOAT, 2, d34);
    tb_output(g, "W", FLOAT, 2, d26);
    krun r;
    krun_start(&r, m);
    expect_out(&r, 0, FLOAT, 1, d2, (double[]){1, 2}, 2);
    expect_out(&r, 1, FLOAT, 1, d4, (double[]){3, 4, 5, 6}, 4);
    expect_out(&r, 2, FLOAT, 1, d0, NULL, 0);
    expect_out(&r, 3, FLOAT, 2, d26, (double[]){3, 2, 1, 2, 3, 2, 6, 5, 4, 5, 6, 5}, 12);
    expect_out(&r, 4, FLOAT, 2, d34, (double[]){1, 2, 3, 3, 1, 2, 3, 3, 4, 5, 6, 6}, 12);
    expect_out(&r, 5, FLOAT, 2, d34, (double[]){9, 1, 2, 3, 9, 4, 5, 6, 9, 9, 9, 9}, 12);
    expect_out(&r, 6, FLOAT, 2, d26, (double[]){3, 1, 2, 3, 1, 2, 6, 4, 5, 6, 4, 5}, 12);
    krun_end(&r);
}

/* Resize nearest and linear (half_pixel) by scales, nearest by sizes;
 * Upsample-9 nearest. */
static void resize_kernels(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(13);
    Onnx__GraphProto *g = m->graph;
    int64_t d1122[] = {1, 1, 2, 2}, d1124[] = {1, 1, 2, 4}, d1146[] = {1, 1, 4, 6}, d1144[] = {1, 1, 4, 4},
            d1113[] = {1, 1, 1, 3}, d4[] = {4};
    float_init(g, "X", 4, d1122, (float[]){1, 2, 3, 4}, 4);
    float_init(g, "X2", 4, d1124, (float[]){1, 2, 3, 4, 5, 6, 7, 8}, 8);
    float_init(g, "S23", 1, d4, (float[]){1, 1, 2, 3}, 4);
    float_init(g, "S22", 1, d4, (float[]){1, 1, 2, 2}, 4);
    tb_int64s(g, "SZ", 4, (int64_t[]){1, 1, 1, 3});
    tb_attr_string(tb_node_n(g, "Resize", "near", (const char *[]){"X", "", "S23", NULL}, (const char *[]){"N", NULL}),
                   "mode", "nearest");
    tb_attr_string(tb_node_n(g, "Resize", "lin", (const char *[]){"X", "", "S22", NULL}, (const char *[]){"L", NULL}),
                   "mode", "linear");
    tb_node_n(g, "Resize", "down", (const char *[]){"X2", "", "", "SZ", NULL}, (const char *[]){"D", NULL});
    tb_output(g, "N", FLOAT, 4, d1146);
    tb_output(g, "L", FLOAT, 4, d1144);
    tb_output(g, "D", FLOAT, 4, d1113);
    krun r;
    krun_start(&r, m);
    expect_out(&r, 0, FLOAT, 4, d1146,
               (double[]){1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 3, 3, 3, 4, 4, 4}, 24);
    expect_out(&r, 1, FLOAT, 4, d1144,
               (double[]){1, 1.25, 1.75, 2, 1.5, 1.75, 2.25, 2.5, 2.5, 2.75, 3.25, 3.5, 3, 3.25, 3.75, 4}, 16);
    expect_out(&r, 2, FLOAT, 4, d1113, (double[]){1, 2, 4}, 3);
    krun_end(&r);

    m = tb_model(9);
    g = m->graph;
    float_init(g, "X", 4, d1122, (float[]){1, 2, 3, 4}, 4);
    float_init(g, "S", 1, d4, (float[]){1, 1, 2, 2}, 4);
    tb_node(g, "Upsample", "up", "X", "S", "U");
    tb_output(g, "U", FLOAT, 4, d1144);
    krun_start(&r, m);
    expect_out(&r, 0, FLOAT, 4, d1144, (double[]){1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4}, 16);
    krun_end(&r);
}

/* OneHot (an index out of range gives a row of off values), NonZero (of
 * nothing: an empty result), Unique sorted and not, Compress, Trilu. */
static void select_kernels(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(14);
    Onnx__GraphProto *g = m->graph;
    int64_t d3[] = {3}, d33[] = {3, 3}, d22[] = {2, 2}, d23[] = {2, 3}, d20[] = {2, 0}, d6[] = {6}, d4[] = {4},
            d32[] = {3, 2};
    tb_int64s(g, "I", 3, (int64_t[]){0, -1, 5});
    tb_int64s(g, "DEPTH", 1, (int64_t[]){3});
    float_init(g, "OFFON", 1, (int64_t[]){2}, (float[]){0, 1}, 2);
    tb_node_n(g, "OneHot", "oh", (const char *[]){"I", "DEPTH", "OFFON", NULL}, (const char *[]){"OH", NULL});
    tb_initializer(g, "B", BOOL, 2, d22, (uint8_t[]){1, 0, 1, 1}, 4);
    tb_node(g, "NonZero", "nz", "B", NULL, "NZ");
    float_init(g, "Z", 2, d22, (float[]){0, 0, 0, 0}, 4);
    tb_node(g, "NonZero", "nz0", "Z", NULL, "NZ0");
    float_init(g, "U", 2, d22, (float[]){1, 3, 2, 3}, 4);
    tb_node_n(g, "Unique", "u", (const char *[]){"U", NULL}, (const char *[]){"UY", "UI", "UV", "UC", NULL});
    float_init(g, "U2", 1, d6, (float[]){2, 1, 1, 3, 4, 3}, 6);
    tb_attr_int(tb_node_n(g, "Unique", "u2", (const char *[]){"U2", NULL},
                          (const char *[]){"VY", "VI", "VV", "VC", NULL}),
                "sorted", 0);
    const char *outs[] = {"OH", "NZ", "NZ0", "UY", "UI", "UV", "UC", "VY"};
    for (size_t i = 0; i < N_OF(outs); i++)
        tb_output(g, outs[i], FLOAT, 1, d3); /* the declared shapes do not matter to the run */
    krun r;
    krun_start(&r, m);
    expect_out(&r, 0, FLOAT, 2, d33, (double[]){1, 0, 0, 0, 0, 1, 0, 0, 0}, 9);
    expect_out(&r, 1, INT64, 2, d23, (double[]){0, 1, 1, 0, 0, 1}, 6);
    expect_out(&r, 2, INT64, 2, d20, NULL, 0);
    expect_out(&r, 3, FLOAT, 1, d3, (double[]){1, 2, 3}, 3);
    expect_out(&r, 4, INT64, 1, d3, (double[]){0, 2, 1}, 3);
    expect_out(&r, 5, INT64, 1, d4, (double[]){0, 2, 1, 2}, 4);
    expect_out(&r, 6, INT64, 1, d3, (double[]){1, 1, 2}, 3);
    expect_out(&r, 7, FLOAT, 1, d4, (double[]){2, 1, 3, 4}, 4);
    krun_end(&r);

    m = tb_model(14);
    g = m->graph;
    float_init(g, "U2", 1, d6, (float[]){2, 1, 1, 3, 4, 3}, 6);
    tb_attr_int(tb_node_n(g, "Unique", "u2", (const char *[]){"U2", NULL},
                          (const char *[]){"VY", "VI", "VV", "VC", NULL}),
                "sorted", 0);
    float_init(g, "C", 2, d32, (float[]){1, 2, 3, 4, 5, 6}, 6);
    tb_initializer(g, "COND", BOOL, 1, d3, (uint8_t[]){0, 1, 1}, 3);
    tb_attr_int(tb_node(g, "Compress", "c", "C", "COND", "CO"), "axis", 0);
    float_init(g, "T", 2, d33, (float[]){1, 2, 3, 4, 5, 6, 7, 8, 9}, 9);
    int64_init(g, "K", 0, NULL, (int64_t[]){-1}, 1);
    tb_attr_int(tb_node(g, "Trilu", "t", "T", "K", "TR"), "upper", 0);
    const char *outs2[] = {"VI", "VV", "VC", "CO", "TR"};
    for (size_t i = 0; i < N_OF(outs2); i++)
        tb_output(g, outs2[i], FLOAT, 1, d3);
    krun_start(&r, m);
    expect_out(&r, 0, INT64, 1, d4, (double[]){0, 1, 3, 4}, 4);
    expect_out(&r, 1, INT64, 1, d6, (double[]){0, 1, 1, 2, 3, 2}, 6);
    expect_out(&r, 2, INT64, 1, d4, (double[]){1, 2, 2, 1}, 4);
    expect_out(&r, 3, FLOAT, 2, d22, (double[]){3, 4, 5, 6}, 4);
    expect_out(&r, 4, FLOAT, 2, d33, (double[]){0, 0, 0, 4, 0, 0, 7, 8, 0}, 9);
    krun_end(&r);
}

/* DepthToSpace (DCR, CRD), SpaceToDepth, ReverseSequence, EyeLike,
 * CenterCropPad (crop one axis, pad the other) and Col2Im (overlapping
 * blocks add up). */
static void layout_kernels(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(18);
    Onnx__GraphProto *g = m->graph;
    int64_t d1811[] = {1, 8, 1, 1}, d1222[] = {1, 2, 2, 2}, d1411[] = {1, 4, 1, 1}, d1122[] = {1, 1, 2, 2},
            d33[] = {3, 3}, d23[] = {2, 3}, d32[] = {3, 2}, d14[] = {1, 4}, d122[] = {1, 2, 2}, d1113[] = {1, 1, 1, 3};
    float_init(g, "X", 4, d1811, (float[]){0, 1, 2, 3, 4, 5, 6, 7}, 8);
    tb_attr_int(tb_node(g, "DepthToSpace", "dcr", "X", NULL, "DCR"), "blocksize", 2);
    Onnx__NodeProto *n = tb_node(g, "DepthToSpace", "crd", "X", NULL, "CRD");
    tb_attr_int(n, "blocksize", 2);
    tb_attr_string(n, "mode", "CRD");
    float_init(g, "S", 4, d1122, (float[]){1, 2, 3, 4}, 4);
    tb_attr_int(tb_node(g, "SpaceToDepth", "s2d", "S", NULL, "S2D"), "blocksize", 2);
    float_init(g, "R", 2, d33, (float[]){1, 2, 3, 4, 5, 6, 7, 8, 9}, 9);
    tb_int64s(g, "LENS", 3, (int64_t[]){1, 2, 3});
    n = tb_node(g, "ReverseSequence", "rs", "R", "LENS", "RS");
    tb_attr_int(n, "batch_axis", 0);
    tb_attr_int(n, "time_axis", 1);
    float_init(g, "E", 2, d23, (float[]){5, 5, 5, 5, 5, 5}, 6);
    tb_attr_int(tb_node(g, "EyeLike", "eye", "E", NULL, "EYE"), "k", 1);
    float_init(g, "CP", 2, d32, (float[]){1, 2, 3, 4, 5, 6}, 6);
    tb_int64s(g, "SHAPE", 2, (int64_t[]){1, 4});
    tb_node(g, "CenterCropPad", "ccp", "CP", "SHAPE", "CCP");
    float_init(g, "COL", 3, d122, (float[]){1, 2, 3, 4}, 4);
    tb_int64s(g, "IMAGE", 2, (int64_t[]){1, 3});
    tb_int64s(g, "BLOCK", 2, (int64_t[]){1, 2});
    tb_node_n(g, "Col2Im", "c2i", (const char *[]){"COL", "IMAGE", "BLOCK", NULL}, (const char *[]){"C2I", NULL});
    const char *outs[] = {"DCR", "CRD", "S2D", "RS", "EYE", "CCP", "C2I"};
    for (size_t i = 0; i < N_OF(outs); i++)
        tb_output(g, outs[i], FLOAT, 1, d33);
    krun r;
    krun_start(&r, m);
    expect_out(&r, 0, FLOAT, 4, d1222, (double[]){0, 2, 4, 6, 1, 3, 5, 7}, 8);
    expect_out(&r, 1, FLOAT, 4, d1222, (double[]){0, 1, 2, 3, 4, 5, 6, 7}, 8);
    expect_out(&r, 2, FLOAT, 4, d1411, (double[]){1, 2, 3, 4}, 4);
    expect_out(&r, 3, FLOAT, 2, d33, (double[]){1, 2, 3, 5, 4, 6, 9, 8, 7}, 9);
    expect_out(&r, 4, FLOAT, 2, d23, (double[]){0, 1, 0, 0, 0, 1}, 6);
    expect_out(&r, 5, FLOAT, 2, d14, (double[]){0, 3, 4, 0}, 4);
    expect_out(&r, 6, FLOAT, 4, d1113, (double[]){1, 5, 4}, 3);
    krun_end(&r);
}

/* Invalid run-time inputs fail the node with the shapes, never crash. */
static void kernel_errors(void **state)
{
    (void)state;
    int64_t d23[] = {2, 3}, d12[] = {1, 2}, d1[] = {1}, d4[] = {4};
    float six[] = {1, 2, 3, 4, 5, 6};
    Onnx__ModelProto *m = tb_model(13);
    float_init(m->graph, "X", 2, d23, six, 6);
    int64_init(m->graph, "I", 2, d12, (int64_t[]){0, 3}, 2);
    tb_attr_int(tb_node(m->graph, "GatherElements", "ge", "X", "I", "Y"), "axis", 1);
    tb_output(m->graph, "Y", FLOAT, 2, d12);
    expect_run_error(m, "index 3 is out of range for axis 1 of data (2,3)");

    m = tb_model(13);
    float_init(m->graph, "X", 2, d23, six, 6);
    tb_int64s(m->graph, "SP", 2, (int64_t[]){1, 1});
    tb_attr_int(tb_node_n(m->graph, "Split", "s", (const char *[]){"X", "SP", NULL}, (const char *[]){"A", "B", NULL}),
                "axis", 1);
    tb_output(m->graph, "A", FLOAT, 2, d23);
    tb_output(m->graph, "B", FLOAT, 2, d23);
    expect_run_error(m, "split sizes add up to 2 but the dim is 3");

    m = tb_model(13);
    float_init(m->graph, "X", 2, d23, six, 6);
    int64_init(m->graph, "I", 2, (int64_t[]){1, 1}, (int64_t[]){-3}, 1);
    float_init(m->graph, "U", 2, (int64_t[]){1, 3}, six, 3);
    tb_node_n(m->graph, "ScatterND", "snd", (const char *[]){"X", "I", "U", NULL}, (const char *[]){"Y", NULL});
    tb_output(m->graph, "Y", FLOAT, 2, d23);
    expect_run_error(m, "index -3 is out of range for axis 0 of data (2,3)");

    m = tb_model(13);
    float_init(m->graph, "X", 2, d23, six, 6);
    float_init(m->graph, "S", 1, (int64_t[]){2}, (float[]){1, 2}, 2);
    tb_int64s(m->graph, "SZ", 2, (int64_t[]){2, 6});
    tb_node_n(m->graph, "Resize", "r", (const char *[]){"X", "", "S", "SZ", NULL}, (const char *[]){"Y", NULL});
    tb_output(m->graph, "Y", FLOAT, 2, d23);
    expect_run_error(m, "exactly one of scales and sizes must be given");

    m = tb_model(13);
    float_init(m->graph, "X", 1, d4, six, 4);
    tb_int64s(m->graph, "P", 2, (int64_t[]){-3, -2});
    tb_node(m->graph, "Pad", "p", "X", "P", "Y");
    tb_output(m->graph, "Y", FLOAT, 1, d1);
    expect_run_error(m, "pads -3 and -2 make axis 0 of data (4) negative");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pipeline_smoke),
        cmocka_unit_test(split_sizes),
        cmocka_unit_test(split_propagated),
        cmocka_unit_test(split_deduced),
        cmocka_unit_test(split_errors),
        cmocka_unit_test(pad_shapes),
        cmocka_unit_test(pad_errors),
        cmocka_unit_test(resize_shapes),
        cmocka_unit_test(resize_errors),
        cmocka_unit_test(value_dependent),
        cmocka_unit_test(value_dependent_errors),
        cmocka_unit_test(depth_space),
        cmocka_unit_test(gather_scatter),
        cmocka_unit_test(gather_scatter_errors),
        cmocka_unit_test(misc_shapes),
        cmocka_unit_test(misc_errors),
        cmocka_unit_test(gather_scatter_kernels),
        cmocka_unit_test(split_pad_kernels),
        cmocka_unit_test(resize_kernels),
        cmocka_unit_test(select_kernels),
        cmocka_unit_test(layout_kernels),
        cmocka_unit_test(kernel_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
