/*
 * tensor.c - inference for shape manipulation and the small-integer data
 * that drives it: Shape, Reshape, Concat, Slice, Squeeze... (onnx/defs/tensor,
 * part 1).
 *
 * One inference function per operator, registered in the table at the end
 * (sorted by domain, then name).  Besides types and shapes, these
 * operators evaluate the small tensors that flow between them (ol_data):
 * a Shape's output is the input's dims, symbolic ones included, and
 * Gather, Slice, Concat, Unsqueeze, Cast, Reshape... carry those values on,
 * so that a Reshape fed by Shape->Gather->Unsqueeze->Concat still gets an
 * exact target such as [N,150528].  Integer data may hold symbolic or
 * unknown elements (the Shape of a (N,?,3) tensor is [N,?,3]); floating
 * data holds concrete values only.  When a size depends on a value that is
 * not known, the dim is unknown, never guessed.  The one assumption made is
 * ONNX Runtime's when slicing a symbolic dim: a start, or a bound counted
 * from the end, lies within the dim, so x[1:] and x[:-1] of N are N-1 (an
 * end that would need min(e, N) stays unknown).
 */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "eval/kernels.h"
#include "ops/common.h"
#include "ops/families.h"

/* TensorProto.DataType codes used here. */
enum {
    ELEM_FLOAT = 1,
    ELEM_UINT8 = 2,
    ELEM_INT8 = 3,
    ELEM_UINT16 = 4,
    ELEM_INT16 = 5,
    ELEM_INT32 = 6,
    ELEM_INT64 = 7,
    ELEM_STRING = 8,
    ELEM_BOOL = 9,
    ELEM_FLOAT16 = 10,
    ELEM_DOUBLE = 11,
    ELEM_UINT32 = 12,
    ELEM_UINT64 = 13,
    ELEM_BFLOAT16 = 16
};

/* A slice bound at least this large (or this negative) means "to the end"
 * whatever the dim's size: exporters write INT_MAX, INT64_MAX, INT64_MIN. */
#define SLICE_HUGE ((int64_t)INT32_MAX)

/* Largest integer below which float16 and bfloat16 both represent every
 * integer exactly: a Cast to them keeps such values only. */
#define HALF_EXACT_INT 256

/* Doubles strictly inside +-this convert to int64 without overflow. */
#define INT64_LIMIT_REAL 9223372036854775807.0

/* Bits of the integer element types, for wrapping a Cast's values. */
#define BITS_8 8
#define BITS_16 16
#define BITS_32 32

/* ---- helpers: data ---- */

static bool elem_has_data(int32_t elem)
{
    return ol_elem_is_integral(elem) || ol_elem_is_floating(elem);
}

/* Element k of integer data, rewritten through the unifications so far. */
static ol_dim data_dim(ol_ctx *ctx, const ol_data *d, size_t k)
{
    if (!d || !d->values || k >= d->count)
        return ol_dim_unknown();
    return ol_dim_resolve(ctx->exprs, d->values[k]);
}

/* Element k of data as a concrete integer, when it is one (floating data
 * counts when the value is integral). */
static bool data_int(ol_ctx *ctx, const ol_data *d, size_t k, int64_t *v)
{
    if (!d || k >= d->count)
        return false;
    if (d->values) {
        ol_dim x = data_dim(ctx, d, k);
        if (x.kind != OL_DIM_VALUE)
            return false;
        *v = x.value;
        return true;
    }
    double r = d->reals[k];
    if (!(r > -INT64_LIMIT_REAL && r < INT64_LIMIT_REAL) || (double)(int64_t)r != r)
        return false;
    *v = (int64_t)r;
    return true;
}

/* The elements of data as concrete integers into out (cap entries): their
 * number, or -1 when data is absent, has a non-concrete element or more
 * than cap elements. */
static int data_ints(ol_ctx *ctx, const ol_data *d, int64_t *out, int cap)
{
    if (!d || d->count > (size_t)cap)
        return -1;
    for (size_t k = 0; k < d->count; k++) {
        if (!data_int(ctx, d, k, &out[k]))
            return -1;
    }
    return (int)d->count;
}

/* A new data block of element type elem shaped by dims (rank entries), or
 * NULL when elem is not numeric or the block would be too large. */
static ol_data *data_shaped(ol_ctx *ctx, int32_t elem, int rank, const int64_t *dims)
{
    uint64_t count = 1;
    if (!elem_has_data(elem) || rank < 0 || rank > OL_MAX_RANK || (rank > 0 && !dims) ||
        !ol_dims_count(dims, (size_t)rank, &count) || count > OL_MAX_PROPAGATED_ELEMENTS)
        return NULL;
    ol_data *d = ol_data_new(ctx, elem, (size_t)count);
    int64_t *copy = ol_arena_calloc(ctx->arena, (size_t)rank + 1, sizeof *copy);
    if (!d || !copy)
        return NULL;
    if (rank > 0)
        memcpy(copy, dims, (size_t)rank * sizeof *copy);
    d->rank = rank;
    d->dims = copy;
    return d;
}

/* Copies element j of src into element i of dst; false when they hold
 * their elements differently (dims vs doubles). */
static bool data_copy_elem(ol_data *dst, size_t i, const ol_data *src, size_t j)
{
    if (dst->values && src->values)
        dst->values[i] = src->values[j];
    else if (dst->reals && src->reals)
        dst->reals[i] = src->reals[j];
    else
        return false;
    return true;
}

/* True when a and b hold their elements the same way (dims or doubles). */
static bool data_compatible(const ol_data *a, const ol_data *b)
{
    return (a->values != NULL) == (b->values != NULL);
}

/* Concrete values of dims into out; false when one is not concrete. */
static bool dims_concrete(ol_ctx *ctx, const ol_dim *dims, int rank, int64_t *out)
{
    if (rank < 0 || rank > OL_MAX_RANK)
        return false;
    for (int i = 0; i < rank; i++) {
        ol_dim d = ol_dim_resolve(ctx->exprs, dims[i]);
        if (d.kind != OL_DIM_VALUE || d.value < 0)
            return false;
        out[i] = d.value;
    }
    return true;
}

/* Output out gets src's values in the shape dims (rank entries): for
 * operators that only reshape (Reshape, Squeeze, Unsqueeze, Flatten). */
static void out_data_reshaped(ol_ctx *ctx, size_t out, const ol_data *src, const ol_dim *dims, int rank)
{
    int64_t shape[OL_MAX_RANK];
    if (!src || !dims_concrete(ctx, dims, rank, shape))
        return;
    ol_data *d = data_shaped(ctx, src->elem_type, rank, shape);
    if (!d || d->count != src->count)
        return;
    for (size_t k = 0; k < d->count; k++) {
        if (!data_copy_elem(d, k, src, k))
            return;
    }
    ol_out_data(ctx, out, d);
}

/* Position in an input of rank in_rank broadcast (numpy-style) to dims
 * out (rank out_rank) of the output element at linear position pos. */
static size_t broadcast_index(size_t pos, const int64_t *out, int out_rank, const int64_t *in, int in_rank)
{
    size_t idx = 0, stride = 1;
    for (int k = out_rank - 1; k >= 0; k--) {
        size_t coord = pos % (size_t)out[k];
        pos /= (size_t)out[k];
        int j = k - (out_rank - in_rank);
        if (j < 0)
            continue;
        if (in[j] != 1)
            idx += coord * stride;
        stride *= (size_t)in[j];
    }
    return idx;
}

/* True when data (rank, dims) broadcasts to out (out_rank dims). */
static bool data_broadcasts(const ol_data *d, const int64_t *out, int out_rank)
{
    if (!d || d->rank > out_rank)
        return false;
    for (int j = 0; j < d->rank; j++) {
        int64_t o = out[out_rank - d->rank + j];
        if (d->dims[j] != 1 && d->dims[j] != o)
            return false;
    }
    return true;
}

/* ---- helpers: shapes ---- */

/* Output i gets input j's dims (rank known) or an unknown rank, with
 * element type elem; returns the dims, NULL for an unknown rank. */
static ol_dim *out_dims_like(ol_ctx *ctx, size_t i, size_t j, int32_t elem)
{
    const ol_shape *s = ol_in_shape(ctx, j);
    ol_dim *dims = ol_out_tensor(ctx, i, elem, s ? s->rank : -1);
    for (int k = 0; dims && k < s->rank; k++)
        dims[k] = s->dims[k];
    return dims;
}

/* The dims named by a 1-D shape operand (input i of Expand, Reshape,
 * ConstantOfShape): its values, possibly symbolic, when propagated, else
 * unknown dims of the length its own shape gives.  Returns the rank (-1
 * when unknown) and the dims in *dims (arena). */
static int shape_operand(ol_ctx *ctx, size_t i, ol_dim **dims)
{
    *dims = NULL;
    const ol_data *d = ol_in_data(ctx, i);
    if (d && d->values && d->rank <= 1 && d->count <= OL_MAX_RANK) {
        *dims = ol_arena_calloc(ctx->arena, d->count + 1, sizeof **dims);
        if (!*dims)
            return -1;
        for (size_t k = 0; k < d->count; k++)
            (*dims)[k] = data_dim(ctx, d, k);
        return (int)d->count;
    }
    const ol_shape *s = ol_in_shape(ctx, i);
    if (!s || s->rank != 1 || s->dims[0].kind != OL_DIM_VALUE || s->dims[0].value > OL_MAX_RANK)
        return -1;
    int rank = (int)s->dims[0].value;
    *dims = ol_arena_calloc(ctx->arena, (size_t)rank + 1, sizeof **dims);
    return *dims ? rank : -1;
}

/* A list of concrete ints: attribute name before opset `since`, else
 * input i's propagated values.  Returns the count (at most cap), -1 when
 * not known; *present tells whether the list was given at all. */
static int int_list(ol_ctx *ctx, const char *name, int64_t since, size_t i, int64_t *out, int cap, bool *present)
{
    if (ctx->version < since) {
        size_t n;
        const int64_t *v = ol_attr_ints(ctx, name, &n);
        *present = v != NULL || ol_attr_has(ctx, name);
        if (n > (size_t)cap)
            return -1;
        if (n)
            memcpy(out, v, n * sizeof *out);
        return (int)n;
    }
    *present = ol_in_has(ctx, i);
    if (!*present)
        return 0;
    return data_ints(ctx, ol_in_data(ctx, i), out, cap);
}

/* The length of a list given as input i when its values are not known:
 * its own 1-D shape's size, or -1. */
static int list_length(ol_ctx *ctx, size_t i)
{
    const ol_data *d = ol_in_data(ctx, i);
    if (d)
        return d->count <= OL_MAX_RANK ? (int)d->count : -1;
    const ol_shape *s = ol_in_shape(ctx, i);
    if (s && s->rank == 0)
        return 1;
    if (!s || s->rank != 1 || s->dims[0].kind != OL_DIM_VALUE || s->dims[0].value > OL_MAX_RANK)
        return -1;
    return (int)s->dims[0].value;
}

/* Normalises axes (n of them) against rank, reporting out-of-range and
 * repeated ones (what names them); false on any error. */
static bool normalize_axes(ol_ctx *ctx, int64_t *axes, int n, int rank, const char *what)
{
    bool seen[OL_MAX_RANK + 1] = {false};
    for (int k = 0; k < n; k++) {
        int a = ol_axis(ctx, axes[k], rank, false, what);
        if (a < 0)
            return false;
        if (seen[a]) {
            ol_error(ctx, "shape-error", "%s %lld is repeated", what, (long long)axes[k]);
            return false;
        }
        seen[a] = true;
        axes[k] = a;
    }
    return true;
}

/* ---- Shape, Size, Identity ---- */

/* Clamps a Shape start/end (negative counts from the end) to [0, rank]. */
static int64_t clamp_rank_index(int64_t i, int rank)
{
    if (i < 0)
        i = i < -(int64_t)rank ? 0 : i + rank;
    return i > rank ? rank : i;
}

static void infer_Shape(ol_ctx *ctx)
{
    const ol_shape *s = ol_in_shape(ctx, 0);
    ol_dim *out = ol_out_tensor(ctx, 0, ELEM_INT64, 1);
    if (!s || !out)
        return;
    int64_t start = 0, end = s->rank;
    if (ctx->version >= 15) {
        start = clamp_rank_index(ol_attr_int(ctx, "start", 0), s->rank);
        end = clamp_rank_index(ol_attr_int(ctx, "end", s->rank), s->rank);
    }
    size_t n = end > start ? (size_t)(end - start) : 0;
    out[0] = ol_dim_value((int64_t)n);
    ol_data *d = ol_data_new(ctx, ELEM_INT64, n);
    if (!d)
        return;
    for (size_t k = 0; k < n; k++)
        d->values[k] = ol_dim_resolve(ctx->exprs, s->dims[(size_t)start + k]);
    ol_out_data(ctx, 0, d);
}

static void infer_Size(ol_ctx *ctx)
{
    ol_out_tensor(ctx, 0, ELEM_INT64, 0);
    const ol_shape *s = ol_in_shape(ctx, 0);
    if (!s)
        return;
    ol_dim n = ol_shape_product(ctx, s, 0, s->rank);
    if (n.kind == OL_DIM_UNKNOWN)
        return;
    ol_data *d = data_shaped(ctx, ELEM_INT64, 0, NULL);
    if (!d)
        return;
    d->values[0] = n;
    ol_out_data(ctx, 0, d);
}

static void infer_Identity(ol_ctx *ctx)
{
    ol_out_like(ctx, 0, 0);
    ol_pass_data(ctx, 0, 0);
}

/* ---- Cast, CastLike ---- */

/* An integer value as element type `to` stores it (wrapping like a C
 * conversion; bool is value != 0).  Symbolic values are sizes: kept,
 * except for bool. */
static ol_dim cast_int(ol_dim v, int32_t to)
{
    if (v.kind != OL_DIM_VALUE)
        return to == ELEM_BOOL ? ol_dim_unknown() : v;
    unsigned bits = 0;
    bool is_signed = false;
    switch (to) {
    case ELEM_BOOL: return ol_dim_value(v.value != 0);
    case ELEM_UINT8: bits = BITS_8; break;
    case ELEM_INT8: bits = BITS_8; is_signed = true; break;
    case ELEM_UINT16: bits = BITS_16; break;
    case ELEM_INT16: bits = BITS_16; is_signed = true; break;
    case ELEM_UINT32: bits = BITS_32; break;
    case ELEM_INT32: bits = BITS_32; is_signed = true; break;
    default: return v; /* int64, uint64: same bits */
    }
    uint64_t u = (uint64_t)v.value & ((UINT64_C(1) << bits) - 1);
    if (is_signed && u >= (UINT64_C(1) << (bits - 1)))
        return ol_dim_value((int64_t)u - (int64_t)(UINT64_C(1) << bits));
    return ol_dim_value((int64_t)u);
}

/* A floating value cast to integer type `to`: known when integral (a
 * fraction's rounding is not guessed), bool when != 0. */
static ol_dim cast_real_to_int(double r, int32_t to)
{
    if (to == ELEM_BOOL)
        return ol_dim_value(r != 0.0);
    if (!(r > -INT64_LIMIT_REAL && r < INT64_LIMIT_REAL) || (double)(int64_t)r != r)
        return ol_dim_unknown();
    return cast_int(ol_dim_value((int64_t)r), to);
}

/* A value cast to floating type `to`, exactly as that type would hold it;
 * false when it cannot be told here (float16 rounding). */
static bool cast_real(double r, int32_t to, double *out)
{
    if (to == ELEM_FLOAT) {
        *out = (double)(float)r;
        return true;
    }
    if (to == ELEM_FLOAT16 || to == ELEM_BFLOAT16) {
        *out = r;
        return r >= -HALF_EXACT_INT && r <= HALF_EXACT_INT && (double)(int64_t)r == r;
    }
    *out = r;
    return true;
}

/* src's values cast to element type `to`, or NULL when not representable
 * here (strings, symbolic values into a floating type...). */
