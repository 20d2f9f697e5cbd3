/*
 * load.c - from a file to the graph IR.
 *
 * The file's structure (everything but tensor payloads) is read into an
 * anonymous mapping at the file's offsets; the wire decoder (wire.c)
 * validates it and decodes it into protobuf-c's structs in the model's
 * arena, and the mapping is released.  The graph IR is then built from the
 * messages.  Weight bytes are never read at load time: tensors keep an
 * ol_payload that says where their data lies in the file (read with
 * ol_model_read when needed), and external data is only checked with
 * realpath and stat.
 *
 * Invariants:
 *   - On failure nothing stays allocated or mapped and err says why in one
 *     line that starts with the file's path.
 *   - Structural defects that still leave a graph to look at (a name that
 *     nothing defines, two producers of one name) are diagnostics, not
 *     failures; defects that leave nothing trustworthy (bad wire format, a
 *     tensor whose data does not match its dims, unsafe external data) are
 *     failures.
 */
#include "load/load.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/text.h"

/* Room for one escaped name inside a message. */
#define NAME_BUF 200

/* How many prefetched names' hashes the loader keeps (twice the nodes it
 * looks ahead, OL_PREFETCH_NODES). */
#define OL_HASHED_NAMES 16

typedef struct loader {
    onnxlint_model *model;
    onnxlint_error *err;
    ol_wire_lazy *lazy; /* the decoding that left the graphs' nodes in the file */
    ol_arena *tmp;      /* scratch until every graph is built */
    ol_arena shells;    /* the NodeProtos being built (see OL_NODE_BATCH) */
    const ol_opset *opsets; /* imports in force for the graph being built */
    size_t n_opsets;
    const ol_opset *known_in; /* the last domain looked up, in these imports */
    const char *known_domain;
    int64_t known_version;
    ol_value *values; /* a block of fresh values, values_left of them */
    size_t values_left;
    struct {             /* the first outputs of the nodes prefetched lately */
        const char *key; /* (by node index) and their hashes: hashed once, */
        uint64_t hash;   /* for the prefetch and the put after it */
    } hashed[OL_HASHED_NAMES];
} loader;

static const char *esc(char *buf, const char *s)
{
    ol_escape(buf, NAME_BUF, s ? s : "", s ? strlen(s) : 0, false);
    return buf;
}

static onnxlint_status set_error(onnxlint_error *err, onnxlint_status status, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static onnxlint_status set_error(onnxlint_error *err, onnxlint_status status, const char *path, const char *fmt, ...)
{
    if (!err)
        return status;
    char shown[NAME_BUF];
    int n = snprintf(err->message, sizeof err->message, "%s: ", esc(shown, path));
    if (n < 0 || (size_t)n >= sizeof err->message)
        n = 0;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message + n, sizeof err->message - (size_t)n, fmt, ap);
    va_end(ap);
    for (char *p = err->message; *p; p++) {
        if (*p == '\n' || *p == '\r')
            *p = ' ';
    }
    err->status = status;
    return status;
}

void ol_model_diagnostic(onnxlint_model *model, onnxlint_severity severity, const char *code, const ol_node *node,
                         const char *fmt, ...)
{
    char message[1024], node_name[NAME_BUF];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    char index_name[32];
    /* The same finding twice (a Loop body inferred again until its types
     * settle) is reported once. */
    char *key = ol_arena_printf(&model->arena, "%s\x1f%p\x1f%s", code, (const void *)node, message);
    if (key && ol_map_get(&model->diagnostic_seen, key))
        return;
    if (key)
        ol_map_put(&model->diagnostic_seen, &model->arena, key, key);
    model->diagnostics[severity]++;
    onnxlint_diagnostic d = {
        .severity = severity,
        .code = code,
        .node = node ? esc(node_name, ol_node_display_name(node, index_name, sizeof index_name)) : NULL,
        .message = message,
    };
    if (model->n_diagnostic_list < OL_MAX_KEPT_DIAGNOSTICS) {
        if (!model->diagnostic_list)
            model->diagnostic_list =
                ol_arena_calloc(&model->arena, OL_MAX_KEPT_DIAGNOSTICS, sizeof *model->diagnostic_list);
        if (model->diagnostic_list) {
            ol_diagnostic *kept = &model->diagnostic_list[model->n_diagnostic_list++];
            kept->severity = severity;
            kept->code = code;
            kept->node = d.node ? ol_arena_strndup(&model->arena, d.node, strlen(d.node)) : NULL;
            kept->message = ol_arena_strndup(&model->arena, message, strlen(message));
        }
    }
    if (model->on_diagnostic)
        model->on_diagnostic(model->diagnostic_ctx, &d);
}

/* ---- names ---- */

/* ELIMIT when a name (of a value, node, operator, domain, symbol) is longer
 * than OL_MAX_NAME_LENGTH; what says whose name it is. */
static onnxlint_status name_ok(loader *l, const char *name, const char *what, size_t index)
{
    if (!name || strnlen(name, OL_MAX_NAME_LENGTH + 1) <= OL_MAX_NAME_LENGTH)
        return ONNXLINT_OK;
    return set_error(l->err, ONNXLINT_ELIMIT, l->model->path,
                     "%s %zu has a name of more than %zu bytes; limit OL_MAX_NAME_LENGTH", what, index,
                     OL_MAX_NAME_LENGTH);
}

/* The names a node carries of its own: its name, operator, domain,
 * inputs and outputs. */
static onnxlint_status own_names_ok(loader *l, const Onnx__NodeProto *np, size_t index)
{
    onnxlint_status st;
    if ((st = name_ok(l, np->name, "node", index)) || (st = name_ok(l, np->op_type, "the operator of node", index)) ||
        (st = name_ok(l, np->domain, "the domain of node", index)))
        return st;
    for (size_t k = 0; k < np->n_input; k++) {
        if ((st = name_ok(l, np->input[k], "an input of node", index)))
            return st;
    }
    for (size_t k = 0; k < np->n_output; k++) {
        if ((st = name_ok(l, np->output[k], "an output of node", index)))
            return st;
    }
    return ONNXLINT_OK;
}

/* Every name a node carries.  Its own need no look when the decoder
 * measured them all within the limit (longest, see ol_wire_node;
 * SIZE_MAX when not measured). */
static onnxlint_status node_names_ok(loader *l, const Onnx__NodeProto *np, size_t index, size_t longest)
{
    onnxlint_status st;
    if (longest > OL_MAX_NAME_LENGTH && (st = own_names_ok(l, np, index)))
        return st;
    for (size_t k = 0; k < np->n_attribute; k++) {
        if ((st = name_ok(l, np->attribute[k]->name, "an attribute of node", index)))
            return st;
    }
    return ONNXLINT_OK;
}

/* ---- types ---- */

static onnxlint_status type_from_proto(loader *l, const Onnx__TypeProto *tp, ol_type *out, const char *what);

/* v's declared type, read from tp into a type of its own. */
static onnxlint_status declare_type(loader *l, ol_value *v, const Onnx__TypeProto *tp)
{
    ol_type *t = ol_arena_alloc(&l->model->arena, sizeof *t);
    if (!t)
        return ONNXLINT_ENOMEM;
    onnxlint_status st = type_from_proto(l, tp, t, v->name);
    v->type = t;
    return st;
}

/* A copy of v's declared type that v alone holds, for the loader to fill
 * in (types are shared: an outer reference holds its original's). */
static ol_type *own_type(loader *l, ol_value *v)
{
    ol_type *t = ol_arena_alloc(&l->model->arena, sizeof *t);
    if (t) {
        *t = *v->type;
        v->type = t;
    }
    return t;
}

static onnxlint_status shape_from_proto(loader *l, const Onnx__TensorShapeProto *sp, ol_shape *out, const char *what)
{
    out->rank = OL_RANK_UNKNOWN;
    out->dims = NULL;
    if (!sp)
        return ONNXLINT_OK;
    char shown[NAME_BUF];
    if (sp->n_dim > OL_MAX_RANK)
        return set_error(l->err, ONNXLINT_ELIMIT, l->model->path, "'%s' has rank %zu, more than OL_MAX_RANK (%d)",
                         esc(shown, what), sp->n_dim, OL_MAX_RANK);
    out->rank = (int)sp->n_dim;
    out->dims = ol_arena_calloc(&l->model->arena, sp->n_dim ? sp->n_dim : 1, sizeof *out->dims);
    if (!out->dims)
        return ONNXLINT_ENOMEM;
    for (size_t i = 0; i < sp->n_dim; i++) {
        const Onnx__TensorShapeProto__Dimension *d = sp->dim[i];
        ol_dim *dim = &out->dims[i];
        if (d->value_case == ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE && d->dim_value >= 0) {
            dim->kind = OL_DIM_VALUE;
            dim->value = d->dim_value;
        } else if (d->value_case == ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM && d->dim_param &&
                   d->dim_param[0]) {
            onnxlint_status st = name_ok(l, d->dim_param, "a symbolic dim of axis", i);
            if (st)
                return st;
            *dim = ol_dim_named(&l->model->exprs, d->dim_param);
        } else {
            dim->kind = OL_DIM_UNKNOWN;
            /* -1 is how some exporters (Paddle2ONNX) write a dynamic dim */
            if (d->value_case == ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE && d->dim_value < -1)
                ol_model_diagnostic(l->model, ONNXLINT_WARNING, "shape-error", NULL,
                                    "'%s' declares dim %lld at axis %zu: a dim is a size, >= 0 (read as unknown)",
                                    esc(shown, what), (long long)d->dim_value, i);
        }
    }
    return ONNXLINT_OK;
}

