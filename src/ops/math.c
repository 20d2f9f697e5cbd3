/*
 * math.c - inference for elementwise arithmetic, MatMul and Gemm, activations, softmax and the losses (onnx/defs/math).
 *
 * One inference function per operator, registered in the table at the end
 * (sorted by domain, then name).  Elementwise operators broadcast (numpy
 * rules from opset 7/8, the legacy `broadcast`/`axis` attributes before);
 * the integer ones also compute their outputs' values when their inputs'
 * values are known (Shape -> Gather -> Mul -> Reshape chains), exactly,
 * symbolically where a size is symbolic, and not at all when an element
 * cannot be known: a partial answer there would be a guess.  Beyond ONNX's
 * own inference, the checks a model can fail on are made here with
 * messages naming the shapes: MatMul and Gemm inner dims, Gemm's bias, the
 * losses' labels against their scores, Einsum's labels, TopK's K.
 *
 * Each operator also has a numeric kernel (after the inference functions),
 * following ONNX's reference implementations: broadcasting arithmetic with
 * float/double fast paths and exact wrapping integer arithmetic, MatMul and
 * Gemm through CBLAS for float and double, the softmax family, TopK,
 * CumSum, Einsum by explicit index loops, Det by LU, and the two losses.
 */
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "eval/blas.h"
#include "eval/kernels.h"
#include "ops/common.h"
#include "ops/families.h"

/* ONNX element types this file names. */
enum {
    ELEM_FLOAT = 1,
    ELEM_UINT8 = 2,
    ELEM_INT8 = 3,
    ELEM_UINT16 = 4,
    ELEM_INT16 = 5,
    ELEM_INT32 = 6,
    ELEM_INT64 = 7,
    ELEM_BOOL = 9,
    ELEM_DOUBLE = 11,
    ELEM_UINT32 = 12,
    ELEM_UINT64 = 13
};

/* The first opsets with numpy broadcasting: the binary arithmetic ops and
 * Pow and PRelu (7), the variadic Max/Min/Sum/Mean (8). */
#define OPSET_NUMPY_BINARY 7
#define OPSET_NUMPY_VARIADIC 8
/* Softmax, LogSoftmax, Hardmax: axis default 1 and 2-D coercion before
 * opset 13, axis default -1 after; opset 1 also took axis == rank. */
#define OPSET_SOFTMAX_LAST_AXIS 13
#define OPSET_SOFTMAX_STRICT_AXIS 11
/* Clip: min and max became inputs in opset 11; TopK's k in opset 10. */
#define OPSET_CLIP_INPUTS 11
#define OPSET_TOPK_INPUT 10

/* Einsum labels: 'A'..'Z' then 'a'..'z' (ASCII order, numpy's order for the
 * implicit output). */
#define EINSUM_LABELS 52
#define EINSUM_ELLIPSIS (-1)

/* ---------------------------------------------------------------------- */
/* helpers                                                                 */
/* ---------------------------------------------------------------------- */

/* The rank of tensor input i, or -1 when unknown or absent. */
static int in_rank(const ol_ctx *ctx, size_t i)
{
    const ol_shape *s = ol_in_shape(ctx, i);
    return s ? s->rank : -1;
}

/* Input i's type for messages ("float[N,4]"). */
static const char *in_str(ol_ctx *ctx, size_t i)
{
    return ol_type_str(ctx, ol_in_type(ctx, i));
}

/* The element type of the first present input (from `first` on) whose
 * element type is known, 0 when none is: inputs sharing a type constraint
 * tell the output's type even when input 0's is unknown. */
static int32_t known_elem(const ol_ctx *ctx, size_t first)
{
    for (size_t i = first; i < ol_in_count(ctx); i++) {
        int32_t e = ol_in_elem(ctx, i);
        if (e)
            return e;
    }
    return 0;
}

/* Two dims that must be equal: a concrete contradiction is reported with
 * the caller's message (printf format), symbols are unified.  Returns the
 * better-known dim. */
