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

static void infer_Cast(ol_ctx *ctx)
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
    cast_to(ctx, to);
}

static void infer_CastLike(ol_ctx *ctx)
{
    cast_to(ctx, ol_in_elem(ctx, 1));
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

/* Where a clamped slice bound lies on a dim: counted from its beginning
 * (a constant), at or from its end (N-1, N), or a symbolic value from
 * data, assumed within the dim.  The sign of a symbolic length follows:
 * an end from the end minus any other start is >= 0. */
typedef enum bound_place { FROM_BEGIN, FROM_END, INSIDE } bound_place;

/* Where a slice bound v falls on a dim of size n once clamped (to [0, n]
 * going forward; a start to [0, n-1] and an end to [-1, n-1] going
 * backward), and its place.  Concrete when v and n are; for a symbolic n,
 * the expression when v counts from the end (N-1), is a start, or is
 * huge; unknown when it would need min(v, n). */
static ol_dim slice_bound(ol_ctx *ctx, ol_dim n, ol_dim v, bool forward, bool is_end, bound_place *place)
{
    int64_t lo = forward || !is_end ? 0 : -1;
    ol_dim hi = forward ? n : ol_dim_add_const(ctx->exprs, n, -1);
    n = ol_dim_resolve(ctx->exprs, n);
    *place = FROM_BEGIN;
    if (v.kind == OL_DIM_VALUE && n.kind == OL_DIM_VALUE) {
        int64_t x = v.value < 0 ? v.value + n.value : v.value;
        int64_t top = forward ? n.value : n.value - 1;
        if (x >= top)
            *place = FROM_END;
        return ol_dim_value(x < lo ? lo : x > top ? top : x);
    }
    if (n.kind == OL_DIM_UNKNOWN || v.kind == OL_DIM_UNKNOWN)
        return ol_dim_unknown();
    if (v.kind == OL_DIM_VALUE) {
        if (v.value <= -SLICE_HUGE)
            return ol_dim_value(lo);
        *place = FROM_END;
        if (v.value >= SLICE_HUGE)
            return hi;
        if (v.value < 0)
            return ol_dim_add_const(ctx->exprs, n, v.value);
        /* from the beginning: a start is taken as within the dim, an end
         * beyond 1 would be min(v, N) going forward */
        *place = FROM_BEGIN;
        return is_end && forward && v.value > 1 ? ol_dim_unknown() : v;
    }
    ol_dim past = ol_dim_sub(ctx->exprs, v, hi); /* a symbolic v against the top */
    if (past.kind == OL_DIM_VALUE) {
        *place = FROM_END;
        return past.value >= 0 ? hi : v;
    }
    *place = INSIDE;
    return is_end && forward ? ol_dim_unknown() : v;
}

/* The length of x[start:end:step] along a dim of size n (see slice_bound):
 * a symbolic one only when its sign is known. */
static ol_dim slice_length(ol_ctx *ctx, ol_dim n, ol_dim start, ol_dim end, int64_t step)
{
    bool forward = step > 0;
    bound_place sp, ep;
    ol_dim s = slice_bound(ctx, n, start, forward, false, &sp);
    ol_dim e = slice_bound(ctx, n, end, forward, true, &ep);
    ol_dim diff = forward ? ol_dim_sub(ctx->exprs, e, s) : ol_dim_sub(ctx->exprs, s, e);
    int64_t stride = forward ? step : step == INT64_MIN ? INT64_MAX : -step;
    if (diff.kind == OL_DIM_VALUE) {
        if (diff.value <= 0)
            return ol_dim_value(0);
        return ol_dim_value(diff.value / stride + (diff.value % stride != 0));
    }
    bool positive = forward ? ep == FROM_END && sp != FROM_END : sp == FROM_END && ep != FROM_END;
    return positive ? ol_dim_ceildiv(ctx->exprs, diff, ol_dim_value(stride)) : ol_dim_unknown();
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
    bound_place place;
    ol_dim s = slice_bound(ctx, n, a->starts[0], forward, false, &place);
    ol_dim e = slice_bound(ctx, n, a->ends[0], forward, true, &place);
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
 * the values when few.  A symbolic length needs its sign: a symbolic
 * bound is a size (Shape, Size), taken as larger than a constant one, so
 * Range(0, N, 1) has N elements and Range(N, 0, 1) an unknown number. */
static void range_ints(ol_ctx *ctx, ol_dim *len, int32_t elem, ol_dim start, ol_dim limit, int64_t delta)
{
    ol_dim high = delta > 0 ? limit : start, low = delta > 0 ? start : limit;
    ol_dim diff = ol_dim_sub(ctx->exprs, high, low);
    int64_t stride = delta > 0 ? delta : delta == INT64_MIN ? INT64_MAX : -delta;
    if (diff.kind == OL_DIM_VALUE)
        *len = ol_dim_value(diff.value <= 0 ? 0 : diff.value / stride + (diff.value % stride != 0));
    else if (high.kind == OL_DIM_SYMBOL && low.kind == OL_DIM_VALUE)
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

/* Sorted by (domain, name) with strcmp: the registry searches it. */
/* ---- kernels ---- */

static bool kernel_Identity(ol_kctx *k)
{
    return ol_k_copy(k, 0, 0);
}

static const ol_op_entry tensor_ops[] = {
    {"", "Cast", infer_Cast, NULL},
    {"", "CastLike", infer_CastLike, NULL},
    {"", "Concat", infer_Concat, NULL},
    {"", "Constant", infer_Constant, NULL},
    {"", "ConstantOfShape", infer_ConstantOfShape, NULL},
    {"", "Expand", infer_Expand, NULL},
    {"", "Flatten", infer_Flatten, NULL},
    {"", "Gather", infer_Gather, NULL},
    {"", "Identity", infer_Identity, kernel_Identity},
    {"", "Range", infer_Range, NULL},
    {"", "Reshape", infer_Reshape, NULL},
    {"", "Shape", infer_Shape, NULL},
    {"", "Size", infer_Size, NULL},
    {"", "Slice", infer_Slice, NULL},
    {"", "Squeeze", infer_Squeeze, NULL},
    {"", "Tile", infer_Tile, NULL},
    {"", "Transpose", infer_Transpose, NULL},
    {"", "Unsqueeze", infer_Unsqueeze, NULL},
    {"", "Where", infer_Where, NULL},
};

OL_FAMILY_DEFINE(tensor, tensor_ops);
