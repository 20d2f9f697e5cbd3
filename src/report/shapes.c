/*
 * shapes.c - every value with its inferred element type and shape, and the
 * model rewritten with those shapes as value_info.
 *
 * JSON (the contract in DESIGN.md):
 *   {"model": PATH, "values": [{"name", "dtype", "shape", "kind"}],
 *    "unified": [{"symbol", "value", "node"}]}
 * kind is "input", "initializer", "intermediate" or "output" of the graph the
 * value belongs to; a subgraph's values follow the node that holds it and
 * carry "in": {"node", "op", "attribute"} (the node, its operator, and the
 * attribute holding the subgraph); a dim is an
 * integer, a string (a symbol or an expression such as "N+5") or null.
 * Dims are shown after unification: when inference proved two symbols
 * equal, the bound one is replaced and the binding listed in "unified".
 *
 * The rewritten model is the original file's bytes followed by one more
 * serialized ModelProto holding only graph.value_info: protobuf merges
 * concatenated messages (repeated fields append), so every reader sees the
 * original model plus the new value_info, and weights are copied as bytes
 * without being decoded.
 */
#include <regex.h>
#include <stdio.h>
#include <string.h>

#include "analysis/analysis.h"
#include "infer/infer.h"
#include "report/json.h"
#include "util/writer.h"
#include "util/text.h"

static const char *value_kind(const ol_value *v)
{
    if (v->flags & OL_VALUE_INPUT)
        return "input";
    if (v->flags & OL_VALUE_INITIALIZER)
        return "initializer";
    if (v->flags & OL_VALUE_OUTPUT)
        return "output";
    return "intermediate";
}

/* Calls fn for every value of the main graph: inputs, initializers, then
 * node outputs in dependency order; with subgraphs, each node's subgraphs'
 * values (the same way, at any depth) follow its outputs. */
typedef void (*value_fn)(void *ctx, const ol_value *v);

static void each_graph_value(const ol_graph *g, bool subgraphs, int depth, value_fn fn, void *ctx)
{
    for (size_t i = 0; i < g->n_inputs; i++)
        fn(ctx, g->inputs[i]);
    for (size_t i = 0; i < g->n_initializers; i++) {
        if (!(g->initializers[i]->flags & OL_VALUE_INPUT))
            fn(ctx, g->initializers[i]);
    }
    size_t n = g->order ? g->n_nodes - g->n_cyclic : 0;
    for (size_t i = 0; i < n; i++) {
        const ol_node *node = g->order[i];
        for (size_t k = 0; k < node->n_outputs; k++) {
            if (node->outputs[k])
                fn(ctx, node->outputs[k]);
        }
        for (size_t k = 0; subgraphs && depth < OL_MAX_INFER_DEPTH && k < node->n_subgraphs; k++)
            each_graph_value(node->subgraphs[k], true, depth + 1, fn, ctx);
    }
}

static void each_value(const onnxlint_model *m, bool subgraphs, value_fn fn, void *ctx)
{
    each_graph_value(m->graph, subgraphs, 0, fn, ctx);
}

/* A type with its dims resolved through the unifications, for display. */
static ol_type resolved(ol_exprs *exprs, const ol_type *t, ol_dim *dims)
{
    ol_type r = *t;
    if ((t->kind == OL_TYPE_TENSOR || t->kind == OL_TYPE_SPARSE_TENSOR) && t->shape.rank > 0 &&
        t->shape.rank <= OL_MAX_RANK) {
        for (int i = 0; i < t->shape.rank; i++)
            dims[i] = ol_dim_resolve(exprs, t->shape.dims[i]);
        r.shape.dims = dims;
    }
    return r;
}

/* A value's line as the measuring pass made it, for the writing pass. */
typedef struct text_line {
    const char *type;
    uint32_t type_len, name_width, type_width;
    bool name_verbatim; /* the name goes out as it is */
} text_line;

