/*
 * common.h - inference helpers shared by several operator families (as
 * ONNX shares them between its defs files: elementwise, broadcasting).
 */
#ifndef OL_OPS_COMMON_H
#define OL_OPS_COMMON_H

#include "ops/op.h"

/* Output 0 has input 0's type (elementwise unary ops: Relu, Neg...). */
void ol_infer_same_as_input(ol_ctx *ctx);

/* Output 0 is the broadcast of every present input, element type elem
 * (0: input 0's).  Returns the output type (NULL when unknown rank). */
ol_type *ol_infer_broadcast(ol_ctx *ctx, int32_t elem);

/* Copies the values of a propagated 1-D data block into a new one for
 * output i when every element is known; helper for shape-only ops. */
void ol_pass_data(ol_ctx *ctx, size_t out, size_t in);

/* Output 0 of a convolution-like operator (Conv, ConvInteger, QLinearConv):
 * input x is (N, C, D1...), input w is (M, C/group, k1...); attributes
 * auto_pad, dilations, group, kernel_shape, pads, strides as in Conv.
 * Output element type out_elem.  Checks channels against the weight.
 * Implemented with Conv in nn.c. */
void ol_infer_conv_like(ol_ctx *ctx, size_t x, size_t w, int32_t out_elem);

#endif
