/*
 * test_ops_misc.c - inference of the misc and generator families on
 * hand-built graphs, including error and symbolic cases.  Sizes that come
 * from values (a window's size, STFT's frame_step) are given as
 * initializers, or bound to symbolic values on a graph input by
 * infer_bound (what a Shape node would propagate).  Operators of the
 * ai.onnx.ml and ai.onnx.preview.training domains get their opset import
 * and node domain from the helpers below; operators whose schema rows are
 * newer than the bundled ONNX (opset 20) are skipped while those rows are
 * missing.
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
#include "ops/op.h"

enum { FLOAT = 1, UINT8 = 2, INT16 = 5, INT32 = 6, INT64 = 7, STRING = 8, DOUBLE = 11 };

static const char *const ML = "ai.onnx.ml";
static const char *const TRAINING = "ai.onnx.preview.training";

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

/* ---- fixture helpers (protobuf-c objects, malloc'd like builder.c's) ---- */

static void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size);
    if (!p)
        abort();
    return p;
}

static char *xstrdup(const char *s)
{
    char *p = strdup(s);
    if (!p)
        abort();
    return p;
}

/* Imports domain at version. */
static void add_opset(Onnx__ModelProto *m, const char *domain, int64_t version)
{
    Onnx__OperatorSetIdProto *o = xcalloc(1, sizeof *o);
    onnx__operator_set_id_proto__init(o);
    o->domain = xstrdup(domain);
    o->has_version = 1;
    o->version = version;
    m->opset_import = realloc(m->opset_import, (m->n_opset_import + 1) * sizeof *m->opset_import);
    if (!m->opset_import)
        abort();
    m->opset_import[m->n_opset_import++] = o;
}

/* A node of another domain than ai.onnx. */
static Onnx__NodeProto *domain_node(Onnx__GraphProto *g, const char *domain, const char *op,
                                    const char *const *inputs, const char *const *outputs)
{
    Onnx__NodeProto *n = tb_node_n(g, op, op, inputs, outputs);
    n->domain = xstrdup(domain);
    return n;
}

static Onnx__AttributeProto *new_attr(Onnx__NodeProto *n, const char *name, Onnx__AttributeProto__AttributeType t)
{
    Onnx__AttributeProto *a = xcalloc(1, sizeof *a);
    onnx__attribute_proto__init(a);
    a->name = xstrdup(name);
    a->has_type = 1;
    a->type = t;
    n->attribute = realloc(n->attribute, (n->n_attribute + 1) * sizeof *n->attribute);
    if (!n->attribute)
        abort();
    n->attribute[n->n_attribute++] = a;
    return a;
}

static void attr_strings(Onnx__NodeProto *n, const char *name, size_t count, const char *const *v)
{
    Onnx__AttributeProto *a = new_attr(n, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRINGS);
    a->strings = xcalloc(count, sizeof *a->strings);
    a->n_strings = count;
    for (size_t i = 0; i < count; i++) {
        a->strings[i].data = (uint8_t *)xstrdup(v[i]);
        a->strings[i].len = strlen(v[i]);
    }
}

static void attr_floats(Onnx__NodeProto *n, const char *name, size_t count, const float *v)
{
    Onnx__AttributeProto *a = new_attr(n, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOATS);
    a->floats = xcalloc(count, sizeof *a->floats);
    memcpy(a->floats, v, count * sizeof *v);
    a->n_floats = count;
}

/* A TENSOR attribute holding a 1-D tensor of count elements (raw bytes). */
static void attr_tensor(Onnx__NodeProto *n, const char *name, int elem, size_t count, const void *raw, size_t len)
{
    Onnx__AttributeProto *a = new_attr(n, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__TENSOR);
    Onnx__TensorProto *t = xcalloc(1, sizeof *t);
    onnx__tensor_proto__init(t);
    t->has_data_type = 1;
    t->data_type = elem;
    t->dims = xcalloc(1, sizeof *t->dims);
    t->dims[0] = (int64_t)count;
    t->n_dims = 1;
    t->has_raw_data = 1;
    t->raw_data.data = xcalloc(len, 1);
    memcpy(t->raw_data.data, raw, len);
    t->raw_data.len = len;
    a->t = t;
}

/* A scalar int64 initializer. */
static void scalar_int64(Onnx__GraphProto *g, const char *name, int64_t v)
{
    int64_t no_dims[1] = {0};
    tb_initializer(g, name, INT64, 0, no_dims, &v, sizeof v);
}

/* A graph input of type map(key, tensor(value)). */
static void map_input(Onnx__GraphProto *g, const char *name, int key, int value)
{
    Onnx__TypeProto__Tensor *tt = xcalloc(1, sizeof *tt);
    onnx__type_proto__tensor__init(tt);
    tt->has_elem_type = 1;
    tt->elem_type = value;
    Onnx__TypeProto *vt = xcalloc(1, sizeof *vt);
    onnx__type_proto__init(vt);
    vt->value_case = ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE;
    vt->tensor_type = tt;
    Onnx__TypeProto__Map *mt = xcalloc(1, sizeof *mt);
    onnx__type_proto__map__init(mt);
    mt->has_key_type = 1;
    mt->key_type = key;
    mt->value_type = vt;
    Onnx__TypeProto *t = xcalloc(1, sizeof *t);
    onnx__type_proto__init(t);
    t->value_case = ONNX__TYPE_PROTO__VALUE_MAP_TYPE;
    t->map_type = mt;
    Onnx__ValueInfoProto *vi = xcalloc(1, sizeof *vi);
    onnx__value_info_proto__init(vi);
    vi->name = xstrdup(name);
    vi->type = t;
    g->input = realloc(g->input, (g->n_input + 1) * sizeof *g->input);
    if (!g->input)
        abort();
    g->input[g->n_input++] = vi;
}

static void count_errors(void *ctx, const onnxlint_diagnostic *d)
{
    tb_result *r = ctx;
    if (d->severity != ONNXLINT_ERROR)
        return;
    if (r->errors++ == 0)
        snprintf(r->first_error, sizeof r->first_error, "%s: %s", d->code, d->message);
}

/* As tb_infer, but first binds graph input bind[0] to the 1-D values
 * bind[1..] (a symbol name or a number, NULL-terminated) and infers
 * again; only the second run's findings are counted. */
static tb_result infer_bound(const Onnx__ModelProto *m, const char *const *bind, const char *const *values)
{
    tb_result r;
    memset(&r, 0, sizeof r);
    char *dir = tb_tmpdir();
    char *path = tb_save(m, dir, "model.onnx");
    onnxlint_load_options o = {.on_diagnostic = count_errors, .diagnostic_ctx = &r};
    onnxlint_model *model = NULL;
    onnxlint_error err;
    if (onnxlint_model_load(path, &o, &model, &err) != ONNXLINT_OK) {
        snprintf(r.first_error, sizeof r.first_error, "load: %.900s", err.message);
        r.errors++;
    } else {
        ol_infer_model(model, NULL, NULL);
        ol_value *in = ol_graph_lookup(model->graph, bind[0]);
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
        if (in)
            in->data = d;
        r.errors = 0;
        r.first_error[0] = '\0';
        ol_infer inf = {.model = model};
        ol_infer_graph(&inf, model->graph);
        for (size_t i = 0; values[i] && i < 8; i++) {
            const ol_value *v = ol_graph_lookup(model->graph, values[i]);
            if (v)
                ol_type_text(&v->inferred, r.types[i], sizeof r.types[i]);
        }
        onnxlint_model_free(model);
    }
    tb_rmtree(dir);
    free(dir);
    free(path);
    return r;
}

/* True (and the test skipped) when the bundled schema rows do not yet
 * define (domain, op) at version. */
static bool missing_schema(const char *domain, const char *op, int64_t version)
{
    const ol_schema *s = ol_schema_find(domain, op, version);
    return !s || s->since_version != version;
}

/* ---- generator: random ---- */

static void random_normal_shape_and_dtype(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(15);
    Onnx__NodeProto *n = tb_node(m->graph, "RandomNormal", "r", NULL, NULL, "Y");
    tb_attr_ints(n, "shape", 2, (const int64_t[]){2, 3});
    tb_attr_int(n, "dtype", DOUBLE);
    n = tb_node(m->graph, "RandomUniform", "u", NULL, NULL, "Z");
    tb_attr_ints(n, "shape", 1, (const int64_t[]){5});
    tb_result r = tb_infer(m, (const char *[]){"Y", "Z", NULL});
    assert_string_equal(r.types[0], "double[2,3]");
    assert_string_equal(r.types[1], "float[5]");
    assert_int_equal(r.errors, 0);
    tb_model_free(m);
}

/* An int64 dtype is not a float type: a type-error. */
static void random_normal_bad_dtype(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(15);
    Onnx__NodeProto *n = tb_node(m->graph, "RandomNormal", "r", NULL, NULL, "Y");
    tb_attr_ints(n, "shape", 1, (const int64_t[]){2});
    tb_attr_int(n, "dtype", INT64);
    tb_result r = tb_infer(m, (const char *[]){"Y", NULL});
    assert_int_equal(r.errors, 1);
    assert_non_null(strstr(r.first_error, "type-error"));
    assert_non_null(strstr(r.first_error, "dtype 7"));
    tb_model_free(m);
}

