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

#endif