static ol_data *cast_data(ol_ctx *ctx, const ol_data *src, int32_t to)
{
    if (!src)
        return NULL;
    ol_data *d = data_shaped(ctx, to, src->rank, src->dims);
    if (!d || d->count != src->count)
        return NULL;
    for (size_t k = 0; k < d->count; k++) {
        if (d->values) {
            d->values[k] = src->values ? cast_int(data_dim(ctx, src, k), to) : cast_real_to_int(src->reals[k], to);
            continue;
        }
        double r;
        if (src->values) {
            ol_dim v = data_dim(ctx, src, k);
            if (v.kind != OL_DIM_VALUE)
                return NULL;
            r = (double)v.value;
        } else {
            r = src->reals[k];
        }
        if (!cast_real(r, to, &d->reals[k]))
            return NULL;
    }
    return d;
}

/* Output 0: input 0's shape with element type to, values cast. */
static void cast_to(ol_ctx *ctx, int32_t to)
{
    out_dims_like(ctx, 0, 0, to);
    ol_data *d = to ? cast_data(ctx, ol_in_data(ctx, 0), to) : NULL;
    if (d)
        ol_out_data(ctx, 0, d);
}

/* Cast's target element type, 0 when missing or unknown. */
static int32_t cast_target(ol_ctx *ctx)
{
    int32_t to = 0;
    if (ctx->version < 6) { /* `to` was the DataType's name: "FLOAT" */
        const char *name = ol_attr_string(ctx, "to", NULL);
        for (int32_t k = 1; name && k <= OL_ELEM_MAX && !to; k++) {
            const char *known = ol_elem_type_name(k);
            if (known && strcasecmp(known, name) == 0)
                to = k;
        }
    } else {
        int64_t v = ol_attr_int(ctx, "to", 0);
        to = v > 0 && v <= OL_ELEM_MAX ? (int32_t)v : 0;
    }
    return to;
}

static void infer_Cast(ol_ctx *ctx)
{
    cast_to(ctx, cast_target(ctx));
}

static void infer_CastLike(ol_ctx *ctx)
{
    cast_to(ctx, ol_in_elem(ctx, 1));
}

/* BitCast (26): the same bits read as element type `to`, shape kept; both
 * types must have one bit width, and neither may be string. */
static void infer_BitCast(ol_ctx *ctx)
{
    int64_t v = ol_attr_int(ctx, "to", 0);
    int32_t to = v > 0 && v <= OL_ELEM_MAX && ol_elem_type_name((int32_t)v) ? (int32_t)v : 0;
    int32_t from = ol_in_elem(ctx, 0);
    if (!to || to == ELEM_STRING) {
        ol_error(ctx, "type-error", "to is %lld, not a non-string element type", (long long)v);
        to = 0;
    } else if (from && ol_elem_type_bits(from) != ol_elem_type_bits(to)) {
        ol_error(ctx, "type-error", "BitCast of %s (%u bits) to %s (%u bits): the bit widths differ",
                 ol_elem_type_name(from), ol_elem_type_bits(from), ol_elem_type_name(to), ol_elem_type_bits(to));
    }
    out_dims_like(ctx, 0, 0, to);
}

/* ---- Constant, ConstantOfShape ---- */

/* A TENSOR attribute's values (NULL when unknown) and type: from the
 * loader's reading, else from the proto's metadata (a tensor too large to
 * read still has a type). */
static const ol_data *attr_tensor(ol_ctx *ctx, const char *name, ol_type *type)
{
    memset(type, 0, sizeof *type);
    type->shape.rank = OL_RANK_UNKNOWN;
    const ol_data *d = ol_attr_tensor(ctx, name, type);
    if (type->kind != OL_TYPE_NONE)
        return d;
    const Onnx__AttributeProto *a = ol_node_attribute(ctx->node, name);
    if (!a || !a->t || a->t->n_dims > OL_MAX_RANK)
        return NULL;
    type->kind = OL_TYPE_TENSOR;
    type->elem_type = a->t->data_type;
    type->shape.rank = (int)a->t->n_dims;
    type->shape.dims = ol_arena_calloc(ctx->arena, a->t->n_dims + 1, sizeof(ol_dim));
    if (!type->shape.dims)
        type->shape.rank = OL_RANK_UNKNOWN;
    for (size_t k = 0; type->shape.dims && k < a->t->n_dims; k++)
        type->shape.dims[k] = ol_dim_value(a->t->dims[k]);
    return NULL;
}

/* Constant's value_int(s) / value_float(s) as output 0 (rank 0 for the
 * single ones). */
static void constant_numbers(ol_ctx *ctx, int32_t elem, size_t n, bool scalar, const int64_t *ints,
                             const float *floats)
{
    ol_dim *dims = ol_out_tensor(ctx, 0, elem, scalar ? 0 : 1);
    if (dims && !scalar)
        dims[0] = ol_dim_value((int64_t)n);
    int64_t len = (int64_t)n;
    ol_data *d = data_shaped(ctx, elem, scalar ? 0 : 1, &len);
    if (!d)
        return;
    for (size_t k = 0; k < n; k++) {
        if (ints)
            d->values[k] = ol_dim_value(ints[k]);
        else
            d->reals[k] = floats[k];
    }
    ol_out_data(ctx, 0, d);
}

static void infer_Constant(ol_ctx *ctx)
{
    const Onnx__AttributeProto *a;
    size_t n;
    if (ol_attr_has(ctx, "value")) {
        ol_type t;
        const ol_data *d = attr_tensor(ctx, "value", &t);
        ol_out_set(ctx, 0, t.kind == OL_TYPE_TENSOR ? &t : NULL);
        if (d)
            ol_out_data(ctx, 0, (ol_data *)d);
    } else if ((a = ol_node_attribute(ctx->node, "sparse_value")) && a->sparse_tensor) {
        const Onnx__SparseTensorProto *s = a->sparse_tensor;
        int32_t elem = s->values ? s->values->data_type : 0;
        ol_dim *dims = ol_out_tensor(ctx, 0, elem, s->n_dims <= OL_MAX_RANK ? (int)s->n_dims : -1);
        for (size_t k = 0; dims && k < s->n_dims; k++)
            dims[k] = ol_dim_value(s->dims[k]);
    } else if (ol_attr_has(ctx, "value_int")) {
        int64_t v = ol_attr_int(ctx, "value_int", 0);
        constant_numbers(ctx, ELEM_INT64, 1, true, &v, NULL);
    } else if (ol_attr_has(ctx, "value_ints")) {
        const int64_t *v = ol_attr_ints(ctx, "value_ints", &n);
        constant_numbers(ctx, ELEM_INT64, n, false, v, NULL);
    } else if (ol_attr_has(ctx, "value_float")) {
        float v = ol_attr_float(ctx, "value_float", 0.0f);
        constant_numbers(ctx, ELEM_FLOAT, 1, true, NULL, &v);
    } else if (ol_attr_has(ctx, "value_floats")) {
        const float *v = ol_attr_floats(ctx, "value_floats", &n);
        constant_numbers(ctx, ELEM_FLOAT, n, false, NULL, v);
    } else if (ol_attr_has(ctx, "value_string")) {
        ol_out_tensor(ctx, 0, ELEM_STRING, 0);
    } else if ((a = ol_node_attribute(ctx->node, "value_strings"))) {
        ol_dim *dims = ol_out_tensor(ctx, 0, ELEM_STRING, 1);
        if (dims)
            dims[0] = ol_dim_value((int64_t)a->n_strings);
    }
}

static void infer_ConstantOfShape(ol_ctx *ctx)
{
    ol_type vt;
    const ol_data *value = NULL;
    int32_t elem = ELEM_FLOAT; /* the default value is a float 0 */
    bool has_value = ol_attr_has(ctx, "value");
    if (has_value) {
        value = attr_tensor(ctx, "value", &vt);
        elem = vt.kind == OL_TYPE_TENSOR ? vt.elem_type : 0;
    }
    ol_dim *target;
    int rank = shape_operand(ctx, 0, &target);
    ol_dim *dims = ol_out_tensor(ctx, 0, elem, rank);
    if (!dims)
        return;
    for (int k = 0; k < rank; k++) {
        dims[k] = target[k];
        if (target[k].kind == OL_DIM_VALUE && target[k].value < 0) {
            ol_error(ctx, "shape-error", "the shape %s has a negative dim %lld", ol_in_name(ctx, 0),
                     (long long)target[k].value);
            dims[k] = ol_dim_unknown();
        }
    }
    int64_t shape[OL_MAX_RANK];
    if ((has_value && (!value || value->count < 1)) || !dims_concrete(ctx, dims, rank, shape))
        return;
    ol_data *d = data_shaped(ctx, elem, rank, shape);
    if (!d)
        return;
    for (size_t k = 0; k < d->count; k++) {
        if (d->values)
            d->values[k] = value && value->values ? value->values[0] : ol_dim_value(0);
        else
            d->reals[k] = value && value->reals ? value->reals[0] : 0.0;
    }
    ol_out_data(ctx, 0, d);
}

/* ---- Reshape ---- */

/* "float[2,3]": dims as a shape of element type elem, for messages. */
static const char *dims_str(ol_ctx *ctx, int32_t elem, const ol_dim *dims, int rank)
{
    ol_type t = {.kind = OL_TYPE_TENSOR, .elem_type = elem, .shape = {rank, (ol_dim *)dims}};
    return ol_type_str(ctx, &t);
}

/* Reshape's target before opset 5: the `shape` attribute. */
static int reshape_attr_target(ol_ctx *ctx, ol_dim **target)
{
    size_t n;
    const int64_t *v = ol_attr_ints(ctx, "shape", &n);
    *target = NULL;
    if ((!v && !ol_attr_has(ctx, "shape")) || n > OL_MAX_RANK)
        return -1;
    *target = ol_arena_calloc(ctx->arena, n + 1, sizeof **target);
    if (!*target)
        return -1;
    for (size_t k = 0; k < n; k++)
        (*target)[k] = ol_dim_value(v[k]);
    return (int)n;
}

/* True when element counts a and b are known to differ: also when they
 * differ by a constant factor once the symbolic dims of shapes (a list)
 * are divided out (150528*N elements reshaped to 150000*N). */
static bool counts_differ(ol_ctx *ctx, ol_dim a, ol_dim b, const ol_shape *const *shapes, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        for (int k = 0; k < shapes[i]->rank && a.kind == OL_DIM_SYMBOL && b.kind == OL_DIM_SYMBOL; k++) {
            ol_dim d = ol_dim_resolve(ctx->exprs, shapes[i]->dims[k]);
            if (d.kind != OL_DIM_SYMBOL)
                continue;
            ol_dim qa = ol_dim_div_exact(ctx->exprs, a, d), qb = ol_dim_div_exact(ctx->exprs, b, d);
            if (qa.kind != OL_DIM_UNKNOWN && qb.kind != OL_DIM_UNKNOWN) {
                a = qa;
                b = qb;
            }
        }
    }
    return ol_dim_differ(ctx->exprs, a, b);
}

static void infer_Reshape(ol_ctx *ctx)
{
    const ol_shape *in = ol_in_shape(ctx, 0);
    int32_t elem = ol_in_elem(ctx, 0);
    ol_dim *target;
    int rank = ctx->version < 5 ? reshape_attr_target(ctx, &target) : shape_operand(ctx, 1, &target);
    ol_dim *dims = ol_out_tensor(ctx, 0, elem, rank);
    if (!dims)
        return;
    bool allowzero = ctx->version >= 14 && ol_attr_int(ctx, "allowzero", 0) != 0;
    int infer_at = -1;
    bool has_zero = false, ok = true;
    for (int k = 0; k < rank; k++) {
        ol_dim t = target[k];
        dims[k] = t;
        if (t.kind != OL_DIM_VALUE)
            continue;
        if (t.value == -1) {
            if (infer_at >= 0) {
                ol_error(ctx, "shape-error", "the target shape has more than one -1 (dims %d and %d)", infer_at, k);
                ok = false;
            }
            infer_at = k;
            dims[k] = ol_dim_unknown();
        } else if (t.value < -1) {
            ol_error(ctx, "shape-error", "the target shape has an invalid dim %lld", (long long)t.value);
            ok = false;
            dims[k] = ol_dim_unknown();
        } else if (t.value == 0 && !allowzero) { /* 0 copies the input's dim */
            dims[k] = in && k < in->rank ? in->dims[k] : ol_dim_unknown();
            if (in && k >= in->rank) {
                ol_error(ctx, "shape-error", "target dim %d is 0 (copy) but the input %s has rank %d", k,
                         ol_type_str(ctx, ol_in_type(ctx, 0)), in->rank);
                ok = false;
            }
        } else if (t.value == 0) {
            has_zero = true;
        }
    }
    if (allowzero && has_zero && infer_at >= 0) {
        ol_error(ctx, "shape-error", "with allowzero=1 the target shape cannot hold both 0 and -1");
        ok = false;
    }
    /* No runtime can make a tensor whose element count wraps int64, nor
     * find a -1 beside a 0-sized dim (0 * x == 0 for every x). */
    int64_t product = 1;
    bool zero_sized = false;
    for (int k = 0; ok && k < rank; k++) {
        if (k == infer_at || dims[k].kind != OL_DIM_VALUE)
            continue;
        zero_sized |= dims[k].value == 0;
        if (__builtin_mul_overflow(product, dims[k].value, &product)) {
            ol_error(ctx, "shape-error", "the target shape %s has more elements than int64 can count",
                     dims_str(ctx, elem, target, rank));
            ok = false;
        }
    }
    if (ok && infer_at >= 0 && zero_sized) {
        ol_error(ctx, "shape-error", "the target shape %s has a -1 beside a 0-sized dim: the -1 cannot be inferred",
                 dims_str(ctx, elem, target, rank));
        ok = false;
    }
    if (!ok || !in)
        return;
    ol_dim total = ol_shape_product(ctx, in, 0, in->rank);
    ol_dim others = ol_dim_value(1);
    for (int k = 0; k < rank; k++) {
        if (k != infer_at)
            others = ol_dim_mul(ctx->exprs, others, dims[k]);
    }
    /* One unknown target dim and no -1: the element counts must agree, so
     * it is the quotient whatever it was (a size, -1 or a copying 0). */
    int unknown_at = -1, unknowns = 0;
    for (int k = 0; k < rank; k++) {
        if (dims[k].kind == OL_DIM_UNKNOWN) {
            unknown_at = k;
            unknowns++;
        }
    }
    bool nonzero = total.kind == OL_DIM_SYMBOL || (total.kind == OL_DIM_VALUE && total.value != 0);
    const char *rest = infer_at >= 0 ? " besides -1" : " besides the unknown dim";
    if (infer_at < 0 && unknowns == 1 && (!allowzero || nonzero)) {
        infer_at = unknown_at;
        others = ol_dim_value(1);
        for (int k = 0; k < rank; k++) {
            if (k != infer_at)
                others = ol_dim_mul(ctx->exprs, others, dims[k]);
        }
    }
    bool mismatch;
    if (infer_at >= 0) {
        mismatch = total.kind == OL_DIM_VALUE && others.kind == OL_DIM_VALUE && others.value != 0 &&
                   total.value % others.value != 0;
        if (!(others.kind == OL_DIM_VALUE && others.value == 0))
            dims[infer_at] = ol_dim_div_exact(ctx->exprs, total, others);
    } else {
        ol_shape out = {rank, dims};
        const ol_shape *shapes[] = {in, &out};
        mismatch = counts_differ(ctx, total, others, shapes, 2);
    }
    if (mismatch) {
        ol_error(ctx, "shape-error", "cannot reshape %s (%s elements) to %s (%s elements%s)",
                 ol_type_str(ctx, ol_in_type(ctx, 0)), ol_dim_str(ctx, total), dims_str(ctx, elem, target, rank),
                 ol_dim_str(ctx, others), infer_at >= 0 ? rest : "");
        if (infer_at >= 0)
            dims[infer_at] = ol_dim_unknown();
        return;
    }
    out_data_reshaped(ctx, 0, ol_in_data(ctx, 0), dims, rank);
}

/* ---- Concat ---- */

/* Output 0's values when the inputs are 1-D: integer ones may come from
 * an input whose values are not known (unknown elements, as many as its
 * length), floating ones need every value. */