static void random_like_and_bernoulli_keep_symbols(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(15);
    tb_input(m->graph, "X", FLOAT, 2, (const int64_t[]){-1, 4});
    tb_input(m->graph, "P", DOUBLE, 1, (const int64_t[]){-1});
    tb_node(m->graph, "RandomUniformLike", "u", "X", NULL, "A");
    Onnx__NodeProto *n = tb_node(m->graph, "RandomNormalLike", "n", "X", NULL, "B");
    tb_attr_int(n, "dtype", DOUBLE);
    tb_node(m->graph, "Bernoulli", "b", "P", NULL, "C");
    n = tb_node(m->graph, "Bernoulli", "b2", "P", NULL, "D");
    tb_attr_int(n, "dtype", INT64);
    tb_result r = tb_infer(m, (const char *[]){"A", "B", "C", "D", NULL});
    assert_string_equal(r.types[0], "float[N,4]");
    assert_string_equal(r.types[1], "double[N,4]");
    assert_string_equal(r.types[2], "double[N]");
    assert_string_equal(r.types[3], "int64[N]");
    assert_int_equal(r.errors, 0);
    tb_model_free(m);
}

static void multinomial_batch_and_samples(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(15);
    tb_input(m->graph, "X", FLOAT, 2, (const int64_t[]){-1, 5});
    Onnx__NodeProto *n = tb_node(m->graph, "Multinomial", "m", "X", NULL, "Y");
    tb_attr_int(n, "sample_size", 7);
    n = tb_node(m->graph, "Multinomial", "m2", "X", NULL, "Z");
    tb_attr_int(n, "dtype", INT64);
    tb_result r = tb_infer(m, (const char *[]){"Y", "Z", NULL});
    assert_string_equal(r.types[0], "int32[N,7]");
    assert_string_equal(r.types[1], "int64[N,1]");
    assert_int_equal(r.errors, 0);
    tb_model_free(m);
}

static void multinomial_rank_error(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(15);
    tb_input(m->graph, "X", FLOAT, 3, (const int64_t[]){2, 5, 1});
    tb_node(m->graph, "Multinomial", "m", "X", NULL, "Y");
    tb_result r = tb_infer(m, (const char *[]){"Y", NULL});
    assert_string_equal(r.types[0], "int32[?,1]");
    assert_int_equal(r.errors, 1);
    assert_non_null(strstr(r.first_error, "shape-error"));
    tb_model_free(m);
}

/* ---- generator: windows, Mel matrix ---- */

static void window_size_from_initializer(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(17);
    scalar_int64(m->graph, "size", 16);
    tb_node(m->graph, "HannWindow", "h", "size", NULL, "A");
    Onnx__NodeProto *n = tb_node(m->graph, "BlackmanWindow", "b", "size", NULL, "B");
    tb_attr_int(n, "output_datatype", DOUBLE);
    tb_node(m->graph, "HammingWindow", "g", "size", NULL, "C");
    tb_result r = tb_infer(m, (const char *[]){"A", "B", "C", NULL});
    assert_string_equal(r.types[0], "float[16]");
    assert_string_equal(r.types[1], "double[16]");
    assert_string_equal(r.types[2], "float[16]");
    assert_int_equal(r.errors, 0);
    tb_model_free(m);
}

/* A size known only as a symbol gives a window of that symbolic length;
 * an unknown one an unknown length. */
static void window_size_symbolic(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(17);
    tb_input(m->graph, "size", INT64, 1, (const int64_t[]){1});
    tb_node(m->graph, "HannWindow", "h", "size", NULL, "A");
    tb_result r = tb_infer(m, (const char *[]){"A", NULL});
    assert_string_equal(r.types[0], "float[?]");
    r = infer_bound(m, (const char *[]){"size", "W", NULL}, (const char *[]){"A", NULL});
    assert_string_equal(r.types[0], "float[W]");
    assert_int_equal(r.errors, 0);
    tb_model_free(m);
}

static void window_size_errors(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(17);
    scalar_int64(m->graph, "zero", 0);
    tb_int64s(m->graph, "three", 3, (const int64_t[]){4, 5, 6});
    tb_node(m->graph, "HannWindow", "h", "zero", NULL, "A");
    tb_node(m->graph, "HannWindow", "h2", "three", NULL, "B");
    tb_result r = tb_infer(m, (const char *[]){"A", "B", NULL});
    assert_string_equal(r.types[0], "float[?]");
    assert_string_equal(r.types[1], "float[?]");
    assert_int_equal(r.errors, 2);
    assert_non_null(strstr(r.first_error, "shape-error"));
    tb_model_free(m);
}

static void mel_weight_matrix_from_values(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(17);
    scalar_int64(m->graph, "bins", 8);
    scalar_int64(m->graph, "dft", 16);
    scalar_int64(m->graph, "rate", 8000);
    tb_input(m->graph, "lo", FLOAT, 0, NULL);
    tb_input(m->graph, "hi", FLOAT, 0, NULL);
    tb_node_n(m->graph, "MelWeightMatrix", "mel", (const char *[]){"bins", "dft", "rate", "lo", "hi", NULL},
              (const char *[]){"Y", NULL});
    tb_result r = tb_infer(m, (const char *[]){"Y", NULL});
    assert_string_equal(r.types[0], "float[9,8]");
    assert_int_equal(r.errors, 0);
    tb_model_free(m);
}

/* ---- generator: DFT, STFT ---- */

static void dft_opset17_onesided_symbolic(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(17);
    tb_input(m->graph, "X", FLOAT, 4, (const int64_t[]){1, -1, 10, 1});
    Onnx__NodeProto *n = tb_node(m->graph, "DFT", "d", "X", NULL, "A");
    tb_attr_int(n, "onesided", 1);
    n = tb_node(m->graph, "DFT", "d2", "X", NULL, "B");
    tb_attr_int(n, "axis", 2);
    tb_attr_int(n, "onesided", 1);
    scalar_int64(m->graph, "len", 32);
    n = tb_node(m->graph, "DFT", "d3", "X", "len", "C");
    tb_attr_int(n, "axis", -2);
    tb_result r = tb_infer(m, (const char *[]){"A", "B", "C", NULL});
    assert_string_equal(r.types[0], "float[1,floor(N/2)+1,10,2]");
    assert_string_equal(r.types[1], "float[1,N,6,2]");
    assert_string_equal(r.types[2], "float[1,N,32,2]");
    assert_int_equal(r.errors, 0);
    tb_model_free(m);
}

static void dft_bad_axis_and_components(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(17);
    tb_input(m->graph, "X", FLOAT, 3, (const int64_t[]){1, 10, 1});
    tb_input(m->graph, "Z", FLOAT, 3, (const int64_t[]){1, 10, 3});
    Onnx__NodeProto *n = tb_node(m->graph, "DFT", "d", "X", NULL, "A");
    tb_attr_int(n, "axis", 3);
    tb_node(m->graph, "DFT", "d2", "Z", NULL, "B");
    tb_result r = tb_infer(m, (const char *[]){"A", "B", NULL});
    assert_string_equal(r.types[0], "float[?,?,2]");
    assert_string_equal(r.types[1], "float[1,10,2]");
    assert_int_equal(r.errors, 2);
    assert_non_null(strstr(r.first_error, "shape-error"));
    tb_model_free(m);
}

/* Opset 20 moved axis to an input. */
static void dft_opset20_axis_input(void **state)
{
    (void)state;
    if (missing_schema("", "DFT", 20))
        skip();
    Onnx__ModelProto *m = tb_model(20);
    tb_input(m->graph, "X", FLOAT, 4, (const int64_t[]){2, 8, -1, 1});
    scalar_int64(m->graph, "axis1", 1);
    scalar_int64(m->graph, "last", -1);
    Onnx__NodeProto *n = tb_node_n(m->graph, "DFT", "d", (const char *[]){"X", "", "axis1", NULL},
                                   (const char *[]){"A", NULL});
    tb_attr_int(n, "onesided", 1);
    tb_node(m->graph, "DFT", "d2", "X", NULL, "B"); /* default axis -2 */
    tb_node_n(m->graph, "DFT", "d3", (const char *[]){"X", "", "last", NULL}, (const char *[]){"C", NULL});
    tb_result r = tb_infer(m, (const char *[]){"A", "B", NULL});
    assert_string_equal(r.types[0], "float[2,5,N,2]");
    assert_string_equal(r.types[1], "float[2,8,N,2]");
    assert_int_equal(r.errors, 1);
    assert_non_null(strstr(r.first_error, "axis -1"));
    tb_model_free(m);
}

static void stft_frames_and_bins(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(17);
    tb_input(m->graph, "S", FLOAT, 3, (const int64_t[]){-1, 128, 1});
    tb_input(m->graph, "W", FLOAT, 1, (const int64_t[]){16});
    scalar_int64(m->graph, "step", 8);
    scalar_int64(m->graph, "len", 16);
    tb_node_n(m->graph, "STFT", "s", (const char *[]){"S", "step", "W", NULL}, (const char *[]){"A", NULL});
    Onnx__NodeProto *n =
        tb_node_n(m->graph, "STFT", "s2", (const char *[]){"S", "step", "", "len", NULL}, (const char *[]){"B", NULL});
    tb_attr_int(n, "onesided", 0);
    tb_result r = tb_infer(m, (const char *[]){"A", "B", NULL});
    assert_string_equal(r.types[0], "float[N,15,9,2]");
    assert_string_equal(r.types[1], "float[N,15,16,2]");
    assert_int_equal(r.errors, 0);
    tb_model_free(m);
}

