/*
 * tensor.c - reading a tensor's values, on demand.
 *
 * The loader left every payload in the file (see wire.h); this is the one
 * place that reads one, and only for small tensors that inference needs
 * (shapes, axes, pads, scales).  Embedded data is read from the mapping
 * (raw_data directly; typed fields by re-scanning the TensorProto's bytes),
 * external data with pread on a file the loader already vetted.
 *
 * Invariant: every read is bounded by the recorded spans, which the loader
 * checked against the file and against the tensor's dims.
 */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "ir/ir.h"
#include "load/wire.h"

bool ol_elem_is_integral(int32_t t)
{
    switch (t) {
    case 2: case 3: case 4: case 5: case 6: case 7: case 9: case 12: case 13:
        return true;
    default:
        return false;
    }
}

bool ol_elem_is_floating(int32_t t)
{
    return t == 1 || t == 10 || t == 11 || t == 16;
}

const ol_type *ol_value_type(const ol_value *v)
{
    while ((v->flags & OL_VALUE_OUTER) && v->outer && v->inferred.kind == OL_TYPE_NONE)
        v = v->outer;
    return v->inferred.kind != OL_TYPE_NONE ? &v->inferred : v->type;
}

static float half_to_float(uint16_t h)
{
    uint32_t sign = (uint32_t)(h >> 15) << 31, exp = (h >> 10) & 0x1f, mant = h & 0x3ff;
    uint32_t bits;
    if (exp == 0) {
        if (mant == 0) {
            bits = sign;
        } else { /* subnormal */
            exp = 127 - 15 + 1;
            while (!(mant & 0x400)) {
                mant <<= 1;
                exp--;
            }
            bits = sign | (exp << 23) | ((mant & 0x3ff) << 13);
        }
    } else if (exp == 31) {
        bits = sign | 0x7f800000u | (mant << 13);
    } else {
        bits = sign | ((exp - 15 + 127) << 23) | (mant << 13);
    }
    float f;
    memcpy(&f, &bits, sizeof f);
    return f;
}

/* Decodes element i of little-endian raw bytes of the given type. */
static void decode_raw(const uint8_t *p, int32_t t, size_t i, ol_data *d)
{
    union {
        float f;
        double g;
        int64_t i64;
        int32_t i32;
        uint64_t u64;
        uint32_t u32;
        int16_t i16;
        uint16_t u16;
    } u;
    switch (t) {
    case 1: memcpy(&u.f, p + 4 * i, 4); d->reals[i] = u.f; break;
    case 11: memcpy(&u.g, p + 8 * i, 8); d->reals[i] = u.g; break;
    case 10: memcpy(&u.u16, p + 2 * i, 2); d->reals[i] = half_to_float(u.u16); break;
    case 16: {
        uint32_t bits;
        memcpy(&u.u16, p + 2 * i, 2);
        bits = (uint32_t)u.u16 << 16;
        memcpy(&u.f, &bits, 4);
        d->reals[i] = u.f;
        break;
    }
    case 7: memcpy(&u.i64, p + 8 * i, 8); d->values[i] = ol_dim_value(u.i64); break;
    case 13: memcpy(&u.u64, p + 8 * i, 8); d->values[i] = ol_dim_value((int64_t)u.u64); break;
    case 6: memcpy(&u.i32, p + 4 * i, 4); d->values[i] = ol_dim_value(u.i32); break;
    case 12: memcpy(&u.u32, p + 4 * i, 4); d->values[i] = ol_dim_value(u.u32); break;
    case 5: memcpy(&u.i16, p + 2 * i, 2); d->values[i] = ol_dim_value(u.i16); break;
    case 4: memcpy(&u.u16, p + 2 * i, 2); d->values[i] = ol_dim_value(u.u16); break;
    case 3: d->values[i] = ol_dim_value((int8_t)p[i]); break;
    case 2: case 9: d->values[i] = ol_dim_value(p[i]); break;
    default: break;
    }
}

/* Stores one element read from a typed field. */
static void store_typed(ol_data *d, size_t i, uint32_t field, uint64_t bits)
{
    int32_t t = d->elem_type;
    if (field == 4) { /* float_data */
        float f;
        uint32_t b = (uint32_t)bits;
        memcpy(&f, &b, 4);
        d->reals[i] = f;
    } else if (field == 10) { /* double_data */
        double g;
        memcpy(&g, &bits, 8);
        d->reals[i] = g;
    } else if (field == 5 && (t == 10 || t == 16)) { /* halves in int32_data */
        uint16_t h = (uint16_t)bits;
        if (t == 10) {
            d->reals[i] = half_to_float(h);
        } else {
            uint32_t b = (uint32_t)h << 16;
            float f;
            memcpy(&f, &b, 4);
            d->reals[i] = f;
        }
    } else if (field == 5) { /* int32_data: sign-extended varints */
        d->values[i] = ol_dim_value((int32_t)bits);
    } else if (field == 7) {
        d->values[i] = ol_dim_value((int64_t)bits);
    } else if (field == 11) {
        d->values[i] = ol_dim_value((int64_t)bits);
    }
}

