/*
 * test_wire.c - the wire decoder: validation, limits, payloads left in the
 * file, and the same messages protobuf-c would make.
 */
#define _XOPEN_SOURCE 700 /* nftw */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include <ftw.h>
#include <sys/stat.h>
#include <stdio.h>

#include "builder.h"
#include "load/wire.h"

static onnxlint_status strip(const uint8_t *data, size_t len, ol_arena *tmp, ol_arena *keep, ol_wire_result *r,
                             char *why)
{
    ol_arena_init(tmp, NULL, (size_t)1 << 30);
    ol_arena_init(keep, NULL, (size_t)1 << 30);
    return ol_wire_decode(data, len, &onnx__model_proto__descriptor, keep, tmp, r, why, 256);
}

static void strips_raw_data_and_records_its_offset(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(13);
    float w[1024];
    for (int i = 0; i < 1024; i++)
        w[i] = (float)i;
    int64_t dims[] = {32, 32};
    tb_initializer(m->graph, "W", 1, 2, dims, w, sizeof w);
    size_t len;
    uint8_t *bytes = tb_pack(m, &len);
    ol_arena tmp, keep;
    ol_wire_result r;
    char why[256];
    assert_int_equal(strip(bytes, len, &tmp, &keep, &r, why), ONNXLINT_OK);
    assert_int_equal(r.n_payloads, 1);
    const ol_payload *p = &r.payloads[0];
    assert_int_equal(p->raw_length, sizeof w);
    assert_true(p->raw_offset + p->raw_length <= len);
    assert_memory_equal(bytes + p->raw_offset, w, sizeof w);
    /* The decoded tensor carries the marker, not the data. */
    Onnx__ModelProto *back = (Onnx__ModelProto *)r.message;
    Onnx__TensorProto *t = back->graph->initializer[0];
    assert_string_equal(t->name, "W");
    assert_int_equal(t->n_dims, 2);
    assert_int_equal(t->dims[1], 32);
    assert_false(t->has_raw_data);
    assert_int_equal(t->base.n_unknown_fields, 1);
    assert_int_equal(t->base.unknown_fields[0].tag, OL_WIRE_PAYLOAD_FIELD);
    ol_arena_destroy(&tmp);
    ol_arena_destroy(&keep);
    free(bytes);
    tb_model_free(m);
}

static void counts_typed_payload_elements(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(13);
    int64_t dims[] = {5};
    Onnx__TensorProto *t = tb_initializer(m->graph, "I", 7, 1, dims, NULL, 0);
    t->int64_data = calloc(5, sizeof *t->int64_data);
    t->n_int64_data = 5;
    for (int i = 0; i < 5; i++)
        t->int64_data[i] = 300 * i; /* multi-byte varints */
    size_t len;
    uint8_t *bytes = tb_pack(m, &len);
    ol_arena tmp, keep;
    ol_wire_result r;
    char why[256];
    assert_int_equal(strip(bytes, len, &tmp, &keep, &r, why), ONNXLINT_OK);
    assert_int_equal(r.payloads[0].typed_count, 5);
    assert_int_equal(r.payloads[0].typed_field, 7);
    assert_int_equal(r.payloads[0].raw_offset, OL_NO_OFFSET);
    ol_arena_destroy(&tmp);
    ol_arena_destroy(&keep);
    free(bytes);
    tb_model_free(m);
}

static void rejects_truncation_at_every_length(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(13);
    int64_t dims[] = {-1, 4};
    tb_input(m->graph, "X", 1, 2, dims);
    tb_node(m->graph, "Relu", "r", "X", NULL, "Y");
    tb_output(m->graph, "Y", 1, 2, dims);
    size_t len;
    uint8_t *bytes = tb_pack(m, &len);
    /* Every proper prefix that cuts a field short must fail cleanly (some
     * prefixes end between fields and are valid, smaller messages). */
    size_t rejected = 0;
    for (size_t cut = 1; cut < len; cut++) {
        uint8_t *copy = malloc(cut); /* exact size: ASan sees any over-read */
        memcpy(copy, bytes, cut);
        ol_arena tmp, keep;
        ol_wire_result r;
        char why[256];
        onnxlint_status st = strip(copy, cut, &tmp, &keep, &r, why);
        if (st != ONNXLINT_OK) {
            assert_int_equal(st, ONNXLINT_EMALFORMED);
            assert_true(strlen(why) > 0);
            rejected++;
        }
        ol_arena_destroy(&tmp);
        ol_arena_destroy(&keep);
        free(copy);
    }
    assert_true(rejected > len / 2);
    free(bytes);
    tb_model_free(m);
}