static onnxlint_status elem_of(loader *l, const Onnx__TypeProto *tp, ol_type **out, const char *what)
{
    *out = NULL;
    if (!tp)
        return ONNXLINT_OK;
    ol_type *t = ol_arena_calloc(&l->model->arena, 1, sizeof *t);
    if (!t)
        return ONNXLINT_ENOMEM;
    *out = t;
    return type_from_proto(l, tp, t, what);
}

/* Recursion is bounded: the wire decoder capped message depth. */
static onnxlint_status type_from_proto(loader *l, const Onnx__TypeProto *tp, ol_type *out, const char *what)
{
    memset(out, 0, sizeof *out);
    out->shape.rank = OL_RANK_UNKNOWN;
    if (!tp)
        return ONNXLINT_OK;
    switch (tp->value_case) {
    case ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE:
        out->kind = OL_TYPE_TENSOR;
        out->elem_type = tp->tensor_type->elem_type;
        return shape_from_proto(l, tp->tensor_type->shape, &out->shape, what);
    case ONNX__TYPE_PROTO__VALUE_SPARSE_TENSOR_TYPE:
        out->kind = OL_TYPE_SPARSE_TENSOR;
        out->elem_type = tp->sparse_tensor_type->elem_type;
        return shape_from_proto(l, tp->sparse_tensor_type->shape, &out->shape, what);
    case ONNX__TYPE_PROTO__VALUE_SEQUENCE_TYPE:
        out->kind = OL_TYPE_SEQUENCE;
        return elem_of(l, tp->sequence_type->elem_type, &out->elem, what);
    case ONNX__TYPE_PROTO__VALUE_OPTIONAL_TYPE:
        out->kind = OL_TYPE_OPTIONAL;
        return elem_of(l, tp->optional_type->elem_type, &out->elem, what);
    case ONNX__TYPE_PROTO__VALUE_MAP_TYPE:
        out->kind = OL_TYPE_MAP;
        out->key_type = ol_key_type(tp->map_type->key_type);
        return elem_of(l, tp->map_type->value_type, &out->elem, what);
    default:
        return ONNXLINT_OK;
    }
}

/* ---- tensors ---- */

/* How many elements of a typed repeated field the dims require, by the
 * field ONNX stores each element type in. */
static uint64_t typed_count_needed(int32_t elem_type, uint64_t count)
{
    switch (elem_type) {
    case ONNX__TENSOR_PROTO__DATA_TYPE__COMPLEX64:
    case ONNX__TENSOR_PROTO__DATA_TYPE__COMPLEX128:
        return count * 2;
    case ONNX__TENSOR_PROTO__DATA_TYPE__UINT4:
    case ONNX__TENSOR_PROTO__DATA_TYPE__INT4:
    case ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT4E2M1:
        return (count + 1) / 2;
    case ONNX__TENSOR_PROTO__DATA_TYPE__UINT2:
    case ONNX__TENSOR_PROTO__DATA_TYPE__INT2:
        return (count + 3) / 4;
    default:
        return count;
    }
}

/* The TensorProto field that holds an element type's values when they
 * are not in raw_data (onnx.proto's table). */
static uint32_t typed_field_of(int32_t elem_type)
{
    switch (elem_type) {
    case ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT:
    case ONNX__TENSOR_PROTO__DATA_TYPE__COMPLEX64:
        return 4; /* float_data */
    case ONNX__TENSOR_PROTO__DATA_TYPE__STRING:
        return 6; /* string_data */
    case ONNX__TENSOR_PROTO__DATA_TYPE__INT64:
        return 7; /* int64_data */
    case ONNX__TENSOR_PROTO__DATA_TYPE__DOUBLE:
    case ONNX__TENSOR_PROTO__DATA_TYPE__COMPLEX128:
        return 10; /* double_data */
    case ONNX__TENSOR_PROTO__DATA_TYPE__UINT32:
    case ONNX__TENSOR_PROTO__DATA_TYPE__UINT64:
        return 11; /* uint64_data */
    default:
        return 5; /* int32_data: the small integers, bool, the 16- and 8-bit floats, 4- and 2-bit types */
    }
}

static onnxlint_status tensor_build(loader *l, const Onnx__TensorProto *tp, const char *fallback_name, ol_tensor **out)
{
    onnxlint_model *m = l->model;
    char shown[NAME_BUF];
    const char *name = tp->name && tp->name[0] ? tp->name : fallback_name;
    ol_tensor *t = ol_arena_calloc(&m->arena, 1, sizeof *t);
    if (!t)
        return ONNXLINT_ENOMEM;
    t->name = name;
    t->proto = tp;
    t->elem_type = tp->has_data_type ? tp->data_type : 0;
    if (!ol_elem_type_name(t->elem_type))
        return set_error(l->err, ONNXLINT_EMALFORMED, m->path, "tensor '%s' has unknown data type %d", esc(shown, name),
                         t->elem_type);
    if (tp->n_dims > OL_MAX_RANK)
        return set_error(l->err, ONNXLINT_ELIMIT, m->path, "tensor '%s' has rank %zu, more than OL_MAX_RANK (%d)",
                         esc(shown, name), tp->n_dims, OL_MAX_RANK);
    t->rank = (int)tp->n_dims;
    t->dims = tp->dims;
    for (size_t i = 0; i < tp->n_dims; i++) {
        if (tp->dims[i] < 0)
            return set_error(l->err, ONNXLINT_EMALFORMED, m->path, "tensor '%s' has a negative dim (%lld at axis %zu)",
                             esc(shown, name), (long long)tp->dims[i], i);
    }
    if (!ol_dims_count(tp->dims, tp->n_dims, &t->count))
        return set_error(l->err, ONNXLINT_EMALFORMED, m->path,
                         "tensor '%s' has dims whose element count overflows 64 bits", esc(shown, name));
    t->payload = ol_wire_payload_of(&tp->base, m->payloads, m->n_payloads);
    if (tp->has_data_location && tp->data_location == ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL)
        return (*out = t), ol_external_resolve(m, t, l->err);
    *out = t;
    if (tp->segment || !t->payload)
        return ONNXLINT_OK;
    const ol_payload *p = t->payload;
    const char *type_name = ol_elem_type_name(t->elem_type);
    if (p->raw_offset != OL_NO_OFFSET) {
        unsigned bits = ol_elem_type_bits(t->elem_type);
        if (bits == 0) /* strings have no raw form */
            return set_error(l->err, ONNXLINT_EMALFORMED, m->path, "tensor '%s' of type %s has raw_data",
                             esc(shown, name), type_name);
        uint64_t need = t->count > UINT64_MAX / bits ? UINT64_MAX : (t->count * bits + 7) / 8;
        if (p->raw_length != need)
            return set_error(l->err, ONNXLINT_EMALFORMED, m->path,
                             "tensor '%s' (%s, %llu elements) has %llu bytes of raw_data, its dims need %llu",
                             esc(shown, name), type_name, (unsigned long long)t->count,
                             (unsigned long long)p->raw_length, (unsigned long long)need);
        return ONNXLINT_OK;
    }
    if (p->typed_field && p->typed_field != typed_field_of(t->elem_type))
        return set_error(l->err, ONNXLINT_EMALFORMED, m->path,
                         "tensor '%s' of type %s keeps its data in field %u, which holds another type", esc(shown, name),
                         type_name, p->typed_field);
    uint64_t need = typed_count_needed(t->elem_type, t->count);
    if (p->typed_count != need && (p->typed_count != 0 || t->count != 0))
        return set_error(l->err, ONNXLINT_EMALFORMED, m->path,
                         "tensor '%s' (%s, %llu elements) holds %llu data elements, its dims need %llu",
                         esc(shown, name), type_name, (unsigned long long)t->count,
                         (unsigned long long)p->typed_count, (unsigned long long)need);
    return ONNXLINT_OK;
}

/* ---- values and graphs ---- */

/* The most names a graph's table is sized for up front (a crafted node
 * with millions of empty outputs must not reserve a huge table). */
#define OL_MAP_RESERVE_MAX ((size_t)1 << 20)

/* Values are carved from blocks of this many, so that a pass over a
 * graph's values walks memory in order instead of jumping between them. */
#define OL_VALUE_BLOCK 256

static ol_value *value_new(loader *l, ol_graph *g, const char *name)
{
    if (!l->values_left) {
        l->values = ol_arena_calloc(&l->model->arena, OL_VALUE_BLOCK, sizeof *l->values);
        if (!l->values)
            return NULL;
        l->values_left = OL_VALUE_BLOCK;
    }
    ol_value *v = l->values++;
    l->values_left--;
    v->name = name;
    v->graph = g;
    v->type = &ol_type_none;
    return v;
}

