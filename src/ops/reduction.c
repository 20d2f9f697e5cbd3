/*
 * reduction.c - inference and kernels for Reduce* and ArgMax/ArgMin (onnx/defs/reduction).
 *
 * One inference function per operator, registered in the table at the end
 * (sorted by domain, then name).  The Reduce* operators share one engine:
 * the axes come from the `axes` attribute (every version before 18, and
 * ReduceSum before 13) or from the optional second input (its propagated
 * values; when only its length is known the output rank still is), an
 * empty list reducing every axis unless noop_with_empty_axes says the op
 * is the identity.  Reduced axes become 1 with keepdims (default 1), else
 * disappear.  Sum, product, max and min of a propagated 1-D integer tensor
 * (a Shape's output) are propagated too, symbolically for sum and product,
 * so ReduceProd(Shape(x)) stays an element count like N*3.
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "eval/kernels.h"
#include "ops/common.h"
#include "ops/families.h"

#define ELEM_FLOAT 1
#define ELEM_INT64 7
#define ELEM_UINT64 13

typedef enum reduce_kind { REDUCE_OTHER, REDUCE_SUM, REDUCE_PROD, REDUCE_MAX, REDUCE_MIN } reduce_kind;

/* What the node says about its axes. */
typedef struct reduce_axes {
    bool known;          /* the list is known (possibly empty) */
    const int64_t *list; /* when known */
    size_t count;
    int64_t count_only;  /* the list is unknown but has this length; -1: not even that */
} reduce_axes;

/* Reads the axes from the second input (values or length) or from the
 * attribute. */
static reduce_axes read_axes(ol_ctx *ctx)
{
    reduce_axes ax = {.known = false, .list = NULL, .count = 0, .count_only = -1};
    if (!ol_in_has(ctx, 1)) {
        ax.list = ol_attr_ints(ctx, "axes", &ax.count);
        ax.known = true;
        return ax;
    }
    const ol_data *d = ol_in_data(ctx, 1);
    if (d && d->values) {
        int64_t *list = ol_arena_alloc(ctx->arena, (d->count + 1) * sizeof *list);
        bool all = list != NULL;
        for (size_t i = 0; all && i < d->count; i++) {
            all = d->values[i].kind == OL_DIM_VALUE;
            if (all)
                list[i] = d->values[i].value;
        }
        if (all) {
            ax.known = true;
            ax.list = list;
            ax.count = d->count;
            return ax;
        }
    }
    const ol_shape *s = ol_in_shape(ctx, 1);
    if (s && s->rank == 1 && s->dims[0].kind == OL_DIM_VALUE) {
        ax.count_only = s->dims[0].value;
        if (ax.count_only == 0) {
            ax.known = true;
            ax.count_only = -1;
        }
    } else if (s && s->rank == 0) {
        ax.count_only = 1; /* a scalar axis: lenient, as runtimes are */
    }
    return ax;
}

/* The reduced value of a 1-D integer data block (*ok false when not
 * computable): symbolic sums and products, concrete max and min. */
static ol_dim fold_data(ol_ctx *ctx, const ol_data *d, reduce_kind kind, bool *ok)
{
    *ok = false;
    if (d->count == 0)
        return ol_dim_unknown();
    ol_dim acc = d->values[0];
    for (size_t i = 1; i < d->count; i++) {
        ol_dim v = d->values[i];
        switch (kind) {
        case REDUCE_SUM:
            acc = ol_dim_add(ctx->exprs, acc, v);
            break;
        case REDUCE_PROD:
            acc = ol_dim_mul(ctx->exprs, acc, v);
            break;
        case REDUCE_MAX:
        case REDUCE_MIN:
            if (acc.kind != OL_DIM_VALUE || v.kind != OL_DIM_VALUE)
                return ol_dim_unknown();
            if (kind == REDUCE_MAX ? v.value > acc.value : v.value < acc.value)
                acc = v;
            break;
        default:
            return ol_dim_unknown();
        }
    }
    *ok = acc.kind != OL_DIM_UNKNOWN;
    return acc;
}

