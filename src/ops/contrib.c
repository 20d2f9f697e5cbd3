/*
 * contrib.c - ONNX Runtime's own operators: the com.microsoft domain and its
 * registrations in the default domain (schema rows: schemas_contrib.inc).
 *
 * Two kinds live here.  The operators ONNX Runtime's training writes into
 * training graphs (gradients such as ReluGrad and ConvGrad, the
 * accumulators InPlaceAccumulatorV2, the optimizers AdamWOptimizer...):
 * each gradient has the type and shape of what it differentiates, so its
 * inference copies them from the forward value it names (dX from X, dW from
 * W) and keeps the symbolic dims.  And the fused operators ONNX Runtime's
 * optimizer writes into inference models (Attention, SkipLayerNormalization,
 * FusedMatMul, MatMulNBits, the QLinear family...): their output shapes as
 * docs/ContribOperators.md gives them.  Kernels exist for the elementwise
 * activations a loss's forward path may cross (Gelu, FastGelu, BiasGelu,
 * QuickGelu, BiasAdd); the gradient and optimizer operators are never run
 * (confirmation runs only the forward part of a training graph).
 *
 * As everywhere in src/ops: an unknown input gives an unknown output, the
 * element type is set whenever it is known, nothing here prints.
 */
#include <math.h>
#include <string.h>

#include "eval/kernels.h"
#include "ops/common.h"
#include "ops/families.h"

#define ELEM_FLOAT 1
#define ELEM_UINT8 2
#define ELEM_INT8 3
#define ELEM_INT32 6
#define ELEM_INT64 7
#define ELEM_BOOL 9
/* More attention heads than this is nonsense (the head size is left open). */
#define OL_MAX_HEADS ((int64_t)1 << 20)

/* ---- helpers ---- */

/* Output out gets input in's type when that input is present. */
static void like(ol_ctx *ctx, size_t out, size_t in)
{
    if (ol_out_has(ctx, out) && ol_in_has(ctx, in))
        ol_out_like(ctx, out, in);
}

/* A gradient dX of forward value x: dY's element type, the shape of x
 * merged dim by dim with dY's (both must be the forward value's shape). */
static void grad_of_typed(ol_ctx *ctx, size_t out, size_t dy, size_t x, int32_t elem)
{
    const ol_shape *a = ol_in_shape(ctx, dy), *b = ol_in_shape(ctx, x);
    if (!a || (b && b->rank != a->rank))
        a = b, b = NULL;
    ol_dim *dims = ol_out_tensor(ctx, out, elem, a ? a->rank : -1);
    for (int i = 0; dims && i < a->rank; i++)
        dims[i] = b && a->dims[i].kind == OL_DIM_UNKNOWN ? b->dims[i] : a->dims[i];
}

static void grad_of(ol_ctx *ctx, size_t out, size_t dy, size_t x)
{
    grad_of_typed(ctx, out, dy, x, ol_in_elem(ctx, dy) ? ol_in_elem(ctx, dy) : ol_in_elem(ctx, x));
}

/* dX of the forward operator's input 0 from dY (input 0) and X (input 1). */
static void infer_grad_dy_x(ol_ctx *ctx)
{
    grad_of(ctx, 0, 0, 1);
}

/* Output out: a tensor of elem of the given rank, every dim copied from
 * input in's shape except those set to the constant 1 in keep... (a
 * reduced statistic): axes >= axis become 1. */
static void stats_like(ol_ctx *ctx, size_t out, size_t in, int32_t elem, int64_t axis)
{
    if (!ol_out_has(ctx, out))
        return;
    const ol_shape *s = ol_in_shape(ctx, in);
    ol_dim *dims = ol_out_tensor(ctx, out, elem, s ? s->rank : -1);
    if (!dims)
        return;
    int a = s->rank ? ol_axis(ctx, axis, s->rank, false, "axis") : 0;
    for (int i = 0; i < s->rank; i++)
        dims[i] = a >= 0 && i >= a ? ol_dim_value(1) : s->dims[i];
}

/* A rank-1 tensor of n elements (n < 0: unknown length). */
static void vector_out(ol_ctx *ctx, size_t out, int32_t elem, ol_dim n)
{
    ol_dim *dims = ol_out_tensor(ctx, out, elem, 1);
    if (dims)
        dims[0] = n;
}

/* The dims of the product a (..., M, K) x b (..., K, N) with optional
 * transposes of the last two axes, into output 0 of element type elem. */
