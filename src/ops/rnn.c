/*
 * rnn.c - inference for RNN, GRU, LSTM (onnx/defs/rnn).
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
#include <stdio.h>
#include <string.h>

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

static const ol_op_entry rnn_ops[] = {
    {"", "GRU", infer_GRU, NULL},
    {"", "LSTM", infer_LSTM, NULL},
    {"", "RNN", infer_RNN, NULL},
};

OL_FAMILY_DEFINE(rnn, rnn_ops);