/* A symbolic signal length gives an exact frame count. */
static void stft_symbolic_length(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(17);
    tb_input(m->graph, "S", FLOAT, 3, (const int64_t[]){1, -1, 1});
    tb_input(m->graph, "W", FLOAT, 1, (const int64_t[]){16});
    scalar_int64(m->graph, "step", 8);
    tb_node_n(m->graph, "STFT", "s", (const char *[]){"S", "step", "W", NULL}, (const char *[]){"A", NULL});
    tb_result r = tb_infer(m, (const char *[]){"A", NULL});
    assert_string_equal(r.types[0], "float[1,floor(N/8)-1,9,2]");
    assert_int_equal(r.errors, 0);
    tb_model_free(m);
}

static void stft_window_vs_frame_length(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(17);
    tb_input(m->graph, "S", FLOAT, 3, (const int64_t[]){1, 128, 1});
    tb_input(m->graph, "W", FLOAT, 1, (const int64_t[]){16});
    scalar_int64(m->graph, "step", 8);
    scalar_int64(m->graph, "len", 32);
    tb_node_n(m->graph, "STFT", "s", (const char *[]){"S", "step", "W", "len", NULL}, (const char *[]){"A", NULL});
    tb_result r = tb_infer(m, (const char *[]){"A", NULL});
    assert_int_equal(r.errors, 1);
    assert_non_null(strstr(r.first_error, "shape-error"));
    assert_non_null(strstr(r.first_error, "32 vs 16"));
    tb_model_free(m);
}

/* ---- misc: detection, text, image ---- */

static void nms_selected_indices(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(11);
    tb_input(m->graph, "B", FLOAT, 3, (const int64_t[]){-1, 6, 4});
    tb_input(m->graph, "S", FLOAT, 3, (const int64_t[]){-1, 2, 6});
    tb_node(m->graph, "NonMaxSuppression", "nms", "B", "S", "Y");
    tb_result r = tb_infer(m, (const char *[]){"Y", NULL});
    assert_string_equal(r.types[0], "int64[?,3]");
    assert_int_equal(r.errors, 0);
    tb_model_free(m);
}

static void nms_shape_errors(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(11);
    tb_input(m->graph, "B", FLOAT, 3, (const int64_t[]){1, 6, 5});
    tb_input(m->graph, "S", FLOAT, 3, (const int64_t[]){1, 2, 7});
    tb_node(m->graph, "NonMaxSuppression", "nms", "B", "S", "Y");
    tb_result r = tb_infer(m, (const char *[]){"Y", NULL});
    assert_string_equal(r.types[0], "int64[?,3]");
    assert_int_equal(r.errors, 2);
    assert_non_null(strstr(r.first_error, "4 coordinates"));
    tb_model_free(m);
}

static void string_normalizer_shapes(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(10);
    tb_input(m->graph, "X", STRING, 2, (const int64_t[]){1, -1});
    Onnx__NodeProto *n = tb_node(m->graph, "StringNormalizer", "a", "X", NULL, "A");
    attr_strings(n, "stopwords", 1, (const char *[]){"monday"});
    tb_node(m->graph, "StringNormalizer", "b", "X", NULL, "B");
    tb_input(m->graph, "Z", STRING, 2, (const int64_t[]){2, 3});
    tb_node(m->graph, "StringNormalizer", "c", "Z", NULL, "C");
    tb_result r = tb_infer(m, (const char *[]){"A", "B", NULL});
    assert_string_equal(r.types[0], "string[1,?]");
    assert_string_equal(r.types[1], "string[1,N]");
    assert_int_equal(r.errors, 1);
    assert_non_null(strstr(r.first_error, "[C] or [1,C]"));
    tb_model_free(m);
}

static void tfidf_width_from_indexes(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(9);
    tb_input(m->graph, "X", INT32, 2, (const int64_t[]){-1, 6});
    Onnx__NodeProto *n = tb_node(m->graph, "TfIdfVectorizer", "t", "X", NULL, "Y");
    tb_attr_int(n, "max_gram_length", 2);
    tb_attr_int(n, "min_gram_length", 2);
    tb_attr_int(n, "max_skip_count", 0);
    tb_attr_string(n, "mode", "TF");
    tb_attr_ints(n, "ngram_counts", 2, (const int64_t[]){0, 4});
    tb_attr_ints(n, "ngram_indexes", 7, (const int64_t[]){0, 1, 2, 3, 4, 5, 6});
    tb_attr_ints(n, "pool_int64s", 10, (const int64_t[]){2, 3, 5, 4, 5, 6, 7, 8, 6, 7});
    tb_result r = tb_infer(m, (const char *[]){"Y", NULL});
    assert_string_equal(r.types[0], "float[N,7]");
    assert_int_equal(r.errors, 0);
    tb_model_free(m);
}

static void text_ops_opset20(void **state)
{
    (void)state;
    if (missing_schema("", "StringSplit", 20) || missing_schema("", "StringConcat", 20) ||
        missing_schema("", "RegexFullMatch", 20) || missing_schema("", "ImageDecoder", 20))
        skip();
    Onnx__ModelProto *m = tb_model(20);
    tb_input(m->graph, "X", STRING, 2, (const int64_t[]){-1, 3});
    tb_input(m->graph, "Y", STRING, 1, (const int64_t[]){3});
    tb_input(m->graph, "E", UINT8, 1, (const int64_t[]){-1});
    tb_node_n(m->graph, "StringSplit", "s", (const char *[]){"X", NULL}, (const char *[]){"A", "B", NULL});
    tb_node(m->graph, "StringConcat", "c", "X", "Y", "C");
    Onnx__NodeProto *n = tb_node(m->graph, "RegexFullMatch", "r", "X", NULL, "D");
    tb_attr_string(n, "pattern", ".*");
    n = tb_node(m->graph, "ImageDecoder", "i", "E", NULL, "F");
    tb_attr_string(n, "pixel_format", "Grayscale");
    tb_result r = tb_infer(m, (const char *[]){"A", "B", "C", "D", "F", NULL});
    assert_string_equal(r.types[0], "string[N,3,?]");
    assert_string_equal(r.types[1], "int64[N,3]");
    assert_string_equal(r.types[2], "string[N,3]");
    assert_string_equal(r.types[3], "bool[N,3]");
    assert_string_equal(r.types[4], "uint8[?,?,1]");
    assert_int_equal(r.errors, 0);
    tb_model_free(m);
}

/* ---- misc: training ---- */

static void adagrad_and_adam_mirror_inputs(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(17);
    add_opset(m, TRAINING, 1);
    tb_input(m->graph, "R", FLOAT, 0, NULL);
    tb_input(m->graph, "T", INT64, 0, NULL);
    tb_input(m->graph, "X", FLOAT, 2, (const int64_t[]){-1, 3});
    tb_input(m->graph, "G", FLOAT, 2, (const int64_t[]){-1, 3});
    tb_input(m->graph, "H", FLOAT, 2, (const int64_t[]){-1, 3});
    tb_input(m->graph, "V", FLOAT, 2, (const int64_t[]){-1, 3});
    domain_node(m->graph, TRAINING, "Adagrad", (const char *[]){"R", "T", "X", "G", "H", NULL},
                (const char *[]){"X1", "H1", NULL});
    domain_node(m->graph, TRAINING, "Adam", (const char *[]){"R", "T", "X", "G", "V", "H", NULL},
                (const char *[]){"X2", "V2", "H2", NULL});
    tb_result r = tb_infer(m, (const char *[]){"X1", "H1", "X2", "V2", "H2", NULL});
    assert_string_equal(r.types[0], "float[N,3]");
    assert_string_equal(r.types[1], "float[N,3]");
    assert_string_equal(r.types[2], "float[N,3]");
    assert_string_equal(r.types[3], "float[N,3]");
    assert_string_equal(r.types[4], "float[N,3]");
    assert_int_equal(r.errors, 0);
    tb_model_free(m);
}

static void momentum_shape_mismatch(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(17);
    add_opset(m, TRAINING, 1);
    tb_input(m->graph, "R", FLOAT, 0, NULL);
    tb_input(m->graph, "T", INT64, 0, NULL);
    tb_input(m->graph, "X", FLOAT, 1, (const int64_t[]){4});
    tb_input(m->graph, "G", FLOAT, 1, (const int64_t[]){3});
    tb_input(m->graph, "V", FLOAT, 1, (const int64_t[]){4});
    Onnx__NodeProto *n = domain_node(m->graph, TRAINING, "Momentum", (const char *[]){"R", "T", "X", "G", "V", NULL},
                                     (const char *[]){"X1", "V1", NULL});
    tb_attr_float(n, "alpha", 0.9f);
    tb_attr_float(n, "beta", 0.1f);
    tb_attr_float(n, "norm_coefficient", 0.0f);
    tb_attr_string(n, "mode", "standard");
    tb_result r = tb_infer(m, (const char *[]){"X1", "V1", NULL});
    assert_string_equal(r.types[0], "float[4]");
    assert_int_equal(r.errors, 1);
    assert_non_null(strstr(r.first_error, "4 vs 3"));
    tb_model_free(m);
}

