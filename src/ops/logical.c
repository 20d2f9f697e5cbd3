/*
 * logical.c - inference and kernels for comparisons, boolean and bitwise operators (onnx/defs/logical).
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
#include <math.h>
#include <string.h>

#include "eval/kernels.h"
#include "ops/common.h"
#include "ops/families.h"

#define ELEM_FLOAT 1
#define ELEM_STRING 8
#define ELEM_BOOL 9
#define ELEM_UINT64 13
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
        if (d.kind == OL_DIM_VALUE ? d.value == 1 : !ol_dim_at_least(ctx->exprs, d, 2))
            continue; /* B's dim is (or may be) 1: A's dim stands, nothing is proved */
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

/* ---- kernels ----
 *
 * One engine for every binary operator: the output shape is the numpy
 * broadcast of A and B (opset 7 on), or A's shape with B aligned at `axis`
 * under the legacy broadcast=1 (earlier opsets); elements are compared in
 * their own domain: doubles for floating types, int64 for integers (uint64
 * unsigned), bytes for strings (Equal-19).  Bitwise operators work on the
 * integer bits and keep A's type.
 */

/* The float8 element types (opset 19 on), stored as bytes. */
enum { ELEM_FLOAT8E4M3FN = 17, ELEM_FLOAT8E4M3FNUZ, ELEM_FLOAT8E5M2, ELEM_FLOAT8E5M2FNUZ };

typedef enum binary_op {
    OP_EQUAL,
    OP_LESS,
    OP_LESS_EQUAL,
    OP_GREATER,
    OP_GREATER_EQUAL,
    OP_AND,
    OP_OR,
    OP_XOR,
    OP_BIT_AND,
    OP_BIT_OR,
    OP_BIT_XOR,
    OP_SHIFT_LEFT,
    OP_SHIFT_RIGHT
} binary_op;

#define BITS_PER_BYTE 8
#define FLOAT8_SIGN 0x80
#define FLOAT8_MAGNITUDE 0x7f
#define FLOAT8_BITS 7 /* below the sign */

/* A float8 byte as a double (the four kinds of ONNX's float8 types: E4M3
 * or E5M2; FNUZ kinds have a bias one higher and their only NaN is 0x80;
 * E4M3FN's NaN is S.1111.111 and it has no infinities; E5M2 is IEEE-like). */
static double float8_value(int32_t elem, uint8_t b)
{
    bool e4 = elem == ELEM_FLOAT8E4M3FN || elem == ELEM_FLOAT8E4M3FNUZ;
    bool uz = elem == ELEM_FLOAT8E4M3FNUZ || elem == ELEM_FLOAT8E5M2FNUZ;
    int mbits = e4 ? 3 : 2, ebits = FLOAT8_BITS - mbits;
    int bias = (1 << (ebits - 1)) - 1 + (uz ? 1 : 0);
    unsigned emax = (1u << ebits) - 1, exp = (b >> mbits) & emax, mant = b & ((1u << mbits) - 1);
    if (uz && b == FLOAT8_SIGN)
        return NAN;
    if (elem == ELEM_FLOAT8E4M3FN && (b & FLOAT8_MAGNITUDE) == FLOAT8_MAGNITUDE)
        return NAN;
    if (elem == ELEM_FLOAT8E5M2 && exp == emax)
        return mant ? NAN : (b & FLOAT8_SIGN ? -INFINITY : INFINITY);
    double v = exp ? ldexp(1.0 + ldexp(mant, -mbits), (int)exp - bias) : ldexp(mant, 1 - bias - mbits);
    return b & FLOAT8_SIGN ? -v : v;
}

/* Element i of a floating array (float8 included) as a double. */
static inline double real_at(const ol_array *a, size_t i)
{
    if (a->elem_type == ELEM_FLOAT)
        return ((const float *)a->data)[i];
    if (a->elem_type >= ELEM_FLOAT8E4M3FN && a->elem_type <= ELEM_FLOAT8E5M2FNUZ)
        return float8_value(a->elem_type, ((const uint8_t *)a->data)[i]);
    return ol_array_get_f64(a, i);
}

static bool is_real(int32_t elem)
{
    return ol_elem_is_floating(elem) || (elem >= ELEM_FLOAT8E4M3FN && elem <= ELEM_FLOAT8E5M2FNUZ);
}

