/*
 * tensor_index.c - inference and numeric kernels for indexing and layout:
 * Gather*, Scatter*, Split, Pad, Resize, OneHot, NonZero... (onnx/defs/
 * tensor, part 2).
 *
 * One inference function and one kernel per operator, registered in the
 * table at the end (sorted by domain, then name); the kernels follow the
 * inference functions (see "kernels" below).  Many of these operators take a size from
 * the values of another input (Split's split, Pad's pads, Resize's scales
 * or sizes, OneHot's depth, CenterCropPad's shape, Col2Im's image_shape):
 * those values come from the propagated data (ol_in_data, possibly
 * symbolic), and when they are not known the output keeps its rank and
 * only the sizes that depend on them are unknown.  Sizes that depend on
 * the run-time contents of a tensor (NonZero, Unique, Compress) are
 * unknown unless that tensor's values were propagated.  Contradictions
 * the spec rules out (a split that does not add up, a channel count not
 * divisible by blocksize^2, pads of the wrong length) are shape-errors.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "eval/eval.h"
#include "eval/kernels.h"
#include "ops/common.h"
#include "ops/families.h"

/* Resize/Upsample: a scale s = m / 2^k with k at most this many is applied
 * exactly to a symbolic dim as floor(N*m / 2^k). */
#define MAX_SCALE_SHIFT 16

/* Largest magnitude a real converts to int64 from (2^62, leaving room for
 * rounding). */
#define MAX_REAL_INT 4611686018427387904.0

/* ---- helpers ---- */

/* floor(x) into *out when x is a number well within int64 (false for NaN,
 * infinities and huge values, which no dim can be). */
static bool floor_int(double x, int64_t *out)
{
    if (!(x > -MAX_REAL_INT && x < MAX_REAL_INT))
        return false;
    int64_t t = (int64_t)x; /* truncates toward zero */
    *out = (double)t > x ? t - 1 : t;
    return true;
}

/* d rewritten through the unifications made so far. */
static ol_dim resolved(ol_ctx *ctx, ol_dim d)
{
    return ol_dim_resolve(ctx->exprs, d);
}

/* True when d is (after unification) the concrete value *v. */
static bool dim_value(ol_ctx *ctx, ol_dim d, int64_t *v)
{
    d = resolved(ctx, d);
    if (d.kind != OL_DIM_VALUE)
        return false;
    *v = d.value;
    return true;
}

/* The propagated integer values of input i, NULL when absent, unknown or
 * of a floating-point type. */
static const ol_data *int_data(const ol_ctx *ctx, size_t i)
{
    const ol_data *d = ol_in_data(ctx, i);
    return d && d->values ? d : NULL;
}

/* The propagated floating-point values of input i, or NULL. */
static const ol_data *real_data(const ol_ctx *ctx, size_t i)
{
    const ol_data *d = ol_in_data(ctx, i);
    return d && d->reals ? d : NULL;
}

/* Element k of a propagated block as a dim: integers as they are
 * (possibly symbolic), floating values truncated (ONNX casts them). */
static ol_dim data_dim(const ol_data *d, size_t k)
{
    if (k >= d->count)
        return ol_dim_unknown();
    if (d->values)
        return d->values[k];
    if (d->reals && d->reals[k] > -MAX_REAL_INT && d->reals[k] < MAX_REAL_INT)
        return ol_dim_value((int64_t)d->reals[k]); /* truncated, as a cast */
    return ol_dim_unknown();
}

/* The number of elements of a 1-D input i: from its values, else from its
 * shape; -1 when unknown. */
static int64_t in_length(ol_ctx *ctx, size_t i)
{
    const ol_data *d = ol_in_data(ctx, i);
    if (d)
        return (int64_t)d->count;
    const ol_shape *s = ol_in_shape(ctx, i);
    int64_t v;
    if (s && s->rank == 1 && dim_value(ctx, s->dims[0], &v))
        return v;
    if (s && s->rank == 0)
        return 1;
    return -1;
}

/* Output i becomes a tensor of elem with input shape s's dims (rank
 * unknown when s is NULL); returns the dims to adjust, or NULL. */
static ol_dim *out_copy(ol_ctx *ctx, size_t i, int32_t elem, const ol_shape *s)
{
    ol_dim *dims = ol_out_tensor(ctx, i, elem, s ? s->rank : -1);
    for (int k = 0; dims && k < s->rank; k++)
        dims[k] = s->dims[k];
    return dims;
}

/* Normalises a list of n axes of a tensor of the given rank into axes
 * (room for rank entries) and returns n; -1 when the list is too long, out
 * of range or repeated (all reported). */
static int read_axes(ol_ctx *ctx, const int64_t *list, size_t n, int rank, int *axes)
{
    if ((int64_t)n > rank) {
        ol_error(ctx, "shape-error", "%zu axes given for a tensor of rank %d", n, rank);
        return -1;
    }
    for (size_t k = 0; k < n; k++) {
        int a = ol_axis(ctx, list[k], rank, false, "axis");
        if (a < 0)
            return -1;
        for (size_t j = 0; j < k; j++) {
            if (axes[j] == a) {
                ol_error(ctx, "shape-error", "axis %d is given twice", a);
                return -1;
            }
        }
        axes[k] = a;
    }
    return (int)n;
}

/* The axes given by input i's values (see read_axes); -1 when they are
 * not known. */
static int read_axes_input(ol_ctx *ctx, size_t i, int rank, int *axes)
{
    const ol_data *d = int_data(ctx, i);
    if (!d || d->count > (size_t)OL_MAX_RANK)
        return -1;
    int64_t list[OL_MAX_RANK];
    for (size_t k = 0; k < d->count; k++) {
        if (!dim_value(ctx, d->values[k], &list[k]))
            return -1;
    }
    return read_axes(ctx, list, d->count, rank, axes);
}

/* Every axis of a tensor of the given rank, in order; returns rank. */
static int all_axes(int rank, int *axes)
{
    for (int k = 0; k < rank; k++)
        axes[k] = k;
    return rank;
}

/* True when input 0's shape s has rank want; else reports it (what names
 * the input) and returns false. */
static bool need_rank(ol_ctx *ctx, const ol_shape *s, int want, const char *what)
{
    if (s->rank == want)
        return true;
    ol_error(ctx, "shape-error", "%s must have rank %d, got %s", what, want, ol_type_str(ctx, ol_in_type(ctx, 0)));
    return false;
}

/* ---- gather and scatter ---- */

/* GatherElements: the output has the indices' shape and the data's
 * element type; both inputs have the same rank. */
static void infer_GatherElements(ol_ctx *ctx)
{
    const ol_shape *data = ol_in_shape(ctx, 0);
    const ol_shape *idx = ol_in_shape(ctx, 1);
    int32_t elem = ol_in_elem(ctx, 0);
    if (data)
        ol_axis(ctx, ol_attr_int(ctx, "axis", 0), data->rank, false, "axis");
    if (data && idx && data->rank != idx->rank)
        ol_error(ctx, "shape-error", "indices %s must have the rank of data %s", ol_type_str(ctx, ol_in_type(ctx, 1)),
                 ol_type_str(ctx, ol_in_type(ctx, 0)));
    if (idx)
        out_copy(ctx, 0, elem, idx);
    else
        ol_out_tensor(ctx, 0, elem, data ? data->rank : -1);
}

/* GatherND: indices (i_0..i_{q-2}, k) select slices of rank r-b-k of data;
 * the output is indices.shape[:-1] + data.shape[b+k:]. */
static void infer_GatherND(ol_ctx *ctx)
{
    const ol_shape *data = ol_in_shape(ctx, 0);
    const ol_shape *idx = ol_in_shape(ctx, 1);
    int32_t elem = ol_in_elem(ctx, 0);
    int64_t b = ctx->version >= 12 ? ol_attr_int(ctx, "batch_dims", 0) : 0;
    bool ok = true;
    if (data && data->rank < 1) {
        ol_error(ctx, "shape-error", "data %s must have rank >= 1", ol_type_str(ctx, ol_in_type(ctx, 0)));
        ok = false;
    }
    if (idx && idx->rank < 1) {
        ol_error(ctx, "shape-error", "indices %s must have rank >= 1", ol_type_str(ctx, ol_in_type(ctx, 1)));
        ok = false;
    }
    if (b < 0 || (ok && data && idx && (b >= data->rank || b >= idx->rank))) {
        ol_error(ctx, "shape-error", "batch_dims %lld must be less than the ranks of data %s and indices %s",
                 (long long)b, ol_type_str(ctx, ol_in_type(ctx, 0)), ol_type_str(ctx, ol_in_type(ctx, 1)));
        ok = false;
    }
    int64_t k;
    if (!ok || !data || !idx || !dim_value(ctx, idx->dims[idx->rank - 1], &k)) {
        ol_out_tensor(ctx, 0, elem, -1);
        return;
    }
    if (k < 1 || k > data->rank - b) {
        ol_error(ctx, "shape-error", "the last dim of indices %s must be in [1, %lld] for data %s",
                 ol_type_str(ctx, ol_in_type(ctx, 1)), (long long)(data->rank - b),
                 ol_type_str(ctx, ol_in_type(ctx, 0)));
        ol_out_tensor(ctx, 0, elem, -1);
        return;
    }
    int q = idx->rank, r = data->rank;
    ol_dim *dims = ol_out_tensor(ctx, 0, elem, q - 1 + r - (int)k - (int)b);
    if (!dims)
        return;
    for (int i = 0; i < q - 1; i++)
        dims[i] = i < b ? ol_dim_merge(ctx, data->dims[i], idx->dims[i], "GatherND batch dim") : idx->dims[i];
    for (int i = (int)(b + k); i < r; i++)
        dims[q - 1 + i - (int)(b + k)] = data->dims[i];
}

/* Propagates a scatter into a 1-D block of known values (a shape being
 * edited): data[indices[j]] = updates[j], when every index is concrete and
 * there is no reduction. */
static void scatter_data(ol_ctx *ctx)
{
    const ol_data *data = int_data(ctx, 0), *idx = int_data(ctx, 1), *upd = int_data(ctx, 2);
    if (!data || !idx || !upd || data->rank != 1 || idx->count != upd->count ||
        strcmp(ol_attr_string(ctx, "reduction", "none"), "none") != 0)
        return;
    ol_data *out = ol_data_new(ctx, data->elem_type, data->count);
    if (!out)
        return;
    for (size_t k = 0; k < data->count; k++)
        out->values[k] = data->values[k];
    for (size_t j = 0; j < idx->count; j++) {
        int64_t k;
        if (!dim_value(ctx, idx->values[j], &k))
            return;
        k = k < 0 ? k + (int64_t)data->count : k;
        if (k < 0 || k >= (int64_t)data->count)
            return;
        out->values[k] = upd->values[j];
    }
    ol_out_data(ctx, 0, out);
}

/* Scatter and ScatterElements: the output is data; indices and updates
 * have one shape, of data's rank. */
static void infer_scatter_elements(ol_ctx *ctx)
{
    const ol_shape *data = ol_in_shape(ctx, 0);
    const ol_shape *idx = ol_in_shape(ctx, 1);
    const ol_shape *upd = ol_in_shape(ctx, 2);
    if (data)
        ol_axis(ctx, ol_attr_int(ctx, "axis", 0), data->rank, false, "axis");
    if (data && idx && data->rank != idx->rank)
        ol_error(ctx, "shape-error", "indices %s must have the rank of data %s", ol_type_str(ctx, ol_in_type(ctx, 1)),
                 ol_type_str(ctx, ol_in_type(ctx, 0)));
    if (idx && upd) {
        if (idx->rank != upd->rank) {
            ol_error(ctx, "shape-error", "updates %s must have the shape of indices %s",
                     ol_type_str(ctx, ol_in_type(ctx, 2)), ol_type_str(ctx, ol_in_type(ctx, 1)));
        } else {
            for (int i = 0; i < idx->rank; i++)
                ol_dim_merge(ctx, idx->dims[i], upd->dims[i], "updates vs indices dim");
        }
    }
    ol_out_like(ctx, 0, 0);
    scatter_data(ctx);
}

static void infer_Scatter(ol_ctx *ctx)
{
    infer_scatter_elements(ctx);
}

static void infer_ScatterElements(ol_ctx *ctx)
{
    infer_scatter_elements(ctx);
}

/* ScatterND: the output is data; updates has the shape
 * indices.shape[:-1] + data.shape[k:] with k the last dim of indices. */
static void infer_ScatterND(ol_ctx *ctx)
{
    const ol_shape *data = ol_in_shape(ctx, 0);
    const ol_shape *idx = ol_in_shape(ctx, 1);
    const ol_shape *upd = ol_in_shape(ctx, 2);
    ol_out_like(ctx, 0, 0);
    scatter_data(ctx);
    if (idx && idx->rank < 1) {
        ol_error(ctx, "shape-error", "indices %s must have rank >= 1", ol_type_str(ctx, ol_in_type(ctx, 1)));
        return;
    }
    int64_t k;
    if (!data || !idx || !dim_value(ctx, idx->dims[idx->rank - 1], &k))
        return;
    if (k < 0 || k > data->rank) {
        ol_error(ctx, "shape-error", "the last dim of indices %s must be in [0, %d] for data %s",
                 ol_type_str(ctx, ol_in_type(ctx, 1)), data->rank, ol_type_str(ctx, ol_in_type(ctx, 0)));
        return;
    }
    if (!upd)
        return;
    int q = idx->rank, r = data->rank;
    if (upd->rank != q - 1 + r - (int)k) {
        ol_error(ctx, "shape-error", "updates %s must have rank %d for indices %s and data %s",
                 ol_type_str(ctx, ol_in_type(ctx, 2)), q - 1 + r - (int)k, ol_type_str(ctx, ol_in_type(ctx, 1)),
                 ol_type_str(ctx, ol_in_type(ctx, 0)));
        return;
    }
    for (int i = 0; i < q - 1; i++)
        ol_dim_merge(ctx, upd->dims[i], idx->dims[i], "updates vs indices dim");
    for (int i = (int)k; i < r; i++)
        ol_dim_merge(ctx, upd->dims[q - 1 + i - (int)k], data->dims[i], "updates vs data dim");
}

/* TensorScatter (24): present_cache has past_cache's shape; update
 * differs from it only along axis (the sequence, not the batch axis 0),
 * where it is no longer; write_indices has one index per batch entry. */
static void infer_TensorScatter(ol_ctx *ctx)
{
    const ol_shape *cache = ol_in_shape(ctx, 0), *upd = ol_in_shape(ctx, 1), *wi = ol_in_shape(ctx, 2);
    const ol_shape *known = cache ? cache : upd;
    int32_t elem = ol_in_elem(ctx, 0) ? ol_in_elem(ctx, 0) : ol_in_elem(ctx, 1);
    ol_dim *dims = ol_out_tensor(ctx, 0, elem, known ? known->rank : -1);
    if (!known || !dims)
        return;
    int rank = known->rank;
    int axis = ol_axis(ctx, ol_attr_int(ctx, "axis", -2), rank, false, "axis");
    if (axis == 0) {
        ol_error(ctx, "shape-error", "axis must not be 0, the batch axis of past_cache %s",
                 ol_type_str(ctx, ol_in_type(ctx, 0)));
        axis = -1;
    }
    if (cache && upd && cache->rank != upd->rank) {
        ol_error(ctx, "shape-error", "update %s must have the rank of past_cache %s",
                 ol_type_str(ctx, ol_in_type(ctx, 1)), ol_type_str(ctx, ol_in_type(ctx, 0)));
        upd = NULL;
    }
    for (int i = 0; i < rank; i++) {
        dims[i] = cache ? cache->dims[i] : ol_dim_unknown();
        if (!upd || i == axis)
            continue;
        dims[i] = cache ? ol_dim_merge(ctx, cache->dims[i], upd->dims[i], "a dim of past_cache and update")
                        : upd->dims[i];
    }
    int64_t max_len, len;
    if (cache && upd && axis > 0 && dim_value(ctx, cache->dims[axis], &max_len) &&
        dim_value(ctx, upd->dims[axis], &len) && len > max_len)
        ol_error(ctx, "shape-error", "update %s has %lld entries along axis %d, more than past_cache %s holds",
                 ol_type_str(ctx, ol_in_type(ctx, 1)), (long long)len, axis, ol_type_str(ctx, ol_in_type(ctx, 0)));
    if (wi && wi->rank != 1)
        ol_error(ctx, "shape-error", "write_indices %s must be 1-D (one index per batch entry)",
                 ol_type_str(ctx, ol_in_type(ctx, 2)));
    else if (wi && rank > 0)
        dims[0] = ol_dim_merge(ctx, dims[0], wi->dims[0], "the batch size of past_cache and write_indices");
}

/* ---- Split ---- */

/* Copies elements [begin, begin+len) of a propagated 1-D block into a new
 * block for output i. */
static void split_data(ol_ctx *ctx, size_t i, const ol_data *d, int64_t begin, int64_t len)
{
    ol_data *out = ol_data_new(ctx, d->elem_type, (size_t)len);
    if (!out)
        return;
    for (int64_t k = 0; k < len; k++)
        out->values[k] = d->values[begin + k];
    ol_out_data(ctx, i, out);
}

/* The sizes of the parts when nothing gives them: num_outputs (opset 18)
 * parts of ceil(dim/n), the last smaller; else n equal parts. */
