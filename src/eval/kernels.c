/*
 * kernels.c - see kernels.h.
 */
#include "eval/kernels.h"

#include <string.h>

static bool is_integral(int32_t t)
{
    return ol_elem_is_integral(t);
}

bool ol_k_unary(ol_kctx *k, double (*fn)(double x, const void *ctx), const void *ctx, int32_t out_elem)
{
    const ol_array *x = ol_k_in(k, 0);
    if (!x)
        return ol_k_fail(k, "input 0 is missing");
    ol_array *y = ol_k_out(k, 0, out_elem ? out_elem : x->elem_type, x->rank, x->dims);
    if (!y)
        return false;
    if (x->elem_type == 1 && y->elem_type == 1) { /* the common case, without conversions */
        const float *in = x->data;
        float *out = y->data;
        for (size_t i = 0; i < x->count; i++)
            out[i] = (float)fn(in[i], ctx);
        return true;
    }
    for (size_t i = 0; i < x->count; i++)
        ol_array_set_f64(y, i, fn(ol_array_get_f64(x, i), ctx));
    return true;
}

bool ol_k_binary(ol_kctx *k, double (*fn)(double a, double b), int64_t (*ifn)(int64_t a, int64_t b), int32_t out_elem)
{
    const ol_array *a = ol_k_in(k, 0), *b = ol_k_in(k, 1);
    if (!a || !b)
        return ol_k_fail(k, "needs two tensor inputs");
    const ol_array *both[2] = {a, b};
    int64_t dims[OL_MAX_RANK];
    int rank;
    if (!ol_broadcast_dims(both, 2, dims, &rank))
        return ol_k_fail(k, "cannot broadcast %s with %s", ol_k_shape(k, a), ol_k_shape(k, b));
    ol_array *y = ol_k_out(k, 0, out_elem ? out_elem : a->elem_type, rank, dims);
    if (!y)
        return false;
    bool same = a->rank == b->rank && a->count == b->count && a->count == y->count;
    if (same && a->elem_type == 1 && b->elem_type == 1 && y->elem_type == 1) {
        const float *pa = a->data, *pb = b->data;
        float *py = y->data;
        for (size_t i = 0; i < y->count; i++)
            py[i] = (float)fn(pa[i], pb[i]);
        return true;
    }
    bool integral = ifn && is_integral(a->elem_type) && is_integral(b->elem_type);
    for (size_t i = 0; i < y->count; i++) {
        size_t ia = same ? i : ol_broadcast_offset(a, dims, rank, i);
        size_t ib = same ? i : ol_broadcast_offset(b, dims, rank, i);
        if (integral)
            ol_array_set_i64(y, i, ifn(ol_array_get_i64(a, ia), ol_array_get_i64(b, ib)));
        else
            ol_array_set_f64(y, i, fn(ol_array_get_f64(a, ia), ol_array_get_f64(b, ib)));
    }
    return true;
}

int64_t *ol_k_ints(ol_kctx *k, size_t i, size_t *n)
{
    const ol_array *a = ol_k_in(k, i);
    *n = 0;
    if (!a || !is_integral(a->elem_type)) {
        ol_k_fail(k, "input %zu must be an integer tensor", i);
        return NULL;
    }
    int64_t *v = ol_k_alloc(k, (a->count ? a->count : 1) * sizeof *v);
    if (!v)
        return NULL;
    for (size_t j = 0; j < a->count; j++)
        v[j] = ol_array_get_i64(a, j);
    *n = a->count;
    return v;
}

bool ol_k_copy(ol_kctx *k, size_t i, size_t j)
{
    const ol_rvalue *v = ol_k_in_value(k, j);
    if (!v)
        return ol_k_fail(k, "input %zu is missing", j);
    ol_k_out_value(k, i, (ol_rvalue *)v); /* values are immutable: share it */
    return true;
}
