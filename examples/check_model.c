/*
 * check_model.c - onnxlint from C: load a model, check it for an
 * inference-only cross-entropy with int64 class labels, print the findings.
 *
 *   cc check_model.c $(pkg-config --cflags --libs onnxlint) -o check_model
 *   ./check_model model.onnx
 */
#include <onnxlint/onnxlint.h>
#include <stdio.h>

static int to_stdout(void *ctx, const char *data, size_t len)
{
    return fwrite(data, 1, len, ctx) == len ? 0 : -1;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s MODEL\n", argv[0]);
        return 2;
    }
    onnxlint_error err;
    onnxlint_model *model = NULL;
    if (onnxlint_model_load(argv[1], NULL, &model, &err) != ONNXLINT_OK) {
        fprintf(stderr, "%s\n", err.message);
        return 2;
    }
    onnxlint_check_options options = {.loss = "cross_entropy", .labels = "labels:int64[N]"};
    int code = 2;
    if (onnxlint_check(model, &options, &err) == ONNXLINT_OK &&
        onnxlint_findings_write(&model, 1, ONNXLINT_FORMAT_TEXT, 0, to_stdout, stdout, &err) == ONNXLINT_OK)
        code = onnxlint_finding_count(model, ONNXLINT_ERROR) ? 1 : 0;
    else
        fprintf(stderr, "%s\n", err.message);
    onnxlint_model_free(model);
    return code;
}
