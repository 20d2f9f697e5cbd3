/*
 * misc.c - inference for object detection, text, training and the ai.onnx.ml operators.
 *
 * One inference function per operator, registered in the table at the end
 * (sorted by domain, then name).  Most of these follow ONNX's own
 * inference (onnx/defs/object_detection, text, image, training and
 * traditionalml), filled in where ONNX gives up but the operator's
 * definition (and onnxruntime's kernels, which define the ML operators in
 * practice) fixes the answer: a batch of N rows gives N predictions, a
 * 1-D ML input counts as one row, Normalizer and Scaler keep the shape.
 * Counts that depend on run-time values (NonMaxSuppression's selected
 * boxes, the words StringNormalizer drops) stay unknown dims.
 * Contradictions between attributes and inputs (a LabelEncoder whose keys
 * are not of the input's type, ZipMap labels that do not match the
 * columns) are findings.
 */
#include <stdio.h>
#include <string.h>

#include "ops/common.h"
#include "ops/families.h"

/* ONNX element types used by name. */
enum { ELEM_FLOAT = 1, ELEM_UINT8 = 2, ELEM_INT64 = 7, ELEM_STRING = 8, ELEM_BOOL = 9 };

/* NonMaxSuppression's rows: (batch index, class index, box index); a box
 * is 4 coordinates. */
enum { NMS_INDEX_COLUMNS = 3, BOX_COORDINATES = 4 };

/* ImageDecoder's channels by pixel format. */
enum { RGB_CHANNELS = 3, GRAY_CHANNELS = 1 };

/* The optimizers' inputs are R, T, then lists of tensors, one tensor per
 * optimized variable in each: X, G and H (Adagrad), X, G, V and H (Adam),
 * X, G and V (Momentum). */
enum { OPTIMIZER_FIXED_INPUTS = 2, ADAGRAD_LISTS = 3, ADAM_LISTS = 4, MOMENTUM_LISTS = 3 };

/* Versions where an operator changed. */
enum { LABEL_ENCODER_ATTRIBUTES_SINCE = 2, TREE_ENSEMBLE_TENSORS_SINCE = 3 };

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

/* The number of values of a repeated attribute (INTS, FLOATS or
 * STRINGS), -1 when the node does not have it. */
static ptrdiff_t attr_count(const ol_ctx *ctx, const char *name)
{
    const Onnx__AttributeProto *a = ol_node_attribute(ctx->node, name);
    if (!a)
        return -1;
    return (ptrdiff_t)(a->n_ints + a->n_floats + a->n_strings);
}

/* True when a repeated attribute is present with at least one value. */
static bool attr_nonempty(const ol_ctx *ctx, const char *name)
{
    return attr_count(ctx, name) > 0;
}

/* The batch size of a classic ML model's input (onnxruntime's rule):
 * dim 0 of a 2-D input, 1 for a 1-D input.  Other ranks give an unknown
 * batch, after a shape-error unless lenient (then dim 0 of any rank > 2,
 * as FeatureVectorizer reads it). */
static ol_dim ml_input_batch(ol_ctx *ctx, bool lenient)
{
    const ol_shape *s = ol_in_shape(ctx, 0);
    if (!s)
        return ol_dim_unknown();
    if (s->rank == 1)
        return ol_dim_value(1);
    if (s->rank == 2 || (lenient && s->rank > 2))
        return s->dims[0];
    if (!lenient)
        ol_error(ctx, "shape-error", "input must be [N,F] or [F], got %s", ol_type_str(ctx, ol_in_type(ctx, 0)));
    return ol_dim_unknown();
}

static ol_dim ml_batch(ol_ctx *ctx)
{
    return ml_input_batch(ctx, false);
}

/* Output out is a 1-D (n) or 2-D (n, m) tensor of elem type elem. */
static void out_rows(ol_ctx *ctx, size_t out, int32_t elem, ol_dim n, const ol_dim *m)
{
    ol_dim *dims = ol_out_tensor(ctx, out, elem, m ? 2 : 1);
    if (!dims)
        return;
    dims[0] = n;
    if (m)
        dims[1] = *m;
}

/* A count from an attribute as a dim (unknown when negative: absent). */
static ol_dim count_dim(ptrdiff_t n)
{
    return n >= 0 ? ol_dim_value((int64_t)n) : ol_dim_unknown();
}

/* ---- object detection, image, text ---- */