static void matmul_out(ol_ctx *ctx, size_t ia, size_t ib, int32_t elem, bool trans_a, bool trans_b)
{
    const ol_shape *a = ol_in_shape(ctx, ia), *b = ol_in_shape(ctx, ib);
    if (!a || !b || a->rank < 2 || b->rank < 1) {
        ol_out_tensor(ctx, 0, elem, -1);
        return;
    }
    ol_dim m = a->dims[a->rank - (trans_a ? 1 : 2)], ka = a->dims[a->rank - (trans_a ? 2 : 1)];
    ol_dim kb = b->rank == 1 ? b->dims[0] : b->dims[b->rank - (trans_b ? 1 : 2)];
    ol_dim n = b->rank == 1 ? ol_dim_unknown() : b->dims[b->rank - (trans_b ? 2 : 1)];
    if (ol_dim_differ(ctx->exprs, ka, kb))
        ol_error(ctx, "shape-error", "inner dims differ: %s vs %s", ol_dim_str(ctx, ka), ol_dim_str(ctx, kb));
    else
        ol_dim_merge(ctx, ka, kb, "inner dims");
    ol_shape batch_a = {a->rank - 2, a->dims}, batch_b = {b->rank > 2 ? b->rank - 2 : 0, b->dims};
    const ol_shape *batches[] = {&batch_a, &batch_b};
    ol_shape batch;
    ol_broadcast(ctx, batches, 2, &batch);
    if (batch.rank < 0) {
        ol_out_tensor(ctx, 0, elem, -1);
        return;
    }
    int rank = batch.rank + 1 + (b->rank > 1);
    ol_dim *dims = ol_out_tensor(ctx, 0, elem, rank);
    for (int i = 0; dims && i < batch.rank; i++)
        dims[i] = batch.dims[i];
    if (dims) {
        dims[batch.rank] = m;
        if (b->rank > 1)
            dims[batch.rank + 1] = n;
    }
}

/* Output out: input in's shape with its last dim replaced by last. */
static void last_dim_out(ol_ctx *ctx, size_t out, size_t in, int32_t elem, ol_dim last)
{
    const ol_shape *s = ol_in_shape(ctx, in);
    if (!s || s->rank < 1) {
        ol_out_tensor(ctx, out, elem, -1);
        return;
    }
    ol_dim *dims = ol_out_tensor(ctx, out, elem, s->rank);
    for (int i = 0; dims && i < s->rank - 1; i++)
        dims[i] = s->dims[i];
    if (dims)
        dims[s->rank - 1] = last;
}

/* Dim d of input i, unknown when its shape is. */
static ol_dim in_dim(const ol_ctx *ctx, size_t i, int d)
{
    const ol_shape *s = ol_in_shape(ctx, i);
    int k = d < 0 ? (s ? s->rank + d : -1) : d;
    if (!s || k < 0 || k >= s->rank)
        return ol_dim_unknown();
    return s->dims[k];
}

/* a / k when k divides a (symbolically exact), unknown otherwise. */
static ol_dim divide(ol_ctx *ctx, ol_dim a, int64_t k)
{
    if (k <= 0)
        return ol_dim_unknown();
    return ol_dim_div_exact(ctx->exprs, a, ol_dim_value(k));
}

/* Concatenation of inputs first, first + step... along attribute axis
 * into output 0. */
static void concat_out(ol_ctx *ctx, size_t first, size_t step, int32_t elem)
{
    const ol_shape *s0 = NULL;
    size_t n = ol_in_count(ctx);
    for (size_t i = first; i < n && !s0; i += step)
        s0 = ol_in_shape(ctx, i);
    if (!s0 || s0->rank < 1) {
        ol_out_tensor(ctx, 0, elem, -1);
        return;
    }
    int axis = ol_axis(ctx, ol_attr_int(ctx, "axis", 0), s0->rank, false, "axis");
    ol_dim *dims = ol_out_tensor(ctx, 0, elem, s0->rank);
    if (!dims || axis < 0)
        return;
    ol_dim sum = ol_dim_value(0);
    for (size_t i = first; i < n; i += step) {
        const ol_shape *s = ol_in_shape(ctx, i);
        if (!s || s->rank != s0->rank) {
            sum = ol_dim_unknown();
            continue;
        }
        sum = ol_dim_add(ctx->exprs, sum, s->dims[axis]);
    }
    for (int d = 0; d < s0->rank; d++)
        dims[d] = d == axis ? sum : s0->dims[d];
}

/* ---- training: gradients ---- */

static void infer_ConvGrad(ol_ctx *ctx)
{
    if (ol_out_has(ctx, 0))
        grad_of(ctx, 0, 1, 1);
    if (ol_out_has(ctx, 1))
        grad_of(ctx, 1, 2, 2);
    if (ol_out_has(ctx, 2))
        vector_out(ctx, 2, ol_in_elem(ctx, 0), in_dim(ctx, 2, 0));
}

/* ConvTranspose's W is (C, M/group, k...): dB has M = W[1] * group. */
static void infer_ConvTransposeGrad(ol_ctx *ctx)
{
    if (ol_out_has(ctx, 0))
        grad_of(ctx, 0, 1, 1);
    if (ol_out_has(ctx, 1))
        grad_of(ctx, 1, 2, 2);
    int64_t group = ol_attr_int(ctx, "group", 1);
    if (ol_out_has(ctx, 2))
        vector_out(ctx, 2, ol_in_elem(ctx, 0),
                   group >= 1 && group <= OL_MAX_HEADS ? ol_dim_mul(ctx->exprs, in_dim(ctx, 2, 1), ol_dim_value(group))
                                                       : ol_dim_unknown());
}

/* dX of a pooling: the input's shape is not in dY; batch and channels are. */
static void infer_PoolGrad(ol_ctx *ctx)
{
    const ol_shape *s = ol_in_shape(ctx, 0);
    ol_dim *dims = ol_out_tensor(ctx, 0, ol_in_elem(ctx, 0), s ? s->rank : -1);
    for (int i = 0; dims && i < s->rank && i < 2; i++)
        dims[i] = s->dims[i];
}

