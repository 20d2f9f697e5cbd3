/*
 * quantization.c - inference and kernels for quantize, dequantize and the integer kernels
 * (onnx/defs/quantization and math's *Integer ops).
 *
 * One inference function per operator, registered in the table at the end
 * (sorted by domain, then name).  QuantizeLinear and DequantizeLinear keep
 * x's shape; their scale decides the granularity, which is checked against
 * x: a scalar (or a one-element tensor, as runtimes accept) is per-tensor,
 * a 1-D tensor is per-axis (opset 13) with x's dim at `axis`, and with
 * block_size (opset 21) the scale has x's rank and ceil(D/block_size) at
 * `axis`; the zero point has the scale's shape.  The output element type
 * comes from output_dtype, else the zero point (QuantizeLinear, uint8
 * without one) or the scale (DequantizeLinear; float before opset 19).
 * MatMulInteger and QLinearMatMul use numpy matmul shapes; ConvInteger and
 * QLinearConv share Conv's engine (ol_infer_conv_like).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "eval/blas.h"
#include "eval/kernels.h"
#include "ops/common.h"
#include "ops/families.h"

#define ELEM_FLOAT 1
#define ELEM_UINT8 2
#define ELEM_INT32 6
#define WHAT_LEN 160
/* The opset that added per-axis scales, and the one where DequantizeLinear's
 * output type became the scale's. */
#define PER_AXIS_SINCE 13
#define DEQUANTIZE_SCALE_TYPE_SINCE 19

/* Input positions: (De)QuantizeLinear, QLinearMatMul, ConvInteger, QLinearConv. */
enum { Q_X, Q_SCALE, Q_ZERO_POINT };
enum { QMM_A = 0, QMM_B = 3, QMM_Y_ZERO_POINT = 7 };
enum { CI_X = 0, CI_W = 1, CI_W_ZERO_POINT = 3 };
enum { QC_X = 0, QC_W = 3, QC_W_SCALE = 4, QC_W_ZERO_POINT = 5, QC_Y_ZERO_POINT = 7, QC_B = 8 };

/* True when a shape has exactly one element (every dim a concrete 1). */
static bool single_element(const ol_shape *s)
{
    for (int i = 0; i < s->rank; i++) {
        if (s->dims[i].kind != OL_DIM_VALUE || s->dims[i].value != 1)
            return false;
    }
    return true;
}

/* Checks input `scale` (and zero point `zp` when present) of a
 * (de)quantizer against x's shape: per-tensor, per-axis or blocked. */
static void check_scale(ol_ctx *ctx, size_t x_index, size_t scale_index, size_t zp_index)
{
    const ol_shape *x = ol_in_shape(ctx, x_index);
    const ol_shape *scale = ol_in_shape(ctx, scale_index);
    const ol_shape *zp = ol_in_shape(ctx, zp_index);
    char what[WHAT_LEN];
    if (scale && zp && !(single_element(scale) && single_element(zp))) {
        if (scale->rank != zp->rank) {
            ol_error(ctx, "shape-error", "the zero point %s must have the scale's shape %s",
                     ol_type_str(ctx, ol_in_type(ctx, zp_index)), ol_type_str(ctx, ol_in_type(ctx, scale_index)));
        } else {
            for (int i = 0; i < scale->rank; i++) {
                snprintf(what, sizeof what, "zero point vs scale dim %d", i);
                ol_dim_merge(ctx, scale->dims[i], zp->dims[i], what);
            }
        }
    }
    if (!scale || single_element(scale))
        return;
    int64_t block = ol_attr_int(ctx, "block_size", 0);
    if (ctx->version < PER_AXIS_SINCE || (scale->rank > 1 && block <= 0)) {
        ol_error(ctx, "shape-error", "the scale %s must be a scalar%s", ol_type_str(ctx, ol_in_type(ctx, scale_index)),
                 ctx->version < PER_AXIS_SINCE ? "" : " or 1-D without block_size");
        return;
    }
    if (!x)
        return;
    /* The default axis 1 cannot apply to a 1-D x: its only axis is meant. */
    int64_t fallback = x->rank == 1 ? 0 : 1;
    int axis = ol_axis(ctx, ol_attr_int(ctx, "axis", fallback), x->rank, false, "quantization axis");
    if (axis < 0)
        return;
    if (block <= 0) {
        snprintf(what, sizeof what, "per-axis scale %s vs x %s at axis %d",
                 ol_type_str(ctx, ol_in_type(ctx, scale_index)), ol_type_str(ctx, ol_in_type(ctx, x_index)), axis);
        ol_dim_merge(ctx, x->dims[axis], scale->dims[0], what);
        return;
    }
    if (scale->rank != x->rank) {
        ol_error(ctx, "shape-error", "a blocked scale %s must have the rank of x %s",
                 ol_type_str(ctx, ol_in_type(ctx, scale_index)), ol_type_str(ctx, ol_in_type(ctx, x_index)));
        return;
    }
    for (int i = 0; i < x->rank; i++) {
        ol_dim want = i == axis ? ol_dim_ceildiv(ctx->exprs, x->dims[i], ol_dim_value(block)) : x->dims[i];
        snprintf(what, sizeof what, "blocked scale %s vs x %s dim %d", ol_type_str(ctx, ol_in_type(ctx, scale_index)),
                 ol_type_str(ctx, ol_in_type(ctx, x_index)), i);
        ol_dim_merge(ctx, want, scale->dims[i], what);
    }
}

/* Output 0 gets x's shape with element type elem. */
static void same_shape(ol_ctx *ctx, size_t x_index, int32_t elem)
{
    const ol_shape *x = ol_in_shape(ctx, x_index);
    ol_dim *dims = ol_out_tensor(ctx, 0, elem, x ? x->rank : -1);
    for (int i = 0; dims && x && i < x->rank; i++)
        dims[i] = x->dims[i];
}

static void infer_QuantizeLinear(ol_ctx *ctx)
{
    int32_t elem = ELEM_UINT8;
    int64_t dtype = ol_attr_int(ctx, "output_dtype", 0);
    if (ol_in_has(ctx, Q_ZERO_POINT)) {
        elem = ol_in_elem(ctx, Q_ZERO_POINT);
        if (dtype && elem && dtype != elem)
            ol_error(ctx, "type-error", "output_dtype %lld differs from the zero point's type %s", (long long)dtype,
                     ol_type_str(ctx, ol_in_type(ctx, Q_ZERO_POINT)));
    } else if (dtype) {
        elem = (int32_t)dtype;
    }
    check_scale(ctx, Q_X, Q_SCALE, Q_ZERO_POINT);
    same_shape(ctx, Q_X, elem);
}

