/*
 * attention.c - inference and numeric kernels for the sequence-model
 * operators of onnx/defs/nn added in opsets 23-27: Attention (23, 24: the
 * nonpad_kv_seqlen input, 25: sliding windows), RotaryEmbedding (23),
 * CausalConvWithState and LinearAttention (27).
 *
 * Q, K and V come either as 4-D (batch, heads, sequence, head size) or as
 * 3-D (batch, sequence, heads * head size) with the head counts in
 * attributes; the functions read both layouts into one description of the
 * logical dims (attn_dims) with symbolic dims kept, so a KV cache of
 * past_sequence_length P and kv_sequence_length S gives present dims P+S.
 * Head sizes of the 3-D layout are exact quotients (ol_dim_div_exact):
 * unknown rather than guessed when a symbolic hidden size does not divide.
 *
 * The kernels follow ONNX's reference implementations (onnx/reference/ops
 * op_attention.py, op_rotary_embedding.py, op_causal_conv_with_state.py,
 * op_linear_attention.py) in double precision: the softmax of a query row
 * whose additive bias is -inf everywhere is a row of zeros, not NaN.
 */
#include <math.h>
#include <string.h>

#include "eval/eval.h"
#include "ops/families.h"

#define ELEM_BOOL ONNX__TENSOR_PROTO__DATA_TYPE__BOOL

/* Ranks of the two layouts of Q, K and V. */
#define PACKED_RANK 3
#define HEADS_RANK 4
/* Attention-24 added nonpad_kv_seqlen; 25 the window attributes. */
#define ATTENTION_NONPAD_SINCE 24
#define ATTENTION_WINDOWS_SINCE 25
/* Attention's inputs and outputs. */
enum { IN_Q, IN_K, IN_V, IN_MASK, IN_PAST_KEY, IN_PAST_VALUE, IN_NONPAD };
enum { OUT_Y, OUT_PRESENT_KEY, OUT_PRESENT_VALUE, OUT_QK };
/* qk_matmul_output modes: the scores after softcap, plus the bias, after
 * the softmax (0 and 1 both give the softcapped scores, as ONNX's
 * reference computes them). */
enum { QK_WITH_BIAS = 2, QK_AFTER_SOFTMAX = 3 };

/* ---- inference ---- */

static const char *in_str(ol_ctx *ctx, size_t i)
{
    return ol_type_str(ctx, ol_in_type(ctx, i));
}

/* The shape of input i when its rank is one of the two layouts' (3 or 4,
 * or only `rank` when rank > 0); a shape-error and NULL otherwise. */
static const ol_shape *layout_shape(ol_ctx *ctx, size_t i, int rank, const char *what)
{
    const ol_shape *s = ol_in_shape(ctx, i);
    if (!s)
        return NULL;
    bool ok = rank > 0 ? s->rank == rank : s->rank == PACKED_RANK || s->rank == HEADS_RANK;
    if (ok)
        return s;
    if (rank > 0)
        ol_error(ctx, "shape-error", "%s '%s' %s must be %d-D", what, ol_in_name(ctx, i), in_str(ctx, i), rank);
    else
        ol_error(ctx, "shape-error", "%s '%s' %s must be 3-D or 4-D", what, ol_in_name(ctx, i), in_str(ctx, i));
    return NULL;
}

/* a merged with b when both are there (what names the pair), else the one
 * that is. */
static ol_dim merge(ol_ctx *ctx, ol_dim a, ol_dim b, const char *what)
{
    if (a.kind == OL_DIM_UNKNOWN)
        return b;
    if (b.kind == OL_DIM_UNKNOWN)
        return a;
    return ol_dim_merge(ctx, a, b, what);
}

/* A packed hidden size over a head count: exact, else unknown; a known
 * remainder is a shape-error. */
static ol_dim head_size(ol_ctx *ctx, ol_dim hidden, int64_t heads, size_t input)
{
    if (heads <= 0)
        return ol_dim_unknown();
    if (hidden.kind == OL_DIM_VALUE && hidden.value % heads != 0) {
        ol_error(ctx, "shape-error", "the last dim of '%s' %s is not a multiple of its %lld heads",
                 ol_in_name(ctx, input), in_str(ctx, input), (long long)heads);
        return ol_dim_unknown();
    }
    return ol_dim_div_exact(ctx->exprs, hidden, ol_dim_value(heads));
}

/* The logical dims of an attention: batch, query heads and sequence, head
 * size of Q and K, KV heads and sequence, V's head size. */
typedef struct attn_dims {
    int rank; /* of Q, K, V: 3, 4, or -1 when unknown */
    ol_dim batch, q_heads, q_seq, head, kv_heads, kv_seq, v_head;
} attn_dims;

