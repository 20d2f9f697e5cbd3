/*
 * testdata.c - values from and to files: ONNX's TensorProto .pb files (the
 * backend test layout: input_K.pb / output_K.pb), SequenceProto and
 * OptionalProto (onnx-data.proto, read at the wire level: our schema is
 * onnx.proto), and .npy arrays.
 *
 * Invariants: every length is checked against the file; a file that is not
 * what it should be is an error message, never a crash.
 */
#include "eval/testdata.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "load/wire.h"
#include "util/file.h"
#include "onnx.pb-c.h"

/* Largest test data file read (the suite's largest is a few MB). */
#define OL_MAX_DATA_FILE ((size_t)1 << 30)

static void *pb_alloc(void *ctx, size_t size)
{
    return ol_arena_alloc(ctx, size);
}

static void pb_free(void *ctx, void *p)
{
    (void)ctx;
    (void)p;
}

static bool fail(char *why, size_t len, const char *fmt, const char *a)
{
    snprintf(why, len, fmt, a);
    return false;
}

/* How many numbers (a complex element is two) of its element type tp
 * stores outside raw_data. */
static size_t stored_numbers(const Onnx__TensorProto *tp)
{
    switch (tp->data_type) {
    case 1:
    case 14: return tp->n_float_data;
    case 11:
    case 15: return tp->n_double_data;
    case 7: return tp->n_int64_data;
    case 12:
    case 13: return tp->n_uint64_data;
    case 8: return tp->n_string_data;
    default: return tp->n_int32_data;
    }
}

/* A TensorProto (fully unpacked, data included) as an array of the run.
 * The data it holds is checked against its dims before anything is
 * allocated: a few bytes that declare a 4 GB tensor allocate nothing. */
static ol_array *tensor_from_proto(ol_kctx *k, const Onnx__TensorProto *tp)
{
    if (tp->n_dims > OL_MAX_RANK) {
        ol_k_fail(k, "rank %zu", tp->n_dims);
        return NULL;
    }
    size_t size = ol_elem_size(tp->data_type), count = 1;
    bool complex = tp->data_type == 14 || tp->data_type == 15;
    for (size_t i = 0; i < tp->n_dims; i++) {
        if (tp->dims[i] < 0 || (tp->dims[i] && count > SIZE_MAX / 2 / (size ? size : 1) / (uint64_t)tp->dims[i])) {
            ol_k_fail(k, "dims negative or too large");
            return NULL;
        }
        count *= (size_t)tp->dims[i];
    }
    if (count && tp->has_raw_data && (tp->data_type == 8 || tp->raw_data.len != count * size)) {
        ol_k_fail(k, "raw_data holds %zu bytes, the dims need %zu", tp->raw_data.len, count * size);
        return NULL;
    }
    if (count && !tp->has_raw_data && stored_numbers(tp) != count * (complex ? 2 : 1)) {
        ol_k_fail(k, "holds %zu data elements, the dims need %zu", stored_numbers(tp), count);
        return NULL;
    }
    ol_array *a = ol_k_array(k, tp->data_type, (int)tp->n_dims, tp->dims);
    if (!a)
        return NULL;
    if (a->count == 0)
        return a;
    if (tp->has_raw_data) {
        memcpy(a->data, tp->raw_data.data, tp->raw_data.len);
        return a;
    }
    size_t n = stored_numbers(tp); /* the dims' count (twice it, complex): checked above */
    switch (tp->data_type) {
    case 1:
    case 14:
        for (size_t i = 0; i < n; i++)
            ((float *)a->data)[i] = tp->float_data[i];
        break;
    case 11:
    case 15:
        for (size_t i = 0; i < n; i++)
            ((double *)a->data)[i] = tp->double_data[i];
        break;
    case 7:
        for (size_t i = 0; i < n; i++)
            ((int64_t *)a->data)[i] = tp->int64_data[i];
        break;
    case 12:
    case 13:
        for (size_t i = 0; i < n; i++)
            ol_array_set_i64(a, i, (int64_t)tp->uint64_data[i]);
        break;
    case 8:
        for (size_t i = 0; i < n; i++)
            ((ol_string *)a->data)[i] = (ol_string){(const char *)tp->string_data[i].data, tp->string_data[i].len};
        break;
    case 10:
    case 16:
        for (size_t i = 0; i < n; i++)
            ((uint16_t *)a->data)[i] = (uint16_t)tp->int32_data[i];
        break;
    default:
        for (size_t i = 0; i < n; i++)
            ol_array_set_i64(a, i, tp->int32_data[i]);
        break;
    }
    return a;
}

