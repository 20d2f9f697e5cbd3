/*
 * fuzz_check.c - libFuzzer target for the whole path a hostile file takes:
 * load (wire decoder, IR) -> shape inference -> check (loss
 * analysis and confirmation on sample data, with a small memory budget)
 * -> every report format.  Any crash, hang, sanitizer report or leak is a
 * bug; a clean error status is the expected outcome for garbage.
 */
#include <stddef.h>
#include <stdint.h>

#include "onnxlint/onnxlint.h"

static int discard(void *ctx, const char *data, size_t len)
{
    (void)ctx;
    (void)data;
    (void)len;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    onnxlint_model *model = NULL;
    onnxlint_error err;
    if (onnxlint_model_load_buffer("fuzz.onnx", data, size, NULL, &model, &err) != ONNXLINT_OK)
        return 0;
    onnxlint_inspect_write(model, ONNXLINT_FORMAT_TEXT, discard, NULL, &err);
    onnxlint_inspect_write(model, ONNXLINT_FORMAT_JSON, discard, NULL, &err);
    onnxlint_model_infer(model, &err);
    onnxlint_shapes_write(model, ONNXLINT_FORMAT_JSON, discard, NULL, &err);
    onnxlint_check_options co = {0};
    if (onnxlint_check(model, &co, &err) == ONNXLINT_OK) {
        onnxlint_findings_write(&model, 1, ONNXLINT_FORMAT_TEXT, 0, discard, NULL, &err);
        onnxlint_findings_write(&model, 1, ONNXLINT_FORMAT_JSON, 0, discard, NULL, &err);
        onnxlint_findings_write(&model, 1, ONNXLINT_FORMAT_SARIF, 0, discard, NULL, &err);
        onnxlint_findings_write(&model, 1, ONNXLINT_FORMAT_JSONL, 0, discard, NULL, &err);
        /* The text report lists the loss paths the check found first. */
        onnxlint_shapes_write(model, ONNXLINT_FORMAT_TEXT, discard, NULL, &err);
    }
    onnxlint_model_free(model);
    return 0;
}
