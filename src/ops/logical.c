/*
 * logical.c - inference for comparisons, boolean and bitwise operators (onnx/defs/logical).
 *
 * One inference function per operator, registered in the table at the end
 * (sorted by domain, then name).  Binary operators broadcast (numpy rules
 * from opset 7; before that the legacy `broadcast`/`axis` attributes,
 * where B is either A's shape or, with broadcast=1, a contiguous run of
 * A's dims and the output has A's shape).  Comparisons and the boolean
 * operators also evaluate propagated values (a Shape's output compared
 * with 0 in a Where -> Reshape chain): the output gets bool data when every
 * element's result is decidable - concrete values, or symbols whose
 * difference is a constant - and none otherwise.
 */
#include <string.h>

#include "ops/common.h"
#include "ops/families.h"

#define ELEM_BOOL 9
/* The opset that replaced the `broadcast`/`axis` attributes with numpy
 * broadcasting. */
#define NUMPY_BROADCAST_SINCE 7

/* An element-wise rule on two propagated elements: 0 or 1, or -1 when the
 * result cannot be decided before run time. */
typedef int (*dim_rule)(ol_ctx *ctx, ol_dim a, ol_dim b);
typedef int (*real_rule)(double a, double b);

/* The sign of a - b: -1, 0, 1, or UNDECIDED when it depends on the
 * symbols' values. */
#define UNDECIDED 2
static int dim_compare(ol_ctx *ctx, ol_dim a, ol_dim b)
{
    if (a.kind == OL_DIM_UNKNOWN || b.kind == OL_DIM_UNKNOWN)
        return UNDECIDED;
    if (ol_dim_equal(ctx->exprs, a, b))
        return 0;
    ol_dim diff = ol_dim_sub(ctx->exprs, ol_dim_resolve(ctx->exprs, a), ol_dim_resolve(ctx->exprs, b));
    if (diff.kind != OL_DIM_VALUE)
        return UNDECIDED;
    return diff.value < 0 ? -1 : diff.value > 0;
}

static int rule_equal(ol_ctx *ctx, ol_dim a, ol_dim b)
{
    if (ol_dim_differ(ctx->exprs, a, b))
        return 0;
    int c = dim_compare(ctx, a, b);
    return c == UNDECIDED ? -1 : c == 0;
}

static int rule_less(ol_ctx *ctx, ol_dim a, ol_dim b)
{
    int c = dim_compare(ctx, a, b);
    return c == UNDECIDED ? -1 : c < 0;
}

static int rule_less_equal(ol_ctx *ctx, ol_dim a, ol_dim b)
{
    int c = dim_compare(ctx, a, b);
    return c == UNDECIDED ? -1 : c <= 0;
}

static int rule_greater(ol_ctx *ctx, ol_dim a, ol_dim b)
{
    return rule_less(ctx, b, a);
}

static int rule_greater_equal(ol_ctx *ctx, ol_dim a, ol_dim b)
{
    return rule_less_equal(ctx, b, a);
}

/* A boolean element: 0 or 1, -1 when not a concrete value. */
static int truth(ol_dim d)
{
    return d.kind == OL_DIM_VALUE ? d.value != 0 : -1;
}

static int rule_and(ol_ctx *ctx, ol_dim a, ol_dim b)
{
    (void)ctx;
    int x = truth(a), y = truth(b);
    if (x == 0 || y == 0)
        return 0;
    return x < 0 || y < 0 ? -1 : 1;
}

static int rule_or(ol_ctx *ctx, ol_dim a, ol_dim b)
{
    (void)ctx;
    int x = truth(a), y = truth(b);
    if (x == 1 || y == 1)
        return 1;
    return x < 0 || y < 0 ? -1 : 0;
}

static int rule_xor(ol_ctx *ctx, ol_dim a, ol_dim b)
{
    (void)ctx;
    int x = truth(a), y = truth(b);
    return x < 0 || y < 0 ? -1 : x != y;
}

static int real_equal(double a, double b)
{
    return a == b;
}

static int real_less(double a, double b)
{
    return a < b;
}

static int real_less_equal(double a, double b)
{
    return a <= b;
}

static int real_greater(double a, double b)
{
    return a > b;
}

static int real_greater_equal(double a, double b)
{
    return a >= b;
}

/* Numpy broadcasting of two data blocks' dims: fills out_dims (out_rank)
 * and returns false when they do not broadcast. */
static bool data_broadcast(const ol_data *a, const ol_data *b, int64_t *out_dims, int *out_rank)
{
    int rank = a->rank > b->rank ? a->rank : b->rank;
    if (rank > OL_MAX_RANK)
        return false;
    for (int i = 0; i < rank; i++) {
        int ia = i - (rank - a->rank), ib = i - (rank - b->rank);
        int64_t da = ia >= 0 ? a->dims[ia] : 1, db = ib >= 0 ? b->dims[ib] : 1;
        if (da != db && da != 1 && db != 1)
            return false;
        out_dims[i] = da == 1 ? db : da;
    }
    *out_rank = rank;
    return true;
}

/* The flat index into d of the output element at flat index k (d
 * broadcast to out_dims). */
