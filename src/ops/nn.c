/*
 * nn.c - inference for convolution, pooling, normalization, dropout, image resampling (onnx/defs/nn).
 *
 * One inference function per operator, registered in the table at the end
 * (sorted by domain, then name).  Convolutions and poolings share one
 * description of their sliding window (kernel, strides, dilations, pads,
 * auto_pad, ceil_mode), read once from the attributes the operator's
 * version has, and one formula per spatial axis computed with symbolic
 * dims, so that a stride-2 3x3 pad-1 convolution of H gives floor((H+1)/2)
 * rather than an unknown.  The number of spatial axes comes from the input
 * when its rank is known, else from the weight or the kernel_shape
 * attribute, so the output rank is known more often than ONNX knows it.
 * Sizes that depend on run-time values (MaxUnpool's output_shape,
 * AffineGrid's size) come from propagated data when it is there.
 */
#include <math.h>
#include <string.h>

#include "eval/blas.h"
#include "eval/eval.h"
#include "eval/kernels.h"
#include "ops/common.h"
#include "ops/families.h"

#define ELEM_FLOAT ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT
#define ELEM_INT64 ONNX__TENSOR_PROTO__DATA_TYPE__INT64
#define ELEM_BOOL ONNX__TENSOR_PROTO__DATA_TYPE__BOOL

/* Most spatial axes a window may have: the IR's rank limit less N and C. */
#define MAX_SPATIAL (OL_MAX_RANK - 2)

/* Versions where pooling attributes appeared. */
#define MAXPOOL_INDICES_SINCE 8
#define MAXPOOL_DILATIONS_SINCE 10
#define POOL_CEIL_MODE_SINCE 10
#define AVERAGEPOOL_DILATIONS_SINCE 19
#define LPPOOL_DILATIONS_SINCE 18
/* BatchNormalization: `spatial` dropped (9), training outputs (14). */
#define BATCHNORM_SPATIAL_UNTIL 9
#define BATCHNORM_TRAINING_SINCE 14
/* Dropout: mask became bool (10), ratio/training_mode inputs (12). */
#define DROPOUT_BOOL_MASK_SINCE 10
#define DROPOUT_INPUTS_SINCE 12
/* GroupNormalization: scale and bias per channel instead of per group. */
#define GROUPNORM_PER_CHANNEL_SINCE 21
/* GridSample: any number of spatial axes (before: 2). */
#define GRIDSAMPLE_ND_SINCE 20
#define GRIDSAMPLE_2D_RANK 4
/* RoiAlign: rois are (num_rois, 4); MaxRoiPool's (num_rois, 5). */
#define ROIALIGN_BOX_VALUES 4
#define MAXROIPOOL_BOX_VALUES 5
#define ROI_POOL_SPATIAL 2
/* AffineGrid: size is (N, C, H, W) or (N, C, D, H, W). */
#define AFFINE_GRID_MIN_SIZE 4
#define AFFINE_GRID_MAX_SIZE 5

typedef enum pad_mode { PAD_NOTSET, PAD_SAME_UPPER, PAD_SAME_LOWER, PAD_VALID } pad_mode;

/* Which attributes a window operator has at its version. */
enum { WIN_DILATIONS = 1u << 0, WIN_CEIL_MODE = 1u << 1, WIN_AUTO_PAD = 1u << 2, WIN_OUTPUT_PADDING = 1u << 3 };

/* A sliding window over n spatial axes; kernel dims unknown when neither
 * the attribute nor the weight gives them. */
typedef struct window {
    int n;
    bool valid; /* false after a finding on the attributes: spatial sizes stay unknown */
    ol_dim kernel[MAX_SPATIAL];
    int64_t strides[MAX_SPATIAL];
    int64_t dilations[MAX_SPATIAL];
    int64_t pads[2 * MAX_SPATIAL]; /* begins, then ends */
    int64_t output_padding[MAX_SPATIAL];
    pad_mode auto_pad;
    bool ceil_mode;
} window;

/* ---- small helpers ---- */

static const char *in_type_str(ol_ctx *ctx, size_t i)
{
    return ol_type_str(ctx, ol_in_type(ctx, i));
}

static bool dim_is(ol_dim d, int64_t v)
{
    return d.kind == OL_DIM_VALUE && d.value == v;
}

/* Output i gets the given dims (rank known) and element type. */
static void out_dims(ol_ctx *ctx, size_t i, int32_t elem, const ol_dim *dims, int rank)
{
    ol_dim *d = ol_out_tensor(ctx, i, elem, rank);
    for (int k = 0; d && dims && k < rank; k++)
        d[k] = dims[k];
}

/* Dim `axis` of input i, unknown when its shape or that axis is not known. */
static ol_dim in_dim(const ol_ctx *ctx, size_t i, int axis)
{
    const ol_shape *s = ol_in_shape(ctx, i);
    return s && axis >= 0 && axis < s->rank ? s->dims[axis] : ol_dim_unknown();
}

/* Input i, when present with a known shape, must be 1-D of length `want`:
 * reports a shape-error naming both (what: its role) and returns the
 * better known length. */
static ol_dim expect_vector(ol_ctx *ctx, size_t i, ol_dim want, const char *what, const char *against)
{
    const ol_shape *s = ol_in_shape(ctx, i);
    if (!s)
        return want;
    if (s->rank != 1) {
        ol_error(ctx, "shape-error", "%s '%s' %s must be 1-D", what, ol_in_name(ctx, i), in_type_str(ctx, i));
        return want;
    }
    if (ol_dim_differ(ctx->exprs, s->dims[0], want)) {
        ol_error(ctx, "shape-error", "%s '%s' %s has %s elements, expected %s (%s)", what, ol_in_name(ctx, i),
                 in_type_str(ctx, i), ol_dim_str(ctx, s->dims[0]), ol_dim_str(ctx, want), against);
        return want;
    }
    return ol_dim_merge(ctx, want, s->dims[0], what);
}

/* Input i, when its rank is known, must have rank `rank`. */
static bool expect_rank(ol_ctx *ctx, size_t i, int rank, const char *what)
{
    const ol_shape *s = ol_in_shape(ctx, i);
    if (s && s->rank != rank) {
        ol_error(ctx, "shape-error", "%s '%s' %s must have rank %d", what, ol_in_name(ctx, i), in_type_str(ctx, i),
                 rank);
        return false;
    }
    return true;
}

/* ---- the sliding window ---- */

/* Reads INTS attribute `name` into out[0..count): fallback when absent.
 * False after a shape-error when its length is not count or a value is
 * below min. */
static bool read_ints(ol_ctx *ctx, const char *name, int count, int64_t fallback, int64_t min, int64_t *out)
{
    size_t n;
    const int64_t *v = ol_attr_ints(ctx, name, &n);
    if (!v || n == 0) { /* absent, or empty as some exporters write it: the default */
        for (int i = 0; i < count; i++)
            out[i] = fallback;
        return true;
    }
    if (n != (size_t)count) {
        ol_error(ctx, "shape-error", "%s has %zu values, expected %d for the input's spatial axes", name, n, count);
        return false;
    }
    for (int i = 0; i < count; i++) {
        if (v[i] < min) {
            ol_error(ctx, "shape-error", "%s[%d] is %lld, must be at least %lld", name, i, (long long)v[i],
                     (long long)min);
            return false;
        }
        out[i] = v[i];
    }
    return true;
}

/* Number of spatial axes of a window operator: the input's rank less 2,
 * else the weight's, else the kernel_shape attribute's length; -1 when
 * none is known.  Reports an input or weight of too small a rank, and a
 * weight whose rank differs from the input's. */
static int spatial_axes(ol_ctx *ctx, size_t x, const ol_shape *ws, size_t w)
{
    const ol_shape *xs = ol_in_shape(ctx, x);
    if (xs && xs->rank < 2) {
        ol_error(ctx, "shape-error", "input '%s' %s must have rank >= 2 (N, C, spatial...)", ol_in_name(ctx, x),
                 in_type_str(ctx, x));
        return -1;
    }
    if (ws && ws->rank < 2) {
        ol_error(ctx, "shape-error", "weight '%s' %s must have rank >= 2", ol_in_name(ctx, w), in_type_str(ctx, w));
        ws = NULL;
    }
    if (xs && ws && xs->rank != ws->rank) {
        ol_error(ctx, "shape-error", "input '%s' %s and weight '%s' %s have different ranks", ol_in_name(ctx, x),
                 in_type_str(ctx, x), ol_in_name(ctx, w), in_type_str(ctx, w));
    }
    int n = -1;
    size_t k;
    if (xs)
        n = xs->rank - 2;
    else if (ws)
        n = ws->rank - 2;
    else if (ol_attr_ints(ctx, "kernel_shape", &k) && k <= MAX_SPATIAL)
        n = (int)k;
    return n <= MAX_SPATIAL ? n : -1;
}

/* The pad mode named s; false (mode NOTSET) for an unknown name. */
static bool parse_auto_pad(const char *s, pad_mode *mode)
{
    static const struct {
        const char *name;
        pad_mode mode;
    } modes[] = {{"NOTSET", PAD_NOTSET}, {"SAME_UPPER", PAD_SAME_UPPER}, {"SAME_LOWER", PAD_SAME_LOWER},
                 {"VALID", PAD_VALID}};
    for (size_t i = 0; i < sizeof modes / sizeof *modes; i++) {
        if (strcmp(s, modes[i].name) == 0) {
            *mode = modes[i].mode;
            return true;
        }
    }
    *mode = PAD_NOTSET;
    return false;
}

static bool read_auto_pad(ol_ctx *ctx, pad_mode *mode)
{
    const char *s = ol_attr_string(ctx, "auto_pad", "NOTSET");
    if (parse_auto_pad(s, mode))
        return true;
    ol_error(ctx, "shape-error", "auto_pad '%s' is not NOTSET, SAME_UPPER, SAME_LOWER or VALID", s);
    return false;
}

/* Reads a window over n spatial axes from the attributes (those in
 * `attrs`, by version) and, when ws is given, the kernel from the weight's
 * dims 2... (checked against kernel_shape when both are there). */
static void read_window(ol_ctx *ctx, window *win, int n, unsigned attrs, const ol_shape *ws, size_t w)
{
    memset(win, 0, sizeof *win);
    win->n = n;
    win->valid = true;
    size_t nk;
    const int64_t *k = ol_attr_ints(ctx, "kernel_shape", &nk);
    if (k && nk != (size_t)n) {
        ol_error(ctx, "shape-error", "kernel_shape has %zu values, expected %d for the input's spatial axes", nk, n);
        win->valid = false;
        k = NULL;
    }
    for (int i = 0; i < n; i++) {
        win->kernel[i] = ol_dim_unknown();
        if (k) {
            if (k[i] < 1) {
                ol_error(ctx, "shape-error", "kernel_shape[%d] is %lld, must be at least 1", i, (long long)k[i]);
                win->valid = false;
            }
            win->kernel[i] = ol_dim_value(k[i]);
        }
        if (ws && ws->rank == n + 2) {
            ol_dim wk = ws->dims[2 + i];
            if (k && ol_dim_differ(ctx->exprs, win->kernel[i], wk)) {
                ol_error(ctx, "shape-error", "kernel_shape[%d] is %lld but weight '%s' %s has %s there", i,
                         (long long)k[i], ol_in_name(ctx, w), in_type_str(ctx, w), ol_dim_str(ctx, wk));
                win->valid = false;
            } else {
                win->kernel[i] = ol_dim_merge(ctx, win->kernel[i], wk, "kernel_shape vs weight");
            }
        }
    }
    win->valid &= read_ints(ctx, "strides", n, 1, 1, win->strides);
    win->valid &= read_ints(ctx, "pads", 2 * n, 0, 0, win->pads);
    if (attrs & WIN_DILATIONS)
        win->valid &= read_ints(ctx, "dilations", n, 1, 1, win->dilations);
    else
        for (int i = 0; i < n; i++)
            win->dilations[i] = 1;
    if (attrs & WIN_OUTPUT_PADDING)
        win->valid &= read_ints(ctx, "output_padding", n, 0, 0, win->output_padding);
    if (attrs & WIN_CEIL_MODE)
        win->ceil_mode = ol_attr_int(ctx, "ceil_mode", 0) != 0;
    if (attrs & WIN_AUTO_PAD)
        win->valid &= read_auto_pad(ctx, &win->auto_pad);
}

/* The dilated kernel extent of axis i: (k - 1) * d + 1. */
static ol_dim effective_kernel(ol_ctx *ctx, const window *win, int i)
{
    ol_dim km1 = ol_dim_add_const(ctx->exprs, win->kernel[i], -1);
    return ol_dim_add_const(ctx->exprs, ol_dim_mul(ctx->exprs, km1, ol_dim_value(win->dilations[i])), 1);
}

/* Output size of spatial axis i of a convolution or pooling of input size
 * in: SAME pads to ceil(in / s); otherwise floor (or ceil with ceil_mode)
 * of (in + pads - dilated kernel) / s, plus 1, where in ceil mode a last
 * window that would start in the end padding is dropped (the spec's
 * "sliding windows that would start in the right padded region are
 * ignored", as onnxruntime and PyTorch do; ONNX's own inference does not).
 * Reports a kernel larger than the padded input (an output size below 1). */
static ol_dim window_out(ol_ctx *ctx, const window *win, int i, ol_dim in)
{
    ol_exprs *ex = ctx->exprs;
    ol_dim s = ol_dim_value(win->strides[i]);
    if (!win->valid)
        return ol_dim_unknown();
    if (win->auto_pad == PAD_SAME_UPPER || win->auto_pad == PAD_SAME_LOWER)
        return ol_dim_ceildiv(ex, in, s);
    int64_t begin = win->auto_pad == PAD_VALID ? 0 : win->pads[i];
    int64_t end = win->auto_pad == PAD_VALID ? 0 : win->pads[win->n + i];
    ol_dim ek = effective_kernel(ctx, win, i);
    ol_dim start_end = ol_dim_add_const(ex, in, begin); /* where the end padding starts */
    ol_dim span = ol_dim_sub(ex, ol_dim_add_const(ex, start_end, end), ek);
    ol_dim out = win->ceil_mode ? ol_dim_ceildiv(ex, span, s) : ol_dim_floordiv(ex, span, s);
    out = ol_dim_add_const(ex, out, 1);
    if (out.kind == OL_DIM_VALUE && out.value < 1) {
        /* (In ceil mode a window may overhang the end if it starts inside.) */
        ol_error(ctx, "shape-error",
                 "spatial axis %d: the kernel (%s dilated) is larger than the padded input (%s, pads %lld, %lld)", i,
                 ol_dim_str(ctx, ek), ol_dim_str(ctx, in), (long long)begin, (long long)end);
        return ol_dim_unknown();
    }
    if (!win->ceil_mode)
        return out;
    if (out.kind == OL_DIM_VALUE && start_end.kind == OL_DIM_VALUE) {
        /* The last window starts at (out - 1) * s: drop it when that is >= start_end (no overflow). */
        int64_t first_outside = start_end.value / win->strides[i] + (start_end.value % win->strides[i] != 0);
        return out.value - 1 >= first_outside ? ol_dim_value(out.value - 1) : out;
    }
    /* The last window can start in the end padding only when end + s > ek. */
    if (ek.kind == OL_DIM_VALUE && end <= ek.value - win->strides[i])
        return out;
    return ol_dim_unknown();
}

/* ---- convolution ---- */

void ol_infer_conv_like(ol_ctx *ctx, size_t x, size_t w, int32_t out_elem)
{
    const ol_shape *xs = ol_in_shape(ctx, x), *ws = ol_in_shape(ctx, w);
    int n = spatial_axes(ctx, x, ws, w);
    if (ws && ws->rank < 2)
        ws = NULL;
    if (n < 0) {
        ol_out_tensor(ctx, 0, out_elem, -1);
        return;
    }
    window win;
    read_window(ctx, &win, n, WIN_DILATIONS | WIN_AUTO_PAD, ws && ws->rank == n + 2 ? ws : NULL, w);
    ol_dim *dims = ol_out_tensor(ctx, 0, out_elem, n + 2);
    if (!dims)
        return;
    int64_t group = ol_attr_int(ctx, "group", 1);
    if (group < 1) {
        ol_error(ctx, "shape-error", "group is %lld, must be at least 1", (long long)group);
        group = 0;
    }
    dims[0] = xs ? xs->dims[0] : ol_dim_unknown();
    dims[1] = ws ? ws->dims[0] : ol_dim_unknown();
    if (group && dims[1].kind == OL_DIM_VALUE && dims[1].value % group != 0)
        ol_error(ctx, "shape-error", "weight '%s' %s has %lld feature maps, not a multiple of group %lld",
                 ol_in_name(ctx, w), in_type_str(ctx, w), (long long)dims[1].value, (long long)group);
    if (group && xs && ws) {
        ol_dim c = xs->dims[1];
        ol_dim expected = ol_dim_mul(ctx->exprs, ws->dims[1], ol_dim_value(group));
        if (ol_dim_differ(ctx->exprs, c, expected))
            ol_error(ctx, "shape-error", "input '%s' %s has %s channels, weight '%s' %s expects %s (group %lld)",
                     ol_in_name(ctx, x), in_type_str(ctx, x), ol_dim_str(ctx, c), ol_in_name(ctx, w),
                     in_type_str(ctx, w), ol_dim_str(ctx, expected), (long long)group);
        else
            ol_dim_merge(ctx, c, expected, "input channels vs weight channels x group");
    }
    for (int i = 0; i < n; i++)
        dims[2 + i] = xs ? window_out(ctx, &win, i, xs->dims[2 + i]) : ol_dim_unknown();
}

static void infer_Conv(ol_ctx *ctx)
{
    ol_infer_conv_like(ctx, 0, 1, ol_in_elem(ctx, 0));
    if (ol_in_has(ctx, 2))
        expect_vector(ctx, 2, in_dim(ctx, 1, 0), "bias", "the weight's feature maps");
}