static void concat_data(ol_ctx *ctx, int32_t elem, const ol_dim *dims)
{
    int64_t len;
    if (!dims_concrete(ctx, dims, 1, &len))
        return;
    ol_data *d = data_shaped(ctx, elem, 1, &len);
    size_t at = 0;
    bool known = false;
    for (size_t i = 0; d && i < ol_in_count(ctx); i++) {
        const ol_data *src = ol_in_data(ctx, i);
        const ol_shape *s = ol_in_shape(ctx, i);
        if (!ol_in_has(ctx, i))
            continue;
        if (!src) { /* unknown elements: left unknown in d->values */
            int64_t n;
            if (!d->values || !s || s->rank != 1 || !dims_concrete(ctx, s->dims, 1, &n) ||
                at + (size_t)n > d->count)
                return;
            at += (size_t)n;
            continue;
        }
        if (src->rank != 1 || at + src->count > d->count)
            return;
        for (size_t k = 0; k < src->count; k++) {
            if (!data_copy_elem(d, at++, src, k))
                return;
        }
        known = true;
    }
    if (d && known && at == d->count)
        ol_out_data(ctx, 0, d);
}

static void infer_Concat(ol_ctx *ctx)
{
    size_t n = ol_in_count(ctx);
    int32_t elem = 0;
    int rank = -1;
    size_t first = 0;
    for (size_t i = 0; i < n; i++) {
        const ol_shape *s = ol_in_shape(ctx, i);
        if (!elem)
            elem = ol_in_elem(ctx, i);
        if (!s)
            continue;
        if (rank < 0) {
            rank = s->rank;
            first = i;
        } else if (s->rank != rank) {
            ol_error(ctx, "shape-error", "inputs of different ranks: %s vs %s",
                     ol_type_str(ctx, ol_in_type(ctx, first)),
                     ol_type_str(ctx, ol_in_type(ctx, i)));
            ol_out_tensor(ctx, 0, elem, -1);
            return;
        }
    }
    if (rank == 0) {
        ol_error(ctx, "shape-error", "cannot concatenate scalars (%s)", ol_type_str(ctx, ol_in_type(ctx, first)));
        rank = -1;
    }
    ol_dim *dims = ol_out_tensor(ctx, 0, elem, rank);
    if (!dims)
        return;
    if (ctx->version >= 4 && !ol_attr_has(ctx, "axis"))
        return; /* required: the checker reports it */
    int axis = ol_axis(ctx, ol_attr_int(ctx, "axis", 1), rank, false, "Concat axis");
    if (axis < 0)
        return;
    ol_dim sum = ol_dim_value(0);
    for (size_t i = 0; i < n; i++) {
        const ol_shape *s = ol_in_shape(ctx, i);
        if (!ol_in_has(ctx, i))
            continue;
        if (!s) {
            sum = ol_dim_unknown();
            continue;
        }
        for (int k = 0; k < rank; k++) {
            if (k == axis) {
                sum = ol_dim_add(ctx->exprs, sum, s->dims[k]);
            } else if (i != first && ol_dim_differ(ctx->exprs, dims[k], s->dims[k])) {
                ol_error(ctx, "shape-error", "inputs differ in dim %d (concatenating on axis %d): %s vs %s", k, axis,
                         ol_type_str(ctx, ol_in_type(ctx, first)), ol_type_str(ctx, ol_in_type(ctx, i)));
            } else {
                dims[k] = ol_dim_merge(ctx, dims[k], s->dims[k], "Concat non-axis dim");
            }
        }
    }
    dims[axis] = sum;
    if (rank == 1)
        concat_data(ctx, elem, dims);
}

/* ---- Slice ---- */

/* Where a slice bound v falls on a dim of size n once clamped (to [0, n]
 * going forward; a start to [0, n-1] and an end to [-1, n-1] going
 * backward).  Concrete when v and n are.  Otherwise the expression only
 * when the clamp provably leaves it alone for every value of the symbols
 * (N-1 for -1, 1 for 1, a data value v with 0 <= v <= n): x[:-5] is not
 * N-5, which is negative for small N, but unknown. */
static ol_dim slice_bound(ol_ctx *ctx, ol_dim n, ol_dim v, bool forward, bool is_end)
{
    ol_exprs *x = ctx->exprs;
    int64_t lo = forward || !is_end ? 0 : -1;
    n = ol_dim_resolve(x, n);
    v = ol_dim_resolve(x, v);
    if (v.kind == OL_DIM_VALUE && n.kind == OL_DIM_VALUE) {
        int64_t at = v.value < 0 ? v.value + n.value : v.value;
        int64_t top = forward ? n.value : n.value - 1;
        return ol_dim_value(at < lo ? lo : at > top ? top : at);
    }
    if (n.kind == OL_DIM_UNKNOWN || v.kind == OL_DIM_UNKNOWN || (!forward && !ol_dim_at_least(x, n, 1)))
        return ol_dim_unknown();
    ol_dim top = forward ? n : ol_dim_add_const(x, n, -1);
    if (v.kind == OL_DIM_VALUE && v.value <= -SLICE_HUGE)
        return ol_dim_value(lo);
    if (v.kind == OL_DIM_VALUE && v.value >= SLICE_HUGE)
        return top;
    ol_dim at = v;
    if (v.kind == OL_DIM_VALUE && v.value < 0)
        at = ol_dim_add_const(x, n, v.value); /* counts from the end: at most top */
    else if (!ol_dim_at_least(x, v, 0) || !ol_dim_at_least(x, ol_dim_sub(x, top, v), 0))
        return ol_dim_unknown(); /* min(v, top), or a negative data value */
    return ol_dim_at_least(x, at, lo) ? at : ol_dim_unknown();
}

/* The length of x[start:end:step] along a dim of size n (see slice_bound):
 * a symbolic one only when it is >= 0 for every value of the symbols. */
static ol_dim slice_length(ol_ctx *ctx, ol_dim n, ol_dim start, ol_dim end, int64_t step)
{
    bool forward = step > 0;
    ol_dim s = slice_bound(ctx, n, start, forward, false);
    ol_dim e = slice_bound(ctx, n, end, forward, true);
    ol_dim diff = forward ? ol_dim_sub(ctx->exprs, e, s) : ol_dim_sub(ctx->exprs, s, e);
    int64_t stride = forward ? step : step == INT64_MIN ? INT64_MAX : -step;
    if (diff.kind == OL_DIM_VALUE) {
        if (diff.value <= 0)
            return ol_dim_value(0);
        return ol_dim_value(diff.value / stride + (diff.value % stride != 0));
    }
    return ol_dim_at_least(ctx->exprs, diff, 0) ? ol_dim_ceildiv(ctx->exprs, diff, ol_dim_value(stride))
                                                : ol_dim_unknown();
}

/* Slice's operands: starts, ends (possibly symbolic, unknown elements),
 * axes and steps (concrete).  n is the number of sliced axes (-1 when
 * unknown); axes_known is false when axes were given but are not known,
 * steps_known likewise. */
typedef struct slice_args {
    int n;
    ol_dim starts[OL_MAX_RANK], ends[OL_MAX_RANK];
    int64_t axes[OL_MAX_RANK], steps[OL_MAX_RANK];
    bool axes_given, axes_known, steps_known;
} slice_args;

/* The bounds input i of Slice 10+ gives (n of them, -1 when unknown). */
static int slice_bounds(ol_ctx *ctx, size_t i, ol_dim *out)
{
    const ol_data *d = ol_in_data(ctx, i);
    if (d && d->values) {
        if (d->count > OL_MAX_RANK)
            return -1;
        for (size_t k = 0; k < d->count; k++)
            out[k] = data_dim(ctx, d, k);
        return (int)d->count;
    }
    int n = list_length(ctx, i);
    for (int k = 0; k < n; k++)
        out[k] = ol_dim_unknown();
    return n;
}

/* Reads Slice's operands (attributes before opset 10, inputs after) and
 * checks their lengths agree; false after reporting when they do not. */
static bool slice_read(ol_ctx *ctx, slice_args *a)
{
    int ns, ne, na, nt = -1;
    if (ctx->version < 10) {
        int64_t v[OL_MAX_RANK];
        bool present;
        ns = int_list(ctx, "starts", 10, 1, v, OL_MAX_RANK, &present);
        for (int k = 0; k < ns; k++)
            a->starts[k] = ol_dim_value(v[k]);
        ne = int_list(ctx, "ends", 10, 2, v, OL_MAX_RANK, &present);
        for (int k = 0; k < ne; k++)
            a->ends[k] = ol_dim_value(v[k]);
    } else {
        ns = slice_bounds(ctx, 1, a->starts);
        ne = slice_bounds(ctx, 2, a->ends);
    }
    na = int_list(ctx, "axes", 10, 3, a->axes, OL_MAX_RANK, &a->axes_given);
    a->axes_known = na >= 0;
    if (!a->axes_given)
        na = -1;
    else if (!a->axes_known)
        na = list_length(ctx, 3);
    a->steps_known = true;
    if (ctx->version >= 10 && ol_in_has(ctx, 4)) {
        nt = data_ints(ctx, ol_in_data(ctx, 4), a->steps, OL_MAX_RANK);
        a->steps_known = nt >= 0;
        if (nt < 0)
            nt = list_length(ctx, 4);
    }
    int lens[] = {ns, ne, na, nt};
    const char *names[] = {"starts", "ends", "axes", "steps"};
    a->n = -1;
    size_t first = 0; /* the first list whose length is known */
    for (size_t k = 0; k < sizeof lens / sizeof *lens; k++) {
        if (lens[k] < 0)
            continue;
        if (a->n >= 0 && lens[k] != a->n) {
            ol_error(ctx, "shape-error", "%s has %d elements where %s has %d", names[k], lens[k], names[first], a->n);
            return false;
        }
        if (a->n < 0)
            first = k;
        a->n = lens[k];
    }
    if (a->n >= 0 && ns < 0)
        for (int k = 0; k < a->n; k++)
            a->starts[k] = ol_dim_unknown();
    if (a->n >= 0 && ne < 0)
        for (int k = 0; k < a->n; k++)
            a->ends[k] = ol_dim_unknown();
    if (!ol_in_has(ctx, 4) || ctx->version < 10)
        for (int k = 0; k < OL_MAX_RANK; k++)
            a->steps[k] = 1;
    return true;
}

/* Slices 1-D data along its only axis. */
static void slice_data(ol_ctx *ctx, const slice_args *a, const ol_dim *dims)
{
    const ol_data *src = ol_in_data(ctx, 0);
    int64_t start, end, len;
    if (!src || src->rank != 1 || a->n != 1 || !a->steps_known || a->axes[0] != 0 ||
        !dims_concrete(ctx, dims, 1, &len))
        return;
    ol_dim n = ol_dim_value((int64_t)src->count);
    bool forward = a->steps[0] > 0;
    ol_dim s = slice_bound(ctx, n, a->starts[0], forward, false);
    ol_dim e = slice_bound(ctx, n, a->ends[0], forward, true);
    if (s.kind != OL_DIM_VALUE || e.kind != OL_DIM_VALUE)
        return;
    start = s.value;
    end = e.value;
    ol_data *d = data_shaped(ctx, src->elem_type, 1, &len);
    if (!d)
        return;
    /* element k is start + k*step: len was computed so that it stays
     * between start and end, without overflow */
    for (size_t k = 0; k < d->count; k++) {
        int64_t i = start + (int64_t)k * a->steps[0];
        bool inside = i >= 0 && (size_t)i < src->count && (forward ? i < end : i > end);
        if (!inside || !data_copy_elem(d, k, src, (size_t)i))
            return;
    }
    ol_out_data(ctx, 0, d);
}

static void infer_Slice(ol_ctx *ctx)
{
    ol_dim *dims = out_dims_like(ctx, 0, 0, ol_in_elem(ctx, 0));
    if (!dims)
        return;
    const ol_shape *s = ol_in_shape(ctx, 0);
    slice_args args, *a = &args;
    memset(a, 0, sizeof *a);
    bool ok = slice_read(ctx, a);
    if (!a->axes_given && a->n >= 0) {
        if (a->n > s->rank) {
            ol_error(ctx, "shape-error", "%d starts for the input %s", a->n, ol_type_str(ctx, ol_in_type(ctx, 0)));
            ok = false;
        }
        for (int k = 0; k < a->n; k++)
            a->axes[k] = k;
        a->axes_known = true;
    }
    if (!ok || a->n < 0 || !a->axes_known || !normalize_axes(ctx, a->axes, a->n, s->rank, "Slice axis")) {
        for (int k = 0; k < s->rank; k++) /* any axis may be sliced */
            dims[k] = ol_dim_unknown();
        return;
    }
    for (int k = 0; k < a->n; k++) {
        int axis = (int)a->axes[k];
        if (a->steps_known && a->steps[k] == 0) {
            ol_error(ctx, "shape-error", "step %d is 0", k);
            dims[axis] = ol_dim_unknown();
            continue;
        }
        dims[axis] = a->steps_known ? slice_length(ctx, s->dims[axis], a->starts[k], a->ends[k], a->steps[k])
                                    : ol_dim_unknown();
    }
    if (s->rank == 1)
        slice_data(ctx, a, dims);
}

/* ---- Squeeze, Unsqueeze, Flatten ---- */

static void infer_Squeeze(ol_ctx *ctx)
{
    const ol_shape *s = ol_in_shape(ctx, 0);
    int32_t elem = ol_in_elem(ctx, 0);
    int64_t axes[OL_MAX_RANK];
    bool given;
    int n = int_list(ctx, "axes", 13, 1, axes, OL_MAX_RANK, &given);
    if (given && n == 0)
        given = false; /* an empty list squeezes every 1, as ONNX and runtimes read it */
    if (!s) {
        ol_out_tensor(ctx, 0, elem, -1);
        return;
    }
    bool squeeze[OL_MAX_RANK + 1] = {false};
    int removed = 0;
    if (given && n < 0) { /* axes not known: only their number may be */
        int len = list_length(ctx, 1);
        int candidates = 0; /* dims that may be 1: the squeezed ones are among them */
        for (int k = 0; k < s->rank; k++) {
            ol_dim d = ol_dim_resolve(ctx->exprs, s->dims[k]);
            squeeze[k] = d.kind != OL_DIM_VALUE || d.value == 1;
            candidates += squeeze[k];
        }
        if (len < 0 || len > s->rank) {
            ol_out_tensor(ctx, 0, elem, -1);
            return;
        }
        if (len != candidates) {
            ol_out_tensor(ctx, 0, elem, s->rank - len);
            return;
        }
        removed = len; /* as many axes as candidates: every candidate goes */
    } else if (given) {
        if (!normalize_axes(ctx, axes, n, s->rank, "Squeeze axis")) {
            ol_out_tensor(ctx, 0, elem, -1);
            return;
        }
        for (int k = 0; k < n; k++) {
            ol_dim d = ol_dim_resolve(ctx->exprs, s->dims[axes[k]]);
            if (d.kind == OL_DIM_VALUE && d.value != 1)
                ol_error(ctx, "shape-error", "cannot squeeze axis %lld of %s: its dim is %lld, not 1",
                         (long long)axes[k], ol_type_str(ctx, ol_in_type(ctx, 0)), (long long)d.value);
            squeeze[axes[k]] = true;
        }
        removed = n;
    } else {
        for (int k = 0; k < s->rank; k++) {
            ol_dim d = ol_dim_resolve(ctx->exprs, s->dims[k]);
            if (d.kind != OL_DIM_VALUE) { /* it might be 1: the rank is not known */
                ol_out_tensor(ctx, 0, elem, -1);
                return;
            }
            squeeze[k] = d.value == 1;
            removed += squeeze[k];
        }
    }
    ol_dim *dims = ol_out_tensor(ctx, 0, elem, s->rank - removed);
    if (!dims)
        return;
    int at = 0;
    for (int k = 0; k < s->rank; k++) {
        if (!squeeze[k])
            dims[at++] = s->dims[k];
    }
    out_data_reshaped(ctx, 0, ol_in_data(ctx, 0), dims, at);
}

