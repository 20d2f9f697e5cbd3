/*
 * infer.c - inference alone on a loaded model, for callers that want
 * shapes without a check (report/shapes.c formats what it found).
 */
#include <stdio.h>

#include "infer/infer.h"

onnxlint_status onnxlint_model_infer(onnxlint_model *model, onnxlint_error *err)
{
    if (!model)
        return ONNXLINT_EINVAL;
    onnxlint_status st = ol_infer_model(model, NULL, NULL);
    if (st && err) {
        err->status = st;
        snprintf(err->message, sizeof err->message, "shape inference: %s", onnxlint_status_name(st));
    }
    return st;
}
