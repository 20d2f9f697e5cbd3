/*
 * generator.c - inference for random generators, windows and Mel matrices,
 * signal transforms (onnx/defs/generator, onnx/defs/signal).
 *
 * One inference function per operator, registered in the table at the end
 * (sorted by domain, then name).  These operators make new tensors whose
 * sizes come from attributes (RandomNormal's shape), from another tensor's
 * shape (the *Like ops, Bernoulli), or from the values of small integer
 * inputs (a window's size, DFT's dft_length, STFT's frame_step): those are
 * read from propagated data as dims, so a symbolic size stays symbolic
 * (a window of size N, an STFT of floor((L-16)/8)+1 frames) and an unknown
 * one stays unknown.  Output element types come from dtype-like
 * attributes, checked against the schema row's constraint.
 */
#include "ops/common.h"
#include "ops/families.h"

/* ONNX element types used by name. */
enum { ELEM_FLOAT = 1, ELEM_INT32 = 6, ELEM_INT64 = 7 };

/* The complex dimension of DFT/STFT data: 1 (real) or 2 (real, imaginary). */
enum { REAL_COMPONENTS = 1, COMPLEX_COMPONENTS = 2 };

/* Element types are bits of a 32-bit constraint mask. */
enum { CONSTRAINT_BITS = 32 };

/* DFT's axis before opset 20 (an attribute), and after (an input). */
enum { DFT_AXIS_ATTR_DEFAULT = 1, DFT_AXIS_INPUT_DEFAULT = -2, DFT_AXIS_AS_INPUT_SINCE = 20 };

/* True when elem may be the element type of output i by the schema row's
 * type constraint (or when nothing constrains it). */
static bool out_elem_allowed(const ol_ctx *ctx, size_t i, int32_t elem)
{
    const ol_schema *s = ctx->schema;
    if (!s || i >= s->n_outputs)
        return true;
    uint8_t c = s->outputs[i].constraint;
    if (c == 255 || c >= s->n_constraints || !s->constraints[c].tensor)
        return true;
    return elem > 0 && elem < CONSTRAINT_BITS && (s->constraints[c].tensor & (1u << elem));
}

/* The element type named by an INT attribute (dtype, output_datatype) for
 * output 0, fallback when the attribute is absent; 0 (unknown) after a
 * type-error when the value is not an allowed element type. */
static int32_t elem_from_attr(ol_ctx *ctx, const char *attr, int32_t fallback)
{
    if (!ol_attr_has(ctx, attr))
        return fallback;
    int64_t v = ol_attr_int(ctx, attr, fallback);
    if (v <= 0 || v > OL_ELEM_MAX || !out_elem_allowed(ctx, 0, (int32_t)v)) {
        const char *name = v > 0 && v <= OL_ELEM_MAX ? ol_elem_type_name((int32_t)v) : NULL;
        ol_error(ctx, "type-error", "%s %lld (%s) is not an output type this operator can produce", attr,
                 (long long)v, name ? name : "unknown");
        return 0;
    }
    return (int32_t)v;
}

/* Output out gets elem type elem and input in's shape (unknown rank when
 * that shape is unknown). */
static void out_shape_of(ol_ctx *ctx, size_t out, size_t in, int32_t elem)
{
    const ol_shape *s = ol_in_shape(ctx, in);
    int rank = s ? s->rank : -1;
    ol_dim *dims = ol_out_tensor(ctx, out, elem, rank);
    for (int k = 0; dims && k < rank; k++)
        dims[k] = s->dims[k];
}

/* The value of a one-element integer input as a dim (symbolic when the
 * value is), unknown when not propagated.  An input whose size is known
 * and is not one element is a shape-error naming what. */
static ol_dim scalar_dim(ol_ctx *ctx, size_t i, const char *what)
{
    if (!ol_in_has(ctx, i))
        return ol_dim_unknown();
    const ol_shape *s = ol_in_shape(ctx, i);
    if (s) {
        ol_dim n = ol_shape_product(ctx, s, 0, s->rank);
        if (n.kind == OL_DIM_VALUE && n.value != 1) {
            ol_error(ctx, "shape-error", "%s must be a scalar, '%s' is %s", what, ol_in_name(ctx, i),
                     ol_type_str(ctx, ol_in_type(ctx, i)));
            return ol_dim_unknown();
        }
    }
    const ol_data *d = ol_in_data(ctx, i);
    if (!d || d->count != 1 || !d->values)
        return ol_dim_unknown();
    return ol_dim_resolve(ctx->exprs, d->values[0]);
}

