/*
 * reduction.c - inference for Reduce* and ArgMax/ArgMin (onnx/defs/reduction).
 *
 * One inference function per operator, registered in the table at the end
 * (sorted by domain, then name).
 */
#include "ops/common.h"
#include "ops/families.h"

static const ol_op_entry reduction_ops[] = {
    {"", "", NULL}, /* no operator yet */
};

OL_FAMILY_DEFINE(reduction, reduction_ops);