static void infer_DequantizeLinear(ol_ctx *ctx)
{
    int32_t elem = ol_in_elem(ctx, Q_SCALE);
    int64_t dtype = ol_attr_int(ctx, "output_dtype", 0);
    if (dtype)
        elem = (int32_t)dtype;
    else if (!elem && ctx->version < DEQUANTIZE_SCALE_TYPE_SINCE)
        elem = ELEM_FLOAT;
    check_scale(ctx, Q_X, Q_SCALE, Q_ZERO_POINT);
    same_shape(ctx, Q_X, elem);
}

/* y (uint8, x's shape), y_scale (float scalar), y_zero_point (uint8
 * scalar). */
static void infer_DynamicQuantizeLinear(ol_ctx *ctx)
{
    same_shape(ctx, 0, ELEM_UINT8);
    ol_out_tensor(ctx, 1, ELEM_FLOAT, 0);
    ol_out_tensor(ctx, 2, ELEM_UINT8, 0);
}

/* Output 0 of elem type elem is the numpy matmul of inputs ia and ib: 1-D
 * operands are promoted (and the added dim removed after), batch dims
 * broadcast, the inner dims must agree. */
static void matmul_shape(ol_ctx *ctx, size_t ia, size_t ib, int32_t elem)
{
    const ol_shape *a = ol_in_shape(ctx, ia), *b = ol_in_shape(ctx, ib);
    if (!a || !b) {
        ol_out_tensor(ctx, 0, elem, -1);
        return;
    }
    if (a->rank == 0 || b->rank == 0) {
        ol_error(ctx, "shape-error", "matrix product of a scalar: A %s, B %s", ol_type_str(ctx, ol_in_type(ctx, ia)),
                 ol_type_str(ctx, ol_in_type(ctx, ib)));
        ol_out_tensor(ctx, 0, elem, -1);
        return;
    }
    ol_dim k_a = a->dims[a->rank - 1];
    ol_dim k_b = b->dims[b->rank >= 2 ? b->rank - 2 : 0];
    char what[WHAT_LEN];
    snprintf(what, sizeof what, "inner dims of A %s and B %s", ol_type_str(ctx, ol_in_type(ctx, ia)),
             ol_type_str(ctx, ol_in_type(ctx, ib)));
    ol_dim_merge(ctx, k_a, k_b, what);
    ol_shape batch_a = {a->rank > 2 ? a->rank - 2 : 0, a->dims};
    ol_shape batch_b = {b->rank > 2 ? b->rank - 2 : 0, b->dims};
    const ol_shape *batches[] = {&batch_a, &batch_b};
    ol_shape batch;
    ol_broadcast(ctx, batches, 2, &batch);
    if (batch.rank < 0) {
        ol_out_tensor(ctx, 0, elem, -1);
        return;
    }
    int rank = batch.rank + (a->rank >= 2) + (b->rank >= 2);
    ol_dim *dims = ol_out_tensor(ctx, 0, elem, rank);
    if (!dims)
        return;
    int k = 0;
    for (; k < batch.rank; k++)
        dims[k] = batch.dims[k];
    if (a->rank >= 2)
        dims[k++] = a->dims[a->rank - 2];
    if (b->rank >= 2)
        dims[k++] = b->dims[b->rank - 1];
}

static void infer_MatMulInteger(ol_ctx *ctx)
{
    matmul_shape(ctx, 0, 1, ELEM_INT32);
}

/* a, a_scale, a_zero_point, b, b_scale, b_zero_point, y_scale,
 * y_zero_point: y has y_zero_point's type. */
static void infer_QLinearMatMul(ol_ctx *ctx)
{
    matmul_shape(ctx, QMM_A, QMM_B, ol_in_elem(ctx, QMM_Y_ZERO_POINT));
}

/* A per-output-channel input of a quantized convolution (w's scale or zero
 * point, a bias): when 1-D with more than one element, one per feature map
 * of w. */
static void check_per_channel(ol_ctx *ctx, size_t i, size_t w, const char *name)
{
    const ol_shape *s = ol_in_shape(ctx, i), *ws = ol_in_shape(ctx, w);
    if (!s || !ws || ws->rank < 1 || single_element(s))
        return;
    if (s->rank != 1) {
        ol_error(ctx, "shape-error", "%s %s must be a scalar or 1-D", name, ol_type_str(ctx, ol_in_type(ctx, i)));
        return;
    }
    char what[WHAT_LEN];
    snprintf(what, sizeof what, "%s %s vs feature maps of w %s", name, ol_type_str(ctx, ol_in_type(ctx, i)),
             ol_type_str(ctx, ol_in_type(ctx, w)));
    ol_dim_merge(ctx, ws->dims[0], s->dims[0], what);
}

/* x, w, x_zero_point, w_zero_point: int32 convolution. */
static void infer_ConvInteger(ol_ctx *ctx)
{
    ol_infer_conv_like(ctx, CI_X, CI_W, ELEM_INT32);
    check_per_channel(ctx, CI_W_ZERO_POINT, CI_W, "w_zero_point");
}

/* x, x_scale, x_zero_point, w, w_scale, w_zero_point, y_scale,
 * y_zero_point, B: y has y_zero_point's type; B is one int32 per feature
 * map. */
static void infer_QLinearConv(ol_ctx *ctx)
{
    ol_infer_conv_like(ctx, QC_X, QC_W, ol_in_elem(ctx, QC_Y_ZERO_POINT));
    check_per_channel(ctx, QC_W_SCALE, QC_W, "w_scale");
    check_per_channel(ctx, QC_W_ZERO_POINT, QC_W, "w_zero_point");
    check_per_channel(ctx, QC_B, QC_W, "B");
}