static void infer_ConvTranspose(ol_ctx *ctx)
{
    int32_t elem = ol_in_elem(ctx, 0);
    const ol_shape *xs = ol_in_shape(ctx, 0), *ws = ol_in_shape(ctx, 1);
    int n = spatial_axes(ctx, 0, ws, 1);
    if (ws && ws->rank < 2)
        ws = NULL;
    if (n < 0) {
        ol_out_tensor(ctx, 0, elem, -1);
        return;
    }
    window win;
    read_window(ctx, &win, n, WIN_DILATIONS | WIN_AUTO_PAD | WIN_OUTPUT_PADDING, ws && ws->rank == n + 2 ? ws : NULL,
                1);
    ol_dim *dims = ol_out_tensor(ctx, 0, elem, n + 2);
    if (!dims)
        return;
    int64_t group = ol_attr_int(ctx, "group", 1);
    if (group < 1) {
        ol_error(ctx, "shape-error", "group is %lld, must be at least 1", (long long)group);
        group = 0;
    }
    dims[0] = xs ? xs->dims[0] : ol_dim_unknown();
    dims[1] = ws && group ? ol_dim_mul(ctx->exprs, ws->dims[1], ol_dim_value(group)) : ol_dim_unknown();
    ol_dim c = xs ? xs->dims[1] : ws ? ws->dims[0] : ol_dim_unknown();
    if (group && c.kind == OL_DIM_VALUE && c.value % group != 0)
        ol_error(ctx, "shape-error", "%lld input channels are not a multiple of group %lld", (long long)c.value,
                 (long long)group);
    for (int i = 0; win.valid && i < n; i++) {
        int64_t limit = win.strides[i] > win.dilations[i] ? win.strides[i] : win.dilations[i];
        if (win.output_padding[i] >= limit) {
            ol_error(ctx, "shape-error", "output_padding[%d] is %lld, must be less than stride or dilation (%lld)", i,
                     (long long)win.output_padding[i], (long long)limit);
            win.valid = false;
        }
    }
    if (xs && ws) {
        if (ol_dim_differ(ctx->exprs, xs->dims[1], ws->dims[0]))
            ol_error(ctx, "shape-error", "input '%s' %s has %s channels, weight '%s' %s expects %s",
                     ol_in_name(ctx, 0), in_type_str(ctx, 0), ol_dim_str(ctx, xs->dims[1]), ol_in_name(ctx, 1),
                     in_type_str(ctx, 1), ol_dim_str(ctx, ws->dims[0]));
        else
            ol_dim_merge(ctx, xs->dims[1], ws->dims[0], "input channels vs weight dim 0");
    }
    if (ol_in_has(ctx, 2))
        dims[1] = expect_vector(ctx, 2, dims[1], "bias", "the output channels");
    size_t n_shape;
    const int64_t *shape = ol_attr_ints(ctx, "output_shape", &n_shape);
    if (shape && n_shape) {
        /* Older exporters give (N, C, spatial...): the spatial part counts. */
        if (n_shape == (size_t)n + 2)
            shape += 2;
        else if (n_shape != (size_t)n) {
            ol_error(ctx, "shape-error", "output_shape has %zu values, expected %d for the input's spatial axes",
                     n_shape, n);
            shape = NULL;
        }
        for (int i = 0; i < n; i++)
            dims[2 + i] = shape && shape[i] >= 0 ? ol_dim_value(shape[i]) : ol_dim_unknown();
        return;
    }
    ol_exprs *ex = ctx->exprs;
    for (int i = 0; i < n; i++) {
        ol_dim in = xs ? xs->dims[2 + i] : ol_dim_unknown();
        dims[2 + i] = ol_dim_unknown();
        if (!win.valid)
            continue;
        ol_dim s = ol_dim_value(win.strides[i]);
        ol_dim ek = effective_kernel(ctx, &win, i);
        /* s * (in - 1) + output_padding + dilated kernel - pads */
        ol_dim full = ol_dim_add(ex, ol_dim_mul(ex, s, ol_dim_add_const(ex, in, -1)), ek);
        full = ol_dim_add_const(ex, full, win.output_padding[i]);
        if (win.auto_pad == PAD_NOTSET) {
            full = ol_dim_add_const(ex, ol_dim_add_const(ex, full, -win.pads[i]), -win.pads[n + i]);
        } else if (win.auto_pad != PAD_VALID) {
            /* SAME pads the result down to in * s when it can (onnxruntime, the spec's in * s). */
            ol_dim total = ol_dim_add_const(ex, ol_dim_add_const(ex, ek, win.output_padding[i]), -win.strides[i]);
            if (total.kind != OL_DIM_VALUE)
                continue;
            full = ol_dim_add_const(ex, full, total.value > 0 ? -total.value : 0);
        }
        dims[2 + i] = full;
        if (dims[2 + i].kind == OL_DIM_VALUE && dims[2 + i].value < 1) {
            ol_error(ctx, "shape-error", "spatial axis %d: output size %lld after pads", i,
                     (long long)dims[2 + i].value);
            dims[2 + i] = ol_dim_unknown();
        }
    }
}

/* DeformConv: a convolution whose offset (N, offset_group * prod(k) * n,
 * out...) and mask (N, offset_group * prod(k), out...) inputs must agree
 * with it; their spatial dims also give the output's when the input's are
 * unknown. */
static void infer_DeformConv(ol_ctx *ctx)
{
    ol_infer_conv_like(ctx, 0, 1, ol_in_elem(ctx, 0));
    ol_type *y = ol_out(ctx, 0);
    if (ol_in_has(ctx, 3))
        expect_vector(ctx, 3, in_dim(ctx, 1, 0), "bias", "the weight's output channels");
    if (y->shape.rank < 0)
        return;
    int n = y->shape.rank - 2;
    int64_t offset_group = ol_attr_int(ctx, "offset_group", 1);
    if (offset_group < 1) {
        ol_error(ctx, "shape-error", "offset_group is %lld, must be at least 1", (long long)offset_group);
        return;
    }
    /* Kernel positions: the product of kernel_shape, else of the weight's dims 2... */
    ol_dim kernel = ol_dim_value(1);
    const ol_shape *ws = ol_in_shape(ctx, 1);
    size_t nk;
    const int64_t *k = ol_attr_ints(ctx, "kernel_shape", &nk);
    if (k && nk != (size_t)n)
        k = NULL;
    for (int i = 0; i < n; i++) {
        ol_dim ki = ol_dim_unknown();
        if (k)
            ki = ol_dim_value(k[i]);
        else if (ws && ws->rank == n + 2)
            ki = ws->dims[2 + i];
        kernel = ol_dim_mul(ctx->exprs, kernel, ki);
    }
    ol_dim per_point = ol_dim_mul(ctx->exprs, kernel, ol_dim_value(offset_group));
    static const char *const names[] = {"offset", "mask"};
    static const size_t inputs[] = {2, 4};
    for (size_t m = 0; m < sizeof inputs / sizeof *inputs; m++) {
        const ol_shape *s = ol_in_shape(ctx, inputs[m]);
        if (!s)
            continue;
        if (s->rank != n + 2) {
            ol_error(ctx, "shape-error", "%s '%s' %s must have the output's rank %d", names[m],
                     ol_in_name(ctx, inputs[m]), in_type_str(ctx, inputs[m]), n + 2);
            continue;
        }
        ol_dim want = m == 0 ? ol_dim_mul(ctx->exprs, per_point, ol_dim_value(n)) : per_point;
        if (ol_dim_differ(ctx->exprs, s->dims[1], want))
            ol_error(ctx, "shape-error", "%s '%s' %s has %s channels, expected %s (offset_group x kernel%s)",
                     names[m], ol_in_name(ctx, inputs[m]), in_type_str(ctx, inputs[m]), ol_dim_str(ctx, s->dims[1]),
                     ol_dim_str(ctx, want), m == 0 ? " x spatial axes" : "");
        y->shape.dims[0] = ol_dim_merge(ctx, y->shape.dims[0], s->dims[0], "batch size vs offset/mask");
        for (int i = 0; i < n; i++)
            y->shape.dims[2 + i] =
                ol_dim_merge(ctx, y->shape.dims[2 + i], s->dims[2 + i], "output size vs offset/mask");
    }
}

/* ---- pooling ---- */

/* A pooling of input 0 with the window attributes `attrs`: output 0 is
 * (N, C, out...), and output 1 (MaxPool's Indices, when `indices`) the
 * same shape in int64. */
static void infer_pool(ol_ctx *ctx, unsigned attrs, bool indices)
{
    int32_t elem = ol_in_elem(ctx, 0);
    const ol_shape *xs = ol_in_shape(ctx, 0);
    int n = spatial_axes(ctx, 0, NULL, 0);
    if (n < 0) {
        ol_out_tensor(ctx, 0, elem, -1);
        if (indices)
            ol_out_tensor(ctx, 1, ELEM_INT64, -1);
        return;
    }
    window win;
    read_window(ctx, &win, n, attrs, NULL, 0);
    if (!ol_attr_has(ctx, "kernel_shape"))
        win.valid = false; /* required (the checker says so), LpPool-1 aside */
    ol_dim dims[OL_MAX_RANK];
    dims[0] = xs ? xs->dims[0] : ol_dim_unknown();
    dims[1] = xs ? xs->dims[1] : ol_dim_unknown();
    for (int i = 0; i < n; i++)
        dims[2 + i] = xs ? window_out(ctx, &win, i, xs->dims[2 + i]) : ol_dim_unknown();
    out_dims(ctx, 0, elem, dims, n + 2);
    if (indices)
        out_dims(ctx, 1, ELEM_INT64, dims, n + 2);
}

static void infer_AveragePool(ol_ctx *ctx)
{
    unsigned attrs = WIN_AUTO_PAD;
    if (ctx->version >= POOL_CEIL_MODE_SINCE)
        attrs |= WIN_CEIL_MODE;
    if (ctx->version >= AVERAGEPOOL_DILATIONS_SINCE)
        attrs |= WIN_DILATIONS;
    infer_pool(ctx, attrs, false);
}

static void infer_MaxPool(ol_ctx *ctx)
{
    unsigned attrs = WIN_AUTO_PAD;
    if (ctx->version >= POOL_CEIL_MODE_SINCE)
        attrs |= WIN_CEIL_MODE;
    if (ctx->version >= MAXPOOL_DILATIONS_SINCE)
        attrs |= WIN_DILATIONS;
    infer_pool(ctx, attrs, ctx->version >= MAXPOOL_INDICES_SINCE);
}

static void infer_LpPool(ol_ctx *ctx)
{
    unsigned attrs = WIN_AUTO_PAD;
    if (ctx->version >= LPPOOL_DILATIONS_SINCE)
        attrs |= WIN_CEIL_MODE | WIN_DILATIONS;
    infer_pool(ctx, attrs, false);
}

/* GlobalAveragePool, GlobalMaxPool, GlobalLpPool: (N, C, 1, ...). */
static void infer_global_pool(ol_ctx *ctx)
{
    int32_t elem = ol_in_elem(ctx, 0);
    const ol_shape *xs = ol_in_shape(ctx, 0);
    if (spatial_axes(ctx, 0, NULL, 0) < 0 || !xs) {
        ol_out_tensor(ctx, 0, elem, -1);
        return;
    }
    ol_dim *dims = ol_out_tensor(ctx, 0, elem, xs->rank);
    for (int i = 0; dims && i < xs->rank; i++)
        dims[i] = i < 2 ? xs->dims[i] : ol_dim_value(1);
}

/* MaxUnpool: X and I have one shape; the output is output_shape's values
 * when given (its rank at least), else s * (in - 1) + k - pads. */
static void infer_MaxUnpool(ol_ctx *ctx)
{
    int32_t elem = ol_in_elem(ctx, 0);
    const ol_shape *xs = ol_in_shape(ctx, 0), *is = ol_in_shape(ctx, 1);
    int n = spatial_axes(ctx, 0, NULL, 0);
    ol_dim in[OL_MAX_RANK]; /* X's dims, merged with I's */
    if (xs && is && xs->rank != is->rank) {
        ol_error(ctx, "shape-error", "indices '%s' %s must have the shape of input '%s' %s", ol_in_name(ctx, 1),
                 in_type_str(ctx, 1), ol_in_name(ctx, 0), in_type_str(ctx, 0));
        is = NULL;
    }
    if (!xs && is && is->rank >= 2) {
        xs = is;
        n = is->rank - 2;
    }
    for (int i = 0; xs && i < xs->rank; i++)
        in[i] = is ? ol_dim_merge(ctx, xs->dims[i], is->dims[i], "input vs indices") : xs->dims[i];
    if (ol_in_has(ctx, 2)) {
        const ol_data *d = ol_in_data(ctx, 2);
        const ol_shape *os = ol_in_shape(ctx, 2);
        if (os && os->rank != 1) {
            ol_error(ctx, "shape-error", "output_shape '%s' %s must be 1-D", ol_in_name(ctx, 2), in_type_str(ctx, 2));
            os = NULL;
        }
        int rank = n < 0 ? -1 : n + 2;
        if (d && d->values && d->count <= OL_MAX_RANK)
            rank = (int)d->count;
        else if (os && os->dims[0].kind == OL_DIM_VALUE && os->dims[0].value >= 0 && os->dims[0].value <= OL_MAX_RANK)
            rank = (int)os->dims[0].value;
        else
            d = NULL;
        if (n >= 0 && rank != n + 2)
            ol_error(ctx, "shape-error", "output_shape has %d values for input '%s' %s", rank, ol_in_name(ctx, 0),
                     in_type_str(ctx, 0));
        ol_dim *dims = ol_out_tensor(ctx, 0, elem, rank);
        for (int i = 0; dims && d && d->values && i < rank; i++)
            dims[i] = d->values[i];
        return;
    }
    if (n < 0) {
        ol_out_tensor(ctx, 0, elem, -1);
        return;
    }
    window win;
    read_window(ctx, &win, n, 0, NULL, 0);
    ol_dim *dims = ol_out_tensor(ctx, 0, elem, n + 2);
    if (!dims || !xs)
        return;
    ol_exprs *ex = ctx->exprs;
    dims[0] = in[0];
    dims[1] = in[1];
    for (int i = 0; win.valid && i < n; i++) {
        ol_dim full = ol_dim_mul(ex, ol_dim_value(win.strides[i]), ol_dim_add_const(ex, in[2 + i], -1));
        full = ol_dim_add(ex, full, win.kernel[i]);
        dims[2 + i] = ol_dim_add_const(ex, ol_dim_add_const(ex, full, -win.pads[i]), -win.pads[n + i]);
    }
}

/* Output (num_rois, C, h, w) of the RoI poolings, num_rois from rois' dim
 * 0 (and, for RoiAlign, batch_indices' dim 0). */
static void roi_pool(ol_ctx *ctx, int box_values, size_t batch_indices, int64_t h, int64_t w)
{
    int32_t elem = ol_in_elem(ctx, 0);
    ol_dim dims[2 + ROI_POOL_SPATIAL];
    expect_rank(ctx, 0, 2 + ROI_POOL_SPATIAL, "input");
    dims[0] = ol_dim_unknown();
    if (expect_rank(ctx, 1, 2, "rois")) {
        ol_dim boxes = in_dim(ctx, 1, 1);
        if (ol_dim_differ(ctx->exprs, boxes, ol_dim_value(box_values)))
            ol_error(ctx, "shape-error", "rois '%s' %s must have %d values per region", ol_in_name(ctx, 1),
                     in_type_str(ctx, 1), box_values);
        dims[0] = in_dim(ctx, 1, 0);
    }
    if (batch_indices && ol_in_has(ctx, batch_indices))
        dims[0] = expect_vector(ctx, batch_indices, dims[0], "batch_indices", "one per region of rois");
    dims[1] = in_dim(ctx, 0, 1);
    dims[2] = h > 0 ? ol_dim_value(h) : ol_dim_unknown();
    dims[3] = w > 0 ? ol_dim_value(w) : ol_dim_unknown();
    out_dims(ctx, 0, elem, dims, 2 + ROI_POOL_SPATIAL);
}

static void infer_MaxRoiPool(ol_ctx *ctx)
{
    size_t n;
    const int64_t *pooled = ol_attr_ints(ctx, "pooled_shape", &n);
    if (pooled && n != ROI_POOL_SPATIAL) {
        ol_error(ctx, "shape-error", "pooled_shape has %zu values, expected %d (height, width)", n, ROI_POOL_SPATIAL);
        pooled = NULL;
    }
    roi_pool(ctx, MAXROIPOOL_BOX_VALUES, 0, pooled ? pooled[0] : 0, pooled ? pooled[1] : 0);
}

static void infer_RoiAlign(ol_ctx *ctx)
{
    roi_pool(ctx, ROIALIGN_BOX_VALUES, 2, ol_attr_int(ctx, "output_height", 1), ol_attr_int(ctx, "output_width", 1));
}

/* ---- normalization ---- */

/* The channel count of input 0 (dim 1), unknown when not known. */
static ol_dim channels(const ol_ctx *ctx)
{
    return in_dim(ctx, 0, 1);
}

/* Output 0 (X's type) takes the channel count c learnt from the
 * parameters: a symbolic C that a scale of 32 fixed shows as 32. */
static void set_channels(ol_ctx *ctx, ol_dim c)
{
    ol_type *y = ol_out(ctx, 0);
    if (y->kind == OL_TYPE_TENSOR && y->shape.rank > 1 && c.kind != OL_DIM_UNKNOWN)
        y->shape.dims[1] = c;
}

static void infer_BatchNormalization(ol_ctx *ctx)
{
    ol_out_like(ctx, 0, 0);
    const ol_shape *xs = ol_in_shape(ctx, 0);
    bool spatial = ctx->version >= BATCHNORM_SPATIAL_UNTIL || ol_attr_int(ctx, "spatial", 1) != 0;
    int32_t elem = ol_in_elem(ctx, 0);
    static const char *const names[] = {"scale", "B", "mean", "var"};
    if (!spatial) {
        /* Statistics per activation: each is (C, D1, ...), like X less N. */
        for (size_t k = 1; k < ol_out_count(ctx); k++) {
            ol_dim *d = ol_out_tensor(ctx, k, elem, xs && xs->rank > 0 ? xs->rank - 1 : -1);
            for (int i = 0; d && i < xs->rank - 1; i++)
                d[i] = xs->dims[1 + i];
        }
        return;
    }
    /* A 1-D input is (N) with C = 1. */
    ol_dim c = !xs ? ol_dim_unknown() : xs->rank > 1 ? xs->dims[1] : xs->rank == 1 ? ol_dim_value(1) : ol_dim_unknown();
    for (size_t i = 1; i <= sizeof names / sizeof *names; i++)
        c = expect_vector(ctx, i, c, names[i - 1], "the input's channels");
    set_channels(ctx, c);
    if (ctx->version < BATCHNORM_TRAINING_SINCE) {
        for (size_t k = 1; k < ol_out_count(ctx); k++)
            out_dims(ctx, k, elem, &c, 1);
        return;
    }
    bool training = ol_attr_int(ctx, "training_mode", 0) != 0;
    if (!training && (ol_out_has(ctx, 1) || ol_out_has(ctx, 2)))
        ol_error(ctx, "shape-error", "running_mean/running_var are requested but training_mode is 0");
    /* running_mean, running_var: the types of input_mean, input_var. */
    out_dims(ctx, 1, ol_in_elem(ctx, 3), &c, 1);
    out_dims(ctx, 2, ol_in_elem(ctx, 4), &c, 1);
}

static void infer_InstanceNormalization(ol_ctx *ctx)
{
    ol_out_like(ctx, 0, 0);
    ol_dim c = channels(ctx);
    c = expect_vector(ctx, 1, c, "scale", "the input's channels");
    set_channels(ctx, expect_vector(ctx, 2, c, "B", "the input's channels"));
}

static void infer_GroupNormalization(ol_ctx *ctx)
{
    ol_out_like(ctx, 0, 0);
    int64_t groups = ol_attr_int(ctx, "num_groups", 0);
    ol_dim c = channels(ctx);
    if (groups < 1) {
        ol_error(ctx, "shape-error", "num_groups is %lld, must be at least 1", (long long)groups);
        return;
    }
    if (c.kind == OL_DIM_VALUE && c.value % groups != 0)
        ol_error(ctx, "shape-error", "input '%s' %s has %lld channels, not a multiple of num_groups %lld",
                 ol_in_name(ctx, 0), in_type_str(ctx, 0), (long long)c.value, (long long)groups);
    bool per_channel = ctx->version >= GROUPNORM_PER_CHANNEL_SINCE;
    ol_dim want = per_channel ? c : ol_dim_value(groups);
    const char *against = per_channel ? "the input's channels" : "num_groups";
    want = expect_vector(ctx, 1, want, "scale", against);
    want = expect_vector(ctx, 2, want, "bias", against);
    if (per_channel)
        set_channels(ctx, want);
}

/* True when a tensor of shape s may broadcast to dims[0..n) (numpy rules,
 * s aligned right): false only for a known conflict. */
static bool may_broadcast_to(ol_ctx *ctx, const ol_shape *s, const ol_dim *dims, int n)
{
    if (s->rank > n)
        return false;
    for (int i = 0; i < s->rank; i++) {
        ol_dim a = s->dims[s->rank - 1 - i], b = dims[n - 1 - i];
        if (!dim_is(a, 1) && ol_dim_differ(ctx->exprs, a, b) && a.kind == OL_DIM_VALUE)
            return false;
    }
    return true;
}

/* LayerNormalization's Scale and B: broadcastable to X[axis:], or (as the
 * function body reads them, flattened) holding 1 or prod(X[axis:]) values. */