static ol_dim must_equal(ol_ctx *ctx, ol_dim a, ol_dim b, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static ol_dim must_equal(ol_ctx *ctx, ol_dim a, ol_dim b, const char *fmt, ...)
{
    if (ol_dim_differ(ctx->exprs, a, b)) {
        char message[1024];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(message, sizeof message, fmt, ap);
        va_end(ap);
        ol_error(ctx, "shape-error", "%s", message);
        return a;
    }
    return ol_dim_merge(ctx, a, b, "dims that must be equal");
}

/* Reports a shape-error when a and b are known to differ, without unifying
 * them; returns a when it is known, else b. */
static ol_dim report_unequal(ol_ctx *ctx, ol_dim a, ol_dim b, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static ol_dim report_unequal(ol_ctx *ctx, ol_dim a, ol_dim b, const char *fmt, ...)
{
    if (ol_dim_differ(ctx->exprs, a, b)) {
        char message[1024];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(message, sizeof message, fmt, ap);
        va_end(ap);
        ol_error(ctx, "shape-error", "%s", message);
    }
    return a.kind != OL_DIM_UNKNOWN ? a : b;
}

static bool is_value(ol_dim d, int64_t v)
{
    return d.kind == OL_DIM_VALUE && d.value == v;
}

/* True when d is known to be >= 0: a constant >= 0, or an expression with
 * no negative coefficient nor constant (its atoms, sizes and floors of
 * such expressions, are all >= 0: no '-' anywhere in its text). */
static bool dim_nonnegative(ol_dim d)
{
    if (d.kind == OL_DIM_VALUE)
        return d.value >= 0;
    return d.kind == OL_DIM_SYMBOL && d.symbol && !strchr(d.symbol, '-');
}

/* Checks that input `src` broadcasts one way to `target` (a shape of
 * element type elem, for messages): numpy rules, src's dims 1 or equal to
 * target's; a mismatch is a shape-error saying what.  A concrete src dim
 * other than 1 tells an unknown target dim, which is filled in. */
static void check_unidirectional(ol_ctx *ctx, int32_t elem, ol_dim *target, int rank, size_t src, const char *what)
{
    const ol_shape *s = ol_in_shape(ctx, src);
    if (!s || !target)
        return;
    ol_type t = {.kind = OL_TYPE_TENSOR, .elem_type = elem, .shape = {rank, target}};
    if (s->rank > rank) {
        ol_error(ctx, "shape-error", "%s %s has rank %d, more than the %d of %s it must broadcast to", what,
                 in_str(ctx, src), s->rank, rank, ol_type_str(ctx, &t));
        return;
    }
    for (int k = 0; k < s->rank; k++) {
        ol_dim d = ol_dim_resolve(ctx->exprs, s->dims[k]);
        ol_dim *to = &target[rank - s->rank + k];
        if (d.kind != OL_DIM_VALUE || d.value == 1)
            continue; /* a symbol may be 1: nothing certain */
        if (ol_dim_differ(ctx->exprs, d, *to)) {
            ol_error(ctx, "shape-error", "%s %s does not broadcast to %s: dim %d is %lld, not 1 or %s", what,
                     in_str(ctx, src), ol_type_str(ctx, &t), k, (long long)d.value, ol_dim_str(ctx, *to));
            return;
        }
        *to = ol_dim_merge(ctx, *to, d, what);
    }
}

/* ---------------------------------------------------------------------- */
/* propagated values                                                       */
/* ---------------------------------------------------------------------- */

typedef enum arith {
    ARITH_ADD,
    ARITH_SUB,
    ARITH_MUL,
    ARITH_DIV,
    ARITH_MOD,  /* integer Mod, fmod=0: the sign of the divisor */
    ARITH_FMOD, /* fmod=1: the sign of the dividend */
    ARITH_MAX,
    ARITH_MIN
} arith;

typedef enum unary { UNARY_NEG, UNARY_ABS, UNARY_FLOOR, UNARY_CEIL, UNARY_ROUND } unary;

/* True when a concrete value fits its integer element type (results that
 * would wrap are not propagated). */
static bool fits_elem(int32_t elem, ol_dim d)
{
    if (d.kind != OL_DIM_VALUE)
        return true;
    int64_t v = d.value;
    switch (elem) {
    case ELEM_UINT8:
        return v >= 0 && v <= UINT8_MAX;
    case ELEM_INT8:
        return v >= INT8_MIN && v <= INT8_MAX;
    case ELEM_UINT16:
        return v >= 0 && v <= UINT16_MAX;
    case ELEM_INT16:
        return v >= INT16_MIN && v <= INT16_MAX;
    case ELEM_INT32:
        return v >= INT32_MIN && v <= INT32_MAX;
    case ELEM_UINT32:
        return v >= 0 && v <= (int64_t)UINT32_MAX;
    case ELEM_UINT64:
        return v >= 0;
    case ELEM_INT64:
        return true;
    default:
        return false; /* bool and the rest: no arithmetic */
    }
}

/* Integer division truncating toward zero (ONNX's Div on integers). */
static ol_dim int_div(ol_ctx *ctx, ol_dim a, ol_dim b)
{
    if (a.kind == OL_DIM_VALUE && b.kind == OL_DIM_VALUE) {
        if (b.value == 0 || (a.value == INT64_MIN && b.value == -1))
            return ol_dim_unknown();
        return ol_dim_value(a.value / b.value);
    }
    if (is_value(b, 0))
        return ol_dim_unknown();
    /* An exact quotient (N*C*H / (C*H), 2*N / -2) is the truncated one. */
    ol_dim exact = ol_dim_div_exact(ctx->exprs, a, b);
    if (exact.kind != OL_DIM_UNKNOWN)
        return exact;
    /* Else floor equals truncation only for a >= 0 over a constant b. */
    if (b.kind != OL_DIM_VALUE || b.value == INT64_MIN || !dim_nonnegative(a))
        return ol_dim_unknown();
    if (b.value > 0)
        return ol_dim_floordiv(ctx->exprs, a, b);
    ol_dim q = ol_dim_floordiv(ctx->exprs, a, ol_dim_value(-b.value));
    return ol_dim_sub(ctx->exprs, ol_dim_value(0), q);
}

/* Integer remainder: floor (sign of the divisor) or C's fmod (sign of the
 * dividend). */
static ol_dim int_mod(ol_ctx *ctx, ol_dim a, ol_dim b, bool fmod_sign)
{
    if (a.kind == OL_DIM_VALUE && b.kind == OL_DIM_VALUE) {
        if (b.value == 0 || b.value == -1)
            return b.value == -1 ? ol_dim_value(0) : ol_dim_unknown();
        int64_t r = a.value % b.value;
        if (!fmod_sign && r != 0 && ((r < 0) != (b.value < 0)))
            r += b.value;
        return ol_dim_value(r);
    }
    if (b.kind != OL_DIM_VALUE || b.value <= 0)
        return ol_dim_unknown();
    if (fmod_sign && !dim_nonnegative(a))
        return ol_dim_unknown();
    return ol_dim_mod(ctx->exprs, a, b);
}

/* Max (want_max) or min of two integer dims, when the order is known. */
static ol_dim int_extreme(ol_ctx *ctx, ol_dim a, ol_dim b, bool want_max)
{
    if (a.kind == OL_DIM_UNKNOWN || b.kind == OL_DIM_UNKNOWN)
        return ol_dim_unknown();
    ol_dim diff = ol_dim_sub(ctx->exprs, a, b);
    if (diff.kind == OL_DIM_VALUE)
        return (diff.value >= 0) == want_max ? a : b;
    /* A size against a constant <= 0: the size is the larger. */
    if (b.kind == OL_DIM_VALUE && b.value <= 0 && dim_nonnegative(a))
        return want_max ? a : b;
    if (a.kind == OL_DIM_VALUE && a.value <= 0 && dim_nonnegative(b))
        return want_max ? b : a;
    return ol_dim_unknown();
}

static ol_dim int_binary(ol_ctx *ctx, arith op, ol_dim a, ol_dim b)
{
    switch (op) {
    case ARITH_ADD:
        return ol_dim_add(ctx->exprs, a, b);
    case ARITH_SUB:
        return ol_dim_sub(ctx->exprs, a, b);
    case ARITH_MUL:
        return ol_dim_mul(ctx->exprs, a, b);
    case ARITH_DIV:
        return int_div(ctx, a, b);
    case ARITH_MOD:
        return int_mod(ctx, a, b, false);
    case ARITH_FMOD:
        return int_mod(ctx, a, b, true);
    case ARITH_MAX:
        return int_extreme(ctx, a, b, true);
    case ARITH_MIN:
        return int_extreme(ctx, a, b, false);
    }
    return ol_dim_unknown();
}

/* A real result rounded as its element type stores it; false for the
 * element types whose rounding is not reproduced here (16-bit floats). */
static bool round_to_elem(int32_t elem, double *r)
{
    if (isnan(*r))
        return false;
    if (elem == ELEM_FLOAT) {
        *r = (double)(float)*r;
        return true;
    }
    return elem == ELEM_DOUBLE;
}

/* Doubles at least this large in magnitude are integers already. */
#define REAL_INTEGRAL_LIMIT 4503599627370496.0 /* 2^52 */

/* Floor, ceil or round-half-to-even (ONNX's Round) of a, without libm (the
 * library links none): through int64, exact below REAL_INTEGRAL_LIMIT. */
static bool real_integral(unary op, double a, double *r)
{
    if (isnan(a))
        return false;
    if (!(a > -REAL_INTEGRAL_LIMIT && a < REAL_INTEGRAL_LIMIT)) {
        *r = a;
        return true;
    }
    double t = (double)(int64_t)a; /* toward zero */
    double frac = a - t;
    if (op == UNARY_FLOOR)
        *r = frac < 0 ? t - 1 : t;
    else if (op == UNARY_CEIL)
        *r = frac > 0 ? t + 1 : t;
    else if (frac == 0.5 || frac == -0.5)
        *r = ((int64_t)t % 2 == 0) ? t : t + (frac > 0 ? 1 : -1);
    else
        *r = frac > 0.5 ? t + 1 : frac < -0.5 ? t - 1 : t;
    return true;
}

/* C's fmod of two integral doubles (exactly, through int64); false for
 * other values, whose remainder is not reproduced here. */
static bool real_fmod(double a, double b, double *r)
{
    if (!(a > -REAL_INTEGRAL_LIMIT && a < REAL_INTEGRAL_LIMIT && b > -REAL_INTEGRAL_LIMIT && b < REAL_INTEGRAL_LIMIT))
        return false;
    int64_t ia = (int64_t)a, ib = (int64_t)b;
    if ((double)ia != a || (double)ib != b || ib == 0)
        return false;
    *r = (double)(ia % ib);
    return true;
}

static bool real_binary(arith op, double a, double b, double *r)
{
    switch (op) {
    case ARITH_ADD:
        *r = a + b;
        return true;
    case ARITH_SUB:
        *r = a - b;
        return true;
    case ARITH_MUL:
        *r = a * b;
        return true;
    case ARITH_DIV:
        *r = a / b;
        return b != 0;
    case ARITH_MOD:
    case ARITH_FMOD:
        return real_fmod(a, b, r);
    case ARITH_MAX:
        *r = a > b ? a : b;
        return !isnan(a) && !isnan(b);
    case ARITH_MIN:
        *r = a < b ? a : b;
        return !isnan(a) && !isnan(b);
    }
    return false;
}

/* Numpy broadcasting of two data blocks' dims into dims (OL_MAX_RANK
 * room); false when they do not broadcast. */
static bool data_broadcast_dims(const ol_data *a, const ol_data *b, int64_t *dims, int *rank)
{
    int r = a->rank > b->rank ? a->rank : b->rank;
    if (r > OL_MAX_RANK || a->rank < 0 || b->rank < 0)
        return false;
    for (int k = 0; k < r; k++) {
        int ka = k - (r - a->rank), kb = k - (r - b->rank);
        int64_t da = ka >= 0 ? a->dims[ka] : 1, db = kb >= 0 ? b->dims[kb] : 1;
        if (da != db && da != 1 && db != 1)
            return false;
        dims[k] = da == 1 ? db : da;
    }
    *rank = r;
    return true;
}

/* The flat index into a block of rank `rank_in` (dims `in`, right-aligned
 * under the output's `rank` dims) of output element `flat`. */
static size_t broadcast_index(size_t flat, const int64_t *dims, int rank, const int64_t *in, int rank_in)
{
    size_t index = 0, stride = 1;
    for (int k = rank - 1; k >= 0; k--) {
        size_t c = flat % (size_t)dims[k];
        flat /= (size_t)dims[k];
        int kin = k - (rank - rank_in);
        if (kin < 0)
            break;
        if (in[kin] != 1)
            index += c * stride;
        stride *= (size_t)in[kin];
    }
    return index;
}

/* A new data block of the given dims (a copy in the arena). */
static ol_data *data_shaped(ol_ctx *ctx, int32_t elem, const int64_t *dims, int rank)
{
    uint64_t count = 1;
    for (int k = 0; k < rank; k++) {
        if (dims[k] < 0 || (dims[k] && count > OL_MAX_PROPAGATED_ELEMENTS / (uint64_t)dims[k]))
            return NULL;
        count *= (uint64_t)dims[k];
    }
    ol_data *d = ol_data_new(ctx, elem, (size_t)count);
    if (!d)
        return NULL;
    int64_t *copy = ol_arena_alloc(ctx->arena, ((size_t)rank + 1) * sizeof *copy);
    if (!copy)
        return NULL;
    if (rank)
        memcpy(copy, dims, (size_t)rank * sizeof *copy);
    d->rank = rank;
    d->dims = copy;
    return d;
}

/* a op b elementwise with broadcasting; NULL when some element cannot be
 * known exactly. */
static ol_data *data_binary(ol_ctx *ctx, arith op, const ol_data *a, const ol_data *b)
{
    bool ints = a->values && b->values, reals = a->reals && b->reals;
    int64_t dims[OL_MAX_RANK];
    int rank;
    if ((!ints && !reals) || !data_broadcast_dims(a, b, dims, &rank))
        return NULL;
    ol_data *out = data_shaped(ctx, a->elem_type, dims, rank);
    if (!out)
        return NULL;
    for (size_t k = 0; k < out->count; k++) {
        size_t ia = broadcast_index(k, dims, rank, a->dims, a->rank);
        size_t ib = broadcast_index(k, dims, rank, b->dims, b->rank);
        if (ia >= a->count || ib >= b->count)
            return NULL;
        if (ints) {
            ol_dim r = int_binary(ctx, op, a->values[ia], b->values[ib]);
            if (r.kind == OL_DIM_UNKNOWN || !fits_elem(out->elem_type, r))
                return NULL;
            out->values[k] = r;
        } else if (!real_binary(op, a->reals[ia], b->reals[ib], &out->reals[k]) ||
                   !round_to_elem(out->elem_type, &out->reals[k])) {
            return NULL;
        }
    }
    return out;
}

/* Output 0's values: the op folded over every input's values (Sum, Max
 * and Min take any number). */
static void propagate_binary(ol_ctx *ctx, arith op)
{
    const ol_data *acc = NULL;
    for (size_t i = 0; i < ol_in_count(ctx); i++) {
        const ol_data *d = ol_in_data(ctx, i);
        if (!d)
            return;
        acc = acc ? data_binary(ctx, op, acc, d) : d;
        if (!acc)
            return;
    }
    if (acc)
        ol_out_data(ctx, 0, (ol_data *)acc);
}

static ol_dim int_unary(ol_ctx *ctx, unary op, int32_t elem, ol_dim a)
{
    switch (op) {
    case UNARY_NEG:
        return ol_dim_sub(ctx->exprs, ol_dim_value(0), a);
    case UNARY_ABS:
        if (elem == ELEM_UINT8 || elem == ELEM_UINT16 || elem == ELEM_UINT32 || elem == ELEM_UINT64)
            return a;
        if (a.kind == OL_DIM_VALUE)
            return a.value == INT64_MIN ? ol_dim_unknown() : ol_dim_value(a.value < 0 ? -a.value : a.value);
        return dim_nonnegative(a) ? a : ol_dim_unknown();
    default:
        return ol_dim_unknown(); /* floating-point only */
    }
}

static bool real_unary(unary op, double a, double *r)
{
    switch (op) {
    case UNARY_NEG:
        *r = -a;
        return true;
    case UNARY_ABS:
        *r = a < 0 ? -a : a;
        return true;
    case UNARY_FLOOR:
    case UNARY_CEIL:
    case UNARY_ROUND:
        return real_integral(op, a, r);
    }
    return false;
}

/* Output 0's values: op on each of input 0's. */
static void propagate_unary(ol_ctx *ctx, unary op)
{
    const ol_data *a = ol_in_data(ctx, 0);
    if (!a || a->rank < 0 || a->rank > OL_MAX_RANK)
        return;
    ol_data *out = data_shaped(ctx, a->elem_type, a->dims, a->rank);
    if (!out || out->count != a->count || (!a->values && !a->reals))
        return;
    for (size_t k = 0; k < a->count; k++) {
        if (a->values) {
            ol_dim r = int_unary(ctx, op, a->elem_type, a->values[k]);
            if (r.kind == OL_DIM_UNKNOWN || !fits_elem(a->elem_type, r))
                return;
            out->values[k] = r;
        } else if (!a->reals || !out->reals || !real_unary(op, a->reals[k], &out->reals[k]) ||
                   !round_to_elem(a->elem_type, &out->reals[k])) {
            return;
        }
    }
    ol_out_data(ctx, 0, out);
}

/* ---------------------------------------------------------------------- */
/* elementwise                                                             */
/* ---------------------------------------------------------------------- */

/* Binary ops before opset 7: output A's shape; with broadcast=1, B's shape
 * must match a contiguous run of A's dims starting at `axis` (default: A's
 * trailing dims), B's dims of 1 standing for any; with broadcast=0, B must
 * have A's shape. */
static void infer_legacy_binary(ol_ctx *ctx, int32_t elem)
{
    const ol_shape *a = ol_in_shape(ctx, 0), *b = ol_in_shape(ctx, 1);
    if (!a) {
        ol_out_tensor(ctx, 0, elem, -1);
        return;
    }
    ol_dim *dims = ol_out_tensor(ctx, 0, elem, a->rank);
    for (int k = 0; dims && k < a->rank; k++)
        dims[k] = a->dims[k];
    if (!b || !dims)
        return;
    if (!ol_attr_int(ctx, "broadcast", 0)) {
        if (a->rank != b->rank) {
            ol_error(ctx, "shape-error", "without broadcast=1, B %s must have A's shape %s", in_str(ctx, 1),
                     in_str(ctx, 0));
            return;
        }
        for (int k = 0; k < a->rank; k++)
            dims[k] = must_equal(ctx, dims[k], b->dims[k], "without broadcast=1, B %s must have A's shape %s",
                                 in_str(ctx, 1), in_str(ctx, 0));
        return;
    }
    int64_t axis = ol_attr_has(ctx, "axis") ? ol_attr_int(ctx, "axis", 0) : a->rank - b->rank;
    if (b->rank > a->rank || axis < 0 || axis + b->rank > a->rank) {
        ol_error(ctx, "shape-error", "B %s does not fit into A %s at axis %lld", in_str(ctx, 1), in_str(ctx, 0),
                 (long long)axis);
        return;
    }
    for (int k = 0; k < b->rank; k++) {
        if (is_value(b->dims[k], 1))
            continue;
        dims[axis + k] = must_equal(ctx, dims[axis + k], b->dims[k], "B %s does not match A %s at axis %lld",
                                    in_str(ctx, 1), in_str(ctx, 0), (long long)axis);
    }
}

/* Add, Sub, Mul, Div: broadcasting, and values when known. */
static void infer_arith(ol_ctx *ctx, arith op)
{
    int32_t elem = known_elem(ctx, 0);
    if (ctx->version >= OPSET_NUMPY_BINARY) {
        ol_infer_broadcast(ctx, elem);
        propagate_binary(ctx, op);
        return;
    }
    infer_legacy_binary(ctx, elem);
    /* Values pair up as numpy's do only when B is aligned with A's end. */
    if (!ol_attr_has(ctx, "axis"))
        propagate_binary(ctx, op);
}

static void infer_Add(ol_ctx *ctx)
{
    infer_arith(ctx, ARITH_ADD);
}

static void infer_Sub(ol_ctx *ctx)
{
    infer_arith(ctx, ARITH_SUB);
}

static void infer_Mul(ol_ctx *ctx)
{
    infer_arith(ctx, ARITH_MUL);
}

static void infer_Div(ol_ctx *ctx)
{
    infer_arith(ctx, ARITH_DIV);
}

static void infer_Mod(ol_ctx *ctx)
{
    int32_t elem = known_elem(ctx, 0);
    bool fmod_sign = ol_attr_int(ctx, "fmod", 0) != 0;
    if (!fmod_sign && ol_elem_is_floating(elem))
        ol_error(ctx, "type-error", "Mod of floating-point inputs (%s) needs fmod=1", in_str(ctx, 0));
    ol_infer_broadcast(ctx, elem);
    propagate_binary(ctx, fmod_sign ? ARITH_FMOD : ARITH_MOD);
}

/* Pow: the base's element type (the exponent's may differ from opset 12). */
static void infer_Pow(ol_ctx *ctx)
{
    int32_t elem = ol_in_elem(ctx, 0);
    if (ctx->version < OPSET_NUMPY_BINARY)
        infer_legacy_binary(ctx, elem);
    else
        ol_infer_broadcast(ctx, elem);
}

/* Max, Min, Sum, Mean: numpy broadcasting from opset 8, every input of one
 * shape before. */
static void infer_variadic(ol_ctx *ctx)
{
    int32_t elem = known_elem(ctx, 0);
    if (ctx->version >= OPSET_NUMPY_VARIADIC) {
        ol_infer_broadcast(ctx, elem);
        return;
    }
    int rank = -1;
    size_t first = 0;
    for (size_t i = 0; i < ol_in_count(ctx); i++) {
        if (in_rank(ctx, i) < 0)
            continue;
        if (rank < 0) {
            rank = in_rank(ctx, i);
            first = i;
        } else if (in_rank(ctx, i) != rank) {
            ol_error(ctx, "shape-error", "before opset 8 every input must have one shape: %s vs %s",
                     in_str(ctx, first), in_str(ctx, i));
            ol_out_tensor(ctx, 0, elem, -1);
            return;
        }
    }
    ol_dim *dims = ol_out_tensor(ctx, 0, elem, rank);
    for (size_t i = 0; dims && i < ol_in_count(ctx); i++) {
        const ol_shape *s = ol_in_shape(ctx, i);
        for (int k = 0; s && k < rank; k++)
            dims[k] = i == first ? s->dims[k]
                                 : must_equal(ctx, dims[k], s->dims[k],
                                              "before opset 8 every input must have one shape: %s vs %s",
                                              in_str(ctx, first), in_str(ctx, i));
    }
}

static void infer_Max(ol_ctx *ctx)
{
    infer_variadic(ctx);
    propagate_binary(ctx, ARITH_MAX);
}

static void infer_Min(ol_ctx *ctx)
{
    infer_variadic(ctx);
    propagate_binary(ctx, ARITH_MIN);
}

static void infer_Sum(ol_ctx *ctx)
{
    infer_variadic(ctx);
    propagate_binary(ctx, ARITH_ADD);
}

static void infer_Mean(ol_ctx *ctx)
{
    infer_variadic(ctx);
}

/* Elementwise unary operators and activations: input 0's type. */
static void infer_unary(ol_ctx *ctx)
{
    ol_infer_same_as_input(ctx);
}

static void infer_Neg(ol_ctx *ctx)
{
    ol_infer_same_as_input(ctx);
    propagate_unary(ctx, UNARY_NEG);
}

static void infer_Abs(ol_ctx *ctx)
{
    ol_infer_same_as_input(ctx);
    propagate_unary(ctx, UNARY_ABS);
}

static void infer_Floor(ol_ctx *ctx)
{
    ol_infer_same_as_input(ctx);
    propagate_unary(ctx, UNARY_FLOOR);
}

static void infer_Ceil(ol_ctx *ctx)
{
    ol_infer_same_as_input(ctx);
    propagate_unary(ctx, UNARY_CEIL);
}

static void infer_Round(ol_ctx *ctx)
{
    ol_infer_same_as_input(ctx);
    propagate_unary(ctx, UNARY_ROUND);
}

/* Clip: input 0's type; min and max (inputs from opset 11) are scalars. */
static void infer_Clip(ol_ctx *ctx)
{
    ol_infer_same_as_input(ctx);
    if (ctx->version < OPSET_CLIP_INPUTS)
        return;
    for (size_t i = 1; i <= 2; i++) {
        const ol_shape *s = ol_in_shape(ctx, i);
        ol_dim n = s ? ol_shape_product(ctx, s, 0, s->rank) : ol_dim_unknown();
        if (n.kind == OL_DIM_VALUE && n.value != 1)
            ol_error(ctx, "shape-error", "Clip's %s %s must be a scalar", i == 1 ? "min" : "max", in_str(ctx, i));
    }
}

/* PRelu: X's type; the slope broadcasts to X one way. */
static void infer_PRelu(ol_ctx *ctx)
{
    ol_out_like(ctx, 0, 0);
    ol_type *out = ol_out(ctx, 0);
    if (!out->elem_type)
        out->elem_type = known_elem(ctx, 0);
    if (out->kind != OL_TYPE_TENSOR || out->shape.rank < 0)
        return;
    const ol_shape *slope = ol_in_shape(ctx, 1);
    /* Before opset 7 a 1-D slope was per channel (axis 1), as PyTorch
     * exported it: one value, or one per channel. */
    if (ctx->version < OPSET_NUMPY_BINARY && slope && slope->rank == 1 && out->shape.rank >= 2) {
        if (!is_value(slope->dims[0], 1))
            must_equal(ctx, slope->dims[0], out->shape.dims[1], "PRelu slope %s vs X %s: one slope, or one per channel",
                       in_str(ctx, 1), in_str(ctx, 0));
        return;
    }
    check_unidirectional(ctx, out->elem_type, out->shape.dims, out->shape.rank, 1, "PRelu slope");
}

/* ---------------------------------------------------------------------- */
/* matrix products                                                         */
/* ---------------------------------------------------------------------- */

static void infer_MatMul(ol_ctx *ctx)
{
    int32_t elem = known_elem(ctx, 0);
    const ol_shape *a = ol_in_shape(ctx, 0), *b = ol_in_shape(ctx, 1);
    if (!a || !b) {
        ol_out_tensor(ctx, 0, elem, -1);
        return;
    }
    if (a->rank == 0 || b->rank == 0) {
        ol_error(ctx, "shape-error", "MatMul of a scalar: A %s, B %s", in_str(ctx, 0), in_str(ctx, 1));
        ol_out_tensor(ctx, 0, elem, -1);
        return;
    }
    /* 1-D operands are promoted to matrices (1,K) and (K,1). */
    ol_dim ka = a->dims[a->rank - 1];
    ol_dim kb = b->rank == 1 ? b->dims[0] : b->dims[b->rank - 2];
    must_equal(ctx, ka, kb, "MatMul inner dims: %s vs %s (A %s, B %s)", ol_dim_str(ctx, ka), ol_dim_str(ctx, kb),
               in_str(ctx, 0), in_str(ctx, 1));
    ol_shape batch_a = {a->rank > 2 ? a->rank - 2 : 0, a->dims};
    ol_shape batch_b = {b->rank > 2 ? b->rank - 2 : 0, b->dims};
    const ol_shape *batches[] = {&batch_a, &batch_b};
    ol_shape batch;
    ol_broadcast(ctx, batches, 2, &batch);
    if (batch.rank < 0) {
        ol_out_tensor(ctx, 0, elem, -1);
        return;
    }
    int rank = batch.rank + (a->rank > 1) + (b->rank > 1);
    ol_dim *dims = ol_out_tensor(ctx, 0, elem, rank);
    if (!dims)
        return;
    for (int k = 0; k < batch.rank; k++)
        dims[k] = batch.dims[k];
    int k = batch.rank;
    if (a->rank > 1)
        dims[k++] = a->dims[a->rank - 2];
    if (b->rank > 1)
        dims[k] = b->dims[b->rank - 1];
}

static void infer_Gemm(ol_ctx *ctx)
{
    int32_t elem = known_elem(ctx, 0);
    ol_dim *dims = ol_out_tensor(ctx, 0, elem, 2);
    if (!dims)
        return;
    bool trans_a = ol_attr_int(ctx, "transA", 0) != 0, trans_b = ol_attr_int(ctx, "transB", 0) != 0;
    const ol_shape *a = ol_in_shape(ctx, 0), *b = ol_in_shape(ctx, 1);
    ol_dim ka = ol_dim_unknown(), kb = ol_dim_unknown();
    if (a && a->rank != 2) {
        ol_error(ctx, "shape-error", "Gemm's A %s must be a matrix", in_str(ctx, 0));
        a = NULL;
    }
    if (b && b->rank != 2) {
        ol_error(ctx, "shape-error", "Gemm's B %s must be a matrix", in_str(ctx, 1));
        b = NULL;
    }
    if (a) {
        dims[0] = a->dims[trans_a ? 1 : 0];
        ka = a->dims[trans_a ? 0 : 1];
    }
    if (b) {
        dims[1] = b->dims[trans_b ? 0 : 1];
        kb = b->dims[trans_b ? 1 : 0];
    }
    must_equal(ctx, ka, kb, "Gemm inner dims: %s vs %s (A %s%s, B %s%s)", ol_dim_str(ctx, ka), ol_dim_str(ctx, kb),
               in_str(ctx, 0), trans_a ? " transposed" : "", in_str(ctx, 1), trans_b ? " transposed" : "");
    if (!ol_in_has(ctx, 2))
        return;
    /* Before opset 7, broadcast=0 meant C is exactly (M, N). */
    const ol_shape *c = ol_in_shape(ctx, 2);
    if (c && ctx->version < OPSET_NUMPY_BINARY && !ol_attr_int(ctx, "broadcast", 0)) {
        if (c->rank != 2) {
            ol_error(ctx, "shape-error", "without broadcast=1, Gemm's C %s must be (M, N) = (%s, %s)",
                     in_str(ctx, 2), ol_dim_str(ctx, dims[0]), ol_dim_str(ctx, dims[1]));
            return;
        }
        for (int k = 0; k < 2; k++)
            dims[k] = must_equal(ctx, dims[k], c->dims[k], "without broadcast=1, Gemm's C %s must be (M, N) = (%s, %s)",
                                 in_str(ctx, 2), ol_dim_str(ctx, dims[0]), ol_dim_str(ctx, dims[1]));
        return;
    }
    check_unidirectional(ctx, elem, dims, 2, 2, "Gemm's C");
}

/* Det: (*, M, M) -> (*). */
static void infer_Det(ol_ctx *ctx)
{
    int32_t elem = ol_in_elem(ctx, 0);
    const ol_shape *x = ol_in_shape(ctx, 0);
    if (!x) {
        ol_out_tensor(ctx, 0, elem, -1);
        return;
    }
    if (x->rank < 2) {
        ol_error(ctx, "shape-error", "Det needs square matrices (*, M, M), got %s", in_str(ctx, 0));
        ol_out_tensor(ctx, 0, elem, -1);
        return;
    }
    must_equal(ctx, x->dims[x->rank - 2], x->dims[x->rank - 1], "Det needs square matrices (*, M, M), got %s",
               in_str(ctx, 0));
    ol_dim *dims = ol_out_tensor(ctx, 0, elem, x->rank - 2);
    for (int k = 0; dims && k < x->rank - 2; k++)
        dims[k] = x->dims[k];
}

/* ---------------------------------------------------------------------- */
/* Einsum                                                                  */
/* ---------------------------------------------------------------------- */

/* A parsed term: labels (0..EINSUM_LABELS-1) and at most one ellipsis. */
typedef struct einsum_term {
    int items[OL_MAX_RANK + 1];
    int n;
    int n_labels;
    bool ellipsis;
} einsum_term;

static int einsum_label(char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return 26 + (c - 'a');
    return -1;
}

static char einsum_char(int label)
{
    return (char)(label < 26 ? 'A' + label : 'a' + (label - 26));
}

/* Parses text[0..len) into t; false (with a finding) when malformed. */
static bool einsum_parse_term(ol_ctx *ctx, const char *eq, const char *text, size_t len, einsum_term *t)
{
    memset(t, 0, sizeof *t);
    for (size_t i = 0; i < len; i++) {
        if (text[i] == ' ')
            continue;
        int item;
        if (text[i] == '.') {
            if (i + 2 >= len || text[i + 1] != '.' || text[i + 2] != '.' || t->ellipsis) {
                ol_error(ctx, "shape-error", "Einsum equation '%s': a term may have one ellipsis '...'", eq);
                return false;
            }
            i += 2;
            t->ellipsis = true;
            item = EINSUM_ELLIPSIS;
        } else {
            item = einsum_label(text[i]);
            if (item < 0) {
                ol_error(ctx, "shape-error", "Einsum equation '%s': '%c' is not a label (letters only)", eq, text[i]);
                return false;
            }
            t->n_labels++;
        }
        if (t->n > OL_MAX_RANK) {
            ol_error(ctx, "shape-error", "Einsum equation '%s': a term is longer than rank %d", eq, OL_MAX_RANK);
            return false;
        }
        t->items[t->n++] = item;
    }
    return true;
}

/* A label's size seen again: numpy broadcasts a size of 1 (like
 * ol_broadcast: two symbols give no equality), other sizes must be
 * equal. */
static void einsum_merge(ol_ctx *ctx, const char *eq, int label, ol_broadcast_acc *acc, ol_dim d)
{
    ol_dim have = acc->dim;
    if (!ol_broadcast_step(ctx, acc, d))
        ol_error(ctx, "shape-error", "Einsum equation '%s': label '%c' is %lld in one input and %lld in another", eq,
                 einsum_char(label), (long long)have.value, (long long)d.value);
}

static void infer_Einsum(ol_ctx *ctx)
{
    int32_t elem = known_elem(ctx, 0);
    const char *eq = ol_attr_string(ctx, "equation", NULL);
    if (!eq) {
        ol_out_tensor(ctx, 0, elem, -1);
        return;
    }
    const char *arrow = strstr(eq, "->");
    size_t lhs_len = arrow ? (size_t)(arrow - eq) : strlen(eq);
    ol_broadcast_acc label_acc[EINSUM_LABELS];
    for (int l = 0; l < EINSUM_LABELS; l++)
        label_acc[l] = (ol_broadcast_acc){ol_dim_value(1), false};
    int label_count[EINSUM_LABELS] = {0};
    bool ellipsis_seen = false, ellipsis_unknown = false;
    const ol_shape *ell_shapes[OL_MAX_RANK];
    ol_shape ell_parts[OL_MAX_RANK];
    size_t n_ell = 0, n_terms = 1;
    for (size_t k = 0; k < lhs_len; k++)
        n_terms += eq[k] == ',';
    if (n_terms != ol_in_count(ctx)) {
        ol_error(ctx, "shape-error", "Einsum equation '%s' has %zu input terms for %zu inputs", eq, n_terms,
                 ol_in_count(ctx));
        ol_out_tensor(ctx, 0, elem, -1);
        return;
    }
    size_t start = 0;
    for (size_t i = 0; i < n_terms; i++) {
        const char *comma = memchr(eq + start, ',', lhs_len - start);
        size_t end = comma ? (size_t)(comma - eq) : lhs_len;
        einsum_term t;
        if (!einsum_parse_term(ctx, eq, eq + start, end - start, &t)) {
            ol_out_tensor(ctx, 0, elem, -1);
            return;
        }
        const ol_shape *s = ol_in_shape(ctx, i);
        ellipsis_seen |= t.ellipsis;
        if (s && (t.ellipsis ? s->rank < t.n_labels : s->rank != t.n_labels)) {
            ol_error(ctx, "shape-error", "Einsum equation '%s': term '%.*s' has %d labels%s but input %zu '%s' is %s",
                     eq, (int)(end - start), eq + start, t.n_labels, t.ellipsis ? " and '...'" : "", i,
                     ol_in_name(ctx, i), in_str(ctx, i));
            s = NULL;
        }
        start = end + 1;
        int ell_rank = s ? s->rank - t.n_labels : 0;
        if (t.ellipsis && !s)
            ellipsis_unknown = true;
        int pos = 0;
        for (int k = 0; k < t.n; k++) {
            if (t.items[k] == EINSUM_ELLIPSIS) {
                if (s && n_ell < OL_MAX_RANK) {
                    ell_parts[n_ell] = (ol_shape){ell_rank, s->dims + pos};
                    ell_shapes[n_ell] = &ell_parts[n_ell];
                    n_ell++;
                }
                pos += ell_rank;
                continue;
            }
            int l = t.items[k];
            ol_dim d = s ? s->dims[pos] : ol_dim_unknown();
            einsum_merge(ctx, eq, l, &label_acc[l], d);
            label_count[l]++;
            pos++;
        }
    }
    /* The output's items: given after "->", else the broadcast ellipsis
     * then the labels used once, in ASCII order. */
    einsum_term out;
    if (arrow) {
        if (!einsum_parse_term(ctx, eq, arrow + 2, strlen(arrow + 2), &out)) {
            ol_out_tensor(ctx, 0, elem, -1);
            return;
        }
        bool used[EINSUM_LABELS] = {false};
        for (int k = 0; k < out.n; k++) {
            int l = out.items[k];
            if (l == EINSUM_ELLIPSIS)
                continue;
            if (!label_count[l] || used[l]) {
                ol_error(ctx, "shape-error", "Einsum equation '%s': output label '%c' %s", eq, einsum_char(l),
                         used[l] ? "appears twice" : "is in no input");
                ol_out_tensor(ctx, 0, elem, -1);
                return;
            }
            used[l] = true;
        }
    } else {
        memset(&out, 0, sizeof out);
        if (ellipsis_seen)
            out.items[out.n++] = EINSUM_ELLIPSIS;
        for (int l = 0; l < EINSUM_LABELS && out.n <= OL_MAX_RANK; l++) {
            if (label_count[l] == 1)
                out.items[out.n++] = l;
        }
    }
    bool out_ellipsis = false;
    for (int k = 0; k < out.n; k++)
        out_ellipsis |= out.items[k] == EINSUM_ELLIPSIS;
    ol_shape ell = {0, NULL};
    if (out_ellipsis && n_ell)
        ol_broadcast(ctx, ell_shapes, n_ell, &ell);
    if (out_ellipsis && (ellipsis_unknown || ell.rank < 0)) {
        ol_out_tensor(ctx, 0, elem, -1);
        return;
    }
    int rank = out.n - (out_ellipsis ? 1 : 0) + (out_ellipsis ? ell.rank : 0);
    ol_dim *dims = ol_out_tensor(ctx, 0, elem, rank);
    int pos = 0;
    for (int k = 0; dims && k < out.n; k++) {
        if (out.items[k] == EINSUM_ELLIPSIS) {
            for (int e = 0; e < ell.rank; e++)
                dims[pos++] = ell.dims[e];
        } else {
            dims[pos++] = ol_broadcast_result(&label_acc[out.items[k]]);
        }
    }
}

/* ---------------------------------------------------------------------- */
/* softmax, TopK, CumSum                                                   */
/* ---------------------------------------------------------------------- */

/* Softmax, LogSoftmax, Hardmax: input 0's type; the axis must exist. */
static void infer_softmax_like(ol_ctx *ctx)
{
    ol_infer_same_as_input(ctx);
    int rank = in_rank(ctx, 0);
    if (rank < 0)
        return;
    int64_t axis = ol_attr_int(ctx, "axis", ctx->version < OPSET_SOFTMAX_LAST_AXIS ? 1 : -1);
    /* Opset 1 coerced the input to 2-D at axis, which may be the rank. */
    ol_axis(ctx, axis, rank, ctx->version < OPSET_SOFTMAX_STRICT_AXIS, ctx->node->op_type);
}

static void infer_TopK(ol_ctx *ctx)
{
    int32_t elem = ol_in_elem(ctx, 0);
    const ol_shape *x = ol_in_shape(ctx, 0);
    ol_dim k = ol_dim_unknown();
    if (ctx->version < OPSET_TOPK_INPUT) {
        if (ol_attr_has(ctx, "k"))
            k = ol_dim_value(ol_attr_int(ctx, "k", 0));
    } else {
        const ol_shape *ks = ol_in_shape(ctx, 1);
        if (ks && (ks->rank > 1 || (ks->rank == 1 && ol_dim_differ(ctx->exprs, ks->dims[0], ol_dim_value(1)))))
            ol_error(ctx, "shape-error", "TopK's K %s must hold one value", in_str(ctx, 1));
        const ol_data *d = ol_in_data(ctx, 1);
        if (d && d->count == 1 && d->values)
            k = d->values[0];
    }
    if (k.kind == OL_DIM_VALUE && k.value < 0) {
        ol_error(ctx, "shape-error", "TopK's k is %lld, it must be >= 0", (long long)k.value);
        k = ol_dim_unknown();
    }
    if (!x) {
        ol_out_tensor(ctx, 0, elem, -1);
        ol_out_tensor(ctx, 1, ELEM_INT64, -1);
        return;
    }
    int axis = ol_axis(ctx, ol_attr_int(ctx, "axis", -1), x->rank, false, "TopK axis");
    ol_dim *values = ol_out_tensor(ctx, 0, elem, axis < 0 ? -1 : x->rank);
    ol_dim *indices = ol_out_tensor(ctx, 1, ELEM_INT64, axis < 0 ? -1 : x->rank);
    if (axis < 0)
        return;
    ol_dim n = x->dims[axis];
    if (k.kind == OL_DIM_VALUE && n.kind == OL_DIM_VALUE && k.value > n.value)
        ol_error(ctx, "shape-error", "TopK's k = %lld is larger than dim %d of X %s", (long long)k.value, axis,
                 in_str(ctx, 0));
    for (int i = 0; i < x->rank; i++) {
        ol_dim d = i == axis ? k : x->dims[i];
        if (values)
            values[i] = d;
        if (indices)
            indices[i] = d;
    }
}

/* CumSum and CumProd (26): x's type; the axis (a scalar input) must exist. */
static void infer_cumulative(ol_ctx *ctx)
{
    ol_infer_same_as_input(ctx);
    const char *op = ctx->node->op_type;
    const ol_shape *as = ol_in_shape(ctx, 1);
    if (as && as->rank > 1)
        ol_error(ctx, "shape-error", "%s's axis %s must be a scalar", op, in_str(ctx, 1));
    const ol_data *d = ol_in_data(ctx, 1);
    int rank = in_rank(ctx, 0);
    if (d && d->count == 1 && d->values && d->values[0].kind == OL_DIM_VALUE && rank >= 0)
        ol_axis(ctx, d->values[0].value, rank, false, strcmp(op, "CumProd") == 0 ? "CumProd axis" : "CumSum axis");
}

/* SwiGLU (28): the gate A and the value B have one shape (no
 * broadcasting), which Y keeps. */
static void infer_SwiGLU(ol_ctx *ctx)
{
    const ol_shape *a = ol_in_shape(ctx, 0), *b = ol_in_shape(ctx, 1);
    int32_t elem = ol_in_elem(ctx, 0) ? ol_in_elem(ctx, 0) : ol_in_elem(ctx, 1);
    if (!a || !b) {
        const ol_shape *known = a ? a : b;
        ol_dim *d = ol_out_tensor(ctx, 0, elem, known ? known->rank : -1);
        for (int i = 0; d && i < known->rank; i++)
            d[i] = known->dims[i];
        return;
    }
    if (a->rank != b->rank) {
        ol_error(ctx, "shape-error", "gate A %s and value B %s must have the same shape (SwiGLU does not broadcast)",
                 in_str(ctx, 0), in_str(ctx, 1));
        ol_out_tensor(ctx, 0, elem, -1);
        return;
    }
    ol_dim *d = ol_out_tensor(ctx, 0, elem, a->rank);
    for (int i = 0; d && i < a->rank; i++)
        d[i] = ol_dim_merge(ctx, a->dims[i], b->dims[i], "a dim of SwiGLU's A and B");
}

/* ---------------------------------------------------------------------- */
/* losses                                                                  */
/* ---------------------------------------------------------------------- */

/* SoftmaxCrossEntropyLoss and NegativeLogLikelihoodLoss: scores (N, C, d1,
 * ..., dk), labels (N, d1, ..., dk) of class indices, optional weights
 * (C).  Output 0 is (N, d1, ..., dk) for reduction 'none', else a scalar;
 * output 1 (SoftmaxCrossEntropyLoss's log_prob) has the scores' shape.
 * `scores`, `labels`, `weights` name the inputs in messages. */
static void infer_loss(ol_ctx *ctx, const char *scores, const char *labels, const char *weights)
{
    int32_t elem = ol_in_elem(ctx, 0);
    const char *reduction = ol_attr_string(ctx, "reduction", "mean");
    bool none = strcmp(reduction, "none") == 0;
    if (!none && strcmp(reduction, "mean") != 0 && strcmp(reduction, "sum") != 0)
        ol_error(ctx, "type-error", "reduction '%s' is not one of 'none', 'mean', 'sum'", reduction);
    const ol_shape *s = ol_in_shape(ctx, 0), *l = ol_in_shape(ctx, 1), *w = ol_in_shape(ctx, 2);
    if (s && s->rank < 2) {
        ol_error(ctx, "shape-error", "%s %s must be (N, C, ...): a batch and then the classes", scores, in_str(ctx, 0));
        s = NULL;
    }
    /* labels: (N, d1...) from the scores with the classes' axis removed. */
    ol_dim want[OL_MAX_RANK];
    int want_rank = -1;
    if (s) {
        want_rank = s->rank - 1;
        want[0] = s->dims[0];
        for (int k = 2; k < s->rank; k++)
            want[k - 1] = s->dims[k];
    }
    if (s && l && l->rank != s->rank - 1) {
        char form[256] = "(N";
        for (int k = 2; k < s->rank && strlen(form) + 8 < sizeof form; k++)
            snprintf(form + strlen(form), sizeof form - strlen(form), ", d%d", k - 1);
        ol_error(ctx, "shape-error",
                 "%s %s vs %s %s: %s must be %s) - class indices, one rank less than the %s", labels, in_str(ctx, 1),
                 scores, in_str(ctx, 0), labels, form, scores);
        l = NULL;
    }
    if (s && l) {
        /* Contradictions are reported, but the labels' symbols are not unified
         * with the scores' dims: the loss analysis judges that relation in the
         * user's terms (classes on the wrong axis, a folded batch), and a
         * binding made here would hide exactly those mistakes. */
        for (int k = 0; k < want_rank; k++) {
            int sk = k == 0 ? 0 : k + 1;
            want[k] = report_unequal(ctx, want[k], l->dims[k],
                                 "%s %s vs %s %s: %s' dim %d (%s) must equal the %s' dim %d (%s)%s", labels,
                                 in_str(ctx, 1), scores, in_str(ctx, 0), labels, k, ol_dim_str(ctx, l->dims[k]),
                                 scores, sk, ol_dim_str(ctx, s->dims[sk]), k == 0 ? ", the batch" : "");
        }
    } else if (l) {
        want_rank = l->rank;
        for (int k = 0; k < want_rank && k < OL_MAX_RANK; k++)
            want[k] = l->dims[k];
    }
    if (w) {
        if (w->rank != 1)
            ol_error(ctx, "shape-error", "%s %s must be 1-D: one weight per class (C)%s%s", weights, in_str(ctx, 2),
                     s ? " = " : "", s ? ol_dim_str(ctx, s->dims[1]) : "");
        else if (s)
            report_unequal(ctx, w->dims[0], s->dims[1], "%s %s vs %s %s: one weight per class, %s of them", weights,
                       in_str(ctx, 2), scores, in_str(ctx, 0), ol_dim_str(ctx, s->dims[1]));
    }
    if (!none) {
        ol_out_tensor(ctx, 0, elem, 0);
    } else {
        ol_dim *dims = ol_out_tensor(ctx, 0, elem, want_rank);
        for (int k = 0; dims && k < want_rank; k++)
            dims[k] = want[k];
    }
    if (ol_out_count(ctx) > 1)
        ol_out_like(ctx, 1, 0);
}

static void infer_SoftmaxCrossEntropyLoss(ol_ctx *ctx)
{
    infer_loss(ctx, "scores", "labels", "weights");
}

static void infer_NegativeLogLikelihoodLoss(ol_ctx *ctx)
{
    infer_loss(ctx, "input", "target", "weight");
}

/* ---------------------------------------------------------------------- */
/* kernels: shared pieces                                                  */
/* ---------------------------------------------------------------------- */

/* Attribute defaults of the activations (ONNX's, as float32 values). */
#define SELU_ALPHA 1.67326319217681884765625f
#define SELU_GAMMA 1.05070102214813232421875f
#define LEAKY_RELU_ALPHA 0.01f
#define HARD_SIGMOID_ALPHA 0.2f
#define HARD_SIGMOID_BETA 0.5f
#define SHRINK_LAMBD 0.5f
/* HardSwish is HardSigmoid with alpha 1/6 and beta 0.5. */
#define HARD_SWISH_ALPHA (1.0 / 6.0)
#define HARD_SWISH_BETA 0.5
/* Gelu's tanh approximation: tanh(sqrt(2/pi) * (x + 0.044715 x^3)). */
#define GELU_TANH_CUBIC 0.044715
/* Einsum: ids of the loop indices, the 52 labels then the ellipsis' dims. */
#define EINSUM_MAX_IDS (EINSUM_LABELS + OL_MAX_RANK)
/* Einsum: most multiply-adds one node may take (explicit index loops). */
#define EINSUM_MAX_STEPS ((uint64_t)1 << 34)

/* True when output i is wanted (present in the node). */
static bool out_wanted(const ol_kctx *k, size_t i)
{
    return i < k->n_outputs && k->node->outputs[i];
}

/* Arithmetic element types: integers (not bool) and floating point. */
static bool elem_numeric(int32_t e)
{
    return (ol_elem_is_integral(e) && e != ELEM_BOOL) || ol_elem_is_floating(e);
}

static const char *elem_name(int32_t e)
{
    const char *s = ol_elem_type_name(e);
    return s ? s : "unknown";
}

/* The product of dims [from, to). */
static size_t dims_product(const int64_t *dims, int from, int to)
{
    size_t n = 1;
    for (int i = from; i < to; i++)
        n *= (size_t)dims[i];
    return n;
}

static bool same_shape(const ol_array *a, const ol_array *b)
{
    if (a->rank != b->rank)
        return false;
    for (int i = 0; i < a->rank; i++) {
        if (a->dims[i] != b->dims[i])
            return false;
    }
    return true;
}

/* An axis attribute or input in [-rank, rank) made >= 0; -1 (after
 * ol_k_fail) when out of range. */
static int kernel_axis(ol_kctx *k, int64_t axis, int rank, const char *what)
{
    if (axis < -(int64_t)rank || axis >= rank) {
        ol_k_fail(k, "%s %lld is out of range for rank %d", what, (long long)axis, rank);
        return -1;
    }
    return (int)(axis < 0 ? axis + rank : axis);
}

/* The single integer of input i (a scalar or a one-element tensor). */
static bool scalar_int(ol_kctx *k, size_t i, const char *what, int64_t *v)
{
    const ol_array *a = ol_k_in(k, i);
    if (!a || !ol_elem_is_integral(a->elem_type) || a->count != 1)
        return ol_k_fail(k, "%s %s must be one integer", what, a ? ol_k_shape(k, a) : "(missing)");
    *v = ol_array_get_i64(a, 0);
    return true;
}

/* ---------------------------------------------------------------------- */
/* kernels: broadcasting binary arithmetic                                 */
/* ---------------------------------------------------------------------- */

typedef enum binop {
    BIN_ADD,
    BIN_SUB,
    BIN_MUL,
    BIN_DIV,
    BIN_POW,
    BIN_MAX,
    BIN_MIN,
    BIN_MOD,  /* integer floor remainder: the sign of the divisor */
    BIN_FMOD, /* C's fmod: the sign of the dividend */
    BIN_PRELU,
    BIN_SECOND /* y = b: broadcasts b into y */
} binop;

/* How two operands walk a broadcast output: in blocks of `inner`
 * consecutive output elements over which each operand either advances
 * with the output (step 1) or repeats one element (step 0). */
typedef struct bcast_walk {
    const int64_t *dims;
    int rank;
    size_t count, inner;
    size_t step[2];
} bcast_walk;

static void walk_plan(bcast_walk *w, const ol_array *a, const ol_array *b)
{
    const ol_array *ops[2] = {a, b};
    int mode[2] = {0, 0}; /* 0 undecided, 1 advancing, 2 repeating */
    w->inner = 1;
    for (int axis = w->rank - 1; axis >= 0; axis--) {
        int64_t d = w->dims[axis];
        int want[2];
        bool fits = true;
        for (int j = 0; j < 2; j++) {
            int kx = axis - (w->rank - ops[j]->rank);
            int64_t dx = kx >= 0 ? ops[j]->dims[kx] : 1;
            want[j] = d == 1 ? mode[j] : dx == d ? 1 : 2;
            if (mode[j] && want[j] != mode[j])
                fits = false;
        }
        if (!fits)
            break;
        mode[0] = want[0];
        mode[1] = want[1];
        w->inner *= (size_t)d;
    }
    w->step[0] = mode[0] == 1;
    w->step[1] = mode[1] == 1;
}

static double bin_real(binop op, double x, double y)
{
    switch (op) {
    case BIN_ADD:
        return x + y;
    case BIN_SUB:
        return x - y;
    case BIN_MUL:
        return x * y;
    case BIN_DIV:
        return x / y;
    case BIN_POW:
        return pow(x, y);
    case BIN_MAX:
        return isnan(x) || x >= y ? x : y; /* NaN wins, like numpy */
    case BIN_MIN:
        return isnan(x) || x <= y ? x : y;
    case BIN_MOD: {
        double r = fmod(x, y);
        return r != 0 && ((r < 0) != (y < 0)) ? r + y : r;
    }
    case BIN_FMOD:
        return fmod(x, y);
    case BIN_PRELU:
        return x < 0 ? x * y : x;
    case BIN_SECOND:
        return y;
    }
    return NAN;
}

/* x to the power y in wrapping integer arithmetic; a negative exponent
 * truncates 1/x^|y| toward zero. */
static int64_t int_pow(int64_t x, int64_t y, bool unsigned_exp)
{
    if (y < 0 && !unsigned_exp) {
        if (x == 1)
            return 1;
        if (x == -1)
            return (y & 1) ? -1 : 1;
        return 0;
    }
    uint64_t base = (uint64_t)x, e = (uint64_t)y, r = 1;
    while (e) {
        if (e & 1)
            r *= base;
        base *= base;
        e >>= 1;
    }
    return (int64_t)r;
}

/* op on two integers (uint64 values as their bits when u64); false on a
 * division by zero. */
static bool bin_int(binop op, int64_t x, int64_t y, bool u64, int64_t *r)
{
    uint64_t ux = (uint64_t)x, uy = (uint64_t)y;
    switch (op) {
    case BIN_ADD:
        *r = (int64_t)(ux + uy);
        return true;
    case BIN_SUB:
        *r = (int64_t)(ux - uy);
        return true;
    case BIN_MUL:
        *r = (int64_t)(ux * uy);
        return true;
    case BIN_DIV:
        if (y == 0)
            return false;
        *r = u64 ? (int64_t)(ux / uy) : y == -1 ? (int64_t)(0 - ux) : x / y;
        return true;
    case BIN_MOD:
    case BIN_FMOD:
        if (y == 0)
            return false;
        if (u64) {
            *r = (int64_t)(ux % uy);
        } else if (y == -1) {
            *r = 0;
        } else {
            int64_t m = x % y;
            *r = op == BIN_MOD && m != 0 && ((m < 0) != (y < 0)) ? m + y : m;
        }
        return true;
    case BIN_MAX:
        *r = (u64 ? ux >= uy : x >= y) ? x : y;
        return true;
    case BIN_MIN:
        *r = (u64 ? ux <= uy : x <= y) ? x : y;
        return true;
    case BIN_POW:
        *r = int_pow(x, y, u64);
        return true;
    case BIN_PRELU:
        *r = !u64 && x < 0 ? (int64_t)(ux * uy) : x;
        return true;
    case BIN_SECOND:
        *r = y;
        return true;
    }
    return false;
}

static void bin_block_f32(binop op, const float *a, size_t sa, const float *b, size_t sb, float *y, size_t n)
{
    switch (op) {
    case BIN_ADD:
        for (size_t i = 0; i < n; i++)
            y[i] = a[i * sa] + b[i * sb];
        return;
    case BIN_SUB:
        for (size_t i = 0; i < n; i++)
            y[i] = a[i * sa] - b[i * sb];
        return;
    case BIN_MUL:
        for (size_t i = 0; i < n; i++)
            y[i] = a[i * sa] * b[i * sb];
        return;
    case BIN_DIV:
        for (size_t i = 0; i < n; i++)
            y[i] = a[i * sa] / b[i * sb];
        return;
    case BIN_SECOND:
        for (size_t i = 0; i < n; i++)
            y[i] = b[i * sb];
        return;
    default:
        for (size_t i = 0; i < n; i++)
            y[i] = (float)bin_real(op, a[i * sa], b[i * sb]);
        return;
    }
}

static void bin_block_f64(binop op, const double *a, size_t sa, const double *b, size_t sb, double *y, size_t n)
{
    switch (op) {
    case BIN_ADD:
        for (size_t i = 0; i < n; i++)
            y[i] = a[i * sa] + b[i * sb];
        return;
    case BIN_MUL:
        for (size_t i = 0; i < n; i++)
            y[i] = a[i * sa] * b[i * sb];
        return;
    default:
        for (size_t i = 0; i < n; i++)
            y[i] = bin_real(op, a[i * sa], b[i * sb]);
        return;
    }
}

/* y = op(a, b), a and b broadcasting (numpy rules) to y's shape, which the
 * caller allocated; a may be y itself (in place).  Integers (both
 * operands) in wrapping int64 arithmetic, everything else in double. */
static bool bin_run(ol_kctx *k, binop op, const ol_array *a, const ol_array *b, ol_array *y)
{
    if (!y->count)
        return true;
    bcast_walk w = {.dims = y->dims, .rank = y->rank, .count = y->count};
    walk_plan(&w, a, b);
    size_t blocks = w.count / w.inner;
    int32_t ta = a->elem_type, tb = b->elem_type, ty = y->elem_type;
    bool f32 = ta == ELEM_FLOAT && tb == ELEM_FLOAT && ty == ELEM_FLOAT;
    bool f64 = ta == ELEM_DOUBLE && tb == ELEM_DOUBLE && ty == ELEM_DOUBLE;
    bool ints = ol_elem_is_integral(ta) && ol_elem_is_integral(tb) && ol_elem_is_integral(ty);
    bool u64 = ta == ELEM_UINT64 || (op == BIN_POW && tb == ELEM_UINT64);
    for (size_t blk = 0; blk < blocks; blk++) {
        size_t first = blk * w.inner;
        size_t oa = ol_broadcast_offset(a, w.dims, w.rank, first);
        size_t ob = ol_broadcast_offset(b, w.dims, w.rank, first);
        if (f32) {
            bin_block_f32(op, (const float *)a->data + oa, w.step[0], (const float *)b->data + ob, w.step[1],
                          (float *)y->data + first, w.inner);
            continue;
        }
        if (f64) {
            bin_block_f64(op, (const double *)a->data + oa, w.step[0], (const double *)b->data + ob, w.step[1],
                          (double *)y->data + first, w.inner);
            continue;
        }
        for (size_t i = 0; i < w.inner; i++) {
            size_t ia = oa + i * w.step[0], ib = ob + i * w.step[1];
            if (ints) {
                int64_t r;
                if (!bin_int(op, ol_array_get_i64(a, ia), ol_array_get_i64(b, ib), u64, &r))
                    return ol_k_fail(k, "integer division by zero (element %zu of divisor %s)", ib,
                                     ol_k_shape(k, b));
                ol_array_set_i64(y, first + i, r);
            } else {
                ol_array_set_f64(y, first + i, bin_real(op, ol_array_get_f64(a, ia), ol_array_get_f64(b, ib)));
            }
        }
    }
    return true;
}

/* Before opset 7: B aligned with A's dims from `axis` (default: A's
 * trailing dims) when broadcast=1, else B must have A's shape.  *view is B
 * with trailing 1s appended (dims in `dims`), for numpy broadcasting. */
static bool legacy_operand(ol_kctx *k, const ol_array *a, const ol_array *b, ol_array *view, int64_t *dims)
{
    *view = *b;
    if (!ol_attr_int(&k->infer, "broadcast", 0)) {
        if (!same_shape(a, b))
            return ol_k_fail(k, "without broadcast=1, B %s must have A's shape %s", ol_k_shape(k, b),
                             ol_k_shape(k, a));
        return true;
    }
    if (!ol_attr_has(&k->infer, "axis"))
        return true;
    int64_t axis = ol_attr_int(&k->infer, "axis", 0);
    if (axis < 0)
        axis += a->rank;
    if (axis < 0 || axis > a->rank || b->rank > a->rank - axis)
        return ol_k_fail(k, "B %s does not fit into A %s at axis %lld", ol_k_shape(k, b), ol_k_shape(k, a),
                         (long long)ol_attr_int(&k->infer, "axis", 0));
    int rank = (int)(a->rank - axis);
    for (int i = 0; i < rank; i++)
        dims[i] = i < b->rank ? b->dims[i] : 1;
    view->rank = rank;
    view->dims = dims;
    return true;
}

/* Checks that b (a view) broadcasts one way into a: the broadcast shape
 * is a's. */
static bool broadcasts_into(const ol_array *a, const ol_array *b)
{
    const ol_array *both[2] = {a, b};
    int64_t dims[OL_MAX_RANK];
    int rank;
    if (!ol_broadcast_dims(both, 2, dims, &rank) || rank != a->rank)
        return false;
    for (int i = 0; i < rank; i++) {
        if (dims[i] != a->dims[i])
            return false;
    }
    return true;
}

/* Add, Sub, Mul, Div, Mod, Pow: output of A's type.  `mixed` allows B of
 * another numeric type (Pow's exponent). */
static bool binary_kernel(ol_kctx *k, binop op, bool mixed)
{
    const ol_array *a = ol_k_in(k, 0), *b = ol_k_in(k, 1);
    if (!a || !b)
        return ol_k_fail(k, "needs two tensor inputs");
    if (!elem_numeric(a->elem_type) || !elem_numeric(b->elem_type))
        return ol_k_fail(k, "%s of %s and %s elements is not defined", k->node->op_type, elem_name(a->elem_type),
                         elem_name(b->elem_type));
    if (!mixed && a->elem_type != b->elem_type)
        return ol_k_fail(k, "A is %s but B is %s: the types must match", elem_name(a->elem_type),
                         elem_name(b->elem_type));
    bool legacy = k->infer.version < OPSET_NUMPY_BINARY;
    ol_array view;
    int64_t view_dims[OL_MAX_RANK];
    if (legacy) {
        if (!legacy_operand(k, a, b, &view, view_dims))
            return false;
        b = &view;
        if (!broadcasts_into(a, b))
            return ol_k_fail(k, "B %s does not broadcast to A %s", ol_k_shape(k, b), ol_k_shape(k, a));
    }
    const ol_array *both[2] = {a, b};
    int64_t dims[OL_MAX_RANK];
    int rank;
    if (!ol_broadcast_dims(both, 2, dims, &rank))
        return ol_k_fail(k, "cannot broadcast %s with %s", ol_k_shape(k, a), ol_k_shape(k, b));
    ol_array *y = ol_k_out(k, 0, a->elem_type, rank, dims);
    return y && bin_run(k, op, a, b, y);
}

static bool kernel_Add(ol_kctx *k)
{
    return binary_kernel(k, BIN_ADD, false);
}

static bool kernel_Sub(ol_kctx *k)
{
    return binary_kernel(k, BIN_SUB, false);
}

static bool kernel_Mul(ol_kctx *k)
{
    return binary_kernel(k, BIN_MUL, false);
}

static bool kernel_Div(ol_kctx *k)
{
    return binary_kernel(k, BIN_DIV, false);
}

static bool kernel_Pow(ol_kctx *k)
{
    return binary_kernel(k, BIN_POW, true);
}

static bool kernel_Mod(ol_kctx *k)
{
    bool fmod_sign = ol_attr_int(&k->infer, "fmod", 0) != 0;
    const ol_array *a = ol_k_in(k, 0);
    if (!fmod_sign && a && ol_elem_is_floating(a->elem_type))
        return ol_k_fail(k, "Mod of %s %s needs fmod=1", elem_name(a->elem_type), ol_k_shape(k, a));
    return binary_kernel(k, fmod_sign ? BIN_FMOD : BIN_MOD, false);
}

/* Max, Min, Sum, Mean: every input broadcast together (one shape before
 * opset 8), folded left to right into the output. */
static bool variadic_kernel(ol_kctx *k, binop op, bool mean)
{
    size_t n = k->n_inputs;
    if (!n)
        return ol_k_fail(k, "needs at least one input");
    const ol_array **in = ol_k_alloc(k, n * sizeof *in);
    if (!in)
        return false;
    for (size_t i = 0; i < n; i++) {
        in[i] = ol_k_in(k, i);
        if (!in[i])
            return ol_k_fail(k, "input %zu is missing", i);
        if (!elem_numeric(in[i]->elem_type) || in[i]->elem_type != in[0]->elem_type)
            return ol_k_fail(k, "input %zu is %s, input 0 %s: one numeric type for all", i,
                             elem_name(in[i]->elem_type), elem_name(in[0]->elem_type));
        if (k->infer.version < OPSET_NUMPY_VARIADIC && !same_shape(in[i], in[0]))
            return ol_k_fail(k, "before opset 8 every input must have one shape: %s vs %s", ol_k_shape(k, in[0]),
                             ol_k_shape(k, in[i]));
    }
    int64_t dims[OL_MAX_RANK];
    int rank;
    if (!ol_broadcast_dims(in, n, dims, &rank)) {
        for (size_t i = 1; i < n; i++) {
            const ol_array *pair[2] = {in[0], in[i]};
            if (!ol_broadcast_dims(pair, 2, dims, &rank))
                return ol_k_fail(k, "cannot broadcast %s with %s", ol_k_shape(k, in[0]), ol_k_shape(k, in[i]));
        }
        return ol_k_fail(k, "the inputs' shapes do not broadcast together");
    }
    ol_array *y = ol_k_out(k, 0, in[0]->elem_type, rank, dims);
    if (!y || !bin_run(k, BIN_SECOND, y, in[0], y))
        return false;
    for (size_t i = 1; i < n; i++) {
        if (!bin_run(k, op, y, in[i], y))
            return false;
    }
    if (mean) {
        if (y->elem_type == ELEM_FLOAT) {
            float *p = y->data;
            for (size_t i = 0; i < y->count; i++)
                p[i] /= (float)n;
        } else {
            for (size_t i = 0; i < y->count; i++)
                ol_array_set_f64(y, i, ol_array_get_f64(y, i) / (double)n);
        }
    }
    return true;
}

static bool kernel_Max(ol_kctx *k)
{
    return variadic_kernel(k, BIN_MAX, false);
}

static bool kernel_Min(ol_kctx *k)
{
    return variadic_kernel(k, BIN_MIN, false);
}

static bool kernel_Sum(ol_kctx *k)
{
    return variadic_kernel(k, BIN_ADD, false);
}

static bool kernel_Mean(ol_kctx *k)
{
    return variadic_kernel(k, BIN_ADD, true);
}

/* PRelu: the slope broadcasts one way to X; before opset 7 a 1-D slope
 * with one value per channel applies along axis 1. */
static bool kernel_PRelu(ol_kctx *k)
{
    const ol_array *x = ol_k_in(k, 0), *slope = ol_k_in(k, 1);
    if (!x || !slope)
        return ol_k_fail(k, "needs X and slope");
    if (!elem_numeric(x->elem_type) || x->elem_type != slope->elem_type)
        return ol_k_fail(k, "X is %s, slope %s: one numeric type for both", elem_name(x->elem_type),
                         elem_name(slope->elem_type));
    ol_array view = *slope;
    int64_t dims[OL_MAX_RANK];
    if (k->infer.version < OPSET_NUMPY_BINARY && slope->rank == 1 && x->rank >= 2 && slope->dims[0] != 1 &&
        slope->dims[0] == x->dims[1]) {
        view.rank = x->rank - 1;
        for (int i = 0; i < view.rank; i++)
            dims[i] = i == 0 ? slope->dims[0] : 1;
        view.dims = dims;
    }
    if (!broadcasts_into(x, &view))
        return ol_k_fail(k, "slope %s does not broadcast to X %s", ol_k_shape(k, slope), ol_k_shape(k, x));
    ol_array *y = ol_k_out(k, 0, x->elem_type, x->rank, x->dims);
    return y && bin_run(k, BIN_PRELU, x, &view, y);
}

/* ---------------------------------------------------------------------- */
/* kernels: elementwise unary operators and activations                   */
/* ---------------------------------------------------------------------- */

/* An activation's attributes. */
typedef struct act_params {
    double alpha, beta, gamma;
} act_params;

typedef double (*real_fn)(double x, const void *params);
/* Integer variant of a unary op (uint64 values as their bits when u64). */
typedef int64_t (*int_fn)(int64_t x, bool u64);

/* y = fn(x) elementwise, of x's type: float and double loop over their data
 * directly; integers go through ifn when given (exact in int64), else
 * through double like the other types. */
static bool unary_run(ol_kctx *k, real_fn fn, const void *params, int_fn ifn)
{
    const ol_array *x = ol_k_in(k, 0);
    if (!x)
        return ol_k_fail(k, "input 0 is missing");
    if (!elem_numeric(x->elem_type))
        return ol_k_fail(k, "%s of %s elements is not defined", k->node->op_type, elem_name(x->elem_type));
    ol_array *y = ol_k_out(k, 0, x->elem_type, x->rank, x->dims);
    if (!y)
        return false;
    if (x->elem_type == ELEM_FLOAT) {
        const float *in = x->data;
        float *out = y->data;
        for (size_t i = 0; i < x->count; i++)
            out[i] = (float)fn(in[i], params);
    } else if (x->elem_type == ELEM_DOUBLE) {
        const double *in = x->data;
        double *out = y->data;
        for (size_t i = 0; i < x->count; i++)
            out[i] = fn(in[i], params);
    } else if (ifn && ol_elem_is_integral(x->elem_type)) {
        bool u64 = x->elem_type == ELEM_UINT64;
        for (size_t i = 0; i < x->count; i++)
            ol_array_set_i64(y, i, ifn(ol_array_get_i64(x, i), u64));
    } else {
        for (size_t i = 0; i < x->count; i++)
            ol_array_set_f64(y, i, fn(ol_array_get_f64(x, i), params));
    }
    return true;
}

static double abs_f(double x, const void *p)
{
    (void)p;
    return fabs(x);
}

static int64_t abs_i(int64_t x, bool u64)
{
    return u64 || x >= 0 ? x : (int64_t)(0 - (uint64_t)x);
}

static double neg_f(double x, const void *p)
{
    (void)p;
    return -x;
}

static int64_t neg_i(int64_t x, bool u64)
{
    (void)u64;
    return (int64_t)(0 - (uint64_t)x);
}

static double sign_f(double x, const void *p)
{
    (void)p;
    return x > 0 ? 1 : x < 0 ? -1 : x; /* 0 and NaN stay */
}

static int64_t sign_i(int64_t x, bool u64)
{
    if (u64)
        return x != 0;
    return x > 0 ? 1 : x < 0 ? -1 : 0;
}

static double relu_f(double x, const void *p)
{
    (void)p;
    return x < 0 ? 0 : x; /* NaN stays NaN */
}

static int64_t relu_i(int64_t x, bool u64)
{
    return !u64 && x < 0 ? 0 : x;
}

static double floor_f(double x, const void *p)
{
    (void)p;
    return floor(x);
}

static double ceil_f(double x, const void *p)
{
    (void)p;
    return ceil(x);
}

/* Round: halves to even (the default rounding mode). */
static double round_f(double x, const void *p)
{
    (void)p;
    return nearbyint(x);
}

static double sqrt_f(double x, const void *p)
{
    (void)p;
    return sqrt(x);
}

static double exp_f(double x, const void *p)
{
    (void)p;
    return exp(x);
}

static double log_f(double x, const void *p)
{
    (void)p;
    return log(x);
}

static double reciprocal_f(double x, const void *p)
{
    (void)p;
    return 1.0 / x;
}

static double erf_f(double x, const void *p)
{
    (void)p;
    return erf(x);
}

static double sin_f(double x, const void *p)
{
    (void)p;
    return sin(x);
}

static double cos_f(double x, const void *p)
{
    (void)p;
    return cos(x);
}

static double tan_f(double x, const void *p)
{
    (void)p;
    return tan(x);
}

static double asin_f(double x, const void *p)
{
    (void)p;
    return asin(x);
}

static double acos_f(double x, const void *p)
{
    (void)p;
    return acos(x);
}

static double atan_f(double x, const void *p)
{
    (void)p;
    return atan(x);
}

static double sinh_f(double x, const void *p)
{
    (void)p;
    return sinh(x);
}

static double cosh_f(double x, const void *p)
{
    (void)p;
    return cosh(x);
}

static double tanh_f(double x, const void *p)
{
    (void)p;
    return tanh(x);
}

static double asinh_f(double x, const void *p)
{
    (void)p;
    return asinh(x);
}

static double acosh_f(double x, const void *p)
{
    (void)p;
    return acosh(x);
}

static double atanh_f(double x, const void *p)
{
    (void)p;
    return atanh(x);
}

static double sigmoid_f(double x, const void *p)
{
    (void)p;
    if (x >= 0)
        return 1.0 / (1.0 + exp(-x));
    double e = exp(x);
    return e / (1.0 + e);
}

/* log(1 + exp(x)) without overflow. */
static double softplus_f(double x, const void *p)
{
    (void)p;
    return x > 0 ? x + log1p(exp(-x)) : log1p(exp(x));
}

static double softsign_f(double x, const void *p)
{
    (void)p;
    return x / (1.0 + fabs(x));
}

static double mish_f(double x, const void *p)
{
    return x * tanh(softplus_f(x, p));
}

static double elu_f(double x, const void *p)
{
    const act_params *a = p;
    return x < 0 ? a->alpha * (exp(x) - 1.0) : x;
}

static double celu_f(double x, const void *p)
{
    const act_params *a = p;
    return x > 0 ? x : a->alpha * (exp(x / a->alpha) - 1.0);
}

static double selu_f(double x, const void *p)
{
    const act_params *a = p;
    return x > 0 ? a->gamma * x : a->gamma * (a->alpha * exp(x) - a->alpha);
}

static double leaky_relu_f(double x, const void *p)
{
    const act_params *a = p;
    return x < 0 ? a->alpha * x : x;
}

static double hard_sigmoid_f(double x, const void *p)
{
    const act_params *a = p;
    double v = a->alpha * x + a->beta;
    return v < 0 ? 0 : v > 1 ? 1 : v;
}

static double hard_swish_f(double x, const void *p)
{
    (void)p;
    act_params a = {.alpha = HARD_SWISH_ALPHA, .beta = HARD_SWISH_BETA};
    return x * hard_sigmoid_f(x, &a);
}

static double thresholded_relu_f(double x, const void *p)
{
    const act_params *a = p;
    return x > a->alpha ? x : 0;
}

/* Shrink: alpha is lambd, beta the bias. */
static double shrink_f(double x, const void *p)
{
    const act_params *a = p;
    return x < -a->alpha ? x + a->beta : x > a->alpha ? x - a->beta : 0;
}

/* x * sigmoid(alpha * x) (Swish-24, SwiGLU's gate). */
static double swish_f(double x, const void *p)
{
    const act_params *a = p;
    return x * sigmoid_f(a->alpha * x, NULL);
}

static double gelu_f(double x, const void *p)
{
    (void)p;
    return 0.5 * x * (1.0 + erf(x * M_SQRT1_2));
}

static double gelu_tanh_f(double x, const void *p)
{
    (void)p;
    double sqrt_2_over_pi = M_2_SQRTPI * M_SQRT1_2;
    return 0.5 * x * (1.0 + tanh(sqrt_2_over_pi * (x + GELU_TANH_CUBIC * x * x * x)));
}

#define UNARY_KERNEL(op, fn, ifn)                                                                                      \
    static bool kernel_##op(ol_kctx *k)                                                                                \
    {                                                                                                                  \
        return unary_run(k, fn, NULL, ifn);                                                                            \
    }

UNARY_KERNEL(Abs, abs_f, abs_i)
UNARY_KERNEL(Neg, neg_f, neg_i)
UNARY_KERNEL(Sign, sign_f, sign_i)
UNARY_KERNEL(Relu, relu_f, relu_i)
UNARY_KERNEL(Floor, floor_f, NULL)
UNARY_KERNEL(Ceil, ceil_f, NULL)
UNARY_KERNEL(Round, round_f, NULL)
UNARY_KERNEL(Sqrt, sqrt_f, NULL)
UNARY_KERNEL(Exp, exp_f, NULL)
UNARY_KERNEL(Log, log_f, NULL)
UNARY_KERNEL(Reciprocal, reciprocal_f, NULL)
UNARY_KERNEL(Erf, erf_f, NULL)
UNARY_KERNEL(Sin, sin_f, NULL)
UNARY_KERNEL(Cos, cos_f, NULL)
UNARY_KERNEL(Tan, tan_f, NULL)
UNARY_KERNEL(Asin, asin_f, NULL)
UNARY_KERNEL(Acos, acos_f, NULL)
UNARY_KERNEL(Atan, atan_f, NULL)
UNARY_KERNEL(Sinh, sinh_f, NULL)
UNARY_KERNEL(Cosh, cosh_f, NULL)
UNARY_KERNEL(Tanh, tanh_f, NULL)
UNARY_KERNEL(Asinh, asinh_f, NULL)
UNARY_KERNEL(Acosh, acosh_f, NULL)
UNARY_KERNEL(Atanh, atanh_f, NULL)
UNARY_KERNEL(Sigmoid, sigmoid_f, NULL)
UNARY_KERNEL(Softplus, softplus_f, NULL)
UNARY_KERNEL(Softsign, softsign_f, NULL)
UNARY_KERNEL(Mish, mish_f, NULL)
UNARY_KERNEL(HardSwish, hard_swish_f, NULL)

static bool kernel_Elu(ol_kctx *k)
{
    act_params a = {.alpha = ol_attr_float(&k->infer, "alpha", 1.0f)};
    return unary_run(k, elu_f, &a, NULL);
}

static bool kernel_Celu(ol_kctx *k)
{
    act_params a = {.alpha = ol_attr_float(&k->infer, "alpha", 1.0f)};
    if (a.alpha == 0)
        return ol_k_fail(k, "Celu's alpha must not be 0");
    return unary_run(k, celu_f, &a, NULL);
}

static bool kernel_Swish(ol_kctx *k)
{
    act_params a = {.alpha = ol_attr_float(&k->infer, "alpha", 1.0f)};
    return unary_run(k, swish_f, &a, NULL);
}

/* SwiGLU: Y = Swish_alpha(A) * B over two tensors of one shape. */
static bool kernel_SwiGLU(ol_kctx *k)
{
    const ol_array *a = ol_k_in(k, 0), *b = ol_k_in(k, 1);
    if (!a || !b)
        return ol_k_fail(k, "inputs A and B are required");
    if (!ol_elem_is_floating(a->elem_type) || a->elem_type != b->elem_type)
        return ol_k_fail(k, "A and B must be floating-point tensors of one type");
    if (a->rank != b->rank || memcmp(a->dims, b->dims, (size_t)a->rank * sizeof *a->dims) != 0)
        return ol_k_fail(k, "gate A %s and value B %s must have the same shape", ol_k_shape(k, a), ol_k_shape(k, b));
    act_params p = {.alpha = ol_attr_float(&k->infer, "alpha", 1.0f)};
    ol_array *y = ol_k_out(k, 0, a->elem_type, a->rank, a->dims);
    if (!y)
        return false;
    for (size_t i = 0; i < a->count; i++)
        ol_array_set_f64(y, i, swish_f(ol_array_get_f64(a, i), &p) * ol_array_get_f64(b, i));
    return true;
}

static bool kernel_Selu(ol_kctx *k)
{
    act_params a = {.alpha = ol_attr_float(&k->infer, "alpha", SELU_ALPHA),
                    .gamma = ol_attr_float(&k->infer, "gamma", SELU_GAMMA)};
    return unary_run(k, selu_f, &a, NULL);
}

static bool kernel_LeakyRelu(ol_kctx *k)
{
    act_params a = {.alpha = ol_attr_float(&k->infer, "alpha", LEAKY_RELU_ALPHA)};
    return unary_run(k, leaky_relu_f, &a, NULL);
}

static bool kernel_HardSigmoid(ol_kctx *k)
{
    act_params a = {.alpha = ol_attr_float(&k->infer, "alpha", HARD_SIGMOID_ALPHA),
                    .beta = ol_attr_float(&k->infer, "beta", HARD_SIGMOID_BETA)};
    return unary_run(k, hard_sigmoid_f, &a, NULL);
}

static bool kernel_ThresholdedRelu(ol_kctx *k)
{
    act_params a = {.alpha = ol_attr_float(&k->infer, "alpha", 1.0f)};
    return unary_run(k, thresholded_relu_f, &a, NULL);
}

static bool kernel_Shrink(ol_kctx *k)
{
    act_params a = {.alpha = ol_attr_float(&k->infer, "lambd", SHRINK_LAMBD),
                    .beta = ol_attr_float(&k->infer, "bias", 0.0f)};
    return unary_run(k, shrink_f, &a, NULL);
}

static bool kernel_Gelu(ol_kctx *k)
{
    const char *approximate = ol_attr_string(&k->infer, "approximate", "none");
    if (strcmp(approximate, "none") != 0 && strcmp(approximate, "tanh") != 0)
        return ol_k_fail(k, "Gelu's approximate '%s' is not 'none' or 'tanh'", approximate);
    return unary_run(k, strcmp(approximate, "tanh") == 0 ? gelu_tanh_f : gelu_f, NULL, NULL);
}

/* Clip: bounds from the min/max attributes before opset 11, from optional
 * one-element inputs of X's type after. */
static bool kernel_Clip(ol_kctx *k)
{
    const ol_array *x = ol_k_in(k, 0);
    if (!x)
        return ol_k_fail(k, "input 0 is missing");
    if (!elem_numeric(x->elem_type))
        return ol_k_fail(k, "Clip of %s elements is not defined", elem_name(x->elem_type));
    const ol_array *bound[2] = {NULL, NULL};
    if (k->infer.version >= OPSET_CLIP_INPUTS) {
        for (size_t i = 0; i < 2; i++) {
            bound[i] = ol_k_in(k, i + 1);
            if (bound[i] && (bound[i]->count != 1 || bound[i]->elem_type != x->elem_type))
                return ol_k_fail(k, "Clip's %s %s %s must be one %s value", i ? "max" : "min",
                                 elem_name(bound[i]->elem_type), ol_k_shape(k, bound[i]), elem_name(x->elem_type));
        }
    }
    ol_array *y = ol_k_out(k, 0, x->elem_type, x->rank, x->dims);
    if (!y)
        return false;
    if (ol_elem_is_integral(x->elem_type)) {
        bool u64 = x->elem_type == ELEM_UINT64;
        int64_t lo = bound[0] ? ol_array_get_i64(bound[0], 0) : u64 ? 0 : INT64_MIN;
        int64_t hi = bound[1] ? ol_array_get_i64(bound[1], 0) : u64 ? -1 : INT64_MAX;
        for (size_t i = 0; i < x->count; i++) {
            int64_t v = ol_array_get_i64(x, i);
            if (u64 ? (uint64_t)v < (uint64_t)lo : v < lo)
                v = lo;
            if (u64 ? (uint64_t)v > (uint64_t)hi : v > hi)
                v = hi;
            ol_array_set_i64(y, i, v);
        }
        return true;
    }
    double lo, hi;
    if (k->infer.version < OPSET_CLIP_INPUTS) {
        lo = ol_attr_float(&k->infer, "min", -FLT_MAX);
        hi = ol_attr_float(&k->infer, "max", FLT_MAX);
    } else {
        lo = bound[0] ? ol_array_get_f64(bound[0], 0) : -INFINITY;
        hi = bound[1] ? ol_array_get_f64(bound[1], 0) : INFINITY;
    }
    if (x->elem_type == ELEM_FLOAT) {
        const float *in = x->data;
        float *out = y->data, flo = (float)lo, fhi = (float)hi;
        for (size_t i = 0; i < x->count; i++) {
            float v = in[i] < flo ? flo : in[i];
            out[i] = v > fhi ? fhi : v;
        }
        return true;
    }
    for (size_t i = 0; i < x->count; i++) {
        double v = ol_array_get_f64(x, i);
        v = v < lo ? lo : v;
        ol_array_set_f64(y, i, v > hi ? hi : v);
    }
    return true;
}

/* ---------------------------------------------------------------------- */
/* kernels: softmax, Hardmax                                               */
/* ---------------------------------------------------------------------- */

typedef enum softmax_kind { SOFTMAX, SOFTMAX_LOG, SOFTMAX_HARD } softmax_kind;

/* Element i of a floating tensor (float read directly). */
static inline double real_at(const ol_array *a, size_t i)
{
    return a->elem_type == ELEM_FLOAT ? ((const float *)a->data)[i] : ol_array_get_f64(a, i);
}

static inline void real_set(ol_array *a, size_t i, double v)
{
    if (a->elem_type == ELEM_FLOAT)
        ((float *)a->data)[i] = (float)v;
    else
        ol_array_set_f64(a, i, v);
}

/* Softmax, LogSoftmax, Hardmax over `n` elements `stride` apart from
 * `base`, of x into y. */
static void softmax_run(softmax_kind kind, const ol_array *x, ol_array *y, size_t base, size_t n, size_t stride)
{
    double max = real_at(x, base);
    size_t arg = 0;
    for (size_t j = 1; j < n; j++) {
        double v = real_at(x, base + j * stride);
        if (v > max || (isnan(v) && !isnan(max))) {
            max = v;
            arg = j;
        }
    }
    if (kind == SOFTMAX_HARD) {
        for (size_t j = 0; j < n; j++)
            real_set(y, base + j * stride, j == arg ? 1.0 : 0.0);
        return;
    }
    double sum = 0;
    for (size_t j = 0; j < n; j++)
        sum += exp(real_at(x, base + j * stride) - max);
    double log_sum = log(sum);
    for (size_t j = 0; j < n; j++) {
        double d = real_at(x, base + j * stride) - max;
        real_set(y, base + j * stride, kind == SOFTMAX ? exp(d) / sum : d - log_sum);
    }
}

/* From opset 13 along one axis (default -1); before, X is coerced to 2-D
 * at axis (default 1) and each row is normalised as a whole. */
static bool softmax_kernel(ol_kctx *k, softmax_kind kind)
{
    const ol_array *x = ol_k_in(k, 0);
    if (!x)
        return ol_k_fail(k, "input 0 is missing");
    if (!ol_elem_is_floating(x->elem_type))
        return ol_k_fail(k, "%s of %s elements is not defined", k->node->op_type, elem_name(x->elem_type));
    bool coerced = k->infer.version < OPSET_SOFTMAX_LAST_AXIS;
    int64_t axis = ol_attr_int(&k->infer, "axis", coerced ? 1 : -1);
    int a;
    if (coerced && axis == x->rank)
        a = x->rank; /* opset 1 allowed the rank itself: rows of one element */
    else if ((a = kernel_axis(k, axis, x->rank, "axis")) < 0)
        return false;
    ol_array *y = ol_k_out(k, 0, x->elem_type, x->rank, x->dims);
    if (!y)
        return false;
    if (!x->count)
        return true;
    size_t outer = dims_product(x->dims, 0, a);
    size_t n = coerced ? dims_product(x->dims, a, x->rank) : (size_t)x->dims[a];
    size_t inner = coerced ? 1 : dims_product(x->dims, a + 1, x->rank);
    for (size_t o = 0; o < outer; o++) {
        for (size_t i = 0; i < inner; i++)
            softmax_run(kind, x, y, o * n * inner + i, n, inner);
    }
    return true;
}

static bool kernel_Softmax(ol_kctx *k)
{
    return softmax_kernel(k, SOFTMAX);
}

static bool kernel_LogSoftmax(ol_kctx *k)
{
    return softmax_kernel(k, SOFTMAX_LOG);
}

static bool kernel_Hardmax(ol_kctx *k)
{
    return softmax_kernel(k, SOFTMAX_HARD);
}

/* ---------------------------------------------------------------------- */
/* kernels: matrix products                                                */
/* ---------------------------------------------------------------------- */

/* Y[oy..] (m x n, row-major) = alpha * op(A) op(B) + beta * Y, op
 * transposing when ta / tb; A is m x kk (kk x m transposed) from element oa,
 * B kk x n (n x kk) from ob.  float and double through CBLAS (sizes
 * checked against INT_MAX by the caller), other types with loops: integers
 * in wrapping int64 when alpha is 1 and beta 0 or 1, else in double. */
static void mat_product(const ol_array *a, size_t oa, bool ta, const ol_array *b, size_t ob, bool tb, ol_array *y,
                        size_t oy, size_t m, size_t n, size_t kk, double alpha, double beta)
{
    if (!m || !n)
        return;
    int32_t t = y->elem_type;
    if (kk && t == ELEM_FLOAT && a->elem_type == t && b->elem_type == t) {
        ol_cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, (int)m, (int)n,
                    (int)kk, (float)alpha, (const float *)a->data + oa, (int)(ta ? m : kk), (const float *)b->data + ob,
                    (int)(tb ? kk : n), (float)beta, (float *)y->data + oy, (int)n);
        return;
    }
    if (kk && t == ELEM_DOUBLE && a->elem_type == t && b->elem_type == t) {
        ol_cblas_dgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, (int)m, (int)n,
                    (int)kk, alpha, (const double *)a->data + oa, (int)(ta ? m : kk), (const double *)b->data + ob,
                    (int)(tb ? kk : n), beta, (double *)y->data + oy, (int)n);
        return;
    }
    bool exact_ints = ol_elem_is_integral(t) && alpha == 1 && (beta == 0 || beta == 1);
    for (size_t i = 0; i < m; i++) {
        for (size_t j = 0; j < n; j++) {
            size_t iy = oy + i * n + j;
            if (exact_ints) {
                uint64_t acc = beta == 0 ? 0 : (uint64_t)ol_array_get_i64(y, iy);
                for (size_t p = 0; p < kk; p++) {
                    size_t ia = oa + (ta ? p * m + i : i * kk + p), ib = ob + (tb ? j * kk + p : p * n + j);
                    acc += (uint64_t)ol_array_get_i64(a, ia) * (uint64_t)ol_array_get_i64(b, ib);
                }
                ol_array_set_i64(y, iy, (int64_t)acc);
            } else {
                double acc = 0;
                for (size_t p = 0; p < kk; p++) {
                    size_t ia = oa + (ta ? p * m + i : i * kk + p), ib = ob + (tb ? j * kk + p : p * n + j);
                    acc += ol_array_get_f64(a, ia) * ol_array_get_f64(b, ib);
                }
                ol_array_set_f64(y, iy, alpha * acc + (beta == 0 ? 0 : beta * ol_array_get_f64(y, iy)));
            }
        }
    }
}

