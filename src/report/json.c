/*
 * json.c - see json.h.
 */
#include "report/json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/writer.h"
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


int ol_json_sink(const char *buffer, size_t size, void *out)
{
    ol_out_bytes(out, buffer, size);
    return ((ol_sink *)out)->failed ? -1 : 0;
}

/* ---- the streaming writer ---- */

void ol_jw_init(ol_jw *w, ol_sink *out, bool pretty)
{
    w->out = out;
    w->pretty = pretty;
    w->after_key = false;
    w->depth = 0;
    w->has_items[0] = false;
}

/* A newline and indent spaces, in one piece while they fit. */
static void newline(ol_sink *out, size_t indent)
{
    static const char line[] = "\n                                                                ";
    if (indent < sizeof line - 1) {
        ol_out_bytes(out, line, indent + 1);
        return;
    }
    ol_out_bytes(out, "\n", 1);
    ol_out_pad(out, indent);
}

/* The separator and indentation before a value or a key. */
static void item(ol_jw *w)
{
    if (w->after_key) {
        w->after_key = false;
        return;
    }
    if (w->depth == 0)
        return;
    if (w->has_items[w->depth])
        ol_out_bytes(w->out, ",", 1);
    w->has_items[w->depth] = true;
    if (w->pretty)
        newline(w->out, (size_t)w->depth * 2);
}

static void open_container(ol_jw *w, char c)
{
    item(w);
    ol_out_bytes(w->out, &c, 1);
    if (w->depth == OL_JW_MAX_DEPTH) {
        w->out->failed = true;
        return;
    }
    w->closers[w->depth] = c == '{' ? '}' : ']';
    w->has_items[++w->depth] = false;
}

void ol_jw_object(ol_jw *w)
{
    open_container(w, '{');
}

void ol_jw_array(ol_jw *w)
{
    open_container(w, '[');
}

void ol_jw_end(ol_jw *w)
{
    if (w->depth == 0) {
        w->out->failed = true;
        return;
    }
    bool items = w->has_items[w->depth--];
    if (items && w->pretty)
        newline(w->out, (size_t)w->depth * 2);
    ol_out_bytes(w->out, &w->closers[w->depth], 1);
}

/* Writes bytes that are valid UTF-8 as the inside of a JSON string, the
 * way jansson escapes them. */
static void quote_utf8(ol_sink *out, const char *s, size_t len)
{
    size_t run = 0; /* bytes before i that need no escape */
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        ol_out_bytes(out, s + run, i - run);
        run = i + 1;
        char seq[8];
        const char *named = c == '"' ? "\\\"" : c == '\\' ? "\\\\" : c == '\b' ? "\\b" : c == '\f' ? "\\f"
                          : c == '\n' ? "\\n" : c == '\r' ? "\\r" : c == '\t' ? "\\t" : NULL;
        if (named) {
            ol_out_bytes(out, named, 2);
        } else {
            snprintf(seq, sizeof seq, "\\u%04X", c);
            ol_out_bytes(out, seq, 6);
        }
    }
    ol_out_bytes(out, s + run, len - run);
}

/* Longest piece of a string escaped at once; pieces end before a byte that
 * starts a character, so no valid sequence is split. */
#define ESCAPE_PIECE 512

/* Writes s quoted when it is printable ASCII with no quote or backslash
 * (most names are) and fits the buffer, copying it as it is checked.
 * False, with nothing written, otherwise. */
static bool write_plain(ol_sink *out, const char *s)
{
    char *at = out->buf + out->len;
    size_t room = sizeof out->buf - out->len, i = 0;
    if (room < 2)
        return false;
    room -= 2;
    while (i < room && (unsigned char)s[i] >= 0x20 && (unsigned char)s[i] < 0x7f && s[i] != '"' && s[i] != '\\') {
        at[i + 1] = s[i];
        i++;
    }
    if (s[i]) /* another byte, or no room */
        return false;
    at[0] = '"';
    at[i + 1] = '"';
    out->len += i + 2;
    return true;
}

