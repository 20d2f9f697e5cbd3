/*
 * wire.c - validate a protobuf message against its descriptors and decode
 * it into protobuf-c's structs, tensor payloads left in the file (see
 * wire.h for the why).
 *
 * Invariants: every read is bounds-checked against the enclosing message's
 * end; recursion depth never exceeds OL_MAX_MESSAGE_DEPTH; each message is
 * scanned (validated, repeated fields counted) before anything of it is
 * stored, so the storing loop over the same bytes needs no checks of its
 * own beyond what next_field repeats.
 */
#include "load/wire.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "onnx.pb-c.h"
#include "util/bytes.h"

/* Most fields one message type may declare (ONNX's largest has 16). */
#define OL_WIRE_MAX_DECLARED 64
/* Longest encoding of a field key: a 32-bit varint (protobuf's own
 * parser refuses a sixth byte, even one that only pads with zeros). */
#define OL_WIRE_MAX_KEY_BYTES 5
/* TensorProto.external_data: its keys and values may hold no NUL. */
#define TENSOR_EXTERNAL_DATA 13

/* One stretch of the file that holds (part of) a message's fields.  A
 * singular message field that occurs more than once is one message made
 * of all its occurrences, as protobuf merges them: parsing the
 * concatenation of two serialized messages is merging them. */
typedef ol_wire_span span;

/* The depth of ModelProto.graph (the model is 1): its nodes are at 3. */
#define MAIN_GRAPH_DEPTH 2

/* How many distinct repetitive strings the decoder remembers. */
#define OL_WIRE_RECENT_STRINGS 32

typedef struct walker {
    const uint8_t *data;
    ol_arena *arena;  /* decoded messages; NULL when only validating */
    ol_arena *tmp;    /* scratch: the spans of the nodes the lazy mode leaves */
    ol_arena *shells; /* ol_wire_node: the NodeProto struct and its arrays of names */
    ol_payload *payloads; /* in arena, grown by doubling */
    size_t n_payloads, cap_payloads;
    uint64_t entries;
    bool lazy; /* the model's graph's nodes are left in the file */
    const ProtobufCMessage *main_graph; /* lazy: that graph, once decoded */
    span *main_nodes;                   /* and where its nodes lie */
    size_t n_main_nodes;
    char *why;
    size_t why_len;
    size_t longest;     /* ol_wire_node: the node's longest string (see there) */
    bool limit_hit;     /* the failure is a limit, not malformed bytes */
    bool external_data; /* decoding a TensorProto's external_data entries */
    struct {            /* repetitive strings decoded lately (see shared_string) */
        const char *s;
        size_t len;
    } recent[OL_WIRE_RECENT_STRINGS];
} walker;

/* One field of a message, as found on the wire. */
typedef struct field {
    const ProtobufCFieldDescriptor *fd; /* NULL: a field the schema does not know */
    uint32_t number;
    unsigned wire_type;
    size_t start;          /* the tag's first byte */
    size_t content, end;   /* the value's bytes (the length prefix excluded) */
    uint64_t value;        /* wire type 0: the varint */
    uint64_t elements;     /* packed: how many elements; otherwise 1 */
    bool packed;
} field;

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

