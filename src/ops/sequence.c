/*
 * sequence.c - inference for sequences and optionals (onnx/defs/sequence, onnx/defs/optional).
 *
 * One inference function per operator, registered in the table at the end
 * (sorted by domain, then name).
 */
#include "ops/common.h"
#include "ops/families.h"

static const ol_op_entry sequence_ops[] = {
    {"", "", NULL}, /* no operator yet */
};

OL_FAMILY_DEFINE(sequence, sequence_ops);
