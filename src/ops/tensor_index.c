/*
 * tensor_index.c - inference for indexing and layout: Gather*, Scatter*,
 * Split, Pad, Resize, OneHot, NonZero... (onnx/defs/tensor, part 2).
 *
 * One inference function per operator, registered in the table at the end
 * (sorted by domain, then name).  Many of these operators take a size from
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
#include <stdlib.h>
#include <string.h>

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

static const ol_op_entry tensor_index_ops[] = {
    {"", "CenterCropPad", infer_CenterCropPad, NULL},
    {"", "Col2Im", infer_Col2Im, NULL},
    {"", "Compress", infer_Compress, NULL},
    {"", "DepthToSpace", infer_DepthToSpace, NULL},
    {"", "EyeLike", infer_EyeLike, NULL},
    {"", "GatherElements", infer_GatherElements, NULL},
    {"", "GatherND", infer_GatherND, NULL},
    {"", "NonZero", infer_NonZero, NULL},
    {"", "OneHot", infer_OneHot, NULL},
    {"", "Pad", infer_Pad, NULL},
    {"", "Resize", infer_Resize, NULL},
    {"", "ReverseSequence", infer_ReverseSequence, NULL},
    {"", "Scatter", infer_Scatter, NULL},
    {"", "ScatterElements", infer_ScatterElements, NULL},
    {"", "ScatterND", infer_ScatterND, NULL},
    {"", "SpaceToDepth", infer_SpaceToDepth, NULL},
    {"", "Split", infer_Split, NULL},
    {"", "Trilu", infer_Trilu, NULL},
    {"", "Unique", infer_Unique, NULL},
    {"", "Upsample", infer_Upsample, NULL},
};

OL_FAMILY_DEFINE(tensor_index, tensor_index_ops);