/* Fills d from Q, K, V (inputs 0-2) and the head-count attributes. */
static void read_attn_dims(ol_ctx *ctx, attn_dims *d)
{
    const ol_shape *q = layout_shape(ctx, IN_Q, 0, "Q"), *k = layout_shape(ctx, IN_K, 0, "K");
    const ol_shape *v = layout_shape(ctx, IN_V, 0, "V");
    ol_dim u = ol_dim_unknown();
    *d = (attn_dims){-1, u, u, u, u, u, u, u};
    const ol_shape *any = q ? q : k ? k : v;
    if (!any)
        return;
    d->rank = any->rank;
    if ((q && q->rank != d->rank) || (k && k->rank != d->rank) || (v && v->rank != d->rank)) {
        ol_error(ctx, "shape-error", "Q %s, K %s and V %s must all be 3-D or all 4-D", in_str(ctx, IN_Q),
                 in_str(ctx, IN_K), in_str(ctx, IN_V));
        d->rank = -1;
        return;
    }
    const ol_shape *const all[] = {q, k, v};
    for (size_t i = 0; i < sizeof all / sizeof *all; i++) {
        if (all[i])
            d->batch = merge(ctx, d->batch, all[i]->dims[0], "the batch size of Q, K and V");
    }
    if (d->rank == HEADS_RANK) {
        if (q) {
            d->q_heads = q->dims[1];
            d->q_seq = q->dims[2];
            d->head = q->dims[3];
        }
        if (k) {
            d->kv_heads = k->dims[1];
            d->kv_seq = k->dims[2];
            d->head = merge(ctx, d->head, k->dims[3], "the head size of Q and K");
        }
        if (v) {
            d->kv_heads = merge(ctx, d->kv_heads, v->dims[1], "the heads of K and V");
            d->kv_seq = merge(ctx, d->kv_seq, v->dims[2], "the sequence length of K and V");
            d->v_head = v->dims[3];
        }
    } else {
        bool named = ol_attr_has(ctx, "q_num_heads") && ol_attr_has(ctx, "kv_num_heads");
        int64_t qh = ol_attr_int(ctx, "q_num_heads", 0), kvh = ol_attr_int(ctx, "kv_num_heads", 0);
        if (!named || qh <= 0 || kvh <= 0) {
            ol_error(ctx, "shape-error", "3-D Q, K and V need positive q_num_heads and kv_num_heads attributes");
            qh = kvh = 0;
        } else {
            d->q_heads = ol_dim_value(qh);
            d->kv_heads = ol_dim_value(kvh);
        }
        if (q) {
            d->q_seq = q->dims[1];
            d->head = head_size(ctx, q->dims[2], qh, IN_Q);
        }
        if (k) {
            d->kv_seq = k->dims[1];
            d->head = merge(ctx, d->head, head_size(ctx, k->dims[2], kvh, IN_K), "the head size of Q and K");
        }
        if (v) {
            d->kv_seq = merge(ctx, d->kv_seq, v->dims[1], "the sequence length of K and V");
            d->v_head = head_size(ctx, v->dims[2], kvh, IN_V);
        }
    }
    if (d->q_heads.kind == OL_DIM_VALUE && d->kv_heads.kind == OL_DIM_VALUE && d->kv_heads.value > 0 &&
        d->q_heads.value % d->kv_heads.value != 0)
        ol_error(ctx, "shape-error", "%lld query heads cannot share %lld key/value heads (not a multiple)",
                 (long long)d->q_heads.value, (long long)d->kv_heads.value);
}

/* Output i: a tensor of elem with the given dims. */
static void out_dims(ol_ctx *ctx, size_t i, int32_t elem, const ol_dim *dims, int rank)
{
    ol_dim *o = ol_out_tensor(ctx, i, elem, rank);
    for (int k = 0; o && k < rank; k++)
        o[k] = dims[k];
}

/* Attention: Y is (batch, q_heads, q_seq, v_head) or (batch, q_seq,
 * q_heads * v_head); present_key/value (batch, kv_heads, past + kv_seq,
 * head or v_head); qk_matmul_output (batch, q_heads, q_seq, past + kv_seq). */
static void infer_Attention(ol_ctx *ctx)
{
    attn_dims d;
    read_attn_dims(ctx, &d);
    int32_t elem = ol_in_elem(ctx, IN_Q) ? ol_in_elem(ctx, IN_Q) : ol_in_elem(ctx, IN_K);
    const ol_shape *pk = layout_shape(ctx, IN_PAST_KEY, HEADS_RANK, "past_key");
    const ol_shape *pv = layout_shape(ctx, IN_PAST_VALUE, HEADS_RANK, "past_value");
    bool past = ol_in_has(ctx, IN_PAST_KEY) || ol_in_has(ctx, IN_PAST_VALUE);
    ol_dim past_len = ol_dim_unknown();
    if (pk) {
        d.batch = merge(ctx, d.batch, pk->dims[0], "the batch size of Q and past_key");
        d.kv_heads = merge(ctx, d.kv_heads, pk->dims[1], "the heads of K and past_key");
        d.head = merge(ctx, d.head, pk->dims[3], "the head size of K and past_key");
        past_len = pk->dims[2];
    }
    if (pv) {
        d.batch = merge(ctx, d.batch, pv->dims[0], "the batch size of Q and past_value");
        d.kv_heads = merge(ctx, d.kv_heads, pv->dims[1], "the heads of V and past_value");
        d.v_head = merge(ctx, d.v_head, pv->dims[3], "the head size of V and past_value");
        past_len = merge(ctx, past_len, pv->dims[2], "the sequence length of past_key and past_value");
    }
    if (ctx->version >= ATTENTION_NONPAD_SINCE && ol_in_has(ctx, IN_NONPAD)) {
        const ol_shape *n = layout_shape(ctx, IN_NONPAD, 1, "nonpad_kv_seqlen");
        if (n)
            d.batch = merge(ctx, d.batch, n->dims[0], "the batch size of Q and nonpad_kv_seqlen");
    }
    ol_dim total = past ? ol_dim_add(ctx->exprs, past_len, d.kv_seq) : d.kv_seq;
    if (d.rank == HEADS_RANK) {
        ol_dim y[] = {d.batch, d.q_heads, d.q_seq, d.v_head};
        out_dims(ctx, OUT_Y, elem, y, HEADS_RANK);
    } else if (d.rank == PACKED_RANK) {
        ol_dim hidden = ol_dim_mul(ctx->exprs, d.q_heads, d.v_head);
        if (hidden.kind == OL_DIM_UNKNOWN && d.q_heads.kind == OL_DIM_VALUE &&
            ol_dim_equal(ctx->exprs, d.q_heads, d.kv_heads)) {
            const ol_shape *v = ol_in_shape(ctx, IN_V);
            hidden = v && v->rank == PACKED_RANK ? v->dims[2] : hidden; /* as many heads as V packs */
        }
        ol_dim y[] = {d.batch, d.q_seq, hidden};
        out_dims(ctx, OUT_Y, elem, y, PACKED_RANK);
    } else {
        ol_out_tensor(ctx, OUT_Y, elem, -1);
    }
    int32_t key_elem = ol_in_elem(ctx, IN_PAST_KEY) ? ol_in_elem(ctx, IN_PAST_KEY) : ol_in_elem(ctx, IN_K);
    int32_t value_elem = ol_in_elem(ctx, IN_PAST_VALUE) ? ol_in_elem(ctx, IN_PAST_VALUE) : ol_in_elem(ctx, IN_V);
    ol_dim present_key[] = {d.batch, d.kv_heads, total, d.head};
    ol_dim present_value[] = {d.batch, d.kv_heads, total, d.v_head};
    ol_dim qk[] = {d.batch, d.q_heads, d.q_seq, total};
    if (ol_out_has(ctx, OUT_PRESENT_KEY))
        out_dims(ctx, OUT_PRESENT_KEY, key_elem, present_key, HEADS_RANK);
    if (ol_out_has(ctx, OUT_PRESENT_VALUE))
        out_dims(ctx, OUT_PRESENT_VALUE, value_elem, present_value, HEADS_RANK);
    if (ol_out_has(ctx, OUT_QK))
        out_dims(ctx, OUT_QK, elem, qk, HEADS_RANK);
    if (ctx->version >= ATTENTION_WINDOWS_SINCE) {
        static const char *const windows[] = {"left_window_size", "right_window_size"};
        for (size_t i = 0; i < sizeof windows / sizeof *windows; i++) {
            int64_t w = ol_attr_int(ctx, windows[i], -1);
            if (w < -1)
                ol_error(ctx, "shape-error", "%s is %lld, must be -1 or at least 0", windows[i], (long long)w);
        }
    }
}