/* A size that must not be negative (or, when strict, must be positive):
 * the dim itself, or unknown after a shape-error. */
static ol_dim checked_size(ol_ctx *ctx, ol_dim d, bool strict, const char *what)
{
    if (d.kind == OL_DIM_VALUE && (d.value < 0 || (strict && d.value == 0))) {
        ol_error(ctx, "shape-error", "%s is %lld, it must be %s", what, (long long)d.value,
                 strict ? "positive" : "non-negative");
        return ol_dim_unknown();
    }
    return d;
}

/* floor(n/2)+1: the bins a one-sided (real-input) transform of length n
 * keeps. */
static ol_dim onesided_bins(ol_ctx *ctx, ol_dim n)
{
    return ol_dim_add_const(ctx->exprs, ol_dim_floordiv(ctx->exprs, n, ol_dim_value(2)), 1);
}

/* ---- random generators ---- */

/* RandomNormal, RandomUniform: shape from the attribute. */
static void infer_random(ol_ctx *ctx)
{
    int32_t elem = elem_from_attr(ctx, "dtype", ELEM_FLOAT);
    if (!ol_attr_has(ctx, "shape")) { /* required: the checker reported it */
        ol_out_tensor(ctx, 0, elem, -1);
        return;
    }
    size_t n;
    const int64_t *shape = ol_attr_ints(ctx, "shape", &n);
    if (n > OL_MAX_RANK) {
        ol_out_tensor(ctx, 0, elem, -1);
        return;
    }
    ol_dim *dims = ol_out_tensor(ctx, 0, elem, (int)n);
    for (size_t k = 0; dims && k < n; k++) {
        if (shape[k] < 0) {
            ol_error(ctx, "shape-error", "attribute shape has a negative dim %lld at %zu", (long long)shape[k], k);
            dims[k] = ol_dim_unknown();
        } else {
            dims[k] = ol_dim_value(shape[k]);
        }
    }
}

static void infer_RandomNormal(ol_ctx *ctx)
{
    infer_random(ctx);
}

static void infer_RandomUniform(ol_ctx *ctx)
{
    infer_random(ctx);
}

/* RandomNormalLike, RandomUniformLike, Bernoulli: the input's shape, dtype
 * or else the input's element type. */
static void infer_random_like(ol_ctx *ctx)
{
    int32_t elem = elem_from_attr(ctx, "dtype", ol_in_elem(ctx, 0));
    out_shape_of(ctx, 0, 0, elem);
}

static void infer_RandomNormalLike(ol_ctx *ctx)
{
    infer_random_like(ctx);
}

static void infer_RandomUniformLike(ol_ctx *ctx)
{
    infer_random_like(ctx);
}

static void infer_Bernoulli(ol_ctx *ctx)
{
    infer_random_like(ctx);
}

/* Multinomial: input (batch, classes) gives (batch, sample_size). */
static void infer_Multinomial(ol_ctx *ctx)
{
    int32_t elem = elem_from_attr(ctx, "dtype", ELEM_INT32);
    int64_t samples = ol_attr_int(ctx, "sample_size", 1);
    ol_dim *dims = ol_out_tensor(ctx, 0, elem, 2);
    if (!dims)
        return;
    dims[0] = ol_dim_unknown();
    dims[1] = checked_size(ctx, ol_dim_value(samples), false, "sample_size");
    const ol_shape *s = ol_in_shape(ctx, 0);
    if (!s)
        return;
    if (s->rank != 2) {
        ol_error(ctx, "shape-error", "input must be 2-D (batch, classes), got %s",
                 ol_type_str(ctx, ol_in_type(ctx, 0)));
        return;
    }
    dims[0] = s->dims[0];
}

/* ---- windows and the Mel weight matrix ---- */

/* HannWindow, HammingWindow, BlackmanWindow: a 1-D tensor of the size
 * given by the scalar input. */
static void infer_window(ol_ctx *ctx)
{
    int32_t elem = elem_from_attr(ctx, "output_datatype", ELEM_FLOAT);
    ol_dim *dims = ol_out_tensor(ctx, 0, elem, 1);
    if (dims)
        dims[0] = checked_size(ctx, scalar_dim(ctx, 0, "size"), true, "window size");
}

