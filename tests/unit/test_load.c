/*
 * test_load.c - the loader and the IR it builds: structure, laziness,
 * external data rules, subgraphs, diagnostics, rejections.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "builder.h"
#include "load/wire.h"
#include "ir/ir.h"
#include "load/load.h"
#include "infer/infer.h"
#include <ftw.h>
#include <sys/stat.h>

static char *dir;

static int setup(void **state)
{
    (void)state;
    dir = tb_tmpdir();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    tb_rmtree(dir);
    free(dir);
    return 0;
}

typedef struct seen {
    int count[3];
    char last_code[64];
    char last_message[1024];
    char last_node[256];
} seen;

static void collect(void *ctx, const onnxlint_diagnostic *d)
{
    seen *s = ctx;
    s->count[d->severity]++;
    snprintf(s->last_code, sizeof s->last_code, "%s", d->code);
    snprintf(s->last_message, sizeof s->last_message, "%s", d->message);
    snprintf(s->last_node, sizeof s->last_node, "%s", d->node ? d->node : "");
}

static onnxlint_model *load_ok(const char *path, seen *s)
{
    onnxlint_load_options o = {.on_diagnostic = collect, .diagnostic_ctx = s};
    onnxlint_model *m = NULL;
    onnxlint_error err;
    onnxlint_status st = onnxlint_model_load(path, &o, &m, &err);
    if (st != ONNXLINT_OK)
        fail_msg("load failed: %s", err.message);
    return m;
}

static onnxlint_status load_fail(const char *path, onnxlint_error *err)
{
    onnxlint_model *m = (onnxlint_model *)1;
    onnxlint_status st = onnxlint_model_load(path, NULL, &m, err);
    assert_int_not_equal(st, ONNXLINT_OK);
    assert_null(m);
    assert_int_equal(err->status, st);
    assert_null(strchr(err->message, '\n'));
    assert_true(strncmp(err->message, path, strlen(path)) == 0); /* names the file */
    return st;
}

/* X[N,4] -> MatMul(W[4,3]) -> T -> Add(B[3]) -> Y */
static Onnx__ModelProto *small_model(void)
{
    Onnx__ModelProto *m = tb_model(13);
    int64_t x[] = {-1, 4}, w[] = {4, 3}, b[] = {3}, y[] = {-1, 3};
    float wd[12] = {0}, bd[3] = {1, 2, 3};
    tb_input(m->graph, "X", 1, 2, x);
    tb_initializer(m->graph, "W", 1, 2, w, wd, sizeof wd);
    tb_initializer(m->graph, "B", 1, 1, b, bd, sizeof bd);
    tb_node(m->graph, "MatMul", "mm", "X", "W", "T");
    tb_node(m->graph, "Add", "add", "T", "B", "Y");
    tb_output(m->graph, "Y", 1, 2, y);
    return m;
}

static void builds_values_nodes_and_edges(void **state)
{
    (void)state;
    Onnx__ModelProto *mp = small_model();
    char *path = tb_save(mp, dir, "small.onnx");
    seen s = {0};
    onnxlint_model *m = load_ok(path, &s);
    assert_int_equal(s.count[ONNXLINT_ERROR] + s.count[ONNXLINT_WARNING], 0);
    const ol_graph *g = m->graph;
    assert_int_equal(g->n_nodes, 2);
    assert_int_equal(g->n_inputs, 1);
    assert_int_equal(g->n_initializers, 2);
    assert_int_equal(m->n_opsets, 1);
    assert_int_equal(g->nodes[0]->opset, 13);
    ol_value *t = ol_graph_lookup(g, "T");
    assert_non_null(t);
    assert_ptr_equal(t->producer, g->nodes[0]);
    assert_int_equal(t->n_consumers, 1);
    assert_ptr_equal(t->consumers[0], g->nodes[1]);
    ol_value *x = ol_graph_lookup(g, "X");
    assert_true(x->flags & OL_VALUE_INPUT);
    assert_int_equal(x->type->shape.rank, 2);
    assert_int_equal(x->type->shape.dims[0].kind, OL_DIM_SYMBOL);
    assert_string_equal(x->type->shape.dims[0].symbol, "N");
    assert_int_equal(x->type->shape.dims[1].value, 4);
    ol_value *w = ol_graph_lookup(g, "W");
    assert_true(w->flags & OL_VALUE_INITIALIZER);
    assert_int_equal(w->initializer->count, 12);
    assert_int_equal(w->type->shape.dims[1].value, 3); /* type from the tensor */
    ol_value *y = ol_graph_lookup(g, "Y");
    assert_true(y->flags & OL_VALUE_OUTPUT);
    assert_true(g->sorted);
    assert_ptr_equal(g->order[0], g->nodes[0]);
    onnxlint_model_free(m);
    free(path);
    tb_model_free(mp);
}

