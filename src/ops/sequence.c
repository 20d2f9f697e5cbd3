/*
 * sequence.c - inference for sequences and optionals (onnx/defs/sequence, onnx/defs/optional).
 *
 * A sequence's type gives one element type for all its tensors: the join
 * of their shapes (equal dims kept, differing ones unknown, differing ranks
 * an unknown rank), so inserting a tensor of another shape is no error.
 * Besides its type, a sequence or optional value may carry an ol_data of
 * element type OL_ELEM_UNDEFINED whose count is how many tensors it holds
 * (its values are unknown dims, so that code reading it as a tensor's
 * values learns nothing wrong).  That count is known where the value is
 * built (SequenceEmpty, SequenceConstruct of three tensors, SplitToSequence
 * of a known dim, Optional with or without its input) and gives
 * SequenceLength's value, ConcatFromSequence's concatenated dim, range
 * checks of positions, OptionalHasElement's value, and lets an empty
 * sequence constrain no element shape (controlflow.c's Loop relies on the
 * same convention).
 *
 * The kernels build new values sharing the unchanged items (values are
 * immutable once made).  An optional holding a tensor has it in both
 * `tensor` and items[0]; holding a sequence, in items[0].  As opset 18
 * allows, OptionalHasElement and OptionalGetElement also take a plain
 * tensor or sequence (its own element): a Loop body declaring an optional
 * carried value receives what the previous iteration returned.
 *
 * One inference function and one kernel per operator, registered in the
 * table at the end (sorted by domain, then name).
 */
#include <string.h>

#include "eval/eval.h"
#include "ops/common.h"
#include "ops/families.h"

enum { ELEM_FLOAT = 1, ELEM_INT64 = 7, ELEM_BOOL = 9 };

/* Nesting of types read from a TYPE_PROTO attribute. */
#define MAX_TYPE_DEPTH 16

/* ---- types and counts ---- */

static ol_type unknown_type(void)
{
    ol_type t = {0};
    t.shape.rank = OL_RANK_UNKNOWN;
    return t;
}

static bool is_none(const ol_type *t)
{
    return !t || t->kind == OL_TYPE_NONE;
}

/* The element type of input i when it is a sequence that has one, else
 * NULL. */
static const ol_type *seq_elem(const ol_ctx *ctx, size_t i)
{
    const ol_type *t = ol_in_type(ctx, i);
    return t && t->kind == OL_TYPE_SEQUENCE && !is_none(t->elem) ? t->elem : NULL;
}

/* True with *n the number of tensors input i (a sequence or optional)
 * holds, when that is known. */
static bool held_count(const ol_ctx *ctx, size_t i, size_t *n)
{
    const ol_type *t = ol_in_type(ctx, i);
    const ol_data *d = ol_in_data(ctx, i);
    if (!t || (t->kind != OL_TYPE_SEQUENCE && t->kind != OL_TYPE_OPTIONAL) || !d ||
        d->elem_type != OL_ELEM_UNDEFINED)
        return false;
    *n = d->count;
    return true;
}

/* Records that output out holds n tensors. */
static void set_held_count(ol_ctx *ctx, size_t out, size_t n)
{
    ol_data *d = ol_data_new(ctx, OL_ELEM_UNDEFINED, n);
    if (d)
        ol_out_data(ctx, out, d);
}

/* Output out becomes a sequence or optional (kind) of elem (NULL: an
 * unknown element). */
static void out_container(ol_ctx *ctx, size_t out, ol_type_kind kind, const ol_type *elem)
{
    ol_type t = unknown_type(), e;
    t.kind = kind;
    if (!is_none(elem)) {
        e = *elem;
        t.elem = &e;
    }
    ol_out_set(ctx, out, &t);
}

/* The tensor type covering tensors of types a and b (either may be
 * unknown): one element type, equal dims kept, others unknown. */
static ol_type join_tensors(ol_ctx *ctx, const ol_type *a, const ol_type *b)
{
    ol_type out = unknown_type();
    out.kind = OL_TYPE_TENSOR;
    out.elem_type = a && a->elem_type ? a->elem_type : b ? b->elem_type : 0;
    if (is_none(a) || is_none(b) || a->shape.rank < 0 || a->shape.rank != b->shape.rank)
        return out;
    ol_dim *dims = ol_arena_calloc(ctx->arena, (size_t)a->shape.rank + 1, sizeof *dims);
    if (!dims)
        return out;
    for (int i = 0; i < a->shape.rank; i++) {
        if (ol_dim_equal(ctx->exprs, a->shape.dims[i], b->shape.dims[i]))
            dims[i] = ol_dim_resolve(ctx->exprs, a->shape.dims[i]);
    }
    out.shape.rank = a->shape.rank;
    out.shape.dims = dims;
    return out;
}

/* Reports a known position (input i) outside [-n, n - 1 + extra] of a
 * sequence of n tensors (extra 1 where a position may be the end). */
static void check_position(ol_ctx *ctx, size_t i, size_t n, int extra)
{
    const ol_data *d = ol_in_data(ctx, i);
    if (!d || d->count != 1 || !d->values || d->values[0].kind != OL_DIM_VALUE)
        return;
    int64_t p = d->values[0].value, low = -(int64_t)n, high = (int64_t)n - 1 + extra;
    if (p < low || p > high)
        ol_error(ctx, "shape-error", "position %lld is out of range [%lld, %lld] for a sequence of %zu tensors",
                 (long long)p, (long long)low, (long long)high, n);
}