/* Appends a varint. */
static size_t put_varint(uint8_t *out, uint64_t v)
{
    size_t n = 0;
    while (v >= 0x80) {
        out[n++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    out[n++] = (uint8_t)v;
    return n;
}

static void enforces_the_depth_limit(void **state)
{
    (void)state;
    /* TypeProto.sequence_type (field 4) -> Sequence.elem_type (field 1)
     * nested `levels` times, built inside out, as a graph input's type. */
    for (int levels = 20; levels <= 200; levels += 180) {
        size_t cap = 64 + (size_t)levels * 32;
        uint8_t *buf = calloc(cap, 1), *tmp = calloc(cap, 1);
        size_t len = 0;
        for (int i = 0; i < levels; i++) {
            /* wrap current bytes: Sequence{elem_type: TypeProto{...}} then TypeProto{sequence_type: ...} */
            size_t n = 0;
            n += put_varint(tmp + n, (1 << 3) | 2);
            n += put_varint(tmp + n, len);
            memcpy(tmp + n, buf, len);
            n += len;
            size_t n2 = 0;
            n2 += put_varint(buf + n2, (4 << 3) | 2);
            n2 += put_varint(buf + n2, n);
            memcpy(buf + n2, tmp, n);
            len = n2 + n;
        }
        /* ValueInfoProto{type (field 2)}, GraphProto{input (field 11)}, ModelProto{graph (7)} */
        uint8_t *model = calloc(cap + 64, 1);
        size_t vi = 0;
        vi += put_varint(tmp + vi, (2 << 3) | 2);
        vi += put_varint(tmp + vi, len);
        memcpy(tmp + vi, buf, len);
        vi += len;
        size_t g = 0;
        g += put_varint(buf + g, (11 << 3) | 2);
        g += put_varint(buf + g, vi);
        memcpy(buf + g, tmp, vi);
        g += vi;
        size_t mlen = 0;
        mlen += put_varint(model + mlen, (7 << 3) | 2);
        mlen += put_varint(model + mlen, g);
        memcpy(model + mlen, buf, g);
        mlen += g;
        ol_arena ta, ka;
        ol_wire_result r;
        char why[256] = "";
        onnxlint_status st = strip(model, mlen, &ta, &ka, &r, why);
        if (levels * 2 + 3 > OL_MAX_MESSAGE_DEPTH) {
            /* A limit, named as such, not "malformed". */
            assert_int_equal(st, ONNXLINT_ELIMIT);
            assert_non_null(strstr(why, "nested deeper"));
            assert_non_null(strstr(why, "OL_MAX_MESSAGE_DEPTH"));
        } else {
            assert_int_equal(st, ONNXLINT_OK);
        }
        ol_arena_destroy(&ta);
        ol_arena_destroy(&ka);
        free(buf);
        free(tmp);
        free(model);
    }
}

static void rejects_wrong_wire_types_and_groups(void **state)
{
    (void)state;
    ol_arena tmp, keep;
    ol_wire_result r;
    char why[256];
    const uint8_t graph_as_varint[] = {0x38, 0x01};
    assert_int_equal(strip(graph_as_varint, sizeof graph_as_varint, &tmp, &keep, &r, why), ONNXLINT_EMALFORMED);
    assert_non_null(strstr(why, "wire type 0, expected 2"));
    ol_arena_destroy(&tmp);
    ol_arena_destroy(&keep);
    const uint8_t group[] = {0x3b, 0x3c};
    assert_int_equal(strip(group, sizeof group, &tmp, &keep, &r, why), ONNXLINT_EMALFORMED);
    assert_non_null(strstr(why, "group"));
    ol_arena_destroy(&tmp);
    ol_arena_destroy(&keep);
    const uint8_t field_zero[] = {0x00, 0x01};
    assert_int_equal(strip(field_zero, sizeof field_zero, &tmp, &keep, &r, why), ONNXLINT_EMALFORMED);
    ol_arena_destroy(&tmp);
    ol_arena_destroy(&keep);
    const uint8_t long_varint[] = {0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01};
    assert_int_equal(strip(long_varint, sizeof long_varint, &tmp, &keep, &r, why), ONNXLINT_EMALFORMED);
    ol_arena_destroy(&tmp);
    ol_arena_destroy(&keep);
    /* ir_version's key (0x08) padded to 5 bytes is still a key; to 6 bytes
     * it is not (keys are 32-bit varints: protobuf refuses a sixth byte). */
    const uint8_t key5[] = {0x88, 0x80, 0x80, 0x80, 0x00, 0x08};
    assert_int_equal(strip(key5, sizeof key5, &tmp, &keep, &r, why), ONNXLINT_OK);
    assert_int_equal(((Onnx__ModelProto *)r.message)->ir_version, 8);
    ol_arena_destroy(&tmp);
    ol_arena_destroy(&keep);
    const uint8_t key6[] = {0x88, 0x80, 0x80, 0x80, 0x80, 0x00, 0x08};
    assert_int_equal(strip(key6, sizeof key6, &tmp, &keep, &r, why), ONNXLINT_EMALFORMED);
    assert_non_null(strstr(why, "takes 6 bytes"));
    ol_arena_destroy(&tmp);
    ol_arena_destroy(&keep);
}

/* Packed varints: each element must be a valid varint.  Eleven bytes with
 * the continuation bit and a terminator hold one element by their
 * terminators but are two reads: refused, not stored out of bounds. */
static void packed_varints_are_checked_one_by_one(void **state)
{
    (void)state;
    ol_arena tmp, keep;
    ol_wire_result r;
    char why[256];
    /* ModelProto{graph: GraphProto{initializer: TensorProto{dims (packed): ...}}} */
    uint8_t good_dims[] = {0x02, 0x96, 0x01}, long_dims[14] = {0};
    for (size_t i = 0; i < 12; i++)
        long_dims[i] = 0x80;
    long_dims[12] = 0x01;
    long_dims[13] = 0x03;
    const struct {
        const uint8_t *dims;
        size_t len;
        onnxlint_status want;
    } cases[] = {{good_dims, sizeof good_dims, ONNXLINT_OK}, {long_dims, sizeof long_dims, ONNXLINT_EMALFORMED}};
    for (size_t c = 0; c < 2; c++) {
        uint8_t tensor[32], graph[40], model[48];
        size_t t = 0, g = 0, m = 0;
        tensor[t++] = (1 << 3) | 2; /* dims, packed */
        tensor[t++] = (uint8_t)cases[c].len;
        memcpy(tensor + t, cases[c].dims, cases[c].len);
        t += cases[c].len;
        graph[g++] = (5 << 3) | 2; /* initializer */
        graph[g++] = (uint8_t)t;
        memcpy(graph + g, tensor, t);
        g += t;
        model[m++] = (7 << 3) | 2; /* graph */
        model[m++] = (uint8_t)g;
        memcpy(model + m, graph, g);
        m += g;
        uint8_t *exact = malloc(m); /* exact size: ASan sees any over-read */
        memcpy(exact, model, m);
        assert_int_equal(strip(exact, m, &tmp, &keep, &r, why), cases[c].want);
        if (cases[c].want == ONNXLINT_OK) {
            const Onnx__TensorProto *tp = ((Onnx__ModelProto *)r.message)->graph->initializer[0];
            assert_int_equal(tp->n_dims, 2);
            assert_int_equal(tp->dims[0], 2);
            assert_int_equal(tp->dims[1], 150);
        } else {
            assert_non_null(strstr(why, "longer than 10 bytes"));
        }
        ol_arena_destroy(&tmp);
        ol_arena_destroy(&keep);
        free(exact);
    }
}

static void drops_unknown_fields(void **state)
{
    (void)state;
    /* ir_version 8, then unknown field 99 (length-delimited, 3 bytes). */
    const uint8_t bytes[] = {0x08, 0x08, 0x9a, 0x06, 0x03, 'a', 'b', 'c'};
    ol_arena tmp, keep;
    ol_wire_result r;
    char why[256];
    assert_int_equal(strip(bytes, sizeof bytes, &tmp, &keep, &r, why), ONNXLINT_OK);
    const Onnx__ModelProto *m = (const Onnx__ModelProto *)r.message;
    assert_true(m->has_ir_version);
    assert_int_equal(m->ir_version, 8);
    assert_int_equal(m->base.n_unknown_fields, 0);
    ol_arena_destroy(&tmp);
    ol_arena_destroy(&keep);
}

static void recognises_a_tensor_proto(void **state)
{
    (void)state;
    /* TensorProto{dims: 3, data_type: 1, raw_data: 12 bytes} */
    uint8_t t[] = {0x08, 0x03, 0x10, 0x01, 0x4a, 0x0c, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    assert_true(ol_wire_is_message(t, sizeof t, &onnx__tensor_proto__descriptor));
    assert_false(ol_wire_is_message(t, sizeof t, &onnx__model_proto__descriptor));
}

/* Clears what the decoder leaves out, so that its messages and protobuf-c's
 * can be compared: unknown fields everywhere (the decoder's one is its
 * payload marker) and the payload fields of every TensorProto. */
static void normalise(ProtobufCMessage *m)
{
    const ProtobufCMessageDescriptor *d = m->descriptor;
    m->n_unknown_fields = 0;
    m->unknown_fields = NULL;
    for (unsigned i = 0; i < d->n_fields; i++) {
        const ProtobufCFieldDescriptor *fd = &d->fields[i];
        char *base = (char *)m;
        if (d == &onnx__tensor_proto__descriptor && fd->id >= 4 && fd->id <= 11 && fd->id != 8) {
            if (fd->label == PROTOBUF_C_LABEL_REPEATED)
                *(size_t *)(base + fd->quantifier_offset) = 0;
            else
                *(protobuf_c_boolean *)(base + fd->quantifier_offset) = 0; /* raw_data */
            continue;
        }
        if (fd->type != PROTOBUF_C_TYPE_MESSAGE)
            continue;
        if (fd->label == PROTOBUF_C_LABEL_REPEATED) {
            size_t n = *(size_t *)(base + fd->quantifier_offset);
            ProtobufCMessage **items = *(ProtobufCMessage ***)(base + fd->offset);
            for (size_t k = 0; k < n; k++)
                normalise(items[k]);
            continue;
        }
        if ((fd->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) && *(uint32_t *)(base + fd->quantifier_offset) != fd->id)
            continue;
        ProtobufCMessage *sub = *(ProtobufCMessage **)(base + fd->offset);
        if (sub)
            normalise(sub);
    }
}

static size_t compared, suite_models;

static uint8_t *packed(ProtobufCMessage *m, size_t *len)
{
    normalise(m);
    *len = protobuf_c_message_get_packed_size(m);
    uint8_t *out = malloc(*len ? *len : 1);
    assert_non_null(out);
    assert_int_equal(protobuf_c_message_pack(m, out), *len);
    return out;
}

/* Whether a and b repack to the same bytes (*a_len and *b_len of them). */
static bool same_repacked(ProtobufCMessage *a, ProtobufCMessage *b, size_t *a_len, size_t *b_len)
{
    uint8_t *pa = packed(a, a_len), *pb = packed(b, b_len);
    bool same = *a_len == *b_len && memcmp(pa, pb, *a_len) == 0;
    free(pa);
    free(pb);
    return same;
}

/* The bytes of the .onnx file path that nftw met (kind, st), or NULL when
 * it is something else or larger than max. */
static uint8_t *model_bytes(const char *path, const struct stat *st, int kind, size_t max, size_t *len)
{
    size_t n = strlen(path);
    if (kind != FTW_F || n < 5 || strcmp(path + n - 5, ".onnx") != 0 || (size_t)st->st_size > max)
        return NULL;
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    *len = (size_t)st->st_size;
    uint8_t *bytes = malloc(*len ? *len : 1);
    assert_int_equal(fread(bytes, 1, *len, f), *len);
    fclose(f);
    return bytes;
}

static int compare_one(const char *path, const struct stat *st, int kind, struct FTW *ftw)
{
    (void)ftw;
    size_t len;
    uint8_t *bytes = model_bytes(path, st, kind, (size_t)64 << 20, &len);
    if (!bytes)
        return 0;
    Onnx__ModelProto *ref = onnx__model_proto__unpack(NULL, len, bytes);
    ol_arena tmp, keep;
    ol_wire_result r;
    char why[256] = "";
    onnxlint_status st_decode = strip(bytes, len, &tmp, &keep, &r, why);
    if (!ref) { /* a malformed test model: the decoder refuses it too */
        if (st_decode == ONNXLINT_OK)
            fail_msg("%s: protobuf-c refuses it, the decoder does not", path);
    } else {
        if (st_decode != ONNXLINT_OK)
            fail_msg("%s: the decoder refuses it (%s), protobuf-c does not", path, why);
        size_t a_len, b_len;
        if (!same_repacked(&ref->base, r.message, &a_len, &b_len))
            fail_msg("%s: decoded differently from protobuf-c (%zu vs %zu bytes repacked)", path, b_len, a_len);
        onnx__model_proto__free_unpacked(ref, NULL);
        compared++;
        suite_models += strstr(path, "libonnx-testdata") != NULL;
    }
    ol_arena_destroy(&tmp);
    ol_arena_destroy(&keep);
    free(bytes);
    return 0;
}

/* Every model of this repository and of ONNX's backend suite decodes to
 * the messages protobuf-c makes of it, payloads and unknown fields aside. */
static void decodes_like_protobuf_c(void **state)
{
    (void)state;
    assert_int_equal(nftw(ONNXLINT_SOURCE_DIR "/models", compare_one, 16, FTW_PHYS), 0);
    assert_true(compared >= 20);
    const char *suite = "/usr/share/libonnx-testdata/data";
    struct stat st;
    if (stat(suite, &st) == 0) {
        assert_int_equal(nftw(suite, compare_one, 16, FTW_PHYS), 0);
        assert_true(suite_models >= 1000);
    }
    print_message("%zu models decoded as protobuf-c does (%zu from ONNX's suite)\n", compared, suite_models);
}

/* ---- merging a singular message field that occurs more than once ---- */

typedef struct growbuf {
    uint8_t *p;
    size_t n, cap;
} growbuf;

static void put(growbuf *b, const void *data, size_t n)
{
    if (b->n + n > b->cap) {
        b->cap = (b->n + n) * 2 + 64;
        b->p = realloc(b->p, b->cap);
        assert_non_null(b->p);
    }
    if (n)
        memcpy(b->p + b->n, data, n);
    b->n += n;
}

static void put_var(growbuf *b, uint64_t v)
{
    uint8_t tmp[10];
    put(b, tmp, put_varint(tmp, v));
}

/* The end of every field of the well-formed message in[0..len). */
static size_t field_ends(const uint8_t *in, size_t len, size_t *ends, size_t cap)
{
    size_t n = 0;
    for (size_t pos = 0; pos < len;) {
        uint64_t tag, v;
        assert_true(ol_wire_varint(in, len, &pos, &tag));
        switch (tag & 7) {
        case 0: assert_true(ol_wire_varint(in, len, &pos, &v)); break;
        case 1: pos += 8; break;
        case 5: pos += 4; break;
        default: assert_true(ol_wire_varint(in, len, &pos, &v)); pos += (size_t)v; break;
        }
        if (n < cap)
            ends[n] = pos;
        n++;
    }
    return n;
}

/* Writes in[0..len), a message of type d, with every singular message
 * field at every level split into two occurrences: the first half of its
 * fields, then the rest (a TensorProto whole, then empty: its typed data
 * must stay in one part).  protobuf reads the result as the original. */
static void split_message(growbuf *out, const ProtobufCMessageDescriptor *d, const uint8_t *in, size_t len)
{
    for (size_t pos = 0; pos < len;) {
        size_t start = pos;
        uint64_t tag, v;
        assert_true(ol_wire_varint(in, len, &pos, &tag));
        const ProtobufCFieldDescriptor *fd = protobuf_c_message_descriptor_get_field(d, (unsigned)(tag >> 3));
        if ((tag & 7) != 2 || !fd || fd->type != PROTOBUF_C_TYPE_MESSAGE) {
            switch (tag & 7) {
            case 0: assert_true(ol_wire_varint(in, len, &pos, &v)); break;
            case 1: pos += 8; break;
            case 5: pos += 4; break;
            default: assert_true(ol_wire_varint(in, len, &pos, &v)); pos += (size_t)v; break;
            }
            put(out, in + start, pos - start);
            continue;
        }
        assert_true(ol_wire_varint(in, len, &pos, &v));
        growbuf sub = {0};
        split_message(&sub, fd->descriptor, in + pos, (size_t)v);
        pos += (size_t)v;
        if (fd->label == PROTOBUF_C_LABEL_REPEATED) {
            put_var(out, tag);
            put_var(out, sub.n);
            put(out, sub.p, sub.n);
            free(sub.p);
            continue;
        }
        size_t ends[4096], n = field_ends(sub.p, sub.n, ends, 4096);
        size_t cut = fd->descriptor == &onnx__tensor_proto__descriptor || n < 2 || n > 4096 ? sub.n : ends[n / 2 - 1];
        put_var(out, tag);
        put_var(out, cut);
        put(out, sub.p, cut);
        put_var(out, tag);
        put_var(out, sub.n - cut);
        if (sub.p)
            put(out, sub.p + cut, sub.n - cut);
        free(sub.p);
    }
}

/* What compare_rewritten does to each model before decoding it again, and
 * what it says of the rewritten model; how many it compared. */
typedef void (*rewrite_fn)(growbuf *out, const ProtobufCMessageDescriptor *d, const uint8_t *in, size_t len);
static rewrite_fn rewrite;
static const char *rewritten;
static size_t rewritten_models;

/* Decodes a model, and again after rewrite (which keeps its meaning):
 * both give the same messages. */
static int compare_rewritten(const char *path, const struct stat *st, int kind, struct FTW *ftw)
{
    (void)ftw;
    size_t len;
    uint8_t *bytes = model_bytes(path, st, kind, (size_t)16 << 20, &len);
    if (!bytes)
        return 0;
    ol_arena tmp, keep, tmp2, keep2;
    ol_wire_result r, r2;
    char why[256] = "";
    if (strip(bytes, len, &tmp, &keep, &r, why) != ONNXLINT_OK) {
        ol_arena_destroy(&tmp);
        ol_arena_destroy(&keep);
        free(bytes);
        return 0; /* a malformed test model */
    }
    growbuf other = {0};
    rewrite(&other, &onnx__model_proto__descriptor, bytes, len);
    assert_true(other.n > len);
    if (strip(other.p, other.n, &tmp2, &keep2, &r2, why) != ONNXLINT_OK)
        fail_msg("%s %s: %s", path, rewritten, why);
    size_t a_len, b_len;
    if (!same_repacked(r.message, r2.message, &a_len, &b_len))
        fail_msg("%s %s decodes differently (%zu vs %zu bytes)", path, rewritten, b_len, a_len);
    free(other.p);
    ol_arena_destroy(&tmp);
    ol_arena_destroy(&keep);
    ol_arena_destroy(&tmp2);
    ol_arena_destroy(&keep2);
    free(bytes);
    rewritten_models++;
    return 0;
}

/* compare_rewritten over every model of models/, rewritten by fn. */
static void compare_rewritten_models(rewrite_fn fn, const char *words)
{
    rewrite = fn;
    rewritten = words;
    rewritten_models = 0;
    assert_int_equal(nftw(ONNXLINT_SOURCE_DIR "/models", compare_rewritten, 16, FTW_PHYS), 0);
    assert_true(rewritten_models >= 20);
}

/* A singular message field that occurs twice is the merge of both, at
 * every level (protobuf's rule; concatenated serializations make it): the
 * split model decodes as the original.  (Python's protobuf reads these
 * split files as the originals too; protobuf-c 1.4.1 does not always,
 * so it is not the reference here.) */
static void merges_repeated_singular_messages(void **state)
{
    (void)state;
    compare_rewritten_models(split_message, "with every singular message split in two");
    /* A tensor whose typed data is spread over two occurrences is refused
     * (one recorded range cannot hold it), not half read. */
    const uint8_t half[] = {0x10, 0x07, 0x3a, 0x01, 0x05}; /* data_type 7, int64_data (packed) [5] */
    growbuf t = {0};
    put(&t, half, sizeof half);
    growbuf node = {0}; /* NodeProto{attribute: AttributeProto{t: first, t: second}} */
    growbuf attr = {0};
    for (int i = 0; i < 2; i++) {
        put_var(&attr, (5 << 3) | 2);
        put_var(&attr, t.n);
        put(&attr, t.p, t.n);
    }
    put_var(&node, (5 << 3) | 2);
    put_var(&node, attr.n);
    put(&node, attr.p, attr.n);
    growbuf graph = {0}, model = {0};
    put_var(&graph, (1 << 3) | 2);
    put_var(&graph, node.n);
    put(&graph, node.p, node.n);
    put_var(&model, (7 << 3) | 2);
    put_var(&model, graph.n);
    put(&model, graph.p, graph.n);
    ol_arena tmp, keep;
    ol_wire_result r;
    char why[256] = "";
    assert_int_equal(strip(model.p, model.n, &tmp, &keep, &r, why), ONNXLINT_EMALFORMED);
    assert_non_null(strstr(why, "several parts"));
    ol_arena_destroy(&tmp);
    ol_arena_destroy(&keep);
    free(t.p);
    free(node.p);
    free(attr.p);
    free(graph.p);
    free(model.p);
    print_message("%zu models decode the same with every singular message split in two\n", rewritten_models);
}

/* Writes in[0..len), a message of type d, with an unknown field added at
 * the end of every message at every level (TensorProtos aside, whose
 * payload offsets would move).  Unknown fields are dropped, so it decodes
 * as the original; but no message of it takes the decoder's one-pass path
 * (decode_small), so this compares that path with the general one. */
static void add_unknown(growbuf *out, const ProtobufCMessageDescriptor *d, const uint8_t *in, size_t len)
{
    for (size_t pos = 0; pos < len;) {
        size_t start = pos;
        uint64_t tag, v;
        assert_true(ol_wire_varint(in, len, &pos, &tag));
        const ProtobufCFieldDescriptor *fd = protobuf_c_message_descriptor_get_field(d, (unsigned)(tag >> 3));
        if ((tag & 7) != 2 || !fd || fd->type != PROTOBUF_C_TYPE_MESSAGE ||
            fd->descriptor == &onnx__tensor_proto__descriptor) {
            switch (tag & 7) {
            case 0: assert_true(ol_wire_varint(in, len, &pos, &v)); break;
            case 1: pos += 8; break;
            case 5: pos += 4; break;
            default: assert_true(ol_wire_varint(in, len, &pos, &v)); pos += (size_t)v; break;
            }
            put(out, in + start, pos - start);
            continue;
        }
        assert_true(ol_wire_varint(in, len, &pos, &v));
        growbuf sub = {0};
        add_unknown(&sub, fd->descriptor, in + pos, (size_t)v);
        pos += (size_t)v;
        put_var(out, tag);
        put_var(out, sub.n);
        put(out, sub.p, sub.n);
        free(sub.p);
    }
    put_var(out, (uint64_t)1000 << 3); /* field 1000, varint 7 */
    put_var(out, 7);
}

/* The usual small message is decoded in one pass; the same message with
 * an unknown field goes the general way: both give the same messages, on
 * every model here and in ONNX's backend suite. */
static void one_pass_decodes_as_the_general_path(void **state)
{
    (void)state;
    compare_rewritten_models(add_unknown, "with an unknown field in every message (so none takes the one pass)");
    struct stat st;
    if (stat("/usr/share/libonnx-testdata/data", &st) == 0)
        assert_int_equal(nftw("/usr/share/libonnx-testdata/data", compare_rewritten, 16, FTW_PHYS), 0);
    print_message("%zu models decode the same in one pass and in two\n", rewritten_models);
}

/* A node with every field NodeProto has, one name given twice (the last
 * wins) and an empty output: the decoder's own NodeProto code (the fields
 * by number) gives what protobuf-c's unpack gives. */
static void decodes_every_node_field(void **state)
{
    (void)state;
    Onnx__ModelProto *m = tb_model(13);
    Onnx__NodeProto *n = tb_node(m->graph, "Relu", "first", "x", NULL, "y");
    n->n_output = 2;
    n->output = realloc(n->output, 2 * sizeof *n->output);
    n->output[1] = strdup("");
    n->domain = strdup("ai.example");
    n->doc_string = strdup("a node");
    n->overload = strdup("fast");
    tb_attr_int(n, "axis", 3);
    tb_node_metadata(n, "k", "v");
    tb_node_device_configuration(n, "c", 2);
    size_t node_len = onnx__node_proto__get_packed_size(n);
    growbuf node = {0};
    node.p = malloc(node_len);
    node.n = node.cap = node_len;
    onnx__node_proto__pack(n, node.p);
    put_var(&node, (3 << 3) | 2); /* name again: "second" */
    put_var(&node, 6);
    put(&node, "second", 6);
    growbuf graph = {0}, model = {0};
    put_var(&graph, (1 << 3) | 2);
    put_var(&graph, node.n);
    put(&graph, node.p, node.n);
    put_var(&model, (7 << 3) | 2);
    put_var(&model, graph.n);
    put(&model, graph.p, graph.n);
    Onnx__ModelProto *ref = onnx__model_proto__unpack(NULL, model.n, model.p);
    assert_non_null(ref);
    assert_string_equal(ref->graph->node[0]->name, "second");
    ol_arena tmp, keep;
    ol_wire_result r;
    char why[256] = "";
    assert_int_equal(strip(model.p, model.n, &tmp, &keep, &r, why), ONNXLINT_OK);
    const Onnx__NodeProto *got = ((const Onnx__ModelProto *)r.message)->graph->node[0];
    assert_string_equal(got->name, "second");
    assert_string_equal(got->overload, "fast");
    assert_int_equal(got->device_configurations[0]->pipeline_stage, 2);
    size_t a_len, b_len;
    assert_true(same_repacked(&ref->base, r.message, &a_len, &b_len));
    onnx__model_proto__free_unpacked(ref, NULL);
    ol_arena_destroy(&tmp);
    ol_arena_destroy(&keep);
    free(node.p);
    free(graph.p);
    free(model.p);
    tb_model_free(m);
}

static size_t lazy_models, lazy_nodes, measured_nodes;

/* ol_wire_node's longest bounds every string of the node its own (the
 * loader skips their length checks by it). */
static void check_longest(const char *path, const Onnx__NodeProto *np, size_t longest)
{
    if (longest == SIZE_MAX)
        return;
    measured_nodes++;
    const char *own[] = {np->name, np->op_type, np->domain, np->doc_string, np->overload};
    size_t most = 0;
    for (size_t k = 0; k < sizeof own / sizeof *own; k++)
        most = own[k] && strlen(own[k]) > most ? strlen(own[k]) : most;
    for (size_t k = 0; k < np->n_input; k++)
        most = strlen(np->input[k]) > most ? strlen(np->input[k]) : most;
    for (size_t k = 0; k < np->n_output; k++)
        most = strlen(np->output[k]) > most ? strlen(np->output[k]) : most;
    if (most > longest)
        fail_msg("%s: node '%s' has a string of %zu bytes, longest says %zu", path, np->name ? np->name : "", most,
                 longest);
}

static int compare_lazy(const char *path, const struct stat *st, int kind, struct FTW *ftw)
{
    (void)ftw;
    size_t len;
    uint8_t *bytes = model_bytes(path, st, kind, (size_t)16 << 20, &len);
    if (!bytes)
        return 0;
    ol_arena tmp, keep, tmp2, keep2, shells;
    ol_wire_result r, r2;
    char why[256] = "", why2[256] = "";
    onnxlint_status eager = strip(bytes, len, &tmp, &keep, &r, why);
    ol_arena_init(&tmp2, NULL, (size_t)1 << 30);
    ol_arena_init(&keep2, NULL, (size_t)1 << 30);
    ol_arena_init(&shells, NULL, (size_t)1 << 30);
    ol_wire_lazy *lazy = NULL;
    onnxlint_status st2 = ol_wire_decode_lazy(bytes, len, &keep2, &tmp2, &r2, &lazy, why2, sizeof why2);
    Onnx__GraphProto *g = st2 == ONNXLINT_OK ? ((Onnx__ModelProto *)r2.message)->graph : NULL;
    const ol_wire_span *spans;
    size_t n_nodes = 0;
    if (g && ol_wire_graph_nodes(lazy, &g->base, &spans, &n_nodes)) {
        assert_int_equal(g->n_node, 0);
        g->node = malloc((n_nodes + 1) * sizeof *g->node);
        for (size_t i = 0; i < n_nodes && st2 == ONNXLINT_OK; i++) {
            size_t longest;
            st2 = ol_wire_node(lazy, &spans[i], &shells, &g->node[i], &longest, why2, sizeof why2);
            if (st2 == ONNXLINT_OK)
                check_longest(path, g->node[i], longest);
            lazy_nodes += st2 == ONNXLINT_OK;
        }
        g->n_node = n_nodes;
    }
    if (eager != st2 || (eager != ONNXLINT_OK && strcmp(why, why2) != 0))
        fail_msg("%s: decoded at once: %s (%s); node by node: %s (%s)", path, onnxlint_status_name(eager), why,
                 onnxlint_status_name(st2), why2);
    if (eager == ONNXLINT_OK) {
        size_t a_len, b_len;
        if (!same_repacked(r.message, r2.message, &a_len, &b_len))
            fail_msg("%s: decoded node by node, it differs (%zu vs %zu bytes)", path, b_len, a_len);
        lazy_models++;
    }
    if (g && n_nodes)
        free(g->node);
    ol_arena_destroy(&tmp);
    ol_arena_destroy(&keep);
    ol_arena_destroy(&tmp2);
    ol_arena_destroy(&keep2);
    ol_arena_destroy(&shells);
    free(bytes);
    return 0;
}

/* The loader's way (ol_wire_decode_lazy, then every node of the model's
 * graph by ol_wire_node) gives the messages of a decoding at once, and
 * refuses what it refuses with the same words (a malformed model here has
 * one fault), on every model here and in ONNX's backend suite. */
static void decodes_node_by_node_as_at_once(void **state)
{
    (void)state;
    assert_int_equal(nftw(ONNXLINT_SOURCE_DIR "/models", compare_lazy, 16, FTW_PHYS), 0);
    assert_int_equal(nftw(ONNXLINT_SOURCE_DIR "/tests/malformed", compare_lazy, 16, FTW_PHYS), 0);
    assert_true(lazy_models >= 20);
    print_message("%zu of %zu nodes measured\n", measured_nodes, lazy_nodes);
    assert_true(measured_nodes >= 400);
    struct stat st;
    if (stat("/usr/share/libonnx-testdata/data", &st) == 0)
        assert_int_equal(nftw("/usr/share/libonnx-testdata/data", compare_lazy, 16, FTW_PHYS), 0);
    print_message("%zu models decode node by node as at once\n", lazy_models);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(strips_raw_data_and_records_its_offset),
        cmocka_unit_test(counts_typed_payload_elements),
        cmocka_unit_test(rejects_truncation_at_every_length),
        cmocka_unit_test(enforces_the_depth_limit),
        cmocka_unit_test(rejects_wrong_wire_types_and_groups),
        cmocka_unit_test(packed_varints_are_checked_one_by_one),
        cmocka_unit_test(drops_unknown_fields),
        cmocka_unit_test(recognises_a_tensor_proto),
        cmocka_unit_test(decodes_like_protobuf_c),
        cmocka_unit_test(merges_repeated_singular_messages),
        cmocka_unit_test(one_pass_decodes_as_the_general_path),
        cmocka_unit_test(decodes_every_node_field),
        cmocka_unit_test(decodes_node_by_node_as_at_once),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