/* True (else ol_k_fail) when every size fits CBLAS's int. */
static bool blas_sizes(ol_kctx *k, int64_t m, int64_t n, int64_t kk)
{
    if (m > INT_MAX || n > INT_MAX || kk > INT_MAX)
        return ol_k_fail(k, "a matrix of %lld x %lld x %lld is too large for BLAS", (long long)m, (long long)n,
                         (long long)kk);
    return true;
}

/* MatMul: numpy's matmul, 1-D operands promoted to (1,K) and (K,1) and the
 * batch dims broadcast. */
static bool kernel_MatMul(ol_kctx *k)
{
    const ol_array *a = ol_k_in(k, 0), *b = ol_k_in(k, 1);
    if (!a || !b)
        return ol_k_fail(k, "needs two tensor inputs");
    if (!elem_numeric(a->elem_type) || a->elem_type != b->elem_type)
        return ol_k_fail(k, "A is %s, B %s: one numeric type for both", elem_name(a->elem_type),
                         elem_name(b->elem_type));
    if (a->rank == 0 || b->rank == 0)
        return ol_k_fail(k, "MatMul of a scalar: A %s, B %s", ol_k_shape(k, a), ol_k_shape(k, b));
    int64_t m = a->rank > 1 ? a->dims[a->rank - 2] : 1, kk = a->dims[a->rank - 1];
    int64_t kb = b->rank > 1 ? b->dims[b->rank - 2] : b->dims[0], n = b->rank > 1 ? b->dims[b->rank - 1] : 1;
    if (kk != kb)
        return ol_k_fail(k, "MatMul inner dims: %lld vs %lld (A %s, B %s)", (long long)kk, (long long)kb,
                         ol_k_shape(k, a), ol_k_shape(k, b));
    ol_array batch_a = {.rank = a->rank > 2 ? a->rank - 2 : 0, .dims = a->dims};
    ol_array batch_b = {.rank = b->rank > 2 ? b->rank - 2 : 0, .dims = b->dims};
    const ol_array *batches[2] = {&batch_a, &batch_b};
    int64_t dims[OL_MAX_RANK + 2];
    int rank;
    if (!ol_broadcast_dims(batches, 2, dims, &rank))
        return ol_k_fail(k, "MatMul batch dims do not broadcast: A %s, B %s", ol_k_shape(k, a), ol_k_shape(k, b));
    int batch_rank = rank;
    if (a->rank > 1)
        dims[rank++] = m;
    if (b->rank > 1)
        dims[rank++] = n;
    if (rank > OL_MAX_RANK)
        return ol_k_fail(k, "MatMul output rank %d is over %d", rank, OL_MAX_RANK);
    ol_array *y = ol_k_out(k, 0, a->elem_type, rank, dims);
    if (!y || !blas_sizes(k, m, n, kk))
        return false;
    if (!y->count)
        return true;
    size_t batches_n = dims_product(dims, 0, batch_rank);
    size_t sm = (size_t)m, sn = (size_t)n, sk = (size_t)kk;
    if (batch_b.rank == 0 && batches_n > 1 && (size_t)m * batches_n <= INT_MAX) {
        /* B is one matrix: A's batches stack into one tall product. */
        mat_product(a, 0, false, b, 0, false, y, 0, sm * batches_n, sn, sk, 1, 0);
        return true;
    }
    for (size_t t = 0; t < batches_n; t++) {
        size_t oa = ol_broadcast_offset(&batch_a, dims, batch_rank, t) * sm * sk;
        size_t ob = ol_broadcast_offset(&batch_b, dims, batch_rank, t) * sk * sn;
        mat_product(a, oa, false, b, ob, false, y, t * sm * sn, sm, sn, sk, 1, 0);
    }
    return true;
}

