/*
 * rnn.c - inference and kernels for RNN, GRU, LSTM (onnx/defs/rnn).
 *
 * One inference function per operator, registered in the table at the end
 * (sorted by domain, then name).  The three share one engine that differs
 * only in the number of gates (1, 3, 4) and LSTM's extra inputs: X is
 * (seq_length, batch, input_size), or (batch, seq_length, input_size) with
 * layout=1 (opset 14); W is (num_directions, gates*hidden, input_size), R
 * (num_directions, gates*hidden, hidden), B (num_directions,
 * 2*gates*hidden), sequence_lens (batch), initial_h/initial_c
 * (num_directions, batch, hidden) or batch-first with layout=1, P
 * (num_directions, 3*hidden).  Every one of these dims is checked against
 * the others, the hidden size coming from the attribute, else from R or W.
 * Outputs follow ONNX: Y (seq_length, num_directions, batch, hidden) or
 * (batch, seq_length, num_directions, hidden) with layout=1; Y_h and Y_c
 * (num_directions, batch, hidden) or (batch, num_directions, hidden).
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "eval/blas.h"
#include "eval/kernels.h"
#include "ops/common.h"
#include "ops/families.h"

enum { RNN_GATES = 1, GRU_GATES = 3, LSTM_GATES = 4, LSTM_PEEPHOLES = 3 };
enum { IN_X, IN_W, IN_R, IN_B, IN_SEQUENCE_LENS, IN_INITIAL_H, IN_INITIAL_C, IN_P };
enum { OUT_Y, OUT_Y_H, OUT_Y_C };
#define RNN_RANK 3 /* X, W, R, the states, Y_h, Y_c */
#define Y_RANK 4
#define WHAT_LEN 96

/* The sizes every input and output is made of. */
typedef struct rnn_dims {
    ol_dim seq, batch, input, hidden, directions;
} rnn_dims;

/* The shape of input i when it is present and of rank `rank`; reports a
 * shape-error for another rank. */
static const ol_shape *shape_of(ol_ctx *ctx, size_t i, int rank, const char *name)
{
    const ol_shape *s = ol_in_shape(ctx, i);
    if (!s)
        return NULL;
    if (s->rank != rank) {
        ol_error(ctx, "shape-error", "%s %s must have rank %d", name, ol_type_str(ctx, ol_in_type(ctx, i)), rank);
        return NULL;
    }
    return s;
}

/* Merges dim k of input i (called name) with want, which names `meaning`. */
static ol_dim check_dim(ol_ctx *ctx, const ol_shape *s, size_t i, int k, ol_dim want, const char *name,
                        const char *meaning)
{
    char what[WHAT_LEN];
    snprintf(what, sizeof what, "%s %s dim %d vs %s", name, ol_type_str(ctx, ol_in_type(ctx, i)), k, meaning);
    return ol_dim_merge(ctx, want, s->dims[k], what);
}

/* The hidden size from W's gates*hidden dim, reporting a size that is not
 * a multiple of the gate count. */
static ol_dim hidden_from_w(ol_ctx *ctx, ol_dim rows, int gates)
{
    if (rows.kind == OL_DIM_VALUE && rows.value % gates != 0) {
        ol_error(ctx, "shape-error", "W %s dim 1 (%lld) is not a multiple of the %d gates",
                 ol_type_str(ctx, ol_in_type(ctx, IN_W)), (long long)rows.value, gates);
        return ol_dim_unknown();
    }
    return ol_dim_div_exact(ctx->exprs, rows, ol_dim_value(gates));
}

/* Reads X and the attributes, then checks W, R, B, sequence_lens, the
 * initial states and P against them. */