/* Bytes this process has read with read(2) and pread(2) so far. */
static long long bytes_read(void)
{
    FILE *f = fopen("/proc/self/io", "r");
    long long v = -1;
    char line[128];
    while (f && fgets(line, sizeof line, f)) {
        if (sscanf(line, "rchar: %lld", &v) == 1)
            break;
    }
    if (f)
        fclose(f);
    assert_true(v >= 0);
    return v;
}

static void large_weights_are_not_read(void **state)
{
    (void)state;
    Onnx__ModelProto *mp = small_model();
    size_t n = 4 << 20; /* 16 MB of floats */
    float *big = calloc(n, sizeof *big);
    for (size_t i = 0; i < n; i += 4096)
        big[i] = (float)i;
    int64_t dims[] = {(int64_t)n};
    tb_initializer(mp->graph, "big", 1, 1, dims, big, n * sizeof *big);
    char *path = tb_save(mp, dir, "big.onnx");
    seen s = {0};
    long long read_before = bytes_read();
    onnxlint_model *m = load_ok(path, &s);
    /* Loading read the structure, not the 16 MB of weights (read(2) and
     * pread(2) count in rchar; the file is not mapped, so nothing else
     * could read it), and the model's memory is its graph. */
    assert_true(bytes_read() - read_before < 64 * 1024);
    assert_true(m->arena.used < (size_t)1 << 20);
    assert_null(m->map);
    const ol_tensor *t = ol_graph_lookup(m->graph, "big")->initializer;
    assert_non_null(t->payload);
    assert_int_equal(t->payload->raw_length, n * sizeof *big);
    /* The recorded span holds exactly the weights. */
    float *back = malloc(n * sizeof *back);
    assert_true(ol_model_read(m, t->payload->raw_offset, n * sizeof *big, back));
    assert_memory_equal(back, big, n * sizeof *big);
    onnxlint_model_free(m);
    free(back);
    free(big);
    free(path);
    tb_model_free(mp);
}

static int discard(void *ctx, const char *data, size_t len)
{
    (void)ctx;
    (void)data;
    (void)len;
    return 0;
}

/* A model file cut short while onnxlint holds it (a copy over it, a full
 * disk) gives errors where its bytes are needed, never SIGBUS. */
static void file_shrinking_after_load_is_an_error(void **state)
{
    (void)state;
    Onnx__ModelProto *mp = small_model();
    size_t n = 1 << 20;
    float *big = calloc(n, sizeof *big);
    int64_t dims[] = {(int64_t)n};
    tb_initializer(mp->graph, "big", 1, 1, dims, big, n * sizeof *big);
    char *path = tb_save(mp, dir, "shrinks.onnx");
    seen s = {0};
    onnxlint_model *m = load_ok(path, &s);
    const ol_tensor *t = ol_graph_lookup(m->graph, "big")->initializer;
    assert_int_equal(truncate(path, (off_t)(t->payload->raw_offset + 100)), 0);
    float four[4];
    assert_true(ol_model_read(m, t->payload->raw_offset, sizeof four, four));
    assert_false(ol_model_read(m, t->payload->raw_offset, n * sizeof *big, big));
    onnxlint_error err;
    assert_int_equal(onnxlint_model_write_with_shapes(m, discard, NULL, &err), ONNXLINT_EIO);
    onnxlint_model_free(m);
    /* Loaded again, the cut file is explained in one line. */
    onnxlint_model *again = NULL;
    assert_int_equal(onnxlint_model_load(path, NULL, &again, &err), ONNXLINT_EMALFORMED);
    assert_non_null(strstr(err.message, "cut short"));
    free(big);
    free(path);
    tb_model_free(mp);
}