/* RotaryEmbedding: Y has X's type and shape.  X is (batch, heads, seq,
 * head) or (batch, seq, num_heads * head) with num_heads given; the caches
 * hold rotary_embedding_dim / 2 (default head / 2) values per position:
 * (positions, n) with position_ids (batch, seq), else (batch, seq, n). */
static void infer_RotaryEmbedding(ol_ctx *ctx)
{
    ol_out_like(ctx, 0, 0);
    const ol_shape *x = layout_shape(ctx, 0, 0, "X");
    if (!x)
        return;
    int64_t heads = ol_attr_int(ctx, "num_heads", 0);
    if (x->rank == PACKED_RANK && (!ol_attr_has(ctx, "num_heads") || heads <= 0)) {
        ol_error(ctx, "shape-error", "3-D X %s needs a positive num_heads attribute", in_str(ctx, 0));
        return;
    }
    ol_dim batch = x->dims[0], seq = x->dims[x->rank == HEADS_RANK ? 2 : 1];
    ol_dim head = x->rank == HEADS_RANK ? x->dims[3] : head_size(ctx, x->dims[2], heads, 0);
    int64_t rot = ol_attr_int(ctx, "rotary_embedding_dim", 0);
    ol_dim rotated = rot > 0 ? ol_dim_value(rot) : head;
    if (rotated.kind == OL_DIM_VALUE && rotated.value % 2 != 0) {
        ol_error(ctx, "shape-error", "the rotated size %lld of X %s must be even", (long long)rotated.value,
                 in_str(ctx, 0));
        return;
    }
    ol_dim half = rotated.kind == OL_DIM_VALUE ? ol_dim_value(rotated.value / 2)
                                                : ol_dim_div_exact(ctx->exprs, rotated, ol_dim_value(2));
    bool positions = ol_in_has(ctx, 3);
    if (positions) {
        const ol_shape *p = layout_shape(ctx, 3, 2, "position_ids");
        if (p) {
            merge(ctx, batch, p->dims[0], "the batch size of X and position_ids");
            merge(ctx, seq, p->dims[1], "the sequence length of X and position_ids");
        }
    }
    for (size_t i = 1; i <= 2; i++) {
        const ol_shape *c = layout_shape(ctx, i, positions ? 2 : 3, i == 1 ? "cos_cache" : "sin_cache");
        if (!c)
            continue;
        if (!positions) {
            merge(ctx, batch, c->dims[0], "the batch size of X and its cache");
            merge(ctx, seq, c->dims[1], "the sequence length of X and its cache");
        }
        merge(ctx, half, c->dims[c->rank - 1], "half the rotated size of X and the last dim of its cache");
    }
}

/* CausalConvWithState: input (batch, channels, length), weight (channels,
 * 1, k), bias (channels), past_state (batch, channels, k - 1); output has
 * input's shape, present_state past_state's. */
static void infer_CausalConvWithState(ol_ctx *ctx)
{
    ol_out_like(ctx, 0, 0);
    const ol_shape *x = layout_shape(ctx, 0, PACKED_RANK, "input");
    const ol_shape *w = layout_shape(ctx, 1, PACKED_RANK, "weight");
    ol_dim batch = x ? x->dims[0] : ol_dim_unknown(), channels = x ? x->dims[1] : ol_dim_unknown();
    ol_dim carry = ol_dim_unknown();
    if (w) {
        channels = merge(ctx, channels, w->dims[0], "the channels of input and weight");
        merge(ctx, w->dims[1], ol_dim_value(1), "the middle dim of the depthwise weight");
        carry = ol_dim_add_const(ctx->exprs, w->dims[2], -1);
    }
    if (ol_in_has(ctx, 2)) {
        const ol_shape *b = layout_shape(ctx, 2, 1, "bias");
        if (b)
            channels = merge(ctx, channels, b->dims[0], "the channels of input and bias");
    }
    if (ol_in_has(ctx, 3)) {
        const ol_shape *p = layout_shape(ctx, 3, PACKED_RANK, "past_state");
        if (p) {
            batch = merge(ctx, batch, p->dims[0], "the batch size of input and past_state");
            channels = merge(ctx, channels, p->dims[1], "the channels of input and past_state");
            carry = merge(ctx, carry, p->dims[2], "k - 1 of the weight and the length of past_state");
        }
    }
    ol_dim state[] = {batch, channels, carry};
    out_dims(ctx, 1, ol_in_elem(ctx, 0), state, PACKED_RANK);
}

/* LinearAttention: query (B, T, q_heads * dk), key (B, T, kv_heads * dk),
 * value (B, T, kv_heads * dv); output (B, T, q_heads * dv), present_state
 * (B, kv_heads, dk, dv) of past_state's type (else query's). */
