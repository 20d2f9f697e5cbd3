/*
 * fuzz_inputs.c - libFuzzer target for the other files onnxlint reads from
 * a repository or a user: a .onnxlint.yaml config, a baseline, and the
 * tensors `run` and `check --input` take (.pb TensorProto / Sequence /
 * Optional, .npy).  The first byte picks the kind (modulo 4), the rest is
 * the file.  A small valid model (one float input X[N,4]) is the model the
 * baseline and the inputs go with; the tensors are also given as the labels
 * of a training graph (FUZZ_LOSS_MODEL: its loss reads labels - 1), whose
 * check runs the loss on them.  Any crash, hang, sanitizer report or leak
 * is a bug; a clean error status is the expected outcome for garbage.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "onnxlint/onnxlint.h"

#if !defined(FUZZ_MODEL) || !defined(FUZZ_LOSS_MODEL)
#error "FUZZ_MODEL, FUZZ_LOSS_MODEL: paths of the models the inputs go with"
#endif

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[64];
static uint8_t *model_bytes, *loss_bytes; /* FUZZ_MODEL, FUZZ_LOSS_MODEL, read once: the tree may change */
static size_t model_len, loss_len;

static int discard(void *ctx, const char *data, size_t len)
{
    (void)ctx;
    (void)data;
    (void)len;
    return 0;
}

static uint8_t *read_whole(const char *path, size_t *out)
{
    FILE *f = fopen(path, "rb");
    if (!f || fseek(f, 0, SEEK_END) != 0)
        abort();
    long len = ftell(f);
    uint8_t *bytes = malloc(len > 0 ? (size_t)len : 1);
    if (len <= 0 || !bytes || fseek(f, 0, SEEK_SET) != 0 || fread(bytes, 1, (size_t)len, f) != (size_t)len)
        abort();
    *out = (size_t)len;
    fclose(f);
    return bytes;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    snprintf(dir, sizeof dir, "/tmp/onnxlint-fuzz-XXXXXX");
    if (!mkdtemp(dir))
        abort();
    model_bytes = read_whole(FUZZ_MODEL, &model_len);
    loss_bytes = read_whole(FUZZ_LOSS_MODEL, &loss_len);
    return 0;
}

static void write_file(const char *path, const uint8_t *data, size_t size)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        abort();
    if (size && fwrite(data, 1, size, f) != size)
        abort();
    fclose(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    static const char *names[] = {".onnxlint.yaml", "baseline.json", "x.pb", "x.npy"};
    unsigned kind = data[0] % 4;
    char path[128];
    snprintf(path, sizeof path, "%s/%s", dir, names[kind]);
    write_file(path, data + 1, size - 1);
    onnxlint_error err;

    if (kind == 0) {
        onnxlint_config *config = NULL;
        if (onnxlint_config_load(path, &config, &err) == ONNXLINT_OK) {
            onnxlint_check_options co = {0};
            onnxlint_config_options(config, "models/sub/model.onnx", &co);
            onnxlint_config_options(config, "other.onnx", &co);
            onnxlint_model *model = NULL;
            if (onnxlint_model_load_buffer("models/model.onnx", model_bytes, model_len, NULL, &model, &err) ==
                ONNXLINT_OK) {
                onnxlint_config_options(config, "models/model.onnx", &co);
                co.no_confirm = 1;
                if (onnxlint_check(model, &co, &err) == ONNXLINT_OK) {
                    onnxlint_config_apply(config, model);
                    onnxlint_findings_write(&model, 1, ONNXLINT_FORMAT_TEXT, 0, discard, NULL, &err);
                }
                onnxlint_model_free(model);
            }
            onnxlint_config_free(config);
        }
        return 0;
    }

    onnxlint_model *model = NULL;
    if (onnxlint_model_load_buffer("models/model.onnx", model_bytes, model_len, NULL, &model, &err) != ONNXLINT_OK)
        abort(); /* the bundled model must load */
    if (kind == 1) {
        onnxlint_check_options co = {.no_confirm = 1};
        if (onnxlint_check(model, &co, &err) == ONNXLINT_OK &&
            onnxlint_baseline_apply(path, model, &err) == ONNXLINT_OK)
            onnxlint_findings_write(&model, 1, ONNXLINT_FORMAT_JSON, 0, discard, NULL, &err);
    } else {
        char binding[160];
        snprintf(binding, sizeof binding, "X=%s", path);
        const char *inputs[] = {binding};
        onnxlint_run_options ro = {.input_files = inputs, .n_input_files = 1, .memory_budget = (size_t)256 << 20};
        onnxlint_run(model, &ro, discard, NULL, &err);
        onnxlint_model *loss = NULL;
        snprintf(binding, sizeof binding, "labels=%s", path);
        onnxlint_check_options co = {.inputs = inputs, .n_inputs = 1};
        if (onnxlint_model_load_buffer("models/loss.onnx", loss_bytes, loss_len, NULL, &loss, &err) != ONNXLINT_OK)
            abort(); /* the bundled model must load */
        if (onnxlint_check(loss, &co, &err) == ONNXLINT_OK)
            onnxlint_findings_write(&loss, 1, ONNXLINT_FORMAT_JSON, 0, discard, NULL, &err);
        onnxlint_model_free(loss);
    }
    onnxlint_model_free(model);
    return 0;
}