/* ---- kernels ----
 *
 * Quantization follows ONNX (and onnxruntime, which produced the expected
 * outputs of the QLinear tests): y = saturate(round(x / scale) + zero_point)
 * with x / scale in float and round half to even, dequantization
 * (x - zero_point) * scale in float.  The integer products (MatMulInteger,
 * QLinearMatMul, ConvInteger, QLinearConv) subtract the zero points first
 * and accumulate in double, which is exact for every integer sum below
 * 2^53; QLinear* then requantize with the float multiplier
 * a_scale * b_scale / y_scale.  Float8 types (opset 19 on) are decoded and
 * encoded here (round to nearest even, `saturate` deciding what happens
 * beyond the largest finite value).
 */

enum {
    ELEM_INT8 = 3,
    ELEM_UINT16 = 4,
    ELEM_INT16 = 5,
    ELEM_FLOAT16 = 10,
    ELEM_DOUBLE = 11,
    ELEM_BFLOAT16 = 16,
    ELEM_FLOAT8E4M3FN = 17,
    ELEM_FLOAT8E4M3FNUZ = 18,
    ELEM_FLOAT8E5M2 = 19,
    ELEM_FLOAT8E5M2FNUZ = 20,
    ELEM_FLOAT8E8M0 = 24
};
#define UINT8_LEVELS 255.0f /* DynamicQuantizeLinear's range [0, 255] */
#define MATMUL_RANK 2

static bool is_float8(int32_t elem)
{
    return elem >= ELEM_FLOAT8E4M3FN && elem <= ELEM_FLOAT8E5M2FNUZ;
}

/* The layout of a float8 kind: mantissa bits, exponent bias, the largest
 * finite value and its code, whether NaN is 0x80 (no negative zero). */
typedef struct float8_kind {
    int mbits, bias;
    double max;
    uint8_t max_code;
    bool uz;
} float8_kind;

static float8_kind float8_of(int32_t elem)
{
    switch (elem) {
    case ELEM_FLOAT8E4M3FN: return (float8_kind){3, 7, 448.0, 0x7e, false};
    case ELEM_FLOAT8E4M3FNUZ: return (float8_kind){3, 8, 240.0, 0x7f, true};
    case ELEM_FLOAT8E5M2: return (float8_kind){2, 15, 57344.0, 0x7b, false};
    default: return (float8_kind){2, 16, 57344.0, 0x7f, true};
    }
}

#define FLOAT8_SIGN 0x80
#define FLOAT8_MAGNITUDE 0x7f
#define FLOAT8_E4M3FN_NAN 0x7f /* S.1111.111 */
#define FLOAT8_E5M2_INF 0x7c   /* S.11111.00 */
#define FLOAT8_E5M2_NAN 0x7f
#define FLOAT8_BITS 7 /* below the sign */

static double float8_decode(int32_t elem, uint8_t b)
{
    float8_kind f = float8_of(elem);
    unsigned emask = (1u << (FLOAT8_BITS - f.mbits)) - 1;
    unsigned exp = (b >> f.mbits) & emask, mant = b & ((1u << f.mbits) - 1);
    if (f.uz && b == FLOAT8_SIGN)
        return NAN;
    if (elem == ELEM_FLOAT8E4M3FN && (b & FLOAT8_MAGNITUDE) == FLOAT8_E4M3FN_NAN)
        return NAN;
    if (elem == ELEM_FLOAT8E5M2 && exp == emask)
        return mant ? NAN : (b & FLOAT8_SIGN ? -INFINITY : INFINITY);
    double v = exp ? ldexp(1.0 + ldexp(mant, -f.mbits), (int)exp - f.bias) : ldexp(mant, 1 - f.bias - f.mbits);
    return b & FLOAT8_SIGN ? -v : v;
}

/* v rounded to the nearest float8 (ties to even); beyond the largest
 * finite value: that value with saturate, else NaN (inf for E5M2). */
static uint8_t float8_encode(int32_t elem, double v, bool saturate)
{
    float8_kind f = float8_of(elem);
    uint8_t sign = signbit(v) ? FLOAT8_SIGN : 0;
    uint8_t nan = f.uz ? FLOAT8_SIGN : elem == ELEM_FLOAT8E5M2 ? FLOAT8_E5M2_NAN : FLOAT8_E4M3FN_NAN;
    if (isnan(v))
        return nan;
    double a = fabs(v);
    int emin = 1 - f.bias, e;
    if (!isinf(a)) {
        frexp(a, &e);
        int quantum = (e - 1 > emin ? e - 1 : emin) - f.mbits;
        a = ldexp(rint(ldexp(a, -quantum)), quantum);
    }
    if (a > f.max) {
        if (f.uz && isinf(v))
            return nan;
        if (saturate)
            return sign | f.max_code;
        return elem == ELEM_FLOAT8E5M2 ? sign | FLOAT8_E5M2_INF : f.uz ? nan : sign | nan;
    }
    if (a == 0)
        return f.uz ? 0 : sign;
    frexp(a, &e);
    if (e - 1 < emin)
        return sign | (uint8_t)ldexp(a, f.bias - 1 + f.mbits);
    unsigned mant = (unsigned)ldexp(a, f.mbits - (e - 1)) - (1u << f.mbits);
    return sign | (uint8_t)((unsigned)(e - 1 + f.bias) << f.mbits) | (uint8_t)mant;
}

/* float8e8m0, the scales of the microscaling formats (DequantizeLinear-24
 * and QuantizeLinear-24 take them): 2^(b - 127), NaN for 0xff. */
#define FLOAT8E8M0_BIAS 127
#define FLOAT8E8M0_NAN 0xff

/* Element i of a quantized (integer or float8) or real array as a double. */
static double value_at(const ol_array *a, size_t i)
{
    if (is_float8(a->elem_type))
        return float8_decode(a->elem_type, ((const uint8_t *)a->data)[i]);
    if (a->elem_type == ELEM_FLOAT8E8M0) {
        uint8_t b = ((const uint8_t *)a->data)[i];
        return b == FLOAT8E8M0_NAN ? NAN : ldexp(1.0, (int)b - FLOAT8E8M0_BIAS);
    }
    if (a->elem_type == ELEM_FLOAT)
        return ((const float *)a->data)[i];
    return ol_array_get_f64(a, i);
}

/* Stores round(v) + zp, saturated to y's type: an integer type (ties to
 * even), or a float8 type (v + zp rounded by the encoding). */