/* Gemm: alpha * A' B' + beta * C, C broadcasting one way to (M, N) (before
 * opset 7 with broadcast=1 only, else exactly (M, N)). */
static bool kernel_Gemm(ol_kctx *k)
{
    const ol_array *a = ol_k_in(k, 0), *b = ol_k_in(k, 1), *c = ol_k_in(k, 2);
    if (!a || !b)
        return ol_k_fail(k, "needs A and B");
    if (!elem_numeric(a->elem_type) || a->elem_type != b->elem_type || (c && c->elem_type != a->elem_type))
        return ol_k_fail(k, "A is %s, B %s%s%s: one numeric type for all", elem_name(a->elem_type),
                         elem_name(b->elem_type), c ? ", C " : "", c ? elem_name(c->elem_type) : "");
    if (a->rank != 2 || b->rank != 2)
        return ol_k_fail(k, "Gemm's A %s and B %s must be matrices", ol_k_shape(k, a), ol_k_shape(k, b));
    bool ta = ol_attr_int(&k->infer, "transA", 0) != 0, tb = ol_attr_int(&k->infer, "transB", 0) != 0;
    double alpha = ol_attr_float(&k->infer, "alpha", 1.0f), beta = ol_attr_float(&k->infer, "beta", 1.0f);
    int64_t m = a->dims[ta ? 1 : 0], kk = a->dims[ta ? 0 : 1];
    int64_t kb = b->dims[tb ? 1 : 0], n = b->dims[tb ? 0 : 1];
    if (kk != kb)
        return ol_k_fail(k, "Gemm inner dims: %lld vs %lld (A %s%s, B %s%s)", (long long)kk, (long long)kb,
                         ol_k_shape(k, a), ta ? " transposed" : "", ol_k_shape(k, b), tb ? " transposed" : "");
    int64_t dims[2] = {m, n};
    ol_array *y = ol_k_out(k, 0, a->elem_type, 2, dims);
    if (!y || !blas_sizes(k, m, n, kk))
        return false;
    if (c) {
        bool exact = k->infer.version < OPSET_NUMPY_BINARY && !ol_attr_int(&k->infer, "broadcast", 0);
        if (exact ? !same_shape(c, y) : !broadcasts_into(y, c))
            return ol_k_fail(k, "Gemm's C %s does not %s (M, N) = (%lld, %lld)", ol_k_shape(k, c),
                             exact ? "equal (without broadcast=1)" : "broadcast to", (long long)m, (long long)n);
        if (!bin_run(k, BIN_SECOND, y, c, y))
            return false;
    }
    mat_product(a, 0, ta, b, 0, tb, y, 0, (size_t)m, (size_t)n, (size_t)kk, alpha, c ? beta : 0);
    return true;
}