static void infer_Unsqueeze(ol_ctx *ctx)
{
    const ol_shape *s = ol_in_shape(ctx, 0);
    int32_t elem = ol_in_elem(ctx, 0);
    int64_t axes[OL_MAX_RANK];
    bool given;
    int n = int_list(ctx, "axes", 13, 1, axes, OL_MAX_RANK, &given);
    if (!s) {
        ol_out_tensor(ctx, 0, elem, -1);
        return;
    }
    if (n < 0) { /* axes not known: only their number may be */
        int len = list_length(ctx, 1);
        ol_out_tensor(ctx, 0, elem, len >= 0 && s->rank + len <= OL_MAX_RANK ? s->rank + len : -1);
        return;
    }
    int rank = s->rank + n;
    for (int k = 0; k < n && ctx->version < 11; k++) {
        if (axes[k] < 0) { /* negative axes came with opset 11 */
            ol_error(ctx, "shape-error", "axis %lld is negative; Unsqueeze-%lld takes axes >= 0 (negative ones from "
                     "opset 11)", (long long)axes[k], (long long)ctx->version);
            ol_out_tensor(ctx, 0, elem, rank <= OL_MAX_RANK ? rank : -1);
            return;
        }
    }
    if (rank > OL_MAX_RANK || !normalize_axes(ctx, axes, n, rank, "Unsqueeze axis")) {
        ol_out_tensor(ctx, 0, elem, -1);
        return;
    }
    ol_dim *dims = ol_out_tensor(ctx, 0, elem, rank);
    if (!dims)
        return;
    bool inserted[OL_MAX_RANK + 1] = {false};
    for (int k = 0; k < n; k++)
        inserted[axes[k]] = true;
    int from = 0;
    for (int k = 0; k < rank; k++)
        dims[k] = inserted[k] ? ol_dim_value(1) : s->dims[from++];
    out_data_reshaped(ctx, 0, ol_in_data(ctx, 0), dims, rank);
}

static void infer_Flatten(ol_ctx *ctx)
{
    const ol_shape *s = ol_in_shape(ctx, 0);
    ol_dim *dims = ol_out_tensor(ctx, 0, ol_in_elem(ctx, 0), 2);
    if (!s || !dims)
        return;
    /* axis is in [-r, r] (negative ones from opset 11) and counts from r */
    int64_t axis = ol_attr_int(ctx, "axis", 1);
    if (axis < (ctx->version < 11 ? 0 : -(int64_t)s->rank) || axis > s->rank) {
        ol_error(ctx, "shape-error", "Flatten axis %lld is out of range for %s", (long long)axis,
                 ol_type_str(ctx, ol_in_type(ctx, 0)));
        return;
    }
    int a = (int)(axis < 0 ? axis + s->rank : axis);
    dims[0] = ol_shape_product(ctx, s, 0, a);
    dims[1] = ol_shape_product(ctx, s, a, s->rank);
    out_data_reshaped(ctx, 0, ol_in_data(ctx, 0), dims, 2);
}

/* ---- Expand, Tile ---- */

/* Output 0's values: input 0's broadcast or tiled to the output's
 * concrete dims (tile selects which). */
static void spread_data(ol_ctx *ctx, const ol_dim *dims, int rank, bool tile)
{
    const ol_data *src = ol_in_data(ctx, 0);
    int64_t shape[OL_MAX_RANK];
    if (!src || !dims_concrete(ctx, dims, rank, shape) ||
        (tile ? src->rank != rank : !data_broadcasts(src, shape, rank)))
        return;
    ol_data *d = data_shaped(ctx, src->elem_type, rank, shape);
    if (!d)
        return;
    for (size_t pos = 0; pos < d->count; pos++) {
        size_t j = 0;
        if (tile) { /* each output coordinate wraps around the input's dim */
            size_t rest = pos, stride = 1;
            for (int k = rank - 1; k >= 0; k--) {
                size_t coord = rest % (size_t)shape[k];
                rest /= (size_t)shape[k];
                if (src->dims[k] <= 0)
                    return;
                j += (coord % (size_t)src->dims[k]) * stride;
                stride *= (size_t)src->dims[k];
            }
        } else {
            j = broadcast_index(pos, shape, rank, src->dims, src->rank);
        }
        if (j >= src->count || !data_copy_elem(d, pos, src, j))
            return;
    }
    ol_out_data(ctx, 0, d);
}

static void infer_Expand(ol_ctx *ctx)
{
    int32_t elem = ol_in_elem(ctx, 0);
    const ol_shape *s = ol_in_shape(ctx, 0);
    ol_dim *target;
    int n = shape_operand(ctx, 1, &target);
    if (!s || n < 0) {
        ol_out_tensor(ctx, 0, elem, -1);
        return;
    }
    for (int k = 0; k < n; k++) {
        if (target[k].kind == OL_DIM_VALUE && target[k].value < 0) {
            ol_error(ctx, "shape-error", "the shape %s has a negative dim %lld", ol_in_name(ctx, 1),
                     (long long)target[k].value);
            target[k] = ol_dim_unknown();
        }
    }
    ol_shape want = {n, target}, out;
    const ol_shape *shapes[] = {s, &want};
    ol_broadcast(ctx, shapes, 2, &out);
    ol_dim *dims = ol_out_tensor(ctx, 0, elem, out.rank);
    for (int k = 0; dims && k < out.rank; k++)
        dims[k] = out.dims[k];
    if (dims)
        spread_data(ctx, dims, out.rank, false);
}

static void infer_Tile(ol_ctx *ctx)
{
    int32_t elem = ol_in_elem(ctx, 0);
    ol_dim *dims = out_dims_like(ctx, 0, 0, elem);
    const ol_shape *s = ol_in_shape(ctx, 0);
    if (ctx->version < 6) { /* Tile(input, tiles, axis): one axis repeated */
        int64_t tiles, axis;
        int a;
        if (!dims || !data_int(ctx, ol_in_data(ctx, 2), 0, &axis) ||
            (a = ol_axis(ctx, axis, s->rank, false, "Tile axis")) < 0)
            return;
        dims[a] = data_int(ctx, ol_in_data(ctx, 1), 0, &tiles) ? ol_dim_mul(ctx->exprs, s->dims[a], ol_dim_value(tiles))
                                                                : ol_dim_unknown();
        return;
    }
    int64_t repeats[OL_MAX_RANK];
    int n = data_ints(ctx, ol_in_data(ctx, 1), repeats, OL_MAX_RANK);
    int len = n >= 0 ? n : list_length(ctx, 1);
    if (!s || !dims) {
        ol_out_tensor(ctx, 0, elem, s ? s->rank : len);
        return;
    }
    if (len >= 0 && len != s->rank) {
        ol_error(ctx, "shape-error", "%d repeats for the input %s of rank %d", len,
                 ol_type_str(ctx, ol_in_type(ctx, 0)), s->rank);
        n = -1; /* which repeat goes with which dim is not known */
    }
    for (int k = 0; k < s->rank; k++) {
        if (n < 0) {
            dims[k] = ol_dim_unknown();
        } else if (repeats[k] < 0) {
            ol_error(ctx, "shape-error", "repeat %d is negative (%lld)", k, (long long)repeats[k]);
            dims[k] = ol_dim_unknown();
        } else {
            dims[k] = ol_dim_mul(ctx->exprs, s->dims[k], ol_dim_value(repeats[k]));
        }
    }
    spread_data(ctx, dims, s->rank, true);
}

/* ---- Transpose ---- */

static void infer_Transpose(ol_ctx *ctx)
{
    int32_t elem = ol_in_elem(ctx, 0);
    const ol_shape *s = ol_in_shape(ctx, 0);
    size_t n;
    const int64_t *perm = ol_attr_ints(ctx, "perm", &n);
    bool given = n > 0; /* an empty perm is the default, as runtimes read it */
    if (!s) {
        ol_out_tensor(ctx, 0, elem, given && n <= OL_MAX_RANK ? (int)n : -1);
        return;
    }
    int64_t p[OL_MAX_RANK];
    if (given && n != (size_t)s->rank) {
        ol_error(ctx, "shape-error", "perm has %zu entries for the input %s", n, ol_type_str(ctx, ol_in_type(ctx, 0)));
        ol_out_tensor(ctx, 0, elem, s->rank);
        return;
    }
    bool seen[OL_MAX_RANK + 1] = {false};
    for (int k = 0; k < s->rank; k++) {
        p[k] = given ? perm[k] : s->rank - 1 - k;
        if (p[k] < 0 || p[k] >= s->rank || seen[p[k]]) {
            ol_error(ctx, "shape-error", "perm is not a permutation of the %d axes of %s (entry %d is %lld)", s->rank,
                     ol_type_str(ctx, ol_in_type(ctx, 0)), k, (long long)p[k]);
            ol_out_tensor(ctx, 0, elem, s->rank);
            return;
        }
        seen[p[k]] = true;
    }
    ol_dim *dims = ol_out_tensor(ctx, 0, elem, s->rank);
    for (int k = 0; dims && k < s->rank; k++)
        dims[k] = s->dims[p[k]];
    /* values: output coordinate k is input coordinate p[k] */
    const ol_data *src = ol_in_data(ctx, 0);
    int64_t shape[OL_MAX_RANK];
    if (!dims || !src || src->rank != s->rank || !dims_concrete(ctx, dims, s->rank, shape))
        return;
    ol_data *d = data_shaped(ctx, src->elem_type, s->rank, shape);
    if (!d || d->count != src->count)
        return;
    size_t in_stride[OL_MAX_RANK];
    size_t stride = 1;
    for (int k = s->rank - 1; k >= 0; k--) {
        in_stride[k] = stride;
        stride *= (size_t)src->dims[k];
    }
    for (size_t pos = 0; pos < d->count; pos++) {
        size_t rest = pos, j = 0;
        for (int k = s->rank - 1; k >= 0; k--) {
            j += (rest % (size_t)shape[k]) * in_stride[p[k]];
            rest /= (size_t)shape[k];
        }
        if (j >= src->count || !data_copy_elem(d, pos, src, j))
            return;
    }
    ol_out_data(ctx, 0, d);
}

/* ---- Gather ---- */

/* Output 0's values: data[..., indices, ...] along axis (concrete dims). */
static void gather_data(ol_ctx *ctx, int axis, const ol_dim *dims, int rank)
{
    const ol_data *src = ol_in_data(ctx, 0), *idx = ol_in_data(ctx, 1);
    int64_t shape[OL_MAX_RANK];
    if (!src || !idx || src->rank <= axis || !dims_concrete(ctx, dims, rank, shape))
        return;
    size_t outer = 1, inner = 1, n = (size_t)src->dims[axis];
    for (int k = 0; k < axis; k++)
        outer *= (size_t)src->dims[k];
    for (int k = axis + 1; k < src->rank; k++)
        inner *= (size_t)src->dims[k];
    ol_data *d = data_shaped(ctx, src->elem_type, rank, shape);
    if (!d || d->count != outer * idx->count * inner)
        return;
    size_t at = 0;
    for (size_t o = 0; o < outer; o++) {
        for (size_t j = 0; j < idx->count; j++) {
            int64_t i;
            if (!data_int(ctx, idx, j, &i) || i < -(int64_t)n || i >= (int64_t)n)
                return;
            size_t row = (size_t)(i < 0 ? i + (int64_t)n : i);
            for (size_t k = 0; k < inner; k++) {
                if (!data_copy_elem(d, at++, src, (o * n + row) * inner + k))
                    return;
            }
        }
    }
    ol_out_data(ctx, 0, d);
}

static void infer_Gather(ol_ctx *ctx)
{
    int32_t elem = ol_in_elem(ctx, 0);
    const ol_shape *s = ol_in_shape(ctx, 0), *is = ol_in_shape(ctx, 1);
    if (!s || !is || s->rank + is->rank - 1 > OL_MAX_RANK) {
        ol_out_tensor(ctx, 0, elem, -1);
        return;
    }
    if (s->rank == 0) {
        ol_error(ctx, "shape-error", "cannot gather from a scalar (%s)", ol_type_str(ctx, ol_in_type(ctx, 0)));
        ol_out_tensor(ctx, 0, elem, -1);
        return;
    }
    int axis = ol_axis(ctx, ol_attr_int(ctx, "axis", 0), s->rank, false, "Gather axis");
    int rank = s->rank + is->rank - 1;
    ol_dim *dims = ol_out_tensor(ctx, 0, elem, axis < 0 ? -1 : rank);
    if (!dims)
        return;
    int at = 0;
    for (int k = 0; k < axis; k++)
        dims[at++] = s->dims[k];
    for (int k = 0; k < is->rank; k++)
        dims[at++] = is->dims[k];
    for (int k = axis + 1; k < s->rank; k++)
        dims[at++] = s->dims[k];
    /* indices known against a known dim: each must lie in [-n, n-1] */
    const ol_data *idx = ol_in_data(ctx, 1);
    ol_dim n = ol_dim_resolve(ctx->exprs, s->dims[axis]);
    for (size_t j = 0; idx && n.kind == OL_DIM_VALUE && j < idx->count; j++) {
        int64_t i;
        if (data_int(ctx, idx, j, &i) && (i < -n.value || i >= n.value)) {
            ol_error(ctx, "shape-error", "index %lld is out of range for axis %d of %s", (long long)i, axis,
                     ol_type_str(ctx, ol_in_type(ctx, 0)));
            return;
        }
    }
    gather_data(ctx, axis, dims, rank);
}

/* ---- Where ---- */

static void infer_Where(ol_ctx *ctx)
{
    int32_t elem = ol_in_elem(ctx, 1) ? ol_in_elem(ctx, 1) : ol_in_elem(ctx, 2);
    ol_type *t = ol_infer_broadcast(ctx, elem);
    const ol_data *c = ol_in_data(ctx, 0), *x = ol_in_data(ctx, 1), *y = ol_in_data(ctx, 2);
    int64_t shape[OL_MAX_RANK];
    if (!t || !c || !x || !y || !c->values || !data_compatible(x, y) ||
        !dims_concrete(ctx, t->shape.dims, t->shape.rank, shape))
        return;
    int rank = t->shape.rank;
    if (!data_broadcasts(c, shape, rank) || !data_broadcasts(x, shape, rank) || !data_broadcasts(y, shape, rank))
        return;
    ol_data *d = data_shaped(ctx, x->elem_type, rank, shape);
    if (!d)
        return;
    for (size_t pos = 0; pos < d->count; pos++) {
        ol_dim cond = data_dim(ctx, c, broadcast_index(pos, shape, rank, c->dims, c->rank));
        if (cond.kind != OL_DIM_VALUE) {
            if (!d->values) /* doubles have no unknown element */
                return;
            d->values[pos] = ol_dim_unknown();
            continue;
        }
        const ol_data *from = cond.value ? x : y;
        if (!data_copy_elem(d, pos, from, broadcast_index(pos, shape, rank, from->dims, from->rank)))
            return;
    }
    ol_out_data(ctx, 0, d);
}

/* ---- Range ---- */

/* Range over integers: length max(0, ceil((limit - start) / delta)), and
 * the values when few.  A symbolic length needs its sign for every value
 * of the symbols (sizes, at least 1): Range(0, N, 1) has N elements,
 * Range(0, N-5, 1) and Range(N, 0, 1) an unknown number. */
static void range_ints(ol_ctx *ctx, ol_dim *len, int32_t elem, ol_dim start, ol_dim limit, int64_t delta)
{
    ol_dim high = delta > 0 ? limit : start, low = delta > 0 ? start : limit;
    ol_dim diff = ol_dim_sub(ctx->exprs, high, low);
    int64_t stride = delta > 0 ? delta : delta == INT64_MIN ? INT64_MAX : -delta;
    if (diff.kind == OL_DIM_VALUE)
        *len = ol_dim_value(diff.value <= 0 ? 0 : diff.value / stride + (diff.value % stride != 0));
    else if (ol_dim_at_least(ctx->exprs, diff, 0))
        *len = ol_dim_ceildiv(ctx->exprs, diff, ol_dim_value(stride));
    else
        *len = ol_dim_unknown();
    ol_data *d = len->kind == OL_DIM_VALUE ? data_shaped(ctx, elem, 1, &len->value) : NULL;
    for (size_t k = 0; d && k < d->count; k++) {
        if (delta != 0 && (int64_t)k > INT64_MAX / stride)
            return;
        d->values[k] = ol_dim_add_const(ctx->exprs, start, (int64_t)k * delta);
    }
    if (d)
        ol_out_data(ctx, 0, d);
}