static void gradient_outputs_follow_xs(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(17);
    add_opset(m, TRAINING, 1);
    tb_input(m->graph, "W", FLOAT, 2, (const int64_t[]){-1, 4});
    tb_input(m->graph, "Z", DOUBLE, 1, (const int64_t[]){4});
    Onnx__NodeProto *n =
        domain_node(m->graph, TRAINING, "Gradient", (const char *[]){"W", "Z", NULL}, (const char *[]){"dW", NULL});
    attr_strings(n, "xs", 1, (const char *[]){"W"});
    attr_strings(n, "zs", 1, (const char *[]){"Z"});
    tb_attr_string(n, "y", "L");
    tb_result r = tb_infer(m, (const char *[]){"dW", NULL});
    assert_string_equal(r.types[0], "float[N,4]");
    assert_int_equal(r.errors, 0);
    tb_model_free(m);
}

/* ---- misc: ai.onnx.ml ---- */

static Onnx__ModelProto *ml_model(void)
{
    Onnx__ModelProto *m = tb_model(17);
    add_opset(m, ML, 3);
    return m;
}

static void ml_classifiers(void **state)
{
    (void)state;
    Onnx__ModelProto *m = ml_model();
    tb_input(m->graph, "X", FLOAT, 2, (const int64_t[]){-1, 4});
    Onnx__NodeProto *n =
        domain_node(m->graph, ML, "LinearClassifier", (const char *[]){"X", NULL}, (const char *[]){"A", "B", NULL});
    attr_floats(n, "coefficients", 12, (const float[12]){0});
    attr_floats(n, "intercepts", 3, (const float[]){0, 0, 0});
    tb_attr_ints(n, "classlabels_ints", 3, (const int64_t[]){0, 1, 2});
    n = domain_node(m->graph, ML, "TreeEnsembleClassifier", (const char *[]){"X", NULL},
                    (const char *[]){"C", "D", NULL});
    attr_strings(n, "classlabels_strings", 2, (const char *[]){"no", "yes"});
    n = domain_node(m->graph, ML, "SVMClassifier", (const char *[]){"X", NULL}, (const char *[]){"E", "F", NULL});
    tb_attr_ints(n, "classlabels_ints", 3, (const int64_t[]){0, 1, 2});
    attr_floats(n, "coefficients", 12, (const float[12]){0});
    attr_floats(n, "rho", 1, (const float[]){0});
    tb_result r = tb_infer(m, (const char *[]){"A", "B", "C", "D", "E", "F", NULL});
    assert_string_equal(r.types[0], "int64[N]");
    assert_string_equal(r.types[1], "float[N,3]");
    assert_string_equal(r.types[2], "string[N]");
    assert_string_equal(r.types[3], "float[N,2]");
    assert_string_equal(r.types[4], "int64[N]");
    assert_string_equal(r.types[5], "float[N,3]");
    assert_int_equal(r.errors, 0);
    tb_model_free(m);
}

static void ml_regressors_and_transforms(void **state)
{
    (void)state;
    Onnx__ModelProto *m = ml_model();
    tb_input(m->graph, "X", FLOAT, 2, (const int64_t[]){-1, 4});
    tb_input(m->graph, "V", FLOAT, 1, (const int64_t[]){4});
    Onnx__NodeProto *n =
        domain_node(m->graph, ML, "LinearRegressor", (const char *[]){"X", NULL}, (const char *[]){"A", NULL});
    tb_attr_int(n, "targets", 2);
    domain_node(m->graph, ML, "SVMRegressor", (const char *[]){"V", NULL}, (const char *[]){"B", NULL});
    n = domain_node(m->graph, ML, "TreeEnsembleRegressor", (const char *[]){"X", NULL}, (const char *[]){"C", NULL});
    tb_attr_int(n, "n_targets", 3);
    domain_node(m->graph, ML, "Normalizer", (const char *[]){"X", NULL}, (const char *[]){"D", NULL});
    domain_node(m->graph, ML, "Scaler", (const char *[]){"X", NULL}, (const char *[]){"E", NULL});
    domain_node(m->graph, ML, "Binarizer", (const char *[]){"X", NULL}, (const char *[]){"F", NULL});
    n = domain_node(m->graph, ML, "Imputer", (const char *[]){"X", NULL}, (const char *[]){"G", NULL});
    attr_floats(n, "imputed_value_floats", 4, (const float[]){0, 1, 2, 3});
    tb_result r = tb_infer(m, (const char *[]){"A", "B", "C", "D", "E", "F", "G", NULL});
    assert_string_equal(r.types[0], "float[N,2]");
    assert_string_equal(r.types[1], "float[1,1]");
    assert_string_equal(r.types[2], "float[N,3]");
    assert_string_equal(r.types[3], "float[N,4]");
    assert_string_equal(r.types[4], "float[N,4]");
    assert_string_equal(r.types[5], "float[N,4]");
    assert_string_equal(r.types[6], "float[N,4]");
    assert_int_equal(r.errors, 0);
    tb_model_free(m);
}

static void ml_encoders(void **state)
{
    (void)state;
    Onnx__ModelProto *m = ml_model();
    tb_input(m->graph, "S", STRING, 1, (const int64_t[]){-1});
    tb_input(m->graph, "I", INT64, 2, (const int64_t[]){-1, 2});
    tb_input(m->graph, "X", FLOAT, 2, (const int64_t[]){-1, 10});
    tb_input(m->graph, "F", FLOAT, 2, (const int64_t[]){-1, 2});
    tb_int64s(m->graph, "idx", 3, (const int64_t[]){0, 4, 9});
    Onnx__NodeProto *n =
        domain_node(m->graph, ML, "LabelEncoder", (const char *[]){"S", NULL}, (const char *[]){"A", NULL});
    attr_strings(n, "keys_strings", 2, (const char *[]){"a", "b"});
    tb_attr_ints(n, "values_int64s", 2, (const int64_t[]){1, 2});
    domain_node(m->graph, ML, "CategoryMapper", (const char *[]){"I", NULL}, (const char *[]){"B", NULL});
    n = domain_node(m->graph, ML, "OneHotEncoder", (const char *[]){"I", NULL}, (const char *[]){"C", NULL});
    tb_attr_ints(n, "cats_int64s", 5, (const int64_t[]){1, 2, 3, 4, 5});
    domain_node(m->graph, ML, "ArrayFeatureExtractor", (const char *[]){"X", "idx", NULL},
                (const char *[]){"D", NULL});
    n = domain_node(m->graph, ML, "FeatureVectorizer", (const char *[]){"X", "F", NULL}, (const char *[]){"E", NULL});
    tb_attr_ints(n, "inputdimensions", 2, (const int64_t[]){10, 2});
    tb_result r = tb_infer(m, (const char *[]){"A", "B", "C", "D", "E", NULL});
    assert_string_equal(r.types[0], "int64[N]");
    assert_string_equal(r.types[1], "string[N,2]");
    assert_string_equal(r.types[2], "float[N,2,5]");
    assert_string_equal(r.types[3], "float[N,3]");
    assert_string_equal(r.types[4], "float[N,12]");
    assert_int_equal(r.errors, 0);
    tb_model_free(m);
}

/* Keys of another type than the input, and more keys than values. */
static void ml_label_encoder_errors(void **state)
{
    (void)state;
    Onnx__ModelProto *m = ml_model();
    tb_input(m->graph, "S", STRING, 1, (const int64_t[]){3});
    Onnx__NodeProto *n =
        domain_node(m->graph, ML, "LabelEncoder", (const char *[]){"S", NULL}, (const char *[]){"A", NULL});
    tb_attr_ints(n, "keys_int64s", 3, (const int64_t[]){1, 2, 3});
    attr_strings(n, "values_strings", 2, (const char *[]){"a", "b"});
    tb_result r = tb_infer(m, (const char *[]){"A", NULL});
    assert_string_equal(r.types[0], "string[3]");
    assert_int_equal(r.errors, 2);
    assert_non_null(strstr(r.first_error, "type-error"));
    tb_model_free(m);
}

static void ml_maps(void **state)
{
    (void)state;
    Onnx__ModelProto *m = ml_model();
    map_input(m->graph, "M", STRING, FLOAT);
    map_input(m->graph, "K", INT64, FLOAT);
    tb_input(m->graph, "P", FLOAT, 2, (const int64_t[]){-1, 3});
    Onnx__NodeProto *n =
        domain_node(m->graph, ML, "DictVectorizer", (const char *[]){"M", NULL}, (const char *[]){"A", NULL});
    attr_strings(n, "string_vocabulary", 4, (const char *[]){"a", "b", "c", "d"});
    n = domain_node(m->graph, ML, "CastMap", (const char *[]){"K", NULL}, (const char *[]){"B", NULL});
    tb_attr_string(n, "map_form", "SPARSE");
    tb_attr_int(n, "max_map", 10);
    tb_attr_string(n, "cast_to", "TO_INT64");
    n = domain_node(m->graph, ML, "ZipMap", (const char *[]){"P", NULL}, (const char *[]){"C", NULL});
    attr_strings(n, "classlabels_strings", 3, (const char *[]){"x", "y", "z"});
    tb_result r = tb_infer(m, (const char *[]){"A", "B", "C", NULL});
    assert_string_equal(r.types[0], "float[1,4]");
    assert_string_equal(r.types[1], "int64[1,10]");
    assert_string_equal(r.types[2], "seq(map(string,float[]))");
    assert_int_equal(r.errors, 0);
    tb_model_free(m);
}