static void infer_BlackmanWindow(ol_ctx *ctx)
{
    infer_window(ctx);
}

static void infer_HammingWindow(ol_ctx *ctx)
{
    infer_window(ctx);
}

static void infer_HannWindow(ol_ctx *ctx)
{
    infer_window(ctx);
}

/* MelWeightMatrix: (floor(dft_length/2)+1, num_mel_bins). */
static void infer_MelWeightMatrix(ol_ctx *ctx)
{
    int32_t elem = elem_from_attr(ctx, "output_datatype", ELEM_FLOAT);
    ol_dim *dims = ol_out_tensor(ctx, 0, elem, 2);
    if (!dims)
        return;
    ol_dim bins = checked_size(ctx, scalar_dim(ctx, 0, "num_mel_bins"), false, "num_mel_bins");
    ol_dim dft = checked_size(ctx, scalar_dim(ctx, 1, "dft_length"), true, "dft_length");
    dims[0] = onesided_bins(ctx, dft);
    dims[1] = bins;
}

/* ---- signal transforms ---- */

/* Checks the last (complex) dim of a signal: 1 or 2 when the rank leaves
 * room for it. */
static void check_components(ol_ctx *ctx, const ol_shape *s, const char *what)
{
    ol_dim last = ol_dim_resolve(ctx->exprs, s->dims[s->rank - 1]);
    if (last.kind == OL_DIM_VALUE && last.value != REAL_COMPONENTS && last.value != COMPLEX_COMPONENTS)
        ol_error(ctx, "shape-error", "the last dim of %s %s must be 1 (real) or 2 (complex), not %lld", what,
                 ol_type_str(ctx, ol_in_type(ctx, 0)), (long long)last.value);
}

/* DFT: the input's shape with the axis resized (dft_length, halved when
 * onesided) and the last dim 2. */
static void infer_DFT(ol_ctx *ctx)
{
    int32_t elem = ol_in_elem(ctx, 0);
    bool onesided = ol_attr_int(ctx, "onesided", 0) != 0;
    bool inverse = ol_attr_int(ctx, "inverse", 0) != 0;
    bool axis_input = ctx->version >= DFT_AXIS_AS_INPUT_SINCE;
    if (axis_input && onesided && inverse)
        ol_error(ctx, "shape-error", "onesided and inverse cannot both be set");
    const ol_shape *s = ol_in_shape(ctx, 0);
    if (!s) {
        ol_out_tensor(ctx, 0, elem, -1);
        return;
    }
    int rank = s->rank;
    if (rank < 2) {
        ol_error(ctx, "shape-error", "input %s must have rank >= 2 (signal dims, then the complex dim)",
                 ol_type_str(ctx, ol_in_type(ctx, 0)));
        ol_out_tensor(ctx, 0, elem, -1);
        return;
    }
    if (rank > 2)
        check_components(ctx, s, "input");
    ol_dim *dims = ol_out_tensor(ctx, 0, elem, rank);
    if (!dims)
        return;
    for (int k = 0; k < rank; k++)
        dims[k] = s->dims[k];
    dims[rank - 1] = ol_dim_value(COMPLEX_COMPONENTS);

    int axis = -1;
    if (!axis_input) {
        axis = ol_axis(ctx, ol_attr_int(ctx, "axis", DFT_AXIS_ATTR_DEFAULT), rank, false, "axis");
    } else if (!ol_in_has(ctx, 2)) {
        axis = rank + DFT_AXIS_INPUT_DEFAULT;
    } else {
        ol_dim a = scalar_dim(ctx, 2, "axis");
        if (a.kind != OL_DIM_VALUE) {
            /* Which axis is unknown: only an untouched shape survives. */
            if (onesided || ol_in_has(ctx, 1)) {
                for (int k = 0; k < rank - 1; k++)
                    dims[k] = ol_dim_unknown();
            }
            return;
        }
        if (a.value < -rank || a.value >= rank - 1 || a.value == -1) {
            ol_error(ctx, "shape-error", "axis %lld is not a signal axis of %s (the last dim is the complex one)",
                     (long long)a.value, ol_type_str(ctx, ol_in_type(ctx, 0)));
        } else {
            axis = (int)(a.value < 0 ? a.value + rank : a.value);
        }
    }
    if (axis < 0) { /* reported: which dim changes is unknown */
        for (int k = 0; k < rank - 1; k++)
            dims[k] = ol_dim_unknown();
        return;
    }
    ol_dim n = s->dims[axis];
    if (ol_in_has(ctx, 1))
        n = checked_size(ctx, scalar_dim(ctx, 1, "dft_length"), true, "dft_length");
    dims[axis] = onesided ? onesided_bins(ctx, n) : n;
    dims[rank - 1] = ol_dim_value(COMPLEX_COMPONENTS); /* even when axis named it (opset 17 allowed that) */
}