/* Range over floating values: length ceil((limit - start) / delta). */
static void range_reals(ol_ctx *ctx, ol_dim *len, int32_t elem, double start, double limit, double delta)
{
    double q = (limit - start) / delta;
    if (!(q > -INT64_LIMIT_REAL && q < INT64_LIMIT_REAL))
        return;
    int64_t n = (int64_t)q;
    if ((double)n < q)
        n++;
    if (n < 0)
        n = 0;
    *len = ol_dim_value(n);
    ol_data *d = data_shaped(ctx, elem, 1, &n);
    double v;
    for (size_t k = 0; d && k < d->count; k++) {
        if (!cast_real(start + (double)k * delta, elem, &v))
            return;
        d->reals[k] = v;
    }
    if (d)
        ol_out_data(ctx, 0, d);
}

static void infer_Range(ol_ctx *ctx)
{
    int32_t elem = 0;
    for (size_t i = 0; i < 3 && !elem; i++)
        elem = ol_in_elem(ctx, i);
    ol_dim *dims = ol_out_tensor(ctx, 0, elem, 1);
    const ol_data *start = ol_in_data(ctx, 0), *limit = ol_in_data(ctx, 1), *delta = ol_in_data(ctx, 2);
    if (!dims || !start || !limit || !delta || start->count != 1 || limit->count != 1 || delta->count != 1)
        return;
    if (delta->values) {
        int64_t step;
        if (!data_int(ctx, delta, 0, &step))
            return;
        if (step == 0) {
            ol_error(ctx, "shape-error", "Range delta %s is 0", ol_in_name(ctx, 2));
            return;
        }
        if (start->values && limit->values)
            range_ints(ctx, &dims[0], elem, data_dim(ctx, start, 0), data_dim(ctx, limit, 0), step);
        return;
    }
    if (!start->reals || !limit->reals)
        return;
    if (delta->reals[0] == 0.0) {
        ol_error(ctx, "shape-error", "Range delta %s is 0", ol_in_name(ctx, 2));
        return;
    }
    range_reals(ctx, &dims[0], elem, start->reals[0], limit->reals[0], delta->reals[0]);
}

/* ---- kernels ----
 *
 * The numeric side of the same operators (src/eval/eval.h): shapes come
 * from the actual int64 dims.  Operators that only change the shape
 * (Reshape, Squeeze, Unsqueeze, Flatten) share their input's data, which
 * is immutable; the others copy elements by their size, through one
 * strided walk (Slice, Transpose, Expand, Tile). */

/* Most dims a strided copy walks: Tile splits each axis in two. */
#define COPY_MAX_RANK (2 * OL_MAX_RANK)

/* Side of the square blocks a transposing copy moves at a time. */
#define TRANSPOSE_BLOCK 32

/* Bytes of the element sizes copied with typed loads. */
enum { SIZE_1 = 1, SIZE_2 = 2, SIZE_4 = 4, SIZE_8 = 8 };

/* Fails unless the element type has a size the evaluator knows. */
static bool elem_sized(ol_kctx *k, int32_t elem, size_t *size)
{
    *size = ol_elem_size(elem);
    if (*size)
        return true;
    const char *name = ol_elem_type_name(elem);
    return ol_k_fail(k, "element type %s is not supported by the evaluator", name ? name : "?");
}

/* Output i shares x's data under other dims (whose product is x's count:
 * the caller checked). */
static bool out_view(ol_kctx *k, size_t i, const ol_array *x, int rank, const int64_t *dims)
{
    uint64_t count = 1;
    if (!ol_dims_count(dims, (size_t)rank, &count) || count != x->count)
        return ol_k_fail(k, "cannot view %s with %d other dims", ol_k_shape(k, x), rank);
    ol_array *a = ol_k_alloc(k, sizeof *a);
    int64_t *d = a ? ol_k_alloc(k, ((size_t)rank + 1) * sizeof *d) : NULL;
    if (!d)
        return false;
    if (rank > 0)
        memcpy(d, dims, (size_t)rank * sizeof *d);
    a->elem_type = x->elem_type;
    a->rank = rank;
    a->dims = d;
    a->count = x->count;
    a->data = x->data;
    ol_rvalue *v = ol_k_tensor_value(k, a);
    if (!v)
        return false;
    ol_k_out_value(k, i, v);
    return true;
}

/* Copies n elements of `size` bytes, step elements apart in src, densely
 * into dst. */
static void copy_run(char *dst, const char *src, size_t size, int64_t n, int64_t step)
{
    if (step == 1) {
        memcpy(dst, src, (size_t)n * size);
        return;
    }
    switch (size) {
    case SIZE_1: {
        uint8_t *d = (uint8_t *)dst;
        const uint8_t *s = (const uint8_t *)src;
        for (int64_t i = 0; i < n; i++)
            d[i] = s[i * step];
        break;
    }
    case SIZE_2: {
        uint16_t *d = (uint16_t *)(void *)dst;
        const uint16_t *s = (const uint16_t *)(const void *)src;
        for (int64_t i = 0; i < n; i++)
            d[i] = s[i * step];
        break;
    }
    case SIZE_4: {
        uint32_t *d = (uint32_t *)(void *)dst;
        const uint32_t *s = (const uint32_t *)(const void *)src;
        for (int64_t i = 0; i < n; i++)
            d[i] = s[i * step];
        break;
    }
    case SIZE_8: {
        uint64_t *d = (uint64_t *)(void *)dst;
        const uint64_t *s = (const uint64_t *)(const void *)src;
        for (int64_t i = 0; i < n; i++)
            d[i] = s[i * step];
        break;
    }
    default:
        for (int64_t i = 0; i < n; i++)
            memcpy(dst + (size_t)i * size, src + (ptrdiff_t)(i * step) * (ptrdiff_t)size, size);
        break;
    }
}

/* Copies an (rows, cols) block of a transposed walk: dst row r, column c
 * (dst_cols apart) is src[r + c * src_row] (elements). */
static void copy_block(char *dst, const char *src, size_t size, int64_t rows, int64_t cols, int64_t dst_cols,
                       int64_t src_row)
{
    for (int64_t r = 0; r < rows; r++)
        copy_run(dst + (size_t)(r * dst_cols) * size, src + (size_t)r * size, size, cols, src_row);
}

/* dst (dense, row-major in dims) gets the elements of src at element
 * offset base + sum(coord[d] * steps[d]); every such offset lies within
 * src (the caller's guarantee).  Unit dims are dropped and contiguous
 * ones merged first, so slicing a leading axis is one memcpy. */
static void copy_strided(void *dst, const void *src, size_t size, int rank, const int64_t *dims, int64_t base,
                         const int64_t *steps)
{
    int64_t d[COPY_MAX_RANK], s[COPY_MAX_RANK];
    int n = 0;
    for (int k = 0; k < rank; k++) {
        if (dims[k] == 0)
            return;
        if (dims[k] == 1)
            continue;
        if (n > 0 && s[n - 1] == steps[k] * dims[k]) { /* contiguous with the previous dim */
            d[n - 1] *= dims[k];
            s[n - 1] = steps[k];
            continue;
        }
        d[n] = dims[k];
        s[n] = steps[k];
        n++;
    }
    const char *in = (const char *)src;
    char *out = (char *)dst;
    if (n == 0) {
        memcpy(out, in + (size_t)base * size, size);
        return;
    }
    /* a transposition of the two innermost dims: by blocks, for the cache */
    bool blocked = n >= 2 && s[n - 2] == 1 && s[n - 1] > 1 && d[n - 1] >= TRANSPOSE_BLOCK &&
                   d[n - 2] >= TRANSPOSE_BLOCK;
    int walk = blocked ? n - 2 : n - 1; /* outer dims walked one by one */
    int64_t coord[COPY_MAX_RANK] = {0};
    int64_t at = base;
    int64_t inner = blocked ? d[n - 2] * d[n - 1] : d[n - 1];
    for (;;) {
        if (blocked) {
            int64_t rows = d[n - 2], cols = d[n - 1];
            for (int64_t r0 = 0; r0 < rows; r0 += TRANSPOSE_BLOCK) {
                int64_t nr = rows - r0 < TRANSPOSE_BLOCK ? rows - r0 : TRANSPOSE_BLOCK;
                for (int64_t c0 = 0; c0 < cols; c0 += TRANSPOSE_BLOCK) {
                    int64_t nc = cols - c0 < TRANSPOSE_BLOCK ? cols - c0 : TRANSPOSE_BLOCK;
                    copy_block(out + (size_t)(r0 * cols + c0) * size, in + (size_t)(at + r0 + c0 * s[n - 1]) * size,
                               size, nr, nc, cols, s[n - 1]);
                }
            }
        } else {
            copy_run(out, in + (size_t)at * size, size, d[n - 1], s[n - 1]);
        }
        out += (size_t)inner * size;
        int k = walk - 1;
        for (; k >= 0; k--) {
            coord[k]++;
            at += s[k];
            if (coord[k] < d[k])
                break;
            at -= coord[k] * s[k];
            coord[k] = 0;
        }
        if (k < 0)
            break;
    }
}

/* An axis attribute or value in [-rank, rank) (or [-rank, rank] when
 * inclusive) made non-negative; -1 when out of range. */
static int kernel_axis(int64_t axis, int rank, bool inclusive)
{
    int64_t top = inclusive ? rank : rank - 1;
    if (axis < -(int64_t)rank || axis > top)
        return -1;
    return (int)(axis < 0 ? axis + rank : axis);
}

/* "[1,2,3]" for messages. */
static const char *ints_str(ol_kctx *k, const int64_t *v, size_t n)
{
    ol_array a = {.elem_type = ELEM_INT64, .rank = (int)(n > OL_MAX_RANK ? OL_MAX_RANK : n), .dims = (int64_t *)v};
    const char *s = ol_k_shape(k, &a);
    size_t len = strlen(s);
    char *out = ol_k_alloc(k, len + 1);
    if (!out)
        return "[?]";
    memcpy(out, s, len + 1);
    out[0] = '[';
    out[len - 1] = ']';
    return out;
}

/* A list of ints: attribute `name` before opset `since`, else input i.
 * *given tells whether it was given at all; NULL after ol_k_fail on a bad
 * input, or (with *given false) when absent. */
static const int64_t *kernel_ints(ol_kctx *k, const char *name, int64_t since, size_t i, size_t *n, bool *given)
{
    *n = 0;
    if (k->infer.version < since) {
        const int64_t *v = ol_attr_ints(&k->infer, name, n);
        *given = ol_attr_has(&k->infer, name);
        static const int64_t none[1] = {0};
        return *given ? (v ? v : none) : NULL;
    }
    *given = ol_k_in_value(k, i) != NULL;
    return *given ? ol_k_ints(k, i, n) : NULL;
}

/* ---- Shape, Size, Identity ---- */

static bool kernel_Shape(ol_kctx *k)
{
    const ol_array *x = ol_k_in(k, 0);
    if (!x)
        return ol_k_fail(k, "input 0 must be a tensor");
    int64_t start = 0, end = x->rank;
    if (k->infer.version >= 15) {
        start = clamp_rank_index(ol_attr_int(&k->infer, "start", 0), x->rank);
        end = clamp_rank_index(ol_attr_int(&k->infer, "end", x->rank), x->rank);
    }
    int64_t n = end > start ? end - start : 0;
    ol_array *y = ol_k_out(k, 0, ELEM_INT64, 1, &n);
    if (!y)
        return false;
    for (int64_t j = 0; j < n; j++)
        ((int64_t *)y->data)[j] = x->dims[start + j];
    return true;
}

static bool kernel_Size(ol_kctx *k)
{
    const ol_array *x = ol_k_in(k, 0);
    if (!x)
        return ol_k_fail(k, "input 0 must be a tensor");
    ol_array *y = ol_k_out(k, 0, ELEM_INT64, 0, NULL);
    if (!y)
        return false;
    *(int64_t *)y->data = (int64_t)x->count;
    return true;
}

static bool kernel_Identity(ol_kctx *k)
{
    return ol_k_copy(k, 0, 0);
}

/* ---- Reshape, Squeeze, Unsqueeze, Flatten ---- */

static bool kernel_Reshape(ol_kctx *k)
{
    const ol_array *x = ol_k_in(k, 0);
    if (!x)
        return ol_k_fail(k, "input 0 must be a tensor");
    size_t n;
    bool given;
    const int64_t *shape = kernel_ints(k, "shape", 5, 1, &n, &given);
    if (!shape)
        return given ? false : ol_k_fail(k, "the target shape is missing");
    if (n > OL_MAX_RANK)
        return ol_k_fail(k, "the target shape has %zu dims, more than %d", n, OL_MAX_RANK);
    bool allowzero = k->infer.version >= 14 && ol_attr_int(&k->infer, "allowzero", 0) != 0;
    int64_t dims[OL_MAX_RANK];
    int infer_at = -1;
    uint64_t known = 1; /* product of the dims besides -1 */
    for (size_t j = 0; j < n; j++) {
        int64_t t = shape[j];
        if (t == 0 && !allowzero) {
            if (j >= (size_t)x->rank)
                return ol_k_fail(k, "target dim %zu is 0 (copy) but the input %s has rank %d", j, ol_k_shape(k, x),
                                 x->rank);
            t = x->dims[j];
        } else if (t == -1) {
            if (infer_at >= 0)
                return ol_k_fail(k, "the target shape %s has more than one -1", ints_str(k, shape, n));
            infer_at = (int)j;
            dims[j] = 1;
            continue;
        } else if (t < -1) {
            return ol_k_fail(k, "the target shape %s has an invalid dim %lld", ints_str(k, shape, n), (long long)t);
        }
        dims[j] = t;
        if (t != 0 && known > OL_MAX_EVAL_ELEMENTS / (uint64_t)t)
            return ol_k_fail(k, "cannot reshape %s to %s", ol_k_shape(k, x), ints_str(k, shape, n));
        known *= (uint64_t)t;
    }
    if (infer_at >= 0) {
        if (known == 0 || x->count % known != 0)
            return ol_k_fail(k, "cannot reshape %s (%zu elements) to %s", ol_k_shape(k, x), x->count,
                             ints_str(k, shape, n));
        dims[infer_at] = (int64_t)(x->count / known);
    } else if (known != x->count) {
        return ol_k_fail(k, "cannot reshape %s (%zu elements) to %s (%llu elements)", ol_k_shape(k, x), x->count,
                         ints_str(k, shape, n), (unsigned long long)known);
    }
    return out_view(k, 0, x, (int)n, dims);
}

static bool kernel_Squeeze(ol_kctx *k)
{
    const ol_array *x = ol_k_in(k, 0);
    if (!x)
        return ol_k_fail(k, "input 0 must be a tensor");
    size_t n;
    bool given;
    const int64_t *axes = kernel_ints(k, "axes", 13, 1, &n, &given);
    if (given && !axes)
        return false;
    bool squeeze[OL_MAX_RANK] = {false};
    if (n == 0) { /* no axes (or an empty list): every dim of 1 goes */
        for (int d = 0; d < x->rank; d++)
            squeeze[d] = x->dims[d] == 1;
    }
    for (size_t j = 0; j < n; j++) {
        int a = kernel_axis(axes[j], x->rank, false);
        if (a < 0)
            return ol_k_fail(k, "axis %lld is out of range for %s", (long long)axes[j], ol_k_shape(k, x));
        if (x->dims[a] != 1)
            return ol_k_fail(k, "cannot squeeze axis %lld of %s: its dim is %lld, not 1", (long long)axes[j],
                             ol_k_shape(k, x), (long long)x->dims[a]);
        squeeze[a] = true;
    }
    int64_t dims[OL_MAX_RANK];
    int rank = 0;
    for (int d = 0; d < x->rank; d++) {
        if (!squeeze[d])
            dims[rank++] = x->dims[d];
    }
    return out_view(k, 0, x, rank, dims);
}

static bool kernel_Unsqueeze(ol_kctx *k)
{
    const ol_array *x = ol_k_in(k, 0);
    if (!x)
        return ol_k_fail(k, "input 0 must be a tensor");
    size_t n;
    bool given;
    const int64_t *axes = kernel_ints(k, "axes", 13, 1, &n, &given);
    if (!axes)
        return given ? false : ol_k_fail(k, "axes are missing");
    if (n > (size_t)(OL_MAX_RANK - x->rank))
        return ol_k_fail(k, "%zu axes would make %s of rank more than %d", n, ol_k_shape(k, x), OL_MAX_RANK);
    int rank = x->rank + (int)n;
    bool inserted[OL_MAX_RANK] = {false};
    for (size_t j = 0; j < n; j++) {
        if (axes[j] < 0 && k->infer.version < 11)
            return ol_k_fail(k, "axis %lld is negative; Unsqueeze-%lld takes axes >= 0", (long long)axes[j],
                             (long long)k->infer.version);
        int a = kernel_axis(axes[j], rank, false);
        if (a < 0 || inserted[a])
            return ol_k_fail(k, "axis %lld is %s for the output of rank %d", (long long)axes[j],
                             a < 0 ? "out of range" : "repeated", rank);
        inserted[a] = true;
    }
    int64_t dims[OL_MAX_RANK];
    int from = 0;
    for (int d = 0; d < rank; d++)
        dims[d] = inserted[d] ? 1 : x->dims[from++];
    return out_view(k, 0, x, rank, dims);
}