/* Det: LU decomposition with partial pivoting (in double) of each matrix
 * of (*, M, M). */
static bool kernel_Det(ol_kctx *k)
{
    const ol_array *x = ol_k_in(k, 0);
    if (!x)
        return ol_k_fail(k, "input 0 is missing");
    if (!ol_elem_is_floating(x->elem_type))
        return ol_k_fail(k, "Det of %s elements is not defined", elem_name(x->elem_type));
    if (x->rank < 2 || x->dims[x->rank - 1] != x->dims[x->rank - 2])
        return ol_k_fail(k, "Det needs square matrices (*, M, M), got %s", ol_k_shape(k, x));
    ol_array *y = ol_k_out(k, 0, x->elem_type, x->rank - 2, x->dims);
    if (!y || !y->count)
        return y != NULL;
    size_t n = (size_t)x->dims[x->rank - 1];
    double *lu = ol_k_alloc(k, (n ? n * n : 1) * sizeof *lu);
    if (!lu)
        return false;
    for (size_t t = 0; t < y->count; t++) {
        for (size_t i = 0; i < n * n; i++)
            lu[i] = ol_array_get_f64(x, t * n * n + i);
        double det = 1;
        for (size_t col = 0; col < n; col++) {
            size_t pivot = col;
            for (size_t r = col + 1; r < n; r++) {
                if (fabs(lu[r * n + col]) > fabs(lu[pivot * n + col]))
                    pivot = r;
            }
            if (lu[pivot * n + col] == 0) {
                det = 0;
                break;
            }
            if (pivot != col) {
                for (size_t j = 0; j < n; j++) {
                    double s = lu[col * n + j];
                    lu[col * n + j] = lu[pivot * n + j];
                    lu[pivot * n + j] = s;
                }
                det = -det;
            }
            double p = lu[col * n + col];
            det *= p;
            for (size_t r = col + 1; r < n; r++) {
                double f = lu[r * n + col] / p;
                for (size_t j = col + 1; j < n; j++)
                    lu[r * n + j] -= f * lu[col * n + j];
            }
        }
        ol_array_set_f64(y, t, det);
    }
    return true;
}

