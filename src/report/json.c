/*
 * json.c - see json.h.
 */
#include "report/json.h"

#include <stdlib.h>
#include <string.h>

#include "report/writer.h"
#include "util/text.h"

json_t *ol_json_string(const char *s)
{
    if (!s)
        return json_null();
    size_t len = strlen(s);
    if (ol_is_plain(s, len) || ol_escape(NULL, 0, s, len, true) == len) {
        json_t *j = json_stringn(s, len);
        if (j)
            return j;
    }
    size_t need = ol_escape(NULL, 0, s, len, true);
    char *buf = malloc(need + 1);
    if (!buf)
        return NULL;
    ol_escape(buf, need + 1, s, len, true);
    json_t *j = json_stringn(buf, need);
    free(buf);
    return j;
}

json_t *ol_json_shape(ol_exprs *exprs, const ol_type *t)
{
    if (!t || (t->kind != OL_TYPE_TENSOR && t->kind != OL_TYPE_SPARSE_TENSOR) || t->shape.rank == OL_RANK_UNKNOWN)
        return json_null();
    json_t *a = json_array();
    for (int i = 0; a && i < t->shape.rank; i++) {
        ol_dim d = exprs ? ol_dim_resolve(exprs, t->shape.dims[i]) : t->shape.dims[i];
        json_array_append_new(a, d.kind == OL_DIM_VALUE    ? json_integer(d.value)
                                 : d.kind == OL_DIM_SYMBOL ? ol_json_string(d.symbol)
                                                           : json_null());
    }
    return a;
}

json_t *ol_json_dtype(const ol_type *t)
{
    const char *name = t && (t->kind == OL_TYPE_TENSOR || t->kind == OL_TYPE_SPARSE_TENSOR)
                           ? ol_elem_type_name(t->elem_type)
                           : NULL;
    return name ? json_string(name) : json_null();
}

int ol_json_sink(const char *buffer, size_t size, void *out)
{
    ol_out_bytes(out, buffer, size);
    return ((ol_sink *)out)->failed ? -1 : 0;
}