/* The value called name in g's own scope, created if absent (one probe of
 * the table; the new value goes back to its block when the name exists). */
static ol_value *value_define_hashed(loader *l, ol_graph *g, const char *name, uint64_t hash)
{
    ol_value *v = value_new(l, g, name);
    ol_value *known = v ? ol_map_put_hashed(&g->values, &l->model->arena, name, hash, v) : NULL;
    if (known && known != v) {
        memset(v, 0, sizeof *v);
        l->values--;
        l->values_left++;
    }
    return known;
}

static ol_value *value_define(loader *l, ol_graph *g, const char *name)
{
    return value_define_hashed(l, g, name, ol_map_hash(name));
}

/* The version of domain in force in the imports being built: graph after
 * graph, node after node, the same few domains are asked for. */
static int64_t opset_of(loader *l, const char *domain)
{
    if (domain != l->known_domain || l->opsets != l->known_in) {
        l->known_domain = domain;
        l->known_in = l->opsets;
        l->known_version = ol_opset_version(l->opsets, l->n_opsets, domain);
    }
    return l->known_version;
}

/* How many nodes ahead the loader prefetches the table slots of names. */
#define OL_PREFETCH_NODES 8

static void prefetch_names(const ol_graph *g, char *const *names, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        if (names[k] && names[k][0])
            ol_map_prefetch(&g->values, names[k]);
    }
}

/* prefetch_names for the outputs of node index, keeping its first
 * output's hash for the put (value_define_hashed) when it is defined. */
static void prefetch_outputs(loader *l, const ol_graph *g, char *const *names, size_t n, size_t index)
{
    if (n && names[0] && names[0][0]) {
        uint64_t hash = ol_map_hash(names[0]);
        l->hashed[index % OL_HASHED_NAMES].key = names[0];
        l->hashed[index % OL_HASHED_NAMES].hash = hash;
        ol_map_prefetch_hashed(&g->values, hash);
        names++, n--;
    }
    prefetch_names(g, names, n);
}

/* The hash of output k of node index, name: kept by prefetch_outputs. */
static uint64_t output_hash(const loader *l, const char *name, size_t index, size_t k)
{
    const size_t slot = index % OL_HASHED_NAMES;
    return k == 0 && l->hashed[slot].key == name ? l->hashed[slot].hash : ol_map_hash(name);
}

static bool add_consumer(loader *l, ol_value *v, ol_node *node)
{
    if (!v->consumers_cap) { /* most values have one consumer: no array for it */
        v->consumers = &v->first_consumer;
        v->consumers_cap = 1;
    }
    if (v->n_consumers == v->consumers_cap) {
        size_t cap = v->consumers_cap < 4 ? 4 : v->consumers_cap * 2;
        ol_node **c = ol_arena_alloc(&l->model->arena, cap * sizeof *c);
        if (!c)
            return false;
        if (v->n_consumers)
            memcpy(c, v->consumers, v->n_consumers * sizeof *c);
        v->consumers = c;
        v->consumers_cap = cap;
    }
    v->consumers[v->n_consumers++] = node;
    return true;
}

/* Number of preceding nodes whose outputs are tried before the name
 * table: most inputs come from a node just before, and the table is a
 * cache miss per lookup on a large graph. */
#define OL_RECENT_PRODUCERS 4

/* The output of one of the few nodes before index i of g called name, or
 * NULL.  Only valid while no name of g was defined twice (then a node's
 * output need not be the value the table holds under its name). */
static ol_value *recent_output(const ol_graph *g, size_t i, const char *name)
{
    for (size_t back = 1; back <= OL_RECENT_PRODUCERS && back <= i; back++) {
        const ol_node *p = g->nodes[i - back];
        for (size_t k = 0; k < p->n_outputs; k++) {
            ol_value *v = p->outputs[k];
            if (v && strcmp(v->name, name) == 0)
                return v;
        }
    }
    return NULL;
}

/* The value an enclosing scope of g defines (a graph input, an
 * initializer or a node's output) under name, or NULL.  Enclosing scopes
 * have defined all their names before their subgraphs are built. */
static const ol_value *defined_outside(const ol_graph *g, const char *name)
{
    for (const ol_graph *p = g->parent; p; p = p->parent) {
        const ol_value *v = ol_map_get(&p->values, name);
        if (v && (v->producer || (v->flags & (OL_VALUE_INPUT | OL_VALUE_INITIALIZER))))
            return v;
    }
    return NULL;
}

/* Resolves a name read in graph g: its own scope, then enclosing scopes
 * (recorded as an outer reference), else an undefined value. */
static ol_value *value_use(loader *l, ol_graph *g, const char *name, bool *undefined)
{
    *undefined = false;
    ol_value *v = ol_map_get(&g->values, name);
    if (v)
        return v;
    ol_value *outer = g->parent ? ol_graph_lookup(g->parent, name) : NULL;
    v = value_define(l, g, name);
    if (!v)
        return NULL;
    if (outer) {
        v->flags |= OL_VALUE_OUTER;
        v->outer = outer;
        v->type = outer->type;
        ol_value **refs = ol_arena_alloc(&l->model->arena, (g->n_outer_refs + 1) * sizeof *refs);
        if (!refs)
            return NULL;
        if (g->n_outer_refs)
            memcpy(refs, g->outer_refs, g->n_outer_refs * sizeof *refs);
        refs[g->n_outer_refs++] = v;
        g->outer_refs = refs;
    } else {
        v->flags |= OL_VALUE_UNDEFINED;
        *undefined = true;
    }
    return v;
}

static onnxlint_status graph_build(loader *l, const Onnx__GraphProto *gp, const Onnx__FunctionProto *fp,
                                   ol_graph *parent, ol_node *owner, const char *owner_attribute, ol_graph **out);

static onnxlint_status explain_not_model(onnxlint_model *m, onnxlint_error *err, const char *why);

/* A graph of at least this many nodes has its IR (about 300 bytes a node)
 * built in arena chunks of OL_LARGE_GRAPH_CHUNK from the start: chunks that
 * large are backed by huge pages, so its millions of bytes cost a few
 * page faults instead of a thousand, and a smaller model keeps the small
 * chunks that leave no huge page mostly empty. */
#define OL_LARGE_GRAPH_NODES 20000
#define OL_LARGE_GRAPH_CHUNK ((size_t)4 << 20)

/* How many nodes of a graph decoded lazily are decoded at a time: the
 * table slots of their names are fetched ahead (OL_PREFETCH_NODES) within
 * a batch, and the next batch reuses the shells of one. */
#define OL_NODE_BATCH 64

/* Decodes the node at *where of a graph decoded lazily into the shells
 * (its strings and attributes into the model's arena); the model's payload
 * list follows what its tensors added. */
static onnxlint_status lazy_node(loader *l, const ol_wire_span *where, const Onnx__NodeProto **out, size_t *longest)
{
    onnxlint_model *m = l->model;
    char why[512];
    Onnx__NodeProto *np;
    onnxlint_status st = ol_wire_node(l->lazy, where, &l->shells, &np, longest, why, sizeof why);
    if (st == ONNXLINT_EMALFORMED) /* worded as when the whole file is decoded at once */
        return explain_not_model(m, l->err, why);
    if (st)
        return st == ONNXLINT_ENOMEM ? st : set_error(l->err, st, m->path, "%s", why);
    ol_wire_lazy_payloads(l->lazy, &m->payloads, &m->n_payloads);
    *out = np;
    return ONNXLINT_OK;
}

/* A sparse initializer's indices must lie inside its dense shape: checked
 * here when they are few (OL_MAX_PROPAGATED_ELEMENTS), else by the
 * evaluator before it scatters the values. */
static onnxlint_status sparse_indices_check(loader *l, const Onnx__SparseTensorProto *sp)
{
    onnxlint_model *m = l->model;
    char shown[NAME_BUF];
    const char *name = sp->values->name;
    uint64_t count = 1;
    for (size_t d = 0; d < sp->n_dims; d++) {
        if (sp->dims[d] < 0 || __builtin_mul_overflow(count, (uint64_t)sp->dims[d], &count))
            return set_error(l->err, ONNXLINT_EMALFORMED, m->path,
                             "sparse initializer '%s' has a negative dim or an element count that overflows",
                             esc(shown, name));
    }
    ol_tensor *it;
    onnxlint_status st;
    if (!sp->indices || (st = tensor_build(l, sp->indices, "", &it)))
        return sp->indices ? st : ONNXLINT_OK;
    ol_data *ind = ol_tensor_read(m, it);
    if (!ind || !ind->values)
        return ONNXLINT_OK; /* many, or not integers: the evaluator checks */
    size_t rank = sp->n_dims, per = it->rank == 2 ? rank : 1;
    for (size_t j = 0; per && j < ind->count; j++) {
        ol_dim c = ind->values[j];
        uint64_t bound = per == 1 ? count : (uint64_t)sp->dims[j % per];
        if (c.kind == OL_DIM_VALUE && (c.value < 0 || (uint64_t)c.value >= bound))
            return set_error(l->err, ONNXLINT_EMALFORMED, m->path,
                             "sparse initializer '%s': index %lld (entry %zu of its indices) lies outside its dense "
                             "shape",
                             esc(shown, name), (long long)c.value, j / per);
    }
    return ONNXLINT_OK;
}