static void infer_LinearAttention(ol_ctx *ctx)
{
    int64_t qh = ol_attr_int(ctx, "q_num_heads", 0), kvh = ol_attr_int(ctx, "kv_num_heads", 0);
    const ol_shape *q = layout_shape(ctx, 0, PACKED_RANK, "query"), *k = layout_shape(ctx, 1, PACKED_RANK, "key");
    const ol_shape *v = layout_shape(ctx, 2, PACKED_RANK, "value");
    int32_t elem = ol_in_elem(ctx, 0);
    if (qh <= 0 || kvh <= 0 || qh % kvh != 0) {
        ol_error(ctx, "shape-error", "q_num_heads %lld must be a positive multiple of kv_num_heads %lld",
                 (long long)qh, (long long)kvh);
        ol_out_tensor(ctx, 0, elem, PACKED_RANK);
        return;
    }
    ol_dim batch = ol_dim_unknown(), len = ol_dim_unknown(), dk = ol_dim_unknown(), dv = ol_dim_unknown();
    const ol_shape *s[] = {q, k, v};
    for (size_t i = 0; i < 3; i++) {
        if (!s[i])
            continue;
        batch = merge(ctx, batch, s[i]->dims[0], "the batch size of query, key and value");
        len = merge(ctx, len, s[i]->dims[1], "the sequence length of query, key and value");
        ol_dim size = head_size(ctx, s[i]->dims[2], i == 0 ? qh : kvh, i);
        if (i < 2)
            dk = merge(ctx, dk, size, "the key size of query and key");
        else
            dv = size;
    }
    if (ol_in_has(ctx, 3)) {
        const ol_shape *p = layout_shape(ctx, 3, HEADS_RANK, "past_state");
        if (p) {
            batch = merge(ctx, batch, p->dims[0], "the batch size of query and past_state");
            merge(ctx, p->dims[1], ol_dim_value(kvh), "kv_num_heads and the heads of past_state");
            dk = merge(ctx, dk, p->dims[2], "the key size of key and past_state");
            dv = merge(ctx, dv, p->dims[3], "the value size of value and past_state");
        }
    }
    ol_dim hidden = ol_dim_mul(ctx->exprs, ol_dim_value(qh), dv);
    if (hidden.kind == OL_DIM_UNKNOWN && qh == kvh && v)
        hidden = v->dims[2];
    ol_dim out[] = {batch, len, hidden}, state[] = {batch, ol_dim_value(kvh), dk, dv};
    out_dims(ctx, 0, elem, out, PACKED_RANK);
    int32_t state_elem = ol_in_elem(ctx, 3) ? ol_in_elem(ctx, 3) : elem;
    out_dims(ctx, 1, state_elem, state, HEADS_RANK);
}

/* ---- kernels ---- */

/* A floating-point input as doubles (a copy); NULL after ol_k_fail when it
 * is absent (and required) or not floating. */
static double *load_input(ol_kctx *k, size_t i, const char *what, const ol_array **out)
{
    const ol_array *a = ol_k_in(k, i);
    *out = a;
    if (!a) {
        ol_k_fail(k, "%s (input %zu) is missing", what, i);
        return NULL;
    }
    if (!ol_elem_is_floating(a->elem_type)) {
        ol_k_fail(k, "%s %s must be a floating-point tensor", what, ol_k_shape(k, a));
        return NULL;
    }
    double *v = ol_k_alloc(k, (a->count ? a->count : 1) * sizeof *v);
    for (size_t j = 0; v && j < a->count; j++)
        v[j] = ol_array_get_f64(a, j);
    return v;
}

/* Output i of elem and dims from doubles. */
static bool store(ol_kctx *k, size_t i, int32_t elem, int rank, const int64_t *dims, const double *v)
{
    if (i >= k->n_outputs || i >= k->node->n_outputs || !k->node->outputs[i])
        return true; /* omitted */
    ol_array *y = ol_k_out(k, i, elem, rank, dims);
    if (!y)
        return false;
    for (size_t j = 0; j < y->count; j++)
        ol_array_set_f64(y, j, v[j]);
    return true;
}

/* Doubles in (B, H, S, D) order from a 3-D (B, S, H*D) or 4-D array. */
static double *to_heads(ol_kctx *k, const ol_array *a, const double *v, int64_t heads, int64_t *dims)
{
    if (a->rank == HEADS_RANK) {
        memcpy(dims, a->dims, HEADS_RANK * sizeof *dims);
        return (double *)v;
    }
    int64_t b = a->dims[0], s = a->dims[1], d = heads > 0 ? a->dims[2] / heads : 0;
    dims[0] = b, dims[1] = heads, dims[2] = s, dims[3] = d;
    double *o = ol_k_alloc(k, (a->count ? a->count : 1) * sizeof *o);
    if (!o)
        return NULL;
    for (int64_t i = 0; i < b; i++)
        for (int64_t t = 0; t < s; t++)
            for (int64_t h = 0; h < heads; h++)
                for (int64_t e = 0; e < d; e++)
                    o[((i * heads + h) * s + t) * d + e] = v[(i * s + t) * heads * d + h * d + e];
    return o;
}

/* The sequences of past (B, H, P, D) and now (B, H, S, D) one after the
 * other: (B, H, P + S, D). */
static double *concat_seq(ol_kctx *k, const double *past, int64_t p, const double *now, const int64_t *dims)
{
    int64_t bh = dims[0] * dims[1], s = dims[2], d = dims[3];
    double *o = ol_k_alloc(k, (size_t)(bh * (p + s) * d + 1) * sizeof *o);
    for (int64_t i = 0; o && i < bh; i++) {
        if (p)
            memcpy(o + i * (p + s) * d, past + i * p * d, (size_t)(p * d) * sizeof *o);
        if (s)
            memcpy(o + (i * (p + s) + p) * d, now + i * s * d, (size_t)(s * d) * sizeof *o);
    }
    return o;
}

/* The additive mask value at (b, h, i, j) of a mask that broadcasts
 * (aligned right) to (B, H, Sq, kv_len), its last axis padded with
 * "masked" up to kv_len. */
static double mask_at(const ol_array *m, const int64_t *idx)
{
    size_t off = 0, stride = 1;
    for (int a = m->rank - 1, t = HEADS_RANK - 1; a >= 0; a--, t--) {
        int64_t n = m->dims[a], at = t >= 0 ? idx[t] : 0;
        if (a == m->rank - 1 && at >= n)
            return -INFINITY;
        off += (size_t)(n == 1 ? 0 : at) * stride;
        stride *= (size_t)n;
    }
    if (m->elem_type == ELEM_BOOL)
        return ((const uint8_t *)m->data)[off] ? 0 : -INFINITY;
    return ol_array_get_f64(m, off);
}