/* A scalar output with one known value. */
static void out_scalar_value(ol_ctx *ctx, size_t out, int32_t elem, int64_t value)
{
    ol_data *d = ol_data_new(ctx, elem, 1);
    if (!d)
        return;
    d->rank = 0;
    d->values[0] = ol_dim_value(value);
    ol_out_data(ctx, out, d);
}

/* ---- sequences ---- */

static void infer_SequenceEmpty(ol_ctx *ctx)
{
    int64_t dtype = ol_attr_int(ctx, "dtype", ELEM_FLOAT);
    ol_type elem = unknown_type();
    elem.kind = OL_TYPE_TENSOR;
    if (dtype <= OL_ELEM_UNDEFINED || dtype > OL_ELEM_MAX || !ol_elem_type_name((int32_t)dtype))
        ol_error(ctx, "type-error", "dtype %lld is not a tensor element type", (long long)dtype);
    else
        elem.elem_type = (int32_t)dtype;
    out_container(ctx, 0, OL_TYPE_SEQUENCE, &elem);
    set_held_count(ctx, 0, 0);
}

static void infer_SequenceConstruct(ol_ctx *ctx)
{
    size_t n = ol_in_count(ctx);
    ol_type elem = unknown_type();
    for (size_t i = 0; i < n; i++) {
        const ol_type *t = ol_in_type(ctx, i);
        if (i == 0 && !is_none(t))
            elem = *t;
        else
            elem = join_tensors(ctx, i == 0 ? NULL : &elem, t);
    }
    bool nothing_known = !elem.elem_type && elem.shape.rank < 0;
    out_container(ctx, 0, OL_TYPE_SEQUENCE, nothing_known ? NULL : &elem);
    set_held_count(ctx, 0, n);
}

static void infer_SequenceInsert(ol_ctx *ctx)
{
    const ol_type *elem = seq_elem(ctx, 0), *t = ol_in_type(ctx, 1);
    int32_t held = elem ? elem->elem_type : 0, inserted = ol_in_elem(ctx, 1);
    if (held && inserted && held != inserted)
        ol_error(ctx, "type-error", "cannot insert %s into %s", ol_type_str(ctx, t),
                 ol_type_str(ctx, ol_in_type(ctx, 0)));
    size_t n = 0;
    bool known = held_count(ctx, 0, &n);
    ol_type joined;
    if (known && n == 0 && !is_none(t)) {
        joined = *t; /* the first tensor alone says the element shape */
        if (!joined.elem_type)
            joined.elem_type = held;
    } else {
        joined = join_tensors(ctx, elem, t);
    }
    out_container(ctx, 0, OL_TYPE_SEQUENCE, &joined);
    if (!known)
        return;
    if (ol_in_has(ctx, 2))
        check_position(ctx, 2, n, 1);
    set_held_count(ctx, 0, n + 1);
}

static void infer_SequenceAt(ol_ctx *ctx)
{
    const ol_type *elem = seq_elem(ctx, 0);
    size_t n;
    if (held_count(ctx, 0, &n)) {
        if (n == 0)
            ol_error(ctx, "shape-error", "the sequence is empty: there is no tensor to take");
        else
            check_position(ctx, 1, n, 0);
    }
    if (elem)
        ol_out_set(ctx, 0, elem);
}

static void infer_SequenceErase(ol_ctx *ctx)
{
    ol_out_like(ctx, 0, 0);
    size_t n;
    if (!held_count(ctx, 0, &n))
        return;
    if (n == 0) {
        ol_error(ctx, "shape-error", "the sequence is empty: there is no tensor to erase");
        return;
    }
    if (ol_in_has(ctx, 1))
        check_position(ctx, 1, n, 0);
    set_held_count(ctx, 0, n - 1);
}

static void infer_SequenceLength(ol_ctx *ctx)
{
    ol_out_tensor(ctx, 0, ELEM_INT64, 0);
    size_t n;
    if (held_count(ctx, 0, &n))
        out_scalar_value(ctx, 0, ELEM_INT64, (int64_t)n);
}

static void infer_ConcatFromSequence(ol_ctx *ctx)
{
    const ol_type *elem = seq_elem(ctx, 0);
    int32_t dtype = elem && elem->kind == OL_TYPE_TENSOR ? elem->elem_type : 0;
    int64_t new_axis = ol_attr_int(ctx, "new_axis", 0);
    if (new_axis != 0 && new_axis != 1) {
        ol_error(ctx, "shape-error", "new_axis must be 0 or 1, not %lld", (long long)new_axis);
        ol_out_tensor(ctx, 0, dtype, -1);
        return;
    }
    size_t n = 0;
    bool known = held_count(ctx, 0, &n);
    if (known && n == 0)
        ol_error(ctx, "shape-error", "the sequence is empty: there is nothing to concatenate");
    if (!elem || elem->kind != OL_TYPE_TENSOR || elem->shape.rank < 0 || !ol_attr_has(ctx, "axis")) {
        ol_out_tensor(ctx, 0, dtype, -1);
        return;
    }
    int rank = elem->shape.rank;
    if (!new_axis && rank == 0) {
        ol_error(ctx, "shape-error", "cannot concatenate scalars (%s) without new_axis", ol_type_str(ctx, elem));
        ol_out_tensor(ctx, 0, dtype, -1);
        return;
    }
    int axis = ol_axis(ctx, ol_attr_int(ctx, "axis", 0), rank, new_axis == 1, "axis");
    if (axis < 0) {
        ol_out_tensor(ctx, 0, dtype, new_axis ? rank + 1 : rank);
        return;
    }
    ol_dim count = known && n > 0 ? ol_dim_value((int64_t)n) : ol_dim_unknown();
    ol_dim *dims = ol_out_tensor(ctx, 0, dtype, new_axis ? rank + 1 : rank);
    if (!dims)
        return;
    for (int i = 0, k = 0; i < rank + (int)new_axis; i++) {
        if (new_axis && i == axis)
            dims[i] = count;
        else
            dims[i] = elem->shape.dims[k++];
    }
    /* Along an existing axis every tensor adds its own size: n times the
     * element's when all agree (the element type says so). */
    if (!new_axis)
        dims[axis] = ol_dim_mul(ctx->exprs, count, elem->shape.dims[axis]);
}

