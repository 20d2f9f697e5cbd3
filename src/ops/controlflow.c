/*
 * controlflow.c - inference for If, Loop, Scan (onnx/defs/controlflow).
 *
 * One inference function per operator, registered in the table at the end
 * (sorted by domain, then name).
 */
#include "ops/common.h"
#include "ops/families.h"

static const ol_op_entry controlflow_ops[] = {
    {"", "", NULL}, /* no operator yet */
};

OL_FAMILY_DEFINE(controlflow, controlflow_ops);