static size_t data_index(const ol_data *d, const int64_t *out_dims, int out_rank, size_t k)
{
    size_t index = 0, stride = 1;
    for (int i = out_rank - 1; i >= 0; i--) {
        size_t coord = (size_t)(k % (size_t)out_dims[i]);
        k /= (size_t)out_dims[i];
        int id = i - (out_rank - d->rank);
        if (id < 0)
            continue;
        if (d->dims[id] != 1)
            index += coord * stride;
        stride *= (size_t)d->dims[id];
    }
    return index;
}

/* True when a data block's dims are consistent with its element count. */
static bool data_sane(const ol_data *d)
{
    if (d->rank < 0 || d->rank > OL_MAX_RANK || (d->rank > 0 && !d->dims))
        return false;
    uint64_t count;
    return ol_dims_count(d->dims, (size_t)d->rank, &count) && count == d->count;
}

/* Bool data for output 0 from the element-wise rule over inputs 0 and 1,
 * when both have propagated values and every result is decidable. */
static void compare_data(ol_ctx *ctx, dim_rule rule, real_rule real)
{
    const ol_data *a = ol_in_data(ctx, 0), *b = ol_in_data(ctx, 1);
    if (!a || !b || !data_sane(a) || !data_sane(b))
        return;
    bool ints = a->values && b->values;
    bool reals = a->reals && b->reals && real;
    if (!ints && !reals)
        return;
    int64_t dims[OL_MAX_RANK];
    int rank;
    if (!data_broadcast(a, b, dims, &rank))
        return;
    /* Legacy broadcasting aligns B at `axis`: agree with numpy only when
     * B has A's dims or a single element. */
    if (ctx->version < NUMPY_BROADCAST_SINCE && b->count != 1 &&
        (a->rank != b->rank || (a->rank > 0 && memcmp(a->dims, b->dims, (size_t)a->rank * sizeof *a->dims) != 0)))
        return;
    uint64_t count;
    if (!ol_dims_count(dims, (size_t)rank, &count) || count > OL_MAX_PROPAGATED_ELEMENTS)
        return;
    ol_data *out = ol_data_new(ctx, ELEM_BOOL, (size_t)count);
    int64_t *out_dims = ol_arena_alloc(ctx->arena, ((size_t)rank + 1) * sizeof *out_dims);
    if (!out || !out_dims)
        return;
    for (size_t k = 0; k < count; k++) {
        size_t ia = data_index(a, dims, rank, k), ib = data_index(b, dims, rank, k);
        int r = ints ? rule(ctx, a->values[ia], b->values[ib]) : real(a->reals[ia], b->reals[ib]);
        if (r < 0)
            return;
        out->values[k] = ol_dim_value(r);
    }
    memcpy(out_dims, dims, (size_t)rank * sizeof *dims);
    out->rank = rank;
    out->dims = out_dims;
    ol_out_data(ctx, 0, out);
}

/* Output 0 of a legacy (opset < 7) binary operator: with broadcast=0 A and
 * B have one shape; with broadcast=1 B's dims match A's from `axis` (by
 * default its trailing dims), a 1 matching anything.  Output: A's shape. */
static void legacy_broadcast(ol_ctx *ctx, int32_t elem)
{
    const ol_shape *a = ol_in_shape(ctx, 0), *b = ol_in_shape(ctx, 1);
    if (!ol_attr_int(ctx, "broadcast", 0)) {
        if (a && b && a->rank != b->rank) {
            ol_error(ctx, "shape-error", "without broadcast=1, A %s and B %s must have one shape",
                     ol_type_str(ctx, ol_in_type(ctx, 0)), ol_type_str(ctx, ol_in_type(ctx, 1)));
            ol_out_tensor(ctx, 0, elem, a->rank);
            return;
        }
        const ol_shape *s = a ? a : b;
        if (!s) {
            ol_out_tensor(ctx, 0, elem, -1);
            return;
        }
        ol_dim *dims = ol_out_tensor(ctx, 0, elem, s->rank);
        for (int i = 0; dims && i < s->rank; i++)
            dims[i] = a && b ? ol_dim_merge(ctx, a->dims[i], b->dims[i], "A vs B dim") : s->dims[i];
        return;
    }
    if (!a) {
        ol_out_tensor(ctx, 0, elem, -1);
        return;
    }
    ol_dim *dims = ol_out_tensor(ctx, 0, elem, a->rank);
    for (int i = 0; dims && i < a->rank; i++)
        dims[i] = a->dims[i];
    if (!b)
        return;
    int64_t axis = ol_attr_has(ctx, "axis") ? ol_attr_int(ctx, "axis", 0) : a->rank - b->rank;
    if (axis < 0)
        axis += a->rank;
    if (b->rank > a->rank || axis < 0 || axis + b->rank > a->rank) {
        ol_error(ctx, "shape-error", "B %s cannot be broadcast to A %s at axis %lld",
                 ol_type_str(ctx, ol_in_type(ctx, 1)), ol_type_str(ctx, ol_in_type(ctx, 0)), (long long)axis);
        return;
    }
    for (int i = 0; i < b->rank; i++) {
        ol_dim d = b->dims[i];
        if (d.kind == OL_DIM_VALUE && d.value == 1)
            continue;
        dims[axis + i] = ol_dim_merge(ctx, dims[axis + i], d, "broadcast dim of B vs A");
    }
}