/* Fails unless the mask broadcasts to (B, H, Sq, >= its last dim). */
static bool check_mask(ol_kctx *k, const ol_array *m, const int64_t *want)
{
    bool ok = m->rank <= HEADS_RANK && (m->elem_type == ELEM_BOOL || ol_elem_is_floating(m->elem_type));
    for (int a = m->rank - 2, t = HEADS_RANK - 2; ok && a >= 0; a--, t--)
        ok = m->dims[a] == 1 || m->dims[a] == want[t];
    ok = ok && (m->rank == 0 || m->dims[m->rank - 1] <= want[3] || m->dims[m->rank - 1] == 1);
    return ok || ol_k_fail(k, "attn_mask %s does not broadcast to (%lld,%lld,%lld,%lld)", ol_k_shape(k, m),
                           (long long)want[0], (long long)want[1], (long long)want[2], (long long)want[3]);
}

/* Attention as ONNX's reference computes it: scores Q.K^T * scale,
 * softcapped, plus the bias of attn_mask, causality (bottom-right aligned
 * to the past or to nonpad_kv_seqlen), windows and padding; softmax over
 * the keys (a fully masked row is zeros); times V.  K and V heads are
 * shared by q_heads / kv_heads query heads each. */
static bool kernel_Attention(ol_kctx *k)
{
    const ol_array *qa, *ka, *va, *pka = NULL, *pva = NULL;
    double *qv = load_input(k, IN_Q, "Q", &qa), *kv = qv ? load_input(k, IN_K, "K", &ka) : NULL;
    double *vv = kv ? load_input(k, IN_V, "V", &va) : NULL;
    if (!vv)
        return false;
    int rank = qa->rank;
    if ((rank != PACKED_RANK && rank != HEADS_RANK) || ka->rank != rank || va->rank != rank)
        return ol_k_fail(k, "Q %s, K %s and V %s must all be 3-D or all 4-D", ol_k_shape(k, qa), ol_k_shape(k, ka),
                         ol_k_shape(k, va));
    int64_t qh = 0, kvh = 0;
    if (rank == PACKED_RANK) {
        qh = ol_attr_int(&k->infer, "q_num_heads", 0);
        kvh = ol_attr_int(&k->infer, "kv_num_heads", 0);
        if (qh <= 0 || kvh <= 0 || qa->dims[2] % qh || ka->dims[2] % kvh || va->dims[2] % kvh)
            return ol_k_fail(k, "3-D Q %s, K %s, V %s need head counts (q_num_heads %lld, kv_num_heads %lld) "
                             "that divide their last dims", ol_k_shape(k, qa), ol_k_shape(k, ka), ol_k_shape(k, va),
                             (long long)qh, (long long)kvh);
    }
    int64_t qd[HEADS_RANK], kd[HEADS_RANK], vd[HEADS_RANK];
    double *q = to_heads(k, qa, qv, qh, qd), *kk = to_heads(k, ka, kv, kvh, kd), *v = to_heads(k, va, vv, kvh, vd);
    if (!q || !kk || !v)
        return false;
    int64_t batch = qd[0], hq = qd[1], sq = qd[2], dh = qd[3], hk = kd[1], skv = kd[2], dv = vd[3];
    if (kd[0] != batch || vd[0] != batch || kd[3] != dh || vd[1] != hk || vd[2] != skv || hk <= 0 || hq % hk)
        return ol_k_fail(k, "Q %s, K %s and V %s do not agree on batch, heads, sequence or head size",
                         ol_k_shape(k, qa), ol_k_shape(k, ka), ol_k_shape(k, va));
    const ol_array *mask = ol_k_in(k, IN_MASK), *nonpad = NULL;
    if (k->infer.version >= ATTENTION_NONPAD_SINCE)
        nonpad = ol_k_in(k, IN_NONPAD);
    bool has_past = ol_k_in(k, IN_PAST_KEY) || ol_k_in(k, IN_PAST_VALUE);
    int64_t past = 0;
    if (has_past) {
        double *pk = load_input(k, IN_PAST_KEY, "past_key", &pka), *pv = pk ? load_input(k, IN_PAST_VALUE,
                                                                                          "past_value", &pva)
                                                                             : NULL;
        if (!pv)
            return false;
        if (pka->rank != HEADS_RANK || pva->rank != HEADS_RANK || pka->dims[0] != batch || pka->dims[1] != hk ||
            pka->dims[3] != dh || pva->dims[0] != batch || pva->dims[1] != hk || pva->dims[3] != dv ||
            pva->dims[2] != pka->dims[2])
            return ol_k_fail(k, "past_key %s and past_value %s do not fit K %s and V %s", ol_k_shape(k, pka),
                             ol_k_shape(k, pva), ol_k_shape(k, ka), ol_k_shape(k, va));
        past = pka->dims[2];
        kk = concat_seq(k, pk, past, kk, kd);
        v = concat_seq(k, pv, past, v, vd);
        if (!kk || !v)
            return false;
    }
    int64_t total = past + skv;
    int64_t want[HEADS_RANK] = {batch, hq, sq, total};
    if (mask && !check_mask(k, mask, want))
        return false;
    if (nonpad && (!ol_elem_is_integral(nonpad->elem_type) || nonpad->rank != 1 || nonpad->dims[0] != batch))
        return ol_k_fail(k, "nonpad_kv_seqlen %s must be 1-D integers, one per batch entry", ol_k_shape(k, nonpad));
    bool causal = ol_attr_int(&k->infer, "is_causal", 0) != 0;
    int64_t left = -1, right = -1;
    if (k->infer.version >= ATTENTION_WINDOWS_SINCE) {
        left = ol_attr_int(&k->infer, "left_window_size", -1);
        right = ol_attr_int(&k->infer, "right_window_size", -1);
    }
    double scale = ol_attr_has(&k->infer, "scale") ? ol_attr_float(&k->infer, "scale", 1.0f) : 1.0 / sqrt((double)dh);
    double softcap = ol_attr_float(&k->infer, "softcap", 0.0f);
    int64_t mode = ol_attr_int(&k->infer, "qk_matmul_output_mode", 0);
    size_t rows = (size_t)(batch * hq * sq);
    double *y = ol_k_alloc(k, (rows * (size_t)dv + 1) * sizeof *y);
    double *qk = ol_k_alloc(k, (rows * (size_t)total + 1) * sizeof *qk);
    double *bias = ol_k_alloc(k, ((size_t)total + 1) * sizeof *bias);
    double *score = ol_k_alloc(k, ((size_t)total + 1) * sizeof *score);
    if (!y || !qk || !bias || !score)
        return false;
    memset(y, 0, (rows * (size_t)dv + 1) * sizeof *y);
    for (int64_t b = 0; b < batch; b++) {
        /* The number of valid keys before the query block. */
        int64_t offset = has_past ? past : nonpad ? ol_array_get_i64(nonpad, (size_t)b) - sq : 0;
        for (int64_t h = 0; h < hq; h++) {
            int64_t g = h / (hq / hk);
            for (int64_t i = 0; i < sq; i++) {
                size_t row = (size_t)((b * hq + h) * sq + i);
                const double *qr = q + row * (size_t)dh;
                double top = -INFINITY, bias_top = -INFINITY;
                for (int64_t j = 0; j < total; j++) {
                    int64_t idx[HEADS_RANK] = {b, h, i, j};
                    double bj = mask ? mask_at(mask, idx) : 0;
                    if (causal && j > i + offset)
                        bj = -INFINITY;
                    if ((left >= 0 && i + offset - j > left) || (right >= 0 && j - (i + offset) > right))
                        bj = -INFINITY;
                    if (nonpad && j >= ol_array_get_i64(nonpad, (size_t)b))
                        bj = -INFINITY;
                    const double *kr = kk + ((size_t)(b * hk + g) * (size_t)total + (size_t)j) * (size_t)dh;
                    double s = 0;
                    for (int64_t e = 0; e < dh; e++)
                        s += qr[e] * kr[e];
                    s *= scale;
                    if (softcap > 0)
                        s = softcap * tanh(s / softcap);
                    bias[j] = bj;
                    score[j] = s + bj;
                    qk[row * (size_t)total + (size_t)j] = mode == QK_WITH_BIAS ? score[j] : s;
                    top = score[j] > top ? score[j] : top;
                    bias_top = bj > bias_top ? bj : bias_top;
                }
                double sum = 0;
                for (int64_t j = 0; j < total; j++) {
                    score[j] = isinf(top) && top < 0 ? 0 : exp(score[j] - top);
                    sum += score[j];
                }
                bool masked = isinf(bias_top) && bias_top < 0;
                double *yr = y + row * (size_t)dv;
                for (int64_t j = 0; j < total; j++) {
                    double p = masked || sum == 0 ? 0 : score[j] / sum;
                    if (mode == QK_AFTER_SOFTMAX)
                        qk[row * (size_t)total + (size_t)j] = p;
                    const double *vr = v + ((size_t)(b * hk + g) * (size_t)total + (size_t)j) * (size_t)dv;
                    for (int64_t e = 0; p != 0 && e < dv; e++)
                        yr[e] += p * vr[e];
                }
            }
        }
    }
    int32_t elem = qa->elem_type;
    if (rank == PACKED_RANK) { /* (B, H, S, Dv) -> (B, S, H*Dv) */
        double *packed = ol_k_alloc(k, (rows * (size_t)dv + 1) * sizeof *packed);
        if (!packed)
            return false;
        for (int64_t b = 0; b < batch; b++)
            for (int64_t h = 0; h < hq; h++)
                for (int64_t i = 0; i < sq; i++)
                    for (int64_t e = 0; e < dv; e++)
                        packed[((b * sq + i) * hq + h) * dv + e] = y[((b * hq + h) * sq + i) * dv + e];
        int64_t dims[] = {batch, sq, hq * dv};
        if (!store(k, OUT_Y, elem, PACKED_RANK, dims, packed))
            return false;
    } else {
        int64_t dims[] = {batch, hq, sq, dv};
        if (!store(k, OUT_Y, elem, HEADS_RANK, dims, y))
            return false;
    }
    int64_t key_dims[] = {batch, hk, total, dh}, value_dims[] = {batch, hk, total, dv};
    return store(k, OUT_PRESENT_KEY, pka ? pka->elem_type : ka->elem_type, HEADS_RANK, key_dims, kk) &&
           store(k, OUT_PRESENT_VALUE, pva ? pva->elem_type : va->elem_type, HEADS_RANK, value_dims, v) &&
           store(k, OUT_QK, elem, HEADS_RANK, want, qk);
}