static ol_rvalue *parse_value(ol_kctx *k, const uint8_t *data, size_t len, const ol_type *type, int depth);

/* SequenceProto (3: tensor_values, 5: sequence_values, 7: optional_values)
 * or OptionalProto (3: tensor_value, 5: sequence_value, 7: optional_value). */
static ol_rvalue *parse_container(ol_kctx *k, const uint8_t *data, size_t len, const ol_type *type, int depth)
{
    ol_rvalue *v = ol_k_alloc(k, sizeof *v);
    if (!v)
        return NULL;
    memset(v, 0, sizeof *v);
    v->kind = type->kind == OL_TYPE_SEQUENCE ? OL_RV_SEQUENCE : OL_RV_OPTIONAL;
    const ol_type *elem = type->elem;
    if (elem && elem->kind == OL_TYPE_TENSOR)
        v->elem_type = elem->elem_type;
    size_t cap = 0;
    size_t pos = 0;
    while (pos < len) {
        uint64_t tag, n;
        if (!ol_wire_varint(data, len, &pos, &tag))
            break;
        unsigned wt = tag & 7, field = (unsigned)(tag >> 3);
        if (wt == 0) {
            if (!ol_wire_varint(data, len, &pos, &n))
                break;
            if (field == 2 && v->elem_type == 0)
                v->elem_type = 0; /* elem_type enum: not an element type, ignored */
            continue;
        }
        if (wt != 2 || !ol_wire_varint(data, len, &pos, &n) || n > len - pos) {
            ol_k_fail(k, "malformed %s", v->kind == OL_RV_SEQUENCE ? "SequenceProto" : "OptionalProto");
            return NULL;
        }
        const uint8_t *payload = data + pos;
        pos += (size_t)n;
        if (field != 3 && field != 5 && field != 7)
            continue;
        ol_type tensor_type = {.kind = OL_TYPE_TENSOR};
        const ol_type *item_type = elem ? elem : &tensor_type;
        if (field == 3 && (!elem || elem->kind != OL_TYPE_TENSOR))
            item_type = &tensor_type;
        ol_rvalue *item = parse_value(k, payload, (size_t)n, item_type, depth + 1);
        if (!item)
            return NULL;
        if (v->kind == OL_RV_OPTIONAL) {
            v->present = true;
            if (item->kind == OL_RV_TENSOR)
                v->tensor = item->tensor;
            v->items = ol_k_alloc(k, sizeof *v->items);
            if (!v->items)
                return NULL;
            v->items[0] = item;
            v->n_items = 1;
            continue;
        }
        if (v->n_items == cap) {
            cap = cap ? cap * 2 : 8;
            ol_rvalue **items = ol_k_alloc(k, cap * sizeof *items);
            if (!items)
                return NULL;
            if (v->n_items)
                memcpy(items, v->items, v->n_items * sizeof *items);
            v->items = items;
        }
        v->items[v->n_items++] = item;
    }
    return v;
}

static ol_rvalue *parse_value(ol_kctx *k, const uint8_t *data, size_t len, const ol_type *type, int depth)
{
    if (depth > 16) {
        ol_k_fail(k, "values nested too deeply");
        return NULL;
    }
    if (type && (type->kind == OL_TYPE_SEQUENCE || type->kind == OL_TYPE_OPTIONAL))
        return parse_container(k, data, len, type, depth);
    char why[256];
    if (!ol_wire_is_message(data, len, &onnx__tensor_proto__descriptor)) {
        ol_k_fail(k, "not a TensorProto");
        return NULL;
    }
    (void)why;
    ProtobufCAllocator pb = {pb_alloc, pb_free, k->arena};
    Onnx__TensorProto *tp = onnx__tensor_proto__unpack(&pb, len, data);
    if (!tp) {
        ol_k_fail(k, "not a TensorProto");
        return NULL;
    }
    ol_array *a = tensor_from_proto(k, tp);
    /* ONNX's test generator saved bfloat16 data as uint16 (the same bits):
     * read it as what the model declares. */
    if (a && type && type->kind == OL_TYPE_TENSOR && type->elem_type == 16 && a->elem_type == 4)
        a->elem_type = 16;
    return a ? ol_k_tensor_value(k, a) : NULL;
}