/* ---------------------------------------------------------------------- */
/* kernels: Einsum                                                         */
/* ---------------------------------------------------------------------- */

/* Parses one term of an equation (letters, at most one "...", spaces
 * ignored); false when malformed. */
static bool einsum_term_parse(const char *text, size_t len, einsum_term *t)
{
    memset(t, 0, sizeof *t);
    for (size_t i = 0; i < len; i++) {
        int item;
        if (text[i] == ' ')
            continue;
        if (text[i] == '.') {
            if (i + 2 >= len || text[i + 1] != '.' || text[i + 2] != '.' || t->ellipsis)
                return false;
            i += 2;
            t->ellipsis = true;
            item = EINSUM_ELLIPSIS;
        } else if ((item = einsum_label(text[i])) < 0) {
            return false;
        } else {
            t->n_labels++;
        }
        if (t->n > OL_MAX_RANK)
            return false;
        t->items[t->n++] = item;
    }
    return true;
}

/* The loop ids of a term's axes for an input of rank `rank`: labels as
 * themselves, the ellipsis' dims as EINSUM_LABELS + their position in the
 * broadcast ellipsis (of rank ell_max), right-aligned. */
static int einsum_axis_ids(const einsum_term *t, int rank, int ell_max, int *ids)
{
    int ell = rank - t->n_labels, pos = 0;
    for (int j = 0; j < t->n; j++) {
        if (t->items[j] != EINSUM_ELLIPSIS) {
            ids[pos++] = t->items[j];
            continue;
        }
        for (int e = 0; e < ell; e++)
            ids[pos++] = EINSUM_LABELS + (ell_max - ell) + e;
    }
    return pos;
}