static void check_layer_norm_param(ol_ctx *ctx, size_t i, const ol_shape *xs, int axis)
{
    const ol_shape *s = ol_in_shape(ctx, i);
    if (!s || !xs)
        return;
    int n = xs->rank - axis;
    if (may_broadcast_to(ctx, s, xs->dims + axis, n))
        return;
    ol_dim count = ol_shape_product(ctx, s, 0, s->rank);
    ol_dim normalized = ol_shape_product(ctx, xs, axis, xs->rank);
    if (count.kind != OL_DIM_VALUE || count.value == 1 || !ol_dim_differ(ctx->exprs, count, normalized))
        return;
    ol_error(ctx, "shape-error", "'%s' %s does not match the normalized dims of input '%s' %s from axis %d",
             ol_in_name(ctx, i), in_type_str(ctx, i), ol_in_name(ctx, 0), in_type_str(ctx, 0), axis);
}

static void infer_LayerNormalization(ol_ctx *ctx)
{
    ol_out_like(ctx, 0, 0);
    int32_t stash = (int32_t)ol_attr_int(ctx, "stash_type", ELEM_FLOAT);
    const ol_shape *xs = ol_in_shape(ctx, 0);
    int axis = -1;
    if (xs) {
        /* axis is in [-r, r]: r normalizes nothing, -1 the last axis (not ol_axis's insertion rule). */
        int64_t a = ol_attr_int(ctx, "axis", -1);
        if (a < -xs->rank || a > xs->rank)
            ol_error(ctx, "shape-error", "axis %lld is out of range for input '%s' %s", (long long)a,
                     ol_in_name(ctx, 0), in_type_str(ctx, 0));
        else
            axis = (int)(a < 0 ? a + xs->rank : a);
    }
    for (size_t k = 1; k <= 2; k++) {
        if (axis < 0) {
            ol_out_tensor(ctx, k, stash, -1);
            continue;
        }
        /* Mean and InvStdDev: X's dims with the normalized ones 1. */
        ol_dim *d = ol_out_tensor(ctx, k, stash, xs->rank);
        for (int i = 0; d && i < xs->rank; i++)
            d[i] = i < axis ? xs->dims[i] : ol_dim_value(1);
    }
    if (axis < 0)
        return;
    check_layer_norm_param(ctx, 1, xs, axis);
    if (ol_in_has(ctx, 2))
        check_layer_norm_param(ctx, 2, xs, axis);
}

/* RMSNormalization (23): Y has X's type and shape (ONNX's inference and
 * reference both keep X's type); axis in [-r, r); scale broadcasts to the
 * normalized dims X[axis:]. */
static void infer_RMSNormalization(ol_ctx *ctx)
{
    ol_out_like(ctx, 0, 0);
    const ol_shape *xs = ol_in_shape(ctx, 0);
    if (!xs)
        return;
    int axis = ol_axis(ctx, ol_attr_int(ctx, "axis", -1), xs->rank, false, "axis");
    if (axis >= 0)
        check_layer_norm_param(ctx, 1, xs, axis);
}

static void infer_LpNormalization(ol_ctx *ctx)
{
    ol_out_like(ctx, 0, 0);
    const ol_shape *xs = ol_in_shape(ctx, 0);
    if (xs)
        ol_axis(ctx, ol_attr_int(ctx, "axis", -1), xs->rank, false, "axis");
}

static void infer_LRN(ol_ctx *ctx)
{
    ol_out_like(ctx, 0, 0);
    if (ol_attr_has(ctx, "size") && ol_attr_int(ctx, "size", 1) < 1)
        ol_error(ctx, "shape-error", "size is %lld, must be at least 1", (long long)ol_attr_int(ctx, "size", 1));
}

static void infer_MeanVarianceNormalization(ol_ctx *ctx)
{
    ol_out_like(ctx, 0, 0);
    const ol_shape *xs = ol_in_shape(ctx, 0);
    size_t n;
    const int64_t *axes = ol_attr_ints(ctx, "axes", &n);
    static const int64_t default_axes[] = {0, 2, 3}; /* the spec's default: the kernel uses it too */
    if (!axes) {
        axes = default_axes;
        n = sizeof default_axes / sizeof *default_axes;
    }
    for (size_t i = 0; xs && xs->rank >= 0 && i < n; i++) {
        if (ol_axis(ctx, axes[i], xs->rank, false, "axes value") < 0)
            break;
    }
}

static void infer_Dropout(ol_ctx *ctx)
{
    ol_out_like(ctx, 0, 0);
    if (ol_out_has(ctx, 1)) {
        const ol_shape *xs = ol_in_shape(ctx, 0);
        int32_t elem = ctx->version >= DROPOUT_BOOL_MASK_SINCE ? ELEM_BOOL : ol_in_elem(ctx, 0);
        out_dims(ctx, 1, elem, xs ? xs->dims : NULL, xs ? xs->rank : -1);
    }
    if (ctx->version >= DROPOUT_INPUTS_SINCE) {
        expect_rank(ctx, 1, 0, "ratio");
        expect_rank(ctx, 2, 0, "training_mode");
    }
}

/* ---- resampling ---- */

/* GridSample: X (N, C, D1..Dr), grid (N, O1..Or, r) -> (N, C, O1..Or);
 * r = 2 before opset 20. */
static void infer_GridSample(ol_ctx *ctx)
{
    int32_t elem = ol_in_elem(ctx, 0);
    const ol_shape *xs = ol_in_shape(ctx, 0), *gs = ol_in_shape(ctx, 1);
    int rank = xs ? xs->rank : gs ? gs->rank : -1;
    if (ctx->version < GRIDSAMPLE_ND_SINCE) {
        bool ok = expect_rank(ctx, 0, GRIDSAMPLE_2D_RANK, "input");
        ok &= expect_rank(ctx, 1, GRIDSAMPLE_2D_RANK, "grid");
        rank = ok ? GRIDSAMPLE_2D_RANK : -1;
    } else if (xs && xs->rank < 3) {
        ol_error(ctx, "shape-error", "input '%s' %s must have rank >= 3 (N, C, spatial...)", ol_in_name(ctx, 0),
                 in_type_str(ctx, 0));
        rank = -1;
    } else if (xs && gs && xs->rank != gs->rank) {
        ol_error(ctx, "shape-error", "grid '%s' %s must have the rank of input '%s' %s", ol_in_name(ctx, 1),
                 in_type_str(ctx, 1), ol_in_name(ctx, 0), in_type_str(ctx, 0));
        gs = NULL;
    }
    if (rank < 0 || (xs && xs->rank != rank) || (gs && gs->rank != rank)) {
        ol_out_tensor(ctx, 0, elem, -1);
        return;
    }
    ol_dim *dims = ol_out_tensor(ctx, 0, elem, rank);
    if (!dims)
        return;
    dims[0] = ol_dim_merge(ctx, in_dim(ctx, 0, 0), in_dim(ctx, 1, 0), "batch size of input vs grid");
    dims[1] = in_dim(ctx, 0, 1);
    for (int i = 2; i < rank; i++)
        dims[i] = in_dim(ctx, 1, i - 1);
    if (gs && ol_dim_differ(ctx->exprs, gs->dims[rank - 1], ol_dim_value(rank - 2)))
        ol_error(ctx, "shape-error", "grid '%s' %s must end in %d (one coordinate per spatial axis)",
                 ol_in_name(ctx, 1), in_type_str(ctx, 1), rank - 2);
}

/* AffineGrid: theta (N, 2, 3) and size (N, C, H, W) -> (N, H, W, 2), or
 * theta (N, 3, 4) and size (N, C, D, H, W) -> (N, D, H, W, 3). */
static void infer_AffineGrid(ol_ctx *ctx)
{
    int32_t elem = ol_in_elem(ctx, 0);
    const ol_data *size = ol_in_data(ctx, 1);
    const ol_shape *ss = ol_in_shape(ctx, 1), *ts = ol_in_shape(ctx, 0);
    int64_t count = -1; /* size's length */
    if (size && size->values)
        count = (int64_t)size->count;
    else if (ss && ss->rank == 1 && ss->dims[0].kind == OL_DIM_VALUE)
        count = ss->dims[0].value;
    else if (ts && ts->rank == 3 && ts->dims[1].kind == OL_DIM_VALUE && ts->dims[1].value < AFFINE_GRID_MAX_SIZE)
        count = ts->dims[1].value + 2;
    expect_rank(ctx, 1, 1, "size");
    if (count >= 0 && (count < AFFINE_GRID_MIN_SIZE || count > AFFINE_GRID_MAX_SIZE)) {
        ol_error(ctx, "shape-error", "size '%s' has %lld values, expected (N, C, H, W) or (N, C, D, H, W)",
                 ol_in_name(ctx, 1), (long long)count);
        count = -1;
    }
    int r = (int)count - 2; /* spatial axes */
    if (ts && expect_rank(ctx, 0, 3, "theta") && count >= 0) {
        if (ol_dim_differ(ctx->exprs, ts->dims[1], ol_dim_value(r)) ||
            ol_dim_differ(ctx->exprs, ts->dims[2], ol_dim_value(r + 1)))
            ol_error(ctx, "shape-error", "theta '%s' %s must be (N, %d, %d) for %d spatial axes", ol_in_name(ctx, 0),
                     in_type_str(ctx, 0), r, r + 1, r);
    }
    if (count < 0) {
        ol_out_tensor(ctx, 0, elem, -1);
        return;
    }
    ol_dim *dims = ol_out_tensor(ctx, 0, elem, r + 2);
    if (!dims)
        return;
    bool known = size && size->values && size->count == (size_t)count;
    dims[0] = known ? size->values[0] : ol_dim_unknown();
    if (ts && ts->rank == 3)
        dims[0] = ol_dim_merge(ctx, dims[0], ts->dims[0], "batch size of size vs theta");
    for (int i = 0; i < r; i++)
        dims[1 + i] = known ? size->values[2 + i] : ol_dim_unknown();
    dims[r + 1] = ol_dim_value(r);
}

/* ==================================================================== */
/* ---- numeric kernels ----
 *
 * Each kernel computes its outputs from concrete inputs, as ONNX's
 * reference implementation does (onnx/backend/test/case/node/<op>.py).
 * Sizes come from the runtime dims; bad attributes or shapes fail the node
 * with a message naming them.  Convolutions go through CBLAS (im2col, then
 * one GEMM per image and group); the other kernels compute in double and
 * store in the output's type. */

/* Largest kernel size, stride, dilation or pad a kernel accepts: past it
 * the window arithmetic could overflow int64. */
#define MAX_WINDOW_VALUE ((int64_t)OL_MAX_EVAL_ELEMENTS)
/* Most spatial axes of an interpolating kernel (GridSample, DeformConv):
 * cubic interpolation reads 4^r points. */
#define MAX_INTERP_AXES 6
/* Conv's im2col works on tiles of output columns of at most this many
 * bytes (so that a tile stays in cache), but at least CONV_MIN_TILE
 * columns. */
#define CONV_TILE_BYTES ((size_t)1 << 20)
#define CONV_MIN_TILE 64
/* Keys' cubic convolution coefficient (GridSample's bicubic mode). */
#define CUBIC_ALPHA (-0.75)
/* LayerNormalization / GroupNormalization / InstanceNormalization /
 * BatchNormalization default epsilon, MeanVarianceNormalization's. */
#define NORM_DEFAULT_EPSILON 1e-5f
#define MVN_EPSILON 1e-9
#define BATCHNORM_DEFAULT_MOMENTUM 0.9f
#define LRN_DEFAULT_ALPHA 1e-4f
#define LRN_DEFAULT_BETA 0.75f
#define LRN_DEFAULT_BIAS 1.0f
#define DROPOUT_DEFAULT_RATIO 0.5f
/* LpPool / GlobalLpPool / LpNormalization default p. */
#define LP_DEFAULT_P 2
/* LpPool and GlobalLpPool: p became an int at version 2. */
#define LPPOOL_INT_P_SINCE 2
/* BatchNormalization-1/6: is_test; Dropout-1/6 too. */
#define ROIALIGN_COORD_MODE_SINCE 16

/* Points read by one bilinear sample (2-D) and by one cubic tap axis. */
#define BILINEAR_POINTS 4
#define CUBIC_POINTS 4
/* Half a pixel: sample centres, half_pixel coordinates. */
#define HALF_PIXEL 0.5
/* BatchNormalization's parameter inputs: scale, B, input_mean, input_var. */
#define BATCHNORM_PARAMS 4

#define ELEM_DOUBLE ONNX__TENSOR_PROTO__DATA_TYPE__DOUBLE
#define ELEM_FLOAT16 ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT16
#define ELEM_BFLOAT16 ONNX__TENSOR_PROTO__DATA_TYPE__BFLOAT16

/* ---- kernel helpers ---- */

static int64_t prod_dims(const int64_t *dims, int begin, int end)
{
    int64_t p = 1;
    for (int i = begin; i < end; i++)
        p *= dims[i];
    return p;
}

/* Ceiling of a / b for b > 0 (a of any sign). */
static int64_t ceil_div(int64_t a, int64_t b)
{
    return a >= 0 ? (a + b - 1) / b : -((-a) / b);
}

/* n as a size, at least 1 (for allocations of possibly empty arrays). */
static size_t count_or_one(int64_t n)
{
    return n > 0 ? (size_t)n : 1;
}

static bool is_floating(const ol_array *a)
{
    return ol_elem_is_floating(a->elem_type);
}

/* True when the node has output i (not omitted). */
static bool has_output(const ol_kctx *k, size_t i)
{
    return i < k->n_outputs && i < k->node->n_outputs && k->node->outputs[i];
}

/* Input i, which must be a floating-point tensor (what: its role). */
static const ol_array *float_input(ol_kctx *k, size_t i, const char *what)
{
    const ol_array *a = ol_k_in(k, i);
    if (!a) {
        ol_k_fail(k, "%s (input %zu) is missing", what, i);
        return NULL;
    }
    if (!is_floating(a)) {
        ol_k_fail(k, "%s %s must be a floating-point tensor", what, ol_k_shape(k, a));
        return NULL;
    }
    return a;
}

/* A scratch array of count doubles (at least one), zero-filled. */
static double *scratch_f64(ol_kctx *k, size_t count)
{
    double *v = ol_k_alloc(k, (count ? count : 1) * sizeof *v);
    if (v)
        memset(v, 0, (count ? count : 1) * sizeof *v);
    return v;
}

/* The values of a as doubles (a copy). */
static double *load_f64(ol_kctx *k, const ol_array *a)
{
    double *v = ol_k_alloc(k, (a->count ? a->count : 1) * sizeof *v);
    if (!v)
        return NULL;
    if (a->elem_type == ELEM_FLOAT) {
        const float *p = a->data;
        for (size_t i = 0; i < a->count; i++)
            v[i] = p[i];
    } else if (a->elem_type == ELEM_DOUBLE) {
        if (a->count)
            memcpy(v, a->data, a->count * sizeof *v);
    } else {
        for (size_t i = 0; i < a->count; i++)
            v[i] = ol_array_get_f64(a, i);
    }
    return v;
}

/* The values of a as floats: its own data when float, else a copy. */
static const float *view_f32(ol_kctx *k, const ol_array *a)
{
    if (a->elem_type == ELEM_FLOAT && a->count)
        return a->data;
    float *v = ol_k_alloc(k, (a->count ? a->count : 1) * sizeof *v);
    for (size_t i = 0; v && i < a->count; i++)
        v[i] = (float)ol_array_get_f64(a, i);
    return v;
}

/* The values of a as doubles: its own data when double, else a copy. */
static const double *view_f64(ol_kctx *k, const ol_array *a)
{
    if (a->elem_type == ELEM_DOUBLE && a->count)
        return a->data;
    return load_f64(k, a);
}

/* Stores v (y->count doubles) into y, converted to y's type. */
static void store_f64(ol_array *y, const double *v)
{
    if (y->elem_type == ELEM_FLOAT) {
        float *p = y->data;
        for (size_t i = 0; i < y->count; i++)
            p[i] = (float)v[i];
    } else if (y->elem_type == ELEM_DOUBLE) {
        if (y->count)
            memcpy(y->data, v, y->count * sizeof *v);
    } else {
        for (size_t i = 0; i < y->count; i++)
            ol_array_set_f64(y, i, v[i]);
    }
}

/* Output i of x's type and shape computed in double from v. */
static bool out_like_f64(ol_kctx *k, size_t i, const ol_array *x, const double *v)
{
    ol_array *y = ol_k_out(k, i, x->elem_type, x->rank, x->dims);
    if (!y)
        return false;
    store_f64(y, v);
    return true;
}

/* Input i, when present, must be 1-D with `count` elements (what: its
 * role, against: where count comes from). */
static bool check_vector(ol_kctx *k, const ol_array *a, int64_t count, const char *what, const char *against)
{
    if (!a || (a->rank == 1 && a->dims[0] == count))
        return true;
    return ol_k_fail(k, "%s %s must be 1-D of %lld elements (%s)", what, ol_k_shape(k, a), (long long)count,
                     against);
}

/* ---- the sliding window at run time ---- */

typedef struct kwin {
    int n;
    int64_t in[MAX_SPATIAL];
    int64_t out[MAX_SPATIAL];
    int64_t kernel[MAX_SPATIAL];
    int64_t strides[MAX_SPATIAL];
    int64_t dilations[MAX_SPATIAL];
    int64_t pads[2 * MAX_SPATIAL]; /* begins, then ends; resolved for auto_pad by kwin_forward */
    int64_t output_padding[MAX_SPATIAL];
    pad_mode auto_pad;
    bool ceil_mode;
} kwin;

/* Reads INTS attribute `name` into out[0..count) (fallback when absent or
 * empty); fails when its length is not count or a value is out of
 * [min, MAX_WINDOW_VALUE]. */
static bool k_window_ints(ol_kctx *k, const char *name, int count, int64_t fallback, int64_t min, int64_t *out)
{
    size_t n;
    const int64_t *v = ol_attr_ints(&k->infer, name, &n);
    if (!v || n == 0) {
        for (int i = 0; i < count; i++)
            out[i] = fallback;
        return true;
    }
    if (n != (size_t)count)
        return ol_k_fail(k, "%s has %zu values, expected %d for the input's spatial axes", name, n, count);
    for (int i = 0; i < count; i++) {
        if (v[i] < min || v[i] > MAX_WINDOW_VALUE)
            return ol_k_fail(k, "%s[%d] is %lld, must be in [%lld, %lld]", name, i, (long long)v[i], (long long)min,
                             (long long)MAX_WINDOW_VALUE);
        out[i] = v[i];
    }
    return true;
}

/* Reads the window of an operator over x (N, C, spatial...) from the
 * attributes in `attrs`; the kernel from kernel_shape, else from
 * weight_kernel (a weight's dims 2...) when given; both must agree. */