static bool kernel_Flatten(ol_kctx *k)
{
    const ol_array *x = ol_k_in(k, 0);
    if (!x)
        return ol_k_fail(k, "input 0 must be a tensor");
    int64_t axis = ol_attr_int(&k->infer, "axis", 1);
    int a = axis < 0 && k->infer.version < 11 ? -1 : kernel_axis(axis, x->rank, true);
    if (a < 0)
        return ol_k_fail(k, "axis %lld is out of range for %s", (long long)axis, ol_k_shape(k, x));
    int64_t dims[2] = {1, 1};
    for (int d = 0; d < x->rank; d++) {
        int64_t *p = &dims[d < a ? 0 : 1];
        if (x->dims[d] && *p > INT64_MAX / x->dims[d])
            return ol_k_fail(k, "cannot flatten %s: a side has more than 2^63 elements", ol_k_shape(k, x));
        *p *= x->dims[d];
    }
    return out_view(k, 0, x, 2, dims);
}

/* ---- Concat, Slice, Transpose ---- */

static bool kernel_Concat(ol_kctx *k)
{
    const ol_array *first = NULL;
    for (size_t i = 0; i < k->n_inputs && !first; i++)
        first = ol_k_in(k, i);
    if (!first)
        return ol_k_fail(k, "no tensor input to concatenate");
    if (first->rank == 0)
        return ol_k_fail(k, "cannot concatenate scalars");
    if (k->infer.version >= 4 && !ol_attr_has(&k->infer, "axis"))
        return ol_k_fail(k, "the axis attribute is missing");
    int64_t axis = ol_attr_int(&k->infer, "axis", 1);
    int a = axis < 0 && k->infer.version < 11 ? -1 : kernel_axis(axis, first->rank, false);
    if (a < 0)
        return ol_k_fail(k, "axis %lld is out of range for %s", (long long)axis, ol_k_shape(k, first));
    size_t size;
    if (!elem_sized(k, first->elem_type, &size))
        return false;
    int64_t dims[OL_MAX_RANK];
    memcpy(dims, first->dims, (size_t)first->rank * sizeof *dims);
    dims[a] = 0;
    for (size_t i = 0; i < k->n_inputs; i++) {
        const ol_array *x = ol_k_in(k, i);
        if (!x) {
            if (ol_k_in_value(k, i))
                return ol_k_fail(k, "input %zu is not a tensor", i);
            continue;
        }
        if (x->elem_type != first->elem_type)
            return ol_k_fail(k, "input %zu has element type %d, input 0 has %d", i, x->elem_type, first->elem_type);
        bool same = x->rank == first->rank;
        for (int d = 0; same && d < x->rank; d++)
            same = d == a || x->dims[d] == first->dims[d];
        if (!same)
            return ol_k_fail(k, "cannot concatenate %s with %s on axis %d", ol_k_shape(k, first), ol_k_shape(k, x), a);
        if (x->dims[a] > INT64_MAX - dims[a])
            return ol_k_fail(k, "the concatenation is too large");
        dims[a] += x->dims[a];
    }
    ol_array *y = ol_k_out(k, 0, first->elem_type, first->rank, dims);
    if (!y)
        return false;
    size_t outer = 1;
    for (int d = 0; d < a; d++)
        outer *= (size_t)dims[d];
    char *out = y->data;
    for (size_t o = 0; o < outer && y->count; o++) {
        for (size_t i = 0; i < k->n_inputs; i++) {
            const ol_array *x = ol_k_in(k, i);
            if (!x || x->count == 0)
                continue;
            size_t chunk = x->count / outer * size; /* bytes of x per outer index */
            memcpy(out, (const char *)x->data + o * chunk, chunk);
            out += chunk;
        }
    }
    return true;
}

/* A Slice bound v on a dim of size dim: negative counts from the end, then
 * clamped to [lo, hi]. */
static int64_t slice_clamp(int64_t v, int64_t dim, int64_t lo, int64_t hi)
{
    if (v < 0)
        v += dim;
    return v < lo ? lo : v > hi ? hi : v;
}

static bool kernel_Slice(ol_kctx *k)
{
    const ol_array *x = ol_k_in(k, 0);
    if (!x)
        return ol_k_fail(k, "input 0 must be a tensor");
    size_t ns, ne, na = 0, nt = 0;
    bool given, axes_given, steps_given = false;
    const int64_t *starts = kernel_ints(k, "starts", 10, 1, &ns, &given);
    if (!starts)
        return given ? false : ol_k_fail(k, "starts are missing");
    const int64_t *ends = kernel_ints(k, "ends", 10, 2, &ne, &given);
    if (!ends)
        return given ? false : ol_k_fail(k, "ends are missing");
    const int64_t *axes = kernel_ints(k, "axes", 10, 3, &na, &axes_given);
    if (axes_given && !axes)
        return false;
    const int64_t *steps = NULL;
    if (k->infer.version >= 10) {
        steps_given = ol_k_in_value(k, 4) != NULL;
        if (steps_given && !(steps = ol_k_ints(k, 4, &nt)))
            return false;
    }
    if (ne != ns || (axes_given && na != ns) || (steps_given && nt != ns))
        return ol_k_fail(k, "starts, ends, axes and steps differ in length (%zu, %zu, %zu, %zu)", ns, ne,
                         axes_given ? na : ns, steps_given ? nt : ns);
    if (ns > (size_t)x->rank)
        return ol_k_fail(k, "%zu starts for the input %s", ns, ol_k_shape(k, x));
    size_t size;
    if (!elem_sized(k, x->elem_type, &size))
        return false;
    int64_t strides[OL_MAX_RANK], dims[OL_MAX_RANK], walk[OL_MAX_RANK];
    bool seen[OL_MAX_RANK] = {false};
    ol_strides(x->dims, x->rank, strides);
    for (int d = 0; d < x->rank; d++) {
        dims[d] = x->dims[d];
        walk[d] = strides[d];
    }
    int64_t base = 0;
    for (size_t j = 0; j < ns; j++) {
        int64_t axis = axes_given ? axes[j] : (int64_t)j;
        int a = kernel_axis(axis, x->rank, false);
        if (a < 0 || seen[a])
            return ol_k_fail(k, "axis %lld is %s for %s", (long long)axis, a < 0 ? "out of range" : "repeated",
                             ol_k_shape(k, x));
        seen[a] = true;
        int64_t step = steps ? steps[j] : 1, n = x->dims[a], len = 0, start = 0;
        if (step == 0)
            return ol_k_fail(k, "step %zu is 0", j);
        if (n > 0) {
            int64_t end;
            uint64_t stride = step > 0 ? (uint64_t)step : (uint64_t)0 - (uint64_t)step;
            uint64_t span;
            if (step > 0) {
                start = slice_clamp(starts[j], n, 0, n);
                end = slice_clamp(ends[j], n, 0, n);
                span = end > start ? (uint64_t)(end - start) : 0;
            } else {
                start = slice_clamp(starts[j], n, 0, n - 1);
                end = slice_clamp(ends[j], n, -1, n - 1);
                span = start > end ? (uint64_t)(start - end) : 0;
            }
            len = span ? (int64_t)((span - 1) / stride + 1) : 0;
        }
        dims[a] = len;
        base += start * strides[a];
        walk[a] = len > 1 ? step * strides[a] : 0; /* |step| < n when len > 1: no overflow */
    }
    ol_array *y = ol_k_out(k, 0, x->elem_type, x->rank, dims);
    if (!y)
        return false;
    if (y->count)
        copy_strided(y->data, x->data, size, x->rank, dims, base, walk);
    return true;
}

static bool kernel_Transpose(ol_kctx *k)
{
    const ol_array *x = ol_k_in(k, 0);
    if (!x)
        return ol_k_fail(k, "input 0 must be a tensor");
    size_t n;
    const int64_t *perm = ol_attr_ints(&k->infer, "perm", &n);
    if (n > 0 && n != (size_t)x->rank)
        return ol_k_fail(k, "perm %s does not fit the input %s", ints_str(k, perm, n), ol_k_shape(k, x));
    size_t size;
    if (!elem_sized(k, x->elem_type, &size))
        return false;
    int64_t strides[OL_MAX_RANK], dims[OL_MAX_RANK], walk[OL_MAX_RANK];
    bool seen[OL_MAX_RANK] = {false};
    ol_strides(x->dims, x->rank, strides);
    for (int d = 0; d < x->rank; d++) {
        int64_t p = n > 0 ? perm[d] : x->rank - 1 - d;
        if (p < 0 || p >= x->rank || seen[p])
            return ol_k_fail(k, "perm %s is not a permutation of the axes of %s", ints_str(k, perm, n),
                             ol_k_shape(k, x));
        seen[p] = true;
        dims[d] = x->dims[p];
        walk[d] = strides[p];
    }
    ol_array *y = ol_k_out(k, 0, x->elem_type, x->rank, dims);
    if (!y)
        return false;
    if (y->count)
        copy_strided(y->data, x->data, size, x->rank, dims, 0, walk);
    return true;
}

/* ---- Expand, Tile ---- */

static bool kernel_Expand(ol_kctx *k)
{
    const ol_array *x = ol_k_in(k, 0);
    if (!x)
        return ol_k_fail(k, "input 0 must be a tensor");
    size_t n;
    const int64_t *shape = ol_k_ints(k, 1, &n);
    if (!shape)
        return false;
    if (n > OL_MAX_RANK)
        return ol_k_fail(k, "the shape has %zu dims, more than %d", n, OL_MAX_RANK);
    for (size_t j = 0; j < n; j++) {
        if (shape[j] < 0)
            return ol_k_fail(k, "the shape %s has a negative dim", ints_str(k, shape, n));
    }
    ol_array want = {.elem_type = x->elem_type, .rank = (int)n, .dims = (int64_t *)shape};
    const ol_array *both[2] = {x, &want};
    int64_t dims[OL_MAX_RANK];
    int rank;
    if (!ol_broadcast_dims(both, 2, dims, &rank))
        return ol_k_fail(k, "cannot expand %s to %s", ol_k_shape(k, x), ints_str(k, shape, n));
    size_t size;
    if (!elem_sized(k, x->elem_type, &size))
        return false;
    int64_t strides[OL_MAX_RANK], walk[OL_MAX_RANK];
    ol_strides(x->dims, x->rank, strides);
    for (int d = 0; d < rank; d++) {
        int j = d - (rank - x->rank);
        walk[d] = j < 0 || x->dims[j] == 1 ? 0 : strides[j];
    }
    ol_array *y = ol_k_out(k, 0, x->elem_type, rank, dims);
    if (!y)
        return false;
    if (y->count)
        copy_strided(y->data, x->data, size, rank, dims, 0, walk);
    return true;
}

/* A scalar (or one-element) integer input's value. */
static bool kernel_scalar_int(ol_kctx *k, size_t i, int64_t *v)
{
    size_t n;
    const int64_t *p = ol_k_ints(k, i, &n);
    if (!p)
        return false;
    if (n != 1)
        return ol_k_fail(k, "input %zu must hold one value, not %zu", i, n);
    *v = p[0];
    return true;
}

static bool kernel_Tile(ol_kctx *k)
{
    const ol_array *x = ol_k_in(k, 0);
    if (!x)
        return ol_k_fail(k, "input 0 must be a tensor");
    int64_t repeats[OL_MAX_RANK];
    if (k->infer.version < 6) { /* Tile(input, tiles, axis) */
        int64_t tiles = 1, axis = 0;
        if (!kernel_scalar_int(k, 1, &tiles) || !kernel_scalar_int(k, 2, &axis))
            return false;
        int a = kernel_axis(axis, x->rank, false);
        if (a < 0)
            return ol_k_fail(k, "axis %lld is out of range for %s", (long long)axis, ol_k_shape(k, x));
        for (int d = 0; d < x->rank; d++)
            repeats[d] = d == a ? tiles : 1;
    } else {
        size_t n;
        const int64_t *r = ol_k_ints(k, 1, &n);
        if (!r)
            return false;
        if (n != (size_t)x->rank)
            return ol_k_fail(k, "%zu repeats for the input %s", n, ol_k_shape(k, x));
        memcpy(repeats, r, n * sizeof *r);
    }
    size_t size;
    if (!elem_sized(k, x->elem_type, &size))
        return false;
    /* the output as (r0, d0, r1, d1...): each repeat walks the input again */
    int64_t dims[OL_MAX_RANK], split[COPY_MAX_RANK], walk[COPY_MAX_RANK], strides[OL_MAX_RANK];
    ol_strides(x->dims, x->rank, strides);
    for (int d = 0; d < x->rank; d++) {
        if (repeats[d] < 0)
            return ol_k_fail(k, "repeat %d is negative (%lld)", d, (long long)repeats[d]);
        if (x->dims[d] && repeats[d] > (int64_t)OL_MAX_EVAL_ELEMENTS / x->dims[d])
            return ol_k_fail(k, "tiling %s %lld times on axis %d is too large", ol_k_shape(k, x),
                             (long long)repeats[d], d);
        dims[d] = x->dims[d] * repeats[d];
        split[2 * d] = repeats[d];
        split[2 * d + 1] = x->dims[d];
        walk[2 * d] = 0;
        walk[2 * d + 1] = strides[d];
    }
    ol_array *y = ol_k_out(k, 0, x->elem_type, x->rank, dims);
    if (!y)
        return false;
    if (y->count)
        copy_strided(y->data, x->data, size, 2 * x->rank, split, 0, walk);
    return true;
}

/* ---- Gather, Where ---- */

static bool kernel_Gather(ol_kctx *k)
{
    const ol_array *x = ol_k_in(k, 0), *idx = ol_k_in(k, 1);
    if (!x || !idx)
        return ol_k_fail(k, "needs the data and indices tensors");
    if (x->rank == 0)
        return ol_k_fail(k, "cannot gather from a scalar");
    int64_t axis = ol_attr_int(&k->infer, "axis", 0);
    int a = kernel_axis(axis, x->rank, false);
    if (a < 0)
        return ol_k_fail(k, "axis %lld is out of range for %s", (long long)axis, ol_k_shape(k, x));
    if (x->rank - 1 + idx->rank > OL_MAX_RANK)
        return ol_k_fail(k, "the output of gathering %s by %s has rank more than %d", ol_k_shape(k, x),
                         ol_k_shape(k, idx), OL_MAX_RANK);
    size_t n_idx;
    int64_t *rows = ol_k_ints(k, 1, &n_idx);
    if (!rows)
        return false;
    int64_t n = x->dims[a];
    for (size_t j = 0; j < n_idx; j++) {
        if (rows[j] < -n || rows[j] >= n)
            return ol_k_fail(k, "index %lld is out of range for axis %d of %s", (long long)rows[j], a,
                             ol_k_shape(k, x));
        if (rows[j] < 0)
            rows[j] += n;
    }
    size_t size;
    if (!elem_sized(k, x->elem_type, &size))
        return false;
    int64_t dims[OL_MAX_RANK];
    int rank = 0;
    size_t outer = 1, inner = 1;
    for (int d = 0; d < a; d++) {
        dims[rank++] = x->dims[d];
        outer *= (size_t)x->dims[d];
    }
    for (int d = 0; d < idx->rank; d++)
        dims[rank++] = idx->dims[d];
    for (int d = a + 1; d < x->rank; d++) {
        dims[rank++] = x->dims[d];
        inner *= (size_t)x->dims[d];
    }
    ol_array *y = ol_k_out(k, 0, x->elem_type, rank, dims);
    if (!y || !y->count)
        return y != NULL;
    size_t block = inner * size;
    const char *in = x->data;
    char *out = y->data;
    for (size_t o = 0; o < outer; o++) {
        for (size_t j = 0; j < n_idx; j++) {
            memcpy(out, in + (o * (size_t)n + (size_t)rows[j]) * block, block);
            out += block;
        }
    }
    return true;
}