/* GatherGrad / GatherNDGrad (shape at input 0), GatherElementsGrad (at 1):
 * dX has the shape the shape tensor holds. */
static void shape_input_out(ol_ctx *ctx, size_t shape_in, size_t dy)
{
    int32_t elem = ol_in_elem(ctx, dy);
    const ol_data *d = ol_in_data(ctx, shape_in);
    const ol_shape *s = ol_in_shape(ctx, shape_in);
    if (d && d->rank == 1 && d->values && d->count <= OL_MAX_RANK) {
        ol_dim *dims = ol_out_tensor(ctx, 0, elem, (int)d->count);
        for (size_t i = 0; dims && i < d->count; i++)
            dims[i] = d->values[i];
        return;
    }
    int rank = s && s->rank == 1 && s->dims[0].kind == OL_DIM_VALUE ? (int)s->dims[0].value : -1;
    ol_out_tensor(ctx, 0, elem, rank);
}

static void infer_GatherGrad(ol_ctx *ctx)
{
    shape_input_out(ctx, 0, 2);
}

static void infer_GatherElementsGrad(ol_ctx *ctx)
{
    shape_input_out(ctx, 1, 0);
}

static void infer_DivGrad(ol_ctx *ctx)
{
    like(ctx, 0, 1);
    like(ctx, 1, 2);
}

/* X_grad has X's type T; Y_grad has scale's type V (they differ under mixed
 * precision). */
static void infer_LayerNormalizationGrad(ol_ctx *ctx)
{
    grad_of_typed(ctx, 0, 0, 1, ol_in_elem(ctx, 1) ? ol_in_elem(ctx, 1) : ol_in_elem(ctx, 0));
    like(ctx, 1, 2);
    like(ctx, 2, 2);
}

static void infer_InvertibleLayerNormalizationGrad(ol_ctx *ctx)
{
    grad_of(ctx, 0, 0, 1);
    like(ctx, 1, 2);
    like(ctx, 2, 3);
}

static void infer_BatchNormalizationGrad(ol_ctx *ctx)
{
    grad_of(ctx, 0, 0, 1);
    like(ctx, 1, 2);
    like(ctx, 2, 2);
}

/* d_logits of a softmax cross-entropy: the shape of log_prob (the logits'). */
static void infer_SoftmaxCrossEntropyLossGrad(ol_ctx *ctx)
{
    grad_of(ctx, 0, 1, 1);
    ol_out(ctx, 0)->elem_type = ol_in_elem(ctx, 0) ? ol_in_elem(ctx, 0) : ol_in_elem(ctx, 1);
}

/* The loss is a scalar unless reduction is "none" (then the labels'
 * shape); log_prob has the scores' shape. */
static void infer_SoftmaxCrossEntropyLossInternal(ol_ctx *ctx)
{
    int32_t elem = ol_in_elem(ctx, 0);
    if (strcmp(ol_attr_string(ctx, "reduction", "mean"), "none") == 0) {
        const ol_shape *l = ol_in_shape(ctx, 1);
        ol_dim *dims = ol_out_tensor(ctx, 0, elem, l ? l->rank : -1);
        for (int i = 0; dims && i < l->rank; i++)
            dims[i] = l->dims[i];
    } else {
        ol_out_tensor(ctx, 0, elem, 0);
    }
    if (ol_out_has(ctx, 1))
        like(ctx, 1, 0);
}

static void infer_SoftmaxCrossEntropy(ol_ctx *ctx)
{
    int32_t elem = ol_in_elem(ctx, 0);
    if (strcmp(ol_attr_string(ctx, "reduction", "mean"), "none") == 0)
        ol_out_tensor(ctx, 0, elem, -1);
    else
        ol_out_tensor(ctx, 0, elem, 0);
    like(ctx, 1, 0);
}

static void infer_BroadcastGradientArgs(ol_ctx *ctx)
{
    for (size_t i = 0; i < 2; i++) {
        if (ol_out_has(ctx, i))
            vector_out(ctx, i, ELEM_INT64, ol_dim_unknown());
    }
}

/* ReduceSum with axes as an input: the axes when they are known. */
static void infer_ReduceSumTraining(ol_ctx *ctx)
{
    int32_t elem = ol_in_elem(ctx, 0);
    const ol_shape *s = ol_in_shape(ctx, 0);
    const ol_data *axes = ol_in_data(ctx, 1);
    bool keep = ol_attr_int(ctx, "keepdims", 1) != 0;
    if (!s || !axes || axes->rank != 1 || !axes->values) {
        ol_out_tensor(ctx, 0, elem, keep && s ? s->rank : -1);
        return;
    }
    bool reduced[64] = {false};
    bool all = axes->count == 0 && ol_attr_int(ctx, "noop_with_empty_axes", 0) == 0;
    for (size_t i = 0; i < axes->count; i++) {
        if (axes->values[i].kind != OL_DIM_VALUE || s->rank > 64) {
            ol_out_tensor(ctx, 0, elem, keep ? s->rank : -1);
            return;
        }
        int a = ol_axis(ctx, axes->values[i].value, s->rank, false, "axes");
        if (a < 0)
            return;
        reduced[a] = true;
    }
    int rank = 0;
    for (int i = 0; i < s->rank; i++)
        rank += keep || !(all || reduced[i]);
    ol_dim *dims = ol_out_tensor(ctx, 0, elem, rank);
    for (int i = 0, k = 0; dims && i < s->rank; i++) {
        if (all || reduced[i]) {
            if (keep)
                dims[k++] = ol_dim_value(1);
        } else {
            dims[k++] = s->dims[i];
        }
    }
}