static void store_quantized(ol_array *y, size_t i, float v, double zp, bool saturate)
{
    if (is_float8(y->elem_type)) {
        ((uint8_t *)y->data)[i] = float8_encode(y->elem_type, (double)v + zp, saturate);
        return;
    }
    int64_t lo, hi;
    switch (y->elem_type) {
    case ELEM_UINT8: lo = 0; hi = UINT8_MAX; break;
    case ELEM_INT8: lo = INT8_MIN; hi = INT8_MAX; break;
    case ELEM_UINT16: lo = 0; hi = UINT16_MAX; break;
    case ELEM_INT16: lo = INT16_MIN; hi = INT16_MAX; break;
    default: lo = INT32_MIN; hi = INT32_MAX; break;
    }
    double r = (double)rintf(v) + zp;
    int64_t q = r != r ? 0 : r < (double)lo ? lo : r > (double)hi ? hi : (int64_t)r;
    ol_array_set_i64(y, i, q);
}

/* Where element i of x finds its scale and zero point. */
typedef struct qparams {
    const ol_array *scale, *zp; /* zp NULL: 0 */
    int64_t block;              /* -1 per-tensor, 0 per-axis, else the block size */
    size_t inner, axis_len, scale_len;
} qparams;

static size_t qparam_index(const qparams *q, size_t i)
{
    if (q->block < 0)
        return 0;
    size_t n = i % q->inner, rest = i / q->inner;
    size_t a = rest % q->axis_len, o = rest / q->axis_len;
    if (q->block == 0)
        return a;
    return (o * q->scale_len + a / (size_t)q->block) * q->inner + n;
}

static bool same_dims(const ol_array *a, const ol_array *b)
{
    if (a->rank != b->rank)
        return false;
    for (int i = 0; i < a->rank; i++) {
        if (a->dims[i] != b->dims[i])
            return false;
    }
    return true;
}

/* Reads and checks the scale (input 1) and zero point (input 2) of a
 * (de)quantizer of x: per-tensor, per-axis (opset 13) or blocked (21). */
static bool read_qparams(ol_kctx *k, const ol_array *x, qparams *q)
{
    q->scale = ol_k_in(k, Q_SCALE);
    q->zp = ol_k_in(k, Q_ZERO_POINT);
    if (!x || !q->scale)
        return ol_k_fail(k, "x and its scale are required");
    const ol_array *s = q->scale;
    if (q->zp && q->zp->count != s->count)
        return ol_k_fail(k, "the zero point %s must have the scale's shape %s", ol_k_shape(k, q->zp),
                         ol_k_shape(k, s));
    int64_t block = ol_attr_int(&k->infer, "block_size", 0);
    q->block = -1;
    q->inner = q->axis_len = q->scale_len = 1;
    if (s->count == 1 && block <= 0)
        return true;
    if (k->infer.version < PER_AXIS_SINCE || (s->rank != 1 && block <= 0) || x->rank == 0)
        return ol_k_fail(k, "the scale %s must be a scalar%s", ol_k_shape(k, s),
                         k->infer.version < PER_AXIS_SINCE ? "" : " or 1-D without block_size");
    bool has_axis = ol_attr_has(&k->infer, "axis");
    int64_t axis = ol_attr_int(&k->infer, "axis", 1);
    if (!has_axis && x->rank == 1)
        axis = 0; /* the default axis 1 cannot apply to a 1-D x: its only axis is meant */
    if (axis < -x->rank || axis >= x->rank)
        return ol_k_fail(k, "axis %lld is out of range for x %s", (long long)axis, ol_k_shape(k, x));
    if (axis < 0)
        axis += x->rank;
    for (int i = (int)axis + 1; i < x->rank; i++)
        q->inner *= (size_t)x->dims[i];
    q->axis_len = (size_t)x->dims[axis];
    if (block <= 0) {
        if (s->dims[0] != x->dims[axis])
            return ol_k_fail(k, "per-axis scale %s vs x %s at axis %lld", ol_k_shape(k, s), ol_k_shape(k, x),
                             (long long)axis);
        q->block = 0;
    } else {
        bool ok = s->rank == x->rank;
        for (int i = 0; ok && i < x->rank; i++)
            ok = s->dims[i] == (i == axis ? (x->dims[i] + block - 1) / block : x->dims[i]);
        if (!ok)
            return ol_k_fail(k, "blocked scale %s does not fit x %s with block_size %lld at axis %lld",
                             ol_k_shape(k, s), ol_k_shape(k, x), (long long)block, (long long)axis);
        q->block = block;
        q->scale_len = (size_t)s->dims[axis];
    }
    if (q->zp && !same_dims(q->zp, s))
        return ol_k_fail(k, "the zero point %s must have the scale's shape %s", ol_k_shape(k, q->zp),
                         ol_k_shape(k, s));
    return true;
}

static bool kernel_QuantizeLinear(ol_kctx *k)
{
    const ol_array *x = ol_k_in(k, Q_X);
    qparams q;
    if (!read_qparams(k, x, &q))
        return false;
    int32_t elem = q.zp ? q.zp->elem_type : (int32_t)ol_attr_int(&k->infer, "output_dtype", ELEM_UINT8);
    if (elem == 0)
        elem = ELEM_UINT8;
    if (!ol_elem_is_integral(elem) && !is_float8(elem))
        return ol_k_fail(k, "cannot quantize to element type %d", elem);
    bool saturate = ol_attr_int(&k->infer, "saturate", 1) != 0;
    ol_array *y = ol_k_out(k, 0, elem, x->rank, x->dims);
    if (!y)
        return false;
    for (size_t i = 0; i < x->count; i++) {
        size_t j = qparam_index(&q, i);
        float v = (float)value_at(x, i) / (float)value_at(q.scale, j);
        store_quantized(y, i, v, q.zp ? value_at(q.zp, j) : 0.0, saturate);
    }
    return true;
}

