/*
 * eval.c - the evaluator's driver and the kernel context (see eval.h).
 *
 * A run walks each graph in its dependency order (graph->order), binds
 * every value's runtime slot (ol_value.runtime), and calls the node's
 * kernel.  Initializers are read in full from the file when the run first
 * needs them (this is where large weights are read, and only then).
 * Subgraphs (If, Loop, Scan) are run by their kernels through
 * ol_k_run_subgraph.
 */
#include "eval/eval.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "infer/check.h"
#include "load/wire.h"
#include "util/text.h"

/* Most nested subgraph runs (a Loop in an If in a Scan...). */
#define OL_MAX_EVAL_DEPTH 32

void ol_eval_init(ol_eval *e, onnxlint_model *model, const ol_eval_options *options)
{
    memset(e, 0, sizeof *e);
    e->model = model;
    size_t budget = options && options->memory_budget ? options->memory_budget : OL_MAX_EVAL_MEMORY;
    ol_arena_init(&e->arena, &model->arena.allocator, budget);
    e->max_iterations = options ? options->max_iterations : 0;
}

void ol_eval_destroy(ol_eval *e)
{
    ol_arena_destroy(&e->arena);
}

/* ---- kernel context ---- */

bool ol_k_fail(ol_kctx *k, const char *fmt, ...)
{
    if (k->error && k->error_len && !k->error[0]) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(k->error, k->error_len, fmt, ap);
        va_end(ap);
    }
    return false;
}

void *ol_k_alloc(ol_kctx *k, size_t size)
{
    void *p = ol_arena_alloc(k->arena, size);
    if (!p) {
        k->eval->gave_up = true;
        ol_k_fail(k, "needs more than the evaluator's memory budget");
    }
    return p;
}

ol_array *ol_k_array(ol_kctx *k, int32_t elem_type, int rank, const int64_t *dims)
{
    size_t size = ol_elem_size(elem_type);
    if (!size) {
        ol_k_fail(k, "element type %s is not supported by the evaluator",
                  ol_elem_type_name(elem_type) ? ol_elem_type_name(elem_type) : "?");
        return NULL;
    }
    if (rank < 0 || rank > OL_MAX_RANK) {
        ol_k_fail(k, "rank %d is out of range", rank);
        return NULL;
    }
    uint64_t count = 1;
    for (int i = 0; i < rank; i++) {
        if (dims[i] < 0 || (dims[i] && count > OL_MAX_EVAL_ELEMENTS / (uint64_t)dims[i])) {
            ol_k_fail(k, "a tensor of dim %lld is too large for the evaluator", (long long)dims[i]);
            return NULL;
        }
        count *= (uint64_t)dims[i];
    }
    ol_array *a = ol_k_alloc(k, sizeof *a);
    int64_t *d = a ? ol_k_alloc(k, (size_t)(rank ? rank : 1) * sizeof *d) : NULL;
    if (!d)
        return NULL;
    if (rank)
        memcpy(d, dims, (size_t)rank * sizeof *d);
    a->elem_type = elem_type;
    a->rank = rank;
    a->dims = d;
    a->count = (size_t)count;
    a->data = NULL;
    if (count) {
        a->data = ol_k_alloc(k, (size_t)count * size);
        if (!a->data)
            return NULL;
        memset(a->data, 0, (size_t)count * size);
    }
    return a;
}

ol_rvalue *ol_k_tensor_value(ol_kctx *k, ol_array *a)
{
    ol_rvalue *v = ol_k_alloc(k, sizeof *v);
    if (!v)
        return NULL;
    memset(v, 0, sizeof *v);
    v->kind = OL_RV_TENSOR;
    v->tensor = a;
    v->elem_type = a ? a->elem_type : 0;
    return v;
}

ol_array *ol_k_out(ol_kctx *k, size_t i, int32_t elem_type, int rank, const int64_t *dims)
{
    ol_array *a = ol_k_array(k, elem_type, rank, dims);
    if (!a)
        return NULL;
    ol_rvalue *v = ol_k_tensor_value(k, a);
    if (!v)
        return NULL;
    ol_k_out_value(k, i, v);
    return a;
}

