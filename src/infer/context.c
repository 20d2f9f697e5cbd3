/*
 * context.c - what an inference function may use (ops/op.h): access to the
 * node's inputs, outputs and attributes, findings, and the shape helpers
 * every family shares (merging dims, broadcasting, axes).
 *
 * Invariant: accessors never fail on a malformed node: an input index out
 * of range, an omitted input or an attribute of the wrong type reads as
 * absent, so inference functions need no defensive code of their own.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "infer/infer.h"
#include "load/load.h"
#include "ops/op.h"
#include "util/text.h"

static const ol_value *in_value(const ol_ctx *ctx, size_t i)
{
    return i < ctx->node->n_inputs ? ctx->node->inputs[i] : NULL;
}

size_t ol_in_count(const ol_ctx *ctx)
{
    return ctx->node->n_inputs;
}

bool ol_in_has(const ol_ctx *ctx, size_t i)
{
    return in_value(ctx, i) != NULL;
}

const ol_type *ol_in_type(const ol_ctx *ctx, size_t i)
{
    const ol_value *v = in_value(ctx, i);
    return v ? ol_value_type(v) : NULL;
}

int32_t ol_in_elem(const ol_ctx *ctx, size_t i)
{
    const ol_type *t = ol_in_type(ctx, i);
    return t && (t->kind == OL_TYPE_TENSOR || t->kind == OL_TYPE_SPARSE_TENSOR) ? t->elem_type : 0;
}

const ol_shape *ol_in_shape(const ol_ctx *ctx, size_t i)
{
    const ol_type *t = ol_in_type(ctx, i);
    if (!t || (t->kind != OL_TYPE_TENSOR && t->kind != OL_TYPE_SPARSE_TENSOR) || t->shape.rank < 0)
        return NULL;
    return &t->shape;
}

const ol_data *ol_in_data(const ol_ctx *ctx, size_t i)
{
    const ol_value *v = in_value(ctx, i);
    while (v && !v->data && (v->flags & OL_VALUE_OUTER) && v->outer)
        v = v->outer;
    return v ? v->data : NULL;
}

const char *ol_in_name(const ol_ctx *ctx, size_t i)
{
    const ol_value *v = in_value(ctx, i);
    if (!v)
        return "";
    size_t len = strlen(v->name);
    if (ol_is_plain(v->name, len))
        return v->name;
    size_t need = ol_escape(NULL, 0, v->name, len, false);
    char *buf = ol_arena_alloc(ctx->arena, need + 1);
    if (!buf)
        return "";
    ol_escape(buf, need + 1, v->name, len, false);
    return buf;
}

size_t ol_out_count(const ol_ctx *ctx)
{
    return ctx->node->n_outputs;
}

bool ol_out_has(const ol_ctx *ctx, size_t i)
{
    return i < ctx->node->n_outputs && ctx->node->outputs[i];
}

ol_type *ol_out(ol_ctx *ctx, size_t i)
{
    if (!ol_out_has(ctx, i)) {
        memset(&ctx->scratch, 0, sizeof ctx->scratch);
        return &ctx->scratch;
    }
    return &ctx->node->outputs[i]->inferred;
}

ol_dim *ol_out_tensor(ol_ctx *ctx, size_t i, int32_t elem, int rank)
{
    ol_type *t = ol_out(ctx, i);
    memset(t, 0, sizeof *t);
    t->kind = OL_TYPE_TENSOR;
    t->elem_type = elem;
    t->shape.rank = rank < 0 ? OL_RANK_UNKNOWN : rank;
    if (rank < 0 || t == &ctx->scratch)
        return rank < 0 ? NULL : ol_arena_calloc(ctx->arena, (size_t)rank + 1, sizeof(ol_dim));
    t->shape.dims = ol_arena_calloc(ctx->arena, (size_t)rank + 1, sizeof(ol_dim));
    ctx->last_dims = t->shape.dims;
    ctx->last_dims_size = ((size_t)rank + 1) * sizeof(ol_dim);
    if (!t->shape.dims)
        t->shape.rank = OL_RANK_UNKNOWN;
    return t->shape.dims;
}

/* Copies a type so the copy's dims can change independently. */
static void copy_type(ol_arena *arena, ol_type *dst, const ol_type *src, int depth)
{
    *dst = *src;
    if (src->shape.rank > 0 && src->shape.dims) {
        dst->shape.dims = ol_arena_alloc(arena, (size_t)src->shape.rank * sizeof(ol_dim));
        if (dst->shape.dims)
            memcpy(dst->shape.dims, src->shape.dims, (size_t)src->shape.rank * sizeof(ol_dim));
        else
            dst->shape.rank = OL_RANK_UNKNOWN;
    }
    if (src->elem && depth < 16) {
        ol_type *e = ol_arena_alloc(arena, sizeof *e);
        if (e)
            copy_type(arena, e, src->elem, depth + 1);
        dst->elem = e;
    }
}