static void split_equal(ol_ctx *ctx, ol_dim dim, size_t n, bool by_num_outputs, ol_dim *sizes)
{
    ol_dim parts = ol_dim_value((int64_t)n);
    int64_t d;
    if (by_num_outputs) {
        ol_dim chunk = ol_dim_ceildiv(ctx->exprs, dim, parts);
        ol_dim last = ol_dim_sub(ctx->exprs, dim, ol_dim_mul(ctx->exprs, chunk, ol_dim_value((int64_t)n - 1)));
        bool fits = !(last.kind == OL_DIM_VALUE && last.value < 0);
        if (!fits)
            ol_error(ctx, "shape-error", "a dim of %s cannot be split into %zu parts of %s", ol_dim_str(ctx, dim), n,
                     ol_dim_str(ctx, chunk));
        for (size_t i = 0; i < n; i++)
            sizes[i] = !fits ? ol_dim_unknown() : i + 1 < n ? chunk : last;
        return;
    }
    ol_dim part = ol_dim_div_exact(ctx->exprs, dim, parts);
    if (dim_value(ctx, dim, &d) && d % (int64_t)n != 0) {
        ol_error(ctx, "shape-error", "a dim of %lld cannot be split into %zu equal parts", (long long)d, n);
        part = ol_dim_unknown();
    } else if (part.kind == OL_DIM_UNKNOWN) {
        /* valid only when n divides dim, so the floor is exact */
        part = ol_dim_floordiv(ctx->exprs, dim, parts);
    }
    for (size_t i = 0; i < n; i++)
        sizes[i] = part;
}

/* Checks that the parts' sizes add up to the axis dim, and deduces what
 * that sum fixes (sizes are never negative): a single unknown part is the
 * rest, and every part of an empty axis is empty. */
static void split_sum(ol_ctx *ctx, ol_dim dim, ol_dim *sizes, size_t n, int axis)
{
    ol_dim known = ol_dim_value(0);
    size_t n_unknown = 0, unknown_at = 0;
    for (size_t i = 0; i < n; i++) {
        sizes[i] = resolved(ctx, sizes[i]);
        if (sizes[i].kind == OL_DIM_VALUE && sizes[i].value < 0) {
            ol_error(ctx, "shape-error", "split size %lld is negative", (long long)sizes[i].value);
            sizes[i] = ol_dim_unknown();
        }
        if (sizes[i].kind == OL_DIM_UNKNOWN) {
            n_unknown++;
            unknown_at = i;
        } else {
            known = ol_dim_add(ctx->exprs, known, sizes[i]);
        }
    }
    int64_t k, d;
    bool too_many = dim_value(ctx, known, &k) && dim_value(ctx, dim, &d) && k > d;
    if ((n_unknown == 0 && ol_dim_differ(ctx->exprs, known, dim)) || too_many) {
        ol_error(ctx, "shape-error", "split sizes add up to %s%s but axis %d of %s is %s", n_unknown ? "at least " : "",
                 ol_dim_str(ctx, known), axis, ol_type_str(ctx, ol_in_type(ctx, 0)), ol_dim_str(ctx, dim));
        return;
    }
    if (n_unknown == 1) {
        sizes[unknown_at] = ol_dim_sub(ctx->exprs, dim, known);
    } else if (n_unknown > 1 && dim_value(ctx, dim, &d) && d == 0) {
        for (size_t i = 0; i < n; i++)
            sizes[i] = ol_dim_value(0);
    }
}

/* Split: the input cut along axis into parts given by split (attribute
 * before 13, input from 13), num_outputs (18), or equal parts. */
static void infer_Split(ol_ctx *ctx)
{
    const ol_shape *s = ol_in_shape(ctx, 0);
    int32_t elem = ol_in_elem(ctx, 0);
    size_t n = ol_out_count(ctx);
    if (n == 0)
        return;
    int axis = s ? ol_axis(ctx, ol_attr_int(ctx, "axis", 0), s->rank, false, "axis") : -1;
    if (!s || axis < 0) {
        for (size_t i = 0; i < n; i++)
            ol_out_tensor(ctx, i, elem, s ? s->rank : -1);
        return;
    }
    ol_dim dim = s->dims[axis];
    ol_dim *sizes = ol_arena_calloc(ctx->arena, n, sizeof *sizes);
    if (!sizes)
        return;
    size_t n_attr;
    const int64_t *attr = ol_attr_ints(ctx, "split", &n_attr);
    const ol_data *given = ol_in_data(ctx, 1); /* floating in opset 1 */
    int64_t given_len = ol_in_has(ctx, 1) ? in_length(ctx, 1) : -1;
    if (attr && n_attr > 0 && !ol_in_has(ctx, 1)) {
        if (n_attr != n)
            ol_error(ctx, "shape-error", "split has %zu sizes for %zu outputs", n_attr, n);
        for (size_t i = 0; i < n; i++)
            sizes[i] = i < n_attr && n_attr == n ? ol_dim_value(attr[i]) : ol_dim_unknown();
    } else if (ol_in_has(ctx, 1)) {
        if (given_len >= 0 && (size_t)given_len != n)
            ol_error(ctx, "shape-error", "split %s has %lld sizes for %zu outputs",
                     ol_type_str(ctx, ol_in_type(ctx, 1)), (long long)given_len, n);
        for (size_t i = 0; i < n; i++)
            sizes[i] = given && given->count == n ? data_dim(given, i) : ol_dim_unknown();
    } else {
        bool by_num = ol_attr_has(ctx, "num_outputs");
        int64_t num = ol_attr_int(ctx, "num_outputs", (int64_t)n);
        if (by_num && num != (int64_t)n)
            ol_error(ctx, "shape-error", "num_outputs is %lld but the node has %zu outputs", (long long)num, n);
        split_equal(ctx, dim, n, by_num, sizes);
    }
    split_sum(ctx, dim, sizes, n, axis);
    const ol_data *in = int_data(ctx, 0);
    int64_t begin = 0;
    for (size_t i = 0; i < n; i++) {
        ol_dim *dims = out_copy(ctx, i, elem, s);
        if (dims)
            dims[axis] = sizes[i];
        int64_t len;
        if (in && s->rank == 1 && begin >= 0 && dim_value(ctx, sizes[i], &len) && len >= 0 &&
            len <= (int64_t)in->count - begin) {
            split_data(ctx, i, in, begin, len);
            begin += len;
        } else {
            begin = -1; /* later parts' offsets unknown */
        }
    }
}

/* ---- Pad ---- */

/* Pad: each padded axis grows by its begin and end pads (negative pads
 * crop).  pads is an attribute before 11 (paddings in opset 1), an input
 * from 11; opset 18 adds the axes input the pads apply to. */
static void infer_Pad(ol_ctx *ctx)
{
    const ol_shape *s = ol_in_shape(ctx, 0);
    int32_t elem = ol_in_elem(ctx, 0);
    ol_dim pads[2 * OL_MAX_RANK];
    int64_t n_pads = -1; /* unknown length */
    bool pads_known = false;
    if (ctx->version < 11) {
        size_t n;
        const int64_t *p = ol_attr_ints(ctx, ctx->version < 2 ? "paddings" : "pads", &n);
        if (p) {
            n_pads = (int64_t)n;
            pads_known = n <= 2 * OL_MAX_RANK;
            for (size_t k = 0; pads_known && k < n; k++)
                pads[k] = ol_dim_value(p[k]);
        }
    } else {
        const ol_data *d = int_data(ctx, 1);
        n_pads = in_length(ctx, 1);
        if (d && d->count <= 2 * OL_MAX_RANK) {
            pads_known = true;
            for (size_t k = 0; k < d->count; k++)
                pads[k] = d->values[k];
        }
    }
    bool has_axes = ctx->version >= 11 && ol_in_has(ctx, 3);
    if (!s) {
        /* without axes, the pads say the rank */
        bool rank_known = !has_axes && n_pads >= 0 && n_pads % 2 == 0 && n_pads <= 2 * OL_MAX_RANK;
        ol_out_tensor(ctx, 0, elem, rank_known ? (int)(n_pads / 2) : -1);
        return;
    }
    int axes[OL_MAX_RANK];
    int n_axes = has_axes ? read_axes_input(ctx, 3, s->rank, axes) : all_axes(s->rank, axes);
    int64_t n_axes_len = has_axes ? in_length(ctx, 3) : s->rank;
    ol_dim *dims = out_copy(ctx, 0, elem, s);
    if (!dims)
        return;
    if (n_pads >= 0 && n_axes_len >= 0 && (n_pads % 2 != 0 || n_pads / 2 != n_axes_len)) {
        ol_error(ctx, "shape-error", "pads has %lld values, expected 2 * %lld for data %s", (long long)n_pads,
                 (long long)n_axes_len, ol_type_str(ctx, ol_in_type(ctx, 0)));
        pads_known = false;
    }
    if (n_axes < 0) {
        for (int k = 0; k < s->rank; k++)
            dims[k] = ol_dim_unknown();
        return;
    }
    for (int k = 0; k < n_axes; k++) {
        int a = axes[k];
        if (!pads_known) {
            dims[a] = ol_dim_unknown();
            continue;
        }
        ol_dim grown = ol_dim_add(ctx->exprs, ol_dim_add(ctx->exprs, s->dims[a], pads[k]), pads[k + n_axes]);
        if (grown.kind == OL_DIM_VALUE && grown.value < 0) {
            ol_error(ctx, "shape-error", "pads %s and %s make axis %d of %s negative", ol_dim_str(ctx, pads[k]),
                     ol_dim_str(ctx, pads[k + n_axes]), a, ol_type_str(ctx, ol_in_type(ctx, 0)));
            grown = ol_dim_unknown();
        }
        dims[a] = grown;
    }
}

/* ---- Resize, Upsample ---- */

/* floor(dim * scale) as ONNX computes it (in float); exact for a
 * symbolic dim when scale is a multiple of 1/2^k, else unknown. */
static ol_dim scale_dim(ol_ctx *ctx, ol_dim dim, double scale)
{
    float s = (float)scale;
    int64_t v;
    if (dim_value(ctx, dim, &v)) {
        int64_t r;
        return floor_int((float)v * s, &r) && r >= 0 ? ol_dim_value(r) : ol_dim_unknown();
    }
    if (dim.kind == OL_DIM_UNKNOWN || !(s > 0))
        return ol_dim_unknown();
    for (int k = 0; k <= MAX_SCALE_SHIFT; k++) {
        int64_t m;
        if (floor_int((double)s * (double)((int64_t)1 << k), &m) && (double)m == (double)s * (double)((int64_t)1 << k))
            return ol_dim_floordiv(ctx->exprs, ol_dim_mul(ctx->exprs, dim, ol_dim_value(m)),
                                   ol_dim_value((int64_t)1 << k));
    }
    return ol_dim_unknown();
}

/* Applies known scales to the listed axes of dims (the input's copy);
 * reports a count that does not match. */
static void apply_scales(ol_ctx *ctx, ol_dim *dims, const int *axes, int n_axes, const double *scales, size_t n)
{
    if ((int64_t)n != n_axes) {
        ol_error(ctx, "shape-error", "scales has %zu values for %d axes of %s", n, n_axes,
                 ol_type_str(ctx, ol_in_type(ctx, 0)));
        for (int k = 0; k < n_axes; k++)
            dims[axes[k]] = ol_dim_unknown();
        return;
    }
    for (int k = 0; k < n_axes; k++) {
        if (!(scales[k] > 0)) {
            ol_error(ctx, "shape-error", "scale %g for axis %d is not positive", scales[k], axes[k]);
            dims[axes[k]] = ol_dim_unknown();
            continue;
        }
        dims[axes[k]] = scale_dim(ctx, dims[axes[k]], scales[k]);
    }
}

/* Resize's sizes under keep_aspect_ratio_policy not_larger/not_smaller
 * (opset 18): one scale, the min or max of sizes/dims, applied to every
 * axis with rounding, as ONNX does in float.  Needs concrete dims. */
static void aspect_sizes(ol_ctx *ctx, ol_dim *dims, const int *axes, int n_axes, const ol_dim *sizes, bool larger)
{
    float scale = 0;
    for (int k = 0; k < n_axes; k++) {
        int64_t in, size;
        if (!dim_value(ctx, dims[axes[k]], &in) || !dim_value(ctx, sizes[k], &size) || in <= 0) {
            for (int j = 0; j < n_axes; j++)
                dims[axes[j]] = ol_dim_unknown();
            return;
        }
        float r = (float)size / (float)in;
        if (k == 0 || (larger ? r > scale : r < scale))
            scale = r;
    }
    for (int k = 0; k < n_axes; k++) {
        /* roundf: halves away from zero; the product is positive */
        int64_t r;
        float x = scale * (float)resolved(ctx, dims[axes[k]]).value;
        dims[axes[k]] = floor_int((double)x + 0.5, &r) ? ol_dim_value(r) : ol_dim_unknown();
    }
}

/* Whether optional input i is given and not an empty tensor (opset 11
 * passes an empty scales along with sizes): 1 yes, 0 no, -1 unknown. */
static int given_nonempty(ol_ctx *ctx, size_t i)
{
    if (!ol_in_has(ctx, i))
        return 0;
    int64_t n = in_length(ctx, i);
    return n < 0 ? -1 : n > 0;
}

/* Whether Resize's scales alone give the output: the spec multiplies them
 * by the roi's extent (end - start) under tf_crop_and_resize, which
 * runtimes do not, so only an roi covering the whole input is safe. */
static bool roi_neutral(ol_ctx *ctx, int n_axes)
{
    const char *mode = ol_attr_string(ctx, "coordinate_transformation_mode", "half_pixel");
    if (ctx->version < 11 || strcmp(mode, "tf_crop_and_resize") != 0)
        return true;
    const ol_data *roi = real_data(ctx, 1);
    if (!roi || roi->count != 2 * (size_t)n_axes)
        return false;
    for (int k = 0; k < n_axes; k++) {
        if (roi->reals[k + n_axes] - roi->reals[k] != 1)
            return false;
    }
    return true;
}

/* Resize: X, roi, scales, sizes from 11 (X, scales in 10); output dims are
 * floor(dim * scale) or sizes, on every axis or (opset 18) the axes
 * attribute's. */
static void infer_Resize(ol_ctx *ctx)
{
    const ol_shape *s = ol_in_shape(ctx, 0);
    int32_t elem = ol_in_elem(ctx, 0);
    size_t scales_at = ctx->version >= 11 ? 2 : 1, sizes_at = 3;
    int has_scales = given_nonempty(ctx, scales_at);
    int has_sizes = ctx->version >= 11 ? given_nonempty(ctx, sizes_at) : 0;
    size_t n_axes_attr;
    const int64_t *axes_attr = ol_attr_ints(ctx, "axes", &n_axes_attr);
    const char *policy = ol_attr_string(ctx, "keep_aspect_ratio_policy", "stretch");
    bool stretch = strcmp(policy, "stretch") == 0;
    if (ctx->version >= 11 && has_scales == 1 && has_sizes == 1)
        ol_error(ctx, "shape-error", "scales %s and sizes %s are both given", ol_type_str(ctx, ol_in_type(ctx, 2)),
                 ol_type_str(ctx, ol_in_type(ctx, 3)));
    if (ctx->version >= 13 && has_scales == 0 && has_sizes == 0)
        ol_error(ctx, "shape-error", "neither scales nor sizes is given");
    if (!stretch && strcmp(policy, "not_larger") != 0 && strcmp(policy, "not_smaller") != 0)
        ol_error(ctx, "shape-error", "unknown keep_aspect_ratio_policy '%s'", policy);
    if (!s) {
        int64_t n = has_sizes == 1 ? in_length(ctx, sizes_at) : has_scales == 1 ? in_length(ctx, scales_at) : -1;
        ol_out_tensor(ctx, 0, elem, axes_attr || n > OL_MAX_RANK ? -1 : (int)n);
        return;
    }
    int axes[OL_MAX_RANK];
    int n_axes = axes_attr ? read_axes(ctx, axes_attr, n_axes_attr, s->rank, axes) : all_axes(s->rank, axes);
    ol_dim *dims = out_copy(ctx, 0, elem, s);
    if (!dims)
        return;
    if (n_axes < 0) {
        for (int k = 0; k < s->rank; k++)
            dims[k] = ol_dim_unknown();
        return;
    }
    const ol_data *sizes = has_sizes == 1 ? int_data(ctx, sizes_at) : NULL;
    const ol_data *scales = has_scales == 1 ? real_data(ctx, scales_at) : NULL;
    int64_t len = has_sizes == 1 ? in_length(ctx, sizes_at) : -1;
    if (len >= 0 && len != n_axes) {
        ol_error(ctx, "shape-error", "sizes has %lld values for %d axes of %s", (long long)len, n_axes,
                 ol_type_str(ctx, ol_in_type(ctx, 0)));
        sizes = NULL;
    }
    if (sizes) {
        if (stretch) {
            for (int k = 0; k < n_axes; k++) {
                ol_dim size = resolved(ctx, sizes->values[k]);
                if (size.kind == OL_DIM_VALUE && size.value < 0) {
                    ol_error(ctx, "shape-error", "size %lld for axis %d is negative", (long long)size.value, axes[k]);
                    size = ol_dim_unknown();
                }
                dims[axes[k]] = size;
            }
        } else {
            aspect_sizes(ctx, dims, axes, n_axes, sizes->values, strcmp(policy, "not_smaller") == 0);
        }
    } else if (scales && has_sizes != 1 && roi_neutral(ctx, n_axes)) {
        apply_scales(ctx, dims, axes, n_axes, scales->reals, scales->count);
    } else {
        for (int k = 0; k < n_axes; k++)
            dims[axes[k]] = ol_dim_unknown();
    }
}

/* Upsample: floor(dim * scale) per axis; scales are height_scale and
 * width_scale of an NCHW input in opset 1, an attribute in 7, an input
 * from 9. */
static void infer_Upsample(ol_ctx *ctx)
{
    const ol_shape *s = ol_in_shape(ctx, 0);
    int32_t elem = ol_in_elem(ctx, 0);
    ol_dim *dims = out_copy(ctx, 0, elem, s);
    if (!dims)
        return;
    int axes[OL_MAX_RANK];
    int n_axes = all_axes(s->rank, axes);
    if (ctx->version < 7) {
        if (!need_rank(ctx, s, 4, "X"))
            return;
        double scales[] = {1, 1, ol_attr_float(ctx, "height_scale", 1), ol_attr_float(ctx, "width_scale", 1)};
        apply_scales(ctx, dims, axes, n_axes, scales, sizeof scales / sizeof *scales);
    } else if (ctx->version < 9) {
        size_t n;
        const float *f = ol_attr_floats(ctx, "scales", &n);
        double *scales = f ? ol_arena_calloc(ctx->arena, n + 1, sizeof *scales) : NULL;
        for (size_t k = 0; scales && k < n; k++)
            scales[k] = f[k];
        if (scales)
            apply_scales(ctx, dims, axes, n_axes, scales, n);
        for (int k = 0; !scales && k < n_axes; k++)
            dims[k] = ol_dim_unknown();
    } else {
        const ol_data *scales = real_data(ctx, 1);
        int64_t len = in_length(ctx, 1);
        if (scales)
            apply_scales(ctx, dims, axes, n_axes, scales->reals, scales->count);
        else if (len >= 0 && len != n_axes)
            ol_error(ctx, "shape-error", "scales has %lld values for %s", (long long)len,
                     ol_type_str(ctx, ol_in_type(ctx, 0)));
        for (int k = 0; !scales && k < n_axes; k++)
            dims[k] = ol_dim_unknown();
    }
}