static void ml_zipmap_label_count(void **state)
{
    (void)state;
    Onnx__ModelProto *m = ml_model();
    tb_input(m->graph, "P", FLOAT, 2, (const int64_t[]){-1, 4});
    Onnx__NodeProto *n =
        domain_node(m->graph, ML, "ZipMap", (const char *[]){"P", NULL}, (const char *[]){"C", NULL});
    tb_attr_ints(n, "classlabels_int64s", 3, (const int64_t[]){0, 1, 2});
    tb_result r = tb_infer(m, (const char *[]){"C", NULL});
    assert_string_equal(r.types[0], "seq(map(int64,float[]))");
    assert_int_equal(r.errors, 1);
    assert_non_null(strstr(r.first_error, "3 class labels"));
    tb_model_free(m);
}

/* ai.onnx.ml 4 LabelEncoder with tensor attributes; ai.onnx.ml 5
 * TreeEnsemble. */
static void ml_newer_versions(void **state)
{
    (void)state;
    if (missing_schema(ML, "LabelEncoder", 4) || missing_schema(ML, "TreeEnsemble", 5))
        skip();
    Onnx__ModelProto *m = tb_model(21);
    add_opset(m, ML, 5);
    tb_input(m->graph, "X", DOUBLE, 2, (const int64_t[]){-1, 2});
    tb_input(m->graph, "K", INT32, 1, (const int64_t[]){-1});
    Onnx__NodeProto *n =
        domain_node(m->graph, ML, "LabelEncoder", (const char *[]){"K", NULL}, (const char *[]){"A", NULL});
    const int32_t keys[] = {1, 2};
    const int16_t values[] = {10, 20}, fallback[] = {0};
    attr_tensor(n, "keys_tensor", INT32, 2, keys, sizeof keys);
    attr_tensor(n, "values_tensor", INT16, 2, values, sizeof values);
    attr_tensor(n, "default_tensor", INT16, 1, fallback, sizeof fallback);
    /* One tree: a root split on feature 0 with two leaves. */
    n = domain_node(m->graph, ML, "TreeEnsemble", (const char *[]){"X", NULL}, (const char *[]){"B", NULL});
    const double splits[] = {0.5}, weights[] = {1.0, 2.0};
    const uint8_t modes[] = {0};
    tb_attr_int(n, "n_targets", 1);
    tb_attr_ints(n, "tree_roots", 1, (const int64_t[]){0});
    tb_attr_ints(n, "nodes_featureids", 1, (const int64_t[]){0});
    attr_tensor(n, "nodes_splits", DOUBLE, 1, splits, sizeof splits);
    attr_tensor(n, "nodes_modes", UINT8, 1, modes, sizeof modes);
    tb_attr_ints(n, "nodes_truenodeids", 1, (const int64_t[]){0});
    tb_attr_ints(n, "nodes_falsenodeids", 1, (const int64_t[]){1});
    tb_attr_ints(n, "nodes_trueleafs", 1, (const int64_t[]){1});
    tb_attr_ints(n, "nodes_falseleafs", 1, (const int64_t[]){1});
    tb_attr_ints(n, "leaf_targetids", 2, (const int64_t[]){0, 0});
    attr_tensor(n, "leaf_weights", DOUBLE, 2, weights, sizeof weights);
    tb_result r = tb_infer(m, (const char *[]){"A", "B", NULL});
    assert_string_equal(r.types[0], "int16[N]");
    assert_string_equal(r.types[1], "double[N,1]");
    assert_string_equal(r.first_error, "");
    assert_int_equal(r.errors, 0);
    tb_model_free(m);
}

/* ==== kernels: hand-built models run by the evaluator ==== */





/* Elements as doubles, within 1e-5 (relative). */
static void expect_values(const ol_array *a, const double *want, size_t n)
{
    assert_int_equal(a->count, n);
    for (size_t i = 0; i < n; i++) {
        double got = ol_array_get_f64(a, i);
        if (!(fabs(got - want[i]) <= 1e-5 * (1 + fabs(want[i]))))
            fail_msg("element %zu: %.9g, expected %.9g", i, got, want[i]);
    }
}

/* The run failed with a message containing text. */
static void expect_failure(const krun *r, const char *text)
{
    assert_false(r->ok);
    if (!strstr(r->eval.error, text))
        fail_msg("error '%s' does not mention '%s'", r->eval.error, text);
}

static void init_floats(Onnx__GraphProto *g, const char *name, size_t rank, const int64_t *dims, const float *v)
{
    size_t count = 1;
    for (size_t i = 0; i < rank; i++)
        count *= (size_t)dims[i];
    tb_initializer(g, name, FLOAT, rank, dims, v, count * sizeof *v);
}

static void init_scalar_float(Onnx__GraphProto *g, const char *name, float v)
{
    tb_initializer(g, name, FLOAT, 0, NULL, &v, sizeof v);
}

/* A 1-D string initializer. */
static void init_strings(Onnx__GraphProto *g, const char *name, size_t count, const char *const *v)
{
    int64_t dims[1] = {(int64_t)count};
    Onnx__TensorProto *t = tb_initializer(g, name, STRING, 1, dims, NULL, 0);
    t->string_data = xcalloc(count, sizeof *t->string_data);
    t->n_string_data = count;
    for (size_t i = 0; i < count; i++) {
        t->string_data[i].data = (uint8_t *)xstrdup(v[i]);
        t->string_data[i].len = strlen(v[i]);
    }
}

static void out(Onnx__GraphProto *g, const char *name)
{
    tb_output(g, name, FLOAT, 0, NULL);
}

/* ---- generator ---- */

/* DFT of 1,2,3,4 (radix 2) and of 1,2,3 (direct), onesided, padded by
 * dft_length, inverted back; an empty batch; a bad axis. */
static void kernel_dft_values(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(17);
    init_floats(m->graph, "X4", 3, (const int64_t[]){1, 4, 1}, (const float[]){1, 2, 3, 4});
    init_floats(m->graph, "X3", 3, (const int64_t[]){1, 3, 1}, (const float[]){1, 2, 3});
    init_floats(m->graph, "E", 3, (const int64_t[]){0, 4, 1}, NULL);
    tb_int64s(m->graph, "L4", 1, (const int64_t[]){4});
    tb_node(m->graph, "DFT", "full", "X4", NULL, "A");
    tb_attr_int(tb_node(m->graph, "DFT", "half", "X4", NULL, "B"), "onesided", 1);
    tb_node(m->graph, "DFT", "odd", "X3", NULL, "C");
    tb_node(m->graph, "DFT", "padded", "X3", "L4", "D");
    tb_attr_int(tb_node(m->graph, "DFT", "back", "A", NULL, "I"), "inverse", 1);
    tb_node(m->graph, "DFT", "empty", "E", NULL, "F");
    const char *names[] = {"A", "B", "C", "D", "I", "F"};
    for (size_t i = 0; i < 6; i++)
        out(m->graph, names[i]);
    krun r;
    krun_start(&r, m);
    expect_values(kout(&r, 0, FLOAT, 3, (const int64_t[]){1, 4, 2}), (const double[]){10, 0, -2, 2, -2, 0, -2, -2}, 8);
    expect_values(kout(&r, 1, FLOAT, 3, (const int64_t[]){1, 3, 2}), (const double[]){10, 0, -2, 2, -2, 0}, 6);
    const double h = sqrt(3.0) / 2;
    expect_values(kout(&r, 2, FLOAT, 3, (const int64_t[]){1, 3, 2}), (const double[]){6, 0, -1.5, h, -1.5, -h}, 6);
    expect_values(kout(&r, 3, FLOAT, 3, (const int64_t[]){1, 4, 2}), (const double[]){6, 0, -2, -2, 2, 0, -2, 2}, 8);
    expect_values(kout(&r, 4, FLOAT, 3, (const int64_t[]){1, 4, 2}), (const double[]){1, 0, 2, 0, 3, 0, 4, 0}, 8);
    kout(&r, 5, FLOAT, 3, (const int64_t[]){0, 4, 2});
    krun_end(&r);

    if (!missing_schema("", "DFT", 20)) { /* opset 20: the axis is an input, -2 by default */
        m = tb_model(20);
        init_floats(m->graph, "X", 3, (const int64_t[]){2, 2, 1}, (const float[]){1, 2, 3, 4});
        scalar_int64(m->graph, "zero", 0);
        tb_node_n(m->graph, "DFT", "first", (const char *[]){"X", "", "zero", NULL}, (const char *[]){"A", NULL});
        tb_node(m->graph, "DFT", "default", "X", NULL, "B");
        out(m->graph, "A");
        out(m->graph, "B");
        krun_start(&r, m);
        expect_values(kout(&r, 0, FLOAT, 3, (const int64_t[]){2, 2, 2}), (const double[]){4, 0, 6, 0, -2, 0, -2, 0}, 8);
        expect_values(kout(&r, 1, FLOAT, 3, (const int64_t[]){2, 2, 2}), (const double[]){3, 0, -1, 0, 7, 0, -1, 0}, 8);
        krun_end(&r);
    }

    m = tb_model(17);
    init_floats(m->graph, "X", 3, (const int64_t[]){1, 4, 1}, (const float[]){1, 2, 3, 4});
    tb_attr_int(tb_node(m->graph, "DFT", "bad", "X", NULL, "Y"), "axis", 2);
    out(m->graph, "Y");
    krun_start(&r, m);
    expect_failure(&r, "axis 2 is not a signal axis of (1,4,1)");
    krun_end(&r);
}

