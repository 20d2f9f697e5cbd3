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

/* ONNX's type string of a non-tensor type (seq(tensor(float)),
 * map(int64,tensor(float)), optional(...)), '?' where unknown. */
static void onnx_type_string(const ol_type *t, char *buf, size_t cap, size_t *pos, int depth)
{
    const char *s = "?";
    const char *name = t ? ol_elem_type_name(t->elem_type) : NULL;
    char tmp[64];
    if (t && depth < 16) {
        switch (t->kind) {
        case OL_TYPE_TENSOR:
        case OL_TYPE_SPARSE_TENSOR:
            snprintf(tmp, sizeof tmp, "%s(%s)", t->kind == OL_TYPE_TENSOR ? "tensor" : "sparse_tensor",
                     name ? name : "?");
            s = tmp;
            break;
        case OL_TYPE_SEQUENCE:
        case OL_TYPE_OPTIONAL:
        case OL_TYPE_MAP: {
            const char *key = ol_elem_type_name(t->key_type);
            int n = snprintf(buf + *pos, *pos < cap ? cap - *pos : 0, "%s(%s%s",
                             t->kind == OL_TYPE_SEQUENCE ? "seq" : t->kind == OL_TYPE_MAP ? "map" : "optional",
                             t->kind == OL_TYPE_MAP ? (key ? key : "?") : "", t->kind == OL_TYPE_MAP ? "," : "");
            *pos += n > 0 ? (size_t)n : 0;
            onnx_type_string(t->elem, buf, cap, pos, depth + 1);
            s = ")";
            break;
        }
        default:
            break;
        }
    }
    int n = snprintf(buf + (*pos < cap ? *pos : cap - 1), *pos < cap ? cap - *pos : 1, "%s", s);
    *pos += n > 0 ? (size_t)n : 0;
}

json_t *ol_json_dtype(const ol_type *t)
{
    if (t && (t->kind == OL_TYPE_SEQUENCE || t->kind == OL_TYPE_MAP || t->kind == OL_TYPE_OPTIONAL)) {
        char buf[512];
        size_t pos = 0;
        buf[0] = '\0';
        onnx_type_string(t, buf, sizeof buf, &pos, 0);
        return json_string(pos < sizeof buf ? buf : "?");
    }
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
