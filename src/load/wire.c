/*
 * wire.c - validate a protobuf message against its descriptors and write a
 * copy without tensor payloads (see wire.h for the why).
 *
 * Invariants: every read is bounds-checked against the enclosing message's
 * end; recursion depth never exceeds OL_MAX_MESSAGE_DEPTH; the measuring
 * pass and the writing pass visit fields in the same order and agree on
 * every size, so the writing pass needs no checks of its own.
 */
#include "load/wire.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "onnx.pb-c.h"

/* Nested-message sizes, recorded in pre-order by the measuring pass. */
#define SIZE_BLOCK_LEN 4096
typedef struct size_block {
    struct size_block *next;
    size_t sizes[SIZE_BLOCK_LEN];
} size_block;

typedef struct walker {
    const uint8_t *data;
    bool writing;
    uint8_t *out;
    size_t out_pos;
    size_block *first, *last; /* the recorded sizes */
    size_t n_sizes;           /* recorded (measuring) or consumed (writing) */
    size_block *cursor;       /* writing: block holding size n_sizes */
    size_t n_tensors;         /* payload index of the next TensorProto */
    ol_payload *payloads;
    uint64_t entries;
    ol_arena *tmp;
    char *why;
    size_t why_len;
    bool validate_only;
    bool limit_hit; /* the failure is a limit, not malformed bytes */
    bool changed;   /* measuring: something is left out (a payload, an unknown field) or added (a marker) */
} walker;

int ol_wire_varint(const uint8_t *data, size_t end, size_t *pos, uint64_t *value)
{
    uint64_t v = 0;
    for (unsigned shift = 0; shift < 70; shift += 7) {
        if (*pos >= end)
            return 0;
        uint8_t b = data[(*pos)++];
        if (shift == 63 && b > 1)
            return 0;
        v |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            *value = v;
            return 1;
        }
    }
    return 0;
}

static size_t varint_len(uint64_t v)
{
    size_t n = 1;
    while (v >= 0x80) {
        v >>= 7;
        n++;
    }
    return n;
}