/* STFT of 1,2,3,4 in frames of 2 every 2; windows; the Mel matrix's
 * shape. */
static void kernel_stft_and_windows(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(17);
    init_floats(m->graph, "S", 3, (const int64_t[]){1, 4, 1}, (const float[]){1, 2, 3, 4});
    scalar_int64(m->graph, "step", 2);
    scalar_int64(m->graph, "len", 2);
    scalar_int64(m->graph, "four", 4);
    scalar_int64(m->graph, "three", 3);
    scalar_int64(m->graph, "two", 2);
    tb_node_n(m->graph, "STFT", "stft", (const char *[]){"S", "step", "", "len", NULL}, (const char *[]){"Y", NULL});
    tb_node(m->graph, "HannWindow", "hann", "four", NULL, "H");
    tb_attr_int(tb_node(m->graph, "HammingWindow", "hamming", "three", NULL, "M"), "periodic", 0);
    tb_attr_int(tb_node(m->graph, "BlackmanWindow", "blackman", "two", NULL, "B"), "output_datatype", DOUBLE);
    const char *names[] = {"Y", "H", "M", "B"};
    for (size_t i = 0; i < 4; i++)
        out(m->graph, names[i]);
    krun r;
    krun_start(&r, m);
    expect_values(kout(&r, 0, FLOAT, 4, (const int64_t[]){1, 2, 2, 2}), (const double[]){3, 0, -1, 0, 7, 0, -1, 0}, 8);
    expect_values(kout(&r, 1, FLOAT, 1, (const int64_t[]){4}), (const double[]){0, 0.5, 1, 0.5}, 4);
    expect_values(kout(&r, 2, FLOAT, 1, (const int64_t[]){3}), (const double[]){4.0 / 46, 1, 4.0 / 46}, 3);
    expect_values(kout(&r, 3, DOUBLE, 1, (const int64_t[]){2}), (const double[]){0, 1}, 2);
    krun_end(&r);
}

/* Random generators: the attributes' shape and type, values in range,
 * the same values for the same seed. */
static void kernel_random_shapes(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(15);
    for (int i = 0; i < 2; i++) {
        Onnx__NodeProto *n = tb_node(m->graph, "RandomNormal", i ? "n2" : "n1", NULL, NULL, i ? "N2" : "N1");
        tb_attr_ints(n, "shape", 2, (const int64_t[]){40, 50});
        tb_attr_float(n, "seed", 7);
    }
    Onnx__NodeProto *n = tb_node(m->graph, "RandomUniform", "u", NULL, NULL, "U");
    tb_attr_ints(n, "shape", 1, (const int64_t[]){100});
    tb_attr_float(n, "low", 2);
    tb_attr_float(n, "high", 3);
    tb_attr_int(n, "dtype", DOUBLE);
    const char *names[] = {"N1", "N2", "U"};
    for (size_t i = 0; i < 3; i++)
        out(m->graph, names[i]);
    krun r;
    krun_start(&r, m);
    const ol_array *a = kout(&r, 0, FLOAT, 2, (const int64_t[]){40, 50});
    const ol_array *b = kout(&r, 1, FLOAT, 2, (const int64_t[]){40, 50});
    assert_memory_equal(a->data, b->data, a->count * sizeof(float));
    double sum = 0, squares = 0;
    for (size_t i = 0; i < a->count; i++) {
        sum += ol_array_get_f64(a, i);
        squares += ol_array_get_f64(a, i) * ol_array_get_f64(a, i);
    }
    assert_true(fabs(sum / 2000) < 0.1 && fabs(squares / 2000 - 1) < 0.15);
    const ol_array *u = kout(&r, 2, DOUBLE, 1, (const int64_t[]){100});
    for (size_t i = 0; i < u->count; i++)
        assert_true(ol_array_get_f64(u, i) >= 2 && ol_array_get_f64(u, i) < 3);
    krun_end(&r);
}

/* ---- object detection, text, training ---- */

/* Three boxes: the second overlaps the first (IoU 0.82); with and without
 * a score threshold; no output when max_output_boxes_per_class is 0; bad
 * boxes. */
static void kernel_nms(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(11);
    init_floats(m->graph, "boxes", 3, (const int64_t[]){1, 3, 4},
                (const float[]){0, 0, 1, 1, 0, 0.1f, 1, 1.1f, 0, 2, 1, 3});
    init_floats(m->graph, "scores", 3, (const int64_t[]){1, 1, 3}, (const float[]){0.9f, 0.8f, 0.7f});
    tb_int64s(m->graph, "max", 1, (const int64_t[]){10});
    tb_int64s(m->graph, "none", 1, (const int64_t[]){0});
    init_floats(m->graph, "iou", 1, (const int64_t[]){1}, (const float[]){0.5f});
    init_floats(m->graph, "thr", 1, (const int64_t[]){1}, (const float[]){0.75f});
    tb_node_n(m->graph, "NonMaxSuppression", "a", (const char *[]){"boxes", "scores", "max", "iou", NULL},
              (const char *[]){"A", NULL});
    tb_node_n(m->graph, "NonMaxSuppression", "b", (const char *[]){"boxes", "scores", "max", "iou", "thr", NULL},
              (const char *[]){"B", NULL});
    tb_node_n(m->graph, "NonMaxSuppression", "c", (const char *[]){"boxes", "scores", "none", NULL},
              (const char *[]){"C", NULL});
    out(m->graph, "A");
    out(m->graph, "B");
    out(m->graph, "C");
    krun r;
    krun_start(&r, m);
    expect_values(kout(&r, 0, INT64, 2, (const int64_t[]){2, 3}), (const double[]){0, 0, 0, 0, 0, 2}, 6);
    expect_values(kout(&r, 1, INT64, 2, (const int64_t[]){1, 3}), (const double[]){0, 0, 0}, 3);
    kout(&r, 2, INT64, 2, (const int64_t[]){0, 3});
    krun_end(&r);

    m = tb_model(11);
    init_floats(m->graph, "boxes", 3, (const int64_t[]){1, 1, 3}, (const float[]){0, 0, 1});
    init_floats(m->graph, "scores", 3, (const int64_t[]){1, 1, 1}, (const float[]){0.9f});
    tb_node(m->graph, "NonMaxSuppression", "bad", "boxes", "scores", "Y");
    out(m->graph, "Y");
    krun_start(&r, m);
    expect_failure(&r, "boxes (1,1,3) and scores (1,1,1)");
    krun_end(&r);
}

/* StringNormalizer drops a stop word case-insensitively and upper-cases;
 * TfIdfVectorizer counts unigrams and a bigram (TF, then TFIDF). */
static void kernel_text(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(10);
    init_strings(m->graph, "S", 3, (const char *[]){"Hello", "the", "World"});
    tb_int64s(m->graph, "T", 4, (const int64_t[]){1, 2, 1, 3});
    Onnx__NodeProto *n = tb_node(m->graph, "StringNormalizer", "norm", "S", NULL, "Y");
    attr_strings(n, "stopwords", 1, (const char *[]){"THE"});
    tb_attr_string(n, "case_change_action", "UPPER");
    for (int i = 0; i < 2; i++) {
        n = tb_node(m->graph, "TfIdfVectorizer", i ? "tfidf" : "tf", "T", NULL, i ? "W" : "F");
        tb_attr_string(n, "mode", i ? "TFIDF" : "TF");
        tb_attr_int(n, "min_gram_length", 1);
        tb_attr_int(n, "max_gram_length", 2);
        tb_attr_int(n, "max_skip_count", 0);
        tb_attr_ints(n, "ngram_counts", 2, (const int64_t[]){0, 2});
        tb_attr_ints(n, "ngram_indexes", 3, (const int64_t[]){0, 1, 2});
        tb_attr_ints(n, "pool_int64s", 4, (const int64_t[]){1, 3, 1, 2});
        if (i)
            attr_floats(n, "weights", 3, (const float[]){0.5f, 2, 3});
    }
    tb_output(m->graph, "Y", STRING, 0, NULL);
    out(m->graph, "F");
    out(m->graph, "W");
    krun r;
    krun_start(&r, m);
    const ol_array *y = kout(&r, 0, STRING, 1, (const int64_t[]){2});
    const ol_string *s = y->data;
    assert_true(s[0].len == 5 && memcmp(s[0].data, "HELLO", 5) == 0);
    assert_true(s[1].len == 5 && memcmp(s[1].data, "WORLD", 5) == 0);
    expect_values(kout(&r, 1, FLOAT, 1, (const int64_t[]){3}), (const double[]){2, 1, 1}, 3);
    expect_values(kout(&r, 2, FLOAT, 1, (const int64_t[]){3}), (const double[]){1, 2, 3}, 3);
    krun_end(&r);
}

/* Equality of an evaluator string with a C string. */
static bool same_text(ol_string s, const char *want)
{
    return s.len == strlen(want) && (s.len == 0 || memcmp(s.data, want, s.len) == 0);
}

/* StringSplit on whitespace (padded to the most pieces) and on a
 * delimiter with maxsplit; StringConcat broadcasting a suffix. */