static onnxlint_status node_subgraphs(loader *l, ol_graph *g, ol_node *node)
{
    size_t count = 0;
    for (size_t i = 0; i < node->n_attributes; i++)
        count += (node->attributes[i]->g ? 1 : 0) + node->attributes[i]->n_graphs;
    if (!count)
        return ONNXLINT_OK;
    node->subgraphs = ol_arena_calloc(&l->model->arena, count, sizeof *node->subgraphs);
    if (!node->subgraphs)
        return ONNXLINT_ENOMEM;
    for (size_t i = 0; i < node->n_attributes; i++) {
        const Onnx__AttributeProto *a = node->attributes[i];
        onnxlint_status st;
        if (a->g && (st = graph_build(l, a->g, NULL, g, node, a->name, &node->subgraphs[node->n_subgraphs++])))
            return st;
        for (size_t k = 0; k < a->n_graphs; k++) {
            if ((st = graph_build(l, a->graphs[k], NULL, g, node, a->name, &node->subgraphs[node->n_subgraphs++])))
                return st;
        }
    }
    return ONNXLINT_OK;
}

/* Builds (and so validates) the tensors of TENSOR attributes (Constant's
 * value...), kept per attribute for inference to read on demand. */
static onnxlint_status node_tensors(loader *l, ol_node *node)
{
    for (size_t i = 0; i < node->n_attributes; i++) {
        const Onnx__AttributeProto *a = node->attributes[i];
        if (!a->t)
            continue;
        if (!node->attribute_tensors) {
            node->attribute_tensors = ol_arena_calloc(&l->model->arena, node->n_attributes, sizeof(ol_tensor *));
            if (!node->attribute_tensors)
                return ONNXLINT_ENOMEM;
        }
        onnxlint_status st = tensor_build(l, a->t, a->name ? a->name : "", &node->attribute_tensors[i]);
        if (st)
            return st;
    }
    return ONNXLINT_OK;
}

/* Checks that an attribute's declared type matches the field it fills. */
static void check_attribute_types(loader *l, const ol_node *node)
{
    char shown[NAME_BUF];
    for (size_t i = 0; i < node->n_attributes; i++) {
        const Onnx__AttributeProto *a = node->attributes[i];
        if (!a->has_type || a->ref_attr_name)
            continue;
        bool ok;
        switch (a->type) {
        case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT: ok = !a->n_floats && !a->n_ints && !a->has_i; break;
        case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT: ok = !a->n_floats && !a->n_ints && !a->has_f; break;
        case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRING: ok = !a->has_i && !a->has_f && !a->n_strings; break;
        case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__TENSOR: ok = a->t != NULL; break;
        case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__GRAPH: ok = a->g != NULL; break;
        case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__SPARSE_TENSOR: ok = a->sparse_tensor != NULL; break;
        case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__TYPE_PROTO: ok = a->tp != NULL; break;
        case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOATS: ok = !a->n_ints && !a->has_i && !a->has_f; break;
        case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS: ok = !a->n_floats && !a->has_i && !a->has_f; break;
        case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRINGS: ok = !a->has_s && !a->has_i && !a->has_f; break;
        default: ok = true; break;
        }
        if (!ok)
            ol_model_diagnostic(l->model, ONNXLINT_ERROR, "type-error", node,
                                "attribute '%s' of %s is declared %s but holds a value of another type",
                                esc(shown, a->name), node->op_type,
                                protobuf_c_enum_descriptor_get_value(
                                    &onnx__attribute_proto__attribute_type__descriptor, a->type)
                                    ? protobuf_c_enum_descriptor_get_value(
                                          &onnx__attribute_proto__attribute_type__descriptor, a->type)
                                          ->name
                                    : "?");
    }
}

/* Sorts g and reports a cycle (an error: the graph cannot run) or an order
 * that is not topological (a warning: ONNX requires it, runtimes may cope). */
static onnxlint_status graph_check_order(loader *l, ol_graph *g, const bool *settled)
{
    onnxlint_model *m = l->model;
    if (!ol_graph_sort(&m->arena, g, settled))
        return ONNXLINT_ENOMEM;
    if (g->sorted)
        return ONNXLINT_OK;
    char shown[NAME_BUF];
    if (g->n_cyclic) {
        bool *placed = ol_arena_calloc(&m->arena, g->n_nodes + 1, sizeof *placed);
        if (!placed)
            return ONNXLINT_ENOMEM;
        for (size_t i = 0; i < g->n_nodes - g->n_cyclic; i++)
            placed[g->order[i]->index] = true;
        const ol_node *first = NULL;
        for (size_t i = 0; i < g->n_nodes && !first; i++)
            first = placed[i] ? NULL : g->nodes[i];
        ol_model_diagnostic(m, ONNXLINT_ERROR, "cycle", first,
                            "%zu node(s) of graph '%s' depend on each other in a cycle, this one among them",
                            g->n_cyclic, esc(shown, g->name));
    } else {
        ol_model_diagnostic(m, ONNXLINT_WARNING, "not-topological", NULL,
                            "the nodes of graph '%s' are not in topological order (ONNX requires it)",
                            esc(shown, g->name));
    }
    return ONNXLINT_OK;
}

/* Before IR version 4 every initializer had to be listed as a graph input
 * too: such an input is the initializer itself, a constant of the
 * tensor's shape, not a value the caller feeds (ONNX Runtime treats it so).
 * It leaves the graph's inputs and takes the tensor's dims wherever the
 * declared input type left them open. */
static onnxlint_status ir3_initializers(loader *l, ol_arena *arena, ol_graph *g)
{
    size_t kept = 0;
    for (size_t i = 0; i < g->n_inputs; i++) {
        ol_value *v = g->inputs[i];
        if (!(v->flags & OL_VALUE_INITIALIZER) || !v->initializer || v->initializer->sparse) {
            g->inputs[kept++] = v;
            continue;
        }
        v->flags &= ~(unsigned)OL_VALUE_INPUT;
        const ol_tensor *t = v->initializer;
        if (v->type->kind != OL_TYPE_TENSOR)
            continue;
        if (v->type->shape.rank >= 0 && v->type->shape.rank != t->rank)
            continue;
        ol_type *type = own_type(l, v);
        ol_dim *dims = ol_arena_calloc(arena, t->rank ? (size_t)t->rank : 1, sizeof *dims);
        if (!type || !dims)
            return ONNXLINT_ENOMEM;
        if (type->shape.rank >= 0)
            memcpy(dims, type->shape.dims, (size_t)t->rank * sizeof *dims);
        type->shape.dims = dims;
        type->shape.rank = t->rank;
        for (int k = 0; k < t->rank; k++) {
            if (dims[k].kind != OL_DIM_VALUE) {
                dims[k].kind = OL_DIM_VALUE;
                dims[k].value = t->dims[k];
            }
        }
    }
    g->n_inputs = kept;
    return ONNXLINT_OK;
}