static bool kernel_DequantizeLinear(ol_kctx *k)
{
    const ol_array *x = ol_k_in(k, Q_X);
    qparams q;
    if (!read_qparams(k, x, &q))
        return false;
    int32_t elem = (int32_t)ol_attr_int(&k->infer, "output_dtype", 0);
    if (!elem)
        elem = k->infer.version < DEQUANTIZE_SCALE_TYPE_SINCE ? ELEM_FLOAT : q.scale->elem_type;
    if (!ol_elem_is_floating(elem))
        return ol_k_fail(k, "cannot dequantize to element type %d", elem);
    ol_array *y = ol_k_out(k, 0, elem, x->rank, x->dims);
    if (!y)
        return false;
    bool int_data = ol_elem_is_integral(x->elem_type);
    for (size_t i = 0; i < x->count; i++) {
        size_t j = qparam_index(&q, i);
        float diff;
        if (int_data) /* exact in int64, as the reference's int32 */
            diff = (float)(ol_array_get_i64(x, i) - (q.zp ? ol_array_get_i64(q.zp, j) : 0));
        else
            diff = (float)(value_at(x, i) - (q.zp ? value_at(q.zp, j) : 0.0));
        float v = diff * (float)value_at(q.scale, j);
        if (elem == ELEM_FLOAT)
            ((float *)y->data)[i] = v;
        else
            ol_array_set_f64(y, i, v);
    }
    return true;
}

/* y = saturate(round(x / scale) + zero_point) with scale and zero point
 * from x's range extended to 0, as ONNX's reference computes them. */
static bool kernel_DynamicQuantizeLinear(ol_kctx *k)
{
    const ol_array *x = ol_k_in(k, 0);
    if (!x)
        return ol_k_fail(k, "input 0 is missing");
    float lo = 0, hi = 0;
    for (size_t i = 0; i < x->count; i++) {
        float v = (float)value_at(x, i);
        lo = v < lo ? v : lo;
        hi = v > hi ? v : hi;
    }
    float scale = (hi - lo) / UINT8_LEVELS;
    float zp = 0;
    if (scale > 0) {
        zp = rintf((0 - lo) / scale);
        zp = zp < 0 ? 0 : zp > UINT8_LEVELS ? UINT8_LEVELS : zp;
    }
    ol_array *y = ol_k_out(k, 0, ELEM_UINT8, x->rank, x->dims);
    ol_array *y_scale = y ? ol_k_out(k, 1, ELEM_FLOAT, 0, NULL) : NULL;
    ol_array *y_zp = y_scale ? ol_k_out(k, 2, ELEM_UINT8, 0, NULL) : NULL;
    if (!y_zp)
        return false;
    *(float *)y_scale->data = scale;
    *(uint8_t *)y_zp->data = (uint8_t)zp;
    for (size_t i = 0; scale > 0 && i < x->count; i++)
        store_quantized(y, i, (float)value_at(x, i) / scale, zp, true);
    return true;
}

/* numpy matmul of A and B's shapes: 1-D operands promoted (the added dim
 * removed from the output), batch dims broadcast. */
typedef struct mm_plan {
    int64_t m, kk, n;
    int out_rank, batch_rank;
    int64_t out_dims[OL_MAX_RANK], batch_dims[OL_MAX_RANK];
    size_t n_batch, a_batches, b_batches;
    ol_array batch_a, batch_b; /* A's and B's batch dims, for ol_broadcast_offset */
} mm_plan;

static bool plan_matmul(ol_kctx *k, const ol_array *a, const ol_array *b, mm_plan *p)
{
    if (a->rank == 0 || b->rank == 0)
        return ol_k_fail(k, "matrix product of a scalar: A %s, B %s", ol_k_shape(k, a), ol_k_shape(k, b));
    p->m = a->rank >= MATMUL_RANK ? a->dims[a->rank - 2] : 1;
    p->kk = a->dims[a->rank - 1];
    int64_t kb = b->rank >= MATMUL_RANK ? b->dims[b->rank - 2] : b->dims[0];
    p->n = b->rank >= MATMUL_RANK ? b->dims[b->rank - 1] : 1;
    if (p->kk != kb)
        return ol_k_fail(k, "inner dims of A %s and B %s differ", ol_k_shape(k, a), ol_k_shape(k, b));
    memset(&p->batch_a, 0, sizeof p->batch_a);
    memset(&p->batch_b, 0, sizeof p->batch_b);
    p->batch_a.rank = a->rank > MATMUL_RANK ? a->rank - MATMUL_RANK : 0;
    p->batch_a.dims = a->dims;
    p->batch_b.rank = b->rank > MATMUL_RANK ? b->rank - MATMUL_RANK : 0;
    p->batch_b.dims = b->dims;
    const ol_array *both[2] = {&p->batch_a, &p->batch_b};
    if (!ol_broadcast_dims(both, 2, p->batch_dims, &p->batch_rank))
        return ol_k_fail(k, "batch dims of A %s and B %s do not broadcast", ol_k_shape(k, a), ol_k_shape(k, b));
    p->n_batch = p->a_batches = p->b_batches = 1;
    p->out_rank = 0;
    for (int i = 0; i < p->batch_rank; i++) {
        p->n_batch *= (size_t)p->batch_dims[i];
        p->out_dims[p->out_rank++] = p->batch_dims[i];
    }
    for (int i = 0; i < p->batch_a.rank; i++)
        p->a_batches *= (size_t)a->dims[i];
    for (int i = 0; i < p->batch_b.rank; i++)
        p->b_batches *= (size_t)b->dims[i];
    if (a->rank >= MATMUL_RANK)
        p->out_dims[p->out_rank++] = p->m;
    if (b->rank >= MATMUL_RANK)
        p->out_dims[p->out_rank++] = p->n;
    return true;
}

/* Where row (or column) r of batch `batch` of an operand with `batches`
 * batches and `len` rows (columns) finds its scale or zero point: a scalar,
 * a vector of len, or one value per batch and row. */
static bool param_layout(ol_kctx *k, const ol_array *param, size_t batches, int64_t len, const char *name)
{
    if (!param || param->count == 1 || (param->rank == 1 && param->dims[0] == len) ||
        param->count == batches * (size_t)len)
        return true;
    return ol_k_fail(k, "%s %s must be a scalar or one value per %s", name, ol_k_shape(k, param),
                     strstr(name, "b_") == name ? "column" : "row");
}

static size_t param_index(const ol_array *param, size_t batch, int64_t len, size_t r)
{
    if (param->count == 1)
        return 0;
    if (param->rank == 1 && param->dims[0] == len)
        return r;
    return batch * (size_t)len + r;
}

/* x (batches of rows x cols) minus its zero point (per row, or per column
 * with per_column, of each batch) as doubles. */