static void infer_NonMaxSuppression(ol_ctx *ctx)
{
    ol_dim *dims = ol_out_tensor(ctx, 0, ELEM_INT64, 2);
    if (dims) {
        dims[0] = ol_dim_unknown(); /* how many boxes survive is a run-time matter */
        dims[1] = ol_dim_value(NMS_INDEX_COLUMNS);
    }
    const ol_shape *boxes = ol_in_shape(ctx, 0), *scores = ol_in_shape(ctx, 1);
    if (boxes && boxes->rank != 3) {
        ol_error(ctx, "shape-error", "boxes must be (batches, boxes, 4), got %s", ol_type_str(ctx, ol_in_type(ctx, 0)));
        boxes = NULL;
    }
    if (scores && scores->rank != 3) {
        ol_error(ctx, "shape-error", "scores must be (batches, classes, boxes), got %s",
                 ol_type_str(ctx, ol_in_type(ctx, 1)));
        scores = NULL;
    }
    if (boxes) {
        ol_dim last = ol_dim_resolve(ctx->exprs, boxes->dims[2]);
        if (last.kind == OL_DIM_VALUE && last.value != BOX_COORDINATES)
            ol_error(ctx, "shape-error", "boxes %s must end in 4 coordinates", ol_type_str(ctx, ol_in_type(ctx, 0)));
    }
    if (boxes && scores) {
        ol_dim_merge(ctx, boxes->dims[0], scores->dims[0], "batches of boxes vs scores");
        ol_dim_merge(ctx, boxes->dims[1], scores->dims[2], "boxes of boxes vs scores");
    }
}

static void infer_ImageDecoder(ol_ctx *ctx)
{
    const ol_shape *s = ol_in_shape(ctx, 0);
    if (s && s->rank != 1)
        ol_error(ctx, "shape-error", "encoded_stream must be 1-D, got %s", ol_type_str(ctx, ol_in_type(ctx, 0)));
    const char *format = ol_attr_string(ctx, "pixel_format", "RGB");
    ol_dim *dims = ol_out_tensor(ctx, 0, ELEM_UINT8, 3);
    if (!dims)
        return;
    dims[0] = dims[1] = ol_dim_unknown(); /* height and width are in the stream */
    if (strcmp(format, "RGB") == 0 || strcmp(format, "BGR") == 0)
        dims[2] = ol_dim_value(RGB_CHANNELS);
    else if (strcmp(format, "Grayscale") == 0)
        dims[2] = ol_dim_value(GRAY_CHANNELS);
    else
        ol_error(ctx, "type-error", "pixel_format '%s' is not RGB, BGR or Grayscale", format);
}

static void infer_RegexFullMatch(ol_ctx *ctx)
{
    out_shape_of(ctx, 0, 0, ELEM_BOOL);
}

static void infer_StringConcat(ol_ctx *ctx)
{
    ol_infer_broadcast(ctx, ELEM_STRING);
}

/* StringNormalizer takes [C] or [1,C]; stop words make the kept count a
 * run-time matter, without them nothing is dropped. */
static void infer_StringNormalizer(ol_ctx *ctx)
{
    const ol_shape *s = ol_in_shape(ctx, 0);
    if (!s) {
        ol_out_tensor(ctx, 0, ELEM_STRING, -1);
        return;
    }
    if (s->rank != 1 && s->rank != 2) {
        ol_error(ctx, "shape-error", "input must be [C] or [1,C], got %s", ol_type_str(ctx, ol_in_type(ctx, 0)));
        ol_out_tensor(ctx, 0, ELEM_STRING, -1);
        return;
    }
    ol_dim *dims = ol_out_tensor(ctx, 0, ELEM_STRING, s->rank);
    if (!dims)
        return;
    for (int k = 0; k < s->rank; k++)
        dims[k] = s->dims[k];
    if (s->rank == 2) {
        ol_dim b = ol_dim_resolve(ctx->exprs, s->dims[0]);
        if (b.kind == OL_DIM_VALUE && b.value != 1)
            ol_error(ctx, "shape-error", "input must be [C] or [1,C], got %s", ol_type_str(ctx, ol_in_type(ctx, 0)));
    }
    if (attr_nonempty(ctx, "stopwords"))
        dims[s->rank - 1] = ol_dim_unknown();
}

/* StringSplit: the substrings get one more (run-time sized) axis; their
 * counts have the input's shape. */