typedef struct text_ctx {
    onnxlint_model *m;
    ol_sink *out;
    size_t name_width, type_width;
    bool measuring;
    text_line *lines; /* one per value listed, in listing order; NULL: none kept */
    size_t n_lines, lines_cap, next_line;
    bool from_lines;  /* the writing pass of each_value: take the kept lines */
    size_t initializers, filtered;
    const char *op;       /* only values made by this operator, or NULL */
    const regex_t *name;  /* only names matching, or NULL */
    const ol_type *last;  /* the type of the last value measured, whose text */
    const char *last_text; /* (kept in the arena) the next value reuses when */
    size_t last_width;    /* its type has the same dims array (inference shares them) */
    uint32_t last_len;
    struct {              /* operator names written lately (the nodes of */
        const char *s;    /* a type share one string), by address: */
        size_t width;     /* width and whether it goes out as it is */
        bool verbatim;
    } ops[16];
} text_ctx;

/* Whether two tensor types print the same: one element type, one dims array. */
static bool same_tensor_type(const ol_type *a, const ol_type *b)
{
    return a && b && a->kind == OL_TYPE_TENSOR && b->kind == OL_TYPE_TENSOR && a->elem_type == b->elem_type &&
           a->shape.rank == b->shape.rank && a->shape.rank > 0 && a->shape.dims == b->shape.dims;
}

/* True when v passes the --op and --name filters. */
static bool selected(const text_ctx *c, const ol_value *v)
{
    if (c->op && (!v->producer || strcmp(v->producer->op_type, c->op) != 0))
        return false;
    return !c->name || regexec(c->name, v->name, 0, NULL, 0) == 0;
}

/* v's type as the report prints it, its dims resolved, in buf. */
static const char *type_text(const text_ctx *c, const ol_value *v, char *buf, size_t cap)
{
    ol_dim dims[OL_MAX_RANK];
    ol_type t = resolved(&c->m->exprs, ol_value_type(v), dims);
    return ol_type_text(&t, buf, cap);
}

/* The columns hold a name nw wide and a type tw wide. */
static void widen(text_ctx *c, size_t nw, size_t tw)
{
    c->name_width = nw > c->name_width ? nw : c->name_width;
    c->type_width = tw > c->type_width ? tw : c->type_width;
}

static void text_value(void *p, const ol_value *v)
{
    text_ctx *c = p;
    if (!selected(c, v)) {
        c->filtered += c->measuring;
        return;
    }
    if ((v->flags & OL_VALUE_INITIALIZER) && !(v->flags & OL_VALUE_INPUT)) {
        c->initializers += c->measuring;
        return;
    }
    char buf[512];
    const char *type;
    size_t nw, tw, type_len = 0; /* 0: not known yet */
    bool verbatim = false;       /* the name goes out as it is */
    if (c->from_lines && c->next_line < c->n_lines) { /* made by the measuring pass */
        const text_line *line = &c->lines[c->next_line++];
        type = line->type;
        type_len = line->type_len;
        nw = line->name_width;
        tw = line->type_width;
        verbatim = line->name_verbatim;
    } else if (c->measuring && same_tensor_type(ol_value_type(v), c->last)) {
        type = c->last_text; /* a chain of elementwise values: one text for all */
        nw = ol_display_width_verbatim(v->name, &verbatim);
        tw = c->last_width;
    } else {
        type = type_text(c, v, buf, sizeof buf);
        nw = ol_display_width_verbatim(v->name, &verbatim);
        tw = ol_display_width(type);
    }
    if (c->measuring) {
        widen(c, nw, tw);
        if (c->n_lines < c->lines_cap) {
            const char *kept = type == c->last_text ? type : ol_arena_strndup(&c->m->arena, type, strlen(type));
            if (kept) {
                uint32_t len = kept == c->last_text ? c->last_len : (uint32_t)strlen(kept);
                c->lines[c->n_lines++] = (text_line){kept, len, (uint32_t)nw, (uint32_t)tw, verbatim};
                c->last_len = len;
                c->last = ol_value_type(v);
                c->last_text = kept;
                c->last_width = tw;
            } else {
                c->lines_cap = c->n_lines; /* the rest are made again */
            }
        }
        return;
    }
    ol_out_bytes(c->out, "  ", 2);
    if (verbatim)
        ol_out_bytes(c->out, v->name, nw);
    else
        ol_out_name(c->out, v->name);
    ol_out_column(c->out, c->name_width, nw);
    ol_out_bytes(c->out, type, type_len ? type_len : strlen(type));
    ol_out_column(c->out, c->type_width, tw);
    const char *kind = value_kind(v);
    ol_out_bytes(c->out, kind, strlen(kind));
    if (v->producer) {
        char idx[32];
        const char *op = v->producer->op_type;
        size_t slot = ((uintptr_t)op >> 3) % (sizeof c->ops / sizeof *c->ops);
        if (c->ops[slot].s != op) {
            c->ops[slot].s = op;
            c->ops[slot].width = ol_display_width_verbatim(op, &c->ops[slot].verbatim);
        }
        ol_out_bytes(c->out, " (", 2);
        if (c->ops[slot].verbatim)
            ol_out_bytes(c->out, op, c->ops[slot].width);
        else
            ol_out_name(c->out, op);
        ol_out_bytes(c->out, " '", 2);
        ol_out_name(c->out, ol_node_display_name(v->producer, idx, sizeof idx));
        ol_out_bytes(c->out, "')", 2);
    }
    if (v->graph && v->graph->owner) {
        char idx[32];
        ol_out_bytes(c->out, " in ", 4);
        ol_out_name(c->out, v->graph->owner->op_type);
        ol_out_bytes(c->out, " '", 2);
        ol_out_name(c->out, ol_node_display_name(v->graph->owner, idx, sizeof idx));
        ol_out_bytes(c->out, "' ", 2);
        ol_out_name(c->out, v->graph->owner_attribute ? v->graph->owner_attribute : "");
    }
    ol_out_bytes(c->out, "\n", 1);
}

