/*
 * math.c - inference for elementwise arithmetic, MatMul and Gemm, activations, softmax and the losses (onnx/defs/math).
 *
 * One inference function per operator, registered in the table at the end
 * (sorted by domain, then name).
 */
#include "ops/common.h"
#include "ops/families.h"

static const ol_op_entry math_ops[] = {
    {"", "", NULL}, /* no operator yet */
};

OL_FAMILY_DEFINE(math, math_ops);
