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
 *
 * The kernels (after the inference functions) compute windows and the Mel
 * matrix as ONNX's reference does, DFT and STFT in double precision (an
 * FFT when the length is a power of two, the direct sum otherwise), and
 * random values from a seeded local generator (right shapes and types;
 * the values cannot match other runtimes').
 */
#include <math.h>
#include <string.h>

#include "eval/kernels.h"
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

/* ==== kernels ==== */

/* 2 pi, to double precision. */
#define TWO_PI 6.28318530717958647692528676655900577

/* A readable name of an element type for messages. */
static const char *elem_name(int32_t elem)
{
    const char *name = ol_elem_type_name(elem);
    return name ? name : "unknown";
}

/* True for the element types a kernel may fill from double values: the
 * real numeric ones and bool. */
static bool real_elem(int32_t elem)
{
    return ol_elem_is_floating(elem) || ol_elem_is_integral(elem);
}

/* Fails unless elem is a real numeric element type (what names the
 * attribute that chose it). */
static bool check_real_elem(ol_kctx *k, int32_t elem, const char *what)
{
    if (elem > 0 && elem <= OL_ELEM_MAX && real_elem(elem) && ol_elem_size(elem))
        return true;
    return ol_k_fail(k, "%s %d (%s) is not a real numeric element type", what, (int)elem, elem_name(elem));
}

/* Input i as one integer (a scalar or a one-element tensor). */
static bool k_scalar_int(ol_kctx *k, size_t i, const char *what, int64_t *out)
{
    const ol_array *a = ol_k_in(k, i);
    if (!a)
        return ol_k_fail(k, "%s (input %zu) is missing", what, i);
    if (a->count != 1 || !ol_elem_is_integral(a->elem_type))
        return ol_k_fail(k, "%s must be one integer, got %s %s", what, elem_name(a->elem_type), ol_k_shape(k, a));
    *out = ol_array_get_i64(a, 0);
    return true;
}

/* Input i as one real number. */
static bool k_scalar_real(ol_kctx *k, size_t i, const char *what, double *out)
{
    const ol_array *a = ol_k_in(k, i);
    if (!a)
        return ol_k_fail(k, "%s (input %zu) is missing", what, i);
    if (a->count != 1 || !real_elem(a->elem_type))
        return ol_k_fail(k, "%s must be one number, got %s %s", what, elem_name(a->elem_type), ol_k_shape(k, a));
    *out = ol_array_get_f64(a, 0);
    return true;
}

/* True when optional input i is given. */
static bool k_has(const ol_kctx *k, size_t i)
{
    return ol_k_in_value(k, i) != NULL;
}

/* ---- random generators ----
 *
 * The suite cannot check random values, so these kernels only promise the
 * right shapes and types: a local xorshift64* generator seeded from the
 * `seed` attribute (a fixed seed without it), the same values on every
 * run.  Bernoulli and RandomUniformLike have none: the backend suite
 * compares their outputs (test_bernoulli*, and their _expanded forms). */

typedef struct rng {
    uint64_t state;
} rng;

/* The seed used when the node gives none (any non-zero constant). */
#define RNG_DEFAULT_SEED UINT64_C(0x9E3779B97F4A7C15)
/* xorshift64*'s output multiplier (Vigna, 2016). */
#define RNG_MULTIPLIER UINT64_C(0x2545F4914F6CDD1D)
/* 53 random bits make a double in [0, 1). */
enum { RNG_DROPPED_BITS = 11 };
#define RNG_UNIT (1.0 / 9007199254740992.0) /* 2^-53 */

static void rng_init(rng *r, const ol_kctx *k)
{
    uint64_t seed = RNG_DEFAULT_SEED;
    if (ol_attr_has(&k->infer, "seed")) {
        float f = ol_attr_float(&k->infer, "seed", 0);
        uint32_t bits;
        memcpy(&bits, &f, sizeof bits);
        seed ^= (uint64_t)bits * RNG_MULTIPLIER;
    }
    r->state = seed ? seed : RNG_DEFAULT_SEED;
}

static uint64_t rng_next(rng *r)
{
    enum { SHIFT_A = 12, SHIFT_B = 25, SHIFT_C = 27 }; /* xorshift64*'s shift triple */
    uint64_t x = r->state;
    x ^= x >> SHIFT_A;
    x ^= x << SHIFT_B;
    x ^= x >> SHIFT_C;
    r->state = x;
    return x * RNG_MULTIPLIER;
}

/* Uniform in [0, 1). */
static double rng_uniform(rng *r)
{
    return (double)(rng_next(r) >> RNG_DROPPED_BITS) * RNG_UNIT;
}

/* Standard normal (Box-Muller). */
static double rng_normal(rng *r)
{
    double u1 = 1.0 - rng_uniform(r); /* (0, 1]: log is finite */
    double u2 = rng_uniform(r);
    return sqrt(-2.0 * log(u1)) * cos(TWO_PI * u2);
}

/* Fills output 0 (elem, shape) with normal (mean a, scale b) or uniform
 * [a, b) values. */
static bool random_fill(ol_kctx *k, int32_t elem, int rank, const int64_t *dims, bool normal, double a, double b)
{
    if (!check_real_elem(k, elem, "dtype"))
        return false;
    ol_array *y = ol_k_out(k, 0, elem, rank, dims);
    if (!y)
        return false;
    rng r;
    rng_init(&r, k);
    for (size_t i = 0; i < y->count; i++) {
        double v = normal ? a + b * rng_normal(&r) : a + (b - a) * rng_uniform(&r);
        ol_array_set_f64(y, i, v);
    }
    return true;
}

/* The shape attribute of RandomNormal / RandomUniform. */
static bool random_shape(ol_kctx *k, int64_t *dims, int *rank)
{
    size_t n;
    const int64_t *shape = ol_attr_ints(&k->infer, "shape", &n);
    if (!ol_attr_has(&k->infer, "shape"))
        return ol_k_fail(k, "attribute shape is missing");
    if (n > OL_MAX_RANK)
        return ol_k_fail(k, "attribute shape has %zu dims, more than %d", n, OL_MAX_RANK);
    for (size_t i = 0; i < n; i++) {
        if (shape[i] < 0)
            return ol_k_fail(k, "attribute shape has a negative dim %lld at %zu", (long long)shape[i], i);
        dims[i] = shape[i];
    }
    *rank = (int)n;
    return true;
}

static bool kernel_RandomNormal(ol_kctx *k)
{
    int64_t dims[OL_MAX_RANK];
    int rank;
    if (!random_shape(k, dims, &rank))
        return false;
    int32_t elem = (int32_t)ol_attr_int(&k->infer, "dtype", ELEM_FLOAT);
    return random_fill(k, elem, rank, dims, true, ol_attr_float(&k->infer, "mean", 0),
                       ol_attr_float(&k->infer, "scale", 1));
}

static bool kernel_RandomUniform(ol_kctx *k)
{
    int64_t dims[OL_MAX_RANK];
    int rank;
    if (!random_shape(k, dims, &rank))
        return false;
    int32_t elem = (int32_t)ol_attr_int(&k->infer, "dtype", ELEM_FLOAT);
    return random_fill(k, elem, rank, dims, false, ol_attr_float(&k->infer, "low", 0),
                       ol_attr_float(&k->infer, "high", 1));
}

static bool kernel_RandomNormalLike(ol_kctx *k)
{
    const ol_array *x = ol_k_in(k, 0);
    if (!x)
        return ol_k_fail(k, "input 0 is missing");
    int32_t elem = (int32_t)ol_attr_int(&k->infer, "dtype", x->elem_type);
    return random_fill(k, elem, x->rank, x->dims, true, ol_attr_float(&k->infer, "mean", 0),
                       ol_attr_float(&k->infer, "scale", 1));
}

/* Multinomial: sample_size class indices per row of unnormalised log
 * probabilities. */
static bool kernel_Multinomial(ol_kctx *k)
{
    const ol_array *x = ol_k_in(k, 0);
    if (!x || x->rank != 2 || !ol_elem_is_floating(x->elem_type))
        return ol_k_fail(k, "input must be 2-D (batch, classes) floats, got %s", ol_k_shape(k, x));
    int64_t samples = ol_attr_int(&k->infer, "sample_size", 1);
    if (samples < 0)
        return ol_k_fail(k, "sample_size is %lld, it must not be negative", (long long)samples);
    int32_t elem = (int32_t)ol_attr_int(&k->infer, "dtype", ELEM_INT32);
    if (elem != ELEM_INT32 && elem != ELEM_INT64)
        return ol_k_fail(k, "dtype %d (%s) is not int32 or int64", (int)elem, elem_name(elem));
    int64_t dims[2] = {x->dims[0], samples};
    ol_array *y = ol_k_out(k, 0, elem, 2, dims);
    if (!y)
        return false;
    size_t classes = (size_t)x->dims[1];
    if (y->count == 0)
        return true;
    if (classes == 0)
        return ol_k_fail(k, "cannot sample from 0 classes (input %s)", ol_k_shape(k, x));
    double *p = ol_k_alloc(k, classes * sizeof *p);
    if (!p)
        return false;
    rng r;
    rng_init(&r, k);
    for (int64_t b = 0; b < x->dims[0]; b++) {
        const size_t row = (size_t)b * classes;
        double most = -INFINITY, total = 0;
        for (size_t c = 0; c < classes; c++) {
            double v = ol_array_get_f64(x, row + c);
            most = v > most ? v : most;
        }
        for (size_t c = 0; c < classes; c++) {
            double v = ol_array_get_f64(x, row + c);
            p[c] = isfinite(most) ? exp(v - most) : 1.0; /* all -inf (or inf): uniform */
            if (!(p[c] >= 0))
                p[c] = 0; /* NaN */
            total += p[c];
        }
        for (int64_t s = 0; s < samples; s++) {
            double u = rng_uniform(&r) * total, acc = 0;
            size_t pick = classes - 1;
            for (size_t c = 0; c < classes; c++) {
                acc += p[c];
                if (u < acc) {
                    pick = c;
                    break;
                }
            }
            ol_array_set_i64(y, (size_t)(b * samples + s), (int64_t)pick);
        }
    }
    return true;
}

/* ---- windows and the Mel weight matrix ---- */

/* The cosine-sum windows: w[n] = sum_j a[j] cos(2 pi j n / N), N the size
 * (periodic) or the size - 1 (symmetric). */
static bool window_kernel(ol_kctx *k, const double *a, size_t n_terms)
{
    int64_t size;
    if (!k_scalar_int(k, 0, "size", &size))
        return false;
    if (size < 0)
        return ol_k_fail(k, "window size is %lld, it must not be negative", (long long)size);
    int32_t elem = (int32_t)ol_attr_int(&k->infer, "output_datatype", ELEM_FLOAT);
    if (!check_real_elem(k, elem, "output_datatype"))
        return false;
    bool periodic = ol_attr_int(&k->infer, "periodic", 1) != 0;
    ol_array *y = ol_k_out(k, 0, elem, 1, &size);
    if (!y)
        return false;
    double period = (double)(periodic ? size : size - 1);
    for (int64_t n = 0; n < size; n++) {
        double v = 0;
        if (period <= 0) {
            v = 1; /* a one-point symmetric window */
        } else {
            for (size_t j = 0; j < n_terms; j++)
                v += a[j] * cos(TWO_PI * (double)j * (double)n / period);
        }
        ol_array_set_f64(y, (size_t)n, v);
    }
    return true;
}

static bool kernel_BlackmanWindow(ol_kctx *k)
{
    static const double terms[] = {0.42, -0.5, 0.08};
    return window_kernel(k, terms, sizeof terms / sizeof *terms);
}

static bool kernel_HammingWindow(ol_kctx *k)
{
    static const double terms[] = {25.0 / 46.0, -21.0 / 46.0};
    return window_kernel(k, terms, sizeof terms / sizeof *terms);
}

static bool kernel_HannWindow(ol_kctx *k)
{
    static const double terms[] = {0.5, -0.5};
    return window_kernel(k, terms, sizeof terms / sizeof *terms);
}

/* Python's float floor division (numpy's npy_divmod), which the
 * reference's `//` on float arrays is. */
static double py_floordiv(double a, double b)
{
    double mod = fmod(a, b);
    double div = (a - mod) / b;
    if (mod != 0 && ((b < 0) != (mod < 0)))
        div -= 1.0;
    if (div == 0)
        return copysign(0.0, a / b);
    double floordiv = floor(div);
    if (div - floordiv > 0.5)
        floordiv += 1.0;
    return floordiv;
}

/* The Mel scale (HTK): mel = 2595 log10(1 + hz / 700). */
#define MEL_FACTOR 2595.0
#define MEL_BREAK_HZ 700.0

/* MelWeightMatrix, as ONNX's reference computes it: triangular filters
 * between num_mel_bins + 2 frequencies equally spaced in Mel, each mapped
 * to the spectrogram bin floor((dft_length + 1) * hz / sample_rate). */
static bool kernel_MelWeightMatrix(ol_kctx *k)
{
    int64_t n_mel = 0, dft = 0, rate = 0;
    double lower, upper;
    if (!k_scalar_int(k, 0, "num_mel_bins", &n_mel) || !k_scalar_int(k, 1, "dft_length", &dft) ||
        !k_scalar_int(k, 2, "sample_rate", &rate) || !k_scalar_real(k, 3, "lower_edge_hertz", &lower) ||
        !k_scalar_real(k, 4, "upper_edge_hertz", &upper))
        return false;
    if (n_mel < 0 || dft <= 0 || rate <= 0)
        return ol_k_fail(k, "num_mel_bins %lld, dft_length %lld, sample_rate %lld: sizes must be positive",
                         (long long)n_mel, (long long)dft, (long long)rate);
    int32_t elem = (int32_t)ol_attr_int(&k->infer, "output_datatype", ELEM_FLOAT);
    if (!check_real_elem(k, elem, "output_datatype"))
        return false;
    int64_t n_spec = dft / 2 + 1;
    int64_t dims[2] = {n_spec, n_mel};
    ol_array *y = ol_k_out(k, 0, elem, 2, dims);
    if (!y)
        return false;
    size_t n_freq = (size_t)n_mel + 2;
    int64_t *bin = ol_k_alloc(k, n_freq * sizeof *bin);
    if (!bin)
        return false;
    /* The reference computes the edges in the edges' precision (float32
     * for float inputs), the rest in float64. */
    bool single = ol_k_in(k, 3)->elem_type == ELEM_FLOAT && ol_k_in(k, 4)->elem_type == ELEM_FLOAT;
    double low_mel = MEL_FACTOR * log10(1 + lower / MEL_BREAK_HZ);
    double high_mel = MEL_FACTOR * log10(1 + upper / MEL_BREAK_HZ);
    double step = (high_mel - low_mel) / (double)n_freq;
    if (single) {
        low_mel = (float)MEL_FACTOR * (float)log10f(1.0f + (float)lower / (float)MEL_BREAK_HZ);
        high_mel = (float)MEL_FACTOR * (float)log10f(1.0f + (float)upper / (float)MEL_BREAK_HZ);
        step = (float)((float)high_mel - (float)low_mel) / (float)n_freq;
    }
    for (size_t i = 0; i < n_freq; i++) {
        double mel = (double)i * step + low_mel;
        double hz = MEL_BREAK_HZ * (pow(10.0, mel / MEL_FACTOR) - 1);
        double b = py_floordiv((double)(dft + 1) * hz, (double)rate);
        if (!(b >= (double)INT32_MIN && b <= (double)INT32_MAX))
            return ol_k_fail(k, "edges %g..%g Hz give Mel frequency %g Hz, which has no spectrogram bin (sample_rate %lld)",
                             lower, upper, hz, (long long)rate);
        bin[i] = (int64_t)b;
    }
    for (int64_t m = 0; m < n_mel; m++) {
        int64_t left = bin[m], center = bin[m + 1], right = bin[m + 2];
        /* The bins filter m writes: [left, center] (or center alone), then
         * [center, right). */
        int64_t first = center == left ? center : left, last = right > center ? right - 1 : center;
        if (first <= last && (first < 0 || last >= n_spec))
            return ol_k_fail(k, "Mel bin %lld spans spectrogram bins %lld..%lld, outside the %lld bins of dft_length "
                             "%lld (edges %g..%g Hz, sample_rate %lld)",
                             (long long)m, (long long)first, (long long)last, (long long)n_spec, (long long)dft,
                             lower, upper, (long long)rate);
        if (center == left) {
            ol_array_set_f64(y, (size_t)(center * n_mel + m), 1);
        } else {
            for (int64_t j = left; j <= center; j++)
                ol_array_set_f64(y, (size_t)(j * n_mel + m), (double)(j - left) / (double)(center - left));
        }
        if (right > center) {
            for (int64_t j = center; j < right; j++)
                ol_array_set_f64(y, (size_t)(j * n_mel + m), (double)(right - j) / (double)(right - center));
        }
    }
    return true;
}

/* ---- signal transforms ---- */

/* One DFT length's tables and work lines. */
typedef struct dft_plan {
    size_t n;
    bool radix2;          /* n a power of two: the FFT, else O(n^2) */
    double *cos_t, *sin_t; /* cos, sin of 2 pi j / n */
    double *re, *im;       /* the line transformed in place */
    double *tmp_re, *tmp_im;
} dft_plan;

static bool dft_plan_init(ol_kctx *k, dft_plan *p, int64_t n)
{
    if (n <= 0 || (uint64_t)n > OL_MAX_EVAL_ELEMENTS)
        return ol_k_fail(k, "DFT length %lld is out of range", (long long)n);
    enum { PLAN_ARRAYS = 6 };
    p->n = (size_t)n;
    p->radix2 = (p->n & (p->n - 1)) == 0;
    double *buf = ol_k_alloc(k, PLAN_ARRAYS * p->n * sizeof *buf);
    if (!buf)
        return false;
    p->cos_t = buf;
    p->sin_t = buf + p->n;
    p->re = buf + 2 * p->n;
    p->im = buf + 3 * p->n;
    p->tmp_re = buf + 4 * p->n;
    p->tmp_im = buf + 5 * p->n;
    for (size_t j = 0; j < p->n; j++) {
        double angle = TWO_PI * (double)j / (double)p->n;
        p->cos_t[j] = cos(angle);
        p->sin_t[j] = sin(angle);
    }
    return true;
}

/* Transforms the plan's line in place: X[f] = sum_t x[t] e^(-2 pi i f t / n),
 * or the inverse (e^(+...), divided by n). */
static void dft_run(dft_plan *p, bool inverse)
{
    size_t n = p->n;
    double *re = p->re, *im = p->im;
    double sign = inverse ? 1.0 : -1.0;
    if (p->radix2) {
        for (size_t i = 1, j = 0; i < n; i++) { /* bit-reversal permutation */
            size_t bit = n >> 1;
            for (; j & bit; bit >>= 1)
                j ^= bit;
            j ^= bit;
            if (i < j) {
                double t = re[i];
                re[i] = re[j];
                re[j] = t;
                t = im[i];
                im[i] = im[j];
                im[j] = t;
            }
        }
        for (size_t len = 2; len <= n; len <<= 1) {
            size_t half = len / 2, stride = n / len;
            for (size_t i = 0; i < n; i += len) {
                for (size_t j = 0; j < half; j++) {
                    double wr = p->cos_t[j * stride], wi = sign * p->sin_t[j * stride];
                    size_t a = i + j, b = a + half;
                    double xr = re[b] * wr - im[b] * wi, xi = re[b] * wi + im[b] * wr;
                    re[b] = re[a] - xr;
                    im[b] = im[a] - xi;
                    re[a] += xr;
                    im[a] += xi;
                }
            }
        }
    } else {
        for (size_t f = 0; f < n; f++) {
            double sr = 0, si = 0;
            for (size_t t = 0; t < n; t++) {
                size_t idx = (size_t)(((uint64_t)f * t) % n);
                double wr = p->cos_t[idx], wi = sign * p->sin_t[idx];
                sr += re[t] * wr - im[t] * wi;
                si += re[t] * wi + im[t] * wr;
            }
            p->tmp_re[f] = sr;
            p->tmp_im[f] = si;
        }
        memcpy(re, p->tmp_re, n * sizeof *re);
        memcpy(im, p->tmp_im, n * sizeof *im);
    }
    if (inverse) {
        for (size_t f = 0; f < n; f++) {
            re[f] /= (double)n;
            im[f] /= (double)n;
        }
    }
}

/* DFT: along one signal axis of (..., 1 or 2); the axis is an attribute
 * (opset 17, counted among the signal dims) or an input (opset 20,
 * counted among all dims); dft_length zero-pads or truncates. */
static bool kernel_DFT(ol_kctx *k)
{
    const ol_array *x = ol_k_in(k, 0);
    if (!x || !ol_elem_is_floating(x->elem_type))
        return ol_k_fail(k, "input must be a floating-point tensor");
    int rank = x->rank;
    if (rank < 2 || (x->dims[rank - 1] != REAL_COMPONENTS && x->dims[rank - 1] != COMPLEX_COMPONENTS))
        return ol_k_fail(k, "input %s must be (signal dims..., 1 or 2)", ol_k_shape(k, x));
    bool inverse = ol_attr_int(&k->infer, "inverse", 0) != 0;
    bool onesided = ol_attr_int(&k->infer, "onesided", 0) != 0;
    int64_t axis;
    if (k->infer.version >= DFT_AXIS_AS_INPUT_SINCE) {
        axis = DFT_AXIS_INPUT_DEFAULT;
        if (k_has(k, 2) && !k_scalar_int(k, 2, "axis", &axis))
            return false;
        if (axis < 0)
            axis += rank;
    } else {
        axis = ol_attr_int(&k->infer, "axis", DFT_AXIS_ATTR_DEFAULT);
        if (axis < 0)
            axis += rank - 1;
    }
    if (axis < 0 || axis >= rank - 1)
        return ol_k_fail(k, "axis %lld is not a signal axis of %s", (long long)axis, ol_k_shape(k, x));
    int64_t len = x->dims[axis], n = len;
    if (k_has(k, 1) && !k_scalar_int(k, 1, "dft_length", &n))
        return false;
    if (n <= 0)
        return ol_k_fail(k, "dft_length is %lld, it must be positive (input %s)", (long long)n, ol_k_shape(k, x));
    int64_t dims[OL_MAX_RANK];
    memcpy(dims, x->dims, (size_t)rank * sizeof *dims);
    dims[axis] = onesided ? n / 2 + 1 : n;
    dims[rank - 1] = COMPLEX_COMPONENTS;
    ol_array *y = ol_k_out(k, 0, x->elem_type, rank, dims);
    if (!y)
        return false;
    if (y->count == 0)
        return true;
    dft_plan p;
    if (!dft_plan_init(k, &p, n))
        return false;
    size_t outer = 1, inner = 1, comps = (size_t)x->dims[rank - 1];
    for (int d = 0; d < axis; d++)
        outer *= (size_t)dims[d];
    for (int d = (int)axis + 1; d < rank - 1; d++)
        inner *= (size_t)dims[d];
    size_t in_len = (size_t)len, out_len = (size_t)dims[axis], keep = in_len < p.n ? in_len : p.n;
    for (size_t o = 0; o < outer; o++) {
        for (size_t i = 0; i < inner; i++) {
            memset(p.re, 0, p.n * sizeof *p.re);
            memset(p.im, 0, p.n * sizeof *p.im);
            for (size_t t = 0; t < keep; t++) {
                size_t at = ((o * in_len + t) * inner + i) * comps;
                p.re[t] = ol_array_get_f64(x, at);
                p.im[t] = comps == COMPLEX_COMPONENTS ? ol_array_get_f64(x, at + 1) : 0;
            }
            dft_run(&p, inverse);
            for (size_t f = 0; f < out_len; f++) {
                size_t at = ((o * out_len + f) * inner + i) * COMPLEX_COMPONENTS;
                ol_array_set_f64(y, at, p.re[f]);
                ol_array_set_f64(y, at + 1, p.im[f]);
            }
        }
    }
    return true;
}

/* STFT: (batch, length[, 1 or 2]) framed by frame_step and frame_length
 * (or the window's length), each frame weighted by the window and
 * transformed: (batch, frames, bins, 2). */
static bool kernel_STFT(ol_kctx *k)
{
    const ol_array *x = ol_k_in(k, 0);
    if (!x || !ol_elem_is_floating(x->elem_type) || x->rank < 2 || x->rank > 3 ||
        (x->rank == 3 && x->dims[2] != REAL_COMPONENTS && x->dims[2] != COMPLEX_COMPONENTS))
        return ol_k_fail(k, "signal %s must be floats (batch, length, 1 or 2)", ol_k_shape(k, x));
    size_t comps = x->rank == 3 ? (size_t)x->dims[2] : REAL_COMPONENTS;
    int64_t step, length = x->dims[1], frame = length;
    if (!k_scalar_int(k, 1, "frame_step", &step))
        return false;
    if (step <= 0)
        return ol_k_fail(k, "frame_step is %lld, it must be positive", (long long)step);
    const ol_array *w = NULL;
    if (k_has(k, 2)) {
        w = ol_k_in(k, 2);
        if (!w || w->rank != 1 || !real_elem(w->elem_type))
            return ol_k_fail(k, "window must be a 1-D tensor, got %s", ol_k_shape(k, w));
        frame = w->dims[0];
    }
    if (k_has(k, 3) && !k_scalar_int(k, 3, "frame_length", &frame))
        return false;
    if (frame <= 0)
        return ol_k_fail(k, "frame_length is %lld, it must be positive", (long long)frame);
    if (w && w->dims[0] != frame)
        return ol_k_fail(k, "window %s does not match frame_length %lld", ol_k_shape(k, w), (long long)frame);
    if (length < frame)
        return ol_k_fail(k, "signal %s is shorter than frame_length %lld", ol_k_shape(k, x), (long long)frame);
    bool onesided = ol_attr_int(&k->infer, "onesided", 1) != 0;
    int64_t frames = 1 + (length - frame) / step, bins = onesided ? frame / 2 + 1 : frame;
    int64_t dims[4] = {x->dims[0], frames, bins, COMPLEX_COMPONENTS};
    ol_array *y = ol_k_out(k, 0, x->elem_type, 4, dims);
    if (!y)
        return false;
    if (y->count == 0)
        return true;
    dft_plan p;
    if (!dft_plan_init(k, &p, frame))
        return false;
    for (int64_t b = 0; b < dims[0]; b++) {
        for (int64_t f = 0; f < frames; f++) {
            for (size_t t = 0; t < p.n; t++) {
                size_t at = ((size_t)(b * length + f * step) + t) * comps;
                double weight = w ? ol_array_get_f64(w, t) : 1.0;
                p.re[t] = ol_array_get_f64(x, at) * weight;
                p.im[t] = comps == COMPLEX_COMPONENTS ? ol_array_get_f64(x, at + 1) * weight : 0;
            }
            dft_run(&p, false);
            for (int64_t j = 0; j < bins; j++) {
                size_t at = (size_t)(((b * frames + f) * bins + j) * COMPLEX_COMPONENTS);
                ol_array_set_f64(y, at, p.re[j]);
                ol_array_set_f64(y, at + 1, p.im[j]);
            }
        }
    }
    return true;
}

static const ol_op_entry generator_ops[] = {
    {"", "Bernoulli", infer_Bernoulli, NULL},
    {"", "BlackmanWindow", infer_BlackmanWindow, kernel_BlackmanWindow},
    {"", "DFT", infer_DFT, kernel_DFT},
    {"", "HammingWindow", infer_HammingWindow, kernel_HammingWindow},
    {"", "HannWindow", infer_HannWindow, kernel_HannWindow},
    {"", "MelWeightMatrix", infer_MelWeightMatrix, kernel_MelWeightMatrix},
    {"", "Multinomial", infer_Multinomial, kernel_Multinomial},
    {"", "RandomNormal", infer_RandomNormal, kernel_RandomNormal},
    {"", "RandomNormalLike", infer_RandomNormalLike, kernel_RandomNormalLike},
    {"", "RandomUniform", infer_RandomUniform, kernel_RandomUniform},
    {"", "RandomUniformLike", infer_RandomUniformLike, NULL},
    {"", "STFT", infer_STFT, kernel_STFT},
};

OL_FAMILY_DEFINE(generator, generator_ops);