void ol_k_out_value(ol_kctx *k, size_t i, ol_rvalue *value)
{
    if (i < k->n_outputs)
        k->outputs[i] = value;
}

const ol_rvalue *ol_k_in_value(const ol_kctx *k, size_t i)
{
    return i < k->n_inputs ? k->inputs[i] : NULL;
}

const ol_array *ol_k_in(const ol_kctx *k, size_t i)
{
    const ol_rvalue *v = ol_k_in_value(k, i);
    return v && v->kind == OL_RV_TENSOR ? v->tensor : NULL;
}

const char *ol_k_shape(ol_kctx *k, const ol_array *a)
{
    char buf[512];
    size_t n = 0;
    if (!a)
        return "(none)";
    n += (size_t)snprintf(buf, sizeof buf, "(");
    for (int i = 0; i < a->rank && n < sizeof buf - 32; i++)
        n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%lld", i ? "," : "", (long long)a->dims[i]);
    snprintf(buf + n, sizeof buf - n, ")");
    char *s = ol_arena_strndup(k->arena, buf, strlen(buf));
    return s ? s : "(?)";
}

/* ---- reading initializers ---- */

/* Decodes typed field `field` of a TensorProto's bytes into a (count
 * elements of a->elem_type). */
static bool read_typed(const uint8_t *msg, size_t len, uint32_t field, ol_array *a)
{
    size_t pos = 0, i = 0;
    bool complex = a->elem_type == 14 || a->elem_type == 15;
    size_t want = complex ? a->count * 2 : a->count;
    while (pos < len) {
        uint64_t tag, v;
        if (!ol_wire_varint(msg, len, &pos, &tag))
            return false;
        unsigned wt = tag & 7;
        bool ours = (tag >> 3) == field;
        size_t end;
        if (wt == 2) {
            if (!ol_wire_varint(msg, len, &pos, &v) || v > len - pos)
                return false;
            end = pos + (size_t)v;
            if (!ours) {
                pos = end;
                continue;
            }
            if (field == 6) { /* string_data: one element per field */
                if (i < a->count)
                    ((ol_string *)a->data)[i++] = (ol_string){(const char *)msg + pos, (size_t)v};
                pos = end;
                continue;
            }
        } else if (wt == 0 || wt == 1 || wt == 5) {
            end = pos + (wt == 1 ? 8 : wt == 5 ? 4 : 0);
            if (!ours) {
                if (wt == 0 && !ol_wire_varint(msg, len, &pos, &v))
                    return false;
                if (wt != 0)
                    pos = end;
                continue;
            }
            if (wt != 0 && end > len)
                return false;
        } else {
            return false;
        }
        /* packed (wt 2) or a single element (wt 0/1/5) of our field */
        size_t stop = wt == 2 ? end : len;
        do {
            uint64_t bits = 0;
            if (field == 4) { /* float_data: fixed32 */
                uint32_t b;
                if (stop - pos < 4)
                    return false;
                memcpy(&b, msg + pos, 4);
                bits = b;
                pos += 4;
            } else if (field == 10) { /* double_data: fixed64 */
                if (stop - pos < 8)
                    return false;
                memcpy(&bits, msg + pos, 8);
                pos += 8;
            } else if (!ol_wire_varint(msg, stop, &pos, &bits)) { /* int32/int64/uint64_data */
                return false;
            }
            if (i < want) {
                size_t idx = i++;
                if (field == 4) { /* float, complex64 parts */
                    float f;
                    uint32_t b = (uint32_t)bits;
                    memcpy(&f, &b, 4);
                    ((float *)a->data)[idx] = f;
                } else if (field == 10) { /* double, complex128 parts */
                    double d;
                    memcpy(&d, &bits, 8);
                    ((double *)a->data)[idx] = d;
                } else if (field == 5 && (a->elem_type == 10 || a->elem_type == 16)) {
                    ((uint16_t *)a->data)[idx] = (uint16_t)bits; /* half kinds: their bits */
                } else if (field == 5 && a->elem_type >= 17) {
                    ((uint8_t *)a->data)[idx] = (uint8_t)bits; /* float8 kinds: their bits */
                } else if (field == 5) {
                    ol_array_set_i64(a, idx, (int32_t)(uint32_t)bits);
                } else {
                    ol_array_set_i64(a, idx, (int64_t)bits);
                }
            }
        } while (wt == 2 && pos < stop);
        if (wt == 2)
            pos = end;
    }
    return i == want;
}