static rnn_dims read_dims(ol_ctx *ctx, int gates, bool batch_first)
{
    rnn_dims d = {ol_dim_unknown(), ol_dim_unknown(), ol_dim_unknown(), ol_dim_unknown(), ol_dim_unknown()};
    const char *direction = ol_attr_string(ctx, "direction", "forward");
    /* "foward" is GRU-1's misspelt default. */
    if (!strcmp(direction, "forward") || !strcmp(direction, "reverse") || !strcmp(direction, "foward"))
        d.directions = ol_dim_value(1);
    else if (!strcmp(direction, "bidirectional"))
        d.directions = ol_dim_value(2);
    int64_t hidden = ol_attr_int(ctx, "hidden_size", 0);
    if (hidden > 0)
        d.hidden = ol_dim_value(hidden);

    const ol_shape *x = shape_of(ctx, IN_X, RNN_RANK, "X");
    if (x) {
        d.seq = x->dims[batch_first ? 1 : 0];
        d.batch = x->dims[batch_first ? 0 : 1];
        d.input = x->dims[2];
    }
    const ol_shape *r = shape_of(ctx, IN_R, RNN_RANK, "R");
    if (r) {
        d.directions = check_dim(ctx, r, IN_R, 0, d.directions, "R", "num_directions");
        d.hidden = check_dim(ctx, r, IN_R, 2, d.hidden, "R", "hidden_size");
    }
    const ol_shape *w = shape_of(ctx, IN_W, RNN_RANK, "W");
    if (w) {
        if (d.hidden.kind == OL_DIM_UNKNOWN)
            d.hidden = hidden_from_w(ctx, w->dims[1], gates);
        d.directions = check_dim(ctx, w, IN_W, 0, d.directions, "W", "num_directions");
        ol_dim rows = ol_dim_mul(ctx->exprs, ol_dim_value(gates), d.hidden);
        check_dim(ctx, w, IN_W, 1, rows, "W", "gates*hidden_size");
        d.input = check_dim(ctx, w, IN_W, 2, d.input, "W", "input_size of X");
    }
    if (r) {
        ol_dim rows = ol_dim_mul(ctx->exprs, ol_dim_value(gates), d.hidden);
        check_dim(ctx, r, IN_R, 1, rows, "R", "gates*hidden_size");
    }
    const ol_shape *b = shape_of(ctx, IN_B, 2, "B");
    if (b) {
        d.directions = check_dim(ctx, b, IN_B, 0, d.directions, "B", "num_directions");
        /* Wb and Rb concatenated: two biases per gate. */
        ol_dim cols = ol_dim_mul(ctx->exprs, ol_dim_value(2 * gates), d.hidden);
        check_dim(ctx, b, IN_B, 1, cols, "B", "2*gates*hidden_size");
    }
    const ol_shape *lens = shape_of(ctx, IN_SEQUENCE_LENS, 1, "sequence_lens");
    if (lens)
        d.batch = check_dim(ctx, lens, IN_SEQUENCE_LENS, 0, d.batch, "sequence_lens", "batch_size");
    size_t states[] = {IN_INITIAL_H, IN_INITIAL_C};
    const char *state_names[] = {"initial_h", "initial_c"};
    size_t n_states = gates == LSTM_GATES ? sizeof states / sizeof *states : 1; /* only LSTM has initial_c */
    for (size_t k = 0; k < n_states; k++) {
        const ol_shape *s = shape_of(ctx, states[k], RNN_RANK, state_names[k]);
        if (!s)
            continue;
        d.directions = check_dim(ctx, s, states[k], batch_first ? 1 : 0, d.directions, state_names[k],
                                 "num_directions");
        d.batch = check_dim(ctx, s, states[k], batch_first ? 0 : 1, d.batch, state_names[k], "batch_size");
        d.hidden = check_dim(ctx, s, states[k], 2, d.hidden, state_names[k], "hidden_size");
    }
    const ol_shape *p = gates == LSTM_GATES ? shape_of(ctx, IN_P, 2, "P") : NULL;
    if (p) {
        d.directions = check_dim(ctx, p, IN_P, 0, d.directions, "P", "num_directions");
        ol_dim cols = ol_dim_mul(ctx->exprs, ol_dim_value(LSTM_PEEPHOLES), d.hidden);
        check_dim(ctx, p, IN_P, 1, cols, "P", "3*hidden_size");
    }
    return d;
}

/* Sets an output's dims from a list. */
static void set_output(ol_ctx *ctx, size_t i, int32_t elem, const ol_dim *dims, int rank)
{
    ol_dim *out = ol_out_tensor(ctx, i, elem, rank);
    for (int k = 0; out && k < rank; k++)
        out[k] = ol_dim_resolve(ctx->exprs, dims[k]);
}

