/*
 * generator.c - inference for random generators, windows and Mel matrices, signal transforms (onnx/defs/generator, onnx/defs/signal).
 *
 * One inference function per operator, registered in the table at the end
 * (sorted by domain, then name).
 */
#include "ops/common.h"
#include "ops/families.h"

static const ol_op_entry generator_ops[] = {
    {"", "", NULL}, /* no operator yet */
};

OL_FAMILY_DEFINE(generator, generator_ops);
