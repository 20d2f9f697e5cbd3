/*
 * wire.h - reading a model's protobuf bytes.
 *
 * protobuf-c's unpack copies every bytes field, recurses without a depth
 * limit and costs about 1,500 instructions per node of a graph.  The
 * loader does not use it: ol_wire_decode walks the bytes once against
 * protobuf-c's own descriptors and fills protobuf-c's structs itself, so
 * the rest of the program reads the same Onnx__* messages:
 *
 *   - every message is checked before anything of it is stored: tags,
 *     wire types that fit the field's declared type, lengths inside their
 *     parent, nesting depth at most OL_MAX_MESSAGE_DEPTH, repeated entries
 *     at most OL_MAX_ENTRIES, fields per message at most
 *     OL_MAX_FIELDS_PER_MESSAGE;
 *   - the payload fields of every TensorProto (raw_data, float_data,
 *     int32_data, string_data, int64_data, double_data, uint64_data) are
 *     not read; their place in the file is recorded in an ol_payload and
 *     the TensorProto carries one unknown field, OL_WIRE_PAYLOAD_FIELD,
 *     whose varint value is that payload's index;
 *   - fields the schema does not know are dropped (nothing reads them).
 *
 * Each message is scanned first (checked, its repeated fields counted),
 * then its fields are stored into arrays of the right size; submessages
 * are decoded as their field is stored.  A small plain message (most of
 * a graph's: nodes, attributes, types) is checked and recorded in one
 * pass and stored from the record; whatever is not plain, malformed bytes
 * included, goes the general way.  As in protobuf, a singular
 * message field that occurs more than once (two serialized messages
 * concatenated) is the merge of its occurrences, at every level: repeated
 * fields concatenated, scalars last-wins.
 */
#ifndef OL_WIRE_H
#define OL_WIRE_H

#include <protobuf-c/protobuf-c.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "onnx.pb-c.h"
#include "onnxlint/onnxlint.h"
#include "util/arena.h"

/* Deepest nesting of messages accepted (a model inside is depth 1; each
 * subgraph costs 3 levels: attribute, graph, node).  The 32 subgraph
 * levels inference follows (OL_MAX_INFER_DEPTH) reach depth 98, and the
 * rest leaves room for the types and tensors inside the deepest graph, so
 * the subgraph limit is the one a deep model meets. */
#define OL_MAX_MESSAGE_DEPTH 128
/* Most messages plus repeated elements (outside tensor payloads) a model
 * may hold: each costs its decoded struct up to ~150 bytes, so 10 million empty
 * entries (a 20 MB file) would cost 1.5 GB.  A 60,000-node graph holds
 * about half a million. */
#define OL_MAX_ENTRIES ((uint64_t)4 * 1000 * 1000)
/* Most fields one message may hold.  protobuf-c's unpack refuses a message
 * of about two million fields (measured with 1.4.1); the decoder keeps a
 * limit below that so a file it accepts can also be written back and read
 * by protobuf-c-based tools. */
#define OL_MAX_FIELDS_PER_MESSAGE ((uint64_t)1000 * 1000)
/* The field number that carries a decoded TensorProto's payload index. */
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

/* A stretch of the bytes: one message. */
typedef struct ol_wire_span {
    size_t begin, end;
} ol_wire_span;

typedef struct ol_wire_result {
    ProtobufCMessage *message; /* the decoded root, in the arena */
    ol_payload *payloads;      /* in the arena, indexed by marker */
    size_t n_payloads;
} ol_wire_result;

/* Validates data[0..len) as a message of type root and decodes it into
 * arena (tmp holds scratch space and may be destroyed afterwards; data
 * must outlive nothing: strings and bytes are copied).  On failure returns
 * a status and writes a one-line reason (without the file name) into
 * why. */
onnxlint_status ol_wire_decode(const uint8_t *data, size_t len, const ProtobufCMessageDescriptor *root,
                               ol_arena *arena, ol_arena *tmp, ol_wire_result *out, char *why, size_t why_len);

/* Returns 1 if data[0..len) is a well-formed message of type desc (same
 * checks as ol_wire_decode, nothing stored), 0 otherwise. */
int ol_wire_is_message(const uint8_t *data, size_t len, const ProtobufCMessageDescriptor *desc);

/* A decoding whose graphs' nodes were left in the file (see
 * ol_wire_decode_lazy); it lives in the tmp arena given. */
typedef struct ol_wire_lazy ol_wire_lazy;

/* As ol_wire_decode of a ModelProto, but the nodes of the model's graph
 * (ModelProto.graph; not of subgraphs or training graphs) are left in the
 * file, only their framing checked: the graph's n_node is 0 and
 * ol_wire_graph_nodes tells where they lie, for ol_wire_node to decode (and
 * so check) one at a time.
 * A loader that builds the graph node by node so never holds every
 * NodeProto at once (on a 50,000-node graph, 8 MB); a malformed node is
 * found when it is decoded.  data and tmp must outlive the lazy decoding;
 * *lazy is set on success. */
onnxlint_status ol_wire_decode_lazy(const uint8_t *data, size_t len, ol_arena *arena, ol_arena *tmp,
                                    ol_wire_result *out, ol_wire_lazy **lazy, char *why, size_t why_len);

/* The nodes the lazy decoding left in the file, in order, when graph is
 * the model's graph it decoded: *n spans (false for any other graph, or
 * when it has no node). */
bool ol_wire_graph_nodes(const ol_wire_lazy *lazy, const ProtobufCMessage *graph, const ol_wire_span **spans,
                         size_t *n);

/* Decodes the NodeProto at *where as ol_wire_decode would (same checks,
 * same errors, its entries charged to the same limit): the struct and its
 * arrays of names in shells (which the caller resets once done with them),
 * its strings and everything else (attributes, their tensors and graphs)
 * in the decoding's arena.  Tensors met add payloads: ol_wire_lazy_payloads
 * gives the grown list.  *longest: the most bytes one of the node's own
 * strings (its name, operator, domain, inputs, outputs, ...; not its
 * attributes') takes in the file, so at least its strlen; SIZE_MAX when
 * not measured. */
onnxlint_status ol_wire_node(ol_wire_lazy *lazy, const ol_wire_span *where, ol_arena *shells, Onnx__NodeProto **out,
                             size_t *longest, char *why, size_t why_len);

/* The payloads recorded so far (in the arena; the array moves as it grows). */
void ol_wire_lazy_payloads(const ol_wire_lazy *lazy, ol_payload **payloads, size_t *n);

/* The payload a decoded TensorProto's marker points at, or NULL (no
 * marker, or an index past n). */
const ol_payload *ol_wire_payload_of(const ProtobufCMessage *tensor, const ol_payload *payloads, size_t n);

/* Reads one varint at *pos (advancing it) below end; returns 0 if it is
 * truncated or longer than 10 bytes. */
int ol_wire_varint(const uint8_t *data, size_t end, size_t *pos, uint64_t *value);

#endif