/* The values of the loss paths into the columns' widths: they are listed
 * first, and one may be none of the values each_value visits (an
 * undefined input). */
static void measure_losses(onnxlint_model *m, text_ctx *c)
{
    for (size_t l = 0; l < m->n_losses; l++) {
        const ol_loss_record *r = &m->losses[l];
        const ol_value *path[3] = {r->logits, r->labels_input, r->output};
        for (size_t k = 0; k < 3; k++) {
            char buf[512];
            if (path[k])
                widen(c, ol_display_width(path[k]->name), ol_display_width(type_text(c, path[k], buf, sizeof buf)));
        }
    }
}

/* The loss path first: what each loss reads and makes. */
static void write_losses(onnxlint_model *m, text_ctx *c)
{
    static const char *kinds[] = {"?", "cross_entropy", "nll", "bce_with_logits", "bce", "mse", "l1",
                                  "sparse_categorical_crossentropy", "categorical_crossentropy", "smooth_l1",
                                  "huber", "kl_div", "ctc"};
    ol_sink *out = c->out;
    for (size_t l = 0; l < m->n_losses; l++) {
        const ol_loss_record *r = &m->losses[l];
        char idx[32];
        ol_out_printf(out, "loss %s", r->kind < sizeof kinds / sizeof *kinds ? kinds[r->kind] : "?");
        if (r->node) {
            ol_out_printf(out, " at %s '", r->pattern ? "the pattern meeting at" : "node");
            ol_out_name(out, ol_node_display_name(r->node, idx, sizeof idx));
            ol_out_bytes(out, "'", 1);
        }
        ol_out_bytes(out, "\n", 1);
        const ol_value *path[3] = {r->logits, r->labels_input, r->output};
        for (size_t k = 0; k < 3; k++) {
            if (path[k])
                text_value(c, path[k]);
        }
    }
    if (m->n_losses)
        ol_out_bytes(out, "\nvalues\n", 8);
}