static void subgraphs_see_outer_values(void **state)
{
    (void)state;
    Onnx__ModelProto *mp = tb_model(13);
    int64_t d[] = {2};
    tb_input(mp->graph, "cond", 9, 0, d);
    tb_input(mp->graph, "X", 1, 1, d);
    tb_node(mp->graph, "Relu", "pre", "X", NULL, "R");
    Onnx__NodeProto *iff = tb_node(mp->graph, "If", "if", "cond", NULL, "Y");
    Onnx__GraphProto *then_g = tb_graph("then");
    tb_node(then_g, "Neg", "neg", "R", NULL, "A"); /* R is outer */
    tb_output(then_g, "A", 1, 1, d);
    Onnx__GraphProto *else_g = tb_graph("else");
    tb_node(else_g, "Identity", "id", "X", NULL, "B");
    tb_output(else_g, "B", 1, 1, d);
    tb_graph_attribute(iff, "then_branch", then_g);
    tb_graph_attribute(iff, "else_branch", else_g);
    tb_output(mp->graph, "Y", 1, 1, d);
    char *path = tb_save(mp, dir, "if.onnx");
    seen s = {0};
    onnxlint_model *m = load_ok(path, &s);
    assert_int_equal(s.count[ONNXLINT_ERROR], 0);
    const ol_node *node = m->graph->nodes[1];
    assert_int_equal(node->n_subgraphs, 2);
    const ol_graph *then_ir = node->subgraphs[0];
    assert_string_equal(then_ir->owner_attribute, "then_branch");
    assert_ptr_equal(then_ir->parent, m->graph);
    assert_int_equal(then_ir->depth, 1);
    assert_int_equal(then_ir->n_outer_refs, 1);
    assert_string_equal(then_ir->outer_refs[0]->name, "R");
    assert_ptr_equal(then_ir->outer_refs[0]->outer, ol_graph_lookup(m->graph, "R"));
    assert_int_equal(m->n_graphs, 3);
    assert_int_equal(m->n_nodes, 4);
    onnxlint_model_free(m);
    free(path);
    tb_model_free(mp);
}

static void outer_reference_to_a_later_node_is_an_order_problem(void **state)
{
    (void)state;
    Onnx__ModelProto *mp = tb_model(13);
    int64_t d[] = {2};
    tb_input(mp->graph, "cond", 9, 0, d);
    tb_input(mp->graph, "X", 1, 1, d);
    Onnx__NodeProto *iff = tb_node(mp->graph, "If", "if", "cond", NULL, "Y");
    Onnx__GraphProto *then_g = tb_graph("then");
    tb_node(then_g, "Neg", "neg", "R", NULL, "A");
    tb_output(then_g, "A", 1, 1, d);
    tb_graph_attribute(iff, "then_branch", then_g);
    tb_node(mp->graph, "Relu", "late", "X", NULL, "R"); /* after its user */
    tb_output(mp->graph, "Y", 1, 1, d);
    char *path = tb_save(mp, dir, "late.onnx");
    seen s = {0};
    onnxlint_model *m = load_ok(path, &s);
    assert_false(m->graph->sorted);
    assert_int_equal(m->graph->n_cyclic, 0);
    assert_string_equal(m->graph->order[0]->name, "late");
    assert_int_equal(s.count[ONNXLINT_WARNING], 1);
    assert_string_equal(s.last_code, "not-topological");
    onnxlint_model_free(m);
    free(path);
    tb_model_free(mp);
}

