/*
 * onnxlint.h - the public C API of onnxlint.
 *
 * onnxlint reads an ONNX model, builds a graph of values and nodes, and
 * reports what it finds.  Everything here is an opaque handle, a status code
 * or a plain struct: no protobuf-c type crosses this header.
 *
 * Invariants the library keeps:
 *   - It never prints and never exits.  Errors come back as a status plus a
 *     one-line message (onnxlint_error); warnings and findings go to a sink
 *     the caller provides; reports are written through a writer callback.
 *   - Every byte it allocates goes through one allocator hook
 *     (onnxlint_allocator), protobuf-c's allocations included, so a caller
 *     can bound memory or fail the N-th allocation.
 *   - Weights are not read when a model loads: a tensor's payload stays in
 *     the file until something asks for its values.
 *
 * Usage:
 *
 *     onnxlint_error err;
 *     onnxlint_model *m = NULL;
 *     if (onnxlint_model_load("model.onnx", NULL, &m, &err) != ONNXLINT_OK) {
 *         fprintf(stderr, "%s\n", err.message);
 *         return 2;
 *     }
 *     onnxlint_inspect_write(m, ONNXLINT_FORMAT_TEXT, my_writer, stdout);
 *     onnxlint_model_free(m);
 */
#ifndef ONNXLINT_H
#define ONNXLINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define ONNXLINT_VERSION "0.1.0"

/* Status codes.  ONNXLINT_OK is zero; every other value is a failure whose
 * one-line description is in the onnxlint_error the call filled in. */
typedef enum onnxlint_status {
    ONNXLINT_OK = 0,
    ONNXLINT_ENOMEM,     /* the allocator hook refused */
    ONNXLINT_EIO,        /* a file could not be opened, read or mapped */
    ONNXLINT_EMALFORMED, /* the bytes are not a valid ONNX model */
    ONNXLINT_EUNSAFE,    /* external data points outside the model's folder */
    ONNXLINT_ELIMIT,     /* a documented limit (depth, count, size) was hit */
    ONNXLINT_EINVAL,     /* the caller passed an invalid argument */
    ONNXLINT_EWRITE,     /* the writer callback failed */
    ONNXLINT_EEVAL       /* the model could not be evaluated (a node failed, no kernel) */
} onnxlint_status;

/* Returns a static lowercase name for a status ("ok", "out of memory"...). */
const char *onnxlint_status_name(onnxlint_status status);

/* A failure's one-line description: the file, where in it, and what is
 * wrong, e.g. "m.onnx: truncated: field 'raw_data' at offset 120 needs 48
 * bytes, 7 remain".  Always NUL-terminated, never contains a newline. */
typedef struct onnxlint_error {
    onnxlint_status status;
    char message[1024];
} onnxlint_error;

/* The one allocation hook.  alloc returns NULL to refuse; free accepts
 * NULL.  Both receive ctx.  Allocations are never resized.  The library
 * carves its objects out of chunks it asks the hook for (16 KB growing to
 * 4 MB); chunk_size, when not 0, caps a chunk at that many bytes (a block
 * larger than the cap gets a call of its own), so chunk_size = 1 makes
 * every internal allocation one call of the hook: what a fault-injection
 * test needs to refuse each of them in turn. */
typedef struct onnxlint_allocator {
    void *(*alloc)(void *ctx, size_t size);
    void (*free)(void *ctx, void *ptr);
    void *ctx;
    size_t chunk_size;
} onnxlint_allocator;

typedef enum onnxlint_severity {
    ONNXLINT_NOTE = 0,
    ONNXLINT_WARNING = 1,
    ONNXLINT_ERROR = 2
} onnxlint_severity;

/* A diagnostic raised while loading (a newer IR version than known, a node
 * input that nothing defines...).  Strings live until the callback returns;
 * node is NULL when the diagnostic is about the whole model. */
typedef struct onnxlint_diagnostic {
    onnxlint_severity severity;
    const char *code;    /* a rule id, e.g. "undefined-value", "opset" */
    const char *node;    /* node name (or "#K" for an unnamed node), or NULL */
    const char *message; /* one line, already escaped for display */
} onnxlint_diagnostic;