/* RotaryEmbedding as ONNX's reference: the first rotary_embedding_dim
 * values of each head rotated pairwise (halves, or interleaved pairs) by
 * the cached cos/sin of the token's position. */
static bool kernel_RotaryEmbedding(ol_kctx *k)
{
    const ol_array *xa, *ca, *sa, *pos = ol_k_in(k, 3);
    double *x = load_input(k, 0, "X", &xa), *cs = x ? load_input(k, 1, "cos_cache", &ca) : NULL;
    double *sn = cs ? load_input(k, 2, "sin_cache", &sa) : NULL;
    if (!sn)
        return false;
    if (xa->rank != PACKED_RANK && xa->rank != HEADS_RANK)
        return ol_k_fail(k, "X %s must be 3-D or 4-D", ol_k_shape(k, xa));
    int64_t heads = xa->rank == HEADS_RANK ? xa->dims[1] : ol_attr_int(&k->infer, "num_heads", 0);
    if (heads <= 0 || (xa->rank == PACKED_RANK && xa->dims[2] % heads))
        return ol_k_fail(k, "3-D X %s needs a num_heads that divides its last dim", ol_k_shape(k, xa));
    int64_t batch = xa->dims[0], seq = xa->dims[xa->rank == HEADS_RANK ? 2 : 1];
    int64_t head = xa->rank == HEADS_RANK ? xa->dims[3] : xa->dims[2] / heads;
    int64_t rot = ol_attr_int(&k->infer, "rotary_embedding_dim", 0);
    rot = rot > 0 ? rot : head;
    int64_t half = rot / 2;
    bool interleaved = ol_attr_int(&k->infer, "interleaved", 0) != 0;
    int want = pos ? 2 : 3;
    if (rot > head || rot % 2 || ca->rank != want || sa->rank != want || ca->dims[want - 1] != half ||
        memcmp(ca->dims, sa->dims, (size_t)want * sizeof *ca->dims) != 0 ||
        (!pos && (ca->dims[0] != batch || ca->dims[1] != seq)))
        return ol_k_fail(k, "cos_cache %s and sin_cache %s do not fit X %s (rotating %lld of %lld per head)",
                         ol_k_shape(k, ca), ol_k_shape(k, sa), ol_k_shape(k, xa), (long long)rot, (long long)head);
    if (pos && (!ol_elem_is_integral(pos->elem_type) || pos->rank != 2 || pos->dims[0] != batch ||
                pos->dims[1] != seq))
        return ol_k_fail(k, "position_ids %s must be (%lld, %lld) integers", ol_k_shape(k, pos), (long long)batch,
                         (long long)seq);
    for (int64_t b = 0; b < batch; b++) {
        for (int64_t t = 0; t < seq; t++) {
            size_t at = (size_t)(b * seq + t);
            if (pos) {
                int64_t p = ol_array_get_i64(pos, at);
                if (p < 0 || p >= ca->dims[0])
                    return ol_k_fail(k, "position %lld is outside cos_cache %s", (long long)p, ol_k_shape(k, ca));
                at = (size_t)p;
            }
            const double *c = cs + at * (size_t)half, *s = sn + at * (size_t)half;
            for (int64_t h = 0; h < heads; h++) {
                /* Where this head's values of token t start, in either layout. */
                size_t base = xa->rank == HEADS_RANK ? (size_t)(((b * heads + h) * seq + t) * head)
                                                     : (size_t)((b * seq + t) * heads * head + h * head);
                double *e = x + base;
                for (int64_t i = 0; i < half; i++) {
                    size_t i1 = (size_t)(interleaved ? 2 * i : i), i2 = (size_t)(interleaved ? 2 * i + 1 : i + half);
                    double x1 = e[i1], x2 = e[i2];
                    e[i1] = c[i] * x1 - s[i] * x2;
                    e[i2] = s[i] * x1 + c[i] * x2;
                }
            }
        }
    }
    return store(k, 0, xa->elem_type, xa->rank, xa->dims, x);
}