static bool kernel_Where(ol_kctx *k)
{
    const ol_array *c = ol_k_in(k, 0), *x = ol_k_in(k, 1), *y = ol_k_in(k, 2);
    if (!c || !x || !y)
        return ol_k_fail(k, "needs three tensor inputs");
    if (c->elem_type != ELEM_BOOL)
        return ol_k_fail(k, "the condition must be bool");
    if (x->elem_type != y->elem_type)
        return ol_k_fail(k, "X and Y differ in element type (%d vs %d)", x->elem_type, y->elem_type);
    const ol_array *all[3] = {c, x, y};
    int64_t dims[OL_MAX_RANK];
    int rank;
    if (!ol_broadcast_dims(all, 3, dims, &rank))
        return ol_k_fail(k, "cannot broadcast %s, %s and %s", ol_k_shape(k, c), ol_k_shape(k, x), ol_k_shape(k, y));
    size_t size;
    if (!elem_sized(k, x->elem_type, &size))
        return false;
    ol_array *z = ol_k_out(k, 0, x->elem_type, rank, dims);
    if (!z)
        return false;
    const uint8_t *cond = c->data;
    bool same = c->count == z->count && x->count == z->count && y->count == z->count;
    if (same && size == sizeof(float)) { /* the common case: float, int32 */
        const uint32_t *px = x->data, *py = y->data;
        uint32_t *pz = z->data;
        for (size_t i = 0; i < z->count; i++)
            pz[i] = cond[i] ? px[i] : py[i];
        return true;
    }
    char *out = z->data;
    for (size_t i = 0; i < z->count; i++) {
        size_t ic = same ? i : ol_broadcast_offset(c, dims, rank, i);
        const ol_array *from = cond[ic] ? x : y;
        size_t j = same ? i : ol_broadcast_offset(from, dims, rank, i);
        memcpy(out + i * size, (const char *)from->data + j * size, size);
    }
    return true;
}

/* ---- Constant, ConstantOfShape, Range ---- */

/* Constant's string values (n of them; a scalar when scalar). */
static bool constant_strings(ol_kctx *k, const ProtobufCBinaryData *s, size_t n, bool scalar)
{
    int64_t len = (int64_t)n;
    ol_array *y = ol_k_out(k, 0, ELEM_STRING, scalar ? 0 : 1, &len);
    if (!y)
        return false;
    for (size_t j = 0; j < n; j++)
        ((ol_string *)y->data)[j] = (ol_string){(const char *)s[j].data, s[j].len};
    return true;
}

/* Constant's sparse_value, made dense. */
static bool constant_sparse(ol_kctx *k, const Onnx__SparseTensorProto *sp)
{
    ol_array *y = ol_k_sparse_dense(k, sp);
    ol_rvalue *v = y ? ol_k_tensor_value(k, y) : NULL;
    if (!v)
        return false;
    ol_k_out_value(k, 0, v);
    return true;
}

static bool kernel_Constant(ol_kctx *k)
{
    const Onnx__AttributeProto *a;
    int64_t n;
    ol_array *y;
    if ((a = ol_node_attribute(k->node, "value"))) {
        ol_array *v = ol_k_attr_tensor(k, "value");
        ol_rvalue *rv = v ? ol_k_tensor_value(k, v) : NULL;
        if (!rv)
            return false;
        ol_k_out_value(k, 0, rv);
        return true;
    }
    if ((a = ol_node_attribute(k->node, "value_float"))) {
        if (!(y = ol_k_out(k, 0, ELEM_FLOAT, 0, NULL)))
            return false;
        *(float *)y->data = a->f;
    } else if ((a = ol_node_attribute(k->node, "value_floats"))) {
        n = (int64_t)a->n_floats;
        if (!(y = ol_k_out(k, 0, ELEM_FLOAT, 1, &n)))
            return false;
        if (n)
            memcpy(y->data, a->floats, (size_t)n * sizeof(float));
    } else if ((a = ol_node_attribute(k->node, "value_int"))) {
        if (!(y = ol_k_out(k, 0, ELEM_INT64, 0, NULL)))
            return false;
        *(int64_t *)y->data = a->i;
    } else if ((a = ol_node_attribute(k->node, "value_ints"))) {
        n = (int64_t)a->n_ints;
        if (!(y = ol_k_out(k, 0, ELEM_INT64, 1, &n)))
            return false;
        if (n)
            memcpy(y->data, a->ints, (size_t)n * sizeof(int64_t));
    } else if ((a = ol_node_attribute(k->node, "value_string"))) {
        return constant_strings(k, &a->s, 1, true);
    } else if ((a = ol_node_attribute(k->node, "value_strings"))) {
        return constant_strings(k, a->strings, a->n_strings, false);
    } else if ((a = ol_node_attribute(k->node, "sparse_value")) && a->sparse_tensor) {
        return constant_sparse(k, a->sparse_tensor);
    } else {
        return ol_k_fail(k, "no value attribute");
    }
    return true;
}

static bool kernel_ConstantOfShape(ol_kctx *k)
{
    size_t n;
    const int64_t *shape = ol_k_ints(k, 0, &n);
    if (!shape)
        return false;
    if (n > OL_MAX_RANK)
        return ol_k_fail(k, "the shape has %zu dims, more than %d", n, OL_MAX_RANK);
    for (size_t j = 0; j < n; j++) {
        if (shape[j] < 0)
            return ol_k_fail(k, "the shape %s has a negative dim", ints_str(k, shape, n));
    }
    const ol_array *value = NULL;
    if (ol_node_attribute(k->node, "value")) {
        if (!(value = ol_k_attr_tensor(k, "value")))
            return false;
        if (value->count != 1)
            return ol_k_fail(k, "the value attribute must hold one element, not %zu", value->count);
    }
    int32_t elem = value ? value->elem_type : ELEM_FLOAT;
    size_t size;
    if (!elem_sized(k, elem, &size))
        return false;
    ol_array *y = ol_k_out(k, 0, elem, (int)n, shape);
    if (!y)
        return false;
    if (!value)
        return true; /* zeros */
    char *out = y->data;
    for (size_t i = 0; i < y->count; i++)
        memcpy(out + i * size, value->data, size);
    return true;
}

static bool kernel_Range(ol_kctx *k)
{
    const ol_array *in[3];
    for (size_t i = 0; i < 3; i++) {
        in[i] = ol_k_in(k, i);
        if (!in[i] || in[i]->count != 1)
            return ol_k_fail(k, "input %zu must be a tensor of one value", i);
        if (in[i]->elem_type != in[0]->elem_type)
            return ol_k_fail(k, "the inputs differ in element type");
    }
    int32_t elem = in[0]->elem_type;
    int64_t len;
    ol_array *y;
    if (ol_elem_is_integral(elem) && elem != ELEM_BOOL) {
        int64_t start = ol_array_get_i64(in[0], 0), limit = ol_array_get_i64(in[1], 0);
        int64_t delta = ol_array_get_i64(in[2], 0);
        if (delta == 0)
            return ol_k_fail(k, "delta is 0");
        uint64_t span = 0, stride = delta > 0 ? (uint64_t)delta : (uint64_t)0 - (uint64_t)delta;
        if (delta > 0 && limit > start)
            span = (uint64_t)limit - (uint64_t)start;
        else if (delta < 0 && start > limit)
            span = (uint64_t)start - (uint64_t)limit;
        uint64_t count = span ? (span - 1) / stride + 1 : 0;
        if (count > OL_MAX_EVAL_ELEMENTS)
            return ol_k_fail(k, "Range(%lld, %lld, %lld) has too many elements", (long long)start, (long long)limit,
                             (long long)delta);
        len = (int64_t)count;
        if (!(y = ol_k_out(k, 0, elem, 1, &len)))
            return false;
        for (int64_t i = 0; i < len; i++) /* within [start, limit): no overflow */
            ol_array_set_i64(y, (size_t)i, (int64_t)((uint64_t)start + (uint64_t)i * (uint64_t)delta));
        return true;
    }
    if (!ol_elem_is_floating(elem))
        return ol_k_fail(k, "Range does not take element type %d", elem);
    double start = ol_array_get_f64(in[0], 0), limit = ol_array_get_f64(in[1], 0);
    double delta = ol_array_get_f64(in[2], 0);
    double q = ceil((limit - start) / delta);
    if (delta == 0 || q != q)
        return ol_k_fail(k, "Range(%g, %g, %g) has no length", start, limit, delta);
    if (q > (double)OL_MAX_EVAL_ELEMENTS)
        return ol_k_fail(k, "Range(%g, %g, %g) has too many elements", start, limit, delta);
    len = q > 0 ? (int64_t)q : 0;
    if (!(y = ol_k_out(k, 0, elem, 1, &len)))
        return false;
    for (int64_t i = 0; i < len; i++)
        ol_array_set_f64(y, (size_t)i, start + (double)i * delta);
    return true;
}

/* ---- Cast, CastLike ----
 *
 * As the backend suite's numpy reference casts (ndarray.astype), on x86:
 * floating to integer truncates toward zero, through a 32-bit conversion
 * for types of at most 32 bits (NaN and out-of-range values give
 * INT32_MIN's low bits) and a 64-bit one for uint32 and int64; float16
 * rounds to nearest even (from double directly); bfloat16 keeps the top
 * half of the float's bits, as the suite's expected data does; float8
 * follows ONNX's reference (nearest even, `saturate` from opset 19);
 * float8e8m0 (24) keeps the float's exponent, rounded by `round_mode`.
 * Strings are numpy's str() of the value (the shortest digits that read
 * back to it) and parse as Python's float() does. */

/* Element types beyond the classic ones. */
enum {
    ELEM_FLOAT8E4M3FN = 17,
    ELEM_FLOAT8E4M3FNUZ = 18,
    ELEM_FLOAT8E5M2 = 19,
    ELEM_FLOAT8E5M2FNUZ = 20,
    ELEM_FLOAT8E8M0 = 24
};

/* float8e8m0: an exponent byte, 2^(b - 127), 0xff NaN.  The float32
 * fields it is cut from (numpy_helper.to_float8e8m0 of ONNX). */
#define E8M0_BIAS 127
#define E8M0_NAN 0xffu
#define E8M0_MAX_EXP 0xfeu
#define F32_MANTISSA 0x7fffffu
#define F32_GUARD 0x400000u
#define F32_ROUND 0x200000u
#define F32_STICKY 0x1fffffu
#define F32_MANTISSA_BITS 23
typedef enum e8m0_round { E8M0_UP, E8M0_DOWN, E8M0_NEAREST } e8m0_round;

static double e8m0_to_double(uint8_t b)
{
    return b == E8M0_NAN ? NAN : ldexp(1.0, (int)b - E8M0_BIAS);
}

/* v's exponent, rounded up when v is not a power of two (up), never
 * (down), or by its guard/round/sticky bits (nearest); NaN and infinity
 * give NaN; saturate keeps a finite value from rounding into NaN. */
static uint8_t e8m0_from_float(float v, e8m0_round mode, bool saturate)
{
    uint32_t bits;
    memcpy(&bits, &v, sizeof bits);
    uint32_t exp = (bits >> F32_MANTISSA_BITS) & E8M0_NAN;
    if (exp == E8M0_NAN)
        return (uint8_t)E8M0_NAN;
    bool up = false;
    if (mode == E8M0_UP)
        up = (bits & F32_MANTISSA) != 0;
    else if (mode == E8M0_NEAREST)
        up = (bits & F32_GUARD) && ((bits & F32_ROUND) || (bits & F32_STICKY) || exp > 0);
    if (up && saturate && exp == E8M0_MAX_EXP)
        up = false;
    return (uint8_t)(exp + (up ? 1 : 0));
}

/* numpy's str() of a float: positional within [1e-4, 1e16), else
 * scientific with at least two exponent digits. */
#define STR_POSITIONAL_MIN 1e-4
#define STR_POSITIONAL_MAX 1e16
/* Significant digits that always read back to the same double. */
#define DOUBLE_DIGITS 17
/* Bytes of one number's text ("-1.2345678901234567e-308" and room). */
#define NUMBER_TEXT 40
/* Longest string parsed as a number. */
#define PARSE_MAX 256

/* Limits of the truncating conversions (exact in double). */
#define TWO_POW_31 2147483648.0
#define TWO_POW_63 9223372036854775808.0
#define TWO_POW_64 18446744073709551616.0

/* A float8 format: mantissa bits, exponent bias, whether its NaN is 0x80
 * (no negative zero, no infinity), whether it has infinities, its largest
 * finite value. */
typedef struct f8_format {
    int mbits, bias;
    bool fnuz, has_inf;
    float max;
} f8_format;

static const f8_format *f8_of(int32_t elem)
{
    static const f8_format formats[] = {
        {3, 7, false, false, 448.0f},     /* E4M3FN */
        {3, 8, true, false, 240.0f},      /* E4M3FNUZ */
        {2, 15, false, true, 57344.0f},   /* E5M2 */
        {2, 16, true, false, 57344.0f},   /* E5M2FNUZ */
    };
    return elem >= ELEM_FLOAT8E4M3FN && elem <= ELEM_FLOAT8E5M2FNUZ ? &formats[elem - ELEM_FLOAT8E4M3FN] : NULL;
}

/* Bits of the sign, and the NaN / infinity codes of float8. */
#define F8_SIGN 0x80u
#define F8_MAGNITUDE 0x7fu
#define F8_NAN_FN 0x7fu
#define F8_INF_E5M2 0x7cu
/* Bits of a float8's exponent and mantissa together. */
#define F8_VALUE_BITS 7u
/* A bfloat16 quiet NaN's exponent and top mantissa bit. */
#define BF16_QUIET_NAN 0x7fc0u

static float f8_to_float(const f8_format *f, uint8_t b)
{
    unsigned ebits = F8_VALUE_BITS - (unsigned)f->mbits, emax = (1u << ebits) - 1;
    unsigned e = (b >> f->mbits) & emax, m = b & ((1u << f->mbits) - 1);
    bool neg = (b & F8_SIGN) != 0;
    if (f->fnuz && b == F8_SIGN)
        return NAN;
    if (!f->fnuz && !f->has_inf && (b & F8_MAGNITUDE) == F8_NAN_FN)
        return NAN;
    if (f->has_inf && e == emax)
        return m ? NAN : neg ? -INFINITY : INFINITY;
    float v = e == 0 ? ldexpf((float)m, 1 - f->bias - f->mbits)
                     : ldexpf((float)(m | (1u << f->mbits)), (int)e - f->bias - f->mbits);
    return neg ? -v : v;
}

static uint8_t f8_from_float(const f8_format *f, float x, bool saturate)
{
    uint8_t sign = signbit(x) ? F8_SIGN : 0;
    uint8_t nan = f->fnuz ? F8_SIGN : (uint8_t)(sign | F8_NAN_FN); /* E4M3FN and E5M2 keep the sign */
    if (x != x)
        return nan;
    uint8_t max_code = f->fnuz ? F8_MAGNITUDE : f->has_inf ? F8_INF_E5M2 - 1 : F8_NAN_FN - 1;
    uint8_t overflow = saturate ? (uint8_t)(sign | max_code) : f->has_inf ? (uint8_t)(sign | F8_INF_E5M2) : nan;
    double a = fabs((double)x);
    if (isinf(a))
        return overflow;
    if (a == 0)
        return f->fnuz ? 0 : sign;
    int emin = 1 - f->bias, e;
    frexp(a, &e);
    e -= 1; /* a in [2^e, 2^(e+1)) */
    int q = (e < emin ? emin : e) - f->mbits; /* the value of one unit in the last place */
    double n = nearbyint(ldexp(a, -q));       /* to nearest even */
    double v = ldexp(n, q);
    if (v > f->max)
        return overflow;
    if (n == 0)
        return f->fnuz ? 0 : sign;
    uint8_t code;
    if (v < ldexp(1.0, emin)) {
        code = (uint8_t)n; /* subnormal: exponent field 0 */
    } else {
        int ev;
        frexp(v, &ev);
        ev -= 1;
        unsigned m = (unsigned)ldexp(v, f->mbits - ev) - (1u << f->mbits);
        code = (uint8_t)((unsigned)(ev + f->bias) << f->mbits | m);
    }
    return (uint8_t)(sign | code);
}

