/*
 * quantization.c - inference for quantize, dequantize and the integer kernels
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
#include <stdio.h>

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

static const ol_op_entry quantization_ops[] = {
    {"", "ConvInteger", infer_ConvInteger, NULL},
    {"", "DequantizeLinear", infer_DequantizeLinear, NULL},
    {"", "DynamicQuantizeLinear", infer_DynamicQuantizeLinear, NULL},
    {"", "MatMulInteger", infer_MatMulInteger, NULL},
    {"", "QLinearConv", infer_QLinearConv, NULL},
    {"", "QLinearMatMul", infer_QLinearMatMul, NULL},
    {"", "QuantizeLinear", infer_QuantizeLinear, NULL},
};

OL_FAMILY_DEFINE(quantization, quantization_ops);