/* CausalConvWithState: past_state (zeros when absent) then input along the
 * length, convolved depthwise with weight (k taps) plus bias; optionally
 * x * sigmoid(x); present_state is the last k - 1 positions. */
static bool kernel_CausalConvWithState(ol_kctx *k)
{
    const ol_array *xa, *wa, *ba = ol_k_in(k, 2), *pa = ol_k_in(k, 3);
    double *x = load_input(k, 0, "input", &xa), *w = x ? load_input(k, 1, "weight", &wa) : NULL;
    if (!w)
        return false;
    const char *act = ol_attr_string(&k->infer, "activation", "none");
    bool silu = strcmp(act, "silu") == 0 || strcmp(act, "swish") == 0;
    if (!silu && strcmp(act, "none") != 0)
        return ol_k_fail(k, "activation '%s' is not none, silu or swish", act);
    if (xa->rank != PACKED_RANK || wa->rank != PACKED_RANK || wa->dims[0] != xa->dims[1] || wa->dims[1] != 1 ||
        wa->dims[2] < 1)
        return ol_k_fail(k, "input %s and weight %s must be (batch, channels, length) and (channels, 1, k)",
                         ol_k_shape(k, xa), ol_k_shape(k, wa));
    int64_t batch = xa->dims[0], ch = xa->dims[1], len = xa->dims[2], taps = wa->dims[2], carry = taps - 1;
    if (ba && (ba->rank != 1 || ba->dims[0] != ch))
        return ol_k_fail(k, "bias %s must be (%lld)", ol_k_shape(k, ba), (long long)ch);
    if (pa && (pa->rank != PACKED_RANK || pa->dims[0] != batch || pa->dims[1] != ch || pa->dims[2] != carry))
        return ol_k_fail(k, "past_state %s must be (%lld, %lld, %lld)", ol_k_shape(k, pa), (long long)batch,
                         (long long)ch, (long long)carry);
    int64_t padded_len = carry + len;
    double *padded = ol_k_alloc(k, (size_t)(batch * ch * padded_len + 1) * sizeof *padded);
    double *y = ol_k_alloc(k, (size_t)(batch * ch * len + 1) * sizeof *y);
    double *state = ol_k_alloc(k, (size_t)(batch * ch * carry + 1) * sizeof *state);
    if (!padded || !y || !state)
        return false;
    for (int64_t r = 0; r < batch * ch; r++) {
        double *p = padded + r * padded_len;
        for (int64_t i = 0; i < carry; i++)
            p[i] = pa ? ol_array_get_f64(pa, (size_t)(r * carry + i)) : 0;
        memcpy(p + carry, x + r * len, (size_t)len * sizeof *p);
        int64_t c = r % ch;
        for (int64_t t = 0; t < len; t++) {
            double acc = ba ? ol_array_get_f64(ba, (size_t)c) : 0;
            for (int64_t j = 0; j < taps; j++)
                acc += w[c * taps + j] * p[t + j];
            y[r * len + t] = silu ? acc / (1.0 + exp(-acc)) : acc;
        }
        memcpy(state + r * carry, p + len, (size_t)carry * sizeof *state);
    }
    int64_t state_dims[] = {batch, ch, carry};
    return store(k, 0, xa->elem_type, PACKED_RANK, xa->dims, y) &&
           store(k, 1, xa->elem_type, PACKED_RANK, state_dims, state);
}

/* LinearAttention as ONNX's reference: per token, the state (B, kv_heads,
 * dk, dv) decays by exp(decay) (gated rules), takes k (x) v (delta rules:
 * beta * (v - state^T k)), and each query head reads its KV head's state. */