/* Propagates the reduction of a 1-D integer data block over its only axis. */
static void reduce_data(ol_ctx *ctx, reduce_kind kind, bool keepdims)
{
    const ol_data *d = ol_in_data(ctx, 0);
    if (kind == REDUCE_OTHER || !d || !d->values || d->rank != 1)
        return;
    bool ok;
    ol_dim v = fold_data(ctx, d, kind, &ok);
    if (!ok)
        return;
    ol_data *out = ol_data_new(ctx, d->elem_type, 1);
    if (!out)
        return;
    out->values[0] = v;
    if (!keepdims)
        out->rank = 0;
    ol_out_data(ctx, 0, out);
}

/* Reduce*: output 0 of input 0's element type with the reduced shape. */
static void infer_reduce(ol_ctx *ctx, reduce_kind kind)
{
    int32_t elem = ol_in_elem(ctx, 0);
    bool keepdims = ol_attr_int(ctx, "keepdims", 1) != 0;
    bool noop = ol_attr_int(ctx, "noop_with_empty_axes", 0) != 0;
    reduce_axes ax = read_axes(ctx);
    const ol_shape *in = ol_in_shape(ctx, 0);
    bool all = ax.known && ax.count == 0;
    if (all && noop) {
        ol_out_like(ctx, 0, 0);
        ol_pass_data(ctx, 0, 0);
        return;
    }
    if (all && !keepdims) {
        ol_out_tensor(ctx, 0, elem, 0);
        reduce_data(ctx, kind, false);
        return;
    }
    if (!in) {
        ol_out_tensor(ctx, 0, elem, -1);
        return;
    }
    int rank = in->rank;
    if (!ax.known) {
        /* Which axes is a run-time matter: with keepdims each dim stays or
         * becomes 1 (a 1 stays 1); without, only the rank is known. */
        if (keepdims) {
            ol_dim *dims = ol_out_tensor(ctx, 0, elem, rank);
            for (int i = 0; dims && i < rank; i++) {
                bool one = in->dims[i].kind == OL_DIM_VALUE && in->dims[i].value == 1;
                dims[i] = one ? in->dims[i] : ol_dim_unknown();
            }
        } else {
            int out_rank = ax.count_only >= 0 && ax.count_only <= rank ? rank - (int)ax.count_only : -1;
            ol_out_tensor(ctx, 0, elem, out_rank);
        }
        return;
    }
    bool *reduced = ol_arena_calloc(ctx->arena, (size_t)rank + 1, sizeof *reduced);
    if (!reduced)
        return;
    for (size_t i = 0; i < ax.count; i++) {
        int a = ol_axis(ctx, ax.list[i], rank, false, "reduction axis");
        if (a < 0) {
            ol_out_tensor(ctx, 0, elem, keepdims ? rank : -1);
            return;
        }
        reduced[a] = true;
    }
    int out_rank = 0;
    for (int i = 0; i < rank; i++)
        out_rank += all || !reduced[i] || keepdims;
    ol_dim *dims = ol_out_tensor(ctx, 0, elem, out_rank);
    for (int i = 0, k = 0; dims && i < rank; i++) {
        if (all || reduced[i]) {
            if (keepdims)
                dims[k++] = ol_dim_value(1);
        } else {
            dims[k++] = in->dims[i];
        }
    }
    if (rank == 1 && (all || reduced[0]))
        reduce_data(ctx, kind, keepdims);
}

static void infer_ReduceL1(ol_ctx *ctx)
{
    infer_reduce(ctx, REDUCE_OTHER);
}

static void infer_ReduceL2(ol_ctx *ctx)
{
    infer_reduce(ctx, REDUCE_OTHER);
}