/* SplitToSequence's element shape along the axis when split is a known
 * scalar chunk size: the chunk when it divides the dim (or is 1); sets
 * *length to the number of chunks when known (-1 otherwise). */
static ol_dim split_by_chunk(ol_ctx *ctx, ol_dim size, ol_dim chunk, int64_t *length)
{
    *length = -1;
    if (chunk.kind != OL_DIM_VALUE)
        return ol_dim_unknown();
    if (chunk.value <= 0) {
        ol_error(ctx, "shape-error", "split must be positive, not %lld", (long long)chunk.value);
        return ol_dim_unknown();
    }
    if (size.kind == OL_DIM_VALUE)
        *length = (size.value + chunk.value - 1) / chunk.value;
    if (chunk.value == 1 || (size.kind == OL_DIM_VALUE && size.value % chunk.value == 0))
        return chunk;
    return ol_dim_unknown();
}

/* SplitToSequence's element shape along the axis for a known list of
 * sizes: they must add up to the dim; one size when they all agree. */
static ol_dim split_by_sizes(ol_ctx *ctx, ol_dim size, const ol_data *split)
{
    if (split->count == 0) {
        ol_error(ctx, "shape-error", "split is empty");
        return ol_dim_unknown();
    }
    ol_dim sum = ol_dim_value(0), first = split->values[0];
    bool same = true;
    for (size_t k = 0; k < split->count; k++) {
        ol_dim v = split->values[k];
        if (v.kind == OL_DIM_VALUE && v.value <= 0) {
            ol_error(ctx, "shape-error", "split sizes must be positive, not %lld", (long long)v.value);
            return ol_dim_unknown();
        }
        sum = ol_dim_add(ctx->exprs, sum, v);
        same = same && ol_dim_equal(ctx->exprs, v, first);
    }
    ol_dim_merge(ctx, size, sum, "the split axis vs the sum of split");
    return same ? first : ol_dim_unknown();
}

static void infer_SplitToSequence(ol_ctx *ctx)
{
    int32_t dtype = ol_in_elem(ctx, 0);
    const ol_shape *s = ol_in_shape(ctx, 0);
    bool has_split = ol_in_has(ctx, 1);
    const ol_data *split = has_split ? ol_in_data(ctx, 1) : NULL;
    const ol_shape *split_shape = has_split ? ol_in_shape(ctx, 1) : NULL;
    int split_rank = split ? split->rank : split_shape ? split_shape->rank : OL_RANK_UNKNOWN;
    if (split && !split->values)
        split = NULL;
    if (split_rank > 1) {
        ol_error(ctx, "shape-error", "split must be a scalar or 1-D, not %s", ol_type_str(ctx, ol_in_type(ctx, 1)));
        split = NULL;
    }
    ol_type elem = unknown_type();
    elem.kind = OL_TYPE_TENSOR;
    elem.elem_type = dtype;
    int64_t length = -1;
    if (split && split_rank == 1)
        length = (int64_t)split->count;
    else if (split_shape && split_shape->rank == 1 && split_shape->dims[0].kind == OL_DIM_VALUE)
        length = split_shape->dims[0].value;
    int axis = s ? ol_axis(ctx, ol_attr_int(ctx, "axis", 0), s->rank, false, "axis") : -1;
    if (axis >= 0) {
        ol_dim size = s->dims[axis], part = ol_dim_unknown();
        bool keep = true;
        if (!has_split) {
            keep = ol_attr_int(ctx, "keepdims", 1) != 0;
            part = ol_dim_value(1);
            if (size.kind == OL_DIM_VALUE)
                length = size.value;
        } else if (split && split_rank == 0 && split->count == 1) {
            part = split_by_chunk(ctx, size, split->values[0], &length);
        } else if (split && split_rank == 1) {
            part = split_by_sizes(ctx, size, split);
        }
        int rank = keep ? s->rank : s->rank - 1;
        ol_dim *dims = ol_arena_calloc(ctx->arena, (size_t)rank + 1, sizeof *dims);
        if (dims) {
            for (int i = 0, k = 0; i < s->rank; i++) {
                if (i != axis)
                    dims[k++] = s->dims[i];
                else if (keep)
                    dims[k++] = part;
            }
            elem.shape.rank = rank;
            elem.shape.dims = dims;
        }
    }
    out_container(ctx, 0, OL_TYPE_SEQUENCE, &elem);
    if (length >= 0)
        set_held_count(ctx, 0, (size_t)length);
}