static void infer_ConcatTraining(ol_ctx *ctx)
{
    concat_out(ctx, 0, 1, ol_in_elem(ctx, 0));
    if (ol_out_has(ctx, 1))
        vector_out(ctx, 1, ELEM_INT64, ol_dim_value((int64_t)ol_in_count(ctx)));
}

/* Each output: the input's shape with the split axis unknown unless split
 * gives it. */
static void infer_SplitTraining(ol_ctx *ctx)
{
    const ol_shape *s = ol_in_shape(ctx, 0);
    const ol_data *split = ol_in_data(ctx, 1);
    int axis = s ? ol_axis(ctx, ol_attr_int(ctx, "axis", 0), s->rank, false, "axis") : -1;
    for (size_t o = 0; o < ol_out_count(ctx); o++) {
        if (!ol_out_has(ctx, o))
            continue;
        ol_dim *dims = ol_out_tensor(ctx, o, ol_in_elem(ctx, 0), s ? s->rank : -1);
        for (int i = 0; dims && i < s->rank; i++)
            dims[i] = i != axis ? s->dims[i]
                      : split && split->rank == 1 && split->values && o < split->count ? split->values[o]
                                                                       : ol_dim_unknown();
    }
}

static void infer_BatchNormInternal(ol_ctx *ctx)
{
    like(ctx, 0, 0);
    for (size_t i = 1; i < 5; i++)
        like(ctx, i, 3);
}

/* ---- training: accumulators and optimizers ---- */

/* updated_flag is a bool [1]; the buffer keeps its type. */
static void infer_InPlaceAccumulatorV2(ol_ctx *ctx)
{
    vector_out(ctx, 0, ELEM_BOOL, ol_dim_value(1));
    like(ctx, 1, 0);
}

/* updated_flag: bool or int64 (by ONNX Runtime version), so its type is the
 * declared one. */
static void infer_AdamWOptimizer(ol_ctx *ctx)
{
    vector_out(ctx, 0, 0, ol_dim_value(1));
    like(ctx, 1, 2);
    like(ctx, 2, 4);
    like(ctx, 3, 5);
}

static void infer_SGDOptimizerV2(ol_ctx *ctx)
{
    vector_out(ctx, 0, ELEM_BOOL, ol_dim_value(1));
    like(ctx, 1, 1);
}

/* ---- inference: fused and transformer operators ---- */

static void infer_FusedMatMul(ol_ctx *ctx)
{
    if (ol_attr_int(ctx, "transBatchA", 0) || ol_attr_int(ctx, "transBatchB", 0)) {
        ol_out_tensor(ctx, 0, ol_in_elem(ctx, 0), -1);
        return;
    }
    matmul_out(ctx, 0, 1, ol_in_elem(ctx, 0), ol_attr_int(ctx, "transA", 0) != 0, ol_attr_int(ctx, "transB", 0) != 0);
}

static void infer_FusedGemm(ol_ctx *ctx)
{
    const ol_shape *a = ol_in_shape(ctx, 0), *b = ol_in_shape(ctx, 1);
    if ((a && a->rank != 2) || (b && b->rank != 2)) {
        ol_error(ctx, "shape-error", "FusedGemm's A and B must be matrices");
        return;
    }
    matmul_out(ctx, 0, 1, ol_in_elem(ctx, 0), ol_attr_int(ctx, "transA", 0) != 0, ol_attr_int(ctx, "transB", 0) != 0);
}

static void infer_FusedConv(ol_ctx *ctx)
{
    ol_infer_conv_like(ctx, 0, 1, ol_in_elem(ctx, 0));
}

/* X (..., K) times W (K, N). */
static void infer_GemmFastGelu(ol_ctx *ctx)
{
    matmul_out(ctx, 0, 1, ol_in_elem(ctx, 0), false, false);
}

static void infer_SkipLayerNormalization(ol_ctx *ctx)
{
    like(ctx, 0, 0);
    stats_like(ctx, 1, 0, ELEM_FLOAT, -1);
    stats_like(ctx, 2, 0, ELEM_FLOAT, -1);
    like(ctx, 3, 0);
}

/* ONNX Runtime's default-domain SimplifiedLayerNormalization (RMS norm). */
static void infer_SimplifiedLayerNormalization(ol_ctx *ctx)
{
    const ol_shape *s = ol_in_shape(ctx, 0);
    ol_dim *dims = ol_out_tensor(ctx, 0, ol_in_elem(ctx, 1) ? ol_in_elem(ctx, 1) : ol_in_elem(ctx, 0),
                                 s ? s->rank : -1);
    for (int i = 0; dims && i < s->rank; i++)
        dims[i] = s->dims[i];
    int32_t stash = (int32_t)ol_attr_int(ctx, "stash_type", ELEM_FLOAT);
    stats_like(ctx, 1, 0, stash, ol_attr_int(ctx, "axis", -1));
}

/* input_ids (B, S) and word_embedding (V, H): output (B, S, H), mask_index
 * int32 (B). */
