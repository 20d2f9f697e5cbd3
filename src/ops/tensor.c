/*
 * tensor.c - inference for shape manipulation and the small-integer data that drives it: Shape, Reshape, Concat, Slice, Squeeze... (onnx/defs/tensor, part 1).
 *
 * One inference function per operator, registered in the table at the end
 * (sorted by domain, then name).
 */
#include "ops/common.h"
#include "ops/families.h"

static const ol_op_entry tensor_ops[] = {
    {"", "", NULL}, /* no operator yet */
};

OL_FAMILY_DEFINE(tensor, tensor_ops);