static double *centered(ol_kctx *k, const ol_array *x, const ol_array *zp, int64_t rows, int64_t cols,
                        bool per_column)
{
    double *out = ol_k_alloc(k, (x->count ? x->count : 1) * sizeof *out);
    if (!out)
        return NULL;
    for (size_t i = 0; i < x->count; i++) {
        size_t col = i % (size_t)cols, row = i / (size_t)cols % (size_t)rows, batch = i / (size_t)cols / (size_t)rows;
        double z = 0;
        if (zp)
            z = value_at(zp, per_column ? param_index(zp, batch, cols, col) : param_index(zp, batch, rows, row));
        out[i] = value_at(x, i) - z;
    }
    return out;
}

/* The matrix products of A and B (zero points subtracted) into a double
 * array of the output's element count. */
static double *matmul_centered(ol_kctx *k, const ol_array *a, const ol_array *a_zp, const ol_array *b,
                               const ol_array *b_zp, const mm_plan *p)
{
    if (!param_layout(k, a_zp, p->a_batches, p->m, "a_zero_point") ||
        !param_layout(k, b_zp, p->b_batches, p->n, "b_zero_point"))
        return NULL;
    double *ca = centered(k, a, a_zp, p->m, p->kk, false);
    double *cb = ca ? centered(k, b, b_zp, p->kk, p->n, true) : NULL;
    size_t mn = (size_t)p->m * (size_t)p->n;
    double *out = cb ? ol_k_alloc(k, (p->n_batch * mn + 1) * sizeof *out) : NULL;
    if (!out)
        return NULL;
    for (size_t bi = 0; bi < p->n_batch; bi++) {
        size_t ia = ol_broadcast_offset(&p->batch_a, p->batch_dims, p->batch_rank, bi);
        size_t ib = ol_broadcast_offset(&p->batch_b, p->batch_dims, p->batch_rank, bi);
        double *c = out + bi * mn;
        if (mn == 0)
            continue;
        if (p->kk == 0) {
            memset(c, 0, mn * sizeof *c);
            continue;
        }
        ol_cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)p->m, (int)p->n, (int)p->kk, 1.0,
                    ca + ia * (size_t)(p->m * p->kk), (int)p->kk, cb + ib * (size_t)(p->kk * p->n), (int)p->n, 0.0,
                    c, (int)p->n);
    }
    return out;
}

/* An integer sum (exact in double) wrapped to int32, as the spec's 32-bit
 * accumulation. */
static int32_t wrap_int32(double v)
{
    return (int32_t)(uint32_t)(uint64_t)(int64_t)v;
}

static bool kernel_MatMulInteger(ol_kctx *k)
{
    const ol_array *a = ol_k_in(k, 0), *b = ol_k_in(k, 1);
    if (!a || !b)
        return ol_k_fail(k, "A and B are required");
    mm_plan p;
    if (!plan_matmul(k, a, b, &p))
        return false;
    ol_array *y = ol_k_out(k, 0, ELEM_INT32, p.out_rank, p.out_dims);
    double *c = y ? matmul_centered(k, a, ol_k_in(k, 2), b, ol_k_in(k, 3), &p) : NULL;
    if (!c)
        return false;
    int32_t *out = y->data;
    for (size_t i = 0; i < y->count; i++)
        out[i] = wrap_int32(c[i]);
    return true;
}

static bool kernel_QLinearMatMul(ol_kctx *k)
{
    enum { A_SCALE = 1, A_ZP, B_SCALE = 4, B_ZP, Y_SCALE };
    const ol_array *a = ol_k_in(k, QMM_A), *b = ol_k_in(k, QMM_B);
    const ol_array *a_scale = ol_k_in(k, A_SCALE), *b_scale = ol_k_in(k, B_SCALE), *y_scale = ol_k_in(k, Y_SCALE);
    const ol_array *y_zp = ol_k_in(k, QMM_Y_ZERO_POINT);
    if (!a || !b || !a_scale || !b_scale || !y_scale || !y_zp)
        return ol_k_fail(k, "needs a, b, their scales, y_scale and y_zero_point");
    if (y_scale->count != 1 || y_zp->count != 1)
        return ol_k_fail(k, "y_scale %s and y_zero_point %s must be scalars", ol_k_shape(k, y_scale),
                         ol_k_shape(k, y_zp));
    mm_plan p;
    if (!plan_matmul(k, a, b, &p) || !param_layout(k, a_scale, p.a_batches, p.m, "a_scale") ||
        !param_layout(k, b_scale, p.b_batches, p.n, "b_scale"))
        return false;
    ol_array *y = ol_k_out(k, 0, y_zp->elem_type, p.out_rank, p.out_dims);
    double *c = y ? matmul_centered(k, a, ol_k_in(k, A_ZP), b, ol_k_in(k, B_ZP), &p) : NULL;
    if (!c)
        return false;
    float ys = (float)value_at(y_scale, 0);
    double zp = value_at(y_zp, 0);
    size_t mn = (size_t)p.m * (size_t)p.n;
    for (size_t i = 0; i < y->count; i++) {
        size_t bi = i / (mn ? mn : 1), row = i % mn / (size_t)p.n, col = i % (size_t)p.n;
        size_t ia = ol_broadcast_offset(&p.batch_a, p.batch_dims, p.batch_rank, bi);
        size_t ib = ol_broadcast_offset(&p.batch_b, p.batch_dims, p.batch_rank, bi);
        float as = (float)value_at(a_scale, param_index(a_scale, ia, p.m, row));
        float bs = (float)value_at(b_scale, param_index(b_scale, ib, p.n, col));
        store_quantized(y, i, (float)c[i] * (as * bs / ys), zp, true);
    }
    return true;
}

/* A convolution's geometry over concrete dims (Conv's attributes). */
typedef struct conv_plan {
    int sp;                      /* spatial dims */
    int64_t n, c, m, group, cg;  /* batch, channels, feature maps, groups, channels per group */
    int64_t in[OL_MAX_RANK], kernel[OL_MAX_RANK], out[OL_MAX_RANK];
    int64_t stride[OL_MAX_RANK], dilation[OL_MAX_RANK], pad[OL_MAX_RANK];
    size_t in_size, kernel_size, out_size; /* spatial element counts */
    int64_t out_dims[OL_MAX_RANK];
} conv_plan;