static void infer_recurrent(ol_ctx *ctx, int gates)
{
    bool batch_first = ol_attr_int(ctx, "layout", 0) != 0;
    int32_t elem = ol_in_elem(ctx, IN_X);
    if (!elem)
        elem = ol_in_elem(ctx, IN_W);
    rnn_dims d = read_dims(ctx, gates, batch_first);
    ol_dim y_first[] = {d.seq, d.directions, d.batch, d.hidden};
    ol_dim y_batch_first[] = {d.batch, d.seq, d.directions, d.hidden};
    ol_dim state_first[] = {d.directions, d.batch, d.hidden};
    ol_dim state_batch_first[] = {d.batch, d.directions, d.hidden};
    set_output(ctx, OUT_Y, elem, batch_first ? y_batch_first : y_first, Y_RANK);
    set_output(ctx, OUT_Y_H, elem, batch_first ? state_batch_first : state_first, RNN_RANK);
    if (gates == LSTM_GATES)
        set_output(ctx, OUT_Y_C, elem, batch_first ? state_batch_first : state_first, RNN_RANK);
}

static void infer_GRU(ol_ctx *ctx)
{
    infer_recurrent(ctx, GRU_GATES);
}

static void infer_LSTM(ol_ctx *ctx)
{
    infer_recurrent(ctx, LSTM_GATES);
}

static void infer_RNN(ol_ctx *ctx)
{
    infer_recurrent(ctx, RNN_GATES);
}

/* ---- kernels ----
 *
 * One engine for the three, in double precision, following ONNX's
 * equations (and onnx/backend/test/case/node/{rnn,gru,lstm}.py):
 *   RNN:  Ht = f(Xt Wi^T + Ht-1 Ri^T + Wbi + Rbi)
 *   GRU:  zt = f(Xt Wz^T + Ht-1 Rz^T + Wbz + Rbz), rt likewise,
 *         ht = g(Xt Wh^T + (rt . Ht-1) Rh^T + Rbh + Wbh), or with
 *         linear_before_reset g(Xt Wh^T + rt . (Ht-1 Rh^T + Rbh) + Wbh),
 *         Ht = (1 - zt) . ht + zt . Ht-1
 *   LSTM: gates i, o, f, c; it = f(.. + Pi . Ct-1), ft = f(.. + Pf . Ct-1)
 *         (1 - it with input_forget), ct = g(..), Ct = ft . Ct-1 + it . ct,
 *         ot = f(.. + Po . Ct), Ht = ot . h(Ct).
 * The input projections of every step are one GEMM per direction, the
 * recurrent ones one GEMM per step.  With sequence_lens, batch entry b runs
 * its first len[b] steps (the reverse direction from step len[b] - 1 down),
 * Y is zero beyond them, and Y_h / Y_c hold the state after its last step.
 * `clip` bounds every activation's input; activation_alpha/beta are
 * consumed in order by the activations that take them (onnxruntime's
 * reading), with the ONNX operators' defaults otherwise.
 */

#define MAX_ACTIVATIONS 3 /* per direction: f (RNN); f, g (GRU); f, g, h (LSTM) */
#define MAX_DIRECTIONS 2

typedef enum act_kind {
    ACT_RELU,
    ACT_TANH,
    ACT_SIGMOID,
    ACT_AFFINE,
    ACT_LEAKY_RELU,
    ACT_THRESHOLDED_RELU,
    ACT_SCALED_TANH,
    ACT_HARD_SIGMOID,
    ACT_ELU,
    ACT_SOFTSIGN,
    ACT_SOFTPLUS
} act_kind;

typedef struct activation {
    act_kind kind;
    double alpha, beta;
} activation;

/* The activation names with their alpha/beta use and defaults (those of
 * the ONNX operators of the same name). */
static const struct {
    const char *name;
    act_kind kind;
    bool has_alpha, has_beta;
    double alpha, beta;
} ACTIVATIONS[] = {
    {"relu", ACT_RELU, false, false, 0, 0},
    {"tanh", ACT_TANH, false, false, 0, 0},
    {"sigmoid", ACT_SIGMOID, false, false, 0, 0},
    {"affine", ACT_AFFINE, true, true, 1.0, 0.0},
    {"leakyrelu", ACT_LEAKY_RELU, true, false, 0.01, 0},
    {"thresholdedrelu", ACT_THRESHOLDED_RELU, true, false, 1.0, 0},
    {"scaledtanh", ACT_SCALED_TANH, true, true, 1.0, 1.0},
    {"hardsigmoid", ACT_HARD_SIGMOID, true, true, 0.2, 0.5},
    {"elu", ACT_ELU, true, false, 1.0, 0},
    {"softsign", ACT_SOFTSIGN, false, false, 0, 0},
    {"softplus", ACT_SOFTPLUS, false, false, 0, 0},
};