static void infer_SequenceMap(ol_ctx *ctx)
{
    const ol_graph *body = ol_attr_graph(ctx, "body");
    size_t n_in = ol_in_count(ctx), n_out = ol_out_count(ctx);
    if (!body)
        return;
    if (body->n_inputs != n_in)
        ol_error(ctx, "type-error", "the body takes %zu inputs but the SequenceMap gives %zu", body->n_inputs, n_in);
    if (body->n_outputs != n_out)
        ol_error(ctx, "type-error", "the body returns %zu outputs but the SequenceMap has %zu", body->n_outputs,
                 n_out);
    size_t length = 0;
    bool known = held_count(ctx, 0, &length);
    const ol_type **given = ol_arena_calloc(ctx->arena, n_in + 1, sizeof *given);
    ol_type *outs = ol_arena_calloc(ctx->arena, n_out + 1, sizeof *outs);
    if (!given || !outs)
        return;
    for (size_t i = 0; i < n_in; i++) {
        const ol_type *t = ol_in_type(ctx, i);
        size_t n;
        /* A sequence gives the body one of its tensors; other inputs go
         * whole. */
        given[i] = t && t->kind == OL_TYPE_SEQUENCE ? seq_elem(ctx, i) : t;
        if (i > 0 && known && held_count(ctx, i, &n) && n != length && t->kind == OL_TYPE_SEQUENCE)
            ol_error(ctx, "shape-error", "input %zu holds %zu tensors but input_sequence holds %zu", i, n, length);
    }
    if (!ol_infer_subgraph(ctx, body, given, n_in, outs, n_out))
        return;
    for (size_t o = 0; o < n_out; o++) {
        out_container(ctx, o, OL_TYPE_SEQUENCE, &outs[o]);
        if (known)
            set_held_count(ctx, o, length);
    }
}

/* ---- optionals ---- */

/* Reads a TypeProto (an attribute's) into out; false when it says no
 * type or nests deeper than MAX_TYPE_DEPTH. */
static bool type_from_proto(ol_ctx *ctx, const Onnx__TypeProto *tp, ol_type *out, int depth)
{
    *out = unknown_type();
    if (!tp || depth >= MAX_TYPE_DEPTH)
        return false;
    const Onnx__TypeProto *inner = NULL;
    const Onnx__TensorShapeProto *shape = NULL;
    switch (tp->value_case) {
    case ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE:
    case ONNX__TYPE_PROTO__VALUE_SPARSE_TENSOR_TYPE: {
        bool sparse = tp->value_case == ONNX__TYPE_PROTO__VALUE_SPARSE_TENSOR_TYPE;
        out->kind = sparse ? OL_TYPE_SPARSE_TENSOR : OL_TYPE_TENSOR;
        out->elem_type = sparse ? tp->sparse_tensor_type->elem_type : tp->tensor_type->elem_type;
        shape = sparse ? tp->sparse_tensor_type->shape : tp->tensor_type->shape;
        break;
    }
    case ONNX__TYPE_PROTO__VALUE_SEQUENCE_TYPE:
        out->kind = OL_TYPE_SEQUENCE;
        inner = tp->sequence_type->elem_type;
        break;
    case ONNX__TYPE_PROTO__VALUE_OPTIONAL_TYPE:
        out->kind = OL_TYPE_OPTIONAL;
        inner = tp->optional_type->elem_type;
        break;
    case ONNX__TYPE_PROTO__VALUE_MAP_TYPE:
        out->kind = OL_TYPE_MAP;
        out->key_type = ol_key_type(tp->map_type->key_type);
        inner = tp->map_type->value_type;
        break;
    default:
        return false;
    }
    if (shape && shape->n_dim <= OL_MAX_RANK) {
        ol_dim *dims = ol_arena_calloc(ctx->arena, shape->n_dim + 1, sizeof *dims);
        if (!dims)
            return true;
        for (size_t i = 0; i < shape->n_dim; i++) {
            const Onnx__TensorShapeProto__Dimension *d = shape->dim[i];
            if (d->value_case == ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE && d->dim_value >= 0)
                dims[i] = ol_dim_value(d->dim_value);
            else if (d->value_case == ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM && d->dim_param &&
                     d->dim_param[0])
                dims[i] = ol_dim_named(ctx->exprs, d->dim_param);
        }
        out->shape.rank = (int)shape->n_dim;
        out->shape.dims = dims;
    }
    if (inner) {
        ol_type *e = ol_arena_alloc(ctx->arena, sizeof *e);
        if (e && type_from_proto(ctx, inner, e, depth + 1))
            out->elem = e;
    }
    return true;
}

static void infer_Optional(ol_ctx *ctx)
{
    if (ol_in_has(ctx, 0)) {
        out_container(ctx, 0, OL_TYPE_OPTIONAL, ol_in_type(ctx, 0));
        set_held_count(ctx, 0, 1);
        return;
    }
    const Onnx__AttributeProto *a = ol_node_attribute(ctx->node, "type");
    ol_type elem;
    if (!a || !a->tp || !type_from_proto(ctx, a->tp, &elem, 0)) {
        ol_error(ctx, "type-error", "an Optional without input needs its type attribute");
        return;
    }
    out_container(ctx, 0, OL_TYPE_OPTIONAL, &elem);
    set_held_count(ctx, 0, 0);
}

static void infer_OptionalGetElement(ol_ctx *ctx)
{
    const ol_type *t = ol_in_type(ctx, 0);
    if (is_none(t))
        return;
    if (t->kind != OL_TYPE_OPTIONAL) {
        /* opset 18: a tensor or a sequence is its own element */
        ol_out_like(ctx, 0, 0);
        ol_pass_data(ctx, 0, 0);
        return;
    }
    size_t n;
    if (held_count(ctx, 0, &n) && n == 0)
        ol_error(ctx, "type-error", "the optional is always empty: there is no element to get");
    if (!is_none(t->elem))
        ol_out_set(ctx, 0, t->elem);
}