static void infer_StringSplit(ol_ctx *ctx)
{
    const ol_shape *s = ol_in_shape(ctx, 0);
    int rank = s ? s->rank : -1;
    ol_dim *dims = ol_out_tensor(ctx, 0, ELEM_STRING, s ? rank + 1 : -1);
    for (int k = 0; dims && k < rank; k++)
        dims[k] = s->dims[k];
    if (dims)
        dims[rank] = ol_dim_unknown();
    out_shape_of(ctx, 1, 0, ELEM_INT64);
}

/* TfIdfVectorizer: [C] gives [K], [N,C] gives [N,K], K the largest of
 * ngram_indexes plus one. */
static void infer_TfIdfVectorizer(ol_ctx *ctx)
{
    size_t n;
    const int64_t *indexes = ol_attr_ints(ctx, "ngram_indexes", &n);
    ol_dim width = ol_dim_unknown();
    int64_t most = -1;
    for (size_t k = 0; k < n; k++) {
        if (indexes[k] < 0) {
            ol_error(ctx, "shape-error", "ngram_indexes has a negative value %lld", (long long)indexes[k]);
            most = -1;
            break;
        }
        if (indexes[k] > most)
            most = indexes[k];
    }
    if (most >= 0)
        width = ol_dim_value(most + 1);
    else if (ol_attr_has(ctx, "ngram_indexes") && n == 0)
        ol_error(ctx, "shape-error", "ngram_indexes is empty");
    const ol_shape *s = ol_in_shape(ctx, 0);
    if (!s) {
        ol_out_tensor(ctx, 0, ELEM_FLOAT, -1);
        return;
    }
    if (s->rank == 1) {
        out_rows(ctx, 0, ELEM_FLOAT, width, NULL);
    } else if (s->rank == 2) {
        out_rows(ctx, 0, ELEM_FLOAT, s->dims[0], &width);
    } else {
        ol_error(ctx, "shape-error", "input must be [C] or [N,C], got %s", ol_type_str(ctx, ol_in_type(ctx, 0)));
        ol_out_tensor(ctx, 0, ELEM_FLOAT, -1);
    }
}

/* ---- training (ai.onnx.preview.training) ---- */

/* Adagrad, Adam, Momentum: after R and T come `groups` lists of n tensors
 * each (X, G, then the accumulators); output list m mirrors input list
 * mirrored[m].  Every tensor of one variable must have one shape. */
static void infer_optimizer(ol_ctx *ctx, size_t groups, const size_t *mirrored, size_t n_mirrored)
{
    size_t n_in = ol_in_count(ctx);
    if (n_in < OPTIMIZER_FIXED_INPUTS || (n_in - OPTIMIZER_FIXED_INPUTS) % groups != 0) {
        ol_error(ctx, "type-error", "%zu inputs: expected R, T, then %zu lists of the same length", n_in, groups);
        return;
    }
    size_t n = (n_in - OPTIMIZER_FIXED_INPUTS) / groups;
    if (ol_out_count(ctx) > n * n_mirrored)
        ol_error(ctx, "type-error", "%zu outputs for %zu variables: expected at most %zu", ol_out_count(ctx), n,
                 n * n_mirrored);
    for (size_t i = 0; i < n; i++) {
        /* The shape every tensor of variable i shares: X's, merged with
         * the others'. */
        const ol_shape *x = ol_in_shape(ctx, OPTIMIZER_FIXED_INPUTS + i);
        int rank = x ? x->rank : -1;
        ol_dim *shared = rank >= 0 ? ol_arena_calloc(ctx->arena, (size_t)rank + 1, sizeof *shared) : NULL;
        for (int k = 0; shared && k < rank; k++)
            shared[k] = x->dims[k];
        for (size_t g = 1; g < groups; g++) {
            size_t j = OPTIMIZER_FIXED_INPUTS + g * n + i;
            const ol_shape *t = ol_in_shape(ctx, j);
            if (!t)
                continue;
            if (!shared) {
                rank = t->rank;
                shared = ol_arena_calloc(ctx->arena, (size_t)rank + 1, sizeof *shared);
                for (int k = 0; shared && k < rank; k++)
                    shared[k] = t->dims[k];
                continue;
            }
            if (t->rank != rank) {
                ol_error(ctx, "shape-error", "'%s' %s and '%s' %s belong to one variable but differ in rank",
                         ol_in_name(ctx, OPTIMIZER_FIXED_INPUTS + i),
                         ol_type_str(ctx, ol_in_type(ctx, OPTIMIZER_FIXED_INPUTS + i)), ol_in_name(ctx, j),
                         ol_type_str(ctx, ol_in_type(ctx, j)));
                continue;
            }
            for (int k = 0; k < rank; k++)
                shared[k] = ol_dim_merge(ctx, shared[k], t->dims[k], "dims of one variable's tensors");
        }
        for (size_t m = 0; m < n_mirrored; m++) {
            size_t out = m * n + i, in = OPTIMIZER_FIXED_INPUTS + mirrored[m] * n + i;
            ol_dim *dims = ol_out_tensor(ctx, out, ol_in_elem(ctx, in), shared ? rank : -1);
            for (int k = 0; dims && k < rank; k++)
                dims[k] = shared[k];
        }
    }
}