/* ---- OneHot, NonZero, Unique, Compress ---- */

/* OneHot: indices' shape with a depth-sized axis inserted at axis; the
 * element type is the values'. */
static void infer_OneHot(ol_ctx *ctx)
{
    const ol_shape *idx = ol_in_shape(ctx, 0);
    const ol_shape *depth_shape = ol_in_shape(ctx, 1);
    const ol_shape *values = ol_in_shape(ctx, 2);
    int32_t elem = ol_in_elem(ctx, 2);
    int64_t v;
    bool depth_many = depth_shape && (depth_shape->rank > 1 || (depth_shape->rank == 1 &&
                                                                dim_value(ctx, depth_shape->dims[0], &v) && v != 1));
    if (depth_many)
        ol_error(ctx, "shape-error", "depth %s must have exactly one element", ol_type_str(ctx, ol_in_type(ctx, 1)));
    if (values && (values->rank != 1 || (dim_value(ctx, values->dims[0], &v) && v != 2)))
        ol_error(ctx, "shape-error", "values %s must have exactly two elements", ol_type_str(ctx, ol_in_type(ctx, 2)));
    if (!idx) {
        ol_out_tensor(ctx, 0, elem, -1);
        return;
    }
    if (idx->rank == 0) { /* ONNX Runtime refuses scalar indices */
        ol_error(ctx, "shape-error", "indices %s must have rank >= 1", ol_type_str(ctx, ol_in_type(ctx, 0)));
        ol_out_tensor(ctx, 0, elem, 1);
        return;
    }
    int axis = ol_axis(ctx, ol_attr_int(ctx, "axis", -1), idx->rank, true, "axis");
    ol_dim *dims = ol_out_tensor(ctx, 0, elem, idx->rank + 1);
    if (!dims || axis < 0)
        return;
    const ol_data *depth = ol_in_data(ctx, 1);
    ol_dim d = depth && depth->count == 1 ? resolved(ctx, data_dim(depth, 0)) : ol_dim_unknown();
    if (d.kind == OL_DIM_VALUE && d.value < 0) {
        ol_error(ctx, "shape-error", "depth %lld is negative", (long long)d.value);
        d = ol_dim_unknown();
    }
    for (int k = 0, j = 0; k <= idx->rank; k++)
        dims[k] = k == axis ? d : idx->dims[j++];
}

/* NonZero: the indices of the non-zero elements, (rank, count); the count
 * is known only from propagated values. */
static void infer_NonZero(ol_ctx *ctx)
{
    const ol_shape *s = ol_in_shape(ctx, 0);
    ol_dim *dims = ol_out_tensor(ctx, 0, ONNX__TENSOR_PROTO__DATA_TYPE__INT64, 2);
    if (!dims)
        return;
    dims[0] = s ? ol_dim_value(s->rank) : ol_dim_unknown();
    dims[1] = ol_dim_unknown();
    const ol_data *d = ol_in_data(ctx, 0);
    if (!d)
        return;
    int64_t count = 0;
    for (size_t k = 0; k < d->count; k++) {
        int64_t v;
        if (d->reals) {
            count += d->reals[k] != 0;
        } else if (dim_value(ctx, d->values[k], &v)) {
            count += v != 0;
        } else {
            return; /* a symbolic element may be zero or not */
        }
    }
    dims[1] = ol_dim_value(count);
}

static int cmp_int64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* The number of distinct values of a propagated integer block, -1 when
 * some are not concrete. */
static int64_t distinct_count(ol_ctx *ctx, const ol_data *d)
{
    int64_t *v = ol_arena_calloc(ctx->arena, d->count + 1, sizeof *v);
    if (!v)
        return -1;
    for (size_t k = 0; k < d->count; k++) {
        if (!dim_value(ctx, d->values[k], &v[k]))
            return -1;
    }
    qsort(v, d->count, sizeof *v, cmp_int64);
    int64_t n = 0;
    for (size_t k = 0; k < d->count; k++)
        n += k == 0 || v[k] != v[k - 1];
    return n;
}

/* Unique: Y, indices, inverse_indices, counts.  Without axis the input is
 * flattened; inverse_indices has one entry per element (per slice along
 * axis), the others one per distinct value (known only from values). */
static void infer_Unique(ol_ctx *ctx)
{
    const ol_shape *s = ol_in_shape(ctx, 0);
    int32_t elem = ol_in_elem(ctx, 0);
    ol_dim uniq = ol_dim_unknown(), inverse = ol_dim_unknown();
    if (!ol_attr_has(ctx, "axis")) {
        const ol_data *d = int_data(ctx, 0);
        int64_t n = d ? distinct_count(ctx, d) : -1;
        if (n >= 0)
            uniq = ol_dim_value(n);
        if (s)
            inverse = ol_shape_product(ctx, s, 0, s->rank);
        ol_dim *y = ol_out_tensor(ctx, 0, elem, 1);
        if (y)
            y[0] = uniq;
    } else {
        int axis = s ? ol_axis(ctx, ol_attr_int(ctx, "axis", 0), s->rank, false, "axis") : -1;
        ol_dim *y = out_copy(ctx, 0, elem, s);
        if (y && axis >= 0) {
            inverse = s->dims[axis];
            y[axis] = ol_dim_unknown();
        }
    }
    ol_dim *dims = ol_out_tensor(ctx, 1, ONNX__TENSOR_PROTO__DATA_TYPE__INT64, 1);
    if (dims)
        dims[0] = uniq;
    dims = ol_out_tensor(ctx, 2, ONNX__TENSOR_PROTO__DATA_TYPE__INT64, 1);
    if (dims)
        dims[0] = inverse;
    dims = ol_out_tensor(ctx, 3, ONNX__TENSOR_PROTO__DATA_TYPE__INT64, 1);
    if (dims)
        dims[0] = uniq;
}

/* Compress: the slices along axis (elements of the flattened input
 * without axis) whose condition is true; the count is known only from the
 * condition's values. */
static void infer_Compress(ol_ctx *ctx)
{
    const ol_shape *s = ol_in_shape(ctx, 0);
    const ol_shape *cond = ol_in_shape(ctx, 1);
    int32_t elem = ol_in_elem(ctx, 0);
    if (cond && cond->rank != 1)
        ol_error(ctx, "shape-error", "condition %s must have rank 1", ol_type_str(ctx, ol_in_type(ctx, 1)));
    bool has_axis = ol_attr_has(ctx, "axis");
    int axis = has_axis && s ? ol_axis(ctx, ol_attr_int(ctx, "axis", 0), s->rank, false, "axis") : -1;
    ol_dim *dims;
    ol_dim extent; /* what the condition indexes */
    if (has_axis) {
        if (!s || axis < 0) {
            ol_out_tensor(ctx, 0, elem, s ? s->rank : -1);
            return;
        }
        dims = out_copy(ctx, 0, elem, s);
        extent = s->dims[axis];
    } else {
        axis = 0;
        dims = ol_out_tensor(ctx, 0, elem, 1);
        extent = s ? ol_shape_product(ctx, s, 0, s->rank) : ol_dim_unknown();
    }
    if (!dims)
        return;
    dims[axis] = ol_dim_unknown();
    const ol_data *d = int_data(ctx, 1);
    if (!d)
        return;
    int64_t limit = INT64_MAX, count = 0;
    dim_value(ctx, extent, &limit);
    for (size_t k = 0; k < d->count; k++) {
        int64_t v;
        if (!dim_value(ctx, d->values[k], &v))
            return;
        if (v && (int64_t)k >= limit) {
            ol_error(ctx, "shape-error", "condition selects index %zu beyond the %lld elements of %s", k,
                     (long long)limit, ol_type_str(ctx, ol_in_type(ctx, 0)));
            return;
        }
        count += v != 0;
    }
    dims[axis] = ol_dim_value(count);
}

/* ---- layout ---- */

/* The blocksize attribute, or 0 after reporting a non-positive one;
 * *square gets blocksize^2 (unknown if it overflows). */
static int64_t blocksize(ol_ctx *ctx, ol_dim *square)
{
    int64_t b = ol_attr_int(ctx, "blocksize", 0);
    *square = ol_dim_unknown();
    if (b <= 0) {
        ol_error(ctx, "shape-error", "blocksize %lld must be positive", (long long)b);
        return 0;
    }
    int64_t sq;
    if (__builtin_mul_overflow(b, b, &sq)) {
        ol_error(ctx, "shape-error", "blocksize %lld is too large: its square overflows int64", (long long)b);
        return 0;
    }
    *square = ol_dim_mul(ctx->exprs, ol_dim_value(b), ol_dim_value(b));
    return b;
}

/* dim / k, reporting a concrete dim that k does not divide (what names
 * it); a symbolic dim is divided exactly when possible, else floored
 * (exact in any valid model). */
static ol_dim divide(ol_ctx *ctx, ol_dim dim, int64_t k, const char *what)
{
    int64_t v;
    if (dim_value(ctx, dim, &v) && v % k != 0) {
        ol_error(ctx, "shape-error", "%s %lld is not divisible by %lld in %s", what, (long long)v, (long long)k,
                 ol_type_str(ctx, ol_in_type(ctx, 0)));
        return ol_dim_unknown();
    }
    ol_dim q = ol_dim_div_exact(ctx->exprs, dim, ol_dim_value(k));
    return q.kind != OL_DIM_UNKNOWN ? q : ol_dim_floordiv(ctx->exprs, dim, ol_dim_value(k));
}

/* DepthToSpace: (N, C, H, W) -> (N, C/b^2, H*b, W*b). */
static void infer_DepthToSpace(ol_ctx *ctx)
{
    const ol_shape *s = ol_in_shape(ctx, 0);
    int32_t elem = ol_in_elem(ctx, 0);
    ol_dim square;
    int64_t b = blocksize(ctx, &square);
    if (!s || !need_rank(ctx, s, 4, "input")) {
        ol_out_tensor(ctx, 0, elem, s ? -1 : 4);
        return;
    }
    ol_dim *dims = out_copy(ctx, 0, elem, s);
    if (!dims)
        return;
    if (!b) {
        dims[1] = dims[2] = dims[3] = ol_dim_unknown();
        return;
    }
    ol_dim k = ol_dim_value(b);
    dims[1] = square.kind == OL_DIM_VALUE ? divide(ctx, s->dims[1], square.value, "channels") : ol_dim_unknown();
    dims[2] = ol_dim_mul(ctx->exprs, s->dims[2], k);
    dims[3] = ol_dim_mul(ctx->exprs, s->dims[3], k);
}

/* SpaceToDepth: (N, C, H, W) -> (N, C*b^2, H/b, W/b). */
static void infer_SpaceToDepth(ol_ctx *ctx)
{
    const ol_shape *s = ol_in_shape(ctx, 0);
    int32_t elem = ol_in_elem(ctx, 0);
    ol_dim square;
    int64_t b = blocksize(ctx, &square);
    if (!s || !need_rank(ctx, s, 4, "input")) {
        ol_out_tensor(ctx, 0, elem, s ? -1 : 4);
        return;
    }
    ol_dim *dims = out_copy(ctx, 0, elem, s);
    if (!dims)
        return;
    if (!b) {
        dims[1] = dims[2] = dims[3] = ol_dim_unknown();
        return;
    }
    dims[1] = ol_dim_mul(ctx->exprs, s->dims[1], square);
    dims[2] = divide(ctx, s->dims[2], b, "height");
    dims[3] = divide(ctx, s->dims[3], b, "width");
}

/* Trilu: same type as the input, a batch of matrices (rank >= 2). */
static void infer_Trilu(ol_ctx *ctx)
{
    const ol_shape *s = ol_in_shape(ctx, 0);
    if (s && s->rank < 2)
        ol_error(ctx, "shape-error", "input %s must have rank >= 2", ol_type_str(ctx, ol_in_type(ctx, 0)));
    int64_t k = in_length(ctx, 1);
    if (ol_in_has(ctx, 1) && k >= 0 && k != 1)
        ol_error(ctx, "shape-error", "k %s must be a scalar", ol_type_str(ctx, ol_in_type(ctx, 1)));
    ol_out_like(ctx, 0, 0);
}

/* ReverseSequence: same type as the input; batch_axis and time_axis are 0
 * and 1 in some order, sequence_lens has one entry per batch. */
static void infer_ReverseSequence(ol_ctx *ctx)
{
    const ol_shape *s = ol_in_shape(ctx, 0);
    const ol_shape *lens = ol_in_shape(ctx, 1);
    int64_t batch = ol_attr_int(ctx, "batch_axis", 1), time = ol_attr_int(ctx, "time_axis", 0);
    ol_out_like(ctx, 0, 0);
    bool axes_ok = (batch == 0 || batch == 1) && (time == 0 || time == 1) && batch != time;
    if (!axes_ok)
        ol_error(ctx, "shape-error", "batch_axis %lld and time_axis %lld must be 0 and 1", (long long)batch,
                 (long long)time);
    if (s && s->rank < 2) {
        ol_error(ctx, "shape-error", "input %s must have rank >= 2", ol_type_str(ctx, ol_in_type(ctx, 0)));
        return;
    }
    if (lens && lens->rank != 1) {
        ol_error(ctx, "shape-error", "sequence_lens %s must have rank 1", ol_type_str(ctx, ol_in_type(ctx, 1)));
        return;
    }
    if (!s || !lens || !axes_ok)
        return;
    ol_dim n = ol_dim_merge(ctx, s->dims[batch], lens->dims[0], "sequence_lens vs batch dim");
    ol_type *out = ol_out(ctx, 0);
    if (out->shape.rank == s->rank && out->shape.dims)
        out->shape.dims[batch] = n;
}

/* EyeLike: a 2-D tensor of the input's shape, element type dtype when
 * given, else the input's. */
static void infer_EyeLike(ol_ctx *ctx)
{
    const ol_shape *s = ol_in_shape(ctx, 0);
    int32_t dtype = (int32_t)ol_attr_int(ctx, "dtype", 0); /* 0: UNDEFINED, the input's */
    int32_t elem = dtype ? dtype : ol_in_elem(ctx, 0);
    if (s && need_rank(ctx, s, 2, "input"))
        out_copy(ctx, 0, elem, s);
    else
        ol_out_tensor(ctx, 0, elem, 2); /* the spec says 2-D */
}

/* CenterCropPad (18): the listed axes (all by default) get the sizes of
 * the shape input, the others stay. */
static void infer_CenterCropPad(ol_ctx *ctx)
{
    const ol_shape *s = ol_in_shape(ctx, 0);
    int32_t elem = ol_in_elem(ctx, 0);
    size_t n_attr;
    const int64_t *axes_attr = ol_attr_ints(ctx, "axes", &n_attr);
    const ol_data *shape = int_data(ctx, 1);
    int64_t len = in_length(ctx, 1);
    if (!s) {
        ol_dim *dims = ol_out_tensor(ctx, 0, elem, axes_attr || len > OL_MAX_RANK ? -1 : (int)len);
        for (int64_t k = 0; dims && shape && k < len; k++)
            dims[k] = shape->values[k];
        return;
    }
    int axes[OL_MAX_RANK];
    int n_axes = axes_attr ? read_axes(ctx, axes_attr, n_attr, s->rank, axes) : all_axes(s->rank, axes);
    ol_dim *dims = out_copy(ctx, 0, elem, s);
    if (!dims)
        return;
    if (n_axes < 0) {
        for (int k = 0; k < s->rank; k++)
            dims[k] = ol_dim_unknown();
        return;
    }
    if (len >= 0 && len != n_axes) {
        ol_error(ctx, "shape-error", "shape %s has %lld values for %d axes of %s", ol_type_str(ctx, ol_in_type(ctx, 1)),
                 (long long)len, n_axes, ol_type_str(ctx, ol_in_type(ctx, 0)));
        shape = NULL;
    }
    for (int k = 0; k < n_axes; k++)
        dims[axes[k]] = shape ? shape->values[k] : ol_dim_unknown();
}

/* An INTS attribute of n entries, or n copies of fallback when absent;
 * NULL (after reporting) when its length is wrong. */
static const int64_t *ints_or(ol_ctx *ctx, const char *name, size_t n, int64_t fallback)
{
    size_t got;
    const int64_t *v = ol_attr_ints(ctx, name, &got);
    if (v && got == n)
        return v;
    if (v) {
        ol_error(ctx, "shape-error", "%s has %zu values, expected %zu", name, got, n);
        return NULL;
    }
    int64_t *fill = ol_arena_calloc(ctx->arena, n + 1, sizeof *fill);
    for (size_t k = 0; fill && k < n; k++)
        fill[k] = fallback;
    return fill;
}

/* The number of sliding blocks Col2Im's input has: the product over the
 * spatial axes of (image + pads - dilation*(block-1) - 1) / stride + 1;
 * unknown when a size is. */