static void infer_ReduceLogSum(ol_ctx *ctx)
{
    infer_reduce(ctx, REDUCE_OTHER);
}

static void infer_ReduceLogSumExp(ol_ctx *ctx)
{
    infer_reduce(ctx, REDUCE_OTHER);
}

static void infer_ReduceMax(ol_ctx *ctx)
{
    infer_reduce(ctx, REDUCE_MAX);
}

static void infer_ReduceMean(ol_ctx *ctx)
{
    infer_reduce(ctx, REDUCE_OTHER);
}

static void infer_ReduceMin(ol_ctx *ctx)
{
    infer_reduce(ctx, REDUCE_MIN);
}

static void infer_ReduceProd(ol_ctx *ctx)
{
    infer_reduce(ctx, REDUCE_PROD);
}

static void infer_ReduceSum(ol_ctx *ctx)
{
    infer_reduce(ctx, REDUCE_SUM);
}

static void infer_ReduceSumSquare(ol_ctx *ctx)
{
    infer_reduce(ctx, REDUCE_OTHER);
}

/* ArgMax/ArgMin: int64 indices along `axis` (default 0), kept as 1 with
 * keepdims (default 1); select_last_index changes no shape. */
static void infer_arg(ol_ctx *ctx)
{
    bool keepdims = ol_attr_int(ctx, "keepdims", 1) != 0;
    const ol_shape *in = ol_in_shape(ctx, 0);
    if (!in) {
        ol_out_tensor(ctx, 0, ELEM_INT64, -1);
        return;
    }
    int rank = in->rank;
    int axis = ol_axis(ctx, ol_attr_int(ctx, "axis", 0), rank, false, "axis");
    if (axis < 0) {
        ol_out_tensor(ctx, 0, ELEM_INT64, keepdims ? rank : -1);
        return;
    }
    ol_dim *dims = ol_out_tensor(ctx, 0, ELEM_INT64, keepdims ? rank : rank - 1);
    for (int i = 0, k = 0; dims && i < rank; i++) {
        if (i != axis)
            dims[k++] = in->dims[i];
        else if (keepdims)
            dims[k++] = ol_dim_value(1);
    }
}

static void infer_ArgMax(ol_ctx *ctx)
{
    infer_arg(ctx);
}

static void infer_ArgMin(ol_ctx *ctx)
{
    infer_arg(ctx);
}

/* ---- kernels ----
 *
 * A reduction is planned over the concrete dims: the input offset of each
 * output element's first element (`base`, one per output element) and the
 * offsets of the elements folded into it relative to that (`step`, one per
 * reduced element), so every fold is one loop over plain offsets.  Floating
 * data folds in double precision, integer data in int64 (uint64 compared
 * unsigned); an empty reduction gives the operation's identity (0 for sums,
 * 1 for products, -inf / +inf or the type's bounds for max / min, log(0)
 * = -inf for the log-sums, NaN for a mean), as ONNX's reference does.
 */

typedef enum fold_kind {
    FOLD_SUM,
    FOLD_PROD,
    FOLD_MAX,
    FOLD_MIN,
    FOLD_MEAN,
    FOLD_L1,
    FOLD_L2,
    FOLD_SUM_SQUARE,
    FOLD_LOG_SUM,
    FOLD_LOG_SUM_EXP
} fold_kind;

typedef struct reduce_plan {
    size_t n_out, n_red;
    size_t *base, *step;
} reduce_plan;

/* count elements of size bytes from the run's arena (NULL after a failure,
 * overflow included). */
static void *scratch(ol_kctx *k, size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size) {
        ol_k_fail(k, "needs more than the evaluator's memory budget");
        return NULL;
    }
    return ol_k_alloc(k, count ? count * size : 1);
}

/* Fills offs (count entries) with the offset sum(coord[i] * strides[axes[i]])
 * of every coordinate of the listed axes, in row-major order. */
