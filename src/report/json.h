/*
 * json.h - the JSON pieces every report shares (jansson).
 *
 * Invariant: every string from a model becomes valid JSON: valid UTF-8
 * passes (jansson escapes control characters), invalid bytes are spelled
 * \xNN.
 */
#ifndef OL_REPORT_JSON_H
#define OL_REPORT_JSON_H

#include <jansson.h>

#include "ir/ir.h"

/* A JSON string from model bytes (null for NULL). */
json_t *ol_json_string(const char *s);

/* A shape as the reports' contract spells it: a list of dims (integer,
 * string for a symbol or expression, null when unknown), or null when the
 * rank is unknown or the value is not a tensor.  Dims are resolved through
 * the unifications in exprs (which may be NULL). */
json_t *ol_json_shape(ol_exprs *exprs, const ol_type *t);

/* ONNX's lowercase element type name of a tensor type ("float"), ONNX's type
 * string of a sequence, map or optional ("seq(tensor(float))"), or null. */
json_t *ol_json_dtype(const ol_type *t);

/* jansson dump callback writing into an ol_sink (report/writer.h). */
int ol_json_sink(const char *buffer, size_t size, void *out);

#endif