/* Writes s as a JSON string: plain ASCII in one piece, else escaped. */
static void write_string(ol_sink *out, const char *s)
{
    if (write_plain(out, s))
        return;
    size_t len = strlen(s);
    ol_out_bytes(out, "\"", 1);
    if (ol_is_plain(s, len) || ol_escape(NULL, 0, s, len, true) == len) {
        quote_utf8(out, s, len);
    } else {
        char buf[ESCAPE_PIECE * 4 + 1]; /* each byte spelled \xNN at worst */
        for (size_t i = 0; i < len;) {
            size_t n = len - i < ESCAPE_PIECE ? len - i : ESCAPE_PIECE;
            while (i + n < len && n > ESCAPE_PIECE / 2 && ((unsigned char)s[i + n] & 0xc0) == 0x80)
                n--;
            size_t need = ol_escape(buf, sizeof buf, s + i, n, true);
            quote_utf8(out, buf, need < sizeof buf ? need : strlen(buf));
            i += n;
        }
    }
    ol_out_bytes(out, "\"", 1);
}

void ol_jw_key(ol_jw *w, const char *key)
{
    item(w);
    write_string(w->out, key);
    ol_out_bytes(w->out, w->pretty ? ": " : ":", w->pretty ? 2 : 1);
    w->after_key = true;
}

void ol_jw_string(ol_jw *w, const char *s)
{
    if (!s) {
        ol_jw_null(w);
        return;
    }
    item(w);
    write_string(w->out, s);
}

void ol_jw_int(ol_jw *w, long long v)
{
    char buf[24];
    item(w);
    ol_out_bytes(w->out, buf, ol_format_i64(buf, v));
}

void ol_jw_real(ol_jw *w, double v)
{
    if (v != v || v - v != 0) { /* NaN or an infinity: JSON has no spelling */
        ol_jw_null(w);
        return;
    }
    char buf[40];
    int n = snprintf(buf, sizeof buf, "%.17g", v);
    if (n < 0 || (size_t)n + 3 >= sizeof buf) {
        ol_jw_null(w);
        return;
    }
    size_t len = (size_t)n;
    if (!strchr(buf, '.') && !strchr(buf, 'e')) {
        memcpy(buf + len, ".0", 3);
        len += 2;
    }
    char *e = strchr(buf, 'e');
    if (e) { /* "1e+05" -> "1e5", "1e-05" -> "1e-5", as jansson writes them */
        char *start = e + 1, *end = start + 1;
        if (*start == '-')
            start++;
        while (*end == '0')
            end++;
        if (end != start) {
            memmove(start, end, len - (size_t)(end - buf) + 1);
            len -= (size_t)(end - start);
        }
    }
    item(w);
    ol_out_bytes(w->out, buf, len);
}

void ol_jw_bool(ol_jw *w, bool v)
{
    item(w);
    ol_out_bytes(w->out, v ? "true" : "false", v ? 4 : 5);
}

void ol_jw_null(ol_jw *w)
{
    item(w);
    ol_out_bytes(w->out, "null", 4);
}

void ol_jw_shape(ol_jw *w, ol_exprs *exprs, const ol_type *t)
{
    if (!t || (t->kind != OL_TYPE_TENSOR && t->kind != OL_TYPE_SPARSE_TENSOR) || t->shape.rank == OL_RANK_UNKNOWN) {
        ol_jw_null(w);
        return;
    }
    ol_jw_array(w);
    for (int i = 0; i < t->shape.rank; i++) {
        ol_dim d = exprs ? ol_dim_resolve(exprs, t->shape.dims[i]) : t->shape.dims[i];
        if (d.kind == OL_DIM_VALUE)
            ol_jw_int(w, d.value);
        else if (d.kind == OL_DIM_SYMBOL)
            ol_jw_string(w, d.symbol);
        else
            ol_jw_null(w);
    }
    ol_jw_end(w);
}

void ol_jw_dtype(ol_jw *w, const ol_type *t)
{
    if (t && (t->kind == OL_TYPE_SEQUENCE || t->kind == OL_TYPE_MAP || t->kind == OL_TYPE_OPTIONAL)) {
        char buf[512];
        size_t pos = 0;
        buf[0] = '\0';
        onnx_type_string(t, buf, sizeof buf, &pos, 0);
        ol_jw_string(w, pos < sizeof buf ? buf : "?");
        return;
    }
    const char *name = t && (t->kind == OL_TYPE_TENSOR || t->kind == OL_TYPE_SPARSE_TENSOR)
                           ? ol_elem_type_name(t->elem_type)
                           : NULL;
    ol_jw_string(w, name);
}