typedef void (*onnxlint_diagnostic_fn)(void *ctx, const onnxlint_diagnostic *diagnostic);

typedef struct onnxlint_load_options {
    const onnxlint_allocator *allocator; /* NULL: malloc/free */
    onnxlint_diagnostic_fn on_diagnostic; /* NULL: diagnostics are dropped */
    void *diagnostic_ctx;
} onnxlint_load_options;

typedef struct onnxlint_model onnxlint_model;

/* Loads the ONNX model at path.  On success stores the model in *out and
 * returns ONNXLINT_OK; diagnostics of any severity may have been reported
 * (an error-severity diagnostic means the graph is structurally broken but
 * still inspectable).  On failure *out is NULL, err (if not NULL) holds the
 * one-line reason, and nothing stays allocated.  options may be NULL. */
onnxlint_status onnxlint_model_load(const char *path, const onnxlint_load_options *options,
                                    onnxlint_model **out, onnxlint_error *err);

/* As onnxlint_model_load, from len bytes in memory (which must stay valid
 * and unchanged until the model is freed); name appears in messages.
 * External data is refused: a buffer has no folder. */
onnxlint_status onnxlint_model_load_buffer(const char *name, const void *data, size_t len,
                                           const onnxlint_load_options *options, onnxlint_model **out,
                                           onnxlint_error *err);

/* Releases everything the model holds.  Accepts NULL. */
void onnxlint_model_free(onnxlint_model *model);

/* Counts of the diagnostics reported while loading, by severity. */
size_t onnxlint_model_diagnostic_count(const onnxlint_model *model, onnxlint_severity severity);

typedef enum onnxlint_format {
    ONNXLINT_FORMAT_TEXT = 0,
    ONNXLINT_FORMAT_JSON = 1,
    ONNXLINT_FORMAT_SARIF = 2, /* findings only */
    ONNXLINT_FORMAT_JSONL = 3  /* findings only: JSON Lines, one model a line */
} onnxlint_format;

/* Receives report bytes; returns 0 on success, non-zero to abort. */
typedef int (*onnxlint_write_fn)(void *ctx, const char *data, size_t len);

/* Writes the inspect report of a loaded model (IR version, producer,
 * opsets, inputs/outputs with types and shapes, initializer statistics,
 * operator counts, subgraphs, functions, metadata) in the given format.
 * Returns ONNXLINT_EWRITE if the writer fails, ONNXLINT_ENOMEM if the
 * allocator does. */
onnxlint_status onnxlint_inspect_write(const onnxlint_model *model, onnxlint_format format,
                                       onnxlint_write_fn write, void *write_ctx, onnxlint_error *err);

/* As onnxlint_inspect_write; in text, also lists the nodes of operator op
 * and/or whose names match the POSIX extended regular expression
 * name_regex, with their inputs' and outputs' types (either may be NULL). */
onnxlint_status onnxlint_inspect_write_filtered(const onnxlint_model *model, onnxlint_format format, const char *op,
                                                const char *name_regex, onnxlint_write_fn write, void *write_ctx,
                                                onnxlint_error *err);

/* Infers the element type and shape of every value of the model (ONNX's
 * operator semantics, symbolic dims as exact expressions).  Findings
 * (shape-error, type-error, declared-shape-mismatch, unknown-op) go to the
 * diagnostic sink given at load time and are counted with the model's
 * diagnostics.  Returns ONNXLINT_ENOMEM when memory ran out. */
onnxlint_status onnxlint_model_infer(onnxlint_model *model, onnxlint_error *err);

/* Writes every value of the main graph with its inferred element type and
 * shape (call onnxlint_model_infer first): text for people, or the JSON
 * contract {"model", "values": [{"name","dtype","shape","kind"}],
 * "unified": [...]}. */
onnxlint_status onnxlint_shapes_write(onnxlint_model *model, onnxlint_format format, onnxlint_write_fn write,
                                      void *write_ctx, onnxlint_error *err);

/* As onnxlint_shapes_write, text only showing values made by operator op
 * and/or named to match the POSIX extended regular expression name_regex
 * (either may be NULL); the loss path comes first after onnxlint_check. */