static void write_text(onnxlint_model *m, ol_sink *out, const char *op, const regex_t *name)
{
    text_ctx c = {.m = m, .out = out, .measuring = true, .op = op, .name = name};
    /* Keep each line's type text from the measuring pass: on a graph of
     * 100,000 values, making it twice was a third of the report's cost. */
    const ol_graph *g = m->graph;
    size_t n = g->n_inputs + g->n_initializers;
    for (size_t i = 0; g->order && i < g->n_nodes - g->n_cyclic; i++)
        n += g->order[i]->n_outputs;
    c.lines = ol_arena_alloc(&m->arena, (n ? n : 1) * sizeof *c.lines);
    c.lines_cap = c.lines ? n : 0;
    each_value(m, true, text_value, &c);
    if (!op && !name)
        measure_losses(m, &c);
    ol_out_printf(out, "%-10s", "model");
    ol_out_name(out, m->path);
    ol_out_bytes(out, "\n\n", 2);
    c.measuring = false;
    if (!op && !name)
        write_losses(m, &c);
    c.from_lines = true;
    each_value(m, true, text_value, &c);
    if (c.initializers)
        ol_out_printf(out, "  (+ %zu initializers; --format json lists them)\n", c.initializers);
    if (c.filtered)
        ol_out_printf(out, "  (%zu values left out by --op/--name)\n", c.filtered);
    if (m->exprs.n_unifications) {
        ol_out_printf(out, "\nunified (symbols inference proved equal)\n");
        for (size_t i = 0; i < m->exprs.n_unifications; i++) {
            const ol_unification *u = &m->exprs.unifications[i];
            char value[256];
            ol_out_bytes(out, "  ", 2);
            ol_out_name(out, u->symbol);
            ol_out_bytes(out, " = ", 3);
            ol_out_name(out, ol_dim_text(ol_dim_resolve(&m->exprs, u->value), value, sizeof value));
            if (u->where) {
                ol_out_bytes(out, "  (at node '", 12);
                ol_out_name(out, u->where);
                ol_out_bytes(out, "')", 2);
            }
            ol_out_bytes(out, "\n", 1);
        }
    }
}

/* Longest text after a value's name that json_value keeps for the next. */
#define JSON_REST_MAX 512

typedef struct json_ctx {
    onnxlint_model *m;
    ol_jw *w;
    /* The text after the last tensor value's name ("dtype", "shape",
     * "kind") and what it was made of: a value of the same element type,
     * dims array (inference shares one along a chain) and kind prints the
     * same, so it is copied instead of made again. */
    const ol_type *type;
    const char *kind;
    int depth;
    size_t rest_len; /* 0: nothing kept */
    char rest[JSON_REST_MAX];
} json_ctx;

/* Whether t is a tensor type, whose text json_value keeps. */
static bool keeps_json_text(const ol_type *t)
{
    return t && (t->kind == OL_TYPE_TENSOR || t->kind == OL_TYPE_SPARSE_TENSOR);
}

/* Whether the tensor types a and b print the same dtype and shape. */
static bool same_json_type(const ol_type *a, const ol_type *b)
{
    return keeps_json_text(a) && b && a->kind == b->kind && a->elem_type == b->elem_type &&
           a->shape.rank == b->shape.rank && a->shape.dims == b->shape.dims;
}

static void json_value(void *p, const ol_value *v)
{
    json_ctx *c = p;
    const ol_type *t = ol_value_type(v);
    ol_jw *w = c->w;
    const char *kind = value_kind(v);
    bool nested = v->graph && v->graph->owner;
    ol_jw_object(w);
    ol_jw_key(w, "name");
    ol_jw_string(w, v->name);
    if (!nested && c->rest_len && kind == c->kind && w->depth == c->depth && same_json_type(t, c->type)) {
        ol_out_bytes(w->out, c->rest, c->rest_len);
        ol_jw_end(w);
        return;
    }
    ol_sink *out = w->out;
    ol_out_room(out, JSON_REST_MAX);
    size_t start = out->len, drains = out->drains;
    ol_jw_key(w, "dtype");
    ol_jw_dtype(w, t);
    ol_jw_key(w, "shape");
    ol_jw_shape(w, &c->m->exprs, t);
    ol_jw_key(w, "kind");
    ol_jw_string(w, kind);
    c->rest_len = 0;
    if (!nested && out->drains == drains && out->len - start <= JSON_REST_MAX && keeps_json_text(t)) {
        c->rest_len = out->len - start;
        memcpy(c->rest, out->buf + start, c->rest_len);
        c->type = t;
        c->kind = kind;
        c->depth = w->depth;
    }
    if (nested) {
        char idx[32];
        const ol_node *owner = v->graph->owner;
        ol_jw_key(w, "in");
        ol_jw_object(w);
        ol_jw_key(w, "node");
        ol_jw_string(w, ol_node_display_name(owner, idx, sizeof idx));
        ol_jw_key(w, "op");
        ol_jw_string(w, owner->op_type);
        ol_jw_key(w, "attribute");
        ol_jw_string(w, v->graph->owner_attribute ? v->graph->owner_attribute : "");
        ol_jw_end(w);
    }
    ol_jw_end(w);
}

