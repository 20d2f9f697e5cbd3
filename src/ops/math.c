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
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

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
 * ol_broadcast), other sizes must be equal. */
static ol_dim einsum_merge(ol_ctx *ctx, const char *eq, int label, ol_dim have, ol_dim d, bool first)
{
    if (first || is_value(have, 1))
        return d;
    if (is_value(d, 1) || d.kind == OL_DIM_UNKNOWN)
        return have;
    if (have.kind == OL_DIM_UNKNOWN)
        return d;
    if (have.kind == OL_DIM_VALUE && d.kind == OL_DIM_VALUE) {
        if (have.value != d.value)
            ol_error(ctx, "shape-error", "Einsum equation '%s': label '%c' is %lld in one input and %lld in another",
                     eq, einsum_char(label), (long long)have.value, (long long)d.value);
        return have;
    }
    if (d.kind == OL_DIM_VALUE)
        return d; /* a symbol against a size: the symbol is 1 or equal */
    if (have.kind == OL_DIM_SYMBOL && !ol_dim_equal(ctx->exprs, have, d) && !ol_dim_differ(ctx->exprs, have, d)) {
        char where[32];
        ol_exprs_unify(ctx->exprs, have, d, ol_node_display_name(ctx->node, where, sizeof where));
    }
    return have;
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
    ol_dim label_dim[EINSUM_LABELS] = {{0}};
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
            label_dim[l] = einsum_merge(ctx, eq, l, label_dim[l], d, label_count[l] == 0);
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
            dims[pos++] = label_dim[out.items[k]];
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

/* CumSum: x's type; the axis (a scalar input) must exist. */
static void infer_CumSum(ol_ctx *ctx)
{
    ol_infer_same_as_input(ctx);
    const ol_shape *as = ol_in_shape(ctx, 1);
    if (as && as->rank > 1)
        ol_error(ctx, "shape-error", "CumSum's axis %s must be a scalar", in_str(ctx, 1));
    const ol_data *d = ol_in_data(ctx, 1);
    int rank = in_rank(ctx, 0);
    if (d && d->count == 1 && d->values && d->values[0].kind == OL_DIM_VALUE && rank >= 0)
        ol_axis(ctx, d->values[0].value, rank, false, "CumSum axis");
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
/* kernels                                                                 */
/* ---------------------------------------------------------------------- */

static double add_f(double a, double b)
{
    return a + b;
}

static int64_t add_i(int64_t a, int64_t b)
{
    return (int64_t)((uint64_t)a + (uint64_t)b); /* wraps like the runtimes */
}

static bool kernel_Add(ol_kctx *k)
{
    return ol_k_binary(k, add_f, add_i, 0);
}

static double relu_f(double x, const void *ctx)
{
    (void)ctx;
    return x < 0 ? 0 : x; /* NaN stays NaN */
}

static bool kernel_Relu(ol_kctx *k)
{
    return ol_k_unary(k, relu_f, NULL, 0);
}

static const ol_op_entry math_ops[] = {
    {"", "Abs", infer_Abs, NULL},
    {"", "Acos", infer_unary, NULL},
    {"", "Acosh", infer_unary, NULL},
    {"", "Add", infer_Add, kernel_Add},
    {"", "Asin", infer_unary, NULL},
    {"", "Asinh", infer_unary, NULL},
    {"", "Atan", infer_unary, NULL},
    {"", "Atanh", infer_unary, NULL},
    {"", "Ceil", infer_Ceil, NULL},
    {"", "Celu", infer_unary, NULL},
    {"", "Clip", infer_Clip, NULL},
    {"", "Cos", infer_unary, NULL},
    {"", "Cosh", infer_unary, NULL},
    {"", "CumSum", infer_CumSum, NULL},
    {"", "Det", infer_Det, NULL},
    {"", "Div", infer_Div, NULL},
    {"", "Einsum", infer_Einsum, NULL},
    {"", "Elu", infer_unary, NULL},
    {"", "Erf", infer_unary, NULL},
    {"", "Exp", infer_unary, NULL},
    {"", "Floor", infer_Floor, NULL},
    {"", "Gelu", infer_unary, NULL},
    {"", "Gemm", infer_Gemm, NULL},
    {"", "HardSigmoid", infer_unary, NULL},
    {"", "HardSwish", infer_unary, NULL},
    {"", "Hardmax", infer_softmax_like, NULL},
    {"", "LeakyRelu", infer_unary, NULL},
    {"", "Log", infer_unary, NULL},
    {"", "LogSoftmax", infer_softmax_like, NULL},
    {"", "MatMul", infer_MatMul, NULL},
    {"", "Max", infer_Max, NULL},
    {"", "Mean", infer_Mean, NULL},
    {"", "Min", infer_Min, NULL},
    {"", "Mish", infer_unary, NULL},
    {"", "Mod", infer_Mod, NULL},
    {"", "Mul", infer_Mul, NULL},
    {"", "Neg", infer_Neg, NULL},
    {"", "NegativeLogLikelihoodLoss", infer_NegativeLogLikelihoodLoss, NULL},
    {"", "PRelu", infer_PRelu, NULL},
    {"", "Pow", infer_Pow, NULL},
    {"", "Reciprocal", infer_unary, NULL},
    {"", "Relu", infer_unary, kernel_Relu},
    {"", "Round", infer_Round, NULL},
    {"", "Selu", infer_unary, NULL},
    {"", "Shrink", infer_unary, NULL},
    {"", "Sigmoid", infer_unary, NULL},
    {"", "Sign", infer_unary, NULL},
    {"", "Sin", infer_unary, NULL},
    {"", "Sinh", infer_unary, NULL},
    {"", "Softmax", infer_softmax_like, NULL},
    {"", "SoftmaxCrossEntropyLoss", infer_SoftmaxCrossEntropyLoss, NULL},
    {"", "Softplus", infer_unary, NULL},
    {"", "Softsign", infer_unary, NULL},
    {"", "Sqrt", infer_unary, NULL},
    {"", "Sub", infer_Sub, NULL},
    {"", "Sum", infer_Sum, NULL},
    {"", "Tan", infer_unary, NULL},
    {"", "Tanh", infer_unary, NULL},
    {"", "ThresholdedRelu", infer_unary, NULL},
    {"", "TopK", infer_TopK, NULL},
};

OL_FAMILY_DEFINE(math, math_ops);