static onnxlint_status graph_build(loader *l, const Onnx__GraphProto *gp, const Onnx__FunctionProto *fp,
                                   ol_graph *parent, ol_node *owner, const char *owner_attribute, ol_graph **out)
{
    onnxlint_model *m = l->model;
    ol_arena *arena = &m->arena;
    char shown[NAME_BUF], shown2[NAME_BUF];
    onnxlint_status st;
    ol_graph *g = ol_arena_calloc(arena, 1, sizeof *g);
    if (!g)
        return ONNXLINT_ENOMEM;
    *out = g;
    m->n_graphs++;
    g->parent = parent;
    g->owner = owner;
    g->owner_attribute = owner_attribute;
    g->depth = parent ? parent->depth + 1 : 0;
    g->proto = gp;
    g->name = gp ? (gp->name ? gp->name : "") : fp->name;

    size_t n_in = gp ? gp->n_input : fp->n_input;
    size_t n_out = gp ? gp->n_output : fp->n_output;
    size_t n_init = gp ? gp->n_initializer + gp->n_sparse_initializer : 0;
    /* A graph's nodes were left in the file (ol_wire_decode_lazy) and are
     * decoded a batch at a time; a function's were decoded with the model. */
    const ol_wire_span *spans = NULL;
    size_t n_lazy = 0;
    bool lazy = gp && ol_wire_graph_nodes(l->lazy, &gp->base, &spans, &n_lazy);
    size_t n_nodes = lazy ? n_lazy : gp ? gp->n_node : fp->n_node;
    Onnx__NodeProto **node_protos = lazy ? NULL : gp ? gp->node : fp->node;
    /* The input names of the nodes phase 1 does not settle, for phase 2
     * (a lazily decoded node's NodeProto is gone by then); made at the
     * first such node. */
    char ***pending = NULL;
    g->inputs = ol_arena_calloc(arena, n_in + 1, sizeof *g->inputs);
    g->outputs = ol_arena_calloc(arena, n_out + 1, sizeof *g->outputs);
    g->initializers = ol_arena_calloc(arena, n_init + 1, sizeof *g->initializers);
    g->nodes = ol_arena_calloc(arena, n_nodes + 1, sizeof *g->nodes);
    if (!g->inputs || !g->outputs || !g->initializers || !g->nodes)
        return ONNXLINT_ENOMEM;
    /* What this scope defines, about: most nodes have one output, and
     * counting them would read every node once more. */
    size_t n_values = n_in + n_init + n_nodes + n_nodes / 4;
    if (!ol_map_reserve(&g->values, arena, n_values < OL_MAP_RESERVE_MAX ? n_values : OL_MAP_RESERVE_MAX))
        return ONNXLINT_ENOMEM;

    /* Phase 1: every name this scope defines. */
    for (size_t i = 0; i < n_in; i++) {
        const char *name = gp ? gp->input[i]->name : fp->input[i];
        if ((st = name_ok(l, name, "graph input", i)))
            return st;
        ol_value *v = value_define(l, g, name ? name : "");
        if (!v)
            return ONNXLINT_ENOMEM;
        if (v->flags & OL_VALUE_INPUT) {
            ol_model_diagnostic(m, ONNXLINT_ERROR, "duplicate-name", NULL, "graph '%s' lists input '%s' twice",
                                esc(shown, g->name), esc(shown2, v->name));
            m->names_redefined = true;
        }
        v->flags |= OL_VALUE_INPUT;
        if (gp && (st = declare_type(l, v, gp->input[i]->type)))
            return st;
        g->inputs[g->n_inputs++] = v;
    }
    for (size_t i = 0; gp && i < gp->n_initializer; i++) {
        const Onnx__TensorProto *tp = gp->initializer[i];
        ol_tensor *t;
        if ((st = name_ok(l, tp->name, "initializer", i)) || (st = tensor_build(l, tp, "", &t)))
            return st;
        ol_value *v = value_define(l, g, tp->name ? tp->name : "");
        if (!v)
            return ONNXLINT_ENOMEM;
        if (v->flags & OL_VALUE_INITIALIZER) {
            ol_model_diagnostic(m, ONNXLINT_ERROR, "duplicate-name", NULL, "initializer '%s' is defined twice",
                                esc(shown, v->name));
            m->names_redefined = true;
        }
        v->flags |= OL_VALUE_INITIALIZER;
        v->initializer = t;
        if (v->type->kind == OL_TYPE_NONE) {
            ol_type *type = own_type(l, v);
            ol_dim *dims = ol_arena_calloc(arena, t->rank ? (size_t)t->rank : 1, sizeof(ol_dim));
            if (!type || !dims)
                return ONNXLINT_ENOMEM;
            type->kind = OL_TYPE_TENSOR;
            type->elem_type = t->elem_type;
            type->shape.rank = t->rank;
            type->shape.dims = dims;
            for (int k = 0; k < t->rank; k++) {
                dims[k].kind = OL_DIM_VALUE;
                dims[k].value = t->dims[k];
            }
        }
        g->initializers[g->n_initializers++] = v;
    }
    for (size_t i = 0; gp && i < gp->n_sparse_initializer; i++) {
        const Onnx__SparseTensorProto *sp = gp->sparse_initializer[i];
        if (!sp->values || !sp->values->name)
            return set_error(l->err, ONNXLINT_EMALFORMED, m->path, "sparse initializer %zu of graph '%s' has no values",
                             i, esc(shown, g->name));
        ol_tensor *t;
        if ((st = tensor_build(l, sp->values, "", &t)) || (st = sparse_indices_check(l, sp)))
            return st;
        t->sparse = sp;
        ol_value *v = value_define(l, g, sp->values->name);
        if (!v)
            return ONNXLINT_ENOMEM;
        v->flags |= OL_VALUE_INITIALIZER;
        v->initializer = t;
        if (v->type->kind == OL_TYPE_NONE && sp->n_dims <= OL_MAX_RANK) {
            ol_type *type = own_type(l, v);
            ol_dim *dims = ol_arena_calloc(arena, sp->n_dims ? sp->n_dims : 1, sizeof(ol_dim));
            if (!type || !dims)
                return ONNXLINT_ENOMEM;
            type->kind = OL_TYPE_TENSOR;
            type->elem_type = t->elem_type;
            type->shape.rank = (int)sp->n_dims;
            type->shape.dims = dims;
            for (size_t k = 0; k < sp->n_dims; k++) {
                dims[k].kind = sp->dims[k] >= 0 ? OL_DIM_VALUE : OL_DIM_UNKNOWN;
                dims[k].value = sp->dims[k];
            }
        }
        g->initializers[g->n_initializers++] = v;
    }
    if (gp && m->proto && m->proto->has_ir_version && m->proto->ir_version < 4)
        if ((st = ir3_initializers(l, arena, g)))
            return st;
    bool redefined = false; /* some name of this scope is defined twice */
    /* In order, for the passes (zero-filled for free from a fresh chunk). */
    ol_node *node_block = ol_arena_calloc(arena, n_nodes + 1, sizeof *node_block);
    /* Per node: phase 1 found every input among the outputs of the nodes
     * just before (recent_output) and the node has no attributes, so phase
     * 2 need not read its NodeProto again (a cache miss per node on a large
     * graph) but only records it as its inputs' consumer. */
    bool *settled = ol_arena_calloc(arena, n_nodes + 1, sizeof *settled);
    if (!node_block || !settled)
        return ONNXLINT_ENOMEM;
    const Onnx__NodeProto *batch[OL_NODE_BATCH]; /* lazy: the nodes decoded, from batch_start */
    size_t longest[OL_NODE_BATCH];               /* and their longest strings */
    size_t batch_start = 0, batch_end = 0;
    for (size_t i = 0; i < n_nodes; i++) {
        if (lazy && i == batch_end) {
            ol_arena_reset(&l->shells);
            batch_start = i;
            batch_end = n_nodes - i < OL_NODE_BATCH ? n_nodes : i + OL_NODE_BATCH;
            for (size_t k = batch_start; k < batch_end; k++) {
                if ((st = lazy_node(l, &spans[k], &batch[k - batch_start], &longest[k - batch_start])))
                    return st;
                if (k < batch_start + OL_PREFETCH_NODES)
                    prefetch_outputs(l, g, batch[k - batch_start]->output, batch[k - batch_start]->n_output, k);
            }
        }
        const Onnx__NodeProto *np = lazy ? batch[i - batch_start] : node_protos[i];
        if ((st = node_names_ok(l, np, i, lazy ? longest[i - batch_start] : SIZE_MAX)))
            return st;
        if (i + OL_PREFETCH_NODES < (lazy ? batch_end : n_nodes)) {
            const Onnx__NodeProto *ahead =
                lazy ? batch[i + OL_PREFETCH_NODES - batch_start] : node_protos[i + OL_PREFETCH_NODES];
            prefetch_outputs(l, g, ahead->output, ahead->n_output, i + OL_PREFETCH_NODES);
        }
        ol_node *node = &node_block[i];
        node->attributes = np->attribute;
        node->n_attributes = (uint32_t)np->n_attribute;
        node->graph = g;
        node->index = i;
        node->name = np->name ? np->name : "";
        node->op_type = np->op_type ? np->op_type : "";
        node->domain = np->domain && strcmp(np->domain, "ai.onnx") != 0 ? np->domain : "";
        node->opset = opset_of(l, node->domain);
        if (m->n_functions) { /* a call of a model-local function? */
            char key[NAME_BUF * 2];
            snprintf(key, sizeof key, "%s\x1f%s", node->domain, node->op_type);
            node->function = ol_map_get(&m->function_map, key);
        }
        /* one block: the inputs, then the outputs (one slot when there are none) */
        size_t n_io = np->n_input + np->n_output;
        ol_value **io = ol_arena_calloc(arena, n_io ? n_io : 1, sizeof *io);
        if (!io)
            return ONNXLINT_ENOMEM;
        node->inputs = io;
        node->outputs = io + np->n_input;
        node->n_outputs = np->n_output;
        node->n_inputs = np->n_input;
        for (size_t k = 0; k < np->n_output; k++) {
            const char *name = np->output[k];
            if (!name || !name[0])
                continue;
            const ol_value *outside = defined_outside(g, name);
            if (outside) {
                /* SSA holds across scopes: a subgraph's node may not define
                 * a name an enclosing graph defines.  Its reads keep the
                 * enclosing value, as a redefinition's do in one scope. */
                char other[32];
                ol_model_diagnostic(m, ONNXLINT_ERROR, "duplicate-name", node,
                                    "output '%s' of %s is already defined in an enclosing graph (%s)", esc(shown, name),
                                    node->op_type,
                                    outside->producer
                                        ? esc(shown2, ol_node_display_name(outside->producer, other, sizeof other))
                                    : (outside->flags & OL_VALUE_INPUT) ? "a graph input"
                                                                        : "an initializer");
                m->names_redefined = true;
                ol_value *v = value_new(l, g, name);
                if (!v)
                    return ONNXLINT_ENOMEM;
                v->producer = node;
                v->producer_output = k;
                node->outputs[k] = v;
                redefined = true;
                continue;
            }
            ol_value *v = value_define_hashed(l, g, name, output_hash(l, name, i, k));
            if (!v)
                return ONNXLINT_ENOMEM;
            if (v->producer || (v->flags & (OL_VALUE_INPUT | OL_VALUE_INITIALIZER))) {
                m->names_redefined = true;
                char other[32];
                ol_model_diagnostic(m, ONNXLINT_ERROR, "duplicate-name", node,
                                    "output '%s' of %s is already defined (%s)", esc(shown, name), node->op_type,
                                    v->producer ? esc(shown2, ol_node_display_name(v->producer, other, sizeof other))
                                    : (v->flags & OL_VALUE_INPUT) ? "a graph input"
                                                                  : "an initializer");
                v = value_new(l, g, name);
                if (!v)
                    return ONNXLINT_ENOMEM;
                redefined = true;
            }
            v->producer = node;
            v->producer_output = k;
            node->outputs[k] = v;
        }
        settled[i] = !redefined && !np->n_attribute;
        for (size_t k = 0; settled[i] && k < np->n_input; k++) {
            const char *name = np->input[k];
            if (name && name[0])
                settled[i] = (node->inputs[k] = recent_output(g, i, name)) != NULL;
        }
        if (lazy && !settled[i] && np->n_input) {
            if (!pending && !(pending = ol_arena_calloc(l->tmp, n_nodes + 1, sizeof *pending)))
                return ONNXLINT_ENOMEM;
            pending[i] = ol_arena_alloc(l->tmp, np->n_input * sizeof *pending[i]);
            if (!pending[i])
                return ONNXLINT_ENOMEM;
            memcpy(pending[i], np->input, np->n_input * sizeof *pending[i]);
        }
        g->nodes[g->n_nodes++] = node;
        m->n_nodes++;
    }
    /* Declared types of intermediate values and outputs. */
    for (size_t i = 0; gp && i < gp->n_value_info; i++) {
        const Onnx__ValueInfoProto *vi = gp->value_info[i];
        ol_value *v = vi->name ? ol_map_get(&g->values, vi->name) : NULL;
        if (v && v->type->kind == OL_TYPE_NONE && (st = declare_type(l, v, vi->type)))
            return st;
    }

    /* Phase 2: what every node reads, then its subgraphs. */
    for (size_t i = 0; i < g->n_nodes; i++) {
        ol_node *node = g->nodes[i];
        if (settled[i]) { /* found in phase 1, before any name was defined twice: the table's values */
            for (size_t k = 0; k < node->n_inputs; k++) {
                if (node->inputs[k] && !add_consumer(l, node->inputs[k], node))
                    return ONNXLINT_ENOMEM;
            }
            continue;
        }
        /* an unsettled node with inputs has its pending names */
        char *const *inputs = lazy ? (pending ? pending[i] : NULL) : node_protos[i]->input;
        if (i + OL_PREFETCH_NODES < g->n_nodes && !settled[i + OL_PREFETCH_NODES] &&
            g->nodes[i + OL_PREFETCH_NODES]->n_inputs)
            prefetch_names(g, lazy ? pending[i + OL_PREFETCH_NODES] : node_protos[i + OL_PREFETCH_NODES]->input,
                           g->nodes[i + OL_PREFETCH_NODES]->n_inputs);
        for (size_t k = 0; k < node->n_inputs; k++) {
            const char *name = inputs[k];
            if (!name || !name[0])
                continue;
            bool undefined = false;
            ol_value *v = redefined ? NULL : recent_output(g, i, name);
            if (!v)
                v = value_use(l, g, name, &undefined);
            if (!v || !add_consumer(l, v, node))
                return ONNXLINT_ENOMEM;
            if (undefined)
                ol_model_diagnostic(m, ONNXLINT_ERROR, "undefined-value", node,
                                    "input '%s' of %s is not defined by any node, input or initializer",
                                    esc(shown, name), node->op_type);
            node->inputs[k] = v;
        }
        check_attribute_types(l, node);
        if ((st = node_tensors(l, node)) || (st = node_subgraphs(l, g, node)))
            return st;
    }
    for (size_t i = 0; i < n_out; i++) {
        const char *name = gp ? gp->output[i]->name : fp->output[i];
        if ((st = name_ok(l, name, "graph output", i)))
            return st;
        bool undefined;
        ol_value *v = value_use(l, g, name ? name : "", &undefined);
        if (!v)
            return ONNXLINT_ENOMEM;
        if (undefined)
            ol_model_diagnostic(m, ONNXLINT_ERROR, "undefined-value", NULL,
                                "output '%s' of graph '%s' is not produced by any node", esc(shown, v->name),
                                esc(shown2, g->name));
        v->flags |= OL_VALUE_OUTPUT;
        if (gp && gp->output[i]->type) {
            ol_type *declared = ol_arena_alloc(arena, sizeof *declared);
            if (!declared)
                return ONNXLINT_ENOMEM;
            if ((st = type_from_proto(l, gp->output[i]->type, declared, v->name)))
                return st;
            if (v->type->kind == OL_TYPE_NONE || !(v->flags & (OL_VALUE_INPUT | OL_VALUE_INITIALIZER)))
                v->type = declared;
        }
        g->outputs[g->n_outputs++] = v;
    }
    return graph_check_order(l, g, settled); /* a settled node reads only the nodes just before it */
}