static bool kwin_read(ol_kctx *k, kwin *w, const ol_array *x, unsigned attrs, const int64_t *weight_kernel)
{
    memset(w, 0, sizeof *w);
    if (x->rank < 3 || x->rank - 2 > MAX_SPATIAL)
        return ol_k_fail(k, "input %s must be (N, C, D1, ...) with 1 to %d spatial axes", ol_k_shape(k, x),
                         MAX_SPATIAL);
    w->n = x->rank - 2;
    memcpy(w->in, x->dims + 2, (size_t)w->n * sizeof *w->in);
    size_t nk;
    const int64_t *ks = ol_attr_ints(&k->infer, "kernel_shape", &nk);
    if (ks && nk) {
        if (!k_window_ints(k, "kernel_shape", w->n, 1, 1, w->kernel))
            return false;
        for (int i = 0; weight_kernel && i < w->n; i++) {
            if (weight_kernel[i] != w->kernel[i])
                return ol_k_fail(k, "kernel_shape[%d] is %lld but the weight has %lld there", i,
                                 (long long)w->kernel[i], (long long)weight_kernel[i]);
        }
    } else if (weight_kernel) {
        for (int i = 0; i < w->n; i++) {
            if (weight_kernel[i] < 1)
                return ol_k_fail(k, "the weight's kernel dim %d is %lld", i, (long long)weight_kernel[i]);
            w->kernel[i] = weight_kernel[i];
        }
    } else {
        return ol_k_fail(k, "kernel_shape is missing");
    }
    if (!k_window_ints(k, "strides", w->n, 1, 1, w->strides) || !k_window_ints(k, "pads", 2 * w->n, 0, 0, w->pads))
        return false;
    if (attrs & WIN_DILATIONS) {
        if (!k_window_ints(k, "dilations", w->n, 1, 1, w->dilations))
            return false;
    } else {
        for (int i = 0; i < w->n; i++)
            w->dilations[i] = 1;
    }
    if ((attrs & WIN_OUTPUT_PADDING) && !k_window_ints(k, "output_padding", w->n, 0, 0, w->output_padding))
        return false;
    if (attrs & WIN_CEIL_MODE)
        w->ceil_mode = ol_attr_int(&k->infer, "ceil_mode", 0) != 0;
    if (attrs & WIN_AUTO_PAD) {
        const char *s = ol_attr_string(&k->infer, "auto_pad", "NOTSET");
        if (!parse_auto_pad(s, &w->auto_pad))
            return ol_k_fail(k, "auto_pad '%s' is not NOTSET, SAME_UPPER, SAME_LOWER or VALID", s);
    }
    return true;
}

static int64_t kwin_extent(const kwin *w, int i)
{
    return (w->kernel[i] - 1) * w->dilations[i] + 1;
}

/* Output sizes of a convolution or pooling (as window_out computes them
 * symbolically), and the pads resolved for auto_pad: SAME pads to
 * ceil(in / s), the odd unit at the end (SAME_UPPER) or the beginning
 * (SAME_LOWER); VALID pads nothing. */
static bool kwin_forward(ol_kctx *k, kwin *w)
{
    for (int i = 0; i < w->n; i++) {
        int64_t in = w->in[i], s = w->strides[i], ek = kwin_extent(w, i);
        int64_t *begin = &w->pads[i], *end = &w->pads[w->n + i];
        if (w->auto_pad == PAD_SAME_UPPER || w->auto_pad == PAD_SAME_LOWER) {
            w->out[i] = ceil_div(in, s);
            int64_t total = (w->out[i] - 1) * s + ek - in;
            if (total < 0)
                total = 0;
            *begin = w->auto_pad == PAD_SAME_UPPER ? total / 2 : total - total / 2;
            *end = total - *begin;
            continue;
        }
        if (w->auto_pad == PAD_VALID)
            *begin = *end = 0;
        int64_t span = in + *begin + *end - ek;
        if (span < 0)
            return ol_k_fail(k, "spatial axis %d: the kernel (%lld dilated) is larger than the padded input (%lld, "
                                "pads %lld, %lld)",
                             i, (long long)ek, (long long)in, (long long)*begin, (long long)*end);
        w->out[i] = (w->ceil_mode ? ceil_div(span, s) : span / s) + 1;
        /* In ceil mode a last window that would start in the end padding is dropped. */
        if (w->ceil_mode && (w->out[i] - 1) * s >= in + *begin)
            w->out[i]--;
    }
    return true;
}

/* Output dims (N, C, out...) of a window over x. */
static void kwin_out_dims(const kwin *w, int64_t batch, int64_t channels, int64_t *dims)
{
    dims[0] = batch;
    dims[1] = channels;
    memcpy(dims + 2, w->out, (size_t)w->n * sizeof *dims);
}

/* ---- pooling kernels ---- */

typedef enum pool_kind { POOL_MAX, POOL_AVG, POOL_LP } pool_kind;

typedef struct pool_spec {
    pool_kind kind;
    bool count_include_pad; /* AVG */
    double p;               /* LP */
    bool column_major;      /* MAX's indices: storage_order 1 */
} pool_spec;

/* Per spatial axis and output index o: the window's kernel positions
 * reading inside the input [lo, hi) and inside the padded input [0, pad). */
typedef struct pool_axes {
    int64_t *start[MAX_SPATIAL]; /* o * s - pad_begin */
    int64_t *lo[MAX_SPATIAL];
    int64_t *hi[MAX_SPATIAL];
    int64_t *padded[MAX_SPATIAL];
} pool_axes;

static bool pool_axes_make(ol_kctx *k, const kwin *w, pool_axes *pa)
{
    int n = w->n;
    for (int i = 0; i < n; i++) {
        int64_t *v = ol_k_alloc(k, count_or_one(4 * w->out[i]) * sizeof *v);
        if (!v)
            return false;
        pa->start[i] = v;
        pa->lo[i] = v + w->out[i];
        pa->hi[i] = v + 2 * w->out[i];
        pa->padded[i] = v + 3 * w->out[i];
        int64_t d = w->dilations[i], kern = w->kernel[i];
        for (int64_t o = 0; o < w->out[i]; o++) {
            int64_t st = o * w->strides[i] - w->pads[i];
            int64_t hi = w->in[i] - st <= 0 ? 0 : ceil_div(w->in[i] - st, d);
            int64_t hp = w->in[i] + w->pads[n + i] - st <= 0 ? 0 : ceil_div(w->in[i] + w->pads[n + i] - st, d);
            pa->start[i][o] = st;
            pa->lo[i][o] = st < 0 ? ceil_div(-st, d) : 0;
            pa->hi[i][o] = hi < kern ? hi : kern;
            pa->padded[i][o] = hp < kern ? hp : kern;
        }
    }
    return true;
}

/* One pooled value of the window of output point o in a plane: xf (float
 * input) or xd (any other, as doubles).  *index: the plane offset of the
 * maximum (column-major when asked), -1 for an empty window. */
static double pool_window(const kwin *w, const pool_spec *ps, const pool_axes *pa, const float *xf, const double *xd,
                          const int64_t *o, const int64_t *in_strides, const int64_t *col_strides, int64_t *index)
{
    int n = w->n;
    int64_t lo[MAX_SPATIAL], hi[MAX_SPATIAL], j[MAX_SPATIAL], st[MAX_SPATIAL];
    int64_t padded = 1; /* positions inside the padded input (count_include_pad) */
    bool empty = false;
    for (int i = 0; i < n; i++) {
        st[i] = pa->start[i][o[i]];
        lo[i] = j[i] = pa->lo[i][o[i]];
        hi[i] = pa->hi[i][o[i]];
        padded *= pa->padded[i][o[i]];
        empty |= lo[i] >= hi[i];
    }
    *index = -1;
    if (empty)
        return 0;
    double acc = 0;
    int64_t count = 0;
    bool found = false;
    for (;;) {
        int64_t off = 0, col = 0;
        for (int i = 0; i < n; i++) {
            int64_t c = st[i] + j[i] * w->dilations[i];
            off += c * in_strides[i];
            col += c * col_strides[i];
        }
        double v = xf ? xf[off] : xd[off];
        if (ps->kind == POOL_MAX) {
            if (!found || v > acc || (isnan(acc) && !isnan(v))) {
                acc = v;
                *index = ps->column_major ? col : off;
                found = true;
            }
        } else if (ps->kind == POOL_AVG) {
            acc += v;
        } else {
            acc += pow(fabs(v), ps->p);
        }
        count++;
        int a = n - 1;
        while (a >= 0 && ++j[a] >= hi[a]) {
            j[a] = lo[a];
            a--;
        }
        if (a < 0)
            break;
    }
    if (ps->kind == POOL_AVG)
        return acc / (double)(ps->count_include_pad ? padded : count);
    if (ps->kind == POOL_LP)
        return pow(acc, 1.0 / ps->p);
    return acc;
}

/* Pools x over the window w (kwin_forward done) into output 0 (and MaxPool's
 * Indices into output 1 when present). */
static bool pool_run(ol_kctx *k, const ol_array *x, const kwin *w, const pool_spec *ps)
{
    int n = w->n;
    int64_t dims[OL_MAX_RANK];
    kwin_out_dims(w, x->dims[0], x->dims[1], dims);
    ol_array *y = ol_k_out(k, 0, x->elem_type, x->rank, dims);
    ol_array *ind = NULL;
    if (!y)
        return false;
    if (ps->kind == POOL_MAX && has_output(k, 1)) {
        ind = ol_k_out(k, 1, ELEM_INT64, x->rank, dims);
        if (!ind)
            return false;
    }
    bool f32 = x->elem_type == ELEM_FLOAT;
    const float *xf = f32 ? x->data : NULL;
    const double *xd = f32 ? NULL : load_f64(k, x);
    float *yf = f32 ? y->data : NULL;
    double *yd = f32 ? NULL : scratch_f64(k, y->count);
    pool_axes pa;
    if ((!f32 && (!xd || !yd)) || !pool_axes_make(k, w, &pa))
        return false;
    int64_t in_strides[MAX_SPATIAL], col_strides[MAX_SPATIAL];
    ol_strides(w->in, n, in_strides);
    for (int i = 0; i < n; i++)
        col_strides[i] = i == 0 ? 1 : col_strides[i - 1] * w->in[i - 1];
    int64_t in_size = prod_dims(w->in, 0, n), out_size = prod_dims(w->out, 0, n);
    int64_t planes = x->dims[0] * x->dims[1];
    int64_t *indices = ind ? ind->data : NULL;
    for (int64_t pl = 0; pl < planes && out_size > 0 && in_size > 0; pl++) {
        const float *pf = f32 ? xf + pl * in_size : NULL;
        const double *pd = f32 ? NULL : xd + pl * in_size;
        int64_t o[MAX_SPATIAL] = {0};
        for (int64_t q = 0; q < out_size; q++) {
            int64_t index;
            double v = pool_window(w, ps, &pa, pf, pd, o, in_strides, col_strides, &index);
            size_t at = (size_t)(pl * out_size + q);
            if (f32)
                yf[at] = (float)v;
            else
                yd[at] = v;
            if (indices)
                indices[at] = index < 0 ? -1 : pl * in_size + index;
            for (int a = n - 1; a >= 0 && ++o[a] == w->out[a]; a--)
                o[a] = 0;
        }
    }
    if (!f32)
        store_f64(y, yd);
    return true;
}

static bool kernel_pool(ol_kctx *k, unsigned attrs, const pool_spec *ps)
{
    const ol_array *x = ol_k_in(k, 0);
    if (!x)
        return ol_k_fail(k, "input X is missing");
    if (!ol_elem_is_floating(x->elem_type) && !ol_elem_is_integral(x->elem_type))
        return ol_k_fail(k, "input X %s must be a real-valued tensor", ol_k_shape(k, x));
    kwin w;
    if (!kwin_read(k, &w, x, attrs, NULL) || !kwin_forward(k, &w))
        return false;
    return pool_run(k, x, &w, ps);
}

static bool kernel_AveragePool(ol_kctx *k)
{
    unsigned attrs = WIN_AUTO_PAD;
    if (k->infer.version >= POOL_CEIL_MODE_SINCE)
        attrs |= WIN_CEIL_MODE;
    if (k->infer.version >= AVERAGEPOOL_DILATIONS_SINCE)
        attrs |= WIN_DILATIONS;
    pool_spec ps = {.kind = POOL_AVG, .count_include_pad = ol_attr_int(&k->infer, "count_include_pad", 0) != 0};
    return kernel_pool(k, attrs, &ps);
}

static bool kernel_MaxPool(ol_kctx *k)
{
    unsigned attrs = WIN_AUTO_PAD;
    if (k->infer.version >= POOL_CEIL_MODE_SINCE)
        attrs |= WIN_CEIL_MODE;
    if (k->infer.version >= MAXPOOL_DILATIONS_SINCE)
        attrs |= WIN_DILATIONS;
    pool_spec ps = {.kind = POOL_MAX, .column_major = ol_attr_int(&k->infer, "storage_order", 0) != 0};
    return kernel_pool(k, attrs, &ps);
}

/* LpPool's and GlobalLpPool's p: a float at version 1, an int after. */
static bool read_lp_p(ol_kctx *k, double *p)
{
    if (k->infer.version < LPPOOL_INT_P_SINCE)
        *p = ol_attr_float(&k->infer, "p", (float)LP_DEFAULT_P);
    else
        *p = (double)ol_attr_int(&k->infer, "p", LP_DEFAULT_P);
    if (!(*p > 0))
        return ol_k_fail(k, "p is %g, must be positive", *p);
    return true;
}

static bool kernel_LpPool(ol_kctx *k)
{
    unsigned attrs = WIN_AUTO_PAD;
    if (k->infer.version >= LPPOOL_DILATIONS_SINCE)
        attrs |= WIN_CEIL_MODE | WIN_DILATIONS;
    pool_spec ps = {.kind = POOL_LP};
    if (!read_lp_p(k, &ps.p))
        return false;
    return kernel_pool(k, attrs, &ps);
}

/* GlobalAveragePool, GlobalMaxPool, GlobalLpPool: one value per (n, c). */
static bool global_pool(ol_kctx *k, pool_kind kind)
{
    const ol_array *x = float_input(k, 0, "input X");
    if (!x)
        return false;
    if (x->rank < 2)
        return ol_k_fail(k, "input X %s must be (N, C, D1, ...)", ol_k_shape(k, x));
    double p = LP_DEFAULT_P;
    if (kind == POOL_LP && !read_lp_p(k, &p))
        return false;
    int64_t dims[OL_MAX_RANK];
    for (int i = 0; i < x->rank; i++)
        dims[i] = i < 2 ? x->dims[i] : 1;
    ol_array *y = ol_k_out(k, 0, x->elem_type, x->rank, dims);
    double *xv = y ? load_f64(k, x) : NULL, *yv = y ? scratch_f64(k, y->count) : NULL;
    if (!xv || !yv)
        return false;
    int64_t spatial = prod_dims(x->dims, 2, x->rank);
    for (size_t pl = 0; pl < y->count; pl++) {
        const double *xp = xv + (int64_t)pl * spatial;
        double acc = kind == POOL_MAX ? -INFINITY : 0;
        for (int64_t i = 0; i < spatial; i++) {
            if (kind == POOL_MAX)
                acc = xp[i] > acc || isnan(xp[i]) ? xp[i] : acc;
            else if (kind == POOL_AVG)
                acc += xp[i];
            else
                acc += pow(fabs(xp[i]), p);
        }
        if (kind == POOL_AVG)
            acc /= (double)spatial;
        else if (kind == POOL_LP)
            acc = pow(acc, 1.0 / p);
        yv[pl] = acc;
    }
    store_f64(y, yv);
    return true;
}

static bool kernel_GlobalAveragePool(ol_kctx *k)
{
    return global_pool(k, POOL_AVG);
}

static bool kernel_GlobalMaxPool(ol_kctx *k)
{
    return global_pool(k, POOL_MAX);
}

static bool kernel_GlobalLpPool(ol_kctx *k)
{
    return global_pool(k, POOL_LP);
}

/* MaxUnpool: Y is zero but for X's values at their indices I.  The
 * indices count in the default output shape ((in - 1) * s + k - pads per
 * spatial axis); with an output_shape each lands at the same coordinates
 * there (as the reference places them). */
static bool kernel_MaxUnpool(ol_kctx *k)
{
    const ol_array *x = ol_k_in(k, 0), *ind = ol_k_in(k, 1);
    if (!x || !ind || ol_elem_size(x->elem_type) == 0 || x->elem_type == 8)
        return ol_k_fail(k, "needs a numeric X and indices I");
    if (ind->rank != x->rank || memcmp(ind->dims, x->dims, (size_t)x->rank * sizeof *x->dims) != 0)
        return ol_k_fail(k, "indices I %s must have the shape of X %s", ol_k_shape(k, ind), ol_k_shape(k, x));
    kwin w;
    if (!kwin_read(k, &w, x, 0, NULL))
        return false;
    int64_t base[OL_MAX_RANK], dims[OL_MAX_RANK];
    int rank = x->rank;
    base[0] = x->dims[0];
    base[1] = x->dims[1];
    for (int i = 0; i < w.n; i++) {
        base[2 + i] = (w.in[i] - 1) * w.strides[i] + w.kernel[i] - w.pads[i] - w.pads[w.n + i];
        if (base[2 + i] < 0)
            return ol_k_fail(k, "spatial axis %d: output size %lld after pads", i, (long long)base[2 + i]);
    }
    memcpy(dims, base, (size_t)rank * sizeof *dims);
    if (ol_k_in(k, 2)) {
        size_t n;
        int64_t *shape = ol_k_ints(k, 2, &n);
        if (!shape)
            return false;
        if (n != (size_t)rank)
            return ol_k_fail(k, "output_shape has %zu values for X %s", n, ol_k_shape(k, x));
        memcpy(dims, shape, n * sizeof *dims);
    }
    ol_array *y = ol_k_out(k, 0, x->elem_type, rank, dims);
    if (!y)
        return false;
    int64_t base_count = prod_dims(base, 0, rank), strides[OL_MAX_RANK];
    ol_strides(dims, rank, strides);
    size_t size = ol_elem_size(x->elem_type);
    for (size_t i = 0; i < x->count; i++) {
        int64_t at = ol_array_get_i64(ind, i), rest = at, to = 0;
        bool inside = at >= 0 && at < base_count;
        for (int a = rank - 1; a >= 0 && inside; a--) {
            int64_t c = rest % base[a];
            rest /= base[a];
            inside = c < dims[a];
            to += c * strides[a];
        }
        if (!inside)
            return ol_k_fail(k, "index %lld at element %zu is out of range for the output %s", (long long)at, i,
                             ol_k_shape(k, y));
        memcpy((char *)y->data + (size_t)to * size, (const char *)x->data + i * size, size);
    }
    return true;
}

/* Edge i of bins of size bin: i * bin, in float when single. */
static double bin_edge(int64_t i, double bin, bool single)
{
    return single ? (double)((float)i * (float)bin) : (double)i * bin;
}

/* MaxRoiPool: rois (num_rois, 5) of (batch, x1, y1, x2, y2); each region
 * (rounded after spatial_scale) is cut into pooled_shape bins, max of
 * each (0 for an empty bin). */