static void enumerate_offsets(const int64_t *dims, const int64_t *strides, const int *axes, int n, size_t *offs,
                              size_t count)
{
    int64_t coord[OL_MAX_RANK] = {0};
    size_t off = 0;
    for (size_t j = 0; j < count; j++) {
        offs[j] = off;
        for (int i = n - 1; i >= 0; i--) {
            int a = axes[i];
            coord[i]++;
            off += (size_t)strides[a];
            if (coord[i] < dims[a])
                break;
            off -= (size_t)(coord[i] * strides[a]);
            coord[i] = 0;
        }
    }
}

/* Element i of floating or integer data as a double, float data read
 * directly. */
static inline double elem_f64(const ol_array *a, size_t i)
{
    return a->elem_type == ELEM_FLOAT ? (double)((const float *)a->data)[i] : ol_array_get_f64(a, i);
}

/* The lowest and highest values of an integer element type (bool: 0, 1). */
static void int_bounds(int32_t elem, int64_t *lo, int64_t *hi)
{
    switch (elem) {
    case 2: *lo = 0; *hi = UINT8_MAX; break;
    case 3: *lo = INT8_MIN; *hi = INT8_MAX; break;
    case 4: *lo = 0; *hi = UINT16_MAX; break;
    case 5: *lo = INT16_MIN; *hi = INT16_MAX; break;
    case 6: *lo = INT32_MIN; *hi = INT32_MAX; break;
    case 9: *lo = 0; *hi = 1; break;
    case 12: *lo = 0; *hi = UINT32_MAX; break;
    case ELEM_UINT64: *lo = 0; *hi = -1; break; /* UINT64_MAX's bits */
    default: *lo = INT64_MIN; *hi = INT64_MAX; break;
    }
}

/* Reads the reduction's axes (input 1 when present, else the attribute)
 * into reduced[] and decides the output dims.  *noop is set when the
 * operator is the identity (empty axes with noop_with_empty_axes). */
static bool plan_axes(ol_kctx *k, const ol_array *x, bool *reduced, int64_t *out_dims, int *out_rank, bool *noop)
{
    size_t n = 0;
    const int64_t *axes;
    if (ol_k_in(k, 1)) {
        axes = ol_k_ints(k, 1, &n);
        if (!axes)
            return false;
    } else {
        axes = ol_attr_ints(&k->infer, "axes", &n);
    }
    bool keepdims = ol_attr_int(&k->infer, "keepdims", 1) != 0;
    *noop = n == 0 && ol_attr_int(&k->infer, "noop_with_empty_axes", 0) != 0;
    for (int i = 0; i < x->rank; i++)
        reduced[i] = n == 0;
    for (size_t i = 0; i < n; i++) {
        int64_t a = axes[i];
        if (a < -x->rank || a >= x->rank)
            return ol_k_fail(k, "axis %lld is out of range for data %s", (long long)a, ol_k_shape(k, x));
        if (a < 0)
            a += x->rank;
        if (reduced[a])
            return ol_k_fail(k, "axis %lld is listed twice in the axes", (long long)axes[i]);
        reduced[a] = true;
    }
    int r = 0;
    for (int i = 0; i < x->rank; i++) {
        if (!reduced[i])
            out_dims[r++] = x->dims[i];
        else if (keepdims)
            out_dims[r++] = 1;
    }
    *out_rank = r;
    return true;
}