/* ---- opsets and functions ---- */

static onnxlint_status opsets_build(loader *l, Onnx__OperatorSetIdProto **protos, size_t n, ol_opset **out,
                                    size_t *n_out)
{
    *out = ol_arena_calloc(&l->model->arena, n + 1, sizeof **out);
    if (!*out)
        return ONNXLINT_ENOMEM;
    *n_out = 0;
    for (size_t i = 0; i < n; i++) {
        const char *domain = protos[i]->domain ? protos[i]->domain : "";
        if (strcmp(domain, "ai.onnx") == 0)
            domain = "";
        (*out)[(*n_out)++] = (ol_opset){domain, protos[i]->has_version ? protos[i]->version : 0};
    }
    return ONNXLINT_OK;
}

static onnxlint_status functions_build(loader *l)
{
    onnxlint_model *m = l->model;
    const Onnx__ModelProto *mp = m->proto;
    char shown[NAME_BUF];
    m->functions = ol_arena_calloc(&m->arena, mp->n_functions + 1, sizeof *m->functions);
    if (!m->functions)
        return ONNXLINT_ENOMEM;
    /* Register every function before building bodies: bodies may call each
     * other. */
    for (size_t i = 0; i < mp->n_functions; i++) {
        const Onnx__FunctionProto *fp = mp->functions[i];
        ol_function *f = ol_arena_calloc(&m->arena, 1, sizeof *f);
        if (!f)
            return ONNXLINT_ENOMEM;
        f->proto = fp;
        f->domain = fp->domain ? fp->domain : "";
        f->name = fp->name ? fp->name : "";
        char *key = ol_arena_printf(&m->arena, "%s\x1f%s", f->domain, f->name);
        if (!key)
            return ONNXLINT_ENOMEM;
        void *had = ol_map_put(&m->function_map, &m->arena, key, f);
        if (!had)
            return ONNXLINT_ENOMEM;
        if (had != f)
            ol_model_diagnostic(m, ONNXLINT_ERROR, "duplicate-name", NULL, "function '%s' is defined twice",
                                esc(shown, f->name));
        m->functions[m->n_functions++] = f;
    }
    for (size_t i = 0; i < m->n_functions; i++) {
        ol_function *f = m->functions[i];
        const Onnx__FunctionProto *fp = f->proto;
        onnxlint_status st;
        ol_opset *opsets = NULL;
        size_t n_opsets = 0;
        if (fp->n_opset_import) {
            if ((st = opsets_build(l, fp->opset_import, fp->n_opset_import, &opsets, &n_opsets)))
                return st;
            l->opsets = opsets;
            l->n_opsets = n_opsets;
        } else {
            l->opsets = m->opsets;
            l->n_opsets = m->n_opsets;
        }
        if ((st = graph_build(l, NULL, fp, NULL, NULL, NULL, &f->body)))
            return st;
        f->body->function = f;
    }
    l->opsets = m->opsets;
    l->n_opsets = m->n_opsets;
    return ONNXLINT_OK;
}

/* ---- the file ---- */

static bool looks_like_text(const uint8_t *data, size_t len)
{
    size_t n = len < 256 ? len : 256;
    for (size_t i = 0; i < n; i++) {
        uint8_t c = data[i];
        if (c < 0x09 || (c > 0x0d && c < 0x20) || c == 0x7f)
            return false;
    }
    return true;
}

