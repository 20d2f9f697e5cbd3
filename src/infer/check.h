/*
 * check.h - the generic checker of a node against its schema row.
 */
#ifndef OL_CHECK_H
#define OL_CHECK_H

#include "ops/op.h"

/* Reports type-error findings for arity, attributes and element types of
 * ctx->node against ctx->schema (which must be set). */
void ol_check_node(ol_ctx *ctx);

#endif