static void infer_OptionalHasElement(ol_ctx *ctx)
{
    ol_out_tensor(ctx, 0, ELEM_BOOL, 0);
    const ol_type *t = ol_in_type(ctx, 0);
    size_t n;
    if (!ol_in_has(ctx, 0))
        out_scalar_value(ctx, 0, ELEM_BOOL, 0); /* opset 18: no input, no element */
    else if (t && (t->kind == OL_TYPE_TENSOR || t->kind == OL_TYPE_SEQUENCE))
        out_scalar_value(ctx, 0, ELEM_BOOL, 1);
    else if (held_count(ctx, 0, &n))
        out_scalar_value(ctx, 0, ELEM_BOOL, n > 0);
}

/* ---- kernels ---- */

/* A new value of kind holding n item slots (filled by the caller). */
static ol_rvalue *new_value(ol_kctx *k, ol_rvalue_kind kind, size_t n, int32_t elem_type)
{
    ol_rvalue *v = ol_k_alloc(k, sizeof *v);
    if (!v)
        return NULL;
    memset(v, 0, sizeof *v);
    v->kind = kind;
    v->elem_type = elem_type;
    if (n) {
        v->items = ol_k_alloc(k, n * sizeof *v->items);
        if (!v->items)
            return NULL;
        memset(v->items, 0, n * sizeof *v->items);
    }
    v->n_items = n;
    return v;
}

/* An element type's name for messages. */
static const char *type_name(int32_t elem_type)
{
    const char *name = ol_elem_type_name(elem_type);
    return name ? name : "?";
}

/* Input i as a value the outputs may share (values are immutable). */
static ol_rvalue *shared_input(const ol_kctx *k, size_t i)
{
    return i < k->n_inputs ? k->inputs[i] : NULL;
}

/* Input i as a sequence; NULL (after ol_k_fail) when it is not one. */
static const ol_rvalue *sequence_input(ol_kctx *k, size_t i)
{
    const ol_rvalue *v = ol_k_in_value(k, i);
    if (!v || v->kind != OL_RV_SEQUENCE) {
        ol_k_fail(k, "input %zu must be a sequence", i);
        return NULL;
    }
    return v;
}

/* The element type of the tensors a sequence holds (0 when unknown). */
static int32_t held_elem_type(const ol_rvalue *seq)
{
    for (size_t i = 0; i < seq->n_items; i++) {
        if (seq->items[i] && seq->items[i]->kind == OL_RV_TENSOR && seq->items[i]->tensor)
            return seq->items[i]->tensor->elem_type;
    }
    return seq->elem_type;
}

/* Item i of a sequence as a tensor; NULL (after ol_k_fail) otherwise. */
static const ol_array *held_tensor(ol_kctx *k, const ol_rvalue *seq, size_t i)
{
    const ol_rvalue *v = seq->items[i];
    if (!v || v->kind != OL_RV_TENSOR || !v->tensor) {
        ol_k_fail(k, "item %zu of the sequence is not a tensor", i);
        return NULL;
    }
    return v->tensor;
}

/* The position input i (an integer scalar) into *pos, checked against
 * [-n, n - 1 + extra] and made non-negative. */
static bool read_position(ol_kctx *k, size_t i, size_t n, int extra, size_t *pos)
{
    const ol_array *p = ol_k_in(k, i);
    if (!p || !ol_elem_is_integral(p->elem_type) || p->count != 1)
        return ol_k_fail(k, "position must be an integer scalar, not %s", p ? ol_k_shape(k, p) : "absent");
    int64_t v = ol_array_get_i64(p, 0), low = -(int64_t)n, high = (int64_t)n - 1 + extra;
    if (v < low || v > high)
        return ol_k_fail(k, "position %lld is out of range [%lld, %lld] for a sequence of %zu tensors", (long long)v,
                         (long long)low, (long long)high, n);
    *pos = (size_t)(v < 0 ? v + (int64_t)n : v);
    return true;
}

/* A normalised axis in [0, rank); false (after ol_k_fail) when out of
 * [-rank, rank - 1]. */
static bool norm_axis(ol_kctx *k, int64_t axis, int rank, int *out)
{
    if (axis < -(int64_t)rank || axis >= (int64_t)rank)
        return ol_k_fail(k, "axis %lld is out of range [%d, %d]", (long long)axis, -rank, rank - 1);
    *out = (int)(axis < 0 ? axis + rank : axis);
    return true;
}

static bool kernel_SequenceEmpty(ol_kctx *k)
{
    int64_t dtype = ol_attr_int(&k->infer, "dtype", ELEM_FLOAT);
    if (dtype <= OL_ELEM_UNDEFINED || dtype > OL_ELEM_MAX || !ol_elem_size((int32_t)dtype))
        return ol_k_fail(k, "dtype %lld is not a supported tensor element type", (long long)dtype);
    ol_rvalue *v = new_value(k, OL_RV_SEQUENCE, 0, (int32_t)dtype);
    if (!v)
        return false;
    ol_k_out_value(k, 0, v);
    return true;
}