/* Explains why bytes that failed as a ModelProto are not one. */
static onnxlint_status explain_not_model(onnxlint_model *m, onnxlint_error *err, const char *why)
{
    static const char lfs[] = "version https://git-lfs";
    if (m->map_len >= sizeof lfs - 1 && memcmp(m->map, lfs, sizeof lfs - 1) == 0)
        return set_error(err, ONNXLINT_EMALFORMED, m->path,
                         "a Git LFS pointer, not the model: run 'git lfs pull' to fetch the real file");
    if (looks_like_text(m->map, m->map_len))
        return set_error(err, ONNXLINT_EMALFORMED, m->path,
                         "text, not a binary ONNX model (a protobuf ModelProto, usually saved by onnx.save "
                         "or torch.onnx.export)");
    if (ol_wire_is_message(m->map, m->map_len, &onnx__tensor_proto__descriptor))
        return set_error(err, ONNXLINT_EMALFORMED, m->path,
                         "a serialized TensorProto (test data such as input_0.pb), not a model");
    if (strncmp(why, "truncated", 9) == 0)
        return set_error(err, ONNXLINT_EMALFORMED, m->path,
                         "the file is cut short (an interrupted download or copy?): %s", why);
    return set_error(err, ONNXLINT_EMALFORMED, m->path, "not an ONNX model: %s", why);
}

/* The structure of a model file is read into an anonymous mapping as
 * large as the file, at the same offsets, so the decoder walks it as it
 * would walk the file; the bytes of tensor payloads are skipped and their
 * pages never touched, so they cost neither reads nor memory.  The file
 * itself is never mapped: a file cut short while it is read gives a short
 * read and an error, not SIGBUS. */

/* Bytes read ahead of what the walk needs, at first and at most: after a
 * skipped payload the window starts small again (the next tensor's header
 * is a few bytes before its own payload), and doubles while nothing is
 * skipped (a graph of many nodes is read in large pieces). */
#define READ_WINDOW_MIN ((size_t)4 << 10)
#define READ_WINDOW_MAX ((size_t)1 << 20)

typedef struct structure_reader {
    int fd;
    uint8_t *buf;     /* the anonymous mapping, file offsets */
    size_t len;       /* the file's size */
    size_t loaded;    /* bytes before this are read, or skipped payloads */
    size_t window;
    bool io_failed;
    int io_errno;
} structure_reader;

/* Files up to this size are read whole: walking their structure to skip
 * payloads costs more than the few megabytes it could leave unread (a
 * 50,000-node graph's 1.6 MB file: a sixth of its loading instructions),
 * and the bytes are released once the graph is built. */
#define READ_WHOLE_MAX ((size_t)4 << 20)

/* Makes buf[pos..pos+n) (clipped to the file) hold the file's bytes. */
static bool ensure(structure_reader *r, size_t pos, size_t n)
{
    size_t need = n > r->len - pos ? r->len : pos + n;
    if (need <= r->loaded)
        return !r->io_failed;
    size_t start = pos > r->loaded ? pos : r->loaded;
    size_t end = need - start < r->window ? start + r->window : need;
    if (end > r->len)
        end = r->len;
    while (start < end) {
        ssize_t got = pread(r->fd, r->buf + start, end - start, (off_t)start);
        if (got <= 0) { /* the file shrank, or an I/O error */
            r->io_failed = true;
            r->io_errno = got < 0 ? errno : 0;
            return false;
        }
        start += (size_t)got;
    }
    r->loaded = end;
    if (r->window < READ_WINDOW_MAX)
        r->window *= 2;
    return true;
}

static bool read_varint(structure_reader *r, size_t end, size_t *pos, uint64_t *v)
{
    return ensure(r, *pos, 10) && ol_wire_varint(r->buf, end, pos, v);
}

/* Payload fields whose bytes the decoder never reads: raw_data, packed
 * float_data and double_data (their element count is their length), the
 * contents of string_data.  Packed varint fields are counted element by
 * element, so they are read. */
static bool skipped_payload(const ProtobufCMessageDescriptor *desc, uint32_t number)
{
    return desc == &onnx__tensor_proto__descriptor && (number == 9 || number == 4 || number == 10 || number == 6);
}

/* Reads the message of type desc in [begin, end) but its skipped payloads.
 * Anything the walk does not understand (bad tags, lengths past the end,
 * groups, too deep) is read in full from there to end: the decoder then
 * finds and explains the defect. */
static void read_structure(structure_reader *r, const ProtobufCMessageDescriptor *desc, size_t begin, size_t end,
                           int depth)
{
    size_t pos = begin;
    while (pos < end && !r->io_failed) {
        uint64_t tag, len;
        if (depth > OL_MAX_MESSAGE_DEPTH || !read_varint(r, end, &pos, &tag))
            goto rest;
        uint32_t number = (uint32_t)(tag >> 3);
        switch (tag & 7) {
        case 0:
            if (!read_varint(r, end, &pos, &len))
                goto rest;
            continue;
        case 1:
        case 5: {
            size_t n = (tag & 7) == 1 ? 8 : 4;
            if (end - pos < n || !ensure(r, pos, n))
                goto rest;
            pos += n;
            continue;
        }
        case 2:
            if (!read_varint(r, end, &pos, &len) || len > end - pos)
                goto rest;
            break;
        default:
            goto rest;
        }
        /* ONNX numbers most fields 1..n in order, as the tables keep them. */
        const ProtobufCFieldDescriptor *fd = number && number <= desc->n_fields && desc->fields[number - 1].id == number
                                                 ? &desc->fields[number - 1]
                                                 : protobuf_c_message_descriptor_get_field(desc, number);
        if (skipped_payload(desc, number)) {
            r->window = READ_WINDOW_MIN; /* ensure() starts after it: nothing of it is read */
        } else if (fd && fd->type == PROTOBUF_C_TYPE_MESSAGE) {
            read_structure(r, fd->descriptor, pos, pos + (size_t)len, depth + 1);
        } else if (!ensure(r, pos, (size_t)len)) {
            return;
        }
        pos += (size_t)len;
    }
    return;
rest:
    ensure(r, pos, end - pos);
}

static onnxlint_status read_file(onnxlint_model *m, onnxlint_error *err)
{
    int fd = open(m->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK); /* a FIFO must not block: fstat refuses it */
    if (fd < 0)
        return set_error(err, ONNXLINT_EIO, m->path, "cannot open: %s", strerror(errno));
    struct stat st;
    onnxlint_status status = ONNXLINT_OK;
    if (fstat(fd, &st) != 0) {
        status = set_error(err, ONNXLINT_EIO, m->path, "cannot stat: %s", strerror(errno));
    } else if (S_ISDIR(st.st_mode)) {
        status = set_error(err, ONNXLINT_EIO, m->path, "is a directory, not a model file");
    } else if (!S_ISREG(st.st_mode)) {
        status = set_error(err, ONNXLINT_EIO, m->path, "not a regular file");
    } else if (st.st_size == 0) {
        status = set_error(err, ONNXLINT_EMALFORMED, m->path, "empty file (0 bytes), not an ONNX model");
    } else if ((uint64_t)st.st_size > SIZE_MAX) {
        status = set_error(err, ONNXLINT_ELIMIT, m->path, "too large to read");
    } else {
        /* Untouched pages of an anonymous mapping cost no memory. */
        void *p = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                       -1, 0);
        if (p == MAP_FAILED) {
            status = set_error(err, ONNXLINT_EIO, m->path, "cannot reserve %lld bytes of address space: %s",
                               (long long)st.st_size, strerror(errno));
        } else {
            m->map = p;
            m->map_len = (size_t)st.st_size;
            structure_reader r = {.fd = fd, .buf = p, .len = m->map_len, .window = READ_WINDOW_MIN};
            if (r.len <= READ_WHOLE_MAX) {
                ensure(&r, 0, r.len);
            } else {
                read_structure(&r, &onnx__model_proto__descriptor, 0, r.len, 1);
                m->map_partial = true;
            }
            if (r.io_failed)
                status = set_error(err, ONNXLINT_EIO, m->path, "cannot read: %s",
                                   r.io_errno ? strerror(r.io_errno) : "the file is shorter than when it was opened");
        }
    }
    close(fd);
    return status;
}

/* The mapping read_file made, once the decoder is done with it. */
static void release_structure(onnxlint_model *m)
{
    if (m->map && !m->map_borrowed)
        munmap((void *)m->map, m->map_len);
    m->map = NULL;
}