/* The sign of a - b (-1, 0, 1), 2 when unordered (a NaN). */
static int compare_at(const ol_array *a, size_t ia, const ol_array *b, size_t ib)
{
    if (a->elem_type == ELEM_STRING) {
        const ol_string *x = &((const ol_string *)a->data)[ia], *y = &((const ol_string *)b->data)[ib];
        size_t n = x->len < y->len ? x->len : y->len;
        int c = n ? memcmp(x->data, y->data, n) : 0;
        if (c == 0)
            c = x->len < y->len ? -1 : x->len > y->len;
        return c < 0 ? -1 : c > 0;
    }
    if (is_real(a->elem_type) || is_real(b->elem_type)) {
        double x = real_at(a, ia), y = real_at(b, ib);
        return x < y ? -1 : x > y ? 1 : x == y ? 0 : 2;
    }
    int64_t x = ol_array_get_i64(a, ia), y = ol_array_get_i64(b, ib);
    if (a->elem_type == ELEM_UINT64 || b->elem_type == ELEM_UINT64) {
        uint64_t ux = (uint64_t)x, uy = (uint64_t)y;
        return ux < uy ? -1 : ux > uy;
    }
    return x < y ? -1 : x > y;
}

/* One output element of op over A[ia] and B[ib]. */
static int64_t apply_at(binary_op op, const ol_array *a, size_t ia, const ol_array *b, size_t ib)
{
    if (op <= OP_GREATER_EQUAL) {
        int c = compare_at(a, ia, b, ib);
        switch (op) {
        case OP_EQUAL: return c == 0;
        case OP_LESS: return c == -1;
        case OP_LESS_EQUAL: return c == -1 || c == 0;
        case OP_GREATER: return c == 1;
        default: return c == 1 || c == 0;
        }
    }
    int64_t x = ol_array_get_i64(a, ia), y = ol_array_get_i64(b, ib);
    uint64_t ux = (uint64_t)x, uy = (uint64_t)y;
    unsigned width = (unsigned)(ol_elem_size(a->elem_type) * BITS_PER_BYTE);
    switch (op) {
    case OP_AND: return x && y;
    case OP_OR: return x || y;
    case OP_XOR: return !x != !y;
    case OP_BIT_AND: return (int64_t)(ux & uy);
    case OP_BIT_OR: return (int64_t)(ux | uy);
    case OP_BIT_XOR: return (int64_t)(ux ^ uy);
    case OP_SHIFT_LEFT: return uy >= width ? 0 : (int64_t)(ux << uy);
    default: return uy >= width ? 0 : (int64_t)(ux >> uy); /* unsigned types only */
    }
}

/* B as seen by legacy broadcasting (opset < 7): with broadcast=1 its dims
 * align with A's from `axis` (default: its trailing dims), padded with 1s
 * to A's rank in view/dims; with broadcast=0 it must have A's shape. */
static bool legacy_view(ol_kctx *k, const ol_array *a, const ol_array *b, ol_array *view, int64_t *dims)
{
    *view = *b;
    if (!ol_attr_int(&k->infer, "broadcast", 0)) {
        bool same = a->rank == b->rank;
        for (int i = 0; same && i < a->rank; i++)
            same = a->dims[i] == b->dims[i];
        if (!same)
            return ol_k_fail(k, "without broadcast=1, A %s and B %s must have one shape", ol_k_shape(k, a),
                             ol_k_shape(k, b));
        return true;
    }
    int64_t axis = ol_attr_has(&k->infer, "axis") ? ol_attr_int(&k->infer, "axis", 0) : a->rank - b->rank;
    if (axis < 0)
        axis += a->rank;
    if (b->rank > a->rank || axis < 0 || axis + b->rank > a->rank)
        return ol_k_fail(k, "B %s cannot be broadcast to A %s at axis %lld", ol_k_shape(k, b), ol_k_shape(k, a),
                         (long long)axis);
    for (int i = 0; i < a->rank; i++) {
        int j = i - (int)axis;
        dims[i] = j >= 0 && j < b->rank ? b->dims[j] : 1;
        if (dims[i] != 1 && dims[i] != a->dims[i])
            return ol_k_fail(k, "B %s cannot be broadcast to A %s at axis %lld", ol_k_shape(k, b), ol_k_shape(k, a),
                             (long long)axis);
    }
    view->rank = a->rank;
    view->dims = dims;
    return true;
}