static bool kernel_SequenceConstruct(ol_kctx *k)
{
    size_t n = k->n_inputs;
    if (n == 0)
        return ol_k_fail(k, "needs at least one tensor");
    const ol_array *first = ol_k_in(k, 0);
    ol_rvalue *v = new_value(k, OL_RV_SEQUENCE, n, first ? first->elem_type : 0);
    if (!v)
        return false;
    for (size_t i = 0; i < n; i++) {
        const ol_array *a = ol_k_in(k, i);
        if (!a)
            return ol_k_fail(k, "input %zu must be a tensor", i);
        if (a->elem_type != first->elem_type)
            return ol_k_fail(k, "input %zu is %s but input 0 is %s", i, type_name(a->elem_type),
                             type_name(first->elem_type));
        v->items[i] = shared_input(k, i);
    }
    ol_k_out_value(k, 0, v);
    return true;
}

static bool kernel_SequenceInsert(ol_kctx *k)
{
    const ol_rvalue *seq = sequence_input(k, 0);
    const ol_array *t = ol_k_in(k, 1);
    if (!seq)
        return false;
    if (!t)
        return ol_k_fail(k, "input 1 must be a tensor");
    int32_t held = held_elem_type(seq);
    if (held && held != t->elem_type)
        return ol_k_fail(k, "cannot insert a %s tensor into a sequence of %s", type_name(t->elem_type),
                         type_name(held));
    size_t n = seq->n_items, pos = n;
    if (ol_k_in_value(k, 2) && !read_position(k, 2, n, 1, &pos))
        return false;
    ol_rvalue *v = new_value(k, OL_RV_SEQUENCE, n + 1, t->elem_type);
    if (!v)
        return false;
    for (size_t i = 0, j = 0; i <= n; i++)
        v->items[i] = i == pos ? shared_input(k, 1) : seq->items[j++];
    ol_k_out_value(k, 0, v);
    return true;
}

static bool kernel_SequenceAt(ol_kctx *k)
{
    const ol_rvalue *seq = sequence_input(k, 0);
    size_t pos;
    if (!seq)
        return false;
    if (seq->n_items == 0)
        return ol_k_fail(k, "the sequence is empty: there is no tensor to take");
    if (!read_position(k, 1, seq->n_items, 0, &pos))
        return false;
    ol_k_out_value(k, 0, seq->items[pos]);
    return true;
}

static bool kernel_SequenceErase(ol_kctx *k)
{
    const ol_rvalue *seq = sequence_input(k, 0);
    if (!seq)
        return false;
    size_t n = seq->n_items, pos = n ? n - 1 : 0;
    if (n == 0)
        return ol_k_fail(k, "the sequence is empty: there is no tensor to erase");
    if (ol_k_in_value(k, 1) && !read_position(k, 1, n, 0, &pos))
        return false;
    ol_rvalue *v = new_value(k, OL_RV_SEQUENCE, n - 1, held_elem_type(seq));
    if (!v)
        return false;
    for (size_t i = 0, j = 0; i < n; i++) {
        if (i != pos)
            v->items[j++] = seq->items[i];
    }
    ol_k_out_value(k, 0, v);
    return true;
}

static bool kernel_SequenceLength(ol_kctx *k)
{
    const ol_rvalue *seq = sequence_input(k, 0);
    if (!seq)
        return false;
    ol_array *y = ol_k_out(k, 0, ELEM_INT64, 0, NULL);
    if (!y)
        return false;
    ((int64_t *)y->data)[0] = (int64_t)seq->n_items;
    return true;
}

static bool kernel_ConcatFromSequence(ol_kctx *k)
{
    const ol_rvalue *seq = sequence_input(k, 0);
    if (!seq)
        return false;
    size_t n = seq->n_items;
    if (n == 0)
        return ol_k_fail(k, "the sequence is empty: there is nothing to concatenate");
    if (!ol_attr_has(&k->infer, "axis"))
        return ol_k_fail(k, "the axis attribute is missing");
    int64_t new_axis = ol_attr_int(&k->infer, "new_axis", 0);
    if (new_axis != 0 && new_axis != 1)
        return ol_k_fail(k, "new_axis must be 0 or 1, not %lld", (long long)new_axis);
    const ol_array *first = held_tensor(k, seq, 0);
    if (!first)
        return false;
    int rank = first->rank, out_rank = rank + (int)new_axis, axis = 0;
    if (out_rank == 0)
        return ol_k_fail(k, "cannot concatenate scalars without new_axis");
    if (!norm_axis(k, ol_attr_int(&k->infer, "axis", 0), out_rank, &axis))
        return false;
    int64_t dims[OL_MAX_RANK + 1];
    for (int d = 0, s = 0; d < out_rank; d++)
        dims[d] = new_axis && d == axis ? (int64_t)n : first->dims[s++];
    if (!new_axis)
        dims[axis] = 0;
    for (size_t t = 0; t < n; t++) {
        const ol_array *a = held_tensor(k, seq, t);
        if (!a)
            return false;
        if (a->elem_type != first->elem_type)
            return ol_k_fail(k, "item %zu is %s but item 0 is %s", t, type_name(a->elem_type),
                             type_name(first->elem_type));
        bool same = a->rank == rank;
        for (int d = 0; same && d < rank; d++)
            same = a->dims[d] == first->dims[d] || (!new_axis && d == axis);
        if (!same)
            return ol_k_fail(k, "cannot %s item %zu %s with item 0 %s on axis %d", new_axis ? "stack" : "concatenate",
                             t, ol_k_shape(k, a), ol_k_shape(k, first), axis);
        if (!new_axis) {
            if (a->dims[axis] > INT64_MAX - dims[axis])
                return ol_k_fail(k, "the concatenated axis is too large");
            dims[axis] += a->dims[axis];
        }
    }
    ol_array *y = ol_k_out(k, 0, first->elem_type, out_rank, dims);
    if (!y || y->count == 0)
        return y != NULL;
    /* Every output dim is non-zero here, so these products are bounded by
     * the output's count. */
    size_t size = ol_elem_size(first->elem_type), outer = 1, after = 1;
    for (int d = 0; d < axis; d++)
        outer *= (size_t)dims[d];
    for (int d = axis + 1; d < out_rank; d++)
        after *= (size_t)dims[d];
    char *out = y->data;
    for (size_t o = 0; o < outer; o++) {
        for (size_t t = 0; t < n; t++) {
            const ol_array *a = seq->items[t]->tensor;
            size_t block = (new_axis ? 1 : (size_t)a->dims[axis]) * after * size;
            if (block)
                memcpy(out, (const char *)a->data + o * block, block);
            out += block;
        }
    }
    return true;
}

