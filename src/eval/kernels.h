/*
 * kernels.h - helpers shared by the numeric kernels of several families.
 */
#ifndef OL_KERNELS_H
#define OL_KERNELS_H

#include "eval/eval.h"

/* Elementwise over one input: y[i] = fn(x[i]) in double precision, output of
 * x's type (or out_elem when non-zero). */
bool ol_k_unary(ol_kctx *k, double (*fn)(double x, const void *ctx), const void *ctx, int32_t out_elem);

/* Elementwise over the broadcast of inputs 0 and 1: in double precision
 * (floats) or in int64 (integer types, when ifn is given); output of input
 * 0's type unless out_elem is non-zero (bool for comparisons). */
bool ol_k_binary(ol_kctx *k, double (*fn)(double a, double b), int64_t (*ifn)(int64_t a, int64_t b),
                 int32_t out_elem);

/* The int64 values of a 1-D (or scalar) integer input, copied into a run
 * array; *n their count.  NULL (after ol_k_fail) when absent or not integer. */
int64_t *ol_k_ints(ol_kctx *k, size_t i, size_t *n);

/* Output i is a copy of input j (same type, shape and data). */
bool ol_k_copy(ol_kctx *k, size_t i, size_t j);

#endif