static void infer_EmbedLayerNormalization(ol_ctx *ctx)
{
    int32_t elem = ol_in_elem(ctx, 2);
    ol_dim b = in_dim(ctx, 0, 0), s = in_dim(ctx, 0, 1), h = in_dim(ctx, 2, 1);
    const ol_shape *ids = ol_in_shape(ctx, 0);
    if (ids && ids->rank != 2)
        ol_error(ctx, "shape-error", "input_ids must be 2-D (batch, sequence), not rank %d", ids->rank);
    for (size_t o = 0; o < 3; o += 2) {
        if (!ol_out_has(ctx, o))
            continue;
        ol_dim *dims = ol_out_tensor(ctx, o, elem, 3);
        if (dims)
            dims[0] = b, dims[1] = s, dims[2] = h;
    }
    if (ol_out_has(ctx, 1))
        vector_out(ctx, 1, ELEM_INT32, b);
}

/* input (B, S, H) and weights (H, 3 Hd) or qkv_hidden_sizes: output
 * (B, S, Hv); present (2, B, num_heads, total sequence, Hv/num_heads). */
static void infer_Attention(ol_ctx *ctx)
{
    int32_t elem = ol_in_elem(ctx, 0);
    size_t n;
    const int64_t *sizes = ol_attr_ints(ctx, "qkv_hidden_sizes", &n);
    ol_dim hv = n == 3 ? ol_dim_value(sizes[2]) : divide(ctx, in_dim(ctx, 1, 1), 3);
    const ol_shape *x = ol_in_shape(ctx, 0);
    if (x && x->rank != 3)
        ol_error(ctx, "shape-error", "input must be 3-D (batch, sequence, hidden), not rank %d", x->rank);
    if (x && x->rank == 3)
        ol_dim_merge(ctx, x->dims[2], in_dim(ctx, 1, 0), "input hidden size vs weights dim 0");
    ol_dim *dims = ol_out_tensor(ctx, 0, elem, 3);
    if (dims)
        dims[0] = in_dim(ctx, 0, 0), dims[1] = in_dim(ctx, 0, 1), dims[2] = hv;
    if (ol_out_has(ctx, 1)) {
        int64_t heads = ol_attr_int(ctx, "num_heads", 0);
        ol_dim *p = ol_out_tensor(ctx, 1, elem, 5);
        if (p)
            p[0] = ol_dim_value(2), p[1] = in_dim(ctx, 0, 0), p[2] = heads > 0 ? ol_dim_value(heads) : ol_dim_unknown(),
            p[3] = ol_dim_unknown(), p[4] = divide(ctx, hv, heads);
    }
}

/* query (B, S, D): output (B, S, Dv) with Dv from value (B, L, Dv) or
 * (B, N, L, H); packed query (B, S, N, 3, H) gives N*H. */
static void infer_MultiHeadAttention(ol_ctx *ctx)
{
    int32_t elem = ol_in_elem(ctx, 0);
    const ol_shape *q = ol_in_shape(ctx, 0), *v = ol_in_shape(ctx, 2);
    if (!q) {
        ol_out_tensor(ctx, 0, elem, -1);
        return;
    }
    ol_dim dv = ol_dim_unknown();
    if (q->rank == 5)
        dv = ol_dim_mul(ctx->exprs, q->dims[2], q->dims[4]);
    else if (v && v->rank == 3)
        dv = v->dims[2];
    else if (v && v->rank == 4)
        dv = ol_dim_mul(ctx->exprs, v->dims[1], v->dims[3]);
    else if (q->rank == 3 && !ol_in_has(ctx, 2))
        dv = q->dims[2];
    else if (q->rank == 3 && ol_in_has(ctx, 2) && !v)
        dv = ol_dim_unknown();
    if (q->rank != 3 && q->rank != 5) {
        ol_error(ctx, "shape-error", "query must be 3-D (batch, sequence, hidden) or packed 5-D, not rank %d",
                 q->rank);
        return;
    }
    ol_dim *dims = ol_out_tensor(ctx, 0, elem, 3);
    if (dims)
        dims[0] = q->dims[0], dims[1] = q->dims[1], dims[2] = dv;
    for (size_t o = 1; o < 3; o++) {
        if (ol_out_has(ctx, o))
            ol_out_tensor(ctx, o, elem, 4);
    }
}

/* query (B, S, D): output (B, S, num_heads * head_size); packed QKV
 * (key absent) has D = (num_heads + 2 kv_num_heads) * head_size.
 * present_key/value: (B, kv_num_heads, total sequence, head_size). */
static void infer_GroupQueryAttention(ol_ctx *ctx)
{
    int32_t elem = ol_in_elem(ctx, 0);
    int64_t heads = ol_attr_int(ctx, "num_heads", 0), kv = ol_attr_int(ctx, "kv_num_heads", 0);
    if (heads < 0 || heads > OL_MAX_HEADS || kv < 0 || kv > OL_MAX_HEADS)
        heads = kv = 0; /* nonsense: unknown head size, no overflow */
    ol_dim d = in_dim(ctx, 0, 2);
    ol_dim head = ol_in_has(ctx, 1) ? divide(ctx, d, heads) : divide(ctx, d, heads + 2 * kv);
    ol_dim *dims = ol_out_tensor(ctx, 0, elem, 3);
    if (dims)
        dims[0] = in_dim(ctx, 0, 0), dims[1] = in_dim(ctx, 0, 1),
        dims[2] = ol_in_has(ctx, 1) ? d : ol_dim_mul(ctx->exprs, head, ol_dim_value(heads));
    for (size_t o = 1; o < 3; o++) {
        int32_t cache = ol_in_elem(ctx, 3) ? ol_in_elem(ctx, 3) : elem;
        ol_dim *p = ol_out_tensor(ctx, o, cache, 4);
        if (p)
            p[0] = in_dim(ctx, 0, 0), p[1] = kv > 0 ? ol_dim_value(kv) : ol_dim_unknown(), p[2] = ol_dim_unknown(),
            p[3] = head;
    }
}