/* Writes the document value by value as each_value visits them. */
static void write_json(onnxlint_model *m, ol_sink *out)
{
    ol_jw w;
    ol_jw_init(&w, out, true);
    json_ctx c = {.m = m, .w = &w};
    ol_jw_object(&w);
    ol_jw_key(&w, "model");
    ol_jw_string(&w, m->path);
    ol_jw_key(&w, "values");
    ol_jw_array(&w);
    each_value(m, true, json_value, &c);
    ol_jw_end(&w);
    ol_jw_key(&w, "unified");
    ol_jw_array(&w);
    for (size_t i = 0; i < m->exprs.n_unifications; i++) {
        const ol_unification *u = &m->exprs.unifications[i];
        ol_dim d = ol_dim_resolve(&m->exprs, u->value);
        ol_jw_object(&w);
        ol_jw_key(&w, "symbol");
        ol_jw_string(&w, u->symbol);
        ol_jw_key(&w, "value");
        if (d.kind == OL_DIM_VALUE)
            ol_jw_int(&w, d.value);
        else
            ol_jw_string(&w, d.symbol);
        ol_jw_key(&w, "node");
        ol_jw_string(&w, u->where);
        ol_jw_end(&w);
    }
    ol_jw_end(&w);
    ol_jw_end(&w);
    ol_out_bytes(out, "\n", 1);
}

static onnxlint_status fail(onnxlint_error *err, onnxlint_status st, const char *what)
{
    if (err) {
        err->status = st;
        snprintf(err->message, sizeof err->message, "%s: %s", what, onnxlint_status_name(st));
    }
    return st;
}

onnxlint_status onnxlint_shapes_write(onnxlint_model *model, onnxlint_format format, onnxlint_write_fn write,
                                      void *write_ctx, onnxlint_error *err)
{
    return onnxlint_shapes_write_filtered(model, format, NULL, NULL, write, write_ctx, err);
}

onnxlint_status onnxlint_shapes_write_filtered(onnxlint_model *model, onnxlint_format format, const char *op,
                                               const char *name_regex, onnxlint_write_fn write, void *write_ctx,
                                               onnxlint_error *err)
{
    if (!model || !write)
        return ONNXLINT_EINVAL;
    ol_sink out;
    ol_out_init(&out, write, write_ctx);
    if (format == ONNXLINT_FORMAT_JSON) {
        write_json(model, &out);
    } else {
        regex_t re;
        if (name_regex && regcomp(&re, name_regex, REG_EXTENDED | REG_NOSUB) != 0) {
            if (err) {
                err->status = ONNXLINT_EINVAL;
                snprintf(err->message, sizeof err->message, "--name: '%.200s' is not a regular expression",
                         name_regex);
            }
            return ONNXLINT_EINVAL;
        }
        write_text(model, &out, op, name_regex ? &re : NULL);
        if (name_regex)
            regfree(&re);
    }
    return ol_out_flush(&out) ? ONNXLINT_OK : fail(err, ONNXLINT_EWRITE, "shapes");
}

/* ---- the model with value_info ---- */

/* Bytes of the original file copied at a time. */
#define COPY_PIECE ((size_t)1 << 20)

typedef struct vi_ctx {
    onnxlint_model *m;
    Onnx__ValueInfoProto **list;
    size_t n, cap;
    bool failed;
} vi_ctx;

static bool declared_in_file(const onnxlint_model *m, const char *name)
{
    const Onnx__GraphProto *g = m->proto->graph;
    for (size_t i = 0; i < g->n_value_info; i++) {
        if (g->value_info[i]->name && strcmp(g->value_info[i]->name, name) == 0)
            return true;
    }
    return false;
}