static ol_dim col2im_blocks(ol_ctx *ctx, const ol_data *image, const ol_data *block, size_t n)
{
    const int64_t *dil = ints_or(ctx, "dilations", n, 1);
    const int64_t *pads = ints_or(ctx, "pads", 2 * n, 0);
    const int64_t *strides = ints_or(ctx, "strides", n, 1);
    if (!dil || !pads || !strides)
        return ol_dim_unknown();
    ol_dim total = ol_dim_value(1);
    for (size_t k = 0; k < n; k++) {
        int64_t blk;
        if (!dim_value(ctx, block->values[k], &blk) || blk < 1 || strides[k] <= 0)
            return ol_dim_unknown();
        /* image + pads - (dilation * (block - 1) + 1), overflow-safe */
        ol_dim kernel = ol_dim_mul(ctx->exprs, ol_dim_value(dil[k]), ol_dim_value(blk - 1));
        kernel = ol_dim_add_const(ctx->exprs, kernel, 1);
        ol_dim span = ol_dim_add(ctx->exprs, image->values[k], ol_dim_add(ctx->exprs, ol_dim_value(pads[k]),
                                                                          ol_dim_value(pads[k + n])));
        span = ol_dim_sub(ctx->exprs, span, kernel);
        ol_dim count = ol_dim_add_const(ctx->exprs, ol_dim_floordiv(ctx->exprs, span, ol_dim_value(strides[k])), 1);
        total = ol_dim_mul(ctx->exprs, total, count);
    }
    return total;
}

/* Col2Im (18): (N, C*prod(block_shape), L) -> (N, C, image_shape...). */
static void infer_Col2Im(ol_ctx *ctx)
{
    const ol_shape *s = ol_in_shape(ctx, 0);
    int32_t elem = ol_in_elem(ctx, 0);
    const ol_data *image = int_data(ctx, 1);
    const ol_data *block = int_data(ctx, 2);
    int64_t n_image = in_length(ctx, 1), n_block = in_length(ctx, 2);
    if (s && s->rank != 3)
        ol_error(ctx, "shape-error", "input %s must have rank 3", ol_type_str(ctx, ol_in_type(ctx, 0)));
    if (n_image >= 0 && n_block >= 0 && n_image != n_block)
        ol_error(ctx, "shape-error", "image_shape %s and block_shape %s differ in length",
                 ol_type_str(ctx, ol_in_type(ctx, 1)), ol_type_str(ctx, ol_in_type(ctx, 2)));
    int64_t n = n_image >= 0 ? n_image : n_block;
    if (n < 0 || n > OL_MAX_RANK - 2) {
        ol_out_tensor(ctx, 0, elem, -1);
        return;
    }
    ol_dim *dims = ol_out_tensor(ctx, 0, elem, (int)n + 2);
    if (!dims)
        return;
    bool input_ok = s && s->rank == 3;
    for (int64_t k = 0; k < n; k++)
        dims[k + 2] = image && (int64_t)image->count == n ? image->values[k] : ol_dim_unknown();
    if (input_ok)
        dims[0] = s->dims[0];
    if (!input_ok || !block || (int64_t)block->count != n)
        return;
    ol_dim prod = ol_dim_value(1);
    for (int64_t k = 0; k < n; k++)
        prod = ol_dim_mul(ctx->exprs, prod, block->values[k]);
    int64_t p;
    if (dim_value(ctx, prod, &p) && p > 0)
        dims[1] = divide(ctx, s->dims[1], p, "channels");
    if (image && (int64_t)image->count == n && n_image == n_block) {
        ol_dim blocks = col2im_blocks(ctx, image, block, (size_t)n);
        ol_dim_merge(ctx, s->dims[2], blocks, "number of blocks");
    }
}

/* ==== kernels ====
 *
 * The numeric side of the same operators (src/eval): each kernel computes
 * its outputs from concrete input values as ONNX's reference (the numpy
 * code of onnx/backend/test/case/node) does.  Data movement (gather,
 * scatter, split, pad, layout) copies elements bytewise and works for every
 * element type, strings included; arithmetic (scatter reductions, Resize's
 * interpolation, Col2Im) is done in double (int64 for integer reductions).
 * Every index read from a tensor is range-checked before use. */

enum {
    EL_FLOAT = ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT,
    EL_INT64 = ONNX__TENSOR_PROTO__DATA_TYPE__INT64,
    EL_STRING = ONNX__TENSOR_PROTO__DATA_TYPE__STRING,
    EL_FLOAT16 = ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT16,
    EL_DOUBLE = ONNX__TENSOR_PROTO__DATA_TYPE__DOUBLE,
    EL_UINT64 = ONNX__TENSOR_PROTO__DATA_TYPE__UINT64,
    EL_COMPLEX64 = ONNX__TENSOR_PROTO__DATA_TYPE__COMPLEX64,
    EL_COMPLEX128 = ONNX__TENSOR_PROTO__DATA_TYPE__COMPLEX128,
    EL_BFLOAT16 = ONNX__TENSOR_PROTO__DATA_TYPE__BFLOAT16
};

/* float16 / bfloat16 bits without the sign: zero for +0 and -0. */
#define HALF_MAGNITUDE_MASK 0x7fff

/* Sizes taken from attributes (blocksize, Col2Im's dilations, pads,
 * strides, block and image shapes) and from pads inputs stay below this,
 * so that sums and products of a few of them fit in int64; no tensor of
 * the evaluator is longer along an axis anyway. */
#define MAX_ATTR_SIZE ((int64_t)OL_MAX_EVAL_ELEMENTS)

static bool is_real(int32_t t)
{
    return t == EL_FLOAT || t == EL_DOUBLE || t == EL_FLOAT16 || t == EL_BFLOAT16;
}

static bool is_complex(int32_t t)
{
    return t == EL_COMPLEX64 || t == EL_COMPLEX128;
}

/* Copies n elements of size bytes from src[si..] to dst[di..]. */
static void copy_elems(void *dst, size_t di, const void *src, size_t si, size_t n, size_t size)
{
    if (n)
        memcpy((char *)dst + di * size, (const char *)src + si * size, n * size);
}

/* Product of dims[begin..end). */
static size_t dims_product(const int64_t *dims, int begin, int end)
{
    size_t p = 1;
    for (int i = begin; i < end; i++)
        p *= (size_t)dims[i];
    return p;
}

/* Advances a row-major coordinate over dims (the last axis fastest). */
static void next_coord(int64_t *coord, const int64_t *dims, int rank)
{
    for (int d = rank - 1; d >= 0; d--) {
        if (++coord[d] < dims[d])
            return;
        coord[d] = 0;
    }
}

/* Normalises an attribute axis against rank (rank + 1 when inclusive). */
static bool k_axis(ol_kctx *k, int64_t axis, int rank, bool inclusive, int *out)
{
    int64_t limit = inclusive ? rank + 1 : rank;
    if (axis < -limit || axis >= limit)
        return ol_k_fail(k, "axis %lld is out of range for rank %d", (long long)axis, rank);
    *out = (int)(axis < 0 ? axis + limit : axis);
    return true;
}

/* Normalises index v (negative counts from the end) into axis `axis` of
 * data x; fails naming both when out of range. */
static bool k_index(ol_kctx *k, int64_t v, const ol_array *x, int axis, int64_t *out)
{
    int64_t dim = x->dims[axis];
    int64_t i = v < 0 ? v + dim : v;
    if (i < 0 || i >= dim)
        return ol_k_fail(k, "index %lld is out of range for axis %d of data %s", (long long)v, axis, ol_k_shape(k, x));
    *out = i;
    return true;
}

/* Input i must be present (what names it). */
static const ol_array *need_in(ol_kctx *k, size_t i, const char *what)
{
    const ol_array *a = ol_k_in(k, i);
    if (!a)
        ol_k_fail(k, "input %s is missing", what);
    return a;
}

/* Input i must be an integer tensor (indices). */
static const ol_array *need_indices(ol_kctx *k, size_t i)
{
    const ol_array *a = need_in(k, i, "indices");
    if (a && !ol_elem_is_integral(a->elem_type)) {
        ol_k_fail(k, "indices must be an integer tensor");
        return NULL;
    }
    return a;
}

/* Output i: a copy of x (same type, shape and data). */
static ol_array *out_clone(ol_kctx *k, size_t i, const ol_array *x)
{
    ol_array *y = ol_k_out(k, i, x->elem_type, x->rank, x->dims);
    if (y)
        copy_elems(y->data, 0, x->data, 0, x->count, ol_elem_size(x->elem_type));
    return y;
}

/* ---- gather and scatter kernels ---- */

/* GatherElements: y[i..] = data[i.. with axis replaced by indices[i..]]. */
static bool kernel_GatherElements(ol_kctx *k)
{
    const ol_array *x = need_in(k, 0, "data"), *idx = x ? need_indices(k, 1) : NULL;
    int axis = 0;
    if (!idx || !k_axis(k, ol_attr_int(&k->infer, "axis", 0), x->rank, false, &axis))
        return false;
    if (idx->rank != x->rank)
        return ol_k_fail(k, "indices %s must have the rank of data %s", ol_k_shape(k, idx), ol_k_shape(k, x));
    for (int d = 0; d < x->rank; d++) {
        if (d != axis && idx->dims[d] > x->dims[d])
            return ol_k_fail(k, "indices %s exceed data %s on axis %d", ol_k_shape(k, idx), ol_k_shape(k, x), d);
    }
    ol_array *y = ol_k_out(k, 0, x->elem_type, idx->rank, idx->dims);
    if (!y)
        return false;
    size_t size = ol_elem_size(x->elem_type);
    int64_t strides[OL_MAX_RANK], coord[OL_MAX_RANK] = {0};
    ol_strides(x->dims, x->rank, strides);
    for (size_t i = 0; i < y->count; i++) {
        int64_t j = 0;
        if (!k_index(k, ol_array_get_i64(idx, i), x, axis, &j))
            return false;
        int64_t off = 0;
        for (int d = 0; d < x->rank; d++)
            off += (d == axis ? j : coord[d]) * strides[d];
        copy_elems(y->data, i, x->data, (size_t)off, 1, size);
        next_coord(coord, idx->dims, idx->rank);
    }
    return true;
}

/* GatherND: each index tuple (last axis of indices) selects a slice of
 * data; batch_dims (12) leading axes are shared by data and indices. */
static bool kernel_GatherND(ol_kctx *k)
{
    const ol_array *x = need_in(k, 0, "data"), *idx = x ? need_indices(k, 1) : NULL;
    if (!idx)
        return false;
    int64_t b = k->infer.version >= 12 ? ol_attr_int(&k->infer, "batch_dims", 0) : 0;
    int r = x->rank, q = idx->rank;
    if (r < 1 || q < 1)
        return ol_k_fail(k, "data %s and indices %s must have rank >= 1", ol_k_shape(k, x), ol_k_shape(k, idx));
    if (b < 0 || b >= r || b >= q)
        return ol_k_fail(k, "batch_dims %lld must be less than the ranks of data %s and indices %s", (long long)b,
                         ol_k_shape(k, x), ol_k_shape(k, idx));
    int64_t m = idx->dims[q - 1];
    if (m < 1 || m > r - b)
        return ol_k_fail(k, "the last dim of indices %s must be in [1, %lld] for data %s", ol_k_shape(k, idx),
                         (long long)(r - b), ol_k_shape(k, x));
    for (int i = 0; i < b; i++) {
        if (idx->dims[i] != x->dims[i])
            return ol_k_fail(k, "batch dim %d differs: data %s, indices %s", i, ol_k_shape(k, x), ol_k_shape(k, idx));
    }
    int64_t dims[OL_MAX_RANK];
    int rank = 0;
    for (int i = 0; i < q - 1; i++)
        dims[rank++] = idx->dims[i];
    for (int i = (int)(b + m); i < r; i++)
        dims[rank++] = x->dims[i];
    ol_array *y = ol_k_out(k, 0, x->elem_type, rank, dims);
    if (!y || y->count == 0)
        return y != NULL;
    size_t size = ol_elem_size(x->elem_type);
    size_t slice = dims_product(x->dims, (int)(b + m), r);
    size_t batches = dims_product(x->dims, 0, (int)b), per_batch = dims_product(idx->dims, (int)b, q - 1);
    size_t batch_stride = dims_product(x->dims, (int)b, r);
    int64_t strides[OL_MAX_RANK];
    ol_strides(x->dims, r, strides);
    for (size_t bi = 0; bi < batches; bi++) {
        for (size_t t = 0; t < per_batch; t++) {
            size_t tuple = bi * per_batch + t;
            size_t off = bi * batch_stride;
            for (int64_t j = 0; j < m; j++) {
                int64_t v = 0;
                if (!k_index(k, ol_array_get_i64(idx, tuple * (size_t)m + (size_t)j), x, (int)(b + j), &v))
                    return false;
                off += (size_t)(v * strides[b + j]);
            }
            copy_elems(y->data, tuple * slice, x->data, off, slice, size);
        }
    }
    return true;
}

enum { RED_NONE, RED_ADD, RED_MUL, RED_MAX, RED_MIN };

/* The reduction attribute of ScatterElements / ScatterND (16, 18). */
static bool read_reduction(ol_kctx *k, int *red)
{
    const char *s = k->infer.version >= 16 ? ol_attr_string(&k->infer, "reduction", "none") : "none";
    static const char *const names[] = {"none", "add", "mul", "max", "min"};
    for (int i = 0; i < (int)(sizeof names / sizeof *names); i++) {
        if (strcmp(s, names[i]) == 0) {
            *red = i;
            return true;
        }
    }
    return ol_k_fail(k, "unknown reduction '%s'", s);
}

/* max / min propagating NaN, as numpy's maximum / minimum. */
static double reduce_real(double a, double b, int red)
{
    if (red == RED_ADD)
        return a + b;
    if (red == RED_MUL)
        return a * b;
    if (a != a || b != b)
        return a != a ? a : b;
    return red == RED_MAX ? (a > b ? a : b) : (a < b ? a : b);
}

/* y[yi] = y[yi] (red) u[ui]; integers wrap as numpy's do. */
static void reduce_elem(ol_array *y, size_t yi, const ol_array *u, size_t ui, int red)
{
    int32_t t = y->elem_type;
    if (is_real(t)) {
        ol_array_set_f64(y, yi, reduce_real(ol_array_get_f64(y, yi), ol_array_get_f64(u, ui), red));
        return;
    }
    uint64_t a = (uint64_t)ol_array_get_i64(y, yi), b = (uint64_t)ol_array_get_i64(u, ui), r;
    bool a_larger = t == EL_UINT64 ? a > b : (int64_t)a > (int64_t)b;
    switch (red) {
    case RED_ADD: r = a + b; break;
    case RED_MUL: r = a * b; break;
    case RED_MAX: r = a_larger ? a : b; break;
    default: r = a_larger ? b : a; break;
    }
    ol_array_set_i64(y, yi, (int64_t)r);
}

/* Whether elements of type t can be reduced (numbers and bools). */
static bool check_reducible(ol_kctx *k, int32_t t, int red)
{
    if (red != RED_NONE && (t == EL_STRING || is_complex(t) || t > EL_BFLOAT16 || ol_elem_size(t) == 0))
        return ol_k_fail(k, "reduction is not defined for element type %d", t);
    return true;
}

/* Scatter (9) and ScatterElements: data with updates[i..] written (or
 * reduced) at indices[i..] along axis. */
static bool scatter_elements(ol_kctx *k, int red)
{
    const ol_array *x = need_in(k, 0, "data"), *idx = x ? need_indices(k, 1) : NULL;
    const ol_array *upd = idx ? need_in(k, 2, "updates") : NULL;
    int axis = 0;
    if (!upd || !k_axis(k, ol_attr_int(&k->infer, "axis", 0), x->rank, false, &axis) ||
        !check_reducible(k, x->elem_type, red))
        return false;
    if (idx->rank != x->rank)
        return ol_k_fail(k, "indices %s must have the rank of data %s", ol_k_shape(k, idx), ol_k_shape(k, x));
    bool same = upd->rank == idx->rank && upd->elem_type == x->elem_type;
    for (int d = 0; same && d < idx->rank; d++)
        same = upd->dims[d] == idx->dims[d];
    if (!same)
        return ol_k_fail(k, "updates %s must have the shape of indices %s and the type of data",
                         ol_k_shape(k, upd), ol_k_shape(k, idx));
    for (int d = 0; d < x->rank; d++) {
        if (d != axis && idx->dims[d] > x->dims[d])
            return ol_k_fail(k, "indices %s exceed data %s on axis %d", ol_k_shape(k, idx), ol_k_shape(k, x), d);
    }
    ol_array *y = out_clone(k, 0, x);
    if (!y)
        return false;
    size_t size = ol_elem_size(x->elem_type);
    int64_t strides[OL_MAX_RANK], coord[OL_MAX_RANK] = {0};
    ol_strides(x->dims, x->rank, strides);
    for (size_t i = 0; i < idx->count; i++) {
        int64_t j = 0;
        if (!k_index(k, ol_array_get_i64(idx, i), x, axis, &j))
            return false;
        int64_t off = 0;
        for (int d = 0; d < x->rank; d++)
            off += (d == axis ? j : coord[d]) * strides[d];
        if (red == RED_NONE)
            copy_elems(y->data, (size_t)off, upd->data, i, 1, size);
        else
            reduce_elem(y, (size_t)off, upd, i, red);
        next_coord(coord, idx->dims, idx->rank);
    }
    return true;
}

static bool kernel_Scatter(ol_kctx *k)
{
    return scatter_elements(k, RED_NONE);
}

static bool kernel_ScatterElements(ol_kctx *k)
{
    int red = RED_NONE;
    return read_reduction(k, &red) && scatter_elements(k, red);
}

/* ScatterND: each index tuple of indices (its last axis) addresses a slice
 * of data that the matching slice of updates replaces (or reduces into). */