static void structural_defects_are_diagnostics(void **state)
{
    (void)state;
    Onnx__ModelProto *mp = small_model();
    tb_node(mp->graph, "Relu", "dup", "ghost", NULL, "T"); /* undefined + duplicate */
    char *path = tb_save(mp, dir, "defects.onnx");
    seen s = {0};
    onnxlint_model *m = load_ok(path, &s);
    assert_int_equal(s.count[ONNXLINT_ERROR], 2);
    assert_int_equal(onnxlint_model_diagnostic_count(m, ONNXLINT_ERROR), 2);
    assert_int_equal(m->n_diagnostic_list, 2);
    assert_string_equal(m->diagnostic_list[0].code, "duplicate-name");
    assert_string_equal(m->diagnostic_list[1].code, "undefined-value");
    assert_string_equal(m->diagnostic_list[1].node, "dup");
    ol_value *ghost = ol_graph_lookup(m->graph, "ghost");
    assert_true(ghost->flags & OL_VALUE_UNDEFINED);
    /* The first producer keeps the name. */
    assert_string_equal(ol_graph_lookup(m->graph, "T")->producer->name, "mm");
    onnxlint_model_free(m);
    free(path);
    tb_model_free(mp);
}

/* A node right after a redefinition of a name reads the value the name's
 * first definition made, as everywhere else (the loader's shortcut through
 * the previous nodes' outputs must not see the redefined one). */
static void inputs_after_a_redefinition_read_the_first_definition(void **state)
{
    (void)state;
    Onnx__ModelProto *mp = small_model();
    tb_node(mp->graph, "Neg", "shadow", "Y", NULL, "X"); /* X is also the graph input */
    tb_node(mp->graph, "Abs", "reader", "X", NULL, "Z");
    char *path = tb_save(mp, dir, "redefined.onnx");
    seen s = {0};
    onnxlint_model *m = load_ok(path, &s);
    assert_string_equal(m->diagnostic_list[0].code, "duplicate-name");
    const ol_node *reader = m->graph->nodes[3];
    assert_string_equal(reader->name, "reader");
    assert_ptr_equal(reader->inputs[0], m->graph->inputs[0]);
    assert_ptr_not_equal(reader->inputs[0], m->graph->nodes[2]->outputs[0]);
    /* Without a redefinition the previous node's output is the one read. */
    assert_ptr_equal(m->graph->nodes[1]->inputs[0], m->graph->nodes[0]->outputs[0]);
    onnxlint_model_free(m);
    free(path);
    tb_model_free(mp);
}

static void newer_versions_warn(void **state)
{
    (void)state;
    Onnx__ModelProto *mp = small_model();
    mp->ir_version = 99;
    mp->opset_import[0]->version = 99;
    char *path = tb_save(mp, dir, "newer.onnx");
    seen s = {0};
    onnxlint_model *m = load_ok(path, &s);
    assert_int_equal(s.count[ONNXLINT_WARNING], 2);
    assert_int_equal(s.count[ONNXLINT_ERROR], 0);
    onnxlint_model_free(m);
    free(path);
    tb_model_free(mp);
}

/* IR 14 and ai.onnx 28 are the newest known: silent; one past them warns
 * naming the newest known. */
static void newest_known_versions_are_silent(void **state)
{
    (void)state;
    Onnx__ModelProto *mp = small_model();
    mp->ir_version = 14;
    mp->opset_import[0]->version = 28;
    char *path = tb_save(mp, dir, "newest.onnx");
    seen s = {0};
    onnxlint_model *m = load_ok(path, &s);
    assert_int_equal(s.count[ONNXLINT_WARNING] + s.count[ONNXLINT_ERROR], 0);
    onnxlint_model_free(m);
    free(path);
    mp->ir_version = 15;
    mp->opset_import[0]->version = 29;
    path = tb_save(mp, dir, "past_newest.onnx");
    memset(&s, 0, sizeof s);
    m = load_ok(path, &s);
    assert_int_equal(s.count[ONNXLINT_WARNING], 2);
    assert_non_null(strstr(s.last_message, "opset 29 of domain 'ai.onnx' is newer than the newest known (28)"));
    onnxlint_model_free(m);
    free(path);
    tb_model_free(mp);
}