static bool kernel_MaxRoiPool(ol_kctx *k)
{
    const ol_array *x = float_input(k, 0, "input X"), *rois = x ? float_input(k, 1, "rois") : NULL;
    if (!rois)
        return false;
    if (x->rank != 2 + ROI_POOL_SPATIAL)
        return ol_k_fail(k, "input X %s must be (N, C, H, W)", ol_k_shape(k, x));
    if (rois->rank != 2 || rois->dims[1] != MAXROIPOOL_BOX_VALUES)
        return ol_k_fail(k, "rois %s must be (num_rois, %d)", ol_k_shape(k, rois), MAXROIPOOL_BOX_VALUES);
    size_t np;
    const int64_t *pooled = ol_attr_ints(&k->infer, "pooled_shape", &np);
    if (!pooled || np != ROI_POOL_SPATIAL || pooled[0] < 1 || pooled[1] < 1)
        return ol_k_fail(k, "pooled_shape must be 2 positive values (height, width)");
    double scale = ol_attr_float(&k->infer, "spatial_scale", 1.0f);
    bool single = x->elem_type != ELEM_DOUBLE;
    if (single)
        scale = (float)scale;
    int64_t n_rois = rois->dims[0], c = x->dims[1], h = x->dims[2], wd = x->dims[3];
    int64_t dims[] = {n_rois, c, pooled[0], pooled[1]};
    ol_array *y = ol_k_out(k, 0, x->elem_type, 2 + ROI_POOL_SPATIAL, dims);
    double *xv = y ? load_f64(k, x) : NULL, *rv = y ? load_f64(k, rois) : NULL;
    double *yv = y ? scratch_f64(k, y->count) : NULL;
    if (!xv || !rv || !yv)
        return false;
    for (int64_t r = 0; r < n_rois; r++) {
        const double *roi = rv + r * MAXROIPOOL_BOX_VALUES;
        int64_t b = roi[0] > -1 && roi[0] < (double)x->dims[0] ? (int64_t)roi[0] : -1; /* truncated */
        if (b < 0)
            return ol_k_fail(k, "roi %lld has batch index %g, X %s has %lld", (long long)r, roi[0],
                             ol_k_shape(k, x), (long long)x->dims[0]);
        double box[MAXROIPOOL_BOX_VALUES - 1]; /* x1, y1, x2, y2 after the batch index */
        for (int i = 0; i < MAXROIPOOL_BOX_VALUES - 1; i++) {
            box[i] = round(single ? (double)((float)roi[1 + i] * (float)scale) : roi[1 + i] * scale);
            if (!isfinite(box[i]) || fabs(box[i]) > (double)MAX_WINDOW_VALUE)
                return ol_k_fail(k, "roi %lld has coordinate %g", (long long)r, roi[1 + i]);
        }
        int64_t x1 = (int64_t)box[0], y1 = (int64_t)box[1], x2 = (int64_t)box[2], y2 = (int64_t)box[3];
        int64_t rh = y2 - y1 + 1 > 1 ? y2 - y1 + 1 : 1, rw = x2 - x1 + 1 > 1 ? x2 - x1 + 1 : 1;
        /* In X's precision, as the reference computes the bins. */
        double bin_h = (double)rh / (double)pooled[0], bin_w = (double)rw / (double)pooled[1];
        if (single) {
            bin_h = (float)rh / (float)pooled[0];
            bin_w = (float)rw / (float)pooled[1];
        }
        for (int64_t ch = 0; ch < c; ch++) {
            const double *plane = xv + (b * c + ch) * h * wd;
            double *out = yv + (r * c + ch) * pooled[0] * pooled[1];
            for (int64_t ph = 0; ph < pooled[0]; ph++) {
                int64_t hs = (int64_t)floor(bin_edge(ph, bin_h, single)) + y1;
                int64_t he = (int64_t)ceil(bin_edge(ph + 1, bin_h, single)) + y1;
                hs = hs < 0 ? 0 : hs > h ? h : hs;
                he = he < 0 ? 0 : he > h ? h : he;
                for (int64_t pw = 0; pw < pooled[1]; pw++) {
                    int64_t ws = (int64_t)floor(bin_edge(pw, bin_w, single)) + x1;
                    int64_t we = (int64_t)ceil(bin_edge(pw + 1, bin_w, single)) + x1;
                    ws = ws < 0 ? 0 : ws > wd ? wd : ws;
                    we = we < 0 ? 0 : we > wd ? wd : we;
                    double best = 0;
                    bool any = false;
                    for (int64_t yy = hs; yy < he; yy++) {
                        for (int64_t xx = ws; xx < we; xx++) {
                            double v = plane[yy * wd + xx];
                            if (!any || v > best)
                                best = v;
                            any = true;
                        }
                    }
                    out[ph * pooled[1] + pw] = best;
                }
            }
        }
    }
    store_f64(y, yv);
    return true;
}

/* ---- convolution kernels ---- */

/* A convolution's sizes at run time. */
typedef struct conv_geom {
    kwin w;
    int64_t batch, channels, maps, group; /* N, C, M (output channels), group */
    int64_t in_size, out_size, kernel_size; /* products of the spatial dims */
} conv_geom;

/* Reads group and the window of a convolution of x by weight wt; for a
 * forward convolution (not transposed) also checks wt (M, C/group, k...)
 * and computes the output sizes. */
static bool conv_setup(ol_kctx *k, const ol_array *x, const ol_array *wt, unsigned attrs, bool transposed,
                       conv_geom *g)
{
    memset(g, 0, sizeof *g);
    g->group = ol_attr_int(&k->infer, "group", 1);
    if (g->group < 1)
        return ol_k_fail(k, "group is %lld, must be at least 1", (long long)g->group);
    if (wt->rank != x->rank)
        return ol_k_fail(k, "weight W %s and input X %s have different ranks", ol_k_shape(k, wt), ol_k_shape(k, x));
    if (!kwin_read(k, &g->w, x, attrs, wt->dims + 2))
        return false;
    g->batch = x->dims[0];
    g->channels = x->dims[1];
    if (transposed) {
        if (wt->dims[0] != g->channels || g->channels % g->group != 0)
            return ol_k_fail(k, "input X %s has %lld channels; weight W %s must have as many in dim 0, a multiple of "
                                "group %lld",
                             ol_k_shape(k, x), (long long)g->channels, ol_k_shape(k, wt), (long long)g->group);
        g->maps = wt->dims[1] * g->group;
    } else {
        g->maps = wt->dims[0];
        if (wt->dims[1] * g->group != g->channels)
            return ol_k_fail(k, "input X %s has %lld channels, weight W %s expects %lld (group %lld)",
                             ol_k_shape(k, x), (long long)g->channels, ol_k_shape(k, wt),
                             (long long)(wt->dims[1] * g->group), (long long)g->group);
        if (g->maps % g->group != 0)
            return ol_k_fail(k, "weight W %s has %lld feature maps, not a multiple of group %lld", ol_k_shape(k, wt),
                             (long long)g->maps, (long long)g->group);
        if (!kwin_forward(k, &g->w))
            return false;
    }
    g->in_size = prod_dims(g->w.in, 0, g->w.n);
    g->out_size = prod_dims(g->w.out, 0, g->w.n);
    g->kernel_size = prod_dims(g->w.kernel, 0, g->w.n);
    return true;
}

/* The window's offset table: for each kernel position kk (row-major over
 * the kernel) and each position p of the iterated grid (row-major over
 * iter): the offset in the bounded grid (row-major over bound) of
 * p * s - pad + kk * d, or -1 outside it.  A convolution iterates its
 * output and reads its input; a transposed one iterates its input and
 * writes its output. */
static int32_t *window_table(ol_kctx *k, const kwin *w, const int64_t *iter, const int64_t *bound)
{
    int n = w->n;
    int64_t ksize = prod_dims(w->kernel, 0, n), isize = prod_dims(iter, 0, n), bsize = prod_dims(bound, 0, n);
    if (bsize > INT32_MAX || (uint64_t)ksize * (uint64_t)isize > OL_MAX_EVAL_ELEMENTS) {
        ol_k_fail(k, "the convolution's window table (%lld x %lld) is too large for the evaluator", (long long)ksize,
                  (long long)isize);
        return NULL;
    }
    size_t count = (size_t)(ksize * isize);
    int32_t *tab = ol_k_alloc(k, (count ? count : 1) * sizeof *tab);
    if (!tab)
        return NULL;
    int64_t strides[MAX_SPATIAL], j[MAX_SPATIAL] = {0};
    ol_strides(bound, n, strides);
    for (int64_t kk = 0; kk < ksize; kk++) {
        int32_t *row = tab + kk * isize;
        int64_t o[MAX_SPATIAL] = {0};
        for (int64_t p = 0; p < isize; p++) {
            int64_t off = 0;
            bool inside = true;
            for (int i = 0; i < n && inside; i++) {
                int64_t c = o[i] * w->strides[i] - w->pads[i] + j[i] * w->dilations[i];
                inside = c >= 0 && c < bound[i];
                off += c * strides[i];
            }
            row[p] = inside ? (int32_t)off : -1;
            for (int a = n - 1; a >= 0 && ++o[a] == iter[a]; a--)
                o[a] = 0;
        }
        for (int a = n - 1; a >= 0 && ++j[a] == w->kernel[a]; a--)
            j[a] = 0;
    }
    return tab;
}

/* True when the convolution reads its input as it is (1x1, stride 1, no
 * pads): the GEMM then takes the input without im2col. */
static bool conv_is_pointwise(const conv_geom *g)
{
    for (int i = 0; i < g->w.n; i++) {
        if (g->w.kernel[i] != 1 || g->w.strides[i] != 1 || g->w.pads[i] != 0 || g->w.pads[g->w.n + i] != 0)
            return false;
    }
    return true;
}

/* im2col of `channels` planes of in_size, output columns [p0, p0 + tp) of
 * p_all: col[(c * K + kk) * tp + p - p0]. */
static void im2col_f32(const float *x, const int32_t *tab, int64_t channels, int64_t in_size, int64_t ksize,
                       int64_t p_all, int64_t p0, int64_t tp, float *col)
{
    for (int64_t c = 0; c < channels; c++) {
        const float *xc = x + c * in_size;
        for (int64_t kk = 0; kk < ksize; kk++) {
            const int32_t *t = tab + kk * p_all + p0;
            float *dst = col + (c * ksize + kk) * tp;
            for (int64_t i = 0; i < tp; i++)
                dst[i] = t[i] >= 0 ? xc[t[i]] : 0.0f;
        }
    }
}

static void im2col_f64(const double *x, const int32_t *tab, int64_t channels, int64_t in_size, int64_t ksize,
                       int64_t p_all, int64_t p0, int64_t tp, double *col)
{
    for (int64_t c = 0; c < channels; c++) {
        const double *xc = x + c * in_size;
        for (int64_t kk = 0; kk < ksize; kk++) {
            const int32_t *t = tab + kk * p_all + p0;
            double *dst = col + (c * ksize + kk) * tp;
            for (int64_t i = 0; i < tp; i++)
                dst[i] = t[i] >= 0 ? xc[t[i]] : 0.0;
        }
    }
}

/* im2col of a 2-D convolution in float, output rows [oh0, oh0 + rows):
 * whole runs of each input row are copied, the padding zero-filled. */
static void im2col2d_f32(const float *x, const kwin *w, int64_t channels, int64_t oh0, int64_t rows, float *col)
{
    int64_t h = w->in[0], wd = w->in[1], ow = w->out[1], kh = w->kernel[0], kw = w->kernel[1];
    int64_t sh = w->strides[0], sw = w->strides[1], tp = rows * ow;
    for (int64_t c = 0; c < channels; c++) {
        const float *xc = x + c * h * wd;
        for (int64_t i = 0; i < kh; i++) {
            for (int64_t j = 0; j < kw; j++) {
                float *dst = col + ((c * kh + i) * kw + j) * tp;
                int64_t dx = j * w->dilations[1] - w->pads[1]; /* input column of output column 0 */
                /* Output columns reading inside the row: ow_lo <= o < ow_hi. */
                int64_t lo = dx >= 0 ? 0 : ceil_div(-dx, sw), hi = wd - dx <= 0 ? 0 : ceil_div(wd - dx, sw);
                lo = lo < ow ? lo : ow;
                hi = hi < lo ? lo : hi > ow ? ow : hi;
                for (int64_t r = 0; r < rows; r++) {
                    float *d = dst + r * ow;
                    int64_t ih = (oh0 + r) * sh - w->pads[0] + i * w->dilations[0];
                    if (ih < 0 || ih >= h) {
                        memset(d, 0, (size_t)ow * sizeof *d);
                        continue;
                    }
                    const float *xr = xc + ih * wd;
                    memset(d, 0, (size_t)lo * sizeof *d);
                    if (sw == 1 && hi > lo)
                        memcpy(d + lo, xr + lo + dx, (size_t)(hi - lo) * sizeof *d);
                    else
                        for (int64_t o = lo; o < hi; o++)
                            d[o] = xr[o * sw + dx];
                    memset(d + hi, 0, (size_t)(ow - hi) * sizeof *d);
                }
            }
        }
    }
}

/* Output columns per im2col tile: the tile (rows x columns of elem_size)
 * stays within CONV_TILE_BYTES (in cache), but at least CONV_MIN_TILE
 * columns (for the GEMM's sake) and at most all of them. */
static int64_t conv_tile(int64_t rows, int64_t cols, size_t elem_size)
{
    int64_t t = (int64_t)(CONV_TILE_BYTES / elem_size) / (rows > 0 ? rows : 1);
    t = t < CONV_MIN_TILE ? CONV_MIN_TILE : t;
    return t < cols ? t : cols;
}

/* The bias input (M values) of a convolution, or NULL; fails on a shape
 * other than (M). */
static bool conv_bias(ol_kctx *k, size_t i, int64_t maps, const ol_array **b)
{
    *b = ol_k_in(k, i);
    if (*b && !is_floating(*b))
        return ol_k_fail(k, "bias B %s must be a floating-point tensor", ol_k_shape(k, *b));
    return check_vector(k, *b, maps, "bias B", "one per output channel");
}

/* Y (float, N x M x P) += B per channel. */
static void add_bias_f32(float *y, const float *b, int64_t batch, int64_t maps, int64_t size)
{
    for (int64_t n = 0; b && n < batch; n++) {
        for (int64_t m = 0; m < maps; m++) {
            float *row = y + (n * maps + m) * size;
            for (int64_t i = 0; i < size; i++)
                row[i] += b[m];
        }
    }
}

static void add_bias_f64(double *y, const double *b, int64_t batch, int64_t maps, int64_t size)
{
    for (int64_t n = 0; b && n < batch; n++) {
        for (int64_t m = 0; m < maps; m++) {
            double *row = y + (n * maps + m) * size;
            for (int64_t i = 0; i < size; i++)
                row[i] += b[m];
        }
    }
}

/* Fails when the im2col matrix of a convolution would be too large. */
static bool conv_col_fits(ol_kctx *k, int64_t rows, int64_t cols)
{
    if ((uint64_t)rows * (uint64_t)cols > OL_MAX_EVAL_ELEMENTS || rows > INT32_MAX || cols > INT32_MAX)
        return ol_k_fail(k, "the convolution's im2col matrix (%lld x %lld) is too large for the evaluator",
                         (long long)rows, (long long)cols);
    return true;
}

/* Conv in float (float16 and bfloat16 through float): per image, group
 * and tile of output columns, Y_g (M/g x P) = W_g (M/g x C/g*K) . col
 * (C/g*K x tile); a pointwise convolution multiplies the input itself,
 * a 2-D one builds its tiles (whole output rows) without the table. */
static bool conv_f32(ol_kctx *k, const conv_geom *g, const ol_array *x, const ol_array *wt, const ol_array *b,
                     ol_array *y, const int32_t *tab, bool pointwise)
{
    int64_t cg = g->channels / g->group, mg = g->maps / g->group, rows = cg * g->kernel_size, p = g->out_size;
    bool rows2d = !pointwise && !tab; /* the 2-D path */
    int64_t tile = pointwise ? p : conv_tile(rows, p, sizeof(float));
    int64_t ow = rows2d ? g->w.out[1] : 1;
    if (rows2d) /* whole output rows */
        tile = (tile + ow - 1) / ow * ow;
    const float *xv = view_f32(k, x), *wv = view_f32(k, wt), *bv = b ? view_f32(k, b) : NULL;
    float *yv = y->elem_type == ELEM_FLOAT ? y->data : ol_k_alloc(k, y->count * sizeof *yv);
    float *col = pointwise ? NULL : ol_k_alloc(k, count_or_one(rows * tile) * sizeof *col);
    if (!xv || !wv || (b && !bv) || !yv || (!pointwise && !col))
        return false;
    for (int64_t n = 0; n < g->batch && rows > 0; n++) {
        for (int64_t grp = 0; grp < g->group; grp++) {
            const float *src = xv + (n * g->channels + grp * cg) * g->in_size;
            for (int64_t p0 = 0; p0 < p; p0 += tile) {
                int64_t tp = p - p0 < tile ? p - p0 : tile;
                const float *bm = src + p0;
                int64_t ldb = p;
                if (tab)
                    im2col_f32(src, tab, cg, g->in_size, g->kernel_size, p, p0, tp, col);
                else if (rows2d)
                    im2col2d_f32(src, &g->w, cg, p0 / ow, tp / ow, col);
                if (!pointwise) {
                    bm = col;
                    ldb = tp;
                }
                ol_cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)mg, (int)tp, (int)rows, 1.0f,
                            wv + grp * mg * rows, (int)rows, bm, (int)ldb, 0.0f,
                            yv + (n * g->maps + grp * mg) * p + p0, (int)p);
            }
        }
    }
    add_bias_f32(yv, bv, g->batch, g->maps, p);
    for (size_t i = 0; y->elem_type != ELEM_FLOAT && i < y->count; i++)
        ol_array_set_f64(y, i, yv[i]);
    return true;
}

static bool conv_f64(ol_kctx *k, const conv_geom *g, const ol_array *x, const ol_array *wt, const ol_array *b,
                     ol_array *y, const int32_t *tab)
{
    int64_t cg = g->channels / g->group, mg = g->maps / g->group, rows = cg * g->kernel_size, p = g->out_size;
    int64_t tile = tab ? conv_tile(rows, p, sizeof(double)) : p;
    const double *xv = view_f64(k, x), *wv = view_f64(k, wt), *bv = b ? view_f64(k, b) : NULL;
    double *yv = y->data;
    double *col = tab ? ol_k_alloc(k, count_or_one(rows * tile) * sizeof *col) : NULL;
    if (!xv || !wv || (b && !bv) || (tab && !col))
        return false;
    for (int64_t n = 0; n < g->batch && rows > 0; n++) {
        for (int64_t grp = 0; grp < g->group; grp++) {
            const double *src = xv + (n * g->channels + grp * cg) * g->in_size;
            for (int64_t p0 = 0; p0 < p; p0 += tile) {
                int64_t tp = p - p0 < tile ? p - p0 : tile;
                const double *bm = src + p0;
                int64_t ldb = p;
                if (tab) {
                    im2col_f64(src, tab, cg, g->in_size, g->kernel_size, p, p0, tp, col);
                    bm = col;
                    ldb = tp;
                }
                ol_cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)mg, (int)tp, (int)rows, 1.0,
                            wv + grp * mg * rows, (int)rows, bm, (int)ldb, 0.0, yv + (n * g->maps + grp * mg) * p + p0,
                            (int)p);
            }
        }
    }
    add_bias_f64(yv, bv, g->batch, g->maps, p);
    return true;
}

static bool kernel_Conv(ol_kctx *k)
{
    const ol_array *x = float_input(k, 0, "input X"), *wt = x ? float_input(k, 1, "weight W") : NULL, *b;
    conv_geom g;
    if (!wt || !conv_setup(k, x, wt, WIN_DILATIONS | WIN_AUTO_PAD, false, &g) || !conv_bias(k, 2, g.maps, &b))
        return false;
    int64_t dims[OL_MAX_RANK];
    kwin_out_dims(&g.w, g.batch, g.maps, dims);
    ol_array *y = ol_k_out(k, 0, x->elem_type, x->rank, dims);
    if (!y)
        return false;
    if (y->count == 0)
        return true;
    if (!conv_col_fits(k, g.channels / g.group * g.kernel_size, g.out_size))
        return false;
    bool pointwise = conv_is_pointwise(&g), dbl = x->elem_type == ELEM_DOUBLE;
    const int32_t *tab = NULL;
    if (!pointwise && (dbl || g.w.n != 2) && !(tab = window_table(k, &g.w, g.w.out, g.w.in)))
        return false;
    return dbl ? conv_f64(k, &g, x, wt, b, y, tab) : conv_f32(k, &g, x, wt, b, y, tab, pointwise);
}

/* ConvTranspose's output sizes and begin pads: output_shape when given
 * (the total padding split as auto_pad says, SAME_UPPER putting the odd
 * unit at the end), else in * s for SAME (when that is smaller than the
 * full size), else the full size less the pads. */
