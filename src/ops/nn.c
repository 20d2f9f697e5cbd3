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
#include <string.h>

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

static bool read_auto_pad(ol_ctx *ctx, pad_mode *mode)
{
    const char *s = ol_attr_string(ctx, "auto_pad", "NOTSET");
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
    ol_error(ctx, "shape-error", "auto_pad '%s' is not NOTSET, SAME_UPPER, SAME_LOWER or VALID", s);
    *mode = PAD_NOTSET;
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
    for (size_t i = 0; xs && axes && i < n; i++)
        ol_axis(ctx, axes[i], xs->rank, false, "axes value");
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

static const ol_op_entry nn_ops[] = {
    {"", "AffineGrid", infer_AffineGrid, NULL},
    {"", "AveragePool", infer_AveragePool, NULL},
    {"", "BatchNormalization", infer_BatchNormalization, NULL},
    {"", "Conv", infer_Conv, NULL},
    {"", "ConvTranspose", infer_ConvTranspose, NULL},
    {"", "DeformConv", infer_DeformConv, NULL},
    {"", "Dropout", infer_Dropout, NULL},
    {"", "GlobalAveragePool", infer_global_pool, NULL},
    {"", "GlobalLpPool", infer_global_pool, NULL},
    {"", "GlobalMaxPool", infer_global_pool, NULL},
    {"", "GridSample", infer_GridSample, NULL},
    {"", "GroupNormalization", infer_GroupNormalization, NULL},
    {"", "InstanceNormalization", infer_InstanceNormalization, NULL},
    {"", "LRN", infer_LRN, NULL},
    {"", "LayerNormalization", infer_LayerNormalization, NULL},
    {"", "LpNormalization", infer_LpNormalization, NULL},
    {"", "LpPool", infer_LpPool, NULL},
    {"", "MaxPool", infer_MaxPool, NULL},
    {"", "MaxRoiPool", infer_MaxRoiPool, NULL},
    {"", "MaxUnpool", infer_MaxUnpool, NULL},
    {"", "MeanVarianceNormalization", infer_MeanVarianceNormalization, NULL},
    {"", "RoiAlign", infer_RoiAlign, NULL},
};

OL_FAMILY_DEFINE(nn, nn_ops);