static bool kernel_SplitToSequence(ol_kctx *k)
{
    const ol_array *x = ol_k_in(k, 0);
    if (!x)
        return ol_k_fail(k, "input 0 must be a tensor");
    if (x->rank == 0)
        return ol_k_fail(k, "cannot split a scalar");
    int axis = 0;
    if (!norm_axis(k, ol_attr_int(&k->infer, "axis", 0), x->rank, &axis))
        return false;
    int64_t dim = x->dims[axis];
    const ol_array *split = ol_k_in(k, 1);
    if (ol_k_in_value(k, 1) && (!split || !ol_elem_is_integral(split->elem_type) || split->rank > 1))
        return ol_k_fail(k, "split must be an integer scalar or 1-D tensor, not %s", ol_k_shape(k, split));
    bool keep = split || ol_attr_int(&k->infer, "keepdims", 1) != 0;
    size_t n;
    int64_t chunk = 1;
    if (!split) {
        n = (size_t)dim;
    } else if (split->rank == 0) {
        chunk = ol_array_get_i64(split, 0);
        if (chunk <= 0)
            return ol_k_fail(k, "split must be positive, not %lld", (long long)chunk);
        n = (size_t)(dim / chunk + (dim % chunk != 0));
    } else {
        n = split->count;
        int64_t sum = 0;
        for (size_t i = 0; i < n; i++) {
            int64_t s = ol_array_get_i64(split, i);
            if (s < 0 || s > dim - sum)
                return ol_k_fail(k, "split sizes must be non-negative and add up to %lld (dim %d of %s)",
                                 (long long)dim, axis, ol_k_shape(k, x));
            sum += s;
        }
        if (sum != dim)
            return ol_k_fail(k, "split sizes add up to %lld but dim %d of %s is %lld", (long long)sum, axis,
                             ol_k_shape(k, x), (long long)dim);
    }
    ol_rvalue *v = new_value(k, OL_RV_SEQUENCE, n, x->elem_type);
    if (!v)
        return false;
    size_t size = ol_elem_size(x->elem_type), outer = 1, after = 1;
    if (x->count) {
        for (int d = 0; d < axis; d++)
            outer *= (size_t)x->dims[d];
        for (int d = axis + 1; d < x->rank; d++)
            after *= (size_t)x->dims[d];
    }
    int64_t dims[OL_MAX_RANK], start = 0;
    for (size_t i = 0; i < n; i++) {
        int64_t len = !split || split->rank == 0 ? (chunk < dim - start ? chunk : dim - start)
                                                 : ol_array_get_i64(split, i);
        int r = 0;
        for (int d = 0; d < x->rank; d++) {
            if (d != axis)
                dims[r++] = x->dims[d];
            else if (keep)
                dims[r++] = len;
        }
        ol_array *part = ol_k_array(k, x->elem_type, r, dims);
        if (!part || !(v->items[i] = ol_k_tensor_value(k, part)))
            return false;
        size_t block = part->count ? (size_t)len * after * size : 0, row = (size_t)dim * after * size;
        for (size_t o = 0; o < outer && block; o++)
            memcpy((char *)part->data + o * block, (const char *)x->data + o * row + (size_t)start * after * size,
                   block);
        start += len;
    }
    ol_k_out_value(k, 0, v);
    return true;
}

static bool kernel_SequenceMap(ol_kctx *k)
{
    const ol_graph *body = ol_attr_graph(&k->infer, "body");
    const ol_rvalue *seq = sequence_input(k, 0);
    if (!seq)
        return false;
    if (!body)
        return ol_k_fail(k, "the body attribute is missing");
    size_t n = seq->n_items, n_in = k->n_inputs, n_out = k->n_outputs;
    if (body->n_inputs != n_in || body->n_outputs != n_out)
        return ol_k_fail(k, "the body takes %zu inputs and returns %zu outputs; the SequenceMap has %zu and %zu",
                         body->n_inputs, body->n_outputs, n_in, n_out);
    for (size_t i = 1; i < n_in; i++) {
        const ol_rvalue *v = ol_k_in_value(k, i);
        if (!v)
            return ol_k_fail(k, "input %zu is missing", i);
        if (v->kind == OL_RV_SEQUENCE && v->n_items != n)
            return ol_k_fail(k, "input %zu holds %zu tensors but input 0 holds %zu", i, v->n_items, n);
    }
    ol_rvalue **given = ol_k_alloc(k, (n_in + 1) * sizeof *given);
    ol_rvalue **got = ol_k_alloc(k, (n_out + 1) * sizeof *got);
    ol_rvalue **outs = ol_k_alloc(k, (n_out + 1) * sizeof *outs);
    if (!given || !got || !outs)
        return false;
    for (size_t o = 0; o < n_out; o++) {
        const ol_type *t = &body->outputs[o]->inferred;
        if (t->kind != OL_TYPE_TENSOR || !t->elem_type)
            t = body->outputs[o]->type;
        outs[o] = new_value(k, OL_RV_SEQUENCE, n, t->kind == OL_TYPE_TENSOR ? t->elem_type : 0);
        if (!outs[o])
            return false;
    }
    for (size_t s = 0; s < n; s++) {
        for (size_t i = 0; i < n_in; i++) {
            ol_rvalue *v = shared_input(k, i);
            given[i] = v->kind == OL_RV_SEQUENCE ? v->items[s] : v;
        }
        if (!ol_k_run_subgraph(k, body, given, n_in, got, n_out))
            return false;
        for (size_t o = 0; o < n_out; o++) {
            if (got[o]->kind != OL_RV_TENSOR || !got[o]->tensor)
                return ol_k_fail(k, "body output %zu is not a tensor", o);
            outs[o]->items[s] = got[o];
            outs[o]->elem_type = got[o]->tensor->elem_type;
        }
    }
    for (size_t o = 0; o < n_out; o++)
        ol_k_out_value(k, o, outs[o]);
    return true;
}

