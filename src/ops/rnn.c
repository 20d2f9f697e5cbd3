/*
 * rnn.c - inference for RNN, GRU, LSTM (onnx/defs/rnn).
 *
 * One inference function per operator, registered in the table at the end
 * (sorted by domain, then name).
 */
#include "ops/common.h"
#include "ops/families.h"

static const ol_op_entry rnn_ops[] = {
    {"", "", NULL}, /* no operator yet */
};

OL_FAMILY_DEFINE(rnn, rnn_ops);