static void infer_Adagrad(ol_ctx *ctx)
{
    static const size_t mirrored[] = {0, 2}; /* X, G, H -> X_new, H_new */
    infer_optimizer(ctx, ADAGRAD_LISTS, mirrored, sizeof mirrored / sizeof *mirrored);
}

static void infer_Adam(ol_ctx *ctx)
{
    static const size_t mirrored[] = {0, 2, 3}; /* X, G, V, H -> X_new, V_new, H_new */
    infer_optimizer(ctx, ADAM_LISTS, mirrored, sizeof mirrored / sizeof *mirrored);
}

static void infer_Momentum(ol_ctx *ctx)
{
    static const size_t mirrored[] = {0, 2}; /* X, G, V -> X_new, V_new */
    infer_optimizer(ctx, MOMENTUM_LISTS, mirrored, sizeof mirrored / sizeof *mirrored);
}

/* Gradient: input i is the value of the i-th name of xs then zs, and
 * output i, the gradient with respect to xs[i], has that input's type. */
static void infer_Gradient(ol_ctx *ctx)
{
    ptrdiff_t xs = attr_count(ctx, "xs"), zs = attr_count(ctx, "zs");
    size_t named = (size_t)(xs > 0 ? xs : 0) + (size_t)(zs > 0 ? zs : 0);
    if (xs >= 0 && ol_in_count(ctx) != named)
        ol_error(ctx, "type-error", "%zu inputs but xs and zs name %zu values", ol_in_count(ctx), named);
    if (xs >= 0 && ol_out_count(ctx) > (size_t)xs)
        ol_error(ctx, "type-error", "%zu outputs but xs names %td values", ol_out_count(ctx), xs);
    for (size_t i = 0; i < ol_out_count(ctx) && i < ol_in_count(ctx); i++) {
        if (ol_in_has(ctx, i))
            ol_out_like(ctx, i, i);
    }
}

/* ---- ai.onnx.ml ---- */

/* ArrayFeatureExtractor: X's last axis is replaced by the indices (all of
 * Y's elements). */
static void infer_ArrayFeatureExtractor(ol_ctx *ctx)
{
    int32_t elem = ol_in_elem(ctx, 0);
    const ol_shape *x = ol_in_shape(ctx, 0), *y = ol_in_shape(ctx, 1);
    if (!x || x->rank < 2) { /* 1-D data: ONNX leaves the layout to the runtime */
        ol_out_tensor(ctx, 0, elem, -1);
        return;
    }
    ol_dim *dims = ol_out_tensor(ctx, 0, elem, x->rank);
    if (!dims)
        return;
    for (int k = 0; k < x->rank - 1; k++)
        dims[k] = x->dims[k];
    dims[x->rank - 1] = y ? ol_shape_product(ctx, y, 0, y->rank) : ol_dim_unknown();
}

static void infer_Binarizer(ol_ctx *ctx)
{
    ol_out_like(ctx, 0, 0);
}

/* CastMap: a [1, C] tensor; C is the map's size (dense) or max_map
 * (sparse). */
static void infer_CastMap(ol_ctx *ctx)
{
    const char *to = ol_attr_string(ctx, "cast_to", "TO_FLOAT");
    const char *form = ol_attr_string(ctx, "map_form", "DENSE");
    int32_t elem = 0;
    if (strcmp(to, "TO_FLOAT") == 0)
        elem = ELEM_FLOAT;
    else if (strcmp(to, "TO_INT64") == 0)
        elem = ELEM_INT64;
    else if (strcmp(to, "TO_STRING") == 0)
        elem = ELEM_STRING;
    else
        ol_error(ctx, "type-error", "cast_to '%s' is not TO_FLOAT, TO_INT64 or TO_STRING", to);
    ol_dim width = ol_dim_unknown();
    if (strcmp(form, "SPARSE") == 0) {
        int64_t max_map = ol_attr_int(ctx, "max_map", 1);
        if (max_map < 0)
            ol_error(ctx, "shape-error", "max_map is %lld, it must be non-negative", (long long)max_map);
        else
            width = ol_dim_value(max_map);
    } else if (strcmp(form, "DENSE") != 0) {
        ol_error(ctx, "type-error", "map_form '%s' is not DENSE or SPARSE", form);
    }
    out_rows(ctx, 0, elem, ol_dim_value(1), &width);
}

