/*
 * common.c - see common.h.
 */
#include "ops/common.h"

void ol_infer_same_as_input(ol_ctx *ctx)
{
    ol_out_like(ctx, 0, 0);
}

ol_type *ol_infer_broadcast(ol_ctx *ctx, int32_t elem)
{
    if (!elem)
        elem = ol_in_elem(ctx, 0);
    const ol_shape *shapes[64];
    size_t n = 0;
    bool all_known = true;
    for (size_t i = 0; i < ol_in_count(ctx) && n < 64; i++) {
        if (!ol_in_has(ctx, i))
            continue;
        shapes[n] = ol_in_shape(ctx, i);
        all_known &= shapes[n] != NULL;
        n++;
    }
    if (!all_known || n == 0) {
        ol_out_tensor(ctx, 0, elem, -1);
        return NULL;
    }
    ol_shape out;
    ol_broadcast(ctx, shapes, n, &out);
    if (out.rank < 0) {
        ol_out_tensor(ctx, 0, elem, -1);
        return NULL;
    }
    ol_dim *dims = ol_out_tensor(ctx, 0, elem, out.rank);
    for (int i = 0; dims && i < out.rank; i++)
        dims[i] = out.dims[i];
    return ol_out(ctx, 0);
}

void ol_pass_data(ol_ctx *ctx, size_t out, size_t in)
{
    const ol_data *d = ol_in_data(ctx, in);
    if (d)
        ol_out_data(ctx, out, (ol_data *)d);
}