bool ol_model_read(const onnxlint_model *m, uint64_t offset, size_t len, void *dst)
{
    if (offset > m->map_len || len > m->map_len - offset)
        return false;
    if (m->map && !m->map_partial) {
        memcpy(dst, m->map + offset, len);
        return true;
    }
    int fd = open(m->path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    size_t done = 0;
    while (done < len) {
        ssize_t got = pread(fd, (char *)dst + done, len - done, (off_t)(offset + done));
        if (got <= 0)
            break;
        done += (size_t)got;
    }
    close(fd);
    return done == len;
}

static onnxlint_status model_dir(onnxlint_model *m, const char *path, onnxlint_error *err)
{
    const char *slash = strrchr(path, '/');
    char *dir = slash ? ol_arena_strndup(&m->arena, path, slash == path ? 1 : (size_t)(slash - path))
                      : ol_arena_strndup(&m->arena, ".", 1);
    if (!dir)
        return ONNXLINT_ENOMEM;
    char resolved[PATH_MAX];
    if (!realpath(dir, resolved))
        return set_error(err, ONNXLINT_EIO, path, "cannot resolve the model's folder: %s", strerror(errno));
    m->dir = ol_arena_strndup(&m->arena, resolved, strlen(resolved));
    return m->dir ? ONNXLINT_OK : ONNXLINT_ENOMEM;
}

static void check_versions(onnxlint_model *m)
{
    const Onnx__ModelProto *mp = m->proto;
    char shown[NAME_BUF];
    if (mp->has_ir_version && mp->ir_version > OL_KNOWN_IR_VERSION)
        ol_model_diagnostic(m, ONNXLINT_WARNING, "opset",
                            NULL, "IR version %lld is newer than the newest known (%d): fields added since are ignored",
                            (long long)mp->ir_version, OL_KNOWN_IR_VERSION);
    if (m->n_opsets == 0)
        ol_model_diagnostic(m, ONNXLINT_ERROR, "opset", NULL,
                            "the model imports no opset at all: ONNX Runtime refuses it (Missing opset in the model. "
                            "All ModelProtos MUST have at least one entry that specifies which version of the ONNX "
                            "OperatorSet is being imported.)");
    for (size_t i = 0; i < m->n_opsets; i++) {
        const ol_opset *o = &m->opsets[i];
        int64_t known = o->domain[0] == '\0'                ? OL_KNOWN_ONNX_OPSET
                        : strcmp(o->domain, "ai.onnx.ml") == 0 ? OL_KNOWN_ML_OPSET
                                                                : INT64_MAX;
        /* ai.onnx.ml versions come years apart: one far past the newest
         * does not exist, and ONNX Runtime refuses opsets past the released
         * ones. A newer ai.onnx may simply be newer than onnxlint. */
        if (o->version > known && strcmp(o->domain, "ai.onnx.ml") == 0)
            ol_model_diagnostic(m, ONNXLINT_ERROR, "opset", NULL,
                                "opset %lld of domain 'ai.onnx.ml' does not exist (the newest is %lld): ONNX Runtime "
                                "refuses the model",
                                (long long)o->version, (long long)known);
        else if (o->version > known)
            ol_model_diagnostic(m, ONNXLINT_WARNING, "opset", NULL,
                                "opset %lld of domain '%s' is newer than the newest known (%lld)",
                                (long long)o->version, o->domain[0] ? esc(shown, o->domain) : "ai.onnx",
                                (long long)known);
    }
}

/* Loads from a file (data NULL: mapped) or from a caller's buffer. */
static onnxlint_status load(const char *path, const void *data, size_t len, const onnxlint_load_options *options,
                            onnxlint_model **out, onnxlint_error *err)
{
    onnxlint_error local_err;
    if (!err)
        err = &local_err;
    err->status = ONNXLINT_OK;
    err->message[0] = '\0';
    if (!out || !path)
        return set_error(err, ONNXLINT_EINVAL, path ? path : "(null)", "invalid argument");
    *out = NULL;
    const onnxlint_allocator *allocator = options && options->allocator ? options->allocator : NULL;

    /* The model struct itself lives in its own arena. */
    ol_arena boot;
    ol_arena_init(&boot, allocator, OL_MAX_MODEL_MEMORY);
    onnxlint_model *m = ol_arena_calloc(&boot, 1, sizeof *m);
    if (!m) {
        ol_arena_destroy(&boot);
        return set_error(err, ONNXLINT_ENOMEM, path, "out of memory");
    }
    m->arena = boot;
    ol_exprs_init(&m->exprs, &m->arena);
    if (options) {
        m->on_diagnostic = options->on_diagnostic;
        m->diagnostic_ctx = options->diagnostic_ctx;
    }
    ol_arena tmp;
    ol_arena_init(&tmp, allocator, OL_MAX_MODEL_MEMORY);
    onnxlint_status st;
    loader l = {.model = m, .err = err, .tmp = &tmp};
    ol_arena_init(&l.shells, allocator, OL_MAX_MODEL_MEMORY);

    m->path = ol_arena_strndup(&m->arena, path, strlen(path));
    if (!m->path) {
        st = ONNXLINT_ENOMEM;
        goto fail;
    }
    if (data) {
        m->map = data;
        m->map_len = len;
        m->map_borrowed = true; /* no folder: external data is refused */
        if (!len) {
            st = set_error(err, ONNXLINT_EMALFORMED, path, "empty buffer (0 bytes), not an ONNX model");
            goto fail;
        }
    } else if ((st = read_file(m, err)) || (st = model_dir(m, path, err))) {
        goto fail;
    }

    char why[512];
    ol_wire_result wire;
    st = ol_wire_decode_lazy(m->map, m->map_len, &m->arena, &tmp, &wire, &l.lazy, why, sizeof why);
    if (st == ONNXLINT_EMALFORMED) {
        st = explain_not_model(m, err, why);
        goto fail;
    } else if (st) {
        set_error(err, st, path, "%s", why);
        goto fail;
    }
    m->payloads = wire.payloads;
    m->n_payloads = wire.n_payloads;
    m->proto = (Onnx__ModelProto *)wire.message;
    if (!m->proto->graph) {
        if (ol_wire_is_message(m->map, m->map_len, &onnx__tensor_proto__descriptor) && m->map[0] != 0x08) {
            st = explain_not_model(m, err, "");
            goto fail;
        }
        st = set_error(err, ONNXLINT_EMALFORMED, path, "not an ONNX model: it has no graph (ModelProto.graph)");
        goto fail;
    }
    const ol_wire_span *main_nodes;
    size_t n_main = 0;
    if (ol_wire_graph_nodes(l.lazy, &m->proto->graph->base, &main_nodes, &n_main) && n_main >= OL_LARGE_GRAPH_NODES)
        m->arena.first_chunk = OL_LARGE_GRAPH_CHUNK; /* the IR will need several: huge pages from the first */
    if ((st = opsets_build(&l, m->proto->opset_import, m->proto->n_opset_import, &m->opsets, &m->n_opsets)))
        goto fail;
    l.opsets = m->opsets;
    l.n_opsets = m->n_opsets;
    check_versions(m);
    if ((st = functions_build(&l)))
        goto fail;
    if ((st = graph_build(&l, m->proto->graph, NULL, NULL, NULL, NULL, &m->graph)))
        goto fail;
    /* Every node is built: the file's structure, the node spans and the
     * last NodeProtos go (strings were copied, payloads are read from the
     * file). */
    ol_arena_destroy(&tmp);
    ol_arena_destroy(&l.shells);
    if (!m->map_borrowed)
        release_structure(m);
    if (m->arena.failed) {
        st = ONNXLINT_ENOMEM;
        goto fail;
    }
    *out = m;
    return ONNXLINT_OK;

fail:
    if (st == ONNXLINT_ENOMEM || m->arena.failed || tmp.failed || l.shells.failed) {
        st = ONNXLINT_ENOMEM;
        set_error(err, st, path, "out of memory (or over OL_MAX_MODEL_MEMORY) while loading");
    }
    ol_arena_destroy(&tmp);
    ol_arena_destroy(&l.shells);
    onnxlint_model_free(m);
    return st;
}

onnxlint_status onnxlint_model_load(const char *path, const onnxlint_load_options *options, onnxlint_model **out,
                                    onnxlint_error *err)
{
    return load(path, NULL, 0, options, out, err);
}

onnxlint_status onnxlint_model_load_buffer(const char *name, const void *data, size_t len,
                                           const onnxlint_load_options *options, onnxlint_model **out,
                                           onnxlint_error *err)
{
    if (!data && len)
        return set_error(err, ONNXLINT_EINVAL, name ? name : "(buffer)", "invalid argument");
    static const uint8_t nothing[1];
    return load(name ? name : "(buffer)", data ? data : nothing, len, options, out, err);
}

void onnxlint_model_free(onnxlint_model *model)
{
    if (!model)
        return;
    release_structure(model);
    ol_arena arena = model->arena; /* the model lives inside it */
    ol_arena_destroy(&arena);
}

const char *onnxlint_model_external_dir(const onnxlint_model *model)
{
    return model && model->n_external ? model->dir : NULL;
}

size_t onnxlint_model_diagnostic_count(const onnxlint_model *model, onnxlint_severity severity)
{
    if (!model || severity > ONNXLINT_ERROR)
        return 0;
    return model->diagnostics[severity];
}

const char *onnxlint_status_name(onnxlint_status status)
{
    switch (status) {
    case ONNXLINT_OK: return "ok";
    case ONNXLINT_ENOMEM: return "out of memory";
    case ONNXLINT_EIO: return "input/output error";
    case ONNXLINT_EMALFORMED: return "malformed model";
    case ONNXLINT_EUNSAFE: return "unsafe external data";
    case ONNXLINT_ELIMIT: return "limit exceeded";
    case ONNXLINT_EINVAL: return "invalid argument";
    case ONNXLINT_EWRITE: return "write error";
    case ONNXLINT_EEVAL: return "evaluation failed";
    }
    return "unknown status";
}
