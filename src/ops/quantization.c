/*
 * quantization.c - inference for quantize, dequantize and the integer kernels (onnx/defs/quantization and math's *Integer ops).
 *
 * One inference function per operator, registered in the table at the end
 * (sorted by domain, then name).
 */
#include "ops/common.h"
#include "ops/families.h"

static const ol_op_entry quantization_ops[] = {
    {"", "", NULL}, /* no operator yet */
};

OL_FAMILY_DEFINE(quantization, quantization_ops);