static double activate(const activation *a, double x, double clip)
{
    if (clip > 0)
        x = x > clip ? clip : x < -clip ? -clip : x;
    switch (a->kind) {
    case ACT_RELU: return x > 0 ? x : 0;
    case ACT_TANH: return tanh(x);
    case ACT_SIGMOID: return 1.0 / (1.0 + exp(-x));
    case ACT_AFFINE: return a->alpha * x + a->beta;
    case ACT_LEAKY_RELU: return x >= 0 ? x : a->alpha * x;
    case ACT_THRESHOLDED_RELU: return x >= a->alpha ? x : 0;
    case ACT_SCALED_TANH: return a->alpha * tanh(a->beta * x);
    case ACT_HARD_SIGMOID: {
        double v = a->alpha * x + a->beta;
        return v < 0 ? 0 : v > 1 ? 1 : v;
    }
    case ACT_ELU: return x >= 0 ? x : a->alpha * (exp(x) - 1);
    case ACT_SOFTSIGN: return x / (1 + fabs(x));
    default: return x > 0 ? x + log1p(exp(-x)) : log1p(exp(x)); /* softplus, without overflow */
    }
}

/* Case-insensitive equality of an activation name. */
static bool name_is(const char *s, size_t len, const char *name)
{
    size_t i = 0;
    for (; i < len && name[i]; i++) {
        if (tolower((unsigned char)s[i]) != name[i])
            return false;
    }
    return i == len && !name[i];
}

/* Reads the activations attribute (n per direction, or n for every
 * direction) into acts[direction][k]; defaults when absent. */
static bool read_activations(ol_kctx *k, int n, int dirs, const act_kind *defaults,
                             activation acts[MAX_DIRECTIONS][MAX_ACTIVATIONS])
{
    for (int d = 0; d < dirs; d++) {
        for (int i = 0; i < n; i++)
            acts[d][i] = (activation){defaults[i], 0, 0};
    }
    const Onnx__AttributeProto *attr = ol_node_attribute(k->node, "activations");
    size_t n_alpha, n_beta, used_alpha = 0, used_beta = 0;
    const float *alphas = ol_attr_floats(&k->infer, "activation_alpha", &n_alpha);
    const float *betas = ol_attr_floats(&k->infer, "activation_beta", &n_beta);
    size_t count = attr ? attr->n_strings : 0;
    if (count && count != (size_t)n && count != (size_t)(n * dirs))
        return ol_k_fail(k, "%zu activations for %d direction(s) of %d function(s)", count, dirs, n);
    for (size_t j = 0; j < count; j++) {
        size_t which = sizeof ACTIVATIONS / sizeof *ACTIVATIONS;
        for (size_t a = 0; a < sizeof ACTIVATIONS / sizeof *ACTIVATIONS; a++) {
            if (name_is((const char *)attr->strings[j].data, attr->strings[j].len, ACTIVATIONS[a].name))
                which = a;
        }
        if (which == sizeof ACTIVATIONS / sizeof *ACTIVATIONS)
            return ol_k_fail(k, "activation \"%.*s\" is not one of ONNX's", (int)attr->strings[j].len,
                             (const char *)attr->strings[j].data);
        activation act = {ACTIVATIONS[which].kind, ACTIVATIONS[which].alpha, ACTIVATIONS[which].beta};
        if (ACTIVATIONS[which].has_alpha && used_alpha < n_alpha)
            act.alpha = alphas[used_alpha++];
        if (ACTIVATIONS[which].has_beta && used_beta < n_beta)
            act.beta = betas[used_beta++];
        for (int d = 0; d < dirs; d++) {
            bool per_direction = count == (size_t)(n * dirs);
            if (!per_direction || j / (size_t)n == (size_t)d) /* n names: the same for both directions */
                acts[d][j % (size_t)n] = act;
        }
    }
    return true;
}

