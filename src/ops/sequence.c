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
 * One inference function per operator, registered in the table at the end
 * (sorted by domain, then name).
 */
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
        out->key_type = tp->map_type->key_type;
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

static const ol_op_entry sequence_ops[] = {
    {"", "ConcatFromSequence", infer_ConcatFromSequence, NULL},
    {"", "Optional", infer_Optional, NULL},
    {"", "OptionalGetElement", infer_OptionalGetElement, NULL},
    {"", "OptionalHasElement", infer_OptionalHasElement, NULL},
    {"", "SequenceAt", infer_SequenceAt, NULL},
    {"", "SequenceConstruct", infer_SequenceConstruct, NULL},
    {"", "SequenceEmpty", infer_SequenceEmpty, NULL},
    {"", "SequenceErase", infer_SequenceErase, NULL},
    {"", "SequenceInsert", infer_SequenceInsert, NULL},
    {"", "SequenceLength", infer_SequenceLength, NULL},
    {"", "SequenceMap", infer_SequenceMap, NULL},
    {"", "SplitToSequence", infer_SplitToSequence, NULL},
};

OL_FAMILY_DEFINE(sequence, sequence_ops);