static bool kernel_binary(ol_kctx *k, binary_op op)
{
    const ol_array *a = ol_k_in(k, 0), *b = ol_k_in(k, 1);
    if (!a || !b)
        return ol_k_fail(k, "needs two tensor inputs");
    bool strings = a->elem_type == ELEM_STRING || b->elem_type == ELEM_STRING;
    if (strings && (op != OP_EQUAL || a->elem_type != b->elem_type))
        return ol_k_fail(k, "cannot compare element types %d and %d", a->elem_type, b->elem_type);
    bool bitwise = op >= OP_BIT_AND;
    if (bitwise && (!ol_elem_is_integral(a->elem_type) || !ol_elem_is_integral(b->elem_type)))
        return ol_k_fail(k, "bitwise operations need integer inputs, not element types %d and %d", a->elem_type,
                         b->elem_type);
    ol_array legacy;
    int64_t legacy_dims[OL_MAX_RANK];
    int64_t dims[OL_MAX_RANK];
    int rank = 0;
    if (k->infer.version < NUMPY_BROADCAST_SINCE) {
        if (!legacy_view(k, a, b, &legacy, legacy_dims))
            return false;
        b = &legacy;
    }
    const ol_array *both[2] = {a, b};
    if (!ol_broadcast_dims(both, 2, dims, &rank))
        return ol_k_fail(k, "cannot broadcast %s with %s", ol_k_shape(k, a), ol_k_shape(k, b));
    ol_array *y = ol_k_out(k, 0, bitwise ? a->elem_type : ELEM_BOOL, rank, dims);
    if (!y)
        return false;
    bool same_a = a->count == y->count, same_b = b->count == y->count;
    if (!bitwise && same_a && same_b && a->elem_type == ELEM_FLOAT && b->elem_type == ELEM_FLOAT) {
        const float *pa = a->data, *pb = b->data;
        uint8_t *out = y->data;
        for (size_t i = 0; i < y->count; i++) {
            float x = pa[i], z = pb[i];
            switch (op) {
            case OP_EQUAL: out[i] = x == z; break;
            case OP_LESS: out[i] = x < z; break;
            case OP_LESS_EQUAL: out[i] = x <= z; break;
            case OP_GREATER: out[i] = x > z; break;
            case OP_GREATER_EQUAL: out[i] = x >= z; break;
            default: out[i] = (uint8_t)apply_at(op, a, i, b, i); break;
            }
        }
        return true;
    }
    for (size_t i = 0; i < y->count; i++) {
        size_t ia = same_a ? i : a->count == 1 ? 0 : ol_broadcast_offset(a, dims, rank, i);
        size_t ib = same_b ? i : b->count == 1 ? 0 : ol_broadcast_offset(b, dims, rank, i);
        int64_t v = apply_at(op, a, ia, b, ib);
        if (bitwise)
            ol_array_set_i64(y, i, v);
        else
            ((uint8_t *)y->data)[i] = (uint8_t)v;
    }
    return true;
}

static bool kernel_And(ol_kctx *k)
{
    return kernel_binary(k, OP_AND);
}

static bool kernel_Or(ol_kctx *k)
{
    return kernel_binary(k, OP_OR);
}

static bool kernel_Xor(ol_kctx *k)
{
    return kernel_binary(k, OP_XOR);
}

static bool kernel_Equal(ol_kctx *k)
{
    return kernel_binary(k, OP_EQUAL);
}

static bool kernel_Greater(ol_kctx *k)
{
    return kernel_binary(k, OP_GREATER);
}

static bool kernel_GreaterOrEqual(ol_kctx *k)
{
    return kernel_binary(k, OP_GREATER_EQUAL);
}

static bool kernel_Less(ol_kctx *k)
{
    return kernel_binary(k, OP_LESS);
}

static bool kernel_LessOrEqual(ol_kctx *k)
{
    return kernel_binary(k, OP_LESS_EQUAL);
}

static bool kernel_BitwiseAnd(ol_kctx *k)
{
    return kernel_binary(k, OP_BIT_AND);
}