static bool kernel_ScatterND(ol_kctx *k)
{
    const ol_array *x = need_in(k, 0, "data"), *idx = x ? need_indices(k, 1) : NULL;
    const ol_array *upd = idx ? need_in(k, 2, "updates") : NULL;
    int red = RED_NONE;
    if (!upd || !read_reduction(k, &red) || !check_reducible(k, x->elem_type, red))
        return false;
    int r = x->rank, q = idx->rank;
    if (q < 1)
        return ol_k_fail(k, "indices %s must have rank >= 1", ol_k_shape(k, idx));
    int64_t m = idx->dims[q - 1];
    if (m > r)
        return ol_k_fail(k, "the last dim of indices %s must be at most the rank of data %s", ol_k_shape(k, idx),
                         ol_k_shape(k, x));
    bool ok = upd->elem_type == x->elem_type && upd->rank == q - 1 + r - (int)m;
    for (int i = 0; ok && i < q - 1; i++)
        ok = upd->dims[i] == idx->dims[i];
    for (int i = (int)m; ok && i < r; i++)
        ok = upd->dims[q - 1 + i - (int)m] == x->dims[i];
    if (!ok)
        return ol_k_fail(k, "updates %s must be indices.shape[:-1] + data.shape[%lld:] for indices %s and data %s",
                         ol_k_shape(k, upd), (long long)m, ol_k_shape(k, idx), ol_k_shape(k, x));
    ol_array *y = out_clone(k, 0, x);
    if (!y)
        return false;
    size_t size = ol_elem_size(x->elem_type);
    size_t slice = dims_product(x->dims, (int)m, r), n_tuples = dims_product(idx->dims, 0, q - 1);
    int64_t strides[OL_MAX_RANK];
    ol_strides(x->dims, r, strides);
    for (size_t t = 0; t < n_tuples; t++) {
        size_t off = 0;
        for (int64_t j = 0; j < m; j++) {
            int64_t v = 0;
            if (!k_index(k, ol_array_get_i64(idx, t * (size_t)m + (size_t)j), x, (int)j, &v))
                return false;
            off += (size_t)(v * strides[j]);
        }
        if (red == RED_NONE) {
            copy_elems(y->data, off, upd->data, t * slice, slice, size);
            continue;
        }
        for (size_t e = 0; e < slice; e++)
            reduce_elem(y, off + e, upd, t * slice + e, red);
    }
    return true;
}

/* ---- Split ---- */

/* The parts' sizes along an axis of length dim for n outputs: from the
 * split input (1, 13), the split attribute (before 13), num_outputs (18,
 * ceil(dim/n) each but the last), or n equal parts. */
static bool split_sizes(ol_kctx *k, int64_t dim, size_t n, int64_t *sizes)
{
    int64_t v = k->infer.version;
    size_t n_attr;
    const int64_t *attr = ol_attr_ints(&k->infer, "split", &n_attr);
    const ol_array *given = v < 2 || v >= 13 ? ol_k_in(k, 1) : NULL;
    if (given && given->count > 0) {
        if (given->count != n)
            return ol_k_fail(k, "split %s has %zu sizes for %zu outputs", ol_k_shape(k, given), given->count, n);
        for (size_t i = 0; i < n; i++)
            sizes[i] = ol_array_get_i64(given, i);
    } else if (v < 13 && attr && n_attr > 0) {
        if (n_attr != n)
            return ol_k_fail(k, "split has %zu sizes for %zu outputs", n_attr, n);
        memcpy(sizes, attr, n * sizeof *sizes);
    } else if (v >= 18 && ol_attr_has(&k->infer, "num_outputs")) {
        int64_t num = ol_attr_int(&k->infer, "num_outputs", 0);
        if (num != (int64_t)n)
            return ol_k_fail(k, "num_outputs is %lld but the node has %zu outputs", (long long)num, n);
        int64_t chunk = (dim + num - 1) / num, last = dim - chunk * (num - 1);
        if (last < 0)
            return ol_k_fail(k, "a dim of %lld cannot be split into %zu parts of %lld", (long long)dim, n,
                             (long long)chunk);
        for (size_t i = 0; i < n; i++)
            sizes[i] = i + 1 < n ? chunk : last;
    } else {
        if (dim % (int64_t)n != 0)
            return ol_k_fail(k, "a dim of %lld cannot be split into %zu equal parts", (long long)dim, n);
        for (size_t i = 0; i < n; i++)
            sizes[i] = dim / (int64_t)n;
    }
    int64_t sum = 0;
    for (size_t i = 0; i < n; i++) {
        if (sizes[i] < 0 || sizes[i] > dim)
            return ol_k_fail(k, "split size %lld is out of range for a dim of %lld", (long long)sizes[i],
                             (long long)dim);
        sum += sizes[i];
    }
    if (sum != dim)
        return ol_k_fail(k, "split sizes add up to %lld but the dim is %lld", (long long)sum, (long long)dim);
    return true;
}

static bool kernel_Split(ol_kctx *k)
{
    const ol_array *x = need_in(k, 0, "input");
    size_t n = k->n_outputs;
    int axis = 0;
    if (!x || !k_axis(k, ol_attr_int(&k->infer, "axis", 0), x->rank, false, &axis))
        return false;
    if (n == 0)
        return true;
    int64_t *sizes = ol_k_alloc(k, n * sizeof *sizes);
    if (!sizes || !split_sizes(k, x->dims[axis], n, sizes))
        return false;
    size_t size = ol_elem_size(x->elem_type);
    size_t outer = dims_product(x->dims, 0, axis), inner = dims_product(x->dims, axis + 1, x->rank);
    size_t row = (size_t)x->dims[axis] * inner;
    int64_t dims[OL_MAX_RANK], begin = 0;
    memcpy(dims, x->dims, (size_t)x->rank * sizeof *dims);
    for (size_t i = 0; i < n; i++) {
        dims[axis] = sizes[i];
        ol_array *y = ol_k_out(k, i, x->elem_type, x->rank, dims);
        if (!y)
            return false;
        size_t part = (size_t)sizes[i] * inner;
        for (size_t o = 0; o < outer; o++)
            copy_elems(y->data, o * part, x->data, o * row + (size_t)begin * inner, part, size);
        begin += sizes[i];
    }
    return true;
}

/* ---- Pad ---- */

enum { PAD_CONSTANT, PAD_REFLECT, PAD_EDGE, PAD_WRAP };

/* Where output coordinate o of an axis of length n (padded by begin in
 * front) reads from: an index in [0, n), or -1 for the constant. */
static int64_t pad_source(int64_t o, int64_t begin, int64_t n, int mode)
{
    int64_t i = o - begin;
    if (i >= 0 && i < n)
        return i;
    switch (mode) {
    case PAD_EDGE:
        return i < 0 ? 0 : n - 1;
    case PAD_WRAP:
        return ((i % n) + n) % n;
    case PAD_REFLECT: {
        if (n == 1)
            return 0;
        int64_t period = 2 * (n - 1), m = ((i % period) + period) % period;
        return m < n ? m : period - m;
    }
    default:
        return -1;
    }
}

/* The pads (2 per padded axis) and the axes they apply to; fills begin /
 * end per axis of x. */
static bool pad_amounts(ol_kctx *k, const ol_array *x, int64_t *begin, int64_t *end)
{
    int64_t v = k->infer.version;
    const int64_t *pads;
    size_t n_pads;
    if (v < 11) {
        pads = ol_attr_ints(&k->infer, v < 2 ? "paddings" : "pads", &n_pads);
        if (!pads)
            return ol_k_fail(k, "pads is missing");
    } else {
        pads = ol_k_ints(k, 1, &n_pads);
        if (!pads)
            return false;
    }
    int axes[OL_MAX_RANK];
    int n_axes = x->rank;
    for (int a = 0; a < x->rank; a++)
        axes[a] = a;
    if (v >= 18 && ol_k_in(k, 3)) {
        size_t n;
        const int64_t *list = ol_k_ints(k, 3, &n);
        if (!list)
            return false;
        if (n > (size_t)x->rank)
            return ol_k_fail(k, "%zu axes given for data %s", n, ol_k_shape(k, x));
        n_axes = (int)n;
        for (size_t i = 0; i < n; i++) {
            if (!k_axis(k, list[i], x->rank, false, &axes[i]))
                return false;
            for (size_t j = 0; j < i; j++) {
                if (axes[j] == axes[i])
                    return ol_k_fail(k, "axis %d is given twice", axes[i]);
            }
        }
    }
    if (n_pads != 2 * (size_t)n_axes)
        return ol_k_fail(k, "pads has %zu values, expected 2 * %d for data %s", n_pads, n_axes, ol_k_shape(k, x));
    for (int a = 0; a < x->rank; a++)
        begin[a] = end[a] = 0;
    for (int i = 0; i < n_axes; i++) {
        begin[axes[i]] = pads[i];
        end[axes[i]] = pads[i + n_axes];
        if (begin[axes[i]] < -MAX_ATTR_SIZE || begin[axes[i]] > MAX_ATTR_SIZE || end[axes[i]] < -MAX_ATTR_SIZE ||
            end[axes[i]] > MAX_ATTR_SIZE)
            return ol_k_fail(k, "pads %lld and %lld of axis %d are too large", (long long)begin[axes[i]],
                             (long long)end[axes[i]], axes[i]);
    }
    return true;
}

/* The constant a Pad fills with, as one element of x's type in fill. */
static bool pad_constant(ol_kctx *k, const ol_array *x, void *fill)
{
    size_t size = ol_elem_size(x->elem_type);
    memset(fill, 0, size);
    if (k->infer.version < 11) {
        int64_t one = 1;
        ol_array *c = ol_k_array(k, x->elem_type, 1, &one);
        if (!c)
            return false;
        ol_array_set_f64(c, 0, ol_attr_float(&k->infer, "value", 0));
        memcpy(fill, c->data, size);
        return true;
    }
    const ol_array *c = ol_k_in(k, 2);
    if (!c || c->count == 0)
        return true;
    if (c->elem_type != x->elem_type)
        return ol_k_fail(k, "constant_value must have the type of data");
    memcpy(fill, c->data, size);
    return true;
}

static bool kernel_Pad(ol_kctx *k)
{
    const ol_array *x = need_in(k, 0, "data");
    if (!x)
        return false;
    const char *mode_name = ol_attr_string(&k->infer, "mode", "constant");
    static const char *const modes[] = {"constant", "reflect", "edge", "wrap"};
    int mode = -1;
    for (int i = 0; i < (int)(sizeof modes / sizeof *modes); i++)
        mode = strcmp(mode_name, modes[i]) == 0 ? i : mode;
    if (mode < 0)
        return ol_k_fail(k, "unknown mode '%s'", mode_name);
    int r = x->rank;
    int64_t begin[OL_MAX_RANK], end[OL_MAX_RANK], dims[OL_MAX_RANK];
    if (!pad_amounts(k, x, begin, end))
        return false;
    for (int a = 0; a < r; a++) {
        dims[a] = x->dims[a] + begin[a] + end[a];
        if (dims[a] < 0)
            return ol_k_fail(k, "pads %lld and %lld make axis %d of data %s negative", (long long)begin[a],
                             (long long)end[a], a, ol_k_shape(k, x));
        if (mode != PAD_CONSTANT && x->dims[a] == 0 && dims[a] > 0)
            return ol_k_fail(k, "cannot %s-pad the empty axis %d of data %s", mode_name, a, ol_k_shape(k, x));
    }
    size_t size = ol_elem_size(x->elem_type);
    unsigned char fill[sizeof(double) * 2]; /* the largest element (complex128) */
    if (size > sizeof fill)
        return ol_k_fail(k, "element type %d cannot be padded", x->elem_type);
    if (!pad_constant(k, x, fill))
        return false;
    ol_array *y = ol_k_out(k, 0, x->elem_type, r, dims);
    if (!y || y->count == 0)
        return y != NULL;
    if (r == 0) {
        copy_elems(y->data, 0, x->data, 0, 1, size);
        return true;
    }
    /* per axis, where each output coordinate reads from */
    int64_t *map[OL_MAX_RANK];
    for (int a = 0; a < r; a++) {
        map[a] = ol_k_alloc(k, (size_t)dims[a] * sizeof **map);
        if (!map[a])
            return false;
        for (int64_t o = 0; o < dims[a]; o++)
            map[a][o] = pad_source(o, begin[a], x->dims[a], mode);
    }
    int64_t strides[OL_MAX_RANK], coord[OL_MAX_RANK] = {0};
    ol_strides(x->dims, r, strides);
    size_t inner = (size_t)dims[r - 1], rows = y->count / inner;
    for (size_t row = 0; row < rows; row++) {
        bool constant = false;
        int64_t base = 0;
        for (int a = 0; a < r - 1; a++) {
            int64_t m = map[a][coord[a]];
            constant = constant || m < 0;
            base += m * strides[a];
        }
        for (size_t o = 0; o < inner;) {
            int64_t m = map[r - 1][o];
            if (constant || m < 0) {
                copy_elems(y->data, row * inner + o++, fill, 0, 1, size);
                continue;
            }
            size_t run = 1; /* consecutive sources: one copy */
            while (o + run < inner && map[r - 1][o + run] == m + (int64_t)run)
                run++;
            copy_elems(y->data, row * inner + o, x->data, (size_t)(base + m), run, size);
            o += run;
        }
        next_coord(coord, dims, r - 1);
    }
    return true;
}

/* ---- Resize, Upsample ----
 *
 * Follows the reference interpolate_nd of resize.py: per axis, output
 * coordinate x maps to x_ori in the input (coordinate_transformation_mode);
 * its n neighbours (n from the filter: 2 for nearest and linear, 4 for
 * cubic, wider with antialias) are read from the input padded by edge
 * values, weighted by the filter's coefficients at ratio = x_ori -
 * floor(x_ori) (1 when x_ori is integral, so the left neighbour is
 * preferred).  The axes are combined separably, innermost first, as the
 * reference's recursion does; tf_crop_and_resize gives the extrapolation
 * value for a coordinate outside the input.  Upsample and Resize-10 use
 * the legacy asymmetric mapping with nearest = floor (ceil when
 * downsampling), as runtimes do. */

enum { CT_HALF_PIXEL, CT_HALF_PIXEL_SYMMETRIC, CT_PYTORCH_HALF_PIXEL, CT_ALIGN_CORNERS, CT_ASYMMETRIC,
       CT_TF_HALF_PIXEL_FOR_NN, CT_TF_CROP_AND_RESIZE };
enum { IP_NEAREST, IP_LINEAR, IP_CUBIC };
enum { NR_ROUND_PREFER_FLOOR, NR_ROUND_PREFER_CEIL, NR_FLOOR, NR_CEIL, NR_LEGACY };

typedef struct resize_opts {
    int coord, interp, nearest;
    bool antialias, exclude_outside;
    double cubic_a, extrapolation;
} resize_opts;

/* One axis: lengths, scale, what the reference takes as the output width
 * (scale * input, computed in float32 when the scale is a float32 input,
 * as numpy does), the roi, and the taps computed from them. */
typedef struct resize_axis {
    int64_t in, out;
    double scale, width, width_less1;
    double roi_start, roi_extent, roi_offset; /* roi_offset = roi_start * (in - 1) */
    bool identity;                            /* every output reads its own coordinate */
    int64_t n_taps;                           /* room per output coordinate */
    int64_t *index;                           /* out * n_taps source indices */
    double *weight;                           /* their weights */
    int64_t *count;                           /* taps used per output coordinate */
    bool *outside;                            /* tf_crop_and_resize: extrapolate */
} resize_axis;

/* x_ori for output coordinate x. */
static double resize_coord(const resize_opts *o, const resize_axis *a, int64_t x, bool *outside)
{
    double xd = (double)x, in = (double)a->in;
    *outside = false;
    switch (o->coord) {
    case CT_ALIGN_CORNERS:
        return a->width == 1 ? 0 : xd * (in - 1) / a->width_less1;
    case CT_ASYMMETRIC:
        return xd / a->scale;
    case CT_TF_HALF_PIXEL_FOR_NN:
        return (xd + 0.5) / a->scale;
    case CT_TF_CROP_AND_RESIZE: {
        double v = a->width == 1 ? a->roi_extent * (in - 1) / 2 : xd * a->roi_extent * (in - 1) / a->width_less1;
        v += a->roi_offset;
        *outside = v < 0 || v > in - 1;
        return v;
    }
    case CT_PYTORCH_HALF_PIXEL:
        return a->width == 1 ? -0.5 : (xd + 0.5) / a->scale - 0.5;
    case CT_HALF_PIXEL_SYMMETRIC: {
        double adjustment = (double)a->out / a->width;
        return in / 2 * (1 - adjustment) + (xd + 0.5) / a->scale - 0.5;
    }
    default:
        return (xd + 0.5) / a->scale - 0.5;
    }
}

/* The cubic convolution kernel at distance x (antialias form). */
static double cubic_kernel(double x, double A)
{
    x = fabs(x);
    if (x <= 1)
        return ((A + 2) * x - (A + 3)) * x * x + 1;
    if (x < 2)
        return ((A * x - 5 * A) * x + 8 * A) * x - 4 * A;
    return 0;
}

/* The filter's first tap relative to the left neighbour, for antialias at
 * scale s < 1 (0 otherwise): the support grows to 1/s (linear) or 2/s
 * (cubic) on each side. */
static int64_t filter_start(const resize_opts *o, double scale)
{
    double s = scale < 1 ? scale : 1;
    if (o->interp == IP_NEAREST)
        return 0;
    if (!o->antialias)
        return o->interp == IP_CUBIC ? -1 : 0;
    double first = floor((o->interp == IP_CUBIC ? -2 : -1) / s) + 1;
    return first > -MAX_REAL_INT ? (int64_t)first : INT64_MIN;
}

/* The n coefficients at ratio r (in (0, 1]) for taps start..start+n-1
 * relative to the left neighbour. */