/* The sizes of a run and its parameters as doubles. */
typedef struct rnn_run {
    int gates, dirs;
    bool batch_first, reverse_only, linear_before_reset, input_forget;
    int64_t seq, batch, input, hidden;
    double clip;
    const double *x;                         /* (seq, batch, input) */
    const double *w, *r, *b, *p;             /* per direction, b and p NULL when absent */
    const double *h0, *c0;                   /* (dirs, batch, hidden), NULL: zeros */
    const int64_t *lens;                     /* batch entries */
    activation acts[MAX_DIRECTIONS][MAX_ACTIVATIONS];
    ol_array *y, *y_h, *y_c;
} rnn_run;

/* The elements of a floating input as doubles in its own layout; NULL
 * (with *ok true) when absent, or after a failure (*ok false). */
static double *as_doubles(ol_kctx *k, size_t i, bool *ok)
{
    const ol_array *a = ol_k_in(k, i);
    if (!a)
        return NULL;
    if (!ol_elem_is_floating(a->elem_type)) {
        *ok = ol_k_fail(k, "input %zu must be a floating tensor", i);
        return NULL;
    }
    double *v = ol_k_alloc(k, (a->count + 1) * sizeof *v);
    if (!v) {
        *ok = false;
        return NULL;
    }
    for (size_t j = 0; j < a->count; j++)
        v[j] = a->elem_type == 1 ? ((const float *)a->data)[j] : ol_array_get_f64(a, j);
    return v;
}

/* Checks that input i (when present) has the given dims. */
static bool check_shape(ol_kctx *k, size_t i, const char *name, int rank, const int64_t *dims)
{
    const ol_array *a = ol_k_in(k, i);
    if (!a)
        return true;
    bool ok = a->rank == rank;
    for (int j = 0; ok && j < rank; j++)
        ok = a->dims[j] == dims[j];
    if (ok)
        return true;
    char want[128];
    size_t n = (size_t)snprintf(want, sizeof want, "(");
    for (int j = 0; j < rank && n < sizeof want; j++)
        n += (size_t)snprintf(want + n, sizeof want - n, "%s%lld", j ? "," : "", (long long)dims[j]);
    if (n < sizeof want)
        snprintf(want + n, sizeof want - n, ")");
    return ol_k_fail(k, "%s %s must be %s", name, ol_k_shape(k, a), want);
}

/* A state input (initial_h / initial_c) in (dirs, batch, hidden) order. */
static double *state_input(ol_kctx *k, size_t i, const rnn_run *run, bool *ok)
{
    double *v = as_doubles(k, i, ok);
    if (!v || !run->batch_first)
        return v;
    size_t n = (size_t)(run->dirs * run->batch * run->hidden);
    double *t = ol_k_alloc(k, (n + 1) * sizeof *t);
    if (!t) {
        *ok = false;
        return NULL;
    }
    for (int64_t b = 0; b < run->batch; b++) {
        for (int d = 0; d < run->dirs; d++)
            memcpy(t + ((size_t)d * (size_t)run->batch + (size_t)b) * (size_t)run->hidden,
                   v + ((size_t)b * (size_t)run->dirs + (size_t)d) * (size_t)run->hidden,
                   (size_t)run->hidden * sizeof *t);
    }
    return t;
}

/* Stores value v at (t, d, b, j) of Y, or (d, b, j) of a state output. */
static void put_y(const rnn_run *run, int64_t t, int d, int64_t b, int64_t j, double v)
{
    size_t i = run->batch_first
                   ? (((size_t)b * (size_t)run->seq + (size_t)t) * (size_t)run->dirs + (size_t)d)
                   : (((size_t)t * (size_t)run->dirs + (size_t)d) * (size_t)run->batch + (size_t)b);
    ol_array_set_f64(run->y, i * (size_t)run->hidden + (size_t)j, v);
}

static void put_state(const rnn_run *run, ol_array *out, int d, int64_t b, const double *v)
{
    size_t i = run->batch_first ? (size_t)b * (size_t)run->dirs + (size_t)d
                                : (size_t)d * (size_t)run->batch + (size_t)b;
    for (int64_t j = 0; j < run->hidden; j++)
        ol_array_set_f64(out, i * (size_t)run->hidden + (size_t)j, v[j]);
}