static void put_varint(walker *w, uint64_t v)
{
    while (v >= 0x80) {
        w->out[w->out_pos++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    w->out[w->out_pos++] = (uint8_t)v;
}

static bool fail(walker *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bool fail(walker *w, const char *fmt, ...)
{
    if (w->why && w->why_len) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(w->why, w->why_len, fmt, ap);
        va_end(ap);
    }
    return false;
}

/* Short message name for errors: "onnx.TensorProto" -> "TensorProto". */
static const char *short_name(const ProtobufCMessageDescriptor *desc)
{
    const char *dot = strrchr(desc->name, '.');
    return dot ? dot + 1 : desc->name;
}

static bool record_size(walker *w, size_t **slot)
{
    if (w->n_sizes % SIZE_BLOCK_LEN == 0) {
        size_block *b = ol_arena_alloc(w->tmp, sizeof *b);
        if (!b)
            return fail(w, "out of memory while reading the model's structure");
        b->next = NULL;
        if (w->last)
            w->last->next = b;
        else
            w->first = b;
        w->last = b;
    }
    *slot = &w->last->sizes[w->n_sizes++ % SIZE_BLOCK_LEN];
    return true;
}

static size_t next_size(walker *w)
{
    if (!w->cursor)
        w->cursor = w->first;
    else if (w->n_sizes % SIZE_BLOCK_LEN == 0)
        w->cursor = w->cursor->next;
    return w->cursor->sizes[w->n_sizes++ % SIZE_BLOCK_LEN];
}

static bool is_payload_field(const ProtobufCMessageDescriptor *desc, uint32_t number)
{
    if (desc != &onnx__tensor_proto__descriptor)
        return false;
    switch (number) {
    case 4:  /* float_data */
    case 5:  /* int32_data */
    case 6:  /* string_data */
    case 7:  /* int64_data */
    case 9:  /* raw_data */
    case 10: /* double_data */
    case 11: /* uint64_data */
        return true;
    default:
        return false;
    }
}

/* The wire type a field's scalar elements use (0 varint, 1 64-bit, 5
 * 32-bit, 2 length-delimited). */
static unsigned natural_wire_type(ProtobufCType type)
{
    switch (type) {
    case PROTOBUF_C_TYPE_SFIXED64:
    case PROTOBUF_C_TYPE_FIXED64:
    case PROTOBUF_C_TYPE_DOUBLE:
        return 1;
    case PROTOBUF_C_TYPE_SFIXED32:
    case PROTOBUF_C_TYPE_FIXED32:
    case PROTOBUF_C_TYPE_FLOAT:
        return 5;
    case PROTOBUF_C_TYPE_STRING:
    case PROTOBUF_C_TYPE_BYTES:
    case PROTOBUF_C_TYPE_MESSAGE:
        return 2;
    default:
        return 0;
    }
}

/* Counts the elements of a packed repeated field of the given type. */
static bool packed_count(walker *w, ProtobufCType type, size_t begin, size_t end, uint64_t *count)
{
    unsigned wt = natural_wire_type(type);
    size_t len = end - begin;
    if (wt == 1 || wt == 5) {
        size_t size = wt == 1 ? 8 : 4;
        if (len % size)
            return fail(w, "packed field at offset %zu has %zu bytes, not a multiple of %zu", begin, len, size);
        *count = len / size;
        return true;
    }
    uint64_t n = 0;
    for (size_t i = begin; i < end; i++)
        n += !(w->data[i] & 0x80);
    if (len && (w->data[end - 1] & 0x80))
        return fail(w, "packed varints at offset %zu end inside a varint", begin);
    *count = n;
    return true;
}

static bool count_entries(walker *w, uint64_t n, const ProtobufCMessageDescriptor *desc)
{
    w->entries += n;
    if (w->entries > OL_MAX_ENTRIES && (w->limit_hit = true))
        return fail(w, "too many entries: more than %llu messages and repeated elements (in %s); limit OL_MAX_ENTRIES",
                    (unsigned long long)OL_MAX_ENTRIES, short_name(desc));
    return true;
}

/* Walks the fields of a message of type desc in data[begin..end).  While
 * measuring, stores the stripped content size in *size. */
static bool walk(walker *w, const ProtobufCMessageDescriptor *desc, size_t begin, size_t end, int depth,
                 size_t *size)
{
    if (depth > OL_MAX_MESSAGE_DEPTH)
        return fail(w, "messages nested deeper than %d levels (%s at offset %zu); limit OL_MAX_MESSAGE_DEPTH",
                    OL_MAX_MESSAGE_DEPTH, short_name(desc), begin);
    bool is_tensor = desc == &onnx__tensor_proto__descriptor;
    size_t tensor_index = 0;
    ol_payload *payload = NULL;
    if (is_tensor) {
        tensor_index = w->n_tensors++;
        if (w->writing) {
            payload = &w->payloads[tensor_index];
            payload->message_offset = begin;
            payload->message_length = end - begin;
            payload->raw_offset = OL_NO_OFFSET;
        }
    }
    size_t kept = 0;
    size_t pos = begin;
    uint64_t n_fields = 0;
    while (pos < end) {
        size_t field_start = pos;
        if (++n_fields > OL_MAX_FIELDS_PER_MESSAGE && (w->limit_hit = true))
            return fail(w, "too many entries: %s at offset %zu has more than %llu fields; limit OL_MAX_FIELDS_PER_MESSAGE",
                        short_name(desc), begin, (unsigned long long)OL_MAX_FIELDS_PER_MESSAGE);
        uint64_t tag;
        if (!ol_wire_varint(w->data, end, &pos, &tag))
            return fail(w, "truncated or invalid field tag in %s at offset %zu", short_name(desc), field_start);
        uint64_t number64 = tag >> 3;
        unsigned wire_type = (unsigned)(tag & 7);
        if (number64 == 0 || number64 > 536870911u)
            return fail(w, "invalid field number %llu in %s at offset %zu", (unsigned long long)number64,
                        short_name(desc), field_start);
        uint32_t number = (uint32_t)number64;
        const ProtobufCFieldDescriptor *fd = protobuf_c_message_descriptor_get_field(desc, number);
        const char *fname = fd ? fd->name : "unknown";
        size_t content = pos, content_end;
        uint64_t v;
        switch (wire_type) {
        case 0:
            if (!ol_wire_varint(w->data, end, &pos, &v))
                return fail(w, "truncated varint in field '%s' of %s at offset %zu", fname, short_name(desc),
                            field_start);
            content_end = pos;
            break;
        case 1:
        case 5: {
            size_t n = wire_type == 1 ? 8 : 4;
            if (end - pos < n)
                return fail(w, "truncated: field '%s' of %s at offset %zu needs %zu bytes, %zu remain", fname,
                            short_name(desc), field_start, n, end - pos);
            pos += n;
            content_end = pos;
            break;
        }
        case 2:
            if (!ol_wire_varint(w->data, end, &pos, &v))
                return fail(w, "truncated length of field '%s' of %s at offset %zu", fname, short_name(desc),
                            field_start);
            if (v > end - pos)
                return fail(w, "truncated: field '%s' of %s at offset %zu needs %llu bytes, %zu remain", fname,
                            short_name(desc), field_start, (unsigned long long)v, end - pos);
            content = pos;
            pos += (size_t)v;
            content_end = pos;
            break;
        case 3:
        case 4:
            return fail(w, "group wire type %u (unused by ONNX) for field %u of %s at offset %zu", wire_type, number,
                        short_name(desc), field_start);
        default:
            return fail(w, "invalid wire type %u for field %u of %s at offset %zu", wire_type, number,
                        short_name(desc), field_start);
        }
        if (!fd) {
            w->changed = true; /* unknown fields are dropped */
            continue;
        }
        unsigned natural = natural_wire_type(fd->type);
        bool repeated = fd->label == PROTOBUF_C_LABEL_REPEATED;
        bool packed = repeated && natural != 2 && wire_type == 2;
        if (wire_type != natural && !packed)
            return fail(w, "field '%s' of %s at offset %zu has wire type %u, expected %u", fname, short_name(desc),
                        field_start, wire_type, natural);
        uint64_t elements = 1;
        if (packed && !packed_count(w, fd->type, content, content_end, &elements))
            return false;
        if (is_payload_field(desc, number)) {
            w->changed = true;
            if (w->writing) {
                if (number == 9) {
                    payload->raw_offset = content;
                    payload->raw_length = content_end - content;
                } else {
                    payload->typed_field = number;
                    payload->typed_bytes += content_end - content;
                    payload->typed_count += elements;
                }
            }
            continue;
        }
        if (repeated && !count_entries(w, elements, desc))
            return false;
        if (fd->type == PROTOBUF_C_TYPE_MESSAGE) {
            if (!repeated && !count_entries(w, 1, desc))
                return false;
            const ProtobufCMessageDescriptor *sub = fd->descriptor;
            size_t tag_len = pos - field_start - (content_end - content) - varint_len(content_end - content);
            if (w->writing) {
                size_t sub_size = next_size(w);
                memcpy(w->out + w->out_pos, w->data + field_start, tag_len);
                w->out_pos += tag_len;
                put_varint(w, sub_size);
                if (!walk(w, sub, content, content_end, depth + 1, NULL))
                    return false;
            } else {
                size_t *slot = NULL, sub_size = 0;
                if (!w->validate_only && !record_size(w, &slot))
                    return false;
                if (!walk(w, sub, content, content_end, depth + 1, &sub_size))
                    return false;
                if (slot)
                    *slot = sub_size; /* pointer: the recursion may have added blocks */
                kept += tag_len + varint_len(sub_size) + sub_size;
            }
            continue;
        }
        if (fd->type == PROTOBUF_C_TYPE_ENUM && !fd->descriptor)
            return fail(w, "internal: enum field '%s' without descriptor", fname);
        if (w->writing) {
            memcpy(w->out + w->out_pos, w->data + field_start, pos - field_start);
            w->out_pos += pos - field_start;
        } else {
            kept += pos - field_start;
        }
    }
    if (is_tensor) {
        w->changed = true;
        size_t marker = varint_len((uint64_t)OL_WIRE_PAYLOAD_FIELD << 3) + varint_len(tensor_index);
        if (w->writing) {
            put_varint(w, (uint64_t)OL_WIRE_PAYLOAD_FIELD << 3);
            put_varint(w, tensor_index);
        } else {
            kept += marker;
        }
    }
    if (size)
        *size = kept;
    return true;
}

onnxlint_status ol_wire_strip(const uint8_t *data, size_t len, const ProtobufCMessageDescriptor *root,
                              ol_arena *tmp, ol_arena *keep, ol_wire_result *out, char *why, size_t why_len)
{
    walker w = {.data = data, .tmp = tmp, .why = why, .why_len = why_len};
    size_t total = 0;
    memset(out, 0, sizeof *out);
    if (!walk(&w, root, 0, len, 1, &total))
        return tmp->failed ? ONNXLINT_ENOMEM : w.limit_hit ? ONNXLINT_ELIMIT : ONNXLINT_EMALFORMED;
    size_t n_tensors = w.n_tensors;
    if (!w.changed && total == len) {
        /* Nothing to leave out: protobuf-c can read the bytes as they are. */
        out->stripped = (uint8_t *)data;
        out->stripped_len = len;
        return ONNXLINT_OK;
    }
    out->payloads = n_tensors ? ol_arena_calloc(keep, n_tensors, sizeof *out->payloads) : NULL;
    out->stripped = ol_arena_alloc(tmp, total ? total : 1);
    if ((n_tensors && !out->payloads) || !out->stripped) {
        snprintf(why, why_len, "out of memory while reading the model's structure");
        return ONNXLINT_ENOMEM;
    }
    w.writing = true;
    w.out = out->stripped;
    w.payloads = out->payloads;
    w.n_sizes = 0;
    w.n_tensors = 0;
    w.cursor = NULL;
    walk(&w, root, 0, len, 1, NULL);
    out->stripped_len = w.out_pos;
    out->n_payloads = n_tensors;
    return ONNXLINT_OK;
}

int ol_wire_is_message(const uint8_t *data, size_t len, const ProtobufCMessageDescriptor *desc)
{
    walker w = {.data = data, .validate_only = true};
    size_t size;
    return walk(&w, desc, 0, len, 1, &size);
}
