/*
 * nn.c - inference for convolution, pooling, normalization, dropout, image resampling (onnx/defs/nn).
 *
 * One inference function per operator, registered in the table at the end
 * (sorted by domain, then name).
 */
#include "ops/common.h"
#include "ops/families.h"

static const ol_op_entry nn_ops[] = {
    {"", "", NULL}, /* no operator yet */
};

OL_FAMILY_DEFINE(nn, nn_ops);