/* Runs direction d (reverse when `backward`). */
static bool run_direction(ol_kctx *k, const rnn_run *run, int d, bool backward)
{
    size_t nb = (size_t)run->batch, nh = (size_t)run->hidden, gh = (size_t)run->gates * nh;
    size_t ni = (size_t)run->input, ns = (size_t)run->seq;
    const double *w = run->w + (size_t)d * gh * ni, *r = run->r + (size_t)d * gh * nh;
    const double *wb = run->b ? run->b + (size_t)d * 2 * gh : NULL, *rb = wb ? wb + gh : NULL;
    const double *p = run->p ? run->p + (size_t)d * LSTM_PEEPHOLES * nh : NULL;
    const activation *act = run->acts[d];
    double *xw = ol_k_alloc(k, (ns * nb * gh + 1) * sizeof *xw);
    double *hr = ol_k_alloc(k, (nb * gh + 1) * sizeof *hr);
    double *h = ol_k_alloc(k, (nb * nh + 1) * sizeof *h);
    double *c = ol_k_alloc(k, (nb * nh + 1) * sizeof *c);
    double *rh = ol_k_alloc(k, (nb * nh + 1) * sizeof *rh); /* GRU: rt . Ht-1, then its product with Rh^T */
    double *rhr = ol_k_alloc(k, (nb * nh + 1) * sizeof *rhr);
    double *gate = ol_k_alloc(k, (gh + 1) * sizeof *gate);
    if (!xw || !hr || !h || !c || !rh || !rhr || !gate)
        return false;
    if (ns > 0 && nb > 0 && gh > 0 && ni > 0)
        ol_cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)(ns * nb), (int)gh, (int)ni, 1.0, run->x, (int)ni,
                    w, (int)ni, 0.0, xw, (int)gh);
    else
        memset(xw, 0, (ns * nb * gh + 1) * sizeof *xw);
    for (size_t i = 0; i < nb * nh; i++) {
        h[i] = run->h0 ? run->h0[(size_t)d * nb * nh + i] : 0;
        c[i] = run->c0 ? run->c0[(size_t)d * nb * nh + i] : 0;
    }
    for (size_t s = 0; s < ns; s++) {
        if (nb && gh && nh)
            ol_cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)nb, (int)gh, (int)nh, 1.0, h, (int)nh, r,
                        (int)nh, 0.0, hr, (int)gh);
        else
            memset(hr, 0, (nb * gh + 1) * sizeof *hr);
        if (run->gates == GRU_GATES && !run->linear_before_reset) {
            /* rt . Ht-1 needs rt of every batch entry first */
            for (size_t b = 0; b < nb; b++) {
                size_t len = run->lens ? (size_t)run->lens[b] : ns;
                size_t t = backward ? len - 1 - s : s;
                for (size_t j = 0; j < nh; j++) {
                    double v = s < len ? xw[(t * nb + b) * gh + nh + j] + hr[b * gh + nh + j] : 0;
                    if (wb)
                        v += wb[nh + j] + rb[nh + j];
                    rh[b * nh + j] = s < len ? activate(&act[0], v, run->clip) * h[b * nh + j] : 0;
                }
            }
            if (nb && nh)
                ol_cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)nb, (int)nh, (int)nh, 1.0, rh, (int)nh,
                            r + 2 * nh * nh, (int)nh, 0.0, rhr, (int)nh);
        }
        for (size_t b = 0; b < nb; b++) {
            size_t len = run->lens ? (size_t)run->lens[b] : ns;
            if (s >= len)
                continue;
            size_t t = backward ? len - 1 - s : s;
            double *hb = h + b * nh, *cb = c + b * nh;
            for (size_t j = 0; j < gh; j++)
                gate[j] = xw[(t * nb + b) * gh + j] + hr[b * gh + j] + (wb ? wb[j] + rb[j] : 0);
            for (size_t j = 0; j < nh; j++) {
                if (run->gates == RNN_GATES) {
                    hb[j] = activate(&act[0], gate[j], run->clip);
                } else if (run->gates == GRU_GATES) {
                    double z = activate(&act[0], gate[j], run->clip);
                    double hh;
                    if (run->linear_before_reset) {
                        double rr = activate(&act[0], gate[nh + j], run->clip);
                        double x_h = xw[(t * nb + b) * gh + 2 * nh + j] + (wb ? wb[2 * nh + j] : 0);
                        hh = x_h + rr * (hr[b * gh + 2 * nh + j] + (rb ? rb[2 * nh + j] : 0));
                    } else {
                        hh = xw[(t * nb + b) * gh + 2 * nh + j] + rhr[b * nh + j] +
                             (wb ? wb[2 * nh + j] + rb[2 * nh + j] : 0);
                    }
                    hh = activate(&act[1], hh, run->clip);
                    gate[j] = (1 - z) * hh + z * hb[j]; /* the new H, kept until every j is done */
                } else {
                    double ci = cb[j];
                    double ig = activate(&act[0], gate[j] + (p ? p[j] * ci : 0), run->clip);
                    double fg = run->input_forget ? 1 - ig
                                                  : activate(&act[0], gate[2 * nh + j] + (p ? p[2 * nh + j] * ci : 0),
                                                             run->clip);
                    double cg = activate(&act[1], gate[3 * nh + j], run->clip);
                    double cn = fg * ci + ig * cg;
                    double og = activate(&act[0], gate[nh + j] + (p ? p[nh + j] * cn : 0), run->clip);
                    cb[j] = cn;
                    hb[j] = og * activate(&act[2], cn, run->clip);
                }
            }
            if (run->gates == GRU_GATES)
                memcpy(hb, gate, nh * sizeof *hb);
            for (size_t j = 0; j < nh; j++)
                put_y(run, (int64_t)t, d, (int64_t)b, (int64_t)j, hb[j]);
        }
    }
    for (size_t b = 0; b < nb; b++) {
        put_state(run, run->y_h, d, (int64_t)b, h + b * nh);
        if (run->y_c)
            put_state(run, run->y_c, d, (int64_t)b, c + b * nh);
    }
    return true;
}