/* Re-scans the TensorProto's bytes for its typed payload field. */
static bool read_typed(const uint8_t *msg, size_t len, uint32_t field, ol_data *d)
{
    size_t pos = 0, i = 0;
    while (pos < len) {
        uint64_t tag, v;
        if (!ol_wire_varint(msg, len, &pos, &tag))
            return false;
        unsigned wt = tag & 7;
        bool ours = (tag >> 3) == field;
        if (wt == 2) {
            if (!ol_wire_varint(msg, len, &pos, &v) || v > len - pos)
                return false;
            size_t end = pos + (size_t)v;
            if (ours) { /* packed */
                while (pos < end && i < d->count) {
                    uint64_t bits = 0;
                    if (field == 4) {
                        uint32_t b;
                        if (end - pos < 4)
                            return false;
                        memcpy(&b, msg + pos, 4);
                        bits = b;
                        pos += 4;
                    } else if (field == 10) {
                        if (end - pos < 8)
                            return false;
                        memcpy(&bits, msg + pos, 8);
                        pos += 8;
                    } else if (!ol_wire_varint(msg, end, &pos, &bits)) {
                        return false;
                    }
                    store_typed(d, i++, field, bits);
                }
            }
            pos = end;
        } else if (wt == 0) {
            if (!ol_wire_varint(msg, len, &pos, &v))
                return false;
            if (ours && i < d->count)
                store_typed(d, i++, field, v);
        } else if (wt == 1 || wt == 5) {
            size_t n = wt == 1 ? 8 : 4;
            if (len - pos < n)
                return false;
            if (ours && i < d->count) {
                uint64_t bits = 0;
                memcpy(&bits, msg + pos, n);
                store_typed(d, i++, field, bits);
            }
            pos += n;
        } else {
            return false;
        }
    }
    return i == d->count;
}

ol_data *ol_tensor_read(onnxlint_model *m, const ol_tensor *t)
{
    bool integral = ol_elem_is_integral(t->elem_type), floating = ol_elem_is_floating(t->elem_type);
    if ((!integral && !floating) || t->count > OL_MAX_PROPAGATED_ELEMENTS || t->proto->segment)
        return NULL;
    ol_data *d = ol_arena_calloc(&m->arena, 1, sizeof *d);
    if (!d)
        return NULL;
    d->elem_type = t->elem_type;
    d->rank = t->rank;
    d->dims = t->dims;
    d->count = (size_t)t->count;
    if (integral)
        d->values = ol_arena_calloc(&m->arena, d->count + 1, sizeof *d->values);
    else
        d->reals = ol_arena_calloc(&m->arena, d->count + 1, sizeof *d->reals);
    if (!d->values && !d->reals)
        return NULL;
    size_t bytes = d->count * (ol_elem_type_bits(t->elem_type) / 8);
    if (t->external_path) {
        uint8_t buf[OL_MAX_PROPAGATED_ELEMENTS * 8];
        if (bytes > sizeof buf || t->external_length < bytes)
            return NULL;
        int fd = open(t->external_path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
        if (fd < 0)
            return NULL;
        ssize_t got = pread(fd, buf, bytes, (off_t)t->external_offset);
        close(fd);
        if (got < 0 || (size_t)got != bytes)
            return NULL;
        for (size_t i = 0; i < d->count; i++)
            decode_raw(buf, t->elem_type, i, d);
        return d;
    }
    const ol_payload *p = t->payload;
    if (!p)
        return d->count == 0 ? d : NULL;
    if (p->raw_offset != OL_NO_OFFSET) {
        uint8_t buf[OL_MAX_PROPAGATED_ELEMENTS * 8];
        if (p->raw_length < bytes || bytes > sizeof buf || !ol_model_read(m, p->raw_offset, bytes, buf))
            return NULL;
        for (size_t i = 0; i < d->count; i++)
            decode_raw(buf, t->elem_type, i, d);
        return d;
    }
    if (d->count == 0)
        return d;
    /* The TensorProto's bytes, read into scratch space freed right after. */
    ol_arena scratch;
    ol_arena_init(&scratch, &m->arena.allocator, p->message_length + ((size_t)1 << 20));
    uint8_t *msg = p->typed_field ? ol_arena_alloc_bytes(&scratch, p->message_length + 1) : NULL;
    bool ok = msg && ol_model_read(m, p->message_offset, p->message_length, msg) &&
              read_typed(msg, p->message_length, p->typed_field, d);
    ol_arena_destroy(&scratch);
    return ok ? d : NULL;
}