static bool plan_conv(ol_kctx *k, const ol_array *x, const ol_array *w, conv_plan *p)
{
    if (x->rank < 3 || w->rank != x->rank)
        return ol_k_fail(k, "x %s and w %s must be (N,C,D...) and (M,C/group,k...)", ol_k_shape(k, x),
                         ol_k_shape(k, w));
    ol_ctx *ctx = &k->infer;
    p->sp = x->rank - 2;
    p->n = x->dims[0];
    p->c = x->dims[1];
    p->m = w->dims[0];
    p->group = ol_attr_int(ctx, "group", 1);
    if (p->group < 1 || p->c % p->group != 0 || p->m % p->group != 0 || w->dims[1] * p->group != p->c)
        return ol_k_fail(k, "x %s, w %s and group %lld do not agree on the channels", ol_k_shape(k, x),
                         ol_k_shape(k, w), (long long)p->group);
    p->cg = p->c / p->group;
    size_t n_ks, n_st, n_dil, n_pads;
    const int64_t *ks = ol_attr_ints(ctx, "kernel_shape", &n_ks);
    const int64_t *st = ol_attr_ints(ctx, "strides", &n_st);
    const int64_t *dil = ol_attr_ints(ctx, "dilations", &n_dil);
    const int64_t *pads = ol_attr_ints(ctx, "pads", &n_pads);
    const char *auto_pad = ol_attr_string(ctx, "auto_pad", "NOTSET");
    size_t sp = (size_t)p->sp;
    if ((n_ks && n_ks != sp) || (n_st && n_st != sp) || (n_dil && n_dil != sp) || (n_pads && n_pads != 2 * sp))
        return ol_k_fail(k, "kernel_shape, strides, dilations or pads do not fit %d spatial dims of x %s", p->sp,
                         ol_k_shape(k, x));
    bool same = !strcmp(auto_pad, "SAME_UPPER") || !strcmp(auto_pad, "SAME_LOWER");
    bool valid = !strcmp(auto_pad, "VALID");
    if (!same && !valid && strcmp(auto_pad, "NOTSET"))
        return ol_k_fail(k, "auto_pad '%s' is not NOTSET, SAME_UPPER, SAME_LOWER or VALID", auto_pad);
    p->in_size = p->kernel_size = p->out_size = 1;
    p->out_dims[0] = p->n;
    p->out_dims[1] = p->m;
    for (int i = 0; i < p->sp; i++) {
        p->in[i] = x->dims[2 + i];
        p->kernel[i] = w->dims[2 + i];
        if (n_ks && ks[i] != p->kernel[i])
            return ol_k_fail(k, "kernel_shape does not match w %s", ol_k_shape(k, w));
        p->stride[i] = n_st ? st[i] : 1;
        p->dilation[i] = n_dil ? dil[i] : 1;
        if (p->stride[i] < 1 || p->dilation[i] < 1)
            return ol_k_fail(k, "strides and dilations must be positive");
        int64_t span = (p->kernel[i] - 1) * p->dilation[i] + 1;
        int64_t begin = n_pads && !valid ? pads[i] : 0, end = n_pads && !valid ? pads[sp + (size_t)i] : 0;
        if (same) {
            int64_t out = (p->in[i] + p->stride[i] - 1) / p->stride[i];
            int64_t total = (out - 1) * p->stride[i] + span - p->in[i];
            total = total > 0 ? total : 0;
            begin = !strcmp(auto_pad, "SAME_UPPER") ? total / 2 : total - total / 2;
            end = total - begin;
        }
        if (begin < 0 || end < 0)
            return ol_k_fail(k, "negative pads");
        int64_t padded = p->in[i] + begin + end;
        if (padded < span)
            return ol_k_fail(k, "spatial axis %d: the kernel (%lld dilated) is larger than the padded input %s", i,
                             (long long)span, ol_k_shape(k, x));
        p->pad[i] = begin;
        p->out[i] = (padded - span) / p->stride[i] + 1;
        p->out_dims[2 + i] = p->out[i];
        p->in_size *= (size_t)p->in[i];
        p->kernel_size *= (size_t)p->kernel[i];
        p->out_size *= (size_t)p->out[i];
    }
    return true;
}

/* The direct convolution of xc (N,C,D...) with wc (M,C/group,k...), both
 * centered doubles, into out (N,M,O...). */
static bool convolve(ol_kctx *k, const conv_plan *p, const double *xc, const double *wc, double *out)
{
    size_t sp = (size_t)p->sp;
    int64_t *kpos = ol_k_alloc(k, (p->kernel_size * sp + 1) * sizeof *kpos);
    if (!kpos)
        return false;
    for (size_t q = 0; q < p->kernel_size; q++) { /* the dilated offset of each kernel position */
        size_t rest = q;
        for (int d = p->sp - 1; d >= 0; d--) {
            kpos[q * sp + (size_t)d] = (int64_t)(rest % (size_t)p->kernel[d]) * p->dilation[d];
            rest /= (size_t)p->kernel[d];
        }
    }
    int64_t origin[OL_MAX_RANK], in_strides[OL_MAX_RANK];
    ol_strides(p->in, p->sp, in_strides);
    int64_t mg = p->m / p->group;
    for (int64_t n = 0; n < p->n; n++) {
        for (int64_t m = 0; m < p->m; m++) {
            int64_t g = m / mg;
            const double *wm = wc + (size_t)m * (size_t)p->cg * p->kernel_size;
            double *om = out + ((size_t)n * (size_t)p->m + (size_t)m) * p->out_size;
            for (size_t o = 0; o < p->out_size; o++) {
                size_t rest = o;
                for (int d = p->sp - 1; d >= 0; d--) {
                    origin[d] = (int64_t)(rest % (size_t)p->out[d]) * p->stride[d] - p->pad[d];
                    rest /= (size_t)p->out[d];
                }
                double acc = 0;
                for (int64_t c = 0; c < p->cg; c++) {
                    const double *xnc = xc + ((size_t)n * (size_t)p->c + (size_t)(g * p->cg + c)) * p->in_size;
                    const double *wmc = wm + (size_t)c * p->kernel_size;
                    for (size_t q = 0; q < p->kernel_size; q++) {
                        size_t off = 0;
                        bool inside = true;
                        for (size_t d = 0; d < sp && inside; d++) {
                            int64_t at = origin[d] + kpos[q * sp + d];
                            inside = at >= 0 && at < p->in[d];
                            off += (size_t)(at * in_strides[d]);
                        }
                        if (inside)
                            acc += xnc[off] * wmc[q];
                    }
                }
                om[o] = acc;
            }
        }
    }
    return true;
}