static bool kernel_LinearAttention(ol_kctx *k)
{
    const ol_array *qa, *ka, *va, *pa = ol_k_in(k, 3), *da = ol_k_in(k, 4), *ba = ol_k_in(k, 5);
    double *q = load_input(k, 0, "query", &qa), *kv = q ? load_input(k, 1, "key", &ka) : NULL;
    double *vv = kv ? load_input(k, 2, "value", &va) : NULL;
    if (!vv)
        return false;
    const char *rule = ol_attr_string(&k->infer, "update_rule", "gated_delta");
    bool gated = strcmp(rule, "gated") == 0 || strcmp(rule, "gated_delta") == 0;
    bool delta = strcmp(rule, "delta") == 0 || strcmp(rule, "gated_delta") == 0;
    if (!gated && !delta && strcmp(rule, "linear") != 0)
        return ol_k_fail(k, "update_rule '%s' is not linear, gated, delta or gated_delta", rule);
    if (gated != (da != NULL) || delta != (ba != NULL))
        return ol_k_fail(k, "update_rule '%s' %s decay and %s beta", rule, gated ? "needs" : "forbids",
                         delta ? "needs" : "forbids");
    int64_t qh = ol_attr_int(&k->infer, "q_num_heads", 0), kvh = ol_attr_int(&k->infer, "kv_num_heads", 0);
    if (qh <= 0 || kvh <= 0 || qh % kvh)
        return ol_k_fail(k, "q_num_heads %lld must be a positive multiple of kv_num_heads %lld", (long long)qh,
                         (long long)kvh);
    if (qa->rank != PACKED_RANK || ka->rank != PACKED_RANK || va->rank != PACKED_RANK || qa->dims[2] % qh ||
        ka->dims[2] % kvh || va->dims[2] % kvh)
        return ol_k_fail(k, "query %s, key %s and value %s must be (B, T, heads * size)", ol_k_shape(k, qa),
                         ol_k_shape(k, ka), ol_k_shape(k, va));
    int64_t batch = qa->dims[0], len = qa->dims[1], dk = qa->dims[2] / qh, dv = va->dims[2] / kvh;
    if (ka->dims[0] != batch || va->dims[0] != batch || ka->dims[1] != len || va->dims[1] != len ||
        ka->dims[2] / kvh != dk)
        return ol_k_fail(k, "query %s, key %s and value %s do not agree", ol_k_shape(k, qa), ol_k_shape(k, ka),
                         ol_k_shape(k, va));
    int64_t dlast = da ? da->dims[da->rank - 1] : 0, blast = ba ? ba->dims[ba->rank - 1] : 0;
    if (da && (da->rank != PACKED_RANK || da->dims[0] != batch || da->dims[1] != len ||
               (dlast != kvh && dlast != kvh * dk)))
        return ol_k_fail(k, "decay %s must be (B, T, kv_heads) or (B, T, kv_heads * dk)", ol_k_shape(k, da));
    if (ba && (ba->rank != PACKED_RANK || ba->dims[0] != batch || ba->dims[1] != len || (blast != kvh && blast != 1)))
        return ol_k_fail(k, "beta %s must be (B, T, kv_heads) or (B, T, 1)", ol_k_shape(k, ba));
    if (pa && (pa->rank != HEADS_RANK || pa->dims[0] != batch || pa->dims[1] != kvh || pa->dims[2] != dk ||
               pa->dims[3] != dv))
        return ol_k_fail(k, "past_state %s must be (%lld, %lld, %lld, %lld)", ol_k_shape(k, pa), (long long)batch,
                         (long long)kvh, (long long)dk, (long long)dv);
    double scale = ol_attr_float(&k->infer, "scale", 0.0f);
    scale = scale != 0 ? scale : 1.0 / sqrt((double)dk);
    size_t state_count = (size_t)(batch * kvh * dk * dv);
    double *st = ol_k_alloc(k, (state_count + 1) * sizeof *st);
    double *y = ol_k_alloc(k, (size_t)(batch * len * qh * dv + 1) * sizeof *y);
    double *upd = ol_k_alloc(k, (size_t)(dv + 1) * sizeof *upd);
    if (!st || !y || !upd)
        return false;
    for (size_t i = 0; i < state_count; i++)
        st[i] = pa ? ol_array_get_f64(pa, i) : 0;
    for (int64_t b = 0; b < batch; b++) {
        for (int64_t t = 0; t < len; t++) {
            size_t tok = (size_t)(b * len + t);
            for (int64_t g = 0; g < kvh; g++) {
                double *s = st + (size_t)((b * kvh + g) * dk * dv);
                const double *kt = kv + tok * (size_t)(kvh * dk) + (size_t)(g * dk);
                const double *vt = vv + tok * (size_t)(kvh * dv) + (size_t)(g * dv);
                if (gated) {
                    for (int64_t i = 0; i < dk; i++) {
                        size_t at = tok * (size_t)dlast + (size_t)(dlast == kvh ? g : g * dk + i);
                        double f = exp(ol_array_get_f64(da, at));
                        for (int64_t m = 0; m < dv; m++)
                            s[i * dv + m] *= f;
                    }
                }
                for (int64_t m = 0; m < dv; m++) {
                    upd[m] = vt[m];
                    if (!delta)
                        continue;
                    double got = 0;
                    for (int64_t i = 0; i < dk; i++)
                        got += s[i * dv + m] * kt[i];
                    double beta = ol_array_get_f64(ba, tok * (size_t)blast + (size_t)(blast == 1 ? 0 : g));
                    upd[m] = beta * (vt[m] - got);
                }
                for (int64_t i = 0; i < dk; i++)
                    for (int64_t m = 0; m < dv; m++)
                        s[i * dv + m] += kt[i] * upd[m];
            }
            for (int64_t h = 0; h < qh; h++) {
                const double *s = st + (size_t)((b * kvh + h / (qh / kvh)) * dk * dv);
                const double *qt = q + tok * (size_t)(qh * dk) + (size_t)(h * dk);
                double *yr = y + tok * (size_t)(qh * dv) + (size_t)(h * dv);
                for (int64_t m = 0; m < dv; m++) {
                    double acc = 0;
                    for (int64_t i = 0; i < dk; i++)
                        acc += qt[i] * s[i * dv + m];
                    yr[m] = scale * acc;
                }
            }
        }
    }
    int64_t out_dims[] = {batch, len, qh * dv}, state_dims[] = {batch, kvh, dk, dv};
    return store(k, 0, qa->elem_type, PACKED_RANK, out_dims, y) &&
           store(k, 1, pa ? pa->elem_type : qa->elem_type, HEADS_RANK, state_dims, st);
}

/* Sorted by (domain, name) with strcmp: the registry searches it. */
static const ol_op_entry attention_ops[] = {
    {"", "Attention", infer_Attention, kernel_Attention},
    {"", "CausalConvWithState", infer_CausalConvWithState, kernel_CausalConvWithState},
    {"", "LinearAttention", infer_LinearAttention, kernel_LinearAttention},
    {"", "RotaryEmbedding", infer_RotaryEmbedding, kernel_RotaryEmbedding},
};

OL_FAMILY_DEFINE(attention, attention_ops);