/* X (..., 2 H) gated into (..., H). */
static void infer_BiasSplitGelu(ol_ctx *ctx)
{
    last_dim_out(ctx, 0, 0, ol_in_elem(ctx, 0), divide(ctx, in_dim(ctx, 0, -1), 2));
}

/* A (..., K) times the N columns packed in B: (..., N). */
static void infer_MatMulNBits(ol_ctx *ctx)
{
    int64_t k = ol_attr_int(ctx, "K", 0), n = ol_attr_int(ctx, "N", 0);
    ol_dim ka = in_dim(ctx, 0, -1);
    if (ka.kind == OL_DIM_VALUE && k > 0 && ka.value != k)
        ol_error(ctx, "shape-error", "A's last dim is %lld, attribute K is %lld", (long long)ka.value, (long long)k);
    last_dim_out(ctx, 0, 0, ol_in_elem(ctx, 0), n > 0 ? ol_dim_value(n) : ol_dim_unknown());
}

/* ---- inference: quantization ---- */

static void infer_QuantizeLinear(ol_ctx *ctx)
{
    int32_t elem = ol_in_has(ctx, 2) ? ol_in_elem(ctx, 2) : ELEM_UINT8;
    const ol_shape *s = ol_in_shape(ctx, 0);
    ol_dim *dims = ol_out_tensor(ctx, 0, elem, s ? s->rank : -1);
    for (int i = 0; dims && i < s->rank; i++)
        dims[i] = s->dims[i];
}

static void infer_DequantizeLinear(ol_ctx *ctx)
{
    const ol_shape *s = ol_in_shape(ctx, 0);
    ol_dim *dims = ol_out_tensor(ctx, 0, ol_in_elem(ctx, 1), s ? s->rank : -1);
    for (int i = 0; dims && i < s->rank; i++)
        dims[i] = s->dims[i];
}

/* A (input 0) and B (input 3) broadcast. */
static void infer_QLinearBinary(ol_ctx *ctx)
{
    const ol_shape *shapes[] = {ol_in_shape(ctx, 0), ol_in_shape(ctx, 3)};
    int32_t elem = ol_in_elem(ctx, 0);
    if (!shapes[0] || !shapes[1]) {
        ol_out_tensor(ctx, 0, elem, -1);
        return;
    }
    ol_shape out;
    ol_broadcast(ctx, shapes, 2, &out);
    ol_dim *dims = ol_out_tensor(ctx, 0, elem, out.rank);
    for (int i = 0; dims && i < out.rank; i++)
        dims[i] = out.dims[i];
}

/* Inputs after Y's scale and zero point come in (tensor, scale, zero
 * point) triples. */
static void infer_QLinearConcat(ol_ctx *ctx)
{
    concat_out(ctx, 2, 3, ol_in_elem(ctx, 1));
}

static void infer_QLinearConv(ol_ctx *ctx)
{
    ol_infer_conv_like(ctx, 0, 3, ol_in_elem(ctx, 7));
}

/* (N, C, D...) to (N, C, 1...), or (N, D..., C) to (N, 1..., C). */
static void infer_QLinearGlobalAveragePool(ol_ctx *ctx)
{
    const ol_shape *s = ol_in_shape(ctx, 0);
    bool last = ol_attr_int(ctx, "channels_last", 0) != 0;
    ol_dim *dims = ol_out_tensor(ctx, 0, ol_in_elem(ctx, 0), s ? s->rank : -1);
    for (int i = 0; dims && i < s->rank; i++)
        dims[i] = i == 0 || i == (last ? s->rank - 1 : 1) ? s->dims[i] : ol_dim_value(1);
}

/* Pooling windows: batch and channels kept, spatial sizes left open. */
static void infer_QLinearAveragePool(ol_ctx *ctx)
{
    const ol_shape *s = ol_in_shape(ctx, 0);
    bool last = ol_attr_int(ctx, "channels_last", 0) != 0;
    ol_dim *dims = ol_out_tensor(ctx, 0, ol_in_elem(ctx, 0), s ? s->rank : -1);
    for (int i = 0; dims && i < s->rank; i++)
        dims[i] = i == 0 || i == (last ? s->rank - 1 : 1) ? s->dims[i] : ol_dim_unknown();
}

/* Gemm's shapes; float output unless y_scale makes it quantized. */
static void infer_QGemm(ol_ctx *ctx)
{
    int32_t elem = ol_in_has(ctx, 7) ? (ol_in_has(ctx, 8) ? ol_in_elem(ctx, 8) : ELEM_UINT8) : ELEM_FLOAT;
    matmul_out(ctx, 0, 3, elem, ol_attr_int(ctx, "transA", 0) != 0, ol_attr_int(ctx, "transB", 0) != 0);
}