/* Reads a whole file into the run's arena. */
static uint8_t *slurp(ol_kctx *k, const char *path, size_t *len, char *why, size_t why_len)
{
    char reason[128];
    FILE *f = ol_fopen_regular(path, reason, sizeof reason);
    if (!f) {
        snprintf(why, why_len, "%s: cannot open: %s", path, reason);
        return NULL;
    }
    uint8_t *buf = NULL;
    if (fseek(f, 0, SEEK_END) == 0) {
        long size = ftell(f);
        if (size >= 0 && (size_t)size <= OL_MAX_DATA_FILE && fseek(f, 0, SEEK_SET) == 0) {
            buf = ol_k_alloc(k, (size_t)size + 1);
            if (buf && fread(buf, 1, (size_t)size, f) == (size_t)size)
                *len = (size_t)size;
            else
                buf = NULL;
        }
    }
    fclose(f);
    if (!buf)
        snprintf(why, why_len, "%s: cannot read (or larger than 1 GiB)", path);
    return buf;
}

/* .npy: magic, version, header length, a Python dict header, data. */
static ol_rvalue *parse_npy(ol_kctx *k, const uint8_t *data, size_t len, char *why, size_t why_len)
{
    if (len < 10 || memcmp(data, "\x93NUMPY", 6) != 0)
        return NULL;
    size_t hlen, hstart;
    if (data[6] == 1) {
        hlen = (size_t)data[8] | ((size_t)data[9] << 8);
        hstart = 10;
    } else if (len >= 12) {
        hlen = (size_t)data[8] | ((size_t)data[9] << 8) | ((size_t)data[10] << 16) | ((size_t)data[11] << 24);
        hstart = 12;
    } else {
        return NULL;
    }
    if (hstart + hlen > len) {
        snprintf(why, why_len, ".npy header past the end of the file");
        return NULL;
    }
    char header[1024];
    size_t n = hlen < sizeof header - 1 ? hlen : sizeof header - 1;
    memcpy(header, data + hstart, n);
    header[n] = '\0';
    static const struct {
        const char *descr;
        int32_t elem;
    } types[] = {{"<f4", 1}, {"<f8", 11}, {"<f2", 10}, {"<i8", 7}, {"<i4", 6}, {"<i2", 5}, {"|i1", 3},
                 {"|u1", 2}, {"<u2", 4},  {"<u4", 12}, {"<u8", 13}, {"|b1", 9}};
    int32_t elem = 0;
    for (size_t i = 0; i < sizeof types / sizeof *types; i++) {
        if (strstr(header, types[i].descr))
            elem = types[i].elem;
    }
    if (!elem || strstr(header, "'fortran_order': True")) {
        snprintf(why, why_len, ".npy: only little-endian C-order numeric arrays are read");
        return NULL;
    }
    const char *shape = strstr(header, "'shape': (");
    if (!shape) {
        snprintf(why, why_len, ".npy: no shape in the header");
        return NULL;
    }
    int64_t dims[OL_MAX_RANK];
    int rank = 0;
    const char *p = shape + 10;
    while (*p && *p != ')' && rank < OL_MAX_RANK) {
        char *end;
        long long v = strtoll(p, &end, 10);
        if (end == p)
            break;
        if (v < 0) {
            snprintf(why, why_len, ".npy: negative dim %lld in the shape", v);
            return NULL;
        }
        dims[rank++] = v;
        p = end;
        while (*p == ',' || *p == ' ')
            p++;
    }
    /* The data must be in the file before the array is allocated. */
    size_t bytes = ol_elem_size(elem);
    for (int i = 0; i < rank; i++) {
        if (dims[i] && bytes > len / (uint64_t)dims[i]) {
            snprintf(why, why_len, ".npy: data shorter than its shape");
            return NULL;
        }
        bytes *= (size_t)dims[i];
    }
    if (hstart + hlen + bytes > len) {
        snprintf(why, why_len, ".npy: data shorter than its shape");
        return NULL;
    }
    ol_array *a = ol_k_array(k, elem, rank, dims);
    if (!a)
        return NULL;
    if (bytes)
        memcpy(a->data, data + hstart + hlen, bytes);
    return ol_k_tensor_value(k, a);
}

ol_rvalue *ol_value_read_file(ol_eval *e, const char *path, const ol_type *type, char *why, size_t why_len)
{
    char err[256] = "";
    ol_kctx k = {.eval = e, .arena = &e->arena, .error = err, .error_len = sizeof err};
    size_t len = 0;
    why[0] = '\0';
    uint8_t *data = slurp(&k, path, &len, why, why_len);
    if (!data)
        return NULL;
    if (len >= 6 && memcmp(data, "\x93NUMPY", 6) == 0) {
        char what[256] = "";
        ol_rvalue *v = parse_npy(&k, data, len, what, sizeof what);
        if (!v) /* the file, then what is wrong with it */
            snprintf(why, why_len, "%s: %s", path, what[0] ? what : err[0] ? err : "not a .npy array");
        return v;
    }
    ol_rvalue *v = parse_value(&k, data, len, type, 0);
    if (!v)
        fail(why, why_len, "%s: not a TensorProto/SequenceProto/OptionalProto of the input's type", path);
    if (!v && err[0])
        snprintf(why + strlen(why), why_len - strlen(why), " (%s)", err);
    return v;
}

