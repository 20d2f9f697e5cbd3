/*
 * check.h - the generic checker of a node against its schema row.
 */
#ifndef OL_CHECK_H
#define OL_CHECK_H

#include <stdint.h>

#include "ops/op.h"

/* Reports type-error findings for arity, attributes and element types of
 * ctx->node against ctx->schema (which must be set).  Returns the set of
 * type constraints (bit k: constraint k, k < 64) whose inputs disagree on
 * their element type: outputs bound to them have no trustworthy type. */
uint64_t ol_check_node(ol_ctx *ctx);

/* Whether input i of an operator of schema s may be a tensor of
 * elem_type (true when s is NULL or the input is unconstrained).  The
 * evaluator asks it so that run refuses what inference calls a
 * type-error (int64 Sum, say), as runtimes do. */
bool ol_schema_takes_input(const ol_schema *s, size_t i, int32_t elem_type);

#endif