/* CategoryMapper: strings to int64 and back, shape kept. */
static void infer_CategoryMapper(ol_ctx *ctx)
{
    int32_t in = ol_in_elem(ctx, 0);
    int32_t elem = in == ELEM_STRING ? ELEM_INT64 : in == ELEM_INT64 ? ELEM_STRING : 0;
    out_shape_of(ctx, 0, 0, elem);
}

/* DictVectorizer: the map's values laid out along the vocabulary, [1, V]. */
static void infer_DictVectorizer(ol_ctx *ctx)
{
    const ol_type *t = ol_in_type(ctx, 0);
    int32_t elem = 0, key = 0;
    if (t && t->kind == OL_TYPE_MAP) {
        key = t->key_type;
        if (t->elem && t->elem->kind == OL_TYPE_TENSOR)
            elem = t->elem->elem_type;
    }
    ptrdiff_t strings = attr_count(ctx, "string_vocabulary"), ints = attr_count(ctx, "int64_vocabulary");
    ol_dim width = ol_dim_unknown();
    if ((strings >= 0) == (ints >= 0)) {
        ol_error(ctx, "type-error", "exactly one of string_vocabulary and int64_vocabulary must be given");
    } else {
        width = count_dim(strings >= 0 ? strings : ints);
        int32_t want = strings >= 0 ? ELEM_STRING : ELEM_INT64;
        if (key && key != want)
            ol_error(ctx, "type-error", "a %s vocabulary for an input %s", ol_elem_type_name(want),
                     ol_type_str(ctx, t));
    }
    out_rows(ctx, 0, elem, ol_dim_value(1), &width);
}

/* FeatureVectorizer: [N, sum of inputdimensions], N the first input's
 * batch. */
static void infer_FeatureVectorizer(ol_ctx *ctx)
{
    size_t n;
    const int64_t *sizes = ol_attr_ints(ctx, "inputdimensions", &n);
    ol_dim width = ol_dim_unknown();
    if (ol_attr_has(ctx, "inputdimensions")) {
        if (n != ol_in_count(ctx))
            ol_error(ctx, "shape-error", "%zu inputs but inputdimensions has %zu values", ol_in_count(ctx), n);
        width = ol_dim_value(0);
        for (size_t k = 0; k < n; k++) {
            if (sizes[k] < 0) {
                ol_error(ctx, "shape-error", "inputdimensions has a negative value %lld", (long long)sizes[k]);
                width = ol_dim_unknown();
                break;
            }
            width = ol_dim_add(ctx->exprs, width, ol_dim_value(sizes[k]));
        }
    }
    out_rows(ctx, 0, ELEM_FLOAT, ml_input_batch(ctx, true), &width);
}

/* Imputer: same type; the imputed values are one or one per feature. */
static void infer_Imputer(ol_ctx *ctx)
{
    ol_out_like(ctx, 0, 0);
    ptrdiff_t floats = attr_count(ctx, "imputed_value_floats"), ints = attr_count(ctx, "imputed_value_int64s");
    ptrdiff_t values = floats >= 0 ? floats : ints;
    const ol_shape *s = ol_in_shape(ctx, 0);
    if (values <= 1 || !s || s->rank < 1 || s->rank > 2)
        return;
    ol_dim features = ol_dim_resolve(ctx->exprs, s->dims[s->rank - 1]);
    if (features.kind == OL_DIM_VALUE && features.value != values)
        ol_error(ctx, "shape-error", "%td imputed values for %s: one, or one per feature, is expected", values,
                 ol_type_str(ctx, ol_in_type(ctx, 0)));
}

/* A LabelEncoder keys_* or values_* family: the element type and count of
 * the one attribute set among the list-attributes (and the _tensor one
 * from version 4), 0 when none is.  More than one set is a type-error. */