static void filter_coeffs(const resize_opts *o, double scale, double r, int64_t start, int64_t n, double *c)
{
    double s = scale < 1 ? scale : 1, A = o->cubic_a;
    switch (o->interp) {
    case IP_NEAREST: {
        bool right;
        if (r == 1)
            right = true;
        else if (o->nearest == NR_ROUND_PREFER_FLOOR)
            right = r > 0.5;
        else if (o->nearest == NR_ROUND_PREFER_CEIL)
            right = r >= 0.5;
        else
            right = o->nearest == NR_CEIL;
        c[0] = !right;
        c[1] = right;
        return;
    }
    case IP_LINEAR:
        if (!o->antialias) {
            c[0] = 1 - r;
            c[1] = r;
            return;
        }
        for (int64_t i = 0; i < n; i++) {
            double v = 1 - fabs((double)(start + i) - r) * s;
            c[i] = v < 0 ? 0 : v > 1 ? 1 : v;
        }
        break;
    default:
        if (!o->antialias) {
            c[0] = ((A * (r + 1) - 5 * A) * (r + 1) + 8 * A) * (r + 1) - 4 * A;
            c[1] = ((A + 2) * r - (A + 3)) * r * r + 1;
            c[2] = ((A + 2) * (1 - r) - (A + 3)) * (1 - r) * (1 - r) + 1;
            c[3] = ((A * ((1 - r) + 1) - 5 * A) * ((1 - r) + 1) + 8 * A) * ((1 - r) + 1) - 4 * A;
            return;
        }
        for (int64_t i = 0; i < n; i++)
            c[i] = cubic_kernel(s * ((double)(start + i) - r), A);
        break;
    }
    double sum = 0;
    for (int64_t i = 0; i < n; i++)
        sum += c[i];
    for (int64_t i = 0; sum != 0 && i < n; i++)
        c[i] /= sum;
}

/* Computes the taps of every output coordinate of axis a. */
static bool resize_taps(ol_kctx *k, const resize_opts *o, resize_axis *a)
{
    /* With antialias the filter spans about 2/scale inputs (4/scale for
     * cubic); a non-empty output has scale >= 1/(2 in), so the taps of an
     * axis stay within a small multiple of its input length. */
    int64_t start = filter_start(o, a->scale);
    if (start < -MAX_ATTR_SIZE)
        return ol_k_fail(k, "a scale of %g is too small to filter", a->scale);
    int64_t n = o->interp == IP_NEAREST && o->nearest == NR_LEGACY ? 1 : o->interp == IP_NEAREST ? 2 : 2 - 2 * start;
    size_t out = (size_t)a->out;
    a->n_taps = n;
    a->index = ol_k_alloc(k, out * (size_t)n * sizeof *a->index);
    a->weight = a->index ? ol_k_alloc(k, out * (size_t)n * sizeof *a->weight) : NULL;
    a->count = a->weight ? ol_k_alloc(k, out * sizeof *a->count) : NULL;
    a->outside = a->count ? ol_k_alloc(k, out * sizeof *a->outside) : NULL;
    double *c = a->outside ? ol_k_alloc(k, (size_t)n * sizeof *c) : NULL;
    if (!c)
        return false;
    a->identity = a->in == a->out;
    int64_t pad = (n + 1) / 2, in = a->in;
    for (int64_t x = 0; x < a->out; x++) {
        int64_t *index = a->index + x * n;
        double *weight = a->weight + x * n;
        bool outside;
        double xo = resize_coord(o, a, x, &outside);
        a->outside[x] = outside;
        a->count[x] = 0;
        if (outside) {
            a->identity = false;
            continue;
        }
        if (!(xo > -MAX_REAL_INT && xo < MAX_REAL_INT))
            return ol_k_fail(k, "output coordinate %lld maps to %g on an axis of %lld", (long long)x, xo,
                             (long long)in);
        if (n == 1) { /* legacy nearest: floor, ceil when downsampling */
            int64_t i = (int64_t)(a->scale < 1 ? ceil(xo) : floor(xo));
            index[0] = i < 0 ? 0 : i >= in ? in - 1 : i;
            weight[0] = 1;
            a->count[x] = 1;
            a->identity = a->identity && index[0] == x;
            continue;
        }
        double base = floor(xo), ratio = xo - base;
        if (ratio == 0) {
            ratio = 1;
            base -= 1;
        }
        /* the n nearest indices of the edge-padded input */
        int64_t first = (int64_t)base + (o->interp == IP_NEAREST ? 0 : start);
        if (first < -pad)
            first = -pad;
        if (first > in + pad - n)
            first = in + pad - n;
        filter_coeffs(o, a->scale, ratio, start, n, c);
        if (o->exclude_outside) {
            double sum = 0;
            for (int64_t i = 0; i < n; i++) {
                if (first + i < 0 || first + i >= in)
                    c[i] = 0;
                sum += c[i];
            }
            for (int64_t i = 0; sum != 0 && i < n; i++)
                c[i] /= sum;
        }
        for (int64_t i = 0; i < n; i++) {
            if (c[i] == 0)
                continue;
            int64_t j = first + i;
            index[a->count[x]] = j < 0 ? 0 : j >= in ? in - 1 : j;
            weight[a->count[x]++] = c[i];
        }
        a->identity = a->identity && a->count[x] == 1 && index[0] == x && weight[0] == 1;
    }
    return true;
}

/* True when every output element is one input element (nearest, or
 * scales of 1): the output is gathered, for any element type. */
static bool resize_is_gather(const resize_axis *axes, int rank)
{
    for (int d = 0; d < rank; d++) {
        const resize_axis *a = &axes[d];
        for (int64_t x = 0; !a->identity && x < a->out; x++) {
            if (a->outside[x] || a->count[x] != 1 || a->weight[x * a->n_taps] != 1)
                return false;
        }
    }
    return true;
}

static void resize_gather(const ol_array *x, ol_array *y, const resize_axis *axes)
{
    int r = x->rank;
    size_t size = ol_elem_size(x->elem_type);
    int64_t strides[OL_MAX_RANK], coord[OL_MAX_RANK] = {0};
    ol_strides(x->dims, r, strides);
    for (size_t i = 0; i < y->count; i++) {
        int64_t off = 0;
        for (int d = 0; d < r; d++) {
            const resize_axis *a = &axes[d];
            off += (a->identity ? coord[d] : a->index[coord[d] * a->n_taps]) * strides[d];
        }
        copy_elems(y->data, i, x->data, (size_t)off, 1, size);
        next_coord(coord, y->dims, r);
    }
}

/* Interpolates in double, one axis at a time (innermost first). */
static bool resize_interpolate(ol_kctx *k, const ol_array *x, ol_array *y, const resize_axis *axes,
                               double extrapolation)
{
    int r = x->rank;
    if (x->elem_type == EL_STRING || is_complex(x->elem_type) || x->elem_type > EL_BFLOAT16)
        return ol_k_fail(k, "cannot interpolate elements of type %d", x->elem_type);
    double *cur = ol_k_alloc(k, (x->count ? x->count : 1) * sizeof *cur);
    if (!cur)
        return false;
    if (x->elem_type == EL_FLOAT) {
        const float *in = x->data;
        for (size_t i = 0; i < x->count; i++)
            cur[i] = in[i];
    } else {
        for (size_t i = 0; i < x->count; i++)
            cur[i] = ol_array_get_f64(x, i);
    }
    int64_t dims[OL_MAX_RANK];
    memcpy(dims, x->dims, (size_t)r * sizeof *dims);
    for (int d = r - 1; d >= 0; d--) {
        const resize_axis *a = &axes[d];
        if (a->identity)
            continue;
        size_t outer = dims_product(dims, 0, d), inner = dims_product(dims, d + 1, r);
        size_t total = outer * (size_t)a->out * inner;
        double *next = ol_k_alloc(k, (total ? total : 1) * sizeof *next);
        if (!next)
            return false;
        for (size_t o = 0; o < outer; o++) {
            for (int64_t xo = 0; xo < a->out; xo++) {
                double *dst = next + (o * (size_t)a->out + (size_t)xo) * inner;
                for (size_t i = 0; i < inner; i++)
                    dst[i] = a->outside[xo] ? extrapolation : 0;
                for (int64_t t = 0; t < a->count[xo]; t++) {
                    double w = a->weight[xo * a->n_taps + t];
                    const double *src = cur + (o * (size_t)a->in + (size_t)a->index[xo * a->n_taps + t]) * inner;
                    for (size_t i = 0; i < inner; i++)
                        dst[i] += w * src[i];
                }
            }
        }
        cur = next;
        dims[d] = a->out;
    }
    if (y->elem_type == EL_FLOAT) {
        float *out = y->data;
        for (size_t i = 0; i < y->count; i++)
            out[i] = (float)cur[i];
    } else {
        for (size_t i = 0; i < y->count; i++)
            ol_array_set_f64(y, i, cur[i]);
    }
    return true;
}

/* Runs a resize of x once every axis's in, out, scale, width and roi are
 * set. */
static bool resize_run(ol_kctx *k, const ol_array *x, const resize_opts *o, resize_axis *axes)
{
    int r = x->rank;
    int64_t dims[OL_MAX_RANK];
    for (int d = 0; d < r; d++) {
        dims[d] = axes[d].out;
        if (axes[d].out < 0)
            return ol_k_fail(k, "axis %d of %s would resize to %lld", d, ol_k_shape(k, x), (long long)axes[d].out);
        if (axes[d].in == 0 && axes[d].out > 0)
            return ol_k_fail(k, "cannot resize the empty axis %d of %s to %lld", d, ol_k_shape(k, x),
                             (long long)axes[d].out);
    }
    ol_array *y = ol_k_out(k, 0, x->elem_type, r, dims);
    if (!y || y->count == 0)
        return y != NULL;
    for (int d = 0; d < r; d++) {
        if (!axes[d].identity && !resize_taps(k, o, &axes[d]))
            return false;
    }
    if (resize_is_gather(axes, r)) {
        resize_gather(x, y, axes);
        return true;
    }
    return resize_interpolate(k, x, y, axes, o->extrapolation);
}

/* An axis kept as it is (not listed in Resize's axes). */
static void axis_keep(resize_axis *a, int64_t dim)
{
    memset(a, 0, sizeof *a);
    a->in = a->out = dim;
    a->scale = a->width = 1;
    a->identity = true;
}

/* An axis resized by a scale: floor(dim * scale) outputs (in float32 for
 * the legacy operators, as runtimes compute it); the width in float32 as
 * numpy keeps float32 * int.  False when the size is not a number. */
static bool axis_scale(resize_axis *a, int64_t dim, double scale, bool legacy)
{
    memset(a, 0, sizeof *a);
    a->in = dim;
    a->scale = scale;
    float width = (float)scale * (float)dim;
    double size = legacy ? (double)width : floor(scale * (double)dim);
    if (!(size >= 0 && size < MAX_REAL_INT))
        return false;
    a->out = (int64_t)size;
    a->width = width;
    a->width_less1 = (double)(width - 1.0f);
    return true;
}

/* An axis resized to a size: scale = size / dim in double. */
static void axis_size(resize_axis *a, int64_t dim, int64_t size, double scale)
{
    memset(a, 0, sizeof *a);
    a->in = dim;
    a->out = size;
    a->scale = scale;
    a->width = scale * (double)dim;
    a->width_less1 = a->width - 1;
}

static bool mode_index(ol_kctx *k, const char *what, const char *value, const char *const *names, int n, int *out)
{
    for (int i = 0; i < n; i++) {
        if (strcmp(value, names[i]) == 0) {
            *out = i;
            return true;
        }
    }
    return ol_k_fail(k, "unknown %s '%s'", what, value);
}

/* The legacy modes of Upsample and Resize-10: nearest, linear (bilinear
 * in Upsample-1). */
static bool legacy_opts(ol_kctx *k, resize_opts *o)
{
    memset(o, 0, sizeof *o);
    o->coord = CT_ASYMMETRIC;
    o->nearest = NR_LEGACY;
    const char *mode = ol_attr_string(&k->infer, "mode", "nearest");
    static const char *const names[] = {"nearest", "linear", "bilinear"};
    int m = 0;
    if (!mode_index(k, "mode", mode, names, 3, &m))
        return false;
    o->interp = m == 0 ? IP_NEAREST : IP_LINEAR;
    return true;
}

/* Resizes every axis of x by the n given scales (legacy operators). */
static bool legacy_resize(ol_kctx *k, const ol_array *x, const double *scales, size_t n)
{
    resize_opts o;
    resize_axis *axes = ol_k_alloc(k, (size_t)(x->rank ? x->rank : 1) * sizeof *axes);
    if (!axes || !legacy_opts(k, &o))
        return false;
    if (n != (size_t)x->rank)
        return ol_k_fail(k, "scales has %zu values for input %s", n, ol_k_shape(k, x));
    for (int d = 0; d < x->rank; d++) {
        if (!(scales[d] > 0) || !axis_scale(&axes[d], x->dims[d], (float)scales[d], true))
            return ol_k_fail(k, "scale %g for axis %d of %s gives no size", scales[d], d, ol_k_shape(k, x));
    }
    return resize_run(k, x, &o, axes);
}

/* The float values of input i as doubles (scales, roi). */
static double *k_reals(ol_kctx *k, const ol_array *a)
{
    double *v = ol_k_alloc(k, (a->count ? a->count : 1) * sizeof *v);
    for (size_t i = 0; v && i < a->count; i++)
        v[i] = ol_array_get_f64(a, i);
    return v;
}

static bool kernel_Upsample(ol_kctx *k)
{
    const ol_array *x = need_in(k, 0, "X");
    if (!x)
        return false;
    if (k->infer.version < 7) {
        double scales[] = {1, 1, ol_attr_float(&k->infer, "height_scale", 1), ol_attr_float(&k->infer, "width_scale", 1)};
        return legacy_resize(k, x, scales, sizeof scales / sizeof *scales);
    }
    if (k->infer.version < 9) {
        size_t n;
        const float *f = ol_attr_floats(&k->infer, "scales", &n);
        double *scales = ol_k_alloc(k, (n ? n : 1) * sizeof *scales);
        if (!scales)
            return false;
        for (size_t i = 0; i < n; i++)
            scales[i] = f[i];
        return legacy_resize(k, x, scales, n);
    }
    const ol_array *s = need_in(k, 1, "scales");
    double *scales = s ? k_reals(k, s) : NULL;
    return scales && legacy_resize(k, x, scales, s->count);
}

/* Resize 11+'s attributes. */
static bool resize_opts_read(ol_kctx *k, resize_opts *o)
{
    static const char *const coords[] = {"half_pixel", "half_pixel_symmetric", "pytorch_half_pixel", "align_corners",
                                         "asymmetric", "tf_half_pixel_for_nn", "tf_crop_and_resize"};
    static const char *const modes[] = {"nearest", "linear", "cubic"};
    static const char *const nearest[] = {"round_prefer_floor", "round_prefer_ceil", "floor", "ceil"};
    memset(o, 0, sizeof *o);
    if (!mode_index(k, "coordinate_transformation_mode",
                    ol_attr_string(&k->infer, "coordinate_transformation_mode", "half_pixel"), coords, 7, &o->coord) ||
        !mode_index(k, "mode", ol_attr_string(&k->infer, "mode", "nearest"), modes, 3, &o->interp) ||
        !mode_index(k, "nearest_mode", ol_attr_string(&k->infer, "nearest_mode", "round_prefer_floor"), nearest, 4,
                    &o->nearest))
        return false;
    o->cubic_a = ol_attr_float(&k->infer, "cubic_coeff_a", -0.75f);
    o->exclude_outside = ol_attr_int(&k->infer, "exclude_outside", 0) != 0;
    o->extrapolation = ol_attr_float(&k->infer, "extrapolation_value", 0);
    o->antialias = k->infer.version >= 18 && ol_attr_int(&k->infer, "antialias", 0) != 0;
    if (o->antialias && o->interp == IP_NEAREST)
        return ol_k_fail(k, "antialias is not defined for mode nearest");
    return true;
}

/* The axes Resize-18 applies to (all when absent); returns their count. */
static int resize_axes(ol_kctx *k, int rank, int *axes)
{
    size_t n;
    const int64_t *list = ol_attr_ints(&k->infer, "axes", &n);
    if (!list || k->infer.version < 18) {
        for (int d = 0; d < rank; d++)
            axes[d] = d;
        return rank;
    }
    if (n > (size_t)rank) {
        ol_k_fail(k, "%zu axes given for rank %d", n, rank);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        if (!k_axis(k, list[i], rank, false, &axes[i]))
            return -1;
        for (size_t j = 0; j < i; j++) {
            if (axes[j] == axes[i]) {
                ol_k_fail(k, "axis %d is given twice", axes[i]);
                return -1;
            }
        }
    }
    return (int)n;
}

/* Output sizes from the sizes input: as given (stretch), or one scale for
 * all axes (keep_aspect_ratio_policy not_larger / not_smaller, 18) with
 * sizes rounded half up. */
static bool resize_by_sizes(ol_kctx *k, const ol_array *x, const ol_array *sizes, const int *list, int n,
                            resize_axis *axes)
{
    if (sizes->count != (size_t)n)
        return ol_k_fail(k, "sizes %s has %zu values for %d axes of %s", ol_k_shape(k, sizes), sizes->count, n,
                         ol_k_shape(k, x));
    const char *policy = k->infer.version >= 18 ? ol_attr_string(&k->infer, "keep_aspect_ratio_policy", "stretch")
                                                : "stretch";
    static const char *const policies[] = {"stretch", "not_larger", "not_smaller"};
    int p = 0;
    if (!mode_index(k, "keep_aspect_ratio_policy", policy, policies, 3, &p))
        return false;
    double common = 0;
    for (int i = 0; i < n; i++) {
        int64_t in = x->dims[list[i]], size = ol_array_get_i64(sizes, (size_t)i);
        if (size < 0)
            return ol_k_fail(k, "size %lld for axis %d is negative", (long long)size, list[i]);
        double s = (double)size / (double)in;
        if (i == 0 || (p == 1 ? s < common : s > common))
            common = s;
        axis_size(&axes[list[i]], in, size, s);
    }
    if (p == 0)
        return true;
    for (int i = 0; i < n; i++) {
        int64_t in = x->dims[list[i]];
        double v = common * (double)in + 0.5;
        if (!(v >= 0 && v < MAX_REAL_INT))
            return ol_k_fail(k, "keep_aspect_ratio_policy gives no size for axis %d of %s", list[i], ol_k_shape(k, x));
        axis_size(&axes[list[i]], in, (int64_t)v, common);
    }
    return true;
}