/* ol_wire_varint with the one-byte case inline: most tags and lengths. */
static inline int varint(const uint8_t *data, size_t end, size_t *pos, uint64_t *value)
{
    if (*pos < end && data[*pos] < 0x80) {
        *value = data[(*pos)++];
        return 1;
    }
    return ol_wire_varint(data, end, pos, value);
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

/* Bytes one element of the field's type takes in protobuf-c's structs. */
static size_t element_size(ProtobufCType type)
{
    switch (type) {
    case PROTOBUF_C_TYPE_SFIXED64:
    case PROTOBUF_C_TYPE_FIXED64:
    case PROTOBUF_C_TYPE_DOUBLE:
    case PROTOBUF_C_TYPE_INT64:
    case PROTOBUF_C_TYPE_SINT64:
    case PROTOBUF_C_TYPE_UINT64:
        return 8;
    case PROTOBUF_C_TYPE_BOOL:
        return sizeof(protobuf_c_boolean);
    case PROTOBUF_C_TYPE_STRING:
        return sizeof(char *);
    case PROTOBUF_C_TYPE_BYTES:
        return sizeof(ProtobufCBinaryData);
    case PROTOBUF_C_TYPE_MESSAGE:
        return sizeof(ProtobufCMessage *);
    default:
        return 4; /* int32, sint32, sfixed32, uint32, fixed32, float, enum */
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
    /* Each varint is read as the storing pass will read it, so the count
     * is exactly what that pass stores (an 11-byte run of continuation
     * bytes is one element by its terminators but two reads). */
    uint64_t n = 0, v;
    for (size_t pos = begin; pos < end; n++) {
        if (!varint(w->data, end, &pos, &v))
            return fail(w, "packed varints at offset %zu: element %llu is truncated or longer than 10 bytes", begin,
                        (unsigned long long)n);
    }
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

/* The descriptor of field number in desc, or NULL.  ONNX numbers most
 * fields 1..n in order, which protobuf-c's generated tables keep sorted by
 * number: look there first. */
static const ProtobufCFieldDescriptor *field_of(const ProtobufCMessageDescriptor *desc, uint32_t number)
{
    if (number && number <= desc->n_fields && desc->fields[number - 1].id == number)
        return &desc->fields[number - 1];
    return protobuf_c_message_descriptor_get_field(desc, number);
}

/* A varint that the scan has checked: one byte in the common case. */
static uint64_t checked_varint(const uint8_t *data, size_t end, size_t *pos)
{
    if (data[*pos] < 0x80)
        return data[(*pos)++];
    uint64_t v = 0;
    ol_wire_varint(data, end, pos, &v);
    return v;
}

/* Re-reads a field that next_field has checked (the storing pass). */
static void reread_field(const uint8_t *data, const ProtobufCMessageDescriptor *desc, size_t end, size_t *pos,
                         field *f)
{
    uint64_t tag = checked_varint(data, end, pos);
    f->number = (uint32_t)(tag >> 3);
    f->wire_type = (unsigned)(tag & 7);
    f->fd = field_of(desc, f->number);
    f->content = *pos;
    switch (f->wire_type) {
    case 0:
        f->value = checked_varint(data, end, pos);
        break;
    case 1:
        *pos += 8;
        break;
    case 5:
        *pos += 4;
        break;
    default: { /* 2: groups and invalid types were refused by the scan */
        uint64_t len = checked_varint(data, end, pos);
        f->content = *pos;
        *pos += (size_t)len;
        break;
    }
    }
    f->end = *pos;
    f->packed = f->fd && f->wire_type == 2 && f->fd->label == PROTOBUF_C_LABEL_REPEATED &&
                natural_wire_type(f->fd->type) != 2;
}

/* Reads and checks the field at *pos of a message of type desc ending at
 * end: its tag, a wire type that fits the declared type, its length. */
static bool next_field(walker *w, const ProtobufCMessageDescriptor *desc, size_t end, size_t *pos, field *f)
{
    size_t field_start = *pos;
    /* Most fields of a large message: a one-byte tag of a declared string or
     * message field (numbered in order) and a one-byte length.  Anything
     * else, and every error, goes the general way below. */
    const uint8_t *data = w->data;
    if (field_start + 1 < end && data[field_start] < 0x80 && (data[field_start] & 7) == 2 &&
        data[field_start + 1] < 0x80) {
        unsigned number = data[field_start] >> 3;
        size_t len = data[field_start + 1];
        const ProtobufCFieldDescriptor *fd =
            number && number <= desc->n_fields && desc->fields[number - 1].id == number ? &desc->fields[number - 1] : NULL;
        if (fd && natural_wire_type(fd->type) == 2 && len <= end - field_start - 2) {
            *f = (field){.fd = fd, .number = number, .wire_type = 2, .start = field_start, .content = field_start + 2,
                         .end = field_start + 2 + len, .elements = 1};
            *pos = f->end;
            return true;
        }
    }
    uint64_t tag;
    if (!varint(w->data, end, pos, &tag))
        return fail(w, "truncated or invalid field tag in %s at offset %zu", short_name(desc), field_start);
    if (*pos - field_start > OL_WIRE_MAX_KEY_BYTES)
        return fail(w, "field tag in %s at offset %zu takes %zu bytes; a key is a 32-bit varint of at most %d",
                    short_name(desc), field_start, *pos - field_start, OL_WIRE_MAX_KEY_BYTES);
    uint64_t number64 = tag >> 3;
    unsigned wire_type = (unsigned)(tag & 7);
    if (number64 == 0 || number64 > 536870911u)
        return fail(w, "invalid field number %llu in %s at offset %zu", (unsigned long long)number64, short_name(desc),
                    field_start);
    uint32_t number = (uint32_t)number64;
    const ProtobufCFieldDescriptor *fd = field_of(desc, number);
    const char *fname = fd ? fd->name : "unknown";
    *f = (field){.fd = fd, .number = number, .wire_type = wire_type, .start = field_start, .elements = 1};
    switch (wire_type) {
    case 0:
        f->content = *pos;
        if (!varint(w->data, end, pos, &f->value))
            return fail(w, "truncated varint in field '%s' of %s at offset %zu", fname, short_name(desc), field_start);
        break;
    case 1:
    case 5: {
        size_t n = wire_type == 1 ? 8 : 4;
        if (end - *pos < n)
            return fail(w, "truncated: field '%s' of %s at offset %zu needs %zu bytes, %zu remain", fname,
                        short_name(desc), field_start, n, end - *pos);
        f->content = *pos;
        *pos += n;
        break;
    }
    case 2: {
        uint64_t v;
        if (!varint(w->data, end, pos, &v))
            return fail(w, "truncated length of field '%s' of %s at offset %zu", fname, short_name(desc), field_start);
        if (v > end - *pos)
            return fail(w, "truncated: field '%s' of %s at offset %zu needs %llu bytes, %zu remain", fname,
                        short_name(desc), field_start, (unsigned long long)v, end - *pos);
        f->content = *pos;
        *pos += (size_t)v;
        break;
    }
    case 3:
    case 4:
        return fail(w, "group wire type %u (unused by ONNX) for field %u of %s at offset %zu", wire_type, number,
                    short_name(desc), field_start);
    default:
        return fail(w, "invalid wire type %u for field %u of %s at offset %zu", wire_type, number, short_name(desc),
                    field_start);
    }
    f->end = *pos;
    if (!fd)
        return true;
    unsigned natural = natural_wire_type(fd->type);
    bool repeated = fd->label == PROTOBUF_C_LABEL_REPEATED;
    f->packed = repeated && natural != 2 && wire_type == 2;
    if (wire_type != natural && !f->packed)
        return fail(w, "field '%s' of %s at offset %zu has wire type %u, expected %u", fname, short_name(desc),
                    field_start, wire_type, natural);
    if (f->packed && !packed_count(w, fd->type, f->content, f->end, &f->elements))
        return false;
    if (fd->type == PROTOBUF_C_TYPE_ENUM && !fd->descriptor)
        return fail(w, "internal: enum field '%s' without descriptor", fname);
    return true;
}

/* Checks every field of the message in data[begin..end) (not its
 * submessages), counts the repeated elements of each declared field into
 * counts (indexed like desc->fields; a singular message field counts its
 * occurrences) and charges the entries.  A
 * TensorProto's payload fields are recorded in payload (when not NULL)
 * instead of counted. */
static bool scan(walker *w, const ProtobufCMessageDescriptor *desc, size_t begin, size_t end, uint64_t *counts,
                 ol_payload *payload)
{
    size_t pos = begin;
    uint64_t n_fields = 0;
    while (pos < end) {
        if (++n_fields > OL_MAX_FIELDS_PER_MESSAGE && (w->limit_hit = true))
            return fail(w, "too many entries: %s at offset %zu has more than %llu fields; limit OL_MAX_FIELDS_PER_MESSAGE",
                        short_name(desc), begin, (unsigned long long)OL_MAX_FIELDS_PER_MESSAGE);
        field f;
        if (!next_field(w, desc, end, &pos, &f))
            return false;
        if (!f.fd)
            continue;
        if (is_payload_field(desc, f.number)) {
            if (payload && f.number == 9) {
                payload->raw_offset = f.content;
                payload->raw_length = f.end - f.content;
            } else if (payload) {
                payload->typed_field = f.number;
                payload->typed_bytes += f.end - f.content;
                payload->typed_count += f.elements;
            }
            continue;
        }
        bool repeated = f.fd->label == PROTOBUF_C_LABEL_REPEATED;
        if (repeated) {
            counts[f.fd - desc->fields] += f.elements;
            if (!count_entries(w, f.elements, desc))
                return false;
        } else if (f.fd->type == PROTOBUF_C_TYPE_MESSAGE) {
            counts[f.fd - desc->fields]++; /* occurrences, merged when more than one */
            if (!count_entries(w, 1, desc))
                return false;
        }
    }
    return true;
}

/* Reads one scalar element at *pos (packed data) of the given wire type. */
static uint64_t read_scalar(const uint8_t *data, size_t end, size_t *pos, unsigned wire_type)
{
    uint64_t v = 0;
    if (wire_type == 0) {
        ol_wire_varint(data, end, pos, &v); /* checked by packed_count / next_field */
        return v;
    }
    size_t n = wire_type == 1 ? 8 : 4;
    for (size_t i = 0; i < n; i++)
        v |= (uint64_t)data[*pos + i] << (8 * i);
    *pos += n;
    return v;
}

/* Stores a scalar read from the wire (a varint, or the bits of a fixed
 * field) as protobuf-c does. */
static void store_scalar(ProtobufCType type, void *dst, uint64_t v)
{
    switch (type) {
    case PROTOBUF_C_TYPE_INT32:
    case PROTOBUF_C_TYPE_SFIXED32:
    case PROTOBUF_C_TYPE_ENUM: {
        int32_t x = (int32_t)(uint32_t)v;
        memcpy(dst, &x, 4);
        break;
    }
    case PROTOBUF_C_TYPE_SINT32: {
        uint32_t u = (uint32_t)v;
        int32_t x = (int32_t)(u >> 1) ^ -(int32_t)(u & 1);
        memcpy(dst, &x, 4);
        break;
    }
    case PROTOBUF_C_TYPE_UINT32:
    case PROTOBUF_C_TYPE_FIXED32:
    case PROTOBUF_C_TYPE_FLOAT: { /* a float's bits, as they are */
        uint32_t x = (uint32_t)v;
        memcpy(dst, &x, 4);
        break;
    }
    case PROTOBUF_C_TYPE_SINT64: {
        int64_t x = (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
        memcpy(dst, &x, 8);
        break;
    }
    case PROTOBUF_C_TYPE_BOOL: {
        protobuf_c_boolean x = v != 0;
        memcpy(dst, &x, sizeof x);
        break;
    }
    default: /* int64, uint64, sfixed64, fixed64, double */
        memcpy(dst, &v, 8);
        break;
    }
}

static ProtobufCMessage *decode(walker *w, const ProtobufCMessageDescriptor *desc, const span *spans,
                                size_t n_spans, int depth);

/* Stores one element of field f into dst. */
static bool store_one(walker *w, const field *f, void *dst, int depth)
{
    const ProtobufCFieldDescriptor *fd = f->fd;
    size_t len = f->end - f->content;
    switch (fd->type) {
    case PROTOBUF_C_TYPE_STRING: {
        /* A C string ends at a NUL: "weights.bin\0../../etc/passwd" would
         * be read as "weights.bin".  A file location cannot hold one. */
        if (w->external_data && memchr(w->data + f->content, 0, len))
            return fail(w, "external data %s of a TensorProto at offset %zu contains a NUL byte", fd->name,
                        f->content);
        char *s = ol_arena_alloc_bytes(w->arena, len + 1);
        if (!s)
            return fail(w, "out of memory while reading the model's structure");
        memcpy(s, w->data + f->content, len);
        s[len] = '\0';
        memcpy(dst, &s, sizeof s);
        return true;
    }
    case PROTOBUF_C_TYPE_BYTES: {
        ProtobufCBinaryData b = {len, NULL};
        if (len) {
            b.data = ol_arena_alloc_bytes(w->arena, len);
            if (!b.data)
                return fail(w, "out of memory while reading the model's structure");
            memcpy(b.data, w->data + f->content, len);
        }
        memcpy(dst, &b, sizeof b);
        return true;
    }
    case PROTOBUF_C_TYPE_MESSAGE: {
        span one = {f->content, f->end};
        ProtobufCMessage *sub = decode(w, fd->descriptor, &one, 1, depth + 1);
        if (!sub)
            return false;
        memcpy(dst, &sub, sizeof sub);
        return true;
    }
    default: {
        size_t pos = f->content;
        store_scalar(fd->type, dst, read_scalar(w->data, f->end, &pos, f->wire_type));
        return true;
    }
    }
}

/* A TensorProto's payload record, numbered in the order tensors are met. */
static ol_payload *new_payload(walker *w, size_t *index)
{
    if (w->n_payloads == w->cap_payloads) {
        size_t cap = w->cap_payloads ? w->cap_payloads * 2 : 16;
        ol_payload *grown = ol_arena_alloc(w->arena, cap * sizeof *grown);
        if (!grown)
            return NULL;
        if (w->n_payloads)
            memcpy(grown, w->payloads, w->n_payloads * sizeof *grown);
        w->payloads = grown;
        w->cap_payloads = cap;
    }
    *index = w->n_payloads;
    return &w->payloads[w->n_payloads++];
}

/* The payload index as the unknown field OL_WIRE_PAYLOAD_FIELD. */
static bool add_marker(walker *w, ProtobufCMessage *msg, size_t index)
{
    ProtobufCMessageUnknownField *u = ol_arena_alloc(w->arena, sizeof *u);
    uint8_t *bytes = ol_arena_alloc(w->arena, 10);
    if (!u || !bytes)
        return false;
    size_t n = 0;
    uint64_t v = index;
    while (v >= 0x80) {
        bytes[n++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    bytes[n++] = (uint8_t)v;
    *u = (ProtobufCMessageUnknownField){.tag = OL_WIRE_PAYLOAD_FIELD, .wire_type = PROTOBUF_C_WIRE_TYPE_VARINT,
                                        .len = n, .data = bytes};
    msg->n_unknown_fields = 1;
    msg->unknown_fields = u;
    return true;
}

/* The occurrences of singular message field fd in the spans that make up
 * one message, in order, as the spans of its merged value: an occurrence
 * of another member of fd's oneof starts the value afresh, as protobuf
 * does.  Returns how many (out NULL: only counts); *peak is the most out
 * holds on the way, before a restart: what out must have room for. */
static size_t gather(const walker *w, const ProtobufCMessageDescriptor *desc, const span *spans, size_t n_spans,
                     const ProtobufCFieldDescriptor *fd, span *out, size_t *peak)
{
    bool oneof = fd->flags & PROTOBUF_C_FIELD_FLAG_ONEOF;
    size_t n = 0;
    *peak = 0;
    for (size_t s = 0; s < n_spans; s++) {
        for (size_t pos = spans[s].begin; pos < spans[s].end;) {
            field f;
            reread_field(w->data, desc, spans[s].end, &pos, &f);
            if (f.fd == fd) {
                if (out)
                    out[n] = (span){f.content, f.end};
                n++;
                *peak = n > *peak ? n : *peak;
            } else if (oneof && f.fd && (f.fd->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) &&
                       f.fd->quantifier_offset == fd->quantifier_offset) {
                n = 0;
            }
        }
    }
    return n;
}

/* Whether another member of fd's oneof occurs in the message too. */
static bool contested(const ProtobufCMessageDescriptor *desc, const uint64_t *counts,
                      const ProtobufCFieldDescriptor *fd)
{
    if (!(fd->flags & PROTOBUF_C_FIELD_FLAG_ONEOF))
        return false;
    for (unsigned i = 0; i < desc->n_fields; i++) {
        const ProtobufCFieldDescriptor *other = &desc->fields[i];
        if (other != fd && counts[i] && (other->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) &&
            other->quantifier_offset == fd->quantifier_offset)
            return true;
    }
    return false;
}

/* Decodes the merged value of singular message field fd (see gather) into
 * slot; leaves it alone when another member of its oneof comes last. */
static bool store_merged(walker *w, const ProtobufCMessageDescriptor *desc, const span *spans, size_t n_spans,
                         const ProtobufCFieldDescriptor *fd, ProtobufCMessage *msg, int depth)
{
    size_t peak;
    size_t n = gather(w, desc, spans, n_spans, fd, NULL, &peak);
    if (!n)
        return true;
    span one, *parts = peak == 1 ? &one : ol_arena_alloc(w->tmp, peak * sizeof *parts);
    if (!parts)
        return fail(w, "out of memory while reading the model's structure");
    gather(w, desc, spans, n_spans, fd, parts, &peak);
    ProtobufCMessage *sub = decode(w, fd->descriptor, parts, n, depth + 1);
    if (!sub)
        return false;
    memcpy((char *)msg + fd->offset, &sub, sizeof sub);
    if (fd->flags & PROTOBUF_C_FIELD_FLAG_ONEOF)
        *(uint32_t *)((char *)msg + fd->quantifier_offset) = fd->id;
    return true;
}

/* Scans the spans of one TensorProto for its payload: raw_data last wins
 * as for any bytes field; the typed repeated fields would concatenate
 * across occurrences, which one recorded range cannot express, so a
 * tensor whose typed data is spread over several is refused. */
static bool scan_tensor(walker *w, const ProtobufCMessageDescriptor *desc, const span *spans, size_t n_spans,
                        uint64_t *counts, ol_payload *payload)
{
    size_t typed_in = n_spans;
    for (size_t s = 0; s < n_spans; s++) {
        uint64_t before = payload->typed_bytes + payload->typed_count;
        if (!scan(w, desc, spans[s].begin, spans[s].end, counts, payload))
            return false;
        if (payload->typed_bytes + payload->typed_count == before)
            continue;
        if (typed_in != n_spans)
            return fail(w, "TensorProto at offset %zu is given in several parts that each carry typed data; "
                           "onnxlint reads a tensor's data from one part",
                        spans[0].begin);
        typed_in = s;
    }
    size_t at = typed_in < n_spans ? typed_in : 0;
    payload->message_offset = spans[at].begin;
    payload->message_length = spans[at].end - spans[at].begin;
    return true;
}

/* Whether a message of type desc at depth is the graph whose nodes a lazy
 * decoding leaves in the file: the model's graph (ModelProto.graph, which
 * the loader builds and so decodes, every node; a ModelProto has one, its
 * occurrences merged), not a subgraph or a training graph. */
static bool lazy_graph(const walker *w, const ProtobufCMessageDescriptor *desc, int depth)
{
    return w->lazy && depth == MAIN_GRAPH_DEPTH && desc == &onnx__graph_proto__descriptor;
}

/* Where a message of type desc goes (fd NULL), or the array of its
 * repeated field fd: a NodeProto's struct and arrays of names go to the
 * shells the caller of ol_wire_node recycles; everything else, its
 * strings and attributes included, to the arena. */
static ol_arena *shell_arena(const walker *w, const ProtobufCMessageDescriptor *desc,
                             const ProtobufCFieldDescriptor *fd)
{
    return w->shells && desc == &onnx__node_proto__descriptor && (!fd || fd->type == PROTOBUF_C_TYPE_STRING)
               ? w->shells
               : w->arena;
}

/* Most fields a message may have for the single pass of decode_small. */
#define SMALL_FIELDS 24

/* One field as decode_small's checking pass found it. */
typedef struct small_field {
    const ProtobufCFieldDescriptor *fd;
    size_t content, end;
    uint64_t value;     /* wire type 0: the varint */
    const char *shared; /* a string: the copy decoded before, or NULL */
} small_field;

/* Whether field id of desc holds a string that repeats across a graph: a
 * node's operator and domain, an attribute's name. */
static bool repetitive(const ProtobufCMessageDescriptor *desc, unsigned id)
{
    return (desc == &onnx__node_proto__descriptor && (id == 4 || id == 7)) ||
           (desc == &onnx__attribute_proto__descriptor && id == 1);
}

/* The slot of recent[] the len bytes at s take: by length and the first
 * and last byte (an empty string reads no byte). */
static unsigned recent_slot(const uint8_t *s, size_t len)
{
    unsigned h = (unsigned)len * 7u;
    if (len)
        h += s[0] * 3u + s[len - 1];
    return h % OL_WIRE_RECENT_STRINGS;
}

/* The copy of the len bytes at s decoded lately, or NULL.  Every node of
 * a type then points to one string, so the passes over a large graph that
 * compare operator names read one cache line instead of one per node (and
 * the bytes are stored once).  One slot per string: a graph's operator
 * names are few, and one comparison a field is the point. */
static const char *shared_string(const walker *w, const uint8_t *s, size_t len)
{
    unsigned i = recent_slot(s, len);
    if (w->recent[i].s && w->recent[i].len == len && ol_same_short(w->recent[i].s, s, len))
        return w->recent[i].s;
    return NULL;
}

static void remember_string(walker *w, const char *s, size_t len)
{
    unsigned i = recent_slot((const uint8_t *)s, len);
    w->recent[i].s = s;
    w->recent[i].len = len;
}

/* The usual message of a graph (a node, an attribute, a value's type)
 * in one pass over its bytes instead of decode's two: its fields are
 * checked and recorded, then stored from the record.  Only for the plain
 * case: at most SMALL_FIELDS fields, each a field the schema declares
 * under its own number with its natural wire type (so nothing packed), no
 * singular message field twice, no two members of a oneof, no
 * TensorProto.  Anything else returns NULL with nothing charged or
 * allocated and *plain false, and decode takes the message, which words
 * any error as it always has. */
static ProtobufCMessage *decode_small(walker *w, const ProtobufCMessageDescriptor *desc, size_t begin, size_t end,
                                      int depth, bool *plain)
{
    small_field fields[SMALL_FIELDS];
    uint8_t counts[OL_WIRE_MAX_DECLARED] = {0};
    size_t n = 0, string_bytes = 0;
    uint64_t entries = 0, repeated_seen = 0; /* bit i: declared field i, repeated, occurs */
    const ProtobufCFieldDescriptor *oneof = NULL;
    const uint8_t *data = w->data;
    *plain = false;
    if (w->external_data || lazy_graph(w, desc, depth))
        return NULL; /* decode's business */
    for (size_t pos = begin; pos < end;) {
        if (n == SMALL_FIELDS || data[pos] >= 0x80) /* a one-byte tag: field numbers up to 15 */
            return NULL;
        unsigned tag = data[pos++];
        unsigned number = tag >> 3, wire_type = tag & 7;
        if (!number || number > desc->n_fields || desc->fields[number - 1].id != number)
            return NULL;
        const ProtobufCFieldDescriptor *fd = &desc->fields[number - 1];
        if (wire_type != natural_wire_type(fd->type))
            return NULL;
        small_field *f = &fields[n++];
        f->fd = fd;
        f->content = pos;
        switch (wire_type) {
        case 0:
            if (!varint(data, end, &pos, &f->value))
                return NULL;
            break;
        case 1:
        case 5: {
            size_t size = wire_type == 1 ? 8 : 4;
            if (end - pos < size)
                return NULL;
            pos += size;
            break;
        }
        default: { /* 2 */
            uint64_t len;
            if (!varint(data, end, &pos, &len) || len > end - pos)
                return NULL;
            f->content = pos;
            pos += (size_t)len;
            f->shared = NULL;
            if (fd->type == PROTOBUF_C_TYPE_STRING && repetitive(desc, fd->id))
                f->shared = shared_string(w, data + f->content, (size_t)len);
            if (fd->type == PROTOBUF_C_TYPE_STRING && !f->shared)
                string_bytes += (size_t)len + 1;
            break;
        }
        }
        f->end = pos;
        size_t index = (size_t)(fd - desc->fields);
        bool repeated = fd->label == PROTOBUF_C_LABEL_REPEATED;
        if (fd->type == PROTOBUF_C_TYPE_MESSAGE && !repeated && counts[index])
            return NULL; /* a merge */
        if (fd->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
            if (oneof && oneof != fd)
                return NULL; /* contested */
            oneof = fd;
        }
        counts[index]++;
        repeated_seen |= (uint64_t)repeated << index;
        entries += repeated || fd->type == PROTOBUF_C_TYPE_MESSAGE;
    }
    *plain = true;
    if (!count_entries(w, entries, desc))
        return NULL;

    ProtobufCMessage *msg = ol_arena_alloc(shell_arena(w, desc, NULL), desc->sizeof_message);
    char *strings = string_bytes ? ol_arena_alloc_bytes(w->arena, string_bytes) : NULL;
    if (!msg || (string_bytes && !strings))
        return fail(w, "out of memory while reading the model's structure"), NULL;
    desc->message_init(msg);
    for (; repeated_seen; repeated_seen &= repeated_seen - 1) {
        unsigned i = (unsigned)__builtin_ctzll(repeated_seen);
        const ProtobufCFieldDescriptor *fd = &desc->fields[i];
        void *array = ol_arena_alloc(shell_arena(w, desc, fd), counts[i] * element_size(fd->type));
        if (!array)
            return fail(w, "out of memory while reading the model's structure"), NULL;
        memcpy((char *)msg + fd->offset, &array, sizeof array);
    }
    for (size_t i = 0; i < n; i++) {
        const small_field *f = &fields[i];
        const ProtobufCFieldDescriptor *fd = f->fd;
        char *slot = (char *)msg + fd->offset;
        if (fd->label == PROTOBUF_C_LABEL_REPEATED) {
            size_t *count = (size_t *)((char *)msg + fd->quantifier_offset);
            char *array;
            memcpy(&array, slot, sizeof array);
            slot = array + (*count)++ * element_size(fd->type);
        } else if (fd->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
            *(uint32_t *)((char *)msg + fd->quantifier_offset) = fd->id;
        } else if (fd->label == PROTOBUF_C_LABEL_OPTIONAL && fd->type != PROTOBUF_C_TYPE_STRING &&
                   fd->type != PROTOBUF_C_TYPE_MESSAGE) {
            *(protobuf_c_boolean *)((char *)msg + fd->quantifier_offset) = 1;
        }
        size_t len = f->end - f->content;
        switch (fd->type) {
        case PROTOBUF_C_TYPE_STRING:
            if (f->shared) {
                memcpy(slot, &f->shared, sizeof f->shared);
                break;
            }
            memcpy(strings, data + f->content, len);
            strings[len] = '\0';
            memcpy(slot, &strings, sizeof strings);
            if (repetitive(desc, fd->id))
                remember_string(w, strings, len);
            strings += len + 1;
            break;
        case PROTOBUF_C_TYPE_BYTES:
        case PROTOBUF_C_TYPE_MESSAGE: {
            field whole = {.fd = fd, .content = f->content, .end = f->end};
            if (!store_one(w, &whole, slot, depth))
                return NULL;
            break;
        }
        default: {
            size_t pos = f->content;
            unsigned wire_type = natural_wire_type(fd->type);
            store_scalar(fd->type, slot, wire_type ? read_scalar(data, f->end, &pos, wire_type) : f->value);
            break;
        }
        }
    }
    return msg;
}

/* The NodeProto, most of a graph's bytes, by its own code and in one pass:
 * the generic one-pass path spends most of its time on looking up
 * descriptors.  Its fields (onnx.proto): 1 input, 2 output, 3 name, 4
 * op_type, 5 attribute, 6 doc_string, 7 domain, 8 overload, 9
 * metadata_props, 10 device_configurations, all length-delimited; a unit
 * test decodes a node with every one of them as protobuf-c does.  Strings
 * are copied as they are met; the messages (attributes, ...) are stored
 * after the last field, once their arrays are sized.  Only for the plain
 * case (at most SMALL_FIELDS fields, one-byte tags, nothing unknown): else
 * NULL with nothing charged or kept (the strings copied so far are given
 * back) and *plain false, for decode_small. */
#define NODE_FIELDS 10

static ProtobufCMessage *decode_node(walker *w, size_t begin, size_t end, int depth, bool *plain)
{
    static const Onnx__NodeProto node_init = ONNX__NODE_PROTO__INIT;
    const ProtobufCMessageDescriptor *desc = &onnx__node_proto__descriptor;
    const uint8_t *data = w->data;
    char *name = NULL, *op_type = NULL, *domain = NULL, *doc_string = NULL, *overload = NULL;
    char *in[SMALL_FIELDS], *out[SMALL_FIELDS];
    struct {
        size_t content, end;
        unsigned number;
    } messages[SMALL_FIELDS]; /* attribute, metadata_props, device_configurations */
    struct {
        const char *s;
        size_t len;
    } copied[SMALL_FIELDS]; /* op_type and domain copies, remembered once the node is plain */
    size_t n = 0, n_in = 0, n_out = 0, n_messages = 0, n_copied = 0, longest = 0;
    size_t counts[NODE_FIELDS + 1] = {0}; /* of the message fields (5, 9, 10), by number */
    char *mark = w->arena->cur;
    *plain = false;
    for (size_t pos = begin; pos < end; n++) {
        unsigned tag = data[pos];
        uint64_t len;
        size_t at = pos + 1;
        if (n == SMALL_FIELDS || tag >= 0x80 || (tag & 7) != 2 || (tag >> 3) - 1u >= NODE_FIELDS ||
            !varint(data, end, &at, &len) || len > end - at) {
            ol_arena_rewind(w->arena, mark);
            return NULL;
        }
        unsigned number = tag >> 3;
        pos = at + (size_t)len;
        if (number == 5 || number >= 9) {
            counts[number]++;
            messages[n_messages].content = at;
            messages[n_messages].end = pos;
            messages[n_messages++].number = number;
            continue;
        }
        longest = len > longest ? (size_t)len : longest;
        bool repetitive = number == 4 || number == 7;
        char *text = repetitive ? (char *)shared_string(w, data + at, (size_t)len) : NULL;
        if (!text) {
            if (!(text = ol_arena_alloc_bytes(w->arena, (size_t)len + 1))) {
                *plain = true; /* the arena has failed: so would any other path */
                return fail(w, "out of memory while reading the model's structure"), NULL;
            }
            ol_copy_short(text, data + at, (size_t)len);
            text[len] = '\0';
            if (repetitive) {
                copied[n_copied].s = text;
                copied[n_copied++].len = (size_t)len;
            }
        }
        switch (number) {
        case 1: in[n_in++] = text; break;
        case 2: out[n_out++] = text; break;
        case 3: name = text; break;
        case 4: op_type = text; break;
        case 6: doc_string = text; break;
        case 7: domain = text; break;
        default: overload = text; break;
        }
    }
    *plain = true;
    if (!count_entries(w, n_in + n_out + n_messages, desc))
        return NULL;
    ol_arena *shell = shell_arena(w, desc, NULL), *names = shell_arena(w, desc, &desc->fields[0]);
    Onnx__NodeProto *np = ol_arena_alloc(shell, sizeof *np);
    if (!np)
        return fail(w, "out of memory while reading the model's structure"), NULL;
    *np = node_init;
    if ((n_in && !(np->input = ol_arena_alloc(names, n_in * sizeof *np->input))) ||
        (n_out && !(np->output = ol_arena_alloc(names, n_out * sizeof *np->output))) ||
        (counts[5] && !(np->attribute = ol_arena_alloc(w->arena, counts[5] * sizeof *np->attribute))) ||
        (counts[9] && !(np->metadata_props = ol_arena_alloc(w->arena, counts[9] * sizeof *np->metadata_props))) ||
        (counts[10] &&
         !(np->device_configurations = ol_arena_alloc(w->arena, counts[10] * sizeof *np->device_configurations))))
        return fail(w, "out of memory while reading the model's structure"), NULL;
    for (size_t i = 0; i < n_in; i++)
        np->input[i] = in[i];
    for (size_t i = 0; i < n_out; i++)
        np->output[i] = out[i];
    np->n_input = n_in;
    np->n_output = n_out;
    np->name = name;
    np->op_type = op_type;
    np->domain = domain;
    np->doc_string = doc_string;
    np->overload = overload;
    for (size_t i = 0; i < n_copied; i++)
        remember_string(w, copied[i].s, copied[i].len);
    for (size_t i = 0; i < n_messages; i++) {
        field whole = {.fd = &desc->fields[messages[i].number - 1], .content = messages[i].content,
                       .end = messages[i].end};
        void *slot = messages[i].number == 5   ? (void *)&np->attribute[np->n_attribute++]
                     : messages[i].number == 9 ? (void *)&np->metadata_props[np->n_metadata_props++]
                                               : (void *)&np->device_configurations[np->n_device_configurations++];
        if (!store_one(w, &whole, slot, depth))
            return NULL;
    }
    if (depth == MAIN_GRAPH_DEPTH + 1) /* ol_wire_node's node, not one of its subgraphs' */
        w->longest = longest;
    return &np->base;
}

/* Validates and decodes the message of type desc made of the fields in
 * the spans of data (one span, unless merged). */
static ProtobufCMessage *decode(walker *w, const ProtobufCMessageDescriptor *desc, const span *spans,
                                size_t n_spans, int depth)
{
    if (n_spans == 1 && depth <= OL_MAX_MESSAGE_DEPTH && desc == &onnx__node_proto__descriptor) {
        bool plain;
        ProtobufCMessage *msg = decode_node(w, spans[0].begin, spans[0].end, depth, &plain);
        if (msg || plain)
            return msg;
    }
    if (n_spans == 1 && depth <= OL_MAX_MESSAGE_DEPTH && desc != &onnx__tensor_proto__descriptor &&
        desc->n_fields <= OL_WIRE_MAX_DECLARED) {
        bool plain;
        ProtobufCMessage *msg = decode_small(w, desc, spans[0].begin, spans[0].end, depth, &plain);
        if (msg || plain)
            return msg;
    }
    if (depth > OL_MAX_MESSAGE_DEPTH && (w->limit_hit = true))
        return fail(w, "messages nested deeper than %d levels (%s at offset %zu); limit OL_MAX_MESSAGE_DEPTH",
                    OL_MAX_MESSAGE_DEPTH, short_name(desc), spans[0].begin),
               NULL;
    if (desc->n_fields > OL_WIRE_MAX_DECLARED)
        return fail(w, "internal: %s declares %u fields", short_name(desc), desc->n_fields), NULL;
    uint64_t counts[OL_WIRE_MAX_DECLARED];
    memset(counts, 0, desc->n_fields * sizeof *counts);
    ol_payload *payload = NULL;
    size_t payload_index = 0;
    if (desc == &onnx__tensor_proto__descriptor) {
        payload = new_payload(w, &payload_index);
        if (!payload)
            return fail(w, "out of memory while reading the model's structure"), NULL;
        *payload = (ol_payload){.raw_offset = OL_NO_OFFSET};
        if (!scan_tensor(w, desc, spans, n_spans, counts, payload))
            return NULL;
    } else {
        for (size_t s = 0; s < n_spans; s++)
            if (!scan(w, desc, spans[s].begin, spans[s].end, counts, NULL))
                return NULL;
    }

    ProtobufCMessage *msg = ol_arena_alloc(shell_arena(w, desc, NULL), desc->sizeof_message);
    if (!msg)
        return fail(w, "out of memory while reading the model's structure"), NULL;
    desc->message_init(msg);
    span *nodes = NULL; /* the lazy mode's: a graph's nodes left in the file */
    size_t n_nodes = 0;
    for (unsigned i = 0; i < desc->n_fields; i++) {
        const ProtobufCFieldDescriptor *fd = &desc->fields[i];
        if (!counts[i] || fd->label != PROTOBUF_C_LABEL_REPEATED)
            continue;
        if (lazy_graph(w, desc, depth) && fd->id == 1) { /* GraphProto.node */
            if (!(nodes = ol_arena_alloc(w->tmp, counts[i] * sizeof *nodes)))
                return fail(w, "out of memory while reading the model's structure"), NULL;
            continue;
        }
        void *array = ol_arena_alloc(shell_arena(w, desc, fd), counts[i] * element_size(fd->type));
        if (!array)
            return fail(w, "out of memory while reading the model's structure"), NULL;
        memcpy((char *)msg + fd->offset, &array, sizeof array);
    }

    bool merged[OL_WIRE_MAX_DECLARED] = {false};
    for (size_t s = 0; s < n_spans; s++) {
        size_t end = spans[s].end;
        for (size_t pos = spans[s].begin; pos < end;) {
            if (nodes && w->data[pos] == 0x0a) { /* GraphProto.node, a one-byte tag: scanned, left */
                pos++;
                size_t len = (size_t)checked_varint(w->data, end, &pos);
                nodes[n_nodes++] = (span){pos, pos + len};
                pos += len;
                continue;
            }
            field f;
            reread_field(w->data, desc, end, &pos, &f);
            const ProtobufCFieldDescriptor *fd = f.fd;
            if (!fd || is_payload_field(desc, f.number))
                continue; /* unknown fields are dropped; payloads were recorded by the scan */
            char *slot = (char *)msg + fd->offset;
            if (nodes && fd->id == 1) { /* its bytes: checked when it is decoded */
                nodes[n_nodes++] = (span){f.content, f.end};
                continue;
            }
            if (fd->label == PROTOBUF_C_LABEL_REPEATED) {
                size_t *n = (size_t *)((char *)msg + fd->quantifier_offset);
                char *array;
                memcpy(&array, slot, sizeof array);
                size_t size = element_size(fd->type);
                if (f.packed) {
                    unsigned wire_type = natural_wire_type(fd->type);
                    for (size_t p = f.content; p < f.end;)
                        store_scalar(fd->type, array + (*n)++ * size, read_scalar(w->data, f.end, &p, wire_type));
                } else {
                    bool external = w->external_data;
                    w->external_data = payload && fd->id == TENSOR_EXTERNAL_DATA;
                    bool stored = store_one(w, &f, array + (*n)++ * size, depth);
                    w->external_data = external;
                    if (!stored)
                        return NULL;
                }
                continue;
            }
            size_t index = (size_t)(fd - desc->fields);
            if (fd->type == PROTOBUF_C_TYPE_MESSAGE && (counts[index] > 1 || contested(desc, counts, fd))) {
                /* Repeated or oneof-contested: all occurrences at once. */
                if (!merged[index] && !store_merged(w, desc, spans, n_spans, fd, msg, depth))
                    return NULL;
                merged[index] = true;
                continue;
            }
            if (!store_one(w, &f, slot, depth))
                return NULL;
            if (fd->flags & PROTOBUF_C_FIELD_FLAG_ONEOF)
                *(uint32_t *)((char *)msg + fd->quantifier_offset) = fd->id;
            else if (fd->label == PROTOBUF_C_LABEL_OPTIONAL && fd->type != PROTOBUF_C_TYPE_STRING &&
                     fd->type != PROTOBUF_C_TYPE_MESSAGE)
                *(protobuf_c_boolean *)((char *)msg + fd->quantifier_offset) = 1;
        }
    }
    if (nodes) {
        w->main_graph = msg;
        w->main_nodes = nodes;
        w->n_main_nodes = n_nodes;
    }
    if (payload && !add_marker(w, msg, payload_index))
        return fail(w, "out of memory while reading the model's structure"), NULL;
    return msg;
}

/* Decodes the root message of w's bytes (len of them) into out. */
static onnxlint_status decode_root(walker *w, const ProtobufCMessageDescriptor *root, size_t len, ol_wire_result *out)
{
    memset(out, 0, sizeof *out);
    span all = {0, len};
    out->message = decode(w, root, &all, 1, 1);
    if (!out->message)
        return w->arena->failed || w->tmp->failed ? ONNXLINT_ENOMEM
               : w->limit_hit                     ? ONNXLINT_ELIMIT
                                                  : ONNXLINT_EMALFORMED;
    out->payloads = w->payloads;
    out->n_payloads = w->n_payloads;
    return ONNXLINT_OK;
}

onnxlint_status ol_wire_decode(const uint8_t *data, size_t len, const ProtobufCMessageDescriptor *root,
                               ol_arena *arena, ol_arena *tmp, ol_wire_result *out, char *why, size_t why_len)
{
    walker w = {.data = data, .arena = arena, .tmp = tmp, .why = why, .why_len = why_len};
    return decode_root(&w, root, len, out);
}

struct ol_wire_lazy {
    walker w;
};

onnxlint_status ol_wire_decode_lazy(const uint8_t *data, size_t len, ol_arena *arena, ol_arena *tmp,
                                    ol_wire_result *out, ol_wire_lazy **lazy, char *why, size_t why_len)
{
    memset(out, 0, sizeof *out);
    *lazy = ol_arena_calloc(tmp, 1, sizeof **lazy);
    if (!*lazy) {
        snprintf(why, why_len, "out of memory while reading the model's structure");
        return ONNXLINT_ENOMEM;
    }
    walker *w = &(*lazy)->w;
    *w = (walker){.data = data, .arena = arena, .tmp = tmp, .why = why, .why_len = why_len, .lazy = true};
    return decode_root(w, &onnx__model_proto__descriptor, len, out);
}

bool ol_wire_graph_nodes(const ol_wire_lazy *lazy, const ProtobufCMessage *graph, const ol_wire_span **spans,
                         size_t *n)
{
    if (!lazy || !graph || graph != lazy->w.main_graph)
        return false;
    *spans = lazy->w.main_nodes;
    *n = lazy->w.n_main_nodes;
    return true;
}

onnxlint_status ol_wire_node(ol_wire_lazy *lazy, const ol_wire_span *where, ol_arena *shells, Onnx__NodeProto **out,
                             size_t *longest, char *why, size_t why_len)
{
    walker *w = &lazy->w;
    w->longest = SIZE_MAX;
    w->shells = shells;
    w->why = why;
    w->why_len = why_len;
    w->limit_hit = false;
    ProtobufCMessage *msg = decode(w, &onnx__node_proto__descriptor, where, 1, MAIN_GRAPH_DEPTH + 1);
    w->shells = NULL;
    *out = (Onnx__NodeProto *)msg;
    *longest = w->longest;
    if (!msg)
        return w->arena->failed || w->tmp->failed || shells->failed ? ONNXLINT_ENOMEM
               : w->limit_hit                                       ? ONNXLINT_ELIMIT
                                                                    : ONNXLINT_EMALFORMED;
    return ONNXLINT_OK;
}

void ol_wire_lazy_payloads(const ol_wire_lazy *lazy, ol_payload **payloads, size_t *n)
{
    *payloads = lazy->w.payloads;
    *n = lazy->w.n_payloads;
}

const ol_payload *ol_wire_payload_of(const ProtobufCMessage *tensor, const ol_payload *payloads, size_t n)
{
    for (size_t i = 0; i < tensor->n_unknown_fields; i++) {
        const ProtobufCMessageUnknownField *u = &tensor->unknown_fields[i];
        size_t pos = 0;
        uint64_t index;
        if (u->tag == OL_WIRE_PAYLOAD_FIELD && ol_wire_varint(u->data, u->len, &pos, &index) && index < n)
            return &payloads[index];
    }
    return NULL;
}

/* Checks the message in data[begin..end) and its submessages. */
static bool validate(walker *w, const ProtobufCMessageDescriptor *desc, size_t begin, size_t end, int depth)
{
    if (depth > OL_MAX_MESSAGE_DEPTH || desc->n_fields > OL_WIRE_MAX_DECLARED)
        return false;
    uint64_t counts[OL_WIRE_MAX_DECLARED];
    memset(counts, 0, desc->n_fields * sizeof *counts);
    if (!scan(w, desc, begin, end, counts, NULL))
        return false;
    for (size_t pos = begin; pos < end;) {
        field f;
        reread_field(w->data, desc, end, &pos, &f);
        if (f.fd && f.fd->type == PROTOBUF_C_TYPE_MESSAGE && !is_payload_field(desc, f.number) &&
            !validate(w, f.fd->descriptor, f.content, f.end, depth + 1))
            return false;
    }
    return true;
}

int ol_wire_is_message(const uint8_t *data, size_t len, const ProtobufCMessageDescriptor *desc)
{
    walker w = {.data = data};
    return validate(&w, desc, 0, len, 1);
}