onnxlint_status onnxlint_shapes_write_filtered(onnxlint_model *model, onnxlint_format format, const char *op,
                                               const char *name_regex, onnxlint_write_fn write, void *write_ctx,
                                               onnxlint_error *err);

/* The folder (resolved) that the model's external data files are relative
 * to, or NULL when it has none.  A copy of the model written elsewhere
 * would not find them. */
const char *onnxlint_model_external_dir(const onnxlint_model *model);

/* Writes the model file with the inferred shapes of its intermediate
 * values added as graph.value_info (symbolic dims as dim_param); the
 * original bytes, weights included, are kept as they are (external data
 * locations too: write it into onnxlint_model_external_dir). */
onnxlint_status onnxlint_model_write_with_shapes(onnxlint_model *model, onnxlint_write_fn write, void *write_ctx,
                                                 onnxlint_error *err);

/* What `check` should know about an inference-only export (all may be
 * NULL/0: then only the losses inside the graph are checked). */
typedef struct onnxlint_check_options {
    const char *loss;   /* cross_entropy, nll, bce_with_logits, bce, mse, l1, or the Keras names
                           sparse_categorical_crossentropy, categorical_crossentropy, binary_crossentropy */
    const char *labels; /* "NAME:DTYPE[DIMS]", e.g. "labels:int64[N]" */
    const char *logits; /* the value the loss reads; default: the single output or the classifier head's */
    int from_logits;    /* Keras losses: the model outputs raw logits */
    int no_confirm;     /* skip running the loss on sample data */
    uint64_t seed;      /* sample data seed (0: a fixed default) */
    const char *const *dims; /* "NAME=VALUE" bindings of symbolic dims for sample data */
    size_t n_dims;
    const char *const *inputs; /* "NAME=FILE" (.pb or .npy): real data instead of samples */
    size_t n_inputs;
    int dims_shared; /* the dims are given for many models at once (a folder, a config glob): one naming a
                        symbol this model does not have is ignored, not refused */
    const char *inputs_from; /* where the inputs were given, for messages: NULL for --input, else e.g.
                                "repo/.onnxlint.yaml: inputs:" */
} onnxlint_check_options;

/* Infers shapes (if not done yet) and runs every rule: the loss rules on
 * the losses in the graph and on the declared one, and the graph rules;
 * then (unless no_confirm) runs the model on seeded sample data and
 * attaches the evidence to the loss findings.
 * Findings are kept with the model.  Returns ONNXLINT_EINVAL with a
 * message for a bad option value. */
onnxlint_status onnxlint_check(onnxlint_model *model, const onnxlint_check_options *options, onnxlint_error *err);

/* Number of findings of at least the given severity (after onnxlint_check). */
size_t onnxlint_finding_count(const onnxlint_model *model, onnxlint_severity at_least);

/* Writes the findings of n checked models: text (compiler-style, with
 * colour when color is non-zero), JSON (a list with one object per model,
 * as in the documented contract, for any n), JSON Lines (the same objects,
 * one a line: a caller may write each model as it finishes) or SARIF
 * 2.1.0 (one run). */
onnxlint_status onnxlint_findings_write(onnxlint_model *const *models, size_t n, onnxlint_format format, int color,
                                        onnxlint_write_fn write, void *write_ctx, onnxlint_error *err);

/* Writes the explanation of a rule (what, why, framework error, bad and
 * good examples); ONNXLINT_EINVAL when no rule has that id. */
onnxlint_status onnxlint_explain_write(const char *rule, onnxlint_write_fn write, void *write_ctx);

/* The rule id closest to a misspelt one ("class_count" gives
 * "class-count"), or NULL when none is close. */
const char *onnxlint_rule_suggest(const char *rule);

/* A repository configuration (.onnxlint.yaml): per model glob the loss and
 * labels of inference-only exports and dim values for sample data; rule
 * severities ("off" disables); suppressions by rule, node and model glob. */
typedef struct onnxlint_config onnxlint_config;

/* Parses a config file; ONNXLINT_EINVAL with the reason (file, line) when
 * it is not a valid one. */