static void infer_DynamicQuantizeMatMul(ol_ctx *ctx)
{
    matmul_out(ctx, 0, 1, ELEM_FLOAT, false, false);
}

static void infer_MatMulIntegerToFloat(ol_ctx *ctx)
{
    matmul_out(ctx, 0, 1, ol_in_elem(ctx, 2), false, false);
}

/* input (B, S, H), weight (H, 3 Hd): output (B, S, Hd) of the scales' type. */
static void infer_QAttention(ol_ctx *ctx)
{
    ol_dim *dims = ol_out_tensor(ctx, 0, ol_in_elem(ctx, 3), 3);
    if (dims)
        dims[0] = in_dim(ctx, 0, 0), dims[1] = in_dim(ctx, 0, 1), dims[2] = divide(ctx, in_dim(ctx, 1, 1), 3);
    if (ol_out_has(ctx, 1))
        ol_out_tensor(ctx, 1, ol_in_elem(ctx, 3), 5);
}

/* ---- kernels: the elementwise activations ---- */

static const double SQRT_2_OVER_PI = 0.7978845608028654;

static double gelu_f(double x, const void *c)
{
    (void)c;
    return 0.5 * x * (1.0 + erf(x / sqrt(2.0)));
}

static double fast_gelu_f(double x, const void *c)
{
    (void)c;
    return 0.5 * x * (1.0 + tanh(SQRT_2_OVER_PI * (x + 0.044715 * x * x * x)));
}

static double quick_gelu_f(double x, const void *c)
{
    double alpha = *(const double *)c;
    return x / (1.0 + exp(-alpha * x));
}

static double bias_gelu_f(double a, double b)
{
    return gelu_f(a + b, NULL);
}

static double bias_fast_gelu_f(double a, double b)
{
    return fast_gelu_f(a + b, NULL);
}

static bool kernel_Gelu(ol_kctx *k)
{
    return ol_k_unary(k, gelu_f, NULL, 0);
}

static bool kernel_FastGelu(ol_kctx *k)
{
    if (ol_in_has(&k->infer, 1))
        return ol_k_binary(k, bias_fast_gelu_f, NULL, 0);
    return ol_k_unary(k, fast_gelu_f, NULL, 0);
}

static bool kernel_BiasGelu(ol_kctx *k)
{
    return ol_k_binary(k, bias_gelu_f, NULL, 0);
}

static bool kernel_QuickGelu(ol_kctx *k)
{
    double alpha = ol_attr_float(&k->infer, "alpha", 1.702f);
    return ol_k_unary(k, quick_gelu_f, &alpha, 0);
}

/* ---- the table (sorted by domain, name) ---- */