void ol_out_set(ol_ctx *ctx, size_t i, const ol_type *type)
{
    ol_type *t = ol_out(ctx, i);
    if (!type) {
        memset(t, 0, sizeof *t);
        t->shape.rank = OL_RANK_UNKNOWN;
        return;
    }
    copy_type(ctx->arena, t, type, 0);
    if (t->shape.rank > 0 && t->shape.dims != type->shape.dims) {
        ctx->last_dims = t->shape.dims;
        ctx->last_dims_size = (size_t)t->shape.rank * sizeof(ol_dim);
    }
}

void ol_out_like(ol_ctx *ctx, size_t i, size_t j)
{
    ol_out_set(ctx, i, ol_in_type(ctx, j));
}

void ol_out_elem_like(ol_ctx *ctx, size_t i, size_t j)
{
    int32_t elem = ol_in_elem(ctx, j);
    ol_out_tensor(ctx, i, elem, -1);
}

void ol_out_data(ol_ctx *ctx, size_t i, ol_data *data)
{
    if (ol_out_has(ctx, i))
        ctx->node->outputs[i]->data = data;
}

ol_data *ol_data_new(ol_ctx *ctx, int32_t elem_type, size_t count)
{
    if (count > OL_MAX_PROPAGATED_ELEMENTS)
        return NULL;
    ol_data *d = ol_arena_calloc(ctx->arena, 1, sizeof *d);
    int64_t *dims = ol_arena_alloc(ctx->arena, sizeof *dims);
    if (!d || !dims)
        return NULL;
    d->elem_type = elem_type;
    d->count = count;
    d->rank = 1;
    dims[0] = (int64_t)count;
    d->dims = dims;
    if (ol_elem_is_floating(elem_type))
        d->reals = ol_arena_calloc(ctx->arena, count + 1, sizeof *d->reals);
    else
        d->values = ol_arena_calloc(ctx->arena, count + 1, sizeof *d->values);
    if (!d->reals && !d->values)
        return NULL;
    return d;
}

/* ---- attributes ---- */

static const Onnx__AttributeProto *attr(const ol_ctx *ctx, const char *name, ol_attr_type type)
{
    const Onnx__AttributeProto *a = ol_node_attribute(ctx->node, name);
    if (!a || (a->has_type && (ol_attr_type)a->type != type))
        return NULL;
    return a;
}

bool ol_attr_has(const ol_ctx *ctx, const char *name)
{
    return ol_node_attribute(ctx->node, name) != NULL;
}

int64_t ol_attr_int(const ol_ctx *ctx, const char *name, int64_t fallback)
{
    const Onnx__AttributeProto *a = attr(ctx, name, OL_ATTR_INT);
    return a && (a->has_i || a->has_type) ? a->i : fallback;
}

float ol_attr_float(const ol_ctx *ctx, const char *name, float fallback)
{
    const Onnx__AttributeProto *a = attr(ctx, name, OL_ATTR_FLOAT);
    return a && (a->has_f || a->has_type) ? a->f : fallback;
}

const char *ol_attr_string(const ol_ctx *ctx, const char *name, const char *fallback)
{
    const Onnx__AttributeProto *a = attr(ctx, name, OL_ATTR_STRING);
    if (!a || !a->has_s)
        return fallback;
    char *s = ol_arena_strndup(ctx->arena, (const char *)a->s.data, a->s.len);
    return s ? s : fallback;
}