/* The base and step offsets of a reduction of x over reduced[]. */
static bool make_plan(ol_kctx *k, const ol_array *x, const bool *reduced, reduce_plan *p)
{
    int64_t strides[OL_MAX_RANK];
    int kept[OL_MAX_RANK], red[OL_MAX_RANK], n_kept = 0, n_red = 0;
    ol_strides(x->dims, x->rank, strides);
    p->n_out = 1;
    p->n_red = 1;
    for (int i = 0; i < x->rank; i++) {
        if (reduced[i]) {
            red[n_red++] = i;
            p->n_red *= (size_t)x->dims[i];
        } else {
            kept[n_kept++] = i;
            p->n_out *= (size_t)x->dims[i];
        }
    }
    p->base = scratch(k, p->n_out, sizeof *p->base);
    p->step = p->base ? scratch(k, p->n_red, sizeof *p->step) : NULL;
    if (!p->step)
        return false;
    enumerate_offsets(x->dims, strides, kept, n_kept, p->base, p->n_out);
    enumerate_offsets(x->dims, strides, red, n_red, p->step, p->n_red);
    return true;
}

/* One output element of a floating fold. */
static double fold_real(const ol_array *x, const size_t *step, size_t n, size_t base, fold_kind kind)
{
    double acc = kind == FOLD_PROD ? 1.0 : kind == FOLD_MAX ? -INFINITY : kind == FOLD_MIN ? INFINITY : 0.0;
    if (kind == FOLD_LOG_SUM_EXP) {
        double m = -INFINITY;
        for (size_t r = 0; r < n; r++) {
            double v = elem_f64(x, base + step[r]);
            if (v > m)
                m = v;
        }
        double shift = isinf(m) ? 0.0 : m; /* all -inf, or an inf that must stay one */
        for (size_t r = 0; r < n; r++)
            acc += exp(elem_f64(x, base + step[r]) - shift);
        return log(acc) + shift;
    }
    for (size_t r = 0; r < n; r++) {
        double v = elem_f64(x, base + step[r]);
        switch (kind) {
        case FOLD_PROD: acc *= v; break;
        case FOLD_MAX:
        case FOLD_MIN:
            if (v != v)
                return v; /* NaN propagates, as numpy's maximum.reduce */
            if (kind == FOLD_MAX ? v > acc : v < acc)
                acc = v;
            break;
        case FOLD_L1: acc += fabs(v); break;
        case FOLD_L2: case FOLD_SUM_SQUARE: acc += v * v; break;
        default: acc += v; break; /* sum, mean, log-sum */
        }
    }
    switch (kind) {
    case FOLD_MEAN: return acc / (double)n; /* NaN when empty, as numpy */
    case FOLD_L2: return sqrt(acc);
    case FOLD_LOG_SUM: return log(acc);
    default: return acc;
    }
}

/* One output element of an integer fold (sum, product, max, min, L1, sum
 * of squares, mean) in int64 with wrap-around; uint64 max/min compare
 * unsigned. */
static int64_t fold_int(const ol_array *x, const size_t *step, size_t n, size_t base, fold_kind kind)
{
    int64_t lo, hi;
    int_bounds(x->elem_type, &lo, &hi);
    bool u64 = x->elem_type == ELEM_UINT64;
    uint64_t acc = kind == FOLD_PROD ? 1u : kind == FOLD_MAX ? (uint64_t)lo : kind == FOLD_MIN ? (uint64_t)hi : 0u;
    for (size_t r = 0; r < n; r++) {
        int64_t v = ol_array_get_i64(x, base + step[r]);
        uint64_t uv = (uint64_t)v;
        switch (kind) {
        case FOLD_PROD: acc *= uv; break;
        case FOLD_MAX: if (u64 ? uv > acc : v > (int64_t)acc) acc = uv; break;
        case FOLD_MIN: if (u64 ? uv < acc : v < (int64_t)acc) acc = uv; break;
        case FOLD_L1: acc += v < 0 ? 0u - uv : uv; break;
        case FOLD_SUM_SQUARE: acc += uv * uv; break;
        default: acc += uv; break; /* sum, mean */
        }
    }
    if (kind == FOLD_MEAN)
        return n ? (u64 ? (int64_t)(acc / n) : (int64_t)acc / (int64_t)n) : 0;
    return (int64_t)acc;
}