static int32_t encoder_attr(ol_ctx *ctx, const char *what, const char *const *names, const int32_t *elems,
                            size_t n_names, ol_dim *count)
{
    int32_t elem = 0;
    int set = 0;
    *count = ol_dim_unknown();
    for (size_t k = 0; k < n_names; k++) {
        if (!ol_attr_has(ctx, names[k]))
            continue;
        set++;
        if (elems[k]) {
            elem = elems[k];
            *count = count_dim(attr_count(ctx, names[k]));
            continue;
        }
        ol_type t = {.kind = OL_TYPE_NONE, .shape = {.rank = OL_RANK_UNKNOWN}};
        ol_attr_tensor(ctx, names[k], &t);
        if (t.kind == OL_TYPE_TENSOR) {
            elem = t.elem_type;
            *count = t.shape.rank >= 0 ? ol_shape_product(ctx, &t.shape, 0, t.shape.rank) : ol_dim_unknown();
        }
    }
    if (set != 1)
        ol_error(ctx, "type-error", "exactly one of the %s attributes must be set, not %d", what, set);
    return set == 1 ? elem : 0;
}

/* LabelEncoder: shape kept; version 1 maps strings and int64s both ways,
 * later ones map keys_* to values_*. */
static void infer_LabelEncoder(ol_ctx *ctx)
{
    int32_t in = ol_in_elem(ctx, 0);
    if (ctx->version < LABEL_ENCODER_ATTRIBUTES_SINCE) {
        out_shape_of(ctx, 0, 0, in == ELEM_STRING ? ELEM_INT64 : in == ELEM_INT64 ? ELEM_STRING : 0);
        return;
    }
    static const char *const keys[] = {"keys_strings", "keys_int64s", "keys_floats", "keys_tensor"};
    static const char *const values[] = {"values_strings", "values_int64s", "values_floats", "values_tensor"};
    static const int32_t elems[] = {ELEM_STRING, ELEM_INT64, ELEM_FLOAT, 0};
    size_t n = sizeof keys / sizeof *keys;
    ol_dim n_keys, n_values;
    int32_t key = encoder_attr(ctx, "keys_*", keys, elems, n, &n_keys);
    int32_t value = encoder_attr(ctx, "values_*", values, elems, n, &n_values);
    if (key && in && key != in)
        ol_error(ctx, "type-error", "keys are %s but the input is %s", ol_elem_type_name(key),
                 ol_type_str(ctx, ol_in_type(ctx, 0)));
    if (ol_dim_differ(ctx->exprs, n_keys, n_values))
        ol_error(ctx, "shape-error", "%s keys but %s values", ol_dim_str(ctx, n_keys), ol_dim_str(ctx, n_values));
    out_shape_of(ctx, 0, 0, value);
}

/* The label type of a classifier: string when classlabels_strings has
 * labels, else int64; *count gets the number of labels (unknown when
 * there are none). */
static int32_t class_labels(ol_ctx *ctx, const char *ints_name, ptrdiff_t *count)
{
    ptrdiff_t strings = attr_count(ctx, "classlabels_strings");
    if (strings > 0) {
        *count = strings;
        return ELEM_STRING;
    }
    ptrdiff_t ints = attr_count(ctx, ints_name);
    *count = ints > 0 ? ints : -1;
    return ELEM_INT64;
}

/* LinearClassifier: labels [N], scores [N, classes] (classes: the
 * intercepts, or 2 for one intercept and two labels). */
static void infer_LinearClassifier(ol_ctx *ctx)
{
    ptrdiff_t labels;
    int32_t elem = class_labels(ctx, "classlabels_ints", &labels);
    ptrdiff_t classes = attr_count(ctx, "intercepts");
    if (classes == 1 && labels == 2)
        classes = 2;
    ol_dim n = ml_batch(ctx), width = count_dim(classes);
    out_rows(ctx, 0, elem, n, NULL);
    out_rows(ctx, 1, ELEM_FLOAT, n, &width);
}

static void infer_LinearRegressor(ol_ctx *ctx)
{
    int64_t targets = ol_attr_int(ctx, "targets", 1);
    ol_dim width = targets >= 0 ? ol_dim_value(targets) : ol_dim_unknown();
    if (targets < 0)
        ol_error(ctx, "shape-error", "targets is %lld, it must be non-negative", (long long)targets);
    out_rows(ctx, 0, ELEM_FLOAT, ml_batch(ctx), &width);
}

static void infer_Normalizer(ol_ctx *ctx)
{
    ml_batch(ctx); /* checks the rank */
    out_shape_of(ctx, 0, 0, ELEM_FLOAT);
}