static const ol_op_entry contrib_ops[] = {
    {"", "AveragePoolGrad", infer_PoolGrad, NULL},
    {"", "MaxPoolGrad", infer_PoolGrad, NULL},
    {"", "SimplifiedLayerNormalization", infer_SimplifiedLayerNormalization, NULL},
    {"com.microsoft", "AdamWOptimizer", infer_AdamWOptimizer, NULL},
    {"com.microsoft", "Attention", infer_Attention, NULL},
    {"com.microsoft", "BatchNormInternal", infer_BatchNormInternal, NULL},
    {"com.microsoft", "BatchNormalizationGrad", infer_BatchNormalizationGrad, NULL},
    {"com.microsoft", "BiasAdd", ol_infer_same_as_input, NULL},
    {"com.microsoft", "BiasFastGeluGrad_dX", infer_grad_dy_x, NULL},
    {"com.microsoft", "BiasGelu", ol_infer_same_as_input, kernel_BiasGelu},
    {"com.microsoft", "BiasGeluGrad_dX", infer_grad_dy_x, NULL},
    {"com.microsoft", "BiasSoftmax", ol_infer_same_as_input, NULL},
    {"com.microsoft", "BiasSplitGelu", infer_BiasSplitGelu, NULL},
    {"com.microsoft", "BitmaskDropoutGrad", ol_infer_same_as_input, NULL},
    {"com.microsoft", "BroadcastGradientArgs", infer_BroadcastGradientArgs, NULL},
    {"com.microsoft", "ConcatTraining", infer_ConcatTraining, NULL},
    {"com.microsoft", "ConvGrad", infer_ConvGrad, NULL},
    {"com.microsoft", "ConvTransposeGrad", infer_ConvTransposeGrad, NULL},
    {"com.microsoft", "DequantizeLinear", infer_DequantizeLinear, NULL},
    {"com.microsoft", "DivGrad", infer_DivGrad, NULL},
    {"com.microsoft", "DropoutGrad", ol_infer_same_as_input, NULL},
    {"com.microsoft", "DynamicQuantizeMatMul", infer_DynamicQuantizeMatMul, NULL},
    {"com.microsoft", "EmbedLayerNormalization", infer_EmbedLayerNormalization, NULL},
    {"com.microsoft", "FastGelu", ol_infer_same_as_input, kernel_FastGelu},
    {"com.microsoft", "FastGeluGrad", infer_grad_dy_x, NULL},
    {"com.microsoft", "FusedConv", infer_FusedConv, NULL},
    {"com.microsoft", "FusedGemm", infer_FusedGemm, NULL},
    {"com.microsoft", "FusedMatMul", infer_FusedMatMul, NULL},
    {"com.microsoft", "GatherElementsGrad", infer_GatherElementsGrad, NULL},
    {"com.microsoft", "GatherGrad", infer_GatherGrad, NULL},
    {"com.microsoft", "GatherNDGrad", infer_GatherGrad, NULL},
    {"com.microsoft", "Gelu", ol_infer_same_as_input, kernel_Gelu},
    {"com.microsoft", "GeluGrad", infer_grad_dy_x, NULL},
    {"com.microsoft", "GemmFastGelu", infer_GemmFastGelu, NULL},
    {"com.microsoft", "GroupQueryAttention", infer_GroupQueryAttention, NULL},
    {"com.microsoft", "InPlaceAccumulator", ol_infer_same_as_input, NULL},
    {"com.microsoft", "InPlaceAccumulatorV2", infer_InPlaceAccumulatorV2, NULL},
    {"com.microsoft", "Inverse", ol_infer_same_as_input, NULL},
    {"com.microsoft", "InvertibleLayerNormalizationGrad", infer_InvertibleLayerNormalizationGrad, NULL},
    {"com.microsoft", "LayerNormalizationGrad", infer_LayerNormalizationGrad, NULL},
    {"com.microsoft", "LeakyReluGrad", infer_grad_dy_x, NULL},
    {"com.microsoft", "LogSoftmaxGrad", infer_grad_dy_x, NULL},
    {"com.microsoft", "LogSoftmaxGrad_13", infer_grad_dy_x, NULL},
    {"com.microsoft", "MatMulIntegerToFloat", infer_MatMulIntegerToFloat, NULL},
    {"com.microsoft", "MatMulNBits", infer_MatMulNBits, NULL},
    {"com.microsoft", "MultiHeadAttention", infer_MultiHeadAttention, NULL},
    {"com.microsoft", "QAttention", infer_QAttention, NULL},
    {"com.microsoft", "QGemm", infer_QGemm, NULL},
    {"com.microsoft", "QLinearAdd", infer_QLinearBinary, NULL},
    {"com.microsoft", "QLinearAveragePool", infer_QLinearAveragePool, NULL},
    {"com.microsoft", "QLinearConcat", infer_QLinearConcat, NULL},
    {"com.microsoft", "QLinearConv", infer_QLinearConv, NULL},
    {"com.microsoft", "QLinearGlobalAveragePool", infer_QLinearGlobalAveragePool, NULL},
    {"com.microsoft", "QLinearLeakyRelu", ol_infer_same_as_input, NULL},
    {"com.microsoft", "QLinearMul", infer_QLinearBinary, NULL},
    {"com.microsoft", "QLinearSigmoid", ol_infer_same_as_input, NULL},
    {"com.microsoft", "QLinearSoftmax", ol_infer_same_as_input, NULL},
    {"com.microsoft", "QuantizeLinear", infer_QuantizeLinear, NULL},
    {"com.microsoft", "QuickGelu", ol_infer_same_as_input, kernel_QuickGelu},
    {"com.microsoft", "QuickGeluGrad", infer_grad_dy_x, NULL},
    {"com.microsoft", "ReduceSumTraining", infer_ReduceSumTraining, NULL},
    {"com.microsoft", "ReluGrad", infer_grad_dy_x, NULL},
    {"com.microsoft", "RotaryEmbedding", ol_infer_same_as_input, NULL},
    {"com.microsoft", "SGDOptimizerV2", infer_SGDOptimizerV2, NULL},
    {"com.microsoft", "Scale", ol_infer_same_as_input, NULL},
    {"com.microsoft", "SigmoidGrad", infer_grad_dy_x, NULL},
    {"com.microsoft", "SimplifiedLayerNormalizationGrad", infer_LayerNormalizationGrad, NULL},
    {"com.microsoft", "SkipLayerNormalization", infer_SkipLayerNormalization, NULL},
    {"com.microsoft", "SkipSimplifiedLayerNormalization", infer_SkipLayerNormalization, NULL},
    {"com.microsoft", "SoftmaxCrossEntropy", infer_SoftmaxCrossEntropy, NULL},
    {"com.microsoft", "SoftmaxCrossEntropyGrad", infer_grad_dy_x, NULL},
    {"com.microsoft", "SoftmaxCrossEntropyLossGrad", infer_SoftmaxCrossEntropyLossGrad, NULL},
    {"com.microsoft", "SoftmaxCrossEntropyLossInternal", infer_SoftmaxCrossEntropyLossInternal, NULL},
    {"com.microsoft", "SoftmaxCrossEntropyLossInternalGrad", infer_SoftmaxCrossEntropyLossGrad, NULL},
    {"com.microsoft", "SoftmaxGrad", infer_grad_dy_x, NULL},
    {"com.microsoft", "SoftmaxGrad_13", infer_grad_dy_x, NULL},
    {"com.microsoft", "SplitTraining", infer_SplitTraining, NULL},
    {"com.microsoft", "TanhGrad", infer_grad_dy_x, NULL},
    {"com.microsoft", "Trilu", ol_infer_same_as_input, NULL},
    {"com.microsoft", "ZeroGradient", ol_infer_same_as_input, NULL},
};

OL_FAMILY_DEFINE(contrib, contrib_ops);
