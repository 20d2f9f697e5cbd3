/*
 * json.h - JSON out: a streaming writer that every report uses, and the
 * jansson pieces the baseline writer still shares.
 *
 * The writer (ol_jw_*) writes each value as it is visited, straight into
 * an ol_sink: no document is built, so a report over 100,000 values costs
 * what its bytes cost.  Its pretty form is byte for byte what jansson's
 * json_dump with JSON_INDENT(2) | JSON_PRESERVE_ORDER writes (the reports'
 * golden files were made that way); its compact form is one line, for
 * JSON Lines.
 *
 * Invariant: every string from a model becomes valid JSON: valid UTF-8
 * passes (control characters escaped as JSON escapes them), invalid bytes
 * are spelled \xNN.  Nesting deeper than OL_JW_MAX_DEPTH is a
 * programming error and marks the writer failed.
 */
#ifndef OL_REPORT_JSON_H
#define OL_REPORT_JSON_H

#include <jansson.h>

#include "ir/ir.h"
#include "util/writer.h"

/* Deepest nesting of arrays and objects a report writes. */
#define OL_JW_MAX_DEPTH 16

typedef struct ol_jw {
    ol_sink *out;
    bool pretty;          /* indented by two spaces; else one line */
    bool after_key;       /* a key was written: the value follows it */
    int depth;
    bool has_items[OL_JW_MAX_DEPTH + 1]; /* per open container */
    char closers[OL_JW_MAX_DEPTH + 1];   /* the bracket that closes each */
} ol_jw;

/* Starts a document on out: pretty (jansson's JSON_INDENT(2)) or compact. */
void ol_jw_init(ol_jw *w, ol_sink *out, bool pretty);
void ol_jw_object(ol_jw *w);
void ol_jw_array(ol_jw *w);
/* Closes the innermost object or array. */
void ol_jw_end(ol_jw *w);
/* Writes a key of the open object (plain ASCII from the code, or model
 * bytes: both are escaped). */
void ol_jw_key(ol_jw *w, const char *key);
/* Values: a string from the model (NULL writes null), integers, a real
 * (jansson's spelling: %.17g with ".0" added; NaN and infinities write
 * null), booleans, null. */
void ol_jw_string(ol_jw *w, const char *s);
void ol_jw_int(ol_jw *w, long long v);
void ol_jw_real(ol_jw *w, double v);
void ol_jw_bool(ol_jw *w, bool v);
void ol_jw_null(ol_jw *w);
/* A shape as the reports' contract spells it (see ol_json_shape), and a
 * tensor type's ONNX element type name ("float"), ONNX's type string of a
 * sequence, map or optional ("seq(tensor(float))"), or null. */
void ol_jw_shape(ol_jw *w, ol_exprs *exprs, const ol_type *t);
void ol_jw_dtype(ol_jw *w, const ol_type *t);

/* A JSON string from model bytes (null for NULL). */
json_t *ol_json_string(const char *s);

/* A shape as the reports' contract spells it: a list of dims (integer,
 * string for a symbol or expression, null when unknown), or null when the
 * rank is unknown or the value is not a tensor.  Dims are resolved through
 * the unifications in exprs (which may be NULL). */
json_t *ol_json_shape(ol_exprs *exprs, const ol_type *t);

/* jansson dump callback writing into an ol_sink (util/writer.h). */
int ol_json_sink(const char *buffer, size_t size, void *out);

#endif