/* OneHotEncoder: one more axis, as long as the category list. */
static void infer_OneHotEncoder(ol_ctx *ctx)
{
    ptrdiff_t ints = attr_count(ctx, "cats_int64s"), strings = attr_count(ctx, "cats_strings");
    ol_dim cats = ol_dim_unknown();
    if ((ints >= 0) == (strings >= 0))
        ol_error(ctx, "type-error", "exactly one of cats_int64s and cats_strings must be given");
    else
        cats = count_dim(ints >= 0 ? ints : strings);
    const ol_shape *s = ol_in_shape(ctx, 0);
    ol_dim *dims = ol_out_tensor(ctx, 0, ELEM_FLOAT, s ? s->rank + 1 : -1);
    for (int k = 0; dims && k < s->rank; k++)
        dims[k] = s->dims[k];
    if (dims)
        dims[s->rank] = cats;
}

static void infer_Scaler(ol_ctx *ctx)
{
    out_shape_of(ctx, 0, 0, ELEM_FLOAT);
}

/* SVMClassifier: labels [N], scores [N, E]; E is the class count when
 * the scores are per class (a linear SVM, or probabilities). */
static void infer_SVMClassifier(ol_ctx *ctx)
{
    ptrdiff_t labels;
    int32_t elem = class_labels(ctx, "classlabels_ints", &labels);
    size_t n_per_class;
    const int64_t *per_class = ol_attr_ints(ctx, "vectors_per_class", &n_per_class);
    int64_t vectors = 0;
    for (size_t k = 0; k < n_per_class; k++)
        vectors += per_class[k] > 0 ? per_class[k] : 0;
    bool per_class_scores = vectors == 0 || attr_nonempty(ctx, "prob_a");
    ol_dim n = ml_batch(ctx), width = per_class_scores ? count_dim(labels) : ol_dim_unknown();
    out_rows(ctx, 0, elem, n, NULL);
    out_rows(ctx, 1, ELEM_FLOAT, n, &width);
}

static void infer_SVMRegressor(ol_ctx *ctx)
{
    ol_dim one = ol_dim_value(1); /* one target */
    out_rows(ctx, 0, ELEM_FLOAT, ml_batch(ctx), &one);
}

/* Version 3 added *_as_tensor twins of some attributes: one of each pair. */
static void check_tensor_twins(ol_ctx *ctx, const char *const *names, size_t n)
{
    char twin[64];
    for (size_t k = 0; k < n && ctx->version >= TREE_ENSEMBLE_TENSORS_SINCE; k++) {
        snprintf(twin, sizeof twin, "%s_as_tensor", names[k]);
        if (ol_attr_has(ctx, names[k]) && ol_attr_has(ctx, twin))
            ol_error(ctx, "type-error", "only one of '%s' and '%s' may be given", names[k], twin);
    }
}

/* The n_targets attribute of the tree ensembles as a dim (unknown when
 * absent). */
static ol_dim n_targets(const ol_ctx *ctx)
{
    return ol_attr_has(ctx, "n_targets") ? count_dim((ptrdiff_t)ol_attr_int(ctx, "n_targets", -1)) : ol_dim_unknown();
}

/* TreeEnsemble (ai.onnx.ml 5, which replaces the two below): [N, n_targets]
 * of the input's element type. */
static void infer_TreeEnsemble(ol_ctx *ctx)
{
    ol_dim width = n_targets(ctx);
    out_rows(ctx, 0, ol_in_elem(ctx, 0), ml_batch(ctx), &width);
}

static void infer_TreeEnsembleClassifier(ol_ctx *ctx)
{
    static const char *const twins[] = {"nodes_values", "nodes_hitrates", "class_weights", "base_values"};
    check_tensor_twins(ctx, twins, sizeof twins / sizeof *twins);
    ptrdiff_t labels;
    int32_t elem = class_labels(ctx, "classlabels_int64s", &labels);
    if (labels < 0)
        ol_error(ctx, "type-error", "neither classlabels_int64s nor classlabels_strings is set");
    ol_dim n = ml_batch(ctx), width = count_dim(labels);
    out_rows(ctx, 0, elem, n, NULL);
    out_rows(ctx, 1, ELEM_FLOAT, n, &width);
}

static void infer_TreeEnsembleRegressor(ol_ctx *ctx)
{
    static const char *const twins[] = {"nodes_values", "nodes_hitrates", "target_weights", "base_values"};
    check_tensor_twins(ctx, twins, sizeof twins / sizeof *twins);
    ol_dim width = n_targets(ctx);
    out_rows(ctx, 0, ELEM_FLOAT, ml_batch(ctx), &width);
}

/* ZipMap: a sequence of maps (one per row) from the class labels to float
 * scores. */
