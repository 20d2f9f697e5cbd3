/*
 * reduction.c - inference for Reduce* and ArgMax/ArgMin (onnx/defs/reduction).
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
#include "ops/common.h"
#include "ops/families.h"

#define ELEM_INT64 7

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

static const ol_op_entry reduction_ops[] = {
    {"", "ArgMax", infer_ArgMax, NULL},
    {"", "ArgMin", infer_ArgMin, NULL},
    {"", "ReduceL1", infer_ReduceL1, NULL},
    {"", "ReduceL2", infer_ReduceL2, NULL},
    {"", "ReduceLogSum", infer_ReduceLogSum, NULL},
    {"", "ReduceLogSumExp", infer_ReduceLogSumExp, NULL},
    {"", "ReduceMax", infer_ReduceMax, NULL},
    {"", "ReduceMean", infer_ReduceMean, NULL},
    {"", "ReduceMin", infer_ReduceMin, NULL},
    {"", "ReduceProd", infer_ReduceProd, NULL},
    {"", "ReduceSum", infer_ReduceSum, NULL},
    {"", "ReduceSumSquare", infer_ReduceSumSquare, NULL},
};

OL_FAMILY_DEFINE(reduction, reduction_ops);