/* The fields of IR 10-14 (a node's overload, metadata_props and device
 * configurations, the model's configurations) decode; 2-bit initializers
 * (IR 13) hold four elements a byte in raw_data and in int32_data. */
static void ir_13_fields_and_2_bit_tensors(void **state)
{
    (void)state;
    Onnx__ModelProto *mp = small_model();
    mp->ir_version = 13;
    Onnx__NodeProto *n = mp->graph->node[0];
    n->overload = strdup("fast");
    tb_node_metadata(n, "source", "test");
    tb_node_device_configuration(n, "pair", 1);
    Onnx__DeviceConfigurationProto *cfg = malloc(sizeof *cfg);
    onnx__device_configuration_proto__init(cfg);
    cfg->name = strdup("pair");
    cfg->has_num_devices = true;
    cfg->num_devices = 2;
    mp->n_configuration = 1;
    mp->configuration = malloc(sizeof *mp->configuration);
    mp->configuration[0] = cfg;
    const uint8_t packed[2] = {0xe4, 0x01}; /* 0, 1, 2, 3 | 1 */
    tb_initializer(mp->graph, "I2", ONNX__TENSOR_PROTO__DATA_TYPE__INT2, 1, (const int64_t[]){5}, packed, 2);
    Onnx__TensorProto *u2 = tb_initializer(mp->graph, "U2", ONNX__TENSOR_PROTO__DATA_TYPE__UINT2, 1,
                                           (const int64_t[]){6}, NULL, 0);
    u2->n_int32_data = 2; /* ceil(6 / 4) */
    u2->int32_data = calloc(2, sizeof *u2->int32_data);
    char *path = tb_save(mp, dir, "ir13.onnx");
    seen s = {0};
    onnxlint_model *m = load_ok(path, &s);
    assert_int_equal(s.count[ONNXLINT_WARNING] + s.count[ONNXLINT_ERROR], 0);
    /* The loader keeps no NodeProto: the node's new fields as decoded. */
    size_t len;
    uint8_t *bytes = tb_pack(mp, &len);
    ol_arena tmp, keep;
    ol_arena_init(&tmp, NULL, (size_t)1 << 30);
    ol_arena_init(&keep, NULL, (size_t)1 << 30);
    ol_wire_result wire;
    char why[256];
    assert_int_equal(ol_wire_decode(bytes, len, &onnx__model_proto__descriptor, &keep, &tmp, &wire, why, sizeof why),
                     ONNXLINT_OK);
    const Onnx__NodeProto *node = ((const Onnx__ModelProto *)wire.message)->graph->node[0];
    assert_string_equal(node->overload, "fast");
    assert_int_equal(node->n_device_configurations, 1);
    assert_int_equal(node->device_configurations[0]->pipeline_stage, 1);
    ol_arena_destroy(&tmp);
    ol_arena_destroy(&keep);
    free(bytes);
    assert_int_equal(m->proto->n_configuration, 1);
    assert_string_equal(ol_elem_type_name(ONNX__TENSOR_PROTO__DATA_TYPE__INT2), "int2");
    assert_int_equal(ol_elem_type_bits(ONNX__TENSOR_PROTO__DATA_TYPE__UINT2), 2);
    assert_int_equal(ol_elem_type_bits(ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT8E8M0), 8);
    onnxlint_model_free(m);
    free(path);
    /* Five 2-bit elements in three bytes: the raw_data does not fit. */
    mp->graph->initializer[mp->graph->n_initializer - 2]->raw_data.len = 3;
    mp->graph->initializer[mp->graph->n_initializer - 2]->raw_data.data = realloc(
        mp->graph->initializer[mp->graph->n_initializer - 2]->raw_data.data, 3);
    path = tb_save(mp, dir, "ir13_bad.onnx");
    onnxlint_error err;
    assert_int_equal(load_fail(path, &err), ONNXLINT_EMALFORMED);
    assert_non_null(strstr(err.message, "its dims need 2"));
    free(path);
    tb_model_free(mp);
}