/* Einsum with explicit index loops: the output's indices outermost, the
 * summed ones innermost; repeated labels in one term take diagonals, dims
 * of 1 broadcast. */
static bool kernel_Einsum(ol_kctx *k)
{
    const char *eq = ol_attr_string(&k->infer, "equation", NULL);
    if (!eq)
        return ol_k_fail(k, "Einsum needs an equation");
    size_t n_in = k->n_inputs;
    const char *arrow = strstr(eq, "->");
    size_t lhs_len = arrow ? (size_t)(arrow - eq) : strlen(eq);
    size_t n_terms = 1;
    for (size_t i = 0; i < lhs_len; i++)
        n_terms += eq[i] == ',';
    if (n_terms != n_in || !n_in)
        return ol_k_fail(k, "Einsum equation '%s' has %zu input terms for %zu inputs", eq, n_terms, n_in);
    einsum_term *terms = ol_k_alloc(k, n_in * sizeof *terms);
    const ol_array **in = ol_k_alloc(k, n_in * sizeof *in);
    int *axis_ids = ol_k_alloc(k, n_in * (OL_MAX_RANK + 1) * sizeof *axis_ids);
    int64_t *strides = ol_k_alloc(k, n_in * EINSUM_MAX_IDS * sizeof *strides);
    if (!terms || !in || !axis_ids || !strides)
        return false;
    int ell_max = 0;
    bool any_ellipsis = false;
    size_t start = 0;
    for (size_t i = 0; i < n_in; i++) {
        const char *comma = memchr(eq + start, ',', lhs_len - start);
        size_t end = comma ? (size_t)(comma - eq) : lhs_len;
        in[i] = ol_k_in(k, i);
        if (!in[i] || !elem_numeric(in[i]->elem_type) || in[i]->elem_type != ol_k_in(k, 0)->elem_type)
            return ol_k_fail(k, "Einsum input %zu must be a numeric tensor of input 0's type", i);
        if (!einsum_term_parse(eq + start, end - start, &terms[i]))
            return ol_k_fail(k, "Einsum equation '%s': term '%.*s' is malformed", eq, (int)(end - start), eq + start);
        einsum_term *t = &terms[i];
        if (t->ellipsis ? in[i]->rank < t->n_labels : in[i]->rank != t->n_labels)
            return ol_k_fail(k, "Einsum equation '%s': term '%.*s' does not fit input %zu %s", eq, (int)(end - start),
                             eq + start, i, ol_k_shape(k, in[i]));
        if (t->ellipsis) {
            any_ellipsis = true;
            if (in[i]->rank - t->n_labels > ell_max)
                ell_max = in[i]->rank - t->n_labels;
        }
        start = end + 1;
    }
    /* Each id's size: equal across inputs, or 1 (broadcast). */
    int64_t size[EINSUM_MAX_IDS];
    int uses[EINSUM_MAX_IDS] = {0};
    for (int id = 0; id < EINSUM_MAX_IDS; id++)
        size[id] = -1;
    for (size_t i = 0; i < n_in; i++) {
        int *ids = axis_ids + i * (OL_MAX_RANK + 1);
        einsum_axis_ids(&terms[i], in[i]->rank, ell_max, ids);
        for (int ax = 0; ax < in[i]->rank; ax++) {
            int64_t d = in[i]->dims[ax];
            int id = ids[ax];
            if (size[id] < 0 || size[id] == 1)
                size[id] = d;
            else if (d != size[id] && d != 1)
                return ol_k_fail(k, "Einsum equation '%s': %s is %lld in one input and %lld in another", eq,
                                 id < EINSUM_LABELS ? "a label" : "an ellipsis dim", (long long)size[id],
                                 (long long)d);
            if (id < EINSUM_LABELS)
                uses[id]++;
        }
    }
    /* The output's ids, then the summed ones: the loop order. */
    int order[EINSUM_MAX_IDS], n_out = 0, n_loop;
    bool in_out[EINSUM_MAX_IDS] = {false};
    if (arrow) {
        einsum_term out;
        if (!einsum_term_parse(arrow + 2, strlen(arrow + 2), &out))
            return ol_k_fail(k, "Einsum equation '%s': the output term is malformed", eq);
        for (int j = 0; j < out.n; j++) {
            if (out.items[j] == EINSUM_ELLIPSIS) {
                for (int e = 0; e < ell_max; e++)
                    order[n_out++] = EINSUM_LABELS + e;
                continue;
            }
            int l = out.items[j];
            if (!uses[l] || in_out[l])
                return ol_k_fail(k, "Einsum equation '%s': output label '%c' %s", eq, einsum_char(l),
                                 in_out[l] ? "appears twice" : "is in no input");
            in_out[l] = true;
            order[n_out++] = l;
        }
        if (ell_max && !out.ellipsis)
            return ol_k_fail(k, "Einsum equation '%s': the inputs' '...' is missing from the output", eq);
    } else {
        for (int e = 0; any_ellipsis && e < ell_max; e++)
            order[n_out++] = EINSUM_LABELS + e;
        for (int l = 0; l < EINSUM_LABELS; l++) {
            if (uses[l] == 1)
                order[n_out++] = l;
        }
    }
    for (int j = 0; j < n_out; j++)
        in_out[order[j]] = true;
    n_loop = n_out;
    for (int id = 0; id < EINSUM_MAX_IDS; id++) {
        if (size[id] >= 0 && !in_out[id])
            order[n_loop++] = id;
    }
    int64_t out_dims[EINSUM_MAX_IDS];
    for (int j = 0; j < n_out; j++)
        out_dims[j] = size[order[j]];
    if (n_out > OL_MAX_RANK)
        return ol_k_fail(k, "Einsum output rank %d is over %d", n_out, OL_MAX_RANK);
    ol_array *y = ol_k_out(k, 0, in[0]->elem_type, n_out, out_dims);
    if (!y)
        return false;
    uint64_t steps = y->count;
    for (int j = n_out; j < n_loop; j++) {
        if (size[order[j]] == 0)
            steps = 0;
        else if (steps > EINSUM_MAX_STEPS / (uint64_t)size[order[j]])
            return ol_k_fail(k, "Einsum equation '%s' needs more than %llu steps", eq,
                             (unsigned long long)EINSUM_MAX_STEPS);
        else
            steps *= (uint64_t)size[order[j]];
    }
    if (!steps)
        return true;
    /* Per input, the stride of each loop index (a diagonal sums the strides
     * of its axes; a broadcast dim of 1 does not move). */
    for (size_t i = 0; i < n_in; i++) {
        int *ids = axis_ids + i * (OL_MAX_RANK + 1);
        int64_t st[OL_MAX_RANK + 1];
        int64_t *s = strides + i * EINSUM_MAX_IDS;
        ol_strides(in[i]->dims, in[i]->rank, st);
        for (int j = 0; j < n_loop; j++) {
            s[j] = 0;
            for (int ax = 0; ax < in[i]->rank; ax++) {
                if (ids[ax] == order[j] && in[i]->dims[ax] != 1)
                    s[j] += st[ax];
            }
        }
    }
    int64_t idx[EINSUM_MAX_IDS] = {0};
    size_t *off = ol_k_alloc(k, n_in * sizeof *off);
    if (!off)
        return false;
    memset(off, 0, n_in * sizeof *off);
    bool ints = ol_elem_is_integral(y->elem_type);
    uint64_t summed = steps / y->count, iacc = 0;
    double acc = 0;
    for (uint64_t step = 0; step < steps; step++) {
        if (ints) {
            uint64_t p = 1;
            for (size_t i = 0; i < n_in; i++)
                p *= (uint64_t)ol_array_get_i64(in[i], off[i]);
            iacc += p;
        } else {
            double p = 1;
            for (size_t i = 0; i < n_in; i++)
                p *= ol_array_get_f64(in[i], off[i]);
            acc += p;
        }
        if ((step + 1) % summed == 0) {
            size_t o = (size_t)(step / summed);
            if (ints)
                ol_array_set_i64(y, o, (int64_t)iacc);
            else
                ol_array_set_f64(y, o, acc);
            iacc = 0;
            acc = 0;
        }
        for (int j = n_loop - 1; j >= 0; j--) {
            for (size_t i = 0; i < n_in; i++)
                off[i] += (size_t)strides[i * EINSUM_MAX_IDS + j];
            if (++idx[j] < size[order[j]])
                break;
            for (size_t i = 0; i < n_in; i++)
                off[i] -= (size_t)(strides[i * EINSUM_MAX_IDS + j] * size[order[j]]);
            idx[j] = 0;
        }
    }
    return true;
}

/* ---------------------------------------------------------------------- */
/* kernels: TopK, CumSum                                                   */
/* ---------------------------------------------------------------------- */

/* The keys TopK sorts one slice by: integers exactly (uint64 with the sign
 * bit flipped, so signed order is unsigned order), reals with NaN above
 * everything (numpy's sort order). */
typedef struct topk_keys {
    const int64_t *ints;
    const double *reals;
    bool largest;
} topk_keys;

/* True when element i must come before element j (ties keep index order:
 * the merge sort is stable). */