static bool kernel_reduce(ol_kctx *k, fold_kind kind)
{
    const ol_array *x = ol_k_in(k, 0);
    if (!x)
        return ol_k_fail(k, "input 0 (data) is missing");
    bool integral = ol_elem_is_integral(x->elem_type); /* bool included */
    if (!integral && !ol_elem_is_floating(x->elem_type))
        return ol_k_fail(k, "element type %d cannot be reduced", x->elem_type);
    bool reduced[OL_MAX_RANK];
    int64_t dims[OL_MAX_RANK];
    int rank = 0;
    bool noop = false;
    if (!plan_axes(k, x, reduced, dims, &rank, &noop))
        return false;
    if (noop)
        return ol_k_copy(k, 0, 0);
    ol_array *y = ol_k_out(k, 0, x->elem_type, rank, dims);
    reduce_plan p;
    if (!y || !make_plan(k, x, reduced, &p))
        return false;
    bool int_fold = integral && kind != FOLD_L2 && kind != FOLD_LOG_SUM && kind != FOLD_LOG_SUM_EXP;
    for (size_t o = 0; o < p.n_out; o++) {
        if (int_fold) {
            ol_array_set_i64(y, o, fold_int(x, p.step, p.n_red, p.base[o], kind));
        } else {
            double v = fold_real(x, p.step, p.n_red, p.base[o], kind);
            if (y->elem_type == ELEM_FLOAT)
                ((float *)y->data)[o] = (float)v;
            else
                ol_array_set_f64(y, o, v);
        }
    }
    return true;
}

static bool kernel_ReduceL1(ol_kctx *k)
{
    return kernel_reduce(k, FOLD_L1);
}

static bool kernel_ReduceL2(ol_kctx *k)
{
    return kernel_reduce(k, FOLD_L2);
}

static bool kernel_ReduceLogSum(ol_kctx *k)
{
    return kernel_reduce(k, FOLD_LOG_SUM);
}

static bool kernel_ReduceLogSumExp(ol_kctx *k)
{
    return kernel_reduce(k, FOLD_LOG_SUM_EXP);
}

static bool kernel_ReduceMax(ol_kctx *k)
{
    return kernel_reduce(k, FOLD_MAX);
}

static bool kernel_ReduceMean(ol_kctx *k)
{
    return kernel_reduce(k, FOLD_MEAN);
}

static bool kernel_ReduceMin(ol_kctx *k)
{
    return kernel_reduce(k, FOLD_MIN);
}

static bool kernel_ReduceProd(ol_kctx *k)
{
    return kernel_reduce(k, FOLD_PROD);
}

static bool kernel_ReduceSum(ol_kctx *k)
{
    return kernel_reduce(k, FOLD_SUM);
}

static bool kernel_ReduceSumSquare(ol_kctx *k)
{
    return kernel_reduce(k, FOLD_SUM_SQUARE);
}

/* True when candidate v (at a later index) replaces best: strictly better,
 * or equal with select_last_index; NaN wins over numbers (numpy's argmax
 * and argmin return the first NaN; the last one with select_last_index). */
static bool arg_better_real(double v, double best, bool max, bool last)
{
    if (v != v)
        return best == best || last;
    if (best != best)
        return false;
    return max ? (last ? v >= best : v > best) : (last ? v <= best : v < best);
}

static bool arg_better_int(int64_t v, int64_t best, bool max, bool last, bool u64)
{
    if (u64) {
        uint64_t a = (uint64_t)v, b = (uint64_t)best;
        return max ? (last ? a >= b : a > b) : (last ? a <= b : a < b);
    }
    return max ? (last ? v >= best : v > best) : (last ? v <= best : v < best);
}