/* The frame (DFT) length of an STFT: the frame_length input's value, the
 * window's length, or both (which must agree); unknown otherwise. */
static ol_dim stft_frame_length(ol_ctx *ctx)
{
    ol_dim from_input = ol_dim_unknown(), from_window = ol_dim_unknown();
    if (ol_in_has(ctx, 3))
        from_input = checked_size(ctx, scalar_dim(ctx, 3, "frame_length"), true, "frame_length");
    const ol_shape *w = ol_in_shape(ctx, 2);
    if (w && w->rank != 1)
        ol_error(ctx, "shape-error", "window must be 1-D, got %s", ol_type_str(ctx, ol_in_type(ctx, 2)));
    else if (w)
        from_window = w->dims[0];
    return ol_dim_merge(ctx, from_input, from_window, "frame_length vs window length");
}

/* STFT: (batch, frames, bins, 2) with frames = floor((signal - frame) /
 * step) + 1 and bins = frame, or floor(frame/2)+1 when onesided. */
static void infer_STFT(ol_ctx *ctx)
{
    int32_t elem = ol_in_elem(ctx, 0);
    bool onesided = ol_attr_int(ctx, "onesided", 1) != 0;
    ol_dim *dims = ol_out_tensor(ctx, 0, elem, 4);
    if (!dims)
        return;
    dims[0] = dims[1] = ol_dim_unknown();
    dims[3] = ol_dim_value(COMPLEX_COMPONENTS);
    ol_dim frame = stft_frame_length(ctx);
    dims[2] = onesided ? onesided_bins(ctx, frame) : frame;
    ol_dim step = checked_size(ctx, scalar_dim(ctx, 1, "frame_step"), true, "frame_step");

    const ol_shape *s = ol_in_shape(ctx, 0);
    if (!s)
        return;
    if (s->rank < 2) {
        ol_error(ctx, "shape-error", "signal %s must be (batch, length, 1 or 2)", ol_type_str(ctx, ol_in_type(ctx, 0)));
        return;
    }
    if (s->rank > 2)
        check_components(ctx, s, "signal");
    dims[0] = s->dims[0];
    ol_dim length = ol_dim_resolve(ctx->exprs, s->dims[1]);
    frame = ol_dim_resolve(ctx->exprs, frame);
    if (length.kind == OL_DIM_VALUE && frame.kind == OL_DIM_VALUE && length.value < frame.value) {
        ol_error(ctx, "shape-error", "signal length %lld is shorter than frame length %lld", (long long)length.value,
                 (long long)frame.value);
        return;
    }
    ol_dim span = ol_dim_sub(ctx->exprs, length, frame);
    dims[1] = ol_dim_add_const(ctx->exprs, ol_dim_floordiv(ctx->exprs, span, step), 1);
}

static const ol_op_entry generator_ops[] = {
    {"", "Bernoulli", infer_Bernoulli, NULL},
    {"", "BlackmanWindow", infer_BlackmanWindow, NULL},
    {"", "DFT", infer_DFT, NULL},
    {"", "HammingWindow", infer_HammingWindow, NULL},
    {"", "HannWindow", infer_HannWindow, NULL},
    {"", "MelWeightMatrix", infer_MelWeightMatrix, NULL},
    {"", "Multinomial", infer_Multinomial, NULL},
    {"", "RandomNormal", infer_RandomNormal, NULL},
    {"", "RandomNormalLike", infer_RandomNormalLike, NULL},
    {"", "RandomUniform", infer_RandomUniform, NULL},
    {"", "RandomUniformLike", infer_RandomUniformLike, NULL},
    {"", "STFT", infer_STFT, NULL},
};

OL_FAMILY_DEFINE(generator, generator_ops);