/* A binary operator whose output has element type elem (0: A's). */
static void infer_binary(ol_ctx *ctx, int32_t elem)
{
    if (ctx->version < NUMPY_BROADCAST_SINCE) {
        legacy_broadcast(ctx, elem ? elem : ol_in_elem(ctx, 0));
        return;
    }
    ol_infer_broadcast(ctx, elem);
}

/* A comparison or boolean operator: bool output, data when decidable. */
static void infer_logical(ol_ctx *ctx, dim_rule rule, real_rule real)
{
    infer_binary(ctx, ELEM_BOOL);
    compare_data(ctx, rule, real);
}

static void infer_And(ol_ctx *ctx)
{
    infer_logical(ctx, rule_and, NULL);
}

static void infer_Or(ol_ctx *ctx)
{
    infer_logical(ctx, rule_or, NULL);
}

static void infer_Xor(ol_ctx *ctx)
{
    infer_logical(ctx, rule_xor, NULL);
}

static void infer_Equal(ol_ctx *ctx)
{
    infer_logical(ctx, rule_equal, real_equal);
}

static void infer_Greater(ol_ctx *ctx)
{
    infer_logical(ctx, rule_greater, real_greater);
}

static void infer_GreaterOrEqual(ol_ctx *ctx)
{
    infer_logical(ctx, rule_greater_equal, real_greater_equal);
}

static void infer_Less(ol_ctx *ctx)
{
    infer_logical(ctx, rule_less, real_less);
}

static void infer_LessOrEqual(ol_ctx *ctx)
{
    infer_logical(ctx, rule_less_equal, real_less_equal);
}

/* Not: A's shape as bool, with negated data when every element is known. */
static void infer_Not(ol_ctx *ctx)
{
    const ol_shape *s = ol_in_shape(ctx, 0);
    ol_dim *dims = ol_out_tensor(ctx, 0, ELEM_BOOL, s ? s->rank : -1);
    for (int i = 0; dims && s && i < s->rank; i++)
        dims[i] = s->dims[i];
    const ol_data *d = ol_in_data(ctx, 0);
    if (!d || !d->values)
        return;
    ol_data *out = ol_data_new(ctx, ELEM_BOOL, d->count);
    if (!out)
        return;
    for (size_t k = 0; k < d->count; k++) {
        int t = truth(d->values[k]);
        if (t < 0)
            return;
        out->values[k] = ol_dim_value(!t);
    }
    out->rank = d->rank;
    out->dims = d->dims;
    ol_out_data(ctx, 0, out);
}

/* BitShift, BitwiseAnd/Or/Xor: A's element type, broadcast shape. */
static void infer_BitShift(ol_ctx *ctx)
{
    ol_infer_broadcast(ctx, 0);
}

static void infer_BitwiseAnd(ol_ctx *ctx)
{
    ol_infer_broadcast(ctx, 0);
}

static void infer_BitwiseOr(ol_ctx *ctx)
{
    ol_infer_broadcast(ctx, 0);
}

static void infer_BitwiseXor(ol_ctx *ctx)
{
    ol_infer_broadcast(ctx, 0);
}

static void infer_BitwiseNot(ol_ctx *ctx)
{
    ol_infer_same_as_input(ctx);
}

/* IsInf, IsNaN: X's shape as bool. */
static void infer_is_class(ol_ctx *ctx)
{
    const ol_shape *s = ol_in_shape(ctx, 0);
    ol_dim *dims = ol_out_tensor(ctx, 0, ELEM_BOOL, s ? s->rank : -1);
    for (int i = 0; dims && s && i < s->rank; i++)
        dims[i] = s->dims[i];
}

static void infer_IsInf(ol_ctx *ctx)
{
    infer_is_class(ctx);
}

static void infer_IsNaN(ol_ctx *ctx)
{
    infer_is_class(ctx);
}

static const ol_op_entry logical_ops[] = {
    {"", "And", infer_And, NULL},
    {"", "BitShift", infer_BitShift, NULL},
    {"", "BitwiseAnd", infer_BitwiseAnd, NULL},
    {"", "BitwiseNot", infer_BitwiseNot, NULL},
    {"", "BitwiseOr", infer_BitwiseOr, NULL},
    {"", "BitwiseXor", infer_BitwiseXor, NULL},
    {"", "Equal", infer_Equal, NULL},
    {"", "Greater", infer_Greater, NULL},
    {"", "GreaterOrEqual", infer_GreaterOrEqual, NULL},
    {"", "IsInf", infer_IsInf, NULL},
    {"", "IsNaN", infer_IsNaN, NULL},
    {"", "Less", infer_Less, NULL},
    {"", "LessOrEqual", infer_LessOrEqual, NULL},
    {"", "Not", infer_Not, NULL},
    {"", "Or", infer_Or, NULL},
    {"", "Xor", infer_Xor, NULL},
};

OL_FAMILY_DEFINE(logical, logical_ops);