/* The tensor element type a TYPE_PROTO says, through sequences and
 * optionals (0 when none). */
static int32_t proto_elem_type(const Onnx__TypeProto *tp)
{
    for (int depth = 0; tp && depth < MAX_TYPE_DEPTH; depth++) {
        switch (tp->value_case) {
        case ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE:
            return tp->tensor_type->elem_type;
        case ONNX__TYPE_PROTO__VALUE_SEQUENCE_TYPE:
            tp = tp->sequence_type->elem_type;
            break;
        case ONNX__TYPE_PROTO__VALUE_OPTIONAL_TYPE:
            tp = tp->optional_type->elem_type;
            break;
        default:
            return 0;
        }
    }
    return 0;
}

static bool kernel_Optional(ol_kctx *k)
{
    ol_rvalue *in = shared_input(k, 0);
    if (!in) {
        const Onnx__AttributeProto *a = ol_node_attribute(k->node, "type");
        if (!a || !a->tp)
            return ol_k_fail(k, "an Optional without input needs its type attribute");
        ol_rvalue *v = new_value(k, OL_RV_OPTIONAL, 0, proto_elem_type(a->tp));
        if (!v)
            return false;
        ol_k_out_value(k, 0, v);
        return true;
    }
    int32_t elem = in->kind == OL_RV_TENSOR && in->tensor ? in->tensor->elem_type
                   : in->kind == OL_RV_SEQUENCE           ? held_elem_type(in)
                                                          : in->elem_type;
    ol_rvalue *v = new_value(k, OL_RV_OPTIONAL, 1, elem);
    if (!v)
        return false;
    v->items[0] = in;
    if (in->kind == OL_RV_TENSOR)
        v->tensor = in->tensor;
    v->present = true;
    ol_k_out_value(k, 0, v);
    return true;
}

static bool kernel_OptionalGetElement(ol_kctx *k)
{
    ol_rvalue *in = shared_input(k, 0);
    if (!in)
        return ol_k_fail(k, "input 0 is missing");
    if (in->kind != OL_RV_OPTIONAL) {
        ol_k_out_value(k, 0, in); /* opset 18: a tensor or sequence is its own element */
        return true;
    }
    if (!in->present)
        return ol_k_fail(k, "the optional is empty: there is no element to get");
    ol_rvalue *e = in->n_items ? in->items[0] : in->tensor ? ol_k_tensor_value(k, in->tensor) : NULL;
    if (!e)
        return ol_k_fail(k, "the optional holds no value");
    ol_k_out_value(k, 0, e);
    return true;
}

static bool kernel_OptionalHasElement(ol_kctx *k)
{
    const ol_rvalue *in = ol_k_in_value(k, 0);
    ol_array *y = ol_k_out(k, 0, ELEM_BOOL, 0, NULL);
    if (!y)
        return false;
    /* opset 18: no input has no element; a tensor or sequence is one */
    ((uint8_t *)y->data)[0] = (uint8_t)(in && (in->kind != OL_RV_OPTIONAL || in->present));
    return true;
}

static const ol_op_entry sequence_ops[] = {
    {"", "ConcatFromSequence", infer_ConcatFromSequence, kernel_ConcatFromSequence},
    {"", "Optional", infer_Optional, kernel_Optional},
    {"", "OptionalGetElement", infer_OptionalGetElement, kernel_OptionalGetElement},
    {"", "OptionalHasElement", infer_OptionalHasElement, kernel_OptionalHasElement},
    {"", "SequenceAt", infer_SequenceAt, kernel_SequenceAt},
    {"", "SequenceConstruct", infer_SequenceConstruct, kernel_SequenceConstruct},
    {"", "SequenceEmpty", infer_SequenceEmpty, kernel_SequenceEmpty},
    {"", "SequenceErase", infer_SequenceErase, kernel_SequenceErase},
    {"", "SequenceInsert", infer_SequenceInsert, kernel_SequenceInsert},
    {"", "SequenceLength", infer_SequenceLength, kernel_SequenceLength},
    {"", "SequenceMap", infer_SequenceMap, kernel_SequenceMap},
    {"", "SplitToSequence", infer_SplitToSequence, kernel_SplitToSequence},
};

OL_FAMILY_DEFINE(sequence, sequence_ops);