static void kernel_string_split_concat(void **state)
{
    (void)state;
    if (missing_schema("", "StringSplit", 20) || missing_schema("", "StringConcat", 20))
        skip();
    Onnx__ModelProto *m = tb_model(20);
    init_strings(m->graph, "S", 2, (const char *[]){"a b", " c  d e "});
    init_strings(m->graph, "C", 1, (const char *[]){"x,,y"});
    init_strings(m->graph, "E", 1, (const char *[]){"!"});
    tb_node_n(m->graph, "StringSplit", "ws", (const char *[]){"S", NULL}, (const char *[]){"Y", "Z", NULL});
    Onnx__NodeProto *n =
        tb_node_n(m->graph, "StringSplit", "comma", (const char *[]){"C", NULL}, (const char *[]){"P", "Q", NULL});
    tb_attr_string(n, "delimiter", ",");
    tb_attr_int(n, "maxsplit", 1);
    tb_node(m->graph, "StringConcat", "cat", "S", "E", "J");
    const char *names[] = {"Y", "Z", "P", "Q", "J"};
    for (size_t i = 0; i < 5; i++)
        out(m->graph, names[i]);
    krun r;
    krun_start(&r, m);
    const ol_string *y = kout(&r, 0, STRING, 2, (const int64_t[]){2, 3})->data;
    const char *want[] = {"a", "b", "", "c", "d", "e"};
    for (size_t i = 0; i < 6; i++)
        assert_true(same_text(y[i], want[i]));
    expect_values(kout(&r, 1, INT64, 1, (const int64_t[]){2}), (const double[]){2, 3}, 2);
    const ol_string *p = kout(&r, 2, STRING, 2, (const int64_t[]){1, 2})->data;
    assert_true(same_text(p[0], "x") && same_text(p[1], ",y"));
    const ol_string *j = kout(&r, 4, STRING, 1, (const int64_t[]){2})->data;
    assert_true(same_text(j[0], "a b!") && same_text(j[1], " c  d e !"));
    krun_end(&r);
}

/* Momentum's first step on one variable; tensors of one variable that
 * differ in size. */
static void kernel_momentum(void **state)
{
    (void)state;
    for (int bad = 0; bad < 2; bad++) {
        Onnx__ModelProto *m = tb_model(13);
        add_opset(m, TRAINING, 1);
        init_scalar_float(m->graph, "R", 0.1f);
        scalar_int64(m->graph, "T", 1);
        init_floats(m->graph, "X", 1, (const int64_t[]){1}, (const float[]){1});
        init_floats(m->graph, "G", 1, (const int64_t[]){bad ? 2 : 1}, (const float[]){2, 2});
        init_floats(m->graph, "V", 1, (const int64_t[]){1}, (const float[]){3});
        Onnx__NodeProto *n = domain_node(m->graph, TRAINING, "Momentum", (const char *[]){"R", "T", "X", "G", "V", NULL},
                                         (const char *[]){"X2", "V2", NULL});
        tb_attr_float(n, "alpha", 0.9f);
        tb_attr_float(n, "beta", 0.5f);
        tb_attr_float(n, "norm_coefficient", 0);
        tb_attr_string(n, "mode", "standard");
        out(m->graph, "X2");
        out(m->graph, "V2");
        krun r;
        krun_start(&r, m);
        if (bad) {
            expect_failure(&r, "(1) and (2) belong to one variable");
        } else {
            expect_values(kout(&r, 0, FLOAT, 1, (const int64_t[]){1}), (const double[]){0.63}, 1);
            expect_values(kout(&r, 1, FLOAT, 1, (const int64_t[]){1}), (const double[]){3.7}, 1);
        }
        krun_end(&r);
    }
}

/* ---- ai.onnx.ml ---- */

/* LabelEncoder, OneHotEncoder, ArrayFeatureExtractor, Scaler (one scale,
 * an offset per feature), Normalizer, Binarizer, Imputer. */
static void kernel_ml_transforms(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(13);
    add_opset(m, ML, 2);
    init_strings(m->graph, "S", 3, (const char *[]){"b", "c", "a"});
    tb_int64s(m->graph, "K", 3, (const int64_t[]){3, 1, 2});
    init_floats(m->graph, "X", 2, (const int64_t[]){2, 2}, (const float[]){1, 2, 3, 4});
    init_floats(m->graph, "P", 2, (const int64_t[]){1, 2}, (const float[]){3, 4});
    init_floats(m->graph, "N", 2, (const int64_t[]){2, 2}, (const float[]){NAN, 1, 2, NAN});
    tb_int64s(m->graph, "idx", 2, (const int64_t[]){1, 0});
    Onnx__NodeProto *n =
        domain_node(m->graph, ML, "LabelEncoder", (const char *[]){"S", NULL}, (const char *[]){"L", NULL});
    attr_strings(n, "keys_strings", 2, (const char *[]){"a", "b"});
    tb_attr_ints(n, "values_int64s", 2, (const int64_t[]){1, 2});
    n = domain_node(m->graph, ML, "OneHotEncoder", (const char *[]){"K", NULL}, (const char *[]){"O", NULL});
    tb_attr_ints(n, "cats_int64s", 2, (const int64_t[]){1, 3});
    domain_node(m->graph, ML, "ArrayFeatureExtractor", (const char *[]){"X", "idx", NULL}, (const char *[]){"A", NULL});
    n = domain_node(m->graph, ML, "Scaler", (const char *[]){"X", NULL}, (const char *[]){"C", NULL});
    attr_floats(n, "offset", 2, (const float[]){1, 2});
    attr_floats(n, "scale", 1, (const float[]){2});
    n = domain_node(m->graph, ML, "Normalizer", (const char *[]){"P", NULL}, (const char *[]){"Z", NULL});
    tb_attr_string(n, "norm", "L2");
    n = domain_node(m->graph, ML, "Binarizer", (const char *[]){"X", NULL}, (const char *[]){"B", NULL});
    tb_attr_float(n, "threshold", 2.5f);
    n = domain_node(m->graph, ML, "Imputer", (const char *[]){"N", NULL}, (const char *[]){"I", NULL});
    attr_floats(n, "imputed_value_floats", 2, (const float[]){9, 8});
    tb_attr_float(n, "replaced_value_float", NAN);
    const char *names[] = {"L", "O", "A", "C", "Z", "B", "I"};
    for (size_t i = 0; i < 7; i++)
        out(m->graph, names[i]);
    krun r;
    krun_start(&r, m);
    expect_values(kout(&r, 0, INT64, 1, (const int64_t[]){3}), (const double[]){2, -1, 1}, 3);
    expect_values(kout(&r, 1, FLOAT, 2, (const int64_t[]){3, 2}), (const double[]){0, 1, 1, 0, 0, 0}, 6);
    expect_values(kout(&r, 2, FLOAT, 2, (const int64_t[]){2, 2}), (const double[]){2, 1, 4, 3}, 4);
    expect_values(kout(&r, 3, FLOAT, 2, (const int64_t[]){2, 2}), (const double[]){0, 0, 4, 4}, 4);
    expect_values(kout(&r, 4, FLOAT, 2, (const int64_t[]){1, 2}), (const double[]){0.6, 0.8}, 2);
    expect_values(kout(&r, 5, FLOAT, 2, (const int64_t[]){2, 2}), (const double[]){0, 0, 1, 1}, 4);
    expect_values(kout(&r, 6, FLOAT, 2, (const int64_t[]){2, 2}), (const double[]){9, 1, 2, 8}, 4);
    krun_end(&r);

    m = tb_model(13);
    add_opset(m, ML, 1);
    init_floats(m->graph, "X", 2, (const int64_t[]){2, 2}, (const float[]){1, 2, 3, 4});
    tb_int64s(m->graph, "idx", 1, (const int64_t[]){2});
    domain_node(m->graph, ML, "ArrayFeatureExtractor", (const char *[]){"X", "idx", NULL}, (const char *[]){"A", NULL});
    out(m->graph, "A");
    krun_start(&r, m);
    expect_failure(&r, "index 2 is out of range for data (2,2)");
    krun_end(&r);
}

/* The tree of the tests below: x <= 0.5 goes to node 1, else node 2. */
static void stump(Onnx__NodeProto *n)
{
    tb_attr_ints(n, "nodes_treeids", 3, (const int64_t[]){0, 0, 0});
    tb_attr_ints(n, "nodes_nodeids", 3, (const int64_t[]){0, 1, 2});
    tb_attr_ints(n, "nodes_featureids", 3, (const int64_t[]){0, 0, 0});
    attr_strings(n, "nodes_modes", 3, (const char *[]){"BRANCH_LEQ", "LEAF", "LEAF"});
    attr_floats(n, "nodes_values", 3, (const float[]){0.5f, 0, 0});
    tb_attr_ints(n, "nodes_truenodeids", 3, (const int64_t[]){1, 0, 0});
    tb_attr_ints(n, "nodes_falsenodeids", 3, (const int64_t[]){2, 0, 0});
}

