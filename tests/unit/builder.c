/*
 * builder.c - see builder.h.  Every object is malloc'd and freed by
 * protobuf-c's free_unpacked with the default allocator.
 */
#define _GNU_SOURCE
#include "builder.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Aborts when a test fixture cannot be built (never compiled out, unlike
 * assert under NDEBUG). */
#define CHECK(cond)                                                                                                   \
    do {                                                                                                              \
        if (!(cond)) {                                                                                                \
            fprintf(stderr, "%s:%d: fixture failed: %s\n", __FILE__, __LINE__, #cond);                                \
            abort();                                                                                                  \
        }                                                                                                             \
    } while (0)

static void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size);
    CHECK(p);
    return p;
}

#define APPEND(array, count, item)                                                                                    \
    do {                                                                                                              \
        (array) = realloc((array), ((count) + 1) * sizeof *(array));                                                  \
        CHECK(array);                                                                                                \
        (array)[(count)++] = (item);                                                                                  \
    } while (0)

char *tb_tmpdir(void)
{
    char *dir = strdup("/tmp/onnxlint-test-XXXXXX");
    CHECK(dir && mkdtemp(dir));
    return dir;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

void tb_rmtree(const char *dir)
{
    nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

char *tb_write(const char *dir, const char *name, const void *data, size_t len)
{
    char *path = xcalloc(strlen(dir) + strlen(name) + 2, 1);
    sprintf(path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    CHECK(f);
    CHECK(fwrite(data, 1, len, f) == len);
    fclose(f);
    return path;
}

Onnx__GraphProto *tb_graph(const char *name)
{
    Onnx__GraphProto *g = xcalloc(1, sizeof *g);
    onnx__graph_proto__init(g);
    g->name = strdup(name);
    return g;
}

Onnx__ModelProto *tb_model(int64_t opset)
{
    Onnx__ModelProto *m = xcalloc(1, sizeof *m);
    onnx__model_proto__init(m);
    m->has_ir_version = 1;
    m->ir_version = 8;
    m->producer_name = strdup("unit-test");
    Onnx__OperatorSetIdProto *o = xcalloc(1, sizeof *o);
    onnx__operator_set_id_proto__init(o);
    o->domain = strdup("");
    o->has_version = 1;
    o->version = opset;
    APPEND(m->opset_import, m->n_opset_import, o);
    m->graph = tb_graph("g");
    return m;
}

void tb_model_free(Onnx__ModelProto *m)
{
    onnx__model_proto__free_unpacked(m, NULL);
}

static Onnx__ValueInfoProto *value_info(const char *name, int elem, size_t rank, const int64_t *dims)
{
    Onnx__ValueInfoProto *vi = xcalloc(1, sizeof *vi);
    onnx__value_info_proto__init(vi);
    vi->name = strdup(name);
    Onnx__TypeProto *t = xcalloc(1, sizeof *t);
    onnx__type_proto__init(t);
    Onnx__TypeProto__Tensor *tt = xcalloc(1, sizeof *tt);
    onnx__type_proto__tensor__init(tt);
    tt->has_elem_type = 1;
    tt->elem_type = elem;
    Onnx__TensorShapeProto *s = xcalloc(1, sizeof *s);
    onnx__tensor_shape_proto__init(s);
    s->dim = xcalloc(rank, sizeof *s->dim);
    s->n_dim = rank;
    for (size_t i = 0; i < rank; i++) {
        Onnx__TensorShapeProto__Dimension *d = xcalloc(1, sizeof *d);
        onnx__tensor_shape_proto__dimension__init(d);
        if (dims[i] < 0) {
            d->value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM;
            d->dim_param = strdup(dims[i] == -2 ? "M" : "N");
        } else {
            d->value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE;
            d->dim_value = dims[i];
        }
        s->dim[i] = d;
    }
    tt->shape = s;
    t->value_case = ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE;
    t->tensor_type = tt;
    vi->type = t;
    return vi;
}

void tb_input(Onnx__GraphProto *g, const char *name, int elem, size_t rank, const int64_t *dims)
{
    APPEND(g->input, g->n_input, value_info(name, elem, rank, dims));
}

void tb_output(Onnx__GraphProto *g, const char *name, int elem, size_t rank, const int64_t *dims)
{
    APPEND(g->output, g->n_output, value_info(name, elem, rank, dims));
}

Onnx__NodeProto *tb_node(Onnx__GraphProto *g, const char *op, const char *name, const char *in0, const char *in1,
                         const char *out0)
{
    Onnx__NodeProto *n = xcalloc(1, sizeof *n);
    onnx__node_proto__init(n);
    n->op_type = strdup(op);
    n->name = strdup(name);
    if (in0)
        APPEND(n->input, n->n_input, strdup(in0));
    if (in1)
        APPEND(n->input, n->n_input, strdup(in1));
    if (out0)
        APPEND(n->output, n->n_output, strdup(out0));
    APPEND(g->node, g->n_node, n);
    return n;
}

Onnx__TensorProto *tb_initializer(Onnx__GraphProto *g, const char *name, int elem, size_t rank, const int64_t *dims,
                                  const void *raw, size_t raw_len)
{
    Onnx__TensorProto *t = xcalloc(1, sizeof *t);
    onnx__tensor_proto__init(t);
    t->name = strdup(name);
    t->has_data_type = 1;
    t->data_type = elem;
    t->dims = xcalloc(rank, sizeof *t->dims);
    t->n_dims = rank;
    if (rank)
        memcpy(t->dims, dims, rank * sizeof *dims);
    if (raw) {
        t->has_raw_data = 1;
        t->raw_data.data = xcalloc(raw_len, 1);
        memcpy(t->raw_data.data, raw, raw_len);
        t->raw_data.len = raw_len;
    }
    APPEND(g->initializer, g->n_initializer, t);
    return t;
}

void tb_graph_attribute(Onnx__NodeProto *n, const char *name, Onnx__GraphProto *sub)
{
    Onnx__AttributeProto *a = xcalloc(1, sizeof *a);
    onnx__attribute_proto__init(a);
    a->name = strdup(name);
    a->has_type = 1;
    a->type = ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__GRAPH;
    a->g = sub;
    APPEND(n->attribute, n->n_attribute, a);
}

void tb_node_metadata(Onnx__NodeProto *n, const char *key, const char *value)
{
    Onnx__StringStringEntryProto *e = xcalloc(1, sizeof *e);
    onnx__string_string_entry_proto__init(e);
    e->key = strdup(key);
    e->value = strdup(value);
    APPEND(n->metadata_props, n->n_metadata_props, e);
}

void tb_node_device_configuration(Onnx__NodeProto *n, const char *configuration, int32_t pipeline_stage)
{
    Onnx__NodeDeviceConfigurationProto *dc = xcalloc(1, sizeof *dc);
    onnx__node_device_configuration_proto__init(dc);
    dc->configuration_id = strdup(configuration);
    dc->has_pipeline_stage = 1;
    dc->pipeline_stage = pipeline_stage;
    APPEND(n->device_configurations, n->n_device_configurations, dc);
}

uint8_t *tb_pack(const Onnx__ModelProto *m, size_t *len)
{
    *len = onnx__model_proto__get_packed_size(m);
    uint8_t *buf = xcalloc(*len, 1);
    CHECK(onnx__model_proto__pack(m, buf) == *len);
    return buf;
}

char *tb_save(const Onnx__ModelProto *m, const char *dir, const char *name)
{
    size_t len;
    uint8_t *buf = tb_pack(m, &len);
    char *path = tb_write(dir, name, buf, len);
    free(buf);
    return path;
}

static Onnx__AttributeProto *new_attr(Onnx__NodeProto *n, const char *name, int type)
{
    Onnx__AttributeProto *a = xcalloc(1, sizeof *a);
    onnx__attribute_proto__init(a);
    a->name = strdup(name);
    a->has_type = 1;
    a->type = type;
    APPEND(n->attribute, n->n_attribute, a);
    return a;
}

void tb_attr_int(Onnx__NodeProto *n, const char *name, int64_t v)
{
    Onnx__AttributeProto *a = new_attr(n, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT);
    a->has_i = 1;
    a->i = v;
}

void tb_attr_float(Onnx__NodeProto *n, const char *name, float v)
{
    Onnx__AttributeProto *a = new_attr(n, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT);
    a->has_f = 1;
    a->f = v;
}

void tb_attr_string(Onnx__NodeProto *n, const char *name, const char *v)
{
    Onnx__AttributeProto *a = new_attr(n, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRING);
    a->has_s = 1;
    a->s.len = strlen(v);
    a->s.data = (uint8_t *)strdup(v);
}

void tb_attr_ints(Onnx__NodeProto *n, const char *name, size_t count, const int64_t *v)
{
    Onnx__AttributeProto *a = new_attr(n, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS);
    a->ints = xcalloc(count, sizeof *a->ints);
    memcpy(a->ints, v, count * sizeof *v);
    a->n_ints = count;
}

Onnx__NodeProto *tb_node_n(Onnx__GraphProto *g, const char *op, const char *name, const char *const *inputs,
                           const char *const *outputs)
{
    Onnx__NodeProto *n = tb_node(g, op, name, NULL, NULL, NULL);
    for (size_t i = 0; inputs && inputs[i]; i++)
        APPEND(n->input, n->n_input, strdup(inputs[i]));
    for (size_t i = 0; outputs && outputs[i]; i++)
        APPEND(n->output, n->n_output, strdup(outputs[i]));
    return n;
}

void tb_int64s(Onnx__GraphProto *g, const char *name, size_t count, const int64_t *values)
{
    int64_t dims[1] = {(int64_t)count};
    tb_initializer(g, name, 7, 1, dims, values, count * sizeof *values);
}

static void collect_errors(void *ctx, const onnxlint_diagnostic *d)
{
    tb_result *r = ctx;
    if (d->severity != ONNXLINT_ERROR)
        return;
    if (r->errors++ == 0)
        snprintf(r->first_error, sizeof r->first_error, "%s: %s", d->code, d->message);
    size_t used = strlen(r->all_errors);
    snprintf(r->all_errors + used, sizeof r->all_errors - used, "%s: %s\n", d->code, d->message);
}

tb_result tb_infer(const Onnx__ModelProto *m, const char *const *values)
{
    tb_result r;
    memset(&r, 0, sizeof r);
    char *dir = tb_tmpdir();
    char *path = tb_save(m, dir, "model.onnx");
    onnxlint_load_options o = {.on_diagnostic = collect_errors, .diagnostic_ctx = &r};
    onnxlint_model *model = NULL;
    onnxlint_error err;
    if (onnxlint_model_load(path, &o, &model, &err) != ONNXLINT_OK) {
        snprintf(r.first_error, sizeof r.first_error, "load: %.900s", err.message);
        r.errors++;
    } else {
        ol_infer_model(model, NULL, NULL);
        for (size_t i = 0; values && values[i] && i < 8; i++) {
            const ol_value *v = ol_graph_lookup(model->graph, values[i]);
            if (!v)
                snprintf(r.types[i], sizeof r.types[i], "(no value %s)", values[i]);
            else
                ol_type_text(&v->inferred, r.types[i], sizeof r.types[i]);
        }
        onnxlint_model_free(model);
    }
    tb_rmtree(dir);
    free(dir);
    free(path);
    return r;
}

void krun_start(krun *r, Onnx__ModelProto *m)
{
    memset(r, 0, sizeof *r);
    r->dir = tb_tmpdir();
    r->path = tb_save(m, r->dir, "model.onnx");
    tb_model_free(m);
    onnxlint_error err;
    assert_int_equal(onnxlint_model_load(r->path, NULL, &r->model, &err), ONNXLINT_OK);
    ol_infer_model(r->model, NULL, NULL);
    ol_eval_init(&r->eval, r->model, NULL);
    size_t n = r->model->graph->n_outputs < 8 ? r->model->graph->n_outputs : 8;
    r->ok = ol_eval_run(&r->eval, NULL, 0, r->outputs, n);
}

void krun_end(krun *r)
{
    ol_eval_destroy(&r->eval);
    onnxlint_model_free(r->model);
    tb_rmtree(r->dir);
    free(r->dir);
    free(r->path);
}

const ol_array *kout(const krun *r, size_t i, int elem, int rank, const int64_t *dims)
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
    return a;
}

void expect_run_error(Onnx__ModelProto *m, const char *needle)
{
    krun r;
    krun_start(&r, m);
    if (r.ok || !strstr(r.eval.error, needle))
        print_error("expected a failure with '%s', got '%s'\n", needle, r.ok ? "success" : r.eval.error);
    assert_false(r.ok);
    assert_non_null(strstr(r.eval.error, needle));
    krun_end(&r);
}