static bool convtranspose_out(ol_kctx *k, kwin *w)
{
    int n = w->n;
    size_t ns;
    const int64_t *shape = ol_attr_ints(&k->infer, "output_shape", &ns);
    if (shape && ns) {
        if (ns == (size_t)n + 2)
            shape += 2; /* older exporters give (N, C, spatial...) */
        else if (ns != (size_t)n)
            return ol_k_fail(k, "output_shape has %zu values, expected %d for the input's spatial axes", ns, n);
    } else {
        shape = NULL;
    }
    for (int i = 0; i < n; i++) {
        int64_t full = w->strides[i] * (w->in[i] - 1) + w->output_padding[i] + kwin_extent(w, i);
        int64_t total;
        if (shape) {
            if (shape[i] < 0 || shape[i] > MAX_WINDOW_VALUE)
                return ol_k_fail(k, "output_shape[%d] is %lld", i, (long long)shape[i]);
            w->out[i] = shape[i];
            total = full - shape[i];
        } else if (w->auto_pad == PAD_SAME_UPPER || w->auto_pad == PAD_SAME_LOWER) {
            total = full - w->in[i] * w->strides[i];
            w->out[i] = total > 0 ? full - total : full;
        } else if (w->auto_pad == PAD_VALID) {
            total = 0;
            w->out[i] = full;
        } else {
            w->out[i] = full - w->pads[i] - w->pads[n + i];
            if (w->out[i] < 0)
                return ol_k_fail(k, "spatial axis %d: output size %lld after pads", i, (long long)w->out[i]);
            continue; /* pads[i] is the begin pad */
        }
        if (total < 0)
            total = 0; /* a larger output: zeros at the end */
        w->pads[i] = w->auto_pad == PAD_SAME_UPPER ? total / 2 : total - total / 2;
    }
    return true;
}

/* Per image and group: col (M/g*K x Pin) = W_g^T . X_g, then each column
 * entry is added where its kernel position lands in the output. */
static bool convtranspose_run(ol_kctx *k, const conv_geom *g, const ol_array *x, const ol_array *wt,
                              const ol_array *b, ol_array *y, const int32_t *tab)
{
    int64_t cg = g->channels / g->group, mg = g->maps / g->group, ksz = g->kernel_size;
    int64_t pin = g->in_size, pout = g->out_size, rows = mg * ksz;
    bool dbl = x->elem_type == ELEM_DOUBLE;
    const float *xf = dbl ? NULL : view_f32(k, x), *wf = dbl ? NULL : view_f32(k, wt);
    const double *xd = dbl ? view_f64(k, x) : NULL, *wd = dbl ? view_f64(k, wt) : NULL;
    double *yv = scratch_f64(k, y->count);
    size_t col_count = count_or_one(rows * pin);
    float *colf = dbl ? NULL : ol_k_alloc(k, col_count * sizeof *colf);
    double *cold = dbl ? ol_k_alloc(k, col_count * sizeof *cold) : NULL;
    if (!yv || (dbl ? !xd || !wd || !cold : !xf || !wf || !colf))
        return false;
    for (int64_t n = 0; n < g->batch && cg > 0 && rows > 0 && pin > 0; n++) {
        for (int64_t grp = 0; grp < g->group; grp++) {
            int64_t xoff = (n * g->channels + grp * cg) * pin, woff = grp * cg * rows;
            if (dbl)
                ol_cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)rows, (int)pin, (int)cg, 1.0, wd + woff,
                            (int)rows, xd + xoff, (int)pin, 0.0, cold, (int)pin);
            else
                ol_cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)rows, (int)pin, (int)cg, 1.0f, wf + woff,
                            (int)rows, xf + xoff, (int)pin, 0.0f, colf, (int)pin);
            for (int64_t m = 0; m < mg; m++) {
                double *ym = yv + (n * g->maps + grp * mg + m) * pout;
                for (int64_t kk = 0; kk < ksz; kk++) {
                    const int32_t *t = tab + kk * pin;
                    size_t at = (size_t)((m * ksz + kk) * pin);
                    for (int64_t p = 0; p < pin; p++) {
                        if (t[p] >= 0)
                            ym[t[p]] += dbl ? cold[at + (size_t)p] : colf[at + (size_t)p];
                    }
                }
            }
        }
    }
    if (b) {
        const double *bv = view_f64(k, b);
        if (!bv)
            return false;
        add_bias_f64(yv, bv, g->batch, g->maps, pout);
    }
    store_f64(y, yv);
    return true;
}

static bool kernel_ConvTranspose(ol_kctx *k)
{
    const ol_array *x = float_input(k, 0, "input X"), *wt = x ? float_input(k, 1, "weight W") : NULL, *b;
    conv_geom g;
    if (!wt || !conv_setup(k, x, wt, WIN_DILATIONS | WIN_AUTO_PAD | WIN_OUTPUT_PADDING, true, &g) ||
        !conv_bias(k, 2, g.maps, &b) || !convtranspose_out(k, &g.w))
        return false;
    g.out_size = prod_dims(g.w.out, 0, g.w.n);
    int64_t dims[OL_MAX_RANK];
    kwin_out_dims(&g.w, g.batch, g.maps, dims);
    ol_array *y = ol_k_out(k, 0, x->elem_type, x->rank, dims);
    if (!y)
        return false;
    if (y->count == 0)
        return true;
    if (!conv_col_fits(k, g.maps / g.group * g.kernel_size, g.in_size))
        return false;
    const int32_t *tab = window_table(k, &g.w, g.w.in, g.w.out);
    return tab && convtranspose_run(k, &g, x, wt, b, y, tab);
}

/* Multilinear interpolation of a plane (dims, strides; n axes) at loc,
 * points outside read as 0. */
static double interp_linear_zero(const double *plane, const int64_t *dims, const int64_t *strides, int n,
                                 const double *loc)
{
    int64_t base[MAX_INTERP_AXES];
    double frac[MAX_INTERP_AXES];
    for (int i = 0; i < n; i++) {
        double f = floor(loc[i]);
        if (!(f >= -1 && f < (double)dims[i]))
            return 0; /* NaN, or both neighbours outside */
        base[i] = (int64_t)f;
        frac[i] = loc[i] - f;
    }
    double acc = 0;
    for (unsigned corner = 0; corner < (1u << n); corner++) {
        double weight = 1;
        int64_t off = 0;
        bool inside = true;
        for (int i = 0; i < n && inside; i++) {
            unsigned up = (corner >> i) & 1u;
            int64_t c = base[i] + (int64_t)up;
            inside = c >= 0 && c < dims[i];
            weight *= up ? frac[i] : 1 - frac[i];
            off += c * strides[i];
        }
        if (inside)
            acc += weight * plane[off];
    }
    return acc;
}

/* DeformConv (torchvision's deform_conv2d in N-D): each kernel tap reads
 * the input, bilinearly, at its place plus a learnt offset, times the
 * mask; then a convolution of those samples (one GEMM per image, group). */
static bool kernel_DeformConv(ol_kctx *k)
{
    const ol_array *x = float_input(k, 0, "input X"), *wt = x ? float_input(k, 1, "weight W") : NULL;
    const ol_array *off = wt ? float_input(k, 2, "offset") : NULL, *b, *mask = ol_k_in(k, 4);
    conv_geom g;
    if (!off || !conv_setup(k, x, wt, WIN_DILATIONS, false, &g) || !conv_bias(k, 3, g.maps, &b))
        return false;
    int n = g.w.n;
    if (n > MAX_INTERP_AXES)
        return ol_k_fail(k, "input X %s has more than %d spatial axes", ol_k_shape(k, x), MAX_INTERP_AXES);
    int64_t og = ol_attr_int(&k->infer, "offset_group", 1);
    if (og < 1 || g.channels % og != 0)
        return ol_k_fail(k, "offset_group %lld must be positive and divide the %lld input channels", (long long)og,
                         (long long)g.channels);
    int64_t want[OL_MAX_RANK];
    kwin_out_dims(&g.w, g.batch, og * g.kernel_size * n, want);
    if (off->rank != x->rank || memcmp(off->dims, want, (size_t)x->rank * sizeof *want) != 0)
        return ol_k_fail(k, "offset %s must be (N, offset_group x kernel x %d, output spatial...)",
                         ol_k_shape(k, off), n);
    want[1] = og * g.kernel_size;
    if (mask && (!is_floating(mask) || mask->rank != x->rank ||
                 memcmp(mask->dims, want, (size_t)x->rank * sizeof *want) != 0))
        return ol_k_fail(k, "mask %s must be (N, offset_group x kernel, output spatial...)", ol_k_shape(k, mask));
    int64_t dims[OL_MAX_RANK];
    kwin_out_dims(&g.w, g.batch, g.maps, dims);
    ol_array *y = ol_k_out(k, 0, x->elem_type, x->rank, dims);
    if (!y)
        return false;
    if (y->count == 0)
        return true;
    int64_t cg = g.channels / g.group, mg = g.maps / g.group, ksz = g.kernel_size, p = g.out_size;
    int64_t rows = cg * ksz, per_group = g.channels / og;
    if (!conv_col_fits(k, rows, p))
        return false;
    const double *xv = view_f64(k, x), *wv = view_f64(k, wt), *ov = view_f64(k, off);
    const double *mv = mask ? view_f64(k, mask) : NULL, *bv = b ? view_f64(k, b) : NULL;
    double *col = ol_k_alloc(k, count_or_one(rows * p) * sizeof *col), *yv = scratch_f64(k, y->count);
    if (!xv || !wv || !ov || (mask && !mv) || (b && !bv) || !col || !yv)
        return false;
    int64_t in_strides[MAX_SPATIAL];
    ol_strides(g.w.in, n, in_strides);
    for (int64_t img = 0; img < g.batch && rows > 0; img++) {
        for (int64_t grp = 0; grp < g.group; grp++) {
            for (int64_t cl = 0; cl < cg; cl++) {
                int64_t ch = grp * cg + cl, ogi = ch / per_group;
                const double *plane = xv + (img * g.channels + ch) * g.in_size;
                int64_t j[MAX_SPATIAL] = {0};
                for (int64_t kk = 0; kk < ksz; kk++) {
                    const double *offs = ov + ((img * og + ogi) * ksz + kk) * n * p;
                    const double *ms = mv ? mv + ((img * og + ogi) * ksz + kk) * p : NULL;
                    double *dst = col + (cl * ksz + kk) * p;
                    int64_t o[MAX_SPATIAL] = {0};
                    for (int64_t q = 0; q < p; q++) {
                        double loc[MAX_INTERP_AXES];
                        for (int i = 0; i < n; i++)
                            loc[i] = (double)(o[i] * g.w.strides[i] - g.w.pads[i] + j[i] * g.w.dilations[i]) +
                                     offs[i * p + q];
                        double v = interp_linear_zero(plane, g.w.in, in_strides, n, loc);
                        dst[q] = ms ? v * ms[q] : v;
                        for (int a = n - 1; a >= 0 && ++o[a] == g.w.out[a]; a--)
                            o[a] = 0;
                    }
                    for (int a = n - 1; a >= 0 && ++j[a] == g.w.kernel[a]; a--)
                        j[a] = 0;
                }
            }
            ol_cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)mg, (int)p, (int)rows, 1.0,
                        wv + grp * mg * rows, (int)rows, col, (int)p, 0.0, yv + (img * g.maps + grp * mg) * p, (int)p);
        }
    }
    add_bias_f64(yv, bv, g.batch, g.maps, p);
    store_f64(y, yv);
    return true;
}

/* ---- normalization kernels ---- */

/* Output i: a 1-D tensor of v (count values) in elem type. */
static bool out_vector_f64(ol_kctx *k, size_t i, int32_t elem, const double *v, int64_t count)
{
    if (!has_output(k, i))
        return true;
    ol_array *y = ol_k_out(k, i, elem, 1, &count);
    if (!y)
        return false;
    store_f64(y, v);
    return true;
}

/* BatchNormalization: Y = scale * (X - mean) / sqrt(var + epsilon) + B
 * per channel (dim 1; per activation for spatial = 0 before version 9).
 * In training mode (version 14 on) the statistics are the batch's (the
 * population variance) and the running ones are updated with momentum. */
static bool kernel_BatchNormalization(ol_kctx *k)
{
    const ol_array *x = float_input(k, 0, "input X");
    static const char *const names[] = {"scale", "B", "input_mean", "input_var"};
    const ol_array *p[BATCHNORM_PARAMS];
    for (size_t i = 0; x && i < BATCHNORM_PARAMS; i++) {
        if (!(p[i] = float_input(k, i + 1, names[i])))
            return false;
    }
    if (!x)
        return false;
    if (x->rank < 1)
        return ol_k_fail(k, "input X %s must be (N, C, D1, ...)", ol_k_shape(k, x));
    int64_t version = k->infer.version;
    double eps = ol_attr_float(&k->infer, "epsilon", NORM_DEFAULT_EPSILON);
    double momentum = ol_attr_float(&k->infer, "momentum", BATCHNORM_DEFAULT_MOMENTUM);
    bool spatial = version >= BATCHNORM_SPATIAL_UNTIL || ol_attr_int(&k->infer, "spatial", 1) != 0;
    bool training = version >= BATCHNORM_TRAINING_SINCE && ol_attr_int(&k->infer, "training_mode", 0) != 0;
    int64_t c = x->rank > 1 ? x->dims[1] : 1, batch = x->dims[0];
    int64_t inner = prod_dims(x->dims, 2, x->rank);  /* elements per (n, c) */
    int64_t params = spatial ? c : c * inner;          /* values per parameter */
    for (size_t i = 0; i < BATCHNORM_PARAMS; i++) {
        if ((int64_t)p[i]->count != params || (spatial && p[i]->rank != 1))
            return ol_k_fail(k, "%s %s must have %lld values (%s of input X %s)", names[i], ol_k_shape(k, p[i]),
                             (long long)params, spatial ? "the channels" : "the activations", ol_k_shape(k, x));
    }
    int64_t per_param = spatial ? inner : 1; /* consecutive elements sharing a parameter */
    ol_array *y = ol_k_out(k, 0, x->elem_type, x->rank, x->dims);
    if (!y)
        return false;
    if (!training && x->elem_type == ELEM_FLOAT && p[0]->elem_type == ELEM_FLOAT && p[1]->elem_type == ELEM_FLOAT &&
        p[2]->elem_type == ELEM_FLOAT && p[3]->elem_type == ELEM_FLOAT && !has_output(k, 1)) {
        /* The hot path: y = x * a + b per parameter. */
        const float *s = p[0]->data, *bias = p[1]->data, *mean = p[2]->data, *var = p[3]->data, *in = x->data;
        float *out = y->data;
        for (int64_t n = 0; n < batch; n++) {
            for (int64_t q = 0; q < params; q++) {
                float a = (float)(s[q] / sqrt((double)var[q] + eps)), b = bias[q] - mean[q] * a;
                size_t at = (size_t)((n * params + q) * per_param);
                for (int64_t i = 0; i < per_param; i++)
                    out[at + (size_t)i] = in[at + (size_t)i] * a + b;
            }
        }
        return true;
    }
    double *xv = load_f64(k, x), *yv = scratch_f64(k, x->count), *pv[BATCHNORM_PARAMS];
    double *bmean = scratch_f64(k, (size_t)params), *bvar = scratch_f64(k, (size_t)params);
    if (!xv || !yv || !bmean || !bvar)
        return false;
    for (size_t i = 0; i < BATCHNORM_PARAMS; i++) {
        if (!(pv[i] = load_f64(k, p[i])))
            return false;
    }
    /* The batch's statistics (training outputs, and the older saved_*). */
    double count = (double)(batch * per_param);
    for (int64_t n = 0; n < batch; n++)
        for (int64_t q = 0; q < params; q++)
            for (int64_t i = 0; i < per_param; i++)
                bmean[q] += xv[(n * params + q) * per_param + i];
    for (int64_t q = 0; q < params; q++)
        bmean[q] = count > 0 ? bmean[q] / count : 0;
    for (int64_t n = 0; n < batch; n++)
        for (int64_t q = 0; q < params; q++)
            for (int64_t i = 0; i < per_param; i++) {
                double d = xv[(n * params + q) * per_param + i] - bmean[q];
                bvar[q] += d * d;
            }
    for (int64_t q = 0; q < params; q++)
        bvar[q] = count > 0 ? bvar[q] / count : 0;
    const double *mean = training ? bmean : pv[2], *var = training ? bvar : pv[3];
    for (int64_t n = 0; n < batch; n++)
        for (int64_t q = 0; q < params; q++)
            for (int64_t i = 0; i < per_param; i++) {
                size_t at = (size_t)((n * params + q) * per_param + i);
                yv[at] = pv[0][q] * (xv[at] - mean[q]) / sqrt(var[q] + eps) + pv[1][q];
            }
    store_f64(y, yv);
    if (version >= BATCHNORM_TRAINING_SINCE) {
        if (training) {
            for (int64_t q = 0; q < params; q++) {
                bmean[q] = pv[2][q] * momentum + bmean[q] * (1 - momentum);
                bvar[q] = pv[3][q] * momentum + bvar[q] * (1 - momentum);
            }
        }
        return out_vector_f64(k, 1, p[2]->elem_type, training ? bmean : pv[2], params) &&
               out_vector_f64(k, 2, p[3]->elem_type, training ? bvar : pv[3], params);
    }
    /* Before 14: mean and var (the running ones, unchanged in inference),
     * saved_mean and saved_var (the batch's). */
    return out_vector_f64(k, 1, x->elem_type, pv[2], params) && out_vector_f64(k, 2, x->elem_type, pv[3], params) &&
           out_vector_f64(k, 3, x->elem_type, bmean, params) && out_vector_f64(k, 4, x->elem_type, bvar, params);
}

/* Mean and population variance of v[0..n). */
static void mean_var(const double *v, int64_t n, double *mean, double *var)
{
    double s = 0, ss = 0;
    for (int64_t i = 0; i < n; i++)
        s += v[i];
    *mean = n > 0 ? s / (double)n : 0;
    for (int64_t i = 0; i < n; i++)
        ss += (v[i] - *mean) * (v[i] - *mean);
    *var = n > 0 ? ss / (double)n : 0;
}

/* InstanceNormalization: per (n, c), over the spatial axes. */
static bool kernel_InstanceNormalization(ol_kctx *k)
{
    const ol_array *x = float_input(k, 0, "input X"), *s = x ? float_input(k, 1, "scale") : NULL;
    const ol_array *b = s ? float_input(k, 2, "B") : NULL;
    if (!b)
        return false;
    if (x->rank < 2)
        return ol_k_fail(k, "input X %s must be (N, C, D1, ...)", ol_k_shape(k, x));
    int64_t c = x->dims[1], inner = prod_dims(x->dims, 2, x->rank);
    if (!check_vector(k, s, c, "scale", "the input's channels") || !check_vector(k, b, c, "B", "the input's channels"))
        return false;
    double eps = ol_attr_float(&k->infer, "epsilon", NORM_DEFAULT_EPSILON);
    double *xv = load_f64(k, x), *sv = load_f64(k, s), *bv = load_f64(k, b);
    if (!xv || !sv || !bv)
        return false;
    for (int64_t pl = 0; pl < x->dims[0] * c; pl++) {
        double *v = xv + pl * inner, mean, var;
        mean_var(v, inner, &mean, &var);
        double a = sv[pl % c] / sqrt(var + eps);
        for (int64_t i = 0; i < inner; i++)
            v[i] = (v[i] - mean) * a + bv[pl % c];
    }
    return out_like_f64(k, 0, x, xv);
}

/* Index into a parameter p (which broadcasts to x, numpy rules) of x's
 * element i: p's count is 1, the trailing block `block`, or anything
 * broadcastable. */
static size_t param_index(const ol_array *p, const ol_array *x, size_t i, size_t block)
{
    if (p->count == 1)
        return 0;
    if (block && p->count == block)
        return i % block;
    return ol_broadcast_offset(p, x->dims, x->rank, i);
}

/* Fails unless p broadcasts to x (numpy rules, aligned right). */
static bool check_broadcasts_to(ol_kctx *k, const ol_array *p, const ol_array *x, const char *what)
{
    bool ok = p->rank <= x->rank;
    for (int i = 0; ok && i < p->rank; i++) {
        int64_t a = p->dims[p->rank - 1 - i];
        ok = a == 1 || a == x->dims[x->rank - 1 - i];
    }
    return ok || ol_k_fail(k, "%s %s does not broadcast to input X %s", what, ol_k_shape(k, p), ol_k_shape(k, x));
}

