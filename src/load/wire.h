/*
 * wire.h - the pre-pass over the protobuf wire format.
 *
 * protobuf-c copies every bytes field it unpacks, recurses without a depth
 * limit and allocates per repeated entry.  Before a model's bytes reach it,
 * ol_wire_strip walks them once against protobuf-c's own descriptors and
 * writes a smaller copy that holds the graph's structure only:
 *
 *   - every message is checked: tags, wire types that fit the field's
 *     declared type, lengths inside their parent, nesting depth at most
 *     OL_MAX_MESSAGE_DEPTH, repeated entries at most OL_MAX_ENTRIES;
 *   - the payload fields of every TensorProto (raw_data, float_data,
 *     int32_data, string_data, int64_data, double_data, uint64_data) are
 *     left out; their place in the file is recorded in an ol_payload and
 *     the stripped TensorProto carries one extra field,
 *     OL_WIRE_PAYLOAD_FIELD, whose varint value is that payload's index;
 *   - fields the schema does not know are dropped (nothing reads them).
 *
 * The walk needs two passes: the first validates and measures each nested
 * message's stripped size (recorded in pre-order), the second writes the
 * copy with the new length prefixes.  The second pass cannot fail.
 */
#ifndef OL_WIRE_H
#define OL_WIRE_H

#include <protobuf-c/protobuf-c.h>
#include <stddef.h>
#include <stdint.h>

#include "onnxlint/onnxlint.h"
#include "util/arena.h"

/* Deepest nesting of messages accepted (a model inside is depth 1; each
 * subgraph costs 3 levels: attribute, graph, node). */
#define OL_MAX_MESSAGE_DEPTH 96
/* Most messages plus repeated elements (outside tensor payloads) a model
 * may hold: each costs protobuf-c up to ~150 bytes, so 10 million empty
 * entries (a 20 MB file) would cost 1.5 GB.  A 60,000-node graph holds
 * about half a million. */
#define OL_MAX_ENTRIES ((uint64_t)4 * 1000 * 1000)
/* Most fields one message may hold: protobuf-c's unpack refuses a message
 * of about two million fields (measured with 1.4.1), so the pre-pass stops
 * well before and says why. */
#define OL_MAX_FIELDS_PER_MESSAGE ((uint64_t)1000 * 1000)
/* The field number that carries a stripped TensorProto's payload index. */
#define OL_WIRE_PAYLOAD_FIELD 536870911u
/* Marks an absent span in ol_payload. */
#define OL_NO_OFFSET UINT64_MAX

/* Where one TensorProto's data lies in the model file. */
typedef struct ol_payload {
    uint64_t message_offset; /* the TensorProto's bytes in the file */
    uint64_t message_length;
    uint64_t raw_offset; /* raw_data's bytes, or OL_NO_OFFSET */
    uint64_t raw_length;
    uint64_t typed_bytes;    /* bytes of the typed repeated fields */
    uint64_t typed_count;    /* their element count (strings included) */
    uint32_t typed_field;    /* the field number holding the data, 0: none */
} ol_payload;

typedef struct ol_wire_result {
    uint8_t *stripped; /* in the temporary arena, or the input itself when nothing was left out */
    size_t stripped_len;
    ol_payload *payloads; /* in the keeping arena, indexed by marker */
    size_t n_payloads;
} ol_wire_result;

/* Validates data[0..len) as a message of type root and writes the stripped
 * copy into tmp (payload records into keep).  On failure returns a status
 * and writes a one-line reason (without the file name) into why. */
onnxlint_status ol_wire_strip(const uint8_t *data, size_t len, const ProtobufCMessageDescriptor *root,
                              ol_arena *tmp, ol_arena *keep, ol_wire_result *out, char *why, size_t why_len);

/* Returns 1 if data[0..len) is a well-formed message of type desc (same
 * checks as ol_wire_strip, nothing written), 0 otherwise. */
int ol_wire_is_message(const uint8_t *data, size_t len, const ProtobufCMessageDescriptor *desc);

/* Reads one varint at *pos (advancing it) below end; returns 0 if it is
 * truncated or longer than 10 bytes. */
int ol_wire_varint(const uint8_t *data, size_t end, size_t *pos, uint64_t *value);

#endif