static void infer_ZipMap(ol_ctx *ctx)
{
    ptrdiff_t strings = attr_count(ctx, "classlabels_strings"), ints = attr_count(ctx, "classlabels_int64s");
    int32_t key = 0;
    ptrdiff_t labels = -1;
    if ((strings > 0) == (ints > 0)) {
        ol_error(ctx, "type-error", "exactly one of classlabels_strings and classlabels_int64s must be given");
    } else {
        key = strings > 0 ? ELEM_STRING : ELEM_INT64;
        labels = strings > 0 ? strings : ints;
    }
    const ol_shape *s = ol_in_shape(ctx, 0);
    if (s && s->rank != 1 && s->rank != 2) {
        ol_error(ctx, "shape-error", "input must be [N,C] or [C], got %s", ol_type_str(ctx, ol_in_type(ctx, 0)));
    } else if (s && labels >= 0) {
        ol_dim columns = ol_dim_resolve(ctx->exprs, s->dims[s->rank - 1]);
        if (columns.kind == OL_DIM_VALUE && columns.value != labels)
            ol_error(ctx, "shape-error", "%td class labels for %s: one per column is expected", labels,
                     ol_type_str(ctx, ol_in_type(ctx, 0)));
    }
    ol_type score = {.kind = OL_TYPE_TENSOR, .elem_type = ELEM_FLOAT, .shape = {.rank = 0}};
    ol_type map = {.kind = OL_TYPE_MAP, .key_type = key, .elem = &score, .shape = {.rank = OL_RANK_UNKNOWN}};
    ol_type seq = {.kind = OL_TYPE_SEQUENCE, .elem = &map, .shape = {.rank = OL_RANK_UNKNOWN}};
    ol_out_set(ctx, 0, &seq);
}

static const ol_op_entry misc_ops[] = {
    {"", "ImageDecoder", infer_ImageDecoder, NULL},
    {"", "NonMaxSuppression", infer_NonMaxSuppression, NULL},
    {"", "RegexFullMatch", infer_RegexFullMatch, NULL},
    {"", "StringConcat", infer_StringConcat, NULL},
    {"", "StringNormalizer", infer_StringNormalizer, NULL},
    {"", "StringSplit", infer_StringSplit, NULL},
    {"", "TfIdfVectorizer", infer_TfIdfVectorizer, NULL},
    {"ai.onnx.ml", "ArrayFeatureExtractor", infer_ArrayFeatureExtractor, NULL},
    {"ai.onnx.ml", "Binarizer", infer_Binarizer, NULL},
    {"ai.onnx.ml", "CastMap", infer_CastMap, NULL},
    {"ai.onnx.ml", "CategoryMapper", infer_CategoryMapper, NULL},
    {"ai.onnx.ml", "DictVectorizer", infer_DictVectorizer, NULL},
    {"ai.onnx.ml", "FeatureVectorizer", infer_FeatureVectorizer, NULL},
    {"ai.onnx.ml", "Imputer", infer_Imputer, NULL},
    {"ai.onnx.ml", "LabelEncoder", infer_LabelEncoder, NULL},
    {"ai.onnx.ml", "LinearClassifier", infer_LinearClassifier, NULL},
    {"ai.onnx.ml", "LinearRegressor", infer_LinearRegressor, NULL},
    {"ai.onnx.ml", "Normalizer", infer_Normalizer, NULL},
    {"ai.onnx.ml", "OneHotEncoder", infer_OneHotEncoder, NULL},
    {"ai.onnx.ml", "SVMClassifier", infer_SVMClassifier, NULL},
    {"ai.onnx.ml", "SVMRegressor", infer_SVMRegressor, NULL},
    {"ai.onnx.ml", "Scaler", infer_Scaler, NULL},
    {"ai.onnx.ml", "TreeEnsemble", infer_TreeEnsemble, NULL},
    {"ai.onnx.ml", "TreeEnsembleClassifier", infer_TreeEnsembleClassifier, NULL},
    {"ai.onnx.ml", "TreeEnsembleRegressor", infer_TreeEnsembleRegressor, NULL},
    {"ai.onnx.ml", "ZipMap", infer_ZipMap, NULL},
    {"ai.onnx.preview.training", "Adagrad", infer_Adagrad, NULL},
    {"ai.onnx.preview.training", "Adam", infer_Adam, NULL},
    {"ai.onnx.preview.training", "Gradient", infer_Gradient, NULL},
    {"ai.onnx.preview.training", "Momentum", infer_Momentum, NULL},
};

OL_FAMILY_DEFINE(misc, misc_ops);