const int64_t *ol_attr_ints(const ol_ctx *ctx, const char *name, size_t *n)
{
    const Onnx__AttributeProto *a = attr(ctx, name, OL_ATTR_INTS);
    *n = a ? a->n_ints : 0;
    return a ? a->ints : NULL;
}

const float *ol_attr_floats(const ol_ctx *ctx, const char *name, size_t *n)
{
    const Onnx__AttributeProto *a = attr(ctx, name, OL_ATTR_FLOATS);
    *n = a ? a->n_floats : 0;
    return a ? a->floats : NULL;
}

const ol_graph *ol_attr_graph(const ol_ctx *ctx, const char *name)
{
    const ol_node *node = ctx->node;
    for (size_t i = 0; i < node->n_subgraphs; i++) {
        if (node->subgraphs[i]->owner_attribute && strcmp(node->subgraphs[i]->owner_attribute, name) == 0)
            return node->subgraphs[i];
    }
    return NULL;
}

const ol_data *ol_attr_tensor(ol_ctx *ctx, const char *name, ol_type *type)
{
    const ol_node *node = ctx->node;
    for (size_t i = 0; i < node->n_attributes; i++) {
        const Onnx__AttributeProto *a = node->attributes[i];
        if (!a->name || strcmp(a->name, name) != 0 || !a->t || !node->attribute_tensors)
            continue;
        const ol_tensor *t = node->attribute_tensors[i];
        if (!t)
            return NULL;
        if (type) {
            memset(type, 0, sizeof *type);
            type->kind = OL_TYPE_TENSOR;
            type->elem_type = t->elem_type;
            type->shape.rank = t->rank;
            type->shape.dims = ol_arena_calloc(ctx->arena, (size_t)t->rank + 1, sizeof(ol_dim));
            if (!type->shape.dims)
                type->shape.rank = OL_RANK_UNKNOWN;
            for (int k = 0; type->shape.dims && k < t->rank; k++)
                type->shape.dims[k] = ol_dim_value(t->dims[k]);
        }
        return ol_tensor_read(ctx->infer->model, t);
    }
    return NULL;
}

/* ---- findings and messages ---- */