/* Linear models, SVMs and tree ensembles on two rows. */
static void kernel_ml_models(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(13);
    add_opset(m, ML, 3);
    init_floats(m->graph, "X", 2, (const int64_t[]){2, 2}, (const float[]){1, 0, 0, 1});
    init_floats(m->graph, "T", 2, (const int64_t[]){2, 1}, (const float[]){0, 1});
    Onnx__NodeProto *n = domain_node(m->graph, ML, "LinearClassifier", (const char *[]){"X", NULL},
                                     (const char *[]){"LC", "LS", NULL});
    attr_floats(n, "coefficients", 4, (const float[]){1, 0, 0, 1});
    attr_floats(n, "intercepts", 2, (const float[]){0, 0.5f});
    tb_attr_ints(n, "classlabels_ints", 2, (const int64_t[]){10, 20});
    n = domain_node(m->graph, ML, "LinearRegressor", (const char *[]){"X", NULL}, (const char *[]){"LR", NULL});
    attr_floats(n, "coefficients", 2, (const float[]){1, 2});
    attr_floats(n, "intercepts", 1, (const float[]){3});
    n = domain_node(m->graph, ML, "SVMRegressor", (const char *[]){"X", NULL}, (const char *[]){"SR", NULL});
    attr_floats(n, "coefficients", 2, (const float[]){2, 3});
    attr_floats(n, "rho", 1, (const float[]){1});
    n = domain_node(m->graph, ML, "TreeEnsembleRegressor", (const char *[]){"T", NULL}, (const char *[]){"TR", NULL});
    stump(n);
    tb_attr_int(n, "n_targets", 1);
    tb_attr_ints(n, "target_treeids", 2, (const int64_t[]){0, 0});
    tb_attr_ints(n, "target_nodeids", 2, (const int64_t[]){1, 2});
    tb_attr_ints(n, "target_ids", 2, (const int64_t[]){0, 0});
    attr_floats(n, "target_weights", 2, (const float[]){10, 20});
    n = domain_node(m->graph, ML, "TreeEnsembleClassifier", (const char *[]){"T", NULL},
                    (const char *[]){"TC", "TS", NULL});
    stump(n);
    tb_attr_ints(n, "classlabels_int64s", 2, (const int64_t[]){5, 7});
    tb_attr_ints(n, "class_treeids", 2, (const int64_t[]){0, 0});
    tb_attr_ints(n, "class_nodeids", 2, (const int64_t[]){1, 2});
    tb_attr_ints(n, "class_ids", 2, (const int64_t[]){0, 1});
    attr_floats(n, "class_weights", 2, (const float[]){1, 1});
    const char *names[] = {"LC", "LS", "LR", "SR", "TR", "TC", "TS"};
    for (size_t i = 0; i < 7; i++)
        out(m->graph, names[i]);
    krun r;
    krun_start(&r, m);
    expect_values(kout(&r, 0, INT64, 1, (const int64_t[]){2}), (const double[]){10, 20}, 2);
    expect_values(kout(&r, 1, FLOAT, 2, (const int64_t[]){2, 2}), (const double[]){1, 0.5, 0, 1.5}, 4);
    expect_values(kout(&r, 2, FLOAT, 2, (const int64_t[]){2, 1}), (const double[]){4, 5}, 2);
    expect_values(kout(&r, 3, FLOAT, 2, (const int64_t[]){2, 1}), (const double[]){3, 4}, 2);
    expect_values(kout(&r, 4, FLOAT, 2, (const int64_t[]){2, 1}), (const double[]){10, 20}, 2);
    expect_values(kout(&r, 5, INT64, 1, (const int64_t[]){2}), (const double[]){5, 7}, 2);
    expect_values(kout(&r, 6, FLOAT, 2, (const int64_t[]){2, 2}), (const double[]){1, 0, 0, 1}, 4);
    krun_end(&r);
}

/* ai.onnx.ml 5 TreeEnsemble reads its splits, modes and weights from
 * tensor attributes, whose data the loader leaves in the file. */
static void kernel_tree_ensemble_tensor_attributes(void **state)
{
    (void)state;
    if (missing_schema(ML, "TreeEnsemble", 5))
        skip();
    Onnx__ModelProto *m = tb_model(21);
    add_opset(m, ML, 5);
    init_floats(m->graph, "X", 2, (const int64_t[]){3, 1}, (const float[]){0.2f, 0.9f, 0.5f});
    Onnx__NodeProto *n =
        domain_node(m->graph, ML, "TreeEnsemble", (const char *[]){"X", NULL}, (const char *[]){"B", NULL});
    const float splits[] = {0.5f}, weights[] = {1.0f, 2.0f};
    const uint8_t modes[] = {0}; /* BRANCH_LEQ */
    tb_attr_int(n, "n_targets", 1);
    tb_attr_ints(n, "tree_roots", 1, (const int64_t[]){0});
    tb_attr_ints(n, "nodes_featureids", 1, (const int64_t[]){0});
    attr_tensor(n, "nodes_splits", FLOAT, 1, splits, sizeof splits);
    attr_tensor(n, "nodes_modes", UINT8, 1, modes, sizeof modes);
    tb_attr_ints(n, "nodes_truenodeids", 1, (const int64_t[]){0});
    tb_attr_ints(n, "nodes_falsenodeids", 1, (const int64_t[]){1});
    tb_attr_ints(n, "nodes_trueleafs", 1, (const int64_t[]){1});
    tb_attr_ints(n, "nodes_falseleafs", 1, (const int64_t[]){1});
    tb_attr_ints(n, "leaf_targetids", 2, (const int64_t[]){0, 0});
    attr_tensor(n, "leaf_weights", FLOAT, 2, weights, sizeof weights);
    out(m->graph, "B");
    krun r;
    krun_start(&r, m);
    expect_values(kout(&r, 0, FLOAT, 2, (const int64_t[]){3, 1}), (const double[]){1, 2, 1}, 3);
    krun_end(&r);
}

/* ZipMap makes one map per row; FeatureVectorizer lays inputs side by
 * side, cut to inputdimensions. */
static void kernel_ml_maps_and_vectors(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(13);
    add_opset(m, ML, 1);
    init_floats(m->graph, "P", 2, (const int64_t[]){2, 2}, (const float[]){0.25f, 0.75f, 1, 0});
    init_floats(m->graph, "A", 2, (const int64_t[]){2, 1}, (const float[]){1, 2});
    init_floats(m->graph, "B", 2, (const int64_t[]){2, 2}, (const float[]){3, 4, 5, 6});
    Onnx__NodeProto *n = domain_node(m->graph, ML, "ZipMap", (const char *[]){"P", NULL}, (const char *[]){"Z", NULL});
    attr_strings(n, "classlabels_strings", 2, (const char *[]){"x", "y"});
    n = domain_node(m->graph, ML, "FeatureVectorizer", (const char *[]){"A", "B", NULL}, (const char *[]){"F", NULL});
    tb_attr_ints(n, "inputdimensions", 2, (const int64_t[]){1, 1});
    out(m->graph, "Z");
    out(m->graph, "F");
    krun r;
    krun_start(&r, m);
    assert_true(r.ok);
    const ol_rvalue *z = r.outputs[0];
    assert_int_equal(z->kind, OL_RV_SEQUENCE);
    assert_int_equal(z->n_items, 2);
    const ol_rvalue *map = z->items[1];
    assert_int_equal(map->kind, OL_RV_MAP);
    assert_int_equal(map->tensor->elem_type, STRING);
    assert_true(((const ol_string *)map->tensor->data)[1].len == 1);
    expect_values(map->values, (const double[]){1, 0}, 2);
    expect_values(kout(&r, 1, FLOAT, 2, (const int64_t[]){2, 2}), (const double[]){1, 3, 2, 5}, 4);
    krun_end(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pipeline_smoke),
        cmocka_unit_test(random_normal_shape_and_dtype),
        cmocka_unit_test(random_normal_bad_dtype),
        cmocka_unit_test(random_like_and_bernoulli_keep_symbols),
        cmocka_unit_test(multinomial_batch_and_samples),
        cmocka_unit_test(multinomial_rank_error),
        cmocka_unit_test(window_size_from_initializer),
        cmocka_unit_test(window_size_symbolic),
        cmocka_unit_test(window_size_errors),
        cmocka_unit_test(mel_weight_matrix_from_values),
        cmocka_unit_test(dft_opset17_onesided_symbolic),
        cmocka_unit_test(dft_bad_axis_and_components),
        cmocka_unit_test(dft_opset20_axis_input),
        cmocka_unit_test(stft_frames_and_bins),
        cmocka_unit_test(stft_symbolic_length),
        cmocka_unit_test(stft_window_vs_frame_length),
        cmocka_unit_test(nms_selected_indices),
        cmocka_unit_test(nms_shape_errors),
        cmocka_unit_test(string_normalizer_shapes),
        cmocka_unit_test(tfidf_width_from_indexes),
        cmocka_unit_test(text_ops_opset20),
        cmocka_unit_test(adagrad_and_adam_mirror_inputs),
        cmocka_unit_test(momentum_shape_mismatch),
        cmocka_unit_test(gradient_outputs_follow_xs),
        cmocka_unit_test(ml_classifiers),
        cmocka_unit_test(ml_regressors_and_transforms),
        cmocka_unit_test(ml_encoders),
        cmocka_unit_test(ml_label_encoder_errors),
        cmocka_unit_test(ml_maps),
        cmocka_unit_test(ml_zipmap_label_count),
        cmocka_unit_test(ml_newer_versions),
        cmocka_unit_test(kernel_dft_values),
        cmocka_unit_test(kernel_stft_and_windows),
        cmocka_unit_test(kernel_random_shapes),
        cmocka_unit_test(kernel_nms),
        cmocka_unit_test(kernel_text),
        cmocka_unit_test(kernel_string_split_concat),
        cmocka_unit_test(kernel_momentum),
        cmocka_unit_test(kernel_ml_transforms),
        cmocka_unit_test(kernel_ml_models),
        cmocka_unit_test(kernel_tree_ensemble_tensor_attributes),
        cmocka_unit_test(kernel_ml_maps_and_vectors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
