/*
 * load.h - private entry points of the loader shared with its tests.
 */
#ifndef OL_LOAD_H
#define OL_LOAD_H

#include "ir/ir.h"

/* Newest IR version whose meaning onnxlint knows; newer ones load with a
 * warning.  Fields added after the bundled schema (see proto/) are
 * skipped. */
#define OL_KNOWN_IR_VERSION 14
/* Newest ai.onnx and ai.onnx.ml opsets known; newer ones load with a
 * warning. */
#define OL_KNOWN_ONNX_OPSET 28
#define OL_KNOWN_ML_OPSET 5
/* Most bytes one model's arena may take (graph structure, not weights). */
#define OL_MAX_MODEL_MEMORY ((size_t)8 << 30)
/* Longest name (of a value, node, op type) accepted. */
#define OL_MAX_NAME_LENGTH ((size_t)1 << 16)

/* Reports a diagnostic through the model's sink and counts it.  The
 * formatted message must already be escaped. */
void ol_model_diagnostic(onnxlint_model *model, onnxlint_severity severity, const char *code, const ol_node *node,
                         const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Resolves a tensor's external data: location must name a regular file
 * inside model->dir (after symlinks); offset and length must fit in it.
 * Fills tensor->external_*; on failure writes the reason into err. */
onnxlint_status ol_external_resolve(onnxlint_model *model, ol_tensor *tensor, onnxlint_error *err);

#endif