static bool topk_before(const topk_keys *ks, int64_t i, int64_t j)
{
    if (ks->ints)
        return ks->largest ? ks->ints[i] > ks->ints[j] : ks->ints[i] < ks->ints[j];
    double a = ks->reals[i], b = ks->reals[j];
    if (isnan(a) || isnan(b))
        return ks->largest ? isnan(a) && !isnan(b) : !isnan(a) && isnan(b);
    return ks->largest ? a > b : a < b;
}

/* Stable bottom-up merge sort of order[0..n) by the keys; tmp has n room. */
static void topk_sort(const topk_keys *ks, int64_t *order, int64_t *tmp, size_t n)
{
    for (size_t width = 1; width < n; width *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * width) {
            size_t mid = lo + width < n ? lo + width : n, hi = lo + 2 * width < n ? lo + 2 * width : n;
            size_t i = lo, j = mid, o = lo;
            while (i < mid && j < hi)
                tmp[o++] = topk_before(ks, order[j], order[i]) ? order[j++] : order[i++];
            while (i < mid)
                tmp[o++] = order[i++];
            while (j < hi)
                tmp[o++] = order[j++];
        }
        memcpy(order, tmp, n * sizeof *order);
    }
}

/* TopK: the k largest (or smallest) along axis, sorted, equal values in
 * index order; k from the attribute before opset 10, from input 1 after. */
static bool kernel_TopK(ol_kctx *k)
{
    const ol_array *x = ol_k_in(k, 0);
    if (!x)
        return ol_k_fail(k, "input 0 is missing");
    if (!elem_numeric(x->elem_type))
        return ol_k_fail(k, "TopK of %s elements is not defined", elem_name(x->elem_type));
    int64_t kk = 0;
    if (k->infer.version < OPSET_TOPK_INPUT) {
        if (!ol_attr_has(&k->infer, "k"))
            return ol_k_fail(k, "TopK needs its k attribute");
        kk = ol_attr_int(&k->infer, "k", 0);
    } else if (!scalar_int(k, 1, "TopK's K", &kk)) {
        return false;
    }
    int axis = kernel_axis(k, ol_attr_int(&k->infer, "axis", -1), x->rank, "TopK axis");
    if (axis < 0)
        return false;
    int64_t n = x->dims[axis];
    if (kk < 0 || kk > n)
        return ol_k_fail(k, "TopK's k = %lld is not within dim %d (%lld) of X %s", (long long)kk, axis, (long long)n,
                         ol_k_shape(k, x));
    bool largest = ol_attr_int(&k->infer, "largest", 1) != 0;
    int64_t dims[OL_MAX_RANK];
    memcpy(dims, x->dims, (size_t)x->rank * sizeof *dims);
    dims[axis] = kk;
    ol_array *values = ol_k_out(k, 0, x->elem_type, x->rank, dims);
    ol_array *indices = values ? ol_k_out(k, 1, ELEM_INT64, x->rank, dims) : NULL;
    if (!indices)
        return false;
    if (!values->count)
        return true;
    size_t sn = (size_t)n, sk = (size_t)kk, esize = ol_elem_size(x->elem_type);
    size_t outer = dims_product(x->dims, 0, axis), inner = dims_product(x->dims, axis + 1, x->rank);
    bool ints = ol_elem_is_integral(x->elem_type);
    int64_t *order = ol_k_alloc(k, sn * sizeof *order), *tmp = ol_k_alloc(k, sn * sizeof *tmp);
    int64_t *ikeys = ints ? ol_k_alloc(k, sn * sizeof *ikeys) : NULL;
    double *rkeys = ints ? NULL : ol_k_alloc(k, sn * sizeof *rkeys);
    if (!order || !tmp || (!ikeys && !rkeys))
        return false;
    topk_keys ks = {.ints = ikeys, .reals = rkeys, .largest = largest};
    bool flip = x->elem_type == ELEM_UINT64;
    int64_t *out_index = indices->data;
    for (size_t o = 0; o < outer; o++) {
        for (size_t in = 0; in < inner; in++) {
            size_t base = o * sn * inner + in;
            for (size_t j = 0; j < sn; j++) {
                order[j] = (int64_t)j;
                if (ints)
                    ikeys[j] = (int64_t)((uint64_t)ol_array_get_i64(x, base + j * inner) ^ (flip ? (uint64_t)INT64_MIN : 0));
                else
                    rkeys[j] = real_at(x, base + j * inner);
            }
            topk_sort(&ks, order, tmp, sn);
            for (size_t j = 0; j < sk; j++) {
                size_t dst = o * sk * inner + j * inner + in, src = base + (size_t)order[j] * inner;
                memcpy((char *)values->data + dst * esize, (const char *)x->data + src * esize, esize);
                out_index[dst] = order[j];
            }
        }
    }
    return true;
}

/* CumSum and CumProd (26) along the axis input: inclusive or exclusive,
 * forward or reverse.  Integers wrap as in two's complement (the sum and
 * product in uint64); floats accumulate in double. */
static bool cumulative_run(ol_kctx *k, bool product)
{
    const char *op = product ? "CumProd" : "CumSum";
    const ol_array *x = ol_k_in(k, 0);
    int64_t axis_v = 0;
    if (!x)
        return ol_k_fail(k, "input 0 is missing");
    if (!elem_numeric(x->elem_type))
        return ol_k_fail(k, "%s of %s elements is not defined", op, elem_name(x->elem_type));
    if (!scalar_int(k, 1, product ? "CumProd's axis" : "CumSum's axis", &axis_v))
        return false;
    int axis = kernel_axis(k, axis_v, x->rank, product ? "CumProd axis" : "CumSum axis");
    if (axis < 0)
        return false;
    bool exclusive = ol_attr_int(&k->infer, "exclusive", 0) != 0, reverse = ol_attr_int(&k->infer, "reverse", 0) != 0;
    ol_array *y = ol_k_out(k, 0, x->elem_type, x->rank, x->dims);
    if (!y || !y->count)
        return y != NULL;
    size_t n = (size_t)x->dims[axis];
    size_t outer = dims_product(x->dims, 0, axis), inner = dims_product(x->dims, axis + 1, x->rank);
    bool ints = ol_elem_is_integral(x->elem_type);
    for (size_t o = 0; o < outer; o++) {
        for (size_t in = 0; in < inner; in++) {
            uint64_t iacc = product ? 1 : 0;
            double acc = product ? 1 : 0;
            for (size_t s = 0; s < n; s++) {
                size_t j = reverse ? n - 1 - s : s, at = o * n * inner + j * inner + in;
                if (ints) {
                    uint64_t v = (uint64_t)ol_array_get_i64(x, at), next = product ? iacc * v : iacc + v;
                    ol_array_set_i64(y, at, (int64_t)(exclusive ? iacc : next));
                    iacc = next;
                } else {
                    double v = real_at(x, at), next = product ? acc * v : acc + v;
                    real_set(y, at, exclusive ? acc : next);
                    acc = next;
                }
            }
        }
    }
    return true;
}

static bool kernel_CumSum(ol_kctx *k)
{
    return cumulative_run(k, false);
}

static bool kernel_CumProd(ol_kctx *k)
{
    return cumulative_run(k, true);
}

/* ---------------------------------------------------------------------- */
/* kernels: the losses                                                     */
/* ---------------------------------------------------------------------- */

/* NegativeLogLikelihoodLoss on input (N, C, d1...) - or
 * SoftmaxCrossEntropyLoss on scores, through their log-softmax over C -
 * with targets (N, d1...) and optional weights (C), as ONNX's reference
 * computes them: loss[n, d] = -w[t] * input[n, t, d] (0 where t is
 * ignore_index); 'mean' divides the sum by the summed weights of the
 * targets when there are weights or an ignore_index, else by the count. */
static bool loss_kernel(ol_kctx *k, bool softmax)
{
    const char *scores_name = softmax ? "scores" : "input", *labels_name = softmax ? "labels" : "target";
    const ol_array *s = ol_k_in(k, 0), *l = ol_k_in(k, 1), *w = ol_k_in(k, 2);
    if (!s || !l)
        return ol_k_fail(k, "needs %s and %s", scores_name, labels_name);
    if (!ol_elem_is_floating(s->elem_type) || (w && w->elem_type != s->elem_type))
        return ol_k_fail(k, "%s must be floating point%s", scores_name, w ? ", the weights of the same type" : "");
    if (!ol_elem_is_integral(l->elem_type) || l->elem_type == ELEM_BOOL)
        return ol_k_fail(k, "%s must be integers, not %s", labels_name, elem_name(l->elem_type));
    if (s->rank < 2)
        return ol_k_fail(k, "%s %s must be (N, C, ...): a batch and then the classes", scores_name,
                         ol_k_shape(k, s));
    int64_t l_dims[OL_MAX_RANK];
    bool labels_fit = l->rank == s->rank - 1 && l->dims[0] == s->dims[0];
    for (int i = 1; labels_fit && i < l->rank; i++)
        labels_fit = l->dims[i] == s->dims[i + 1];
    if (!labels_fit) {
        ol_array want = {.rank = s->rank - 1, .dims = l_dims};
        l_dims[0] = s->dims[0];
        for (int i = 2; i < s->rank; i++)
            l_dims[i - 1] = s->dims[i];
        return ol_k_fail(k, "%s %s vs %s %s: %s must be %s, the %s' shape without the classes (dim 1)",
                         labels_name, ol_k_shape(k, l), scores_name, ol_k_shape(k, s), labels_name,
                         ol_k_shape(k, &want), scores_name);
    }
    if (w && (w->rank != 1 || w->dims[0] != s->dims[1]))
        return ol_k_fail(k, "weights %s must be one per class (%lld)", ol_k_shape(k, w), (long long)s->dims[1]);
    const char *reduction = ol_attr_string(&k->infer, "reduction", "mean");
    bool none = strcmp(reduction, "none") == 0, sum = strcmp(reduction, "sum") == 0;
    if (!none && !sum && strcmp(reduction, "mean") != 0)
        return ol_k_fail(k, "reduction '%s' is not one of 'none', 'mean', 'sum'", reduction);
    bool has_ignore = ol_attr_has(&k->infer, "ignore_index");
    int64_t ignore = ol_attr_int(&k->infer, "ignore_index", 0);
    size_t n = (size_t)s->dims[0], c = (size_t)s->dims[1], d = dims_product(s->dims, 2, s->rank);
    /* The log-probabilities: output 1 when wanted, else scratch. */
    const ol_array *lp = s;
    if (softmax) {
        ol_array *p = out_wanted(k, 1) ? ol_k_out(k, 1, s->elem_type, s->rank, s->dims)
                                       : ol_k_array(k, s->elem_type, s->rank, s->dims);
        if (!p)
            return false;
        for (size_t i = 0; c && i < n; i++) {
            for (size_t j = 0; j < d; j++)
                softmax_run(SOFTMAX_LOG, s, p, i * c * d + j, c, d);
        }
        lp = p;
    }
    ol_array *y = ol_k_out(k, 0, s->elem_type, none ? l->rank : 0, l->dims);
    if (!y)
        return false;
    double total = 0, weight_total = 0;
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < d; j++) {
            size_t at = i * d + j;
            int64_t t = ol_array_get_i64(l, at);
            double loss = 0, weight = 0;
            if (!has_ignore || t != ignore) {
                if (t < 0 || (uint64_t)t >= c)
                    return ol_k_fail(k, "%s value %lld (element %zu of %s) is not a class of %s %s", labels_name,
                                     (long long)t, at, ol_k_shape(k, l), scores_name, ol_k_shape(k, s));
                weight = w ? ol_array_get_f64(w, (size_t)t) : 1;
                loss = -weight * real_at(lp, i * c * d + (size_t)t * d + j);
            }
            if (none)
                real_set(y, at, loss);
            total += loss;
            weight_total += weight;
        }
    }
    if (!none) {
        double count = (double)(n * d);
        real_set(y, 0, sum ? total : total / (w || has_ignore ? weight_total : count));
    }
    return true;
}

static bool kernel_NegativeLogLikelihoodLoss(ol_kctx *k)
{
    return loss_kernel(k, false);
}

static bool kernel_SoftmaxCrossEntropyLoss(ol_kctx *k)
{
    return loss_kernel(k, true);
}


static const ol_op_entry math_ops[] = {
    {"", "Abs", infer_Abs, kernel_Abs},
    {"", "Acos", infer_unary, kernel_Acos},
    {"", "Acosh", infer_unary, kernel_Acosh},
    {"", "Add", infer_Add, kernel_Add},
    {"", "Asin", infer_unary, kernel_Asin},
    {"", "Asinh", infer_unary, kernel_Asinh},
    {"", "Atan", infer_unary, kernel_Atan},
    {"", "Atanh", infer_unary, kernel_Atanh},
    {"", "Ceil", infer_Ceil, kernel_Ceil},
    {"", "Celu", infer_unary, kernel_Celu},
    {"", "Clip", infer_Clip, kernel_Clip},
    {"", "Cos", infer_unary, kernel_Cos},
    {"", "Cosh", infer_unary, kernel_Cosh},
    {"", "CumProd", infer_cumulative, kernel_CumProd},
    {"", "CumSum", infer_cumulative, kernel_CumSum},
    {"", "Det", infer_Det, kernel_Det},
    {"", "Div", infer_Div, kernel_Div},
    {"", "Einsum", infer_Einsum, kernel_Einsum},
    {"", "Elu", infer_unary, kernel_Elu},
    {"", "Erf", infer_unary, kernel_Erf},
    {"", "Exp", infer_unary, kernel_Exp},
    {"", "Floor", infer_Floor, kernel_Floor},
    {"", "Gelu", infer_unary, kernel_Gelu},
    {"", "Gemm", infer_Gemm, kernel_Gemm},
    {"", "HardSigmoid", infer_unary, kernel_HardSigmoid},
    {"", "HardSwish", infer_unary, kernel_HardSwish},
    {"", "Hardmax", infer_softmax_like, kernel_Hardmax},
    {"", "LeakyRelu", infer_unary, kernel_LeakyRelu},
    {"", "Log", infer_unary, kernel_Log},
    {"", "LogSoftmax", infer_softmax_like, kernel_LogSoftmax},
    {"", "MatMul", infer_MatMul, kernel_MatMul},
    {"", "Max", infer_Max, kernel_Max},
    {"", "Mean", infer_Mean, kernel_Mean},
    {"", "Min", infer_Min, kernel_Min},
    {"", "Mish", infer_unary, kernel_Mish},
    {"", "Mod", infer_Mod, kernel_Mod},
    {"", "Mul", infer_Mul, kernel_Mul},
    {"", "Neg", infer_Neg, kernel_Neg},
    {"", "NegativeLogLikelihoodLoss", infer_NegativeLogLikelihoodLoss, kernel_NegativeLogLikelihoodLoss},
    {"", "PRelu", infer_PRelu, kernel_PRelu},
    {"", "Pow", infer_Pow, kernel_Pow},
    {"", "Reciprocal", infer_unary, kernel_Reciprocal},
    {"", "Relu", infer_unary, kernel_Relu},
    {"", "Round", infer_Round, kernel_Round},
    {"", "Selu", infer_unary, kernel_Selu},
    {"", "Shrink", infer_unary, kernel_Shrink},
    {"", "Sigmoid", infer_unary, kernel_Sigmoid},
    {"", "Sign", infer_unary, kernel_Sign},
    {"", "Sin", infer_unary, kernel_Sin},
    {"", "Sinh", infer_unary, kernel_Sinh},
    {"", "Softmax", infer_softmax_like, kernel_Softmax},
    {"", "SoftmaxCrossEntropyLoss", infer_SoftmaxCrossEntropyLoss, kernel_SoftmaxCrossEntropyLoss},
    {"", "Softplus", infer_unary, kernel_Softplus},
    {"", "Softsign", infer_unary, kernel_Softsign},
    {"", "Sqrt", infer_unary, kernel_Sqrt},
    {"", "Sub", infer_Sub, kernel_Sub},
    {"", "Sum", infer_Sum, kernel_Sum},
    {"", "SwiGLU", infer_SwiGLU, kernel_SwiGLU},
    {"", "Swish", infer_unary, kernel_Swish},
    {"", "Tan", infer_unary, kernel_Tan},
    {"", "Tanh", infer_unary, kernel_Tanh},
    {"", "ThresholdedRelu", infer_unary, kernel_ThresholdedRelu},
    {"", "TopK", infer_TopK, kernel_TopK},
};

OL_FAMILY_DEFINE(math, math_ops);