static bool kernel_BitwiseOr(ol_kctx *k)
{
    return kernel_binary(k, OP_BIT_OR);
}

static bool kernel_BitwiseXor(ol_kctx *k)
{
    return kernel_binary(k, OP_BIT_XOR);
}

static bool kernel_BitShift(ol_kctx *k)
{
    const char *direction = ol_attr_string(&k->infer, "direction", "");
    if (!strcmp(direction, "LEFT"))
        return kernel_binary(k, OP_SHIFT_LEFT);
    if (!strcmp(direction, "RIGHT"))
        return kernel_binary(k, OP_SHIFT_RIGHT);
    return ol_k_fail(k, "direction \"%s\" is neither LEFT nor RIGHT", direction);
}

typedef enum unary_op { OP_NOT, OP_BIT_NOT, OP_IS_NAN, OP_IS_INF } unary_op;

static bool kernel_unary(ol_kctx *k, unary_op op)
{
    const ol_array *x = ol_k_in(k, 0);
    if (!x)
        return ol_k_fail(k, "input 0 is missing");
    bool real = is_real(x->elem_type);
    if ((op == OP_IS_NAN || op == OP_IS_INF) && !real)
        return ol_k_fail(k, "element type %d is not a floating type", x->elem_type);
    if ((op == OP_NOT || op == OP_BIT_NOT) && !ol_elem_is_integral(x->elem_type))
        return ol_k_fail(k, "element type %d is not a boolean or integer type", x->elem_type);
    ol_array *y = ol_k_out(k, 0, op == OP_BIT_NOT ? x->elem_type : ELEM_BOOL, x->rank, x->dims);
    if (!y)
        return false;
    uint8_t *out = y->data;
    bool negative = ol_attr_int(&k->infer, "detect_negative", 1) != 0;
    bool positive = ol_attr_int(&k->infer, "detect_positive", 1) != 0;
    for (size_t i = 0; i < x->count; i++) {
        switch (op) {
        case OP_NOT:
            out[i] = ol_array_get_i64(x, i) == 0;
            break;
        case OP_BIT_NOT:
            ol_array_set_i64(y, i, (int64_t) ~(uint64_t)ol_array_get_i64(x, i));
            break;
        case OP_IS_NAN:
            out[i] = isnan(real_at(x, i));
            break;
        case OP_IS_INF: {
            double v = real_at(x, i);
            out[i] = isinf(v) && (v > 0 ? positive : negative);
            break;
        }
        }
    }
    return true;
}

static bool kernel_Not(ol_kctx *k)
{
    return kernel_unary(k, OP_NOT);
}

static bool kernel_BitwiseNot(ol_kctx *k)
{
    return kernel_unary(k, OP_BIT_NOT);
}

static bool kernel_IsNaN(ol_kctx *k)
{
    return kernel_unary(k, OP_IS_NAN);
}

static bool kernel_IsInf(ol_kctx *k)
{
    return kernel_unary(k, OP_IS_INF);
}

static const ol_op_entry logical_ops[] = {
    {"", "And", infer_And, kernel_And},
    {"", "BitShift", infer_BitShift, kernel_BitShift},
    {"", "BitwiseAnd", infer_BitwiseAnd, kernel_BitwiseAnd},
    {"", "BitwiseNot", infer_BitwiseNot, kernel_BitwiseNot},
    {"", "BitwiseOr", infer_BitwiseOr, kernel_BitwiseOr},
    {"", "BitwiseXor", infer_BitwiseXor, kernel_BitwiseXor},
    {"", "Equal", infer_Equal, kernel_Equal},
    {"", "Greater", infer_Greater, kernel_Greater},
    {"", "GreaterOrEqual", infer_GreaterOrEqual, kernel_GreaterOrEqual},
    {"", "IsInf", infer_IsInf, kernel_IsInf},
    {"", "IsNaN", infer_IsNaN, kernel_IsNaN},
    {"", "Less", infer_Less, kernel_Less},
    {"", "LessOrEqual", infer_LessOrEqual, kernel_LessOrEqual},
    {"", "Not", infer_Not, kernel_Not},
    {"", "Or", infer_Or, kernel_Or},
    {"", "Xor", infer_Xor, kernel_Xor},
};

OL_FAMILY_DEFINE(logical, logical_ops);