/* True when p's dims are x's from axis on (a trailing block). */
static bool is_trailing_block(const ol_array *p, const ol_array *x, int axis)
{
    if (p->rank != x->rank - axis)
        return false;
    return memcmp(p->dims, x->dims + axis, (size_t)p->rank * sizeof *p->dims) == 0;
}

/* LayerNormalization: each row of X (the dims before axis) is normalized
 * over the dims from axis on; Mean and InvStdDev keep X's dims before axis
 * and 1 after, in stash_type. */
static bool kernel_LayerNormalization(ol_kctx *k)
{
    const ol_array *x = float_input(k, 0, "input X"), *s = x ? float_input(k, 1, "Scale") : NULL;
    const ol_array *b = ol_k_in(k, 2);
    if (!s)
        return false;
    int64_t a = ol_attr_int(&k->infer, "axis", -1);
    if (a < -x->rank || a > x->rank)
        return ol_k_fail(k, "axis %lld is out of range for input X %s", (long long)a, ol_k_shape(k, x));
    int axis = (int)(a < 0 ? a + x->rank : a);
    int32_t stash = (int32_t)ol_attr_int(&k->infer, "stash_type", ELEM_FLOAT);
    if (!ol_elem_is_floating(stash))
        return ol_k_fail(k, "stash_type %d is not a floating-point type", (int)stash);
    if (!check_broadcasts_to(k, s, x, "Scale") || (b && !check_broadcasts_to(k, b, x, "B")))
        return false;
    double eps = ol_attr_float(&k->infer, "epsilon", NORM_DEFAULT_EPSILON);
    int64_t rows = prod_dims(x->dims, 0, axis), cols = prod_dims(x->dims, axis, x->rank);
    double *xv = load_f64(k, x), *sv = load_f64(k, s), *bv = b ? load_f64(k, b) : NULL;
    double *means = scratch_f64(k, (size_t)rows), *inv = scratch_f64(k, (size_t)rows);
    if (!xv || !sv || (b && !bv) || !means || !inv)
        return false;
    size_t sblock = is_trailing_block(s, x, axis) ? (size_t)cols : 0;
    size_t bblock = b && is_trailing_block(b, x, axis) ? (size_t)cols : 0;
    for (int64_t r = 0; r < rows; r++) {
        double *v = xv + r * cols, var;
        mean_var(v, cols, &means[r], &var);
        inv[r] = 1.0 / sqrt(var + eps);
        for (int64_t i = 0; i < cols; i++) {
            size_t at = (size_t)(r * cols + i);
            double yv = (v[i] - means[r]) * inv[r] * sv[param_index(s, x, at, sblock)];
            v[i] = b ? yv + bv[param_index(b, x, at, bblock)] : yv;
        }
    }
    if (!out_like_f64(k, 0, x, xv))
        return false;
    int64_t dims[OL_MAX_RANK];
    for (int i = 0; i < x->rank; i++)
        dims[i] = i < axis ? x->dims[i] : 1;
    const double *stats[2] = {means, inv};
    for (size_t i = 1; i <= 2; i++) {
        if (!has_output(k, i))
            continue;
        ol_array *o = ol_k_out(k, i, stash, x->rank, dims);
        if (!o)
            return false;
        store_f64(o, stats[i - 1]);
    }
    return true;
}

/* RMSNormalization: each row of X (the dims before axis) divided by the
 * root of its mean square plus epsilon, times scale (broadcast to X). */
static bool kernel_RMSNormalization(ol_kctx *k)
{
    const ol_array *x = float_input(k, 0, "input X"), *s = x ? float_input(k, 1, "scale") : NULL;
    if (!s)
        return false;
    int64_t a = ol_attr_int(&k->infer, "axis", -1);
    if (a < -x->rank || a >= x->rank)
        return ol_k_fail(k, "axis %lld is out of range for input X %s", (long long)a, ol_k_shape(k, x));
    int axis = (int)(a < 0 ? a + x->rank : a);
    if (!check_broadcasts_to(k, s, x, "scale"))
        return false;
    double eps = ol_attr_float(&k->infer, "epsilon", NORM_DEFAULT_EPSILON);
    int64_t rows = prod_dims(x->dims, 0, axis), cols = prod_dims(x->dims, axis, x->rank);
    double *xv = load_f64(k, x), *sv = load_f64(k, s);
    if (!xv || !sv)
        return false;
    size_t sblock = is_trailing_block(s, x, axis) ? (size_t)cols : 0;
    for (int64_t r = 0; r < rows; r++) {
        double *v = xv + r * cols, squares = 0;
        for (int64_t i = 0; i < cols; i++)
            squares += v[i] * v[i];
        double inv = 1.0 / sqrt(squares / (double)(cols ? cols : 1) + eps);
        for (int64_t i = 0; i < cols; i++)
            v[i] = v[i] * inv * sv[param_index(s, x, (size_t)(r * cols + i), sblock)];
    }
    return out_like_f64(k, 0, x, xv);
}

/* GroupNormalization: channels in num_groups groups, each normalized over
 * its channels and spatial axes; scale and bias per group (18) or per
 * channel (21). */
static bool kernel_GroupNormalization(ol_kctx *k)
{
    const ol_array *x = float_input(k, 0, "input X"), *s = x ? float_input(k, 1, "scale") : NULL;
    const ol_array *b = s ? float_input(k, 2, "bias") : NULL;
    if (!b)
        return false;
    if (x->rank < 2)
        return ol_k_fail(k, "input X %s must be (N, C, D1, ...)", ol_k_shape(k, x));
    int64_t groups = ol_attr_int(&k->infer, "num_groups", 0), c = x->dims[1];
    if (groups < 1 || c % groups != 0)
        return ol_k_fail(k, "num_groups %lld must be positive and divide the %lld channels of input X %s",
                         (long long)groups, (long long)c, ol_k_shape(k, x));
    bool per_channel = k->infer.version >= GROUPNORM_PER_CHANNEL_SINCE;
    int64_t want = per_channel ? c : groups;
    const char *against = per_channel ? "one per channel" : "one per group";
    if (!check_vector(k, s, want, "scale", against) || !check_vector(k, b, want, "bias", against))
        return false;
    double eps = ol_attr_float(&k->infer, "epsilon", NORM_DEFAULT_EPSILON);
    int64_t inner = prod_dims(x->dims, 2, x->rank), per_group = c / groups * inner;
    double *xv = load_f64(k, x), *sv = load_f64(k, s), *bv = load_f64(k, b);
    if (!xv || !sv || !bv)
        return false;
    for (int64_t gi = 0; gi < x->dims[0] * groups; gi++) {
        double *v = xv + gi * per_group, mean, var;
        mean_var(v, per_group, &mean, &var);
        double inv = 1.0 / sqrt(var + eps);
        for (int64_t i = 0; i < per_group; i++) {
            int64_t q = per_channel ? (gi % groups) * (c / groups) + i / inner : gi % groups;
            v[i] = (v[i] - mean) * inv * sv[q] + bv[q];
        }
    }
    return out_like_f64(k, 0, x, xv);
}

/* LpNormalization: X divided by its L1 or L2 norm along axis (0 where the
 * norm is 0). */
static bool kernel_LpNormalization(ol_kctx *k)
{
    const ol_array *x = float_input(k, 0, "input X");
    if (!x)
        return false;
    int64_t a = ol_attr_int(&k->infer, "axis", -1), pp = ol_attr_int(&k->infer, "p", LP_DEFAULT_P);
    if (x->rank < 1 || a < -x->rank || a >= x->rank)
        return ol_k_fail(k, "axis %lld is out of range for input X %s", (long long)a, ol_k_shape(k, x));
    if (pp != 1 && pp != 2)
        return ol_k_fail(k, "p is %lld, must be 1 or 2", (long long)pp);
    int axis = (int)(a < 0 ? a + x->rank : a);
    int64_t outer = prod_dims(x->dims, 0, axis), len = x->dims[axis], inner = prod_dims(x->dims, axis + 1, x->rank);
    double *xv = load_f64(k, x);
    if (!xv)
        return false;
    for (int64_t o = 0; o < outer; o++) {
        for (int64_t i = 0; i < inner; i++) {
            double *v = xv + o * len * inner + i, norm = 0;
            for (int64_t j = 0; j < len; j++)
                norm += pp == 1 ? fabs(v[j * inner]) : v[j * inner] * v[j * inner];
            if (pp == 2)
                norm = sqrt(norm);
            for (int64_t j = 0; j < len; j++) /* a zero norm gives 0, as the reference */
                v[j * inner] = norm == 0 ? 0 : v[j * inner] / norm;
        }
    }
    return out_like_f64(k, 0, x, xv);
}

/* LRN: X / (bias + alpha / size * sum of squares over the channels
 * [c - floor((size-1)/2), c + ceil((size-1)/2)])^beta. */
static bool kernel_LRN(ol_kctx *k)
{
    const ol_array *x = float_input(k, 0, "input X");
    if (!x)
        return false;
    if (x->rank < 2)
        return ol_k_fail(k, "input X %s must be (N, C, D1, ...)", ol_k_shape(k, x));
    int64_t size = ol_attr_int(&k->infer, "size", 0);
    if (size < 1)
        return ol_k_fail(k, "size is %lld, must be at least 1", (long long)size);
    double alpha = ol_attr_float(&k->infer, "alpha", LRN_DEFAULT_ALPHA);
    double beta = ol_attr_float(&k->infer, "beta", LRN_DEFAULT_BETA);
    double bias = ol_attr_float(&k->infer, "bias", LRN_DEFAULT_BIAS);
    int64_t c = x->dims[1], inner = prod_dims(x->dims, 2, x->rank), before = (size - 1) / 2, after = size - 1 - before;
    double *xv = load_f64(k, x), *yv = scratch_f64(k, x->count);
    if (!xv || !yv)
        return false;
    for (int64_t n = 0; n < x->dims[0]; n++) {
        for (int64_t ch = 0; ch < c; ch++) {
            int64_t lo = ch - before < 0 ? 0 : ch - before, hi = ch + after >= c ? c - 1 : ch + after;
            for (int64_t i = 0; i < inner; i++) {
                double sum = 0;
                for (int64_t j = lo; j <= hi; j++) {
                    double v = xv[(n * c + j) * inner + i];
                    sum += v * v;
                }
                size_t at = (size_t)((n * c + ch) * inner + i);
                yv[at] = xv[at] / pow(bias + alpha / (double)size * sum, beta);
            }
        }
    }
    return out_like_f64(k, 0, x, yv);
}

/* MeanVarianceNormalization: (X - mean) / (std + 1e-9) over axes
 * (default 0, 2, 3), std from E[X^2] - E[X]^2 as the reference. */
static bool kernel_MeanVarianceNormalization(ol_kctx *k)
{
    const ol_array *x = float_input(k, 0, "input X");
    if (!x)
        return false;
    static const int64_t default_axes[] = {0, 2, 3};
    size_t n_axes;
    const int64_t *axes = ol_attr_ints(&k->infer, "axes", &n_axes);
    if (!axes) {
        axes = default_axes;
        n_axes = sizeof default_axes / sizeof *default_axes;
    }
    bool reduced[OL_MAX_RANK] = {false};
    for (size_t i = 0; i < n_axes; i++) {
        if (axes[i] < -x->rank || axes[i] >= x->rank)
            return ol_k_fail(k, "axes value %lld is out of range for input X %s", (long long)axes[i],
                             ol_k_shape(k, x));
        reduced[axes[i] < 0 ? axes[i] + x->rank : axes[i]] = true;
    }
    /* Each element's group: its index over the kept axes. */
    int64_t groups = 1;
    for (int i = 0; i < x->rank; i++)
        groups *= reduced[i] ? 1 : x->dims[i];
    double *xv = load_f64(k, x), *sum = scratch_f64(k, (size_t)groups), *sq = scratch_f64(k, (size_t)groups);
    int64_t *group = ol_k_alloc(k, (x->count ? x->count : 1) * sizeof *group);
    if (!xv || !sum || !sq || !group)
        return false;
    int64_t idx[OL_MAX_RANK] = {0};
    for (size_t e = 0; e < x->count; e++) {
        int64_t gi = 0;
        for (int i = 0; i < x->rank; i++)
            gi = reduced[i] ? gi : gi * x->dims[i] + idx[i];
        group[e] = gi;
        sum[gi] += xv[e];
        sq[gi] += xv[e] * xv[e];
        for (int a = x->rank - 1; a >= 0 && ++idx[a] == x->dims[a]; a--)
            idx[a] = 0;
    }
    double per_group = groups ? (double)x->count / (double)groups : 1;
    for (int64_t gi = 0; gi < groups; gi++) {
        sum[gi] /= per_group;
        double var = sq[gi] / per_group - sum[gi] * sum[gi];
        sq[gi] = sqrt(var > 0 ? var : 0) + MVN_EPSILON;
    }
    for (size_t e = 0; e < x->count; e++)
        xv[e] = (xv[e] - sum[group[e]]) / sq[group[e]];
    return out_like_f64(k, 0, x, xv);
}

/* ---- Dropout ---- */

/* MT19937, as numpy's legacy RandomState seeds and draws it, so that a
 * training-mode Dropout reproduces the reference's mask for a seed. */
#define MT_STATE 624
#define MT_SHIFT 397
#define MT_MATRIX_A 0x9908b0dfu
#define MT_UPPER_MASK 0x80000000u
#define MT_LOWER_MASK 0x7fffffffu
#define MT_SEED_MULT 1812433253u
#define MT_TEMPER_B 0x9d2c5680u
#define MT_TEMPER_C 0xefc60000u
/* genrand_res53: 27 + 26 random bits into [0, 1). */
#define MT_RES53_HIGH 67108864.0
#define MT_RES53_SCALE 9007199254740992.0

typedef struct mt19937 {
    uint32_t s[MT_STATE];
    int i;
} mt19937;

static void mt_seed(mt19937 *m, uint32_t seed)
{
    m->s[0] = seed;
    for (int i = 1; i < MT_STATE; i++)
        m->s[i] = MT_SEED_MULT * (m->s[i - 1] ^ (m->s[i - 1] >> 30)) + (uint32_t)i;
    m->i = MT_STATE;
}

static uint32_t mt_next(mt19937 *m)
{
    if (m->i >= MT_STATE) {
        for (int i = 0; i < MT_STATE; i++) {
            uint32_t y = (m->s[i] & MT_UPPER_MASK) | (m->s[(i + 1) % MT_STATE] & MT_LOWER_MASK);
            m->s[i] = m->s[(i + MT_SHIFT) % MT_STATE] ^ (y >> 1) ^ ((y & 1u) ? MT_MATRIX_A : 0u);
        }
        m->i = 0;
    }
    uint32_t y = m->s[m->i++];
    y ^= y >> 11;
    y ^= (y << 7) & MT_TEMPER_B;
    y ^= (y << 15) & MT_TEMPER_C;
    y ^= y >> 18;
    return y;
}

static double mt_uniform(mt19937 *m)
{
    uint32_t a = mt_next(m) >> 5, b = mt_next(m) >> 6;
    return ((double)a * MT_RES53_HIGH + (double)b) / MT_RES53_SCALE;
}

/* Dropout: identity with an all-true mask in inference (always before
 * version 12; from 12 unless the training_mode input is true and ratio is
 * positive).  In training mode an element is kept when a uniform draw of
 * MT19937 (seeded by the seed attribute, 0 when absent, as the reference)
 * is >= ratio, and scaled by 1 / (1 - ratio). */
static bool kernel_Dropout(ol_kctx *k)
{
    const ol_array *x = float_input(k, 0, "input data");
    if (!x)
        return false;
    double ratio = DROPOUT_DEFAULT_RATIO;
    bool training = false;
    if (k->infer.version >= DROPOUT_INPUTS_SINCE) {
        const ol_array *r = ol_k_in(k, 1), *t = ol_k_in(k, 2);
        if (r && (r->count != 1 || !is_floating(r)))
            return ol_k_fail(k, "ratio %s must be a floating-point scalar", ol_k_shape(k, r));
        if (t && t->count != 1)
            return ol_k_fail(k, "training_mode %s must be a scalar", ol_k_shape(k, t));
        ratio = r ? ol_array_get_f64(r, 0) : ratio;
        training = t && ol_array_get_i64(t, 0) != 0;
    }
    bool drop = training && ratio != 0;
    if (drop && !(ratio > 0 && ratio < 1))
        return ol_k_fail(k, "ratio is %g, must be in [0, 1)", ratio);
    int32_t mask_elem = k->infer.version >= DROPOUT_BOOL_MASK_SINCE ? ELEM_BOOL : x->elem_type;
    ol_array *mask = NULL;
    if (has_output(k, 1) && !(mask = ol_k_out(k, 1, mask_elem, x->rank, x->dims)))
        return false;
    if (!drop) {
        for (size_t i = 0; mask && i < mask->count; i++)
            ol_array_set_i64(mask, i, 1);
        return ol_k_copy(k, 0, 0);
    }
    double *xv = load_f64(k, x);
    if (!xv)
        return false;
    mt19937 *mt = ol_k_alloc(k, sizeof *mt);
    if (!mt)
        return false;
    mt_seed(mt, (uint32_t)ol_attr_int(&k->infer, "seed", 0));
    double scale = 1.0 / (1.0 - ratio);
    for (size_t i = 0; i < x->count; i++) {
        bool keep = mt_uniform(mt) >= ratio;
        xv[i] = keep ? xv[i] * scale : 0;
        if (mask)
            ol_array_set_i64(mask, i, keep);
    }
    return out_like_f64(k, 0, x, xv);
}

/* ---- region and resampling kernels ---- */

/* Most bilinear samples RoiAlign takes in one node (rois x channels x
 * bins x samples per bin): past it a crafted region would run for hours. */
#define MAX_ROI_SAMPLES ((uint64_t)1 << 32)

/* One bilinear sample of RoiAlign: four plane offsets and weights. */
typedef struct roi_sample {
    int64_t pos[BILINEAR_POINTS];
    double w[BILINEAR_POINTS];
} roi_sample;

/* The sample at (yy, xx) of an h x w plane, as onnxruntime computes it:
 * outside [-1, size] it reads nothing; coordinates clamp at 0 and at the
 * last row / column. */
static roi_sample roi_bilinear(double yy, double xx, int64_t h, int64_t w)
{
    roi_sample s;
    memset(&s, 0, sizeof s);
    if (!(yy >= -1.0 && yy <= (double)h && xx >= -1.0 && xx <= (double)w) || h == 0 || w == 0)
        return s;
    yy = yy <= 0 ? 0 : yy;
    xx = xx <= 0 ? 0 : xx;
    int64_t y0 = (int64_t)yy, x0 = (int64_t)xx, y1, x1;
    if (y0 >= h - 1) {
        y0 = y1 = h - 1;
        yy = (double)y0;
    } else {
        y1 = y0 + 1;
    }
    if (x0 >= w - 1) {
        x0 = x1 = w - 1;
        xx = (double)x0;
    } else {
        x1 = x0 + 1;
    }
    double ly = yy - (double)y0, lx = xx - (double)x0, hy = 1 - ly, hx = 1 - lx;
    s.pos[0] = y0 * w + x0;
    s.pos[1] = y0 * w + x1;
    s.pos[2] = y1 * w + x0;
    s.pos[3] = y1 * w + x1;
    s.w[0] = hy * hx;
    s.w[1] = hy * lx;
    s.w[2] = ly * hx;
    s.w[3] = ly * lx;
    return s;
}

/* RoiAlign: each region (rois (x1, y1, x2, y2) x spatial_scale, shifted
 * half a pixel in half_pixel mode) is cut into output_height x
 * output_width bins, each the average (or onnxruntime's max) of
 * sampling_ratio^2 bilinear samples (ceil(bin size) when 0). */
