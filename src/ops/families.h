/*
 * families.h - the operator families and their tables.
 *
 * Each family (as ONNX groups its operators: math, nn, tensor, ...)
 * defines, in its own file, one table of ol_op_entry sorted by (domain,
 * name) and publishes it with OL_FAMILY_DEFINE.  Adding an operator is one
 * row there plus its inference function; adding a family is one line here
 * and one in families.c.
 */
#ifndef OL_FAMILIES_H
#define OL_FAMILIES_H

#include <stddef.h>

#include "ops/op.h"

typedef struct ol_family {
    const char *name;
    const ol_op_entry *entries;
    size_t count;
} ol_family;

/* Terminated by NULL. */
extern const ol_family *const ol_families[];

#define OL_FAMILY_DEFINE(name, table)                                                                                 \
    const ol_family ol_family_##name = {#name, table, sizeof table / sizeof table[0]}

extern const ol_family ol_family_math, ol_family_nn, ol_family_tensor, ol_family_reduction, ol_family_logical,
    ol_family_controlflow, ol_family_sequence, ol_family_quantization, ol_family_rnn, ol_family_generator, ol_family_tensor_index,
    ol_family_misc, ol_family_attention, ol_family_contrib;

#endif
