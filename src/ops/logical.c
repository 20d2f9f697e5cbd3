/*
 * logical.c - inference for comparisons, boolean and bitwise operators (onnx/defs/logical).
 *
 * One inference function per operator, registered in the table at the end
 * (sorted by domain, then name).
 */
#include "ops/common.h"
#include "ops/families.h"

static const ol_op_entry logical_ops[] = {
    {"", "", NULL}, /* no operator yet */
};

OL_FAMILY_DEFINE(logical, logical_ops);