static bool kernel_Resize(ol_kctx *k)
{
    const ol_array *x = need_in(k, 0, "X");
    if (!x)
        return false;
    if (k->infer.version < 11) {
        const ol_array *s = need_in(k, 1, "scales");
        double *scales = s ? k_reals(k, s) : NULL;
        return scales && legacy_resize(k, x, scales, s->count);
    }
    resize_opts o;
    int r = x->rank, list[OL_MAX_RANK];
    resize_axis *axes = ol_k_alloc(k, (size_t)(r ? r : 1) * sizeof *axes);
    if (!axes || !resize_opts_read(k, &o))
        return false;
    int n = resize_axes(k, r, list);
    if (n < 0)
        return false;
    const ol_array *roi = ol_k_in(k, 1), *scales = ol_k_in(k, 2), *sizes = ol_k_in(k, 3);
    scales = scales && scales->count ? scales : NULL;
    sizes = sizes && sizes->count ? sizes : NULL;
    if ((scales != NULL) == (sizes != NULL))
        return ol_k_fail(k, "exactly one of scales and sizes must be given");
    for (int d = 0; d < r; d++)
        axis_keep(&axes[d], x->dims[d]);
    if (sizes) {
        if (!ol_elem_is_integral(sizes->elem_type))
            return ol_k_fail(k, "sizes must be an integer tensor");
        if (!resize_by_sizes(k, x, sizes, list, n, axes))
            return false;
    } else {
        if (scales->count != (size_t)n)
            return ol_k_fail(k, "scales %s has %zu values for %d axes of %s", ol_k_shape(k, scales), scales->count,
                             n, ol_k_shape(k, x));
        for (int i = 0; i < n; i++) {
            double s = ol_array_get_f64(scales, (size_t)i);
            if (!(s > 0) || !axis_scale(&axes[list[i]], x->dims[list[i]], s, false))
                return ol_k_fail(k, "scale %g for axis %d of %s gives no size", s, list[i], ol_k_shape(k, x));
        }
    }
    if (o.coord == CT_TF_CROP_AND_RESIZE) {
        if (!roi || roi->count != 2 * (size_t)n)
            return ol_k_fail(k, "roi %s must have 2 * %d values", ol_k_shape(k, roi), n);
        bool f32 = roi->elem_type == EL_FLOAT;
        for (int i = 0; i < n; i++) {
            resize_axis *a = &axes[list[i]];
            double start = ol_array_get_f64(roi, (size_t)i), end = ol_array_get_f64(roi, (size_t)(i + n));
            double span = (double)(a->in - 1);
            /* numpy keeps float32 - float32 and float32 * int in float32 */
            a->roi_start = start;
            a->roi_extent = f32 ? (double)((float)end - (float)start) : end - start;
            a->roi_offset = f32 ? (double)((float)start * (float)span) : start * span;
            a->identity = false;
        }
    }
    return resize_run(k, x, &o, axes);
}

/* ---- OneHot, NonZero, Trilu, Unique, Compress ---- */

/* OneHot: indices (cast to int64; negative ones count from depth) get
 * on_value on the inserted axis, everything else off_value; an index
 * outside [-depth, depth-1] gives a row of off_value. */
static bool kernel_OneHot(ol_kctx *k)
{
    const ol_array *idx = need_in(k, 0, "indices"), *depth = idx ? need_in(k, 1, "depth") : NULL;
    const ol_array *values = depth ? need_in(k, 2, "values") : NULL;
    int axis = 0;
    if (values && idx->rank == 0)
        return ol_k_fail(k, "indices %s must have rank >= 1", ol_k_shape(k, idx));
    if (!values || !k_axis(k, ol_attr_int(&k->infer, "axis", -1), idx->rank, true, &axis))
        return false;
    if (depth->count != 1 || values->count != 2)
        return ol_k_fail(k, "depth %s must have one element and values %s two", ol_k_shape(k, depth),
                         ol_k_shape(k, values));
    int64_t d = ol_array_get_i64(depth, 0);
    if (d < 0)
        return ol_k_fail(k, "depth %lld is negative", (long long)d);
    int64_t dims[OL_MAX_RANK];
    if (idx->rank + 1 > OL_MAX_RANK)
        return ol_k_fail(k, "indices %s have too many axes", ol_k_shape(k, idx));
    for (int i = 0, j = 0; i <= idx->rank; i++)
        dims[i] = i == axis ? d : idx->dims[j++];
    ol_array *y = ol_k_out(k, 0, values->elem_type, idx->rank + 1, dims);
    if (!y)
        return false;
    size_t size = ol_elem_size(values->elem_type);
    for (size_t i = 0; i < y->count; i++)
        copy_elems(y->data, i, values->data, 0, 1, size);
    size_t inner = dims_product(idx->dims, axis, idx->rank);
    for (size_t i = 0; i < idx->count; i++) {
        int64_t v = ol_array_get_i64(idx, i);
        if (v < 0 && v >= -d)
            v += d;
        if (v < 0 || v >= d)
            continue;
        size_t o = i / inner, in = i % inner;
        copy_elems(y->data, (o * (size_t)d + (size_t)v) * inner + in, values->data, 1, 1, size);
    }
    return true;
}

/* Whether element i is not zero (NaN is not zero; a string is when not
 * empty). */
static bool elem_nonzero(const ol_array *a, size_t i)
{
    switch (a->elem_type) {
    case EL_STRING:
        return ((const ol_string *)a->data)[i].len != 0;
    case EL_FLOAT16:
    case EL_BFLOAT16:
        return (((const uint16_t *)a->data)[i] & HALF_MAGNITUDE_MASK) != 0;
    case EL_COMPLEX64: {
        const float *c = a->data;
        return c[2 * i] != 0 || c[2 * i + 1] != 0;
    }
    case EL_COMPLEX128: {
        const double *c = a->data;
        return c[2 * i] != 0 || c[2 * i + 1] != 0;
    }
    case EL_INT64:
    case EL_UINT64:
        return ((const int64_t *)a->data)[i] != 0;
    default:
        return ol_array_get_f64(a, i) != 0;
    }
}

/* NonZero: (rank, count) indices of the non-zero elements in row-major
 * order; a scalar gives (0, count). */
static bool kernel_NonZero(ol_kctx *k)
{
    const ol_array *x = need_in(k, 0, "X");
    if (!x)
        return false;
    size_t n = 0;
    for (size_t i = 0; i < x->count; i++)
        n += elem_nonzero(x, i);
    int64_t dims[2] = {x->rank, (int64_t)n};
    ol_array *y = ol_k_out(k, 0, EL_INT64, 2, dims);
    if (!y)
        return false;
    int64_t *out = y->data, coord[OL_MAX_RANK] = {0};
    for (size_t i = 0, j = 0; i < x->count; i++) {
        if (elem_nonzero(x, i)) {
            for (int d = 0; d < x->rank; d++)
                out[(size_t)d * n + j] = coord[d];
            j++;
        }
        next_coord(coord, x->dims, x->rank);
    }
    return true;
}

/* Trilu: keeps the upper (j - i >= k) or lower (j - i <= k) triangle of
 * each matrix of the batch. */
/* TensorScatter: a copy of past_cache with update written along axis at
 * write_indices[b] + s for each batch entry b (mode "linear": must fit;
 * "circular": modulo the cache length, as for a ring buffer; ONNX's
 * reference takes the other indices modulo that length too, which only
 * matters when they exceed it). */
static bool kernel_TensorScatter(ol_kctx *k)
{
    const ol_array *cache = need_in(k, 0, "past_cache"), *upd = cache ? need_in(k, 1, "update") : NULL;
    const ol_array *wi = ol_k_in(k, 2);
    if (!upd)
        return false;
    const char *mode = ol_attr_string(&k->infer, "mode", "linear");
    bool circular = strcmp(mode, "circular") == 0;
    if (!circular && strcmp(mode, "linear") != 0)
        return ol_k_fail(k, "mode '%s' is not linear or circular", mode);
    int r = cache->rank;
    int64_t a = ol_attr_int(&k->infer, "axis", -2);
    if (a < -r || a >= r || (a < 0 ? a + r : a) == 0)
        return ol_k_fail(k, "axis %lld is out of range or the batch axis for past_cache %s", (long long)a,
                         ol_k_shape(k, cache));
    int axis = (int)(a < 0 ? a + r : a);
    bool ok = upd->rank == r && upd->elem_type == cache->elem_type && ol_elem_size(cache->elem_type);
    for (int i = 0; ok && i < r; i++)
        ok = i == axis ? upd->dims[i] <= cache->dims[i] : upd->dims[i] == cache->dims[i];
    if (!ok)
        return ol_k_fail(k, "update %s does not fit past_cache %s along axis %d", ol_k_shape(k, upd),
                         ol_k_shape(k, cache), axis);
    if (wi && (!ol_elem_is_integral(wi->elem_type) || wi->rank != 1 || wi->dims[0] != cache->dims[0]))
        return ol_k_fail(k, "write_indices %s must be 1-D integers, one per batch entry of past_cache %s",
                         ol_k_shape(k, wi), ol_k_shape(k, cache));
    ol_array *y = out_clone(k, 0, cache);
    if (!y)
        return false;
    size_t size = ol_elem_size(cache->elem_type), batch = (size_t)cache->dims[0];
    size_t outer = dims_product(cache->dims, 1, axis), inner = dims_product(cache->dims, axis + 1, r);
    int64_t max_len = cache->dims[axis], len = upd->dims[axis];
    for (size_t b = 0; b < batch; b++) {
        int64_t start = wi ? ol_array_get_i64(wi, b) : 0;
        if (circular && max_len > 0)
            start = ((start % max_len) + max_len) % max_len;
        else if (start < 0 || start > max_len - len)
            return ol_k_fail(k, "write index %lld of batch entry %zu leaves no room for the %lld entries of update "
                             "in past_cache %s", (long long)start, b, (long long)len, ol_k_shape(k, cache));
        for (int64_t s = 0; s < len; s++) {
            int64_t at = circular ? (start + s) % max_len : start + s;
            for (size_t o = 0; o < outer; o++) {
                size_t dst = ((b * outer + o) * (size_t)max_len + (size_t)at) * inner;
                size_t src = ((b * outer + o) * (size_t)len + (size_t)s) * inner;
                copy_elems(y->data, dst, upd->data, src, inner, size);
            }
        }
    }
    return true;
}

static bool kernel_Trilu(ol_kctx *k)
{
    const ol_array *x = need_in(k, 0, "input");
    if (!x)
        return false;
    if (x->rank < 2)
        return ol_k_fail(k, "input %s must have rank >= 2", ol_k_shape(k, x));
    int64_t diag = 0;
    const ol_array *kin = ol_k_in(k, 1);
    if (kin) {
        if (kin->count != 1 || !ol_elem_is_integral(kin->elem_type))
            return ol_k_fail(k, "k %s must be one integer", ol_k_shape(k, kin));
        diag = ol_array_get_i64(kin, 0);
    }
    bool upper = ol_attr_int(&k->infer, "upper", 1) != 0;
    ol_array *y = ol_k_out(k, 0, x->elem_type, x->rank, x->dims);
    if (!y || y->count == 0)
        return y != NULL;
    size_t size = ol_elem_size(x->elem_type);
    int64_t rows = x->dims[x->rank - 2], cols = x->dims[x->rank - 1];
    size_t batches = x->count / (size_t)(rows * cols);
    for (size_t b = 0; b < batches; b++) {
        for (int64_t i = 0; i < rows; i++) {
            for (int64_t j = 0; j < cols; j++) {
                bool keep = upper ? j - i >= diag : j - i <= diag;
                size_t at = b * (size_t)(rows * cols) + (size_t)(i * cols + j);
                if (keep)
                    copy_elems(y->data, at, x->data, at, 1, size);
            }
        }
    }
    return true;
}

/* Orders elements i and j of one array: numbers by value (NaN after
 * everything, equal to NaN), strings bytewise. */
static int elem_cmp(const ol_array *a, size_t i, size_t j)
{
    int32_t t = a->elem_type;
    if (t == EL_STRING) {
        const ol_string *s = a->data;
        size_t n = s[i].len < s[j].len ? s[i].len : s[j].len;
        int c = n ? memcmp(s[i].data, s[j].data, n) : 0;
        if (c)
            return c < 0 ? -1 : 1;
        return (s[i].len > s[j].len) - (s[i].len < s[j].len);
    }
    if (t == EL_UINT64) {
        uint64_t x = ((const uint64_t *)a->data)[i], y = ((const uint64_t *)a->data)[j];
        return (x > y) - (x < y);
    }
    if (is_real(t)) {
        double x = ol_array_get_f64(a, i), y = ol_array_get_f64(a, j);
        bool nx = x != x, ny = y != y;
        if (nx || ny)
            return (int)nx - (int)ny;
        return (x > y) - (x < y);
    }
    int64_t x = ol_array_get_i64(a, i), y = ol_array_get_i64(a, j);
    return (x > y) - (x < y);
}

/* Unique's items: the elements of the flattened input, or (with axis) its
 * slices along axis, compared lexicographically in row-major order. */
typedef struct unique_items {
    const ol_array *x;
    size_t n;            /* items */
    size_t outer, inner; /* around the axis (1, 1 when flattened) */
} unique_items;

static int item_cmp(const unique_items *u, int64_t i, int64_t j)
{
    size_t span = u->outer * u->inner;
    for (size_t t = 0; t < span; t++) {
        size_t o = t / u->inner, e = t % u->inner;
        int c = elem_cmp(u->x, (o * u->n + (size_t)i) * u->inner + e, (o * u->n + (size_t)j) * u->inner + e);
        if (c)
            return c;
    }
    return 0;
}

/* Stable bottom-up merge sort of the item numbers in v (tmp: scratch). */
static void sort_items(const unique_items *u, int64_t *v, int64_t *tmp, size_t n)
{
    for (size_t width = 1; width < n; width *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * width) {
            size_t mid = lo + width < n ? lo + width : n, hi = lo + 2 * width < n ? lo + 2 * width : n;
            size_t a = lo, b = mid, t = lo;
            while (a < mid && b < hi)
                tmp[t++] = item_cmp(u, v[b], v[a]) < 0 ? v[b++] : v[a++];
            while (a < mid)
                tmp[t++] = v[a++];
            while (b < hi)
                tmp[t++] = v[b++];
        }
        memcpy(v, tmp, n * sizeof *v);
    }
}

/* Unique: the distinct items (sorted, or in order of first occurrence),
 * the index of each one's first occurrence, each item's distinct number,
 * and the counts. */
static bool kernel_Unique(ol_kctx *k)
{
    const ol_array *x = need_in(k, 0, "X");
    if (!x)
        return false;
    if (is_complex(x->elem_type))
        return ol_k_fail(k, "complex elements have no order");
    unique_items u = {x, x->count, 1, 1};
    bool by_axis = ol_attr_has(&k->infer, "axis");
    int axis = 0;
    if (by_axis) {
        if (!k_axis(k, ol_attr_int(&k->infer, "axis", 0), x->rank, false, &axis))
            return false;
        u.n = (size_t)x->dims[axis];
        u.outer = dims_product(x->dims, 0, axis);
        u.inner = dims_product(x->dims, axis + 1, x->rank);
    }
    size_t n = u.n, room = n ? n : 1;
    int64_t *order = ol_k_alloc(k, room * sizeof *order), *tmp = ol_k_alloc(k, room * sizeof *tmp);
    int64_t *inverse = ol_k_alloc(k, room * sizeof *inverse), *first = ol_k_alloc(k, room * sizeof *first);
    int64_t *counts = ol_k_alloc(k, room * sizeof *counts), *renumber = ol_k_alloc(k, room * sizeof *renumber);
    if (!order || !tmp || !inverse || !first || !counts || !renumber)
        return false;
    for (size_t i = 0; i < n; i++)
        order[i] = (int64_t)i;
    sort_items(&u, order, tmp, n);
    size_t groups = 0;
    for (size_t s = 0; s < n; s++) {
        if (s == 0 || item_cmp(&u, order[s - 1], order[s]) != 0) {
            first[groups] = order[s]; /* stable: the first occurrence */
            counts[groups++] = 0;
        }
        counts[groups - 1]++;
        inverse[order[s]] = (int64_t)groups - 1;
    }
    if (ol_attr_int(&k->infer, "sorted", 1) == 0) { /* number groups by first occurrence */
        int64_t next = 0;
        for (size_t g = 0; g < groups; g++)
            renumber[g] = -1;
        for (size_t i = 0; i < n; i++) {
            if (renumber[inverse[i]] < 0)
                renumber[inverse[i]] = next++;
        }
        for (size_t g = 0; g < groups; g++) {
            tmp[renumber[g]] = first[g];
            order[renumber[g]] = counts[g];
        }
        memcpy(first, tmp, groups * sizeof *first);
        memcpy(counts, order, groups * sizeof *counts);
        for (size_t i = 0; i < n; i++)
            inverse[i] = renumber[inverse[i]];
    }
    int64_t dims[OL_MAX_RANK], len = (int64_t)groups, all = (int64_t)n;
    if (by_axis)
        memcpy(dims, x->dims, (size_t)x->rank * sizeof *dims);
    dims[axis] = len;
    ol_array *y = ol_k_out(k, 0, x->elem_type, by_axis ? x->rank : 1, dims);
    ol_array *yi = y ? ol_k_out(k, 1, EL_INT64, 1, &len) : NULL;
    ol_array *yinv = yi ? ol_k_out(k, 2, EL_INT64, 1, &all) : NULL;
    ol_array *yc = yinv ? ol_k_out(k, 3, EL_INT64, 1, &len) : NULL;
    if (!yc)
        return false;
    size_t size = ol_elem_size(x->elem_type);
    for (size_t o = 0; o < u.outer; o++) {
        for (size_t g = 0; g < groups; g++)
            copy_elems(y->data, (o * groups + g) * u.inner, x->data, (o * n + (size_t)first[g]) * u.inner, u.inner,
                       size);
    }
    copy_elems(yi->data, 0, first, 0, groups, sizeof *first);
    copy_elems(yinv->data, 0, inverse, 0, n, sizeof *inverse);
    copy_elems(yc->data, 0, counts, 0, groups, sizeof *counts);
    return true;
}

/* Compress: the slices along axis (the elements of the flattened input
 * without axis) whose condition is true; a shorter condition leaves the
 * rest out, as numpy.compress. */