ol_array *ol_eval_read_tensor(ol_eval *e, const ol_tensor *t)
{
    char err[256] = "";
    ol_kctx k = {.eval = e, .arena = &e->arena, .error = err, .error_len = sizeof err};
    onnxlint_model *m = e->model;
    ol_array *a = ol_k_array(&k, t->elem_type, t->rank, t->dims);
    if (!a) {
        snprintf(e->error, sizeof e->error, "initializer '%.100s': %s", t->name, err);
        return NULL;
    }
    size_t size = ol_elem_size(t->elem_type);
    size_t bytes = a->count * size;
    if (t->external_path) {
        if (t->elem_type == 8 || t->external_length < bytes)
            return NULL;
        int fd = open(t->external_path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
        if (fd < 0) {
            snprintf(e->error, sizeof e->error, "cannot open the external data of '%.100s'", t->name);
            return NULL;
        }
        size_t done = 0;
        while (done < bytes) {
            ssize_t got = pread(fd, (char *)a->data + done, bytes - done, (off_t)(t->external_offset + done));
            if (got <= 0)
                break;
            done += (size_t)got;
        }
        close(fd);
        return done == bytes ? a : NULL;
    }
    const ol_payload *p = t->payload;
    if (a->count == 0)
        return a;
    if (!p)
        return NULL;
    if (p->raw_offset != OL_NO_OFFSET) {
        if (t->elem_type == 8 || p->raw_length < bytes)
            return NULL;
        if (!ol_model_read(m, p->raw_offset, bytes, a->data)) {
            snprintf(e->error, sizeof e->error, "cannot read the data of '%.100s' from the model file", t->name);
            return NULL;
        }
        return a;
    }
    if (!p->typed_field)
        return NULL;
    /* The TensorProto's bytes, in scratch space freed right after; strings
     * point into them, so theirs stay with the run. */
    ol_arena scratch;
    ol_arena_init(&scratch, &m->arena.allocator, p->message_length + ((size_t)1 << 20));
    ol_arena *keep = t->elem_type == 8 ? &e->arena : &scratch;
    uint8_t *msg = ol_arena_alloc_bytes(keep, p->message_length + 1);
    bool ok = msg && ol_model_read(m, p->message_offset, p->message_length, msg) &&
              read_typed(msg, p->message_length, p->typed_field, a);
    ol_arena_destroy(&scratch);
    return ok ? a : NULL;
}

/* ---- running graphs ---- */

static bool run_graph(ol_eval *e, const ol_graph *g);

static ol_rvalue *value_of(const ol_value *v)
{
    while (v && !v->runtime && (v->flags & OL_VALUE_OUTER) && v->outer)
        v = v->outer;
    return v ? v->runtime : NULL;
}

ol_rvalue *ol_eval_value(const ol_eval *e, const ol_value *v)
{
    (void)e;
    return value_of(v);
}

/* A TensorProto of a sparse tensor read in full: the loader left its
 * data in the file (load/wire.h) and marked where it lies, as for any tensor. */
static ol_array *sparse_part(ol_kctx *k, const Onnx__TensorProto *tp, const char *what)
{
    const onnxlint_model *m = k->eval->model;
    ol_tensor t;
    memset(&t, 0, sizeof t);
    if (!tp || tp->n_dims > OL_MAX_RANK || !ol_dims_count(tp->dims, tp->n_dims, &t.count) ||
        (tp->has_data_location && tp->data_location == ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL)) {
        ol_k_fail(k, "the sparse tensor's %s cannot be read", what);
        return NULL;
    }
    t.name = what;
    t.elem_type = tp->data_type;
    t.rank = (int)tp->n_dims;
    t.dims = tp->dims;
    t.proto = tp;
    t.payload = ol_wire_payload_of(&tp->base, m->payloads, m->n_payloads);
    ol_array *a = ol_eval_read_tensor(k->eval, &t);
    if (!a)
        ol_k_fail(k, "the sparse tensor's %s cannot be read", what);
    return a;
}

ol_array *ol_k_attr_tensor(ol_kctx *k, const char *name)
{
    const ol_node *node = k->node;
    const ol_tensor *t = NULL;
    for (size_t i = 0; node->attribute_tensors && i < node->n_attributes; i++) {
        const char *a = node->attributes[i]->name;
        if (a && strcmp(a, name) == 0) {
            t = node->attribute_tensors[i];
            break;
        }
    }
    if (!t) {
        ol_k_fail(k, "attribute %s holds no tensor", name);
        return NULL;
    }
    ol_array *a = ol_eval_read_tensor(k->eval, t);
    if (!a)
        ol_k_fail(k, "cannot read the tensor of attribute %s", name);
    return a;
}

ol_array *ol_k_sparse_dense(ol_kctx *k, const Onnx__SparseTensorProto *sp)
{
    ol_array *values = sp ? sparse_part(k, sp->values, "values") : NULL;
    ol_array *indices = values ? sparse_part(k, sp->indices, "indices") : NULL;
    if (!indices)
        return NULL;
    size_t nnz = values->count, size;
    int rank = (int)sp->n_dims;
    if (sp->n_dims > OL_MAX_RANK || values->rank != 1 || indices->elem_type != ONNX__TENSOR_PROTO__DATA_TYPE__INT64 ||
        !(indices->rank == 1 || (indices->rank == 2 && indices->dims[1] == rank)) || indices->dims[0] != (int64_t)nnz)
        return ol_k_fail(k, "sparse tensor: values %s and indices %s do not fit %zu dims", ol_k_shape(k, values),
                         ol_k_shape(k, indices), sp->n_dims),
               NULL;
    size = ol_elem_size(values->elem_type);
    if (!size)
        return ol_k_fail(k, "sparse tensor: element type %d is not supported by the evaluator", values->elem_type),
               NULL;
    ol_array *y = ol_k_array(k, values->elem_type, rank, sp->dims);
    if (!y)
        return NULL;
    const int64_t *ind = indices->data;
    for (size_t j = 0; j < nnz; j++) {
        int64_t at = 0;
        if (indices->rank == 1) {
            at = ind[j];
        } else {
            for (int d = 0; d < rank && at >= 0; d++) {
                int64_t c = ind[j * (size_t)rank + (size_t)d];
                at = c >= 0 && c < y->dims[d] ? at * y->dims[d] + c : -1;
            }
        }
        if (at < 0 || (uint64_t)at >= y->count)
            return ol_k_fail(k, "sparse tensor: index %zu lies outside %s", j, ol_k_shape(k, y)), NULL;
        memcpy((char *)y->data + (size_t)at * size, (const char *)values->data + j * size, size);
    }
    return y;
}

static bool bind_initializers(ol_eval *e, const ol_graph *g)
{
    for (size_t i = 0; i < g->n_initializers; i++) {
        ol_value *v = g->initializers[i];
        if (v->runtime || !v->initializer)
            continue; /* fed as an input, or already read */
        char err[256] = "";
        ol_kctx k = {.eval = e, .arena = &e->arena, .error = err, .error_len = sizeof err};
        ol_array *a = v->initializer->sparse ? ol_k_sparse_dense(&k, v->initializer->sparse)
                                             : ol_eval_read_tensor(e, v->initializer);
        ol_rvalue *rv = a ? ol_k_tensor_value(&k, a) : NULL;
        if (!rv) {
            if (!e->error[0])
                snprintf(e->error, sizeof e->error, "cannot read initializer '%.100s'%s%s", v->name,
                         err[0] ? ": " : "", err);
            return false;
        }
        v->runtime = rv;
    }
    return true;
}

/* The "kernel" of a call of a model-local function: its body, run with
 * the call's inputs and attributes. */
static bool run_function(ol_kctx *k)
{
    ol_graph *body = (ol_graph *)k->node->function->body;
    const ol_node *outer_call = body->caller;
    body->caller = k->node;
    bool ok = ol_k_run_subgraph(k, body, k->inputs, k->n_inputs, k->outputs, k->n_outputs);
    body->caller = outer_call;
    return ok;
}

static bool run_node(ol_eval *e, const ol_node *node)
{
    ol_kernel_fn kernel = node->function ? run_function : ol_kernel_find(node->domain, node->op_type);
    char idx[32];
    if (!kernel) {
        snprintf(e->error, sizeof e->error, "no kernel for %s (node '%.100s')", node->op_type,
                 ol_node_display_name(node, idx, sizeof idx));
        e->failed = node;
        return false;
    }
    ol_rvalue **inputs = ol_arena_calloc(&e->arena, node->n_inputs + 1, sizeof *inputs);
    ol_rvalue **outputs = ol_arena_calloc(&e->arena, node->n_outputs + 1, sizeof *outputs);
    if (!inputs || !outputs) {
        snprintf(e->error, sizeof e->error, "out of the evaluator's memory budget at node '%.100s'",
                 ol_node_display_name(node, idx, sizeof idx));
        e->failed = node;
        e->gave_up = true;
        return false;
    }
    for (size_t i = 0; i < node->n_inputs; i++) {
        if (!node->inputs[i])
            continue;
        inputs[i] = value_of(node->inputs[i]);
        if (!inputs[i]) {
            snprintf(e->error, sizeof e->error, "input '%.100s' of node '%.100s' has no value", node->inputs[i]->name,
                     ol_node_display_name(node, idx, sizeof idx));
            e->failed = node;
            return false;
        }
    }
    const ol_schema *schema = ol_schema_find(node->domain, node->op_type, node->opset);
    for (size_t i = 0; schema && i < node->n_inputs; i++) {
        const ol_rvalue *in = inputs[i];
        if (in && in->kind == OL_RV_TENSOR && in->tensor && !ol_schema_takes_input(schema, i, in->tensor->elem_type)) {
            snprintf(e->error, sizeof e->error, "%s '%.100s' does not take %s for input %zu (opset %lld)",
                     node->op_type, ol_node_display_name(node, idx, sizeof idx),
                     ol_elem_type_name(in->tensor->elem_type), i, (long long)node->opset);
            e->failed = node;
            return false;
        }
    }
    char err[384] = "";
    ol_kctx k = {
        .eval = e,
        .node = node,
        .arena = &e->arena,
        .inputs = inputs,
        .n_inputs = node->n_inputs,
        .outputs = outputs,
        .n_outputs = node->n_outputs,
        .error = err,
        .error_len = sizeof err,
    };
    k.infer.node = node;
    k.infer.exprs = &e->model->exprs;
    k.infer.arena = &e->arena;
    k.infer.schema = ol_schema_find(node->domain, node->op_type, node->opset);
    k.infer.version = k.infer.schema ? k.infer.schema->since_version : node->opset;
    bool ok = kernel(&k);
    for (size_t i = 0; ok && i < node->n_outputs; i++) {
        if (node->outputs[i] && !outputs[i])
            ok = ol_k_fail(&k, "produced no value for output %zu", i);
    }
    if (!ok) {
        char shown[128];
        ol_escape(shown, sizeof shown, ol_node_display_name(node, idx, sizeof idx),
                  strlen(ol_node_display_name(node, idx, sizeof idx)), false);
        snprintf(e->error, sizeof e->error, "%.64s '%.128s' fails: %.300s", node->op_type, shown,
                 err[0] ? err : "the kernel failed");
        if (!e->failed)
            e->failed = node;
        return false;
    }
    for (size_t i = 0; i < node->n_outputs; i++) {
        if (node->outputs[i])
            node->outputs[i]->runtime = outputs[i];
    }
    return true;
}

static bool run_graph(ol_eval *e, const ol_graph *g)
{
    if (g->n_cyclic) {
        snprintf(e->error, sizeof e->error, "graph '%.100s' has a cycle", g->name);
        return false;
    }
    if (!bind_initializers(e, g))
        return false;
    bool main = g == e->model->graph && e->main_nodes;
    for (size_t i = 0; i < g->n_nodes; i++) {
        if (main && !e->main_nodes[g->order[i]->index])
            continue;
        if (!run_node(e, g->order[i]))
            return false;
    }
    return true;
}

/* ---- iterations in arenas of their own (Loop, Scan) ---- */

static ol_array *array_copy(ol_arena *a, const ol_array *x)
{
    ol_array *c = ol_arena_alloc(a, sizeof *c);
    if (!c)
        return NULL;
    *c = *x;
    c->dims = ol_arena_alloc(a, ((size_t)x->rank + 1) * sizeof *c->dims);
    if (!c->dims)
        return NULL;
    if (x->rank)
        memcpy(c->dims, x->dims, (size_t)x->rank * sizeof *c->dims);
    size_t size = ol_elem_size(x->elem_type);
    if (!x->count || !x->data)
        return c;
    c->data = ol_arena_alloc(a, x->count * size);
    if (!c->data)
        return NULL;
    memcpy(c->data, x->data, x->count * size);
    if (x->elem_type == ONNX__TENSOR_PROTO__DATA_TYPE__STRING) {
        ol_string *str = c->data;
        for (size_t i = 0; i < x->count; i++) {
            char *bytes = ol_arena_alloc_bytes(a, str[i].len + 1);
            if (!bytes)
                return NULL;
            if (str[i].len)
                memcpy(bytes, str[i].data, str[i].len);
            bytes[str[i].len] = '\0';
            str[i].data = bytes;
        }
    }
    return c;
}

/* A deep copy of v in arena a (NULL when a refused). */
static ol_rvalue *rvalue_copy(ol_arena *a, const ol_rvalue *v, int depth)
{
    if (!v || depth > OL_MAX_EVAL_DEPTH)
        return NULL;
    ol_rvalue *c = ol_arena_alloc(a, sizeof *c);
    if (!c)
        return NULL;
    *c = *v;
    if ((v->tensor && !(c->tensor = array_copy(a, v->tensor))) || (v->values && !(c->values = array_copy(a, v->values))))
        return NULL;
    if (v->n_items) {
        c->items = ol_arena_alloc(a, v->n_items * sizeof *c->items);
        if (!c->items)
            return NULL;
        for (size_t i = 0; i < v->n_items; i++) {
            c->items[i] = v->items[i] ? rvalue_copy(a, v->items[i], depth + 1) : NULL;
            if (v->items[i] && !c->items[i])
                return NULL;
        }
    }
    return c;
}

/* Reads the initializers of g and of its subgraphs now, into the arena in
 * force: an iteration's arena must not hold what later iterations reuse. */
static bool bind_all_initializers(ol_eval *e, const ol_graph *g, int depth)
{
    if (!bind_initializers(e, g))
        return false;
    for (size_t i = 0; i < g->n_nodes; i++) {
        for (size_t s = 0; s < g->nodes[i]->n_subgraphs && depth < OL_MAX_EVAL_DEPTH; s++) {
            if (!bind_all_initializers(e, g->nodes[i]->subgraphs[s], depth + 1))
                return false;
        }
    }
    return true;
}

/* Clears the runtime slots of g's inputs and node outputs, of the
 * subgraphs and the bodies of the functions its nodes call, and of its
 * initializers when `initializers` (a new run; after an iteration, whose
 * arena is freed, the initializers keep the values read for the run). */
static void clear_values(const ol_graph *g, bool initializers, int depth)
{
    for (size_t i = 0; i < g->n_inputs; i++) {
        if (initializers || !(g->inputs[i]->flags & OL_VALUE_INITIALIZER))
            g->inputs[i]->runtime = NULL;
    }
    for (size_t i = 0; initializers && i < g->n_initializers; i++)
        g->initializers[i]->runtime = NULL;
    for (size_t i = 0; i < g->n_nodes; i++) {
        const ol_node *n = g->nodes[i];
        for (size_t o = 0; o < n->n_outputs; o++) {
            if (n->outputs[o])
                n->outputs[o]->runtime = NULL;
        }
        if (depth >= OL_MAX_EVAL_DEPTH)
            continue;
        for (size_t s = 0; s < n->n_subgraphs; s++)
            clear_values(n->subgraphs[s], initializers, depth + 1);
        if (n->function)
            clear_values(n->function->body, initializers, depth + 1);
    }
}

bool ol_k_iterate_start(ol_kctx *k, const ol_graph *body, ol_k_iteration *it)
{
    memset(it, 0, sizeof *it);
    if (!bind_all_initializers(k->eval, body, k->eval->depth + 1))
        return ol_k_fail(k, "in its subgraph '%.100s': %s", body->name, k->eval->error);
    return true;
}

bool ol_k_iterate(ol_kctx *k, ol_k_iteration *it, const ol_graph *body, ol_rvalue *const *inputs, size_t n_inputs,
                  ol_rvalue **outs, size_t n_outs, size_t n_carried)
{
    ol_eval *e = k->eval;
    ol_arena main = e->arena;
    size_t left = main.budget > main.used ? main.budget - main.used : 0;
    ol_arena carry;
    ol_arena_init(&e->arena, &main.allocator, left / 2);
    ol_arena_init(&carry, &main.allocator, left / 2);
    bool ok = ol_k_run_subgraph(k, body, inputs, n_inputs, outs, n_outs);
    bool refused = e->arena.failed;
    for (size_t i = 0; ok && i < n_outs; i++) {
        outs[i] = rvalue_copy(i < n_carried ? &carry : &main, outs[i], 0);
        if (!outs[i])
            ok = ol_k_fail(k, "out of memory (over OL_MAX_EVAL_MEMORY) keeping iteration %zu's values", it->count);
    }
    if (!ok && refused && !k->error[0])
        ol_k_fail(k, "out of memory (over OL_MAX_EVAL_MEMORY)");
    ol_arena_destroy(&e->arena); /* everything the body made this time */
    clear_values(body, false, 0);
    e->arena = main;
    if (it->has_carry)
        ol_arena_destroy(&it->carry);
    it->carry = carry;
    it->has_carry = true;
    it->count++;
    return ok;
}

bool ol_k_iterate_finish(ol_kctx *k, ol_k_iteration *it, ol_rvalue **carried, size_t n)
{
    bool ok = true;
    for (size_t i = 0; i < n && it->has_carry; i++) {
        carried[i] = rvalue_copy(&k->eval->arena, carried[i], 0);
        if (!carried[i])
            ok = false;
    }
    if (it->has_carry)
        ol_arena_destroy(&it->carry);
    it->has_carry = false;
    return ok || ol_k_fail(k, "out of memory (over OL_MAX_EVAL_MEMORY)");
}

/* Drops the carry arena of an iteration that stopped early. */
void ol_k_iterate_abandon(ol_k_iteration *it)
{
    if (it->has_carry)
        ol_arena_destroy(&it->carry);
    it->has_carry = false;
}

bool ol_k_run_subgraph(ol_kctx *k, const ol_graph *g, ol_rvalue *const *inputs, size_t n_inputs, ol_rvalue **outs,
                       size_t n_outs)
{
    ol_eval *e = k->eval;
    if (e->depth >= OL_MAX_EVAL_DEPTH)
        return ol_k_fail(k, "subgraphs nested deeper than %d", OL_MAX_EVAL_DEPTH);
    for (size_t i = 0; i < g->n_inputs; i++)
        g->inputs[i]->runtime = i < n_inputs ? inputs[i] : NULL;
    /* Values of the body from a previous iteration must not leak in. */
    for (size_t i = 0; i < g->n_nodes; i++) {
        for (size_t o = 0; o < g->nodes[i]->n_outputs; o++) {
            if (g->nodes[i]->outputs[o])
                g->nodes[i]->outputs[o]->runtime = NULL;
        }
    }
    e->depth++;
    const ol_node *failed_before = e->failed;
    bool ok = run_graph(e, g);
    e->depth--;
    if (!ok) {
        e->failed = failed_before; /* the owner node is the one that failed */
        return ol_k_fail(k, "in its subgraph '%.100s': %s", g->name, e->error);
    }
    for (size_t i = 0; i < n_outs; i++) {
        outs[i] = i < g->n_outputs ? value_of(g->outputs[i]) : NULL;
        if (!outs[i])
            return ol_k_fail(k, "subgraph '%.100s' output %zu has no value", g->name, i);
    }
    return true;
}

static bool supported(ol_eval *e, const ol_graph *g, int depth)
{
    for (size_t i = 0; i < g->n_nodes; i++) {
        const ol_node *n = g->nodes[i];
        if (depth == 0 && g == e->model->graph && e->main_nodes && !e->main_nodes[n->index])
            continue;
        if (n->function) {
            if (depth >= OL_MAX_EVAL_DEPTH) {
                snprintf(e->error, sizeof e->error, "functions and subgraphs nested deeper than %d", OL_MAX_EVAL_DEPTH);
                return false;
            }
            if (!supported(e, n->function->body, depth + 1))
                return false;
        } else if (!ol_kernel_find(n->domain, n->op_type)) {
            snprintf(e->error, sizeof e->error, "no kernel for %s%s%s", n->domain[0] ? n->domain : "",
                     n->domain[0] ? ":" : "", n->op_type);
            e->unsupported++;
            return false;
        }
        for (size_t s = 0; s < n->n_subgraphs && depth < OL_MAX_EVAL_DEPTH; s++) {
            if (!supported(e, n->subgraphs[s], depth + 1))
                return false;
        }
    }
    return true;
}

bool ol_eval_supported(ol_eval *e, const ol_graph *g)
{
    if (e->model->names_redefined) {
        snprintf(e->error, sizeof e->error, "%s",
                 "a name is defined twice (duplicate-name), so which value a node reads is not defined");
        return false;
    }
    return supported(e, g, 0);
}

bool ol_eval_run(ol_eval *e, ol_rvalue *const *inputs, size_t n_inputs, ol_rvalue **outputs, size_t n_outputs)
{
    const ol_graph *g = e->model->graph;
    e->error[0] = '\0';
    e->failed = NULL;
    clear_values(g, true, 0);
    size_t k = 0;
    for (size_t i = 0; i < g->n_inputs; i++) {
        ol_value *v = g->inputs[i];
        if (v->flags & OL_VALUE_INITIALIZER)
            continue; /* an initializer listed as input: its default, unless fed */
        if (k < n_inputs)
            v->runtime = inputs[k];
        k++;
        if (!v->runtime && !e->main_nodes) {
            snprintf(e->error, sizeof e->error, "graph input '%.100s' has no value", v->name);
            return false;
        }
    }
    if (!run_graph(e, g))
        return false;
    for (size_t i = 0; i < n_outputs; i++)
        outputs[i] = i < g->n_outputs ? value_of(g->outputs[i]) : NULL;
    return true;
}