/* ---- writing ---- */

typedef struct buffer {
    uint8_t *data;
    size_t len, cap;
    bool failed;
} buffer;

static void put(buffer *b, const void *p, size_t n)
{
    if (b->failed)
        return;
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 256;
        while (cap < b->len + n)
            cap *= 2;
        uint8_t *d = realloc(b->data, cap);
        if (!d) {
            b->failed = true;
            return;
        }
        b->data = d;
        b->cap = cap;
    }
    memcpy(b->data + b->len, p, n);
    b->len += n;
}

static void put_varint(buffer *b, uint64_t v)
{
    uint8_t tmp[10];
    size_t n = 0;
    while (v >= 0x80) {
        tmp[n++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    tmp[n++] = (uint8_t)v;
    put(b, tmp, n);
}

static void put_bytes_field(buffer *b, unsigned field, const void *p, size_t n)
{
    put_varint(b, ((uint64_t)field << 3) | 2);
    put_varint(b, n);
    put(b, p, n);
}

static void encode_tensor(buffer *b, const ol_array *a, const char *name)
{
    for (int i = 0; i < a->rank; i++) {
        put_varint(b, (1 << 3) | 0);
        put_varint(b, (uint64_t)a->dims[i]);
    }
    put_varint(b, (2 << 3) | 0);
    put_varint(b, (uint64_t)a->elem_type);
    if (name)
        put_bytes_field(b, 8, name, strlen(name));
    if (a->elem_type == 8) {
        for (size_t i = 0; i < a->count; i++) {
            const ol_string *s = &((const ol_string *)a->data)[i];
            put_bytes_field(b, 6, s->data, s->len);
        }
    } else if (a->count) {
        put_bytes_field(b, 9, a->data, a->count * ol_elem_size(a->elem_type));
    }
}

static void encode_value(buffer *b, const ol_rvalue *v, const char *name, int depth)
{
    if (depth > 16)
        return;
    if (v->kind == OL_RV_TENSOR) {
        encode_tensor(b, v->tensor, name);
        return;
    }
    /* SequenceProto / OptionalProto: name 1, elem_type 2 (1 tensor, 2 sequence,
     * 5 optional), values 3 (tensors) / 5 (sequences) / 7 (optionals). */
    if (name)
        put_bytes_field(b, 1, name, strlen(name));
    size_t n = v->kind == OL_RV_OPTIONAL ? (v->present ? 1 : 0) : v->n_items;
    const ol_rvalue *first = n ? (v->kind == OL_RV_OPTIONAL && v->tensor ? NULL : v->items[0]) : NULL;
    int elem = !first || first->kind == OL_RV_TENSOR ? 1 : first->kind == OL_RV_SEQUENCE ? 2 : 5;
    if (v->kind == OL_RV_OPTIONAL && v->present && v->tensor)
        elem = 1;
    put_varint(b, (2 << 3) | 0);
    put_varint(b, (uint64_t)elem);
    for (size_t i = 0; i < n; i++) {
        const ol_rvalue *item = v->kind == OL_RV_OPTIONAL && v->tensor && !v->items ? NULL : v->items[i];
        buffer inner = {0};
        if (item)
            encode_value(&inner, item, NULL, depth + 1);
        else
            encode_tensor(&inner, v->tensor, NULL);
        unsigned field = elem == 1 ? 3 : elem == 2 ? 5 : 7;
        if (inner.failed)
            b->failed = true;
        else
            put_bytes_field(b, field, inner.data, inner.len);
        free(inner.data);
    }
}

bool ol_value_write_file(const ol_rvalue *v, const char *name, const char *path, char *why, size_t why_len)
{
    buffer b = {0};
    encode_value(&b, v, name, 0);
    bool ok = !b.failed;
    if (ok) {
        FILE *f = fopen(path, "wb");
        if (!f) {
            snprintf(why, why_len, "%s: cannot create: %s", path, strerror(errno));
            ok = false;
        } else {
            ok = fwrite(b.data, 1, b.len, f) == b.len;
            ok = fclose(f) == 0 && ok;
            if (!ok)
                snprintf(why, why_len, "%s: cannot write", path);
        }
    } else {
        snprintf(why, why_len, "%s: out of memory", path);
    }
    free(b.data);
    return ok;
}