static bool kernel_Compress(ol_kctx *k)
{
    const ol_array *x = need_in(k, 0, "input"), *cond = x ? need_in(k, 1, "condition") : NULL;
    if (!cond)
        return false;
    if (cond->rank != 1)
        return ol_k_fail(k, "condition %s must have rank 1", ol_k_shape(k, cond));
    bool by_axis = ol_attr_has(&k->infer, "axis");
    int axis = 0;
    if (by_axis && !k_axis(k, ol_attr_int(&k->infer, "axis", 0), x->rank, false, &axis))
        return false;
    size_t extent = by_axis ? (size_t)x->dims[axis] : x->count;
    size_t outer = by_axis ? dims_product(x->dims, 0, axis) : 1;
    size_t inner = by_axis ? dims_product(x->dims, axis + 1, x->rank) : 1;
    size_t selected = 0;
    for (size_t j = 0; j < cond->count; j++) {
        if (!elem_nonzero(cond, j))
            continue;
        if (j >= extent)
            return ol_k_fail(k, "condition %s selects index %zu beyond the %zu of input %s", ol_k_shape(k, cond), j,
                             extent, ol_k_shape(k, x));
        selected++;
    }
    int64_t dims[OL_MAX_RANK];
    if (by_axis)
        memcpy(dims, x->dims, (size_t)x->rank * sizeof *dims);
    dims[axis] = (int64_t)selected;
    ol_array *y = ol_k_out(k, 0, x->elem_type, by_axis ? x->rank : 1, dims);
    if (!y)
        return false;
    size_t size = ol_elem_size(x->elem_type);
    for (size_t o = 0; o < outer; o++) {
        size_t at = 0;
        for (size_t j = 0; j < cond->count; j++) {
            if (elem_nonzero(cond, j))
                copy_elems(y->data, (o * selected + at++) * inner, x->data, (o * extent + j) * inner, inner, size);
        }
    }
    return true;
}

/* ---- layout kernels ---- */

/* The blocksize attribute, checked positive and small. */
static bool k_blocksize(ol_kctx *k, int64_t *b)
{
    *b = ol_attr_int(&k->infer, "blocksize", 0);
    if (*b <= 0 || *b >= MAX_ATTR_SIZE / *b)
        return ol_k_fail(k, "blocksize %lld is out of range", (long long)*b);
    return true;
}

/* DepthToSpace: (N, C, H, W) -> (N, C/b^2, H*b, W*b); the channel of
 * (c, i, j) is (i*b + j)*C/b^2 + c (DCR) or c*b^2 + i*b + j (CRD). */
static bool kernel_DepthToSpace(ol_kctx *k)
{
    const ol_array *x = need_in(k, 0, "input");
    int64_t b;
    if (!x || !k_blocksize(k, &b))
        return false;
    if (x->rank != 4 || x->dims[1] % (b * b) != 0)
        return ol_k_fail(k, "input %s must be 4-D with channels divisible by %lld", ol_k_shape(k, x),
                         (long long)(b * b));
    const char *mode = k->infer.version >= 11 ? ol_attr_string(&k->infer, "mode", "DCR") : "DCR";
    bool crd = strcmp(mode, "CRD") == 0;
    if (!crd && strcmp(mode, "DCR") != 0)
        return ol_k_fail(k, "unknown mode '%s'", mode);
    int64_t n = x->dims[0], c = x->dims[1] / (b * b), h = x->dims[2], w = x->dims[3];
    int64_t dims[4] = {n, c, h * b, w * b};
    ol_array *y = ol_k_out(k, 0, x->elem_type, 4, dims);
    if (!y)
        return false;
    size_t size = ol_elem_size(x->elem_type), at = 0;
    for (int64_t in = 0; in < n; in++)
        for (int64_t ic = 0; ic < c; ic++)
            for (int64_t oy = 0; oy < h * b; oy++)
                for (int64_t ox = 0; ox < w * b; ox++) {
                    int64_t i = oy % b, j = ox % b;
                    int64_t ch = crd ? ic * b * b + i * b + j : (i * b + j) * c + ic;
                    size_t src = (size_t)(((in * x->dims[1] + ch) * h + oy / b) * w + ox / b);
                    copy_elems(y->data, at++, x->data, src, 1, size);
                }
    return true;
}

/* SpaceToDepth: (N, C, H, W) -> (N, C*b^2, H/b, W/b); the channel of
 * (c, i, j) is (i*b + j)*C + c. */
static bool kernel_SpaceToDepth(ol_kctx *k)
{
    const ol_array *x = need_in(k, 0, "input");
    int64_t b;
    if (!x || !k_blocksize(k, &b))
        return false;
    if (x->rank != 4 || x->dims[2] % b != 0 || x->dims[3] % b != 0)
        return ol_k_fail(k, "input %s must be 4-D with height and width divisible by %lld", ol_k_shape(k, x),
                         (long long)b);
    int64_t n = x->dims[0], c = x->dims[1], h = x->dims[2] / b, w = x->dims[3] / b;
    int64_t dims[4] = {n, c * b * b, h, w};
    ol_array *y = ol_k_out(k, 0, x->elem_type, 4, dims);
    if (!y)
        return false;
    size_t size = ol_elem_size(x->elem_type), at = 0;
    for (int64_t in = 0; in < n; in++)
        for (int64_t oc = 0; oc < c * b * b; oc++)
            for (int64_t oy = 0; oy < h; oy++)
                for (int64_t ox = 0; ox < w; ox++) {
                    int64_t ic = oc % c, i = oc / c / b, j = oc / c % b;
                    size_t src = (size_t)(((in * c + ic) * x->dims[2] + oy * b + i) * x->dims[3] + ox * b + j);
                    copy_elems(y->data, at++, x->data, src, 1, size);
                }
    return true;
}

/* ReverseSequence: along time_axis, the first sequence_lens[b] elements
 * of batch b are reversed, the rest copied. */
static bool kernel_ReverseSequence(ol_kctx *k)
{
    const ol_array *x = need_in(k, 0, "input"), *lens = x ? need_in(k, 1, "sequence_lens") : NULL;
    if (!lens)
        return false;
    int64_t batch_axis = ol_attr_int(&k->infer, "batch_axis", 1), time_axis = ol_attr_int(&k->infer, "time_axis", 0);
    if (x->rank < 2 || !((batch_axis == 0 && time_axis == 1) || (batch_axis == 1 && time_axis == 0)))
        return ol_k_fail(k, "input %s must have rank >= 2 and batch_axis %lld / time_axis %lld be 0 and 1",
                         ol_k_shape(k, x), (long long)batch_axis, (long long)time_axis);
    int64_t batches = x->dims[batch_axis], steps = x->dims[time_axis];
    if (lens->count != (size_t)batches || !ol_elem_is_integral(lens->elem_type))
        return ol_k_fail(k, "sequence_lens %s must have one integer per batch of input %s", ol_k_shape(k, lens),
                         ol_k_shape(k, x));
    ol_array *y = out_clone(k, 0, x);
    if (!y)
        return false;
    size_t size = ol_elem_size(x->elem_type), inner = dims_product(x->dims, 2, x->rank);
    for (int64_t b = 0; b < batches; b++) {
        int64_t len = ol_array_get_i64(lens, (size_t)b);
        if (len < 0 || len > steps)
            return ol_k_fail(k, "sequence length %lld is out of range for input %s", (long long)len,
                             ol_k_shape(k, x));
        for (int64_t t = 0; t < len; t++) {
            int64_t from = len - 1 - t;
            size_t dst = (size_t)(batch_axis == 0 ? b * steps + t : t * batches + b) * inner;
            size_t src = (size_t)(batch_axis == 0 ? b * steps + from : from * batches + b) * inner;
            copy_elems(y->data, dst, x->data, src, inner, size);
        }
    }
    return true;
}

/* EyeLike: ones on diagonal k of a matrix of the input's shape, of type
 * dtype (the input's by default). */
static bool kernel_EyeLike(ol_kctx *k)
{
    const ol_array *x = need_in(k, 0, "input");
    if (!x)
        return false;
    if (x->rank != 2)
        return ol_k_fail(k, "input %s must have rank 2", ol_k_shape(k, x));
    int32_t elem = (int32_t)ol_attr_int(&k->infer, "dtype", 0);
    elem = elem ? elem : x->elem_type;
    if (elem == EL_STRING || is_complex(elem) || elem > EL_BFLOAT16)
        return ol_k_fail(k, "dtype %d is not a real or integer type", elem);
    int64_t diag = ol_attr_int(&k->infer, "k", 0);
    ol_array *y = ol_k_out(k, 0, elem, 2, x->dims);
    if (!y)
        return false;
    for (int64_t i = 0; i < x->dims[0]; i++) {
        if (diag >= -x->dims[1] && diag < x->dims[1] && i + diag >= 0 && i + diag < x->dims[1])
            ol_array_set_f64(y, (size_t)(i * x->dims[1] + i + diag), 1);
    }
    return true;
}

/* CenterCropPad (18): each listed axis is cropped or zero-padded to its
 * size in shape, centred (the odd element goes to the end). */
static bool kernel_CenterCropPad(ol_kctx *k)
{
    const ol_array *x = need_in(k, 0, "input_data");
    size_t n_shape;
    const int64_t *shape = x ? ol_k_ints(k, 1, &n_shape) : NULL;
    if (!shape)
        return false;
    int r = x->rank, axes[OL_MAX_RANK];
    size_t n_attr;
    const int64_t *list = ol_attr_ints(&k->infer, "axes", &n_attr);
    size_t n = list ? n_attr : (size_t)r;
    if (n > (size_t)r || n != n_shape)
        return ol_k_fail(k, "shape has %zu values for %zu axes of input %s", n_shape, n, ol_k_shape(k, x));
    for (size_t i = 0; i < n; i++) {
        axes[i] = (int)i;
        if (list && !k_axis(k, list[i], r, false, &axes[i]))
            return false;
    }
    int64_t dims[OL_MAX_RANK], src_begin[OL_MAX_RANK] = {0}, dst_begin[OL_MAX_RANK] = {0}, span[OL_MAX_RANK];
    memcpy(dims, x->dims, (size_t)r * sizeof *dims);
    memcpy(span, x->dims, (size_t)r * sizeof *span);
    for (size_t i = 0; i < n; i++) {
        int a = axes[i];
        int64_t want = shape[i], have = x->dims[a];
        if (want < 0)
            return ol_k_fail(k, "shape value %lld is negative", (long long)want);
        dims[a] = want;
        if (want < have) {
            src_begin[a] = (have - want) / 2;
            span[a] = want;
        } else {
            dst_begin[a] = (want - have) / 2;
            span[a] = have;
        }
    }
    ol_array *y = ol_k_out(k, 0, x->elem_type, r, dims);
    if (!y)
        return false;
    size_t size = ol_elem_size(x->elem_type), copies = dims_product(span, 0, r);
    int64_t xs[OL_MAX_RANK], ys[OL_MAX_RANK], coord[OL_MAX_RANK] = {0};
    ol_strides(x->dims, r, xs);
    ol_strides(dims, r, ys);
    for (size_t i = 0; i < copies; i++) {
        int64_t from = 0, to = 0;
        for (int d = 0; d < r; d++) {
            from += (coord[d] + src_begin[d]) * xs[d];
            to += (coord[d] + dst_begin[d]) * ys[d];
        }
        copy_elems(y->data, (size_t)to, x->data, (size_t)from, 1, size);
        next_coord(coord, span, r);
    }
    return true;
}

/* Col2Im's attributes for n spatial axes: dilations, pads (begin then
 * end), strides. */
static bool col2im_attrs(ol_kctx *k, size_t n, int64_t *dil, int64_t *pads, int64_t *strides)
{
    static const char *const names[] = {"dilations", "pads", "strides"};
    int64_t *into[] = {dil, pads, strides};
    const int64_t fallback[] = {1, 0, 1};
    for (int a = 0; a < 3; a++) {
        size_t want = a == 1 ? 2 * n : n, got;
        const int64_t *v = ol_attr_ints(&k->infer, names[a], &got);
        if (v && got != want)
            return ol_k_fail(k, "%s has %zu values, expected %zu", names[a], got, want);
        for (size_t i = 0; i < want; i++)
            into[a][i] = v ? v[i] : fallback[a];
    }
    for (size_t i = 0; i < n; i++) {
        if (dil[i] <= 0 || strides[i] <= 0 || pads[i] < 0 || pads[i + n] < 0 || dil[i] > MAX_ATTR_SIZE ||
            strides[i] > MAX_ATTR_SIZE || pads[i] > MAX_ATTR_SIZE || pads[i + n] > MAX_ATTR_SIZE)
            return ol_k_fail(k, "dilations and strides must be positive, pads not negative, all below %lld",
                             (long long)MAX_ATTR_SIZE);
    }
    return true;
}

/* Col2Im (18): (N, C*prod(block), L) column blocks summed back into
 * (N, C, image...). */
static bool kernel_Col2Im(ol_kctx *k)
{
    const ol_array *x = need_in(k, 0, "input");
    size_t n_image, n_block;
    const int64_t *image = x ? ol_k_ints(k, 1, &n_image) : NULL;
    const int64_t *block = image ? ol_k_ints(k, 2, &n_block) : NULL;
    if (!block)
        return false;
    size_t n = n_image;
    if (x->rank != 3 || n != n_block || n < 1 || n > OL_MAX_RANK - 2)
        return ol_k_fail(k, "input %s must be 3-D and image_shape, block_shape of one length", ol_k_shape(k, x));
    int64_t dil[OL_MAX_RANK], pads[2 * OL_MAX_RANK], strides[OL_MAX_RANK], cols[OL_MAX_RANK];
    if (!col2im_attrs(k, n, dil, pads, strides))
        return false;
    int64_t block_size = 1, col_size = 1;
    for (size_t i = 0; i < n; i++) {
        if (block[i] <= 0 || image[i] < 0 || image[i] > MAX_ATTR_SIZE || block_size > MAX_ATTR_SIZE / block[i])
            return ol_k_fail(k, "block_shape %lld and image_shape %lld must be positive and not too large",
                             (long long)block[i], (long long)image[i]);
        block_size *= block[i];
        int64_t span = image[i] + pads[i] + pads[i + n] - (dil[i] * (block[i] - 1) + 1);
        if (span < 0)
            return ol_k_fail(k, "block %lld does not fit image dim %lld", (long long)block[i], (long long)image[i]);
        cols[i] = span / strides[i] + 1;
        col_size *= cols[i];
    }
    if (x->dims[1] % block_size != 0 || x->dims[2] != col_size)
        return ol_k_fail(k, "input %s must be (N, C*%lld, %lld)", ol_k_shape(k, x), (long long)block_size,
                         (long long)col_size);
    int64_t dims[OL_MAX_RANK], channels = x->dims[1] / block_size;
    dims[0] = x->dims[0];
    dims[1] = channels;
    memcpy(dims + 2, image, n * sizeof *dims);
    ol_array *y = ol_k_out(k, 0, x->elem_type, (int)n + 2, dims);
    if (!y || y->count == 0)
        return y != NULL;
    size_t plane = dims_product(dims, 2, (int)n + 2);
    int64_t istr[OL_MAX_RANK];
    ol_strides(image, (int)n, istr);
    int64_t off[OL_MAX_RANK] = {0};
    for (int64_t c_col = 0; c_col < block_size; c_col++, next_coord(off, block, (int)n)) {
        int64_t pos[OL_MAX_RANK] = {0};
        for (int64_t col = 0; col < col_size; col++, next_coord(pos, cols, (int)n)) {
            int64_t at = 0;
            bool inside = true;
            for (size_t i = 0; inside && i < n; i++) {
                int64_t v = pos[i] * strides[i] - pads[i] + off[i] * dil[i];
                inside = v >= 0 && v < image[i];
                at += v * istr[i];
            }
            if (!inside)
                continue;
            for (int64_t b = 0; b < x->dims[0]; b++) {
                for (int64_t c = 0; c < channels; c++) {
                    size_t dst = (size_t)(b * channels + c) * plane + (size_t)at;
                    size_t src = (size_t)(((b * channels + c) * block_size + c_col) * col_size + col);
                    if (x->elem_type == EL_FLOAT)
                        ((float *)y->data)[dst] += ((const float *)x->data)[src];
                    else
                        ol_array_set_f64(y, dst, ol_array_get_f64(y, dst) + ol_array_get_f64(x, src));
                }
            }
        }
    }
    return true;
}

static const ol_op_entry tensor_index_ops[] = {
    {"", "CenterCropPad", infer_CenterCropPad, kernel_CenterCropPad},
    {"", "Col2Im", infer_Col2Im, kernel_Col2Im},
    {"", "Compress", infer_Compress, kernel_Compress},
    {"", "DepthToSpace", infer_DepthToSpace, kernel_DepthToSpace},
    {"", "EyeLike", infer_EyeLike, kernel_EyeLike},
    {"", "GatherElements", infer_GatherElements, kernel_GatherElements},
    {"", "GatherND", infer_GatherND, kernel_GatherND},
    {"", "NonZero", infer_NonZero, kernel_NonZero},
    {"", "OneHot", infer_OneHot, kernel_OneHot},
    {"", "Pad", infer_Pad, kernel_Pad},
    {"", "Resize", infer_Resize, kernel_Resize},
    {"", "ReverseSequence", infer_ReverseSequence, kernel_ReverseSequence},
    {"", "Scatter", infer_Scatter, kernel_Scatter},
    {"", "ScatterElements", infer_ScatterElements, kernel_ScatterElements},
    {"", "ScatterND", infer_ScatterND, kernel_ScatterND},
    {"", "SpaceToDepth", infer_SpaceToDepth, kernel_SpaceToDepth},
    {"", "Split", infer_Split, kernel_Split},
    {"", "TensorScatter", infer_TensorScatter, kernel_TensorScatter},
    {"", "Trilu", infer_Trilu, kernel_Trilu},
    {"", "Unique", infer_Unique, kernel_Unique},
    {"", "Upsample", infer_Upsample, kernel_Upsample},
};

OL_FAMILY_DEFINE(tensor_index, tensor_index_ops);