/* Centered x (one zero point) and w (one per feature map, or one) as
 * doubles, convolved: out has the output's element count. */
static double *conv_centered(ol_kctx *k, const conv_plan *p, const ol_array *x, const ol_array *x_zp,
                             const ol_array *w, const ol_array *w_zp)
{
    if (x_zp && x_zp->count != 1) {
        ol_k_fail(k, "x_zero_point %s must be a scalar", ol_k_shape(k, x_zp));
        return NULL;
    }
    if (w_zp && w_zp->count != 1 && (w_zp->rank != 1 || w_zp->dims[0] != p->m)) {
        ol_k_fail(k, "w_zero_point %s must be a scalar or one per feature map of w %s", ol_k_shape(k, w_zp),
                  ol_k_shape(k, w));
        return NULL;
    }
    double *xc = ol_k_alloc(k, (x->count + 1) * sizeof *xc);
    double *wc = xc ? ol_k_alloc(k, (w->count + 1) * sizeof *wc) : NULL;
    size_t n_out = (size_t)p->n * (size_t)p->m * p->out_size;
    double *out = wc ? ol_k_alloc(k, (n_out + 1) * sizeof *out) : NULL;
    if (!out)
        return NULL;
    double xz = x_zp ? value_at(x_zp, 0) : 0;
    for (size_t i = 0; i < x->count; i++)
        xc[i] = value_at(x, i) - xz;
    size_t per_map = w->count / (size_t)(p->m ? p->m : 1);
    for (size_t i = 0; i < w->count; i++)
        wc[i] = value_at(w, i) - (w_zp ? value_at(w_zp, w_zp->count == 1 ? 0 : i / per_map) : 0);
    return convolve(k, p, xc, wc, out) ? out : NULL;
}

static bool kernel_ConvInteger(ol_kctx *k)
{
    enum { X_ZERO_POINT = 2 };
    const ol_array *x = ol_k_in(k, CI_X), *w = ol_k_in(k, CI_W);
    if (!x || !w)
        return ol_k_fail(k, "x and w are required");
    conv_plan p;
    if (!plan_conv(k, x, w, &p))
        return false;
    ol_array *y = ol_k_out(k, 0, ELEM_INT32, x->rank, p.out_dims);
    double *c = y ? conv_centered(k, &p, x, ol_k_in(k, X_ZERO_POINT), w, ol_k_in(k, CI_W_ZERO_POINT)) : NULL;
    if (!c)
        return false;
    int32_t *out = y->data;
    for (size_t i = 0; i < y->count; i++)
        out[i] = wrap_int32(c[i]);
    return true;
}

static bool kernel_QLinearConv(ol_kctx *k)
{
    enum { X_SCALE = 1, X_ZERO_POINT = 2, Y_SCALE = 6 };
    const ol_array *x = ol_k_in(k, QC_X), *w = ol_k_in(k, QC_W);
    const ol_array *x_scale = ol_k_in(k, X_SCALE), *w_scale = ol_k_in(k, QC_W_SCALE);
    const ol_array *y_scale = ol_k_in(k, Y_SCALE), *y_zp = ol_k_in(k, QC_Y_ZERO_POINT), *bias = ol_k_in(k, QC_B);
    if (!x || !w || !x_scale || !w_scale || !y_scale || !y_zp)
        return ol_k_fail(k, "needs x, w, their scales, y_scale and y_zero_point");
    conv_plan p;
    if (!plan_conv(k, x, w, &p))
        return false;
    if (x_scale->count != 1 || y_scale->count != 1 || y_zp->count != 1)
        return ol_k_fail(k, "x_scale %s, y_scale %s and y_zero_point %s must be scalars", ol_k_shape(k, x_scale),
                         ol_k_shape(k, y_scale), ol_k_shape(k, y_zp));
    if (w_scale->count != 1 && (w_scale->rank != 1 || w_scale->dims[0] != p.m))
        return ol_k_fail(k, "w_scale %s must be a scalar or one per feature map of w %s", ol_k_shape(k, w_scale),
                         ol_k_shape(k, w));
    if (bias && (bias->rank != 1 || bias->dims[0] != p.m))
        return ol_k_fail(k, "B %s must have one value per feature map of w %s", ol_k_shape(k, bias),
                         ol_k_shape(k, w));
    ol_array *y = ol_k_out(k, 0, y_zp->elem_type, x->rank, p.out_dims);
    double *c = y ? conv_centered(k, &p, x, ol_k_in(k, X_ZERO_POINT), w, ol_k_in(k, QC_W_ZERO_POINT)) : NULL;
    if (!c)
        return false;
    float xs = (float)value_at(x_scale, 0), ys = (float)value_at(y_scale, 0);
    double zp = value_at(y_zp, 0);
    for (size_t i = 0; i < y->count; i++) {
        size_t m = i / p.out_size % (size_t)p.m;
        float ws = (float)value_at(w_scale, w_scale->count == 1 ? 0 : m);
        double acc = c[i] + (bias ? value_at(bias, m) : 0);
        store_quantized(y, i, (float)wrap_int32(acc) * (xs * ws / ys), zp, true);
    }
    return true;
}

static const ol_op_entry quantization_ops[] = {
    {"", "ConvInteger", infer_ConvInteger, kernel_ConvInteger},
    {"", "DequantizeLinear", infer_DequantizeLinear, kernel_DequantizeLinear},
    {"", "DynamicQuantizeLinear", infer_DynamicQuantizeLinear, kernel_DynamicQuantizeLinear},
    {"", "MatMulInteger", infer_MatMulInteger, kernel_MatMulInteger},
    {"", "QLinearConv", infer_QLinearConv, kernel_QLinearConv},
    {"", "QLinearMatMul", infer_QLinearMatMul, kernel_QLinearMatMul},
    {"", "QuantizeLinear", infer_QuantizeLinear, kernel_QuantizeLinear},
};

OL_FAMILY_DEFINE(quantization, quantization_ops);