static bool kernel_recurrent(ol_kctx *k, int gates)
{
    static const act_kind rnn_defaults[] = {ACT_TANH};
    static const act_kind gru_defaults[] = {ACT_SIGMOID, ACT_TANH};
    static const act_kind lstm_defaults[] = {ACT_SIGMOID, ACT_TANH, ACT_TANH};
    const ol_array *x = ol_k_in(k, IN_X), *w = ol_k_in(k, IN_W), *r = ol_k_in(k, IN_R);
    if (!x || !w || !r)
        return ol_k_fail(k, "X, W and R are required");
    if (x->rank != RNN_RANK || w->rank != RNN_RANK || r->rank != RNN_RANK)
        return ol_k_fail(k, "X %s, W %s and R %s must have rank 3", ol_k_shape(k, x), ol_k_shape(k, w),
                         ol_k_shape(k, r));
    rnn_run run;
    memset(&run, 0, sizeof run);
    run.gates = gates;
    run.batch_first = ol_attr_int(&k->infer, "layout", 0) != 0;
    run.linear_before_reset = ol_attr_int(&k->infer, "linear_before_reset", 0) != 0;
    run.input_forget = ol_attr_int(&k->infer, "input_forget", 0) != 0;
    run.clip = ol_attr_has(&k->infer, "clip") ? ol_attr_float(&k->infer, "clip", 0) : 0;
    const char *direction = ol_attr_string(&k->infer, "direction", "forward");
    bool bidirectional = !strcmp(direction, "bidirectional");
    run.reverse_only = !strcmp(direction, "reverse");
    if (!bidirectional && !run.reverse_only && strcmp(direction, "forward") && strcmp(direction, "foward"))
        return ol_k_fail(k, "direction \"%s\" is not forward, reverse or bidirectional", direction);
    run.dirs = bidirectional ? 2 : 1;
    run.seq = x->dims[run.batch_first ? 1 : 0];
    run.batch = x->dims[run.batch_first ? 0 : 1];
    run.input = x->dims[2];
    run.hidden = r->dims[2];
    int64_t hidden_attr = ol_attr_int(&k->infer, "hidden_size", run.hidden);
    int64_t gh = gates * run.hidden;
    if (hidden_attr != run.hidden)
        return ol_k_fail(k, "hidden_size %lld differs from R %s", (long long)hidden_attr, ol_k_shape(k, r));
    int64_t w_dims[] = {run.dirs, gh, run.input}, r_dims[] = {run.dirs, gh, run.hidden}, b_dims[] = {run.dirs, 2 * gh};
    int64_t lens_dims[] = {run.batch}, p_dims[] = {run.dirs, LSTM_PEEPHOLES * run.hidden};
    int64_t state_dims[] = {run.dirs, run.batch, run.hidden}, state_bf[] = {run.batch, run.dirs, run.hidden};
    const int64_t *sd = run.batch_first ? state_bf : state_dims;
    if (!check_shape(k, IN_W, "W", RNN_RANK, w_dims) || !check_shape(k, IN_R, "R", RNN_RANK, r_dims) ||
        !check_shape(k, IN_B, "B", 2, b_dims) || !check_shape(k, IN_SEQUENCE_LENS, "sequence_lens", 1, lens_dims) ||
        !check_shape(k, IN_INITIAL_H, "initial_h", RNN_RANK, sd) ||
        (gates == LSTM_GATES &&
         (!check_shape(k, IN_INITIAL_C, "initial_c", RNN_RANK, sd) || !check_shape(k, IN_P, "P", 2, p_dims))))
        return false;
    const act_kind *defaults = gates == LSTM_GATES ? lstm_defaults : gates == GRU_GATES ? gru_defaults : rnn_defaults;
    int n_acts = gates == LSTM_GATES ? 3 : gates == GRU_GATES ? 2 : 1;
    if (!read_activations(k, n_acts, run.dirs, defaults, run.acts))
        return false;
    if (ol_k_in(k, IN_SEQUENCE_LENS)) {
        size_t n;
        run.lens = ol_k_ints(k, IN_SEQUENCE_LENS, &n);
        if (!run.lens)
            return false;
        for (size_t b = 0; b < n; b++) {
            if (run.lens[b] < 0 || run.lens[b] > run.seq)
                return ol_k_fail(k, "sequence_lens[%zu] = %lld is outside [0, %lld]", b, (long long)run.lens[b],
                                 (long long)run.seq);
        }
    }
    bool ok = true;
    double *xs = as_doubles(k, IN_X, &ok);
    run.w = as_doubles(k, IN_W, &ok);
    run.r = as_doubles(k, IN_R, &ok);
    run.b = as_doubles(k, IN_B, &ok);
    run.p = gates == LSTM_GATES ? as_doubles(k, IN_P, &ok) : NULL;
    run.h0 = state_input(k, IN_INITIAL_H, &run, &ok);
    run.c0 = gates == LSTM_GATES ? state_input(k, IN_INITIAL_C, &run, &ok) : NULL;
    if (!ok || !xs || !run.w || !run.r)
        return ok ? ol_k_fail(k, "X, W and R must be floating tensors") : false;
    if (run.batch_first) { /* X to (seq, batch, input) */
        size_t n = (size_t)(run.seq * run.batch * run.input);
        double *t = ol_k_alloc(k, (n + 1) * sizeof *t);
        if (!t)
            return false;
        for (int64_t b = 0; b < run.batch; b++) {
            for (int64_t s = 0; s < run.seq; s++)
                memcpy(t + ((size_t)s * (size_t)run.batch + (size_t)b) * (size_t)run.input,
                       xs + ((size_t)b * (size_t)run.seq + (size_t)s) * (size_t)run.input,
                       (size_t)run.input * sizeof *t);
        }
        xs = t;
    }
    run.x = xs;
    int64_t y_dims[] = {run.seq, run.dirs, run.batch, run.hidden};
    int64_t y_bf[] = {run.batch, run.seq, run.dirs, run.hidden};
    run.y = ol_k_out(k, OUT_Y, x->elem_type, Y_RANK, run.batch_first ? y_bf : y_dims);
    run.y_h = run.y ? ol_k_out(k, OUT_Y_H, x->elem_type, RNN_RANK, sd) : NULL;
    if (!run.y_h)
        return false;
    if (gates == LSTM_GATES && !(run.y_c = ol_k_out(k, OUT_Y_C, x->elem_type, RNN_RANK, sd)))
        return false;
    for (int d = 0; d < run.dirs; d++) {
        if (!run_direction(k, &run, d, d == 1 || run.reverse_only))
            return false;
    }
    return true;
}

static bool kernel_GRU(ol_kctx *k)
{
    return kernel_recurrent(k, GRU_GATES);
}

static bool kernel_LSTM(ol_kctx *k)
{
    return kernel_recurrent(k, LSTM_GATES);
}

static bool kernel_RNN(ol_kctx *k)
{
    return kernel_recurrent(k, RNN_GATES);
}

static const ol_op_entry rnn_ops[] = {
    {"", "GRU", infer_GRU, kernel_GRU},
    {"", "LSTM", infer_LSTM, kernel_LSTM},
    {"", "RNN", infer_RNN, kernel_RNN},
};

OL_FAMILY_DEFINE(rnn, rnn_ops);