void ol_error(ol_ctx *ctx, const char *rule, const char *fmt, ...)
{
    char message[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    ctx->infer->errors_raised++;
    ol_model_diagnostic(ctx->infer->model, ONNXLINT_ERROR, rule, ctx->node, "%s (%s)", message,
                        ctx->node->op_type);
}

const char *ol_type_str(ol_ctx *ctx, const ol_type *type)
{
    char buf[512];
    ol_type_text(type, buf, sizeof buf);
    char *s = ol_arena_strndup(ctx->arena, buf, strlen(buf));
    return s ? s : "?";
}

const char *ol_dim_str(ol_ctx *ctx, ol_dim d)
{
    char buf[256], shown[256];
    ol_dim_text(ol_dim_resolve(ctx->exprs, d), buf, sizeof buf);
    ol_escape(shown, sizeof shown, buf, strlen(buf), false);
    char *s = ol_arena_strndup(ctx->arena, shown, strlen(shown));
    return s ? s : "?";
}

/* ---- shape helpers ---- */

ol_dim ol_dim_merge(ol_ctx *ctx, ol_dim a, ol_dim b, const char *what)
{
    if (a.kind == OL_DIM_UNKNOWN)
        return b;
    if (b.kind == OL_DIM_UNKNOWN)
        return a;
    char where[32];
    if (!ol_exprs_unify(ctx->exprs, a, b, ol_node_display_name(ctx->node, where, sizeof where))) {
        ol_error(ctx, "shape-error", "%s: %s vs %s", what, ol_dim_str(ctx, a), ol_dim_str(ctx, b));
        return a;
    }
    a = ol_dim_resolve(ctx->exprs, a);
    b = ol_dim_resolve(ctx->exprs, b);
    return a.kind == OL_DIM_VALUE ? a : b.kind == OL_DIM_VALUE ? b : a;
}

static bool is_one(ol_dim d)
{
    return d.kind == OL_DIM_VALUE && d.value == 1;
}

/* A dim that broadcasting cannot turn into another: a size other than 1,
 * or an expression that is at least 2 for every value of its symbols. */
static bool settles(ol_ctx *ctx, ol_dim d)
{
    return d.kind == OL_DIM_VALUE ? d.value != 1 : ol_dim_at_least(ctx->exprs, d, 2);
}

bool ol_broadcast_step(ol_ctx *ctx, ol_broadcast_acc *acc, ol_dim d)
{
    d = ol_dim_resolve(ctx->exprs, d);
    if (is_one(d))
        return true;
    if (d.kind == OL_DIM_UNKNOWN) {
        acc->open |= !settles(ctx, acc->dim);
        return true;
    }
    if (settles(ctx, d)) {
        if (!settles(ctx, acc->dim)) {
            acc->dim = d; /* every other operand is 1 or d */
            acc->open = false;
        } else if (acc->dim.kind == OL_DIM_VALUE && d.kind == OL_DIM_VALUE) {
            return acc->dim.value == d.value;
        } else if (d.kind == OL_DIM_VALUE) {
            acc->dim = d;
        }
        return true;
    }
    /* d is a symbol that may be 1 */
    if (settles(ctx, acc->dim) || ol_dim_equal(ctx->exprs, acc->dim, d))
        return true;
    if (is_one(acc->dim))
        acc->dim = d;
    else
        acc->open = true; /* N against M: N, M, or either */
    return true;
}

ol_dim ol_broadcast_result(const ol_broadcast_acc *acc)
{
    return acc->open ? ol_dim_unknown() : acc->dim;
}

bool ol_broadcast(ol_ctx *ctx, const ol_shape *const *shapes, size_t n, ol_shape *out)
{
    int rank = 0;
    out->rank = OL_RANK_UNKNOWN;
    out->dims = NULL;
    for (size_t i = 0; i < n; i++) {
        if (!shapes[i])
            return false;
        if (shapes[i]->rank > rank)
            rank = shapes[i]->rank;
    }
    ol_dim *dims = ol_arena_calloc(ctx->arena, (size_t)rank + 1, sizeof *dims);
    if (!dims)
        return false;
    bool ok = true;
    for (int axis = 0; axis < rank; axis++) {
        ol_broadcast_acc acc = {ol_dim_value(1), false};
        for (size_t i = 0; i < n; i++) {
            int k = axis - (rank - shapes[i]->rank);
            if (k < 0)
                continue;
            ol_dim before = acc.dim, d = ol_dim_resolve(ctx->exprs, shapes[i]->dims[k]);
            if (!ol_broadcast_step(ctx, &acc, d)) {
                char a[512], b[512];
                ol_type ta = {.kind = OL_TYPE_TENSOR, .shape = *shapes[0]};
                ol_type tb = {.kind = OL_TYPE_TENSOR, .shape = *shapes[i]};
                ol_type_text(&ta, a, sizeof a);
                ol_type_text(&tb, b, sizeof b);
                ol_error(ctx, "shape-error", "cannot broadcast %s with %s: dim %lld vs %lld",
                         strchr(a, '[') ? strchr(a, '[') : a, strchr(b, '[') ? strchr(b, '[') : b,
                         (long long)before.value, (long long)d.value);
                ok = false;
            }
        }
        dims[axis] = ol_broadcast_result(&acc);
    }
    out->rank = rank;
    out->dims = dims;
    return ok;
}

int ol_axis(ol_ctx *ctx, int64_t axis, int rank, bool inclusive, const char *what)
{
    int64_t limit = inclusive ? rank + 1 : rank;
    if (axis < -limit || axis >= limit) {
        ol_error(ctx, "shape-error", "%s %lld is out of range for rank %d", what, (long long)axis, rank);
        return -1;
    }
    return (int)(axis < 0 ? axis + limit : axis);
}

ol_dim ol_shape_product(ol_ctx *ctx, const ol_shape *shape, int begin, int end)
{
    ol_dim p = ol_dim_value(1);
    for (int i = begin; i < end; i++)
        p = ol_dim_mul(ctx->exprs, p, shape->dims[i]);
    return p;
}