onnxlint_status onnxlint_config_load(const char *path, onnxlint_config **out, onnxlint_error *err);
void onnxlint_config_free(onnxlint_config *config);
/* Finds the .onnxlint.yaml nearest to a model, walking up from its folder
 * and no further than the root of the git repository it is in (the
 * folder holding .git); true with the path in out. */
bool onnxlint_config_find(const char *model_path, char *out, size_t cap);
/* Fills check options for a model from the config's matching entries
 * (strings stay owned by the config). */
void onnxlint_config_options(const onnxlint_config *config, const char *model_path, onnxlint_check_options *options);
/* After onnxlint_check: applies rule severities and suppressions. */
void onnxlint_config_apply(const onnxlint_config *config, onnxlint_model *model);

/* After onnxlint_check of each: compares the ONNX Runtime training graph
 * with its eval graph among the models (the one of each given, else those
 * named PREFIXtraining_model.onnx and PREFIXeval_model.onnx in one folder)
 * and adds train-eval-mismatch findings to the eval graph. */
void onnxlint_check_artifacts(onnxlint_model *const *models, size_t n);

/* Writes the findings of checked models as a baseline (a JSON list of
 * {"model", "rule", "node", "message", "fingerprint"}).  Models are keyed
 * by their resolved path relative to the folder of baseline_path (the
 * file the baseline is written to; NULL: the current folder), so the same
 * model matches however it is named on a later command line. */
onnxlint_status onnxlint_baseline_write_at(const char *baseline_path, onnxlint_model *const *models, size_t n,
                                           onnxlint_write_fn write, void *ctx);
/* onnxlint_baseline_write_at relative to the current folder. */
onnxlint_status onnxlint_baseline_write(onnxlint_model *const *models, size_t n, onnxlint_write_fn write, void *ctx);
/* Drops the findings a baseline file lists: same model (its path relative
 * to the baseline's folder) and the same fingerprint (rule, node and the
 * names of the values involved, not the message, so an unrelated edit of
 * the model keeps it); entries without a fingerprint match by rule, node
 * and message.  A gate then fails only on new findings. */
onnxlint_status onnxlint_baseline_apply(const char *path, onnxlint_model *model, onnxlint_error *err);

/* Writes the main graph as Graphviz DOT: nodes with op and name, edges
 * with dtype and shape, the loss path highlighted and nodes with findings
 * in red (after onnxlint_check).  around (may be NULL) keeps only the
 * nodes at most depth edges from the node of that name; ONNXLINT_EINVAL
 * when there is none. */
onnxlint_status onnxlint_dot_write(onnxlint_model *model, const char *around, int depth, onnxlint_write_fn write,
                                   void *write_ctx, onnxlint_error *err);
/* The same, drawing only the forward part of an ONNX Runtime training
 * graph (what the losses and the model's own outputs need; no gradient,
 * accumulator or optimizer node). */
onnxlint_status onnxlint_dot_write_forward(onnxlint_model *model, const char *around, int depth,
                                           onnxlint_write_fn write, void *write_ctx, onnxlint_error *err);

/* What `run` feeds the model and where its outputs go. */
typedef struct onnxlint_run_options {
    const char *inputs_dir;          /* input_K.pb for the K-th graph input that is no initializer */
    const char *const *input_files;  /* "NAME=FILE" (.pb or .npy), overriding inputs_dir */
    size_t n_input_files;
    const char *outputs_dir;         /* NULL: no files; else output_K.pb written there */
    size_t memory_budget;            /* 0: the default */
} onnxlint_run_options;

/* Runs the model on the given inputs and writes a text summary of every
 * output (type, shape, min/max/mean, first values) through write.
 * ONNXLINT_EEVAL with the failing node and shapes when the model cannot
 * run (a kernel fails, an operator has no kernel). */
onnxlint_status onnxlint_run(onnxlint_model *model, const onnxlint_run_options *options, onnxlint_write_fn write,
                             void *write_ctx, onnxlint_error *err);

#ifdef __cplusplus
}
#endif

#endif /* ONNXLINT_H */