/* A double rounded to float16 once (not through float), to nearest even:
 * round to odd into float first, whose extra bits then decide exactly. */
static uint16_t double_to_half(double d)
{
    float f = (float)d;
    if ((double)f != d && f == f && !isinf(d)) {
        if (fabs((double)f) > fabs(d))
            f = nextafterf(f, 0.0f);
        uint32_t bits;
        memcpy(&bits, &f, sizeof bits);
        bits |= 1;
        memcpy(&f, &bits, sizeof f);
    }
    return ol_float_to_half(f);
}

/* float to bfloat16 as the suite expects: the top half of the bits (a NaN
 * stays a quiet NaN). */
static uint16_t float_to_bfloat16_truncated(float f)
{
    uint32_t bits;
    memcpy(&bits, &f, sizeof bits);
    if (f != f)
        return (uint16_t)((bits >> BITS_16) | BF16_QUIET_NAN);
    return (uint16_t)(bits >> BITS_16);
}

/* Truncation of a double toward zero into int64 as x86 does it: NaN and
 * out-of-range values give INT64_MIN. */
static int64_t real_to_i64(double v)
{
    return v == v && v > -TWO_POW_63 - 1 && v < TWO_POW_63 ? (int64_t)v : INT64_MIN;
}

/* Element i of a as a double, float8 kinds included. */
static double cast_get(const ol_array *a, size_t i)
{
    if (a->elem_type == ELEM_FLOAT8E8M0)
        return e8m0_to_double(((const uint8_t *)a->data)[i]);
    const f8_format *f = f8_of(a->elem_type);
    return f ? (double)f8_to_float(f, ((const uint8_t *)a->data)[i]) : ol_array_get_f64(a, i);
}

/* Stores real v into element i of y (see the section comment). */
static void cast_store_real(ol_array *y, size_t i, double v, bool saturate)
{
    const f8_format *f = f8_of(y->elem_type);
    void *p = y->data;
    switch (y->elem_type) {
    case ELEM_FLOAT: ((float *)p)[i] = (float)v; return;
    case ELEM_DOUBLE: ((double *)p)[i] = v; return;
    case ELEM_FLOAT16: ((uint16_t *)p)[i] = double_to_half(v); return;
    case ELEM_BFLOAT16: ((uint16_t *)p)[i] = float_to_bfloat16_truncated((float)v); return;
    case ELEM_BOOL: ((uint8_t *)p)[i] = v != 0; return;
    case ELEM_INT8: case ELEM_INT16: case ELEM_INT32: case ELEM_UINT8: case ELEM_UINT16:
        ol_array_set_i64(y, i, v == v && v > -TWO_POW_31 - 1 && v < TWO_POW_31 ? (int64_t)v : INT32_MIN);
        return;
    case ELEM_UINT64:
        ((uint64_t *)p)[i] = v >= TWO_POW_63 && v < TWO_POW_64 ? (uint64_t)v : (uint64_t)real_to_i64(v);
        return;
    default:
        if (f)
            ((uint8_t *)p)[i] = f8_from_float(f, (float)v, saturate);
        else
            ol_array_set_i64(y, i, real_to_i64(v)); /* int64, uint32 */
        return;
    }
}

/* True when text reads back (as the type elem stores it) to v. */
static bool reads_back(const char *text, double v, int32_t elem)
{
    if (elem == ELEM_DOUBLE)
        return strtod(text, NULL) == v;
    float f = strtof(text, NULL);
    const f8_format *f8 = f8_of(elem);
    switch (elem) {
    case ELEM_FLOAT16: f = ol_half_to_float(ol_float_to_half(f)); break;
    case ELEM_BFLOAT16: f = ol_bfloat16_to_float(ol_float_to_bfloat16(f)); break;
    default:
        if (f8)
            f = f8_to_float(f8, f8_from_float(f8, f, true));
        break;
    }
    return (double)f == v;
}

/* Writes numpy's str() of v, a value of floating type elem, into buf
 * (NUMBER_TEXT bytes); returns its length. */
static size_t format_real(char *buf, double v, int32_t elem)
{
    if (v != v)
        return (size_t)snprintf(buf, NUMBER_TEXT, "nan");
    if (isinf(v))
        return (size_t)snprintf(buf, NUMBER_TEXT, v < 0 ? "-inf" : "inf");
    char sci[NUMBER_TEXT];
    int p = 1;
    for (; p < DOUBLE_DIGITS; p++) { /* the fewest digits that read back */
        snprintf(sci, sizeof sci, "%.*e", p - 1, v);
        if (reads_back(sci, v, elem))
            break;
    }
    snprintf(sci, sizeof sci, "%.*e", p - 1, v);
    /* sci is [-]d[.ddd]e[+-]xx: its digits and decimal exponent */
    char digits[NUMBER_TEXT];
    size_t nd = 0;
    const char *c = sci;
    bool neg = *c == '-';
    if (neg)
        c++;
    for (; *c && *c != 'e'; c++) {
        if (*c >= '0' && *c <= '9')
            digits[nd++] = *c;
    }
    int exp10 = *c == 'e' ? atoi(c + 1) : 0;
    while (nd > 1 && digits[nd - 1] == '0')
        nd--;
    size_t n = 0;
    if (neg)
        buf[n++] = '-';
    double a = fabs(v);
    if (a != 0 && (a < STR_POSITIONAL_MIN || a >= STR_POSITIONAL_MAX)) {
        buf[n++] = digits[0];
        if (nd > 1) {
            buf[n++] = '.';
            memcpy(buf + n, digits + 1, nd - 1);
            n += nd - 1;
        }
        n += (size_t)snprintf(buf + n, NUMBER_TEXT - n, "e%c%02d", exp10 < 0 ? '-' : '+', exp10 < 0 ? -exp10 : exp10);
        return n;
    }
    if (exp10 < 0) { /* 0.000ddd */
        buf[n++] = '0';
        buf[n++] = '.';
        for (int z = 0; z < -exp10 - 1; z++)
            buf[n++] = '0';
        memcpy(buf + n, digits, nd);
        return n + nd;
    }
    for (int d = 0; d <= exp10; d++) /* the integer part, padded with zeros */
        buf[n++] = (size_t)d < nd ? digits[d] : '0';
    buf[n++] = '.';
    if ((size_t)exp10 + 1 < nd) {
        memcpy(buf + n, digits + exp10 + 1, nd - (size_t)exp10 - 1);
        n += nd - (size_t)exp10 - 1;
    } else {
        buf[n++] = '0';
    }
    return n;
}

static bool cast_to_string(ol_kctx *k, const ol_array *x, ol_array *y)
{
    char *text = x->count ? ol_k_alloc(k, x->count * NUMBER_TEXT) : NULL;
    if (x->count && !text)
        return false;
    bool real = ol_elem_is_floating(x->elem_type) || f8_of(x->elem_type);
    for (size_t i = 0; i < x->count; i++) {
        char *s = text + i * NUMBER_TEXT;
        size_t len;
        if (real)
            len = format_real(s, cast_get(x, i), x->elem_type);
        else if (x->elem_type == ELEM_BOOL)
            len = (size_t)snprintf(s, NUMBER_TEXT, "%s", ((const uint8_t *)x->data)[i] ? "True" : "False");
        else if (x->elem_type == ELEM_UINT64)
            len = (size_t)snprintf(s, NUMBER_TEXT, "%llu", (unsigned long long)((const uint64_t *)x->data)[i]);
        else if (ol_elem_is_integral(x->elem_type))
            len = (size_t)snprintf(s, NUMBER_TEXT, "%lld", (long long)ol_array_get_i64(x, i));
        else
            return ol_k_fail(k, "cannot cast element type %d to string", x->elem_type);
        ((ol_string *)y->data)[i] = (ol_string){s, len};
    }
    return true;
}

/* True when s (len bytes) is nothing but white space. */
static bool blank(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (!strchr(" \t\n\r\f\v", s[i]))
            return false;
    }
    return true;
}

static bool cast_from_string(ol_kctx *k, const ol_array *x, ol_array *y, bool saturate)
{
    char buf[PARSE_MAX + 1];
    for (size_t i = 0; i < x->count; i++) {
        ol_string s = ((const ol_string *)x->data)[i];
        if (s.len > PARSE_MAX || (s.len && memchr(s.data, 0, s.len)))
            return ol_k_fail(k, "element %zu is not a number (%zu bytes)", i, s.len);
        memcpy(buf, s.data, s.len);
        buf[s.len] = '\0';
        char *end;
        if (ol_elem_is_integral(y->elem_type) && y->elem_type != ELEM_BOOL) {
            if (y->elem_type == ELEM_UINT64 && !strchr(buf, '-')) {
                unsigned long long u = strtoull(buf, &end, 10);
                if (end != buf && blank(end, strlen(end))) {
                    ((uint64_t *)y->data)[i] = u;
                    continue;
                }
            } else {
                long long v = strtoll(buf, &end, 10);
                if (end != buf && blank(end, strlen(end))) {
                    ol_array_set_i64(y, i, v);
                    continue;
                }
            }
        }
        if (y->elem_type == ELEM_BOOL && (strcasecmp(buf, "true") == 0 || strcasecmp(buf, "false") == 0)) {
            ((uint8_t *)y->data)[i] = strcasecmp(buf, "true") == 0;
            continue;
        }
        double v = strtod(buf, &end);
        if (end == buf || !blank(end, strlen(end)))
            return ol_k_fail(k, "element %zu is not a number", i);
        cast_store_real(y, i, v, saturate);
    }
    return true;
}

/* Output 0: input 0 cast to element type to. */
static bool cast_run(ol_kctx *k, int32_t to, bool saturate)
{
    const ol_array *x = ol_k_in(k, 0);
    if (!x)
        return ol_k_fail(k, "input 0 must be a tensor");
    if (!to)
        return ol_k_fail(k, "the target element type is missing or unknown");
    if (x->elem_type == to)
        return ol_k_copy(k, 0, 0);
    size_t size;
    if (!elem_sized(k, x->elem_type, &size))
        return false;
    ol_array *y = ol_k_out(k, 0, to, x->rank, x->dims);
    if (!y)
        return false;
    int32_t from = x->elem_type;
    if (from == ELEM_STRING)
        return cast_from_string(k, x, y, saturate);
    if (to == ELEM_STRING)
        return cast_to_string(k, x, y);
    if (to == ELEM_FLOAT8E8M0) {
        const char *round = ol_attr_string(&k->infer, "round_mode", "up");
        e8m0_round mode = strcmp(round, "up") == 0     ? E8M0_UP
                          : strcmp(round, "down") == 0 ? E8M0_DOWN
                                                       : E8M0_NEAREST;
        if (mode == E8M0_NEAREST && strcmp(round, "nearest") != 0)
            return ol_k_fail(k, "round_mode '%s' is not up, down or nearest", round);
        for (size_t i = 0; i < x->count; i++)
            ((uint8_t *)y->data)[i] = e8m0_from_float((float)cast_get(x, i), mode, saturate);
        return true;
    }
    if (from == ELEM_FLOAT && to == ELEM_FLOAT16) {
        const float *in = x->data;
        uint16_t *out = y->data;
        for (size_t i = 0; i < x->count; i++)
            out[i] = ol_float_to_half(in[i]);
        return true;
    }
    if (from == ELEM_FLOAT16 && to == ELEM_FLOAT) {
        const uint16_t *in = x->data;
        float *out = y->data;
        for (size_t i = 0; i < x->count; i++)
            out[i] = ol_half_to_float(in[i]);
        return true;
    }
    if (from == ELEM_FLOAT && to == ELEM_DOUBLE) {
        const float *in = x->data;
        double *out = y->data;
        for (size_t i = 0; i < x->count; i++)
            out[i] = in[i];
        return true;
    }
    if (from == ELEM_DOUBLE && to == ELEM_FLOAT) {
        const double *in = x->data;
        float *out = y->data;
        for (size_t i = 0; i < x->count; i++)
            out[i] = (float)in[i];
        return true;
    }
    if ((from == ELEM_INT64 || from == ELEM_INT32) && to == ELEM_FLOAT) {
        float *out = y->data;
        for (size_t i = 0; i < x->count; i++)
            out[i] = from == ELEM_INT64 ? (float)((const int64_t *)x->data)[i] : (float)((const int32_t *)x->data)[i];
        return true;
    }
    bool from_int = ol_elem_is_integral(from), to_int = ol_elem_is_integral(to);
    for (size_t i = 0; i < x->count; i++) {
        if (from_int && to_int)
            ol_array_set_i64(y, i, ol_array_get_i64(x, i)); /* wraps; bool is != 0 */
        else
            cast_store_real(y, i, cast_get(x, i), saturate);
    }
    return true;
}

static bool kernel_Cast(ol_kctx *k)
{
    bool saturate = k->infer.version < 19 || ol_attr_int(&k->infer, "saturate", 1) != 0;
    return cast_run(k, cast_target(&k->infer), saturate);
}

static bool kernel_CastLike(ol_kctx *k)
{
    const ol_array *like = ol_k_in(k, 1);
    if (!like)
        return ol_k_fail(k, "input 1 must be a tensor");
    bool saturate = k->infer.version < 19 || ol_attr_int(&k->infer, "saturate", 1) != 0;
    return cast_run(k, like->elem_type, saturate);
}

/* BitCast: the bytes as they are (little endian both sides), for the
 * element types the evaluator stores whole bytes of. */
static bool kernel_BitCast(ol_kctx *k)
{
    const ol_array *x = ol_k_in(k, 0);
    int64_t to = ol_attr_int(&k->infer, "to", 0);
    if (!x)
        return ol_k_fail(k, "input 0 must be a tensor");
    size_t from_size = x->elem_type == ELEM_STRING ? 0 : ol_elem_size(x->elem_type);
    size_t to_size = to <= 0 || to > OL_ELEM_MAX || to == ELEM_STRING ? 0 : ol_elem_size((int32_t)to);
    if (!from_size || !to_size)
        return ol_k_fail(k, "BitCast between %s and element type %lld is not supported",
                         ol_elem_type_name(x->elem_type) ? ol_elem_type_name(x->elem_type) : "?", (long long)to);
    if (from_size != to_size)
        return ol_k_fail(k, "BitCast of %s to %s: the bit widths differ", ol_elem_type_name(x->elem_type),
                         ol_elem_type_name((int32_t)to));
    ol_array *y = ol_k_out(k, 0, (int32_t)to, x->rank, x->dims);
    if (!y)
        return false;
    if (x->count)
        memcpy(y->data, x->data, x->count * from_size);
    return true;
}

/* Sorted by (domain, name) with strcmp: the registry searches it. */
static const ol_op_entry tensor_ops[] = {
    {"", "BitCast", infer_BitCast, kernel_BitCast},
    {"", "Cast", infer_Cast, kernel_Cast},
    {"", "CastLike", infer_CastLike, kernel_CastLike},
    {"", "Concat", infer_Concat, kernel_Concat},
    {"", "Constant", infer_Constant, kernel_Constant},
    {"", "ConstantOfShape", infer_ConstantOfShape, kernel_ConstantOfShape},
    {"", "Expand", infer_Expand, kernel_Expand},
    {"", "Flatten", infer_Flatten, kernel_Flatten},
    {"", "Gather", infer_Gather, kernel_Gather},
    {"", "Identity", infer_Identity, kernel_Identity},
    {"", "Range", infer_Range, kernel_Range},
    {"", "Reshape", infer_Reshape, kernel_Reshape},
    {"", "Shape", infer_Shape, kernel_Shape},
    {"", "Size", infer_Size, kernel_Size},
    {"", "Slice", infer_Slice, kernel_Slice},
    {"", "Squeeze", infer_Squeeze, kernel_Squeeze},
    {"", "Tile", infer_Tile, kernel_Tile},
    {"", "Transpose", infer_Transpose, kernel_Transpose},
    {"", "Unsqueeze", infer_Unsqueeze, kernel_Unsqueeze},
    {"", "Where", infer_Where, kernel_Where},
};

OL_FAMILY_DEFINE(tensor, tensor_ops);