static bool kernel_RoiAlign(ol_kctx *k)
{
    const ol_array *x = float_input(k, 0, "input X"), *rois = x ? float_input(k, 1, "rois") : NULL;
    const ol_array *bi = ol_k_in(k, 2);
    if (!rois)
        return false;
    if (!bi || !ol_elem_is_integral(bi->elem_type))
        return ol_k_fail(k, "batch_indices must be an integer tensor");
    if (x->rank != 2 + ROI_POOL_SPATIAL)
        return ol_k_fail(k, "input X %s must be (N, C, H, W)", ol_k_shape(k, x));
    if (rois->rank != 2 || rois->dims[1] != ROIALIGN_BOX_VALUES)
        return ol_k_fail(k, "rois %s must be (num_rois, %d)", ol_k_shape(k, rois), ROIALIGN_BOX_VALUES);
    if (!check_vector(k, bi, rois->dims[0], "batch_indices", "one per region of rois"))
        return false;
    const char *mode = ol_attr_string(&k->infer, "mode", "avg");
    bool max_mode = strcmp(mode, "max") == 0;
    if (!max_mode && strcmp(mode, "avg") != 0)
        return ol_k_fail(k, "mode '%s' is not avg or max", mode);
    bool half_pixel = false;
    if (k->infer.version >= ROIALIGN_COORD_MODE_SINCE) {
        const char *ct = ol_attr_string(&k->infer, "coordinate_transformation_mode", "half_pixel");
        half_pixel = strcmp(ct, "half_pixel") == 0;
        if (!half_pixel && strcmp(ct, "output_half_pixel") != 0)
            return ol_k_fail(k, "coordinate_transformation_mode '%s' is not half_pixel or output_half_pixel", ct);
    }
    int64_t oh = ol_attr_int(&k->infer, "output_height", 1), ow = ol_attr_int(&k->infer, "output_width", 1);
    int64_t ratio = ol_attr_int(&k->infer, "sampling_ratio", 0);
    if (oh < 1 || ow < 1 || oh > MAX_WINDOW_VALUE || ow > MAX_WINDOW_VALUE || ratio < 0 ||
        ratio > MAX_WINDOW_VALUE)
        return ol_k_fail(k, "output_height %lld, output_width %lld must be positive, sampling_ratio %lld not "
                            "negative",
                         (long long)oh, (long long)ow, (long long)ratio);
    double scale = ol_attr_float(&k->infer, "spatial_scale", 1.0f), offset = half_pixel ? HALF_PIXEL : 0;
    int64_t n_rois = rois->dims[0], c = x->dims[1], h = x->dims[2], w = x->dims[3];
    int64_t dims[] = {n_rois, c, oh, ow};
    ol_array *y = ol_k_out(k, 0, x->elem_type, 2 + ROI_POOL_SPATIAL, dims);
    double *xv = y ? load_f64(k, x) : NULL, *rv = y ? load_f64(k, rois) : NULL;
    double *yv = y ? scratch_f64(k, y->count) : NULL;
    if (!xv || !rv || !yv)
        return false;
    uint64_t budget = MAX_ROI_SAMPLES;
    for (int64_t r = 0; r < n_rois; r++) {
        int64_t b = ol_array_get_i64(bi, (size_t)r);
        if (b < 0 || b >= x->dims[0])
            return ol_k_fail(k, "batch_indices[%lld] is %lld, input X %s has %lld images", (long long)r,
                             (long long)b, ol_k_shape(k, x), (long long)x->dims[0]);
        const double *roi = rv + r * ROIALIGN_BOX_VALUES;
        for (int i = 0; i < ROIALIGN_BOX_VALUES; i++) {
            if (!isfinite(roi[i]))
                return ol_k_fail(k, "region %lld has coordinate %g", (long long)r, roi[i]);
        }
        double sw = roi[0] * scale - offset, sh = roi[1] * scale - offset;
        double rw = roi[2] * scale - offset - sw, rh = roi[3] * scale - offset - sh;
        if (!half_pixel) {
            rw = rw > 1 ? rw : 1;
            rh = rh > 1 ? rh : 1;
        }
        double bh = rh / (double)oh, bw = rw / (double)ow;
        double gh_f = ratio > 0 ? (double)ratio : ceil(rh / (double)oh);
        double gw_f = ratio > 0 ? (double)ratio : ceil(rw / (double)ow);
        if (!(gh_f >= 0 && gw_f >= 0) || gh_f * gw_f * (double)(oh * ow * (c ? c : 1)) > (double)budget)
            return ol_k_fail(k, "region %lld (%g, %g, %g, %g) needs more samples than the evaluator takes",
                             (long long)r, roi[0], roi[1], roi[2], roi[3]);
        int64_t gh = (int64_t)gh_f, gw = (int64_t)gw_f, count = gh * gw > 1 ? gh * gw : 1;
        budget -= (uint64_t)(gh * gw * oh * ow * (c ? c : 1));
        for (int64_t ph = 0; ph < oh; ph++) {
            for (int64_t pw = 0; pw < ow; pw++) {
                for (int64_t ch = 0; ch < c; ch++) {
                    const double *plane = xv + (b * c + ch) * h * w;
                    double acc = 0;
                    bool first = true;
                    for (int64_t iy = 0; iy < gh; iy++) {
                        double yy = sh + (double)ph * bh + ((double)iy + HALF_PIXEL) * bh / (double)gh;
                        for (int64_t ix = 0; ix < gw; ix++) {
                            double xx = sw + (double)pw * bw + ((double)ix + HALF_PIXEL) * bw / (double)gw;
                            roi_sample s = roi_bilinear(yy, xx, h, w);
                            if (!max_mode) {
                                for (int t = 0; t < BILINEAR_POINTS; t++)
                                    acc += s.w[t] * plane[s.pos[t]];
                                continue;
                            }
                            double v = s.w[0] * plane[s.pos[0]];
                            for (int t = 1; t < BILINEAR_POINTS; t++)
                                v = fmax(v, s.w[t] * plane[s.pos[t]]);
                            acc = first ? v : fmax(acc, v);
                            first = false;
                        }
                    }
                    yv[((r * c + ch) * oh + ph) * ow + pw] = max_mode ? acc : acc / (double)count;
                }
            }
        }
    }
    store_f64(y, yv);
    return true;
}

/* GridSample's nearest mode rounds halves away from zero with 3 spatial
 * axes (PyTorch's 3-D std::round), to even otherwise (nearbyint). */
#define GRIDSAMPLE_ROUND_AWAY_AXES 3

typedef enum gs_mode { GS_LINEAR, GS_NEAREST, GS_CUBIC } gs_mode;
typedef enum gs_padding { GS_ZEROS, GS_BORDER, GS_REFLECTION } gs_padding;

/* Reflects x into [lo, hi] by its nearest border until it is inside. */
static double gs_reflect(double x, double lo, double hi)
{
    double range = hi - lo;
    if (!(range > 0))
        return lo;
    if (x < lo || x > hi) {
        double dx = x < lo ? lo - x : x - hi;
        double turns = floor(dx / range), r = dx - turns * range;
        bool even = fmod(turns, 2) == 0;
        if (x < lo)
            return even ? lo + r : hi - r;
        return even ? hi - r : lo + r;
    }
    return x;
}

/* Keys' cubic coefficients of the four points around t in [0, 1). */
static void gs_cubic_coeffs(double t, double *c)
{
    const double a = CUBIC_ALPHA;
    double t1 = t + 1, t2 = 1 - t, t3 = 2 - t;
    c[0] = ((a * t1 - 5 * a) * t1 + 8 * a) * t1 - 4 * a;
    c[1] = ((a + 2) * t - (a + 3)) * t * t + 1;
    c[2] = ((a + 2) * t2 - (a + 3)) * t2 * t2 + 1;
    c[3] = ((a * t3 - 5 * a) * t3 + 8 * a) * t3 - 4 * a;
}

/* The index read for point i of an axis of `size` (borders lo, hi), or
 * -1 when it reads 0 (zeros padding outside). */
static int64_t gs_tap(int64_t i, int64_t size, gs_padding pad, double lo, double hi)
{
    if (pad == GS_ZEROS)
        return i >= 0 && i < size ? i : -1;
    if (pad == GS_REFLECTION)
        i = (int64_t)gs_reflect((double)i, lo, hi);
    return i < 0 ? 0 : i >= size ? size - 1 : i;
}

/* GridSample (N-D from version 20): Y[n, c, o...] samples X[n, c] at the
 * grid's normalized coordinates (last axis first), as the reference:
 * denormalize, round (nearest), bring a point outside the borders back
 * (border: clamp, reflection: reflect), then interpolate with each tap
 * padded. */
static bool kernel_GridSample(ol_kctx *k)
{
    const ol_array *x = float_input(k, 0, "input X"), *grid = x ? float_input(k, 1, "grid") : NULL;
    if (!grid)
        return false;
    int r = x->rank - 2;
    if (r < 1 || r > MAX_INTERP_AXES || (k->infer.version < GRIDSAMPLE_ND_SINCE && x->rank != GRIDSAMPLE_2D_RANK))
        return ol_k_fail(k, "input X %s must be (N, C, H, W)%s", ol_k_shape(k, x),
                         k->infer.version < GRIDSAMPLE_ND_SINCE ? "" : " or have 1 to 6 spatial axes");
    if (grid->rank != x->rank || grid->dims[0] != x->dims[0] || grid->dims[x->rank - 1] != r)
        return ol_k_fail(k, "grid %s must be (N, out spatial..., %d) for input X %s", ol_k_shape(k, grid), r,
                         ol_k_shape(k, x));
    const char *ms = ol_attr_string(&k->infer, "mode", "linear"), *ps = ol_attr_string(&k->infer, "padding_mode", "zeros");
    gs_mode mode;
    gs_padding pad;
    if (strcmp(ms, "linear") == 0 || strcmp(ms, "bilinear") == 0)
        mode = GS_LINEAR;
    else if (strcmp(ms, "nearest") == 0)
        mode = GS_NEAREST;
    else if (strcmp(ms, "cubic") == 0 || strcmp(ms, "bicubic") == 0)
        mode = GS_CUBIC;
    else
        return ol_k_fail(k, "mode '%s' is not linear, nearest or cubic", ms);
    if (strcmp(ps, "zeros") == 0)
        pad = GS_ZEROS;
    else if (strcmp(ps, "border") == 0)
        pad = GS_BORDER;
    else if (strcmp(ps, "reflection") == 0)
        pad = GS_REFLECTION;
    else
        return ol_k_fail(k, "padding_mode '%s' is not zeros, border or reflection", ps);
    bool align = ol_attr_int(&k->infer, "align_corners", 0) != 0;
    int64_t dims[OL_MAX_RANK];
    dims[0] = x->dims[0];
    dims[1] = x->dims[1];
    for (int i = 0; i < r; i++)
        dims[2 + i] = grid->dims[1 + i];
    ol_array *y = ol_k_out(k, 0, x->elem_type, x->rank, dims);
    int taps = mode == GS_NEAREST ? 1 : mode == GS_LINEAR ? 2 : CUBIC_POINTS, combos = 1;
    for (int i = 0; i < r; i++)
        combos *= taps;
    double *xv = y ? load_f64(k, x) : NULL, *yv = y ? scratch_f64(k, y->count) : NULL;
    double *cw = y ? scratch_f64(k, (size_t)combos) : NULL;
    int64_t *coff = y ? ol_k_alloc(k, (size_t)combos * sizeof *coff) : NULL;
    if (!xv || !yv || !cw || !coff)
        return false;
    int64_t c = x->dims[1], in_size = prod_dims(x->dims, 2, x->rank), out_size = prod_dims(dims, 2, x->rank);
    int64_t in_strides[MAX_INTERP_AXES];
    ol_strides(x->dims + 2, r, in_strides);
    for (int64_t n = 0; n < x->dims[0]; n++) {
        for (int64_t q = 0; q < out_size; q++) {
            int64_t tap_at[MAX_INTERP_AXES][CUBIC_POINTS];
            double tap_w[MAX_INTERP_AXES][CUBIC_POINTS];
            for (int i = 0; i < r; i++) {
                int64_t size = x->dims[2 + i];
                float g = (float)ol_array_get_f64(grid, (size_t)((n * out_size + q) * r + (r - 1 - i)));
                double v = align ? (double)((g + 1) / 2.0f * (float)(size - 1))
                                 : (double)(((g + 1) * (float)size - 1) / 2.0f);
                double lo = align ? 0 : -HALF_PIXEL, hi = align ? (double)size - 1 : (double)size - HALF_PIXEL;
                if (mode == GS_NEAREST) /* as PyTorch: half to even in 2-D, away from zero in 3-D */
                    v = r == GRIDSAMPLE_ROUND_AWAY_AXES ? round(v) : rint(v);
                if (v < lo || v > hi) {
                    if (pad == GS_BORDER)
                        v = v < 0 ? 0 : v > (double)size - 1 ? (double)size - 1 : v;
                    else if (pad == GS_REFLECTION)
                        v = gs_reflect(v, lo, hi);
                }
                if (!isfinite(v) || fabs(v) > (double)MAX_WINDOW_VALUE) {
                    for (int t = 0; t < CUBIC_POINTS; t++) {
                        tap_at[i][t] = -1;
                        tap_w[i][t] = 0;
                    }
                    continue;
                }
                double f = mode == GS_NEAREST ? trunc(v) : floor(v), coeffs[CUBIC_POINTS];
                int64_t first = (int64_t)f - (mode == GS_CUBIC ? 1 : 0);
                if (mode == GS_NEAREST)
                    coeffs[0] = 1;
                else if (mode == GS_LINEAR) {
                    coeffs[0] = 1 - (v - f);
                    coeffs[1] = v - f;
                } else {
                    gs_cubic_coeffs(v - f, coeffs);
                }
                for (int t = 0; t < taps; t++) {
                    tap_at[i][t] = gs_tap(first + t, size, pad, lo, hi);
                    tap_w[i][t] = coeffs[t];
                }
            }
            int used = 0;
            for (int cb = 0; cb < combos; cb++) {
                double weight = 1;
                int64_t off = 0;
                bool inside = true;
                for (int i = 0, rest = cb; i < r && inside; i++, rest /= taps) {
                    int t = rest % taps;
                    inside = tap_at[i][t] >= 0;
                    weight *= tap_w[i][t];
                    off += tap_at[i][t] * in_strides[i];
                }
                if (inside) {
                    cw[used] = weight;
                    coff[used++] = off;
                }
            }
            for (int64_t ch = 0; ch < c; ch++) {
                const double *plane = xv + (n * c + ch) * in_size;
                double acc = 0;
                for (int u = 0; u < used; u++)
                    acc += cw[u] * plane[coff[u]];
                yv[(n * c + ch) * out_size + q] = acc;
            }
        }
    }
    store_f64(y, yv);
    return true;
}

/* AffineGrid: for each output point, theta[n] times its base coordinates
 * (x, y[, z], 1), which span [-1, 1] (corner pixels' centres with
 * align_corners, else their edges). */
static bool kernel_AffineGrid(ol_kctx *k)
{
    const ol_array *theta = float_input(k, 0, "theta");
    size_t ns;
    int64_t *size = theta ? ol_k_ints(k, 1, &ns) : NULL;
    if (!size)
        return false;
    if (ns < AFFINE_GRID_MIN_SIZE || ns > AFFINE_GRID_MAX_SIZE)
        return ol_k_fail(k, "size has %zu values, expected (N, C, H, W) or (N, C, D, H, W)", ns);
    int r = (int)ns - 2;
    if (theta->rank != 3 || theta->dims[0] != size[0] || theta->dims[1] != r || theta->dims[2] != r + 1)
        return ol_k_fail(k, "theta %s must be (%lld, %d, %d) for size of %zu values", ol_k_shape(k, theta),
                         (long long)size[0], r, r + 1, ns);
    for (int i = 0; i < r; i++) {
        if (size[2 + i] < 0)
            return ol_k_fail(k, "size[%d] is %lld", 2 + i, (long long)size[2 + i]);
    }
    bool align = ol_attr_int(&k->infer, "align_corners", 0) != 0;
    int64_t dims[AFFINE_GRID_MAX_SIZE];
    dims[0] = size[0];
    for (int i = 0; i < r; i++)
        dims[1 + i] = size[2 + i];
    dims[r + 1] = r;
    ol_array *y = ol_k_out(k, 0, theta->elem_type, r + 2, dims);
    double *tv = y ? load_f64(k, theta) : NULL, *yv = y ? scratch_f64(k, y->count) : NULL;
    if (!tv || !yv)
        return false;
    int64_t points = prod_dims(dims, 1, r + 1);
    size_t at = 0;
    for (int64_t n = 0; n < size[0]; n++) {
        const double *t = tv + n * r * (r + 1);
        int64_t o[AFFINE_GRID_MAX_SIZE - 2] = {0};
        for (int64_t q = 0; q < points; q++) {
            double base[AFFINE_GRID_MAX_SIZE - 2]; /* x (last axis) first */
            for (int j = 0; j < r; j++) {
                int64_t len = dims[r - j], i = o[r - 1 - j];
                if (align)
                    base[j] = len > 1 ? -1 + 2.0 * (double)i / (double)(len - 1) : -1;
                else
                    base[j] = (2.0 * (double)i + 1) / (double)len - 1;
            }
            for (int row = 0; row < r; row++) {
                double v = t[row * (r + 1) + r];
                for (int j = 0; j < r; j++)
                    v += t[row * (r + 1) + j] * base[j];
                yv[at++] = v;
            }
            for (int a = r - 1; a >= 0 && ++o[a] == dims[1 + a]; a--)
                o[a] = 0;
        }
    }
    store_f64(y, yv);
    return true;
}

static const ol_op_entry nn_ops[] = {
    {"", "AffineGrid", infer_AffineGrid, kernel_AffineGrid},
    {"", "AveragePool", infer_AveragePool, kernel_AveragePool},
    {"", "BatchNormalization", infer_BatchNormalization, kernel_BatchNormalization},
    {"", "Conv", infer_Conv, kernel_Conv},
    {"", "ConvTranspose", infer_ConvTranspose, kernel_ConvTranspose},
    {"", "DeformConv", infer_DeformConv, kernel_DeformConv},
    {"", "Dropout", infer_Dropout, kernel_Dropout},
    {"", "GlobalAveragePool", infer_global_pool, kernel_GlobalAveragePool},
    {"", "GlobalLpPool", infer_global_pool, kernel_GlobalLpPool},
    {"", "GlobalMaxPool", infer_global_pool, kernel_GlobalMaxPool},
    {"", "GridSample", infer_GridSample, kernel_GridSample},
    {"", "GroupNormalization", infer_GroupNormalization, kernel_GroupNormalization},
    {"", "InstanceNormalization", infer_InstanceNormalization, kernel_InstanceNormalization},
    {"", "LRN", infer_LRN, kernel_LRN},
    {"", "LayerNormalization", infer_LayerNormalization, kernel_LayerNormalization},
    {"", "LpNormalization", infer_LpNormalization, kernel_LpNormalization},
    {"", "LpPool", infer_LpPool, kernel_LpPool},
    {"", "MaxPool", infer_MaxPool, kernel_MaxPool},
    {"", "MaxRoiPool", infer_MaxRoiPool, kernel_MaxRoiPool},
    {"", "MaxUnpool", infer_MaxUnpool, kernel_MaxUnpool},
    {"", "MeanVarianceNormalization", infer_MeanVarianceNormalization, kernel_MeanVarianceNormalization},
    {"", "RMSNormalization", infer_RMSNormalization, kernel_RMSNormalization},
    {"", "RoiAlign", infer_RoiAlign, kernel_RoiAlign},
};

OL_FAMILY_DEFINE(nn, nn_ops);