/* ArgMax / ArgMin: int64 indices along `axis` (default 0). */
static bool kernel_arg(ol_kctx *k, bool max)
{
    const ol_array *x = ol_k_in(k, 0);
    if (!x)
        return ol_k_fail(k, "input 0 (data) is missing");
    bool integral = ol_elem_is_integral(x->elem_type); /* bool included */
    if (!integral && !ol_elem_is_floating(x->elem_type))
        return ol_k_fail(k, "element type %d has no order", x->elem_type);
    int64_t axis = ol_attr_int(&k->infer, "axis", 0);
    bool keepdims = ol_attr_int(&k->infer, "keepdims", 1) != 0;
    bool last = ol_attr_int(&k->infer, "select_last_index", 0) != 0;
    int rank = x->rank;
    if (axis < -rank || axis >= rank || rank == 0)
        return ol_k_fail(k, "axis %lld is out of range for data %s", (long long)axis, ol_k_shape(k, x));
    if (axis < 0)
        axis += rank;
    int64_t dims[OL_MAX_RANK];
    int out_rank = 0;
    size_t outer = 1, inner = 1, len = (size_t)x->dims[axis];
    for (int i = 0; i < rank; i++) {
        if (i < axis)
            outer *= (size_t)x->dims[i];
        else if (i > axis)
            inner *= (size_t)x->dims[i];
        if (i != axis)
            dims[out_rank++] = x->dims[i];
        else if (keepdims)
            dims[out_rank++] = 1;
    }
    if (len == 0 && outer * inner > 0)
        return ol_k_fail(k, "cannot take the %s of an empty axis %lld of data %s", max ? "argmax" : "argmin",
                         (long long)axis, ol_k_shape(k, x));
    ol_array *y = ol_k_out(k, 0, ELEM_INT64, out_rank, dims);
    if (!y)
        return false;
    int64_t *out = y->data;
    bool u64 = x->elem_type == ELEM_UINT64;
    for (size_t o = 0; o < outer; o++) {
        for (size_t in = 0; in < inner; in++) {
            size_t base = o * len * inner + in, best = 0;
            if (integral) {
                int64_t bv = ol_array_get_i64(x, base);
                for (size_t j = 1; j < len; j++) {
                    int64_t v = ol_array_get_i64(x, base + j * inner);
                    if (arg_better_int(v, bv, max, last, u64)) {
                        bv = v;
                        best = j;
                    }
                }
            } else {
                double bv = elem_f64(x, base);
                for (size_t j = 1; j < len; j++) {
                    double v = elem_f64(x, base + j * inner);
                    if (arg_better_real(v, bv, max, last)) {
                        bv = v;
                        best = j;
                    }
                }
            }
            out[o * inner + in] = (int64_t)best;
        }
    }
    return true;
}

static bool kernel_ArgMax(ol_kctx *k)
{
    return kernel_arg(k, true);
}

static bool kernel_ArgMin(ol_kctx *k)
{
    return kernel_arg(k, false);
}

static const ol_op_entry reduction_ops[] = {
    {"", "ArgMax", infer_ArgMax, kernel_ArgMax},
    {"", "ArgMin", infer_ArgMin, kernel_ArgMin},
    {"", "ReduceL1", infer_ReduceL1, kernel_ReduceL1},
    {"", "ReduceL2", infer_ReduceL2, kernel_ReduceL2},
    {"", "ReduceLogSum", infer_ReduceLogSum, kernel_ReduceLogSum},
    {"", "ReduceLogSumExp", infer_ReduceLogSumExp, kernel_ReduceLogSumExp},
    {"", "ReduceMax", infer_ReduceMax, kernel_ReduceMax},
    {"", "ReduceMean", infer_ReduceMean, kernel_ReduceMean},
    {"", "ReduceMin", infer_ReduceMin, kernel_ReduceMin},
    {"", "ReduceProd", infer_ReduceProd, kernel_ReduceProd},
    {"", "ReduceSum", infer_ReduceSum, kernel_ReduceSum},
    {"", "ReduceSumSquare", infer_ReduceSumSquare, kernel_ReduceSumSquare},
};

OL_FAMILY_DEFINE(reduction, reduction_ops);
