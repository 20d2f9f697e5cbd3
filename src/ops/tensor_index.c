/*
 * tensor_index.c - inference for indexing and layout: Gather*, Scatter*, Split, Pad, Resize, OneHot, NonZero... (onnx/defs/tensor, part 2).
 *
 * One inference function per operator, registered in the table at the end
 * (sorted by domain, then name).
 */
#include "ops/common.h"
#include "ops/families.h"

static const ol_op_entry tensor_index_ops[] = {
    {"", "", NULL}, /* no operator yet */
};

OL_FAMILY_DEFINE(tensor_index, tensor_index_ops);