static void add_value_info(void *p, const ol_value *v)
{
    vi_ctx *c = p;
    ol_arena *a = &c->m->arena;
    const ol_type *t = ol_value_type(v);
    if (c->failed || v->flags & (OL_VALUE_INPUT | OL_VALUE_INITIALIZER | OL_VALUE_OUTPUT) ||
        t->kind != OL_TYPE_TENSOR || !t->elem_type || declared_in_file(c->m, v->name))
        return;
    Onnx__ValueInfoProto *vi = ol_arena_alloc(a, sizeof *vi);
    Onnx__TypeProto *tp = ol_arena_alloc(a, sizeof *tp);
    Onnx__TypeProto__Tensor *tt = ol_arena_alloc(a, sizeof *tt);
    if (!vi || !tp || !tt || c->n == c->cap) {
        c->failed = true;
        return;
    }
    onnx__value_info_proto__init(vi);
    onnx__type_proto__init(tp);
    onnx__type_proto__tensor__init(tt);
    vi->name = (char *)v->name;
    vi->type = tp;
    tp->value_case = ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE;
    tp->tensor_type = tt;
    tt->has_elem_type = 1;
    tt->elem_type = t->elem_type;
    if (t->shape.rank >= 0) {
        Onnx__TensorShapeProto *sp = ol_arena_alloc(a, sizeof *sp);
        Onnx__TensorShapeProto__Dimension **dims =
            ol_arena_calloc(a, (size_t)t->shape.rank + 1, sizeof *dims);
        if (!sp || !dims) {
            c->failed = true;
            return;
        }
        onnx__tensor_shape_proto__init(sp);
        sp->n_dim = (size_t)t->shape.rank;
        sp->dim = dims;
        for (int i = 0; i < t->shape.rank; i++) {
            Onnx__TensorShapeProto__Dimension *d = ol_arena_alloc(a, sizeof *d);
            if (!d) {
                c->failed = true;
                return;
            }
            onnx__tensor_shape_proto__dimension__init(d);
            ol_dim dim = ol_dim_resolve(&c->m->exprs, t->shape.dims[i]);
            if (dim.kind == OL_DIM_VALUE) {
                d->value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE;
                d->dim_value = dim.value;
            } else if (dim.kind == OL_DIM_SYMBOL) {
                d->value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM;
                d->dim_param = (char *)dim.symbol;
            }
            dims[i] = d;
        }
        tt->shape = sp;
    }
    c->list[c->n++] = vi;
}

onnxlint_status onnxlint_model_write_with_shapes(onnxlint_model *model, onnxlint_write_fn write, void *write_ctx,
                                                 onnxlint_error *err)
{
    if (!model || !write)
        return ONNXLINT_EINVAL;
    ol_arena *a = &model->arena;
    size_t cap = 0;
    for (size_t i = 0; i < model->graph->n_nodes; i++)
        cap += model->graph->nodes[i]->n_outputs;
    vi_ctx c = {.m = model, .cap = cap, .list = ol_arena_calloc(a, cap + 1, sizeof(Onnx__ValueInfoProto *))};
    if (!c.list)
        return fail(err, ONNXLINT_ENOMEM, "writing the model");
    each_value(model, false, add_value_info, &c);
    if (c.failed)
        return fail(err, ONNXLINT_ENOMEM, "writing the model");
    Onnx__GraphProto g;
    Onnx__ModelProto mp;
    onnx__graph_proto__init(&g);
    onnx__model_proto__init(&mp);
    g.n_value_info = c.n;
    g.value_info = c.list;
    mp.graph = &g;
    size_t len = onnx__model_proto__get_packed_size(&mp);
    uint8_t *buf = ol_arena_alloc(a, len + 1);
    if (!buf)
        return fail(err, ONNXLINT_ENOMEM, "writing the model");
    onnx__model_proto__pack(&mp, buf);
    /* The original bytes first, copied piece by piece from the file. */
    ol_arena scratch;
    ol_arena_init(&scratch, &a->allocator, COPY_PIECE * 2);
    char *piece = ol_arena_alloc_bytes(&scratch, COPY_PIECE);
    onnxlint_status st = piece ? ONNXLINT_OK : ONNXLINT_ENOMEM;
    for (size_t done = 0; !st && done < model->map_len;) {
        size_t n = model->map_len - done < COPY_PIECE ? model->map_len - done : COPY_PIECE;
        if (!ol_model_read(model, done, n, piece))
            st = ONNXLINT_EIO;
        else if (write(write_ctx, piece, n) != 0)
            st = ONNXLINT_EWRITE;
        done += n;
    }
    ol_arena_destroy(&scratch);
    if (!st && write(write_ctx, (const char *)buf, len) != 0)
        st = ONNXLINT_EWRITE;
    return st ? fail(err, st, "writing the model") : ONNXLINT_OK;
}