static void not_a_model_is_explained(void **state)
{
    (void)state;
    onnxlint_error err;
    char *p = tb_write(dir, "empty.onnx", "", 0);
    assert_int_equal(load_fail(p, &err), ONNXLINT_EMALFORMED);
    assert_non_null(strstr(err.message, "empty file"));
    free(p);
    p = tb_write(dir, "text.onnx", "hello world\nthis is text\n", 25);
    load_fail(p, &err);
    assert_non_null(strstr(err.message, "text, not a binary ONNX model"));
    free(p);
    const char lfs[] = "version https://git-lfs.github.com/spec/v1\noid sha256:00\nsize 1\n";
    p = tb_write(dir, "lfs.onnx", lfs, sizeof lfs - 1);
    load_fail(p, &err);
    assert_non_null(strstr(err.message, "git lfs pull"));
    free(p);
    const uint8_t tensor[] = {0x08, 0x03, 0x10, 0x01, 0x4a, 0x0c, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    p = tb_write(dir, "input_0.pb", tensor, sizeof tensor);
    load_fail(p, &err);
    assert_non_null(strstr(err.message, "TensorProto"));
    free(p);
    Onnx__ModelProto *mp = tb_model(13);
    onnx__graph_proto__free_unpacked(mp->graph, NULL);
    mp->graph = NULL;
    p = tb_save(mp, dir, "nograph.onnx");
    load_fail(p, &err);
    assert_non_null(strstr(err.message, "no graph"));
    free(p);
    tb_model_free(mp);
    load_fail("/nonexistent/dir/model.onnx", &err);
    assert_non_null(strstr(err.message, "cannot open"));
    load_fail(dir, &err);
    assert_non_null(strstr(err.message, "directory"));
}

static void tensor_data_must_match_dims(void **state)
{
    (void)state;
    onnxlint_error err;
    Onnx__ModelProto *mp = small_model();
    mp->graph->initializer[1]->raw_data.len = 8; /* B[3] float needs 12 */
    char *p = tb_save(mp, dir, "short.onnx");
    assert_int_equal(load_fail(p, &err), ONNXLINT_EMALFORMED);
    assert_non_null(strstr(err.message, "tensor 'B'"));
    assert_non_null(strstr(err.message, "need 12"));
    free(p);
    mp->graph->initializer[1]->raw_data.len = 12;
    mp->graph->initializer[1]->dims[0] = -3;
    p = tb_save(mp, dir, "neg.onnx");
    load_fail(p, &err);
    assert_non_null(strstr(err.message, "negative dim"));
    free(p);
    tb_model_free(mp);
}

/* A model whose initializer W lives in external data at location. */
static char *external_model(const char *name, const char *location, const char *length)
{
    Onnx__ModelProto *mp = small_model();
    Onnx__TensorProto *t = mp->graph->initializer[0];
    t->has_raw_data = 0;
    free(t->raw_data.data);
    t->raw_data.data = NULL;
    t->raw_data.len = 0;
    t->has_data_location = 1;
    t->data_location = ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL;
    const char *keys[] = {"location", "length"};
    const char *values[] = {location, length};
    t->n_external_data = length ? 2 : 1;
    t->external_data = calloc(2, sizeof *t->external_data);
    for (size_t i = 0; i < t->n_external_data; i++) {
        Onnx__StringStringEntryProto *e = calloc(1, sizeof *e);
        onnx__string_string_entry_proto__init(e);
        e->key = strdup(keys[i]);
        e->value = strdup(values[i]);
        t->external_data[i] = e;
    }
    char *p = tb_save(mp, dir, name);
    tb_model_free(mp);
    return p;
}

static void external_data_stays_inside_the_model_folder(void **state)
{
    (void)state;
    onnxlint_error err;
    char weights[48] = {0};
    char *data = tb_write(dir, "w.data", weights, sizeof weights);
    char *p = external_model("ext_ok.onnx", "w.data", "48");
    seen s = {0};
    onnxlint_model *m = load_ok(p, &s);
    const ol_tensor *t = ol_graph_lookup(m->graph, "W")->initializer;
    assert_non_null(t->external_path);
    assert_int_equal(t->external_length, 48);
    onnxlint_model_free(m);
    free(p);

    p = external_model("ext_abs.onnx", data, NULL); /* absolute path to a real file */
    assert_int_equal(load_fail(p, &err), ONNXLINT_EUNSAFE);
    assert_non_null(strstr(err.message, "absolute path"));
    free(p);

    char *outside_dir = tb_tmpdir();
    char *outside = tb_write(outside_dir, "secret.data", weights, sizeof weights);
    char rel[512];
    snprintf(rel, sizeof rel, "../%s/secret.data", strrchr(outside_dir, '/') + 1);
    p = external_model("ext_dotdot.onnx", rel, NULL);
    assert_int_equal(load_fail(p, &err), ONNXLINT_EUNSAFE);
    assert_non_null(strstr(err.message, "'..'"));
    free(p);

    char link[512];
    snprintf(link, sizeof link, "%s/link.data", dir);
    assert_int_equal(symlink(outside, link), 0);
    p = external_model("ext_link.onnx", "link.data", NULL);
    assert_int_equal(load_fail(p, &err), ONNXLINT_EUNSAFE);
    assert_non_null(strstr(err.message, "symlink"));
    free(p);

    p = external_model("ext_missing.onnx", "nothing.data", NULL);
    assert_int_equal(load_fail(p, &err), ONNXLINT_EIO);
    assert_non_null(strstr(err.message, "nothing.data"));
    free(p);

    p = external_model("ext_long.onnx", "w.data", "4096");
    assert_int_equal(load_fail(p, &err), ONNXLINT_EMALFORMED);
    assert_non_null(strstr(err.message, "the file has 48"));
    free(p);

    tb_rmtree(outside_dir);
    free(outside_dir);
    free(outside);
    free(data);
}

/* A model-local function (custom:Scale2, body x -> Add(x, x)) called from
 * the main graph: the call's output type comes from inferring the body
 * with the caller's input type. */
static void model_local_functions_are_inferred(void **state)
{
    (void)state;
    Onnx__ModelProto *mp = tb_model(13);
    Onnx__OperatorSetIdProto *custom = calloc(1, sizeof *custom);
    onnx__operator_set_id_proto__init(custom);
    custom->domain = strdup("custom");
    custom->has_version = 1;
    custom->version = 1;
    mp->opset_import = realloc(mp->opset_import, 2 * sizeof *mp->opset_import);
    mp->opset_import[mp->n_opset_import++] = custom;
    Onnx__FunctionProto *f = calloc(1, sizeof *f);
    onnx__function_proto__init(f);
    f->name = strdup("Scale2");
    f->domain = strdup("custom");
    f->n_input = 1;
    f->input = calloc(1, sizeof *f->input);
    f->input[0] = strdup("x");
    f->n_output = 1;
    f->output = calloc(1, sizeof *f->output);
    f->output[0] = strdup("y");
    Onnx__GraphProto *scratch = tb_graph("scratch"); /* tb_node appends nodes to a graph */
    tb_node(scratch, "Add", "double", "x", "x", "y");
    f->n_node = scratch->n_node;
    f->node = scratch->node;
    scratch->n_node = 0;
    scratch->node = NULL;
    onnx__graph_proto__free_unpacked(scratch, NULL);
    f->n_opset_import = 1;
    f->opset_import = calloc(1, sizeof *f->opset_import);
    Onnx__OperatorSetIdProto *o = calloc(1, sizeof *o);
    onnx__operator_set_id_proto__init(o);
    o->domain = strdup("");
    o->has_version = 1;
    o->version = 13;
    f->opset_import[0] = o;
    mp->n_functions = 1;
    mp->functions = calloc(1, sizeof *mp->functions);
    mp->functions[0] = f;
    int64_t d[] = {-1, 3};
    tb_input(mp->graph, "a", 1, 2, d);
    Onnx__NodeProto *call = tb_node(mp->graph, "Scale2", "call", "a", NULL, "b");
    call->domain = strdup("custom");
    tb_node(mp->graph, "Relu", "after", "b", NULL, "c");
    tb_output(mp->graph, "c", 1, 0, d);
    /* No declared shape for the output: inference alone says what it is. */
    onnx__tensor_shape_proto__free_unpacked(mp->graph->output[0]->type->tensor_type->shape, NULL);
    mp->graph->output[0]->type->tensor_type->shape = NULL;
    tb_result r = tb_infer(mp, (const char *[]){"b", "c", NULL});
    assert_int_equal(r.errors, 0);
    assert_string_equal(r.types[0], "float[N,3]");
    assert_string_equal(r.types[1], "float[N,3]");
    tb_model_free(mp);
}

/* Diagnostics of the model at path inferred with the check's memo of
 * clean node shapes, and without it, are the same ones. */
static size_t memo_models;

static int compare_memo(const char *path, const struct stat *st, int kind, struct FTW *ftw)
{
    (void)st, (void)ftw;
    size_t len = strlen(path);
    if (kind != FTW_F || len < 5 || strcmp(path + len - 5, ".onnx") != 0)
        return 0;
    onnxlint_model *with = NULL, *without = NULL;
    onnxlint_error err;
    if (onnxlint_model_load(path, NULL, &with, &err) != ONNXLINT_OK)
        return 0;
    assert_int_equal(onnxlint_model_load(path, NULL, &without, &err), ONNXLINT_OK);
    ol_infer_options full = {.no_check_memo = true};
    assert_int_equal(ol_infer_model(with, NULL, NULL), ol_infer_model(without, &full, NULL));
    for (int k = 0; k < 3; k++)
        if (with->diagnostics[k] != without->diagnostics[k])
            fail_msg("%s: %zu diagnostics of severity %d with the memo, %zu without", path, with->diagnostics[k], k,
                     without->diagnostics[k]);
    assert_int_equal(with->n_diagnostic_list, without->n_diagnostic_list);
    for (size_t i = 0; i < with->n_diagnostic_list; i++) {
        assert_string_equal(with->diagnostic_list[i].code, without->diagnostic_list[i].code);
        assert_string_equal(with->diagnostic_list[i].message, without->diagnostic_list[i].message);
    }
    memo_models++;
    onnxlint_model_free(with);
    onnxlint_model_free(without);
    return 0;
}

static void check_memo_changes_no_diagnostic(void **state)
{
    (void)state;
    assert_int_equal(nftw(ONNXLINT_SOURCE_DIR "/models", compare_memo, 16, FTW_PHYS), 0);
    assert_int_equal(nftw(ONNXLINT_SOURCE_DIR "/tests/malformed", compare_memo, 16, FTW_PHYS), 0);
    struct stat st;
    if (stat("/usr/share/libonnx-testdata/data", &st) == 0)
        assert_int_equal(nftw("/usr/share/libonnx-testdata/data", compare_memo, 16, FTW_PHYS), 0);
    assert_true(memo_models >= 100);
    print_message("%zu models infer the same with and without the check's memo\n", memo_models);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(builds_values_nodes_and_edges),
        cmocka_unit_test(large_weights_are_not_read),
        cmocka_unit_test(file_shrinking_after_load_is_an_error),
        cmocka_unit_test(subgraphs_see_outer_values),
        cmocka_unit_test(outer_reference_to_a_later_node_is_an_order_problem),
        cmocka_unit_test(structural_defects_are_diagnostics),
        cmocka_unit_test(inputs_after_a_redefinition_read_the_first_definition),
        cmocka_unit_test(newer_versions_warn),
        cmocka_unit_test(newest_known_versions_are_silent),
        cmocka_unit_test(ir_13_fields_and_2_bit_tensors),
        cmocka_unit_test(not_a_model_is_explained),
        cmocka_unit_test(tensor_data_must_match_dims),
        cmocka_unit_test(external_data_stays_inside_the_model_folder),
        cmocka_unit_test(model_local_functions_are_inferred),
        cmocka_unit_test(check_memo_changes_no_diagnostic),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
